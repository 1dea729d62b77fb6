#!/usr/bin/env bash
# Checks of kind unit against a real systemd: a private one booted in its own
# PID and mount namespaces (tests/integration/lib_systemd.sh); opsdeck runs
# inside it, where its system bus is.  Outside, without a bus, the check is
# unknown with the reason.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/integration/lib_systemd.sh
trap 'sd_shutdown; rm -rf "$T_TMP"' EXIT
check_field() { jq -r --arg id "$1" ".checks[] | select(.id == \$id) | .$2" <<<"$JSON"; }

cat >"$T_TMP/units.yaml" <<EOF
plan: Unit checks
checks:
  - { id: bus, kind: unit, unit: dbus.service }
  - { id: broken, kind: unit, unit: t-broken.service }
  - { id: ghost, kind: unit, unit: t-no-such.service }
phases:
  - { id: a, title: A, items: [{ id: a.1, text: x }] }
EOF

if [ ! -S /run/dbus/system_bus_socket ]; then
    JSON=$("$OPSDECK" status --json --state "$T_TMP/j" "$T_TMP/units.yaml" 2>/dev/null)
    equals "no system bus: a unit check is unknown" unknown "$(check_field bus status)"
    contains "with the reason" "system bus" "$(check_field bus error)"
else
    t_skip "no system bus: a unit check is unknown" "this machine has a system bus"
fi

NAMES="active broken not-found"
if ! sd_can_boot || ! sd_boot; then
    for n in $NAMES; do t_skip "unit-check-$n" "$SD_SKIP"; done
    exit 0
fi
X=$SD_EXCH
cp "$OPSDECK" "$X/opsdeck"
cp "$T_TMP/units.yaml" "$X/units.yaml"
sd_unit t-broken.service <<EOF
[Unit]
Description=A service that fails at once
[Service]
Type=oneshot
ExecStart=/bin/false
EOF
sd_exec systemctl start t-broken.service >/dev/null 2>&1
JSON=$(sd_exec "$X/opsdeck" status --json --state "$X/j" "$X/units.yaml" 2>/dev/null)
equals "unit-check-active: an active unit is ok, its ActiveState the value" "ok active" \
    "$(check_field bus status) $(check_field bus value)"
equals "unit-check-broken: a failed unit fails the check" "fail failed" \
    "$(check_field broken status) $(check_field broken value)"
contains "unit-check-broken: the error names the unit" "t-broken.service" "$(check_field broken error)"
equals "unit-check-not-found: a unit that does not exist fails" fail "$(check_field ghost status)"
contains "unit-check-not-found: the error says not-found" "not-found" "$(check_field ghost error)"

#!/usr/bin/env bash
# Integration: the memory column of view 3 follows a unit whose memory grows.
# systemd sends no PropertiesChanged for MemoryCurrent, so the panel samples it
# (every 5 s, active units only) while view 3 shows, and not at all on another
# view.  Differential: the panel in tmux against `systemctl show -p
# MemoryCurrent`, inside a private systemd (tests/integration/lib_systemd.sh);
# the sampling calls counted on the bus with dbus-monitor.  Skipped by name,
# with the reason, where that cannot be done.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/integration/lib_systemd.sh
. tests/e2e/tmux.sh
trap 'tm_cleanup; sd_shutdown; rm -rf "$T_TMP"' EXIT

NAMES="memory-initial memory-follows memory-not-ahead memory-idle-view-no-sampling
memory-view-samples memory-inactive-not-sampled since-moves-with-the-clock memory-panel-exits"
skip_all() { for n in $NAMES; do t_skip "systemd-$n" "$1"; done; exit 0; }

for c in tmux perl dbus-monitor; do
    command -v "$c" >/dev/null || skip_all "'$c' is not installed"
done
if ! sd_can_boot || ! sd_boot; then
    skip_all "$SD_SKIP"
fi

sd_stage_opsdeck

cat >"$X/plan.yaml" <<PLAN
plan: memory sampling
services:
  - { unit: t-grow.service, title: "grows" }
  - { unit: t-still.service, title: "stopped" }
phases:
  - id: p1
    title: Phase one
    items: [ { id: p1.a, text: something } ]
PLAN

# 1 MiB every 0.25 s, up to 160 MiB, then it holds; MemoryMax bounds it anyway,
# and RuntimeMaxSec ends it if the test is left behind
cat >"$X/grow.pl" <<'PERL'
my @b;
for my $i (1 .. 160) {
    push @b, "x" x (1 << 20);
    select(undef, undef, undef, 0.25);
}
sleep 600;
PERL
sd_unit t-grow.service <<U
[Service]
MemoryAccounting=yes
MemoryMax=384M
RuntimeMaxSec=300
ExecStart=/usr/bin/perl $X/grow.pl
U
sd_unit t-still.service <<'U'
[Service]
ExecStart=/bin/sleep infinity
U

MIB=1048576
# the memory column of UNIT's row on screen, in bytes (the column is rounded:
# "12.3M" is within 0.05 MiB); empty when it shows none
panel_mem() {
    local v
    v=$(tm_screen | grep -F " $1 " | head -1 | grep -oE ' [0-9]+(\.[0-9])?[BKMG] ' | head -1 | tr -d ' ')
    [ -n "$v" ] || return 1
    awk -v v="$v" 'BEGIN { u = substr(v, length(v)); n = substr(v, 1, length(v) - 1) + 0;
        m = u == "K" ? 1024 : u == "M" ? 1048576 : u == "G" ? 1073741824 : 1; printf "%d\n", n * m }'
}
sd_mem() { in_ns systemctl show -p MemoryCurrent --value "$1"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

in_ns systemctl start t-grow.service
tm_start 160 30 "nsenter -t $SD_PID -m -p $OD $J $X/plan.yaml"
wait_for "p1" 10
tm_keys 3
if wait_for "t-grow.service                 active/running" 10 && p0=$(panel_mem t-grow.service); then
    t_ok systemd-memory-initial
else
    t_fail systemd-memory-initial "no memory on the row of t-grow.service" "$(tm_screen | head -12)"
    p0=0
fi

# wait until systemd counts well past what the panel read first, then the
# panel must catch up within one sampling period (5 s) and some slack
deadline=$((SECONDS + 20))
while [ $SECONDS -lt $deadline ]; do
    v0=$(sd_mem t-grow.service)
    [ "$v0" -gt $((p0 + 12 * MIB)) ] 2>/dev/null && break
    sleep 0.2
done
deadline=$((SECONDS + 8))
p1=
while [ $SECONDS -lt $deadline ]; do
    p1=$(panel_mem t-grow.service) && [ "$p1" -ge $((v0 - MIB / 16)) ] && break
    sleep 0.2
done
if [ -n "$p1" ] && [ "$p1" -ge $((v0 - MIB / 16)) ]; then
    t_ok systemd-memory-follows
else
    t_fail systemd-memory-follows "systemctl said $(mib "$v0"); 8 s later the panel still shows $(mib "${p1:-0}") (first read $(mib "$p0"))"
fi
# and not ahead of systemd: the panel's value is one systemd gave
p2=$(panel_mem t-grow.service)
v2=$(sd_mem t-grow.service)
if [ -n "$p2" ] && [ "$p2" -le $((v2 + MIB / 16)) ]; then
    t_ok systemd-memory-not-ahead
else
    t_fail systemd-memory-not-ahead "panel $(mib "${p2:-0}"), systemctl afterwards $(mib "$v2")"
fi

# count the Get(MemoryCurrent) calls on the bus: none while view 1 shows, some on view 3
monitor() {
    in_ns sh -c "exec timeout $1 dbus-monitor --system \"type='method_call',interface='org.freedesktop.DBus.Properties',member='Get',arg1='MemoryCurrent'\"" 2>/dev/null |
        grep -c 'member=Get'
}
tm_keys 1
wait_for "critical path" 5
sleep 0.5
n_idle=$(monitor 11)
equals systemd-memory-idle-view-no-sampling 0 "$n_idle"
# a unit that is not running (t-still.service) is not sampled
in_ns sh -c "exec timeout 12 dbus-monitor --system \"type='method_call',interface='org.freedesktop.DBus.Properties',member='Get',arg1='MemoryCurrent'\"" >"$X/monitor.out" 2>/dev/null &
mon_pid=$!
sleep 0.5
tm_keys 3
wait $mon_pid
n_view=$(grep 'member=Get' "$X/monitor.out" | grep -c 'path=/org/freedesktop/systemd1/unit/t_2dgrow_2eservice;')
if [ "$n_view" -ge 2 ] && [ "$n_view" -le 4 ]; then
    t_ok systemd-memory-view-samples
else
    t_fail systemd-memory-view-samples "expected 2 to 4 samples of t-grow.service in 11.5 s on view 3, got $n_view"
fi
n_still=$(grep 'member=Get' "$X/monitor.out" | grep -c 'path=/org/freedesktop/systemd1/unit/t_2dstill_2eservice;')
equals systemd-memory-inactive-not-sampled 0 "$n_still"

# "since" counts up on screen with no event from systemd: a unit that started
# just now reads "0s"/"1s", and a few seconds later more, without a key pressed
since_of() { tm_screen | grep -F " $1 " | head -1 | sed -n 's#.*active/running *\([0-9][0-9]*\)s .*#\1#p'; }
in_ns systemctl start t-still.service
wait_for "t-still.service                active/running" 10
s0=$(since_of t-still.service)
sleep 4
s1=$(since_of t-still.service)
if [ -n "$s0" ] && [ -n "$s1" ] && [ "$s1" -ge $((s0 + 3)) ]; then
    t_ok "systemd-since-moves-with-the-clock (${s0}s, 4 s later ${s1}s)"
else
    t_fail systemd-since-moves-with-the-clock "since read '${s0}' then, 4 s later, '${s1}'" "$(tm_screen | grep -F t-still | head -2)"
fi
in_ns systemctl stop t-still.service
tm_keys q
expect_screen systemd-memory-panel-exits "EXITED 0" 10
in_ns systemctl stop t-grow.service

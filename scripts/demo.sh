#!/usr/bin/env bash
# make demo: the panel on the example plan (Uplink 2.0), with a throwaway journal.
#
# Live where it can be (root, systemd installed but not PID 1, overlayfs): a
# private systemd boots as PID 1 of its own PID, mount and network namespaces on
# an overlay of / — the way the tests boot theirs (tests/integration/lib_systemd.sh)
# — and runs the plan's services: MariaDB and Redis from the Debian packages on
# the plan's ports, and stand-ins for uplink-web, -huey, -daphne and -cleanup
# (scripts/demo/).  The panel runs inside it, so services (3), logs (4) and
# health (5) show real things; that systemd is shut down on exit.  Elsewhere the
# panel opens alone, after saying why.
# Without a terminal (a script, CI) it prints `opsdeck status` instead.
#   scripts/demo.sh [BIN]    BIN: the opsdeck binary (default build/opsdeck)
#   DEMO_JSON=1              print `opsdeck status --json` instead
#   DEMO_LIVE=0              never boot the private systemd
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(realpath "${1:-$ROOT/build/opsdeck}")
PLAN=$ROOT/examples/uplink-2.0.yaml
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-demo.XXXXXX")
# the caller's TMPDIR need not exist inside the private systemd (its /tmp is its own)
unset TMPDIR
LIVE=0
TTY=0
[ -t 0 ] && [ -t 1 ] && TTY=1

say() { echo "demo: $*" >&2; }
cleanup() {
    # nothing interrupts the shutdown: not a second ^C, not a closed output pipe
    trap '' HUP INT TERM PIPE
    if [ "$LIVE" = 1 ]; then
        say "stopping the private systemd…"
        sd_shutdown
    fi
    rm -rf "$T_TMP"
}
trap cleanup EXIT
# a signal ends the script through its EXIT trap, which stops the private systemd
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 141' PIPE

# live_boot: boot the private systemd and start the plan's services in it;
# on failure REASON says why and nothing is left running.
live_boot() {
    if [ "${DEMO_LIVE:-1}" = 0 ]; then
        REASON="DEMO_LIVE=0"
        return 1
    fi
    if [ "$(id -u)" -ne 0 ]; then
        REASON="it needs root to boot a private systemd (try: sudo make demo)"
        return 1
    fi
    if [ -d /run/systemd/system ]; then
        # this machine's own systemd is not the demo's to fill with units
        REASON="systemd is this machine's init (PID 1); the live demo is for machines and CI containers where it is not"
        return 1
    fi
    # its own network namespace: MariaDB, Redis and uplink-web take the plan's
    # ports (3306, 6379, 8000) there, not the host's; the watchdog ends it if
    # this script dies without running its traps
    SD_NETNS=1
    SD_OWNER_PID=$$
    SD_MAX_SECONDS=$((TTY ? 43200 : 600)) # and never more than 12 h (10 min headless)
    . "$ROOT/tests/integration/lib_systemd.sh"
    # with a network of its own, the plan's servers may run: unmasked, they show
    # as they are (nginx: not-found where it is not installed); the rest stays masked
    SD_MASK_SERVERS=$(tr -s ' \n' '\n' <<<"$SD_MASK_SERVERS" |
        grep -vxE '(mariadb|mysql|redis-server|redis|nginx)\.service')
    if ! sd_can_boot; then
        REASON=$SD_SKIP
        return 1
    fi
    say "booting a private systemd (own PID, mount and network namespaces, on an overlay of /)…"
    LIVE=1
    if ! sd_boot 60; then
        REASON=$SD_SKIP
        sd_shutdown
        LIVE=0
        return 1
    fi
    say "the private systemd is up (PID $SD_PID on this host)"
    X=$SD_EXCH
    cp "$BIN" "$X/opsdeck"
    cp -r "$ROOT/themes" "$X/themes"
    cp "$PLAN" "$X/"
    cp -r "$ROOT/scripts/demo" "$X/demo"
    PLAN=$X/$(basename "$PLAN")
    # the plan's password_env; exported, never on a command line
    UPLINK_DB_PASSWORD=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
    DEMO_DB_PASSWORD=$UPLINK_DB_PASSWORD
    export UPLINK_DB_PASSWORD DEMO_DB_PASSWORD
    say "starting MariaDB, Redis, uplink-web, -huey, -daphne and the cleanup timer…"
    if ! sd_exec bash "$X/demo/setup.sh" "$X/demo"; then
        say "not everything came up (above): the panel shows it as it is"
    fi
    return 0
}

# od_run ARGS...: opsdeck, inside the private systemd when there is one
od_run() {
    if [ "$LIVE" = 1 ]; then
        sd_exec "$X/opsdeck" "$@"
    else
        "$BIN" "$@"
    fi
}

if ! live_boot; then
    say "no live services: $REASON"
    say "showing the plan with what this machine has (its own units and logs, if any)"
    X=$T_TMP
fi
J=$X/demo.journal
# a few ticks so the demo shows a weekend under way
first=$("$BIN" status --json --state "$J" "$PLAN" | jq -r '.phases[0].items[0:3][].id')
for item in $first; do
    "$BIN" tick "$PLAN" "$item" --state "$J" --as demo >/dev/null
done
export OPSDECK_THEMES="$ROOT/themes"
[ "$LIVE" = 1 ] && OPSDECK_THEMES=$X/themes
if [ "$TTY" = 1 ]; then
    if [ "$LIVE" = 1 ]; then
        echo "Opening the panel inside the private systemd: 3 services, 4 logs, 5 health."
        echo "The journal and every service are thrown away on exit. ? for keys, q to quit."
    else
        echo "Opening the panel on $PLAN (journal: $J, removed on exit). ? for keys, q to quit."
    fi
    sleep 1
    od_run --state "$J" --as demo "$PLAN"
    exit $?
fi
# it exits 1 while checks fail, as the example's public HTTPS site does from here
if [ "${DEMO_JSON:-0}" = 1 ]; then
    od_run status --json --state "$J" "$PLAN" || true
else
    od_run status --state "$J" "$PLAN" || true
    echo
    echo "(no terminal: this is 'opsdeck status'; run 'make demo' in a terminal for the panel)"
fi

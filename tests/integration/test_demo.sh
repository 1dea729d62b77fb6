#!/usr/bin/env bash
# Integration: `make demo` (scripts/demo.sh).  Without a terminal it boots its
# private systemd (own PID, mount and network namespaces on an overlay), starts
# the example plan's services in it and prints `opsdeck status --json` from
# inside; in a terminal (tmux) the panel runs inside.  Asserted from the real
# output: the units active, the checks on them ok; and afterwards: the host's
# /tmp untouched and nothing of the private systemd left.  Skipped by name, with
# the demo's own reason, where it cannot boot (not root, systemd is PID 1 …).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/tmux.sh
MARKER=$(mktemp /tmp/opsdeck-demo-marker.XXXXXX)
SAN_DIR=
trap 'san_hand_back; tm_cleanup; rm -rf "$T_TMP" "$MARKER" "$SAN_DIR"' EXIT

# Under make check-asan the sanitizer options name files in the checkout (LSan's
# suppressions) and in TMPDIR (where reports go), which the demo's private systemd
# may not see: it has a fresh /tmp on an overlay of /.  Both move to a directory
# under /dev/shm (the namespace shares /dev) and reports are handed back at the end,
# where check-asan counts them.
ASAN_LOG= UBSAN_LOG=
san_opt() { sed -E -n "s/(^|.*:)$1=([^:]*).*/\2/p" <<<"$2"; }
if [ -n "${ASAN_OPTIONS:-}${UBSAN_OPTIONS:-}${LSAN_OPTIONS:-}" ]; then
    SAN_DIR=$(mktemp -d /dev/shm/opsdeck-demo-san.XXXXXX)
    chmod 0777 "$SAN_DIR"
    supp=$(san_opt suppressions "${LSAN_OPTIONS:-}")
    if [ -n "$supp" ] && cp "$supp" "$SAN_DIR/lsan.supp"; then
        export LSAN_OPTIONS=${LSAN_OPTIONS//suppressions=$supp/suppressions=$SAN_DIR/lsan.supp}
    fi
    ASAN_LOG=$(san_opt log_path "${ASAN_OPTIONS:-}")
    [ -n "$ASAN_LOG" ] && export ASAN_OPTIONS=${ASAN_OPTIONS//log_path=$ASAN_LOG/log_path=$SAN_DIR/asan}
    UBSAN_LOG=$(san_opt log_path "${UBSAN_OPTIONS:-}")
    [ -n "$UBSAN_LOG" ] && export UBSAN_OPTIONS=${UBSAN_OPTIONS//log_path=$UBSAN_LOG/log_path=$SAN_DIR/ubsan}
fi
san_hand_back() {
    local f
    [ -n "$SAN_DIR" ] || return 0
    for f in "$SAN_DIR"/asan.*; do [ -f "$f" ] && [ -n "$ASAN_LOG" ] && cp "$f" "$ASAN_LOG.demo-${f##*/}"; done
    for f in "$SAN_DIR"/ubsan.*; do [ -f "$f" ] && [ -n "$UBSAN_LOG" ] && cp "$f" "$UBSAN_LOG.demo-${f##*/}"; done
}

# demo_ns_pid DIR: the host PID of the private systemd of the demo whose TMPDIR is
# DIR, found through its unshare (whose command line names DIR); empty if none
demo_ns_pid() {
    local u
    u=$(pgrep -f -- "--net $1/opsdeck-demo\.[A-Za-z0-9]*/sd-init\.sh" | head -1)
    [ -n "$u" ] && awk '{ print $1 }' "/proc/$u/task/$u/children" 2>/dev/null
}
# watch_ns DIR DEMO_PID: until the demo's systemd shows up (or the demo ends),
# then note its PID and its PID and network namespaces (for left_in_ns)
watch_ns() {
    local dir=$1 demo=$2 deadline=$((SECONDS + 60)) p
    NS_PID='' NS_PIDNS='' NS_NET=''
    while [ $SECONDS -lt $deadline ] && kill -0 "$demo" 2>/dev/null; do
        p=$(demo_ns_pid "$dir")
        if [ -n "$p" ] && [ "$(readlink "/proc/$p/exe")" = "$(readlink -f /lib/systemd/systemd)" ]; then
            NS_PID=$p
            NS_PIDNS=$(readlink "/proc/$p/ns/pid")
            NS_NET=$(readlink "/proc/$p/ns/net")
            return 0
        fi
        sleep 0.05
    done
    return 1
}
# left_in_ns: the host PIDs of processes still in the demo's PID namespace
left_in_ns() {
    local f
    for f in /proc/[0-9]*/ns/pid; do
        [ "$(readlink "$f" 2>/dev/null)" = "$NS_PIDNS" ] && echo "${f//[^0-9]/}"
    done
}
# wait_re REGEX [SECONDS]: until the screen matches REGEX (bounded)
wait_re() {
    local deadline=$((SECONDS + ${2:-10}))
    while [ $SECONDS -lt "$deadline" ]; do
        tm_screen | grep -qE -- "$1" && return 0
        sleep 0.05
    done
    return 1
}
svc() { jq -r --arg u "$1" '.services[] | select(.unit == $u) | "\(.load) \(.active)/\(.sub)"' "$OUT_JSON"; }
chk() { jq -r --arg id "$1" '.checks[] | select(.id == $id) | "\(.status) \(.value)"' "$OUT_JSON"; }

# The fallback, wherever this runs: no private systemd, the plan and the ticks.
mkdir -p "$T_TMP/plain"
OUT_JSON=$T_TMP/plain.json
TMPDIR=$T_TMP/plain DEMO_LIVE=0 DEMO_JSON=1 bash scripts/demo.sh "$OPSDECK" </dev/null >"$OUT_JSON" 2>"$T_TMP/plain.err"
equals "demo-fallback: exits 0" 0 $?
contains "demo-fallback: says why there are no live services" "no live services: DEMO_LIVE=0" "$(cat "$T_TMP/plain.err")"
equals "demo-fallback: status of the example plan, three items ticked" "Uplink 2.0 Upgrade 3" \
    "$(jq -r '"\(.plan) \([.phases[].items[] | select(.done)] | length)"' "$OUT_JSON" 2>&1)"
equals "demo-fallback: its throwaway directory is removed" "" "$(ls -A "$T_TMP/plain")"

LIVE_NAMES="headless-boots units-active timer-waiting nginx-as-it-is checks-ok own-network
shutdown-clean host-tmp-intact panel-services panel-logs panel-quits-clean"

# Headless: status --json from inside.
mkdir -p "$T_TMP/h"
OUT_JSON=$T_TMP/h.json
start=$SECONDS
TMPDIR=$T_TMP/h DEMO_JSON=1 timeout 120 bash scripts/demo.sh "$OPSDECK" </dev/null >"$OUT_JSON" 2>"$T_TMP/h.err" &
demo=$!
watch_ns "$T_TMP/h" "$demo"
wait "$demo"
rc=$?
ERR=$(cat "$T_TMP/h.err")
reason=$(sed -n 's/^demo: no live services: //p' "$T_TMP/h.err")
if [ -n "$reason" ]; then
    for n in $LIVE_NAMES; do t_skip "demo-$n" "$reason"; done
    exit 0
fi
if [ "$rc" -ne 0 ] || [ -z "$NS_PID" ] || ! jq -e .services "$OUT_JSON" >/dev/null 2>&1; then
    t_fail "demo-headless-boots: boots, prints status --json, exits 0" "exit $rc, systemd PID '${NS_PID}'" \
        "$(printf '%s' "$ERR" | tail -15)" "$(head -c 600 "$OUT_JSON")"
else
    t_ok "demo-headless-boots: boots, prints status --json, exits 0 ($((SECONDS - start)) s)"
fi
for u in uplink-web.service uplink-huey.service uplink-daphne.service mariadb.service redis-server.service; do
    equals "demo-units-active: $u" "loaded active/running" "$(svc $u)"
done
equals "demo-timer-waiting: uplink-cleanup.timer, its service ran and exited" \
    "loaded active/waiting|loaded inactive/dead" "$(svc uplink-cleanup.timer)|$(svc uplink-cleanup.service)"
# nginx is not among the demo's services: shown as it is on this machine, not masked
not_contains "demo-nginx-as-it-is: nginx.service not masked by the demo" "masked" "$(svc nginx.service)"
for c in health api health-live health-ready home web-up huey-up daphne-up mariadb-up redis-up \
    db-ping db-conns slow-queries huey-queue; do
    equals "demo-checks-ok: $c" ok "$(chk $c | cut -d' ' -f1)"
done
equals "demo-checks-ok: products and contacts counted from the tables" "ok 4|ok 3" "$(chk products)|$(chk contacts)"
if [ -n "$NS_NET" ] && [ "$NS_NET" != "$(readlink /proc/self/ns/net)" ]; then
    t_ok "demo-own-network: the private systemd had its own network namespace"
else
    t_fail "demo-own-network: the private systemd had its own network namespace" "net: '$NS_NET'"
fi
left=$(left_in_ns)
if [ -z "$left" ] && [ -n "$NS_PIDNS" ]; then
    t_ok "demo-shutdown-clean: nothing left in its PID namespace"
else
    t_fail "demo-shutdown-clean: nothing left in its PID namespace" "left: $left" \
        "$(for p in $left; do tr '\0' ' ' <"/proc/$p/cmdline"; echo; done)"
fi
equals "demo-shutdown-clean: its directories are removed" "" "$(ls -A "$T_TMP/h")"
if [ -f "$MARKER" ]; then
    t_ok "demo-host-tmp-intact: the host's /tmp and a file in it are still there"
else
    t_fail "demo-host-tmp-intact: the host's /tmp and a file in it are still there" "marker: $MARKER"
fi

# In a terminal: the panel inside, the units live in view 3, a journal in view 4; q quits.
mkdir -p "$T_TMP/i"
if ! tm_start 160 45 "TMPDIR=$T_TMP/i bash scripts/demo.sh $OPSDECK"; then
    for n in panel-services panel-logs panel-quits-clean; do t_fail "demo-$n" "tmux did not start"; done
    exit 0
fi
demo_ns_wait() {
    local deadline=$((SECONDS + 60))
    while [ $SECONDS -lt $deadline ]; do
        NS_PID=$(demo_ns_pid "$T_TMP/i")
        [ -n "$NS_PID" ] && NS_PIDNS=$(readlink "/proc/$NS_PID/ns/pid") && [ -n "$NS_PIDNS" ] && return 0
        sleep 0.05
    done
    return 1
}
NS_PIDNS=
demo_ns_wait
if wait_for "Timeline —" 60; then
    tm_keys 3
    if wait_re 'uplink-web\.service +active/running' 10 && wait_re 'mariadb\.service +active/running' 1; then
        t_ok "demo-panel-services: view 3 shows uplink-web and mariadb active, inside"
    else
        t_fail "demo-panel-services: view 3 shows uplink-web and mariadb active, inside" "$(tm_screen | head -14)"
    fi
    tm_keys 4 ']'
    expect_screen "demo-panel-logs: view 4 shows the huey journal" "huey.consumer: Executing" 15
else
    t_fail "demo-panel-services: view 3 shows uplink-web and mariadb active, inside" "the panel did not open" "$(tm_screen | head -30)"
    t_fail "demo-panel-logs: view 4 shows the huey journal" "the panel did not open"
fi
tm_keys q
if wait_for "EXITED 0" 30 && [ -n "$NS_PIDNS" ] && [ -z "$(left_in_ns)" ] && [ -z "$(ls -A "$T_TMP/i")" ]; then
    t_ok "demo-panel-quits-clean: q quits, the private systemd is gone, its files removed"
else
    t_fail "demo-panel-quits-clean: q quits, the private systemd is gone, its files removed" \
        "pidns '$NS_PIDNS', left: $(left_in_ns | tr '\n' ' ')" "$(ls -A "$T_TMP/i")" "$(tm_screen | grep . | tail -8)"
fi

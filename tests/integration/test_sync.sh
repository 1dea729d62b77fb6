#!/usr/bin/env bash
# Journal sync through a real Redis (docs/sync.md): three "machines", each with
# its own journal, on one plan whose sync: points at a throwaway redis-server.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_servers.sh"
. "$(dirname "$0")/../e2e/tmux.sh"
# tmux.sh and lib_servers.sh both set an EXIT trap: keep both cleanups
trap 'srv_cleanup; tm_cleanup; rm -rf "$T_TMP"' EXIT

if ! srv_need jq || ! redis_start; then
    t_skip "journal sync" "$SRV_SKIP"
    exit 0
fi
PLAN=$T_TMP/plan.yaml
KEY=opsdeck:syncwk
write_plan() {
    cat >"$PLAN" <<EOF
plan: Sync weekend
id: syncwk
sync: { redis: "redis://127.0.0.1:$REDIS_PORT/0"$1 }
phases:
  - id: p1
    title: One
    items:
$(for i in 1 2 3 4 5 6; do echo "      - { id: p1.i$i, text: Item $i }"; done)
  - id: p2
    title: Two
    items:
$(for i in 1 2 3 4 5 6; do echo "      - { id: p2.i$i, text: Item $i }"; done)
EOF
}
write_plan ""
ITEMS=(p1.i1 p1.i2 p1.i3 p1.i4 p1.i5 p1.i6 p2.i1 p2.i2 p2.i3 p2.i4 p2.i5 p2.i6)

# od WHO ARGS...: opsdeck on machine WHO (its own journal, acting as WHO)
od() {
    local who=$1
    shift
    "$OPSDECK" "$@" --state "$T_TMP/$who.journal" --as "$who"
}
# what must agree between machines: history without the local seq
hist() { od "$1" history "$PLAN" --json 2>/dev/null | jq -c 'del(.seq)'; }
state() {
    od "$1" status "$PLAN" --json 2>/dev/null |
        jq -c '[.progress, [.phases[] | {id, status, done, total, items}]]'
}
same_everywhere() {
    local name=$1 a b c
    a=$(hist alice) b=$(hist bob) c=$(hist carol)
    if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$b" = "$c" ]; then
        t_ok "$name: the three histories are identical ($(printf '%s\n' "$a" | wc -l) events)"
    else
        t_fail "$name: the three histories are identical" \
            "$(diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") | head -8)" \
            "$(diff <(printf '%s\n' "$b") <(printf '%s\n' "$c") | head -8)"
    fi
    a=$(state alice) b=$(state bob) c=$(state carol)
    if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$b" = "$c" ]; then
        t_ok "$name: status --json agrees"
    else
        t_fail "$name: status --json agrees" "alice: ${a:0:300}" "bob:   ${b:0:300}"
    fi
    local uids dups
    uids=$(redis_cli XRANGE "$KEY" - + | awk 'prev == "uid" { print } { prev = $0 }')
    dups=$(printf '%s\n' "$uids" | sort | uniq -d | wc -l)
    equals "$name: no event twice in the stream" "0" "$dups"
    equals "$name: the stream holds every event" "$(hist alice | wc -l)" \
        "$(printf '%s\n' "$uids" | grep -c .)"
}

# ---- three machines, 300 ticks and unticks each, all at once ----
hammer() {
    local who=$1 i item verb
    RANDOM=$2
    for i in $(seq 300); do
        item=${ITEMS[RANDOM % ${#ITEMS[@]}]}
        verb=tick
        [ $((RANDOM % 2)) -eq 0 ] && verb=untick
        # a note makes every call record an event, ticked already or not
        if ! od "$who" "$verb" "$PLAN" "$item" --note "$who $i" >/dev/null 2>>"$T_TMP/$who.err"; then
            echo "call $i ($verb $item) failed" >>"$T_TMP/$who.fail"
        fi
    done
}
hammer alice 11 &
p1=$!
hammer bob 22 &
p2=$!
hammer carol 33 &
p3=$!
wait $p1 $p2 $p3
if [ -s "$T_TMP/alice.fail" ] || [ -s "$T_TMP/bob.fail" ] || [ -s "$T_TMP/carol.fail" ]; then
    t_fail "900 concurrent ticks and unticks succeed" "$(cat "$T_TMP"/*.fail | head -5)" \
        "$(cat "$T_TMP"/*.err | head -5)"
else
    t_ok "900 concurrent ticks and unticks succeed"
fi
equals "all 900 are in the stream" "900" "$(redis_cli XLEN "$KEY")"
same_everywhere "after 3 x 300 concurrent calls"
n=$(hist alice | jq -r .id | sort -u | wc -l)
equals "alice's journal holds each of the 900 events once" "900" "$n"

# ---- Redis stopped: ticks stay local and pending; pushed when it is back ----
before=$(redis_cli XLEN "$KEY")
kill -STOP "$REDIS_PID"
OUT=$(od alice tick "$PLAN" p1.i1 --note "while down 1" 2>&1)
rc=$?
equals "a tick while Redis does not answer succeeds locally" "0" "$rc"
contains "it says Redis is unreachable and the tick is pending" "1 pending" "$OUT"
contains "the reason is given" "no answer within" "$OUT"
od alice untick "$PLAN" p1.i1 --note "while down 2" >/dev/null 2>&1
kill -CONT "$REDIS_PID"
pending=$(od alice sync-status "$PLAN" --readonly --json 2>/dev/null | jq -r .pending)
equals "sync-status --readonly counts 2 pending (and pushes nothing)" "2" "$pending"
n=$(hist bob | grep -c 'while down')
equals "the others do not have them yet" "0" "$n"
od alice status "$PLAN" >/dev/null 2>&1
equals "the next status on that console pushed them" "$((before + 2))" "$(redis_cli XLEN "$KEY")"
n=$(hist bob | grep -c 'while down')
equals "the others see them" "2" "$n"
pending=$(od alice sync-status "$PLAN" --json 2>/dev/null | jq -r .pending)
equals "nothing pending any more" "0" "$pending"
same_everywhere "after an outage"

# ---- Redis killed and restarted empty: re-seeded from the journals ----
redis_stop
OUT=$(od carol tick "$PLAN" p2.i6 --note "redis dead" 2>&1)
rc=$?
equals "a tick while Redis is dead succeeds locally" "0" "$rc"
contains "it says why" "redis unreachable (Connection refused); 1 pending" "$OUT"
redis_start "$REDIS_PORT" || t_fail "redis-server restarts" "$SRV_SKIP"
equals "the restarted Redis is empty" "0" "$(redis_cli EXISTS "$KEY")"
OUT=$(od bob status "$PLAN" 2>&1 >/dev/null)
contains "the first console back re-seeds the stream" "re-seeded" "$OUT"
od carol status "$PLAN" >/dev/null 2>&1
same_everywhere "after Redis restarted empty"
n=$(hist alice | grep -c 'redis dead')
equals "carol's tick made while Redis was dead reached alice" "1" "$n"

# ---- sync-status: the stream, the cursor, pending; secrets never shown ----
OUT=$(od alice sync-status "$PLAN" 2>&1)
contains "sync-status names the stream" "$KEY on redis://127.0.0.1:$REDIS_PORT/0" "$OUT"
contains "sync-status counts pending" "0 pending" "$OUT"
PW="s3cret-sync-$$"
redis_cli CONFIG SET requirepass "$PW" >/dev/null
write_plan ", password_env: OPSDECK_T_SYNC_PW"
expect_exit "without the password variable: still answers from the journal" 0 \
    od alice status "$PLAN"
contains "and says the variable is not set" "OPSDECK_T_SYNC_PW is not set" "$OUT$(od alice status "$PLAN" 2>&1 >/dev/null)"
export OPSDECK_T_SYNC_PW=wrong
OUT=$(od alice sync-status "$PLAN" --json 2>&1)
contains "a wrong password is refused with Redis's reason" "AUTH refused" "$OUT"
export OPSDECK_T_SYNC_PW=$PW
OUT=$(od alice tick "$PLAN" p2.i1 --note "with a password" 2>&1; od alice sync-status "$PLAN" 2>&1;
    od alice sync-status "$PLAN" --json 2>&1; od alice history "$PLAN" --json 2>&1)
contains "with the password it syncs" "redis      reachable" "$OUT"
not_contains "the password is never printed" "$PW" "$OUT"
if grep -rqF -- "$PW" "$T_TMP"/*.journal; then
    t_fail "the password is never in a journal"
else
    t_ok "the password is never in a journal"
fi
redis_cli -a "$PW" --no-auth-warning CONFIG SET requirepass "" >/dev/null
unset OPSDECK_T_SYNC_PW
write_plan ""
same_everywhere "after the password round"

# ---- the panel: another machine's tick shows up within a second ----
if ! command -v tmux >/dev/null; then
    t_skip "panel follows the stream" "tmux is not installed"
    exit 0
fi
# ms_wait TEXT MS: until the screen shows TEXT, at most MS milliseconds
ms_wait() {
    local deadline=$(($(date +%s%3N) + $2))
    while [ "$(date +%s%3N)" -lt "$deadline" ]; do
        tm_screen | grep -qF -- "$1" && return 0
        sleep 0.02
    done
    return 1
}
done_now=$(od alice status "$PLAN" --json 2>/dev/null | jq -r .progress.done)
untick_one=$(od alice status "$PLAN" --json 2>/dev/null | jq -r '[.phases[].items[] | select(.done | not) | .id][0]')
tm_start 140 40 "$OPSDECK" --state "$T_TMP/alice.journal" --as alice "$PLAN"
expect_screen "the panel opens on the synced plan" "$done_now/12"
expect_screen "its sync badge says ok" "sync ok" 5
# a second console (a wallboard on carol's machine) announces itself
tm -f /dev/null new-session -d -x 140 -y 40 -s wall \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color OPSDECK_THEMES=$ROOT/themes $OPSDECK --wallboard --state $T_TMP/carol.journal --as carol $PLAN; sleep 30"
expect_screen "the header shows who else is connected" "carol" 12
n=$(od bob sync-status "$PLAN" --json 2>/dev/null | jq '.consoles | length')
equals "sync-status lists both consoles" "2" "$n"
if tm capture-pane -p -t wall 2>/dev/null | grep -q "2 consoles"; then
    t_ok "the wallboard shows the console count"
else
    sleep 1
    wall=$(tm capture-pane -p -t wall 2>/dev/null)
    contains "the wallboard shows the console count" "2 consoles" "$wall"
fi
od bob tick "$PLAN" "$untick_one" --note "from bob's machine" >/dev/null 2>&1
if ms_wait "$((done_now + 1))/12" 1000; then
    t_ok "bob's tick shows on alice's panel within a second"
else
    t_fail "bob's tick shows on alice's panel within a second" "$(tm_screen | head -5)"
fi
tm_keys 6
expect_screen "the activity view shows bob's tick" "bob" 3

# the panel's own tick reaches the others
n0=$(hist bob | wc -l)
tm_keys 2
expect_screen "the checklist" "Item 1" 3
tm_keys Space
expect_screen "Space ticks or unticks in the panel" "icked p" 3
ok=0
for _ in $(seq 50); do
    [ "$(hist bob | wc -l)" -gt "$n0" ] && ok=1 && break
    sleep 0.1
done
equals "the panel's tick reaches bob's machine" "1" "$ok"

# Redis dies under the panel: a badge, pending ticks, then a re-seed when it is back
redis_stop
expect_screen "the badge says sync is down" "sync down" 5
tm_keys j Space
expect_screen "a tick while down is kept as pending" "sync down: 1 pending" 5
redis_start "$REDIS_PORT" || t_fail "redis-server restarts" "$SRV_SKIP"
expect_screen "the panel reconnects by itself" "sync ok" 20
expect_screen "and says it re-seeded the stream" "re-seeded" 5
same_everywhere "after the panel outage"
tm_keys q

# ---- a host name: resolved off the loop thread (hiredis would block on DNS) ----
sleep 0.3
write_plan ""
sed -i "s#redis://127.0.0.1:#redis://localhost:#" "$PLAN"
tm_start 140 40 "$OPSDECK" --state "$T_TMP/alice.journal" --as alice "$PLAN"
expect_screen "a sync URL naming a host (localhost) connects" "sync ok" 10
tm_keys q
sleep 0.3
sed -i "s#redis://localhost:[0-9]*/#redis://opsdeck-no-such-host.invalid:6379/#" "$PLAN"
tm_start 140 40 "$OPSDECK" --state "$T_TMP/alice.journal" --as alice "$PLAN"
expect_screen "a host name that does not resolve: sync down" "sync down" 30
expect_screen "with the resolver's reason" "cannot resolve 'opsdeck-no-such-host.invalid'" 30
tm_keys 2
expect_screen "keys keep answering meanwhile" "Item 1" 3
tm_keys q

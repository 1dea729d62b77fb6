#!/usr/bin/env bash
# A panel killed mid-tick (issue 7).  The panel runs in tmux with the crash shim
# (build/crash/shim.so, tests/crash/shim.c) preloaded: at its n-th journal call
# (write, fdatasync, fsync, ftruncate, rename on the journal, JOURNAL.torn or the state
# directory) it is killed with SIGKILL before the call, after it, or halfway through a
# write.  Space ticks items one by one; a tick counts as acknowledged once the panel
# has shown "Ticked ITEM (seq N)".  For every n of two workloads (a new journal: the
# open, then three ticks; a journal ending in a torn record: three ticks, the first of
# which sets it aside), after the kill:
#   - the panel was killed (exit 137);
#   - `opsdeck history` and `opsdeck status` load the journal, without a warning;
#   - seq is dense, every acknowledged tick is there exactly once at the seq shown,
#     and at most the tick in flight besides;
#   - a fresh panel on the same journal opens and ticks the last item; a torn tail left
#     by the kill is reported on its screen ("torn record of N bytes") and set aside
#     in JOURNAL.torn (0600), and the journal then ends with a whole record.
# One TAP line per workload and way of killing, with the crash points tried.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
if ! command -v tmux >/dev/null; then
    t_fail "tmux is installed" "scripts/install-deps.sh installs it"
    exit 0
fi
SHIM=$TOOLS/../crash/shim.so
if [ ! -e "$SHIM" ]; then
    t_skip "panel killed mid-tick" "build/crash/shim.so is not built"
    exit 0
fi
if [ -n "${OPSDECK_UNDER_VALGRIND:-}" ]; then
    t_skip "panel killed mid-tick" "not under valgrind (processes are killed on purpose)"
    exit 0
fi
export OPSDECK_NOW=2026-11-28T22:30:00Z
P=$T_TMP/crash.yaml
cat >"$P" <<'PLAN'
plan: Panel crash
id: pcrash
phases:
  - id: p1
    title: Ticks
    items:
      - { id: i1, text: Item one }
      - { id: i2, text: Item two }
      - { id: i3, text: Item three }
      - { id: i4, text: Item four }
PLAN
declare -A TEXT=([i1]="Item one" [i2]="Item two" [i3]="Item three" [i4]="Item four")
DIR=$T_TMP/state
J=$DIR/crash.journal
SEED=$T_TMP/seed.journal
FAILS_SHOWN=3

# wait_re REGEX [SECONDS]: until the screen matches REGEX (grep -E; bounded)
wait_re() {
    local deadline=$((SECONDS + ${2:-10} * TM_WAIT_SCALE))
    while [ $SECONDS -lt "$deadline" ]; do
        tm_screen | grep -qE -- "$1" && return 0
        sleep 0.02
    done
    return 1
}
# torn_bytes FILE: bytes after its last '\n'
torn_bytes() {
    [ -s "$1" ] || { echo 0; return; }
    local nl
    nl=$(tr -cd '\n' <"$1" | wc -c)
    echo $(($(stat -c %s "$1") - $(head -n "$nl" "$1" | wc -c)))
}

# The seed of the torn workload: i1 ticked, then half of a record (a writer killed
# halfway through its write).
rm -rf "$DIR" && mkdir -p "$DIR"
"$OPSDECK" tick "$P" i1 --state "$SEED" --as seed >/dev/null 2>&1
"$OPSDECK" tick "$P" i4 --state "$T_TMP/other.journal" --as seed >/dev/null 2>&1
line=$(tail -n 1 "$T_TMP/other.journal")
printf '%s' "${line:0:$((${#line} / 2))}" >>"$SEED"
SEED_TORN=$(torn_bytes "$SEED")

# run_panel WORKLOAD SHIM_ENV...: a panel with the shim (settings in SHIM_ENV) ticks
# the workload's items until it is killed or done.  ACKED: "item:seq" it showed;
# EXIT: its exit status ("" when it was not seen to exit).
run_panel() {
    local w=$1 item seq screen
    shift
    rm -rf "$DIR" && mkdir -p "$DIR"
    [ "$w" = torn ] && cp "$SEED" "$J" && chmod 600 "$J"
    ACKED=() EXIT=
    tm_start 100 30 env LD_PRELOAD="$SHIM" OPSDECK_SHIM_PATH="$J:$J.torn:$DIR" "$@" \
        "$OPSDECK" --state "$J" --as crash "$P"
    if wait_re "Ticks|EXITED" 10 && ! tm_screen | grep -q EXITED; then
        tm_keys 2 g
        [ "$w" = torn ] && tm_keys j # i1 is ticked in the seed
        for item in $ITEMS; do
            tm_keys Space
            wait_re "Ticked $item \(seq [0-9]+\)|\[x\] ${TEXT[$item]}  by crash|EXITED" 10 || break
            screen=$(tm_screen)
            seq=$(sed -n "s/.*Ticked $item (seq \([0-9]*\)).*/\1/p" <<<"$screen" | head -n 1)
            if [ -z "$seq" ]; then
                grep -qF "[x] ${TEXT[$item]}  by crash" <<<"$screen" || break
                seq="?" # acknowledged by its row; the message gave way to a journal warning
            fi
            ACKED+=("$item:$seq")
            tm_keys j
        done
    fi
    if wait_re "EXITED [0-9]+" 5; then
        EXIT=$(tm_screen | sed -n 's/.*EXITED \([0-9]*\).*/\1/p' | head -n 1)
    fi
}

# check_after WORKLOAD: the checks above; prints why on failure
check_after() {
    local w=$1 hist err ticks n a item seq got base k torn shown
    if ! hist=$("$OPSDECK" history --json --state "$J" "$P" 2>"$T_TMP/err"); then
        echo "history failed: $(head -c 300 "$T_TMP/err")"
        return 1
    fi
    err=$(cat "$T_TMP/err")
    [ -n "$err" ] && { echo "history warned: $err"; return 1; }
    if ! "$OPSDECK" status --state "$J" "$P" >/dev/null 2>"$T_TMP/err" || [ -s "$T_TMP/err" ]; then
        echo "status failed or warned: $(head -c 300 "$T_TMP/err")"
        return 1
    fi
    # "seq item" of every tick, in order
    ticks=$(printf '%s\n' "$hist" | sed -n 's/.*"seq":\([0-9]*\),.*"type":"tick","item":"\([a-z0-9]*\)".*/\1 \2/p')
    n=$(printf '%s\n' "$hist" | grep -c '"seq"')
    k=0
    while read -r seq item; do
        [ -z "$seq" ] && continue
        k=$((k + 1))
        [ "$seq" -eq "$k" ] || { echo "seq $seq where $k was due"; return 1; }
    done <<<"$ticks"
    [ "$k" -eq "$n" ] || { echo "$n records, $k of them ticks"; return 1; }
    for item in i1 i2 i3 i4; do
        got=$(printf '%s\n' "$ticks" | grep -c " $item\$")
        [ "$got" -le 1 ] || { echo "$item ticked $got times"; return 1; }
    done
    for a in "${ACKED[@]}"; do
        if [ "${a#*:}" = "?" ]; then
            printf '%s\n' "$ticks" | grep -q " ${a%%:*}\$" ||
                { echo "acknowledged tick ${a%%:*} is not there"; return 1; }
        else
            printf '%s\n' "$ticks" | grep -qx "${a#*:} ${a%%:*}" ||
                { echo "acknowledged tick ${a%%:*} (seq ${a#*:}) is not there"; return 1; }
        fi
    done
    base=0
    [ "$w" = torn ] && base=1
    [ "$n" -le $((base + ${#ACKED[@]} + 1)) ] ||
        { echo "$n records: more than the $base seeded, ${#ACKED[@]} acknowledged and one in flight"; return 1; }
    # a fresh panel: opens, ticks i4, sets a torn tail aside and says so
    torn=$(torn_bytes "$J")
    tm_start 100 30 "$OPSDECK" --state "$J" --as fresh "$P"
    wait_re "Ticks|EXITED" 10
    if ! tm_screen | grep -q "Ticks"; then
        echo "a fresh panel did not open: $(tm_screen | grep -v '^$' | tail -3 | tr '\n' ' ')"
        return 1
    fi
    tm_keys 2 g j j j Space
    if ! wait_re "Ticked i4|torn record" 10; then
        echo "the fresh panel's tick got no answer: $(tm_screen | grep -v '^$' | tail -2 | tr '\n' ' ')"
        return 1
    fi
    shown=
    if [ "$torn" -gt 0 ]; then
        wait_re "torn record of $torn bytes" 5 && shown=1
    fi
    tm_keys q
    wait_re "EXITED 0" 10 || { echo "the fresh panel did not quit"; return 1; }
    hist=$("$OPSDECK" history --json --state "$J" "$P" 2>&1)
    got=$(printf '%s\n' "$hist" | grep -c "\"seq\":$((n + 1)),.*\"by\":\"fresh\",.*\"item\":\"i4\"")
    [ "$got" -eq 1 ] || { echo "the fresh panel's tick of i4 is not seq $((n + 1))"; return 1; }
    [ "$(torn_bytes "$J")" -eq 0 ] || { echo "the journal still ends in a torn record"; return 1; }
    if [ "$torn" -gt 0 ]; then
        [ -n "$shown" ] || { echo "a torn tail of $torn bytes was not reported on screen"; return 1; }
        [ "$(stat -c %a "$J.torn" 2>/dev/null)" = 600 ] || { echo "$J.torn missing or not 0600"; return 1; }
    elif tm_screen | grep -q "torn record"; then
        echo "a torn record reported where there was none"
        return 1
    fi
    return 0
}

# reference WORKLOAD: the journal calls of an unkilled run, counted by the shim
reference() {
    rm -f "$T_TMP/shim.log"
    run_panel "$1" OPSDECK_SHIM_LOG="$T_TMP/shim.log"
    tm_keys q
    wait_re "EXITED 0" 10
    CALLS=$(grep -c '' "$T_TMP/shim.log" 2>/dev/null)
    WRITES=$(awk '$2 ~ /write/ { print $1 }' "$T_TMP/shim.log" 2>/dev/null | tr '\n' ' ')
}

sweep() {
    local w=$1 when=$2 points=0 failed=0 m why name
    local at
    at=$(seq 1 "$CALLS")
    name="panel killed $when each of its $CALLS journal calls, $3"
    if [ "$when" = torn ]; then
        at=$WRITES
        name="panel killed halfway through each journal write, $3"
    fi
    for m in $at; do
        points=$((points + 1))
        run_panel "$w" OPSDECK_SHIM_KILL_AT="$m" OPSDECK_SHIM_KILL_WHEN="$when"
        if [ "$EXIT" != 137 ]; then
            why="call $m: the panel was not killed (exit '${EXIT:-none}'): $(tm_screen | grep -v '^$' | tail -2 | tr '\n' ' ')"
        elif ! why=$(check_after "$w"); then
            why="call $m (acknowledged: ${ACKED[*]:-none}): $why"
        else
            why=
        fi
        if [ -n "$why" ]; then
            failed=$((failed + 1))
            [ "$failed" -le "$FAILS_SHOWN" ] && echo "#   $name: $why"
        fi
    done
    if [ "$points" -gt 0 ] && [ "$failed" -eq 0 ]; then
        t_ok "$name: $points crash points, all survived"
    else
        t_fail "$name" "$points crash points, $failed failed"
    fi
    TOTAL=$((TOTAL + points))
}

TOTAL=0
ITEMS="i1 i2 i3"
reference new
if [ "${#ACKED[@]}" -ne 3 ] || [ "${CALLS:-0}" -lt 8 ]; then
    t_fail "reference run: a new journal, three ticks" "acknowledged: ${ACKED[*]:-none}; calls: ${CALLS:-0}" "$(tm_screen | tail -5)"
else
    t_ok "reference run: a new journal, three ticks, $CALLS journal calls"
    for when in before after torn; do sweep new "$when" "a new journal and three ticks"; done
fi

ITEMS="i2 i3"
reference torn
if [ "${#ACKED[@]}" -ne 2 ] || [ ! -s "$J.torn" ]; then
    t_fail "reference run: a torn journal, two ticks" "acknowledged: ${ACKED[*]:-none}; calls: ${CALLS:-0}" "$(tm_screen | tail -5)"
else
    t_ok "reference run: a journal ending in a torn record of $SEED_TORN bytes, two ticks, $CALLS journal calls"
    for when in before after torn; do sweep torn "$when" "a torn journal and two ticks"; done
fi
echo "# $TOTAL crash points of the panel tried"

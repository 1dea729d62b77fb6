#!/usr/bin/env bash
# Resource bounds of the panel (issue 7): a log file appended at full speed for 60 s
# while the panel follows it in view 4 keeps the panel's memory flat; with 10,000
# lines a second coming in, keys keep answering.
#
# Memory.  build/tools/logflood appends at full speed (64 KiB writes, several million
# lines a second, rotated as logrotate does every 64 MiB) for FLOOD_SECONDS (60).  The
# panel's VmRSS is sampled every second.  View 4 keeps the last 10,000 lines of a log
# (LOGTAIL_DEFAULT_LINES; OPSDECK_TAIL_LINES is unset here): the writer's lines are
# under 128 bytes, so the whole ring is about 10,000 x 128 B = 1.3 MB of heap, and it
# is full within the first second.  From then on nothing should grow: the test fails
# when the largest sample of the last 40 s is more than RSS_SLACK_KB (4 MiB: three
# rings' worth, room for malloc's arenas to settle) above the sample at 20 s.  A leak
# of one byte per line would pass that within a second at these rates.
#
# Keys.  At a paced 10,000 lines/s, KEYS keys (views 1 and 4, PgUp, G) are sent with
# tmux and the time until the screen shows their effect (capture-pane polled, tmux's
# own round trip included) is printed as a figure, p50 and max.  The issue's 100 ms
# is measured by `make bench` (bench/panel_flood.sh), not asserted here: these
# machines are shared and noisy.  A key not answered within GROSS_MS (2 s) is a
# blocking bug, and fails.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
if ! command -v tmux >/dev/null; then
    t_fail "tmux is installed" "scripts/install-deps.sh installs it"
    exit 0
fi
FLOOD=$TOOLS/logflood
if [ ! -x "$FLOOD" ]; then
    t_skip "panel under a log flood" "build/tools/logflood is not built"
    exit 0
fi
if [ -n "${OPSDECK_UNDER_VALGRIND:-}" ]; then
    t_skip "panel under a log flood" "not under valgrind (20 times slower, its own memory in RSS)"
    exit 0
fi
FLOOD_SECONDS=${FLOOD_SECONDS:-60}
PACED_SECONDS=${PACED_SECONDS:-15}
RSS_SLACK_KB=${RSS_SLACK_KB:-4096}
GROSS_MS=2000
KEYS=${KEYS:-40}
# ASan holds freed memory in its quarantine (256 MB), so RSS grows by design: the flood
# is shorter there and memory is not judged (LeakSanitizer checks the exit instead)
ASAN=
if [ -n "${ASAN_OPTIONS:-}" ] || grep -qa __asan_init "$OPSDECK" 2>/dev/null; then
    ASAN=1
    FLOOD_SECONDS=15
fi

. "$(dirname "$0")/lib_flood.sh"

# wait_re_kept N SECONDS: until view 4's title counts N lines (kept + dropped)
wait_re_kept() {
    local deadline=$((SECONDS + $2)) kd
    while [ $SECONDS -lt "$deadline" ]; do
        kd=$(tm_screen | sed -n -e 's/.* \([0-9]*\) lines kept, \([0-9]*\) older dropped.*/\1 \2/p' \
            -e 's/.* \([0-9]*\) lines kept *$/\1 0/p' | head -n 1)
        [ -n "$kd" ] && [ $((${kd% *} + ${kd#* })) -ge "$1" ] && return 0
        sleep 0.2
    done
    return 1
}

# ---- memory over a full-speed flood ----
: >"$D/app.log"
tm_start 160 45 "$OPSDECK" --state "$T_TMP/j" --as alice "$P"
expect_screen "the panel opens" "Flood weekend"
title0=$(tm display-message -p -t t '#{pane_title}')
tm_keys 4
expect_screen "view 4 follows the watched log" "following"
PID=$(panel_pid)
if [ "$(cat "/proc/$PID/comm" 2>/dev/null)" != opsdeck ]; then
    t_fail "the panel's pid is found" "pane process $PID: $(cat "/proc/$PID/comm" 2>/dev/null)"
    exit 0
fi
"$FLOOD" "$D/app.log" "$FLOOD_SECONDS" >"$T_TMP/flood.out" 2>&1 &
FPID=$!
samples=()
for _ in $(seq 1 "$FLOOD_SECONDS"); do
    sleep 1
    r=$(rss_kb "$PID")
    [ -n "$r" ] || break
    samples+=("$r")
done
wait "$FPID"
FPID=
written=$(sed -n 's/^lines=\([0-9]*\) .*/\1/p' "$T_TMP/flood.out")
echo "# writer: $(cat "$T_TMP/flood.out")"
if [ ${#samples[@]} -lt "$FLOOD_SECONDS" ]; then
    t_fail "the panel lives through the flood" "it was gone after ${#samples[@]} s" "$(tm_screen | tail -5)"
    exit 0
fi
t_ok "the panel lives through $FLOOD_SECONDS s of a full-speed flood (${written:-?} lines)"
max=0
for r in "${samples[@]}"; do [ "$r" -gt "$max" ] && max=$r; done
first=${samples[0]} last=${samples[$((${#samples[@]} - 1))]}
if [ -n "$ASAN" ]; then
    echo "# RSS (ASan build): ${first} kB at 1 s, ${last} kB at ${FLOOD_SECONDS} s, max ${max} kB"
    t_skip "memory stays flat through the flood" "ASan's quarantine holds freed memory (LeakSanitizer checks the exit)"
else
    at20=${samples[19]} late_max=0
    for r in "${samples[@]:20}"; do [ "$r" -gt "$late_max" ] && late_max=$r; done
    echo "# RSS: ${first} kB at 1 s, ${at20} kB at 20 s, ${last} kB at ${FLOOD_SECONDS} s; max of the last 40 s ${late_max} kB (+$((late_max - at20)) kB; bound +${RSS_SLACK_KB} kB)"
    if [ $((late_max - at20)) -le "$RSS_SLACK_KB" ]; then
        t_ok "memory stays flat through the flood (+$((late_max - at20)) kB after 20 s, bound ${RSS_SLACK_KB} kB)"
    else
        t_fail "memory stays flat through the flood" "RSS every second (kB): ${samples[*]}"
    fi
fi
# after the writer stops, the panel reaches the last line written: nothing stalls
want="processed job $written in"
expect_screen "the panel catches up with the last line written" "$want" 30
shown=$(tm_screen | sed -n 's/.* \([0-9]*\) lines kept, \([0-9]*\) older dropped.*/\1 \2/p' | head -1)
[ -n "$shown" ] && echo "# the panel read $((${shown% *} + ${shown#* })) lines (notices of rotation included)"
title=$(tm display-message -p -t t '#{pane_title}')
equals "escape sequences in the flood leave the pane title alone" "$title0" "$title"
if tm_screen | "$TOOLS/termsafe" >"$T_TMP/why" 2>&1; then t_ok "the flooded screen holds nothing raw"; else
    t_fail "the flooded screen holds nothing raw" "$(cat "$T_TMP/why")"; fi
# a resize while lines pour in is drawn at once, not at the next key
"$FLOOD" "$D/app.log" 5 >/dev/null 2>&1 &
FPID=$!
sleep 0.5
tm resize-window -t t -x 40 -y 10 >/dev/null 2>&1
expect_screen "a resize during a flood is drawn without a key" "too small" 3
tm resize-window -t t -x 160 -y 45 >/dev/null 2>&1
expect_screen "and back" "Logs — app" 3
wait "$FPID"
FPID=
tm_keys q
expect_screen "q quits after the flood" "EXITED 0"

# ---- keys at 10,000 lines a second ----
: >"$D/app.log"
rm -f "$D/app.log.1"
tm_start 160 45 "$OPSDECK" --state "$T_TMP/j" --as alice "$P"
expect_screen "the panel opens again" "Flood weekend"
tm_keys 4
expect_screen "view 4 follows again" "following"
"$FLOOD" -r 10000 "$D/app.log" "$PACED_SECONDS" >"$T_TMP/paced.out" 2>&1 &
FPID=$!
sleep 1
lat=() bad=()
keys=(1 4 PageUp G)
texts=("critical path" "Logs — app" "paused at line" "following")
deadline=$((SECONDS + PACED_SECONDS - 2))
i=0
while [ ${#lat[@]} -lt "$KEYS" ] && [ $SECONDS -lt "$deadline" ]; do
    k=$((i % 4))
    ms=$(key_ms "${keys[$k]}" "${texts[$k]}")
    case $ms in
    stale) sleep 0.1 ;;
    timeout) bad+=("${keys[$k]}") ;;
    *) lat+=("$ms") ;;
    esac
    i=$((i + 1))
done
wait "$FPID"
FPID=
echo "# writer: $(cat "$T_TMP/paced.out")"
if [ ${#lat[@]} -gt 0 ]; then
    mapfile -t sorted < <(printf '%s\n' "${lat[@]}" | sort -n)
    p50=${sorted[$((${#sorted[@]} / 2))]} maxl=${sorted[$((${#sorted[@]} - 1))]}
    echo "# key to screen at 10,000 lines/s, ${#lat[@]} keys: p50 ${p50} ms, max ${maxl} ms (tmux capture included; make bench measures against 100 ms)"
fi
if [ ${#bad[@]} -eq 0 ] && [ ${#lat[@]} -ge 8 ]; then
    t_ok "keys answer at 10,000 lines/s (${#lat[@]} keys, none over ${GROSS_MS} ms)"
else
    t_fail "keys answer at 10,000 lines/s" "${#lat[@]} answered, not answered within ${GROSS_MS} ms: ${bad[*]}" "$(tm_screen | head -5)"
fi
tm_keys q
expect_screen "q quits after the paced flood" "EXITED 0"

# ---- long hostile lines: 4,000 lines of 60,000 invalid bytes (240 MB, 960 MB escaped) ----
# View 4 keeps at most 32 MiB of text a log (RING_BYTES in tui/view_logs.c) besides its
# 10,000 lines, and a long line counts as more work in a batch (core/logtail.h), so
# the panel neither holds the whole escaped log nor stops answering while it reads it.
head -c 60000 /dev/zero | tr '\0' '\377' >"$T_TMP/long1"
echo >>"$T_TMP/long1"
for _ in $(seq 1 40); do cat "$T_TMP/long1"; done >"$T_TMP/long40"
for _ in $(seq 1 100); do cat "$T_TMP/long40"; done >"$D/long.log"
rm -f "$T_TMP/long1" "$T_TMP/long40"
tm_start 160 45 "$OPSDECK" --state "$T_TMP/j" --as alice "$P"
expect_screen "the panel opens for the long lines" "Flood weekend"
tm_keys 4
expect_screen "view 4 again" "Logs — app"
PID=$(panel_pid)
before=$(rss_kb "$PID")
lat=() bad=()
ms=$(key_ms ']' "Logs — long")
case $ms in timeout) bad+=("]") ;; stale) ;; *) lat+=("$ms") ;; esac
expect_screen "] opens the log of long hostile lines" "Logs — long"
for k in 1 4 1 4; do
    want=$([ "$k" = 1 ] && echo "critical path" || echo "Logs — long")
    ms=$(key_ms "$k" "$want")
    case $ms in timeout) bad+=("$k") ;; stale) ;; *) lat+=("$ms") ;; esac
done
echo "# keys while 240 MB of long hostile lines are read: ${lat[*]} ms"
if [ ${#bad[@]} -eq 0 ]; then t_ok "keys answer while long lines are read"; else
    t_fail "keys answer while long lines are read" "not answered within ${GROSS_MS} ms: ${bad[*]}"; fi
if wait_re_kept 4000 60; then t_ok "every long line is read"; else
    t_fail "every long line is read" "$(tm_screen | sed -n 2p)"; fi
after=$(rss_kb "$PID")
echo "# RSS ${before} kB before, ${after} kB after the long lines ($(tm_screen | sed -n 's/.* — \([0-9]* lines kept.*\)/\1/p' | head -n 1))"
if [ -n "$ASAN" ]; then
    t_skip "long lines cost at most the ring's 32 MiB" "ASan's quarantine holds freed memory"
elif [ -n "$after" ] && [ $((after - before)) -le $((48 * 1024)) ]; then
    t_ok "long lines cost at most the ring's 32 MiB (+$((after - before)) kB; bound 48 MiB)"
else
    t_fail "long lines cost at most the ring's 32 MiB" "RSS ${before} kB before, ${after:-?} kB after"
fi
if tm_screen | "$TOOLS/termsafe" >"$T_TMP/why" 2>&1 && tm_screen | grep -qF '\xff\xff\xff'; then
    t_ok "the long lines show escaped"
else
    t_fail "the long lines show escaped" "$(cat "$T_TMP/why")"
fi
tm_keys q
expect_screen "q quits after the long lines" "EXITED 0"

#!/usr/bin/env bash
# make bench, section "panel under a log flood" (issue 7): the panel follows a file log
# in view 4 (tmux, 160x45) while build/tools/logflood appends to it.
#   memory: VmRSS every second through FLOOD_SECONDS (60) of a full-speed writer
#     (64 KiB writes, rotated every 64 MiB), beside the same panel following a quiet
#     log; the ring keeps 10,000 lines, so RSS should be flat once it is full.
#   keys: KEYS (100) keys (views 1 and 4, PgUp, G) sent with tmux send-keys, each timed
#     until capture-pane shows its effect, with a quiet log (the yardstick), at a paced
#     10,000 lines/s (the issue's target: within 100 ms) and at full speed.  The times
#     include tmux's round trip; one capture-pane alone is printed for scale.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
export OPSDECK=$PWD/$BUILD/opsdeck OPSDECK_TOOLS=$PWD/$BUILD/tools OPSDECK_ROOT=$PWD
FLOOD=$OPSDECK_TOOLS/logflood
. tests/lib.sh
. tests/e2e/tmux.sh
FLOOD_SECONDS=${FLOOD_SECONDS:-60}
KEYS=${KEYS:-100}
GROSS_MS=5000
if ! command -v tmux >/dev/null || [ ! -x "$FLOOD" ]; then
    echo "panel flood: skipped (tmux or $FLOOD missing)"
    exit 0
fi
. tests/e2e/lib_flood.sh
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
# a panel on a fresh log of 2,000 lines (something to page up in), in view 4, following
start_panel() {
    [ -n "$FPID" ] && kill "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null
    FPID=
    rm -f "$D"/app.log*
    seq 1 2000 | sed 's/^/2026-11-28T22:14:03.000 INFO worker[4242]: earlier line /' >"$D/app.log"
    tm_start 160 45 "$OPSDECK" --state "$T_TMP/j" --as bench "$P"
    wait_for "Flood weekend" 10 && tm_keys 4 && wait_for "following" 10
    PID=$(panel_pid)
}
# keys LABEL: KEYS keys; prints "LABEL p50 X ms, p90 Y ms, max Z ms (N keys)"; MAXMS
keys() {
    local lat=() keys=(1 4 PageUp G) texts=("critical path" "Logs — app" "paused at line" "following")
    local i=0 k ms to=0 sorted n
    while [ ${#lat[@]} -lt "$KEYS" ] && [ $i -lt $((KEYS * 2)) ]; do
        k=$((i % 4))
        ms=$(key_ms "${keys[$k]}" "${texts[$k]}")
        case $ms in
        stale) sleep 0.1 ;;
        timeout) to=$((to + 1)) ;;
        *) lat+=("$ms") ;;
        esac
        i=$((i + 1))
    done
    mapfile -t sorted < <(printf '%s\n' "${lat[@]}" | sort -n)
    n=${#sorted[@]}
    MAXMS=${sorted[$((n - 1))]}
    printf '%-28s p50 %s ms, p90 %s ms, max %s ms (%d keys%s)\n' "$1" "${sorted[$((n / 2))]}" \
        "${sorted[$((n * 9 / 10))]}" "$MAXMS" "$n" "$([ $to -gt 0 ] && echo ", $to not answered within $GROSS_MS ms")"
}

echo "-- memory: a file log at full speed for $FLOOD_SECONDS s, followed in view 4 (10,000-line ring)"
start_panel
sleep 5
idle=$(rss_kb "$PID")
"$FLOOD" "$D/app.log" "$FLOOD_SECONDS" >"$T_TMP/flood.out" 2>&1 &
FPID=$!
samples=()
for _ in $(seq 1 "$FLOOD_SECONDS"); do
    sleep 1
    r=$(rss_kb "$PID")
    [ -n "$r" ] && samples+=("$r")
done
wait "$FPID"
FPID=
wait_for "$(sed -n 's/^lines=\([0-9]*\) .*/processed job \1 in/p' "$T_TMP/flood.out")" 30
read -r kept dropped < <(tm_screen | sed -n 's/.* \([0-9]*\) lines kept, \([0-9]*\) older dropped.*/\1 \2/p' | head -1)
lines=$(sed -n 's/^lines=\([0-9]*\) .*/\1/p' "$T_TMP/flood.out")
rot=$(sed -n 's/.* rotations=\([0-9]*\) .*/\1/p' "$T_TMP/flood.out")
max=0 late=0
for r in "${samples[@]}"; do [ "$r" -gt "$max" ] && max=$r; done
for r in "${samples[@]:20}"; do [ "$r" -gt "$late" ] && late=$r; done
at20=${samples[19]:-0}
echo "writer                       $lines lines, $rot rotations ($(awk -v n="$lines" -v s="$FLOOD_SECONDS" 'BEGIN { printf "%.2f", n / s / 1e6 }') M lines/s)"
echo "panel read                   $((${kept:-0} + ${dropped:-0})) lines, rotation notices included"
echo "RSS, quiet log (yardstick)   $(mb "$idle")"
echo "RSS, flooded                 $(mb "${samples[0]}") at 1 s, $(mb "$at20") at 20 s, $(mb "${samples[$((${#samples[@]} - 1))]}") at $FLOOD_SECONDS s, max $(mb "$max")"
echo "growth after 20 s            $((late - at20)) kB (the test's bound: 4096 kB)"
echo "ratio max flooded/quiet      $(ratio "$max" "$idle")"

echo "-- keys: send-keys to the change on screen"
t0=$(date +%s%N)
for i in $(seq 1 20); do tm_screen >/dev/null; done
echo "one capture-pane             $(awk -v ns=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.1f", ns / 20 / 1e6 }') ms (included in each figure below)"
start_panel
keys "quiet log (yardstick)"
quiet=$MAXMS
start_panel
"$FLOOD" -r 10000 "$D/app.log" 3600 >/dev/null 2>&1 &
FPID=$!
sleep 1
keys "10,000 lines/s"
paced=$MAXMS
start_panel
"$FLOOD" "$D/app.log" 3600 >/dev/null 2>&1 &
FPID=$!
sleep 1
keys "full speed"
kill "$FPID" 2>/dev/null
wait "$FPID" 2>/dev/null
FPID=
echo "ratio max at 10,000 lines/s to the 100 ms target  $(ratio "$paced" 100) (1.00 or less meets it)"
echo "ratio max at 10,000 lines/s to the quiet log      $(ratio "$paced" "$quiet")"

echo "-- long hostile lines: 4,000 lines of 60,000 invalid bytes (240 MB; 960 MB escaped)"
head -c 60000 /dev/zero | tr '\0' '\377' >"$T_TMP/long1"
echo >>"$T_TMP/long1"
for _ in $(seq 1 40); do cat "$T_TMP/long1"; done >"$T_TMP/long40"
for _ in $(seq 1 100); do cat "$T_TMP/long40"; done >"$D/long.log"
start_panel
before=$(rss_kb "$PID")
t0=$(date +%s%N)
tm_keys ']'
wait_for "Logs — long" 30
lat=()
for k in 1 4 1 4 1 4; do
    want=$([ "$k" = 1 ] && echo "critical path" || echo "Logs — long")
    lat+=("$(key_ms "$k" "$want")")
done
# lines view 4's title counts, kept and dropped
seen() {
    local kd
    kd=$(tm_screen | sed -n 's/.* \([0-9]*\) lines kept, \([0-9]*\) older dropped.*/\1 \2/p' | head -n 1)
    [ -n "$kd" ] && echo $((${kd% *} + ${kd#* })) || echo 0
}
while [ "$(seen)" -lt 4000 ] && [ $(($(date +%s%N) - t0)) -lt 120000000000 ]; do sleep 0.05; done
t1=$(date +%s%N)
after=$(rss_kb "$PID")
echo "read in                      $(((t1 - t0) / 1000000)) ms ($(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", 240e6 / (ns / 1e9) / 1e6 }') MB/s of raw bytes, escaped and kept)"
echo "keys meanwhile               ${lat[*]} ms"
echo "RSS                          $(mb "$before") before, $(mb "$after") after ($(tm_screen | sed -n 's/.* — \([0-9]* lines kept.*\)/\1/p' | head -n 1); the ring keeps 32 MiB)"
tm_keys q

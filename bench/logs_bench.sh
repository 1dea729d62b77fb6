#!/usr/bin/env bash
# make bench, section "logs and systemd": log ingest against tail -f, lnav and
# journalctl -f, measured in the same run; with a private systemd (root): unit
# state change to screen, and idle CPU with 20 watched units and 4 quiet tails
# beside htop's.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
OPSDECK=$PWD/$BUILD/opsdeck
TB=$PWD/$BUILD/bench/tail_bench
. tests/lib.sh
. tests/integration/lib_systemd.sh
. tests/e2e/tmux.sh
PIDS=()
cleanup() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; tm_cleanup; sd_shutdown; rm -rf "$T_TMP"; }
trap cleanup EXIT
N=${FOLLOW_LINES:-2000000}
WRITE="seq 1 $N"
D=$T_TMP/logs
mkdir -p "$D"
cat >"$T_TMP/plan.yaml" <<PLAN
plan: bench
logs:
  - { id: flood, file: $D/flood.log }
  - { id: big, file: $D/big.log }
phases:
  - { id: p1, title: One, items: [ { id: p1.a, text: x } ] }
PLAN
now_ns() { date +%s%N; }
rate() { awk -v n="$1" -v ns="$2" 'BEGIN { printf "%.2f", n / (ns / 1e9) / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# follow_run CMD...: CMD follows $D/flood.log while seq writes 1..N into it at
# full speed; prints "M_LINES_PER_S OK|LOST" (every line, in order, or not)
follow_run() {
    : >"$D/flood.log"
    rm -f "$T_TMP/fifo" && mkfifo "$T_TMP/fifo"
    local rfd fpid wpid t0 t1 sum
    exec {rfd}<>"$T_TMP/fifo" # open now, so the follower starts before the writer
    "$@" >"$T_TMP/fifo" 2>/dev/null &
    fpid=$!
    PIDS+=("$fpid")
    sleep 0.3 # the follower's watches are in place
    t0=$(now_ns)
    $WRITE >>"$D/flood.log" &
    wpid=$!
    sum=$(head -n "$N" <&"$rfd" | cksum)
    t1=$(now_ns)
    kill "$fpid" 2>/dev/null
    wait "$fpid" "$wpid" 2>/dev/null
    exec {rfd}<&-
    [ "$sum" = "$(seq 1 "$N" | cksum)" ] && echo "$(rate "$N" $((t1 - t0))) OK" || echo "$(rate "$N" $((t1 - t0))) LOST"
}

# two writers: seq (large blocks) and one write(2) per line, as a program logs
WRITERS=("seq 1 $N" "perl -e \$|=1;print(\"\$_\\n\")for(1..$N)")
for w in "${WRITERS[@]}"; do
    echo "-- file follow: a writer appends $N lines at full speed ($w)"
    WRITE=$w
    t0=$(now_ns); $w >"$D/w.log"; t1=$(now_ns)
    writer=$(rate "$N" $((t1 - t0)))
    read -r ours ours_ok < <(follow_run "$OPSDECK" tail "$T_TMP/plan.yaml" flood -n 0 -f)
    read -r peer peer_ok < <(follow_run tail -n 0 -f "$D/flood.log")
    echo "writer alone            $writer M lines/s"
    echo "opsdeck tail -f         $ours M lines/s, every line in order: $ours_ok"
    echo "tail -f (coreutils)     $peer M lines/s, every line in order: $peer_ok"
    echo "ratio opsdeck/tail -f   $(ratio "$ours" "$peer")"
done
: >"$D/flood.log"
"$TB" follow "$D/flood.log" "$N" >"$T_TMP/tb.out" &
tbpid=$!
PIDS+=("$tbpid")
while ! grep -q ready "$T_TMP/tb.out" 2>/dev/null; do sleep 0.05; done
seq 1 "$N" >>"$D/flood.log"
wait "$tbpid"
echo "core ingest (sanitised, 10,000-line ring): $(grep '^follow' "$T_TMP/tb.out")"

echo "-- catch-up: an existing 1,000,000-line file"
seq 1 1000000 | sed 's/^/2026-11-28T22:14:03 INFO worker[4242]: processed job /' >"$D/big.log"
t0=$(now_ns); "$OPSDECK" tail "$T_TMP/plan.yaml" big -n 1000000 >/dev/null; t1=$(now_ns)
ours=$(rate 1000000 $((t1 - t0)))
core=$("$TB" catchup "$D/big.log")
echo "opsdeck tail -n 1000000 $ours M lines/s (stdout to /dev/null)"
echo "core ingest             $core"
core_rate=$(printf '%s' "$core" | sed -n 's/.*: \([0-9.]*\) M lines.*/\1/p')
if ! command -v lnav >/dev/null && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lnav >/dev/null 2>&1
fi
if command -v lnav >/dev/null; then
    t0=$(now_ns); HOME=$T_TMP lnav -n -q "$D/big.log" >/dev/null 2>&1; t1=$(now_ns)
    peer=$(rate 1000000 $((t1 - t0)))
    echo "lnav -n -q (headless index) $peer M lines/s ($(lnav -V 2>/dev/null))"
    echo "ratio opsdeck tail/lnav $(ratio "$ours" "$peer"), core ingest/lnav $(ratio "$core_rate" "$peer")"
else
    echo "lnav: not installed and not installable here (apt-cache policy lnav) — no ratio"
fi

if ! sd_can_boot || ! sd_boot; then
    echo "-- journal follow, state change latency, idle CPU: skipped ($SD_SKIP)"
    exit 0
fi
X=$SD_EXCH
cp "$OPSDECK" "$X/opsdeck"
JN=${JOURNAL_LINES:-200000}
{
    echo "plan: bench systemd"
    echo "services:"
    for i in $(seq 1 18); do echo "  - { unit: b-$i.service }"; done
    echo "  - { unit: b-flood.service }"
    echo "  - { unit: b-kill.service }"
    echo "logs:"
    echo "  - { id: flood, unit: b-flood.service }"
    for i in 1 2 3 4; do echo "  - { id: quiet$i, unit: b-$i.service }"; done
    echo "phases:"
    echo "  - { id: p1, title: One, watch: [b-kill.service], items: [ { id: p1.a, text: x } ] }"
} >"$X/plan.yaml"
for i in $(seq 1 18); do
    printf '[Service]\nExecStart=/bin/sleep infinity\n' | sd_unit "b-$i.service"
done
printf '[Service]\nExecStart=/bin/sleep infinity\n' | sd_unit b-kill.service
printf '[Service]\nType=oneshot\nLogRateLimitIntervalSec=0\nExecStart=/usr/bin/seq 1 %s\n' "$JN" | sd_unit b-flood.service
sd_exec systemctl start $(for i in $(seq 1 18); do echo "b-$i.service"; done) b-kill.service

# jfollow_run CMD...: CMD follows the journal of b-flood while it prints 1..JN;
# seconds from the start until the last line arrived
jfollow_run() {
    local np t0 t1 rfd
    rm -f "$X/fifo" && mkfifo "$X/fifo"
    exec {rfd}<>"$X/fifo"
    sd_exec sh -c "$* >$X/fifo 2>/dev/null & echo \$! >$X/f.pid; wait" &
    np=$!
    PIDS+=("$np")
    sleep 0.5
    t0=$(now_ns)
    sd_exec systemctl start --no-block b-flood.service
    awk -v n="$JN" '$NF == n { exit }' <&"$rfd"
    t1=$(now_ns)
    sd_exec kill "$(cat "$X/f.pid")"
    wait "$np" 2>/dev/null
    exec {rfd}<&-
    rate "$JN" $((t1 - t0))
}
echo "-- journal follow: a unit prints $JN lines (journald, rate limit off; private systemd)"
ours=$(jfollow_run "$X/opsdeck" tail "$X/plan.yaml" flood -n 0 -f)
peer=$(jfollow_run journalctl -f -n 0 -o cat -u b-flood.service)
echo "opsdeck tail -f         $ours M lines/s"
echo "journalctl -f           $peer M lines/s"
echo "ratio opsdeck/journalctl $(ratio "$ours" "$peer")"

if ! command -v tmux >/dev/null; then
    echo "-- panel figures: skipped (tmux is not installed)"
    exit 0
fi
echo "-- panel: unit state change to screen (kill -9 of the main PID; capture polled)"
tm_start 160 45 "nsenter -t $SD_PID -m -p $X/opsdeck --state $X/j $X/plan.yaml"
wait_for p1 10
tm_keys 3
wait_for "b-kill.service                 active/running" 10
lat=()
for i in 1 2 3 4 5; do
    pid=$(sd_exec systemctl show -p MainPID --value b-kill.service)
    t0=$(now_ns)
    sd_exec kill -9 "$pid"
    while ! tm_screen | grep -q "b-kill.service                 failed/failed"; do :; done
    t1=$(now_ns)
    lat+=($(((t1 - t0) / 1000000)))
    sd_exec systemctl reset-failed b-kill.service
    sd_exec systemctl start b-kill.service
    wait_for "b-kill.service                 active/running" 10
done
echo "kill to screen, ms (nsenter + kill + capture included): ${lat[*]}"

echo "-- panel: idle CPU with 20 watched units and 4 quiet tails, beside htop"
tm_keys 4
for i in 1 2 3 4; do tm_keys ']'; sleep 0.3; done
tm_keys 3
IDLE=${IDLE_SECONDS:-30}
pane=$(tm display-message -p -t t '#{pane_pid}')
# the panel: the deepest descendant of the pane (sh -> nsenter -> opsdeck)
p=$pane
while c=$(cat /proc/"$p"/task/"$p"/children 2>/dev/null) && [ -n "$c" ]; do p=${c%% *}; done
comm=$(cat "/proc/$p/comm")
# CPU time in ns (schedstat: more precise than clock ticks)
ticks() { awk '{ print $1 }' "/proc/$1/schedstat"; }
c0=$(ticks "$p"); sleep "$IDLE"; c1=$(ticks "$p")
tm_keys q
ours=$((c1 - c0))
if command -v htop >/dev/null; then
    tm_start 160 45 "htop"
    sleep 2
    hp=$(tm display-message -p -t t '#{pane_pid}')
    while c=$(cat /proc/"$hp"/task/"$hp"/children 2>/dev/null) && [ -n "$c" ]; do hp=${c%% *}; done
    c0=$(ticks "$hp"); sleep "$IDLE"; c1=$(ticks "$hp")
    peer=$((c1 - c0))
    echo "opsdeck panel ($comm): $((ours / 1000)) us CPU in ${IDLE}s; htop: $((peer / 1000)) us"
    echo "ratio htop/opsdeck $(ratio "$peer" "$([ "$ours" -gt 0 ] && echo "$ours" || echo 1)")"
else
    echo "opsdeck panel: $((ours / 1000)) us CPU in ${IDLE}s; htop not installed — no ratio"
fi

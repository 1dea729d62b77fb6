#!/usr/bin/env bash
# make fuzz: run each libFuzzer target (built by `make fuzz-bins` into $FUZZ_BUILD) for
# FUZZ_SECONDS seconds, FUZZ_JOBS targets at a time, starting from the seed corpus in
# tests/fuzz/corpus/TARGET/ plus what earlier runs found ($FUZZ_BUILD/corpus/TARGET/,
# not committed).  A crash, a leak, a timeout or a broken property leaves its input in
# $FUZZ_BUILD/artifacts/; minimise it and commit it as tests/fuzz/corpus/TARGET/regress-*.
# Prints one TAP line per target with its executions, then "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_JOBS=${FUZZ_JOBS:-1}
targets=${*:-plan journal sanitize parsers}
logs=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-fuzz.XXXXXX")

run_one() {
    local t=$1 bin=$FUZZ_BUILD/fuzz/fuzz_$1 dict=tests/fuzz/$1.dict
    mkdir -p "$FUZZ_BUILD/corpus/$t" "$FUZZ_BUILD/artifacts"
    local opts=(-max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -timeout=10
        -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$FUZZ_BUILD/artifacts/$t-")
    [ -f "$dict" ] && opts+=(-dict="$dict")
    "$bin" "${opts[@]}" "$FUZZ_BUILD/corpus/$t" "tests/fuzz/corpus/$t" >"$logs/$t.log" 2>&1
    echo $? >"$logs/$t.rc"
}

running=0
for t in $targets; do
    if [ ! -x "$FUZZ_BUILD/fuzz/fuzz_$t" ]; then
        echo "fuzz: $FUZZ_BUILD/fuzz/fuzz_$t not built (make fuzz-bins)" >&2
        echo 1 >"$logs/$t.rc"
        continue
    fi
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$FUZZ_JOBS" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

passed=0 failed=0 total=0
for t in $targets; do
    log=$logs/$t.log rc=$(cat "$logs/$t.rc" 2>/dev/null || echo 1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" 2>/dev/null | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" 2>/dev/null | tail -1)
    corpus=$(find "$FUZZ_BUILD/corpus/$t" "tests/fuzz/corpus/$t" -type f 2>/dev/null | wc -l)
    total=$((total + ${execs:-0}))
    if [ "$rc" -eq 0 ] && [ -n "$execs" ]; then
        passed=$((passed + 1))
        echo "ok - fuzz $t: ${execs} executions in ${FUZZ_SECONDS} s, ${cov:-cov: ?} edges, corpus $corpus inputs"
    else
        failed=$((failed + 1))
        echo "not ok - fuzz $t: exit $rc after ${execs:-?} executions"
        grep -E 'ERROR|property violated|SUMMARY|Test unit written|artifact' "$log" 2>/dev/null | head -20 | sed 's/^/    /'
    fi
done
echo "fuzz: $total executions in total; logs in $logs"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

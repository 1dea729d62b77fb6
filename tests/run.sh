#!/usr/bin/env bash
# Run every test: cmocka unit binaries, then the shell suites (cli, integration, e2e).
# Shell suites print TAP-style "ok - NAME" / "not ok - NAME" / "skip - NAME: why".
# Last line: "N passed, N failed".
set -u
BUILD=${BUILD:-build}
export OPSDECK="${OPSDECK:-$PWD/$BUILD/opsdeck}"
export OPSDECK_TOOLS="$PWD/$BUILD/tools"
export OPSDECK_ROOT="$PWD"
passed=0 failed=0 skipped=0
failures=()
SUITES=${SUITES:-"unit cli integration e2e"}
LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-tests.XXXXXX")

run_unit() {
    local bin=$1 name out p f
    name=$(basename "$bin")
    out="$LOGDIR/$name.log"
    CMOCKA_MESSAGE_OUTPUT=stdout "$bin" >"$out" 2>&1
    local rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
    p=${p:-0} f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p)) failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        failures+=("$name")
        echo "FAIL $name ($f failed)"; grep -E '^\[  (FAILED|ERROR) \]|^\[  ERROR|Assert|error' "$out" | head -20
    else
        echo "PASS $name ($p)"
    fi
}

run_suite() {
    local script=$1 name out p f s
    name=${script#tests/}
    out="$LOGDIR/$(echo "$name" | tr / _).log"
    bash "$script" >"$out" 2>&1
    local rc=$?
    p=$(grep -c '^ok - ' "$out") f=$(grep -c '^not ok - ' "$out") s=$(grep -c '^skip - ' "$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1; echo "not ok - $name exited $rc" >>"$out"
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    if [ "$f" -ne 0 ]; then
        failures+=("$name")
        echo "FAIL $name ($p passed, $f failed)"; grep -A8 '^not ok - ' "$out" | head -40
    else
        if [ "$s" -gt 0 ]; then echo "PASS $name ($p, $s skipped)"; else echo "PASS $name ($p)"; fi
    fi
    grep '^skip - ' "$out" | sed 's/^/  /'
}

for suite in $SUITES; do
    case $suite in
    unit)
        for bin in "$BUILD"/tests/test_*; do [ -x "$bin" ] && run_unit "$bin"; done ;;
    *)
        for script in tests/"$suite"/test_*.sh; do [ -f "$script" ] && run_suite "$script"; done ;;
    esac
done

echo "logs: $LOGDIR"
[ ${#failures[@]} -gt 0 ] && echo "failed suites: ${failures[*]}"
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]

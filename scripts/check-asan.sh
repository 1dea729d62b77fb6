#!/usr/bin/env bash
# make check-asan: the whole suite (tests/run.sh: unit, cli, integration, e2e) against
# the binaries in $BUILD, built with -fsanitize=address,undefined -fno-sanitize-recover=all
# (LeakSanitizer included).  Every sanitizer report goes to a file; any report fails
# the run, even one from a process whose exit status a test did not look at.  The
# last line is "N passed, N failed" with the reports counted as failures.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-asan}
if [ ! -x "$BUILD/opsdeck" ]; then
    echo "check-asan: $BUILD/opsdeck not built (make check-asan builds it)" >&2
    exit 2
fi
reports=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-asan.XXXXXX")
ulimit -c 0
# verify_asan_link_order=0: the crash sweep preloads its shim into sanitized programs
export ASAN_OPTIONS="abort_on_error=1:halt_on_error=1:detect_leaks=1:log_path=$reports/asan:verify_asan_link_order=0:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
export LSAN_OPTIONS="exitcode=23:suppressions=$PWD/tests/sanitizer/lsan.supp:print_suppressions=0"

BUILD=$BUILD ./tests/run.sh >"$reports/run.out" 2>&1
rc=$?
summary=$(tail -n 1 "$reports/run.out")
head -n -1 "$reports/run.out"

passed=$(sed -n 's/^\([0-9]*\) passed, .*/\1/p' <<<"$summary")
failed=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p' <<<"$summary")
skipped=$(sed -n 's/.* failed, \([0-9]*\) skipped$/\1/p' <<<"$summary")
passed=${passed:-0} failed=${failed:-0}
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

n_reports=0
for f in "$reports"/asan.* "$reports"/ubsan.*; do
    [ -s "$f" ] || continue
    n_reports=$((n_reports + 1))
    echo "SANITIZER REPORT ($f):"
    head -n 40 "$f" | sed 's/^/    /'
done
if [ "$n_reports" -gt 0 ]; then
    echo "check-asan: $n_reports sanitizer report(s); each counts as a failure"
    failed=$((failed + n_reports))
else
    echo "check-asan: no sanitizer report"
    rm -rf "$reports"
fi
if [ -n "$skipped" ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]

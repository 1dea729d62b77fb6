#!/usr/bin/env bash
# make check-valgrind: the command-line suites (tests/cli/; SUITES="cli e2e" adds the
# panel sessions, whose screen waits are tight for a program slowed down 20 times)
# with every opsdeck process run under valgrind memcheck: invalid reads and writes,
# uses of uninitialised memory, bad frees, definite and indirect leaks
# (tests/sanitizer/valgrind.supp lists the few inside libraries).  A wrapper in a
# temporary directory stands in for $BUILD/opsdeck; each process logs to its own file
# and any memcheck error in one is a failure (its exit code, 97, also fails the test
# that ran it).  The last line is "N passed, N failed" with the processes that had
# errors counted as failures.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
if ! command -v valgrind >/dev/null 2>&1; then
    echo "check-valgrind: valgrind is not installed"
    echo "0 passed, 1 failed"
    exit 1
fi
vg=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-valgrind.XXXXXX")
cat >"$vg/opsdeck" <<WRAP
#!/bin/sh
exec valgrind --quiet --error-exitcode=97 --leak-check=full --show-leak-kinds=definite,indirect \\
    --errors-for-leak-kinds=definite,indirect --track-origins=yes --num-callers=30 \\
    --suppressions="$PWD/tests/sanitizer/valgrind.supp" \\
    --log-file="$vg/vg.%p" "$PWD/$BUILD/opsdeck" "\$@"
WRAP
chmod +x "$vg/opsdeck"

OPSDECK="$vg/opsdeck" OPSDECK_UNDER_VALGRIND=1 SUITES=${SUITES:-cli} BUILD=$BUILD \
    ./tests/run.sh >"$vg/run.out" 2>&1
rc=$?
summary=$(tail -n 1 "$vg/run.out")
head -n -1 "$vg/run.out"
passed=$(sed -n 's/^\([0-9]*\) passed, .*/\1/p' <<<"$summary")
failed=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p' <<<"$summary")
skipped=$(sed -n 's/.* failed, \([0-9]*\) skipped$/\1/p' <<<"$summary")
passed=${passed:-0} failed=${failed:-0}
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

runs=$(find "$vg" -name 'vg.*' | wc -l)
errors=0
notes=0
for f in "$vg"/vg.*; do
    [ -s "$f" ] || continue
    # "==PID==" lines are memcheck's errors; "--PID--" lines are valgrind's own notes
    # (an unhandled syscall such as pidfd_open fails with ENOSYS and is shown, not counted)
    if ! grep -q '^==[0-9]*==' "$f"; then
        notes=$((notes + 1))
        [ "$notes" -le 3 ] && sed 's/^/    note: /' "$f" | head -n 3
        continue
    fi
    errors=$((errors + 1))
    echo "VALGRIND ($f):"
    head -n 40 "$f" | sed 's/^/    /'
done
echo "check-valgrind: $runs opsdeck processes under memcheck, $errors with errors, $notes with notes of valgrind's own"
failed=$((failed + errors))
[ "$errors" -eq 0 ] && [ "$failed" -eq 0 ] && rm -rf "$vg"
if [ -n "$skipped" ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]

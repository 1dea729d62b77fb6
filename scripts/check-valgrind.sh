#!/usr/bin/env bash
# make check-valgrind: the command-line suites (tests/cli/) and scripted panel sessions
# in tmux (PANEL_SESSIONS, below) with every opsdeck process run under valgrind
# memcheck: invalid reads and writes, uses of uninitialised memory, bad frees,
# definite and indirect leaks (tests/sanitizer/valgrind.supp lists the few inside
# libraries).  A wrapper in a temporary directory stands in for $BUILD/opsdeck; each
# process logs to its own file and any memcheck error in one is a failure (its exit
# code, 97, also fails the test that ran it).  The panel sessions' screen waits are
# scaled for a program slowed down 20 times (tests/e2e/tmux.sh, OPSDECK_UNDER_VALGRIND).
# SUITES="cli e2e" runs every panel suite instead of the chosen sessions;
# PANEL_SESSIONS="" leaves them out.  The last line is "N passed, N failed" with the
# processes that had errors counted as failures.
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

SUITES=${SUITES:-cli}
# the panel sessions: open, navigate, tick, live updates, help, read-only, the
# wallboard's 1,000 keys, resizing and every theme; hostile bytes on every screen;
# actions run off the UI thread and cancelled; health checks with one hanging
PANEL_SESSIONS=${PANEL_SESSIONS-tests/e2e/test_panel.sh tests/e2e/test_panel_hostile.sh \
    tests/e2e/test_actions_panel.sh tests/e2e/test_health.sh}
case " $SUITES " in *" e2e "*) PANEL_SESSIONS= ;; esac

OPSDECK="$vg/opsdeck" OPSDECK_UNDER_VALGRIND=1 SUITES=$SUITES BUILD=$BUILD \
    ./tests/run.sh >"$vg/run.out" 2>&1
rc=$?
summary=$(tail -n 1 "$vg/run.out")
head -n -1 "$vg/run.out"
passed=$(sed -n 's/^\([0-9]*\) passed, .*/\1/p' <<<"$summary")
failed=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p' <<<"$summary")
skipped=$(sed -n 's/.* failed, \([0-9]*\) skipped$/\1/p' <<<"$summary")
passed=${passed:-0} failed=${failed:-0}
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

# each panel session as tests/run.sh runs a suite: its TAP lines counted
for script in $PANEL_SESSIONS; do
    [ -f "$script" ] || continue
    log="$vg/$(basename "$script" .sh).log"
    OPSDECK="$vg/opsdeck" OPSDECK_UNDER_VALGRIND=1 OPSDECK_TOOLS="$PWD/$BUILD/tools" \
        OPSDECK_ROOT="$PWD" bash "$script" >"$log" 2>&1
    src=$?
    p=$(grep -c '^ok - ' "$log") f=$(grep -c '^not ok - ' "$log") s=$(grep -c '^skip - ' "$log")
    if [ "$src" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((${skipped:-0} + s))
    if [ "$f" -ne 0 ]; then
        echo "FAIL ${script#tests/} under valgrind ($p passed, $f failed)"
        grep -A8 '^not ok - ' "$log" | head -40
    else
        echo "PASS ${script#tests/} under valgrind ($p$([ "$s" -gt 0 ] && echo ", $s skipped"))"
    fi
    grep '^skip - ' "$log" | sed 's/^/  /'
done
[ "${skipped:-0}" = 0 ] && skipped=

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

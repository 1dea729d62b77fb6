#!/usr/bin/env bash
# The crash-safety sweep, reduced to fit `make check` but complete over its indices:
# a workload of 200 journal appends and of 25 `opsdeck tick`s, killed (before, after
# and in the middle of) every journal write/fsync/truncate, every sync failed with
# EIO and ENOSPC, every write cut short, every prefix of an unsynced tail dropped
# (tests/crash/, build/crash/crashsweep).  `make check-crash` runs the full sweep
# (1,000 appends, 300 ticks).  Prints the number of crash points tried.
. "$(dirname "$0")/../lib.sh"
SWEEP=$TOOLS/../crash/crashsweep
if [ ! -x "$SWEEP" ] || [ ! -e "$TOOLS/../crash/shim.so" ] || [ ! -x "$TOOLS/jcrash" ]; then
    t_skip "crash sweep" "build/crash/crashsweep, shim.so or build/tools/jcrash not built"
    exit 0
fi
if [ -n "${OPSDECK_UNDER_VALGRIND:-}" ]; then
    t_skip "crash sweep" "not under valgrind (processes are killed on purpose)"
    exit 0
fi
EVENTS=${OPSDECK_CRASH_EVENTS:-200}
TICKS=${OPSDECK_CRASH_TICKS:-25}
"$SWEEP" --events "$EVENTS" --ticks "$TICKS" --opsdeck "$OPSDECK" >"$T_TMP/sweep.out" 2>&1
rc=$?
cat "$T_TMP/sweep.out"
summary=$(grep '^crash points tried' "$T_TMP/sweep.out")
if [ "$rc" -eq 0 ] && [ -n "$summary" ]; then
    t_ok "crash sweep: $summary"
else
    t_fail "crash sweep exits 0 with a summary" "exit $rc" "$(tail -5 "$T_TMP/sweep.out")"
fi

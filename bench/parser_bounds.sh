#!/usr/bin/env bash
# Parser bounds (issue 7): a hostile plan is rejected fast and in little memory.  The
# alias bomb (tests/fixtures/bad/alias-bomb.yaml, 9^10 nodes if expanded) and a plan
# nested 100,000 deep (deep-nesting.yaml) are each validated in a fresh process, 11
# times; the fastest run and the largest peak RSS are shown against the targets
# (< 50 ms, < 16 MB), beside the yardstick of `opsdeck --version` (process start and
# libraries alone) and of validating the 14-phase Uplink example.
set -u
BUILD=${BUILD:-build}
R=$BUILD/tools/rusage
if [ ! -x "$R" ]; then
    echo "parser bounds: $R not built (make bench builds it)"
    exit 0
fi
measure() { "$R" -n 11 "$BUILD/opsdeck" "$@"; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
echo "opsdeck --version (yardstick):        $(measure --version)"
echo "validate examples/uplink-2.0.yaml:    $(measure validate examples/uplink-2.0.yaml)"
for f in alias-bomb deep-nesting; do
    m=$(measure validate "tests/fixtures/bad/$f.yaml")
    ms=$(field best_ms "$m") kb=$(field maxrss_kb "$m") rc=$(field exit "$m")
    verdict=ok
    awk -v ms="$ms" -v kb="$kb" 'BEGIN { exit !(ms < 50 && kb < 16384) }' || verdict=OVER
    [ "$rc" = 2 ] || verdict="NOT REJECTED (exit $rc)"
    printf 'validate %-28s %s  [targets < 50 ms, < 16384 kB: %s]\n' "$f.yaml:" "$m" "$verdict"
done

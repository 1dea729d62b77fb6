#!/usr/bin/env bash
# make bench: speed and memory figures, each beside the yardstick measured in the same run.
set -u
BUILD=${BUILD:-build}
echo "== plan loading"
"$BUILD/bench/plan_bench" examples/uplink-2.0.yaml
echo "== journal"
dir=$(mktemp -d /var/tmp/opsdeck-bench.XXXXXX)
"$BUILD/bench/journal_bench" "$dir"
rm -rf "$dir"
echo "== report"
dir=$(mktemp -d /var/tmp/opsdeck-bench.XXXXXX)
"$BUILD/bench/report_bench" "$BUILD/opsdeck" examples/uplink-2.0.yaml "$dir"
rm -rf "$dir"
echo "== panel"
dir=$(mktemp -d /var/tmp/opsdeck-bench.XXXXXX)
"$BUILD/bench/panel_bench" "$BUILD/opsdeck" examples/uplink-2.0.yaml "$dir" "${IDLE_SECONDS:-60}"
rm -rf "$dir"

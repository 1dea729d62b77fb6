#!/usr/bin/env bash
# make bench: speed and memory figures, each beside the yardstick measured in the same run.
set -u
BUILD=${BUILD:-build}
echo "== plan loading"
"$BUILD/bench/plan_bench" examples/uplink-2.0.yaml
echo "== runbook import"
"$BUILD/bench/import_bench"
echo "== health checks"
"$BUILD/bench/check_bench"
echo "== parser bounds"
BUILD=$BUILD ./bench/parser_bounds.sh
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
echo "== panel under a log flood"
BUILD=$BUILD ./bench/panel_flood.sh
echo "== db.backup"
BUILD=$BUILD ./bench/backup_bench.sh
echo "== logs and systemd"
BUILD=$BUILD ./bench/logs_bench.sh
echo "== journal sync (Redis Stream)"
BUILD=$BUILD ./bench/sync_bench.sh

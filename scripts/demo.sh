#!/bin/sh
# make demo: show the example plan with a throwaway journal.
# Until the panel lands this prints `opsdeck status`; then it opens the panel.
set -eu
BIN=${1:-build/opsdeck}
PLAN=examples/uplink-2.0.yaml
tmp=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
J="$tmp/demo.journal"
# a few ticks so the demo shows a weekend under way
first=$("$BIN" status --json --state "$J" "$PLAN" | jq -r '.phases[0].items[0:3][].id')
for item in $first; do
    "$BIN" tick "$PLAN" "$item" --state "$J" --as demo >/dev/null
done
"$BIN" status --state "$J" "$PLAN"
echo
echo "(the interactive panel is not built yet; this is 'opsdeck status' on a throwaway journal)"

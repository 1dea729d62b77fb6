#!/bin/sh
# make demo: open the panel on the example plan with a throwaway journal.
# Without a terminal (a script, CI) it prints `opsdeck status` instead.
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
if [ -t 0 ] && [ -t 1 ]; then
    echo "Opening the panel on $PLAN (journal: $J, removed on exit). ? for keys, q to quit."
    sleep 1
    OPSDECK_THEMES="$(pwd)/themes" "$BIN" --state "$J" --as demo "$PLAN"
else
    # it exits 1 while checks fail, as they do where the example's servers are absent
    "$BIN" status --state "$J" "$PLAN" || true
    echo
    echo "(no terminal: this is 'opsdeck status'; run 'make demo' in a terminal for the panel)"
fi

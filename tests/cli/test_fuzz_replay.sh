#!/usr/bin/env bash
# Replay the fuzz corpus (tests/fuzz/corpus/TARGET/: seeds and regression inputs)
# through every fuzz target, built with tests/fuzz/replay_main.c instead of libFuzzer
# (build/fuzz/replay_TARGET).  A crash or a broken property fails the target.
. "$(dirname "$0")/../lib.sh"
DIR=$TOOLS/../fuzz
for t in plan journal sanitize parsers; do
    bin=$DIR/replay_$t
    if [ ! -x "$bin" ]; then
        t_skip "fuzz replay $t" "$bin not built"
        continue
    fi
    out=$("$bin" "$ROOT/tests/fuzz/corpus/$t" 2>&1)
    rc=$?
    if [ "$rc" -eq 0 ]; then
        t_ok "fuzz replay $t: ${out##*$'\n'}"
    else
        t_fail "fuzz replay $t" "exit $rc" "$(printf '%s' "$out" | tail -8)"
    fi
done

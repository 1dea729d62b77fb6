#!/usr/bin/env bash
# The plan loader through `opsdeck validate`: every error kind at its exact position,
# hostile input bounded, secrets never echoed, every example valid.
. "$(dirname "$0")/../lib.sh"
cd "$ROOT/tests/fixtures/bad" || exit 1

for f in *.yaml; do
    out=$(timeout 20 "$OPSDECK" validate "$f" 2>&1); rc=$?
    equals "validate $f exits 2" 2 "$rc"
    while IFS= read -r want; do
        [ -n "$want" ] || continue
        case $want in
        [0-9]*:[0-9]*:*) needle="$f:$want" ;;
        *) needle="$want" ;;
        esac
        contains "validate $f reports: $want" "$needle" "$out"
    done <"$f.expect"
done

out=$("$OPSDECK" validate password.yaml 2>&1)
not_contains "an inline password is never echoed" "hunter2-SECRET" "$out"
not_contains "a password in a redis URL is never echoed" "s3cr3t-SECRET" "$out"

# every error, not just the first: each line is FILE:LINE:COL: message
out=$("$OPSDECK" validate bad-values.yaml 2>&1)
n=$(printf '%s\n' "$out" | grep -c '^bad-values.yaml:[0-9]*:[0-9]*: ')
equals "bad-values.yaml reports all 8 errors as FILE:LINE:COL" 8 "$n"

expect_exit "a missing plan file is a usage error" 2 "$OPSDECK" validate /nonexistent/plan.yaml
contains "a missing plan file names the file" "/nonexistent/plan.yaml" "$OUT"
expect_exit "a directory is not a plan" 2 "$OPSDECK" validate /

cd "$ROOT" || exit 1
for f in examples/*.yaml tests/fixtures/good/*.yaml; do
    [ -e "$f" ] || continue
    expect_exit "example $f validates" 0 "$OPSDECK" validate "$f"
done

out=$("$OPSDECK" validate examples/uplink-2.0.yaml 2>&1)
phases=$(printf '%s' "$out" | sed -n 's/.* \([0-9]*\) phases, \([0-9]*\) items.*/\1/p')
items=$(printf '%s' "$out" | sed -n 's/.* \([0-9]*\) phases, \([0-9]*\) items.*/\2/p')
if [ "${phases:-0}" -ge 12 ] && [ "${items:-0}" -ge 100 ]; then
    t_ok "the Uplink example has >= 12 phases and >= 100 items ($phases, $items)"
else
    t_fail "the Uplink example has >= 12 phases and >= 100 items" "$out"
fi

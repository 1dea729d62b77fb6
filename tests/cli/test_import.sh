#!/usr/bin/env bash
# opsdeck import end to end: every runbook imported here must validate; the Uplink
# runbook against examples/uplink-2.0.yaml; -o writes atomically; exit codes; notes on
# stderr; hostile files (10 MB, 10,000-deep nesting, invalid UTF-8, no checklist).
. "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
RB=examples/uplink-2.0.md
PLAN=examples/uplink-2.0.yaml
S="$T_TMP/state.journal"

# import_validates NAME RUNBOOK: import to a file, then 'opsdeck validate' it.
import_validates() {
    local name=$1 md=$2 out="$T_TMP/$(basename "${2%.md}").yaml"
    if ! OUT=$("$OPSDECK" import "$md" -o "$out" 2>&1); then
        t_fail "$name: import" "$(printf '%s' "$OUT" | head -20)"
        return
    fi
    check "$name: the imported plan validates" "$OPSDECK" validate "$out"
}

# ---- the Uplink runbook ---------------------------------------------------------------

expect_exit "import the Uplink runbook" 0 "$OPSDECK" import "$RB" -o "$T_TMP/uplink-2.yaml"
contains "it says what it imported" "imported 25 phases, 210 items" "$OUT"
contains "notes carry FILE:LINE: could not map:" "$RB:2293: could not map: the duration of 'Phase 1: Preparation (30 minutes)'" "$OUT"
check "the imported Uplink plan validates" "$OPSDECK" validate "$T_TMP/uplink-2.yaml"

# Its items are the runbook's task-list lines outside rollback sections (a bold line that
# says "checklist" ends a rollback section, as in the importer).
tasks=$(awk '
    fence == "" && /^(```|~~~)/ { fence = substr($0, 1, 3); next }
    fence != "" { if (substr($0, 1, 3) == fence) fence = ""; next }
    /^#+ / { level = index($0, " ") - 1
             if (rb && level <= rblevel) rb = 0
             if (!rb && tolower($0) ~ /roll[ -]?back/) { rb = 1; rblevel = level }
             next }
    rb && /^\*\*[^*]*[Cc]hecklist[^*]*\*\*:?[[:space:]]*$/ { rb = 0; next }
    /^[[:space:]]*([-*+]|[0-9]+[.)])[[:space:]]+\[[ xX]\]/ { if (!rb) n++ }
    END { print n + 0 }' "$RB")
out=$("$OPSDECK" validate "$T_TMP/uplink-2.yaml" 2>&1)
items=$(printf '%s' "$out" | sed -n 's/.* phases, \([0-9]*\) items.*/\1/p')
equals "import items = task-list lines outside rollback sections ($tasks)" "$tasks" "$items"

# Phases, titles, item counts and durations agree with the example plan.  The plan adds
# phases of its own for procedures the runbook writes as commands (they are listed in
# tests/unit/test_import.c too, which also compares the item texts), and durations where
# the runbook gives none.
only='["p5.prep","p5.setup","p5.test","p5.dns","p5.monitor","d-3-2-steps"]'
summary='[.phases[] | {id, title, items: (.items | length), duration}]'
got=$("$OPSDECK" status --json --state "$S" "$T_TMP/uplink-2.yaml" | jq -c "$summary")
want=$("$OPSDECK" status --json --state "$S" "$PLAN" | jq -c --argjson only "$only" \
    "$summary | map(select(.id as \$i | \$only | index(\$i) | not))")
equals "the same phases, in the same order" \
    "$(jq -c 'map(.id)' <<<"$want")" "$(jq -c 'map(.id)' <<<"$got")"
equals "the same titles" "$(jq -c 'map(.title)' <<<"$want")" "$(jq -c 'map(.title)' <<<"$got")"
equals "the same number of items in each phase" \
    "$(jq -c 'map(.items)' <<<"$want")" "$(jq -c 'map(.items)' <<<"$got")"
equals "the durations the runbook gives are the plan's" "[]" \
    "$(jq -cn --argjson g "$got" --argjson w "$want" \
        '[range($g | length) | select(($g[.].duration // 0) > 0 and $g[.].duration != $w[.].duration) | $g[.].id]')"
expect_exit "the example plan validates" 0 "$OPSDECK" validate "$PLAN"

"$OPSDECK" import "$RB" >"$T_TMP/a.yaml" 2>/dev/null
"$OPSDECK" import "$RB" >"$T_TMP/b.yaml" 2>/dev/null
check "importing twice gives the same plan" cmp "$T_TMP/a.yaml" "$T_TMP/b.yaml"
check "stdout is the plan alone (notes go to stderr)" "$OPSDECK" validate "$T_TMP/a.yaml"
head -1 "$T_TMP/a.yaml" | grep -q "^# An opsdeck plan imported from uplink-2.0.md" &&
    t_ok "the plan starts with a comment header naming its source" ||
    t_fail "the plan starts with a comment header naming its source" "$(head -3 "$T_TMP/a.yaml")"

# ---- small runbooks, one per feature: each imports and validates --------------------

cat >"$T_TMP/nesting.md" <<'EOF'
# Weekend
## Phase 5: Migration 🔴 High Risk
Timeline: 1 day
### Two weeks before
- [ ] Provision the VM
### Migration day (2 hours)
- [ ] Stop the app
  ```sh
  systemctl stop app
  ```
- [x] Move the data
### Completion Checklist
- [ ] All services running
### Rollback
- Start the old server
## Phase 6: Monitoring
Prerequisites: Phase 5 complete
Duration: 1-2 weeks
- [ ] Alerts configured
EOF
import_validates "nesting" "$T_TMP/nesting.md"
y=$(cat "$T_TMP/nesting.yaml")
contains "nested headings are phases of their own" "id: migration-day-2-hours" "$y"
contains "a parenthesised duration" "duration: 2h" "$y"
contains "a range takes its upper bound" "duration: 2w" "$y"
contains "risk is inherited" "risk: high" "$y"
contains "code under an item is its details" "systemctl stop app" "$y"
contains "rollback steps" "rb-start-the-old-server" "$y"
not_contains "ticks are not imported" "[x]" "$y"

printf '## Deploy\n- [ ] Step\n' >"$T_TMP/one.md"
import_validates "a one-item runbook" "$T_TMP/one.md"
printf '\xef\xbb\xbf## BOM and CRLF\r\n\r\n- [ ] Works\r\n- [ ]  \r\n' >"$T_TMP/crlf.md"
import_validates "a runbook with a BOM and CRLF lines" "$T_TMP/crlf.md"
printf '## T\n- [ ] null\n- [ ] yes\n- [ ] 1.5\n- [ ] key: value # x\n- [ ] "quoted" \\ back\n' >"$T_TMP/tricky.md"
import_validates "item texts YAML would misread" "$T_TMP/tricky.md"

# ---- -o writes atomically ------------------------------------------------------------

out="$T_TMP/dir/plan.yaml"
mkdir -p "$T_TMP/dir"
echo "old plan" >"$out"
chmod 640 "$out"
before=$(stat -c %i "$out")
expect_exit "-o over an existing plan" 0 "$OPSDECK" import "$T_TMP/one.md" -o "$out"
after=$(stat -c %i "$out")
[ "$before" != "$after" ] && t_ok "-o renames a new file into place" ||
    t_fail "-o renames a new file into place" "inode $before unchanged"
equals "-o keeps the plan's mode" 640 "$(stat -c %a "$out")"
equals "-o leaves no temporary file" "plan.yaml" "$(ls -A "$T_TMP/dir")"
cp "$out" "$T_TMP/kept.yaml"
printf '# nothing to do\n' >"$T_TMP/none.md"
expect_exit "a failed import writes nothing" 2 "$OPSDECK" import "$T_TMP/none.md" -o "$out"
check "... and leaves the old plan as it was" cmp "$out" "$T_TMP/kept.yaml"
expect_exit "-o into a missing directory fails" 1 "$OPSDECK" import "$T_TMP/one.md" -o "$T_TMP/nodir/p.yaml"
contains "it names the file" "cannot write plan '$T_TMP/nodir/p.yaml'" "$OUT"
if [ "$(id -u)" -ne 0 ]; then
    mkdir -p "$T_TMP/ro" && chmod 555 "$T_TMP/ro"
    expect_exit "-o into a read-only directory fails" 1 "$OPSDECK" import "$T_TMP/one.md" -o "$T_TMP/ro/p.yaml"
    equals "... and leaves nothing behind" "" "$(ls -A "$T_TMP/ro")"
else
    t_skip "-o into a read-only directory fails" "running as root"
fi
expect_exit "-o where no file can be made fails" 1 "$OPSDECK" import "$T_TMP/one.md" -o /proc/opsdeck-test-plan.yaml
expect_exit "--readonly refuses -o" 2 "$OPSDECK" import --readonly "$T_TMP/one.md" -o "$T_TMP/ro.yaml"
[ ! -e "$T_TMP/ro.yaml" ] && t_ok "--readonly writes nothing" || t_fail "--readonly writes nothing"
expect_exit "-o - writes to stdout" 0 "$OPSDECK" import "$T_TMP/one.md" -o -
contains "... the plan" "deploy.step" "$OUT"

# ---- exit codes and messages --------------------------------------------------------

expect_exit "no checklist: exit 2" 2 "$OPSDECK" import "$T_TMP/none.md"
contains "no checklist: a clear message" "has no checklist to import" "$OUT"
contains "no checklist: what to write" "- [ ] Back up the database" "$OUT"
printf '## Rollback\n- [ ] Undo\n' >"$T_TMP/rbonly.md"
expect_exit "only rollback tasks: exit 2" 2 "$OPSDECK" import "$T_TMP/rbonly.md"
contains "... saying so" "all in rollback sections" "$OUT"
printf '## A\n- [ ] caf\xc3\x28\n' >"$T_TMP/bad.md"
expect_exit "invalid UTF-8: exit 2" 2 "$OPSDECK" import "$T_TMP/bad.md"
contains "invalid UTF-8: FILE:LINE:COL" "$T_TMP/bad.md:2:10: invalid UTF-8" "$OUT"
printf '## A\n- [ ] a\0b\n' >"$T_TMP/nul.md"
expect_exit "a NUL byte: exit 2" 2 "$OPSDECK" import "$T_TMP/nul.md"
expect_exit "a missing runbook: exit 2" 2 "$OPSDECK" import "$T_TMP/missing.md"
contains "... named" "cannot read runbook '$T_TMP/missing.md'" "$OUT"
expect_exit "a directory: exit 2" 2 "$OPSDECK" import "$T_TMP"
if [ "$(id -u)" -ne 0 ]; then
    cp "$T_TMP/one.md" "$T_TMP/secret.md" && chmod 000 "$T_TMP/secret.md"
    expect_exit "an unreadable runbook: exit 2" 2 "$OPSDECK" import "$T_TMP/secret.md"
else
    t_skip "an unreadable runbook: exit 2" "running as root"
fi
expect_exit "no runbook: a usage error" 2 "$OPSDECK" import
expect_exit "two runbooks: a usage error" 2 "$OPSDECK" import "$RB" "$RB"
expect_exit "import --help" 0 "$OPSDECK" import --help
contains "import --help shows the usage" "import RUNBOOK.md [-o PLAN]" "$OUT"

# ---- hostile files ------------------------------------------------------------------

awk 'BEGIN { print "# Big runbook"
    for (p = 1; size < 10485760; p++) {
        s = sprintf("\n## Phase %d: Step %d (2 hours)\n\nRisk: medium\n\n", p, p); size += length(s); printf "%s", s
        for (i = 0; i < 40; i++) { s = sprintf("- [ ] Check step %d of phase %d with `cmd --flag`\n", i, p); size += length(s); printf "%s", s }
        s = "\n```sh\necho done\n```\n\n### Rollback\n\n- Undo it\n"; size += length(s); printf "%s", s } }' >"$T_TMP/big.md"
expect_exit "a 10 MB runbook imports" 0 timeout 60 "$OPSDECK" import "$T_TMP/big.md" -o "$T_TMP/big.yaml"
check "... and validates" "$OPSDECK" validate "$T_TMP/big.yaml"

{ printf '# Deep\n\n'; for _ in $(seq 10000); do printf -- '- '; done; printf '[ ] deep\n\n## Real\n- [ ] real\n'; } >"$T_TMP/deeplist.md"
expect_exit "10,000-deep lists import what is not too deep" 0 timeout 60 "$OPSDECK" import "$T_TMP/deeplist.md" -o "$T_TMP/deeplist.yaml"
contains "... with a note" "deeplist.md:3: could not map: nesting deeper than 64 levels" "$OUT"
check "... and validates" "$OPSDECK" validate "$T_TMP/deeplist.yaml"
{ printf '# Deep\n\n'; for _ in $(seq 10000); do printf '>'; done; printf ' - [ ] deep\n'; } >"$T_TMP/deepquote.md"
expect_exit "10,000-deep quotes: no checklist left, exit 2" 2 timeout 60 "$OPSDECK" import "$T_TMP/deepquote.md"
contains "... saying why" "nested deeper than 64 levels" "$OUT"
{ printf '## Deep\n'; for i in $(seq 0 999); do printf '%*s- [ ] level %d\n' $((2 * i)) '' "$i"; done; } >"$T_TMP/indent.md"
import_validates "1,000 levels of indented task lists" "$T_TMP/indent.md"
name="$T_TMP/$(printf 'evil\033]0;x\007name').md"
printf '## A\n- [ ] a\n' >"$name"
"$OPSDECK" import "$name" >"$T_TMP/evil.yaml" 2>"$T_TMP/evil.err"
if grep -q "$(printf '\033')" "$T_TMP/evil.yaml" "$T_TMP/evil.err"; then
    t_fail "a hostile file name reaches neither the plan nor the terminal raw"
else
    t_ok "a hostile file name reaches neither the plan nor the terminal raw"
fi
check "... and the plan validates" "$OPSDECK" validate "$T_TMP/evil.yaml"

#!/usr/bin/env bash
# The journal with several writer processes at once, a torn tail and a damaged record.
# Uses build/tools/jwriter (appends ticks one at a time, prints each acknowledged seq)
# and build/tools/jdump (prints every valid record, warnings on stderr).
. "$(dirname "$0")/../lib.sh"

JW=$TOOLS/jwriter
JD=$TOOLS/jdump
if [ ! -x "$JW" ] || [ ! -x "$JD" ]; then
    t_skip "journal concurrency" "build/tools/jwriter and jdump not built (make build/tools/jwriter build/tools/jdump)"
    exit 0
fi
if ! command -v jq >/dev/null 2>&1; then
    t_skip "journal concurrency" "jq not installed"
    exit 0
fi

# ---- two writers × 500 ticks on one journal ----
J=$T_TMP/shared/ops.journal
"$JW" "$J" 500 alice >"$T_TMP/alice.out" 2>"$T_TMP/alice.err" &
pa=$!
"$JW" "$J" 500 bob >"$T_TMP/bob.out" 2>"$T_TMP/bob.err" &
pb=$!
wait "$pa"
ra=$?
wait "$pb"
rb=$?
equals "both writers succeed" "0 0" "$ra $rb"
equals "writers report no warnings" "" "$(cat "$T_TMP/alice.err" "$T_TMP/bob.err")"
equals "alice acknowledged 500 ticks" 500 "$(wc -l <"$T_TMP/alice.out" | tr -d ' ')"
equals "bob acknowledged 500 ticks" 500 "$(wc -l <"$T_TMP/bob.out" | tr -d ' ')"
equals "acknowledged seqs are 1..1000, each once" "$(seq 1 1000)" \
    "$(sort -n "$T_TMP/alice.out" "$T_TMP/bob.out")"

equals "the file holds 1000 lines" 1000 "$(wc -l <"$J" | tr -d ' ')"
if jq -e . "$J" >/dev/null 2>"$T_TMP/jq.err"; then
    t_ok "every line is a whole JSON object (no interleaving)"
else
    t_fail "every line is a whole JSON object (no interleaving)" "$(head -3 "$T_TMP/jq.err")"
fi
"$JD" "$J" >"$T_TMP/dump" 2>"$T_TMP/dump.err"
equals "reader exits 0" 0 "$?"
equals "reader finds no damaged record" "" "$(cat "$T_TMP/dump.err")"
equals "1000 valid records" 1000 "$(wc -l <"$T_TMP/dump" | tr -d ' ')"
equals "records as written, byte for byte" "$(cat "$J")" "$(cat "$T_TMP/dump")"
equals "seq is 1..1000 in file order" "$(seq 1 1000)" "$(jq -r .seq "$T_TMP/dump")"
equals "alice's 500 ticks, in her order" "$(seq -f 'i%g' 1 500)" \
    "$(jq -r 'select(.by == "alice" and .type == "tick") | .item' "$T_TMP/dump")"
equals "bob's 500 ticks, in his order" "$(seq -f 'i%g' 1 500)" \
    "$(jq -r 'select(.by == "bob" and .type == "tick") | .item' "$T_TMP/dump")"
equals "1000 distinct ids" 1000 "$(jq -r .id "$T_TMP/dump" | sort -u | grep -cE '^[0-9a-f]{32}$')"
equals "each writer's acknowledged seqs are its records" "$(sort -n "$T_TMP/alice.out")" \
    "$(jq -r 'select(.by == "alice") | .seq' "$T_TMP/dump" | sort -n)"
mode=$(stat -c %a "$J")
dmode=$(stat -c %a "$(dirname "$J")")
equals "journal mode 0600, directory 0700" "600 700" "$mode $dmode"

# ---- a torn tail: a writer died 40 bytes into a record ----
J2=$T_TMP/torn/ops.journal
"$JW" "$J2" 5 alice >/dev/null 2>&1
size=$(stat -c %s "$J2")
head -n 1 "$J2" | head -c 40 >"$T_TMP/partial"
cat "$T_TMP/partial" >>"$J2"
"$JD" "$J2" >"$T_TMP/dump2" 2>"$T_TMP/dump2.err"
equals "a reader takes the 5 whole records" 5 "$(wc -l <"$T_TMP/dump2" | tr -d ' ')"
equals "a reader leaves the partial record alone, silently" "" "$(cat "$T_TMP/dump2.err")"

"$JW" "$J2" 3 bob >"$T_TMP/bob2.out" 2>"$T_TMP/bob2.err"
equals "the next writer succeeds" 0 "$?"
equals "it acknowledges seq 6..8" "$(seq 6 8)" "$(cat "$T_TMP/bob2.out")"
contains "it reports the torn record" \
    "torn record of 40 bytes at offset $size set aside in $J2.torn" "$(cat "$T_TMP/bob2.err")"
if cmp -s "$T_TMP/partial" "$J2.torn"; then
    t_ok "the .torn file holds the partial bytes"
else
    t_fail "the .torn file holds the partial bytes" "$(od -c "$J2.torn" | head -5)"
fi
"$JD" "$J2" >"$T_TMP/dump3" 2>"$T_TMP/dump3.err"
equals "every record, before and after, is read back" "$(seq 1 8)" "$(jq -r .seq "$T_TMP/dump3")"
equals "no damage left" "" "$(cat "$T_TMP/dump3.err")"
equals "the journal ends with a newline" 1 "$(tail -c 1 "$J2" | wc -l | tr -d ' ')"
equals "old records untouched" "$(head -n 5 "$T_TMP/dump2")" "$(head -n 5 "$J2")"

# ---- a damaged record in the middle hides nothing after it ----
J3=$T_TMP/damaged.journal
cp "$J" "$J3"
sed -i '500s/"item":"i/"item":"j/' "$J3"
"$JD" "$J3" >"$T_TMP/dump4" 2>"$T_TMP/dump4.err"
equals "999 valid records" 999 "$(wc -l <"$T_TMP/dump4" | tr -d ' ')"
contains "the damaged line is named" "line 500: damaged record skipped (checksum mismatch)" \
    "$(cat "$T_TMP/dump4.err")"
equals "records after it are read" 1000 "$(jq -r .seq "$T_TMP/dump4" | tail -n 1)"

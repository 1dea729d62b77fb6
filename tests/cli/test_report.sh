#!/usr/bin/env bash
# opsdeck report in its three formats: Markdown, HTML (self-contained, well-formed,
# with the SVG timeline) and JSON; every item in each; hostile text escaped in each;
# -o writes atomically.
. "$(dirname "$0")/../lib.sh"
PLAN="$ROOT/tests/fixtures/good/small.yaml"
J="$T_TMP/small.journal"
JAPPEND="$TOOLS/jappend"
export OPSDECK_NOW=2026-11-28T22:30:00Z
ITEMS="prep.backup prep.notify prep.coffee switch.dns docs.page done.close"

# A weekend under way: ticks with notes, an override, a rollback step, a hostile note,
# and actions (a backup with its file and sha256, a failed restart, one still running).
evil=$(printf 'x\033]0;pwned\007\033[2J\302\233y\342\200\256z<script>alert(1)</script>&"q"'"'")
"$OPSDECK" tick "$PLAN" prep.backup --state "$J" --as alice --note "dump in /backups" >/dev/null
"$OPSDECK" tick "$PLAN" switch.dns --state "$J" --as bob --override "change window moved" >/dev/null
"$OPSDECK" tick "$PLAN" prep.notify --state "$J" --as carol >/dev/null
"$OPSDECK" tick "$PLAN" docs.page --state "$J" --as "$evil" --note "$evil" >/dev/null
"$OPSDECK" tick "$PLAN" prep.rb --state "$J" --as dora >/dev/null
SHA=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
check "actions are journaled (test tool)" "$JAPPEND" "$J" \
    '{"type":"action-start","action":"backup","by":"alice","at":"2026-11-28T22:10:00Z"}' \
    '{"type":"action-end","action":"backup","by":"alice","at":"2026-11-28T22:12:00Z","result":"done","exit":0,"path":"/opt/uplink/backups/uplink.sql.gz","bytes":734003200,"sha256":"'$SHA'"}' \
    '{"type":"action-start","action":"restart","by":"bob","at":"2026-11-28T22:20:00Z"}' \
    '{"type":"action-end","action":"restart","by":"bob","at":"2026-11-28T22:21:00Z","result":"failed","exit":3}' \
    "$(jq -cn --arg r "$evil" '{type:"action-start",action:"smoke",by:"bob",at:"2026-11-28T22:25:00Z",reason:$r}')"

# raw_hostile FILE: the bytes that must never come out raw (ESC, C1 CSI, bidi, BEL).
raw_hostile() {
    LC_ALL=C grep -q $'\033\|\xc2\x9b\|\xe2\x80\xae\|\a' "$1"
}

# --- Markdown -----------------------------------------------------------------------
expect_exit "report --format md" 0 "$OPSDECK" report --format md --state "$J" "$PLAN"
printf '%s\n' "$OUT" >"$T_TMP/r.md"
for id in $ITEMS prep.rb; do
    contains "md lists $id" "\`$id\`" "$OUT"
done
contains "md lists the backup's file and sha256" "uplink.sql.gz sha256 $SHA" "$OUT"
contains "md escapes <script>" '\<script\>' "$OUT"
if raw_hostile "$T_TMP/r.md"; then t_fail "md shows hostile bytes escaped"; else t_ok "md shows hostile bytes escaped"; fi
expect_exit "report without --format is Markdown" 0 "$OPSDECK" report --state "$J" "$PLAN"
equals "the default format is md" "$(cat "$T_TMP/r.md")" "$OUT"

# --- HTML ---------------------------------------------------------------------------
H="$T_TMP/r.html"
expect_exit "report --format html -o FILE" 0 "$OPSDECK" report --format html --state "$J" -o "$H" "$PLAN"
equals "-o prints nothing on stdout" "" "$OUT"
# libxml2's HTML parser predates HTML5: it calls every SVG element an invalid tag.
# Those aside it must report nothing; the strict XML parser must accept the page whole.
html_errors=$(xmllint --html --noout "$H" 2>&1 | grep 'error' |
    grep -v 'HTML parser error : Tag \(svg\|g\|rect\|line\|text\) invalid')
equals "html: xmllint --html reports no errors (SVG tags aside)" "" "$html_errors"
check "html: well-formed as XML (xmllint --noout)" xmllint --noout "$H"
html=$(cat "$H")
for id in $ITEMS; do
    contains "html lists $id" "<code>$id</code>" "$html"
done
contains "html has the inline SVG timeline" '<svg xmlns="http://www.w3.org/2000/svg"' "$html"
equals "html: a planned bar per phase" 4 "$(grep -o '<rect class="planned' "$H" | wc -l)"
equals "html: an actual bar per started phase" 3 "$(grep -o '<rect class="\(done\|late\|running\)"' "$H" | wc -l)"
contains "html: a now line while the window runs" '<line class="now"' "$html"
contains "html: printable" '@media print' "$html"
contains "html: who ticked what and when" '<td>alice</td><td>2026-11-28 22:30</td>' "$html"
contains "html: the override with its reason" 'change window moved' "$html"
contains "html: the backup's file" '/opt/uplink/backups/uplink.sql.gz' "$html"
contains "html: the backup's sha256" "$SHA" "$html"
contains "html: the backup's size" '734003200 bytes' "$html"
contains "html: the failed action with its exit" 'failed (exit 3)' "$html"
contains "html: the running action" 'no end recorded' "$html"
contains "html: <script> escaped" '&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;q&quot;&#39;' "$html"
not_contains "html: no raw <script>" '<script' "$html"
not_contains "html: no external assets (src=)" 'src=' "$html"
not_contains "html: no external assets (url())" 'url(' "$html"
not_contains "html: no external assets (@import)" '@import' "$html"
not_contains "html: no links out" 'href="http' "$html"
if raw_hostile "$H"; then t_fail "html shows hostile bytes escaped"; else t_ok "html shows hostile bytes escaped"; fi

# --- JSON ---------------------------------------------------------------------------
expect_exit "report --format json" 0 "$OPSDECK" report --format json --state "$J" "$PLAN"
printf '%s\n' "$OUT" >"$T_TMP/r.json"
check "json parses" jq -e . "$T_TMP/r.json"
equals "json: one object" 1 "$(jq -s length "$T_TMP/r.json")"
equals "json: top-level keys" '["actions","generated","id","overrides","phases","plan","window"]' \
    "$(jq -c '[keys[] | select(IN("plan","id","generated","window","phases","overrides","actions"))]' "$T_TMP/r.json")"
equals "json: every item" "$(printf '%s\n' $ITEMS | sort | tr '\n' ' ')" \
    "$(jq -r '.phases[].items[].id' "$T_TMP/r.json" | sort | tr '\n' ' ')"
equals "json: item by/at/note" '{"id":"prep.backup","by":"alice","at":"2026-11-28T22:30:00Z","note":"dump in /backups"}' \
    "$(jq -c '.phases[0].items[0] | {id,by,at,note}' "$T_TMP/r.json")"
equals "json: phase times and status" '{"status":"complete","planned_start":"2026-11-28T22:00:00Z","planned_end":"2026-11-28T23:00:00Z","started":"2026-11-28T22:30:00Z"}' \
    "$(jq -c '.phases[0] | {status,planned_start,planned_end,started}' "$T_TMP/r.json")"
equals "json: window" '{"start":"2026-11-28T22:00:00Z","planned_end":"2026-11-29T01:15:00Z","running":true}' \
    "$(jq -c '.window | {start,planned_end,running}' "$T_TMP/r.json")"
equals "json: the override" '[{"kind":"phase","phase":"switch","by":"bob","reason":"change window moved"}]' \
    "$(jq -c '[.overrides[] | {kind,phase,by,reason}]' "$T_TMP/r.json")"
equals "json: actions paired into runs" '[["backup","done",0],["restart","failed",3],["smoke","running",null]]' \
    "$(jq -c '[.actions[] | [.action,.result,.exit]]' "$T_TMP/r.json")"
equals "json: the backup's file, size and sha256" '["/opt/uplink/backups/uplink.sql.gz",734003200,"'$SHA'"]' \
    "$(jq -c '.actions[0] | [.path,.bytes,.sha256]' "$T_TMP/r.json")"
not_contains "json: no raw <script>" '<script' "$OUT"
contains "json: the hostile note is kept, escaped" 'x\e]0;pwned\x07' "$(jq -r '.phases[2].items[0].note' "$T_TMP/r.json")"
if raw_hostile "$T_TMP/r.json"; then t_fail "json shows hostile bytes escaped"; else t_ok "json shows hostile bytes escaped"; fi

# --- an empty journal ---------------------------------------------------------------
for fmt in md html json; do
    expect_exit "report --format $fmt on an empty journal" 0 "$OPSDECK" report --format "$fmt" --state "$T_TMP/none.journal" "$PLAN"
done
contains "an empty report says None." "None." "$OUT$("$OPSDECK" report --format html --state "$T_TMP/none.journal" "$PLAN")"

# --- -o is atomic -------------------------------------------------------------------
mkdir -p "$T_TMP/out"
O="$T_TMP/out/report.html"
echo "old report" >"$O"
inode=$(stat -c %i "$O")
expect_exit "-o replaces a report" 0 "$OPSDECK" report --format html --state "$J" -o "$O" "$PLAN"
[ "$(stat -c %i "$O")" != "$inode" ] && t_ok "-o renames a new file over the old one" || t_fail "-o renames a new file over the old one" "same inode: written in place"
equals "-o leaves no temporary file" "report.html" "$(ls -A "$T_TMP/out")"
cmp -s "$O" "$H" && t_ok "-o writes the whole report" || t_fail "-o writes the whole report"
equals "-o: the new file gets the usual mode" "$(umask 022; touch "$T_TMP/m"; stat -c %a "$T_TMP/m")" "$(umask 022; "$OPSDECK" report --state "$J" -o "$T_TMP/out/m.md" "$PLAN"; stat -c %a "$T_TMP/out/m.md")"
rm -f "$T_TMP/out/m.md"
before=$(sha256sum "$O")
mkdir "$T_TMP/out/dir.html"
expect_exit "-o onto a directory fails" 1 "$OPSDECK" report --format html --state "$J" -o "$T_TMP/out/dir.html" "$PLAN"
contains "the failure names the file" "dir.html" "$OUT"
equals "a failed -o leaves no temporary file" "dir.html report.html" "$(ls -A "$T_TMP/out" | tr '\n' ' ' | sed 's/ $//')"
expect_exit "-o into a missing directory fails" 1 "$OPSDECK" report --state "$J" -o "$T_TMP/nope/r.md" "$PLAN"
expect_exit "a plan error writes nothing" 2 "$OPSDECK" report --format html --state "$J" -o "$O" "$ROOT/tests/fixtures/bad/bad-risk.yaml"
equals "the old report is untouched" "$before" "$(sha256sum "$O")"

# --- usage --------------------------------------------------------------------------
expect_exit "an unknown format is a usage error" 2 "$OPSDECK" report --format pdf --state "$J" "$PLAN"
contains "it names the formats" "md, html or json" "$OUT"
expect_exit "report --help names the formats" 0 "$OPSDECK" report --help
contains "report --help shows md|html|json" "md|html|json" "$OUT"

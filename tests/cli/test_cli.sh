#!/usr/bin/env bash
# Every command end to end on real files: validate, status (text and JSON), tick,
# untick, gates and overrides, history (text and JSON), report, read-only, help.
. "$(dirname "$0")/../lib.sh"
PLAN="$ROOT/tests/fixtures/good/small.yaml"
J="$T_TMP/small.journal"
export OPSDECK_NOW=2026-11-28T22:30:00Z

expect_exit "--version exits 0" 0 "$OPSDECK" --version
contains "--version names the linked libraries" "libyaml" "$OUT"
expect_exit "--help exits 0" 0 "$OPSDECK" --help
contains "--help lists tick" "tick PLAN ITEM" "$OUT"
expect_exit "tick --help exits 0" 0 "$OPSDECK" tick --help
expect_exit "no arguments is a usage error" 2 "$OPSDECK"
expect_exit "an unknown option is a usage error" 2 "$OPSDECK" status --bogus "$PLAN"
expect_exit "an option of another command is refused" 2 "$OPSDECK" history --note x "$PLAN"
expect_exit "tail of a log the plan does not have is a usage error" 2 "$OPSDECK" tail "$PLAN" web
expect_exit "run of an action the plan lacks is a usage error" 2 "$OPSDECK" run "$PLAN" backup
expect_exit "the panel without a terminal says it needs one" 2 "$OPSDECK" --state "$T_TMP/x.journal" "$PLAN" </dev/null
contains "the panel points to opsdeck status for scripts" "needs a terminal" "$OUT"

expect_exit "status on an empty journal" 0 "$OPSDECK" status --state "$J" "$PLAN"
contains "status shows progress 0/6" "0/6 items" "$OUT"
[ ! -e "$J" ] && t_ok "status does not create the journal" || t_fail "status does not create the journal"

expect_exit "tick an item" 0 "$OPSDECK" tick "$PLAN" prep.backup --state "$J" --as alice --note "dump in /backups"
contains "tick prints who ticked" "ticked prep.backup by alice" "$OUT"
contains "tick prints the seq" "(seq 1)" "$OUT"
mode=$(stat -c %a "$J")
equals "the journal is created 0600" 600 "$mode"

expect_exit "a gated item is refused" 1 "$OPSDECK" tick "$PLAN" switch.dns --state "$J" --as bob
contains "the refusal names the missing phase" "depends on prep" "$OUT"
contains "the refusal says how to override" "--override" "$OUT"
n=$(wc -l <"$J")
equals "a refused tick writes nothing" 1 "$n"

expect_exit "tick with --override" 0 "$OPSDECK" tick "$PLAN" switch.dns --state "$J" --as bob --override "change window moved"
contains "the override is journaled" "override of phase switch journaled" "$OUT"
expect_exit "an unknown item is a usage error" 2 "$OPSDECK" tick "$PLAN" nope --state "$J"
expect_exit "a phase id given as an item is explained" 2 "$OPSDECK" tick "$PLAN" prep --state "$J"
contains "the explanation lists the phase's items" "prep.backup" "$OUT"

"$OPSDECK" tick "$PLAN" prep.notify --state "$J" --as carol >/dev/null 2>&1
expect_exit "ticking a done item again records nothing" 0 "$OPSDECK" tick "$PLAN" prep.notify --state "$J"
contains "it says it is already ticked" "already ticked" "$OUT"
expect_exit "untick" 0 "$OPSDECK" untick "$PLAN" prep.notify --state "$J" --as carol
contains "untick prints it" "unticked prep.notify by carol" "$OUT"
"$OPSDECK" tick "$PLAN" prep.notify --state "$J" --as carol >/dev/null 2>&1

json=$("$OPSDECK" status --json --state "$J" "$PLAN")
equals "status --json: progress" '{"done":3,"total":6}' "$(jq -c .progress <<<"$json")"
equals "status --json: plan title" '"Small weekend"' "$(jq -c .plan <<<"$json")"
equals "status --json: id" '"small"' "$(jq -c .id <<<"$json")"
equals "status --json: prep complete" '"complete"' "$(jq -c '.phases[0].status' <<<"$json")"
equals "status --json: switch complete (overridden)" '"complete"' "$(jq -c '.phases[1].status' <<<"$json")"
equals "status --json: docs pending" '"pending"' "$(jq -c '.phases[2].status' <<<"$json")"
equals "status --json: done blocked" '"blocked"' "$(jq -c '.phases[3].status' <<<"$json")"
equals "status --json: item by/at/note" '{"id":"prep.backup","done":true,"by":"alice","at":"2026-11-28T22:30:00Z","note":"dump in /backups"}' \
    "$(jq -c '.phases[0].items[0] | {id,done,by,at,note}' <<<"$json")"
equals "status --json: critical path" '["prep","switch","done"]' "$(jq -c .timeline.critical_path <<<"$json")"
equals "status --json: planned end" '"2026-11-29T01:15:00Z"' "$(jq -c .timeline.planned_end <<<"$json")"
equals "status --json: services and checks arrays" 'true' "$(jq -c '(.services|type)=="array" and (.checks|type)=="array"' <<<"$json")"

hist=$("$OPSDECK" history --json --state "$J" "$PLAN")
equals "history --json: one object per event" 6 "$(printf '%s\n' "$hist" | wc -l)"
equals "history --json: types in order" '["tick","phase-override","tick","tick","untick","tick"]' "$(jq -sc 'map(.type)' <<<"$hist")"
equals "history --json: seq 1..6" '[1,2,3,4,5,6]' "$(jq -sc 'map(.seq)' <<<"$hist")"
equals "history --json: required fields" 'true' "$(jq -sc 'all(has("seq") and has("at") and has("by") and has("host") and has("type"))' <<<"$hist")"
equals "history --json: override reason" '"change window moved"' "$(jq -sc '.[1].reason' <<<"$hist")"
expect_exit "history (text)" 0 "$OPSDECK" history --state "$J" "$PLAN"
contains "history text shows the override" "phase-override" "$OUT"

expect_exit "report" 0 "$OPSDECK" report --state "$J" "$PLAN"
contains "report has a title" "# Post-migration report: Small weekend" "$OUT"
contains "report lists ticked items with who" "Database backed up — ticked by alice" "$OUT"
contains "report lists the override with its reason" "change window moved" "$OUT"
contains "report has the planned vs actual table" "| Phase | Title |" "$OUT"
for id in prep.backup prep.notify prep.coffee switch.dns docs.page done.close; do
    contains "report lists $id" "\`$id\`" "$OUT"
done
expect_exit "report to a file" 0 "$OPSDECK" report --state "$J" -o "$T_TMP/r.md" "$PLAN"
check "the report file is written" test -s "$T_TMP/r.md"

before=$(sha256sum "$J")
expect_exit "--readonly refuses a tick" 1 "$OPSDECK" tick --readonly "$PLAN" docs.page --state "$J"
equals "--readonly leaves the journal byte-identical" "$before" "$(sha256sum "$J")"

# default journal path under $XDG_STATE_HOME/opsdeck/, directory 0700
expect_exit "tick with the default journal path" 0 "$OPSDECK" tick "$PLAN" prep.backup --as dora
check "the default journal is under XDG_STATE_HOME" test -f "$XDG_STATE_HOME/opsdeck/small.journal"
equals "the state directory is 0700" 700 "$(stat -c %a "$XDG_STATE_HOME/opsdeck")"

# hostile text in notes is stored faithfully and shown escaped
evil=$(printf 'x\033]0;pwned\007\033[2J\302\233y\342\200\256z')
"$OPSDECK" tick "$PLAN" docs.page --state "$J" --as eve --note "$evil" >/dev/null 2>&1
for cmd in "history" "history --json" "status --json" "report"; do
    out=$($OPSDECK $cmd --state "$J" "$PLAN" 2>&1)
    if printf '%s' "$out" | LC_ALL=C grep -q $'\033\|\xc2\x9b\|\xe2\x80\xae'; then
        t_fail "$cmd shows escape sequences escaped" "$(printf '%s' "$out" | grep -a pwned | od -c | head -5)"
    else
        t_ok "$cmd shows escape sequences escaped"
    fi
done
expect_exit "a note that is not UTF-8 is refused" 2 "$OPSDECK" tick "$PLAN" done.close --state "$J" --override x --note $'\xff\xfe'

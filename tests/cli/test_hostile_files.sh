#!/usr/bin/env bash
# Files and secrets: journals, their directories and PATH.torn are private whatever
# the umask; every command writes nothing outside the state directory (and the file
# given with -o); passwords named by a plan (password_env, and inline ones the loader
# refuses) never reach stdout, stderr, the journal or a report.
. "$(dirname "$0")/../lib.sh"
export OPSDECK_NOW=2026-11-28T22:30:00Z
PLAN="$ROOT/tests/fixtures/good/small.yaml"

# ---- modes, with a umask that would make everything world-writable ----
(
    umask 000
    J=$T_TMP/modes/deep/er/small.journal
    "$OPSDECK" tick "$PLAN" prep.backup --state "$J" --as alice >/dev/null 2>&1
    equals "umask 000: the journal is created 0600" 600 "$(stat -c %a "$J")"
    equals "umask 000: its new directories are 0700" "700 700 700" \
        "$(stat -c %a "$T_TMP/modes" "$T_TMP/modes/deep" "$T_TMP/modes/deep/er" | tr '\n' ' ' | sed 's/ $//')"
    # a writer died in the middle of a record: the next one sets it aside in .torn
    printf '{"crc":"0000' >>"$J"
    "$OPSDECK" tick "$PLAN" prep.notify --state "$J" --as bob >/dev/null 2>"$T_TMP/torn.err"
    contains "the torn record is reported" "set aside in" "$(cat "$T_TMP/torn.err")"
    equals "umask 000: JOURNAL.torn is created 0600" 600 "$(stat -c %a "$J.torn" 2>&1)"
    equals "umask 000: the journal is still 0600" 600 "$(stat -c %a "$J")"
)

# ---- nothing written outside the state directory ----
SB=$T_TMP/sandbox
mkdir -p "$SB/home" "$SB/state" "$SB/tmp" "$SB/cwd" "$SB/plans" "$SB/out"
cp "$PLAN" "$SB/plans/small.yaml"
cp "$ROOT/examples/uplink-2.0.yaml" "$SB/plans/uplink.yaml"
# one line per entry: path, TAB, type, mode, size and (files) content hash
listing() {
    (cd "$SB" && find . -printf '%p\t%y %m %s\n' | sort &&
        find . -type f -printf '%p\t' -exec sh -c 'sha256sum <"$1"' _ {} \; | sort)
}
before=$(listing)
(
    cd "$SB/cwd" || exit 1
    export HOME=$SB/home XDG_STATE_HOME=$SB/state TMPDIR=$SB/tmp
    P=$SB/plans/small.yaml
    for args in "validate $P" "status $P" "status --json $P" "tick $P prep.backup --as a --note n" \
        "untick $P prep.backup --as a" "tick $P switch.dns --as b --override why" \
        "history $P" "history --json $P" "report $P" "report --format html $P" \
        "report --format json $P" "tick --readonly $P docs.page" "status --readonly $P" \
        "validate $SB/plans/uplink.yaml" "status $SB/plans/uplink.yaml" \
        "tick $SB/plans/uplink.yaml p1.pyproject --as c" "report -o $SB/out/r.md $P"; do
        # shellcheck disable=SC2086
        "$OPSDECK" $args >/dev/null 2>&1
    done
)
after=$(listing)
changed=$(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sed -n 's/^[<>] //p' |
    cut -f1 | sort -u)
outside=$(printf '%s\n' "$changed" | grep -v '^\./state/opsdeck\(/\|$\)' | grep -v '^\./state$' |
    grep -v '^\./out/r\.md$' | grep -v '^\./out$' | grep -v '^$')
equals "commands write only under XDG_STATE_HOME/opsdeck and the -o file" "" "$outside"
contains "the journals are under the state directory" "./state/opsdeck/small.journal" "$changed"
equals "nothing in TMPDIR, HOME or the working directory" "" \
    "$(find "$SB/tmp" "$SB/home" "$SB/cwd" -mindepth 1 | head -5)"
equals "no temporary file is left beside the report" "r.md" "$(ls -A "$SB/out")"

# ---- secrets ----
SECRET_DB=db-S3cr3t-$RANDOM-PASSWORD
SECRET_REDIS=redis-S3cr3t-$RANDOM-PASSWORD
export UPLINK_DB_PASSWORD=$SECRET_DB QUEUE_PASSWORD=$SECRET_REDIS
SP=$T_TMP/secrets.yaml
cat >"$SP" <<'EOF'
plan: Secrets by name
id: secrets
databases:
  - { id: uplink, host: 127.0.0.1, port: 3306, user: uplink, database: uplink, password_env: UPLINK_DB_PASSWORD }
redis:
  - { id: queue, url: "redis://127.0.0.1:6379/0", password_env: QUEUE_PASSWORD }
checks:
  - { id: products, kind: sql, database: uplink, query: "SELECT 1", expect: "> 0" }
  - { id: huey, kind: redis, redis: queue, command: "LLEN q", warn: "> 1000" }
actions:
  - { id: backup, title: Back up database, db.backup: uplink }
phases:
  - id: p1
    title: One
    items:
      - { id: p1.a, text: Back up, action: backup }
      - { id: p1.b, text: Check, check: products }
EOF
SJ=$T_TMP/secrets.journal
all=""
for args in "validate $SP" "status $SP" "status --json $SP" "tick $SP p1.a --as s --note n" \
    "tick $SP p1.b --as s --override no-db" "history $SP" "history --json $SP" "report $SP" \
    "report --format html $SP" "report --format json $SP" "run $SP backup --dry-run" \
    "run $SP backup --yes"; do
    # shellcheck disable=SC2086
    all="$all$("$OPSDECK" $args --state "$SJ" 2>&1)"
done
all="$all$(cat "$SJ" 2>/dev/null)"
for f in tests/fixtures/bad/password.yaml; do
    for cmd in validate status report history tick; do
        extra=()
        [ "$cmd" = tick ] && extra=(a.1 --as x)
        all="$all$("$OPSDECK" $cmd --state "$T_TMP/pw.journal" "$ROOT/$f" "${extra[@]}" 2>&1)"
    done
done
not_contains "no output, journal or report holds the database password" "$SECRET_DB" "$all"
not_contains "no output, journal or report holds the redis password" "$SECRET_REDIS" "$all"
not_contains "an inline database password is never echoed" "hunter2-SECRET" "$all"
not_contains "a password in a redis URL is never echoed" "s3cr3t-SECRET" "$all"
if [ -e "$T_TMP/pw.journal" ]; then
    t_fail "a plan with an inline password is refused before any journal is written"
else
    t_ok "a plan with an inline password is refused before any journal is written"
fi

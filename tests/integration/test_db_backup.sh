#!/usr/bin/env bash
# db.backup and db.query against a throwaway MariaDB started here: the dump is a
# valid gzip that restores with the same row counts, its sha256 is journaled, a
# failed dump leaves no file, and the password shows up nowhere: not in any output,
# the journal, the report, nor in `ps` or the dump's environment while it runs.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_servers.sh"
if ! db_start; then
    t_skip "db.backup and db.query" "$SRV_SKIP"
    exit 0
fi
if ! command -v mariadb-dump >/dev/null && ! command -v mysqldump >/dev/null; then
    t_skip "db.backup" "mysqldump is not installed (mariadb-client)"
    exit 0
fi
# a second user whose password needs quoting in an option file
NASTY='P#ss "w0rd" x\y'\''z'
db_root <<SQL
CREATE USER 'ops'@'127.0.0.1' IDENTIFIED BY 'P#ss "w0rd" x\\\\y\\'z';
GRANT SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, EVENT ON uplink.* TO 'ops'@'127.0.0.1';
CREATE DATABASE big;
CREATE TABLE big.rows (id INT PRIMARY KEY, a CHAR(32), b CHAR(32), c VARCHAR(200));
USE big;
INSERT INTO big.rows SELECT seq, MD5(seq), MD5(seq + 1), CONCAT(MD5(seq * 7), ' ', REPEAT('row ', 20)) FROM seq_1_to_300000;
GRANT ALL ON big.* TO 'uplink'@'127.0.0.1';
SQL
export TEST_DB_PW="$DB_PASS" OPS_PW="$NASTY" WRONG_PW="not-the-$DB_PASS"
export TMPDIR="$T_TMP/tmp" XDG_RUNTIME_DIR="$T_TMP/run"
mkdir -p "$TMPDIR" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
P="$T_TMP/db.yaml" J="$T_TMP/state/db.journal"
cat >"$P" <<EOF
plan: Database weekend
id: dbw
state: $J
databases:
  - { id: uplink, host: 127.0.0.1, port: $DB_PORT, user: uplink, password_env: TEST_DB_PW }
  - { id: nasty, host: 127.0.0.1, port: $DB_PORT, user: ops, database: uplink, password_env: OPS_PW }
  - { id: wrong, host: 127.0.0.1, port: $DB_PORT, user: uplink, database: uplink, password_env: WRONG_PW }
  - { id: bigdb, host: 127.0.0.1, port: $DB_PORT, user: uplink, database: big, password_env: TEST_DB_PW }
actions:
  - { id: backup, db.backup: { database: uplink, dir: backups } }
  - { id: backup-default, db.backup: uplink }
  - { id: backup-nasty, db.backup: { database: nasty, dir: nasty } }
  - { id: backup-wrong, db.backup: { database: wrong, dir: wrong } }
  - { id: backup-big, db.backup: { database: bigdb, dir: big } }
  - { id: products, db.query: { database: uplink, query: "SELECT id, name, price FROM products ORDER BY id" } }
phases:
  - id: p1
    title: Backup
    items:
      - { id: p1.backup, text: Back up, action: backup }
EOF
run() { "$OPSDECK" run --as dba "$P" "$@"; }
ALL_OUTPUT=""
# no_secret NAME TEXT: neither password is in TEXT
no_secret() {
    case $2 in
    *"$DB_PASS"* | *"$NASTY"*) t_fail "$1" "a password is in it" ;;
    *) t_ok "$1" ;;
    esac
}

# ---- dry run
expect_exit "dry run of db.backup" 0 run backup --dry-run
ALL_OUTPUT+=$OUT
contains "the dry run shows the dump command" "--single-transaction --routines --triggers" "$OUT"
contains "the dry run shows the password as ***" 'password="***"' "$OUT"
[ ! -e "$J" ] && t_ok "the dry run writes no journal" || t_fail "the dry run writes no journal"
[ ! -e "$T_TMP/backups" ] && t_ok "the dry run creates no directory" || t_fail "the dry run creates no directory"

# ---- a backup
expect_exit "db.backup" 0 run backup --yes
ALL_OUTPUT+=$OUT
f=$(ls "$T_TMP"/backups/uplink-*.sql.gz 2>/dev/null | head -1)
[ -n "$f" ] && t_ok "the backup is DIR/<db>-YYYYmmdd-HHMMSS.sql.gz" || t_fail "the backup is DIR/<db>-YYYYmmdd-HHMMSS.sql.gz" "$(ls -la "$T_TMP/backups" 2>&1)"
[[ $(basename "$f") =~ ^uplink-[0-9]{8}-[0-9]{6}\.sql\.gz$ ]] && t_ok "its name has the time stamp" || t_fail "its name has the time stamp" "$f"
equals "no .partial is left" "" "$(ls "$T_TMP/backups" | grep partial)"
equals "the backup is mode 0600" "600" "$(stat -c %a "$f")"
check "gzip -t accepts the backup" gzip -t "$f"
end=$("$OPSDECK" history --json "$P" | jq -c 'select(.type=="action-end")' | tail -1)
equals "the journal's sha256 is the file's" "$(sha256sum "$f" | cut -d' ' -f1)" "$(jq -r .sha256 <<<"$end")"
equals "the journal's bytes are the file's size" "$(stat -c %s "$f")" "$(jq -r .bytes <<<"$end")"
equals "the journal's path is the file" "$f" "$(jq -r .path <<<"$end")"
equals "the journal's result and exit" '"done" 0' "$(jq -r '"\"\(.result)\" \(.exit)"' <<<"$end")"
db_root -e 'CREATE DATABASE restored'
gunzip -c "$f" | db_root restored
for t in products contacts empty_queue; do
    equals "restored: $t has the same row count" "$(db_root -e "SELECT COUNT(*) FROM uplink.$t")" \
        "$(db_root -e "SELECT COUNT(*) FROM restored.$t")"
done
equals "restored: the rows are the same" "$(db_root -e 'SELECT * FROM uplink.products ORDER BY id')" \
    "$(db_root -e 'SELECT * FROM restored.products ORDER BY id')"

expect_exit "db.backup with the default directory" 0 run backup-default --yes
ALL_OUTPUT+=$OUT
d=$(ls "$T_TMP"/state/backups/uplink-*.sql.gz 2>/dev/null | head -1)
[ -n "$d" ] && t_ok "the default directory is backups/ beside the journal" || t_fail "the default directory is backups/ beside the journal" "$OUT"

expect_exit "a password that needs quoting works" 0 run backup-nasty --yes
ALL_OUTPUT+=$OUT
check "its backup is valid too" gzip -t "$(ls "$T_TMP"/nasty/*.sql.gz | head -1)"

# ---- a failing dump
expect_exit "a dump with a wrong password fails" 1 run backup-wrong --yes
ALL_OUTPUT+=$OUT
contains "it says why" "Access denied" "$OUT"
equals "a failed dump leaves no file at all" "" "$(ls -A "$T_TMP/wrong" 2>/dev/null)"
equals "it is journaled as failed" '"failed"' "$("$OPSDECK" history --json "$P" | jq -c 'select(.type=="action-end")' | tail -1 | jq -c .result)"

# ---- db.query
expect_exit "db.query runs without asking (it reads only)" 0 run products </dev/null
ALL_OUTPUT+=$OUT
contains "db.query prints the table" "router" "$OUT"
contains "db.query prints the values" "129.99" "$OUT"
contains "db.query says how many rows" "(3 rows)" "$OUT"
cat >"$T_TMP/evil.yaml" <<EOF
plan: Evil
databases: [ { id: uplink, password_env: TEST_DB_PW } ]
actions:
  - { id: wipe, db.query: { database: uplink, query: "DELETE FROM products" } }
  - { id: sneaky, db.query: { database: uplink, query: "SELECT 1; DROP TABLE products" } }
phases: [ { id: p, title: P, items: [ { id: p.a, text: a } ] } ]
EOF
expect_exit "a db.query that writes is a plan error" 2 "$OPSDECK" validate "$T_TMP/evil.yaml"
contains "the error says read-only" "must be read-only" "$OUT"
contains "a second statement is refused too" "only one statement" "$OUT"
equals "the products are untouched" "3" "$(db_root -e 'SELECT COUNT(*) FROM uplink.products')"

# ---- the password in ps and in the dump's environment, during a larger dump
: >"$T_TMP/ps.log"
run backup-big --yes >"$T_TMP/big.out" 2>&1 &
bg=$!
seen_dump=0 env_leak=0
while kill -0 "$bg" 2>/dev/null; do
    ps -eo args >>"$T_TMP/ps.log" 2>/dev/null
    for pid in $(pgrep -f -- '--defaults-extra-file=' 2>/dev/null); do
        seen_dump=1
        # any variable of the plan's passwords (WRONG_PW ends with it too)
        { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qE -- "^(TEST_DB_PW|OPS_PW|WRONG_PW)=" && env_leak=1
    done
done
wait "$bg"
rc=$?
ALL_OUTPUT+=$(cat "$T_TMP/big.out")
equals "the larger dump succeeds" "0" "$rc"
if [ "$seen_dump" -eq 1 ]; then
    t_ok "ps saw the dump running (the sampling was meaningful)"
else
    t_fail "ps saw the dump running (the sampling was meaningful)" "$(tail -5 "$T_TMP/big.out")"
fi
grep -qF -- "$DB_PASS" "$T_TMP/ps.log" && t_fail "the password is never in ps output" || t_ok "the password is never in ps output"
equals "the password is not in the dump's environment" "0" "$env_leak"
big=$(ls "$T_TMP"/big/*.sql.gz | head -1)
equals "the large backup restores with every row" "300000" "$(db_root -e 'CREATE DATABASE big2' && gunzip -c "$big" | db_root big2 && db_root -e 'SELECT COUNT(*) FROM big2.rows')"
equals "the private option files are removed" "" "$(find "$TMPDIR" "$XDG_RUNTIME_DIR" -name 'opsdeck-db-*')"

# ---- nowhere else either
no_secret "no password in any output" "$ALL_OUTPUT"
no_secret "no password in the journal" "$(cat "$J")"
no_secret "no password in the Markdown report" "$("$OPSDECK" report "$P" 2>&1)"
no_secret "no password in the JSON report" "$("$OPSDECK" report --format json "$P" 2>&1)"
no_secret "no password in the history" "$("$OPSDECK" history --json "$P" 2>&1)"
report=$("$OPSDECK" report "$P")
contains "the report lists the backup with its sha256" "$(sha256sum "$f" | cut -d' ' -f1)" "$report"

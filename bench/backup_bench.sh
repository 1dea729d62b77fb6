#!/usr/bin/env bash
# db.backup throughput against its yardstick, `mysqldump | gzip`, on the same
# throwaway MariaDB database in one run: the same dump options, the same
# credentials file, gzip at its default level as zlib's.  Each is run three times,
# alternating; the best of each is compared.  BACKUP_ROWS sets the size (default
# 800,000 rows, about 150 MB of SQL).  Skips with the reason when MariaDB cannot
# be started.
set -u
OPSDECK=${OPSDECK:-$PWD/${BUILD:-build}/opsdeck}
ROWS=${BACKUP_ROWS:-800000}
export OPSDECK_ROOT=$PWD
. tests/lib.sh
. tests/integration/lib_servers.sh
if ! db_start; then
    echo "db.backup: skipped: $SRV_SKIP"
    exit 0
fi
DUMP=$(command -v mariadb-dump || command -v mysqldump)
db_root <<SQL
CREATE DATABASE bench;
CREATE TABLE bench.orders (id INT PRIMARY KEY, customer CHAR(32), sku CHAR(32),
    note VARCHAR(200), amount DECIMAL(10,2), at DATETIME);
USE bench;
INSERT INTO bench.orders SELECT seq, MD5(seq), MD5(seq * 3), CONCAT('order ', seq, ' ', MD5(seq * 7), ' shipped to warehouse ', seq % 97), (seq % 10000) / 7, '2026-11-28 22:00:00' - INTERVAL seq MINUTE FROM seq_1_to_$ROWS;
GRANT ALL ON bench.* TO 'uplink'@'127.0.0.1';
SQL
export BENCH_DB_PW="$DB_PASS"
cat >"$T_TMP/bench.yaml" <<EOF
plan: Backup bench
id: bench
state: $T_TMP/bench.journal
databases:
  - { id: bench, host: 127.0.0.1, port: $DB_PORT, user: uplink, password_env: BENCH_DB_PW }
actions:
  - { id: backup, db.backup: { database: bench, dir: out } }
phases: [ { id: p, title: P, items: [ { id: p.a, text: a } ] } ]
EOF
umask 077
printf '[client]\nuser=uplink\npassword="%s"\nhost=127.0.0.1\nport=%s\n' "$DB_PASS" "$DB_PORT" >"$T_TMP/client.cnf"

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }
yardstick() {
    local t0 t1
    t0=$(now)
    "$DUMP" --defaults-extra-file="$T_TMP/client.cnf" --single-transaction --routines --triggers \
        -- bench | gzip >"$T_TMP/yard.sql.gz"
    t1=$(now)
    calc "$t1 - $t0"
}
ours() {
    local t0 t1
    rm -rf "$T_TMP/out"
    t0=$(now)
    if ! "$OPSDECK" run "$T_TMP/bench.yaml" backup --yes >/dev/null 2>"$T_TMP/ours.err"; then
        echo "db.backup: opsdeck failed: $(cat "$T_TMP/ours.err")" >&2
        return 1
    fi
    t1=$(now)
    calc "$t1 - $t0"
}
best_y=999999 best_o=999999
for _ in 1 2 3; do
    y=$(yardstick)
    o=$(ours) || exit 1
    best_y=$(calc "$y < $best_y ? $y : $best_y")
    best_o=$(calc "$o < $best_o ? $o : $best_o")
done
sql_bytes=$(gunzip -c "$T_TMP/yard.sql.gz" | wc -c)
ours_file=$(ls "$T_TMP"/out/*.sql.gz)
mb=$(calc "$sql_bytes / 1048576")
printf 'db.backup: %d rows, %.1f MiB of SQL; gzip %.1f MiB, opsdeck %.1f MiB\n' "$ROWS" "$mb" \
    "$(calc "$(stat -c %s "$T_TMP/yard.sql.gz") / 1048576")" \
    "$(calc "$(stat -c %s "$ours_file") / 1048576")"
printf '  mysqldump | gzip     %6.2f s  %7.1f MiB/s   (yardstick, best of 3)\n' "$best_y" \
    "$(calc "$mb / $best_y")"
printf '  opsdeck db.backup    %6.2f s  %7.1f MiB/s   (best of 3; gzip + sha256 + fsync)\n' \
    "$best_o" "$(calc "$mb / $best_o")"
printf '  throughput ratio     %6.2fx  (goal: at least 0.90x)\n' "$(calc "$best_y / $best_o")"

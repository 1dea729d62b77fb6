#!/usr/bin/env bash
# Health checks against real servers the test starts itself: MariaDB, Redis, a
# small HTTP server and a listener that accepts and never answers.  Values are
# compared with what the servers' own clients (and df, free) report.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_servers.sh"
J="$T_TMP/checks.journal"
ALL_OUT="$T_TMP/all-output" # every output of opsdeck, searched for the password
: >"$ALL_OUT"

# run NAME CMD...: OUT and RC, output kept for the password search
run() {
    shift
    OUT=$("$@" 2>&1)
    RC=$?
    printf '%s\n' "$OUT" >>"$ALL_OUT"
}
# run_json NAME CMD...: OUT is stdout only (the JSON), ERR stderr (warnings); both kept
run_json() {
    shift
    OUT=$("$@" 2>"$T_TMP/stderr")
    RC=$?
    ERR=$(cat "$T_TMP/stderr")
    printf '%s\n%s\n' "$OUT" "$ERR" >>"$ALL_OUT"
}
jqc() { jq -r "$1" <<<"$JSON"; }
check_field() { jq -r --arg id "$1" ".checks[] | select(.id == \$id) | .$2" <<<"$JSON"; }

# --- host checks: agree with df and free --------------------------------------------------
cat >"$T_TMP/host.yaml" <<EOF
plan: Host checks
checks:
  - { id: root, kind: disk, path: /, warn: "99%" }
  - { id: mem, kind: memory }
  - { id: nowhere, kind: disk, path: /does/not/exist }
phases:
  - { id: a, title: A, items: [{ id: a.1, text: x }] }
EOF
run_json status "$OPSDECK" status --json --state "$J" "$T_TMP/host.yaml"
JSON=$OUT
want=$(df --output=pcent / | tail -1 | tr -dc 0-9)
got=$(check_field root value | tr -dc 0-9)
if [ -n "$got" ] && [ $((got - want)) -le 1 ] && [ $((want - got)) -le 1 ]; then
    t_ok "disk: percent used agrees with df ($got% vs $want%)"
else
    t_fail "disk: percent used agrees with df" "df: $want% opsdeck: $got%"
fi
want=$(free -b | awk '/^Mem:/ { printf "%d", ($2 - $7) * 100 / $2 + 0.5 }')
got=$(check_field mem value | tr -dc 0-9)
if [ -n "$got" ] && [ $((got - want)) -le 2 ] && [ $((want - got)) -le 2 ]; then
    t_ok "memory: percent used agrees with free ($got% vs $want%)"
else
    t_fail "memory: percent used agrees with free" "free: $want% opsdeck: $got%"
fi
equals "a missing path is a failing disk check" fail "$(check_field nowhere status)"
contains "its error names the path" "/does/not/exist" "$(check_field nowhere error)"
equals "status exits 1 when a check fails" 1 "$RC"
equals "checks carry kind, latency and time" "disk true true" \
    "$(jq -r '.checks[0] | "\(.kind) \(.latency_ms >= 0) \(.checked_at | test("Z$"))"' <<<"$JSON")"

# --- http: a small local server and a listener that never answers --------------------------
mkdir -p "$T_TMP/www"
echo hello >"$T_TMP/www/index.html"
mkdir -p "$T_TMP/www/sub"
if ! http_start "$T_TMP/www" || ! hang_start; then
    t_skip "http checks" "${SRV_SKIP:-the local servers did not start}"
else
    cat >"$T_TMP/http.yaml" <<EOF
plan: HTTP checks
checks:
  - { id: page, kind: http, url: "http://127.0.0.1:$HTTP_PORT/index.html", expect: 200 }
  - { id: gone, kind: http, url: "http://127.0.0.1:$HTTP_PORT/missing", expect: 404 }
  - { id: wrong, kind: http, url: "http://127.0.0.1:$HTTP_PORT/missing", expect: 200 }
  - { id: hung, kind: http, url: "http://127.0.0.1:$HANG_PORT/", expect: 200, timeout: 2 }
  - { id: redirect, kind: http, url: "http://127.0.0.1:$HTTP_PORT/sub", expect: 301 }
phases:
  - id: a
    title: A
    items:
      - { id: a.page, text: page served, check: page }
      - { id: a.wrong, text: page that is not there, check: wrong }
EOF
    start=$(date +%s%N)
    run_json status "$OPSDECK" status --json --state "$J" "$T_TMP/http.yaml"
    ms=$((($(date +%s%N) - start) / 1000000))
    JSON=$OUT
    equals "http: 200 is ok when 200 is expected" "ok 200" \
        "$(check_field page status) $(check_field page value)"
    equals "http: 404 is ok when 404 is expected" "ok 404" \
        "$(check_field gone status) $(check_field gone value)"
    equals "http: 404 fails when 200 is expected" "fail 404" \
        "$(check_field wrong status) $(check_field wrong value)"
    contains "the error says what came and what was expected" "HTTP 404" "$(check_field wrong error)"
    contains "the error says what was expected" "expected 200" "$(check_field wrong error)"
    equals "http: a redirect is not followed (expect 301)" "ok 301" \
        "$(check_field redirect status) $(check_field redirect value)"
    equals "a listener that never answers fails the check" fail "$(check_field hung status)"
    contains "its error reports the timeout" "no answer within 2" "$(check_field hung error)"
    if [ "$ms" -lt $((2000 + 3000)) ]; then
        t_ok "status returns within the timeout plus slack (${ms} ms for a 2 s timeout)"
    else
        t_fail "status returns within the timeout plus slack" "took ${ms} ms"
    fi

    # evidence gates
    run tick "$OPSDECK" tick "$T_TMP/http.yaml" a.page --state "$J" --as alice
    equals "tick of an item whose check is ok succeeds" 0 "$RC"
    contains "it prints the evidence" "check page is ok, value 200" "$OUT"
    last=$(tail -1 "$J")
    equals "the tick records the check, its status and value" '"page" "ok" "200"' \
        "$(jq -c '[.check, .check_status, .check_value] | map(tojson) | join(" ")' -r <<<"$last")"
    lines=$(wc -l <"$J")
    run tick "$OPSDECK" tick "$T_TMP/http.yaml" a.wrong --state "$J" --as alice
    equals "tick of an item whose check fails is refused (exit 1)" 1 "$RC"
    contains "the refusal names the check and its status" "check 'wrong' is fail" "$OUT"
    contains "the refusal gives the error" "HTTP 404" "$OUT"
    contains "the refusal says how to override" "--override" "$OUT"
    equals "a refused tick writes nothing" "$lines" "$(wc -l <"$J")"
    run tick "$OPSDECK" tick "$T_TMP/http.yaml" a.wrong --state "$J" --as alice \
        --override "page moves on Monday"
    equals "--override ticks it anyway" 0 "$RC"
    last=$(tail -1 "$J")
    equals "the override records the reason and the check's status and value" \
        '"page moves on Monday" "fail" "404"' \
        "$(jq -r '[.reason, .check_status, .check_value] | map(tojson) | join(" ")' <<<"$last")"
fi

# --- MariaDB ------------------------------------------------------------------------------
if ! db_start; then
    t_skip "sql checks" "$SRV_SKIP"
else
    export T_DB_PASSWORD="$DB_PASS"
    umask 077
    printf '[client]\nuser=uplink\npassword=%s\n' "$DB_PASS" >"$T_TMP/my.cnf"
    printf '[client]\nuser=uplink\npassword=%s\n' "$DB_PASS" >"$T_TMP/open.cnf"
    chmod 644 "$T_TMP/open.cnf"
    umask 022
    cat >"$T_TMP/db.yaml" <<EOF
plan: Database checks
databases:
  - { id: db-main, host: 127.0.0.1, port: $DB_PORT, user: uplink, database: uplink, password_env: T_DB_PASSWORD }
  - { id: db-file, host: 127.0.0.1, port: $DB_PORT, database: uplink, option_file: $T_TMP/my.cnf }
  - { id: db-open, host: 127.0.0.1, port: $DB_PORT, database: uplink, option_file: $T_TMP/open.cnf }
  - { id: db-nopass, host: 127.0.0.1, port: $DB_PORT, user: uplink, database: uplink, password_env: T_UNSET_PASSWORD }
  - { id: db-hung, host: 127.0.0.1, port: ${HANG_PORT:-9}, user: uplink, database: uplink, password_env: T_DB_PASSWORD }
checks:
  - { id: products, kind: sql, database: db-main, query: "SELECT COUNT(*) FROM products", expect: "> 0" }
  - { id: total, kind: sql, database: db-main, query: "SELECT SUM(price) FROM products" }
  - { id: cheapest, kind: sql, database: db-main, query: "SELECT name FROM products ORDER BY price LIMIT 1" }
  - { id: queue, kind: sql, database: db-main, query: "SELECT COUNT(*) FROM empty_queue", expect: "> 0" }
  - { id: contacts, kind: sql, database: db-file, query: "SELECT COUNT(*) FROM contacts", warn: "> 1" }
  - { id: open, kind: sql, database: db-open, query: "SELECT 1" }
  - { id: nopass, kind: sql, database: db-nopass, query: "SELECT 1" }
  - { id: badsql, kind: sql, database: db-main, query: "SELECT * FROM no_such_table" }
  - { id: leak, kind: sql, database: db-main, query: "SELECT CONCAT('pw=', '$DB_PASS')" }
  - { id: dbhung, kind: sql, database: db-hung, query: "SELECT 1", timeout: 2 }
phases:
  - id: a
    title: A
    items:
      - { id: a.products, text: catalogue loaded, check: products }
      - { id: a.queue, text: queue drained, check: queue }
EOF
    start=$(date +%s%N)
    run_json status "$OPSDECK" status --json --state "$J" "$T_TMP/db.yaml"
    ms=$((($(date +%s%N) - start) / 1000000))
    JSON=$OUT
    for q in products:"SELECT COUNT(*) FROM products" total:"SELECT SUM(price) FROM products" \
        cheapest:"SELECT name FROM products ORDER BY price LIMIT 1"; do
        id=${q%%:*}
        equals "sql '$id': the value is what the mariadb client reports" \
            "$(db_user "${q#*:}")" "$(check_field "$id" value)"
    done
    equals "sql: expect '> 0' met is ok" ok "$(check_field products status)"
    equals "sql: expect '> 0' not met fails" "fail 0" \
        "$(check_field queue status) $(check_field queue value)"
    equals "sql: credentials from an option file work; warn '> 1' warns" "warn 2" \
        "$(check_field contacts status) $(check_field contacts value)"
    contains "an option file readable by others is flagged" "readable by others" \
        "$(check_field open note)"
    contains "status warns about it on stderr" \
        "opsdeck: warning: database 'db-open': option file $T_TMP/open.cnf is readable by others (mode 0644); run chmod 600 $T_TMP/open.cnf" \
        "$ERR"
    equals "a missing password variable is unknown" unknown "$(check_field nopass status)"
    contains "it names the variable" "T_UNSET_PASSWORD" "$(check_field nopass error)"
    equals "a failing query fails the check" fail "$(check_field badsql status)"
    contains "with the server's reason" "no_such_table" "$(check_field badsql error)"
    equals "a value holding the password is masked" "pw=***" "$(check_field leak value)"
    if [ -n "${HANG_PORT:-}" ]; then
        equals "a database that never answers fails" fail "$(check_field dbhung status)"
        contains "its error reports the timeout" "no answer within 2 s" "$(check_field dbhung error)"
        if [ "$ms" -lt $((2000 + 3000)) ]; then
            t_ok "status with a hung database returns in time (${ms} ms for a 2 s timeout)"
        else
            t_fail "status with a hung database returns in time" "took ${ms} ms"
        fi
    fi
    run tick "$OPSDECK" tick "$T_TMP/db.yaml" a.products --state "$J" --as bob
    equals "a tick gated by an ok sql check succeeds" 0 "$RC"
    equals "it records the value the client reports" "$(db_user "SELECT COUNT(*) FROM products")" \
        "$(tail -1 "$J" | jq -r .check_value)"
    run tick "$OPSDECK" tick "$T_TMP/db.yaml" a.queue --state "$J" --as bob
    equals "a tick gated by a failing sql check is refused" 1 "$RC"
    contains "the refusal gives status and value" "check 'queue' is fail (0, expected > 0)" "$OUT"
    run history "$OPSDECK" history --json --state "$J" "$T_TMP/db.yaml"
    run report "$OPSDECK" report --state "$J" "$T_TMP/db.yaml"
    if grep -qF -- "$DB_PASS" "$ALL_OUT" "$J"; then
        t_fail "the password is in no output and not in the journal" "$(grep -lF -- "$DB_PASS" "$ALL_OUT" "$J")"
    else
        t_ok "the password is in no output and not in the journal"
    fi
    unset T_DB_PASSWORD
fi

# --- Redis: killed, the check fails with a reason; back, it recovers -----------------------
if ! redis_start; then
    t_skip "redis checks" "$SRV_SKIP"
else
    redis_cli RPUSH jobs a b c >/dev/null
    cat >"$T_TMP/redis.yaml" <<EOF
plan: Redis checks
redis:
  - { id: q, url: "redis://127.0.0.1:$REDIS_PORT/0" }
checks:
  - { id: jobs, kind: redis, redis: q, command: "LLEN jobs", warn: "> 2", fail: "> 100", interval: 1, timeout: 1 }
  - { id: ping, kind: redis, redis: q, command: "PING", expect: PONG, interval: 1, timeout: 1 }
phases:
  - { id: a, title: A, items: [{ id: a.1, text: x }] }
EOF
    run_json status "$OPSDECK" status --json --state "$J" "$T_TMP/redis.yaml"
    JSON=$OUT
    equals "redis: LLEN is the value, '> 2' warns" "warn $(redis_cli LLEN jobs)" \
        "$(check_field jobs status) $(check_field jobs value)"
    equals "redis: a status reply is the value" "ok PONG" \
        "$(check_field ping status) $(check_field ping value)"
    redis_stop
    deadline=$((SECONDS + 10))
    state=
    while [ $SECONDS -lt $deadline ]; do
        run_json status "$OPSDECK" status --json --state "$J" "$T_TMP/redis.yaml"
        JSON=$OUT
        state=$(check_field ping status)
        [ "$state" = fail ] && break
        sleep 0.2
    done
    equals "redis killed: the check turns fail" fail "$state"
    contains "with the reason" "Connection refused" "$(check_field ping error)"
    equals "and status exits 1" 1 "$RC"
    redis_start "$REDIS_PORT" >/dev/null
    deadline=$((SECONDS + 10))
    while [ $SECONDS -lt $deadline ]; do
        run_json status "$OPSDECK" status --json --state "$J" "$T_TMP/redis.yaml"
        JSON=$OUT
        state=$(check_field ping status)
        [ "$state" = ok ] && break
        sleep 0.2
    done
    equals "redis back: the check recovers" ok "$state"

    # a password from password_env: AUTH
    redis_cli CONFIG SET requirepass "$DB_PASS" >/dev/null
    cat >"$T_TMP/auth.yaml" <<EOF
plan: Redis with a password
redis:
  - { id: q, url: "redis://127.0.0.1:$REDIS_PORT/0", password_env: T_REDIS_PASSWORD }
checks:
  - { id: ping, kind: redis, redis: q, command: "PING", expect: PONG }
phases:
  - { id: a, title: A, items: [{ id: a.1, text: x }] }
EOF
    run_json status env T_REDIS_PASSWORD="$DB_PASS" "$OPSDECK" status --json --state "$J" "$T_TMP/auth.yaml"
    JSON=$OUT
    equals "redis: AUTH with the password from password_env" ok "$(check_field ping status)"
    run_json status env T_REDIS_PASSWORD=wrong "$OPSDECK" status --json --state "$J" "$T_TMP/auth.yaml"
    JSON=$OUT
    equals "redis: a wrong password fails" fail "$(check_field ping status)"
    contains "with Redis's answer" "AUTH" "$(check_field ping error)"
    if grep -qF -- "$DB_PASS" "$ALL_OUT"; then
        t_fail "the Redis password is in no output"
    else
        t_ok "the Redis password is in no output"
    fi
fi

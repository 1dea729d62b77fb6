#!/usr/bin/env bash
# The health view's probes (git, database, Redis) against real things the test
# makes itself: a git repository, MariaDB, Redis (and a replica of it), and a
# listener that accepts and never answers.  tools/healthinfo runs one probe as
# the panel does (on a worker, collected through the event fd); every value is
# compared with what git, the mariadb client and redis-cli report.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_servers.sh"
HI="$TOOLS/healthinfo"
ALL_OUT="$T_TMP/all-output" # every output of the probes, searched for the passwords
: >"$ALL_OUT"

# hi ARGS...: OUT and RC of one probe
hi() {
    OUT=$("$HI" "$@" 2>&1)
    RC=$?
    printf '%s\n' "$OUT" >>"$ALL_OUT"
}
field() { sed -n "s/^$1=//p" <<<"$OUT"; }
# near NAME WANT GOT SLACK: |WANT - GOT| <= SLACK, both numbers
near() {
    if [[ $2 =~ ^[0-9]+$ && $3 =~ ^[0-9]+$ ]] && [ $(($2 - $3)) -le "$4" ] &&
        [ $(($3 - $2)) -le "$4" ]; then
        t_ok "$1 ($3 vs $2)"
    else
        t_fail "$1" "expected: $2 (± $4)" "got: $3"
    fi
}
# within NAME MS LIMIT: the probe came back within the limit
within() {
    if [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -lt "$3" ]; then
        t_ok "$1 (${2} ms)"
    else
        t_fail "$1" "took ${2} ms, limit ${3} ms"
    fi
}

# --- git: a repository made here, compared with git ---------------------------------------
if ! command -v git >/dev/null; then
    t_skip "git probe" "git is not installed (scripts/install-deps.sh installs it)"
else
    export HOME="$T_TMP/home"
    mkdir -p "$HOME"
    printf '[user]\n\tname = Test\n\temail = t@example.org\n[init]\n\tdefaultBranch = main\n' \
        >"$HOME/.gitconfig"
    q() { "$@" >/dev/null 2>&1; }
    # commit DIR N MESSAGE: a commit at a time of its own (tags sort by time)
    commit() {
        echo "$2" >"$1/file$2"
        q git -C "$1" add "file$2"
        GIT_COMMITTER_DATE="2026-01-0$2T10:00:00Z" GIT_AUTHOR_DATE="2026-01-0$2T10:00:00Z" \
            q git -C "$1" commit -m "$3"
    }
    q git init --bare "$T_TMP/origin.git"
    q git clone "$T_TMP/origin.git" "$T_TMP/seed"
    commit "$T_TMP/seed" 1 "First release"
    GIT_COMMITTER_DATE="2026-01-01T11:00:00Z" q git -C "$T_TMP/seed" tag -a v1.0 -m v1.0
    commit "$T_TMP/seed" 2 "Second release"
    GIT_COMMITTER_DATE="2026-01-02T11:00:00Z" q git -C "$T_TMP/seed" tag -a v2.0 -m v2.0
    commit "$T_TMP/seed" 3 "Hotfix"
    q git -C "$T_TMP/seed" tag light-3
    q git -C "$T_TMP/seed" push --tags origin main
    q git clone "$T_TMP/origin.git" "$T_TMP/app"
    commit "$T_TMP/app" 4 "A local commit"
    commit "$T_TMP/seed" 5 "Upstream moves on"
    q git -C "$T_TMP/seed" push origin main
    q git -C "$T_TMP/app" fetch origin
    echo changed >>"$T_TMP/app/file1"
    echo new >"$T_TMP/app/untracked.txt"
    cat >"$T_TMP/git.yaml" <<EOF
plan: Git probe
repo: { path: app }
phases:
  - { id: a, title: A, items: [{ id: a.1, text: x }] }
EOF
    G="git -C $T_TMP/app"
    hi "$T_TMP/git.yaml" git
    equals "git probe answers (exit 0)" 0 "$RC"
    equals "git: the repo is resolved beside the plan" "$(cd "$T_TMP/app" && pwd -P)" \
        "$(realpath "$(field where)")"
    equals "git: HEAD is git rev-parse HEAD" "$($G rev-parse HEAD)" "$(field head)"
    equals "git: subject is git log -1 %s" "$($G log -1 --format=%s)" "$(field subject)"
    equals "git: branch is git's" "$($G rev-parse --abbrev-ref HEAD)" "$(field branch)"
    equals "git: describe is git describe" "$($G describe)" "$(field describe)"
    equals "git: upstream" "$($G rev-parse --abbrev-ref '@{u}')" "$(field upstream)"
    equals "git: ahead is rev-list --count @{u}..HEAD" "$($G rev-list --count '@{u}..HEAD')" \
        "$(field ahead)"
    equals "git: behind is rev-list --count HEAD..@{u}" "$($G rev-list --count 'HEAD..@{u}')" \
        "$(field behind)"
    equals "git: dirty counts status --porcelain's tracked lines" \
        "$($G status --porcelain | grep -vc '^??')" "$(field dirty)"
    equals "git: untracked counts its ?? lines" "$($G status --porcelain | grep -c '^??')" \
        "$(field untracked)"
    equals "git: recent tags, newest first, as for-each-ref --sort=-creatordate" \
        "$($G for-each-ref --sort=-creatordate --format='%(refname:short)' refs/tags | head -10 | paste -sd' ')" \
        "$(field tags)"
    q $G stash
    q $G checkout --detach v1.0
    hi "$T_TMP/git.yaml" git
    equals "git: a detached HEAD has no branch" "-" "$(field branch)"
    equals "git: detached at a tag: describe is the tag" "$($G describe)" "$(field describe)"
    mv "$T_TMP/app" "$T_TMP/app.moved"
    hi "$T_TMP/git.yaml" git
    equals "git: a missing repository fails the probe (exit 1)" 1 "$RC"
    contains "its error names the repository" "cannot read the git repository '" "$(field error)"
    mv "$T_TMP/app.moved" "$T_TMP/app"
fi

# --- MariaDB: compared with the mariadb client ----------------------------------------------
hang_start || true
CLOSED_PORT=$(srv_port) # nothing listens there
if ! db_start; then
    t_skip "database probe" "$SRV_SKIP"
else
    export T_DB_PASSWORD="$DB_PASS"
    db_root >/dev/null <<SQL
USE uplink;
CREATE TABLE big (id INT PRIMARY KEY AUTO_INCREMENT, pad VARCHAR(255));
INSERT INTO big (pad) SELECT REPEAT('x', 200) FROM seq_1_to_3000;
ANALYZE TABLE big, products, contacts, empty_queue;
SET SESSION long_query_time = 0.1;
SELECT SLEEP(0.3);
SQL
    umask 077
    printf '[client]\nuser=uplink\npassword=%s\n' "$DB_PASS" >"$T_TMP/my.cnf"
    umask 022
    cat >"$T_TMP/db.yaml" <<EOF
plan: Database probe
databases:
  - { id: main, host: 127.0.0.1, port: $DB_PORT, user: uplink, database: uplink, password_env: T_DB_PASSWORD }
  - { id: file, host: 127.0.0.1, port: $DB_PORT, database: uplink, option_file: $T_TMP/my.cnf }
  - { id: wrong, host: 127.0.0.1, port: $DB_PORT, user: uplink, database: uplink, password_env: T_WRONG_PASSWORD }
  - { id: nopass, host: 127.0.0.1, port: $DB_PORT, user: uplink, database: uplink, password_env: T_UNSET_PASSWORD }
  - { id: refused, host: 127.0.0.1, port: $CLOSED_PORT, user: uplink, database: uplink, password_env: T_DB_PASSWORD }
  - { id: hung, host: 127.0.0.1, port: ${HANG_PORT:-9}, user: uplink, database: uplink, password_env: T_DB_PASSWORD }
phases:
  - { id: a, title: A, items: [{ id: a.1, text: x }] }
EOF
    hi --tables 3 "$T_TMP/db.yaml" db main
    equals "db probe answers (exit 0)" 0 "$RC"
    equals "db: where" "127.0.0.1:$DB_PORT" "$(field where)"
    equals "db: version is SELECT VERSION()" "$(db_user 'SELECT VERSION()')" "$(field version)"
    equals "db: max_connections is @@max_connections" "$(db_user 'SELECT @@max_connections')" \
        "$(field max_connections)"
    # each count includes the connection asking: the client's and the probe's alike
    equals "db: Threads_connected is the server's" \
        "$(db_user "SHOW GLOBAL STATUS LIKE 'Threads_connected'" | cut -f2)" \
        "$(field threads_connected)"
    slow=$(db_user "SHOW GLOBAL STATUS LIKE 'Slow_queries'" | cut -f2)
    equals "db: Slow_queries is the server's (one slow query made here)" "$slow" \
        "$(field slow_queries)"
    if [ "${slow:-0}" -ge 1 ]; then t_ok "db: the slow query made here counts"; else
        t_fail "db: the slow query made here counts" "Slow_queries: $slow"; fi
    near "db: uptime agrees with the server's Uptime" \
        "$(db_user "SHOW GLOBAL STATUS LIKE 'Uptime'" | cut -f2)" "$(field uptime)" 2
    want=$(db_user "SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, ' ', DATA_LENGTH + INDEX_LENGTH,
        ' ', TABLE_ROWS) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'uplink'
        ORDER BY DATA_LENGTH + INDEX_LENGTH DESC, TABLE_NAME LIMIT 3")
    equals "db: the largest tables, bytes and rows, are information_schema's" "$want" \
        "$(field table)"
    equals "db: the big table made here comes first" "uplink.big" \
        "$(field table | head -1 | cut -d' ' -f1)"
    if [[ $(field select1_us) =~ ^[0-9]+$ ]] && [ "$(field select1_us)" -gt 0 ]; then
        t_ok "db: SELECT 1 latency is measured ($(field select1_us) µs)"
    else
        t_fail "db: SELECT 1 latency is measured" "$(field select1_us)"
    fi
    hi "$T_TMP/db.yaml" db file
    equals "db: credentials from an option file work" "$(db_user 'SELECT VERSION()')" \
        "$(field version)"
    export T_WRONG_PASSWORD="not-the-password"
    hi "$T_TMP/db.yaml" db wrong
    equals "db: a wrong password fails the probe" 1 "$RC"
    contains "with the server's reason" "Access denied" "$(field error)"
    contains "and names the database and where it is" "'wrong' at 127.0.0.1:$DB_PORT" "$(field error)"
    equals "a refused login is not 'unreachable'" 0 "$(field unreachable)"
    hi "$T_TMP/db.yaml" db nopass
    equals "db: a missing password variable fails the probe" 1 "$RC"
    contains "it names the variable" "T_UNSET_PASSWORD" "$(field error)"
    hi "$T_TMP/db.yaml" db refused
    equals "db: nothing listening fails the probe" 1 "$RC"
    contains "with the reason" "Can't connect" "$(field error)"
    equals "and is 'unreachable' (retried sooner)" 1 "$(field unreachable)"
    if [ -n "${HANG_PORT:-}" ]; then
        hi --timeout 2000 "$T_TMP/db.yaml" db hung
        equals "db: a listener that never answers fails the probe" 1 "$RC"
        contains "its error reports the timeout" "no answer within 2 s" "$(field error)"
        equals "and is 'unreachable'" 1 "$(field unreachable)"
        within "it comes back within the 2 s timeout plus slack" "$(field elapsed_ms)" 5000
    else
        t_skip "db: a listener that never answers" "the listener did not start"
    fi
    if grep -qF -- "$DB_PASS" "$ALL_OUT"; then
        t_fail "the database password is in no output"
    else
        t_ok "the database password is in no output"
    fi
    unset T_DB_PASSWORD T_WRONG_PASSWORD
fi

# --- Redis: compared with redis-cli; killed, then back ------------------------------------
if ! redis_start; then
    t_skip "redis probe" "$SRV_SKIP"
else
    REPLICA_PORT=$(srv_port)
    redis-server --port "$REPLICA_PORT" --bind 127.0.0.1 --save '' --appendonly no \
        --replicaof 127.0.0.1 "$REDIS_PORT" --dir "$T_TMP/redis" \
        --logfile "$T_TMP/redis/replica.log" >/dev/null 2>&1 &
    SRV_PIDS+=($!)
    srv_wait 20 sh -c "redis-cli -p $REPLICA_PORT PING | grep -q PONG"
    cat >"$T_TMP/redis.yaml" <<EOF
plan: Redis probe
redis:
  - { id: q, url: "redis://127.0.0.1:$REDIS_PORT/0" }
  - { id: replica, url: "redis://127.0.0.1:$REPLICA_PORT/0" }
  - { id: locked, url: "redis://127.0.0.1:$REDIS_PORT/0", password_env: T_REDIS_PASSWORD }
  - { id: hung, url: "redis://127.0.0.1:${HANG_PORT:-9}/0" }
phases:
  - { id: a, title: A, items: [{ id: a.1, text: x }] }
EOF
    info() { redis-cli -h 127.0.0.1 -p "$1" INFO | tr -d '\r' | sed -n "s/^$2://p"; }
    hi "$T_TMP/redis.yaml" redis q
    equals "redis probe answers (exit 0)" 0 "$RC"
    equals "redis: where is the URL" "redis://127.0.0.1:$REDIS_PORT/0" "$(field where)"
    equals "redis: role is ROLE's" "$(redis_cli ROLE | head -1)" "$(field role)"
    equals "redis: version is INFO's redis_version" "$(info "$REDIS_PORT" redis_version)" \
        "$(field version)"
    # each count includes the client asking: redis-cli's and the probe's alike
    equals "redis: connected_clients is INFO's" "$(info "$REDIS_PORT" connected_clients)" \
        "$(field connected_clients)"
    near "redis: used_memory agrees with INFO's (bytes)" "$(info "$REDIS_PORT" used_memory)" \
        "$(field used_memory)" 262144
    case $(field used_memory_human) in
    *[0-9][BKMG]) t_ok "redis: used_memory_human is INFO's form ($(field used_memory_human))" ;;
    *) t_fail "redis: used_memory_human is INFO's form" "$(field used_memory_human)" ;;
    esac
    if [[ $(field ping_us) =~ ^[0-9]+$ ]] && [ "$(field ping_us)" -gt 0 ]; then
        t_ok "redis: PING latency is measured ($(field ping_us) µs)"
    else
        t_fail "redis: PING latency is measured" "$(field ping_us)"
    fi
    hi "$T_TMP/redis.yaml" redis replica
    equals "redis: a replica's role is ROLE's" "$(redis-cli -p "$REPLICA_PORT" ROLE | head -1)" \
        "$(field role)"
    equals "redis: ... which is slave" "slave" "$(field role)"

    redis_cli CONFIG SET requirepass "$DB_PASS" >/dev/null
    T_REDIS_PASSWORD="$DB_PASS" hi "$T_TMP/redis.yaml" redis locked
    equals "redis: AUTH with the password from password_env" "0 master" "$RC $(field role)"
    T_REDIS_PASSWORD=wrong hi "$T_TMP/redis.yaml" redis locked
    equals "redis: a wrong password fails the probe" 1 "$RC"
    contains "with Redis's answer to AUTH" "AUTH" "$(field error)"
    equals "a refused AUTH is not 'unreachable'" 0 "$(field unreachable)"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -a "$DB_PASS" --no-auth-warning \
        CONFIG SET requirepass "" >/dev/null

    redis_stop
    hi "$T_TMP/redis.yaml" redis q
    equals "redis killed: the probe fails" 1 "$RC"
    contains "with the reason" "Connection refused" "$(field error)"
    contains "naming the target" "Redis 'q'" "$(field error)"
    equals "and is 'unreachable' (retried sooner)" 1 "$(field unreachable)"
    redis_start "$REDIS_PORT" >/dev/null
    hi "$T_TMP/redis.yaml" redis q
    equals "redis back: the probe recovers" "0 master" "$RC $(field role)"
    if [ -n "${HANG_PORT:-}" ]; then
        hi --timeout 1000 "$T_TMP/redis.yaml" redis hung
        equals "redis: a listener that never answers fails the probe" 1 "$RC"
        contains "its error reports the timeout" "no answer within 1.0 s" "$(field error)"
        within "it comes back within the 1 s timeout plus slack" "$(field elapsed_ms)" 4000
    else
        t_skip "redis: a listener that never answers" "the listener did not start"
    fi
    if grep -qF -- "$DB_PASS" "$ALL_OUT"; then
        t_fail "the Redis password is in no output"
    else
        t_ok "the Redis password is in no output"
    fi
fi

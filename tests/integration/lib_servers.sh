# Throwaway servers for the integration tests, each on a free loopback port with
# its files under $T_TMP, killed when the test exits.  Source after tests/lib.sh.
#
#   srv_port                      a free loopback TCP port
#   db_start || t_skip NAME "$SRV_SKIP"
#                                 MariaDB: DB_PORT, DB_SOCK; user uplink@127.0.0.1
#                                 with password DB_PASS, database uplink
#   db_root SQL...                run SQL as root over the socket (-N -B output)
#   db_user SQL                   run SQL as uplink over TCP, as a plan would
#   redis_start [PORT] || t_skip NAME "$SRV_SKIP"
#                                 redis-server on REDIS_PORT (PORT: reuse one)
#   redis_stop                    kill it (SIGKILL: as if it died)
#   redis_cli ARGS...             redis-cli against it
#   http_start DIR                python3 -m http.server for DIR on HTTP_PORT
#   hang_start                    a TCP listener on HANG_PORT that accepts and never answers
SRV_SKIP=
SRV_PIDS=()
DB_PASS="Tr0ub4dor-s3cret-$$"

srv_cleanup() {
    local p
    for p in "${SRV_PIDS[@]}"; do
        kill -9 "$p" 2>/dev/null
    done
    for p in "${SRV_PIDS[@]}"; do
        wait "$p" 2>/dev/null
    done
    SRV_PIDS=()
}
trap 'srv_cleanup; if type tm_cleanup >/dev/null 2>&1; then tm_cleanup; fi; rm -rf "$T_TMP"' EXIT

srv_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# srv_wait SECONDS CMD...: until CMD succeeds (a bounded wait for a server to come up).
srv_wait() {
    local deadline=$((SECONDS + $1))
    shift
    while [ $SECONDS -lt "$deadline" ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

srv_need() {
    local c
    for c in "$@"; do
        if ! command -v "$c" >/dev/null 2>&1; then
            SRV_SKIP="'$c' is not installed (scripts/install-deps.sh installs it)"
            return 1
        fi
    done
}

db_root() {
    mariadb --no-defaults -uroot --socket="$DB_SOCK" -N -B "$@"
}

db_user() {
    MYSQL_PWD="$DB_PASS" mariadb --no-defaults -h127.0.0.1 -P"$DB_PORT" -uuplink -N -B uplink -e "$1"
}

db_start() {
    srv_need mariadbd mariadb-install-db mariadb || return 1
    local dir="$T_TMP/mariadb" user
    user=$(id -un)
    mkdir -p "$dir"
    DB_SOCK="$dir/sock"
    DB_PORT=$(srv_port)
    if ! mariadb-install-db --no-defaults --auth-root-authentication-method=normal \
        --datadir="$dir/data" --user="$user" --skip-test-db >"$dir/install.log" 2>&1; then
        SRV_SKIP="mariadb-install-db failed: $(tail -3 "$dir/install.log" | tr '\n' ' ')"
        return 1
    fi
    mariadbd --no-defaults --datadir="$dir/data" --socket="$DB_SOCK" --port="$DB_PORT" \
        --bind-address=127.0.0.1 --pid-file="$dir/pid" --user="$user" --skip-log-bin \
        --innodb-buffer-pool-size=16M --log-error="$dir/error.log" >/dev/null 2>&1 &
    SRV_PIDS+=($!)
    if ! srv_wait 60 db_root -e 'SELECT 1'; then
        SRV_SKIP="mariadbd did not start: $(tail -3 "$dir/error.log" 2>/dev/null | tr '\n' ' ')"
        return 1
    fi
    db_root <<SQL
CREATE DATABASE uplink;
CREATE USER 'uplink'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE USER 'uplink'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL ON uplink.* TO 'uplink'@'127.0.0.1';
GRANT ALL ON uplink.* TO 'uplink'@'localhost';
GRANT PROCESS ON *.* TO 'uplink'@'127.0.0.1';
CREATE TABLE uplink.products (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(64), price DECIMAL(8,2));
INSERT INTO uplink.products (name, price) VALUES ('cable', 4.50), ('switch', 89.00), ('router', 129.99);
CREATE TABLE uplink.contacts (id INT PRIMARY KEY AUTO_INCREMENT, email VARCHAR(64));
INSERT INTO uplink.contacts (email) VALUES ('a@example.org'), ('b@example.org');
CREATE TABLE uplink.empty_queue (id INT);
SQL
}

redis_cli() {
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"
}

redis_start() {
    srv_need redis-server redis-cli || return 1
    REDIS_PORT=${1:-$(srv_port)}
    mkdir -p "$T_TMP/redis"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize no --dir "$T_TMP/redis" --logfile "$T_TMP/redis/log" >/dev/null 2>&1 &
    REDIS_PID=$!
    SRV_PIDS+=($!)
    if ! srv_wait 20 sh -c "redis-cli -h 127.0.0.1 -p $REDIS_PORT PING | grep -q PONG"; then
        SRV_SKIP="redis-server did not start: $(tail -3 "$T_TMP/redis/log" 2>/dev/null | tr '\n' ' ')"
        return 1
    fi
}

redis_stop() {
    kill -9 "$REDIS_PID" 2>/dev/null
    wait "$REDIS_PID" 2>/dev/null
}

http_start() {
    srv_need python3 || return 1
    HTTP_PORT=$(srv_port)
    python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$1" >"$T_TMP/http.log" 2>&1 &
    SRV_PIDS+=($!)
    srv_wait 20 python3 -c "import socket; socket.create_connection(('127.0.0.1', $HTTP_PORT), 1)"
}

hang_start() {
    srv_need python3 || return 1
    HANG_PORT=$(srv_port)
    python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(64)
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # accepted, never answered, never closed
' "$HANG_PORT" >/dev/null 2>&1 &
    SRV_PIDS+=($!)
    srv_wait 20 python3 -c "import socket; socket.create_connection(('127.0.0.1', $HANG_PORT), 1)"
}

#!/usr/bin/env bash
# make bench, journal sync: a throwaway redis-server on a free loopback port,
# then bench/sync_bench against it; journals on a real disk under /var/tmp.
set -u
BUILD=${BUILD:-build}
if ! command -v redis-server >/dev/null 2>&1; then
    echo "skipped: redis-server is not installed (scripts/install-deps.sh installs it)"
    exit 0
fi
dir=$(mktemp -d /var/tmp/opsdeck-bench.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --dir "$dir" --logfile "$dir/redis.log" >/dev/null 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do
    redis-cli -p "$port" PING 2>/dev/null | grep -q PONG && break
    sleep 0.05
done
"$BUILD/bench/sync_bench" "$port" "$dir"

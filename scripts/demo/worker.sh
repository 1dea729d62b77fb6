#!/usr/bin/env bash
# The demo's stand-ins for uplink's background processes: real processes that
# write real lines, to stdout (the unit's journal) and to the log files the
# example plan tails under /var/log/uplink.
#   worker.sh huey      the task queue: takes tasks from Redis list huey.redis.uplink
#   worker.sh daphne    the ASGI server: WebSocket connects and disconnects
#   worker.sh cleanup   the daily cleanup (a oneshot: prints and exits)
set -u
LOG=/var/log/uplink
QUEUE=huey.redis.uplink
TASKS=(sync_fedex_tracking send_order_confirmation refresh_stock_levels
    import_prestashop_orders rebuild_search_index)

# log FILE LEVEL MESSAGE...: one line to the journal, the same line stamped to FILE
log() {
    echo "$2 ${*:3}"
    log_file "$@"
}
log_file() { echo "$(date '+%Y-%m-%d %H:%M:%S') $2 ${*:3}" >>"$LOG/$1"; }
rcli() { redis-cli -h 127.0.0.1 -p 6379 "$@" 2>/dev/null; }

# what system_health_check.sh (a cron job, not huey) would log: real figures of
# the private system
health_line() {
    local disk mem
    disk=$(df -P / | awk 'NR == 2 { print $5 }')
    mem=$(awk '/^MemTotal/ { t = $2 } /^MemAvailable/ { a = $2 } END { printf "%d%%", 100 - 100 * a / t }' /proc/meminfo)
    log_file system_health.log INFO "system_health_check: OK disk $disk memory $mem"
}

huey() {
    local n=0 task id len
    trap 'log django.log INFO "huey.consumer: received SIGTERM, shutting down"; exit 0' TERM
    log django.log INFO "huey.consumer: Huey consumer started with 2 threads, PID $$ at $(date -u '+%Y-%m-%d %H:%M:%S')"
    while :; do
        n=$((n + 1))
        # a random walk around a few pending tasks, so LLEN moves but stays small
        len=$(rcli LLEN "$QUEUE")
        if [ -z "$len" ]; then
            log error.log ERROR "huey.consumer: cannot reach Redis at 127.0.0.1:6379, retrying in 5s"
            sleep 5
            continue
        fi
        if [ "$len" -lt 8 ]; then
            for _ in $(seq 1 $((RANDOM % 3))); do
                rcli RPUSH "$QUEUE" "${TASKS[RANDOM % ${#TASKS[@]}]}:$(printf '%04x%04x' $RANDOM $RANDOM)" >/dev/null
            done
        fi
        id=$(rcli LPOP "$QUEUE")
        if [ -n "$id" ]; then
            task=${id%%:*} id=${id#*:}
            log django.log INFO "huey.consumer: Executing uplink.tasks.$task: $id"
            sleep 0.$((RANDOM % 8 + 1))
            log django.log INFO "huey.consumer: uplink.tasks.$task: $id executed in 0.$((RANDOM % 900 + 100))s"
        fi
        [ $((n % 7)) -eq 0 ] && log error.log ERROR "uplink.tasks.sync_fedex_tracking: FedEx API timed out after 30s, retry 1/3 scheduled"
        [ $((n % 11)) -eq 0 ] && log security.log WARNING "django.security.DisallowedHost: Invalid HTTP_HOST header: 'scanner.invalid'. You may need to add 'scanner.invalid' to ALLOWED_HOSTS."
        [ $((n % 5)) -eq 1 ] && health_line
        sleep 2
    done
}

daphne() {
    local n=0 port
    trap 'echo "INFO daphne: killed, shutting down"; exit 0' TERM
    echo "INFO daphne: Starting server at tcp:port=8001:interface=127.0.0.1 (opsdeck demo stand-in)"
    while :; do
        n=$((n + 1))
        port=$((40000 + RANDOM % 20000))
        echo "INFO daphne: 127.0.0.1:$port - - WSCONNECT /ws/orders/"
        sleep 3
        echo "INFO daphne: 127.0.0.1:$port - - WSDISCONNECT /ws/orders/"
        sleep 2
    done
}

cleanup() {
    local old
    echo "INFO cleanup_old_data: starting"
    old=$(find "$LOG" -name '*.log' -mtime +30 2>/dev/null | wc -l)
    echo "INFO cleanup_old_data: $old log files older than 30 days in $LOG"
    echo "INFO cleanup_old_data: deleted $((RANDOM % 40)) expired sessions"
    echo "INFO cleanup_old_data: done"
}

case ${1:-} in
huey | daphne | cleanup) "$1" ;;
*)
    echo "usage: worker.sh huey|daphne|cleanup" >&2
    exit 2
    ;;
esac

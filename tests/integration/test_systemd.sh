#!/usr/bin/env bash
# Integration: unit status, unit actions and journal tails against a real
# systemd — a private one booted in its own PID and mount namespaces on an
# overlay (tests/integration/lib_systemd.sh).  opsdeck runs inside it through
# nsenter, where the system bus and journald live.  Skipped by name, with the
# reason, where that cannot be done (not root, no systemd).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/integration/lib_systemd.sh
. tests/e2e/tmux.sh
trap 'tm_cleanup; sd_shutdown; rm -rf "$T_TMP"' EXIT

NAMES="status-initial status-running status-kill-restart status-failed-start status-stopped
status-restarts-counted status-text status-no-bus action-start action-restart action-reload
action-stop action-failed action-timeout action-dependency action-verbatim action-canceled
action-not-found action-dry-run action-journaled tail-journal tail-journal-follow
tail-journal-follow-flood tail-journal-escapes panel-services panel-state-change panel-escapes panel-unit-action"

if ! sd_can_boot || ! sd_boot; then
    for n in $NAMES; do t_skip "systemd-$n" "$SD_SKIP"; done
    exit 0
fi

sd_stage_opsdeck

cat >"$X/plan.yaml" <<PLAN
plan: systemd integration
services:
  - { unit: t-run.service, title: "A runner that ticks" }
  - { unit: t-fail.service }
  - { unit: t-idle.service }
  - { unit: t-ghost.service }
  - { unit: t-tick.timer }
  - { unit: t-db.service, critical: true }
logs:
  - { id: run, unit: t-run.service, highlight: [tick] }
  - { id: echo, unit: t-echo.service }
  - { id: esc, unit: t-esc.service }
  - { id: flood, unit: t-flood.service }
actions:
  - { id: start-idle, systemd.start: t-idle.service }
  - { id: restart-db, systemd.restart: [t-db.service, t-idle.service] }
  - { id: reload-db, systemd.reload: t-db.service }
  - { id: stop-db, systemd.stop: t-db.service }
  - { id: start-fail, systemd.start: t-fail.service }
  - { id: start-timeout, systemd.start: t-timeout.service }
  - { id: start-dep, systemd.start: t-dep.service }
  - { id: reload-idle, systemd.reload: t-stopped.service }
  - { id: start-slow, systemd.start: t-slow.service }
  - { id: start-ghost, systemd.start: t-ghost.service }
phases:
  - id: p1
    title: Phase one
    watch: [t-run.service, t-db.service, run]
    items: [ { id: p1.a, text: something } ]
PLAN

sd_unit t-run.service <<'U'
[Unit]
Description=Ticks twice a second
[Service]
ExecStart=/bin/sh -c 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.5; done'
Restart=always
RestartSec=100ms
U
sd_unit t-fail.service <<'U'
[Service]
Type=oneshot
ExecStart=/bin/false
U
sd_unit t-idle.service <<'U'
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
U
sd_unit t-db.service <<'U'
[Service]
ExecStart=/bin/sleep infinity
ExecReload=/bin/kill -HUP $MAINPID
U
sd_unit t-stopped.service <<'U'
[Service]
ExecStart=/bin/sleep infinity
ExecReload=/bin/true
U
# the job (not the service) times out: JobTimeoutSec
sd_unit t-timeout.service <<'U'
[Unit]
JobTimeoutSec=1s
[Service]
Type=notify
ExecStart=/bin/sleep infinity
TimeoutStartSec=60s
U
sd_unit t-slow.service <<'U'
[Service]
Type=notify
ExecStart=/bin/sleep infinity
TimeoutStartSec=60s
U
sd_unit t-dep.service <<'U'
[Unit]
Requires=t-fail.service
After=t-fail.service
[Service]
ExecStart=/bin/sleep infinity
U
sd_unit t-tick.timer <<'U'
[Timer]
OnCalendar=daily
U
sd_unit t-tick.service <<'U'
[Service]
ExecStart=/bin/true
U
sd_unit t-echo.service <<'U'
[Service]
Type=oneshot
ExecStart=/bin/echo marker-from-t-echo
U
sd_unit t-flood.service <<'U'
[Service]
Type=oneshot
LogRateLimitIntervalSec=0
ExecStart=/usr/bin/seq 1 20000
U
# escape sequences, a bell, invalid UTF-8 and an 8-bit CSI (U+009B) in one line
sd_unit t-esc.service <<'U'
[Service]
Type=oneshot
ExecStart=/bin/printf 'A \033]0;pwned\007 B \033[2J C \377\376 D \302\233 E \033]52;c;Zm9v\007 F\n'
U

# show UNIT: "load active sub" as systemctl says it
sd_show() { in_ns systemctl show -p LoadState,ActiveState,SubState --value "$1" | tr '\n' ' ' | sed 's/ $//'; }
# wait_unit UNIT ACTIVE SUB [SECONDS]: until systemctl reports it (bounded)
wait_unit() {
    local deadline=$((SECONDS + ${4:-15})) s
    while [ $SECONDS -lt $deadline ]; do
        s=$(in_ns systemctl show -p ActiveState,SubState --value "$1" | tr '\n' ' ')
        [ "$s" = "$2 $3 " ] && return 0
        sleep 0.05
    done
    return 1
}
UNITS="t-run.service t-fail.service t-idle.service t-ghost.service t-tick.timer t-db.service"

# differential: every unit of the plan as opsdeck status --json has it, against systemctl
status_diff() {
    local name=$1 json u ours theirs bad=""
    json=$(in_ns "$OD" status "$X/plan.yaml" --json $J 2>"$X/status.err")
    for u in $UNITS; do
        ours=$(printf '%s' "$json" | jq -r --arg u "$u" '.services[] | select(.unit == $u) | "\(.load) \(.active) \(.sub)"')
        theirs=$(sd_show "$u")
        [ "$ours" = "$theirs" ] || bad="$bad $u: opsdeck '$ours' systemctl '$theirs';"
    done
    if [ -z "$bad" ] && [ -n "$json" ]; then t_ok "systemd-$name"; else t_fail "systemd-$name" "$bad" "$(cat "$X/status.err")"; fi
}

status_diff status-initial
in_ns systemctl start t-run.service t-tick.timer t-idle.service >/dev/null 2>&1
wait_unit t-run.service active running
status_diff status-running

pid=$(in_ns systemctl show -p MainPID --value t-run.service)
in_ns kill -9 "$pid"
deadline=$((SECONDS + 15))
while [ $SECONDS -lt $deadline ]; do
    [ "$(in_ns systemctl show -p NRestarts --value t-run.service)" = 1 ] && wait_unit t-run.service active running 1 && break
    sleep 0.05
done
status_diff status-kill-restart
json=$(in_ns "$OD" status "$X/plan.yaml" --json $J 2>/dev/null)
r=$(printf '%s' "$json" | jq -r '.services[] | select(.unit == "t-run.service") | "\(.restarts) \(.main_pid != '"$pid"') \(.main_pid > 0)"')
equals systemd-status-restarts-counted "1 true true" "$r"

in_ns systemctl start t-fail.service >/dev/null 2>&1
wait_unit t-fail.service failed failed
status_diff status-failed-start
in_ns systemctl stop t-run.service
wait_unit t-run.service inactive dead
status_diff status-stopped
out=$(in_ns "$OD" status "$X/plan.yaml" $J 2>&1)
contains systemd-status-text "t-fail.service                   loaded     failed     failed" "$out"

# outside the namespace there is no system bus here: the reason, not a hang
if [ ! -S /run/dbus/system_bus_socket ]; then
    out=$("$OPSDECK" status "$X/plan.yaml" --json $J 2>/dev/null | jq -r '.services[0] | "\(.active) \(.error)"')
    contains systemd-status-no-bus "unknown cannot reach the system bus" "$out"
else
    t_skip systemd-status-no-bus "this host has a system bus"
fi

# ---- actions: opsdeck run, each job followed to its result ----
# run_action NAME ACTION CODE RESULT: exit CODE and action-end result RESULT
run_action() {
    local name=$1 action=$2 code=$3 result=$4 out rc got
    out=$(in_ns "$OD" run "$X/plan.yaml" "$action" --yes $J 2>&1)
    rc=$?
    got=$(in_ns "$OD" history "$X/plan.yaml" --json $J 2>/dev/null | jq -r --arg a "$action" 'select(.type == "action-end" and .action == $a) | .result' | tail -1)
    if [ "$rc" -eq "$code" ] && [ "$got" = "$result" ]; then
        t_ok "systemd-$name"
    else
        t_fail "systemd-$name" "expected exit $code result '$result', got exit $rc result '$got'" "$out"
    fi
}
run_action action-start start-idle 0 done
run_action action-restart restart-db 0 done
wait_unit t-db.service active running
run_action action-reload reload-db 0 done
run_action action-stop stop-db 0 done
run_action action-failed start-fail 1 failed
run_action action-timeout start-timeout 1 timeout
run_action action-dependency start-dep 1 dependency
# anything else systemd answers is a failure, shown as it said it
run_action action-verbatim reload-idle 1 invalid
# a job another client replaces while it runs: canceled
in_ns sh -c "'$OD' run '$X/plan.yaml' start-slow --yes $J >'$X/slow.out' 2>&1; echo \$? >'$X/slow.rc'" &
slow_pid=$!
deadline=$((SECONDS + 15))
while [ $SECONDS -lt $deadline ]; do
    [ "$(in_ns systemctl show -p ActiveState --value t-slow.service)" = activating ] && break
    sleep 0.05
done
in_ns systemctl stop --no-block t-slow.service
wait "$slow_pid"
got=$(in_ns "$OD" history "$X/plan.yaml" --json $J 2>/dev/null | jq -r 'select(.type == "action-end" and .action == "start-slow") | .result')
if [ "$(cat "$X/slow.rc" 2>/dev/null)" = 1 ] && [ "$got" = canceled ]; then t_ok systemd-action-canceled; else
    t_fail systemd-action-canceled "exit $(cat "$X/slow.rc" 2>/dev/null), result '$got'" "$(cat "$X/slow.out")"; fi
run_action action-not-found start-ghost 1 not-found
before=$(sd_show t-idle.service)
in_ns systemctl stop t-idle.service
out=$(in_ns "$OD" run "$X/plan.yaml" start-idle --dry-run $J 2>&1)
if [[ $out == *'destination=org.freedesktop.systemd1 path=/org/freedesktop/systemd1 interface=org.freedesktop.systemd1.Manager method=StartUnit args=("t-idle.service", "replace")'* ]] &&
    [ "$(sd_show t-idle.service)" = "loaded inactive dead" ]; then t_ok systemd-action-dry-run; else
    t_fail systemd-action-dry-run "before: $before now: $(sd_show t-idle.service)" "$out"; fi
n=$(in_ns "$OD" history "$X/plan.yaml" --json $J 2>/dev/null | jq -s '[.[] | select(.type == "action-start")] | length')
equals systemd-action-journaled 10 "$n"

# ---- journal tails ----
in_ns systemctl start t-run.service
deadline=$((SECONDS + 10))
while [ $SECONDS -lt $deadline ]; do
    out=$(in_ns "$OD" tail "$X/plan.yaml" run -n 3 2>&1)
    [ "$(printf '%s\n' "$out" | grep -c 'sh\[[0-9]*\]: tick [0-9]*$')" -ge 3 ] && break
    sleep 0.1
done
if [ "$(printf '%s\n' "$out" | wc -l)" -eq 3 ] && [ "$(printf '%s\n' "$out" | grep -c 'sh\[[0-9]*\]: tick [0-9]*$')" -ge 2 ]; then
    t_ok systemd-tail-journal
else
    t_fail systemd-tail-journal "$out"
fi

in_ns sh -c "'$OD' tail '$X/plan.yaml' echo -n 0 -f >'$X/follow.out' 2>&1 & echo \$! >'$X/follow.pid'; wait" &
follow_pid=$!
deadline=$((SECONDS + 10))
while [ $SECONDS -lt $deadline ] && [ ! -s "$X/follow.pid" ]; do sleep 0.05; done
sleep 0.3
in_ns systemctl start t-echo.service
deadline=$((SECONDS + 10))
while [ $SECONDS -lt $deadline ] && ! grep -q 'marker-from-t-echo' "$X/follow.out"; do sleep 0.05; done
contains systemd-tail-journal-follow "echo[" "$(grep marker-from-t-echo "$X/follow.out")"
in_ns kill "$(cat "$X/follow.pid")"
wait "$follow_pid"

# a unit that never logged before, then floods: every line, in order
in_ns sh -c "'$OD' tail '$X/plan.yaml' flood -n 0 -f >'$X/flood.out' 2>&1 & echo \$! >'$X/flood.pid'; wait" &
flood_pid=$!
deadline=$((SECONDS + 10))
while [ $SECONDS -lt $deadline ] && [ ! -s "$X/flood.pid" ]; do sleep 0.05; done
sleep 0.3
in_ns systemctl start t-flood.service
deadline=$((SECONDS + 20))
while [ $SECONDS -lt $deadline ] && ! grep -q 'seq\[[0-9]*\]: 20000$' "$X/flood.out"; do sleep 0.05; done
in_ns kill "$(cat "$X/flood.pid")"
wait "$flood_pid"
got=$(sed -n 's/.*seq\[[0-9]*\]: \([0-9]*\)$/\1/p' "$X/flood.out" | cksum)
if [ "$got" = "$(seq 1 20000 | cksum)" ]; then t_ok systemd-tail-journal-follow-flood; else
    t_fail systemd-tail-journal-follow-flood "$(grep -c 'seq\[' "$X/flood.out") of 20000 lines" "$(head -3 "$X/flood.out")"; fi

in_ns systemctl start t-esc.service
out=$(in_ns "$OD" tail "$X/plan.yaml" esc -n 5 2>&1)
if [[ $out == *'A \e]0;pwned\x07 B \e[2J C \xff\xfe D \u009b E \e]52;c;Zm9v\x07 F'* ]] &&
    printf '%s\n' "$out" | "$TOOLS/termsafe" >/dev/null 2>&1; then
    t_ok systemd-tail-journal-escapes
else
    t_fail systemd-tail-journal-escapes "$out" "$(printf '%s\n' "$out" | "$TOOLS/termsafe" 2>&1)"
fi

# ---- the panel, in tmux, inside the namespace ----
if ! command -v tmux >/dev/null; then
    for n in panel-services panel-state-change panel-escapes panel-unit-action; do t_skip "systemd-$n" "tmux is not installed"; done
    exit 0
fi
in_ns systemctl start t-db.service
tm_start 160 40 "nsenter -t $SD_PID -m -p $OD $J $X/plan.yaml"
wait_for "p1" 10
tm_keys 3
expect_screen systemd-panel-services "t-run.service                  active/running" 10
in_ns systemctl stop t-run.service
expect_screen systemd-panel-state-change "t-run.service                  inactive/dead" 5
tm_keys 4
wait_for "Logs — " 5
for _ in 1 2 3 4; do
    tm_screen | grep -q 'Logs — esc' && break
    tm_keys ']'
    sleep 0.2
done
expect_screen systemd-panel-escapes 'A \e]0;pwned\x07 B \e[2J C \xff\xfe D \u009b E' 5
title=$(tm display-message -p -t t '#{pane_title}')
[ "$title" != pwned ] || t_fail systemd-panel-escapes-title "the log line retitled the pane"
tm_keys 3
sleep 0.2
# watched first, in plan order: t-run.service, then t-db.service
tm_keys g
sleep 0.1
tm_keys j
sleep 0.1
tm_keys R
wait_for "Type 't-db.service' to confirm" 5
tm_keys t-db.service Enter
if wait_for "systemd.restart:t-db.service: done" 15 &&
    in_ns "$OD" history "$X/plan.yaml" --json $J | jq -e 'select(.type == "action-end" and .action == "systemd.restart:t-db.service" and .result == "done")' >/dev/null; then
    t_ok systemd-panel-unit-action
else
    t_fail systemd-panel-unit-action "$(tm_screen | tail -8)"
fi
tm_keys q

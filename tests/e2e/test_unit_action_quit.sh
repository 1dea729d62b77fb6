#!/usr/bin/env bash
# Quitting while a unit action runs (tmux, a private systemd): the panel asks
# first and says the job keeps running in systemd; on quit the action-end is
# journaled ("detached", once) and systemd still finishes the job.  The same for
# a systemd.* plan action in the action pane, and for `opsdeck run ... --yes`
# stopped by SIGTERM mid-job, and for a panel stopped by SIGTERM.  Skipped by name, with the reason, without root
# or systemd (tests/integration/lib_systemd.sh).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/integration/lib_systemd.sh
. tests/e2e/tmux.sh
trap 'tm_cleanup; sd_shutdown; rm -rf "$T_TMP"' EXIT

NAMES="unit-quit-asks unit-quit-no-keeps-running unit-quit-no-journals-done unit-quit-asks-again
unit-quit-exits unit-quit-journaled-once unit-quit-job-finishes unit-sigterm-journaled-once pane-quit-asks pane-quit-exits
pane-quit-journaled-once pane-quit-job-finishes run-sigterm-stops run-sigterm-journaled-once
run-sigterm-job-finishes run-sigterm-rest-untouched"
skip_all() { for n in $NAMES; do t_skip "systemd-$n" "$1"; done; exit 0; }

command -v tmux >/dev/null || skip_all "tmux is not installed"
command -v jq >/dev/null || skip_all "jq is not installed"
if ! sd_can_boot || ! sd_boot; then
    skip_all "$SD_SKIP"
fi

sd_stage_opsdeck

cat >"$X/plan.yaml" <<PLAN
plan: unit action quit
services:
  - { unit: t-slow.service }
actions:
  - { id: start-slower, systemd.start: t-slower.service }
  - { id: start-sig, systemd.start: [t-sig.service, t-after.service] }
phases:
  - id: p1
    title: Phase one
    items:
      - { id: p1.a, text: Start the slower one, action: start-slower }
PLAN
# jobs that take a while: the start job runs until ExecStart= ends
for u in t-slow:4 t-slower:12 t-sig:4 t-after:0; do
    sd_unit "${u%%:*}.service" <<U
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sleep ${u##*:}
U
done

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
# history ACTION TYPE: the records of that type for that action, one JSON per line
history() {
    in_ns "$OD" history "$X/plan.yaml" --json $J 2>/dev/null |
        jq -c --arg a "$1" --arg t "$2" 'select(.action == $a and .type == $t)'
}
# journaled_once NAME ACTION RESULT: one action-start and one action-end with
# RESULT, by alice, the end with an exit status (0 only for done) and, when
# detached, an error saying the job keeps running in systemd
journaled_once() {
    local name=$1 action=$2 result=$3 starts ends end
    starts=$(history "$action" action-start | wc -l)
    ends=$(history "$action" action-end | wc -l)
    end=$(history "$action" action-end | tail -1)
    if [ "$starts" = 1 ] && [ "$ends" = 1 ] &&
        printf '%s' "$end" | jq -e --arg r "$result" '.result == $r and .by == "alice" and (.exit == 0) == ($r == "done") and (.at | length > 0)' >/dev/null &&
        { [ "$result" != detached ] || printf '%s' "$end" | jq -e '.error | test("keeps running in systemd")' >/dev/null; }; then
        t_ok "systemd-$name"
    else
        t_fail "systemd-$name" "starts $starts, ends $ends" "end: $end"
    fi
}

# ---- view 3: s on a unit, then q while its job runs ----
tm_start 160 40 "nsenter -t $SD_PID -m -p $OD $J --as alice $X/plan.yaml"
wait_for "p1" 10
tm_keys 3
wait_for "t-slow.service                 inactive/dead" 10
tm_keys s
wait_for "start t-slow.service?" 5
tm_keys y
wait_for "t-slow.service                 activating/start" 5
tm_keys q
if wait_for "still running. Quit anyway?" 5 && wait_for "quitting does not cancel it" 1; then
    t_ok systemd-unit-quit-asks
else
    t_fail systemd-unit-quit-asks "$(tm_screen | head -30)"
fi
# n: the panel stays, follows the job to its end and journals it as usual
tm_keys n
sleep 0.3
not_contains systemd-unit-quit-no-keeps-running "EXITED" "$(tm_screen)"
if wait_for "systemd.start:t-slow.service: done" 15; then
    journaled_once unit-quit-no-journals-done systemd.start:t-slow.service done
else
    t_fail systemd-unit-quit-no-journals-done "$(tm_screen | tail -5)"
fi
# again, and this time quit
in_ns systemctl stop t-slow.service
wait_for "t-slow.service                 inactive/dead" 10
tm_keys s
wait_for "start t-slow.service?" 5
tm_keys y
wait_for "t-slow.service                 activating/start" 5
tm_keys q
expect_screen systemd-unit-quit-asks-again "still running. Quit anyway?" 5
tm_keys y
expect_screen systemd-unit-quit-exits "EXITED 0" 10
# the second run: its start and its end, detached
starts=$(history systemd.start:t-slow.service action-start | wc -l)
end=$(history systemd.start:t-slow.service action-end | tail -1)
ends=$(history systemd.start:t-slow.service action-end | wc -l)
if [ "$starts" = 2 ] && [ "$ends" = 2 ] &&
    printf '%s' "$end" | jq -e '.result == "detached" and .by == "alice" and .exit == 1 and (.error | test("keeps running in systemd")) and (.job | startswith("/org/freedesktop/systemd1/job/"))' >/dev/null; then
    t_ok systemd-unit-quit-journaled-once
else
    t_fail systemd-unit-quit-journaled-once "starts $starts (want 2), ends $ends (want 2)" "last end: $end"
fi
if wait_unit t-slow.service active exited 15; then t_ok systemd-unit-quit-job-finishes; else
    t_fail systemd-unit-quit-job-finishes "t-slow.service: $(in_ns systemctl is-active t-slow.service)"; fi

# ---- SIGTERM to the panel (no dialog): the same end record ----
rm -f "$X/panel.pid"
in_ns systemctl stop t-slow.service
tm_start 160 40 "nsenter -t $SD_PID -m -p sh -c 'echo \$\$ >$X/panel.pid; exec $OD $J --as alice $X/plan.yaml'"
wait_for "p1" 10
tm_keys 3
wait_for "t-slow.service                 inactive/dead" 10
tm_keys s
wait_for "start t-slow.service?" 5
tm_keys y
wait_for "t-slow.service                 activating/start" 5
in_ns kill -TERM "$(cat "$X/panel.pid")"
wait_for "EXITED" 10
starts=$(history systemd.start:t-slow.service action-start | wc -l)
ends=$(history systemd.start:t-slow.service action-end | wc -l)
if [ "$starts" = 3 ] && [ "$ends" = 3 ] &&
    history systemd.start:t-slow.service action-end | tail -1 | jq -e '.result == "detached" and .by == "alice"' >/dev/null; then
    t_ok systemd-unit-sigterm-journaled-once
else
    t_fail systemd-unit-sigterm-journaled-once "starts $starts (want 3), ends $ends (want 3)" "$(history systemd.start:t-slow.service action-end | tail -1)"
fi
wait_unit t-slow.service active exited 15

# ---- the action pane: a systemd.* plan action (12 s) from the checklist ----
tm_start 160 40 "nsenter -t $SD_PID -m -p $OD $J --as alice $X/plan.yaml"
wait_for "p1" 10
tm_keys 2
wait_for "Start the slower one" 5
tm_keys Enter
wait_for "Run this action?" 5
tm_keys y
wait_for "start-slower: running" 5
tm_keys q
if wait_for "still running. Quit anyway?" 5 && wait_for "quitting does not cancel it" 1; then
    t_ok systemd-pane-quit-asks
else
    t_fail systemd-pane-quit-asks "$(tm_screen | head -30)"
fi
tm_keys y
# the job has seconds to go: the panel does not wait for it
if wait_for "EXITED 0" 5 && [ "$(in_ns systemctl is-active t-slower.service)" = activating ]; then
    t_ok systemd-pane-quit-exits
else
    t_fail systemd-pane-quit-exits "t-slower.service: $(in_ns systemctl is-active t-slower.service)" "$(tm_screen | tail -8)"
fi
journaled_once pane-quit-journaled-once start-slower detached
if wait_unit t-slower.service active exited 20; then t_ok systemd-pane-quit-job-finishes; else
    t_fail systemd-pane-quit-job-finishes "t-slower.service: $(in_ns systemctl is-active t-slower.service)"; fi
tm_cleanup

# ---- opsdeck run ... --yes, SIGTERM while the first job runs ----
rm -f "$X/run.pid" "$X/run.rc"
in_ns sh -c "'$OD' run '$X/plan.yaml' start-sig --yes --as alice $J >'$X/run.out' 2>&1 & echo \$! >'$X/run.pid'; wait \$!; echo \$? >'$X/run.rc'" &
run_sh=$!
wait_unit t-sig.service activating start 10
in_ns kill -TERM "$(cat "$X/run.pid")"
deadline=$((SECONDS + 3))
while [ $SECONDS -lt $deadline ] && [ ! -s "$X/run.rc" ]; do sleep 0.05; done
if [ "$(cat "$X/run.rc" 2>/dev/null)" = 1 ] && [ "$(in_ns systemctl is-active t-sig.service)" = activating ]; then
    t_ok systemd-run-sigterm-stops
else
    t_fail systemd-run-sigterm-stops "exit '$(cat "$X/run.rc" 2>/dev/null)' (want 1 while the job still runs), t-sig.service: $(in_ns systemctl is-active t-sig.service)" "$(cat "$X/run.out")"
fi
wait "$run_sh"
journaled_once run-sigterm-journaled-once start-sig detached
if wait_unit t-sig.service active exited 15; then t_ok systemd-run-sigterm-job-finishes; else
    t_fail systemd-run-sigterm-job-finishes "t-sig.service: $(in_ns systemctl is-active t-sig.service)"; fi
if [ "$(in_ns systemctl is-active t-after.service)" = inactive ] &&
    history start-sig action-end | jq -e '.error | test("1 more unit not touched")' >/dev/null; then
    t_ok systemd-run-sigterm-rest-untouched
else
    t_fail systemd-run-sigterm-rest-untouched "t-after.service: $(in_ns systemctl is-active t-after.service)" "$(history start-sig action-end)"
fi

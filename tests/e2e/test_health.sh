#!/usr/bin/env bash
# View 5 in a real terminal (tmux): the checks with their status, the evidence
# gate on Space, the header badge, the wallboard's failing checks, and a panel
# that keeps answering keys while a check hangs on a listener that never answers.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
. "$(dirname "$0")/../integration/lib_servers.sh"
if ! command -v tmux >/dev/null; then
    t_fail "tmux is installed" "scripts/install-deps.sh installs it"
    exit 0
fi
mkdir -p "$T_TMP/www"
echo hello >"$T_TMP/www/index.html"
if ! http_start "$T_TMP/www" || ! hang_start; then
    t_skip "health view" "${SRV_SKIP:-the local servers did not start}"
    exit 0
fi
PLAN="$T_TMP/health.yaml"
J="$T_TMP/health.journal"
cat >"$PLAN" <<EOF
plan: Health weekend
checks:
  - { id: root-disk, kind: disk, path: /, warn: "99%" }
  - { id: page, kind: http, url: "http://127.0.0.1:$HTTP_PORT/index.html", expect: 200, interval: 2 }
  - { id: wrong, kind: http, url: "http://127.0.0.1:$HTTP_PORT/missing", expect: 200, interval: 2 }
  - { id: stuck, kind: http, url: "http://127.0.0.1:$HANG_PORT/", expect: 200, timeout: 8, interval: 30 }
phases:
  - id: go
    title: Go live
    watch: [page]
    items:
      - { id: go.page, text: Page is served, check: page }
      - { id: go.wrong, text: Missing page is there, check: wrong }
EOF

tm_start 160 40 "$OPSDECK" --state "$J" --as alice "$PLAN"
expect_screen "the panel opens" "Health weekend"
# the stuck check is in flight for 8 s from now: keys must answer meanwhile
tm_keys 5
start=$(date +%s%N)
if wait_for "Enter: run the selected check now" 3; then
    ms=$((($(date +%s%N) - start) / 1000000))
    t_ok "5 opens the health view while a check hangs (${ms} ms)"
else
    t_fail "5 opens the health view while a check hangs" "$(tm_screen | head -20)"
fi
expect_screen "the phase's watched checks come first" "Watched by go"
expect_screen "a passing http check shows ok and its value" "[ ok ] page"
expect_screen "a failing check shows FAIL" "[FAIL] wrong"
expect_screen "with its error" "HTTP 404"
expect_screen "the disk check shows its percent" "root-disk"
expect_screen "the header has a badge for failing checks" "CHECK" 5
for key in 1 5 1 5; do
    start=$(date +%s%N)
    tm_keys "$key"
    want=$([ "$key" = 1 ] && echo "critical path" || echo "Enter: run the selected check now")
    if wait_for "$want" 3; then
        ms=$((($(date +%s%N) - start) / 1000000))
        t_ok "key $key answers while 'stuck' waits (${ms} ms)"
    else
        t_fail "key $key answers while 'stuck' waits" "$(tm_screen | head -20)"
    fi
done
if tm_screen | grep -q "stuck.*\(running\|not yet\)"; then
    t_ok "the hanging check shows as running, not as a result"
else
    t_fail "the hanging check shows as running" "$(tm_screen | grep stuck)"
fi
expect_screen "after its timeout the hanging check fails with the reason" "no answer within 8" 15

# the evidence gate on Space
tm_keys 2
expect_screen "the checklist" "Page is served"
tm_keys Space
expect_screen "an ok check lets the tick through, with its value" "check page is ok, value 200"
if tail -1 "$J" | jq -e '.check == "page" and .check_status == "ok" and .check_value == "200"' >/dev/null; then
    t_ok "the tick records the check's value"
else
    t_fail "the tick records the check's value" "$(tail -1 "$J")"
fi
tm_keys j Space
expect_screen "a failing check refuses the tick" "Cannot tick 'go.wrong': check 'wrong' is fail"
expect_screen "and says how to override" "Press o to tick it with a reason"
tm_keys o
expect_screen "o asks for a reason" "Override"
tm_keys -l "page ships Monday"
tm_keys Enter
expect_screen "the override is journaled" "Override journaled"
if tail -1 "$J" | jq -e '.reason == "page ships Monday" and .check_status == "fail"' >/dev/null; then
    t_ok "the override records the reason and the check's status"
else
    t_fail "the override records the reason and the check's status" "$(tail -1 "$J")"
fi
tm_keys q

tm_start 160 48 "$OPSDECK" --wallboard --state "$J" "$PLAN"
expect_screen "the wallboard lists the failing checks" "Failing checks" 10
expect_screen "by id" "wrong"

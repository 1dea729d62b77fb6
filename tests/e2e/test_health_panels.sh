#!/usr/bin/env bash
# View 5's git, database and Redis panels in a real terminal (tmux), against a
# repository made here, MariaDB, Redis and a listener that accepts and never
# answers: real values on screen, a hostile commit subject shown escaped, a
# Redis that dies costing one red badge with its reason and retry (and coming
# back), a hung database costing one red badge after its timeout, and keys
# answering all the while.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
. "$(dirname "$0")/../integration/lib_servers.sh"
for c in tmux git; do
    if ! command -v "$c" >/dev/null; then
        t_fail "$c is installed" "scripts/install-deps.sh installs it"
        exit 0
    fi
done
if ! db_start; then
    t_skip "health panels" "$SRV_SKIP"
    exit 0
fi
if ! redis_start || ! hang_start; then
    t_skip "health panels" "${SRV_SKIP:-the local servers did not start}"
    exit 0
fi
export HOME="$T_TMP/home"
mkdir -p "$HOME"
printf '[user]\n\tname = Test\n\temail = t@example.org\n[init]\n\tdefaultBranch = main\n' \
    >"$HOME/.gitconfig"
APP="$T_TMP/app"
q() { "$@" >/dev/null 2>&1; }
q git init "$APP"
echo one >"$APP/a.txt"
q git -C "$APP" add a.txt
q git -C "$APP" commit -m "Ship the uplink release"
q git -C "$APP" tag -a v2.0 -m v2.0

# one_row NAME TEXT PATTERN: the screen's row holding TEXT matches the grep PATTERN
one_row() {
    if tm_screen | grep -F -- "$2" | grep -q -- "$3"; then
        t_ok "$1"
    else
        t_fail "$1" "row: $(tm_screen | grep -F -- "$2")"
    fi
}

export T_DB_PASSWORD="$DB_PASS"
PLAN="$T_TMP/panels.yaml"
J="$T_TMP/panels.journal"
cat >"$PLAN" <<EOF
plan: Panels weekend
repo: { path: app }
databases:
  - { id: main, host: 127.0.0.1, port: $DB_PORT, user: uplink, database: uplink, password_env: T_DB_PASSWORD }
  - { id: stuck, host: 127.0.0.1, port: $HANG_PORT, user: uplink, database: uplink, password_env: T_DB_PASSWORD }
redis:
  - { id: queue, url: "redis://127.0.0.1:$REDIS_PORT/0" }
checks:
  - { id: root-disk, kind: disk, path: /, warn: "99%" }
phases:
  - { id: go, title: Go live, watch: [root-disk], items: [{ id: go.1, text: Ship it }] }
EOF

# nothing is probed while another view shows: from before the panel starts, Redis
# sees no connection while view 1 shows (the plan's only check is a disk check);
# the first comes once view 5 is drawn (each redis-cli asking counts as one itself)
conns() { redis_cli INFO stats | tr -d '\r' | sed -n 's/^total_connections_received://p'; }
c0=$(conns)
tm_start 200 60 env T_DB_PASSWORD="$DB_PASS" "$OPSDECK" --state "$J" --as alice "$PLAN"
expect_screen "the panel opens" "Panels weekend"
sleep 3
c1=$(conns)
equals "no probe while view 1 shows" "$((c0 + 1))" "$c1"
# 'stuck' is probing for 5 s from now (the panels' client timeout): keys answer meanwhile
tm_keys 5
expect_screen "5 opens the health view" "Enter: run the selected check or probe now" 3
for key in 1 5; do
    want=$([ "$key" = 1 ] && echo "critical path" || echo "Enter: run the selected check or probe now")
    tm_keys "$key"
    expect_screen "key $key answers while the hung database is probed" "$want" 3
done
expect_screen "the checks come first" "[ ok ] root-disk"
ok=0 asked=1
for _ in $(seq 50); do
    asked=$((asked + 1))
    [ "$(conns)" -gt "$((c1 + asked - 1))" ] && ok=1 && break
    sleep 0.1
done
equals "view 5 probes Redis once it shows" 1 "$ok"
expect_screen "the git panel shows the branch" "on main"
expect_screen "... HEAD's short hash and subject" \
    "HEAD $(git -C "$APP" rev-parse --short=7 HEAD) Ship the uplink release"
expect_screen "... describe" "describe $(git -C "$APP" describe)"
expect_screen "the database panel shows the server's version" \
    "server $(db_user 'SELECT VERSION()')"
expect_screen "... connections against max_connections" \
    "/$(db_user 'SELECT @@max_connections') · slow queries"
expect_screen "... the largest tables" "uplink.products"
expect_screen "the Redis panel shows the role and version" \
    "$(redis_cli ROLE | head -1) · Redis $(redis_cli INFO server | tr -d '\r' | sed -n 's/^redis_version://p')"
one_row "the hung database shows as probing, not as an answer" stuck "\[ \.\. \] stuck.*probing"
expect_screen "after its timeout the hung database costs one red badge with the reason" \
    "[FAIL] stuck" 15
expect_screen "... which says it did not answer" "no answer within 5 s" 5
expect_screen "... and when it retries" "retrying in" 5
one_row "badge, retry and reason are on one row" stuck \
    "FAIL.*retrying in [0-9]* s · .*no answer within 5 s"

# a hostile commit subject: escape sequences, C1, BEL, invalid UTF-8.  git commit
# would re-encode invalid UTF-8, so the commit object is written as it is.
echo two >>"$APP/a.txt"
q git -C "$APP" add a.txt
now=$(date +%s)
hostile=$({
    printf 'tree %s\nparent %s\n' "$(git -C "$APP" write-tree)" "$(git -C "$APP" rev-parse HEAD)"
    printf 'author T <t@example.org> %s +0000\ncommitter T <t@example.org> %s +0000\n\n' "$now" "$now"
    printf 'Deploy \033[2J\033]0;pwned\007 \033]52;c;cHduZWQ=\007 c1:\302\233 raw:\233 '
    printf 'bell:\007 bad:\377\376 end\n'
} | git -C "$APP" hash-object -t commit -w --stdin)
q git -C "$APP" update-ref HEAD "$hostile"
if git -C "$APP" cat-file commit HEAD | grep -qaF "$(printf 'raw:\233 ')"; then
    t_ok "the hostile commit holds the raw bytes"
else
    t_fail "the hostile commit holds the raw bytes" "$(git -C "$APP" cat-file commit HEAD | od -c | tail -5)"
fi
expect_screen "a new commit reaches the git panel (refreshed on its own)" "Deploy \\e[2J" 20
screen=$(tm_screen)
contains "OSC 0 (title) is shown escaped" '\e]0;pwned\x07' "$screen"
contains "OSC 52 (clipboard) is shown escaped" '\e]52;c;cHduZWQ=\x07' "$screen"
contains "a C1 CSI (U+009B) is shown escaped" 'c1:\u009b' "$screen"
contains "a raw 0x9b byte is shown escaped" 'raw:\x9b' "$screen"
contains "BEL is shown escaped" 'bell:\x07' "$screen"
contains "invalid UTF-8 is shown escaped" 'bad:\xff\xfe' "$screen"
if tm_screen | "$TOOLS/termsafe" >/dev/null 2>&1; then
    t_ok "the screen holds nothing raw"
else
    t_fail "the screen holds nothing raw" "$(tm_screen | "$TOOLS/termsafe" 2>&1 | head -3)"
fi
title=$(tm display-message -p -t t '#{pane_title}')
not_contains "the terminal's title was not changed" "pwned" "$title"
expect_screen "the rest of the screen is still there (no clear)" "Panels weekend"

# Redis dies: one red badge with the reason and the retry; keys answer; it comes back
redis_stop
expect_screen "redis killed: one red badge" "[FAIL] queue" 20
expect_screen "... with the reason" "Connection refused" 5
one_row "... and when it retries, on the same row" "] queue" \
    "FAIL.*retrying in [0-9]* s · .*Redis 'queue'.*Connection refused"
expect_screen "the header counts the targets down" "panels: 2 of 4 down"
tm_keys 1
expect_screen "keys answer while Redis is down" "critical path" 3
tm_keys 5
expect_screen "back to the health view" "Enter: run the selected check or probe now" 3
redis_start "$REDIS_PORT" >/dev/null
expect_screen "redis back: the badge turns ok (retried with backoff)" "[ ok ] queue" 30

# Enter on a target's row probes it now
tm_keys /
tm_keys -l "queue"
tm_keys Enter
tm_keys Enter
expect_screen "Enter on a target probes it now" "Probing redis 'queue'" 5
tm_keys q
tm_keys y
if grep -qF -- "$DB_PASS" "$J" 2>/dev/null || tm_screen | grep -qF -- "$DB_PASS"; then
    t_fail "the password is neither on screen nor in the journal"
else
    t_ok "the password is neither on screen nor in the journal"
fi

#!/usr/bin/env bash
# Hostile bytes through the panel (issue 7), read back from the screen tmux shows.
# A commit object holding ESC [2J, OSC 0 set-title, OSC 52 clipboard, BEL, 8-bit CSI
# 0x9b and U+009B, overlong, invalid and cut UTF-8, a bidi override, CR and BS
# overwrites: its subject in the action pane of a git.checkout and in view 5's git
# panel (HEAD).  The same bytes as a Redis value and echoed in a Redis error (view 5),
# as a log line (view 4); plan texts (phase title, item text) and a note (views 1, 2
# and 6).  On every screen the text must show escaped (\e[2J, \e]0;pwned\x07, \x9b ...),
# the capture must pass build/tools/termsafe, and tmux must have seen nothing happen:
# the pane title unchanged, no paste buffer (set-clipboard is on, so an OSC 52 would
# make one), no bell, the header and key bar not cleared.  A control run first shows
# that those detectors do fire on raw bytes.  Then the same texts through the command
# line: run (and --dry-run), status, tail, history and report.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
. "$(dirname "$0")/../integration/lib_servers.sh"
if ! command -v tmux >/dev/null || ! command -v git >/dev/null; then
    t_skip "hostile bytes in the panel" "tmux or git is not installed"
    exit 0
fi
SAFE=$TOOLS/termsafe
if [ ! -x "$SAFE" ]; then
    t_skip "hostile bytes in the panel" "build/tools/termsafe is not built"
    exit 0
fi
export HOME="$T_TMP/home"
mkdir -p "$HOME"
printf '[user]\n\tname = T\n\temail = t@example.org\n[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"

# Raw bytes (commit object, Redis, log file) and their UTF-8-only subset (plan, note).
RAW=$'s \e[2J clr \e]0;pwned\a ttl \e]52;c;cm0gLXJmIH4=\a clip \x9b31m \u009b32m bel \a ovl \xc0\xaf bad \xff cut \xe2\x82 bidi \u202eevil\u202c over\rWRITE back\b\bX end'
TEXT=$'\e[2J clr \e]0;pwned\a ttl \e]52;c;cm0gLXJmIH4=\a c1 \u009b31m \u202eevil\u202c over\rWRITE back\b\bX bel \a'
# how they must show (a few telling pieces)
RAW_SHOWN=('s \e[2J clr \e]0;pwned\x07 ttl \e]52;c;cm0gLXJmIH4=\x07 clip \x9b31m \u009b32m bel \x07 ovl \xc0\xaf bad \xff cut \xe2\x82 bidi \u202eevil\u202c')
TEXT_SHOWN='\e[2J clr \e]0;pwned\x07 ttl \e]52;c;cm0gLXJmIH4=\x07 c1 \u009b31m'

# ---- the detectors fire on raw bytes (a control: without it the checks below could
# pass for the wrong reason) ----
tm_start 80 24 "sh -c 'echo KEEP-THIS; sleep 0.5; printf \"\\033]0;pwned\\007 \\033]52;c;cm0gLXJmIH4=\\007 \\007 \\033[2J raw\\n\"; sleep 20'"
tm set-option -g set-clipboard on >/dev/null
title0=$(tm display-message -p -t t '#{pane_title}')
wait_for raw 5
if [ "$(tm display-message -p -t t '#{pane_title}')" = pwned ] && [ -n "$(tm list-buffers 2>/dev/null)" ] &&
    [ "$(tm display-message -p -t t '#{window_bell_flag}')" = 1 ] && ! tm_screen | grep -q KEEP-THIS; then
    t_ok "control: raw bytes retitle the pane, fill a paste buffer, ring and clear the screen"
else
    t_fail "control: raw bytes retitle the pane, fill a paste buffer, ring and clear the screen" \
        "title '$(tm display-message -p -t t '#{pane_title}')' (was '$title0'), buffers '$(tm list-buffers 2>&1)', bell $(tm display-message -p -t t '#{window_bell_flag}')"
fi

# ---- a repository whose tagged commit has the hostile subject ----
q() { "$@" >/dev/null 2>&1; }
R=$T_TMP/app
q git init "$R"
echo one >"$R/f" && q git -C "$R" add f && q git -C "$R" commit -m one
echo two >"$R/f" && q git -C "$R" commit -am two
# git re-encodes a message that is not UTF-8: write the commit object as it is
evil=$({
    printf 'tree %s\nparent %s\n' "$(git -C "$R" rev-parse 'HEAD^{tree}')" "$(git -C "$R" rev-parse HEAD~1)"
    printf 'author T <t@example.org> 1764369000 +0000\ncommitter T <t@example.org> 1764369000 +0000\n\n'
    printf '%s\n\nbody \e]0;pwned\a\n' "$RAW"
} | git -C "$R" hash-object -t commit -w --stdin)
q git -C "$R" tag evil "$evil"
q git -C "$R" checkout -q HEAD~1
if git -C "$R" cat-file commit evil | grep -qa $'\x9b31m'; then t_ok "the commit object holds the raw bytes"; else
    t_fail "the commit object holds the raw bytes"; fi

# ---- Redis: a value and an error (a Lua error_reply of the value) ----
REDIS=
if redis_start; then
    printf '%s' "$RAW" | redis_cli -x SET hostile >/dev/null && REDIS=1
else
    t_skip "hostile Redis value and error" "$SRV_SKIP"
fi

mkdir -p "$T_TMP/logs"
printf 'before\n%s\nafter\n' "$RAW" >"$T_TMP/logs/app.log"

P=$T_TMP/hostile.yaml J=$T_TMP/hostile.journal
# yq TEXT: TEXT for a YAML double-quoted scalar (controls as YAML escapes)
yq() {
    printf '%s' "$1" | LC_ALL=C sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\x1b/\\e/g' -e 's/\x07/\\a/g' \
        -e 's/\r/\\r/g' -e 's/\x08/\\b/g' -e 's/\xc2\x9b/\\u009b/g' -e 's/\xe2\x80\xae/\\u202e/g' \
        -e 's/\xe2\x80\xac/\\u202c/g'
}
{
    echo "plan: Hostile panel"
    echo "id: hp"
    echo "repo: { path: app }"
    if [ -n "$REDIS" ]; then
        echo "redis:"
        echo "  - { id: r, url: \"redis://127.0.0.1:$REDIS_PORT/0\" }"
        echo "checks:"
        echo "  - { id: hval, kind: redis, redis: r, command: \"GET hostile\", expect: ok, interval: 30 }"
        echo "  - { id: herr, kind: redis, redis: r, command: \"EVAL return(redis.error_reply(redis.call('GET','hostile'))) 0\", interval: 30 }"
    fi
    echo "logs:"
    echo "  - { id: app, file: $T_TMP/logs/app.log }"
    echo "actions:"
    echo "  - { id: co-evil, git.checkout: evil }"
    echo "phases:"
    echo "  - id: p1"
    echo "    title: \"Phase $(yq "$TEXT")\""
    echo "    watch: [app$([ -n "$REDIS" ] && echo ", hval, herr")]"
    echo "    items:"
    echo "      - { id: p1.a, text: \"Deploy $(yq "$TEXT")\", action: co-evil }"
    echo "      - { id: p1.b, text: Noted }"
} >"$P"
expect_exit "the hostile plan validates" 0 "$OPSDECK" validate "$P"
expect_exit "a note with the hostile text is recorded" 0 "$OPSDECK" tick "$P" p1.b --state "$J" --as bob --note "note $TEXT"

# screen_safe NAME: the capture passes termsafe; title, paste buffers, bell and the
# header are as they were
screen_safe() {
    local why=""
    wait_for "F1Help" 5 # a frame drawn whole (the panel may be slow, under valgrind)
    tm_screen >"$T_TMP/screen"
    "$SAFE" "$T_TMP/screen" >"$T_TMP/why" 2>&1 || why="termsafe: $(cat "$T_TMP/why")"
    [ "$(tm display-message -p -t t '#{pane_title}')" = "$title0" ] || why="$why; the pane title is now '$(tm display-message -p -t t '#{pane_title}')'"
    [ -z "$(tm list-buffers 2>/dev/null)" ] || why="$why; a paste buffer appeared: $(tm list-buffers)"
    [ "$(tm display-message -p -t t '#{window_bell_flag}')" = 0 ] || why="$why; the bell rang"
    head -n 1 "$T_TMP/screen" | grep -q "Hostile panel" || why="$why; the header is gone (screen cleared?)"
    grep -q "F1Help" "$T_TMP/screen" || why="$why; the key bar is gone (screen cleared?)"
    if [ -z "$why" ]; then t_ok "$1: nothing raw reached the terminal"; else t_fail "$1: nothing raw reached the terminal" "$why" "$(head -n 12 "$T_TMP/screen")"; fi
}

tm_start 200 50 "$OPSDECK" --state "$J" --as alice "$P"
tm set-option -g set-clipboard on >/dev/null
title0=$(tm display-message -p -t t '#{pane_title}')
expect_screen "the panel opens on the hostile plan" "Hostile panel"
expect_screen "view 1: the phase title shows escaped" "Phase ${TEXT_SHOWN:0:50}"
screen_safe "view 1 (plan text)"

tm_keys 2
expect_screen "view 2: the item text shows escaped" "Deploy $TEXT_SHOWN"
tm_keys j
expect_screen "view 2: the note shows escaped" "note $TEXT_SHOWN"
screen_safe "view 2 (plan text, note)"

tm_keys k Enter
expect_screen "the checkout asks first" "Run this action?"
tm_keys y
expect_screen "the checkout is done" "co-evil: done"
expect_screen "the action pane shows the commit subject escaped" "HEAD is now at ${evil:0:7} ${RAW_SHOWN[0]}"
screen_safe "action pane (commit subject)"

tm_keys 4
expect_screen "view 4: the log line shows escaped" "${RAW_SHOWN[0]}"
screen_safe "view 4 (log line)"

tm_keys 5
expect_screen "view 5: the git panel shows HEAD's subject escaped" "HEAD ${evil:0:7} ${RAW_SHOWN[0]:0:60}" 20
if [ -n "$REDIS" ]; then
    expect_screen "view 5: the Redis error shows escaped" "answered: ${RAW_SHOWN[0]:0:60}"
    if tm_screen | grep -F "hval" | grep -qF -- "${RAW_SHOWN[0]:0:60}"; then
        t_ok "view 5: the Redis value shows escaped"
    else
        t_fail "view 5: the Redis value shows escaped" "$(tm_screen | grep -F hval)"
    fi
fi
screen_safe "view 5 (git panel, checks)"

tm_keys 6
expect_screen "view 6: the activity shows the note escaped" "note $TEXT_SHOWN"
screen_safe "view 6 (activity)"
tm_keys q
expect_screen "q quits" "EXITED 0"

# ---- the command line, over the same plan and journal ----
# cli_safe NAME CMD...: exit 0 or 1 (a failing check), stdout and stderr terminal-safe
cli_safe() {
    local name=$1 rc
    shift
    "$@" >"$T_TMP/out" 2>"$T_TMP/err"
    rc=$?
    if [ "$rc" -gt 1 ]; then
        t_fail "$name" "exit $rc: $*" "$(head -c 400 "$T_TMP/err" | cat -v)"
    elif ! "$SAFE" "$T_TMP/out" "$T_TMP/err" >"$T_TMP/why" 2>&1; then
        t_fail "$name" "$(cat "$T_TMP/why")"
    else
        t_ok "$name"
    fi
}
q git -C "$R" checkout -q main
cli_safe "run --dry-run of the checkout: terminal-safe" "$OPSDECK" run "$P" co-evil --dry-run --state "$J"
contains "run --dry-run names the commit, escaped" '\e]0;pwned\x07' "$(cat "$T_TMP/out" "$T_TMP/err")"
cli_safe "run of the checkout: terminal-safe" "$OPSDECK" run "$P" co-evil --yes --state "$J" --as carol
contains "run prints the subject escaped" "${RAW_SHOWN[0]:0:60}" "$(cat "$T_TMP/out" "$T_TMP/err")"
cli_safe "status (checks, plan texts): terminal-safe" "$OPSDECK" status --state "$J" "$P"
[ -n "$REDIS" ] && contains "status shows the Redis error escaped" "answered: ${RAW_SHOWN[0]:0:40}" "$(cat "$T_TMP/out")"
cli_safe "status --json: terminal-safe" "$OPSDECK" status --json --state "$J" "$P"
cli_safe "tail: terminal-safe" "$OPSDECK" tail "$P" app
cli_safe "history: terminal-safe" "$OPSDECK" history --state "$J" "$P"
cli_safe "history --json: terminal-safe" "$OPSDECK" history --json --state "$J" "$P"
for f in md html json; do
    cli_safe "report --format $f: terminal-safe" "$OPSDECK" report --format "$f" --state "$J" "$P"
done

# tmux helpers for the panel's end-to-end tests.  Source after tests/lib.sh.
TMUX_SOCK="opsdeck-e2e-$$"
tm() { tmux -L "$TMUX_SOCK" "$@"; }
tm_cleanup() { tm kill-server >/dev/null 2>&1 || true; }
trap 'tm_cleanup; rm -rf "$T_TMP"' EXIT

# tm_start COLS ROWS CMD...: a detached session running CMD.
tm_start() {
    local cols=$1 rows=$2 try; shift 2
    tm kill-server >/dev/null 2>&1 || true
    # a server that is still shutting down can refuse the new session: try again
    for try in 1 2 3 4 5; do
        tm -f /dev/null new-session -d -x "$cols" -y "$rows" -s t \
            "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color OPSDECK_THEMES=${TM_THEMES:-$ROOT/themes} $*; echo EXITED \$?; sleep 30" \
            2>/dev/null && tm has-session -t t 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}
tm_screen() { tm capture-pane -p -t t 2>/dev/null; }
tm_keys() { tm send-keys -t t "$@"; }
# Under valgrind (make check-valgrind sets OPSDECK_UNDER_VALGRIND) the panel runs some
# 20 times slower: every bounded wait is TM_WAIT_SCALE times as long (default 1; 6
# under valgrind).  A wait that succeeds returns as soon as the text shows either way.
TM_WAIT_SCALE=${TM_WAIT_SCALE:-$([ -n "${OPSDECK_UNDER_VALGRIND:-}" ] && echo 6 || echo 1)}
# wait_for TEXT [SECONDS]: until the screen shows TEXT (a bounded wait, not a timing test).
wait_for() {
    local text=$1 deadline=$((SECONDS + ${2:-10} * TM_WAIT_SCALE))
    while [ $SECONDS -lt "$deadline" ]; do
        tm_screen | grep -qF -- "$text" && return 0
        sleep 0.05
    done
    return 1
}
# expect_screen NAME TEXT [SECONDS]
expect_screen() {
    if wait_for "$2" "${3:-10}"; then t_ok "$1"; else t_fail "$1" "screen does not show: $2" "$(tm_screen | head -40)"; fi
}

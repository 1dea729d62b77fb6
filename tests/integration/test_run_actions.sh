#!/usr/bin/env bash
# Command actions (run:) through `opsdeck run`: no shell unless shell: true, cwd,
# env, timeout (SIGTERM, then SIGKILL), output escaped, exit status journaled,
# confirmation rules, dry run.
. "$(dirname "$0")/../lib.sh"
P="$T_TMP/run.yaml" J="$T_TMP/run.journal"
mkdir -p "$T_TMP/work/sub"
printf '#!/bin/sh\necho "script in $(pwd)"\n' >"$T_TMP/work/sub/here.sh"
chmod +x "$T_TMP/work/sub/here.sh"
cat >"$P" <<EOF
plan: Commands
id: cmds
actions:
  - { id: argv, run: [printf, "%s|", "a b", "\$HOME", "*", ";"] }
  - { id: shell, run: ["echo \$GREETING from \$0 with \$1; exit 7", extra], shell: true, env: { GREETING: hello } }
  - { id: cwd, run: [./here.sh], cwd: $T_TMP/work/sub }
  - { id: cwd-rel, run: [pwd], cwd: work }
  - { id: env, run: [sh, -c, 'echo "\$OPSDECK_T=\$KEEP"'], env: { OPSDECK_T: set } }
  - { id: fail, run: [sh, -c, "echo out; echo err >&2; exit 3"] }
  - { id: missing, run: [/nonexistent/program] }
  - { id: slow, run: [sleep, "41"], timeout: 1 }
  - { id: stubborn, run: [sh, -c, "trap '' TERM; sleep 42"], timeout: 1 }
  - { id: escape, run: [printf, '\033]0;pwned\007\033[2Jred\033[31m\n'] }
  - { id: touch, run: [touch, $T_TMP/touched] }
  - { id: risky, run: [touch, $T_TMP/risky] }
phases:
  - id: p1
    title: One
    items:
      - { id: p1.a, text: A, action: touch }
  - id: p2
    title: Risky
    risk: high
    items:
      - { id: p2.a, text: B, action: risky }
EOF
run() { "$OPSDECK" run --state "$J" --as carol "$P" "$@"; }
last_end() { "$OPSDECK" history --json --state "$J" "$P" | jq -c 'select(.type=="action-end")' | tail -1; }

expect_exit "argv without a shell" 0 run argv --yes
contains "words reach the program as they are (no globbing, no expansion)" 'a b|$HOME|*|;|' "$OUT"
expect_exit "shell: true runs /bin/sh -c, a failing exit is a failure" 1 run shell --yes
contains "the shell expands, env is set, the rest are \$1 ..." "hello from sh with extra" "$OUT"
equals "the exit status is journaled" '{"result":"failed","exit":7}' "$(last_end | jq -c '{result, exit}')"
expect_exit "cwd: the program is found relative to it" 0 run cwd --yes
contains "it ran in cwd" "script in $T_TMP/work/sub" "$OUT"
expect_exit "a relative cwd is relative to the plan's directory" 0 run cwd-rel --yes
contains "it ran in the plan's work/" "$T_TMP/work" "$OUT"
expect_exit "env adds to the environment" 0 env KEEP=inherited "$OPSDECK" run --state "$J" "$P" env --yes
contains "both the plan's variable and the inherited one" "set=inherited" "$OUT"
expect_exit "a failing command exits 1" 1 run fail --yes
contains "its stdout is shown" "out" "$OUT"
contains "its stderr is shown" "err" "$OUT"
contains "the failure says the exit status" "exit 3" "$OUT"
expect_exit "a program that does not exist fails" 1 run missing --yes
contains "it says so" "No such file" "$OUT"

s=$SECONDS
expect_exit "a timeout kills the command" 1 run slow --yes
[ $((SECONDS - s)) -lt 10 ] && t_ok "the timeout ends it well before it would" || t_fail "the timeout ends it well before it would"
equals "timeout: result and signal journaled" '{"result":"timeout","exit":143,"signal":"TERM"}' \
    "$(last_end | jq -c '{result, exit, signal}')"
expect_exit "a command ignoring SIGTERM" 1 run stubborn --yes
contains "is killed after the grace period" "SIGKILL" "$OUT"
equals "stubborn: journaled as killed" '{"result":"timeout","exit":137,"signal":"KILL"}' \
    "$(last_end | jq -c '{result, exit, signal}')"

expect_exit "a command printing escape sequences" 0 run escape --yes
if printf '%s' "$OUT" | "$TOOLS/termsafe" >/dev/null 2>&1; then
    t_ok "its output reaches the terminal escaped"
else
    t_fail "its output reaches the terminal escaped" "$(printf '%s' "$OUT" | od -c | head -5)"
fi
contains "the escape is visible" '\e]0;pwned' "$OUT"

# ---- Ctrl-C cancels: SIGTERM to the command, the end journaled
"$OPSDECK" run --state "$J" "$P" slow --yes >"$T_TMP/c.out" 2>&1 &
pid=$!
for _ in $(seq 50); do pgrep -f "^sleep 41$" >/dev/null && break; sleep 0.1; done
kill -INT "$pid"
wait "$pid"
equals "SIGINT: exit 1" "1" "$?"
equals "SIGINT: journaled as cancelled" '"cancelled"' "$(last_end | jq -c .result)"
pgrep -f "^sleep 41$" >/dev/null && t_fail "the command is gone after a cancel" || t_ok "the command is gone after a cancel"

# ---- asking first, dry run
lines=$(wc -l <"$J")
expect_exit "without --yes and without a terminal: refused" 2 run touch </dev/null
contains "it says to pass --yes" "--yes" "$OUT"
[ ! -e "$T_TMP/touched" ] && t_ok "refused: nothing ran" || t_fail "refused: nothing ran"
equals "refused: nothing journaled" "$lines" "$(wc -l <"$J")"
expect_exit "--dry-run" 0 run touch --dry-run
contains "the dry run shows the argv" "touch $T_TMP/touched" "$OUT"
contains "the dry run shows the cwd" "in directory: $T_TMP" "$OUT"
[ ! -e "$T_TMP/touched" ] && t_ok "the dry run runs nothing" || t_fail "the dry run runs nothing"
equals "the dry run journals nothing" "$lines" "$(wc -l <"$J")"
expect_exit "--readonly refuses to run" 1 run touch --yes --readonly
expect_exit "--readonly allows a dry run" 0 run touch --dry-run --readonly
expect_exit "an unknown action is a usage error" 2 run nope --yes
contains "it lists the plan's actions" "argv" "$OUT"
if command -v script >/dev/null; then
    printf 'n\n' | script -qec "$OPSDECK run --state $J $P touch" /dev/null >"$T_TMP/tty.out" 2>&1
    contains "with a terminal it asks y/N" "Run it? [y/N]" "$(cat "$T_TMP/tty.out")"
    [ ! -e "$T_TMP/touched" ] && t_ok "answering n runs nothing" || t_fail "answering n runs nothing"
    printf 'y\n' | script -qec "$OPSDECK run --state $J $P touch" /dev/null >"$T_TMP/tty.out" 2>&1
    [ -e "$T_TMP/touched" ] && t_ok "answering y runs it" || t_fail "answering y runs it" "$(cat "$T_TMP/tty.out")"
    printf 'y\n' | script -qec "$OPSDECK run --state $J $P risky" /dev/null >"$T_TMP/tty.out" 2>&1
    contains "an action of a high-risk phase asks to type its id" "Type 'risky'" "$(cat "$T_TMP/tty.out")"
    [ ! -e "$T_TMP/risky" ] && t_ok "y is not enough for it" || t_fail "y is not enough for it"
    printf 'risky\n' | script -qec "$OPSDECK run --state $J $P risky" /dev/null >"$T_TMP/tty.out" 2>&1
    [ -e "$T_TMP/risky" ] && t_ok "typing the id runs it" || t_fail "typing the id runs it" "$(cat "$T_TMP/tty.out")"
else
    t_skip "confirmation on a terminal" "script(1) is not installed"
fi

history=$("$OPSDECK" history --json --state "$J" "$P")
equals "every action-start has its action-end" \
    "$(jq -c 'select(.type=="action-start")' <<<"$history" | wc -l)" \
    "$(jq -c 'select(.type=="action-end")' <<<"$history" | wc -l)"
equals "action-start: who, kind and the argv" '{"by":"carol","kind":"run","targets":["printf","%s|","a b","$HOME","*",";"]}' \
    "$(jq -c 'select(.type=="action-start" and .action=="argv") | {by, kind, targets}' <<<"$history")"

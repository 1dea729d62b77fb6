#!/usr/bin/env bash
# Plan actions from the panel (tmux): Enter on an item asks, runs the action off
# the UI thread, streams its output (escaped) into the pane and journals it; x
# cancels; q asks while it runs; a high-risk phase asks to type the action id; a
# checkout of a dirty work tree asks to type the ref; read-only runs nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
if ! command -v tmux >/dev/null || ! command -v git >/dev/null; then
    t_skip "actions in the panel" "tmux or git is not installed"
    exit 0
fi
export HOME="$T_TMP/home"
mkdir -p "$HOME"
printf '[user]\n\tname = T\n\temail = t@example.org\n[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"
q() { "$@" >/dev/null 2>&1; }
q git init "$T_TMP/app"
echo one >"$T_TMP/app/f" && q git -C "$T_TMP/app" add f && q git -C "$T_TMP/app" commit -m one
q git -C "$T_TMP/app" tag -a v1 -m v1
echo two >"$T_TMP/app/f" && q git -C "$T_TMP/app" commit -am two
echo dirty >>"$T_TMP/app/f"

P="$T_TMP/panel.yaml" J="$T_TMP/panel.journal"
cat >"$P" <<EOF
plan: Panel actions
id: pa
repo: { path: app }
actions:
  - { id: hello, title: Say hello, run: [sh, -c, "echo line one; echo line two; printf '\\\\033]0;pwned\\\\007done\\\\n'"] }
  - { id: slow, run: [sh, -c, "echo started; exec sleep 43"] }
  - { id: risky, run: [touch, $T_TMP/risky] }
  - { id: co-v1, git.checkout: v1 }
phases:
  - id: p1
    title: One
    items:
      - { id: p1.a, text: Say hello, action: hello }
      - { id: p1.b, text: Slow one, action: slow }
      - { id: p1.c, text: Deploy v1, action: co-v1 }
  - id: p2
    title: Two
    risk: high
    depends: [p1]
    items:
      - { id: p2.a, text: Risky one, action: risky }
EOF
ends() { grep -c '"type":"action-end"' "$J" 2>/dev/null; }

tm_start 120 40 "$OPSDECK" --state "$J" --as alice "$P"
expect_screen "the panel opens" "Panel actions"
tm_keys 2
expect_screen "the checklist shows the item's action" "▶hello"
tm_keys Enter
expect_screen "Enter asks before running" "Run this action?"
expect_screen "the dialog says what it runs" "run: sh -c"
tm_keys n
expect_screen "n runs nothing" "Not run."
equals "nothing journaled after n" "0" "$(grep -c '"type":"action-' "$J" 2>/dev/null)"
tm_keys Enter
tm_keys y
expect_screen "the output reaches the pane" "line two"
expect_screen "the status line shows the result" "hello: done (exit 0"
expect_screen "escape sequences in the output are shown escaped" '\e]0;pwned'
if tm_screen | "$TOOLS/termsafe" >/dev/null 2>&1; then t_ok "the screen holds nothing raw"; else t_fail "the screen holds nothing raw"; fi
equals "start and end journaled, with the item and the actor" "2" \
    "$(grep -c '"by":"alice","host":"[^"]*","type":"action-[a-z]*","item":"p1.a","action":"hello"' "$J")"

# a long action: the panel answers keys while it runs; q asks; x cancels
tm_keys j Enter
tm_keys y
expect_screen "a long action shows it is running" "slow: running"
tm_keys 1
expect_screen "other views work while it runs" "critical path"
tm_keys 2
tm_keys q
expect_screen "q asks while an action runs" "still running. Quit anyway?"
tm_keys n
tm_keys Enter
expect_screen "a second action waits for the first" "still running: wait for it"
tm_keys x
expect_screen "x asks before cancelling" "Cancel the action?"
tm_keys y
expect_screen "the action ends cancelled" "slow: cancelled"
equals "the cancel is journaled" "1" "$(grep -c '"action":"slow","result":"cancelled"' "$J")"
pgrep -f "^sleep 43$" >/dev/null && t_fail "the command is gone" || t_ok "the command is gone"

# a dirty work tree: refused, then forced by typing the ref
tm_keys j Enter
expect_screen "the checkout asks first" "git.checkout v1 in app"
tm_keys y
expect_screen "a dirty work tree asks to type the ref to force" "Type 'v1' to confirm"
equals "the refusal is journaled" "1" "$(grep -c '"action":"co-v1","result":"refused"' "$J")"
tm_keys -l v1
tm_keys Enter
expect_screen "the forced checkout is done" "co-v1: done"
equals "HEAD is at v1" "$(git -C "$T_TMP/app" rev-parse 'v1^{commit}')" "$(git -C "$T_TMP/app" rev-parse HEAD)"
equals "the local change was discarded" "one" "$(cat "$T_TMP/app/f")"

# a high-risk phase: type the action id
tm_keys 1 j 2 Enter
expect_screen "a high-risk phase asks to type the action id" "Type 'risky' to confirm"
tm_keys -l risk
tm_keys Enter
expect_screen "a wrong name does not run it" "does not match"
tm_keys BSpace BSpace BSpace BSpace
tm_keys -l risky
tm_keys Enter
expect_screen "the right name runs it" "risky: done"
[ -e "$T_TMP/risky" ] && t_ok "the high-risk action ran" || t_fail "the high-risk action ran"

# the palette runs an action by its id; q while it runs cancels it and journals the end
tm_keys :
tm_keys -l slow
tm_keys Enter
expect_screen "the palette asks for an action by id" "Run this action?"
tm_keys y
expect_screen "it runs" "slow: running"
n=$(ends)
tm_keys q
tm_keys y
expect_screen "quitting while it runs exits" "EXITED 0" 15
equals "its end was journaled before the panel exited" "$((n + 1))" "$(ends)"
equals "as cancelled" "2" "$(grep -c '"action":"slow","result":"cancelled"' "$J")"

# read-only: nothing runs
tm_start 120 40 "$OPSDECK" --readonly --state "$J" --as bob "$P"
expect_screen "read-only panel" "READ-ONLY"
tm_keys 2 Enter
expect_screen "Enter on an action says read-only" "actions cannot be run"
equals "nothing journaled by the read-only panel" "0" "$(grep -c '"by":"bob"' "$J")"

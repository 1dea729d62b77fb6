#!/usr/bin/env bash
# The panel in a real terminal (tmux): open, navigate, tick, live updates from
# another process, help, read-only, wallboard, resizing and every theme.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.sh"
if ! command -v tmux >/dev/null; then
    t_fail "tmux is installed" "scripts/install-deps.sh installs it"
    exit 0
fi
PLAN="$ROOT/tests/fixtures/good/small.yaml"
J="$T_TMP/panel.journal"
TOTAL=6

tm_start 120 40 "$OPSDECK" --state "$J" --as alice "$PLAN"
expect_screen "the panel opens on the timeline" "PHASE"
expect_screen "the header shows progress 0/$TOTAL" "0/$TOTAL"
expect_screen "the header shows the plan title" "Small weekend"
expect_screen "the first unfinished phase is listed" "Preparation"

tm_keys 2
expect_screen "2 shows the checklist of the selected phase" "Database backed up"
tm_keys Space
expect_screen "Space ticks the first item" "Ticked prep.backup"
expect_screen "the header reads 1/$TOTAL" "1/$TOTAL"
if grep -q '"item":"prep.backup"' "$J" 2>/dev/null && grep -q '"by":"alice"' "$J"; then
    t_ok "the journal holds the tick, by alice"
else
    t_fail "the journal holds the tick, by alice" "$(cat "$J" 2>&1)"
fi

"$OPSDECK" tick "$PLAN" prep.notify --state "$J" --as bob >/dev/null 2>&1
expect_screen "a tick by another process shows up" "2/$TOTAL" 5
expect_screen "it shows who ticked it" "by bob"

tm_keys '?'
expect_screen "? shows the help" "Keys — Checklist"
expect_screen "help lists Space" "tick / untick the selected item"
tm_keys Escape
tm_keys 1
expect_screen "1 returns to the timeline" "critical path"

# a point of no return asks for the phase id to be typed
tm_keys j 2
expect_screen "the next phase's checklist" "DNS points at the new VM"
tm_keys Space
expect_screen "a point-of-no-return phase asks to type its id" "Type 'switch' to confirm"
tm_keys -l "swit"
tm_keys Enter
expect_screen "a wrong name does not confirm" "does not match"
tm_keys Escape
expect_screen "Esc cancels: nothing started" "Not started"
if grep -q '"phase":"switch"' "$J"; then t_fail "a cancelled start writes nothing"; else t_ok "a cancelled start writes nothing"; fi
tm_keys Space
expect_screen "asked again" "Type 'switch' to confirm"
tm_keys -l "switch"
tm_keys Enter
expect_screen "typing the id starts the phase and ticks" "Ticked switch.dns"
if grep -q '"type":"phase-start","phase":"switch"' "$J" || grep -q '"phase":"switch"' "$J"; then
    t_ok "the journal holds the phase start"
else
    t_fail "the journal holds the phase start" "$(cat "$J")"
fi

# a gated phase refuses, and says how to override
tm_keys 1 j j 2
expect_screen "the last phase's checklist" "Window closed"
tm_keys Space
expect_screen "a gated tick is refused with the reason" "Cannot tick"
expect_screen "the refusal names the missing phase" "waits for docs"
tm_keys o
expect_screen "o asks for a reason" "Override: why?"
tm_keys -l "docs are late"
tm_keys Enter
expect_screen "the override is journaled" "Override journaled"
if grep -q '"type":"phase-override"' "$J" && grep -q 'docs are late' "$J"; then
    t_ok "the journal holds the override and its reason"
else
    t_fail "the journal holds the override and its reason" "$(cat "$J")"
fi

tm_keys 6
expect_screen "6 shows the activity" "Activity"
expect_screen "activity lists bob's tick" "bob"
tm_keys q
expect_screen "q quits" "EXITED 0"

# read-only: the normal panel, nothing can change
before=$(sha256sum "$J")
tm_start 120 40 "$OPSDECK" --readonly --state "$J" "$PLAN"
expect_screen "--readonly shows a READ-ONLY badge" "READ-ONLY"
tm_keys 2 Space
expect_screen "a tick in read-only says why" "Read-only"
tm_keys q
wait_for "EXITED" 5
equals "--readonly leaves the journal byte-identical" "$before" "$(sha256sum "$J")"

# the wallboard takes 1,000 random keystrokes and changes nothing
tm_start 160 48 "$OPSDECK" --wallboard --state "$J" "$PLAN"
expect_screen "the wallboard opens" "items done"
keys=(a b c d e f g h i j k l m n o p r s u v w x y z 0 1 2 3 4 5 6 7 8 9 Space Enter Tab BSpace Up Down Left Right PageUp PageDown Home End F2 F3 F4 F5 F6 F7 F9 / : '?' Escape o n N)
RANDOM=42
for i in $(seq 1 1000); do
    k=${keys[$((RANDOM % ${#keys[@]}))]}
    tm_keys "$k"
done
tm_keys Escape
expect_screen "the wallboard survives 1,000 random keys" "WALLBOARD"
equals "the wallboard leaves the journal byte-identical" "$before" "$(sha256sum "$J")"
tm_keys q
wait_for "EXITED" 5

# resizing: tiny and huge
tm_start 120 40 "$OPSDECK" --state "$J" "$PLAN"
expect_screen "panel up for resizing" "PHASE"
tm resize-window -t t -x 40 -y 10 >/dev/null 2>&1
expect_screen "40x10 says the terminal is too small" "too small"
tm resize-window -t t -x 200 -y 60 >/dev/null 2>&1
expect_screen "200x60 shows the timeline again" "critical path"
tm_keys q
expect_screen "still exits cleanly after resizing" "EXITED 0"

# every theme renders
for theme in "$ROOT"/themes/*.theme; do
    name=$(basename "$theme" .theme)
    tm_start 120 40 "$OPSDECK" --theme "$name" --state "$J" "$PLAN"
    expect_screen "theme $name renders" "critical path"
    tm_keys q
    wait_for "EXITED" 5
done
expect_exit "an unknown theme is a usage error" 2 env OPSDECK_THEMES="$ROOT/themes" "$OPSDECK" --theme nope --state "$J" "$PLAN"
contains "the unknown theme message lists the themes" "available" "$OUT"

# a bogus TERM is a clear error, not a crash
tm_start 100 30 env TERM=no-such-terminal "$OPSDECK" --state "$J" "$PLAN"
expect_screen "a bogus TERM is a clear error" "not in the terminfo"
expect_screen "and exits 2" "EXITED 2"

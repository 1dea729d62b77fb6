#!/bin/sh
# Enforce the layering of STYLE.md: core/ never sees the screen, widgets/ never see plans.
set -u
fail=0
if grep -nE '#include *[<"](n?curses|ncursesw/|term\.h)' core/*.c core/*.h 2>/dev/null; then
    echo "check-layers: core/ includes curses" >&2; fail=1
fi
if grep -nE '#include *"(core|tui|cli)/' widgets/*.c widgets/*.h 2>/dev/null; then
    echo "check-layers: widgets/ include core/, tui/ or cli/" >&2; fail=1
fi
if grep -nE '#include *"(tui|widgets|cli)/' core/*.c core/*.h 2>/dev/null; then
    echo "check-layers: core/ includes an upper layer" >&2; fail=1
fi
exit $fail

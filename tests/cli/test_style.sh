#!/usr/bin/env bash
# The code style that STYLE.md says CI checks: the layers and clang-format.
. "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
check "core/ never includes curses; widgets/ never include core/" make -s check-layers
if command -v clang-format-16 >/dev/null || command -v clang-format-15 >/dev/null; then
    check "every C file is formatted as .clang-format says" make -s format-check
else
    t_fail "clang-format 15 or newer is installed" "scripts/install-deps.sh installs clang-format-16"
fi

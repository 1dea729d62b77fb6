#!/usr/bin/env bash
# make install / make uninstall put and remove exactly the expected files; the man
# pages render without warnings and cover every command and every plan key.
. "$(dirname "$0")/../lib.sh"
DEST="$T_TMP/root"
PREFIX=/usr/local
MAKE_ARGS=(-C "$ROOT" --no-print-directory DESTDIR="$DEST" PREFIX="$PREFIX")

expected() {
    echo "$PREFIX/bin/opsdeck"
    echo "$PREFIX/share/man/man1/opsdeck.1"
    echo "$PREFIX/share/man/man5/opsdeck-plan.5"
    echo "$PREFIX/share/bash-completion/completions/opsdeck"
    echo "$PREFIX/share/zsh/site-functions/_opsdeck"
    for f in "$ROOT"/examples/*.yaml; do echo "$PREFIX/share/opsdeck/examples/${f##*/}"; done
    for f in "$ROOT"/themes/*.theme; do [ -e "$f" ] && echo "$PREFIX/share/opsdeck/themes/${f##*/}"; done
}

expect_exit "make install" 0 make "${MAKE_ARGS[@]}" install
equals "make install puts exactly the expected files" "$(expected | sort)" \
    "$(cd "$DEST" && find . -type f -o -type l | sed 's/^\.//' | sort)"
equals "the binary is executable" 755 "$(stat -c %a "$DEST$PREFIX/bin/opsdeck")"
equals "the man page is 0644" 644 "$(stat -c %a "$DEST$PREFIX/share/man/man1/opsdeck.1")"
expect_exit "the installed binary runs" 0 "$DEST$PREFIX/bin/opsdeck" --version
expect_exit "the installed example validates" 0 "$DEST$PREFIX/bin/opsdeck" validate "$DEST$PREFIX/share/opsdeck/examples/uplink-2.0.yaml"

expect_exit "make uninstall" 0 make "${MAKE_ARGS[@]}" uninstall
equals "make uninstall leaves no file" "" "$(find "$DEST" -type f -o -type l)"
[ ! -e "$DEST$PREFIX/share/opsdeck" ] && t_ok "make uninstall removes share/opsdeck" ||
    t_fail "make uninstall removes share/opsdeck" "$(find "$DEST$PREFIX/share/opsdeck")"
mkdir -p "$DEST/keep/bin" && touch "$DEST/keep/bin/other"
expect_exit "make uninstall of nothing installed" 0 make "${MAKE_ARGS[@]}" PREFIX=/keep uninstall
check "make uninstall leaves other files alone" test -f "$DEST/keep/bin/other"

# --- man pages ----------------------------------------------------------------------
for page in opsdeck.1 opsdeck-plan.5; do
    if ! command -v man >/dev/null 2>&1; then
        t_skip "man page $page renders without warnings" "man is not installed"
        continue
    fi
    warnings=$(man --warnings -l "$ROOT/man/$page" 2>&1 >/dev/null)
    equals "man page $page renders without warnings" "" "$warnings"
    equals "man page $page renders" 0 "$(MANWIDTH=80 man -l "$ROOT/man/$page" >/dev/null 2>&1; echo $?)"
done
version=$(sed -n 's/^VERSION *:= *//p' "$ROOT/Makefile")
for page in opsdeck.1 opsdeck-plan.5; do
    contains "man page $page names version $version" "\"opsdeck $version\"" "$(head -1 "$ROOT/man/$page")"
done

if command -v man >/dev/null 2>&1; then
    man1=$(MANWIDTH=1000 man -l "$ROOT/man/opsdeck.1" 2>/dev/null)
    man5=$(MANWIDTH=1000 man -l "$ROOT/man/opsdeck-plan.5" 2>/dev/null)
    # every command of --help, and the sections the issue asks for
    for c in $("$OPSDECK" --help | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
        contains "opsdeck(1) describes $c" "$c " "$man1"
    done
    for s in COMMANDS OPTIONS KEYS FILES ENVIRONMENT "EXIT STATUS" JOURNAL.torn OPSDECK_USER OPSDECK_NOW XDG_STATE_HOME NO_COLOR TERM; do
        contains "opsdeck(1) has $s" "$s" "$man1"
    done
    # every key the plan loader accepts
    keys=$(awk '/_keys\[\] = \{|const char \*const\[\]\)\{|^#define CHECK_COMMON/{on=1} on{print}
                /NULL|^#define CHECK_COMMON/{on=0}' "$ROOT"/core/plan_load*.c |
        grep -o '"[a-z_.]*"' | tr -d '"' | sort -u)
    [ -n "$keys" ] && t_ok "the plan keys are found in core/plan_load*.c" ||
        t_fail "the plan keys are found in core/plan_load*.c" "the key tables moved: update this test"

    for k in $keys; do
        contains "opsdeck-plan(5) describes key $k" "$k" "$man5"
    done
fi

#!/usr/bin/env bash
# Integration: file tails — `opsdeck tail` and view 4 — across rotation
# (rename + new file, delete + new file), truncation, a file that appears
# late, hostile bytes and a writer at full speed.  No systemd needed.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/e2e/tmux.sh
D="$T_TMP/logs"
mkdir -p "$D"
P="$T_TMP/plan.yaml"
cat >"$P" <<PLAN
plan: file tails
logs:
  - { id: app, file: $D/app.log, highlight: [ERROR] }
  - { id: late, file: $D/late.log }
  - { id: hostile, file: $D/hostile.log }
  - { id: flood, file: $D/flood.log }
phases:
  - { id: p1, title: One, watch: [app], items: [ { id: p1.a, text: x } ] }
PLAN
T="$OPSDECK tail $P"
FOLLOWERS=()
cleanup() { local p; for p in "${FOLLOWERS[@]}"; do kill "$p" 2>/dev/null; done; tm_cleanup; rm -rf "$T_TMP"; }
trap cleanup EXIT

# wait_lines FILE N [SECONDS]: until FILE has N lines (bounded)
wait_lines() {
    local deadline=$((SECONDS + ${3:-10}))
    while [ $SECONDS -lt "$deadline" ]; do
        [ "$(wc -l <"$1")" -ge "$2" ] && return 0
        sleep 0.02
    done
    return 1
}
# follow ID OUT: opsdeck tail -f in the background (its pid in FOLLOWERS)
follow() {
    $T "$1" -n "${3:-0}" -f >"$2" 2>"$2.err" &
    FOLLOWERS+=($!)
    sleep 0.3 # its watches are in place before the test writes (a bounded head start, not a timing assertion)
}

seq 1 100 >"$D/app.log"
out=$($T app -n 3)
equals tail-last-lines "$(printf '98\n99\n100')" "$out"
out=$($T app -n 1000 | wc -l)
equals tail-more-than-there 100 "$out"
printf 'one\ntwo' >"$D/app.log"
out=$($T app -n 1)
equals tail-no-final-newline "two" "$out"
expect_exit tail-unknown-log 2 $T nope
expect_exit tail-missing-file 1 $T late
contains tail-missing-file-says "late.log" "$OUT"

printf 'esc \033[2J bell \007 nul \000 osc \033]52;c;Zm9v\007 c1 \302\233 bad \377 bidi \342\200\256 crlf\r\nta\tb\n' >"$D/hostile.log"
out=$($T hostile)
equals tail-escapes 'esc \e[2J bell \x07 nul \x00 osc \e]52;c;Zm9v\x07 c1 \u009b bad \xff bidi \u202e crlf
ta      b' "$out"
check tail-escapes-termsafe sh -c "$T hostile | $TOOLS/termsafe"

# follow: appended lines, then a rename + new file (a line written to the old
# file after the rename is not lost), truncation, delete + new file
seq 1 3 >"$D/app.log"
follow app "$T_TMP/f1" 1
echo a1 >>"$D/app.log"
wait_lines "$T_TMP/f1" 2
mv "$D/app.log" "$D/app.log.1"
echo a2 >>"$D/app.log.1"
wait_lines "$T_TMP/f1" 3
echo b1 >"$D/app.log"
wait_lines "$T_TMP/f1" 4
echo b2 >>"$D/app.log"
wait_lines "$T_TMP/f1" 5
: >"$D/app.log"
sleep 0.2
echo c1 >>"$D/app.log"
wait_lines "$T_TMP/f1" 6
rm "$D/app.log"
sleep 0.2
echo d1 >"$D/app.log"
wait_lines "$T_TMP/f1" 7
equals tail-follow-rotation "$(printf '3\na1\na2\nb1\nb2\nc1\nd1')" "$(cat "$T_TMP/f1")"
contains tail-follow-says-rotated "file rotated" "$(cat "$T_TMP/f1.err")"
contains tail-follow-says-truncated "file truncated" "$(cat "$T_TMP/f1.err")"

follow late "$T_TMP/f2"
printf 'finally\n' >"$D/late.log"
wait_lines "$T_TMP/f2" 1
equals tail-follow-appears "finally" "$(cat "$T_TMP/f2")"

# a line longer than 64 KiB is cut into pieces, not lost
head -c 200000 /dev/zero | tr '\0' x >"$D/hostile.log"
echo >>"$D/hostile.log"
out=$($T hostile | tr -d '\n' | wc -c)
equals tail-long-line 200000 "$out"

# a writer at full speed while following: every line, in order
: >"$D/flood.log"
follow flood "$T_TMP/f3"
seq 1 200000 >>"$D/flood.log"
wait_lines "$T_TMP/f3" 200000 30
if cmp -s "$T_TMP/f3" <(seq 1 200000); then t_ok tail-follow-flood; else
    t_fail tail-follow-flood "$(wc -l <"$T_TMP/f3") lines, first difference: $(cmp "$T_TMP/f3" <(seq 1 200000) 2>&1)"; fi

# view 4: the file shows, new lines follow, hostile bytes are escaped
if ! command -v tmux >/dev/null; then
    t_skip panel-logs-file "tmux is not installed"
    exit 0
fi
printf 'first line\nERROR second line\n' >"$D/app.log"
printf 'A \033]0;pwned\007 B \033[2J C\n' >"$D/hostile.log"
tm_start 120 30 "$OPSDECK --state $T_TMP/j $P"
wait_for "p1" 10
tm_keys 4
expect_screen panel-logs-file "ERROR second line" 5
echo "appended while shown" >>"$D/app.log"
expect_screen panel-logs-follow "appended while shown" 5
tm_keys ']' ']'
expect_screen panel-logs-escaped 'A \e]0;pwned\x07 B \e[2J C' 5
title=$(tm display-message -p -t t '#{pane_title}')
not_contains panel-logs-title-untouched pwned "$title"
tm_keys '['
sleep 0.2
tm_keys '['
tm_keys / first Enter
expect_screen panel-logs-search "paused at line 1" 5
tm_keys q

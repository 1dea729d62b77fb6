# Shared by tests/e2e/test_panel_bounds.sh and bench/panel_flood.sh: a plan whose
# watched file log a writer (build/tools/logflood) floods, the panel's pid and RSS,
# and key-to-screen timing through tmux.  Source after tests/lib.sh and
# tests/e2e/tmux.sh; set GROSS_MS (a key unanswered that long is "timeout") first.

# the logs on tmpfs when there is one: a minute at full speed writes tens of GB
D=$(mktemp -d /dev/shm/opsdeck-flood.XXXXXX 2>/dev/null || mktemp -d "$T_TMP/flood.XXXXXX")
FPID=
flood_cleanup() {
    [ -n "$FPID" ] && kill "$FPID" 2>/dev/null
    tm_cleanup
    rm -rf "$T_TMP" "$D"
}
trap flood_cleanup EXIT
P=$T_TMP/flood.yaml
cat >"$P" <<PLAN
plan: Flood weekend
id: flood
logs:
  - { id: app, file: $D/app.log, highlight: [ERROR] }
  - { id: long, file: $D/long.log }
phases:
  - { id: p1, title: Cut over, watch: [app], items: [ { id: p1.a, text: Watch the app } ] }
PLAN

# panel_pid: the opsdeck process in the pane (sh -> opsdeck)
panel_pid() {
    local p c
    p=$(tm display-message -p -t t '#{pane_pid}')
    while c=$(cat /proc/"$p"/task/"$p"/children 2>/dev/null) && [ -n "$c" ]; do p=${c%% *}; done
    echo "$p"
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# key_ms KEY TEXT: send KEY and poll the screen until it shows TEXT; prints the ms,
# "timeout" after GROSS_MS, or "stale" (not measured) when TEXT was there before.
key_ms() {
    local t0 t
    if tm_screen | grep -qF -- "$2"; then tm_keys "$1"; echo stale; return; fi
    t0=$(now_ms)
    tm_keys "$1"
    while :; do
        tm_screen | grep -qF -- "$2" && break
        t=$(($(now_ms) - t0))
        [ "$t" -gt "$GROSS_MS" ] && { echo timeout; return; }
    done
    echo $(($(now_ms) - t0))
}

#!/usr/bin/env bash
# A database's option_file holds its password: one that its group or others can
# read is a warning — from validate (exit status still 0), once on stderr from
# status, tick and run (never in --json stdout) — naming the file and the chmod
# that fixes it.  An option file only its owner can read says nothing; a missing
# one is left to whatever opens it.  The secret inside is never printed.
. "$(dirname "$0")/../lib.sh"
SECRET="Opt-f1le-s3cret-$$"
D=$T_TMP/plans
mkdir -p "$D/conf" "$T_TMP/home" "$T_TMP/elsewhere"
export HOME=$T_TMP/home
ALL_OUT=$T_TMP/all-output
: >"$ALL_OUT"

mkcnf() { # mkcnf PATH MODE
    printf '[client]\nuser=uplink\npassword=%s\n' "$SECRET" >"$1"
    chmod "$2" "$1"
}

# plan NAME OPTION_FILE: a plan with one database using OPTION_FILE and a harmless action
plan() {
    cat >"$D/$1.yaml" <<EOF
plan: Option file $1
databases:
  - { id: uplink, host: 127.0.0.1, port: 3306, database: uplink, option_file: "$2" }
actions:
  - { id: hello, title: Say hello, run: [true] }
phases:
  - { id: a, title: A, items: [{ id: a.1, text: one }, { id: a.2, text: two }] }
EOF
    echo "$D/$1.yaml"
}

# run CMD...: OUT (stdout), ERR (stderr), RC; both kept for the secret search
run() {
    "$@" >"$T_TMP/out" 2>"$T_TMP/err"
    RC=$?
    OUT=$(cat "$T_TMP/out") ERR=$(cat "$T_TMP/err")
    cat "$T_TMP/out" "$T_TMP/err" >>"$ALL_OUT"
}
count() { grep -cF -- "$1" <<<"$2"; }

# ---- 0600: nothing to say ----
mkcnf "$D/conf/private.cnf" 600
P=$(plan private "$D/conf/private.cnf")
run "$OPSDECK" validate "$P"
equals "0600: validate exits 0" 0 "$RC"
not_contains "0600: validate warns about nothing" "warning" "$ERR"
run "$OPSDECK" status "$P" --json
equals "0600: status exits 0" 0 "$RC"
not_contains "0600: status warns about nothing" "option file" "$ERR"

# ---- 0644 and 0640: a warning naming the file and the fix ----
for mode in 644 640; do
    F=$D/conf/open-$mode.cnf
    mkcnf "$F" "$mode"
    P=$(plan "open$mode" "$F")
    want="database 'uplink': option file $F is readable by others (mode 0$mode); run chmod 600 $F"
    run "$OPSDECK" validate "$P"
    equals "0$mode: validate still exits 0 (a warning, not an error)" 0 "$RC"
    contains "0$mode: validate warns at the database's line, naming the file and the fix" \
        "$P:3:5: warning: $want" "$ERR"
    contains "0$mode: validate still says the plan is ok" ": ok: " "$OUT"
    run "$OPSDECK" status "$P"
    equals "0$mode: status exits 0" 0 "$RC"
    equals "0$mode: status warns once on stderr" 1 "$(count "opsdeck: warning: $want" "$ERR")"
    not_contains "0$mode: not on stdout" "option file" "$OUT"
    run "$OPSDECK" status "$P" --json
    equals "0$mode: status --json warns once on stderr" 1 "$(count "opsdeck: warning: $want" "$ERR")"
    if jq -e .plan >/dev/null <<<"$OUT"; then
        t_ok "0$mode: status --json stdout is still one JSON object"
    else
        t_fail "0$mode: status --json stdout is still one JSON object" "$OUT"
    fi
    not_contains "0$mode: status --json stdout has no warning" "option file" "$OUT"
done

P=$D/open644.yaml
run "$OPSDECK" tick "$P" a.1 --as alice
equals "tick: records the tick" 0 "$RC"
equals "tick: warns once on stderr" 1 "$(count "option file $D/conf/open-644.cnf is readable" "$ERR")"
run "$OPSDECK" untick "$P" a.1 --as alice
equals "untick: warns once on stderr" 1 "$(count "option file $D/conf/open-644.cnf is readable" "$ERR")"
run "$OPSDECK" run "$P" hello --dry-run
equals "run --dry-run: exits 0" 0 "$RC"
equals "run: warns once on stderr" 1 "$(count "option file $D/conf/open-644.cnf is readable" "$ERR")"

# ---- fixed: the warning goes away ----
chmod 600 "$D/conf/open-644.cnf"
run "$OPSDECK" validate "$P"
not_contains "after chmod 600, validate warns about nothing" "warning" "$ERR"

# ---- where the file is: ~/, relative to the plan file, a symlink ----
mkcnf "$HOME/.my.cnf" 604
P=$(plan home "~/.my.cnf")
run "$OPSDECK" validate "$P"
contains "~/ is the home directory" \
    "option file $HOME/.my.cnf is readable by others (mode 0604); run chmod 600 $HOME/.my.cnf" "$ERR"
mkcnf "$D/conf/rel.cnf" 644
P=$(plan rel "conf/rel.cnf")
run bash -c 'cd "$1" && "$2" validate "$3"' _ "$T_TMP/elsewhere" "$OPSDECK" "$P"
contains "a relative option_file is relative to the plan file, not the cwd" \
    "option file $D/conf/rel.cnf is readable by others (mode 0644)" "$ERR"
mkcnf "$D/conf/target.cnf" 640
ln -s target.cnf "$D/conf/link.cnf"
P=$(plan link "$D/conf/link.cnf")
run "$OPSDECK" validate "$P"
contains "a symlink: the target's mode counts, and the target is named" \
    "option file $D/conf/link.cnf (a link to $D/conf/target.cnf) is readable by others (mode 0640)" "$ERR"
chmod 600 "$D/conf/target.cnf"
chmod -h 777 "$D/conf/link.cnf" 2>/dev/null
run "$OPSDECK" validate "$P"
not_contains "a symlink to a 0600 file says nothing" "warning" "$ERR"
mkcnf "$D/conf/group-write.cnf" 620
P=$(plan gw "$D/conf/group-write.cnf")
run "$OPSDECK" validate "$P"
contains "a file others can change is flagged too" \
    "option file $D/conf/group-write.cnf is writable by others (mode 0620); run chmod 600" "$ERR"
mkcnf "$D/conf/with space.cnf" 644
P=$(plan space "$D/conf/with space.cnf")
run "$OPSDECK" validate "$P"
contains "a path with a space is quoted in the fix" "run chmod 600 '$D/conf/with space.cnf'" "$ERR"

# ---- missing: not this warning's business ----
P=$(plan missing "$D/conf/nope.cnf")
run "$OPSDECK" validate "$P"
equals "a missing option file: validate exits 0" 0 "$RC"
not_contains "a missing option file: no warning from validate" "warning" "$ERR"
run "$OPSDECK" status "$P"
not_contains "a missing option file: no warning from status" "warning" "$ERR"

# ---- the panel: once, on the status line ----
if ! command -v tmux >/dev/null 2>&1; then
    t_skip "the panel shows the warning" "tmux is not installed"
else
    . "$ROOT/tests/e2e/tmux.sh"
    trap 'tm_cleanup; rm -rf "$T_TMP"' EXIT
    chmod 644 "$D/conf/open-644.cnf"
    tm_start 200 30 "$OPSDECK" --state "$T_TMP/panel.journal" "$D/open644.yaml"
    expect_screen "the panel shows the warning on its status line" \
        "Warning: database 'uplink': option file $D/conf/open-644.cnf is readable by others (mode 0644)"
    tm_screen >>"$ALL_OUT"
    tm_keys q
    tm_cleanup
fi

# ---- the secret ----
if grep -rqF -- "$SECRET" "$ALL_OUT" "$XDG_STATE_HOME"; then
    t_fail "the password in the option files is in no output and no journal" \
        "$(grep -rlF -- "$SECRET" "$ALL_OUT" "$XDG_STATE_HOME")"
else
    t_ok "the password in the option files is in no output and no journal"
fi

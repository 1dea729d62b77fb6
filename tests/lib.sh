# Shared helpers for the shell suites.  Source it; then use t_ok/t_fail/t_skip or check.
# Each suite prints TAP-style lines that tests/run.sh counts.
set -u
OPSDECK=${OPSDECK:-$PWD/build/opsdeck}
ROOT=${OPSDECK_ROOT:-$PWD}
TOOLS=${OPSDECK_TOOLS:-$ROOT/build/tools}
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-t.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT
export XDG_STATE_HOME="$T_TMP/state"
export LC_ALL=C.UTF-8
unset NO_COLOR

t_ok() { echo "ok - $1"; }
t_fail() { echo "not ok - $1"; shift; for l in "$@"; do echo "    $l"; done; }
t_skip() { echo "skip - $1: $2"; }

# check NAME CMD...: pass when CMD exits 0.
check() {
    local name=$1; shift
    local out
    if out=$("$@" 2>&1); then t_ok "$name"; else t_fail "$name" "command: $*" "$(printf '%s' "$out" | head -20)"; fi
}

# expect_exit NAME CODE CMD...: run CMD, pass when it exits CODE. Output in $OUT.
expect_exit() {
    local name=$1 code=$2; shift 2
    OUT=$("$@" 2>&1); local rc=$?
    if [ "$rc" -eq "$code" ]; then t_ok "$name"; else t_fail "$name" "expected exit $code, got $rc: $*" "$(printf '%s' "$OUT" | head -20)"; fi
}

# contains NAME NEEDLE HAYSTACK
contains() {
    case $3 in
    *"$2"*) t_ok "$1" ;;
    *) t_fail "$1" "missing: $2" "in: $(printf '%s' "$3" | head -20)" ;;
    esac
}
not_contains() {
    case $3 in
    *"$2"*) t_fail "$1" "unexpected: $2" "in: $(printf '%s' "$3" | head -20)" ;;
    *) t_ok "$1" ;;
    esac
}
equals() {
    if [ "$2" = "$3" ]; then t_ok "$1"; else t_fail "$1" "expected: $2" "got: $3"; fi
}

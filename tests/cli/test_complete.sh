#!/usr/bin/env bash
# Shell completion: the hidden `opsdeck __complete PLAN KIND` helper, the bash
# completion (driven through COMP_WORDS, as bash does) and the zsh one (syntax).
. "$(dirname "$0")/../lib.sh"
PLAN="$ROOT/tests/fixtures/good/small.yaml"
BIG="$ROOT/examples/uplink-2.0.yaml"

expect_exit "__complete items" 0 "$OPSDECK" __complete "$PLAN" items
equals "__complete items: checklist and rollback ids, one per line" \
    "prep.backup prep.notify prep.coffee prep.rb switch.dns docs.page done.close" "$(echo $OUT)"
expect_exit "__complete phases" 0 "$OPSDECK" __complete "$PLAN" phases
equals "__complete phases" "prep switch docs done" "$(echo $OUT)"
equals "__complete actions of a plan without actions" "" "$("$OPSDECK" __complete "$PLAN" actions)"
n_actions=$("$OPSDECK" __complete "$BIG" actions | wc -l)
n_logs=$("$OPSDECK" __complete "$BIG" logs | wc -l)
contains "__complete actions of the example" "backup" "$("$OPSDECK" __complete "$BIG" actions)"
[ "$n_actions" -gt 10 ] && [ "$n_logs" -gt 5 ] && t_ok "__complete lists every action and log" ||
    t_fail "__complete lists every action and log" "actions $n_actions, logs $n_logs"
expect_exit "__complete of an unknown kind" 2 "$OPSDECK" __complete "$PLAN" bogus
expect_exit "__complete of a bad plan is quiet" 2 "$OPSDECK" __complete "$ROOT/tests/fixtures/bad/bad-risk.yaml" items
equals "__complete of a bad plan prints nothing" "" "$OUT"
expect_exit "--help" 0 "$OPSDECK" --help
not_contains "__complete is hidden from --help" "__complete" "$OUT"

# --- bash ---------------------------------------------------------------------------
mkdir -p "$T_TMP/w/sub" && cd "$T_TMP/w" || exit 1
cp "$PLAN" plan.yaml && touch other.yml notes.md skip.txt
bin=$(dirname "$OPSDECK")
# complete WORDS...: what bash would offer for the last word (sorted, one line).
complete_bash() {
    PATH="$bin:$PATH" bash --norc --noprofile -c '
        . "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        _opsdeck
        printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ \$//"' \
        _ "$ROOT/completions/opsdeck.bash" "$@"
}
equals "bash: commands and plan files" "history import other.yml plan.yaml report run status sub sync-status tail tick untick validate" \
    "$(complete_bash opsdeck "")"
equals "bash: a command by prefix" "tail tick" "$(complete_bash opsdeck t)"
equals "bash: plan files after a command" "other.yml plan.yaml sub" "$(complete_bash opsdeck tick "")"
equals "bash: item ids of the plan" "prep.backup prep.coffee prep.notify prep.rb" "$(complete_bash opsdeck tick plan.yaml prep.)"
equals "bash: item ids after options" "switch.dns" "$(complete_bash opsdeck --as bob tick --note x plan.yaml sw)"
equals "bash: runbooks for import" "notes.md sub" "$(complete_bash opsdeck import "")"
equals "bash: report formats" "html json md" "$(complete_bash opsdeck report plan.yaml --format "")"
equals "bash: options of a command" "--json" "$(complete_bash opsdeck status plan.yaml --j)"
equals "bash: nothing to offer for a missing plan" "" "$(complete_bash opsdeck tick nope.yaml "")"
equals "bash: action ids of the example" "backup" "$(cp "$BIG" big.yaml; complete_bash opsdeck run big.yaml backu)"
if [ -r /usr/share/bash-completion/bash_completion ]; then
    with_lib=$(PATH="$bin:$PATH" bash --norc --noprofile -c '
        . /usr/share/bash-completion/bash_completion; . "$1"
        COMP_WORDS=(opsdeck tick plan.yaml prep.); COMP_CWORD=3; _opsdeck
        printf "%s " "${COMPREPLY[@]}"' _ "$ROOT/completions/opsdeck.bash")
    contains "bash: works with the bash-completion package too" "prep.rb" "$with_lib"
else
    t_skip "bash: works with the bash-completion package too" "bash-completion is not installed"
fi

# --- zsh ----------------------------------------------------------------------------
if command -v zsh >/dev/null 2>&1; then
    check "zsh: _opsdeck parses" zsh -n "$ROOT/completions/_opsdeck"
    contains "zsh: _opsdeck is a #compdef file" "#compdef opsdeck" "$(head -1 "$ROOT/completions/_opsdeck")"
else
    t_skip "zsh: _opsdeck parses" "zsh is not installed"
fi

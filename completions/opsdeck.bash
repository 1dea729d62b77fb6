# bash completion for opsdeck(1)                                  -*- shell-script -*-
#
# Commands, options, plan files (*.yaml, *.yml), and the item, action and log ids
# of the plan on the command line, which `opsdeck __complete PLAN KIND` prints.
# Works with or without the bash-completion package.

_opsdeck_commands="validate status tick untick history sync-status report tail run import"

# Options that take a value.
_opsdeck_valued="--state --as --theme --note --override --format -o --output -n --lines --rotate"

_opsdeck_options() {
    local global="--state --readonly --as --theme --user --help --version"
    case $1 in
    "") echo "$global --wallboard --rotate" ;;
    panel) echo "$global --wallboard --rotate" ;;
    status | history | sync-status) echo "$global --json" ;;
    tick) echo "$global --note --override" ;;
    untick) echo "$global --note" ;;
    report) echo "$global --format --output" ;;
    tail) echo "$global --lines --follow" ;;
    run) echo "$global --yes --dry-run --force-target" ;;
    import) echo "$global --output" ;;
    *) echo "$global" ;;
    esac
}

# _opsdeck_files EXTS: directories, and files ending in one of EXTS ("yaml|yml").
_opsdeck_files() {
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir "$1"
        return
    fi
    compopt -o filenames 2>/dev/null
    local IFS=$'\n' f
    COMPREPLY=($(compgen -d -- "$cur"))
    for f in $(compgen -f -- "$cur"); do
        [[ -f $f && ${f,,} == *.@($1) ]] && COMPREPLY+=("$f")
    done
}

# _opsdeck_ids PROG PLAN KIND: the ids of the plan.
_opsdeck_ids() {
    local plan=$2
    [[ $plan == "~/"* ]] && plan=$HOME/${plan#"~/"}
    [[ -r $plan ]] || return
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$("$1" __complete "$plan" "$3" 2>/dev/null)" -- "$cur"))
}

_opsdeck() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local prog=${COMP_WORDS[0]} cmd="" plan="" nops=0 i w
    COMPREPLY=()

    case $prev in
    --state | -o | --output)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return
        ;;
    --format)
        COMPREPLY=($(compgen -W "md html json" -- "$cur"))
        return
        ;;
    --theme)
        local themes="default light high-contrast monochrome" d
        for d in /usr/share/opsdeck/themes /usr/local/share/opsdeck/themes; do
            [[ -d $d ]] && themes+=" $(cd "$d" && ls -- *.theme 2>/dev/null | sed 's/\.theme$//')"
        done
        COMPREPLY=($(compgen -W "$themes" -- "$cur"))
        return
        ;;
    --as | --note | --override | -n | --lines | --rotate)
        return
        ;;
    esac

    # The command and the operands before the word being completed.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ " $_opsdeck_valued " == *" $w "* ]]; then
            ((i++))
            continue
        fi
        [[ $w == -* ]] && continue
        if [[ -z $cmd ]]; then
            if [[ " $_opsdeck_commands " == *" $w "* ]]; then
                cmd=$w
            else
                cmd=panel plan=$w nops=1
            fi
        else
            ((nops++))
            ((nops == 1)) && plan=$w
        fi
    done

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_opsdeck_options "$cmd")" -- "$cur"))
        return
    fi
    if [[ -z $cmd ]]; then
        _opsdeck_files 'yaml|yml'
        COMPREPLY+=($(compgen -W "$_opsdeck_commands" -- "$cur"))
        return
    fi
    case $cmd:$nops in
    import:0) _opsdeck_files 'md|markdown' ;;
    *:0) _opsdeck_files 'yaml|yml' ;;
    tick:1 | untick:1) _opsdeck_ids "$prog" "$plan" items ;;
    run:1) _opsdeck_ids "$prog" "$plan" actions ;;
    tail:1) _opsdeck_ids "$prog" "$plan" logs ;;
    esac
}

complete -F _opsdeck opsdeck

#!/usr/bin/env bash
# Hostile bytes through the command line: notes, --as names and override reasons,
# plan texts (titles, item texts, details, owners, service and action titles), a
# journal written by another machine (any field, raw control bytes, invalid UTF-8,
# lines of 1 and 2 MB) and a plan whose file name is an escape sequence.  Every
# output of status, status --json, history, history --json, report (md, html, json)
# and tick — stdout and stderr — must be safe for a terminal: well-formed UTF-8, no
# ESC, BEL or other C0 control but '\n', no DEL, no C1 control, no bidi control
# (checked by build/tools/termsafe).  The JSON outputs must still carry the exact
# text.  Notes that are not UTF-8 are refused.
. "$(dirname "$0")/../lib.sh"
SAFE=$TOOLS/termsafe
FORGE=$TOOLS/jforge
if [ ! -x "$SAFE" ] || [ ! -x "$FORGE" ]; then
    t_skip "hostile input" "build/tools/termsafe and jforge not built"
    exit 0
fi
export OPSDECK_NOW=2026-11-28T22:30:00Z
HOSTILE_BYTES=0
# under valgrind (make check-valgrind) the refusals, which never get past the option
# checks, are sampled: every option, every byte otherwise
REFUSE_OPTS="--note --as --override" BYTE_STEP=1
[ -n "${OPSDECK_UNDER_VALGRIND:-}" ] && REFUSE_OPTS="--note" BYTE_STEP=8
count() { local LC_ALL=C; HOSTILE_BYTES=$((HOSTILE_BYTES + ${#1})); } # bytes, not characters

# outputs_safe NAME JOURNAL PLAN: every reading command's stdout and stderr is safe
outputs_safe() {
    local name=$1 j=$2 plan=$3 cmd bad=""
    for cmd in "status" "status --json" "history" "history --json" "report" \
        "report --format html" "report --format json"; do
        # shellcheck disable=SC2086
        "$OPSDECK" $cmd --state "$j" "$plan" >"$T_TMP/out" 2>"$T_TMP/err"
        local rc=$?
        if [ "$rc" -ne 0 ]; then
            bad="$bad
$cmd exited $rc: $(head -c 300 "$T_TMP/err" | cat -v)"
            continue
        fi
        local why
        why=$("$SAFE" "$T_TMP/out" "$T_TMP/err") || bad="$bad
$cmd: $why"
    done
    if [ -z "$bad" ]; then t_ok "$name: every output is terminal-safe"; else t_fail "$name: every output is terminal-safe" "$bad"; fi
}

# ---- a plan to tick against ----
PLAN=$T_TMP/hostile.yaml
{
    echo "plan: Hostile"
    echo "id: hostile"
    echo "phases:"
    echo "  - id: p1"
    echo "    title: Notes"
    echo "    items:"
    for i in $(seq 1 8); do echo "      - { id: i$i, text: Item $i }"; done
} >"$PLAN"
J=$T_TMP/notes.journal

# chunks of every byte 0x01..0x7f (valid UTF-8: accepted and recorded)
notes=()
for start in $(seq 1 16 127); do
    s=""
    for b in $(seq "$start" $((start + 15))); do
        [ "$b" -le 127 ] && printf -v ch "\\x$(printf %02x "$b")" && s="$s$ch"
    done
    notes+=("x${s}y")
done
# U+0080..U+00FF encoded as UTF-8: the C1 controls and Latin-1
for start in 128 160 192 224; do
    s=""
    for cp in $(seq "$start" $((start + 31))); do printf -v ch "\\u$(printf %04x "$cp")" && s="$s$ch"; done
    notes+=("$s")
done
notes+=(
    $'clear \e[2J\e[H home'
    $'title \e]0;pwned\a and \e]2;pwned\e\\'
    $'clipboard \e]52;c;cm0gLXJmIH4=\a'
    $'DCS \eP1$qm\e\\ APC \e_x\e\\ PM \e^x\e\\ SOS \eXx\e\\'
    $'unterminated CSI \e[31 OSC \e]0;x DCS \eP APC \e_'
    $'C1 CSI \u009b31m C1 OSC \u009d0;x\u009c NEL \u0085'
    $'overwrite\rDONE and back\b\b\bspace, bell \a\a, del \x7f'
    $'bidi \u202etxt.exe\u202c iso \u2066x\u2069 marks \u200e\u200f sep \u2028\u2029 bom \ufeff'
    $'form\ffeed vertical\vtab escape-at-end \e'
)
big=""
while [ ${#big} -lt 100000 ]; do big="$big"$'\e[2J\e]0;t\a\u009b\u202e'"${notes[0]}"; done
notes+=("$big")

n=0 ok=1
for note in "${notes[@]}"; do
    n=$((n + 1))
    count "$note"
    item=i$(( (n % 8) + 1 ))
    "$OPSDECK" tick "$PLAN" "$item" --state "$J" --as "a$n" --note "$note" >"$T_TMP/out" 2>"$T_TMP/err"
    rc=$?
    if [ "$rc" -ne 0 ] || ! "$SAFE" "$T_TMP/out" "$T_TMP/err" >"$T_TMP/why"; then
        ok=0
        t_fail "tick with hostile note $n is recorded and echoed safely" "exit $rc" "$(cat "$T_TMP/why")"
    fi
done
[ $ok = 1 ] && t_ok "${#notes[@]} ticks with hostile notes are recorded and echoed safely"

# names given with --as, and override reasons: the byte chunks above, then sequences
names=("${notes[@]:0:12}" $'\e[2J' $'\e]0;x\a' $'\u009b1m' $'ev\u202eil' $'r\roverwrite' $'bs\b\b'
    $'nul?\x7f')
ok=1
for name in "${names[@]}"; do
    count "$name"
    count "$name"
    "$OPSDECK" tick "$PLAN" i1 --state "$J" --as "$name" --note "by $name" --override "$name" \
        >"$T_TMP/out" 2>"$T_TMP/err"
    rc=$?
    if [ "$rc" -ne 0 ] || ! "$SAFE" "$T_TMP/out" "$T_TMP/err" >"$T_TMP/why"; then
        ok=0
        t_fail "tick --as hostile name" "exit $rc" "$(cat "$T_TMP/why")"
    fi
done
[ $ok = 1 ] && t_ok "${#names[@]} hostile --as names and reasons are recorded and echoed safely"
outputs_safe "hostile notes and names" "$J" "$PLAN"

# the text comes back exactly from the JSON outputs
want=$(printf '%s\n' "${notes[@]}" | sha256sum)
got=$("$OPSDECK" history --json --state "$J" "$PLAN" | jq -r 'select(.type=="tick" and (.by|startswith("a"))) | .note' | sha256sum)
equals "history --json carries every hostile note exactly" "$want" "$got"
# the state sanitises what it folds in: status shows the name escaped
last=$("$OPSDECK" status --json --state "$J" "$PLAN" | jq -r '.phases[0].items[0].by')
equals "status --json shows a hostile name escaped" 'nul?\x7f' "$last"

# notes, names and reasons that are not UTF-8 are refused, and nothing is written
before=$(sha256sum <"$J")
refused=0 tried=0
for bad in $'\x80' $'\xff\xfe' $'raw CSI \x9b2J' $'overlong \xc0\xaf' $'overlong \xe0\x80\xaf' \
    $'surrogate \xed\xa0\x80' $'too big \xf4\x90\x80\x80' $'cut \xe2\x82' $'latin1 caf\xe9'; do
    for opt in $REFUSE_OPTS; do
        tried=$((tried + 1))
        count "$bad"
        "$OPSDECK" tick "$PLAN" i2 --state "$J" "$opt" "$bad" >"$T_TMP/out" 2>"$T_TMP/err"
        rc=$?
        if [ "$rc" -eq 2 ] && "$SAFE" "$T_TMP/out" "$T_TMP/err" >/dev/null; then
            refused=$((refused + 1))
        else
            echo "    $opt $(printf '%q' "$bad"): exit $rc" >&2
        fi
    done
done
equals "text that is not UTF-8 is refused (exit 2, safely)" "$tried" "$refused"
equals "a refused tick writes nothing" "$before" "$(sha256sum <"$J")"
# every byte 0x80..0xff raw, each in a note of its own: all refused
refused=0 n_bytes=0
for b in $(seq 128 "$BYTE_STEP" 255); do
    n_bytes=$((n_bytes + 1))
    printf -v note "x\\x$(printf %02x "$b")y"
    count "$note"
    "$OPSDECK" tick "$PLAN" i2 --state "$J" --note "$note" >/dev/null 2>&1
    [ $? -eq 2 ] && refused=$((refused + 1))
done
equals "every raw byte 0x80..0xff in a note is refused ($n_bytes tried)" "$n_bytes" "$refused"

# ---- hostile plan text ----
# YAML double-quoted escapes put every code point U+0001..U+00FF and the sequences
# above into titles, texts, details, owners and service/action titles.
HP=$T_TMP/hostile-text.yaml
esc_chunk() { # escaped YAML for code points $1..$2
    local s="" cp
    for cp in $(seq "$1" "$2"); do s="$s\\x$(printf %02x "$cp")"; done
    printf '%s' "$s"
}
seqs='\e[2J\e[H \e]0;pwned\a \e]52;c;cm0gLXJmIH4=\a \eP1$qm\e\\ \e_apc\e\\ \e^pm\e\\ \eXsos\e\\ \e[31 \e]0;x \x9b31m \x9d0;x \r\b\b\a \u202etxt \u2066x\u2069 \ufeff'
mb=$(head -c 1000000 /dev/zero | tr '\0' 'A')
{
    echo "plan: \"Hostile $seqs\""
    echo "id: hostile-text"
    echo "services:"
    echo "  - { unit: web.service, title: \"web $seqs\" }"
    echo "actions:"
    echo "  - { id: act, title: \"act $seqs\", run: [\"/bin/echo\", \"$seqs\"] }"
    echo "phases:"
    k=0
    for start in 1 33 65 97 129 161 193 225; do
        k=$((k + 1))
        chunk=$(esc_chunk "$start" $((start + 31)))
        echo "  - id: p$k"
        echo "    title: \"phase $chunk\""
        echo "    owner: \"owner $seqs\""
        echo "    items:"
        echo "      - id: p$k.a"
        echo "        text: \"item $chunk $seqs\""
        echo "        details: \"details $chunk\\n$seqs\\nline three\""
        echo "    rollback:"
        echo "      - { id: p$k.rb, text: \"rollback $chunk\" }"
    done
    # one line of over a megabyte once escaped
    echo "  - id: big"
    echo "    title: \"a 1 MB line\""
    echo "    items:"
    echo "      - id: big.a"
    echo "        text: \"big $seqs\""
    echo "        details: \"$mb$seqs$(esc_chunk 1 31)\""
} >"$HP"
count "$(cat "$HP")"
expect_exit "a plan with hostile text validates" 0 "$OPSDECK" validate "$HP"
why=$("$SAFE" <<<"$OUT") && t_ok "validate output is terminal-safe" || t_fail "validate output is terminal-safe" "$why"
HJ=$T_TMP/text.journal
"$OPSDECK" tick "$HP" p1.a --state "$HJ" --as alice --note "$seqs" >"$T_TMP/out" 2>"$T_TMP/err"
equals "ticking an item with a hostile text works" 0 $?
why=$("$SAFE" "$T_TMP/out" "$T_TMP/err") && t_ok "tick output with a hostile item text is safe" || t_fail "tick output with a hostile item text is safe" "$why"
"$OPSDECK" tick "$HP" big.a --state "$HJ" --override "$seqs" >/dev/null 2>&1
outputs_safe "hostile plan text" "$HJ" "$HP"
title=$("$OPSDECK" status --json --state "$HJ" "$HP" | jq -r .plan)
want=$(printf 'Hostile \e[2J\e[H \e]0;pwned\a')
case $title in "$want"*) t_ok "status --json carries the plan title exactly" ;; *) t_fail "status --json carries the plan title exactly" "$(printf '%q' "$title" | head -c 200)" ;; esac

# a plan whose text holds NUL: rejected or shown safely, never cut off silently into raw output
printf 'plan: "nul \\0 here \\e[2J"\nphases:\n  - id: p\n    title: "t \\0 \\e]0;x\\a"\n    items:\n      - { id: p.a, text: "a\\0b" }\n' >"$T_TMP/nul.yaml"
"$OPSDECK" validate "$T_TMP/nul.yaml" >"$T_TMP/out" 2>"$T_TMP/err"
why=$("$SAFE" "$T_TMP/out" "$T_TMP/err") && t_ok "a plan with NUL in its text is handled safely" || t_fail "a plan with NUL in its text is handled safely" "$why"
count "$(cat "$T_TMP/nul.yaml")"

# a plan whose file name is an escape sequence (the id is derived from it)
EP="$T_TMP/"$'\e]0;x\a\e[2J'"plan.yaml"
sed '/^id: /d' "$PLAN" >"$EP"
count "$EP"
for cmd in validate status history report; do
    "$OPSDECK" $cmd --state "$T_TMP/ep.journal" "$EP" >"$T_TMP/out" 2>"$T_TMP/err"
    why=$("$SAFE" "$T_TMP/out" "$T_TMP/err") && t_ok "$cmd of a plan named with escapes is safe" || t_fail "$cmd of a plan named with escapes is safe" "$why"
done
"$OPSDECK" status --state "$T_TMP/"$'\e[2J'"x/j" "$T_TMP/none"$'\e]0;x\a'".yaml" >"$T_TMP/out" 2>"$T_TMP/err"
why=$("$SAFE" "$T_TMP/out" "$T_TMP/err") && t_ok "errors naming hostile paths are safe" || t_fail "errors naming hostile paths are safe" "$why"

# ---- a journal from another machine: any field, raw bytes, huge lines ----
FJ=$T_TMP/forged.journal
raw_esc=$'\e[2J\e]0;x\a\x9b\xc2\x9b\xe2\x80\xae\r\b\x7f\xff\xfe\xc0\xaf'
{
    printf '"seq":1,"id":"%s","at":"2026-11-28T22:00:00Z","by":"%s","host":"%s","type":"tick","item":"i1","note":"%s"}\n' \
        "id$raw_esc" "by$raw_esc" "host$raw_esc" "note$raw_esc"
    printf '"seq":2,"id":"b","at":"2026-11-28T22:01:00Z","by":"x","host":"h","type":"%s","item":"%s","phase":"%s","action":"%s","reason":"%s","result":"%s","exit":3,"%s":"%s"}\n' \
        "type$raw_esc" "item$raw_esc" "phase$raw_esc" "action$raw_esc" "reason$raw_esc" "result$raw_esc" "key$raw_esc" "value$raw_esc"
    printf '"seq":3,"id":"c","at":"2026-11-28T22:02:00Z","by":"\\u001b[2J\\u009b\\u202e","host":"h","type":"action-end","action":"act","result":"\\u001b]0;x\\u0007","exit":1,"stderr":"\\u001b[31mred\\u0000nul"}\n'
    printf '"seq":4,"id":"d","at":"2026-11-28T22:03:00Z","by":"x","host":"h","type":"phase-override","phase":"p1","reason":"%s"}\n' "$(head -c 900000 /dev/zero | tr '\0' 'B')$raw_esc"
} | "$FORGE" >"$FJ"
{ head -c 2000000 /dev/zero | tr '\0' '\033'; echo; } >>"$FJ"
printf '"seq":5,"id":"e","at":"2026-11-28T22:04:00Z","by":"after","host":"h","type":"untick","item":"i1"}\n' | "$FORGE" >>"$FJ"
printf '{"crc":"00000000","seq":6,"note":"\e[2J damaged \x9b"}\n' >>"$FJ"
printf '{"crc":"1c291ca3","seq":7,"by":"\e]0;torn' >>"$FJ"
count "$(cat "$FJ")"
outputs_safe "a forged journal" "$FJ" "$PLAN"
"$OPSDECK" history --json --state "$FJ" "$PLAN" >"$T_TMP/out" 2>"$T_TMP/err"
equals "history --json of a forged journal is one JSON object per valid record" 5 "$(jq -c . "$T_TMP/out" 2>/dev/null | wc -l | tr -d ' ')"
contains "the 2 MB line is reported as damage" "damaged record skipped" "$(cat "$T_TMP/err")"

echo "# hostile input tried: $HOSTILE_BYTES bytes"
t_ok "hostile input tried: $HOSTILE_BYTES bytes"

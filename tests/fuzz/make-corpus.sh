#!/usr/bin/env bash
# Regenerate the seed corpus of the fuzz targets in tests/fuzz/corpus/TARGET/ (the
# files are committed; run this after changing the record format or the fixtures):
#   plan      the example plans and every fixture plan the tests use
#   journal   record lines (mode 0), lines with broken checksums and fields (mode 1),
#             whole journals: valid, torn, bit-flipped, garbage (modes 2, 3)
#   sanitize  hostile strings: escape sequences, C1, bidi, invalid UTF-8, every byte
#   parsers   durations, thresholds, expectations, redis URLs, times
# Regression inputs found by fuzzing are named regress-*, inputs merged from fuzzing
# runs for their coverage (make fuzz-merge) cov-* or a SHA-1; this script keeps them.
# Usage: tests/fuzz/make-corpus.sh [BUILD]   (needs BUILD/tools/jappend)
set -eu
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
C=tests/fuzz/corpus
JAPPEND=$BUILD/tools/jappend
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- plan ----
for f in examples/*.yaml; do cp "$f" "$C/plan/example-$(basename "$f")"; done
for f in tests/fixtures/bad/*.yaml; do cp "$f" "$C/plan/bad-$(basename "$f")"; done
for f in tests/fixtures/good/*.yaml; do cp "$f" "$C/plan/good-$(basename "$f")"; done

# ---- journal ----
# seed FILE MODE: the mode byte, then the bytes on stdin
seed() { { printf "\\x$(printf %02x "$2")"; cat; } >"$C/journal/$1"; }
J=$tmp/j.journal
export OPSDECK_NOW=2026-11-28T22:30:00Z
"$JAPPEND" "$J" \
    '{"type":"tick","by":"alice","item":"p1.deps","note":"dump in /backups"}' \
    '{"type":"untick","by":"bob","item":"p1.deps"}' \
    '{"type":"phase-override","by":"carol","phase":"p2","reason":"window moved"}' \
    '{"type":"action-start","by":"dora","action":"backup"}' \
    '{"type":"action-end","by":"dora","action":"backup","result":"failed","exit":3,"stderr":"\u001b[2J disk full"}' \
    '{"type":"note","by":"eve","item":"p1.x","note":"x\u001b]0;pwned\u0007 \u009b31m \u202e evil ☃ 日本"}' \
    '{"type":"rollback-start","by":"frank","phase":"p4","extra":{"nested":[1,2.5,-0,1e300,null,true]}}' \
    '{"type":"tick","by":"","item":"","note":""}' >/dev/null
i=0
while IFS= read -r line; do
    i=$((i + 1))
    printf '%s' "$line" | seed "line-$i" 0
    # the same line with a wrong checksum: mode 1 sets it right again
    printf '%s' "$line" | sed 's/^{"crc":"......../{"crc":"00000000/' | seed "fixcrc-$i" 1
done <"$J"
for body in '"seq":1}' '"seq":"1","id":"a","at":"x","by":1,"host":null,"type":"tick"}' \
    '"seq":9007199254740993,"id":"a","at":"2026-11-28T22:30:00Z","by":"b","host":"h","type":"tick"}' \
    '"seq":1,"seq":2,"id":"a","at":"2026-11-28T22:30:00Z","by":"b","host":"h","type":"tick"}' \
    '"seq":1,"id":"a","at":"9999-12-31T23:59:60Z","by":"b","host":"h","type":"tick","exit":1e10}' \
    '"seq":1,"id":"a","at":"2026-11-28T22:30:00Z","by":"b","host":"h","type":"","x":1,"x":2}' \
    '"seq":1,"id":"a\u0000b","at":"2026-11-28T22:30:00+14:00","by":"\ud800","host":"h","type":"t","crc":"1"}' \
    '"seq":1.5,"id":[],"at":{},"by":"b","host":"h","type":"tick","":{"":""}}'; do
    printf '{"crc":"00000000",%s' "$body" | seed "fields-$(printf '%s' "$body" | cksum | cut -c1-8)" 1
done
seed file-valid 2 <"$J"
seed file-valid-split 3 <"$J"
head -c -30 "$J" | seed file-torn 2
{ cat "$J"; printf '{"crc":"1c29'; } | seed file-torn-prefix 2
: | seed file-empty 2
printf '\n\n\n' | seed file-blank-lines 2
sed 's/$/\r/' "$J" | seed file-crlf 6
{ head -n 3 "$J"; printf 'garbage \x00\x01\xff line\n'; tail -n +4 "$J"; } | seed file-garbage-line 2
{ tail -n 3 "$J"; head -n 5 "$J"; } | seed file-out-of-order 2
{ cat "$J"; cat "$J"; } | seed file-duplicated 2
# bit flips: one bit of byte N of the file
size=$(stat -c %s "$J")
for pos in 3 9 20 60 $((size / 2)) $((size - 2)); do
    cp "$J" "$tmp/flip"
    byte=$(od -An -tu1 -j "$pos" -N1 "$J" | tr -d ' ')
    printf "\\x$(printf %02x $((byte ^ 4)))" | dd of="$tmp/flip" bs=1 seek="$pos" conv=notrunc status=none
    seed "file-bitflip-$pos" 2 <"$tmp/flip"
    seed "file-bitflip-$pos-fixcrc" 6 <"$tmp/flip"
done

# ---- sanitize: flags byte (1 keep \n, 2 keep \t), then the text ----
s=0
san() { s=$((s + 1)); { printf "\\x$(printf %02x "$1")"; printf "$2"; } >"$C/sanitize/hostile-$s"; }
san 0 'plain text, ☃ 日本語 e\xcc\x81 👍'
san 0 '\033[2J\033[H clear'
san 0 '\033]0;title\007 set title'
san 0 '\033]52;c;cHduZWQ=\007 clipboard'
san 0 '\033]52;c;cHduZWQ=\033\\ clipboard, ST'
san 0 '\033P1$qm\033\\ DCS'
san 0 '\033_APC\033\\ \033^PM\033\\ \033XSOS\033\\'
san 0 '\033[31 unterminated CSI \033]0;unterminated OSC'
san 0 '\xc2\x9b31m C1 CSI \xc2\x9d0;x\xc2\x9c OSC \xc2\x85 NEL'
san 0 '\x9b31m raw 8-bit CSI \x9d \x90'
san 0 'over\rwrite \bback \x7f del \a bel \x00 nul'
san 1 'line one\nline two\r\n\ttab'
san 2 'a\tb\tc\nd'
san 3 'both\t\n\v\f'
san 0 'rtl \xe2\x80\xae evil \xe2\x81\xa6 iso \xe2\x81\xa9 \xe2\x80\x8f \xe2\x80\xa8 \xef\xbb\xbf'
san 0 'overlong \xc0\xaf \xe0\x80\xaf \xf0\x80\x80\xaf \xc1\xbf'
san 0 'surrogate \xed\xa0\x80 \xed\xbf\xbf max \xf4\x8f\xbf\xbf too big \xf4\x90\x80\x80 \xf5\x80\x80\x80'
san 0 'truncated \xe2\x82 \xf0\x9f\x98 \xc3'
san 0 'backslashes \\e \\x1b \\u202e'
all=''
for b in $(seq 1 255); do all="$all\\x$(printf %02x "$b")"; done
san 0 "$all"
san 3 "$all"

# ---- parsers: selector (0 duration, 1 limit, 2 expect, 3 match, 4 redis, 5 time) ----
p=0
par() { p=$((p + 1)); { printf "\\x$(printf %02x "$1")"; printf '%s' "$2"; } >"$C/parsers/seed-$p"; }
for d in 30m 2h 1d 2w 1h30m 45s 0m 1w2d3h4m5s 520w 99999999999w 1h1h m 10 1x -5m ' 5m'; do par 0 "$d"; done
for t in '85%' '> 1000' '>= 0' '< 100' '<= 1.5e3' '= 0' '!= 7' '200' ' 90 % ' '> ' 'inf' 'nan' '0x10' '1e400' '>=-0'; do
    par 1 "$t"; par 2 "$t"
done
for t in ok '= ok' '== "x"' '!= error' '> abc'; do par 2 "$t"; done
par 3 "$(printf '> 1000\x011001')"
par 3 "$(printf '85%%\x0190%%')"
par 3 "$(printf 'ok\x01ok')"
for u in redis://127.0.0.1:6379/0 rediss://cache.example:6380/2 redis://user@h/1 \
    redis://user:s3cret@h:6379/0 unix:///run/redis.sock unix:///run/redis.sock?db=3 \
    redis:///nohost redis://h:0/ redis://h:65536 redis://h/x redis://[::1]:6379/0 \
    'redis://h/%30' http://h/ unix://relative/path ''; do
    par 4 "$u"
done
for t in 2026-11-28T22:00:00Z 2026-11-28T23:00:00+01:00 '2026-11-28 22:00' 2026-11-28 \
    2024-02-29T12:00:00Z 2023-02-29T12:00:00Z 2026-12-31T23:59:60Z 2026-11-28T22:00:00.123456Z \
    0000-01-01T00:00:00+14:00 9999-12-31T23:59:59-12:00 2026-13-01T00:00:00Z 2026-11-28T24:00:00Z \
    2026-11-28T22:00:00+2400 2026-11-28t22:00:00z '2026-11-28T22:00:00 Z'; do
    par 5 "$t"
done
echo "corpus: $(find "$C" -type f | wc -l) files"

#!/usr/bin/env bash
# https checks against real TLS servers (openssl s_server -www) on loopback ports,
# with a CA and server certificates the test makes itself: one expiring in 10 days
# (warn: fewer than 14), one valid for 400 days (ok), one already expired (fail).
# The check trusts the test's CA only through `ca_file:`; the days it reports are
# compared with what `openssl x509 -enddate` says.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_servers.sh"
export HOME=$T_TMP/home
mkdir -p "$HOME"
D=$T_TMP/plan
mkdir -p "$D/ca" "$T_TMP/certs"
C=$T_TMP/certs

jqc() { jq -r "$1" <<<"$JSON"; }
check_field() { jq -r --arg id "$1" ".checks[] | select(.id == \$id) | .$2" <<<"$JSON"; }

# ---- the schema: ca_file is a key of http checks only -------------------------------------
cat >"$T_TMP/typo.yaml" <<EOF
plan: Typo
checks:
  - { id: web, kind: http, url: "https://127.0.0.1:1/", ca-file: ca.pem }
  - { id: root, kind: disk, path: /, ca_file: ca.pem }
phases:
  - { id: a, title: A, items: [{ id: a.1, text: x }] }
EOF
OUT=$("$OPSDECK" validate "$T_TMP/typo.yaml" 2>&1)
RC=$?
equals "validate: a misspelt ca_file is an error (exit 2)" 2 "$RC"
contains "it suggests ca_file" "unknown key 'ca-file' in check 'web' (did you mean 'ca_file'?)" "$OUT"
contains "ca_file on a disk check is an unknown key" "unknown key 'ca_file' in check 'root'" "$OUT"

if ! srv_need openssl python3; then
    t_skip "https checks" "$SRV_SKIP"
    exit 0
fi

# ---- a CA and three server certificates -----------------------------------------------------
cat >"$C/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = opsdeck test CA
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
authorityKeyIdentifier = keyid
EOF
ssl() { openssl "$@" >>"$C/openssl.log" 2>&1; }
newkey=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
mkca() { # mkca NAME
    ssl req -x509 -config "$C/openssl.cnf" -extensions v3_ca "${newkey[@]}" -days 800 \
        -subj "/CN=opsdeck test CA $1" -keyout "$C/$1.key" -out "$C/$1.pem"
}
mkleaf() { # mkleaf NAME DAYS: signed by the test CA, valid from now for DAYS (-1: expired)
    ssl req -new -config "$C/openssl.cnf" "${newkey[@]}" -subj /CN=localhost \
        -keyout "$C/$1.key" -out "$C/$1.csr" &&
        ssl x509 -req -in "$C/$1.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" -CAcreateserial \
            -days "$2" -extfile "$C/openssl.cnf" -extensions leaf -out "$C/$1.pem"
}
if ! mkca ca || ! mkca other || ! mkleaf soon 10 || ! mkleaf later 400 || ! mkleaf expired -1; then
    t_fail "openssl makes the test certificates" "$(tail -20 "$C/openssl.log")"
    exit 0
fi
cp "$C/ca.pem" "$D/ca/ca.pem"
cp "$C/ca.pem" "$HOME/internal-ca.pem"

# s_server NAME: serve certificate NAME on a free loopback port: PORT_<NAME>
s_server() {
    local port
    port=$(srv_port)
    openssl s_server -accept "127.0.0.1:$port" -cert "$C/$1.pem" -key "$C/$1.key" -www -quiet \
        </dev/null >"$C/s_server-$1.log" 2>&1 &
    SRV_PIDS+=($!)
    printf -v "PORT_$1" %s "$port"
    srv_wait 20 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)"
}
if ! s_server soon || ! s_server later || ! s_server expired; then
    t_fail "openssl s_server serves the certificates" "$(tail -5 "$C"/s_server-*.log)"
    exit 0
fi

cat >"$D/https.yaml" <<EOF
plan: HTTPS checks
checks:
  - { id: soon, kind: http, url: "https://127.0.0.1:$PORT_soon/", ca_file: ca/ca.pem }
  - { id: later, kind: http, url: "https://localhost:$PORT_later/", ca_file: ~/internal-ca.pem }
  - { id: expired, kind: http, url: "https://127.0.0.1:$PORT_expired/", ca_file: $C/ca.pem }
  - { id: untrusted, kind: http, url: "https://127.0.0.1:$PORT_later/" }
  - { id: wrongca, kind: http, url: "https://127.0.0.1:$PORT_later/", ca_file: $C/other.pem }
  - { id: noca, kind: http, url: "https://127.0.0.1:$PORT_later/", ca_file: ca/missing.pem }
phases:
  - { id: a, title: A, items: [{ id: a.1, text: x }] }
EOF
OUT=$("$OPSDECK" validate "$D/https.yaml" 2>&1)
equals "validate: ca_file on http checks is accepted" 0 "$?"

# days left as opsdeck counts them (whole days, rounded down) from openssl's notAfter
days_left() {
    local end
    end=$(date -d "$(openssl x509 -enddate -noout -in "$C/$1.pem" | cut -d= -f2)" +%s)
    echo $(((end - $(date +%s)) / 86400))
}
soon_before=$(days_left soon) later_before=$(days_left later)
# from another directory: a relative ca_file is relative to the plan file
JSON=$(cd "$T_TMP" && "$OPSDECK" status --json --state "$T_TMP/j" "$D/https.yaml" 2>"$T_TMP/err")
RC=$?
soon_after=$(days_left soon) later_after=$(days_left later)
if ! jq -e .checks >/dev/null <<<"$JSON"; then
    t_fail "status --json prints the checks" "$JSON" "$(cat "$T_TMP/err")"
    exit 0
fi
equals "status exits 1: a check fails" 1 "$RC"

# days_agree NAME CHECK CERT BEFORE AFTER
days_agree() {
    local note days
    note=$(check_field "$2" note)
    days=$(sed -n 's/^certificate expires in \([0-9]*\) days$/\1/p' <<<"$note")
    if [ -n "$days" ] && { [ "$days" = "$4" ] || [ "$days" = "$5" ]; }; then
        t_ok "$1 ($days days, as openssl x509 -enddate says)"
    else
        t_fail "$1" "openssl: $4 (or $5) days" "opsdeck note: $note" "error: $(check_field "$2" error)"
    fi
}
days_agree "10-day certificate: the days left agree with openssl" soon soon "$soon_before" "$soon_after"
equals "10-day certificate: warn (fewer than 14 days), HTTP 200" "warn 200" \
    "$(check_field soon status) $(check_field soon value)"
contains "its error says when it expires" "the certificate expires in" "$(check_field soon error)"
days_agree "400-day certificate: the days left agree with openssl" later later "$later_before" \
    "$later_after"
equals "400-day certificate: ok, HTTP 200 (ca_file with ~/)" "ok 200 null" \
    "$(check_field later status) $(check_field later value) $(check_field later error)"
equals "expired certificate: fail" fail "$(check_field expired status)"
contains "its error says it has expired" "expired" "$(check_field expired error)"
not_contains "and does not send the operator to ca_file" "name that CA" "$(check_field expired error)"
equals "without ca_file: the internal CA is not trusted: fail" fail "$(check_field untrusted status)"
contains "the error is the verification failure" "certificate" "$(check_field untrusted error)"
contains "and names the fix" "with 'ca_file:' on the check" "$(check_field untrusted error)"
equals "a ca_file of another CA: fail" fail "$(check_field wrongca status)"
contains "the error names the ca_file it used" "(verified with ca_file $C/other.pem)" \
    "$(check_field wrongca error)"
equals "a ca_file that does not exist: unknown" unknown "$(check_field noca status)"
contains "the error names the resolved path" "cannot read ca_file '$D/ca/missing.pem'" \
    "$(check_field noca error)"

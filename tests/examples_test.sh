#!/bin/bash
# The example programs (examples/*.c), built with the strict flags and run
# against the mock Odeus server: api_key.c, oauth.c and none.c over TLS with
# the test CA, custom_io.c (no mbedTLS, a non-blocking socket through a
# 256-byte window) over plain HTTP. Every output is compared byte for byte
# with an expectation written here from the Odeus API reference and the
# mock server's rules (tests/mock_server.c); what the server recorded and
# what it stored (GET /__state/{id}) are checked too. Prints "RESULT passed
# failed".
#
# Environment: ODEUS_INC, a directory holding the odeus_auth.h to test
# (default: the repository root; when set, the header and the examples are
# copied under build/, as the examples include "../odeus_auth.h"); ODEUS_AUTH_BIN, the odeus-auth tool
# (default build/test/odeus-auth, built here when missing); MOCK_* as in
# tests/mock.sh.
cd "$(dirname "$0")/.." || exit 1
T=build/test/examples; rm -rf "$T"; mkdir -p "$T"
P=0; F=0
STRICT=(-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Wstrict-prototypes -Werror)
LIBS=(-lmbedtls -lmbedx509 -lmbedcrypto)
ID=550e8400-e29b-41d4-a716-446655440000
KEY=test-key
SECRET=gh-oauth-secret-7f3a9c  # oauth.c's clientSecret in this test
CA=tests/certs/ca.pem

pass() { P=$((P + 1)); }
fail() { F=$((F + 1)); echo "FAIL $*" >&2; }
# ok NAME CMD...: one check, passing when CMD succeeds.
ok() { local name=$1; shift; if "$@"; then pass; else fail "$name"; fi; }
# same NAME WANT_FILE GOT_FILE: the files are equal byte for byte.
same() {
  if cmp -s "$2" "$3"; then pass; else
    fail "$1: output differs"; echo "--- want" >&2; cat -A "$2" >&2; echo "--- got" >&2; cat -A "$3" >&2; fi
}
# run NAME WANT_EXIT CMD...: runs CMD with stdout and stderr in $T/NAME.out/.err.
run() {
  local name=$1 want=$2 got; shift 2
  "$@" > "$T/$name.out" 2> "$T/$name.err"; got=$?
  if [ "$got" = "$want" ]; then pass; else fail "$name: exit $got, want $want"; cat "$T/$name.err" >&2; fi
}
# want NAME: stdin is the expected stdout of run NAME (text lines).
want() { cat > "$T/$1.want"; same "$1" "$T/$1.want" "$T/$1.out"; }
# want_err NAME LINE: stderr of run NAME is exactly LINE.
want_err() { printf '%s\n' "$2" > "$T/$1.err-want"; same "$1 (stderr)" "$T/$1.err-want" "$T/$1.err"; }

# ---- build -------------------------------------------------------------------
if [ -n "${ODEUS_INC:-}" ]; then
  mkdir -p "$T/src"; cp "$ODEUS_INC/odeus_auth.h" "$T/odeus_auth.h"; cp examples/*.c "$T/src/"
  SRC=$T/src; HDR=$T/odeus_auth.h
else
  SRC=examples; HDR=odeus_auth.h
fi
VERSION=$(sed -n 's/^#define ODEUS_AUTH_VERSION_STRING "\(.*\)"$/\1/p' "$HDR")
# Compiles run in the background, two at a time (the machine has 2 cores);
# each result is one check.
compile() {  # NAME COMPILER [flags...]: to $T/NAME, log in $T/build-NAME.err
  local name=$1; shift
  "$@" -o "$T/$name" > "$T/build-$name.err" 2>&1; echo $? > "$T/build-$name.rc"
}
compile api_key gcc "${STRICT[@]}" -O2 "$SRC/api_key.c" "${LIBS[@]}" &
compile custom_io gcc "${STRICT[@]}" -O2 "$SRC/custom_io.c" &
wait
compile oauth gcc "${STRICT[@]}" -O2 "$SRC/oauth.c" "${LIBS[@]}" &
compile none gcc "${STRICT[@]}" -O2 "$SRC/none.c" "${LIBS[@]}" &
wait
BUILT="api_key oauth none custom_io"
# The porting example once more under the sanitizers: its callbacks and
# poll loop are what a port copies.
if command -v clang > /dev/null 2>&1; then
  compile custom_io-asan clang "${STRICT[@]}" -O0 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
    "$SRC/custom_io.c" &
  BUILT="$BUILT custom_io-asan"
fi
# The tool, to check that api_key.c holds the same config as api_key.json.
CLI=${ODEUS_AUTH_BIN:-build/test/odeus-auth}
if [ ! -x "$CLI" ]; then
  CLI=$T/odeus-auth
  gcc "${STRICT[@]}" -O2 -o "$CLI" "$SRC/odeus-auth.c" "${LIBS[@]}" 2> "$T/build-odeus-auth.err" ||
    { fail "build odeus-auth"; cat "$T/build-odeus-auth.err" >&2; }
fi

# ---- servers -------------------------------------------------------------------
REC=$T/record-tls.bin; PREC=$T/record-plain.bin
stop_servers() {
  bash tests/mock.sh stop --name examples > /dev/null 2>&1
  bash tests/mock.sh stop --name examples-plain > /dev/null 2>&1
}
trap stop_servers EXIT
if ! PORT=$(bash tests/mock.sh start --name examples --lifetime 180 --quiet --record "$REC") ||
   ! PLAIN=$(bash tests/mock.sh start --name examples-plain --lifetime 180 --quiet --plain --record "$PREC"); then
  fail "mock servers start"; echo "RESULT $P $F"; exit 1
fi
BASE=https://localhost:$PORT
export ODEUS_API_KEY=$KEY ODEUS_BASE_URL=$BASE ODEUS_CA_FILE=$CA
unset ODEUS_INTEGRATION_ID OAUTH_CLIENT_SECRET
state() { curl -sS --cacert "$CA" "$BASE/__state/$1"; echo; }
# The sanitizer build ran while the servers started.
wait
for name in $BUILT; do
  if [ "$(cat "$T/build-$name.rc")" = 0 ]; then pass; else fail "build $name"; cat "$T/build-$name.err" >&2; fi
done

# The example's authTestCode as JSON, and its two fields as the answer
# writes them (the state adds the ids the server generates: ${FID}1, ${FID}2).
CODE=$(cat <<'EOF'
"const response = await fetch(secrets.base_url + '/me', {\n  headers: { 'Authorization': 'Bearer ' + secrets.api_key }\n});\nif (!response.ok) throw new Error('Invalid key');"
EOF
)
F1='"slug":"api_key","label":"API Key","type":"PASSWORD","description":"Found under Settings > API","placeholder":"sk-...","required":true'
F2=$(cat <<'EOF'
"slug":"base_url","label":"Base URL","type":"TEXT","description":"Your account's API base URL","placeholder":"https://api.example.com","required":false
EOF
)
FID=f0000000-0000-4000-8000-00000000000
LAST='"lastPath":"/integrations/v1/'$ID'/auth"'

# ---- api_key.c -------------------------------------------------------------------
: > "$REC"
run api_key 0 "$T/api_key"
want api_key <<EOF
{"id":"$ID","authType":"API_KEY","authTestCode":$CODE,"authFields":[{$F1},{$F2}],"oauthClient":null}
EOF
ok "api_key: nothing on stderr" test ! -s "$T/api_key.err"
# What it sent is what the tool sends for examples/api_key.json: the same
# config, line for line.
"$CLI" request --base-url "$BASE" "$ID" examples/api_key.json > "$T/api_key-cli.txt" 2> "$T/api_key-cli.err"
sed "s/^Authorization: Bearer \[REDACTED\]/Authorization: Bearer $KEY/" "$T/api_key-cli.txt" > "$T/api_key-cli.sent"
same "api_key: sends what odeus-auth request prints for api_key.json" "$T/api_key-cli.sent" "$REC"
state $ID > "$T/state-api_key.out"
want state-api_key <<EOF
{"id":"$ID","workspace":"ours","authType":"API_KEY","authTestCode":$CODE,"connections":3,"updates":1,$LAST,"authFields":[{"id":"${FID}1",$F1},{"id":"${FID}2",$F2}],"oauthClient":null}
EOF

# ---- oauth.c ---------------------------------------------------------------------
BODY='{"authType":"OAUTH","authFields":[],"oauthClient":{"scopes":"read:user repo","authUrl":"https://github.com/login/oauth/authorize","tokenUrl":"https://github.com/login/oauth/access_token","clientId":"Iv1.0123456789abcdef","clientSecret":"[REDACTED]","label":"Connect GitHub"}}'
# Content-Length is the length of the body sent, with the secret itself.
REDACTED='[REDACTED]'
CL=$(( ${#BODY} - ${#REDACTED} + ${#SECRET} ))
: > "$REC"
run oauth 0 env OAUTH_CLIENT_SECRET=$SECRET "$T/oauth"
{
  printf -- '--- request (API key and client secret redacted) ---\n'
  printf 'PATCH /integrations/v1/%s/auth HTTP/1.1\r\n' "$ID"
  printf 'Host: localhost:%s\r\n' "$PORT"
  printf 'Authorization: Bearer [REDACTED]\r\n'
  printf 'Content-Type: application/json\r\nAccept: application/json\r\n'
  printf 'User-Agent: odeus-auth-c/%s\r\nContent-Length: %s\r\n\r\n' "$VERSION" "$CL"
  printf '%s\n--- answer ---\n' "$BODY"
  printf '{"id":"%s","authType":"OAUTH","authTestCode":%s,"authFields":[],' "$ID" "$CODE"
  printf '"oauthClient":{"scopes":"read:user repo","label":"Connect GitHub","authorizationCode":"",'
  printf '"accessTokenCode":"","refreshTokenCode":""}}\n'
} > "$T/oauth.want"
same oauth "$T/oauth.want" "$T/oauth.out"
# shellcheck disable=SC2016
ok "oauth: the secret in no output" bash -c '! grep -qF -e "$1" -e "$2" "$3" "$4"' _ "$SECRET" "$KEY" \
  "$T/oauth.out" "$T/oauth.err"
# The dump is what was sent, but for the two secrets.
sed -n '/^--- request/,/^--- answer/p' "$T/oauth.out" | sed '1d;$d' | head -c -1 |
  sed "s/^Authorization: Bearer \[REDACTED\]/Authorization: Bearer $KEY/;
       s/\"clientSecret\":\"\[REDACTED\]\"/\"clientSecret\":\"$SECRET\"/" > "$T/oauth-dump.sent"
same "oauth: the redacted dump is what was sent" "$T/oauth-dump.sent" "$REC"
state $ID > "$T/state-oauth.out"
want state-oauth <<EOF
{"id":"$ID","workspace":"ours","authType":"OAUTH","authTestCode":$CODE,"connections":0,"updates":2,$LAST,"authFields":[],"oauthClient":{"scopes":"read:user repo","authUrl":"https://github.com/login/oauth/authorize","tokenUrl":"https://github.com/login/oauth/access_token","clientId":"Iv1.0123456789abcdef","clientSecret":"$SECRET","label":"Connect GitHub","authorizationCode":null,"accessTokenCode":null,"refreshTokenCode":null}}
EOF

# ---- none.c ----------------------------------------------------------------------
: > "$REC"
run none 0 "$T/none"
want none <<EOF
{"id":"$ID","authType":"NONE","authTestCode":$CODE,"authFields":[],"oauthClient":null}
EOF
ok "none: sends authFields as []" grep -qaF '{"authType":"NONE","authFields":[]}' "$REC"
state $ID > "$T/state-none.out"
want state-none <<EOF
{"id":"$ID","workspace":"ours","authType":"NONE","authTestCode":$CODE,"connections":0,"updates":3,$LAST,"authFields":[],"oauthClient":null}
EOF

# ---- failures: the result and the server's message, exit 1 -----------------------
run api_key-401 1 env ODEUS_API_KEY=wrong-key "$T/api_key"
want_err api_key-401 "api_key: HTTP 401: missing or invalid API key: Invalid API key"
ok "api_key-401: nothing on stdout" test ! -s "$T/api_key-401.out"
run none-403 1 env ODEUS_API_KEY=noscope-key "$T/none"
want_err none-403 "none: HTTP 403: no access to the integration: API key lacks the INTEGRATION_API scope"
run oauth-404 1 env OAUTH_CLIENT_SECRET=$SECRET ODEUS_INTEGRATION_ID=550e8400-e29b-41d4-a716-446655440009 "$T/oauth"
want_err oauth-404 "oauth: HTTP 404: integration not found: Integration not found"
run api_key-nokey 1 env -u ODEUS_API_KEY "$T/api_key"
want_err api_key-nokey "api_key: set ODEUS_API_KEY to your Odeus API key"
# Trusting another CA than the one that signed the server's certificate.
run api_key-untrusted 1 env ODEUS_CA_FILE=tests/certs/other-ca.pem "$T/api_key"
want_err api_key-untrusted "api_key: server certificate not trusted: signed by an unknown CA (certificate flags 0x00000008)"
# No client secret: nothing is sent, rather than a placeholder that would
# replace the stored one.
run oauth-nosecret 1 env -u OAUTH_CLIENT_SECRET "$T/oauth"
want_err oauth-nosecret "oauth: set OAUTH_CLIENT_SECRET to your OAuth app's client secret"
# The server's message is shown, but cannot forge a line or steer the terminal.
run api_key-steering 1 env ODEUS_INTEGRATION_ID=00000000-0000-4000-8000-000000000030 "$T/api_key"
want_err api_key-steering 'api_key: HTTP 400: invalid body or id: bad\nodeus-auth: forged line\x1b[31m red\u0085\u009b\u202e!\r\x00end\u2028\u200f \\nfake'
state $ID > "$T/state-after-failures.out"
ok "failures changed nothing" cmp -s "$T/state-none.out" "$T/state-after-failures.out"

# ---- custom_io.c over plain HTTP ---------------------------------------------------
SA_BODY='{"authType":"SERVICE_ACCOUNT","authFields":[{"slug":"service_account","label":"Service account key","type":"MULTI_LINE_TEXT","description":"The JSON key file of a service account with read access","placeholder":"{ \"type\": \"service_account\", ... }","required":true}]}'
SA_FIELD='"slug":"service_account","label":"Service account key","type":"MULTI_LINE_TEXT","description":"The JSON key file of a service account with read access","placeholder":"{ \"type\": \"service_account\", ... }","required":true'
sa_answer() { printf '{"id":"%s","authType":"SERVICE_ACCOUNT","authTestCode":null,"authFields":[{%s}],"oauthClient":null}\n' "$1" "$SA_FIELD"; }
: > "$PREC"
run custom_io 0 env -u ODEUS_BASE_URL "$T/custom_io" localhost "$PLAIN"
sa_answer $ID | want custom_io
ok "custom_io: HTTP 200 on stderr" grep -qx 'custom_io: HTTP 200 (socket waits: [0-9]*)' "$T/custom_io.err"
# The request through the 256-byte window, byte for byte.
{
  printf 'PATCH /integrations/v1/%s/auth HTTP/1.1\r\nHost: localhost:%s\r\n' "$ID" "$PLAIN"
  printf 'Authorization: Bearer %s\r\nContent-Type: application/json\r\nAccept: application/json\r\n' "$KEY"
  printf 'User-Agent: odeus-auth-c/%s\r\nContent-Length: %s\r\n\r\n%s' "$VERSION" "${#SA_BODY}" "$SA_BODY"
} > "$T/custom_io-request.want"
same "custom_io: the request sent" "$T/custom_io-request.want" "$PREC"
curl -sS "http://localhost:$PLAIN/__state/$ID" > "$T/state-custom_io.out"; echo >> "$T/state-custom_io.out"
want state-custom_io <<EOF
{"id":"$ID","workspace":"ours","authType":"SERVICE_ACCOUNT","authTestCode":null,"connections":0,"updates":1,$LAST,"authFields":[{"id":"${FID}1",$SA_FIELD}],"oauthClient":null}
EOF
# The answer one byte per write (mode 09), then chunked one byte per write
# (mode 17): the exchange waits for the socket, again and again, and resumes.
BYTEWISE=00000000-0000-4000-8000-000000000009
run custom_io-bytewise 0 env ODEUS_BASE_URL="http://localhost:$PLAIN" ODEUS_INTEGRATION_ID=$BYTEWISE "$T/custom_io"
sa_answer $BYTEWISE | want custom_io-bytewise
waits=$(sed -n 's/^custom_io: HTTP 200 (socket waits: \([0-9]*\))$/\1/p' "$T/custom_io-bytewise.err")
ok "custom_io-bytewise: waited for the socket ($waits times)" test "${waits:-0}" -gt 10
CHUNKED=00000000-0000-4000-8000-000000000017
run custom_io-chunked 0 env ODEUS_INTEGRATION_ID=$CHUNKED "$T/custom_io" 127.0.0.1 "$PLAIN"
sa_answer $CHUNKED | want custom_io-chunked
if [ -x "$T/custom_io-asan" ]; then
  run custom_io-asan 0 env ODEUS_INTEGRATION_ID=$CHUNKED "$T/custom_io-asan" localhost "$PLAIN"
  sa_answer $CHUNKED | want custom_io-asan
fi
run custom_io-401 1 env ODEUS_API_KEY=wrong-key "$T/custom_io" localhost "$PLAIN"
ok "custom_io-401: the status line" grep -qx 'custom_io: HTTP 401 (socket waits: [0-9]*)' "$T/custom_io-401.err"
ok "custom_io-401: the message" test "$(sed -n '2,$p' "$T/custom_io-401.err")" = \
  "custom_io: HTTP 401: missing or invalid API key: Invalid API key"
ok "custom_io-401: nothing on stdout" test ! -s "$T/custom_io-401.out"
run custom_io-https 2 env ODEUS_BASE_URL="$BASE" "$T/custom_io"
want_err custom_io-https "custom_io: this example has no TLS: give a plain http:// URL"
run custom_io-usage 2 env -u ODEUS_BASE_URL "$T/custom_io"
want_err custom_io-usage "usage: custom_io HOST PORT   (or set ODEUS_BASE_URL=http://HOST:PORT)"
run custom_io-refused 1 "$T/custom_io" localhost 1
want_err custom_io-refused "custom_io: cannot connect to http://localhost:1: Connection refused"
# The server's message over the custom io: shown, made safe to print.
run custom_io-steering 1 env ODEUS_INTEGRATION_ID=00000000-0000-4000-8000-000000000030 "$T/custom_io" \
  localhost "$PLAIN"
ok "custom_io: the server's message made safe to print" grep -qxF \
  'custom_io: HTTP 400: invalid body or id: bad\nodeus-auth: forged line\x1b[31m red\u0085\u009b\u202e!\r\x00end\u2028\u200f \\nfake' \
  "$T/custom_io-steering.err"

stop_servers
echo "RESULT $P $F"

#!/bin/bash
# examples/own_http.c (tier 2: the library beside an HTTP client of one's
# own) against the mock Odeus server over plain HTTP: the request it sent,
# byte for byte as the exchange sends it; the answer it printed; a 401 whose
# message comes through; a config the server would refuse never sent.
# Prints "RESULT passed failed".
cd "$(dirname "$0")/.." || exit 1
T=build/test/own_http; rm -rf "$T"; mkdir -p "$T"
P=0; F=0
ok() { local name=$1; shift; if "$@"; then P=$((P + 1)); else F=$((F + 1)); echo "FAIL $name" >&2; fi; }
ID=550e8400-e29b-41d4-a716-446655440000
VERSION=$(sed -n 's/^#define ODEUS_AUTH_VERSION_STRING "\(.*\)"$/\1/p' odeus_auth.h)
ok build gcc -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Wstrict-prototypes -Werror \
  -O2 -o "$T/own_http" examples/own_http.c
[ -x "$T/own_http" ] || { echo "RESULT $P $F"; exit 1; }
REC=$T/record.bin
PORT=$(bash tests/mock.sh start --name own_http --lifetime 120 --quiet --plain --record "$REC") ||
  { echo "RESULT $P $((F + 1))"; exit 1; }
BODY='{"authType":"SERVICE_ACCOUNT","authFields":[{"slug":"service_account","label":"Service account key","type":"MULTI_LINE_TEXT","description":"The JSON key file of a service account with read access","placeholder":"{ \"type\": \"service_account\", ... }","required":true}]}'
FIELD='"slug":"service_account","label":"Service account key","type":"MULTI_LINE_TEXT","description":"The JSON key file of a service account with read access","placeholder":"{ \"type\": \"service_account\", ... }","required":true'
ODEUS_API_KEY=test-key "$T/own_http" "http://localhost:$PORT" > "$T/out" 2> "$T/err"
ok "exit 0" test $? = 0
printf '{"id":"%s","authType":"SERVICE_ACCOUNT","authTestCode":null,"authFields":[{%s}],"oauthClient":null}\n' \
  "$ID" "$FIELD" > "$T/out.want"
ok "the answer printed" cmp "$T/out.want" "$T/out"
{
  printf 'PATCH /integrations/v1/%s/auth HTTP/1.1\r\nHost: localhost:%s\r\n' "$ID" "$PORT"
  printf 'Authorization: Bearer test-key\r\nContent-Type: application/json\r\nAccept: application/json\r\n'
  printf 'User-Agent: odeus-auth-c/%s\r\nContent-Length: %s\r\n\r\n%s' "$VERSION" "${#BODY}" "$BODY"
} > "$T/request.want"
ok "the request sent" cmp "$T/request.want" "$REC"
ODEUS_API_KEY=wrong-key "$T/own_http" "http://127.0.0.1:$PORT" > "$T/out401" 2> "$T/err401"
ok "401: exit 1" test $? = 1
ok "401: the status and the server's message" \
  test "$(cat "$T/err401")" = "own_http: HTTP 401: missing or invalid API key: Invalid API key"
: > "$REC"
"$T/own_http" "http://localhost:$PORT" > "$T/out-nokey" 2> "$T/err-nokey"
ok "no key: exit 1" test $? = 1
ok "no key: said, nothing sent" test "$(cat "$T/err-nokey")" = \
  "own_http: missing or invalid API key (visible ASCII, no spaces)" -a ! -s "$REC"
"$T/own_http" "https://localhost:$PORT" > /dev/null 2> "$T/err-https"
ok "https: usage" test $? = 2
bash tests/mock.sh stop --name own_http > /dev/null 2>&1
echo "RESULT $P $F"

#!/bin/bash
# Self-test of the mock Odeus server (tests/mock_server.c), with curl as the
# client: the API's answers and state rules, the behaviour modes, keep-alive,
# TLS session resumption, the test certificates, and hostile input.
# Prints one line per check and closes with "N passed, N failed".
#
# Environment: MOCK_INCLUDE (directory holding odeus_auth.h; default the
# repository root), MOCK_SELFTEST_CFLAGS (extra flags for the build, e.g.
# -fsanitize=address,undefined to run the checks against an instrumented server).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
command -v curl >/dev/null || { echo "mock_selftest: curl is needed"; exit 1; }

WORK=$ROOT/build/mock-selftest
rm -rf "$WORK"
mkdir -p "$WORK"
export MOCK_DIR=$WORK/run
export MOCK_BIN=$WORK/mock_server
INC=${MOCK_INCLUDE:-$ROOT}
if [ -z "${MOCK_INCLUDE:-}" ]; then make -s odeus_auth.h >/dev/null || exit 1; fi
export MOCK_INCLUDE=$INC

PASSED=0 FAILED=0
STARTED=()
cleanup() {
  local n
  for n in "${STARTED[@]}"; do tests/mock.sh stop --name "$n"; done
}
trap cleanup EXIT

pass() { PASSED=$((PASSED + 1)); echo "ok   $1"; }
failed() { FAILED=$((FAILED + 1)); echo "FAIL $1${2:+: $2}"; }
# check NAME CONDITION...: passes when the command succeeds.
check() {
  local name=$1; shift
  if "$@"; then pass "$name"; else failed "$name"; fi
}
has() { grep -qF -- "$2" <<< "$1"; }
hasnt() { ! grep -qF -- "$2" <<< "$1"; }

start() {  # start NAME [options]: sets PORT
  local name=$1; shift
  STARTED+=("$name")
  PORT=$(tests/mock.sh start --name "$name" --lifetime 90 "$@") || { failed "start $name"; return 1; }
}

# ---- build ---------------------------------------------------------------
# The same command mock.sh runs, plus the optional flags.
if gcc -O2 -g ${MOCK_SELFTEST_CFLAGS:-} -I"$INC" tests/mock_server.c -o "$MOCK_BIN" \
     -lmbedtls -lmbedx509 -lmbedcrypto -lpthread 2> "$WORK/build.log"; then
  pass "build"
else
  failed "build" "$(head -c 2000 "$WORK/build.log")"
  echo "$PASSED passed, $FAILED failed"
  exit 1
fi

OURS=550e8400-e29b-41d4-a716-446655440000
OTHER=11111111-2222-4333-8444-555555555555
MISSING=9b2f4c1e-7d3a-4e8b-9c5d-0a1b2c3d4e5f
CA=tests/certs/ca.pem
OAUTH='{"authType":"OAUTH","authFields":[{"slug":"api_key","label":"API key","type":"PASSWORD"}],"authTestCode":"return true;","oauthClient":{"clientId":"cid-1","clientSecret":"s3cret-\u00e9","scopes":"read write","authUrl":"https://auth.example/authorize","tokenUrl":"https://auth.example/token","authorizationCode":"return 1;"}}'

# apply URL BODY [curl options]: prints the status line, headers and body
# (of every answer, when curl retries). The key is $KEY, else test-key.
apply() {
  local url=$1 body=$2; shift 2
  curl -sS -i --cacert $CA --max-time 10 -X PATCH -H "Authorization: Bearer ${KEY:-test-key}" \
    -H 'Content-Type: application/json' --data-binary "$body" "$@" "$url" 2>&1
}
status() { grep -ao 'HTTP/1.1 [0-9]*' <<< "$1" | tail -n 1 | awk '{print $2}'; }

# ---- the API over TLS ------------------------------------------------------
start main --record "$WORK/record.bin" || exit 1
B=https://localhost:$PORT
API=$B/integrations/v1

r=$(apply "$API/$OURS/auth" "$OAUTH")
check "apply OAUTH: 200" [ "$(status "$r")" = 200 ]
check "apply OAUTH: answer" has "$r" '"authType":"OAUTH","authTestCode":"return true;","authFields":[{"id":"f0000000-0000-4000-8000-000000000001","slug":"api_key","label":"API key","type":"PASSWORD","description":"","placeholder":null,"required":false,"position":0}],"oauthClient":{"scopes":"read write","label":null,"authorizationCode":"return 1;","accessTokenCode":"","refreshTokenCode":""}}}'
check "apply OAUTH: no write-only key in the answer" \
  bash -c '! grep -qE "clientSecret|clientId|authUrl|tokenUrl|s3cret|cid-1" <<< "$1"' _ "$r"
check "apply OAUTH: application/json" has "$r" 'Content-Type: application/json'

s=$(curl -sS --cacert $CA "$B/__state/$OURS")
check "state: secret stored (decoded)" has "$s" '"clientSecret":"s3cret-é"'
check "state: write-only keys stored" has "$s" '"authUrl":"https://auth.example/authorize","tokenUrl":"https://auth.example/token","clientId":"cid-1"'
check "state: connections deleted on a type change" has "$s" '"connections":0'

r=$(apply "$API/$OURS/auth" '{"authType":"OAUTH"}')
s=$(curl -sS --cacert $CA "$B/__state/$OURS")
check "same type, no oauthClient: client kept" has "$s" '"clientSecret":"s3cret-é"'
check "authFields absent: fields kept" has "$s" '"slug":"api_key"'

r=$(apply "$B/api/public/integrations/v1/$OURS/auth" '{"authType":"API_KEY","authFields":[]}')
s=$(curl -sS --cacert $CA "$B/__state/$OURS")
check "prefix /api/public: 200" [ "$(status "$r")" = 200 ]
check "API_KEY: OAuth client deleted" has "$s" '"oauthClient":null'
check "authFields []: fields deleted" has "$s" '"authFields":[]'
check "state: last path" has "$s" '"lastPath":"/api/public/integrations/v1/'"$OURS"'/auth"'

curl -sS --cacert $CA "$B/__reset" > /dev/null
r=$(apply "$API/$OURS/auth" '{"authType":"API_KEY"}')
s=$(curl -sS --cacert $CA "$B/__state/$OURS")
check "reset, same type: connections kept at 3" has "$s" '"connections":3'

r=$(KEY=wrong-key apply "$API/$OURS/auth" '{"authType":"NONE"}')
check "bad key: 401" [ "$(status "$r")" = 401 ]
check "bad key: JSON message" has "$r" '{"message":"Invalid API key"}'
r=$(curl -sS -i --cacert $CA -X PATCH -H 'Content-Type: application/json' --data-binary '{}' "$API/$OURS/auth")
check "no key: 401" [ "$(status "$r")" = 401 ]
r=$(KEY=noscope-key apply "$API/$OURS/auth" '{"authType":"NONE"}')
check "key without the scope: 403" [ "$(status "$r")" = 403 ]
r=$(apply "$API/$OTHER/auth" '{"authType":"NONE"}')
check "another workspace: 403" [ "$(status "$r")" = 403 ]
r=$(apply "$API/$MISSING/auth" '{"authType":"NONE"}')
check "unknown integration: 404" [ "$(status "$r")" = 404 ]
r=$(apply "$API/not-a-uuid/auth" '{"authType":"NONE"}')
check "invalid id: 400" [ "$(status "$r")" = 400 ]
r=$(apply "$API/$OURS/auth" '{"authType":"NONE","colour":"red"}')
check "unknown key: 400 naming it" has "$r" '{"message":"colour: '
r=$(apply "$API/$OURS/auth" '{"authType":"NONE","oauthClient":{}}')
check "oauthClient with NONE: 400" [ "$(status "$r")" = 400 ]
r=$(apply "$API/${OURS^^}/auth" '{"authType":"NONE"}')
check "upper-case id: 200, id in lower case" has "$r" "{\"integration\":{\"id\":\"$OURS\""

# ---- keep-alive and resumption -------------------------------------------
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}' "$API/$OURS/auth" -w 'connects=%{num_connects}\n')
check "keep-alive: two answers" [ "$(grep -c '^HTTP/1.1 200' <<< "$r")" = 2 ]
check "keep-alive: one connection" [ "$(grep -o 'X-Mock-Connection: [0-9]*' <<< "$r" | sort -u | wc -l)" = 1 ]
check "keep-alive: second request on it" has "$r" 'X-Mock-Request: 2'
check "keep-alive: curl connected once" [ "$(grep -c 'connects=1' <<< "$r")" = 1 ]

r=$(curl -sS -i --cacert $CA -H 'Connection: close' "$B/__state/$OURS" "$B/__state/$OURS" 2>&1)
check "Connection: close honoured" [ "$(grep -o 'X-Mock-Connection: [0-9]*' <<< "$r" | sort -u | wc -l)" = 2 ]
check "second connection resumes the TLS session" has "$r" 'X-Mock-Resumed: 1'

curl -sS --cacert $CA "$B/__reset" > /dev/null
apply "$API/$OURS/auth" '{"authType":"NONE"}' "$API/$OURS/auth" > /dev/null
apply "$API/$OURS/auth" '{"authType":"NONE"}' > /dev/null
r=$(curl -sS --cacert $CA "$B/__stats")
check "stats: 3 API requests on 2 connections, 0 resumed" \
  [ "$r" = '{"apiRequests":3,"apiConnections":2,"apiResumed":0,"handshakeFailures":0}' ]

start cache --resumption cache || true
r=$(curl -sS -i --cacert $CA -H 'Connection: close' "https://localhost:$PORT/__state/$OURS" \
  "https://localhost:$PORT/__state/$OURS" 2>&1)
check "resumption from the session cache (no tickets)" has "$r" 'X-Mock-Resumed: 1'

# ---- modes -----------------------------------------------------------------
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}' -H 'X-Mock: chunked')
check "chunked: Transfer-Encoding" has "$r" 'Transfer-Encoding: chunked'
check "chunked: body decoded by curl" has "$r" "{\"integration\":{\"id\":\"$OURS\""
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}' -H 'X-Mock: bytewise')
check "bytewise: 200" has "$r" '"authType":"NONE"'
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}' -H 'X-Mock: 17')
check "chunked-bytewise by number: 200" has "$r" '"authType":"NONE"'
r=$(apply "$API/00000000-0000-4000-8000-000000000005/auth" '{"authType":"NONE"}')
check "mode by id (05 bad400)" has "$r" '{"message":[{"path":"authFields.0.slug","message":"Required"}]}'
r=$(apply "$API/00000000-0000-4000-8000-000000000001/auth" '{"authType":"NONE"}')
check "retry429: 429 with Retry-After: 1" has "$r" 'Retry-After: 1'
r=$(apply "$API/00000000-0000-4000-8000-000000000001/auth" '{"authType":"NONE"}')
check "retry429: then 200" [ "$(status "$r")" = 200 ]
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}' -H 'X-Mock: retry503' --retry 2 --retry-delay 1)
check "retry503: 503 first" has "$r" 'HTTP/1.1 503 Service Unavailable'
check "retry503: curl --retry then gets 200" [ "$(status "$r")" = 200 ]
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}' -H 'X-Mock: retry429date')
check "retry429date: HTTP-date Retry-After" bash -c 'grep -qE "^Retry-After: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT" <<< "$1"' _ "$r"
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}' -H 'X-Mock: html502')
check "html502: non-JSON 502" has "$r" '<html>'
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}' -H 'X-Mock: unauth401')
check "unauth401: {\"error\":...}" has "$r" '{"error":"Unauthorized"}'
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}' -H 'X-Mock: escaped')
check "escaped: \\u escapes and surrogate pairs" has "$r" '"name":"Mock integration \u00E9\/\uD83D\ude00"'
t0=$(date +%s%N)
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}' -H 'X-Mock: stall' --max-time 1); rc=$?
t1=$(date +%s%N)
check "stall: the client times out" has "$r" 'curl: (28)'
check "stall: within the client's deadline" [ $(( (t1 - t0) / 1000000 )) -lt 2500 ]
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}' -H 'X-Mock: reset')
check "reset mid-body: curl sees a reset or a short body" bash -c 'grep -qE "curl: \((56|18)\)" <<< "$1"' _ "$r"
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}' -H 'X-Mock: conflict-cl')
check "conflict-cl: two Content-Length" [ "$(grep -c '^Content-Length:' <<< "$r")" = 2 ]
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}' -H 'X-Mock: badjson')
check "badjson: 200 with invalid JSON" has "$r" '"authType":"NONE",]}'
n=$(curl -sS --cacert $CA -X PATCH -H 'X-Mock: huge' --data-binary '{}' -o /dev/null -w '%{size_download}' "$API/$OURS/auth")
check "huge: 50 MiB streamed" [ "$n" = 52428800 ]
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}' -H 'X-Mock: drop')
check "drop: no answer" has "$r" 'curl: (52)'

# ---- the record of raw requests -------------------------------------------
check "record: raw request head" grep -qaF "PATCH /api/public/integrations/v1/$OURS/auth HTTP/1.1" "$WORK/record.bin"
check "record: body byte for byte" grep -qaF "$OAUTH" "$WORK/record.bin"

# ---- the test certificates ---------------------------------------------------
for c in wrong-name expired unknown-ca; do
  start "$c" --cert "tests/certs/$c.pem" || continue
  curl -sS --cacert $CA -o /dev/null "https://localhost:$PORT/__state/$OURS" 2> "$WORK/$c.err"; rc=$?
  check "certificate $c: refused by curl (exit 60)" [ "$rc" = 60 ]
  curl -sS -k -o /dev/null "https://localhost:$PORT/__state/$OURS"; rc=$?
  check "certificate $c: served (accepted with -k)" [ "$rc" = 0 ]
  tests/mock.sh stop --name "$c"
done
r=$(curl -sS -i --cacert $CA "https://127.0.0.1:$(tests/mock.sh port --name main)/__state/$OURS")
check "server certificate valid for 127.0.0.1" [ "$(status "$r")" = 200 ]

# ---- plain HTTP and hostile input -------------------------------------------
start plain --plain || true
PP=$PORT
r=$(apply "http://127.0.0.1:$PP/integrations/v1/$OURS/auth" '{"authType":"SERVICE_ACCOUNT"}')
check "plain HTTP: 200" [ "$(status "$r")" = 200 ]

# raw TEXT: sends TEXT (printf format) on a fresh connection, prints the answer.
raw() {
  exec 3<>"/dev/tcp/127.0.0.1/$PP" || return 1
  printf "$1" >&3
  timeout 3 cat <&3 | tr -d '\r' | head -n 1
  exec 3<&-
}
check "bare LF: 400" [ "$(raw 'GET / HTTP/1.1\nHost: x\n\n')" = "HTTP/1.1 400 Bad Request" ]
check "NUL in the head: 400" [ "$(raw 'GET /\0 HTTP/1.1\r\n\r\n')" = "HTTP/1.1 400 Bad Request" ]
check "Transfer-Encoding: 400" [ "$(raw "PATCH /integrations/v1/$OURS/auth HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")" = "HTTP/1.1 400 Bad Request" ]
check "two Content-Length: 400" [ "$(raw "PATCH /integrations/v1/$OURS/auth HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}")" = "HTTP/1.1 400 Bad Request" ]
check "no Host: 400" [ "$(raw 'GET /__state/x HTTP/1.1\r\n\r\n')" = "HTTP/1.1 400 Bad Request" ]
check "body too large: 413" [ "$(raw "PATCH /integrations/v1/$OURS/auth HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n")" = "HTTP/1.1 413 Payload Too Large" ]
check "head too large: 431" [ "$(raw "GET / HTTP/1.1\r\nX: $(head -c 20000 /dev/zero | tr '\0' a)\r\n\r\n")" = "HTTP/1.1 431 Request Header Fields Too Large" ]
exec 4<>"/dev/tcp/127.0.0.1/$PP"   # an idle connection stays open meanwhile
r=$(apply "http://127.0.0.1:$PP/integrations/v1/$OURS/auth" '{"authType":"NONE"}')
check "served while another connection is open" [ "$(status "$r")" = 200 ]
exec 4<&-
head -c 65536 /dev/urandom > "$WORK/junk"
(exec 3<>"/dev/tcp/127.0.0.1/$PP" && cat "$WORK/junk" >&3 && timeout 2 cat <&3 > /dev/null; exec 3<&-) 2>/dev/null
(exec 3<>"/dev/tcp/127.0.0.1/$(tests/mock.sh port --name main)" && cat "$WORK/junk" >&3 && timeout 2 cat <&3 > /dev/null; exec 3<&-) 2>/dev/null
r=$(apply "http://127.0.0.1:$PP/integrations/v1/$OURS/auth" '{"authType":"NONE"}')
check "plain server alive after random bytes" [ "$(status "$r")" = 200 ]
r=$(apply "$API/$OURS/auth" '{"authType":"NONE"}')
check "TLS server alive after everything" [ "$(status "$r")" = 200 ]

# ---- options: --mode for the whole run, --prefix -------------------------------
start fixed --plain --mode always429 --prefix /api/public || true
r=$(apply "http://127.0.0.1:$PORT/api/public/integrations/v1/$OURS/auth" '{"authType":"NONE"}')
check "--mode always429" [ "$(status "$r")" = 429 ]
r=$(apply "http://127.0.0.1:$PORT/api/public/integrations/v1/$OURS/auth" '{"authType":"NONE"}' -H 'X-Mock: normal')
check "X-Mock overrides --mode" [ "$(status "$r")" = 200 ]
r=$(apply "http://127.0.0.1:$PORT/integrations/v1/$OURS/auth" '{"authType":"NONE"}')
check "--prefix: another prefix is 404" [ "$(status "$r")" = 404 ]
tests/mock.sh stop --name fixed

# ---- bounded lifetime --------------------------------------------------------
STARTED+=(short)
tests/mock.sh start --name short --lifetime 1 > /dev/null
pid=$(cat "$MOCK_DIR/short/pid")
sleep 1.6
# Gone, or a zombie waiting for init to reap it.
check "exits at the end of its lifetime" bash -c 'st=$(ps -o stat= -p "$1"); [ -z "$st" ] || [ "${st#Z}" != "$st" ]' _ "$pid"

echo "RESULT $PASSED $FAILED"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]

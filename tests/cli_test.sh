#!/bin/bash
# The odeus-auth tool through the real binary: every exit code of SPEC §3,
# against the mock server where the network is involved; the key never in
# any output; `request` prints exactly what `apply` sends (key redacted).
# Usage: cli_test.sh BINARY. Prints "RESULT passed failed".
cd "$(dirname "$0")/.."
BIN=$1
T=build/test/cli; mkdir -p "$T"
P=0; F=0
KEY="test-key"
ID=550e8400-e29b-41d4-a716-446655440000
mode_id() { printf '00000000-0000-4000-8000-0000000000%02d' "$1"; }

# expect CODE NAME CMD...: runs CMD, checks its exit code, keeps its output.
expect() {
  local want=$1 name=$2; shift 2
  "$@" > "$T/$name.out" 2> "$T/$name.err"
  local got=$?
  if [ "$got" = "$want" ]; then P=$((P + 1)); else
    F=$((F + 1)); echo "FAIL $name: exit $got, want $want" >&2; cat "$T/$name.err" >&2; fi
}
ok() { if "$@"; then P=$((P + 1)); else F=$((F + 1)); echo "FAIL: $*" >&2; fi; }

REC=$T/recorded.txt; rm -f "$REC"
PORT=$(bash tests/mock.sh start --name cli --lifetime 300 --quiet --record "$REC" --stall 20) || {
  echo "RESULT 0 1"; exit 1; }
IDLE_PORT=$(bash tests/mock.sh start --name cli-other --lifetime 300 --quiet --cert tests/certs/unknown-ca.pem)
BASE="https://localhost:$PORT"
CA="--ca-file tests/certs/ca.pem"
export ODEUS_API_KEY=$KEY
unset ODEUS_BASE_URL

# 0
expect 0 validate "$BIN" validate examples/api_key.json
ok grep -qx valid "$T/validate.out"
expect 0 validate-stdin "$BIN" validate - < examples/oauth.json
ok grep -qx valid "$T/validate-stdin.out"
expect 0 apply "$BIN" apply --base-url "$BASE" $CA "$ID" examples/api_key.json
ok grep -q '^{"id":"550e8400-e29b-41d4-a716-446655440000","authType":"API_KEY",' "$T/apply.out"
ok test "$(wc -l < "$T/apply.out")" = 1
expect 0 apply-prefix "$BIN" apply --base-url "$BASE/api/public" $CA "$ID" examples/none.json
ok grep -q '"authType":"NONE"' "$T/apply-prefix.out"
expect 0 apply-env-base env ODEUS_BASE_URL="$BASE" "$BIN" apply $CA "$ID" examples/api_key.json
ok cmp -s "$T/apply.out" "$T/apply-env-base.out"
echo "$KEY" > "$T/keyfile"
expect 0 apply-keyfile env -u ODEUS_API_KEY "$BIN" apply --api-key-file "$T/keyfile" --base-url="$BASE" \
  --ca-file=tests/certs/ca.pem "$ID" examples/api_key.json
ok cmp -s "$T/apply.out" "$T/apply-keyfile.out"
expect 0 version "$BIN" --version
ok grep -qx 'odeus-auth 0.1.0' "$T/version.out"
expect 0 help "$BIN" --help
ok grep -q "^usage: odeus-auth \[options\] validate CONFIG$" "$T/help.out"
expect 0 apply-429-then-ok "$BIN" apply --base-url "$BASE" $CA "$(mode_id 1)" examples/none.json
ok grep -q "^{\"id\":\"$(mode_id 1)\",\"authType\":\"NONE\"" "$T/apply-429-then-ok.out"
# 2: usage
expect 2 usage-none "$BIN"
ok grep -q "Try 'odeus-auth --help'" "$T/usage-none.err"
expect 2 usage-option "$BIN" --frobnicate validate examples/none.json
ok grep -qxF "odeus-auth: unknown option '--frobnicate'" "$T/usage-option.err"
expect 2 usage-insecure-value "$BIN" --insecure=1 validate examples/none.json
ok grep -qxF "odeus-auth: option '--insecure' takes no value" "$T/usage-insecure-value.err"
expect 2 usage-command "$BIN" frob examples/none.json
expect 2 usage-operand "$BIN" apply "$ID"
expect 2 usage-value "$BIN" validate examples/none.json --timeout
expect 2 usage-timeout "$BIN" --timeout abc validate examples/none.json
expect 2 usage-timeout-sign "$BIN" --timeout " +5" validate examples/none.json
expect 2 usage-retries-sign "$BIN" --retries -0 validate examples/none.json
expect 2 usage-nokey env -u ODEUS_API_KEY "$BIN" apply --base-url "$BASE" $CA "$ID" examples/none.json
expect 2 usage-badkey env ODEUS_API_KEY="a b" "$BIN" apply --base-url "$BASE" $CA "$ID" examples/none.json
expect 2 usage-baseurl "$BIN" apply --base-url "https://h/x?y" "$ID" examples/none.json
expect 2 usage-nofile "$BIN" validate "$T/does-not-exist.json"
expect 2 usage-dir "$BIN" validate "$T"
ok grep -qxF "odeus-auth: $T: Is a directory" "$T/usage-dir.err"
expect 2 usage-nofile-badid "$BIN" request not-a-uuid "$T/does-not-exist.json"
# a key is taken whole or refused: never cut at a line break or to fit
expect 2 usage-key-newline env ODEUS_API_KEY="$KEY
more" "$BIN" apply --base-url "$BASE" $CA "$ID" examples/none.json
expect 2 usage-key-long env ODEUS_API_KEY="$KEY$(printf '%0600d' 0)" "$BIN" apply --base-url "$BASE" $CA \
  "$ID" examples/none.json
ok grep -qx 'odeus-auth: the API key in $ODEUS_API_KEY is longer than 511 characters' "$T/usage-key-long.err"
printf '%s%0600d\n' "$KEY" 0 > "$T/longkey"
expect 2 usage-keyfile-long env -u ODEUS_API_KEY "$BIN" apply --api-key-file "$T/longkey" --base-url "$BASE" \
  $CA "$ID" examples/none.json
# a key of the full 511 characters, its line ended by CRLF, fits
printf '%0511d\r\n' 0 > "$T/key511"
expect 0 request-keyfile-511-crlf env -u ODEUS_API_KEY "$BIN" request --api-key-file "$T/key511" "$ID" \
  examples/none.json
ok grep -qx "Authorization: Bearer \[REDACTED\]$(printf '\r')" "$T/request-keyfile-511-crlf.out"
printf '%0512d\r\n' 0 > "$T/key512"
expect 2 usage-keyfile-512-crlf env -u ODEUS_API_KEY "$BIN" request --api-key-file "$T/key512" "$ID" \
  examples/none.json
ok grep -qxF "odeus-auth: the API key in $T/key512 is longer than 511 characters" "$T/usage-keyfile-512-crlf.err"
printf '%s\r\nsecond line\n' "$KEY" > "$T/crlfkey"
expect 0 apply-keyfile-crlf env -u ODEUS_API_KEY "$BIN" apply --api-key-file "$T/crlfkey" --base-url "$BASE" \
  $CA "$ID" examples/none.json
# after --, every argument is an operand
cp examples/none.json "$T/-dash.json"
expect 0 operands-after-dashdash sh -c 'cd "$1" && "$2" validate -- -dash.json' sh "$T" "$PWD/$BIN"
# output that cannot be written is a failure, not a success
if [ -w /dev/full ]; then
  expect 1 stdout-full sh -c '"$1" validate examples/none.json > /dev/full' sh "$BIN"
  ok grep -qx 'odeus-auth: cannot write the output: No space left on device' "$T/stdout-full.err"
  expect 1 stdout-full-version sh -c '"$1" --version > /dev/full' sh "$BIN"
fi
# 3: invalid config or id, nothing sent
before=$(wc -c < "$REC" 2>/dev/null || echo 0)
expect 3 invalid-config "$BIN" apply --base-url "$BASE" $CA "$ID" examples/invalid.json
ok test "$(wc -l < "$T/invalid-config.err")" = 6
ok grep -qx 'odeus-auth: authFields\[1\].slug: duplicate slug "api_key"' "$T/invalid-config.err"
expect 3 invalid-id "$BIN" apply --base-url "$BASE" $CA "not-a-uuid" examples/none.json
expect 3 invalid-validate "$BIN" validate examples/invalid.json
echo '{"authType":"NONE",}' > "$T/broken.json"
expect 3 invalid-json "$BIN" validate "$T/broken.json"
printf '\357\273\277{"authType":"NONE"}' > "$T/bom.json"
expect 0 valid-bom "$BIN" validate "$T/bom.json"
ok grep -qx 'odeus-auth: (body): invalid JSON at byte 19' "$T/invalid-json.err"
# every problem is listed, however many; a valid config of many fields fits
{ printf '{"authType":"API_KEY","authFields":[{}'; for i in $(seq 2 400); do printf ',{}'; done; printf ']}'; } \
  > "$T/many-problems.json"
expect 3 invalid-many "$BIN" validate "$T/many-problems.json"
ok test "$(wc -l < "$T/invalid-many.err")" = 1200
ok grep -qx 'odeus-auth: authFields\[399\].type: required' "$T/invalid-many.err"
{ printf '{"authType":"API_KEY","authFields":[{"slug":"s1","label":"l","type":"TEXT"}'
  for i in $(seq 2 5000); do printf ',{"slug":"s%d","label":"l","type":"TEXT"}' "$i"; done; printf ']}'; } \
  > "$T/many-fields.json"
expect 0 valid-many-fields "$BIN" validate "$T/many-fields.json"
after=$(wc -c < "$REC" 2>/dev/null || echo 0)
ok test "$before" = "$after"
# 4..9: statuses
expect 4 http-400 "$BIN" apply --base-url "$BASE" $CA "$(mode_id 5)" examples/none.json
ok grep -q 'authFields.0.slug: Required' "$T/http-400.err"
expect 5 http-401 env ODEUS_API_KEY=wrong-key "$BIN" apply --base-url "$BASE" $CA "$ID" examples/none.json
expect 6 http-403 "$BIN" apply --base-url "$BASE" $CA 11111111-2222-4333-8444-555555555555 examples/none.json
expect 6 http-403-scope env ODEUS_API_KEY=noscope-key "$BIN" apply --base-url "$BASE" $CA "$ID" examples/none.json
expect 7 http-404 "$BIN" apply --base-url "$BASE" $CA 550e8400-e29b-41d4-a716-446655440009 examples/none.json
expect 8 http-429 "$BIN" apply --retries 1 --base-url "$BASE" $CA "$(mode_id 16)" examples/none.json
expect 9 http-500 "$BIN" apply --base-url "$BASE" $CA "$(mode_id 3)" examples/none.json
expect 9 http-502 "$BIN" apply --retries 0 --base-url "$BASE" $CA "$(mode_id 7)" examples/none.json
expect 9 http-201 "$BIN" apply --base-url "$BASE" $CA "$(mode_id 31)" examples/none.json
ok grep -qx 'odeus-auth: unexpected HTTP status: Created (HTTP 201)' "$T/http-201.err"
# the server's words never steer the terminal nor forge a line
expect 4 http-400-steering "$BIN" apply --base-url "$BASE" $CA "$(mode_id 30)" examples/none.json
ok test "$(wc -l < "$T/http-400-steering.err")" = 1
ok grep -qxF 'odeus-auth: HTTP 400: invalid body or id: bad\nodeus-auth: forged line\x1b[31m red\u0085\u009b\u202e!\r\x00end\u2028\u200f \\nfake' \
  "$T/http-400-steering.err"
ok sh -c '! LC_ALL=C grep -q "$(printf "\033")" "$1"' sh "$T/http-400-steering.err"
# 10: network, TLS, protocol
expect 10 net-stall "$BIN" apply --timeout 1 --retries 0 --base-url "$BASE" $CA "$(mode_id 10)" examples/none.json
# bytes that keep coming end at the deadline: three timeouts for one attempt
# (the server would go on for 20 s)
start=$SECONDS
expect 10 net-endless "$BIN" apply --timeout 1 --retries 0 --base-url "$BASE" $CA "$(mode_id 28)" examples/none.json
ok test $((SECONDS - start)) -le 5
ok grep -qx 'odeus-auth: timed out (mbedTLS -0x6800)' "$T/net-endless.err"
expect 10 net-unknown-ca "$BIN" apply --base-url "https://localhost:$IDLE_PORT" $CA "$ID" examples/none.json
expect 0 net-insecure "$BIN" apply --insecure --base-url "https://localhost:$IDLE_PORT" "$ID" examples/none.json
ok grep -q 'WARNING: --insecure' "$T/net-insecure.err"
expect 10 net-conflict "$BIN" apply --base-url "$BASE" $CA "$(mode_id 12)" examples/none.json
expect 10 net-badjson "$BIN" apply --base-url "$BASE" $CA "$(mode_id 15)" examples/none.json
ok grep -qx 'odeus-auth: HTTP 200 answer: (body): invalid JSON at byte 78' "$T/net-badjson.err"
expect 10 net-refused "$BIN" apply --retries 0 --timeout 2 --base-url "https://localhost:1" $CA "$ID" examples/none.json
# request == what apply sends, with the key redacted; the key in no output
: > "$REC"
expect 0 request "$BIN" request --base-url "$BASE" "$ID" examples/oauth.json
expect 0 apply-oauth "$BIN" apply --base-url "$BASE" $CA "$ID" examples/oauth.json
sed "s/Bearer \[REDACTED\]/Bearer $KEY/; s/\"clientSecret\":\"\[REDACTED\]\"/\"clientSecret\":\"replace-with-your-client-secret\"/" \
  "$T/request.out" > "$T/request.unredacted"
ok cmp -s "$T/request.unredacted" "$REC"
ok grep -q 'Authorization: Bearer \[REDACTED\]' "$T/request.out"
leaks=0
for f in "$T"/*.out "$T"/*.err; do
  if grep -q -e "$KEY" -e noscope-key -e wrong-key -e replace-with-your-client-secret "$f"; then
    echo "key or secret in $f" >&2; leaks=$((leaks + 1)); fi
done
ok test "$leaks" = 0

bash tests/mock.sh stop --name cli >/dev/null 2>&1
bash tests/mock.sh stop --name cli-other >/dev/null 2>&1
echo "RESULT $P $F"

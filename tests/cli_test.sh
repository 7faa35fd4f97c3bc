#!/bin/bash
# The odeus-auth tool through the real binary: every documented exit code,
# against the mock server where the network is involved; the key never in
# any output; `request` prints exactly what `apply` sends (key redacted);
# each stumble a new user met, with its exact stderr line and exit code;
# `odeus-auth c` (its exact output for one config, its refusals, and the
# round trip of tests/c_roundtrip.sh).
# Usage: cli_test.sh BINARY. Prints "RESULT passed failed".
cd "$(dirname "$0")/.."
BIN=$1
T=build/test/cli; rm -rf "$T"; mkdir -p "$T"
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
# err_is NAME LINE...: the stderr of expect NAME is exactly these lines.
err_is() {
  local name=$1; shift
  if [ $# = 0 ]; then : > "$T/$name.err-want"; else printf '%s\n' "$@" > "$T/$name.err-want"; fi
  if cmp -s "$T/$name.err-want" "$T/$name.err"; then P=$((P + 1)); else
    F=$((F + 1)); echo "FAIL $name: stderr differs" >&2
    echo "--- want" >&2; cat "$T/$name.err-want" >&2; echo "--- got" >&2; cat "$T/$name.err" >&2; fi
}

REC=$T/recorded.txt; rm -f "$REC"
PORT=$(bash tests/mock.sh start --name cli --lifetime 300 --quiet --record "$REC" --stall 20) || {
  echo "RESULT 0 1"; exit 1; }
IDLE_PORT=$(bash tests/mock.sh start --name cli-other --lifetime 300 --quiet --cert tests/certs/unknown-ca.pem)
PLAIN_PORT=$(bash tests/mock.sh start --name cli-plain --lifetime 300 --quiet --plain --stall 20)
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
expect 5 apply-keyfile-511-crlf env -u ODEUS_API_KEY "$BIN" apply --api-key-file "$T/key511" --base-url "$BASE" \
  $CA "$ID" examples/none.json   # read whole and sent: the mock does not know it (401)
err_is apply-keyfile-511-crlf 'odeus-auth: HTTP 401: missing or invalid API key: Invalid API key'
printf '%0512d\r\n' 0 > "$T/key512"
expect 2 usage-keyfile-512-crlf env -u ODEUS_API_KEY "$BIN" apply --api-key-file "$T/key512" --base-url "$BASE" \
  $CA "$ID" examples/none.json
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
err_is net-endless 'odeus-auth: timed out'
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

# ---- the stumbles of a first hour, each with its exact line --------------------------
PLAIN="http://127.0.0.1:$PLAIN_PORT"
ID2=00000000-0000-4000-8000-000000000000  # another integration of the mock, kept apart from $ID
# an empty key file, or an empty first line, names the file
: > "$T/key-empty"
expect 2 key-file-empty env -u ODEUS_API_KEY "$BIN" apply --api-key-file "$T/key-empty" --base-url "$BASE" $CA \
  "$ID" examples/none.json
err_is key-file-empty "odeus-auth: $T/key-empty: no API key: it is empty"
printf '\n%s\n' "$KEY" > "$T/key-first-empty"
expect 2 key-file-first-line-empty env -u ODEUS_API_KEY "$BIN" apply --api-key-file "$T/key-first-empty" \
  --base-url "$BASE" $CA "$ID" examples/none.json
err_is key-file-first-line-empty "odeus-auth: $T/key-first-empty: no API key: its first line is empty"
printf '\r\n' > "$T/key-crlf-only"
expect 2 key-file-crlf-only env -u ODEUS_API_KEY "$BIN" apply --api-key-file "$T/key-crlf-only" \
  --base-url "$BASE" $CA "$ID" examples/none.json
err_is key-file-crlf-only "odeus-auth: $T/key-crlf-only: no API key: its first line is empty"
expect 2 key-env-empty env ODEUS_API_KEY= "$BIN" apply --base-url "$BASE" $CA "$ID" examples/none.json
err_is key-env-empty 'odeus-auth: no API key: ODEUS_API_KEY is empty'
expect 2 key-none env -u ODEUS_API_KEY "$BIN" apply --base-url "$BASE" $CA "$ID" examples/none.json
err_is key-none 'odeus-auth: no API key: set ODEUS_API_KEY or pass --api-key-file FILE'
# --api-key-file - reads the key from stdin; not when CONFIG is stdin too
expect 0 key-stdin sh -c 'printf "%s\n" "$1" | env -u ODEUS_API_KEY "$2" apply --api-key-file - --base-url "$3" \
  --ca-file tests/certs/ca.pem "$4" examples/api_key.json' sh "$KEY" "$BIN" "$BASE" "$ID"
ok cmp -s "$T/apply.out" "$T/key-stdin.out"
expect 2 key-stdin-empty sh -c ': | env -u ODEUS_API_KEY "$1" apply --api-key-file - --base-url "$2" \
  --ca-file tests/certs/ca.pem "$3" examples/none.json' sh "$BIN" "$BASE" "$ID"
err_is key-stdin-empty 'odeus-auth: standard input: no API key: it is empty'
expect 2 key-stdin-config-stdin sh -c 'printf "%s\n" "$1" | "$2" apply --api-key-file - --base-url "$3" "$4" -' \
  sh "$KEY" "$BIN" "$BASE" "$ID"
err_is key-stdin-config-stdin "odeus-auth: --api-key-file - and CONFIG - cannot both read standard input" \
  "Try 'odeus-auth --help'."
expect 2 key-stdin-validate-stdin "$BIN" validate --api-key-file - - < examples/none.json
err_is key-stdin-validate-stdin "odeus-auth: --api-key-file - and CONFIG - cannot both read standard input" \
  "Try 'odeus-auth --help'."
# --ca-file: missing, a directory, not PEM, a PEM mbedTLS cannot read; none read for http://
expect 2 ca-missing "$BIN" apply --ca-file "$T/no-such.pem" --base-url "$BASE" "$ID" examples/none.json
err_is ca-missing "odeus-auth: $T/no-such.pem: No such file or directory"
expect 2 ca-directory "$BIN" apply --ca-file tests/certs --base-url "$BASE" "$ID" examples/none.json
err_is ca-directory "odeus-auth: tests/certs: Is a directory"
expect 2 ca-not-pem "$BIN" apply --ca-file examples/none.json --base-url "$BASE" "$ID" examples/none.json
err_is ca-not-pem "odeus-auth: examples/none.json: not a PEM file: it has no -----BEGIN CERTIFICATE----- line"
printf -- '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n' > "$T/bad.pem"
expect 2 ca-bad-pem "$BIN" apply --ca-file "$T/bad.pem" --base-url "$BASE" "$ID" examples/none.json
ok grep -qx "odeus-auth: $T/bad.pem: a certificate in it cannot be read (mbedTLS -0x[0-9a-f]\{4\})" "$T/ca-bad-pem.err"
ok test "$(wc -l < "$T/ca-bad-pem.err")" = 1
cat tests/certs/ca.pem "$T/bad.pem" > "$T/half-bad.pem"
expect 2 ca-half-bad "$BIN" apply --ca-file "$T/half-bad.pem" --base-url "$BASE" "$ID" examples/none.json
err_is ca-half-bad "odeus-auth: $T/half-bad.pem: a certificate in it cannot be read"
expect 0 ca-http-unread "$BIN" apply --ca-file "$T/no-such.pem" --base-url "$PLAIN" "$ID2" examples/none.json
err_is ca-http-unread
# ODEUS_BASE_URL set but empty is a usage error, never production; so is --base-url ""
expect 2 base-env-empty env ODEUS_BASE_URL= "$BIN" request "$ID" examples/none.json
err_is base-env-empty 'odeus-auth: ODEUS_BASE_URL is set but empty: unset it, or set it to the API base URL' \
  "Try 'odeus-auth --help'."
expect 2 base-env-empty-apply env ODEUS_BASE_URL= "$BIN" apply "$ID" examples/none.json
ok cmp -s "$T/base-env-empty.err" "$T/base-env-empty-apply.err"
expect 2 base-empty "$BIN" request --base-url "" "$ID" examples/none.json
err_is base-empty "odeus-auth: invalid base URL '': it is empty"
# every bad base URL says what is wrong with it
base_fault() {  # NAME URL LINE
  expect 2 "base-$1" "$BIN" request --base-url "$2" "$ID" examples/none.json
  err_is "base-$1" "odeus-auth: invalid base URL '$2': $3"
}
base_fault scheme 'ftp://api.odeus.ai' 'it must start with https:// or http://'
base_fault no-scheme 'api.odeus.ai' 'it must start with https:// or http://'
base_fault no-host 'https://' 'it has no host'
base_fault no-host-port 'https://:443/api' 'it has no host'
base_fault user 'https://me:pw@odeus.example.com' 'a user name (user@) is not accepted'
base_fault idn 'https://bücher.example/api/public' \
  'the host is not ASCII: write an internationalised name in its xn-- (punycode) form'
base_fault port 'https://odeus.example.com:99999' 'port 99999 is out of range (1 to 65535)'
base_fault port-0 'https://odeus.example.com:0/api' 'port 0 is out of range (1 to 65535)'
base_fault port-word 'https://odeus.example.com:https' 'the port is not a number from 1 to 65535'
base_fault host 'https://odeus_example.com' "the host is not a name (letters, digits, '-', '.') nor an IP address"
base_fault ipv6 'https://[::1::2]:443' 'the host in brackets is not an IPv6 address'
base_fault query 'https://h/x?y' 'a query (?...) is not accepted'
base_fault fragment 'https://h/api#public' 'a fragment (#...) is not accepted'
base_fault space 'https://h/api public' 'byte 13 (0x20) is not allowed in a URL path: percent-encode it'
base_fault brace 'https://h/{x}' "'{' (byte 10) is not allowed in a URL path: percent-encode it"
base_fault percent 'https://h/a%4' "the '%' at byte 11 is not followed by two hex digits"
# output to a reader gone (| head): exit 1, said once, never a death by SIGPIPE
pipe_gone() {  # NAME CMD...: runs CMD once its stdout's reader has exited; $T/NAME.rc its exit code
  local name=$1; shift
  { sleep 0.5; "$@" 2> "$T/$name.err"; echo $? > "$T/$name.rc"; } | true
}
pipe_gone pipe-request "$BIN" request "$ID" examples/oauth.json
ok test "$(cat "$T/pipe-request.rc")" = 1
err_is pipe-request 'odeus-auth: cannot write the output: Broken pipe'
pipe_gone pipe-c "$BIN" c examples/api_key.json
ok test "$(cat "$T/pipe-c.rc")" = 1
err_is pipe-c 'odeus-auth: cannot write the output: Broken pipe'
pipe_gone pipe-validate "$BIN" validate examples/none.json
ok test "$(cat "$T/pipe-validate.rc")" = 1
pipe_gone pipe-apply "$BIN" apply --base-url "$BASE" $CA "$ID" examples/none.json
ok test "$(cat "$T/pipe-apply.rc")" = 1
err_is pipe-apply 'odeus-auth: cannot write the output: Broken pipe'
# request needs no key: none, malformed, too long or unreadable, it prints [REDACTED]
expect 0 request-plain "$BIN" request "$ID" examples/none.json
expect 0 request-nokey env -u ODEUS_API_KEY "$BIN" request "$ID" examples/none.json
ok cmp -s "$T/request-plain.out" "$T/request-nokey.out"
expect 0 request-badkey env ODEUS_API_KEY="a b" "$BIN" request "$ID" examples/none.json
ok cmp -s "$T/request-plain.out" "$T/request-badkey.out"
err_is request-badkey
expect 0 request-longkey env ODEUS_API_KEY="$(printf '%0600d' 0)" "$BIN" request "$ID" examples/none.json
ok cmp -s "$T/request-plain.out" "$T/request-longkey.out"
expect 0 request-nokeyfile "$BIN" request --api-key-file "$T/no-such-key" "$ID" examples/none.json
ok cmp -s "$T/request-plain.out" "$T/request-nokeyfile.out"
ok grep -qx "Authorization: Bearer \[REDACTED\]$(printf '\r')" "$T/request-badkey.out"
# problem lines that do not mislead
printf '{"authType":"NONE","authTestCode":"x\\ud800y"}' > "$T/lone.json"
expect 3 msg-lone-surrogate "$BIN" validate "$T/lone.json"
err_is msg-lone-surrogate 'odeus-auth: authTestCode: \u escape of a lone surrogate (it has no UTF-8 form)'
{ printf '{"authType":"NONE","authTestCode":"'; for i in $(seq 1000); do printf '\360\237\230\200'; done; printf '"}'; } \
  > "$T/emoji.json"
expect 3 msg-length-units "$BIN" validate "$T/emoji.json"
err_is msg-length-units 'odeus-auth: authTestCode: 2000 UTF-16 units (1000 characters), max 1000'
{ printf '{"authType":"API_KEY","authFields":[{"slug":"'; for i in $(seq 101); do printf 'e'; done
  printf '","label":"L","type":"TEXT"}]}'; } > "$T/long-slug.json"
expect 3 msg-length-chars "$BIN" validate "$T/long-slug.json"
err_is msg-length-chars 'odeus-auth: authFields[0].slug: 101 characters, max 100'
echo null > "$T/null.json"
expect 3 msg-null-body "$BIN" validate "$T/null.json"
err_is msg-null-body 'odeus-auth: (body): expected an object, not null'
echo '{"authType":"API_KEY","authFields":[null],"authTestCode":null}' > "$T/null-element.json"
expect 3 msg-null-element "$BIN" validate "$T/null-element.json"
err_is msg-null-element 'odeus-auth: authFields[0]: expected an object, not null' \
  'odeus-auth: authTestCode: null is not accepted (omit the key)'
{ printf '{"authType":"NONE","authTestCode":'; for i in $(seq 40); do printf '['; done
  for i in $(seq 40); do printf ']'; done; printf '}'; } > "$T/deep.json"
expect 3 msg-nesting "$BIN" validate "$T/deep.json"
err_is msg-nesting 'odeus-auth: authTestCode: expected a string'
printf '%s' '{"authType":"API_KEY","authFields":[{"slug":"a\\b","label":"l","type":"TEXT"},' \
  '{"slug":"a\\b","label":"l","type":"TEXT"}],"x\ny' > "$T/quoted.json"
printf '\342\200\256":1}' >> "$T/quoted.json"
expect 3 msg-quoted "$BIN" validate "$T/quoted.json"
err_is msg-quoted 'odeus-auth: authFields[1].slug: duplicate slug "a\\b"' 'odeus-auth: x\ny\u202e: unknown key'
echo '{"authType":"OAUTH","oauthClient":{"authUrl":"https://bücher.example/auth","tokenUrl":"https://idp.example.com:99999/token"}}' \
  > "$T/oauth-urls.json"
expect 3 msg-oauth-urls "$BIN" validate "$T/oauth-urls.json"
err_is msg-oauth-urls \
  'odeus-auth: oauthClient.authUrl: the host is not ASCII: write an internationalised name in its xn-- (punycode) form' \
  'odeus-auth: oauthClient.tokenUrl: port 99999 is out of range (1 to 65535)'
expect 3 msg-invalid-example "$BIN" validate examples/invalid.json
err_is msg-invalid-example 'odeus-auth: authFields[1].label: empty, min 1 character' \
  'odeus-auth: authFields[1].type: "SECRET" is not one of TEXT, MULTI_LINE_TEXT, PASSWORD, NUMBER, EMBEDDING_MODEL' \
  'odeus-auth: authFields[1].required: expected a boolean' \
  'odeus-auth: authFields[1].slug: duplicate slug "api_key"' \
  'odeus-auth: oauthClient.authUrl: not an absolute URL: it must start with https:// or http://' \
  'odeus-auth: oauthClient: only allowed when authType is OAUTH or OAUTH_DCR'
# a timeout on plain http:// names no mbedTLS code
expect 10 msg-timeout-http "$BIN" apply --timeout 1 --retries 0 --base-url "$PLAIN" "$(mode_id 10)" examples/none.json
err_is msg-timeout-http 'odeus-auth: timed out'
expect 10 msg-endless-http "$BIN" apply --timeout 1 --retries 0 --base-url "$PLAIN" "$(mode_id 28)" examples/none.json
err_is msg-endless-http 'odeus-auth: timed out'
# a 429 whose Retry-After is past what a retry waits says how long the server asked for
expect 8 msg-429-long "$BIN" apply --base-url "$BASE" $CA "$(mode_id 19)" examples/none.json
err_is msg-429-long 'odeus-auth: HTTP 429: rate limited: Rate limit exceeded (the server asked to wait 86400 s, longer than the 60 s a retry waits at most)'
expect 8 msg-429-retries "$BIN" apply --retries 1 --base-url "$BASE" $CA "$(mode_id 16)" examples/none.json
err_is msg-429-retries 'odeus-auth: HTTP 429: rate limited: Rate limit exceeded (the server asked to wait 1 s) after 2 attempts'
# the key over http:// to another host: one warning; to this machine: none
expect 10 http-cleartext "$BIN" apply --timeout 1 --retries 0 --base-url "http://192.0.2.1:9/api" "$ID" examples/none.json
ok test "$(head -n 1 "$T/http-cleartext.err")" = 'odeus-auth: WARNING: the API key goes to 192.0.2.1 over http://, in cleartext: anyone on the network path can read it; use https://'
ok test "$(grep -c WARNING "$T/http-cleartext.err")" = 1
for host in 127.0.0.1 localhost LOCALHOST; do
  expect 0 "http-loopback-$host" "$BIN" apply --base-url "http://$host:$PLAIN_PORT" "$ID2" examples/none.json
  err_is "http-loopback-$host"
done
for host in '[::1]' '[::ffff:127.0.0.1]' 127.1.2.3; do   # nothing listens there: no warning, a refused connect
  expect 10 "http-loopback-$host" "$BIN" apply --retries 0 --base-url "http://$host:1" "$ID2" examples/none.json
  err_is "http-loopback-$host" 'odeus-auth: connect failed: Connection refused'
done
# --insecure over http:// speaks of no certificate
expect 0 http-insecure "$BIN" apply --insecure --base-url "$PLAIN" "$ID2" examples/none.json
err_is http-insecure 'odeus-auth: note: --insecure does nothing over http://: there is no certificate to check'
err_is net-insecure "odeus-auth: WARNING: --insecure: the server's certificate is not checked; anyone on the network path can read the API key"

# ---- odeus-auth c ------------------------------------------------------------------
printf '%s' '{"authType":"OAUTH","authFields":[{"slug":"k","label":"Cl' > "$T/c-small.json"
printf '\303\251' >> "$T/c-small.json"
printf '%s' ' \"1\"?","type":"TEXT","required":false}],"authTestCode":"a\\b\n??=","oauthClient":{"label":"' \
  >> "$T/c-small.json"
printf '\360\237\230\2001"}}' >> "$T/c-small.json"
expect 0 c-small "$BIN" c "$T/c-small.json"
cat > "$T/c-small.want" <<WANT
/* odeus_auth_config: the config of
 *   $T/c-small.json
 * checked and written by \`odeus-auth c\` (odeus_auth 0.1.0). Positional
 * initializers in the order of the members of odeus_config,
 * odeus_auth_field and odeus_oauth_client in odeus_auth.h; every string
 * with its length in bytes. odeus_write_body(&odeus_auth_config, ...) writes
 * the body \`odeus-auth request\` shows for it. */
#include "odeus_auth.h"

static const odeus_auth_field odeus_auth_config_fields[1] = {
  { /* authFields[0] */
    /* slug */ { "k", 1 },
    /* label */ { "Cl\\303\\251 \\"1\\"\\?", 9 },
    /* type */ ODEUS_FIELD_TEXT,
    /* description */ { NULL, 0 },
    /* placeholder */ { NULL, 0 },
    /* required */ ODEUS_BOOL_FALSE
  }
};

static const odeus_oauth_client odeus_auth_config_oauth_client = {
  /* scopes */ { NULL, 0 },
  /* authUrl */ { NULL, 0 },
  /* tokenUrl */ { NULL, 0 },
  /* clientId */ { NULL, 0 },
  /* clientSecret */ { NULL, 0 },
  /* label */ { "\\360\\237\\230\\2001", 5 },
  /* authorizationCode */ { NULL, 0 },
  /* accessTokenCode */ { NULL, 0 },
  /* refreshTokenCode */ { NULL, 0 }
};

static const odeus_config odeus_auth_config = {
  /* authType */ ODEUS_AUTH_OAUTH,
  /* authFields */ odeus_auth_config_fields, 1,
  /* authTestCode */ { "a\\\\b\\n"
                      "\\?\\?=", 7 },
  /* oauthClient */ &odeus_auth_config_oauth_client
};
WANT
ok cmp -s "$T/c-small.want" "$T/c-small.out"
err_is c-small
expect 0 c-stdin "$BIN" c --name=from_stdin - < examples/none.json
ok grep -qx ' \*   standard input' "$T/c-stdin.out"
ok grep -qx 'static const odeus_config from_stdin = {' "$T/c-stdin.out"
# clientSecret only with --with-secrets; reported with the config's other problems
expect 3 c-secret "$BIN" c examples/oauth.json
err_is c-secret 'odeus-auth: oauthClient.clientSecret: a secret; it goes into the source only with --with-secrets'
ok test ! -s "$T/c-secret.out"
echo '{"authType":"NONE","oauthClient":{"clientSecret":"s"}}' > "$T/c-secret-invalid.json"
expect 3 c-secret-invalid "$BIN" c "$T/c-secret-invalid.json"
err_is c-secret-invalid 'odeus-auth: oauthClient: only allowed when authType is OAUTH or OAUTH_DCR' \
  'odeus-auth: oauthClient.clientSecret: a secret; it goes into the source only with --with-secrets'
expect 0 c-with-secret "$BIN" c --with-secrets examples/oauth.json
ok grep -qxF '  /* clientSecret */ { "replace-with-your-client-secret", 31 },' "$T/c-with-secret.out"
ok grep -qxF '/* It holds oauthClient.clientSecret: keep it out of version control. */' "$T/c-with-secret.out"
expect 3 c-invalid "$BIN" c examples/invalid.json
ok cmp -s "$T/c-invalid.err" "$T/msg-invalid-example.err"
# usage: NAME must be a C identifier; c's options are c's only; one operand
n=0
for name in 1abc a-b '' int class 'x y' 'é'; do
  n=$((n + 1))
  expect 2 "c-name-$n" "$BIN" c --name "$name" examples/none.json
  err_is "c-name-$n" "odeus-auth: --name takes a C identifier (letters, digits and '_', not a digit first, not a keyword): '$name'" \
    "Try 'odeus-auth --help'."
done
expect 0 c-name-ok "$BIN" c --name _Cfg_2 examples/none.json
expect 2 c-name-validate "$BIN" validate --name x examples/none.json
err_is c-name-validate 'odeus-auth: --name is an option of the c command only' "Try 'odeus-auth --help'."
expect 2 c-secrets-request "$BIN" request --with-secrets "$ID" examples/oauth.json
err_is c-secrets-request 'odeus-auth: --with-secrets is an option of the c command only' "Try 'odeus-auth --help'."
expect 2 c-secrets-value "$BIN" c --with-secrets=yes examples/oauth.json
err_is c-secrets-value "odeus-auth: option '--with-secrets' takes no value" "Try 'odeus-auth --help'."
expect 2 c-operands "$BIN" c examples/none.json examples/api_key.json
err_is c-operands 'odeus-auth: c takes one operand: CONFIG' "Try 'odeus-auth --help'."
expect 2 c-nofile "$BIN" c "$T/no-such.json"
err_is c-nofile "odeus-auth: $T/no-such.json: No such file or directory"
ok grep -q '^       odeus-auth c CONFIG \[--name NAME\] \[--with-secrets\]$' "$T/help.out"
# the round trip: compiled as C99 and C++11, written by the library, equal to request's bytes
rt=$(bash tests/c_roundtrip.sh "$BIN" 2> "$T/c-roundtrip.err" | awk '/^RESULT /{print $2, $3}')
if [ -n "$rt" ]; then P=$((P + ${rt% *})); F=$((F + ${rt#* })); else F=$((F + 1)); fi
[ "${rt#* }" = 0 ] || cat "$T/c-roundtrip.err" >&2

# the key and the secrets in no output of any test above
leaks=0
for f in "$T"/*.out "$T"/*.err; do
  [ "$f" = "$T/c-with-secret.out" ] && continue   # asked for: the secret compiled in
  if grep -q -e "$KEY" -e noscope-key -e wrong-key -e replace-with-your-client-secret "$f"; then
    echo "key or secret in $f" >&2; leaks=$((leaks + 1)); fi
done
ok test "$leaks" = 0

bash tests/mock.sh stop --name cli >/dev/null 2>&1
bash tests/mock.sh stop --name cli-other >/dev/null 2>&1
bash tests/mock.sh stop --name cli-plain >/dev/null 2>&1
echo "RESULT $P $F"

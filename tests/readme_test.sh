#!/bin/bash
# The README's quick start, compiled from the README itself (so it cannot
# rot) and run against the mock server. Prints "RESULT passed failed".
cd "$(dirname "$0")/.."
T=build/test/readme; mkdir -p "$T"
P=0; F=0
ok() { if "$@"; then P=$((P + 1)); else F=$((F + 1)); echo "FAIL: $*" >&2; fi; }
awk '/<!-- quickstart -->/{on=1; next} /<!-- \/quickstart -->/{on=0} on && !/^```/' README.md > "$T/quickstart.c"
ok test -s "$T/quickstart.c"
ok gcc -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Wstrict-prototypes -Werror -O2 \
  -I. -o "$T/quickstart" "$T/quickstart.c" -lmbedtls -lmbedx509 -lmbedcrypto
PORT=$(bash tests/mock.sh start --name readme --lifetime 120 --quiet) || { echo "RESULT $P $((F + 1))"; exit 1; }
ODEUS_BASE_URL="https://localhost:$PORT" ODEUS_API_KEY=test-key ODEUS_CA_FILE=tests/certs/ca.pem \
  "$T/quickstart" > "$T/out.txt" 2> "$T/err.txt"
ok test $? = 0
ok grep -q '^{"id":"550e8400-e29b-41d4-a716-446655440000","authType":"API_KEY","authTestCode":"const response' "$T/out.txt"
ODEUS_BASE_URL="https://localhost:$PORT" ODEUS_API_KEY=wrong ODEUS_CA_FILE=tests/certs/ca.pem \
  "$T/quickstart" > "$T/out2.txt" 2> "$T/err2.txt"
ok test $? = 1
ok grep -q '^HTTP 401: missing or invalid API key' "$T/err2.txt"
bash tests/mock.sh stop --name readme >/dev/null 2>&1
echo "RESULT $P $F"

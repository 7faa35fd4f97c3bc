#!/bin/bash
# make demo (SPEC §4): the main job on a local stand-in for Odeus. Starts the
# mock Odeus server on loopback over real TLS (its certificate signed by the
# test CA in tests/certs/), shows the request `odeus-auth apply` will send for
# the documentation's API-key example (the key redacted), sends it, shows the
# answer, and stops the server, whatever happens (trap on exit).
# Exits with odeus-auth's exit code when the apply fails.
#
# Environment: ODEUS_AUTH_BIN, the tool (default build/odeus-auth, built when
# missing or out of date); MOCK_* as in tests/mock.sh.
set -u
cd "$(dirname "$0")/.." || exit 1
ID=550e8400-e29b-41d4-a716-446655440000
KEY=test-key
CA=tests/certs/ca.pem
CONFIG=examples/api_key.json
NAME=demo

step() { printf '\n==> %s\n' "$*"; }
# show CMD...: prints the command as one would type it, then runs it.
show() { printf '$ %s\n' "$*"; "$@"; }

# mbedTLS: the tool and the mock server link it (installed with apt-get
# when missing, as root on Debian; elsewhere the exact command is printed).
sh tests/deps.sh mbedtls || exit 1

BIN=${ODEUS_AUTH_BIN:-build/odeus-auth}
if [ -z "${ODEUS_AUTH_BIN:-}" ]; then
  if [ ! -x "$BIN" ] || [ examples/odeus-auth.c -nt "$BIN" ] || [ odeus_auth.h -nt "$BIN" ]; then
    step "Building $BIN"
    make -s "$BIN" || exit 1
  fi
fi

step "1. Start the mock Odeus server: 127.0.0.1 only, TLS with a certificate from the test CA ($CA)"
echo "   It answers PATCH /integrations/v1/{id}/auth as Odeus does; it knows the API key"
echo "   '$KEY' and the integration $ID. It stops by itself after 2 minutes."
OUT=$(mktemp) || exit 1
cleanup() {
  rm -f "$OUT"
  bash tests/mock.sh stop --name "$NAME"
  echo "   The mock server is stopped."
}
trap cleanup EXIT
trap "exit 130" INT TERM
PORT=$(bash tests/mock.sh start --name "$NAME" --lifetime 120 --quiet) || exit 1
BASE=https://localhost:$PORT
echo "   Listening: $BASE"

step "2. The configuration: the documentation's API-key example ($CONFIG)"
echo "   Users connect with their API key (and, optionally, their own base URL);"
echo "   authTestCode checks the key against the service."
cat "$CONFIG"

step "3. Check it locally: no network, no key needed"
show "$BIN" validate "$CONFIG" || exit $?

step "4. The exact HTTP request apply will send, the API key redacted"
echo "   The key comes from \$ODEUS_API_KEY (or --api-key-file) and appears in no output."
printf '$ export ODEUS_API_KEY=%s\n' "$KEY"
export ODEUS_API_KEY=$KEY
show "$BIN" request --base-url "$BASE" "$ID" "$CONFIG" || exit $?
echo

step "5. Send it: certificate and host name verified against the test CA"
printf '$ %s\n' "$BIN apply --base-url $BASE --ca-file $CA $ID $CONFIG"
"$BIN" apply --base-url "$BASE" --ca-file "$CA" "$ID" "$CONFIG" > "$OUT"
rc=$?
if [ "$rc" != 0 ]; then
  echo "   odeus-auth apply failed with exit code $rc (odeus-auth --help lists the codes)"
  exit "$rc"
fi

step "6. The answer: the integration as the server stored it, one line of JSON"
echo "   (written by the library from what it parsed: what it prints is what it understood)"
cat "$OUT"

step "7. Stop the server"

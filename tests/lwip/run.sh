#!/bin/bash
# The lwIP tests on their own: tests/steps.d/52_lwip.sh (the quick part of
# make test), and with --full tests/check.d/52_lwip.sh too (without POSIX,
# and under valgrind). The last line is "N passed, N failed".
#   bash tests/lwip/run.sh [--full]
cd "$(dirname "$0")/../.." || exit 2
B=build/test; mkdir -p "$B"
PASSED=0; FAILED=0
STRICT="-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Wstrict-prototypes -Werror"
export B STRICT

# The same prog and check as tests/run.sh.
prog() {
  local name=$1; shift
  local out rc p f
  out=$("$@" 2> "$B/$name.err"); rc=$?
  p=$(printf '%s\n' "$out" | awk '/^RESULT /{p+=$2} END{print p+0}')
  f=$(printf '%s\n' "$out" | awk '/^RESULT /{f+=$3} END{print f+0}')
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
  if ! printf '%s\n' "$out" | grep -q '^RESULT '; then f=$((f > 0 ? f : 1)); fi
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  if [ "$f" = 0 ]; then echo "ok   $name ($p)"; else
    echo "FAIL $name ($p passed, $f failed, exit $rc)"; head -c 3000 "$B/$name.err"; fi
}

check() {
  local name=$1; shift
  if "$@" > "$B/$name.log" 2>&1; then PASSED=$((PASSED + 1)); echo "ok   $name"
  else FAILED=$((FAILED + 1)); echo "FAIL $name"; tail -n 30 "$B/$name.log"; fi
}

sh tests/deps.sh mbedtls >/dev/null 2>&1
sh tests/deps.sh lwip >/dev/null 2>&1
# shellcheck source=/dev/null
. tests/steps.d/52_lwip.sh
if [ "${1:-}" = --full ]; then
  # shellcheck source=/dev/null
  . tests/check.d/52_lwip.sh
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]

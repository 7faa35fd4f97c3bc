#!/bin/bash
# Runs every test; the last line is "N passed, N failed".
# A test program prints "RESULT <passed> <failed>"; any other step counts as
# one check. Steps are declared in the tests/steps.d/*.sh files, each a bash
# fragment calling prog/check (so each part of the suite has its own file).
cd "$(dirname "$0")/.."
B=build/test; mkdir -p "$B"
PASSED=0; FAILED=0
STRICT="-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Wstrict-prototypes -Werror"
export B STRICT

# prog NAME CMD...: runs a test program and adds its RESULT counts.
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

# check NAME CMD...: one check, passing when CMD exits 0.
check() {
  local name=$1; shift
  if "$@" > "$B/$name.log" 2>&1; then PASSED=$((PASSED + 1)); echo "ok   $name"
  else FAILED=$((FAILED + 1)); echo "FAIL $name"; tail -n 30 "$B/$name.log"; fi
}

for step in tests/steps.d/*.sh; do
  # shellcheck source=/dev/null
  . "$step"
done
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]

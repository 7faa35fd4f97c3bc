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
# shellcheck source=tests/harness.sh
. tests/harness.sh

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

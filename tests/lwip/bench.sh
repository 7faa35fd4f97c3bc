#!/bin/bash
# The client over lwIP beside POSIX (tests/lwip/bench_lwip.c): the peak RAM
# of one apply over lwIP (mbedTLS' heap, the applying thread's stack,
# lwIP's memory), and the time of an apply on a new connection, a resumed
# one and a kept-alive one over each, in one run against one mock server.
# Prints lines starting "lwip:"; make bench can call it.
# Environment: BENCH_LWIP_N (20 applies a round), BENCH_LWIP_ROUNDS (5).
set -u
cd "$(dirname "$0")/../.." || exit 2
B=build/bench; mkdir -p "$B"
N=${BENCH_LWIP_N:-20}
ROUNDS=${BENCH_LWIP_ROUNDS:-5}
sh tests/deps.sh mbedtls >/dev/null || { echo "bench (lwIP): mbedTLS is missing"; exit 1; }
if ! sh tests/deps.sh lwip >/dev/null 2>&1; then
  echo "skip bench (lwIP): liblwip-dev is not installed (run: sudo apt-get install liblwip-dev)"
  exit 0
fi
# mbedTLS linked statically, so that its calloc and free can be counted.
gcc -std=c99 -D_DEFAULT_SOURCE -O2 -g -I. -Itests -Itests/lwip -Iexamples/lwip -isystem /usr/include/lwip \
  -o "$B/bench_lwip" tests/lwip/bench_lwip.c examples/lwip/odeus_lwip.c -Wl,--wrap=calloc -Wl,--wrap=free \
  -Wl,-Bstatic -lmbedtls -lmbedx509 -lmbedcrypto -Wl,-Bdynamic -llwip -lpthread || { echo "bench (lwIP): cannot build"; exit 1; }
trap 'bash tests/mock.sh stop --name benchlwip >/dev/null 2>&1' EXIT
port=$(bash tests/mock.sh start --name benchlwip --lifetime 600 --quiet) || { echo "bench (lwIP): the mock server did not start"; exit 1; }
"$B/bench_lwip" "$port" "$N" "$ROUNDS"

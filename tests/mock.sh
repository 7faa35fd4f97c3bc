#!/bin/bash
# Starts and stops the mock Odeus server (tests/mock_server.c) in the background.
#
#   tests/mock.sh start [--name NAME] [server options]   prints the port once it accepts
#   tests/mock.sh stop  [--name NAME]                    stops it
#   tests/mock.sh port  [--name NAME]                    prints the port of a running one
#   tests/mock.sh build                                  builds the server, prints its path
#
# Several servers can run at once under different names (default "default");
# each keeps its pid, port and log in $MOCK_DIR/NAME (build/mock/NAME). The
# server runs from the repository root, so certificate paths such as
# tests/certs/expired.pem work, and it exits by itself after --lifetime
# seconds (120 unless given), so nothing is left running.
#
# Environment: MOCK_BIN (server binary; default build/mock_server, rebuilt
# when older than its source or the header), MOCK_INCLUDE (directory holding
# odeus_auth.h; default the repository root), MOCK_DIR (state directory),
# MOCK_MBEDTLS (a prefix holding another mbedTLS' include/ and static
# libraries, such as the 3.x of tests/mbedtls3.sh; default the system's).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MOCK_DIR=${MOCK_DIR:-$ROOT/build/mock}
BIN=${MOCK_BIN:-$ROOT/build/mock_server}
INC=${MOCK_INCLUDE:-$ROOT}

fail() { echo "mock.sh: $*" >&2; exit 1; }

build() {
  local src=$ROOT/tests/mock_server.c
  if [ -z "${MOCK_INCLUDE:-}" ]; then
    make -s -C "$ROOT" odeus_auth.h >/dev/null || fail "cannot assemble odeus_auth.h"
  fi
  [ -f "$INC/odeus_auth.h" ] || fail "no odeus_auth.h in $INC"
  if [ ! -x "$BIN" ] || [ "$src" -nt "$BIN" ] || [ "$INC/odeus_auth.h" -nt "$BIN" ]; then
    mkdir -p "$(dirname "$BIN")"
    # Built under a temporary name and moved, so two builds never clash.
    local tls=(-lmbedtls -lmbedx509 -lmbedcrypto) lib
    if [ -n "${MOCK_MBEDTLS:-}" ]; then
      lib=$(ls "$MOCK_MBEDTLS"/lib/libmbedtls.a "$MOCK_MBEDTLS"/lib/*/libmbedtls.a 2>/dev/null | head -n 1)
      [ -n "$lib" ] || fail "no libmbedtls.a under $MOCK_MBEDTLS/lib"
      tls=(-isystem "$MOCK_MBEDTLS/include" -L"$(dirname "$lib")" -Wl,-Bstatic "${tls[@]}" -Wl,-Bdynamic)
    fi
    gcc -O2 -g -I"$INC" "$src" -o "$BIN.tmp.$$" "${tls[@]}" -lpthread \
      || fail "cannot build the mock server"
    mv -f "$BIN.tmp.$$" "$BIN"
  fi
}

# The pid of the server in directory $1 if it is running, else nothing: the
# process must still be the one started there (its command line names this
# directory's port file), so a reused pid is never signalled.
running_pid() {
  local pid
  pid=$(cat "$1/pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$1/port" || return 1
  echo "$pid"
}

# A process that has exited but is not yet reaped (a zombie, which init may
# take a second or two to reap) is not alive.
alive() {
  kill -0 "$1" 2>/dev/null && [ "$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)" != Z ]
}

stop() {
  local d=$1 pid i
  if pid=$(running_pid "$d"); then
    kill "$pid" 2>/dev/null
    for i in $(seq 1 50); do
      alive "$pid" || break
      sleep 0.05
    done
    alive "$pid" && kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$d/pid" "$d/port"
}

cmd=${1:-}; [ $# -gt 0 ] && shift
name=default
if [ "${1:-}" = --name ]; then
  [ $# -ge 2 ] || fail "--name needs a value"
  name=$2; shift 2
fi
D=$MOCK_DIR/$name

case "$cmd" in
  build)
    build
    echo "$BIN"
    ;;
  start)
    build
    mkdir -p "$D"
    stop "$D"
    (cd "$ROOT" && exec "$BIN" --port-file "$D/port" "$@" < /dev/null > "$D/log" 2>&1) &
    echo $! > "$D/pid"
    # The port file is written once the socket listens: from then on
    # connections are accepted (no probe, so connection numbers start at 1).
    for i in $(seq 1 200); do
      [ -s "$D/port" ] && break
      kill -0 "$(cat "$D/pid")" 2>/dev/null || { cat "$D/log" >&2; fail "the server exited"; }
      sleep 0.05
    done
    [ -s "$D/port" ] || { stop "$D"; fail "the server did not start"; }
    cat "$D/port"
    ;;
  stop)
    stop "$D"
    ;;
  port)
    running_pid "$D" >/dev/null || fail "server $name is not running"
    cat "$D/port"
    ;;
  *)
    echo "usage: tests/mock.sh start|stop|port [--name NAME] [server options] | build" >&2
    exit 2
    ;;
esac

# lwIP: the client over examples/lwip/odeus_lwip.c, with lwIP's whole stack
# inside the test process (Debian's liblwip-dev 2.1.3, NO_SYS=0) over its
# own loopback interface, reaching the mock Odeus servers through lwIP alone
# (tests/lwip/lwip_stack.h relays them into it). Every case runs over lwIP
# and over POSIX in one program, which checks that both give the same
# results, counters and failure lines, and the same request bytes
# (tests/lwip/net_lwip.c). The build without POSIX (ODEUS_AUTH_NO_POSIX)
# is compiled here and run in tests/check.d/52_lwip.sh with valgrind.
# Runs on its own too: bash tests/lwip/run.sh
LWIP_LIFETIME=${LWIP_LIFETIME:-300}
# The servers' names and record file: a run beside this one (make check's
# tests/check.d/52_lwip.sh) uses its own.
LWIP_PREFIX=${LWIP_PREFIX:-lwip}
LWIP_SERVERS="main plain unknown wrong expired idle ip record"
LWIP_LIBS="-llwip -lmbedtls -lmbedx509 -lmbedcrypto -lpthread"
LWIP_INC="-I. -Itests -Iexamples/lwip -isystem /usr/include/lwip"

lwip_server() { # NAME [server options]: prints the port
  local name=$1; shift
  bash tests/mock.sh start --name "$LWIP_PREFIX-$name" --lifetime "$LWIP_LIFETIME" --quiet "$@"
}

# The eight servers net_lwip takes, then the record file: nothing when one
# does not start.
lwip_start_all() {
  local main plain unknown wrong expired idle ip rec
  main=$(lwip_server main) && plain=$(lwip_server plain --plain) &&
    unknown=$(lwip_server unknown --cert tests/certs/unknown-ca.pem) &&
    wrong=$(lwip_server wrong --cert tests/certs/wrong-name.pem) &&
    expired=$(lwip_server expired --cert tests/certs/expired.pem) &&
    idle=$(lwip_server idle --idle 1) && ip=$(lwip_server ip --cert tests/certs/ip.pem) &&
    rec=$(lwip_server record --record "$PWD/$B/$LWIP_PREFIX-record.bin") &&
    echo "$main $plain $unknown $wrong $expired $idle $ip $rec $B/$LWIP_PREFIX-record.bin"
}

lwip_stop_all() {
  local s
  for s in $LWIP_SERVERS; do bash tests/mock.sh stop --name "$LWIP_PREFIX-$s" >/dev/null 2>&1; done
}

# lwip_build NAME [flags]: the test program, strict, against Debian's lwIP.
lwip_build() {
  local name=$1; shift
  rm -f "$B/$name" # a failed build leaves no program of a run before to run
  # shellcheck disable=SC2086
  check "build-gcc-$name" gcc $STRICT -D_DEFAULT_SOURCE "$@" -O1 -g $LWIP_INC -o "$B/$name" \
    tests/lwip/net_lwip.c examples/lwip/odeus_lwip.c $LWIP_LIBS
}

lwip_run() {
  local ports
  if ! sh tests/deps.sh lwip >/dev/null 2>&1; then
    echo "skip lwip: liblwip-dev is not installed (run: sudo apt-get install liblwip-dev)"
    return
  fi
  lwip_build net_lwip
  lwip_build net_lwip-noposix -DODEUS_AUTH_NO_POSIX
  # shellcheck disable=SC2086
  check "build-g++-odeus_lwip" g++ -x c++ -std=c++11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE $LWIP_INC \
    -c -o "$B/odeus_lwip-cxx.o" examples/lwip/odeus_lwip.c
  ports=$(lwip_start_all)
  if [ -z "$ports" ]; then
    check "lwip-mock-servers-start" false
    lwip_stop_all
    return
  fi
  # shellcheck disable=SC2086
  [ -x "$B/net_lwip" ] && prog "net_lwip" timeout 120 "$B/net_lwip" $ports
  lwip_stop_all
}

[ -n "${LWIP_DEFINE_ONLY:-}" ] || lwip_run

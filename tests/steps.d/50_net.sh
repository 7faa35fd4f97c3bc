# Network tests: the bundled POSIX + mbedTLS transport (odeus_client)
# against the mock Odeus server over real TLS on 127.0.0.1, then the same
# under valgrind, then the peak heap of one apply. Then the transport built
# against mbedTLS 3.x (tests/mbedtls3.sh: Debian stable's 3.6, unpacked under
# build/): over TLS 1.2 against the same servers, and over TLS 1.3 against
# the mock server built against 3.x too. The servers are started here and
# stopped at the end; each also exits by itself after NET_LIFETIME seconds,
# so nothing outlives the run.
NET_LIFETIME=${NET_LIFETIME:-300}
NET_LIBS="-lmbedtls -lmbedx509 -lmbedcrypto"
NET_SERVERS="main plain unknown wrong expired idle"

net_start() { # NAME [server options]: prints the port
  local name=$1; shift
  bash tests/mock.sh start --name "$name" --lifetime "$NET_LIFETIME" --quiet "$@"
}

# net_start_all PREFIX: the six servers net_client takes, named PREFIX-*;
# prints their ports in its order (nothing when one does not start).
net_start_all() {
  local p=$1 main plain unknown wrong expired idle
  main=$(net_start "$p-main") && plain=$(net_start "$p-plain" --plain) &&
    unknown=$(net_start "$p-unknown" --cert tests/certs/unknown-ca.pem) &&
    wrong=$(net_start "$p-wrong" --cert tests/certs/wrong-name.pem) &&
    expired=$(net_start "$p-expired" --cert tests/certs/expired.pem) &&
    idle=$(net_start "$p-idle" --idle 1) &&
    echo "$main $plain $unknown $wrong $expired $idle"
}

net_stop_all() { # PREFIX
  local s
  for s in $NET_SERVERS; do bash tests/mock.sh stop --name "$1-$s" >/dev/null 2>&1; done
}

net_run() {
  local main plain unknown wrong expired idle ports
  check "build-gcc-net_client" gcc $STRICT -O1 -g -I. -o "$B/net_client" tests/net_client.c $NET_LIBS
  check "build-g++-net_client" g++ -x c++ -std=c++11 -Wall -Wextra -Werror -O1 -I. \
    -o "$B/net_client-cxx" tests/net_client.c $NET_LIBS
  check "build-gcc-net_heap" gcc $STRICT -O1 -g -I. -o "$B/net_heap" tests/net_heap.c \
    -Wl,--wrap=calloc -Wl,--wrap=free -Wl,-Bstatic $NET_LIBS -Wl,-Bdynamic
  ports=$(net_start_all net)
  if [ -z "$ports" ]; then
    check "mock-servers-start" false
    net_stop_all net
    return
  fi
  main=${ports%% *}
  # shellcheck disable=SC2086
  [ -x "$B/net_client" ] && prog "net_client" timeout 240 "$B/net_client" $ports
  # shellcheck disable=SC2086
  [ -x "$B/net_client-cxx" ] && prog "net_client-cxx" timeout 240 "$B/net_client-cxx" $ports quick
  if command -v valgrind >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    [ -x "$B/net_client" ] && prog "net_client-valgrind" timeout 600 valgrind -q --error-exitcode=97 \
      --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
      "$B/net_client" $ports quick
  else
    check "valgrind-installed" false
  fi
  [ -x "$B/net_heap" ] && prog "net_heap" timeout 60 "$B/net_heap" "$main"
  grep -h '^peak heap' "$B/net_heap.err" 2>/dev/null
  net_run_mbedtls3 "$ports"
  net_stop_all net
}

# The transport against mbedTLS 3.x, linked statically from its prefix.
net_run_mbedtls3() { # PORTS of the 2.28 servers
  local m3 lib libs ports3
  m3=$(bash tests/mbedtls3.sh 2> "$B/mbedtls3.log")
  check "mbedtls3-fetch" test -n "$m3"
  [ -n "$m3" ] || return
  lib=$(ls "$m3"/lib/libmbedtls.a "$m3"/lib/*/libmbedtls.a 2>/dev/null | head -n 1)
  libs="-isystem $m3/include -L$(dirname "$lib") -Wl,-Bstatic $NET_LIBS -Wl,-Bdynamic"
  # shellcheck disable=SC2086
  check "build-gcc-net_client-mbedtls3" gcc $STRICT -O1 -g -I. -o "$B/net_client3" tests/net_client.c $libs
  # shellcheck disable=SC2086
  check "build-g++-net_client-mbedtls3" g++ -x c++ -std=c++11 -Wall -Wextra -Werror -O1 -I. \
    -o "$B/net_client3-cxx" tests/net_client.c $libs
  # shellcheck disable=SC2086
  check "build-gcc-odeus-auth-mbedtls3" gcc $STRICT -O2 -I. -o "$B/odeus-auth3" examples/odeus-auth.c $libs
  # shellcheck disable=SC2086
  check "build-gcc-net_heap-mbedtls3" gcc $STRICT -O1 -g -I. -o "$B/net_heap3" tests/net_heap.c \
    -Wl,--wrap=calloc -Wl,--wrap=free $libs
  [ -x "$B/net_client3" ] || return
  # shellcheck disable=SC2086
  prog "net_client-mbedtls3-tls12" timeout 240 "$B/net_client3" $1
  ports3=$(MOCK_MBEDTLS=$m3 MOCK_BIN=$PWD/build/mock_server3 net_start_all net3)
  if [ -z "$ports3" ]; then
    check "mock-servers-mbedtls3-start" false
  else
    # shellcheck disable=SC2086
    prog "net_client-mbedtls3-tls13" timeout 240 "$B/net_client3" $ports3
    [ -x "$B/net_heap3" ] && prog "net_heap-mbedtls3-tls13" timeout 60 "$B/net_heap3" "${ports3%% *}"
    sed -n 's/^peak heap/mbedTLS 3.6, TLS 1.3: peak heap/p; s/^PSA/mbedTLS 3.6: PSA/p' "$B/net_heap-mbedtls3-tls13.err" 2>/dev/null
  fi
  net_stop_all net3
}

sh tests/deps.sh valgrind >/dev/null 2>&1
net_run

# Network tests: the bundled POSIX + mbedTLS transport (odeus_client)
# against the mock Odeus server over real TLS on 127.0.0.1, then the same
# under valgrind, then the peak heap of one apply. The servers are started
# here and stopped at the end; each also exits by itself after
# NET_LIFETIME seconds, so nothing outlives the run.
NET_LIFETIME=${NET_LIFETIME:-300}
NET_LIBS="-lmbedtls -lmbedx509 -lmbedcrypto"
NET_SERVERS="net-main net-plain net-unknown net-wrong net-expired net-idle"

net_start() { # NAME [server options]: prints the port
  local name=$1; shift
  bash tests/mock.sh start --name "$name" --lifetime "$NET_LIFETIME" --quiet "$@"
}

net_stop_all() {
  local s
  for s in $NET_SERVERS; do bash tests/mock.sh stop --name "$s" >/dev/null 2>&1; done
}

net_run() {
  local main plain unknown wrong expired idle ports
  check "build-gcc-net_client" gcc $STRICT -O1 -g -I. -o "$B/net_client" tests/net_client.c $NET_LIBS
  check "build-g++-net_client" g++ -x c++ -std=c++11 -Wall -Wextra -Werror -O1 -I. \
    -o "$B/net_client-cxx" tests/net_client.c $NET_LIBS
  check "build-gcc-net_heap" gcc $STRICT -O1 -g -I. -o "$B/net_heap" tests/net_heap.c \
    -Wl,--wrap=calloc -Wl,--wrap=free -Wl,-Bstatic $NET_LIBS -Wl,-Bdynamic
  if ! main=$(net_start net-main) || ! plain=$(net_start net-plain --plain) ||
     ! unknown=$(net_start net-unknown --cert tests/certs/unknown-ca.pem) ||
     ! wrong=$(net_start net-wrong --cert tests/certs/wrong-name.pem) ||
     ! expired=$(net_start net-expired --cert tests/certs/expired.pem) ||
     ! idle=$(net_start net-idle --idle 1); then
    check "mock-servers-start" false
    net_stop_all
    return
  fi
  ports="$main $plain $unknown $wrong $expired $idle"
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
  net_stop_all
}

sh tests/deps.sh valgrind >/dev/null 2>&1
net_run

# Network tests: the bundled POSIX + mbedTLS transport (odeus_client)
# against the mock Odeus server over real TLS on 127.0.0.1: tests/net_client.c
# built with the strict flags and run against six servers (TLS, plain HTTP,
# three refused certificates, one that closes idle connections). make check
# adds the C++ build, valgrind, the peak heap and mbedTLS 3.x
# (tests/check.d/50_net.sh, which sources this file with NET_LIB=1 for the
# functions below). The servers are started here and stopped at the end;
# each also exits by itself after NET_LIFETIME seconds, so nothing outlives
# the run.
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

[ -n "${NET_LIB:-}" ] && return 0

net_run() {
  local ports
  mock_server > /dev/null 2>&1
  rm -f "$B/net_client" # a failed build leaves no program of a run before to run
  # shellcheck disable=SC2086
  check "build-gcc-net_client" gcc $STRICT -O1 -g -I. -o "$B/net_client" tests/net_client.c $NET_LIBS
  ports=$(net_start_all net)
  if [ -z "$ports" ]; then
    check "mock-servers-start" false
  else
    # shellcheck disable=SC2086
    [ -x "$B/net_client" ] && prog "net_client" timeout 240 "$B/net_client" $ports
  fi
  net_stop_all net
}
net_run

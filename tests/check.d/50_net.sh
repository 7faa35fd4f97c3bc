# The network tests' slow parts (the quick ones: tests/steps.d/50_net.sh,
# whose functions this sources): net_client built as C++; under valgrind
# (no error, no leak); the peak heap of one apply (tests/net_heap.c); then the
# transport built against mbedTLS 3.x (tests/mbedtls3.sh: Debian stable's
# 3.6, unpacked under build/), over TLS 1.2 against the same servers and
# over TLS 1.3 against the mock server built against 3.x too. Valgrind runs
# where it runs a program; mbedTLS 3.x where it is fetched and a program
# built against it runs. On its own: tests/run.sh --check net.
# shellcheck source=../steps.d/50_net.sh
NET_LIB=1 . tests/steps.d/50_net.sh

# net_probe_valgrind: valgrind runs a program (as root on Debian it is
# installed where missing).
net_probe_valgrind() {
  sh tests/deps.sh valgrind > /dev/null 2>&1
  printf 'int main(void) { return 0; }\n' > "$B/probe-valgrind.c"
  gcc -o "$B/probe-valgrind" "$B/probe-valgrind.c" &&
    valgrind -q --error-exitcode=97 "$B/probe-valgrind"
}

net_run_slow() {
  local ports main
  mock_server > /dev/null 2>&1
  rm -f "$B/net_client-cxx" "$B/net_heap" "$B/net_client-vg" # no program of a run before to run
  # shellcheck disable=SC2086
  check "build-g++-net_client" g++ -x c++ -std=c++11 -Wall -Wextra -Werror -O1 -I. \
    -o "$B/net_client-cxx" tests/net_client.c $NET_LIBS
  # shellcheck disable=SC2086
  check "build-gcc-net_heap" gcc $STRICT -O1 -g -I. -o "$B/net_heap" tests/net_heap.c \
    -Wl,--wrap=calloc -Wl,--wrap=free -Wl,-Bstatic $NET_LIBS -Wl,-Bdynamic
  ports=$(net_start_all net-slow)
  if [ -z "$ports" ]; then
    check "mock-servers-start" false
    net_stop_all net-slow
    return
  fi
  main=${ports%% *}
  # shellcheck disable=SC2086
  [ -x "$B/net_client-cxx" ] && prog "net_client-cxx" timeout 240 "$B/net_client-cxx" $ports quick
  if net_probe_valgrind > "$B/probe-valgrind.log" 2>&1; then
    # shellcheck disable=SC2086
    check "build-gcc-net_client-valgrind" gcc $STRICT -O1 -g -I. -o "$B/net_client-vg" tests/net_client.c $NET_LIBS
    # shellcheck disable=SC2086
    [ -x "$B/net_client-vg" ] && prog "net_client-valgrind" timeout 600 valgrind -q --error-exitcode=97 \
      --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
      "$B/net_client-vg" $ports quick
  else
    skip "net_client-valgrind" "valgrind cannot run a program here (apt-get install valgrind)"
  fi
  [ -x "$B/net_heap" ] && prog "net_heap" timeout 60 "$B/net_heap" "$main"
  grep -h '^peak heap' "$B/net_heap.err" 2>/dev/null
  net_run_mbedtls3 "$ports"
  net_stop_all net-slow
}

# net_probe_mbedtls3 PREFIX: a program built against it (statically) runs
# and is 3.x.
net_probe_mbedtls3() {
  printf '%s\n' '#include <mbedtls/version.h>' '#include <mbedtls/ssl.h>' '#include <stdio.h>' \
    'int main(void) { mbedtls_ssl_context s; mbedtls_ssl_init(&s); mbedtls_ssl_free(&s);' \
    '  printf("%s\n", MBEDTLS_VERSION_STRING); return MBEDTLS_VERSION_MAJOR == 3 ? 0 : 1; }' \
    > "$B/probe-mbedtls3.c"
  # shellcheck disable=SC2086
  gcc -o "$B/probe-mbedtls3" "$B/probe-mbedtls3.c" $2 && "$B/probe-mbedtls3"
}

# The transport against mbedTLS 3.x, linked statically from its prefix.
net_run_mbedtls3() { # PORTS of the 2.28 servers
  local m3 lib libs ports3
  m3=$(bash tests/mbedtls3.sh 2> "$B/mbedtls3.log")
  if [ -z "$m3" ]; then
    skip "net mbedTLS 3.x" "cannot fetch it: $(tail -n 1 "$B/mbedtls3.log")"
    return
  fi
  lib=$(ls "$m3"/lib/libmbedtls.a "$m3"/lib/*/libmbedtls.a 2>/dev/null | head -n 1)
  libs="-isystem $m3/include -L$(dirname "$lib") -Wl,-Bstatic $NET_LIBS -Wl,-Bdynamic"
  if ! net_probe_mbedtls3 "$m3" "$libs" > "$B/probe-mbedtls3.log" 2>&1; then
    skip "net mbedTLS 3.x" "a program built against $m3 does not run: $(tail -n 1 "$B/probe-mbedtls3.log")"
    return
  fi
  echo "mbedTLS $(cat "$B/probe-mbedtls3.log") from $m3"
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

net_run_slow

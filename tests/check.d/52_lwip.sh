# lwIP, the slow part (see tests/steps.d/52_lwip.sh, whose functions it
# uses): the client built without POSIX (ODEUS_AUTH_NO_POSIX), over lwIP
# only, then the same under valgrind. On its own: bash tests/lwip/run.sh --full
LWIP_PREFIX=lwip-full LWIP_DEFINE_ONLY=1 . tests/steps.d/52_lwip.sh

lwip_run_full() {
  local ports
  if ! sh tests/deps.sh lwip >/dev/null 2>&1; then
    echo "skip lwip (full): liblwip-dev is not installed (run: sudo apt-get install liblwip-dev)"
    return
  fi
  [ -x "$B/net_lwip-noposix" ] || lwip_build net_lwip-noposix -DODEUS_AUTH_NO_POSIX
  [ -x "$B/net_lwip-noposix" ] || return
  ports=$(lwip_start_all)
  if [ -z "$ports" ]; then
    check "lwip-mock-servers-start" false
    lwip_stop_all
    return
  fi
  # shellcheck disable=SC2086
  prog "net_lwip-noposix" timeout 120 "$B/net_lwip-noposix" $ports
  if command -v valgrind >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    prog "net_lwip-noposix-valgrind" timeout 900 valgrind -q --error-exitcode=97 --leak-check=full \
      --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
      "$B/net_lwip-noposix" $ports quick
  else
    echo "skip lwip valgrind: valgrind is not installed (run: sudo apt-get install valgrind)"
  fi
  lwip_stop_all
}

lwip_run_full

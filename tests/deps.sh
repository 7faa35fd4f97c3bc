#!/bin/sh
# Installs what a target needs on Debian when running as root; elsewhere
# prints the exact command.
# Usage: deps.sh mbedtls|arm|curl|valgrind|clang|m32|lint|python3
# Installs are serialised (a lock under /tmp), so tests running side by side
# may ask at once: apt allows one install at a time.
set -e
case "$1" in
  mbedtls) probe=/usr/include/mbedtls/ssl.h; pkgs="libmbedtls-dev" ;;
  arm) probe=/usr/bin/arm-none-eabi-gcc; pkgs="gcc-arm-none-eabi libnewlib-arm-none-eabi" ;;
  curl) probe=/usr/bin/curl; pkgs="curl" ;;
  m32) probe=/usr/include/x86_64-linux-gnu/gnu/stubs-32.h; pkgs="gcc-multilib" ;;
  valgrind) probe=/usr/bin/valgrind; pkgs="valgrind" ;;
  clang) probe=/usr/bin/clang; pkgs="clang" ;;
  lint) probe=/usr/bin/clang-tidy; pkgs="cppcheck clang-tidy" ;;
  python3) probe=/usr/bin/python3; pkgs="python3" ;;
  *) echo "deps.sh: unknown dependency $1" >&2; exit 2 ;;
esac
installed() { [ -e "$probe" ] && { [ "$1" != lint ] || [ -e /usr/bin/cppcheck ]; }; }
installed "$1" && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  exec 9> "${TMPDIR:-/tmp}/odeus_auth-deps.lock"
  command -v flock >/dev/null 2>&1 && flock 9
  installed "$1" && exit 0
  echo "deps: installing $pkgs (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $pkgs >/dev/null 2>&1 || {
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $pkgs >/dev/null; }
else
  echo "deps: missing $probe; run: sudo apt-get install $pkgs" >&2
  exit 1
fi

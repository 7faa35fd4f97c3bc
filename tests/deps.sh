#!/bin/sh
# Installs what a target needs on Debian when running as root; elsewhere
# prints the exact command.
# Usage: deps.sh mbedtls|arm|curl|valgrind|clang|m32|lint|python3|qemu-arm|
# qemu-user|powerpc|s390x|lwip|cmake|pkgconf|kconfiglib|yaml|riscv|xtensa|newlib
# Installs are serialised (a lock under /tmp), so tests running side by side
# may ask at once: apt allows one install at a time.
set -e
opts=""
case "$1" in
  mbedtls) probe=/usr/include/mbedtls/ssl.h; pkgs="libmbedtls-dev" ;;
  arm) probe=/usr/bin/arm-none-eabi-gcc; pkgs="gcc-arm-none-eabi libnewlib-arm-none-eabi" ;;
  curl) probe=/usr/bin/curl; pkgs="curl" ;;
  m32) probe=/usr/include/x86_64-linux-gnu/gnu/stubs-32.h; pkgs="gcc-multilib" ;;
  valgrind) probe=/usr/bin/valgrind; pkgs="valgrind" ;;
  clang) probe=/usr/bin/clang; pkgs="clang" ;;
  # tests/qemu.sh: the Cortex-M boards, and big-endian Linux under qemu-user
  # (without the recommended GUI, firmware and binfmt packages)
  qemu-arm) probe=/usr/bin/qemu-system-arm; pkgs="qemu-system-arm"; opts="--no-install-recommends" ;;
  qemu-user) probe=/usr/bin/qemu-ppc; pkgs="qemu-user"; opts="--no-install-recommends" ;;
  powerpc) probe=/usr/bin/powerpc-linux-gnu-gcc; pkgs="gcc-powerpc-linux-gnu libc6-dev-powerpc-cross" ;;
  s390x) probe=/usr/bin/s390x-linux-gnu-gcc; pkgs="gcc-s390x-linux-gnu libc6-dev-s390x-cross" ;;
  lwip) probe=/usr/include/lwip/lwip/sockets.h; pkgs="liblwip-dev" ;;
  # tests/buildsys.sh: CMake and pkg-config consumers, the offline checks of
  # the ESP-IDF and Zephyr Kconfig and manifests (Debian's python3), and the
  # ESP chips' instruction sets (compiled against newlib's headers)
  cmake) probe=/usr/bin/cmake; pkgs="cmake" ;;
  pkgconf) probe=/usr/bin/pkg-config; pkgs="pkgconf" ;;
  kconfiglib) probe=/usr/lib/python3/dist-packages/kconfiglib.py; pkgs="python3-kconfiglib" ;;
  yaml) probe=/usr/lib/python3/dist-packages/yaml/__init__.py; pkgs="python3-yaml" ;;
  riscv) probe=/usr/bin/riscv64-unknown-elf-gcc; pkgs="gcc-riscv64-unknown-elf" ;;
  xtensa) probe=/usr/bin/xtensa-lx106-elf-gcc; pkgs="gcc-xtensa-lx106" ;;
  newlib) probe=/usr/include/newlib/string.h; pkgs="libnewlib-dev" ;;
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
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $opts $pkgs >/dev/null 2>&1 || {
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $opts $pkgs >/dev/null; }
else
  echo "deps: missing $probe; run: sudo apt-get install ${opts:+$opts }$pkgs" >&2
  exit 1
fi

#!/bin/bash
# The ways into odeus_auth other than the Makefile, each tried by a small
# consumer (tests/consumers/) that builds and, where it can, runs a program
# whose output is compared byte for byte:
#   CMake: add_subdirectory (the header-only, core and transport targets;
#   static and shared; mbedTLS through its CMake package, pkg-config or its
#   libraries), FetchContent from an archive, install + find_package (and
#   its version check), a Makefile project on the installed pkg-config
#   files, a Cortex-M4 firmware through a toolchain file;
#   ESP-IDF (not installed here): the Kconfig read by kconfiglib, the
#   manifest, the component's CMake run by stand-ins of IDF's two passes,
#   the component compiled for RV32IMC (ESP32-C3) and Xtensa LX106;
#   PlatformIO (not installed): library.json against its schema's rules;
#   Zephyr (not installed): module.yml, its Kconfig, its CMake run by
#   stand-ins of Zephyr's functions.
#
#   bash tests/buildsys.sh [NAME...]
# prints "ok NAME", "FAIL NAME" (and the end of its log) or "skip NAME: why"
# for each check, then "RESULT <passed> <failed>". tests/check.d/70_buildsys.sh
# sources this file and runs the same checks through the full run's check.
# Everything is built under build/buildsys (installs too); nothing outside.

BS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BS=$BS_ROOT/build/buildsys
BS_STRICT=${STRICT:-"-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Wstrict-prototypes -Werror"}
BS_PY=/usr/bin/python3
[ -x "$BS_PY" ] || BS_PY=python3
BS_VERSION=$(sed -n 's/^#define ODEUS_AUTH_VERSION_STRING "\(.*\)"$/\1/p' "$BS_ROOT/odeus_auth.h")

BS_CHECKS="cmake-subdir cmake-subdir-mbedtls cmake-shared cmake-mbedtls-package
  cmake-mbedtls-subproject cmake-mbedtls-pkgconfig cmake-mbedtls-off cmake-fetchcontent cmake-install
  cmake-find-package cmake-find-package-version pkgconfig-makefile cmake-cortex-m4
  esp-idf-kconfig esp-idf-manifest esp-idf-early-pass esp-idf-component
  esp-idf-rv32imc esp-idf-xtensa platformio-manifest zephyr-module-yml
  zephyr-kconfig zephyr-cmake versions-agree offline-checks-catch-drift makefile-object"

# ---- what the programs must print ------------------------------------------------

# expect_validate DEPTH BASE: tests/consumers/app/validate.c's output.
bs_expect_validate() {
  printf 'odeus_auth %s\n' "$BS_VERSION"
  printf 'depth %s (library %s), base %s\n' "$1" "$1" "$2"
  printf 'invalid config (see the problem list), 2 problems\n'
  printf 'authFields[1].label: empty, min 1 character\n'
  printf 'authFields[1].slug: duplicate slug "api_key"\n'
}
BS_DEFAULT_BASE=https://api.odeus.ai

# What the mock server answers tests/consumers/app/apply.c.
BS_APPLIED='{"id":"550e8400-e29b-41d4-a716-446655440000","authType":"API_KEY","authTestCode":null,"authFields":[{"slug":"api_key","label":"API Key","type":"PASSWORD","description":"Found under Settings > API","placeholder":"sk-...","required":true}],"oauthClient":null}'
BS_REFUSED='HTTP 401: missing or invalid API key: Invalid API key'

# bs_same NAME EXPECTED ACTUAL_FILE: the file holds exactly EXPECTED.
bs_same() {
  if [ "$(cat "$3")" = "$2" ] && [ "$(tail -c 1 "$3" | od -An -c | tr -d ' ')" = '\n' ]; then
    echo "$1: as expected"; return 0
  fi
  echo "$1: expected:"; printf '%s\n' "$2"; echo "$1: got:"; cat "$3"; return 1
}

# bs_run_validate EXE DEPTH BASE: runs a validate program, compares its output.
bs_run_validate() {
  local out=$BS/out.$$.txt
  "$1" > "$out" 2>&1 || { echo "$1 exited $?"; cat "$out"; return 1; }
  bs_same "$(basename "$1") (depth $2, base $3)" "$(bs_expect_validate "$2" "$3")" "$out"
}

# bs_run_apply EXE: applies against the mock server (the right key, then a
# wrong one) and compares the answer and the refusal.
bs_run_apply() {
  local port out=$BS/apply.$$.txt err=$BS/apply.$$.err rc
  port=$(bs_mock) || { echo "the mock server did not start"; return 1; }
  ODEUS_BASE_URL=https://localhost:$port ODEUS_API_KEY=test-key \
    ODEUS_CA_FILE=$BS_ROOT/tests/certs/ca.pem "$1" > "$out" 2> "$err"
  rc=$?
  [ $rc = 0 ] || { echo "$1 exited $rc"; cat "$err"; return 1; }
  bs_same "$(basename "$1") applied" "$BS_APPLIED" "$out" || return 1
  ODEUS_BASE_URL=https://localhost:$port ODEUS_API_KEY=wrong-key \
    ODEUS_CA_FILE=$BS_ROOT/tests/certs/ca.pem "$1" > "$out" 2> "$err"
  rc=$?
  [ $rc = 1 ] || { echo "$1 exited $rc with a wrong key"; return 1; }
  bs_same "$(basename "$1") refused" "$BS_REFUSED" "$err" && [ ! -s "$out" ]
}

# The mock server (tests/mock.sh), started once and left to stop by itself.
bs_mock() {
  bash "$BS_ROOT/tests/mock.sh" port --name buildsys 2>/dev/null ||
    bash "$BS_ROOT/tests/mock.sh" start --name buildsys --lifetime 900 --quiet
}

# ---- CMake helpers ------------------------------------------------------------

# bs_cmake DIR SOURCE [ARGS...]: configures (log in DIR.configure.log) and
# builds with the strict flags; CMake's own warnings are errors too. The log
# is printed when either fails.
bs_cmake() {
  local dir=$1 src=$2; shift 2
  rm -rf "$dir"
  if ! CFLAGS="$BS_STRICT" cmake -Werror=dev -Werror=deprecated --no-warn-unused-cli \
       -S "$src" -B "$dir" -DODEUS_AUTH_DIR="$BS_ROOT" "$@" > "$dir.configure.log" 2>&1; then
    echo "configure failed:"; tail -n 30 "$dir.configure.log"; return 1
  fi
  if grep -q "CMake Warning" "$dir.configure.log"; then
    echo "configure warned:"; cat "$dir.configure.log"; return 1
  fi
  if ! nice -n 10 cmake --build "$dir" -j 2 > "$dir.build.log" 2>&1; then
    echo "build failed:"; tail -n 40 "$dir.build.log"; return 1
  fi
}

# bs_says FILE TEXT: the log holds the line.
bs_says() {
  grep -qF -- "$2" "$1" && { echo "said: $2"; return 0; }
  echo "$1 does not say: $2"; return 1
}

BS_DEFS='ODEUS_JSON_MAX_DEPTH=16;ODEUS_DEFAULT_BASE_URL="https://odeus.example/api/public"'
BS_DEFS_BASE=https://odeus.example/api/public

# The installed odeus_auth (cmake-install), made once per run, into another
# prefix than the configured one (cmake --install --prefix).
bs_need_install() {
  [ -f "$BS/install.ok" ] && return 0
  bs_cmake "$BS/top" "$BS_ROOT" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$BS/not-here" \
    -DCMAKE_INSTALL_LIBDIR=lib "-DODEUS_AUTH_COMPILE_DEFINITIONS=$BS_DEFS" || return 1
  rm -rf "$BS/prefix"
  cmake --install "$BS/top" --prefix "$BS/prefix" > "$BS/top.install.log" 2>&1 ||
    { cat "$BS/top.install.log"; return 1; }
  [ ! -e "$BS/not-here" ] || { echo "installed into the configured prefix, not --prefix"; return 1; }
  touch "$BS/install.ok"
}

# A kconfiglib configuration turned into CMake's CONFIG_* variables.
bs_config_cmake() { # FLAVOR OUT NAME=VALUE...
  SCRATCH=$BS "$BS_PY" "$BS_ROOT/tests/consumers/offline_checks.py" "$BS_ROOT" config-cmake "$@"
}

# ---- the checks --------------------------------------------------------------------

# add_subdirectory, with a configuration macro for every target, built once
# for the two checks below.
bs_need_subdir() {
  [ -f "$BS/subdir.ok" ] && return 0
  bs_cmake "$BS/subdir" "$BS_ROOT/tests/consumers/subdir" \
    "-DODEUS_AUTH_COMPILE_DEFINITIONS=ODEUS_JSON_MAX_DEPTH=7" && touch "$BS/subdir.ok"
}

# The compiled core and the header-only target (whose implementation is the
# consumer's) both apply the macro.
bs_t_cmake_subdir() {
  bs_need_subdir &&
  bs_run_validate "$BS/subdir/validate" 7 "$BS_DEFAULT_BASE" &&
  bs_run_validate "$BS/subdir/validate_header_only" 7 "$BS_DEFAULT_BASE"
}

# odeus_auth::mbedtls, mbedTLS found as its libraries (Debian's 2.28 has no
# package and no .pc): the transport applies against the mock server.
bs_t_cmake_subdir_mbedtls() {
  bs_need_subdir &&
  bs_says "$BS/subdir.configure.log" "odeus_auth::mbedtls links mbedTLS through its libraries" &&
  bs_run_apply "$BS/subdir/apply"
}

bs_t_cmake_shared() {
  local d=$BS/shared so
  bs_cmake "$d" "$BS_ROOT/tests/consumers/subdir" -DBUILD_SHARED_LIBS=ON -DODEUS_AUTH_MBEDTLS=OFF || return 1
  so=$d/odeus_auth/libodeus_auth.so.$BS_VERSION
  [ -f "$so" ] || { echo "no $so"; ls "$d/odeus_auth"; return 1; }
  readelf -d "$so" | grep -F "Library soname: [libodeus_auth.so.${BS_VERSION%.*}]" || {
    echo "soname:"; readelf -d "$so" | grep -i soname; return 1; }
  readelf -d "$d/validate" | grep -F "Shared library: [libodeus_auth.so.${BS_VERSION%.*}]" || return 1
  bs_run_validate "$d/validate" 32 "$BS_DEFAULT_BASE"
}

# mbedTLS through its installed CMake package (a stand-in made of the
# system's libraries, tests/consumers/mbedtls-package).
bs_t_cmake_mbedtls_package() {
  local d=$BS/mbedtls-package
  bs_cmake "$d" "$BS_ROOT/tests/consumers/subdir" \
    -DCMAKE_PREFIX_PATH="$BS_ROOT/tests/consumers/mbedtls-package" \
    -DMbedTLS_DIR="$BS_ROOT/tests/consumers/mbedtls-package" &&
  bs_says "$d.configure.log" "odeus_auth::mbedtls links mbedTLS through its CMake targets (MbedTLS::mbedtls)" &&
  bs_run_apply "$d/apply"
}

# mbedTLS built by the project itself, odeus_auth using its MbedTLS::* targets
# (a stand-in, tests/consumers/mbedtls-subproject).
bs_t_cmake_mbedtls_subproject() {
  local d=$BS/mbedtls-subproject
  bs_cmake "$d" "$BS_ROOT/tests/consumers/subdir" \
    -DMBEDTLS_SUBPROJECT="$BS_ROOT/tests/consumers/mbedtls-subproject" &&
  bs_says "$d.configure.log" "odeus_auth::mbedtls links mbedTLS through its CMake targets (MbedTLS::mbedtls)" &&
  bs_run_apply "$d/apply"
}

# The .pc files of mbedTLS 3.x (mbedtls, mbedx509, mbedcrypto), written here
# over the system's libraries.
bs_fake_mbedtls_pc() {
  local dir=$BS/mbedtls-pc libdir lib
  libdir=$(dirname "$(gcc -print-file-name=libmbedtls.so)")
  mkdir -p "$dir"
  for lib in mbedtls mbedx509 mbedcrypto; do
    # shellcheck disable=SC2016
    printf 'prefix=/usr\nincludedir=${prefix}/include\nlibdir=%s\n\nName: %s\nDescription: stand-in\nVersion: 3.6.0\nCflags: -I${includedir}\nLibs: -L${libdir} -l%s\n' \
      "$libdir" "$lib" "$lib" > "$dir/$lib.pc"
  done
  echo "$dir"
}

# mbedTLS through pkg-config; the pc file generated for the transport then
# requires those modules instead of naming the libraries.
bs_t_cmake_mbedtls_pkgconfig() {
  local d=$BS/mbedtls-pkgconfig pc
  pc=$(bs_fake_mbedtls_pc)
  PKG_CONFIG_PATH=$pc bs_cmake "$d" "$BS_ROOT/tests/consumers/subdir" -DODEUS_AUTH_INSTALL=ON &&
  bs_says "$d.configure.log" "odeus_auth::mbedtls links mbedTLS through pkg-config (mbedtls mbedx509 mbedcrypto)" &&
  bs_says "$d/odeus_auth/odeus_auth_mbedtls.pc.in" "Requires: mbedtls mbedx509 mbedcrypto" &&
  bs_says "$d/odeus_auth/odeus_auth_mbedtls.pc.in" "Libs: -L\${libdir} -lodeus_auth_mbedtls" &&
  bs_run_apply "$d/apply"
}

# ODEUS_AUTH_MBEDTLS=OFF builds no transport; ON without mbedTLS stops the
# configuration with a reason (mbedTLS hidden behind an empty find root).
bs_t_cmake_mbedtls_off() {
  local d=$BS/mbedtls-off
  bs_cmake "$d" "$BS_ROOT/tests/consumers/subdir" -DODEUS_AUTH_MBEDTLS=OFF || return 1
  if [ -e "$d/apply" ] || [ -e "$d/odeus_auth/libodeus_auth_mbedtls.a" ]; then
    echo "the transport was built"; return 1
  fi
  bs_run_validate "$d/validate" 32 "$BS_DEFAULT_BASE" || return 1
  mkdir -p "$BS/empty-root"
  if PKG_CONFIG_LIBDIR=$BS/empty-root PKG_CONFIG_PATH='' bs_cmake "$BS/mbedtls-on" "$BS_ROOT/tests/consumers/subdir" \
       -DODEUS_AUTH_MBEDTLS=ON -DCMAKE_FIND_ROOT_PATH="$BS/empty-root" \
       -DCMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY -DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY \
       -DCMAKE_FIND_ROOT_PATH_MODE_PACKAGE=ONLY > /dev/null; then
    echo "ODEUS_AUTH_MBEDTLS=ON configured without mbedTLS"; return 1
  fi
  bs_says "$BS/mbedtls-on.configure.log" "odeus_auth: ODEUS_AUTH_MBEDTLS is ON but mbedTLS was not found"
}

# FetchContent from an archive of the tree, with its SHA-256, as from a release.
bs_t_cmake_fetchcontent() {
  local d=$BS/fetchcontent tgz=$BS/odeus_auth-$BS_VERSION.tar.gz sha
  (cd "$BS_ROOT" && tar --exclude=./build --exclude=./.git -czf "$tgz" .) || return 1
  sha=$(sha256sum "$tgz" | cut -d ' ' -f 1)
  bs_cmake "$d" "$BS_ROOT/tests/consumers/fetchcontent" \
    -DODEUS_AUTH_URL="file://$tgz" -DODEUS_AUTH_SHA256="$sha" -DFETCHCONTENT_QUIET=OFF \
    -DODEUS_AUTH_MBEDTLS=OFF &&
  bs_says "$d.configure.log" "verifying file..." &&
  bs_run_validate "$d/validate" 32 "$BS_DEFAULT_BASE"
}

# install(): exactly these files, with two configuration macros given.
bs_t_cmake_install() {
  local list=$BS/installed.txt
  rm -f "$BS/install.ok"
  bs_need_install || return 1
  (cd "$BS/prefix" && find . -type f | sort) > "$list"
  bs_same "installed files" "./include/odeus_auth.h
./lib/cmake/odeus_auth/odeus_authConfig.cmake
./lib/cmake/odeus_auth/odeus_authConfigVersion.cmake
./lib/cmake/odeus_auth/odeus_authTargets-release.cmake
./lib/cmake/odeus_auth/odeus_authTargets.cmake
./lib/cmake/odeus_auth/odeus_auth_mbedtls.cmake
./lib/libodeus_auth.a
./lib/libodeus_auth_mbedtls.a
./lib/pkgconfig/odeus_auth.pc
./lib/pkgconfig/odeus_auth_mbedtls.pc
./share/doc/odeus_auth/LICENSE" "$list" &&
  cmp "$BS_ROOT/odeus_auth.h" "$BS/prefix/include/odeus_auth.h" &&
  bs_says "$BS/prefix/lib/cmake/odeus_auth/odeus_authConfigVersion.cmake" "set(PACKAGE_VERSION \"$BS_VERSION\")"
}

# find_package(odeus_auth 0.1 COMPONENTS core mbedtls): the macros given at
# install time reach the consumer, and the transport finds mbedTLS again.
bs_t_cmake_find_package() {
  local d=$BS/installed
  bs_need_install || return 1
  bs_cmake "$d" "$BS_ROOT/tests/consumers/installed" -DCMAKE_PREFIX_PATH="$BS/prefix" &&
  bs_says "$d.configure.log" "found odeus_auth $BS_VERSION" &&
  bs_run_validate "$d/validate" 16 "$BS_DEFS_BASE" &&
  bs_run_validate "$d/validate_header_only" 16 "$BS_DEFS_BASE" &&
  bs_run_apply "$d/apply"
}

# Before 1.0 only the same major.minor is compatible: 0.2 and 1.0 are refused.
bs_t_cmake_find_package_version() {
  local want
  bs_need_install || return 1
  for want in 0.2 1.0; do
    if bs_cmake "$BS/want-$want" "$BS_ROOT/tests/consumers/installed" \
         -DCMAKE_PREFIX_PATH="$BS/prefix" -DODEUS_AUTH_WANT=$want > /dev/null; then
      echo "find_package(odeus_auth $want) took $BS_VERSION"; return 1
    fi
    bs_says "$BS/want-$want.configure.log" "compatible with requested version \"$want\"" || return 1
    bs_says "$BS/want-$want.configure.log" "version: $BS_VERSION" || return 1
  done
}

# A Makefile project on the installed .pc files: the exact flags, then both
# programs built and run (the quoted base URL survives pkg-config and make).
bs_t_pkgconfig_makefile() {
  local p=$BS/prefix d=$BS/pkgconfig flags
  bs_need_install || return 1
  export PKG_CONFIG_PATH=$p/lib/pkgconfig
  [ "$(pkg-config --modversion odeus_auth)" = "$BS_VERSION" ] || { echo "modversion"; return 1; }
  [ "$(pkg-config --modversion odeus_auth_mbedtls)" = "$BS_VERSION" ] || { echo "modversion"; return 1; }
  flags=$(pkg-config --cflags --libs odeus_auth); flags=${flags% }
  [ "$flags" = "-I$p/include -DODEUS_JSON_MAX_DEPTH=16 -DODEUS_DEFAULT_BASE_URL=\\\"$BS_DEFS_BASE\\\" -L$p/lib -lodeus_auth" ] ||
    { echo "pkg-config --cflags --libs odeus_auth: $flags"; return 1; }
  flags=$(pkg-config --cflags --libs odeus_auth_mbedtls); flags=${flags% }
  [ "$flags" = "-I$p/include -DODEUS_JSON_MAX_DEPTH=16 -DODEUS_DEFAULT_BASE_URL=\\\"$BS_DEFS_BASE\\\" -DODEUS_AUTH_MBEDTLS -L$p/lib -lodeus_auth_mbedtls -lmbedtls -lmbedx509 -lmbedcrypto" ] ||
    { echo "pkg-config --cflags --libs odeus_auth_mbedtls: $flags"; return 1; }
  echo "pkg-config --cflags --libs: as expected"
  rm -rf "$d"; mkdir -p "$d"
  make -s -C "$BS_ROOT/tests/consumers/pkgconfig" O="$d" CFLAGS="$BS_STRICT" "$d/validate" "$d/apply" || return 1
  bs_run_validate "$d/validate" 16 "$BS_DEFS_BASE" && bs_run_apply "$d/apply"
}

# A Cortex-M4 firmware (Thumb-2, newlib) through a toolchain file: the core
# built for ARMv7E-M, no transport (a bare-metal target has no POSIX sockets).
bs_t_cmake_cortex_m4() {
  local d=$BS/cortex-m4 attrs
  bs_cmake "$d" "$BS_ROOT/tests/consumers/cortex-m4" -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DCMAKE_TOOLCHAIN_FILE="$BS_ROOT/tests/consumers/cortex-m4/arm-none-eabi.cmake" || return 1
  bs_says "$d.configure.log" "odeus_auth: no POSIX sockets on Generic; odeus_auth::mbedtls is not built (ODEUS_AUTH_MBEDTLS=ON builds it)" || return 1
  attrs=$(arm-none-eabi-readelf -A "$d/odeus_auth/libodeus_auth.a")
  for want in 'Tag_CPU_arch: v7E-M' 'Tag_CPU_arch_profile: Microcontroller' 'Tag_THUMB_ISA_use: Thumb-2'; do
    printf '%s\n' "$attrs" | grep -qF "$want" || { echo "libodeus_auth.a: no $want"; printf '%s\n' "$attrs"; return 1; }
  done
  readelf -h "$d/firmware.elf" | grep -q 'Machine: *ARM' || return 1
  echo "built for ARMv7E-M, Thumb-2 (the firmware is not run here)"
  arm-none-eabi-size "$d/firmware.elf" "$d/odeus_auth/libodeus_auth.a"
}

bs_t_esp_idf_kconfig() { SCRATCH=$BS "$BS_PY" "$BS_ROOT/tests/consumers/offline_checks.py" "$BS_ROOT" kconfig idf; }
bs_t_esp_idf_manifest() { "$BS_PY" "$BS_ROOT/tests/consumers/offline_checks.py" "$BS_ROOT" idf-manifest; }
bs_t_platformio_manifest() { "$BS_PY" "$BS_ROOT/tests/consumers/offline_checks.py" "$BS_ROOT" platformio; }
bs_t_zephyr_module_yml() { "$BS_PY" "$BS_ROOT/tests/consumers/offline_checks.py" "$BS_ROOT" zephyr-module; }
bs_t_zephyr_kconfig() { SCRATCH=$BS "$BS_PY" "$BS_ROOT/tests/consumers/offline_checks.py" "$BS_ROOT" kconfig zephyr; }

# IDF's first pass: the component's CMakeLists.txt in script mode, before any
# configuration: it registers, with the same requirements whatever the options.
bs_t_esp_idf_early_pass() {
  local out=$BS/idf-early.txt
  mkdir -p "$BS"
  cmake -D ESP_PLATFORM=1 -D COMPONENT_DIR="$BS_ROOT" -D OUT="$out" \
    -P "$BS_ROOT/tests/consumers/esp-idf/early.cmake" || return 1
  bs_same "early pass" "registered 1
REQUIRES mbedtls
PRIV_REQUIRES lwip" "$out"
}

# IDF's build pass: what the component registers, the options of a
# configuration made by kconfiglib reaching the compiler, an application
# built on it (on the host) and run; the transport's option adds its macro.
bs_t_esp_idf_component() {
  local d=$BS/idf
  mkdir -p "$BS"
  bs_config_cmake idf "$BS/sdkconfig.cmake" ODEUS_JSON_MAX_DEPTH=12 \
    ODEUS_DEFAULT_BASE_URL=https://idf.example/api/public > /dev/null || return 1
  bs_cmake "$d" "$BS_ROOT/tests/consumers/esp-idf" -DSDKCONFIG_CMAKE="$BS/sdkconfig.cmake" -DODEUS_IDF_APP=ON || return 1
  bs_same "registered" "SRCS cmake/odeus_auth.c
INCLUDE_DIRS .
REQUIRES mbedtls
PRIV_REQUIRES lwip" "$d/registered.txt" || return 1
  bs_same "definitions" 'ODEUS_JSON_MAX_DEPTH=12
ODEUS_HTTP_HEAD_MAX=8192
ODEUS_EXCHANGE_BODY_MAX=1048576u
ODEUS_DEFAULT_BASE_URL="https://idf.example/api/public"' "$d/definitions.txt" || return 1
  bs_run_validate "$d/app" 12 https://idf.example/api/public || return 1
  bs_config_cmake idf "$BS/sdkconfig-tls.cmake" ODEUS_AUTH_MBEDTLS=y > /dev/null || return 1
  rm -rf "$d-tls"
  cmake -S "$BS_ROOT/tests/consumers/esp-idf" -B "$d-tls" -DODEUS_AUTH_DIR="$BS_ROOT" \
    -DSDKCONFIG_CMAKE="$BS/sdkconfig-tls.cmake" > "$d-tls.configure.log" 2>&1 || { cat "$d-tls.configure.log"; return 1; }
  bs_same "definitions with the transport" 'ODEUS_JSON_MAX_DEPTH=32
ODEUS_HTTP_HEAD_MAX=8192
ODEUS_EXCHANGE_BODY_MAX=1048576u
ODEUS_DEFAULT_BASE_URL="https://api.odeus.ai"
ODEUS_AUTH_MBEDTLS' "$d-tls/definitions.txt"
}

# bs_idf_cross NAME TOOLCHAIN MACHINE FLAGS: the component compiled by a
# cross compiler through IDF's build-pass stand-in (strict flags, -Os).
bs_idf_cross() {
  local d=$BS/idf-$1 lib hdr
  mkdir -p "$BS"
  bs_config_cmake idf "$BS/sdkconfig-default.cmake" > /dev/null || return 1
  bs_cmake "$d" "$BS_ROOT/tests/consumers/esp-idf" -DSDKCONFIG_CMAKE="$BS/sdkconfig-default.cmake" \
    -DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_TOOLCHAIN_FILE="$BS_ROOT/tests/consumers/esp-idf/$2.cmake" || return 1
  lib=$d/odeus_auth/lib__idf_odeus_auth.a
  hdr=$(readelf -h "$lib")
  if ! printf '%s\n' "$hdr" | grep -q 'Class: *ELF32' || ! printf '%s\n' "$hdr" | grep -q "Machine: *$3" ||
     ! printf '%s\n' "$hdr" | grep -q "Flags: *$4"; then
    echo "$lib:"; printf '%s\n' "$hdr"; return 1
  fi
  echo "built for $3 ($4)"
  size "$lib"
}
bs_t_esp_idf_rv32imc() { bs_idf_cross rv32imc riscv32-esp "RISC-V" "0x1, RVC, soft-float ABI"; }
bs_t_esp_idf_xtensa() { bs_idf_cross xtensa xtensa-lx106 "Tensilica Xtensa Processor" "0x300"; }

# Zephyr: the module's CMake under stand-ins of Zephyr's functions, with the
# configuration kconfiglib makes: on (an application built and run), off
# (nothing built), and with the transport (its macro, mbedTLS linked).
bs_t_zephyr_cmake() {
  local d=$BS/zephyr
  mkdir -p "$BS"
  bs_config_cmake zephyr "$BS/zephyr-on.cmake" ODEUS_AUTH=y ODEUS_JSON_MAX_DEPTH=20 \
    ODEUS_DEFAULT_BASE_URL=https://zephyr.example/api/public > /dev/null || return 1
  bs_cmake "$d" "$BS_ROOT/tests/consumers/zephyr" -DDOTCONFIG_CMAKE="$BS/zephyr-on.cmake" || return 1
  bs_same "module" 'libraries odeus_auth
definitions ODEUS_JSON_MAX_DEPTH=20 ODEUS_HTTP_HEAD_MAX=8192 ODEUS_EXCHANGE_BODY_MAX=1048576u ODEUS_DEFAULT_BASE_URL="https://zephyr.example/api/public"
links ' "$d/module.txt" || return 1
  bs_same "sources" "$BS_ROOT/cmake/odeus_auth.c" "$d/sources.txt" || return 1
  bs_run_validate "$d/app" 20 https://zephyr.example/api/public || return 1
  bs_config_cmake zephyr "$BS/zephyr-off.cmake" > /dev/null || return 1
  bs_cmake "$d-off" "$BS_ROOT/tests/consumers/zephyr" -DDOTCONFIG_CMAKE="$BS/zephyr-off.cmake" || return 1
  bs_same "module off" 'libraries 
definitions 
links ' "$d-off/module.txt" || return 1
  bs_config_cmake zephyr "$BS/zephyr-tls.cmake" ODEUS_AUTH=y MBEDTLS=y NET_SOCKETS=y POSIX_API=y \
    ODEUS_AUTH_MBEDTLS=y > /dev/null || return 1
  rm -rf "$d-tls"
  cmake -S "$BS_ROOT/tests/consumers/zephyr" -B "$d-tls" -DODEUS_AUTH_DIR="$BS_ROOT" \
    -DDOTCONFIG_CMAKE="$BS/zephyr-tls.cmake" > "$d-tls.configure.log" 2>&1 || { cat "$d-tls.configure.log"; return 1; }
  bs_same "module with the transport" 'libraries odeus_auth
definitions ODEUS_JSON_MAX_DEPTH=32 ODEUS_HTTP_HEAD_MAX=8192 ODEUS_EXCHANGE_BODY_MAX=1048576u ODEUS_DEFAULT_BASE_URL="https://api.odeus.ai" ODEUS_AUTH_MBEDTLS
links mbedTLS' "$d-tls/module.txt"
}

# One version everywhere: the header's, which CMake reads (the project, the
# package version file, the .pc files) and the manifests repeat.
bs_t_versions_agree() {
  local v
  "$BS_PY" "$BS_ROOT/tests/consumers/offline_checks.py" "$BS_ROOT" versions > "$BS/versions.txt" || return 1
  cat "$BS/versions.txt"
  [ "$(cut -d ' ' -f 2 "$BS/versions.txt" | sort -u)" = "$BS_VERSION" ] || { echo "the versions differ"; return 1; }
  bs_need_install || return 1
  for v in "$(PKG_CONFIG_PATH=$BS/prefix/lib/pkgconfig pkg-config --modversion odeus_auth)" \
           "$(sed -n 's/^set(PACKAGE_VERSION "\(.*\)")$/\1/p' "$BS/prefix/lib/cmake/odeus_auth/odeus_authConfigVersion.cmake")"; do
    [ "$v" = "$BS_VERSION" ] || { echo "installed version $v"; return 1; }
  done
  echo "odeus_auth.pc, odeus_authConfigVersion.cmake $BS_VERSION"
}

# The offline checks fail where they should: a copy of the files with a
# version, a default and a range changed, and a new configuration macro.
bs_t_offline_checks_catch_drift() {
  local t=$BS/drift out
  rm -rf "$t"; mkdir -p "$t/zephyr" "$t/cmake"
  cp "$BS_ROOT"/{odeus_auth.h,Kconfig,idf_component.yml,library.json,LICENSE,CMakeLists.txt} "$t/" &&
  cp "$BS_ROOT"/cmake/* "$t/cmake/" && cp "$BS_ROOT"/zephyr/* "$t/zephyr/" || return 1
  sed -i 's/default 8192/default 4096/' "$t/Kconfig"
  sed -i "s/\"version\": \"$BS_VERSION\"/\"version\": \"9.9.9\"/" "$t/library.json"
  sed -i "s/^version: \"$BS_VERSION\"/version: \"9.9.8\"/" "$t/idf_component.yml"
  sed -i 's/range 1 64/range 1 63/' "$t/zephyr/Kconfig"
  sed -i 's|^ \* No macro changes the layout| * ODEUS_NEW_OPTION    a new one (5)\n * No macro changes the layout|' "$t/odeus_auth.h"
  printf '#ifndef ODEUS_NEW_OPTION\n#define ODEUS_NEW_OPTION 5\n#endif\n' >> "$t/odeus_auth.h"
  out=$(for w in "kconfig idf" "kconfig zephyr" idf-manifest platformio; do
          # shellcheck disable=SC2086
          SCRATCH=$t "$BS_PY" "$BS_ROOT/tests/consumers/offline_checks.py" "$t" $w; done | grep '^FAIL')
  printf '%s\n' "$out"
  for want in "idf: ODEUS_HTTP_HEAD_MAX defaults to '4096', the header to '8192'" \
              "zephyr: ODEUS_JSON_MAX_DEPTH range [('1', '63')], the header's ('1', '64')" \
              "idf_component.yml: version '9.9.8', the header's $BS_VERSION" \
              "library.json: version '9.9.9', the header's $BS_VERSION" \
              "'ODEUS_JSON_MAX_DEPTH', 'ODEUS_NEW_OPTION']"; do
    printf '%s\n' "$out" | grep -qF "$want" || { echo "not caught: $want"; return 1; }
  done
}

# The Makefile stays the way in, untouched by the files added beside it, and
# so does the one-line object build the header names (core and transport).
bs_t_makefile_object() {
  local d=$BS/make
  rm -rf "$d"; mkdir -p "$d"
  make -s -C "$BS_ROOT" B="$d" "$d/odeus_auth.o" > "$BS/make.log" 2>&1 || { cat "$BS/make.log"; return 1; }
  nm "$d/odeus_auth.o" | grep -q ' T odeus_validate_config$' || return 1
  echo "make built $d/odeus_auth.o"
  # shellcheck disable=SC2086
  cc $BS_STRICT -O2 -c -x c -DODEUS_AUTH_IMPLEMENTATION "$BS_ROOT/odeus_auth.h" -o "$d/one.o" &&
  cc $BS_STRICT -O2 -c -x c -DODEUS_AUTH_IMPLEMENTATION -DODEUS_AUTH_MBEDTLS "$BS_ROOT/odeus_auth.h" -o "$d/one_mbedtls.o" || return 1
  nm "$d/one.o" | grep -q ' T odeus_validate_config$' &&
  nm "$d/one_mbedtls.o" | grep -q ' T odeus_client_apply$' && echo "cc -c -x c odeus_auth.h built both objects"
}

# ---- what each check needs --------------------------------------------------------

bs_have() { command -v "$1" > /dev/null 2>&1; }
bs_py_has() { "$BS_PY" -c "import $1" > /dev/null 2>&1; }

# bs_skip_reason NAME: prints why NAME cannot run here, or nothing.
bs_skip_reason() {
  case "$1" in
    cmake-*|esp-idf-early-pass|esp-idf-component|esp-idf-rv32imc|esp-idf-xtensa|zephyr-cmake|versions-agree|pkgconfig-*)
      bs_have cmake || { echo "no cmake (sh tests/deps.sh cmake)"; return; } ;;
  esac
  case "$1" in
    *mbedtls*|cmake-install|cmake-find-package*|pkgconfig-*|versions-agree|makefile-object)
      [ -f /usr/include/mbedtls/ssl.h ] || { echo "no mbedTLS (sh tests/deps.sh mbedtls)"; return; } ;;
  esac
  case "$1" in
    cmake-mbedtls-pkgconfig|pkgconfig-*|versions-agree)
      bs_have pkg-config || { echo "no pkg-config (sh tests/deps.sh pkgconf)"; return; } ;;
    cmake-cortex-m4)
      bs_have arm-none-eabi-gcc || { echo "no arm-none-eabi-gcc (sh tests/deps.sh arm)"; return; } ;;
    esp-idf-rv32imc)
      bs_have riscv64-unknown-elf-gcc || { echo "no riscv64-unknown-elf-gcc (sh tests/deps.sh riscv)"; return; } ;;
    esp-idf-xtensa)
      bs_have xtensa-lx106-elf-gcc || { echo "no xtensa-lx106-elf-gcc (sh tests/deps.sh xtensa)"; return; } ;;
  esac
  case "$1" in
    esp-idf-rv32imc|esp-idf-xtensa)
      [ -f /usr/include/newlib/string.h ] || { echo "no newlib headers (sh tests/deps.sh newlib)"; return; } ;;
  esac
  case "$1" in
    esp-idf-kconfig|esp-idf-component|esp-idf-rv32imc|esp-idf-xtensa|zephyr-kconfig|zephyr-cmake|offline-checks-catch-drift)
      bs_py_has kconfiglib || { echo "no kconfiglib for $BS_PY (sh tests/deps.sh kconfiglib)"; return; } ;;
  esac
  case "$1" in
    esp-idf-manifest|zephyr-module-yml|versions-agree|offline-checks-catch-drift)
      bs_py_has yaml || { echo "no PyYAML for $BS_PY (sh tests/deps.sh yaml)"; return; } ;;
  esac
}

# Installs what the checks use, quietly (a missing one makes its checks skip).
bs_deps() {
  local dep
  for dep in cmake pkgconf mbedtls kconfiglib yaml arm riscv xtensa newlib; do
    sh "$BS_ROOT/tests/deps.sh" "$dep" > /dev/null 2>&1 || true
  done
}

bs_init() { rm -rf "$BS"; mkdir -p "$BS"; }
bs_done() { bash "$BS_ROOT/tests/mock.sh" stop --name buildsys > /dev/null 2>&1 || true; }

# bs_run NAME: runs one check in a subshell (what the full run's check
# calls), so no directory or variable of one check reaches the next.
bs_run() { ( "bs_t_$(printf '%s' "$1" | tr '-' '_')" ); }

bs_main() {
  local names=${*:-$BS_CHECKS} name why passed=0 failed=0
  cd "$BS_ROOT" || exit 2
  bs_deps
  bs_init
  for name in $names; do
    why=$(bs_skip_reason "$name")
    if [ -n "$why" ]; then echo "skip $name: $why"; continue; fi
    if bs_run "$name" > "$BS/$name.log" 2>&1; then
      passed=$((passed + 1)); echo "ok $name"
    else
      failed=$((failed + 1)); echo "FAIL $name"; tail -n 30 "$BS/$name.log"
    fi
  done
  bs_done
  echo "RESULT $passed $failed"
  [ "$failed" = 0 ]
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  bs_main "$@"
fi

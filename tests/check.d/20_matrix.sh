# The compile matrix's slower entries (the quick ones:
# tests/steps.d/20_matrix.sh): the implementation at -Os under gcc and clang,
# C99 and C++11, and at -O2 under clang; clang -fshort-enums; -m32 under gcc and clang; Cortex-M4
# (arm-none-eabi-gcc, installed here where missing); the mbedTLS transport
# under clang (-Os) and as C++ (-O2). All with the strict flags; each
# compile is one check, $JOBS at a time. A compiler runs where its probe
# compiles (for clang, builds and runs) the same kind of unit. On its own:
# tests/run.sh --check matrix. ODEUS_INC overrides the directory of
# odeus_auth.h.
MXS=$B/matrix-slow
MXS_INC=${ODEUS_INC:-.}
rm -rf "$MXS"; mkdir -p "$MXS"
# shellcheck disable=SC2086
MXS_CXX="-x c++ -std=c++11 $(printf ' %s ' $STRICT | sed 's/ -std=c99 / /; s/ -Wstrict-prototypes / /')"
MXS_POSIX="-D_POSIX_C_SOURCE=200809L"
MXS_JOBS=""
mxs_job() { job "$@"; MXS_JOBS="$MXS_JOBS $1"; }
# mxs_probe NAME COMPILER FLAGS...: COMPILER compiles a unit holding what the
# core includes, with FLAGS.
mxs_probe() {
  local name=$1; shift
  printf '#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\nint x;\n' |
    "$@" -c - -o "$MXS/probe-$name.o" > "$MXS/probe-$name.log" 2>&1
}

sh tests/deps.sh clang > /dev/null 2>&1
MXS_CCS=gcc
if printf 'int main(void) { return 0; }\n' | clang -x c - -o "$MXS/probe-clang" > /dev/null 2>&1 &&
   "$MXS/probe-clang"; then
  MXS_CCS="gcc clang"
else
  skip matrix-clang "clang cannot build and run a program (apt-get install clang)"
fi
for mxs_cc in $MXS_CCS; do
  for mxs_lang in c cxx; do
    case $mxs_cc-$mxs_lang in gcc-c) mxs_comp=gcc ;; gcc-cxx) mxs_comp=g++ ;; clang-c) mxs_comp=clang ;; *) mxs_comp=clang++ ;; esac
    if [ "$mxs_lang" = c ]; then mxs_flags=$STRICT; else mxs_flags=$MXS_CXX; fi
    # shellcheck disable=SC2086
    mxs_job "impl-$mxs_cc-$mxs_lang-Os" $mxs_comp $mxs_flags -Os -I"$MXS_INC" \
      -c tests/matrix_impl.c -o "$MXS/impl-$mxs_cc-$mxs_lang-Os.o"
    # shellcheck disable=SC2086
    [ "$mxs_cc" = clang ] && mxs_job "impl-$mxs_cc-$mxs_lang-O2" $mxs_comp $mxs_flags -O2 -I"$MXS_INC" \
      -c tests/matrix_impl.c -o "$MXS/impl-$mxs_cc-$mxs_lang-O2.o"
  done
done
if [ "$MXS_CCS" = "gcc clang" ]; then
  # shellcheck disable=SC2086
  mxs_job short-enums-clang clang $STRICT -O2 -fshort-enums -I"$MXS_INC" \
    -c tests/matrix_impl.c -o "$MXS/short-enums-clang.o"
fi

# -m32: a compile, so it needs the 32-bit C library headers (gcc-multilib,
# which deps.sh installs on an x86-64 Debian machine), not a machine that
# runs 32-bit programs.
[ "$(uname -m)" = x86_64 ] && sh tests/deps.sh m32 > /dev/null 2>&1
for mxs_cc in $MXS_CCS; do
  if mxs_probe "m32-$mxs_cc" "$mxs_cc" -m32 -x c; then
    # shellcheck disable=SC2086
    mxs_job "m32-$mxs_cc" $mxs_cc $STRICT -m32 -O2 -I"$MXS_INC" -c tests/matrix_impl.c -o "$MXS/m32-$mxs_cc.o"
  else
    skip "matrix-m32-$mxs_cc" "$mxs_cc -m32 cannot compile (no 32-bit C library headers: apt-get install gcc-multilib)"
  fi
done

# Cortex-M4, where arm-none-eabi-gcc compiles with newlib's headers.
sh tests/deps.sh arm > /dev/null 2>&1
if mxs_probe arm arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os -x c; then
  # shellcheck disable=SC2086
  mxs_job arm-none-eabi-O2 arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb $STRICT -O2 -I"$MXS_INC" \
    -c tests/matrix_impl.c -o "$MXS/arm-none-eabi-O2.o"
else
  skip matrix-arm-none-eabi "arm-none-eabi-gcc cannot compile for Cortex-M4 (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)"
fi

# The mbedTLS transport, when the header has one.
if grep -q '^#[[:space:]]*if.*ODEUS_AUTH_MBEDTLS' "$MXS_INC/odeus_auth.h"; then
  if [ "$MXS_CCS" = "gcc clang" ]; then
    # shellcheck disable=SC2086
    mxs_job mbedtls-clang-c clang $STRICT -Os -DODEUS_AUTH_MBEDTLS $MXS_POSIX -I"$MXS_INC" \
      -c tests/matrix_impl.c -o "$MXS/mbedtls-clang-c.o"
  fi
  # shellcheck disable=SC2086
  mxs_job mbedtls-gcc-cxx g++ $MXS_CXX -O2 -DODEUS_AUTH_MBEDTLS $MXS_POSIX -I"$MXS_INC" \
    -c tests/matrix_impl.c -o "$MXS/mbedtls-gcc-cxx.o"
fi

jobs_run
for mxs_j in $MXS_JOBS; do check "matrix-$mxs_j" job_ok "$mxs_j"; done

# Unit tests: every tests/unit_*.c, white-box (it includes the implementation),
# in several builds. unit_build NAME SRC CC FLAGS...: builds SRC as $B/NAME
# (one check) and runs it.
unit_build() {
  local name=$1 src=$2; shift 2
  check "build-$name" "$@" $STRICT -g -I. -o "$B/$name" "$src"
  [ -x "$B/$name" ] && prog "$name" "$B/$name"
}
ASAN="-O1 -fsanitize=address,undefined -fno-sanitize-recover=all"
# clang runs the sanitizer builds here, the matrix and the fuzz replay: as
# root on Debian it is installed where missing, as mbedTLS is.
sh tests/deps.sh clang > /dev/null 2>&1
M32=0
# 32-bit builds where the machine can link one (gcc-multilib): the
# word-at-a-time paths then read 4 bytes, as on a Cortex-M4.
[ "$(uname -m)" = x86_64 ] && sh tests/deps.sh m32 > /dev/null 2>&1
printf 'int main(void) { return 0; }\n' | gcc -m32 -x c - -o "$B/m32-probe" > /dev/null 2>&1 && M32=1
[ "$M32" = 1 ] || echo "note: 32-bit unit runs skipped: gcc -m32 cannot link (install gcc-multilib)"
for src in tests/unit_*.c; do
  [ -e "$src" ] || continue
  n=$(basename "$src" .c)
  # shellcheck disable=SC2086
  {
    # strict gcc against the no-heap malloc; clang with ASan + UBSan; -Os,
    # where ODEUS_OPTIMIZE_SIZE takes the compact paths instead of the
    # speed-only ones: the same tests, the same bytes.
    unit_build "$n" "$src" gcc -O2 tests/noheap.c
    unit_build "$n-asan" "$src" clang $ASAN
    unit_build "$n-small" "$src" gcc -Os tests/noheap.c
    if [ "$M32" = 1 ]; then unit_build "$n-m32" "$src" gcc -m32 -O2 tests/noheap.c; fi
  }
done
# The writers' block paths on 32-bit x86 with SSE2 (16-byte blocks, 4-byte
# words), under ASan: a read past a string is caught there.
if [ "$M32" = 1 ]; then
  # shellcheck disable=SC2086
  unit_build unit_core-m32-sse2-asan tests/unit_core.c gcc -m32 -msse2 $ASAN
fi

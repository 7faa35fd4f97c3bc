# Unit tests: every tests/unit_*.c, white-box (it includes the implementation),
# built strict with gcc and the no-heap malloc, and with clang + ASan/UBSan.
for src in tests/unit_*.c; do
  [ -e "$src" ] || continue
  n=$(basename "$src" .c)
  check "build-gcc-$n" gcc $STRICT -O2 -g -I. -o "$B/$n" "$src" tests/noheap.c
  [ -x "$B/$n" ] && prog "$n" "$B/$n"
  check "build-asan-$n" clang $STRICT -O1 -g -fsanitize=address,undefined \
    -fno-sanitize-recover=all -I. -o "$B/$n-asan" "$src"
  [ -x "$B/$n-asan" ] && prog "$n-asan" "$B/$n-asan"
done
# Again at -Os, where ODEUS_OPTIMIZE_SIZE leaves out the speed-only paths
# (the JSON reader's objects loop): the same tests, the same bytes.
for src in tests/unit_*.c; do
  [ -e "$src" ] || continue
  n=$(basename "$src" .c)
  check "build-small-$n" gcc $STRICT -Os -g -I. -o "$B/$n-small" "$src" tests/noheap.c
  [ -x "$B/$n-small" ] && prog "$n-small" "$B/$n-small"
done
# And as a 32-bit program where the machine can link one (gcc-multilib):
# the word-at-a-time paths then read 4 bytes, as on a Cortex-M4.
[ "$(uname -m)" = x86_64 ] && sh tests/deps.sh m32 > /dev/null 2>&1
if printf 'int main(void) { return 0; }\n' | gcc -m32 -x c - -o "$B/m32-probe" > /dev/null 2>&1; then
  for src in tests/unit_*.c; do
    [ -e "$src" ] || continue
    n=$(basename "$src" .c)
    check "build-m32-$n" gcc $STRICT -m32 -O2 -g -I. -o "$B/$n-m32" "$src" tests/noheap.c
    [ -x "$B/$n-m32" ] && prog "$n-m32" "$B/$n-m32"
  done
  # The writers' block paths on 32-bit x86 with SSE2 (16-byte blocks, 4-byte
  # words), under ASan: a read past a string is caught there.
  check "build-m32-sse2-asan-unit_core" gcc $STRICT -m32 -msse2 -O1 -g -fsanitize=address,undefined \
    -fno-sanitize-recover=all -I. -o "$B/unit_core-m32-sse2-asan" tests/unit_core.c
  [ -x "$B/unit_core-m32-sse2-asan" ] && prog "unit_core-m32-sse2-asan" "$B/unit_core-m32-sse2-asan"
else
  echo "note: 32-bit unit runs skipped: gcc -m32 cannot link (install gcc-multilib)"
fi

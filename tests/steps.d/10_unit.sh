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

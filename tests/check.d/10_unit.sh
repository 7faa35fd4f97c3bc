# The unit tests' slow builds (the quick ones: tests/steps.d/10_unit.sh), one
# test per tests/unit_*.c as there:
#   NAME-asan-O2  clang -O2 with ASan + UBSan (what the optimiser exposes)
#   NAME-m32      strict gcc -m32 -O2 against tests/noheap.c: a 32-bit
#                 size_t and pointers, as on a Cortex-M4
#   NAME-valgrind strict gcc -O1 -g, run under valgrind (uninitialised
#                 reads and leaks a sanitizer build does not see)
# Each runs where the machine can run it: the probes build and run a
# program as the test would. On its own: tests/run.sh --check unit_json.
UNIT_NAMES=$(for f in tests/unit_*.c; do [ -e "$f" ] && basename "$f" .c; done)
# shellcheck disable=SC2086
steps $UNIT_NAMES || return 0

UNIT_ASAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
printf 'int main(void) { return 0; }\n' > "$B/probe-unit.c"
# shellcheck disable=SC2086
unit_probe() {  # NAME COMPILE... : builds $B/probe.c with COMPILE, runs it
  local name=$1; shift
  "$@" -o "$B/probe-$name" "$B/probe-unit.c" > "$B/probe-$name.log" 2>&1 && "$B/probe-$name" >> "$B/probe-$name.log" 2>&1
}
sh tests/deps.sh clang > /dev/null 2>&1
# 32-bit: gcc-multilib where the machine is x86-64 (deps.sh), then the
# probe must both build and run a 32-bit program.
[ "$(uname -m)" = x86_64 ] && sh tests/deps.sh m32 > /dev/null 2>&1
sh tests/deps.sh valgrind > /dev/null 2>&1
UNIT_VG="valgrind -q --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite,indirect"
UNIT_ASAN_OK=0; UNIT_M32_OK=0; UNIT_VG_OK=0
# shellcheck disable=SC2086
unit_probe asan-O2 clang -O2 $UNIT_ASAN && UNIT_ASAN_OK=1
# shellcheck disable=SC2086
gcc -o "$B/probe-vg" "$B/probe-unit.c" > /dev/null 2>&1 && $UNIT_VG "$B/probe-vg" > /dev/null 2>&1 && UNIT_VG_OK=1
if unit_probe m32 gcc -m32; then UNIT_M32_OK=1
elif [ -x "$B/probe-m32" ]; then M32_WHY="this machine cannot run 32-bit programs"
else M32_WHY="gcc -m32 cannot build a program (apt-get install gcc-multilib)"; fi

UNIT_RUN=""
for n in $UNIT_NAMES; do
  selected "$n" || continue
  UNIT_RUN="$UNIT_RUN $n"
  rm -f "$B/$n-asan-O2" "$B/$n-m32" "$B/$n-valgrind" # as in tests/steps.d/10_unit.sh
  # shellcheck disable=SC2086
  [ "$UNIT_ASAN_OK" = 1 ] && job "$n-asan-O2" clang $STRICT -O2 -g $UNIT_ASAN -I. -o "$B/$n-asan-O2" "tests/$n.c"
  # shellcheck disable=SC2086
  [ "$UNIT_M32_OK" = 1 ] && job "$n-m32" gcc -m32 $STRICT -O2 -I. -o "$B/$n-m32" "tests/$n.c" tests/noheap.c
  # shellcheck disable=SC2086
  [ "$UNIT_VG_OK" = 1 ] && job "$n-valgrind" gcc $STRICT -O1 -g -I. -o "$B/$n-valgrind" "tests/$n.c"
done
jobs_run
[ "$UNIT_ASAN_OK" = 1 ] || skip "unit -asan-O2" "clang cannot build and run an ASan+UBSan program (apt-get install clang)"
[ "$UNIT_M32_OK" = 1 ] || skip "unit -m32" "$M32_WHY"
[ "$UNIT_VG_OK" = 1 ] || skip "unit -valgrind" "valgrind cannot run a program here (apt-get install valgrind)"
for n in $UNIT_RUN; do
  for v in -asan-O2 -m32 -valgrind; do
    [ -e "$JOB_DIR/$n$v.job" ] || continue
    check "build-$n$v" job_ok "$n$v"
    [ -x "$B/$n$v" ] || continue
    # shellcheck disable=SC2086
    if [ "$v" = -valgrind ]; then prog "$n$v" $UNIT_VG "$B/$n$v"; else prog "$n$v" "$B/$n$v"; fi
  done
done

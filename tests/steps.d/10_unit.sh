# Unit tests: one test per tests/unit_*.c (unit_json, unit_core...), each
# white-box (it includes the implementation), in three builds:
#   NAME        strict gcc -O2 against tests/noheap.c (any heap call aborts)
#   NAME-cxx    the same source as C++11 (g++ -x c++ -std=c++11), strict too
#   NAME-asan   clang with AddressSanitizer and UndefinedBehaviorSanitizer
# Each build is one check, each run adds the program's RESULT counts. The
# builds run $JOBS at a time. -O0 for the C++ and sanitizer builds keeps the
# quick run quick (a sanitizer checks at every level); make check adds the
# slow builds (tests/check.d/10_unit.sh).
UNIT_NAMES=$(for f in tests/unit_*.c; do [ -e "$f" ] && basename "$f" .c; done)
# shellcheck disable=SC2086
steps $UNIT_NAMES || return 0

# shellcheck disable=SC2086
UNIT_CXX="-x c++ -std=c++11 $(printf ' %s ' $STRICT | sed 's/ -std=c99 / /; s/ -Wstrict-prototypes / /')"
UNIT_ASAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
# The sanitizer builds run where clang builds and runs a sanitized program
# (as root on Debian, clang is installed where missing).
unit_probe_asan() {
  sh tests/deps.sh clang > /dev/null 2>&1
  printf 'int main(void) { return 0; }\n' > "$B/probe-asan.c"
  # shellcheck disable=SC2086
  clang $UNIT_ASAN -o "$B/probe-asan" "$B/probe-asan.c" > /dev/null 2>&1 && "$B/probe-asan"
}
UNIT_HAS_ASAN=0
unit_probe_asan && UNIT_HAS_ASAN=1

UNIT_RUN=""
for n in $UNIT_NAMES; do
  selected "$n" || continue
  UNIT_RUN="$UNIT_RUN $n"
  rm -f "$B/$n" "$B/$n-cxx" "$B/$n-asan" # a failed build leaves no program of a run before to count
  # shellcheck disable=SC2086
  job "$n" gcc $STRICT -O2 -I. -o "$B/$n" "tests/$n.c" tests/noheap.c
  # shellcheck disable=SC2086
  job "$n-cxx" g++ $UNIT_CXX -O0 -g -I. -o "$B/$n-cxx" "tests/$n.c"
  # shellcheck disable=SC2086
  [ "$UNIT_HAS_ASAN" = 1 ] && job "$n-asan" clang $STRICT -O0 -g $UNIT_ASAN -I. -o "$B/$n-asan" "tests/$n.c"
  # The JSON reader at its greatest depth too, where its container stack takes all 64 bits.
  if [ "$n" = unit_json ]; then
    rm -f "$B/$n-depth64"
    # shellcheck disable=SC2086
    job "$n-depth64" gcc $STRICT -O2 -DODEUS_JSON_MAX_DEPTH=64 -I. -o "$B/$n-depth64" "tests/$n.c" tests/noheap.c
  fi
done
jobs_run
[ "$UNIT_HAS_ASAN" = 1 ] ||
  skip "unit -asan" "clang cannot build and run an ASan+UBSan program (apt-get install clang)"
for n in $UNIT_RUN; do
  for v in "" -cxx -asan -depth64; do
    [ -e "$JOB_DIR/$n$v.job" ] || continue
    check "build-$n$v" job_ok "$n$v"
    [ -x "$B/$n$v" ] && prog "$n$v" "$B/$n$v"
  done
done

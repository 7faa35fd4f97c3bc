# Fuzzing, 10 seconds a target: each tests/fuzz/fuzz_<part>.c built with
# clang -O1 -fsanitize=fuzzer,address,undefined, run on a copy of its seed
# corpus (which it first replays); two checks per target, $JOBS targets at
# a time, and each run's summary line. The long run is make fuzz
# (FUZZ_SECONDS a target). On its own: tests/run.sh --check fuzz.
FZ=$B/fuzz
rm -rf "$FZ"; mkdir -p "$FZ"
FZ_PARTS=$(for f in tests/fuzz/fuzz_*.c; do [ -e "$f" ] && basename "$f" .c | sed 's/^fuzz_//'; done)
FZ_SECONDS=${FZ_SECONDS:-10}
# shellcheck source=../fuzz.sh
FUZZ_LIB=1 . tests/fuzz.sh
if [ -z "$FZ_PARTS" ]; then
  skip fuzz "no fuzz target (tests/fuzz/fuzz_*.c)"
elif ! fuzz_probe "$FZ" > "$FZ/probe.log" 2>&1; then
  skip fuzz "clang cannot build and run a libFuzzer program (apt-get install clang)"
else
  fuzz_one() {  # PART: build, then fuzz FZ_SECONDS
    fuzz_build "$1" "$FZ" > "$FZ/$1.build.log" 2>&1; echo $? > "$FZ/$1.build.rc"
    [ "$(cat "$FZ/$1.build.rc")" = 0 ] || return 0
    fuzz_run "$1" "$FZ" "$FZ_SECONDS"
  }
  export -f fuzz_build fuzz_run
  export FZ FZ_SECONDS
  for fz_p in $FZ_PARTS; do job "fuzz-$fz_p" fuzz_one "$fz_p"; done
  jobs_run
  fuzz_built() { cat "$FZ/$1.build.log"; [ "$(cat "$FZ/$1.build.rc" 2> /dev/null)" = 0 ]; }
  for fz_p in $FZ_PARTS; do
    check "fuzz-build-$fz_p" fuzz_built "$fz_p"
    [ -s "$FZ/$fz_p.build.rc" ] && [ "$(cat "$FZ/$fz_p.build.rc")" = 0 ] || continue
    check "fuzz-run-$fz_p" job_ok "fuzz-$fz_p"
    head -n 1 "$B/fuzz-run-$fz_p.log"
  done
fi

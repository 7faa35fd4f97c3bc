# The fuzz corpora replayed: each target tests/fuzz/fuzz_<part>.c is built
# with clang -fsanitize=fuzzer,address,undefined (-O0: it only replays here)
# and runs every file of its committed seed corpus tests/fuzz/corpus/<part>/
# once; two checks per target, $JOBS targets at a time. Fuzzing itself runs
# in make check (tests/check.d/30_fuzz.sh, 10 seconds a target) and in
# make fuzz (FUZZ_SECONDS a target).
FZ=$B/fuzz_replay
rm -rf "$FZ"; mkdir -p "$FZ"
FZ_PARTS=$(for f in tests/fuzz/fuzz_*.c; do [ -e "$f" ] && basename "$f" .c | sed 's/^fuzz_//'; done)
# shellcheck source=../fuzz.sh
FUZZ_LIB=1 . tests/fuzz.sh
if [ -z "$FZ_PARTS" ]; then
  skip fuzz_replay "no fuzz target (tests/fuzz/fuzz_*.c)"
elif ! fuzz_probe "$FZ" > "$FZ/probe.log" 2>&1; then
  skip fuzz_replay "clang cannot build and run a libFuzzer program (apt-get install clang)"
else
  for fz_p in $FZ_PARTS; do
    job "fuzz-build-$fz_p" fuzz_build_replay "$fz_p" "$FZ"
  done
  jobs_run
  for fz_p in $FZ_PARTS; do
    check "fuzz-build-$fz_p" job_ok "fuzz-build-$fz_p"
    check "fuzz-replay-$fz_p" fuzz_replay "$fz_p" "$FZ" replay
  done
fi

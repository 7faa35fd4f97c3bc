# Fuzz targets (tests/fuzz/fuzz_<part>.c) in make test: each is built with
# clang -fsanitize=fuzzer,address,undefined, replays its committed seed
# corpus (tests/fuzz/corpus/<part>/, every file once) and fuzzes 10 seconds
# on a copy of it; then the size build (ODEUS_OPTIMIZE_SIZE=1, whose
# parsers and writer take their compact paths) replays the same corpus;
# five checks per target. Two targets at a time. The long run is `make fuzz`
# (FUZZ_SECONDS each).
FZ=$B/fuzz
rm -rf "$FZ"; mkdir -p "$FZ"
FZ_PARTS=$(for f in tests/fuzz/fuzz_*.c; do [ -e "$f" ] && basename "$f" .c | sed 's/^fuzz_//'; done)
if [ -z "$FZ_PARTS" ]; then
  echo "note: no fuzz target (tests/fuzz/fuzz_*.c)"
else
  # shellcheck source=../fuzz.sh
  FUZZ_LIB=1 . tests/fuzz.sh
  export -f fuzz_build fuzz_replay fuzz_run
  # shellcheck disable=SC2086
  printf '%s\n' $FZ_PARTS | FZ=$FZ xargs -P 2 -I {} bash -c '
    p={}
    fuzz_build "$p" "$FZ" > "$FZ/$p.build.log" 2>&1; echo $? > "$FZ/$p.build.rc"
    [ "$(cat "$FZ/$p.build.rc")" = 0 ] || exit 0
    fuzz_replay "$p" "$FZ" > "$FZ/$p.replay.log" 2>&1; echo $? > "$FZ/$p.replay.rc"
    fuzz_run "$p" "$FZ" 10 > "$FZ/$p.run.log" 2>&1; echo $? > "$FZ/$p.run.rc"
    fuzz_build "$p" "$FZ" size -DODEUS_OPTIMIZE_SIZE=1 > "$FZ/$p.size-build.log" 2>&1
    echo $? > "$FZ/$p.size-build.rc"
    [ "$(cat "$FZ/$p.size-build.rc")" = 0 ] || exit 0
    fuzz_replay "$p" "$FZ" size > "$FZ/$p.size-replay.log" 2>&1; echo $? > "$FZ/$p.size-replay.rc"'
  fuzz_result() {  # $1 = part, $2 = build|replay|run
    cat "$FZ/$1.$2.log" 2> /dev/null
    [ "$(cat "$FZ/$1.$2.rc" 2> /dev/null)" = 0 ]
  }
  for fz_p in $FZ_PARTS; do
    check "fuzz-build-$fz_p" fuzz_result "$fz_p" build
    check "fuzz-replay-$fz_p" fuzz_result "$fz_p" replay
    check "fuzz-run-$fz_p" fuzz_result "$fz_p" run
    check "fuzz-size-build-$fz_p" fuzz_result "$fz_p" size-build
    check "fuzz-size-replay-$fz_p" fuzz_result "$fz_p" size-replay
    [ -f "$FZ/$fz_p.run.log" ] && head -n 1 "$FZ/$fz_p.run.log"
  done
fi

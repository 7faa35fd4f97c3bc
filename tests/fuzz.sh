#!/bin/bash
# make fuzz: builds every tests/fuzz/fuzz_<part>.c with clang
# -fsanitize=fuzzer,address,undefined and runs each for SECONDS (the first
# argument, FUZZ_SECONDS in make; 60) on a copy of its seed corpus
# tests/fuzz/corpus/<part>/ (the committed corpus is never changed), two
# targets at a time. Prints per target: executions, executions per second,
# coverage (edges, features), corpus growth, and any crash with the command
# that reproduces it. Fails on a crash, a leak, a timeout or a build error.
# A dictionary tests/fuzz/<part>.dict is used when present.
#
# Library use (tests/steps.d/30_fuzz_replay.sh, tests/check.d/30_fuzz.sh):
# FUZZ_LIB=1 and source it to get fuzz_probe, fuzz_build, fuzz_build_replay,
# fuzz_replay and fuzz_run without running anything.
# ODEUS_INC names the directory holding odeus_auth.h (default: the repository).

# fuzz_build PART OUTDIR [VARIANT CFLAGS...]: the instrumented binary
# OUTDIR/fuzz_PART, or OUTDIR/fuzz_PART-VARIANT built with CFLAGS too.
fuzz_build() {
  local inc part=$1 out=$2 name=fuzz_$1
  [ $# -ge 3 ] && { name=fuzz_$1-$3; shift 3; } || shift 2
  inc=$(cd "${ODEUS_INC:-.}" && pwd) || return 2
  clang -std=c99 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all "$@" \
    -I"$inc" -o "$out/$name" "tests/fuzz/fuzz_$part.c"
}

# fuzz_build_replay PART OUTDIR: OUTDIR/fuzz_PART-replay, built at -O0 (it
# only replays the corpus, so it is built for speed of building).
fuzz_build_replay() {
  local inc
  inc=$(cd "${ODEUS_INC:-.}" && pwd) || return 2
  clang -std=c99 -g -O0 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I"$inc" -o "$2/fuzz_$1-replay" "tests/fuzz/fuzz_$1.c"
}

# fuzz_probe OUTDIR: clang builds a libFuzzer program with the sanitizers,
# and it runs.
fuzz_probe() {
  sh tests/deps.sh clang > /dev/null 2>&1
  printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' > "$1/probe.c"
  clang -std=c99 -O0 -fsanitize=fuzzer,address,undefined -o "$1/probe" "$1/probe.c" && "$1/probe" -runs=1
}

# fuzz_replay PART OUTDIR [VARIANT]: every seed of the committed corpus, once.
fuzz_replay() {
  local seeds=tests/fuzz/corpus/$1 bin=$2/fuzz_$1${3:+-$3}
  [ -d "$seeds" ] && [ -n "$(ls -A "$seeds")" ] || { echo "no seed corpus in $seeds"; return 1; }
  "$bin" -runs=0 -timeout=10 -artifact_prefix="$2/$1${3:+-$3}-replay-" "$seeds"
}

# fuzz_run PART OUTDIR SECONDS: fuzz on a fresh copy of the corpus; then one
# summary line "fuzz_PART: ..." on stdout. Artifacts land in OUTDIR.
fuzz_run() {
  local part=$1 out=$2 secs=$3 corpus=$2/corpus-$1 dict=() log=$2/fuzz_$1.log rc
  rm -rf "$corpus"; mkdir -p "$corpus"
  [ -d "tests/fuzz/corpus/$part" ] && cp -R "tests/fuzz/corpus/$part/." "$corpus/"
  [ -f "tests/fuzz/$part.dict" ] && dict=(-dict="tests/fuzz/$part.dict")
  local before; before=$(find "$corpus" -type f | wc -l)
  "$out/fuzz_$part" "${dict[@]}" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$out/$part-" "$corpus" > "$log" 2>&1
  rc=$?
  awk -v part="$part" -v secs="$secs" -v before="$before" -v after="$(find "$corpus" -type f | wc -l)" -v rc="$rc" '
    /^#[0-9]+/ && / cov: / { for (i = 1; i <= NF; i++) { if ($i == "cov:") cov = $(i + 1); if ($i == "ft:") ft = $(i + 1) } }
    /^stat::number_of_executed_units:/ { runs = $2 }
    /^stat::average_exec_per_sec:/ { speed = $2 }
    END { printf "fuzz_%s: %d s, %d runs (%d/s), cov %s, ft %s, corpus %d -> %d, %s\n",
            part, secs, runs, speed, cov == "" ? "-" : cov, ft == "" ? "-" : ft, before, after, rc == 0 ? "no crash" : "FAILED (exit " rc ")" }' "$log"
  if [ "$rc" != 0 ]; then
    grep -E '^==[0-9]+==ERROR|SUMMARY|runtime error|^artifact_prefix|Test unit written' "$log" | head -n 12
    ls "$out/$part"-* 2> /dev/null | head -n 3 | sed "s|^|reproduce: $out/fuzz_$part |"
  fi
  return "$rc"
}

[ -n "${FUZZ_LIB:-}" ] && return 0

set -u
cd "$(dirname "$0")/.." || exit 2
SECS=${1:-${FUZZ_SECONDS:-60}}
OUT=build/fuzz
rm -rf "$OUT"; mkdir -p "$OUT"
PARTS=$(for f in tests/fuzz/fuzz_*.c; do [ -e "$f" ] && basename "$f" .c | sed 's/^fuzz_//'; done)
[ -n "$PARTS" ] || { echo "fuzz: no target (tests/fuzz/fuzz_*.c)"; exit 1; }
echo "fuzz: $(echo $PARTS | wc -w) targets, $SECS s each, two at a time: $(echo $PARTS)"
export -f fuzz_build fuzz_replay fuzz_run
export OUT SECS
# One job per target: build, replay the seeds, fuzz. Results in OUT/PART.*.
printf '%s\n' $PARTS | xargs -P 2 -I {} bash -c '
  p={}
  { fuzz_build "$p" "$OUT" && fuzz_replay "$p" "$OUT"; } > "$OUT/$p.build.log" 2>&1 || { echo 1 > "$OUT/$p.rc"; exit 0; }
  fuzz_run "$p" "$OUT" "$SECS" > "$OUT/$p.summary" 2>&1; echo $? > "$OUT/$p.rc"'
FAIL=0
for p in $PARTS; do
  if [ -f "$OUT/$p.summary" ]; then cat "$OUT/$p.summary"
  else echo "fuzz_$p: build or seed replay FAILED"; tail -n 20 "$OUT/$p.build.log"; fi
  [ "$(cat "$OUT/$p.rc" 2> /dev/null)" = 0 ] || FAIL=1
done
echo "(new inputs stay in $OUT/corpus-<part>; the committed corpus is unchanged)"
if [ "$FAIL" = 0 ]; then echo "fuzz: PASS"; else echo "fuzz: FAIL"; fi
exit "$FAIL"

#!/bin/bash
# make bench: the cost of what a device runs, in instructions (callgrind:
# exact and quiet, unlike time on a shared machine), beside baselines
# measured in the same run, with the ratios. Fails above a target:
#   - one exchange as a device runs it (validated by its begin, the request
#     out through a 256-byte window, the 814-byte answer in 64-byte reads),
#     x86-64 -O2:
#     at most BENCH_EXCHANGE_MAX (20000) instructions;
#   - 100 fields of 500-character descriptions (a 56 KB body) through a
#     256-byte window: at most 1.3x the cost through a window holding the
#     whole request.
# The report also lands in docs/FIGURES.md (tests/figures.sh).
set -u
cd "$(dirname "$0")/.." || exit 2
B=build/bench; mkdir -p "$B"
EXCHANGE_MAX=${BENCH_EXCHANGE_MAX:-20000}
SCALE_MAX=${BENCH_SCALE_MAX:-1.30}
# Everything printed is also the report docs/FIGURES.md gets, once tee ends.
exec 3>&1 > >(tee "$B/report.txt")
TEE=$!
sh tests/deps.sh valgrind > /dev/null 2>&1
gcc -std=c99 -O2 -g -I. -Itests -o "$B/bench" tests/bench.c || exit 1
FAIL=0
fail() { echo "FAIL: $*"; FAIL=1; }

# ins NAME ARG N: instructions of one call (N calls minus none, over N).
ins() {
  local a z
  c() { valgrind --tool=callgrind --callgrind-out-file="$B/cg.out" "$B/bench" count "$1" "$3" "$2" > /dev/null 2>&1
        awk '/^(summary|totals):/{print $2; exit}' "$B/cg.out"; }
  a=$(c "$1" "$2" "$3"); z=$(c "$1" "$2" 0)
  echo $(( (a - z) / $3 ))
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo "== odeus_auth: the device path (make bench) =="
echo "x86-64, gcc $(gcc -dumpversion) -O2; instructions counted by callgrind"
echo
X=$(ins exchange 0 20)
M=$(ins exchange_memcpy 0 20)
V=$(ins validate 0 20)
R=$(ins example_request 0 20)
printf '%-64s %10s\n' "one exchange (validated, 256-byte window, 64-byte reads)" "$X"
printf '%-64s %10s\n' "  of which the request validated, measured and sent" "$R"
printf '%-64s %10s\n' "  of which the answer: HTTP head, body, mapping" "$((X - R))"
printf '%-64s %10s\n' "  beside it: odeus_validate_config alone (nothing sent)" "$V"
printf '%-64s %10s\n' "  baseline: the same bytes moved by memcpy, nothing checked" "$M"
echo
echo "the answer read in pieces of (the same exchange):"
for p in 1 64 1460; do
  printf '  %-62s %10s\n' "$p bytes per read" "$(ins answer "$p" 10)"
done
echo
echo "the request of N fields with 500-character descriptions, through a window (instructions):"
printf '  %8s %10s %12s %12s %12s %8s %8s\n' fields body whole 256-byte 64-byte 256/whole 64/whole
SCALE_RATIO=0
for f in 1 10 50 100; do
  n=$(( f >= 50 ? 2 : 10 ))
  w=$(ins request $((f * 100000)) $n)
  w256=$(ins request $((f * 100000 + 256)) $n)
  w64=$(ins request $((f * 100000 + 64)) $n)
  body=$("$B/bench" size request $((f * 100000)) 2> /dev/null || echo -)
  printf '  %8d %10s %12d %12d %12d %7sx %7sx\n' "$f" "$body" "$w" "$w256" "$w64" \
    "$(ratio "$w256" "$w")" "$(ratio "$w64" "$w")"
  [ "$f" = 100 ] && SCALE_RATIO=$(ratio "$w256" "$w")
done
echo
echo "targets:"
if [ "$X" -gt "$EXCHANGE_MAX" ]; then fail "one exchange: $X instructions, over the target of $EXCHANGE_MAX"
else echo "one exchange: $X instructions (target at most $EXCHANGE_MAX)"; fi
if awk -v r="$SCALE_RATIO" -v m="$SCALE_MAX" 'BEGIN{ exit !(r > m) }'; then
  fail "100 fields, 256-byte window / whole: ${SCALE_RATIO}x, over the target of ${SCALE_MAX}x"
else echo "100 fields, 256-byte window / whole request: ${SCALE_RATIO}x (target at most ${SCALE_MAX}x)"; fi
# The bundled client over TLS beside curl, then over lwIP beside POSIX.
echo
bash tests/bench_net.sh || FAIL=1
bash tests/lwip/bench.sh || FAIL=1
if [ "$FAIL" = 0 ]; then echo "bench: PASS"; else echo "bench: FAIL"; fi
exec 1>&3 3>&-
wait "$TEE"
bash tests/figures.sh bench "$B/report.txt"
exit "$FAIL"

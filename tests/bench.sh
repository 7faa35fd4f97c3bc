#!/bin/bash
# make bench: instructions per call (callgrind, exact and quiet) and
# nanoseconds per call (best of 7 rounds), ours beside baselines measured in
# the same run, with the ratios.
set -e
cd "$(dirname "$0")/.."
B=build/bench; mkdir -p "$B"
gcc -std=c99 -O2 -g -I. -Itests -o "$B/bench" tests/bench.c
N=2000
declare -A ins ns
for v in build_ours build_stream build_exact build_snprintf build_memcpy parse_ours parse_memcpy; do
  # Counting N calls and N=0 calls, the difference is the cost of N calls.
  c() { valgrind --tool=callgrind --callgrind-out-file="$B/cg.out" "$B/bench" count "$v" "$1" >/dev/null 2>&1
        awk '/^(summary|totals):/{print $2; exit}' "$B/cg.out"; }
  a=$(c $N); z=$(c 0)
  ins[$v]=$(( (a - z) / N ))
done
while read -r name t; do ns[$name]=$t; done < <("$B/bench" time)
met() { if [ "$1" -le "$2" ]; then echo met; else echo "NOT met"; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "-" }'; }
printf '\nBuilding the documentation example request (766 bytes), validation included\n'
printf '  %-34s %12s %10s %12s\n' "" "instructions" "ns" "vs ours"
printf '  %-34s %12s %10s %12s\n' "odeus_auth (validate + write)" "${ins[build_ours]}" "${ns[build_ours]}" "1.00"
printf '  %-34s %12s %10s %12s\n' "  the same, 256-byte window stream" "${ins[build_stream]}" "${ns[build_stream]}" \
  "$(ratio "${ins[build_stream]}" "${ins[build_ours]}")x"
printf '  %-34s %12s %10s %12s\n' "  the same, buffer of exact size" "${ins[build_exact]}" "${ns[build_exact]}" \
  "$(ratio "${ins[build_exact]}" "${ins[build_ours]}")x"
printf '  %-34s %12s %10s %12s\n' "plain snprintf builder (no checks)" "${ins[build_snprintf]}" "${ns[build_snprintf]}" \
  "$(ratio "${ins[build_snprintf]}" "${ins[build_ours]}")x"
printf '  %-34s %12s %10s %12s\n' "memcpy of the finished request" "${ins[build_memcpy]}" "${ns[build_memcpy]}" \
  "$(ratio "${ins[build_memcpy]}" "${ins[build_ours]}")x"
printf '  target: at most 3000 instructions: %s; published: a cJSON builder ~32,600\n' \
  "$(met "${ins[build_ours]}" 3000)"
printf '\nReading the documentation example answer (814 bytes: head, body, strings decoded)\n'
printf '  %-34s %12s %10s %12s\n' "" "instructions" "ns" "vs memcpy"
printf '  %-34s %12s %10s %12s\n' "odeus_auth (HTTP + JSON + mapping)" "${ins[parse_ours]}" "${ns[parse_ours]}" \
  "$(ratio "${ins[parse_ours]}" "${ins[parse_memcpy]}")x"
printf '  %-34s %12s %10s %12s\n' "memcpy of the same bytes" "${ins[parse_memcpy]}" "${ns[parse_memcpy]}" "1.00"
printf '  target: at most 8000 instructions: %s; published: jsmn ~12,200, cJSON ~27,200, coreHTTP+coreJSON ~101,000\n' \
  "$(met "${ins[parse_ours]}" 8000)"
if [ -x tests/bench_net.sh ]; then bash tests/bench_net.sh; fi

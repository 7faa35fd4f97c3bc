#!/bin/bash
# make bench, the network part (tests/bench.sh runs it last): applies of the
# documentation's example against the mock Odeus server over TLS on
# localhost, ours (tests/bench_net.c) beside the curl command line tool sent
# the same request, byte for byte (checked here first). Every apply must
# answer 200. The variants run in ROUNDS interleaved rounds of N applies, so
# a load on the machine hits all of them alike; each figure is the median
# over the rounds, with the lowest and highest beside it, and each ratio is
# taken within a round, then its median.
#
# Environment: BENCH_NET_N (40), BENCH_NET_ROUNDS (5), MOCK_INCLUDE (the
# directory holding odeus_auth.h; the repository root by default; the mock
# server is built from it too, see tests/mock.sh).
set -u
cd "$(dirname "$0")/.." || exit 1
B=build/bench; mkdir -p "$B"
INC=${MOCK_INCLUDE:-.}
N=${BENCH_NET_N:-40}
ROUNDS=${BENCH_NET_ROUNDS:-5}
LIBS=(-lmbedtls -lmbedx509 -lmbedcrypto)
ID=550e8400-e29b-41d4-a716-446655440000
SERVER=benchnet
RECORDER=benchnet-record

fail() { echo "bench_net: $*" >&2; exit 1; }
stop_servers() {
  bash tests/mock.sh stop --name "$SERVER" >/dev/null 2>&1
  bash tests/mock.sh stop --name "$RECORDER" >/dev/null 2>&1
}

sh tests/deps.sh mbedtls >/dev/null || fail "mbedTLS is missing"
sh tests/deps.sh curl >/dev/null || fail "curl is missing"
gcc -std=c99 -O2 -g -I"$INC" -Itests -o "$B/bench_net" tests/bench_net.c "${LIBS[@]}" || fail "cannot build bench_net"
# The heap probe of the tests (tests/net_heap.c), built as they build it:
# mbedTLS linked statically so that its calloc and free can be counted.
gcc -std=c99 -O1 -g -I"$INC" -Itests -o "$B/net_heap" tests/net_heap.c \
  -Wl,--wrap=calloc -Wl,--wrap=free -Wl,-Bstatic "${LIBS[@]}" -Wl,-Bdynamic || fail "cannot build net_heap"

trap stop_servers EXIT
port=$(bash tests/mock.sh start --name "$SERVER" --lifetime 300 --quiet) || fail "the mock server did not start"
url="https://localhost:$port/integrations/v1/$ID/auth"

# curl gets our request's body from a file and its headers (Authorization:
# Bearer test-key, Content-Type, Accept, User-Agent) as -H; it writes the
# request line, Host and Content-Length itself, as we do.
mapfile -t headers < <("$B/bench_net" request "$port" "$B/net_body")
[ "${#headers[@]}" -ge 3 ] || fail "cannot write the request"
curl_args=(-sS -o /dev/null -w '%{http_code}\n' -X PATCH)
for h in "${headers[@]}"; do curl_args+=(-H "$h"); done
curl_args+=(--data-binary "@$B/net_body" --cacert tests/certs/ca.pem)
# The mock (mbedTLS' server) picks the first of its own strongest-first list
# that the client offers: secp521r1 for curl as it comes, secp384r1 for
# ours (x25519, secp256r1, secp384r1). Offered ours, curl gets secp384r1 too.
our_groups=(--curves X25519:P-256:P-384)

# The same request: one apply each against a recording server, compared.
rec=$(bash tests/mock.sh start --name "$RECORDER" --lifetime 60 --quiet --record "$B/net_record") ||
  fail "the recording server did not start"
rm -f "$B/net_record"
"$B/bench_net" once "$rec" >/dev/null || fail "our apply failed"
mv "$B/net_record" "$B/net_request_ours" 2>/dev/null || fail "nothing recorded"
[ "$(curl "${curl_args[@]}" "https://localhost:$rec/integrations/v1/$ID/auth")" = 200 ] || fail "curl's apply failed"
mv "$B/net_record" "$B/net_request_curl" 2>/dev/null || fail "nothing recorded"
bash tests/mock.sh stop --name "$RECORDER"
cmp -s "$B/net_request_ours" "$B/net_request_curl" || fail "curl's request differs from ours ($B/net_request_*)"
req_bytes=$(wc -c < "$B/net_request_ours")

# Warm-up (files in the page cache, the server's threads started), then
# the rounds. Lines: variant N wall_us cpu_us.
if ! "$B/bench_net" once "$port" >/dev/null || ! curl "${curl_args[@]}" "$url" >/dev/null; then
  fail "warm-up failed"
fi
results=$B/net_results; : > "$results"
start=$(date +%s%N)
for ((r = 1; r <= ROUNDS; r++)); do
  {
    "$B/bench_net" new "$port" "$N" &&
    "$B/bench_net" spawn curl_our_groups "$N" curl "${curl_args[@]}" "${our_groups[@]}" "$url" &&
    "$B/bench_net" keep "$port" "$N" &&
    "$B/bench_net" resume "$port" "$N" &&
    "$B/bench_net" fresh "$port" "$N" &&
    "$B/bench_net" spawn once "$N" "$B/bench_net" once "$port" &&
    "$B/bench_net" spawn curl "$N" curl "${curl_args[@]}" "$url"
  } >> "$results" || fail "round $r failed"
done
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))

heap=$("$B/net_heap" "$port" 2>&1 | grep '^peak heap') || heap="peak heap: net_heap failed"

awk -v n="$N" -v rounds="$ROUNDS" -v bytes="$req_bytes" -v elapsed="$elapsed_ms" '
function median(a, k,   i, j, t, b) {
  for (i = 1; i <= k; i++) b[i] = a[i]
  for (i = 2; i <= k; i++) for (j = i; j > 1 && b[j - 1] > b[j]; j--) { t = b[j]; b[j] = b[j - 1]; b[j - 1] = t }
  return k % 2 ? b[(k + 1) / 2] : (b[k / 2] + b[k / 2 + 1]) / 2
}
function lo(a, k,   i, m) { m = a[1]; for (i = 2; i <= k; i++) if (a[i] < m) m = a[i]; return m }
function hi(a, k,   i, m) { m = a[1]; for (i = 2; i <= k; i++) if (a[i] > m) m = a[i]; return m }
{ c[$1]++; wall[$1, c[$1]] = $3 / 1000; cpu[$1, c[$1]] = $4 / 1000 }
function row(v, label,   i, w, u, m) {
  for (i = 1; i <= c[v]; i++) { w[i] = wall[v, i]; u[i] = cpu[v, i] / n }
  m = median(w, c[v])
  printf "  %-44s %8.0f %8.2f %7.2f..%-7.2f %9.0f %7.2f\n", label, m, m / n, lo(w, c[v]) / n, hi(w, c[v]) / n,
    1000 * n / m, median(u, c[v])
}
# limit 0: no target; else the median ratio is checked against it
function ratio(a, b, label, limit, target,   i, q, k, m, verdict) {
  k = (c[a] < c[b]) ? c[a] : c[b]
  for (i = 1; i <= k; i++) q[i] = wall[a, i] / wall[b, i]
  m = median(q, k)
  verdict = limit == 0 ? "" : (m <= limit ? "   " target ": met" : "   " target ": NOT MET")
  printf "  %-44s %6.3fx  (rounds %.3f..%.3f)%s\n", label, m, lo(q, k), hi(q, k), verdict
}
END {
  printf "\nApplying the documentation example over TLS to the local mock server (localhost, 127.0.0.1),\n"
  printf "N = %d applies per variant, %d rounds; the same %d-byte request, every answer a checked 200.\n", n, rounds, bytes
  printf "Each apply: DNS lookup of localhost, TCP connect, TLS 1.2 handshake (ECDHE-ECDSA-CHACHA20-POLY1305,\n"
  printf "P-256 certificate verified against tests/certs/ca.pem), the request, the answer read to its end.\n"
  printf "  %-44s %8s %8s %-16s %9s %7s\n", "", "total ms", "ms/apply", " lowest..highest", "applies/s", "cpu ms"
  row("new",             "odeus_client, a new connection each")
  row("curl_our_groups", "curl, one process each, our groups (P-384)")
  row("curl",            "curl, one process each, as it comes (P-521)")
  row("resume",          "odeus_client, new connection, TLS resumed")
  row("keep",            "odeus_client, one kept-alive connection")
  row("fresh",           "odeus_client init + apply + free, each")
  row("once",            "odeus_client, one process each (as curl)")
  printf "  (ms: the median round; cpu: the client side only, user + system, per apply; the server runs beside it.\n"
  printf "   The kept-alive and resumed rounds begin after one untimed apply that opens the connection or saves\n"
  printf "   the session. ECDHE group: the mock picks the strongest the client offers; ours offers x25519, P-256,\n"
  printf "   P-384, so P-384; curl as it comes offers P-521 and gets it.)\n"
  printf "Ratios of wall time (median of the per-round ratios)\n"
  ratio("new", "curl_our_groups", "new connection / curl (same group, P-384)", 0.8, "target at most 0.80x")
  ratio("new", "curl", "new connection / curl as it comes (P-521)", 0, "")
  ratio("once", "curl_our_groups", "one process per apply / curl (same group)", 0, "")
  ratio("keep", "new", "kept-alive / new connection", 0.1, "target a small fraction (at most 0.10x)")
  ratio("resume", "new", "resumed session / new connection", 0, "")
  printf "  (%d rounds took %.1f s)\n", rounds, elapsed / 1000
}' "$results"
echo "  ${heap}"

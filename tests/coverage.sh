#!/bin/bash
# make coverage: line and branch coverage of odeus_auth.h by the unit tests
# (tests/unit_*.c), built with gcc --coverage at -O0 and run. Every test
# includes its own copy of the implementation, so the reports of all tests
# are merged: a line counts as covered when any test ran it, a branch when
# any test took it. Prints the figures per part of src/ and every uncovered
# line; fails under COVERAGE_MIN percent of lines (95) or when a test fails.
# ODEUS_INC names the directory holding odeus_auth.h (default: the repository).
set -u
cd "$(dirname "$0")/.." || exit 2
INC=$(cd "${ODEUS_INC:-.}" && pwd) || exit 2
OUT=build/coverage
MIN=${COVERAGE_MIN:-95}
rm -rf "$OUT"; mkdir -p "$OUT"

# Where a line of the header comes from, when it is the concatenation of
# src/*.h (as the Makefile builds it): "start file" per part.
: > "$OUT/parts.txt"
if [ -d src ] && cat src/*.h | cmp -s - "$INC/odeus_auth.h"; then
  start=1
  for f in src/*.h; do
    echo "$start $f" >> "$OUT/parts.txt"
    start=$((start + $(wc -l < "$f")))
  done
fi

FAIL=0
TESTS=0
sh tests/deps.sh python3 > /dev/null 2>&1
for src in tests/unit_*.c; do
  [ -e "$src" ] || continue
  n=$(basename "$src" .c)
  d=$OUT/$n
  mkdir -p "$d"
  # No tests/noheap.c here: the coverage runtime itself may allocate at exit.
  if ! gcc -std=c99 -O0 -g --coverage -I"$INC" -Itests -c "$src" -o "$d/$n.o" > "$d/build.log" 2>&1 ||
     ! gcc --coverage -o "$d/$n" "$d/$n.o" >> "$d/build.log" 2>&1; then
    echo "FAIL build $n"; cat "$d/build.log"; FAIL=1; continue
  fi
  out=$("$d/$n" 2> "$d/stderr.log"); rc=$?
  res=$(printf '%s\n' "$out" | awk '/^RESULT /{ p += $2; f += $3 } END { printf "%d passed, %d failed", p, f }')
  if [ "$rc" != 0 ]; then echo "FAIL $n ($res, exit $rc)"; head -c 2000 "$d/stderr.log"; FAIL=1
  else echo "ran  $n ($res)"; fi
  (cd "$d" && gcov -b -j "$n.gcno" > gcov.log 2>&1) || { echo "gcov failed for $n"; cat "$d/gcov.log"; FAIL=1; }
  TESTS=$((TESTS + 1))
done
[ "$TESTS" -gt 0 ] || { echo "coverage: no unit test (tests/unit_*.c)"; exit 1; }

python3 - "$OUT" "$INC/odeus_auth.h" "$MIN" <<'PY' || FAIL=1
import glob, gzip, json, os, sys
out, header, minimum = sys.argv[1], sys.argv[2], float(sys.argv[3])
lines = {}      # line -> max count over the tests (executable lines only)
branches = {}   # line -> list of taken flags, merged by position
for path in glob.glob(os.path.join(out, '*', '*.gcov.json.gz')):
    with gzip.open(path, 'rt') as fh:
        data = json.load(fh)
    for f in data.get('files', []):
        if os.path.basename(f['file']) != 'odeus_auth.h':
            continue
        for l in f.get('lines', []):
            n = l['line_number']
            lines[n] = max(lines.get(n, 0), l['count'])
            br = [b['count'] > 0 for b in l.get('branches', []) if not b.get('throw')]
            if br:
                old = branches.get(n, [])
                if len(old) < len(br):
                    old = old + [False] * (len(br) - len(old))
                for i, t in enumerate(br):
                    old[i] = old[i] or t
                branches[n] = old
if not lines:
    print('coverage: no data for odeus_auth.h')
    sys.exit(1)
parts = []
for l in open(os.path.join(out, 'parts.txt')):
    s, f = l.split()
    parts.append((int(s), f))
def part(n):
    for s, f in reversed(parts):
        if n >= s:
            return f, n - s + 1
    return 'odeus_auth.h', n
text = open(header, encoding='utf-8', errors='replace').read().split('\n')

def pct(a, b):
    return 100.0 * a / b if b else 100.0
per = {}
for n, c in lines.items():
    p = part(n)[0]
    e = per.setdefault(p, [0, 0, 0, 0])
    e[0] += 1; e[1] += c > 0
for n, b in branches.items():
    p = part(n)[0]
    e = per.setdefault(p, [0, 0, 0, 0])
    e[2] += len(b); e[3] += sum(b)
print()
print('%-26s %16s %18s' % ('odeus_auth.h', 'lines', 'branches'))
for p in sorted(per):
    e = per[p]
    print('%-26s %5d/%-5d %5.1f%% %6d/%-6d %5.1f%%' % (p, e[1], e[0], pct(e[1], e[0]), e[3], e[2], pct(e[3], e[2])))
tl, cl = len(lines), sum(1 for c in lines.values() if c > 0)
tb, cb = sum(len(b) for b in branches.values()), sum(sum(b) for b in branches.values())
print('%-26s %5d/%-5d %5.1f%% %6d/%-6d %5.1f%%' % ('total', cl, tl, pct(cl, tl), cb, tb, pct(cb, tb)))
unc = sorted(n for n, c in lines.items() if c == 0)
if unc:
    print('\nuncovered lines (%d):' % len(unc))
    for n in unc:
        f, m = part(n)
        print('  %s:%d: %s' % (f, m, text[n - 1].strip()[:100] if n - 1 < len(text) else ''))
line_pct = pct(cl, tl)
print('\ncoverage: %.1f%% of lines, %.1f%% of branches (minimum %.0f%% of lines)' % (line_pct, pct(cb, tb), minimum))
sys.exit(0 if line_pct >= minimum else 1)
PY
if [ "$FAIL" = 0 ]; then echo "coverage: PASS"; else echo "coverage: FAIL"; fi
exit "$FAIL"

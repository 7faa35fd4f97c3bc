# The counting functions every test fragment calls, for tests/run.sh and
# for the scripts that run a group of tests on their own (tests/lwip/run.sh).
# They add to PASSED and FAILED (and SKIPPED) and keep their logs in $B.

# prog NAME CMD...: runs a test program and adds its RESULT counts.
prog() {
  local name=$1; shift
  local out rc p f
  out=$("$@" 2> "$B/$name.err"); rc=$?
  p=$(printf '%s\n' "$out" | awk '/^RESULT /{p+=$2} END{print p+0}')
  f=$(printf '%s\n' "$out" | awk '/^RESULT /{f+=$3} END{print f+0}')
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
  if ! printf '%s\n' "$out" | grep -q '^RESULT '; then f=$((f > 0 ? f : 1)); fi
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  if [ "$f" = 0 ]; then echo "ok   $name ($p)"; else
    echo "FAIL $name ($p passed, $f failed, exit $rc)"; head -c 3000 "$B/$name.err"; fi
}

# check NAME CMD...: one check, passing when CMD exits 0.
check() {
  local name=$1; shift
  if "$@" > "$B/$name.log" 2>&1; then PASSED=$((PASSED + 1)); echo "ok   $name"
  else FAILED=$((FAILED + 1)); echo "FAIL $name"; tail -n 30 "$B/$name.log"; fi
}

# skip NAME REASON...: what this machine cannot run, said on one line.
skip() {
  local name=$1; shift
  SKIPPED=$((SKIPPED + 1)); echo "skip $name: $*"
}

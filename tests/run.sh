#!/bin/bash
# The test runner. The last line it prints is "N passed, N failed".
#
#   tests/run.sh                 the quick gate (make test): tests/steps.d/*.sh
#   tests/run.sh --check         everything (make check): tests/steps.d/*.sh,
#                                then tests/check.d/*.sh
#   tests/run.sh NAME...         only the named tests (make test T=NAME)
#   tests/run.sh --check NAME... the named tests with their slow parts too
#   tests/run.sh --list          the names, and which run they belong to
#
# Names. A fragment tests/steps.d/NN_WORD.sh (or tests/check.d/NN_WORD.sh)
# is the test WORD: `matrix`, `fuzz_replay`, `net`, `cli`, `examples`... A
# fragment that holds several tests starts with `steps NAME... || return 0`
# and guards each part with `selected NAME`: tests/steps.d/10_unit.sh holds
# one test per tests/unit_*.c (`unit_json`: its C, C++ and ASan builds), and
# WORD (`unit`) then names all of them. Several fragments may hold a test of
# the same name: `tests/run.sh --check unit_json` also runs the slow builds
# of tests/check.d/. An unknown name is an error that lists the names.
#
# Fragments run side by side, $PARALLEL at a time (3), each in a subshell of
# its own (so a fragment defines what it uses, or sources the file that
# does), its output printed whole in the order of the files and closed by
# "time WORD: N s, N s of CPU", so what makes the run slow is plain. One
# fragment, or PARALLEL=1, prints as it goes.
#
# Fragments are bash, sourced, with these functions and variables:
#   check NAME CMD...   one check, passing when CMD exits 0 (output in $B/NAME.log)
#   prog NAME CMD...    a test program printing "RESULT <passed> <failed>" lines
#   skip NAME REASON    a check this machine cannot run: one line, not counted
#   job NAME CMD...     queue a command; jobs_run runs the queue $JOBS at a time;
#   job_ok NAME         then prints NAME's output and succeeds when it did
#   selected NAME       whether test NAME was asked for
#   once NAME CMD...    CMD run once in this run, by the first fragment asking
#   odeus_auth_tool     builds $B/odeus-auth once; mock_server builds the mock
#   $B (build dir), $STRICT (strict C99 flags), $CHECK (1 under --check),
#   $JOBS (parallel jobs; 2, or the environment's JOBS)
cd "$(dirname "$0")/.." || exit 2
B=build/test; mkdir -p "$B"
PASSED=0; FAILED=0; SKIPPED=0
STRICT="-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Wstrict-prototypes -Werror"
JOBS=${JOBS:-2}
CHECK=0; LIST=0; WANT=""
for arg in "$@"; do
  case $arg in
    --check) CHECK=1 ;;
    --list) LIST=1 ;;
    -h|--help) sed -n '2,/^cd /{/^cd /d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $arg (see tests/run.sh --help)" >&2; exit 2 ;;
    *) WANT="$WANT $arg" ;;
  esac
done
export B STRICT JOBS CHECK

# prog, check and skip: the counting functions of every fragment.
# shellcheck source=tests/harness.sh
. tests/harness.sh

# job NAME CMD...: queues CMD; jobs_run runs the queue, $JOBS at a time,
# each in a bash of its own, its output and exit status kept under $B/jobs.
JOB_DIR=$B/jobs; JOB_QUEUE=""
mkdir -p "$JOB_DIR"
job() {
  local name=$1; shift
  # A function runs there too (what it calls must be exported by hand).
  [ "$(type -t "$1")" = function ] && export -f "${1?}"
  printf '%q ' "$@" > "$JOB_DIR/$name.job"
  rm -f "$JOB_DIR/$name.rc" "$JOB_DIR/$name.log"
  JOB_QUEUE="$JOB_QUEUE $name"
}
jobs_run() {
  [ -n "$JOB_QUEUE" ] || return 0
  # shellcheck disable=SC2086
  printf '%s\n' $JOB_QUEUE |
    xargs -P "$JOBS" -I {} bash -c 'bash "$0/{}.job" > "$0/{}.log" 2>&1; echo $? > "$0/{}.rc"' "$JOB_DIR"
  JOB_QUEUE=""
}
job_ok() {
  cat "$JOB_DIR/$1.log" 2> /dev/null
  [ "$(cat "$JOB_DIR/$1.rc" 2> /dev/null)" = 0 ]
}

# once NAME CMD...: runs CMD once in this run, whichever fragment asks
# first; the others wait for it, then all see its output and status.
ONCE_DIR=$B/once; rm -rf "$ONCE_DIR"; mkdir -p "$ONCE_DIR"
once() {
  local name=$1; shift
  (
    flock 9
    if [ ! -e "$ONCE_DIR/$name.rc" ]; then
      "$@" > "$ONCE_DIR/$name.log" 2>&1; echo $? > "$ONCE_DIR/$name.rc"
    fi
    cat "$ONCE_DIR/$name.log"
    [ "$(cat "$ONCE_DIR/$name.rc")" = 0 ]
  ) 9> "$ONCE_DIR/$name.lock"
}
# What several tests use, built once: the odeus-auth tool at $B/odeus-auth
# (strict, -O2; no binary when it does not build), and the mock server
# (tests/mock.sh build).
odeus_auth_tool() { once odeus-auth odeus_auth_tool_build; }
odeus_auth_tool_build() {
  rm -f "$B/odeus-auth"
  # shellcheck disable=SC2086
  gcc $STRICT -O2 -I. -o "$B/odeus-auth" examples/odeus-auth.c -lmbedtls -lmbedx509 -lmbedcrypto
}
mock_server() { once mock-server bash tests/mock.sh build; }

# The fragments: the quick ones, then under --check the slow ones.
FRAGMENTS=$(ls tests/steps.d/*.sh 2> /dev/null)
ALL_FRAGMENTS="$FRAGMENTS $(ls tests/check.d/*.sh 2> /dev/null)"
[ "$CHECK" = 1 ] && FRAGMENTS=$ALL_FRAGMENTS
frag_word() { basename "$1" .sh | sed 's/^[0-9]*_//'; }

# steps NAME...: the tests this fragment holds. Returns 1 (the fragment
# then stops) while the names are being listed, or when none is asked for.
steps() {
  local n
  for n in "$@"; do FRAG_NAMES="$FRAG_NAMES $n"; done
  [ "$LISTING" = 1 ] && return 1
  for n in "$@"; do selected "$n" && return 0; done
  return 1
}
# selected NAME: the test was asked for (by its name or its fragment's word),
# or nothing was named.
selected() {
  [ -z "$WANT" ] && return 0
  case " $WANT " in *" $1 "*|*" $FRAG_WORD "*) return 0 ;; esac
  return 1
}

# The names every fragment holds ("NAME WORD DIR FILE" lines), read by sourcing
# the fragments that declare steps (they stop at their `steps` line).
names() {
  local f
  LISTING=1
  for f in $ALL_FRAGMENTS; do
    FRAG_WORD=$(frag_word "$f"); FRAG_NAMES=""
    if grep -q '^steps ' "$f"; then
      # shellcheck source=/dev/null
      . "$f"
    else
      FRAG_NAMES=$FRAG_WORD
    fi
    for n in $FRAG_NAMES; do echo "$n $FRAG_WORD $(basename "$(dirname "$f")") $f"; done
  done
  LISTING=0
}
if [ "$LIST" = 1 ] || [ -n "$WANT" ]; then
  NAMES=$(names)
fi
if [ "$LIST" = 1 ]; then
  echo "make test and make check (tests/steps.d; +: more of it under make check):"
  printf '%s\n' "$NAMES" | awk '$3 == "check.d" { slow[$1] = 1 } { all[NR] = $0 }
    END { for (i = 1; i <= NR; i++) { split(all[i], f, " ")
      if (f[3] == "steps.d" && !s[f[1]]++) printf "  %s%s\n", f[1], slow[f[1]] ? " +" : "" } }'
  echo "make check only (tests/check.d):"
  printf '%s\n' "$NAMES" | awk '$3 == "steps.d" { q[$1] = 1 } $3 == "check.d" && !q[$1] && !s[$1]++ { print "  " $1 }'
  echo "groups: $(printf '%s\n' "$NAMES" | awk '$1 != $2 && !s[$2]++ { printf "%s ", $2 }')(all of their tests)"
  exit 0
fi
for w in $WANT; do
  if ! printf '%s\n' "$NAMES" | awk -v w="$w" '$1 == w || $2 == w { f = 1 } END { exit !f }'; then
    echo "run.sh: no test named $w. The tests:" >&2
    printf '%s\n' "$NAMES" | awk '!s[$1]++ { printf "  %s%s\n", $1, $3 == "check.d" ? " (make check)" : "" }
      $1 != $2 && !g[$2]++ { groups = groups " " $2 }
      END { if (groups != "") print "groups (all of their tests):" groups }' >&2
    exit 2
  fi
  if [ "$CHECK" = 0 ] && ! printf '%s\n' "$NAMES" | awk -v w="$w" '($1 == w || $2 == w) && $3 == "steps.d" { f = 1 } END { exit !f }'; then
    echo "run.sh: $w is part of make check only: make check T=$w (tests/run.sh --check $w)" >&2
    exit 2
  fi
done

# Run the fragments asked for. Each runs in a subshell of its own, up to
# $PARALLEL at a time (3; a fragment's own compiles run $JOBS at a time
# beside it), its output kept and printed whole, in the order of the files,
# and its counts added to the total. One fragment alone, or PARALLEL=1,
# runs here and prints as it goes.
LISTING=0
TODO=""
for FRAG in $FRAGMENTS; do
  if [ -z "$WANT" ] || printf '%s\n' "$NAMES" | awk -v f="$FRAG" -v want=" $WANT " '
       $4 == f && (index(want, " " $1 " ") || index(want, " " $2 " ")) { found = 1 }
       END { exit !found }'; then
    TODO="$TODO $FRAG"
  fi
done
PARALLEL=${PARALLEL:-3}
run_fragment() {  # FRAG COUNTS_FILE: sources FRAG, writes "passed failed skipped"
  FRAG=$1; FRAG_WORD=$(frag_word "$FRAG"); FRAG_NAMES=""
  PASSED=0; FAILED=0; SKIPPED=0
  JOB_DIR=$B/jobs/$(basename "$(dirname "$FRAG")")-$FRAG_WORD; mkdir -p "$JOB_DIR"
  local t0=$SECONDS
  # shellcheck source=/dev/null
  . "$FRAG"
  jobs_run  # what the fragment queued and did not run
  echo "$PASSED $FAILED $SKIPPED" > "$2"
  # Its wall-clock and CPU time (the CPU of the programs it ran).
  times > "$2.times"
  awk -v w="$FRAG_WORD" -v s=$((SECONDS - t0)) 'NR == 2 {
    split($1, u, "m"); split($2, y, "m")
    printf "time %s: %d s, %d s of CPU\n", w, s, u[1] * 60 + u[2] + y[1] * 60 + y[2] }' "$2.times"
}
# add_counts FRAG COUNTS_FILE: adds a finished fragment's counts to the total;
# a fragment that stopped before its end is one failure.
add_counts() {
  local p=0 f=1 s=0
  if [ -s "$2" ]; then read -r p f s < "$2"; else echo "FAIL $1: stopped before its end"; fi
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); SKIPPED=$((SKIPPED + s))
}
OUTS=$B/fragments; rm -rf "$OUTS"; mkdir -p "$OUTS"
# shellcheck disable=SC2086
set -- $TODO
if [ $# -le 1 ] || [ "$PARALLEL" -le 1 ]; then
  i=0
  for FRAG in $TODO; do
    ( run_fragment "$FRAG" "$OUTS/$i.counts" )
    add_counts "$FRAG" "$OUTS/$i.counts"
    i=$((i + 1))
  done
else
  echo "running $(for f in $TODO; do frag_word "$f"; done | paste -s -d ' '), $PARALLEL at a time; each prints when it ends"
  i=0; N=$#
  declare -a FRAG_OF PID_OF
  for FRAG in $TODO; do FRAG_OF[i]=$FRAG; i=$((i + 1)); done
  next=0; shown=0; running=0
  while [ "$shown" -lt "$N" ]; do
    while [ "$running" -lt "$PARALLEL" ] && [ "$next" -lt "$N" ]; do
      ( run_fragment "${FRAG_OF[$next]}" "$OUTS/$next.counts" > "$OUTS/$next.out" 2>&1
        echo $? > "$OUTS/$next.rc" ) &
      PID_OF[next]=$!; next=$((next + 1)); running=$((running + 1))
    done
    wait -n 2> /dev/null
    running=0
    for ((k = shown; k < next; k++)); do [ -e "$OUTS/$k.rc" ] || running=$((running + 1)); done
    # Print what has finished, in order.
    while [ "$shown" -lt "$next" ] && [ -e "$OUTS/$shown.rc" ]; do
      wait "${PID_OF[$shown]}" 2> /dev/null
      cat "$OUTS/$shown.out"
      add_counts "${FRAG_OF[$shown]}" "$OUTS/$shown.counts"
      shown=$((shown + 1))
    done
  done
fi
[ "$SKIPPED" = 0 ] || echo "($SKIPPED skipped: this machine cannot run them, each said why above)"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]

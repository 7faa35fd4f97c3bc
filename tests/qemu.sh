#!/bin/bash
# The unit tests (tests/unit_*.c) run where the library claims to run:
#   m4     Cortex-M4, -mcpu=cortex-m4 -mthumb -Os, newlib, on QEMU's
#          mps2-an386 board with semihosting (board support: tests/cortexm/);
#   m0     Cortex-M0 code (-mcpu=cortex-m0, Armv6-M: no unaligned access,
#          fewer instructions) on QEMU's mps2-an385, whose Cortex-M3 core is
#          set at reset to fault on any unaligned access, as a Cortex-M0 does
#          (first the "unaligned" probe proves the trap is on);
#   be     big-endian, 32-bit: powerpc-linux-gnu-gcc -O2, under qemu-ppc;
#   be64   big-endian, 64-bit: s390x-linux-gnu-gcc -O2, under qemu-s390x
#          (the unit programs link tests/noheap.c, as on the host: dynamic
#          glibc, its loader from /usr/<triplet>, as static glibc allocates);
#   stack  the stack high-water mark of the device path on the Cortex-M4
#          (tests/stack_prog.c: validate + one exchange, the stack painted),
#          beside the static figure `make size` computes.
# Usage: bash tests/qemu.sh [TARGET [UNIT...]]   (no target: all of them;
#        UNIT: unit_json ... or, on m4 and m0, "unaligned"; BOARD_OPT=-O2 or
#        BE_OPT=-Os changes the optimisation of the m4/m0 or be/be64 builds)
#        bash tests/qemu.sh --ready TARGET       (exit 0 when TARGET can run
#        here, after installing what it needs where allowed; else prints why)
# Each unit program prints a line naming it, the target, its exit status,
# time and (on the boards) its stack high-water mark, then its RESULT line
# (stdout); what the program printed besides goes to stderr. A target whose
# tools are missing and cannot be installed prints a "skip:" line and is not
# counted. The exit status is 0 when every program passed.
set -u
cd "$(dirname "$0")/.." || exit 2
OUT=build/emulated
STRICT=${STRICT:-"-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Wstrict-prototypes -Werror"}
TIMEOUT=${QEMU_TIMEOUT:-300}
STACK_MAX=${SIZE_STACK_MAX:-1024}
BOARD_OPT=${BOARD_OPT:--Os}  # the unit programs on the boards (the stack probe: -Os, as make size)
BE_OPT=${BE_OPT:--O2}        # under qemu-user (-O2: the word-at-a-time paths, where byte order matters)
mkdir -p "$OUT"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- what each target needs ---------------------------------------------------
# ready TARGET: installs what is missing (tests/deps.sh); prints why not and
# fails when something stays missing.
ready() {
  local deps dep tools tool why=""
  case $1 in
    m4|m0|stack) deps="arm qemu-arm"; tools="arm-none-eabi-gcc qemu-system-arm" ;;
    be) deps="qemu-user powerpc"; tools="powerpc-linux-gnu-gcc qemu-ppc" ;;
    be64) deps="qemu-user s390x"; tools="s390x-linux-gnu-gcc qemu-s390x" ;;
    *) echo "unknown target $1 (m4, m0, be, be64, stack)"; return 2 ;;
  esac
  for dep in $deps; do sh tests/deps.sh "$dep" > /dev/null 2>&1; done
  for tool in $tools; do command -v "$tool" > /dev/null 2>&1 || why="$why $tool"; done
  if [ "$1" = m4 ] || [ "$1" = m0 ] || [ "$1" = stack ]; then
    # newlib's headers, and a QEMU that has the boards
    [ -z "$why" ] && ! printf '#include <stdio.h>\n' | arm-none-eabi-gcc -E -x c - > /dev/null 2>&1 &&
      why=" newlib (libnewlib-arm-none-eabi)"
    [ -z "$why" ] && ! qemu-system-arm -M help 2> /dev/null | grep -q '^mps2-an386 ' &&
      why=" a QEMU with the mps2-an386 board"
  fi
  if [ -n "$why" ]; then
    echo "missing:$why (install:$(for dep in $deps; do printf ' sh tests/deps.sh %s;' "$dep"; done) as root on Debian)"
    return 1
  fi
}

units() { for f in tests/unit_*.c; do [ -e "$f" ] && basename "$f" .c; done; }

# ---- Cortex-M on QEMU's mps2 boards -------------------------------------------
board_flags() {  # $1 = m4|m0
  case $1 in
    m4) echo "-mcpu=cortex-m4 -mthumb $BOARD_OPT -ffunction-sections -fdata-sections" ;;
    m0) echo "-mcpu=cortex-m0 -mthumb $BOARD_OPT -ffunction-sections -fdata-sections" ;;
    stack) echo "-mcpu=cortex-m4 -mthumb -Os -ffunction-sections -fdata-sections" ;;
  esac
}
board_machine() { case $1 in m4|stack) echo mps2-an386 ;; m0) echo mps2-an385 ;; esac; }
board_name() { case $1 in m4|stack) echo Cortex-M4 ;; m0) echo Cortex-M0 ;; esac; }

# board_build T NAME SRC [FLAGS]: $OUT/T/NAME.elf from SRC with the startup.
board_build() {
  local t=$1 name=$2 src=$3 extra=${4:-} cf dir=$OUT/$1
  cf=$(board_flags "$t")
  mkdir -p "$dir"
  # shellcheck disable=SC2086
  arm-none-eabi-gcc $cf -g -std=c99 -Wall -Wextra -Werror -c tests/cortexm/startup.c -o "$dir/startup.o" ||
    return 1
  # shellcheck disable=SC2086
  arm-none-eabi-gcc $cf -g $extra -I. -Itests -c "$src" -o "$dir/$name.o" &&
    arm-none-eabi-gcc $cf -nostartfiles -T tests/cortexm/mps2.ld -Wl,--gc-sections \
      -o "$dir/$name.elf" "$dir/$name.o" "$dir/startup.o"
}

# board_run T NAME: runs $OUT/T/NAME.elf; its console lands in $OUT/T/NAME.log.
board_run() {
  local t=$1 name=$2 log=$OUT/$1/$2.log
  rm -f "$log"
  timeout "$TIMEOUT" qemu-system-arm -M "$(board_machine "$t")" -nographic -monitor none -serial none \
    -chardev "file,id=con,path=$log" -semihosting-config enable=on,target=native,chardev=con \
    -kernel "$OUT/$t/$name.elf" < /dev/null > "$OUT/$t/$name.qemu" 2>&1
}

# explain_fault T NAME: the function and line of the pc and lr a fault printed.
explain_fault() {
  local pc lr a
  while read -r pc lr; do
    for a in "$pc" "$lr"; do
      printf '  %s: ' "$a" >&2
      arm-none-eabi-addr2line -f -p -e "$OUT/$1/$2.elf" "$a" >&2
    done
  done < <(sed -n 's/^cortexm: fault: .*, pc \(0x[0-9a-f]*\), lr \(0x[0-9a-f]*\),.*/\1 \2/p' "$OUT/$1/$2.log")
}

# board_unit T UNIT: one unit program, built and run on the board.
board_unit() {
  local t=$1 u=$2 start rc stack
  start=$(now)
  # shellcheck disable=SC2086
  if ! board_build "$t" "$u" "tests/$u.c" "$STRICT" 2> "$OUT/$t/$u.build"; then
    cat "$OUT/$t/$u.build" >&2
    echo "$u on $(board_name "$t") ($(board_machine "$t")): does not build"
    return 1
  fi
  board_run "$t" "$u"; rc=$?
  stack=$(sed -n 's/^cortexm: stack \([0-9]*\) of .*/\1/p' "$OUT/$t/$u.log")
  echo "$u on $(board_name "$t") ($(board_machine "$t")): exit $rc, $(secs "$start") s, stack ${stack:-?} B"
  grep '^RESULT ' "$OUT/$t/$u.log"
  grep -v -e '^RESULT ' -e '^cortexm: stack ' "$OUT/$t/$u.log" >&2
  cat "$OUT/$t/$u.qemu" >&2
  case $rc in
    0) ;;
    124) echo "  timed out after $TIMEOUT s" >&2 ;;
    70) explain_fault "$t" "$u" ;;
    98) echo "  the stack overflowed (tests/cortexm/mps2.ld: CORTEXM_STACK)" >&2 ;;
    99) echo "  a heap call" >&2 ;;
  esac
  [ "$rc" = 0 ]
}

# board_unaligned T: the probe (tests/cortexm/unaligned.c) faults on the
# Cortex-M0 run and reads the word on the Cortex-M4: the board is what it claims.
board_unaligned() {
  local t=$1 rc ok=0
  board_build "$t" unaligned tests/cortexm/unaligned.c "-std=c99 -Wall -Wextra" || return 1
  board_run "$t" unaligned; rc=$?
  if [ "$t" = m0 ]; then
    # UsageFault UNALIGNED: CFSR bit 24
    grep -q '^cortexm: fault: .*CFSR 0x0[1-9a-f]' "$OUT/$t/unaligned.log" &&
      [ "$rc" = 70 ] && [ $((0x$(sed -n 's/.*CFSR 0x\([0-9a-f]*\).*/\1/p' "$OUT/$t/unaligned.log") & 0x01000000)) != 0 ] && ok=1
    echo "unaligned probe on $(board_name "$t") ($(board_machine "$t")): exit $rc, an unaligned load $([ $ok = 1 ] && echo faults || echo "did NOT fault as it must")"
  else
    grep -q '^unaligned load 0x88112233$' "$OUT/$t/unaligned.log" && [ "$rc" = 0 ] && ok=1
    echo "unaligned probe on $(board_name "$t") ($(board_machine "$t")): exit $rc, an unaligned load $([ $ok = 1 ] && echo "reads the word" || echo "did NOT read the word")"
  fi
  grep -v '^cortexm: stack ' "$OUT/$t/unaligned.log" >&2
  if [ $ok = 1 ]; then echo "RESULT 1 0"; else echo "RESULT 0 1"; fi
  [ $ok = 1 ]
}

# ---- big-endian under qemu-user -----------------------------------------------
be_cc() { case $1 in be) echo powerpc-linux-gnu ;; be64) echo s390x-linux-gnu ;; esac; }
be_qemu() { case $1 in be) echo qemu-ppc ;; be64) echo qemu-s390x ;; esac; }

be_unit() {
  local t=$1 u=$2 cc start rc order dir=$OUT/$1
  cc=$(be_cc "$t")
  mkdir -p "$dir"
  start=$(now)
  order=$("$cc-gcc" -dM -E -x c /dev/null | sed -n 's/^#define __BYTE_ORDER__ __ORDER_\(.*\)_ENDIAN__$/\1/p' | tr '[:upper:]' '[:lower:]')
  # shellcheck disable=SC2086
  if ! "$cc-gcc" $STRICT $BE_OPT -g -I. -o "$dir/$u" "tests/$u.c" tests/noheap.c 2> "$dir/$u.build"; then
    cat "$dir/$u.build" >&2
    echo "$u on $cc: does not build"
    return 1
  fi
  QEMU_LD_PREFIX=/usr/$cc timeout "$TIMEOUT" "$(be_qemu "$t")" "$dir/$u" > "$dir/$u.out" 2> "$dir/$u.err"; rc=$?
  echo "$u on $cc ($order-endian, $(be_qemu "$t")): exit $rc, $(secs "$start") s"
  grep '^RESULT ' "$dir/$u.out"
  grep -v '^RESULT ' "$dir/$u.out" >&2
  cat "$dir/$u.err" >&2
  [ "$rc" = 0 ]
}

# ---- the stack of the device path ---------------------------------------------
# static_stack: "NAME BYTES" for every public function, computed as
# tests/size.sh does (its call-graph walk, run on this build's -fstack-usage
# and -fcallgraph-info of the core for Cortex-M4); nothing when it cannot.
static_stack() {
  local dir=$OUT/static ast=""
  rm -rf "$dir"; mkdir -p "$dir/arm"
  printf '#define ODEUS_AUTH_IMPLEMENTATION\n#include "odeus_auth.h"\n' > "$dir/impl.c"
  sed -n "/^python3 - .*<<'PY'/,/^PY\$/p" tests/size.sh | sed '1d;$d' > "$dir/walk.py"
  [ -s "$dir/walk.py" ] || return 0
  # shellcheck disable=SC2046
  (cd "$dir/arm" && arm-none-eabi-gcc $(board_flags stack) -std=c99 -Wall -Wextra -I"$(cd ../../../.. && pwd)" \
     -fstack-usage -fcallgraph-info=su -c ../impl.c -o impl.o) > /dev/null 2>&1 || return 0
  if command -v clang > /dev/null; then
    clang -std=c99 -I. -fsyntax-only -Xclang -ast-dump=json "$dir/impl.c" > "$dir/ast.json" 2> /dev/null &&
      ast=$dir/ast.json
  fi
  python3 "$dir/walk.py" "$dir/arm/impl.ci" "$dir/arm/impl.ci" "$ast" 1000000 > "$dir/walk.txt" 2>&1
  awk '$1 ~ /^odeus_[a-z0-9_]*$/ && $2 ~ /^[0-9]+$/ { print $1, $2 }' "$dir/walk.txt"
}

stack_run() {
  local start rc below frame whole ok=1 t=stack table bycall path_worst="" path_fn="" all_worst="" fn b n static
  start=$(now)
  mkdir -p "$OUT/$t"
  # shellcheck disable=SC2086
  if ! board_build "$t" stack_prog tests/stack_prog.c "$STRICT" 2> "$OUT/$t/stack_prog.build"; then
    cat "$OUT/$t/stack_prog.build" >&2
    echo "stack probe: does not build"
    return 1
  fi
  board_run "$t" stack_prog; rc=$?
  grep -v -e '^RESULT ' -e '^stack-' -e '^cortexm: stack ' "$OUT/$t/stack_prog.log" >&2
  cat "$OUT/$t/stack_prog.qemu" >&2
  [ "$rc" = 70 ] && explain_fault "$t" stack_prog
  grep '^RESULT ' "$OUT/$t/stack_prog.log"
  below=$(sed -n 's/^stack-below-caller \([0-9]*\)$/\1/p' "$OUT/$t/stack_prog.log")
  frame=$(sed -n 's/^stack-caller-frame \([0-9]*\)$/\1/p' "$OUT/$t/stack_prog.log")
  whole=$(sed -n 's/^stack-whole \([0-9]*\)$/\1/p' "$OUT/$t/stack_prog.log")
  if [ "$rc" != 0 ] || [ -z "$below" ]; then
    echo "stack probe on Cortex-M4 (mps2-an386): exit $rc, no figure"
    return 1
  fi
  # The static figure of each library call, as make size walks it.
  table=$(static_stack)
  bycall=""
  while read -r _ fn b n; do
    static=$(printf '%s\n' "$table" | awk -v f="$fn" '$1 == f { print $2 }')
    bycall="$bycall${bycall:+, }$fn $b / ${static:-?} B$([ "$n" = 1 ] || echo " ($n calls)")"
    [ -n "$static" ] || continue
    if [ -z "$path_worst" ] || [ "$static" -gt "$path_worst" ]; then path_worst=$static; path_fn=$fn; fi
  done < <(grep '^stack-call ' "$OUT/$t/stack_prog.log")
  all_worst=$(printf '%s\n' "$table" | awk 'NF == 2 && $2 > w { w = $2 } END { if (w) print w }')
  if [ -n "$path_worst" ]; then
    static="static worst from make size: $path_worst B, $path_fn; $all_worst B over every public function"
  else
    static="static figure: run make size"
  fi
  {
    echo "Cortex-M4 stack high-water, validate + one exchange: $below B below the caller ($static)"
    echo "  by call, measured / static: $bycall"
    echo "  the caller's frame (256-byte window, answer storage, exchange state): $frame B; the whole program from reset: $whole B"
  } > "$OUT/stack.summary"
  cat "$OUT/stack.summary"
  echo "  $(secs "$start") s"
  # Within the budget make size holds every public function to.
  if [ "$below" -le "$STACK_MAX" ]; then echo "RESULT 1 0"; else
    echo "the device path's stack, $below B, is over the $STACK_MAX B budget (SIZE_STACK_MAX)" >&2
    echo "RESULT 0 1"; ok=0
  fi
  [ $ok = 1 ]
}

# ---- one target ---------------------------------------------------------------
run_target() {
  local t=$1 why fail=0 u; shift
  case $t in m4|m0|be|be64|stack) ;; *) echo "qemu.sh: unknown target $t (m4, m0, be, be64, stack)" >&2; return 2 ;; esac
  if ! why=$(ready "$t"); then
    echo "skip: $t run: $why"
    return 0
  fi
  case $t in
    stack) stack_run || fail=1; return $fail ;;
  esac
  if [ $# = 0 ]; then
    case $t in m4|m0) set -- unaligned ;; esac
    # shellcheck disable=SC2046
    set -- "$@" $(units)
  fi
  for u in "$@"; do
    case $t-$u in
      m4-unaligned|m0-unaligned) board_unaligned "$t" || fail=1 ;;
      m4-*|m0-*) board_unit "$t" "$u" || fail=1 ;;
      be-*|be64-*) be_unit "$t" "$u" || fail=1 ;;
    esac
  done
  return $fail
}

if [ "${1:-}" = --ready ]; then
  ready "${2:-}"
  exit
fi
START=$(now)
STATUS=0
if [ $# = 0 ]; then
  for t in m4 m0 be be64 stack; do run_target "$t" || STATUS=1; done
  echo "emulated runs: $(secs "$START") s"
else
  run_target "$@" || STATUS=1
fi
exit $STATUS

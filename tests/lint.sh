#!/bin/bash
# make lint: static analysis of the implementation. Four analysers, each must
# report nothing:
#   cppcheck        warning, style, performance, portability
#   clang-tidy      the checked-in .clang-tidy (bugprone, cert, performance,
#                   portability; its clang-analyzer-* family is the engine of
#                   the next one, run there once)
#   clang-analyze   clang --analyze (the Clang Static Analyzer)
#   gcc-analyzer    gcc -fanalyzer
# Each reads the header as the main file of a translation unit (the analysers
# skip code in included headers). cppcheck and clang-tidy read it as the
# core and with the mbedTLS transport; clang-tidy reads the transport twice,
# against the system's mbedTLS (2.28) and against 3.x (tests/mbedtls3.sh),
# whose branches differ (where 3.x cannot be fetched, that unit is skipped
# with a line "lint: skipped ..." saying why). The two path-sensitive
# analysers, a minute of CPU each, read the transport's units (which hold
# the whole core too). Findings are printed with their line in
# odeus_auth.h and in its part under src/.
#
# A finding is fixed, or suppressed at its line with the reason:
#   cppcheck:      /* cppcheck-suppress <id> ; reason */  on the line above
#   clang-tidy:    /* NOLINT(<check>): reason */           at the end of the line
#   clang-analyze: code the analyser can follow (an early return, a guard)
#   gcc-analyzer:  the same
#
# Usage: tests/lint.sh [cppcheck|clang-tidy|clang-analyze|gcc-analyzer]...
# (default: all four, two at a time). Results stay in build/lint/<name>.log.
# ODEUS_INC names the directory holding odeus_auth.h (default: the repository).
set -u
cd "$(dirname "$0")/.." || exit 2
INC=$(cd "${ODEUS_INC:-.}" && pwd) || exit 2
HDR=$INC/odeus_auth.h
OUT=build/lint
ALL="cppcheck clang-tidy clang-analyze gcc-analyzer"
NAMES=${*:-$ALL}
mkdir -p "$OUT"

# ---- the translation units: a prelude of defines, then the header itself ----
printf '#define ODEUS_AUTH_IMPLEMENTATION\n' > "$OUT/core.c"
cat "$HDR" >> "$OUT/core.c"
TUS="core"
M3=""
# The transport needs POSIX; -D on the command line (a #define of a reserved
# name in the file would itself be a finding).
POSIX="-D_POSIX_C_SOURCE=200809L"
if grep -q '^#[[:space:]]*if.*ODEUS_AUTH_MBEDTLS' "$HDR"; then
  printf '#define ODEUS_AUTH_MBEDTLS\n#define ODEUS_AUTH_IMPLEMENTATION\n' > "$OUT/mbedtls.c"
  cat "$HDR" >> "$OUT/mbedtls.c"
  TUS="core mbedtls"
  # the same unit against mbedTLS 3.x, when it can be had
  if M3=$(bash tests/mbedtls3.sh 2> "$OUT/mbedtls3.log"); then
    cp "$OUT/mbedtls.c" "$OUT/mbedtls3.c"
    TUS="core mbedtls mbedtls3"
  else
    echo "lint: skipped the unit against mbedTLS 3.x: cannot fetch it ($(tail -n 1 "$OUT/mbedtls3.log"))"
  fi
fi
# The defines and include paths of a unit beyond the prelude in its file.
tu_defs() {
  case $1 in
    mbedtls) echo "$POSIX" ;;
    mbedtls3) echo "$POSIX -isystem $M3/include" ;;
  esac
}
prelude() { if [ "$1" = core ]; then echo 1; else echo 2; fi; }
tu_label() {
  case $1 in
    core) echo "the core" ;;
    mbedtls3) echo "core + mbedTLS transport, mbedTLS 3.x" ;;
    *) echo "core + mbedTLS transport" ;;
  esac
}

# Where a line of the header comes from, when it is the concatenation of
# src/*.h (as the Makefile builds it): "start file" per part.
PARTS=$OUT/parts.txt
: > "$PARTS"
if [ -d src ] && cat src/*.h | cmp -s - "$HDR"; then
  start=1
  for f in src/*.h; do
    echo "$start $f" >> "$PARTS"
    start=$((start + $(wc -l < "$f")))
  done
fi

# locate TU: rewrites "<dir>/TU.c:N:" and "odeus_auth.h:N:" into
# "odeus_auth.h:L: ... [src/part.h:M]".
locate() {
  awk -v tu="$1.c" -v pre="$(prelude "$1")" -v parts="$PARTS" '
    BEGIN { n = 0; while ((getline l < parts) > 0) { split(l, a, " "); s[++n] = a[1]; f[n] = a[2] } }
    {
      line = $0; hl = 0
      if (match(line, "[^ :]*" tu ":[0-9]+:")) {
        m = substr(line, RSTART, RLENGTH); sub(":$", "", m); k = m; sub(".*:", "", k)
        hl = k - pre
        line = substr(line, 1, RSTART - 1) "odeus_auth.h:" hl ":" substr(line, RSTART + RLENGTH)
      } else if (match(line, "odeus_auth\\.h:[0-9]+:")) {
        m = substr(line, RSTART, RLENGTH); sub(":$", "", m); sub(".*:", "", m); hl = m + 0
      }
      if (hl > 0 && n > 0 && line ~ /(warning|error|style|performance|portability|information):/) {
        for (i = n; i >= 1; i--) if (hl >= s[i]) { line = line "  [" f[i] ":" (hl - s[i] + 1) "]"; break }
      }
      print line
    }'
}

# ---- the analysers: each prints its findings and fails when there is one ----
run_cppcheck() {  # $1 = TU
  local defs="-DODEUS_AUTH_IMPLEMENTATION"
  # System headers are not given to cppcheck (it would check them too), so
  # the two mbedTLS values the transport compares at compile time are given.
  [ "$1" = mbedtls ] && defs="$defs -DODEUS_AUTH_MBEDTLS $POSIX \
    -DMBEDTLS_ERR_SSL_WANT_READ=-0x6900 -DMBEDTLS_ERR_SSL_WANT_WRITE=-0x6880"
  # Off, with the reason:
  #   variableScope: the code declares its locals at the top of a block, the
  #     style of C89-compatible embedded code; narrowing them is taste.
  #   unusedStructMember: the request model's members are read through the
  #     offsetof-driven member tables, which cppcheck does not follow, and a
  #     public struct's members are there for the caller.
  #   missingIncludeSystem: system headers are deliberately not given.
  # shellcheck disable=SC2086
  cppcheck --std=c99 --language=c --enable=warning,style,performance,portability \
    --inline-suppr --error-exitcode=1 -q $defs \
    --suppress=variableScope --suppress=unusedStructMember --suppress=missingIncludeSystem \
    --template='{file}:{line}:{column}: {severity}: {message} [{id}]' "$OUT/$1.c"
}
run_clang_tidy() {
  local defs
  defs=$(tu_defs "$1")
  # shellcheck disable=SC2086
  clang-tidy --quiet --checks='-clang-analyzer-*' "$OUT/$1.c" -- -std=c99 $defs 2>&1 |
    grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$'
  return "${PIPESTATUS[0]}"
}
run_clang_analyze() {
  local defs out rc
  defs=$(tu_defs "$1")
  # shellcheck disable=SC2086
  out=$(clang --analyze -std=c99 $defs -Xclang -analyzer-output=text "$OUT/$1.c" -o /dev/null 2>&1); rc=$?
  printf '%s\n' "$out" | grep -v -E '^[0-9]+ warnings? generated\.$' | grep -v '^$'
  [ "$rc" = 0 ] && ! printf '%s\n' "$out" | grep -q 'warning:'
}
run_gcc_analyzer() {
  local defs out rc
  defs=$(tu_defs "$1")
  # -O2: the analyser then works on the inlined code and runs several times
  # faster than at -O0, with the same findings on this code.
  # shellcheck disable=SC2086
  out=$(gcc -std=c99 -O2 $defs -fanalyzer -fdiagnostics-path-format=separate-events \
        -c "$OUT/$1.c" -o /dev/null 2>&1); rc=$?
  printf '%s\n' "$out"
  [ "$rc" = 0 ] && ! printf '%s\n' "$out" | grep -q 'warning:'
}

# lint NAME: every TU through analyser NAME; writes $OUT/NAME.log and .rc.
lint() {
  local name=$1 fn tool tu rc=0 t0 tus=$TUS
  case $name in
    # cppcheck is given no system header: the 3.x unit would read the same
    cppcheck) fn=run_cppcheck tool=cppcheck tus=${TUS% mbedtls3} ;;
    clang-tidy) fn=run_clang_tidy tool=clang-tidy ;;
    clang-analyze) fn=run_clang_analyze tool=clang tus=${TUS#core } ;;
    gcc-analyzer) fn=run_gcc_analyzer tool=gcc tus=${TUS#core } ;;
    *) echo "lint: unknown analyser $name (one of: $ALL)"; return 2 ;;
  esac
  t0=$(date +%s)
  {
    if ! command -v "$tool" > /dev/null 2>&1; then
      echo "$name: $tool is not installed (apt-get install $tool)"; rc=1
    else
      for tu in $tus; do
        echo "--- $name: $tu ($(tu_label "$tu"))"
        "$fn" "$tu" 2>&1 | locate "$tu"
        [ "${PIPESTATUS[0]}" = 0 ] || rc=1
      done
    fi
    echo "$name: $( [ $rc = 0 ] && echo "no finding" || echo "FINDINGS") ($(( $(date +%s) - t0 )) s)"
  } > "$OUT/$name.log" 2>&1
  echo "$rc" > "$OUT/$name.rc"
  return $rc
}

# The slow analysers first, two at a time (the machine has 2 cores).
ORDER=""
for n in gcc-analyzer clang-analyze clang-tidy cppcheck; do
  case " $NAMES " in *" $n "*) ORDER="$ORDER $n" ;; esac
done
for n in $NAMES; do
  case " $ALL " in *" $n "*) ;; *) echo "lint: unknown analyser $n (one of: $ALL)"; exit 2 ;; esac
done
export -f lint locate prelude tu_label tu_defs run_cppcheck run_clang_tidy run_clang_analyze run_gcc_analyzer
export OUT TUS POSIX PARTS ALL M3
# shellcheck disable=SC2086
printf '%s\n' $ORDER | xargs -P 2 -I {} bash -c 'lint {}' > /dev/null 2>&1

FAIL=0
for n in $ORDER; do
  cat "$OUT/$n.log"
  [ "$(cat "$OUT/$n.rc" 2> /dev/null)" = 0 ] || FAIL=1
done
if [ "$FAIL" = 0 ]; then echo "lint: PASS ($ORDER )"; else echo "lint: FAIL"; fi
exit "$FAIL"

# Compile matrix (issue 6): what an embedder's build will throw at the header.
# gcc and clang; C99 and C++11; -O0, -O2, -Os; all with $STRICT (-Werror).
# Three translation units (tests/matrix_*.c): the implementation, a private
# ODEUS_AUTH_STATIC copy, and an application seeing only the declarations,
# linked together and run. Also: -fshort-enums keeps every public type's
# size; -m32 where the machine has 32-bit headers; Cortex-M4 (32-bit, newlib)
# where arm-none-eabi-gcc is installed; the core includes nothing but
# <stddef.h> <stdint.h> <string.h>; the implementation object needs no heap
# and no stdio; the mbedTLS transport builds when the header has one.
# Compiles run two at a time (the machine has 2 cores), then each result is
# one check. ODEUS_INC overrides the directory of odeus_auth.h.
MX=$B/matrix
MX_INC=${ODEUS_INC:-.}
rm -rf "$MX"; mkdir -p "$MX"
MX_CXX="-x c++ -std=c++11 $(printf ' %s ' $STRICT | sed 's/ -std=c99 / /; s/ -Wstrict-prototypes / /')"
MX_JOBS=""

# matrix_job NAME CMD...: queue a compile; its output and status land in $MX.
matrix_job() {
  local name=$1; shift
  printf '%q ' "$@" > "$MX/$name.job"
  MX_JOBS="$MX_JOBS $name"
}
# matrix_result NAME: the queued command's output; succeeds when it did.
matrix_result() {
  cat "$MX/$1.log" 2> /dev/null
  [ "$(cat "$MX/$1.rc" 2> /dev/null)" = 0 ]
}
matrix_flags() {  # $1 = c|cxx
  if [ "$1" = c ]; then printf '%s' "$STRICT"; else printf '%s' "$MX_CXX"; fi
}
matrix_cc() {  # $1 = gcc|clang, $2 = c|cxx
  case "$1-$2" in gcc-c) echo gcc ;; gcc-cxx) echo g++ ;; clang-c) echo clang ;; *) echo clang++ ;; esac
}

for mx_cc in gcc clang; do
  for mx_lang in c cxx; do
    mx_comp=$(matrix_cc $mx_cc $mx_lang)
    for mx_opt in -O0 -O2 -Os; do
      # shellcheck disable=SC2046
      matrix_job "impl-$mx_cc-$mx_lang$mx_opt" $mx_comp $(matrix_flags $mx_lang) $mx_opt -I"$MX_INC" \
        -c tests/matrix_impl.c -o "$MX/impl-$mx_cc-$mx_lang$mx_opt.o"
    done
    for mx_tu in static decl; do
      # shellcheck disable=SC2046
      matrix_job "$mx_tu-$mx_cc-$mx_lang" $mx_comp $(matrix_flags $mx_lang) -O2 -I"$MX_INC" \
        -c tests/matrix_$mx_tu.c -o "$MX/$mx_tu-$mx_cc-$mx_lang.o"
    done
  done
  # shellcheck disable=SC2086
  matrix_job "short-enums-$mx_cc" $mx_cc $STRICT -O2 -fshort-enums -I"$MX_INC" \
    -c tests/matrix_impl.c -o "$MX/short-enums-$mx_cc.o"
done
# A C++ application over the C-compiled library (extern "C" linkage).
# shellcheck disable=SC2086
matrix_job "decl-cxx-app" g++ $MX_CXX -O2 -DMATRIX_NO_STATIC -I"$MX_INC" \
  -c tests/matrix_decl.c -o "$MX/decl-cxx-app.o"

# Every public struct and enum of the core keeps its size under
# -fshort-enums (the types are read from the preprocessed core, so the
# transport's, which hold mbedTLS' own unpinned enums, stay out).
{
  printf '#include "odeus_auth.h"\n'
  printf '#include "odeus_auth.h"\n' | gcc -E -P -I"$MX_INC" -x c - |
    sed -n 's/^ *typedef \(struct\|enum\) \(odeus_[a-z0-9_]*\) {.*/\2/p' | sort -u |
    while read -r mx_t; do printf 'char size_of_%s[sizeof(%s)];\n' "$mx_t" "$mx_t"; done
} > "$MX/layout.c"
# shellcheck disable=SC2086
matrix_job layout-plain gcc $STRICT -O0 -I"$MX_INC" -c "$MX/layout.c" -o "$MX/layout-plain.o"
# shellcheck disable=SC2086
matrix_job layout-short gcc $STRICT -O0 -fshort-enums -I"$MX_INC" -c "$MX/layout.c" -o "$MX/layout-short.o"

# -m32 where the 32-bit C library headers are installed (gcc-multilib, which
# deps.sh installs on an x86-64 Debian machine).
[ "$(uname -m)" = x86_64 ] && sh tests/deps.sh m32 > /dev/null 2>&1
MX_M32=""
for mx_cc in gcc clang; do
  if printf '#include <stdint.h>\n#include <string.h>\nint x;\n' |
     $mx_cc -m32 -x c -c - -o "$MX/m32-probe.o" > /dev/null 2>&1; then
    MX_M32="$MX_M32 $mx_cc"
    # shellcheck disable=SC2086
    matrix_job "m32-$mx_cc" $mx_cc $STRICT -m32 -O2 -I"$MX_INC" -c tests/matrix_impl.c -o "$MX/m32-$mx_cc.o"
  fi
done
[ -z "$MX_M32" ] && echo "note: -m32 skipped: no 32-bit C library headers (install gcc-multilib)"
if command -v arm-none-eabi-gcc > /dev/null 2>&1; then
  # shellcheck disable=SC2086
  matrix_job arm-none-eabi arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb $STRICT -Os -I"$MX_INC" \
    -c tests/matrix_impl.c -o "$MX/arm-none-eabi.o"
else
  echo "note: Cortex-M4 compile skipped: no arm-none-eabi-gcc (make size installs it)"
fi

# The mbedTLS transport, when the header has one (it needs POSIX: with
# -std=c99 the application defines _POSIX_C_SOURCE, as the header says).
MX_MBEDTLS=""
MX_POSIX="-D_POSIX_C_SOURCE=200809L"
if grep -q '^#[[:space:]]*if.*ODEUS_AUTH_MBEDTLS' "$MX_INC/odeus_auth.h"; then
  MX_MBEDTLS=1
  # shellcheck disable=SC2086
  matrix_job mbedtls-gcc-c gcc $STRICT -O2 -DODEUS_AUTH_MBEDTLS $MX_POSIX -I"$MX_INC" \
    -c tests/matrix_impl.c -o "$MX/mbedtls-gcc-c.o"
  # shellcheck disable=SC2086
  matrix_job mbedtls-clang-c clang $STRICT -Os -DODEUS_AUTH_MBEDTLS $MX_POSIX -I"$MX_INC" \
    -c tests/matrix_impl.c -o "$MX/mbedtls-clang-c.o"
  # shellcheck disable=SC2086
  matrix_job mbedtls-gcc-cxx g++ $MX_CXX -O2 -DODEUS_AUTH_MBEDTLS $MX_POSIX -I"$MX_INC" \
    -c tests/matrix_impl.c -o "$MX/mbedtls-gcc-cxx.o"
fi

# Run the queue, two at a time.
for mx_j in $MX_JOBS; do echo "$mx_j"; done |
  xargs -P 2 -I {} bash -c 'bash "$0/{}.job" > "$0/{}.log" 2>&1; echo $? > "$0/{}.rc"' "$MX"
for mx_j in $MX_JOBS; do
  case $mx_j in layout-*) continue ;; esac
  check "matrix-$mx_j" matrix_result "$mx_j"
done

# Link the three translation units and run: no duplicate symbol, and the
# static copy exports nothing.
matrix_link() {  # $1 = gcc|clang, $2 = c|cxx
  local comp; comp=$(matrix_cc "$1" "$2")
  matrix_result "impl-$1-$2-O2" > /dev/null && matrix_result "static-$1-$2" > /dev/null &&
    matrix_result "decl-$1-$2" > /dev/null || { echo "objects missing"; return 1; }
  $comp -o "$MX/prog-$1-$2" "$MX/decl-$1-$2.o" "$MX/impl-$1-$2-O2.o" "$MX/static-$1-$2.o" &&
    "$MX/prog-$1-$2"
}
for mx_cc in gcc clang; do
  for mx_lang in c cxx; do check "matrix-link-3tu-$mx_cc-$mx_lang" matrix_link $mx_cc $mx_lang; done
done
matrix_link_cxx_app() {
  matrix_result impl-gcc-c-O2 > /dev/null && matrix_result decl-cxx-app > /dev/null || return 1
  g++ -o "$MX/prog-cxx-app" "$MX/decl-cxx-app.o" "$MX/impl-gcc-c-O2.o" && "$MX/prog-cxx-app"
}
check "matrix-link-c-library-cxx-app" matrix_link_cxx_app
matrix_exports() {  # the static copy and the declarations define no public symbol
  local o bad=0
  for o in "$MX"/static-*.o "$MX"/decl-*.o; do
    if nm --defined-only "$o" | grep -E ' [TDBR] odeus_'; then echo "exports: $o"; bad=1; fi
  done
  return $bad
}
check "matrix-static-and-decl-export-nothing" matrix_exports
matrix_layout() {
  matrix_result layout-plain && matrix_result layout-short || return 1
  nm -S "$MX/layout-plain.o" | sort > "$MX/layout-plain.txt"
  nm -S "$MX/layout-short.o" | sort > "$MX/layout-short.txt"
  diff "$MX/layout-plain.txt" "$MX/layout-short.txt"
}
check "matrix-short-enums-same-layout" matrix_layout

# The core needs nothing but the C standard library: the header's own
# includes (depth 2 under the one-line TU) are <stddef.h> <stdint.h> <string.h>.
matrix_headers() {
  local extra
  gcc $STRICT -H -fsyntax-only -I"$MX_INC" tests/matrix_impl.c 2> "$MX/headers.txt" || return 1
  grep '^\.\. ' "$MX/headers.txt" | sed 's/^\.\. //'
  extra=$(grep '^\.\. ' "$MX/headers.txt" | sed 's/^\.\. //' | grep -v -E '/(stddef|stdint|string)\.h$')
  [ -z "$extra" ] || { echo "the core includes more than <stddef.h> <stdint.h> <string.h>: $extra"; return 1; }
}
check "matrix-core-includes-only-stddef-stdint-string" matrix_headers

# No heap, no stdio: what the implementation object needs from outside.
matrix_undefined() {  # $1 = object
  matrix_result "$(basename "$1" .o)" > /dev/null || return 1
  nm -u "$1" | awk '{ print $NF }'
  ! nm -u "$1" | awk '{ print $NF }' | grep -E '^(malloc|calloc|realloc|free|aligned_alloc|posix_memalign|strdup|strndup)$'
}
check "matrix-no-heap" matrix_undefined "$MX/impl-gcc-c-O2.o"
matrix_no_stdio() {
  ! nm -u "$MX/impl-gcc-c-O2.o" | awk '{ print $NF }' |
    grep -E 'printf|scanf|^f?puts$|^f(open|close|read|write|flush)$|^putchar$|^std(in|out|err)$|^abort$|^exit$'
}
check "matrix-no-stdio-no-abort" matrix_no_stdio
if [ -n "$MX_MBEDTLS" ]; then
  check "matrix-mbedtls-no-heap" matrix_undefined "$MX/mbedtls-gcc-c.o"
  matrix_link_mbedtls() {
    matrix_result mbedtls-gcc-c > /dev/null && matrix_result decl-gcc-c > /dev/null || return 1
    gcc -o "$MX/prog-mbedtls" "$MX/decl-gcc-c.o" "$MX/mbedtls-gcc-c.o" "$MX/static-gcc-c.o" \
      -lmbedtls -lmbedx509 -lmbedcrypto && "$MX/prog-mbedtls"
  }
  check "matrix-mbedtls-link" matrix_link_mbedtls
  # Strict C99 without -D_POSIX_C_SOURCE: the header asks for POSIX itself
  # when it comes first, and says what to do when another header came first
  # (glibc has then fixed what it shows).
  matrix_posix() {  # $1 = first|late
    local src="$MX/posix-$1.c" inc='#include <stdio.h>'
    if [ "$1" = first ]; then printf '#define ODEUS_AUTH_IMPLEMENTATION\n#define ODEUS_AUTH_MBEDTLS\n#include "odeus_auth.h"\n%s\n' "$inc"
    else printf '%s\n#define ODEUS_AUTH_IMPLEMENTATION\n#define ODEUS_AUTH_MBEDTLS\n#include "odeus_auth.h"\n' "$inc"; fi > "$src"
    # shellcheck disable=SC2086
    gcc $STRICT -I"$MX_INC" -c "$src" -o "$MX/posix-$1.o" > "$MX/posix-$1.log" 2>&1
  }
  check "matrix-mbedtls-c99-header-first" matrix_posix first
  matrix_posix_late() {
    ! matrix_posix late &&
      grep -q 'error: #error "the odeus_auth transport needs POSIX.1-2008: include odeus_auth.h before any other header' "$MX/posix-late.log"
  }
  check "matrix-mbedtls-c99-late-says-why" matrix_posix_late
fi

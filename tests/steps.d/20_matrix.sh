# Compile matrix: what an embedder's build throws at the header. gcc and
# clang; C99 and C++11; all with $STRICT (-Werror). Three translation units
# (tests/matrix_*.c): the implementation (gcc -O2, clang -O0), a private
# ODEUS_AUTH_STATIC copy (-O0) and an application seeing only the
# declarations, linked together and run; a C++ application over the
# C-compiled library. Also: -fshort-enums (-Os) keeps every public type's
# size; Cortex-M4 (32-bit, newlib) where arm-none-eabi-gcc is installed;
# the core includes nothing but <stddef.h> <stdint.h> <string.h>; the
# implementation object needs no heap and no stdio; the mbedTLS transport
# builds, links, and asks for POSIX under strict C99. make check adds -Os
# everywhere, clang -O2 and -fshort-enums, -m32 and the transport under
# clang and C++ (tests/check.d/20_matrix.sh). Compiles run $JOBS at a time,
# then each result is one check. ODEUS_INC overrides the directory of
# odeus_auth.h.
MX=$B/matrix
MX_INC=${ODEUS_INC:-.}
rm -rf "$MX"; mkdir -p "$MX"
# shellcheck disable=SC2086
MX_CXX="-x c++ -std=c++11 $(printf ' %s ' $STRICT | sed 's/ -std=c99 / /; s/ -Wstrict-prototypes / /')"
MX_JOBS=""

# matrix_job NAME CMD...: queue a compile (job, run.sh).
matrix_job() { job "$@"; MX_JOBS="$MX_JOBS $1"; }
# matrix_result NAME: the queued command's output; succeeds when it did.
matrix_result() { job_ok "$1"; }
matrix_flags() {  # $1 = c|cxx
  if [ "$1" = c ]; then printf '%s' "$STRICT"; else printf '%s' "$MX_CXX"; fi
}
matrix_cc() {  # $1 = gcc|clang, $2 = c|cxx
  case "$1-$2" in gcc-c) echo gcc ;; gcc-cxx) echo g++ ;; clang-c) echo clang ;; *) echo clang++ ;; esac
}

# clang where it builds and runs a C and a C++ program (as root on Debian it
# is installed where missing).
matrix_probe() {  # $1 = compiler, $2 = c|c++
  printf 'int main(void) { return 0; }\n' | "$1" -x "$2" - -o "$MX/probe-$1" && "$MX/probe-$1"
}
MX_CCS=gcc
sh tests/deps.sh clang > /dev/null 2>&1
if matrix_probe clang c > /dev/null 2>&1 && matrix_probe clang++ c++ > /dev/null 2>&1; then
  MX_CCS="gcc clang"
else
  skip matrix-clang "clang cannot build and run a program (apt-get install clang)"
fi
# The implementation at -O2 under gcc, whose flow warnings need the
# optimiser; at -O0 under clang, whose warnings do not (make check adds
# clang -O2 and -Os everywhere).
for mx_cc in $MX_CCS; do
  mx_opt=-O2; [ "$mx_cc" = clang ] && mx_opt=-O0
  for mx_lang in c cxx; do
    mx_comp=$(matrix_cc $mx_cc $mx_lang)
    # shellcheck disable=SC2046
    matrix_job "impl-$mx_cc-$mx_lang" $mx_comp $(matrix_flags $mx_lang) $mx_opt -I"$MX_INC" \
      -c tests/matrix_impl.c -o "$MX/impl-$mx_cc-$mx_lang.o"
    # shellcheck disable=SC2046
    matrix_job "static-$mx_cc-$mx_lang" $mx_comp $(matrix_flags $mx_lang) -O0 -I"$MX_INC" \
      -c tests/matrix_static.c -o "$MX/static-$mx_cc-$mx_lang.o"
    # shellcheck disable=SC2046
    matrix_job "decl-$mx_cc-$mx_lang" $mx_comp $(matrix_flags $mx_lang) -O2 -I"$MX_INC" \
      -c tests/matrix_decl.c -o "$MX/decl-$mx_cc-$mx_lang.o"
  done
done
# shellcheck disable=SC2086
matrix_job "short-enums-gcc" gcc $STRICT -Os -fshort-enums -I"$MX_INC" \
  -c tests/matrix_impl.c -o "$MX/short-enums-gcc.o"
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
# ... and at the JSON reader's least and greatest depth: no macro changes a public struct's layout.
for mx_d in 1 64; do
  # shellcheck disable=SC2086
  matrix_job "layout-depth$mx_d" gcc $STRICT -O0 -DODEUS_JSON_MAX_DEPTH=$mx_d -I"$MX_INC" -c "$MX/layout.c" \
    -o "$MX/layout-depth$mx_d.o"
done

# Cortex-M4 where arm-none-eabi-gcc compiles for it with newlib's headers.
matrix_probe_arm() {
  printf '#include <stdint.h>\n#include <string.h>\nint x;\n' |
    arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os -x c -c - -o "$MX/probe-arm.o"
}
if matrix_probe_arm > /dev/null 2>&1; then
  # shellcheck disable=SC2086
  matrix_job arm-none-eabi arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb $STRICT -Os -I"$MX_INC" \
    -c tests/matrix_impl.c -o "$MX/arm-none-eabi.o"
  # The depths' layouts on 32 bits too, where a 4-byte member would change the padding x86-64 hides.
  for mx_d in 32 1 64; do
    # shellcheck disable=SC2086
    matrix_job "layout-arm$mx_d" arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb $STRICT -O0 -DODEUS_JSON_MAX_DEPTH=$mx_d \
      -I"$MX_INC" -c "$MX/layout.c" -o "$MX/layout-arm$mx_d.o"
  done
else
  skip matrix-arm-none-eabi "arm-none-eabi-gcc cannot compile for Cortex-M4 (make check and make size install it)"
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
fi

jobs_run
for mx_j in $MX_JOBS; do
  case $mx_j in layout-*) continue ;; esac
  check "matrix-$mx_j" matrix_result "$mx_j"
done

# Link the three translation units and run: no duplicate symbol, and the
# static copy exports nothing.
matrix_link() {  # $1 = gcc|clang, $2 = c|cxx
  local comp; comp=$(matrix_cc "$1" "$2")
  matrix_result "impl-$1-$2" > /dev/null && matrix_result "static-$1-$2" > /dev/null &&
    matrix_result "decl-$1-$2" > /dev/null || { echo "objects missing"; return 1; }
  $comp -o "$MX/prog-$1-$2" "$MX/decl-$1-$2.o" "$MX/impl-$1-$2.o" "$MX/static-$1-$2.o" &&
    "$MX/prog-$1-$2"
}
for mx_cc in $MX_CCS; do
  for mx_lang in c cxx; do check "matrix-link-3tu-$mx_cc-$mx_lang" matrix_link $mx_cc $mx_lang; done
done
matrix_link_cxx_app() {
  matrix_result impl-gcc-c > /dev/null && matrix_result decl-cxx-app > /dev/null || return 1
  g++ -o "$MX/prog-cxx-app" "$MX/decl-cxx-app.o" "$MX/impl-gcc-c.o" && "$MX/prog-cxx-app"
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
matrix_layout() {  # $1 = the variant compared with $2 (plain), nm $3 (nm)
  matrix_result "layout-${2:-plain}" && matrix_result "layout-$1" || return 1
  "${3:-nm}" -S "$MX/layout-${2:-plain}.o" | sort > "$MX/layout-${2:-plain}.txt"
  "${3:-nm}" -S "$MX/layout-$1.o" | sort > "$MX/layout-$1.txt"
  diff "$MX/layout-${2:-plain}.txt" "$MX/layout-$1.txt"
}
check "matrix-short-enums-same-layout" matrix_layout short
for mx_d in 1 64; do
  check "matrix-json-depth-$mx_d-same-layout" matrix_layout "depth$mx_d"
  [ -e "$JOB_DIR/layout-arm32.job" ] &&
    check "matrix-json-depth-$mx_d-same-layout-cortex-m4" matrix_layout "arm$mx_d" arm32 arm-none-eabi-nm
done

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
check "matrix-no-heap" matrix_undefined "$MX/impl-gcc-c.o"
matrix_no_stdio() {
  ! nm -u "$MX/impl-gcc-c.o" | awk '{ print $NF }' |
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

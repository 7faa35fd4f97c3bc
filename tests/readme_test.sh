#!/bin/bash
# README.md checked against what it shows, so it cannot rot:
#   - its size (at most 12,288 bytes) and its words: no shipped document
#     names a specification users cannot read;
#   - the names it gives: the files it points to exist, the CMake targets and
#     pkg-config modules are those CMakeLists.txt defines, the tool's options
#     and their ranges are those --help gives;
#   - the quick start, compiled from the README itself (C99 strict) and run
#     against the mock server;
#   - the one-line object build;
#   - the OAuth block, compiled in a main() of its own as C99 and as C++11
#     (linked with that object), writing the exact body;
#   - the tool session, run command by command on a fresh mock server, its
#     output compared byte for byte (CRs of the HTTP request aside).
# Runs alone (bash tests/readme_test.sh) or in the test run. Prints "RESULT passed failed".
cd "$(dirname "$0")/.." || exit 2
T=build/test/readme; mkdir -p "$T"
P=0; F=0
ok() { if "$@"; then P=$((P + 1)); else F=$((F + 1)); echo "FAIL: $*" >&2; fi; }
STRICT="-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Wstrict-prototypes -Werror"
CXX="-x c++ -std=c++11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Werror"
TLS="-lmbedtls -lmbedx509 -lmbedcrypto"
# block NAME: the lines between <!-- NAME --> and <!-- /NAME -->, fences left out.
block() { awk -v b="<!-- $1 -->" -v e="<!-- /$1 -->" '$0 == b {on=1; next} $0 == e {on=0} on && !/^```/' README.md; }

# ---- size and words --------------------------------------------------------
size=$(wc -c < README.md)
ok test "$size" -le 12288
[ "$size" -le 12288 ] || echo "README.md is $size bytes, over 12288" >&2
for f in README.md CHANGELOG.md docs/*.md; do
  [ -f "$f" ] || continue
  hits=$(grep -nw 'SPEC' "$f"; grep -ni 'the contract' "$f")
  ok test -z "$hits"
  [ -z "$hits" ] || echo "$f names a specification users cannot read (cite the Odeus API reference): $hits" >&2
done

# ---- the names it gives ------------------------------------------------------
# Every repository path it names in backquotes exists.
# shellcheck disable=SC2016
for p in $(grep -o '`\(examples\|docs\|tests\|cmake\|zephyr\)/[^` ]*`' README.md | tr -d '`' | sort -u); do
  ok test -e "$p"
  [ -e "$p" ] || echo "README.md names $p, which does not exist" >&2
done
# Every CMake target it names is one CMakeLists.txt defines (the header's
# target, or an export name of a compiled one), and every pkg-config module
# one it writes (an output name).
targets=" odeus_auth $(sed -n 's/^ *_odeus_auth_library([^ ]* \([^ ]*\) .*/\1/p' CMakeLists.txt | tr '\n' ' ')"
modules=" $(sed -n 's/^ *_odeus_auth_library([^ ]* [^ ]* \([^ )]*\)).*/\1/p' CMakeLists.txt | tr '\n' ' ')"
# shellcheck disable=SC2013
for t in $(grep -o 'odeus_auth::[a-z_]*' README.md | sed 's/.*:://' | sort -u); do
  ok test -n "$(echo "$targets" | grep -w -- "$t")"
  echo "$targets" | grep -qw -- "$t" || echo "README.md names odeus_auth::$t; CMakeLists.txt defines:$targets" >&2
done
# shellcheck disable=SC2016
for m in $(grep -o 'pkg-config --cflags --libs [a-z_]*`\|`odeus_auth_mbedtls`' README.md | grep -o '[a-z_]*`$' | tr -d '`' | sort -u); do
  ok test -n "$(echo "$modules" | grep -w -- "$m")"
  echo "$modules" | grep -qw -- "$m" || echo "README.md names the pkg-config module $m; CMakeLists.txt writes:$modules" >&2
done
ok grep -Eq '^(menu)?config ODEUS_AUTH$' zephyr/Kconfig    # CONFIG_ODEUS_AUTH=y

# ---- the quick start ---------------------------------------------------------
block quickstart > "$T/quickstart.c"
ok test -s "$T/quickstart.c"
# shellcheck disable=SC2086
ok gcc $STRICT -O2 -I. -o "$T/quickstart" "$T/quickstart.c" $TLS
PORT=$(bash tests/mock.sh start --name readme --lifetime 120 --quiet) || { echo "RESULT $P $((F + 1))"; exit 1; }
ODEUS_BASE_URL="https://localhost:$PORT" ODEUS_API_KEY=test-key ODEUS_CA_FILE=tests/certs/ca.pem \
  "$T/quickstart" > "$T/out.txt" 2> "$T/err.txt"
ok test $? = 0
ok grep -q '^{"id":"550e8400-e29b-41d4-a716-446655440000","authType":"API_KEY","authTestCode":"const response' "$T/out.txt"
ODEUS_BASE_URL="https://localhost:$PORT" ODEUS_API_KEY=wrong ODEUS_CA_FILE=tests/certs/ca.pem \
  "$T/quickstart" > "$T/out2.txt" 2> "$T/err2.txt"
ok test $? = 1
ok grep -q '^HTTP 401: missing or invalid API key' "$T/err2.txt"
bash tests/mock.sh stop --name readme >/dev/null 2>&1
env -u ODEUS_API_KEY "$T/quickstart" > "$T/out3.txt" 2> "$T/err3.txt"
ok test $? = 1
ok test "$(cat "$T/err3.txt")" = "missing or invalid API key (visible ASCII, no spaces)"

# ---- the one-line object build ---------------------------------------------------
line=$(grep -m1 '^ *cc -c -x c ' README.md | sed 's/^ *//')
ok test -n "$line"
rm -f "$T/odeus_auth.o"
# As written, but the object goes into $T.
eval "${line% -o *} -o $T/odeus_auth.o" 2> "$T/object.err"
ok test -f "$T/odeus_auth.o"
ok test -n "$(nm "$T/odeus_auth.o" 2>/dev/null | grep ' T odeus_validate_config$')"

# ---- the OAuth block -----------------------------------------------------------
{
  # C++ code includes the declarations and links the object built above.
  printf '#ifndef __cplusplus\n#define ODEUS_AUTH_IMPLEMENTATION\n#endif\n#include "odeus_auth.h"\n'
  printf '#include <stdio.h>\n#include <stdlib.h>\n\nint main(void)\n{\n'
  block oauth
  cat <<'C'
    static char body[1024];
    size_t n = 0;
    if (odeus_write_body(&config, body, sizeof body, &n) != ODEUS_OK) return 1;
    fwrite(body, 1, n, stdout);
    return 0;
}
C
} > "$T/oauth.c"
OAUTH_BODY='{"authType":"OAUTH","authFields":[],"oauthClient":{"scopes":"read:user repo","authUrl":"https://github.com/login/oauth/authorize","tokenUrl":"https://github.com/login/oauth/access_token","clientId":"Iv1.0123456789abcdef","clientSecret":"s3cr\"t","label":"Connect GitHub"}}'
# shellcheck disable=SC2086
ok gcc $STRICT -O1 -I. -o "$T/oauth" "$T/oauth.c"
# shellcheck disable=SC2086
ok g++ $CXX -O1 -I. -o "$T/oauth-cxx" "$T/oauth.c" -x none "$T/odeus_auth.o"
for b in oauth oauth-cxx; do
  if [ -x "$T/$b" ]; then
    ok test "$(OAUTH_CLIENT_SECRET='s3cr"t' "$T/$b")" = "$OAUTH_BODY"
  else
    F=$((F + 1))
  fi
done

# ---- the tool session ----------------------------------------------------------------
# The tool the session names, build/odeus-auth: the one the test run built
# ($B/odeus-auth, when run by tests/run.sh), else made up to date here.
if [ -n "${B:-}" ] && [ -x "$B/odeus-auth" ]; then TOOL=$B/odeus-auth
else make -s build/odeus-auth >&2 && TOOL=build/odeus-auth; fi
if [ -n "${TOOL:-}" ] && [ -x "$TOOL" ]; then
  # Every option of the table is one --help gives, and its range the same.
  "$TOOL" --help > "$T/help.txt" 2>&1
  grep '^| `--' README.md > "$T/options.md"
  ok test -s "$T/options.md"
  while IFS= read -r row; do
    opt=$(printf '%s\n' "$row" | sed 's/^| `\(--[a-z-]*\).*/\1/')
    range=""   # the range of a number the option takes (not of the key a file holds)
    case $row in '| `--'*' SECONDS`'*|'| `--'*' N`'*)
      range=$(printf '%s\n' "$row" | grep -o '[0-9][0-9]* to [0-9][0-9]*' | head -n 1) ;; esac
    ok grep -q -- "^ *$opt\b" "$T/help.txt"
    grep -q -- "^ *$opt\b" "$T/help.txt" || echo "README.md's option $opt is not in odeus-auth --help" >&2
    if [ -n "$range" ]; then
      ok grep -qw -- "$range" "$T/help.txt"
      grep -qw -- "$range" "$T/help.txt" || echo "README.md gives $opt the range $range; --help does not" >&2
    fi
  done < "$T/options.md"
  block session | sed -n 's/^\$ //p' | sed "s#build/odeus-auth#$TOOL#g" > "$T/session.sh"
  block session | grep -v '^\$ ' > "$T/session.expected"
  ok test -s "$T/session.sh"
  # A mock server of its own (its state directory), and none of the caller's settings.
  export MOCK_DIR="$PWD/$T/mock"
  env -u ODEUS_API_KEY -u ODEUS_BASE_URL -u ODEUS_CA_FILE bash "$T/session.sh" 2>&1 | tr -d '\r' > "$T/session.out"
  bash tests/mock.sh stop >/dev/null 2>&1
  if diff -u "$T/session.expected" "$T/session.out" > "$T/session.diff"; then
    P=$((P + 1))
  else
    F=$((F + 1)); echo "FAIL: the README's session differs (- README, + run):" >&2; cat "$T/session.diff" >&2
  fi
else
  F=$((F + 1)); echo "FAIL: no odeus-auth to run the session with (make build/odeus-auth)" >&2
fi
echo "RESULT $P $F"

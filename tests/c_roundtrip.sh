#!/bin/bash
# `odeus-auth c` round trip: for every valid examples/*.json and for
# generated configs (escapes, non-ASCII text, strings past what one C99
# literal holds, every optional member set and unset, authFields absent and
# []), the printed source
#   - compiles on its own as C99 with the strict flags and as C++11 (-Werror),
#   - is compiled into one program, as C and as C++, with the library,
#     which writes each config's body with odeus_write_body and its request
#     with odeus_write_request_redacted;
# the request is byte for byte what `odeus-auth request` prints for the
# JSON, the body byte for byte the body it shows (clientSecret included:
# the JSON's own body, parsed by the library, for the configs that hold
# one, since `request` redacts it). Prints "RESULT passed failed".
# Usage: tests/c_roundtrip.sh [BINARY]   (default build/odeus-auth)
cd "$(dirname "$0")/.." || exit 1
BIN=${1:-build/odeus-auth}
T=build/test/c_roundtrip; rm -rf "$T"; mkdir -p "$T"
P=0; F=0
STRICT=(-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Wstrict-prototypes -Werror)
CXX_STRICT=(-std=c++11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Werror)
ID=550e8400-e29b-41d4-a716-446655440000
pass() { P=$((P + 1)); }
fail() { F=$((F + 1)); echo "FAIL $*" >&2; }
# ok NAME CMD...: one check, passing when CMD succeeds (its output in $T/NAME.log).
ok() { local name=$1; shift; if "$@" > "$T/$name.log" 2>&1; then pass; else fail "$name"; head -c 2000 "$T/$name.log" >&2; fi; }
same() { if cmp -s "$2" "$3"; then pass; else fail "$1: $2 and $3 differ"; fi; }
if ! command -v g++ > /dev/null 2>&1; then
  echo "note: the C++11 compiles of odeus-auth c are skipped: no g++ (install g++)" >&2
  CXX=""
else
  CXX=g++
fi
[ -x "$BIN" ] || { echo "no $BIN: build it first (make build/odeus-auth)" >&2; echo "RESULT 0 1"; exit 1; }

# ---- the configs -----------------------------------------------------------------
# rep N TEXT: TEXT N times.
rep() { local i s=""; for ((i = 0; i < $1; i++)); do s+=$2; done; printf '%s' "$s"; }
G=$T/gen
mkdir -p "$G"
printf '%s' '{"authType":"NONE"}' > "$G/01-minimal.json"
printf '%s' '{"authType":"API_KEY","authFields":[]}' > "$G/02-fields-empty.json"
printf '%s' '{"authType":"OAUTH"}' > "$G/03-fields-absent.json"
printf '%s' '{"authType":"SERVICE_ACCOUNT","authTestCode":"","authFields":[{"slug":"s","label":"l","type":"NUMBER","description":"","placeholder":""}]}' \
  > "$G/04-empty-strings.json"
# every member of every struct set, each field type, required true, false and unset
cat > "$G/05-every-member.json" <<'EOF'
{
  "oauthClient": {
    "refreshTokenCode": "return refresh(token);", "accessTokenCode": "return access(code);",
    "authorizationCode": "return authorize(url);", "label": "Connect", "clientSecret": "s3cr3t",
    "clientId": "id-1", "tokenUrl": "https://idp.example.com:8443/token?x=1#f",
    "authUrl": "HTTP://[::1]/authorize", "scopes": "read write"
  },
  "authTestCode": "return true;",
  "authFields": [
    { "required": true, "placeholder": "p", "description": "d", "type": "TEXT", "label": "L1", "slug": "a" },
    { "slug": "b", "label": "L2", "type": "MULTI_LINE_TEXT", "required": false },
    { "slug": "c", "label": "L3", "type": "PASSWORD" },
    { "slug": "d", "label": "L4", "type": "NUMBER", "description": "only a description" },
    { "slug": "e", "label": "L5", "type": "EMBEDDING_MODEL", "placeholder": "only a placeholder" }
  ],
  "authType": "OAUTH"
}
EOF
printf '%s' '{"authType":"OAUTH_DCR","oauthClient":{}}' > "$G/06-oauth-empty.json"
# escapes, and what a C literal must not let merge or turn into a trigraph
cat > "$G/07-escapes.json" <<'EOF'
{"authType":"API_KEY","authFields":[
 {"slug":"q\"b\\s\/","label":"\b\f\n\r\t\u0001\u001f\u007f","type":"TEXT",
  "description":"??= ??/ ??' ??( ??) ??! ??< ??> ??- ? ?? ???","placeholder":"*/ /* // \\\n\\"},
 {"slug":"x\u00e91234","label":"\u00e9abc\u00e9f\u00e97","type":"TEXT","description":"\\x41\\101\\u0041 %s %n \\0"}],
 "authTestCode":"line 1\nline 2\r\n\tend\\"}
EOF
# non-ASCII: 2, 3 and 4 bytes, written raw and as escapes, surrogate pairs,
# and the characters a terminal or an editor treats specially
cat > "$G/08-unicode.json" <<'EOF'
{"authType":"OAUTH","authFields":[
 {"slug":"clé","label":"中文 ラベル","type":"TEXT","description":"😀 \ud83d\ude00 \uD83C\uDF89","placeholder":"\u2028\u2029\u202e\u0085\u00a0\ufeff\uffff"}],
 "oauthClient":{"label":"Ünïcödé 𝄞","scopes":"é1 中2 😀3"}}
EOF
# strings at and past the 4095 bytes of one C99 literal; at every limit
{
  printf '{"authType":"OAUTH","authTestCode":"%s",' "$(rep 1000 '中')"
  printf '"authFields":[{"slug":"%s","label":"%s","type":"TEXT","description":"%s","placeholder":"%s"}],' \
    "$(rep 100 '€')" "$(rep 50 '😀')" "$(rep 500 '語')" "$(rep 200 'é')"
  printf '"oauthClient":{"scopes":"%s","clientId":"%s","clientSecret":"%s","label":"%s",' \
    "$(rep 1365 '€')" "$(rep 500 'é')" "$(rep 250 '😀')" "$(rep 100 'x')"
  printf '"authorizationCode":"%s","accessTokenCode":"%s","refreshTokenCode":"%s"}}' \
    "$(rep 1000 '\n')" "$(rep 1000 '\"')" "$(rep 1000 '?')"
} > "$G/09-limits-4095.json"
{
  printf '{"authType":"OAUTH","oauthClient":{"scopes":"%sa"}}' "$(rep 1365 '€')"
} > "$G/10-scopes-4096.json"
{
  printf '{"authType":"OAUTH","oauthClient":{"scopes":"%s","authorizationCode":"%s"},' "$(rep 2000 '€')" \
    "$(rep 500 '😀')"
  printf '"authFields":[{"slug":"s","label":"l","type":"TEXT","description":"%s"}]}' "$(rep 500 '中')"
} > "$G/11-arrays.json"
{
  printf '\357\273\277 {"authFields":['
  for i in $(seq 1 40); do
    [ "$i" -gt 1 ] && printf ','
    printf '{"type":"TEXT","label":"Champ %d","slug":"champ_%d_é"}' "$i" "$i"
  done
  printf '],"authType":"SERVICE_ACCOUNT"}\n'
} > "$G/12-many-fields-bom.json"

CONFIGS=()
for f in examples/*.json; do
  if "$BIN" validate "$f" > /dev/null 2>&1; then CONFIGS+=("$f"); fi
done
[ "${#CONFIGS[@]}" -ge 3 ] && pass || fail "fewer than 3 valid examples"
for f in "$G"/*.json; do
  if "$BIN" validate "$f" > "$T/validate.log" 2>&1; then CONFIGS+=("$f"); else
    fail "generated config $f is not valid"; cat "$T/validate.log" >&2; fi
done

# ---- print, compile alone, request --------------------------------------------------
DRIVER_INCLUDES=""; DRIVER_TABLE=""; ALONE=()
n=0
for f in "${CONFIGS[@]}"; do
  n=$((n + 1)); name=$(printf 'cfg_%02d' "$n")
  if ! "$BIN" c --with-secrets --name "$name" "$f" > "$T/$name.c" 2> "$T/$name.err"; then
    fail "c $f"; cat "$T/$name.err" >&2; continue; fi
  pass
  "$BIN" request "$ID" "$f" > "$T/$name.request" 2>> "$T/$name.err" || fail "request $f"
  # alone: the source and one use of its config (an unused static warns)
  { cat "$T/$name.c"; printf 'const odeus_config *use_%s(void);\nconst odeus_config *use_%s(void) { return &%s; }\n' \
      "$name" "$name" "$name"; } > "$T/$name-alone.c"
  ALONE+=("$T/$name-alone.c")
  DRIVER_INCLUDES+="#include \"$name.c\""$'\n'
  DRIVER_TABLE+="  { &$name, \"$name\", \"$f\" },"$'\n'
done

# the library, built meanwhile on the other core
printf '#define ODEUS_AUTH_IMPLEMENTATION\n#include "odeus_auth.h"\n' > "$T/lib.c"
{ gcc "${STRICT[@]}" -O0 -I. -c -o "$T/lib.o" "$T/lib.c" > "$T/lib-object.log" 2>&1; echo $? > "$T/lib-object.rc"; } &
# each a translation unit of its own (one compiler run for them all)
ok alone-c99 gcc "${STRICT[@]}" -I. -fsyntax-only "${ALONE[@]}"
[ -n "$CXX" ] && ok alone-c++11 "$CXX" "${CXX_STRICT[@]}" -I. -fsyntax-only -x c++ "${ALONE[@]}"
wait
ok lib-object test "$(cat "$T/lib-object.rc")" = 0
[ "$(cat "$T/lib-object.rc")" = 0 ] || head -c 2000 "$T/lib-object.log" >&2

# ---- one program: every config written by the library --------------------------------
cat > "$T/driver.c" <<EOF
/* Writes each config's body and redacted request, and the body of its JSON
 * as the library parses it, into files beside the sources. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "odeus_auth.h"
$DRIVER_INCLUDES
typedef struct entry { const odeus_config *cfg; const char *name; const char *json; } entry;
static const entry entries[] = {
$DRIVER_TABLE};
static char buf[1 << 20];
static char json[1 << 20];
static char strings[1 << 20];
static odeus_auth_field parsed_fields[64];

static int save(const char *dir, const char *name, const char *ext, const char *data, size_t n)
{
  char path[512];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
  f = fopen(path, "wb");
  if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) return 1;
  return 0;
}

int main(int argc, char **argv)
{
  const char *dir = argc > 2 ? argv[1] : ".", *suffix = argc > 2 ? argv[2] : "c";
  size_t i, n;
  int failed = 0;
  char ext[32];
  for (i = 0; i < sizeof entries / sizeof entries[0]; i++) {
    odeus_request rq;
    odeus_config cfg;
    odeus_oauth_client oc;
    odeus_config_storage st;
    FILE *f;
    const char *text = json;
    rq.base_url = NULL;
    rq.api_key = "none";
    rq.integration_id = "$ID";
    rq.config = entries[i].cfg;
    snprintf(ext, sizeof ext, "%s.body", suffix);
    if (odeus_write_body(entries[i].cfg, buf, sizeof buf, &n) != ODEUS_OK ||
        save(dir, entries[i].name, ext, buf, n)) failed = 1;
    snprintf(ext, sizeof ext, "%s.req", suffix);
    if (odeus_write_request_redacted(&rq, buf, sizeof buf, &n) != ODEUS_OK ||
        save(dir, entries[i].name, ext, buf, n)) failed = 1;
    /* the JSON itself, as the library reads it (a BOM skipped as the tool does) */
    f = fopen(entries[i].json, "rb");
    n = f ? fread(json, 1, sizeof json, f) : 0;
    if (f) fclose(f);
    if (n >= 3 && memcmp(json, "\xef\xbb\xbf", 3) == 0) { text += 3; n -= 3; }
    st.fields = parsed_fields;
    st.field_capacity = sizeof parsed_fields / sizeof parsed_fields[0];
    st.oauth_client = &oc;
    st.strings = strings;
    st.strings_capacity = sizeof strings;
    if (odeus_parse_config(text, n, &cfg, &st, NULL) != ODEUS_OK ||
        odeus_write_body(&cfg, buf, sizeof buf, &n) != ODEUS_OK ||
        save(dir, entries[i].name, "json-body", buf, n)) failed = 1;
  }
  return failed;
}
EOF
ok driver-c99 gcc "${STRICT[@]}" -I. -I"$T" -o "$T/driver-c" "$T/driver.c" "$T/lib.o"
ok driver-c99-run "$T/driver-c" "$T" c
if [ -n "$CXX" ]; then
  ok driver-c++11 "$CXX" "${CXX_STRICT[@]}" -I. -I"$T" -x c++ -o "$T/driver-cxx" "$T/driver.c" -x none "$T/lib.o"
  ok driver-c++11-run "$T/driver-cxx" "$T" cxx
fi

# ---- compare ------------------------------------------------------------------------
n=0
for f in "${CONFIGS[@]}"; do
  n=$((n + 1)); name=$(printf 'cfg_%02d' "$n")
  for lang in c cxx; do
    [ "$lang" = cxx ] && [ -z "$CXX" ] && continue
    same "$name ($f, $lang): request" "$T/$name.request" "$T/$name.$lang.req"
    same "$name ($f, $lang): body of the JSON" "$T/$name.json-body" "$T/$name.$lang.body"
    # the body `request` shows, where it shows it whole (no clientSecret to redact)
    if ! grep -q '"clientSecret":' "$T/$name.$lang.body"; then
      sed '1,/^\r$/d' "$T/$name.request" > "$T/$name.request-body" # the head ends at the first empty line
      same "$name ($f, $lang): body of request" "$T/$name.request-body" "$T/$name.$lang.body"
    fi
  done
done
# the long strings really took the array path, and the 4095-byte one did not
grep -q 'static const char cfg_[0-9]*_scopes\[4096\]' "$T"/cfg_*.c && pass || fail "no 4096-byte array"
grep -q 'static const char cfg_[0-9]*_scopes\[4095\]' "$T"/cfg_*.c && fail "a 4095-byte array" || pass
echo "RESULT $P $F"

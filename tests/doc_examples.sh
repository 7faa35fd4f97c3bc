#!/bin/bash
# The header's own examples (tier 1 and tier 2 of its opening documentation),
# extracted from odeus_auth.h itself so they cannot rot, compiled as C99 and
# as C++11 with the strict flags, and run against a canned answer: the
# exchange maps it and the tier-2 reader reads the same body into the same
# answer. Prints "RESULT passed failed".
cd "$(dirname "$0")/.." || exit 2
T=build/test/doc_examples; mkdir -p "$T"
P=0; F=0
ok() { if "$@"; then P=$((P + 1)); else F=$((F + 1)); echo "FAIL: $*" >&2; fi; }
section() {  # the code lines of a documentation section, prefix removed
  awk -v want="$1" '/^ \* [A-Z][A-Z0-9 ,:]+$/{on = index($0, want) > 0; next}
    on && /^ \*     /{sub(/^ \*     /, ""); print}' odeus_auth.h
}
{
  cat <<'C'
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include <stdio.h>
#include <string.h>
/* The example's names: an io whose peer answers 200 with the example's
 * integration, and a client of one's own that keeps what it is given. */
static const char canned[] = "HTTP/1.1 200 OK\r\nContent-Length: 56\r\n\r\n"
  "{\"integration\":{\"id\":\"i-1\",\"authType\":\"API_KEY\",\"x\":[]}}";
static size_t canned_at, sent;
static int my_socket;
static const char *my_api_key = "ody-example-key";
static int my_send(void *ctx, const unsigned char *b, size_t n) { (void)ctx; (void)b; sent += n; return (int)n; }
static int my_recv(void *ctx, unsigned char *b, size_t n)
{
  size_t left = sizeof canned - 1 - canned_at;
  (void)ctx;
  if (n > left) n = left;
  memcpy(b, canned + canned_at, n);
  canned_at += n;
  return (int)n;
}
static int wait_for_socket(void) { return 0; }
static char my_client[2048];
static size_t my_client_len, my_read_at;
static int my_write(void *ctx, const char *data, size_t len)
{
  (void)ctx;
  memcpy(my_client + my_client_len, data, len);
  my_client_len += len;
  return 0;
}
static int my_read(char *client, char *buf, size_t cap)
{
  static const char body[] = "{\"integration\":{\"id\":\"i-2\",\"authType\":\"NONE\"}}";
  size_t n = sizeof body - 1 - my_read_at;
  (void)client;
  if (n > cap) n = cap;
  memcpy(buf, body + my_read_at, n);
  my_read_at += n;
  return (int)n;
}
int main(void)
{
  char buf[16];
  int n, status = 200;
  const char *reason_phrase = NULL;
C
  section "TIER 1"
  echo '  if (r != ODEUS_OK || answer.auth_type != ODEUS_AUTH_API_KEY || strcmp(answer.id.ptr, "i-1") != 0) return 1;'
  section "TIER 2"
  cat <<'C'
  if (r != ODEUS_OK || answer.auth_type != ODEUS_AUTH_NONE || strcmp(answer.id.ptr, "i-2") != 0) return 2;
  if (head_len < 100 || memcmp(head, "PATCH /integrations/v1/550e8400-e29b-41d4-a716-446655440000/auth HTTP/1.1\r\n", 75) != 0) return 3;
  if (my_client_len != body_len || my_client[0] != '{') return 4;
  printf("ok %zu %zu\n", head_len, body_len);
  return 0;
}
C
} > "$T/examples.c"
STRICT="-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Wstrict-prototypes -Werror"
CXX="-x c++ -std=c++11 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Werror"
# shellcheck disable=SC2086
ok gcc $STRICT -Wno-unused-variable -O1 -I. -o "$T/examples-c" "$T/examples.c"
# shellcheck disable=SC2086
ok g++ $CXX -Wno-unused-variable -O1 -I. -o "$T/examples-cxx" "$T/examples.c"
for b in examples-c examples-cxx; do
  if [ -x "$T/$b" ]; then
    out=$("$T/$b")
    ok test "$out" = "ok 247 328"
  else
    F=$((F + 1))
  fi
done
echo "RESULT $P $F"

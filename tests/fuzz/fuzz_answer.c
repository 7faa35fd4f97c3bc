/* Fuzz target for the answer reader. Input: byte 0 chooses the status (low
 * four bits) and the capacities of the string storage and the field array
 * (high bits); byte 1 seeds how the body is split into pieces; the rest is
 * the body. The body is read whole, one byte at a time and in the seeded
 * pieces: the three must give the same result and the same answer. Every
 * piece, the storage and the field array are allocated at their exact size,
 * so a read or write past any of them is caught by the address sanitizer.
 * Then the answer's own rules are checked: strings kept in storage and
 * NUL-terminated or cut with their length, the message valid UTF-8 and
 * capped, and a complete answer written back as valid JSON that reads back
 * the same. */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "../lcg.h"
#include <stdlib.h>

#define FUZZ_CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static const int statuses[16] = { 200, 200, 200, 200, 201, 204, 400, 400, 401, 403, 404, 429, 500, 503, 418, 302 };
static const size_t string_caps[4] = { 0, 9, 96, 4096 };
static const size_t field_caps[4] = { 0, 1, 3, 16 };

typedef struct run {
  odeus_answer a;
  odeus_answer_field *fields;
  char *strings;
  odeus_result res;
  uint64_t hash;                /* everything, where each string lies included */
  uint64_t content;             /* everything but where the strings lie */
} run;

static void mix(uint64_t *h, const void *data, size_t n)
{
  const unsigned char *p = (const unsigned char *)data;
  size_t i;
  for (i = 0; i < n; i++) {
    *h ^= p[i];
    *h *= 0x100000001b3ull;
  }
}

static void mix_num(uint64_t *h, uint64_t v)
{
  mix(h, &v, sizeof v);
}

/* A string: kept (its bytes), cut (its length), or null; and where in
 * storage it lies, into the other hash. */
static void mix_str(uint64_t *h, run *r, odeus_str s)
{
  mix_num(&r->hash, s.ptr && s.len ? (uint64_t)(s.ptr - r->strings) : 0);
  mix_num(h, s.ptr ? 1 : 0);
  mix_num(h, s.len);
  if (s.ptr) mix(h, s.ptr, s.len);
}

static int utf8_ok(const unsigned char *s, size_t n)
{
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i], k, j;
    if (c < 0x80) { i++; continue; }
    if ((c & 0xE0) == 0xC0) k = 1;
    else if ((c & 0xF0) == 0xE0) k = 2;
    else if ((c & 0xF8) == 0xF0) k = 3;
    else return 0;
    if (n - i <= k) return 0;
    for (j = 1; j <= k; j++)
      if ((s[i + j] & 0xC0) != 0x80) return 0;
    i += k + 1;
  }
  return 1;
}

/* A string member obeys the storage contract. */
static void check_str(const run *r, odeus_str s, size_t cap)
{
  if (!s.ptr) return;                  /* null, absent, or cut (len = its length) */
  FUZZ_CHECK(s.ptr[s.len] == '\0');
  if (s.len) FUZZ_CHECK(s.ptr >= r->strings && s.ptr + s.len < r->strings + cap);
}

static void summarize(run *r, size_t field_cap, size_t cap)
{
  const odeus_answer *a = &r->a;
  uint64_t *h = &r->content;
  size_t i;
  r->hash = 0xcbf29ce484222325ull;
  *h = 0xcbf29ce484222325ull;
  mix_num(h, (uint64_t)(int64_t)r->res);
  mix_str(h, r, a->id);
  mix_num(h, (uint64_t)a->auth_type);
  mix_str(h, r, a->auth_type_text);
  mix_str(h, r, a->auth_test_code);
  mix_num(h, a->field_count);
  for (i = 0; i < a->field_count && i < field_cap; i++) {
    const odeus_answer_field *f = &a->fields[i];
    mix_str(h, r, f->slug);
    mix_str(h, r, f->label);
    mix_num(h, (uint64_t)f->type);
    mix_str(h, r, f->type_text);
    mix_str(h, r, f->description);
    mix_str(h, r, f->placeholder);
    mix_num(h, (uint64_t)f->required);
    check_str(r, f->slug, cap);
    check_str(r, f->label, cap);
    check_str(r, f->type_text, cap);
    check_str(r, f->description, cap);
    check_str(r, f->placeholder, cap);
  }
  mix_num(h, (uint64_t)a->has_oauth_client);
  mix_str(h, r, a->oauth_client.scopes);
  mix_str(h, r, a->oauth_client.label);
  mix_str(h, r, a->oauth_client.authorization_code);
  mix_str(h, r, a->oauth_client.access_token_code);
  mix_str(h, r, a->oauth_client.refresh_token_code);
  mix_num(h, a->strings_needed);
  mix_num(h, (uint64_t)a->cut);
  mix_str(h, r, a->message);
  mix_num(h, (uint64_t)a->problem.rule);
  mix_num(h, (uint64_t)a->problem.key);
  mix_num(h, a->problem.index);
  mix_num(h, (uint64_t)a->problem.member);
  mix_num(h, a->problem.limit);
  mix_num(h, (uint64_t)(0 - (int64_t)a->problem.cause));
  mix_num(h, a->problem.actual);
  check_str(r, a->id, cap);
  check_str(r, a->auth_type_text, cap);
  check_str(r, a->auth_test_code, cap);
  check_str(r, a->oauth_client.scopes, cap);
  check_str(r, a->oauth_client.label, cap);
  check_str(r, a->oauth_client.authorization_code, cap);
  check_str(r, a->oauth_client.access_token_code, cap);
  check_str(r, a->oauth_client.refresh_token_code, cap);
  FUZZ_CHECK(a->field_count <= field_cap || a->cut);
  mix_num(&r->hash, r->content);
}

/* Reads body into r, in pieces of the given pattern: 0 whole, 1 one byte at
 * a time, else sizes drawn from a generator seeded with the pattern. */
/* The reason phrase given to odeus_answer_finish: the body's first bytes,
 * up to 71 or a NUL, so that a body that is not JSON hands its own bytes,
 * any of them, to the message as the reason. */
static char reason[72];

static void reason_from(const char *body, size_t len)
{
  size_t n = 0;
  while (n < len && n < sizeof reason - 1 && body[n]) {
    reason[n] = body[n];
    n++;
  }
  reason[n] = '\0';
}

static void read_body(run *r, int status, const char *body, size_t len, unsigned pattern,
                      size_t field_cap, size_t cap)
{
  odeus_answer_reader reader;
  uint32_t seed = pattern * 2654435761u + 1;
  size_t at = 0;
  odeus_result fed = ODEUS_OK;
  r->fields = (odeus_answer_field *)malloc(field_cap ? field_cap * sizeof *r->fields : 1);
  r->strings = (char *)malloc(cap ? cap : 1);
  memset(&r->a, 0xa5, sizeof r->a);
  r->a.fields = field_cap ? r->fields : NULL;
  r->a.field_capacity = field_cap;
  r->a.strings = cap ? r->strings : NULL;
  r->a.strings_capacity = cap;
  odeus_answer_begin(&reader, &r->a, status);
  while (at < len) {
    size_t n = len - at;
    char *piece;
    odeus_result res;
    if (pattern == 1) {
      n = 1;
    } else if (pattern > 1) {
      size_t k = test_lcg(&seed) % 17 + 1;
      if (k < n) n = k;
    }
    piece = (char *)malloc(n);
    memcpy(piece, body + at, n);
    res = odeus_answer_feed(&reader, piece, n);
    free(piece);
    if (fed == ODEUS_OK) fed = res;
    FUZZ_CHECK(res == fed);              /* an error sticks */
    at += n;
  }
  r->res = odeus_answer_finish(&reader, reason);
  FUZZ_CHECK(fed == ODEUS_OK || fed == r->res);
  summarize(r, field_cap, cap);
}

static void release(run *r)
{
  free(r->fields);
  free(r->strings);
}

/* The message shown through odeus_display_text: printable ASCII and UTF-8
 * with nothing that steers a terminal, at most 4 bytes for each byte in,
 * and the measured length the written one. */
static void check_displayed(const odeus_answer *a)
{
  static char shown[4 * 4096 + 1];
  size_t n = odeus_display_text(a->message.ptr, a->message.len, shown, sizeof shown), i;
  FUZZ_CHECK(a->message.len > 4096 || n <= 4 * a->message.len);
  FUZZ_CHECK(odeus_display_text(a->message.ptr, a->message.len, NULL, 0) == n);
  if (n >= sizeof shown) return;
  FUZZ_CHECK(utf8_ok((const unsigned char *)shown, n) && shown[n] == '\0');
  for (i = 0; i < n;) {
    const unsigned char *u = (const unsigned char *)shown + i;
    size_t k = u[0] < 0x80 ? 1 : u[0] < 0xe0 ? 2 : u[0] < 0xf0 ? 3 : 4;
    unsigned cp = k == 2 ? (u[0] & 0x1fu) << 6 | (u[1] & 0x3fu)
                : k == 3 ? (u[0] & 0x0fu) << 12 | (u[1] & 0x3fu) << 6 | (u[2] & 0x3fu) : u[0];
    FUZZ_CHECK(k > 1 || (u[0] >= 0x20 && u[0] != 0x7f));
    FUZZ_CHECK(k == 1 || (cp >= 0xa0 && cp != 0x61c && cp != 0x200e && cp != 0x200f &&
                          !(cp >= 0x2028 && cp <= 0x202e) && !(cp >= 0x2066 && cp <= 0x2069)));
    i += k;
  }
}

static void check_error_answer(const run *r, int status, size_t cap)
{
  const odeus_answer *a = &r->a;
  FUZZ_CHECK(r->res == oa_status_result(status));
  FUZZ_CHECK(a->strings_needed == a->message.len + 1 || a->cut);
  if (!cap) {
    FUZZ_CHECK(a->message.ptr == NULL && a->cut);
    return;
  }
  FUZZ_CHECK(a->message.ptr == r->strings && a->message.len < cap);
  FUZZ_CHECK(a->message.ptr[a->message.len] == '\0');
  FUZZ_CHECK(utf8_ok((const unsigned char *)a->message.ptr, a->message.len));
  FUZZ_CHECK(a->cut == (a->strings_needed > a->message.len + 1));
  check_displayed(a);
}

/* A complete answer is written as one line of valid JSON that, wrapped in
 * {"integration":...}, reads back as the same answer. */
static void check_written(const run *r, size_t field_cap)
{
  static char out[1 << 16];
  static char body[(1 << 16) + 32];
  size_t needed = 0, cap = r->a.strings_capacity;
  odeus_result w = odeus_write_answer(&r->a, out, sizeof out, &needed);
  oa_json js;
  run back;
  if (r->a.cut) {
    FUZZ_CHECK(w == ODEUS_ERR_ANSWER_CUT);
    return;
  }
  FUZZ_CHECK(w == ODEUS_OK || w == ODEUS_ERR_BUFFER_TOO_SMALL);
  if (w != ODEUS_OK) return;
  oa_json_init(&js, NULL, NULL);
  FUZZ_CHECK(oa_json_feed(&js, out, needed) == ODEUS_OK && oa_json_finish(&js) == ODEUS_OK);
  memcpy(body, "{\"integration\":", 15);
  memcpy(body + 15, out, needed);
  body[15 + needed] = '}';
  read_body(&back, 200, body, needed + 16, 0, field_cap, cap);
  FUZZ_CHECK(back.res == ODEUS_OK && back.content == r->content);
  release(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  run whole, bytes, pieces;
  int status;
  size_t field_cap, cap, len;
  const char *body;
  if (size < 2) return 0;
  status = statuses[data[0] & 15];
  cap = string_caps[(data[0] >> 4) & 3];
  field_cap = field_caps[data[0] >> 6];
  body = (const char *)data + 2;
  len = size - 2;
  reason_from(body, len);
  read_body(&whole, status, body, len, 0, field_cap, cap);
  read_body(&bytes, status, body, len, 1, field_cap, cap);
  read_body(&pieces, status, body, len, 2u + data[1], field_cap, cap);
  FUZZ_CHECK(whole.res == bytes.res && whole.res == pieces.res);
  FUZZ_CHECK(whole.hash == bytes.hash && whole.hash == pieces.hash);
  if (status != 200) {
    check_error_answer(&whole, status, cap);
  } else if (whole.res == ODEUS_OK) {
    FUZZ_CHECK(whole.a.problem.rule == 0);
    FUZZ_CHECK(whole.a.id.ptr || whole.a.id.len);
    check_written(&whole, field_cap);
  } else if (whole.res <= ODEUS_ERR_JSON_SYNTAX && whole.res >= ODEUS_ERR_JSON_TRAILING) {
    FUZZ_CHECK(whole.a.problem.rule == ODEUS_RULE_JSON);
  } else {
    FUZZ_CHECK(whole.a.problem.rule == ODEUS_RULE_TYPE || whole.a.problem.rule == ODEUS_RULE_REQUIRED
               || whole.a.problem.rule == ODEUS_RULE_DUPLICATE_KEY);
  }
  release(&whole);
  release(&bytes);
  release(&pieces);
  return 0;
}

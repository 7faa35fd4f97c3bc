/* Fuzz target for the push JSON reader. The first byte chooses how the rest
 * is split into pieces; the reader must give the same result, the same error
 * offset and the same events (fragments joined) as when it is fed at once and
 * one byte at a time, keep the fragment contract (FIRST/LAST, RAW fragments
 * inside the piece, whole UTF-8 characters), and accept only valid UTF-8.
 * Each piece is copied to a buffer of its exact size, so a read past the
 * piece is caught by the address sanitizer. */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "../utf8_oracle.h"
#include "../lcg.h"
#include <stdlib.h>

#define FUZZ_CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

typedef struct view {
  const oa_json *js;
  const char *piece;
  size_t piece_len;
  int open;                     /* inside a token's fragments */
  oa_jev_type type;
  size_t offset;
  unsigned depth;
  uint64_t hash;                /* FNV-1a over the events, fragments joined */
  uint64_t done_hash;           /* the hash after the last complete value */
  size_t events;
} view;

static void mix(view *v, const void *data, size_t n)
{
  const unsigned char *p = (const unsigned char *)data;
  size_t i;
  for (i = 0; i < n; i++) {
    v->hash ^= p[i];
    v->hash *= 0x100000001b3ull;
  }
}

static int on_event(void *ctx, const oa_json_event *ev)
{
  view *v = (view *)ctx;
  int fragment = ev->type == OA_JEV_KEY || ev->type == OA_JEV_STRING
              || ev->type == OA_JEV_NUMBER;
  v->events++;
  FUZZ_CHECK(ev->depth <= ODEUS_JSON_MAX_DEPTH);
  if (!fragment) {
    FUZZ_CHECK(!v->open && ev->flags == 0);
    mix(v, &ev->type, sizeof ev->type);
    mix(v, &ev->depth, sizeof ev->depth);
    mix(v, &ev->offset, sizeof ev->offset);
    if (ev->text) mix(v, ev->text, ev->len);
    v->done_hash = v->hash;
    return 0;
  }
  FUZZ_CHECK(ev->text != NULL);
  if (!v->open) {
    FUZZ_CHECK(ev->flags & OA_JSON_FIRST);
    v->open = 1;
    v->type = ev->type;
    v->offset = ev->offset;
    v->depth = ev->depth;
    mix(v, &ev->type, sizeof ev->type);
    mix(v, &ev->depth, sizeof ev->depth);
    mix(v, &ev->offset, sizeof ev->offset);
  } else {
    FUZZ_CHECK(!(ev->flags & OA_JSON_FIRST));
    FUZZ_CHECK(ev->type == v->type && ev->offset == v->offset && ev->depth == v->depth);
  }
  FUZZ_CHECK(ev->len > 0 || (ev->flags & OA_JSON_LAST));
  if (ev->flags & OA_JSON_RAW) {
    FUZZ_CHECK(ev->text >= v->piece && ev->len <= v->piece_len
               && (size_t)(ev->text - v->piece) <= v->piece_len - ev->len);
  } else {
    FUZZ_CHECK(ev->text >= v->js->tmp && ev->len <= sizeof v->js->tmp
               && (size_t)(ev->text - v->js->tmp) <= sizeof v->js->tmp - ev->len);
  }
  if (ev->type != OA_JEV_NUMBER)
    FUZZ_CHECK(utf8_ok((const unsigned char *)ev->text, ev->len));
  mix(v, ev->text, ev->len);
  if (ev->flags & OA_JSON_LAST) {
    v->open = 0;
    mix(v, "|", 1);
    v->done_hash = v->hash;
  }
  return 0;
}

typedef struct outcome {
  odeus_result result;
  size_t offset;
  uint64_t hash;
} outcome;

/* mode 0: at once; 1: one byte at a time; otherwise random pieces seeded by mode. */
static outcome run(const unsigned char *data, size_t len, unsigned mode)
{
  oa_json js;
  view v;
  outcome o;
  size_t at = 0;
  uint32_t seed = mode;
  unsigned max_piece = 1 + (mode & 0x0F) * (mode & 0x80 ? 16 : 1);
  memset(&v, 0, sizeof v);
  v.hash = 0xcbf29ce484222325ull;
  v.js = &js;
  oa_json_init(&js, on_event, &v);
  o.result = ODEUS_OK;
  while (at < len && o.result == ODEUS_OK) {
    size_t n = mode == 0 ? len - at : mode == 1 ? 1 : 1 + test_lcg(&seed) % max_piece;
    char *piece;
    if (n > len - at) n = len - at;
    piece = (char *)malloc(n);
    FUZZ_CHECK(piece != NULL);
    memcpy(piece, data + at, n);
    v.piece = piece;
    v.piece_len = n;
    o.result = oa_json_feed(&js, piece, n);
    memset(piece, 0xA5, n);
    free(piece);
    at += n;
  }
  if (o.result == ODEUS_OK) o.result = oa_json_finish(&js);
  if (o.result != ODEUS_OK) {
    FUZZ_CHECK(oa_json_feed(&js, "1", 1) == o.result);
    FUZZ_CHECK(oa_json_finish(&js) == o.result);
  } else {
    FUZZ_CHECK(!v.open && js.depth == 0);
  }
  o.offset = js.offset;
  o.hash = v.done_hash;
  return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  outcome whole, bytes, split;
  unsigned mode;
  if (size < 1) return 0;
  mode = data[0] < 2 ? 2u + data[0] : data[0];
  data++;
  size--;
  whole = run(data, size, 0);
  bytes = run(data, size, 1);
  split = run(data, size, mode);
  FUZZ_CHECK(whole.result == bytes.result && whole.result == split.result);
  FUZZ_CHECK(whole.offset == bytes.offset && whole.offset == split.offset);
  FUZZ_CHECK(whole.hash == bytes.hash && whole.hash == split.hash);
  if (whole.result == ODEUS_OK) {
    FUZZ_CHECK(utf8_ok(data, size));
    FUZZ_CHECK(whole.offset == size);
  } else {
    FUZZ_CHECK(whole.offset <= size);
    FUZZ_CHECK(whole.result <= ODEUS_ERR_JSON_SYNTAX && whole.result >= ODEUS_ERR_JSON_TRAILING);
  }
  return 0;
}

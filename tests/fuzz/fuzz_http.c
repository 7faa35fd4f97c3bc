/* Fuzz target: the HTTP/1.1 response parser.
 * Input: byte 0 chooses how the rest is split into feeds, byte 1 the bounds
 * (head_max, body_max); the rest is a stream of responses on one kept-alive
 * connection. Each response is parsed twice, once fed all that is left at
 * once and once in the chosen pieces; both must agree on everything a
 * caller sees (results, offsets, fields, body bytes), and both must keep
 * the documented invariants. */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "../lcg.h"
#include <stdlib.h>

#define MAX_MESSAGES 16

typedef struct body {
  const char *base;             /* the input: body bytes must point into it */
  size_t base_len;
  uint64_t hash;                /* FNV-1a of every byte delivered */
  uint64_t len;
  size_t calls;
} body;

typedef struct outcome {
  odeus_result feed, finish;
  size_t used;
  oa_http h;
  body b;
} outcome;

static int on_body(void *ctx, const char *data, size_t len)
{
  body *b = (body *)ctx;
  size_t i;
  if (len == 0 || data < b->base || data + len > b->base + b->base_len) abort(); /* no copy, no empty call */
  for (i = 0; i < len; i++) b->hash = (b->hash ^ (unsigned char)data[i]) * 1099511628211ull;
  b->len += len;
  b->calls++;
  return 0;
}

/* The split pattern: byte 0's low two bits pick one-byte pieces, pieces of
 * a fixed size, or sizes from a generator seeded by the byte. */
typedef struct splitter { unsigned mode, size; uint32_t state; } splitter;

static size_t next_piece(splitter *sp, size_t left)
{
  size_t n;
  switch (sp->mode) {
  case 0: n = 1; break;
  case 1: n = sp->size; break;
  default:
    n = 1 + test_lcg(&sp->state) % (sp->mode == 2 ? 7u : 300u);
    break;
  }
  return n < left ? n : left;
}

static void check_invariants(const outcome *o, size_t fed)
{
  const oa_http *h = &o->h;
  oa_retry_kind kind;
  uint64_t value;
  if (o->used > fed) abort();
  if (h->done && !h->head_done) abort();
  if (h->body_read != o->b.len) abort();
  if (memchr(h->reason, 0, sizeof h->reason) == NULL) abort();
  if (h->body_max && h->body_read > h->body_max) abort();
  if (h->has_content_length && h->body_read > h->content_length) abort();
  if (o->feed == ODEUS_OK && !h->done && o->used != fed) abort(); /* all consumed until done */
  if (o->feed == ODEUS_OK && o->finish != ODEUS_OK && o->finish != ODEUS_ERR_HTTP_TRUNCATED) abort();
  if (o->feed != ODEUS_OK && o->finish != o->feed) abort();    /* errors stick */
  kind = oa_http_retry_after(h, &value);
  if (kind != OA_RETRY_ABSENT && kind != OA_RETRY_SECONDS && kind != OA_RETRY_DATE && kind != OA_RETRY_INVALID &&
      kind != OA_RETRY_TOO_LARGE) abort();
  if (kind == OA_RETRY_TOO_LARGE && value != UINT32_MAX) abort();
  if (kind == OA_RETRY_SECONDS && value > UINT32_MAX) abort();
  if (kind == OA_RETRY_DATE && value > 253402300800ull) abort(); /* 9999-12-31T23:59:60Z (a leap second) at most */
  if ((kind == OA_RETRY_ABSENT || kind == OA_RETRY_INVALID) && value != 0) abort();
}

static void start(outcome *o, const char *base, size_t base_len, size_t head_max, uint64_t body_max)
{
  memset(o, 0, sizeof *o);
  o->b.base = base;
  o->b.base_len = base_len;
  o->b.hash = 14695981039346656037ull;
  oa_http_init(&o->h, on_body, &o->b);
  o->h.head_max = head_max;
  o->h.body_max = body_max;
}

/* Everything a caller can see must be the same. */
static void compare(const outcome *a, const outcome *b)
{
  if (a->feed != b->feed || a->finish != b->finish || a->used != b->used) abort();
  if (a->h.status != b->h.status || strcmp(a->h.reason, b->h.reason) != 0) abort();
  if (a->h.head_done != b->h.head_done || a->h.done != b->h.done) abort();
  if (a->h.chunked != b->h.chunked || a->h.keep_alive != b->h.keep_alive) abort();
  if (a->h.has_content_length != b->h.has_content_length) abort();
  if (a->h.content_length != b->h.content_length) abort();
  {
    uint64_t va, vb;
    if (oa_http_retry_after(&a->h, &va) != oa_http_retry_after(&b->h, &vb) || va != vb) abort();
  }
  if (a->h.body_read != b->h.body_read || a->b.len != b->b.len || a->b.hash != b->b.hash) abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  static outcome one, split;
  const char *in;
  size_t len, pos = 0, head_max;
  uint64_t body_max;
  splitter sp;
  int m;
  if (size < 2) return 0;
  sp.mode = data[0] & 3u;
  sp.size = 1u + (data[0] >> 2);
  sp.state = data[0];
  head_max = (data[1] & 0x0fu) * 24u;           /* 0: the default */
  body_max = ((data[1] >> 4) & 7u) * 40u;       /* 0: none */
  in = (const char *)data + 2;
  len = size - 2;
  for (m = 0; m < MAX_MESSAGES && pos < len; m++) {
    size_t at = pos, u;
    /* once, all that is left */
    start(&one, in, len, head_max, body_max);
    one.feed = oa_http_feed(&one.h, in + pos, len - pos, &one.used);
    one.finish = oa_http_finish(&one.h);
    check_invariants(&one, len - pos);
    if (one.b.calls > (one.h.chunked ? one.b.calls : 1)) abort(); /* one span, one call */
    /* in pieces */
    start(&split, in, len, head_max, body_max);
    split.feed = ODEUS_OK;
    while (at < len) {
      size_t piece = next_piece(&sp, len - at);
      split.feed = oa_http_feed(&split.h, in + at, piece, &u);
      split.used += u;
      if (split.feed != ODEUS_OK || u < piece) break;
      at += piece;
    }
    split.finish = oa_http_finish(&split.h);
    check_invariants(&split, len - pos);
    compare(&one, &split);
    /* after an error nothing more is read; a message read until close
     * took everything */
    if (one.feed != ODEUS_OK || !one.h.done || one.used == 0) break;
    pos += one.used;
  }
  return 0;
}

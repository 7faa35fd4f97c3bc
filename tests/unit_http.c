/* The HTTP/1.1 response parser: every rejection class with its own code,
 * the accepted forms, and the split property (any split of the bytes gives
 * what one feed gives). Expectations are written by hand from RFC 9110/9112
 * and the parser's documented contract, never captured from its output. */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "test.h"

/* ---- running the parser -------------------------------------------------- */

#define BODY_CAP 16384

typedef struct run {
  oa_http h;                 /* the parser as it ended */
  odeus_result feed_rc;         /* the last feed's result */
  odeus_result finish_rc;
  size_t used;                  /* bytes consumed, all feeds together */
  char body[BODY_CAP];
  size_t body_len;
  size_t calls;                 /* on_body calls */
  int overflow;                 /* the body did not fit BODY_CAP */
  int stop_after;               /* on_body returns 77 on this call (0: never) */
} run;

/* A head's Retry-After as the retry logic reads it: kind and value. */
static oa_retry_kind RK(const oa_http *h)
{
  uint64_t v;
  return oa_http_retry_after(h, &v);
}

static uint64_t RV(const oa_http *h)
{
  uint64_t v;
  (void)oa_http_retry_after(h, &v);
  return v;
}

static int collect(void *ctx, const char *data, size_t len)
{
  run *r = (run *)ctx;
  r->calls++;
  if (len > BODY_CAP - r->body_len) r->overflow = 1;
  else { memcpy(r->body + r->body_len, data, len); r->body_len += len; }
  return (r->stop_after && (size_t)r->stop_after == r->calls) ? 77 : 0;
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
  uint64_t x = rng_state; /* xorshift64*, fixed seeds: reproducible */
  x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
  rng_state = x;
  return x * 2685821657736338717ull;
}
static size_t rnd_below(size_t n) { return (size_t)(rnd() % n); }

enum { ONE_SHOT, BYTES, SMALL_PIECES, BIG_PIECES, SPLIT_AT };

/* Feeds in pieces chosen by mode (SPLIT_AT: two pieces, the first of `at`
 * bytes), stopping at an error or when a feed leaves bytes unconsumed (the
 * message ended: the rest belongs to the next one); then finishes. */
static void run_split(run *r, const char *in, size_t len, int mode, size_t at,
                      size_t head_max, uint64_t body_max)
{
  size_t pos = 0;
  int stop_after = r->stop_after;
  memset(r, 0, sizeof *r);
  r->stop_after = stop_after;
  oa_http_init(&r->h, collect, r);
  if (head_max) r->h.head_max = head_max;
  r->h.body_max = body_max;
  r->feed_rc = ODEUS_OK;
  while (pos < len) {
    size_t piece = len - pos, u = 12345;
    if (mode == BYTES) piece = 1;
    else if (mode == SMALL_PIECES) piece = 1 + rnd_below(17);
    else if (mode == BIG_PIECES) piece = 1 + rnd_below(300);
    else if (mode == SPLIT_AT && pos == 0 && at) piece = at;
    if (piece > len - pos) piece = len - pos;
    r->feed_rc = oa_http_feed(&r->h, in + pos, piece, &u);
    r->used += u;
    if (r->feed_rc != ODEUS_OK || u < piece) break;
    pos += piece;
  }
  r->finish_rc = oa_http_finish(&r->h);
}

static void run_once(run *r, const char *in, size_t len)
{
  r->stop_after = 0;
  run_split(r, in, len, ONE_SHOT, 0, 0, 0);
}

/* Everything a caller can observe, compared; names the first difference. */
static const char *differ(const run *a, const run *b)
{
  if (a->feed_rc != b->feed_rc) return "feed result";
  if (a->finish_rc != b->finish_rc) return "finish result";
  if (a->used != b->used) return "used";
  if (a->h.status != b->h.status) return "status";
  if (strcmp(a->h.reason, b->h.reason) != 0) return "reason";
  if (a->h.head_done != b->h.head_done || a->h.done != b->h.done) return "done";
  if (a->h.chunked != b->h.chunked || a->h.keep_alive != b->h.keep_alive) return "flags";
  if (a->h.has_content_length != b->h.has_content_length ||
      a->h.content_length != b->h.content_length) return "content length";
  if (RK(&a->h) != RK(&b->h) || RV(&a->h) != RV(&b->h)) return "retry";
  if (a->h.body_read != b->h.body_read || a->body_len != b->body_len ||
      a->overflow != b->overflow || memcmp(a->body, b->body, a->body_len) != 0) return "body";
  return NULL;
}

static run ref, alt;

/* One feed against bytes, random pieces, and two pieces split at every
 * offset (exhaustive) or at a few random ones. One check per input. */
static void check_splits_n(const char *in, size_t len, size_t head_max, uint64_t body_max,
                           const char *name, int exhaustive)
{
  const char *why = NULL;
  size_t at;
  int mode;
  ref.stop_after = 0;
  run_split(&ref, in, len, ONE_SHOT, 0, head_max, body_max);
  for (mode = BYTES; mode <= BIG_PIECES && !why; mode++) {
    alt.stop_after = 0;
    run_split(&alt, in, len, mode, 0, head_max, body_max);
    why = differ(&ref, &alt);
  }
  for (at = 1; at < len && !why; at++) {
    size_t cut = exhaustive ? at : 1 + rnd_below(len - 1);
    if (!exhaustive && at > 3) break;
    run_split(&alt, in, len, SPLIT_AT, cut, head_max, body_max);
    why = differ(&ref, &alt);
  }
  if (why) fprintf(stderr, "split differs in %s: %s\n", why, name);
  CHECK(why == NULL);
}

static void check_splits(const char *in, size_t len, size_t head_max, uint64_t body_max,
                         const char *name)
{
  check_splits_n(in, len, head_max, body_max, name, 1);
}

/* ---- rejections: each class with its own code ----------------------------
 * ok is the part that is accepted; the first byte of bad is the one that
 * is refused, so *used must be the length of ok. */
typedef struct reject {
  const char *ok; size_t ok_len;
  const char *bad; size_t bad_len;
  odeus_result code;
  size_t head_max; uint64_t body_max;
} reject;

#define R(ok, bad, code) { ok, sizeof(ok) - 1, bad, sizeof(bad) - 1, code, 0, 0 }
#define RL(ok, bad, code, hmax, bmax) { ok, sizeof(ok) - 1, bad, sizeof(bad) - 1, code, hmax, bmax }
#define RH(ok, bad) RL(ok, bad, ODEUS_ERR_HTTP_HEAD_TOO_LONG, sizeof(ok) - 1, 0)
#define S200 "HTTP/1.1 200 OK\r\n"
#define CHUNKED S200 "Transfer-Encoding: chunked\r\n\r\n"

static const reject rejects[] = {
  /* malformed status line */
  R("HTTP/", "2 200 OK\r\n\r\n", ODEUS_ERR_HTTP_STATUS_LINE),
  R("", "http/1.1 200 OK\r\n\r\n", ODEUS_ERR_HTTP_STATUS_LINE),
  R("HTTP/1.", "x 200 OK\r\n\r\n", ODEUS_ERR_HTTP_STATUS_LINE),
  R("HTTP/1.1", "/200 OK\r\n\r\n", ODEUS_ERR_HTTP_STATUS_LINE),
  R("HTTP/1.1 ", " 200 OK\r\n\r\n", ODEUS_ERR_HTTP_STATUS_LINE),
  R("HTTP/1.1 ", "099 Low\r\n\r\n", ODEUS_ERR_HTTP_STATUS_LINE),
  R("HTTP/1.1 20", "\r\n\r\n", ODEUS_ERR_HTTP_STATUS_LINE),
  R("HTTP/1.1 2", "x0 OK\r\n\r\n", ODEUS_ERR_HTTP_STATUS_LINE),
  R("HTTP/1.1 200", "0 OK\r\n\r\n", ODEUS_ERR_HTTP_STATUS_LINE),
  R("HTTP/1.1 200", "\tOK\r\n\r\n", ODEUS_ERR_HTTP_STATUS_LINE),
  R("", "\r\nHTTP/1.1 200 OK\r\n\r\n", ODEUS_ERR_HTTP_STATUS_LINE),
  R("", " HTTP/1.1 200 OK\r\n\r\n", ODEUS_ERR_HTTP_STATUS_LINE),
  R("HTTP/1.1 100 Continue\r\n\r\n" "HTTP/1.1", "\r\n", ODEUS_ERR_HTTP_STATUS_LINE),
  /* malformed header line */
  R(S200 "Foo", " bar: x\r\n\r\n", ODEUS_ERR_HTTP_HEADER),
  R(S200 "Content-Length", " : 5\r\n\r\n", ODEUS_ERR_HTTP_HEADER),
  R(S200 "Foo", "\t: x\r\n\r\n", ODEUS_ERR_HTTP_HEADER),
  R(S200, ": x\r\n\r\n", ODEUS_ERR_HTTP_HEADER),
  R(S200 "NoColon", "\r\n\r\n", ODEUS_ERR_HTTP_HEADER),
  R(S200 "Content", "\rLength: 5\r\n\r\nhello", ODEUS_ERR_HTTP_HEADER), /* CR | 0x20 is '-' */
  R(S200 "Fo", "(o: x\r\n\r\n", ODEUS_ERR_HTTP_HEADER),
  R(S200 "X", "\xc3\xa9: x\r\n\r\n", ODEUS_ERR_HTTP_HEADER),
  R(S200, "\xc3\xa9: x\r\n\r\n", ODEUS_ERR_HTTP_HEADER),
  /* head longer than head_max: the bound is the length of the accepted part */
  RH(S200 "Server: 0123456789abc", "d\r\n\r\n"),
  RH(S200 "Server: 0123456789\r\n\r", "\n"),
  RH("HTTP/1.1 100 Continue\r\n\r\n" "HTTP/1.1 2", "00 OK\r\n\r\n"), /* interim heads count */
  /* bare CR */
  R("HTTP/1.1 200 OK\r", "X\r\n\r\n", ODEUS_ERR_HTTP_BARE_CR),
  R(S200 "A: b\r", "c\r\n\r\n", ODEUS_ERR_HTTP_BARE_CR),
  R(S200 "\r", "\r\n", ODEUS_ERR_HTTP_BARE_CR),
  R(CHUNKED "5\r", "5\r\nhello\r\n0\r\n\r\n", ODEUS_ERR_HTTP_BARE_CR),
  R(CHUNKED "0\r\n\r", "\r", ODEUS_ERR_HTTP_BARE_CR),
  /* NUL and control bytes in the head */
  R(S200 "A: b", "\0c\r\n\r\n", ODEUS_ERR_HTTP_CONTROL),
  R("HTTP/1.1 200 O", "\0K\r\n\r\n", ODEUS_ERR_HTTP_CONTROL),
  R("HTTP/1", "\0.1 200 OK\r\n\r\n", ODEUS_ERR_HTTP_CONTROL),
  R(S200 "A: b", "\x7f\r\n\r\n", ODEUS_ERR_HTTP_CONTROL),
  R(S200 "A: b", "\x1b[0m\r\n\r\n", ODEUS_ERR_HTTP_CONTROL),
  R(S200 "A", "\x01: b\r\n\r\n", ODEUS_ERR_HTTP_CONTROL),
  R(S200, "\x01" "A: b\r\n\r\n", ODEUS_ERR_HTTP_CONTROL),
  R("HTTP/1.1 200 OK", "\n\r\n", ODEUS_ERR_HTTP_CONTROL), /* bare LF */
  R(S200 "A: b", "\nC: d\r\n\r\n", ODEUS_ERR_HTTP_CONTROL),
  R(S200 "A: b\r\n", "\n", ODEUS_ERR_HTTP_CONTROL),
  R(S200 "Content-Length: 5", "\x0b\r\n\r\nhello", ODEUS_ERR_HTTP_CONTROL),
  R(CHUNKED "0\r\nX: y", "\0\r\n\r\n", ODEUS_ERR_HTTP_CONTROL),
  /* obs-fold */
  R(S200 "A: b\r\n", " c\r\n\r\n", ODEUS_ERR_HTTP_OBS_FOLD),
  R(S200 "A: b\r\n", "\tc\r\n\r\n", ODEUS_ERR_HTTP_OBS_FOLD),
  R(S200, " A: b\r\n\r\n", ODEUS_ERR_HTTP_OBS_FOLD),
  R(CHUNKED "0\r\nA: b\r\n", " c\r\n\r\n", ODEUS_ERR_HTTP_OBS_FOLD),
  /* Content-Length with Transfer-Encoding, either order */
  R(S200 "Content-Length: 5\r\nTransfer-Encoding", ": chunked\r\n\r\n", ODEUS_ERR_HTTP_CL_AND_TE),
  R(S200 "Transfer-Encoding: chunked\r\ncontent-length", ": 5\r\n\r\n", ODEUS_ERR_HTTP_CL_AND_TE),
  /* Transfer-Encoding other than exactly chunked */
  R(S200 "Transfer-Encoding: ", "gzip\r\n\r\n", ODEUS_ERR_HTTP_TE),
  R(S200 "Transfer-Encoding: ", "identity\r\n\r\n", ODEUS_ERR_HTTP_TE),
  R(S200 "Transfer-Encoding: chunked", ", gzip\r\n\r\n", ODEUS_ERR_HTTP_TE),
  R(S200 "Transfer-Encoding: ", "gzip, chunked\r\n\r\n", ODEUS_ERR_HTTP_TE),
  R(S200 "Transfer-Encoding: chunked", "x\r\n\r\n", ODEUS_ERR_HTTP_TE),
  R(S200 "Transfer-Encoding: chunk", "\r\n\r\n", ODEUS_ERR_HTTP_TE),
  R(S200 "Transfer-Encoding: chun", " ked\r\n\r\n", ODEUS_ERR_HTTP_TE),
  R(S200 "Transfer-Encoding: chunked ", "x\r\n\r\n", ODEUS_ERR_HTTP_TE),
  R(S200 "Transfer-Encoding: ", "\r\n\r\n", ODEUS_ERR_HTTP_TE),
  R(S200 "Transfer-Encoding: chunked\r\nTransfer-Encoding", ": chunked\r\n\r\n", ODEUS_ERR_HTTP_TE),
  /* Content-Length: empty, non-digit, a list */
  R(S200 "Content-Length: ", "abc\r\n\r\n", ODEUS_ERR_HTTP_CL_INVALID),
  R(S200 "Content-Length: ", "\r\n\r\n", ODEUS_ERR_HTTP_CL_INVALID),
  R(S200 "Content-Length: 5", ", 5\r\n\r\nhello", ODEUS_ERR_HTTP_CL_INVALID),
  R(S200 "Content-Length: ", "-1\r\n\r\n", ODEUS_ERR_HTTP_CL_INVALID),
  R(S200 "Content-Length: ", "+5\r\n\r\nhello", ODEUS_ERR_HTTP_CL_INVALID),
  R(S200 "Content-Length: 5 ", "5\r\n\r\nhello", ODEUS_ERR_HTTP_CL_INVALID),
  R(S200 "Content-Length: 0", "x10\r\n\r\n", ODEUS_ERR_HTTP_CL_INVALID),
  R(S200 "Content-Length: ", "\xd9\xa5\r\n\r\n", ODEUS_ERR_HTTP_CL_INVALID),
  /* Content-Length past 2^64 - 1 */
  R(S200 "Content-Length: 1844674407370955161", "6\r\n\r\n", ODEUS_ERR_HTTP_CL_OVERFLOW),
  R(S200 "Content-Length: 9999999999999999999", "9\r\n\r\n", ODEUS_ERR_HTTP_CL_OVERFLOW),
  /* a second Content-Length, even identical */
  R(S200 "Content-Length: 5\r\nContent-Length", ": 5\r\n\r\nhello", ODEUS_ERR_HTTP_CL_DUPLICATE),
  R(S200 "Content-Length: 5\r\nCONTENT-LENGTH", ": 6\r\n\r\nhello!", ODEUS_ERR_HTTP_CL_DUPLICATE),
  R(S200 "content-length: 5\r\nX: y\r\ncontent-length", ": abc\r\n\r\n", ODEUS_ERR_HTTP_CL_DUPLICATE),
  /* chunk sizes: bad characters, empty, whitespace not before ';' */
  R(CHUNKED, "g\r\n", ODEUS_ERR_HTTP_CHUNK_SIZE),
  R(CHUNKED, "\r\n", ODEUS_ERR_HTTP_CHUNK_SIZE),
  R(CHUNKED, " 5\r\nhello\r\n0\r\n\r\n", ODEUS_ERR_HTTP_CHUNK_SIZE),
  R(CHUNKED "5 ", "\r\nhello\r\n0\r\n\r\n", ODEUS_ERR_HTTP_CHUNK_SIZE),
  R(CHUNKED, "-5\r\nhello\r\n0\r\n\r\n", ODEUS_ERR_HTTP_CHUNK_SIZE),
  R(CHUNKED "0", "x5\r\nhello\r\n0\r\n\r\n", ODEUS_ERR_HTTP_CHUNK_SIZE),
  R(CHUNKED "5", "\nhello\r\n0\r\n\r\n", ODEUS_ERR_HTTP_CHUNK_SIZE),
  R(CHUNKED "5", "\0\r\nhello\r\n0\r\n\r\n", ODEUS_ERR_HTTP_CHUNK_SIZE),
  R(CHUNKED, ";x\r\n", ODEUS_ERR_HTTP_CHUNK_SIZE),
  R(CHUNKED "5;a=b", "\n\r\nhello\r\n0\r\n\r\n", ODEUS_ERR_HTTP_CHUNK_SIZE),
  R(CHUNKED "5;a=b", "\0\r\nhello\r\n0\r\n\r\n", ODEUS_ERR_HTTP_CHUNK_SIZE),
  R(CHUNKED "2\r\nhi\r\n", "x\r\n", ODEUS_ERR_HTTP_CHUNK_SIZE),
  /* chunk sizes past 2^64 - 1 */
  R(CHUNKED "1000000000000000", "0\r\n", ODEUS_ERR_HTTP_CHUNK_OVERFLOW),
  R(CHUNKED "00000FFFFFFFFFFFFFFFF", "F\r\n", ODEUS_ERR_HTTP_CHUNK_OVERFLOW),
  /* chunk data not followed by CRLF */
  R(CHUNKED "5\r\nhello", "X\r\n0\r\n\r\n", ODEUS_ERR_HTTP_CHUNK_CRLF),
  R(CHUNKED "5\r\nhello\r", "X0\r\n\r\n", ODEUS_ERR_HTTP_CHUNK_CRLF),
  R(CHUNKED "5\r\nhello", "\n0\r\n\r\n", ODEUS_ERR_HTTP_CHUNK_CRLF),
  R(CHUNKED "3\r\nhel", "lo\r\n0\r\n\r\n", ODEUS_ERR_HTTP_CHUNK_CRLF),
  /* body beyond body_max */
  RL(S200 "Content-Length: 11\r\n\r", "\nhello world", ODEUS_ERR_HTTP_BODY_TOO_LARGE, 0, 10),
  RL(CHUNKED "5\r\nhello\r\n6\r", "\n world\r\n0\r\n\r\n", ODEUS_ERR_HTTP_BODY_TOO_LARGE, 0, 10),
  RL(S200 "\r\n" "hello worl", "d", ODEUS_ERR_HTTP_BODY_TOO_LARGE, 0, 10),
};

/* Truncated: everything is consumed, then the peer closes. */
static const struct { const char *in; size_t len; } truncated[] = {
#define T(s) { s, sizeof(s) - 1 }
  T(""), T("HTTP/1.1 20"), T(S200), T(S200 "Content-Length: 5\r\n"),
  T(S200 "Content-Length: 5\r\n\r\nhell"), T(S200 "Content-Length: 5\r\n\r"),
  T(CHUNKED), T(CHUNKED "5\r\nhel"), T(CHUNKED "5\r\nhello"), T(CHUNKED "5\r\nhello\r\n"),
  T(CHUNKED "5\r\nhello\r\n0\r\n"), T(CHUNKED "0\r\nX: y\r\n"), T(CHUNKED "0\r\n\r"),
  T("HTTP/1.1 100 Continue\r\n\r\n"), T(S200 "Content-Length: 18446744073709551615\r\n\r\n"),
  T(CHUNKED "FFFFFFFFFFFFFFFF\r\nabc")
#undef T
};

static void test_rejects(void)
{
  static char buf[512];
  static run r;
  int seen[ODEUS_ERR_HTTP_STATUS_LINE - ODEUS_ERR_HTTP_BODY_TOO_LARGE + 1] = { 0 };
  size_t i;
  for (i = 0; i < OA_COUNT(rejects); i++) {
    const reject *c = &rejects[i];
    size_t len = c->ok_len + c->bad_len, u = 1;
    int mode;
    seen[ODEUS_ERR_HTTP_STATUS_LINE - c->code] = 1;
    memcpy(buf, c->ok, c->ok_len);
    memcpy(buf + c->ok_len, c->bad, c->bad_len);
    for (mode = ONE_SHOT; mode <= BIG_PIECES; mode++) {
      r.stop_after = 0;
      run_split(&r, buf, len, mode, 0, c->head_max, c->body_max);
      if (r.feed_rc != c->code || r.used != c->ok_len)
        fprintf(stderr, "reject case %u mode %d: got %d at %u\n", (unsigned)i, mode,
                (int)r.feed_rc, (unsigned)r.used);
      CHECK_EQ_INT(r.feed_rc, c->code);
      CHECK_EQ_INT(r.used, c->ok_len);
      CHECK_EQ_INT(r.finish_rc, c->code);  /* the error sticks */
    }
    CHECK_EQ_INT(oa_http_feed(&r.h, "HTTP/1.1 200 OK\r\n", 17, &u), c->code);
    CHECK_EQ_INT(u, 0);
    check_splits(buf, len, c->head_max, c->body_max, c->ok);
  }
  for (i = 0; i < OA_COUNT(truncated); i++) {
    run_split(&r, truncated[i].in, truncated[i].len, ONE_SHOT, 0, 0, 0);
    CHECK_EQ_INT(r.feed_rc, ODEUS_OK);
    CHECK_EQ_INT(r.used, truncated[i].len);
    CHECK_EQ_INT(r.finish_rc, ODEUS_ERR_HTTP_TRUNCATED);
    CHECK_EQ_INT(r.h.done, 0);
    CHECK_EQ_INT(oa_http_finish(&r.h), ODEUS_ERR_HTTP_TRUNCATED);
    CHECK_EQ_INT(oa_http_feed(&r.h, "x", 1, NULL), ODEUS_ERR_HTTP_TRUNCATED);
    check_splits(truncated[i].in, truncated[i].len, 0, 0, truncated[i].in);
  }
  /* every ODEUS_ERR_HTTP_* code (-20 .. -35) has its cases */
  seen[ODEUS_ERR_HTTP_STATUS_LINE - ODEUS_ERR_HTTP_TRUNCATED] = OA_COUNT(truncated) > 0;
  for (i = 0; i < OA_COUNT(seen); i++) {
    if (!seen[i]) fprintf(stderr, "no case for result %d\n", (int)ODEUS_ERR_HTTP_STATUS_LINE - (int)i);
    CHECK(seen[i]);
  }
}

/* ---- accepted responses ------------------------------------------------------ */

static run r1;

static void parse(const char *in, size_t len)
{
  run_once(&r1, in, len);
  check_splits(in, len, 0, 0, in);
}
#define PARSE(lit) parse(lit, sizeof(lit) - 1)

static void test_content_length(void)
{
  PARSE("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-LENGTH:  \t11 \t\r\n"
        "\r\nhello world");
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.finish_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.h.status, 200);
  CHECK_STR(r1.h.reason, "OK");
  CHECK_EQ_INT(r1.h.head_done, 1);
  CHECK_EQ_INT(r1.h.done, 1);
  CHECK_EQ_INT(r1.h.has_content_length, 1);
  CHECK_EQ_INT(r1.h.content_length, 11);
  CHECK_EQ_INT(r1.h.chunked, 0);
  CHECK_EQ_INT(r1.h.keep_alive, 1);
  CHECK_EQ_INT(r1.h.body_read, 11);
  CHECK_MEM(r1.body, r1.body_len, "hello world", 11);
  CHECK_EQ_INT(r1.calls, 1);                    /* one span, one call */
  CHECK_EQ_INT(RK(&r1.h), OA_RETRY_ABSENT);
  CHECK_EQ_INT(RV(&r1.h), 0);

  PARSE("HTTP/1.1 404 Not Found\r\nContent-Length: 000\r\n\r\n");
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.h.status, 404);
  CHECK_STR(r1.h.reason, "Not Found");
  CHECK_EQ_INT(r1.h.done, 1);
  CHECK_EQ_INT(r1.h.content_length, 0);
  CHECK_EQ_INT(r1.body_len, 0);
  CHECK_EQ_INT(r1.calls, 0);

  /* the largest Content-Length: the head is fine, the body never comes */
  PARSE("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\nab");
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK(r1.h.content_length == UINT64_MAX);
  CHECK_EQ_INT(r1.h.body_read, 2);
  CHECK_EQ_INT(r1.finish_rc, ODEUS_ERR_HTTP_TRUNCATED);

  /* a name that only starts like a known one is just another field */
  PARSE("HTTP/1.1 200 OK\r\nContent-Lengths: x\r\nContent-Lengt: y\r\nConnectionX: close\r\n"
        "Transfer-Encodings: gzip\r\nRetry-After-Ms: 1\r\nContent-Length: 2\r\n\r\nok");
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.h.keep_alive, 1);
  CHECK_EQ_INT(r1.h.chunked, 0);
  CHECK_EQ_INT(RK(&r1.h), OA_RETRY_ABSENT);
  CHECK_MEM(r1.body, r1.body_len, "ok", 2);
}

static void test_chunked(void)
{
  PARSE("HTTP/1.1 200 OK\r\nTransfer-Encoding: \tChunKed \r\n\r\n"
        "5;name=value;q=\"a b;c\"\r\nhello\r\n"
        "1 ;x\r\n \r\n"
        "0005\r\nworld\r\n"
        "A\r\n0123456789\r\n"
        "a\r\nabcdefghij\r\n"
        "000;last\r\nExpires: never\r\nContent-Length: 99\r\nX-Check:\tok \t\r\n\r\n");
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.finish_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.h.done, 1);
  CHECK_EQ_INT(r1.h.chunked, 1);
  CHECK_EQ_INT(r1.h.keep_alive, 1);
  CHECK_EQ_INT(r1.h.has_content_length, 0);     /* a trailer never frames */
  CHECK_EQ_INT(r1.h.content_length, 0);
  CHECK_MEM(r1.body, r1.body_len, "hello world0123456789abcdefghij", 31);
  CHECK_EQ_INT(r1.h.body_read, 31);
  CHECK_EQ_INT(r1.calls, 5);                    /* one per chunk */

  PARSE("HTTP/1.1 200 OK\r\ntransfer-encoding: CHUNKED\r\n\r\n0\r\n\r\n");
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.h.done, 1);
  CHECK_EQ_INT(r1.body_len, 0);
  CHECK_EQ_INT(r1.used, 52);

  /* body_max holds exactly the chunks */
  run_split(&r1, CHUNKED "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n",
            sizeof(CHUNKED "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n") - 1, ONE_SHOT, 0, 0, 10);
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_MEM(r1.body, r1.body_len, "helloworld", 10);
}

static void test_until_close(void)
{
  PARSE("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nall of it\r\n\r\nHTTP/1.1 200 OK");
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.h.head_done, 1);
  CHECK_EQ_INT(r1.h.keep_alive, 0);             /* read until close: never reused */
  CHECK_EQ_INT(r1.finish_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.h.done, 1);
  CHECK_MEM(r1.body, r1.body_len, "all of it\r\n\r\nHTTP/1.1 200 OK", 28);
  CHECK_EQ_INT(r1.used, 71);

  /* exactly body_max bytes: fine */
  run_split(&r1, S200 "\r\n0123456789", sizeof(S200 "\r\n0123456789") - 1, BYTES, 0, 0, 10);
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.finish_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.body_len, 10);

  /* one byte more: the first body_max bytes are delivered, then the error */
  run_split(&r1, S200 "\r\n0123456789X", sizeof(S200 "\r\n0123456789X") - 1, ONE_SHOT, 0, 0, 10);
  CHECK_EQ_INT(r1.feed_rc, ODEUS_ERR_HTTP_BODY_TOO_LARGE);
  CHECK_MEM(r1.body, r1.body_len, "0123456789", 10);
  CHECK_EQ_INT(r1.used, 29);
}

static void test_interim(void)
{
  PARSE("HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\nRetry-After: 5\r\n"
        "Connection: close\r\nContent-Length: 3\r\n\r\n"
        "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nhi");
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.h.status, 201);
  CHECK_STR(r1.h.reason, "Created");
  CHECK_EQ_INT(r1.h.keep_alive, 1);             /* the 103's Connection is forgotten */
  CHECK_EQ_INT(RK(&r1.h), OA_RETRY_ABSENT);
  CHECK_EQ_INT(r1.h.content_length, 2);
  CHECK_MEM(r1.body, r1.body_len, "hi", 2);
  CHECK_EQ_INT(r1.h.done, 1);

  /* a 1xx alone: the head is not done */
  run_once(&r1, "HTTP/1.1 100 Continue\r\n\r\n", 25);
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.used, 25);
  CHECK_EQ_INT(r1.h.head_done, 0);
  CHECK_EQ_INT(r1.h.status, 100);

  /* 204 and 304 have no body: what follows belongs to the next response */
  PARSE("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\nHTTP/1.1 200 OK\r\n\r\n");
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.h.done, 1);
  CHECK_EQ_INT(r1.h.keep_alive, 0);
  CHECK_EQ_INT(r1.used, 46);
  CHECK_EQ_INT(r1.body_len, 0);
  PARSE("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200");
  CHECK_EQ_INT(r1.h.done, 1);
  CHECK_EQ_INT(r1.h.has_content_length, 1);
  CHECK_EQ_INT(r1.h.content_length, 10);
  CHECK_EQ_INT(r1.h.body_read, 0);
  CHECK_EQ_INT(r1.used, 49);
  CHECK_EQ_INT(r1.h.keep_alive, 1);
}

static void test_connection(void)
{
  static const struct { const char *in; int keep; } cases[] = {
    { "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1 },
    { "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 0 },
    { "HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE \r\nContent-Length: 0\r\n\r\n", 0 },
    { "HTTP/1.1 200 OK\r\nConnection: foo\r\nconnection: ,close,\r\nContent-Length: 0\r\n\r\n", 0 },
    { "HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n", 1 },
    { "HTTP/1.1 200 OK\r\nConnection: clos\r\nContent-Length: 0\r\n\r\n", 1 },
    { "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", 1 },
    { "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 0 },
    { "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", 1 },
    { "HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n", 0 },
    { "HTTP/1.0 200 OK\r\nConnection: keep-alive-x\r\nContent-Length: 0\r\n\r\n", 0 },
    { "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0 },
    { "HTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n", 1 },
    { "HTTP/1.9 200 OK\r\nContent-Length: 0\r\n\r\n", 1 },
    /* a token is what lies between commas: two words in one are neither */
    { "HTTP/1.0 200 OK\r\nConnection: close keep-alive\r\nContent-Length: 0\r\n\r\n", 0 },
    { "HTTP/1.1 200 OK\r\nConnection: keep-alive close\r\nContent-Length: 0\r\n\r\n", 1 },
    { "HTTP/1.1 200 OK\r\nTransfer-Encoding: ChUnKeD\r\n\r\n0\r\n\r\n", 1 },
    /* tokens longer than any we know, and long OWS around one we know */
    { "HTTP/1.1 200 OK\r\nConnection: x123456789x123456789x123456789x123456789x1234, close\r\n"
      "Content-Length: 0\r\n\r\n", 0 },
    { "HTTP/1.1 200 OK\r\nConnection: close123456789x123456789x123456789x123456789x1234\r\n"
      "Content-Length: 0\r\n\r\n", 1 },
    { "HTTP/1.1 200 OK\r\nConnection: \t                                              close"
      "                                              \t,foo\r\nContent-Length: 0\r\n\r\n", 0 },
    { "HTTP/1.1 200 OK\r\nConnection: close                                              x"
      "\r\nContent-Length: 0\r\n\r\n", 1 },
    { "HTTP/1.0 200 OK\r\nConnection: foo,                                              "
      "                                              KEEP-alive\r\nContent-Length: 0\r\n\r\n", 1 },
  };
  size_t i;
  for (i = 0; i < OA_COUNT(cases); i++) {
    parse(cases[i].in, strlen(cases[i].in));
    CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
    CHECK_EQ_INT(r1.h.done, 1);
    if (r1.h.keep_alive != cases[i].keep) fprintf(stderr, "connection case %u\n", (unsigned)i);
    CHECK_EQ_INT(r1.h.keep_alive, cases[i].keep);
  }
}

static void test_status_line(void)
{
  static char longer[200];
  PARSE("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n");  /* no SP, no reason */
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_STR(r1.h.reason, "");
  PARSE("HTTP/1.1 999 \r\nContent-Length: 0\r\n\r\n");
  CHECK_EQ_INT(r1.h.status, 999);
  CHECK_STR(r1.h.reason, "");
  PARSE("HTTP/1.1 429 Too\tMany \xc3\xa9 Requests \r\nContent-Length: 0\r\n\r\n");
  CHECK_EQ_INT(r1.h.status, 429);
  CHECK_STR(r1.h.reason, "Too\tMany \xc3\xa9 Requests ");
  /* cut to 63 bytes */
  memcpy(longer, "HTTP/1.1 500 ", 13);
  memset(longer + 13, 'r', 100);
  memcpy(longer + 113, "\r\nContent-Length: 0\r\n\r\n", 23);
  parse(longer, 136);
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(strlen(r1.h.reason), 63);
  CHECK(r1.h.reason[0] == 'r' && r1.h.reason[62] == 'r');
  /* values may hold HTAB and obs-text */
  PARSE("HTTP/1.1 200 OK\r\nX-A:\t\xff\xfe v\ta\r\nX-B:\r\nX-C: ,;:\"()\r\nContent-Length: 1\r\n\r\n!");
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_MEM(r1.body, r1.body_len, "!", 1);
}

static void test_head_max(void)
{
  static const char head[] = "HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 0\r\n\r\n";
  static char buf[256];
  size_t n = sizeof head - 1, len;  /* 49 */
  oa_http h;
  run_split(&r1, head, n, BYTES, 0, n, 0);
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.h.done, 1);
  run_split(&r1, head, n, BYTES, 0, n - 1, 0);
  CHECK_EQ_INT(r1.feed_rc, ODEUS_ERR_HTTP_HEAD_TOO_LONG);
  CHECK_EQ_INT(r1.used, n - 1);
  /* the body does not count */
  run_split(&r1, S200 "\r\n0123456789012345678901234567890123456789",
            sizeof(S200 "\r\n") - 1 + 40, ONE_SHOT, 0, 19, 0);
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.body_len, 40);
  /* 0 means the default */
  oa_http_init(&h, NULL, NULL);
  h.head_max = 0;
  CHECK_EQ_INT(oa_http_feed(&h, head, n, NULL), ODEUS_OK);
  CHECK_EQ_INT(h.done, 1);
  /* the trailer section has a bound of its own: here each part is 47 bytes */
  len = sizeof(CHUNKED) - 1;
  CHECK_EQ_INT(len, 47);
  memcpy(buf, CHUNKED "0\r\nX-T: ", len + 8);
  memset(buf + len + 8, 'v', 42);               /* "X-T: " + 42 = 47 */
  memcpy(buf + len + 50, "\r\n\r\n", 4);
  run_split(&r1, buf, len + 54, BYTES, 0, 47, 0);
  CHECK_EQ_INT(r1.feed_rc, ODEUS_ERR_HTTP_HEAD_TOO_LONG);
  CHECK_EQ_INT(r1.used, len + 3 + 47);
  check_splits(buf, len + 54, 47, 0, "trailer bound");
  run_split(&r1, buf, len + 54, ONE_SHOT, 0, 47 + 4, 0);  /* + the two CRLFs */
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.used, len + 54);
  CHECK_EQ_INT(r1.h.done, 1);
  /* and so has each chunk line, with the CRLF ending the data before it */
  memcpy(buf, CHUNKED "1\r\nx\r\n1;e=", len + 10);
  memset(buf + len + 10, 'e', 42);              /* CRLF + "1;e=" + 41 = 47 */
  memcpy(buf + len + 52, "\r\ny\r\n0\r\n\r\n", 10);
  run_split(&r1, buf, len + 62, BYTES, 0, 47, 0);
  CHECK_EQ_INT(r1.feed_rc, ODEUS_ERR_HTTP_HEAD_TOO_LONG);
  CHECK_EQ_INT(r1.used, len + 4 + 47);
  check_splits(buf, len + 62, 47, 0, "chunk line bound");
  run_split(&r1, buf, len + 62, ONE_SHOT, 0, 47 + 3, 0);  /* + 42nd byte and CRLF */
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_MEM(r1.body, r1.body_len, "xy", 2);
}

/* ---- Retry-After ---------------------------------------------------------- */
static void test_retry_after(void)
{
  static const struct { const char *value; oa_retry_kind kind; uint64_t v; } cases[] = {
    { "120", OA_RETRY_SECONDS, 120 },
    { " \t0120 \t", OA_RETRY_SECONDS, 120 },
    { "0", OA_RETRY_SECONDS, 0 },
    { "4294967295", OA_RETRY_SECONDS, 4294967295u },
    { "4294967296", OA_RETRY_TOO_LARGE, 4294967295u },
    { "000000000000000000000000000004294967295", OA_RETRY_SECONDS, 4294967295u },
    { "123456789012345678901234567890123456789012345678901234567890", OA_RETRY_TOO_LARGE,
      4294967295u },
    { "Sun, 06 Nov 1994 08:49:37 GMT", OA_RETRY_DATE, 784111777u },   /* RFC 9110's example */
    { "  Sun, 06 Nov 1994 08:49:37 GMT                      ", OA_RETRY_DATE, 784111777u },
    { "Thu, 01 Jan 1970 00:00:00 GMT", OA_RETRY_DATE, 0 },
    { "Tue, 29 Feb 2000 12:00:00 GMT", OA_RETRY_DATE, 951825600u },
    { "Tue, 19 Jan 2038 03:14:08 GMT", OA_RETRY_DATE, 2147483648u },
    { "Sun, 07 Feb 2106 06:28:16 GMT", OA_RETRY_DATE, 4294967296ull },
    { "Sat, 31 Dec 2016 23:59:60 GMT", OA_RETRY_DATE, 1483228800u },  /* a leap second */
    { "Fri, 31 Dec 9999 23:59:59 GMT", OA_RETRY_DATE, 253402300799ull },
    { "Mon, 06 Nov 1994 08:49:37 GMT", OA_RETRY_INVALID, 0 },         /* wrong weekday */
    { "Thu, 29 Feb 2001 00:00:00 GMT", OA_RETRY_INVALID, 0 },
    { "Wed, 31 Dec 1969 23:59:59 GMT", OA_RETRY_INVALID, 0 },
    { "Sun, 06 Nov 1994 24:00:00 GMT", OA_RETRY_INVALID, 0 },
    { "Sun, 06 Nov 1994 08:60:00 GMT", OA_RETRY_INVALID, 0 },
    { "Sun, 06 Nov 1994 08:49:61 GMT", OA_RETRY_INVALID, 0 },
    { "Sun, 00 Nov 1994 08:49:37 GMT", OA_RETRY_INVALID, 0 },
    { "Sun, 06 nov 1994 08:49:37 GMT", OA_RETRY_INVALID, 0 },
    { "Sun, 06 Nov 1994 08:49:37 UTC", OA_RETRY_INVALID, 0 },
    { "Sun, 6 Nov 1994 08:49:37 GMT", OA_RETRY_INVALID, 0 },
    { "Sun,  06 Nov 1994 08:49:37 GMT", OA_RETRY_INVALID, 0 },
    { "Sunday, 06-Nov-94 08:49:37 GMT", OA_RETRY_INVALID, 0 },       /* RFC 850 */
    { "Sun Nov  6 08:49:37 1994", OA_RETRY_INVALID, 0 },             /* asctime */
    { "Sun, 06 Nov 1994 08:49:37 GMT x", OA_RETRY_INVALID, 0 },
    { "Sun, 06 Nov 1994 08:49:37 GMT                 x", OA_RETRY_INVALID, 0 },
    { "", OA_RETRY_INVALID, 0 },
    { "   ", OA_RETRY_INVALID, 0 },
    { "12a", OA_RETRY_INVALID, 0 },
    { "1 2", OA_RETRY_INVALID, 0 },
    { "-1", OA_RETRY_INVALID, 0 },
    { "+1", OA_RETRY_INVALID, 0 },
    { "1.5", OA_RETRY_INVALID, 0 },
    { "0 5", OA_RETRY_INVALID, 0 },
    { "Sun, 06 Nov 1994 08:49:37 GM", OA_RETRY_INVALID, 0 },
    { "Sun, 06 Nov 1994 08:49:37", OA_RETRY_INVALID, 0 },
  };
  static char buf[256];
  size_t i;
  for (i = 0; i < OA_COUNT(cases); i++) {
    size_t n = (size_t)snprintf(buf, sizeof buf,
                                "HTTP/1.1 429 Too Many Requests\r\nRetry-After:%s\r\n"
                                "Content-Length: 0\r\n\r\n", cases[i].value);
    parse(buf, n);
    CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
    if (RK(&r1.h) != cases[i].kind || RV(&r1.h) != cases[i].v)
      fprintf(stderr, "retry case %u: \"%s\"\n", (unsigned)i, cases[i].value);
    CHECK_EQ_INT(RK(&r1.h), cases[i].kind);
    CHECK(RV(&r1.h) == cases[i].v);
  }
  /* an interim head's longer date leaves nothing behind for the final head's */
  PARSE("HTTP/1.1 103 Early Hints\r\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"
        "HTTP/1.1 503 Unavailable\r\nRetry-After: Sun, 06 Nov 1994 08:49:37\r\nContent-Length: 0\r\n\r\n");
  CHECK_EQ_INT(RK(&r1.h), OA_RETRY_INVALID);
  CHECK_EQ_INT(RV(&r1.h), 0);
  PARSE("HTTP/1.1 503 Unavailable\r\nretry-AFTER: 5\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n");
  CHECK_EQ_INT(RK(&r1.h), OA_RETRY_INVALID);  /* two answers: neither */
  CHECK_EQ_INT(RV(&r1.h), 0);
  PARSE("HTTP/1.1 503 Unavailable\r\nRetry-After: x\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n");
  CHECK_EQ_INT(RK(&r1.h), OA_RETRY_INVALID);
  PARSE("HTTP/1.1 503 Unavailable\r\nContent-Length: 0\r\n\r\n");
  CHECK_EQ_INT(RK(&r1.h), OA_RETRY_ABSENT);
  CHECK_EQ_INT(RV(&r1.h), 0);
}

/* ---- the caller's side: leftovers, on_body, arguments ------------------------ */
static void test_pipelined(void)
{
  static const char two[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
    "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nno\r\n0\r\n\r\n"
    "HTTP/1.1 204 No Content\r\n\r\n";
  size_t first = 41, second = 66, u = 99;
  oa_http h;
  PARSE(two);
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.used, first);
  CHECK_MEM(r1.body, r1.body_len, "abc", 3);
  /* fed again once done: nothing more is consumed */
  CHECK_EQ_INT(oa_http_feed(&r1.h, two + first, 10, &u), ODEUS_OK);
  CHECK_EQ_INT(u, 0);
  CHECK_EQ_INT(r1.h.body_read, 3);
  /* the next response starts where the first ended */
  parse(two + first, sizeof two - 1 - first);
  CHECK_EQ_INT(r1.h.status, 404);
  CHECK_EQ_INT(r1.used, second);
  CHECK_MEM(r1.body, r1.body_len, "no", 2);
  parse(two + first + second, sizeof two - 1 - first - second);
  CHECK_EQ_INT(r1.h.status, 204);
  CHECK_EQ_INT(r1.used, 27);
  CHECK_EQ_INT(r1.h.done, 1);
  /* no on_body: the body is skipped but counted */
  oa_http_init(&h, NULL, NULL);
  CHECK_EQ_INT(oa_http_feed(&h, two, sizeof two - 1, &u), ODEUS_OK);
  CHECK_EQ_INT(u, first);
  CHECK_EQ_INT(h.body_read, 3);
  CHECK_EQ_INT(h.done, 1);
}

static void test_callback_stop(void)
{
  static const char in[] = CHUNKED "2\r\nab\r\n2\r\ncd\r\n2\r\nef\r\n0\r\n\r\n";
  static run r;
  r.stop_after = 2;
  run_split(&r, in, sizeof in - 1, ONE_SHOT, 0, 0, 0);
  CHECK_EQ_INT(r.feed_rc, 77);
  CHECK_EQ_INT(r.finish_rc, 77);
  CHECK_EQ_INT(r.calls, 2);
  CHECK_MEM(r.body, r.body_len, "abcd", 4);
  CHECK_EQ_INT(r.used, sizeof(CHUNKED "2\r\nab\r\n2\r\ncd") - 1); /* delivered bytes are used */
  CHECK_EQ_INT(oa_http_feed(&r.h, "\r\n", 2, NULL), 77);
}

static void test_arguments(void)
{
  oa_http h;
  size_t u = 5;
  oa_http_init(&h, NULL, NULL);
  CHECK_EQ_INT(h.head_max, ODEUS_HTTP_HEAD_MAX);
  CHECK(h.body_max == 0);
  CHECK_EQ_INT(RK(&h), OA_RETRY_ABSENT);
  CHECK_EQ_INT(oa_http_feed(NULL, "x", 1, &u), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(u, 0);
  CHECK_EQ_INT(oa_http_feed(&h, NULL, 1, NULL), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(oa_http_feed(&h, NULL, 0, &u), ODEUS_OK);
  CHECK_EQ_INT(oa_http_finish(NULL), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(oa_http_finish(&h), ODEUS_ERR_HTTP_TRUNCATED);
}

/* ---- generated responses ----------------------------------------------------
 * Valid responses built at random, with what they must parse to; then
 * every split must give the same, and a copy with one byte changed must
 * at least give the same under every split. */
typedef struct want {
  int status; char reason[64]; int keep_alive, chunked, has_cl, until_close;
  uint64_t cl; oa_retry_kind retry_kind; uint64_t retry_value;
  char body[2048]; size_t body_len; size_t used;
} want;

static char gen_buf[16384];
static size_t gen_len;
static want gw;

static void put(const char *s, size_t n) { memcpy(gen_buf + gen_len, s, n); gen_len += n; }
static void puts_(const char *s) { put(s, strlen(s)); }
static void put_ows(void) { size_t n = rnd_below(3); while (n--) put(rnd_below(2) ? " " : "\t", 1); }
static void put_u64(uint64_t v, int hex, int upper)
{
  char tmp[24]; size_t i = sizeof tmp;
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do { tmp[--i] = digits[v % (hex ? 16u : 10u)]; v /= hex ? 16u : 10u; } while (v);
  put(tmp + i, sizeof tmp - i);
}
/* Text in random letter case. */
static void put_cased(const char *text)
{
  for (; *text; text++) {
    char c = *text;
    if (c >= 'a' && c <= 'z' && rnd_below(2)) c = (char)(c - 'a' + 'A');
    else if (c >= 'A' && c <= 'Z' && rnd_below(2)) c = (char)(c - 'A' + 'a');
    put(&c, 1);
  }
}
static void put_name(const char *name)
{
  put_cased(name);
  put(":", 1);
  put_ows();
}
/* Bytes allowed in a value: VCHAR, SP, HTAB, obs-text (not at the ends). */
static void put_value_text(size_t n)
{
  while (n--) {
    unsigned c = (unsigned)rnd_below(4) == 0 ? 0x80u + (unsigned)rnd_below(128)
                                              : 0x21u + (unsigned)rnd_below(94);
    char ch = (char)c;
    if (n && rnd_below(8) == 0) ch = rnd_below(2) ? ' ' : '\t';
    put(&ch, 1);
  }
}
static void put_other_header(void)
{
  static const char *const names[] = {
    "Date", "Server", "Content-Type", "X-Request-Id", "Cache-Control", "Content-Lengthy",
    "Connectio", "Retry-After-X", "Vary", "Transfer-Encodin", "Content-Encoding", "c", "R",
    "!#$%&'*+-.^_`|~09azAZ"
  };
  put_name(names[rnd_below(OA_COUNT(names))]);
  put_value_text(rnd_below(40));
  put_ows();
  puts_("\r\n");
}

static void put_interim(void)
{
  static const char *const lines[] = { "HTTP/1.1 100 Continue\r\n", "HTTP/1.1 103 Early Hints\r\n",
                                       "HTTP/1.1 199 \r\n", "HTTP/1.0 102\r\n" };
  size_t n = rnd_below(4), kind;
  unsigned seen = 0;
  puts_(lines[rnd_below(OA_COUNT(lines))]);
  while (n--) {
    kind = rnd_below(4);
    if (kind < 3 && (seen & (1u << kind))) kind = 3; /* each at most once */
    seen |= 1u << kind;
    switch (kind) {
    case 0: put_name("Retry-After"); puts_("7\r\n"); break;
    case 1: put_name("Connection"); puts_("close\r\n"); break;
    case 2: put_name("Content-Length"); puts_("3\r\n"); break;
    default: put_other_header(); break;
    }
  }
  puts_("\r\n");
}

static void put_connection(int http10)
{
  static const struct { const char *v; int close, keep; } vals[] = {
    { "close", 1, 0 }, { "keep-alive", 0, 1 }, { "Keep-Alive, Upgrade", 0, 1 },
    { "upgrade", 0, 0 }, { "te, close", 1, 0 }, { ",,keep-alive ,", 0, 1 }, { "closer", 0, 0 }
  };
  size_t i = rnd_below(OA_COUNT(vals));
  put_name("Connection");
  puts_(vals[i].v);
  put_ows();
  puts_("\r\n");
  if (vals[i].close) gw.keep_alive = 0;
  else if (http10) gw.keep_alive = vals[i].keep;
}

static void put_retry(void)
{
  static const struct { const char *v; oa_retry_kind k; uint64_t value; } vals[] = {
    { "30", OA_RETRY_SECONDS, 30 }, { "0", OA_RETRY_SECONDS, 0 },
    { "99999999999", OA_RETRY_TOO_LARGE, 4294967295u },
    { "Sun, 06 Nov 1994 08:49:37 GMT", OA_RETRY_DATE, 784111777u },
    { "Sun, 06 Nov 1994 08:49:37", OA_RETRY_INVALID, 0 }, { "soon", OA_RETRY_INVALID, 0 }
  };
  size_t i = rnd_below(OA_COUNT(vals));
  put_name("Retry-After");
  puts_(vals[i].v);
  put_ows();
  puts_("\r\n");
  gw.retry_kind = vals[i].k;
  gw.retry_value = vals[i].value;
}

static void put_chunked_body(void)
{
  size_t at = 0, n;
  while (at < gw.body_len) {
    n = 1 + rnd_below(rnd_below(2) ? 8 : 300);
    if (n > gw.body_len - at) n = gw.body_len - at;
    if (rnd_below(4) == 0) puts_("00");
    put_u64(n, 1, (int)rnd_below(2));
    if (rnd_below(3) == 0) { put_ows(); puts_(";ext"); if (rnd_below(2)) puts_("=\"q; \\\" v\""); }
    puts_("\r\n");
    put(gw.body + at, n);
    puts_("\r\n");
    at += n;
  }
  puts_(rnd_below(2) ? "0\r\n" : "000;end\r\n");
  n = rnd_below(3);
  while (n--) put_other_header();
  puts_("\r\n");
}

/* One valid response into gen_buf and its expectations into gw. */
static void generate(void)
{
  static const int statuses[] = { 200, 201, 202, 204, 301, 304, 400, 401, 403, 404, 429, 500, 503, 999 };
  int http10 = rnd_below(5) == 0, framing, order[8];
  size_t i, n, nheaders;
  memset(&gw, 0, sizeof gw);
  gen_len = 0;
  n = rnd_below(4) == 0 ? 1 + rnd_below(2) : 0;
  while (n--) put_interim();
  gw.status = statuses[rnd_below(OA_COUNT(statuses))];
  puts_(http10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  put_u64((uint64_t)gw.status, 0, 0);
  if (rnd_below(6)) {
    size_t start = gen_len, rl;
    puts_(" ");
    put_value_text(rnd_below(80));
    rl = gen_len - start - 1;
    memcpy(gw.reason, gen_buf + start + 1, rl < 63 ? rl : 63);
  }
  puts_("\r\n");
  gw.keep_alive = !http10;
  gw.retry_kind = OA_RETRY_ABSENT;
  gw.body_len = rnd_below(4) == 0 ? 0 : rnd_below(rnd_below(2) ? 40 : sizeof gw.body);
  for (i = 0; i < gw.body_len; i++) gw.body[i] = (char)rnd();
  framing = (int)rnd_below(3); /* 0 Content-Length, 1 chunked, 2 until close */
  if (gw.status == 204 || gw.status == 304) { framing = rnd_below(2) ? 0 : 3; gw.body_len = 0; }
  /* the headers, in random order: 0 framing, 1 Connection, 2 Retry-After, 3.. others */
  nheaders = 3 + rnd_below(6);
  for (i = 0; i < nheaders; i++) order[i] = (int)i;
  for (i = nheaders; i > 1; i--) {
    size_t j = rnd_below(i);
    int t = order[i - 1]; order[i - 1] = order[j]; order[j] = t;
  }
  for (i = 0; i < nheaders; i++) {
    switch (order[i]) {
    case 0:
      if (framing == 0) {
        put_name("Content-Length");
        if (rnd_below(4) == 0) puts_("000");
        put_u64(gw.body_len, 0, 0);
        put_ows();
        puts_("\r\n");
        gw.has_cl = 1;
        gw.cl = gw.body_len;
      } else if (framing == 1) {
        put_name("Transfer-Encoding");
        put_cased("chunked");
        put_ows();
        puts_("\r\n");
        gw.chunked = 1;
      }
      break;
    case 1: if (rnd_below(2)) put_connection(http10); break;
    case 2: if (rnd_below(2)) put_retry(); break;
    default: put_other_header(); break;
    }
  }
  puts_("\r\n");
  if (framing == 1 && http10) gw.keep_alive = 0;
  if (framing == 2) { gw.until_close = 1; gw.keep_alive = 0; }
  if (framing == 1) put_chunked_body();
  else if (framing != 3) put(gw.body, gw.body_len);
  gw.used = gen_len;
  if (framing != 2 && rnd_below(2)) puts_("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
}

static void test_generated(void)
{
  static run r;
  static char mutated[sizeof gen_buf];
  int i, bad = 0;
  rng_state = 0x9e3779b97f4a7c15ull;
  for (i = 0; i < 3000; i++) {
    const char *why = NULL;
    generate();
    run_once(&r, gen_buf, gen_len);
    if (r.feed_rc != ODEUS_OK) why = "feed result";
    else if (r.finish_rc != ODEUS_OK) why = "finish result";
    else if (r.used != gw.used) why = "used";
    else if (r.h.status != gw.status || strcmp(r.h.reason, gw.reason) != 0) why = "status";
    else if (!r.h.head_done || !r.h.done) why = "done";
    else if (r.h.keep_alive != gw.keep_alive || r.h.chunked != gw.chunked) why = "flags";
    else if (r.h.has_content_length != gw.has_cl || r.h.content_length != gw.cl) why = "length";
    else if (RK(&r.h) != gw.retry_kind || RV(&r.h) != gw.retry_value) why = "retry";
    else if (r.body_len != gw.body_len || memcmp(r.body, gw.body, gw.body_len) != 0) why = "body";
    if (why && bad++ < 5) fprintf(stderr, "generated %d: %s differs\n%.*s\n", i, why,
                                  (int)(gen_len < 300 ? gen_len : 300), gen_buf);
    check_splits_n(gen_buf, gen_len, 0, 0, "generated", 0);
    /* one byte changed; cut short with a small head_max or body_max */
    memcpy(mutated, gen_buf, gen_len);
    mutated[rnd_below(gen_len)] = (char)rnd();
    check_splits_n(mutated, gen_len, 0, 0, "mutated", 0);
    check_splits_n(gen_buf, gen_len - 1 - rnd_below(gen_len), 1 + rnd_below(300),
                   rnd_below(600), "bounded", 0);
  }
  CHECK_EQ_INT(bad, 0);
}

/* A realistic 200: several headers, the body in one on_body call. */
static void test_typical_answer(void)
{
  static char in[1024];
  size_t n, body = 560;
  n = (size_t)snprintf(in, sizeof in,
    "HTTP/1.1 200 OK\r\nDate: Tue, 10 Mar 2026 12:00:00 GMT\r\n"
    "Content-Type: application/json; charset=utf-8\r\nContent-Length: %u\r\n"
    "Connection: keep-alive\r\nX-Request-Id: 6f1c2e1a-8d2b-4c55-9a57-3c1f0e9d7b21\r\n"
    "Cache-Control: no-store\r\nStrict-Transport-Security: max-age=31536000\r\n\r\n", (unsigned)body);
  memset(in + n, '{', body);
  parse(in, n + body);
  CHECK_EQ_INT(r1.feed_rc, ODEUS_OK);
  CHECK_EQ_INT(r1.h.done, 1);
  CHECK_EQ_INT(r1.body_len, body);
  CHECK_EQ_INT(r1.calls, 1);
}

/* Field lines are read one after another in one call, resumed where a piece ended: at a line's start,
 * in a name, between a name and its value, in a value, between CR and LF. Three pieces cut at every
 * pair of offsets must give what one feed gives, for a head holding every kind of line (the reason,
 * each item, Retry-After, names that part from ours late, a chunked body's trailers). */
static void test_lines_in_three(void)
{
  static const char *const heads[] = {
    "HTTP/1.1 200 OK go\r\nServer: x\r\nContent-Type: a/b\r\nContent-Length: 12\r\nConnection: keep-alive, close\r\n"
    "Retry-After: 120\r\nConnectio: 1\r\nretry-aftex: 2\r\n\r\nhello world!",
    "HTTP/1.0 503 Busy\r\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\nTransfer-Encoding: chunked\r\n"
    "Connection: keep-alive\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\nContent-Length: 9\r\n\r\n",
    "HTTP/1.1 404 \r\ncontent-length:3\r\nCONNECTION:close\r\n\r\nabc",
    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
  };
  size_t k, i, j;
  for (k = 0; k < sizeof heads / sizeof heads[0]; k++) {
    const char *in = heads[k];
    size_t len = strlen(in);
    int bad = 0;
    run_once(&ref, in, len);
    for (i = 1; i < len; i++)
      for (j = i + 1; j < len; j++) {
        size_t cuts[3], pos = 0, n;
        memset(&alt, 0, sizeof alt);
        oa_http_init(&alt.h, collect, &alt);
        alt.feed_rc = ODEUS_OK;
        cuts[0] = i; cuts[1] = j; cuts[2] = len;
        for (n = 0; n < 3 && alt.feed_rc == ODEUS_OK; n++) {
          size_t u = 0;
          alt.feed_rc = oa_http_feed(&alt.h, in + pos, cuts[n] - pos, &u);
          alt.used += u;
          if (u < cuts[n] - pos) break;
          pos = cuts[n];
        }
        alt.finish_rc = oa_http_finish(&alt.h);
        if (differ(&ref, &alt) != NULL && !bad++)
          fprintf(stderr, "three pieces at %u and %u differ in %s: head %u\n", (unsigned)i, (unsigned)j,
                  differ(&ref, &alt), (unsigned)k);
      }
    CHECK_EQ_INT(bad, 0);
  }
}

/* Bit 6 of the byte classes is what a field value may hold (HTAB, SP, VCHAR, obs-text): the
 * parser's runs read it alone. Every byte at every place of the four-byte turn, in a value nobody
 * reads and in the reason phrase, fed whole and in every split. */
static void test_value_bytes(void)
{
  static const char tail[] = "w\r\nContent-Length: 0\r\n\r\n";
  static char buf[64];
  static run r;
  unsigned c, k;
  for (c = 0; c < 256; c++) {
    int text = (c >= 0x20 && c < 0x7f) || c >= 0x80 || c == '\t';
    CHECK_EQ_INT(OA_HTTP_TEXT(c) != 0, text);
    for (k = 0; k < 6; k++) {
      size_t at, len;
      int h;
      for (h = 0; h < 2; h++) {
        /* "HTTP/1.1 200 OK" then "\r\nX-Y: " + k bytes + c, or the reason: k bytes + c */
        len = (size_t)sprintf(buf, h ? "HTTP/1.1 200 " : "HTTP/1.1 200 OK\r\nX-Y: ");
        memset(buf + len, 'v', k);
        at = len + k;
        buf[at] = (char)c;
        memcpy(buf + at + 1, tail, sizeof tail);
        len = at + sizeof tail; /* (its NUL stands for c) */
        run_once(&r, buf, len);
        if (text) {
          CHECK_EQ_INT(r.feed_rc, ODEUS_OK);
          CHECK_EQ_INT(r.h.done, 1);
          CHECK_EQ_INT(r.used, len);
        } else {
          CHECK_EQ_INT(r.feed_rc, c == '\r' ? ODEUS_ERR_HTTP_BARE_CR : ODEUS_ERR_HTTP_CONTROL);
          CHECK_EQ_INT(r.used, c == '\r' ? at + 1 : at);
        }
        check_splits(buf, len, 0, 0, buf);
      }
    }
  }
}

int main(void)
{
  rng_state = 0x2545f4914f6cdd1dull;
  test_rejects();
  test_content_length();
  test_chunked();
  test_until_close();
  test_interim();
  test_connection();
  test_status_line();
  test_head_max();
  test_retry_after();
  test_pipelined();
  test_callback_stop();
  test_arguments();
  test_typical_answer();
  test_lines_in_three();
  test_value_bytes();
  test_generated();
  return TEST_END();
}

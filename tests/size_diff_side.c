/* One side of the size/speed differential test (tests/size_diff.c has the
 * build commands). Compiled twice:
 *
 *   -DSD_SIDE=speed -DODEUS_OPTIMIZE_SIZE=0   defines sd_transcript_speed
 *   -DSD_SIDE=small -DODEUS_OPTIMIZE_SIZE=1   defines sd_transcript_small
 *
 * Each object holds its own static copy of the library (ODEUS_AUTH_STATIC),
 * so both link into one program, and the same test code below drives both.
 *
 * A transcript is text, one line per observation. It records everything a
 * caller can see through the public API: each call's result, every output
 * field, every byte delivered or written. Pointers handed back by the
 * library are recorded as offsets into the caller's own buffers (the input,
 * the storage, the piece fed), never as addresses, so two correct builds
 * give equal transcripts. Bytes the contract leaves unspecified (a writer's
 * buffer past the output, its content after a validation error) are never
 * recorded. */
#define ODEUS_AUTH_STATIC
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "size_diff.h"
#include "example.h"
#include "lcg.h"
#include <stdlib.h>
#include <string.h>

#ifndef SD_SIDE
#error "compile with -DSD_SIDE=speed or -DSD_SIDE=small"
#endif
#define SD_CAT_(a, b) a##b
#define SD_CAT(a, b) SD_CAT_(a, b)

#define SD_MESSAGES 4           /* responses read from one HTTP stream */
#define SD_BODY_STOP 99         /* what a stopping on_body returns */
#define SD_EVENT_STOP 98        /* what a stopping JSON callback returns */
#define SD_MAX_CALLS 100000u    /* bound of any loop that waits for an end */

/* ---- the transcript --------------------------------------------------------- */

/* The writer of the transcript is not under test, and it handles every
 * byte many times over: under the sanitizers it would cost more than the
 * library it watches, so it runs uninstrumented where the compiler can. */
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 8)
#define SD_PLAIN __attribute__((no_sanitize("address", "undefined")))
#else
#define SD_PLAIN
#endif

typedef struct sd_out {
  char *buf;
  size_t cap;
  size_t len;                   /* may exceed cap: the length needed */
} sd_out;

SD_PLAIN static void sd_put(sd_out *o, const char *s, size_t n)
{
  size_t room = o->len < o->cap ? o->cap - o->len : 0, k = n < room ? n : room, i;
  for (i = 0; i < k; i++) o->buf[o->len + i] = s[i];
  o->len += n;
}

SD_PLAIN static void sd_putc(sd_out *o, char c)
{
  if (o->len < o->cap) o->buf[o->len] = c;
  o->len++;
}

SD_PLAIN static void sd_puts(sd_out *o, const char *s)
{
  while (*s) sd_putc(o, *s++);
}

SD_PLAIN static void sd_digits(sd_out *o, unsigned long long v)
{
  char d[24];
  size_t i = sizeof d;
  do {
    d[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  sd_put(o, d + i, sizeof d - i);
}

/* " name=" */
static void sd_name(sd_out *o, const char *name)
{
  sd_putc(o, ' ');
  sd_puts(o, name);
  sd_putc(o, '=');
}

static void sd_u(sd_out *o, const char *name, unsigned long long v)
{
  sd_name(o, name);
  sd_digits(o, v);
}

static void sd_i(sd_out *o, const char *name, long long v)
{
  sd_name(o, name);
  if (v < 0) sd_putc(o, '-');
  sd_digits(o, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v);
}

/* Bytes as a quoted string: printable ASCII as it is, the rest as \xNN,
 * so a transcript line never holds a raw newline. It stays instrumented:
 * it reads what the library points at, which must be memory it may. */
static void sd_quoted(sd_out *o, const void *data, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)data;
  size_t i;
  sd_putc(o, '"');
  for (i = 0; i < n; i++) {
    unsigned c = p[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      sd_putc(o, (char)c);
    } else {
      char e[4];
      e[0] = '\\';
      e[1] = 'x';
      e[2] = hex[c >> 4];
      e[3] = hex[c & 15];
      sd_put(o, e, 4);
    }
  }
  sd_putc(o, '"');
}

static void sd_bytes(sd_out *o, const char *name, const void *data, size_t n)
{
  sd_name(o, name);
  sd_quoted(o, data, n);
}

/* strnlen is POSIX, not C99. */
static size_t sd_strnlen(const char *s, size_t max)
{
  size_t n = 0;
  while (n < max && s[n]) n++;
  return n;
}

static void sd_line(sd_out *o, const char *tag)
{
  sd_puts(o, tag);
}

static void sd_end(sd_out *o)
{
  sd_putc(o, '\n');
}

/* The buffers a returned pointer may point into. */
typedef struct sd_areas {
  const char *in;               /* the caller's input */
  size_t in_len;
  const char *store;            /* the caller's storage */
  size_t store_len;
} sd_areas;

static int sd_inside(const char *p, size_t n, const char *base, size_t len)
{
  return base && p >= base && p <= base + len && n <= (size_t)(base + len - p);
}

/* A string handed back: null, cut (no pointer, a length), or its bytes
 * with where they lie: in@ offset into the input, st@ into the storage, or
 * ext (a constant of the library, such as the empty string). */
static void sd_str(sd_out *o, const char *name, const char *p, size_t n, const sd_areas *a)
{
  sd_name(o, name);
  if (!p) {
    sd_puts(o, n ? "cut" : "null");
    if (n) sd_digits(o, n);
    return;
  }
  if (a && sd_inside(p, n, a->in, a->in_len)) {
    sd_puts(o, "in@");
    sd_digits(o, (unsigned long long)(p - a->in));
  } else if (a && sd_inside(p, n, a->store, a->store_len)) {
    sd_puts(o, "st@");
    sd_digits(o, (unsigned long long)(p - a->store));
  } else {
    sd_puts(o, "ext");
  }
  sd_quoted(o, p, n);
}

static void sd_ostr(sd_out *o, const char *name, odeus_str s, const sd_areas *a)
{
  sd_str(o, name, s.ptr, s.len, a);
}

/* ---- memory and pieces ---------------------------------------------------------- */

static void *sd_alloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (!p) abort();
  return p;
}

/* Copies of the input at their exact size, so that the address sanitizer
 * sees a read past what the library was given. */
static char *sd_copy(const unsigned char *in, size_t len)
{
  char *p = (char *)sd_alloc(len);
  if (len) memcpy(p, in, len);
  return p;
}

/* The same, NUL-terminated, for the API's C strings. */
static char *sd_cstring(const unsigned char *in, size_t len)
{
  char *p = (char *)sd_alloc(len + 1);
  if (len) memcpy(p, in, len);
  p[len] = '\0';
  return p;
}

/* A piece is copied to the end of a buffer as long as the input, so that a
 * read past the piece runs off the allocation. */
typedef struct sd_feed {
  char *buf;
  size_t cap;
} sd_feed;

static void sd_feed_open(sd_feed *f, size_t len)
{
  f->cap = len ? len : 1;
  f->buf = (char *)sd_alloc(f->cap);
}

static const char *sd_piece(sd_feed *f, const unsigned char *src, size_t n)
{
  char *p = f->buf + f->cap - n;
  memcpy(p, src, n);
  return p;
}

/* ---- how the input is split --------------------------------------------------------
 * Seed 0: everything at once; 1: one byte at a time; the others by seed % 4:
 * pieces of 1..3, 1..17 or 1..100 bytes, or one cut at a random place and
 * then the rest at once. The salt gives each run of the same seed its own
 * pseudo-random sizes. */
typedef struct sd_split {
  unsigned seed;
  uint32_t state;
  int cut;
} sd_split;

static void sd_split_init(sd_split *sp, unsigned seed, unsigned salt)
{
  sp->seed = seed;
  sp->state = seed * 2654435761u ^ (salt + 1u) * 0x9e3779b9u;
  sp->cut = 0;
}

static size_t sd_split_next(sd_split *sp, size_t left)
{
  size_t n;
  if (sp->seed == 0) return left;
  if (sp->seed == 1) return left ? 1 : 0;
  switch (sp->seed % 4) {
  case 0: n = 1 + test_lcg(&sp->state) % 3; break;
  case 1: n = 1 + test_lcg(&sp->state) % 17; break;
  case 2: n = 1 + test_lcg(&sp->state) % 100; break;
  default:
    if (sp->cut) return left;
    sp->cut = 1;
    n = 1 + test_lcg(&sp->state) % (left ? left : 1);
    break;
  }
  return n < left ? n : left;
}

/* Which setups (bounds, callbacks, capacities) a seed runs: seeds 0 and 1
 * (at once, byte by byte) all of them; the others the first and one more
 * in turn, so that each setup still meets every kind of split while a
 * transcript stays cheap enough for many inputs. */
static int sd_runs(unsigned seed, unsigned setup, unsigned count)
{
  return seed < 2 || setup == 0 || setup == 1 + (seed >> 2) % (count - 1);
}

/* The byte at i, 0 past the end (a short input still has a layout). */
static unsigned sd_byte(const unsigned char *in, size_t len, size_t i)
{
  return i < len ? in[i] : 0u;
}

/* ---- answers (parts HTTP and ANSWER) ---------------------------------------------- */

typedef struct sd_answer_box {
  odeus_answer a;
  odeus_answer_field *fields;   /* exact sizes: the sanitizer guards them */
  char *strings;
} sd_answer_box;

/* fill: what the struct holds before the library sets it (0xa5 shows that
 * odeus_answer_begin resets every member; 0 where the library may leave it
 * untouched: oa_answer_parse_response on an HTTP error, an exchange
 * that read no answer body). */
static void sd_answer_open(sd_answer_box *b, size_t field_cap, size_t cap, int fill)
{
  b->fields = (odeus_answer_field *)sd_alloc(field_cap * sizeof *b->fields);
  b->strings = (char *)sd_alloc(cap);
  memset(&b->a, fill, sizeof b->a);
  b->a.fields = field_cap ? b->fields : NULL;
  b->a.field_capacity = field_cap;
  b->a.strings = cap ? b->strings : NULL;
  b->a.strings_capacity = cap;
}

static void sd_answer_close(sd_answer_box *b)
{
  free(b->fields);
  free(b->strings);
}

static void sd_problem_fields(sd_out *o, const odeus_problem *p, const sd_areas *a)
{
  sd_i(o, "rule", (long long)p->rule);
  sd_i(o, "key", (long long)p->key);
  sd_u(o, "index", (unsigned long long)p->index);
  sd_i(o, "member", (long long)p->member);
  sd_u(o, "limit", (unsigned long long)p->limit);
  sd_u(o, "actual", (unsigned long long)p->actual);
  sd_ostr(o, "text", p->text, a);
}

/* A formatter with the snprintf contract, at a roomy and a tight cap. */
typedef size_t (*sd_format_fn)(const void *obj, char *buf, size_t cap);

static void sd_formatted(sd_out *o, const char *tag, sd_format_fn fn, const void *obj)
{
  char line[512];
  size_t caps[2], i;
  memset(line, 0, sizeof line); /* a formatter that wrote nothing shows "" */
  caps[0] = sizeof line;
  caps[1] = 9;
  for (i = 0; i < 2; i++) {
    size_t need = fn(obj, line, caps[i]);
    sd_line(o, tag);
    sd_u(o, "cap", caps[i]);
    sd_u(o, "needed", need);
    sd_bytes(o, "text", line, sd_strnlen(line, caps[i]));
    sd_end(o);
  }
  sd_line(o, tag);
  sd_u(o, "measured", fn(obj, NULL, 0));
  sd_end(o);
}

static size_t sd_answer_problem_format(const void *obj, char *buf, size_t cap)
{
  return odeus_answer_problem_format((const odeus_answer *)obj, buf, cap);
}

/* A writer with the snprintf contract of odeus_write_body: measured, then
 * written at caps around the size it needs (exact, one short, with the room
 * a one-pass writer looks for, half, one byte), each into a buffer of
 * exactly that size. Only the bytes before min(needed, cap) are recorded,
 * and none after a validation error. */
typedef odeus_result (*sd_writer_fn)(const void *obj, char *buf, size_t cap, size_t *needed);

static int sd_written(odeus_result r)
{
  return r == ODEUS_OK || r == ODEUS_ERR_BUFFER_TOO_SMALL;
}

static void sd_write_at(sd_out *o, const char *tag, sd_writer_fn fn, const void *obj, size_t cap)
{
  char *buf = (char *)sd_alloc(cap);
  size_t needed = 12345;
  odeus_result r = fn(obj, buf, cap, &needed);
  sd_line(o, tag);
  sd_u(o, "cap", cap);
  sd_i(o, "r", (long long)r);
  if (sd_written(r)) {
    sd_u(o, "needed", needed);
    sd_bytes(o, "out", buf, needed < cap ? needed : cap);
  }
  sd_end(o);
  free(buf);
}

/* full: every cap; otherwise the exact one and one that seed picks. */
static void sd_write_caps(sd_out *o, const char *tag, sd_writer_fn fn, const void *obj, unsigned seed,
                          int full)
{
  size_t needed = 12345, caps[7], n = 0, i;
  odeus_result r = fn(obj, NULL, 0, &needed);
  sd_line(o, tag);
  sd_puts(o, " measure");
  sd_i(o, "r", (long long)r);
  if (sd_written(r)) sd_u(o, "needed", needed);
  sd_end(o);
  if (!sd_written(r)) return;
  caps[n++] = needed;
  if (full) {
    caps[n++] = needed ? needed - 1 : 0;
    caps[n++] = needed + 64;
    caps[n++] = needed + 200;
    caps[n++] = needed / 2;
    caps[n++] = 1;
  } else {
    size_t d = seed % 80;
    caps[n++] = seed & 1 ? needed + d : (d < needed ? needed - d : 1);
  }
  for (i = 0; i < n; i++) sd_write_at(o, tag, fn, obj, caps[i]);
}

static odeus_result sd_write_answer(const void *obj, char *buf, size_t cap, size_t *needed)
{
  return odeus_write_answer((const odeus_answer *)obj, buf, cap, needed);
}

static void sd_answer_dump(sd_out *o, const sd_answer_box *b, unsigned seed)
{
  const odeus_answer *a = &b->a;
  sd_areas areas;
  size_t i, kept = a->field_count < a->field_capacity ? a->field_count : a->field_capacity;
  memset(&areas, 0, sizeof areas);
  areas.store = a->strings;
  areas.store_len = a->strings_capacity;
  sd_line(o, "answer");
  sd_ostr(o, "id", a->id, &areas);
  sd_i(o, "auth_type", (long long)a->auth_type);
  sd_ostr(o, "auth_type_text", a->auth_type_text, &areas);
  sd_ostr(o, "auth_test_code", a->auth_test_code, &areas);
  sd_u(o, "field_count", a->field_count);
  sd_i(o, "has_oauth_client", a->has_oauth_client);
  sd_u(o, "strings_needed", a->strings_needed);
  sd_i(o, "cut", a->cut);
  sd_end(o);
  for (i = 0; i < kept; i++) {
    const odeus_answer_field *f = &a->fields[i];
    sd_line(o, "answer_field");
    sd_u(o, "i", i);
    sd_ostr(o, "slug", f->slug, &areas);
    sd_ostr(o, "label", f->label, &areas);
    sd_i(o, "type", (long long)f->type);
    sd_ostr(o, "type_text", f->type_text, &areas);
    sd_ostr(o, "description", f->description, &areas);
    sd_ostr(o, "placeholder", f->placeholder, &areas);
    sd_i(o, "required", f->required);
    sd_end(o);
  }
  sd_line(o, "answer_oauth");
  sd_ostr(o, "scopes", a->oauth_client.scopes, &areas);
  sd_ostr(o, "label", a->oauth_client.label, &areas);
  sd_ostr(o, "authorization_code", a->oauth_client.authorization_code, &areas);
  sd_ostr(o, "access_token_code", a->oauth_client.access_token_code, &areas);
  sd_ostr(o, "refresh_token_code", a->oauth_client.refresh_token_code, &areas);
  sd_end(o);
  sd_line(o, "answer_message");
  sd_ostr(o, "message", a->message, &areas);
  sd_end(o);
  sd_line(o, "answer_problem");
  sd_problem_fields(o, &a->problem, &areas);
  sd_end(o);
  sd_formatted(o, "answer_problem_format", sd_answer_problem_format, a);
  sd_write_caps(o, "write_answer", sd_write_answer, a, seed, seed == 0);
}

/* ---- part HTTP -------------------------------------------------------------------- */

typedef struct sd_body {
  sd_out *o;
  const char *piece;            /* the piece being fed */
  size_t piece_len;
  size_t calls;
  size_t stop_at;               /* on_body returns SD_BODY_STOP on this call (0: never) */
} sd_body;

static int sd_on_body(void *ctx, const char *data, size_t len)
{
  sd_body *b = (sd_body *)ctx;
  sd_areas areas;
  memset(&areas, 0, sizeof areas);
  areas.in = b->piece;
  areas.in_len = b->piece_len;
  b->calls++;
  sd_line(b->o, "on_body");
  sd_str(b->o, "data", data, len, &areas);
  sd_end(b->o);
  return b->calls == b->stop_at ? SD_BODY_STOP : 0;
}

static void sd_http_dump(sd_out *o, const oa_http *h)
{
  sd_line(o, "http");
  sd_i(o, "status", h->status);
  sd_bytes(o, "reason", h->reason, sd_strnlen(h->reason, sizeof h->reason));
  sd_i(o, "head_done", h->head_done);
  sd_i(o, "done", h->done);
  sd_i(o, "chunked", h->chunked);
  sd_i(o, "keep_alive", h->keep_alive);
  sd_i(o, "has_content_length", h->has_content_length);
  sd_u(o, "content_length", h->content_length);
  sd_i(o, "retry_kind", (long long)h->retry_kind);
  sd_u(o, "retry_value", h->retry_value);
  sd_u(o, "body_read", h->body_read);
  sd_i(o, "error", h->error);
  sd_end(o);
}

typedef struct sd_http_setup {
  size_t head_max;              /* 0: the default */
  uint64_t body_max;
  int body;                     /* deliver the body to on_body */
  size_t stop_at;               /* on_body stops on this call (0: never) */
} sd_http_setup;

/* One response read from in[0..len), fed in pieces from sp. Returns the
 * bytes it used; *more: the message ended cleanly and the stream may hold
 * the next one. */
static size_t sd_http_message(sd_out *o, const unsigned char *in, size_t len, sd_split *sp,
                              const sd_http_setup *s, sd_feed *f, int *more)
{
  oa_http h;
  sd_body b;
  odeus_result r = ODEUS_OK, fin;
  size_t at = 0, used = 0;
  memset(&b, 0, sizeof b);
  b.o = o;
  b.stop_at = s->stop_at;
  oa_http_init(&h, s->body ? sd_on_body : NULL, &b);
  if (s->head_max) h.head_max = s->head_max;
  h.body_max = s->body_max;
  while (at < len) {
    size_t n = sd_split_next(sp, len - at);
    b.piece = sd_piece(f, in + at, n);
    b.piece_len = n;
    r = oa_http_feed(&h, b.piece, n, &used);
    sd_line(o, "http_feed");
    sd_u(o, "n", n);
    sd_i(o, "r", (long long)r);
    sd_u(o, "used", used);
    sd_end(o);
    at += used;
    if (r != ODEUS_OK || used < n) break;
  }
  r = oa_http_feed(&h, NULL, 0, &used);
  sd_line(o, "http_feed_empty");
  sd_i(o, "r", (long long)r);
  sd_u(o, "used", used);
  sd_end(o);
  fin = oa_http_finish(&h);
  sd_line(o, "http_finish");
  sd_i(o, "r", (long long)fin);
  sd_end(o);
  sd_http_dump(o, &h);
  *more = r == ODEUS_OK && fin == ODEUS_OK && h.done && at > 0;
  return at;
}

/* The responses of a stream, each with a parser of its own, as on a
 * kept-alive connection. */
static void sd_http_stream(sd_out *o, const unsigned char *in, size_t len, unsigned seed, unsigned salt,
                           const sd_http_setup *s, sd_feed *f)
{
  sd_split sp;
  size_t pos = 0;
  int m, more = 1;
  sd_split_init(&sp, seed, salt);
  for (m = 0; m < SD_MESSAGES && more && pos < len; m++) {
    sd_line(o, "http_message");
    sd_u(o, "setup", salt);
    sd_u(o, "at", pos);
    sd_u(o, "head_max", s->head_max);
    sd_u(o, "body_max", s->body_max);
    sd_end(o);
    pos += sd_http_message(o, in + pos, len - pos, &sp, s, f, &more);
  }
}

/* An in-memory network for an exchange: recv hands out the response in
 * pieces from the splitter, send takes part of what it is given, and both
 * sometimes answer "would block", as a non-blocking socket does. At the
 * end of the response the peer closes, or (some seeds) the network fails. */
typedef struct sd_net {
  const unsigned char *in;
  size_t len, at;
  sd_split sp;
  uint32_t rnd;
  unsigned want;                /* would block about once in `want` calls (0: never) */
  int end;                      /* what recv returns past the response: 0 or an error */
  size_t sent;
  uint32_t sent_hash;           /* FNV-1a of the bytes sent */
} sd_net;

static int sd_net_blocks(sd_net *n)
{
  return n->want && test_lcg(&n->rnd) % n->want == 0;
}

static int sd_net_send(void *ctx, const unsigned char *buf, size_t len)
{
  sd_net *n = (sd_net *)ctx;
  size_t k, i;
  if (sd_net_blocks(n)) return ODEUS_IO_WANT_WRITE;
  if (!len) return 0;
  k = n->want ? 1 + test_lcg(&n->rnd) % len : len;
  if (k > 65536) k = 65536;
  for (i = 0; i < k; i++) n->sent_hash = (n->sent_hash ^ buf[i]) * 16777619u;
  n->sent += k;
  return (int)k;
}

static int sd_net_recv(void *ctx, unsigned char *buf, size_t len)
{
  sd_net *n = (sd_net *)ctx;
  size_t k;
  if (sd_net_blocks(n)) return ODEUS_IO_WANT_READ;
  if (n->at >= n->len) return n->end;
  k = sd_split_next(&n->sp, n->len - n->at);
  if (k > len) k = len;
  if (k > 65536) k = 65536;
  memcpy(buf, n->in + n->at, k);
  n->at += k;
  return (int)k;
}

/* The request of an exchange: a small one, since only the answer comes from
 * the input (part CONFIG writes requests of every kind). */
static const odeus_config sd_exchange_config = { ODEUS_AUTH_NONE, NULL, 0, { NULL, 0 }, NULL };

static void sd_exchange(sd_out *o, const unsigned char *in, size_t len, unsigned seed)
{
  /* a one-byte window costs a walk of the request per byte: seed 1 only */
  static const size_t windows[] = { 256, 7, 16, 61, 512, 4096 };
  odeus_request req = { NULL, EXAMPLE_KEY, EXAMPLE_ID, &sd_exchange_config };
  size_t window_size = seed == 1 ? 1 : windows[seed % (sizeof windows / sizeof windows[0])];
  unsigned char *window = (unsigned char *)sd_alloc(window_size);
  sd_answer_box box;
  odeus_exchange x;
  odeus_io io;
  sd_net net;
  oa_outcome oc;
  odeus_result r;
  unsigned calls = 0;
  uint32_t delay = 7;
  int again;
  memset(&net, 0, sizeof net);
  net.in = in;
  net.len = len;
  net.rnd = seed;
  net.want = seed < 2 ? 0 : 2 + seed % 5;
  net.end = seed % 5 == 4 ? -0x4c : 0; /* a reset, as mbedTLS would report it */
  net.sent_hash = 2166136261u;
  sd_split_init(&net.sp, seed, 7);
  io.send = sd_net_send;
  io.recv = sd_net_recv;
  io.ctx = &net;
  sd_answer_open(&box, 4, 1024, 0); /* untouched when no answer body is read */
  memset(&x, 0, sizeof x);
  r = odeus_exchange_begin(&x, &req, &box.a, window, window_size);
  sd_line(o, "exchange_begin");
  sd_u(o, "window", window_size);
  sd_i(o, "r", (long long)r);
  sd_end(o);
  if (r == ODEUS_OK) {
    do {
      r = odeus_exchange_run(&x, &io);
      calls++;
    } while ((r == ODEUS_WANT_READ || r == ODEUS_WANT_WRITE) && calls < SD_MAX_CALLS);
    sd_line(o, "exchange");
    sd_i(o, "r", (long long)r);
    sd_u(o, "calls", calls);
    sd_u(o, "sent", net.sent);
    sd_u(o, "sent_hash", net.sent_hash);
    sd_u(o, "received", x.received);
    sd_u(o, "leftover", x.leftover);
    sd_i(o, "io_error", x.io_error);
    sd_i(o, "result", (long long)x.result);
    sd_i(o, "reusable", odeus_exchange_reusable(&x));
    sd_end(o);
    sd_http_dump(o, &x.http);
    sd_answer_dump(o, &box, seed);
  }
  oc = oa_outcome_of(&x, r);
  again = oa_retry_decide(NULL, 1, &oc, &delay);
  sd_line(o, "outcome");
  sd_i(o, "result", (long long)oc.result);
  sd_i(o, "status", oc.status);
  sd_i(o, "retry_kind", (long long)oc.retry_kind);
  sd_u(o, "retry_value", oc.retry_value);
  sd_i(o, "again", again);
  sd_u(o, "delay", delay);
  sd_end(o);
  odeus_exchange_end(&x);
  sd_answer_close(&box);
  free(window);
}

static void sd_parse_response(sd_out *o, const char *tag, const unsigned char *in, size_t len,
                              size_t field_cap, size_t cap, unsigned seed)
{
  char *copy = sd_copy(in, len);
  sd_answer_box box;
  odeus_result r;
  sd_answer_open(&box, field_cap, cap, 0);
  r = oa_answer_parse_response(copy, len, &box.a);
  sd_line(o, tag);
  sd_u(o, "field_cap", field_cap);
  sd_u(o, "cap", cap);
  sd_i(o, "r", (long long)r);
  sd_end(o);
  sd_answer_dump(o, &box, seed);
  sd_answer_close(&box);
  free(copy);
}

static void sd_part_http(sd_out *o, const unsigned char *in, size_t len, unsigned seed)
{
  unsigned bounds = sd_byte(in, len, 1);
  const unsigned char *stream = in + (len < 2 ? len : 2);
  size_t n = len < 2 ? 0 : len - 2;
  sd_http_setup s[5];
  sd_feed f;
  unsigned i;
  memset(s, 0, sizeof s);
  s[0].body = 1;
  s[1].body = 1;                /* the fuzz target's bounds */
  s[1].head_max = (size_t)(bounds & 0x0fu) * 24u;
  s[1].body_max = (uint64_t)((bounds >> 4) & 7u) * 40u;
  s[2].body = 1;                /* tight bounds, somewhere else for each seed */
  s[2].head_max = 1 + (seed * 37u + (unsigned)n) % 160u;
  s[2].body_max = 1 + (seed * 13u) % 64u;
  s[3].body = 0;                /* no on_body: the body is skipped */
  s[4].body = 1;                /* on_body stops the parser */
  s[4].stop_at = 1 + seed % 3;
  sd_feed_open(&f, n);
  for (i = 0; i < 5; i++)
    if (sd_runs(seed, i, 5)) sd_http_stream(o, stream, n, seed, i, &s[i], &f);
  free(f.buf);
  sd_exchange(o, stream, n, seed);
  if (seed == 0) sd_parse_response(o, "parse_response", stream, n, 16, 4096, seed);
}

/* ---- part JSON -------------------------------------------------------------------- */

typedef struct sd_events {
  sd_out *o;
  const char *piece;
  size_t piece_len;
  size_t count;
  size_t stop_at;               /* the callback stops the reader at this event (0: never) */
} sd_events;

static int sd_on_event(void *ctx, const oa_json_event *ev)
{
  sd_events *e = (sd_events *)ctx;
  sd_out *o = e->o;
  e->count++;
  sd_line(o, "event");
  sd_i(o, "type", (long long)ev->type);
  sd_u(o, "flags", ev->flags);
  sd_u(o, "depth", ev->depth);
  sd_u(o, "offset", ev->offset);
  if (!ev->text) {
    sd_u(o, "len", ev->len);
    sd_puts(o, " text=NULL");
  } else if (ev->flags & OA_JSON_RAW) {
    sd_areas areas;
    memset(&areas, 0, sizeof areas);
    areas.in = e->piece;
    areas.in_len = e->piece_len;
    sd_str(o, "raw", ev->text, ev->len, &areas);
  } else {
    sd_bytes(o, "text", ev->text, ev->len);
  }
  sd_end(o);
  return e->count == e->stop_at ? SD_EVENT_STOP : 0;
}

typedef struct sd_json_setup {
  int events;                   /* a callback (else NULL: only check) */
  int lone_surrogate_error;
  size_t stop_at;
} sd_json_setup;

static void sd_json_state(sd_out *o, const char *tag, odeus_result r, const oa_json *js)
{
  sd_line(o, tag);
  sd_i(o, "r", (long long)r);
  sd_u(o, "offset", js->offset);
  sd_u(o, "depth", js->depth);
  sd_i(o, "error", js->error);
  sd_end(o);
}

/* Returns the number of events delivered. */
static size_t sd_json_run(sd_out *o, const unsigned char *text, size_t len, unsigned seed, unsigned salt,
                          const sd_json_setup *s, sd_feed *f)
{
  oa_json js;
  sd_events e;
  sd_split sp;
  odeus_result r = ODEUS_OK;
  size_t at = 0;
  memset(&e, 0, sizeof e);
  e.o = o;
  e.stop_at = s->stop_at;
  sd_split_init(&sp, seed, salt);
  oa_json_init(&js, s->events ? sd_on_event : NULL, &e);
  js.lone_surrogate_error = s->lone_surrogate_error;
  sd_line(o, "json_run");
  sd_u(o, "setup", salt);
  sd_end(o);
  while (at < len && r == ODEUS_OK) {
    size_t n = sd_split_next(&sp, len - at);
    e.piece = sd_piece(f, text + at, n);
    e.piece_len = n;
    r = oa_json_feed(&js, e.piece, n);
    sd_line(o, "json_feed");
    sd_u(o, "n", n);
    sd_end(o);
    sd_json_state(o, "json_after_feed", r, &js);
    at += n;
  }
  sd_json_state(o, "json_finish", oa_json_finish(&js), &js);
  if (js.error) sd_json_state(o, "json_feed_after_error", oa_json_feed(&js, "1", 1), &js);
  return e.count;
}

static void sd_part_json(sd_out *o, const unsigned char *in, size_t len, unsigned seed)
{
  const unsigned char *text = in + (len < 1 ? len : 1);
  size_t n = len < 1 ? 0 : len - 1;
  sd_json_setup s[4];
  sd_feed f;
  size_t events;
  unsigned i;
  memset(s, 0, sizeof s);
  s[0].events = 1;
  s[1].events = 1;
  s[1].lone_surrogate_error = 1;
  s[2].events = 0;
  s[3].events = 1;
  sd_feed_open(&f, n);
  events = sd_json_run(o, text, n, seed, 0, &s[0], &f);
  /* the callback stops the reader at one of the events the text has */
  s[3].stop_at = 1 + (seed * 2654435761u >> 8) % (events ? events : 1);
  for (i = 1; i < 4; i++)
    if (sd_runs(seed, i, 4)) sd_json_run(o, text, n, seed, i, &s[i], &f);
  free(f.buf);
}

/* ---- part ANSWER -------------------------------------------------------------------- */

/* The fuzz target's choices (tests/fuzz/fuzz_answer.c), by byte 0. */
static const int sd_statuses[16] = { 200, 200, 200, 200, 201, 204, 400, 400,
                                     401, 403, 404, 429, 500, 503, 418, 302 };
static const size_t sd_string_caps[4] = { 0, 9, 96, 4096 };
static const size_t sd_field_caps[4] = { 0, 1, 3, 16 };

static void sd_answer_run(sd_out *o, const unsigned char *body, size_t len, int status, size_t field_cap,
                          size_t cap, unsigned seed, unsigned salt, sd_feed *f)
{
  sd_answer_box box;
  odeus_answer_reader reader;
  sd_split sp;
  odeus_result r = ODEUS_OK;
  size_t at = 0;
  sd_answer_open(&box, field_cap, cap, 0xa5);
  sd_split_init(&sp, seed, salt);
  odeus_answer_begin(&reader, &box.a, status);
  sd_line(o, "answer_run");
  sd_i(o, "status", status);
  sd_u(o, "field_cap", field_cap);
  sd_u(o, "cap", cap);
  sd_end(o);
  while (at < len && r == ODEUS_OK) {
    size_t n = sd_split_next(&sp, len - at);
    r = odeus_answer_feed(&reader, sd_piece(f, body + at, n), n);
    sd_line(o, "answer_feed");
    sd_u(o, "n", n);
    sd_i(o, "r", (long long)r);
    sd_end(o);
    at += n;
  }
  if (r != ODEUS_OK) {
    sd_line(o, "answer_feed_after_error");
    sd_i(o, "r", (long long)odeus_answer_feed(&reader, "}", 1));
    sd_end(o);
  }
  r = odeus_answer_finish(&reader, salt & 1 ? NULL : "Some Reason");
  sd_line(o, "answer_finish");
  sd_i(o, "r", (long long)r);
  sd_i(o, "error", reader.error);
  sd_i(o, "status", reader.status);
  sd_end(o);
  /* the reader's public members: the JSON reader under it included */
  sd_json_state(o, "answer_json", (odeus_result)reader.json.error, &reader.json);
  sd_answer_dump(o, &box, seed);
  sd_answer_close(&box);
}

/* The body wrapped in a response with that status and its Content-Length. */
static void sd_answer_as_response(sd_out *o, const unsigned char *body, size_t len, int status,
                                  size_t field_cap, size_t cap)
{
  static const char head[] = "HTTP/1.1 ", crlf[] = "\r\n";
  sd_out resp;
  memset(&resp, 0, sizeof resp);
  resp.cap = len + 128;
  resp.buf = (char *)sd_alloc(resp.cap);
  sd_puts(&resp, head);
  sd_digits(&resp, (unsigned long long)status);
  sd_puts(&resp, " Reason");
  sd_puts(&resp, crlf);
  sd_puts(&resp, "Content-Length: ");
  sd_digits(&resp, len);
  sd_puts(&resp, crlf);
  sd_puts(&resp, crlf);
  sd_put(&resp, (const char *)body, len);
  sd_parse_response(o, "parse_response_wrapped", (const unsigned char *)resp.buf, resp.len, field_cap, cap,
                    0);
  free(resp.buf);
}

static void sd_part_answer(sd_out *o, const unsigned char *in, size_t len, unsigned seed)
{
  unsigned b0 = sd_byte(in, len, 0);
  int status = sd_statuses[b0 & 15];
  size_t cap = sd_string_caps[(b0 >> 4) & 3], field_cap = sd_field_caps[b0 >> 6];
  const unsigned char *body = in + (len < 2 ? len : 2);
  size_t n = len < 2 ? 0 : len - 2;
  sd_feed f;
  sd_line(o, "status_result");
  sd_i(o, "r", (long long)oa_status_result(status));
  sd_end(o);
  /* the capacities byte 0 chose, none, tight, roomy; and a 200 reading of
   * an error answer's body */
  static const size_t field_caps[4] = { 0, 0, 1, 16 }, caps[4] = { 0, 0, 9, 4096 };
  unsigned i;
  sd_feed_open(&f, n);
  for (i = 0; i < 5; i++) {
    if (!sd_runs(seed, i, 5)) continue;
    if (i == 0) sd_answer_run(o, body, n, status, field_cap, cap, seed, i, &f);
    else if (i < 4) sd_answer_run(o, body, n, status, field_caps[i], caps[i], seed, i, &f);
    else if (status != 200) sd_answer_run(o, body, n, 200, 16, 4096, seed, i, &f);
  }
  free(f.buf);
  if (seed == 0) {
    sd_parse_response(o, "parse_response_raw", in, len, 16, 4096, seed);
    sd_answer_as_response(o, body, n, status, field_cap, cap);
  }
}

/* ---- part CONFIG -------------------------------------------------------------------- */

static void sd_problems_dump(sd_out *o, const odeus_problems *pr, const sd_areas *a)
{
  size_t i;
  sd_line(o, "problems");
  sd_u(o, "count", pr->count);
  sd_end(o);
  for (i = 0; i < pr->count && i < pr->capacity; i++) {
    const odeus_problem *p = &pr->items[i];
    char line[256];
    size_t need;
    memset(line, 0, sizeof line);
    sd_line(o, "problem");
    sd_u(o, "i", i);
    sd_problem_fields(o, p, a);
    sd_end(o);
    need = odeus_problem_format(p, line, sizeof line);
    sd_line(o, "problem_format");
    sd_u(o, "needed", need);
    sd_bytes(o, "text", line, sd_strnlen(line, sizeof line));
    need = odeus_problem_format(p, line, 12);
    sd_u(o, "needed12", need);
    sd_bytes(o, "text12", line, sd_strnlen(line, 12));
    sd_end(o);
    need = oa_problem_path(p, line, sizeof line);
    sd_line(o, "problem_path");
    sd_u(o, "needed", need);
    sd_bytes(o, "text", line, sd_strnlen(line, sizeof line));
    sd_u(o, "measured", oa_problem_path(p, NULL, 0));
    sd_end(o);
  }
}

static void sd_field_dump(sd_out *o, size_t i, const odeus_auth_field *f, const sd_areas *a)
{
  sd_line(o, "config_field");
  sd_u(o, "i", i);
  sd_ostr(o, "slug", f->slug, a);
  sd_ostr(o, "label", f->label, a);
  sd_i(o, "type", (long long)f->type);
  sd_ostr(o, "description", f->description, a);
  sd_ostr(o, "placeholder", f->placeholder, a);
  sd_i(o, "required", (long long)f->required);
  sd_end(o);
}

static void sd_oauth_dump(sd_out *o, const odeus_oauth_client *c, const sd_areas *a)
{
  sd_line(o, "config_oauth");
  sd_ostr(o, "scopes", c->scopes, a);
  sd_ostr(o, "auth_url", c->auth_url, a);
  sd_ostr(o, "token_url", c->token_url, a);
  sd_ostr(o, "client_id", c->client_id, a);
  sd_ostr(o, "client_secret", c->client_secret, a);
  sd_ostr(o, "label", c->label, a);
  sd_ostr(o, "authorization_code", c->authorization_code, a);
  sd_ostr(o, "access_token_code", c->access_token_code, a);
  sd_ostr(o, "refresh_token_code", c->refresh_token_code, a);
  sd_end(o);
}

/* show_fields: cfg->fields may be read (field_count elements of it). */
static void sd_config_dump(sd_out *o, const odeus_config *cfg, int show_fields, const sd_areas *a)
{
  size_t i;
  sd_line(o, "config");
  sd_i(o, "auth_type", (long long)cfg->auth_type);
  sd_puts(o, cfg->fields ? (show_fields ? " fields=set" : " fields=elsewhere") : " fields=NULL");
  sd_u(o, "field_count", cfg->field_count);
  sd_ostr(o, "auth_test_code", cfg->auth_test_code, a);
  sd_puts(o, cfg->oauth_client ? " oauth_client=set" : " oauth_client=NULL");
  sd_end(o);
  for (i = 0; show_fields && cfg->fields && i < cfg->field_count; i++)
    sd_field_dump(o, i, &cfg->fields[i], a);
  if (cfg->oauth_client) sd_oauth_dump(o, cfg->oauth_client, a);
}

static odeus_result sd_write_body(const void *obj, char *buf, size_t cap, size_t *needed)
{
  return odeus_write_body((const odeus_config *)obj, buf, cap, needed);
}

static odeus_result sd_write_request(const void *obj, char *buf, size_t cap, size_t *needed)
{
  return odeus_write_request((const odeus_request *)obj, buf, cap, needed);
}

static odeus_result sd_write_redacted(const void *obj, char *buf, size_t cap, size_t *needed)
{
  return odeus_write_request_redacted((const odeus_request *)obj, buf, cap, needed);
}

/* The request through a window: its size drawn per call (seed 0: all at
 * once, 1: one byte), and once a seek back, as a sender that lost part of
 * a window does. */
static void sd_stream(sd_out *o, const odeus_request *req, unsigned seed)
{
  oa_stream st;
  odeus_result r = oa_stream_begin(&st, req);
  uint32_t rnd = seed * 2246822519u + 1u;
  unsigned calls = 0;
  char *all;
  size_t got;
  sd_line(o, "stream_begin");
  sd_i(o, "r", (long long)r);
  if (r == ODEUS_OK) {
    sd_u(o, "content_length", st.content_length);
    sd_u(o, "total", st.total);
  }
  sd_end(o);
  if (r != ODEUS_OK) return;
  all = (char *)sd_alloc(st.total);
  sd_line(o, "stream_next");
  do {
    size_t w = seed == 0 ? st.total + 1 : seed == 1 ? 1 : 1 + test_lcg(&rnd) % 97;
    size_t from = st.offset;
    char *window = (char *)sd_alloc(w);
    got = oa_stream_next(&st, window, w);
    if (got <= st.total && from <= st.total - got) memcpy(all + from, window, got);
    free(window);
    sd_u(o, "n", got);
    if (++calls == 3 && seed > 1) {
      size_t back = seed % 50 < st.offset ? seed % 50 : st.offset;
      odeus_request_seek(&st, st.offset - back);
      sd_u(o, "seek", st.offset);
    }
  } while (got && calls < SD_MAX_CALLS);
  sd_end(o);
  sd_line(o, "stream_end");
  sd_u(o, "offset", st.offset);
  sd_bytes(o, "request", all, st.total);
  sd_end(o);
  free(all);
}

typedef struct sd_cb_sink {
  sd_out *o;
  size_t calls;
  size_t stop_at;
} sd_cb_sink;

static int sd_cb_write(void *ctx, const char *data, size_t len)
{
  sd_cb_sink *s = (sd_cb_sink *)ctx;
  s->calls++;
  sd_line(s->o, "cb_write");
  sd_bytes(s->o, "data", data, len);
  sd_end(s->o);
  return s->calls == s->stop_at;
}

static void sd_write_cb(sd_out *o, const odeus_request *req, unsigned seed)
{
  size_t w = seed == 0 ? 4096 : seed == 1 ? 1 : 1 + (seed * 29u) % 300u;
  char *window = (char *)sd_alloc(w);
  sd_cb_sink s;
  odeus_result r;
  memset(&s, 0, sizeof s);
  s.o = o;
  s.stop_at = seed & 1 ? 0 : 1 + seed % 4;
  r = odeus_write_request_cb(req, window, w, sd_cb_write, &s);
  sd_line(o, "write_request_cb");
  sd_u(o, "window", w);
  sd_i(o, "r", (long long)r);
  sd_u(o, "calls", s.calls);
  sd_end(o);
  free(window);
}

/* Everything the writers make of a config: the verdict and its problems,
 * the body and the request (plain and redacted) at several caps, the
 * request through windows and through a callback. */
static void sd_config_outputs(sd_out *o, const odeus_config *cfg, const sd_areas *a, unsigned seed)
{
  odeus_problem items[12];
  odeus_problems pr = { items, 12, 0 };
  odeus_request req = { NULL, EXAMPLE_KEY, EXAMPLE_ID, NULL };
  odeus_request local = { "http://127.0.0.1:8080/api/", "k", "550E8400-E29B-41D4-A716-446655440000", NULL };
  odeus_result r;
  req.config = cfg;
  local.config = cfg;
  r = odeus_validate_config(cfg, &pr);
  sd_line(o, "validate_config");
  sd_i(o, "r", (long long)r);
  sd_i(o, "r_null", (long long)odeus_validate_config(cfg, NULL));
  sd_end(o);
  sd_problems_dump(o, &pr, a);
  sd_write_caps(o, "write_body", sd_write_body, cfg, seed, seed == 0);
  if (sd_runs(seed, 1, 4)) sd_write_caps(o, "write_request", sd_write_request, &req, seed, seed == 0);
  if (sd_runs(seed, 2, 4)) sd_write_caps(o, "write_request_local", sd_write_request, &local, seed, 0);
  if (sd_runs(seed, 3, 4))
    sd_write_caps(o, "write_request_redacted", sd_write_redacted, &req, seed, seed == 0);
  sd_stream(o, &req, seed);
  sd_write_cb(o, &req, seed);
}

/* The parser's storage: roomy, tight, or none. */
typedef struct sd_config_box {
  odeus_config cfg;
  odeus_config_storage st;
  odeus_problems pr;
  odeus_auth_field *fields;
  odeus_oauth_client *oauth;
  char *strings;
  odeus_problem *items;
} sd_config_box;

static void sd_config_open(sd_config_box *b, unsigned kind)
{
  static const size_t field_caps[3] = { 16, 1, 0 }, string_caps[3] = { 4096, 8, 0 },
                      problem_caps[3] = { 16, 2, 1 };
  memset(b, 0, sizeof *b);
  b->fields = (odeus_auth_field *)sd_alloc(field_caps[kind] * sizeof *b->fields);
  b->oauth = (odeus_oauth_client *)sd_alloc(sizeof *b->oauth);
  b->strings = (char *)sd_alloc(string_caps[kind]);
  b->items = (odeus_problem *)sd_alloc(problem_caps[kind] * sizeof *b->items);
  b->st.fields = field_caps[kind] ? b->fields : NULL;
  b->st.field_capacity = field_caps[kind];
  b->st.oauth_client = kind < 2 ? b->oauth : NULL;
  b->st.strings = string_caps[kind] ? b->strings : NULL;
  b->st.strings_capacity = string_caps[kind];
  b->pr.items = b->items;
  b->pr.capacity = problem_caps[kind];
}

static void sd_config_close(sd_config_box *b)
{
  free(b->fields);
  free(b->oauth);
  free(b->strings);
  free(b->items);
}

static void sd_parse_config(sd_out *o, const unsigned char *in, size_t len, unsigned kind, unsigned seed)
{
  char *json = sd_copy(in, len);
  sd_config_box b;
  sd_areas areas;
  odeus_result r;
  int show;
  sd_config_open(&b, kind);
  areas.in = json;
  areas.in_len = len;
  areas.store = b.st.strings;
  areas.store_len = b.st.strings_capacity;
  r = odeus_parse_config(json, len, &b.cfg, &b.st, &b.pr);
  sd_line(o, "parse_config");
  sd_u(o, "storage", kind);
  sd_i(o, "r", (long long)r);
  sd_end(o);
  /* the fields are readable where the parser put them in the storage */
  show = !b.cfg.fields || b.cfg.field_count == 0 ||
         (b.cfg.fields == b.st.fields && b.cfg.field_count <= b.st.field_capacity);
  sd_problems_dump(o, &b.pr, &areas);
  sd_config_dump(o, &b.cfg, show, &areas);
  if (show) sd_config_outputs(o, &b.cfg, &areas, seed);
  sd_config_close(&b);
  free(json);
}

/* A slice of the input chosen by the generator, or (sometimes) unset. */
static odeus_str sd_slice(const char *in, size_t len, uint32_t *rnd)
{
  odeus_str s = { NULL, 0 };
  size_t a, b;
  if (test_lcg(rnd) % 8 == 0) return s;
  a = len ? test_lcg(rnd) % (len + 1) : 0;
  b = len ? test_lcg(rnd) % (len + 1) : 0;
  if (a > b) {
    size_t t = a;
    a = b;
    b = t;
  }
  if (b - a > 40 && test_lcg(rnd) % 2) b = a + test_lcg(rnd) % 41; /* short strings are the common case */
  s.ptr = in + a;
  s.len = b - a;
  return s;
}

/* A config made of slices of the input, not through the parser, so that
 * any bytes (quotes, controls, invalid UTF-8, NUL) reach the writers'
 * escaping and checking. */
static void sd_synthetic_config(sd_out *o, const unsigned char *in, size_t len, unsigned seed)
{
  char *copy = sd_copy(in, len);
  odeus_auth_field fields[3];
  odeus_oauth_client oauth;
  odeus_config cfg;
  sd_areas areas;
  uint32_t rnd = seed * 0x9e3779b9u + (uint32_t)len;
  size_t i;
  memset(&cfg, 0, sizeof cfg);
  memset(fields, 0, sizeof fields);
  memset(&oauth, 0, sizeof oauth);
  memset(&areas, 0, sizeof areas);
  areas.in = copy;
  areas.in_len = len;
  cfg.auth_type = (odeus_auth_type)(test_lcg(&rnd) % 7);
  cfg.field_count = test_lcg(&rnd) % 4;
  cfg.fields = cfg.field_count || test_lcg(&rnd) % 2 ? fields : NULL;
  for (i = 0; i < cfg.field_count; i++) {
    fields[i].slug = sd_slice(copy, len, &rnd);
    fields[i].label = sd_slice(copy, len, &rnd);
    fields[i].type = (odeus_field_type)(test_lcg(&rnd) % 7);
    fields[i].description = sd_slice(copy, len, &rnd);
    fields[i].placeholder = sd_slice(copy, len, &rnd);
    fields[i].required = (odeus_bool)(test_lcg(&rnd) % 3);
  }
  cfg.auth_test_code = sd_slice(copy, len, &rnd);
  if (test_lcg(&rnd) % 2) {
    static const char url[] = "https://auth.example.com/oauth2/authorize?x=1";
    odeus_str good = { url, sizeof url - 1 };
    cfg.oauth_client = &oauth;
    oauth.scopes = sd_slice(copy, len, &rnd);
    oauth.auth_url = test_lcg(&rnd) % 2 ? good : sd_slice(copy, len, &rnd);
    oauth.token_url = test_lcg(&rnd) % 2 ? good : sd_slice(copy, len, &rnd);
    oauth.client_id = sd_slice(copy, len, &rnd);
    oauth.client_secret = sd_slice(copy, len, &rnd);
    oauth.label = sd_slice(copy, len, &rnd);
    oauth.authorization_code = sd_slice(copy, len, &rnd);
    oauth.access_token_code = sd_slice(copy, len, &rnd);
    oauth.refresh_token_code = sd_slice(copy, len, &rnd);
  }
  sd_line(o, "synthetic");
  sd_end(o);
  sd_config_dump(o, &cfg, 1, &areas);
  sd_config_outputs(o, &cfg, &areas, seed);
  free(copy);
}

/* A base URL as odeus_parse_base_url reads it: the result and, when it
 * is valid, every part (pointers as offsets into areas). */
static void sd_base_url(sd_out *o, const char *label, const char *text, size_t len, const sd_areas *areas)
{
  odeus_url url;
  odeus_result r;
  memset(&url, 0, sizeof url);
  r = odeus_parse_base_url(text, len, &url);
  sd_line(o, label);
  sd_bytes(o, "text", text, len);
  sd_i(o, "r", (long long)r);
  if (r == ODEUS_OK) {
    sd_i(o, "https", url.https);
    sd_ostr(o, "host", url.host, areas);
    sd_u(o, "port", url.port);
    sd_i(o, "explicit_port", url.explicit_port);
    sd_ostr(o, "prefix", url.prefix, areas);
  }
}

/* The input as the other strings the API checks: a UUID, an API key, a
 * base URL, and each of them in a request. */
static void sd_input_checks(sd_out *o, const unsigned char *in, size_t len)
{
  char *copy = sd_copy(in, len), *c = sd_cstring(in, len);
  odeus_request req[3] = { { NULL, EXAMPLE_KEY, EXAMPLE_ID, &example_config },
                           { NULL, EXAMPLE_KEY, EXAMPLE_ID, &example_config },
                           { NULL, EXAMPLE_KEY, EXAMPLE_ID, &example_config } };
  sd_areas areas;
  size_t units = 0, at = 0;
  int rule = oa_utf16_length(copy, len, &units, &at);
  memset(&areas, 0, sizeof areas);
  areas.in = copy;
  areas.in_len = len;
  sd_line(o, "utf16_length");
  sd_i(o, "rule", rule);
  sd_u(o, "units", units);
  sd_u(o, "at", at);
  sd_end(o);
  sd_line(o, "validate");
  sd_i(o, "id", (long long)odeus_validate_id(copy, len));
  sd_i(o, "api_key", (long long)odeus_validate_api_key(copy, len));
  sd_end(o);
  sd_base_url(o, "parse_base_url", copy, len, &areas);
  sd_end(o);
  req[0].base_url = c;
  req[1].api_key = c;
  req[2].integration_id = c;
  sd_write_caps(o, "request_base_url", sd_write_request, &req[0], 0, 0);
  sd_write_caps(o, "request_api_key", sd_write_redacted, &req[1], 0, 0);
  sd_write_caps(o, "request_id", sd_write_request, &req[2], 0, 0);
  free(copy);
  free(c);
}


/* Without storage and without a problem list: only the verdict. */
static void sd_parse_config_bare(sd_out *o, const unsigned char *in, size_t len)
{
  char *json = sd_copy(in, len);
  odeus_config cfg;
  sd_areas areas;
  odeus_result r = odeus_parse_config(json, len, &cfg, NULL, NULL);
  memset(&areas, 0, sizeof areas);
  areas.in = json;
  areas.in_len = len;
  sd_line(o, "parse_config_bare");
  sd_i(o, "r", (long long)r);
  sd_end(o);
  sd_config_dump(o, &cfg, !cfg.fields || cfg.field_count == 0, &areas);
  free(json);
}

static void sd_part_config(sd_out *o, const unsigned char *in, size_t len, unsigned seed)
{
  if (seed == 0) {
    sd_input_checks(o, in, len);
    sd_parse_config_bare(o, in, len);
  }
  sd_parse_config(o, in, len, seed % 3, seed);
  sd_synthetic_config(o, in, len, seed);
}

/* ---- part TABLES ------------------------------------------------------------------ */

/* Every byte value in each context where a byte class decides (the size
 * build takes the HTTP and URL classes from bitmaps and reads JSON without
 * its block scanners): each text with the byte spliced in for '@', fed at
 * once and one byte at a time. */
static const char *const sd_http_sweeps[] = {
  "HTTP/1.1 200 O@K\r\nContent-Length: 0\r\n\r\n",
  "HTTP/1.1 200 OK\r\nX@Y: v\r\nContent-Length: 0\r\n\r\n",
  "HTTP/1.1 200 OK\r\nX: v@w\r\nContent-Length: 0\r\n\r\n",
  "HTTP/1.1 200 OK\r\nConnection: k@\r\nContent-Length: 1@\r\nRetry-After: 1@\r\n\r\nb",
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;e@x\r\nA\r\n0\r\nT@: v@\r\n\r\n",
  "HTTP/1.@ 2@0 OK\r\n\r\n"
};
static const char *const sd_json_sweeps[] = {
  "[\"a@b\",\"@\"]", "{\"k@\":@0,\"@\":\"\\@\"}", "[1@]", "[@1,t@ue]", "{\"a\":[n@ll,\"\\u00@0\"]}"
};

static const char *const sd_url_sweeps[] = {
  "http://h@st:8@/p@th/", "https://[::@]:443/x", "HTTP@://x", "http://x/%@f", "https://a.b/c?@#d"
};

/* A URL both as a base URL and as an OAuth endpoint, which the validator
 * checks. */
static void sd_url(sd_out *o, const unsigned char *text, size_t len)
{
  char *copy = sd_copy(text, len);
  odeus_oauth_client oauth;
  odeus_config cfg;
  sd_areas areas;
  odeus_problem items[2];
  odeus_problems pr = { items, 2, 0 };
  memset(&areas, 0, sizeof areas);
  areas.in = copy;
  areas.in_len = len;
  sd_base_url(o, "url", copy, len, &areas);
  memset(&cfg, 0, sizeof cfg);
  memset(&oauth, 0, sizeof oauth);
  cfg.auth_type = ODEUS_AUTH_OAUTH;
  cfg.oauth_client = &oauth;
  oauth.auth_url.ptr = copy;
  oauth.auth_url.len = len;
  sd_i(o, "as_oauth_url", (long long)odeus_validate_config(&cfg, &pr));
  sd_u(o, "problems", pr.count);
  sd_end(o);
  free(copy);
}

static void sd_sweep_text(unsigned char *buf, const char *text, unsigned b, size_t *len)
{
  size_t n = 0;
  for (; *text; text++) buf[n++] = *text == '@' ? (unsigned char)b : (unsigned char)*text;
  *len = n;
}

static void sd_sweeps(sd_out *o)
{
  unsigned char buf[128];
  sd_http_setup setup;
  sd_json_setup js;
  sd_feed f;
  size_t i, len;
  unsigned b, seed;
  memset(&setup, 0, sizeof setup);
  setup.body = 1;
  memset(&js, 0, sizeof js);
  js.events = 1;
  for (b = 0; b < 256; b++) {
    for (i = 0; i < sizeof sd_url_sweeps / sizeof sd_url_sweeps[0]; i++) {
      sd_sweep_text(buf, sd_url_sweeps[i], b, &len);
      sd_url(o, buf, len);
    }
    for (seed = 0; seed < 2; seed++) {
      for (i = 0; i < sizeof sd_http_sweeps / sizeof sd_http_sweeps[0]; i++) {
        sd_sweep_text(buf, sd_http_sweeps[i], b, &len);
        sd_feed_open(&f, len);
        sd_http_stream(o, buf, len, seed, 0, &setup, &f);
        free(f.buf);
      }
      for (i = 0; i < sizeof sd_json_sweeps / sizeof sd_json_sweeps[0]; i++) {
        sd_sweep_text(buf, sd_json_sweeps[i], b, &len);
        sd_feed_open(&f, len);
        (void)sd_json_run(o, buf, len, seed, 0, &js, &f);
        free(f.buf);
      }
    }
  }
}

/* The texts of the library's own tables, for every value and a few that
 * are none, and the byte sweeps; the input plays no part. */
static void sd_part_tables(sd_out *o)
{
  int v;
  for (v = -100; v <= 1; v++) {
    const char *t = odeus_result_text((odeus_result)v);
    sd_line(o, "result_text");
    sd_i(o, "r", v);
    sd_bytes(o, "text", t, strlen(t));
    sd_i(o, "status_result", (long long)oa_status_result(v + 300));
    sd_end(o);
  }
  for (v = -1; v <= (int)ODEUS_KEY_OTHER + 1; v++) {
    const char *t = oa_key_name((odeus_key)v);
    sd_line(o, "key_name");
    sd_i(o, "k", v);
    sd_bytes(o, "text", t, strlen(t));
    sd_end(o);
  }
  sd_sweeps(o);
}

/* ---- the entry points ------------------------------------------------------------ */

size_t SD_CAT(sd_transcript_, SD_SIDE)(int part, const unsigned char *in, size_t len, unsigned split_seed,
                                       char *out, size_t cap)
{
  sd_out o;
  o.buf = out;
  o.cap = cap;
  o.len = 0;
  switch (part) {
  case SD_PART_HTTP: sd_part_http(&o, in, len, split_seed); break;
  case SD_PART_JSON: sd_part_json(&o, in, len, split_seed); break;
  case SD_PART_ANSWER: sd_part_answer(&o, in, len, split_seed); break;
  case SD_PART_CONFIG: sd_part_config(&o, in, len, split_seed); break;
  case SD_PART_TABLES: sd_part_tables(&o); break;
  default: sd_puts(&o, "no such part\n"); break;
  }
  return o.len;
}

int SD_CAT(sd_optimize_size_, SD_SIDE)(void)
{
  return ODEUS_OPTIMIZE_SIZE;
}

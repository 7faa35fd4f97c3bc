/* The push JSON reader: RFC 8259 conformance with exact codes and offsets,
 * hand-written event sequences, and the split property (any split of the
 * input gives the same events and the same result). Every expectation below
 * is written by hand from RFC 8259 and the reader's documented contract, or
 * built by the generator alongside the text it writes; none is captured from
 * the reader. */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "utf8_oracle.h"
#include "test.h"

/* ---- helpers ------------------------------------------------------------ */

static uint32_t rnd(uint32_t *s)
{
  uint32_t x = *s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *s = x;
}

/* A bounded text buffer. */
typedef struct buf {
  char *p;
  size_t cap, len;
  int overflow;
} buf;

static void buf_put(buf *b, const char *s, size_t n)
{
  if (b->len + n > b->cap) {
    b->overflow = 1;
    return;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

static void buf_putc(buf *b, char c)
{
  buf_put(b, &c, 1);
}

static void buf_puts(buf *b, const char *s)
{
  buf_put(b, s, strlen(s));
}

static void buf_uint(buf *b, size_t v)
{
  char t[24];
  size_t i = sizeof t;
  do {
    t[--i] = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v);
  buf_put(b, t + i, sizeof t - i);
}

/* Decoded text as the streams show it: bytes below 0x20, backslash and 0x7F
 * as \xHH (lower case), everything else as is. */
static void buf_text(buf *b, const char *s, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  size_t i;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == '\\' || c == 0x7F) {
      char e[4];
      e[0] = '\\';
      e[1] = 'x';
      e[2] = hex[c >> 4];
      e[3] = hex[c & 15];
      buf_put(b, e, 4);
    } else {
      buf_putc(b, (char)c);
    }
  }
}

/* ---- the recorder --------------------------------------------------------
 * joined: one entry per value, fragments joined: "<T><depth>@<offset>:<text> "
 * for KEY (K), STRING (S), NUMBER (N); "<c><depth>@<offset> " for { } [ ] and
 * t f n (true, false, null).
 * frags: one entry per event: "<T><flags>:<text> " (flags: F L R) for
 * fragments, "<c> " for the others.
 * It also checks the fragment contract and sets bad (with why) if broken. */
typedef struct rec {
  const oa_json *js;
  const char *piece;
  size_t piece_len;
  unsigned piece_no;
  buf joined, frags;
  int open;                     /* a token's fragments are arriving */
  unsigned type, depth, nfrag, raw_piece;
  int prev_raw;
  size_t offset;
  size_t complete;              /* joined.len after the last complete entry */
  const char *why;
  unsigned events, stop_at;     /* return stop_code at event number stop_at */
  int stop_code;
  char joined_mem[1 << 16], frags_mem[1 << 12];
} rec;

/* When set, every recorder returns stop_code at event number stop_at. */
static unsigned stop_at_setting;
static int stop_code_setting;

static void rec_reset(rec *r)
{
  memset(r, 0, offsetof(rec, joined_mem));
  r->stop_at = stop_at_setting;
  r->stop_code = stop_code_setting;
  r->joined.p = r->joined_mem;
  r->joined.cap = sizeof r->joined_mem;
  r->frags.p = r->frags_mem;
  r->frags.cap = sizeof r->frags_mem;
}

static void rec_bad(rec *r, const char *why)
{
  if (!r->why) r->why = why;
}

static char type_letter(oa_jev_type t)
{
  switch (t) {
  case OA_JEV_OBJECT_BEGIN: return '{';
  case OA_JEV_OBJECT_END: return '}';
  case OA_JEV_ARRAY_BEGIN: return '[';
  case OA_JEV_ARRAY_END: return ']';
  case OA_JEV_KEY: return 'K';
  case OA_JEV_STRING: return 'S';
  case OA_JEV_NUMBER: return 'N';
  case OA_JEV_TRUE: return 't';
  case OA_JEV_FALSE: return 'f';
  case OA_JEV_NULL: return 'n';
  default: return '?';
  }
}

static void rec_head(buf *b, char letter, unsigned depth, size_t offset)
{
  buf_putc(b, letter);
  buf_uint(b, depth);
  buf_putc(b, '@');
  buf_uint(b, offset);
}

static void rec_fragment(rec *r, const oa_json_event *ev)
{
  char letter = type_letter(ev->type);
  const char *tmp = r->js->tmp;
  if (!r->open) {
    if (!(ev->flags & OA_JSON_FIRST)) rec_bad(r, "a token's first fragment lacks FIRST");
    r->open = 1;
    r->type = (unsigned)ev->type;
    r->depth = ev->depth;
    r->offset = ev->offset;
    r->nfrag = 0;
    r->prev_raw = 0;
    rec_head(&r->joined, letter, ev->depth, ev->offset);
    buf_putc(&r->joined, ':');
  } else {
    if (ev->flags & OA_JSON_FIRST) rec_bad(r, "FIRST in the middle of a token");
    if ((unsigned)ev->type != r->type || ev->depth != r->depth || ev->offset != r->offset)
      rec_bad(r, "a fragment changes type, depth or offset");
  }
  r->nfrag++;
  if (ev->flags & ~(OA_JSON_FIRST | OA_JSON_LAST | OA_JSON_RAW | OA_JSON_LONE)) rec_bad(r, "unknown flag");
  if ((ev->flags & OA_JSON_LONE) && (ev->flags & OA_JSON_RAW)) rec_bad(r, "LONE on a raw fragment");
  if (!ev->text) rec_bad(r, "fragment without text");
  if (ev->len == 0 && !(ev->flags & OA_JSON_LAST)) rec_bad(r, "empty fragment that is not the last");
  if (ev->flags & OA_JSON_RAW) {
    if (ev->text < r->piece || ev->len > r->piece_len
        || (size_t)(ev->text - r->piece) > r->piece_len - ev->len)
      rec_bad(r, "RAW fragment outside the fed piece");
    if (r->prev_raw && r->raw_piece == r->piece_no) rec_bad(r, "raw run split inside one piece");
    r->prev_raw = 1;
    r->raw_piece = r->piece_no;
  } else {
    if (ev->text < tmp || ev->len > sizeof r->js->tmp
        || (size_t)(ev->text - tmp) > sizeof r->js->tmp - ev->len)
      rec_bad(r, "decoded fragment outside the reader");
    r->prev_raw = 0;
  }
  if (ev->type == OA_JEV_NUMBER) {
    size_t i;
    for (i = 0; i < ev->len; i++)
      if (!strchr("0123456789+-.eE", ev->text[i]) || ev->text[i] == '\0')
        rec_bad(r, "number fragment with a byte no number has");
  } else if (ev->text && !utf8_ok(ev->text, ev->len)) {
    rec_bad(r, "fragment is not whole UTF-8 characters");
  }
  if (ev->text) buf_text(&r->joined, ev->text, ev->len);
  buf_putc(&r->frags, letter);
  if (ev->flags & OA_JSON_FIRST) buf_putc(&r->frags, 'F');
  if (ev->flags & OA_JSON_LAST) buf_putc(&r->frags, 'L');
  if (ev->flags & OA_JSON_RAW) buf_putc(&r->frags, 'R');
  buf_putc(&r->frags, ':');
  if (ev->text) buf_text(&r->frags, ev->text, ev->len);
  buf_putc(&r->frags, ' ');
  if (ev->flags & OA_JSON_LAST) {
    buf_putc(&r->joined, ' ');
    r->complete = r->joined.len;
    r->open = 0;
  }
}

static void rec_other(rec *r, const oa_json_event *ev)
{
  char letter = type_letter(ev->type);
  if (r->open) rec_bad(r, "an event inside a token");
  if (ev->flags) rec_bad(r, "flags on a non-fragment event");
  if (letter == 't' || letter == 'f' || letter == 'n') {
    const char *word = letter == 't' ? "true" : letter == 'f' ? "false" : "null";
    if (!ev->text || ev->len != strlen(word) || memcmp(ev->text, word, ev->len) != 0)
      rec_bad(r, "literal event without its word");
  } else if (letter == '?') {
    rec_bad(r, "unknown event type");
  } else if (ev->text || ev->len) {
    rec_bad(r, "container event with text");
  }
  rec_head(&r->joined, letter, ev->depth, ev->offset);
  buf_putc(&r->joined, ' ');
  r->complete = r->joined.len;
  buf_putc(&r->frags, letter);
  buf_putc(&r->frags, ' ');
}

static int rec_fn(void *ctx, const oa_json_event *ev)
{
  rec *r = (rec *)ctx;
  if (++r->events == r->stop_at) return r->stop_code;
  if (ev->type == OA_JEV_KEY || ev->type == OA_JEV_STRING || ev->type == OA_JEV_NUMBER)
    rec_fragment(r, ev);
  else
    rec_other(r, ev);
  return 0;
}

/* ---- feeding -------------------------------------------------------------
 * Each piece is copied to the very end of a static area, so reading past it
 * hits the sanitizer's red zone, and overwritten after the feed, so a reader
 * keeping a pointer into an old piece would deliver garbage. */
enum { SPLIT_WHOLE, SPLIT_BYTES, SPLIT_RANDOM };

typedef struct outcome {
  odeus_result result;
  size_t offset;
} outcome;

static char area[1 << 14];

static outcome feed_split(rec *r, const char *doc, size_t len, unsigned mode, uint32_t seed)
{
  static oa_json js;
  outcome o;
  size_t at = 0, max_piece = 1 + rnd(&seed) % (rnd(&seed) % 2 ? 8 : len + 1);
  o.result = ODEUS_OK;
  rec_reset(r);
  oa_json_init(&js, rec_fn, r);
  r->js = &js;
  while (at < len && o.result == ODEUS_OK) {
    size_t n = mode == SPLIT_WHOLE ? len - at : mode == SPLIT_BYTES ? 1 : 1 + rnd(&seed) % max_piece;
    char *piece;
    if (n > len - at) n = len - at;
    piece = area + sizeof area - n;
    memcpy(piece, doc + at, n);
    r->piece = piece;
    r->piece_len = n;
    r->piece_no++;
    o.result = oa_json_feed(&js, piece, n);
    memset(piece, 0xA5, n);
    at += n;
  }
  if (o.result == ODEUS_OK) o.result = oa_json_finish(&js);
  o.offset = js.offset;
  if (o.result != ODEUS_OK) {
    /* the error (or the callback's stop) sticks */
    if (oa_json_feed(&js, "1", 1) != o.result || oa_json_finish(&js) != o.result)
      rec_bad(r, "the error does not stick");
  } else if (r->open) {
    rec_bad(r, "a token without LAST");
  }
  if (r->joined.overflow) rec_bad(r, "recorder overflow");
  return o;
}

/* The split property: one-shot, one byte at a time and random splits give
 * the same result, error offset and events (fragments joined; after an
 * error, the values completed before it); the recorder finds no broken
 * contract. Returns 0 or prints the first difference. */
static rec rec_whole, rec_other_split;

static int split_property(const char *doc, size_t len, uint32_t seed, unsigned randoms)
{
  outcome w = feed_split(&rec_whole, doc, len, SPLIT_WHOLE, seed), o;
  unsigned i;
  if (rec_whole.why) {
    fprintf(stderr, "one-shot: %s: %.*s\n", rec_whole.why, (int)len, doc);
    return 1;
  }
  if (w.result == ODEUS_OK && !utf8_ok(doc, len)) {
    fprintf(stderr, "accepted invalid UTF-8: %.*s\n", (int)len, doc);
    return 1;
  }
  for (i = 0; i < randoms + 1; i++) {
    o = feed_split(&rec_other_split, doc, len, i == 0 ? SPLIT_BYTES : SPLIT_RANDOM, seed + i);
    if (rec_other_split.why || o.result != w.result || o.offset != w.offset
        || rec_other_split.complete != rec_whole.complete
        || memcmp(rec_other_split.joined.p, rec_whole.joined.p, rec_whole.complete) != 0) {
      fprintf(stderr, "split %u differs (%s): result %d/%d offset %zu/%zu\n  doc: %.*s\n",
              i, rec_other_split.why ? rec_other_split.why : "", (int)o.result, (int)w.result,
              o.offset, w.offset, (int)len, doc);
      return 1;
    }
  }
  return 0;
}

/* One-shot feed; the joined stream as a C string. */
static rec rec_one;

static const char *joined_of(const char *doc, size_t len, outcome *o)
{
  *o = feed_split(&rec_one, doc, len, SPLIT_WHOLE, 1);
  buf_putc(&rec_one.joined, '\0');
  if (rec_one.why) fprintf(stderr, "contract: %s\n", rec_one.why);
  return rec_one.why ? "(contract broken)" : rec_one.joined.p;
}

/* ---- the conformance table ---------------------------------------------- */

typedef struct json_case {
  const char *doc;
  size_t len;
  odeus_result want;
  long offset;                  /* error offset; -1 for an accepted text (its length) */
  const char *joined;           /* expected events, or NULL */
} json_case;

#define OK_(s, j) { s, sizeof(s) - 1, ODEUS_OK, -1, j }
#define NO_(s, r, off) { s, sizeof(s) - 1, r, off, NULL }
#define SYN ODEUS_ERR_JSON_SYNTAX
#define NUM ODEUS_ERR_JSON_NUMBER
#define ESC ODEUS_ERR_JSON_ESCAPE
#define CTL ODEUS_ERR_JSON_CONTROL
#define UTF ODEUS_ERR_JSON_UTF8
#define TRU ODEUS_ERR_JSON_TRUNCATED
#define TRL ODEUS_ERR_JSON_TRAILING

static const json_case cases[] = {
  /* numbers */
  OK_("0", "N0@0:0 "),
  OK_("-0", "N0@0:-0 "),
  OK_("1e5", "N0@0:1e5 "),
  OK_("1E+5", "N0@0:1E+5 "),
  OK_("1e-5", "N0@0:1e-5 "),
  OK_("0.5", "N0@0:0.5 "),
  OK_("-0.0e0", "N0@0:-0.0e0 "),
  OK_("-12.340E-007", "N0@0:-12.340E-007 "),
  OK_("123456789012345678901234567890", "N0@0:123456789012345678901234567890 "),
  OK_("1 ", "N0@0:1 "),
  OK_("[0,-1,2.5,3e2]", "[0@0 N1@1:0 N1@3:-1 N1@6:2.5 N1@10:3e2 ]0@13 "),
  OK_("{\"a\":-0}", "{0@0 K1@1:a N1@5:-0 }0@7 "),
  NO_("01", NUM, 1),
  NO_("-01", NUM, 2),
  NO_("00", NUM, 1),
  NO_("[01]", NUM, 2),
  NO_("1.", NUM, 2),
  NO_("[1.]", NUM, 3),
  NO_(".5", SYN, 0),
  NO_("[.5]", SYN, 1),
  NO_("-", NUM, 1),
  NO_("[-]", NUM, 2),
  NO_("+1", SYN, 0),
  NO_("1e", NUM, 2),
  NO_("[1e]", NUM, 3),
  NO_("1e+", NUM, 3),
  NO_("[1E-]", NUM, 4),
  NO_("0x1", NUM, 1),
  NO_("1x", NUM, 1),
  NO_("-a", NUM, 1),
  NO_("1.5.", NUM, 3),
  NO_("1e5.0", NUM, 3),
  NO_("- 1", NUM, 1),
  NO_("[1:2]", NUM, 2),
  NO_("1\"", NUM, 1),
  NO_("[1/**/]", NUM, 2),
  NO_("NaN", SYN, 0),
  NO_("Infinity", SYN, 0),
  NO_("-Infinity", NUM, 1),
  NO_("[1 2]", SYN, 3),
  /* literals */
  OK_("true", "t0@0 "),
  OK_("false", "f0@0 "),
  OK_("null", "n0@0 "),
  OK_("[true,false,null]", "[0@0 t1@1 f1@6 n1@12 ]0@16 "),
  NO_("t", TRU, 1),
  NO_("tru", TRU, 3),
  NO_("fals", TRU, 4),
  NO_("nul", TRU, 3),
  NO_("[nul", TRU, 4),
  NO_("[tru]", SYN, 4),
  NO_("True", SYN, 0),
  NO_("nulL", SYN, 3),
  NO_("fAlse", SYN, 1),
  NO_("nul l", SYN, 3),
  NO_("truex", TRL, 4),
  NO_("[truex]", SYN, 5),
  NO_("[true false]", SYN, 6),
  /* whitespace: only space, tab, LF and CR */
  OK_(" \t\n\rtrue \t\n\r", "t0@4 "),
  OK_(" { \"a\" : [ 1 , 2 ] } ", "{0@1 K1@3:a [1@9 N2@11:1 N2@15:2 ]1@17 }0@19 "),
  NO_("", TRU, 0),
  NO_("   ", TRU, 3),
  NO_("\f1", SYN, 0),
  NO_("\v1", SYN, 0),
  NO_("\0", SYN, 0),
  NO_("[1,\xC2\xA0 2]", SYN, 3),
  NO_("\"a\"\f", TRL, 3),
  NO_("true\f", TRL, 4),
  NO_("[1\f]", NUM, 2),
  NO_("[true\f]", SYN, 5),
  /* empty containers and structure */
  OK_("{}", "{0@0 }0@1 "),
  OK_("[]", "[0@0 ]0@1 "),
  OK_("[[],{}]", "[0@0 [1@1 ]1@2 {1@4 }1@5 ]0@6 "),
  OK_("{\"\":\"\"}", "{0@0 K1@1: S1@4: }0@6 "),
  OK_("{\"a\":{\"b\":[null]}}", "{0@0 K1@1:a {1@5 K2@6:b [2@10 n3@11 ]2@15 }1@16 }0@17 "),
  /* objects read by the objects loop: compact, spaced, arrays of objects */
  OK_("{\"a\":[{\"b\":\"c\"},{\"d\":false}],\"e\":{\"f\":null}}",
      "{0@0 K1@1:a [1@5 {2@6 K3@7:b S3@11:c }2@14 {2@16 K3@17:d f3@21 }2@26 ]1@27 "
      "K1@29:e {1@33 K2@34:f n2@38 }1@42 }0@43 "),
  OK_("{\"a\"  :\t\"b\" ,\n\"c\":[ {} , {\"d\":\"e\"} ]}",
      "{0@0 K1@1:a S1@8:b K1@14:c [1@18 {2@20 }2@21 {2@25 K3@26:d S3@30:e }2@33 ]1@35 }0@36 "),
  OK_("{\"a\":[],\"b\":[1,{\"c\":\"\\n\"}],\"d\":{}}",
      "{0@0 K1@1:a [1@5 ]1@6 K1@8:b [1@12 N2@13:1 {2@15 K3@16:c S3@20:\\x0a }2@24 ]1@25 "
      "K1@27:d {1@31 }1@32 }0@33 "),
  /* a quote's type (key or string) from what may come next, wherever a quote may come */
  OK_("[ \"a\" , { \"b\" : \"c\" , \"d\" : [ \"e\" ] } ]",
      "[0@0 S1@2:a {1@8 K2@10:b S2@16:c K2@22:d [2@28 S3@30:e ]2@34 }1@36 ]0@38 "),
  OK_("[\"a\",{\"b\":\"c\",\"d\":[\"e\"]}]",
      "[0@0 S1@1:a {1@5 K2@6:b S2@10:c K2@14:d [2@18 S3@19:e ]2@22 }1@23 ]0@24 "),
  OK_("{ \"a\" :[ \"b\" ,\"c\"],\"d\":{ \"e\":\"f\" }}",
      "{0@0 K1@2:a [1@7 S2@9:b S2@14:c ]1@17 K1@19:d {1@23 K2@25:e S2@29:f }1@33 }0@34 "),
  NO_("{\"a\":[{\"b\":1},]}", SYN, 14),
  NO_("{\"a\":{\"b\":\"c\",}}", SYN, 14),
  NO_("{\"a\":[{\"b\":\"c\"}}", SYN, 15),
  NO_("{\"a\":{\"b\":tru}}", SYN, 13),
  NO_("{\"a\":{\"b\":\"c\" \"d\"}}", SYN, 14),
  NO_("{\"a\":\"b\"}x", TRL, 9),
  NO_("{\"a\":\"b\"} }", TRL, 10),
  NO_("{\"a\":\"b\",", TRU, 9),
  NO_("{\"a\":[{\"b\":\"c\"},", TRU, 16),
  OK_("{\"\xC3\xA9\":\"\xE2\x82\xAC\"}", "{0@0 K1@1:\xC3\xA9 S1@6:\xE2\x82\xAC }0@11 "),
  NO_("{\"a\":\"x\xC3(\"}", UTF, 8),
  NO_("{\"a\":\"x\xC3", TRU, 8),
  NO_("{\"a\":\"\xC3\xA9\x01\"}", CTL, 8),
  /* duplicate keys are delivered, both: the consumers decide */
  OK_("{\"a\":1,\"a\":2}", "{0@0 K1@1:a N1@5:1 K1@7:a N1@11:2 }0@12 "),
  NO_("[", TRU, 1),
  NO_("{", TRU, 1),
  NO_("[1", TRU, 2),
  NO_("[1,", TRU, 3),
  NO_("{\"a\"", TRU, 4),
  NO_("{\"a\":", TRU, 5),
  NO_("{\"a\":1", TRU, 6),
  NO_("]", SYN, 0),
  NO_("}", SYN, 0),
  NO_("[}", SYN, 1),
  NO_("{]", SYN, 1),
  NO_("[1}", SYN, 2),
  NO_("{\"a\":1]", SYN, 6),
  NO_("{1:2}", SYN, 1),
  NO_("{\"a\" 1}", SYN, 5),
  NO_("{\"a\":1 \"b\":2}", SYN, 7),
  NO_("{\"a\",1}", SYN, 4),
  NO_("{\"a\"::1}", SYN, 5),
  NO_("{\"a\":}", SYN, 5),
  NO_("[\"a\":1]", SYN, 4),
  NO_("[,1]", SYN, 1),
  NO_("[1,,2]", SYN, 3),
  NO_("{,}", SYN, 1),
  NO_("{'a':1}", SYN, 1),
  NO_("'a'", SYN, 0),
  NO_("[// c\n1]", SYN, 1),
  NO_("/* */1", SYN, 0),
  /* trailing commas */
  NO_("[1,]", SYN, 3),
  NO_("[1 ,]", SYN, 4),
  NO_("[1, ]", SYN, 4),
  NO_("{\"a\":1,}", SYN, 7),
  NO_("{\"a\":1 , }", SYN, 9),
  /* one value only */
  NO_("1 2", TRL, 2),
  NO_("[1]]", TRL, 3),
  NO_("[1],", TRL, 3),
  NO_("{}}", TRL, 2),
  NO_("[][]", TRL, 2),
  NO_("{}{}", TRL, 2),
  NO_("\"a\"\"b\"", TRL, 3),
  NO_("{\"a\":1}x", TRL, 7),
  NO_("[1] x", TRL, 4),
  NO_("[1]/**/", TRL, 3),
  NO_("null null", TRL, 5),
  /* escapes */
  OK_("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "S0@0:\"\\x5c/\\x08\\x0c\\x0a\\x0d\\x09 "),
  OK_("\"\\u0041\\u00e9\\u00E9\\u20ac\\u20AC\\uFFFF\\u007f\"",
      "S0@0:A\xC3\xA9\xC3\xA9\xE2\x82\xAC\xE2\x82\xAC\xEF\xBF\xBF\\x7f "),
  OK_("\"\\u0000\"", "S0@0:\\x00 "),
  OK_("\"\\uD83D\\uDE00\"", "S0@0:\xF0\x9F\x98\x80 "),
  OK_("\"\\ud83d\\ude00\"", "S0@0:\xF0\x9F\x98\x80 "),
  OK_("\"\\uD800\\uDC00\"", "S0@0:\xF0\x90\x80\x80 "),
  OK_("\"\\uDBFF\\uDFFF\"", "S0@0:\xF4\x8F\xBF\xBF "),
  OK_("\"a\\nb\"", "S0@0:a\\x0ab "),
  /* lone surrogates become U+FFFD */
  OK_("\"\\uD83D\"", "S0@0:\xEF\xBF\xBD "),
  OK_("\"\\uD83Dx\"", "S0@0:\xEF\xBF\xBDx "),
  OK_("\"\\uD83D\\n\"", "S0@0:\xEF\xBF\xBD\\x0a "),
  OK_("\"\\uD83D\\u0041\"", "S0@0:\xEF\xBF\xBD" "A "),
  OK_("\"\\uDE00\"", "S0@0:\xEF\xBF\xBD "),
  OK_("\"a\\uDC00b\"", "S0@0:a\xEF\xBF\xBD" "b "),
  OK_("\"\\uDE00\\uD83D\"", "S0@0:\xEF\xBF\xBD\xEF\xBF\xBD "),
  OK_("\"\\uD83D\\uD83D\\uDE00\"", "S0@0:\xEF\xBF\xBD\xF0\x9F\x98\x80 "),
  NO_("\"\\x\"", ESC, 2),
  NO_("\"\\u12\"", ESC, 5),
  NO_("\"\\u12G4\"", ESC, 5),
  NO_("\"\\U0041\"", ESC, 2),
  NO_("\"\\'\"", ESC, 2),
  NO_("\"\\a\"", ESC, 2),
  NO_("\"\\0\"", ESC, 2),
  NO_("\"\\ \"", ESC, 2),
  NO_("\"\\uD83D\\x\"", ESC, 8),
  NO_("\"\\uD83D\\u12\"", ESC, 11),
  NO_("\"\\", TRU, 2),
  NO_("\"\\u00", TRU, 5),
  NO_("\"\\uD83D", TRU, 7),
  NO_("\"\\uD83D\\", TRU, 8),
  /* strings and control characters */
  OK_("\"a\" ", "S0@0:a "),
  OK_("\"\x7F\"", "S0@0:\\x7f "),
  NO_("\"abc", TRU, 4),
  NO_("\"a\x01\"", CTL, 2),
  NO_("\"\x1F\"", CTL, 1),
  NO_("\"\t\"", CTL, 1),
  NO_("\"\n\"", CTL, 1),
  NO_("\"\0\"", CTL, 1),
  NO_("\"abcdefghijklmnop\x01\"", CTL, 17),
  NO_("[\"a\",\"b\r\"]", CTL, 7),
  /* raw UTF-8: the edges of each length accepted, each invalid class refused */
  OK_("\"\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF\"",
      "S0@0:\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF "),
  OK_("\"abcdefgh\xC3\xA9ijklmnopqrstuvw\xF0\x9F\x98\x80\"",
      "S0@0:abcdefgh\xC3\xA9ijklmnopqrstuvw\xF0\x9F\x98\x80 "),
  NO_("\"\x80\"", UTF, 1),
  NO_("\"\xBF\"", UTF, 1),
  NO_("\"\xC0\xAF\"", UTF, 1),
  NO_("\"\xC1\xBF\"", UTF, 1),
  NO_("\"\xE0\x80\xAF\"", UTF, 2),
  NO_("\"\xE0\x9F\xBF\"", UTF, 2),
  NO_("\"\xF0\x80\x80\xAF\"", UTF, 2),
  NO_("\"\xF0\x8F\xBF\xBF\"", UTF, 2),
  NO_("\"\xED\xA0\x80\"", UTF, 2),
  NO_("\"\xED\xBF\xBF\"", UTF, 2),
  NO_("\"\xF4\x90\x80\x80\"", UTF, 2),
  NO_("\"\xF5\x80\x80\x80\"", UTF, 1),
  NO_("\"\xF8\x88\x80\x80\x80\"", UTF, 1),
  NO_("\"\xFE\"", UTF, 1),
  NO_("\"\xFF\"", UTF, 1),
  NO_("\"\xC3\"", UTF, 2),
  NO_("\"\xE2\x82\"", UTF, 3),
  NO_("\"\xF0\x9F\x98\"", UTF, 4),
  NO_("\"\xC3\xA9\xA9\"", UTF, 3),
  NO_("\"\xE2\x28\xA1\"", UTF, 2),
  NO_("\"abcdefgh\xC3\xA9ijklmnop\xE9\"", UTF, 20),
  NO_("\"\xC3", TRU, 2),
  NO_("\"\xF0\x9F\x98", TRU, 4),
  NO_("\xC3\xA9", SYN, 0),
  NO_("[\xC3\xA9]", SYN, 1),
  /* a byte order mark is not JSON whitespace */
  NO_("\xEF\xBB\xBF{}", SYN, 0),
  NO_("\xEF\xBB\xBF\"a\"", SYN, 0),
};

static void test_table(void)
{
  size_t i;
  for (i = 0; i < OA_COUNT(cases); i++) {
    const json_case *c = &cases[i];
    outcome o;
    const char *got = joined_of(c->doc, c->len, &o);
    if (o.result != c->want || o.offset != (c->offset < 0 ? c->len : (size_t)c->offset))
      fprintf(stderr, "case %zu: %.*s\n", i, (int)c->len, c->doc);
    CHECK_EQ_INT(o.result, c->want);
    CHECK_EQ_INT(o.offset, c->offset < 0 ? c->len : (size_t)c->offset);
    if (c->joined) CHECK_STR(got, c->joined);
    CHECK_EQ_INT(split_property(c->doc, c->len, (uint32_t)(i * 7919 + 1), 24), 0);
  }
}

/* ---- hand-written event sequences --------------------------------------- */

static void test_sequence(void)
{
  static const char doc[] = "{\"id\":\"x1\",\"n\":[1,-2.5e3,true,false,null],\"o\":{}}";
  static const char spaced[] = "[ \"a\\tb\" ,\n\t{ \"k\\u00e9y\" : \"\" } ]\r\n";
  static const char pretty[] = "{\n  \"a\": [\n    {\"b\": 1}\n  ],\n  \"c\": \"d\"\n}\n";
  outcome o;
  CHECK_STR(joined_of(doc, sizeof doc - 1, &o),
            "{0@0 K1@1:id S1@6:x1 K1@11:n [1@15 N2@16:1 N2@18:-2.5e3 t2@25 f2@30 n2@36 ]1@40 "
            "K1@42:o {1@46 }1@47 }0@48 ");
  CHECK_EQ_INT(o.result, ODEUS_OK);
  CHECK_EQ_INT(o.offset, sizeof doc - 1);
  /* [0 ' '1 "2 a3 \4 t5 b6 "7 ' '8 ,9 LF10 TAB11 {12 ' '13 "14 k15 \16 u17 0018-19 e20 921
   * y22 "23 ' '24 :25 ' '26 "27 "28 ' '29 }30 ' '31 ]32 CR33 LF34 */
  CHECK_STR(joined_of(spaced, sizeof spaced - 1, &o),
            "[0@0 S1@2:a\\x09b {1@12 K2@14:k\xC3\xA9y S2@27: }1@30 ]0@32 ");
  CHECK_EQ_INT(o.result, ODEUS_OK);
  /* {0 LF1 ' '2-3 "4 a5 "6 :7 ' '8 [9 LF10 ' '11-14 {15 "16 b17 "18 :19 ' '20 121 }22
   * LF23 ' '24-25 ]26 ,27 LF28 ' '29-30 "31 c32 "33 :34 ' '35 "36 d37 "38 LF39 }40 LF41 */
  CHECK_STR(joined_of(pretty, sizeof pretty - 1, &o),
            "{0@0 K1@4:a [1@9 {2@15 K3@16:b N3@21:1 }2@22 ]1@26 K1@31:c S1@36:d }0@40 ");
  CHECK_EQ_INT(o.result, ODEUS_OK);
  CHECK_EQ_INT(o.offset, sizeof pretty - 1);
}

/* Fragments one by one, with their flags, for a one-shot feed. */
static const char *frags_of(const char *doc)
{
  outcome o = feed_split(&rec_one, doc, strlen(doc), SPLIT_WHOLE, 1);
  buf_putc(&rec_one.frags, '\0');
  if (rec_one.why) fprintf(stderr, "contract: %s\n", rec_one.why);
  return o.result != ODEUS_OK || rec_one.why ? "(failed)" : rec_one.frags.p;
}

/* Fragments for a text fed in the given pieces. */
static const char *frags_pieces(const char *const *pieces, size_t n)
{
  static oa_json js;
  static char copy[64];
  size_t i;
  odeus_result r = ODEUS_OK;
  rec_reset(&rec_one);
  oa_json_init(&js, rec_fn, &rec_one);
  rec_one.js = &js;
  for (i = 0; i < n && r == ODEUS_OK; i++) {
    size_t len = strlen(pieces[i]);
    memcpy(copy, pieces[i], len);
    rec_one.piece = copy;
    rec_one.piece_len = len;
    rec_one.piece_no++;
    r = oa_json_feed(&js, copy, len);
  }
  if (r == ODEUS_OK) r = oa_json_finish(&js);
  buf_putc(&rec_one.frags, '\0');
  if (rec_one.why) fprintf(stderr, "contract: %s\n", rec_one.why);
  return r != ODEUS_OK || rec_one.why ? "(failed)" : rec_one.frags.p;
}

static void test_fragments(void)
{
  static const char *const ab_c[] = { "\"ab", "c\"" };
  static const char *const abc_q[] = { "\"abc", "\"" };
  static const char *const e_split[] = { "\"\xC3", "\xA9\"" };
  static const char *const xey[] = { "\"x\xC3", "\xA9y\"" };
  static const char *const xe3[] = { "[\"\xE2", "\x82", "\xAC\"]" };
  static const char *const num[] = { "[1", "]" };
  static const char *const num2[] = { "[-", "1.", "5e", "3 ", "]" };
  static const char *const pair[] = { "\"a\\uD8", "3D\\", "uDE", "00b\"" };
  static const char *const top[] = { "12" };

  /* A whole string without escapes inside one piece: ONE event FIRST|LAST|RAW. */
  CHECK_STR(frags_of("[\"abc\",\"a\\nb\",\"\",12,\"\\u00e9\",true]"),
            "[ SFLR:abc SFR:a S:\\x0a SLR:b SFL: NFLR:12 SFL:\xC3\xA9 t ] ");
  CHECK_STR(frags_of("{\"key\":\"value\"}"), "{ KFLR:key SFLR:value } ");
  /* The same inside objects and their arrays; raw UTF-8 needs no copy. */
  CHECK_STR(frags_of("{\"a\":\"x\xC3\xA9y\",\"b\":\"\xE2\x82\xAC\",\"c\":\"\xC3\xA9\\n\"}"),
            "{ KFLR:a SFLR:x\xC3\xA9y KFLR:b SFLR:\xE2\x82\xAC KFLR:c SFR:\xC3\xA9 SL:\\x0a } ");
  CHECK_STR(frags_of("{\"a\":\"x\\ny\",\"b\":[{\"c\":\"\"},{\"\\u00e9\":true}]}"),
            "{ KFLR:a SFR:x S:\\x0a SLR:y KFLR:b [ { KFLR:c SFL: } { KFL:\xC3\xA9 t } ] } ");
  /* A run ends at the end of a piece; a last fragment may then be empty. */
  CHECK_STR(frags_pieces(ab_c, 2), "SFR:ab SLR:c ");
  CHECK_STR(frags_pieces(abc_q, 2), "SFR:abc SL: ");
  /* A character cut by a piece is delivered whole, from the reader. */
  CHECK_STR(frags_pieces(e_split, 2), "SFL:\xC3\xA9 ");
  CHECK_STR(frags_pieces(xey, 2), "SFR:x S:\xC3\xA9 SLR:y ");
  CHECK_STR(frags_pieces(xe3, 3), "[ SFL:\xE2\x82\xAC ] ");
  /* A number is known to end only at the byte after it. */
  CHECK_STR(frags_pieces(num, 2), "[ NFR:1 NL: ] ");
  CHECK_STR(frags_pieces(num2, 5), "[ NFR:- NR:1. NR:5e NLR:3 ] ");
  CHECK_STR(frags_pieces(top, 1), "NFR:12 NL: ");
  /* A surrogate pair split across pieces still pairs. */
  CHECK_STR(frags_pieces(pair, 4), "SFR:a S:\xF0\x9F\x98\x80 SLR:b ");
}

/* A capture of fragment pointers, for the zero-copy check. */
typedef struct capture {
  const char *text[4];
  size_t len[4];
  unsigned flags[4];
  int n;
} capture;

static int capture_fn(void *ctx, const oa_json_event *ev)
{
  capture *c = (capture *)ctx;
  if ((ev->type == OA_JEV_KEY || ev->type == OA_JEV_STRING) && c->n < 4) {
    c->text[c->n] = ev->text;
    c->len[c->n] = ev->len;
    c->flags[c->n] = ev->flags;
    c->n++;
  }
  return 0;
}

/* The fragment points into the caller's data: zero copy. */
static void test_zero_copy(void)
{
  static const char doc[] = "{\"key\":\"value\"}";
  capture c;
  oa_json js;
  memset(&c, 0, sizeof c);
  oa_json_init(&js, capture_fn, &c);
  CHECK_EQ_INT(oa_json_feed(&js, doc, sizeof doc - 1), ODEUS_OK);
  CHECK_EQ_INT(oa_json_finish(&js), ODEUS_OK);
  CHECK_EQ_INT(c.n, 2);
  CHECK(c.text[0] == doc + 2);
  CHECK_EQ_INT(c.len[0], 3);
  CHECK_EQ_INT(c.flags[0], OA_JSON_FIRST | OA_JSON_LAST | OA_JSON_RAW);
  CHECK(c.text[1] == doc + 8);
  CHECK_EQ_INT(c.len[1], 5);
  CHECK_EQ_INT(c.flags[1], OA_JSON_FIRST | OA_JSON_LAST | OA_JSON_RAW);
}

/* OA_JSON_LONE: set on some fragment of a token exactly when a lone
 * surrogate escape became U+FFFD in it, however the text is split; a
 * reader asked to refuse lone surrogates stops instead. */
typedef struct lone_seen {
  unsigned token_flags;         /* the open token's flags, ORed */
  unsigned lone_tokens;         /* bit i: token i (in order) had LONE */
  unsigned tokens;
} lone_seen;

static int lone_fn(void *ctx, const oa_json_event *ev)
{
  lone_seen *l = (lone_seen *)ctx;
  if (ev->type != OA_JEV_KEY && ev->type != OA_JEV_STRING) return 0;
  l->token_flags |= ev->flags;
  if (!(ev->flags & OA_JSON_LAST)) return 0;
  if (l->token_flags & OA_JSON_LONE) l->lone_tokens |= 1u << l->tokens;
  l->tokens++;
  l->token_flags = 0;
  return 0;
}

static void test_lone_flag(void)
{
  static const struct { const char *doc; unsigned lone_tokens; } lone_cases[] = {
    { "[\"\\uD83D\"]", 1 },
    { "[\"ab\\uDE00cd\"]", 1 },
    { "[\"\\uD83Dx\", \"y\"]", 1 },
    { "{\"k\\uDC00\":\"\\uD800\\uD800\\uDC00\",\"\\ud83d\\ude00\":\"\\uFFFD\"}", 3 },
    { "[\"plain\",\"\\u0041\\uD83D\\uDE00\",\"\xEF\xBF\xBD\",\"\\uD83D\\n\"]", 8 },
    { "[\"0123456789abcdef0123\\uDFFF\"]", 1 },
  };
  size_t i, split;
  for (i = 0; i < sizeof lone_cases / sizeof lone_cases[0]; i++) {
    const char *doc = lone_cases[i].doc;
    size_t n = strlen(doc);
    for (split = 0; split <= n; split++) {
      lone_seen l;
      oa_json js;
      memset(&l, 0, sizeof l);
      oa_json_init(&js, lone_fn, &l);
      CHECK_EQ_INT(oa_json_feed(&js, doc, split), ODEUS_OK);
      CHECK_EQ_INT(oa_json_feed(&js, doc + split, n - split), ODEUS_OK);
      CHECK_EQ_INT(oa_json_finish(&js), ODEUS_OK);
      CHECK_EQ_INT(l.lone_tokens, lone_cases[i].lone_tokens);
    }
  }
}

/* ---- the callback stops the reader; errors stick; arguments ------------- */

static void test_stop_and_stick(void)
{
  static const char doc[] = "[1,2,3]";
  static oa_json js;
  rec_reset(&rec_one);
  rec_one.stop_at = 3;
  rec_one.stop_code = 7777;
  oa_json_init(&js, rec_fn, &rec_one);
  rec_one.js = &js;
  rec_one.piece = doc;
  rec_one.piece_len = sizeof doc - 1;
  CHECK_EQ_INT(oa_json_feed(&js, doc, 3), ODEUS_OK);
  CHECK_EQ_INT(js.error, 0);           /* the callback's 0s leave no error */
  CHECK_EQ_INT(oa_json_feed(&js, doc + 3, sizeof doc - 4), 7777);
  CHECK_EQ_INT(js.error, 7777);        /* only a stop is kept, and it is kept */
  CHECK_EQ_INT(rec_one.events, 3);     /* [ , 1, then the stopping one: 2 */
  CHECK_EQ_INT(js.offset, 4);          /* it stopped at the byte after "2" */
  CHECK_EQ_INT(oa_json_feed(&js, "]", 1), 7777);
  CHECK_EQ_INT(oa_json_finish(&js), 7777);
  CHECK_EQ_INT(rec_one.events, 3);

  /* An error set before any byte (as the answer reader sets one) is returned with no event: the
   * reader calls back only while its error is 0, so a callback's 0 never has one to clear. */
  rec_reset(&rec_one);
  oa_json_init(&js, rec_fn, &rec_one);
  rec_one.js = &js;
  js.error = ODEUS_ERR_ARGUMENT;
  CHECK_EQ_INT(oa_json_feed(&js, "[1]", 3), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(oa_json_finish(&js), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(rec_one.events, 0);

  /* An error sticks; init starts afresh. */
  oa_json_init(&js, NULL, NULL);
  CHECK_EQ_INT(oa_json_feed(&js, "[1,]", 4), ODEUS_ERR_JSON_SYNTAX);
  CHECK_EQ_INT(js.offset, 3);
  CHECK_EQ_INT(oa_json_feed(&js, "", 0), ODEUS_ERR_JSON_SYNTAX);
  CHECK_EQ_INT(oa_json_feed(&js, "2]", 2), ODEUS_ERR_JSON_SYNTAX);
  CHECK_EQ_INT(oa_json_finish(&js), ODEUS_ERR_JSON_SYNTAX);
  oa_json_init(&js, NULL, NULL);
  CHECK_EQ_INT(oa_json_feed(&js, "[1]", 3), ODEUS_OK);
  CHECK_EQ_INT(oa_json_finish(&js), ODEUS_OK);
  CHECK_EQ_INT(oa_json_finish(&js), ODEUS_OK);
  CHECK_EQ_INT(oa_json_feed(&js, " \n", 2), ODEUS_OK);
  CHECK_EQ_INT(oa_json_feed(&js, "0", 1), ODEUS_ERR_JSON_TRAILING);

  /* A truncation error from finish sticks too. */
  oa_json_init(&js, NULL, NULL);
  CHECK_EQ_INT(oa_json_feed(&js, "[", 1), ODEUS_OK);
  CHECK_EQ_INT(oa_json_finish(&js), ODEUS_ERR_JSON_TRUNCATED);
  CHECK_EQ_INT(oa_json_feed(&js, "]", 1), ODEUS_ERR_JSON_TRUNCATED);

  /* Arguments. */
  oa_json_init(&js, NULL, NULL);
  CHECK_EQ_INT(oa_json_feed(NULL, "1", 1), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(oa_json_feed(&js, NULL, 1), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(oa_json_feed(&js, NULL, 0), ODEUS_OK);
  CHECK_EQ_INT(oa_json_finish(NULL), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(oa_json_feed(&js, "7", 1), ODEUS_OK);
  CHECK_EQ_INT(oa_json_finish(&js), ODEUS_OK);
  /* a top-level number ended by finish is complete: finish again agrees,
   * whitespace may follow, a second value may not */
  CHECK_EQ_INT(oa_json_finish(&js), ODEUS_OK);
  CHECK_EQ_INT(oa_json_feed(&js, " ", 1), ODEUS_OK);
  CHECK_EQ_INT(oa_json_feed(&js, "8", 1), ODEUS_ERR_JSON_TRAILING);

  /* The stop also works inside a cut string, and from finish. */
  rec_reset(&rec_one);
  rec_one.stop_at = 1;
  rec_one.stop_code = 55;
  oa_json_init(&js, rec_fn, &rec_one);
  rec_one.js = &js;
  CHECK_EQ_INT(oa_json_feed(&js, "\"ab", 3), 55);
  rec_reset(&rec_one);
  rec_one.stop_at = 2;
  rec_one.stop_code = 56;
  oa_json_init(&js, rec_fn, &rec_one);
  rec_one.js = &js;
  rec_one.piece = area;
  rec_one.piece_len = 0;
  memcpy(area, "-5", 2);
  rec_one.piece_len = 2;
  CHECK_EQ_INT(oa_json_feed(&js, area, 2), ODEUS_OK);
  CHECK_EQ_INT(oa_json_finish(&js), 56);
  CHECK_EQ_INT(oa_json_finish(&js), 56);
}

/* Where the reader stands after a callback stops it: on the byte that
 * completed the event (a bracket, a closing quote, a literal's last
 * letter, the byte after a number), however the text was split. */
typedef struct stop_on {
  oa_jev_type type;   /* stop at the last (or only) event of it */
} stop_on;

static int stop_on_fn(void *ctx, const oa_json_event *ev)
{
  const stop_on *w = (const stop_on *)ctx;
  int whole = ev->type != OA_JEV_KEY && ev->type != OA_JEV_STRING && ev->type != OA_JEV_NUMBER;
  return ev->type == w->type && (whole || (ev->flags & OA_JSON_LAST)) ? 99 : 0;
}

/* The offset after feeding doc in pieces of `piece` bytes (0: at once). */
static size_t stop_offset(const char *doc, oa_jev_type type, size_t piece)
{
  oa_json js;
  stop_on w;
  size_t len = strlen(doc), at = 0;
  w.type = type;
  oa_json_init(&js, stop_on_fn, &w);
  while (at < len) {
    size_t n = piece && piece < len - at ? piece : len - at;
    if (oa_json_feed(&js, doc + at, n) == 99) return js.offset;
    at += n;
  }
  return oa_json_finish(&js) == 99 ? js.offset : (size_t)-1;
}

static void test_stop_offset(void)
{
  static const struct { const char *doc; oa_jev_type type; size_t offset; } stops[] = {
    { "[true]", OA_JEV_TRUE, 4 },
    { "[false]", OA_JEV_FALSE, 5 },
    { "[null]", OA_JEV_NULL, 4 },
    { "{\"a\":true}", OA_JEV_TRUE, 8 },
    { "{\"a\":null,\"b\":1}", OA_JEV_NULL, 8 },
    { "[\"ab\"]", OA_JEV_STRING, 4 },
    { "{\"ab\":1}", OA_JEV_KEY, 4 },
    { "[12]", OA_JEV_NUMBER, 3 },
    { "[{}]", OA_JEV_OBJECT_END, 2 },
    { "[{}]", OA_JEV_OBJECT_BEGIN, 1 },
    { "12", OA_JEV_NUMBER, 2 } /* from finish: the end of the text */
  };
  size_t i, piece;
  for (i = 0; i < OA_COUNT(stops); i++)
    for (piece = 0; piece <= strlen(stops[i].doc); piece++)
      CHECK_EQ_INT(stop_offset(stops[i].doc, stops[i].type, piece), stops[i].offset);
}

/* The callback may stop the reader at any event, whatever the split: its
 * value comes back at once, no event follows, and it sticks. */
static void test_stop_everywhere(void)
{
  static const char *const docs[] = {
    "{\"a\":[1,\"x\\ny\",{},true,\"\\u00e9\",\"\"],\"b\":\"c\"}",
    "\"ab\\ncd\"",
    "-12",
    "[\"\xC3\xA9\",null]",
    "{\"a\":{\"b\":\"c\",\"d\":[{\"e\":true},{\"f\":null}],\"g\":false},\"h\":\"x\\ny\",\"i\":[{}]}",
    "{ \"a\" : [ { \"b\" : \"\xC3\xA9\" } , { } ] ,\n\"c\" : { } }",
  };
  size_t d;
  unsigned mode, k, wrong = 0, tried = 0;
  for (d = 0; d < OA_COUNT(docs); d++) {
    size_t len = strlen(docs[d]);
    for (mode = SPLIT_WHOLE; mode <= SPLIT_BYTES; mode++) {
      unsigned total;
      stop_at_setting = 0;
      CHECK_EQ_INT(feed_split(&rec_one, docs[d], len, mode, 1).result, ODEUS_OK);
      total = rec_one.events;
      for (k = 1; k <= total; k++) {
        outcome o;
        stop_at_setting = k;
        stop_code_setting = 1000 + (int)k;
        o = feed_split(&rec_one, docs[d], len, mode, 1);
        tried++;
        if (o.result != 1000 + (int)k || rec_one.events != k || rec_one.why) {
          fprintf(stderr, "stop at %u of %s (mode %u): result %d, %u events\n", k, docs[d], mode,
                  (int)o.result, rec_one.events);
          wrong++;
        }
      }
    }
  }
  stop_at_setting = 0;
  stop_code_setting = 0;
  CHECK(tried > 40);
  CHECK_EQ_INT(wrong, 0);
}

/* ---- the depth bound ---------------------------------------------------- */

static char deep[1 << 12];
static char deep_want[1 << 15];

/* n nested containers: arrays (kind 0), objects ("{\"a\":" ... "}", kind 1)
 * or alternating, from an array (kind 2) or from an object (kind 3). */
static size_t nest(unsigned n, int kind, char *want, size_t *want_len)
{
  buf w;
  size_t len = 0;
  unsigned i;
  int object[70];
  w.p = want;
  w.cap = sizeof deep_want;
  w.len = 0;
  w.overflow = 0;
  for (i = 0; i < n; i++) {
    object[i] = kind == 1 || (kind == 2 && i % 2) || (kind == 3 && i % 2 == 0);
    rec_head(&w, object[i] ? '{' : '[', i, len);
    buf_putc(&w, ' ');
    if (object[i]) {
      memcpy(deep + len, "{\"a\":", 5);
      rec_head(&w, 'K', i + 1, len + 1);
      buf_puts(&w, ":a ");
      len += 5;
    } else {
      deep[len++] = '[';
    }
  }
  rec_head(&w, 'n', n, len);
  buf_putc(&w, ' ');
  memcpy(deep + len, "null", 4);
  len += 4;
  while (i-- > 0) {
    rec_head(&w, object[i] ? '}' : ']', i, len);
    buf_putc(&w, ' ');
    deep[len++] = object[i] ? '}' : ']';
  }
  *want_len = w.len;
  return len;
}

static void test_depth(void)
{
  int kind;
  for (kind = 0; kind < 4; kind++) {
    size_t want_len, len = nest(ODEUS_JSON_MAX_DEPTH, kind, deep_want, &want_len);
    outcome o;
    const char *got = joined_of(deep, len, &o);
    size_t bad_at;
    CHECK_EQ_INT(o.result, ODEUS_OK);
    CHECK_MEM(got, strlen(got), deep_want, want_len);
    CHECK_EQ_INT(split_property(deep, len, 99, 8), 0);

    /* one more: the innermost opening bracket is refused */
    len = nest(ODEUS_JSON_MAX_DEPTH + 1, kind, deep_want, &want_len);
    bad_at = kind == 0 ? ODEUS_JSON_MAX_DEPTH
           : kind == 1 ? 5 * (size_t)ODEUS_JSON_MAX_DEPTH
           : kind == 2 ? (size_t)ODEUS_JSON_MAX_DEPTH / 2 * 6 + (ODEUS_JSON_MAX_DEPTH % 2 ? 1 : 0)
           : (size_t)ODEUS_JSON_MAX_DEPTH / 2 * 6 + (ODEUS_JSON_MAX_DEPTH % 2 ? 5 : 0);
    joined_of(deep, len, &o);
    CHECK_EQ_INT(o.result, ODEUS_ERR_JSON_DEPTH);
    CHECK_EQ_INT(o.offset, bad_at);
    CHECK_EQ_INT(split_property(deep, len, 98, 8), 0);
  }
  /* Alternating containers closed with the wrong bracket: the stack knows. */
  {
    size_t want_len, len = nest(ODEUS_JSON_MAX_DEPTH, 2, deep_want, &want_len), i;
    outcome o;
    for (i = len - ODEUS_JSON_MAX_DEPTH; i < len; i++) {
      char saved = deep[i];
      deep[i] = saved == ']' ? '}' : ']';
      joined_of(deep, len, &o);
      CHECK_EQ_INT(o.result, ODEUS_ERR_JSON_SYNTAX);
      CHECK_EQ_INT(o.offset, i);
      deep[i] = saved;
    }
  }
}

/* ---- generated documents ------------------------------------------------
 * The generator writes a text and, alongside, the joined event stream the
 * reader must produce for it. Half of the texts are compact: no whitespace,
 * mostly plain strings, arrays mostly of objects (the form the reader's
 * objects loop reads on its own). */
typedef struct gen {
  buf doc, want;
  uint32_t seed;
  unsigned max_depth;
  int compact;
} gen;

static char gen_doc[1 << 13], gen_want[1 << 15];

static unsigned gen_pick(gen *g, unsigned n)
{
  return rnd(&g->seed) % n;
}

static void gen_ws(gen *g)
{
  unsigned n = !g->compact && gen_pick(g, 4) == 0 ? 1 + gen_pick(g, 3) : 0;
  while (n--) buf_putc(&g->doc, " \t\n\r"[gen_pick(g, 4)]);
}

/* The generator's own UTF-8 encoder, written apart from the reader's on
 * purpose: an expectation must not come from the code under test. */
static size_t encode(uint32_t cp, char *out)
{
  if (cp < 0x80) { out[0] = (char)cp; return 1; }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

static void gen_u(gen *g, uint32_t unit)
{
  static const char lower[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
  int i;
  buf_puts(&g->doc, "\\u");
  for (i = 12; i >= 0; i -= 4) {
    const char *digits = gen_pick(g, 2) ? lower : upper;
    buf_putc(&g->doc, digits[(unit >> i) & 15]);
  }
}

static uint32_t gen_scalar(gen *g)
{
  switch (gen_pick(g, 5)) {
  case 0: return gen_pick(g, 0x80);
  case 1: return 0x80 + gen_pick(g, 0x780);
  case 2: return 0x800 + gen_pick(g, 0xD800 - 0x800);
  case 3: return 0xE000 + gen_pick(g, 0x2000);
  default: return 0x10000 + gen_pick(g, 0x100000);
  }
}

static void gen_string(gen *g, char letter, unsigned depth)
{
  static const char esc_from[] = "\"\\/bfnrt", esc_to[] = "\"\\/\b\f\n\r\t";
  char dec[1024];
  size_t n = 0, parts = gen_pick(g, 7), i;
  rec_head(&g->want, letter, depth, g->doc.len);
  buf_putc(&g->want, ':');
  buf_putc(&g->doc, '"');
  for (i = 0; i < parts && n + 64 < sizeof dec; i++) {
    uint32_t cp;
    switch (g->compact && gen_pick(g, 4) ? 0 : gen_pick(g, 9)) {
    case 0: case 1: case 2: {
      /* plain ASCII (DEL included), short or long enough for word scanning */
      size_t k, len = 1 + gen_pick(g, gen_pick(g, 2) ? 6 : 40);
      for (k = 0; k < len; k++) {
        char c;
        do c = (char)(0x20 + gen_pick(g, 0x60)); while (c == '"' || c == '\\');
        buf_putc(&g->doc, c);
        dec[n++] = c;
      }
      break;
    }
    case 3: {
      /* a raw character of 2, 3 or 4 bytes */
      char t[4];
      size_t k;
      do cp = gen_scalar(g); while (cp < 0x80);
      k = encode(cp, t);
      buf_put(&g->doc, t, k);
      memcpy(dec + n, t, k);
      n += k;
      break;
    }
    case 4: {
      size_t k = gen_pick(g, 8);
      buf_putc(&g->doc, '\\');
      buf_putc(&g->doc, esc_from[k]);
      dec[n++] = esc_to[k];
      break;
    }
    case 5:
      cp = gen_scalar(g);
      if (cp >= 0x10000) cp &= 0xFFFF;
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0x41;
      gen_u(g, cp);
      n += encode(cp, dec + n);
      break;
    case 6:
      cp = 0x10000 + gen_pick(g, 0x100000);
      gen_u(g, 0xD800 + ((cp - 0x10000) >> 10));
      gen_u(g, 0xDC00 + ((cp - 0x10000) & 0x3FF));
      n += encode(cp, dec + n);
      break;
    case 7:
      /* a lone low surrogate */
      gen_u(g, 0xDC00 + gen_pick(g, 0x400));
      n += encode(0xFFFD, dec + n);
      break;
    default:
      /* a lone high surrogate, then something that is not its low half */
      gen_u(g, 0xD800 + gen_pick(g, 0x400));
      n += encode(0xFFFD, dec + n);
      switch (gen_pick(g, 4)) {
      case 0: buf_putc(&g->doc, 'x'); dec[n++] = 'x'; break;
      case 1: buf_puts(&g->doc, "\\n"); dec[n++] = '\n'; break;
      case 2: gen_u(g, 0x20AC); n += encode(0x20AC, dec + n); break;
      default:
        /* another high one that does pair */
        gen_u(g, 0xD83D);
        gen_u(g, 0xDE00);
        n += encode(0x1F600, dec + n);
        break;
      }
      break;
    }
  }
  buf_putc(&g->doc, '"');
  buf_text(&g->want, dec, n);
  buf_putc(&g->want, ' ');
}

static void gen_digits(gen *g, char *t, size_t *n, unsigned max)
{
  unsigned k = 1 + gen_pick(g, max);
  while (k--) t[(*n)++] = (char)('0' + gen_pick(g, 10));
}

static void gen_number(gen *g, unsigned depth)
{
  char t[40];
  size_t n = 0;
  if (gen_pick(g, 3) == 0) t[n++] = '-';
  if (gen_pick(g, 4) == 0) {
    t[n++] = '0';
  } else {
    t[n++] = (char)('1' + gen_pick(g, 9));
    if (gen_pick(g, 2)) gen_digits(g, t, &n, 8);
  }
  if (gen_pick(g, 3) == 0) {
    t[n++] = '.';
    gen_digits(g, t, &n, 6);
  }
  if (gen_pick(g, 3) == 0) {
    t[n++] = gen_pick(g, 2) ? 'e' : 'E';
    if (gen_pick(g, 2)) t[n++] = gen_pick(g, 2) ? '+' : '-';
    gen_digits(g, t, &n, 3);
  }
  rec_head(&g->want, 'N', depth, g->doc.len);
  buf_putc(&g->want, ':');
  buf_put(&g->want, t, n);
  buf_putc(&g->want, ' ');
  buf_put(&g->doc, t, n);
}

static void gen_value(gen *g, unsigned depth);

static void gen_container(gen *g, unsigned depth, int object)
{
  unsigned i, members = gen_pick(g, depth < 2 ? 6 : 3);
  rec_head(&g->want, object ? '{' : '[', depth, g->doc.len);
  buf_putc(&g->want, ' ');
  buf_putc(&g->doc, object ? '{' : '[');
  gen_ws(g);
  for (i = 0; i < members; i++) {
    if (i) {
      buf_putc(&g->doc, ',');
      gen_ws(g);
    }
    if (object) {
      gen_string(g, 'K', depth + 1);
      gen_ws(g);
      buf_putc(&g->doc, ':');
      gen_ws(g);
    }
    if (!object && g->compact && depth + 1 < g->max_depth && gen_pick(g, 4))
      gen_container(g, depth + 1, 1);
    else
      gen_value(g, depth + 1);
    gen_ws(g);
  }
  rec_head(&g->want, object ? '}' : ']', depth, g->doc.len);
  buf_putc(&g->want, ' ');
  buf_putc(&g->doc, object ? '}' : ']');
}

static void gen_value(gen *g, unsigned depth)
{
  unsigned pick = gen_pick(g, 8);
  if (depth >= g->max_depth && pick < 2) pick = 2;
  switch (pick) {
  case 0: case 1:
    gen_container(g, depth, pick == 0);
    break;
  case 2: case 3:
    gen_string(g, 'S', depth);
    break;
  case 4: case 5:
    gen_number(g, depth);
    break;
  default: {
    static const char *const words[] = { "true", "false", "null" };
    unsigned w = gen_pick(g, 3);
    rec_head(&g->want, "tfn"[w], depth, g->doc.len);
    buf_putc(&g->want, ' ');
    buf_puts(&g->doc, words[w]);
    break;
  }
  }
}

/* A document and its expected stream; 0 if it did not fit the buffers. */
static int gen_document(gen *g, uint32_t seed)
{
  g->doc.p = gen_doc;
  g->doc.cap = sizeof gen_doc;
  g->doc.len = 0;
  g->doc.overflow = 0;
  g->want.p = gen_want;
  g->want.cap = sizeof gen_want;
  g->want.len = 0;
  g->want.overflow = 0;
  g->seed = seed ? seed : 1;
  g->compact = (int)gen_pick(g, 2);
  g->max_depth = gen_pick(g, 16) == 0 ? ODEUS_JSON_MAX_DEPTH : 1 + gen_pick(g, 5);
  if (g->max_depth > ODEUS_JSON_MAX_DEPTH) g->max_depth = ODEUS_JSON_MAX_DEPTH;
  gen_ws(g);
  if (gen_pick(g, 3)) gen_container(g, 0, (int)gen_pick(g, 2));
  else gen_value(g, 0);
  gen_ws(g);
  return !g->doc.overflow && !g->want.overflow;
}

static void test_generated(void)
{
  static gen g;
  uint32_t seed, mismatched = 0, split_failed = 0, made = 0;
  for (seed = 1; seed <= 3000; seed++) {
    outcome o;
    const char *got;
    if (!gen_document(&g, seed * 2654435761u)) continue;
    made++;
    got = joined_of(g.doc.p, g.doc.len, &o);
    if (o.result != ODEUS_OK || strlen(got) != g.want.len || memcmp(got, g.want.p, g.want.len) != 0) {
      if (!mismatched)
        fprintf(stderr, "generated %u: result %d\n  doc:  %.*s\n  got:  %s\n  want: %.*s\n",
                (unsigned)seed, (int)o.result, (int)g.doc.len, g.doc.p, got, (int)g.want.len, g.want.p);
      mismatched++;
    }
    if (split_property(g.doc.p, g.doc.len, seed, 4)) split_failed++;
  }
  CHECK(made > 2500);
  CHECK_EQ_INT(mismatched, 0);
  CHECK_EQ_INT(split_failed, 0);
}

/* Generated documents, broken on purpose: whatever the reader says, every
 * split says the same, and nothing it accepts is invalid UTF-8. */
static void test_mutated(void)
{
  static gen g;
  static const char nasty[] = "\"\\{}[],:0-.eEtfnu \x80\xC3\xED\xF4\xBF\x01";
  uint32_t seed, failed = 0, rejected = 0;
  for (seed = 1; seed <= 3000; seed++) {
    uint32_t s = seed * 40503u + 7;
    unsigned k, edits;
    size_t len;
    if (!gen_document(&g, seed * 97u + 3)) continue;
    len = g.doc.len;
    edits = 1 + rnd(&s) % 3;
    for (k = 0; k < edits && len > 0; k++) {
      size_t at = rnd(&s) % len;
      char c = rnd(&s) % 2 ? nasty[rnd(&s) % (sizeof nasty - 1)] : (char)(rnd(&s) & 0xFF);
      switch (rnd(&s) % 4) {
      case 0: gen_doc[at] = c; break;
      case 1: memmove(gen_doc + at, gen_doc + at + 1, len - at - 1); len--; break;
      case 2:
        if (len + 1 < sizeof gen_doc) {
          memmove(gen_doc + at + 1, gen_doc + at, len - at);
          gen_doc[at] = c;
          len++;
        }
        break;
      default: len = at; break;
      }
    }
    if (split_property(gen_doc, len, seed, 4)) failed++;
    if (feed_split(&rec_one, gen_doc, len, SPLIT_WHOLE, 1).result != ODEUS_OK) rejected++;
  }
  CHECK_EQ_INT(failed, 0);
  CHECK(rejected > 1500);
}

int main(void)
{
  test_table();
  test_sequence();
  test_fragments();
  test_zero_copy();
  test_lone_flag();
  test_stop_and_stick();
  test_stop_offset();
  test_stop_everywhere();
  test_depth();
  test_generated();
  test_mutated();
  return TEST_END();
}

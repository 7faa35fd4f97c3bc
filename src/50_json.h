/* ---- push JSON reader (implementation) -------------------------------------
 * Between tokens the reader holds a set of what may come next (expect); inside
 * a token, which token and how far (state, sub). Tokens found whole inside a
 * piece are read without leaving a loop: the members of objects by
 * oa_json_objects, the rest by oa_json_structure; strings with escapes by
 * oa_json_string; the other states resume a token cut by the end of a piece,
 * one step at a time.
 *
 * Speed. The bytes of a string are checked 16 at a time where SSE2 is there
 * (every x86-64), else a word at a time, then validated as UTF-8 only where
 * a byte is 0x80 or above; a string without escape whole inside the piece is
 * one event pointing into the data. The objects loop follows "key":value, a
 * comma and the next member, or the close, with its state in a few locals
 * and no dispatch; whitespace costs it one test where the compact form has a
 * byte above 0x20. Fed at once, the body of the documentation's example
 * (tests/example.h) costs about 3,300 instructions with a callback that does
 * nothing (x86-64, gcc -O2), about 5 per byte. */

enum oa_json_state {
  OA_JSON_BETWEEN,              /* between tokens: see expect */
  OA_JSON_STRING,               /* in a string or key, raw bytes */
  OA_JSON_ESCAPE,               /* after a backslash */
  OA_JSON_HEX,                  /* in \uXXXX, sub digits read */
  OA_JSON_LOW_BACKSLASH,        /* after a high surrogate: a '\' may start its low half */
  OA_JSON_LOW_U,                /* after a high surrogate and '\': 'u' continues the pair */
  OA_JSON_UTF8,                 /* in a UTF-8 character cut by the end of a piece */
  OA_JSON_NUMBER,               /* sub: the grammar step */
  OA_JSON_LITERAL,              /* sub: bytes of the word matched */
  OA_JSON_STATE_FORCE_32BIT = 0x7fffffff
};

/* What may come next, between tokens. Nothing (0) once the top-level value is
 * complete: only whitespace may follow. */
enum oa_json_expect {
  OA_JSON_WANT_VALUE = 1,
  OA_JSON_WANT_KEY = 2,
  OA_JSON_WANT_CLOSE = 4,       /* the bracket closing the innermost container */
  OA_JSON_WANT_COMMA = 8,
  OA_JSON_WANT_COLON = 16,
  OA_JSON_EXPECT_FORCE_32BIT = 0x7fffffff
};

/* Steps of the RFC 8259 number grammar: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
enum oa_json_number_step {
  OA_JSON_N_START,              /* nothing read */
  OA_JSON_N_MINUS,              /* '-': a digit must come */
  OA_JSON_N_ZERO,               /* a leading 0: no digit may follow */
  OA_JSON_N_INT,                /* integer digits */
  OA_JSON_N_DOT,                /* '.': a digit must come */
  OA_JSON_N_FRAC,               /* fraction digits */
  OA_JSON_N_EXP,                /* 'e': a sign or a digit must come */
  OA_JSON_N_EXP_SIGN,           /* exponent sign: a digit must come */
  OA_JSON_N_EXP_DIGITS,         /* exponent digits */
  OA_JSON_N_END,                /* the byte is not part of the number */
  OA_JSON_N_BAD,                /* the byte makes the number invalid */
  OA_JSON_N_FORCE_32BIT = 0x7fffffff
};

/* Word-at-a-time scanning: ONES has 0x01 in every byte of a size_t. */
#define OA_JSON_ONES ((size_t)-1 / 0xFF)
#define OA_JSON_HIGHS (OA_JSON_ONES * 0x80)

static int oa_json_space(unsigned c)
{
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static unsigned oa_json_digit(unsigned c)
{
  return c - '0' < 10u;
}

/* A string byte that needs no attention: not '"', '\\', below 0x20 or
 * 0x80 and above. */
static int oa_json_plain(unsigned c)
{
  return c - 0x20u < 0x60u && c != '"' && c != '\\';
}

/* Word-at-a-time scanning where the first flagged byte can be found from
 * the lowest set bit: little-endian, with a count-trailing-zeros builtin. */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#if defined(__SIZEOF_SIZE_T__) && defined(__SIZEOF_LONG__) && __SIZEOF_SIZE_T__ == __SIZEOF_LONG__
/* The word is a size_t: a 32-bit target needs no 64-bit helper. */
#define OA_JSON_CTZ(m) ((unsigned)__builtin_ctzl((unsigned long)(m)))
#else
#define OA_JSON_CTZ(m) ((unsigned)__builtin_ctzll((unsigned long long)(m)))
#endif
#endif
#endif

/* Functions kept out of line on purpose: inlined, they would make their
 * callers pay for registers and setup they rarely need. */
#if defined(__GNUC__) || defined(__clang__)
#define OA_JSON_OUTLINE __attribute__((noinline))
#else
#define OA_JSON_OUTLINE
#endif

#if defined(__SSE2__) && defined(__GNUC__) && defined(OA_JSON_CTZ)
/* x86 with SSE2 (every x86-64) reads 16 bytes at a time, through the
 * vector extensions of GCC and Clang (no intrinsics header). */
#define OA_JSON_SSE2 1
typedef signed char oa_json_s8x16 __attribute__((vector_size(16)));
typedef char oa_json_c8x16 __attribute__((vector_size(16)));
#define OA_JSON_X16(c) { c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c }

/* Bit i set when p[i] is not plain. As a signed byte, b ^ 0x02 is above
 * 0x20 exactly for the plain bytes and '\\': 0x80 and above turn negative,
 * the bytes below 0x20 stay below it, and '"' becomes 0x20 itself. */
static OA_INLINE unsigned oa_json_block(const unsigned char *p)
{
  static const oa_json_s8x16 two = OA_JSON_X16(0x02), space = OA_JSON_X16(0x20),
                             backslash = OA_JSON_X16('\\');
  oa_json_s8x16 v;
  unsigned above, escapes;
  memcpy(&v, p, sizeof v);
  above = (unsigned)__builtin_ia32_pmovmskb128((oa_json_c8x16)((v ^ two) > space));
  escapes = (unsigned)__builtin_ia32_pmovmskb128((oa_json_c8x16)(v == backslash));
  return (above ^ 0xFFFFu) | escapes;
}
#endif

/* The first byte from p that is not plain, or end, a byte at a time (the
 * few bytes a piece may end with, a text fed in small pieces). */
static OA_INLINE const unsigned char *oa_json_plain_run(const unsigned char *p,
                                                        const unsigned char *end)
{
  while (p < end && oa_json_plain(*p)) p++;
  return p;
}

/* The first byte from p that is not plain, or end: with SSE2, 16 bytes at
 * a time; then a word at a time, where the lowest flagged byte can be found;
 * then a byte at a time. In a word, each byte's high bit in m says "needs
 * attention": (b ^ 0x02) - 0x21 borrows for a byte below 0x20 and for '"'
 * (0x22 ^ 0x02 = 0x20) and for no other byte below 0x80; (b ^ 0x5C) - 0x01
 * borrows for '\\'; b itself has the high bit of 0x80 and above. A
 * subtraction borrows into the next byte only from a byte that is itself
 * flagged, so the lowest flagged byte is always a true one (the bytes above
 * it may be flagged falsely, which does not matter); without a
 * count-trailing-zeros, the bytes of a flagged word are read one at a
 * time. */
OA_JSON_OUTLINE static const unsigned char *oa_json_scan(const unsigned char *p,
                                                         const unsigned char *end)
{
#ifdef OA_JSON_SSE2
  if (end - p >= 16) {
    const unsigned char *const last = end - 16;
    do {
      unsigned bits = oa_json_block(p);
      if (bits) return p + (unsigned)__builtin_ctz(bits);
      p += 16;
    } while (p <= last);
  }
#endif
  if ((size_t)(end - p) >= sizeof(size_t)) {
    const unsigned char *const last = end - sizeof(size_t);
    do {
      size_t w, m;
      memcpy(&w, p, sizeof w);
      m = (((w ^ (OA_JSON_ONES * 0x02)) - OA_JSON_ONES * 0x21)
           | ((w ^ (OA_JSON_ONES * 0x5C)) - OA_JSON_ONES) | w) & OA_JSON_HIGHS;
      if (m) {
#ifdef OA_JSON_CTZ
        return p + (OA_JSON_CTZ(m) >> 3);
#else
        break;
#endif
      }
      p += sizeof w;
    } while (p <= last);
  }
  return oa_json_plain_run(p, end);
}

/* For a UTF-8 lead byte: how many continuation bytes follow (0: not a lead,
 * or one that only starts overlong forms or code points past U+10FFFF), and
 * the range of the first of them, which rules out overlong forms (E0, F0),
 * encoded surrogates (ED) and code points past U+10FFFF (F4). */
static unsigned oa_json_utf8_lead(unsigned c, unsigned *lo, unsigned *hi)
{
  *lo = 0x80;
  *hi = 0xBF;
  if (c < 0xC2) return 0;
  if (c < 0xE0) return 1;
  if (c < 0xF0) {
    if (c == 0xE0) *lo = 0xA0;
    if (c == 0xED) *hi = 0x9F;
    return 2;
  }
  if (c < 0xF5) {
    if (c == 0xF0) *lo = 0x90;
    if (c == 0xF4) *hi = 0x8F;
    return 3;
  }
  return 0;
}

/* How many of the n continuation bytes at p are valid (n when all are). */
static unsigned oa_json_utf8_tail(const unsigned char *p, unsigned n, unsigned lo, unsigned hi)
{
  unsigned i;
  for (i = 0; i < n; i++) {
    if (p[i] < lo || p[i] > hi) return i;
    lo = 0x80;
    hi = 0xBF;
  }
  return n;
}

static unsigned oa_json_encode(uint32_t cp, char *out)
{
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
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

/* Records an error and returns where it was found, so that offset names it. */
static const unsigned char *oa_json_fail(odeus_json *js, odeus_result code, const unsigned char *at)
{
  js->error = (int)code;
  return at;
}

/* The callback of a reader that only checks the text. */
static int oa_json_ignore(void *ctx, const odeus_json_event *ev)
{
  (void)ctx;
  (void)ev;
  return 0;
}

/* Delivers an event; a nonzero answer of the callback is the error from
 * then on. Every event is built whole before each call. */
static OA_INLINE int oa_json_send(odeus_json *js, const odeus_json_event *ev)
{
  int r = js->fn(js->ctx, ev);
  if (r) js->error = r;
  return r;
}

/* Builds an event (depth: the current one) and delivers it. */
static OA_INLINE int oa_json_emit(odeus_json *js, unsigned type, unsigned flags, const char *text,
                                  size_t len, size_t offset)
{
  odeus_json_event ev;
  ev.type = (odeus_json_event_type)type;
  ev.flags = flags;
  ev.text = text;
  ev.len = len;
  ev.depth = js->depth;
  ev.offset = offset;
  return oa_json_send(js, &ev);
}

/* One fragment of the token being read. An empty one points at tmp, so RAW
 * always means "inside the fed data". */
static OA_INLINE int oa_json_fragment(odeus_json *js, const char *text, size_t len, unsigned flags)
{
  flags |= js->first;
  js->first = 0;
  if (!len) {
    text = js->tmp;
    flags &= ~ODEUS_JSON_RAW;
  }
  return oa_json_emit(js, js->token, flags, text, len, js->value_start);
}

/* Delivers the decoded bytes waiting in tmp. */
static int oa_json_flush(odeus_json *js, unsigned flags)
{
  size_t n = js->tmp_len;
  js->tmp_len = 0;
  return oa_json_fragment(js, js->tmp, n, flags);
}

/* Makes room for n more bytes in tmp. */
static int oa_json_room(odeus_json *js, unsigned n)
{
  if (js->tmp_len + n > sizeof js->tmp) return oa_json_flush(js, 0);
  return 0;
}

static int oa_json_put_byte(odeus_json *js, unsigned c)
{
  if (oa_json_room(js, 1)) return 1;
  js->tmp[js->tmp_len++] = (char)c;
  return 0;
}

static int oa_json_put_code(odeus_json *js, uint32_t cp)
{
  if (oa_json_room(js, 4)) return 1;
  js->tmp_len += oa_json_encode(cp, js->tmp + js->tmp_len);
  return 0;
}

/* A raw run [run, p) of the current string: what waits in tmp came first. */
static OA_INLINE int oa_json_run(odeus_json *js, const unsigned char *run, const unsigned char *p,
                                 unsigned flags)
{
  if (js->tmp_len && oa_json_flush(js, 0)) return 1;
  return oa_json_fragment(js, (const char *)run, (size_t)(p - run), flags | ODEUS_JSON_RAW);
}

static unsigned oa_json_top_is_object(const odeus_json *js)
{
  return (unsigned)(js->stack >> (js->depth - 1)) & 1u;
}

/* A value is complete: a separator or a close may follow, or nothing at the top. */
static void oa_json_value_done(odeus_json *js)
{
  js->state = OA_JSON_BETWEEN;
  js->expect = js->depth ? OA_JSON_WANT_COMMA | OA_JSON_WANT_CLOSE : 0;
}

/* A token begins at p (offset in the stream): its first fragment gets FIRST. */
static void oa_json_begin(odeus_json *js, unsigned state, unsigned token, size_t offset)
{
  js->state = state;
  js->token = token;
  js->value_start = offset;
  js->first = ODEUS_JSON_FIRST;
  js->sub = 0;
}

/* ---- strings ---- */

/* A raw UTF-8 character at p: the byte after it when it is whole and
 * valid; p itself when the piece ends inside it; on an invalid one, the
 * error is set and the offending byte returned. */
static const unsigned char *oa_json_utf8_char(odeus_json *js, const unsigned char *p,
                                              const unsigned char *end)
{
  unsigned lo, hi, n = oa_json_utf8_lead(*p, &lo, &hi), good;
  if (!n) return oa_json_fail(js, ODEUS_ERR_JSON_UTF8, p);
  if ((size_t)(end - p) <= n) return p;
  good = oa_json_utf8_tail(p + 1, n, lo, hi);
  if (good != n) return oa_json_fail(js, ODEUS_ERR_JSON_UTF8, p + 1 + good);
  return p + 1 + n;
}

/* The piece ends inside the character led by *p: its bytes wait in tmp, so
 * that no fragment splits a character. */
static const unsigned char *oa_json_utf8_cut(odeus_json *js, const unsigned char *p)
{
  if (oa_json_room(js, 4)) return p;
  js->need = oa_json_utf8_lead(*p, &js->lo, &js->hi);
  js->tmp[js->tmp_len++] = (char)*p;
  js->state = OA_JSON_UTF8;
  return p + 1;
}

/* The closing quote at p ends the raw run [run, p) and the token. */
static const unsigned char *oa_json_string_end(odeus_json *js, const unsigned char *run,
                                               const unsigned char *p)
{
  if (p != run ? oa_json_run(js, run, p, ODEUS_JSON_LAST) : oa_json_flush(js, ODEUS_JSON_LAST))
    return p;
  if (js->token == ODEUS_JSON_KEY) {
    js->state = OA_JSON_BETWEEN;
    js->expect = OA_JSON_WANT_COLON;
  } else {
    oa_json_value_done(js);
  }
  return p + 1;
}

/* The byte a one-letter escape stands for; 0 for 'u' and for letters that
 * are no escape. */
static OA_INLINE unsigned oa_json_simple_escape(unsigned c)
{
  /* from 'b' to 't': b f n r t */
  static const unsigned char letters[19] = {
    '\b', 0, 0, 0, '\f', 0, 0, 0, 0, 0, 0, 0, '\n', 0, 0, 0, '\r', 0, '\t'
  };
  if (c - 'b' < sizeof letters) return letters[c - 'b'];
  switch (c) {
  case '"': case '\\': case '/': return c;
  default: return 0;
  }
}

/* Reads a string from p (the raw run began at run; the bytes before p are
 * plain or whole valid UTF-8 characters): delivers raw runs and decodes
 * one-letter escapes found inside the piece, then stops at the closing
 * quote (consumed), or at what needs the slower states: a \u escape or an
 * escape cut by the end of the piece (the backslash consumed), or a UTF-8
 * character cut by the end of the piece. */
static const unsigned char *oa_json_string(odeus_json *js, const unsigned char *run,
                                           const unsigned char *p, const unsigned char *end)
{
  for (;;) {
    const unsigned char *q;
    unsigned c, out;
    for (;;) {
      p = end - p < 8 ? oa_json_plain_run(p, end) : oa_json_scan(p, end);
      if (p == end || *p < 0x80) break;
      q = oa_json_utf8_char(js, p, end);
      if (js->error) return q;
      if (q == p) break;
      p = q;
    }
    if (p == end) {
      if (p != run) oa_json_run(js, run, p, 0);
      return p;
    }
    c = *p;
    if (c == '"') return oa_json_string_end(js, run, p);
    if (c < 0x20) return oa_json_fail(js, ODEUS_ERR_JSON_CONTROL, p);
    if (p != run && oa_json_run(js, run, p, 0)) return p;
    if (c != '\\') return oa_json_utf8_cut(js, p);
    if (end - p < 2 || (out = oa_json_simple_escape(p[1])) == 0) {
      js->state = OA_JSON_ESCAPE;
      return p + 1;
    }
    if (oa_json_put_byte(js, out)) return p;
    p += 2;
    run = p;
  }
}

/* One continuation byte of a character cut by the end of a piece. */
static const unsigned char *oa_json_utf8_more(odeus_json *js, const unsigned char *p)
{
  unsigned c = *p;
  if (c < js->lo || c > js->hi) return oa_json_fail(js, ODEUS_ERR_JSON_UTF8, p);
  js->tmp[js->tmp_len++] = (char)c;
  js->lo = 0x80;
  js->hi = 0xBF;
  if (--js->need == 0) js->state = OA_JSON_STRING;
  return p + 1;
}

static const unsigned char *oa_json_escape(odeus_json *js, const unsigned char *p)
{
  unsigned out = oa_json_simple_escape(*p);
  if (*p == 'u') {
    js->state = OA_JSON_HEX;
    js->sub = 0;
    js->code = 0;
    return p + 1;
  }
  if (!out) return oa_json_fail(js, ODEUS_ERR_JSON_ESCAPE, p);
  js->state = OA_JSON_STRING;
  if (oa_json_put_byte(js, out)) return p;
  return p + 1;
}

/* A lone surrogate escape: U+FFFD, or an error for a reader that was asked
 * to refuse them (a request body has no UTF-8 form for one). */
static int oa_json_lone(odeus_json *js)
{
  if (js->lone_surrogate_error) {
    js->error = ODEUS_ERR_JSON_ESCAPE;
    return 1;
  }
  return oa_json_put_code(js, 0xFFFD);
}

/* The four hex digits of a \u escape are read: pair surrogates, and turn a
 * lone one into U+FFFD. */
static int oa_json_unicode(odeus_json *js)
{
  uint32_t cp = js->code;
  js->state = OA_JSON_STRING;
  if (js->high) {
    uint32_t high = js->high;
    js->high = 0;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
      return oa_json_put_code(js, 0x10000 + ((high - 0xD800) << 10) + (cp - 0xDC00));
    if (oa_json_lone(js)) return 1;
  }
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    js->high = cp;
    js->state = OA_JSON_LOW_BACKSLASH;
    return 0;
  }
  if (cp >= 0xDC00 && cp <= 0xDFFF) return oa_json_lone(js);
  return oa_json_put_code(js, cp);
}

static const unsigned char *oa_json_hex(odeus_json *js, const unsigned char *p)
{
  unsigned c = *p, v;
  if (oa_json_digit(c)) v = c - '0';
  else if ((c | 0x20) - 'a' < 6u) v = (c | 0x20) - 'a' + 10;
  else return oa_json_fail(js, ODEUS_ERR_JSON_ESCAPE, p);
  js->code = (js->code << 4) | v;
  if (++js->sub == 4 && oa_json_unicode(js)) return p;
  return p + 1;
}

/* After a high surrogate, anything but "\u" leaves it lone: U+FFFD, then
 * the byte is read again in the state it belongs to (not consumed). */
static const unsigned char *oa_json_low(odeus_json *js, const unsigned char *p)
{
  unsigned want = js->state == OA_JSON_LOW_BACKSLASH ? '\\' : 'u';
  if (*p == want) {
    if (want == 'u') {
      js->state = OA_JSON_HEX;
      js->sub = 0;
      js->code = 0;
    } else {
      js->state = OA_JSON_LOW_U;
    }
    return p + 1;
  }
  js->high = 0;
  js->state = want == 'u' ? OA_JSON_ESCAPE : OA_JSON_STRING;
  oa_json_lone(js);
  return p;
}

/* ---- numbers and literals ---- */

/* The next step of the number grammar, by step (row) and byte (column: '0',
 * '1'-'9', '-', '+', '.', 'e' or 'E', anything else). END: the byte is not
 * part of the number; BAD: it makes the number invalid. */
#define OA_JSON_NB OA_JSON_N_BAD
#define OA_JSON_NE OA_JSON_N_END
static const unsigned char oa_json_number_next[OA_JSON_N_END][7] = {
  /* START */ { OA_JSON_N_ZERO, OA_JSON_N_INT, OA_JSON_N_MINUS, OA_JSON_NB, OA_JSON_NB, OA_JSON_NB, OA_JSON_NB },
  /* MINUS */ { OA_JSON_N_ZERO, OA_JSON_N_INT, OA_JSON_NB, OA_JSON_NB, OA_JSON_NB, OA_JSON_NB, OA_JSON_NB },
  /* ZERO */  { OA_JSON_NB, OA_JSON_NB, OA_JSON_NE, OA_JSON_NE, OA_JSON_N_DOT, OA_JSON_N_EXP, OA_JSON_NE },
  /* INT */   { OA_JSON_N_INT, OA_JSON_N_INT, OA_JSON_NE, OA_JSON_NE, OA_JSON_N_DOT, OA_JSON_N_EXP, OA_JSON_NE },
  /* DOT */   { OA_JSON_N_FRAC, OA_JSON_N_FRAC, OA_JSON_NB, OA_JSON_NB, OA_JSON_NB, OA_JSON_NB, OA_JSON_NB },
  /* FRAC */  { OA_JSON_N_FRAC, OA_JSON_N_FRAC, OA_JSON_NE, OA_JSON_NE, OA_JSON_NE, OA_JSON_N_EXP, OA_JSON_NE },
  /* EXP */   { OA_JSON_N_EXP_DIGITS, OA_JSON_N_EXP_DIGITS, OA_JSON_N_EXP_SIGN, OA_JSON_N_EXP_SIGN,
                OA_JSON_NB, OA_JSON_NB, OA_JSON_NB },
  /* EXP_SIGN */ { OA_JSON_N_EXP_DIGITS, OA_JSON_N_EXP_DIGITS, OA_JSON_NB, OA_JSON_NB, OA_JSON_NB,
                   OA_JSON_NB, OA_JSON_NB },
  /* EXP_DIGITS */ { OA_JSON_N_EXP_DIGITS, OA_JSON_N_EXP_DIGITS, OA_JSON_NE, OA_JSON_NE, OA_JSON_NE,
                     OA_JSON_NE, OA_JSON_NE }
};
#undef OA_JSON_NB
#undef OA_JSON_NE

static unsigned oa_json_number_step(unsigned step, unsigned c)
{
  unsigned column;
  if (c == '0') column = 0;
  else if (oa_json_digit(c)) column = 1;
  else if (c == '-') column = 2;
  else if (c == '+') column = 3;
  else if (c == '.') column = 4;
  else if ((c | 0x20) == 'e') column = 5;
  else column = 6;
  return oa_json_number_next[step][column];
}

/* Reads number bytes from p. The number ends at the first byte that is not
 * part of it, which must be one that may follow a value (not consumed); the
 * end of the piece delivers what was read so far. */
static const unsigned char *oa_json_number(odeus_json *js, const unsigned char *p,
                                           const unsigned char *end)
{
  const unsigned char *run = p;
  unsigned step = js->sub, next = OA_JSON_N_END;
  for (; p < end; p++) {
    next = oa_json_number_step(step, *p);
    if (next >= OA_JSON_N_END) break;
    step = next;
  }
  js->sub = step;
  if (p == end) {
    if (p != run) oa_json_fragment(js, (const char *)run, (size_t)(p - run), ODEUS_JSON_RAW);
    return p;
  }
  if (next == OA_JSON_N_BAD || !(oa_json_space(*p) || *p == ',' || *p == ']' || *p == '}'))
    return oa_json_fail(js, ODEUS_ERR_JSON_NUMBER, p);
  if (oa_json_fragment(js, (const char *)run, (size_t)(p - run), ODEUS_JSON_RAW | ODEUS_JSON_LAST))
    return p;
  oa_json_value_done(js);
  return p;
}

/* A number may end here (the end of the text ends a top-level number). */
static int oa_json_number_complete(unsigned step)
{
  return oa_json_number_next[step][6] == OA_JSON_N_END;
}

static const char *oa_json_word(unsigned token)
{
  if (token == ODEUS_JSON_TRUE) return "true";
  return token == ODEUS_JSON_FALSE ? "false" : "null";
}

static const unsigned char *oa_json_literal(odeus_json *js, const unsigned char *p,
                                            const unsigned char *end)
{
  const char *word = oa_json_word(js->token);
  unsigned i = js->sub;
  for (; p < end && word[i] != '\0'; p++, i++)
    if (*p != (unsigned char)word[i]) return oa_json_fail(js, ODEUS_ERR_JSON_SYNTAX, p);
  js->sub = i;
  if (word[i] != '\0') return p;
  if (oa_json_emit(js, js->token, 0, word, i, js->value_start)) return p;
  oa_json_value_done(js);
  return p;
}

/* ---- between tokens ---- */

/* How many bytes of the literal led by c (t, f or n) stand whole at p, with
 * avail bytes given: its length when all of it is there, else 0. */
static OA_INLINE size_t oa_json_whole_word(const unsigned char *p, size_t avail, unsigned c)
{
  if (c == 't') return avail >= 4 && memcmp(p, "true", 4) == 0 ? 4 : 0;
  if (c == 'n') return avail >= 4 && memcmp(p, "null", 4) == 0 ? 4 : 0;
  return avail >= 5 && memcmp(p, "false", 5) == 0 ? 5 : 0;
}

/* A string or key without escape, whole between the quotes at p and q: one
 * event FIRST|LAST|RAW pointing into the fed data; an empty one points into
 * the reader (tmp) and is not RAW. */
static OA_INLINE void oa_json_whole_string(odeus_json_event *ev, unsigned token,
                                           const unsigned char *p, const unsigned char *q,
                                           const odeus_json *js)
{
  ev->type = (odeus_json_event_type)token;
  ev->flags = ODEUS_JSON_FIRST | ODEUS_JSON_LAST | ODEUS_JSON_RAW;
  ev->text = (const char *)p + 1;
  ev->len = (size_t)(q - (p + 1));
  if (!ev->len) {
    ev->flags = ODEUS_JSON_FIRST | ODEUS_JSON_LAST;
    ev->text = js->tmp;
  }
  ev->depth = js->depth;
}

/* A literal whole inside the piece: its event points at the word. */
static OA_INLINE void oa_json_literal_event(odeus_json_event *ev, unsigned token, size_t len,
                                            const odeus_json *js)
{
  ev->type = (odeus_json_event_type)token;
  ev->flags = 0;
  ev->text = oa_json_word(token);
  ev->len = len;
  ev->depth = js->depth;
}

/* The closing quote of a string with raw UTF-8, whole inside the piece and
 * without escape: from p at a byte from 0x80, the characters are validated
 * one after the other and the plain runs between them scanned. NULL when
 * the string needs the string reader (an escape, a bad byte, an invalid
 * character or one cut by the end of the piece), with *stop set to that
 * place: the bytes before it are plain or whole valid characters, which the
 * reader delivers as they are, and it reports the error at the same byte as
 * if it had read them all. */
OA_JSON_OUTLINE static const unsigned char *oa_json_utf8_string(const unsigned char *p,
                                                                const unsigned char *end,
                                                                const unsigned char **stop)
{
  for (;;) {
    unsigned lo, hi, n = oa_json_utf8_lead(*p, &lo, &hi);
    if (!n || (size_t)(end - p) <= n || oa_json_utf8_tail(p + 1, n, lo, hi) != n) break;
    p += 1 + n;
    p = end - p < 8 ? oa_json_plain_run(p, end) : oa_json_scan(p, end);
    if (p == end || *p < 0x80) break;
  }
  if (p != end && *p == '"') return p;
  *stop = p;
  return NULL;
}

/* The closing quote of a string whose text starts at s, when the string
 * is whole inside the piece and holds no escape and only valid UTF-8, so
 * that one event can point at its bytes; NULL otherwise, with *stop set to
 * where the string reader must look (see oa_json_utf8_string). The first
 * block is read here: most strings end inside it. */
static OA_INLINE const unsigned char *oa_json_plain_string(const unsigned char *s,
                                                           const unsigned char *end,
                                                           const unsigned char **stop)
{
  const unsigned char *q;
#ifdef OA_JSON_SSE2
  if (end - s >= 16) {
    unsigned bits = oa_json_block(s);
    if (bits) {
      q = s + (unsigned)__builtin_ctz(bits);
      if (*q == '"') return q;
      if (*q >= 0x80) return oa_json_utf8_string(q, end, stop);
      *stop = q;
      return NULL;
    }
    s += 16;
  }
#endif
  q = oa_json_scan(s, end);
  if (q != end && *q == '"') return q;
  if (q != end && *q >= 0x80) return oa_json_utf8_string(q, end, stop);
  *stop = q;
  return NULL;
}

/* Whether the two bytes at p (p + 1 < end) are a and b. */
static OA_INLINE int oa_json_pair(const unsigned char *p, unsigned a, unsigned b)
{
  return ((unsigned)p[0] | (unsigned)p[1] << 8) == (a | b << 8);
}

/* A string that is not plain from its opening quote at p (an escape, a
 * byte from 0x80, a bad byte, or the end of the piece inside it, at stop):
 * the string reader takes it, from there. Returns where it stopped:
 * after the closing quote (state BETWEEN), or where a slower state goes on. */
static const unsigned char *oa_json_string_begin(odeus_json *js, const unsigned char *p,
                                                 const unsigned char *stop,
                                                 const unsigned char *end, unsigned token,
                                                 uintptr_t origin)
{
  oa_json_begin(js, OA_JSON_STRING, token, (size_t)((uintptr_t)p - origin));
  return oa_json_string(js, p + 1, stop, end);
}

/* Delivers the event of a container's bracket (no text). */
static OA_INLINE int oa_json_bracket(odeus_json *js, odeus_json_event *ev, unsigned type,
                                     size_t offset)
{
  ev->type = (odeus_json_event_type)type;
  ev->flags = 0;
  ev->text = NULL;
  ev->len = 0;
  ev->depth = js->depth;
  ev->offset = offset;
  return oa_json_send(js, ev);
}

/* The first byte from p that is not JSON whitespace, or end. */
OA_JSON_OUTLINE static const unsigned char *oa_json_skip_space(const unsigned char *p,
                                                               const unsigned char *end)
{
  while (p != end && oa_json_space(*p)) p++;
  return p;
}

/* The same, with the test for the compact form here: no whitespace where
 * the byte at p is above 0x20 (out of line only past that). */
static OA_INLINE const unsigned char *oa_json_past_space(const unsigned char *p,
                                                         const unsigned char *end)
{
  return p != end && *p <= ' ' ? oa_json_skip_space(p, end) : p;
}

/* Objects, the commonest text: "key":value members, where each value is a
 * string, a literal, an object of the same kind, or an array (opened here,
 * its elements read here when they are such objects). This loop reads them
 * with little to keep track of, and the compact form ("key":"value", then
 * ,"key" or the close) without even a test for whitespace. It begins where
 * *expect says: at the opening quote of a key (KEY), after a key (COLON),
 * or after a member's value (COMMA). Anything else (a number, an element
 * other than an object, a literal or a bracket cut by the end of the piece,
 * a bracket too deep, an error in the text) sends it back to the structure
 * loop, which reads on from the same byte with *expect set to what may come
 * there; so does a string that is not plain, with *stop set to where the
 * string reader must look, which it calls from its own frame (the deepest
 * chain of calls under a callback then holds one frame less). Returns where
 * it stopped; after an error from the callback, where the error was. Every
 * step is one the structure loop would take, so the events and the errors
 * are the same. */
OA_JSON_OUTLINE static const unsigned char *oa_json_objects(odeus_json *js,
                                                            const unsigned char *p,
                                                            const unsigned char *end,
                                                            uintptr_t origin, unsigned *expect,
                                                            const unsigned char **stop)
{
  odeus_json_event ev;
  const unsigned char *q;
  size_t n;
  unsigned c, token;

  if (*expect & OA_JSON_WANT_COMMA) goto member_done;
  if (*expect & OA_JSON_WANT_COLON) goto colon;
key:
  /* p: the opening quote of a key */
  q = oa_json_plain_string(p + 1, end, stop);
  if (!q) {
    *expect = OA_JSON_WANT_KEY;
    return p;
  }
  oa_json_whole_string(&ev, ODEUS_JSON_KEY, p, q, js);
  ev.offset = (size_t)((uintptr_t)p - origin);
  if (oa_json_send(js, &ev)) return q;
  p = q + 1;
colon:
  /* p: after a key */
  if (end - p >= 2 && oa_json_pair(p, ':', '"')) {
    p++;
    goto string;
  }
  p = oa_json_past_space(p, end);
  if (p == end || *p != ':') {
    *expect = OA_JSON_WANT_COLON;
    return p;
  }
  p++;
  p = oa_json_past_space(p, end);
  if (p == end) goto other_value;
  /* p: the first byte of the value */
  c = *p;
  if (c == '"') goto string;
  if (c == '{') goto open_object;
  if (c == '[') {
    if (js->depth >= ODEUS_JSON_MAX_DEPTH) goto other_value;
    if (oa_json_bracket(js, &ev, ODEUS_JSON_ARRAY_BEGIN, (size_t)((uintptr_t)p - origin))) return p;
    js->stack &= ~((uint64_t)1 << js->depth);
    js->depth++;
    p++;
    p = oa_json_past_space(p, end);
    if (p != end && *p == '{') goto open_object;
    *expect = OA_JSON_WANT_VALUE | OA_JSON_WANT_CLOSE;
    return p;
  }
  if (c != 't' && c != 'f' && c != 'n') goto other_value;
  n = oa_json_whole_word(p, (size_t)(end - p), c);
  if (!n) goto other_value;
  token = c == 't' ? ODEUS_JSON_TRUE : c == 'f' ? ODEUS_JSON_FALSE : ODEUS_JSON_NULL;
  oa_json_literal_event(&ev, token, n, js);
  ev.offset = (size_t)((uintptr_t)p - origin);
  if (oa_json_send(js, &ev)) return p;
  p += n;
  goto member_done;

string:
  /* p: the opening quote of a string value */
  q = oa_json_plain_string(p + 1, end, stop);
  if (!q) {
    *expect = OA_JSON_WANT_VALUE;
    return p;
  }
  oa_json_whole_string(&ev, ODEUS_JSON_STRING, p, q, js);
  ev.offset = (size_t)((uintptr_t)p - origin);
  if (oa_json_send(js, &ev)) return q;
  p = q + 1;
  goto member_done;

open_object:
  /* p: a '{' where a value may come */
  if (js->depth >= ODEUS_JSON_MAX_DEPTH) goto other_value;
  if (oa_json_bracket(js, &ev, ODEUS_JSON_OBJECT_BEGIN, (size_t)((uintptr_t)p - origin))) return p;
  js->stack |= (uint64_t)1 << js->depth;
  js->depth++;
  p++;
  p = oa_json_past_space(p, end);
  if (p != end && *p == '"') goto key;
  *expect = OA_JSON_WANT_KEY | OA_JSON_WANT_CLOSE;
  return p;

member_done:
  /* A member's value is complete: a comma and the next member, or the
   * close, may follow. */
  if (end - p >= 2 && oa_json_pair(p, ',', '"')) {
    p++;
    goto key;
  }
  if (p == end || *p != '}') {
    p = oa_json_past_space(p, end);
    if (p == end) goto separator;
    if (*p == ',') {
      p++;
      p = oa_json_past_space(p, end);
      if (p != end && *p == '"') goto key;
      *expect = OA_JSON_WANT_KEY;
      return p;
    }
    if (*p != '}') goto separator;
  }
  js->depth--;
  if (oa_json_bracket(js, &ev, ODEUS_JSON_OBJECT_END, (size_t)((uintptr_t)p - origin))) return p;
  goto closed;

value_done:
  /* A value is complete inside a container, an object or an array. */
  if (oa_json_top_is_object(js)) goto member_done;
  if (end - p >= 2 && oa_json_pair(p, ',', '{')) {
    p++;
    goto open_object;
  }
  if (p == end || *p != ']') {
    p = oa_json_past_space(p, end);
    if (p == end) goto separator;
    if (*p == ',') {
      p++;
      p = oa_json_past_space(p, end);
      if (p != end && *p == '{') goto open_object;
      goto other_value;
    }
    if (*p != ']') goto separator;
  }
  js->depth--;
  if (oa_json_bracket(js, &ev, ODEUS_JSON_ARRAY_END, (size_t)((uintptr_t)p - origin))) return p;

closed:
  /* the container that closed at p was a value too, unless it was the top */
  p++;
  if (js->depth) goto value_done;
  *expect = 0;
  return p;

separator:
  *expect = OA_JSON_WANT_COMMA | OA_JSON_WANT_CLOSE;
  return p;

other_value:
  /* a value this loop does not read, at p */
  *expect = OA_JSON_WANT_VALUE;
  return p;
}

/* The events of oa_json_structure, whole tokens inside the piece: a
 * container's bracket at p (q NULL), a literal [p, q), a string between the
 * quotes at p and q. Out of line, so that the structure loop's frame, under
 * every other call, holds no event. */
OA_JSON_OUTLINE static int oa_json_deliver(odeus_json *js, unsigned type, const unsigned char *p,
                                           const unsigned char *q, size_t offset)
{
  odeus_json_event ev;
  if (!q) return oa_json_bracket(js, &ev, type, offset);
  if (type == ODEUS_JSON_STRING) oa_json_whole_string(&ev, type, p, q, js);
  else oa_json_literal_event(&ev, type, (size_t)(q - p), js);
  ev.offset = offset;
  return oa_json_send(js, &ev);
}

/* Reads tokens from p until the end of the piece, an error, or a token cut
 * by the end of the piece (then state says which): the top level, arrays,
 * numbers and whatever oa_json_objects hands back; the members of objects
 * are read by oa_json_objects, from the opening quote of a key. The set of
 * what may come next (expect) and whether the innermost container is an
 * object live in locals; expect goes back to the struct when the function
 * returns, depth whenever it changes. Stream offsets are computed on
 * addresses: the offset of x is x - origin. */
static const unsigned char *oa_json_structure(odeus_json *js, const unsigned char *p,
                                              const unsigned char *end)
{
  const uintptr_t origin = (uintptr_t)p - js->offset;
  unsigned expect = js->expect;
  unsigned in_object = js->depth ? oa_json_top_is_object(js) : 0;
  unsigned c, token;
  const unsigned char *q, *stop = NULL;
  size_t n;

  while (p != end) {
    c = *p;
    switch (c) {
    case '"':
      if (expect & OA_JSON_WANT_KEY) goto objects;
      if (!(expect & OA_JSON_WANT_VALUE)) goto refuse;
      q = oa_json_plain_string(p + 1, end, &stop);
      if (!q) {
        p = oa_json_string_begin(js, p, stop, end, ODEUS_JSON_STRING, origin);
        goto helper_done;
      }
      if (oa_json_deliver(js, ODEUS_JSON_STRING, p, q, (size_t)((uintptr_t)p - origin))) return q;
      p = q + 1;
      goto value_done;
    case ',':
      if (!(expect & OA_JSON_WANT_COMMA)) goto refuse;
      p++;
      expect = in_object ? OA_JSON_WANT_KEY : OA_JSON_WANT_VALUE;
      continue;
    case ':':
      if (!(expect & OA_JSON_WANT_COLON)) goto refuse;
      expect = OA_JSON_WANT_VALUE;
      p++;
      continue;
    case ' ': case '\t': case '\n': case '\r':
      p++;
      continue;
    case '}': case ']':
      if (!(expect & OA_JSON_WANT_CLOSE) || in_object != (c == '}')) goto refuse;
      js->depth--;
      if (oa_json_deliver(js, in_object ? ODEUS_JSON_OBJECT_END : ODEUS_JSON_ARRAY_END, p, NULL,
                          (size_t)((uintptr_t)p - origin)))
        return p;
      p++;
      in_object = js->depth ? oa_json_top_is_object(js) : 0;
      goto value_done;
    case '{': case '[':
      if (!(expect & OA_JSON_WANT_VALUE)) goto refuse;
      if (js->depth >= ODEUS_JSON_MAX_DEPTH) return oa_json_fail(js, ODEUS_ERR_JSON_DEPTH, p);
      in_object = c == '{';
      if (oa_json_deliver(js, in_object ? ODEUS_JSON_OBJECT_BEGIN : ODEUS_JSON_ARRAY_BEGIN, p, NULL,
                          (size_t)((uintptr_t)p - origin)))
        return p;
      p++;
      if (in_object) js->stack |= (uint64_t)1 << js->depth;
      else js->stack &= ~((uint64_t)1 << js->depth);
      js->depth++;
      expect = (in_object ? OA_JSON_WANT_KEY : OA_JSON_WANT_VALUE) | OA_JSON_WANT_CLOSE;
      if (in_object && p != end && *p == '"') goto objects;
      continue;
    case 't': case 'f': case 'n':
      if (!(expect & OA_JSON_WANT_VALUE)) goto refuse;
      token = c == 't' ? ODEUS_JSON_TRUE : c == 'f' ? ODEUS_JSON_FALSE : ODEUS_JSON_NULL;
      n = oa_json_whole_word(p, (size_t)(end - p), c);
      if (!n) {
        /* cut by the end of the piece, or misspelt */
        oa_json_begin(js, OA_JSON_LITERAL, token, (size_t)((uintptr_t)p - origin));
        p = oa_json_literal(js, p, end);
        goto helper_done;
      }
      if (oa_json_deliver(js, token, p, p + n, (size_t)((uintptr_t)p - origin))) return p;
      p += n;
      goto value_done;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      if (!(expect & OA_JSON_WANT_VALUE)) goto refuse;
      oa_json_begin(js, OA_JSON_NUMBER, ODEUS_JSON_NUMBER, (size_t)((uintptr_t)p - origin));
      p = oa_json_number(js, p, end);
      goto helper_done;
    default:
      goto refuse;
    }

  value_done:
    /* A value is complete: a separator or a close may follow, or nothing at the top. */
    expect = js->depth ? OA_JSON_WANT_COMMA | OA_JSON_WANT_CLOSE : 0;
    if (in_object) goto objects;
    continue;

  helper_done:
    /* the helper set expect if it completed its token */
    if (js->error || js->state != OA_JSON_BETWEEN) return p;
    expect = js->expect;
    if (!in_object || !(expect & (OA_JSON_WANT_COLON | OA_JSON_WANT_COMMA))) continue;
  objects:
    /* In an object, at a key or after a key or a member's value: the
     * objects loop reads on, and leaves a string that is not plain to the
     * string reader here. */
    stop = NULL;
    p = oa_json_objects(js, p, end, origin, &expect, &stop);
    if (js->error) return p;
    in_object = js->depth ? oa_json_top_is_object(js) : 0;
    if (stop) {
      token = expect & OA_JSON_WANT_KEY ? ODEUS_JSON_KEY : ODEUS_JSON_STRING;
      p = oa_json_string_begin(js, p, stop, end, token, origin);
      goto helper_done;
    }
  }
  js->expect = expect;
  return p;

refuse:
  /* A byte that may not come here. After the top-level value, nothing may. */
  js->expect = expect;
  return oa_json_fail(js, expect ? ODEUS_ERR_JSON_SYNTAX : ODEUS_ERR_JSON_TRAILING, p);
}

/* ---- the API ---- */

ODEUS_API void odeus_json_init(odeus_json *js, odeus_json_fn fn, void *ctx)
{
  if (!js) return;
  memset(js, 0, sizeof *js);
  js->fn = fn ? fn : oa_json_ignore;
  js->ctx = ctx;
  js->state = OA_JSON_BETWEEN;
  js->expect = OA_JSON_WANT_VALUE;
}

ODEUS_API odeus_result odeus_json_feed(odeus_json *js, const char *data, size_t len)
{
  const unsigned char *p, *end, *q;
  if (!js || (!data && len)) return ODEUS_ERR_ARGUMENT;
  if (js->error) return (odeus_result)js->error;
  if (!len) return ODEUS_OK;
  p = (const unsigned char *)data;
  end = p + len;
  while (p < end) {
    switch (js->state) {
    case OA_JSON_STRING: q = oa_json_string(js, p, p, end); break;
    case OA_JSON_ESCAPE: q = oa_json_escape(js, p); break;
    case OA_JSON_HEX: q = oa_json_hex(js, p); break;
    case OA_JSON_LOW_BACKSLASH: case OA_JSON_LOW_U: q = oa_json_low(js, p); break;
    case OA_JSON_UTF8: q = oa_json_utf8_more(js, p); break;
    case OA_JSON_NUMBER: q = oa_json_number(js, p, end); break;
    case OA_JSON_LITERAL: q = oa_json_literal(js, p, end); break;
    default: q = oa_json_structure(js, p, end); break;
    }
    js->offset += (size_t)(q - p);
    p = q;
    if (js->error) return (odeus_result)js->error;
  }
  return ODEUS_OK;
}

ODEUS_API odeus_result odeus_json_finish(odeus_json *js)
{
  if (!js) return ODEUS_ERR_ARGUMENT;
  if (js->error) return (odeus_result)js->error;
  if (js->state == OA_JSON_NUMBER && js->depth == 0) {
    if (!oa_json_number_complete(js->sub)) {
      js->error = ODEUS_ERR_JSON_NUMBER;
    } else if (!oa_json_fragment(js, js->tmp, 0, ODEUS_JSON_LAST)) {
      oa_json_value_done(js);
    }
  } else if (js->state != OA_JSON_BETWEEN || js->expect) {
    js->error = ODEUS_ERR_JSON_TRUNCATED;
  }
  return (odeus_result)js->error;
}


/* ---- HTTP/1.1 response parser -----------------------------------------------
 * A byte-exact state machine: everything it must remember between two feeds
 * lives in odeus_http, so any split of the input gives the same result.
 * Each state consumes a whole span in a tight loop; state changes happen
 * only at the few bytes that matter (CR, LF, ':', the end of a chunk).
 * Every error is decided by the first offending byte alone, so the same
 * input reports the same error at the same offset however it is split. */

enum {
  /* Text states: their bytes count against head_max. */
  OA_HTTP_STATUS = 0,   /* "HTTP/1.x NNN ": sub = position in it */
  OA_HTTP_REASON,       /* reason phrase: sub = bytes kept in reason[] */
  OA_HTTP_STATUS_LF,    /* the status line's CR was read */
  OA_HTTP_LINE,         /* start of a field line, or of the empty line */
  OA_HTTP_NAME,         /* field name: hdr = known name still matching, sub = its bytes read */
  OA_HTTP_VALUE,        /* field value of hdr: sub = that header's own progress */
  OA_HTTP_LINE_LF,      /* a field line's CR was read */
  OA_HTTP_END_LF,       /* the empty line's CR was read */
  OA_HTTP_CHUNK_SIZE,   /* the chunk-size line up to CR: sub = OA_HTTP_Z_*, num = size */
  OA_HTTP_CHUNK_LF,     /* the chunk-size line's CR was read */
  OA_HTTP_DATA_CR,      /* chunk data read: CR expected */
  OA_HTTP_DATA_LF,      /* chunk data and CR read: LF expected */
  /* Data states: body bytes, handed to on_body in spans. */
  OA_HTTP_BODY_CL,      /* Content-Length bytes */
  OA_HTTP_BODY_CLOSE,   /* everything until the peer closes */
  OA_HTTP_CHUNK_DATA,   /* num = bytes left in the chunk */
  OA_HTTP_DONE
};

/* The header fields the parser acts on (hdr); index 0 is any other name. */
enum {
  OA_HTTP_H_OTHER = 0,
  OA_HTTP_H_CONTENT_LENGTH,
  OA_HTTP_H_TRANSFER_ENCODING,
  OA_HTTP_H_CONNECTION,
  OA_HTTP_H_RETRY_AFTER,
  OA_HTTP_H_COUNT
};

/* Lowercase, as matched against lowercased input. */
static const char *const oa_http_names[OA_HTTP_H_COUNT] = {
  "", "content-length", "transfer-encoding", "connection", "retry-after"
};

/* flags: what this head said so far (reset for every head). */
#define OA_HTTP_F_HTTP10     0x01u  /* the status line said HTTP/1.0 */
#define OA_HTTP_F_CL         0x02u  /* a Content-Length field was seen */
#define OA_HTTP_F_TE         0x04u  /* a Transfer-Encoding field was seen */
#define OA_HTTP_F_CLOSE      0x08u  /* Connection has the token "close" */
#define OA_HTTP_F_KEEP_ALIVE 0x10u  /* Connection has the token "keep-alive" */
#define OA_HTTP_F_RETRY      0x20u  /* a Retry-After field was seen */
#define OA_HTTP_F_TRAILER    0x40u  /* reading the trailer section */
#define OA_HTTP_F_SECTION    0x80u  /* a new bounded text section just began */

/* Byte classes. T: a token character (tchar), also allowed in a value.
 * V: allowed in a field value or the reason phrase (SP, HTAB, VCHAR,
 * obs-text). 0: a control byte; CR and LF are 0 too, and are looked at
 * wherever a scan stops. */
#define OA_HTTP_T 3
#define OA_HTTP_V 2
#define OA_HTTP_V8 OA_HTTP_V, OA_HTTP_V, OA_HTTP_V, OA_HTTP_V, OA_HTTP_V, OA_HTTP_V, OA_HTTP_V, OA_HTTP_V
#define OA_HTTP_T8 OA_HTTP_T, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T
static const unsigned char oa_http_class[256] = {
  /* 0x00 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, OA_HTTP_V, 0, 0, 0, 0, 0, 0,
  /* 0x10 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  /* 0x20  SP ! " # $ % & ' ( ) * + , - . / */
  OA_HTTP_V, OA_HTTP_T, OA_HTTP_V, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T,
  OA_HTTP_V, OA_HTTP_V, OA_HTTP_T, OA_HTTP_T, OA_HTTP_V, OA_HTTP_T, OA_HTTP_T, OA_HTTP_V,
  /* 0x30  0-9 : ; < = > ? */
  OA_HTTP_T8, OA_HTTP_T, OA_HTTP_T,
  OA_HTTP_V, OA_HTTP_V, OA_HTTP_V, OA_HTTP_V, OA_HTTP_V, OA_HTTP_V,
  /* 0x40  @ A-O */
  OA_HTTP_V, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T,
  OA_HTTP_T8,
  /* 0x50  P-Z [ \ ] ^ _ */
  OA_HTTP_T8, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T,
  OA_HTTP_V, OA_HTTP_V, OA_HTTP_V, OA_HTTP_T, OA_HTTP_T,
  /* 0x60  ` a-o */
  OA_HTTP_T8, OA_HTTP_T8,
  /* 0x70  p-z { | } ~ DEL */
  OA_HTTP_T8, OA_HTTP_T, OA_HTTP_T, OA_HTTP_T,
  OA_HTTP_V, OA_HTTP_T, OA_HTTP_V, OA_HTTP_T, 0,
  /* 0x80..0xff: obs-text */
  OA_HTTP_V8, OA_HTTP_V8, OA_HTTP_V8, OA_HTTP_V8, OA_HTTP_V8, OA_HTTP_V8, OA_HTTP_V8, OA_HTTP_V8,
  OA_HTTP_V8, OA_HTTP_V8, OA_HTTP_V8, OA_HTTP_V8, OA_HTTP_V8, OA_HTTP_V8, OA_HTTP_V8, OA_HTTP_V8
};

typedef const unsigned char *oa_http_ptr;

/* Records the first error; s stays on the offending byte (not consumed). */
static oa_http_ptr oa_http_fail(odeus_http *p, oa_http_ptr s, odeus_result r)
{
  p->error = (int)r;
  return s;
}

static int oa_http_ows(unsigned c)
{
  return c == ' ' || c == '\t';
}

static int oa_http_digit(unsigned c)
{
  return c - '0' < 10u;
}

/* Word-at-a-time scans use the machine word: no 64-bit arithmetic on a
 * 32-bit target. */
typedef size_t oa_http_word;
#define OA_HTTP_ONES ((oa_http_word)-1 / 0xffu)
#define OA_HTTP_HIGHS (OA_HTTP_ONES * 0x80u)
#define OA_HTTP_W sizeof(oa_http_word)

/* Whether n bytes at s, none a control byte, are word (lowercase letters
 * and '-') in any case. On such bytes OR-ing 0x20 lowercases a letter and
 * maps nothing else onto a letter or '-', so comparing a machine word at a
 * time (the last block overlapping) is exact. */
static int oa_http_is_word(oa_http_ptr s, const char *word, size_t n)
{
  size_t i;
  if (n < OA_HTTP_W) {
    for (i = 0; i < n; i++)
      if ((s[i] | 0x20u) != (unsigned char)word[i]) return 0;
    return 1;
  }
  for (i = 0;; i += OA_HTTP_W) {
    oa_http_word a, b;
    if (i + OA_HTTP_W > n) i = n - OA_HTTP_W;
    memcpy(&a, s + i, OA_HTTP_W);
    memcpy(&b, word + i, OA_HTTP_W);
    if ((a | 0x20 * OA_HTTP_ONES) != b) return 0;
    if (i + OA_HTTP_W == n) return 1;
  }
}

/* Where a run of value bytes ends: at a CR, or a byte no value may hold.
 * A word at a time while no byte is below 0x20 or above 0x7e (the high
 * bit of a byte's lane is set by x - 0x20 below 0x20, by x + 1 from 0x7f
 * up, and by x itself from 0x80 up; a borrow or carry between lanes only
 * comes from a lane already flagged). From a flagged word on, the one
 * holding the CR or one with an HTAB or obs-text, it reads byte by byte. */
static oa_http_ptr oa_http_value_span(oa_http_ptr s, oa_http_ptr e)
{
  for (; (size_t)(e - s) >= OA_HTTP_W; s += OA_HTTP_W) {
    oa_http_word x;
    memcpy(&x, s, OA_HTTP_W);
    if (((x - 0x20 * OA_HTTP_ONES) | (x + OA_HTTP_ONES) | x) & OA_HTTP_HIGHS) break;
  }
  while (s < e && oa_http_class[*s]) s++;
  return s;
}

/* A piece of a field name or a Connection token that a feed cuts, kept in
 * val while it could still be one we know (none is longer than val): its
 * leading OWS dropped, and past val only whether a byte other than OWS came
 * (then vlen is sizeof val + 1), so the OWS around a token, however long,
 * never matters. */
static void oa_http_keep(odeus_http *p, oa_http_ptr s, oa_http_ptr t)
{
  if (!p->vlen)
    while (s < t && oa_http_ows(*s)) s++;
  for (; s < t; s++) {
    if (p->vlen < sizeof p->val) p->val[p->vlen++] = (char)*s;
    else if (!oa_http_ows(*s)) p->vlen = (unsigned)sizeof p->val + 1;
  }
}

/* ---- Retry-After: an IMF-fixdate ------------------------------------------ */

/* The index of a three-letter name in a list of them (case-sensitive, as
 * RFC 9110 writes them), or -1. */
static int oa_http_name3(const char *v, const char *list, unsigned count)
{
  unsigned i;
  for (i = 0; i < count; i++)
    if (memcmp(v, list + (size_t)3 * i, 3) == 0) return (int)i;
  return -1;
}

/* Days from 1970-01-01 to y-m-d (y >= 1970), proleptic Gregorian. Years are
 * counted from March, so the leap day is the last day of the year and every
 * month's offset follows one formula. Years 1970..9999 give less than
 * 2^32; 32 bits keep a 64-bit division helper out of 32-bit builds. */
static uint32_t oa_http_days(unsigned y, unsigned m, unsigned d)
{
  unsigned yy = m <= 2 ? y - 1 : y;
  unsigned era = yy / 400, yoe = yy - era * 400;
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (uint32_t)(era * 146097u + doe - 719468u);
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" -> seconds since 1970. Exactly that
 * shape ('a': a letter of a name, '0': a digit, else that byte); the
 * weekday must be the date's. */
static int oa_http_imf_date(const char *v, unsigned n, uint64_t *out)
{
  static const char shape[] = "aaa, 00 aaa 0000 00:00:00 GMT";
  unsigned num[5] = { 0 }, k = 0, x = 0, i, leap, mdays, secs; /* day, year, hour, minute, second */
  int wday, mon;
  uint32_t days;
  if (n != sizeof shape - 1) return 0;
  for (i = 0; i < n; i++) {
    unsigned c = (unsigned char)v[i];
    if (shape[i] == '0') {
      if (!oa_http_digit(c)) return 0;
      x = x * 10 + (c - '0');
      if (shape[i + 1] != '0') { num[k++] = x; x = 0; }
    } else if (shape[i] != 'a' && c != (unsigned char)shape[i]) {
      return 0;
    }
  }
  wday = oa_http_name3(v, "SunMonTueWedThuFriSat", 7);
  mon = oa_http_name3(v + 8, "JanFebMarAprMayJunJulAugSepOctNovDec", 12) + 1;
  leap = (num[1] % 4 == 0 && num[1] % 100 != 0) || num[1] % 400 == 0;
  /* 31 days in odd months up to July, in even ones from August */
  mdays = mon == 2 ? 28 + leap : 30 + (((unsigned)mon ^ ((unsigned)mon >> 3)) & 1u);
  if (wday < 0 || mon <= 0 || num[1] < 1970 || num[0] < 1 || num[0] > mdays ||
      num[2] > 23 || num[3] > 59 || num[4] > 60) /* 60: a leap second */
    return 0;
  days = oa_http_days(num[1], (unsigned)mon, num[0]);
  if ((days + 4) % 7 != (unsigned)wday) return 0; /* 1970-01-01 was a Thursday */
  secs = num[2] * 3600u + num[3] * 60u + num[4];
  *out = (uint64_t)days * 86400u + secs;
  return 1;
}

/* ---- the header fields we act on, byte by byte ------------------------------
 * Each value is read as it arrives; sub holds the progress. Leading and
 * trailing whitespace (OWS) is skipped. */

/* Content-Length: sub 0 before the digits, 1 in them, 2 after them. */
static odeus_result oa_http_cl_byte(odeus_http *p, unsigned c)
{
  if (oa_http_digit(c)) {
    uint64_t d = c - '0';
    if (p->sub == 2) return ODEUS_ERR_HTTP_CL_INVALID;
    if (p->content_length > UINT64_MAX / 10 ||
        (p->content_length == UINT64_MAX / 10 && d > UINT64_MAX % 10))
      return ODEUS_ERR_HTTP_CL_OVERFLOW;
    p->content_length = p->content_length * 10 + d;
    p->sub = 1;
    return ODEUS_OK;
  }
  if (!oa_http_ows(c)) return ODEUS_ERR_HTTP_CL_INVALID;
  if (p->sub == 1) p->sub = 2;
  return ODEUS_OK;
}

/* Transfer-Encoding: sub = bytes of "chunked" matched, 8 after it. */
static odeus_result oa_http_te_byte(odeus_http *p, unsigned c)
{
  if (oa_http_ows(c)) {
    if (p->sub == 7) p->sub = 8;
    return (p->sub == 0 || p->sub == 8) ? ODEUS_OK : ODEUS_ERR_HTTP_TE;
  }
  if (p->sub >= 7 || oa_lower((int)c) != "chunked"[p->sub]) return ODEUS_ERR_HTTP_TE;
  p->sub++;
  return ODEUS_OK;
}

/* Connection: a comma-separated token list. A token is looked at whole,
 * at its ',' or CR: with its OWS trimmed, "close" or "keep-alive" in any
 * case. One that a feed cuts gathers in val (see oa_http_keep). */
static int oa_http_conn_token(odeus_http *p, oa_http_ptr s, oa_http_ptr t)
{
  unsigned flag;
  while (s < t && oa_http_ows(*s)) s++;
  while (t > s && oa_http_ows(t[-1])) t--;
  /* cppcheck-suppress knownConditionTrueFalse ; cppcheck loses s and t after the trimming loops */
  if (t - s == 5 && oa_http_is_word(s, "close", 5)) flag = OA_HTTP_F_CLOSE;
  /* cppcheck-suppress knownConditionTrueFalse ; cppcheck loses s and t after the trimming loops */
  else if (t - s == 10 && oa_http_is_word(s, "keep-alive", 10)) flag = OA_HTTP_F_KEEP_ALIVE;
  else return 0;
  p->flags |= flag;
  return 1;
}

/* The end of a token that began in an earlier feed. */
static void oa_http_conn_token_end(odeus_http *p)
{
  oa_http_ptr s = (oa_http_ptr)p->val;
  if (p->vlen <= sizeof p->val) oa_http_conn_token(p, s, s + p->vlen);
  p->vlen = 0;
}

/* Value bytes [s, t); last: t is the CR ending the value. */
static void oa_http_conn_bytes(odeus_http *p, oa_http_ptr s, oa_http_ptr t, int last)
{
  /* the usual value, one token in one feed, needs no search for commas */
  if (last && !p->vlen && oa_http_conn_token(p, s, t)) return;
  for (;;) {
    oa_http_ptr c = s;
    while (c < t && *c != ',') c++;
    if (c == t && !last) { oa_http_keep(p, s, c); return; }
    if (p->vlen) {
      oa_http_keep(p, s, c);
      oa_http_conn_token_end(p);
    } else {
      oa_http_conn_token(p, s, c);
    }
    if (c == t) return;
    s = c + 1;
  }
}

/* Retry-After: sub says what the value looks like so far. */
enum {
  OA_HTTP_R_START = 0,  /* nothing but OWS yet */
  OA_HTTP_R_DIGITS,     /* delta-seconds, num saturated at 2^32 */
  OA_HTTP_R_DIGITS_END, /* OWS after the digits */
  OA_HTTP_R_DATE,       /* a date, kept in val[] */
  OA_HTTP_R_DATE_END,   /* val[] is full: only OWS may follow */
  OA_HTTP_R_INVALID
};

static void oa_http_retry_byte(odeus_http *p, unsigned c)
{
  int ows = oa_http_ows(c);
  switch (p->sub) {
  case OA_HTTP_R_START:
    if (ows) break;
    if (oa_http_digit(c)) { p->num = c - '0'; p->sub = OA_HTTP_R_DIGITS; break; }
    p->sub = OA_HTTP_R_DATE;
    /* fall through */
  case OA_HTTP_R_DATE:
    if (p->vlen < sizeof p->val) p->val[p->vlen++] = (char)c;
    else p->sub = ows ? OA_HTTP_R_DATE_END : OA_HTTP_R_INVALID;
    break;
  case OA_HTTP_R_DIGITS:
    if (oa_http_digit(c)) {
      p->num = p->num * 10 + (c - '0');
      if (p->num > (uint64_t)UINT32_MAX + 1) p->num = (uint64_t)UINT32_MAX + 1;
    } else {
      p->sub = ows ? OA_HTTP_R_DIGITS_END : OA_HTTP_R_INVALID;
    }
    break;
  case OA_HTTP_R_DIGITS_END:
  case OA_HTTP_R_DATE_END:
    if (!ows) p->sub = OA_HTTP_R_INVALID;
    break;
  default: break;
  }
}

static void oa_http_retry_end(odeus_http *p)
{
  odeus_retry_kind kind = ODEUS_RETRY_INVALID;
  uint64_t value = 0;
  if (p->sub == OA_HTTP_R_DIGITS || p->sub == OA_HTTP_R_DIGITS_END) {
    kind = p->num > UINT32_MAX ? ODEUS_RETRY_TOO_LARGE : ODEUS_RETRY_SECONDS;
    value = p->num > UINT32_MAX ? UINT32_MAX : p->num;
  } else if (p->sub == OA_HTTP_R_DATE || p->sub == OA_HTTP_R_DATE_END) {
    while (p->vlen && oa_http_ows((unsigned char)p->val[p->vlen - 1])) p->vlen--;
    if (oa_http_imf_date(p->val, p->vlen, &value)) kind = ODEUS_RETRY_DATE;
    else value = 0;
  }
  p->retry_kind = kind;
  p->retry_value = value;
}

/* The ':' after a field name (hdr): the checks that need only the name. */
static odeus_result oa_http_name_end(odeus_http *p)
{
  /* the flag each header sets, by hdr */
  static const unsigned char seen[OA_HTTP_H_COUNT] = { 0, OA_HTTP_F_CL, OA_HTTP_F_TE, 0, OA_HTTP_F_RETRY };
  unsigned f = seen[p->hdr];
  if (p->flags & f) {
    if (f == OA_HTTP_F_CL) return ODEUS_ERR_HTTP_CL_DUPLICATE;
    if (f == OA_HTTP_F_TE) return ODEUS_ERR_HTTP_TE; /* chunked twice is not chunked */
    p->retry_kind = ODEUS_RETRY_INVALID; /* two answers: neither is trusted */
    p->retry_value = 0;
    p->hdr = OA_HTTP_H_OTHER;
  } else if ((f & (OA_HTTP_F_CL | OA_HTTP_F_TE)) && (p->flags & (OA_HTTP_F_CL | OA_HTTP_F_TE))) {
    return ODEUS_ERR_HTTP_CL_AND_TE; /* the other one was seen */
  }
  p->flags |= f;
  p->sub = 0;
  p->num = 0;
  p->vlen = 0;
  return ODEUS_OK;
}

/* Value bytes [s, t) of the header hdr, none of them CR or a control
 * byte. Returns where it stopped: t, or an offending byte (p->error set). */
static oa_http_ptr oa_http_known_value(odeus_http *p, oa_http_ptr s, oa_http_ptr t, int last)
{
  odeus_result r = ODEUS_OK;
  if (p->hdr == OA_HTTP_H_CONNECTION) {
    oa_http_conn_bytes(p, s, t, last);
    return t;
  }
  for (; s < t; s++) {
    if (p->hdr == OA_HTTP_H_CONTENT_LENGTH) r = oa_http_cl_byte(p, *s);
    else if (p->hdr == OA_HTTP_H_TRANSFER_ENCODING) r = oa_http_te_byte(p, *s);
    else oa_http_retry_byte(p, *s);
    if (r != ODEUS_OK) break;
  }
  if (r != ODEUS_OK) p->error = (int)r;
  return s;
}

/* The CR ending a value of hdr. */
static odeus_result oa_http_value_end(odeus_http *p)
{
  switch (p->hdr) {
  case OA_HTTP_H_CONTENT_LENGTH:
    if (p->sub == 0) return ODEUS_ERR_HTTP_CL_INVALID;
    p->has_content_length = 1;
    break;
  case OA_HTTP_H_TRANSFER_ENCODING:
    if (p->sub < 7) return ODEUS_ERR_HTTP_TE;
    p->chunked = 1;
    break;
  case OA_HTTP_H_CONNECTION: oa_http_conn_token_end(p); break;
  case OA_HTTP_H_RETRY_AFTER: oa_http_retry_end(p); break;
  default: break;
  }
  return ODEUS_OK;
}

/* ---- heads, sections, the end of a message ---------------------------------- */

/* Before a status line: forget what an earlier (1xx) head said, but its
 * status and reason, kept until the next status line has its own. */
static void oa_http_new_head(odeus_http *p)
{
  p->state = OA_HTTP_STATUS;
  p->chunked = 0;
  p->keep_alive = 0;
  p->has_content_length = 0;
  p->content_length = 0;
  p->retry_kind = ODEUS_RETRY_ABSENT;
  p->retry_value = 0;
  p->hdr = p->sub = p->flags = 0;
}

/* The trailer section and each chunk line get a head_max of their own. */
static void oa_http_new_section(odeus_http *p, unsigned state)
{
  p->state = state;
  p->head_len = 0;
  p->flags |= OA_HTTP_F_SECTION;
  p->sub = 0;
  p->num = 0;
}

static void oa_http_message_done(odeus_http *p)
{
  p->state = OA_HTTP_DONE;
  p->done = 1;
}

/* The empty line after a head: decide how the body is framed. */
static odeus_result oa_http_head_end(odeus_http *p)
{
  unsigned f = p->flags;
  if (p->status < 200) { oa_http_new_head(p); return ODEUS_OK; } /* interim: skip */
  p->head_done = 1;
  if (f & OA_HTTP_F_CLOSE) p->keep_alive = 0;
  else if (f & OA_HTTP_F_HTTP10) p->keep_alive = (f & OA_HTTP_F_KEEP_ALIVE) && !p->chunked;
  else p->keep_alive = 1;
  if (p->status == 204 || p->status == 304) {
    oa_http_message_done(p);
  } else if (p->chunked) {
    oa_http_new_section(p, OA_HTTP_CHUNK_SIZE);
  } else if (p->has_content_length) {
    if (p->body_max && p->content_length > p->body_max) return ODEUS_ERR_HTTP_BODY_TOO_LARGE;
    if (p->content_length == 0) oa_http_message_done(p);
    else p->state = OA_HTTP_BODY_CL;
  } else {
    p->keep_alive = 0;
    p->state = OA_HTTP_BODY_CLOSE;
  }
  return ODEUS_OK;
}

/* ---- the text states, one span at a time --------------------------------------
 * Each returns where it stopped; on an error p->error is set and the
 * position is that of the offending byte. */

/* The common case, the whole "HTTP/1.x NNN" and SP or CR in the span,
 * in one go; anything else is left to the byte-wise path below. */
static int oa_http_status_fast(odeus_http *p, oa_http_ptr s, oa_http_ptr e)
{
  if (e - s < 13 || p->sub != 0 || memcmp(s, "HTTP/1.", 7) != 0 || !oa_http_digit(s[7]) ||
      s[8] != ' ' || s[9] < '1' || s[9] > '9' || !oa_http_digit(s[10]) ||
      !oa_http_digit(s[11]) || (s[12] != ' ' && s[12] != '\r'))
    return 0;
  if (s[7] == '0') p->flags |= OA_HTTP_F_HTTP10;
  p->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
  p->reason[0] = '\0';
  p->state = s[12] == ' ' ? OA_HTTP_REASON : OA_HTTP_STATUS_LF;
  return 1;
}

/* "HTTP/1.x NNN" then SP, or CR for an empty reason. */
static oa_http_ptr oa_http_status(odeus_http *p, oa_http_ptr s, oa_http_ptr e)
{
  static const char prefix[] = "HTTP/1.";
  if (oa_http_status_fast(p, s, e)) return s + 13;
  while (s < e) {
    unsigned c = *s, pos = p->sub;
    int ok;
    if (c == '\r') {
      if (pos != 12) return oa_http_fail(p, s, ODEUS_ERR_HTTP_STATUS_LINE);
      p->state = OA_HTTP_STATUS_LF;
      return s + 1;
    }
    if (!oa_http_class[c]) return oa_http_fail(p, s, ODEUS_ERR_HTTP_CONTROL);
    if (pos < 7) {
      ok = c == (unsigned char)prefix[pos];
    } else if (pos == 7) {
      ok = oa_http_digit(c);
      if (c == '0') p->flags |= OA_HTTP_F_HTTP10;
    } else if (pos == 8 || pos == 12) {
      ok = c == ' ';
    } else {
      ok = oa_http_digit(c) && !(pos == 9 && c == '0');
      if (pos == 9) { p->status = 0; p->reason[0] = '\0'; }
      p->status = p->status * 10 + (int)(c - '0');
    }
    if (!ok) return oa_http_fail(p, s, ODEUS_ERR_HTTP_STATUS_LINE);
    s++;
    if (pos == 12) { p->state = OA_HTTP_REASON; p->sub = 0; return s; }
    p->sub = pos + 1;
  }
  return s;
}

static oa_http_ptr oa_http_reason(odeus_http *p, oa_http_ptr s, oa_http_ptr e)
{
  oa_http_ptr t = s;
  size_t room = sizeof p->reason - 1 - p->sub, n;
  while (t < e && oa_http_class[*t]) t++;
  n = OA_MIN((size_t)(t - s), room);
  memcpy(p->reason + p->sub, s, n);
  p->sub += (unsigned)n;
  p->reason[p->sub] = '\0';
  if (t == e) return t;
  if (*t != '\r') return oa_http_fail(p, t, ODEUS_ERR_HTTP_CONTROL);
  p->state = OA_HTTP_STATUS_LF;
  return t + 1;
}

/* A byte that must be the LF of a CRLF. */
static oa_http_ptr oa_http_lf(odeus_http *p, oa_http_ptr s, unsigned next)
{
  if (*s != '\n') return oa_http_fail(p, s, ODEUS_ERR_HTTP_BARE_CR);
  p->state = next;
  return s + 1;
}

/* Where a run of token characters ends; four at a time while it can. */
static oa_http_ptr oa_http_token_span(oa_http_ptr t, oa_http_ptr e)
{
  for (; e - t >= 4; t += 4) {
    if (oa_http_class[t[0]] != OA_HTTP_T) return t;
    if (oa_http_class[t[1]] != OA_HTTP_T) return t + 1;
    if (oa_http_class[t[2]] != OA_HTTP_T) return t + 2;
    if (oa_http_class[t[3]] != OA_HTTP_T) return t + 3;
  }
  while (t < e && oa_http_class[*t] == OA_HTTP_T) t++;
  return t;
}

/* A byte that cannot start a field line: the CR of the empty line, or an
 * error. */
static oa_http_ptr oa_http_line_other(odeus_http *p, oa_http_ptr s)
{
  unsigned c = *s;
  if (c == '\r') { p->state = OA_HTTP_END_LF; return s + 1; }
  if (oa_http_ows(c)) return oa_http_fail(p, s, ODEUS_ERR_HTTP_OBS_FOLD);
  return oa_http_fail(p, s, oa_http_class[c] ? ODEUS_ERR_HTTP_HEADER : ODEUS_ERR_HTTP_CONTROL);
}

/* The byte that ended a field name, when it is not ':'. */
static oa_http_ptr oa_http_name_error(odeus_http *p, oa_http_ptr s)
{
  if (!oa_http_class[*s] && *s != '\r') return oa_http_fail(p, s, ODEUS_ERR_HTTP_CONTROL);
  return oa_http_fail(p, s, ODEUS_ERR_HTTP_HEADER); /* not a token, or no ':' */
}

/* The known header a whole name is; trailers never frame or steer. */
static OA_INLINE unsigned oa_http_known(const odeus_http *p, oa_http_ptr s, size_t n)
{
  unsigned k;
  if (p->flags & OA_HTTP_F_TRAILER) return OA_HTTP_H_OTHER;
  switch (n) {
  case 14: k = OA_HTTP_H_CONTENT_LENGTH; break;
  case 17: k = OA_HTTP_H_TRANSFER_ENCODING; break;
  case 10: k = OA_HTTP_H_CONNECTION; break;
  case 11: k = OA_HTTP_H_RETRY_AFTER; break;
  default: return OA_HTTP_H_OTHER;
  }
  return oa_http_is_word(s, oa_http_names[k], n) ? k : (unsigned)OA_HTTP_H_OTHER;
}

/* The ':' at t after the name of hdr: the checks that need only the name. */
static oa_http_ptr oa_http_colon(odeus_http *p, oa_http_ptr t)
{
  odeus_result r;
  if ((r = oa_http_name_end(p)) != ODEUS_OK) return oa_http_fail(p, t, r);
  p->state = OA_HTTP_VALUE;
  return t + 1;
}

static oa_http_ptr oa_http_name(odeus_http *p, oa_http_ptr s, oa_http_ptr e)
{
  oa_http_ptr t = oa_http_token_span(s, e);
  oa_http_keep(p, s, t);
  if (t == e) return t;
  if (*t != ':') return oa_http_name_error(p, t);
  p->hdr = oa_http_known(p, (oa_http_ptr)p->val, p->vlen);
  return oa_http_colon(p, t);
}

/* Value bytes from s: a known header's are read as they come. */
static oa_http_ptr oa_http_value(odeus_http *p, oa_http_ptr s, oa_http_ptr e)
{
  odeus_result r;
  oa_http_ptr t = oa_http_value_span(s, e);
  if (p->hdr != OA_HTTP_H_OTHER) {
    s = oa_http_known_value(p, s, t, t < e);
    if (p->error) return s;
  }
  s = t;
  if (s == e) return s;
  if (*s != '\r') return oa_http_fail(p, s, ODEUS_ERR_HTTP_CONTROL);
  if ((r = oa_http_value_end(p)) != ODEUS_OK) return oa_http_fail(p, s, r);
  p->state = OA_HTTP_LINE_LF;
  return s + 1;
}

/* Field lines, as many as the span holds, each in one pass: the name up
 * to ':', then its value, CR and LF. A line the span ends in is left in
 * the NAME, VALUE or LINE_LF state to be finished by the next feed. */
static oa_http_ptr oa_http_lines(odeus_http *p, oa_http_ptr s, oa_http_ptr e)
{
  while (s < e) {
    oa_http_ptr t;
    if (oa_http_class[*s] != OA_HTTP_T) return oa_http_line_other(p, s);
    t = oa_http_token_span(s + 1, e);
    if (t == e) { /* the name goes on in the next feed */
      p->state = OA_HTTP_NAME;
      p->vlen = 0;
      oa_http_keep(p, s, e);
      return e;
    }
    if (*t != ':') return oa_http_name_error(p, t);
    p->hdr = oa_http_known(p, s, (size_t)(t - s));
    if (p->hdr == OA_HTTP_H_OTHER) {
      /* Most lines: a value we only check, and its CRLF, in this span. */
      s = oa_http_value_span(t + 1, e);
      if (e - s >= 2 && s[0] == '\r' && s[1] == '\n') { s += 2; continue; }
      p->state = OA_HTTP_VALUE; /* anything else: the VALUE state reads it again */
      return t + 1;
    }
    s = oa_http_colon(p, t);
    if (p->error) return s;
    s = oa_http_value(p, s, e);
    if (s == e || p->state != OA_HTTP_LINE_LF) return s;
    if (*s != '\n') return oa_http_fail(p, s, ODEUS_ERR_HTTP_BARE_CR);
    p->state = OA_HTTP_LINE;
    s++;
  }
  return s;
}

/* The LF of the empty line: the end of a head, or of the trailers. */
static oa_http_ptr oa_http_end_lf(odeus_http *p, oa_http_ptr s)
{
  odeus_result r;
  if (*s != '\n') return oa_http_fail(p, s, ODEUS_ERR_HTTP_BARE_CR);
  if (p->flags & OA_HTTP_F_TRAILER) { oa_http_message_done(p); return s + 1; }
  if ((r = oa_http_head_end(p)) != ODEUS_OK) return oa_http_fail(p, s, r);
  return s + 1;
}

static unsigned oa_http_hex(unsigned c)
{
  if (oa_http_digit(c)) return c - '0';
  c |= 0x20; /* lowercase a letter */
  return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : 16;
}

/* Where a chunk-size line is (sub). */
enum {
  OA_HTTP_Z_START = 0,  /* no hex digit yet */
  OA_HTTP_Z_DIGITS,     /* in the hex digits */
  OA_HTTP_Z_WS,         /* whitespace after them: only ';' may follow */
  OA_HTTP_Z_EXT         /* a chunk extension: skipped up to CR */
};

/* The chunk-size line: hex digits, optional whitespace, an optional
 * extension, CR. Extensions mean nothing to us; they cannot hold CR or LF
 * (a quoted-string cannot either), so the line ends at the first CR. */
static oa_http_ptr oa_http_chunk_size(odeus_http *p, oa_http_ptr s, oa_http_ptr e)
{
  for (; s < e; s++) {
    unsigned c = *s, v = oa_http_hex(c), at = p->sub;
    if (at <= OA_HTTP_Z_DIGITS && v < 16) {
      if (p->num >> 60) return oa_http_fail(p, s, ODEUS_ERR_HTTP_CHUNK_OVERFLOW);
      p->num = p->num << 4 | v;
      p->sub = OA_HTTP_Z_DIGITS;
    } else if (at == OA_HTTP_Z_EXT && oa_http_class[c]) {
      /* skipped */
    } else if (at != OA_HTTP_Z_START && c == ';') {
      p->sub = OA_HTTP_Z_EXT;
    } else if (at != OA_HTTP_Z_START && at != OA_HTTP_Z_EXT && oa_http_ows(c)) {
      p->sub = OA_HTTP_Z_WS;
    } else if (c == '\r' && (at == OA_HTTP_Z_DIGITS || at == OA_HTTP_Z_EXT)) {
      p->state = OA_HTTP_CHUNK_LF;
      return s + 1;
    } else {
      return oa_http_fail(p, s, ODEUS_ERR_HTTP_CHUNK_SIZE);
    }
  }
  return s;
}

static oa_http_ptr oa_http_chunk_lf(odeus_http *p, oa_http_ptr s)
{
  if (*s != '\n') return oa_http_fail(p, s, ODEUS_ERR_HTTP_BARE_CR);
  if (p->num == 0) { /* the last chunk: trailers follow */
    p->flags |= OA_HTTP_F_TRAILER;
    oa_http_new_section(p, OA_HTTP_LINE);
    return s + 1;
  }
  if (p->body_max && p->num > p->body_max - p->body_read)
    return oa_http_fail(p, s, ODEUS_ERR_HTTP_BODY_TOO_LARGE);
  p->state = OA_HTTP_CHUNK_DATA;
  return s + 1;
}

/* CR then LF after chunk data. */
static oa_http_ptr oa_http_data_crlf(odeus_http *p, oa_http_ptr s)
{
  int cr = p->state == OA_HTTP_DATA_CR;
  if (*s != (cr ? '\r' : '\n')) return oa_http_fail(p, s, ODEUS_ERR_HTTP_CHUNK_CRLF);
  if (cr) p->state = OA_HTTP_DATA_LF;
  else { p->state = OA_HTTP_CHUNK_SIZE; p->sub = 0; p->num = 0; }
  return s + 1;
}

/* Runs the text states over [s, e) until a data state, the end of the
 * message, an error, or the start of a new bounded section. */
static oa_http_ptr oa_http_text_run(odeus_http *p, oa_http_ptr s, oa_http_ptr e)
{
  while (s < e && !p->error && p->state < OA_HTTP_BODY_CL && !(p->flags & OA_HTTP_F_SECTION)) {
    switch (p->state) {
    /* The usual order runs on without going round the loop; a handler
     * that fails leaves its state as it was, so the chain stops. */
    case OA_HTTP_STATUS:
      s = oa_http_status(p, s, e);
      if (p->state != OA_HTTP_REASON || s == e) break;
      /* fall through */
    case OA_HTTP_REASON:
      s = oa_http_reason(p, s, e);
      if (p->state != OA_HTTP_STATUS_LF || s == e) break;
      /* fall through */
    case OA_HTTP_STATUS_LF:
      s = oa_http_lf(p, s, OA_HTTP_LINE);
      if (p->state != OA_HTTP_LINE || s == e) break;
      /* fall through */
    case OA_HTTP_LINE:
      s = oa_http_lines(p, s, e);
      if (p->state != OA_HTTP_END_LF || s == e) break;
      /* fall through */
    case OA_HTTP_END_LF: s = oa_http_end_lf(p, s); break;
    case OA_HTTP_NAME: s = oa_http_name(p, s, e); break;
    case OA_HTTP_VALUE: s = oa_http_value(p, s, e); break;
    case OA_HTTP_LINE_LF: s = oa_http_lf(p, s, OA_HTTP_LINE); break;
    case OA_HTTP_CHUNK_SIZE: s = oa_http_chunk_size(p, s, e); break;
    case OA_HTTP_CHUNK_LF: s = oa_http_chunk_lf(p, s); break;
    default: s = oa_http_data_crlf(p, s); break;
    }
  }
  return s;
}

/* Text bytes within the section's head_max: past it, HEAD_TOO_LONG. */
static oa_http_ptr oa_http_text(odeus_http *p, oa_http_ptr s, oa_http_ptr e)
{
  size_t max = p->head_max ? p->head_max : (size_t)ODEUS_HTTP_HEAD_MAX;
  size_t room = p->head_len < max ? max - p->head_len : 0;
  oa_http_ptr lim = (size_t)(e - s) > room ? s + room : e, t;
  t = oa_http_text_run(p, s, lim);
  if (p->flags & OA_HTTP_F_SECTION) { /* head_len already restarted at t */
    p->flags &= ~OA_HTTP_F_SECTION;
    return t;
  }
  p->head_len += (size_t)(t - s);
  if (t == lim && lim < e && !p->error && p->state < OA_HTTP_BODY_CL)
    return oa_http_fail(p, t, ODEUS_ERR_HTTP_HEAD_TOO_LONG);
  return t;
}

/* ---- the body ---------------------------------------------------------------- */

static oa_http_ptr oa_http_deliver(odeus_http *p, oa_http_ptr s, size_t n)
{
  p->body_read += n;
  if (n && p->on_body) {
    int rc = p->on_body(p->ctx, (const char *)s, n);
    if (rc) p->error = rc;
  }
  return s + n;
}

static oa_http_ptr oa_http_data(odeus_http *p, oa_http_ptr s, oa_http_ptr e)
{
  size_t avail = (size_t)(e - s), n;
  uint64_t left;
  switch (p->state) {
  case OA_HTTP_BODY_CL:
    left = p->content_length - p->body_read;
    n = left < avail ? (size_t)left : avail;
    if (n == left) oa_http_message_done(p);
    return oa_http_deliver(p, s, n);
  case OA_HTTP_CHUNK_DATA:
    n = p->num < avail ? (size_t)p->num : avail;
    p->num -= n;
    if (p->num == 0) { p->state = OA_HTTP_DATA_CR; p->head_len = 0; }
    return oa_http_deliver(p, s, n);
  default: /* until close */
    if (p->body_max && avail > p->body_max - p->body_read) {
      s = oa_http_deliver(p, s, (size_t)(p->body_max - p->body_read));
      return p->error ? s : oa_http_fail(p, s, ODEUS_ERR_HTTP_BODY_TOO_LARGE);
    }
    return oa_http_deliver(p, s, avail);
  }
}

/* ---- the API ------------------------------------------------------------------ */

ODEUS_API void odeus_http_init(odeus_http *p, odeus_body_fn on_body, void *ctx)
{
  if (!p) return;
  memset(p, 0, sizeof *p); /* zero is also the start of a head: OA_HTTP_STATUS, no flags */
  p->head_max = ODEUS_HTTP_HEAD_MAX;
  p->on_body = on_body;
  p->ctx = ctx;
}

ODEUS_API odeus_result odeus_http_feed(odeus_http *p, const char *data, size_t len, size_t *used)
{
  oa_http_ptr s = (oa_http_ptr)data, e;
  if (used) *used = 0;
  if (!p || (!data && len)) return ODEUS_ERR_ARGUMENT;
  if (p->error) return (odeus_result)p->error;
  if (!len) return ODEUS_OK;
  e = s + len;
  while (s < e && !p->error && p->state != OA_HTTP_DONE)
    s = p->state < OA_HTTP_BODY_CL ? oa_http_text(p, s, e) : oa_http_data(p, s, e);
  if (used) *used = (size_t)(s - (oa_http_ptr)data);
  return (odeus_result)p->error;
}

ODEUS_API odeus_result odeus_http_finish(odeus_http *p)
{
  if (!p) return ODEUS_ERR_ARGUMENT;
  if (p->error) return (odeus_result)p->error;
  if (p->state == OA_HTTP_BODY_CLOSE) oa_http_message_done(p);
  if (!p->done) p->error = ODEUS_ERR_HTTP_TRUNCATED;
  return (odeus_result)p->error;
}

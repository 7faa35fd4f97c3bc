/* ===========================================================================
 * IMPLEMENTATION
 * ========================================================================= */
#ifdef ODEUS_AUTH_IMPLEMENTATION
#ifndef ODEUS_AUTH_IMPLEMENTATION_DONE
#define ODEUS_AUTH_IMPLEMENTATION_DONE

#include <string.h>

/* Private names carry the oa_ / OA_ prefix. */
#define OA_MIN(a, b) ((a) < (b) ? (a) : (b))
#define OA_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#if defined(__cplusplus) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L)
#define OA_INLINE inline
#else
#define OA_INLINE
#endif

/* The texts as one string and the values as small numbers, walked in step:
 * a switch here compiles to a table of pointers several times the size. */
ODEUS_API const char *odeus_result_text(odeus_result r)
{
#define ODEUS_X_VALUE(name, value, text) value,
#define ODEUS_X_TEXT(name, value, text) text "\0"
  static const signed char values[] = { ODEUS_RESULT_LIST(ODEUS_X_VALUE) };
  static const char texts[] = ODEUS_RESULT_LIST(ODEUS_X_TEXT);
#undef ODEUS_X_VALUE
#undef ODEUS_X_TEXT
  const char *t = texts;
  size_t i;
  for (i = 0; i < OA_COUNT(values); i++) {
    if (values[i] == (int)r) return t;
    t += strlen(t) + 1;
  }
  return "unknown result";
}

ODEUS_API void odeus_wipe(void *p, size_t n)
{
  /* Through a volatile pointer, so the stores cannot be optimised away. */
  volatile unsigned char *v = (volatile unsigned char *)p;
  while (n--) *v++ = 0;
}

ODEUS_API odeus_str odeus_cstr(const char *s)
{
  odeus_str r;
  r.ptr = s;
  r.len = s ? strlen(s) : 0;
  return r;
}

/* ---- the sink: one output path under every writer -------------------------
 * Bytes at absolute offsets [skip, skip + cap) land in buf; len keeps counting
 * past the end, so measuring and writing are the same code. */
typedef struct oa_sink {
  char *buf;
  size_t cap;
  size_t skip;
  size_t len;
} oa_sink;

static void oa_sink_init(oa_sink *s, char *buf, size_t cap, size_t skip)
{
  s->buf = buf;
  s->cap = buf ? cap : 0;
  s->skip = skip;
  s->len = 0;
}

static int oa_sink_full(const oa_sink *s)
{
  return s->len >= s->skip + s->cap;
}

/* The part of oa_put for bytes that straddle the window or fall outside it. */
static void oa_put_edge(oa_sink *s, const char *p, size_t n)
{
  size_t end = s->skip + s->cap;
  if (s->buf && n && s->len < end && s->len + n > s->skip) {
    size_t from = s->len < s->skip ? s->skip - s->len : 0;
    size_t upto = OA_MIN(n, end - s->len);
    memcpy(s->buf + (s->len + from - s->skip), p + from, upto - from);
  }
  s->len += n;
}

/* Small and hot: written so the compiler inlines the common case, all of
 * the bytes landing inside the window. */
static OA_INLINE void oa_put(oa_sink *s, const char *p, size_t n)
{
  if (s->buf && n && s->len >= s->skip && s->len + n <= s->skip + s->cap) {
    memcpy(s->buf + (s->len - s->skip), p, n);
    s->len += n;
  } else {
    oa_put_edge(s, p, n);
  }
}

/* A string literal, its length known at compile time. */
#define OA_PUT_LIT(s, lit) oa_put((s), (lit), sizeof(lit) - 1)

static void oa_puts(oa_sink *s, const char *z)
{
  oa_put(s, z, strlen(z));
}

static void oa_putc(oa_sink *s, char c)
{
  oa_put(s, &c, 1);
}

/* size_t, not uint64_t: a 64-bit division would pull in a libgcc helper
 * of about 700 bytes on 32-bit targets. */
static void oa_put_uint(oa_sink *s, size_t v)
{
  char tmp[20];
  size_t i = sizeof tmp;
  do {
    tmp[--i] = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v);
  oa_put(s, tmp + i, sizeof tmp - i);
}

/* The snprintf contract for text results: NUL-terminated when cap > 0. */
static size_t oa_sink_cstr(oa_sink *s)
{
  if (s->cap) s->buf[s->len < s->cap ? s->len : s->cap - 1] = '\0';
  return s->len;
}

static int oa_lower(int c)
{
  return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Case-insensitive ASCII comparison of n bytes. */
static int oa_ieq(const char *a, const char *b, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (oa_lower((unsigned char)a[i]) != oa_lower((unsigned char)b[i])) return 0;
  return 1;
}


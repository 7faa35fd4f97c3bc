/* ---- core: the one table of members ------------------------------------------
 * Every member of the request body is described once, here. The validator,
 * the body writer and the config parser all walk these tables, so a rule
 * (a limit, a requirement, a key name, the key order) lives in one place. */

#include <stddef.h> /* offsetof */

enum {
  OA_KIND_STRING = 1,           /* odeus_str */
  OA_KIND_URL,                  /* odeus_str holding an absolute http(s) URL */
  OA_KIND_AUTH_TYPE,            /* odeus_auth_type */
  OA_KIND_FIELD_TYPE,           /* odeus_field_type */
  OA_KIND_BOOL,                 /* odeus_bool */
  OA_KIND_FIELDS,               /* const odeus_auth_field * + field_count */
  OA_KIND_OAUTH                 /* const odeus_oauth_client * */
};

#define OA_REQUIRED 1u          /* must be set */
#define OA_NONEMPTY 2u          /* at least 1 character */
#define OA_SECRET 4u            /* redacted in dumps, wiped after use */

typedef struct oa_member {
  const char *name;             /* the JSON key */
  const char *prefix;           /* ,"key": as written in the body */
  unsigned char prefix_len;
  unsigned char key;            /* odeus_key */
  unsigned char kind;           /* OA_KIND_* */
  unsigned char flags;          /* OA_REQUIRED | OA_NONEMPTY | OA_SECRET */
  unsigned short max;           /* max characters (UTF-16 units); 0: no limit */
  unsigned short offset;        /* where the member lives in its struct */
} oa_member;

/* prefix is ,"name": and, for members whose value is a string, the
 * value's opening quote too: one copy instead of two. */
#define OA_M_(name, q, key, kind, flags, max, type, field) \
  { name, ",\"" name "\":" q, (unsigned char)(sizeof(",\"" name "\":" q) - 1), key, kind, flags, max, \
    (unsigned short)offsetof(type, field) }
#define OA_M(name, key, kind, flags, max, type, field) \
  OA_M_(name, "", key, kind, flags, max, type, field)
#define OA_S(name, key, kind, flags, max, type, field) \
  OA_M_(name, "\"", key, kind, flags, max, type, field)

/* The documented key order of the body is the order of these tables. */
static const oa_member oa_root_members[] = {
  OA_S("authType", ODEUS_KEY_AUTH_TYPE, OA_KIND_AUTH_TYPE, OA_REQUIRED, 0, odeus_config, auth_type),
  OA_M("authFields", ODEUS_KEY_AUTH_FIELDS, OA_KIND_FIELDS, 0, 0, odeus_config, fields),
  OA_S("authTestCode", ODEUS_KEY_AUTH_TEST_CODE, OA_KIND_STRING, 0, 1000, odeus_config, auth_test_code),
  OA_M("oauthClient", ODEUS_KEY_OAUTH_CLIENT, OA_KIND_OAUTH, 0, 0, odeus_config, oauth_client)
};

static const oa_member oa_field_members[] = {
  OA_S("slug", ODEUS_KEY_SLUG, OA_KIND_STRING, OA_REQUIRED | OA_NONEMPTY, 100, odeus_auth_field, slug),
  OA_S("label", ODEUS_KEY_LABEL, OA_KIND_STRING, OA_REQUIRED | OA_NONEMPTY, 100, odeus_auth_field, label),
  OA_S("type", ODEUS_KEY_TYPE, OA_KIND_FIELD_TYPE, OA_REQUIRED, 0, odeus_auth_field, type),
  OA_S("description", ODEUS_KEY_DESCRIPTION, OA_KIND_STRING, 0, 500, odeus_auth_field, description),
  OA_S("placeholder", ODEUS_KEY_PLACEHOLDER, OA_KIND_STRING, 0, 200, odeus_auth_field, placeholder),
  OA_M("required", ODEUS_KEY_REQUIRED, OA_KIND_BOOL, 0, 0, odeus_auth_field, required)
};

static const oa_member oa_oauth_members[] = {
  OA_S("scopes", ODEUS_KEY_SCOPES, OA_KIND_STRING, 0, 2000, odeus_oauth_client, scopes),
  OA_S("authUrl", ODEUS_KEY_AUTH_URL, OA_KIND_URL, 0, 0, odeus_oauth_client, auth_url),
  OA_S("tokenUrl", ODEUS_KEY_TOKEN_URL, OA_KIND_URL, 0, 0, odeus_oauth_client, token_url),
  OA_S("clientId", ODEUS_KEY_CLIENT_ID, OA_KIND_STRING, 0, 500, odeus_oauth_client, client_id),
  OA_S("clientSecret", ODEUS_KEY_CLIENT_SECRET, OA_KIND_STRING, OA_SECRET, 500, odeus_oauth_client, client_secret),
  OA_S("label", ODEUS_KEY_LABEL, OA_KIND_STRING, 0, 100, odeus_oauth_client, label),
  OA_S("authorizationCode", ODEUS_KEY_AUTHORIZATION_CODE, OA_KIND_STRING, 0, 1000, odeus_oauth_client, authorization_code),
  OA_S("accessTokenCode", ODEUS_KEY_ACCESS_TOKEN_CODE, OA_KIND_STRING, 0, 1000, odeus_oauth_client, access_token_code),
  OA_S("refreshTokenCode", ODEUS_KEY_REFRESH_TOKEN_CODE, OA_KIND_STRING, 0, 1000, odeus_oauth_client, refresh_token_code)
};

/* Enum spellings, indexed by the enum value (0 = unset). */
static const char *const oa_auth_type_names[] = {
  "", "NONE", "API_KEY", "SERVICE_ACCOUNT", "OAUTH", "OAUTH_DCR"
};
static const char *const oa_field_type_names[] = {
  "", "TEXT", "MULTI_LINE_TEXT", "PASSWORD", "NUMBER", "EMBEDDING_MODEL"
};

typedef const void *oa_cptr;
#define OA_AT(obj, m, type) ((type *)(void *)((char *)(obj) + (m)->offset))
#define OA_CAT(obj, m, type) ((const type *)(const void *)((const char *)(obj) + (m)->offset))

static int oa_enum_value(const void *obj, const oa_member *m)
{
  return m->kind == OA_KIND_AUTH_TYPE ? (int)*OA_CAT(obj, m, odeus_auth_type)
                                      : (int)*OA_CAT(obj, m, odeus_field_type);
}

static const char *oa_enum_name(const oa_member *m, int v)
{
  if (m->kind == OA_KIND_AUTH_TYPE)
    return (v > 0 && v < (int)OA_COUNT(oa_auth_type_names)) ? oa_auth_type_names[v] : NULL;
  return (v > 0 && v < (int)OA_COUNT(oa_field_type_names)) ? oa_field_type_names[v] : NULL;
}

/* Whether a member is present (set) in its object. */
/* Whether a scalar member is set (authFields and oauthClient are set when
 * their pointer is). */
static int oa_member_set(const void *obj, const oa_member *m)
{
  switch (m->kind) {
  case OA_KIND_STRING:
  case OA_KIND_URL: return OA_CAT(obj, m, odeus_str)->ptr != NULL;
  case OA_KIND_BOOL: return *OA_CAT(obj, m, odeus_bool) != ODEUS_BOOL_UNSET;
  default: return oa_enum_value(obj, m) != 0;
  }
}

ODEUS_API const char *odeus_key_name(odeus_key k)
{
  static const struct { const oa_member *t; size_t n; } tables[] = {
    { oa_root_members, OA_COUNT(oa_root_members) },
    { oa_field_members, OA_COUNT(oa_field_members) },
    { oa_oauth_members, OA_COUNT(oa_oauth_members) }
  };
  size_t i, j;
  if (k == ODEUS_KEY_ID) return "id";
  for (i = 0; i < OA_COUNT(tables); i++)
    for (j = 0; j < tables[i].n; j++)
      if (tables[i].t[j].key == (unsigned)k) return tables[i].t[j].name;
  return "";
}

/* ---- strings: one pass checks, counts and escapes -----------------------------
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF, no truncated sequence; U+0000 is refused too. Characters are
 * counted as JavaScript counts them: one UTF-16 unit below U+10000, two
 * above. JSON escaping (RFC 8259): '"', '\\' and bytes below 0x20; all
 * else, UTF-8 included, passes through. Checking and escaping happen in the
 * same pass, eight bytes at a time while the text is plain ASCII. */

/* Whether 8 bytes are all plain: ASCII, not below 0x20, not '"' or '\\'.
 * The classic "has a zero byte" test, applied three times. */
static int oa_word_plain(uint64_t w)
{
  const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
  return ((w | ((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) & high) == 0;
}

/* The length of the UTF-8 sequence at s (1..4), 0 if it is not strict
 * UTF-8; *cp receives the code point. */
static size_t oa_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
  uint32_t c = s[0], v, min;
  size_t need, k;
  if (c < 0x80) { *cp = c; return 1; }
  if (c >= 0xC2 && c <= 0xDF) { need = 1; v = c & 0x1F; min = 0x80; }
  else if (c >= 0xE0 && c <= 0xEF) { need = 2; v = c & 0x0F; min = 0x800; }
  else if (c >= 0xF0 && c <= 0xF4) { need = 3; v = c & 0x07; min = 0x10000; }
  else return 0;
  if (avail <= need) return 0;
  for (k = 1; k <= need; k++) {
    if ((s[k] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (s[k] & 0x3Fu);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return need + 1;
}

static void oa_put_escape(oa_sink *s, unsigned char c)
{
  static const char hex[] = "0123456789abcdef";
  char e[6] = { '\\', 'u', '0', '0', 0, 0 };
  e[4] = hex[c >> 4];
  e[5] = hex[c & 15];
  switch (c) {
  case '"': case '\\': e[1] = (char)c; oa_put(s, e, 2); break;
  case '\b': e[1] = 'b'; oa_put(s, e, 2); break;
  case '\f': e[1] = 'f'; oa_put(s, e, 2); break;
  case '\n': e[1] = 'n'; oa_put(s, e, 2); break;
  case '\r': e[1] = 'r'; oa_put(s, e, 2); break;
  case '\t': e[1] = 't'; oa_put(s, e, 2); break;
  default: oa_put(s, e, 6); break;
  }
}

/* Checks p[0..n) and, when s is given, writes it escaped (without quotes;
 * invalid UTF-8 as U+FFFD, U+0000 as \u0000, so any text gives valid
 * JSON). Returns 0 with the UTF-16 length in *units, or the first problem,
 * ODEUS_RULE_UTF8 or ODEUS_RULE_NUL, with its byte offset in *at. */
static int oa_string_pass(oa_sink *s, const char *p, size_t n, size_t *units, size_t *at)
{
  const unsigned char *u = (const unsigned char *)p;
  size_t i = 0, run = 0, count = 0;
  int rule = 0;
  while (i < n) {
    uint64_t w;
    unsigned c;
    while (i + 8 <= n && (memcpy(&w, u + i, 8), oa_word_plain(w))) { i += 8; count += 8; }
    if (i < n && n - i < 8) {
      /* The tail as one word, padded with a plain byte. */
      memset(&w, 'a', 8);
      memcpy(&w, u + i, n - i);
      if (oa_word_plain(w)) { count += n - i; i = n; }
    }
    if (i >= n) break;
    c = u[i];
    if (c >= 0x80) {
      uint32_t cp = 0;
      size_t k = oa_utf8_decode(u + i, n - i, &cp);
      if (!k) {
        /* Record the first problem; a writer goes on with U+FFFD. */
        if (!rule) { rule = ODEUS_RULE_UTF8; *at = i; }
        if (!s) break;
        oa_put(s, p + run, i - run);
        OA_PUT_LIT(s, "\xEF\xBF\xBD");
        run = ++i;
        continue;
      }
      count += cp >= 0x10000 ? 2 : 1;
      i += k;
    } else if (c >= 0x20 && c != '"' && c != '\\') {
      i++;
      count++;
    } else {
      if (c == 0 && !rule) { rule = ODEUS_RULE_NUL; *at = i; }
      if (c == 0 && !s) break;
      if (s) {
        oa_put(s, p + run, i - run);
        oa_put_escape(s, (unsigned char)c);
      }
      run = ++i;
      count++;
    }
  }
  if (s) oa_put(s, p + run, n - run);
  *units = count;
  return rule;
}

ODEUS_API int odeus_utf16_length(const char *s, size_t len, size_t *units, size_t *at)
{
  size_t u = 0, a = 0;
  int r = s ? oa_string_pass(NULL, s, len, &u, &a) : (len ? ODEUS_RULE_UTF8 : 0);
  if (units) *units = u;
  if (at) *at = a;
  return r;
}

/* ---- ids, keys and URLs -------------------------------------------------------- */
static int oa_is_hex(int c)
{
  return (unsigned)(c - '0') < 10u || (unsigned)((c | 0x20) - 'a') < 6u;
}

static int oa_is_digit(int c)
{
  return c >= '0' && c <= '9';
}

ODEUS_API odeus_result odeus_validate_id(const char *id, size_t len)
{
  size_t i;
  if (!id || len != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-') return ODEUS_ERR_ID;
  for (i = 0; i < 36; i++)
    if (!oa_is_hex((unsigned char)id[i]) && i != 8 && i != 13 && i != 18 && i != 23) return ODEUS_ERR_ID;
  return ODEUS_OK;
}

ODEUS_API odeus_result odeus_validate_api_key(const char *key, size_t len)
{
  size_t i;
  if (!key || len == 0) return ODEUS_ERR_API_KEY;
  for (i = 0; i < len; i++)
    if ((unsigned char)key[i] < 0x21 || (unsigned char)key[i] > 0x7e) return ODEUS_ERR_API_KEY;
  return ODEUS_OK;
}

/* Host: a registered name (letters, digits, '-', '.'), which also covers
 * IPv4, or an IPv6 literal in brackets. Returns the length, 0 if invalid. */
static size_t oa_url_host(const char *s, size_t len)
{
  size_t i = 0;
  if (len && s[0] == '[') {
    for (i = 1; i < len && s[i] != ']'; i++)
      if (!oa_is_hex((unsigned char)s[i]) && s[i] != ':' && s[i] != '.') return 0;
    return (i < len && i > 2) ? i + 1 : 0;
  }
  while (i < len) {
    int c = (unsigned char)s[i];
    if (!(oa_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.')) break;
    i++;
  }
  if (i == 0 || s[0] == '.' || s[0] == '-') return 0;
  return i;
}

/* scheme "://" host [":" port]: shared by the base URL and the OAuth URLs.
 * Returns the length of that prefix, 0 if invalid. */
static size_t oa_url_authority(const char *s, size_t len, odeus_url *u)
{
  size_t i, h;
  unsigned long port = 0;
  if (len >= 8 && oa_ieq(s, "https://", 8)) { u->https = 1; i = 8; }
  else if (len >= 7 && oa_ieq(s, "http://", 7)) { u->https = 0; i = 7; }
  else return 0;
  h = oa_url_host(s + i, len - i);
  if (!h) return 0;
  u->host.ptr = s + i;
  u->host.len = h;
  i += h;
  u->explicit_port = 0;
  if (i < len && s[i] == ':') {
    size_t d = ++i;
    while (i < len && oa_is_digit((unsigned char)s[i]) && i - d < 6)
      port = port * 10 + (unsigned long)(s[i++] - '0');
    if (i == d || port == 0 || port > 65535) return 0;
    u->explicit_port = port != (u->https ? 443u : 80u);
  } else {
    port = u->https ? 443u : 80u;
  }
  u->port = (uint16_t)port;
  return i;
}

/* Path characters of RFC 3986: unreserved, sub-delims, ':', '@', '/', %XX. */
static int oa_is_path_char(int c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || oa_is_digit(c) ||
         (c && strchr("-._~!$&'()*+,;=:@/%", c) != NULL);
}

ODEUS_API odeus_result odeus_parse_base_url(const char *url, size_t len, odeus_url *out)
{
  odeus_url u;
  size_t i, end;
  if (!url || !out) return ODEUS_ERR_ARGUMENT;
  memset(&u, 0, sizeof u);
  i = oa_url_authority(url, len, &u);
  if (!i) return ODEUS_ERR_BASE_URL;
  if (i < len && url[i] != '/') return ODEUS_ERR_BASE_URL; /* userinfo, query, fragment, junk */
  for (end = i; end < len; end++) {
    int c = (unsigned char)url[end];
    if (!oa_is_path_char(c)) return ODEUS_ERR_BASE_URL;
    if (c == '%' && (end + 2 >= len || !oa_is_hex((unsigned char)url[end + 1]) ||
                     !oa_is_hex((unsigned char)url[end + 2])))
      return ODEUS_ERR_BASE_URL;
  }
  while (end > i && url[end - 1] == '/') end--; /* ".../api/public/" is ".../api/public" */
  u.prefix.ptr = url + i;
  u.prefix.len = end - i;
  *out = u;
  return ODEUS_OK;
}

/* An OAuth endpoint: absolute http(s) URL with a host; any visible path,
 * query and fragment after it, but no spaces or control bytes. */
static int oa_url_valid(const char *s, size_t len)
{
  odeus_url u;
  size_t i = oa_url_authority(s, len, &u);
  if (!i) return 0;
  if (i < len && s[i] != '/' && s[i] != '?' && s[i] != '#') return 0;
  for (; i < len; i++)
    if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f) return 0;
  return 1;
}

/* ---- validation ------------------------------------------------------------------ */
typedef struct oa_where {
  odeus_key key;
  size_t index;
  odeus_key member;
} oa_where;

static void oa_report(odeus_problems *pr, oa_where w, odeus_rule rule, size_t limit, size_t actual,
                      const char *text, size_t text_len)
{
  odeus_problem *p;
  if (!pr) return;
  if (pr->count < pr->capacity && pr->items) {
    p = &pr->items[pr->count];
    p->rule = rule;
    p->key = w.key;
    p->index = w.index;
    p->member = w.member;
    p->limit = limit;
    p->actual = actual;
    p->text.ptr = text;
    p->text.len = text_len;
  }
  pr->count++;
}

/* The location of member m of an object found at `at`. */
static oa_where oa_where_member(oa_where at, const oa_member *m)
{
  if (at.key == ODEUS_KEY_NONE) at.key = (odeus_key)m->key;
  else at.member = (odeus_key)m->key;
  return at;
}

/* Reports what a string pass found against the member's rules. */
static void oa_judge_string(const odeus_str *v, const oa_member *m, oa_where w, odeus_problems *pr, int rule,
                            size_t units, size_t at)
{
  if (rule) oa_report(pr, w, (odeus_rule)rule, 0, at, NULL, 0);
  else if ((m->flags & OA_NONEMPTY) && units == 0) oa_report(pr, w, ODEUS_RULE_EMPTY, 1, 0, NULL, 0);
  else if (m->max && units > m->max) oa_report(pr, w, ODEUS_RULE_TOO_LONG, m->max, units, NULL, 0);
  else if (m->kind == OA_KIND_URL && !oa_url_valid(v->ptr, v->len)) oa_report(pr, w, ODEUS_RULE_URL, 0, 0, NULL, 0);
}

static void oa_check_string(const odeus_str *v, const oa_member *m, oa_where w, odeus_problems *pr)
{
  size_t units = 0, at = 0;
  int rule = oa_string_pass(NULL, v->ptr, v->len, &units, &at);
  oa_judge_string(v, m, w, pr, rule, units, at);
}

/* Unique slugs: the later of two equal slugs is reported, naming it. */
static void oa_check_slugs(const odeus_auth_field *f, size_t n, oa_where w, odeus_problems *pr)
{
  size_t i, j;
  for (i = 1; i < n; i++) {
    const odeus_str *a = &f[i].slug;
    if (!a->ptr) continue;
    for (j = 0; j < i; j++) {
      const odeus_str *b = &f[j].slug;
      if (b->ptr && a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0) {
        oa_where sw = w;
        sw.index = i;
        sw.member = ODEUS_KEY_SLUG;
        oa_report(pr, sw, ODEUS_RULE_DUPLICATE_SLUG, 0, j, a->ptr, a->len);
        break;
      }
    }
  }
}

static void oa_check_oauth_allowed(const odeus_config *cfg, oa_where w, odeus_problems *pr)
{
  if (cfg->auth_type != ODEUS_AUTH_OAUTH && cfg->auth_type != ODEUS_AUTH_OAUTH_DCR)
    oa_report(pr, w, ODEUS_RULE_NOT_ALLOWED, 0, 0, NULL, 0);
}

/* The rules of a set boolean or enum member (strings have oa_judge_string). */
static void oa_check_member(const void *obj, const oa_member *m, oa_where w, odeus_problems *pr)
{
  if (m->kind == OA_KIND_BOOL) {
    odeus_bool b = *OA_CAT(obj, m, odeus_bool);
    if (b != ODEUS_BOOL_FALSE && b != ODEUS_BOOL_TRUE) oa_report(pr, w, ODEUS_RULE_ENUM, 0, (size_t)b, NULL, 0);
  } else {
    int v = oa_enum_value(obj, m);
    if (!oa_enum_name(m, v)) oa_report(pr, w, ODEUS_RULE_ENUM, 0, (size_t)(unsigned)v, NULL, 0);
  }
}

/* A JSON string with quotes; NULL gives null. */
static void oa_put_json_str(oa_sink *s, const char *p, size_t n)
{
  if (!p) { oa_put(s, "null", 4); return; }
  size_t units, at;
  oa_putc(s, '"');
  (void)oa_string_pass(s, p, n, &units, &at);
  oa_putc(s, '"');
}

/* ---- problem text --------------------------------------------------------------- */
static void oa_put_key(oa_sink *s, odeus_key k, const odeus_problem *p)
{
  if (k == ODEUS_KEY_OTHER) oa_put(s, p->text.ptr, p->text.len);
  else oa_puts(s, odeus_key_name(k));
}

static void oa_put_path(oa_sink *s, const odeus_problem *p)
{
  if (p->key == ODEUS_KEY_NONE) { oa_puts(s, "(body)"); return; }
  oa_put_key(s, p->key, p);
  if (p->index != ODEUS_NO_INDEX) {
    oa_putc(s, '[');
    oa_put_uint(s, p->index);
    oa_putc(s, ']');
  }
  if (p->member != ODEUS_KEY_NONE) {
    oa_putc(s, '.');
    oa_put_key(s, p->member, p);
  }
}

ODEUS_API size_t odeus_problem_path(const odeus_problem *p, char *buf, size_t cap)
{
  oa_sink s;
  oa_sink_init(&s, buf, cap, 0);
  oa_put_path(&s, p);
  return oa_sink_cstr(&s);
}

/* The JSON type a key expects, for "expected ..." messages. */
static const char *oa_expected_type(const odeus_problem *p)
{
  odeus_key k = p->member != ODEUS_KEY_NONE ? p->member : p->key;
  if (p->key == ODEUS_KEY_NONE) return "an object";
  if (k == ODEUS_KEY_REQUIRED) return "a boolean";
  if (k == ODEUS_KEY_AUTH_FIELDS) return p->index == ODEUS_NO_INDEX ? "an array" : "an object";
  if (k == ODEUS_KEY_OAUTH_CLIENT) return "an object";
  return "a string";
}

static void oa_put_rule(oa_sink *s, const odeus_problem *p)
{
  switch (p->rule) {
  case ODEUS_RULE_REQUIRED: oa_puts(s, "required"); break;
  case ODEUS_RULE_EMPTY: oa_puts(s, "empty, min 1 character"); break;
  case ODEUS_RULE_TOO_LONG:
    oa_put_uint(s, p->actual);
    oa_puts(s, " characters, max ");
    oa_put_uint(s, p->limit);
    break;
  case ODEUS_RULE_UTF8: oa_puts(s, "invalid UTF-8 at byte "); oa_put_uint(s, p->actual); break;
  case ODEUS_RULE_NUL: oa_puts(s, "U+0000 at byte "); oa_put_uint(s, p->actual); break;
  case ODEUS_RULE_ENUM: {
    const char *const *names = p->key == ODEUS_KEY_AUTH_TYPE ? oa_auth_type_names : oa_field_type_names;
    size_t i;
    if (p->text.ptr) { oa_putc(s, '"'); oa_put(s, p->text.ptr, p->text.len); oa_putc(s, '"'); }
    else { oa_puts(s, "value "); oa_put_uint(s, p->actual); }
    oa_puts(s, " is not one of ");
    if (p->member == ODEUS_KEY_REQUIRED) { oa_puts(s, "true, false"); break; }
    for (i = 1; i < 6; i++) {
      if (i > 1) oa_puts(s, ", ");
      oa_puts(s, names[i]);
    }
    break;
  }
  case ODEUS_RULE_DUPLICATE_SLUG: /* escaped: a slug may hold any character */
    oa_puts(s, "duplicate slug ");
    oa_put_json_str(s, p->text.ptr, p->text.len);
    break;
  case ODEUS_RULE_NOT_ALLOWED: oa_puts(s, "only allowed when authType is OAUTH or OAUTH_DCR"); break;
  case ODEUS_RULE_URL: oa_puts(s, "not an absolute http(s) URL with a host"); break;
  case ODEUS_RULE_TYPE: oa_puts(s, "expected "); oa_puts(s, oa_expected_type(p)); break;
  case ODEUS_RULE_NULL: oa_puts(s, "null is not accepted (omit the key)"); break;
  case ODEUS_RULE_UNKNOWN_KEY: oa_puts(s, "unknown key"); break;
  case ODEUS_RULE_DUPLICATE_KEY: oa_puts(s, "duplicate key"); break;
  case ODEUS_RULE_JSON:
    oa_puts(s, "invalid JSON at byte ");
    oa_put_uint(s, p->actual);
    oa_puts(s, ": ");
    oa_puts(s, odeus_result_text((odeus_result)(0 - (int)p->limit)));
    break;
  case ODEUS_RULE_CAPACITY:
    oa_puts(s, "more than the storage holds (");
    oa_put_uint(s, p->limit);
    oa_putc(s, ')');
    break;
  default: oa_puts(s, "invalid"); break;
  }
}

ODEUS_API size_t odeus_problem_format(const odeus_problem *p, char *buf, size_t cap)
{
  oa_sink s;
  oa_sink_init(&s, buf, cap, 0);
  oa_put_path(&s, p);
  oa_puts(&s, ": ");
  oa_put_rule(&s, p);
  return oa_sink_cstr(&s);
}

/* ---- the walk: one traversal that checks and writes ----------------------------------
 * The body is produced by walking the member tables. The same walk checks
 * every rule on the way when asked to (the validator is a walk that only
 * checks; the writer checks and writes in one pass), so the order of keys
 * and the rules cannot drift apart.
 *
 * The output is a sequence of numbered steps (the head, each member, each
 * bracket). A window of it is produced by starting at the last step that
 * began before the window and stopping once the window is full: streaming
 * through any window costs about the same as writing once. */
typedef struct oa_walk {
  oa_sink *s;
  odeus_problems *check;        /* non-NULL: check every rule, report here */
  int emit;                     /* 0: check only, write nothing */
  size_t step;                  /* the step being considered */
  size_t from_step;             /* steps before it are skipped; s->len is their size */
  size_t mark_step, mark_offset;/* out: the last step that started at or before s->skip */
  int stop_when_full;
  int redact;
  size_t content_length;
  size_t api_key_len;
} oa_walk;

static void oa_walk_init(oa_walk *w, oa_sink *s, size_t from_step, size_t from_offset)
{
  memset(w, 0, sizeof *w);
  w->s = s;
  w->emit = 1;
  w->from_step = from_step;
  s->len = from_offset;
  w->mark_step = from_step;
  w->mark_offset = from_offset;
}

/* Whether the next step is to be emitted. */
static OA_INLINE int oa_step(oa_walk *w)
{
  size_t k = w->step++;
  if (!w->emit || k < w->from_step) return 0;
  if (w->stop_when_full && oa_sink_full(w->s)) return 0;
  if (w->s->len <= w->s->skip) {
    w->mark_step = k;
    w->mark_offset = w->s->len;
  }
  return 1;
}

/* ,"key": or, for the first member of an object, "key": */
static void oa_put_key_prefix(oa_sink *s, int first, const oa_member *m)
{
  oa_put(s, m->prefix + first, (size_t)m->prefix_len - (size_t)first);
}

/* A set scalar member: its rules checked when the walk checks, its value
 * written into out unless out is NULL (after the prefix, which opened a
 * string's quote). A string is checked and escaped in the same pass. */
static void oa_member_value(oa_walk *w, const void *obj, const oa_member *m, oa_where here, oa_sink *out)
{
  if (m->kind == OA_KIND_STRING || m->kind == OA_KIND_URL) {
    const odeus_str *v = OA_CAT(obj, m, odeus_str);
    oa_sink *text = out;
    size_t units = 0, at = 0;
    int rule;
    if (out && w->redact && (m->flags & OA_SECRET)) {
      OA_PUT_LIT(out, "[REDACTED]");
      text = NULL;
    }
    if (text || w->check) {
      rule = oa_string_pass(text, v->ptr, v->len, &units, &at);
      if (w->check) oa_judge_string(v, m, here, w->check, rule, units, at);
    }
    if (out) oa_putc(out, '"');
    return;
  }
  if (w->check) oa_check_member(obj, m, here, w->check);
  if (!out) return;
  if (m->kind == OA_KIND_BOOL) {
    if (*OA_CAT(obj, m, odeus_bool) == ODEUS_BOOL_TRUE) OA_PUT_LIT(out, "true");
    else OA_PUT_LIT(out, "false");
  } else {
    const char *name = oa_enum_name(m, oa_enum_value(obj, m));
    if (name) oa_put(out, name, strlen(name)); /* always valid once checked */
    oa_putc(out, '"');
  }
}

/* One scalar member: required when missing, checked and written when set.
 * Its separator depends only on whether a member was set before it. */
static void oa_walk_scalar(oa_walk *w, const void *obj, const oa_member *m, oa_where at, int *first)
{
  int set = oa_member_set(obj, m);
  oa_where here = oa_where_member(at, m);
  int out = oa_step(w) && set;
  if (!set) {
    if (w->check && (m->flags & OA_REQUIRED)) oa_report(w->check, here, ODEUS_RULE_REQUIRED, 0, 0, NULL, 0);
    return;
  }
  if (out) oa_put_key_prefix(w->s, *first, m);
  if (out || w->check) oa_member_value(w, obj, m, here, out ? w->s : NULL);
  *first = 0;
}

/* A flat object (an auth field, the OAuth client): `open`, its members in
 * table order, '}'. */
static void oa_walk_flat(oa_walk *w, const void *obj, const oa_member *t, size_t n, const char *open, oa_where at)
{
  size_t i;
  int first = 1;
  if (oa_step(w)) oa_puts(w->s, open);
  for (i = 0; i < n; i++) oa_walk_scalar(w, obj, &t[i], at, &first);
  if (oa_step(w)) oa_putc(w->s, '}');
}

static void oa_walk_fields(oa_walk *w, const odeus_config *cfg, const oa_member *m, oa_where at, int first)
{
  size_t i;
  if (oa_step(w)) {
    oa_put_key_prefix(w->s, first, m);
    oa_putc(w->s, '[');
  }
  for (i = 0; i < cfg->field_count; i++) {
    at.index = i;
    oa_walk_flat(w, &cfg->fields[i], oa_field_members, OA_COUNT(oa_field_members), i ? ",{" : "{", at);
  }
  at.index = ODEUS_NO_INDEX;
  if (w->check) oa_check_slugs(cfg->fields, cfg->field_count, at, w->check);
  if (oa_step(w)) oa_putc(w->s, ']');
}

/* The body: the root's members in table order; authFields and oauthClient
 * hold flat objects, so the walk needs no recursion. */
static void oa_walk_body(oa_walk *w, const odeus_config *cfg)
{
  oa_where root = { ODEUS_KEY_NONE, ODEUS_NO_INDEX, ODEUS_KEY_NONE };
  size_t i;
  int first = 1;
  if (oa_step(w)) oa_putc(w->s, '{');
  for (i = 0; i < OA_COUNT(oa_root_members); i++) {
    const oa_member *m = &oa_root_members[i];
    oa_where here = oa_where_member(root, m);
    if (m->kind == OA_KIND_FIELDS) {
      if (!cfg->fields) continue;
      oa_walk_fields(w, cfg, m, here, first);
    } else if (m->kind == OA_KIND_OAUTH) {
      if (!cfg->oauth_client) continue;
      if (w->check) oa_check_oauth_allowed(cfg, here, w->check);
      if (oa_step(w)) oa_put_key_prefix(w->s, first, m);
      oa_walk_flat(w, cfg->oauth_client, oa_oauth_members, OA_COUNT(oa_oauth_members), "{", here);
    } else {
      oa_walk_scalar(w, cfg, m, root, &first);
      continue;
    }
    first = 0;
  }
  if (oa_step(w)) oa_putc(w->s, '}');
}

ODEUS_API odeus_result odeus_validate_config(const odeus_config *cfg, odeus_problems *problems)
{
  odeus_problems none = { NULL, 0, 0 };
  oa_sink s;
  oa_walk w;
  size_t before;
  if (!cfg || (!cfg->fields && cfg->field_count)) return ODEUS_ERR_ARGUMENT;
  oa_sink_init(&s, NULL, 0, 0);
  oa_walk_init(&w, &s, 0, 0);
  w.check = problems ? problems : &none;
  w.emit = 0;
  before = w.check->count;
  oa_walk_body(&w, cfg);
  return w.check->count == before ? ODEUS_OK : ODEUS_ERR_CONFIG;
}

static void oa_emit_head(oa_walk *w, const odeus_request *req, const odeus_url *u)
{
  oa_sink *s = w->s;
  if (!oa_step(w)) return;
  OA_PUT_LIT(s, "PATCH ");
  oa_put(s, u->prefix.ptr, u->prefix.len);
  OA_PUT_LIT(s, "/integrations/v1/");
  oa_put(s, req->integration_id, 36);
  OA_PUT_LIT(s, "/auth HTTP/1.1\r\nHost: ");
  oa_put(s, u->host.ptr, u->host.len);
  if (u->explicit_port) { oa_putc(s, ':'); oa_put_uint(s, u->port); }
  OA_PUT_LIT(s, "\r\nAuthorization: Bearer ");
  if (w->redact) OA_PUT_LIT(s, "[REDACTED]");
  else oa_put(s, req->api_key, w->api_key_len);
  OA_PUT_LIT(s, "\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
                "User-Agent: odeus-auth-c/" ODEUS_AUTH_VERSION_STRING "\r\nContent-Length: ");
  oa_put_uint(s, w->content_length);
  OA_PUT_LIT(s, "\r\n\r\n");
}

/* ---- writers ------------------------------------------------------------------------ */
/* Walks the body into buf at offset `at` (when it fits there), measuring
 * it; with check set, every rule is checked in the same pass and the result
 * is ODEUS_ERR_CONFIG if one is broken. */
static odeus_result oa_body_at(const odeus_config *cfg, char *buf, size_t cap, size_t at, int redact, int check,
                               size_t *len)
{
  odeus_problems found = { NULL, 0, 0 };
  oa_sink s;
  oa_walk w;
  if (buf && cap > at) oa_sink_init(&s, buf + at, cap - at, 0);
  else oa_sink_init(&s, NULL, 0, 0);
  oa_walk_init(&w, &s, 0, 0);
  w.redact = redact;
  w.check = check ? &found : NULL;
  oa_walk_body(&w, cfg);
  *len = s.len;
  return found.count ? ODEUS_ERR_CONFIG : ODEUS_OK;
}

static size_t oa_digits(size_t v)
{
  size_t d = 1;
  while (v >= 10) { v /= 10; d++; }
  return d;
}

static int oa_config_usable(const odeus_config *cfg)
{
  return cfg && (cfg->fields || !cfg->field_count);
}

ODEUS_API odeus_result odeus_write_body(const odeus_config *cfg, char *buf, size_t cap, size_t *needed)
{
  size_t n;
  odeus_result r;
  if ((!buf && cap) || !oa_config_usable(cfg)) return ODEUS_ERR_ARGUMENT;
  r = oa_body_at(cfg, buf, cap, 0, 0, 1, &n);
  if (r != ODEUS_OK) return r;
  if (needed) *needed = n;
  return n <= cap ? ODEUS_OK : ODEUS_ERR_BUFFER_TOO_SMALL;
}

/* What can be wrong with a request besides its body, in the order a user
 * fixes it. */
static odeus_result oa_check_request(const odeus_request *req, odeus_request_stream *st, int redact)
{
  const char *base;
  odeus_result r;
  memset(st, 0, sizeof *st);
  if (!req || !oa_config_usable(req->config) || !req->integration_id) return ODEUS_ERR_ARGUMENT;
  base = req->base_url ? req->base_url : ODEUS_DEFAULT_BASE_URL;
  r = odeus_parse_base_url(base, strlen(base), &st->url);
  if (r != ODEUS_OK) return r;
  if (!req->api_key) return ODEUS_ERR_API_KEY;
  st->key_len = strlen(req->api_key);
  r = odeus_validate_api_key(req->api_key, st->key_len);
  if (r != ODEUS_OK) return r;
  r = odeus_validate_id(req->integration_id, strlen(req->integration_id));
  st->req = req;
  st->redact = redact;
  return r;
}

/* The head's length for a body of st->content_length bytes. */
static size_t oa_head_length(const odeus_request_stream *st)
{
  oa_sink s;
  oa_walk w;
  oa_sink_init(&s, NULL, 0, 0);
  oa_walk_init(&w, &s, 0, 0);
  w.content_length = st->content_length;
  w.api_key_len = st->key_len;
  w.redact = st->redact;
  oa_emit_head(&w, st->req, &st->url);
  return s.len;
}

static odeus_result oa_request_begin(odeus_request_stream *st, const odeus_request *req, int redact)
{
  odeus_result r;
  size_t shown;
  if (!st) return ODEUS_ERR_ARGUMENT;
  r = oa_check_request(req, st, redact);
  if (r == ODEUS_OK) r = oa_body_at(req->config, NULL, 0, 0, 0, 1, &st->content_length);
  if (r != ODEUS_OK) {
    st->req = NULL;
    return r;
  }
  shown = st->content_length;
  if (redact) oa_body_at(req->config, NULL, 0, 0, 1, 0, &shown);
  st->total = oa_head_length(st) + shown;
  return ODEUS_OK;
}

ODEUS_API odeus_result odeus_request_begin(odeus_request_stream *st, const odeus_request *req)
{
  return oa_request_begin(st, req, 0);
}

/* Produces the bytes [offset, offset + cap) of the request into buf,
 * starting from the last step known to begin before offset. */
static size_t oa_stream_window(odeus_request_stream *st, char *buf, size_t cap)
{
  oa_sink s;
  oa_walk w;
  oa_sink_init(&s, buf, cap, st->offset);
  oa_walk_init(&w, &s, st->mark_step, st->mark_offset);
  w.stop_when_full = 1;
  w.redact = st->redact;
  w.content_length = st->content_length;
  w.api_key_len = st->key_len;
  oa_emit_head(&w, st->req, &st->url);
  oa_walk_body(&w, st->req->config);
  st->mark_step = w.mark_step;
  st->mark_offset = w.mark_offset;
  return OA_MIN(cap, st->total - st->offset);
}

ODEUS_API size_t odeus_request_next(odeus_request_stream *st, char *window, size_t cap)
{
  size_t n;
  if (!st || !st->req || !window || st->offset >= st->total) return 0;
  n = oa_stream_window(st, window, cap);
  st->offset += n;
  return n;
}

ODEUS_API void odeus_request_seek(odeus_request_stream *st, size_t offset)
{
  if (!st) return;
  st->offset = OA_MIN(offset, st->total);
  if (st->offset < st->mark_offset) st->mark_step = st->mark_offset = 0;
}

/* One walk in the common case, checking and writing together: the body is
 * written where it goes if the Content-Length has as many digits as
 * guessed, then the head before it. Only a wrong guess costs a second walk.
 * On an error the buffer's content is unspecified. */
static odeus_result oa_write_request(const odeus_request *req, char *buf, size_t cap, size_t *needed, int redact)
{
  odeus_request_stream st;
  oa_sink s;
  oa_walk w;
  size_t digits = 3, head0, head, body;
  odeus_result r;
  if (!buf && cap) return ODEUS_ERR_ARGUMENT;
  r = oa_check_request(req, &st, redact);
  if (r != ODEUS_OK) return r;
  head0 = oa_head_length(&st) - 1; /* without the digits of Content-Length 0 */
  if (redact) {
    /* A dump's Content-Length is what is really sent, not the redacted size. */
    r = oa_body_at(req->config, NULL, 0, 0, 0, 1, &st.content_length);
    if (r != ODEUS_OK) return r;
    digits = oa_digits(st.content_length);
    oa_body_at(req->config, buf, cap, head0 + digits, 1, 0, &body);
  } else {
    r = oa_body_at(req->config, buf, cap, head0 + digits, 0, 1, &body);
    if (r != ODEUS_OK) return r;
    if (oa_digits(body) != digits) {
      digits = oa_digits(body);
      oa_body_at(req->config, buf, cap, head0 + digits, 0, 0, &body);
    }
    st.content_length = body;
  }
  head = head0 + digits;
  oa_sink_init(&s, buf, OA_MIN(cap, head), 0);
  oa_walk_init(&w, &s, 0, 0);
  w.content_length = st.content_length;
  w.api_key_len = st.key_len;
  w.redact = redact;
  oa_emit_head(&w, req, &st.url);
  if (needed) *needed = head + body;
  return head + body <= cap ? ODEUS_OK : ODEUS_ERR_BUFFER_TOO_SMALL;
}

ODEUS_API odeus_result odeus_write_request(const odeus_request *req, char *buf, size_t cap, size_t *needed)
{
  return oa_write_request(req, buf, cap, needed, 0);
}

ODEUS_API odeus_result odeus_write_request_redacted(const odeus_request *req, char *buf, size_t cap,
                                                    size_t *needed)
{
  return oa_write_request(req, buf, cap, needed, 1);
}

ODEUS_API odeus_result odeus_write_request_cb(const odeus_request *req, char *window, size_t cap,
                                              odeus_write_fn fn, void *ctx)
{
  odeus_request_stream st;
  odeus_result r;
  size_t n;
  if (!window || !cap || !fn) return ODEUS_ERR_ARGUMENT;
  r = odeus_request_begin(&st, req);
  if (r != ODEUS_OK) return r;
  while ((n = odeus_request_next(&st, window, cap)) > 0) {
    if (fn(ctx, window, n) != 0) { r = ODEUS_ERR_IO; break; }
  }
  odeus_wipe(window, cap); /* the window held the API key */
  return r;
}

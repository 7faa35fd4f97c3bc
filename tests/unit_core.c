/* The core: validation, the body and request writers, streaming. Every
 * expectation below is written by hand from the Odeus API reference, not
 * captured. */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "test.h"

/* ---- the documentation's API-key example (README quick start) -----------
 * The config is tests/example.h's; the bytes expected of it are written out
 * below by hand, from the Odeus API reference. */
#include "example.h"

static const char example_body[] =
  "{\"authType\":\"API_KEY\",\"authFields\":["
  "{\"slug\":\"api_key\",\"label\":\"API Key\",\"type\":\"PASSWORD\","
  "\"description\":\"Found under Settings > API\",\"placeholder\":\"sk-...\",\"required\":true},"
  "{\"slug\":\"base_url\",\"label\":\"Base URL\",\"type\":\"TEXT\","
  "\"description\":\"Your account's API base URL\",\"placeholder\":\"https://api.example.com\","
  "\"required\":false}],"
  "\"authTestCode\":\"const response = await fetch(secrets.base_url + '/me', {\\n"
  "  headers: { 'Authorization': 'Bearer ' + secrets.api_key }\\n"
  "});\\nif (!response.ok) throw new Error('Invalid key');\"}";

static const char example_request[] =
  "PATCH /integrations/v1/550e8400-e29b-41d4-a716-446655440000/auth HTTP/1.1\r\n"
  "Host: api.odeus.ai\r\n"
  "Authorization: Bearer ody-example-key\r\n"
  "Content-Type: application/json\r\n"
  "Accept: application/json\r\n"
  "User-Agent: odeus-auth-c/0.1.0\r\n"
  "Content-Length: 519\r\n"
  "\r\n";

static char expected[2048];
static size_t expected_len;

/* The walk copies a window's mark only for an item that starts within OA_WALK_MARK_REACH bytes of
 * the window's end: every item but a string's text must be shorter (a key with the quote before it and an
 * escape, an enum's key and text, a close's "}]},{). */
static void test_items_under_mark_reach(void)
{
  static const struct { const oa_member *rows; size_t n; } tables[] = {
    { oa_root_members, OA_COUNT(oa_root_members) }, { oa_field_members, OA_COUNT(oa_field_members) },
    { oa_oauth_members, OA_COUNT(oa_oauth_members) }
  };
  size_t t, i, v, longest = 0;
  for (t = 0; t < OA_COUNT(tables); t++)
    for (i = 0; i < tables[t].n; i++) {
      const oa_member *m = &tables[t].rows[i];
      size_t item = m->name_len + 6 + 6; /* ","name":" and a \u00XX escape */
      int named = m->kind == OA_KIND_AUTH_TYPE || m->kind == OA_KIND_FIELD_TYPE || m->kind == OA_KIND_BOOL;
      for (v = 1; named && oa_enum_name(m->kind, (unsigned)v).ptr; v++)
        if (m->name_len + 6 + oa_enum_name(m->kind, (unsigned)v).len > item)
          item = m->name_len + 6 + oa_enum_name(m->kind, (unsigned)v).len;
      if (item > longest) longest = item;
    }
  CHECK(longest < OA_WALK_MARK_REACH);
  CHECK_EQ_INT(longest, 29); /* ","authorizationCode":" with an escape; "authType" with its longest */
}

static void test_golden(void)
{
  odeus_config c = example_config;
  odeus_request rq = { NULL, "ody-example-key", "550e8400-e29b-41d4-a716-446655440000", NULL, NULL };
  char buf[1024];
  size_t need = 0;
  rq.config = &c;
  CHECK_EQ_INT(sizeof example_body - 1, 519);
  CHECK_EQ_INT(odeus_write_body(&c, buf, sizeof buf, &need), ODEUS_OK);
  CHECK_MEM(buf, need, example_body, sizeof example_body - 1);
  memcpy(expected, example_request, sizeof example_request - 1);
  memcpy(expected + sizeof example_request - 1, example_body, sizeof example_body - 1);
  expected_len = sizeof example_request - 1 + sizeof example_body - 1;
  CHECK_EQ_INT(expected_len, 766);
  CHECK_EQ_INT(oa_write_request(&rq, buf, sizeof buf, &need, 0), ODEUS_OK);
  CHECK_MEM(buf, need, expected, expected_len);
  /* measuring pass */
  need = 0;
  CHECK_EQ_INT(oa_write_request(&rq, NULL, 0, &need, 0), ODEUS_ERR_BUFFER_TOO_SMALL);
  CHECK_EQ_INT(need, 766);
}

static void test_redacted(void)
{
  static const char want[] =
    "PATCH /integrations/v1/550e8400-e29b-41d4-a716-446655440000/auth HTTP/1.1\r\n"
    "Host: api.odeus.ai\r\n"
    "Authorization: Bearer [REDACTED]\r\n"
    "Content-Type: application/json\r\n"
    "Accept: application/json\r\n"
    "User-Agent: odeus-auth-c/0.1.0\r\n"
    "Content-Length: 176\r\n"
    "\r\n"
    "{\"authType\":\"OAUTH\",\"oauthClient\":{\"authUrl\":\"https://idp.example.com/authorize?x=1\","
    "\"tokenUrl\":\"https://idp.example.com/token\",\"clientId\":\"cid\",\"clientSecret\":\"[REDACTED]\"}}";
  odeus_oauth_client oc;
  odeus_config c;
  odeus_request rq = { NULL, "secret-api-key", "550e8400-e29b-41d4-a716-446655440000", NULL, NULL };
  char buf[1024] = { 0 }; /* strstr reads it as a C string */
  size_t need = 0;
  memset(&oc, 0, sizeof oc);
  memset(&c, 0, sizeof c);
  oc.auth_url = odeus_cstr("https://idp.example.com/authorize?x=1");
  oc.token_url = odeus_cstr("https://idp.example.com/token");
  oc.client_id = odeus_cstr("cid");
  oc.client_secret = odeus_cstr("s3cr3t-value");
  c.auth_type = ODEUS_AUTH_OAUTH;
  c.oauth_client = &oc;
  rq.config = &c;
  /* The Content-Length is what is really sent: the real secret is 12 bytes,
   * "[REDACTED]" 10, so the dump's body is 2 bytes shorter than it says. */
  CHECK_EQ_INT(odeus_write_request_redacted(&rq, buf, sizeof buf, &need), ODEUS_OK);
  CHECK_MEM(buf, need, want, sizeof want - 1);
  CHECK(strstr(buf, "secret-api-key") == NULL);
  CHECK_EQ_INT(odeus_write_body(&c, buf, sizeof buf, &need), ODEUS_OK);
  CHECK_EQ_INT(need, 176);
}

/* For every capacity: never past it, the needed size exact. */
static void test_capacities(void)
{
  odeus_config c = example_config;
  odeus_request rq = { NULL, "ody-example-key", "550e8400-e29b-41d4-a716-446655440000", NULL, NULL };
  char buf[1024];
  size_t cap, i;
  int bad = 0;
  rq.config = &c;
  for (cap = 0; cap <= expected_len; cap++) {
    size_t need = 0;
    odeus_result r;
    memset(buf, 0xAA, sizeof buf);
    r = oa_write_request(&rq, cap ? buf : NULL, cap, &need, 0);
    if (r != (cap < expected_len ? ODEUS_ERR_BUFFER_TOO_SMALL : ODEUS_OK)) bad++;
    if (need != expected_len) bad++;
    if (memcmp(buf, expected, cap) != 0) bad++;
    for (i = cap; i < sizeof buf; i++)
      if ((unsigned char)buf[i] != 0xAA) { bad++; break; }
    /* the body writer, the same way */
    memset(buf, 0xAA, sizeof buf);
    r = odeus_write_body(&c, cap ? buf : NULL, cap, &need);
    if (need != 519 || r != (cap < 519 ? ODEUS_ERR_BUFFER_TOO_SMALL : ODEUS_OK)) bad++;
    if (memcmp(buf, example_body, OA_MIN(cap, 519)) != 0) bad++;
    for (i = cap; i < sizeof buf; i++) /* up to cap, bytes past the output may be scratch */
      if ((unsigned char)buf[i] != 0xAA) { bad++; break; }
  }
  CHECK_EQ_INT(bad, 0);
}

static char sent[4096];
static size_t sent_len;
static int collect(void *ctx, const char *data, size_t len)
{
  (void)ctx;
  if (sent_len + len > sizeof sent) return 1;
  memcpy(sent + sent_len, data, len);
  sent_len += len;
  return 0;
}

static int calls;
static int stop_at_first(void *ctx, const char *data, size_t len)
{
  (void)ctx;
  (void)data;
  (void)len;
  calls++;
  return 7;
}

/* odeus_write_body_to's other ways out: each wipes the window, and an
 * invalid config reaches fn not at all. */
static void test_body_to_failures(void)
{
  odeus_config c = example_config;
  char window[64];
  size_t i;
  int dirty = 0;
  /* fn stops it after the first window */
  calls = 0;
  memset(window, 0x55, sizeof window);
  CHECK_EQ_INT(odeus_write_body_to(&c, window, sizeof window, stop_at_first, NULL), ODEUS_ERR_IO);
  CHECK_EQ_INT(calls, 1);
  for (i = 0; i < sizeof window; i++) dirty |= window[i];
  CHECK_EQ_INT(dirty, 0);
  /* an invalid config: checked before a byte goes out */
  c.auth_type = ODEUS_AUTH_UNSET;
  sent_len = 0;
  memset(window, 0x55, sizeof window);
  CHECK_EQ_INT(odeus_write_body_to(&c, window, sizeof window, collect, NULL), ODEUS_ERR_CONFIG);
  CHECK_EQ_INT(sent_len, 0);
  for (i = 0; i < sizeof window; i++) dirty |= window[i];
  CHECK_EQ_INT(dirty, 0);
  /* arguments */
  c = example_config;
  CHECK_EQ_INT(odeus_write_body_to(&c, NULL, sizeof window, collect, NULL), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(odeus_write_body_to(&c, window, 0, collect, NULL), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(odeus_write_body_to(&c, window, sizeof window, NULL, NULL), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(odeus_write_body_to(NULL, window, sizeof window, collect, NULL), ODEUS_ERR_ARGUMENT);
  c.fields = NULL; /* a field_count without fields */
  CHECK_EQ_INT(odeus_write_body_to(&c, window, sizeof window, collect, NULL), ODEUS_ERR_ARGUMENT);
}

/* A window that ends inside a key, before a string whose first character is 4 bytes: the string's
 * pass starts with its output past the window's end only there (its run then starts at input byte
 * 0), and the next window resumes at that byte; every window of 1 to 300 bytes gives the body. */
static void test_stream_key_cut_before_wide_character(void)
{
  static const odeus_auth_field f[1] = { { ODEUS_LIT("\xF0\x9F\x98\x80s"), ODEUS_LIT("\xF0\x9F\x98\x80"),
                                           ODEUS_FIELD_TEXT, ODEUS_LIT("\xF0\x9F\x98\x80\n\xF0\x9F\x98\x80"),
                                           { NULL, 0 }, ODEUS_BOOL_UNSET } };
  odeus_config c = { ODEUS_AUTH_API_KEY, f, 1, ODEUS_LIT("\xF0\x9F\x98\x80x"), NULL };
  char want[256], window[300];
  size_t w, len = 0;
  int bad = 0;
  CHECK_EQ_INT(odeus_write_body(&c, want, sizeof want, &len), ODEUS_OK);
  for (w = 1; w <= sizeof window; w++) {
    sent_len = 0;
    if (odeus_write_body_to(&c, window, w, collect, NULL) != ODEUS_OK || sent_len != len ||
        memcmp(sent, want, len) != 0)
      bad++;
  }
  CHECK_EQ_INT(bad, 0);
}

/* Windows of 1 to 300 bytes give the one-shot bytes. */
static void test_streaming(void)
{
  odeus_config c = example_config;
  odeus_request rq = { NULL, "ody-example-key", "550e8400-e29b-41d4-a716-446655440000", NULL, NULL };
  char window[301 + 16];
  size_t w, i;
  int bad = 0;
  rq.config = &c;
  for (w = 1; w <= 300; w++) {
    oa_stream st;
    size_t n;
    sent_len = 0;
    if (oa_stream_begin(&st, &rq) != ODEUS_OK || st.total != expected_len || st.content_length != 519) bad++;
    memset(window, 0x55, sizeof window);
    while ((n = oa_stream_next(&st, window, w)) > 0) {
      if (n > w) bad++;
      collect(NULL, window, n);
      for (i = w; i < sizeof window; i++)
        if ((unsigned char)window[i] != 0x55) { bad++; break; }
    }
    if (sent_len != expected_len || memcmp(sent, expected, expected_len) != 0) bad++;
    /* the body alone through the same window, for a client of one's own */
    sent_len = 0;
    if (odeus_write_body_to(&c, window, w, collect, NULL) != ODEUS_OK) bad++;
    if (sent_len != 519 || memcmp(sent, expected + expected_len - 519, 519) != 0) bad++;
    for (i = 0; i < w; i++)
      if (window[i] != 0) { bad++; break; } /* wiped */
  }
  CHECK_EQ_INT(bad, 0);
  /* the head alone: the bytes before the body, measured exactly */
  {
    size_t n = 0;
    CHECK_EQ_INT(odeus_write_head(&rq, window, sizeof window, &n), ODEUS_OK);
    CHECK_MEM(window, n, expected, expected_len - 519);
    CHECK_EQ_INT(odeus_write_head(&rq, NULL, 0, &n), ODEUS_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(n, expected_len - 519);
    CHECK_EQ_INT(odeus_write_head(&rq, window, 10, &n), ODEUS_ERR_BUFFER_TOO_SMALL);
    CHECK_MEM(window, 10, expected, 10);
  }
}

/* ---- validation ------------------------------------------------------------ */
static char line[256];
static odeus_problem items[16];
static odeus_problems probs;

static const char *first_problem(const odeus_config *c)
{
  probs.items = items;
  probs.capacity = 16;
  probs.count = 0;
  if (odeus_validate_config(c, &probs) == ODEUS_OK) return "OK";
  odeus_problem_format(&items[0], line, sizeof line);
  return line;
}

/* n characters of the UTF-8 sequence ch into buf. */
static odeus_str repeat(char *buf, const char *ch, size_t n)
{
  size_t k = strlen(ch), i;
  odeus_str s;
  for (i = 0; i < n; i++) memcpy(buf + i * k, ch, k);
  s.ptr = buf;
  s.len = n * k;
  return s;
}

static void test_lengths(void)
{
  static char big[8192];
  static const char *chars[] = { "a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80" };
  odeus_auth_field f;
  odeus_config c;
  size_t k;
  memset(&c, 0, sizeof c);
  c.auth_type = ODEUS_AUTH_API_KEY;
  c.fields = &f;
  c.field_count = 1;
  for (k = 0; k < 4; k++) {
    size_t per = k == 3 ? 2 : 1; /* UTF-16 units per character */
    memset(&f, 0, sizeof f);
    f.slug = repeat(big, chars[k], 0);
    f.label = odeus_cstr("L");
    f.type = ODEUS_FIELD_TEXT;
    CHECK_STR(first_problem(&c), "authFields[0].slug: empty, min 1 character");
    f.slug = repeat(big, chars[k], 1);
    CHECK_STR(first_problem(&c), "OK");
    f.slug = repeat(big, chars[k], 100 / per);
    CHECK_STR(first_problem(&c), "OK");
    f.slug = repeat(big, chars[k], 100 / per + 1);
    CHECK_STR(first_problem(&c), per == 1 ? "authFields[0].slug: 101 characters, max 100"
                                          : "authFields[0].slug: 102 UTF-16 units (51 characters), max 100");
    CHECK_EQ_INT(items[0].limit, 100);
    CHECK_EQ_INT(items[0].actual, per == 1 ? 101 : 102);
    /* description: 0 allowed, max 500 */
    f.slug = odeus_cstr("s");
    f.description = repeat(big, chars[k], 0);
    CHECK_STR(first_problem(&c), "OK");
    f.description = repeat(big, chars[k], 500 / per);
    CHECK_STR(first_problem(&c), "OK");
    f.description = repeat(big, chars[k], 500 / per + 1);
    CHECK_STR(first_problem(&c), per == 1 ? "authFields[0].description: 501 characters, max 500"
                                          : "authFields[0].description: 502 UTF-16 units (251 characters), max 500");
    f.description.ptr = NULL;
    f.placeholder = repeat(big, chars[k], 200 / per + 1);
    CHECK_STR(first_problem(&c), per == 1 ? "authFields[0].placeholder: 201 characters, max 200"
                                          : "authFields[0].placeholder: 202 UTF-16 units (101 characters), max 200");
  }
  /* 99 ASCII + one astral character = 101 units */
  memset(&f, 0, sizeof f);
  memset(big, 'a', 99);
  memcpy(big + 99, "\xf0\x9f\x98\x80", 4);
  f.slug.ptr = big;
  f.slug.len = 103;
  f.label = odeus_cstr("L");
  f.type = ODEUS_FIELD_TEXT;
  CHECK_STR(first_problem(&c), "authFields[0].slug: 101 UTF-16 units (100 characters), max 100");
  /* a problem built by hand, without its text, still says what it counts */
  items[0].text.ptr = NULL;
  odeus_problem_format(&items[0], line, sizeof line);
  CHECK_STR(line, "authFields[0].slug: 101 UTF-16 units, max 100");
  /* authTestCode 1000 */
  memset(&f, 0, sizeof f);
  c.fields = NULL;
  c.field_count = 0;
  c.auth_test_code = repeat(big, "\xe2\x82\xac", 1000);
  CHECK_STR(first_problem(&c), "OK");
  c.auth_test_code = repeat(big, "\xe2\x82\xac", 1001);
  CHECK_STR(first_problem(&c), "authTestCode: 1001 characters, max 1000");
}

static void test_utf8(void)
{
  static const struct { const char *s; size_t len; int rule; size_t at; } cases[] = {
    { "ab\xc0\x80", 4, ODEUS_RULE_UTF8, 2 },             /* overlong NUL */
    { "\xc1\xbf", 2, ODEUS_RULE_UTF8, 0 },               /* overlong 2-byte */
    { "x\xe0\x80\x80", 4, ODEUS_RULE_UTF8, 1 },          /* overlong 3-byte */
    { "\xe0\x9f\xbf", 3, ODEUS_RULE_UTF8, 0 },           /* overlong U+07FF */
    { "\xf0\x80\x80\x80", 4, ODEUS_RULE_UTF8, 0 },       /* overlong 4-byte */
    { "\xf0\x8f\xbf\xbf", 4, ODEUS_RULE_UTF8, 0 },       /* overlong U+FFFF */
    { "\xed\xa0\x80", 3, ODEUS_RULE_UTF8, 0 },           /* U+D800 */
    { "\xed\xbf\xbf", 3, ODEUS_RULE_UTF8, 0 },           /* U+DFFF */
    { "\xf4\x90\x80\x80", 4, ODEUS_RULE_UTF8, 0 },       /* U+110000 */
    { "\xf5\x80\x80\x80", 4, ODEUS_RULE_UTF8, 0 },
    { "ok\xe2\x82", 4, ODEUS_RULE_UTF8, 2 },             /* truncated */
    { "\xc3", 1, ODEUS_RULE_UTF8, 0 },
    { "\xf0\x9f\x98", 3, ODEUS_RULE_UTF8, 0 },
    { "a\x80", 2, ODEUS_RULE_UTF8, 1 },                  /* lone continuation */
    { "\xe2\x28\xa1", 3, ODEUS_RULE_UTF8, 0 },           /* bad continuation */
    { "\xfe", 1, ODEUS_RULE_UTF8, 0 },
    { "\xff", 1, ODEUS_RULE_UTF8, 0 },
    { "abcdefghij\0k", 12, ODEUS_RULE_NUL, 10 },        /* U+0000 after a fast run */
    { "\0", 1, ODEUS_RULE_NUL, 0 },
  };
  size_t i, units, at;
  oa_sink count; /* the pass checks through a sink that only counts */
  oa_sink_init(&count, NULL, 0);
  for (i = 0; i < OA_COUNT(cases); i++) {
    units = 999;
    at = 0; /* where the pass starts (a window's resumes past 0) */
    CHECK_EQ_INT(oa_string_pass(&count, cases[i].s, cases[i].len, &units, &at, NULL, 0), cases[i].rule);
    CHECK_EQ_INT(at, cases[i].at);
  }
  at = 0;
  CHECK_EQ_INT(oa_string_pass(&count, "\xef\xbf\xbf\xf4\x8f\xbf\xbf\xc2\x80" "abcdefghijklmnop", 25, &units, &at, NULL, 0), 0);
  CHECK_EQ_INT(units, 1 + 2 + 1 + 16);
  /* Every pass starts at *at (its callers set 0 but for a window that resumes): the bytes before
   * count as characters and are not written; a check alone counts what a write writes. */
  oa_sink_init(&count, NULL, 0);
  at = 2;
  CHECK_EQ_INT(oa_string_pass(&count, "ab\xc3\xa9\n", 5, &units, &at, NULL, 0), 0);
  CHECK_EQ_INT(units, 4);
  CHECK_EQ_INT(count.len, 4); /* \xc3\xa9 and \\n */
  CHECK_EQ_INT(at, 2);
  /* The walk gives its mark to every pass and says by the flag whether the pass may stop there: a
   * pass not asked to stop (a body written whole into a buffer too small) neither marks nor stops
   * at a full window, and counts every byte; asked, it marks where the next window resumes. */
  {
    char win[4];
    oa_mark stop;
    oa_sink out;
    int stops;
    for (stops = 0; stops < 2; stops++) {
      memset(&stop, 0, sizeof stop);
      oa_sink_init(&out, win, sizeof win);
      at = 0;
      CHECK_EQ_INT(oa_string_pass(&out, "abcdefg\nhij", 11, &units, &at, &stop, stops), 0);
      CHECK_EQ_INT(stop.in, stops ? 4u : 0u);
      CHECK_EQ_INT(stop.offset, stops ? 4u : 0u);
      CHECK_EQ_INT(out.len, stops ? 7u : 12u); /* asked to stop: the window's room and 3 bytes read */
      CHECK(memcmp(win, "abcd", 4) == 0);
    }
  }
  {
    odeus_config c;
    memset(&c, 0, sizeof c);
    c.auth_type = ODEUS_AUTH_NONE;
    c.auth_test_code.ptr = "ab\xed\xa0\x80";
    c.auth_test_code.len = 5;
    CHECK_STR(first_problem(&c), "authTestCode: invalid UTF-8 at byte 2");
    c.auth_test_code.ptr = "a\0b";
    c.auth_test_code.len = 3;
    CHECK_STR(first_problem(&c), "authTestCode: U+0000 at byte 1");
  }
}

static void test_rules(void)
{
  odeus_auth_field f[3];
  odeus_oauth_client oc;
  odeus_config c;
  int t;
  memset(f, 0, sizeof f);
  memset(&oc, 0, sizeof oc);
  memset(&c, 0, sizeof c);
  CHECK_STR(first_problem(&c), "authType: required");
  c.auth_type = (odeus_auth_type)9;
  CHECK_STR(first_problem(&c), "authType: value 9 is not one of NONE, API_KEY, SERVICE_ACCOUNT, OAUTH, OAUTH_DCR");
  /* oauthClient is refused with every non-OAuth type, accepted with both OAuth ones */
  c.oauth_client = &oc;
  for (t = ODEUS_AUTH_NONE; t <= ODEUS_AUTH_OAUTH_DCR; t++) {
    c.auth_type = (odeus_auth_type)t;
    CHECK_STR(first_problem(&c), t >= ODEUS_AUTH_OAUTH ? "OK"
              : "oauthClient: only allowed when authType is OAUTH or OAUTH_DCR");
  }
  c.auth_type = ODEUS_AUTH_OAUTH;
  /* each fault of a URL is named: the first one, as the URL is read */
  {
    static const char *const urls[][2] = {
      { "ftp://idp.example.com/a", "not an absolute URL: it must start with https:// or http://" },
      { "/relative", "not an absolute URL: it must start with https:// or http://" },
      { "https:/x.example.com", "not an absolute URL: it must start with https:// or http://" },
      { "https://", "no host" },
      { "HTTP://", "no host" },
      { "https:/", "not an absolute URL: it must start with https:// or http://" },
      { "http:/", "not an absolute URL: it must start with https:// or http://" },
      { "https:///path", "no host" },
      { "https://:443/", "no host" },
      { "https://user:pw@idp.example.com/", "a user name (user@) before the host is not accepted" },
      { "https://b\xc3\xbc" "cher.example/", "the host is not ASCII: write an internationalised name in its xn-- "
                                         "(punycode) form" },
      { "https://idp.example.com:99999/a", "port 99999 is out of range (1 to 65535)" },
      { "https://idp.example.com:0", "port 0 is out of range (1 to 65535)" },
      { "https://idp.example.com:/a", "the port is not a number from 1 to 65535" },
      { "https://idp.example.com:44x/a", "the port is not a number from 1 to 65535" },
      { "https://idp.example.com:1234567/", "the port is not a number from 1 to 65535" },
      { "https://idp_example.com/", "the host is not a name (letters, digits, '-', '.') nor an IP address" },
      { "https://-idp.example.com/", "the host is not a name (letters, digits, '-', '.') nor an IP address" },
      { "https://[::1::2]/", "the host in brackets is not an IPv6 address" },
      { "https://[::1/", "the host in brackets is not an IPv6 address" },
      { "https://idp.example.com/a b", "a space or control character at byte 25 (percent-encode it)" },
      { "https://idp.example.com/?q=\x7f", "a space or control character at byte 27 (percent-encode it)" },
    };
    size_t u;
    for (u = 0; u < OA_COUNT(urls); u++) {
      char want[160];
      oc.auth_url = odeus_cstr(urls[u][0]);
      snprintf(want, sizeof want, "oauthClient.authUrl: %s", urls[u][1]);
      CHECK_STR(first_problem(&c), want);
      CHECK(items[0].text.ptr == oc.auth_url.ptr && items[0].text.len == oc.auth_url.len);
    }
    /* built by hand, without the text: the rule alone */
    items[0].text.ptr = NULL;
    odeus_problem_format(&items[0], line, sizeof line);
    CHECK_STR(line, "oauthClient.authUrl: not an absolute http(s) URL with a host");
  }
  oc.auth_url = odeus_cstr("HTTP://idp.example.com:8080/authorize?scope=a%20b#frag");
  CHECK_STR(first_problem(&c), "OK");
  oc.token_url = odeus_cstr("https://[::1]:8443/token");
  CHECK_STR(first_problem(&c), "OK");
  c.oauth_client = NULL;
  /* fields: required members, enum, bool, duplicates */
  c.auth_type = ODEUS_AUTH_API_KEY;
  c.fields = f;
  c.field_count = 1;
  CHECK_STR(first_problem(&c), "authFields[0].slug: required");
  CHECK_EQ_INT(probs.count, 3);
  odeus_problem_format(&items[1], line, sizeof line);
  CHECK_STR(line, "authFields[0].label: required");
  odeus_problem_format(&items[2], line, sizeof line);
  CHECK_STR(line, "authFields[0].type: required");
  f[0].slug = odeus_cstr("api_key");
  f[0].label = odeus_cstr("K");
  f[0].type = (odeus_field_type)7;
  CHECK_STR(first_problem(&c), "authFields[0].type: value 7 is not one of TEXT, MULTI_LINE_TEXT, PASSWORD, NUMBER, EMBEDDING_MODEL");
  f[0].type = ODEUS_FIELD_EMBEDDING_MODEL;
  f[0].required = (odeus_bool)3;
  CHECK_STR(first_problem(&c), "authFields[0].required: value 3 is not one of true, false");
  f[0].required = ODEUS_BOOL_FALSE;
  f[1] = f[0];
  f[2] = f[0];
  f[2].slug = odeus_cstr("other");
  c.field_count = 3;
  CHECK_STR(first_problem(&c), "authFields[1].slug: duplicate slug \"api_key\"");
  CHECK_EQ_INT(items[0].actual, 0);
  /* an explicit empty array is valid */
  c.field_count = 0;
  CHECK_STR(first_problem(&c), "OK");
}

/* A config with several problems reports all of them, in order, with paths. */
static void test_all_problems(void)
{
  static char long_label[101];
  odeus_auth_field f[3];
  odeus_oauth_client oc;
  odeus_config c;
  odeus_problem few[2];
  odeus_problems small = { few, 2, 0 };
  static const char *const want[] = {
    "authFields[0].slug: empty, min 1 character",
    "authFields[1].label: 101 characters, max 100",
    "authFields[2].type: required",
    "authFields[2].slug: duplicate slug \"token\"",
    "authTestCode: invalid UTF-8 at byte 3",
    "oauthClient: only allowed when authType is OAUTH or OAUTH_DCR",
    "oauthClient.tokenUrl: not an absolute URL: it must start with https:// or http://",
  };
  size_t i;
  memset(f, 0, sizeof f);
  memset(&oc, 0, sizeof oc);
  memset(&c, 0, sizeof c);
  memset(long_label, 'x', sizeof long_label);
  c.auth_type = ODEUS_AUTH_SERVICE_ACCOUNT;
  f[0].slug = odeus_cstr("");
  f[0].label = odeus_cstr("a");
  f[0].type = ODEUS_FIELD_TEXT;
  f[1].slug = odeus_cstr("token");
  f[1].label.ptr = long_label;
  f[1].label.len = 101;
  f[1].type = ODEUS_FIELD_PASSWORD;
  f[2].slug = odeus_cstr("token");
  f[2].label = odeus_cstr("b");
  c.fields = f;
  c.field_count = 3;
  c.auth_test_code.ptr = "abc\xff";
  c.auth_test_code.len = 4;
  oc.token_url = odeus_cstr("token");
  c.oauth_client = &oc;
  first_problem(&c);
  CHECK_EQ_INT(probs.count, OA_COUNT(want));
  for (i = 0; i < OA_COUNT(want) && i < probs.count; i++) {
    odeus_problem_format(&items[i], line, sizeof line);
    CHECK_STR(line, want[i]);
  }
  CHECK_EQ_INT(odeus_problem_format(&items[1], line, sizeof line), 44);
  CHECK_STR(line, "authFields[1].label: 101 characters, max 100");
  CHECK_EQ_INT(items[1].rule, ODEUS_RULE_TOO_LONG);
  CHECK_EQ_INT(items[1].limit, 100);
  CHECK_EQ_INT(items[1].actual, 101);
  /* a bounded store still counts everything */
  CHECK_EQ_INT(odeus_validate_config(&c, &small), ODEUS_ERR_CONFIG);
  CHECK_EQ_INT(small.count, OA_COUNT(want));
  CHECK_EQ_INT(few[1].key, ODEUS_KEY_AUTH_FIELDS);
  CHECK_EQ_INT(few[1].index, 1);
  CHECK_EQ_INT(few[1].member, ODEUS_KEY_LABEL);
  /* the formatter follows the snprintf contract */
  CHECK_EQ_INT(odeus_problem_format(&items[1], line, 10), 44);
  CHECK_STR(line, "authField");
  CHECK_EQ_INT(odeus_problem_format(&items[1], NULL, 0), 44);
  /* a NULL problem is the empty string, not a crash */
  memset(line, 'x', 4);
  CHECK_EQ_INT(odeus_problem_format(NULL, line, sizeof line), 0);
  CHECK_STR(line, "");
  CHECK_EQ_INT(odeus_write_body(&c, line, sizeof line, NULL), ODEUS_ERR_CONFIG);
}

/* Text for display: what could steer a terminal is escaped, the rest kept. */
static void shown_is(const char *in, size_t len, const char *want)
{
  char out[256];
  size_t n = odeus_display_text(in, len, out, sizeof out);
  CHECK_EQ_INT(n, strlen(want));
  CHECK_STR(out, want);
}

static void test_display_text(void)
{
  static const char all[] = "ok \\ \n\r\t\x1b[31m\x7f\x00 \xc2\x9b\xc2\x85 \xd8\x9c \xe2\x80\x8e\xe2\x80\x8f "
                            "\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\xaa\xe2\x80\xae\xe2\x81\xa6\xe2\x81\xa9 "
                            "\xc3\xa9\xc2\xa0\xe2\x80\xaf\xf0\x9f\x98\x80 \xff\xc0\xaf\xed\xa0\x80\xe2\x82";
  static const char want[] = "ok \\\\ \\n\\r\\t\\x1b[31m\\x7f\\x00 \\u009b\\u0085 \\u061c \\u200e\\u200f "
                             "\\u2028\\u2029\\u202a\\u202e\\u2066\\u2069 "
                             "\xc3\xa9\xc2\xa0\xe2\x80\xaf\xf0\x9f\x98\x80 \\xff\\xc0\\xaf\\xed\\xa0\\x80\\xe2\\x82";
  char small[8];
  size_t i;
  shown_is(all, sizeof all - 1, want);
  shown_is("", 0, "");
  shown_is(NULL, 5, "");
  /* the snprintf contract: measured, cut and NUL-terminated */
  CHECK_EQ_INT(odeus_display_text(all, sizeof all - 1, NULL, 0), sizeof want - 1);
  for (i = 0; i <= sizeof small; i++) {
    memset(small, '#', sizeof small);
    CHECK_EQ_INT(odeus_display_text(all, sizeof all - 1, small, i), sizeof want - 1);
    if (i) CHECK(memcmp(small, want, i - 1) == 0 && small[i - 1] == '\0');
    if (i < sizeof small) CHECK(small[i] == '#');
  }
  /* every byte value alone: never a control byte out, never more than 4 bytes */
  for (i = 0; i < 256; i++) {
    char in = (char)i, out[8];
    size_t n = odeus_display_text(&in, 1, out, sizeof out), j;
    CHECK(n >= 1 && n <= 4);
    for (j = 0; j < n; j++) CHECK((unsigned char)out[j] >= 0x20 && (unsigned char)out[j] < 0x7f);
  }
}

static void test_ids_keys_urls(void)
{
  odeus_url u;
  static const char *const bad_urls[] = {
    "ftp://api.odeus.ai", "https://", "https://user@host", "https://host?x=1", "https://host#f",
    "https://host/a b", "https://host:0", "https://host:65536", "https://host:", "https://ho st",
    "https://host/\r\nX: y", "https://[zz]", "https://.host", "api.odeus.ai", "https://host/%zz",
    "https://host:443x", "https://host/\x7f",
    /* brackets hold an IPv6 address (RFC 3986 IP-literal), nothing else */
    "https://[1.2.3.4]:8443", "https://[ab]", "https://[:::]", "https://[1:2:3:4:5:6:7:8:9]",
    "https://[1::2::3]", "https://[12345::]", "https://[::1.2.3.04]", "https://[::1.2.3.256]",
    "https://[fe80::1%25eth0]", "https://[]", "https://[::1", "https://[1:2:3:4:5:6:7:1.2.3.4]",
    "https://[1::2:]", "https://[:1::]", "https://[v1.x]",
    /* a lone ':' at either end, a ':' after the "::", a group of 5 digits before
       an IPv4 tail, a tail that is not last or has too many groups before it */
    "https://[:]", "https://[:1:2:3:4:5:6:7]", "https://[1:2:3:4:5:6:7:]", "https://[1:::]",
    "https://[::12345.1.1.1]", "https://[::1.2.3.4:5]", "https://[1:2:3:4:5:6:7::1.2.3.4]",
    "https://[1:2:3:4:5:1.2.3.4]", "https://[::1.2.3]", "https://[::1.2.3.4.5]", "https://[::.1.2.3]",
    "https://[::a.1.2.3]", "https://[::1.2.3.4a]", "https://[1::2:3:4:5:6:7:8]",
    /* leading zeros in an IPv4 tail's octets, octets over 255 */
    "https://[::00.1.2.3]", "https://[::1.2.3.0255]", "https://[::1000.1.2.3]",
    /* the path: an escape cut short, a byte outside the set; the port: 6 digits */
    "https://h/%4", "https://h/a%", "https://h/a\\b", "https://h/<", "https://h:065536", "http://h:1000000"
  };
  /* each with the host it names, and its port */
  static const struct { const char *url, *host; unsigned port; } good_hosts[] = {
    { "https://[::]", "[::]", 443 }, { "https://[1::]", "[1::]", 443 },
    { "https://[1:2:3:4:5:6:7:8]", "[1:2:3:4:5:6:7:8]", 443 },
    { "http://[ABCD:ef01::9]/p", "[ABCD:ef01::9]", 80 },
    { "https://[::ffff:192.168.0.1]:8443", "[::ffff:192.168.0.1]", 8443 },
    { "https://[1:2:3:4:5:6:1.2.3.4]", "[1:2:3:4:5:6:1.2.3.4]", 443 },
    { "https://[::2:3:4:5:6:7:8]:1", "[::2:3:4:5:6:7:8]", 1 },
    { "https://[1::2:3.4.5.6]", "[1::2:3.4.5.6]", 443 }, { "https://[::1.2.3.4]", "[::1.2.3.4]", 443 },
    { "https://[1:2:3:4:5::0.0.0.0]", "[1:2:3:4:5::0.0.0.0]", 443 },
    { "https://[1:2:3:4:5:6:7::]", "[1:2:3:4:5:6:7::]", 443 },
    { "https://[::ffff:255.255.255.255]/%2F/", "[::ffff:255.255.255.255]", 443 },
    { "http://a-b.c:065535/%aF", "a-b.c", 65535 }, { "hTtPs://h:000443", "h", 443 }
  };
  size_t i;
  CHECK_EQ_INT(odeus_validate_id("550e8400-e29b-41d4-a716-446655440000", 36), ODEUS_OK);
  CHECK_EQ_INT(odeus_validate_id("550E8400-E29B-41D4-A716-446655440000", 36), ODEUS_OK);
  CHECK_EQ_INT(odeus_validate_id("550e8400-e29b-41d4-a716-44665544000", 35), ODEUS_ERR_ID);
  CHECK_EQ_INT(odeus_validate_id("550e8400-e29b-41d4-a716-4466554400000", 37), ODEUS_ERR_ID);
  CHECK_EQ_INT(odeus_validate_id("550e8400e-29b-41d4-a716-446655440000", 36), ODEUS_ERR_ID);
  CHECK_EQ_INT(odeus_validate_id("550e8400-e29b-41d4-a716-44665544000g", 36), ODEUS_ERR_ID);
  CHECK_EQ_INT(odeus_validate_id("../../../../../../../../../../admin/", 36), ODEUS_ERR_ID);
  CHECK_EQ_INT(odeus_validate_api_key("sk-abc_DEF.123~!", 16), ODEUS_OK);
  CHECK_EQ_INT(odeus_validate_api_key("", 0), ODEUS_ERR_API_KEY);
  CHECK_EQ_INT(odeus_validate_api_key("a b", 3), ODEUS_ERR_API_KEY);
  CHECK_EQ_INT(odeus_validate_api_key("ab\r\nX: y", 8), ODEUS_ERR_API_KEY);
  CHECK_EQ_INT(odeus_validate_api_key("ab\x7f", 3), ODEUS_ERR_API_KEY);
  CHECK_EQ_INT(odeus_validate_api_key("\xc3\xa9", 2), ODEUS_ERR_API_KEY);
  CHECK_EQ_INT(odeus_validate_api_key("a\tb", 3), ODEUS_ERR_API_KEY);
  for (i = 0; i < OA_COUNT(bad_urls); i++)
    CHECK_EQ_INT(odeus_parse_base_url(bad_urls[i], strlen(bad_urls[i]), &u), ODEUS_ERR_BASE_URL);
  for (i = 0; i < OA_COUNT(good_hosts); i++) {
    CHECK_EQ_INT(odeus_parse_base_url(good_hosts[i].url, strlen(good_hosts[i].url), &u), ODEUS_OK);
    CHECK_MEM(u.host.ptr, u.host.len, good_hosts[i].host, strlen(good_hosts[i].host));
    CHECK_EQ_INT(u.port, good_hosts[i].port);
  }
  CHECK_EQ_INT(odeus_parse_base_url("https://h/a%4z", 14, &u), ODEUS_ERR_BASE_URL);
  CHECK_EQ_INT(odeus_parse_base_url("https://h/a%4F", 14, &u), ODEUS_OK);
#define CHECK_KEY_NAME(k, want) do { odeus_str n_ = oa_key_name(k); CHECK_MEM(n_.ptr, n_.len, want, strlen(want)); } while (0)
  CHECK_KEY_NAME(ODEUS_KEY_AUTH_FIELDS, "authFields");
  CHECK_KEY_NAME(ODEUS_KEY_ID, "id");
  CHECK_KEY_NAME(ODEUS_KEY_OTHER, "");
  CHECK_KEY_NAME(ODEUS_KEY_INTEGRATION, "integration");
  CHECK_KEY_NAME(ODEUS_KEY_NONE, "");
  { /* every row of every member table names its key, and is written ,"key":" before its value */
    size_t row;
#define CHECK_ROW(m) do { odeus_str n_ = oa_key_name((odeus_key)(m).key); \
    CHECK_MEM(n_.ptr, n_.len, (m).name, (m).name_len); \
    CHECK_MEM((m).name - 2, 2, ",\"", 2); CHECK_MEM((m).name + (m).name_len, 3, "\":\"", 3); } while (0)
    for (row = 0; row < OA_COUNT(oa_root_members); row++) CHECK_ROW(oa_root_members[row]);
    for (row = 0; row < OA_COUNT(oa_field_members); row++) CHECK_ROW(oa_field_members[row]);
    for (row = 0; row < OA_COUNT(oa_oauth_members); row++)
      if (oa_oauth_members[row].key != ODEUS_KEY_LABEL) CHECK_ROW(oa_oauth_members[row]);
#undef CHECK_ROW
  }
#undef CHECK_KEY_NAME
  CHECK_EQ_INT(odeus_parse_base_url("https://odeus.example.com/api/public/", 37, &u), ODEUS_OK);
  CHECK_EQ_INT(u.https, 1);
  CHECK_MEM(u.host.ptr, u.host.len, "odeus.example.com", 17);
  CHECK_MEM(u.prefix.ptr, u.prefix.len, "/api/public", 11);
  CHECK_EQ_INT(u.port, 443);
  CHECK_EQ_INT(u.explicit_port, 0);
  CHECK_EQ_INT(odeus_parse_base_url("HTTP://127.0.0.1:8080", 21, &u), ODEUS_OK);
  CHECK_EQ_INT(u.https, 0);
  CHECK_EQ_INT(u.port, 8080);
  CHECK_EQ_INT(u.explicit_port, 1);
  CHECK_EQ_INT(u.prefix.len, 0);
  CHECK_EQ_INT(odeus_parse_base_url("https://[::1]:443/", 18, &u), ODEUS_OK);
  CHECK_MEM(u.host.ptr, u.host.len, "[::1]", 5);
  CHECK_EQ_INT(u.explicit_port, 0);
}

/* A dedicated deployment: the prefix and a non-default port reach the wire. */
static void test_request_variants(void)
{
  static const char want[] =
    "PATCH /api/public/integrations/v1/550E8400-E29B-41D4-A716-446655440000/auth HTTP/1.1\r\n"
    "Host: odeus.example.com:8443\r\n"
    "Authorization: Bearer k\r\n"
    "Content-Type: application/json\r\n"
    "Accept: application/json\r\n"
    "User-Agent: odeus-auth-c/0.1.0\r\n"
    "Content-Length: 35\r\n"
    "\r\n"
    "{\"authType\":\"NONE\",\"authFields\":[]}";
  static const char want_escapes[] =
    "{\"authType\":\"OAUTH_DCR\",\"authTestCode\":\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f \x7f \xc3\xa9\","
    "\"oauthClient\":{\"scopes\":\"read write\",\"label\":\"Connect\"}}";
  odeus_auth_field none[1];
  odeus_oauth_client oc;
  odeus_config c;
  odeus_request rq = { "https://odeus.example.com:8443/api/public/", "k",
                       "550E8400-E29B-41D4-A716-446655440000", NULL, NULL };
  char buf[512];
  size_t need = 0;
  memset(&c, 0, sizeof c);
  c.auth_type = ODEUS_AUTH_NONE;
  c.fields = none;
  rq.config = &c;
  CHECK_EQ_INT(oa_write_request(&rq, buf, sizeof buf, &need, 0), ODEUS_OK);
  CHECK_MEM(buf, need, want, sizeof want - 1);
  /* escaping */
  memset(&oc, 0, sizeof oc);
  memset(&c, 0, sizeof c);
  c.auth_type = ODEUS_AUTH_OAUTH_DCR;
  c.auth_test_code.ptr = "q\" b\\ \b\f\n\r\t \x01\x1f \x7f \xc3\xa9";
  c.auth_test_code.len = strlen(c.auth_test_code.ptr);
  oc.scopes = odeus_cstr("read write");
  oc.label = odeus_cstr("Connect");
  c.oauth_client = &oc;
  CHECK_EQ_INT(odeus_write_body(&c, buf, sizeof buf, &need), ODEUS_OK);
  CHECK_MEM(buf, need, want_escapes, sizeof want_escapes - 1);
  /* what can be wrong with a request, each with its own code */
  rq.config = &c;
  rq.base_url = "https://h/a?b";
  CHECK_EQ_INT(oa_write_request(&rq, buf, sizeof buf, &need, 0), ODEUS_ERR_BASE_URL);
  rq.base_url = NULL;
  rq.api_key = "bad key";
  CHECK_EQ_INT(oa_write_request(&rq, buf, sizeof buf, &need, 0), ODEUS_ERR_API_KEY);
  rq.api_key = NULL;
  CHECK_EQ_INT(oa_write_request(&rq, buf, sizeof buf, &need, 0), ODEUS_ERR_API_KEY);
  rq.api_key = "k";
  rq.integration_id = "not-a-uuid";
  CHECK_EQ_INT(oa_write_request(&rq, buf, sizeof buf, &need, 0), ODEUS_ERR_ID);
  rq.integration_id = "550e8400-e29b-41d4-a716-446655440000";
  c.auth_type = ODEUS_AUTH_UNSET;
  CHECK_EQ_INT(oa_write_request(&rq, buf, sizeof buf, &need, 0), ODEUS_ERR_CONFIG);
  CHECK_STR(odeus_result_text(ODEUS_ERR_ID), "integration id is not a UUID");
  CHECK_STR(odeus_result_text((odeus_result)-12345), "unknown result");
}

/* ---- the stream against the one-shot writers ---------------------------------
 * A window of the stream resumes from a mark: an item, or a byte inside a
 * string (a character's start, an escape in progress redone). The whole
 * request written at once (oa_write_request, odeus_write_body) must be the
 * bytes the stream gives through any window. Generated configs mix plain
 * runs of several lengths, escapes, UTF-8 of each width, invalid bytes,
 * bad enums and booleans, URLs good and bad: both must agree on the result
 * and on every byte. */
static unsigned long long lane_seed = 0x9E3779B97F4A7C15ull;
static unsigned lane_rand(unsigned n)
{
  lane_seed ^= lane_seed << 13;
  lane_seed ^= lane_seed >> 7;
  lane_seed ^= lane_seed << 17;
  return (unsigned)(lane_seed % n);
}

/* A random string into buf (at most 300 bytes); rarely invalid. */
static odeus_str lane_text(char *buf, int allow_bad)
{
  static const char *const atoms[] = {
    "\n", "\"", "\\", "\x01", "\x1f", "\t", "/", "\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
    "\xef\xbf\xbf", "\xc2\x80", "\xf4\x8f\xbf\xbf"
  };
  static const char *const bad[] = { "\xff", "\x80", "\xc3", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80",
                                     "\0" };
  size_t n = 0;
  odeus_str s;
  unsigned parts = lane_rand(5), k;
  for (k = 0; k < parts && n < 250; k++) {
    unsigned kind = lane_rand(10);
    if (kind < 6) {
      unsigned len = lane_rand(k == 0 ? 41 : 20), i;
      for (i = 0; i < len; i++) buf[n++] = (char)('a' + lane_rand(26));
    } else if (kind < 9 || !allow_bad || lane_rand(4)) {
      const char *a = atoms[lane_rand((unsigned)(sizeof atoms / sizeof atoms[0]))];
      size_t al = strlen(a);
      memcpy(buf + n, a, al);
      n += al;
    } else {
      unsigned b = lane_rand((unsigned)(sizeof bad / sizeof bad[0]));
      size_t bl = b == 6 ? 1 : strlen(bad[b]);
      memcpy(buf + n, bad[b], bl);
      n += bl;
    }
  }
  s.ptr = buf;
  s.len = n;
  return s;
}

static odeus_str lane_maybe(char *buf, int allow_bad)
{
  odeus_str none = { NULL, 0 };
  return lane_rand(4) ? lane_text(buf, allow_bad) : none;
}

/* Everything the stream produces for rq, through a 7-byte window. */
static odeus_result lane_reference(const odeus_request *rq, char *out, size_t *len)
{
  oa_stream st;
  odeus_result r = oa_stream_begin(&st, rq);
  size_t n;
  *len = 0;
  if (r != ODEUS_OK) return r;
  while ((n = oa_stream_next(&st, out + *len, 7)) > 0) *len += n;
  return ODEUS_OK;
}

/* Where a window of w bytes ended inside a 4-byte UTF-8 character or a
 * \u00XX escape of want (a window ending there resumes mid-character or
 * redoes the escape): counted into inside[0] and inside[1]. */
static void count_cuts(const char *want, size_t len, size_t w, unsigned long inside[2])
{
  size_t end, k;
  for (end = w; end < len; end += w)
    for (k = end > 5 ? end - 5 : 0; k < end; k++) {
      if ((unsigned char)want[k] >= 0xF0 && end - k < 4) inside[0]++;
      if (k + 3 < len && OA_SAME(want + k, "\\u00", 4) && end - k < 6) inside[1]++;
    }
}

/* rq streamed through every window of 1 to 300 bytes, each compared with
 * want (the one-shot bytes); nothing is written past a window. The number
 * of windows that differ. */
static int stream_all_windows(const odeus_request *rq, const char *want, size_t want_len,
                              unsigned long inside[2])
{
  static char got[16384 + 64];
  char window[300 + 8];
  size_t w;
  int bad = 0;
  for (w = 1; w <= 300; w++) {
    oa_stream st;
    size_t n, len = 0, i;
    int ok = oa_stream_begin(&st, rq) == ODEUS_OK && st.total == want_len;
    memset(window, 0x55, sizeof window);
    while (ok && (n = oa_stream_next(&st, window, w)) > 0) {
      if (n > w || len + n > want_len) { ok = 0; break; }
      memcpy(got + len, window, n);
      len += n;
      for (i = w; i < sizeof window; i++)
        if ((unsigned char)window[i] != 0x55) { ok = 0; break; }
    }
    if (!ok || len != want_len || memcmp(got, want, want_len) != 0) bad++;
    if (inside) count_cuts(want, want_len, w, inside);
  }
  return bad;
}

static void test_stream_matches_one_shot(void)
{
  static char text[32][320];
  static char want[16384], got[16384 + 64];
  odeus_auth_field f[4];
  odeus_oauth_client oc;
  odeus_config c;
  odeus_request rq = { NULL, "ody-example-key", "550e8400-e29b-41d4-a716-446655440000", NULL, NULL };
  int round, bad = 0, valid = 0, invalid = 0, streamed = 0;
  unsigned long inside[2] = { 0, 0 };
  rq.config = &c;
  for (round = 0; round < 4000; round++) {
    int allow_bad = lane_rand(3) == 0, t = 0;
    size_t i, nf = lane_rand(5), want_len = 0, need = 0, body_at;
    odeus_result rw, rf;
    memset(&c, 0, sizeof c);
    memset(f, 0, sizeof f);
    memset(&oc, 0, sizeof oc);
    c.auth_type = (odeus_auth_type)(allow_bad && !lane_rand(8) ? 9 : 1 + lane_rand(5));
    if (nf < 4) {
      c.fields = f;
      c.field_count = nf;
    }
    for (i = 0; i < nf && i < 4; i++) {
      f[i].slug = lane_text(text[t++], allow_bad);
      if (!allow_bad || lane_rand(4)) { /* unique, non-empty slugs */
        text[t - 1][0] = (char)('A' + i);
        if (!f[i].slug.len) f[i].slug.len = 1;
      }
      f[i].label = lane_text(text[t++], allow_bad);
      if (!f[i].label.len && (!allow_bad || lane_rand(2))) { text[t - 1][0] = 'L'; f[i].label.len = 1; }
      f[i].type = (odeus_field_type)(allow_bad && !lane_rand(8) ? 0 : 1 + lane_rand(5));
      f[i].description = lane_maybe(text[t++], allow_bad);
      f[i].placeholder = lane_maybe(text[t++], allow_bad);
      f[i].required = (odeus_bool)(allow_bad && !lane_rand(10) ? 5 : lane_rand(3));
    }
    c.auth_test_code = lane_maybe(text[t++], allow_bad);
    if (lane_rand(3) == 0) {
      static const char *const urls[] = { "https://auth.example.com/o/authorize?x=1", "http://h",
                                          "ftp://h/x", "https://", "https://a b" };
      oc.scopes = lane_maybe(text[t++], allow_bad);
      oc.auth_url = odeus_cstr(urls[lane_rand(allow_bad ? 5 : 2)]);
      oc.token_url = lane_rand(2) ? odeus_cstr(urls[lane_rand(2)]) : oc.token_url;
      oc.client_id = lane_maybe(text[t++], allow_bad);
      oc.client_secret = lane_maybe(text[t++], allow_bad);
      oc.label = lane_maybe(text[t++], allow_bad);
      oc.refresh_token_code = lane_maybe(text[t++], allow_bad);
      c.oauth_client = &oc;
    }
    rf = lane_reference(&rq, want, &want_len);
    memset(got, 0xAA, sizeof got);
    rw = oa_write_request(&rq, got, want_len + 64, &need, 0);
    if (rw != rf) bad++;
    if ((odeus_validate_config(&c, NULL) == ODEUS_OK) != (rf == ODEUS_OK)) bad++;
    if (rf != ODEUS_OK) { invalid++; continue; }
    valid++;
    if (need != want_len || memcmp(got, want, want_len) != 0) bad++;
    if ((unsigned char)got[want_len + 64] != 0xAA) bad++;
    /* the body writer, from the same reference */
    body_at = 0; /* after the head's empty line */
    for (i = 0; i + 4 <= want_len && !body_at; i++)
      if (memcmp(want + i, "\r\n\r\n", 4) == 0) body_at = i + 4;
    if (!body_at) bad++;
    memset(got, 0xAA, sizeof got);
    if (odeus_write_body(&c, got, want_len - body_at + 64, &need) != ODEUS_OK) bad++;
    if (need != want_len - body_at || memcmp(got, want + body_at, need) != 0) bad++;
    /* every window of 1 to 300 bytes, for some of the configs */
    if (valid % 16 == 1) {
      bad += stream_all_windows(&rq, want, want_len, inside);
      streamed++;
    }
    /* capacities around the size: exact results and prefixes, nothing past cap */
    if (round % 16 == 0) {
      size_t cap;
      for (cap = want_len > 24 ? want_len - 24 : 0; cap <= want_len + 80; cap++) {
        memset(got, 0xAA, sizeof got);
        rw = oa_write_request(&rq, cap ? got : NULL, cap, &need, 0);
        if (rw != (cap < want_len ? ODEUS_ERR_BUFFER_TOO_SMALL : ODEUS_OK) || need != want_len) bad++;
        if (memcmp(got, want, OA_MIN(cap, want_len)) != 0) bad++;
        if ((unsigned char)got[cap] != 0xAA) bad++;
      }
    }
  }
  CHECK_EQ_INT(bad, 0);
  /* the generator reaches both sides of every rule often */
  CHECK(valid > 1000);
  CHECK(invalid > 200);
  /* and windows that end inside a 4-byte character and inside an escape */
  CHECK(streamed > 100);
  CHECK(inside[0] > 500);
  CHECK(inside[1] > 500);
}

/* Every member's key prefix: ,"name": and, when its value is a JSON
 * string (a string, a URL, an enum), the opening quote; without the comma
 * for the first member of an object. */
static void test_key_prefixes(void)
{
  static const struct { const oa_member *t; size_t n; } tables[] = {
    { oa_root_members, OA_COUNT(oa_root_members) },
    { oa_field_members, OA_COUNT(oa_field_members) },
    { oa_oauth_members, OA_COUNT(oa_oauth_members) }
  };
  size_t i, j;
  int first;
  for (i = 0; i < OA_COUNT(tables); i++) {
    for (j = 0; j < tables[i].n; j++) {
      const oa_member *m = &tables[i].t[j];
      int string = m->kind == OA_KIND_STRING || m->kind == OA_KIND_URL || m->kind == OA_KIND_AUTH_TYPE ||
                   m->kind == OA_KIND_FIELD_TYPE;
      for (first = 0; first <= 1; first++) {
        char want[64], got[64];
        oa_sink s;
        oa_walk w;
        int n = snprintf(want, sizeof want, "%s\"%.*s\":%s", first ? "" : ",", (int)m->name_len, m->name,
                         string ? "\"" : "");
        oa_sink_init(&s, got, sizeof got);
        memset(&w, 0, sizeof w);
        w.s = &s;
        w.at.obj = OA_OBJ_FIELD;
        w.at.set = first ? 0 : OA_SET_MEMBER;
        oa_walk_key(&w, m);
        CHECK_MEM(got, s.len, want, (size_t)n);
      }
    }
  }
}

/* The plain-byte table and scan against their definition: printable ASCII
 * (0x20..0x7f) but '"' and '\\' is plain; every other byte is not, and each
 * byte below 0x80 that is not plain names its escape. A string measured by a sink that
 * only counts is as long as it is when written, for every byte. */
/* The sink's one output path: a put lands what it holds of the window [skip, skip + cap), wherever it
 * starts and however long it is (empty at either edge too), as puts of a byte at a time would: its
 * test that a put lies within the window takes its start past skip and its end within skip + cap. */
static void test_sink_edges(void)
{
  static const char text[] = "0123456789abcdef";
  size_t skip, cap, from, n, k;
  int bad = 0;
  for (skip = 0; skip < 6; skip++)
    for (cap = 1; cap < 6; cap++)
      for (from = 0; from < 12; from++)
        for (n = 0; from + n <= 16; n++) {
          char a[8], b[8];
          oa_sink s, t;
          memset(a, '.', sizeof a);
          memset(b, '.', sizeof b);
          oa_sink_init(&s, a, cap);
          oa_sink_init(&t, b, cap);
          s.skip = t.skip = skip;
          s.len = t.len = from;
          oa_put(&s, text + from, n);
          for (k = 0; k < n; k++) oa_putc(&t, text[from + k]);
          if (memcmp(a, b, sizeof a) != 0 || s.len != from + n || t.len != s.len) bad++;
        }
  CHECK_EQ_INT(bad, 0);
}

static void test_plain_bytes(void)
{
  static const char letters[] = "uuuuuuuubtnufruuuuuuuuuuuuuuuuuu";
  char out[16], in[3];
  unsigned char span[19];
  size_t n, k;
  unsigned c;
  int bad = 0;
  for (c = 0; c < 256; c++) {
    int plain = c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
    oa_sink count, write;
    size_t units, at;
    const unsigned char *u = (const unsigned char *)in + 1;
    in[1] = (char)c;
    if ((OA_SPANS(c, OA_PLAIN) != 0) != plain || (oa_span(u, u + 1, OA_PLAIN) == u + 1) != plain) bad++;
    /* a control byte's letter ('u': none, \u00XX), and the reader's way back */
    if (c < 0x20 && oa_escape_pair(c, 1) != (letters[c] == 'u' ? 0u : (unsigned char)letters[c])) bad++;
    if (c < 0x20 && letters[c] != 'u' && oa_escape_pair((unsigned char)letters[c], 0) != c) bad++;
    if ((c == '"' || c == '\\') && (oa_escape_pair(c, 1) != c || oa_escape_pair(c, 0) != c)) bad++;
    in[0] = 'a';
    in[1] = (char)c;
    in[2] = 'z';
    oa_sink_init(&count, NULL, 0);
    oa_sink_init(&write, out, sizeof out);
    at = 0;
    (void)oa_string_pass(&count, in, 3, &units, &at, NULL, 0);
    at = 0;
    (void)oa_string_pass(&write, in, 3, &units, &at, NULL, 0);
    if (count.len != write.len) bad++;
  }
  /* the scan at every length (each remainder of four, so each way its last bytes are read) and with
   * each of its bytes in turn not plain: it stops there, and at end otherwise, even with a byte not
   * plain just past end (the span starting at the buffer, its bytes beyond it untouched) or none
   * (the span ending at the buffer's end, where a read past it is out of bounds) */
  for (n = 0; n <= sizeof span; n++)
    for (k = 0; k <= n; k++)
      for (c = 0; c < 2; c++) {
        unsigned char *u = span + (c ? sizeof span - n : 0);
        memset(span, '"', sizeof span);
        memset(u, 'a', n);
        if (k < n) u[k] = (unsigned char)(k & 1 ? 0x80 : '\\');
        if (oa_span(u, u + n, OA_PLAIN) != u + k) bad++;
      }
  CHECK_EQ_INT(bad, 0);
}

int main(void)
{
  test_items_under_mark_reach();
  test_golden();
  test_key_prefixes();
  test_plain_bytes();
  test_sink_edges();
  test_redacted();
  test_capacities();
  test_streaming();
  test_stream_key_cut_before_wide_character();
  test_body_to_failures();
  test_lengths();
  test_utf8();
  test_rules();
  test_all_problems();
  test_display_text();
  test_ids_keys_urls();
  test_request_variants();
  test_stream_matches_one_shot();
  return TEST_END();
}

/* A request body given as JSON -> the request model: zero copy, every
 * problem with its path, and a round trip through the writer. */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "test.h"

static odeus_auth_field fields[8];
static odeus_oauth_client oauth;
static char strings[4096];
static odeus_config_storage storage;
static odeus_problem items[16];
static odeus_problems probs;
static odeus_config cfg;
static char line[256];

/* Fresh storage and problems for the next parse. */
static void parse_setup(void)
{
  storage.fields = fields;
  storage.field_capacity = 8;
  storage.oauth_client = &oauth;
  storage.strings = strings;
  storage.strings_capacity = sizeof strings;
  probs.items = items;
  probs.capacity = 16;
  probs.count = 0;
}

static odeus_result parse(const char *json)
{
  parse_setup();
  return odeus_parse_config(json, strlen(json), &cfg, &storage, &probs);
}

/* All problems of a body, one per line, as the tool prints them. */
static const char *problems_of(const char *json)
{
  static char all[2048];
  size_t i, n = 0;
  all[0] = '\0';
  if (parse(json) == ODEUS_OK) return "OK";
  for (i = 0; i < probs.count && i < probs.capacity; i++) {
    n += odeus_problem_format(&items[i], all + n, sizeof all - n);
    if (n + 1 < sizeof all) all[n++] = '\n';
    all[n] = '\0';
  }
  return all;
}

static int str_is(odeus_str s, const char *want)
{
  return s.ptr && s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

static void test_example(void)
{
  static const char json[] =
    "{\n"
    "  \"authType\": \"API_KEY\",\n"
    "  \"authFields\": [\n"
    "    { \"slug\": \"api_key\", \"label\": \"API Key\", \"type\": \"PASSWORD\",\n"
    "      \"description\": \"Found under Settings > API\", \"placeholder\": \"sk-...\", \"required\": true },\n"
    "    { \"slug\": \"base_url\", \"label\": \"Base URL\", \"type\": \"TEXT\",\n"
    "      \"description\": \"Your account's API base URL\", \"placeholder\": \"https://api.example.com\",\n"
    "      \"required\": false }\n"
    "  ],\n"
    "  \"authTestCode\": \"const response = await fetch(secrets.base_url + '/me', {\\n  headers: { 'Authorization': 'Bearer ' + secrets.api_key }\\n});\\nif (!response.ok) throw new Error('Invalid key');\"\n"
    "}\n";
  CHECK_EQ_INT(parse(json), ODEUS_OK);
  CHECK_EQ_INT(probs.count, 0);
  CHECK_EQ_INT(cfg.auth_type, ODEUS_AUTH_API_KEY);
  CHECK(cfg.fields == fields);
  CHECK_EQ_INT(cfg.field_count, 2);
  CHECK(str_is(fields[0].slug, "api_key"));
  CHECK(fields[0].slug.ptr > json && fields[0].slug.ptr < json + sizeof json); /* zero copy */
  CHECK(str_is(fields[0].label, "API Key"));
  CHECK_EQ_INT(fields[0].type, ODEUS_FIELD_PASSWORD);
  CHECK(str_is(fields[0].description, "Found under Settings > API"));
  CHECK(str_is(fields[0].placeholder, "sk-..."));
  CHECK_EQ_INT(fields[0].required, ODEUS_BOOL_TRUE);
  CHECK(str_is(fields[1].slug, "base_url"));
  CHECK_EQ_INT(fields[1].type, ODEUS_FIELD_TEXT);
  CHECK_EQ_INT(fields[1].required, ODEUS_BOOL_FALSE);
  CHECK(str_is(cfg.auth_test_code, "const response = await fetch(secrets.base_url + '/me', {\n"
                                   "  headers: { 'Authorization': 'Bearer ' + secrets.api_key }\n"
                                   "});\nif (!response.ok) throw new Error('Invalid key');"));
  CHECK(cfg.auth_test_code.ptr >= strings && cfg.auth_test_code.ptr < strings + sizeof strings); /* decoded */
  CHECK(cfg.oauth_client == NULL);
}

static void test_shapes(void)
{
  /* omitted vs empty authFields */
  CHECK_STR(problems_of("{\"authType\":\"NONE\"}"), "OK");
  CHECK(cfg.fields == NULL);
  CHECK_STR(problems_of("{\"authType\":\"NONE\",\"authFields\":[]}"), "OK");
  CHECK(cfg.fields != NULL);
  CHECK_EQ_INT(cfg.field_count, 0);
  CHECK_STR(problems_of("{\"authType\":\"OAUTH_DCR\",\"oauthClient\":{\"scopes\":\"a b\",\"clientSecret\":\"\\u0073ecret\"}}"), "OK");
  CHECK(cfg.oauth_client == &oauth);
  CHECK(str_is(oauth.scopes, "a b"));
  CHECK(str_is(oauth.client_secret, "secret"));
  CHECK_STR(problems_of("{\"authType\":\"OAUTH\",\"oauthClient\":{}}"), "OK");
  /* escapes decoded into storage: surrogate pair to UTF-8 counts 2 */
  CHECK_STR(problems_of("{\"authType\":\"NONE\",\"authTestCode\":\"\\ud83d\\ude00\\u00e9\\\"\"}"), "OK");
  CHECK(str_is(cfg.auth_test_code, "\xf0\x9f\x98\x80\xc3\xa9\""));
}

/* The problems of a body read in two pieces split at cut. */
static const char *problems_split(const char *json, size_t cut)
{
  static char all[2048];
  size_t i, n = 0;
  all[0] = '\0';
  parse_setup();
  if (oa_cfg_parse(json, strlen(json), cut, &cfg, &storage, &probs) == ODEUS_OK) return "OK";
  for (i = 0; i < probs.count && i < probs.capacity; i++) {
    n += odeus_problem_format(&items[i], all + n, sizeof all - n);
    if (n + 1 < sizeof all) all[n++] = '\n';
    all[n] = '\0';
  }
  return all;
}

/* A value of the wrong type that is also broken JSON: both are causes to
 * fix, so both are reported, in the order they are met (the type at the
 * value's start), whole and in every split. A broken literal is not a
 * value of any type yet: the JSON error alone. */
static void test_broken_values(void)
{
  static const struct { const char *json, *lines; } cases[] = {
    { "\"ab", "(body): expected an object\n(body): JSON text ends early at byte 3\n" },
    { "\"", "(body): expected an object\n(body): JSON text ends early at byte 1\n" },
    { "\"a\x01\"", "(body): expected an object\n(body): control character in JSON string at byte 2\n" },
    { "\"\x01\"", "(body): expected an object\n(body): control character in JSON string at byte 1\n" },
    { "\"\\q\"", "(body): expected an object\n(body): invalid JSON escape at byte 2\n" },
    { "\"a\\q\"", "(body): expected an object\n(body): invalid JSON escape at byte 3\n" },
    { "\"\xff\"", "(body): expected an object\n(body): invalid UTF-8 in JSON at byte 1\n" },
    { "1x", "(body): expected an object\n(body): invalid JSON number at byte 1\n" },
    { "01", "(body): expected an object\n(body): invalid JSON number at byte 1\n" },
    { "-", "(body): expected an object\n(body): invalid JSON number at byte 1\n" },
    { "tru", "(body): JSON text ends early at byte 3\n" },
    { "{\"authFields\":\"ab", "authFields: expected an array\n(body): JSON text ends early at byte 17\n" },
    { "{\"authType\":1x}", "authType: expected a string\n(body): invalid JSON number at byte 13\n" },
    { "{\"authType\":\"NONE\",\"authFields\":[\"\\q\"]}",
      "authFields[0]: expected an object\n(body): invalid JSON escape at byte 35\n" },
    { "{\"authType\":\"NONE\",\"authTestCode\":12.}",
      "authTestCode: expected a string\n(body): invalid JSON number at byte 37\n" },
    { "{\"authType\":\"NONE\",\"oauthClient\":\"\\u12x\"}",
      "oauthClient: expected an object\n(body): invalid JSON escape at byte 38\n" },
    /* of the right type, or under a key not read: the JSON error alone */
    { "{\"authType\":\"x\\q\"}", "(body): invalid JSON escape at byte 15\n" },
    { "{\"zz\":\"\\q\"}", "zz: unknown key\n(body): invalid JSON escape at byte 8\n" },
    { "{\"authType\":\"NONE\",\"authTestCode\":tru}", "(body): invalid JSON at byte 37\n" }
  };
  size_t i, cut;
  for (i = 0; i < OA_COUNT(cases); i++) {
    CHECK_STR(problems_of(cases[i].json), cases[i].lines);
    for (cut = 0; cut <= strlen(cases[i].json); cut++) CHECK_STR(problems_split(cases[i].json, cut), cases[i].lines);
  }
}

static void test_problems(void)
{
  CHECK_STR(problems_of("{}"), "authType: required\n");
  CHECK_STR(problems_of("[]"), "(body): expected an object\n");
  CHECK_STR(problems_of("\"x\""), "(body): expected an object\n");
  CHECK_STR(problems_of("{\"authType\":\"NONE\",\"foo\":1,\"authType\":\"NONE\"}"),
            "foo: unknown key\nauthType: duplicate key\n");
  CHECK_STR(problems_of("{\"authType\":\"BASIC\"}"),
            "authType: \"BASIC\" is not one of NONE, API_KEY, SERVICE_ACCOUNT, OAUTH, OAUTH_DCR\n");
  CHECK_STR(problems_of("{\"authType\":null}"), "authType: null is not accepted (omit the key)\n");
  CHECK_STR(problems_of("{\"authType\":\"NONE\",\"authTestCode\":null}"),
            "authTestCode: null is not accepted (omit the key)\n");
  CHECK_STR(problems_of("{\"authType\":7}"), "authType: expected a string\n");
  /* null where no key could be omitted: the body, an element */
  CHECK_STR(problems_of("null"), "(body): expected an object, not null\n");
  CHECK_STR(problems_of(" null "), "(body): expected an object, not null\n");
  /* a value nested past the reader's depth is one fault, at its path */
  {
    static char deep[3 * ODEUS_JSON_MAX_DEPTH + 200];
    size_t n = 0, i;
    n += (size_t)sprintf(deep + n, "{\"authType\":\"NONE\",\"authTestCode\":");
    for (i = 0; i <= ODEUS_JSON_MAX_DEPTH; i++) deep[n++] = '[';
    for (i = 0; i <= ODEUS_JSON_MAX_DEPTH; i++) deep[n++] = ']';
    strcpy(deep + n, "}");
    CHECK_STR(problems_of(deep), "authTestCode: expected a string\n");
    memcpy(deep + 19, "\"zz\":          ", 15); /* an unknown key's value */
    CHECK_STR(problems_of(deep), "zz: unknown key\n");
    CHECK_STR(problems_of(deep + n - 2 * ODEUS_JSON_MAX_DEPTH - 2), "(body): expected an object\n");
    /* a syntax error inside such a value is another fault */
    CHECK_STR(problems_of("{\"authType\":\"NONE\",\"zz\":[1,]}"),
              "zz: unknown key\n(body): invalid JSON at byte 27\n");
  }
  /* lengths say what they count */
  {
    static char emoji[4 * 1000 + 100];
    size_t n = 0, i;
    n += (size_t)sprintf(emoji + n, "{\"authType\":\"NONE\",\"authTestCode\":\"");
    for (i = 0; i < 1000; i++) { memcpy(emoji + n, "\xf0\x9f\x98\x80", 4); n += 4; }
    strcpy(emoji + n, "\"}");
    CHECK_STR(problems_of(emoji), "authTestCode: 2000 UTF-16 units (1000 characters), max 1000\n");
    n = (size_t)sprintf(emoji, "{\"authType\":\"NONE\",\"authTestCode\":\"");
    for (i = 0; i < 1001; i++) emoji[n++] = 'x';
    strcpy(emoji + n, "\"}");
    CHECK_STR(problems_of(emoji), "authTestCode: 1001 characters, max 1000\n");
  }
  /* what a line quotes is safe to show as it is: a key or value as the
   * JSON spells it (escapes kept, not doubled), a slug JSON-escaped; what
   * steers a terminal escaped */
  CHECK_STR(problems_of("{\"authType\":\"NONE\",\"a\\nb\\\\c\\u0041\":1}"), "a\\nb\\\\c\\u0041: unknown key\n");
  CHECK_STR(problems_of("{\"authType\":\"NONE\",\"x\xe2\x80\xaey\xc2\x85\x7f\":1}"),
            "x\\u202ey\\u0085\\x7f: unknown key\n");
  CHECK_STR(problems_of("{\"authType\":\"NO\xe2\x80\x8fNE\"}"),
            "authType: \"NO\\u200fNE\" is not one of NONE, API_KEY, SERVICE_ACCOUNT, OAUTH, OAUTH_DCR\n");
  CHECK_STR(problems_of("{\"authType\":\"API_KEY\",\"authFields\":["
                        "{\"slug\":\"a\\\\b\\\"\\n\xe2\x80\xae\",\"label\":\"l\",\"type\":\"TEXT\"},"
                        "{\"slug\":\"a\\\\b\\\"\\n\xe2\x80\xae\",\"label\":\"l\",\"type\":\"TEXT\"}]}"),
            "authFields[1].slug: duplicate slug \"a\\\\b\\\"\\n\\u202e\"\n");
  /* a value of the wrong type is skipped whole: strings inside it reach no member */
  CHECK_STR(problems_of("{\"authType\":\"API_KEY\",\"authTestCode\":[\"x\",{\"k\":\"y\"}],\"authFields\":["
                        "{\"slug\":{\"a\":\"b\"},\"label\":\"L\",\"type\":\"TEXT\"},"
                        "{\"slug\":\"s\",\"label\":[\"M\"],\"type\":\"TEXT\"}]}"),
            "authTestCode: expected a string\n"
            "authFields[0].slug: expected a string\n"
            "authFields[1].label: expected a string\n");
  CHECK(cfg.auth_test_code.ptr == NULL && cfg.field_count == 2 && cfg.fields[0].slug.ptr == NULL &&
        str_is(cfg.fields[0].label, "L") && str_is(cfg.fields[1].slug, "s") && cfg.fields[1].label.ptr == NULL);
  CHECK_STR(problems_of("{\"authType\":\"NONE\",\"authFields\":{}}"), "authFields: expected an array\n");
  CHECK_STR(problems_of("{\"authType\":\"NONE\",\"authFields\":[1,null,[],{\"slug\":\"a\",\"label\":\"b\",\"type\":\"TEXT\",\"id\":\"x\"}]}"),
            "authFields[0]: expected an object\n"
            "authFields[1]: expected an object, not null\n"
            "authFields[2]: expected an object\n"
            "authFields[3].id: unknown key\n");
  CHECK_STR(problems_of("{\"authType\":\"API_KEY\",\"authFields\":[{\"slug\":\"k\",\"label\":\"K\",\"type\":\"TEXT\",\"required\":\"yes\"},"
                        "{\"slug\":\"k\",\"label\":\"\",\"type\":\"SECRET\",\"placeholder\":null}]}"),
            "authFields[0].required: expected a boolean\n"
            "authFields[1].label: empty, min 1 character\n"
            "authFields[1].type: \"SECRET\" is not one of TEXT, MULTI_LINE_TEXT, PASSWORD, NUMBER, EMBEDDING_MODEL\n"
            "authFields[1].placeholder: null is not accepted (omit the key)\n"
            "authFields[1].slug: duplicate slug \"k\"\n");
  CHECK_STR(problems_of("{\"authFields\":[{\"label\":\"x\"}],\"oauthClient\":{\"authUrl\":\"nope\",\"x\":[1,{\"y\":2}],\"label\":true},\"authType\":\"API_KEY\"}"),
            "authFields[0].slug: required\n"
            "authFields[0].type: required\n"
            "oauthClient.authUrl: not an absolute URL: it must start with https:// or http://\n"
            "oauthClient.x: unknown key\n"
            "oauthClient.label: expected a string\n"
            "oauthClient: only allowed when authType is OAUTH or OAUTH_DCR\n");
  CHECK_STR(problems_of("{\"authType\":\"NONE\",\"authTestCode\":\"a\\u0000b\"}"), "authTestCode: U+0000 at byte 1\n");
  /* a lone surrogate escape has no UTF-8 form: refused in a request body,
   * at the string's path, and the rest of the body is still checked */
  CHECK_STR(problems_of("{\"authType\":\"NONE\",\"authTestCode\":\"a\\ud800b\"}"),
            "authTestCode: \\u escape of a lone surrogate (it has no UTF-8 form)\n");
  CHECK_STR(problems_of("{\"authType\":\"NONE\",\"authTestCode\":\"\\udc00\"}"),
            "authTestCode: \\u escape of a lone surrogate (it has no UTF-8 form)\n");
  CHECK_STR(problems_of("{\"authType\":\"bad\",\"authTestCode\":\"\\uD800\",\"zz\":1}"),
            "authType: \"bad\" is not one of NONE, API_KEY, SERVICE_ACCOUNT, OAUTH, OAUTH_DCR\n"
            "authTestCode: \\u escape of a lone surrogate (it has no UTF-8 form)\n"
            "zz: unknown key\n");
  /* a high one before another high one, or before a plain character; in a
   * field and in oauthClient; a U+FFFD written as such is a character */
  CHECK_STR(problems_of("{\"authType\":\"OAUTH\",\"authFields\":[{\"slug\":\"\\ud800\\ud800\",\"label\":\"x\","
                        "\"type\":\"TEXT\"}],\"oauthClient\":{\"clientSecret\":\"\\uD83Dx\",\"label\":\"\\ufffd\\u00e9\"}}"),
            "authFields[0].slug: \\u escape of a lone surrogate (it has no UTF-8 form)\n"
            "oauthClient.clientSecret: \\u escape of a lone surrogate (it has no UTF-8 form)\n");
  /* an enum value or a key holding one names nothing */
  CHECK_STR(problems_of("{\"authType\":\"NONE\\ud800\",\"k\\udc00\":1}"),
            "authType: \"NONE\\ud800\" is not one of NONE, API_KEY, SERVICE_ACCOUNT, OAUTH, OAUTH_DCR\n"
            "k\\udc00: unknown key\n");
  CHECK_STR(problems_of("{\"authType\":\"NONE\",\"authTestCode\":\"\\ud83d\\ude00\"}"), "OK");
  /* escaped keys and enum values are decoded before they are matched */
  CHECK_STR(problems_of("{\"auth\\u0054ype\":\"NO\\u004eE\"}"), "OK");
  CHECK_EQ_INT(cfg.auth_type, ODEUS_AUTH_NONE);
  /* JSON errors carry the byte offset */
  CHECK_STR(problems_of("{\"authType\":\"NONE\",}"), "(body): invalid JSON at byte 19\n");
  /* the reader's result is the problem's cause, not a number in limit */
  CHECK_EQ_INT(parse("{\"authType\":\"N\\q\"}"), ODEUS_ERR_CONFIG);
  CHECK_EQ_INT(items[0].rule, ODEUS_RULE_JSON);
  CHECK_EQ_INT(items[0].cause, ODEUS_ERR_JSON_ESCAPE);
  CHECK_EQ_INT(items[0].limit, 0);
  CHECK_EQ_INT(probs.count, 1);
  /* every member of a stored problem is written: storage full of junk
   * formats as a config's problem (in_answer 0, no cause) */
  memset(items, 0xA5, sizeof items);
  CHECK_STR(problems_of("{\"authType\":\"NONE\",\"colour\":\"red\"}"), "colour: unknown key\n");
  CHECK_EQ_INT(items[0].in_answer, 0);
  CHECK_EQ_INT(items[0].cause, ODEUS_OK);
  CHECK_STR(problems_of("{\"authType\":\"NONE\""), "(body): JSON text ends early at byte 18\n");
  CHECK_STR(problems_of(""), "(body): JSON text ends early at byte 0\n");
  /* more fields than the storage holds */
  {
    odeus_auth_field two[2];
    odeus_config c;
    odeus_config_storage st;
    static const char json[] = "{\"authType\":\"NONE\",\"authFields\":[{},{},{\"slug\":1}]}";
    memset(&st, 0, sizeof st);
    st.fields = two;
    st.field_capacity = 2;
    probs.count = 0;
    CHECK_EQ_INT(odeus_parse_config(json, strlen(json), &c, &st, &probs), ODEUS_ERR_CONFIG);
    CHECK_EQ_INT(probs.count, 7);
    odeus_problem_format(&items[6], line, sizeof line);
    CHECK_STR(line, "authFields[2]: more than the storage holds (2)");
  }
}

/* ---- round trip: generated configs, written and parsed back, are equal ---- */
static uint32_t rng = 12345;
static uint32_t next(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static char pool[1 << 16];
static size_t pool_used;

static odeus_str gen_string(size_t max_units, int nonempty)
{
  static const char *const pieces[] = { "a", "Z", "0", " ", "\"", "\\", "\n", "\t", "\x01", "\x1f", "/",
                                        "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x7f", "<", "'" };
  odeus_str s;
  size_t n = (next() % (max_units < 12 ? max_units : 12)) + (nonempty ? 1 : 0), i, units = 0;
  s.ptr = pool + pool_used;
  s.len = 0;
  for (i = 0; i < n; i++) {
    const char *p = pieces[next() % OA_COUNT(pieces)];
    size_t k = strlen(p), u = k == 4 ? 2 : 1;
    if (units + u > max_units) break;
    memcpy(pool + pool_used, p, k);
    pool_used += k;
    s.len += k;
    units += u;
  }
  if (nonempty && s.len == 0) { pool[pool_used++] = 'x'; s.len = 1; }
  return s;
}

static void gen_config(odeus_config *c, odeus_auth_field *f, odeus_oauth_client *oc)
{
  size_t i, n;
  memset(c, 0, sizeof *c);
  c->auth_type = (odeus_auth_type)(1 + next() % 5);
  if (next() % 4) {
    n = next() % 5;
    for (i = 0; i < n; i++) {
      memset(&f[i], 0, sizeof f[i]);
      f[i].slug = gen_string(100, 1);
      /* unique slugs: a numbered suffix */
      pool[pool_used++] = (char)('a' + i);
      f[i].slug.len++;
      f[i].label = gen_string(100, 1);
      f[i].type = (odeus_field_type)(1 + next() % 5);
      if (next() % 2) f[i].description = gen_string(500, 0);
      if (next() % 2) f[i].placeholder = gen_string(200, 0);
      if (next() % 3) f[i].required = next() % 2 ? ODEUS_BOOL_TRUE : ODEUS_BOOL_FALSE;
    }
    c->fields = f;
    c->field_count = n;
  }
  if (next() % 2) c->auth_test_code = gen_string(1000, 0);
  if (c->auth_type >= ODEUS_AUTH_OAUTH && next() % 2) {
    memset(oc, 0, sizeof *oc);
    if (next() % 2) oc->scopes = gen_string(2000, 0);
    if (next() % 2) oc->auth_url = odeus_cstr("https://idp.example.com/authorize?a=1");
    if (next() % 2) oc->token_url = odeus_cstr("http://[::1]:8080/token");
    if (next() % 2) oc->client_id = gen_string(500, 0);
    if (next() % 2) oc->client_secret = gen_string(500, 0);
    if (next() % 2) oc->label = gen_string(100, 0);
    if (next() % 2) oc->authorization_code = gen_string(1000, 0);
    if (next() % 2) oc->access_token_code = gen_string(1000, 0);
    if (next() % 2) oc->refresh_token_code = gen_string(1000, 0);
    c->oauth_client = oc;
  }
}

static int same_str(odeus_str a, odeus_str b)
{
  if (!a.ptr || !b.ptr) return !a.ptr && !b.ptr;
  return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

static int same_config(const odeus_config *a, const odeus_config *b)
{
  size_t i;
  if (a->auth_type != b->auth_type || !same_str(a->auth_test_code, b->auth_test_code)) return 0;
  if (!a->fields != !b->fields || a->field_count != b->field_count) return 0;
  for (i = 0; i < a->field_count; i++) {
    const odeus_auth_field *x = &a->fields[i], *y = &b->fields[i];
    if (!same_str(x->slug, y->slug) || !same_str(x->label, y->label) || x->type != y->type ||
        !same_str(x->description, y->description) || !same_str(x->placeholder, y->placeholder) ||
        x->required != y->required)
      return 0;
  }
  if (!a->oauth_client != !b->oauth_client) return 0;
  if (a->oauth_client) {
    const odeus_oauth_client *x = a->oauth_client, *y = b->oauth_client;
    if (!same_str(x->scopes, y->scopes) || !same_str(x->auth_url, y->auth_url) ||
        !same_str(x->token_url, y->token_url) || !same_str(x->client_id, y->client_id) ||
        !same_str(x->client_secret, y->client_secret) || !same_str(x->label, y->label) ||
        !same_str(x->authorization_code, y->authorization_code) ||
        !same_str(x->access_token_code, y->access_token_code) ||
        !same_str(x->refresh_token_code, y->refresh_token_code))
      return 0;
  }
  return 1;
}

/* Storage that runs out: each shortage is a problem with its path. */
static void test_storage(void)
{
  static const char json[] = "{\"authType\":\"OAUTH\",\"authTestCode\":\"a\\nb\","
                             "\"oauthClient\":{\"label\":\"x\"}}";
  char small[2];
  odeus_config c;
  odeus_config_storage st;
  memset(&st, 0, sizeof st);
  st.strings = small;
  st.strings_capacity = sizeof small;
  probs.count = 0;
  CHECK_EQ_INT(odeus_parse_config(json, strlen(json), &c, &st, &probs), ODEUS_ERR_CONFIG);
  CHECK_EQ_INT(probs.count, 2);
  odeus_problem_format(&items[0], line, sizeof line);
  CHECK_STR(line, "authTestCode: more than the storage holds (2)");
  odeus_problem_format(&items[1], line, sizeof line);
  CHECK_STR(line, "oauthClient: more than the storage holds (0)");
}

static void test_round_trip(void)
{
  static char body[1 << 16];
  static char decoded[1 << 16];
  odeus_auth_field gf[5], pf[5];
  odeus_oauth_client goc, poc;
  odeus_config g, back;
  odeus_config_storage st;
  int i, invalid = 0, written = 0, parsed = 0, equal = 0;
  for (i = 0; i < 3000; i++) {
    size_t need = 0;
    pool_used = 0;
    gen_config(&g, gf, &goc);
    if (odeus_validate_config(&g, NULL) != ODEUS_OK) { invalid++; continue; }
    if (odeus_write_body(&g, body, sizeof body, &need) != ODEUS_OK) continue;
    written++;
    memset(&st, 0, sizeof st);
    st.fields = pf;
    st.field_capacity = 5;
    st.oauth_client = &poc;
    st.strings = decoded;
    st.strings_capacity = sizeof decoded;
    if (odeus_parse_config(body, need, &back, &st, NULL) != ODEUS_OK) continue;
    parsed++;
    equal += same_config(&g, &back);
  }
  CHECK_EQ_INT(invalid, 0);
  CHECK_EQ_INT(written, 3000);
  CHECK_EQ_INT(parsed, 3000);
  CHECK_EQ_INT(equal, 3000);
}

int main(void)
{
  test_example();
  test_shapes();
  test_problems();
  test_broken_values();
  test_storage();
  test_round_trip();
  return TEST_END();
}

/* The answer: the 200 answer mapped into caller storage (any split of the
 * body, unknown keys and enums, wrong types, missing and repeated members,
 * storage of every size), the message of error answers, writing the answer
 * back as JSON, and a whole HTTP response through the real parser. Every
 * expectation is written from the Odeus API reference and the documented
 * rules. */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "test.h"

/* The documentation's example: the body the server answers, and its
 * values decoded. */
static const char example_body[] =
  "{\"integration\":{\"id\":\"550e8400-e29b-41d4-a716-446655440000\",\"authType\":\"API_KEY\","
  "\"authTestCode\":\"const response = await fetch(secrets.base_url + '/me', {\\n  headers: "
  "{ 'Authorization': 'Bearer ' + secrets.api_key }\\n});\\nif (!response.ok) throw new Error('Invalid key');\","
  "\"authFields\":[{\"id\":\"f1a6c2de-2b1e-4c57-9d0a-0b8a4f1e2a11\",\"slug\":\"api_key\",\"label\":\"API Key\","
  "\"type\":\"PASSWORD\",\"description\":\"Found under Settings > API\",\"placeholder\":\"sk-...\",\"required\":true},"
  "{\"id\":\"0c9e2f43-7d5b-4a8e-b1c6-3e2d9f8a7b22\",\"slug\":\"base_url\",\"label\":\"Base URL\",\"type\":\"TEXT\","
  "\"description\":\"Your account's API base URL\",\"placeholder\":\"https://api.example.com\",\"required\":false}],"
  "\"oauthClient\":null}}";

#define EX_ID "550e8400-e29b-41d4-a716-446655440000"
#define EX_CODE "const response = await fetch(secrets.base_url + '/me', {\n  headers: " \
  "{ 'Authorization': 'Bearer ' + secrets.api_key }\n});\nif (!response.ok) throw new Error('Invalid key');"

/* The example's strings in document order: the storage they take. */
static const char *const example_strings[] = {
  EX_ID, "API_KEY", EX_CODE,
  "api_key", "API Key", "PASSWORD", "Found under Settings > API", "sk-...",
  "base_url", "Base URL", "TEXT", "Your account's API base URL", "https://api.example.com"
};
#define EXAMPLE_STRINGS (sizeof example_strings / sizeof example_strings[0])

static size_t example_needed(void)
{
  size_t i, n = 0;
  for (i = 0; i < EXAMPLE_STRINGS; i++) n += strlen(example_strings[i]) + 1;
  return n;
}

/* ---- helpers ---- */

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;
static unsigned rng(void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (unsigned)(rng_state >> 32);
}

enum { SPLIT_WHOLE, SPLIT_BYTES, SPLIT_RANDOM };

#define GUARD 16
static odeus_answer_field fields[8];
static char storage[4096 + GUARD];

static void answer_init(odeus_answer *a, size_t field_cap, size_t strings_cap)
{
  memset(a, 0x5a, sizeof *a); /* begin must reset every output */
  a->fields = field_cap ? fields : NULL;
  a->field_capacity = field_cap;
  a->strings = storage;
  a->strings_capacity = strings_cap;
  memset(storage, 0x7e, sizeof storage);
  memset(fields, 0x5a, sizeof fields);     /* past field_cap it must stay so */
}

static int field_untouched(size_t i)
{
  const unsigned char *p = (const unsigned char *)&fields[i];
  size_t k;
  for (k = 0; k < sizeof fields[i]; k++)
    if (p[k] != 0x5a) return 0;
  return 1;
}

/* Feeds body in pieces; returns what finish returns, and checks that feed
 * never returned anything but OK or that same code. */
static odeus_result feed_split(odeus_answer *a, int status, const char *body, size_t len, int split,
                               const char *reason)
{
  odeus_answer_reader r;
  odeus_result fed = ODEUS_OK, fin;
  size_t at = 0;
  odeus_answer_begin(&r, a, status);
  while (at < len) {
    size_t n = len - at;
    odeus_result res;
    if (split == SPLIT_BYTES) n = 1;
    else if (split == SPLIT_RANDOM) {
      size_t piece = 1 + rng() % 9;
      if (piece < n) n = piece;
    }
    res = odeus_answer_feed(&r, body + at, n);
    if (res != ODEUS_OK && fed == ODEUS_OK) fed = res;
    at += n;
  }
  fin = odeus_answer_finish(&r, reason);
  if (fed != ODEUS_OK && fed != fin) {
    fprintf(stderr, "feed returned %d, finish %d\n", (int)fed, (int)fin);
    return (odeus_result)-9999;
  }
  return fin;
}

static odeus_result parse_body(odeus_answer *a, const char *body)
{
  answer_init(a, 8, 4096);
  return feed_split(a, 200, body, strlen(body), SPLIT_WHOLE, "OK");
}

static int str_is(odeus_str s, const char *want)
{
  size_t n = strlen(want);
  return s.ptr && s.len == n && memcmp(s.ptr, want, n) == 0 && s.ptr[n] == '\0';
}

static int str_is_n(odeus_str s, const char *want, size_t n)
{
  return s.ptr && s.len == n && memcmp(s.ptr, want, n) == 0 && s.ptr[n] == '\0';
}

static int is_null(odeus_str s)
{
  return s.ptr == NULL && s.len == 0;
}

static const char *problem_of(const odeus_answer *a)
{
  static char line[256];
  odeus_problem_format(&a->problem, line, sizeof line);
  return line;
}

/* A canonical text of everything an answer holds, to compare runs. */
static char dump_buf[8192];
static size_t dump_len;
static void dump_raw(const char *p, size_t n)
{
  if (dump_len + n < sizeof dump_buf) {
    memcpy(dump_buf + dump_len, p, n);
    dump_len += n;
  }
}
static void dump_num(unsigned long long v)
{
  char t[24];
  int i = 24;
  do t[--i] = (char)('0' + v % 10); while (v /= 10);
  dump_raw(t + i, (size_t)(24 - i));
}
static void dump_str(odeus_str s)
{
  if (!s.ptr) { dump_raw("<null ", 6); dump_num(s.len); dump_raw(">", 1); return; }
  dump_raw("[", 1);
  dump_raw(s.ptr, s.len);
  dump_raw("]", 1);
}
static const char *dump(const odeus_answer *a, odeus_result res)
{
  size_t i;
  dump_len = 0;
  dump_num((unsigned long long)(0 - (int)res));
  dump_str(a->id);
  dump_num((unsigned long long)a->auth_type);
  dump_str(a->auth_type_text);
  dump_str(a->auth_test_code);
  dump_num(a->field_count);
  for (i = 0; i < a->field_count && i < a->field_capacity; i++) {
    const odeus_answer_field *f = &a->fields[i];
    dump_str(f->slug); dump_str(f->label); dump_num((unsigned long long)f->type); dump_str(f->type_text);
    dump_str(f->description); dump_str(f->placeholder); dump_num((unsigned long long)f->required);
  }
  dump_num((unsigned long long)a->has_oauth_client);
  dump_str(a->oauth_client.scopes); dump_str(a->oauth_client.label);
  dump_str(a->oauth_client.authorization_code); dump_str(a->oauth_client.access_token_code);
  dump_str(a->oauth_client.refresh_token_code);
  dump_num(a->strings_needed);
  dump_num((unsigned long long)a->cut);
  dump_str(a->message);
  dump_raw(problem_of(a), strlen(problem_of(a)));
  dump_num(a->problem.actual);
  dump_buf[dump_len] = '\0';
  return dump_buf;
}

/* The same result whole, byte by byte and in random pieces. */
static void check_splits(int status, const char *body, size_t len, size_t field_cap, size_t strings_cap)
{
  static char first[8192];
  odeus_answer a;
  odeus_result res;
  int k;
  answer_init(&a, field_cap, strings_cap);
  res = feed_split(&a, status, body, len, SPLIT_WHOLE, "Reason");
  strcpy(first, dump(&a, res));
  answer_init(&a, field_cap, strings_cap);
  res = feed_split(&a, status, body, len, SPLIT_BYTES, "Reason");
  if (strcmp(dump(&a, res), first) != 0) fprintf(stderr, "split differs (bytes): %.*s\n", (int)len, body);
  CHECK_STR(dump_buf, first);
  for (k = 0; k < 20; k++) {
    answer_init(&a, field_cap, strings_cap);
    res = feed_split(&a, status, body, len, SPLIT_RANDOM, "Reason");
    if (strcmp(dump(&a, res), first) != 0) {
      fprintf(stderr, "split differs (random): %.*s\n", (int)len, body);
      CHECK_STR(dump_buf, first);
      break;
    }
  }
}

/* ---- the example ---- */

static void check_example_values(const odeus_answer *a)
{
  const odeus_answer_field *f = a->fields;
  CHECK(str_is(a->id, EX_ID));
  CHECK_EQ_INT(a->auth_type, ODEUS_AUTH_API_KEY);
  CHECK(str_is(a->auth_type_text, "API_KEY"));
  CHECK(str_is(a->auth_test_code, EX_CODE));
  CHECK_EQ_INT(a->field_count, 2);
  CHECK(str_is(f[0].slug, "api_key"));
  CHECK(str_is(f[0].label, "API Key"));
  CHECK_EQ_INT(f[0].type, ODEUS_FIELD_PASSWORD);
  CHECK(str_is(f[0].type_text, "PASSWORD"));
  CHECK(str_is(f[0].description, "Found under Settings > API"));
  CHECK(str_is(f[0].placeholder, "sk-..."));
  CHECK_EQ_INT(f[0].required, 1);
  CHECK(str_is(f[1].slug, "base_url"));
  CHECK(str_is(f[1].label, "Base URL"));
  CHECK_EQ_INT(f[1].type, ODEUS_FIELD_TEXT);
  CHECK(str_is(f[1].type_text, "TEXT"));
  CHECK(str_is(f[1].description, "Your account's API base URL"));
  CHECK(str_is(f[1].placeholder, "https://api.example.com"));
  CHECK_EQ_INT(f[1].required, 0);
  CHECK_EQ_INT(a->has_oauth_client, 0);
  CHECK(is_null(a->oauth_client.scopes));
  CHECK(is_null(a->oauth_client.refresh_token_code));
  CHECK_EQ_INT(a->strings_needed, example_needed());
  CHECK_EQ_INT(a->cut, 0);
  CHECK(is_null(a->message));
  CHECK_EQ_INT(a->problem.rule, 0);
  CHECK_STR(problem_of(a), "");
}

/* A closing object is not scanned for missing members while each key of its scope's `required` bits
 * was met: those bits are the keys of its required rows, in either mode, and the "id" put before the
 * integration's rows (the one scope that holds its bit), or a missing one would pass unseen. */
static void test_required_rows(void)
{
  size_t k, i;
  for (k = 0; k < OA_COUNT(oa_bind_scopes); k++) {
    const struct oa_bind_rows *d = &oa_bind_scopes[k];
    size_t count = (size_t)(d->end - d->table);
    uint32_t bits = k == OA_B_INTEG ? OA_BIND_BIT(&oa_ans_id) : 0;
    for (i = 0; i < count; i++) {
      if (d->table[i].flags & OA_REQUIRED) bits |= OA_BIND_BIT(&d->table[i]);
      CHECK(d->table[i].key != ODEUS_KEY_ID);
    }
    CHECK_EQ_INT((long long)d->required, (long long)bits);
  }
  CHECK(oa_ans_id.flags & OA_REQUIRED);
}

static void test_example(void)
{
  odeus_answer a;
  int split, k;
  for (split = SPLIT_WHOLE; split <= SPLIT_RANDOM; split++) {
    for (k = 0; k < (split == SPLIT_RANDOM ? 10 : 1); k++) {
      answer_init(&a, 8, 4096);
      CHECK_EQ_INT(feed_split(&a, 200, example_body, sizeof example_body - 1, split, "OK"), ODEUS_OK);
      check_example_values(&a);
    }
  }
  /* strings are laid out one after the other, each NUL-terminated */
  answer_init(&a, 8, 4096);
  feed_split(&a, 200, example_body, sizeof example_body - 1, SPLIT_WHOLE, "OK");
  CHECK(a.id.ptr == storage);
  CHECK(a.auth_type_text.ptr == storage + 37);
  CHECK(storage[example_needed()] == 0x7e);
  check_splits(200, example_body, sizeof example_body - 1, 8, 4096);
  check_splits(200, example_body, sizeof example_body - 1, 1, 100);
  /* only a 200 is read as the integration: a 201 is unexpected, its body
   * only a place to look for a message */
  answer_init(&a, 8, 4096);
  CHECK_EQ_INT(feed_split(&a, 201, example_body, sizeof example_body - 1, SPLIT_WHOLE, "Created"),
               ODEUS_ERR_STATUS_OTHER);
  CHECK(a.id.ptr == NULL);
  CHECK(str_is(a.message, "Created"));
}

/* ---- storage of every size ---- */

static void test_storage_sizes(void)
{
  size_t needed = example_needed(), cap;
  for (cap = 0; cap <= needed + 1; cap++) {
    odeus_answer a;
    odeus_result res;
    const odeus_str *got[EXAMPLE_STRINGS];
    size_t used = 0, i, g;
    int cut = 0, bad = 0;
    answer_init(&a, 8, cap);
    res = feed_split(&a, 200, example_body, sizeof example_body - 1, cap % 3 ? SPLIT_RANDOM : SPLIT_WHOLE, "OK");
    got[0] = &a.id; got[1] = &a.auth_type_text; got[2] = &a.auth_test_code;
    got[3] = &a.fields[0].slug; got[4] = &a.fields[0].label; got[5] = &a.fields[0].type_text;
    got[6] = &a.fields[0].description; got[7] = &a.fields[0].placeholder;
    got[8] = &a.fields[1].slug; got[9] = &a.fields[1].label; got[10] = &a.fields[1].type_text;
    got[11] = &a.fields[1].description; got[12] = &a.fields[1].placeholder;
    if (res != ODEUS_OK) bad++;
    /* the model: each string in order is kept when it and its NUL fit the
     * storage left, else it is cut and takes nothing */
    for (i = 0; i < EXAMPLE_STRINGS; i++) {
      size_t n = strlen(example_strings[i]);
      if (n + 1 <= cap - used) {
        if (!str_is(*got[i], example_strings[i]) || got[i]->ptr != storage + used) bad++;
        used += n + 1;
      } else {
        if (got[i]->ptr != NULL || got[i]->len != n) bad++;
        cut = 1;
      }
    }
    for (g = cap; g < cap + GUARD; g++)
      if (storage[g] != 0x7e) bad++;
    if (a.strings_needed != needed || a.cut != cut || a.field_count != 2) bad++;
    /* the enums are known even when their text was cut */
    if (a.auth_type != ODEUS_AUTH_API_KEY || a.fields[0].type != ODEUS_FIELD_PASSWORD
        || a.fields[1].type != ODEUS_FIELD_TEXT || a.fields[0].required != 1)
      bad++;
    if (bad) fprintf(stderr, "storage size %zu\n", cap);
    CHECK_EQ_INT(bad, 0);
  }
  {
    odeus_answer a;
    answer_init(&a, 8, needed);
    CHECK_EQ_INT(feed_split(&a, 200, example_body, sizeof example_body - 1, SPLIT_WHOLE, "OK"), ODEUS_OK);
    check_example_values(&a);
  }
  {
    odeus_answer a;
    answer_init(&a, 8, needed - 1);
    CHECK_EQ_INT(feed_split(&a, 200, example_body, sizeof example_body - 1, SPLIT_WHOLE, "OK"), ODEUS_OK);
    CHECK_EQ_INT(a.cut, 1);
    CHECK(ODEUS_CUT(a.fields[1].placeholder));
    CHECK_EQ_INT(a.fields[1].placeholder.len, 23);
    CHECK(str_is(a.fields[1].description, "Your account's API base URL"));
    /* a cut answer is not printed */
    CHECK_EQ_INT(odeus_write_answer(&a, NULL, 0, NULL), ODEUS_ERR_ANSWER_CUT);
  }
  {
    /* no storage at all: NULL with capacity 0 */
    odeus_answer a;
    answer_init(&a, 8, 0);
    a.strings = NULL;
    CHECK_EQ_INT(feed_split(&a, 200, example_body, sizeof example_body - 1, SPLIT_WHOLE, "OK"), ODEUS_OK);
    CHECK(ODEUS_CUT(a.id));
    CHECK_EQ_INT(a.id.len, 36);
    CHECK_EQ_INT(a.auth_type, ODEUS_AUTH_API_KEY);
    CHECK_EQ_INT(a.strings_needed, needed);
    CHECK_EQ_INT(a.cut, 1);
  }
}

/* One reader, begun again for each answer. */
static void test_reuse(void)
{
  odeus_answer_reader r;
  odeus_answer a;
  int k;
  for (k = 0; k < 3; k++) {
    answer_init(&a, 8, 4096);
    odeus_answer_begin(&r, &a, k == 1 ? 404 : 200);
    CHECK_EQ_INT(odeus_answer_feed(&r, example_body, sizeof example_body - 1), ODEUS_OK);
    if (k == 1) {
      CHECK_EQ_INT(odeus_answer_finish(&r, "Not Found"), ODEUS_ERR_STATUS_404);
      CHECK(str_is(a.message, "Not Found"));
      CHECK(is_null(a.id));
      CHECK_EQ_INT(a.field_count, 0);
    } else {
      CHECK_EQ_INT(odeus_answer_finish(&r, "OK"), ODEUS_OK);
      check_example_values(&a);
    }
  }
  /* begin keeps the storage members and resets everything else */
  answer_init(&a, 3, 100);
  odeus_answer_begin(&r, &a, 200);
  CHECK(a.fields == fields && a.field_capacity == 3 && a.strings == storage && a.strings_capacity == 100);
  CHECK(is_null(a.id) && is_null(a.message) && a.field_count == 0 && a.cut == 0 && a.strings_needed == 0);
  CHECK_EQ_INT(a.auth_type, ODEUS_AUTH_UNSET);
  CHECK_EQ_INT(a.problem.rule, 0);
}

static void test_field_capacity(void)
{
  odeus_answer a;
  answer_init(&a, 1, 4096);
  CHECK_EQ_INT(feed_split(&a, 200, example_body, sizeof example_body - 1, SPLIT_BYTES, "OK"), ODEUS_OK);
  CHECK_EQ_INT(a.field_count, 2);
  CHECK_EQ_INT(a.cut, 1);
  CHECK(str_is(a.fields[0].slug, "api_key"));
  CHECK_EQ_INT(a.fields[0].type, ODEUS_FIELD_PASSWORD);
  /* the field not kept still counts in strings_needed, and takes no storage */
  CHECK_EQ_INT(a.strings_needed, example_needed());
  CHECK(field_untouched(1));
  CHECK(storage[example_needed() - (9 + 9 + 5 + 28 + 24)] == 0x7e);
  answer_init(&a, 0, 4096);
  a.fields = NULL;
  CHECK_EQ_INT(feed_split(&a, 200, example_body, sizeof example_body - 1, SPLIT_WHOLE, "OK"), ODEUS_OK);
  CHECK_EQ_INT(a.field_count, 2);
  CHECK_EQ_INT(a.cut, 1);
  CHECK(field_untouched(0));
  CHECK(str_is(a.auth_test_code, EX_CODE));
  CHECK_EQ_INT(odeus_write_answer(&a, NULL, 0, NULL), ODEUS_ERR_ANSWER_CUT);
  /* exactly the count: not cut */
  answer_init(&a, 2, 4096);
  CHECK_EQ_INT(feed_split(&a, 200, example_body, sizeof example_body - 1, SPLIT_WHOLE, "OK"), ODEUS_OK);
  CHECK_EQ_INT(a.cut, 0);
  /* an empty array */
  CHECK_EQ_INT(parse_body(&a, "{\"integration\":{\"id\":\"i\",\"authType\":\"NONE\",\"authFields\":[]}}"), ODEUS_OK);
  CHECK_EQ_INT(a.field_count, 0);
  CHECK_EQ_INT(a.cut, 0);
  /* storage NULL with a capacity is an argument error */
  answer_init(&a, 1, 10);
  a.strings = NULL;
  CHECK_EQ_INT(feed_split(&a, 200, example_body, sizeof example_body - 1, SPLIT_WHOLE, "OK"), ODEUS_ERR_ARGUMENT);
  answer_init(&a, 1, 10);
  a.fields = NULL;
  CHECK_EQ_INT(feed_split(&a, 200, example_body, sizeof example_body - 1, SPLIT_WHOLE, "OK"), ODEUS_ERR_ARGUMENT);
}

/* ---- unknown keys, enums, strings ---- */

static const char unknown_body[] =
  "{\"x\":[1,{\"a\":[{}],\"integration\":{\"id\":\"no\"}}],\"integration\":{\"name\":\"Mock \\u00e9\","
  "\"id\":\"i-1\",\"authFields\":[{\"position\":1,\"extra\":{\"slug\":\"no\",\"label\":[\"no\"]},\"id\":\"x\","
  "\"id\":{\"again\":true},\"slug\":\"s\",\"label\":\"l\",\"type\":\"TEXT\",\"description\":\"d\","
  "\"placeholder\":null,\"required\":false,\"deep\":[[[{\"k\":\"v\",\"slug\":\"no\"}]]],\"n\":-1.5e3}],"
  "\"authType\":\"OAUTH\",\"oauthClient\":{\"z\":null,\"scopes\":\"a b\",\"clientSecret\":\"no\","
  "\"label\":null,\"authorizationCode\":\"ac\",\"accessTokenCode\":\"at\",\"refreshTokenCode\":\"rt\","
  "\"more\":[true,false,null,-1.5e3,\"s\",{}]},\"other\":{\"integration\":1},\"x\":\"dup unknown\"},"
  "\"tail\":\"t\",\"tail\":0}";

static void test_unknown_keys(void)
{
  odeus_answer a;
  CHECK_EQ_INT(parse_body(&a, unknown_body), ODEUS_OK);
  CHECK(str_is(a.id, "i-1"));
  CHECK_EQ_INT(a.auth_type, ODEUS_AUTH_OAUTH);
  CHECK(is_null(a.auth_test_code));
  CHECK_EQ_INT(a.field_count, 1);
  CHECK(str_is(a.fields[0].slug, "s"));
  CHECK(str_is(a.fields[0].label, "l"));
  CHECK_EQ_INT(a.fields[0].type, ODEUS_FIELD_TEXT);
  CHECK(str_is(a.fields[0].description, "d"));
  CHECK(is_null(a.fields[0].placeholder));
  CHECK_EQ_INT(a.fields[0].required, 0);
  CHECK_EQ_INT(a.has_oauth_client, 1);
  CHECK(str_is(a.oauth_client.scopes, "a b"));
  CHECK(is_null(a.oauth_client.label));
  CHECK(str_is(a.oauth_client.authorization_code, "ac"));
  CHECK(str_is(a.oauth_client.access_token_code, "at"));
  CHECK(str_is(a.oauth_client.refresh_token_code, "rt"));
  CHECK_EQ_INT(a.strings_needed, 4 + 6 + 2 + 2 + 5 + 2 + 4 + 3 + 3 + 3);
  check_splits(200, unknown_body, sizeof unknown_body - 1, 8, 4096);
  /* a key this version does not read, written with escapes or too long */
  CHECK_EQ_INT(parse_body(&a, "{\"integration\":{\"i\\u0064\":\"i\",\"auth\\u0054ype\":\"N\\u004fNE\","
                              "\"authorizationCodeAndMore\":1,\"authTestCode\\u0000\":1}}"), ODEUS_OK);
  CHECK(str_is(a.id, "i"));
  CHECK_EQ_INT(a.auth_type, ODEUS_AUTH_NONE);
  CHECK(str_is(a.auth_type_text, "NONE"));
  CHECK(is_null(a.auth_test_code));
}

/* Which row each key names in each scope: the scope's members (the
 * integration's "id" first, then the request's root members in table
 * order); a key of another scope, a write-only member, a prefix or a longer
 * key names none in an answer. The config parser reads the write-only
 * members and not the answer's "id". */
static void test_key_rows(void)
{
  static const struct { unsigned scope; const char *key; const oa_member *row; } keys[] = {
    { OA_B_BODY, "integration", &oa_ans_integration },
    { OA_B_INTEG, "id", &oa_ans_id },
    { OA_B_INTEG, "authType", &oa_root_members[0] },
    { OA_B_INTEG, "authTestCode", &oa_root_members[2] },
    { OA_B_INTEG, "authFields", &oa_root_members[1] },
    { OA_B_INTEG, "oauthClient", &oa_root_members[3] },
    { OA_B_FIELD, "slug", &oa_field_members[0] },
    { OA_B_FIELD, "label", &oa_field_members[1] },
    { OA_B_FIELD, "type", &oa_field_members[2] },
    { OA_B_FIELD, "description", &oa_field_members[3] },
    { OA_B_FIELD, "placeholder", &oa_field_members[4] },
    { OA_B_FIELD, "required", &oa_field_members[5] },
    { OA_B_OAUTH, "scopes", &oa_oauth_members[0] },
    { OA_B_OAUTH, "label", &oa_oauth_members[5] },
    { OA_B_OAUTH, "authorizationCode", &oa_oauth_members[6] },
    { OA_B_OAUTH, "accessTokenCode", &oa_oauth_members[7] },
    { OA_B_OAUTH, "refreshTokenCode", &oa_oauth_members[8] },
    { OA_B_FIELD, "id", NULL },
    { OA_B_INTEG, "label", NULL },
    { OA_B_OAUTH, "clientId", NULL },      /* write-only: never in an answer */
    { OA_B_OAUTH, "clientSecret", NULL },
    { OA_B_OAUTH, "authUrl", NULL },
    { OA_B_OAUTH, "tokenUrl", NULL },
    { OA_B_BODY, "id", NULL },
    { OA_B_INTEG, "", NULL },
    { OA_B_INTEG, "authTyp", NULL },
    { OA_B_INTEG, "authTypes", NULL },
    { OA_B_FIELDS, "slug", NULL },
    { OA_B_TOP, "integration", NULL }
  };
  size_t i;
  for (i = 0; i < OA_COUNT(keys); i++)
    CHECK(oa_bind_find(keys[i].scope, OA_IN_ANSWER, keys[i].key, strlen(keys[i].key)) == keys[i].row);
  CHECK(oa_bind_find(OA_B_INTEG, OA_IN_ANSWER, "id\0", 3) == NULL);
  /* the config parser's rows */
  CHECK(oa_bind_find(OA_B_INTEG, OA_IN_BODY, "id", 2) == NULL);
  CHECK(oa_bind_find(OA_B_INTEG, OA_IN_BODY, "authType", 8) == &oa_root_members[0]);
  CHECK(oa_bind_find(OA_B_OAUTH, OA_IN_BODY, "clientId", 8) == &oa_oauth_members[3]);
  CHECK(oa_bind_find(OA_B_OAUTH, OA_IN_BODY, "clientSecret", 12) == &oa_oauth_members[4]);
  CHECK(oa_bind_find(OA_B_BODY, OA_IN_BODY, "integration", 11) == NULL);
}

static void test_enums(void)
{
  odeus_answer a;
  static const char body[] =
    "{\"integration\":{\"id\":\"i\",\"authType\":\"PASSKEY\",\"authFields\":["
    "{\"slug\":\"a\",\"label\":\"A\",\"type\":\"DATE\"},"
    "{\"slug\":\"b\",\"label\":\"B\",\"type\":\"EMBEDDING_MODEL\"},"
    "{\"slug\":\"c\",\"label\":\"C\",\"type\":\"MULTI_LINE_TEXT\"},"
    "{\"slug\":\"d\",\"label\":\"D\",\"type\":\"NUMBER\"},"
    "{\"slug\":\"e\",\"label\":\"E\",\"type\":\"text\"},"
    "{\"slug\":\"f\",\"label\":\"F\",\"type\":\"PASS\\u0057ORD\"},"
    "{\"slug\":\"g\",\"label\":\"G\",\"type\":\"TEXT\\u0000\"},"
    "{\"slug\":\"h\",\"label\":\"H\",\"type\":\"A_VERY_LONG_TYPE_NAME_WITH_\\u00e9_IN_IT\"}]}}";
  CHECK_EQ_INT(parse_body(&a, body), ODEUS_OK);
  CHECK_EQ_INT(a.auth_type, ODEUS_AUTH_UNKNOWN);
  CHECK(str_is(a.auth_type_text, "PASSKEY"));
  CHECK_EQ_INT(a.field_count, 8);
  CHECK_EQ_INT(a.fields[0].type, ODEUS_FIELD_UNKNOWN);
  CHECK(str_is(a.fields[0].type_text, "DATE"));
  CHECK_EQ_INT(a.fields[1].type, ODEUS_FIELD_EMBEDDING_MODEL);
  CHECK_EQ_INT(a.fields[2].type, ODEUS_FIELD_MULTI_LINE_TEXT);
  CHECK_EQ_INT(a.fields[3].type, ODEUS_FIELD_NUMBER);
  CHECK_EQ_INT(a.fields[4].type, ODEUS_FIELD_UNKNOWN);
  CHECK(str_is(a.fields[4].type_text, "text"));
  CHECK_EQ_INT(a.fields[5].type, ODEUS_FIELD_PASSWORD);
  CHECK(str_is(a.fields[5].type_text, "PASSWORD"));
  CHECK_EQ_INT(a.fields[6].type, ODEUS_FIELD_UNKNOWN);
  CHECK(str_is_n(a.fields[6].type_text, "TEXT\0", 5));
  CHECK_EQ_INT(a.fields[7].type, ODEUS_FIELD_UNKNOWN);
  CHECK(str_is(a.fields[7].type_text, "A_VERY_LONG_TYPE_NAME_WITH_\xc3\xa9_IN_IT"));
  check_splits(200, body, sizeof body - 1, 8, 4096);
  {
    static const char *const auth[] = { "NONE", "API_KEY", "SERVICE_ACCOUNT", "OAUTH", "OAUTH_DCR" };
    int v;
    for (v = 0; v < 5; v++) {
      char b[160];
      b[0] = '\0';
      strcat(b, "{\"integration\":{\"id\":\"i\",\"authType\":\"");
      strcat(b, auth[v]);
      strcat(b, "\"}}");
      CHECK_EQ_INT(parse_body(&a, b), ODEUS_OK);
      CHECK_EQ_INT(a.auth_type, v + 1);
      CHECK(str_is(a.auth_type_text, auth[v]));
    }
  }
  /* the spellings, each after its length, and the reader knows the ones
   * the writer uses */
  {
    static const char *const names[3][6] = {
      { "NONE", "API_KEY", "SERVICE_ACCOUNT", "OAUTH", "OAUTH_DCR", NULL },
      { "TEXT", "MULTI_LINE_TEXT", "PASSWORD", "NUMBER", "EMBEDDING_MODEL", NULL },
      { "false", "true", NULL, NULL, NULL, NULL } };
    unsigned k, v;
    for (k = 0; k < 3; k++) {
      for (v = 1; v <= 6; v++) {
        odeus_str n = oa_enum_name(OA_KIND_AUTH_TYPE + k, v);
        const char *want = names[k][v - 1];
        CHECK(want ? n.ptr && n.len == strlen(want) && memcmp(n.ptr, want, n.len) == 0 : n.ptr == NULL);
        if (want && k < 2) CHECK_EQ_INT(oa_enum_lookup(OA_KIND_AUTH_TYPE + k, want, strlen(want)), (int)v);
        if (!want) break;
      }
      CHECK(oa_enum_name(OA_KIND_AUTH_TYPE + k, 0).ptr == NULL);
    }
    CHECK_EQ_INT(oa_enum_lookup(OA_KIND_AUTH_TYPE, "NONE_", 5), ODEUS_AUTH_UNKNOWN);
    CHECK_EQ_INT(oa_enum_lookup(OA_KIND_FIELD_TYPE, "", 0), ODEUS_FIELD_UNKNOWN);
  }
  /* A key or enum value in pieces is gathered in the binder's word, its length capped one past it:
   * a capped one matches nothing, which holds while every spelling and every key is shorter than
   * the word. Values around that length, whole and split. */
  {
    oa_bind bind;
    unsigned k, scope, i;
    const oa_member *m;
    static const char long_body[] =
      "{\"integration\":{\"id\":\"i\",\"authType\":\"SERVICE_ACCOUNT_ABCDE\",\"authFields\":["
      "{\"slug\":\"a\",\"label\":\"A\",\"type\":\"EMBEDDING_MODEL_ABCD\"},"
      "{\"slug\":\"b\",\"label\":\"B\",\"type\":\"EMBEDDING_MODEL_ABCDEF\"},"
      "{\"slug\":\"c\",\"label\":\"C\",\"type\":\"MULTI_LINE_TEXT\"}]}}";
    for (k = 0; k < 3; k++) {
      const char *t = oa_enum_names(OA_KIND_AUTH_TYPE + k);
      for (; *t; t += *t + 1) CHECK((size_t)*t < sizeof bind.word);
    }
    for (scope = OA_B_TOP; scope <= OA_B_INTEG; scope++)
      for (i = 0; (m = oa_bind_row(scope, i)) != NULL; i++) CHECK(m->name_len < sizeof bind.word);
    CHECK_EQ_INT(parse_body(&a, long_body), ODEUS_OK);
    CHECK_EQ_INT(a.auth_type, ODEUS_AUTH_UNKNOWN);
    CHECK(str_is(a.auth_type_text, "SERVICE_ACCOUNT_ABCDE"));
    CHECK_EQ_INT(a.fields[0].type, ODEUS_FIELD_UNKNOWN);
    CHECK_EQ_INT(a.fields[1].type, ODEUS_FIELD_UNKNOWN);
    CHECK_EQ_INT(a.fields[2].type, ODEUS_FIELD_MULTI_LINE_TEXT);
    check_splits(200, long_body, sizeof long_body - 1, 8, 4096);
  }
}

static void test_strings(void)
{
  odeus_answer a;
  static const char body[] =
    "{\"integration\":{\"id\":\"\\uD83D\\uDE00\",\"authType\":\"NONE\",\"authTestCode\":\"a\\uD83Db\","
    "\"authFields\":[{\"slug\":\"\\uDE00\",\"label\":\"\\u00e9\\u20ac \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\","
    "\"type\":\"TEXT\",\"description\":\"\",\"placeholder\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000x\","
    "\"required\":true},{\"slug\":\"\\uD83D\\uD83D\\uDE00\",\"label\":\"\\uD83D\",\"type\":\"TEXT\","
    "\"description\":\"\\uDBFF\\uDFFF\",\"placeholder\":\"\"}]}}";
  CHECK_EQ_INT(parse_body(&a, body), ODEUS_OK);
  CHECK(str_is(a.id, "\xf0\x9f\x98\x80"));
  CHECK(str_is(a.auth_test_code, "a\xef\xbf\xbd" "b"));
  CHECK(str_is(a.fields[0].slug, "\xef\xbf\xbd"));
  CHECK(str_is(a.fields[0].label, "\xc3\xa9\xe2\x82\xac \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  /* "" is a constant and takes no storage */
  CHECK(a.fields[0].description.ptr != NULL);
  CHECK_EQ_INT(a.fields[0].description.len, 0);
  CHECK(a.fields[0].description.ptr[0] == '\0');
  CHECK(str_is_n(a.fields[0].placeholder, "\"\\/\b\f\n\r\t\0x", 10));
  CHECK(str_is(a.fields[1].slug, "\xef\xbf\xbd\xf0\x9f\x98\x80"));
  CHECK(str_is(a.fields[1].label, "\xef\xbf\xbd"));
  CHECK(str_is(a.fields[1].description, "\xf4\x8f\xbf\xbf"));
  CHECK(str_is(a.fields[1].placeholder, ""));
  CHECK_EQ_INT(a.fields[1].required, 0);
  CHECK_EQ_INT(a.strings_needed, 5 + 5 + 6 + 4 + 16 + 5 + 11 + 8 + 4 + 5 + 5);
  check_splits(200, body, sizeof body - 1, 8, 4096);
  check_splits(200, body, sizeof body - 1, 8, 40);
}

static void test_nullable(void)
{
  odeus_answer a;
  CHECK_EQ_INT(parse_body(&a, "{\"integration\":{\"id\":\"i\",\"authType\":\"OAUTH_DCR\",\"authTestCode\":null,"
                              "\"authFields\":[{\"slug\":\"s\",\"label\":\"l\",\"type\":\"TEXT\",\"placeholder\":null,"
                              "\"description\":\"d\",\"required\":true}],"
                              "\"oauthClient\":{\"scopes\":null,\"label\":null,\"authorizationCode\":\"\","
                              "\"accessTokenCode\":\"x\",\"refreshTokenCode\":\"y\"}}}"), ODEUS_OK);
  CHECK(is_null(a.auth_test_code));
  CHECK(is_null(a.fields[0].placeholder));
  CHECK_EQ_INT(a.has_oauth_client, 1);
  CHECK(is_null(a.oauth_client.scopes));
  CHECK(is_null(a.oauth_client.label));
  CHECK(str_is(a.oauth_client.authorization_code, ""));
  CHECK(str_is(a.oauth_client.access_token_code, "x"));
  CHECK_EQ_INT(parse_body(&a, "{\"integration\":{\"id\":\"i\",\"authType\":\"OAUTH\",\"authTestCode\":\"t\","
                              "\"oauthClient\":{\"scopes\":\"s\",\"label\":\"L\"}}}"), ODEUS_OK);
  CHECK(str_is(a.auth_test_code, "t"));
  CHECK(str_is(a.oauth_client.scopes, "s"));
  CHECK(str_is(a.oauth_client.label, "L"));
  /* absent members read as null / false / none */
  CHECK(is_null(a.oauth_client.authorization_code));
  CHECK_EQ_INT(a.field_count, 0);
  CHECK_EQ_INT(parse_body(&a, "{\"integration\":{\"oauthClient\":null,\"authType\":\"NONE\",\"id\":\"i\","
                              "\"authFields\":[{\"type\":\"TEXT\",\"label\":\"l\",\"slug\":\"s\"}]}}"), ODEUS_OK);
  CHECK_EQ_INT(a.has_oauth_client, 0);
  CHECK(is_null(a.fields[0].description));
  CHECK(is_null(a.fields[0].placeholder));
  CHECK_EQ_INT(a.fields[0].required, 0);
}

/* ---- refused answers ---- */

static void expect_problem(const char *body, odeus_result code, const char *line)
{
  odeus_answer a;
  odeus_result res = parse_body(&a, body);
  CHECK_EQ_INT(res, code);
  CHECK_STR(problem_of(&a), line);
  check_splits(200, body, strlen(body), 8, 4096);
}

#define INTEG(members) "{\"integration\":{\"id\":\"i\",\"authType\":\"NONE\"," members "}}"
#define FIELD(members) INTEG("\"authFields\":[{\"slug\":\"s\",\"label\":\"l\",\"type\":\"TEXT\"," members "}]")

static void test_wrong_types(void)
{
  odeus_answer a;
  expect_problem("[]", ODEUS_ERR_ANSWER_TYPE, "(body): expected an object");
  expect_problem("\"x\"", ODEUS_ERR_ANSWER_TYPE, "(body): expected an object");
  expect_problem("12", ODEUS_ERR_ANSWER_TYPE, "(body): expected an object");
  expect_problem("null", ODEUS_ERR_ANSWER_TYPE, "(body): expected an object");
  expect_problem("{\"integration\":[]}", ODEUS_ERR_ANSWER_TYPE, "integration: expected an object");
  expect_problem("{\"integration\":null}", ODEUS_ERR_ANSWER_TYPE, "integration: expected an object");
  expect_problem("{\"integration\":{\"id\":5,\"authType\":\"NONE\"}}", ODEUS_ERR_ANSWER_TYPE,
                 "integration.id: expected a string");
  expect_problem("{\"integration\":{\"id\":\"i\",\"authType\":null}}", ODEUS_ERR_ANSWER_TYPE,
                 "integration.authType: expected a string");
  expect_problem("{\"integration\":{\"id\":\"i\",\"authType\":[\"NONE\"]}}", ODEUS_ERR_ANSWER_TYPE,
                 "integration.authType: expected a string");
  expect_problem(INTEG("\"authTestCode\":true"), ODEUS_ERR_ANSWER_TYPE,
                 "integration.authTestCode: expected a string or null");
  expect_problem(INTEG("\"authFields\":{}"), ODEUS_ERR_ANSWER_TYPE, "integration.authFields: expected an array");
  expect_problem(INTEG("\"authFields\":null"), ODEUS_ERR_ANSWER_TYPE, "integration.authFields: expected an array");
  expect_problem(INTEG("\"authFields\":[1]"), ODEUS_ERR_ANSWER_TYPE, "integration.authFields[0]: expected an object");
  expect_problem(INTEG("\"authFields\":[{\"slug\":\"s\",\"label\":\"l\",\"type\":\"TEXT\"},\"x\"]"),
                 ODEUS_ERR_ANSWER_TYPE, "integration.authFields[1]: expected an object");
  expect_problem(INTEG("\"authFields\":[{\"slug\":\"s\",\"label\":\"l\",\"type\":\"TEXT\"},[]]"),
                 ODEUS_ERR_ANSWER_TYPE, "integration.authFields[1]: expected an object");
  expect_problem(INTEG("\"authFields\":[{\"slug\":null}]"), ODEUS_ERR_ANSWER_TYPE,
                 "integration.authFields[0].slug: expected a string");
  expect_problem(INTEG("\"authFields\":[{\"label\":{}}]"), ODEUS_ERR_ANSWER_TYPE,
                 "integration.authFields[0].label: expected a string");
  expect_problem(INTEG("\"authFields\":[{\"type\":3}]"), ODEUS_ERR_ANSWER_TYPE,
                 "integration.authFields[0].type: expected a string");
  expect_problem(FIELD("\"description\":null"), ODEUS_ERR_ANSWER_TYPE,
                 "integration.authFields[0].description: expected a string");
  expect_problem(FIELD("\"placeholder\":1"), ODEUS_ERR_ANSWER_TYPE,
                 "integration.authFields[0].placeholder: expected a string or null");
  expect_problem(FIELD("\"required\":\"yes\""), ODEUS_ERR_ANSWER_TYPE,
                 "integration.authFields[0].required: expected a boolean");
  expect_problem(FIELD("\"required\":null"), ODEUS_ERR_ANSWER_TYPE,
                 "integration.authFields[0].required: expected a boolean");
  expect_problem(INTEG("\"oauthClient\":\"x\""), ODEUS_ERR_ANSWER_TYPE,
                 "integration.oauthClient: expected an object or null");
  expect_problem(INTEG("\"oauthClient\":[]"), ODEUS_ERR_ANSWER_TYPE,
                 "integration.oauthClient: expected an object or null");
  expect_problem(INTEG("\"oauthClient\":{\"scopes\":[]}"), ODEUS_ERR_ANSWER_TYPE,
                 "integration.oauthClient.scopes: expected a string or null");
  expect_problem(INTEG("\"oauthClient\":{\"label\":1}"), ODEUS_ERR_ANSWER_TYPE,
                 "integration.oauthClient.label: expected a string or null");
  expect_problem(INTEG("\"oauthClient\":{\"authorizationCode\":null}"), ODEUS_ERR_ANSWER_TYPE,
                 "integration.oauthClient.authorizationCode: expected a string");
  expect_problem(INTEG("\"oauthClient\":{\"accessTokenCode\":false}"), ODEUS_ERR_ANSWER_TYPE,
                 "integration.oauthClient.accessTokenCode: expected a string");
  expect_problem(INTEG("\"oauthClient\":{\"refreshTokenCode\":0}"), ODEUS_ERR_ANSWER_TYPE,
                 "integration.oauthClient.refreshTokenCode: expected a string");
  /* the problem's parts and the offset of the value */
  CHECK_EQ_INT(parse_body(&a, FIELD("\"required\":\"yes\"")), ODEUS_ERR_ANSWER_TYPE);
  CHECK_EQ_INT(a.problem.rule, ODEUS_RULE_TYPE);
  CHECK_EQ_INT(a.problem.key, ODEUS_KEY_AUTH_FIELDS);
  CHECK_EQ_INT(a.problem.index, 0);
  CHECK_EQ_INT(a.problem.member, ODEUS_KEY_REQUIRED);
  CHECK_EQ_INT(a.problem.actual, strlen(FIELD("\"required\":")) - 4);
  /* the first problem stops the reading: what came before stays */
  CHECK_EQ_INT(parse_body(&a, "{\"integration\":{\"id\":\"i\",\"authType\":\"NONE\",\"authTestCode\":1,"
                              "\"authType\":\"x\"}}"), ODEUS_ERR_ANSWER_TYPE);
  CHECK(str_is(a.id, "i"));
  CHECK_STR(problem_of(&a), "integration.authTestCode: expected a string or null");
}

static void test_missing(void)
{
  expect_problem("{}", ODEUS_ERR_ANSWER_MISSING, "integration: required");
  expect_problem("{\"other\":{\"id\":\"i\",\"authType\":\"NONE\"}}", ODEUS_ERR_ANSWER_MISSING,
                 "integration: required");
  expect_problem("{\"integration\":{}}", ODEUS_ERR_ANSWER_MISSING, "integration.id: required");
  expect_problem("{\"integration\":{\"authType\":\"NONE\"}}", ODEUS_ERR_ANSWER_MISSING, "integration.id: required");
  expect_problem("{\"integration\":{\"id\":\"i\"}}", ODEUS_ERR_ANSWER_MISSING, "integration.authType: required");
  expect_problem(INTEG("\"authFields\":[{\"label\":\"l\",\"type\":\"TEXT\"}]"), ODEUS_ERR_ANSWER_MISSING,
                 "integration.authFields[0].slug: required");
  expect_problem(INTEG("\"authFields\":[{\"slug\":\"s\",\"label\":\"l\",\"type\":\"TEXT\"},"
                       "{\"slug\":\"t\",\"type\":\"TEXT\"}]"), ODEUS_ERR_ANSWER_MISSING,
                 "integration.authFields[1].label: required");
  expect_problem(INTEG("\"authFields\":[{\"slug\":\"s\",\"label\":\"l\"}]"), ODEUS_ERR_ANSWER_MISSING,
                 "integration.authFields[0].type: required");
  /* a field past the capacity is checked all the same */
  {
    odeus_answer a;
    static const char body[] = INTEG("\"authFields\":[{\"slug\":\"s\",\"label\":\"l\",\"type\":\"TEXT\"},"
                                     "{\"slug\":\"t\",\"label\":\"l\"}]");
    answer_init(&a, 1, 4096);
    CHECK_EQ_INT(feed_split(&a, 200, body, sizeof body - 1, SPLIT_WHOLE, "OK"), ODEUS_ERR_ANSWER_MISSING);
    CHECK_STR(problem_of(&a), "integration.authFields[1].type: required");
  }
}

static void test_duplicates(void)
{
  odeus_answer a;
  expect_problem("{\"integration\":{\"id\":\"i\",\"authType\":\"NONE\"},\"integration\":{}}",
                 ODEUS_ERR_ANSWER_DUPLICATE, "integration: duplicate key");
  expect_problem("{\"integration\":{\"id\":\"i\",\"authType\":\"NONE\",\"id\":\"j\"}}",
                 ODEUS_ERR_ANSWER_DUPLICATE, "integration.id: duplicate key");
  expect_problem(INTEG("\"authTestCode\":null,\"authTestCode\":null"), ODEUS_ERR_ANSWER_DUPLICATE,
                 "integration.authTestCode: duplicate key");
  expect_problem(INTEG("\"authFields\":[],\"authFields\":[]"), ODEUS_ERR_ANSWER_DUPLICATE,
                 "integration.authFields: duplicate key");
  expect_problem(INTEG("\"oauthClient\":null,\"oauthClient\":{}"), ODEUS_ERR_ANSWER_DUPLICATE,
                 "integration.oauthClient: duplicate key");
  expect_problem(FIELD("\"slug\":\"t\""), ODEUS_ERR_ANSWER_DUPLICATE, "integration.authFields[0].slug: duplicate key");
  expect_problem(FIELD("\"required\":true,\"required\":true"), ODEUS_ERR_ANSWER_DUPLICATE,
                 "integration.authFields[0].required: duplicate key");
  expect_problem(INTEG("\"oauthClient\":{\"label\":null,\"label\":\"x\"}"), ODEUS_ERR_ANSWER_DUPLICATE,
                 "integration.oauthClient.label: duplicate key");
  /* the same key in two fields, or in a field and oauthClient, is no repeat */
  CHECK_EQ_INT(parse_body(&a, INTEG("\"authFields\":[{\"slug\":\"s\",\"label\":\"l\",\"type\":\"TEXT\"},"
                                    "{\"slug\":\"t\",\"label\":\"l\",\"type\":\"TEXT\"}],"
                                    "\"oauthClient\":{\"label\":\"o\"}")), ODEUS_OK);
  CHECK(str_is(a.fields[1].slug, "t"));
  CHECK(str_is(a.oauth_client.label, "o"));
  /* a repeated key that is not read is skipped; so is the field's id */
  CHECK_EQ_INT(parse_body(&a, FIELD("\"id\":\"a\",\"id\":\"b\",\"x\":1,\"x\":2")), ODEUS_OK);
  /* the offset of a repeated key */
  CHECK_EQ_INT(parse_body(&a, "{\"integration\":{\"id\":\"i\",\"id\":\"j\"}}"), ODEUS_ERR_ANSWER_DUPLICATE);
  CHECK_EQ_INT(a.problem.actual, 25);
}

static void test_json_errors(void)
{
  odeus_answer a;
  expect_problem("", ODEUS_ERR_JSON_TRUNCATED, "(body): JSON text ends early at byte 0");
  expect_problem("{\"integration\":", ODEUS_ERR_JSON_TRUNCATED,
                 "(body): JSON text ends early at byte 15");
  expect_problem("<html>", ODEUS_ERR_JSON_SYNTAX, "(body): invalid JSON at byte 0");
  expect_problem("{\"integration\":{\"id\":\"i\",\"authType\":\"NONE\"}} x", ODEUS_ERR_JSON_TRAILING,
                 "(body): data after the JSON value at byte 45");
  /* a token of the wrong type that turns out invalid is a JSON error, however split */
  expect_problem("1x", ODEUS_ERR_JSON_NUMBER, "(body): invalid JSON number at byte 1");
  expect_problem(INTEG("\"authFields\":12-"), ODEUS_ERR_JSON_NUMBER,
                 "(body): invalid JSON number at byte 58");
  expect_problem(INTEG("\"authFields\":\"ab\x01\""), ODEUS_ERR_JSON_CONTROL,
                 "(body): control character in JSON string at byte 59");
  expect_problem(INTEG("\"authFields\":\"ab\\u00e9\\q\""), ODEUS_ERR_JSON_ESCAPE,
                 "(body): invalid JSON escape at byte 66");
  CHECK_EQ_INT(parse_body(&a, "{\"integration\":{\"id\":\"\\x\"}}"), ODEUS_ERR_JSON_ESCAPE);
  CHECK_EQ_INT(a.problem.rule, ODEUS_RULE_JSON);
  CHECK_EQ_INT(a.problem.cause, ODEUS_ERR_JSON_ESCAPE);
  CHECK_EQ_INT(a.problem.limit, 0);
  /* finish and feed agree, and later calls repeat the error */
  {
    odeus_answer_reader r;
    answer_init(&a, 8, 4096);
    odeus_answer_begin(&r, &a, 200);
    CHECK_EQ_INT(odeus_answer_feed(&r, "[", 1), ODEUS_ERR_ANSWER_TYPE);
    CHECK_EQ_INT(odeus_answer_feed(&r, "]", 1), ODEUS_ERR_ANSWER_TYPE);
    CHECK_EQ_INT(odeus_answer_finish(&r, "OK"), ODEUS_ERR_ANSWER_TYPE);
    CHECK_EQ_INT(odeus_answer_feed(&r, NULL, 1), ODEUS_ERR_ARGUMENT);
    CHECK_EQ_INT(odeus_answer_feed(NULL, "x", 1), ODEUS_ERR_ARGUMENT);
    CHECK_EQ_INT(odeus_answer_finish(NULL, "OK"), ODEUS_ERR_ARGUMENT);
    odeus_answer_begin(&r, NULL, 200);
    CHECK_EQ_INT(odeus_answer_feed(&r, "{}", 2), ODEUS_ERR_ARGUMENT);
    CHECK_EQ_INT(odeus_answer_finish(&r, "OK"), ODEUS_ERR_ARGUMENT);
  }
}

/* ---- error answers ---- */

static void expect_message(int status, const char *body, const char *reason, odeus_result code, const char *msg)
{
  odeus_answer a;
  answer_init(&a, 8, 4096);
  CHECK_EQ_INT(feed_split(&a, status, body, strlen(body), SPLIT_WHOLE, reason), code);
  CHECK(str_is(a.message, msg));
  if (!str_is(a.message, msg)) fprintf(stderr, "  message: \"%.*s\"\n", (int)a.message.len, a.message.ptr ? a.message.ptr : "");
  CHECK_EQ_INT(a.strings_needed, strlen(msg) + 1);
  CHECK_EQ_INT(a.cut, 0);
  CHECK(is_null(a.id));
  CHECK_EQ_INT(a.problem.rule, 0);
  check_splits(status, body, strlen(body), 8, 4096);
}

/* A whole HTTP response read as an exchange reads it: a valid request goes
 * out to an io that swallows it, and the response comes back in one piece,
 * then the peer closes. */
typedef struct memory_peer {
  const char *response;
  size_t len, at;
} memory_peer;

static int peer_send(void *ctx, const unsigned char *buf, size_t len)
{
  (void)ctx;
  (void)buf;
  return (int)len;
}

static int peer_recv(void *ctx, unsigned char *buf, size_t len)
{
  memory_peer *m = (memory_peer *)ctx;
  size_t n = m->len - m->at < len ? m->len - m->at : len;
  memcpy(buf, m->response + m->at, n);
  m->at += n;
  return (int)n;
}

static odeus_result exchange_response(const char *response, size_t len, odeus_answer *a)
{
  static const odeus_config none = { ODEUS_AUTH_NONE, NULL, 0, { NULL, 0 }, NULL };
  odeus_request rq = { "http://127.0.0.1:1", "key", "550e8400-e29b-41d4-a716-446655440000", &none, NULL };
  memory_peer m = { response, len, 0 };
  odeus_io io = { peer_send, peer_recv, NULL };
  unsigned char window[256];
  odeus_exchange x;
  odeus_result r;
  io.ctx = &m;
  r = odeus_exchange_begin(&x, &rq, a, window, sizeof window);
  if (r == ODEUS_OK) r = odeus_exchange_run(&x, &io);
  odeus_exchange_end(&x);
  return r;
}

static void test_error_answers(void)
{
  expect_message(400, "{\"message\":\"x\"}", "Bad Request", ODEUS_ERR_STATUS_400, "x");
  expect_message(400, "{\"message\":[{\"path\":\"authFields.0.slug\",\"message\":\"Required\"},"
                      "{\"path\":\"authType\",\"message\":\"Invalid enum value\"}]}", "Bad Request",
                 ODEUS_ERR_STATUS_400, "authFields.0.slug: Required; authType: Invalid enum value");
  expect_message(401, "{\"error\":\"y\"}", "Unauthorized", ODEUS_ERR_STATUS_401, "y");
  expect_message(403, "{\"error\":{\"message\":\"z\"}}", "Forbidden", ODEUS_ERR_STATUS_403, "z");
  expect_message(500, "<html><body>Internal error</body></html>", "Internal Server Error",
                 ODEUS_ERR_STATUS_5XX, "Internal Server Error");
  expect_message(502, "", "Bad Gateway", ODEUS_ERR_STATUS_5XX, "Bad Gateway");
  expect_message(404, "{\"message\":\"x\"", "Not Found", ODEUS_ERR_STATUS_404, "Not Found");
  expect_message(404, "{\"message\":\"x\"} trailing", "Not Found", ODEUS_ERR_STATUS_404, "Not Found");
  expect_message(400, "{\"message\":5}", "Bad Request", ODEUS_ERR_STATUS_400, "Bad Request");
  expect_message(429, "{\"message\":\"Too many requests\"}", "Too Many Requests", ODEUS_ERR_STATUS_429,
                 "Too many requests");
  /* the reason phrase may hold any byte from 0x80: the message is UTF-8 */
  expect_message(400, "<html>", "Caf\xe9 cr\xc3\xa8me \xf0\x9f\x98\x80 \xed\xa0\x80 \xc3", ODEUS_ERR_STATUS_400,
                 "Caf\xef\xbf\xbd cr\xc3\xa8me \xf0\x9f\x98\x80 \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd");
  expect_message(400, "", "\x80\xbf", ODEUS_ERR_STATUS_400, "\xef\xbf\xbd\xef\xbf\xbd");
  {
    /* a phrase longer than oa_http.reason: the parser cut inside the
     * 2-byte character at its end, which is dropped, not replaced */
    static char response[256];
    odeus_answer a;
    answer_init(&a, 8, 4096);
    static const char r62[] = "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr";
    snprintf(response, sizeof response, "HTTP/1.1 400 %s\xc3\xa9tail\r\nContent-Length: 0\r\n\r\n", r62);
    CHECK_EQ_INT(exchange_response(response, strlen(response), &a), ODEUS_ERR_STATUS_400);
    CHECK(str_is(a.message, r62));
    /* one byte shorter, the character is whole */
    snprintf(response, sizeof response, "HTTP/1.1 400 %s\xc3\xa9tail\r\nContent-Length: 0\r\n\r\n", r62 + 1);
    CHECK_EQ_INT(exchange_response(response, strlen(response), &a), ODEUS_ERR_STATUS_400);
    CHECK_EQ_INT(a.message.len, 63);
    CHECK(a.message.ptr && memcmp(a.message.ptr, r62 + 1, 61) == 0 && memcmp(a.message.ptr + 61, "\xc3\xa9", 3) == 0);
  }
  /* no reason phrase: "HTTP" and the status */
  expect_message(429, "", NULL, ODEUS_ERR_STATUS_429, "HTTP 429");
  expect_message(503, "null", "", ODEUS_ERR_STATUS_5XX, "HTTP 503");
  expect_message(418, "[]", "I'm a teapot", ODEUS_ERR_STATUS_OTHER, "I'm a teapot");
  expect_message(302, "{}", "Found", ODEUS_ERR_STATUS_OTHER, "Found");
  /* preference and fallbacks */
  expect_message(400, "{\"error\":\"y\",\"message\":\"x\"}", "B", ODEUS_ERR_STATUS_400, "x");
  expect_message(400, "{\"message\":\"x\",\"error\":\"y\"}", "B", ODEUS_ERR_STATUS_400, "x");
  expect_message(400, "{\"message\":\"\",\"error\":\"y\"}", "B", ODEUS_ERR_STATUS_400, "y");
  expect_message(400, "{\"message\":[],\"error\":\"y\"}", "B", ODEUS_ERR_STATUS_400, "y");
  expect_message(400, "{\"error\":\"y\",\"message\":[5,{\"code\":1}]}", "B", ODEUS_ERR_STATUS_400, "y");
  expect_message(400, "{\"message\":null,\"error\":{\"code\":5,\"message\":\"z\",\"message\":\"w\"}}", "B",
                 ODEUS_ERR_STATUS_400, "z");
  expect_message(400, "{\"error\":{\"message\":1},\"error\":\"y\"}", "B", ODEUS_ERR_STATUS_400, "y");
  expect_message(400, "{\"message\":\"a\",\"message\":\"b\"}", "B", ODEUS_ERR_STATUS_400, "a");
  expect_message(400, "{\"error\":{\"detail\":{\"message\":\"deep\"}}}", "B", ODEUS_ERR_STATUS_400, "B");
  expect_message(400, "[{\"message\":\"inside an array\"}]", "B", ODEUS_ERR_STATUS_400, "B");
  expect_message(400, "\"just a string\"", "B", ODEUS_ERR_STATUS_400, "B");
  expect_message(400, "{\"data\":{\"message\":\"no\"},\"message\":\"yes\"}", "B", ODEUS_ERR_STATUS_400, "yes");
  /* items: any key order, a path array, strings, items lacking a part */
  expect_message(400, "{\"message\":[{\"message\":\"Required\",\"path\":[\"authFields\",0,\"slug\"]}]}", "B",
                 ODEUS_ERR_STATUS_400, "authFields.0.slug: Required");
  expect_message(400, "{\"message\":[{\"message\":\"m1\",\"code\":\"c\",\"path\":\"p1\"},\"plain\","
                      "{\"message\":\"only\"},{\"path\":[\"a\",{\"x\":1},1.5]},{\"path\":\"\",\"message\":\"m\"},"
                      "{\"path\":[],\"message\":\"n\"},{\"path\":\"p\",\"message\":\"\"},{}]}", "B",
                 ODEUS_ERR_STATUS_400, "p1: m1; plain; only; a.1.5; m; n; p");
  expect_message(400, "{\"message\":[{\"message\":\"x\",\"message\":\"y\",\"path\":\"p\",\"path\":\"q\"}]}", "B",
                 ODEUS_ERR_STATUS_400, "p: x");
  expect_message(400, "{\"message\":[{\"message\":{\"message\":\"no\"},\"path\":{\"path\":\"no\"}},"
                      "[{\"message\":\"no\"}],{\"message\":\"\\u00e9\\uD83D\\uDE00\"}]}", "B",
                 ODEUS_ERR_STATUS_400, "\xc3\xa9\xf0\x9f\x98\x80");
  expect_message(400, "{\"message\":\"a\\\"b\\n\"}", "B", ODEUS_ERR_STATUS_400, "a\"b\n");
  expect_message(400, "{\"error\":\"y\",\"message\":[{\"path\":\"p\"}]}", "B", ODEUS_ERR_STATUS_400, "p");
  /* keys near the names read: empty, a prefix, longer, another case */
  expect_message(400, "{\"\":\"e\",\"messag\":\"f\",\"errors\":\"g\",\"Message\":\"h\",\"error\":\"y\"}", "B",
                 ODEUS_ERR_STATUS_400, "y");
  expect_message(400, "{\"message\":[{\"\":\"e\",\"pat\":\"f\",\"paths\":\"g\",\"message\":\"m\",\"path\":\"p\"}]}", "B",
                 ODEUS_ERR_STATUS_400, "p: m");
}

/* The message capped at every storage size: NUL-terminated, nothing
 * written past the storage, cut at a character boundary, and a prefix of
 * the whole; the longest such prefix (exact) unless an item gives its
 * message before its path (then the item is dropped when cut). */
static void check_message_caps(int status, const char *body, const char *whole, int exact)
{
  size_t full = strlen(whole), cap;
  for (cap = 0; cap <= full + 2; cap++) {
    odeus_answer a;
    odeus_result res;
    size_t g, keep = cap ? OA_MIN(cap - 1, full) : 0;
    int bad = 0;
    answer_init(&a, 0, cap);
    res = feed_split(&a, status, body, strlen(body), cap % 2 ? SPLIT_BYTES : SPLIT_WHOLE, "R");
    if (res != oa_status_result(status)) bad++;
    /* back to a character boundary */
    while (keep < full && keep > 0 && ((unsigned char)whole[keep] & 0xC0) == 0x80) keep--;
    if (cap == 0) {
      if (a.message.ptr != NULL || a.message.len != full) bad++;
    } else if (a.message.ptr != storage || a.message.ptr[a.message.len] != '\0'
               || a.message.len > keep || memcmp(a.message.ptr, whole, a.message.len) != 0
               || (exact && a.message.len != keep)
               || (a.message.len < full && ((unsigned char)whole[a.message.len] & 0xC0) == 0x80)) {
      bad++;
    }
    if (a.strings_needed != full + 1 || a.cut != (cap < full + 1)) bad++;
    for (g = cap; g < cap + GUARD; g++)
      if (storage[g] != 0x7e) bad++;
    if (bad) fprintf(stderr, "message cap %zu: \"%.*s\"\n", cap, (int)a.message.len, a.message.ptr ? a.message.ptr : "");
    CHECK_EQ_INT(bad, 0);
  }
}

static void test_message_caps(void)
{
  odeus_answer a;
  check_message_caps(400, "{\"message\":[{\"path\":\"authFields.0.slug\",\"message\":\"Required\"},"
                          "{\"path\":\"authType\",\"message\":\"Invalid enum value\"}]}",
                     "authFields.0.slug: Required; authType: Invalid enum value", 1);
  check_message_caps(400, "{\"message\":[{\"message\":\"Required\",\"path\":[\"authFields\",0,\"slug\"]},"
                          "{\"message\":\"B\\u00e9\",\"path\":\"t\"},{\"message\":\"x\"}]}",
                     "authFields.0.slug: Required; t: B\xc3\xa9; x", 0);
  check_message_caps(400, "{\"error\":\"\\u00e9\\u20ac\\uD83D\\uDE00 \xe2\x82\xac\",\"message\":[]}",
                     "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xe2\x82\xac", 1);
  check_message_caps(500, "<html>", "R", 1);
  check_message_caps(401, "{\"error\":\"long error text\",\"message\":\"short\"}", "short", 1);
  /* a reversed item cut by the storage is dropped whole: what came before stays */
  answer_init(&a, 0, 12);
  CHECK_EQ_INT(feed_split(&a, 400, "{\"message\":[{\"path\":\"a\",\"message\":\"b\"},{\"message\":\"Required\",\"path\":\"p\"}]}",
                          74, SPLIT_WHOLE, "R"), ODEUS_ERR_STATUS_400);
  CHECK(str_is(a.message, "a: b"));
  CHECK_EQ_INT(a.strings_needed, strlen("a: b; p: Required") + 1);
}

static void test_status_result(void)
{
  CHECK_EQ_INT(oa_status_result(200), ODEUS_OK);
  CHECK_EQ_INT(oa_status_result(201), ODEUS_ERR_STATUS_OTHER);
  CHECK_EQ_INT(oa_status_result(204), ODEUS_ERR_STATUS_OTHER);
  CHECK_EQ_INT(oa_status_result(299), ODEUS_ERR_STATUS_OTHER);
  CHECK_EQ_INT(oa_status_result(400), ODEUS_ERR_STATUS_400);
  CHECK_EQ_INT(oa_status_result(401), ODEUS_ERR_STATUS_401);
  CHECK_EQ_INT(oa_status_result(403), ODEUS_ERR_STATUS_403);
  CHECK_EQ_INT(oa_status_result(404), ODEUS_ERR_STATUS_404);
  CHECK_EQ_INT(oa_status_result(429), ODEUS_ERR_STATUS_429);
  CHECK_EQ_INT(oa_status_result(500), ODEUS_ERR_STATUS_5XX);
  CHECK_EQ_INT(oa_status_result(503), ODEUS_ERR_STATUS_5XX);
  CHECK_EQ_INT(oa_status_result(599), ODEUS_ERR_STATUS_5XX);
  CHECK_EQ_INT(oa_status_result(600), ODEUS_ERR_STATUS_OTHER);
  CHECK_EQ_INT(oa_status_result(402), ODEUS_ERR_STATUS_OTHER);
  CHECK_EQ_INT(oa_status_result(300), ODEUS_ERR_STATUS_OTHER);
  CHECK_EQ_INT(oa_status_result(199), ODEUS_ERR_STATUS_OTHER);
  CHECK_EQ_INT(oa_status_result(100), ODEUS_ERR_STATUS_OTHER);
  CHECK_EQ_INT(oa_status_result(0), ODEUS_ERR_STATUS_OTHER);
  CHECK_EQ_INT(oa_status_result(-1), ODEUS_ERR_STATUS_OTHER);
}

/* ---- writing the answer back ---- */

static const char example_written[] =
  "{\"id\":\"550e8400-e29b-41d4-a716-446655440000\",\"authType\":\"API_KEY\","
  "\"authTestCode\":\"const response = await fetch(secrets.base_url + '/me', {\\n  headers: "
  "{ 'Authorization': 'Bearer ' + secrets.api_key }\\n});\\nif (!response.ok) throw new Error('Invalid key');\","
  "\"authFields\":[{\"slug\":\"api_key\",\"label\":\"API Key\",\"type\":\"PASSWORD\","
  "\"description\":\"Found under Settings > API\",\"placeholder\":\"sk-...\",\"required\":true},"
  "{\"slug\":\"base_url\",\"label\":\"Base URL\",\"type\":\"TEXT\","
  "\"description\":\"Your account's API base URL\",\"placeholder\":\"https://api.example.com\",\"required\":false}],"
  "\"oauthClient\":null}";

#define ABSENT_WRITTEN \
  "{\"id\":\"i\\\"d\",\"authType\":\"MAGIC\",\"authTestCode\":null,\"authFields\":[{\"slug\":\"s\"," \
  "\"label\":\"\xc3\xa9\",\"type\":\"DATE\\u0001\",\"placeholder\":null,\"required\":false}]," \
  "\"oauthClient\":{\"scopes\":null,\"label\":\"L\",\"refreshTokenCode\":\"r\\n\"}}"

static void test_write_answer(void)
{
  odeus_answer a;
  static char out[2048];
  size_t needed = 0, cap;
  CHECK_EQ_INT(parse_body(&a, example_body), ODEUS_OK);
  CHECK_EQ_INT(odeus_write_answer(&a, out, sizeof out, &needed), ODEUS_OK);
  CHECK_MEM(out, needed, example_written, sizeof example_written - 1);
  CHECK_EQ_INT(odeus_write_answer(&a, NULL, 0, &needed), ODEUS_ERR_BUFFER_TOO_SMALL);
  CHECK_EQ_INT(needed, sizeof example_written - 1);
  for (cap = 0; cap < sizeof example_written; cap += 37) {
    memset(out, '#', sizeof out);
    needed = 0;
    CHECK_EQ_INT(odeus_write_answer(&a, out, cap, &needed), ODEUS_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(needed, sizeof example_written - 1);
    CHECK(memcmp(out, example_written, cap) == 0 && out[cap] == '#');
  }
  CHECK_EQ_INT(odeus_write_answer(&a, out, sizeof example_written - 1, NULL), ODEUS_OK);
  CHECK_EQ_INT(odeus_write_answer(&a, NULL, 5, &needed), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(odeus_write_answer(NULL, out, sizeof out, &needed), ODEUS_ERR_ARGUMENT);
  /* unknown enums as their text; oauthClient; escapes; an absent string as
   * null where null may stand, else left out */
  CHECK_EQ_INT(parse_body(&a, "{\"integration\":{\"authType\":\"MAGIC\",\"id\":\"i\\\"d\","
                              "\"authFields\":[{\"type\":\"DATE\\u0001\",\"slug\":\"s\",\"label\":\"\\u00e9\"}],"
                              "\"oauthClient\":{\"label\":\"L\",\"refreshTokenCode\":\"r\\n\"}}}"), ODEUS_OK);
  CHECK_EQ_INT(odeus_write_answer(&a, out, sizeof out, &needed), ODEUS_OK);
  CHECK_MEM(out, needed,
            ABSENT_WRITTEN, strlen(ABSENT_WRITTEN));
  /* which reads back as the same answer */
  {
    static char body[2048];
    odeus_answer back;
    snprintf(body, sizeof body, "{\"integration\":%s}", ABSENT_WRITTEN);
    CHECK_EQ_INT(parse_body(&back, body), ODEUS_OK);
    CHECK_EQ_INT(odeus_write_answer(&back, out, sizeof out, &needed), ODEUS_OK);
    CHECK_MEM(out, needed, ABSENT_WRITTEN, strlen(ABSENT_WRITTEN));
  }
  /* an error answer has no integration to write */
  answer_init(&a, 8, 4096);
  feed_split(&a, 404, "{\"message\":\"gone\"}", 18, SPLIT_WHOLE, "Not Found");
  CHECK_EQ_INT(odeus_write_answer(&a, out, sizeof out, &needed), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(needed, 0);
  /* nor has a refused one, though its id was read before the wrong type */
  needed = 7;
  memset(out, '#', 4);
  CHECK_EQ_INT(parse_body(&a, INTEG("\"authFields\":[{\"slug\":5}]")), ODEUS_ERR_ANSWER_TYPE);
  CHECK_STR(a.id.ptr ? a.id.ptr : "", "i");
  CHECK_EQ_INT(odeus_write_answer(&a, out, sizeof out, &needed), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(needed, 0);
  CHECK(memcmp(out, "####", 4) == 0);
}

/* ---- the problem line ---- */

static void test_problem_format(void)
{
  odeus_answer a;
  char small[8];
  CHECK_EQ_INT(parse_body(&a, INTEG("\"authFields\":[{\"slug\":\"s\",\"label\":\"l\",\"type\":\"TEXT\"},"
                                    "{\"slug\":true}]")), ODEUS_ERR_ANSWER_TYPE);
  CHECK_EQ_INT(odeus_problem_format(&a.problem, NULL, 0), strlen("integration.authFields[1].slug: expected a string"));
  CHECK_EQ_INT(odeus_problem_format(&a.problem, small, sizeof small), 49);
  CHECK_STR(small, "integra");
  CHECK_EQ_INT(a.problem.in_answer, 1);
  { /* the same problem read as a config's has no "integration." */
    odeus_problem q = a.problem;
    char line[64];
    q.in_answer = 0;
    odeus_problem_format(&q, line, sizeof line);
    CHECK_STR(line, "authFields[1].slug: expected a string");
  }
  CHECK_EQ_INT(odeus_problem_format(NULL, small, sizeof small), 0);
  CHECK_STR(small, "");
  CHECK_EQ_INT(parse_body(&a, example_body), ODEUS_OK);
  CHECK_EQ_INT(odeus_problem_format(&a.problem, small, sizeof small), 0);
}

/* ---- through the real HTTP parser ---- */

static char resp[2048];

/* A response with a Content-Length header for its body. */
static const char *with_length(const char *head, const char *body)
{
  char num[24];
  size_t n = strlen(body);
  int i = 24;
  num[--i] = '\0';
  do num[--i] = (char)('0' + n % 10); while (n /= 10);
  strcpy(resp, head);
  strcat(resp, "Content-Length: ");
  strcat(resp, num + i);
  strcat(resp, "\r\n\r\n");
  strcat(resp, body);
  return resp;
}

/* body sent as chunks of the given sizes (hexadecimal), then the last chunk. */
static const char *chunked(const char *head, const char *body, const size_t *sizes, size_t count)
{
  static const char hex[] = "0123456789abcdef";
  size_t i, at = 0;
  strcpy(resp, head);
  strcat(resp, "Transfer-Encoding: chunked\r\n\r\n");
  for (i = 0; i < count; i++) {
    size_t len = strlen(resp), n = sizes[i];
    resp[len++] = hex[(n >> 4) & 15];
    resp[len++] = hex[n & 15];
    resp[len++] = ';';
    resp[len++] = 'x';
    resp[len++] = '\r';
    resp[len++] = '\n';
    memcpy(resp + len, body + at, n);
    len += n;
    at += n;
    resp[len++] = '\r';
    resp[len++] = '\n';
    resp[len] = '\0';
  }
  strcat(resp, "0\r\nX-Trailer: t\r\n\r\n");
  return resp;
}

static odeus_result parse_response(const char *r, odeus_answer *a, size_t field_cap, size_t strings_cap)
{
  answer_init(a, field_cap, strings_cap);
  return exchange_response(r, strlen(r), a);
}

static void test_http(void)
{
  static const char errors[] = "{\"message\":[{\"path\":\"authFields.0.slug\",\"message\":\"Required\"},"
                               "{\"path\":\"authType\",\"message\":\"Invalid enum value\"}]}";
  static const size_t sizes[] = { 16, 30, 1, 200, 255, 184 };
  odeus_answer a;
  CHECK_EQ_INT(sizeof example_body - 1, 686);
  with_length("HTTP/1.1 200 OK\r\nServer: odeus-1\r\nContent-Type: application/json; charset=utf-8\r\n"
              "Connection: keep-alive\r\n", example_body);
  CHECK_EQ_INT(strlen(resp), 814);
  CHECK_EQ_INT(parse_response(resp, &a, 8, 4096), ODEUS_OK);
  check_example_values(&a);
  /* chunked, with a 100 Continue first */
  chunked("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", example_body, sizes, 6);
  CHECK_EQ_INT(parse_response(resp, &a, 8, 4096), ODEUS_OK);
  check_example_values(&a);
  /* a body read until the peer closes */
  CHECK_EQ_INT(parse_response("HTTP/1.0 200 OK\r\n\r\n{\"integration\":{\"id\":\"i\",\"authType\":\"NONE\"}}",
                              &a, 8, 4096), ODEUS_OK);
  CHECK_EQ_INT(a.auth_type, ODEUS_AUTH_NONE);
  /* error answers */
  CHECK_EQ_INT(parse_response(with_length("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n", errors),
                              &a, 8, 4096), ODEUS_ERR_STATUS_400);
  CHECK(str_is(a.message, "authFields.0.slug: Required; authType: Invalid enum value"));
  CHECK_EQ_INT(parse_response("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", &a, 8, 4096),
               ODEUS_ERR_STATUS_401);
  CHECK(str_is(a.message, "Unauthorized"));
  CHECK_EQ_INT(parse_response(with_length("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\n",
                                          "<h1>down</h1>"), &a, 8, 4096), ODEUS_ERR_STATUS_5XX);
  CHECK(str_is(a.message, "Service Unavailable"));
  CHECK_EQ_INT(parse_response(with_length("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 5\r\n",
                                          "{\"error\":{\"message\":\"slow\""), &a, 8, 4096), ODEUS_ERR_STATUS_429);
  CHECK(str_is(a.message, "Too Many Requests"));
  CHECK_EQ_INT(parse_response(with_length("HTTP/1.1 404 Not Found\r\n", "{\"error\":\"no such\"}"), &a, 8, 4),
               ODEUS_ERR_STATUS_404);
  CHECK(str_is(a.message, "no "));
  CHECK_EQ_INT(a.cut, 1);
  CHECK_EQ_INT(parse_response("HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "4\r\n{\"er\r\nf\r\nror\":\"db down\"}\r\n0\r\n\r\n", &a, 8, 4096), ODEUS_ERR_STATUS_5XX);
  CHECK(str_is(a.message, "db down"));
  /* HTTP errors come first; a 200 refusal stops the parser */
  CHECK_EQ_INT(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"integration\":{\"id\":\"i\",", &a, 8, 4096),
               ODEUS_ERR_HTTP_TRUNCATED);
  CHECK_EQ_INT(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"integration\":{}}", &a, 8, 4096),
               ODEUS_ERR_ANSWER_MISSING);
  CHECK_EQ_INT(parse_response(with_length("HTTP/1.1 200 OK\r\n", "{\"integration\":{}}"), &a, 8, 4096),
               ODEUS_ERR_ANSWER_MISSING);
  CHECK_STR(problem_of(&a), "integration.id: required");
  CHECK_EQ_INT(parse_response(with_length("HTTP/1.1 200 OK\r\n", "[]"), &a, 8, 4096), ODEUS_ERR_ANSWER_TYPE);
  CHECK_EQ_INT(parse_response("HTTP/1.1 204 No Content\r\n\r\n", &a, 8, 4096), ODEUS_ERR_STATUS_OTHER);
  CHECK(str_is(a.message, "No Content"));
  CHECK_EQ_INT(parse_response("HTTP/1.1 2000 OK\r\n\r\n", &a, 8, 4096), ODEUS_ERR_HTTP_STATUS_LINE);
}

/* The reader behind the HTTP parser, both fed in pieces of every size. */
static int on_body(void *ctx, const char *data, size_t len)
{
  return (int)odeus_answer_feed((odeus_answer_reader *)ctx, data, len);
}

static void test_http_pieces(void)
{
  size_t piece;
  with_length("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n", example_body);
  for (piece = 1; piece <= 64; piece++) {
    oa_http h;
    odeus_answer_reader r;
    odeus_answer a;
    size_t at = 0, len = strlen(resp);
    odeus_result res = ODEUS_OK;
    answer_init(&a, 8, 4096);
    oa_http_init(&h, on_body, &r);
    odeus_answer_begin(&r, &a, 200);
    while (at < len && res == ODEUS_OK) {
      size_t n = OA_MIN(piece, len - at);
      res = oa_http_feed(&h, resp + at, n, NULL);
      at += n;
    }
    CHECK_EQ_INT(res, ODEUS_OK);
    CHECK_EQ_INT(h.done, 1);
    CHECK_EQ_INT(odeus_answer_finish(&r, h.reason), ODEUS_OK);
    if (piece == 1 || piece == 7 || piece == 64) check_example_values(&a);
    else CHECK(str_is(a.fields[1].placeholder, "https://api.example.com") && a.cut == 0);
  }
}

/* ---- generated answers: any split gives the same result ---- */

static void test_generated(void)
{
  static const char *const pieces[] = {
    "{\"integration\":{", "\"id\":\"g\\u00e9\"", "\"authType\":\"API_KEY\"", "\"authType\":\"NEW\"",
    "\"authTestCode\":null", "\"authTestCode\":\"c\\\\d\"", "\"authFields\":[]",
    "\"authFields\":[{\"slug\":\"a\",\"label\":\"b\",\"type\":\"TEXT\",\"required\":true}]",
    "\"authFields\":[{\"slug\":\"a\",\"label\":\"b\",\"type\":\"X\"},{\"slug\":\"\\uD83D\",\"label\":\"\",\"type\":\"NUMBER\"}]",
    "\"oauthClient\":null", "\"oauthClient\":{\"scopes\":\"s\",\"accessTokenCode\":\"a\"}",
    "\"u\":[{},[],\"\",0,true]", "\"id\":1", "\"authFields\":[{\"slug\":\"a\"}]"
  };
  static char body[1024];
  int round;
  for (round = 0; round < 300; round++) {
    int k, count = 1 + (int)(rng() % 6);
    strcpy(body, "{\"integration\":{");
    for (k = 0; k < count; k++) {
      if (k) strcat(body, ",");
      strcat(body, pieces[1 + rng() % (sizeof pieces / sizeof pieces[0] - 1)]);
    }
    strcat(body, rng() % 8 ? "}}" : "}");
    check_splits(200, body, strlen(body), 1 + rng() % 3, rng() % 64);
  }
}

int main(void)
{
  test_required_rows();
  test_example();
  test_storage_sizes();
  test_field_capacity();
  test_reuse();
  test_unknown_keys();
  test_key_rows();
  test_enums();
  test_strings();
  test_nullable();
  test_wrong_types();
  test_missing();
  test_duplicates();
  test_json_errors();
  test_error_answers();
  test_message_caps();
  test_status_result();
  test_write_answer();
  test_problem_format();
  test_http();
  test_http_pieces();
  test_generated();
  return TEST_END();
}

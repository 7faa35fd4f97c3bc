/* Fuzz target for the config parser (a request body given as JSON). Any
 * input: no crash, no read past it (it is copied to a buffer of its exact
 * size), a verdict that agrees with the problem count, every problem
 * formattable; and a body it accepts must validate, write, and parse back
 * to the same config (the writer and the parser agree). */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

typedef struct parsed {
  odeus_config cfg;
  odeus_auth_field fields[16];
  odeus_oauth_client oauth;
  char strings[4096];
  odeus_problem items[8];
  odeus_problems problems;
} parsed;

static odeus_result parse(parsed *p, const char *json, size_t len)
{
  odeus_config_storage st;
  st.fields = p->fields;
  st.field_capacity = 16;
  st.oauth_client = &p->oauth;
  st.strings = p->strings;
  st.strings_capacity = sizeof p->strings;
  p->problems.items = p->items;
  p->problems.capacity = 8;
  p->problems.count = 0;
  return odeus_parse_config(json, len, &p->cfg, &st, &p->problems);
}

static int same(odeus_str a, odeus_str b)
{
  if (!a.ptr || !b.ptr) return !a.ptr && !b.ptr;
  return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

/* Whether the text holds a lone surrogate escape anywhere (the JSON
 * reader flags the U+FFFD it turns one into). */
static int flags_or(void *ctx, const oa_json_event *ev)
{
  *(unsigned *)ctx |= ev->flags;
  return 0;
}

static int has_lone_surrogate(const char *json, size_t len)
{
  unsigned flags = 0;
  oa_json js;
  oa_json_init(&js, flags_or, &flags);
  (void)oa_json_feed(&js, json, len);
  return (flags & OA_JSON_LONE) != 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  static parsed a, b;
  static char body[1 << 17], line[512];
  char *copy = (char *)malloc(size ? size : 1);
  size_t i, n = 0;
  odeus_result r;
  memcpy(copy, data, size);
  r = parse(&a, copy, size);
  FUZZ_CHECK((r == ODEUS_OK) == (a.problems.count == 0));
  for (i = 0; i < a.problems.count && i < a.problems.capacity; i++) {
    size_t need = odeus_problem_format(&a.items[i], line, sizeof line);
    FUZZ_CHECK(need > 0 && strlen(line) == (need < sizeof line ? need : sizeof line - 1));
  }
  if (r == ODEUS_OK) {
    /* SPEC §1: a lone surrogate escape has no UTF-8 form; wherever it
     * stands, some problem refuses the body */
    FUZZ_CHECK(!has_lone_surrogate(copy, size));
    FUZZ_CHECK(odeus_validate_config(&a.cfg, NULL) == ODEUS_OK);
    FUZZ_CHECK(odeus_write_body(&a.cfg, body, sizeof body, &n) == ODEUS_OK);
    FUZZ_CHECK(parse(&b, body, n) == ODEUS_OK);
    { /* the one-pass writer and the streaming walk give the same request */
      static char whole[(1 << 17) + 512], streamed[(1 << 17) + 512];
      odeus_request rq = { NULL, "k", "550e8400-e29b-41d4-a716-446655440000", NULL, NULL };
      oa_stream st;
      size_t m = 0, k, got = 0;
      rq.config = &a.cfg;
      FUZZ_CHECK(oa_write_request(&rq, whole, sizeof whole, &m, 0) == ODEUS_OK);
      FUZZ_CHECK(oa_stream_begin(&st, &rq) == ODEUS_OK);
      while ((k = oa_stream_next(&st, streamed + got, 61)) > 0) got += k;
      FUZZ_CHECK(got == m && memcmp(whole, streamed, m) == 0);
    }
    FUZZ_CHECK(a.cfg.auth_type == b.cfg.auth_type && same(a.cfg.auth_test_code, b.cfg.auth_test_code));
    FUZZ_CHECK(!a.cfg.fields == !b.cfg.fields && a.cfg.field_count == b.cfg.field_count);
    for (i = 0; i < a.cfg.field_count; i++) {
      const odeus_auth_field *x = &a.cfg.fields[i], *y = &b.cfg.fields[i];
      FUZZ_CHECK(same(x->slug, y->slug) && same(x->label, y->label) && x->type == y->type &&
                 same(x->description, y->description) && same(x->placeholder, y->placeholder) &&
                 x->required == y->required);
    }
    FUZZ_CHECK(!a.cfg.oauth_client == !b.cfg.oauth_client);
    if (a.cfg.oauth_client) {
      const odeus_oauth_client *x = a.cfg.oauth_client, *y = b.cfg.oauth_client;
      FUZZ_CHECK(same(x->scopes, y->scopes) && same(x->auth_url, y->auth_url) &&
                 same(x->token_url, y->token_url) && same(x->client_id, y->client_id) &&
                 same(x->client_secret, y->client_secret) && same(x->label, y->label) &&
                 same(x->authorization_code, y->authorization_code) &&
                 same(x->access_token_code, y->access_token_code) &&
                 same(x->refresh_token_code, y->refresh_token_code));
    }
  }
  free(copy);
  return 0;
}

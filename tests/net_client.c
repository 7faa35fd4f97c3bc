/* The bundled transport (odeus_client) against the mock Odeus server
 * (tests/mock_server.c) over real TLS on 127.0.0.1. Started by
 * tests/steps.d/50_net.sh with the ports of the servers it runs:
 *
 *   net_client MAIN PLAIN UNKNOWN_CA WRONG_NAME EXPIRED IDLE [quick]
 *
 * MAIN serves tests/certs/server.pem (localhost, 127.0.0.1; our test CA);
 * PLAIN is plain HTTP; the next three serve the refused certificates; IDLE
 * closes kept-alive connections after 1 s. "quick" (under valgrind) skips
 * the checks of elapsed time and the slowest modes. Expectations come from
 * SPEC.md and the mock server's documented behaviour. */
#define _POSIX_C_SOURCE 200809L
#define ODEUS_AUTH_IMPLEMENTATION
#define ODEUS_AUTH_MBEDTLS
#include "odeus_auth.h"
#include "test.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define KEY "test-key"
#define ID "550e8400-e29b-41d4-a716-446655440000"
#define OTHER_WORKSPACE "11111111-2222-4333-8444-555555555555"
#define UNKNOWN_ID "99999999-2222-4333-8444-555555555555"
#define MODE_ID(nn) "00000000-0000-4000-8000-0000000000" nn
#define SECRET "s3cr3t-Vq7wZ"
#define CA "tests/certs/ca.pem"

static int port_main, port_plain, port_unknown, port_wrong, port_expired, port_idle;
static int quick;

static const char *url(const char *scheme, const char *host, int port, const char *prefix)
{
  static char bufs[8][160];
  static int next;
  char *b = bufs[next++ % 8];
  snprintf(b, sizeof bufs[0], "%s://%s:%d%s", scheme, host, port, prefix);
  return b;
}

static const char *main_url(void) { return url("https", "localhost", port_main, ""); }

static long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- configs for every auth type ------------------------------------------- */
static const odeus_auth_field key_fields[] = {
  { ODEUS_LIT("api_key"), ODEUS_LIT("API Key"), ODEUS_FIELD_PASSWORD, ODEUS_LIT("Found under Settings"),
    ODEUS_LIT("sk-..."), ODEUS_BOOL_TRUE }
};
static odeus_oauth_client oauth;
static odeus_config cfg_api_key, cfg_oauth, cfg_dcr, cfg_service, cfg_none;

static void setup_configs(void)
{
  memset(&cfg_api_key, 0, sizeof cfg_api_key);
  cfg_api_key.auth_type = ODEUS_AUTH_API_KEY;
  cfg_api_key.fields = key_fields;
  cfg_api_key.field_count = 1;
  memset(&oauth, 0, sizeof oauth);
  oauth.scopes = odeus_cstr("read write");
  oauth.auth_url = odeus_cstr("https://idp.example.com/authorize");
  oauth.token_url = odeus_cstr("https://idp.example.com/token");
  oauth.client_id = odeus_cstr("client-42");
  oauth.client_secret = odeus_cstr(SECRET);
  oauth.label = odeus_cstr("Example IdP");
  oauth.authorization_code = odeus_cstr("return input;");
  memset(&cfg_oauth, 0, sizeof cfg_oauth);
  cfg_oauth.auth_type = ODEUS_AUTH_OAUTH;
  cfg_oauth.oauth_client = &oauth;
  memset(&cfg_dcr, 0, sizeof cfg_dcr);
  cfg_dcr.auth_type = ODEUS_AUTH_OAUTH_DCR;
  memset(&cfg_service, 0, sizeof cfg_service);
  cfg_service.auth_type = ODEUS_AUTH_SERVICE_ACCOUNT;
  cfg_service.fields = key_fields; /* non-NULL with 0 entries: an explicit [] */
  cfg_service.field_count = 0;
  memset(&cfg_none, 0, sizeof cfg_none);
  cfg_none.auth_type = ODEUS_AUTH_NONE;
}

static odeus_request req_for(const char *base, const char *key, const char *id, const odeus_config *c)
{
  odeus_request r;
  memset(&r, 0, sizeof r);
  r.base_url = base;
  r.api_key = key;
  r.integration_id = id;
  r.config = c;
  return r;
}

/* ---- the answer ------------------------------------------------------------ */
static odeus_answer_field fields[8];
static char strings[4096];
static odeus_answer answer;

static odeus_answer *fresh_answer(void)
{
  memset(&answer, 0, sizeof answer);
  answer.fields = fields;
  answer.field_capacity = 8;
  answer.strings = strings;
  answer.strings_capacity = sizeof strings;
  return &answer;
}

static const char *msg(void) { return answer.message.ptr ? answer.message.ptr : "(none)"; }

/* ---- the client -------------------------------------------------------------- */
#include "fake_retry.h"

static odeus_client_options options(void)
{
  odeus_client_options o;
  memset(&o, 0, sizeof o);
  o.ca_file = CA;
  o.io_timeout_ms = 5000;
  o.deadline_ms = 20000;
  o.retry.sleep = fake_sleep;
  o.retry.random = all_ones;
  return o;
}

static odeus_client cl;

static void open_client(const odeus_client_options *o)
{
  CHECK_EQ_INT(odeus_client_init(&cl, o), ODEUS_OK);
}

/* No byte sequence of a secret stays in the client's window. */
static int window_clean(const odeus_client *c)
{
  static const char *const secrets[] = { KEY, SECRET, "wrong-key", "noscope-key" };
  size_t i, j;
  for (i = 0; i < OA_COUNT(secrets); i++) {
    size_t n = strlen(secrets[i]);
    for (j = 0; j + n <= sizeof c->window; j++)
      if (memcmp(c->window + j, secrets[i], n) == 0) return 0;
  }
  return 1;
}

static odeus_result apply(const char *base, const char *key, const char *id, const odeus_config *c)
{
  odeus_request r = req_for(base, key, id, c);
  odeus_result res;
  n_slept = 0;
  res = odeus_client_apply(&cl, &r, fresh_answer());
  CHECK(window_clean(&cl));
  return res;
}

/* ---- raw requests for the server's own endpoints (/__state, /__stats) ------
 * Over a connection of a second client, read with the library's parser. */
typedef struct collect {
  char *buf;
  size_t cap, len;
} collect;

static int collect_body(void *ctx, const char *data, size_t len)
{
  collect *c = (collect *)ctx;
  size_t n = len < c->cap - 1 - c->len ? len : c->cap - 1 - c->len;
  memcpy(c->buf + c->len, data, n);
  c->len += n;
  c->buf[c->len] = '\0';
  return 0;
}

/* recv through the client, with every byte also kept in tee_buf (when set) */
static char tee_buf[65536];
static size_t tee_len;

static int tee_recv(void *ctx, unsigned char *buf, size_t len)
{
  odeus_client *c = (odeus_client *)ctx;
  int n = oa_tls_io_recv(c, buf, len);
  if (n > 0 && tee_len + (size_t)n < sizeof tee_buf) {
    memcpy(tee_buf + tee_len, buf, (size_t)n);
    tee_len += (size_t)n;
  }
  return n;
}

static int raw_get(const char *path, char *out, size_t cap)
{
  odeus_client c;
  odeus_client_options o = options();
  odeus_request r = req_for(main_url(), NULL, NULL, NULL);
  oa_http http;
  collect col;
  char head[512];
  int fresh = 0, n, status = -1;
  size_t sent = 0, len;
  col.buf = out;
  col.cap = cap;
  col.len = 0;
  out[0] = '\0';
  if (odeus_client_init(&c, &o) != ODEUS_OK) goto done;
  c.deadline = oa_tls_now(&c) + 10000;
  if (oa_tls_ensure_connection(&c, &r, &fresh) != ODEUS_OK) goto done;
  snprintf(head, sizeof head, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", path);
  len = strlen(head);
  while (sent < len) {
    n = oa_tls_io_send(&c, (const unsigned char *)head + sent, len - sent);
    if (n <= 0) goto done;
    sent += (size_t)n;
  }
  oa_http_init(&http, collect_body, &col);
  while (!http.done) {
    unsigned char in[1024];
    n = tee_recv(&c, in, sizeof in);
    if (n <= 0) break;
    if (oa_http_feed(&http, (const char *)in, (size_t)n, NULL) != ODEUS_OK) break;
  }
  if (http.done) status = http.status;
done:
  odeus_client_free(&c);
  return status;
}

static char state[16384];

static const char *get_state(const char *id)
{
  char path[128];
  snprintf(path, sizeof path, "/__state/%s", id);
  CHECK_EQ_INT(raw_get(path, state, sizeof state), 200);
  return state;
}

static void reset_server(void)
{
  char tmp[256];
  CHECK_EQ_INT(raw_get("/__reset", tmp, sizeof tmp), 200);
}

/* A member of /__stats */
static long stat_of(const char *name)
{
  char body[512], key[64];
  const char *p;
  if (raw_get("/__stats", body, sizeof body) != 200) return -1;
  snprintf(key, sizeof key, "\"%s\":", name);
  p = strstr(body, key);
  return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

#define CHECK_HAS(hay, needle) do { if (strstr((hay), (needle))) test_passed++; else { test_failed++; \
  fprintf(stderr, "FAIL %s:%d: \"%s\" not in %.600s\n", __FILE__, __LINE__, (needle), (hay)); } } while (0)
#define CHECK_HAS_NOT(hay, needle) do { if (!strstr((hay), (needle))) test_passed++; else { test_failed++; \
  fprintf(stderr, "FAIL %s:%d: \"%s\" in %.600s\n", __FILE__, __LINE__, (needle), (hay)); } } while (0)

/* ---- every auth type, and the server's state --------------------------------- */
static void test_auth_types(void)
{
  odeus_client_options o = options();
  odeus_request r;
  odeus_exchange x;
  odeus_io io;
  int fresh = 0;
  reset_server();
  open_client(&o);
  CHECK_HAS(get_state(ID), "\"connections\":3");

  /* the same type: the user connections stay */
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_api_key), ODEUS_OK);
  CHECK_EQ_INT(cl.status, 200);
  CHECK_STR(answer.id.ptr ? answer.id.ptr : "", ID);
  CHECK_EQ_INT(answer.auth_type, ODEUS_AUTH_API_KEY);
  CHECK_EQ_INT(answer.field_count, 1);
  CHECK_STR(fields[0].slug.ptr ? fields[0].slug.ptr : "", "api_key");
  CHECK_EQ_INT(fields[0].type, ODEUS_FIELD_PASSWORD);
  CHECK_EQ_INT(fields[0].required, 1);
  CHECK_HAS(get_state(ID), "\"connections\":3");
  CHECK_HAS(state, "\"authType\":\"API_KEY\"");

  /* a new type deletes every user connection; the secret is stored */
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_oauth), ODEUS_OK);
  CHECK_EQ_INT(answer.auth_type, ODEUS_AUTH_OAUTH);
  CHECK_EQ_INT(answer.has_oauth_client, 1);
  CHECK_STR(answer.oauth_client.scopes.ptr ? answer.oauth_client.scopes.ptr : "", "read write");
  CHECK_STR(answer.oauth_client.label.ptr ? answer.oauth_client.label.ptr : "", "Example IdP");
  CHECK_HAS(get_state(ID), "\"connections\":0");
  CHECK_HAS(state, "\"clientSecret\":\"" SECRET "\"");
  CHECK_HAS(state, "\"clientId\":\"client-42\"");

  /* ... and never returned: the raw answer bytes, read through the library */
  r = req_for(main_url(), KEY, ID, &cfg_oauth);
  tee_len = 0;
  cl.deadline = oa_tls_now(&cl) + 10000;
  CHECK_EQ_INT(oa_tls_ensure_connection(&cl, &r, &fresh), ODEUS_OK);
  io.send = oa_tls_io_send;
  io.recv = tee_recv;
  io.ctx = &cl;
  CHECK_EQ_INT(odeus_exchange_begin(&x, &r, fresh_answer(), cl.window, sizeof cl.window), ODEUS_OK);
  CHECK_EQ_INT(odeus_exchange_run(&x, &io), ODEUS_OK);
  odeus_exchange_end(&x);
  tee_buf[tee_len] = '\0';
  CHECK(tee_len > 200);
  CHECK_HAS(tee_buf, "\"oauthClient\":{");
  CHECK_HAS_NOT(tee_buf, SECRET);
  CHECK_HAS_NOT(tee_buf, "clientSecret");
  CHECK_HAS_NOT(tee_buf, "clientId");
  CHECK_HAS_NOT(tee_buf, "authUrl");
  CHECK_HAS_NOT(tee_buf, "tokenUrl");
  CHECK(window_clean(&cl));
  odeus_client_close(&cl);

  /* OAUTH_DCR: another type again, the old OAuth client goes */
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_dcr), ODEUS_OK);
  CHECK_EQ_INT(answer.auth_type, ODEUS_AUTH_OAUTH_DCR);
  CHECK_EQ_INT(answer.has_oauth_client, 0);
  CHECK_HAS(get_state(ID), "\"oauthClient\":null");
  CHECK_HAS(state, "\"authType\":\"OAUTH_DCR\"");

  /* SERVICE_ACCOUNT with an explicit empty authFields: every field goes */
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_service), ODEUS_OK);
  CHECK_EQ_INT(answer.auth_type, ODEUS_AUTH_SERVICE_ACCOUNT);
  CHECK_EQ_INT(answer.field_count, 0);
  CHECK_HAS(get_state(ID), "\"authFields\":[]");

  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(answer.auth_type, ODEUS_AUTH_NONE);
  CHECK_HAS(get_state(ID), "\"authType\":\"NONE\"");
  CHECK_EQ_INT(cl.attempts, 1);
  odeus_client_free(&cl);
}

/* A dedicated deployment: the base URL carries /api/public. */
static void test_prefix(void)
{
  odeus_client_options o = options();
  open_client(&o);
  CHECK_EQ_INT(apply(url("https", "localhost", port_main, "/api/public"), KEY, ID, &cfg_api_key), ODEUS_OK);
  CHECK_HAS(get_state(ID), "\"lastPath\":\"/api/public/integrations/v1/" ID "/auth\"");
  odeus_client_free(&cl);
}

/* ---- error statuses and retries ------------------------------------------------- */
static void test_statuses(void)
{
  odeus_client_options o = options();
  reset_server();
  open_client(&o);
  CHECK_EQ_INT(apply(main_url(), "wrong-key", ID, &cfg_none), ODEUS_ERR_STATUS_401);
  CHECK_STR(msg(), "Invalid API key");
  CHECK_EQ_INT(cl.attempts, 1);
  CHECK_EQ_INT(n_slept, 0);
  {
    /* the one line that says why, and the snprintf contract */
    static const char want[] = "HTTP 401: missing or invalid API key: Invalid API key";
    char why[128], small[10];
    CHECK_EQ_INT(odeus_client_failure(&cl, ODEUS_ERR_STATUS_401, &answer, why, sizeof why), sizeof want - 1);
    CHECK_STR(why, want);
    CHECK_EQ_INT(odeus_client_failure(&cl, ODEUS_ERR_STATUS_401, &answer, small, sizeof small), sizeof want - 1);
    CHECK_STR(small, "HTTP 401:");
    CHECK_EQ_INT(odeus_client_failure(&cl, ODEUS_ERR_STATUS_401, &answer, NULL, 0), sizeof want - 1);
  }
  CHECK_EQ_INT(apply(main_url(), "noscope-key", ID, &cfg_none), ODEUS_ERR_STATUS_403);
  CHECK_STR(msg(), "API key lacks the INTEGRATION_API scope");
  CHECK_EQ_INT(cl.attempts, 1);
  CHECK_EQ_INT(apply(main_url(), KEY, OTHER_WORKSPACE, &cfg_none), ODEUS_ERR_STATUS_403);
  CHECK_STR(msg(), "No access to this integration");
  CHECK_EQ_INT(cl.attempts, 1);
  CHECK_EQ_INT(apply(main_url(), KEY, UNKNOWN_ID, &cfg_none), ODEUS_ERR_STATUS_404);
  CHECK_STR(msg(), "Integration not found");
  CHECK_EQ_INT(cl.attempts, 1);
  CHECK_EQ_INT(cl.status, 404);
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("05"), &cfg_none), ODEUS_ERR_STATUS_400);
  CHECK_STR(msg(), "authFields.0.slug: Required");
  CHECK_EQ_INT(cl.attempts, 1);
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("06"), &cfg_none), ODEUS_ERR_STATUS_401);
  CHECK_STR(msg(), "Unauthorized");
  CHECK_EQ_INT(cl.attempts, 1);
  /* 500 is not retried */
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("03"), &cfg_none), ODEUS_ERR_STATUS_5XX);
  CHECK_STR(msg(), "Internal server error");
  CHECK_EQ_INT(cl.attempts, 1);
  /* 502 with an HTML body, always: retried up to the attempt count (3),
   * waiting the whole backoff bound each time (random all ones) */
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("07"), &cfg_none), ODEUS_ERR_STATUS_5XX);
  CHECK_STR(msg(), "Bad Gateway");
  CHECK_EQ_INT(cl.attempts, 3);
  CHECK_EQ_INT(n_slept, 2);
  CHECK_EQ_INT(slept[0], 500);
  CHECK_EQ_INT(slept[1], 1000);
  CHECK_EQ_INT(cl.waited_ms, 1500);
  /* errors came over one kept-alive connection */
  CHECK_EQ_INT(cl.connections, 1);
  odeus_client_free(&cl);
}

static void test_retries(void)
{
  odeus_client_options o = options();
  long t0;
  reset_server();
  open_client(&o);
  /* 429 with Retry-After: 1, then success */
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("01"), &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(cl.attempts, 2);
  CHECK_EQ_INT(n_slept, 1);
  CHECK_EQ_INT(slept[0], 1000);
  CHECK_STR(answer.id.ptr ? answer.id.ptr : "", MODE_ID("01"));
  /* Retry-After as a date 2 s ahead: the wait is 1..2 s by our clock */
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("02"), &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(cl.attempts, 2);
  CHECK_EQ_INT(n_slept, 1);
  CHECK(slept[0] > 0 && slept[0] <= 2000);
  /* 503, 504, 502 then success: one backoff of 500 ms; a 408 is not retried */
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("04"), &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(cl.attempts, 2);
  CHECK_EQ_INT(slept[0], 500);
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("21"), &cfg_none), ODEUS_ERR_STATUS_OTHER);
  CHECK_EQ_INT(cl.status, 408);
  CHECK_EQ_INT(cl.attempts, 1);
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("22"), &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(cl.attempts, 2);
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("27"), &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(cl.attempts, 2);
  /* always 429: three attempts, two waits of 1 s, then the 429 */
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("16"), &cfg_none), ODEUS_ERR_STATUS_429);
  CHECK_STR(msg(), "Rate limit exceeded");
  CHECK_EQ_INT(cl.attempts, 3);
  CHECK_EQ_INT(n_slept, 2);
  CHECK_EQ_INT(slept[0], 1000);
  CHECK_EQ_INT(slept[1], 1000);
  /* 429, then the retry finds no answer: the failure is the last
   * attempt's, and nothing of the 429 is left in the answer or the line */
  {
    char line[512];
    odeus_result r = apply(main_url(), KEY, MODE_ID("32"), &cfg_none);
    CHECK_EQ_INT(r, ODEUS_ERR_CLOSED);
    CHECK_EQ_INT(cl.attempts, 2);   /* the 429, then one that a closed connection is not retried after */
    CHECK_EQ_INT(n_slept, 1);
    CHECK_EQ_INT(slept[0], 1000);
    CHECK_EQ_INT(answer.message.len, 0);
    odeus_client_failure(&cl, r, &answer, line, sizeof line);
    CHECK(strstr(line, "Rate limit") == NULL);
    CHECK(strncmp(line, "connection closed by the peer", 29) == 0);
    if (strncmp(line, "connection closed by the peer", 29) != 0) fprintf(stderr, "  line: %s\n", line);
  }
  /* Retry-After: 86400 is past the cap: no retry at all */
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("19"), &cfg_none), ODEUS_ERR_STATUS_429);
  CHECK_EQ_INT(cl.attempts, 1);
  CHECK_EQ_INT(n_slept, 0);
  odeus_client_free(&cl);
  /* a Retry-After longer than what is left of the deadline: no wait either
   * (not under valgrind, where the handshake alone may take that long) */
  if (!quick) {
    o.deadline_ms = 800;
    open_client(&o);
    CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("16"), &cfg_none), ODEUS_ERR_STATUS_429);
    CHECK_EQ_INT(cl.attempts, 1);
    CHECK_EQ_INT(n_slept, 0);
    odeus_client_free(&cl);
  }
  /* with the real sleep, the server's second really passes */
  if (!quick) {
    o = options();
    o.retry.sleep = NULL;
    open_client(&o);
    t0 = now_ms();
    CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("01"), &cfg_none), ODEUS_OK);
    CHECK(now_ms() - t0 >= 1000);
    CHECK_EQ_INT(cl.waited_ms, 1000);
    odeus_client_free(&cl);
  }
}

/* ---- timeouts and hostile answers -------------------------------------------------- */
static void test_stall(void)
{
  odeus_client_options o = options();
  long t0, dt;
  /* the read timeout */
  o.io_timeout_ms = 700;
  open_client(&o);
  t0 = now_ms();
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("10"), &cfg_none), ODEUS_ERR_TIMEOUT);
  dt = now_ms() - t0;
  CHECK_EQ_INT(cl.io_error, MBEDTLS_ERR_SSL_TIMEOUT);
  CHECK_EQ_INT(cl.attempts, 1);
  if (!quick) CHECK(dt >= 700 && dt <= 700 + 400);
  odeus_client_free(&cl);
  /* the deadline, shorter than the read timeout */
  o.io_timeout_ms = 10000;
  o.deadline_ms = 900;
  open_client(&o);
  t0 = now_ms();
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("10"), &cfg_none), ODEUS_ERR_TIMEOUT);
  dt = now_ms() - t0;
  if (!quick) CHECK(dt >= (long)o.deadline_ms && dt <= (long)o.deadline_ms + 400);
  fprintf(stderr, "stall: deadline 900 ms, ended after %ld ms\n", dt);
  /* the client is usable afterwards */
  o.deadline_ms = 20000;
  odeus_client_free(&cl);
  open_client(&o);
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_OK);
  odeus_client_free(&cl);
}

/* Bytes that keep coming and never make an answer end at the deadline:
 * the check runs before every read, not only when a read would wait. */
static void endless(const char *base, const char *id, const char *what)
{
  odeus_client_options o = options();
  long t0, dt;
  /* under valgrind on a loaded machine a handshake alone may take 900 ms:
   * the answer's head must come in before the deadline */
  o.deadline_ms = quick ? 3000 : 900;
  open_client(&o);
  t0 = now_ms();
  CHECK_EQ_INT(apply(base, KEY, id, &cfg_none), ODEUS_ERR_TIMEOUT);
  dt = now_ms() - t0;
  CHECK_EQ_INT(cl.io_error, MBEDTLS_ERR_SSL_TIMEOUT);
  CHECK_EQ_INT(cl.attempts, 1);
  CHECK_EQ_INT(cl.status, 200);
  if (!quick) CHECK(dt >= (long)o.deadline_ms && dt <= (long)o.deadline_ms + 400);
  fprintf(stderr, "%s: deadline %ld ms, ended after %ld ms\n", what, (long)o.deadline_ms, dt);
  odeus_client_free(&cl);
}

static void test_endless(void)
{
  endless(main_url(), MODE_ID("28"), "endless chunks over TLS");
  endless(main_url(), MODE_ID("29"), "TLS warning alerts");
  endless(url("http", "127.0.0.1", port_plain, ""), MODE_ID("28"), "endless chunks over TCP");
}

static void test_hostile(void)
{
  odeus_client_options o = options();
  open_client(&o);
  /* the head and half the body, then a TCP reset */
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("11"), &cfg_none), ODEUS_ERR_CLOSED);
  CHECK_EQ_INT(cl.attempts, 1);
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("12"), &cfg_none), ODEUS_ERR_HTTP_CL_DUPLICATE);
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("26"), &cfg_none), ODEUS_ERR_HTTP_CL_AND_TE);
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("13"), &cfg_none), ODEUS_ERR_HTTP_BODY_TOO_LARGE);
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("14"), &cfg_none), ODEUS_ERR_HTTP_BODY_TOO_LARGE);
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("15"), &cfg_none), ODEUS_ERR_JSON_SYNTAX);
  /* the head and half the body, then an orderly close: cut short */
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("33"), &cfg_none), ODEUS_ERR_HTTP_TRUNCATED);
  CHECK_EQ_INT(apply(url("http", "127.0.0.1", port_plain, ""), KEY, MODE_ID("33"), &cfg_none),
               ODEUS_ERR_HTTP_TRUNCATED);
  CHECK_EQ_INT(cl.attempts, 1);
  /* read the request, close without a word */
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("20"), &cfg_none), ODEUS_ERR_CLOSED);
  CHECK_EQ_INT(cl.attempts, 1);
  /* after all that, a normal apply */
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_OK);
  odeus_client_free(&cl);
}

/* Every shape of a good answer. */
static void test_shapes(void)
{
  static const char *const modes[] = { "08", "09", "17", "18", "23", "24", "25" };
  odeus_client_options o = options();
  size_t i;
  open_client(&o);
  for (i = 0; i < OA_COUNT(modes); i++) {
    char id[40];
    snprintf(id, sizeof id, "00000000-0000-4000-8000-0000000000%s", modes[i]);
    if (quick && (strcmp(modes[i], "09") == 0 || strcmp(modes[i], "17") == 0)) continue;
    CHECK_EQ_INT(apply(main_url(), KEY, id, &cfg_api_key), ODEUS_OK);
    CHECK_STR(answer.id.ptr ? answer.id.ptr : "", id);
    CHECK_EQ_INT(answer.field_count, 1);
    CHECK_STR(fields[0].description.ptr ? fields[0].description.ptr : "", "Found under Settings");
  }
  odeus_client_free(&cl);
}

/* ---- certificates ------------------------------------------------------------------ */
/* odeus_client_failure's line for the last apply, exactly. */
#define CHECK_FAILURE(r, want) do { char why_[256]; \
  odeus_client_failure(&cl, (r), &answer, why_, sizeof why_); CHECK_STR(why_, (want)); } while (0)

static void test_certs(void)
{
  odeus_client_options o = options();
  static char pem[8192];
  FILE *f;
  size_t n;
  open_client(&o);
  CHECK_EQ_INT(apply(url("https", "localhost", port_unknown, ""), KEY, ID, &cfg_none), ODEUS_ERR_CERT);
  CHECK_EQ_INT(cl.verify_flags, MBEDTLS_X509_BADCERT_NOT_TRUSTED);
  CHECK_EQ_INT(cl.attempts, 1);
  CHECK_FAILURE(ODEUS_ERR_CERT, "server certificate not trusted: signed by an unknown CA (certificate flags 0x00000008)");
  CHECK_EQ_INT(apply(url("https", "localhost", port_wrong, ""), KEY, ID, &cfg_none), ODEUS_ERR_CERT);
  CHECK_EQ_INT(cl.verify_flags, MBEDTLS_X509_BADCERT_CN_MISMATCH);
  CHECK_FAILURE(ODEUS_ERR_CERT,
                "server certificate not trusted: for another host than localhost (certificate flags 0x00000004)");
  CHECK_EQ_INT(apply(url("https", "localhost", port_expired, ""), KEY, ID, &cfg_none), ODEUS_ERR_CERT);
  CHECK_EQ_INT(cl.verify_flags, MBEDTLS_X509_BADCERT_EXPIRED);
  CHECK_FAILURE(ODEUS_ERR_CERT, "server certificate not trusted: expired (certificate flags 0x00000001)");
  /* the good one, right after */
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_OK);
  /* an IP-literal base URL: the certificate's iPAddress 127.0.0.1 (mbedTLS
   * 2.28 matches DNS names only; the client matches the addresses) */
  CHECK_EQ_INT(apply(url("https", "127.0.0.1", port_main, ""), KEY, ID, &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(apply(url("https", "127.0.0.1", port_wrong, ""), KEY, ID, &cfg_none), ODEUS_ERR_CERT);
  CHECK_FAILURE(ODEUS_ERR_CERT,
                "server certificate not trusted: for another host than 127.0.0.1 (certificate flags 0x00000004)");
  odeus_client_free(&cl);

  /* the system bundle (the default) does not hold the test CA */
  o.ca_file = NULL;
  open_client(&o);
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_ERR_CERT);
  odeus_client_free(&cl);

  /* insecure mode, only when asked by name, accepts all three */
  o.insecure_skip_verify = 1;
  open_client(&o);
  CHECK_EQ_INT(apply(url("https", "localhost", port_unknown, ""), KEY, ID, &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(apply(url("https", "localhost", port_wrong, ""), KEY, ID, &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(apply(url("https", "localhost", port_expired, ""), KEY, ID, &cfg_none), ODEUS_OK);
  odeus_client_free(&cl);

  /* trust anchors from memory */
  f = fopen(CA, "rb");
  n = f ? fread(pem, 1, sizeof pem - 1, f) : 0;
  if (f) fclose(f);
  pem[n] = '\0';
  o = options();
  o.ca_file = NULL;
  o.ca_pem = pem;
  open_client(&o);
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_OK);
  odeus_client_free(&cl);
  /* the other CA does not vouch for the server */
  o = options();
  o.ca_file = "tests/certs/other-ca.pem";
  open_client(&o);
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_ERR_CERT);
  odeus_client_free(&cl);
  /* trust anchors that cannot be loaded */
  o = options();
  o.ca_file = "tests/certs/no-such-file.pem";
  CHECK_EQ_INT(odeus_client_init(&cl, &o), ODEUS_ERR_CA);
  /* a client whose init failed sends nothing: it would otherwise trust the
   * system's anchors instead of the pin asked for */
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(cl.connections, 0);
  odeus_client_free(&cl);
  o.ca_file = NULL;
  o.ca_pem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
  CHECK_EQ_INT(odeus_client_init(&cl, &o), ODEUS_ERR_CA);
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_ERR_ARGUMENT);
  odeus_client_free(&cl);
#if MBEDTLS_VERSION_NUMBER < 0x03000000
  /* nothing older than TLS 1.2, though 2.28 as Debian builds it has 1.0 */
  o = options();
  open_client(&o);
  CHECK_EQ_INT(cl.conf.min_major_ver, MBEDTLS_SSL_MAJOR_VERSION_3);
  CHECK_EQ_INT(cl.conf.min_minor_ver, MBEDTLS_SSL_MINOR_VERSION_3);
  odeus_client_free(&cl);
#endif
}

/* Every cause a certificate can be refused for, in the failure's words. */
static void test_cert_causes(void)
{
  static const struct {
    uint32_t flags;
    const char *text;
  } causes[] = {
    { MBEDTLS_X509_BADCERT_FUTURE, "not valid yet (or this device's clock is behind) (certificate flags 0x00000200)" },
    { MBEDTLS_X509_BADCERT_REVOKED, "revoked (certificate flags 0x00000002)" },
    { MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, "not meant for a server (certificate flags 0x00001000)" },
    { MBEDTLS_X509_BADCERT_KEY_USAGE, "not meant for a server (certificate flags 0x00000800)" },
    { MBEDTLS_X509_BADCERT_BAD_KEY, "signed with a hash or key not allowed (certificate flags 0x00010000)" },
    { MBEDTLS_X509_BADCERT_MISSING, "none sent (certificate flags 0x00000040)" },
    { MBEDTLS_X509_BADCRL_EXPIRED, "its revocation list unusable (certificate flags 0x00000020)" },
    { MBEDTLS_X509_BADCERT_CN_MISMATCH | MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_EXPIRED,
      "for another host than localhost, signed by an unknown CA, expired (certificate flags 0x0000000d)" },
    { MBEDTLS_X509_BADCERT_OTHER, "(certificate flags 0x00000100)" }
  };
  char want[256];
  size_t i;
  odeus_client_options o = options();
  open_client(&o);
  CHECK_EQ_INT(apply(url("https", "localhost", port_unknown, ""), KEY, ID, &cfg_none), ODEUS_ERR_CERT);
  for (i = 0; i < OA_COUNT(causes); i++) {
    cl.verify_flags = causes[i].flags;
    snprintf(want, sizeof want, "server certificate not trusted%s%s", causes[i].text[0] == '(' ? " " : ": ",
             causes[i].text);
    CHECK_FAILURE(ODEUS_ERR_CERT, want);
  }
  odeus_client_free(&cl);
}

/* IP-literal hosts against the certificates' names, through the client's
 * verification callback as a handshake calls it (mbedTLS' own check first):
 * ip.pem holds 127.0.0.1, ::1, 2001:db8::10 and ::ffff:192.0.2.10 as
 * iPAddress names; name-only.pem DNS:localhost; server.pem both kinds. */
static void test_ip_names(void)
{
  static const struct {
    const char *cert, *host;
    int ok;
  } cases[] = {
    { "ip", "127.0.0.1", 1 }, { "ip", "::1", 1 }, { "ip", "0:0:0:0:0:0:0:1", 1 }, { "ip", "::0:1", 1 },
    { "ip", "2001:db8::10", 1 }, { "ip", "2001:DB8:0:0::10", 1 }, { "ip", "2001:db8::1:10", 0 },
    { "ip", "::ffff:192.0.2.10", 1 }, { "ip", "::ffff:c000:20a", 1 }, { "ip", "192.0.2.10", 0 },
    { "ip", "127.0.0.2", 0 }, { "ip", "::2", 0 }, { "ip", "1::", 0 }, { "ip", "localhost", 0 },
    { "name-only", "localhost", 1 }, { "name-only", "127.0.0.1", 0 }, { "name-only", "::1", 0 },
    { "server", "127.0.0.1", 1 }, { "server", "localhost", 1 }, { "server", "::1", 0 },
    { "wrong-name", "127.0.0.1", 0 }
  };
  static const struct {
    const char *text;
    size_t n;
    unsigned char bytes[16];
  } literals[] = {
    { "192.0.2.10", 4, { 192, 0, 2, 10 } },
    { "255.255.255.255", 4, { 255, 255, 255, 255 } },
    { "::", 16, { 0 } },
    { "::1", 16, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
    { "1::", 16, { 0, 1 } },
    { "1:2:3:4:5:6:7:8", 16, { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8 } },
    { "fe80::a:B:c", 16, { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0x0b, 0, 0x0c } },
    { "1:2:3:4:5:6:1.2.3.4", 16, { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4 } },
    { "::ffff:1.2.3.4", 16, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4 } },
    { "localhost", 0, { 0 } }, { "1.2.3", 0, { 0 } }, { "1.2.3.256", 0, { 0 } }, { "10.0.0.1.example", 0, { 0 } },
    { "0010.0.0.1", 0, { 0 } }, { "1.2.3.4.", 0, { 0 } },
    /* a leading zero makes it a name, as the base URL's parser says: no
     * decimal guess at what a resolver would read as octal */
    { "010.0.0.1", 0, { 0 } }, { "1.02.3.4", 0, { 0 } },
    { "0.0.0.0", 4, { 0, 0, 0, 0 } }
  };
  mbedtls_x509_crt ca, crt;
  char path[64];
  unsigned char got[16];
  size_t i;
  odeus_client_options o = options();
  open_client(&o);
  for (i = 0; i < OA_COUNT(literals); i++) {
    memset(got, 0xAA, sizeof got);
    CHECK_EQ_INT(oa_tls_ip(literals[i].text, got), literals[i].n);
    if (literals[i].n) CHECK(memcmp(got, literals[i].bytes, literals[i].n) == 0);
  }
  mbedtls_x509_crt_init(&ca);
  CHECK_EQ_INT(mbedtls_x509_crt_parse_file(&ca, CA), 0);
  for (i = 0; i < OA_COUNT(cases); i++) {
    uint32_t flags = 0;
    int r;
    mbedtls_x509_crt_init(&crt);
    snprintf(path, sizeof path, "tests/certs/%s.pem", cases[i].cert);
    CHECK_EQ_INT(mbedtls_x509_crt_parse_file(&crt, path), 0);
    snprintf(cl.host, sizeof cl.host, "%s", cases[i].host);
    r = mbedtls_x509_crt_verify(&crt, &ca, NULL, cases[i].host, &flags, oa_tls_verify, &cl);
    if ((r == 0) != cases[i].ok || flags != (cases[i].ok ? 0u : (uint32_t)MBEDTLS_X509_BADCERT_CN_MISMATCH)) {
      test_failed++;
      fprintf(stderr, "FAIL %s:%d: %s for %s: -0x%04x flags 0x%08x\n", __FILE__, __LINE__, cases[i].cert,
              cases[i].host, (unsigned)-r, (unsigned)flags);
    } else test_passed++;
    mbedtls_x509_crt_free(&crt);
  }
  mbedtls_x509_crt_free(&ca);
  odeus_client_free(&cl);
}

/* ---- keep-alive and session resumption ------------------------------------------ */
static void test_connections(void)
{
  odeus_client_options o = options();
  reset_server();
  open_client(&o);
  /* two requests on one kept-alive connection */
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(cl.reused, 0);
  CHECK_EQ_INT(cl.resumed, 0);
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_api_key), ODEUS_OK);
  CHECK_EQ_INT(cl.reused, 1);
  CHECK_EQ_INT(cl.connections, 1);
  CHECK_EQ_INT(cl.handshakes, 1);
  CHECK_EQ_INT(stat_of("apiRequests"), 2);
  CHECK_EQ_INT(stat_of("apiConnections"), 1);
  /* a second connection resumes the TLS session */
  odeus_client_close(&cl);
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(cl.reused, 0);
  CHECK_EQ_INT(cl.resumed, 1);
  CHECK_EQ_INT(cl.connections, 2);
  CHECK_EQ_INT(cl.resumptions, 1);
  CHECK_EQ_INT(stat_of("apiConnections"), 2);
  CHECK_EQ_INT(stat_of("apiResumed"), 1);
  /* a Connection: close answer: the next apply opens a new one, resumed */
  CHECK_EQ_INT(apply(main_url(), KEY, MODE_ID("18"), &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(cl.reused, 1);
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(cl.reused, 0);
  CHECK_EQ_INT(cl.resumed, 1);
  CHECK_EQ_INT(cl.connections, 3);
  odeus_client_free(&cl);

  /* no keep-alive, no resumption: every apply a full handshake */
  o.no_keep_alive = 1;
  o.no_resumption = 1;
  open_client(&o);
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(cl.connections, 2);
  CHECK_EQ_INT(cl.resumptions, 0);
  CHECK_EQ_INT(cl.resumed, 0);
  odeus_client_free(&cl);

  /* the server drops an idle kept-alive connection: the next apply sees it
   * and opens a new one */
  o = options();
  open_client(&o);
  CHECK_EQ_INT(apply(url("https", "localhost", port_idle, ""), KEY, ID, &cfg_none), ODEUS_OK);
  {
    struct timespec ts = { 1, 600000000L };
    nanosleep(&ts, NULL);
  }
  CHECK_EQ_INT(apply(url("https", "localhost", port_idle, ""), KEY, ID, &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(cl.reused, 0);
  CHECK_EQ_INT(cl.resumed, 1);
  CHECK_EQ_INT(cl.connections, 2);
  CHECK_EQ_INT(cl.attempts, 1);
  odeus_client_free(&cl);
}

/* A kept-alive connection that breaks while it still looks open (the
 * server closing it just as we send): the request fails before any byte of
 * an answer, and is sent again at once on a new connection, within the same
 * attempt. Our side of the stream is shut for writing, so the next send on
 * it fails. */
static void test_stale(void)
{
  odeus_client_options o = options();
  odeus_request r = req_for(main_url(), KEY, ID, &cfg_none);
  open_client(&o);
  CHECK_EQ_INT(apply(main_url(), KEY, ID, &cfg_none), ODEUS_OK);
  /* The TCP stream is cut under the TLS session: the peer sees garbage and
   * the connection dies, yet poll() on our side shows nothing yet. */
  shutdown(cl.fd, SHUT_WR);
  CHECK_EQ_INT(odeus_client_apply(&cl, &r, fresh_answer()), ODEUS_OK);
  CHECK_EQ_INT(cl.attempts, 1);
  CHECK_EQ_INT(cl.reused, 0);
  CHECK_EQ_INT(cl.connections, 2);
  odeus_client_free(&cl);
}

/* A config that breaks rules: its problems listed in the request's, nothing sent, nor connected. */
static void test_config_problems(void)
{
  odeus_client_options o = options();
  odeus_request r = req_for(main_url(), KEY, ID, &cfg_none);
  odeus_problem items[2];
  odeus_problems problems = { items, 2, 0 };
  odeus_config broken = cfg_none;
  char line[128];
  broken.auth_test_code = odeus_cstr("bad \xff byte");
  r.config = &broken;
  r.problems = &problems;
  open_client(&o);
  CHECK_EQ_INT(odeus_client_apply(&cl, &r, fresh_answer()), ODEUS_ERR_CONFIG);
  CHECK_EQ_INT(problems.count, 1);
  odeus_problem_format(&items[0], line, sizeof line);
  CHECK_STR(line, "authTestCode: invalid UTF-8 at byte 4");
  CHECK_EQ_INT(cl.connections, 0);
  CHECK_EQ_INT(cl.attempts, 0);
  odeus_client_free(&cl);
}

/* ---- plain HTTP, connect and lookup failures ------------------------------------- */
static void test_plain(void)
{
  odeus_client_options o = options();
  open_client(&o);
  CHECK_EQ_INT(apply(url("http", "127.0.0.1", port_plain, ""), KEY, ID, &cfg_api_key), ODEUS_OK);
  CHECK_EQ_INT(answer.field_count, 1);
  CHECK_EQ_INT(cl.handshakes, 0);
  CHECK_EQ_INT(apply(url("http", "127.0.0.1", port_plain, "/api/public"), KEY, ID, &cfg_none), ODEUS_OK);
  CHECK_EQ_INT(cl.reused, 1);
  /* https to a plain server: no TLS there */
  CHECK_EQ_INT(apply(url("https", "localhost", port_plain, ""), KEY, ID, &cfg_none), ODEUS_ERR_TLS);
  odeus_client_free(&cl);
}

static int free_port(void)
{
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
    port = ntohs(sa.sin_port);
  close(fd); /* nobody listens there now */
  return port;
}

static void test_connect_failures(void)
{
  odeus_client_options o = options();
  int port = free_port();
  open_client(&o);
  /* refused: retried like any failed connect, with the backoff */
  CHECK_EQ_INT(apply(url("https", "127.0.0.1", port, ""), KEY, ID, &cfg_none), ODEUS_ERR_CONNECT);
  CHECK_EQ_INT(cl.sys_error, ECONNREFUSED);
  CHECK_EQ_INT(cl.attempts, 3);
  CHECK_EQ_INT(n_slept, 2);
  CHECK_EQ_INT(slept[0], 500);
  CHECK_EQ_INT(slept[1], 1000);
  {
    char why[128];
    CHECK_EQ_INT(odeus_client_failure(&cl, ODEUS_ERR_CONNECT, &answer, why, sizeof why),
                 strlen("connect failed: Connection refused after 3 attempts"));
    CHECK_STR(why, "connect failed: Connection refused after 3 attempts");
    CHECK_EQ_INT(odeus_client_failure(NULL, ODEUS_ERR_CONNECT, NULL, why, sizeof why), 14);
    CHECK_STR(why, "connect failed");
  }
  /* IPv6 literal (nothing listens on ::1 here) */
  CHECK_EQ_INT(apply(url("https", "[::1]", port, ""), KEY, ID, &cfg_none), ODEUS_ERR_CONNECT);
  /* a name that cannot exist (RFC 6761) */
  CHECK_EQ_INT(apply("https://odeus.invalid", KEY, ID, &cfg_none), ODEUS_ERR_DNS);
  CHECK_EQ_INT(cl.attempts, 1);
  {
    char why[128];
    odeus_client_failure(&cl, ODEUS_ERR_DNS, &answer, why, sizeof why);
    CHECK(strncmp(why, "host name lookup failed: ", 25) == 0 && strlen(why) > 25);
  }
  /* invalid requests never reach the network */
  CHECK_EQ_INT(apply(main_url(), "two words", ID, &cfg_none), ODEUS_ERR_API_KEY);
  CHECK_EQ_INT(apply(main_url(), KEY, "not-a-uuid", &cfg_none), ODEUS_ERR_ID);
  CHECK_EQ_INT(apply("ftp://localhost", KEY, ID, &cfg_none), ODEUS_ERR_BASE_URL);
  CHECK_EQ_INT(cl.connections, 0);
  odeus_client_free(&cl);
  /* a connect that is never answered: a non-routable address (TEST-NET-1)
   * may fail at once where there is no route; either way it is a connect
   * failure, within the connect timeout */
  if (!quick) {
    long t0 = now_ms();
    odeus_result r;
    o.connect_timeout_ms = 300;
    o.retry.attempts = 1;
    open_client(&o);
    r = apply("https://192.0.2.1", KEY, ID, &cfg_none);
    CHECK(r == ODEUS_ERR_CONNECT);
    CHECK(now_ms() - t0 <= 300 + 300);
    odeus_client_free(&cl);
  }
}

int main(int argc, char **argv)
{
  if (argc < 7) {
    fprintf(stderr, "usage: net_client MAIN PLAIN UNKNOWN WRONG EXPIRED IDLE [quick]\n");
    return 2;
  }
  port_main = atoi(argv[1]);
  port_plain = atoi(argv[2]);
  port_unknown = atoi(argv[3]);
  port_wrong = atoi(argv[4]);
  port_expired = atoi(argv[5]);
  port_idle = atoi(argv[6]);
  quick = argc > 7 && strcmp(argv[7], "quick") == 0;
  setup_configs();
  test_auth_types();
  test_prefix();
  test_statuses();
  test_retries();
  test_stall();
  test_endless();
  test_hostile();
  test_shapes();
  test_certs();
  test_cert_causes();
  test_ip_names();
  test_connections();
  test_stale();
  test_config_problems();
  test_plain();
  test_connect_failures();
  return TEST_END();
}

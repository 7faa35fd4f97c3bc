/* One exchange over a fake I/O, and the retry policy. The fake splits,
 * delays (want-read / want-write) and fails at every step of an exchange;
 * every expectation is written by hand from the Odeus API reference and
 * the header's contracts, not captured. */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "test.h"

/* ---- the request ---------------------------------------------------------- *
 * The API key and the clientSecret are made only of bytes that appear
 * nowhere else in the request or in any answer below (~ | ^ `), so "no byte
 * of a secret is left" is checked by looking for those four bytes. */
#define KEY "~|^`~|^`~|"
#define SECRET "`^~|`^~|"
#define ID "550e8400-e29b-41d4-a716-446655440000"

static odeus_oauth_client oauth;
static odeus_config config;
static odeus_request request;

static void setup_request(void)
{
  memset(&oauth, 0, sizeof oauth);
  oauth.client_id = odeus_cstr("client-1");
  oauth.client_secret = odeus_cstr(SECRET);
  oauth.scopes = odeus_cstr("read write");
  memset(&config, 0, sizeof config);
  config.auth_type = ODEUS_AUTH_OAUTH;
  config.oauth_client = &oauth;
  request.base_url = "https://odeus.example.com/api/public";
  request.api_key = KEY;
  request.integration_id = ID;
  request.config = &config;
}

/* What must go out, byte for byte (the Odeus API reference, the
 * dedicated-deployment prefix, the core's header order). */
static const char want_request[] =
  "PATCH /api/public/integrations/v1/" ID "/auth HTTP/1.1\r\n"
  "Host: odeus.example.com\r\n"
  "Authorization: Bearer " KEY "\r\n"
  "Content-Type: application/json\r\n"
  "Accept: application/json\r\n"
  "User-Agent: odeus-auth-c/" ODEUS_AUTH_VERSION_STRING "\r\n"
  "Content-Length: 106\r\n"
  "\r\n"
  "{\"authType\":\"OAUTH\",\"oauthClient\":{\"scopes\":\"read write\",\"clientId\":\"client-1\","
  "\"clientSecret\":\"" SECRET "\"}}";

static int has_secret_byte(const unsigned char *p, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (p[i] == '~' || p[i] == '|' || p[i] == '^' || p[i] == '`') return 1;
  return 0;
}

static int all_zero(const unsigned char *p, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

/* ---- answers ---------------------------------------------------------------- */
static const char ok_body[] =
  "{\"integration\":{\"id\":\"" ID "\",\"authType\":\"OAUTH\",\"authTestCode\":null,"
  "\"authFields\":[],\"oauthClient\":{\"scopes\":\"read write\",\"label\":null,"
  "\"authorizationCode\":\"a\",\"accessTokenCode\":\"b\",\"refreshTokenCode\":\"c\"}}}";

static char response[4096];
static size_t response_len;

static void put(const char *s)
{
  size_t n = strlen(s);
  memcpy(response + response_len, s, n);
  response_len += n;
}

static void put_number(size_t v)
{
  char tmp[24];
  size_t i = sizeof tmp;
  do {
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  memcpy(response + response_len, tmp + i, sizeof tmp - i);
  response_len += sizeof tmp - i;
}

/* head (without the empty line) + Content-Length of body + body */
static void make_response(const char *head, const char *body)
{
  response_len = 0;
  put(head);
  put("Content-Length: ");
  put_number(strlen(body));
  put("\r\n\r\n");
  put(body);
}

static void make_raw(const char *all)
{
  response_len = 0;
  put(all);
}

/* ---- the fake I/O ------------------------------------------------------------
 * Sends go into `sent`; recvs hand out `response`, then 0 (closed). Calls are
 * numbered from 0 across send and recv; the call number fail_at returns
 * fail_value instead of doing anything. With want set, every other call first
 * returns want-write (send) or want-read (recv). */
typedef struct fake {
  size_t send_max, recv_max;    /* bytes per call at most (0: no limit) */
  int want;
  long fail_at;                 /* -1: never */
  int fail_value;
  /* counted */
  long calls, sends;
  int toggle;
  unsigned char sent[4096];
  size_t sent_len, recv_pos;
  size_t received_at_fail;      /* response bytes handed out before the failure */
  int failed_in_send;
  int over_claim;               /* 1: claim one byte more than offered */
  int scribble;                 /* 1: the failing recv first fills all it was offered */
} fake;

static void fake_init(fake *f, size_t send_max, size_t recv_max)
{
  memset(f, 0, sizeof *f);
  f->send_max = send_max;
  f->recv_max = recv_max;
  f->fail_at = -1;
}

static int fake_fails(fake *f, int in_send, int *value)
{
  long n = f->calls++;
  if (n != f->fail_at) return 0;
  f->received_at_fail = f->recv_pos;
  f->failed_in_send = in_send;
  *value = f->fail_value;
  return 1;
}

static int fake_send(void *ctx, const unsigned char *buf, size_t len)
{
  fake *f = (fake *)ctx;
  size_t n = len;
  int v;
  if (fake_fails(f, 1, &v)) return v;
  if (f->want && (f->toggle ^= 1)) return ODEUS_IO_WANT_WRITE;
  if (f->over_claim) return (int)len + 1;
  if (f->send_max && n > f->send_max) n = f->send_max;
  if (f->sent_len + n > sizeof f->sent) return -1;
  memcpy(f->sent + f->sent_len, buf, n);
  f->sent_len += n;
  f->sends++;
  return (int)n;
}

static int fake_recv(void *ctx, unsigned char *buf, size_t len)
{
  fake *f = (fake *)ctx;
  size_t n = response_len - f->recv_pos;
  int v;
  if (fake_fails(f, 0, &v)) {
    if (f->scribble) memset(buf, '~', len);
    return v;
  }
  if (f->want && (f->toggle ^= 1)) return ODEUS_IO_WANT_READ;
  if (f->over_claim) return (int)len + 1;
  if (n > len) n = len;
  if (f->recv_max && n > f->recv_max) n = f->recv_max;
  memcpy(buf, response + f->recv_pos, n);
  f->recv_pos += n;
  return (int)n;
}

/* An io over fake f. */
static odeus_io fake_io(fake *f)
{
  odeus_io io;
  io.send = fake_send;
  io.recv = fake_recv;
  io.ctx = f;
  return io;
}

/* ---- running an exchange ---------------------------------------------------- */
static unsigned char window[4096];
static odeus_answer_field fields[4];
static char strings[1024];
static odeus_answer answer;
static odeus_exchange x;
static long wants;              /* want-read/want-write results seen */

static void answer_init(void)
{
  memset(&answer, 0, sizeof answer);
  answer.fields = fields;
  answer.field_capacity = 4;
  answer.strings = strings;
  answer.strings_capacity = sizeof strings;
}

/* Begins and runs to the end, resuming after every want; x is left for the
 * caller to inspect (not ended). */
static odeus_result run(fake *f, size_t window_size)
{
  odeus_io io;
  odeus_result r;
  io = fake_io(f);
  answer_init();
  wants = 0;
  r = odeus_exchange_begin(&x, &request, &answer, window, window_size);
  if (r != ODEUS_OK) return r;
  for (;;) {
    r = odeus_exchange_run(&x, &io);
    if (r != ODEUS_WANT_READ && r != ODEUS_WANT_WRITE) break;
    wants++;
    if (wants > 100000) break;
  }
  return r;
}

static void check_ok_answer(void)
{
  CHECK_STR(answer.id.ptr ? answer.id.ptr : "", ID);
  CHECK_EQ_INT(answer.auth_type, ODEUS_AUTH_OAUTH);
  CHECK_EQ_INT(answer.has_oauth_client, 1);
  CHECK_STR(answer.oauth_client.scopes.ptr ? answer.oauth_client.scopes.ptr : "", "read write");
  CHECK_STR(answer.oauth_client.refresh_token_code.ptr ? answer.oauth_client.refresh_token_code.ptr : "",
            "c");
}

/* ---- the exchange: whole, split, delayed -------------------------------------- */
static void test_whole(void)
{
  fake f;
  fake_init(&f, 0, 0);
  make_response("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n", ok_body);
  CHECK_EQ_INT(run(&f, sizeof window), ODEUS_OK);
  CHECK_MEM(f.sent, f.sent_len, want_request, sizeof want_request - 1);
  check_ok_answer();
  CHECK_EQ_INT(x.internal.http.status, 200);
  CHECK_EQ_INT(x.received, response_len);
  CHECK_EQ_INT(x.leftover, 0);
  CHECK_EQ_INT(odeus_exchange_reusable(&x), 1);
  CHECK(!has_secret_byte(window, sizeof window));
  /* Once over, the same result again, and no more I/O. */
  {
    odeus_io io;
    long calls = f.calls;
    io = fake_io(&f);
    CHECK_EQ_INT(odeus_exchange_run(&x, &io), ODEUS_OK);
    CHECK_EQ_INT(f.calls, calls);
  }
  odeus_exchange_end(&x);
  CHECK(all_zero(window, sizeof window));
  CHECK_EQ_INT(odeus_exchange_run(&x, NULL), ODEUS_ERR_STATE);
}

static void test_splits(void)
{
  static const size_t windows[] = { 1, 2, 3, 7, 16, 64, 256, 4096 };
  static const size_t sends[] = { 0, 1, 2, 5, 13 };
  static const size_t recvs[] = { 0, 1, 3, 7, 100 };
  size_t w, s, k;
  int bad = 0;
  make_response("HTTP/1.1 200 OK\r\n", ok_body);
  for (w = 0; w < OA_COUNT(windows); w++)
    for (s = 0; s < OA_COUNT(sends); s++)
      for (k = 0; k < OA_COUNT(recvs); k++) {
        fake f;
        odeus_result r;
        fake_init(&f, sends[s], recvs[k]);
        r = run(&f, windows[w]);
        if (r != ODEUS_OK || f.sent_len != sizeof want_request - 1 ||
            memcmp(f.sent, want_request, f.sent_len) != 0 || answer.id.len != 36 ||
            has_secret_byte(window, windows[w]) || x.leftover != 0) {
          bad++;
          fprintf(stderr, "split window %zu send %zu recv %zu: %d\n", windows[w], sends[s], recvs[k],
                  (int)r);
        }
        odeus_exchange_end(&x);
      }
  CHECK_EQ_INT(bad, 0);
}

/* Every other call would block: each time the exchange says so, and the
 * next call resumes exactly there. */
static void test_want(void)
{
  fake f;
  fake_init(&f, 5, 9);
  f.want = 1;
  make_response("HTTP/1.1 200 OK\r\n", ok_body);
  CHECK_EQ_INT(run(&f, 32), ODEUS_OK);
  CHECK_MEM(f.sent, f.sent_len, want_request, sizeof want_request - 1);
  check_ok_answer();
  /* one want per real send and per real recv */
  CHECK_EQ_INT(wants, f.calls / 2);
  CHECK(wants > 0);
  odeus_exchange_end(&x);
}

/* A pause in the middle of the request leaves key bytes in the window (they
 * must go out on the next call); odeus_exchange_end wipes them. */
static void test_end_mid_request(void)
{
  fake f;
  odeus_io io;
  fake_init(&f, 0, 0);
  f.fail_at = 0;
  f.fail_value = ODEUS_IO_WANT_WRITE;
  io = fake_io(&f);
  answer_init();
  CHECK_EQ_INT(odeus_exchange_begin(&x, &request, &answer, window, sizeof window), ODEUS_OK);
  CHECK_EQ_INT(odeus_exchange_run(&x, &io), ODEUS_WANT_WRITE);
  CHECK(has_secret_byte(window, sizeof window)); /* still to be sent */
  odeus_exchange_end(&x);
  CHECK(all_zero(window, sizeof window));
  /* twice is harmless: the window is the caller's again after the first,
   * and the second leaves what the caller put there since */
  memset(window, 0x5A, sizeof window);
  odeus_exchange_end(&x);
  CHECK_EQ_INT(window[0], 0x5A);
  CHECK_EQ_INT(window[sizeof window - 1], 0x5A);
  memset(window, 0, sizeof window);
}

/* ---- a failure at every step ------------------------------------------------
 * Runs the exchange once to count its I/O calls, then again failing at each
 * call in turn with each kind of failure. */
#define HARD_ERROR (-0x4C) /* any negative value but the two wants */

static void failure_sweep(size_t window_size, size_t send_max, size_t recv_max)
{
  fake f;
  long n, k, calls;
  int bad = 0;
  fake_init(&f, send_max, recv_max);
  make_response("HTTP/1.1 200 OK\r\n", ok_body);
  CHECK_EQ_INT(run(&f, window_size), ODEUS_OK);
  odeus_exchange_end(&x);
  calls = f.calls;
  CHECK(calls >= 4);
  for (k = 0; k < calls; k++) {
    static const int kinds[] = { HARD_ERROR, 0, ODEUS_IO_WANT_READ, ODEUS_IO_WANT_WRITE };
    size_t i;
    for (i = 0; i < OA_COUNT(kinds); i++) {
      odeus_result r, want;
      fake_init(&f, send_max, recv_max);
      f.fail_at = k;
      f.fail_value = kinds[i];
      r = run(&f, window_size);
      if (kinds[i] == HARD_ERROR) want = ODEUS_ERR_IO;
      else if (kinds[i] != 0) want = ODEUS_OK;          /* a pause, then on */
      else if (f.failed_in_send) want = ODEUS_ERR_CLOSED;
      else if (f.received_at_fail == 0) want = ODEUS_ERR_CLOSED;
      else want = ODEUS_ERR_HTTP_TRUNCATED;             /* closed inside the answer */
      n = 0;
      if (r != want) n++;
      if (want == ODEUS_ERR_IO && x.io_error != HARD_ERROR) n++;
      if (want != ODEUS_ERR_IO && x.io_error != 0) n++;
      if (want == ODEUS_OK && (f.sent_len != sizeof want_request - 1 || answer.id.len != 36)) n++;
      /* whatever happened, no byte of a secret is left in the window */
      if (has_secret_byte(window, window_size)) n++;
      if (has_secret_byte((const unsigned char *)x.internal.http.reason, sizeof x.internal.http.reason)) n++;
      /* the outcome sticks */
      if (odeus_exchange_run(&x, NULL) != r) n++;
      if (want != ODEUS_OK && odeus_exchange_reusable(&x)) n++;
      odeus_exchange_end(&x);
      if (!all_zero(window, window_size)) n++;
      if (n) {
        bad++;
        fprintf(stderr, "sweep window %zu: fail at call %ld with %d: got %d, want %d\n", window_size,
                k, kinds[i], (int)r, (int)want);
      }
    }
  }
  CHECK_EQ_INT(bad, 0);
}

static void test_failures(void)
{
  failure_sweep(16, 5, 7);
  failure_sweep(256, 0, 0);
  failure_sweep(1, 1, 1);
  failure_sweep(64, 0, 3);
}

/* An io that claims more bytes than it was given is broken: ODEUS_ERR_IO. */
static void test_over_claim(void)
{
  fake f;
  fake_init(&f, 0, 0);
  f.over_claim = 1;
  make_response("HTTP/1.1 200 OK\r\n", ok_body);
  CHECK_EQ_INT(run(&f, 64), ODEUS_ERR_IO);
  CHECK_EQ_INT(x.io_error, 0); /* a count, not an error code of the io's */
  CHECK(all_zero(window, 64));
  odeus_exchange_end(&x);
}

/* A recv that fails, or claims more than it was offered, says nothing true
 * of what it wrote: all it was offered may hold answer bytes, and the whole
 * window is wiped, though the recvs before it filled only 5 bytes. */
static void test_failed_recv_wipes(void)
{
  static const int values[] = { -1, 65 };
  size_t i;
  long sends;
  fake f;
  fake_init(&f, 0, 5);
  make_response("HTTP/1.1 200 OK\r\n", ok_body);
  CHECK_EQ_INT(run(&f, 64), ODEUS_OK);
  sends = f.sends;
  odeus_exchange_end(&x);
  for (i = 0; i < OA_COUNT(values); i++) {
    fake_init(&f, 0, 5);
    f.scribble = 1;
    f.fail_at = sends + 3;        /* the fourth recv */
    f.fail_value = values[i];
    CHECK_EQ_INT(run(&f, 64), ODEUS_ERR_IO);
    CHECK_EQ_INT(x.io_error, (values[i] < 0 ? values[i] : 0));
    CHECK_EQ_INT(f.failed_in_send, 0);
    CHECK(all_zero(window, 64));
    odeus_exchange_end(&x);
  }
}

/* ---- what the answer says ----------------------------------------------------- */
static odeus_result run_answer(const char *all, size_t recv_max)
{
  fake f;
  fake_init(&f, 0, recv_max);
  make_raw(all);
  return run(&f, 128);
}

static void test_statuses(void)
{
  CHECK_EQ_INT(run_answer("HTTP/1.1 401 Unauthorized\r\nContent-Length: 24\r\n\r\n"
                          "{\"error\":\"Unauthorized\"}", 5),
               ODEUS_ERR_STATUS_401);
  CHECK_STR(answer.message.ptr ? answer.message.ptr : "", "Unauthorized");
  CHECK_EQ_INT(odeus_exchange_reusable(&x), 1); /* an error answer keeps the connection */
  odeus_exchange_end(&x);

  CHECK_EQ_INT(run_answer("HTTP/1.1 400 Bad Request\r\nContent-Length: 63\r\n\r\n"
                          "{\"message\":[{\"path\":\"authFields.0.slug\",\"message\":\"Required\"}]}", 0),
               ODEUS_ERR_STATUS_400);
  CHECK_STR(answer.message.ptr ? answer.message.ptr : "", "authFields.0.slug: Required");
  odeus_exchange_end(&x);

  CHECK_EQ_INT(run_answer("HTTP/1.1 403 Forbidden\r\nContent-Length: 25\r\n\r\n"
                          "{\"message\":\"No access.\"}\n", 1),
               ODEUS_ERR_STATUS_403);
  CHECK_STR(answer.message.ptr ? answer.message.ptr : "", "No access.");
  odeus_exchange_end(&x);

  CHECK_EQ_INT(run_answer("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 0), ODEUS_ERR_STATUS_404);
  CHECK_STR(answer.message.ptr ? answer.message.ptr : "", "Not Found");
  odeus_exchange_end(&x);

  CHECK_EQ_INT(run_answer("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 2\r\n\r\n{}", 0),
               ODEUS_ERR_STATUS_429);
  {
    oa_outcome o = oa_outcome_of(&x, ODEUS_ERR_STATUS_429);
    CHECK_EQ_INT(o.result, ODEUS_ERR_STATUS_429);
    CHECK_EQ_INT(o.status, 429);
    CHECK_EQ_INT(o.retry_kind, OA_RETRY_SECONDS);
    CHECK_EQ_INT(o.retry_value, 7);
  }
  { /* the public decision reads the same head: the 7 s asked for, exactly */
    uint32_t d = 1;
    CHECK_EQ_INT(odeus_retry_decide(NULL, 1, &x, ODEUS_ERR_STATUS_429, &d), 1);
    CHECK_EQ_INT(d, 7000);
    d = 1;
    CHECK_EQ_INT(odeus_retry_decide(NULL, 3, &x, ODEUS_ERR_STATUS_429, &d), 0); /* the third of 3 */
    CHECK_EQ_INT(d, 0);
  }
  odeus_exchange_end(&x);

  /* a date is read when the outcome asks for it: its seconds since 1970, or
   * nothing when its weekday is not that date's */
  {
    static const struct { const char *date; int kind; uint32_t value; } dates[] = {
      { "Sun, 06 Nov 1994 08:49:37 GMT", OA_RETRY_DATE, 784111777u },
      { "Mon, 06 Nov 1994 08:49:37 GMT", OA_RETRY_INVALID, 0 } };
    size_t k;
    for (k = 0; k < 2; k++) {
      char head[160];
      oa_outcome o;
      snprintf(head, sizeof head, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: %s\r\nContent-Length: 0\r\n\r\n",
               dates[k].date);
      CHECK_EQ_INT(run_answer(head, 0), ODEUS_ERR_STATUS_429);
      o = oa_outcome_of(&x, ODEUS_ERR_STATUS_429);
      CHECK_EQ_INT(o.retry_kind, dates[k].kind);
      CHECK(o.retry_value == dates[k].value);
      odeus_exchange_end(&x);
    }
  }

  CHECK_EQ_INT(run_answer("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\n"
                          "Content-Length: 13\r\n\r\n<h1>down</h1>", 4),
               ODEUS_ERR_STATUS_5XX);
  CHECK_STR(answer.message.ptr ? answer.message.ptr : "", "Service Unavailable");
  { /* no Retry-After: the backoff's whole bound (no random given) */
    uint32_t d = 1;
    CHECK_EQ_INT(odeus_retry_decide(NULL, 2, &x, ODEUS_ERR_STATUS_5XX, &d), 1);
    CHECK_EQ_INT(d, 1000);
  }
  odeus_exchange_end(&x);

  CHECK_EQ_INT(run_answer("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 0),
               ODEUS_ERR_STATUS_OTHER);
  CHECK_EQ_INT(odeus_exchange_reusable(&x), 0);
  { /* 408 is not retried; nor a 429 result without an answer head (no
     * exchange); a connect that failed is */
    uint32_t d = 1;
    CHECK_EQ_INT(odeus_retry_decide(NULL, 1, &x, ODEUS_ERR_STATUS_OTHER, &d), 0);
    CHECK_EQ_INT(d, 0);
    d = 1;
    CHECK_EQ_INT(odeus_retry_decide(NULL, 1, NULL, ODEUS_ERR_STATUS_429, &d), 0);
    CHECK_EQ_INT(d, 0);
    CHECK_EQ_INT(odeus_retry_decide(NULL, 1, NULL, ODEUS_ERR_CONNECT, &d), 1);
    CHECK_EQ_INT(d, 500);
    CHECK_EQ_INT(odeus_retry_decide(NULL, 1, NULL, ODEUS_ERR_CONNECT, NULL), 0);
  }
  odeus_exchange_end(&x);

  /* 100 Continue first: the 200 counts */
  make_response("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", ok_body);
  {
    fake f;
    fake_init(&f, 0, 3);
    CHECK_EQ_INT(run(&f, 40), ODEUS_OK);
    check_ok_answer();
    odeus_exchange_end(&x);
  }
}

/* A body read until the peer closes: whole, or cut short. */
static void test_until_close(void)
{
  fake f;
  fake_init(&f, 0, 11);
  make_raw("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
  put(ok_body);
  CHECK_EQ_INT(run(&f, 100), ODEUS_OK);
  check_ok_answer();
  CHECK_EQ_INT(odeus_exchange_reusable(&x), 0);
  odeus_exchange_end(&x);

  fake_init(&f, 0, 11);
  response_len -= 10; /* the peer closes 10 bytes early: the JSON is cut */
  CHECK_EQ_INT(run(&f, 100), ODEUS_ERR_JSON_TRUNCATED);
  odeus_exchange_end(&x);

  /* with Content-Length, closing early is a truncated answer */
  fake_init(&f, 0, 0);
  make_response("HTTP/1.1 200 OK\r\n", ok_body);
  response_len -= 1;
  CHECK_EQ_INT(run(&f, 100), ODEUS_ERR_HTTP_TRUNCATED);
  odeus_exchange_end(&x);

  /* an error answer keeps its status when its body is cut short: the
   * message is the reason phrase */
  fake_init(&f, 0, 0);
  make_response("HTTP/1.1 400 Bad Request\r\n", "{\"message\":\"authType: Required\"}");
  response_len -= 3;
  CHECK_EQ_INT(run(&f, 100), ODEUS_ERR_STATUS_400);
  CHECK_STR(answer.message.ptr ? answer.message.ptr : "", "Bad Request");
  CHECK_EQ_INT(odeus_exchange_reusable(&x), 0);
  odeus_exchange_end(&x);
  fake_init(&f, 0, 0);
  make_raw("HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"mes");
  CHECK_EQ_INT(run(&f, 100), ODEUS_ERR_STATUS_5XX);
  CHECK_STR(answer.message.ptr ? answer.message.ptr : "", "Service Unavailable");
  odeus_exchange_end(&x);
  /* or when the io fails under it */
  fake_init(&f, 0, 7);
  make_response("HTTP/1.1 404 Not Found\r\n", "{\"message\":\"Integration not found\"}");
  CHECK_EQ_INT(run(&f, 100), ODEUS_ERR_STATUS_404);
  odeus_exchange_end(&x);
  {
    long calls = f.calls;
    fake_init(&f, 0, 7);
    f.fail_at = calls - 2; /* a read of the body's last bytes */
  }
  f.fail_value = HARD_ERROR;
  CHECK_EQ_INT(run(&f, 100), ODEUS_ERR_STATUS_404);
  CHECK_EQ_INT(x.io_error, HARD_ERROR);
  CHECK_EQ_INT(x.internal.http.head_done, 1);
  odeus_exchange_end(&x);
  /* but an io that claims more than it was offered is broken, not failing:
   * its count is no error code, and the status does not stand for it */
  {
    long calls = f.calls;
    fake_init(&f, 0, 7);
    f.fail_at = calls - 2;
  }
  f.fail_value = 100000;
  CHECK_EQ_INT(run(&f, 100), ODEUS_ERR_IO);
  CHECK_EQ_INT(x.io_error, 0);
  CHECK_EQ_INT(x.internal.http.head_done, 1);
  odeus_exchange_end(&x);
  /* a 200's body is the integration: cut short, it fails */
  fake_init(&f, 0, 0);
  make_raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"int");
  CHECK_EQ_INT(run(&f, 100), ODEUS_ERR_HTTP_TRUNCATED);
  odeus_exchange_end(&x);

  /* closed before any byte of an answer */
  fake_init(&f, 0, 0);
  response_len = 0;
  CHECK_EQ_INT(run(&f, 100), ODEUS_ERR_CLOSED);
  CHECK_EQ_INT(x.received, 0);
  odeus_exchange_end(&x);
}

/* Keep-alive and bytes past the answer. */
static void test_keep_alive(void)
{
  fake f;
  fake_init(&f, 0, 0);
  make_response("HTTP/1.1 200 OK\r\n", ok_body);
  put("HTTP/1.1 200 OK\r\n"); /* 17 bytes nobody asked for */
  CHECK_EQ_INT(run(&f, sizeof window), ODEUS_OK);
  CHECK_EQ_INT(x.leftover, 17);
  CHECK_EQ_INT(odeus_exchange_reusable(&x), 0);
  odeus_exchange_end(&x);

  fake_init(&f, 0, 0);
  make_response("HTTP/1.0 200 OK\r\n", ok_body);
  CHECK_EQ_INT(run(&f, sizeof window), ODEUS_OK);
  CHECK_EQ_INT(odeus_exchange_reusable(&x), 0); /* HTTP/1.0 closes */
  odeus_exchange_end(&x);

  fake_init(&f, 0, 0);
  make_response("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n", ok_body);
  CHECK_EQ_INT(run(&f, sizeof window), ODEUS_OK);
  CHECK_EQ_INT(odeus_exchange_reusable(&x), 1);
  odeus_exchange_end(&x);

  fake_init(&f, 0, 0);
  make_response("HTTP/1.1 200 OK\r\nConnection: close\r\n", ok_body);
  CHECK_EQ_INT(run(&f, sizeof window), ODEUS_OK);
  CHECK_EQ_INT(odeus_exchange_reusable(&x), 0);
  odeus_exchange_end(&x);
}

/* Hostile answers end in their own errors. */
static void test_hostile(void)
{
  CHECK_EQ_INT(run_answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 15\r\n\r\nhello", 0),
               ODEUS_ERR_HTTP_CL_DUPLICATE);
  CHECK(all_zero(window, 128));
  odeus_exchange_end(&x);
  CHECK_EQ_INT(run_answer("HTTP/1.1 200 OK\r\nContent-Length: 1048577\r\n\r\n{", 0),
               ODEUS_ERR_HTTP_BODY_TOO_LARGE);
  odeus_exchange_end(&x);
  CHECK_EQ_INT(run_answer("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n{", 0),
               ODEUS_ERR_HTTP_TRUNCATED); /* exactly the bound is allowed */
  odeus_exchange_end(&x);
  /* an error answer too large to read is still its status */
  CHECK_EQ_INT(run_answer("HTTP/1.1 400 Bad Request\r\nContent-Length: 1048577\r\n\r\n{", 0),
               ODEUS_ERR_STATUS_400);
  odeus_exchange_end(&x);
  CHECK_EQ_INT(run_answer("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 0),
               ODEUS_ERR_HTTP_CL_AND_TE);
  odeus_exchange_end(&x);
  CHECK_EQ_INT(run_answer("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!", 2), ODEUS_ERR_JSON_SYNTAX);
  odeus_exchange_end(&x);
  CHECK_EQ_INT(run_answer("SSH-2.0-OpenSSH_9.6\r\n", 0), ODEUS_ERR_HTTP_STATUS_LINE);
  odeus_exchange_end(&x);
}

/* Without an answer struct only the status counts (the body is skipped). */
static void test_no_answer(void)
{
  fake f;
  odeus_io io;
  io = fake_io(&f);
  fake_init(&f, 0, 0);
  make_raw("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!");
  CHECK_EQ_INT(odeus_exchange_begin(&x, &request, NULL, window, 64), ODEUS_OK);
  CHECK_EQ_INT(odeus_exchange_run(&x, &io), ODEUS_OK);
  odeus_exchange_end(&x);
  fake_init(&f, 0, 0);
  make_raw("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  CHECK_EQ_INT(odeus_exchange_begin(&x, &request, NULL, window, 64), ODEUS_OK);
  CHECK_EQ_INT(odeus_exchange_run(&x, &io), ODEUS_ERR_STATUS_404);
  odeus_exchange_end(&x);
}

/* The exchange begins its answer reader once, at the body's first span, and then asks only whether it
 * was begun: begun, it holds the answer even when it refuses the answer's storage (the argument error
 * is what the first span finds); without an answer nothing begins it, and every span is skipped. */
static void test_reader_begun_once(void)
{
  fake f;
  odeus_io io;
  size_t head;
  io = fake_io(&f);
  make_response("HTTP/1.1 200 OK\r\n", ok_body);
  head = response_len - strlen(ok_body);
  fake_init(&f, 0, 1); /* a byte a recv: the body in as many spans */
  answer_init();
  answer.strings = NULL;
  CHECK_EQ_INT(odeus_exchange_begin(&x, &request, &answer, window, 64), ODEUS_OK);
  CHECK_EQ_INT(odeus_exchange_run(&x, &io), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(x.received, head + 1);
  CHECK_EQ_INT(answer.status, 200);
  odeus_exchange_end(&x);
  make_response("HTTP/1.1 200 OK\r\n", "not JSON, and never read");
  fake_init(&f, 0, 1);
  CHECK_EQ_INT(odeus_exchange_begin(&x, &request, NULL, window, 64), ODEUS_OK);
  CHECK_EQ_INT(odeus_exchange_run(&x, &io), ODEUS_OK);
  CHECK_EQ_INT(x.received, response_len);
  CHECK(x.internal.reader.out == NULL);
  odeus_exchange_end(&x);
}

/* The exchange's check is a device's one validation: given the request's problems, a config
 * that breaks rules lists each, as odeus_validate_config does, and nothing is sent. Counted
 * past the storage, added after what it held, left alone when something else fails first. */
static void test_problems_listed(void)
{
  static const char *const want[] = {
    "authFields[0].label: required", "oauthClient: only allowed when authType is OAUTH or OAUTH_DCR"
  };
  odeus_auth_field field;
  odeus_config broken;
  odeus_problem items[4], one[1];
  odeus_problems problems = { items, 4, 1 }, few = { one, 1, 0 };
  odeus_request rq = request;
  char line[128];
  size_t i;
  fake f;
  odeus_io io;
  fake_init(&f, 0, 0);
  io = fake_io(&f);
  memset(&field, 0, sizeof field);
  field.slug = odeus_cstr("api_key");
  field.type = ODEUS_FIELD_PASSWORD;
  broken = config;
  broken.auth_type = ODEUS_AUTH_API_KEY;
  broken.fields = &field;
  broken.field_count = 1;
  rq.config = &broken;
  rq.problems = &problems;
  memset(items, 0, sizeof items);
  CHECK_EQ_INT(odeus_exchange_begin(&x, &rq, &answer, window, 64), ODEUS_ERR_CONFIG);
  CHECK_EQ_INT(odeus_exchange_run(&x, &io), ODEUS_ERR_CONFIG);
  CHECK_EQ_INT(f.calls, 0);
  odeus_exchange_end(&x);
  CHECK_EQ_INT(problems.count, 1 + OA_COUNT(want)); /* after the one it held */
  CHECK_EQ_INT(items[0].rule, 0);
  for (i = 0; i < OA_COUNT(want); i++) {
    odeus_problem_format(&items[1 + i], line, sizeof line);
    CHECK_STR(line, want[i]);
  }
  rq.problems = &few; /* counted past the storage */
  CHECK_EQ_INT(odeus_exchange_begin(&x, &rq, &answer, window, 64), ODEUS_ERR_CONFIG);
  odeus_exchange_end(&x);
  CHECK_EQ_INT(few.count, OA_COUNT(want));
  odeus_problem_format(&one[0], line, sizeof line);
  CHECK_STR(line, want[0]);
  few.count = 0; /* the writers of a request list them too */
  CHECK_EQ_INT(odeus_write_head(&rq, line, sizeof line, NULL), ODEUS_ERR_CONFIG);
  CHECK_EQ_INT(few.count, OA_COUNT(want));
  CHECK_EQ_INT(odeus_write_request_redacted(&rq, line, sizeof line, NULL), ODEUS_ERR_CONFIG);
  CHECK_EQ_INT(few.count, 2 * OA_COUNT(want)); /* a count already past the storage goes on */
  odeus_problem_format(&one[0], line, sizeof line);
  CHECK_STR(line, want[0]);
  few.count = 0; /* what fails first leaves the list alone: the config is not looked at */
  rq.api_key = "two words";
  CHECK_EQ_INT(odeus_exchange_begin(&x, &rq, &answer, window, 64), ODEUS_ERR_API_KEY);
  odeus_exchange_end(&x);
  rq.api_key = request.api_key;
  rq.integration_id = "not-a-uuid";
  CHECK_EQ_INT(odeus_exchange_begin(&x, &rq, &answer, window, 64), ODEUS_ERR_ID);
  odeus_exchange_end(&x);
  rq.integration_id = request.integration_id;
  rq.base_url = "ftp://odeus.example.com";
  CHECK_EQ_INT(odeus_exchange_begin(&x, &rq, &answer, window, 64), ODEUS_ERR_BASE_URL);
  odeus_exchange_end(&x);
  rq.base_url = request.base_url;
  CHECK_EQ_INT(odeus_exchange_begin(&x, &rq, &answer, NULL, 64), ODEUS_ERR_ARGUMENT);
  odeus_exchange_end(&x);
  CHECK_EQ_INT(few.count, 0);
  problems.count = 0; /* a valid config adds none */
  rq = request;
  rq.problems = &problems;
  CHECK_EQ_INT(odeus_exchange_begin(&x, &rq, &answer, window, 64), ODEUS_OK);
  odeus_exchange_end(&x);
  CHECK_EQ_INT(problems.count, 0);
}

static void test_arguments(void)
{
  odeus_request bad = request;
  fake f;
  odeus_io io;
  fake_init(&f, 0, 0);
  io = fake_io(&f);
  memset(window, 0xAA, 64);
  bad.api_key = "two words";
  CHECK_EQ_INT(odeus_exchange_begin(&x, &bad, &answer, window, 64), ODEUS_ERR_API_KEY);
  CHECK(all_zero(window, 64));
  CHECK_EQ_INT(odeus_exchange_run(&x, &io), ODEUS_ERR_API_KEY);
  CHECK_EQ_INT(f.calls, 0); /* nothing was sent */
  odeus_exchange_end(&x);
  bad = request;
  bad.integration_id = "not-a-uuid";
  CHECK_EQ_INT(odeus_exchange_begin(&x, &bad, &answer, window, 64), ODEUS_ERR_ID);
  CHECK_EQ_INT(odeus_exchange_begin(&x, &request, &answer, NULL, 64), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(odeus_exchange_begin(&x, &request, &answer, window, 0), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(odeus_exchange_begin(NULL, &request, &answer, window, 64), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(odeus_exchange_begin(&x, &request, &answer, window, 64), ODEUS_OK);
  CHECK_EQ_INT(odeus_exchange_run(&x, NULL), ODEUS_ERR_ARGUMENT);
  CHECK_EQ_INT(odeus_exchange_run(NULL, &io), ODEUS_ERR_ARGUMENT);
  odeus_exchange_end(&x);
  CHECK_EQ_INT(odeus_exchange_reusable(NULL), 0);
  odeus_exchange_end(NULL);
}

/* ---- the retry policy ----------------------------------------------------------- */
typedef struct fake_env {
  uint32_t randoms[8];
  int next_random, random_calls, clock_calls;
  uint64_t now_ms;
} fake_env;

static uint32_t env_random(void *ctx)
{
  fake_env *e = (fake_env *)ctx;
  e->random_calls++;
  return e->randoms[e->next_random++ % 8];
}

static uint64_t env_clock(void *ctx)
{
  fake_env *e = (fake_env *)ctx;
  e->clock_calls++;
  return e->now_ms;
}

static oa_outcome outcome(odeus_result r, int status, oa_retry_kind kind, uint64_t value)
{
  oa_outcome o;
  o.result = r;
  o.status = status;
  o.retry_kind = kind;
  o.retry_value = value;
  return o;
}

/* decide() in one call: the delay, or -1 for "no retry" */
static long decide(const odeus_retry_policy *p, unsigned attempt, oa_outcome o)
{
  uint32_t d = 12345;
  int again = oa_retry_decide(p, attempt, &o, &d);
  if (!again) return d == 0 ? -1 : -2;
  return (long)d;
}

static void test_retry_which(void)
{
  odeus_retry_policy p;
  memset(&p, 0, sizeof p); /* no random: the whole bound */
  /* retried */
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_ABSENT, 0)), 500);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_5XX, 502, OA_RETRY_ABSENT, 0)), 500);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_5XX, 503, OA_RETRY_ABSENT, 0)), 500);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_5XX, 504, OA_RETRY_ABSENT, 0)), 500);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_CONNECT, 0, OA_RETRY_ABSENT, 0)), 500);
  /* never */
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_OTHER, 408, OA_RETRY_ABSENT, 0)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_400, 400, OA_RETRY_SECONDS, 1)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_401, 401, OA_RETRY_SECONDS, 1)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_403, 403, OA_RETRY_ABSENT, 0)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_404, 404, OA_RETRY_ABSENT, 0)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_5XX, 500, OA_RETRY_ABSENT, 0)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_OTHER, 409, OA_RETRY_ABSENT, 0)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_OK, 200, OA_RETRY_ABSENT, 0)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_TIMEOUT, 0, OA_RETRY_ABSENT, 0)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_DNS, 0, OA_RETRY_ABSENT, 0)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_TLS, 0, OA_RETRY_ABSENT, 0)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_CERT, 0, OA_RETRY_ABSENT, 0)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_CLOSED, 0, OA_RETRY_ABSENT, 0)), -1);
  /* a 503 whose answer broke the HTTP rules ended in that error */
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_HTTP_CL_DUPLICATE, 503, OA_RETRY_ABSENT, 0)), -1);
  /* attempts: 3 by default, so after the third no more; 1 never retries */
  CHECK_EQ_INT(decide(&p, 2, outcome(ODEUS_ERR_STATUS_5XX, 503, OA_RETRY_ABSENT, 0)), 1000);
  CHECK_EQ_INT(decide(&p, 3, outcome(ODEUS_ERR_STATUS_5XX, 503, OA_RETRY_ABSENT, 0)), -1);
  CHECK_EQ_INT(decide(&p, 0, outcome(ODEUS_ERR_STATUS_5XX, 503, OA_RETRY_ABSENT, 0)), -1);
  p.attempts = 1;
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_5XX, 503, OA_RETRY_ABSENT, 0)), -1);
  /* NULL policy: every default */
  CHECK_EQ_INT(decide(NULL, 1, outcome(ODEUS_ERR_STATUS_5XX, 503, OA_RETRY_ABSENT, 0)), 500);
  CHECK_EQ_INT(oa_retry_decide(&p, 1, NULL, NULL), 0);
}

static void test_retry_backoff(void)
{
  odeus_retry_policy p;
  fake_env e;
  oa_outcome o = outcome(ODEUS_ERR_STATUS_5XX, 503, OA_RETRY_ABSENT, 0);
  memset(&p, 0, sizeof p);
  memset(&e, 0, sizeof e);
  /* the bounds double from base to cap: 1000, 2000, 4000, 5000, 5000 */
  p.attempts = 10;
  p.base_ms = 1000;
  p.cap_ms = 5000;
  CHECK_EQ_INT(decide(&p, 1, o), 1000);
  CHECK_EQ_INT(decide(&p, 2, o), 2000);
  CHECK_EQ_INT(decide(&p, 3, o), 4000);
  CHECK_EQ_INT(decide(&p, 4, o), 5000);
  CHECK_EQ_INT(decide(&p, 9, o), 5000);
  /* full jitter: (random * (bound + 1)) >> 32 */
  p.random = env_random;
  p.ctx = &e;
  e.randoms[0] = 0;                 /* -> 0 */
  e.randoms[1] = 0xFFFFFFFFu;       /* -> the bound: 2000 */
  e.randoms[2] = 0x80000000u;       /* -> half of 4001: 2000 */
  e.randoms[3] = 0x40000000u;       /* -> a quarter of 5001: 1250 */
  e.randoms[4] = 0xFFFFFFFFu;       /* -> 5000 */
  CHECK_EQ_INT(decide(&p, 1, o), 0);
  CHECK_EQ_INT(decide(&p, 2, o), 2000);
  CHECK_EQ_INT(decide(&p, 3, o), 2000);
  CHECK_EQ_INT(decide(&p, 4, o), 1250);
  CHECK_EQ_INT(decide(&p, 7, o), 5000);
  CHECK_EQ_INT(e.random_calls, 5);
  /* a base above the cap is held to the cap */
  p.random = NULL;
  p.base_ms = 9000;
  CHECK_EQ_INT(decide(&p, 1, o), 5000);
  /* defaults: 500 ms doubling up to 30 s */
  memset(&p, 0, sizeof p);
  p.attempts = 20;
  CHECK_EQ_INT(decide(&p, 1, o), 500);
  CHECK_EQ_INT(decide(&p, 6, o), 16000);
  CHECK_EQ_INT(decide(&p, 7, o), 30000);
  CHECK_EQ_INT(decide(&p, 19, o), 30000);
}

static void test_retry_after(void)
{
  odeus_retry_policy p;
  fake_env e;
  memset(&p, 0, sizeof p);
  memset(&e, 0, sizeof e);
  p.random = env_random;
  p.clock = env_clock;
  p.ctx = &e;
  e.randoms[0] = 0x80000000u;
  /* seconds: exactly that long, no jitter */
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_SECONDS, 1)), 1000);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_5XX, 503, OA_RETRY_SECONDS, 2)), 2000);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_SECONDS, 0)), 0);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_SECONDS, 60)), 60000);
  CHECK_EQ_INT(e.random_calls, 0);
  /* longer than retry_after_max_ms (60 s): no retry at all */
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_SECONDS, 61)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_SECONDS, 86400)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_TOO_LARGE, 0xFFFFFFFFu)), -1);
  /* an outcome built by hand: milliseconds that would wrap are too long too */
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_SECONDS, UINT64_MAX / 1000u + 1)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_DATE, UINT64_MAX / 1000u + 1)), -1);
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_SECONDS, UINT64_MAX)), -1);
  p.retry_after_max_ms = 90000;
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_SECONDS, 61)), 61000);
  p.retry_after_max_ms = 0;
  /* a date: Sun, 06 Nov 1994 08:49:37 GMT = 784111777 s; now 1.5 s before */
  e.now_ms = 784111777000ull - 1500;
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_DATE, 784111777)), 1500);
  CHECK_EQ_INT(e.clock_calls, 1);
  e.now_ms = 784111777000ull + 5;   /* already past: at once */
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_DATE, 784111777)), 0);
  e.now_ms = 784111777000ull - 60001; /* too far ahead */
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_DATE, 784111777)), -1);
  /* no clock: the date cannot be used, so backoff */
  p.clock = NULL;
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_DATE, 784111777)), 250);
  /* an invalid Retry-After is ignored: backoff (half of 501) */
  e.next_random = 0;
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_429, 429, OA_RETRY_INVALID, 0)), 250);
  /* a Retry-After on a status that is never retried changes nothing */
  CHECK_EQ_INT(decide(&p, 1, outcome(ODEUS_ERR_STATUS_401, 401, OA_RETRY_SECONDS, 1)), -1);
}

/* A caller's loop with a fake clock and sleep: the exact waits. */
static void test_retry_loop(void)
{
  static const odeus_result results[] = { ODEUS_ERR_CONNECT, ODEUS_ERR_STATUS_5XX, ODEUS_ERR_STATUS_429,
                                          ODEUS_ERR_STATUS_5XX };
  static const int statuses[] = { 0, 503, 429, 502 };
  uint32_t slept[8];
  int n_slept = 0;
  unsigned attempt;
  odeus_retry_policy p;
  fake_env e;
  memset(&p, 0, sizeof p);
  memset(&e, 0, sizeof e);
  p.attempts = 4;
  p.base_ms = 100;
  p.cap_ms = 1000;
  p.random = env_random;
  p.ctx = &e;
  e.randoms[0] = 0xFFFFFFFFu;
  e.randoms[1] = 0x80000000u;
  e.randoms[2] = 0x20000000u;
  for (attempt = 1; attempt <= 4; attempt++) {
    oa_outcome o = outcome(results[attempt - 1], statuses[attempt - 1],
                              attempt == 3 ? OA_RETRY_SECONDS : OA_RETRY_ABSENT, 3);
    uint32_t d;
    if (!oa_retry_decide(&p, attempt, &o, &d)) break;
    slept[n_slept++] = d;
  }
  CHECK_EQ_INT(n_slept, 3);
  CHECK_EQ_INT(slept[0], 100);  /* bound 100, random all ones */
  CHECK_EQ_INT(slept[1], 100);  /* bound 200, random half: 201/2 */
  CHECK_EQ_INT(slept[2], 3000); /* Retry-After: 3 */
  CHECK_EQ_INT(e.random_calls, 2);
}

int main(void)
{
  setup_request();
  test_whole();
  test_splits();
  test_want();
  test_end_mid_request();
  test_failures();
  test_over_claim();
  test_failed_recv_wipes();
  test_statuses();
  test_until_close();
  test_keep_alive();
  test_hostile();
  test_no_answer();
  test_reader_begun_once();
  test_problems_listed();
  test_arguments();
  test_retry_which();
  test_retry_backoff();
  test_retry_after();
  test_retry_loop();
  return TEST_END();
}

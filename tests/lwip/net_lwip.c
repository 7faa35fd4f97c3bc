/* The bundled client over lwIP (examples/lwip/odeus_lwip.c), in this
 * process, against the mock Odeus servers through lwIP alone
 * (tests/lwip/lwip_stack.h). Started by tests/lwip/run.sh:
 *
 *   net_lwip MAIN PLAIN UNKNOWN WRONG EXPIRED IDLE IP RECORD RECORD_FILE [quick]
 *
 * The servers are those of tests/net_client.c, plus IP (tests/certs/ip.pem:
 * IP addresses only, reached as [::1] too) and RECORD (--record
 * RECORD_FILE). Every case runs over lwIP and, where the POSIX network is
 * compiled (not with ODEUS_AUTH_NO_POSIX), over POSIX too: the results,
 * counters and failure lines must be the same, and the request the server
 * received the same byte for byte. "quick" (under valgrind) skips the
 * checks of elapsed time. */
#define _POSIX_C_SOURCE 200809L
#define ODEUS_AUTH_IMPLEMENTATION
#define ODEUS_AUTH_MBEDTLS
#include "odeus_auth.h"
#undef TCP_MSS /* the system's, from the POSIX network; lwIP's options set their own */
#include "odeus_lwip.h"
#include "lwip_stack.h"
#include "test.h"
#include <time.h>

#define KEY "test-key"
#define ID "550e8400-e29b-41d4-a716-446655440000"
#define MODE_ID(nn) "00000000-0000-4000-8000-0000000000" nn
#define CA "tests/certs/ca.pem"

enum { P_MAIN, P_PLAIN, P_UNKNOWN, P_WRONG, P_EXPIRED, P_IDLE, P_IP, P_RECORD, P_REFUSED, P_COUNT };
static int ports[P_COUNT];
static const char *record_file;
static int quick;

static odeus_lwip lwip_conn;
static odeus_net lwip_net;

static long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* lwIP here has no DNS (LWIP_DNS 0): the port's resolver hook knows localhost. */
static int resolve(void *ctx, const char *host, ip_addr_t *addr)
{
  (void)ctx;
  if (strcmp(host, "localhost") != 0) return -1;
  IP_ADDR4(addr, 127, 0, 0, 1);
  return 0;
}

/* ---- the request and the answer ------------------------------------------- */
static const odeus_auth_field key_fields[] = {
  { ODEUS_LIT("api_key"), ODEUS_LIT("API Key"), ODEUS_FIELD_PASSWORD, ODEUS_LIT("Found under Settings"),
    ODEUS_LIT("sk-..."), ODEUS_BOOL_TRUE }
};
static odeus_config cfg;
static odeus_answer_field fields[8];
static char strings[4096];
static odeus_answer answer;

static void fresh_answer(void)
{
  memset(&answer, 0, sizeof answer);
  answer.fields = fields;
  answer.field_capacity = 8;
  answer.strings = strings;
  answer.strings_capacity = sizeof strings;
}

/* ---- the client, over one network or the other ------------------------------ */
#include "fake_retry.h"

/* Retry-After dates need a wall clock, which a build without POSIX lacks. */
static uint64_t wall_clock(void *ctx)
{
  struct timespec ts;
  (void)ctx;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static odeus_client_options options(int over_lwip)
{
  odeus_client_options o;
  memset(&o, 0, sizeof o);
  o.ca_file = CA;
  o.io_timeout_ms = 5000;
  o.deadline_ms = 20000;
  o.retry.sleep = fake_sleep;
  o.retry.random = all_ones;
  o.retry.clock = wall_clock;
  if (over_lwip) {
    memset(&lwip_conn, 0, sizeof lwip_conn);
    lwip_conn.resolve = resolve;
    odeus_lwip_net(&lwip_conn, &lwip_net);
    o.net = &lwip_net;
  }
  return o;
}

static odeus_client cl;

static const char *url(const char *scheme, const char *host, int port, const char *id)
{
  static char bufs[4][200];
  static int next;
  char *b = bufs[next++ % 4];
  (void)id;
  snprintf(b, sizeof bufs[0], "%s://%s:%d", scheme, host, port);
  return b;
}

static odeus_result apply(const char *base, const char *id)
{
  odeus_request r;
  memset(&r, 0, sizeof r);
  r.base_url = base;
  r.api_key = KEY;
  r.integration_id = id;
  r.config = &cfg;
  n_slept = 0;
  fresh_answer();
  return odeus_client_apply(&cl, &r, &answer);
}

#define CHECK_HAS(hay, needle) do { if (strstr((hay), (needle))) test_passed++; else { test_failed++; \
  fprintf(stderr, "FAIL %s:%d: \"%s\" not in %.600s\n", __FILE__, __LINE__, (needle), (hay)); } } while (0)

/* ---- the same cases over both networks ------------------------------------------ */
typedef struct outcome {
  odeus_result r;
  unsigned attempts;
  int status, io_error, sys_error, slept0, slept1;
  uint32_t verify_flags, waited;
  long ms;
  char why[256], got[256];
} outcome;

typedef struct kase {
  const char *what, *scheme, *host;
  int port, io_timeout, deadline;
  const char *id;
  odeus_result want;
  unsigned attempts;
} kase;

static void run_case(const kase *k, int over_lwip, outcome *out)
{
  odeus_client_options o = options(over_lwip);
  long t0;
  if (k->io_timeout) o.io_timeout_ms = (uint32_t)k->io_timeout;
  if (k->deadline) o.deadline_ms = (uint32_t)k->deadline;
  CHECK_EQ_INT(odeus_client_init(&cl, &o), ODEUS_OK);
  t0 = now_ms();
  out->r = apply(url(k->scheme, k->host, ports[k->port], k->id), k->id);
  out->ms = now_ms() - t0;
  out->attempts = cl.attempts;
  out->status = cl.status;
  out->io_error = cl.io_error;
  out->sys_error = cl.sys_error;
  out->verify_flags = cl.verify_flags;
  out->waited = cl.waited_ms;
  out->slept0 = n_slept > 0 ? (int)slept[0] : -1;
  out->slept1 = n_slept > 1 ? (int)slept[1] : -1;
  odeus_client_failure(&cl, out->r, &answer, out->why, sizeof out->why);
  /* what the answer mapped (the field ids are new on every apply) */
  snprintf(out->got, sizeof out->got, "%.*s %d %u %.*s %.*s %d", (int)answer.id.len,
           answer.id.ptr ? answer.id.ptr : "", (int)answer.auth_type, (unsigned)answer.field_count,
           (int)fields[0].slug.len, answer.field_count ? fields[0].slug.ptr : "", (int)fields[0].label.len,
           answer.field_count ? fields[0].label.ptr : "", answer.field_count ? (int)fields[0].type : -1);
  odeus_client_free(&cl);
}

static void test_cases(void)
{
  const kase cases[] = {
    { "apply", "https", "localhost", P_MAIN, 0, 0, ID, ODEUS_OK, 1 },
    { "IP literal", "https", "127.0.0.1", P_MAIN, 0, 0, ID, ODEUS_OK, 1 },
    { "plain http", "http", "127.0.0.1", P_PLAIN, 0, 0, ID, ODEUS_OK, 1 },
    { "chunked", "https", "localhost", P_MAIN, 0, 0, MODE_ID("08"), ODEUS_OK, 1 },
    { "bytewise", "https", "localhost", P_MAIN, 0, 0, MODE_ID("09"), ODEUS_OK, 1 },
    { "404", "https", "localhost", P_MAIN, 0, 0, "99999999-2222-4333-8444-555555555555", ODEUS_ERR_STATUS_404, 1 },
    { "refused", "https", "127.0.0.1", P_REFUSED, 0, 0, ID, ODEUS_ERR_CONNECT, 3 },
    { "stall", "https", "localhost", P_MAIN, 700, 0, MODE_ID("10"), ODEUS_ERR_TIMEOUT, 1 },
    { "deadline", "https", "localhost", P_MAIN, 10000, 900, MODE_ID("10"), ODEUS_ERR_TIMEOUT, 1 },
    { "endless", "https", "localhost", P_MAIN, 0, 900, MODE_ID("28"), ODEUS_ERR_TIMEOUT, 1 },
    { "alerts", "https", "localhost", P_MAIN, 0, 900, MODE_ID("29"), ODEUS_ERR_TIMEOUT, 1 },
    { "reset", "https", "localhost", P_MAIN, 0, 0, MODE_ID("11"), ODEUS_ERR_CLOSED, 1 },
    { "reset, plain", "http", "127.0.0.1", P_PLAIN, 0, 0, MODE_ID("11"), ODEUS_ERR_CLOSED, 1 },
    { "cut", "https", "localhost", P_MAIN, 0, 0, MODE_ID("33"), ODEUS_ERR_HTTP_TRUNCATED, 1 },
    { "cut, plain", "http", "127.0.0.1", P_PLAIN, 0, 0, MODE_ID("33"), ODEUS_ERR_HTTP_TRUNCATED, 1 },
    { "drop", "https", "localhost", P_MAIN, 0, 0, MODE_ID("20"), ODEUS_ERR_CLOSED, 1 },
    { "429", "https", "localhost", P_MAIN, 0, 0, MODE_ID("01"), ODEUS_OK, 2 },
    { "429 date", "https", "localhost", P_MAIN, 0, 0, MODE_ID("02"), ODEUS_OK, 2 },
    { "429 always", "https", "localhost", P_MAIN, 0, 0, MODE_ID("16"), ODEUS_ERR_STATUS_429, 3 },
    { "502", "https", "localhost", P_MAIN, 0, 0, MODE_ID("07"), ODEUS_ERR_STATUS_5XX, 3 },
    { "503", "https", "localhost", P_MAIN, 0, 0, MODE_ID("04"), ODEUS_OK, 2 },
    { "unknown CA", "https", "localhost", P_UNKNOWN, 0, 0, ID, ODEUS_ERR_CERT, 1 },
    { "wrong name", "https", "localhost", P_WRONG, 0, 0, ID, ODEUS_ERR_CERT, 1 },
    { "expired", "https", "localhost", P_EXPIRED, 0, 0, ID, ODEUS_ERR_CERT, 1 },
    { "IP for a name", "https", "127.0.0.1", P_WRONG, 0, 0, ID, ODEUS_ERR_CERT, 1 },
    { "TLS to plain", "https", "localhost", P_PLAIN, 0, 0, ID, ODEUS_ERR_TLS, 1 }
  };
  size_t i;
  for (i = 0; i < OA_COUNT(cases); i++) {
    const kase *k = &cases[i];
    outcome l;
    run_case(k, 1, &l);
    if (l.r != k->want || l.attempts != k->attempts) {
      test_failed++;
      fprintf(stderr, "FAIL %s over lwIP: %d (%s) after %u attempts, want %d after %u: %s\n", k->what, l.r,
              odeus_result_text(l.r), l.attempts, k->want, k->attempts, l.why);
    } else test_passed++;
    if (!quick && k->want == ODEUS_ERR_TIMEOUT) {
      long limit = k->deadline ? k->deadline : k->io_timeout;
      CHECK(l.ms >= limit && l.ms <= limit + 400);
    }
#ifndef ODEUS_AUTH_NO_POSIX
    {
      outcome p;
      int dated = strcmp(k->what, "429 date") == 0; /* its wait depends on the second it ran in */
      run_case(k, 0, &p);
      if (p.r != l.r || p.attempts != l.attempts || p.status != l.status || p.io_error != l.io_error ||
          p.verify_flags != l.verify_flags || (!dated && (p.waited != l.waited || p.slept0 != l.slept0)) ||
          p.slept1 != l.slept1 || strcmp(p.why, l.why) != 0 || strcmp(p.got, l.got) != 0) {
        test_failed++;
        fprintf(stderr, "FAIL %s: over POSIX \"%s\" (io %d, sys %d, %u attempts, waited %u), "
                "over lwIP \"%s\" (io %d, sys %d, %u attempts, waited %u)\n", k->what, p.why, p.io_error,
                p.sys_error, p.attempts, p.waited, l.why, l.io_error, l.sys_error, l.attempts, l.waited);
      } else test_passed++;
    }
#endif
    fprintf(stderr, "lwip %-14s %s (%ld ms)\n", k->what, l.why, l.ms);
  }
}

/* The exact lines of the failures that name a cause. */
static void test_failure_lines(void)
{
  static const struct {
    const char *scheme, *host;
    int port;
    const char *why;
  } lines[] = {
    { "https", "localhost", P_UNKNOWN,
      "server certificate not trusted: signed by an unknown CA (certificate flags 0x00000008)" },
    { "https", "localhost", P_WRONG,
      "server certificate not trusted: for another host than localhost (certificate flags 0x00000004)" },
    { "https", "localhost", P_EXPIRED, "server certificate not trusted: expired (certificate flags 0x00000001)" },
    { "https", "::1", P_MAIN, "server certificate not trusted: for another host than ::1 (certificate flags 0x00000004)" },
    { "https", "nowhere.invalid", P_MAIN, "host name lookup failed" },
#ifndef ODEUS_AUTH_NO_POSIX
    { "https", "127.0.0.1", P_REFUSED, "connect failed: Connection refused after 3 attempts" }
#else
    { "https", "127.0.0.1", P_REFUSED, "connect failed (error 111) after 3 attempts" }
#endif
  };
  size_t i;
  for (i = 0; i < OA_COUNT(lines); i++) {
    odeus_client_options o = options(1);
    char why[256], host[64];
    odeus_result r;
    snprintf(host, sizeof host, strchr(lines[i].host, ':') ? "[%s]" : "%s", lines[i].host);
    CHECK_EQ_INT(odeus_client_init(&cl, &o), ODEUS_OK);
    r = apply(url(lines[i].scheme, host, ports[lines[i].port], ID), ID);
    odeus_client_failure(&cl, r, &answer, why, sizeof why);
    CHECK_STR(why, lines[i].why);
    odeus_client_free(&cl);
  }
}

/* An IPv6 literal verified against the certificate's iPAddress ::1 (the
 * mock server is reached as [::1] inside lwIP only). */
static void test_ipv6(void)
{
  odeus_client_options o = options(1);
  CHECK_EQ_INT(odeus_client_init(&cl, &o), ODEUS_OK);
  CHECK_EQ_INT(apply(url("https", "[::1]", ports[P_IP], ID), ID), ODEUS_OK);
  CHECK_STR(answer.id.ptr ? answer.id.ptr : "", ID);
  CHECK_EQ_INT(apply(url("https", "127.0.0.1", ports[P_IP], ID), ID), ODEUS_OK);
  CHECK_EQ_INT(apply(url("https", "localhost", ports[P_IP], ID), ID), ODEUS_ERR_CERT);
  odeus_client_free(&cl);
}

/* Keep-alive, resumption, and a kept-alive connection the server dropped. */
static void test_connections(void)
{
  odeus_client_options o = options(1);
  CHECK_EQ_INT(odeus_client_init(&cl, &o), ODEUS_OK);
  CHECK_EQ_INT(apply(url("https", "localhost", ports[P_MAIN], ID), ID), ODEUS_OK);
  CHECK_EQ_INT(cl.reused, 0);
  CHECK_EQ_INT(cl.resumed, 0);
  CHECK_EQ_INT(apply(url("https", "localhost", ports[P_MAIN], ID), ID), ODEUS_OK);
  CHECK_EQ_INT(cl.reused, 1);
  CHECK_EQ_INT(cl.connections, 1);
  CHECK_EQ_INT(cl.handshakes, 1);
  odeus_client_close(&cl);
  CHECK_EQ_INT(apply(url("https", "localhost", ports[P_MAIN], ID), ID), ODEUS_OK);
  CHECK_EQ_INT(cl.reused, 0);
  CHECK_EQ_INT(cl.resumed, 1);
  CHECK_EQ_INT(cl.connections, 2);
  CHECK_EQ_INT(cl.resumptions, 1);
  /* Connection: close: the next apply opens a new connection, resumed */
  CHECK_EQ_INT(apply(url("https", "localhost", ports[P_MAIN], MODE_ID("18")), MODE_ID("18")), ODEUS_OK);
  CHECK_EQ_INT(cl.reused, 1);
  CHECK_EQ_INT(apply(url("https", "localhost", ports[P_MAIN], ID), ID), ODEUS_OK);
  CHECK_EQ_INT(cl.reused, 0);
  CHECK_EQ_INT(cl.resumed, 1);
  CHECK_EQ_INT(cl.connections, 3);
  odeus_client_free(&cl);
  /* the server drops an idle kept-alive connection after 1 s */
  o = options(1);
  CHECK_EQ_INT(odeus_client_init(&cl, &o), ODEUS_OK);
  CHECK_EQ_INT(apply(url("https", "localhost", ports[P_IDLE], ID), ID), ODEUS_OK);
  {
    struct timespec ts = { 1, 600000000L };
    nanosleep(&ts, NULL);
  }
  CHECK_EQ_INT(apply(url("https", "localhost", ports[P_IDLE], ID), ID), ODEUS_OK);
  CHECK_EQ_INT(cl.reused, 0);
  CHECK_EQ_INT(cl.resumed, 1);
  CHECK_EQ_INT(cl.connections, 2);
  CHECK_EQ_INT(cl.attempts, 1);
  /* a kept-alive connection cut under it: sent again at once, on a new one */
  CHECK_EQ_INT(apply(url("https", "localhost", ports[P_IDLE], ID), ID), ODEUS_OK);
  lwip_shutdown(lwip_conn.fd, SHUT_WR);
  CHECK_EQ_INT(apply(url("https", "localhost", ports[P_IDLE], ID), ID), ODEUS_OK);
  CHECK_EQ_INT(cl.attempts, 1);
  CHECK_EQ_INT(cl.reused, 0);
  CHECK_EQ_INT(cl.connections, 3);
  odeus_client_free(&cl);
}

/* The request the server received over lwIP is the one it received over
 * POSIX, byte for byte. */
static void test_bytes(void)
{
#ifndef ODEUS_AUTH_NO_POSIX
  static char rec[65536];
  FILE *f;
  size_t n;
  int over;
  const char *second;
  f = fopen(record_file, "w"); /* empty it */
  if (f) fclose(f);
  for (over = 0; over < 2; over++) {
    odeus_client_options o = options(over);
    CHECK_EQ_INT(odeus_client_init(&cl, &o), ODEUS_OK);
    CHECK_EQ_INT(apply(url("https", "localhost", ports[P_RECORD], ID), ID), ODEUS_OK);
    odeus_client_free(&cl);
  }
  f = fopen(record_file, "rb");
  n = f ? fread(rec, 1, sizeof rec - 1, f) : 0;
  if (f) fclose(f);
  rec[n] = '\0';
  second = n > 20 ? strstr(rec + 1, "PATCH /integrations/v1/") : NULL;
  CHECK(second != NULL);
  if (second) {
    CHECK_EQ_INT((size_t)(second - rec) * 2, n);
    CHECK(memcmp(rec, second, n / 2) == 0);
    CHECK_HAS(rec, "Authorization: Bearer " KEY "\r\n");
  }
#endif
}

int main(int argc, char **argv)
{
  int i;
  if (argc < 10) {
    fprintf(stderr, "usage: net_lwip MAIN PLAIN UNKNOWN WRONG EXPIRED IDLE IP RECORD RECORD_FILE [quick]\n");
    return 2;
  }
  for (i = 0; i < P_RECORD + 1; i++) ports[i] = atoi(argv[i + 1]);
  record_file = argv[9];
  quick = argc > 10 && strcmp(argv[10], "quick") == 0;
  {
    /* a port where nothing listens, in lwIP nor on the system */
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
      ports[P_REFUSED] = ntohs(sa.sin_port);
    close(fd);
  }
  memset(&cfg, 0, sizeof cfg);
  cfg.auth_type = ODEUS_AUTH_API_KEY;
  cfg.fields = key_fields;
  cfg.field_count = 1;
  lwst_start();
  for (i = 0; i < P_RECORD + 1; i++) lwst_relay(ports[i], i == P_IP || i == P_MAIN);
  test_cases();
  test_failure_lines();
  test_ipv6();
  test_connections();
  test_bytes();
  return TEST_END();
}

#define _POSIX_C_SOURCE 200809L
/* make bench: what building and reading a request costs, beside baselines
 * measured in the same run. `bench count NAME N` runs one variant N times
 * (tests/bench.sh counts its instructions with callgrind); `bench time`
 * times every variant natively. */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "example.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOINLINE __attribute__((noinline))

static char out[2048];
static char golden[2048];
static size_t golden_len;
static volatile size_t sink;

/* Ours: validate the id, key, URL and config, then write the request. */
NOINLINE static size_t bench_build_ours(void)
{
  odeus_request rq;
  size_t n = 0;
  rq.base_url = NULL;
  rq.api_key = EXAMPLE_KEY;
  rq.integration_id = EXAMPLE_ID;
  rq.config = &example_config;
  if (odeus_write_request(&rq, out, sizeof out, &n) != ODEUS_OK) abort();
  return n;
}

/* The same request through a 256-byte window (what an exchange sends):
 * validation and measuring in begin, then the walk window by window. */
NOINLINE static size_t bench_build_stream(void)
{
  odeus_request rq = { NULL, EXAMPLE_KEY, EXAMPLE_ID, &example_config };
  odeus_request_stream st;
  size_t n, total = 0;
  if (odeus_request_begin(&st, &rq) != ODEUS_OK) abort();
  while ((n = odeus_request_next(&st, out + total, 256)) > 0) total += n;
  return total;
}

/* Into a buffer of exactly the request's size: no room to spare, so the
 * byte-exact walk writes it after the one-pass lane gives way. */
NOINLINE static size_t bench_build_exact(void)
{
  odeus_request rq = { NULL, EXAMPLE_KEY, EXAMPLE_ID, &example_config };
  size_t n = 0;
  if (odeus_write_request(&rq, out, golden_len, &n) != ODEUS_OK) abort();
  return n;
}

/* A plain snprintf builder: no validation, no escaping (the strings are
 * given pre-escaped), the usual way such code is written. */
NOINLINE static size_t bench_build_snprintf(void)
{
  static char body[1024];
  const odeus_auth_field *f = example_fields;
  int b = snprintf(body, sizeof body,
    "{\"authType\":\"%s\",\"authFields\":[{\"slug\":\"%s\",\"label\":\"%s\",\"type\":\"%s\",\"description\":\"%s\","
    "\"placeholder\":\"%s\",\"required\":%s},{\"slug\":\"%s\",\"label\":\"%s\",\"type\":\"%s\",\"description\":\"%s\","
    "\"placeholder\":\"%s\",\"required\":%s}],\"authTestCode\":\"%s\"}",
    "API_KEY", f[0].slug.ptr, f[0].label.ptr, "PASSWORD", f[0].description.ptr, f[0].placeholder.ptr, "true",
    f[1].slug.ptr, f[1].label.ptr, "TEXT", f[1].description.ptr, f[1].placeholder.ptr, "false",
    "const response = await fetch(secrets.base_url + '/me', {\\n  headers: { 'Authorization': 'Bearer ' + "
    "secrets.api_key }\\n});\\nif (!response.ok) throw new Error('Invalid key');");
  int h = snprintf(out, sizeof out,
    "PATCH /integrations/v1/%s/auth HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
    "Content-Type: application/json\r\nAccept: application/json\r\nUser-Agent: odeus-auth-c/%s\r\n"
    "Content-Length: %d\r\n\r\n%s", EXAMPLE_ID, "api.odeus.ai", EXAMPLE_KEY, ODEUS_AUTH_VERSION_STRING, b, body);
  return (size_t)h;
}

NOINLINE static size_t bench_build_memcpy(void)
{
  memcpy(out, golden, golden_len);
  return golden_len;
}

/* Reading the 814-byte answer: HTTP head, body, every string decoded into
 * caller storage. */
static odeus_answer_field answer_fields[4];
static char answer_strings[1024];

NOINLINE static size_t bench_parse_ours(void)
{
  odeus_answer a;
  memset(&a, 0, sizeof a);
  a.fields = answer_fields;
  a.field_capacity = 4;
  a.strings = answer_strings;
  a.strings_capacity = sizeof answer_strings;
  if (odeus_answer_parse_response(example_answer, sizeof example_answer - 1, &a) != ODEUS_OK) abort();
  return a.field_count;
}

NOINLINE static size_t bench_parse_memcpy(void)
{
  memcpy(out, example_answer, sizeof example_answer - 1);
  return sizeof example_answer - 1;
}

typedef size_t (*bench_fn)(void);
static const struct { const char *name; bench_fn fn; } variants[] = {
  { "build_ours", bench_build_ours },
  { "build_stream", bench_build_stream },
  { "build_exact", bench_build_exact },
  { "build_snprintf", bench_build_snprintf },
  { "build_memcpy", bench_build_memcpy },
  { "parse_ours", bench_parse_ours },
  { "parse_memcpy", bench_parse_memcpy },
};

static bench_fn find(const char *name)
{
  size_t i;
  for (i = 0; i < sizeof variants / sizeof variants[0]; i++)
    if (strcmp(variants[i].name, name) == 0) return variants[i].fn;
  return NULL;
}

static double now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
  size_t i;
  golden_len = 0;
  {
    odeus_request rq = { NULL, EXAMPLE_KEY, EXAMPLE_ID, &example_config };
    if (odeus_write_request(&rq, golden, sizeof golden, &golden_len) != ODEUS_OK) return 2;
  }
  /* The baselines must produce the same bytes, or the comparison means nothing. */
  {
    static const struct { const char *name; bench_fn fn; } same[] = {
      { "snprintf baseline", bench_build_snprintf },
      { "streamed request", bench_build_stream },
      { "exact-size request", bench_build_exact },
    };
    for (i = 0; i < sizeof same / sizeof same[0]; i++) {
      memset(out, 0, sizeof out);
      if (same[i].fn() != golden_len || memcmp(out, golden, golden_len) != 0) {
        fprintf(stderr, "bench: the %s differs from our request\n", same[i].name);
        return 2;
      }
    }
  }
  if (argc == 4 && strcmp(argv[1], "count") == 0) {
    bench_fn fn = find(argv[2]);
    long n = atol(argv[3]);
    if (!fn) return 2;
    while (n-- > 0) sink += fn();
    return 0;
  }
  /* time: best of 7 rounds of 20,000 calls each, to sit out the noise */
  for (i = 0; i < sizeof variants / sizeof variants[0]; i++) {
    double best = 1e30;
    int round;
    for (round = 0; round < 7; round++) {
      double t0 = now_ns();
      int k;
      for (k = 0; k < 20000; k++) sink += variants[i].fn();
      t0 = (now_ns() - t0) / 20000.0;
      if (t0 < best) best = t0;
    }
    printf("%s %.1f\n", variants[i].name, best);
  }
  return 0;
}

#define _POSIX_C_SOURCE 200809L
/* make bench: what the path a device runs costs, beside baselines measured
 * in the same run. `bench count NAME N [ARG]` runs one variant N times
 * (tests/bench.sh counts its instructions with callgrind); `bench time
 * NAME [ARG]` times it natively (best of 7 rounds); `bench size request
 * ARG` prints the body size of that request.
 *
 * The device path: one exchange over an in-memory io through a 256-byte
 * window, the answer coming in 64-byte reads (an lwIP socket hands out about
 * that much per call). Its begin validates the config, listing any problem
 * in the request's problems: a device checks the config once, there. */
#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"
#include "example.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOINLINE __attribute__((noinline))

static volatile size_t sink;

/* ---- an in-memory io: the request is taken whole, the answer handed out
 * in pieces of `piece` bytes ---- */
typedef struct bench_io {
  const char *answer;
  size_t answer_len, at, piece, sent;
} bench_io;

static int bench_send(void *ctx, const unsigned char *buf, size_t len)
{
  bench_io *b = (bench_io *)ctx;
  (void)buf;
  b->sent += len;
  return (int)len;
}

static int bench_recv(void *ctx, unsigned char *buf, size_t len)
{
  bench_io *b = (bench_io *)ctx;
  size_t n = b->answer_len - b->at;
  if (n > len) n = len;
  if (n > b->piece) n = b->piece;
  memcpy(buf, b->answer + b->at, n);
  b->at += n;
  return (int)n;
}

static odeus_problem problem_items[4];
static odeus_answer_field answer_fields[4];
static char answer_strings[1024];
static unsigned char window[65536];

/* One exchange, validating as it begins: window bytes out, pieces of `piece` in. */
static size_t run_exchange(const odeus_config *cfg, size_t win, size_t piece)
{
  odeus_problems problems = { problem_items, 4, 0 };
  odeus_request rq = { NULL, EXAMPLE_KEY, EXAMPLE_ID, NULL, NULL };
  bench_io b = { example_answer, sizeof example_answer - 1, 0, 0, 0 };
  odeus_io io = { bench_send, bench_recv, NULL };
  odeus_answer a;
  odeus_exchange x;
  odeus_result r;
  rq.config = cfg;
  rq.problems = &problems;
  b.piece = piece;
  io.ctx = &b;
  memset(&a, 0, sizeof a);
  a.fields = answer_fields;
  a.field_capacity = 4;
  a.strings = answer_strings;
  a.strings_capacity = sizeof answer_strings;
  r = odeus_exchange_begin(&x, &rq, &a, window, win);
  if (r == ODEUS_OK) r = odeus_exchange_run(&x, &io);
  odeus_exchange_end(&x);
  if (r != ODEUS_OK || problems.count) abort();
  return b.sent + a.field_count;
}

NOINLINE static size_t bench_exchange(size_t arg)
{
  (void)arg;
  return run_exchange(&example_config, 256, 64);
}

/* Baseline: the same bytes moved by memcpy (request out through the
 * window, answer in through 64-byte pieces), nothing checked. */
static char golden[2048];
static size_t golden_len;
NOINLINE static size_t bench_exchange_memcpy(size_t arg)
{
  static char out[2048];
  size_t i, n;
  (void)arg;
  for (i = 0; i < golden_len; i += 256) {
    n = golden_len - i < 256 ? golden_len - i : 256;
    memcpy(window, golden + i, n);
    memcpy(out + i, window, n);
  }
  for (i = 0; i < sizeof example_answer - 1; i += 64) {
    n = sizeof example_answer - 1 - i < 64 ? sizeof example_answer - 1 - i : 64;
    memcpy(window, example_answer + i, n);
    memcpy(out + (i % 1024), window, n);
  }
  return golden_len;
}

/* ---- scaling: F fields with 500-character descriptions ---- */
#define SCALE_MAX 100
static odeus_auth_field scale_fields[SCALE_MAX];
static char scale_slugs[SCALE_MAX][8];
static char scale_description[501];
static odeus_config scale_config;

static void scale_setup(size_t fields)
{
  size_t i;
  memset(scale_description, 'd', 500);
  for (i = 0; i < 500; i += 50) scale_description[i] = ' ';
  for (i = 0; i < fields; i++) {
    snprintf(scale_slugs[i], sizeof scale_slugs[i], "f%zu", i);
    scale_fields[i].slug = odeus_cstr(scale_slugs[i]);
    scale_fields[i].label = odeus_cstr(scale_slugs[i]);
    scale_fields[i].type = ODEUS_FIELD_TEXT;
    scale_fields[i].description.ptr = scale_description;
    scale_fields[i].description.len = 500;
    scale_fields[i].required = ODEUS_BOOL_TRUE;
  }
  scale_config.auth_type = ODEUS_AUTH_API_KEY;
  scale_config.fields = scale_fields;
  scale_config.field_count = fields;
}

/* The request of arg = fields * 100000 + window through the window
 * (window 0: one holding the whole request), as the exchange sends it. */
NOINLINE static size_t bench_request(size_t arg)
{
  odeus_request rq = { NULL, EXAMPLE_KEY, EXAMPLE_ID, &scale_config, NULL };
  oa_stream st;
  size_t win = arg % 100000, n, total = 0;
  if (oa_stream_begin(&st, &rq) != ODEUS_OK) abort();
  if (!win) win = st.total;
  while ((n = oa_stream_next(&st, (char *)window, win)) > 0) total += n;
  return total;
}

/* The exchange's parts, for where its cost goes: the request checked,
 * measured and written through a 256-byte window (what odeus_exchange_begin
 * and the sends do); the rest is the answer. Beside them, what
 * odeus_validate_config costs alone (a config checked with nothing sent). */
NOINLINE static size_t bench_validate(size_t arg)
{
  (void)arg;
  if (odeus_validate_config(&example_config, NULL) != ODEUS_OK) abort();
  return 1;
}

NOINLINE static size_t bench_example_request(size_t arg)
{
  odeus_problems problems = { problem_items, 4, 0 };
  odeus_request rq = { NULL, EXAMPLE_KEY, EXAMPLE_ID, &example_config, &problems };
  oa_stream st;
  size_t n, total = 0;
  (void)arg;
  if (oa_stream_begin(&st, &rq) != ODEUS_OK) abort();
  while ((n = oa_stream_next(&st, (char *)window, 256)) > 0) total += n;
  return total;
}

/* The example exchange with the answer read in pieces of arg bytes. */
NOINLINE static size_t bench_answer(size_t arg)
{
  return run_exchange(&example_config, 256, arg);
}

typedef size_t (*bench_fn)(size_t);
static const struct { const char *name; bench_fn fn; } variants[] = {
  { "exchange", bench_exchange },
  { "exchange_memcpy", bench_exchange_memcpy },
  { "request", bench_request },
  { "answer", bench_answer },
  { "validate", bench_validate },
  { "example_request", bench_example_request },
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
  bench_fn fn;
  size_t arg;
  if (argc < 3 || !(fn = find(argv[2]))) {
    fprintf(stderr, "usage: bench count NAME N [ARG] | bench time NAME [ARG] | bench size request ARG\n");
    return 2;
  }
  {
    odeus_request rq = { NULL, EXAMPLE_KEY, EXAMPLE_ID, &example_config, NULL };
    if (oa_write_request(&rq, golden, sizeof golden, &golden_len, 0) != ODEUS_OK) return 2;
  }
  if (strcmp(argv[1], "count") == 0 && argc >= 4) {
    long n = atol(argv[3]);
    arg = argc > 4 ? (size_t)atol(argv[4]) : 0;
    if (fn == bench_request) scale_setup(arg / 100000);
    while (n-- > 0) sink += fn(arg);
    return 0;
  }
  if (strcmp(argv[1], "size") == 0 && fn == bench_request && argc > 3) {
    odeus_request rq = { NULL, EXAMPLE_KEY, EXAMPLE_ID, &scale_config, NULL };
    oa_stream st;
    scale_setup((size_t)atol(argv[3]) / 100000);
    if (oa_stream_begin(&st, &rq) != ODEUS_OK) return 2;
    printf("%zu\n", st.content_length);
    return 0;
  }
  if (strcmp(argv[1], "time") == 0) {
    double best = 1e30;
    int round, k;
    arg = argc > 3 ? (size_t)atol(argv[3]) : 0;
    if (fn == bench_request) scale_setup(arg / 100000);
    for (round = 0; round < 7; round++) {
      double t0 = now_ns();
      for (k = 0; k < 200; k++) sink += fn(arg);
      t0 = (now_ns() - t0) / 200.0;
      if (t0 < best) best = t0;
    }
    printf("%.0f\n", best);
    return 0;
  }
  return 2;
}

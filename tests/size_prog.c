/* The size probe of `make size`: the smallest firmware-like program that does
 * the library's whole job. It validates the documentation's example config
 * (by the exchange's own check, which reports its problems into the
 * request's), sends the request over a stub I/O, reads a canned "200 OK"
 * answer and maps it. Built as is and with SIZE_EMPTY, which keeps the same
 * data and the same stub I/O but calls nothing of the library; the
 * difference between the two linked programs is what the library costs a
 * firmware. Built also with
 * SIZE_PART_REQUEST (check and stream the request only) and
 * SIZE_PART_ANSWER (parse and map the answer only), for what each half costs
 * a firmware that does the other half its own way.
 * Exit status 0 means the job was done (checked on x86-64). */
#ifndef SIZE_EMPTY
#define ODEUS_AUTH_IMPLEMENTATION
#endif
#include "odeus_auth.h"
#include <string.h>

/* ---- the documentation's API-key example and the server's 200 answer ---- */
#include "example.h"
static odeus_problem problem_items[4];
static odeus_problems problems = { problem_items, 4, 0 };
static const odeus_request example_request = { NULL, EXAMPLE_KEY, EXAMPLE_ID, &example_config, &problems };
#define canned_answer example_answer

/* ---- the stub I/O: accepts every byte, serves the answer in 64-byte reads - */
typedef struct stub_io {
  size_t sent;          /* request bytes accepted */
  size_t served;        /* answer bytes handed out */
} stub_io;

static int stub_send(void *ctx, const unsigned char *buf, size_t len)
{
  stub_io *s = (stub_io *)ctx;
  (void)buf;
  s->sent += len;
  return (int)len;
}

static int stub_recv(void *ctx, unsigned char *buf, size_t len)
{
  stub_io *s = (stub_io *)ctx;
  size_t left = sizeof canned_answer - 1 - s->served;
  size_t n = len < 64 ? len : 64;
  if (n > left) n = left;
  memcpy(buf, canned_answer + s->served, n);
  s->served += n;
  return (int)n;
}

/* Each half done without the library, touching the same data: the whole
 * baseline program, and the other half of a program doing one half, so
 * that every program holds the same data and I/O. */
#if defined(SIZE_EMPTY) || defined(SIZE_PART_ANSWER)
static void request_own_way(stub_io *io)
{
  const odeus_request *volatile req = &example_request;
  (void)stub_send(io, (const unsigned char *)req->api_key, strlen(req->api_key));
  (void)stub_send(io, (const unsigned char *)req->config->fields[1].label.ptr, 1);
}
#endif

#if defined(SIZE_EMPTY) || defined(SIZE_PART_REQUEST)
static int answer_own_way(stub_io *io)
{
  unsigned char window[256];
  while (stub_recv(io, window, sizeof window) > 0) continue;
  return io->served == sizeof canned_answer - 1;
}
#endif

#ifdef SIZE_EMPTY
/* The same data and I/O, no library: the baseline of the growth. */
int main(void)
{
  stub_io io = { 0, 0 };
  request_own_way(&io);
  return answer_own_way(&io) ? 0 : 1;
}

#else
#ifndef SIZE_PART_REQUEST
/* An answer with room for the example's two fields and their strings. */
static void answer_storage(odeus_answer *a, odeus_answer_field *fields, size_t field_capacity,
                           char *strings, size_t strings_capacity)
{
  memset(a, 0, sizeof *a);
  a->fields = fields;
  a->field_capacity = field_capacity;
  a->strings = strings;
  a->strings_capacity = strings_capacity;
}
#endif

#if defined(SIZE_PART_REQUEST)
/* Only the request: checked (its problems into the request's) and streamed
 * out (a firmware with its own HTTP client). */
int main(void)
{
  stub_io s = { 0, 0 };
  oa_stream st;
  char window[256];
  size_t n;
  if (oa_stream_begin(&st, &example_request) != ODEUS_OK || problems.count) return 3;
  while ((n = oa_stream_next(&st, window, sizeof window)) > 0)
    if (stub_send(&s, (const unsigned char *)window, n) != (int)n) return 4;
  return s.sent > 0 && answer_own_way(&s) ? 0 : 5;
}

#elif defined(SIZE_PART_ANSWER)
/* Only the answer: the HTTP parser handing the body to the answer reader
 * (a firmware that sends the request its own way). */
static int on_body(void *ctx, const char *data, size_t len)
{
  return odeus_answer_feed((odeus_answer_reader *)ctx, data, len) == ODEUS_OK ? 0 : 1;
}

int main(void)
{
  stub_io s = { 0, 0 };
  oa_http http;
  odeus_answer_reader rd;
  odeus_answer answer;
  odeus_answer_field fields[4];
  char strings[512], window[256];
  int got;
  request_own_way(&s);
  answer_storage(&answer, fields, 4, strings, sizeof strings);
  odeus_answer_begin(&rd, &answer, 200);
  oa_http_init(&http, on_body, &rd);
  while (!http.done && (got = stub_recv(&s, (unsigned char *)window, sizeof window)) > 0)
    if (oa_http_feed(&http, window, (size_t)got, NULL) != ODEUS_OK) return 5;
  if (!http.done || http.status != 200) return 6;
  return odeus_answer_finish(&rd, http.reason) == ODEUS_OK && answer.field_count == 2 ? 0 : 7;
}

#else
/* The one-call exchange: what a firmware would write. Its begin checks the
 * config and would list the problems: the one validation. */
int main(void)
{
  stub_io s = { 0, 0 };
  odeus_io io;
  odeus_exchange x;
  odeus_answer answer;
  odeus_answer_field fields[4];
  char strings[512];
  unsigned char window[256];
  odeus_result r;
  answer_storage(&answer, fields, 4, strings, sizeof strings);
  io.send = stub_send;
  io.recv = stub_recv;
  io.ctx = &s;
  r = odeus_exchange_begin(&x, &example_request, &answer, window, sizeof window);
  if (r != ODEUS_OK || problems.count) return 3;
  do {
    r = odeus_exchange_run(&x, &io);
  } while (r == ODEUS_WANT_READ || r == ODEUS_WANT_WRITE);
  odeus_exchange_end(&x);
  return r == ODEUS_OK && answer.field_count == 2 ? 0 : 4;
}

#endif
#endif

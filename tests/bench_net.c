/* make bench, the network part (tests/bench_net.sh runs it): applies of the
 * documentation's example against the mock Odeus server over TLS on
 * localhost, timed with CLOCK_MONOTONIC, each checked (ODEUS_OK, HTTP 200,
 * the integration in the answer) and the client's counters checked too, so
 * a mode cannot silently measure something else.
 *
 *   bench_net request PORT BODY  writes the request's body to the file BODY
 *                                and prints its other headers, one a line
 *                                (what curl is given: the same request)
 *   bench_net new PORT N         N applies, each on a new connection with a
 *                                full handshake (no keep-alive, no resumption)
 *   bench_net keep PORT N        N applies on one kept-alive connection
 *                                (opened by one untimed apply before)
 *   bench_net resume PORT N      N applies, each on a new connection resuming
 *                                the TLS session (saved by one untimed apply)
 *   bench_net fresh PORT N       N times: a new client (trust anchors parsed,
 *                                random generator seeded), one apply on a new
 *                                connection, the client freed
 *   bench_net once PORT          one apply with a new client, prints 200: a
 *                                process per apply, as a script runs curl
 *   bench_net spawn NAME N PROGRAM [ARG...]
 *                                runs PROGRAM N times, one after the other,
 *                                each of which must exit 0 having printed
 *                                exactly "200" and a newline (curl -w
 *                                '%{http_code}\n' -o /dev/null, or once)
 *
 * The timed modes print "MODE N WALL_US CPU_US" on stdout: the wall time of
 * the N applies and the CPU time (user + system) the client spent on them,
 * this process's own or, for spawn, its children's. Errors go to stderr
 * with exit status 1. */
#define _POSIX_C_SOURCE 200809L
#define ODEUS_AUTH_IMPLEMENTATION
#define ODEUS_AUTH_MBEDTLS
#include "odeus_auth.h"
#include "example.h"
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define BENCH_KEY "test-key" /* the mock's valid key */
#define BENCH_CA "tests/certs/ca.pem"

static char base_url[64];
static odeus_request request;
static odeus_answer_field answer_fields[4];
static char answer_strings[2048];
static odeus_answer answer;

static void die(const char *what)
{
  fprintf(stderr, "bench_net: %s\n", what);
  exit(1);
}

static uint64_t now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t cpu_us(int who)
{
  struct rusage ru;
  if (getrusage(who, &ru) != 0) die("getrusage failed");
  return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
         (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* Wall and CPU time of a timed run. */
typedef struct span {
  uint64_t wall0, cpu0, wall, cpu;
} span;

static void span_start(span *t, int who)
{
  t->cpu0 = cpu_us(who);
  t->wall0 = now_us();
}

static void span_stop(span *t, int who)
{
  t->wall = now_us() - t->wall0;
  t->cpu = cpu_us(who) - t->cpu0;
}

static void setup_request(const char *port)
{
  if (strlen(port) > 5 || strspn(port, "0123456789") != strlen(port) || !*port) die("bad port");
  snprintf(base_url, sizeof base_url, "https://localhost:%s", port);
  request.base_url = base_url;
  request.api_key = BENCH_KEY;
  request.integration_id = EXAMPLE_ID;
  request.config = &example_config;
}

static void setup_options(odeus_client_options *o, int keep_alive, int resumption)
{
  memset(o, 0, sizeof *o);
  o->ca_file = BENCH_CA;
  o->no_keep_alive = !keep_alive;
  o->no_resumption = !resumption;
}

/* One apply; anything but the example integration back is fatal. */
static void apply_checked(odeus_client *c)
{
  odeus_result r;
  memset(&answer, 0, sizeof answer);
  answer.fields = answer_fields;
  answer.field_capacity = sizeof answer_fields / sizeof answer_fields[0];
  answer.strings = answer_strings;
  answer.strings_capacity = sizeof answer_strings;
  r = odeus_client_apply(c, &request, &answer);
  if (r != ODEUS_OK) {
    fprintf(stderr, "bench_net: apply failed: %s (status %d, io %d, errno %d)\n", odeus_result_text(r),
            c->status, c->io_error, c->sys_error);
    exit(1);
  }
  if (c->status != 200 || c->attempts != 1 || answer.auth_type != ODEUS_AUTH_API_KEY || answer.field_count != 2 ||
      answer.id.len != strlen(EXAMPLE_ID) || memcmp(answer.id.ptr, EXAMPLE_ID, answer.id.len) != 0)
    die("the answer is not the example integration");
}

static void client_init(odeus_client *c, int keep_alive, int resumption)
{
  odeus_client_options o;
  setup_options(&o, keep_alive, resumption);
  if (odeus_client_init(c, &o) != ODEUS_OK) die("cannot set up the client (is the CA file there?)");
}

/* Counters since init must show what the mode claims to measure. */
static void expect_counts(const odeus_client *c, unsigned long connections, unsigned long handshakes,
                          unsigned long resumptions)
{
  if (c->connections != connections || c->handshakes != handshakes || c->resumptions != resumptions) {
    fprintf(stderr, "bench_net: connections %lu handshakes %lu resumptions %lu, expected %lu %lu %lu\n",
            c->connections, c->handshakes, c->resumptions, connections, handshakes, resumptions);
    exit(1);
  }
}

static void run_new(unsigned long n, span *t)
{
  static odeus_client c;
  unsigned long i;
  client_init(&c, 0, 0);
  span_start(t, RUSAGE_SELF);
  for (i = 0; i < n; i++) apply_checked(&c);
  span_stop(t, RUSAGE_SELF);
  expect_counts(&c, n, n, 0);
  odeus_client_free(&c);
}

static void run_keep(unsigned long n, span *t)
{
  static odeus_client c;
  unsigned long i;
  client_init(&c, 1, 0);
  apply_checked(&c); /* opens the connection, untimed */
  span_start(t, RUSAGE_SELF);
  for (i = 0; i < n; i++) {
    apply_checked(&c);
    if (!c.reused) die("an apply did not reuse the kept-alive connection");
  }
  span_stop(t, RUSAGE_SELF);
  expect_counts(&c, 1, 1, 0);
  odeus_client_free(&c);
}

static void run_resume(unsigned long n, span *t)
{
  static odeus_client c;
  unsigned long i;
  client_init(&c, 0, 1);
  apply_checked(&c); /* the full handshake that saves the session, untimed */
  span_start(t, RUSAGE_SELF);
  for (i = 0; i < n; i++) {
    apply_checked(&c);
    if (!c.resumed) die("an apply did not resume the TLS session");
  }
  span_stop(t, RUSAGE_SELF);
  expect_counts(&c, n + 1, n + 1, n);
  odeus_client_free(&c);
}

static void run_fresh(unsigned long n, span *t)
{
  static odeus_client c;
  unsigned long i;
  span_start(t, RUSAGE_SELF);
  for (i = 0; i < n; i++) {
    client_init(&c, 0, 0);
    apply_checked(&c);
    odeus_client_free(&c);
  }
  span_stop(t, RUSAGE_SELF);
}

static int run_once(void)
{
  static odeus_client c;
  client_init(&c, 0, 0);
  apply_checked(&c);
  expect_counts(&c, 1, 1, 0);
  printf("%d\n", c.status);
  odeus_client_free(&c);
  return 0;
}

/* One run of argv; its standard output must be exactly "200\n". */
static void spawn_checked(char **argv)
{
  static char out[64];
  size_t got = 0;
  ssize_t r;
  int fds[2], status;
  pid_t pid;
  posix_spawn_file_actions_t fa;
  if (pipe(fds) != 0) die("pipe failed");
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) die("cannot start the program");
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  while ((r = read(fds[0], out + got, sizeof out - 1 - got)) > 0) got += (size_t)r;
  close(fds[0]);
  out[got] = '\0';
  if (waitpid(pid, &status, 0) != pid) die("waitpid failed");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || strcmp(out, "200\n") != 0) {
    fprintf(stderr, "bench_net: %s: exit status %d, printed \"%s\" (not 200)\n", argv[0],
            WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
    exit(1);
  }
}

static void run_spawn(unsigned long n, char **argv, span *t)
{
  unsigned long i;
  span_start(t, RUSAGE_CHILDREN);
  for (i = 0; i < n; i++) spawn_checked(argv);
  span_stop(t, RUSAGE_CHILDREN);
}

static int starts_with(const char *line, const char *eol, const char *prefix)
{
  size_t n = strlen(prefix);
  return (size_t)(eol - line) >= n && memcmp(line, prefix, n) == 0;
}

/* The body to a file, the headers but the request line, Host and
 * Content-Length (curl writes those itself) to stdout. */
static int write_request(const char *body_path)
{
  static char buf[4096];
  size_t n = 0;
  const char *head_end, *line, *eol;
  FILE *f;
  if (oa_write_request(&request, buf, sizeof buf, &n, 0) != ODEUS_OK || n >= sizeof buf) die("cannot write the request");
  buf[n] = '\0';
  head_end = strstr(buf, "\r\n\r\n");
  if (!head_end) die("the request has no end of head");
  f = fopen(body_path, "wb");
  if (!f) die("cannot create the body file");
  if (fwrite(head_end + 4, 1, (size_t)(buf + n - (head_end + 4)), f) != (size_t)(buf + n - (head_end + 4)) ||
      fclose(f) != 0)
    die("cannot write the body file");
  line = strstr(buf, "\r\n") + 2; /* past the request line */
  for (; line < head_end + 2; line = eol + 2) {
    eol = strstr(line, "\r\n");
    if (starts_with(line, eol, "Host:") || starts_with(line, eol, "Content-Length:")) continue;
    printf("%.*s\n", (int)(eol - line), line);
  }
  return 0;
}

static unsigned long count_arg(const char *s)
{
  char *end;
  unsigned long n = strtoul(s, &end, 10);
  if (*end || n == 0 || n > 100000) die("bad count");
  return n;
}

int main(int argc, char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "";
  span t;
  unsigned long n;
  if (strcmp(mode, "spawn") == 0) {
    if (argc < 5) die("usage: bench_net spawn NAME N PROGRAM [ARG...]");
    n = count_arg(argv[3]);
    run_spawn(n, argv + 4, &t);
    printf("%s %lu %llu %llu\n", argv[2], n, (unsigned long long)t.wall, (unsigned long long)t.cpu);
    return 0;
  }
  if (argc < 3) {
    fprintf(stderr, "usage: bench_net request PORT BODY | new|keep|resume|fresh PORT N | once PORT\n"
                    "       | spawn NAME N PROGRAM [ARG...]\n");
    return 2;
  }
  setup_request(argv[2]);
  if (strcmp(mode, "once") == 0) return run_once();
  if (argc < 4) die("missing argument");
  if (strcmp(mode, "request") == 0) return write_request(argv[3]);
  n = count_arg(argv[3]);
  if (strcmp(mode, "new") == 0) run_new(n, &t);
  else if (strcmp(mode, "keep") == 0) run_keep(n, &t);
  else if (strcmp(mode, "resume") == 0) run_resume(n, &t);
  else if (strcmp(mode, "fresh") == 0) run_fresh(n, &t);
  else die("unknown mode");
  printf("%s %lu %llu %llu\n", mode, n, (unsigned long long)t.wall, (unsigned long long)t.cpu);
  return 0;
}

/* custom_io.c: one exchange over your own network code, the way a port to
 * lwIP, an RTOS socket layer or a cellular modem does it. The porting guide.
 *
 * No mbedTLS here (ODEUS_AUTH_MBEDTLS is not defined): only the core of the
 * library, which does no I/O of its own. It writes the request and reads
 * the answer through two callbacks with mbedTLS' BIO semantics:
 *
 *   send(ctx, buf, len)  -> bytes taken (> 0), or ODEUS_IO_WANT_WRITE when
 *                           the network cannot take any now, or another
 *                           negative value for a failure
 *   recv(ctx, buf, len)  -> bytes read (> 0), 0 when the peer closed, or
 *                           ODEUS_IO_WANT_READ when nothing has arrived yet,
 *                           or another negative value for a failure
 *
 * On a want-read or want-write, odeus_exchange_run returns ODEUS_WANT_READ
 * or ODEUS_WANT_WRITE; the caller waits until the network is ready (poll()
 * here; lwip_select, an RTOS event or a modem's unsolicited result code on a
 * device) and calls it again: it resumes exactly where it stopped. Nothing
 * blocks inside the library, so one task can run other work between calls.
 *
 * Here the "network" is a non-blocking POSIX TCP socket, and the server a
 * plain-HTTP one (the mock server of the tests: tests/mock.sh start --plain).
 * Over TLS, put mbedTLS between the two: mbedtls_ssl_set_bio() with these
 * callbacks below it, and mbedtls_ssl_write / mbedtls_ssl_read as the
 * odeus_io callbacks above it (their want-read/want-write values are the
 * same), or use the modem's own TLS. The request and the answer pass
 * through one 256-byte window, whatever their size.
 *
 * Build:  cc -std=c99 -O2 -o custom_io examples/custom_io.c
 * Run:    ODEUS_API_KEY=test-key ./custom_io localhost PORT
 *     or  ODEUS_API_KEY=test-key ODEUS_BASE_URL=http://localhost:PORT ./custom_io
 * Environment: ODEUS_API_KEY, ODEUS_BASE_URL (an http:// URL, when no host
 * and port are given), ODEUS_INTEGRATION_ID
 * (550e8400-e29b-41d4-a716-446655440000).
 *
 * Prints the integration the server stored, as one line of JSON. Exit
 * status: 0 success, 1 failure, 2 usage. */
#define _POSIX_C_SOURCE 200809L         /* POSIX sockets under -std=c99 */
#define ODEUS_AUTH_IMPLEMENTATION       /* the core only: no transport */
#include "../odeus_auth.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/types.h>

#ifdef MSG_NOSIGNAL
#define SEND_FLAGS MSG_NOSIGNAL         /* a closed peer is an error, not SIGPIPE */
#else
#define SEND_FLAGS 0                    /* main ignores SIGPIPE instead */
#endif

#define WAIT_MS 30000                   /* the longest wait for the network */
#define DEADLINE_MS 60000               /* the whole exchange, connect included */

/* A service-account integration: users paste a key file. */
static const odeus_auth_field fields[] = {
  { ODEUS_LIT("service_account"), ODEUS_LIT("Service account key"), ODEUS_FIELD_MULTI_LINE_TEXT,
    ODEUS_LIT("The JSON key file of a service account with read access"),
    ODEUS_LIT("{ \"type\": \"service_account\", ... }"), ODEUS_BOOL_TRUE }
};
static const odeus_config config = { ODEUS_AUTH_SERVICE_ACCOUNT, fields, 1, { NULL, 0 }, NULL };

/* ---- the port: what a device replaces ---------------------------------- */

/* The connection, as the callbacks see it (their ctx). lwIP: a struct
 * netconn * or a socket number; a modem: the AT channel and its socket id. */
typedef struct connection {
  int fd;
  long long deadline;                   /* monotonic ms: nothing goes on past it */
  int error;                            /* the errno of a failure, else 0 */
  int timed_out;                        /* the deadline ended it */
} connection;

static long long now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The exchange reads and writes for as long as bytes move, so the io checks
 * the deadline on every call: a peer that keeps sending, slowly or without
 * end, cannot hold the task. */
static int past_deadline(connection *c)
{
  if (now_ms() < c->deadline) return 0;
  c->timed_out = 1;
  return 1;
}

/* Sends what the network takes now.
 *   lwIP sockets: lwip_send(fd, buf, len, MSG_DONTWAIT), EWOULDBLOCK -> WANT_WRITE
 *   lwIP netconn: netconn_write_partly(conn, buf, len, NETCONN_DONTBLOCK, &written),
 *                 ERR_WOULDBLOCK or 0 written -> WANT_WRITE
 *   a modem:      AT+CIPSEND / AT+QISEND / AT+USOWR with at most the bytes its
 *                 buffer has room for; WANT_WRITE while it has none (or while
 *                 the '>' prompt has not come), so the task never blocks */
static int conn_send(void *ctx, const unsigned char *buf, size_t len)
{
  connection *c = (connection *)ctx;
  ssize_t n;
  if (past_deadline(c)) return -1;
  n = send(c->fd, buf, len > INT_MAX ? INT_MAX : len, SEND_FLAGS);
  if (n > 0) return (int)n;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return ODEUS_IO_WANT_WRITE;
  c->error = n < 0 ? errno : EPIPE;
  return -1;                            /* any other negative value: failed */
}

/* Receives what has arrived.
 *   lwIP sockets: lwip_recv(fd, buf, len, MSG_DONTWAIT), EWOULDBLOCK -> WANT_READ
 *   lwIP netconn: netconn_recv() on a non-blocking netconn gives a netbuf:
 *                 copy up to len bytes out (netbuf_copy_partial), keep the
 *                 rest for the next call; ERR_WOULDBLOCK -> WANT_READ
 *   a modem:      AT+CIPRXGET / AT+QIRD / AT+USORD for up to len bytes once its
 *                 "data arrived" URC came; WANT_READ before; 0 once it reports
 *                 the socket closed by the peer */
static int conn_recv(void *ctx, unsigned char *buf, size_t len)
{
  connection *c = (connection *)ctx;
  ssize_t n;
  if (past_deadline(c)) return -1;
  n = recv(c->fd, buf, len > INT_MAX ? INT_MAX : len, 0);
  if (n >= 0) return (int)n;            /* 0: the peer closed */
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return ODEUS_IO_WANT_READ;
  c->error = errno;
  return -1;
}

/* Waits until the socket can do what the exchange asked for, at most
 * WAIT_MS and never past until (the deadline, or an address's share of it).
 * 1 ready, 0 timed out, -1 failed. lwIP: lwip_select or lwip_poll; an
 * RTOS: wait on the event the network task signals; a modem: wait for its
 * URC. */
static int wait_until(connection *c, short events, long long until)
{
  struct pollfd p;
  int n;
  p.fd = c->fd;
  p.events = events;
  p.revents = 0;
  do {
    long long left = until - now_ms();
    if (left <= 0) { c->timed_out = until >= c->deadline; return 0; }
    n = poll(&p, 1, (int)(left < WAIT_MS ? left : WAIT_MS));
  } while (n < 0 && errno == EINTR);
  if (n < 0) c->error = errno;
  if (n == 0) c->timed_out = now_ms() >= c->deadline; /* else WAIT_MS, or a share, ran out */
  return n < 0 ? -1 : n > 0;
}

static int wait_for(connection *c, short events)
{
  return wait_until(c, events, c->deadline);
}

/* A non-blocking connect to one address: started, then awaited until
 * until. The reason kept is this address's. */
static int connect_one(connection *c, const struct addrinfo *a, long long until)
{
  int err = 0, flags, w;
  socklen_t err_len = sizeof err;
  c->error = 0;
  c->fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
  if (c->fd < 0) { c->error = errno; return -1; }
  flags = fcntl(c->fd, F_GETFL);
  if (flags == -1 || fcntl(c->fd, F_SETFL, flags | O_NONBLOCK) != 0) { c->error = errno; goto failed; }
  if (connect(c->fd, a->ai_addr, a->ai_addrlen) == 0) return 0;
  if (errno != EINPROGRESS && errno != EINTR) { c->error = errno; goto failed; }
  w = wait_until(c, POLLOUT, until);    /* -1: wait_until kept the errno */
  if (w == 0 && !c->timed_out) c->error = ETIMEDOUT; /* this address's share is up */
  if (w != 1) goto failed;
  if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0) err = errno;
  if (err == 0) return 0;
  c->error = err;
failed:
  close(c->fd);
  c->fd = -1;
  return -1;
}

/* Opens the TCP connection: each address of the host in turn ("localhost"
 * may name ::1 before 127.0.0.1). lwIP: netconn_gethostbyname then
 * netconn_connect; a modem: AT+CIPSTART / AT+QIOPEN / AT+USOCO. */
static int open_connection(connection *c, const odeus_url *u)
{
  struct addrinfo hints, *list = NULL, *a;
  char host[256], port[8];
  const char *h = u->host.ptr;
  size_t hl = u->host.len;
  long long count = 0;
  int gai;
  if (hl >= 2 && h[0] == '[') { h++; hl -= 2; }     /* an IPv6 literal: no brackets */
  if (hl >= sizeof host) return -1;
  memcpy(host, h, hl);
  host[hl] = '\0';
  snprintf(port, sizeof port, "%u", (unsigned)u->port);
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  gai = getaddrinfo(host, port, &hints, &list);
  if (gai != 0) {
    fprintf(stderr, "custom_io: %s: %s\n", host, gai_strerror(gai));
    return -2;
  }
  c->fd = -1;
  for (a = list; a; a = a->ai_next) count++;
  /* Each address gets an equal share of the time left, so one that drops
   * every packet cannot take the time of those after it. */
  for (a = list; a && c->fd < 0; a = a->ai_next, count--) {
    long long left = c->deadline - now_ms();
    if (left <= 0) { c->timed_out = 1; break; }
    (void)connect_one(c, a, now_ms() + left / count);
  }
  freeaddrinfo(list);
  return c->fd < 0 ? -1 : 0;
}

/* ---- one exchange ----------------------------------------------------------- */

/* Runs the exchange to its end: each want-read or want-write waits for the
 * socket, then resumes. *waits counts those waits. */
static odeus_result run_exchange(const odeus_request *request, odeus_answer *answer, connection *c,
                                 int *status, unsigned *waits)
{
  odeus_io io;
  odeus_exchange x;
  unsigned char window[256];            /* carries the request out, the answer in */
  odeus_result r;
  io.send = conn_send;
  io.recv = conn_recv;
  io.ctx = c;
  r = odeus_exchange_begin(&x, request, answer, window, sizeof window);
  while (r == ODEUS_OK) {
    int ready;
    r = odeus_exchange_run(&x, &io);
    if (r != ODEUS_WANT_READ && r != ODEUS_WANT_WRITE) break;
    ++*waits;
    ready = wait_for(c, r == ODEUS_WANT_READ ? POLLIN : POLLOUT);
    if (ready == 1) r = ODEUS_OK;       /* ready: run again */
    else if (ready == 0) r = ODEUS_ERR_TIMEOUT;
    else r = ODEUS_ERR_IO;
  }
  if (c->timed_out) r = ODEUS_ERR_TIMEOUT;
  *status = answer->status;
  odeus_exchange_end(&x);               /* always: the window held the API key */
  return r;
}

/* Why it failed, on one line: the result, then the server's message or the
 * problem of its answer, made safe to print, or the system's reason. */
static void report(odeus_result r, const odeus_answer *answer, const connection *c)
{
  char text[512];
  fprintf(stderr, "custom_io: %s", odeus_result_text(r));
  if (answer->problem.rule) {
    odeus_problem_format(&answer->problem, text, sizeof text);
    fprintf(stderr, ": %s", text);
  } else if (answer->message.ptr) {
    odeus_display_text(answer->message.ptr, answer->message.len, text, sizeof text);
    fprintf(stderr, ": %s", text);
  } else if (c->error) {
    fprintf(stderr, ": %s", strerror(c->error));
  }
  fputc('\n', stderr);
}

int main(int argc, char **argv)
{
  /* The answer's storage holds every string the server may send back (the
   * field sent, and a stored authTestCode of up to 3 KB); static, so the
   * task's stack holds little more than the 256-byte window. */
  static odeus_answer_field answer_fields[4];
  static char answer_strings[8192];
  static char json[16384];
  char base_url[300];
  const char *env_url = getenv("ODEUS_BASE_URL");
  const char *id = getenv("ODEUS_INTEGRATION_ID");
  const char *key = getenv("ODEUS_API_KEY");
  odeus_request request;
  odeus_url u;
  odeus_answer answer;
  connection conn;
  size_t json_len = 0;
  int status = 0, n;
  unsigned waits = 0;
  odeus_result r;

#ifndef MSG_NOSIGNAL
  signal(SIGPIPE, SIG_IGN);             /* a closed peer is an error, not a kill */
#endif
  /* Where to: HOST PORT, or an http:// base URL. */
  if (argc == 3)
    n = snprintf(base_url, sizeof base_url, "http://%s:%s", argv[1], argv[2]);
  else if (argc == 1 && env_url && *env_url)
    n = snprintf(base_url, sizeof base_url, "%s", env_url);
  else {
    fputs("usage: custom_io HOST PORT   (or set ODEUS_BASE_URL=http://HOST:PORT)\n", stderr);
    return 2;
  }
  if (n < 0 || (size_t)n >= sizeof base_url ||
      odeus_parse_base_url(base_url, strlen(base_url), &u) != ODEUS_OK) {
    fputs("custom_io: not a valid base URL (http://HOST:PORT[/prefix])\n", stderr);
    return 2;
  }
  if (u.https) {
    fputs("custom_io: this example has no TLS: give a plain http:// URL\n", stderr);
    return 2;
  }
  /* Checked before any network use, as the exchange would check it. */
  if (!key || odeus_validate_api_key(key, strlen(key)) != ODEUS_OK) {
    fputs("custom_io: set ODEUS_API_KEY to your Odeus API key (visible ASCII, no spaces)\n", stderr);
    return 2;
  }

  memset(&request, 0, sizeof request);
  request.base_url = base_url;
  request.api_key = key;
  request.integration_id = id && *id ? id : "550e8400-e29b-41d4-a716-446655440000";
  request.config = &config;

  memset(&answer, 0, sizeof answer);
  answer.fields = answer_fields;
  answer.field_capacity = sizeof answer_fields / sizeof answer_fields[0];
  answer.strings = answer_strings;
  answer.strings_capacity = sizeof answer_strings;

  memset(&conn, 0, sizeof conn);
  conn.deadline = now_ms() + DEADLINE_MS;
  n = open_connection(&conn, &u);
  if (n != 0) {
    if (n == -1) /* -2: the lookup failed, and said so */
      fprintf(stderr, "custom_io: cannot connect to %s: %s\n", base_url,
              conn.timed_out ? "timed out" : conn.error ? strerror(conn.error) : "no address");
    return 1;
  }
  r = run_exchange(&request, &answer, &conn, &status, &waits);
  close(conn.fd);
  fprintf(stderr, "custom_io: HTTP %d (socket waits: %u)\n", status, waits);

  if (r == ODEUS_OK) r = odeus_write_answer(&answer, json, sizeof json, &json_len);
  if (r == ODEUS_ERR_ANSWER_CUT) {      /* a 200: the change is made */
    fprintf(stderr, "custom_io: applied; printing the answer needs %zu bytes of storage\n",
            answer.strings_needed);
    return 0;
  }
  if (r != ODEUS_OK) {
    report(r, &answer, &conn);
    return 1;
  }
  printf("%.*s\n", (int)json_len, json);
  return 0;
}

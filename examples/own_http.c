/* own_http.c: the library beside an HTTP client you already have (tier 2).
 *
 * Firmware often has an HTTP client already: esp_http_client, Zephyr's
 * http_client, coreHTTP, libcurl. Then the library does not need to talk to
 * the network at all. It gives that client what to send:
 *
 *   odeus_write_head     the request line and header lines (Host,
 *                        Authorization, Content-Type, Content-Length, ...):
 *                        hand them to your client as they are, or one by one
 *   odeus_write_body_to  the JSON body through a small window, for a client
 *                        that writes a body in pieces (odeus_write_body
 *                        writes it into one buffer, or measures it)
 *
 * and reads what the client received into the same odeus_answer as the
 * exchange does, with the same rules (an error body never hides its status):
 *
 *   odeus_answer_begin   with the HTTP status, once the client has it
 *   odeus_answer_feed    every piece of the body, as the client delivers it
 *   odeus_answer_finish  at the end (with the reason phrase, if the client
 *                        gives one): ODEUS_OK, or why not
 *
 * Everything is checked before a byte goes out: a config the server would
 * refuse never reaches the client. Here "your HTTP client" is a small
 * blocking one over a plain http:// connection, written below as a user
 * would write theirs; what the library does is in main().
 *
 * Build:  cc -std=c99 -O2 -o own_http examples/own_http.c
 * Run:    ODEUS_API_KEY=test-key ./own_http http://localhost:PORT
 * Environment: ODEUS_API_KEY, ODEUS_INTEGRATION_ID
 * (550e8400-e29b-41d4-a716-446655440000).
 *
 * Prints the integration the server stored, as one line of JSON. Exit
 * status: 0 success, 1 failure, 2 usage. */
#define _POSIX_C_SOURCE 200809L         /* POSIX sockets under -std=c99 */
#define ODEUS_AUTH_IMPLEMENTATION       /* the core only: no transport */
#include "../odeus_auth.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/types.h>

/* ---- "your HTTP client": a few lines of blocking sockets ------------------- */
typedef struct client {
  int fd;
  char buf[512];                        /* bytes received, not yet used */
  size_t len;
} client;

static int client_connect(client *c, const char *host, const char *port)
{
  struct addrinfo hints, *res, *ai;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  c->fd = -1;
  c->len = 0;
  if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
  for (ai = res; ai && c->fd < 0; ai = ai->ai_next) {
    c->fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (c->fd >= 0 && connect(c->fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      close(c->fd);
      c->fd = -1;
    }
  }
  freeaddrinfo(res);
  return c->fd < 0 ? -1 : 0;
}

/* The library's odeus_write_fn: 0 when every byte went out. */
static int client_write(void *ctx, const char *data, size_t len)
{
  client *c = (client *)ctx;
  while (len > 0) {
    ssize_t n = send(c->fd, data, len, 0);
    if (n <= 0) return -1;
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

static ssize_t client_fill(client *c)
{
  ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
  if (n > 0) c->len += (size_t)n;
  return n;
}

/* The response head: the status and Content-Length (this small client reads
 * nothing else, and asks for no chunked body); the body's first bytes stay
 * in c->buf. 0 on success. */
static int client_read_head(client *c, int *status, long *content_length)
{
  char *end;
  size_t head;
  while (!(end = strstr(c->buf, "\r\n\r\n"))) {
    if (c->len == sizeof c->buf - 1 || client_fill(c) <= 0) return -1;
    c->buf[c->len] = '\0';
  }
  head = (size_t)(end - c->buf) + 4;
  *content_length = -1;
  if (sscanf(c->buf, "HTTP/1.%*d %d", status) != 1) return -1;
  {
    char *cl = strstr(c->buf, "\r\nContent-Length:");
    if (cl && cl < end) *content_length = strtol(cl + 17, NULL, 10);
  }
  c->len -= head;
  memmove(c->buf, c->buf + head, c->len);
  return *content_length < 0 ? -1 : 0;
}

/* ---- the library beside it ------------------------------------------------ */
int main(int argc, char **argv)
{
  const char *key = getenv("ODEUS_API_KEY"), *id = getenv("ODEUS_INTEGRATION_ID");
  static const odeus_auth_field fields[] = {
    { ODEUS_LIT("service_account"), ODEUS_LIT("Service account key"), ODEUS_FIELD_MULTI_LINE_TEXT,
      ODEUS_LIT("The JSON key file of a service account with read access"),
      ODEUS_LIT("{ \"type\": \"service_account\", ... }"), ODEUS_BOOL_TRUE }
  };
  odeus_config config = { ODEUS_AUTH_SERVICE_ACCOUNT, fields, 1, { NULL, 0 }, NULL };
  odeus_request request;
  odeus_url url;
  odeus_answer answer;
  odeus_answer_field got[4];
  odeus_answer_reader reader;
  char strings[2048], head[512], window[128], port[8], host[256], json[4096];
  size_t head_len = 0, n;
  long left;
  int status;
  odeus_result r;
  client c;

  if (argc != 2 || odeus_parse_base_url(argv[1], strlen(argv[1]), &url) != ODEUS_OK || url.https ||
      url.host.len >= sizeof host) {
    fprintf(stderr, "usage: own_http http://HOST[:PORT][/PREFIX] (this client has no TLS)\n");
    return 2;
  }
  memset(&request, 0, sizeof request);   /* zero first: a member left out is "not set" */
  request.base_url = argv[1];
  request.api_key = key;
  request.integration_id = id ? id : "550e8400-e29b-41d4-a716-446655440000";
  request.config = &config;

  /* 1. What to send: the head, checked with the whole request. */
  r = odeus_write_head(&request, head, sizeof head, &head_len);
  if (r != ODEUS_OK) {
    fprintf(stderr, "own_http: %s\n", odeus_result_text(r));
    return 1;
  }
  memcpy(host, url.host.ptr, url.host.len);
  host[url.host.len] = '\0';
  snprintf(port, sizeof port, "%u", (unsigned)url.port);
  if (client_connect(&c, host, port) != 0) {
    fprintf(stderr, "own_http: cannot connect to %s port %s\n", host, port);
    return 1;
  }
  /* 2. Your client sends it: the head, then the body through a window. */
  r = client_write(&c, head, head_len) == 0 ? ODEUS_OK : ODEUS_ERR_IO;
  odeus_wipe(head, sizeof head);        /* it held the API key */
  if (r == ODEUS_OK) r = odeus_write_body_to(&config, window, sizeof window, client_write, &c);
  /* 3. Your client reads the answer; the library maps it. */
  if (r == ODEUS_OK && client_read_head(&c, &status, &left) != 0) r = ODEUS_ERR_HTTP_HEADER;
  memset(&answer, 0, sizeof answer);
  answer.fields = got;
  answer.field_capacity = 4;
  answer.strings = strings;
  answer.strings_capacity = sizeof strings;
  if (r == ODEUS_OK) {
    odeus_answer_begin(&reader, &answer, status);
    while (left > 0) {
      if (c.len == 0 && client_fill(&c) <= 0) break; /* cut short: finish says how */
      n = c.len < (size_t)left ? c.len : (size_t)left;
      odeus_answer_feed(&reader, c.buf, n);          /* pieces as they come */
      left -= (long)n;
      c.len = 0;
    }
    r = odeus_answer_finish(&reader, NULL);
  }
  close(c.fd);
  if (r != ODEUS_OK) {
    char shown[1024];
    odeus_display_text(answer.message.ptr, answer.message.len, shown, sizeof shown);
    fprintf(stderr, "own_http: %s%s%s\n", odeus_result_text(r), answer.message.len ? ": " : "",
            answer.message.len ? shown : "");
    return 1;
  }
  if (odeus_write_answer(&answer, json, sizeof json, &n) != ODEUS_OK) return 1;
  printf("%.*s\n", (int)n, json);
  return 0;
}

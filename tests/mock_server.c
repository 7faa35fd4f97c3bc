/* mock_server.c — a local Odeus server for the tests, the benchmarks and the demo.
 *
 * Test code, not part of the library. It implements SPEC §1 (PATCH
 * {prefix}/integrations/v1/{id}/auth) over real TLS (mbedTLS' server API:
 * session cache and session tickets for resumption, keep-alive) or plain
 * HTTP, on 127.0.0.1 only, with a bounded lifetime. One thread per
 * connection; the integration state is shared under one lock.
 *
 * Build:  gcc -O2 -I. tests/mock_server.c -o build/mock_server \
 *             -lmbedtls -lmbedx509 -lmbedcrypto -lpthread
 * Start:  tests/mock.sh start [options]   (picks a free port, prints it)
 *
 * ---- options --------------------------------------------------------------
 *   --port N          port to listen on; 0 (default) picks a free one
 *   --port-file FILE  write the port there once listening (atomically)
 *   --cert PEM        certificate to serve (tests/certs/server.pem)
 *   --key PEM         its key (the --cert path with .key for .pem)
 *   --plain           plain HTTP instead of TLS
 *   --lifetime S      exit after S seconds (120)
 *   --record FILE     append every raw request received, byte for byte
 *   --mode NAME|NN    behaviour mode of every apply (see the table below)
 *   --fails N         failures before the success of the "then success"
 *                     modes (1); the cycle repeats per integration id
 *   --prefix P        accept only this path prefix (any prefix by default)
 *   --stall S         how long the stall mode holds a connection (30)
 *   --idle S          idle time before a kept-alive connection is closed (a
 *                     handshake and a first request wait at least 15 s),
 *                     and the longest a send may wait for a client that
 *                     stops reading (15)
 *   --huge-mb N       size of the huge answers in MiB (50)
 *   --byte-delay-us N pause after each byte of the bytewise modes (100)
 *   --resumption cache|tickets|both|none   TLS resumption offered (both)
 *   --quiet           no log lines on stderr
 *
 * ---- endpoints --------------------------------------------------------------
 *   PATCH {prefix}/integrations/v1/{id}/auth   the API (SPEC §1)
 *   GET   /__state/{id}    the stored state of an integration, as JSON,
 *                          secrets and the user-connection count included
 *   GET   /__stats         {"apiRequests":N,"apiConnections":N,"apiResumed":N,
 *                          "handshakeFailures":N}: API requests, the connections
 *                          that carried them, how many of those resumed a TLS
 *                          session, and failed handshakes (a client refusing
 *                          the certificate during the handshake, as mbedTLS
 *                          does; curl checks the name after it); /__* requests
 *                          are not counted
 *   any   /__reset         back to the initial state (attempt counters and
 *                          statistics too)
 *
 * ---- keys and integrations --------------------------------------------------
 *   Authorization: Bearer test-key      valid, with the INTEGRATION_API scope
 *   Authorization: Bearer noscope-key   valid, without the scope -> 403
 *   anything else, or none              -> 401
 *   550e8400-e29b-41d4-a716-446655440000  ours; starts as API_KEY, no fields,
 *                                         no test code, no OAuth client and
 *                                         3 user connections
 *   11111111-2222-4333-8444-555555555555  another workspace's -> 403
 *   00000000-0000-4000-8000-0000000000NN  ours (created like the first on
 *                                         first use), and selects mode NN
 *   any other UUID -> 404; not a UUID -> 400 (either case is accepted)
 * Checks run in this order: mode, key, scope, id, existence, workspace,
 * Content-Type (application/json), body (odeus_parse_config, the library's
 * own parser and validator: 400 {"message":"<first problem>"}).
 *
 * ---- state rules (SPEC §1 "Behaviour") -------------------------------------
 * authFields present replaces every field (new generated ids); absent keeps
 * them. authTestCode absent keeps it. A change of authType sets the user
 * connections to 0 and deletes the OAuth client; NONE, API_KEY and
 * SERVICE_ACCOUNT delete the OAuth client too; an oauthClient in the body
 * replaces the stored one whole. The answer never holds clientId,
 * clientSecret, authUrl or tokenUrl; /__state shows them all.
 * The 200 answer carries two keys SPEC §1 does not name, which clients must
 * ignore: "name" in the integration and "position" in each field.
 *
 * ---- behaviour modes --------------------------------------------------------
 * Chosen per request by the header `X-Mock: NAME` (or NN), else by the
 * integration id 00000000-0000-4000-8000-0000000000NN, else by --mode.
 * "then success": the first --fails attempts per id fail, the next is
 * handled normally, and the cycle starts again.
 *
 *   NN name              what the server does
 *   00 normal            handle the request
 *   01 retry429          429, Retry-After: 1, then success
 *   02 retry429date      429, Retry-After: <HTTP date 2 s ahead>, then success
 *   03 error500          500 {"message":...} always
 *   04 retry503          503 (no Retry-After), then success
 *   05 bad400            400 {"message":[{"path":"authFields.0.slug","message":"Required"}]}
 *   06 unauth401         401 {"error":"Unauthorized"}
 *   07 html502           502 with a text/html body, always
 *   08 chunked           handle; the answer chunked
 *   09 bytewise          handle; the answer written one byte per write
 *   10 stall             read the request, answer nothing, hold the connection
 *                        until the client closes or --stall seconds pass
 *   11 reset             handle; send the head and half the body, then a TCP RST
 *   12 conflict-cl       handle; two different Content-Length headers, then close
 *   13 huge              200 with a Content-Length body of --huge-mb MiB
 *   14 huge-chunked      the same, chunked
 *   15 badjson           200 whose body is not JSON
 *   16 always429         429, Retry-After: 1, always
 *   17 chunked-bytewise  handle; chunked and one byte per write
 *   18 close             handle; answer with Connection: close, then close
 *   19 retry429long      429, Retry-After: 86400, then success
 *   20 drop              read the request, close without an answer
 *   21 retry408          408, then success
 *   22 retry504          504, then success
 *   23 escaped           handle; every non-ASCII character and '/' in the
 *                        answer's strings written as \uXXXX (surrogate pairs)
 *                        and \/
 *   24 interim           handle; a 100 Continue head before the answer
 *   25 eof-body          handle; no Content-Length, the body ends at close
 *   26 cl-te             handle; both Content-Length and chunked encoding
 *   27 retry502          502 (text/html), then success
 *   28 endless-chunks    a 200 chunked head, "{", then chunks of one space,
 *                        each behind a 4,000-byte chunk extension, as fast
 *                        as the client reads, without end (until the client
 *                        closes or --stall seconds pass): no read ever
 *                        waits, yet the answer never grows
 *   29 alerts            over TLS: a 200 head, then TLS warning alerts
 *                        (user_canceled) as fast as the client reads, without
 *                        end; mbedTLS reads past them by itself. Over plain
 *                        TCP, as endless-chunks
 *   30 steering          400 whose message holds a line break, a forged
 *                        "odeus-auth:" line, ESC, C1 controls, bidi marks,
 *                        a NUL, a line separator and a backslash: what a
 *                        tool must not print raw
 *   31 created           201 Created with an empty object: a 2xx that is not
 *                        the API's 200
 *   32 retry429drop      429, Retry-After: 1, then every later request of
 *                        the id is dropped (closed without an answer)
 *   33 cut               handle; send the head and half the body, then close
 *                        the connection as usual (FIN, and TLS close_notify)
 *
 * Every answer carries X-Mock-Connection (connection serial number),
 * X-Mock-Request (request number on that connection) and, over TLS,
 * X-Mock-Resumed (1 when the handshake resumed a session).
 *
 * Robustness: the request head is parsed strictly (CRLF lines, token names,
 * no control bytes, one Host, one Content-Length, no Transfer-Encoding);
 * a bad head gets 400 and the connection is closed. Limits: head 16 KiB
 * (431), body 1 MiB (413), 128 connections at once.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <mbedtls/version.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cache.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

#define ODEUS_AUTH_IMPLEMENTATION
#include "odeus_auth.h"

/* ===========================================================================
 * Limits and options
 * ========================================================================= */
#define HEAD_MAX (16 * 1024)
#define BODY_MAX (1024 * 1024)
#define MAX_CONNECTIONS 128
#define MAX_FIELDS 256
#define MAX_ATTEMPT_IDS 256

static const char ID_OURS[] = "550e8400-e29b-41d4-a716-446655440000";
static const char ID_OTHER[] = "11111111-2222-4333-8444-555555555555";
static const char ID_MODE_PREFIX[] = "00000000-0000-4000-8000-0000000000";

static struct options {
  int port;
  const char *port_file;
  const char *cert, *key;
  int plain;
  int lifetime_s;
  const char *record;
  int mode;                 /* -1: none */
  int fails;
  const char *prefix;       /* NULL: any */
  int stall_s, idle_s;
  size_t huge_bytes;
  long byte_delay_us;
  int cache, tickets;
  int quiet;
} opt = { 0, NULL, "tests/certs/server.pem", NULL, 0, 120, NULL, -1, 1, NULL,
          30, 15, (size_t)50 << 20, 100, 1, 1, 0 };

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

static void logf_(const char *fmt, ...)
{
  va_list ap;
  char line[512];
  if (opt.quiet) return;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  fprintf(stderr, "mock: %s\n", line);
}

static void die(const char *what)
{
  fprintf(stderr, "mock_server: %s\n", what);
  exit(2);
}

/* ===========================================================================
 * A growable byte buffer
 * ========================================================================= */
typedef struct buf {
  char *p;
  size_t n, cap;
} buf;

static void buf_put(buf *b, const void *data, size_t n)
{
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    char *np;
    while (cap < b->n + n + 1) cap *= 2;
    np = (char *)realloc(b->p, cap);
    if (!np) die("out of memory");
    b->p = np;
    b->cap = cap;
  }
  if (n) memcpy(b->p + b->n, data, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static void buf_puts(buf *b, const char *s) { buf_put(b, s, strlen(s)); }
static void buf_putc(buf *b, char c) { buf_put(b, &c, 1); }

static void buf_printf(buf *b, const char *fmt, ...)
{
  char tmp[1024];
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  buf_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void buf_free(buf *b)
{
  free(b->p);
  b->p = NULL;
  b->n = b->cap = 0;
}

/* ===========================================================================
 * Behaviour modes
 * ========================================================================= */
enum {
  M_NORMAL = 0, M_RETRY429 = 1, M_RETRY429DATE = 2, M_ERROR500 = 3, M_RETRY503 = 4,
  M_BAD400 = 5, M_UNAUTH401 = 6, M_HTML502 = 7, M_CHUNKED = 8, M_BYTEWISE = 9,
  M_STALL = 10, M_RESET = 11, M_CONFLICT_CL = 12, M_HUGE = 13, M_HUGE_CHUNKED = 14,
  M_BADJSON = 15, M_ALWAYS429 = 16, M_CHUNKED_BYTEWISE = 17, M_CLOSE = 18,
  M_RETRY429LONG = 19, M_DROP = 20, M_RETRY408 = 21, M_RETRY504 = 22, M_ESCAPED = 23,
  M_INTERIM = 24, M_EOF_BODY = 25, M_CL_TE = 26, M_RETRY502 = 27, M_ENDLESS_CHUNKS = 28,
  M_ALERTS = 29, M_STEERING = 30, M_CREATED = 31, M_RETRY429DROP = 32,
  M_CUT = 33, M_COUNT
};

static const char *const mode_names[M_COUNT] = {
  "normal", "retry429", "retry429date", "error500", "retry503", "bad400", "unauth401",
  "html502", "chunked", "bytewise", "stall", "reset", "conflict-cl", "huge",
  "huge-chunked", "badjson", "always429", "chunked-bytewise", "close", "retry429long",
  "drop", "retry408", "retry504", "escaped", "interim", "eof-body", "cl-te", "retry502",
  "endless-chunks", "alerts", "steering", "created", "retry429drop", "cut"
};

/* A mode from its name or number; -1 when unknown. */
static int mode_parse(const char *s, size_t n)
{
  int i;
  if (n >= 1 && n <= 2 && s[0] >= '0' && s[0] <= '9' && (n == 1 || (s[1] >= '0' && s[1] <= '9'))) {
    int v = n == 1 ? s[0] - '0' : (s[0] - '0') * 10 + (s[1] - '0');
    return v < M_COUNT ? v : -1;
  }
  for (i = 0; i < M_COUNT; i++)
    if (strlen(mode_names[i]) == n && memcmp(mode_names[i], s, n) == 0) return i;
  return -1;
}

/* The mode selected by an integration id 00000000-0000-4000-8000-0000000000NN. */
static int mode_of_id(const char *id)
{
  size_t k = sizeof ID_MODE_PREFIX - 1;
  if (strlen(id) != 36 || memcmp(id, ID_MODE_PREFIX, k) != 0) return -1;
  return mode_parse(id + k, 2);
}

/* The modes that fail a number of times and then handle the request. */
static int mode_then_success(int m)
{
  return m == M_RETRY429 || m == M_RETRY429DATE || m == M_RETRY503 || m == M_RETRY429LONG ||
         m == M_RETRY408 || m == M_RETRY504 || m == M_RETRY502;
}

/* ===========================================================================
 * Integration state (under g_lock)
 * ========================================================================= */
typedef struct sstr {       /* p == NULL: null / not set */
  char *p;
  size_t n;
} sstr;

typedef struct mfield {
  char id[37];
  sstr slug, label, type, description, placeholder;
  int required;
} mfield;

typedef struct moauth {
  sstr scopes, auth_url, token_url, client_id, client_secret, label;
  sstr authorization_code, access_token_code, refresh_token_code;
} moauth;

typedef struct integ {
  char id[37];
  int other_workspace;
  const char *auth_type;
  sstr auth_test_code;
  mfield *fields;
  size_t field_count;
  int has_oauth;
  moauth oauth;
  long connections;
  long updates;
  sstr last_path;
  struct integ *next;
} integ;

static integ *g_integs;
static struct { unsigned long requests, connections, resumed, handshake_failures; } g_stats;
static unsigned long g_field_serial;
static struct { char id[37]; unsigned long count; } g_attempts[MAX_ATTEMPT_IDS];
static size_t g_attempt_ids;

static sstr sstr_dup(const char *p, size_t n)
{
  sstr s;
  s.p = (char *)malloc(n + 1);
  if (!s.p) die("out of memory");
  if (n) memcpy(s.p, p, n);
  s.p[n] = '\0';
  s.n = n;
  return s;
}

static sstr sstr_from(odeus_str v)
{
  sstr none = { NULL, 0 };
  return v.ptr ? sstr_dup(v.ptr, v.len) : none;
}

static void sstr_free(sstr *s)
{
  free(s->p);
  s->p = NULL;
  s->n = 0;
}

static void fields_free(integ *it)
{
  size_t i;
  for (i = 0; i < it->field_count; i++) {
    mfield *f = &it->fields[i];
    sstr_free(&f->slug); sstr_free(&f->label); sstr_free(&f->type);
    sstr_free(&f->description); sstr_free(&f->placeholder);
  }
  free(it->fields);
  it->fields = NULL;
  it->field_count = 0;
}

static void oauth_free(integ *it)
{
  moauth *o = &it->oauth;
  sstr_free(&o->scopes); sstr_free(&o->auth_url); sstr_free(&o->token_url);
  sstr_free(&o->client_id); sstr_free(&o->client_secret); sstr_free(&o->label);
  sstr_free(&o->authorization_code); sstr_free(&o->access_token_code);
  sstr_free(&o->refresh_token_code);
  it->has_oauth = 0;
}

static integ *integ_create(const char *id, int other_workspace)
{
  integ *it = (integ *)calloc(1, sizeof *it);
  if (!it) die("out of memory");
  memcpy(it->id, id, 36);
  it->other_workspace = other_workspace;
  it->auth_type = "API_KEY";
  it->connections = 3;
  it->next = g_integs;
  g_integs = it;
  return it;
}

static void state_reset(void)
{
  while (g_integs) {
    integ *next = g_integs->next;
    fields_free(g_integs);
    oauth_free(g_integs);
    sstr_free(&g_integs->auth_test_code);
    sstr_free(&g_integs->last_path);
    free(g_integs);
    g_integs = next;
  }
  g_attempt_ids = 0;
  memset(&g_stats, 0, sizeof g_stats);
  integ_create(ID_OURS, 0);
  integ_create(ID_OTHER, 1);
}

/* id is lower case. Mode ids are created on first use. */
static integ *integ_find(const char *id)
{
  integ *it;
  for (it = g_integs; it; it = it->next)
    if (strcmp(it->id, id) == 0) return it;
  if (mode_of_id(id) >= 0) return integ_create(id, 0);
  return NULL;
}

/* The number of this attempt on id (0 for the first). */
static unsigned long attempt_next(const char *id)
{
  size_t i;
  for (i = 0; i < g_attempt_ids; i++)
    if (strcmp(g_attempts[i].id, id) == 0) return g_attempts[i].count++;
  if (g_attempt_ids == MAX_ATTEMPT_IDS) g_attempt_ids = 0; /* forget the oldest */
  memcpy(g_attempts[g_attempt_ids].id, id, 37);
  g_attempts[g_attempt_ids].count = 1;
  g_attempt_ids++;
  return 0;
}

/* ===========================================================================
 * JSON output
 * ========================================================================= */

/* Decodes one UTF-8 sequence; returns its length, 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
  size_t len, i;
  unsigned long c, min;
  if (s[0] < 0x80) { *cp = s[0]; return 1; }
  if (s[0] >= 0xc2 && s[0] <= 0xdf) { len = 2; c = s[0] & 0x1fu; min = 0x80; }
  else if (s[0] >= 0xe0 && s[0] <= 0xef) { len = 3; c = s[0] & 0x0fu; min = 0x800; }
  else if (s[0] >= 0xf0 && s[0] <= 0xf4) { len = 4; c = s[0] & 0x07u; min = 0x10000; }
  else return 0;
  if (n < len) return 0;
  for (i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    c = (c << 6) | (s[i] & 0x3fu);
  }
  if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
  *cp = c;
  return len;
}

/* A JSON string. escape_all: non-ASCII as \uXXXX and '/' as \/ (mode
 * escaped). Invalid UTF-8 becomes \uFFFD, so the output is always JSON. */
static void json_str(buf *b, const char *s, size_t n, int escape_all)
{
  size_t i = 0;
  buf_putc(b, '"');
  while (i < n) {
    unsigned char ch = (unsigned char)s[i];
    unsigned long cp;
    size_t len;
    if (ch == '"' || ch == '\\') { buf_putc(b, '\\'); buf_putc(b, (char)ch); i++; continue; }
    if (ch < 0x20) {
      switch (ch) {
      case '\b': buf_puts(b, "\\b"); break;
      case '\f': buf_puts(b, "\\f"); break;
      case '\n': buf_puts(b, "\\n"); break;
      case '\r': buf_puts(b, "\\r"); break;
      case '\t': buf_puts(b, "\\t"); break;
      default: buf_printf(b, "\\u%04x", ch); break;
      }
      i++;
      continue;
    }
    if (ch == '/' && escape_all) { buf_puts(b, "\\/"); i++; continue; }
    if (ch < 0x80) { buf_putc(b, (char)ch); i++; continue; }
    len = utf8_decode((const unsigned char *)s + i, n - i, &cp);
    if (!len) { buf_puts(b, "\\ufffd"); i++; continue; }
    if (!escape_all) buf_put(b, s + i, len);
    else if (cp < 0x10000) buf_printf(b, "\\u%04X", (unsigned)cp);
    else {
      cp -= 0x10000;
      buf_printf(b, "\\u%04X\\u%04x", (unsigned)(0xd800 + (cp >> 10)), (unsigned)(0xdc00 + (cp & 0x3ff)));
    }
    i += len;
  }
  buf_putc(b, '"');
}

static void json_cstr(buf *b, const char *s) { json_str(b, s, strlen(s), 0); }

/* A stored string, or null. */
static void json_sstr(buf *b, const sstr *s, int escape_all)
{
  if (s->p) json_str(b, s->p, s->n, escape_all);
  else buf_puts(b, "null");
}

/* A stored string, or def when not set. */
static void json_sstr_or(buf *b, const sstr *s, const char *def, int escape_all)
{
  if (s->p) json_str(b, s->p, s->n, escape_all);
  else json_str(b, def, strlen(def), escape_all);
}

static void json_message(buf *b, const char *msg)
{
  buf_puts(b, "{\"message\":");
  json_cstr(b, msg);
  buf_puts(b, "}");
}

/* The 200 answer: what SPEC §1 says the API returns (no write-only key). */
static void json_answer(buf *b, const integ *it, int esc)
{
  size_t i;
  buf_puts(b, "{\"integration\":{\"id\":");
  json_str(b, it->id, strlen(it->id), esc);
  buf_puts(b, ",\"name\":");
  json_str(b, "Mock integration \xc3\xa9/\xf0\x9f\x98\x80", 24, esc);
  buf_puts(b, ",\"authType\":");
  json_str(b, it->auth_type, strlen(it->auth_type), esc);
  buf_puts(b, ",\"authTestCode\":");
  json_sstr(b, &it->auth_test_code, esc);
  buf_puts(b, ",\"authFields\":[");
  for (i = 0; i < it->field_count; i++) {
    const mfield *f = &it->fields[i];
    buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
    json_str(b, f->id, strlen(f->id), esc);
    buf_puts(b, ",\"slug\":");
    json_sstr(b, &f->slug, esc);
    buf_puts(b, ",\"label\":");
    json_sstr(b, &f->label, esc);
    buf_puts(b, ",\"type\":");
    json_sstr(b, &f->type, esc);
    buf_puts(b, ",\"description\":");
    json_sstr_or(b, &f->description, "", esc);
    buf_puts(b, ",\"placeholder\":");
    json_sstr(b, &f->placeholder, esc);
    buf_printf(b, ",\"required\":%s,\"position\":%lu}", f->required ? "true" : "false",
               (unsigned long)i);
  }
  buf_puts(b, "],\"oauthClient\":");
  if (!it->has_oauth) buf_puts(b, "null");
  else {
    const moauth *o = &it->oauth;
    buf_puts(b, "{\"scopes\":");
    json_sstr(b, &o->scopes, esc);
    buf_puts(b, ",\"label\":");
    json_sstr(b, &o->label, esc);
    buf_puts(b, ",\"authorizationCode\":");
    json_sstr_or(b, &o->authorization_code, "", esc);
    buf_puts(b, ",\"accessTokenCode\":");
    json_sstr_or(b, &o->access_token_code, "", esc);
    buf_puts(b, ",\"refreshTokenCode\":");
    json_sstr_or(b, &o->refresh_token_code, "", esc);
    buf_puts(b, "}");
  }
  buf_puts(b, "}}");
}

/* /__state: everything stored, secrets included, null for what is not set. */
static void json_state(buf *b, const integ *it)
{
  size_t i;
  buf_puts(b, "{\"id\":");
  json_cstr(b, it->id);
  buf_printf(b, ",\"workspace\":\"%s\",\"authType\":", it->other_workspace ? "other" : "ours");
  json_cstr(b, it->auth_type);
  buf_puts(b, ",\"authTestCode\":");
  json_sstr(b, &it->auth_test_code, 0);
  buf_printf(b, ",\"connections\":%ld,\"updates\":%ld,\"lastPath\":", it->connections, it->updates);
  json_sstr(b, &it->last_path, 0);
  buf_puts(b, ",\"authFields\":[");
  for (i = 0; i < it->field_count; i++) {
    const mfield *f = &it->fields[i];
    buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
    json_cstr(b, f->id);
    buf_puts(b, ",\"slug\":");
    json_sstr(b, &f->slug, 0);
    buf_puts(b, ",\"label\":");
    json_sstr(b, &f->label, 0);
    buf_puts(b, ",\"type\":");
    json_sstr(b, &f->type, 0);
    buf_puts(b, ",\"description\":");
    json_sstr(b, &f->description, 0);
    buf_puts(b, ",\"placeholder\":");
    json_sstr(b, &f->placeholder, 0);
    buf_printf(b, ",\"required\":%s}", f->required ? "true" : "false");
  }
  buf_puts(b, "],\"oauthClient\":");
  if (!it->has_oauth) buf_puts(b, "null");
  else {
    const moauth *o = &it->oauth;
    buf_puts(b, "{\"scopes\":"); json_sstr(b, &o->scopes, 0);
    buf_puts(b, ",\"authUrl\":"); json_sstr(b, &o->auth_url, 0);
    buf_puts(b, ",\"tokenUrl\":"); json_sstr(b, &o->token_url, 0);
    buf_puts(b, ",\"clientId\":"); json_sstr(b, &o->client_id, 0);
    buf_puts(b, ",\"clientSecret\":"); json_sstr(b, &o->client_secret, 0);
    buf_puts(b, ",\"label\":"); json_sstr(b, &o->label, 0);
    buf_puts(b, ",\"authorizationCode\":"); json_sstr(b, &o->authorization_code, 0);
    buf_puts(b, ",\"accessTokenCode\":"); json_sstr(b, &o->access_token_code, 0);
    buf_puts(b, ",\"refreshTokenCode\":"); json_sstr(b, &o->refresh_token_code, 0);
    buf_puts(b, "}");
  }
  buf_puts(b, "}");
}

/* ===========================================================================
 * Applying a body: the library parses and validates it
 * ========================================================================= */
static const char *auth_type_name(odeus_auth_type t)
{
  switch (t) {
  case ODEUS_AUTH_NONE: return "NONE";
  case ODEUS_AUTH_API_KEY: return "API_KEY";
  case ODEUS_AUTH_SERVICE_ACCOUNT: return "SERVICE_ACCOUNT";
  case ODEUS_AUTH_OAUTH: return "OAUTH";
  case ODEUS_AUTH_OAUTH_DCR: return "OAUTH_DCR";
  default: return NULL;
  }
}

static const char *field_type_name(odeus_field_type t)
{
  switch (t) {
  case ODEUS_FIELD_TEXT: return "TEXT";
  case ODEUS_FIELD_MULTI_LINE_TEXT: return "MULTI_LINE_TEXT";
  case ODEUS_FIELD_PASSWORD: return "PASSWORD";
  case ODEUS_FIELD_NUMBER: return "NUMBER";
  case ODEUS_FIELD_EMBEDDING_MODEL: return "EMBEDDING_MODEL";
  default: return "UNKNOWN";
  }
}

static void apply_fields(integ *it, const odeus_config *cfg)
{
  size_t i;
  fields_free(it);
  if (!cfg->field_count) return;
  it->fields = (mfield *)calloc(cfg->field_count, sizeof *it->fields);
  if (!it->fields) die("out of memory");
  for (i = 0; i < cfg->field_count; i++) {
    const odeus_auth_field *in = &cfg->fields[i];
    mfield *f = &it->fields[i];
    const char *type = field_type_name(in->type);
    snprintf(f->id, sizeof f->id, "f0000000-0000-4000-8000-%012lx", ++g_field_serial);
    f->slug = sstr_from(in->slug);
    f->label = sstr_from(in->label);
    f->type = sstr_dup(type, strlen(type));
    f->description = sstr_from(in->description);
    f->placeholder = sstr_from(in->placeholder);
    f->required = in->required == ODEUS_BOOL_TRUE;
  }
  it->field_count = cfg->field_count;
}

static void apply_oauth(integ *it, const odeus_oauth_client *in)
{
  moauth *o = &it->oauth;
  oauth_free(it);
  o->scopes = sstr_from(in->scopes);
  o->auth_url = sstr_from(in->auth_url);
  o->token_url = sstr_from(in->token_url);
  o->client_id = sstr_from(in->client_id);
  o->client_secret = sstr_from(in->client_secret);
  o->label = sstr_from(in->label);
  o->authorization_code = sstr_from(in->authorization_code);
  o->access_token_code = sstr_from(in->access_token_code);
  o->refresh_token_code = sstr_from(in->refresh_token_code);
  it->has_oauth = 1;
}

/* SPEC §1 "Behaviour", for a validated config. */
static void apply_config(integ *it, const odeus_config *cfg)
{
  const char *type = auth_type_name(cfg->auth_type);
  if (!type) return; /* the validator rejects it before */
  if (strcmp(type, it->auth_type) != 0) {
    it->connections = 0;
    oauth_free(it);
  }
  if (cfg->auth_type != ODEUS_AUTH_OAUTH && cfg->auth_type != ODEUS_AUTH_OAUTH_DCR) oauth_free(it);
  it->auth_type = type;
  if (cfg->fields) apply_fields(it, cfg);
  if (cfg->auth_test_code.ptr) {
    sstr_free(&it->auth_test_code);
    it->auth_test_code = sstr_from(cfg->auth_test_code);
  }
  if (cfg->oauth_client) apply_oauth(it, cfg->oauth_client);
  it->updates++;
}

/* Parses body; on success applies it and returns 1, else writes the 400
 * message into msg. The caller holds g_lock. */
static int apply_body(integ *it, const char *body, size_t len, char *msg, size_t msg_cap)
{
  odeus_config cfg;
  odeus_config_storage st;
  odeus_oauth_client oauth;
  odeus_problem items[8];
  odeus_problems pr;
  odeus_result r;
  int ok = 0;
  memset(&cfg, 0, sizeof cfg);
  memset(&st, 0, sizeof st);
  memset(&oauth, 0, sizeof oauth);
  memset(&pr, 0, sizeof pr);
  st.fields = (odeus_auth_field *)calloc(MAX_FIELDS, sizeof *st.fields);
  st.field_capacity = MAX_FIELDS;
  st.oauth_client = &oauth;
  st.strings_capacity = len + 64;
  st.strings = (char *)malloc(st.strings_capacity);
  if (!st.fields || !st.strings) die("out of memory");
  pr.items = items;
  pr.capacity = sizeof items / sizeof items[0];
  r = odeus_parse_config(body, len, &cfg, &st, &pr);
  if (r == ODEUS_OK) {
    apply_config(it, &cfg);
    ok = 1;
  } else if (pr.count > 0) {
    odeus_problem_format(&items[0], msg, msg_cap);
  } else {
    snprintf(msg, msg_cap, "invalid body: %s", odeus_result_text(r));
  }
  free(st.fields);
  free(st.strings);
  return ok;
}

/* ===========================================================================
 * Connections: TLS or plain, blocking, one per thread
 * ========================================================================= */
typedef struct conn {
  unsigned long serial;
  int tls;
  mbedtls_net_context net;
  mbedtls_ssl_context ssl;
  int resumed;
  unsigned long requests;
  int counted;              /* carried an API request (g_stats) */
  buf in;                   /* bytes received, not yet consumed */
} conn;

static mbedtls_ssl_config g_conf;
static int g_active;        /* connections being served (under g_lock) */
static unsigned long g_conn_serial;

static long idle_ms(void) { return (long)opt.idle_s * 1000; }

/* How long a read waits: the idle time once a request was served (a
 * kept-alive connection waiting for its next one); for the TLS handshake
 * and the first request, never less than the default idle time, so that a
 * slow client (under valgrind, on a loaded machine) is not taken for an
 * idle one. */
static uint32_t conn_wait_ms(const conn *c)
{
  long ms = idle_ms();
  if (!c->requests && ms < 15000) ms = 15000;
  return (uint32_t)ms;
}

/* mbedTLS' BIO over the connection, reads bounded by conn_wait_ms. */
static int conn_bio_send(void *ctx, const unsigned char *p, size_t n)
{
  return mbedtls_net_send(&((conn *)ctx)->net, p, n);
}

static int conn_bio_recv(void *ctx, unsigned char *p, size_t n, uint32_t timeout)
{
  conn *c = (conn *)ctx;
  (void)timeout; /* the config's, the same for every connection */
  return mbedtls_net_recv_timeout(&c->net, p, n, conn_wait_ms(c));
}

/* > 0 bytes, 0 closed, -1 error or idle timeout. */
static int conn_recv(conn *c, unsigned char *p, size_t n)
{
  int r;
  for (;;) {
    if (c->tls) r = mbedtls_ssl_read(&c->ssl, p, n);
    else r = mbedtls_net_recv_timeout(&c->net, p, n, conn_wait_ms(c));
    if (r > 0) return r;
    if (r == 0 || r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || r == MBEDTLS_ERR_SSL_CONN_EOF) return 0;
    if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
    return -1;
  }
}

/* Waits until the socket takes more bytes; 0 when it does in time. The
 * socket has SO_SNDTIMEO, so a peer that stops reading cannot hold a
 * thread for longer than the idle time. */
static int conn_writable(conn *c)
{
  struct pollfd pfd;
  pfd.fd = c->net.fd;
  pfd.events = POLLOUT;
  pfd.revents = 0;
  return poll(&pfd, 1, (int)idle_ms()) > 0 ? 0 : -1;
}

/* 0 when all was written, -1 when the peer is gone or stopped reading. */
static int conn_send(conn *c, const void *data, size_t n)
{
  const unsigned char *p = (const unsigned char *)data;
  while (n) {
    int r = c->tls ? mbedtls_ssl_write(&c->ssl, p, n) : mbedtls_net_send(&c->net, p, n);
    if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) {
      if (conn_writable(c) != 0) return -1;
      continue;
    }
    if (r <= 0) return -1;
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

static long ms_between(const struct timespec *a, const struct timespec *b)
{
  return (long)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

static void sleep_us(long us)
{
  struct timespec ts;
  ts.tv_sec = us / 1000000;
  ts.tv_nsec = (us % 1000000) * 1000;
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* One write per byte, with a pause, so the client sees every split. */
static int conn_send_bytewise(conn *c, const char *p, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    if (conn_send(c, p + i, 1) != 0) return -1;
    if (opt.byte_delay_us > 0) sleep_us(opt.byte_delay_us);
  }
  return 0;
}

/* A TCP reset: SO_LINGER 0 makes close() send RST instead of FIN. */
static void conn_reset(conn *c)
{
  struct linger lg;
  lg.l_onoff = 1;
  lg.l_linger = 0;
  setsockopt(c->net.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(c->net.fd);
  c->net.fd = -1;
}

/* Reads and drops what the peer sends (raw bytes: a TLS alert, say) until
 * it closes the connection or ms pass. */
static void conn_drain(conn *c, long ms)
{
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    struct pollfd pfd;
    char tmp[4096];
    pfd.fd = c->net.fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    if (poll(&pfd, 1, 100) > 0) {
      ssize_t r = recv(c->net.fd, tmp, sizeof tmp, MSG_DONTWAIT);
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) return;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (ms_between(&start, &now) >= ms) return;
  }
}

/* Holds the connection until the peer closes it or seconds pass. */
static void conn_hold(conn *c, int seconds)
{
  conn_drain(c, (long)seconds * 1000);
}

/* Closes our side and drains what the peer still sends, for at most a
 * second: closing with unread input makes the kernel send RST, and the
 * peer could lose the answer (a 400 sent before its request ended, say). */
static void conn_linger(conn *c)
{
  if (c->net.fd < 0) return;
  shutdown(c->net.fd, SHUT_WR);
  conn_drain(c, 1000);
}

/* ===========================================================================
 * The HTTP request
 * ========================================================================= */
typedef struct request {
  char *head;               /* NUL-terminated copy of the head; fields point in */
  size_t head_len;          /* bytes of the head in c->in, CRLFCRLF included */
  const char *method, *target;
  int http10;
  int hosts;
  int has_length;
  size_t content_length;
  int close, keep_alive, expect_continue;
  const char *authorization, *content_type, *x_mock;
  const char *body;
  size_t body_len;
  int status;               /* of a bad request */
  const char *error;
} request;

enum { READ_OK, READ_CLOSED, READ_BAD };

static int is_tchar(int ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         (ch != 0 && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static int ieq(const char *a, const char *b)
{
  for (; *a && *b; a++, b++) {
    int x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a;
    int y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
    if (x != y) return 0;
  }
  return *a == *b;
}

static int ieqn(const char *a, const char *b, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    int x = a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i];
    int y = b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i];
    if (x != y) return 0;
  }
  return 1;
}

static int bad(request *rq, int status, const char *why)
{
  rq->status = status;
  rq->error = why;
  return -1;
}

/* Scans received bytes for the end of the head. Returns its length, 0 when
 * more is needed, -1 for a byte no head may hold (reported in rq). */
static long head_end(const char *p, size_t n, request *rq)
{
  size_t i;
  for (i = 0; i < n; i++) {
    if (p[i] == '\0') return bad(rq, 400, "NUL byte in the request head");
    if (p[i] == '\n') {
      if (i == 0 || p[i - 1] != '\r') return bad(rq, 400, "bare LF in the request head");
      if (i >= 3 && p[i - 2] == '\n' && p[i - 3] == '\r') return (long)(i + 1);
    } else if (i > 0 && p[i - 1] == '\r') {
      return bad(rq, 400, "bare CR in the request head");
    }
  }
  return 0;
}

/* Comma-separated tokens of a Connection header. */
static void parse_connection(request *rq, const char *v)
{
  while (*v) {
    const char *e;
    size_t n;
    while (*v == ' ' || *v == '\t' || *v == ',') v++;
    e = v;
    while (*e && *e != ',') e++;
    n = (size_t)(e - v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t')) n--;
    if (n == 5 && ieqn(v, "close", 5)) rq->close = 1;
    if (n == 10 && ieqn(v, "keep-alive", 10)) rq->keep_alive = 1;
    v = e;
  }
}

static int header(request *rq, const char *name, const char *value)
{
  if (ieq(name, "content-length")) {
    const char *v = value;
    size_t n = 0;
    if (rq->has_length) return bad(rq, 400, "more than one Content-Length");
    if (!*v) return bad(rq, 400, "empty Content-Length");
    for (; *v; v++) {
      if (*v < '0' || *v > '9') return bad(rq, 400, "invalid Content-Length");
      if (n > BODY_MAX) return bad(rq, 413, "body too large");
      n = n * 10 + (size_t)(*v - '0');
    }
    if (n > BODY_MAX) return bad(rq, 413, "body too large");
    rq->has_length = 1;
    rq->content_length = n;
  } else if (ieq(name, "transfer-encoding")) {
    return bad(rq, 400, "Transfer-Encoding is not accepted; send Content-Length");
  } else if (ieq(name, "host")) {
    if (++rq->hosts > 1) return bad(rq, 400, "more than one Host");
  } else if (ieq(name, "authorization")) {
    if (rq->authorization) return bad(rq, 400, "more than one Authorization");
    rq->authorization = value;
  } else if (ieq(name, "content-type")) {
    if (rq->content_type) return bad(rq, 400, "more than one Content-Type");
    rq->content_type = value;
  } else if (ieq(name, "connection")) {
    parse_connection(rq, value);
  } else if (ieq(name, "x-mock")) {
    rq->x_mock = value;
  } else if (ieq(name, "expect")) {
    if (!ieq(value, "100-continue")) return bad(rq, 417, "unsupported Expect");
    rq->expect_continue = 1;
  }
  return 0;
}

static int request_line(request *rq, char *line)
{
  char *sp1 = strchr(line, ' '), *sp2, *p;
  if (!sp1) return bad(rq, 400, "malformed request line");
  *sp1 = '\0';
  sp2 = strchr(sp1 + 1, ' ');
  if (!sp2) return bad(rq, 400, "malformed request line");
  *sp2 = '\0';
  rq->method = line;
  rq->target = sp1 + 1;
  if (!*rq->method || strlen(rq->method) > 15) return bad(rq, 400, "malformed method");
  for (p = line; *p; p++)
    if (!is_tchar((unsigned char)*p)) return bad(rq, 400, "malformed method");
  if (rq->target[0] != '/') return bad(rq, 400, "the target must be an absolute path");
  for (p = sp1 + 1; *p; p++)
    if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) return bad(rq, 400, "malformed target");
  if (strcmp(sp2 + 1, "HTTP/1.1") == 0) rq->http10 = 0;
  else if (strcmp(sp2 + 1, "HTTP/1.0") == 0) rq->http10 = 1;
  else return bad(rq, 400, "unsupported HTTP version");
  return 0;
}

/* Parses the head (CRLF-terminated lines; head_end checked CR and LF). */
static int parse_head(request *rq, const char *raw, size_t len)
{
  char *line, *next;
  rq->head = (char *)malloc(len + 1);
  if (!rq->head) die("out of memory");
  memcpy(rq->head, raw, len);
  rq->head[len] = '\0';
  line = rq->head;
  next = strstr(line, "\r\n");
  *next = '\0';
  if (request_line(rq, line) != 0) return -1;
  for (line = next + 2; *line; line = next + 2) {
    char *colon, *v, *e, *p;
    next = strstr(line, "\r\n");
    *next = '\0';
    if (line == next) break; /* the empty line */
    if (*line == ' ' || *line == '\t') return bad(rq, 400, "obsolete line folding");
    colon = strchr(line, ':');
    if (!colon || colon == line) return bad(rq, 400, "malformed header line");
    *colon = '\0';
    for (p = line; *p; p++)
      if (!is_tchar((unsigned char)*p)) return bad(rq, 400, "malformed header name");
    v = colon + 1;
    while (*v == ' ' || *v == '\t') v++;
    e = v + strlen(v);
    while (e > v && (e[-1] == ' ' || e[-1] == '\t')) *--e = '\0';
    for (p = v; *p; p++)
      if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
        return bad(rq, 400, "control byte in a header value");
    if (header(rq, line, v) != 0) return -1;
  }
  if (!rq->http10 && rq->hosts != 1) return bad(rq, 400, "missing Host");
  return 0;
}

static void record(const char *p, size_t n)
{
  FILE *f;
  if (!opt.record || !n) return;
  pthread_mutex_lock(&g_lock);
  f = fopen(opt.record, "ab");
  if (f) {
    fwrite(p, 1, n, f);
    fclose(f);
  }
  pthread_mutex_unlock(&g_lock);
}

/* Reads more into c->in; the result of conn_recv. */
static int fill(conn *c)
{
  unsigned char tmp[16384];
  int r = conn_recv(c, tmp, sizeof tmp);
  if (r > 0) buf_put(&c->in, tmp, (size_t)r);
  return r;
}

/* Reads until c->in holds the whole head; sets rq->head_len. */
static int read_head(conn *c, request *rq)
{
  for (;;) {
    long end = head_end(c->in.p ? c->in.p : "", c->in.n, rq);
    if (end < 0) return READ_BAD;
    if (end > (long)HEAD_MAX || (end == 0 && c->in.n >= HEAD_MAX)) {
      bad(rq, 431, "request head too large");
      return READ_BAD;
    }
    if (end > 0) {
      rq->head_len = (size_t)end;
      return READ_OK;
    }
    if (fill(c) <= 0) return READ_CLOSED;
  }
}

/* Reads until c->in holds the Content-Length bytes after the head. */
static int read_body(conn *c, request *rq)
{
  size_t need = rq->head_len + rq->content_length;
  if (rq->expect_continue && c->in.n < need) {
    static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
    if (conn_send(c, cont, sizeof cont - 1) != 0) return READ_CLOSED;
  }
  while (c->in.n < need)
    if (fill(c) <= 0) return READ_CLOSED;
  rq->body = c->in.p + rq->head_len;
  rq->body_len = rq->content_length;
  return READ_OK;
}

/* Reads one whole request (head and body) from the connection. */
static int read_request(conn *c, request *rq)
{
  int r;
  memset(rq, 0, sizeof *rq);
  r = read_head(c, rq);
  if (r == READ_OK && parse_head(rq, c->in.p, rq->head_len) != 0) r = READ_BAD;
  if (r == READ_OK) r = read_body(c, rq);
  /* The record holds the request, or what arrived of a broken one. */
  record(c->in.p, r == READ_OK ? rq->head_len + rq->body_len : c->in.n);
  return r;
}

static void request_done(conn *c, request *rq)
{
  size_t used = rq->head_len + rq->body_len;
  if (used > c->in.n) used = c->in.n;
  memmove(c->in.p, c->in.p + used, c->in.n - used);
  c->in.n -= used;
  free(rq->head);
  rq->head = NULL;
}

/* ===========================================================================
 * Answers
 * ========================================================================= */
typedef struct answer {
  int status;
  const char *content_type;
  buf body;
  char extra[160];          /* more header lines, each ending in CRLF */
  int close;
} answer;

enum { SHAPE_LENGTH, SHAPE_CHUNKED, SHAPE_EOF, SHAPE_CONFLICT_CL, SHAPE_CL_TE };

static const char *reason(int status)
{
  switch (status) {
  case 200: return "OK";
  case 201: return "Created";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 408: return "Request Timeout";
  case 413: return "Payload Too Large";
  case 417: return "Expectation Failed";
  case 429: return "Too Many Requests";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 502: return "Bad Gateway";
  case 503: return "Service Unavailable";
  case 504: return "Gateway Timeout";
  default: return "Unknown";
  }
}

static void http_date(char *out, size_t cap, time_t t)
{
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, cap, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static void answer_json(answer *a, int status, const char *message)
{
  a->status = status;
  a->content_type = "application/json; charset=utf-8";
  json_message(&a->body, message);
}

static void build_head(buf *h, const conn *c, const answer *a, int shape, size_t body_len)
{
  char date[64];
  http_date(date, sizeof date, time(NULL));
  buf_printf(h, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: odeus-mock\r\n", a->status,
             reason(a->status), date);
  if (a->content_type) buf_printf(h, "Content-Type: %s\r\n", a->content_type);
  switch (shape) {
  case SHAPE_LENGTH: buf_printf(h, "Content-Length: %lu\r\n", (unsigned long)body_len); break;
  case SHAPE_CHUNKED: buf_puts(h, "Transfer-Encoding: chunked\r\n"); break;
  case SHAPE_CONFLICT_CL:
    buf_printf(h, "Content-Length: %lu\r\nContent-Length: %lu\r\n", (unsigned long)body_len,
               (unsigned long)body_len + 10);
    break;
  case SHAPE_CL_TE:
    buf_printf(h, "Content-Length: %lu\r\nTransfer-Encoding: chunked\r\n", (unsigned long)body_len);
    break;
  default: break;
  }
  buf_printf(h, "X-Mock-Connection: %lu\r\nX-Mock-Request: %lu\r\n", c->serial, c->requests);
  if (c->tls) buf_printf(h, "X-Mock-Resumed: %d\r\n", c->resumed);
  buf_puts(h, a->extra);
  if (a->close || shape == SHAPE_EOF) buf_puts(h, "Connection: close\r\n");
  buf_puts(h, "\r\n");
}

/* Chunks of varied sizes (1, 2, 3, 5, 8, 13, ...), sizes in lower and upper
 * case hex, so the client meets every split. */
static void chunk_body(buf *out, const char *p, size_t n)
{
  size_t a = 1, b = 2, k = 0;
  while (n) {
    size_t take = a < n ? a : n, t = a + b;
    buf_printf(out, (k++ & 1) ? "%lX\r\n" : "%lx\r\n", (unsigned long)take);
    buf_put(out, p, take);
    buf_puts(out, "\r\n");
    p += take;
    n -= take;
    a = b;
    b = t > 4096 ? 1 : t;
  }
  buf_puts(out, "0\r\n\r\n");
}

/* Sends an answer in the shape and pacing a mode asks for. Returns 0 when
 * the connection may serve another request. */
static int deliver(conn *c, const request *rq, answer *a, int mode)
{
  buf head = { 0, 0, 0 }, wire = { 0, 0, 0 };
  int shape = SHAPE_LENGTH, bytewise = 0, rc;
  if (rq->close || (rq->http10 && !rq->keep_alive)) a->close = 1;
  switch (mode) {
  case M_CHUNKED: shape = SHAPE_CHUNKED; break;
  case M_BYTEWISE: bytewise = 1; break;
  case M_CHUNKED_BYTEWISE: shape = SHAPE_CHUNKED; bytewise = 1; break;
  case M_CONFLICT_CL: shape = SHAPE_CONFLICT_CL; a->close = 1; break;
  case M_CLOSE: a->close = 1; break;
  case M_EOF_BODY: shape = SHAPE_EOF; a->close = 1; break;
  case M_CL_TE: shape = SHAPE_CL_TE; a->close = 1; break;
  default: break;
  }
  if (mode == M_INTERIM) {
    static const char interim[] = "HTTP/1.1 100 Continue\r\n\r\n";
    if (conn_send(c, interim, sizeof interim - 1) != 0) return -1;
  }
  build_head(&head, c, a, shape, a->body.n);
  if (shape == SHAPE_CHUNKED || shape == SHAPE_CL_TE) chunk_body(&wire, a->body.p, a->body.n);
  else buf_put(&wire, a->body.p, a->body.n);
  if (mode == M_RESET) {
    /* The head and half the body, a moment for them to arrive, then RST. */
    rc = conn_send(c, head.p, head.n) | conn_send(c, wire.p, wire.n / 2);
    sleep_us(50000);
    conn_reset(c);
    rc = -1;
  } else if (mode == M_CUT) {
    rc = conn_send(c, head.p, head.n) | conn_send(c, wire.p, wire.n / 2) | -1;
  } else if (bytewise) {
    rc = conn_send_bytewise(c, head.p, head.n);
    if (rc == 0) rc = conn_send_bytewise(c, wire.p, wire.n);
  } else {
    buf_put(&head, wire.p, wire.n);
    rc = conn_send(c, head.p, head.n);
  }
  buf_free(&head);
  buf_free(&wire);
  return rc == 0 && !a->close ? 0 : -1;
}

/* A 200 answer of opt.huge_bytes, streamed; the client is expected to give
 * up on it. The connection closes afterwards. */
static void deliver_huge(conn *c, const char *id, int chunked)
{
  char block[16384];
  static const char suffix[] = "\"}}";
  buf head = { 0, 0, 0 }, pre = { 0, 0, 0 };
  answer a;
  size_t left;
  memset(&a, 0, sizeof a);
  memset(block, 'a', sizeof block);
  a.status = 200;
  a.content_type = "application/json; charset=utf-8";
  a.close = 1;
  buf_puts(&pre, "{\"integration\":{\"id\":");
  json_cstr(&pre, id);
  buf_puts(&pre, ",\"authType\":\"NONE\",\"authTestCode\":\"");
  build_head(&head, c, &a, chunked ? SHAPE_CHUNKED : SHAPE_LENGTH, opt.huge_bytes);
  left = opt.huge_bytes - pre.n - (sizeof suffix - 1);
  if (chunked) buf_printf(&head, "%lx\r\n", (unsigned long)pre.n);
  buf_put(&head, pre.p, pre.n);
  if (chunked) buf_puts(&head, "\r\n");
  if (conn_send(c, head.p, head.n) != 0) goto out;
  while (left) {
    size_t take = left < sizeof block ? left : sizeof block;
    char size_line[32];
    if (chunked) {
      snprintf(size_line, sizeof size_line, "%lx\r\n", (unsigned long)take);
      if (conn_send(c, size_line, strlen(size_line)) != 0) goto out;
    }
    if (conn_send(c, block, take) != 0) goto out;
    if (chunked && conn_send(c, "\r\n", 2) != 0) goto out;
    left -= take;
  }
  if (chunked) conn_send(c, "3\r\n\"}}\r\n0\r\n\r\n", strlen("3\r\n\"}}\r\n0\r\n\r\n"));
  else conn_send(c, suffix, sizeof suffix - 1);
out:
  buf_free(&head);
  buf_free(&pre);
}

/* A 200 answer that never ends while bytes keep flowing: chunks of one
 * space behind a long chunk extension, or TLS warning alerts. The client's
 * deadline must end it; we stop when the client is gone or --stall seconds
 * pass. The connection closes. */
static void deliver_endless(conn *c, int alerts)
{
  static const char chunked_head[] =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\n";
  static const char length_head[] =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
  char chunk[4096];
  static const char ext[] = "1;x=";
  struct timespec start, now;
  memset(chunk, 'a', sizeof chunk);
  memcpy(chunk, ext, sizeof ext - 1);
  memcpy(chunk + sizeof chunk - 5, "\r\n \r\n", 5);
  alerts = alerts && c->tls;
  if (alerts ? conn_send(c, length_head, sizeof length_head - 1)
             : conn_send(c, chunked_head, sizeof chunked_head - 1))
    return;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (now = start; ms_between(&start, &now) < (long)opt.stall_s * 1000;
       clock_gettime(CLOCK_MONOTONIC, &now)) {
    if (!alerts) {
      if (conn_send(c, chunk, sizeof chunk) != 0) return;
      continue;
    }
    {
      int r = mbedtls_ssl_send_alert_message(&c->ssl, MBEDTLS_SSL_ALERT_LEVEL_WARNING,
                                             MBEDTLS_SSL_ALERT_MSG_USER_CANCELED);
      if (r == MBEDTLS_ERR_SSL_WANT_WRITE) {
        if (conn_writable(c) != 0) return;
      } else if (r != 0) {
        return;
      }
    }
  }
}

/* ===========================================================================
 * Routing and the API
 * ========================================================================= */

/* A UUID in the 8-4-4-4-12 form, either case; copied in lower case. */
static int parse_uuid(const char *s, size_t n, char out[37])
{
  size_t i;
  if (n != 36) return 0;
  for (i = 0; i < 36; i++) {
    char ch = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (ch != '-') return 0;
    } else if (ch >= 'A' && ch <= 'F') {
      ch = (char)(ch + 32);
    } else if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
      return 0;
    }
    out[i] = ch;
  }
  out[36] = '\0';
  return 1;
}

/* Splits {prefix}/integrations/v1/{id}/auth; 1 when the path has that form. */
static int split_api_path(const char *path, size_t len, const char **id, size_t *id_len,
                          size_t *prefix_len)
{
  static const char tail[] = "/auth", mid[] = "/integrations/v1/";
  size_t tl = sizeof tail - 1, ml = sizeof mid - 1, i;
  if (len < tl + ml + 1 || memcmp(path + len - tl, tail, tl) != 0) return 0;
  i = len - tl;
  while (i > 0 && path[i - 1] != '/') i--;
  if (i < ml || i == len - tl || memcmp(path + i - ml, mid, ml) != 0) return 0;
  *id = path + i;
  *id_len = len - tl - i;
  *prefix_len = i - ml;
  return 1;
}

typedef enum { KEY_MISSING, KEY_BAD, KEY_NOSCOPE, KEY_OK } key_check;

static key_check check_key(const char *authz)
{
  const char *k;
  if (!authz) return KEY_MISSING;
  if (strlen(authz) < 7 || !ieqn(authz, "bearer ", 7)) return KEY_BAD;
  k = authz + 7;
  while (*k == ' ') k++;
  if (strcmp(k, "test-key") == 0) return KEY_OK;
  if (strcmp(k, "noscope-key") == 0) return KEY_NOSCOPE;
  return KEY_BAD;
}

static int is_json_type(const char *ct)
{
  static const char want[] = "application/json";
  size_t n = sizeof want - 1;
  if (!ct || strlen(ct) < n || !ieqn(ct, want, n)) return 0;
  return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/* The behaviour mode of an apply: header, then id, then --mode. */
static int pick_mode(const request *rq, const char *id, answer *a)
{
  int m;
  if (rq->x_mock) {
    m = mode_parse(rq->x_mock, strlen(rq->x_mock));
    if (m < 0) answer_json(a, 400, "unknown X-Mock mode");
    return m;
  }
  m = id ? mode_of_id(id) : -1;
  if (m >= 0) return m;
  return opt.mode >= 0 ? opt.mode : M_NORMAL;
}

/* A mode's failure, when this attempt fails; 0 when the request goes on. */
static int mode_failure(int mode, const char *id, answer *a)
{
  char date[64];
  if (mode_then_success(mode)) {
    unsigned long n;
    pthread_mutex_lock(&g_lock);
    n = attempt_next(id);
    pthread_mutex_unlock(&g_lock);
    if (n % (unsigned long)(opt.fails + 1) >= (unsigned long)opt.fails) return 0;
  }
  switch (mode) {
  case M_RETRY429:
  case M_ALWAYS429:
    answer_json(a, 429, "Rate limit exceeded");
    strcpy(a->extra, "Retry-After: 1\r\n");
    return 1;
  case M_RETRY429DATE:
    answer_json(a, 429, "Rate limit exceeded");
    http_date(date, sizeof date, time(NULL) + 2);
    snprintf(a->extra, sizeof a->extra, "Retry-After: %s\r\n", date);
    return 1;
  case M_RETRY429LONG:
    answer_json(a, 429, "Rate limit exceeded");
    strcpy(a->extra, "Retry-After: 86400\r\n");
    return 1;
  case M_ERROR500: answer_json(a, 500, "Internal server error"); return 1;
  case M_RETRY503: answer_json(a, 503, "Service unavailable"); return 1;
  case M_RETRY408: answer_json(a, 408, "Request timeout"); return 1;
  case M_RETRY504: answer_json(a, 504, "Gateway timeout"); return 1;
  case M_BAD400:
    a->status = 400;
    a->content_type = "application/json; charset=utf-8";
    buf_puts(&a->body, "{\"message\":[{\"path\":\"authFields.0.slug\",\"message\":\"Required\"}]}");
    return 1;
  case M_UNAUTH401:
    a->status = 401;
    a->content_type = "application/json; charset=utf-8";
    buf_puts(&a->body, "{\"error\":\"Unauthorized\"}");
    return 1;
  case M_HTML502:
  case M_RETRY502:
    a->status = 502;
    a->content_type = "text/html";
    buf_puts(&a->body, "<html><body><h1>502 Bad Gateway</h1></body></html>\n");
    return 1;
  case M_STEERING:
    a->status = 400;
    a->content_type = "application/json; charset=utf-8";
    buf_puts(&a->body, "{\"message\":\"bad\\nodeus-auth: forged line\\u001b[31m red\\u0085\\u009b"
                       "\\u202e!\\r\\u0000end\\u2028\\u200f \\\\nfake\"}");
    return 1;
  case M_CREATED:
    a->status = 201;
    a->content_type = "application/json; charset=utf-8";
    buf_puts(&a->body, "{}");
    return 1;
  case M_BADJSON:
    a->status = 200;
    a->content_type = "application/json; charset=utf-8";
    buf_puts(&a->body, "{\"integration\":{\"id\":");
    json_cstr(&a->body, id);
    buf_puts(&a->body, ",\"authType\":\"NONE\",]}");
    return 1;
  default: return 0;
  }
}

/* The API proper, once the mode let the request through. */
static void api_apply(const request *rq, const char *id_raw, size_t id_len, const char *path,
                      answer *a, int esc)
{
  char id[37], msg[512];
  integ *it;
  switch (check_key(rq->authorization)) {
  case KEY_MISSING: answer_json(a, 401, "Missing API key"); return;
  case KEY_BAD: answer_json(a, 401, "Invalid API key"); return;
  case KEY_NOSCOPE: answer_json(a, 403, "API key lacks the INTEGRATION_API scope"); return;
  case KEY_OK: break;
  }
  if (!parse_uuid(id_raw, id_len, id)) { answer_json(a, 400, "Invalid integration id"); return; }
  pthread_mutex_lock(&g_lock);
  it = integ_find(id);
  if (!it) answer_json(a, 404, "Integration not found");
  else if (it->other_workspace) answer_json(a, 403, "No access to this integration");
  else if (!is_json_type(rq->content_type)) answer_json(a, 400, "Content-Type must be application/json");
  else if (!rq->has_length) answer_json(a, 400, "Content-Length required");
  else if (!apply_body(it, rq->body, rq->body_len, msg, sizeof msg)) answer_json(a, 400, msg);
  else {
    sstr_free(&it->last_path);
    it->last_path = sstr_dup(path, strlen(path));
    a->status = 200;
    a->content_type = "application/json; charset=utf-8";
    json_answer(&a->body, it, esc);
  }
  pthread_mutex_unlock(&g_lock);
}

/* GET /__state/{id} */
static void test_state(const char *id_raw, answer *a)
{
  char id[37];
  integ *it;
  if (!parse_uuid(id_raw, strlen(id_raw), id)) { answer_json(a, 400, "Invalid integration id"); return; }
  pthread_mutex_lock(&g_lock);
  it = integ_find(id);
  if (!it) answer_json(a, 404, "Integration not found");
  else {
    a->status = 200;
    a->content_type = "application/json; charset=utf-8";
    json_state(&a->body, it);
  }
  pthread_mutex_unlock(&g_lock);
}

static void count_api_request(conn *c)
{
  pthread_mutex_lock(&g_lock);
  g_stats.requests++;
  if (!c->counted) {
    c->counted = 1;
    g_stats.connections++;
    if (c->resumed) g_stats.resumed++;
  }
  pthread_mutex_unlock(&g_lock);
}

/* GET /__stats */
static void test_stats(answer *a)
{
  a->status = 200;
  a->content_type = "application/json; charset=utf-8";
  pthread_mutex_lock(&g_lock);
  buf_printf(&a->body,
             "{\"apiRequests\":%lu,\"apiConnections\":%lu,\"apiResumed\":%lu,\"handshakeFailures\":%lu}",
             g_stats.requests, g_stats.connections, g_stats.resumed, g_stats.handshake_failures);
  pthread_mutex_unlock(&g_lock);
}

/* PATCH {prefix}/integrations/v1/{id}/auth: the behaviour mode, then the
 * API. Returns the mode, with the answer in a; or -1 when the mode took the
 * connection over (stall, drop, huge) and it is done. */
static int handle_api(conn *c, const request *rq, const char *path, const char *id_raw,
                      size_t id_len, answer *a)
{
  char id[37];
  int mode;
  /* The mode's key: the id as sent, lower-cased when it is a UUID. */
  if (!parse_uuid(id_raw, id_len, id)) {
    size_t n = id_len < 36 ? id_len : 36;
    memcpy(id, id_raw, n);
    id[n] = '\0';
  }
  mode = pick_mode(rq, id, a);
  if (mode < 0) return M_NORMAL; /* a holds the 400 */
  if (mode == M_RETRY429DROP) {
    unsigned long n;
    pthread_mutex_lock(&g_lock);
    n = attempt_next(id);
    pthread_mutex_unlock(&g_lock);
    mode = n == 0 ? M_ALWAYS429 : M_DROP;
  }
  if (mode == M_STALL || mode == M_DROP || mode == M_HUGE || mode == M_HUGE_CHUNKED ||
      mode == M_ENDLESS_CHUNKS || mode == M_ALERTS) {
    logf_("conn %lu req %lu %s %s -> %s", c->serial, c->requests, rq->method, path, mode_names[mode]);
    if (mode == M_STALL) conn_hold(c, opt.stall_s);
    if (mode == M_HUGE || mode == M_HUGE_CHUNKED) deliver_huge(c, id, mode == M_HUGE_CHUNKED);
    if (mode == M_ENDLESS_CHUNKS || mode == M_ALERTS) deliver_endless(c, mode == M_ALERTS);
    return -1;
  }
  if (!mode_failure(mode, id, a)) api_apply(rq, id_raw, id_len, path, a, mode == M_ESCAPED);
  return mode;
}

/* Handles one request; returns 0 to keep the connection. */
static int handle(conn *c, const request *rq)
{
  answer a;
  char path[HEAD_MAX];
  const char *id_raw = NULL;
  size_t id_len = 0, prefix_len = 0, plen = strcspn(rq->target, "?");
  int mode = M_NORMAL, rc;
  memset(&a, 0, sizeof a);
  memcpy(path, rq->target, plen);
  path[plen] = '\0';

  if (strncmp(path, "/__state/", 9) == 0) {
    if (strcmp(rq->method, "GET") != 0) answer_json(&a, 405, "Method not allowed");
    else test_state(path + 9, &a);
  } else if (strcmp(path, "/__stats") == 0) {
    test_stats(&a);
  } else if (strcmp(path, "/__reset") == 0) {
    pthread_mutex_lock(&g_lock);
    state_reset();
    pthread_mutex_unlock(&g_lock);
    answer_json(&a, 200, "reset");
  } else if (!split_api_path(path, plen, &id_raw, &id_len, &prefix_len) ||
             (opt.prefix && (prefix_len != strlen(opt.prefix) ||
                             memcmp(path, opt.prefix, prefix_len) != 0))) {
    answer_json(&a, 404, "Not found");
  } else if (strcmp(rq->method, "PATCH") != 0) {
    answer_json(&a, 405, "Method not allowed");
    strcpy(a.extra, "Allow: PATCH\r\n");
  } else {
    count_api_request(c);
    mode = handle_api(c, rq, path, id_raw, id_len, &a);
    if (mode < 0) return -1; /* the mode answered in its own way */
  }
  logf_("conn %lu req %lu %s %s -> %d%s%s", c->serial, c->requests, rq->method, path, a.status,
        mode ? " " : "", mode ? mode_names[mode] : "");
  rc = deliver(c, rq, &a, mode);
  buf_free(&a.body);
  return rc;
}

/* An answer to a request that could not be parsed; the connection closes. */
static void reject(conn *c, const request *rq)
{
  answer a;
  request none;
  memset(&a, 0, sizeof a);
  memset(&none, 0, sizeof none);
  answer_json(&a, rq->status ? rq->status : 400, rq->error ? rq->error : "bad request");
  a.close = 1;
  logf_("conn %lu bad request -> %d (%s)", c->serial, a.status, rq->error ? rq->error : "");
  deliver(c, &none, &a, M_NORMAL);
  buf_free(&a.body);
}

/* ===========================================================================
 * TLS setup and the connection thread
 * ========================================================================= */
static mbedtls_entropy_context g_entropy;
static mbedtls_ctr_drbg_context g_drbg;
static mbedtls_x509_crt g_cert;
static mbedtls_pk_context g_key;
static mbedtls_ssl_cache_context g_cache;
static mbedtls_ssl_ticket_context g_ticket;

/* Set by the resumption callbacks during this thread's handshake. */
static __thread int t_resumed;

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
static int cache_get(void *data, unsigned char const *id, size_t id_len, mbedtls_ssl_session *session)
{
  int r = mbedtls_ssl_cache_get(data, id, id_len, session);
  if (r == 0) t_resumed = 1;
  return r;
}
#else
static int cache_get(void *data, mbedtls_ssl_session *session)
{
  int r = mbedtls_ssl_cache_get(data, session);
  if (r == 0) t_resumed = 1;
  return r;
}
#endif

static int ticket_parse(void *p, mbedtls_ssl_session *session, unsigned char *tkt, size_t len)
{
  int r = mbedtls_ssl_ticket_parse(p, session, tkt, len);
  if (r == 0) t_resumed = 1;
  return r;
}

static void tls_setup(void)
{
  const char *pers = "odeus-mock";
  char keypath[1024];
  const char *key = opt.key;
  int r;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
  /* mbedTLS 3.x: TLS 1.3 and its tickets use PSA crypto */
  if (psa_crypto_init() != PSA_SUCCESS) die("cannot start PSA crypto");
#endif
  mbedtls_entropy_init(&g_entropy);
  mbedtls_ctr_drbg_init(&g_drbg);
  mbedtls_x509_crt_init(&g_cert);
  mbedtls_pk_init(&g_key);
  mbedtls_ssl_config_init(&g_conf);
  mbedtls_ssl_cache_init(&g_cache);
  mbedtls_ssl_ticket_init(&g_ticket);
  if (mbedtls_ctr_drbg_seed(&g_drbg, mbedtls_entropy_func, &g_entropy,
                            (const unsigned char *)pers, strlen(pers)) != 0)
    die("cannot seed the random generator");
  if (!key) {
    size_t n = strlen(opt.cert);
    if (n < 4 || n + 1 > sizeof keypath || strcmp(opt.cert + n - 4, ".pem") != 0)
      die("--key is needed when --cert does not end in .pem");
    memcpy(keypath, opt.cert, n - 4);
    memcpy(keypath + n - 4, ".key", 5);
    key = keypath;
  }
  if (mbedtls_x509_crt_parse_file(&g_cert, opt.cert) != 0) die("cannot load the certificate");
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
  r = mbedtls_pk_parse_keyfile(&g_key, key, NULL, mbedtls_ctr_drbg_random, &g_drbg);
#else
  r = mbedtls_pk_parse_keyfile(&g_key, key, NULL);
#endif
  if (r != 0) die("cannot load the key");
  if (mbedtls_ssl_config_defaults(&g_conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                  MBEDTLS_SSL_PRESET_DEFAULT) != 0)
    die("cannot set up TLS");
  mbedtls_ssl_conf_rng(&g_conf, mbedtls_ctr_drbg_random, &g_drbg);
  if (mbedtls_ssl_conf_own_cert(&g_conf, &g_cert, &g_key) != 0) die("certificate and key do not match");
  mbedtls_ssl_conf_read_timeout(&g_conf, (uint32_t)idle_ms());
  if (opt.cache) mbedtls_ssl_conf_session_cache(&g_conf, &g_cache, cache_get, mbedtls_ssl_cache_set);
  if (opt.tickets) {
    if (mbedtls_ssl_ticket_setup(&g_ticket, mbedtls_ctr_drbg_random, &g_drbg,
                                 MBEDTLS_CIPHER_AES_256_GCM, 86400) != 0)
      die("cannot set up session tickets");
    mbedtls_ssl_conf_session_tickets_cb(&g_conf, mbedtls_ssl_ticket_write, ticket_parse, &g_ticket);
  } else {
    mbedtls_ssl_conf_session_tickets(&g_conf, MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
  }
}

static int tls_handshake(conn *c)
{
  int r;
  mbedtls_ssl_init(&c->ssl);
  if (mbedtls_ssl_setup(&c->ssl, &g_conf) != 0) return -1;
  mbedtls_ssl_set_bio(&c->ssl, c, conn_bio_send, NULL, conn_bio_recv);
  t_resumed = 0;
  do r = mbedtls_ssl_handshake(&c->ssl);
  while (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE);
  if (r != 0) {
    char err[128];
    mbedtls_strerror(r, err, sizeof err);
    logf_("conn %lu handshake failed: -0x%04x %s", c->serial, (unsigned)-r, err);
    pthread_mutex_lock(&g_lock);
    g_stats.handshake_failures++;
    pthread_mutex_unlock(&g_lock);
    return -1;
  }
  c->resumed = t_resumed;
  logf_("conn %lu handshake %s", c->serial, c->resumed ? "resumed" : "full");
  return 0;
}

static void *conn_main(void *arg)
{
  conn *c = (conn *)arg;
  if (!c->tls || tls_handshake(c) == 0) {
    for (;;) {
      request rq;
      int got = read_request(c, &rq);
      if (got == READ_CLOSED) { free(rq.head); break; }
      c->requests++;
      if (got == READ_BAD) { reject(c, &rq); free(rq.head); break; }
      if (handle(c, &rq) != 0) { free(rq.head); break; }
      request_done(c, &rq);
    }
    if (c->tls && c->net.fd >= 0) mbedtls_ssl_close_notify(&c->ssl);
    conn_linger(c);
  }
  if (c->tls) mbedtls_ssl_free(&c->ssl);
  mbedtls_net_free(&c->net);
  buf_free(&c->in);
  free(c);
  pthread_mutex_lock(&g_lock);
  g_active--;
  pthread_mutex_unlock(&g_lock);
  return NULL;
}

/* ===========================================================================
 * Listening, options, main
 * ========================================================================= */
static int listen_loopback(int port)
{
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  int one = 1;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket failed");
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = htons((uint16_t)port);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) die("cannot bind 127.0.0.1 (port in use?)");
  if (listen(fd, 128) != 0) die("listen failed");
  if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0) die("getsockname failed");
  opt.port = ntohs(sa.sin_port);
  return fd;
}

static void write_port_file(void)
{
  char tmp[4096];
  FILE *f;
  if (!opt.port_file) return;
  if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", opt.port_file) >= sizeof tmp) die("--port-file too long");
  f = fopen(tmp, "w");
  if (!f) die("cannot write the port file");
  fprintf(f, "%d\n", opt.port);
  fclose(f);
  if (rename(tmp, opt.port_file) != 0) die("cannot write the port file");
}

static void spawn(int fd)
{
  pthread_t th;
  pthread_attr_t attr;
  conn *c;
  struct timeval tv;
  int one = 1, full;
  pthread_mutex_lock(&g_lock);
  full = g_active >= MAX_CONNECTIONS;
  if (!full) g_active++;
  pthread_mutex_unlock(&g_lock);
  if (full) {
    close(fd);
    return;
  }
  /* Without TCP_NODELAY each small answer waits for a delayed ACK. */
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  tv.tv_sec = opt.idle_s;
  tv.tv_usec = 0;
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  c = (conn *)calloc(1, sizeof *c);
  if (!c) die("out of memory");
  mbedtls_net_init(&c->net);
  c->net.fd = fd;
  c->tls = !opt.plain;
  c->serial = ++g_conn_serial;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (pthread_create(&th, &attr, conn_main, c) != 0) {
    close(fd);
    free(c);
    pthread_mutex_lock(&g_lock);
    g_active--;
    pthread_mutex_unlock(&g_lock);
  }
  pthread_attr_destroy(&attr);
}

static void usage(void)
{
  fprintf(stderr,
          "usage: mock_server [--port N] [--port-file F] [--cert PEM] [--key PEM] [--plain]\n"
          "       [--lifetime S] [--record F] [--mode NAME|NN] [--fails N] [--prefix P]\n"
          "       [--stall S] [--idle S] [--huge-mb N] [--byte-delay-us N]\n"
          "       [--resumption cache|tickets|both|none] [--quiet]\n"
          "See the top of tests/mock_server.c for the modes.\n");
  exit(2);
}

static long num_arg(const char *s, long min, long max)
{
  char *end;
  long v;
  errno = 0;
  v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max) usage();
  return v;
}

static void parse_options(int argc, char **argv)
{
  int i;
  for (i = 1; i < argc; i++) {
    const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(o, "--plain") == 0) { opt.plain = 1; continue; }
    if (strcmp(o, "--quiet") == 0) { opt.quiet = 1; continue; }
    if (!v) usage();
    i++;
    if (strcmp(o, "--port") == 0) opt.port = (int)num_arg(v, 0, 65535);
    else if (strcmp(o, "--port-file") == 0) opt.port_file = v;
    else if (strcmp(o, "--cert") == 0) opt.cert = v;
    else if (strcmp(o, "--key") == 0) opt.key = v;
    else if (strcmp(o, "--lifetime") == 0) opt.lifetime_s = (int)num_arg(v, 1, 86400);
    else if (strcmp(o, "--record") == 0) opt.record = v;
    else if (strcmp(o, "--mode") == 0) {
      opt.mode = mode_parse(v, strlen(v));
      if (opt.mode < 0) usage();
    } else if (strcmp(o, "--fails") == 0) opt.fails = (int)num_arg(v, 0, 1000);
    else if (strcmp(o, "--prefix") == 0) opt.prefix = v;
    else if (strcmp(o, "--stall") == 0) opt.stall_s = (int)num_arg(v, 1, 86400);
    else if (strcmp(o, "--idle") == 0) opt.idle_s = (int)num_arg(v, 1, 86400);
    else if (strcmp(o, "--huge-mb") == 0) opt.huge_bytes = (size_t)num_arg(v, 1, 4096) << 20;
    else if (strcmp(o, "--byte-delay-us") == 0) opt.byte_delay_us = num_arg(v, 0, 1000000);
    else if (strcmp(o, "--resumption") == 0) {
      opt.cache = strcmp(v, "cache") == 0 || strcmp(v, "both") == 0;
      opt.tickets = strcmp(v, "tickets") == 0 || strcmp(v, "both") == 0;
      if (!opt.cache && !opt.tickets && strcmp(v, "none") != 0) usage();
    } else usage();
  }
}

int main(int argc, char **argv)
{
  struct timespec start, now;
  int lfd;
  parse_options(argc, argv);
  signal(SIGPIPE, SIG_IGN);
  state_reset();
  if (!opt.plain) tls_setup();
  lfd = listen_loopback(opt.port);
  write_port_file();
  logf_("listening on 127.0.0.1:%d (%s), lifetime %d s", opt.port, opt.plain ? "plain HTTP" : "TLS",
        opt.lifetime_s);
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    struct pollfd pfd;
    pfd.fd = lfd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    if (poll(&pfd, 1, 200) > 0) {
      int fd = accept(lfd, NULL, NULL);
      if (fd >= 0) spawn(fd);
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (ms_between(&start, &now) >= (long)opt.lifetime_s * 1000) break;
  }
  logf_("lifetime over, exiting");
  fflush(stderr);
  _exit(0);
}

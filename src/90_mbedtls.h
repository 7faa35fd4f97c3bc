/* ===========================================================================
 * THE BUNDLED TRANSPORT: POSIX sockets + mbedTLS   (define ODEUS_AUTH_MBEDTLS)
 *
 * An odeus_client holds one connection and everything TLS needs, and runs a
 * whole apply: host lookup (IPv4 and IPv6), a connect with its own timeout,
 * TCP_NODELAY, TLS with the certificate chain and the host name verified
 * (mbedtls_ssl_set_hostname is always called: without it mbedTLS 2.28 checks
 * no name at all), read and write timeouts, one deadline over the whole
 * apply, retries (odeus_retry_decide), keep-alive reuse of the connection,
 * and TLS session resumption across connections. Plain http:// only when the
 * base URL says so.
 *
 *   odeus_client c;                  (must stay at its address until free)
 *   odeus_client_options o;
 *   memset(&o, 0, sizeof o);         (zero means default everywhere)
 *   o.ca_file = "ca.pem";            (else the system bundle)
 *   if (odeus_client_init(&c, &o) == ODEUS_OK) {
 *     r = odeus_client_apply(&c, &req, &answer);   (as often as needed)
 *     odeus_client_free(&c);
 *   }
 *
 * Builds against mbedTLS 2.28 and 3.x; link -lmbedtls -lmbedx509
 * -lmbedcrypto. With -std=c99, define _POSIX_C_SOURCE=200809L before the
 * first system header. Memory: the client allocates nothing itself; mbedTLS
 * allocates its contexts and record buffers (point it at a static arena with
 * mbedtls_memory_buffer_alloc_init where MBEDTLS_MEMORY_BUFFER_ALLOC_C is
 * available); getaddrinfo, for a host given by name, allocates inside the C
 * library. One client per thread.
 *
 * Secrets: the API key and clientSecret pass through the client's window
 * only, wiped by the exchange on every path; mbedTLS encrypts the records in
 * place, and its buffers are zeroized when a connection closes
 * (mbedtls_ssl_session_reset) and at odeus_client_free.
 * ========================================================================= */
#if defined(ODEUS_AUTH_MBEDTLS) && !defined(ODEUS_AUTH_MBEDTLS_H)
#define ODEUS_AUTH_MBEDTLS_H

#include <mbedtls/version.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#include <mbedtls/build_info.h>
#elif !defined(MBEDTLS_CONFIG_FILE)
#include <mbedtls/config.h>
#else
#include MBEDTLS_CONFIG_FILE
#endif
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct odeus_client_options {
  /* Trust anchors, read by odeus_client_init: a PEM file, else PEM text in
   * memory (NUL-terminated), else the system bundle (the first of
   * /etc/ssl/certs/ca-certificates.crt and the other usual places, loaded at
   * the first https connection; Debian's, parsed, holds about 400 KB of
   * mbedTLS' heap: firmware passes its one CA in ca_pem). */
  const char *ca_file;
  const char *ca_pem;
  /* DANGER: 1 accepts ANY certificate for ANY name: an attacker on the
   * network then reads the API key. For tests against a private server
   * only. (0) */
  int insecure_skip_verify;
  uint32_t connect_timeout_ms;  /* one connect, all addresses of the host (30000) */
  uint32_t io_timeout_ms;       /* each wait for the network to read or write (30000) */
  uint32_t deadline_ms;         /* a whole apply: connects, handshakes, retries
                                   and their waits (120000) */
  odeus_retry_policy retry;     /* zero: 3 attempts, backoff from 500 ms to
                                   30 s, Retry-After up to 60 s; clock, sleep,
                                   random left NULL: the system clock,
                                   nanosleep, the client's CTR-DRBG */
  int no_keep_alive;            /* 1: close the connection after each apply (0) */
  int no_resumption;            /* 1: never resume a TLS session (0) */
} odeus_client_options;

#define ODEUS_CLIENT_DEFAULT_CONNECT_TIMEOUT_MS 30000u
#define ODEUS_CLIENT_DEFAULT_IO_TIMEOUT_MS 30000u
#define ODEUS_CLIENT_DEFAULT_DEADLINE_MS 120000u
#define ODEUS_CLIENT_WINDOW 2048

typedef struct odeus_client {
  odeus_client_options opt;     /* as given, defaults resolved */
  /* about the last apply (read only) */
  int status;                   /* HTTP status of the last answer, 0 when none */
  unsigned attempts;            /* attempts it made */
  uint32_t waited_ms;           /* time it waited between them */
  int reused;                   /* its last attempt went over a kept-alive connection */
  int resumed;                  /* its last handshake resumed a TLS session
                                   (known when certificates are verified) */
  int io_error;                 /* the mbedTLS code behind a failure, else 0 */
  int sys_error;                /* the errno, or getaddrinfo code, behind it */
  uint32_t verify_flags;        /* why a certificate was refused (MBEDTLS_X509_BADCERT_*) */
  /* since init (read only) */
  unsigned long connections, handshakes, resumptions;
  /* private */
  int fd;                       /* the connection, -1 when none */
  int tls;                      /* it is TLS */
  int ready, ssl_ready, ca_loaded, has_session, cert_seen;
  uint16_t port, session_port;
  char host[256];               /* the connection's host, NUL-terminated */
  char session_host[256];       /* the host the saved session belongs to */
  uint64_t deadline;            /* of the apply running, monotonic ms */
  unsigned char window[ODEUS_CLIENT_WINDOW];
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_x509_crt ca;
  mbedtls_ssl_config conf;
  mbedtls_ssl_context ssl;
  mbedtls_ssl_session session;
} odeus_client;

/* Sets up the client. ODEUS_ERR_CA when ca_file or ca_pem cannot be loaded,
 * ODEUS_ERR_TLS when mbedTLS cannot start. opt may be NULL (defaults). Call
 * odeus_client_free even when it fails. */
ODEUS_API odeus_result odeus_client_init(odeus_client *c, const odeus_client_options *opt);
/* Sends one request and reads its answer, retrying as the policy says.
 * ODEUS_OK with the integration in answer; an ODEUS_ERR_STATUS_* with
 * answer->message; a validation error (nothing was sent); or
 * ODEUS_ERR_DNS / CONNECT / TLS / CERT / CA / TIMEOUT / CLOSED / IO or an
 * ODEUS_ERR_HTTP_* code. answer may be NULL. */
ODEUS_API odeus_result odeus_client_apply(odeus_client *c, const odeus_request *req,
                                          odeus_answer *answer);
/* Closes the connection, if any (a saved TLS session stays for the next). */
ODEUS_API void odeus_client_close(odeus_client *c);
/* Closes and frees everything; the client may be initialised again. */
ODEUS_API void odeus_client_free(odeus_client *c);

#ifdef __cplusplus
}
#endif
#endif /* ODEUS_AUTH_MBEDTLS_H */

/* ===========================================================================
 * TRANSPORT IMPLEMENTATION
 * ========================================================================= */
#if defined(ODEUS_AUTH_IMPLEMENTATION) && defined(ODEUS_AUTH_MBEDTLS)
#ifndef ODEUS_AUTH_MBEDTLS_DONE
#define ODEUS_AUTH_MBEDTLS_DONE

/* glibc hides POSIX from a strict -std=c99 build unless asked. */
#if defined(__GLIBC__) && !defined(_POSIX_C_SOURCE)
#error "the odeus_auth transport needs POSIX: define _POSIX_C_SOURCE=200809L before the first #include"
#endif

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <mbedtls/net_sockets.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

/* The exchange passes mbedTLS' want-read/want-write through unchanged. */
#if MBEDTLS_ERR_SSL_WANT_READ != ODEUS_IO_WANT_READ || MBEDTLS_ERR_SSL_WANT_WRITE != ODEUS_IO_WANT_WRITE
#error "mbedTLS' want-read/want-write values differ from ODEUS_IO_WANT_*"
#endif

#ifdef MSG_NOSIGNAL
#define OA_TLS_SEND_FLAGS MSG_NOSIGNAL
#else
#define OA_TLS_SEND_FLAGS 0
#endif

/* Where systems keep their trust anchors: Debian/Ubuntu, Fedora/RHEL,
 * openSUSE, older RHEL, Alpine/BSD/macOS, FreeBSD. */
static const char *const oa_tls_bundles[] = {
  "/etc/ssl/certs/ca-certificates.crt",
  "/etc/pki/tls/certs/ca-bundle.crt",
  "/etc/ssl/ca-bundle.pem",
  "/etc/pki/tls/cacert.pem",
  "/etc/ssl/cert.pem",
  "/usr/local/share/certs/ca-root-nss.crt"
};

#if MBEDTLS_VERSION_NUMBER < 0x03000000 && defined(MBEDTLS_ECP_C)
/* The key exchange groups offered, in order. mbedTLS 2.28 offers every
 * curve, secp521r1 first, and a server that picks by its own strongest-first
 * order (mbedTLS' does) takes it: several times slower than x25519 or
 * secp256r1, on every full handshake. A server whose certificate key is on
 * none of these is refused (TLS 1.2 ties it to this list). 3.x already
 * starts with x25519 and secp256r1. */
static const mbedtls_ecp_group_id oa_tls_curves[] = {
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
  MBEDTLS_ECP_DP_CURVE25519,
#endif
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
  MBEDTLS_ECP_DP_SECP256R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
  MBEDTLS_ECP_DP_SECP384R1,
#endif
  MBEDTLS_ECP_DP_NONE
};
#endif

/* ---- time ------------------------------------------------------------------ */
static uint64_t oa_tls_clock_ms(clockid_t id)
{
  struct timespec ts;
  if (clock_gettime(id, &ts) != 0) return 0;
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t oa_tls_now(void)
{
  return oa_tls_clock_ms(CLOCK_MONOTONIC);
}

static int oa_tls_deadline_passed(const odeus_client *c)
{
  return oa_tls_now() >= c->deadline;
}

/* The end of a wait of at most ms, never past the deadline. */
static uint64_t oa_tls_until(const odeus_client *c, uint32_t ms)
{
  uint64_t t = oa_tls_now() + ms;
  return t < c->deadline ? t : c->deadline;
}

static void oa_tls_nap(uint32_t ms)
{
  struct timespec ts;
  ts.tv_sec = (time_t)(ms / 1000u);
  ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* The retry policy's clock, sleep and random: the caller's, else ours. */
static uint64_t oa_tls_policy_clock(void *ctx)
{
  const odeus_client *c = (const odeus_client *)ctx;
  if (c->opt.retry.clock) return c->opt.retry.clock(c->opt.retry.ctx);
  return oa_tls_clock_ms(CLOCK_REALTIME);
}

static uint32_t oa_tls_policy_random(void *ctx)
{
  odeus_client *c = (odeus_client *)ctx;
  unsigned char b[4] = { 0, 0, 0, 0 };
  if (c->opt.retry.random) return c->opt.retry.random(c->opt.retry.ctx);
  (void)mbedtls_ctr_drbg_random(&c->drbg, b, sizeof b);
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void oa_tls_policy_sleep(const odeus_client *c, uint32_t ms)
{
  if (c->opt.retry.sleep) c->opt.retry.sleep(c->opt.retry.ctx, ms);
  else oa_tls_nap(ms);
}

/* ---- the socket: BIO callbacks with timeouts -------------------------------
 * The socket is non-blocking; each call waits with poll() for at most the
 * I/O timeout, never past the deadline: MBEDTLS_ERR_SSL_TIMEOUT then. */

/* 1 ready, 0 the time is up, -1 an error. */
static int oa_tls_poll(int fd, short events, uint64_t until)
{
  for (;;) {
    struct pollfd p;
    uint64_t now = oa_tls_now();
    int r;
    if (now >= until) return 0;
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    r = poll(&p, 1, (int)OA_MIN(until - now, (uint64_t)0x7fffffff));
    if (r > 0) return 1;
    if (r < 0 && errno != EINTR) return -1;
  }
}

static int oa_tls_sys_failure(odeus_client *c, int err, int code)
{
  c->sys_error = err;
  if (err == ECONNRESET || err == EPIPE) return MBEDTLS_ERR_NET_CONN_RESET;
  return code;
}

static int oa_tls_recv_wait(odeus_client *c, unsigned char *buf, size_t len, uint32_t wait_ms)
{
  size_t cap = OA_MIN(len, (size_t)0x40000000);
  for (;;) {
    ssize_t n = recv(c->fd, buf, cap, 0);
    int w;
    if (n >= 0) return (int)n;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return oa_tls_sys_failure(c, errno, MBEDTLS_ERR_NET_RECV_FAILED);
    w = oa_tls_poll(c->fd, POLLIN, oa_tls_until(c, wait_ms));
    if (w == 0) return MBEDTLS_ERR_SSL_TIMEOUT;
    if (w < 0) return oa_tls_sys_failure(c, errno, MBEDTLS_ERR_NET_RECV_FAILED);
  }
}

static int oa_tls_net_recv(void *ctx, unsigned char *buf, size_t len)
{
  odeus_client *c = (odeus_client *)ctx;
  return oa_tls_recv_wait(c, buf, len, c->opt.io_timeout_ms);
}

/* mbedTLS passes its read timeout (mbedtls_ssl_conf_read_timeout: the I/O
 * timeout); 0 would mean none, which we never allow. */
static int oa_tls_net_recv_timeout(void *ctx, unsigned char *buf, size_t len, uint32_t timeout)
{
  odeus_client *c = (odeus_client *)ctx;
  return oa_tls_recv_wait(c, buf, len, timeout ? timeout : c->opt.io_timeout_ms);
}

static int oa_tls_net_send(void *ctx, const unsigned char *buf, size_t len)
{
  odeus_client *c = (odeus_client *)ctx;
  size_t cap = OA_MIN(len, (size_t)0x40000000);
  for (;;) {
    ssize_t n = send(c->fd, buf, cap, OA_TLS_SEND_FLAGS);
    int w;
    if (n >= 0) return (int)n;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return oa_tls_sys_failure(c, errno, MBEDTLS_ERR_NET_SEND_FAILED);
    w = oa_tls_poll(c->fd, POLLOUT, oa_tls_until(c, c->opt.io_timeout_ms));
    if (w == 0) return MBEDTLS_ERR_SSL_TIMEOUT;
    if (w < 0) return oa_tls_sys_failure(c, errno, MBEDTLS_ERR_NET_SEND_FAILED);
  }
}

/* ---- the exchange's io: TLS records or the plain socket --------------------- */
static int oa_tls_io_send(void *ctx, const unsigned char *buf, size_t len)
{
  odeus_client *c = (odeus_client *)ctx;
  return mbedtls_ssl_write(&c->ssl, buf, len);
}

static int oa_tls_io_recv(void *ctx, unsigned char *buf, size_t len)
{
  odeus_client *c = (odeus_client *)ctx;
  int n;
  for (;;) {
    n = mbedtls_ssl_read(&c->ssl, buf, len);
#ifdef MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
    if (n == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) continue; /* TLS 1.3: not data */
#endif
    break;
  }
  /* The end of the stream: the exchange decides whether the answer was
   * whole (a body read until close ends here; any other is truncated). */
  if (n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || n == MBEDTLS_ERR_SSL_CONN_EOF) return 0;
  return n;
}

/* ---- trust anchors and the TLS configuration ------------------------------ */
static odeus_result oa_tls_load_system_ca(odeus_client *c)
{
  size_t i;
  for (i = 0; i < OA_COUNT(oa_tls_bundles); i++) {
    /* A bundle may hold certificates mbedTLS cannot parse (a positive count
     * of them): the others still count. */
    int r = mbedtls_x509_crt_parse_file(&c->ca, oa_tls_bundles[i]);
    if (r >= 0 && c->ca.version != 0) return ODEUS_OK;
  }
  return ODEUS_ERR_CA;
}

static odeus_result oa_tls_load_ca(odeus_client *c, const odeus_client_options *o)
{
  int r;
  if (o && o->ca_file) r = mbedtls_x509_crt_parse_file(&c->ca, o->ca_file);
  else if (o && o->ca_pem)
    r = mbedtls_x509_crt_parse(&c->ca, (const unsigned char *)o->ca_pem, strlen(o->ca_pem) + 1);
  else return ODEUS_OK; /* the system bundle, at the first https connection */
  if (r != 0 || c->ca.version == 0) {
    c->io_error = r < 0 ? r : 0;
    return ODEUS_ERR_CA;
  }
  c->ca_loaded = 1;
  return ODEUS_OK;
}

/* Called for each certificate of a chain during a full handshake only: a
 * resumed handshake sees none. It changes nothing in the verdict. */
static int oa_tls_verify_seen(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
  (void)crt;
  (void)depth;
  (void)flags;
  ((odeus_client *)ctx)->cert_seen = 1;
  return 0;
}

static odeus_result oa_tls_configure(odeus_client *c)
{
  static const char personal[] = "odeus_auth client";
  if (mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func, &c->entropy,
                            (const unsigned char *)personal, sizeof personal - 1) != 0)
    return ODEUS_ERR_TLS;
  if (mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                  MBEDTLS_SSL_PRESET_DEFAULT) != 0)
    return ODEUS_ERR_TLS;
  /* Verification is on unless the caller said, in so many words, to skip it. */
  mbedtls_ssl_conf_authmode(&c->conf, c->opt.insecure_skip_verify ? MBEDTLS_SSL_VERIFY_NONE
                                                                   : MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(&c->conf, &c->ca, NULL);
  mbedtls_ssl_conf_rng(&c->conf, mbedtls_ctr_drbg_random, &c->drbg);
  mbedtls_ssl_conf_verify(&c->conf, oa_tls_verify_seen, c);
  mbedtls_ssl_conf_read_timeout(&c->conf, c->opt.io_timeout_ms);
#if MBEDTLS_VERSION_NUMBER < 0x03000000 && defined(MBEDTLS_ECP_C)
  if (oa_tls_curves[0] != MBEDTLS_ECP_DP_NONE) mbedtls_ssl_conf_curves(&c->conf, oa_tls_curves);
#endif
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
  mbedtls_ssl_conf_session_tickets(&c->conf, c->opt.no_resumption
                                                 ? MBEDTLS_SSL_SESSION_TICKETS_DISABLED
                                                 : MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
#endif
  return ODEUS_OK;
}

/* The record buffers (about 2 x 16 KiB of mbedTLS' heap) only when TLS is
 * used, and the system trust anchors only when nothing else was given. */
static odeus_result oa_tls_prepare_ssl(odeus_client *c)
{
  if (!c->ca_loaded && !c->opt.insecure_skip_verify) {
    if (oa_tls_load_system_ca(c) != ODEUS_OK) return ODEUS_ERR_CA;
    c->ca_loaded = 1;
  }
  if (c->ssl_ready) return ODEUS_OK;
  if (mbedtls_ssl_setup(&c->ssl, &c->conf) != 0) return ODEUS_ERR_TLS;
  mbedtls_ssl_set_bio(&c->ssl, c, oa_tls_net_send, NULL, oa_tls_net_recv_timeout);
  c->ssl_ready = 1;
  return ODEUS_OK;
}

/* ---- connections ----------------------------------------------------------- */
static void oa_tls_disconnect(odeus_client *c, int polite)
{
  if (c->fd < 0) return;
  if (c->tls && polite) (void)mbedtls_ssl_close_notify(&c->ssl);
  close(c->fd);
  c->fd = -1;
  /* Zeroizes the record buffers and readies the context for the next. */
  if (c->ssl_ready) (void)mbedtls_ssl_session_reset(&c->ssl);
}

static odeus_result oa_tls_try_address(odeus_client *c, const struct sockaddr *sa,
                                       socklen_t len, uint64_t until)
{
  int fd = socket(sa->sa_family, SOCK_STREAM, 0), one = 1, err = 0, w, flags;
  socklen_t elen = (socklen_t)sizeof err;
  if (fd < 0) {
    c->sys_error = errno;
    return ODEUS_ERR_CONNECT;
  }
  flags = fcntl(fd, F_GETFL, 0);
  (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) goto failed;
#ifdef SO_NOSIGPIPE
  (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, (socklen_t)sizeof one);
#endif
  /* Without it each handshake flight waits on delayed ACKs. */
  (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, (socklen_t)sizeof one);
  if (connect(fd, sa, len) != 0) {
    if (errno != EINPROGRESS && errno != EINTR) goto failed;
    w = oa_tls_poll(fd, POLLOUT, until);
    if (w == 0) {
      close(fd);
      c->sys_error = ETIMEDOUT;
      return until >= c->deadline ? ODEUS_ERR_TIMEOUT : ODEUS_ERR_CONNECT;
    }
    if (w < 0) goto failed;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0) goto failed;
    if (err != 0) {
      errno = err;
      goto failed;
    }
  }
  c->fd = fd;
  return ODEUS_OK;
failed:
  c->sys_error = errno;
  close(fd);
  return ODEUS_ERR_CONNECT;
}

/* An IP literal needs no lookup (and no allocation). 1 when host was one. */
static int oa_tls_literal(const char *host, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
  struct sockaddr_in *v4 = (struct sockaddr_in *)(void *)ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)(void *)ss;
  memset(ss, 0, sizeof *ss);
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    *len = (socklen_t)sizeof *v4;
    return 1;
  }
  if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    *len = (socklen_t)sizeof *v6;
    return 1;
  }
  return 0;
}

static void oa_tls_port_text(uint16_t port, char out[6])
{
  char tmp[6];
  size_t n = 0, i;
  do {
    tmp[n++] = (char)('0' + port % 10);
    port = (uint16_t)(port / 10);
  } while (port);
  for (i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  out[n] = '\0';
}

/* Every address of the host in turn, IPv6 and IPv4, within one connect
 * timeout. */
static odeus_result oa_tls_connect(odeus_client *c)
{
  struct sockaddr_storage ss;
  struct addrinfo hints, *list = NULL, *entry;
  socklen_t len;
  char port[6];
  uint64_t until = oa_tls_until(c, c->opt.connect_timeout_ms);
  odeus_result r = ODEUS_ERR_CONNECT;
  int gai;
  if (oa_tls_literal(c->host, c->port, &ss, &len))
    return oa_tls_try_address(c, (const struct sockaddr *)(const void *)&ss, len, until);
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  oa_tls_port_text(c->port, port);
  gai = getaddrinfo(c->host, port, &hints, &list);
  if (gai != 0) {
    c->sys_error = gai;
    return ODEUS_ERR_DNS;
  }
  for (entry = list; entry; entry = entry->ai_next) {
    if (entry->ai_family != AF_INET && entry->ai_family != AF_INET6) continue;
    r = oa_tls_try_address(c, entry->ai_addr, entry->ai_addrlen, until);
    if (r != ODEUS_ERR_CONNECT || oa_tls_now() >= until) break;
  }
  freeaddrinfo(list);
  return r;
}

static odeus_result oa_tls_handshake_failure(odeus_client *c, int r)
{
  c->io_error = r;
  c->verify_flags = mbedtls_ssl_get_verify_result(&c->ssl);
  if (r == MBEDTLS_ERR_SSL_TIMEOUT) return ODEUS_ERR_TIMEOUT;
  if (r == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) return ODEUS_ERR_CERT;
  if (!c->opt.insecure_skip_verify && c->verify_flags != 0 && c->verify_flags != (uint32_t)-1)
    return ODEUS_ERR_CERT;
  return ODEUS_ERR_TLS;
}

static int oa_tls_session_matches(const odeus_client *c)
{
  return c->has_session && c->session_port == c->port && strcmp(c->session_host, c->host) == 0;
}

static odeus_result oa_tls_handshake(odeus_client *c)
{
  int r, offered = 0;
  /* Always: the name is both sent (SNI) and checked against the
   * certificate. */
  if (mbedtls_ssl_set_hostname(&c->ssl, c->host) != 0) return ODEUS_ERR_TLS;
  if (!c->opt.no_resumption && oa_tls_session_matches(c))
    offered = mbedtls_ssl_set_session(&c->ssl, &c->session) == 0;
  c->cert_seen = 0;
  do {
    r = mbedtls_ssl_handshake(&c->ssl);
  } while ((r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) &&
           !oa_tls_deadline_passed(c));
  if (r != 0) return oa_tls_handshake_failure(c, r);
  c->handshakes++;
  c->resumed = offered && !c->cert_seen && !c->opt.insecure_skip_verify;
  if (c->resumed) c->resumptions++;
  return ODEUS_OK;
}

/* Keeps the session of a connection for the next one (TLS 1.3 tickets
 * arrive after the handshake, so this runs once the first answer is read). */
static void oa_tls_save_session(odeus_client *c)
{
  if (c->opt.no_resumption) return;
  mbedtls_ssl_session_free(&c->session);
  mbedtls_ssl_session_init(&c->session);
  c->has_session = mbedtls_ssl_get_session(&c->ssl, &c->session) == 0;
  if (!c->has_session) return;
  memcpy(c->session_host, c->host, sizeof c->host);
  c->session_port = c->port;
}

/* The kept-alive connection is still usable: nothing to read on it (a
 * peer that closed it, or sent what was not asked for, makes it readable). */
static int oa_tls_still_open(odeus_client *c)
{
  struct pollfd p;
  p.fd = c->fd;
  p.events = POLLIN;
  p.revents = 0;
  if (c->tls && mbedtls_ssl_get_bytes_avail(&c->ssl) != 0) return 0;
  return poll(&p, 1, 0) == 0;
}

/* Where a request goes, from its base URL (already validated). */
static odeus_result oa_tls_endpoint(odeus_client *c, const odeus_request *req, int *same)
{
  const char *base = req->base_url ? req->base_url : ODEUS_DEFAULT_BASE_URL;
  odeus_url u;
  const char *h;
  size_t n;
  odeus_result r = odeus_parse_base_url(base, strlen(base), &u);
  if (r != ODEUS_OK) return r;
  h = u.host.ptr;
  n = u.host.len;
  if (n >= 2 && h[0] == '[') { /* an IPv6 literal: without its brackets */
    h++;
    n -= 2;
  }
  if (n == 0 || n >= sizeof c->host) return ODEUS_ERR_BASE_URL;
  *same = c->fd >= 0 && c->tls == u.https && c->port == u.port && strlen(c->host) == n &&
          memcmp(c->host, h, n) == 0;
  if (!*same) {
    oa_tls_disconnect(c, 1);
    memcpy(c->host, h, n);
    c->host[n] = '\0';
    c->port = u.port;
    c->tls = u.https;
  }
  return ODEUS_OK;
}

/* A connection to the request's endpoint: the kept-alive one, else a new
 * one. *fresh tells which. */
static odeus_result oa_tls_ensure_connection(odeus_client *c, const odeus_request *req, int *fresh)
{
  odeus_result r;
  int same = 0;
  *fresh = 0;
  r = oa_tls_endpoint(c, req, &same);
  if (r != ODEUS_OK) return r;
  if (same && oa_tls_still_open(c)) {
    c->reused = 1;
    return ODEUS_OK;
  }
  oa_tls_disconnect(c, 0);
  c->reused = 0;
  c->resumed = 0;
  if (c->tls) {
    r = oa_tls_prepare_ssl(c);
    if (r != ODEUS_OK) return r;
  }
  r = oa_tls_connect(c);
  if (r != ODEUS_OK) return r;
  c->connections++;
  if (c->tls) {
    r = oa_tls_handshake(c);
    if (r != ODEUS_OK) {
      oa_tls_disconnect(c, 0);
      return r;
    }
  }
  *fresh = 1;
  return ODEUS_OK;
}

/* The exchange's ODEUS_ERR_IO, told apart by what the io returned. */
static odeus_result oa_tls_io_result(odeus_client *c, const odeus_exchange *x, odeus_result r)
{
  if (r != ODEUS_ERR_IO) return r;
  c->io_error = x->io_error;
  if (x->io_error == MBEDTLS_ERR_SSL_TIMEOUT) return ODEUS_ERR_TIMEOUT;
  if (x->io_error == MBEDTLS_ERR_NET_CONN_RESET) return ODEUS_ERR_CLOSED;
  return ODEUS_ERR_IO;
}

/* A kept-alive connection the server closed in the meantime fails before
 * any byte of an answer arrives: that request is sent again, at once, on a
 * new connection (it is safe: the same request leaves the same state). */
static int oa_tls_was_stale(const odeus_exchange *x, odeus_result r)
{
  return x->received == 0 && (r == ODEUS_ERR_CLOSED || r == ODEUS_ERR_IO);
}

/* One request and its answer over the connection. */
static odeus_result oa_tls_exchange(odeus_client *c, const odeus_request *req, odeus_answer *answer,
                                    int fresh, odeus_outcome *o, int *stale)
{
  odeus_exchange x;
  odeus_io io;
  odeus_result r;
  io.ctx = c;
  io.send = c->tls ? oa_tls_io_send : oa_tls_net_send;
  io.recv = c->tls ? oa_tls_io_recv : oa_tls_net_recv;
  r = odeus_exchange_begin(&x, req, answer, c->window, sizeof c->window);
  if (r == ODEUS_OK) {
    do {
      r = odeus_exchange_run(&x, &io);
    } while ((r == ODEUS_WANT_READ || r == ODEUS_WANT_WRITE) && !oa_tls_deadline_passed(c));
    if (r == ODEUS_WANT_READ || r == ODEUS_WANT_WRITE) r = ODEUS_ERR_TIMEOUT;
  }
  r = oa_tls_io_result(c, &x, r);
  *o = odeus_outcome_of(&x, r);
  *stale = !fresh && oa_tls_was_stale(&x, r);
  c->status = o->status;
  if (fresh && c->tls && x.http.done) oa_tls_save_session(c);
  if (c->opt.no_keep_alive || !odeus_exchange_reusable(&x)) oa_tls_disconnect(c, x.http.done);
  odeus_exchange_end(&x);
  return r;
}

static odeus_result oa_tls_attempt(odeus_client *c, const odeus_request *req, odeus_answer *answer,
                                   odeus_outcome *o)
{
  odeus_result r;
  int fresh, stale = 0, tries;
  for (tries = 0; tries < 2; tries++) {
    r = oa_tls_ensure_connection(c, req, &fresh);
    if (r != ODEUS_OK) {
      *o = odeus_outcome_of(NULL, r);
      return r;
    }
    r = oa_tls_exchange(c, req, answer, fresh, o, &stale);
    if (!stale) break;
  }
  return r;
}

static void oa_tls_report_reset(odeus_client *c)
{
  c->status = 0;
  c->attempts = 0;
  c->waited_ms = 0;
  c->reused = 0;
  c->resumed = 0;
  c->io_error = 0;
  c->sys_error = 0;
  c->verify_flags = 0;
}

ODEUS_API odeus_result odeus_client_init(odeus_client *c, const odeus_client_options *opt)
{
  odeus_result r;
  if (!c) return ODEUS_ERR_ARGUMENT;
  memset(c, 0, sizeof *c);
  c->fd = -1;
  if (opt) c->opt = *opt;
  if (!c->opt.connect_timeout_ms) c->opt.connect_timeout_ms = ODEUS_CLIENT_DEFAULT_CONNECT_TIMEOUT_MS;
  if (!c->opt.io_timeout_ms) c->opt.io_timeout_ms = ODEUS_CLIENT_DEFAULT_IO_TIMEOUT_MS;
  if (!c->opt.deadline_ms) c->opt.deadline_ms = ODEUS_CLIENT_DEFAULT_DEADLINE_MS;
  /* Only used during init: never kept. */
  c->opt.ca_file = NULL;
  c->opt.ca_pem = NULL;
  mbedtls_entropy_init(&c->entropy);
  mbedtls_ctr_drbg_init(&c->drbg);
  mbedtls_x509_crt_init(&c->ca);
  mbedtls_ssl_config_init(&c->conf);
  mbedtls_ssl_init(&c->ssl);
  mbedtls_ssl_session_init(&c->session);
  c->ready = 1; /* from here odeus_client_free has contexts to free */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
  if (psa_crypto_init() != PSA_SUCCESS) return ODEUS_ERR_TLS;
#endif
  r = oa_tls_configure(c);
  if (r != ODEUS_OK) return r;
  return oa_tls_load_ca(c, opt);
}

ODEUS_API odeus_result odeus_client_apply(odeus_client *c, const odeus_request *req,
                                          odeus_answer *answer)
{
  odeus_request_stream check;
  odeus_retry_policy policy;
  odeus_outcome o;
  odeus_result r;
  uint32_t delay;
  if (!c || !c->ready) return ODEUS_ERR_ARGUMENT;
  oa_tls_report_reset(c);
  /* Everything about the request is checked before any network use. */
  r = odeus_request_begin(&check, req);
  if (r != ODEUS_OK) return r;
  c->deadline = oa_tls_now() + c->opt.deadline_ms;
  policy = c->opt.retry;
  policy.clock = oa_tls_policy_clock;
  policy.random = oa_tls_policy_random;
  policy.ctx = c;
  for (;;) {
    c->attempts++;
    r = oa_tls_attempt(c, req, answer, &o);
    if (r == ODEUS_OK || !odeus_retry_decide(&policy, c->attempts, &o, &delay)) return r;
    /* A wait that ends past the deadline would only end in a timeout. */
    if (oa_tls_now() + delay >= c->deadline) return r;
    oa_tls_policy_sleep(c, delay);
    c->waited_ms += delay;
  }
}

ODEUS_API void odeus_client_close(odeus_client *c)
{
  if (c && c->ready) oa_tls_disconnect(c, 1);
}

ODEUS_API void odeus_client_free(odeus_client *c)
{
  if (!c || !c->ready) return;
  oa_tls_disconnect(c, 1);
  mbedtls_ssl_session_free(&c->session);
  mbedtls_ssl_free(&c->ssl);
  mbedtls_ssl_config_free(&c->conf);
  mbedtls_x509_crt_free(&c->ca);
  mbedtls_ctr_drbg_free(&c->drbg);
  mbedtls_entropy_free(&c->entropy);
  odeus_wipe(c->window, sizeof c->window);
  c->ready = 0;
}

#endif /* ODEUS_AUTH_MBEDTLS_DONE */
#endif /* ODEUS_AUTH_IMPLEMENTATION && ODEUS_AUTH_MBEDTLS */

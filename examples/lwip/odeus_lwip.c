/* odeus_lwip.c - the odeus_auth client over lwIP's sockets API (NO_SYS=0):
 * an odeus_net (see odeus_auth.h and docs/PORTING.md) whose connection is
 * one lwIP socket, non-blocking, waited on with lwip_poll (or lwip_select
 * where poll is off), timed with sys_now. TLS, verification, timeouts,
 * retries, keep-alive and resumption are the client's: nothing of them is
 * here. Tested in-process on Linux against Debian's liblwip (tests/lwip/).
 * MIT license, as odeus_auth.h. */
#include "odeus_lwip.h"

#include <string.h>
#include "lwip/opt.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"
#if LWIP_DNS
#include "lwip/api.h"
#endif

#ifndef ODEUS_LWIP_WAIT_SLICE_MS
#define ODEUS_LWIP_WAIT_SLICE_MS 1000 /* longest single poll (int milliseconds) */
#endif

/* sys_now() wraps after 49 days; the client wants a clock that does not. */
static uint64_t oal_now(void *ctx)
{
  odeus_lwip *l = (odeus_lwip *)ctx;
  uint32_t t = (uint32_t)sys_now();
  if (t < l->last_ms) l->wraps++;
  l->last_ms = t;
  return (uint64_t)l->wraps << 32 | t;
}

static int oal_ms_left(odeus_lwip *l, uint64_t until)
{
  uint64_t now = oal_now(l);
  return now >= until ? 0 : (int)(until - now < ODEUS_LWIP_WAIT_SLICE_MS ? until - now : ODEUS_LWIP_WAIT_SLICE_MS);
}

/* 1 when fd can be read (want ODEUS_IO_WANT_READ) or written, 0 when
 * `until` came first, -1 on an error. It looks at least once. */
static int oal_wait(void *ctx, int want, uint64_t until)
{
  odeus_lwip *l = (odeus_lwip *)ctx;
  for (;;) {
    int ms = oal_ms_left(l, until), r;
    if (!want) { /* the retry policy's back-off: only the time */
      if (ms == 0) return 0;
      sys_msleep((u32_t)ms);
      continue;
    }
#if LWIP_SOCKET_POLL
    {
      struct pollfd p;
      p.fd = l->fd;
      p.events = want == ODEUS_IO_WANT_READ ? POLLIN : POLLOUT;
      p.revents = 0;
      r = lwip_poll(&p, 1, ms);
    }
#else
    {
      fd_set set;
      struct timeval tv;
      FD_ZERO(&set);
      FD_SET(l->fd, &set);
      tv.tv_sec = ms / 1000;
      tv.tv_usec = (ms % 1000) * 1000;
      r = lwip_select(l->fd + 1, want == ODEUS_IO_WANT_READ ? &set : NULL,
                      want == ODEUS_IO_WANT_READ ? NULL : &set, NULL, &tv);
    }
#endif
    if (r > 0) return 1;
    if (r < 0 && errno != EINTR) return -1;
    if (ms == 0) return 0;
  }
}

/* What a failed send or recv means to the client. */
static int oal_failure(int code)
{
  int e = errno;
  if (e == EWOULDBLOCK || e == EAGAIN) return code == MBEDTLS_ERR_NET_RECV_FAILED ? ODEUS_IO_WANT_READ : ODEUS_IO_WANT_WRITE;
  if (e == ECONNRESET || e == ECONNABORTED || e == EPIPE || e == ENOTCONN) return MBEDTLS_ERR_NET_CONN_RESET;
  return code;
}

static int oal_send(void *ctx, const unsigned char *buf, size_t len)
{
  ssize_t n = lwip_send(((odeus_lwip *)ctx)->fd, buf, len > 0x4000 ? 0x4000 : len, 0);
  return n >= 0 ? (int)n : oal_failure(MBEDTLS_ERR_NET_SEND_FAILED);
}

static int oal_recv(void *ctx, unsigned char *buf, size_t len)
{
  ssize_t n = lwip_recv(((odeus_lwip *)ctx)->fd, buf, len > 0x4000 ? 0x4000 : len, 0);
  return n >= 0 ? (int)n : oal_failure(MBEDTLS_ERR_NET_RECV_FAILED);
}

static void oal_close(void *ctx)
{
  odeus_lwip *l = (odeus_lwip *)ctx;
  if (l->fd >= 0) lwip_close(l->fd);
  l->fd = -1;
}

/* The host's address: an IP literal, else the resolver's answer. */
static odeus_result oal_address(odeus_lwip *l, const char *host, ip_addr_t *addr)
{
  if (ipaddr_aton(host, addr)) return ODEUS_OK;
  if (l->resolve) return l->resolve(l->resolve_ctx, host, addr) == 0 ? ODEUS_OK : ODEUS_ERR_DNS;
#if LWIP_DNS
  return netconn_gethostbyname(host, addr) == ERR_OK ? ODEUS_OK : ODEUS_ERR_DNS; /* blocks */
#else
  return ODEUS_ERR_DNS;
#endif
}

/* Connects by `until`: a non-blocking connect, then a wait to write. */
static odeus_result oal_open(void *ctx, const char *host, uint16_t port, uint64_t until, odeus_io *io,
                             int *error)
{
  odeus_lwip *l = (odeus_lwip *)ctx;
  ip_addr_t addr;
  struct sockaddr_storage ss;
  socklen_t len;
  int one = 1, err = 0, w;
  socklen_t elen = sizeof err;
  odeus_result r = oal_address(l, host, &addr);
  *error = 0;
  if (r != ODEUS_OK) return r;
  memset(&ss, 0, sizeof ss);
#if LWIP_IPV6
  if (IP_IS_V6(&addr)) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)&ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = lwip_htons(port);
    memcpy(&s6->sin6_addr, ip_2_ip6(&addr)->addr, 16);
    len = sizeof *s6;
  } else
#endif
  {
    struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)&ss;
    s4->sin_family = AF_INET;
    s4->sin_port = lwip_htons(port);
    s4->sin_addr.s_addr = ip4_addr_get_u32(ip_2_ip4(&addr));
    len = sizeof *s4;
  }
  l->fd = lwip_socket(ss.ss_family, SOCK_STREAM, 0);
  if (l->fd < 0) {
    *error = errno;
    return ODEUS_ERR_CONNECT;
  }
  /* Without it each handshake flight waits on delayed ACKs. */
  (void)lwip_setsockopt(l->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (lwip_fcntl(l->fd, F_SETFL, O_NONBLOCK) != 0) goto failed;
  if (lwip_connect(l->fd, (struct sockaddr *)(void *)&ss, len) != 0) {
    if (errno != EINPROGRESS) goto refused;
    w = oal_wait(l, ODEUS_IO_WANT_WRITE, until);
    if (w == 0) {
      oal_close(l);
      *error = ETIMEDOUT;
      return ODEUS_ERR_TIMEOUT;
    }
    if (w < 0 || lwip_getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0) goto failed;
    if (err != 0) {
      errno = err;
      goto refused;
    }
  }
  io->send = oal_send;
  io->recv = oal_recv;
  io->ctx = l;
  return ODEUS_OK;
refused:
  /* lwIP reports the RST that refuses a connect as a reset */
  if (errno == ECONNRESET) errno = ECONNREFUSED;
failed:
  *error = errno;
  oal_close(l);
  return ODEUS_ERR_CONNECT;
}

void odeus_lwip_net(odeus_lwip *l, odeus_net *net)
{
  l->fd = -1;
  net->open = oal_open;
  net->wait = oal_wait;
  net->close = oal_close;
  net->now = oal_now;
  net->ctx = l;
}

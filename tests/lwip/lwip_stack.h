/* lwIP's stack inside this process (Debian's liblwip: NO_SYS=0, the unix
 * port's threads), over a loopback network interface of its own that holds
 * 127.0.0.1/8 and ::1, and relays that make the mock Odeus servers
 * (tests/mock_server.c, processes on the system's 127.0.0.1) reachable
 * inside lwIP at the same port numbers: a client over lwIP's sockets
 * reaches them through lwIP alone, and every byte of TLS runs end to end
 * between it and the mock server. The relay passes data, an orderly close
 * (FIN) and a reset (RST) on in both directions, so each failure the mock
 * server makes reaches the client as it would over the system's TCP.
 *
 *   lwst_start()            once, before anything else of lwIP
 *   lwst_relay(port, v6)    serve 127.0.0.1:port (and [::1]:port) in lwIP
 *
 * Test code, not part of the library. Include in one file. */
#ifndef LWIP_STACK_H
#define LWIP_STACK_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/select.h>
#include <poll.h>
#include <time.h>

#include "lwip/opt.h"
#include "lwip/api.h"
#include "lwip/netif.h"
#include "lwip/sockets.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"

/* The relay's own memory (a program that counts calloc and free elsewhere
 * gives others). */
#ifndef LWST_ALLOC
#define LWST_ALLOC(n) calloc(1, (n))
#define LWST_FREE(p) free(p)
#endif

static struct netif lwst_lo;

static err_t lwst_output4(struct netif *n, struct pbuf *p, const ip4_addr_t *to)
{
  (void)to;
  return netif_loop_output(n, p);
}

static err_t lwst_output6(struct netif *n, struct pbuf *p, const ip6_addr_t *to)
{
  (void)to;
  return netif_loop_output(n, p);
}

static err_t lwst_lo_init(struct netif *n)
{
  n->name[0] = 'l';
  n->name[1] = 'o';
  n->mtu = 1500; /* segments as on Ethernet */
  n->output = lwst_output4;
  n->output_ip6 = lwst_output6;
  return ERR_OK;
}

static void lwst_ready(void *arg)
{
  sys_sem_signal((sys_sem_t *)arg);
}

static void lwst_start(void)
{
  sys_sem_t sem;
  ip4_addr_t ip, mask, gw;
  ip6_addr_t ip6;
  s8_t index = -1;
  if (sys_sem_new(&sem, 0) != ERR_OK) abort();
  tcpip_init(lwst_ready, &sem);
  sys_sem_wait(&sem);
  sys_sem_free(&sem);
  IP4_ADDR(&ip, 127, 0, 0, 1);
  IP4_ADDR(&mask, 255, 0, 0, 0);
  IP4_ADDR(&gw, 0, 0, 0, 0);
  IP6_ADDR(&ip6, 0, 0, 0, PP_HTONL(1));
  LOCK_TCPIP_CORE();
  netif_add(&lwst_lo, &ip, &mask, &gw, NULL, lwst_lo_init, tcpip_input);
  netif_add_ip6_address(&lwst_lo, &ip6, &index);
  if (index >= 0) netif_ip6_addr_set_state(&lwst_lo, index, IP6_ADDR_VALID);
  netif_set_default(&lwst_lo);
  netif_set_link_up(&lwst_lo);
  netif_set_up(&lwst_lo);
  UNLOCK_TCPIP_CORE();
}

/* ---- the relays ------------------------------------------------------------ */
/* One thread serves each connection and is the only one to call lwIP for
 * its socket: Debian's lwIP is built without LWIP_NETCONN_FULLDUPLEX, where
 * a socket must not be used by two threads at once (a receive in one thread
 * beside a send or shutdown in another share the netconn's one semaphore and
 * pending message, which once corrupted the heap). The thread moves bytes
 * both ways without blocking and waits for what it can do next. */
#define LWST_BUF 16384
#define LWST_WAIT_MIN_US 500    /* how long a pair that just moved waits on one side ... */
#define LWST_WAIT_MAX_US 16000  /* ... doubling while nothing moves, up to this */

/* How one direction stands: its bytes still come (OPEN), its sender closed
 * (FIN) or reset (RESET) it, or it is over (DONE: the FIN passed on, or no
 * receiver is left). FIN and RESET are passed on as soon as they are read. */
enum { LWST_OPEN, LWST_FIN, LWST_RESET, LWST_DONE };

typedef struct lwst_buf {
  size_t at, len; /* data[at..len) is still to be written */
  char data[LWST_BUF];
} lwst_buf;

typedef struct lwst_pair {
  int lw, host, port;
  int up, down;    /* the client's bytes to the server, the server's to the client */
  int host_failed; /* a send to the server failed: its end is a reset */
  int expect_host; /* the server should speak next (the client spoke last) */
  lwst_buf to_host, to_lw;
} lwst_pair;

static int lwst_would_block(void)
{
  return errno == EWOULDBLOCK || errno == EAGAIN || errno == EINTR;
}

static int lwst_pending(const lwst_buf *b)
{
  return b->at < b->len;
}

/* A reset (RST) of an lwIP connection: lwIP's sockets close with FIN even
 * under SO_LINGER 0 once all data is acknowledged, so the PCB is aborted.
 * What lwIP still queues of the server's bytes goes out first (an abort
 * drops it), as the system's TCP delivers the bytes sent before a reset. */
static void lwst_abort(int fd)
{
  struct lwip_sock *s = lwip_socket_dbg_get_socket(fd);
  int waited;
  for (waited = 0; waited < 1000; waited++) {
    struct timespec ms = { 0, 1000000 };
    int queued;
    LOCK_TCPIP_CORE();
    queued = s && s->conn && s->conn->pcb.tcp && s->conn->pcb.tcp->unsent;
    UNLOCK_TCPIP_CORE();
    if (!queued) break;
    nanosleep(&ms, NULL);
  }
  LOCK_TCPIP_CORE();
  if (s && s->conn && s->conn->pcb.tcp && s->conn->pcb.tcp->state != TIME_WAIT) tcp_abort(s->conn->pcb.tcp);
  UNLOCK_TCPIP_CORE();
}

/* The client's bytes to the server, then its FIN. Returns 1 when anything
 * moved. Reads only when all read before is written. */
static int lwst_step_up(lwst_pair *p)
{
  lwst_buf *b = &p->to_host;
  ssize_t n;
  if (lwst_pending(b)) {
    n = send(p->host, b->data + b->at, b->len - b->at, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && lwst_would_block()) return 0;
    if (n <= 0) { /* the server's connection broke under the client's bytes */
      p->host_failed = 1;
      p->up = LWST_DONE;
      b->at = b->len = 0;
      return 1;
    }
    b->at += (size_t)n;
    return 1;
  }
  if (p->up == LWST_OPEN) {
    n = lwip_recv(p->lw, b->data, sizeof b->data, MSG_DONTWAIT);
    if (n < 0 && lwst_would_block()) return 0;
    if (n > 0) {
      b->at = 0;
      b->len = (size_t)n;
      p->expect_host = 1;
      return 1;
    }
    p->up = n == 0 ? LWST_FIN : LWST_RESET;
  }
  if (p->up == LWST_FIN) {
    shutdown(p->host, SHUT_WR); /* the server closes in turn */
    p->up = LWST_DONE;
    return 1;
  }
  return 0;
}

/* The server's FIN to the client; returns 0 when it must wait. lwIP 2.1.3
 * loses a PCB that ends in LAST_ACK after its socket read the peer's FIN
 * (tcp_input frees it without telling the netconn, and closing the socket
 * frees it again: a double free). A FIN sent by lwip_shutdown after the
 * client's FIN came in, but before it was read, leads there. So while the
 * client's side is open, the FIN is sent under the core lock (so that the
 * client's FIN cannot come in meanwhile) only from ESTABLISHED, and waits
 * while a FIN of the client's is still to be read; once it was read,
 * lwip_shutdown closes the PCB whole. */
static int lwst_fin_to_client(lwst_pair *p)
{
  struct lwip_sock *s;
  int sent = 1;
  if (p->up != LWST_OPEN) {
    lwip_shutdown(p->lw, SHUT_WR);
    return 1;
  }
  s = lwip_socket_dbg_get_socket(p->lw);
  LOCK_TCPIP_CORE();
  if (s && s->conn && s->conn->pcb.tcp) {
    struct tcp_pcb *pcb = s->conn->pcb.tcp;
    if (pcb->state == CLOSE_WAIT) sent = 0;
    else if (pcb->state == ESTABLISHED) sent = tcp_shutdown(pcb, 0, 1) == ERR_OK;
  }
  UNLOCK_TCPIP_CORE();
  return sent;
}

/* The server's bytes to the client, then its FIN. Returns 1 when anything
 * moved. */
static int lwst_step_down(lwst_pair *p)
{
  lwst_buf *b = &p->to_lw;
  ssize_t n;
  if (lwst_pending(b)) {
    n = lwip_send(p->lw, b->data + b->at, b->len - b->at, MSG_DONTWAIT);
    if (n < 0 && lwst_would_block()) return 0;
    if (n <= 0) { /* the client is gone: what it does next ends the pair */
      p->down = LWST_DONE;
      b->at = b->len = 0;
      return 1;
    }
    b->at += (size_t)n;
    return 1;
  }
  if (p->down == LWST_OPEN) {
    n = recv(p->host, b->data, sizeof b->data, MSG_DONTWAIT);
    if (n < 0 && lwst_would_block()) return 0;
    if (n > 0) {
      b->at = 0;
      b->len = (size_t)n;
      p->expect_host = 0;
      return 1;
    }
    /* a failed send took the reset's error: the end that follows is still one */
    p->down = n == 0 && !p->host_failed ? LWST_FIN : LWST_RESET;
  }
  if (p->down == LWST_FIN) {
    if (!lwst_fin_to_client(p)) return 0;
    p->down = LWST_DONE;
    return 1;
  }
  return 0;
}

/* The server's socket, until it can do one of events or us pass. */
static void lwst_host_wait(int fd, short events, long us)
{
  fd_set rd, wr;
  struct timeval tv;
  if (fd >= FD_SETSIZE) { /* not with this test's few sockets; poll counts in ms */
    struct pollfd pf;
    pf.fd = fd;
    pf.events = events;
    pf.revents = 0;
    poll(&pf, 1, (int)(us / 1000) + 1);
    return;
  }
  FD_ZERO(&rd);
  FD_ZERO(&wr);
  if (events & POLLIN) FD_SET(fd, &rd);
  if (events & POLLOUT) FD_SET(fd, &wr);
  tv.tv_sec = us / 1000000;
  tv.tv_usec = us % 1000000;
  select(fd + 1, &rd, &wr, NULL, &tv);
}

/* Waits at most us until a side can likely move: an lwIP socket and a
 * system one cannot be waited on together. With both sides to wait on, it
 * waits on the side expected to speak next (the server after the client's
 * bytes, the client after the server's), so that the usual exchange moves
 * at once; what the other side brings waits for the end of us. */
static void lwst_wait(const lwst_pair *p, long us)
{
  struct pollfd lw;
  short host = 0;
  lw.fd = p->lw;
  lw.events = 0;
  lw.revents = 0;
  if (p->up == LWST_OPEN && !lwst_pending(&p->to_host)) lw.events |= POLLIN;
  if (lwst_pending(&p->to_lw)) lw.events |= POLLOUT;
  if (p->down == LWST_OPEN && !lwst_pending(&p->to_lw)) host |= POLLIN;
  if (lwst_pending(&p->to_host)) host |= POLLOUT;
  if (!lw.events) lwst_host_wait(p->host, host, 100000);
  else if (!host) lwip_poll(&lw, 1, 100);
  else if (p->expect_host) lwst_host_wait(p->host, host, us);
  else lwip_poll(&lw, 1, (int)((us + 999) / 1000));
}

/* Both directions until both are over, or one side resets: then the other
 * is reset too. The wait on one side doubles while nothing moves, so an
 * idle pair costs little and a busy one answers within LWST_WAIT_MIN_US. */
static void lwst_serve(lwst_pair *p)
{
  long us = LWST_WAIT_MIN_US;
  for (;;) {
    int moved = lwst_step_up(p) | lwst_step_down(p);
    if (p->up == LWST_RESET) { /* the client reset: so does the relay */
      struct linger lg = { 1, 0 };
      setsockopt(p->host, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      shutdown(p->host, SHUT_RDWR);
      return;
    }
    if (p->down == LWST_RESET) {
      lwst_abort(p->lw);
      return;
    }
    if (p->up == LWST_DONE && p->down == LWST_DONE) return;
    if (moved) {
      us = LWST_WAIT_MIN_US;
    } else {
      lwst_wait(p, us);
      if (us < LWST_WAIT_MAX_US) us *= 2;
    }
  }
}

/* One connection accepted in lwIP: the server's connection, then both
 * directions; the lwIP socket is closed here, once, when both are over. */
static void *lwst_pair_main(void *arg)
{
  lwst_pair *p = (lwst_pair *)arg;
  struct sockaddr_in sa;
  int one = 1;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)p->port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  p->host = socket(AF_INET, SOCK_STREAM, 0);
  if (p->host < 0 || connect(p->host, (struct sockaddr *)&sa, sizeof sa) != 0) {
    lwst_abort(p->lw);
  } else {
    setsockopt(p->host, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    lwip_setsockopt(p->lw, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    lwst_serve(p);
  }
  lwip_close(p->lw);
  if (p->host >= 0) close(p->host);
  LWST_FREE(p);
  return NULL;
}

typedef struct lwst_listener {
  int fd, port;
} lwst_listener;

/* Accepts in lwIP and hands each connection to a thread of its own: this
 * thread uses only the listening socket, never an accepted one. */
static void *lwst_accept_main(void *arg)
{
  lwst_listener *l = (lwst_listener *)arg;
  for (;;) {
    pthread_t t;
    lwst_pair *p;
    int fd = lwip_accept(l->fd, NULL, NULL);
    if (fd < 0) continue;
    p = (lwst_pair *)LWST_ALLOC(sizeof *p);
    if (!p) abort();
    p->lw = fd;
    p->host = -1;
    p->port = l->port;
    p->up = p->down = LWST_OPEN;
    if (pthread_create(&t, NULL, lwst_pair_main, p) != 0) abort();
    pthread_detach(t);
  }
  return NULL;
}

static void lwst_listen(int port, int v6)
{
  static lwst_listener ls[32];
  static int n;
  struct sockaddr_storage ss;
  pthread_t t;
  lwst_listener *l = &ls[n++];
  memset(&ss, 0, sizeof ss);
  if (v6) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)port);
    s6->sin6_addr.s6_addr[15] = 1;
  } else {
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)port);
    s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  }
  l->port = port;
  l->fd = lwip_socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (l->fd < 0 || lwip_bind(l->fd, (struct sockaddr *)&ss, v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) != 0 ||
      lwip_listen(l->fd, 16) != 0) {
    fprintf(stderr, "lwip: cannot listen on port %d\n", port);
    abort();
  }
  if (pthread_create(&t, NULL, lwst_accept_main, l) != 0) abort();
  pthread_detach(t);
}

/* The mock server on the system's 127.0.0.1:port, inside lwIP at
 * 127.0.0.1:port (and at [::1]:port when v6). */
static void lwst_relay(int port, int v6)
{
  lwst_listen(port, 0);
  if (v6) lwst_listen(port, 1);
}

#endif /* LWIP_STACK_H */

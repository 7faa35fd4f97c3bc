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
typedef struct lwst_pair {
  int lw, host, port;
  volatile int server_reset, h_done;
} lwst_pair;

static int lwst_send_all(int lwip, int fd, const char *p, size_t n)
{
  while (n) {
    ssize_t w = lwip ? lwip_send(fd, p, n, 0) : send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* A reset (RST) of an lwIP connection: lwIP's sockets close with FIN even
 * under SO_LINGER 0 once all data is acknowledged, so the PCB is aborted. */
static void lwst_abort(int fd)
{
  struct lwip_sock *s = lwip_socket_dbg_get_socket(fd);
  LOCK_TCPIP_CORE();
  if (s && s->conn && s->conn->pcb.tcp) tcp_abort(s->conn->pcb.tcp);
  UNLOCK_TCPIP_CORE();
}

/* The server's bytes into lwIP, its FIN as a FIN, its RST as a reset. */
static void *lwst_host_to_lwip(void *arg)
{
  lwst_pair *p = (lwst_pair *)arg;
  char buf[16384];
  for (;;) {
    ssize_t n = recv(p->host, buf, sizeof buf, 0);
    if (n > 0 && lwst_send_all(1, p->lw, buf, (size_t)n) == 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) lwip_shutdown(p->lw, SHUT_WR);
    else if (n < 0) p->server_reset = 1;
    break;
  }
  p->h_done = 1;
  return NULL;
}

/* The client's bytes to the server (this thread), and back (another). */
static void *lwst_pair_main(void *arg)
{
  lwst_pair *p = (lwst_pair *)arg;
  struct sockaddr_in sa;
  struct timeval tv = { 0, 20000 };
  pthread_t h;
  int one = 1, client_fin = 0;
  char buf[16384];
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)p->port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  p->host = socket(AF_INET, SOCK_STREAM, 0);
  if (p->host < 0 || connect(p->host, (struct sockaddr *)&sa, sizeof sa) != 0) {
    lwst_abort(p->lw);
    goto done;
  }
  setsockopt(p->host, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  lwip_setsockopt(p->lw, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  lwip_setsockopt(p->lw, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (pthread_create(&h, NULL, lwst_host_to_lwip, p) != 0) abort();
  for (;;) {
    ssize_t n = lwip_recv(p->lw, buf, sizeof buf, 0);
    if (n > 0 && lwst_send_all(0, p->host, buf, (size_t)n) == 0) continue;
    if (n < 0 && (errno == EWOULDBLOCK || errno == EAGAIN || errno == EINTR) && !p->server_reset) continue;
    client_fin = n == 0;
    break;
  }
  if (client_fin) shutdown(p->host, SHUT_WR); /* the server closes in turn */
  else if (!p->server_reset) { /* the client reset: so does the relay */
    struct linger lg = { 1, 0 };
    setsockopt(p->host, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    shutdown(p->host, SHUT_RDWR);
  }
  pthread_join(h, NULL);
  if (p->server_reset) lwst_abort(p->lw);
done:
  lwip_close(p->lw);
  if (p->host >= 0) close(p->host);
  LWST_FREE(p);
  return NULL;
}

typedef struct lwst_listener {
  int fd, port;
} lwst_listener;

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

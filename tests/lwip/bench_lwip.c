/* Figures of the client over lwIP (examples/lwip/) beside POSIX, against the
 * mock Odeus server over TLS, lwIP's stack in this process
 * (tests/lwip/lwip_stack.h). Run by tests/lwip/bench.sh:
 *
 *   bench_lwip PORT N ROUNDS
 *
 * 1. Peak RAM of one apply over lwIP, on a new connection (a full
 *    handshake), resumed, and kept alive: mbedTLS' heap (its calloc and
 *    free, counted by linking it statically with -Wl,--wrap); the stack of
 *    the thread that applies (painted before, its high-water mark after:
 *    the client, mbedTLS and lwIP's socket calls, on this machine); lwIP's
 *    memory (Debian's liblwip takes its pools and pbufs from the heap,
 *    MEMP_MEM_MALLOC: mem_malloc and mem_free counted by interposing them),
 *    which holds both ends of the loopback connection.
 * 2. The time of an apply on a new connection, a resumed one and a
 *    kept-alive one, over lwIP and over POSIX: N applies each, in ROUNDS
 *    interleaved rounds, the median round's mean (ms per apply). */
#define _POSIX_C_SOURCE 200809L
#define ODEUS_AUTH_IMPLEMENTATION
#define ODEUS_AUTH_MBEDTLS
#include "odeus_auth.h"
#undef TCP_MSS
#include "odeus_lwip.h"

/* ---- mbedTLS' heap ---------------------------------------------------------- */
#include "heap_count.h"
#include "mock_request.h"
#define LWST_ALLOC(n) __real_calloc(1, (n))
#define LWST_FREE(p) __real_free(p)
#include "lwip_stack.h"
#include <time.h>
#define HEADER 16

/* ---- lwIP's memory: mem_malloc and its kin, interposed --------------------- */
static pthread_mutex_t lw_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t lw_live, lw_peak;

void *mem_malloc(mem_size_t size)
{
  unsigned char *p = (unsigned char *)malloc((size_t)size + HEADER);
  size_t bytes = size;
  if (!p) return NULL;
  memcpy(p, &bytes, sizeof bytes);
  pthread_mutex_lock(&lw_lock);
  lw_live += bytes;
  if (lw_live > lw_peak) lw_peak = lw_live;
  pthread_mutex_unlock(&lw_lock);
  return p + HEADER;
}

void *mem_calloc(mem_size_t count, mem_size_t size)
{
  void *p = mem_malloc((mem_size_t)(count * size));
  if (p) memset(p, 0, (size_t)count * size);
  return p;
}

void *mem_trim(void *mem, mem_size_t size)
{
  (void)size;
  return mem;
}

void mem_free(void *q)
{
  unsigned char *p;
  size_t bytes;
  if (!q) return;
  p = (unsigned char *)q - HEADER;
  memcpy(&bytes, p, sizeof bytes);
  pthread_mutex_lock(&lw_lock);
  lw_live -= bytes;
  pthread_mutex_unlock(&lw_lock);
  __real_free(p); /* from malloc: the system's free */
}

/* ---- the request --------------------------------------------------------- */
static odeus_config cfg;
static odeus_request req;
static odeus_answer_field fields[4];
static char strings[2048];
static odeus_answer answer;
static char base[64];
static odeus_lwip lwip_conn;
static odeus_net lwip_net;

static int resolve(void *ctx, const char *host, ip_addr_t *addr)
{
  (void)ctx;
  if (strcmp(host, "localhost") != 0) return -1;
  IP_ADDR4(addr, 127, 0, 0, 1);
  return 0;
}

static void die(const char *what)
{
  fprintf(stderr, "bench_lwip: %s\n", what);
  exit(1);
}

static void client_init(odeus_client *c, int over_lwip, int keep_alive, int resumption)
{
  odeus_client_options o;
  memset(&o, 0, sizeof o);
  o.ca_file = "tests/certs/ca.pem";
  o.no_keep_alive = !keep_alive;
  o.no_resumption = !resumption;
  if (over_lwip) {
    memset(&lwip_conn, 0, sizeof lwip_conn);
    lwip_conn.resolve = resolve;
    odeus_lwip_net(&lwip_conn, &lwip_net);
    o.net = &lwip_net;
  }
  if (odeus_client_init(c, &o) != ODEUS_OK) die("cannot set up the client");
}

static void apply_checked(odeus_client *c)
{
  memset(&answer, 0, sizeof answer);
  answer.fields = fields;
  answer.field_capacity = 4;
  answer.strings = strings;
  answer.strings_capacity = sizeof strings;
  if (odeus_client_apply(c, &req, &answer) != ODEUS_OK || c->status != 200 || answer.field_count != 1)
    die("an apply did not answer 200 with the integration");
}

/* ---- 1. peak RAM ------------------------------------------------------------ */
#define STACK_SIZE (512 * 1024)
#define PAINT 0xA5

typedef struct job {
  odeus_client *c;
  int kind; /* 0 new connection, 1 resumed, 2 kept alive */
  size_t tls, lwip;
} job;

static void *job_main(void *arg)
{
  job *j = (job *)arg;
  heap_peak = heap_live;
  pthread_mutex_lock(&lw_lock);
  lw_peak = lw_live;
  pthread_mutex_unlock(&lw_lock);
  apply_checked(j->c);
  j->tls = heap_peak;
  j->lwip = lw_peak;
  return NULL;
}

/* Runs one apply on a thread of its own stack, painted: its high-water mark. */
static size_t run_painted(job *j)
{
  static unsigned char *stack;
  pthread_attr_t attr;
  pthread_t t;
  size_t i;
  if (!stack && posix_memalign((void **)&stack, 4096, STACK_SIZE) != 0) die("no memory");
  memset(stack, PAINT, STACK_SIZE);
  pthread_attr_init(&attr);
  pthread_attr_setstack(&attr, stack, STACK_SIZE);
  if (pthread_create(&t, &attr, job_main, j) != 0) die("cannot start a thread");
  pthread_join(t, NULL);
  pthread_attr_destroy(&attr);
  for (i = 0; i < STACK_SIZE && stack[i] == PAINT; i++) {
  }
  return STACK_SIZE - i;
}

static void peak_ram(void)
{
  static const char *const what[] = { "new connection (full handshake)", "resumed", "kept alive" };
  static odeus_client c;
  job j;
  size_t stack;
  int k;
  client_init(&c, 1, 1, 1);
  for (k = 0; k < 3; k++) {
    if (k == 1) odeus_client_close(&c);
    j.c = &c;
    j.kind = k;
    stack = run_painted(&j);
    if (k == 1 && !c.resumed) die("the second apply did not resume");
    if (k == 2 && !c.reused) die("the third apply did not reuse the connection");
    printf("lwip: peak RAM of one apply over lwIP, %s: mbedTLS heap %lu bytes (%lu of them held by the "
           "client after it), stack %lu bytes, lwIP %lu bytes\n",
           what[k], (unsigned long)j.tls, (unsigned long)heap_live, (unsigned long)stack, (unsigned long)j.lwip);
  }
  odeus_client_free(&c);
  printf("lwip: (stack: the applying thread's high-water mark on x86-64, the client with mbedTLS and lwIP's "
         "socket calls; lwIP: its heap, both ends of the loopback connection, pools from the heap as Debian "
         "configures it)\n");
}

/* ---- 2. time ----------------------------------------------------------------- */
static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* N applies of one kind: the mean in ms. */
static double timed(int over_lwip, int kind, int n)
{
  static odeus_client c;
  double t0, t;
  int i;
  client_init(&c, over_lwip, kind == 2, kind != 0);
  if (kind != 0) apply_checked(&c); /* a session to resume, a connection to keep */
  t0 = now_ms();
  for (i = 0; i < n; i++) {
    if (kind == 1) odeus_client_close(&c);
    apply_checked(&c);
  }
  t = now_ms() - t0;
  if (kind == 1 && c.resumptions < (unsigned long)n) die("an apply did not resume");
  if (kind == 2 && c.connections != 1) die("an apply did not keep the connection");
  odeus_client_free(&c);
  return t / n;
}

static int cmp(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
  static const char *const kinds[] = { "new connection", "resumed", "kept alive" };
  double t[3][2][64];
  int n, rounds, r, k, net;
  if (argc < 4) die("usage: bench_lwip PORT N ROUNDS");
  n = atoi(argv[2]);
  rounds = atoi(argv[3]);
  if (n < 1 || rounds < 1 || rounds > 64) die("bad N or ROUNDS");
  mock_request(&cfg, &req, base, argv[1]);
  lwst_start();
  lwst_relay(atoi(argv[1]), 0);
  peak_ram();
  for (r = 0; r < rounds; r++)
    for (k = 0; k < 3; k++)
      for (net = 1; net >= 0; net--) t[k][net][r] = timed(net, k, n);
  for (k = 0; k < 3; k++) {
    for (net = 0; net < 2; net++) qsort(t[k][net], (size_t)rounds, sizeof t[k][net][0], cmp);
    printf("lwip: apply, %-14s over lwIP %6.2f ms, over POSIX %6.2f ms (median of %d rounds of %d)\n", kinds[k],
           t[k][1][rounds / 2], t[k][0][rounds / 2], rounds, n);
  }
  printf("lwip: (over lwIP, the bytes also cross the relay into the mock server's process: "
         "tests/lwip/lwip_stack.h)\n");
  return 0;
}

/* ===========================================================================
 * ONE EXCHANGE over odeus_io, and the retry policy
 * ========================================================================= */

/* The exchange's steps. */
enum {
  OA_X_IDLE = 0,        /* not begun, or ended */
  OA_X_SEND,            /* the request goes out through the window */
  OA_X_RECV,            /* the answer comes in through the window */
  OA_X_OVER             /* result holds the outcome */
};

/* The most one send or recv is offered, so that the int a BIO returns can
 * always count it. */
#define OA_X_IO_MAX ((size_t)0x40000000)

/* Every way out of an exchange passes here: the window held the request, so
 * it is wiped on every path. */
static odeus_result oa_x_over(odeus_exchange *x, odeus_result r)
{
  if (x->window) odeus_wipe(x->window, x->window_size);
  x->win_len = x->win_pos = 0;
  x->state = OA_X_OVER;
  x->result = r;
  return r;
}

/* The answer reader needs the status, known only once the head is read. */
static void oa_x_start_reader(odeus_exchange *x)
{
  if (x->reader_started) return;
  odeus_answer_begin(&x->reader, x->answer, x->http.status);
  x->reader_started = 1;
}

static int oa_x_on_body(void *ctx, const char *data, size_t len)
{
  odeus_exchange *x = (odeus_exchange *)ctx;
  oa_x_start_reader(x);
  return (int)odeus_answer_feed(&x->reader, data, len);
}

/* The whole answer was read: what it means. */
static odeus_result oa_x_answer_result(odeus_exchange *x)
{
  if (!x->answer) return odeus_status_result(x->http.status);
  oa_x_start_reader(x);
  return odeus_answer_finish(&x->reader, x->http.reason);
}

/* A negative or zero count from send/recv. */
static odeus_result oa_x_io_failure(odeus_exchange *x, int n)
{
  if (n == ODEUS_IO_WANT_READ) return ODEUS_WANT_READ;
  if (n == ODEUS_IO_WANT_WRITE) return ODEUS_WANT_WRITE;
  if (n == 0) return oa_x_over(x, ODEUS_ERR_CLOSED);
  x->io_error = n;
  return oa_x_over(x, ODEUS_ERR_IO);
}

/* The peer closed while we were reading. Before any byte of an answer that
 * is ODEUS_ERR_CLOSED (a kept-alive connection the server dropped, say);
 * after, the parser decides: a body read until close is complete, anything
 * else is truncated. */
static odeus_result oa_x_peer_closed(odeus_exchange *x)
{
  odeus_result r;
  if (x->received == 0) return ODEUS_ERR_CLOSED;
  r = odeus_http_finish(&x->http);
  if (r != ODEUS_OK) return r;
  return oa_x_answer_result(x);
}

/* One send: refills the window when it was all sent; a short write keeps
 * the rest for the next call. */
static odeus_result oa_x_send_step(odeus_exchange *x, const odeus_io *io)
{
  size_t left;
  int n;
  if (x->win_pos == x->win_len) {
    x->win_len = odeus_request_next(&x->out, (char *)x->window, x->window_size);
    x->win_pos = 0;
    if (x->win_len == 0) {
      odeus_wipe(x->window, x->window_size); /* the request is out: no key stays */
      x->state = OA_X_RECV;
      return ODEUS_OK;
    }
  }
  left = OA_MIN(x->win_len - x->win_pos, OA_X_IO_MAX);
  n = io->send(io->ctx, x->window + x->win_pos, left);
  if (n <= 0) return oa_x_io_failure(x, n);
  if ((size_t)n > left) return oa_x_over(x, ODEUS_ERR_IO); /* an io that claims too much */
  x->win_pos += (size_t)n;
  return ODEUS_OK;
}

/* One recv, fed to the parser (whose on_body feeds the answer reader). */
static odeus_result oa_x_recv_step(odeus_exchange *x, const odeus_io *io)
{
  size_t cap = OA_MIN(x->window_size, OA_X_IO_MAX), used = 0;
  odeus_result r;
  int n = io->recv(io->ctx, x->window, cap);
  if (n == 0) return oa_x_over(x, oa_x_peer_closed(x));
  if (n < 0) return oa_x_io_failure(x, n);
  if ((size_t)n > cap) return oa_x_over(x, ODEUS_ERR_IO);
  x->received += (uint64_t)n;
  r = odeus_http_feed(&x->http, (const char *)x->window, (size_t)n, &used);
  if (r != ODEUS_OK) return oa_x_over(x, r);
  if (!x->http.done) return ODEUS_OK;
  x->leftover = (size_t)n - used;
  return oa_x_over(x, oa_x_answer_result(x));
}

ODEUS_API odeus_result odeus_exchange_begin(odeus_exchange *x, const odeus_request *req,
                                            odeus_answer *answer, unsigned char *window,
                                            size_t window_size)
{
  odeus_result r;
  if (!x) return ODEUS_ERR_ARGUMENT;
  memset(x, 0, sizeof *x);
  if (!window || !window_size) return oa_x_over(x, ODEUS_ERR_ARGUMENT);
  x->window = window;
  x->window_size = window_size;
  r = odeus_request_begin(&x->out, req);
  if (r != ODEUS_OK) return oa_x_over(x, r);
  x->answer = answer;
  odeus_http_init(&x->http, answer ? oa_x_on_body : NULL, x);
  x->http.body_max = ODEUS_EXCHANGE_BODY_MAX;
  x->result = ODEUS_ERR_STATE;
  x->state = OA_X_SEND;
  return ODEUS_OK;
}

ODEUS_API odeus_result odeus_exchange_run(odeus_exchange *x, const odeus_io *io)
{
  odeus_result r = ODEUS_OK;
  if (!x) return ODEUS_ERR_ARGUMENT;
  if (x->state == OA_X_OVER) return x->result;
  if (x->state == OA_X_IDLE) return ODEUS_ERR_STATE;
  if (!io || !io->send || !io->recv) return ODEUS_ERR_ARGUMENT;
  while (r == ODEUS_OK && x->state == OA_X_SEND) r = oa_x_send_step(x, io);
  while (r == ODEUS_OK && x->state == OA_X_RECV) r = oa_x_recv_step(x, io);
  return r;
}

ODEUS_API int odeus_exchange_reusable(const odeus_exchange *x)
{
  return x && x->state == OA_X_OVER && x->http.done && x->http.keep_alive &&
         x->leftover == 0 && x->io_error == 0;
}

ODEUS_API void odeus_exchange_end(odeus_exchange *x)
{
  if (!x) return;
  if (x->window) odeus_wipe(x->window, x->window_size);
  x->win_len = x->win_pos = 0;
  x->state = OA_X_IDLE;
}

/* ---- retries ---------------------------------------------------------------- */
static odeus_retry_policy oa_retry_defaults(const odeus_retry_policy *given)
{
  odeus_retry_policy p;
  if (given) p = *given;
  else memset(&p, 0, sizeof p);
  if (!p.attempts) p.attempts = ODEUS_RETRY_DEFAULT_ATTEMPTS;
  if (!p.base_ms) p.base_ms = ODEUS_RETRY_DEFAULT_BASE_MS;
  if (!p.cap_ms) p.cap_ms = ODEUS_RETRY_DEFAULT_CAP_MS;
  if (!p.retry_after_max_ms) p.retry_after_max_ms = ODEUS_RETRY_DEFAULT_AFTER_MAX_MS;
  return p;
}

ODEUS_API odeus_outcome odeus_outcome_of(const odeus_exchange *x, odeus_result r)
{
  odeus_outcome o;
  memset(&o, 0, sizeof o);
  o.result = r;
  if (x && x->http.head_done) {
    o.status = x->http.status;
    o.retry_kind = x->http.retry_kind;
    o.retry_value = x->http.retry_value;
  }
  return o;
}

/* Statuses that say "not now" rather than "not this": the same request may
 * well succeed later. */
static int oa_retry_status(int status)
{
  return status == 408 || status == 429 || status == 502 || status == 503 || status == 504;
}

/* A status counts only when the attempt ended on it: a 503 whose answer
 * broke the HTTP rules ended in that error, and that is not retried. */
static int oa_retry_worth(const odeus_outcome *o)
{
  if (o->result == ODEUS_ERR_CONNECT) return 1;
  if (o->result != ODEUS_ERR_STATUS_429 && o->result != ODEUS_ERR_STATUS_5XX &&
      o->result != ODEUS_ERR_STATUS_OTHER)
    return 0;
  return oa_retry_status(o->status);
}

/* What a Retry-After asks for: 1 with the wait in *ms when it is honoured,
 * 0 when there is none to use, -1 when it is longer than we may wait. */
static int oa_retry_after(const odeus_retry_policy *p, const odeus_outcome *o, uint64_t *ms)
{
  uint64_t at, now;
  switch (o->retry_kind) {
  case ODEUS_RETRY_SECONDS:
    *ms = o->retry_value * 1000u; /* value <= 2^32-1: no overflow */
    break;
  case ODEUS_RETRY_DATE:
    if (!p->clock) return 0;
    at = o->retry_value * 1000u;
    now = p->clock(p->ctx);
    *ms = at > now ? at - now : 0;
    break;
  case ODEUS_RETRY_TOO_LARGE:
    return -1;
  default:
    return 0;
  }
  return *ms <= p->retry_after_max_ms ? 1 : -1;
}

/* Full jitter: uniform in [0, min(cap, base * 2^(attempt - 1))]. */
static uint32_t oa_retry_backoff(const odeus_retry_policy *p, unsigned attempt)
{
  uint64_t bound = p->base_ms;
  unsigned i;
  for (i = 1; i < attempt && bound < p->cap_ms; i++) bound *= 2;
  if (bound > p->cap_ms) bound = p->cap_ms;
  if (!p->random) return (uint32_t)bound;
  return (uint32_t)(((uint64_t)p->random(p->ctx) * (bound + 1)) >> 32);
}

ODEUS_API int odeus_retry_decide(const odeus_retry_policy *policy, unsigned attempt,
                                 const odeus_outcome *o, uint32_t *delay_ms)
{
  odeus_retry_policy p = oa_retry_defaults(policy);
  uint64_t wait = 0;
  int after;
  if (delay_ms) *delay_ms = 0;
  if (!o || !delay_ms || attempt == 0 || attempt >= p.attempts || !oa_retry_worth(o)) return 0;
  after = o->status ? oa_retry_after(&p, o, &wait) : 0;
  if (after < 0) return 0;
  *delay_ms = after ? (uint32_t)wait : oa_retry_backoff(&p, attempt);
  return 1;
}

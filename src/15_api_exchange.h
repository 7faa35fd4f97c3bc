/* ---- I/O and one exchange -------------------------------------------------
 * send/recv follow mbedTLS' BIO contract: a positive count, 0 when closed,
 * ODEUS_IO_WANT_READ / ODEUS_IO_WANT_WRITE (mbedTLS' values, so
 * mbedtls_ssl_read/write plug in unchanged) or another negative error.
 * Any network plugs in: lwIP, an RTOS socket layer, a modem, or the bundled
 * POSIX + mbedTLS transport (odeus_client, under ODEUS_AUTH_MBEDTLS). */
#define ODEUS_IO_WANT_READ  (-0x6900)
#define ODEUS_IO_WANT_WRITE (-0x6880)

/* Default bound of an answer's body in bytes; an exchange may change it in
 * x->http.body_max after odeus_exchange_begin. (1 MiB) */
#ifndef ODEUS_EXCHANGE_BODY_MAX
#define ODEUS_EXCHANGE_BODY_MAX 1048576u
#endif

typedef struct odeus_io {
  int (*send)(void *ctx, const unsigned char *buf, size_t len);
  int (*recv)(void *ctx, unsigned char *buf, size_t len);
  void *ctx;
} odeus_io;

/* One request and its answer over an odeus_io, through one window:
 *
 *   odeus_exchange x;
 *   r = odeus_exchange_begin(&x, &req, &answer, window, sizeof window);
 *   if (r == ODEUS_OK)
 *     do r = odeus_exchange_run(&x, &io);           (wait for the socket
 *     while (r == ODEUS_WANT_READ || r == ODEUS_WANT_WRITE);  between calls)
 *   odeus_exchange_end(&x);                        (always: it wipes)
 *
 * The window carries the request out (it is refilled from the request
 * stream; a short write keeps the rest of the window for the next send),
 * then the answer in. Because the request holds the API key and any
 * clientSecret, the window is wiped as soon as the last request byte is
 * sent, on every failure, and by odeus_exchange_end.
 *
 * Once the exchange is over, the fields below tell what the retry policy
 * and a keep-alive connection need: http.status (0 when no answer head was
 * read), http.retry_kind / http.retry_value (Retry-After), the bytes
 * received and leftover, and odeus_exchange_reusable(). */
typedef struct odeus_exchange {
  odeus_request_stream out;
  odeus_http http;
  odeus_answer_reader reader;
  odeus_answer *answer;         /* NULL: the answer body is skipped */
  unsigned char *window; size_t window_size;
  uint64_t received;            /* bytes received, answer and leftover */
  size_t leftover;              /* bytes read past the end of the answer: a
                                   peer that sent more than one answer */
  int io_error;                 /* the last negative value from send/recv that
                                   was not want-read/want-write, else 0 */
  odeus_result result;          /* the outcome, once the exchange is over */
  /* private */
  size_t win_len, win_pos;      /* request bytes in the window, sent so far */
  unsigned state;
  int reader_started;
} odeus_exchange;

/* Prepares one exchange: validates and measures the request. window (>= 1
 * byte; 256 is plenty) carries the request out and the answer in. answer
 * may be NULL: then only the status counts. */
ODEUS_API odeus_result odeus_exchange_begin(odeus_exchange *x, const odeus_request *req,
                                            odeus_answer *answer, unsigned char *window,
                                            size_t window_size);
/* Runs until done: ODEUS_OK for a 200 answer mapped into the answer; for
 * another status its result code (ODEUS_ERR_STATUS_*) with answer->message;
 * ODEUS_WANT_READ / ODEUS_WANT_WRITE from a non-blocking io: call again with
 * the same io to resume exactly there. Failures: ODEUS_ERR_IO (io_error
 * holds the value), ODEUS_ERR_CLOSED (the peer closed before any byte of an
 * answer), ODEUS_ERR_HTTP_* (ODEUS_ERR_HTTP_TRUNCATED: closed during the
 * answer), or the answer reader's error on a 200. Once over, every call
 * returns the same result. */
ODEUS_API odeus_result odeus_exchange_run(odeus_exchange *x, const odeus_io *io);
/* 1 when the exchange is over with a whole answer and the connection may
 * carry the next request: the answer allows keep-alive and nothing was read
 * past its end. */
ODEUS_API int odeus_exchange_reusable(const odeus_exchange *x);
/* Wipes the exchange's own buffers (the window held the API key). Safe to
 * call on every path, after a failed begin too, and twice. */
ODEUS_API void odeus_exchange_end(odeus_exchange *x);

/* ---- retries -----------------------------------------------------------------
 * Which outcomes are worth another attempt, and how long to wait first.
 *
 * Retried: HTTP 429, 408, 502, 503 and 504, and a connect that failed
 * (ODEUS_ERR_CONNECT). Never anything else: not 400, 401, 403 or 404 (the
 * same request would fail again), not 500, not a timeout, a TLS, certificate
 * or protocol error. The same request sent twice leaves the same state, so
 * a retry is safe.
 *
 * The wait: a Retry-After given in seconds, or as a date (converted with
 * clock), is honoured exactly when it is at most retry_after_max_ms; a
 * longer one ends the retries (retrying sooner than the server asked would
 * only earn another 429). Otherwise exponential backoff with full jitter:
 * random in [0, min(cap_ms, base_ms * 2^(attempt - 1))] after attempt
 * number `attempt` (1 for the first), computed as
 * (random() * (bound + 1)) >> 32 with a 32-bit random().
 *
 * Clock, sleep and randomness come from the caller (firmware has its own);
 * ctx is passed to each. In the core: clock NULL treats a Retry-After date
 * as absent; random NULL waits the whole bound (no jitter); sleep is not
 * used (the caller's loop sleeps). The bundled transport supplies POSIX
 * defaults for each one left NULL. */
typedef uint64_t (*odeus_clock_fn)(void *ctx);            /* ms since 1970 (UTC) */
typedef void (*odeus_sleep_fn)(void *ctx, uint32_t ms);
typedef uint32_t (*odeus_random_fn)(void *ctx);           /* uniform 32 bits */

typedef struct odeus_retry_policy {
  unsigned attempts;            /* attempts in all, the first included (3);
                                   1 never retries */
  uint32_t base_ms;             /* backoff bound of the first retry (500) */
  uint32_t cap_ms;              /* bound of any backoff (30000) */
  uint32_t retry_after_max_ms;  /* longest Retry-After honoured (60000) */
  odeus_clock_fn clock;
  odeus_sleep_fn sleep;
  odeus_random_fn random;
  void *ctx;
} odeus_retry_policy;

#define ODEUS_RETRY_DEFAULT_ATTEMPTS 3u
#define ODEUS_RETRY_DEFAULT_BASE_MS 500u
#define ODEUS_RETRY_DEFAULT_CAP_MS 30000u
#define ODEUS_RETRY_DEFAULT_AFTER_MAX_MS 60000u

/* What one attempt ended in: the facts the decision needs. */
typedef struct odeus_outcome {
  odeus_result result;          /* the attempt's result */
  int status;                   /* HTTP status, 0 when no answer head was read */
  odeus_retry_kind retry_kind;  /* the answer's Retry-After */
  uint64_t retry_value;
} odeus_outcome;

/* The outcome of an exchange that ended in r (status and Retry-After from
 * its answer head, when one was read). x may be NULL (no exchange: a
 * failed connect, say). */
ODEUS_API odeus_outcome odeus_outcome_of(const odeus_exchange *x, odeus_result r);
/* After attempt number `attempt` (1 for the first) ended in *o: 1 with the
 * wait in *delay_ms when another attempt should follow, else 0 (and
 * *delay_ms = 0). policy may be NULL: every default. */
ODEUS_API int odeus_retry_decide(const odeus_retry_policy *policy, unsigned attempt,
                                 const odeus_outcome *o, uint32_t *delay_ms);

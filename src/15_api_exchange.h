/* ---- I/O and one exchange -------------------------------------------------
 * send/recv follow mbedTLS' BIO contract: a positive count, 0 when closed,
 * ODEUS_IO_WANT_READ / ODEUS_IO_WANT_WRITE (mbedTLS' values, so
 * mbedtls_ssl_read/write plug in unchanged) or another negative error. */
#define ODEUS_IO_WANT_READ  (-0x6900)
#define ODEUS_IO_WANT_WRITE (-0x6880)

typedef struct odeus_io {
  int (*send)(void *ctx, const unsigned char *buf, size_t len);
  int (*recv)(void *ctx, unsigned char *buf, size_t len);
  void *ctx;
} odeus_io;

typedef struct odeus_exchange {
  odeus_request_stream out;
  odeus_http http;
  odeus_answer_reader reader;
  odeus_answer *answer;
  unsigned char *window; size_t window_size;
  size_t win_len, win_pos;      /* private: bytes in the window, sent so far */
  unsigned state;
  int io_error;                 /* the last negative value from send/recv */
} odeus_exchange;

/* Prepares one exchange: validates and measures the request. window (>= 1
 * byte; 256 is plenty) carries the request out and the answer in. */
ODEUS_API odeus_result odeus_exchange_begin(odeus_exchange *x, const odeus_request *req,
                                            odeus_answer *answer, unsigned char *window,
                                            size_t window_size);
/* Runs until done: ODEUS_OK for a 200 answer mapped into the answer, an
 * error (for another status, with answer->message), or ODEUS_WANT_READ /
 * ODEUS_WANT_WRITE from a non-blocking io: call again to resume. */
ODEUS_API odeus_result odeus_exchange_run(odeus_exchange *x, const odeus_io *io);
/* Wipes the exchange's own buffers (the window held the API key). */
ODEUS_API void odeus_exchange_end(odeus_exchange *x);


/* ---- writing an answer back as JSON -------------------------------------- */
/* The integration as one line of JSON (what `odeus-auth apply` prints). */
ODEUS_API odeus_result odeus_write_answer(const odeus_answer *a, char *buf, size_t cap, size_t *needed);


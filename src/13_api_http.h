/* ---- the HTTP/1.1 response parser -----------------------------------------
 * Fed any split of the bytes. Body bytes (de-chunked) go to on_body. */
typedef enum odeus_retry_kind {
  ODEUS_RETRY_ABSENT = 0,
  ODEUS_RETRY_SECONDS,          /* delta-seconds in value (saturated, see TOO_LARGE) */
  ODEUS_RETRY_DATE,             /* IMF-fixdate: value = seconds since 1970 */
  ODEUS_RETRY_INVALID,
  ODEUS_RETRY_TOO_LARGE,        /* a number past 2^32-1 seconds: value = UINT32_MAX */
  ODEUS_RETRY_FORCE_32BIT = 0x7fffffff
} odeus_retry_kind;

typedef int (*odeus_body_fn)(void *ctx, const char *data, size_t len);

typedef struct odeus_http {
  /* set by odeus_http_init, may be changed before the first feed */
  size_t head_max;              /* bound of status line + headers */
  uint64_t body_max;            /* bound of the body (0: none) */
  odeus_body_fn on_body; void *ctx;
  /* results, valid once head_done */
  int status;                   /* 100..999 */
  char reason[64];              /* reason phrase, NUL-terminated, cut to fit */
  int head_done;                /* the final (non-1xx) head was read */
  int done;                     /* the whole message was read */
  int chunked;
  int keep_alive;               /* the connection may be reused */
  int has_content_length;
  uint64_t content_length;
  odeus_retry_kind retry_kind;
  uint64_t retry_value;
  uint64_t body_read;           /* body bytes delivered */
  /* private */
  unsigned state, hdr, sub, flags;
  size_t head_len;
  uint64_t num;
  unsigned vlen;
  char val[40];
} odeus_http;

ODEUS_API void odeus_http_init(odeus_http *p, odeus_body_fn on_body, void *ctx);
/* Consumes bytes up to the end of the message: *used (may be NULL) tells how
 * many; the rest belongs to the next response. Returns ODEUS_OK (more
 * needed, or done is set), an ODEUS_ERR_HTTP_* code, or what on_body
 * returned when nonzero. */
ODEUS_API odeus_result odeus_http_feed(odeus_http *p, const char *data, size_t len, size_t *used);
/* The peer closed: completes a body read until close, else
 * ODEUS_ERR_HTTP_TRUNCATED unless done. */
ODEUS_API odeus_result odeus_http_finish(odeus_http *p);


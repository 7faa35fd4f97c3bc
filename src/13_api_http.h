/* ---- the HTTP/1.1 response parser -----------------------------------------
 * Fed any split of the bytes: one byte at a time gives the same result as
 * all at once. Constant RAM (this struct); no line is ever buffered. Body
 * bytes (de-chunked) go to on_body, in as few calls as the input allows.
 *
 * Read: the status line (HTTP/1.x, a 3-digit status, the reason phrase);
 * header fields, names case-insensitive; Content-Length; chunked bodies
 * with extensions (skipped) and trailers (checked, then ignored); a body
 * read until the peer closes (odeus_http_finish). 1xx responses (101
 * too: we never ask for an upgrade) are skipped: "100 Continue" then
 * "200 OK" reads as the 200. 1xx, 204 and 304 have no body.
 *
 * Strict, each with its own code: Content-Length with Transfer-Encoding
 * (CL_AND_TE); a Transfer-Encoding other than exactly "chunked", or a second
 * one (TE); a second Content-Length, even identical (CL_DUPLICATE); one that
 * is empty or holds a non-digit, a list included (CL_INVALID), or exceeds
 * 2^64-1 (CL_OVERFLOW); a chunk size that is empty, holds a non-hex byte or
 * whitespace not followed by ';' (CHUNK_SIZE) or exceeds 2^64-1
 * (CHUNK_OVERFLOW); chunk data not followed by CRLF (CHUNK_CRLF); a line
 * starting with SP or HTAB (OBS_FOLD); CR not followed by LF (BARE_CR); NUL,
 * DEL, a bare LF or another control byte in the head, trailers or a chunk
 * line (CONTROL; HTAB is allowed in values); a field name that is not a
 * token or lacks its ':' (HEADER); anything but "HTTP/1.<digit> <100..999>
 * [reason]" as the status line (STATUS_LINE; lowercase "http" included);
 * a head longer than head_max (HEAD_TOO_LONG; the heads of skipped 1xx
 * responses count too; the trailer section, and each chunk-size line with
 * the CRLF ending the data before it, are bounded by head_max on their
 * own); a body past body_max (BODY_TOO_LARGE: for Content-Length and chunk
 * sizes as soon as they are read, else after delivering exactly body_max
 * bytes); the peer closing before the end of the message (TRUNCATED, from
 * odeus_http_finish).
 *
 * keep_alive: HTTP/1.1 keeps the connection unless "Connection: close";
 * HTTP/1.0 closes it unless "Connection: keep-alive" (and always when it
 * carries Transfer-Encoding); a body read until close never keeps it.
 *
 * Retry-After: delta-seconds (SECONDS, leading zeros allowed; past
 * 2^32-1 it is TOO_LARGE with UINT32_MAX) or an IMF-fixdate such as
 * "Sun, 06 Nov 1994 08:49:37 GMT" (DATE, value = 784111777: seconds since
 * 1970; the weekday must match the date; years before 1970 are INVALID).
 * Anything else, the obsolete RFC 850 and asctime forms and a second
 * Retry-After field included, is INVALID with value 0. */
typedef enum odeus_retry_kind {
  ODEUS_RETRY_ABSENT = 0,
  ODEUS_RETRY_SECONDS,          /* delta-seconds in value (saturated, see TOO_LARGE) */
  ODEUS_RETRY_DATE,             /* IMF-fixdate: value = seconds since 1970 */
  ODEUS_RETRY_INVALID,
  ODEUS_RETRY_TOO_LARGE,        /* a number past 2^32-1 seconds: value = UINT32_MAX */
  ODEUS_RETRY_FORCE_32BIT = 0x7fffffff
} odeus_retry_kind;

/* Receives body bytes; a nonzero return stops the parser, and that value is
 * what odeus_http_feed returns (then and on every later call). */
typedef int (*odeus_body_fn)(void *ctx, const char *data, size_t len);

typedef struct odeus_http {
  /* set by odeus_http_init, may be changed before the first feed */
  size_t head_max;              /* bound of status line + headers
                                   (ODEUS_HTTP_HEAD_MAX; 0 also means that) */
  uint64_t body_max;            /* bound of the body (0: none) */
  odeus_body_fn on_body; void *ctx;  /* on_body may be NULL: the body is skipped */
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
  size_t head_len;              /* bytes of the current head, chunk line or trailers */
  uint64_t num;                 /* chunk size or bytes left in the chunk; Retry-After seconds */
  unsigned vlen;                /* bytes in val */
  char val[40];                 /* a Retry-After date */
  int error;                    /* the first error: every later call returns it */
} odeus_http;

/* Prepares for one response. For the next response on a kept-alive
 * connection, init again and feed it the bytes the last feed left unused. */
ODEUS_API void odeus_http_init(odeus_http *p, odeus_body_fn on_body, void *ctx);
/* Consumes bytes up to the end of the message: *used (may be NULL) tells how
 * many; the rest belongs to the next response. Returns ODEUS_OK (more
 * needed, or done is set), an ODEUS_ERR_HTTP_* code, or what on_body
 * returned when nonzero. On an error, *used counts the bytes before the
 * offending one (bytes handed to on_body count as used). Once done, a feed
 * consumes nothing and returns ODEUS_OK. */
ODEUS_API odeus_result odeus_http_feed(odeus_http *p, const char *data, size_t len, size_t *used);
/* The peer closed: completes a body read until close, else
 * ODEUS_ERR_HTTP_TRUNCATED unless done. */
ODEUS_API odeus_result odeus_http_finish(odeus_http *p);

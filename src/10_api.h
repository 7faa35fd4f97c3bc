/* ===========================================================================
 * API  (declarations; always compiled)
 * ========================================================================= */
#ifndef ODEUS_AUTH_H
#define ODEUS_AUTH_H

/* The bundled transport needs POSIX, which glibc hides from a strict
 * -std=c99 build unless asked before the first system header. */
#if defined(ODEUS_AUTH_MBEDTLS) && defined(ODEUS_AUTH_IMPLEMENTATION) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <stddef.h>
#include <stdint.h>

#define ODEUS_AUTH_VERSION_MAJOR 0
#define ODEUS_AUTH_VERSION_MINOR 1
#define ODEUS_AUTH_VERSION_PATCH 0
#define ODEUS_AUTH_VERSION_STRING "0.1.0"

/* ---- configuration macros (defaults in parentheses) --------------------
 * ODEUS_API             decoration of every public function ()
 * ODEUS_AUTH_STATIC     define to make every public function static
 * ODEUS_JSON_MAX_DEPTH  nesting bound of the JSON reader, 1..64 (32)
 * ODEUS_HTTP_HEAD_MAX   default bound of a response head in bytes (8192)
 * ODEUS_DEFAULT_BASE_URL  base URL used when none is given
 *                         ("https://api.odeus.ai")
 * ODEUS_EXCHANGE_BODY_MAX default bound of an answer's body in an exchange,
 *                         in bytes (1 MiB)
 * No macro changes the layout of a public struct. */
#ifndef ODEUS_API
#  ifdef ODEUS_AUTH_STATIC
#    if defined(__GNUC__) || defined(__clang__)
#      define ODEUS_API static __attribute__((unused))
#    else
#      define ODEUS_API static
#    endif
#  else
#    define ODEUS_API
#  endif
#endif
#ifndef ODEUS_JSON_MAX_DEPTH
#define ODEUS_JSON_MAX_DEPTH 32
#endif
#ifndef ODEUS_HTTP_HEAD_MAX
#define ODEUS_HTTP_HEAD_MAX 8192
#endif
#ifndef ODEUS_DEFAULT_BASE_URL
#define ODEUS_DEFAULT_BASE_URL "https://api.odeus.ai"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- results ------------------------------------------------------------
 * One list, so the enum and its descriptions cannot drift. Values are fixed
 * and never renumbered. X(name, value, description) */
#define ODEUS_RESULT_LIST(X) \
  X(ODEUS_OK,                      0, "success") \
  X(ODEUS_ERR_ARGUMENT,           -1, "invalid argument") \
  X(ODEUS_ERR_CONFIG,             -2, "invalid config (see the problem list)") \
  X(ODEUS_ERR_ID,                 -3, "integration id is not a UUID") \
  X(ODEUS_ERR_BASE_URL,           -4, "invalid base URL") \
  X(ODEUS_ERR_API_KEY,            -5, "invalid API key (visible ASCII, no spaces)") \
  X(ODEUS_ERR_BUFFER_TOO_SMALL,   -6, "output does not fit the buffer") \
  X(ODEUS_WANT_READ,              -7, "I/O would block reading; call again") \
  X(ODEUS_WANT_WRITE,             -8, "I/O would block writing; call again") \
  X(ODEUS_ERR_STATE,              -9, "call out of sequence") \
  X(ODEUS_ERR_HTTP_STATUS_LINE,  -20, "malformed HTTP status line") \
  X(ODEUS_ERR_HTTP_HEADER,       -21, "malformed HTTP header line") \
  X(ODEUS_ERR_HTTP_HEAD_TOO_LONG,-22, "HTTP response head too long") \
  X(ODEUS_ERR_HTTP_BARE_CR,      -23, "bare CR in HTTP response") \
  X(ODEUS_ERR_HTTP_CONTROL,      -24, "NUL or control byte in HTTP head") \
  X(ODEUS_ERR_HTTP_OBS_FOLD,     -25, "obsolete header line folding") \
  X(ODEUS_ERR_HTTP_CL_AND_TE,    -26, "both Content-Length and Transfer-Encoding") \
  X(ODEUS_ERR_HTTP_TE,           -27, "unsupported Transfer-Encoding") \
  X(ODEUS_ERR_HTTP_CL_INVALID,   -28, "invalid Content-Length") \
  X(ODEUS_ERR_HTTP_CL_OVERFLOW,  -29, "Content-Length too large") \
  X(ODEUS_ERR_HTTP_CL_DUPLICATE, -30, "duplicate or conflicting Content-Length") \
  X(ODEUS_ERR_HTTP_CHUNK_SIZE,   -31, "invalid chunk size") \
  X(ODEUS_ERR_HTTP_CHUNK_OVERFLOW,-32, "chunk size too large") \
  X(ODEUS_ERR_HTTP_CHUNK_CRLF,   -33, "missing CRLF after chunk data") \
  X(ODEUS_ERR_HTTP_TRUNCATED,    -34, "connection closed before the end of the response") \
  X(ODEUS_ERR_HTTP_BODY_TOO_LARGE,-35, "response body larger than allowed") \
  X(ODEUS_ERR_JSON_SYNTAX,       -40, "invalid JSON") \
  X(ODEUS_ERR_JSON_DEPTH,        -41, "JSON nested too deeply") \
  X(ODEUS_ERR_JSON_NUMBER,       -42, "invalid JSON number") \
  X(ODEUS_ERR_JSON_ESCAPE,       -43, "invalid JSON escape") \
  X(ODEUS_ERR_JSON_CONTROL,      -44, "control character in JSON string") \
  X(ODEUS_ERR_JSON_UTF8,         -45, "invalid UTF-8 in JSON") \
  X(ODEUS_ERR_JSON_TRUNCATED,    -46, "JSON text ends early") \
  X(ODEUS_ERR_JSON_TRAILING,     -47, "data after the JSON value") \
  X(ODEUS_ERR_ANSWER_TYPE,       -50, "answer member has the wrong JSON type") \
  X(ODEUS_ERR_ANSWER_MISSING,    -51, "answer lacks a required member") \
  X(ODEUS_ERR_ANSWER_DUPLICATE,  -52, "answer repeats a member") \
  X(ODEUS_ERR_ANSWER_CUT,        -53, "answer larger than the storage given (see strings_needed)") \
  X(ODEUS_ERR_STATUS_400,        -60, "HTTP 400: invalid body or id") \
  X(ODEUS_ERR_STATUS_401,        -61, "HTTP 401: missing or invalid API key") \
  X(ODEUS_ERR_STATUS_403,        -62, "HTTP 403: no access to the integration") \
  X(ODEUS_ERR_STATUS_404,        -63, "HTTP 404: integration not found") \
  X(ODEUS_ERR_STATUS_429,        -64, "HTTP 429: rate limited") \
  X(ODEUS_ERR_STATUS_5XX,        -65, "HTTP 5xx: server error") \
  X(ODEUS_ERR_STATUS_OTHER,      -66, "unexpected HTTP status") \
  X(ODEUS_ERR_IO,                -80, "send or receive failed") \
  X(ODEUS_ERR_CLOSED,            -81, "connection closed by the peer") \
  X(ODEUS_ERR_TIMEOUT,           -82, "timed out") \
  X(ODEUS_ERR_DNS,               -83, "host name lookup failed") \
  X(ODEUS_ERR_CONNECT,           -84, "connect failed") \
  X(ODEUS_ERR_TLS,               -85, "TLS handshake failed") \
  X(ODEUS_ERR_CERT,              -86, "server certificate not trusted") \
  X(ODEUS_ERR_CA,                -87, "cannot load the trust anchors")

typedef enum odeus_result {
#define ODEUS_X_ENUM(name, value, text) name = value, /* NOLINT(bugprone-macro-parentheses): declares enumerators */
  ODEUS_RESULT_LIST(ODEUS_X_ENUM)
#undef ODEUS_X_ENUM
  ODEUS_RESULT_FORCE_32BIT = 0x7fffffff /* -fshort-enums safe */
} odeus_result;

/* A short sentence for a result; never NULL ("unknown result" if unknown). */
ODEUS_API const char *odeus_result_text(odeus_result r);

/* Overwrites n bytes in a way the optimiser cannot remove. */
ODEUS_API void odeus_wipe(void *p, size_t n);

/* ---- strings -------------------------------------------------------------
 * A string is a pointer and a length in bytes (UTF-8, no NUL needed).
 * ptr == NULL means "not set" (omitted from the body). */
typedef struct odeus_str {
  const char *ptr;
  size_t len;
} odeus_str;

/* From a C string (NULL gives "not set"). */
ODEUS_API odeus_str odeus_cstr(const char *s);
/* From a string literal, at compile time. */
#define ODEUS_LIT(s) { (s), sizeof(s) - 1 }

/* ---- the request model ---------------------------------------------------
 * Zero-initialise, then set what you need: a zero field means "not set". */
typedef enum odeus_auth_type {
  ODEUS_AUTH_UNSET = 0,         /* required: validation reports it */
  ODEUS_AUTH_NONE = 1,
  ODEUS_AUTH_API_KEY = 2,
  ODEUS_AUTH_SERVICE_ACCOUNT = 3,
  ODEUS_AUTH_OAUTH = 4,
  ODEUS_AUTH_OAUTH_DCR = 5,
  ODEUS_AUTH_UNKNOWN = 6,       /* only in answers: a type this version does not know */
  ODEUS_AUTH_FORCE_32BIT = 0x7fffffff
} odeus_auth_type;

typedef enum odeus_field_type {
  ODEUS_FIELD_UNSET = 0,        /* required: validation reports it */
  ODEUS_FIELD_TEXT = 1,
  ODEUS_FIELD_MULTI_LINE_TEXT = 2,
  ODEUS_FIELD_PASSWORD = 3,
  ODEUS_FIELD_NUMBER = 4,
  ODEUS_FIELD_EMBEDDING_MODEL = 5,
  ODEUS_FIELD_UNKNOWN = 6,      /* only in answers */
  ODEUS_FIELD_FORCE_32BIT = 0x7fffffff
} odeus_field_type;

/* An optional boolean: unset is omitted from the body. */
typedef enum odeus_bool {
  ODEUS_BOOL_UNSET = 0,
  ODEUS_BOOL_FALSE = 1,
  ODEUS_BOOL_TRUE = 2,
  ODEUS_BOOL_FORCE_32BIT = 0x7fffffff
} odeus_bool;

typedef struct odeus_auth_field {
  odeus_str slug;               /* required, 1..100 characters, unique */
  odeus_str label;              /* required, 1..100 */
  odeus_field_type type;        /* required */
  odeus_str description;        /* optional, max 500 (server default "") */
  odeus_str placeholder;        /* optional, max 200 */
  odeus_bool required;          /* optional (server default false) */
} odeus_auth_field;

typedef struct odeus_oauth_client {  /* every member optional */
  odeus_str scopes;             /* space-separated, max 2,000 */
  odeus_str auth_url;           /* absolute http(s) URL with a host; write-only */
  odeus_str token_url;          /* absolute http(s) URL with a host; write-only */
  odeus_str client_id;          /* max 500; write-only */
  odeus_str client_secret;      /* max 500; write-only; a secret: redacted in dumps */
  odeus_str label;              /* max 100 */
  odeus_str authorization_code; /* JavaScript, max 1,000 */
  odeus_str access_token_code;  /* JavaScript, max 1,000 */
  odeus_str refresh_token_code; /* JavaScript, max 1,000 */
} odeus_oauth_client;

typedef struct odeus_config {
  odeus_auth_type auth_type;            /* required */
  /* authFields: omitted when fields == NULL; otherwise sent with field_count
   * entries, so a non-NULL pointer with field_count 0 sends []. */
  const odeus_auth_field *fields;
  size_t field_count;
  odeus_str auth_test_code;             /* optional, max 1,000 */
  const odeus_oauth_client *oauth_client; /* optional; OAUTH and OAUTH_DCR only */
} odeus_config;

/* ---- validation problems ---------------------------------------------------
 * A problem names where it is (a JSON path built from keys and an index),
 * which rule it breaks, and the figures: "authFields[1].label: 101
 * characters, max 100". */
typedef enum odeus_key {
  ODEUS_KEY_NONE = 0,           /* the body itself */
  ODEUS_KEY_AUTH_TYPE, ODEUS_KEY_AUTH_FIELDS, ODEUS_KEY_AUTH_TEST_CODE,
  ODEUS_KEY_OAUTH_CLIENT,
  ODEUS_KEY_SLUG, ODEUS_KEY_LABEL, ODEUS_KEY_TYPE, ODEUS_KEY_DESCRIPTION,
  ODEUS_KEY_PLACEHOLDER, ODEUS_KEY_REQUIRED,
  ODEUS_KEY_SCOPES, ODEUS_KEY_AUTH_URL, ODEUS_KEY_TOKEN_URL,
  ODEUS_KEY_CLIENT_ID, ODEUS_KEY_CLIENT_SECRET,
  ODEUS_KEY_AUTHORIZATION_CODE, ODEUS_KEY_ACCESS_TOKEN_CODE,
  ODEUS_KEY_REFRESH_TOKEN_CODE,
  ODEUS_KEY_ID,
  ODEUS_KEY_OTHER,              /* a key this version does not know: see text */
  ODEUS_KEY_FORCE_32BIT = 0x7fffffff
} odeus_key;

/* The JSON name of a key ("authFields"); "" for NONE and OTHER. */
ODEUS_API const char *odeus_key_name(odeus_key k);

typedef enum odeus_rule {
  ODEUS_RULE_REQUIRED = 1,      /* missing */
  ODEUS_RULE_EMPTY,             /* 0 characters where 1 is the minimum */
  ODEUS_RULE_TOO_LONG,          /* actual characters > limit */
  ODEUS_RULE_UTF8,              /* invalid UTF-8 at byte offset actual */
  ODEUS_RULE_NUL,               /* U+0000 at byte offset actual */
  ODEUS_RULE_ENUM,              /* not one of the allowed values (text or actual) */
  ODEUS_RULE_DUPLICATE_SLUG,    /* same slug as authFields[actual] (text) */
  ODEUS_RULE_NOT_ALLOWED,       /* oauthClient with an auth type other than OAUTH* */
  ODEUS_RULE_URL,               /* not an absolute http(s) URL with a host */
  ODEUS_RULE_TYPE,              /* JSON body: wrong JSON type */
  ODEUS_RULE_NULL,              /* JSON body: null is not accepted */
  ODEUS_RULE_UNKNOWN_KEY,       /* JSON body: a key the API does not name (text) */
  ODEUS_RULE_DUPLICATE_KEY,     /* JSON body: the key appears twice */
  ODEUS_RULE_JSON,              /* JSON body: not JSON; actual = byte offset,
                                   limit = the odeus_result, negated */
  ODEUS_RULE_CAPACITY,          /* JSON body: more than the storage holds */
  ODEUS_RULE_FORCE_32BIT = 0x7fffffff
} odeus_rule;

#define ODEUS_NO_INDEX ((size_t)-1)

typedef struct odeus_problem {
  odeus_rule rule;
  odeus_key key;        /* top-level key, or NONE for the body itself */
  size_t index;         /* element of authFields, or ODEUS_NO_INDEX */
  odeus_key member;     /* member of the element or of oauthClient, or NONE */
  size_t limit;         /* the rule's limit (max characters, ...) */
  size_t actual;        /* the measured value (characters, byte offset, ...) */
  odeus_str text;       /* the offending text where there is one (a key, a
                           slug, an enum value); points into the caller's data */
} odeus_problem;

/* Caller-owned storage for problems. count is the total found, and may be
 * larger than capacity: only the first capacity are stored. */
typedef struct odeus_problems {
  odeus_problem *items;
  size_t capacity;
  size_t count;
} odeus_problems;

/* The JSON path of a problem, e.g. "authFields[1].slug" (snprintf contract:
 * returns the length needed; writes at most cap bytes including the NUL). */
ODEUS_API size_t odeus_problem_path(const odeus_problem *p, char *buf, size_t cap);
/* The whole line, e.g. "authFields[1].label: 101 characters, max 100". */
ODEUS_API size_t odeus_problem_format(const odeus_problem *p, char *buf, size_t cap);

/* Checks every rule of the API. Returns ODEUS_OK, or ODEUS_ERR_CONFIG with
 * every problem counted (and stored as far as problems->capacity allows).
 * problems may be NULL to only get the verdict. */
ODEUS_API odeus_result odeus_validate_config(const odeus_config *cfg, odeus_problems *problems);
/* A UUID in the 8-4-4-4-12 hexadecimal form, either case. */
ODEUS_API odeus_result odeus_validate_id(const char *id, size_t len);
/* Non-empty, visible ASCII (0x21..0x7e) only. */
ODEUS_API odeus_result odeus_validate_api_key(const char *key, size_t len);
/* Counts a string as JavaScript does (UTF-16 code units). Returns
 * ODEUS_RULE_UTF8 or ODEUS_RULE_NUL with the byte offset in *at on failure,
 * else 0 with the count in *units. */
ODEUS_API int odeus_utf16_length(const char *s, size_t len, size_t *units, size_t *at);

/* ---- connection settings ------------------------------------------------- */
typedef struct odeus_url {
  int https;            /* 1 for https, 0 for http */
  odeus_str host;       /* as written; an IPv6 literal keeps its brackets */
  uint16_t port;        /* the effective port (443 or 80 when absent) */
  int explicit_port;    /* a port that is not the scheme's default was given */
  odeus_str prefix;     /* path prefix without the trailing '/', or "" */
} odeus_url;

/* http or https; a host name, IPv4 or bracketed IPv6; optional port;
 * optional path prefix; no userinfo, query, fragment, spaces or control
 * bytes. The result points into url. */
ODEUS_API odeus_result odeus_parse_base_url(const char *url, size_t len, odeus_url *out);

/* Everything that makes one request. */
typedef struct odeus_request {
  const char *base_url;         /* NULL: ODEUS_DEFAULT_BASE_URL */
  const char *api_key;          /* required; never written to any dump */
  const char *integration_id;   /* required: a UUID */
  const odeus_config *config;   /* required */
} odeus_request;

/* ---- writers ---------------------------------------------------------------
 * snprintf-like with size_t: never write past cap, *needed (may be NULL)
 * receives the exact size of the whole output; buf may be NULL with cap 0
 * to only measure. The output is bytes, not NUL-terminated. Returns
 * ODEUS_OK, ODEUS_ERR_BUFFER_TOO_SMALL (buf holds the first cap bytes), or a
 * validation error (nothing written). */
ODEUS_API odeus_result odeus_write_body(const odeus_config *cfg, char *buf, size_t cap, size_t *needed);
ODEUS_API odeus_result odeus_write_request(const odeus_request *req, char *buf, size_t cap, size_t *needed);
/* As odeus_write_request, with the API key replaced by "[REDACTED]" and
 * clientSecret by "[REDACTED]": what the tool prints. */
ODEUS_API odeus_result odeus_write_request_redacted(const odeus_request *req, char *buf, size_t cap, size_t *needed);

/* ---- streaming the request through a small window ----------------------
 * Begin validates everything and computes the exact sizes; then each call
 * to odeus_request_next copies the next bytes into a window of any size
 * >= 1. Resumable: a caller may send part of a window and ask again from an
 * earlier offset with odeus_request_seek. */
typedef struct odeus_request_stream {
  const odeus_request *req;
  odeus_url url;
  size_t content_length;        /* bytes of the body */
  size_t total;                 /* bytes of the whole request */
  size_t offset;                /* bytes produced so far */
  size_t mark_step, mark_offset; /* private: resume point of the generator */
  size_t key_len;               /* private */
  int redact;                   /* private */
} odeus_request_stream;

ODEUS_API odeus_result odeus_request_begin(odeus_request_stream *st, const odeus_request *req);
/* Copies min(cap, remaining) bytes into window; returns the count (0 at end). */
ODEUS_API size_t odeus_request_next(odeus_request_stream *st, char *window, size_t cap);
ODEUS_API void odeus_request_seek(odeus_request_stream *st, size_t offset);

/* Push the whole request through window by callback; fn returns 0 to go on,
 * nonzero to stop (then the result is ODEUS_ERR_IO). */
typedef int (*odeus_write_fn)(void *ctx, const char *data, size_t len);
ODEUS_API odeus_result odeus_write_request_cb(const odeus_request *req, char *window, size_t cap,
                                              odeus_write_fn fn, void *ctx);

/* ---- a request body given as JSON -> the request model ------------------
 * Zero-copy where possible: strings without escapes point into json;
 * escaped ones are decoded into storage. fields receives authFields
 * (field_capacity entries). Every wrong type, unknown key, duplicate key or
 * null is a problem with its path; then the result is validated, so
 * problems holds everything wrong with the body. */
typedef struct odeus_config_storage {
  odeus_auth_field *fields;
  size_t field_capacity;
  odeus_oauth_client *oauth_client;     /* receives oauthClient */
  char *strings;                        /* decoded escaped strings */
  size_t strings_capacity;
} odeus_config_storage;

ODEUS_API odeus_result odeus_parse_config(const char *json, size_t len, odeus_config *cfg,
                                          odeus_config_storage *storage, odeus_problems *problems);


/* odeus_auth.h - v0.1.0 - configure how users authenticate to an Odeus custom
 * integration (PATCH /integrations/v1/{id}/auth) from firmware and small
 * tools. Single header, C99, no heap. MIT license (at the end of the file).
 *
 * ============================================================================
 * DO THIS
 * ============================================================================
 * In exactly one .c file:
 *
 *     #define ODEUS_AUTH_IMPLEMENTATION
 *     #define ODEUS_AUTH_MBEDTLS      (only if you want the bundled POSIX +
 *                                      mbedTLS transport; link -lmbedtls
 *                                      -lmbedx509 -lmbedcrypto)
 *     #include "odeus_auth.h"
 *
 * Everywhere else just #include "odeus_auth.h". A library that embeds this
 * header in its own code defines ODEUS_AUTH_STATIC as well: every function
 * becomes static, so two copies never clash. The implementation builds on
 * its own too: gcc -c -x c -DODEUS_AUTH_IMPLEMENTATION odeus_auth.h (the
 * -x c: without it gcc makes a precompiled header of several MB).
 *
 * ============================================================================
 * WHAT IT DOES
 * ============================================================================
 * The Update Auth Configuration endpoint sets how the users of an
 * integration connect to the external service: no auth, an API key or
 * service account (with the fields users fill in), or OAuth. This library
 *
 *   - holds that configuration in plain structs (odeus_config),
 *   - checks every rule the server would check, before a byte is sent, and
 *     reports each problem with its JSON path ("authFields[1].label: 101
 *     characters, max 100"),
 *   - writes the exact HTTP/1.1 request through a window as small as you
 *     like (256 bytes is plenty), the Content-Length known in advance,
 *   - reads the answer as it arrives, in pieces of any size, in constant
 *     RAM, with a strict HTTP/1.1 parser and a strict JSON reader,
 *   - talks to the server over any network through two callbacks with
 *     mbedTLS' BIO semantics (lwIP, an RTOS, a modem), or over the bundled
 *     mbedTLS client with certificate and host name checks on, timeouts,
 *     keep-alive, session resumption and retries.
 *
 * The API has two tiers. Most programs need only the first.
 *
 * ============================================================================
 * TIER 1: THE JOB
 * ============================================================================
 * The model (odeus_config and friends), odeus_validate_config with its
 * problems, odeus_parse_config for a body given as JSON, one exchange over
 * your odeus_io (odeus_exchange_begin / _run / _reusable / _end, and
 * odeus_retry_decide between attempts), the bundled client (odeus_client_*,
 * under ODEUS_AUTH_MBEDTLS), the texts (odeus_result_text,
 * odeus_problem_format, odeus_display_text) and
 * odeus_write_answer, which writes the integration back as JSON. The exchange
 * checks every rule before it sends and, given the request's problems, says
 * what is wrong as odeus_validate_config does: a device validates once.
 * odeus_validate_config alone checks a config nothing is sent with yet.
 *
 *     static const odeus_auth_field fields[] = {
 *       { ODEUS_LIT("api_key"), ODEUS_LIT("API Key"), ODEUS_FIELD_PASSWORD,
 *         ODEUS_LIT("Found under Settings > API"), ODEUS_LIT("sk-..."), ODEUS_BOOL_TRUE },
 *       { ODEUS_LIT("base_url"), ODEUS_LIT("Base URL"), ODEUS_FIELD_TEXT,
 *         ODEUS_LIT("Your account's API base URL"), ODEUS_LIT("https://api.example.com"),
 *         ODEUS_BOOL_FALSE }
 *     };
 *     odeus_config config = { ODEUS_AUTH_API_KEY, fields, 2, { NULL, 0 }, NULL };
 *     odeus_problem items[16];
 *     odeus_problems problems = { items, 16, 0 };  // what the check finds, if any
 *     odeus_request request = { NULL,               // https://api.odeus.ai
 *                               my_api_key,         // needs the INTEGRATION_API scope
 *                               "550e8400-e29b-41d4-a716-446655440000", &config,
 *                               &problems };
 *
 *     // Over your own network, through a 256-byte window. io: your send and
 *     // recv callbacks with mbedTLS' BIO contract (see odeus_io): a count,
 *     // 0 when closed, ODEUS_IO_WANT_READ / _WRITE to be called again later,
 *     // another negative value for an error.
 *     odeus_io io = { my_send, my_recv, &my_socket };   // send, recv, ctx
 *     odeus_answer_field got_fields[4];
 *     char strings[1024];
 *     odeus_answer answer;
 *     memset(&answer, 0, sizeof answer);     // zero, then the storage
 *     answer.fields = got_fields;
 *     answer.field_capacity = 4;
 *     answer.strings = strings;
 *     answer.strings_capacity = sizeof strings;
 *     unsigned char window[256];
 *     odeus_exchange x;
 *     odeus_result r = odeus_exchange_begin(&x, &request, &answer, window, sizeof window);
 *     if (r == ODEUS_ERR_CONFIG) {            // checked before a byte is sent
 *       char line[200];                       // "authFields[1].label: 101 characters, max 100"
 *       for (size_t i = 0; i < problems.count && i < 16; i++) {
 *         odeus_problem_format(&items[i], line, sizeof line);
 *         puts(line);
 *       }
 *     }
 *     if (r == ODEUS_OK)
 *       do r = odeus_exchange_run(&x, &io);  // the io's WANT codes come back
 *       while ((r == ODEUS_WANT_READ || r == ODEUS_WANT_WRITE) && wait_for_socket());
 *                                             // as ODEUS_WANT_READ / _WRITE
 *     odeus_exchange_end(&x);                 // wipes the window (it held the key)
 *     // r == ODEUS_OK: answer.id, answer.auth_type, answer.fields[0..] ...
 *     // else odeus_result_text(r) and answer.message say what went wrong
 *     // (show the message through odeus_display_text: it is the server's).
 *
 * The bundled client (ODEUS_AUTH_MBEDTLS) does the same over TLS with
 * retries in one call, odeus_client_apply; README.md shows it.
 *
 * ============================================================================
 * TIER 2: BRING YOUR OWN HTTP CLIENT
 * ============================================================================
 * For a program that already has an HTTP client (esp_http_client, Zephyr's
 * http_client, coreHTTP, libcurl): the request's head and body written for
 * it, and its answer read from the status and the body bytes, in pieces,
 * into the same odeus_answer with the same rules as the exchange (an error
 * body never hides its status). examples/own_http.c runs it end to end.
 *
 *     char head[512];
 *     size_t head_len, body_len;
 *     odeus_write_head(&request, head, sizeof head, &head_len);
 *       // "PATCH /integrations/v1/<id>/auth HTTP/1.1\r\nHost: ...\r\n
 *       //  Authorization: Bearer ...\r\n...Content-Length: 328\r\n\r\n":
 *       // the method, target and header lines to give your client
 *     odeus_write_body(&config, NULL, 0, &body_len);   // measure, or write it
 *     char chunk[256];                       // the body through a window
 *     odeus_write_body_to(&config, chunk, sizeof chunk, my_write, my_client);
 *
 *     odeus_answer_reader reader;            // then, once the status is known
 *     odeus_answer_begin(&reader, &answer, status);
 *     while ((n = my_read(my_client, buf, sizeof buf)) > 0)
 *       odeus_answer_feed(&reader, buf, (size_t)n);
 *     r = odeus_answer_finish(&reader, reason_phrase);  // NULL if none
 *
 * odeus_write_request_redacted writes the whole request with the secrets
 * replaced, for a log.
 *
 * ============================================================================
 * THE MODEL
 * ============================================================================
 * The library keeps pointers, never copies: the request, its config, fields
 * and strings, the key and the answer's storage must stay where they are
 * until the stream or exchange that uses them is over.
 *
 * Zero-initialise every struct, then set what you need: a zero member means
 * "not set" and is left out of the body. Strings are odeus_str (pointer and
 * length, UTF-8, need not be NUL-terminated); ODEUS_LIT("x") for literals,
 * odeus_cstr(s) for C strings. authFields is omitted when fields is NULL and
 * sent as [] when fields is non-NULL with field_count 0. Optional booleans
 * are odeus_bool (UNSET is omitted). Lengths are counted as the server
 * counts them, in UTF-16 code units: "\xc3\xa9" (e-acute) is 1, U+1F600 (an emoji) is 2.
 *
 * Keys are written in this order: authType, authFields (slug, label, type,
 * description, placeholder, required), authTestCode, oauthClient (scopes,
 * authUrl, tokenUrl, clientId, clientSecret, label, authorizationCode,
 * accessTokenCode, refreshTokenCode).
 *
 * ============================================================================
 * ERRORS
 * ============================================================================
 * Every function that can fail returns an odeus_result: ODEUS_OK (0) or a
 * negative value that never changes between versions; odeus_result_text()
 * describes it. The others (measures, predicates, odeus_wipe) say at their
 * declaration what they return.
 * There is no global error state. Validation details go into a caller-owned
 * odeus_problems (a bound and a total count: nothing is lost, nothing is
 * allocated). The library never prints, aborts or exits.
 *
 * ============================================================================
 * MEMORY, STACK, THREADS
 * ============================================================================
 * No heap: nothing here calls malloc or free, and there are no allocator
 * hooks because there is nothing to hook. Every output goes to a buffer you
 * pass with its capacity; writers follow snprintf: they never write past
 * the capacity and report the size they need (pass NULL, 0 to measure).
 * The stack use of every function is bounded (no recursion without a
 * compile-time bound; see `make size` for the figures). There is no global
 * mutable state: separate objects may be used from separate threads.
 * mbedTLS allocates on its own; README.md shows how to give it a static
 * arena.
 *
 * ============================================================================
 * SECURITY
 * ============================================================================
 * Certificates and host names are verified unless insecure mode is asked
 * for by name. The API key may only hold visible ASCII (no header
 * injection). The window that carried the request, the key and any
 * clientSecret is wiped after use on every path; dumps (the redacted
 * writer) show [REDACTED] instead. Plain http:// is used only when the base
 * URL says so. Hostile answers end in a specific error code, never in a
 * read past the data.
 */

/* ===========================================================================
 * API  (declarations; always compiled)
 * ========================================================================= */
#ifndef ODEUS_AUTH_H
#define ODEUS_AUTH_H

/* The bundled transport needs POSIX, which glibc hides from a strict
 * -std=c99 build unless asked before the first system header: asked here
 * when this header comes first (the transport checks that it worked). */
#if defined(ODEUS_AUTH_MBEDTLS) && defined(ODEUS_AUTH_IMPLEMENTATION) && !defined(_POSIX_C_SOURCE) && \
    !defined(ODEUS_AUTH_NO_POSIX)
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
  X(ODEUS_ERR_API_KEY,            -5, "missing or invalid API key (visible ASCII, no spaces)") \
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

/* Text from outside (a server's message, a file name) made safe to show on
 * a terminal or in a log, as one line: printable ASCII and valid UTF-8 as
 * they are; a backslash doubled; \n \r \t as those escapes; any other
 * control byte, DEL and a byte that is not UTF-8 as \xHH; the C1 controls
 * (U+0080..U+009F), the bidirectional marks and overrides (U+061C, U+200E,
 * U+200F, U+202A..U+202E, U+2066..U+2069) and the line and paragraph
 * separators (U+2028, U+2029) as \uXXXX. A message cannot then forge a
 * line, drive the terminal or reorder what is shown. snprintf contract:
 * returns the length needed and writes at most cap bytes, NUL included; at
 * most 4 bytes out for each byte in. */
ODEUS_API size_t odeus_display_text(const char *text, size_t len, char *buf, size_t cap);

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
  ODEUS_KEY_INTEGRATION,        /* "integration", the answer's top-level member */
  ODEUS_KEY_FORCE_32BIT = 0x7fffffff
} odeus_key;

typedef enum odeus_rule {
  ODEUS_RULE_REQUIRED = 1,      /* missing */
  ODEUS_RULE_EMPTY,             /* 0 characters where 1 is the minimum */
  ODEUS_RULE_TOO_LONG,          /* actual UTF-16 units > limit (text: the string) */
  ODEUS_RULE_UTF8,              /* invalid UTF-8 at byte offset actual */
  ODEUS_RULE_NUL,               /* U+0000 at byte offset actual */
  ODEUS_RULE_ENUM,              /* not one of the allowed values (text or actual) */
  ODEUS_RULE_DUPLICATE_SLUG,    /* same slug as authFields[actual] (text) */
  ODEUS_RULE_NOT_ALLOWED,       /* oauthClient with an auth type other than OAUTH* */
  ODEUS_RULE_URL,               /* not an absolute http(s) URL with a host (text: it) */
  ODEUS_RULE_TYPE,              /* JSON body: wrong JSON type */
  ODEUS_RULE_NULL,              /* JSON body: null is not accepted */
  ODEUS_RULE_UNKNOWN_KEY,       /* JSON body: a key the API does not name (text) */
  ODEUS_RULE_DUPLICATE_KEY,     /* JSON body: the key appears twice */
  ODEUS_RULE_JSON,              /* JSON body: not JSON; actual = byte offset,
                                   cause = the JSON reader's result */
  ODEUS_RULE_CAPACITY,          /* JSON body: more than the storage holds */
  ODEUS_RULE_LONE_SURROGATE,    /* JSON body: a \u escape of a lone surrogate,
                                   which has no UTF-8 form to send */
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
                           slug, an enum value, a string too long, a URL);
                           points into the caller's data */
  odeus_result cause;   /* ODEUS_RULE_JSON: why the text is not JSON
                           (an ODEUS_ERR_JSON_* code), else ODEUS_OK */
  int in_answer;        /* 1: the problem of an answer from the server (see
                           odeus_answer.problem): its path is inside
                           "integration"; 0: of a config */
} odeus_problem;

/* Caller-owned storage for problems. count is the total found, and may be
 * larger than capacity: only the first capacity are stored. */
typedef struct odeus_problems {
  odeus_problem *items;
  size_t capacity;
  size_t count;
} odeus_problems;

/* A problem as one line, its JSON path first: "authFields[1].label: 101
 * characters, max 100", or "... 2000 UTF-16 units (1000 characters), max
 * 1000" when characters above U+FFFF count 2 (snprintf contract: returns
 * the length needed; writes at most cap bytes including the NUL; a NULL
 * problem, or one without a rule (an answer that was not refused), gives
 * ""). A problem of an answer (in_answer) reads from inside "integration":
 * "integration.authFields[1].slug: expected a string". Safe to show as it is: what it quotes from the config
 * is escaped as odeus_display_text does, backslashes excepted (a key or
 * value shows the escapes its JSON text has). */
ODEUS_API size_t odeus_problem_format(const odeus_problem *p, char *buf, size_t cap);

/* Checks every rule of the API. Returns ODEUS_OK, or ODEUS_ERR_CONFIG with
 * every problem counted (and stored as far as problems->capacity allows),
 * or ODEUS_ERR_ARGUMENT for a NULL cfg or NULL fields with a field_count.
 * problems may be NULL to only get the verdict. */
ODEUS_API odeus_result odeus_validate_config(const odeus_config *cfg, odeus_problems *problems);
/* A UUID in the 8-4-4-4-12 hexadecimal form, either case. */
ODEUS_API odeus_result odeus_validate_id(const char *id, size_t len);
/* Non-empty, visible ASCII (0x21..0x7e) only. */
ODEUS_API odeus_result odeus_validate_api_key(const char *key, size_t len);

/* ---- connection settings ------------------------------------------------- */
typedef struct odeus_url {
  int https;            /* 1 for https, 0 for http */
  odeus_str host;       /* as written; an IPv6 literal keeps its brackets */
  uint16_t port;        /* the effective port (443 or 80 when absent) */
  int explicit_port;    /* a port that is not the scheme's default was given */
  odeus_str prefix;     /* path prefix without the trailing '/', or "" */
} odeus_url;

/* http or https; a host name, IPv4 or bracketed IPv6 (RFC 3986's
 * IPv6address, no zone id); optional port;
 * optional path prefix; no userinfo, query, fragment, spaces or control
 * bytes. The result points into url. */
ODEUS_API odeus_result odeus_parse_base_url(const char *url, size_t len, odeus_url *out);

/* Everything that makes one request. */
typedef struct odeus_request {
  const char *base_url;         /* NULL: ODEUS_DEFAULT_BASE_URL */
  const char *api_key;          /* required; never written to any dump */
  const char *integration_id;   /* required: a UUID */
  const odeus_config *config;   /* required */
  odeus_problems *problems;     /* optional (NULL: not kept): on ODEUS_ERR_CONFIG from
                                   odeus_exchange_begin, odeus_client_apply, odeus_write_head or
                                   odeus_write_request_redacted, each of the config's problems,
                                   added after count as odeus_validate_config adds them (zero
                                   count before each call). Written through a const request: one
                                   list per task. Untouched by any other result (base URL, key and
                                   id are checked first) */
} odeus_request;

/* ---- writers ---------------------------------------------------------------
 * snprintf-like with size_t: never write past cap, *needed (may be NULL)
 * receives the exact size of the whole output; buf may be NULL with cap 0
 * to only measure. The output is bytes, not NUL-terminated. Returns
 * ODEUS_OK, ODEUS_ERR_BUFFER_TOO_SMALL (buf holds the first cap bytes), or a
 * validation error (the config is checked while it is written, in the same
 * pass: then buf's content is unspecified, and nothing may be sent).
 * The bytes after the output, up to cap, are unspecified: they may serve as
 * scratch. */
ODEUS_API odeus_result odeus_write_body(const odeus_config *cfg, char *buf, size_t cap, size_t *needed);
/* The whole request (head and body) with the API key and any clientSecret
 * replaced by "[REDACTED]": for a log or a dump (what the tool's `request`
 * prints). Content-Length is that of the body really sent. */
ODEUS_API odeus_result odeus_write_request_redacted(const odeus_request *req, char *buf, size_t cap, size_t *needed);

/* The request's head alone: the request line, the header lines (CRLF
 * each, Content-Length included) and the empty line. An HTTP client that
 * takes the method, the target and the headers one by one reads them from
 * these lines. Checks the whole request, body included. */
ODEUS_API odeus_result odeus_write_head(const odeus_request *req, char *buf, size_t cap, size_t *needed);

/* The body through a window of any size >= 1, for a client that sends a
 * body in pieces (measure it first with odeus_write_body(cfg, NULL, 0,
 * &length)): fn receives each filled window and returns 0 to go on, nonzero
 * to stop (then the result is ODEUS_ERR_IO). The config is checked first:
 * nothing reaches fn when it is invalid. The window is wiped at the end (it
 * may have held a clientSecret). */
typedef int (*odeus_write_fn)(void *ctx, const char *data, size_t len);
ODEUS_API odeus_result odeus_write_body_to(const odeus_config *cfg, char *window, size_t cap,
                                           odeus_write_fn fn, void *ctx);

/* ---- a request body given as JSON -> the request model ------------------
 * Zero-copy where possible: strings without escapes point into json;
 * escaped ones are decoded into storage. fields receives authFields
 * (field_capacity entries). Every wrong type, unknown key, duplicate key or
 * null is a problem with its path; then the result is validated, so
 * problems holds everything wrong with the body. Returns ODEUS_OK,
 * ODEUS_ERR_CONFIG, or ODEUS_ERR_ARGUMENT for a NULL json or cfg. */
typedef struct odeus_config_storage {
  odeus_auth_field *fields;
  size_t field_capacity;
  odeus_oauth_client *oauth_client;     /* receives oauthClient */
  char *strings;                        /* decoded escaped strings */
  size_t strings_capacity;
} odeus_config_storage;

ODEUS_API odeus_result odeus_parse_config(const char *json, size_t len, odeus_config *cfg,
                                          odeus_config_storage *storage, odeus_problems *problems);

/* ---- private types -----------------------------------------------------------
 * The state of the parts inside an exchange (request stream, HTTP parser,
 * JSON reader). They are declared here only because odeus_exchange and
 * odeus_answer_reader hold them by value: no member is part of the API.
 * Each part is documented where it is implemented. */
typedef struct oa_mark {        /* where the request's walk is; where a window resumes */
  size_t field;                 /* the auth field it is in */
  size_t offset;                /* output offset of the item (of byte `in` when not 0) */
  size_t in;                    /* not 0: resume inside the member's string value, at this input byte */
  const void *base;             /* the struct of the object it is in (the config, an auth field, the client) */
  const struct oa_member *row;  /* the item: a member's row, or its object's rows' end for its close */
  unsigned obj;                 /* the object (OA_OBJ_*) */
  unsigned set;                 /* OA_SET_*: a member written in the object, its quote still due */
} oa_mark;

typedef struct oa_stream {      /* the request through a window */
  const odeus_request *req;
  odeus_url url;
  size_t content_length;        /* bytes of the body */
  size_t total;                 /* bytes of the whole request */
  size_t offset;                /* bytes produced so far */
  oa_mark mark;                 /* where the next window resumes */
  size_t key_len;
  int redact, body_only;        /* as dumped; the body alone (no head) */
} oa_stream;

/* the JSON reader */
#if ODEUS_JSON_MAX_DEPTH < 1 || ODEUS_JSON_MAX_DEPTH > 64
#error "ODEUS_JSON_MAX_DEPTH must be 1..64 (the container stack is 64 bits at most)"
#elif ODEUS_JSON_MAX_DEPTH > 32
typedef uint64_t oa_json_stack; /* a bit a container: 32 bits when they hold them all */
#else
typedef uint32_t oa_json_stack; /* bit i: the container i levels out from the innermost is an object */
#endif

typedef enum oa_jev_type {
  OA_JEV_OBJECT_BEGIN = 1, OA_JEV_OBJECT_END,
  OA_JEV_ARRAY_BEGIN, OA_JEV_ARRAY_END,
  OA_JEV_KEY, OA_JEV_STRING, OA_JEV_NUMBER,
  OA_JEV_TRUE, OA_JEV_FALSE, OA_JEV_NULL,
  OA_JEV_EVENT_FORCE_32BIT = 0x7fffffff
} oa_jev_type;

#define OA_JSON_FIRST 1u
#define OA_JSON_LAST 2u
/* The fragment points into the fed data, unchanged (no escape decoded). */
#define OA_JSON_RAW 4u
/* A \u escape of a lone surrogate became U+FFFD in this token: set on the fragment that holds the
 * U+FFFD or on a later one. OR the flags of a token's fragments to know. */
#define OA_JSON_LONE 8u

typedef struct oa_json_event {
  oa_jev_type type;
  unsigned flags;               /* FIRST / LAST / RAW / LONE, for KEY, STRING, NUMBER */
  const char *text;             /* fragment (KEY, STRING: decoded; NUMBER: as written) */
  size_t len;
  unsigned depth;               /* containers open around the value (0 at top) */
  size_t offset;                /* byte offset of the value's first byte in the stream */
} oa_json_event;

/* Return 0 to go on; a nonzero value stops the reader and is returned by oa_json_feed or
 * oa_json_finish (use an odeus_result); it sticks, like an error. */
typedef int (*oa_json_fn)(void *ctx, const oa_json_event *ev);

typedef struct oa_json {
  oa_json_fn fn; void *ctx;  /* set by init (a NULL fn: only check the text) */
  size_t offset;                /* bytes read so far; after an error, the offset of the byte
                                   where it was found; after a callback stopped the reader, the
                                   offset of the byte that completed the event: a bracket, a
                                   closing quote, a literal's last letter, the byte after a
                                   number */
  unsigned depth;               /* containers open now */
  int error;                    /* 0, or the result every later call returns */
  /* private */
  oa_json_event ev;             /* the event delivered; between fragments, the
                                   token's type, offset and depth (= depth) */
  union { oa_json_stack bits; uint64_t all; } stack; /* 8 B at any depth: no macro changes a layout */
  uint32_t code;                /* \u accumulator */
  uint32_t high;                /* pending high surrogate, 0 if none */
  unsigned state;               /* inside which token, or what may come next */
  unsigned comma_next;          /* what may follow a comma in the innermost container (0: none) */
  unsigned flags;               /* FIRST, LONE: due on the next fragment */
  unsigned sub;                 /* number step / literal letters / hex digits */
  unsigned need;                /* UTF-8 continuation bytes still expected */
  unsigned lo, hi;              /* range of the next continuation byte */
  unsigned tmp_len;
  char tmp[8];                  /* decoded bytes waiting to be delivered */
} oa_json;

/* the HTTP/1.1 response parser */
typedef enum oa_retry_kind {
  OA_RETRY_ABSENT = 0,
  OA_RETRY_SECONDS,          /* delta-seconds in value (saturated, see TOO_LARGE) */
  OA_RETRY_DATE,             /* IMF-fixdate: value = seconds since 1970 (the parser
                                keeps the date's text: oa_http_retry_after reads it) */
  OA_RETRY_INVALID,
  OA_RETRY_TOO_LARGE,        /* a number past 2^32-1 seconds: value = UINT32_MAX */
  OA_RETRY_FORCE_32BIT = 0x7fffffff
} oa_retry_kind;

/* Receives body bytes; a nonzero return stops the parser, and that value is
 * what oa_http_feed returns (then and on every later call). */
typedef int (*oa_body_fn)(void *ctx, const char *data, size_t len);

typedef struct oa_http {
  /* set by oa_http_init, may be changed before the first feed */
  size_t head_max;              /* bound of a head (ODEUS_HTTP_HEAD_MAX; 0 too) */
  uint64_t body_max;            /* bound of the body (0: none) */
  oa_body_fn on_body; void *ctx;  /* on_body may be NULL: the body is skipped */
  /* results, valid once head_done */
  int status;                   /* 100..999 */
  char reason[64];              /* reason phrase, NUL-terminated, cut to fit */
  int head_done;                /* the final (non-1xx) head was read */
  int done;                     /* the whole message was read */
  int chunked;                  /* from here to vlen: what a head said (a 1xx's is
                                   forgotten at once: oa_http_new_head) */
  int keep_alive;               /* the connection may be reused */
  int has_content_length;
  uint64_t content_length;
  oa_retry_kind retry_kind;     /* Retry-After: read both through */
  uint64_t retry_value;         /* oa_http_retry_after (a date and TOO_LARGE are told there) */
  uint64_t body_read;           /* body bytes delivered */
  /* private */
  unsigned state, hdr, sub, flags;
  uint64_t num;                 /* a chunk size; body bytes left; Retry-After seconds */
  unsigned vlen;                /* bytes in val or reason; an item's phase (OA_HTTP_V_*) */
  size_t head_len;              /* bytes of the current head, chunk line or trailers */
  char val[32];                 /* a Retry-After date (29 bytes) */
  int error;                    /* the first error: every later call returns it */
} oa_http;

/* ---- the answer ------------------------------------------------------------
 * What the server answered, mapped into caller-owned storage: the 200 answer
 * (the Odeus API reference, Response) member by member, or the human message of an error
 * answer. The body is read as it arrives, in pieces of any size; the result
 * is the same whatever the pieces.
 *
 * Strings. Every string is decoded (escapes, surrogate pairs; a lone
 * surrogate becomes U+FFFD) into `strings`, one after the other, each
 * NUL-terminated; len never counts the NUL and may count 0 bytes decoded
 * from \u0000. A null or absent member is { NULL, 0 }; an empty string is
 * "" (a constant: it needs no storage). A string that does not fit the
 * storage left is { NULL, its length } (ODEUS_CUT); later strings that do
 * fit are still stored, `cut` is set, and strings_needed is the storage the
 * whole answer needs (each string's length + 1, the empty ones excepted):
 * call again with that much to get everything.
 *
 * The 200 answer. Keys come in any order. Keys this version does not read
 * (the field's own "id" among them) are skipped whatever their value. An
 * enum value this version does not know is ODEUS_AUTH_UNKNOWN /
 * ODEUS_FIELD_UNKNOWN with its text in auth_type_text / type_text (set for
 * known values too). The answer is refused, with `problem` saying where:
 *  - ODEUS_ERR_ANSWER_TYPE: a member read has another JSON type than the API reference
 *    gives it (null only where it says "|null"); the body is not an object;
 *  - ODEUS_ERR_ANSWER_MISSING: "integration", its "id" or "authType", or a
 *    field's "slug", "label" or "type" is absent (every other member may be
 *    absent: a string then reads as null, "required" as false, authFields
 *    as none, oauthClient as null);
 *  - ODEUS_ERR_ANSWER_DUPLICATE: a member that is read appears twice in its
 *    object. The JSON reader keeps no memory of keys; this rule is the
 *    mapper's: the server never repeats a key, so a repeated one is a sign
 *    of a broken or hostile answer, and picking either copy would be a guess.
 *    A repeated key this version does not read is skipped like any other;
 *  - the ODEUS_ERR_JSON_* code of a body that is not JSON.
 * The first problem found stops the reading. authFields go into `fields`;
 * field_count is the number in the answer, even past field_capacity (then
 * `cut` is set; the strings of the fields not kept still count in
 * strings_needed).
 *
 * An error answer (any status but 200, a 201 or 204 included: the API
 * answers 200, anything else is unexpected): odeus_answer_finish returns the
 * status' result (400, 401, 403, 404 and 429 their own ODEUS_ERR_STATUS_*,
 * 500..599 ODEUS_ERR_STATUS_5XX, any other ODEUS_ERR_STATUS_OTHER) and sets
 * `message`, never failing because of the body. The message is, in this order of preference:
 *  - "message" of the top-level object: a string, or an array whose items
 *    are strings or objects with "path" (a string, or an array of strings
 *    and numbers joined by '.') and "message", an item reading
 *    "path: message" (or the one it has), items joined by "; ";
 *  - "error": a string, or an object with a "message" string;
 *  - the reason phrase given to odeus_answer_finish, or when there is none
 *    "HTTP " and the status ("HTTP 429"; odeus_result_text describes the
 *    result, and only a program that calls it carries the texts).
 * An empty or unusable candidate gives way to the next; of two candidates
 * of the same kind the first is kept; a body that is not valid JSON as a
 * whole (HTML, empty, cut short) gives the reason phrase (made UTF-8: a
 * byte that is not becomes U+FFFD, a character that oa_http.reason cut
 * is dropped). The message is always valid UTF-8. It is capped to the
 * storage: it keeps the longest start of the whole message that fits, cut
 * at a character boundary (`cut` set, strings_needed says
 * what it takes), except that an item whose "message" came before its
 * "path" is left out whole when the storage cuts it (it is reordered in
 * place, which needs all of it). With no storage it is { NULL, its length }. */
#define ODEUS_CUT(s) ((s).ptr == NULL && (s).len > 0)

typedef struct odeus_answer_field {
  odeus_str slug, label;
  odeus_field_type type; odeus_str type_text;    /* type_text: as the server wrote it */
  odeus_str description;
  odeus_str placeholder;                         /* may be null */
  int required;                                  /* 1 true, 0 false or absent */
} odeus_answer_field;

typedef struct odeus_answer_oauth {
  odeus_str scopes, label;                       /* may be null */
  odeus_str authorization_code, access_token_code, refresh_token_code;
} odeus_answer_oauth;

typedef struct odeus_answer {
  /* caller storage (in); NULL with capacity 0 is allowed */
  odeus_answer_field *fields; size_t field_capacity;
  char *strings; size_t strings_capacity;
  int status;                   /* the HTTP status (0 until an answer's head was read) */
  /* the integration (out) */
  odeus_str id;
  odeus_auth_type auth_type; odeus_str auth_type_text;
  odeus_str auth_test_code;                      /* may be null */
  size_t field_count;           /* authFields in the answer, even past capacity */
  int has_oauth_client;         /* oauthClient was an object (not null or absent) */
  odeus_answer_oauth oauth_client;
  size_t strings_needed;        /* storage the whole answer (or message) needs */
  int cut;                      /* something did not fit: fields or strings */
  /* for an error answer: a human message, NUL-terminated, in strings */
  odeus_str message;
  /* why a 200 answer was refused: rule ODEUS_RULE_TYPE, _REQUIRED,
   * _DUPLICATE_KEY or _JSON (0 when it was not). The path is inside
   * "integration": key/index/member as in a config problem; key
   * ODEUS_KEY_INTEGRATION is that member itself, key
   * ODEUS_KEY_NONE the body. actual is a byte offset in the body: of the
   * value (TYPE), of the repeated key (DUPLICATE_KEY), of the brace closing
   * the object that lacks the member (REQUIRED), of the offending byte
   * (JSON, with the reader's result in cause). Format it with
   * odeus_problem_format (in_answer is set). */
  odeus_problem problem;
} odeus_answer;

/* The binder: JSON events into a struct, by the member rows (private). Its consumer, given the
 * binder it holds, is told what each event is (OA_B_*), but a fragment of a string or URL value
 * goes straight to its str (the most frequent event, not told twice); a nonzero return stops the
 * JSON reader, as for any callback. */
typedef struct oa_bind oa_bind;
typedef int (*oa_bind_fn)(oa_bind *b, unsigned what, const oa_json_event *ev);

struct oa_bind {
  oa_bind_fn fn;                /* the consumer */
  int (*str)(oa_bind *b, const oa_json_event *ev); /* its reader of a string or URL's fragments */
  const struct oa_member *row;  /* the member whose value comes next; NULL: none (and while a
                                   value is skipped: its consumer clears it, or stops) */
  uint32_t seen;                /* members met, one bit per odeus_key */
  unsigned skip;                /* > 0: skipping a container opened at depth skip - 1 */
  size_t field;                 /* the authFields element (counted from -1 as they come) */
  unsigned char scope;          /* OA_B_*: the object or array we are in */
  unsigned char in;             /* the mode: rows read (OA_IN_BODY: strict) */
  unsigned char word_len;       /* a key or enum value in pieces: bytes so far */
  char word[20];
};

/* The answer reader (tier 2; an exchange holds one of its own): fed the body in pieces as an HTTP
 * client delivers it, it maps a 200 answer, or extracts the message of an error answer. Every
 * member is private: declare one and hand it to odeus_answer_begin / _feed / _finish. RAM: this
 * struct, whatever the size of the answer. */
typedef struct odeus_answer_reader {
  oa_bind bind;                 /* the 200 mapper; keys of the error message */
  odeus_answer *out;
  int status;                   /* the HTTP status given to begin */
  int error;                    /* 0, or the result every later call returns */
  size_t used;                  /* bytes of storage taken: a string being stored starts there */
  char *record;                 /* where the current object's strings go (the answer, a field,
                                   the OAuth client); NULL: a field past the capacity */
  odeus_str *target;            /* the string being stored; NULL: counted only */
  size_t str_len;               /* its bytes so far */
  size_t str_room;              /* the storage it may take, its NUL included (0: counted only) */
  /* the error message */
  unsigned cur, have;           /* priority of the member read / of the text stored */
  unsigned where, role;         /* the container followed, what its next value is */
  /* words, at short offsets; the first four side by side: entering a container clears them together */
  unsigned part_started, path_elems, item_seen, item_parts, first_part;
  size_t item_sep, second_start;   /* the length before an item's "; " / its second part */
  size_t msg_len, msg_stored;   /* the whole message / bytes of it in storage */
  oa_json json;                 /* the JSON reader under it; last, so the rest lies at short offsets
                                   (and odeus_answer_begin clears all before it) */
} odeus_answer_reader;

/* Starts reading the body of an answer with this status into out (its
 * storage members are kept, every other member is reset). */
ODEUS_API void odeus_answer_begin(odeus_answer_reader *r, odeus_answer *out, int status);
/* A piece of the body. For a 200 answer: ODEUS_OK, or the first problem
 * (ODEUS_ERR_ANSWER_* or ODEUS_ERR_JSON_*), returned by every later call.
 * For an error answer: ODEUS_OK whatever the body. ODEUS_ERR_ARGUMENT for
 * NULL data with len > 0, or storage NULL with a capacity. */
ODEUS_API odeus_result odeus_answer_feed(odeus_answer_reader *r, const char *data, size_t len);
/* The end of the body: ODEUS_OK for a complete 200 answer (check `cut`), or
 * its problem; for another status the status' result code, with
 * out->message set as well as it could be. reason: the reason phrase (may
 * be NULL). */
ODEUS_API odeus_result odeus_answer_finish(odeus_answer_reader *r, const char *reason);

/* ---- writing an answer back as JSON ----------------------------------------
 * The integration as one line of JSON (what `odeus-auth apply` prints), in
 * this key order, read back by the reader as the same answer:
 *   {"id":s,"authType":s,"authTestCode":s|null,"authFields":[{"slug":s,
 *   "label":s,"type":s,"description":s,"placeholder":s|null,"required":b},
 *   ...],"oauthClient":null|{"scopes":s|null,"label":s|null,
 *   "authorizationCode":s,"accessTokenCode":s,"refreshTokenCode":s}}
 * A member that may be null is written as null without a value; one that
 * may not (description and the three codes) is left out, as the server
 * left it out.
 * An unknown enum is written as its text. Writer contract as
 * odeus_write_body. A cut answer (a->cut) is refused with
 * ODEUS_ERR_ANSWER_CUT; one without an id or one the reader refused
 * (problem.rule set): not a mapped 200 answer, with ODEUS_ERR_ARGUMENT.
 * Nothing is written then: printing it would show less than the server
 * said, or other than it said, as if it were all. */
ODEUS_API odeus_result odeus_write_answer(const odeus_answer *a, char *buf, size_t cap, size_t *needed);
/* ---- I/O and one exchange -------------------------------------------------
 * send/recv follow mbedTLS' BIO contract: a positive count, 0 when closed,
 * ODEUS_IO_WANT_READ / ODEUS_IO_WANT_WRITE (mbedTLS' values, so what
 * mbedtls_ssl_read/write return passes through as it is) or another
 * negative error. Over TLS, a two-line wrapper each, since their first
 * parameter is an mbedtls_ssl_context * rather than a void *:
 *
 *   static int tls_send(void *ctx, const unsigned char *b, size_t n)
 *   { return mbedtls_ssl_write((mbedtls_ssl_context *)ctx, b, n); }
 *   static int tls_recv(void *ctx, unsigned char *b, size_t n)
 *   { return mbedtls_ssl_read((mbedtls_ssl_context *)ctx, b, n); }
 *   odeus_io io = { tls_send, tls_recv, &ssl };
 *
 * odeus_exchange_run hands a want back as ODEUS_WANT_READ / WRITE.
 * Any network plugs in: lwIP, an RTOS socket layer, a modem, or the bundled
 * POSIX + mbedTLS transport (odeus_client, under ODEUS_AUTH_MBEDTLS).
 * The time limit is the io's: odeus_exchange_run reads and writes for as
 * long as bytes move, so a blocking io must check the caller's deadline on
 * every call (not only when it would wait) and fail once it has passed;
 * else a peer that trickles bytes, or TLS alerts, holds the caller. */
#define ODEUS_IO_WANT_READ  (-0x6900)
#define ODEUS_IO_WANT_WRITE (-0x6880)

/* Bound of an answer's body in bytes in an exchange: a larger one ends it
 * in ODEUS_ERR_HTTP_BODY_TOO_LARGE. Define it to change it. (1 MiB) */
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
 * Once the exchange is over: the answer's status is answer->status,
 * odeus_retry_decide says whether to try again and when (it reads the
 * status and Retry-After from the exchange), odeus_exchange_reusable
 * whether the connection may carry the next request; received and
 * leftover count the bytes read. */
typedef struct odeus_exchange {
  odeus_answer *answer;         /* NULL: the answer body is skipped */
  uint64_t received;            /* bytes received, answer and leftover */
  size_t leftover;              /* bytes read past the end of the answer: a
                                   peer that sent more than one answer */
  int io_error;                 /* the last negative value from send/recv that
                                   was not want-read/want-write, else 0 */
  odeus_result result;          /* the outcome, once the exchange is over */
  struct {                      /* private: the library's own state */
    oa_stream out;
    oa_http http;
    odeus_answer_reader reader;
    unsigned char *window; size_t window_size;
    size_t win_len, win_pos;    /* sending: request bytes in the window, sent so far;
                                   receiving: the most of the window a recv may have
                                   written (what the end wipes) */
    unsigned state;
  } internal;
} odeus_exchange;

/* Prepares one exchange: validates and measures the request. window (>= 1
 * byte; 256 is plenty) carries the request out and the answer in. answer
 * may be NULL: then only the status counts. Fails, and nothing is sent,
 * with what the writers return for a request (ODEUS_ERR_ARGUMENT,
 * _BASE_URL, _API_KEY, _ID, _CONFIG: each problem then in req->problems
 * when given), or ODEUS_ERR_ARGUMENT for a NULL x or window.
 * The request, the answer's storage and the window must stay until the
 * exchange is over; the window, written over, overlaps neither. */
ODEUS_API odeus_result odeus_exchange_begin(odeus_exchange *x, const odeus_request *req,
                                            odeus_answer *answer, unsigned char *window,
                                            size_t window_size);
/* Runs until done: ODEUS_OK for a 200 answer mapped into the answer; for
 * another status its result code (ODEUS_ERR_STATUS_*) with answer->message;
 * ODEUS_WANT_READ / ODEUS_WANT_WRITE from a non-blocking io: call again with
 * the same io to resume exactly there. An error answer whose head was
 * read keeps its status result when its body then fails (cut short, too
 * large, broken, or the io failed under it): the message is then the
 * reason phrase. Failures: ODEUS_ERR_IO (io_error holds the io's negative
 * value; 0 when it claimed more bytes than it was given), ODEUS_ERR_CLOSED
 * (the peer closed before any byte of an answer), ODEUS_ERR_HTTP_*
 * (ODEUS_ERR_HTTP_TRUNCATED: closed during the answer), or the answer
 * reader's error on a 200. ODEUS_ERR_ARGUMENT for an
 * io without both callbacks; ODEUS_ERR_STATE for an exchange never begun.
 * Once over, every call returns the same result (a failed begin's too),
 * until odeus_exchange_end: after it, ODEUS_ERR_STATE. */
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
 * Retried: HTTP 429, 502, 503 and 504, and a connect that failed
 * (ODEUS_ERR_CONNECT), as the API reference names them. Never anything
 * else: not 400, 401, 403 or 404 (the same request would fail again), not
 * 408 or 500, not a timeout, a TLS, certificate or protocol error. The
 * same request sent twice leaves the same state, so a retry is safe.
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

/* After attempt number `attempt` (1 for the first) of an exchange x that
 * ended in r: 1 with the wait in *delay_ms when another attempt should
 * follow, else 0 (and *delay_ms = 0). The status and Retry-After come from
 * x's answer head; x may be NULL when no exchange ran (a connect that
 * failed: r = ODEUS_ERR_CONNECT). policy may be NULL: every default. */
ODEUS_API int odeus_retry_decide(const odeus_retry_policy *policy, unsigned attempt, const odeus_exchange *x,
                                 odeus_result r, uint32_t *delay_ms);

#ifdef __cplusplus
}
#endif
#endif /* ODEUS_AUTH_H */
/* ===========================================================================
 * IMPLEMENTATION
 * ========================================================================= */
#ifdef ODEUS_AUTH_IMPLEMENTATION
#ifndef ODEUS_AUTH_IMPLEMENTATION_DONE
#define ODEUS_AUTH_IMPLEMENTATION_DONE

#include <string.h>

/* Private names carry the oa_ / OA_ prefix. */
#define OA_MIN(a, b) ((a) < (b) ? (a) : (b))
/* What GCC and Clang must copy into each caller (the string pass alone: see it), else a hint. */
#if defined(__GNUC__) || defined(__clang__)
#define OA_FORCE_INLINE inline __attribute__((always_inline))
#else
#define OA_FORCE_INLINE inline
#endif
#define OA_COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* A fact the code relies on, checked by the compiler (C99 and C++11 alike):
 * an array of -1 bytes does not compile. */
#define OA_STATIC_ASSERT(name, cond) typedef char oa_assert_##name[(cond) ? 1 : -1]

/* strlen and memcmp as two loops of a few instructions each, so the core
 * pulls in nothing from the C library but memcpy and memset (newlib's
 * strlen alone is 220 bytes on a Cortex-M). OA_SAME: whether n bytes at a
 * and b are equal. */
static size_t oa_strlen(const char *s)
{
  const char *t = s;
  while (*t) t++;
  return (size_t)(t - s);
}

static int oa_same(const void *a, const void *b, size_t n)
{
  const unsigned char *x = (const unsigned char *)a + n, *y = (const unsigned char *)b + n;
  ptrdiff_t i = -(ptrdiff_t)n; /* from -n up to 0: the step itself tells the end */
  for (; i; i++) if (x[i] != y[i]) return 0;
  return 1;
}
#define OA_SAME(a, b, n) oa_same((a), (b), (n))

/* The texts as one string and the values as small numbers, walked in step:
 * a switch here compiles to a table of pointers several times the size. */
ODEUS_API const char *odeus_result_text(odeus_result r)
{
#define ODEUS_X_VALUE(name, value, text) value,
#define ODEUS_X_TEXT(name, value, text) text "\0"
  static const signed char values[] = { ODEUS_RESULT_LIST(ODEUS_X_VALUE) };
  static const char texts[] = ODEUS_RESULT_LIST(ODEUS_X_TEXT);
#undef ODEUS_X_VALUE
#undef ODEUS_X_TEXT
  const char *t = texts;
  size_t i;
  for (i = 0; i < OA_COUNT(values); i++) {
    if (values[i] == (int)r) return t;
    t += oa_strlen(t) + 1;
  }
  return "unknown result";
}

/* memset called through a volatile pointer: the compiler must load the
 * pointer, so it cannot see that the stores are dead and drop them, and
 * the C library's memset clears a window a word at a time. */
static void *(*const volatile oa_memset)(void *, int, size_t) = memset;

ODEUS_API void odeus_wipe(void *p, size_t n)
{
  if (p && n) (void)oa_memset(p, 0, n);
}

ODEUS_API odeus_str odeus_cstr(const char *s)
{
  odeus_str r;
  r.ptr = s;
  r.len = s ? oa_strlen(s) : 0;
  return r;
}

/* ---- the sink: one output path under every writer -------------------------
 * Bytes at absolute offsets [skip, skip + cap) land in buf; len counts on past the end: measuring
 * and writing are the same code. */
typedef struct oa_sink {
  char *buf;
  size_t cap, skip, len;
} oa_sink;

static void oa_sink_init(oa_sink *s, char *buf, size_t cap) /* from offset 0: a window sets its own skip */
{
  s->buf = buf;
  s->cap = buf ? cap : 0;
  s->skip = 0;
  s->len = 0;
}

/* A sink without a buffer only counts, and says so first: the walk that measures puts as often as
 * the one that writes. Else the common case, all of the bytes inside the window, is two comparisons
 * of offsets the caller keeps (no offset into the window first). `inline` here and on a few others of the
 * per-member and per-event paths: a speed build copies them into their callers (most puts are
 * literals, whose copy then needs no call); a size build keeps one. */
static inline void oa_put(oa_sink *s, const char *p, size_t n)
{
  size_t end = s->skip + s->cap;
  if (!s->buf) { /* counting */
  } else if (s->len >= s->skip && s->len + n <= end) {
    s->len += n; /* before the copy: no value lives across its call */
    memcpy(s->buf + (s->len - n - s->skip), p, n);
    return;
  } else if (s->len < end && s->len + n > s->skip) { /* straddling an edge */
    size_t from = s->len < s->skip ? s->skip - s->len : 0;
    memcpy(s->buf + (s->len + from - s->skip), p + from, OA_MIN(n, end - s->len) - from);
  }
  s->len += n;
}

/* A string literal, its length known at compile time. */
#define OA_PUT_LIT(s, lit) oa_put((s), (lit), sizeof(lit) - 1)

static inline void oa_puts(oa_sink *s, const char *z)
{
  oa_put(s, z, oa_strlen(z));
}

static void oa_putc(oa_sink *s, char c)
{
  size_t at = s->len++ - s->skip;
  if (at < s->cap) s->buf[at] = c;
}

/* The `digits` last decimal digits of v, at out. Numbers are size_t, not uint64_t: a 64-bit
 * division would pull in a libgcc helper of about 700 bytes on 32-bit targets. */
static void oa_format_uint(char *out, size_t v, size_t digits)
{
  for (; digits--; v /= 10) out[digits] = (char)('0' + (int)(v % 10));
}

/* The digits from the last, in one pass. */
static void oa_put_uint(oa_sink *s, size_t v)
{
  char tmp[20];
  size_t i = sizeof tmp;
  do tmp[--i] = (char)('0' + (int)(v % 10)); while (v /= 10);
  oa_put(s, tmp + i, sizeof tmp - i);
}

/* The snprintf contract for text results: NUL-terminated when cap > 0. */
static size_t oa_sink_cstr(oa_sink *s)
{
  if (s->cap) s->buf[s->len < s->cap ? s->len : s->cap - 1] = '\0';
  return s->len;
}

static int oa_is_digit(unsigned c)
{
  return c - '0' < 10u;
}

static const char oa_hex_digits[] = "0123456789abcdef";

/* The value of a hexadecimal digit, either case; 16 for any other byte. */
static unsigned oa_hex_value(unsigned c)
{
  c -= '0';
  if (c < 10) return c;
  c = (c | 0x20) - ('a' - '0'); /* a letter lowercased ('0' has bit 0x20 set) */
  return c < 6 ? c + 10 : 16;
}

/* ---- plain bytes -------------------------------------------------------------
 * A plain byte needs no attention in a JSON string: ASCII from 0x20 (DEL
 * too) but '"' and '\\'. The string writer and the JSON reader find the first
 * byte that is not plain through one table: a lookup a byte, the cheapest. */

/* By byte: bits 0-4 its class between tokens for the JSON reader (enum oa_json_class: a letter's
 * number, @ 0, A 1 ... M 13), bit 5 (OA_PLAIN: lowercase) a plain byte, bit 6 (OA_TEXT) a byte
 * an HTTP field value may hold (all but the control bytes, HTAB aside, and DEL). Bit 7 is clear. One
 * lookup per byte serves the reader's two loops, the writer's scan and the HTTP parser's value scan. */
static const char oa_json_classes[] =
  "\0\0\0\0\0\0\0\0\0E\5\0\0\5\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0" /* 00 */
  "e`F````````kajl`hiiiiiiiiib`````" /* 20 */
  "`````m`````````````````````d@c``" /* 40 */
  "`````mg```````g`````g``````d`c` " /* 60 */
  "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@" /* 80 */
  "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@" /* A0 */
  "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@" /* C0 */
  "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"; /* E0 */
#define OA_PLAIN 32u /* the class bit of a plain byte */
#define OA_TEXT 64u  /* the class bit of a byte an HTTP field value may hold */
#define OA_JSON_CLASS(c) ((unsigned)oa_json_classes[c] & 31u)
#define OA_SPANS(c, bit) ((unsigned)oa_json_classes[c] & (bit)) /* whether byte c's class has bit */

/* The JSON escapes of one letter, as pairs of the letter and the byte it stands for: the reader maps
 * a letter to its byte, the writer a byte to its letter ('/' is plain, so the writer never escapes
 * it). Each half is unique, so the order is free: the likeliest in text come first. */
static const char oa_json_escape_pairs[] = "n\n\"\"\\\\t\tr\r//b\bf\f";

/* The other half of the escape pair whose half `side` (0: the letter, 1:
 * the byte) is c: a letter's byte for the reader, a byte's letter for the
 * writer; 0 when there is none. */
static unsigned oa_escape_pair(unsigned c, unsigned side)
{
  const char *t;
  for (t = oa_json_escape_pairs; *t; t += 2)
    if ((unsigned char)t[side] == c) return (unsigned char)t[1 - side];
  return 0;
}

/* Whether c (0x20..0x7f) is in a set of those 96 bytes: bit c & 7 of
 * byte (c - 0x20) / 8. */
static unsigned oa_in_set96(const unsigned char set[12], unsigned c)
{
  return c - 0x20u < 96u ? ((unsigned)set[(c - 0x20u) >> 3] >> (c & 7u)) & 1u : 0u;
}

/* The first byte from p whose class lacks `bit` (OA_PLAIN, OA_TEXT), or end: four bytes a turn, so
 * that the bound is checked once for four, then the last 0 to 3 as the length's low bits say. */
static inline const unsigned char *oa_span(const unsigned char *p, const unsigned char *end, unsigned bit)
{
  const size_t n = (size_t)(end - p);
  const unsigned char *const quads = p + (n & ~(size_t)3);
  for (; p != quads; p += 4) {
    if (!OA_SPANS(p[0], bit)) return p;
    if (!OA_SPANS(p[1], bit)) return p + 1;
    if (!OA_SPANS(p[2], bit)) return p + 2;
    if (!OA_SPANS(p[3], bit)) return p + 3;
  }
  if (n & 2) {
    if (!OA_SPANS(p[0], bit)) return p;
    if (!OA_SPANS(p[1], bit)) return p + 1;
    p += 2;
  }
  if ((n & 1) && OA_SPANS(*p, bit)) p++;
  return p;
}

/* ---- core: the one table of members ------------------------------------------
 * Every member of the request body and of the answer is described once,
 * here. The validator, the body writer and the binder (the config parser
 * and the answer mapper) all walk these tables, so a rule (a limit, a
 * requirement, a key name, the key order) lives in one place. */

enum {
  OA_KIND_STRING = 1,           /* odeus_str */
  OA_KIND_URL,                  /* odeus_str holding an absolute http(s) URL */
  OA_KIND_AUTH_TYPE,            /* odeus_auth_type */
  OA_KIND_FIELD_TYPE,           /* odeus_field_type */
  OA_KIND_BOOL,                 /* odeus_bool */
  OA_KIND_FIELDS,               /* const odeus_auth_field * + field_count */
  OA_KIND_OAUTH,                /* const odeus_oauth_client * */
  OA_KIND_INTEGRATION           /* the answer's "integration" object */
};

#define OA_REQUIRED 1u          /* must be set */
#define OA_NONEMPTY 2u          /* at least 1 character */
#define OA_SECRET 4u            /* redacted in dumps, wiped after use */

/* Where a member is read (the `in` column of its row). */
#define OA_IN_BODY 1u           /* a request body: the config parser reads it */
#define OA_IN_ANSWER 2u         /* a 200 answer: the answer mapper reads it */
#define OA_ANS_NULL 4u          /* the answer may hold null (the API reference's "|null") */

typedef struct oa_member {
  const char *name;             /* the JSON key (name_len bytes, not NUL-terminated: see OA_NAME) */
  unsigned char name_len;
  unsigned char key;            /* odeus_key */
  unsigned char kind;           /* OA_KIND_* */
  unsigned char flags;          /* OA_REQUIRED | OA_NONEMPTY | OA_SECRET */
  unsigned char in;             /* OA_IN_BODY | OA_IN_ANSWER | OA_ANS_NULL */
  unsigned char max100;         /* max characters (UTF-16 units) / 100; 0: no limit */
  unsigned char offset;         /* where the member lives in its struct */
  unsigned char answer_offset;  /* where it goes in the answer's record */
} oa_member;
/* A row takes a pointer and 8 bytes: each limit of the API reference is a
 * multiple of 100 characters (OA_MAX100 fails to compile otherwise), and
 * every member lies within 256 bytes of its struct's start. */
#define OA_MAX100(max) ((max) / 100 + 0 * sizeof(char[(max) % 100 == 0 ? 1 : -1]))
OA_STATIC_ASSERT(member_offsets, sizeof(odeus_config) <= 256 && sizeof(odeus_auth_field) <= 256 &&
                 sizeof(odeus_oauth_client) <= 256 && sizeof(odeus_answer_field) <= 256 &&
                 sizeof(odeus_answer_oauth) <= 256 && offsetof(odeus_answer, id) < 256 &&
                 offsetof(odeus_answer, auth_type_text) < 256 && offsetof(odeus_answer, fields) < 256 &&
                 offsetof(odeus_answer, auth_test_code) < 256 && offsetof(odeus_answer, oauth_client) < 256);

/* A key inside the text the body writes before its value, ","key":" (the first quote closes the
 * value before, the last opens a string's value): the walk writes that in one put. */
#define OA_NAME(name) (&("\",\"" name "\":\"")[3])
/* A row: the request's columns, then the answer's: 0 or OA_ANS_NULL, the
 * record member (OA_W: not in an answer). OA_REQUIRED holds in both. */
#define OA_M(name, key, kind, flags, max, type, field, answer, atype, afield) \
  { OA_NAME(name), sizeof(name) - 1, key, kind, flags, OA_IN_BODY | OA_IN_ANSWER | (answer), OA_MAX100(max), \
    (unsigned char)offsetof(type, field), (unsigned char)offsetof(atype, afield) }
#define OA_W(name, key, kind, flags, max, type, field) \
  { OA_NAME(name), sizeof(name) - 1, key, kind, flags, OA_IN_BODY, OA_MAX100(max), \
    (unsigned char)offsetof(type, field), 0 }
/* A row of the answer alone. */
#define OA_M_ANSWER(quoted, key, kind, atype, afield) /* quoted: ,"name":" */ \
  { (quoted) + 2, sizeof(quoted) - 6, key, kind, OA_REQUIRED, OA_IN_ANSWER, 0, 0, \
    (unsigned char)offsetof(atype, afield) }

/* The documented key order of the body is the order of these tables. */
static const oa_member oa_root_members[] = {
  OA_M("authType", ODEUS_KEY_AUTH_TYPE, OA_KIND_AUTH_TYPE, OA_REQUIRED, 0, odeus_config, auth_type,
       0, odeus_answer, auth_type_text),
  OA_M("authFields", ODEUS_KEY_AUTH_FIELDS, OA_KIND_FIELDS, 0, 0, odeus_config, fields,
       0, odeus_answer, fields),
  OA_M("authTestCode", ODEUS_KEY_AUTH_TEST_CODE, OA_KIND_STRING, 0, 1000, odeus_config, auth_test_code,
       OA_ANS_NULL, odeus_answer, auth_test_code),
  OA_M("oauthClient", ODEUS_KEY_OAUTH_CLIENT, OA_KIND_OAUTH, 0, 0, odeus_config, oauth_client,
       OA_ANS_NULL, odeus_answer, oauth_client)
};

static const oa_member oa_field_members[] = {
  OA_M("slug", ODEUS_KEY_SLUG, OA_KIND_STRING, OA_REQUIRED | OA_NONEMPTY, 100, odeus_auth_field, slug,
       0, odeus_answer_field, slug),
  OA_M("label", ODEUS_KEY_LABEL, OA_KIND_STRING, OA_REQUIRED | OA_NONEMPTY, 100, odeus_auth_field, label,
       0, odeus_answer_field, label),
  OA_M("type", ODEUS_KEY_TYPE, OA_KIND_FIELD_TYPE, OA_REQUIRED, 0, odeus_auth_field, type,
       0, odeus_answer_field, type_text),
  OA_M("description", ODEUS_KEY_DESCRIPTION, OA_KIND_STRING, 0, 500, odeus_auth_field, description,
       0, odeus_answer_field, description),
  OA_M("placeholder", ODEUS_KEY_PLACEHOLDER, OA_KIND_STRING, 0, 200, odeus_auth_field, placeholder,
       OA_ANS_NULL, odeus_answer_field, placeholder),
  OA_M("required", ODEUS_KEY_REQUIRED, OA_KIND_BOOL, 0, 0, odeus_auth_field, required,
       0, odeus_answer_field, required)
};

/* authUrl, tokenUrl, clientId and clientSecret are write-only: the server
 * never returns them. */
static const oa_member oa_oauth_members[] = {
  OA_M("scopes", ODEUS_KEY_SCOPES, OA_KIND_STRING, 0, 2000, odeus_oauth_client, scopes,
       OA_ANS_NULL, odeus_answer_oauth, scopes),
  OA_W("authUrl", ODEUS_KEY_AUTH_URL, OA_KIND_URL, 0, 0, odeus_oauth_client, auth_url),
  OA_W("tokenUrl", ODEUS_KEY_TOKEN_URL, OA_KIND_URL, 0, 0, odeus_oauth_client, token_url),
  OA_W("clientId", ODEUS_KEY_CLIENT_ID, OA_KIND_STRING, 0, 500, odeus_oauth_client, client_id),
  OA_W("clientSecret", ODEUS_KEY_CLIENT_SECRET, OA_KIND_STRING, OA_SECRET, 500, odeus_oauth_client, client_secret),
  OA_M("label", ODEUS_KEY_LABEL, OA_KIND_STRING, 0, 100, odeus_oauth_client, label,
       OA_ANS_NULL, odeus_answer_oauth, label),
  OA_M("authorizationCode", ODEUS_KEY_AUTHORIZATION_CODE, OA_KIND_STRING, 0, 1000, odeus_oauth_client,
       authorization_code, 0, odeus_answer_oauth, authorization_code),
  OA_M("accessTokenCode", ODEUS_KEY_ACCESS_TOKEN_CODE, OA_KIND_STRING, 0, 1000, odeus_oauth_client,
       access_token_code, 0, odeus_answer_oauth, access_token_code),
  OA_M("refreshTokenCode", ODEUS_KEY_REFRESH_TOKEN_CODE, OA_KIND_STRING, 0, 1000, odeus_oauth_client,
       refresh_token_code, 0, odeus_answer_oauth, refresh_token_code)
};

/* The two members of an answer that a request does not have. The name of "integration" is an
 * array of its own: as a literal it would lie among the request's names, in one section that a
 * program that only writes requests keeps whole. */
static const char oa_ans_integration_name[] = ",\"integration\":\"";
static const oa_member oa_ans_integration =
  OA_M_ANSWER(oa_ans_integration_name, ODEUS_KEY_INTEGRATION, OA_KIND_INTEGRATION, odeus_answer, id);
static const oa_member oa_ans_id = OA_M_ANSWER(",\"id\":\"", ODEUS_KEY_ID, OA_KIND_STRING, odeus_answer, id);

/* The spellings of the enum kinds (auth type, field type, boolean), each
 * kind's names in value order from 1, each after its length (octal), a 0
 * ending the kind: a name is found and written without measuring it, and
 * without a table of pointers. A name not in a list looks up as the value
 * after its last: the UNKNOWN value. The golden requests and the problem
 * lines listing every name hold each length. */
#define OA_AUTH_TYPE_SPELLINGS "\4NONE\7API_KEY\17SERVICE_ACCOUNT\5OAUTH\11OAUTH_DCR"
#define OA_FIELD_TYPE_SPELLINGS "\4TEXT\17MULTI_LINE_TEXT\10PASSWORD\6NUMBER\17EMBEDDING_MODEL"
static const char oa_enum_spellings[] =
  OA_AUTH_TYPE_SPELLINGS "\0" OA_FIELD_TYPE_SPELLINGS "\0" "\5false\4true";
OA_STATIC_ASSERT(enum_counts, ODEUS_AUTH_UNKNOWN == 6 && ODEUS_FIELD_UNKNOWN == 6);

#define OA_AT(obj, m, type) ((type *)(void *)((char *)(obj) + (m)->offset))
#define OA_CAT(obj, m, type) ((const type *)(const void *)((const char *)(obj) + (m)->offset))

/* The value of a boolean or enum member, 0 when unset. */
static int oa_enum_value(const void *obj, const oa_member *m)
{
  if (m->kind == OA_KIND_BOOL) return (int)*OA_CAT(obj, m, odeus_bool);
  return m->kind == OA_KIND_AUTH_TYPE ? (int)*OA_CAT(obj, m, odeus_auth_type)
                                      : (int)*OA_CAT(obj, m, odeus_field_type);
}

/* The names of an enum kind: its first one's length byte. */
static const char *oa_enum_names(unsigned kind)
{
  return oa_enum_spellings + (kind == OA_KIND_AUTH_TYPE ? 0 : sizeof OA_AUTH_TYPE_SPELLINGS)
         + (kind == OA_KIND_BOOL ? sizeof OA_FIELD_TYPE_SPELLINGS : 0);
}

/* The position from 1 of the n bytes at s in a list of names, each after
 * its length, a 0 ending the list; the position after the last when none. */
static int oa_name_lookup(const char *t, const char *s, size_t n)
{
  int v = 1;
  for (; *t && !((size_t)*t == n && OA_SAME(t + 1, s, n)); t += *t + 1) v++;
  return v;
}

/* The value of a kind whose spelling is the n bytes at s (0, unset, is
 * never named), or the value after the last (UNKNOWN) when none is. */
static int oa_enum_lookup(unsigned kind, const char *s, size_t n)
{
  return oa_name_lookup(oa_enum_names(kind), s, n);
}

/* Whether a string, URL, boolean or enum member is set. */
static int oa_member_set(const void *obj, const oa_member *m)
{
  if (m->kind <= OA_KIND_URL) return OA_CAT(obj, m, odeus_str)->ptr != NULL; /* a string or URL */
  return oa_enum_value(obj, m) != 0;
}

/* The JSON name of a key: that of the first row of the member tables
 * holding it (the OAuth client's "label" is the auth field's too); "" for
 * NONE and OTHER, which no row holds. */
static odeus_str oa_key_name(odeus_key k)
{
  static const struct { const oa_member *rows; unsigned char count; } tables[] = {
    { oa_root_members, OA_COUNT(oa_root_members) }, { oa_field_members, OA_COUNT(oa_field_members) },
    { oa_oauth_members, OA_COUNT(oa_oauth_members) }, { &oa_ans_id, 1 }, { &oa_ans_integration, 1 }
  };
  odeus_str r = { "", 0 };
  size_t t, i;
  for (t = 0; t < OA_COUNT(tables); t++)
    for (i = 0; i < tables[t].count; i++)
      if (tables[t].rows[i].key == (unsigned)k) {
        r.ptr = tables[t].rows[i].name;
        r.len = tables[t].rows[i].name_len;
        return r;
      }
  return r;
}

/* ---- strings: one pass checks, counts and escapes -----------------------------
 * Strict UTF-8 (RFC 3629): no overlong forms, surrogates, code points past U+10FFFF or truncated
 * sequences; U+0000 is refused too. Characters count as in JavaScript: one UTF-16 unit below
 * U+10000, two above. JSON escapes (RFC 8259) '"', '\\' and bytes below 0x20; all else passes. */

/* For a UTF-8 lead byte: how many continuation bytes follow (0: not a lead, or one that only
 * starts overlong forms or code points past U+10FFFF), and the range of the first of them, which
 * rules out overlong forms (E0, F0), encoded surrogates (ED) and code points past U+10FFFF (F4). */
static unsigned oa_utf8_lead(unsigned c, unsigned *lo, unsigned *hi)
{
  *lo = (c | 0x10u) == 0xF0 ? 0x180u - c : 0x80; /* E0: A0, F0: 90 */
  *hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
  return c - 0xC2u > 0xF4u - 0xC2u ? 0 : (c >> 4) - 12u + (c < 0xD0); /* C and D: 1, E: 2, F: 3 */
}

/* How many of the n continuation bytes at p are valid (n when all are). */
static unsigned oa_utf8_tail(const unsigned char *p, unsigned n, unsigned lo, unsigned hi)
{
  unsigned i;
  for (i = 0; i < n && p[i] >= lo && p[i] <= hi; i++) {
    lo = 0x80;
    hi = 0xBF;
  }
  return i;
}

/* The length of the strict UTF-8 sequence at s (1..4, avail bytes there), 0 if there is none.
 * A character of 4 bytes is above U+FFFF: two UTF-16 units. */
static size_t oa_utf8_length(const unsigned char *s, size_t avail)
{
  unsigned lo, hi, n;
  if (s[0] < 0x80) return 1;
  n = oa_utf8_lead(s[0], &lo, &hi);
  if (!n || avail <= n || oa_utf8_tail(s + 1, n, lo, hi) != n) return 0;
  return n + 1;
}

/* The JSON text of a byte that cannot stand for itself: the escape of a
 * control byte, '"' or '\\'; U+FFFD for a byte that is not UTF-8. */
static inline void oa_put_escape(oa_sink *s, unsigned char c)
{
  unsigned letter = oa_escape_pair(c, 1); /* none: \u00XX */
  char e[6] = { '\\', 'u', '0', '0', oa_hex_digits[c >> 4 & 15u], oa_hex_digits[c & 15u] };
  size_t n = 6;
  if (letter) { e[1] = (char)letter; n = 2; }
  if (c >= 0x80) n = 3; /* not UTF-8: U+FFFD, no letter */
  oa_put(s, c >= 0x80 ? "\xEF\xBF\xBD" : e, n);
}

/* ---- text for display ------------------------------------------------------ */

static void oa_put_hex(oa_sink *s, const char *prefix, unsigned v, unsigned digits)
{
  oa_puts(s, prefix);
  while (digits--) oa_putc(s, oa_hex_digits[(v >> (4 * digits)) & 15u]);
}

/* The code point of the k-byte UTF-8 sequence at p when it can steer what a terminal shows, else 0. */
static unsigned oa_display_steering(const unsigned char *p, size_t k)
{
  unsigned cp = k == 2 ? (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu)
                       : (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
  if (k == 2) return cp < 0xA0 || cp == 0x61C ? cp : 0;
  return k == 3 && (cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
             ? cp : 0;
}

/* Text made safe to show, one loop for every use (see odeus_display_text):
 * OA_SHOW_DISPLAY escapes a backslash, \n, \r and \t as JSON does and other
 * control bytes as \xHH; OA_SHOW_QUOTED keeps the text's own escapes (a key
 * or value shows those of its JSON text) and writes a control byte as JSON
 * does; OA_SHOW_JSON escapes '"' and a backslash too. In all, DEL and a byte
 * that is not UTF-8 are \xHH, a character steering the terminal \uXXXX. */
enum { OA_SHOW_DISPLAY, OA_SHOW_QUOTED, OA_SHOW_JSON };

static void oa_put_shown(oa_sink *s, const char *text, size_t len, int mode)
{
  const unsigned char *u = (const unsigned char *)text;
  size_t i = 0;
  while (u && i < len) {
    unsigned c = u[i];
    size_t k = oa_utf8_length(u + i, len - i);
    unsigned cp = k > 1 ? oa_display_steering(u + i, k) : 0;
    int escaped = mode == OA_SHOW_DISPLAY ? c == '\\' || c == '\n' || c == '\r' || c == '\t'
                                          : c < 0x20 || (mode == OA_SHOW_JSON && (c == '"' || c == '\\'));
    if (k == 1 && escaped) oa_put_escape(s, (unsigned char)c);
    else if (k == 1 && c >= 0x20 && c != 0x7F) oa_putc(s, (char)c);
    else if (cp) oa_put_hex(s, "\\u", cp, 4);
    else if (k > 1) oa_put(s, text + i, k);
    else oa_put_hex(s, "\\x", c, 2);
    i += k ? k : 1;
  }
}

static void oa_put_display(oa_sink *s, const char *text, size_t len)
{
  oa_put_shown(s, text, len, OA_SHOW_DISPLAY);
}

ODEUS_API size_t odeus_display_text(const char *text, size_t len, char *buf, size_t cap)
{
  oa_sink s;
  oa_sink_init(&s, buf, cap);
  if (text) oa_put_display(&s, text, len);
  return oa_sink_cstr(&s);
}

/* Whether a pass asked to stop at the window's end (stops) stops after a turn that wrote a run up to input
 * byte i, each byte d past its input offset (d alone lives across the run's copy), then escaped byte i unless
 * the input ended there, filling the window. The next window resumes at input byte stop->in, output offset
 * stop->offset: in the run, where the window ends (backed up to a character's start); past it, the escape. */
static int oa_pass_full(const oa_sink *s, const unsigned char *u, size_t i, size_t d, oa_mark *stop, int stops)
{
  size_t end, in = i;
  if (!stops || s->len < (end = s->skip + s->cap)) return 0;
  if (d > end) { /* the key filled the window: the string's first byte (the run's, 0) is past it */
    in = 0;
    d = end;
  } else if (i + d > end) /* in the run, which starts with a whole character */
    for (in = end - d; (u[in] & 0xC0u) == 0x80u; in--) {}
  stop->in = in;
  stop->offset = in + d; /* at 0 (a first character or escape cut): the next window redoes the item */
  return 1;
}

/* Checks p[0..n) and writes it escaped into s, which counts when it has no buffer, as for a check
 * alone (without quotes; invalid UTF-8 as U+FFFD, U+0000 as \u0000: any text gives valid JSON).
 * Returns 0 with the UTF-16 length in *units, or the first problem, ODEUS_RULE_UTF8 or
 * ODEUS_RULE_NUL, with its byte offset in *at. It starts at input byte *at, 0 but in a window that
 * resumes (*units then counts the bytes before as characters); with stops, it reads no more than
 * the window needs (an input byte gives an output byte; 3 more end a character) and stops once it
 * is full, marking where in *stop (a flag: the walk's mark is then no pointer chosen at run time).
 * Forced inline: GCC keeps the call, whose frame and arguments through memory cost about 20
 * instructions a member and window; on the device, where the walk alone calls it, the copy is smaller. */
static OA_FORCE_INLINE int oa_string_pass(oa_sink *s, const char *p, size_t n, size_t *units, size_t *at,
                                          oa_mark *stop, int stops)
{
  const unsigned char *u = (const unsigned char *)p;
  size_t i = *at, run = i, less = 0, k, d; /* less: bytes beyond the UTF-16 units */
  int rule = 0;
  if (stops && n - i > s->skip + s->cap - s->len + 3) /* the window has room: the walk stops before */
    n = i + s->skip + s->cap - s->len + 3;
  for (;;) { /* each turn: a plain run, then the byte after it, if any */
    i = (size_t)(oa_span(u + i, u + n, OA_PLAIN) - u);
    if (i < n) {
      unsigned c = u[i];
      k = c >= 0x80 ? oa_utf8_length(u + i, n - i) : 0;
      if (k) { /* a character of 4 bytes is two UTF-16 units */
        less += k - 1 - (k >> 2);
        i += k;
        continue;
      }
      if (!rule && (c >= 0x80 || c == 0)) { /* the first problem; a writer goes on */
        rule = c ? ODEUS_RULE_UTF8 : ODEUS_RULE_NUL;
        *at = i;
      }
    }
    d = s->len - run;
    oa_put(s, p + run, i - run);
    if (i < n) oa_put_escape(s, u[i]); /* read again, not kept across the copy; past a full window it only counts */
    if (oa_pass_full(s, u, i, d, stop, stops) || i == n) break;
    run = ++i;
  }
  *units = n - less;
  return rule;
}

/* ---- ids, keys and URLs -------------------------------------------------------- */
ODEUS_API odeus_result odeus_validate_id(const char *id, size_t len)
{
  size_t i = 0, end;
  if (!id || len != 36) return ODEUS_ERR_ID;
  for (end = 8;; end += end == 23 ? 13 : 5) { /* 8-4-4-4-12: hex digits ending at 8, 13, 18, 23, 36 */
    do /* two a turn (each group's count is even, never 0), the second read after the first */
      if (oa_hex_value((unsigned char)id[i]) > 15 || oa_hex_value((unsigned char)id[i + 1]) > 15)
        return ODEUS_ERR_ID;
    while ((i += 2) < end);
    if (i == 36) return ODEUS_OK;
    if (id[i++] != '-') return ODEUS_ERR_ID; /* a dash after all but the last */
  }
}

/* How many of the len bytes from key are visible ASCII (no space), as an API key's are. */
static size_t oa_key_run(const char *key, size_t len)
{
  size_t i = 0;
  while (i < len && (unsigned char)key[i] - 0x21u <= 0x7Eu - 0x21u) i++;
  return i;
}

ODEUS_API odeus_result odeus_validate_api_key(const char *key, size_t len)
{
  return key && len && oa_key_run(key, len) == len ? ODEUS_OK : ODEUS_ERR_API_KEY;
}

/* URL bytes (RFC 3986) as sets of 0x20..0x7f: a registered name's (letter, digit, '-', '.') and a
 * path's (unreserved, sub-delims, ':', '@', '/'; a '%' only as an escape, which oa_url_run reads). */
static const unsigned char oa_url_host_bytes[12] = { 0x00, 0x60, 0xff, 0x03, 0xfe, 0xff, 0xff, 0x07,
                                                     0xfe, 0xff, 0xff, 0x07 };
static const unsigned char oa_url_path_bytes[12] = { 0xd2, 0xff, 0xff, 0x2f, 0xff, 0xff, 0xff, 0x87,
                                                     0xfe, 0xff, 0xff, 0x47 };

/* Where the run of bytes of set from s + i stops, len if it does not; in a path (escapes), a '%'
 * and 2 hex digits after it go on (oa_hex_value gives 16 for a non-hex byte), each read only after
 * the one before it, so a NUL, in no set, stops a run before it is passed. A byte of the run is
 * one test. `inline` on oa_url_authority (see oa_put): a speed build copies it in. */
static size_t oa_url_run(const unsigned char set[12], int escapes, const char *s, size_t i, size_t len)
{
  const unsigned char *u = (const unsigned char *)s;
  for (;; i += 3) { /* past an escape */
    for (; i < len; i++)
      if (!oa_in_set96(set, u[i])) break;
    if (!escapes || i + 2 >= len || u[i] != '%' || oa_hex_value(u[i + 1]) > 15 || oa_hex_value(u[i + 2]) > 15)
      return i;
  }
}

/* An IPv4 address in dotted decimal, as RFC 3986 writes dec-octet: four
 * numbers 0-255, without leading zeros; its bytes into out unless NULL. */
static int oa_url_ipv4(const char *s, size_t n, unsigned char *out)
{
  size_t i, k = 0, dots = 0; /* k: the octet's digits */
  unsigned v = 0;
  for (i = 0; i < n; i++) {
    unsigned c = (unsigned char)s[i];
    if (c == '.' && k && dots < 3) {
      if (out) out[dots] = (unsigned char)v;
      dots++;
      v = 0;
      k = 0;
    } else if (!oa_is_digit(c) || k++ > v || (v = v * 10 + c - '0') > 255) {
      return 0; /* not a digit, a digit after a leading 0 (k is 1, v 0), an octet over 255 */
    }
  }
  if (dots < 3 || !k) return 0; /* four octets, the last not empty */
  if (out) out[3] = (unsigned char)v;
  return 1;
}

/* RFC 3986 IPv6address: eight groups of 1 to 4 hex digits, or fewer with one "::" standing for
 * the rest; the last two may be an IPv4 address. A ':' after digits ends a group (never the
 * address), a ':' after a ':' is the "::", a '.' starts the IPv4 tail at the digits before it. */
static int oa_url_ipv6(const char *s, size_t n)
{
  size_t gap = 0, i, digits = 0, groups = 0;
  for (i = 0; i < n; i++) {
    unsigned c = (unsigned char)s[i];
    if (oa_hex_value(c) < 16) {
      groups += !digits; /* a group counts from its first digit */
      if (++digits > 4) return 0;
    } else if (c == '.') {
      if (!oa_url_ipv4(s + i - digits, n - i + digits, NULL)) return 0;
      groups++; /* two groups, with the one its first digits opened */
      break;
    } else if (c != ':' || (digits ? i + 1 == n : i ? gap++ : n < 2 || s[1] != ':')) {
      return 0; /* another byte, a ':' ending the address, a second "::", a leading ':' alone */
    } else {
      digits = 0;
    }
  }
  return gap ? groups < 8 : groups == 8;
}

/* Host: a registered name (letters, digits, '-', '.'), which also covers
 * IPv4, or an IPv6 literal in brackets. Returns the length, 0 if invalid. */
static size_t oa_url_host(const char *s, size_t len)
{
  size_t i = 0;
  if (len && s[0] == '[') {
    for (i = 1; i < len && s[i]; i++)
      if (s[i] == ']') return oa_url_ipv6(s + 1, i - 1) ? i + 1 : 0;
    return 0;
  }
  i = oa_url_run(oa_url_host_bytes, 0, s, 0, len);
  return i && s[0] != '.' && s[0] != '-' ? i : 0;
}

/* "http://" or "https://", the letters in either case: the length, or 0 (a host is the caller's).
 * OR-ing 0x20 maps only 'H' and 'h' onto 'h', and so on. A byte is read once those before it
 * matched, so a NUL ends the reading. */
static size_t oa_url_scheme(const char *s, size_t len)
{
  size_t i = 4; /* past "http" */
  if (len < 7 || (s[0] | 0x20) != 'h' || (s[1] | 0x20) != 't' || (s[2] | 0x20) != 't' || (s[3] | 0x20) != 'p')
    return 0;
  i += (s[4] | 0x20) == 's';
  return i + 3 <= len && s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/' ? i + 3 : 0;
}

/* The decimal number of at most 6 digits at s + i: *port, and the index after it. */
static size_t oa_url_port(const char *s, size_t i, size_t len, unsigned long *port)
{
  size_t d = i;
  for (*port = 0; i < len && oa_is_digit((unsigned char)s[i]) && i - d < 6; i++)
    *port = *port * 10 + (unsigned long)(s[i] - '0');
  return i;
}

/* scheme "://" host [":" port], for the base URL and the OAuth URLs: its length, 0 if invalid. */
static inline size_t oa_url_authority(const char *s, size_t len, odeus_url *u)
{
  size_t i = oa_url_scheme(s, len), h = i ? oa_url_host(s + i, len - i) : 0;
  unsigned long scheme_port = 80u + 363u * (i - 7u), port = scheme_port; /* i is 7 or 8 with a host */
  if (!h) return 0;
  u->https = (int)(i - 7u);
  u->host.ptr = s + i;
  u->host.len = h;
  i += h;
  if (i < len && s[i] == ':') {
    i = oa_url_port(s, i + 1, len, &port);
    if (port == 0 || port > 65535) return 0; /* no digit reads as 0 */
  }
  u->explicit_port = port != scheme_port;
  u->port = (uint16_t)port;
  return i;
}

/* odeus_parse_base_url past its argument checks, as a stream's start runs it: *u is unspecified
 * on an error (the stream is then not ready). With len (size_t)-1 the URL ends at its NUL, which
 * stops every part of the grammar (a bracket's scan too): the start measures it no other way. */
static odeus_result oa_parse_base_url(const char *url, size_t len, odeus_url *u)
{
  size_t i = oa_url_authority(url, len, u), end = oa_url_run(oa_url_path_bytes, 1, url, i, len);
  /* The run ends the URL: at len, or at the NUL of one read to its NUL, so never at (size_t)-1,
   * which is tested to show the analysers the bound. */
  if (!i || (end < len ? url[end] || len != (size_t)-1 : end == (size_t)-1) || (i < end && url[i] != '/'))
    return ODEUS_ERR_BASE_URL; /* userinfo, query, fragment, junk */
  len = end;
  while (len > i && url[len - 1] == '/') len--; /* ".../api/public/" is ".../api/public" */
  u->prefix.ptr = url + i;
  u->prefix.len = len - i;
  return ODEUS_OK;
}

ODEUS_API odeus_result odeus_parse_base_url(const char *url, size_t len, odeus_url *out)
{
  odeus_url u;
  odeus_result r = url && out ? oa_parse_base_url(url, len, &u) : ODEUS_ERR_ARGUMENT;
  if (r == ODEUS_OK) *out = u;
  return r;
}

/* Where the bytes from i stop being visible ASCII (no space, no control
 * byte): len when they all are. The check and its message read the same. */
static size_t oa_url_visible(const char *s, size_t i, size_t len)
{
  while (i < len && (unsigned char)s[i] > 0x20 && s[i] != 0x7f) i++;
  return i;
}

/* An OAuth endpoint: absolute http(s) URL with a host; any visible path,
 * query and fragment after it, but no spaces or control bytes. */
static int oa_url_valid(const char *s, size_t len)
{
  odeus_url u;
  size_t i = oa_url_authority(s, len, &u);
  return i && (i == len || s[i] == '/' || s[i] == '?' || s[i] == '#') && oa_url_visible(s, i, len) == len;
}

/* ---- validation ------------------------------------------------------------------ */
typedef struct oa_where {
  odeus_key key;
  size_t index;
  odeus_key member;
} oa_where;

static void oa_report(odeus_problems *pr, oa_where w, odeus_rule rule, size_t limit, size_t actual,
                      const char *text, size_t text_len)
{
  odeus_problem *p;
  if (!pr) return;
  if (pr->count < pr->capacity && pr->items) {
    p = &pr->items[pr->count];
    p->rule = rule;
    p->key = w.key;
    p->index = w.index;
    p->member = w.member;
    p->limit = limit;
    p->actual = actual;
    p->text.ptr = text;
    p->text.len = text_len;
    p->cause = ODEUS_OK;
    p->in_answer = 0;
  }
  pr->count++;
}

/* The location of member m of an object found at `at`. */
static oa_where oa_where_member(oa_where at, const oa_member *m)
{
  if (at.key == ODEUS_KEY_NONE) at.key = (odeus_key)m->key;
  else at.member = (odeus_key)m->key;
  return at;
}

/* What a string pass found (rule, at byte `at`) or, for valid text of `units` characters, the
 * member's rule it breaks (its limit in *limit); 0 when none (a caller builds a path only then). */
static inline int oa_judge_string(const odeus_str *v, const oa_member *m, int rule, size_t units, size_t *limit,
                                  size_t *at)
{
  *limit = 0;
  if (rule) return rule;
  if (units == 0 && (m->flags & OA_NONEMPTY)) {
    *limit = 1;
    return ODEUS_RULE_EMPTY;
  }
  if (m->max100 && units > m->max100 * (size_t)100) {
    *limit = m->max100 * (size_t)100;
    *at = units;
    return ODEUS_RULE_TOO_LONG;
  }
  return m->kind == OA_KIND_URL && !oa_url_valid(v->ptr, v->len) ? ODEUS_RULE_URL : 0;
}

/* A length or URL problem keeps the text, so that its line can say what is wrong with it. */
static void oa_report_string(odeus_problems *pr, oa_where w, const odeus_str *v, int rule, size_t limit, size_t at)
{
  int quote = rule == ODEUS_RULE_TOO_LONG || rule == ODEUS_RULE_URL;
  oa_report(pr, w, (odeus_rule)rule, limit, at, quote ? v->ptr : NULL, quote ? v->len : 0);
}

static void oa_check_string(const odeus_str *v, const oa_member *m, oa_where w, odeus_problems *pr)
{
  size_t units = 0, at = 0, limit;
  oa_sink count;
  int rule;
  oa_sink_init(&count, NULL, 0);
  rule = oa_string_pass(&count, v->ptr, v->len, &units, &at, NULL, 0);
  rule = oa_judge_string(v, m, rule, units, &limit, &at);
  if (rule) oa_report_string(pr, w, v, rule, limit, at);
}

/* Unique slugs: the later of two equal slugs is reported, naming it. */
static void oa_check_slugs(const odeus_auth_field *f, size_t n, odeus_problems *pr)
{
  oa_where w; /* set one by one: a constant for it would keep the unit's unnamed constants on Thumb */
  size_t i, j;
  w.key = ODEUS_KEY_AUTH_FIELDS;
  w.member = ODEUS_KEY_SLUG;
  for (i = 1; i < n; i++) {
    const odeus_str *a = &f[i].slug;
    for (j = 0; a->ptr && j < i; j++) {
      const odeus_str *b = &f[j].slug;
      if (b->ptr && a->len == b->len && OA_SAME(a->ptr, b->ptr, a->len)) {
        w.index = i;
        oa_report(pr, w, ODEUS_RULE_DUPLICATE_SLUG, 0, j, a->ptr, a->len);
        break;
      }
    }
  }
}

static int oa_oauth_allowed(const odeus_config *cfg)
{
  return cfg->auth_type == ODEUS_AUTH_OAUTH || cfg->auth_type == ODEUS_AUTH_OAUTH_DCR;
}

static void oa_check_oauth_allowed(const odeus_config *cfg, oa_where w, odeus_problems *pr)
{
  if (!oa_oauth_allowed(cfg)) oa_report(pr, w, ODEUS_RULE_NOT_ALLOWED, 0, 0, NULL, 0);
}

/* The JSON text of value v of a boolean or enum kind; ptr NULL when v is
 * none of them (unset, or out of range). */
static inline odeus_str oa_enum_name(unsigned kind, unsigned v)
{
  const char *t = oa_enum_names(kind);
  odeus_str r = { NULL, 0 };
  while (*t && --v) t += *t + 1; /* 0 wraps round: past the end, as a value after the last is */
  if (*t) {
    r.ptr = t + 1;
    r.len = (size_t)*t;
  }
  return r;
}

/* A JSON string with quotes; NULL gives null. */
static void oa_put_json_str(oa_sink *s, const char *p, size_t n)
{
  if (!p) { oa_put(s, "null", 4); return; }
  size_t units, at = 0;
  oa_putc(s, '"');
  (void)oa_string_pass(s, p, n, &units, &at, NULL, 0);
  oa_putc(s, '"');
}

/* ---- problem text ---------------------------------------------------------------
 * A problem line is safe to show as it is: what it quotes from the config
 * passes through oa_put_shown. */

/* Text, then a number, then text (after may be NULL). */
static void oa_put_number(oa_sink *s, const char *before, size_t v, const char *after)
{
  oa_puts(s, before);
  oa_put_uint(s, v);
  if (after) oa_puts(s, after);
}

static void oa_put_key(oa_sink *s, odeus_key k, const odeus_problem *p)
{
  if (k == ODEUS_KEY_OTHER) oa_put_shown(s, p->text.ptr, p->text.len, OA_SHOW_QUOTED);
  else {
    odeus_str name = oa_key_name(k);
    oa_put(s, name.ptr, name.len);
  }
}

static void oa_put_path(oa_sink *s, const odeus_problem *p)
{
  if (p->key == ODEUS_KEY_NONE) { oa_puts(s, "(body)"); return; }
  oa_put_key(s, p->key, p);
  if (p->index != ODEUS_NO_INDEX) oa_put_number(s, "[", p->index, "]");
  if (p->member != ODEUS_KEY_NONE) { oa_putc(s, '.'); oa_put_key(s, p->member, p); }
}

/* "expected" and the JSON type a key expects. */
static void oa_put_expected(oa_sink *s, const odeus_problem *p)
{
  odeus_key k = p->member != ODEUS_KEY_NONE ? p->member : p->key;
  oa_puts(s, "expected ");
  if (p->key == ODEUS_KEY_NONE || k == ODEUS_KEY_OAUTH_CLIENT) oa_puts(s, "an object");
  else if (k == ODEUS_KEY_REQUIRED) oa_puts(s, "a boolean");
  else if (k == ODEUS_KEY_AUTH_FIELDS) oa_puts(s, p->index == ODEUS_NO_INDEX ? "an array" : "an object");
  else oa_puts(s, "a string");
}

/* A length: "101 characters, max 100" when every character is one UTF-16
 * unit; otherwise "2000 UTF-16 units (1000 characters), max 1000", since
 * the limit counts units and a character above U+FFFF (most emoji) is two.
 * text (valid UTF-8, the string measured) gives the characters. */
static void oa_put_length(oa_sink *s, const odeus_problem *p)
{
  size_t i, chars = 0;
  for (i = 0; p->text.ptr && i < p->text.len; i++) chars += ((unsigned char)p->text.ptr[i] & 0xC0u) != 0x80u;
  oa_put_uint(s, p->actual);
  oa_puts(s, p->text.ptr && chars == p->actual ? " characters" : " UTF-16 units");
  if (p->text.ptr && chars != p->actual) oa_put_number(s, " (", chars, " characters)");
  oa_put_number(s, ", max ", p->limit, NULL);
}

/* Why an OAuth URL is not one (oa_url_valid refused it): the first fault,
 * in the order the URL is read. */
static void oa_put_url_fault(oa_sink *s, const char *u, size_t len)
{
  size_t i = oa_url_scheme(u, len), end, k, h, d;
  if (!i) {
    oa_puts(s, "not an absolute URL: it must start with https:// or http://");
    return;
  }
  for (end = i; end < len && u[end] != '/' && u[end] != '?' && u[end] != '#'; end++) {}
  for (k = i; k < end && u[k] != '@'; k++) {}
  if (k < end) { oa_puts(s, "a user name (user@) before the host is not accepted"); return; }
  for (k = i; k < end && (unsigned char)u[k] < 0x80; k++) {}
  if (k < end) {
    oa_puts(s, "the host is not ASCII: write an internationalised name in its xn-- (punycode) form");
    return;
  }
  h = oa_url_host(u + i, end - i);
  if (i == end || u[i] == ':') { oa_puts(s, "no host"); return; }
  k = i + h;
  if (h && k < end && u[k] == ':') {
    unsigned long port;
    d = ++k;
    k = oa_url_port(u, k, end, &port);
    if (k == d || k < end) { oa_puts(s, "the port is not a number from 1 to 65535"); return; }
    if (port == 0 || port > 65535) {
      oa_puts(s, "port ");
      oa_put(s, u + d, k - d);
      oa_puts(s, " is out of range (1 to 65535)");
      return;
    }
  } else if (!h || k < end) {
    oa_puts(s, u[i] == '[' ? "the host in brackets is not an IPv6 address"
                           : "the host is not a name (letters, digits, '-', '.') nor an IP address");
    return;
  }
  k = oa_url_visible(u, end, len);
  if (k < len) oa_put_number(s, "a space or control character at byte ", k, " (percent-encode it)");
  else oa_puts(s, "not an absolute http(s) URL with a host");
}

static void oa_put_rule(oa_sink *s, const odeus_problem *p)
{
  /* An array, not a literal: the compiler would share a literal with the
   * member table's key "required", and a program that never formats a
   * problem would then link every text of this function along with it. */
  static const char required[] = "required";
  unsigned kind = p->key == ODEUS_KEY_AUTH_TYPE ? OA_KIND_AUTH_TYPE : OA_KIND_FIELD_TYPE, i;
  odeus_str name;
  switch (p->rule) {
  case ODEUS_RULE_REQUIRED: oa_puts(s, required); break;
  case ODEUS_RULE_EMPTY: oa_puts(s, "empty, min 1 character"); break;
  case ODEUS_RULE_TOO_LONG: oa_put_length(s, p); break;
  case ODEUS_RULE_UTF8: oa_put_number(s, "invalid UTF-8 at byte ", p->actual, NULL); break;
  case ODEUS_RULE_NUL: oa_put_number(s, "U+0000 at byte ", p->actual, NULL); break;
  case ODEUS_RULE_ENUM:
    if (p->text.ptr) { oa_putc(s, '"'); oa_put_shown(s, p->text.ptr, p->text.len, OA_SHOW_QUOTED); oa_putc(s, '"'); }
    else oa_put_number(s, "value ", p->actual, NULL);
    oa_puts(s, " is not one of ");
    if (p->member == ODEUS_KEY_REQUIRED) { oa_puts(s, "true, false"); break; }
    for (i = 1; (name = oa_enum_name(kind, i)).ptr; i++) {
      if (i > 1) oa_puts(s, ", ");
      oa_put(s, name.ptr, name.len);
    }
    break;
  case ODEUS_RULE_DUPLICATE_SLUG: /* escaped: a slug may hold any character */
    oa_puts(s, "duplicate slug \"");
    oa_put_shown(s, p->text.ptr, p->text.len, OA_SHOW_JSON);
    oa_putc(s, '"');
    break;
  case ODEUS_RULE_NOT_ALLOWED: oa_puts(s, "only allowed when authType is OAUTH or OAUTH_DCR"); break;
  case ODEUS_RULE_URL:
    if (p->text.ptr) oa_put_url_fault(s, p->text.ptr, p->text.len);
    else oa_puts(s, "not an absolute http(s) URL with a host");
    break;
  case ODEUS_RULE_TYPE: oa_put_expected(s, p); break;
  case ODEUS_RULE_NULL: /* the body or an element of authFields has no key to omit */
    if (p->member != ODEUS_KEY_NONE || (p->key != ODEUS_KEY_NONE && p->index == ODEUS_NO_INDEX)) {
      oa_puts(s, "null is not accepted (omit the key)");
      break;
    }
    oa_put_expected(s, p);
    oa_puts(s, ", not null");
    break;
  case ODEUS_RULE_UNKNOWN_KEY: oa_puts(s, "unknown key"); break;
  case ODEUS_RULE_DUPLICATE_KEY: oa_puts(s, "duplicate key"); break;
  case ODEUS_RULE_JSON: /* "invalid JSON escape at byte 42" */
    oa_puts(s, odeus_result_text(p->cause));
    oa_put_number(s, " at byte ", p->actual, NULL);
    break;
  case ODEUS_RULE_CAPACITY: oa_put_number(s, "more than the storage holds (", p->limit, ")"); break;
  case ODEUS_RULE_LONE_SURROGATE: oa_puts(s, "\\u escape of a lone surrogate (it has no UTF-8 form)"); break;
  default: oa_puts(s, "invalid"); break;
  }
}

/* An answer's problem reads from inside "integration" (with the answer's
 * own texts for a wrong type); written with the answer mapper, below. */
static void oa_put_answer_problem(oa_sink *s, const odeus_problem *p);

ODEUS_API size_t odeus_problem_format(const odeus_problem *p, char *buf, size_t cap)
{
  oa_sink s;
  oa_sink_init(&s, buf, cap);
  if (p && p->rule && p->in_answer) oa_put_answer_problem(&s, p);
  else if (p && p->rule) { oa_put_path(&s, p); oa_puts(&s, ": "); oa_put_rule(&s, p); }
  return oa_sink_cstr(&s);
}

/* ---- the walk: one traversal that checks and writes ----------------------------------
 * The request comes from walking the member tables, checking every rule on the way when asked
 * to: keys and rules cannot drift apart. It goes one item at a time (the head, a bracket, a
 * member), its position kept as data (oa_mark), so a window starts at the item, or the byte
 * inside a string, where the last one ended and stops once full: it costs what its bytes cost. */
/* The head, the first item; Content-Length is the body's real length, a dump's too. `inline` (see
 * oa_put): its literals' puts need no call in a speed build, and they go through a local copy of
 * the sink, whose fields the bytes written cannot alias: they stay in registers. */
static inline void oa_put_head(oa_sink *out, const oa_stream *st)
{
  const odeus_request *req = st->req;
  oa_sink t = *out, *s = &t;
  OA_PUT_LIT(s, "PATCH ");
  oa_put(s, st->url.prefix.ptr, st->url.prefix.len);
  OA_PUT_LIT(s, "/integrations/v1/");
  oa_put(s, req->integration_id, 36);
  OA_PUT_LIT(s, "/auth HTTP/1.1\r\nHost: ");
  oa_put(s, st->url.host.ptr, st->url.host.len);
  if (st->url.explicit_port) { oa_putc(s, ':'); oa_put_uint(s, st->url.port); }
  oa_put(s, "\r\nAuthorization: Bearer [REDACTED]", /* a dump's key is the literal's end */
         sizeof "\r\nAuthorization: Bearer " - 1 + (st->redact ? sizeof "[REDACTED]" - 1 : 0));
  if (!st->redact) oa_put(s, req->api_key, st->key_len);
  OA_PUT_LIT(s, "\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
                "User-Agent: odeus-auth-c/" ODEUS_AUTH_VERSION_STRING "\r\nContent-Length: ");
  oa_put_uint(s, st->content_length);
  OA_PUT_LIT(s, "\r\n\r\n");
  out->len = t.len;
}

/* Where the walk is (oa_mark.obj): the head (and the root's brace), the root object, an auth
 * field (the last one's close ends the array), the OAuth client. */
enum { OA_OBJ_HEAD, OA_OBJ_ROOT, OA_OBJ_FIELD, OA_OBJ_OAUTH };
/* By object from the root: the end of its members' rows, where its close is. The key its problems
 * are under is twice its number from the root (none, authFields, oauthClient), as is the row of
 * the root's member after the one that holds it. */
static const oa_member *const oa_walk_ends[] = {
  oa_root_members + OA_COUNT(oa_root_members), oa_field_members + OA_COUNT(oa_field_members),
  oa_oauth_members + OA_COUNT(oa_oauth_members)
};
OA_STATIC_ASSERT(walk_keys, ODEUS_KEY_AUTH_FIELDS == 2 * (OA_OBJ_FIELD - OA_OBJ_ROOT) &&
                 ODEUS_KEY_OAUTH_CLIENT == 2 * (OA_OBJ_OAUTH - OA_OBJ_ROOT) &&
                 ODEUS_KEY_AUTH_FIELDS == ODEUS_KEY_AUTH_TYPE + 1 &&
                 ODEUS_KEY_OAUTH_CLIENT == ODEUS_KEY_AUTH_TYPE + 3);
/* oa_mark.set: the object the walk is in has a member written (the next one takes a comma; back in
 * the root from a nested object, it has: the one holding it). OA_SET_QUOTE: a string or an enum,
 * whose closing quote goes out with the next key or close (one put fewer a member). */
enum { OA_SET_MEMBER = 1, OA_SET_QUOTE = 2 };

typedef struct oa_walk {
  oa_sink *s;
  const odeus_config *cfg;
  odeus_problems *check;        /* non-NULL: check every rule, report here */
  oa_mark at;                   /* the item being walked */
  oa_mark *mark;                /* a window's (else NULL): where the next window resumes */
  const oa_member *end;         /* the end of the rows of the object it is in, where its close is */
  int redact;                   /* 1: secrets written as [REDACTED] (a dump; a walk that checks never) */
} oa_walk;

/* Into object obj, whose struct is base, at item row: kept in the mark (its rows' end in the walk) as
 * the walk enters an object, rather than found again for each item. */
static void oa_walk_into(oa_walk *w, unsigned obj, const void *base, const oa_member *row)
{
  w->at.obj = obj;
  w->at.base = base;
  w->at.row = row;
  w->end = oa_walk_ends[(size_t)obj - OA_OBJ_ROOT];
}

/* Member m breaks a rule where the walk is, at (see oa_report_string); given the mark rather than
 * the walk, whose address no call then takes (see oa_walk_body). */
static void oa_walk_report(odeus_problems *check, const oa_mark *at, const oa_member *m, int rule, size_t limit,
                           size_t actual, const odeus_str *v)
{
  oa_where w = { ODEUS_KEY_NONE, ODEUS_NO_INDEX, ODEUS_KEY_NONE };
  w.key = (odeus_key)(2 * (at->obj - OA_OBJ_ROOT));
  if (at->obj == OA_OBJ_FIELD) w.index = at->field;
  oa_report_string(check, oa_where_member(w, m), v, rule, limit, actual); /* no check: it returns */
}

/* ,"key": and, but for a boolean or a nested value, the quote opening the value; no comma before
 * the object's first member, the closing quote of the value before when it has one (OA_SET_*). */
static inline void oa_walk_key(oa_walk *w, const oa_member *m)
{
  unsigned set = w->at.set;
  w->at.set = OA_SET_MEMBER;
  oa_put(w->s, m->name - 1 - set, m->name_len + 3 + set + (m->kind <= OA_KIND_FIELD_TYPE));
}

/* A string value and its key, checked and written in one pass; through a window it may stop inside,
 * marking where the next window resumes; 0 when the window filled in it (at its key, first character or
 * escape, the mark stays at the member's start: the next window redoes it, the same bytes). */
static int oa_walk_string(oa_walk *w, const odeus_str *v, const oa_member *m)
{
  const char *p = v->ptr;
  size_t n = v->len, units, at = w->at.in, limit;
  int rule;
  if (!at) oa_walk_key(w, m); /* unless resumed; once the value is read, so its copy forces no reload of it */
  if ((m->flags & OA_SECRET) && w->redact) { /* a dump's secret; a walk that checks never redacts */
    p = "[REDACTED]";
    n = 10;
  }
  w->at.offset = w->at.in = 0; /* resumed (if it was): the pass marks its stop, at an offset not 0 */
  rule = oa_string_pass(w->s, p, n, &units, &at, &w->at, w->mark != NULL); /* through a window, from `at` */
  if (w->check && (rule = oa_judge_string(v, m, rule, units, &limit, &at)) != 0)
    oa_walk_report(w->check, &w->at, m, rule, limit, at, v);
  if (w->at.offset) { /* the pass stopped, full: marked inside, or redone whole (at 0) */
    if (w->at.in) *w->mark = w->at;
    return 0;
  }
  w->at.set = OA_SET_QUOTE;
  return 1;
}

/* authFields or oauthClient, when set: its key, then into its object or
 * the first auth field ([] when there is none: the walk stays in the root). */
static void oa_walk_enter(oa_walk *w, const oa_member *m)
{
  const odeus_config *cfg = w->cfg;
  unsigned oauth = m->kind == OA_KIND_OAUTH;
  const void *base = *OA_CAT(cfg, m, void *const); /* fields or oauth_client, read as a pointer */
  if (!base) return; /* unset */
  if (oauth && !oa_oauth_allowed(cfg)) oa_walk_report(w->check, &w->at, m, ODEUS_RULE_NOT_ALLOWED, 0, 0, NULL);
  oa_walk_key(w, m); /* then [{, [] or {, a byte at a time: no literal to choose and load */
  if (oauth) {
    oa_walk_into(w, OA_OBJ_OAUTH, base, oa_oauth_members);
  } else {
    oa_putc(w->s, '[');
    if (!cfg->field_count) { oa_putc(w->s, ']'); return; } /* none: the walk stays in the root */
    oa_walk_into(w, OA_OBJ_FIELD, base, oa_field_members);
  }
  oa_putc(w->s, '{');
  w->at.set = 0;
}

/* One member: required when missing, checked and written when set; 0 when the window filled in it. */
static int oa_walk_member(oa_walk *w, const oa_member *m)
{
  const void *obj = w->at.base;
  if (m->kind <= OA_KIND_URL && OA_CAT(obj, m, odeus_str)->ptr) { /* a string set, the likeliest */
    if (!oa_walk_string(w, OA_CAT(obj, m, odeus_str), m)) return 0; /* resumed from the mark */
  } else if (m->kind >= OA_KIND_FIELDS) {
    w->at.row++;
    oa_walk_enter(w, m);
    return 1;
  } else if (!oa_member_set(obj, m)) {
    if (m->flags & OA_REQUIRED) oa_walk_report(w->check, &w->at, m, ODEUS_RULE_REQUIRED, 0, 0, NULL);
  } else {
    unsigned value = (unsigned)oa_enum_value(obj, m);
    odeus_str t = oa_enum_name(m->kind, value); /* ptr NULL for a value none of its names: broken */
    oa_walk_key(w, m);
    if (!t.ptr) oa_walk_report(w->check, &w->at, m, ODEUS_RULE_ENUM, 0, value, NULL);
    else oa_put(w->s, t.ptr, t.len); /* always valid once checked */
    if (m->kind != OA_KIND_BOOL) w->at.set = OA_SET_QUOTE; /* the key opened the enum's quote */
  }
  w->at.row++;
  return 1;
}

/* An object's closing brace and where the walk goes on: into the next auth field, or out of the
 * last one and of the array, where the slugs are compared; back in the root, at the member after
 * the one holding the object, with a member written. 0 once the root closed: the walk ends. */
static int oa_walk_close(oa_walk *w)
{
  oa_mark *at = &w->at;
  const odeus_config *cfg = w->cfg;
  unsigned obj = at->obj;
  if (at->set == OA_SET_QUOTE) oa_putc(w->s, '"');
  oa_putc(w->s, '}'); /* then ,{ or ], a byte at a time (see oa_walk_enter) */
  if (obj == OA_OBJ_FIELD && ++at->field < cfg->field_count) {
    oa_putc(w->s, ',');
    oa_putc(w->s, '{');
    at->set = 0;
    at->base = (const odeus_auth_field *)at->base + 1;
    at->row = oa_field_members;
  } else if (obj == OA_OBJ_ROOT) {
    return 0; /* the end */
  } else {
    if (obj == OA_OBJ_FIELD) oa_putc(w->s, ']');
    if (obj == OA_OBJ_FIELD && w->check) oa_check_slugs(cfg->fields, cfg->field_count, w->check);
    at->set = OA_SET_MEMBER;
    oa_walk_into(w, OA_OBJ_ROOT, cfg, oa_root_members + (size_t)2 * (obj - OA_OBJ_ROOT)); /* after its member */
  }
  return 1;
}

/* The walk, one item at a time (a member, a close; the head before) from where it is: an item that starts
 * within the window is where the next window may resume, so a window costs what its bytes cost (the
 * mark copied only within OA_WALK_MARK_REACH of its end: a key and an escape, an enum or a close is
 * shorter, as unit_core holds; a string's pass marks where it stops). `inline`: a speed build walks
 * in oa_walk_body's frame, where the walk is a local (about 200 instructions); a size build did. */
#define OA_WALK_MARK_REACH 64
static inline void oa_walk_request(oa_walk *w)
{
  oa_mark *at = &w->at, *mark = w->mark;
  oa_sink *s = w->s;
  size_t end = s->skip + s->cap;
  for (;;) {
    if (mark && s->len + OA_WALK_MARK_REACH >= end) {
      if (s->len <= end) {
        at->offset = s->len;
        *mark = *at;
      }
      if (s->len >= end) return;
    }
    if (at->row == w->end ? !oa_walk_close(w) : !oa_walk_member(w, at->row))
      return; /* the window filled, or the root closed */
  }
}

/* The body into a sink (one without a buffer counts), checked in the same pass when check is
 * given: each broken rule is added to it. Given a stream, its next window instead: the head too,
 * from where the last one ended, and where this one ends into st->mark. redact: 0 or 1. Past the
 * head, the walk puts into a copy of the sink whose address no call takes: the bytes it writes cannot
 * alias the copy's fields, which stay in registers across puts where the caller's were reloaded. */
static void oa_walk_body(const odeus_config *cfg, oa_sink *out, odeus_problems *check, int redact, oa_stream *st)
{
  oa_walk w;
  oa_sink s;
  w.s = out;
  w.cfg = cfg;
  w.check = check;
  w.redact = redact;
  w.mark = NULL; /* no window: at the head */
  if (!st) memset(&w.at, 0, sizeof w.at);
  else w.at = *(w.mark = &st->mark); /* where the window resumes */
  out->len = w.at.offset;
  if (w.at.obj == OA_OBJ_HEAD) { /* the first item, at offset 0: where a window's mark already is */
    if (st && !st->body_only) oa_put_head(out, st);
    oa_putc(out, '{');
    oa_walk_into(&w, OA_OBJ_ROOT, cfg, oa_root_members);
  }
  s = *out;
  w.s = &s;
  w.end = oa_walk_ends[(size_t)w.at.obj - OA_OBJ_ROOT]; /* again after the head (an else: +30); widened first, x86 folds the 1 in */
  oa_walk_request(&w);
  out->len = s.len;
}

static int oa_config_usable(const odeus_config *cfg)
{
  return cfg && (cfg->fields || !cfg->field_count);
}

ODEUS_API odeus_result odeus_validate_config(const odeus_config *cfg, odeus_problems *problems)
{
  odeus_problems none = { NULL, 0, 0 }, *pr = problems ? problems : &none;
  size_t before = pr->count;
  oa_sink s;
  if (!oa_config_usable(cfg)) return ODEUS_ERR_ARGUMENT;
  oa_sink_init(&s, NULL, 0);
  oa_walk_body(cfg, &s, pr, 0, NULL);
  return pr->count != before ? ODEUS_ERR_CONFIG : ODEUS_OK;
}

/* ---- writers ------------------------------------------------------------------------ */
ODEUS_API odeus_result odeus_write_body(const odeus_config *cfg, char *buf, size_t cap, size_t *needed)
{
  odeus_problems found = { NULL, 0, 0 };
  oa_sink s;
  if ((!buf && cap) || !oa_config_usable(cfg)) return ODEUS_ERR_ARGUMENT;
  oa_sink_init(&s, buf, cap);
  oa_walk_body(cfg, &s, &found, 0, NULL);
  if (found.count) return ODEUS_ERR_CONFIG;
  if (needed) *needed = s.len;
  return s.len <= cap ? ODEUS_OK : ODEUS_ERR_BUFFER_TOO_SMALL;
}

/* The request as sent (redact: as dumped), checked and measured in one walk, ready to stream. */
OA_STATIC_ASSERT(stream_counts, offsetof(oa_stream, content_length) < offsetof(oa_stream, total) &&
                 offsetof(oa_stream, total) < offsetof(oa_stream, offset) &&
                 offsetof(oa_stream, offset) < offsetof(oa_stream, mark) &&
                 offsetof(oa_stream, mark) < offsetof(oa_stream, key_len));
static odeus_result oa_stream_begin_as(oa_stream *st, const odeus_request *req, int redact, int body_only)
{
  odeus_problems none = { NULL, 0, 0 }, *found;
  size_t before;
  oa_sink s;
  odeus_result r = ODEUS_OK;
  /* Nothing to produce, at the request's start: its counts and its mark, which lie between
   * content_length and key_len (the assertion below holds them there; the rest is set once ready). */
  memset(&st->content_length, 0, offsetof(oa_stream, key_len) - offsetof(oa_stream, content_length));
  if (!req || !oa_config_usable(req->config) || (!body_only && !req->integration_id)) return ODEUS_ERR_ARGUMENT;
  found = req->problems ? req->problems : &none;
  before = found->count;
  if (!body_only) { /* what can be wrong besides the body, in the order a user fixes it */
    const char *base = req->base_url ? req->base_url : ODEUS_DEFAULT_BASE_URL;
    const char *key = req->api_key;
    size_t key_len = st->key_len = key ? oa_key_run(key, (size_t)-1) : 0; /* a valid key's run ends at its NUL */
    odeus_result key_r = key_len && !key[key_len] ? ODEUS_OK : ODEUS_ERR_API_KEY;
    r = oa_parse_base_url(base, (size_t)-1, &st->url);
    if (r == ODEUS_OK) r = key_r;
    /* Its 36 bytes hold no NUL once they are a UUID: only then is the 37th read, and must end it. */
    if (r == ODEUS_OK && (odeus_validate_id(req->integration_id, 36) || req->integration_id[36])) r = ODEUS_ERR_ID;
  }
  oa_sink_init(&s, NULL, 0);
  if (r == ODEUS_OK) oa_walk_body(req->config, &s, found, 0, NULL);
  if (found->count != before) r = ODEUS_ERR_CONFIG;
  if (r != ODEUS_OK) return r;
  st->req = req;
  st->content_length = s.len;
  st->body_only = body_only;
  st->redact = redact;
  if (redact) oa_walk_body(req->config, &s, NULL, 1, NULL); /* the dump's body is shorter */
  if (!body_only) oa_put_head(&s, st);                         /* counted on from the body's end */
  st->total = s.len;
  return ODEUS_OK;
}

static odeus_result oa_stream_begin(oa_stream *st, const odeus_request *req)
{
  return oa_stream_begin_as(st, req, 0, 0);
}

/* The next bytes of the request into window; 0 once all were produced. */
static size_t oa_stream_next(oa_stream *st, char *window, size_t cap)
{
  oa_sink s;
  size_t n = OA_MIN(cap, st->total - st->offset);
  if (!n) return 0; /* none left (every window has room); a stream that did not begin has none */
  s.buf = window; /* never NULL: no test of it; the walk sets s.len where it starts */
  s.cap = cap;
  s.skip = st->offset;
  oa_walk_body(st->req->config, &s, NULL, st->redact, st);
  st->offset += n;
  return n;
}

/* The request into buf (unspecified on an error), snprintf-like: mode 0, or OA_WRITE_REDACTED
 * (secrets as [REDACTED]), or OA_WRITE_HEAD (the head alone). */
#define OA_WRITE_REDACTED 1
#define OA_WRITE_HEAD 2
static odeus_result oa_write_request(const odeus_request *req, char *buf, size_t cap, size_t *needed, int mode)
{
  oa_stream st;
  size_t n;
  odeus_result r = !buf && cap ? ODEUS_ERR_ARGUMENT : oa_stream_begin_as(&st, req, mode & OA_WRITE_REDACTED, 0);
  if (r != ODEUS_OK) return r;
  n = mode & OA_WRITE_HEAD ? st.total - st.content_length : st.total;
  if (cap) (void)oa_stream_next(&st, buf, OA_MIN(cap, n));
  if (needed) *needed = n;
  return n <= cap ? ODEUS_OK : ODEUS_ERR_BUFFER_TOO_SMALL;
}

ODEUS_API odeus_result odeus_write_request_redacted(const odeus_request *req, char *buf, size_t cap,
                                                    size_t *needed)
{
  return oa_write_request(req, buf, cap, needed, OA_WRITE_REDACTED);
}

ODEUS_API odeus_result odeus_write_head(const odeus_request *req, char *buf, size_t cap, size_t *needed)
{
  return oa_write_request(req, buf, cap, needed, OA_WRITE_HEAD);
}

ODEUS_API odeus_result odeus_write_body_to(const odeus_config *cfg, char *window, size_t cap,
                                           odeus_write_fn fn, void *ctx)
{
  odeus_request req = { NULL, NULL, NULL, cfg, NULL };
  oa_stream st;
  odeus_result r;
  size_t n;
  if (!window || !cap || !fn || !oa_config_usable(cfg)) return ODEUS_ERR_ARGUMENT;
  r = oa_stream_begin_as(&st, &req, 0, 1);
  while (r == ODEUS_OK && (n = oa_stream_next(&st, window, cap)) > 0)
    if (fn(ctx, window, n) != 0) r = ODEUS_ERR_IO;
  odeus_wipe(window, cap); /* it may have held a clientSecret */
  return r;
}
/* ---- HTTP/1.1 response parser -----------------------------------------------
 * Any split of the bytes gives what one feed of them all gives: the whole memory is this struct, no
 * line is buffered, and every error is decided by the offending byte alone. Body bytes (de-chunked)
 * come back from oa_http_run in spans, as few as the input allows: the exchange hands them to the
 * answer reader itself; oa_http_feed, to on_body (whole pieces, as the tests and the fuzzer feed it).
 *
 * Read: the status line (HTTP/1.x, a 3-digit status, the reason phrase); header fields, names in
 * any case; Content-Length; chunked bodies with extensions (skipped) and trailers (checked, then
 * ignored); a body read until the peer closes. 1xx responses (101 too: we never ask for an upgrade)
 * are skipped. 1xx, 204 and 304 have no body.
 *
 * Strict, each with its own code: Content-Length with Transfer-Encoding (CL_AND_TE); a
 * Transfer-Encoding other than exactly "chunked", or a second one (TE); a second Content-Length,
 * even identical (CL_DUPLICATE); one that is empty or holds a non-digit, a list included
 * (CL_INVALID), or exceeds 2^64-1 (CL_OVERFLOW); a chunk size that is empty, holds a non-hex byte
 * or whitespace not followed by ';' (CHUNK_SIZE) or exceeds 2^64-1 (CHUNK_OVERFLOW); chunk data not
 * followed by CRLF (CHUNK_CRLF); a line starting with SP or HTAB (OBS_FOLD); CR not followed by LF
 * (BARE_CR); NUL, DEL, a bare LF or another control byte in the head, trailers or a chunk line
 * (CONTROL; HTAB is allowed in values); a field name that is not a token or lacks its ':' (HEADER);
 * anything but "HTTP/1.<digit> <100..999> [reason]" as the status line (STATUS_LINE; lowercase
 * "http" included); a head longer than head_max (HEAD_TOO_LONG; skipped 1xx heads count too; the
 * trailers, and each chunk-size line with the CRLF before it, have a head_max of their own); a body
 * past body_max (BODY_TOO_LARGE: as soon as a Content-Length or chunk size says so, else after
 * delivering exactly body_max bytes); the peer closing before the end (TRUNCATED).
 *
 * keep_alive: HTTP/1.1 keeps the connection unless "Connection: close"; HTTP/1.0 closes it unless
 * "Connection: keep-alive" (always with Transfer-Encoding); a body read until close never keeps it.
 *
 * Retry-After: delta-seconds (SECONDS, leading zeros allowed; past 2^32-1 TOO_LARGE with
 * UINT32_MAX) or an IMF-fixdate such as "Sun, 06 Nov 1994 08:49:37 GMT" (DATE, value = 784111777:
 * seconds since 1970; the weekday must match; years before 1970 are INVALID). Anything else, the
 * RFC 850 and asctime forms and a second Retry-After included, is INVALID, value 0.
 *
 * oa_http_init: for one response (for the next on a kept-alive connection, init again and feed the
 * bytes left unused). oa_http_feed consumes up to the end of the message, the rest belonging to the
 * next response (*used, may be NULL, counts; on an error, the bytes before the offending one, those
 * handed to on_body included) and returns ODEUS_OK (more needed, or done is set), an
 * ODEUS_ERR_HTTP_* code or on_body's nonzero return, then the same on every call. Once done it
 * consumes nothing. oa_http_finish: the peer closed; it completes a body read until close, else
 * ODEUS_ERR_HTTP_TRUNCATED unless done. */

enum {
  /* Text states: their bytes count against head_max. */
  OA_HTTP_STATUS = 0,   /* "HTTP/1.x NNN ": sub = position in it */
  OA_HTTP_NAME,         /* a field line's name, or the empty line: sub = where it
                           goes on in oa_http_names (0: the line's start) */
  OA_HTTP_VALUE,        /* field value of hdr, or the reason phrase: sub = hdr's progress */
  OA_HTTP_CHUNK_SIZE,   /* the chunk-size line up to CR: sub = OA_HTTP_Z_*, num = size */
  OA_HTTP_CRLF,         /* the end of a line: sub = OA_HTTP_AT_* */
  /* Data states: body bytes, returned in spans; num = bytes left. */
  OA_HTTP_BODY_CL,
  OA_HTTP_BODY_CLOSE,   /* everything until the peer closes */
  OA_HTTP_CHUNK_DATA     /* (done says the message ended, in any state) */
};

/* In OA_HTTP_CRLF: the line whose CR was read. */
enum { OA_HTTP_AT_LINE = 0, OA_HTTP_AT_END, OA_HTTP_AT_CHUNK };

/* In OA_HTTP_CHUNK_SIZE: before the hex digits, in them, OWS after them (only ';' may follow), an
 * extension (skipped up to CR); before them, the CR and the LF that end the chunk data before. */
enum { OA_HTTP_Z_START = 0, OA_HTTP_Z_DIGITS, OA_HTTP_Z_WS, OA_HTTP_Z_EXT, OA_HTTP_Z_CR, OA_HTTP_Z_LF };

/* The header fields the parser acts on (hdr); 0 is any other name. */
enum {
  OA_HTTP_H_OTHER = 0, OA_HTTP_H_CONTENT_LENGTH, OA_HTTP_H_TRANSFER_ENCODING, OA_HTTP_H_CONNECTION,
  OA_HTTP_H_RETRY_AFTER, OA_HTTP_H_REASON /* the status line's reason phrase: vlen = bytes kept */
};
/* Their names, then the words an item may be (see oa_http_item_byte),
 * lowercase. A name or word is matched as its bytes arrive, in any case: its first byte chooses the
 * entry it may be, connection (held past "conn") is taken up where it parts from content-length,
 * and sub holds where it goes on here (OA_HTTP_N_NONE for a name, 0 for a word: none). The control
 * byte after an entry is what it means, whole: a name's OA_HTTP_H_*, a Connection token's flag
 * (OA_HTTP_F_CLOSE, _KEEP_ALIVE), 1 for chunked. */
static const char oa_http_names[] =
  "\0content-length\1transfer-encoding\2ection\3retry-after\4close\2keep-alive\4chunked\1";
#define OA_HTTP_N_CONTENT_LENGTH    1u
#define OA_HTTP_N_TRANSFER_ENCODING (OA_HTTP_N_CONTENT_LENGTH + sizeof "content-length")
#define OA_HTTP_N_CONNECTION_CONN   (OA_HTTP_N_TRANSFER_ENCODING + sizeof "transfer-encoding")
#define OA_HTTP_N_RETRY_AFTER       (OA_HTTP_N_CONNECTION_CONN + sizeof "ection")
#define OA_HTTP_W_CLOSE             (OA_HTTP_N_RETRY_AFTER + sizeof "retry-after")
#define OA_HTTP_W_KEEP_ALIVE        (OA_HTTP_W_CLOSE + sizeof "close")
#define OA_HTTP_W_CHUNKED           (OA_HTTP_W_KEEP_ALIVE + sizeof "keep-alive")
#define OA_HTTP_N_NONE              (sizeof oa_http_names - 1)  /* its NUL: nothing goes on it */

/* flags: what this head said so far (reset for every head). */
#define OA_HTTP_F_HTTP10     0x01u  /* the status line said HTTP/1.0 */
#define OA_HTTP_F_CLOSE      0x02u  /* Connection has the token "close" */
#define OA_HTTP_F_KEEP_ALIVE 0x04u  /* Connection has the token "keep-alive" */
#define OA_HTTP_F_TRAILER    0x08u  /* reading the trailer section */

typedef const unsigned char *oa_http_ptr;

/* A byte a field value or the reason phrase may hold: HTAB, SP, VCHAR, obs-text (OA_TEXT, found by
 * oa_span); CR, LF and the other control bytes end a span. */
#define OA_HTTP_TEXT(c) OA_SPANS(c, OA_TEXT)

/* Whether byte c is a token character (tchar): a letter (the likeliest, tested first; the test is
 * a byte wide, so c must be one), else bit c - 0x20 of the set. */
static int oa_http_tchar(unsigned c)
{
  static const unsigned char tchar[12] = { 0xfa, 0x6c, 0xff, 0x03, 0xfe, 0xff, 0xff, 0xc7, 0xff, 0xff, 0xff, 0x57 };
  return (unsigned char)((c | 0x20u) - 'a') < 26u || oa_in_set96(tchar, c);
}

#define OA_HTTP_OWS(c) ((c) == ' ' || (c) == '\t')

/* Records the first error; s stays on the offending byte (not consumed). */
static oa_http_ptr oa_http_fail(oa_http *p, oa_http_ptr s, odeus_result r)
{
  p->error = (int)r;
  return s;
}

/* ---- Retry-After: an IMF-fixdate ------------------------------------------ */

/* Days from 1970-01-01 to y-m-d (y >= 1970; m = 13 is January of y + 1),
 * proleptic Gregorian. Years are counted from March, so the leap day is the last day of the year
 * and every month's offset follows one formula. Years 1970..9999 give less than 2^32; 32 bits keep
 * a 64-bit division helper out of 32-bit builds. */
static uint32_t oa_http_days(unsigned y, unsigned m, unsigned d)
{
  unsigned yy = m <= 2 ? y - 1 : y;
  return 365u * yy + yy / 4 - yy / 100 + yy / 400 + (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1 - 719468u;
}

/* The n digits at v (checked already). */
static unsigned oa_http_dec(const char *v, unsigned n)
{
  unsigned x = 0;
  while (n--) x = x * 10 + (unsigned)(*v++ - '0');
  return x;
}

/* An IMF-fixdate's shape ('a': a letter of a name, '0': a digit, else that byte) and its length. */
#define OA_HTTP_DATE_SHAPE "aaa, 00 aaa 0000 00:00:00 GMT"
#define OA_HTTP_DATE_LEN   (sizeof OA_HTTP_DATE_SHAPE - 1)

/* The bytes "Sun, 06 Nov 1994 08:49:37 GMT" -> seconds since 1970. Exactly that shape, names in
 * RFC 9110's case, each number in its range; the weekday must be the date's. */
static int oa_http_imf_date(const char *v, uint64_t *out)
{
  static const char shape[] = OA_HTTP_DATE_SHAPE;
  /* the months, then the weekdays from 1970-01-01, a Thursday */
  static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDecThuFriSatSunMonTueWed";
  unsigned i, mon = 0, day, year, hour, min, sec;
  uint32_t days;
  for (i = 0; i < OA_HTTP_DATE_LEN; i++) {
    unsigned c = (unsigned char)v[i], t = (unsigned char)shape[i];
    if (t == '0' ? !oa_is_digit(c) : t != 'a' && c != t) return 0;
  }
  day = oa_http_dec(v + 5, 2);
  year = oa_http_dec(v + 12, 4);
  hour = oa_http_dec(v + 17, 2);
  min = oa_http_dec(v + 20, 2);
  sec = oa_http_dec(v + 23, 2);
  while (mon < 12 && !OA_SAME(v + 8, names + (size_t)3 * mon, 3)) mon++;
  if (mon == 12 || year < 1970 || !day || hour > 23 || min > 59 || sec > 60) /* 60: a leap second */
    return 0;
  days = oa_http_days(year, mon + 1, day);
  if (days >= oa_http_days(year, mon + 2, 1)) return 0; /* past the month's last day */
  if (!OA_SAME(v, names + 36 + (size_t)3 * (days % 7), 3)) return 0;
  *out = (uint64_t)days * 86400u + (hour * 3600u + min * 60u + sec);
  return 1;
}

/* ---- the header fields we act on --------------------------------------------
 * Each value is read as it arrives, sub holding the progress; OWS around it is skipped. */

/* Content-Length, Transfer-Encoding and each Connection token are one item: vlen holds its phase
 * (OA_HTTP_V_*: OWS before it, in it, OWS after it, where only CR, or ',' in Connection, may follow)
 * and sub where the word it may be (chosen by its first byte) goes on in oa_http_names, 0 for none.
 * Connection's "close" and "keep-alive" set their flags, any other token means nothing to us. */
enum { OA_HTTP_V_BEFORE = 0, OA_HTTP_V_IN, OA_HTTP_V_AFTER };

/* Whether c goes on the entry at w: it is oa_http_names[w] in either case. c | 0x20 is a letter for
 * that letter in either case, never an entry's end, and '-' for '-' but also for CR, which the loops
 * following a name or a word refuse themselves ("Content\rLength" is no name of ours). */
static int oa_http_goes_on(size_t w, unsigned c)
{
  return (c | 0x20u) == (unsigned char)oa_http_names[w];
}

/* What the entry whole at w means (0: none is whole there). */
static unsigned oa_http_whole(size_t w)
{
  unsigned m = (unsigned char)oa_http_names[w];
  return m < 0x20u ? m : 0u;
}

static odeus_result oa_http_item_byte(oa_http *p, unsigned c)
{
  unsigned hdr = p->hdr, phase = p->vlen, w = p->sub;
  int conn = hdr == OA_HTTP_H_CONNECTION, te = hdr == OA_HTTP_H_TRANSFER_ENCODING;
  if (OA_HTTP_OWS(c)) {
    if (phase && !oa_http_whole(w)) { /* a word cut short is no word */
      if (te) return ODEUS_ERR_HTTP_TE;
      w = 0;
    }
    if (phase) phase = OA_HTTP_V_AFTER;
  } else if (conn && c == ',') {
    p->flags |= oa_http_whole(w);
    phase = w = 0;
  } else if (hdr == OA_HTTP_H_CONTENT_LENGTH) {
    uint64_t d = c - '0', v = p->content_length * 10 + d;
    if (d > 9 || phase == OA_HTTP_V_AFTER) return ODEUS_ERR_HTTP_CL_INVALID;
    if (p->content_length > UINT64_MAX / 10 || v < d) return ODEUS_ERR_HTTP_CL_OVERFLOW; /* v wrapped */
    p->content_length = v;
    phase = OA_HTTP_V_IN;
  } else {
    static const unsigned char first[3] = { OA_HTTP_W_CLOSE, OA_HTTP_W_KEEP_ALIVE, OA_HTTP_W_CHUNKED };
    if (phase == OA_HTTP_V_BEFORE) /* c and k differ in bit 3 (after OWS, w is whole or none: nothing goes on it) */
      w = first[te ? 2 : (c >> 3) & 1u];
    phase = OA_HTTP_V_IN;
    w = oa_http_goes_on(w, c) ? w + 1 : 0;
    if (!w && te) return ODEUS_ERR_HTTP_TE;
  }
  p->sub = w;
  p->vlen = phase;
  return ODEUS_OK;
}

/* Retry-After: the bytes from the first that is not OWS kept in val (a
 * whole date fits), num its value as delta-seconds (it stops once past 2^32 - 1). */
#define OA_HTTP_R_OWS    1u  /* the last byte was OWS */
#define OA_HTTP_R_NOTNUM 2u  /* not delta-seconds: a non-digit, or OWS inside */
#define OA_HTTP_R_LONG   4u  /* not a date: a byte that is not OWS past its length */

static void oa_http_retry_byte(oa_http *p, unsigned c)
{
  unsigned ows = (unsigned)OA_HTTP_OWS(c), sub = p->sub;
  if (!p->vlen && ows) return;
  if (!ows) {
    if (!oa_is_digit(c) || (sub & OA_HTTP_R_OWS)) sub |= OA_HTTP_R_NOTNUM;
    if (p->vlen >= OA_HTTP_DATE_LEN) sub |= OA_HTTP_R_LONG;
    if (p->num <= UINT32_MAX) p->num = p->num * 10 + (c - '0');
  }
  p->sub = (sub & ~OA_HTTP_R_OWS) | ows;
  if (p->vlen < sizeof p->val) p->val[p->vlen++] = (char)c;
}

static void oa_http_retry_end(oa_http *p)
{
  p->retry_kind = OA_RETRY_INVALID;
  if (p->vlen && !(p->sub & OA_HTTP_R_NOTNUM)) {
    p->retry_kind = OA_RETRY_SECONDS;
    p->retry_value = p->num; /* (0 before: the head's first Retry-After) */
  } else if (p->vlen >= OA_HTTP_DATE_LEN && !(p->sub & OA_HTTP_R_LONG)) {
    p->retry_kind = OA_RETRY_DATE; /* what follows its bytes is OWS; read when asked */
  }
}

/* The head's Retry-After: its kind, and in *value its seconds (a date's
 * since 1970). A date is read from val, and seconds past 2^32 - 1 told, here when a retry asks: a
 * program that never retries carries neither. */
static oa_retry_kind oa_http_retry_after(const oa_http *p, uint64_t *value)
{
  *value = OA_MIN(p->retry_value, UINT32_MAX); /* (0 but for seconds) */
  if (p->retry_kind == OA_RETRY_SECONDS && p->retry_value > UINT32_MAX) return OA_RETRY_TOO_LARGE;
  if (p->retry_kind != OA_RETRY_DATE) return p->retry_kind;
  return oa_http_imf_date(p->val, value) ? OA_RETRY_DATE : OA_RETRY_INVALID;
}

/* The ':' after a field name (hdr): the checks that need only the name. An earlier field of the
 * same head was read whole (else the parser stopped there), so what it set says it was seen. */
static odeus_result oa_http_name_end(oa_http *p)
{
  /* framed twice: by header (CL, TE) and what framed first (none, CL, chunked) */
  static const signed char twice[2][3] = { { 0, ODEUS_ERR_HTTP_CL_DUPLICATE, ODEUS_ERR_HTTP_CL_AND_TE },
                                           { 0, ODEUS_ERR_HTTP_CL_AND_TE, ODEUS_ERR_HTTP_TE } };
  unsigned hdr = p->hdr - OA_HTTP_H_CONTENT_LENGTH;
  int r = hdr < 2 ? twice[hdr][p->has_content_length | p->chunked << 1] : 0;
  if (r) return (odeus_result)r;
  if (p->hdr == OA_HTTP_H_RETRY_AFTER && p->retry_kind != OA_RETRY_ABSENT) {
    p->retry_kind = OA_RETRY_INVALID; p->retry_value = 0; /* two answers: neither is trusted */
    p->hdr = OA_HTTP_H_OTHER;
  }
  p->sub = p->vlen = 0; /* (num: read by a head's first Retry-After only; head_end sets it anew) */
  return ODEUS_OK;
}

/* The CR ending a value of hdr. */
static odeus_result oa_http_value_end(oa_http *p)
{
  switch (p->hdr) {
  case OA_HTTP_H_CONTENT_LENGTH:
    if (p->vlen == OA_HTTP_V_BEFORE) return ODEUS_ERR_HTTP_CL_INVALID;
    p->has_content_length = 1;
    break;
  case OA_HTTP_H_TRANSFER_ENCODING:
    if (!oa_http_whole(p->sub)) return ODEUS_ERR_HTTP_TE;
    p->chunked = 1;
    break;
  case OA_HTTP_H_CONNECTION: p->flags |= oa_http_whole(p->sub); break; /* as at a ',' */
  case OA_HTTP_H_RETRY_AFTER: oa_http_retry_end(p); break;
  default: break;
  }
  return ODEUS_OK;
}

/* ---- heads, sections, the end of a message ---------------------------------- */

/* Before a status line: forget what an earlier (1xx) head said, but its status and reason, kept
 * until the next status line has its own. The fields from chunked to vlen are that, and zero is
 * their start (OA_RETRY_ABSENT, OA_HTTP_STATUS; no body was read); head_len is not: skipped heads
 * count too. */
static void oa_http_new_head(oa_http *p)
{
  memset((char *)p + offsetof(oa_http, chunked), 0, offsetof(oa_http, head_len) - offsetof(oa_http, chunked));
}
OA_STATIC_ASSERT(http_head_fields, offsetof(oa_http, vlen) < offsetof(oa_http, head_len) &&
                                   offsetof(oa_http, head_len) < offsetof(oa_http, val));

/* The trailer section and each chunk line get a head_max of their own:
 * head_len restarts as what of oa_http_text's span follows the LF. (num is 0 at both: a chunked
 * head has no Content-Length, trailers follow size 0.) */
static void oa_http_new_section(oa_http *p, unsigned state, size_t rest)
{
  p->state = state;
  p->head_len = rest;
  p->sub = 0;
}

/* The empty line after a head (decide how the body is framed) or after the trailers. */
static odeus_result oa_http_head_end(oa_http *p, size_t rest)
{
  unsigned f = p->flags;
  uint64_t bound = p->body_max ? p->body_max : UINT64_MAX;
  if (f & OA_HTTP_F_TRAILER) { p->done = 1; return ODEUS_OK; }
  if (p->status < 200) { oa_http_new_head(p); return ODEUS_OK; } /* interim: skip */
  p->head_done = 1;
  /* Kept: bit i of 0x1131, i the three flags below 8 and chunked as 8: 0, 4,
   * 8, 12 (HTTP/1.1 without close) and 5 (HTTP/1.0 keep-alive, not chunked). */
  p->keep_alive = (int)((0x1131u >> ((f & 7u) | (unsigned)p->chunked << 3)) & 1u);
  p->num = p->content_length;
  if (p->status == 204 || p->status == 304 || (p->has_content_length && !p->num)) {
    p->done = 1;
  } else if (p->chunked) {
    oa_http_new_section(p, OA_HTTP_CHUNK_SIZE, rest);
  } else if (p->has_content_length) {
    if (p->num > bound) return ODEUS_ERR_HTTP_BODY_TOO_LARGE;
    p->state = OA_HTTP_BODY_CL;
  } else { /* until close: never kept; num counts body_max down (no bound: 2^64 - 1) */
    p->keep_alive = 0; p->num = bound;
    p->state = OA_HTTP_BODY_CLOSE;
  }
  return ODEUS_OK;
}

/* ---- the text states, one span at a time --------------------------------------
 * Each returns where it stopped: on an error, with p->error set, at the offending byte. */

/* The byte after a line's CR: LF, else BARE_CR. */
static oa_http_ptr oa_http_crlf(oa_http *p, oa_http_ptr s, oa_http_ptr e)
{
  unsigned at = p->sub;
  odeus_result r = ODEUS_OK;
  if (*s != '\n') return oa_http_fail(p, s, ODEUS_ERR_HTTP_BARE_CR);
  switch (at) {
  case OA_HTTP_AT_LINE: p->state = OA_HTTP_NAME; break; /* sub: 0, the line's start */
  case OA_HTTP_AT_END: r = oa_http_head_end(p, (size_t)(e - s) - 1); break;
  default: /* AT_CHUNK: the data, or (size 0) the trailers */
    if (p->body_max && p->num > p->body_max - p->body_read) r = ODEUS_ERR_HTTP_BODY_TOO_LARGE;
    else if (p->num) p->state = OA_HTTP_CHUNK_DATA;
    else { p->flags |= OA_HTTP_F_TRAILER; oa_http_new_section(p, OA_HTTP_NAME, (size_t)(e - s) - 1); }
    break;
  }
  return r != ODEUS_OK ? oa_http_fail(p, s, r) : s + 1;
}

/* The byte at s ended a span of text: a CR ends the line (its LF, when
 * there, is read here), any other byte is a control byte. */
static oa_http_ptr oa_http_eol(oa_http *p, oa_http_ptr s, oa_http_ptr e, unsigned at)
{
  if (s == e) return s;
  if (*s != '\r') return oa_http_fail(p, s, ODEUS_ERR_HTTP_CONTROL);
  p->state = OA_HTTP_CRLF;
  p->sub = at;
  return ++s < e ? oa_http_crlf(p, s, e) : s;
}

/* A value byte of hdr (not OA_HTTP_H_OTHER); the reason is cut to fit. */
static odeus_result oa_http_value_byte(oa_http *p, unsigned c)
{
  if (p->hdr == OA_HTTP_H_RETRY_AFTER) oa_http_retry_byte(p, c);
  else if (p->hdr < OA_HTTP_H_RETRY_AFTER) return oa_http_item_byte(p, c);
  else if (p->vlen < sizeof p->reason - 1) { p->reason[p->vlen++] = (char)c; p->reason[p->vlen] = '\0'; }
  return ODEUS_OK;
}

/* The first byte of a line (a tchar): the name it may begin, picked by
 * its low three bits, which tell r, c and t apart (the loop checks the letter itself); none in
 * trailers, which never frame or steer. */
static unsigned oa_http_name_start(const oa_http *p, unsigned c)
{
  static const unsigned char start[8] = { OA_HTTP_N_NONE, OA_HTTP_N_NONE, OA_HTTP_N_RETRY_AFTER,
    OA_HTTP_N_CONTENT_LENGTH, OA_HTTP_N_TRANSFER_ENCODING, OA_HTTP_N_NONE, OA_HTTP_N_NONE, OA_HTTP_N_NONE };
  return p->flags & OA_HTTP_F_TRAILER ? OA_HTTP_N_NONE : start[c & 7u];
}

/* Field lines while the span lasts, from a name (state NAME, sub its place) or a value (VALUE, of hdr):
 * a token character starts a field name, a CR at a line's start ends the head, anything else there is
 * an error. A value's bytes go up to the CR: those of a header we act on are read as they come, the
 * letters that go on a word (never none or whole: no byte goes on those) in a loop of their own. */
static oa_http_ptr oa_http_lines(oa_http *p, oa_http_ptr s, oa_http_ptr e)
{
  odeus_result r;
  size_t w = p->sub, c;
  if (p->state == OA_HTTP_VALUE) goto value;
  for (;;) {
    if (!w) { /* the line's start: s < e */
      if (*s == '\r') return oa_http_eol(p, s, e, OA_HTTP_AT_END);
      if (!oa_http_tchar(*s))
        return oa_http_fail(p, s, OA_HTTP_OWS(*s) ? ODEUS_ERR_HTTP_OBS_FOLD : ODEUS_ERR_HTTP_HEADER);
      w = oa_http_name_start(p, *s);
    }
    for (; s < e; s++) {
      while (oa_http_goes_on(w, *s) && *s != '\r') { w++; if (++s == e) goto out; } /* ours; CR | 0x20 is '-' */
      if ((c = *s) == ':' || !oa_http_tchar(*s)) break; /* (':' ends a name of ours: tested first) */
      else if (w == OA_HTTP_N_CONTENT_LENGTH + 3 && (c | 0x20u) == 'n') w = OA_HTTP_N_CONNECTION_CONN; /* "con" */
      else { /* no name of ours: the rest is only checked */
        w = OA_HTTP_N_NONE;
        while (++s < e && oa_http_tchar(*s)) {}
        break;
      }
    }
  out:
    p->sub = (unsigned)w;
    if (s == e) return s;
    if (*s != ':') return oa_http_fail(p, s, ODEUS_ERR_HTTP_HEADER); /* not a token, or no ':' */
    p->hdr = oa_http_whole(w);
    if ((r = oa_http_name_end(p)) != ODEUS_OK) return oa_http_fail(p, s, r);
    p->state = OA_HTTP_VALUE;
    s++;
  value:
    if (p->hdr == OA_HTTP_H_OTHER) /* a value nobody reads: only its bytes are checked */
      s = oa_span(s, e, OA_TEXT);
    else for (; s < e && OA_HTTP_TEXT(*s); s++) {
      w = p->sub;
      if (p->hdr < OA_HTTP_H_RETRY_AFTER && oa_http_goes_on(w, *s)) { /* a word's letters, one test each */
        while (++w, ++s < e && oa_http_goes_on(w, *s) && *s != '\r') {} /* CR | 0x20 is '-' */
        p->sub = (unsigned)w;
        s--; /* (the for's s++ comes back to the byte that stopped it) */
        continue;
      }
      if ((r = oa_http_value_byte(p, *s)) != ODEUS_OK) return oa_http_fail(p, s, r);
    }
    if (s < e && *s == '\r' && p->hdr && (r = oa_http_value_end(p)) != ODEUS_OK) return oa_http_fail(p, s, r);
    s = oa_http_eol(p, s, e, OA_HTTP_AT_LINE);
    if (s == e || p->state != OA_HTTP_NAME) return s;
    w = 0; /* the next line's start */
  }
}

/* "HTTP/1.x NNN" then SP and the reason, or CR for an empty reason. */
static oa_http_ptr oa_http_status(oa_http *p, oa_http_ptr s, oa_http_ptr e)
{
  static const char shape[] = "HTTP/1.\0 \1\0\0 "; /* a byte below 10: a digit, that one to 9 */
  unsigned pos = p->sub, c, t;
  for (; s < e; s++, pos++) {
    c = *s;
    t = (unsigned char)shape[pos];
    if (c == t && pos < 7) continue; /* "HTTP/1.": one test (no digit's place, whose t a control byte may be) */
    if (t >= 10 ? c != t : c < '0' + t || c > '9')
      return c == '\r' && pos == 12 ? oa_http_eol(p, s, e, OA_HTTP_AT_LINE)
                                    : oa_http_fail(p, s, ODEUS_ERR_HTTP_STATUS_LINE);
    if (pos < 9) { /* "HTTP/1.x " */
      if (pos == 7) p->flags |= c == '0' ? OA_HTTP_F_HTTP10 : 0u;
      continue;
    }
    if (pos == 12) {
      p->state = OA_HTTP_VALUE;
      p->hdr = OA_HTTP_H_REASON; /* (vlen, its count, is 0: nothing set it in this head) */
      return oa_http_lines(p, s + 1, e);
    }
    if (pos == 9) { p->status = 0; p->reason[0] = '\0'; }
    p->status = p->status * 10 + (int)(c - '0');
  }
  p->sub = pos;
  return s;
}

/* The chunk-size line: hex digits, optional whitespace, an optional
 * extension, CR. Extensions mean nothing to us; they cannot hold CR or LF (a quoted-string cannot
 * either), so the line ends at the first CR. */
static oa_http_ptr oa_http_chunk_size(oa_http *p, oa_http_ptr s, oa_http_ptr e)
{
  for (; s < e; s++) {
    unsigned c = *s, v = oa_hex_value(c), at = p->sub;
    if (at >= OA_HTTP_Z_CR) {
      if (c != (at == OA_HTTP_Z_CR ? '\r' : '\n')) return oa_http_fail(p, s, ODEUS_ERR_HTTP_CHUNK_CRLF);
      p->sub = at == OA_HTTP_Z_CR ? OA_HTTP_Z_LF : OA_HTTP_Z_START;
    } else if (at <= OA_HTTP_Z_DIGITS && v < 16) {
      if (p->num >> 60) return oa_http_fail(p, s, ODEUS_ERR_HTTP_CHUNK_OVERFLOW);
      p->num = p->num << 4 | v;
      p->sub = OA_HTTP_Z_DIGITS;
    } else if (at != OA_HTTP_Z_EXT || !OA_HTTP_TEXT(c)) { /* an extension's bytes are skipped */
      if (at != OA_HTTP_Z_START && c == ';') p->sub = OA_HTTP_Z_EXT;
      else if ((at == OA_HTTP_Z_DIGITS || at == OA_HTTP_Z_WS) && OA_HTTP_OWS(c)) p->sub = OA_HTTP_Z_WS;
      else if (c == '\r' && (at == OA_HTTP_Z_DIGITS || at == OA_HTTP_Z_EXT)) return oa_http_eol(p, s, e, OA_HTTP_AT_CHUNK);
      else return oa_http_fail(p, s, ODEUS_ERR_HTTP_CHUNK_SIZE);
    }
  }
  return s;
}

/* One text state's span from s, within the section's head_max (past it, HEAD_TOO_LONG). */
static oa_http_ptr oa_http_text(oa_http *p, oa_http_ptr s, oa_http_ptr e)
{
  size_t max = p->head_max ? p->head_max : (size_t)ODEUS_HTTP_HEAD_MAX;
  size_t room = p->head_len < max ? max - p->head_len : 0;
  oa_http_ptr t;
  if (!room) return oa_http_fail(p, s, ODEUS_ERR_HTTP_HEAD_TOO_LONG);
  if ((size_t)(e - s) > room) e = s + room;
  p->head_len += (size_t)(e - s); /* the span, less what it leaves (below) */
  for (t = s;;) { /* line after line, while the text goes on */
    switch (p->state) {
    case OA_HTTP_STATUS: t = oa_http_status(p, t, e); break;
    case OA_HTTP_NAME: case OA_HTTP_VALUE: t = oa_http_lines(p, t, e); break;
    case OA_HTTP_CHUNK_SIZE: t = oa_http_chunk_size(p, t, e); break;
    default: t = oa_http_crlf(p, t, e); break;
    }
    if (t == e || p->error || p->state != OA_HTTP_NAME) break; /* (a head's end leaves CRLF) */
  }
  /* A byte out of place in a status line or a field name is
   * ODEUS_ERR_HTTP_CONTROL when it is a control byte (CR aside). */
  if ((p->error == ODEUS_ERR_HTTP_STATUS_LINE || p->error == ODEUS_ERR_HTTP_HEADER) && *t != '\r' &&
      !OA_HTTP_TEXT(*t))
    p->error = ODEUS_ERR_HTTP_CONTROL;
  p->head_len -= (size_t)(e - t);
  return t;
}

/* ---- the body ---------------------------------------------------------------- */

/* Body bytes: num counts down a Content-Length, a chunk, or body_max for a body read until close (a
 * byte past it is BODY_TOO_LARGE). The span's end; its caller delivers it. */
static oa_http_ptr oa_http_data(oa_http *p, oa_http_ptr s, oa_http_ptr e)
{
  size_t n = (size_t)(e - s);
  if (p->num < n && (n = (size_t)p->num) == 0) /* none left: only a body read until close comes here */
    return oa_http_fail(p, s, ODEUS_ERR_HTTP_BODY_TOO_LARGE);
  p->num -= n;
  if (p->num == 0 && p->state == OA_HTTP_BODY_CL) p->done = 1;
  else if (p->num == 0 && p->state == OA_HTTP_CHUNK_DATA) { /* its CRLF and the next size: a new bound */
    p->state = OA_HTTP_CHUNK_SIZE;
    p->sub = OA_HTTP_Z_CR;
    p->head_len = 0;
  }
  p->body_read += n;
  return s + n;
}

/* ---- the API ------------------------------------------------------------------ */

/* Sets up a zeroed parser (zero is also the start of a head: OA_HTTP_STATUS, no flags). */
static void oa_http_setup(oa_http *p, oa_body_fn on_body, void *ctx)
{
  p->head_max = ODEUS_HTTP_HEAD_MAX;
  p->on_body = on_body;
  p->ctx = ctx;
}

static inline void oa_http_init(oa_http *p, oa_body_fn on_body, void *ctx) /* inline: as oa_http_feed */
{
  if (!p) return;
  memset(p, 0, sizeof *p);
  oa_http_setup(p, on_body, ctx);
}

/* Bytes s..e (s < e) into a parser not stopped: where it stopped (e, done, failed) with *body
 * there, or the end of a span of body bytes from *body, which the caller delivers (none when a
 * body read until close outgrew body_max: that fails at *body). */
static oa_http_ptr oa_http_run(oa_http *p, oa_http_ptr s, oa_http_ptr e, oa_http_ptr *body)
{
  while (p->state < OA_HTTP_BODY_CL) {
    s = oa_http_text(p, s, e);
    if (s == e || p->error || p->done) return *body = s;
  }
  return oa_http_data(p, *body = s, e);
}

/* inline: not called (nor warned of) where only an exchange runs the parser. */
static inline odeus_result oa_http_feed(oa_http *p, const char *data, size_t len, size_t *used)
{
  oa_http_ptr s = (oa_http_ptr)data, e, b;
  if (used) *used = 0;
  if (!p || (!data && len)) return ODEUS_ERR_ARGUMENT;
  for (e = len ? s + len : s; s != e && !p->error && !p->done;) {
    s = oa_http_run(p, s, e, &b);
    if (s != b && p->on_body) p->error = p->on_body(p->ctx, (const char *)b, (size_t)(s - b));
  }
  if (used) *used = (size_t)(s - (oa_http_ptr)data);
  return (odeus_result)p->error;
}

static odeus_result oa_http_finish(oa_http *p)
{
  if (!p) return ODEUS_ERR_ARGUMENT;
  if (!p->error && p->state == OA_HTTP_BODY_CLOSE) p->done = 1;
  if (!p->error && !p->done) p->error = ODEUS_ERR_HTTP_TRUNCATED;
  return (odeus_result)p->error;
}
/* ---- push JSON reader --------------------------------------------------------
 * Strict RFC 8259, fed in pieces of any size; events through a callback. Feeding the text one byte
 * at a time gives the same events (fragments joined) and the same result as feeding it at once.
 *
 * Rejected, each with its code: trailing commas, missing or extra separators, single quotes,
 * comments, a BOM, NaN/Infinity, ".5", "+1", bytes other than the four JSON whitespace bytes
 * between tokens (ODEUS_ERR_JSON_SYNTAX); leading zeros, "-", "1.", "1e", "0x1", and any byte glued
 * to a number other than whitespace , ] } (ODEUS_ERR_JSON_NUMBER); unknown escapes and \u with
 * fewer than four hex digits (ODEUS_ERR_JSON_ESCAPE); raw bytes below 0x20 in a string
 * (ODEUS_ERR_JSON_CONTROL); invalid UTF-8 in a string: overlong forms, encoded surrogates, above
 * U+10FFFF, stray or missing continuation bytes (ODEUS_ERR_JSON_UTF8); nesting deeper than
 * ODEUS_JSON_MAX_DEPTH (ODEUS_ERR_JSON_DEPTH); anything but whitespace after the top-level value
 * (ODEUS_ERR_JSON_TRAILING); a text that ends inside its value (ODEUS_ERR_JSON_TRUNCATED, from
 * oa_json_finish; but a top-level number the end leaves invalid, such as "1.", is
 * ODEUS_ERR_JSON_NUMBER).
 *
 * Strings and keys are decoded: every escape, \uD83D\uDE00 surrogate pairs to UTF-8, a lone
 * surrogate (a high one not followed by a low one, or a low one alone) to U+FFFD (EF BF BD),
 * flagged OA_JSON_LONE. \u0000 is delivered as a 0 byte: whether a string may hold it is the
 * consumer's rule. Duplicate keys are delivered, each: the consumers decide.
 *
 * Fragments. KEY, STRING and NUMBER arrive as one or more fragments, the first with OA_JSON_FIRST,
 * the last with OA_JSON_LAST. A fragment flagged OA_JSON_RAW points straight into the fed data
 * (bytes needing no decoding); others point into the reader (decoded escapes, or a character cut by
 * the end of a piece). A run of raw bytes ends at an escape, at the end of a fed piece or at the
 * closing quote, so a string written without escapes and fed inside one piece is exactly ONE event,
 * FIRST|LAST|RAW, pointing into the fed data (zero copy). An empty string is one event FIRST|LAST
 * with len 0. Only a last fragment can be empty (when a piece ended just before the closing quote,
 * or when the text ends right after a top-level number: oa_json_finish delivers it). A string
 * fragment never splits a UTF-8 character. Fragments are valid during the callback only.
 *
 * offset is the byte offset, in the whole stream, of the value's first byte (for a string or key:
 * its opening quote; for an *_END event: the closing bracket); every fragment of a token carries
 * the token's offset. depth counts the containers open around the value: 0 at the top, 1 for a key
 * of the top-level object and its value; an *_END event has the depth of its *_BEGIN. text/len are
 * NULL/0 for container events; a literal's event points at "true", "false" or "null".
 *
 * oa_json_init starts a new text; oa_json_feed returns ODEUS_OK, an ODEUS_ERR_JSON_* code, or what
 * the callback returned, reading only the bytes given (after an error every call returns it);
 * oa_json_finish checks that one complete value was read (a top-level number ends there). */

/* ---- push JSON reader (implementation) -------------------------------------
 * One loop over the bytes, as in jsmn and coreJSON. Between tokens the reader holds what may come
 * next (state, a set of byte classes); inside a token, which one and how far (state, sub). Inside a
 * string, plain bytes are skipped by a one-lookup scan and go out as one raw run; only escapes and
 * a UTF-8 character cut by the end of a piece are copied, into tmp. */

/* Inside which token the reader is. Between tokens, state is what may come next instead: a set of
 * enum oa_json_expect, each with space (bit 5), which none of these has. Of these, a literal alone
 * has bit 3, so one test finds it once the between-tokens test came first (WANT_CLOSE is bit 3 too,
 * but only ever joined to a set with space). */
enum oa_json_state {
  OA_JSON_STRING = 0,           /* in a string or key */
  OA_JSON_ESCAPE = 1,           /* after a backslash, in its letter or \uXXXX */
  OA_JSON_UTF8 = 4,             /* in a raw character invalid or cut by a piece's end */
  OA_JSON_NUMBER = 5,           /* sub: the grammar step */
  OA_JSON_LITERAL = 8           /* sub: letters matched */
};

/* The class of a byte between tokens. A value begins with one from OPEN to MINUS but SPACE, which
 * lies among them so that the set of what may begin a value (with space) is seven bits in a row;
 * from ZERO on, they are in the order of the number grammar's columns. */
enum oa_json_class {
  OA_JSON_C_NONE, OA_JSON_C_COMMA, OA_JSON_C_COLON, OA_JSON_C_CLOSE, OA_JSON_C_OPEN,
  OA_JSON_C_SPACE, OA_JSON_C_QUOTE, OA_JSON_C_WORD, OA_JSON_C_ZERO, OA_JSON_C_DIGIT,
  OA_JSON_C_MINUS, OA_JSON_C_PLUS, OA_JSON_C_DOT, OA_JSON_C_E
};

/* What may come next, between tokens: the set of the classes that may (bit n for class n: one test a
 * byte refuses any byte out of place), space in each. A set a quote may begin a string in holds that
 * string's event type from bit 16: a key where an opening bracket may not come. */
enum oa_json_expect {
  OA_JSON_WANT_END = 1u << OA_JSON_C_SPACE, /* the top-level value is complete */
  OA_JSON_WANT_VALUE = OA_JSON_WANT_END | 1u << OA_JSON_C_OPEN | 1u << OA_JSON_C_QUOTE
                       | 1u << OA_JSON_C_WORD | 1u << OA_JSON_C_ZERO | 1u << OA_JSON_C_DIGIT
                       | 1u << OA_JSON_C_MINUS | (unsigned)OA_JEV_STRING << 16,
  OA_JSON_WANT_KEY = OA_JSON_WANT_END | 1u << OA_JSON_C_QUOTE | (unsigned)OA_JEV_KEY << 16,
  OA_JSON_WANT_CLOSE = 1u << OA_JSON_C_CLOSE, /* the innermost container's bracket */
  OA_JSON_WANT_COLON = OA_JSON_WANT_END | 1u << OA_JSON_C_COLON,
  OA_JSON_WANT_COMMA = OA_JSON_WANT_END | 1u << OA_JSON_C_COMMA | OA_JSON_WANT_CLOSE
};
OA_STATIC_ASSERT(json_type_bits, OA_JSON_C_E < 16); /* the classes' bits lie below the type */

/* Steps of the number grammar -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? and, by step (row)
 * and byte (column: '0', '1'-'9', '-', '+', '.', 'e' or 'E', one that may follow a value
 * (space , ] }), any other), the next one, four bits a column: START (0) when the byte is not part
 * of the number, END when it may end the number there. */
enum { OA_JSON_N_START, OA_JSON_N_MINUS, OA_JSON_N_ZERO, OA_JSON_N_INT, OA_JSON_N_DOT,
       OA_JSON_N_FRAC, OA_JSON_N_EXP, OA_JSON_N_SIGN, OA_JSON_N_EXP_DIGITS, OA_JSON_N_END };
#define OA_JSON_N(zero, digit, minus, plus, dot, e, follow) \
  ((uint32_t)OA_JSON_N_##zero | (uint32_t)OA_JSON_N_##digit << 4 | (uint32_t)OA_JSON_N_##minus << 8 \
   | (uint32_t)OA_JSON_N_##plus << 12 | (uint32_t)OA_JSON_N_##dot << 16 | (uint32_t)OA_JSON_N_##e << 20 \
   | (uint32_t)OA_JSON_N_##follow << 24)
static const uint32_t oa_json_number_next[9] = {
  OA_JSON_N(ZERO, INT, MINUS, START, START, START, START),                 /* START */
  OA_JSON_N(ZERO, INT, START, START, START, START, START),                 /* MINUS */
  OA_JSON_N(START, START, START, START, DOT, EXP, END),                    /* ZERO */
  OA_JSON_N(INT, INT, START, START, DOT, EXP, END),                        /* INT */
  OA_JSON_N(FRAC, FRAC, START, START, START, START, START),                /* DOT */
  OA_JSON_N(FRAC, FRAC, START, START, START, EXP, END),                    /* FRAC */
  OA_JSON_N(EXP_DIGITS, EXP_DIGITS, SIGN, SIGN, START, START, START),      /* EXP */
  OA_JSON_N(EXP_DIGITS, EXP_DIGITS, START, START, START, START, START),    /* SIGN */
  OA_JSON_N(EXP_DIGITS, EXP_DIGITS, START, START, START, START, END)       /* EXP_DIGITS */
};
#undef OA_JSON_N
/* The classes of the bytes that may follow a number. */
#define OA_JSON_N_FOLLOW (1u << OA_JSON_C_SPACE | 1u << OA_JSON_C_COMMA | 1u << OA_JSON_C_CLOSE)

/* The callback of a reader that only checks the text. */
static int oa_json_ignore(void *ctx, const oa_json_event *ev)
{
  (void)ctx, (void)ev;
  return 0;
}

/* Delivers the event, ev.flags set; a nonzero answer is the error from then on. */
static int oa_json_call(oa_json *js, const void *text, size_t len)
{
  int r;
  js->ev.text = (const char *)text;
  js->ev.len = len;
  if ((r = js->fn(js->ctx, &js->ev)) != 0) js->error = r; /* 0 while the reader reads */
  return r;
}

/* Delivers the event of the token, with the flags due (FIRST, LONE). */
static int oa_json_emit(oa_json *js, unsigned flags, const void *text, size_t len)
{
  js->ev.flags = flags | js->flags;
  js->flags = 0;
  return oa_json_call(js, text, len);
}

/* Delivers the decoded bytes waiting in tmp. */
static int oa_json_flush(oa_json *js, unsigned flags)
{
  unsigned n = js->tmp_len;
  js->tmp_len = 0;
  return oa_json_emit(js, flags, js->tmp, n);
}

/* The raw run [run, p) of the token, after what waits in tmp. last (LAST or 0) goes on whichever is
 * delivered last: tmp, even empty, when the run is, so that RAW always means "inside the fed data". */
static inline int oa_json_out(oa_json *js, const unsigned char *run, const unsigned char *p,
                       unsigned last)
{
  if (p != run) {
    if (js->tmp_len && oa_json_flush(js, 0)) return 1;
    return oa_json_emit(js, OA_JSON_RAW | last, run, (size_t)(p - run));
  }
  return last ? oa_json_flush(js, last) : 0;
}

/* Makes room in tmp for n bytes (a whole character: no fragment splits one). */
static int oa_json_room(oa_json *js, unsigned n)
{
  return js->tmp_len + n > sizeof js->tmp ? oa_json_flush(js, 0) : 0;
}

/* Appends the UTF-8 form of the code point cp to tmp; flag (LONE for the U+FFFD of a lone surrogate
 * escape) goes on the fragment holding it (set after the put: a flush it made went out before). */
static inline int oa_json_put_code(oa_json *js, uint32_t cp, unsigned flag) /* inline: no call an escape */
{
  unsigned n = 1u + (cp >= 0x80) + (cp >= 0x800) + (cp >= 0x10000), i;
  char *u;
  if (oa_json_room(js, n)) return 1;
  u = js->tmp + js->tmp_len;
  for (i = n; --i;) {
    u[i] = (char)(0x80 | (cp & 0x3F));
    cp >>= 6;
  }
  u[0] = (char)(n == 1 ? cp : (0xF00u >> n) | cp); /* lead: 0xC0, 0xE0 or 0xF0 */
  js->tmp_len += n;
  js->flags |= flag;
  return 0;
}

/* Appends what an escape stands for: a low surrogate pairs with the pending
 * high one, anything else leaves that one lone; a high one waits for its low
 * half (high), a lone one becomes U+FFFD. Returns 0, or nonzero on a stop. */
static int oa_json_put(oa_json *js, uint32_t cp)
{
  uint32_t high = js->high;
  js->high = 0;
  if (high) {
    if (cp - 0xDC00 < 0x400) cp = 0x10000 + ((high - 0xD800) << 10) + (cp - 0xDC00);
    else if (oa_json_put_code(js, 0xFFFD, OA_JSON_LONE)) return 1;
  }
  if (cp - 0xD800 < 0x800) {
    if (cp >= 0xDC00) return oa_json_put_code(js, 0xFFFD, OA_JSON_LONE);
    js->high = cp;
    return 0;
  }
  return oa_json_put_code(js, cp, 0);
}

static const char oa_json_words[3][6] = { "true", "false", "null" };

/* ---- the API ---- */

static void oa_json_init(oa_json *js, oa_json_fn fn, void *ctx)
{
  if (!js) return;
  memset(js, 0, sizeof *js);
  js->fn = fn ? fn : oa_json_ignore;
  js->ctx = ctx;
  js->state = OA_JSON_WANT_VALUE;
}

/* Each turn of the loop reads what its state takes: between tokens, bytes up to the start of a
 * token, then, in a string, its run of plain bytes (run is where it began in this piece), without a
 * dispatch between the two; in NUMBER and LITERAL, their bytes; in the other states, one byte. A
 * string plain and whole in the piece is one event from its opening quote (quote), with no flags
 * due or tmp to look at; other runs go out at the closing quote or at deliver. A value's end is one
 * place (value_done), a key's too (string_done), each going on between tokens at once. state lives
 * in a local until the end. On an error or a stop by the callback, p stays on the byte at fault. */
static odeus_result oa_json_read(oa_json *js, const char *data, size_t len)
{
  const unsigned char *const start = (const unsigned char *)data, *end, *p = start, *run;
  unsigned state, c = 0, n, last;
  size_t base;
  if (js->error || !len) return (odeus_result)js->error;
  end = start + len;
  state = js->state;
  base = js->offset - (size_t)(uintptr_t)start; /* plus a byte's address: its offset */
#define OA_JSON_AT(q) (base + (size_t)(uintptr_t)(q))
#define OA_JSON_FAIL(code) do { js->error = (code); goto done; } while (0)
  while (p != end) {
    if (state & OA_JSON_WANT_END) { /* between tokens */
    between:
      for (;; p++) {
        if (p == end) goto done;
        c = *p;
        n = OA_JSON_CLASS(c);
        if (n == OA_JSON_C_QUOTE && (state & 1u << n)) goto quote; /* the likeliest first */
        if (!(state & 1u << n)) goto refuse;
        if (n == OA_JSON_C_COMMA) state = js->comma_next;
        else if (n == OA_JSON_C_COLON) state = OA_JSON_WANT_VALUE;
        else if (n != OA_JSON_C_SPACE) break;
      }
      js->ev.offset = OA_JSON_AT(p);
      if (n - OA_JSON_C_CLOSE <= 1) {
        /* a bracket: '{' and '}' are the ones above 'z' */
        unsigned d = js->depth, object = c > 'z';
        if (n == OA_JSON_C_OPEN) {
          if (d >= ODEUS_JSON_MAX_DEPTH) OA_JSON_FAIL(ODEUS_ERR_JSON_DEPTH);
          js->stack.bits = js->stack.bits << 1 | object; /* pushed by its opening, popped by its end */
        } else {
          if (object != (js->stack.bits & 1u)) goto refuse;
          js->stack.bits >>= 1;
          js->depth = js->ev.depth = --d;
          js->comma_next = !d ? 0 : js->stack.bits & 1u ? OA_JSON_WANT_KEY : OA_JSON_WANT_VALUE;
        }
        /* OBJECT_BEGIN 1, OBJECT_END 2, ARRAY_BEGIN 3, ARRAY_END 4 */
        js->ev.type = (oa_jev_type)(OA_JEV_ARRAY_BEGIN - 2 * object + (OA_JSON_C_OPEN - n));
        js->ev.flags = 0; /* none are due between tokens */
        if (oa_json_call(js, NULL, 0)) goto done;
        p++;
        if (n == OA_JSON_C_CLOSE) goto value_done;
        js->ev.depth = ++js->depth; /* a value's depth is set here, not per value */
        js->comma_next = object ? OA_JSON_WANT_KEY : OA_JSON_WANT_VALUE;
        state = js->comma_next | OA_JSON_WANT_CLOSE;
        if (p != end && *p == '"') goto quote; /* compact text's first key or string */
        continue;
      }
      /* a value begins (state let it): a literal (no flags due) or a number */
      js->sub = 0;
      if (n == OA_JSON_C_WORD) {
        js->ev.type = (oa_jev_type)(OA_JEV_TRUE + (((c ^ 't') + 6) >> 4)); /* t 0, f 1, n 2 */
        state = OA_JSON_LITERAL;
        continue;
      }
      js->flags = OA_JSON_FIRST;
      js->ev.type = OA_JEV_NUMBER;
      state = OA_JSON_NUMBER;
      continue;
    }
    if (state == OA_JSON_STRING) {
      /* after a high surrogate, anything but "\u" leaves it lone */
      if (js->high && *p != '\\') {
        js->high = 0;
        if (oa_json_put_code(js, 0xFFFD, OA_JSON_LONE)) goto done;
      }
      run = p;
      for (;;) {
        p = oa_span(p, end, OA_PLAIN);
      spanned:
        if (p == end || *p < 0x80) break;
        /* a raw character, whole and valid, stays in the run */
        n = (unsigned)oa_utf8_length(p, (size_t)(end - p));
        if (!n) break;
        p += n;
      }
      c = p != end ? *p : 0;
      if (c == '"') {
        if (oa_json_out(js, run, p, OA_JSON_LAST)) goto done;
        goto string_done;
      }
      if (p != end && c != '\\' && c < 0x80) OA_JSON_FAIL(ODEUS_ERR_JSON_CONTROL);
      last = 0;
      goto deliver;
    }
    if (state == OA_JSON_NUMBER) {
      for (run = p; p != end; p++) {
        n = OA_JSON_CLASS(*p);
        n = n >= OA_JSON_C_ZERO ? n - OA_JSON_C_ZERO : 7 - (OA_JSON_N_FOLLOW >> n & 1);
        n = oa_json_number_next[js->sub] >> 4 * n & 15;
        if (n == OA_JSON_N_END) break;
        if (!n) OA_JSON_FAIL(ODEUS_ERR_JSON_NUMBER);
        js->sub = n;
      }
      /* the number ends at the byte after it (one that may follow a value),
       * read again between tokens */
      last = p != end ? OA_JSON_LAST : 0;
      goto deliver;
    }
    if (state & OA_JSON_LITERAL) { /* a bit test, not a jump table over the states */
      const char *word = oa_json_words[js->ev.type - OA_JEV_TRUE];
      for (; p != end; p++) {
        if (*p != (unsigned char)word[js->sub]) OA_JSON_FAIL(ODEUS_ERR_JSON_SYNTAX);
        if (word[++js->sub] == '\0') {
          /* a stop leaves offset on the literal's last letter */
          js->ev.flags = 0;
          if (oa_json_call(js, word, js->sub)) goto done;
          p++;
          goto value_done;
        }
      }
      goto done;
    }
    c = *p;
    switch (state) {
    case OA_JSON_ESCAPE:
      /* sub: 0 at the letter, then 1 + the hex digits of \uXXXX read
       * (code holds them: its low 16 bits, the last four) */
      if (js->sub) {
        n = oa_hex_value(c);
        if (n > 15) OA_JSON_FAIL(ODEUS_ERR_JSON_ESCAPE);
        js->code = js->code << 4 | n;
        if (++js->sub < 5) break;
        c = js->code & 0xFFFF;
      } else if (c == 'u') {
        js->sub = 1;
        break;
      } else if (!(c = oa_escape_pair(c, 0))) { /* a letter with no escape */
        OA_JSON_FAIL(ODEUS_ERR_JSON_ESCAPE);
      }
      if (oa_json_put(js, c)) goto done;
      state = OA_JSON_STRING;
      break;
    default: /* OA_JSON_UTF8 */
      if (!js->need) {
        /* the lead byte: the whole character must fit in tmp */
        n = oa_utf8_lead(c, &js->lo, &js->hi);
        if (!n) OA_JSON_FAIL(ODEUS_ERR_JSON_UTF8);
        if (oa_json_room(js, n + 1)) goto done;
        js->need = n;
      } else {
        if (c < js->lo || c > js->hi) OA_JSON_FAIL(ODEUS_ERR_JSON_UTF8);
        js->lo = 0x80;
        js->hi = 0xBF;
        if (--js->need == 0) state = OA_JSON_STRING;
      }
      js->tmp[js->tmp_len++] = (char)c;
      break;
    }
    p++;
    continue;
  deliver:
    /* the run [run, p) of a string or number, LAST at the number's end; a string goes on with an
     * escape or a character read byte by byte (one invalid, or cut by the end of the piece, so
     * that its error has its offset) */
    if (oa_json_out(js, run, p, last)) goto done;
    if (p == end) goto done;
    if (state == OA_JSON_NUMBER) goto value_done;
    if (*p == '\\') {
      state = OA_JSON_ESCAPE;
      js->sub = 0;
      p++;
      continue;
    }
    state = OA_JSON_UTF8;
    js->need = 0;
    continue;
  quote: /* a string or key (a key where no bracket may open); "" is not RAW */
    js->ev.type = (oa_jev_type)(state >> 16); /* KEY or STRING, as the set says */
  typed_quote:
    js->ev.offset = OA_JSON_AT(p);
    state = OA_JSON_STRING;
    run = ++p;
    p = oa_span(p, end, OA_PLAIN);
    if (p == run || p == end || *p != '"') {
      js->flags = OA_JSON_FIRST;
      goto spanned; /* no high surrogate waits at a string's start */
    }
    js->ev.flags = OA_JSON_FIRST | OA_JSON_LAST | OA_JSON_RAW; /* none due between tokens */
    if (oa_json_call(js, run, (size_t)(p - run))) goto done;
  string_done:
    p++; /* after the closing quote */
    if (js->ev.type != OA_JEV_KEY) goto value_done;
    state = OA_JSON_WANT_COLON;
    if (p != end && *p == ':') { /* compact text's colon (and quote), not read between tokens */
      state = OA_JSON_WANT_VALUE;
      js->ev.type = OA_JEV_STRING;
      if (++p != end && *p == '"') goto typed_quote;
    }
    goto between;
  value_done:
    state = js->comma_next; /* 0 at the top; a comma (and quote) of compact text taken as after a key */
    if (!state) state = OA_JSON_WANT_END;
    else if (p == end || *p != ',') state = OA_JSON_WANT_COMMA;
    else if (++p != end && *p == '"') goto quote;
    goto between;
  }
  goto done;
refuse:
  /* a byte that may not come here; after the top-level value, only space may */
  js->error = state == OA_JSON_WANT_END ? ODEUS_ERR_JSON_TRAILING : ODEUS_ERR_JSON_SYNTAX;
done:
  js->state = state;
  js->offset = OA_JSON_AT(p);
  return (odeus_result)js->error;
#undef OA_JSON_AT
#undef OA_JSON_FAIL
}

/* The reader's arguments checked: the answer reader calls oa_json_read with its own checked. */
static odeus_result oa_json_feed(oa_json *js, const char *data, size_t len)
{
  return !js || (!data && len) ? ODEUS_ERR_ARGUMENT : oa_json_read(js, data, len);
}

/* The end of the text ends a top-level number as a space after it would (not counted; after an
 * error, feed changes nothing); anything else must be complete. */
static odeus_result oa_json_finish(oa_json *js)
{
  if (!js) return ODEUS_ERR_ARGUMENT;
  if (js->state == OA_JSON_NUMBER && !js->depth && !oa_json_feed(js, " ", 1)) js->offset--;
  if (!js->error && js->state != OA_JSON_WANT_END) js->error = ODEUS_ERR_JSON_TRUNCATED;
  return (odeus_result)js->error;
}

/* ---- the binder: JSON events -> a struct, by the member rows ------------------------
 * One reader of JSON into the model, strict for a config (every problem reported with its path, and
 * the reading goes on) and lenient for an answer (keys not read are skipped, null where the API
 * reference allows it, the first problem stops it). It follows the objects, matches keys to rows,
 * remembers the members met, checks each value's JSON type against its row and says what the event
 * is (OA_B_*); the consumer stores or reports. Each consumer is reached through a pointer, so a
 * firmware that only runs exchanges carries none of the config parser. */

/* The object or array the binder is in: before the body, an answer's body, an element of authFields,
 * then the three a row opens, as its kinds run: authFields, oauthClient, the integration (a config's body). */
enum { OA_B_TOP, OA_B_BODY, OA_B_FIELD, OA_B_FIELDS, OA_B_OAUTH, OA_B_INTEG };
#define OA_B_UNKEYED (1u << OA_B_TOP | 1u << OA_B_FIELDS) /* the two whose values have no key, as bits */
OA_STATIC_ASSERT(bind_row_scopes, OA_KIND_OAUTH - OA_KIND_FIELDS == OA_B_OAUTH - OA_B_FIELDS &&
                                  OA_KIND_INTEGRATION - OA_KIND_FIELDS == OA_B_INTEG - OA_B_FIELDS);

/* What an event is, for the consumer. */
enum {
  OA_B_NONE,                    /* nothing to do (skipped, a key met, an allowed null) */
  OA_B_UNKNOWN,                 /* a key no row names: its value is skipped */
  OA_B_DUPLICATE,               /* a key met before in its object (row: its row; the consumer */
                                /* clears row or stops, as for TYPE: a skipped value has none) */
  OA_B_TYPE,                    /* a value of another JSON type than its row's (the same) */
  OA_B_STRING,                  /* a fragment of an enum's value (a string or URL's: to str) */
  OA_B_BOOL,                    /* true or false */
  OA_B_OPEN,                    /* an object or array entered (scope: the new one) */
  OA_B_CLOSE                    /* the end of the object or array the binder is in */
};

/* The rows of each scope's object (none: its end its table) and the keys of its required ones, as bits:
 * while each was met, a closing object lacks none and is not scanned. The integration's rows come after
 * the answer's own "id", the one scope whose bits hold its key (unit_answer holds the bits to the rows). */
#define OA_BIND_KEY(k) ((uint32_t)1 << ODEUS_KEY_##k)
static const struct oa_bind_rows {
  const oa_member *table, *end; /* the end as a pointer: the scan of a key's rows reads no count */
  uint32_t required;
} oa_bind_scopes[] = {
  { oa_root_members, oa_root_members, 0 }, { &oa_ans_integration, &oa_ans_integration + 1, OA_BIND_KEY(INTEGRATION) },
  { oa_field_members, oa_field_members + OA_COUNT(oa_field_members), OA_BIND_KEY(SLUG) | OA_BIND_KEY(LABEL) | OA_BIND_KEY(TYPE) },
  { oa_root_members, oa_root_members, 0 }, { oa_oauth_members, oa_oauth_members + OA_COUNT(oa_oauth_members), 0 },
  { oa_root_members, oa_root_members + OA_COUNT(oa_root_members), OA_BIND_KEY(AUTH_TYPE) | OA_BIND_KEY(ID) }
};

/* Row i of the scope's object, NULL past the last. */
static const oa_member *oa_bind_row(unsigned scope, unsigned i)
{
  const struct oa_bind_rows *d = &oa_bind_scopes[scope];
  if ((d->required & OA_BIND_KEY(ID)) && i-- == 0) return &oa_ans_id;
  return i < (unsigned)(d->end - d->table) ? &d->table[i] : NULL;
}

/* A member met: its key's bit. The keys of one object differ; those of the field and OAuth members
 * (SLUG..REFRESH_TOKEN_CODE) are cleared as such an object opens; the integration's outlive it. */
#define OA_BIND_BIT(m) ((uint32_t)1 << (m)->key)
#define OA_BIND_NESTED ((((uint32_t)2 << ODEUS_KEY_REFRESH_TOKEN_CODE) - 1) & ~(((uint32_t)1 << ODEUS_KEY_SLUG) - 1))
OA_STATIC_ASSERT(bind_keys, ODEUS_KEY_INTEGRATION < 32 && ODEUS_KEY_ID > ODEUS_KEY_REFRESH_TOKEN_CODE);
OA_STATIC_ASSERT(bind_modes, OA_IN_BODY == OA_JSON_FIRST && OA_IN_ANSWER == OA_JSON_LAST);

/* A key or string at its last fragment: in the event when whole, else gathered in word; its length
 * in word_len (sizeof word + 1 when longer: longer than any name); NULL before its last one. */
static const char *oa_bind_word(oa_bind *b, const oa_json_event *ev)
{
  size_t len = ev->len;
  if ((ev->flags & (OA_JSON_FIRST | OA_JSON_LAST)) == (OA_JSON_FIRST | OA_JSON_LAST)) {
    b->word_len = (unsigned char)(len <= sizeof b->word ? len : sizeof b->word + 1);
    return ev->text;
  }
  if (ev->flags & OA_JSON_FIRST) b->word_len = 0;
  if (b->word_len <= sizeof b->word) {
    size_t room = sizeof b->word - b->word_len;
    if (len <= room) memcpy(b->word + b->word_len, ev->text, len);
    b->word_len = (unsigned char)(len <= room ? b->word_len + len : sizeof b->word + 1);
  }
  return ev->flags & OA_JSON_LAST ? b->word : NULL;
}

/* Whether row m is read in this mode (OA_IN_BODY or OA_IN_ANSWER) and named by the n bytes at s. */
static int oa_bind_names(const oa_member *m, unsigned in, const char *s, size_t n)
{
  return m->name_len == n && (m->in & in) && OA_SAME(m->name, s, n);
}

/* The row a key names among the scope's rows read in this mode, else NULL.
 * The names of one scope differ, so the order they are tried in is free. */
static const oa_member *oa_bind_find(unsigned scope, unsigned in, const char *s, size_t n)
{
  const struct oa_bind_rows *d = &oa_bind_scopes[scope];
  const oa_member *m = d->table, *const end = d->end;
  if ((d->required & OA_BIND_KEY(ID)) && oa_bind_names(&oa_ans_id, in, s, n)) return &oa_ans_id;
  for (; m != end; m++)
    if (oa_bind_names(m, in, s, n)) return m;
  return NULL;
}

/* A key: its row, and whether it came before. */
static unsigned oa_bind_key(oa_bind *b, const oa_json_event *ev)
{
  const char *s = ev->text;
  const oa_member *m;
  size_t n = ev->len;
  if ((ev->flags & (OA_JSON_FIRST | OA_JSON_LAST)) != (OA_JSON_FIRST | OA_JSON_LAST)) {
    if ((s = oa_bind_word(b, ev)) == NULL) return OA_B_NONE;
    n = b->word_len;
  }
  b->row = m = oa_bind_find(b->scope, b->in, s, n);
  if (!m) return b->in == OA_IN_BODY ? (unsigned)OA_B_UNKNOWN : (unsigned)OA_B_NONE; /* an answer skips it */
  if (b->seen & OA_BIND_BIT(m)) return OA_B_DUPLICATE;
  b->seen |= OA_BIND_BIT(m);
  return OA_B_NONE;
}

/* Enters the object or array a value opens (m: its row; NULL: the body, an authFields element). */
static unsigned oa_bind_enter(oa_bind *b, const oa_member *m)
{
  unsigned to = m ? (unsigned)(m->kind - OA_KIND_FIELDS + OA_B_FIELDS)
                  : (unsigned)(b->scope == OA_B_FIELDS ? OA_B_FIELD : b->in == OA_IN_BODY ? OA_B_INTEG : OA_B_BODY);
  if (to == OA_B_FIELD || to == OA_B_OAUTH) b->seen &= ~OA_BIND_NESTED; /* a new object: its members are new */
  if (to == OA_B_FIELDS) b->field = (size_t)-1;
  b->scope = (unsigned char)to;
  b->row = NULL;
  return OA_B_OPEN;
}

/* Leaves the object or array that closed (or one its consumer refused). */
static void oa_bind_leave(oa_bind *b)
{
  /* Nothing comes after the body (the JSON reader lets only space follow it), so where a closed
   * body leads is never read: a config's, the integration, leads where an answer's would. */
  static const unsigned char parent[] = { OA_B_TOP, OA_B_TOP, OA_B_FIELDS, OA_B_INTEG, OA_B_INTEG, OA_B_BODY };
  b->scope = parent[b->scope];
  b->row = NULL;
}

/* What a value is: of its row's JSON type or not. */
static unsigned oa_bind_value(oa_bind *b, const oa_json_event *ev)
{
  /* the JSON type of each OA_KIND_* (a boolean: OA_JEV_TRUE) */
  static const unsigned char json_type[] = { 0, OA_JEV_STRING, OA_JEV_STRING, OA_JEV_STRING, OA_JEV_STRING,
                                             OA_JEV_TRUE, OA_JEV_ARRAY_BEGIN, OA_JEV_OBJECT_BEGIN,
                                             OA_JEV_OBJECT_BEGIN };
  unsigned t = (unsigned)ev->type, want = OA_JEV_OBJECT_BEGIN; /* the body or an element: an object */
  const oa_member *m = b->row;
  if (m) {
    want = json_type[m->kind];
  } else if (!(OA_B_UNKEYED >> b->scope & 1u)) { /* in an object: the value of a key not read */
    if (t == OA_JEV_OBJECT_BEGIN || t == OA_JEV_ARRAY_BEGIN) b->skip = ev->depth + 1;
    return OA_B_NONE;
  }
  if ((t == OA_JEV_FALSE ? (unsigned)OA_JEV_TRUE : t) == want) {
    if (t == OA_JEV_STRING) return OA_B_STRING;
    if (t > OA_JEV_ARRAY_END) return OA_B_BOOL;
    if (!m) b->field++;
    return oa_bind_enter(b, m);
  }
  if (m && t == OA_JEV_NULL && b->in == OA_IN_ANSWER && (m->in & OA_ANS_NULL)) return OA_B_NONE;
  /* Of another type. A string or number is judged at its first fragment in a config (one the text
   * breaks before its first fragment is judged by oa_cfg_parse: two problems, however it was
   * split), at its last in an answer (a token found broken ends in the JSON error alone): the
   * mode's bit is that fragment's flag. */
  if ((t == OA_JEV_STRING || t == OA_JEV_NUMBER) && !(ev->flags & b->in)) return OA_B_NONE;
  if (!m) b->field++; /* the element is counted */
  if (t == OA_JEV_OBJECT_BEGIN || t == OA_JEV_ARRAY_BEGIN) b->skip = ev->depth + 1; /* skipped */
  return OA_B_TYPE;
}

/* The JSON reader's callback: what the event is, to the consumer. */
static int oa_bind_event(void *ctx, const oa_json_event *ev)
{
  oa_bind *b = (oa_bind *)ctx;
  unsigned t = (unsigned)ev->type, what;
  int end = t == OA_JEV_OBJECT_END || t == OA_JEV_ARRAY_END;
  /* each kind returns on its own (only a key's path, which may gather it, takes a frame); first the
   * most frequent, a string or URL's fragment (of its row's type; no row while a value is skipped) */
  if (t == OA_JEV_STRING && b->row && b->row->kind <= OA_KIND_URL) return b->str(b, ev);
  if (b->skip) {
    if (end && ev->depth + 1 == b->skip) b->skip = 0;
    return 0;
  }
  if (t == OA_JEV_KEY) return (what = oa_bind_key(b, ev)) == OA_B_NONE ? 0 : b->fn(b, what, ev);
  if (end) return b->fn(b, OA_B_CLOSE, ev);
  what = oa_bind_value(b, ev);
  return what == OA_B_NONE ? 0 : b->fn(b, what, ev);
}

/* Whether the closing object must hold row m and lacks it. */
#define OA_BIND_LACKS(b, m) (!((b)->seen & OA_BIND_BIT(m)) && ((m)->flags & OA_REQUIRED) && ((m)->in & (b)->in))

/* The first row after `after` (NULL: from the first) the closing object must hold and lacks, or NULL (none while
 * each required key was met). `inline` (see oa_put): the answer's consumer, asking only for the first, has its own. */
static inline const oa_member *oa_bind_lacking(const oa_bind *b, const oa_member *after)
{
  const struct oa_bind_rows *d = &oa_bind_scopes[b->scope];
  const oa_member *m = after && after != &oa_ans_id ? after + 1 : d->table, *const end = d->required & ~b->seen ? d->end : m;
  if (!after && (d->required & OA_BIND_KEY(ID)) && OA_BIND_LACKS(b, &oa_ans_id)) return &oa_ans_id;
  for (; m != end; m++)
    if (OA_BIND_LACKS(b, m)) return m;
  return NULL;
}

/* The path of a member of the object the binder is in (NULL: the object). */
static oa_where oa_bind_where(const oa_bind *b, const oa_member *m)
{
  oa_where w = { ODEUS_KEY_NONE, ODEUS_NO_INDEX, ODEUS_KEY_NONE };
  if (b->scope == OA_B_FIELDS || b->scope == OA_B_FIELD) {
    w.key = ODEUS_KEY_AUTH_FIELDS;
    w.index = b->field;
  } else if (b->scope == OA_B_OAUTH) {
    w.key = ODEUS_KEY_OAUTH_CLIENT;
  }
  return m ? oa_where_member(w, m) : w;
}

/* ---- a request body given as JSON ---------------------------------------------------
 * The binder in its strict mode. Strings without escapes are used in place
 * (zero copy), others decoded into storage; each value is checked as it is
 * stored, and each object's missing members when it closes. */

/* An empty authFields array needs a non-NULL pointer even without storage. */
static const odeus_auth_field oa_cfg_no_fields[1] = { { { NULL, 0 }, { NULL, 0 }, ODEUS_FIELD_UNSET,
                                                        { NULL, 0 }, { NULL, 0 }, ODEUS_BOOL_UNSET } };

typedef struct oa_cfg {
  oa_bind b;
  const char *json;
  size_t json_len;
  odeus_config *cfg;
  odeus_config_storage *st;
  odeus_problems *pr;
  size_t strings_used;
  char *str;                    /* a string being assembled in storage */
  size_t str_len;
  int str_cut;                  /* it did not fit */
  unsigned str_flags;           /* its fragments' flags, ORed (OA_JSON_LONE) */
} oa_cfg;

static void oa_cfg_problem(oa_cfg *p, const oa_member *m, odeus_rule rule, size_t limit, const char *text,
                           size_t len)
{
  oa_report(p->pr, oa_bind_where(&p->b, m), rule, limit, 0, text, len);
}

/* The raw text of a string token (between its quotes) in the input, for
 * messages: a key or enum value the reader has already validated. */
static odeus_str oa_cfg_raw_string(const oa_cfg *p, size_t offset)
{
  odeus_str r;
  size_t i = offset + 1;
  while (i < p->json_len && p->json[i] != '"') i += p->json[i] == '\\' ? 2 : 1;
  r.ptr = p->json + offset + 1;
  r.len = OA_MIN(i, p->json_len) - (offset + 1);
  return r;
}

/* The struct the members of the current object live in. */
static void *oa_cfg_object(oa_cfg *p)
{
  if (p->b.scope == OA_B_FIELD) return &p->st->fields[p->b.field];
  if (p->b.scope == OA_B_OAUTH) return p->st->oauth_client;
  return p->cfg;
}

static void oa_cfg_unknown(oa_cfg *p, const oa_json_event *ev)
{
  oa_where w = oa_bind_where(&p->b, NULL);
  odeus_str raw = oa_cfg_raw_string(p, ev->offset);
  if (w.key == ODEUS_KEY_NONE) w.key = ODEUS_KEY_OTHER;
  else w.member = ODEUS_KEY_OTHER;
  oa_report(p->pr, w, ODEUS_RULE_UNKNOWN_KEY, 0, 0, raw.ptr, raw.len);
}

/* Element i of authFields is stored in fields[i], so that problem paths and
 * storage agree even around a broken element; 0 past the storage. */
static int oa_cfg_element(oa_cfg *p)
{
  size_t i = p->b.field;
  if (i >= p->st->field_capacity) {
    oa_cfg_problem(p, NULL, ODEUS_RULE_CAPACITY, p->st->field_capacity, NULL, 0);
    return 0;
  }
  memset(&p->st->fields[i], 0, sizeof p->st->fields[i]);
  p->cfg->field_count = i + 1;
  return 1;
}

static void oa_cfg_wrong_type(oa_cfg *p, const oa_json_event *ev)
{
  if (p->b.scope == OA_B_FIELDS && !oa_cfg_element(p)) return;
  oa_cfg_problem(p, p->b.row, ev->type == OA_JEV_NULL ? ODEUS_RULE_NULL : ODEUS_RULE_TYPE, 0, NULL, 0);
}

static void oa_cfg_open(oa_cfg *p, const oa_json_event *ev)
{
  switch (p->b.scope) {
  case OA_B_FIELDS:
    p->cfg->fields = p->st->fields ? p->st->fields : oa_cfg_no_fields;
    p->cfg->field_count = 0;
    return;
  case OA_B_FIELD:
    if (oa_cfg_element(p)) return;
    break;
  case OA_B_OAUTH:
    if (p->st->oauth_client) {
      memset(p->st->oauth_client, 0, sizeof *p->st->oauth_client);
      p->cfg->oauth_client = p->st->oauth_client;
      return;
    }
    oa_cfg_problem(p, NULL, ODEUS_RULE_CAPACITY, 0, NULL, 0);
    break;
  default: /* the body */
    return;
  }
  oa_bind_leave(&p->b); /* no room for it: skipped */
  p->b.skip = ev->depth + 1;
}

/* The object or array that closes: its missing members, then the rules across members. */
static void oa_cfg_close(oa_cfg *p)
{
  const oa_member *m = NULL;
  while ((m = oa_bind_lacking(&p->b, m)) != NULL) oa_cfg_problem(p, m, ODEUS_RULE_REQUIRED, 0, NULL, 0);
  if (p->b.scope == OA_B_FIELDS)
    oa_check_slugs(p->cfg->fields, p->cfg->field_count, p->pr);
  if (p->b.scope == OA_B_INTEG && p->cfg->oauth_client) {
    oa_where w = { ODEUS_KEY_OAUTH_CLIENT, ODEUS_NO_INDEX, ODEUS_KEY_NONE };
    oa_check_oauth_allowed(p->cfg, w, p->pr);
  }
  oa_bind_leave(&p->b);
}

static void oa_cfg_enum(oa_cfg *p, const oa_json_event *ev, const oa_member *m, const char *s, size_t n)
{
  void *obj = oa_cfg_object(p);
  int auth = m->kind == OA_KIND_AUTH_TYPE, i = oa_enum_lookup(m->kind, s, n);
  if (i == (auth ? (int)ODEUS_AUTH_UNKNOWN : (int)ODEUS_FIELD_UNKNOWN)) {
    odeus_str raw = oa_cfg_raw_string(p, ev->offset);
    oa_cfg_problem(p, p->b.row, ODEUS_RULE_ENUM, 0, raw.ptr, raw.len);
  } else if (auth) {
    *OA_AT(obj, m, odeus_auth_type) = (odeus_auth_type)i;
  } else {
    *OA_AT(obj, m, odeus_field_type) = (odeus_field_type)i;
  }
}

static void oa_cfg_string_done(oa_cfg *p, const oa_member *m, const char *text, size_t len)
{
  odeus_str *v = OA_AT(oa_cfg_object(p), m, odeus_str);
  if (p->str_cut) {
    oa_cfg_problem(p, p->b.row, ODEUS_RULE_CAPACITY, p->st->strings_capacity, NULL, 0);
    return;
  }
  v->ptr = text;
  v->len = len;
  oa_check_string(v, m, oa_bind_where(&p->b, p->b.row), p->pr);
}

/* A string or URL's fragment: a value in one raw piece is used in place, pieces joined in storage. */
static int oa_cfg_string(oa_bind *b, const oa_json_event *ev)
{
  oa_cfg *p = (oa_cfg *)(void *)b; /* its first member */
  const oa_member *m = p->b.row;
  size_t n = ev->len;
  if (ev->flags & OA_JSON_FIRST) {
    p->str = p->st->strings ? p->st->strings + p->strings_used : NULL;
    p->str_len = 0;
    p->str_cut = 0;
    p->str_flags = 0;
  }
  p->str_flags |= ev->flags;
  if ((ev->flags & (OA_JSON_FIRST | OA_JSON_LAST | OA_JSON_RAW)) == (OA_JSON_FIRST | OA_JSON_LAST | OA_JSON_RAW)) {
    oa_cfg_string_done(p, m, ev->text, n);
    return 0;
  }
  if (n && !p->str_cut) {
    if (!p->st->strings || p->strings_used + n > p->st->strings_capacity) {
      p->str_cut = 1;
    } else {
      memcpy(p->st->strings + p->strings_used, ev->text, n);
      p->strings_used += n;
      p->str_len += n;
    }
  }
  if (!(ev->flags & OA_JSON_LAST)) return 0;
  if (p->str_flags & OA_JSON_LONE) oa_cfg_problem(p, p->b.row, ODEUS_RULE_LONE_SURROGATE, 0, NULL, 0);
  oa_cfg_string_done(p, m, p->str ? p->str : "", p->str_len);
  return 0;
}

/* The config's consumer: never a stop, every problem is reported. */
static int oa_cfg_bound(oa_bind *b, unsigned what, const oa_json_event *ev)
{
  oa_cfg *p = (oa_cfg *)(void *)b; /* its first member */
  const char *s;
  switch (what) {
  case OA_B_UNKNOWN: oa_cfg_unknown(p, ev); break;
  case OA_B_DUPLICATE:
    oa_cfg_problem(p, p->b.row, ODEUS_RULE_DUPLICATE_KEY, 0, NULL, 0);
    p->b.row = NULL; /* its value is skipped */
    break;
  case OA_B_TYPE:
    oa_cfg_wrong_type(p, ev);
    p->b.row = NULL; /* the value is not read */
    break;
  case OA_B_STRING: /* of an enum: looked up by its name */
    if ((s = oa_bind_word(b, ev)) != NULL) oa_cfg_enum(p, ev, p->b.row, s, p->b.word_len);
    break;
  case OA_B_BOOL:
    *OA_AT(oa_cfg_object(p), p->b.row, odeus_bool) =
      ev->type == OA_JEV_TRUE ? ODEUS_BOOL_TRUE : ODEUS_BOOL_FALSE;
    break;
  case OA_B_OPEN: oa_cfg_open(p, ev); break;
  case OA_B_CLOSE: oa_cfg_close(p); break;
  default: break;
  }
  return 0;
}

/* The body, read in two pieces split at cut (at len: whole). Its problems
 * are the same wherever it is split; the unit tests split it everywhere. */
static odeus_result oa_cfg_parse(const char *json, size_t len, size_t cut, odeus_config *cfg,
                                 odeus_config_storage *storage, odeus_problems *problems)
{
  odeus_problems none = { NULL, 0, 0 };
  odeus_config_storage no_storage;
  oa_cfg p;
  oa_json js;
  odeus_result r;
  size_t before;
  if (!json || !cfg) return ODEUS_ERR_ARGUMENT;
  memset(&no_storage, 0, sizeof no_storage);
  memset(&p, 0, sizeof p);
  memset(cfg, 0, sizeof *cfg);
  p.b.in = OA_IN_BODY;
  p.b.fn = oa_cfg_bound;
  p.b.str = oa_cfg_string;
  p.json = json;
  p.json_len = len;
  p.cfg = cfg;
  p.st = storage ? storage : &no_storage;
  p.pr = problems ? problems : &none;
  before = p.pr->count;
  /* A lone surrogate escape (the API refuses it: it has no UTF-8 form) becomes U+FFFD with
   * OA_JSON_LONE, a problem at the string's path, so the rest of the body is still checked. */
  oa_json_init(&js, oa_bind_event, &p.b);
  r = oa_json_feed(&js, json, cut);
  if (r == ODEUS_OK) r = oa_json_feed(&js, json + cut, len - cut);
  if (r == ODEUS_OK) r = oa_json_finish(&js);
  /* A string or number value the text breaks is judged at its first fragment, as any other (a value
   * of the wrong type, then the JSON error: two causes to fix); when it broke before one was
   * delivered (which depends on where the text was split), its type is judged here, so that every
   * split gives the same problems. */
  if (r != ODEUS_OK && (js.flags & OA_JSON_FIRST) && js.ev.type != OA_JEV_KEY) {
    js.ev.flags = OA_JSON_FIRST;
    js.ev.text = "";
    js.ev.len = 0;
    (void)oa_bind_event(&p.b, &js.ev);
  }
  /* Nesting too deep inside a value already reported (of the wrong type,
   * under an unknown key) is that one fault: not a second problem. */
  if (r != ODEUS_OK && !(r == ODEUS_ERR_JSON_DEPTH && p.b.skip)) {
    oa_where w = { ODEUS_KEY_NONE, ODEUS_NO_INDEX, ODEUS_KEY_NONE };
    oa_report(p.pr, w, ODEUS_RULE_JSON, 0, js.offset, NULL, 0);
    if (p.pr->count <= p.pr->capacity && p.pr->items) p.pr->items[p.pr->count - 1].cause = r;
  }
  return p.pr->count == before ? ODEUS_OK : ODEUS_ERR_CONFIG;
}

ODEUS_API odeus_result odeus_parse_config(const char *json, size_t len, odeus_config *cfg,
                                          odeus_config_storage *storage, odeus_problems *problems)
{
  return oa_cfg_parse(json, len, len, cfg, storage, problems);
}

/* ---- the answer (implementation) ----------------------------------------------------
 * Two consumers of the JSON reader's events, chosen by the status: the 200 mapper (the binder in
 * its lenient mode) and the error-message extractor. Both keep a few words of state and work per
 * event, never per byte: string fragments are copied into storage with memcpy. */

/* ---- the 200 mapper ---- */

/* What an empty string points at: it needs no storage. */
static const char oa_ans_empty[1] = "";

/* The one status whose body is the integration: the API answers 200, and
 * any other (a 201 or a 204 too) is unexpected, whatever its body. */
static int oa_ans_mapped(int status)
{
  return status == 200;
}

static size_t oa_ans_add(size_t a, size_t b)
{
  return a + b >= a ? a + b : (size_t)-1;
}

/* The reader a binder is part of (both consumers get the binder). */
static odeus_answer_reader *oa_ans_reader(oa_bind *b)
{
  return (odeus_answer_reader *)(void *)((char *)b - offsetof(odeus_answer_reader, bind));
}

/* Records the first problem; its code stops the JSON reader. */
static int oa_ans_fail(odeus_answer_reader *r, odeus_result code, odeus_rule rule, const oa_member *m,
                       size_t offset)
{
  odeus_problem *p = &r->out->problem;
  oa_where w = oa_bind_where(&r->bind, m);
  p->rule = rule;
  p->key = w.key;
  p->index = w.index;
  p->member = w.member;
  p->actual = offset;
  p->in_answer = 1;
  r->error = (int)code;
  return (int)code;
}

#define OA_ANS_ENUM_BEFORE (offsetof(odeus_answer, auth_type_text) - offsetof(odeus_answer, auth_type))
OA_STATIC_ASSERT(ans_enum_before, OA_ANS_ENUM_BEFORE == offsetof(odeus_answer_field, type_text) -
                                                        offsetof(odeus_answer_field, type));

/* A fragment of a string value, copied while the string and its NUL fit the storage left (target and
 * room found at its first fragment, read back by the later ones); at its end kept where it fit (an
 * empty one needs none) and counted anyway. The copy is last: nothing waits for it. `inline`: see oa_put. */
static inline int oa_ans_string(oa_bind *b, const oa_json_event *ev)
{
  odeus_answer_reader *r = oa_ans_reader(b);
  odeus_answer *out = r->out;
  odeus_str *t;
  size_t n = ev->len, len = n, used = r->used, room;
  if (ev->flags & OA_JSON_FIRST) {
    r->target = t = r->record ? (odeus_str *)(void *)(r->record + b->row->answer_offset) : NULL;
    room = t ? out->strings_capacity - used : 0;
  } else {
    t = r->target;
    room = r->str_room;
    len = oa_ans_add(r->str_len, n); /* past SIZE_MAX it stays there: never below the room */
  }
  r->str_len = len;
  r->str_room = room;
  if (ev->flags & OA_JSON_LAST) {
    if (len) out->strings_needed = oa_ans_add(out->strings_needed, len + 1);
    if (t) {
      t->len = len;
      if (!len) {
        t->ptr = oa_ans_empty;
      } else if (len >= room) { /* a fragment did not fit */
        t->ptr = NULL;
        out->cut = 1;
      } else {
        t->ptr = out->strings + used;
        out->strings[used + len] = '\0';
        r->used = used + len + 1;
      }
    }
  }
  if (len < room) memcpy(out->strings + used + (len - n), ev->text, n);
  return 0;
}

/* The answer's consumer: what the binder found, stored, or the first problem (its code stops). */
static int oa_ans_bound(oa_bind *b, unsigned what, const oa_json_event *ev)
{
  odeus_answer_reader *r = oa_ans_reader(b);
  odeus_answer *out = r->out;
  const oa_member *m = b->row;
  const char *s;
  if (what == OA_B_STRING) { /* of an enum: its text as any string's, then its value, looked up by the text */
    (void)oa_ans_string(b, ev);
    if (r->target && (s = oa_bind_word(b, ev)) != NULL) { /* unknown: the list's length, the type's UNKNOWN */
      int v = oa_enum_lookup(m->kind, s, b->word_len);
      char *record = (char *)r->target - OA_ANS_ENUM_BEFORE; /* where the value lies, in the integration as in a field */
      if (m->kind == OA_KIND_AUTH_TYPE) *(odeus_auth_type *)(void *)record = (odeus_auth_type)v;
      else *(odeus_field_type *)(void *)record = (odeus_field_type)v;
    }
    return 0;
  }
  if (what == OA_B_CLOSE) {
    if ((m = oa_bind_lacking(b, NULL)) != NULL)
      return oa_ans_fail(r, ODEUS_ERR_ANSWER_MISSING, ODEUS_RULE_REQUIRED, m, ev->offset);
    oa_bind_leave(b);
    r->record = (char *)out; /* what encloses a field or the OAuth client: the integration */
  } else if (what == OA_B_BOOL) { /* "required", of a field */
    if (r->record) ((odeus_answer_field *)(void *)r->record)->required = ev->type == OA_JEV_TRUE;
  } else if (what == OA_B_OPEN) { /* a field is counted, and kept while there is room for it */
    if (b->scope == OA_B_FIELD) {
      out->field_count = b->field + 1;
      r->record = NULL;
      if (b->field < out->field_capacity) memset(r->record = (char *)&out->fields[b->field], 0, sizeof *out->fields);
      else out->cut = 1;
    } else if (b->scope == OA_B_OAUTH) {
      out->has_oauth_client = 1;
      r->record = (char *)&out->oauth_client;
    }
  } else { /* a key not read is skipped with its value: the binder does not tell it */
    int twice = what == OA_B_DUPLICATE;
    return oa_ans_fail(r, twice ? ODEUS_ERR_ANSWER_DUPLICATE : ODEUS_ERR_ANSWER_TYPE,
                       twice ? ODEUS_RULE_DUPLICATE_KEY : ODEUS_RULE_TYPE, m, ev->offset);
  }
  return 0;
}

/* ---- the message of an error answer ----
 * A small consumer of the JSON events, by depth: it follows only the containers that can hold the
 * message (where) and knows what their next value is (role). The message is assembled in storage as
 * it arrives. Its full length (msg_len) is always counted; the bytes kept (msg_stored) are a prefix
 * of it. A candidate of higher priority ("message" over "error") takes the storage over at its
 * first byte; one of equal or lower priority is not read once a candidate holds text. A plain
 * string is an item of one part, the message. */

/* The containers followed: the body, the object of "error", the array of
 * "message", an item of that array, an item's "path" array. */
enum { OA_MSG_BODY, OA_MSG_ERROR_OBJECT, OA_MSG_LIST, OA_MSG_ITEM, OA_MSG_PATH_LIST };
/* What a value is: not read, the body's "error" or "message" (their priorities), an element of the
 * list, an item's path (an object or array of one of these four is the container of the same
 * number), a message, an element of a path. */
enum { OA_MSG_NONE, OA_MSG_ERROR, OA_MSG_MESSAGE, OA_MSG_ELEMENT, OA_MSG_PATH, OA_MSG_TEXT, OA_MSG_PATH_PART };

/* Per container: the depth of its values, its parent, the role of its
 * values (an object's come with their keys), the event that opens it. */
static const unsigned char oa_msg_containers[][4] = {
  { 1, OA_MSG_BODY, OA_MSG_NONE, 0 }, { 2, OA_MSG_BODY, OA_MSG_NONE, OA_JEV_OBJECT_BEGIN },
  { 2, OA_MSG_BODY, OA_MSG_ELEMENT, OA_JEV_ARRAY_BEGIN }, { 3, OA_MSG_LIST, OA_MSG_NONE, OA_JEV_OBJECT_BEGIN },
  { 4, OA_MSG_ITEM, OA_MSG_PATH_PART, OA_JEV_ARRAY_BEGIN }
};

static void oa_msg_put(odeus_answer_reader *r, const char *p, size_t n)
{
  odeus_answer *out = r->out;
  size_t len = r->msg_len, kept = r->msg_stored;
  if (kept == len && out->strings_capacity) {
    size_t k = OA_MIN(n, out->strings_capacity - 1 - kept);
    memcpy(out->strings + kept, p, k); /* p is never NULL: every text put has bytes */
    r->msg_stored = kept + k;
  }
  r->msg_len = oa_ans_add(len, n);
}

/* Text of an item's part (role: of the value it comes from; only whether
 * it is OA_MSG_TEXT, the message, matters); before its first byte, the
 * separators. The member being read has text: it takes the storage over. */
static void oa_msg_part_text(odeus_answer_reader *r, unsigned role, const char *p, size_t n)
{
  if (!n) return;
  if (!r->part_started) {
    r->part_started = 1;
    if (r->have != r->cur) {
      r->have = r->cur;
      r->msg_len = 0;
      r->msg_stored = 0;
    }
    if (r->item_parts++ == 0) {
      r->item_sep = r->msg_len;
      if (r->msg_len) oa_msg_put(r, "; ", 2); /* an item of the message before */
      r->first_part = role;
    } else {
      oa_msg_put(r, ": ", 2);
      r->second_start = r->msg_len;
    }
  }
  oa_msg_put(r, p, n);
}

static void oa_msg_reverse(char *s, char *e)
{
  char c;
  while (s + 1 < e) {
    c = *s;
    *s++ = *--e;
    *e = c;
  }
}

/* An item whose message came before its path reads "message: path" so far: turn it into "path:
 * message" in place (the whole reversed, then each of its three pieces). If storage cut it, drop
 * what was kept of it, so the kept text stays a prefix. */
static void oa_msg_item_end(odeus_answer_reader *r)
{
  if (r->item_parts != 2 || r->first_part != OA_MSG_TEXT) return;
  if (r->msg_stored == r->msg_len) {
    char *s = r->out->strings + r->item_sep + (r->item_sep ? 2 : 0), *e = r->out->strings + r->msg_len;
    char *path_end = s + (r->msg_len - r->second_start);
    oa_msg_reverse(s, e);
    oa_msg_reverse(s, path_end);
    oa_msg_reverse(path_end, path_end + 2);
    oa_msg_reverse(path_end + 2, e);
  } else if (r->msg_stored > r->item_sep) {
    r->msg_stored = r->item_sep;
  }
}

/* A key: what its value is. Of an item (or of "error"), the first
 * "message" and the first "path" (not in "error") are read. */
static void oa_msg_key(odeus_answer_reader *r, const oa_json_event *ev)
{
  const char *s = oa_bind_word(&r->bind, ev);
  unsigned role, k;
  if (!s) return;
  /* which name, as its role: the body's "error" and "message" are their
   * priorities. OA_MSG_ELEMENT's place holds a name no key has but "\0"
   * (U+0000), and no name is OA_MSG_TEXT: both read as none below. */
  k = (unsigned)oa_name_lookup("\5error\7message\1\0\4path", s, r->bind.word_len);
  if (r->where == OA_MSG_BODY) {
    role = k <= OA_MSG_MESSAGE && k > r->have ? k : 0u;
    r->cur = r->role = role;
    return;
  }
  role = k == OA_MSG_MESSAGE ? OA_MSG_TEXT : k == OA_MSG_PATH && r->where == OA_MSG_ITEM ? OA_MSG_PATH : OA_MSG_NONE;
  if (r->item_seen & (1u << role)) role = OA_MSG_NONE;
  r->item_seen |= 1u << role;
  r->role = role;
}

static void oa_msg_enter(odeus_answer_reader *r, unsigned where)
{
  r->where = where;
  r->role = oa_msg_containers[where][2];
  r->path_elems = 0;
  r->part_started = 0;
  if (where == OA_MSG_PATH_LIST) return;
  r->item_seen = 0;
  r->item_parts = 0;
}

/* Events of an error answer: never an error, whatever the body. */
static int oa_msg_event(void *ctx, const oa_json_event *ev)
{
  odeus_answer_reader *r = oa_ans_reader((oa_bind *)ctx);
  unsigned t = (unsigned)ev->type, role = r->role, depth = oa_msg_containers[r->where][0];
  if (ev->depth != depth) { /* inside a value not read, or the end of the container */
    if (ev->depth + 1 == depth) { /* its end: the first event at that depth (or the body's) */
      if (r->where == OA_MSG_ITEM) oa_msg_item_end(r);
      r->where = oa_msg_containers[r->where][1];
      r->role = oa_msg_containers[r->where][2];
    }
    return 0;
  }
  if (t == OA_JEV_KEY) {
    oa_msg_key(r, ev);
  } else if (role - 1u < OA_MSG_PATH && t == oa_msg_containers[role][3]) {
    oa_msg_enter(r, role); /* the object or array of a value followed */
  } else if (t == OA_JEV_STRING || t == OA_JEV_NUMBER) {
    if (role == OA_MSG_PATH_PART) { /* one part: its elements joined by '.' */
      if ((ev->flags & OA_JSON_FIRST) && r->path_elems) oa_msg_part_text(r, role, ".", 1);
      r->path_elems = 1;
    } else if (role == OA_MSG_NONE || t == OA_JEV_NUMBER) {
      return 0;
    } else if (ev->flags & OA_JSON_FIRST) { /* a new part; a plain string, a new item */
      r->part_started = 0;
      if (role != OA_MSG_TEXT && role != OA_MSG_PATH) r->item_parts = 0;
    }
    oa_msg_part_text(r, role, ev->text, ev->len);
  }
  return 0;
}

/* n, less a UTF-8 character cut at the end of s. */
static size_t oa_msg_whole_chars(const char *s, size_t n)
{
  size_t i = n;
  unsigned lead;
  while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
  if (i-- == 0) return n;
  lead = (unsigned char)s[i];
  /* the bytes its lead asks for: 1, 2 from C0, 3 from E0, 4 from F0 (2 bits a high nibble) */
  return n - i < 1u + ((0xE5000000u >> (lead >> 4) * 2) & 3u) ? i : n;
}

/* The n bytes of a reason phrase as the message. HTTP lets it hold any byte from 0x80 (obs-text);
 * the message is UTF-8, so what is not becomes U+FFFD. */
static void oa_msg_put_reason(odeus_answer_reader *r, const char *reason, size_t n)
{
  size_t i, k;
  for (i = 0; i < n; i += k ? k : 1) {
    k = oa_utf8_length((const unsigned char *)reason + i, n - i);
    if (k) oa_msg_put(r, reason + i, k);
    else oa_msg_put(r, "\xEF\xBF\xBD", 3);
  }
}

/* The message of an error answer, from the body or else the reason. */
static void oa_msg_finish(odeus_answer_reader *r, const char *reason, odeus_result json)
{
  odeus_answer *out = r->out;
  size_t len, kept;
  char digits[3];
  if (json != ODEUS_OK || !r->have) {
    r->msg_len = 0;
    r->msg_stored = 0;
    if (reason && *reason) { /* a character cut where it filled oa_http.reason was cut by the parser: dropped */
      len = oa_strlen(reason);
      if (len == sizeof ((oa_http *)0)->reason - 1) len = oa_msg_whole_chars(reason, len);
    } else { /* "HTTP " and the status' digits */
      oa_msg_put(r, "HTTP ", 5);
      oa_format_uint(digits, (unsigned)r->status < 1000u ? (size_t)r->status : 0u, 3); /* 0..999, else 000 */
      reason = digits;
      len = sizeof digits;
    }
    oa_msg_put_reason(r, reason, len);
  }
  len = r->msg_len;
  kept = r->msg_stored;
  out->strings_needed = oa_ans_add(len, 1);
  out->cut = kept < len;
  if (out->strings_capacity) { /* else message.ptr stays NULL, as begin left it */
    if (kept < len) kept = oa_msg_whole_chars(out->strings, kept);
    out->strings[kept] = '\0';
    out->message.ptr = out->strings;
    len = kept;
  }
  out->message.len = len;
}

/* ---- the API ---- */

/* The result code of an HTTP status: ODEUS_OK for 200; 400, 401, 403, 404, 429 their own; 500..599
 * ODEUS_ERR_STATUS_5XX; anything else ODEUS_ERR_STATUS_OTHER. */
static odeus_result oa_status_result(int status)
{
  static const unsigned char own[] = { 0, 1, 3, 4, 29 }; /* 400 + these, in the order of their results */
  unsigned d = (unsigned)status - 400u, i = 0;
  if (oa_ans_mapped(status)) return ODEUS_OK;
  while (i < 5 && own[i] != d) i++;
  if (i == 5 && d - 100u >= 100u) i = 6; /* not 5XX: OTHER */
  return (odeus_result)((int)ODEUS_ERR_STATUS_400 - (int)i);
}
OA_STATIC_ASSERT(status_results, ODEUS_ERR_STATUS_429 == ODEUS_ERR_STATUS_400 - 4 &&
                                 ODEUS_ERR_STATUS_5XX == ODEUS_ERR_STATUS_400 - 5 &&
                                 ODEUS_ERR_STATUS_OTHER == ODEUS_ERR_STATUS_400 - 6);

/* Forgets an earlier answer; the caller's storage (the members before status) stays. */
static void oa_ans_clear(odeus_answer *out)
{
  memset((char *)out + offsetof(odeus_answer, status), 0, sizeof *out - offsetof(odeus_answer, status));
}
OA_STATIC_ASSERT(answer_storage_first, offsetof(odeus_answer, strings_capacity) < offsetof(odeus_answer, status));

OA_STATIC_ASSERT(answer_reader_json_last,
                 offsetof(odeus_answer_reader, json) + sizeof(oa_json) == sizeof(odeus_answer_reader));

/* Sets up a reader zeroed up to its JSON reader (which clears itself), as an exchange's is. */
static void oa_ans_setup(odeus_answer_reader *r, odeus_answer *out, int status)
{
  oa_json_init(&r->json, oa_ans_mapped(status) ? oa_bind_event : oa_msg_event, &r->bind);
  r->bind.in = OA_IN_ANSWER;
  r->bind.fn = oa_ans_bound;
  r->bind.str = oa_ans_string;
  r->out = out;
  r->record = (char *)out;
  r->status = status;
  if (out) {
    oa_ans_clear(out);
    out->status = status;
  }
  if (!out || (!out->fields && out->field_capacity) || (!out->strings && out->strings_capacity))
    r->json.error = r->error = ODEUS_ERR_ARGUMENT; /* the JSON reader's: what a piece finds first */
}

ODEUS_API void odeus_answer_begin(odeus_answer_reader *r, odeus_answer *out, int status)
{
  if (!r) return;
  memset(r, 0, offsetof(odeus_answer_reader, json));
  oa_ans_setup(r, out, status);
}

/* A 200 answer's first problem (a JSON error is one), else ODEUS_OK or begin's argument error. */
static odeus_result oa_ans_result(odeus_answer_reader *r, odeus_result code)
{
  if (code != ODEUS_OK && !r->error && oa_ans_mapped(r->status)) {
    r->bind.scope = OA_B_TOP; /* the path: the body */
    r->out->problem.cause = code;
    (void)oa_ans_fail(r, code, ODEUS_RULE_JSON, NULL, r->json.offset);
  }
  return (odeus_result)r->error;
}

/* A piece of good arguments: a problem stops the JSON reader for good, and later pieces there. */
static odeus_result oa_ans_feed(odeus_answer_reader *r, const char *data, size_t len)
{
  odeus_result res = oa_json_read(&r->json, data, len);
  return res == ODEUS_OK ? ODEUS_OK : oa_ans_result(r, res);
}

ODEUS_API odeus_result odeus_answer_feed(odeus_answer_reader *r, const char *data, size_t len)
{
  return !r || (!data && len) ? ODEUS_ERR_ARGUMENT : oa_ans_feed(r, data, len);
}

ODEUS_API odeus_result odeus_answer_finish(odeus_answer_reader *r, const char *reason)
{
  odeus_result res;
  if (!r) return ODEUS_ERR_ARGUMENT;
  if (r->error) return (odeus_result)r->error;
  res = oa_json_finish(&r->json);
  if (!oa_ans_mapped(r->status)) {
    oa_msg_finish(r, reason, res);
    return oa_status_result(r->status);
  }
  return oa_ans_result(r, res);
}

/* ---- the problem of a refused answer ---- */

static const char *oa_ans_expected(const odeus_problem *p)
{
  odeus_key k = p->member != ODEUS_KEY_NONE ? p->member : p->key;
  unsigned scope = p->member != ODEUS_KEY_NONE ? (p->key == ODEUS_KEY_OAUTH_CLIENT ? OA_B_OAUTH : OA_B_FIELD)
                                               : OA_B_INTEG;
  const oa_member *m;
  unsigned i = 0;
  while ((m = oa_bind_row(scope, i++)) != NULL && (m->key != k || !(m->in & OA_IN_ANSWER))) {}
  /* the body, "integration" or an authFields element: an object */
  if (!m || (p->member == ODEUS_KEY_NONE && p->index != ODEUS_NO_INDEX)) return "an object";
  if (m->kind == OA_KIND_BOOL) return "a boolean";
  if (m->kind == OA_KIND_FIELDS) return "an array";
  if (m->kind == OA_KIND_OAUTH) return "an object or null";
  return m->in & OA_ANS_NULL ? "a string or null" : "a string";
}

static void oa_put_answer_problem(oa_sink *s, const odeus_problem *p)
{
  if (p->key != ODEUS_KEY_NONE && p->key != ODEUS_KEY_INTEGRATION) oa_puts(s, "integration.");
  oa_put_path(s, p);
  oa_puts(s, ": ");
  if (p->rule == ODEUS_RULE_TYPE) {
    oa_puts(s, "expected ");
    oa_puts(s, oa_ans_expected(p));
  } else {
    oa_put_rule(s, p);
  }
}

/* ---- writing the answer back ---- */

/* A record opened with its brace, then its members that are neither array nor object, in table
 * order (the caller closes it). A string that may be null, or must be there, is null without a
 * value; any other is left out (as the server left it out), so that the output reads back as the
 * answer it came from. An enum is its name, else its text. */
static void oa_ans_put_record(oa_sink *s, const char *record, unsigned scope)
{
  const oa_member *m;
  unsigned i;
  char sep = '{';
  for (i = 0; (m = oa_bind_row(scope, i)) != NULL; i++) {
    const void *a = record, *at = record + m->answer_offset;
    const odeus_str *v = (const odeus_str *)at;
    odeus_str known = { NULL, 0 };
    if (!(m->in & OA_IN_ANSWER) || m->kind >= OA_KIND_FIELDS ||
        (m->kind != OA_KIND_BOOL && !v->ptr && !(m->flags & OA_REQUIRED) && !(m->in & OA_ANS_NULL)))
      continue;
    oa_putc(s, sep);
    oa_put(s, m->name - 1, m->name_len + 3u); /* "key": */
    sep = ',';
    if (m->kind == OA_KIND_BOOL) {
      oa_puts(s, oa_json_words[!*(const int *)at]); /* true, false */
      continue;
    }
    if (m->kind == OA_KIND_AUTH_TYPE) known = oa_enum_name(m->kind, (unsigned)((const odeus_answer *)a)->auth_type);
    if (m->kind == OA_KIND_FIELD_TYPE) known = oa_enum_name(m->kind, (unsigned)((const odeus_answer_field *)a)->type);
    if (known.ptr) {
      oa_putc(s, '"');
      oa_put(s, known.ptr, known.len);
      oa_putc(s, '"');
    } else {
      oa_put_json_str(s, v->ptr, v->len);
    }
  }
}

ODEUS_API odeus_result odeus_write_answer(const odeus_answer *a, char *buf, size_t cap, size_t *needed)
{
  oa_sink s;
  size_t i;
  if (needed) *needed = 0;
  if (!a || (!buf && cap)) return ODEUS_ERR_ARGUMENT;
  /* Writing a cut answer would print something we did not fully read. */
  if (a->cut || a->field_count > a->field_capacity) return ODEUS_ERR_ANSWER_CUT;
  if (!a->id.ptr || a->problem.rule || (a->field_count && !a->fields)) return ODEUS_ERR_ARGUMENT;
  oa_sink_init(&s, buf, cap);
  oa_ans_put_record(&s, (const char *)a, OA_B_INTEG);
  oa_puts(&s, ",\"authFields\":[");
  for (i = 0; i < a->field_count; i++) {
    if (i) oa_putc(&s, ',');
    oa_ans_put_record(&s, (const char *)&a->fields[i], OA_B_FIELD);
    oa_putc(&s, '}');
  }
  oa_puts(&s, "],\"oauthClient\":");
  if (a->has_oauth_client) {
    oa_ans_put_record(&s, (const char *)&a->oauth_client, OA_B_OAUTH);
    oa_putc(&s, '}');
  } else {
    oa_puts(&s, oa_json_words[2]); /* null */
  }
  oa_putc(&s, '}');
  if (needed) *needed = s.len;
  return s.len <= cap ? ODEUS_OK : ODEUS_ERR_BUFFER_TOO_SMALL;
}
/* ===========================================================================
 * ONE EXCHANGE over odeus_io, and the retry policy
 * ========================================================================= */

/* The exchange's steps: not begun, or ended; the request going out through the window; the answer
 * coming in through it; over (result holds the outcome). */
enum { OA_X_IDLE = 0, OA_X_SEND, OA_X_RECV, OA_X_OVER };

/* The most one send or recv is offered, so that the int a BIO returns can always count it. */
#define OA_X_IO_MAX ((size_t)0x40000000)

/* Every way out of an exchange: it wipes what of the window may hold request or answer bytes, all of
 * it while sending, then (wiped as the request ended) up to win_len, the recvs' high-water mark. */
static odeus_result oa_x_over(odeus_exchange *x, odeus_result r)
{
  size_t n = x->internal.state == OA_X_RECV ? x->internal.win_len : x->internal.window_size;
  odeus_wipe(x->internal.window, n); /* a NULL window (a failed begin): nothing */
  x->internal.state = OA_X_OVER; /* (win_len and win_pos mean nothing now) */
  x->result = r;
  return r;
}

/* The answer reader, begun at the body's first bytes or at its end (it needs the status); NULL: no answer. */
static odeus_answer_reader *oa_x_reader(odeus_exchange *x)
{
  odeus_answer_reader *r = &x->internal.reader;
  if (!r->out && x->answer) oa_ans_setup(r, x->answer, x->internal.http.status);
  return r->out ? r : NULL;
}

/* The exchange ends with r: ODEUS_OK when the whole answer was read, and then the result is what it
 * means; so too for a failure once an error answer's head was read (its body cut short, too large,
 * broken, or the connection failed under it): the status is the server's, an error body never fails
 * it, the message falls back to the reason phrase. A 200's body is the integration: r stands. */
static odeus_result oa_x_end(odeus_exchange *x, odeus_result r)
{
  if (r != ODEUS_OK && (!x->internal.http.head_done || oa_ans_mapped(x->internal.http.status)))
    return oa_x_over(x, r);
  if (!x->answer) return oa_x_over(x, oa_status_result(x->internal.http.status));
  return oa_x_over(x, odeus_answer_finish(oa_x_reader(x), x->internal.http.reason));
}

/* A count from send/recv that counts no bytes taken or given: negative, zero (from recv: see
 * oa_x_recv_steps), or more than it was offered. */
static odeus_result oa_x_io_failure(odeus_exchange *x, int n)
{
  if (n > 0) return oa_x_over(x, ODEUS_ERR_IO);
  if (n == ODEUS_IO_WANT_READ) return ODEUS_WANT_READ;
  if (n == ODEUS_IO_WANT_WRITE) return ODEUS_WANT_WRITE;
  if (n == 0) return oa_x_over(x, ODEUS_ERR_CLOSED);
  x->io_error = n;
  return oa_x_end(x, ODEUS_ERR_IO);
}

/* One send, the window refilled once all of it was sent (a short write keeps the rest). */
static odeus_result oa_x_send_step(odeus_exchange *x, const odeus_io *io)
{
  size_t left;
  int n;
  if (x->internal.win_pos == x->internal.win_len) {
    x->internal.win_len = oa_stream_next(&x->internal.out, (char *)x->internal.window, x->internal.window_size);
    x->internal.win_pos = 0;
    if (x->internal.win_len == 0) {
      odeus_wipe(x->internal.window, x->internal.window_size); /* the request is out: no key stays */
      x->internal.state = OA_X_RECV;
      return ODEUS_OK;
    }
  }
  left = OA_MIN(x->internal.win_len - x->internal.win_pos, OA_X_IO_MAX);
  n = io->send(io->ctx, x->internal.window + x->internal.win_pos, left);
  if (n <= 0 || (size_t)n > left) return oa_x_io_failure(x, n);
  x->internal.win_pos += (size_t)n;
  return ODEUS_OK;
}

/* Recvs fed to the parser, and the body it finds to the answer reader, if any (begun at its first
 * bytes: it needs the status), until the answer ends or the io has no bytes for now. */
static odeus_result oa_x_recv_steps(odeus_exchange *x, const odeus_io *io)
{
  size_t cap = OA_MIN(x->internal.window_size, OA_X_IO_MAX);
  oa_http *h = &x->internal.http;
  oa_http_ptr end = x->internal.window, stop = end, body;
  odeus_answer_reader *r;
  int n;
  do { /* (the parser had not stopped: else the exchange is over) */
    if (stop == end) {
      n = io->recv(io->ctx, x->internal.window, cap);
      if ((size_t)n - 1 >= cap) { /* n <= 0 too. What it wrote is unknown (a want too): all of it, say */
        /* The peer closed: before any byte, ODEUS_ERR_CLOSED (a kept-alive connection the server
         * dropped, say: oa_x_io_failure); after, the parser decides (a body read until close ends). */
        if (n == 0 && x->received) return oa_x_end(x, oa_http_finish(h));
        if (n) x->internal.win_len = cap;
        return oa_x_io_failure(x, n);
      }
      if ((size_t)n > x->internal.win_len) x->internal.win_len = (size_t)n;
      x->received += (uint64_t)n;
      stop = x->internal.window;
      end = stop + n;
    }
    stop = oa_http_run(h, stop, end, &body);
    if (stop != body && (r = oa_x_reader(x)) != NULL && /* (begun: one test a span) */
        (n = (int)oa_ans_feed(r, (const char *)body, (size_t)(stop - body))) != 0)
      h->error = n;
  } while (!(h->error | h->done)); /* (one test) */
  if (!h->error) x->leftover = (size_t)(end - stop);
  return oa_x_end(x, (odeus_result)h->error);
}

ODEUS_API odeus_result odeus_exchange_begin(odeus_exchange *x, const odeus_request *req, odeus_answer *answer,
                                            unsigned char *window, size_t window_size)
{
  odeus_result r;
  if (!x) return ODEUS_ERR_ARGUMENT;
  memset(x, 0, sizeof *x);
  x->internal.window = window;
  x->internal.window_size = window_size;
  r = !window || !window_size ? ODEUS_ERR_ARGUMENT : oa_stream_begin(&x->internal.out, req);
  if (r != ODEUS_OK) return oa_x_over(x, r);
  x->answer = answer;
  oa_http_setup(&x->internal.http, NULL, NULL); /* zeroed with x; oa_x_recv_steps reads its body */
  x->internal.http.body_max = ODEUS_EXCHANGE_BODY_MAX;
  x->result = ODEUS_ERR_STATE;
  x->internal.state = OA_X_SEND;
  return ODEUS_OK;
}

ODEUS_API odeus_result odeus_exchange_run(odeus_exchange *x, const odeus_io *io)
{
  odeus_result r;
  if (!x) return ODEUS_ERR_ARGUMENT;
  if (x->internal.state == OA_X_IDLE) return ODEUS_ERR_STATE;
  if (x->internal.state != OA_X_OVER && (!io || !io->send || !io->recv)) return ODEUS_ERR_ARGUMENT;
  while (x->internal.state != OA_X_OVER) { /* a step that ends it returns the result */
    r = x->internal.state == OA_X_SEND ? oa_x_send_step(x, io) : oa_x_recv_steps(x, io);
    if (r != ODEUS_OK) return r;
  }
  return x->result;
}

ODEUS_API int odeus_exchange_reusable(const odeus_exchange *x)
{
  return x && x->internal.state == OA_X_OVER && x->internal.http.done && x->internal.http.keep_alive &&
         x->leftover == 0 && x->io_error == 0;
}

ODEUS_API void odeus_exchange_end(odeus_exchange *x)
{
  if (!x) return;
  /* Over: it wiped already. Idle: never begun, or ended, and the window is the caller's again. */
  if (x->internal.state == OA_X_SEND || x->internal.state == OA_X_RECV) oa_x_over(x, x->result);
  x->internal.state = OA_X_IDLE;
}

/* ---- retries ---------------------------------------------------------------- */
/* What one attempt ended in: the facts the decision needs. */
typedef struct oa_outcome {
  odeus_result result;          /* the attempt's result */
  int status;                   /* HTTP status, 0 when no answer head was read */
  oa_retry_kind retry_kind;     /* the answer's Retry-After */
  uint64_t retry_value;
} oa_outcome;

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

/* The outcome of an exchange that ended in r (status and Retry-After from its answer head, when one
 * was read). x may be NULL (no exchange: a failed connect, say). */
static oa_outcome oa_outcome_of(const odeus_exchange *x, odeus_result r)
{
  oa_outcome o;
  memset(&o, 0, sizeof o);
  o.result = r;
  if (x && x->internal.http.head_done) {
    o.status = x->internal.http.status;
    o.retry_kind = oa_http_retry_after(&x->internal.http, &o.retry_value);
  }
  return o;
}

/* Statuses that say "not now" rather than "not this": the same request may
 * well succeed later. Exactly the API reference's list, which the tool's
 * --retries promises: 408 is not in it. A status counts only when the
 * attempt ended on it: a 503 whose answer broke the HTTP rules ended in
 * that error, and that is not retried. */
static int oa_retry_worth(const oa_outcome *o)
{
  int s = o->status;
  if (o->result == ODEUS_ERR_CONNECT) return 1;
  if (o->result != ODEUS_ERR_STATUS_429 && o->result != ODEUS_ERR_STATUS_5XX) return 0;
  return s == 429 || s == 502 || s == 503 || s == 504;
}

/* What a Retry-After asks for: 1 with the wait in *ms when it is honoured, 0 when there is none to
 * use, -1 when it is longer than we may wait. The parser keeps retry_value far below 2^64 / 1000,
 * but an outcome built otherwise (a test's) may not: a value whose milliseconds would wrap is
 * longer than any wait. */
static int oa_retry_after(const odeus_retry_policy *p, const oa_outcome *o, uint64_t *ms)
{
  int date = o->retry_kind == OA_RETRY_DATE;
  uint64_t now;
  if (o->retry_kind == OA_RETRY_TOO_LARGE) return -1;
  if (o->retry_kind != OA_RETRY_SECONDS && !(date && p->clock)) return 0;
  if (o->retry_value > UINT64_MAX / 1000u) return -1;
  now = date ? p->clock(p->ctx) : 0; /* a date is an instant: the wait is what is left of it */
  *ms = o->retry_value * 1000u > now ? o->retry_value * 1000u - now : 0;
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

/* After attempt number `attempt` (1 for the first) ended in *o: 1 with the wait in *delay_ms when
 * another attempt should follow, else 0 (and *delay_ms = 0). policy may be NULL: every default. */
static int oa_retry_decide(const odeus_retry_policy *policy, unsigned attempt, const oa_outcome *o,
                           uint32_t *delay_ms)
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

ODEUS_API int odeus_retry_decide(const odeus_retry_policy *policy, unsigned attempt, const odeus_exchange *x,
                                 odeus_result r, uint32_t *delay_ms)
{
  oa_outcome o = oa_outcome_of(x, r);
  return oa_retry_decide(policy, attempt, &o, delay_ms);
}

#endif /* ODEUS_AUTH_IMPLEMENTATION_DONE */
#endif /* ODEUS_AUTH_IMPLEMENTATION */

/* ===========================================================================
 * THE BUNDLED TRANSPORT: mbedTLS over any network   (define ODEUS_AUTH_MBEDTLS)
 *
 * An odeus_client holds one connection and everything TLS needs, and runs a
 * whole apply over any network stack: a connect with its own timeout, TLS
 * with the certificate chain and the host name verified (mbedtls_ssl_set_hostname
 * is always called: without it mbedTLS 2.28 checks no name at all; an IP
 * literal is matched against the certificate's IP addresses, which 2.28
 * cannot do itself), never older than TLS 1.2, read and write timeouts, one
 * deadline over the whole apply, retries (odeus_retry_decide), keep-alive
 * reuse of the connection, and TLS session resumption across connections.
 * Plain http:// only when the base URL says so. It drives the network
 * through an odeus_net (below): POSIX sockets are bundled (the default),
 * examples/lwip/ holds lwIP's sockets, docs/PORTING.md says how to write
 * another (an RTOS, a modem).
 *
 *   odeus_client c;                  (must stay at its address until free)
 *   odeus_client_options o;
 *   memset(&o, 0, sizeof o);         (zero means default everywhere)
 *   o.ca_file = "ca.pem";            (else the system bundle)
 *   if (odeus_client_init(&c, &o) == ODEUS_OK)
 *     r = odeus_client_apply(&c, &req, &answer);   (as often as needed)
 *   odeus_client_free(&c);           (after a failed init too)
 *
 * Builds against mbedTLS 2.28 and 3.x (tested with 2.28 over TLS 1.2 and
 * 3.6 over TLS 1.2 and 1.3); link -lmbedtls -lmbedx509 -lmbedcrypto. The
 * POSIX network needs POSIX.1-2008, which a strict -std=c99 build hides:
 * include this header before any other (it then asks for POSIX itself), or
 * define _POSIX_C_SOURCE=200809L before the first. Define
 * ODEUS_AUTH_NO_POSIX where there is no POSIX (firmware): the POSIX network
 * is left out, and options.net must name one.
 * Memory: the client allocates nothing itself; mbedTLS allocates its contexts and record buffers (point it at a static arena with
 * mbedtls_memory_buffer_alloc_init where MBEDTLS_MEMORY_BUFFER_ALLOC_C is
 * available); getaddrinfo, for a host given by name, allocates inside the C
 * library. One client per thread. With mbedTLS 3.x, odeus_client_init also
 * starts PSA crypto (psa_crypto_init), which is global to the program: it
 * stays after odeus_client_free (other clients, or the program, may use it),
 * and the program ends it, if it wants, with mbedtls_psa_crypto_free().
 *
 * Secrets: the API key and clientSecret pass through the client's window
 * only, wiped by the exchange on every path; mbedTLS encrypts the records in
 * place, and its buffers are zeroized when a connection closes
 * (mbedtls_ssl_session_reset) and at odeus_client_free.
 * ========================================================================= */
#if defined(ODEUS_AUTH_MBEDTLS) && !defined(ODEUS_AUTH_MBEDTLS_H)
#define ODEUS_AUTH_MBEDTLS_H

#include <mbedtls/version.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#include <mbedtls/build_info.h>
#elif !defined(MBEDTLS_CONFIG_FILE)
#include <mbedtls/config.h>
#else
#include MBEDTLS_CONFIG_FILE
#endif
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The network under the client: four calls and their context, for one
 * connection at a time. Times are milliseconds on now()'s clock.
 *   open   connects to host (a name, or an IP literal, IPv6 without
 *          brackets) and port by `until`, and sets *io to calls that never
 *          block: a count, 0 when closed, ODEUS_IO_WANT_READ / _WRITE when
 *          they would, MBEDTLS_ERR_NET_CONN_RESET for a reset, another
 *          negative value for another error. Returns ODEUS_OK, ODEUS_ERR_DNS,
 *          ODEUS_ERR_CONNECT or ODEUS_ERR_TIMEOUT (`until` came first), the
 *          system's reason in *error (an errno value; for ODEUS_ERR_DNS a
 *          getaddrinfo code, or 0).
 *   wait   until the connection can be read (want ODEUS_IO_WANT_READ) or
 *          written (ODEUS_IO_WANT_WRITE), or (want 0) only until `until`:
 *          1 ready, 0 the time is up, negative for an error.
 *   close  closes what open connected.
 *   now    a monotonic clock in milliseconds. */
typedef struct odeus_net {
  odeus_result (*open)(void *ctx, const char *host, uint16_t port, uint64_t until,
                       odeus_io *io, int *error);
  int (*wait)(void *ctx, int want, uint64_t until);
  void (*close)(void *ctx);
  uint64_t (*now)(void *ctx);
  void *ctx;
} odeus_net;

typedef struct odeus_client_options {
  /* Trust anchors, read by odeus_client_init: a PEM file, else PEM text in
   * memory (NUL-terminated), else the system bundle (the first of
   * /etc/ssl/certs/ca-certificates.crt and the other usual places, loaded at
   * the first https connection; Debian's, parsed, holds about 400 KB of
   * mbedTLS' heap: firmware passes its one CA in ca_pem). */
  const char *ca_file;
  const char *ca_pem;
  /* DANGER: 1 accepts ANY certificate for ANY name: an attacker on the
   * network then reads the API key. For tests against a private server
   * only. (0) */
  int insecure_skip_verify;
  uint32_t connect_timeout_ms;  /* one connect, all addresses of the host, each
                                   an equal share of what is left; it starts
                                   after the name lookup, which blocks (30000) */
  uint32_t io_timeout_ms;       /* each wait for the network to read or write (30000) */
  uint32_t deadline_ms;         /* a whole apply: connects, handshakes, retries
                                   and their waits (120000) */
  odeus_retry_policy retry;     /* zero: 3 attempts, backoff from 500 ms to
                                   30 s, Retry-After up to 60 s; clock, sleep,
                                   random left NULL: the system clock (none
                                   without POSIX: a Retry-After date then
                                   counts as absent), the network's wait,
                                   the client's CTR-DRBG */
  int no_keep_alive;            /* 1: close the connection after each apply (0) */
  int no_resumption;            /* 1: never resume a TLS session (0) */
  const odeus_net *net;         /* the network, copied by init (NULL: POSIX sockets) */
} odeus_client_options;

#define ODEUS_CLIENT_DEFAULT_CONNECT_TIMEOUT_MS 30000u
#define ODEUS_CLIENT_DEFAULT_IO_TIMEOUT_MS 30000u
#define ODEUS_CLIENT_DEFAULT_DEADLINE_MS 120000u
#define ODEUS_CLIENT_WINDOW 2048

typedef struct odeus_client {
  odeus_client_options opt;     /* as given, defaults resolved */
  /* about the last apply (read only) */
  int status;                   /* HTTP status of the last answer, 0 when none */
  unsigned attempts;            /* attempts it made */
  uint32_t waited_ms;           /* time it waited between them */
  int reused;                   /* its last attempt went over a kept-alive connection */
  int resumed;                  /* its last handshake resumed a TLS session
                                   (known when certificates are verified) */
  int io_error;                 /* the mbedTLS code behind a failure, else 0 */
  int sys_error;                /* the errno, or getaddrinfo code, behind it */
  uint32_t verify_flags;        /* why a certificate was refused (MBEDTLS_X509_BADCERT_*) */
  uint64_t retry_after_ms;      /* the wait the last answer's Retry-After asked for,
                                   honoured or not (UINT64_MAX: past 2^32 s); 0: none */
  /* since init (read only) */
  unsigned long connections, handshakes, resumptions;
  /* private */
  odeus_net net;                /* the network in use */
  odeus_io io;                  /* the connection it opened */
  int fd;                       /* the POSIX network's socket, -1 when none */
  int connected, tls;           /* a connection is open; it is TLS */
  int ready, ssl_ready, ca_loaded, has_session, cert_seen;
  uint16_t port, session_port;
  char host[256];               /* the connection's host, NUL-terminated */
  char session_host[256];       /* the host the saved session belongs to */
  uint64_t deadline;            /* of the apply running, on net.now's clock */
  unsigned char window[ODEUS_CLIENT_WINDOW];
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_x509_crt ca;
  mbedtls_ssl_config conf;
  mbedtls_ssl_context ssl;
  mbedtls_ssl_session session;
} odeus_client;

/* Sets up the client. ODEUS_ERR_CA when ca_file or ca_pem cannot be loaded,
 * ODEUS_ERR_TLS when mbedTLS cannot start, ODEUS_ERR_ARGUMENT for a net
 * without its four calls (or none without POSIX). opt may be NULL
 * (defaults). Call odeus_client_free even when it fails. A client whose init
 * failed refuses every apply (ODEUS_ERR_ARGUMENT): it never falls back to
 * other trust anchors than those asked for. Init a client only when it is
 * new or freed (it would otherwise lose its connection and mbedTLS state). */
ODEUS_API odeus_result odeus_client_init(odeus_client *c, const odeus_client_options *opt);
/* Sends one request and reads its answer, retrying as the policy says.
 * ODEUS_OK with the integration in answer; an ODEUS_ERR_STATUS_* with
 * answer->message; a validation error (nothing was sent; a config's
 * problems in req->problems when given); an
 * ODEUS_ERR_ANSWER_* or ODEUS_ERR_JSON_* code for a 200 whose body was
 * refused (answer->problem says why); ODEUS_ERR_DNS / CONNECT / TLS / CERT
 * / CA / TIMEOUT / CLOSED / IO or an ODEUS_ERR_HTTP_* code; or
 * ODEUS_ERR_ARGUMENT after a failed init. answer may be NULL. */
ODEUS_API odeus_result odeus_client_apply(odeus_client *c, const odeus_request *req,
                                          odeus_answer *answer);
/* Why the last apply failed, as one line to show a person: the result,
 * then the server's message (through odeus_display_text) or the problem of
 * an answer that was refused, the status of an unexpected one, the wait a
 * Retry-After asked for and why no retry waited it, and the mbedTLS code
 * (TLS only) or system error behind a network failure; for a refused
 * certificate, what is wrong with it and mbedTLS' flags, e.g. "server
 * certificate not trusted: for another host than api.odeus.ai (certificate
 * flags 0x00000004)", "HTTP 404: integration not found: Integration not
 * found" or "connect failed: Connection refused after 3 attempts". r is
 * what odeus_client_apply returned, answer what it was given. snprintf
 * contract. Call it before odeus_client_free. */
ODEUS_API size_t odeus_client_failure(const odeus_client *c, odeus_result r, const odeus_answer *answer,
                                      char *buf, size_t cap);
/* Closes the connection, if any (a saved TLS session stays for the next). */
ODEUS_API void odeus_client_close(odeus_client *c);
/* Closes and frees everything; the client may be initialised again. */
ODEUS_API void odeus_client_free(odeus_client *c);

#ifdef __cplusplus
}
#endif
#endif /* ODEUS_AUTH_MBEDTLS_H */

/* ===========================================================================
 * TRANSPORT IMPLEMENTATION: the TLS layer, the POSIX network, the client
 * ========================================================================= */
#if defined(ODEUS_AUTH_IMPLEMENTATION) && defined(ODEUS_AUTH_MBEDTLS)
#ifndef ODEUS_AUTH_MBEDTLS_DONE
#define ODEUS_AUTH_MBEDTLS_DONE

#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

/* The exchange passes mbedTLS' want-read/want-write through unchanged. */
#if MBEDTLS_ERR_SSL_WANT_READ != ODEUS_IO_WANT_READ || MBEDTLS_ERR_SSL_WANT_WRITE != ODEUS_IO_WANT_WRITE
#error "mbedTLS' want-read/want-write values differ from ODEUS_IO_WANT_*"
#endif

#if MBEDTLS_VERSION_NUMBER < 0x03000000 && defined(MBEDTLS_ECP_C)
/* The key exchange groups offered, in order. mbedTLS 2.28 offers every
 * curve, secp521r1 first, and a server that picks by its own strongest-first
 * order (mbedTLS' does) takes it: several times slower than x25519 or
 * secp256r1, on every full handshake. A server whose certificate key is on
 * none of these is refused (TLS 1.2 ties it to this list). 3.x already
 * starts with x25519 and secp256r1. */
static const mbedtls_ecp_group_id oa_tls_curves[] = {
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
  MBEDTLS_ECP_DP_CURVE25519,
#endif
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
  MBEDTLS_ECP_DP_SECP256R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
  MBEDTLS_ECP_DP_SECP384R1,
#endif
  MBEDTLS_ECP_DP_NONE
};
#endif

/* ---- time, within the apply's deadline ------------------------------------ */
static uint64_t oa_tls_now(const odeus_client *c)
{
  return c->net.now(c->net.ctx);
}

static int oa_tls_deadline_passed(const odeus_client *c)
{
  return oa_tls_now(c) >= c->deadline;
}

/* The end of a wait of at most ms, never past the deadline. */
static uint64_t oa_tls_until(const odeus_client *c, uint32_t ms)
{
  uint64_t t = oa_tls_now(c) + ms;
  return t < c->deadline ? t : c->deadline;
}

/* ---- the connection's bytes: mbedTLS' BIO, and plain http's ----------------
 * The network's calls never block; these wait for it (net.wait) for at most
 * the I/O timeout, never past the deadline: MBEDTLS_ERR_SSL_TIMEOUT then.
 * The deadline is checked before every call, not only when one would wait:
 * a peer that keeps data coming (endless TLS warning alerts, which mbedTLS
 * reads on past by itself, or an answer trickled in tiny chunks) must not
 * hold the caller past it. */
static int oa_tls_bio(odeus_client *c, unsigned char *in, const unsigned char *out, size_t len)
{
  for (;;) {
    int n, w;
    if (oa_tls_deadline_passed(c)) return MBEDTLS_ERR_SSL_TIMEOUT;
    n = in ? c->io.recv(c->io.ctx, in, len) : c->io.send(c->io.ctx, out, len);
    if (n != ODEUS_IO_WANT_READ && n != ODEUS_IO_WANT_WRITE) return n;
    w = c->net.wait(c->net.ctx, n, oa_tls_until(c, c->opt.io_timeout_ms));
    if (w == 0) return MBEDTLS_ERR_SSL_TIMEOUT;
    if (w < 0) return in ? MBEDTLS_ERR_NET_RECV_FAILED : MBEDTLS_ERR_NET_SEND_FAILED;
  }
}

static int oa_tls_bio_send(void *ctx, const unsigned char *buf, size_t len)
{
  return oa_tls_bio((odeus_client *)ctx, NULL, buf, OA_MIN(len, (size_t)0x40000000));
}

static int oa_tls_bio_recv(void *ctx, unsigned char *buf, size_t len)
{
  return oa_tls_bio((odeus_client *)ctx, buf, NULL, OA_MIN(len, (size_t)0x40000000));
}

/* The exchange's io: TLS records, or the plain connection. */
static int oa_tls_io_send(void *ctx, const unsigned char *buf, size_t len)
{
  odeus_client *c = (odeus_client *)ctx;
  return c->tls ? mbedtls_ssl_write(&c->ssl, buf, len) : oa_tls_bio_send(c, buf, len);
}

static int oa_tls_io_recv(void *ctx, unsigned char *buf, size_t len)
{
  odeus_client *c = (odeus_client *)ctx;
  int n;
  if (!c->tls) return oa_tls_bio_recv(c, buf, len);
  for (;;) {
    n = mbedtls_ssl_read(&c->ssl, buf, len);
    /* The BIO waits, so want-read means a record that was not data (a TLS
     * 1.3 ticket or key update, in mbedTLS 3.x): read on, within the
     * deadline, so that a peer sending nothing but those cannot hold us. */
#ifdef MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
    if (n == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) n = MBEDTLS_ERR_SSL_WANT_READ;
#endif
    if (n != MBEDTLS_ERR_SSL_WANT_READ) break;
    if (oa_tls_deadline_passed(c)) return MBEDTLS_ERR_SSL_TIMEOUT;
  }
  /* The end of the stream: the exchange decides whether the answer was
   * whole (a body read until close ends here; any other is truncated). */
  if (n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || n == MBEDTLS_ERR_SSL_CONN_EOF) return 0;
  return n;
}

/* c->ready: 0 nothing to free; contexts initialised; usable (init whole). */
#define OA_TLS_CONTEXTS 1
#define OA_TLS_USABLE 2

/* ---- trust anchors and the TLS configuration ------------------------------ */
#if defined(MBEDTLS_FS_IO)
/* Where systems keep their trust anchors: Debian/Ubuntu, Fedora/RHEL,
 * openSUSE, older RHEL, Alpine/BSD/macOS, FreeBSD. */
static const char *const oa_tls_bundles[] = {
  "/etc/ssl/certs/ca-certificates.crt",
  "/etc/pki/tls/certs/ca-bundle.crt",
  "/etc/ssl/ca-bundle.pem",
  "/etc/pki/tls/cacert.pem",
  "/etc/ssl/cert.pem",
  "/usr/local/share/certs/ca-root-nss.crt"
};
#endif

/* Without a file system (MBEDTLS_FS_IO), there is no system bundle and no
 * ca_file: ca_pem is the way. */
static odeus_result oa_tls_load_system_ca(odeus_client *c)
{
#if defined(MBEDTLS_FS_IO)
  size_t i;
  for (i = 0; i < OA_COUNT(oa_tls_bundles); i++) {
    /* A bundle may hold certificates mbedTLS cannot parse (a positive count
     * of them): the others still count. */
    int r = mbedtls_x509_crt_parse_file(&c->ca, oa_tls_bundles[i]);
    if (r >= 0 && c->ca.version != 0) return ODEUS_OK;
  }
#else
  (void)c;
#endif
  return ODEUS_ERR_CA;
}

static odeus_result oa_tls_load_ca(odeus_client *c, const odeus_client_options *o)
{
  int r = -1;
  if (o && o->ca_file) {
#if defined(MBEDTLS_FS_IO)
    r = mbedtls_x509_crt_parse_file(&c->ca, o->ca_file);
#endif
  } else if (o && o->ca_pem)
    r = mbedtls_x509_crt_parse(&c->ca, (const unsigned char *)o->ca_pem, strlen(o->ca_pem) + 1);
  else return ODEUS_OK; /* the system bundle, at the first https connection */
  if (r != 0 || c->ca.version == 0) {
    c->io_error = r < -1 ? r : 0;
    return ODEUS_ERR_CA;
  }
  c->ca_loaded = 1;
  return ODEUS_OK;
}

/* The address of an IPv4 literal ("192.0.2.10") in out[4]: 4, else 0. The
 * base URL's rule: with a leading zero ("010.0.0.1") it is a name. */
static size_t oa_tls_ipv4(const char *s, unsigned char *out)
{
  return oa_url_ipv4(s, strlen(s), out) ? 4 : 0;
}

/* The address of an IP-literal host in out[16]: 4 (IPv4), 16 (IPv6), or 0
 * for a name. The base URL's parser has checked an IPv6 literal (the only
 * host with a ':'), so this only converts it. */
static size_t oa_tls_ip(const char *s, unsigned char *out)
{
  unsigned char w[16];
  size_t n = 0, gap = 16;
  if (!strchr(s, ':')) return oa_tls_ipv4(s, out);
  while (*s && n <= 14) {
    unsigned v = 0, d;
    if (s[0] == ':' && s[1] == ':') {
      gap = n;
      s += 2;
      continue;
    }
    s += *s == ':';
    if (!strchr(s, ':') && strchr(s, '.')) { /* the IPv4 tail */
      n += n <= 12 ? oa_tls_ipv4(s, w + n) : 0;
      break;
    }
    for (; (d = oa_hex_value((unsigned char)*s)) < 16; s++) v = v * 16 + d;
    w[n++] = (unsigned char)(v >> 8);
    w[n++] = (unsigned char)v;
  }
  if (gap > n) gap = n;
  memset(out, 0, 16);
  memcpy(out, w, gap);
  memcpy(out + 16 - (n - gap), w + gap, n - gap);
  return 16;
}

/* Called for each certificate of a chain during a full handshake only (a
 * resumed one sees none), after mbedTLS' own checks. An IP-literal host is
 * matched against the server certificate's iPAddress names, which mbedTLS
 * before 3.5 cannot do (it compares DNS names only); 3.5 and later match
 * them themselves. Nothing else changes the verdict. */
static int oa_tls_verify(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
  odeus_client *c = (odeus_client *)ctx;
#if MBEDTLS_VERSION_NUMBER < 0x03050000
  unsigned char ip[16];
  size_t n = depth == 0 && (*flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) ? oa_tls_ip(c->host, ip) : 0;
  const mbedtls_x509_sequence *san;
  for (san = &crt->subject_alt_names; n && san; san = san->next)
    if (san->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && san->buf.len == n &&
        memcmp(san->buf.p, ip, n) == 0)
      *flags &= ~(uint32_t)MBEDTLS_X509_BADCERT_CN_MISMATCH;
#else
  (void)crt;
  (void)depth;
  (void)flags;
#endif
  c->cert_seen = 1;
  return 0;
}

static odeus_result oa_tls_configure(odeus_client *c)
{
  static const char personal[] = "odeus_auth client";
  if (mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func, &c->entropy,
                            (const unsigned char *)personal, sizeof personal - 1) != 0)
    return ODEUS_ERR_TLS;
  if (mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                  MBEDTLS_SSL_PRESET_DEFAULT) != 0)
    return ODEUS_ERR_TLS;
  /* Verification is on unless the caller said, in so many words, to skip it. */
  mbedtls_ssl_conf_authmode(&c->conf, c->opt.insecure_skip_verify ? MBEDTLS_SSL_VERIFY_NONE
                                                                   : MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(&c->conf, &c->ca, NULL);
  mbedtls_ssl_conf_rng(&c->conf, mbedtls_ctr_drbg_random, &c->drbg);
  mbedtls_ssl_conf_verify(&c->conf, oa_tls_verify, c);
#if MBEDTLS_VERSION_NUMBER < 0x03000000
  /* 2.28 as distributions build it still speaks TLS 1.0 and 1.1 (CBC and
   * SHA-1 suites): never with us. 3.x knows nothing older than 1.2. */
  mbedtls_ssl_conf_min_version(&c->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
#if MBEDTLS_VERSION_NUMBER < 0x03000000 && defined(MBEDTLS_ECP_C)
  if (oa_tls_curves[0] != MBEDTLS_ECP_DP_NONE) mbedtls_ssl_conf_curves(&c->conf, oa_tls_curves);
#endif
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
  mbedtls_ssl_conf_session_tickets(&c->conf, c->opt.no_resumption
                                                 ? MBEDTLS_SSL_SESSION_TICKETS_DISABLED
                                                 : MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED)
  /* A TLS 1.3 session is its ticket, and 3.6 drops tickets unless asked to
   * keep them (oa_tls_io_recv reads on past the signal). */
  if (!c->opt.no_resumption)
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        &c->conf, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
#endif
  return ODEUS_OK;
}

/* The record buffers (about 2 x 16 KiB of mbedTLS' heap) only when TLS is
 * used, and the system trust anchors only when nothing else was given. */
static odeus_result oa_tls_prepare_ssl(odeus_client *c)
{
  if (!c->ca_loaded && !c->opt.insecure_skip_verify) {
    if (oa_tls_load_system_ca(c) != ODEUS_OK) return ODEUS_ERR_CA;
    c->ca_loaded = 1;
  }
  if (c->ssl_ready) return ODEUS_OK;
  if (mbedtls_ssl_setup(&c->ssl, &c->conf) != 0) return ODEUS_ERR_TLS;
  mbedtls_ssl_set_bio(&c->ssl, c, oa_tls_bio_send, oa_tls_bio_recv, NULL);
  c->ssl_ready = 1;
  return ODEUS_OK;
}

static odeus_result oa_tls_handshake_failure(odeus_client *c, int r)
{
  c->io_error = r;
  c->verify_flags = mbedtls_ssl_get_verify_result(&c->ssl);
  if (r == MBEDTLS_ERR_SSL_TIMEOUT) return ODEUS_ERR_TIMEOUT;
  if (r == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) return ODEUS_ERR_CERT;
  if (!c->opt.insecure_skip_verify && c->verify_flags != 0 && c->verify_flags != (uint32_t)-1)
    return ODEUS_ERR_CERT;
  return ODEUS_ERR_TLS;
}

static int oa_tls_session_matches(const odeus_client *c)
{
  return c->has_session && c->session_port == c->port && strcmp(c->session_host, c->host) == 0;
}

static odeus_result oa_tls_handshake(odeus_client *c)
{
  int r, offered = 0;
  /* Always: the name is both sent (SNI) and checked against the
   * certificate. */
  if (mbedtls_ssl_set_hostname(&c->ssl, c->host) != 0) return ODEUS_ERR_TLS;
  if (!c->opt.no_resumption && oa_tls_session_matches(c))
    offered = mbedtls_ssl_set_session(&c->ssl, &c->session) == 0;
  c->cert_seen = 0;
  do {
    r = mbedtls_ssl_handshake(&c->ssl);
  } while ((r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) &&
           !oa_tls_deadline_passed(c));
  if (r != 0) return oa_tls_handshake_failure(c, r);
  c->handshakes++;
  c->resumed = offered && !c->cert_seen && !c->opt.insecure_skip_verify;
  if (c->resumed) c->resumptions++;
  return ODEUS_OK;
}

/* Keeps the session of a connection for the next one (TLS 1.3 tickets
 * arrive after the handshake, so this runs once the first answer is read). */
static void oa_tls_save_session(odeus_client *c)
{
  if (c->opt.no_resumption) return;
  mbedtls_ssl_session_free(&c->session);
  mbedtls_ssl_session_init(&c->session);
  c->has_session = mbedtls_ssl_get_session(&c->ssl, &c->session) == 0;
  if (!c->has_session) return;
  memcpy(c->session_host, c->host, sizeof c->host);
  c->session_port = c->port;
}

/* ---- the POSIX network: non-blocking sockets, poll, CLOCK_MONOTONIC --------
 * The default odeus_net; its context is the client's fd. Left out with
 * ODEUS_AUTH_NO_POSIX. */
#ifndef ODEUS_AUTH_NO_POSIX
/* glibc fixes what it shows at its first header: in a strict -std=c99
 * build where another header came first, the _POSIX_C_SOURCE defined at
 * the top of this one came too late. Say so, rather than fail later on a
 * missing CLOCK_MONOTONIC. */
#if defined(__GLIBC__) && !defined(__USE_XOPEN2K8)
#error "the odeus_auth transport needs POSIX.1-2008: include odeus_auth.h before any other header, or define _POSIX_C_SOURCE=200809L before the first #include (or define ODEUS_AUTH_NO_POSIX)"
#endif
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#ifdef MSG_NOSIGNAL
#define OA_POSIX_SEND_FLAGS MSG_NOSIGNAL
#else
#define OA_POSIX_SEND_FLAGS 0
#endif

static uint64_t oa_posix_clock(clockid_t id)
{
  struct timespec ts;
  if (clock_gettime(id, &ts) != 0) return 0;
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t oa_posix_now(void *ctx)
{
  (void)ctx;
  return oa_posix_clock(CLOCK_MONOTONIC);
}

/* 1 ready, 0 the time is up, -1 an error. It looks at least once, so a
 * socket that is ready is never called late because the time just ran out.
 * fd -1 only sleeps. */
static int oa_posix_poll(int fd, short events, uint64_t until)
{
  for (;;) {
    struct pollfd p;
    uint64_t now = oa_posix_now(NULL);
    int ms = now < until ? (int)OA_MIN(until - now, (uint64_t)0x7fffffff) : 0, r;
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    r = poll(&p, 1, ms);
    if (r > 0) return 1;
    if (r < 0 && errno != EINTR) return -1;
    if (ms == 0) return 0;
  }
}

static int oa_posix_wait(void *ctx, int want, uint64_t until)
{
  return oa_posix_poll(want ? *(int *)ctx : -1, want == ODEUS_IO_WANT_READ ? POLLIN : POLLOUT, until);
}

static int oa_posix_failure(int code)
{
  if (errno == EAGAIN || errno == EWOULDBLOCK) return code == MBEDTLS_ERR_NET_RECV_FAILED ? ODEUS_IO_WANT_READ : ODEUS_IO_WANT_WRITE;
  return errno == ECONNRESET || errno == EPIPE ? MBEDTLS_ERR_NET_CONN_RESET : code;
}

static int oa_posix_send(void *ctx, const unsigned char *buf, size_t len)
{
  ssize_t n;
  do n = send(*(int *)ctx, buf, len, OA_POSIX_SEND_FLAGS);
  while (n < 0 && errno == EINTR);
  return n >= 0 ? (int)n : oa_posix_failure(MBEDTLS_ERR_NET_SEND_FAILED);
}

static int oa_posix_recv(void *ctx, unsigned char *buf, size_t len)
{
  ssize_t n;
  do n = recv(*(int *)ctx, buf, len, 0);
  while (n < 0 && errno == EINTR);
  return n >= 0 ? (int)n : oa_posix_failure(MBEDTLS_ERR_NET_RECV_FAILED);
}

static void oa_posix_close(void *ctx)
{
  close(*(int *)ctx);
  *(int *)ctx = -1;
}

static odeus_result oa_posix_try_address(int *out, const struct sockaddr *sa, socklen_t len,
                                         uint64_t until, int *error)
{
  int fd = socket(sa->sa_family, SOCK_STREAM, 0), one = 1, err = 0, w, flags;
  socklen_t elen = (socklen_t)sizeof err;
  if (fd < 0) {
    *error = errno;
    return ODEUS_ERR_CONNECT;
  }
  flags = fcntl(fd, F_GETFL, 0);
  (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) goto failed;
#ifdef SO_NOSIGPIPE
  (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, (socklen_t)sizeof one);
#endif
  /* Without it each handshake flight waits on delayed ACKs. */
  (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, (socklen_t)sizeof one);
  if (connect(fd, sa, len) != 0) {
    if (errno != EINPROGRESS && errno != EINTR) goto failed;
    w = oa_posix_poll(fd, POLLOUT, until);
    if (w == 0) {
      close(fd);
      *error = ETIMEDOUT;
      return ODEUS_ERR_TIMEOUT;
    }
    if (w < 0) goto failed;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0) goto failed;
    if (err != 0) {
      errno = err;
      goto failed;
    }
  }
  *out = fd;
  return ODEUS_OK;
failed:
  *error = errno;
  close(fd);
  return ODEUS_ERR_CONNECT;
}

/* Every address of the host in turn, IPv6 and IPv4, by `until`. Each gets
 * an equal share of what is left, so one that drops every packet (an IPv6
 * route that goes nowhere, say) cannot take the time of those after it. An
 * IP literal needs no lookup (and no allocation); a name's (getaddrinfo)
 * blocks, and no deadline can cut it short: with a slow resolver, pass an
 * address or resolve beforehand. */
static odeus_result oa_posix_open(void *ctx, const char *host, uint16_t port, uint64_t until,
                                  odeus_io *io, int *error)
{
  struct sockaddr_storage ss;
  struct sockaddr_in *v4 = (struct sockaddr_in *)(void *)&ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)(void *)&ss;
  struct addrinfo hints, *list = NULL, *entry, one;
  char service[6];
  oa_sink text;
  size_t left = 0, n;
  unsigned char ip[16];
  odeus_result r = ODEUS_ERR_CONNECT;
  int gai;
  io->send = oa_posix_send;
  io->recv = oa_posix_recv;
  io->ctx = ctx;
  memset(&ss, 0, sizeof ss);
  memset(&one, 0, sizeof one);
  one.ai_addr = (struct sockaddr *)(void *)&ss;
  n = oa_tls_ip(host, ip);
  if (n == 4) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    memcpy(&v4->sin_addr, ip, 4);
    one.ai_addrlen = (socklen_t)sizeof *v4;
  } else if (n == 16) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    memcpy(&v6->sin6_addr, ip, 16);
    one.ai_addrlen = (socklen_t)sizeof *v6;
  } else {
    oa_sink_init(&text, service, sizeof service); /* the port as text */
    oa_put_uint(&text, port);
    (void)oa_sink_cstr(&text);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    gai = getaddrinfo(host, service, &hints, &list);
    if (gai != 0) {
      *error = gai;
      return ODEUS_ERR_DNS;
    }
  }
  one.ai_family = ss.ss_family;
  for (entry = list ? list : &one; entry; entry = entry->ai_next)
    left += entry->ai_family == AF_INET || entry->ai_family == AF_INET6;
  for (entry = list ? list : &one; entry; entry = entry->ai_next) {
    uint64_t now = oa_posix_now(NULL);
    if (entry->ai_family != AF_INET && entry->ai_family != AF_INET6) continue;
    if (now >= until) {
      r = ODEUS_ERR_TIMEOUT;
      break;
    }
    *error = 0; /* the reason of the last address tried, not of an earlier one */
    r = oa_posix_try_address((int *)ctx, entry->ai_addr, entry->ai_addrlen, now + (until - now) / left--, error);
    if (r == ODEUS_OK) break;
  }
  if (list) freeaddrinfo(list);
  return r;
}

static const odeus_net oa_posix_net = { oa_posix_open, oa_posix_wait, oa_posix_close, oa_posix_now, NULL };
#endif /* ODEUS_AUTH_NO_POSIX */

/* ---- the client: connections ----------------------------------------------- */
static void oa_tls_disconnect(odeus_client *c, int polite)
{
  if (!c->connected) return;
  if (c->tls && polite) (void)mbedtls_ssl_close_notify(&c->ssl);
  c->net.close(c->net.ctx);
  c->connected = 0;
  /* Zeroizes the record buffers and readies the context for the next. */
  if (c->ssl_ready) (void)mbedtls_ssl_session_reset(&c->ssl);
}

/* The kept-alive connection is still usable: nothing to read on it (a
 * peer that closed it, or sent what was not asked for, makes it readable). */
static int oa_tls_still_open(odeus_client *c)
{
  if (c->tls && mbedtls_ssl_get_bytes_avail(&c->ssl) != 0) return 0;
  return c->net.wait(c->net.ctx, ODEUS_IO_WANT_READ, oa_tls_now(c)) == 0;
}

/* Where a request goes, from its base URL (already validated). */
static odeus_result oa_tls_endpoint(odeus_client *c, const odeus_request *req, int *same)
{
  const char *base = req->base_url ? req->base_url : ODEUS_DEFAULT_BASE_URL;
  odeus_url u;
  const char *h;
  size_t n;
  odeus_result r = odeus_parse_base_url(base, strlen(base), &u);
  if (r != ODEUS_OK) return r;
  h = u.host.ptr;
  n = u.host.len;
  if (n >= 2 && h[0] == '[') { /* an IPv6 literal: without its brackets */
    h++;
    n -= 2;
  }
  if (n == 0 || n >= sizeof c->host) return ODEUS_ERR_BASE_URL;
  *same = c->connected && c->tls == u.https && c->port == u.port && strlen(c->host) == n &&
          memcmp(c->host, h, n) == 0;
  if (!*same) {
    oa_tls_disconnect(c, 1);
    memcpy(c->host, h, n);
    c->host[n] = '\0';
    c->port = u.port;
    c->tls = u.https;
  }
  return ODEUS_OK;
}

/* A connection to the request's endpoint: the kept-alive one, else a new
 * one, within the connect timeout (a connect that runs out of it before the
 * deadline is a failed connect, retried). *fresh tells which. */
static odeus_result oa_tls_ensure_connection(odeus_client *c, const odeus_request *req, int *fresh)
{
  odeus_result r;
  uint64_t until;
  int same = 0, err = 0;
  *fresh = 0;
  r = oa_tls_endpoint(c, req, &same);
  if (r != ODEUS_OK) return r;
  if (same && oa_tls_still_open(c)) {
    c->reused = 1;
    return ODEUS_OK;
  }
  oa_tls_disconnect(c, 0);
  c->reused = 0;
  c->resumed = 0;
  if (c->tls) {
    r = oa_tls_prepare_ssl(c);
    if (r != ODEUS_OK) return r;
  }
  until = oa_tls_until(c, c->opt.connect_timeout_ms);
  r = c->net.open(c->net.ctx, c->host, c->port, until, &c->io, &err);
  c->sys_error = err;
  if (r == ODEUS_ERR_TIMEOUT && until < c->deadline) r = ODEUS_ERR_CONNECT;
  if (r != ODEUS_OK) return r;
  c->connected = 1;
  c->connections++;
  if (c->tls) {
    r = oa_tls_handshake(c);
    if (r != ODEUS_OK) {
      oa_tls_disconnect(c, 0);
      return r;
    }
  }
  *fresh = 1;
  return ODEUS_OK;
}

/* The exchange's ODEUS_ERR_IO, told apart by what the io returned. */
static odeus_result oa_tls_io_result(odeus_client *c, const odeus_exchange *x, odeus_result r)
{
  if (r != ODEUS_ERR_IO) return r;
  c->io_error = x->io_error;
  if (x->io_error == MBEDTLS_ERR_SSL_TIMEOUT) return ODEUS_ERR_TIMEOUT;
  if (x->io_error == MBEDTLS_ERR_NET_CONN_RESET) return ODEUS_ERR_CLOSED;
  return ODEUS_ERR_IO;
}

/* A kept-alive connection the server closed in the meantime fails before
 * any byte of an answer arrives: that request is sent again, at once, on a
 * new connection (it is safe: the same request leaves the same state). */
static int oa_tls_was_stale(const odeus_exchange *x, odeus_result r)
{
  return x->received == 0 && (r == ODEUS_ERR_CLOSED || r == ODEUS_ERR_IO);
}

/* One request and its answer over the connection. */
static odeus_result oa_tls_exchange(odeus_client *c, const odeus_request *req, odeus_answer *answer,
                                    int fresh, oa_outcome *o, int *stale)
{
  odeus_exchange x;
  odeus_io io;
  odeus_result r;
  io.ctx = c;
  io.send = oa_tls_io_send;
  io.recv = oa_tls_io_recv;
  r = odeus_exchange_begin(&x, req, answer, c->window, sizeof c->window);
  if (r == ODEUS_OK) {
    do {
      r = odeus_exchange_run(&x, &io);
    } while ((r == ODEUS_WANT_READ || r == ODEUS_WANT_WRITE) && !oa_tls_deadline_passed(c));
    if (r == ODEUS_WANT_READ || r == ODEUS_WANT_WRITE) r = ODEUS_ERR_TIMEOUT;
  }
  r = oa_tls_io_result(c, &x, r);
  *o = oa_outcome_of(&x, r);
  *stale = !fresh && oa_tls_was_stale(&x, r);
  c->status = o->status;
  if (fresh && c->tls && x.internal.http.done) oa_tls_save_session(c);
  if (c->opt.no_keep_alive || !odeus_exchange_reusable(&x)) oa_tls_disconnect(c, x.internal.http.done);
  odeus_exchange_end(&x);
  return r;
}

/* The causes of a failure are the try's own: an earlier try's refused
 * connect must not explain a later answer. */
static void oa_tls_clear_cause(odeus_client *c)
{
  c->io_error = 0;
  c->sys_error = 0;
  c->verify_flags = 0;
}

static odeus_result oa_tls_attempt(odeus_client *c, const odeus_request *req, odeus_answer *answer,
                                   oa_outcome *o)
{
  odeus_result r;
  int fresh, stale = 0, tries;
  for (tries = 0; tries < 2; tries++) {
    oa_tls_clear_cause(c);
    r = oa_tls_ensure_connection(c, req, &fresh);
    if (r != ODEUS_OK) {
      *o = oa_outcome_of(NULL, r);
      return r;
    }
    r = oa_tls_exchange(c, req, answer, fresh, o, &stale);
    if (!stale) break;
  }
  return r;
}

/* ---- the client: its public functions -------------------------------------- */
/* The retry policy's clock and random: the caller's, else ours. */
static uint64_t oa_tls_policy_clock(void *ctx)
{
  const odeus_client *c = (const odeus_client *)ctx;
  if (c->opt.retry.clock) return c->opt.retry.clock(c->opt.retry.ctx);
#ifndef ODEUS_AUTH_NO_POSIX
  return oa_posix_clock(CLOCK_REALTIME);
#else
  return 0; /* not called: without POSIX, no clock is given to the policy */
#endif
}

static uint32_t oa_tls_policy_random(void *ctx)
{
  odeus_client *c = (odeus_client *)ctx;
  unsigned char b[4] = { 0, 0, 0, 0 };
  if (c->opt.retry.random) return c->opt.retry.random(c->opt.retry.ctx);
  (void)mbedtls_ctr_drbg_random(&c->drbg, b, sizeof b);
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void oa_tls_report_reset(odeus_client *c)
{
  c->status = 0;
  c->attempts = 0;
  c->waited_ms = 0;
  c->reused = 0;
  c->resumed = 0;
  c->retry_after_ms = 0;
  oa_tls_clear_cause(c);
}

ODEUS_API odeus_result odeus_client_init(odeus_client *c, const odeus_client_options *opt)
{
  odeus_result r;
  if (!c) return ODEUS_ERR_ARGUMENT;
  memset(c, 0, sizeof *c);
  c->fd = -1;
  if (opt) c->opt = *opt;
  if (!c->opt.connect_timeout_ms) c->opt.connect_timeout_ms = ODEUS_CLIENT_DEFAULT_CONNECT_TIMEOUT_MS;
  if (!c->opt.io_timeout_ms) c->opt.io_timeout_ms = ODEUS_CLIENT_DEFAULT_IO_TIMEOUT_MS;
  if (!c->opt.deadline_ms) c->opt.deadline_ms = ODEUS_CLIENT_DEFAULT_DEADLINE_MS;
  /* Only used during init: never kept. */
  c->opt.ca_file = NULL;
  c->opt.ca_pem = NULL;
  mbedtls_entropy_init(&c->entropy);
  mbedtls_ctr_drbg_init(&c->drbg);
  mbedtls_x509_crt_init(&c->ca);
  mbedtls_ssl_config_init(&c->conf);
  mbedtls_ssl_init(&c->ssl);
  mbedtls_ssl_session_init(&c->session);
  c->ready = OA_TLS_CONTEXTS; /* from here odeus_client_free has contexts to free */
  if (c->opt.net) c->net = *c->opt.net;
#ifndef ODEUS_AUTH_NO_POSIX
  else {
    c->net = oa_posix_net;
    c->net.ctx = &c->fd;
  }
#endif
  if (!c->net.open || !c->net.wait || !c->net.close || !c->net.now) return ODEUS_ERR_ARGUMENT;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
  if (psa_crypto_init() != PSA_SUCCESS) return ODEUS_ERR_TLS;
#endif
  r = oa_tls_configure(c);
  if (r == ODEUS_OK) r = oa_tls_load_ca(c, opt);
  /* Only a whole init makes a usable client: after a failed one, an apply
   * would otherwise run with half the configuration (the system's trust
   * anchors instead of the caller's pin). */
  if (r == ODEUS_OK) c->ready = OA_TLS_USABLE;
  return r;
}

/* The wait an answer's Retry-After asks for, whether the policy honours it
 * or not: what odeus_client_failure tells when the retries stopped. */
static uint64_t oa_tls_asked_wait(const odeus_retry_policy *policy, const oa_outcome *o)
{
  odeus_retry_policy p = oa_retry_defaults(policy);
  uint64_t ms = 0;
  if (!o->status) return 0;
  if (o->retry_kind == OA_RETRY_TOO_LARGE) return UINT64_MAX;
  return oa_retry_after(&p, o, &ms) < 0 && ms == 0 ? UINT64_MAX : ms;
}

ODEUS_API odeus_result odeus_client_apply(odeus_client *c, const odeus_request *req,
                                          odeus_answer *answer)
{
  oa_stream check;
  odeus_retry_policy policy;
  oa_outcome o;
  odeus_result r;
  uint32_t delay;
  if (!c) return ODEUS_ERR_ARGUMENT;
  oa_tls_report_reset(c);
  if (c->ready != OA_TLS_USABLE) return ODEUS_ERR_ARGUMENT;
  /* Everything about the request is checked before any network use. */
  r = oa_stream_begin(&check, req);
  if (r != ODEUS_OK) return r;
  c->deadline = oa_tls_now(c) + c->opt.deadline_ms;
  policy = c->opt.retry;
  policy.clock = oa_tls_policy_clock;
#ifdef ODEUS_AUTH_NO_POSIX
  if (!c->opt.retry.clock) policy.clock = NULL; /* no wall clock: a Retry-After date counts as absent */
#endif
  policy.random = oa_tls_policy_random;
  policy.ctx = c;
  for (;;) {
    c->attempts++;
    /* An attempt that fails before an answer must not leave the one before. */
    if (answer) oa_ans_clear(answer);
    r = oa_tls_attempt(c, req, answer, &o);
    c->retry_after_ms = oa_tls_asked_wait(&policy, &o);
    if (r == ODEUS_OK || !oa_retry_decide(&policy, c->attempts, &o, &delay)) return r;
    /* A wait that ends past the deadline would only end in a timeout. */
    if (oa_tls_now(c) + delay >= c->deadline) return r;
    if (c->opt.retry.sleep) c->opt.retry.sleep(c->opt.retry.ctx, delay);
    else (void)c->net.wait(c->net.ctx, 0, oa_tls_now(c) + delay);
    c->waited_ms += delay;
  }
}

/* A result the network, TLS or the system explains. */
static int oa_tls_has_cause(odeus_result r)
{
  return r == ODEUS_ERR_IO || r == ODEUS_ERR_CLOSED || r == ODEUS_ERR_TIMEOUT || r == ODEUS_ERR_DNS ||
         r == ODEUS_ERR_CONNECT || r == ODEUS_ERR_TLS || r == ODEUS_ERR_CERT || r == ODEUS_ERR_CA ||
         r == ODEUS_ERR_HTTP_TRUNCATED;
}

/* What is wrong with a refused certificate, from mbedTLS' flags (any
 * certificate of the chain), most telling first. */
static const struct {
  uint32_t flags;
  const char *text;
} oa_tls_cert_causes[] = {
  { MBEDTLS_X509_BADCERT_CN_MISMATCH, "for another host than " },
  { MBEDTLS_X509_BADCERT_NOT_TRUSTED, "signed by an unknown CA" },
  { MBEDTLS_X509_BADCERT_EXPIRED, "expired" },
  { MBEDTLS_X509_BADCERT_FUTURE, "not valid yet (or this device's clock is behind)" },
  { MBEDTLS_X509_BADCERT_REVOKED, "revoked" },
  { MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE | MBEDTLS_X509_BADCERT_NS_CERT_TYPE,
    "not meant for a server" },
  { MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK | MBEDTLS_X509_BADCERT_BAD_KEY,
    "signed with a hash or key not allowed" },
  { MBEDTLS_X509_BADCERT_MISSING, "none sent" },
  { MBEDTLS_X509_BADCRL_NOT_TRUSTED | MBEDTLS_X509_BADCRL_EXPIRED | MBEDTLS_X509_BADCRL_FUTURE |
        MBEDTLS_X509_BADCRL_BAD_MD | MBEDTLS_X509_BADCRL_BAD_PK | MBEDTLS_X509_BADCRL_BAD_KEY,
    "its revocation list unusable" }
};

/* The system's words for what failed underneath: getaddrinfo's for a
 * lookup, errno's otherwise (their numbers without POSIX). */
static void oa_tls_put_cause(oa_sink *s, const odeus_client *c, odeus_result r)
{
  size_t i;
  const char *sep = ": ";
  if (!oa_tls_has_cause(r)) return;
  if (r == ODEUS_ERR_CERT && c->verify_flags) {
    for (i = 0; i < OA_COUNT(oa_tls_cert_causes); i++) {
      if (!(c->verify_flags & oa_tls_cert_causes[i].flags)) continue;
      oa_puts(s, sep);
      oa_puts(s, oa_tls_cert_causes[i].text);
      if (i == 0) oa_puts(s, c->host);
      sep = ", ";
    }
    oa_put_hex(s, " (certificate flags 0x", c->verify_flags, 8);
    oa_putc(s, ')');
  } else if (r == ODEUS_ERR_TIMEOUT) {
    return; /* its code is the transport's own: it says no more than the result */
  } else if (c->io_error && c->tls) { /* plain http:// has no mbedTLS code to show */
    oa_put_hex(s, " (mbedTLS -0x", (unsigned)-c->io_error, 4);
    oa_putc(s, ')');
  } else if (c->sys_error) {
#ifndef ODEUS_AUTH_NO_POSIX
    oa_puts(s, ": ");
    oa_puts(s, r == ODEUS_ERR_DNS ? gai_strerror(c->sys_error) : strerror(c->sys_error));
#else
    oa_puts(s, " (error ");
    oa_put_uint(s, (size_t)c->sys_error);
    oa_putc(s, ')');
#endif
  }
}

/* How long the server asked to wait, and why no retry waited that long:
 * longer than the policy waits, or past the apply's deadline. */
static void oa_tls_put_wait(oa_sink *s, const odeus_client *c)
{
  odeus_retry_policy p = oa_retry_defaults(&c->opt.retry);
  uint64_t secs = c->retry_after_ms / 1000u + (c->retry_after_ms % 1000u != 0);
  oa_puts(s, " (the server asked to wait ");
  if (c->retry_after_ms == UINT64_MAX) oa_puts(s, "more than 4294967295");
  else oa_put_uint(s, (size_t)OA_MIN(secs, (uint64_t)(size_t)-1));
  oa_puts(s, " s");
  if (c->attempts < p.attempts && c->retry_after_ms > p.retry_after_max_ms) {
    oa_puts(s, ", longer than the ");
    oa_put_uint(s, p.retry_after_max_ms / 1000u);
    oa_puts(s, " s a retry waits at most");
  } else if (c->attempts < p.attempts) {
    oa_puts(s, ", past the deadline of the apply");
  }
  oa_putc(s, ')');
}

ODEUS_API size_t odeus_client_failure(const odeus_client *c, odeus_result r, const odeus_answer *a,
                                      char *buf, size_t cap)
{
  oa_sink s;
  oa_sink_init(&s, buf, cap);
  /* A 200 that is not JSON: its problem line says it all. */
  if (a && a->problem.rule == ODEUS_RULE_JSON) oa_puts(&s, "HTTP 200 answer");
  else oa_puts(&s, odeus_result_text(r));
  if (a && a->message.ptr && a->message.len) {
    oa_puts(&s, ": ");
    oa_put_display(&s, a->message.ptr, a->message.len);
  }
  /* set only when the reader refused a 200, which is then the result */
  if (a && a->problem.rule) {
    oa_puts(&s, ": ");
    oa_put_answer_problem(&s, &a->problem);
  }
  if (a && r == ODEUS_ERR_ANSWER_CUT) {
    oa_puts(&s, " (");
    oa_put_uint(&s, a->strings_needed);
    oa_puts(&s, " bytes of strings needed)");
  }
  if (c && c->status && (r == ODEUS_ERR_STATUS_5XX || r == ODEUS_ERR_STATUS_OTHER)) {
    oa_puts(&s, " (HTTP ");
    oa_put_uint(&s, (size_t)c->status);
    oa_putc(&s, ')');
  }
  if (c) oa_tls_put_cause(&s, c, r);
  if (c && c->retry_after_ms && (r == ODEUS_ERR_STATUS_429 || r == ODEUS_ERR_STATUS_5XX)) oa_tls_put_wait(&s, c);
  if (c && c->attempts > 1) {
    oa_puts(&s, " after ");
    oa_put_uint(&s, c->attempts);
    oa_puts(&s, " attempts");
  }
  return oa_sink_cstr(&s);
}

ODEUS_API void odeus_client_close(odeus_client *c)
{
  if (c && c->ready) oa_tls_disconnect(c, 1);
}

ODEUS_API void odeus_client_free(odeus_client *c)
{
  if (!c || !c->ready) return;
  oa_tls_disconnect(c, 1);
  mbedtls_ssl_session_free(&c->session);
  mbedtls_ssl_free(&c->ssl);
  mbedtls_ssl_config_free(&c->conf);
  mbedtls_x509_crt_free(&c->ca);
  mbedtls_ctr_drbg_free(&c->drbg);
  mbedtls_entropy_free(&c->entropy);
  odeus_wipe(c->window, sizeof c->window);
  c->ready = 0;
}

#endif /* ODEUS_AUTH_MBEDTLS_DONE */
#endif /* ODEUS_AUTH_IMPLEMENTATION && ODEUS_AUTH_MBEDTLS */
/*
------------------------------------------------------------------------------
CHANGES (the whole history: CHANGELOG.md)
  unreleased          one implementation of each part; two tiers of API
                      (the parsers and streams are internal); streaming
                      resumes where the last window ended; no overloaded
                      problem fields; the transport over any network
  0.1.0 (2026-11-27)  first release
------------------------------------------------------------------------------
MIT License

Copyright (c) 2026 the odeus_auth authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
*/

/* ---- push JSON reader ------------------------------------------------------
 * Strict RFC 8259, fed in pieces of any size; events through a callback.
 * Feeding the text one byte at a time gives the same events (fragments
 * joined) and the same result as feeding it at once.
 *
 * Rejected, each with its code: trailing commas, missing or extra separators,
 * single quotes, comments, a BOM, NaN/Infinity, ".5", "+1", bytes other than
 * the four JSON whitespace bytes between tokens (ODEUS_ERR_JSON_SYNTAX);
 * leading zeros, "-", "1.", "1e", "0x1", and any byte glued to a number
 * other than whitespace , ] } (ODEUS_ERR_JSON_NUMBER); unknown escapes and
 * \u with fewer than four hex digits (ODEUS_ERR_JSON_ESCAPE); raw bytes below
 * 0x20 in a string (ODEUS_ERR_JSON_CONTROL); invalid UTF-8 in a string:
 * overlong forms, encoded surrogates, above U+10FFFF, stray or missing
 * continuation bytes (ODEUS_ERR_JSON_UTF8); nesting deeper than
 * ODEUS_JSON_MAX_DEPTH (ODEUS_ERR_JSON_DEPTH); anything but whitespace after
 * the top-level value (ODEUS_ERR_JSON_TRAILING); a text that ends inside its
 * value (ODEUS_ERR_JSON_TRUNCATED, from odeus_json_finish; but a top-level
 * number the end leaves invalid, such as "1.", is ODEUS_ERR_JSON_NUMBER).
 *
 * Strings and keys are decoded: every escape, \uD83D\uDE00 surrogate pairs to
 * UTF-8, a lone surrogate (a high one not followed by a low one, or a low one
 * alone) to U+FFFD (EF BF BD). \u0000 is delivered as a 0 byte: whether a
 * string may hold it is the consumer's rule.
 *
 * Duplicate keys are not the reader's business: it keeps no memory of keys
 * and delivers each one. Its consumers decide: the config parser rejects a
 * duplicate, naming it; the answer mapper applies its own rule.
 *
 * Fragments. KEY, STRING and NUMBER arrive as one or more fragments, the first
 * with ODEUS_JSON_FIRST, the last with ODEUS_JSON_LAST. A fragment flagged
 * ODEUS_JSON_RAW points straight into the fed data (bytes needing no
 * decoding); others point into the reader (decoded escapes, or a character
 * cut by the end of a piece). A run of raw bytes ends at an escape, at the
 * end of a fed piece or at the closing quote, so a string written without
 * escapes and fed inside one piece is exactly ONE event,
 * FIRST|LAST|RAW, pointing into the fed data (zero copy). An empty string is
 * one event FIRST|LAST with len 0. Only a last fragment can be empty (when a
 * piece ended just before the closing quote, or when the text ends right
 * after a top-level number: odeus_json_finish delivers it). A string
 * fragment never splits a UTF-8 character. Fragments are valid during the
 * callback only.
 *
 * offset is the byte offset, in the whole stream, of the value's first byte
 * (for a string or key: its opening quote; for an *_END event: the closing
 * bracket); every fragment of a token carries the token's offset. depth
 * counts the containers open around the value: 0 at the top, 1 for a key of
 * the top-level object and its value; an *_END event has the depth of its
 * *_BEGIN. text/len are NULL/0 for container events; a literal's event points
 * at "true", "false" or "null". */
#if ODEUS_JSON_MAX_DEPTH < 1 || ODEUS_JSON_MAX_DEPTH > 64
#error "ODEUS_JSON_MAX_DEPTH must be 1..64 (the container stack is 64 bits)"
#endif

typedef enum odeus_json_event_type {
  ODEUS_JSON_OBJECT_BEGIN = 1, ODEUS_JSON_OBJECT_END,
  ODEUS_JSON_ARRAY_BEGIN, ODEUS_JSON_ARRAY_END,
  ODEUS_JSON_KEY, ODEUS_JSON_STRING, ODEUS_JSON_NUMBER,
  ODEUS_JSON_TRUE, ODEUS_JSON_FALSE, ODEUS_JSON_NULL,
  ODEUS_JSON_EVENT_FORCE_32BIT = 0x7fffffff
} odeus_json_event_type;

#define ODEUS_JSON_FIRST 1u
#define ODEUS_JSON_LAST 2u
/* The fragment points into the fed data, unchanged (no escape decoded). */
#define ODEUS_JSON_RAW 4u

typedef struct odeus_json_event {
  odeus_json_event_type type;
  unsigned flags;               /* FIRST / LAST / RAW, for KEY, STRING, NUMBER */
  const char *text;             /* fragment (KEY, STRING: decoded; NUMBER: as written) */
  size_t len;
  unsigned depth;               /* containers open around the value (0 at top) */
  size_t offset;                /* byte offset of the value's first byte in the stream */
} odeus_json_event;

/* Return 0 to go on; a nonzero value stops the reader and is returned by
 * odeus_json_feed or odeus_json_finish (use an odeus_result); it sticks,
 * like an error. */
typedef int (*odeus_json_fn)(void *ctx, const odeus_json_event *ev);

typedef struct odeus_json {
  odeus_json_fn fn; void *ctx;  /* set by init (a NULL fn: only check the text) */
  size_t offset;                /* bytes read so far; after an error, the
                                   offset of the byte where it was found */
  unsigned depth;               /* containers open now */
  int error;                    /* 0, or the result every later call returns */
  int lone_surrogate_error;     /* set after init: a \u escape of a lone
                                   surrogate is ODEUS_ERR_JSON_ESCAPE instead
                                   of U+FFFD (0) */
  /* private */
  size_t value_start;           /* offset of the token being read */
  uint64_t stack;               /* bit i: container i+1 is an object */
  uint32_t code;                /* \u accumulator */
  uint32_t high;                /* pending high surrogate, 0 if none */
  unsigned state;               /* inside which token, if any */
  unsigned expect;              /* between tokens: what may come next */
  unsigned token;               /* event type of the token being read */
  unsigned first;               /* ODEUS_JSON_FIRST until a fragment went out */
  unsigned sub;                 /* number step / literal bytes / hex digits */
  unsigned need;                /* UTF-8 continuation bytes still expected */
  unsigned lo, hi;              /* range of the next continuation byte */
  unsigned tmp_len;
  char tmp[8];                  /* decoded bytes waiting to be delivered */
} odeus_json;

/* Starts reading a new text (the struct needs no other setup). */
ODEUS_API void odeus_json_init(odeus_json *js, odeus_json_fn fn, void *ctx);
/* Returns ODEUS_OK, an ODEUS_ERR_JSON_* code, or what the callback returned.
 * It reads only the len bytes given. After an error every call returns it. */
ODEUS_API odeus_result odeus_json_feed(odeus_json *js, const char *data, size_t len);
/* The end of the text: checks that one complete value was read (a top-level
 * number ends here). ODEUS_ERR_JSON_TRUNCATED if it was not. */
ODEUS_API odeus_result odeus_json_finish(odeus_json *js);


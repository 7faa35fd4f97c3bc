/* ---- push JSON reader ------------------------------------------------------
 * Strict RFC 8259, fed in pieces of any size; events through a callback.
 * Strings and keys arrive as one or more fragments of decoded UTF-8
 * (ODEUS_JSON_FIRST on the first, ODEUS_JSON_LAST on the last; an empty
 * string is one fragment with both flags and len 0). A fragment points into
 * the fed data or into the reader, valid during the callback only. */
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
 * odeus_json_feed (use an odeus_result). */
typedef int (*odeus_json_fn)(void *ctx, const odeus_json_event *ev);

typedef struct odeus_json {
  odeus_json_fn fn; void *ctx;
  size_t offset;                /* bytes consumed so far */
  size_t value_start;
  uint64_t stack;               /* bit i: container i is an object */
  unsigned depth;
  unsigned state;
  unsigned sub;                 /* private: literal/number/escape progress */
  uint32_t code;                /* private: \u accumulator / UTF-8 code point */
  uint32_t high;                /* private: pending high surrogate */
  unsigned need;                /* private: UTF-8 continuation bytes expected */
  uint32_t min;                 /* private: smallest code point for the length */
  unsigned in_key;
  int error;
  char tmp[8];
} odeus_json;

ODEUS_API void odeus_json_init(odeus_json *js, odeus_json_fn fn, void *ctx);
/* Returns ODEUS_OK, an ODEUS_ERR_JSON_* code, or what the callback returned. */
ODEUS_API odeus_result odeus_json_feed(odeus_json *js, const char *data, size_t len);
/* The end of the text: checks that one complete value was read. */
ODEUS_API odeus_result odeus_json_finish(odeus_json *js);


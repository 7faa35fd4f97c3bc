/* ---- the answer ------------------------------------------------------------
 * What the server answered, mapped into caller-owned storage: the 2xx answer
 * (SPEC §1 Response) member by member, or the human message of an error
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
 * The 2xx answer. Keys come in any order. Keys this version does not read
 * (the field's own "id" among them) are skipped whatever their value. An
 * enum value this version does not know is ODEUS_AUTH_UNKNOWN /
 * ODEUS_FIELD_UNKNOWN with its text in auth_type_text / type_text (set for
 * known values too). The answer is refused, with `problem` saying where:
 *  - ODEUS_ERR_ANSWER_TYPE: a member read has another JSON type than SPEC §1
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
 * An error answer (any status but 2xx): odeus_answer_finish returns the
 * status' result (odeus_status_result) and sets `message`, never failing
 * because of the body. The message is, in this order of preference:
 *  - "message" of the top-level object: a string, or an array whose items
 *    are strings or objects with "path" (a string, or an array of strings
 *    and numbers joined by '.') and "message", an item reading
 *    "path: message" (or the one it has), items joined by "; ";
 *  - "error": a string, or an object with a "message" string;
 *  - the reason phrase given to odeus_answer_finish, or when there is none
 *    the result's text.
 * An empty or unusable candidate gives way to the next; of two candidates
 * of the same kind the first is kept; a body that is not valid JSON as a
 * whole (HTML, empty, cut short) gives the reason phrase. The message is
 * capped to the storage: it keeps the longest start of the whole message
 * that fits, cut at a character boundary (`cut` set, strings_needed says
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
  /* why a 2xx answer was refused: rule ODEUS_RULE_TYPE, _REQUIRED,
   * _DUPLICATE_KEY or _JSON (0 when it was not). The path is inside
   * "integration": key/index/member as in a config problem; key
   * ODEUS_KEY_OTHER with text "integration" is that member itself, key
   * ODEUS_KEY_NONE the body. actual is a byte offset in the body: of the
   * value (TYPE), of the repeated key (DUPLICATE_KEY), of the brace closing
   * the object that lacks the member (REQUIRED), of the offending byte
   * (JSON, with limit = -result). Format it with
   * odeus_answer_problem_format. */
  odeus_problem problem;
} odeus_answer;

/* The answer reader: fed the body (from odeus_http's on_body), it maps a
 * 2xx answer, or extracts the message of an error answer. RAM: this struct,
 * whatever the size of the answer. */
typedef struct odeus_answer_reader {
  odeus_json json;              /* the JSON reader under it */
  odeus_answer *out;
  int status;                   /* the HTTP status given to begin */
  int error;                    /* 0, or the result every later call returns */
  /* private: the 2xx mapper */
  unsigned scope;               /* the object or array we are in */
  unsigned slot;                /* the member whose value comes next */
  unsigned skip;                /* > 0: skipping a container opened at depth skip - 1 */
  uint32_t seen;                /* members met (one bit each), for duplicates */
  size_t field;                 /* the authFields element being read */
  char *record;                 /* where the strings of the scope's members go */
  size_t used;                  /* bytes of storage taken */
  odeus_str *target;            /* the string being stored; NULL: counted only */
  size_t str_start, str_len;    /* where it starts in storage; bytes so far */
  int str_cut;                  /* it does not fit */
  unsigned word_len;            /* a key or enum value in pieces: bytes so far */
  char word[20];
  /* private: the error message */
  unsigned cur, have;           /* priority of the member read / of the text stored */
  unsigned ctx, sub, in_item;   /* where we are in "message" / "error" */
  unsigned item_seen, item_parts, first_part, part_started, path_elems, parts;
  size_t item_sep, item_start, second_start;
  size_t msg_len, msg_stored;   /* the whole message / bytes of it in storage */
} odeus_answer_reader;

/* Starts reading the body of an answer with this status into out (its
 * storage members are kept, every other member is reset). */
ODEUS_API void odeus_answer_begin(odeus_answer_reader *r, odeus_answer *out, int status);
/* A piece of the body. For a 2xx answer: ODEUS_OK, or the first problem
 * (ODEUS_ERR_ANSWER_* or ODEUS_ERR_JSON_*), returned by every later call.
 * For an error answer: ODEUS_OK whatever the body. ODEUS_ERR_ARGUMENT for
 * NULL data with len > 0, or storage NULL with a capacity. */
ODEUS_API odeus_result odeus_answer_feed(odeus_answer_reader *r, const char *data, size_t len);
/* The end of the body: ODEUS_OK for a complete 2xx answer (check `cut`), or
 * its problem; for another status the status' result code, with
 * out->message set as well as it could be. reason: the reason phrase (may
 * be NULL). */
ODEUS_API odeus_result odeus_answer_finish(odeus_answer_reader *r, const char *reason);
/* The result code of an HTTP status: ODEUS_OK for 2xx; 400, 401, 403, 404,
 * 429 their own; 500..599 ODEUS_ERR_STATUS_5XX; anything else
 * ODEUS_ERR_STATUS_OTHER. */
ODEUS_API odeus_result odeus_status_result(int status);

/* A whole HTTP response held in memory (head and body) read into out: the
 * HTTP parser, then the answer reader; the end of the bytes is where the
 * peer closed, bytes after the end of the message are ignored. Returns an
 * ODEUS_ERR_HTTP_* code, a 2xx answer's problem as soon as it is found, or
 * what odeus_answer_finish returns (the reason phrase is the response's). */
ODEUS_API odeus_result odeus_answer_parse_response(const char *response, size_t len, odeus_answer *out);

/* The problem of a refused answer as one line, e.g.
 * "integration.authFields[1].slug: expected a string" (snprintf contract,
 * NUL-terminated when cap > 0; "" when there is none). */
ODEUS_API size_t odeus_answer_problem_format(const odeus_answer *a, char *buf, size_t cap);

/* ---- writing an answer back as JSON ----------------------------------------
 * The integration as one line of JSON (what `odeus-auth apply` prints), in
 * this key order, every member written (a string without a value as null):
 *   {"id":s,"authType":s,"authTestCode":s|null,"authFields":[{"slug":s,
 *   "label":s,"type":s,"description":s,"placeholder":s|null,"required":b},
 *   ...],"oauthClient":null|{"scopes":s|null,"label":s|null,
 *   "authorizationCode":s,"accessTokenCode":s,"refreshTokenCode":s}}
 * An unknown enum is written as its text. Writer contract as
 * odeus_write_body. A cut answer (a->cut), or one without an id (not a
 * mapped 2xx answer), is refused with ODEUS_ERR_ARGUMENT and nothing
 * written: printing it would show less than the server said as if it were
 * all. */
ODEUS_API odeus_result odeus_write_answer(const odeus_answer *a, char *buf, size_t cap, size_t *needed);

/* ---- the answer ------------------------------------------------------------
 * The 200 answer mapped into caller-owned storage. A string is
 * NUL-terminated in storage; when null or absent, ptr is NULL and len 0;
 * when it did not fit, ptr is NULL and len is its length (ODEUS_CUT). */
#define ODEUS_CUT(s) ((s).ptr == NULL && (s).len > 0)

typedef struct odeus_answer_field {
  odeus_str slug, label;
  odeus_field_type type; odeus_str type_text;    /* type_text always set */
  odeus_str description, placeholder;            /* placeholder may be null */
  int required;
} odeus_answer_field;

typedef struct odeus_answer_oauth {
  odeus_str scopes, label;                       /* may be null */
  odeus_str authorization_code, access_token_code, refresh_token_code;
} odeus_answer_oauth;

typedef struct odeus_answer {
  /* caller storage (in) */
  odeus_answer_field *fields; size_t field_capacity;
  char *strings; size_t strings_capacity;
  /* the integration (out) */
  odeus_str id;
  odeus_auth_type auth_type; odeus_str auth_type_text;
  odeus_str auth_test_code;                      /* may be null */
  size_t field_count;           /* authFields in the answer, even past capacity */
  int has_oauth_client;
  odeus_answer_oauth oauth_client;
  size_t strings_needed;        /* storage the whole answer would need */
  int cut;                      /* something did not fit: fields or strings */
  /* for an error answer: a human message, NUL-terminated, in strings */
  odeus_str message;
} odeus_answer;

/* The answer reader: fed the body (from odeus_http's on_body), it maps a
 * 200 answer, or extracts the message of an error answer. */
typedef struct odeus_answer_reader {
  odeus_json json;
  odeus_answer *out;
  int status;
  int error;
  unsigned path[4];             /* private: where we are */
  unsigned seen;                /* private: members seen, for duplicates */
  odeus_str *target;            /* private: string being stored */
  size_t target_len;
  char key[24]; unsigned key_len;
  int json_ok;
} odeus_answer_reader;

ODEUS_API void odeus_answer_begin(odeus_answer_reader *r, odeus_answer *out, int status);
ODEUS_API odeus_result odeus_answer_feed(odeus_answer_reader *r, const char *data, size_t len);
/* The end of the body: ODEUS_OK for a complete 200 answer; for another status
 * the status' result code, with out->message set as well as it could be. */
ODEUS_API odeus_result odeus_answer_finish(odeus_answer_reader *r, const char *reason);
/* The result code of an HTTP status (ODEUS_OK for 2xx). */
ODEUS_API odeus_result odeus_status_result(int status);


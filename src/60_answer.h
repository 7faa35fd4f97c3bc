/* ---- the answer (implementation) ----------------------------------------------------
 * Two consumers of the JSON reader's events, chosen by the status: the 2xx
 * mapper and the error-message extractor. Both keep a few words of state
 * and work per event, never per byte: a key is matched by its length, then
 * a constant-length memcmp, against the few keys of its object; string
 * fragments are copied into storage with memcpy. */

/* The per-event handlers stay out of line: inlined into the dispatcher,
 * they would make every event pay for the registers of the biggest. */
#if defined(__GNUC__) || defined(__clang__)
#define OA_ANS_OUTLINE __attribute__((noinline))
#else
#define OA_ANS_OUTLINE
#endif

/* ---- the 2xx mapper ---- */

/* The object or array the mapper is in. */
enum oa_ans_scope {
  OA_ANS_TOP,                   /* before the body's object */
  OA_ANS_BODY,                  /* the body's object */
  OA_ANS_INTEG,                 /* "integration" */
  OA_ANS_FIELDS,                /* "authFields" */
  OA_ANS_FIELD,                 /* an element of authFields */
  OA_ANS_OAUTH,                 /* "oauthClient" */
  OA_ANS_DONE,                  /* the body's object closed */
  OA_ANS_SCOPE_FORCE_32BIT = 0x7fffffff
};

/* What the next value is: a member read (one bit each in `seen`), a member
 * skipped, or the body / an authFields element (values without a key). */
enum oa_ans_slot {
  OA_ANS_SKIP,                  /* a member not read: its value is skipped */
  OA_ANS_INTEGRATION,
  OA_ANS_ID, OA_ANS_AUTH_TYPE, OA_ANS_AUTH_TEST_CODE, OA_ANS_AUTH_FIELDS, OA_ANS_OAUTH_CLIENT,
  OA_ANS_SLUG, OA_ANS_LABEL, OA_ANS_TYPE, OA_ANS_DESCRIPTION, OA_ANS_PLACEHOLDER, OA_ANS_REQUIRED,
  OA_ANS_SCOPES, OA_ANS_OAUTH_LABEL, OA_ANS_AUTHORIZATION_CODE, OA_ANS_ACCESS_TOKEN_CODE,
  OA_ANS_REFRESH_TOKEN_CODE,
  OA_ANS_BODY_VALUE,            /* the top-level value */
  OA_ANS_ELEMENT,               /* an element of authFields */
  OA_ANS_SLOT_FORCE_32BIT = 0x7fffffff
};

#define OA_ANS_BIT(slot) (1u << (slot))
/* The members of one authFields element, forgotten at each new element. */
#define OA_ANS_FIELD_BITS (OA_ANS_BIT(OA_ANS_SLUG) | OA_ANS_BIT(OA_ANS_LABEL) | OA_ANS_BIT(OA_ANS_TYPE) \
  | OA_ANS_BIT(OA_ANS_DESCRIPTION) | OA_ANS_BIT(OA_ANS_PLACEHOLDER) | OA_ANS_BIT(OA_ANS_REQUIRED))

/* The JSON value a slot takes (SPEC §1 Response). The string kinds are
 * contiguous, STRING to FIELD_TYPE, the enums last of them. */
enum oa_ans_kind {
  OA_ANS_K_NONE,                /* anything: skipped */
  OA_ANS_K_BODY,                /* the body: an object */
  OA_ANS_K_ELEMENT,             /* an authFields element: an object */
  OA_ANS_K_OBJECT,              /* "integration" */
  OA_ANS_K_ARRAY,               /* "authFields" */
  OA_ANS_K_OBJECT_OR_NULL,      /* "oauthClient" */
  OA_ANS_K_BOOL,
  OA_ANS_K_STRING,
  OA_ANS_K_STRING_OR_NULL,
  OA_ANS_K_AUTH_TYPE,           /* a string naming an odeus_auth_type */
  OA_ANS_K_FIELD_TYPE,          /* a string naming an odeus_field_type */
  OA_ANS_K_FORCE_32BIT = 0x7fffffff
};

#define OA_ANS_IS_STRING(kind) ((unsigned)(kind) - OA_ANS_K_STRING <= OA_ANS_K_FIELD_TYPE - OA_ANS_K_STRING)

typedef struct oa_ans_slot_info {
  unsigned char kind;           /* oa_ans_kind */
  unsigned char key;            /* odeus_key, for the problem's path */
  unsigned short offset;        /* its odeus_str (an enum's text) in its record */
} oa_ans_slot_info;

#define OA_ANS_S(kind, key, type, member) { kind, key, (unsigned short)offsetof(type, member) }

/* Indexed by oa_ans_slot. */
static const oa_ans_slot_info oa_ans_slots[] = {
  { OA_ANS_K_NONE, ODEUS_KEY_NONE, 0 },
  { OA_ANS_K_OBJECT, ODEUS_KEY_OTHER, 0 },
  OA_ANS_S(OA_ANS_K_STRING, ODEUS_KEY_ID, odeus_answer, id),
  OA_ANS_S(OA_ANS_K_AUTH_TYPE, ODEUS_KEY_AUTH_TYPE, odeus_answer, auth_type_text),
  OA_ANS_S(OA_ANS_K_STRING_OR_NULL, ODEUS_KEY_AUTH_TEST_CODE, odeus_answer, auth_test_code),
  { OA_ANS_K_ARRAY, ODEUS_KEY_AUTH_FIELDS, 0 },
  { OA_ANS_K_OBJECT_OR_NULL, ODEUS_KEY_OAUTH_CLIENT, 0 },
  OA_ANS_S(OA_ANS_K_STRING, ODEUS_KEY_SLUG, odeus_answer_field, slug),
  OA_ANS_S(OA_ANS_K_STRING, ODEUS_KEY_LABEL, odeus_answer_field, label),
  OA_ANS_S(OA_ANS_K_FIELD_TYPE, ODEUS_KEY_TYPE, odeus_answer_field, type_text),
  OA_ANS_S(OA_ANS_K_STRING, ODEUS_KEY_DESCRIPTION, odeus_answer_field, description),
  OA_ANS_S(OA_ANS_K_STRING_OR_NULL, ODEUS_KEY_PLACEHOLDER, odeus_answer_field, placeholder),
  { OA_ANS_K_BOOL, ODEUS_KEY_REQUIRED, 0 },
  OA_ANS_S(OA_ANS_K_STRING_OR_NULL, ODEUS_KEY_SCOPES, odeus_answer_oauth, scopes),
  OA_ANS_S(OA_ANS_K_STRING_OR_NULL, ODEUS_KEY_LABEL, odeus_answer_oauth, label),
  OA_ANS_S(OA_ANS_K_STRING, ODEUS_KEY_AUTHORIZATION_CODE, odeus_answer_oauth, authorization_code),
  OA_ANS_S(OA_ANS_K_STRING, ODEUS_KEY_ACCESS_TOKEN_CODE, odeus_answer_oauth, access_token_code),
  OA_ANS_S(OA_ANS_K_STRING, ODEUS_KEY_REFRESH_TOKEN_CODE, odeus_answer_oauth, refresh_token_code),
  { OA_ANS_K_BODY, ODEUS_KEY_NONE, 0 },
  { OA_ANS_K_ELEMENT, ODEUS_KEY_NONE, 0 }
};

/* What an empty string points at: it needs no storage. */
static const char oa_ans_empty[1] = "";

static int oa_ans_2xx(int status)
{
  return status >= 200 && status <= 299;
}

static size_t oa_ans_add(size_t a, size_t b)
{
  return a + b >= a ? a + b : (size_t)-1;
}

/* Whether the n bytes at s are the string literal lit: the length, then a
 * constant-length memcmp, which compilers turn into a word compare or two. */
#define OA_ANS_IS_LIT(lit) (n == sizeof(lit) - 1 && memcmp(s, lit, sizeof(lit) - 1) == 0)

/* The slot a key names in a scope, else OA_ANS_SKIP. The field's own "id"
 * is not read: nothing needs it. */
static unsigned oa_ans_match(unsigned scope, const char *s, size_t n)
{
  switch (scope) {
  case OA_ANS_BODY:
    if (OA_ANS_IS_LIT("integration")) return OA_ANS_INTEGRATION;
    break;
  case OA_ANS_INTEG:
    if (OA_ANS_IS_LIT("id")) return OA_ANS_ID;
    if (OA_ANS_IS_LIT("authType")) return OA_ANS_AUTH_TYPE;
    if (OA_ANS_IS_LIT("authTestCode")) return OA_ANS_AUTH_TEST_CODE;
    if (OA_ANS_IS_LIT("authFields")) return OA_ANS_AUTH_FIELDS;
    if (OA_ANS_IS_LIT("oauthClient")) return OA_ANS_OAUTH_CLIENT;
    break;
  case OA_ANS_FIELD:
    if (OA_ANS_IS_LIT("slug")) return OA_ANS_SLUG;
    if (OA_ANS_IS_LIT("label")) return OA_ANS_LABEL;
    if (OA_ANS_IS_LIT("type")) return OA_ANS_TYPE;
    if (OA_ANS_IS_LIT("description")) return OA_ANS_DESCRIPTION;
    if (OA_ANS_IS_LIT("placeholder")) return OA_ANS_PLACEHOLDER;
    if (OA_ANS_IS_LIT("required")) return OA_ANS_REQUIRED;
    break;
  case OA_ANS_OAUTH:
    if (OA_ANS_IS_LIT("scopes")) return OA_ANS_SCOPES;
    if (OA_ANS_IS_LIT("label")) return OA_ANS_OAUTH_LABEL;
    if (OA_ANS_IS_LIT("authorizationCode")) return OA_ANS_AUTHORIZATION_CODE;
    if (OA_ANS_IS_LIT("accessTokenCode")) return OA_ANS_ACCESS_TOKEN_CODE;
    if (OA_ANS_IS_LIT("refreshTokenCode")) return OA_ANS_REFRESH_TOKEN_CODE;
    break;
  default:
    break;
  }
  return OA_ANS_SKIP;
}

/* Whether the n bytes at s spell the C string name (s may hold 0 bytes). */
static int oa_ans_is(const char *name, const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (name[i] != s[i] || name[i] == '\0') return 0;
  return name[n] == '\0';
}

/* The enum value a string names, else the type's UNKNOWN (the spellings
 * of oa_auth_type_names and oa_field_type_names, a unit test checks). */
static odeus_auth_type oa_ans_auth_type(const char *s, size_t n)
{
  if (OA_ANS_IS_LIT("NONE")) return ODEUS_AUTH_NONE;
  if (OA_ANS_IS_LIT("API_KEY")) return ODEUS_AUTH_API_KEY;
  if (OA_ANS_IS_LIT("SERVICE_ACCOUNT")) return ODEUS_AUTH_SERVICE_ACCOUNT;
  if (OA_ANS_IS_LIT("OAUTH")) return ODEUS_AUTH_OAUTH;
  if (OA_ANS_IS_LIT("OAUTH_DCR")) return ODEUS_AUTH_OAUTH_DCR;
  return ODEUS_AUTH_UNKNOWN;
}

static odeus_field_type oa_ans_field_type(const char *s, size_t n)
{
  if (OA_ANS_IS_LIT("TEXT")) return ODEUS_FIELD_TEXT;
  if (OA_ANS_IS_LIT("MULTI_LINE_TEXT")) return ODEUS_FIELD_MULTI_LINE_TEXT;
  if (OA_ANS_IS_LIT("PASSWORD")) return ODEUS_FIELD_PASSWORD;
  if (OA_ANS_IS_LIT("NUMBER")) return ODEUS_FIELD_NUMBER;
  if (OA_ANS_IS_LIT("EMBEDDING_MODEL")) return ODEUS_FIELD_EMBEDDING_MODEL;
  return ODEUS_FIELD_UNKNOWN;
}

#undef OA_ANS_IS_LIT

/* Gathers a key or enum value delivered in several fragments; past the
 * buffer only the length goes on counting (it then names nothing we know). */
static void oa_ans_word(odeus_answer_reader *r, const odeus_json_event *ev)
{
  if (ev->flags & ODEUS_JSON_FIRST) r->word_len = 0;
  if (r->word_len <= sizeof r->word) {
    size_t room = sizeof r->word - r->word_len;
    if (ev->len <= room) memcpy(r->word + r->word_len, ev->text, ev->len);
    r->word_len = ev->len <= room ? r->word_len + (unsigned)ev->len : (unsigned)sizeof r->word + 1;
  }
}

/* A key, once its last fragment came: in the event when it came in one,
 * else gathered in word (past the buffer n is sizeof word + 1: longer
 * than any key read). 0 before its last fragment. */
static int oa_ans_whole_key(odeus_answer_reader *r, const odeus_json_event *ev, const char **s, size_t *n)
{
  *s = ev->text;
  *n = ev->len;
  if ((ev->flags & (ODEUS_JSON_FIRST | ODEUS_JSON_LAST)) != (ODEUS_JSON_FIRST | ODEUS_JSON_LAST)) {
    oa_ans_word(r, ev);
    if (!(ev->flags & ODEUS_JSON_LAST)) return 0;
    *s = r->word;
    *n = r->word_len;
  }
  return 1;
}

/* Where a slot of the current scope is, for a problem. */
static void oa_ans_where(const odeus_answer_reader *r, unsigned slot, odeus_problem *p)
{
  odeus_key member = (odeus_key)oa_ans_slots[slot].key;
  p->key = ODEUS_KEY_NONE;
  p->index = ODEUS_NO_INDEX;
  p->member = ODEUS_KEY_NONE;
  p->text.ptr = NULL;
  p->text.len = 0;
  switch (r->scope) {
  case OA_ANS_BODY:
    p->key = ODEUS_KEY_OTHER;
    p->text.ptr = "integration";
    p->text.len = 11;
    break;
  case OA_ANS_INTEG: p->key = member; break;
  case OA_ANS_FIELDS:
    p->key = ODEUS_KEY_AUTH_FIELDS;
    p->index = r->out->field_count;
    break;
  case OA_ANS_FIELD:
    p->key = ODEUS_KEY_AUTH_FIELDS;
    p->index = r->field;
    p->member = member;
    break;
  case OA_ANS_OAUTH:
    p->key = ODEUS_KEY_OAUTH_CLIENT;
    p->member = member;
    break;
  default: break; /* the body */
  }
}

/* Records the first problem; its code stops the JSON reader. */
static int oa_ans_fail(odeus_answer_reader *r, odeus_result code, odeus_rule rule, unsigned slot,
                       size_t offset)
{
  odeus_problem *p = &r->out->problem;
  oa_ans_where(r, slot, p);
  p->rule = rule;
  p->limit = 0;
  p->actual = offset;
  r->error = (int)code;
  return (int)code;
}

static int oa_ans_type_error(odeus_answer_reader *r, const odeus_json_event *ev)
{
  return oa_ans_fail(r, ODEUS_ERR_ANSWER_TYPE, ODEUS_RULE_TYPE, r->slot, ev->offset);
}

/* Enters an object whose string members go to `record` (NULL: a field past
 * the caller's capacity, whose strings are only counted). */
static void oa_ans_enter(odeus_answer_reader *r, unsigned scope, void *record)
{
  r->scope = scope;
  r->record = (char *)record;
}

static odeus_str *oa_ans_target(const odeus_answer_reader *r)
{
  return r->record ? (odeus_str *)(void *)(r->record + oa_ans_slots[r->slot].offset) : NULL;
}

static void oa_ans_set_enum(odeus_answer_reader *r, unsigned kind, const char *s, size_t n)
{
  if (kind == OA_ANS_K_AUTH_TYPE) r->out->auth_type = oa_ans_auth_type(s, n);
  else if (r->record) ((odeus_answer_field *)(void *)r->record)->type = oa_ans_field_type(s, n);
}

/* A string of n bytes is read; unless cut, it is at storage[start]. Keep
 * it where it fit, count it anyway. */
static void oa_ans_string_done(odeus_answer_reader *r, odeus_str *t, size_t start, size_t n, int cut)
{
  odeus_answer *out = r->out;
  if (!n) {
    if (t) {
      t->ptr = oa_ans_empty;
      t->len = 0;
    }
    return;
  }
  out->strings_needed = oa_ans_add(out->strings_needed, n + 1);
  if (!t) return;
  t->len = n;
  if (cut) {
    t->ptr = NULL;
    out->cut = 1;
    return;
  }
  out->strings[start + n] = '\0';
  t->ptr = out->strings + start;
  r->used = start + n + 1;
}

/* A string value in one fragment (no escape, not cut by the end of a
 * piece): the usual case, stored at once. */
OA_ANS_OUTLINE static int oa_ans_string(odeus_answer_reader *r, const odeus_json_event *ev)
{
  unsigned kind = oa_ans_slots[r->slot].kind;
  odeus_answer *out = r->out;
  size_t n = ev->len, at = r->used;
  odeus_str *t;
  char *dst;
  if (!OA_ANS_IS_STRING(kind)) return kind == OA_ANS_K_NONE ? 0 : oa_ans_type_error(r, ev);
  if (kind >= OA_ANS_K_AUTH_TYPE) oa_ans_set_enum(r, kind, ev->text, n);
  if (!r->record || !n || n >= out->strings_capacity - at) { /* empty, cut, or a field not kept */
    oa_ans_string_done(r, oa_ans_target(r), at, n, 1);
    return 0;
  }
  /* the bookkeeping first, so that nothing waits for the copy */
  t = (odeus_str *)(void *)(r->record + oa_ans_slots[r->slot].offset);
  dst = out->strings + at;
  dst[n] = '\0';
  t->ptr = dst;
  t->len = n;
  r->used = at + n + 1;
  out->strings_needed = oa_ans_add(out->strings_needed, n + 1);
  memcpy(dst, ev->text, n);
  return 0;
}

/* A string or number of the wrong type is refused at its last fragment,
 * not its first: a token the JSON reader then finds invalid must end in
 * the JSON error however the body was split (the first fragment of a token
 * goes out at the end of a piece, before the reader has seen all of it). */
static int oa_ans_wrong_token(odeus_answer_reader *r, const odeus_json_event *ev, unsigned kind)
{
  if (kind == OA_ANS_K_NONE || !(ev->flags & ODEUS_JSON_LAST)) return 0;
  return oa_ans_type_error(r, ev);
}

/* A fragment of a string value cut into several: copied while the whole
 * string (and its NUL) still fits the storage left. */
OA_ANS_OUTLINE static int oa_ans_string_part(odeus_answer_reader *r, const odeus_json_event *ev)
{
  unsigned kind = oa_ans_slots[r->slot].kind;
  size_t n = ev->len;
  if (!OA_ANS_IS_STRING(kind)) return oa_ans_wrong_token(r, ev, kind);
  if (ev->flags & ODEUS_JSON_FIRST) {
    r->target = oa_ans_target(r);
    r->str_start = r->used;
    r->str_len = 0;
    r->str_cut = r->target == NULL;
  }
  if (n && !r->str_cut) {
    size_t at = r->str_start + r->str_len;
    if (n < r->out->strings_capacity - at) memcpy(r->out->strings + at, ev->text, n);
    else r->str_cut = 1;
  }
  r->str_len = oa_ans_add(r->str_len, n);
  if (kind >= OA_ANS_K_AUTH_TYPE) oa_ans_word(r, ev);
  if (ev->flags & ODEUS_JSON_LAST) {
    oa_ans_string_done(r, r->target, r->str_start, r->str_len, r->str_cut);
    if (kind >= OA_ANS_K_AUTH_TYPE)
      oa_ans_set_enum(r, kind, r->word, r->word_len <= sizeof r->word ? r->word_len : 0);
  }
  return 0;
}

OA_ANS_OUTLINE static int oa_ans_key(odeus_answer_reader *r, const odeus_json_event *ev)
{
  const char *s;
  size_t n;
  unsigned slot;
  if (!oa_ans_whole_key(r, ev, &s, &n)) return 0;
  slot = oa_ans_match(r->scope, s, n);
  r->slot = slot;
  if (slot == OA_ANS_SKIP) return 0;
  if (r->seen & OA_ANS_BIT(slot))
    return oa_ans_fail(r, ODEUS_ERR_ANSWER_DUPLICATE, ODEUS_RULE_DUPLICATE_KEY, slot, ev->offset);
  r->seen |= OA_ANS_BIT(slot);
  return 0;
}

static void oa_ans_field_begin(odeus_answer_reader *r)
{
  odeus_answer *out = r->out;
  odeus_answer_field *f = NULL;
  r->field = out->field_count++;
  r->seen &= ~(uint32_t)OA_ANS_FIELD_BITS;
  if (r->field < out->field_capacity) {
    f = &out->fields[r->field];
    memset(f, 0, sizeof *f);
  } else {
    out->cut = 1;
  }
  oa_ans_enter(r, OA_ANS_FIELD, f);
}

/* Any other value: a container, a literal, a number fragment. */
OA_ANS_OUTLINE static int oa_ans_value(odeus_answer_reader *r, const odeus_json_event *ev)
{
  unsigned type = (unsigned)ev->type, kind = oa_ans_slots[r->slot].kind;
  if (type == ODEUS_JSON_NUMBER) return oa_ans_wrong_token(r, ev, kind);
  switch (kind) {
  case OA_ANS_K_NONE:
    if (type == ODEUS_JSON_OBJECT_BEGIN || type == ODEUS_JSON_ARRAY_BEGIN) r->skip = ev->depth + 1;
    return 0;
  case OA_ANS_K_BODY:
    if (type != ODEUS_JSON_OBJECT_BEGIN) break;
    oa_ans_enter(r, OA_ANS_BODY, NULL);
    return 0;
  case OA_ANS_K_ELEMENT:
    if (type != ODEUS_JSON_OBJECT_BEGIN) break;
    oa_ans_field_begin(r);
    return 0;
  case OA_ANS_K_OBJECT:
    if (type != ODEUS_JSON_OBJECT_BEGIN) break;
    oa_ans_enter(r, OA_ANS_INTEG, r->out);
    return 0;
  case OA_ANS_K_ARRAY:
    if (type != ODEUS_JSON_ARRAY_BEGIN) break;
    oa_ans_enter(r, OA_ANS_FIELDS, NULL);
    r->slot = OA_ANS_ELEMENT;
    return 0;
  case OA_ANS_K_OBJECT_OR_NULL:
    if (type == ODEUS_JSON_NULL) return 0;
    if (type != ODEUS_JSON_OBJECT_BEGIN) break;
    oa_ans_enter(r, OA_ANS_OAUTH, &r->out->oauth_client);
    r->out->has_oauth_client = 1;
    return 0;
  case OA_ANS_K_BOOL:
    if (type != ODEUS_JSON_TRUE && type != ODEUS_JSON_FALSE) break;
    if (r->record) ((odeus_answer_field *)(void *)r->record)->required = type == ODEUS_JSON_TRUE;
    return 0;
  case OA_ANS_K_STRING_OR_NULL:
    if (type == ODEUS_JSON_NULL) return 0;
    break;
  default:
    break;
  }
  return oa_ans_type_error(r, ev);
}

static int oa_ans_missing(odeus_answer_reader *r, unsigned slot, const odeus_json_event *ev)
{
  return oa_ans_fail(r, ODEUS_ERR_ANSWER_MISSING, ODEUS_RULE_REQUIRED, slot, ev->offset);
}

/* The end of an object or array the mapper is in: check what it must hold. */
OA_ANS_OUTLINE static int oa_ans_close(odeus_answer_reader *r, const odeus_json_event *ev)
{
  uint32_t seen = r->seen;
  switch (r->scope) {
  case OA_ANS_FIELD:
    if (!(seen & OA_ANS_BIT(OA_ANS_SLUG))) return oa_ans_missing(r, OA_ANS_SLUG, ev);
    if (!(seen & OA_ANS_BIT(OA_ANS_LABEL))) return oa_ans_missing(r, OA_ANS_LABEL, ev);
    if (!(seen & OA_ANS_BIT(OA_ANS_TYPE))) return oa_ans_missing(r, OA_ANS_TYPE, ev);
    oa_ans_enter(r, OA_ANS_FIELDS, NULL);
    r->slot = OA_ANS_ELEMENT;
    return 0;
  case OA_ANS_INTEG:
    if (!(seen & OA_ANS_BIT(OA_ANS_ID))) return oa_ans_missing(r, OA_ANS_ID, ev);
    if (!(seen & OA_ANS_BIT(OA_ANS_AUTH_TYPE))) return oa_ans_missing(r, OA_ANS_AUTH_TYPE, ev);
    oa_ans_enter(r, OA_ANS_BODY, NULL);
    return 0;
  case OA_ANS_BODY:
    if (!(seen & OA_ANS_BIT(OA_ANS_INTEGRATION))) return oa_ans_missing(r, OA_ANS_INTEGRATION, ev);
    oa_ans_enter(r, OA_ANS_DONE, NULL);
    return 0;
  default: /* the end of authFields or oauthClient */
    oa_ans_enter(r, OA_ANS_INTEG, r->out);
    return 0;
  }
}

static int oa_ans_event(void *ctx, const odeus_json_event *ev)
{
  odeus_answer_reader *r = (odeus_answer_reader *)ctx;
  if (r->skip) {
    if ((ev->type == ODEUS_JSON_OBJECT_END || ev->type == ODEUS_JSON_ARRAY_END) && ev->depth + 1 == r->skip)
      r->skip = 0;
    return 0;
  }
  switch (ev->type) {
  case ODEUS_JSON_KEY: return oa_ans_key(r, ev);
  case ODEUS_JSON_STRING:
    if ((ev->flags & (ODEUS_JSON_FIRST | ODEUS_JSON_LAST)) == (ODEUS_JSON_FIRST | ODEUS_JSON_LAST))
      return oa_ans_string(r, ev);
    return oa_ans_string_part(r, ev);
  case ODEUS_JSON_OBJECT_END:
  case ODEUS_JSON_ARRAY_END: return oa_ans_close(r, ev);
  default: return oa_ans_value(r, ev);
  }
}

/* ---- the message of an error answer ----
 * The message is assembled in storage as it arrives. Its full length
 * (msg_len) is always counted; the bytes kept (msg_stored) are a prefix of
 * it. A candidate of higher priority ("message" over "error") takes the
 * storage over at its first byte; one of equal or lower priority is not
 * read once a candidate holds text. */
enum {
  OA_MSG_PRI_ERROR = 1,
  OA_MSG_PRI_MESSAGE = 2
};

/* Where we are inside the member being read (ctx). */
enum {
  OA_MSG_NOWHERE,
  OA_MSG_LIST,                  /* the array of "message" */
  OA_MSG_ERROR_OBJECT           /* the object of "error" */
};

/* What the next value is (sub). */
enum {
  OA_MSG_NONE,
  OA_MSG_TEXT,                  /* the "message" of the "error" object */
  OA_MSG_PATH,                  /* an item's "path" */
  OA_MSG_MESSAGE,               /* an item's "message" */
  OA_MSG_PATH_LIST              /* inside an item's "path" array */
};

static void oa_msg_put(odeus_answer_reader *r, const char *p, size_t n)
{
  odeus_answer *out = r->out;
  if (r->msg_stored == r->msg_len && out->strings_capacity) {
    size_t k = OA_MIN(n, out->strings_capacity - 1 - r->msg_stored);
    if (k) memcpy(out->strings + r->msg_stored, p, k);
    r->msg_stored += k;
  }
  r->msg_len = oa_ans_add(r->msg_len, n);
}

/* The member being read has text: it takes the storage over. */
static void oa_msg_own(odeus_answer_reader *r)
{
  if (r->have == r->cur) return;
  r->have = r->cur;
  r->msg_len = 0;
  r->msg_stored = 0;
}

/* The first byte of an item's path or message: the separators go first. */
static void oa_msg_part_start(odeus_answer_reader *r, unsigned part)
{
  r->part_started = 1;
  oa_msg_own(r);
  if (r->item_parts++ == 0) {
    r->item_sep = r->msg_len;
    if (r->parts++) oa_msg_put(r, "; ", 2);
    r->item_start = r->msg_len;
    r->first_part = part;
  } else {
    oa_msg_put(r, ": ", 2);
    r->second_start = r->msg_len;
  }
}

static void oa_msg_part_text(odeus_answer_reader *r, unsigned part, const char *p, size_t n)
{
  if (!n) return;
  if (!r->part_started) oa_msg_part_start(r, part);
  oa_msg_put(r, p, n);
}

static void oa_msg_reverse(char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n / 2; i++) {
    char c = s[i];
    s[i] = s[n - 1 - i];
    s[n - 1 - i] = c;
  }
}

static void oa_msg_item_begin(odeus_answer_reader *r)
{
  r->in_item = 1;
  r->item_seen = 0;
  r->item_parts = 0;
  r->sub = OA_MSG_NONE;
}

/* An item whose message came before its path reads "message: path" so far:
 * turn it into "path: message" in place (three reversals). If storage cut
 * it, drop what was kept of it, so the kept text stays a prefix. */
static void oa_msg_item_end(odeus_answer_reader *r)
{
  r->in_item = 0;
  r->sub = OA_MSG_NONE;
  if (r->item_parts != 2 || r->first_part != OA_MSG_MESSAGE) return;
  if (r->msg_stored == r->msg_len) {
    char *s = r->out->strings + r->item_start;
    size_t all = r->msg_len - r->item_start, path = r->msg_len - r->second_start;
    oa_msg_reverse(s, all);
    oa_msg_reverse(s, path);
    oa_msg_reverse(s + path, 2);
    oa_msg_reverse(s + path + 2, all - path - 2);
  } else if (r->msg_stored > r->item_sep) {
    r->msg_stored = r->item_sep;
  }
}

/* A key: which member or part its value is. */
static void oa_msg_key(odeus_answer_reader *r, const odeus_json_event *ev)
{
  const char *s;
  size_t n;
  int message;
  if (!oa_ans_whole_key(r, ev, &s, &n)) return;
  message = oa_ans_is("message", s, n);
  if (ev->depth == 1) {
    unsigned pri = message ? OA_MSG_PRI_MESSAGE : oa_ans_is("error", s, n) ? OA_MSG_PRI_ERROR : 0;
    r->cur = pri > r->have ? pri : 0;
    r->ctx = OA_MSG_NOWHERE;
  } else if (ev->depth == 2 && r->ctx == OA_MSG_ERROR_OBJECT) {
    r->sub = !r->item_seen && message ? OA_MSG_TEXT : OA_MSG_NONE;
    r->item_seen |= r->sub != OA_MSG_NONE;
  } else if (ev->depth == 3 && r->in_item) {
    unsigned part = message ? OA_MSG_MESSAGE : oa_ans_is("path", s, n) ? OA_MSG_PATH : OA_MSG_NONE;
    if (r->item_seen & (1u << part)) part = OA_MSG_NONE;
    r->item_seen |= 1u << part;
    r->sub = part;
  }
}

/* A fragment of a candidate that is a plain string. */
static void oa_msg_candidate(odeus_answer_reader *r, const odeus_json_event *ev)
{
  if (ev->len) oa_msg_own(r);
  oa_msg_put(r, ev->text, ev->len);
}

/* A fragment of a string or number. */
static void oa_msg_text(odeus_answer_reader *r, const odeus_json_event *ev)
{
  unsigned first = ev->flags & ODEUS_JSON_FIRST;
  int string = ev->type == ODEUS_JSON_STRING;
  switch (ev->depth) {
  case 1: /* "message" or "error" as a string */
    if (r->cur && string) oa_msg_candidate(r, ev);
    return;
  case 2:
    if (!string) return;
    if (r->ctx == OA_MSG_ERROR_OBJECT && r->sub == OA_MSG_TEXT) {
      oa_msg_candidate(r, ev);
    } else if (r->ctx == OA_MSG_LIST) { /* an item that is a plain string */
      if (first) {
        oa_msg_item_begin(r);
        r->part_started = 0;
      }
      oa_msg_part_text(r, OA_MSG_MESSAGE, ev->text, ev->len);
      if (ev->flags & ODEUS_JSON_LAST) oa_msg_item_end(r);
    }
    return;
  case 3:
    if (!string || !r->in_item || (r->sub != OA_MSG_PATH && r->sub != OA_MSG_MESSAGE)) return;
    if (first) r->part_started = 0;
    oa_msg_part_text(r, r->sub, ev->text, ev->len);
    return;
  case 4: /* an element of an item's path array */
    if (!r->in_item || r->sub != OA_MSG_PATH_LIST) return;
    if (first && r->path_elems++) oa_msg_part_text(r, OA_MSG_PATH, ".", 1);
    oa_msg_part_text(r, OA_MSG_PATH, ev->text, ev->len);
    return;
  default:
    return;
  }
}

static void oa_msg_open(odeus_answer_reader *r, const odeus_json_event *ev)
{
  int object = ev->type == ODEUS_JSON_OBJECT_BEGIN;
  if (ev->depth == 1) {
    if (r->cur == OA_MSG_PRI_ERROR && object) {
      r->ctx = OA_MSG_ERROR_OBJECT;
      r->item_seen = 0;
      r->sub = OA_MSG_NONE;
    } else if (r->cur == OA_MSG_PRI_MESSAGE && !object) {
      r->ctx = OA_MSG_LIST;
      r->parts = 0;
      r->in_item = 0;
    }
  } else if (ev->depth == 2 && r->ctx == OA_MSG_LIST && object) {
    oa_msg_item_begin(r);
  } else if (ev->depth == 3 && r->in_item && r->sub == OA_MSG_PATH && !object) {
    r->sub = OA_MSG_PATH_LIST;
    r->path_elems = 0;
    r->part_started = 0;
  }
}

static void oa_msg_close(odeus_answer_reader *r, const odeus_json_event *ev)
{
  if (ev->depth == 1) {
    r->ctx = OA_MSG_NOWHERE;
  } else if (ev->depth == 2 && r->in_item && ev->type == ODEUS_JSON_OBJECT_END) {
    oa_msg_item_end(r);
  } else if (ev->depth == 3 && r->sub == OA_MSG_PATH_LIST) {
    r->sub = OA_MSG_NONE;
  }
}

/* Events of an error answer: never an error, whatever the body. */
static int oa_msg_event(void *ctx, const odeus_json_event *ev)
{
  odeus_answer_reader *r = (odeus_answer_reader *)ctx;
  switch (ev->type) {
  case ODEUS_JSON_KEY: oa_msg_key(r, ev); break;
  case ODEUS_JSON_STRING:
  case ODEUS_JSON_NUMBER: oa_msg_text(r, ev); break;
  case ODEUS_JSON_OBJECT_BEGIN:
  case ODEUS_JSON_ARRAY_BEGIN: oa_msg_open(r, ev); break;
  case ODEUS_JSON_OBJECT_END:
  case ODEUS_JSON_ARRAY_END: oa_msg_close(r, ev); break;
  default: break;
  }
  return 0;
}

/* n, less a UTF-8 character cut at the end of s. */
static size_t oa_msg_whole_chars(const char *s, size_t n)
{
  size_t i = n, lead, need;
  while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
  if (i == 0) return n;
  lead = (unsigned char)s[i - 1];
  need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return n - (i - 1) < need ? i - 1 : n;
}

/* The message of an error answer, from the body or else the reason. */
static void oa_msg_finish(odeus_answer_reader *r, const char *reason, odeus_result code)
{
  odeus_answer *out = r->out;
  if (odeus_json_finish(&r->json) != ODEUS_OK || !r->have) {
    const char *text = reason && *reason ? reason : odeus_result_text(code);
    r->msg_len = 0;
    r->msg_stored = 0;
    oa_msg_put(r, text, strlen(text));
  }
  out->strings_needed = oa_ans_add(r->msg_len, 1);
  out->message.len = r->msg_len;
  out->message.ptr = NULL;
  if (out->strings_capacity) {
    if (r->msg_stored < r->msg_len) r->msg_stored = oa_msg_whole_chars(out->strings, r->msg_stored);
    out->strings[r->msg_stored] = '\0';
    out->message.ptr = out->strings;
    out->message.len = r->msg_stored;
  }
  out->cut = r->msg_stored < r->msg_len;
}

/* ---- the API ---- */

ODEUS_API odeus_result odeus_status_result(int status)
{
  switch (status) {
  case 400: return ODEUS_ERR_STATUS_400;
  case 401: return ODEUS_ERR_STATUS_401;
  case 403: return ODEUS_ERR_STATUS_403;
  case 404: return ODEUS_ERR_STATUS_404;
  case 429: return ODEUS_ERR_STATUS_429;
  default: break;
  }
  if (oa_ans_2xx(status)) return ODEUS_OK;
  return status >= 500 && status <= 599 ? ODEUS_ERR_STATUS_5XX : ODEUS_ERR_STATUS_OTHER;
}

ODEUS_API void odeus_answer_begin(odeus_answer_reader *r, odeus_answer *out, int status)
{
  if (!r) return;
  /* the JSON reader clears itself; the rest of the reader starts at zero */
  odeus_json_init(&r->json, oa_ans_2xx(status) ? oa_ans_event : oa_msg_event, r);
  memset((char *)r + offsetof(odeus_answer_reader, out), 0, sizeof *r - offsetof(odeus_answer_reader, out));
  r->out = out;
  r->status = status;
  r->slot = OA_ANS_BODY_VALUE;
  if (!out) {
    r->error = ODEUS_ERR_ARGUMENT;
    return;
  }
  {
    odeus_answer_field *fields = out->fields;
    size_t field_capacity = out->field_capacity, strings_capacity = out->strings_capacity;
    char *strings = out->strings;
    memset(out, 0, sizeof *out);
    out->fields = fields;
    out->field_capacity = field_capacity;
    out->strings = strings;
    out->strings_capacity = strings_capacity;
    if ((!fields && field_capacity) || (!strings && strings_capacity)) r->error = ODEUS_ERR_ARGUMENT;
  }
}

/* A JSON error in a 2xx answer is its problem. */
static odeus_result oa_ans_json_error(odeus_answer_reader *r, odeus_result code)
{
  if (!r->error) {
    odeus_problem *p = &r->out->problem;
    memset(p, 0, sizeof *p);
    p->rule = ODEUS_RULE_JSON;
    p->key = ODEUS_KEY_NONE;
    p->index = ODEUS_NO_INDEX;
    p->member = ODEUS_KEY_NONE;
    p->limit = (size_t)(0 - (int)code);
    p->actual = r->json.offset;
    r->error = (int)code;
  }
  return (odeus_result)r->error;
}

ODEUS_API odeus_result odeus_answer_feed(odeus_answer_reader *r, const char *data, size_t len)
{
  odeus_result res;
  if (!r || (!data && len)) return ODEUS_ERR_ARGUMENT;
  if (r->error) return (odeus_result)r->error;
  res = odeus_json_feed(&r->json, data, len);
  if (res == ODEUS_OK || !oa_ans_2xx(r->status)) return ODEUS_OK;
  return oa_ans_json_error(r, res);
}

ODEUS_API odeus_result odeus_answer_finish(odeus_answer_reader *r, const char *reason)
{
  odeus_result res;
  if (!r) return ODEUS_ERR_ARGUMENT;
  if (r->error) return (odeus_result)r->error;
  if (!oa_ans_2xx(r->status)) {
    res = odeus_status_result(r->status);
    oa_msg_finish(r, reason, res);
    return res;
  }
  res = odeus_json_finish(&r->json);
  return res == ODEUS_OK ? ODEUS_OK : oa_ans_json_error(r, res);
}

/* The HTTP parser's body callback for odeus_answer_parse_response: the
 * reader begins with the first body bytes, once the status is known. */
typedef struct oa_ans_response {
  odeus_answer_reader reader;
  const odeus_http *http;
  odeus_answer *out;
  int begun;
} oa_ans_response;

static int oa_ans_on_body(void *ctx, const char *data, size_t len)
{
  oa_ans_response *c = (oa_ans_response *)ctx;
  if (!c->begun) {
    odeus_answer_begin(&c->reader, c->out, c->http->status);
    c->begun = 1;
  }
  return (int)odeus_answer_feed(&c->reader, data, len);
}

ODEUS_API odeus_result odeus_answer_parse_response(const char *response, size_t len, odeus_answer *out)
{
  odeus_http http;
  oa_ans_response c;
  odeus_result res;
  if ((!response && len) || !out) return ODEUS_ERR_ARGUMENT;
  c.http = &http;
  c.out = out;
  c.begun = 0;
  odeus_http_init(&http, oa_ans_on_body, &c);
  res = odeus_http_feed(&http, response, len, NULL);
  if (res == ODEUS_OK && !http.done) res = odeus_http_finish(&http);
  if (res != ODEUS_OK) return res;
  if (!c.begun) odeus_answer_begin(&c.reader, out, http.status);
  return odeus_answer_finish(&c.reader, http.reason);
}

/* ---- the problem of a refused answer ---- */

static const char *oa_ans_expected(const odeus_problem *p)
{
  if (p->member == ODEUS_KEY_REQUIRED) return "a boolean";
  if (p->member == ODEUS_KEY_PLACEHOLDER || p->member == ODEUS_KEY_SCOPES
      || (p->member == ODEUS_KEY_LABEL && p->key == ODEUS_KEY_OAUTH_CLIENT))
    return "a string or null";
  if (p->member != ODEUS_KEY_NONE) return "a string";
  if (p->key == ODEUS_KEY_NONE || p->key == ODEUS_KEY_OTHER || p->index != ODEUS_NO_INDEX) return "an object";
  if (p->key == ODEUS_KEY_AUTH_FIELDS) return "an array";
  if (p->key == ODEUS_KEY_OAUTH_CLIENT) return "an object or null";
  if (p->key == ODEUS_KEY_AUTH_TEST_CODE) return "a string or null";
  return "a string";
}

ODEUS_API size_t odeus_answer_problem_format(const odeus_answer *a, char *buf, size_t cap)
{
  oa_sink s;
  oa_sink_init(&s, buf, cap, 0);
  if (a && a->problem.rule) {
    const odeus_problem *p = &a->problem;
    if (p->key != ODEUS_KEY_NONE && p->key != ODEUS_KEY_OTHER) oa_puts(&s, "integration.");
    oa_put_path(&s, p);
    oa_puts(&s, ": ");
    if (p->rule == ODEUS_RULE_TYPE) {
      oa_puts(&s, "expected ");
      oa_puts(&s, oa_ans_expected(p));
    } else {
      oa_put_rule(&s, p);
    }
  }
  return oa_sink_cstr(&s);
}

/* ---- writing the answer back ---- */

/* ,"key":value for a string (null without a value). */
static void oa_ans_put_member(oa_sink *s, const char *key_prefix, odeus_str v)
{
  oa_puts(s, key_prefix);
  oa_put_json_str(s, v.ptr, v.len);
}

static void oa_ans_put_enum(oa_sink *s, const char *key_prefix, const char *known, odeus_str text)
{
  oa_puts(s, key_prefix);
  if (known) {
    oa_putc(s, '"');
    oa_puts(s, known);
    oa_putc(s, '"');
  } else {
    oa_put_json_str(s, text.ptr, text.len);
  }
}

static void oa_ans_put_field(oa_sink *s, const odeus_answer_field *f)
{
  int t = (int)f->type;
  oa_ans_put_member(s, "{\"slug\":", f->slug);
  oa_ans_put_member(s, ",\"label\":", f->label);
  oa_ans_put_enum(s, ",\"type\":", t > 0 && t < ODEUS_FIELD_UNKNOWN ? oa_field_type_names[t] : NULL,
                  f->type_text);
  oa_ans_put_member(s, ",\"description\":", f->description);
  oa_ans_put_member(s, ",\"placeholder\":", f->placeholder);
  oa_puts(s, f->required ? ",\"required\":true}" : ",\"required\":false}");
}

static void oa_ans_put_oauth(oa_sink *s, const odeus_answer_oauth *o)
{
  oa_ans_put_member(s, "{\"scopes\":", o->scopes);
  oa_ans_put_member(s, ",\"label\":", o->label);
  oa_ans_put_member(s, ",\"authorizationCode\":", o->authorization_code);
  oa_ans_put_member(s, ",\"accessTokenCode\":", o->access_token_code);
  oa_ans_put_member(s, ",\"refreshTokenCode\":", o->refresh_token_code);
  oa_putc(s, '}');
}

ODEUS_API odeus_result odeus_write_answer(const odeus_answer *a, char *buf, size_t cap, size_t *needed)
{
  oa_sink s;
  size_t i;
  int t;
  if (needed) *needed = 0;
  if (!a || (!buf && cap)) return ODEUS_ERR_ARGUMENT;
  /* Writing a cut answer would print something we did not fully read. */
  if (a->cut || a->field_count > a->field_capacity) return ODEUS_ERR_ANSWER_CUT;
  if (!a->id.ptr || (a->field_count && !a->fields)) return ODEUS_ERR_ARGUMENT;
  oa_sink_init(&s, buf, cap, 0);
  t = (int)a->auth_type;
  oa_ans_put_member(&s, "{\"id\":", a->id);
  oa_ans_put_enum(&s, ",\"authType\":", t > 0 && t < ODEUS_AUTH_UNKNOWN ? oa_auth_type_names[t] : NULL,
                  a->auth_type_text);
  oa_ans_put_member(&s, ",\"authTestCode\":", a->auth_test_code);
  oa_puts(&s, ",\"authFields\":[");
  for (i = 0; i < a->field_count; i++) {
    if (i) oa_putc(&s, ',');
    oa_ans_put_field(&s, &a->fields[i]);
  }
  oa_puts(&s, "],\"oauthClient\":");
  if (a->has_oauth_client) oa_ans_put_oauth(&s, &a->oauth_client);
  else oa_puts(&s, "null");
  oa_putc(&s, '}');
  if (needed) *needed = s.len;
  return s.len <= cap ? ODEUS_OK : ODEUS_ERR_BUFFER_TOO_SMALL;
}

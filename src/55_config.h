/* ---- a request body given as JSON ---------------------------------------------------
 * Driven by the JSON reader's events, guided by the same member tables as
 * the validator and the writer. Each value is checked as it is stored, and
 * each object's missing members when it closes, so every problem is found
 * once, in document order, with its path. */

enum { OA_CFG_TOP, OA_CFG_ROOT, OA_CFG_FIELDS, OA_CFG_FIELD, OA_CFG_OAUTH };

/* An empty authFields array needs a non-NULL pointer even without storage. */
static const odeus_auth_field oa_cfg_no_fields[1] = { { { NULL, 0 }, { NULL, 0 }, ODEUS_FIELD_UNSET,
                                                        { NULL, 0 }, { NULL, 0 }, ODEUS_BOOL_UNSET } };

typedef struct oa_cfg {
  const char *json;
  size_t json_len;
  odeus_config *cfg;
  odeus_config_storage *st;
  odeus_problems *pr;
  unsigned scope;               /* OA_CFG_*: the object or array we are in */
  unsigned skip;                /* > 0: inside a value being skipped, its depth */
  const oa_member *member;      /* the member whose value comes next, or NULL */
  oa_where where;               /* its path */
  unsigned seen_root, seen_field, seen_oauth; /* members met, by table index */
  size_t field;                 /* the current authFields element */
  size_t field_index;           /* elements of authFields met so far */
  size_t strings_used;
  char *str;                    /* a string being assembled in storage */
  size_t str_len;
  int str_cut;                  /* it did not fit */
  char word[24];                /* a key or enum value being assembled */
  size_t word_len;
} oa_cfg;

static int oa_cfg_is_begin(const odeus_json_event *ev)
{
  return ev->type == ODEUS_JSON_OBJECT_BEGIN || ev->type == ODEUS_JSON_ARRAY_BEGIN;
}

static void oa_cfg_problem(oa_cfg *p, oa_where w, odeus_rule rule, size_t limit, const char *text, size_t len)
{
  oa_report(p->pr, w, rule, limit, 0, text, len);
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

static const oa_member *oa_cfg_table(unsigned scope, size_t *n, unsigned **seen, oa_cfg *p)
{
  if (scope == OA_CFG_FIELD) { *n = OA_COUNT(oa_field_members); *seen = &p->seen_field; return oa_field_members; }
  if (scope == OA_CFG_OAUTH) { *n = OA_COUNT(oa_oauth_members); *seen = &p->seen_oauth; return oa_oauth_members; }
  *n = OA_COUNT(oa_root_members);
  *seen = &p->seen_root;
  return oa_root_members;
}

/* The object a member of the current scope lives in. */
static void *oa_cfg_object(oa_cfg *p)
{
  if (p->scope == OA_CFG_FIELD) return &p->st->fields[p->field];
  if (p->scope == OA_CFG_OAUTH) return p->st->oauth_client;
  return p->cfg;
}

static oa_where oa_cfg_here(const oa_cfg *p)
{
  oa_where w = { ODEUS_KEY_NONE, ODEUS_NO_INDEX, ODEUS_KEY_NONE };
  if (p->scope == OA_CFG_FIELDS || p->scope == OA_CFG_FIELD) {
    w.key = ODEUS_KEY_AUTH_FIELDS;
    if (p->scope == OA_CFG_FIELD) w.index = p->field;
  } else if (p->scope == OA_CFG_OAUTH) {
    w.key = ODEUS_KEY_OAUTH_CLIENT;
  }
  return w;
}

static void oa_cfg_key(oa_cfg *p, const odeus_json_event *ev)
{
  size_t n, i;
  unsigned *seen;
  const oa_member *t = oa_cfg_table(p->scope, &n, &seen, p);
  odeus_str raw = oa_cfg_raw_string(p, ev->offset);
  p->member = NULL;
  p->where = oa_cfg_here(p);
  for (i = 0; i < n; i++) {
    if (strlen(t[i].name) == p->word_len && memcmp(t[i].name, p->word, p->word_len) == 0) break;
  }
  if (i == n) {
    oa_where w = p->where;
    if (w.key == ODEUS_KEY_NONE) w.key = ODEUS_KEY_OTHER;
    else w.member = ODEUS_KEY_OTHER;
    oa_cfg_problem(p, w, ODEUS_RULE_UNKNOWN_KEY, 0, raw.ptr, raw.len);
    return;
  }
  p->where = oa_where_member(p->where, &t[i]);
  if (*seen & (1u << i)) {
    oa_cfg_problem(p, p->where, ODEUS_RULE_DUPLICATE_KEY, 0, NULL, 0);
    return;
  }
  *seen |= 1u << i;
  p->member = &t[i];
}

/* Missing required members of the object that just closed. */
static void oa_cfg_missing(oa_cfg *p, const oa_member *t, size_t n, unsigned seen)
{
  size_t i;
  for (i = 0; i < n; i++)
    if ((t[i].flags & OA_REQUIRED) && !(seen & (1u << i)))
      oa_cfg_problem(p, oa_where_member(oa_cfg_here(p), &t[i]), ODEUS_RULE_REQUIRED, 0, NULL, 0);
}

static void oa_cfg_wrong_type(oa_cfg *p, const odeus_json_event *ev)
{
  oa_cfg_problem(p, p->where, ev->type == ODEUS_JSON_NULL ? ODEUS_RULE_NULL : ODEUS_RULE_TYPE, 0, NULL, 0);
  if (oa_cfg_is_begin(ev)) p->skip = 1;
}

static void oa_cfg_begin_value_container(oa_cfg *p, const odeus_json_event *ev)
{
  const oa_member *m = p->member;
  if (m && m->kind == OA_KIND_FIELDS && ev->type == ODEUS_JSON_ARRAY_BEGIN) {
    p->cfg->fields = p->st->fields ? p->st->fields : oa_cfg_no_fields;
    p->cfg->field_count = 0;
    p->field_index = 0;
    p->scope = OA_CFG_FIELDS;
  } else if (m && m->kind == OA_KIND_OAUTH && ev->type == ODEUS_JSON_OBJECT_BEGIN && p->st->oauth_client) {
    memset(p->st->oauth_client, 0, sizeof *p->st->oauth_client);
    p->cfg->oauth_client = p->st->oauth_client;
    p->seen_oauth = 0;
    p->scope = OA_CFG_OAUTH;
  } else if (m && m->kind == OA_KIND_OAUTH && ev->type == ODEUS_JSON_OBJECT_BEGIN) {
    oa_cfg_problem(p, p->where, ODEUS_RULE_CAPACITY, 0, NULL, 0);
    p->skip = 1;
  } else if (m) {
    oa_cfg_wrong_type(p, ev);
  } else {
    p->skip = 1; /* the value of an unknown or duplicate key */
  }
}

/* An element of authFields: element i is stored in fields[i], so that
 * problem paths and storage agree even around a broken element. */
static void oa_cfg_begin_field(oa_cfg *p, const odeus_json_event *ev)
{
  size_t i = p->field_index++;
  oa_where w = oa_cfg_here(p);
  w.index = i;
  p->where = w;
  if (i >= p->st->field_capacity) {
    oa_cfg_problem(p, w, ODEUS_RULE_CAPACITY, p->st->field_capacity, NULL, 0);
    if (oa_cfg_is_begin(ev)) p->skip = 1;
    return;
  }
  memset(&p->st->fields[i], 0, sizeof p->st->fields[i]);
  p->cfg->field_count = i + 1;
  if (ev->type != ODEUS_JSON_OBJECT_BEGIN) {
    oa_cfg_wrong_type(p, ev);
    return;
  }
  p->field = i;
  p->seen_field = 0;
  p->scope = OA_CFG_FIELD;
}

static void oa_cfg_end(oa_cfg *p)
{
  oa_where w = oa_cfg_here(p);
  switch (p->scope) {
  case OA_CFG_FIELD:
    oa_cfg_missing(p, oa_field_members, OA_COUNT(oa_field_members), p->seen_field);
    p->scope = OA_CFG_FIELDS;
    break;
  case OA_CFG_FIELDS:
    oa_check_slugs(p->cfg->fields, p->cfg->field_count, w, p->pr);
    p->scope = OA_CFG_ROOT;
    break;
  case OA_CFG_OAUTH:
    p->scope = OA_CFG_ROOT;
    break;
  default: /* the body */
    oa_cfg_missing(p, oa_root_members, OA_COUNT(oa_root_members), p->seen_root);
    if (p->cfg->oauth_client) {
      w.key = ODEUS_KEY_OAUTH_CLIENT;
      oa_check_oauth_allowed(p->cfg, w, p->pr);
    }
    p->scope = OA_CFG_TOP;
    break;
  }
  p->member = NULL;
}

/* A string value is complete: store it, or match it against the enum. */
static void oa_cfg_string_done(oa_cfg *p, const odeus_json_event *ev, const char *text, size_t len)
{
  const oa_member *m = p->member;
  void *obj = oa_cfg_object(p);
  if (m->kind == OA_KIND_STRING || m->kind == OA_KIND_URL) {
    odeus_str *v = OA_AT(obj, m, odeus_str);
    if (p->str_cut) {
      oa_cfg_problem(p, p->where, ODEUS_RULE_CAPACITY, p->st->strings_capacity, NULL, 0);
      return;
    }
    v->ptr = text;
    v->len = len;
    oa_check_string(v, m, p->where, p->pr);
  } else if (m->kind == OA_KIND_AUTH_TYPE || m->kind == OA_KIND_FIELD_TYPE) {
    int i, n = m->kind == OA_KIND_AUTH_TYPE ? (int)OA_COUNT(oa_auth_type_names) : (int)OA_COUNT(oa_field_type_names);
    for (i = 1; i < n; i++) {
      const char *name = oa_enum_name(m, i);
      if (strlen(name) == len && memcmp(name, text, len) == 0) break;
    }
    if (i < n) {
      if (m->kind == OA_KIND_AUTH_TYPE) *OA_AT(obj, m, odeus_auth_type) = (odeus_auth_type)i;
      else *OA_AT(obj, m, odeus_field_type) = (odeus_field_type)i;
    } else {
      odeus_str raw = oa_cfg_raw_string(p, ev->offset);
      oa_cfg_problem(p, p->where, ODEUS_RULE_ENUM, 0, raw.ptr, raw.len);
    }
  }
}

/* String and key fragments: one raw fragment is used in place (zero copy);
 * otherwise the pieces are joined in storage (strings) or in word[] (keys,
 * enum values; longer ones cannot match and are cut). */
static void oa_cfg_fragment(oa_cfg *p, const odeus_json_event *ev, int to_storage)
{
  if (ev->flags & ODEUS_JSON_FIRST) {
    p->word_len = 0;
    p->str_len = 0;
    p->str_cut = 0;
    p->str = p->st->strings ? p->st->strings + p->strings_used : NULL;
  }
  if (!to_storage) {
    size_t n = OA_MIN(ev->len, sizeof p->word - p->word_len);
    memcpy(p->word + p->word_len, ev->text, n);
    p->word_len += ev->len;
    if (p->word_len > sizeof p->word) p->word_len = sizeof p->word;
    return;
  }
  if ((ev->flags & (ODEUS_JSON_FIRST | ODEUS_JSON_LAST | ODEUS_JSON_RAW)) ==
      (ODEUS_JSON_FIRST | ODEUS_JSON_LAST | ODEUS_JSON_RAW))
    return; /* used in place */
  if (ev->len == 0) return;
  if (p->str_cut || !p->st->strings || p->strings_used + ev->len > p->st->strings_capacity) {
    p->str_cut = 1;
    return;
  }
  memcpy(p->st->strings + p->strings_used, ev->text, ev->len);
  p->strings_used += ev->len;
  p->str_len += ev->len;
}

static int oa_cfg_is_string_member(const oa_member *m)
{
  return m && (m->kind == OA_KIND_STRING || m->kind == OA_KIND_URL);
}

static void oa_cfg_string(oa_cfg *p, const odeus_json_event *ev)
{
  int whole = (ev->flags & (ODEUS_JSON_FIRST | ODEUS_JSON_LAST | ODEUS_JSON_RAW)) ==
              (ODEUS_JSON_FIRST | ODEUS_JSON_LAST | ODEUS_JSON_RAW);
  const oa_member *m = p->member;
  if (!m) return;
  if (m->kind != OA_KIND_STRING && m->kind != OA_KIND_URL && m->kind != OA_KIND_AUTH_TYPE &&
      m->kind != OA_KIND_FIELD_TYPE) {
    if (ev->flags & ODEUS_JSON_FIRST) oa_cfg_wrong_type(p, ev);
    return;
  }
  oa_cfg_fragment(p, ev, oa_cfg_is_string_member(m));
  if (!(ev->flags & ODEUS_JSON_LAST)) return;
  if (whole) oa_cfg_string_done(p, ev, ev->text, ev->len);
  else if (oa_cfg_is_string_member(m)) oa_cfg_string_done(p, ev, p->str ? p->str : "", p->str_len);
  else oa_cfg_string_done(p, ev, p->word, p->word_len);
}

static void oa_cfg_scalar(oa_cfg *p, const odeus_json_event *ev)
{
  const oa_member *m = p->member;
  if (!m) return;
  if (m->kind == OA_KIND_BOOL && (ev->type == ODEUS_JSON_TRUE || ev->type == ODEUS_JSON_FALSE)) {
    *OA_AT(oa_cfg_object(p), m, odeus_bool) = ev->type == ODEUS_JSON_TRUE ? ODEUS_BOOL_TRUE : ODEUS_BOOL_FALSE;
    return;
  }
  if (ev->type == ODEUS_JSON_NUMBER && !(ev->flags & ODEUS_JSON_FIRST)) return;
  oa_cfg_wrong_type(p, ev);
}

static int oa_cfg_event(void *ctx, const odeus_json_event *ev)
{
  oa_cfg *p = (oa_cfg *)ctx;
  int begin = oa_cfg_is_begin(ev);
  int end = ev->type == ODEUS_JSON_OBJECT_END || ev->type == ODEUS_JSON_ARRAY_END;
  if (p->skip) {
    p->skip += (unsigned)begin;
    p->skip -= (unsigned)end;
    return 0;
  }
  if (ev->type == ODEUS_JSON_KEY) {
    if (!(ev->flags & ODEUS_JSON_FIRST) || !(ev->flags & ODEUS_JSON_LAST) || !(ev->flags & ODEUS_JSON_RAW))
      oa_cfg_fragment(p, ev, 0);
    else {
      p->word_len = OA_MIN(ev->len, sizeof p->word);
      memcpy(p->word, ev->text, p->word_len);
      if (ev->len > sizeof p->word) p->word_len = sizeof p->word;
    }
    if (ev->flags & ODEUS_JSON_LAST) oa_cfg_key(p, ev);
    return 0;
  }
  if (end) {
    oa_cfg_end(p);
    return 0;
  }
  if (p->scope == OA_CFG_TOP) {
    if (ev->type == ODEUS_JSON_OBJECT_BEGIN) {
      p->scope = OA_CFG_ROOT;
    } else if (!(ev->type == ODEUS_JSON_NUMBER && !(ev->flags & ODEUS_JSON_FIRST)) &&
               !(ev->type == ODEUS_JSON_STRING && !(ev->flags & ODEUS_JSON_FIRST))) {
      p->where = oa_cfg_here(p);
      oa_cfg_wrong_type(p, ev);
    }
    return 0;
  }
  if (p->scope == OA_CFG_FIELDS) {
    if (ev->type == ODEUS_JSON_NUMBER || ev->type == ODEUS_JSON_STRING) {
      if (!(ev->flags & ODEUS_JSON_FIRST)) return 0;
    }
    oa_cfg_begin_field(p, ev);
    return 0;
  }
  if (begin) oa_cfg_begin_value_container(p, ev);
  else if (ev->type == ODEUS_JSON_STRING) oa_cfg_string(p, ev);
  else oa_cfg_scalar(p, ev);
  return 0;
}

ODEUS_API odeus_result odeus_parse_config(const char *json, size_t len, odeus_config *cfg,
                                          odeus_config_storage *storage, odeus_problems *problems)
{
  odeus_problems none = { NULL, 0, 0 };
  odeus_config_storage no_storage;
  oa_cfg p;
  odeus_json js;
  odeus_result r;
  size_t before;
  if (!json || !cfg) return ODEUS_ERR_ARGUMENT;
  memset(&no_storage, 0, sizeof no_storage);
  memset(&p, 0, sizeof p);
  memset(cfg, 0, sizeof *cfg);
  p.json = json;
  p.json_len = len;
  p.cfg = cfg;
  p.st = storage ? storage : &no_storage;
  p.pr = problems ? problems : &none;
  p.scope = OA_CFG_TOP;
  before = p.pr->count;
  odeus_json_init(&js, oa_cfg_event, &p);
  js.lone_surrogate_error = 1; /* SPEC §1: it has no UTF-8 form to send */
  r = odeus_json_feed(&js, json, len);
  if (r == ODEUS_OK) r = odeus_json_finish(&js);
  if (r != ODEUS_OK) {
    oa_where w = { ODEUS_KEY_NONE, ODEUS_NO_INDEX, ODEUS_KEY_NONE };
    oa_report(p.pr, w, ODEUS_RULE_JSON, (size_t)(0 - (int)r), js.offset, NULL, 0);
  }
  return p.pr->count == before ? ODEUS_OK : ODEUS_ERR_CONFIG;
}

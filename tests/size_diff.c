/* The size/speed differential test. ODEUS_OPTIMIZE_SIZE=1 replaces several
 * internal paths of odeus_auth.h by compact ones; the contract is that the
 * results stay the same byte for byte. This program holds the two builds
 * side by side (tests/size_diff_side.c compiled twice) and compares what
 * each makes of the same inputs, fed in the same pieces.
 *
 * Build, from the repository root:
 *
 *   gcc -std=c99 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -I. \
 *       -DSD_SIDE=speed -DODEUS_OPTIMIZE_SIZE=0 -c -o /tmp/sd/speed.o tests/size_diff_side.c
 *   gcc -std=c99 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -I. \
 *       -DSD_SIDE=small -DODEUS_OPTIMIZE_SIZE=1 -c -o /tmp/sd/small.o tests/size_diff_side.c
 *   gcc -std=c99 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -I. \
 *       -o /tmp/sd/size_diff tests/size_diff.c /tmp/sd/speed.o /tmp/sd/small.o
 *
 * (clang builds them the same way; the three files also build under the
 * project's strict flags, -Wpedantic -Wconversion -Wshadow -Wcast-qual
 * -Wstrict-prototypes.)
 *
 * Run (the four seed corpora; SD_MUTATIONS=2000 in the environment runs
 * ten times as many mutations):
 *
 *   /tmp/sd/size_diff tests/fuzz/corpus/http tests/fuzz/corpus/json \
 *       tests/fuzz/corpus/answer tests/fuzz/corpus/config
 *
 * Every file of each directory given (or each file given) is an input. A
 * directory named http, json, answer or config runs its files through that
 * part only (the layouts of tests/size_diff.h, the fuzz targets' own);
 * any other through all four. Each file, and SD_MUTATIONS (default 200)
 * deterministic mutations of it, are run with split seeds 0..SD_SEEDS-1 on
 * both sides; once per run, so are the library's tables and a sweep of
 * every byte value through the HTTP, URL and JSON byte classes (part
 * tables). On the first difference it prints the part, the input as a C
 * string literal, the seed and both transcripts around the first
 * differing byte, then a minimised input that still differs, and exits 1.
 * Otherwise it prints one line, "size_diff: N inputs, M transcripts
 * compared, 0 differences" (M counts the pairs compared), and exits 0. */
#define _POSIX_C_SOURCE 200809L /* opendir and readdir */
#include "size_diff.h"
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SD_DEFAULT_MUTATIONS 200ul
#define SD_MINIMISE_TRIES 20000u        /* bound of the minimiser's attempts */
#define SD_CONTEXT_LINES 3              /* lines shown before and after a difference */
#define SD_SHOWN_COLUMNS 240            /* bytes shown of a long transcript line */

static const char *const sd_part_names[SD_PART_COUNT + 1] = { "http", "json", "answer", "config", "tables" };

/* How each part reads its input (tests/size_diff.h), for the report. */
static const char *const sd_part_layouts[SD_PART_COUNT + 1] = {
  "byte 1 sets head_max and body_max, the responses start at byte 2",
  "the JSON text starts at byte 1",
  "byte 0 sets the status and the capacities, the body starts at byte 2",
  "the whole input is the request body",
  "no input: the library's tables and the byte sweeps"
};

/* The undefined behaviour sanitizer reports and goes on by default: here
 * a report must fail the run, like the address sanitizer's. (The runtime
 * asks the program for its defaults through this function; without the
 * sanitizer nothing calls it.) */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
  return "halt_on_error=1:print_stacktrace=1";
}

/* ---- small helpers --------------------------------------------------------------- */

static void *sd_alloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (!p) {
    fputs("size_diff: out of memory\n", stderr);
    exit(2);
  }
  return p;
}

static char *sd_strdup(const char *s)
{
  size_t n = strlen(s) + 1;
  char *d = (char *)sd_alloc(n);
  memcpy(d, s, n);
  return d;
}

/* The input as a C string literal: octal escapes with three digits, so
 * that no escape runs into the digit after it. */
static void sd_print_literal(FILE *f, const unsigned char *p, size_t n)
{
  size_t i;
  fputc('"', f);
  for (i = 0; i < n; i++) {
    unsigned c = p[i];
    if (c == '\n') fputs("\\n", f);
    else if (c == '\r') fputs("\\r", f);
    else if (c == '\t') fputs("\\t", f);
    else if (c == '"' || c == '\\' || c == '?') fprintf(f, "\\%c", (char)c);
    else if (c >= 0x20 && c < 0x7f) fputc((int)c, f);
    else fprintf(f, "\\%03o", c);
  }
  fputc('"', f);
}

/* ---- transcripts ------------------------------------------------------------------- */

typedef size_t (*sd_side_fn)(int part, const unsigned char *in, size_t len, unsigned split_seed,
                             char *out, size_t cap);

typedef struct sd_buf {
  char *p;
  size_t cap;
  size_t len;
} sd_buf;

static void sd_transcribe(sd_side_fn fn, int part, const unsigned char *in, size_t len, unsigned seed,
                          sd_buf *b)
{
  for (;;) {
    b->len = fn(part, in, len, seed, b->p, b->cap);
    if (b->len <= b->cap) return;
    free(b->p);
    b->cap = b->len + b->len / 2;
    b->p = (char *)sd_alloc(b->cap);
  }
}

static sd_buf sd_speed, sd_small;

/* Whether the two sides differ on this input; the transcripts stay in
 * sd_speed and sd_small. */
static int sd_differs(int part, const unsigned char *in, size_t len, unsigned seed)
{
  sd_transcribe(sd_transcript_speed, part, in, len, seed, &sd_speed);
  sd_transcribe(sd_transcript_small, part, in, len, seed, &sd_small);
  return sd_speed.len != sd_small.len || memcmp(sd_speed.p, sd_small.p, sd_speed.len) != 0;
}

static size_t sd_first_difference(const sd_buf *a, const sd_buf *b)
{
  size_t i = 0, n = a->len < b->len ? a->len : b->len;
  while (i < n && a->p[i] == b->p[i]) i++;
  return i;
}

/* One line of a transcript, cut around column `at` when it is long. */
static void sd_print_line(const char *s, size_t n, size_t at)
{
  size_t from = 0, to = n;
  if (n > SD_SHOWN_COLUMNS) {
    from = at > SD_SHOWN_COLUMNS / 2 ? at - SD_SHOWN_COLUMNS / 2 : 0;
    to = from + SD_SHOWN_COLUMNS < n ? from + SD_SHOWN_COLUMNS : n;
  }
  fprintf(stderr, "    %s%.*s%s\n", from ? "..." : "", (int)(to - from), s + from, to < n ? "..." : "");
}

/* The lines around byte `at` of a transcript, the one holding it marked. */
static void sd_print_context(const char *name, const sd_buf *t, size_t at)
{
  size_t start = at < t->len ? at : t->len, line, shown;
  unsigned back = 0;
  while (start > 0 && t->p[start - 1] != '\n') start--;
  line = start;
  while (back < SD_CONTEXT_LINES && start > 0) {
    start--;
    while (start > 0 && t->p[start - 1] != '\n') start--;
    back++;
  }
  fprintf(stderr, "  --- %s (%zu bytes):\n", name, t->len);
  for (shown = 0; start < t->len && shown <= 2u * SD_CONTEXT_LINES; shown++) {
    const char *nl = (const char *)memchr(t->p + start, '\n', t->len - start);
    size_t end = nl ? (size_t)(nl - t->p) : t->len;
    if (start == line) fputs("  > ", stderr);
    sd_print_line(t->p + start, end - start, start == line ? at - line : 0);
    start = end + 1;
  }
  if (at >= t->len) fputs("    (the transcript ends here)\n", stderr);
}

static void sd_report(int part, const unsigned char *in, size_t len, unsigned seed)
{
  size_t at = sd_first_difference(&sd_speed, &sd_small);
  fprintf(stderr, "  part %s (%s), split seed %u, input of %zu bytes:\n    ", sd_part_names[part],
          sd_part_layouts[part], seed, len);
  sd_print_literal(stderr, in, len);
  fprintf(stderr, "\n  the transcripts differ from byte %zu on\n", at);
  sd_print_context("speed (ODEUS_OPTIMIZE_SIZE=0)", &sd_speed, at);
  sd_print_context("small (ODEUS_OPTIMIZE_SIZE=1)", &sd_small, at);
}

/* Removes spans as long as the input still differs (same part and seed):
 * halving their size down to 16 bytes, then every size below (a token or
 * a member of a few bytes goes only whole), and starts over while that
 * helps. The smallest input found is what a reader needs. */
static size_t sd_minimise(int part, unsigned char *in, size_t len, unsigned seed)
{
  unsigned char *try_in = (unsigned char *)sd_alloc(len);
  size_t before, chunk, i;
  unsigned tries = 0;
  do {
    before = len;
    for (chunk = len / 2 ? len / 2 : 1; chunk > 0 && tries < SD_MINIMISE_TRIES;
         chunk = chunk > 16 ? chunk / 2 : chunk - 1) {
      for (i = 0; i + chunk <= len && tries < SD_MINIMISE_TRIES; tries++) {
        memcpy(try_in, in, i);
        memcpy(try_in + i, in + i + chunk, len - i - chunk);
        if (sd_differs(part, try_in, len - chunk, seed)) {
          memcpy(in, try_in, len - chunk);
          len -= chunk;
        } else {
          i++;
        }
      }
    }
  } while (len < before && tries < SD_MINIMISE_TRIES);
  free(try_in);
  return len;
}

/* ---- mutations ----------------------------------------------------------------------- */

typedef struct sd_rng {
  uint64_t s;
} sd_rng;

static uint64_t sd_next(sd_rng *r)
{
  uint64_t x = r->s; /* xorshift64* */
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  r->s = x;
  return x * 2685821657736338717ull;
}

static size_t sd_below(sd_rng *r, size_t n)
{
  return n ? (size_t)(sd_next(r) % n) : 0;
}

/* Pieces of the languages the parts read: a mutation that inserts one
 * reaches states that random bytes rarely do. */
static const char *const sd_http_tokens[] = {
  "\r\n", "\r\n\r\n", "HTTP/1.1 200 OK\r\n", "HTTP/1.0 ", "HTTP/1.1 100 Continue\r\n\r\n",
  "Content-Length: 5\r\n", "content-length:0\r\n", "Transfer-Encoding: chunked\r\n",
  "Connection: close\r\n", "Connection: x, Keep-Alive \r\n", "Retry-After: 120\r\n",
  "Retry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n", "0\r\n\r\n", "5;x=y\r\nhello\r\n",
  "\t", " ", ":", "\x7f", "\x80", ";", ",", "204", "304", "Trailer: t\r\n",
  "Content-Length: 18446744073709551616\r\n", "ffffffffffffffffff\r\n",
  "Connection: keep-alive-but-longer-than-any-token-we-know-of, close\r\n",
  "X-A-Header-Name-Longer-Than-Any-We-Know-Of: v\r\n"
};
static const char *const sd_json_tokens[] = {
  "\"", "\\", "\\u", "\\uD83D", "\\uDE00", "\\u0000", "\\n", "{", "}", "[", "]", ":", ",",
  "true", "false", "null", "-0.5e+3", "0", " ", "\xc3\xa9", "\xf0\x9f\x98\x80", "\xed\xa0\x80",
  "\xe2\x82", "\"\":\"\",", "{\"a\":[]}"
};
static const char *const sd_answer_tokens[] = {
  "\"integration\":", "\"id\":\"i\",", "\"authType\":\"OAUTH\",", "\"authType\":\"NONE\"",
  "\"authTestCode\":null,", "\"authFields\":[", "{\"slug\":\"s\",\"label\":\"l\",\"type\":\"TEXT\"}",
  "\"type\":\"EMBEDDING_MODEL\"", "\"required\":true", "\"placeholder\":null,", "\"description\":\"d\"",
  "\"oauthClient\":{", "\"scopes\":\"a b\"", "\"refreshTokenCode\":\"r\"", "\"message\":",
  "\"error\":", "\"path\":[\"a\",1]", "{\"message\":\"m\",\"path\":\"p\"}",
  "\"oauthClient\":{\"scopes\":1}", "\"oauthClient\":{\"label\":[]}", "\"placeholder\":{}"
};
static const char *const sd_config_tokens[] = {
  "\"authType\":\"API_KEY\"", "\"authType\":\"OAUTH_DCR\",", "\"authFields\":[]",
  "{\"slug\":\"s\",\"label\":\"l\",\"type\":\"PASSWORD\",\"required\":false}", "\"authTestCode\":\"x\"",
  "\"oauthClient\":{\"authUrl\":\"https://a.b/c\"}", "\"tokenUrl\":\"http://h:1/t\"",
  "\"clientSecret\":\"s\"", "\"clientId\":\"c\"", "\"scopes\":\"\"", "\"description\":\"\\u00e9\"",
  "\"placeholder\":\"p\"", "https://", "http://[::1]:8080/x", "HTTP://h:65535/", "%2f", "?q#f", ":0/"
};

typedef struct sd_dict {
  const char *const *tokens;
  size_t count;
} sd_dict;

static sd_dict sd_dictionary(int part, sd_rng *r)
{
  static const sd_dict dicts[SD_PART_COUNT] = {
    { sd_http_tokens, sizeof sd_http_tokens / sizeof sd_http_tokens[0] },
    { sd_json_tokens, sizeof sd_json_tokens / sizeof sd_json_tokens[0] },
    { sd_answer_tokens, sizeof sd_answer_tokens / sizeof sd_answer_tokens[0] },
    { sd_config_tokens, sizeof sd_config_tokens / sizeof sd_config_tokens[0] }
  };
  if (part < 0) return dicts[sd_below(r, SD_PART_COUNT)];
  if (part != SD_PART_HTTP && sd_below(r, 2)) return dicts[SD_PART_JSON]; /* every part but HTTP reads JSON */
  return dicts[part];
}

/* Inserts n bytes at `at` (the buffer has the room: see sd_mutate). */
static size_t sd_insert(unsigned char *b, size_t len, size_t at, const void *src, size_t n)
{
  memmove(b + at + n, b + at, len - at);
  memcpy(b + at, src, n);
  return len + n;
}

static size_t sd_mutate_once(unsigned char *b, size_t len, int part, sd_rng *r)
{
  static const unsigned char special[] = { 0, 0x7f, 0x80, 0xff, '"', '\\', '\r', '\n', ' ', '0', '9', 'u' };
  size_t at = sd_below(r, len + 1), n, i;
  switch (sd_below(r, 8)) {
  case 0: /* flip a bit */
    if (at < len) b[at] = (unsigned char)(b[at] ^ (1u << sd_below(r, 8)));
    return len;
  case 1: /* any byte */
    if (at < len) b[at] = (unsigned char)sd_next(r);
    return len;
  case 2: /* a byte that means something to a parser */
    if (at < len) b[at] = special[sd_below(r, sizeof special)];
    return len;
  case 3: { /* a token */
    sd_dict d = sd_dictionary(part, r);
    const char *t = d.tokens[sd_below(r, d.count)];
    return sd_insert(b, len, at, t, strlen(t));
  }
  case 4: { /* a few random bytes */
    unsigned char bytes[4];
    n = 1 + sd_below(r, sizeof bytes);
    for (i = 0; i < n; i++) bytes[i] = (unsigned char)sd_next(r);
    return sd_insert(b, len, at, bytes, n);
  }
  case 5: /* delete a span */
    n = 1 + sd_below(r, 8);
    if (at + n > len) n = len - at;
    memmove(b + at, b + at + n, len - at - n);
    return len - n;
  case 6: /* truncate */
    return at;
  default: { /* duplicate a span somewhere else */
    unsigned char span[32];
    size_t from = sd_below(r, len + 1);
    n = sd_below(r, sizeof span + 1);
    if (from + n > len) n = len - from;
    memcpy(span, b + from, n);
    return sd_insert(b, len, at, span, n);
  }
  }
}

/* At most SD_MUTATION_OPS operations, each adding at most SD_MUTATION_GROWTH
 * bytes: the room the buffer needs. */
#define SD_MUTATION_OPS 4
#define SD_MUTATION_GROWTH 96

static size_t sd_mutate(const unsigned char *src, size_t len, unsigned char *dst, int part, sd_rng *r)
{
  size_t ops = 1 + sd_below(r, SD_MUTATION_OPS), i;
  memcpy(dst, src, len);
  for (i = 0; i < ops; i++) len = sd_mutate_once(dst, len, part, r);
  return len;
}

/* ---- inputs ------------------------------------------------------------------------- */

typedef struct sd_file {
  char *path;
  int part;                     /* a part, or -1 for all of them */
} sd_file;

typedef struct sd_files {
  sd_file *items;
  size_t count, cap;
} sd_files;

static void sd_add_file(sd_files *fs, const char *path, int part)
{
  if (fs->count == fs->cap) {
    sd_file *bigger;
    fs->cap = fs->cap ? 2 * fs->cap : 64;
    bigger = (sd_file *)sd_alloc(fs->cap * sizeof *bigger);
    if (fs->count) memcpy(bigger, fs->items, fs->count * sizeof *bigger);
    free(fs->items);
    fs->items = bigger;
  }
  fs->items[fs->count].path = sd_strdup(path);
  fs->items[fs->count].part = part;
  fs->count++;
}

/* The part a directory's name asks for, or -1 (all). */
static int sd_part_of_dir(const char *dir)
{
  size_t n = strlen(dir), start;
  int i;
  while (n > 1 && dir[n - 1] == '/') n--;
  start = n;
  while (start > 0 && dir[start - 1] != '/') start--;
  for (i = 0; i < SD_PART_COUNT; i++)
    if (strlen(sd_part_names[i]) == n - start && memcmp(dir + start, sd_part_names[i], n - start) == 0)
      return i;
  return -1;
}

static int sd_by_path(const void *a, const void *b)
{
  return strcmp(((const sd_file *)a)->path, ((const sd_file *)b)->path);
}

/* The files of a directory, sorted (the run must not depend on the order
 * readdir happens to give); a path that is no directory is a file, its
 * part named by the directory it is in. */
static int sd_collect(sd_files *fs, const char *arg)
{
  DIR *d = opendir(arg);
  struct dirent *e;
  size_t first = fs->count;
  if (!d) {
    FILE *f = fopen(arg, "rb");
    char *dir;
    char *slash;
    if (!f) return -1;
    fclose(f);
    dir = sd_strdup(arg);
    slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    sd_add_file(fs, arg, slash ? sd_part_of_dir(dir) : -1);
    free(dir);
    return 0;
  }
  while ((e = readdir(d)) != NULL) {
    size_t n;
    char *path;
    if (e->d_name[0] == '.') continue;
    n = strlen(arg) + strlen(e->d_name) + 2;
    path = (char *)sd_alloc(n);
    snprintf(path, n, "%s/%s", arg, e->d_name);
    sd_add_file(fs, path, sd_part_of_dir(arg));
    free(path);
  }
  closedir(d);
  qsort(fs->items + first, fs->count - first, sizeof *fs->items, sd_by_path);
  return 0;
}

/* The whole file, or NULL when it cannot be read (a subdirectory, say). */
static unsigned char *sd_read(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  unsigned char *data = NULL;
  size_t cap = 0, n = 0, got;
  if (!f) return NULL;
  do {
    if (n == cap) {
      unsigned char *bigger;
      cap = cap ? 2 * cap : 4096;
      bigger = (unsigned char *)sd_alloc(cap);
      if (n) memcpy(bigger, data, n);
      free(data);
      data = bigger;
    }
    got = fread(data + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  if (ferror(f)) {
    free(data);
    data = NULL;
  }
  fclose(f);
  *len = n;
  return data;
}

/* ---- the run -------------------------------------------------------------------------- */

typedef struct sd_stats {
  unsigned long inputs;
  unsigned long compared;
} sd_stats;

/* A difference: the report, the same for a minimised input, and exit 1. */
static void sd_fail(const char *origin, unsigned long mutation, int part, const unsigned char *in, size_t len,
                    unsigned seed)
{
  unsigned char *min = (unsigned char *)sd_alloc(len);
  size_t min_len;
  fprintf(stderr, "size_diff: DIFFERENCE between the speed and the size build\n");
  if (mutation) fprintf(stderr, "  input: %s, mutation %lu\n", origin, mutation);
  else fprintf(stderr, "  input: %s\n", origin);
  sd_report(part, in, len, seed);
  if (len) {
    memcpy(min, in, len);
    min_len = sd_minimise(part, min, len, seed);
    sd_differs(part, min, min_len, seed);
    fprintf(stderr, "size_diff: minimised:\n");
    sd_report(part, min, min_len, seed);
  }
  free(min);
  exit(1);
}

/* One input through its parts and every seed. */
static void sd_check(const char *origin, unsigned long mutation, int part_choice, const unsigned char *in,
                     size_t len, sd_stats *st)
{
  int part;
  unsigned seed;
  st->inputs++;
  for (part = 0; part < SD_PART_COUNT; part++) {
    if (part_choice >= 0 && part != part_choice) continue;
    for (seed = 0; seed < SD_SEEDS; seed++) {
      st->compared++;
      if (sd_differs(part, in, len, seed)) sd_fail(origin, mutation, part, in, len, seed);
    }
  }
}

static unsigned long sd_mutations(void)
{
  const char *v = getenv("SD_MUTATIONS");
  char *end;
  unsigned long n;
  if (!v || !*v) return SD_DEFAULT_MUTATIONS;
  n = strtoul(v, &end, 10);
  if (*end) {
    fprintf(stderr, "size_diff: SD_MUTATIONS must be a number, not \"%s\"\n", v);
    exit(2);
  }
  return n;
}

/* The generator's seed for a file: fixed, from its name (not its path, so
 * that a copy of the corpus elsewhere mutates the same way). */
static uint64_t sd_file_seed(const char *path)
{
  const char *base = strrchr(path, '/');
  uint64_t h = 14695981039346656037ull;
  for (base = base ? base + 1 : path; *base; base++) h = (h ^ (unsigned char)*base) * 1099511628211ull;
  return h ^ 0x5d1f5eedull;
}

static void sd_run_file(const sd_file *file, unsigned long mutations, sd_stats *st)
{
  size_t len;
  unsigned char *in = sd_read(file->path, &len), *mutant;
  unsigned long k;
  sd_rng r;
  if (!in) return;
  mutant = (unsigned char *)sd_alloc(len + (size_t)SD_MUTATION_OPS * SD_MUTATION_GROWTH);
  r.s = sd_file_seed(file->path);
  if (!r.s) r.s = 1;
  sd_check(file->path, 0, file->part, in, len, st);
  for (k = 1; k <= mutations; k++) {
    size_t n = sd_mutate(in, len, mutant, file->part, &r);
    sd_check(file->path, k, file->part, mutant, n, st);
  }
  free(mutant);
  free(in);
}

int main(int argc, char **argv)
{
  sd_files files = { NULL, 0, 0 };
  unsigned long mutations = sd_mutations();
  sd_stats st = { 0, 0 };
  size_t i;
  int a;
  if (argc < 2) {
    fputs("usage: size_diff DIR... (SD_MUTATIONS: mutations per file, default 200)\n", stderr);
    return 2;
  }
  if (sd_optimize_size_speed() != 0 || sd_optimize_size_small() != 1) {
    fputs("size_diff: the sides were built with the wrong ODEUS_OPTIMIZE_SIZE (speed 0, small 1)\n", stderr);
    return 2;
  }
  for (a = 1; a < argc; a++) {
    if (sd_collect(&files, argv[a]) != 0) {
      fprintf(stderr, "size_diff: cannot read %s\n", argv[a]);
      return 2;
    }
  }
  sd_speed.cap = sd_small.cap = 1u << 20;
  sd_speed.p = (char *)sd_alloc(sd_speed.cap);
  sd_small.p = (char *)sd_alloc(sd_small.cap);
  st.compared++;
  if (sd_differs(SD_PART_TABLES, NULL, 0, 0))
    sd_fail("(none: the library's tables)", 0, SD_PART_TABLES, NULL, 0, 0);
  for (i = 0; i < files.count; i++) sd_run_file(&files.items[i], mutations, &st);
  if (st.inputs == 0) {
    fputs("size_diff: no input found\n", stderr);
    return 2;
  }
  printf("size_diff: %lu inputs, %lu transcripts compared, 0 differences\n", st.inputs, st.compared);
  for (i = 0; i < files.count; i++) free(files.items[i].path);
  free(files.items);
  free(sd_speed.p);
  free(sd_small.p);
  return 0;
}

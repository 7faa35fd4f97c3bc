/* odeus-auth: configure how users authenticate to an Odeus custom
 * integration, from the command line. Interface fixed by SPEC §3:
 *
 *   odeus-auth validate CONFIG
 *   odeus-auth request  INTEGRATION_ID CONFIG
 *   odeus-auth apply    INTEGRATION_ID CONFIG
 *
 * Like the library, the tool uses no heap: every buffer is static. */
#define _POSIX_C_SOURCE 200809L
#define ODEUS_AUTH_IMPLEMENTATION
#define ODEUS_AUTH_MBEDTLS
#include "../odeus_auth.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* SPEC §3's codes; and 1, which it leaves free, when the output could not
 * be written: the command itself may have succeeded (apply: the change is
 * made), so no code of the list would tell the truth. */
enum {
  EXIT_OUTPUT = 1, EXIT_USAGE = 2, EXIT_INVALID = 3, EXIT_400 = 4, EXIT_401 = 5, EXIT_403 = 6, EXIT_404 = 7,
  EXIT_429 = 8, EXIT_5XX = 9, EXIT_NETWORK = 10
};

/* Every valid CONFIG of CONFIG_MAX bytes fits: a field takes at least 38
 * bytes ({"slug":"a","label":"b","type":"TEXT"}), so 1 MiB holds fewer than
 * 32768 of them. Problems: four for each of those fields; a config built
 * to have more gets the count of the rest. The arrays are untouched until
 * used, so they cost address space, not memory. */
#define CONFIG_MAX (1u << 20)
#define FIELDS_MAX 32768u
#define PROBLEMS_MAX 131072u

static char config_text[CONFIG_MAX + 1];
static odeus_auth_field fields[FIELDS_MAX];
static odeus_oauth_client oauth_client;
static char config_strings[CONFIG_MAX];
static odeus_problem problems[PROBLEMS_MAX];
static char api_key[512];
static char line[4096];
static char message[8192];      /* a stderr line, before it is shown */
static char output[1u << 21];
static odeus_answer_field answer_fields[FIELDS_MAX];
static char answer_strings[1u << 20];

typedef struct options {
  const char *command;
  const char *operands[2];
  int operand_count;
  const char *base_url;
  const char *api_key_file;
  const char *ca_file;
  long timeout_s;
  long retries;
  int insecure;
} options;

/* ---- stderr: one line per problem, never a byte that steers a terminal ----
 * What goes to stderr may quote the server (an error message), a file name
 * or an argument. Printed raw, a newline in it would forge a second line
 * and an escape sequence would drive the terminal; so each line goes out
 * through odeus_display_text (\n, \x1b, \u202e). */

/* Prints one line "odeus-auth: ...", what it quotes shown safely. */
static void complain(const char *fmt, ...)
{
  static char line_shown[4 * sizeof message]; /* at most 4 bytes for each */
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  odeus_display_text(message, (size_t)n < sizeof message ? (size_t)n : sizeof message - 1,
                     line_shown, sizeof line_shown);
  fprintf(stderr, "odeus-auth: %s\n", line_shown);
}

/* 0 when everything printed on stdout reached it; else says why, once. */
static int output_failed(void)
{
  if (fflush(stdout) == 0 && !ferror(stdout)) return 0;
  complain("cannot write the output: %s", strerror(errno ? errno : EIO));
  return EXIT_OUTPUT;
}

static int usage_error(const char *what)
{
  complain("%s", what);
  fputs("Try 'odeus-auth --help'.\n", stderr);
  return EXIT_USAGE;
}

static void print_help(void)
{
  fputs("usage: odeus-auth [options] validate CONFIG\n"
        "       odeus-auth [options] request  INTEGRATION_ID CONFIG\n"
        "       odeus-auth [options] apply    INTEGRATION_ID CONFIG\n"
        "\n"
        "Configure how users authenticate to an Odeus custom integration\n"
        "(PATCH /integrations/v1/{id}/auth). CONFIG is the request body as JSON, or - for stdin.\n"
        "\n"
        "  validate   check CONFIG locally; no network, no key needed\n"
        "  request    print the exact HTTP request, the key redacted\n"
        "  apply      send it; print the returned integration as one line of JSON\n"
        "\n"
        "options:\n"
        "  --base-url URL       API base (default $ODEUS_BASE_URL, else https://api.odeus.ai);\n"
        "                       a dedicated deployment passes <deployment-url>/api/public\n"
        "  --api-key-file FILE  read the key from FILE (first line); default $ODEUS_API_KEY\n"
        "  --ca-file PEM        trust anchors for TLS (default: the system bundle)\n"
        "  --timeout SECONDS    connect, read and write timeout (default 30)\n"
        "  --retries N          retries after 429, 502, 503, 504 or a failed connect (default 2)\n"
        "  --insecure           skip certificate verification (prints a warning)\n"
        "  --help, --version\n"
        "\n"
        "exit: 0 ok, 2 usage, 3 invalid config or id (nothing sent), 4 HTTP 400, 5 HTTP 401,\n"
        "      6 HTTP 403, 7 HTTP 404, 8 HTTP 429 after the retries, 9 HTTP 5xx or other status,\n"
        "      10 network, TLS or protocol failure; 1 the output could not be written\n", stdout);
}

/* Decimal digits only: no sign, no spaces (strtol would take " +5"). */
static int parse_number(const char *s, long max, long *out)
{
  char *end;
  long v;
  if (*s < '0' || *s > '9') return 0;
  errno = 0;
  v = strtol(s, &end, 10);
  if (errno || *end || v > max) return 0;
  *out = v;
  return 1;
}

static int add_operand(options *o, const char *a)
{
  if (!o->command) o->command = a;
  else if (o->operand_count < 2) o->operands[o->operand_count++] = a;
  else return usage_error("too many operands");
  return 0;
}

/* Options may come before or after the command; --opt VALUE or --opt=VALUE.
 * After "--" every argument is an operand (a file named -x.json, say). */
static int parse_args(int argc, char **argv, options *o)
{
  static const char *const with_value[] = { "--base-url", "--api-key-file", "--ca-file", "--timeout", "--retries" };
  int i, rc, operands_only = 0;
  memset(o, 0, sizeof *o);
  o->timeout_s = 30;
  o->retries = 2;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i], *value = NULL;
    size_t k, n = strcspn(a, "=");
    if (operands_only || a[0] != '-' || strcmp(a, "-") == 0) {
      if ((rc = add_operand(o, a)) != 0) return rc;
      continue;
    }
    if (strcmp(a, "--") == 0) { operands_only = 1; continue; }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { print_help(); exit(output_failed()); }
    if (strcmp(a, "--version") == 0) {
      printf("odeus-auth %s\n", ODEUS_AUTH_VERSION_STRING);
      exit(output_failed());
    }
    if (strcmp(a, "--insecure") == 0) { o->insecure = 1; continue; }
    if (n == strlen("--insecure") && strncmp(a, "--insecure", n) == 0)
      return usage_error("option '--insecure' takes no value");
    for (k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
      if (strlen(with_value[k]) == n && strncmp(a, with_value[k], n) == 0) break;
    if (k == sizeof with_value / sizeof with_value[0]) {
      snprintf(line, sizeof line, "unknown option '%.*s'", (int)n, a);
      return usage_error(line);
    }
    if (a[n] == '=') value = a + n + 1;
    else if (i + 1 < argc) value = argv[++i];
    else {
      snprintf(line, sizeof line, "option '%s' needs a value", a);
      return usage_error(line);
    }
    switch (k) {
    case 0: o->base_url = value; break;
    case 1: o->api_key_file = value; break;
    case 2: o->ca_file = value; break;
    case 3: if (!parse_number(value, 86400, &o->timeout_s) || o->timeout_s == 0)
              return usage_error("--timeout takes a number of seconds, 1 to 86400");
            break;
    default: if (!parse_number(value, 100, &o->retries)) return usage_error("--retries takes a number, 0 to 100");
             break;
    }
  }
  return 0;
}

/* A file that cannot be opened or read is a usage error, as a missing one. */
static int file_error(const char *path, int err)
{
  complain("%s: %s", path, strerror(err));
  return EXIT_USAGE;
}

/* CONFIG: a file, or - for stdin. */
static int read_config(const char *path, size_t *len)
{
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  size_t n;
  int failed, err;
  if (!f) return file_error(path, errno);
  errno = 0;
  n = fread(config_text, 1, CONFIG_MAX + 1, f);
  failed = ferror(f);
  err = errno ? errno : EIO;
  if (f != stdin) fclose(f);
  if (failed) return file_error(path, err);
  if (n > CONFIG_MAX) {
    complain("%s: larger than %u bytes", path, CONFIG_MAX);
    return EXIT_INVALID;
  }
  *len = n;
  return 0;
}

/* Parses and validates CONFIG, printing every problem with its JSON path. */
static int load_config(const char *path, odeus_config *cfg)
{
  odeus_config_storage st;
  odeus_problems pr;
  size_t len = 0, i;
  const char *text = config_text;
  int rc = read_config(path, &len);
  if (rc) return rc;
  /* A UTF-8 byte order mark, which editors on some systems write, is
   * skipped (RFC 8259 lets a parser ignore it); offsets count after it. */
  if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
    text += 3;
    len -= 3;
  }
  st.fields = fields;
  st.field_capacity = FIELDS_MAX;
  st.oauth_client = &oauth_client;
  st.strings = config_strings;
  st.strings_capacity = sizeof config_strings;
  pr.items = problems;
  pr.capacity = PROBLEMS_MAX;
  pr.count = 0;
  if (odeus_parse_config(text, len, cfg, &st, &pr) == ODEUS_OK) return 0;
  for (i = 0; i < pr.count && i < pr.capacity; i++) {
    odeus_problem_format(&problems[i], line, sizeof line);
    complain("%s", line);
  }
  if (pr.count > pr.capacity) {
    complain("and %zu more problems (the first %u are listed)", pr.count - pr.capacity, PROBLEMS_MAX);
  }
  return EXIT_INVALID;
}

/* The first line of the key file, without its LF or CRLF; *n its length,
 * sizeof api_key or more when it does not fit (the buffer takes one byte
 * more than a key, for the CR of a longest key's CRLF). Unbuffered, so
 * that no stdio buffer we cannot wipe ever holds the key. */
static int read_key_line(const char *path, size_t *n)
{
  FILE *f = fopen(path, "rb");
  int c, failed;
  if (!f) return file_error(path, errno);
  setvbuf(f, NULL, _IONBF, 0);
  *n = 0;
  errno = 0;
  while ((c = getc(f)) != EOF && c != '\n') {
    if (*n == sizeof api_key) { (*n)++; break; }
    api_key[(*n)++] = (char)c;
  }
  failed = ferror(f);
  fclose(f);
  if (failed) return file_error(path, errno ? errno : EIO);
  if (*n > 0 && *n <= sizeof api_key && api_key[*n - 1] == '\r') (*n)--;
  return 0;
}

/* The key: --api-key-file (first line) or $ODEUS_API_KEY, whole: a key is
 * never cut or trimmed to fit, it is refused. Copied into our own buffer,
 * which is wiped before exit; the environment's copy is wiped too, so no
 * later dump of this process holds it. */
static int load_api_key(const options *o, int required)
{
  size_t n = 0;
  int rc;
  const char *from = o->api_key_file ? o->api_key_file : "$ODEUS_API_KEY";
  char *env = getenv("ODEUS_API_KEY");
  if (!o->api_key_file && env) {
    n = strlen(env);
    if (n < sizeof api_key) memcpy(api_key, env, n);
    else n = sizeof api_key;
  }
  /* Wiped whichever key is used: a key unused is a secret all the same. */
  if (env) odeus_wipe(env, strlen(env));
  if (o->api_key_file && (rc = read_key_line(o->api_key_file, &n)) != 0) return rc;
  if (n >= sizeof api_key) {
    odeus_wipe(api_key, sizeof api_key);
    complain("the API key in %s is longer than %u characters", from, (unsigned)(sizeof api_key - 1));
    return EXIT_USAGE;
  }
  api_key[n] = '\0';
  if (n == 0 && !required) return 0;
  if (n == 0) {
    complain("no API key: set ODEUS_API_KEY or pass --api-key-file FILE");
    return EXIT_USAGE;
  }
  if (odeus_validate_api_key(api_key, n) != ODEUS_OK) {
    complain("the API key in %s must be visible ASCII without spaces or line breaks", from);
    return EXIT_USAGE;
  }
  return 0;
}

static const char *base_url_of(const options *o)
{
  const char *env = getenv("ODEUS_BASE_URL");
  if (o->base_url) return o->base_url;
  return env && *env ? env : ODEUS_DEFAULT_BASE_URL;
}

/* Everything but the config is checked before it: usage first. */
static int prepare(const options *o, odeus_request *rq, odeus_config *cfg, int key_required)
{
  odeus_url u;
  int rc;
  rq->base_url = base_url_of(o);
  if (odeus_parse_base_url(rq->base_url, strlen(rq->base_url), &u) != ODEUS_OK) {
    complain("invalid base URL '%s': http(s)://host[:port][/prefix], no query or user", rq->base_url);
    return EXIT_USAGE;
  }
  rc = load_api_key(o, key_required);
  if (rc) return rc;
  rq->api_key = api_key[0] ? api_key : "none";
  rq->integration_id = o->operands[0];
  rq->config = cfg;
  /* The config's problems and the id's are reported together; a config
   * that cannot be read at all is a usage error, whatever the id. */
  rc = load_config(o->operands[1], cfg);
  if (rc == EXIT_USAGE) return rc;
  if (odeus_validate_id(o->operands[0], strlen(o->operands[0])) != ODEUS_OK) {
    complain("integration id '%s' is not a UUID (8-4-4-4-12 hex)", o->operands[0]);
    return EXIT_INVALID;
  }
  return rc;
}

static int cmd_validate(const options *o)
{
  odeus_config cfg;
  int rc = load_config(o->operands[0], &cfg);
  if (rc == 0) printf("valid\n");
  return rc;
}

static int cmd_request(const options *o)
{
  odeus_request rq;
  odeus_config cfg;
  size_t need = 0;
  int rc = prepare(o, &rq, &cfg, 0);
  if (rc) return rc;
  if (odeus_write_request_redacted(&rq, output, sizeof output, &need) != ODEUS_OK) {
    complain("the request is too large to print");
    return EXIT_INVALID;
  }
  fwrite(output, 1, need, stdout);
  return 0;
}

static int exit_code_of(odeus_result r)
{
  switch (r) {
  case ODEUS_OK: return 0;
  case ODEUS_ERR_CONFIG: case ODEUS_ERR_ID: return EXIT_INVALID;
  case ODEUS_ERR_BASE_URL: case ODEUS_ERR_API_KEY: case ODEUS_ERR_ARGUMENT:
  case ODEUS_ERR_CA:
    return EXIT_USAGE;
  case ODEUS_ERR_STATUS_400: return EXIT_400;
  case ODEUS_ERR_STATUS_401: return EXIT_401;
  case ODEUS_ERR_STATUS_403: return EXIT_403;
  case ODEUS_ERR_STATUS_404: return EXIT_404;
  case ODEUS_ERR_STATUS_429: return EXIT_429;
  case ODEUS_ERR_STATUS_5XX: case ODEUS_ERR_STATUS_OTHER: return EXIT_5XX;
  default: return EXIT_NETWORK;
  }
}

/* Why an apply failed, on one line (the library says it, with the server's
 * message made safe to print). Never the key: no message contains it. */
static void report_failure(odeus_result r, const odeus_client *c, const odeus_answer *a)
{
  odeus_client_failure(c, r, a, line, sizeof line); /* safe to print as it is */
  fprintf(stderr, "odeus-auth: %s\n", line);
}

static int cmd_apply(const options *o)
{
  static odeus_client client;
  odeus_client_options opt;
  odeus_request rq;
  odeus_config cfg;
  odeus_answer ans;
  odeus_result r;
  size_t need = 0;
  uint32_t timeout_ms = (uint32_t)o->timeout_s * 1000u;
  /* The deadline leaves every attempt its three timeouts (connect, write,
   * read) and every retry its longest wait (a Retry-After of 60 s), no
   * more: a server that keeps bytes coming is cut off there. In 64 bits,
   * held to what the client takes (about 49 days). */
  uint64_t deadline_ms = (uint64_t)(o->retries + 1) * 3u * timeout_ms +
                         (uint64_t)o->retries * ODEUS_RETRY_DEFAULT_AFTER_MAX_MS;
  int rc = prepare(o, &rq, &cfg, 1);
  if (rc) return rc;
  memset(&opt, 0, sizeof opt);
  opt.ca_file = o->ca_file;
  opt.insecure_skip_verify = o->insecure;
  opt.connect_timeout_ms = timeout_ms;
  opt.io_timeout_ms = timeout_ms;
  opt.deadline_ms = deadline_ms < UINT32_MAX ? (uint32_t)deadline_ms : UINT32_MAX;
  opt.retry.attempts = (unsigned)o->retries + 1u;
  if (o->insecure)
    complain("WARNING: --insecure: the server's certificate is not checked; "
             "anyone on the network path can read the API key");
  memset(&ans, 0, sizeof ans);
  ans.fields = answer_fields;
  ans.field_capacity = FIELDS_MAX;
  ans.strings = answer_strings;
  ans.strings_capacity = sizeof answer_strings;
  r = odeus_client_init(&client, &opt);
  if (r == ODEUS_OK) r = odeus_client_apply(&client, &rq, &ans);
  if (r == ODEUS_OK) {
    r = odeus_write_answer(&ans, output, sizeof output, &need);
    if (r == ODEUS_OK) {
      fwrite(output, 1, need, stdout);
      fputc('\n', stdout);
    }
  }
  if (r != ODEUS_OK) report_failure(r, &client, &ans);
  odeus_client_free(&client);
  return exit_code_of(r);
}

/* The key must not end up in a core file. */
static void no_core_dumps(void)
{
  struct rlimit none = { 0, 0 };
  setrlimit(RLIMIT_CORE, &none);
#ifdef __linux__
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

int main(int argc, char **argv)
{
  options o;
  int rc;
  no_core_dumps();
  rc = parse_args(argc, argv, &o);
  if (rc) return rc;
  if (!o.command) return usage_error("missing command (validate, request or apply)");
  if (strcmp(o.command, "validate") == 0) {
    if (o.operand_count != 1) return usage_error("validate takes one operand: CONFIG");
    rc = cmd_validate(&o);
  } else if (strcmp(o.command, "request") == 0 || strcmp(o.command, "apply") == 0) {
    if (o.operand_count != 2) {
      snprintf(line, sizeof line, "%s takes two operands: INTEGRATION_ID CONFIG", o.command);
      return usage_error(line);
    }
    rc = o.command[0] == 'r' ? cmd_request(&o) : cmd_apply(&o);
  } else {
    snprintf(line, sizeof line, "unknown command '%s'", o.command);
    return usage_error(line);
  }
  /* Output that did not reach its file (a full disk) is a failure too:
   * the command's product is lost. */
  if (output_failed() && rc == 0) rc = EXIT_OUTPUT;
  odeus_wipe(api_key, sizeof api_key);
  odeus_wipe(output, sizeof output);
  odeus_wipe(config_text, sizeof config_text);
  odeus_wipe(config_strings, sizeof config_strings);
  return rc;
}

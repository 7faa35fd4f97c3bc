/* odeus-auth: configure how users authenticate to an Odeus custom
 * integration, from the command line. Scripts depend on this interface:
 *
 *   odeus-auth validate CONFIG
 *   odeus-auth request  INTEGRATION_ID CONFIG
 *   odeus-auth apply    INTEGRATION_ID CONFIG
 *   odeus-auth c        CONFIG [--name NAME] [--with-secrets]
 *
 * Like the library, the tool uses no heap: every buffer is static. */
#define _POSIX_C_SOURCE 200809L
#define ODEUS_AUTH_IMPLEMENTATION
#define ODEUS_AUTH_MBEDTLS
#include "../odeus_auth.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* The documented exit codes; and 1 when the output could not be written:
 * the command itself may have succeeded (apply: the change is made), so no
 * other code of the list would tell the truth. */
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
  const char *name;             /* c: the config's C name */
  long timeout_s;
  long retries;
  int insecure;
  int with_secrets;             /* c: clientSecret may go into the source */
} options;

/* ---- stderr: one line per problem, never a byte that steers a terminal ----
 * What goes to stderr may quote the server (an error message), a file name
 * or an argument. Printed raw, a newline in it would forge a second line
 * and an escape sequence would drive the terminal; so each line the tool
 * builds goes out through odeus_display_text (\n, \x1b, \u202e). The
 * library's own lines (a problem, a failure) are made safe by the library,
 * and are printed as they are: escaping them again would double every
 * backslash they show. */

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

/* Prints a line the library made safe to show; n is the length it
 * reported. A line cut to fit the buffer loses the partial character at
 * its end, so the terminal never gets half of one. */
static void say_safe(char *text, size_t n, size_t cap)
{
  if (n >= cap && cap > 1) {
    size_t k = cap - 2, want; /* text[cap - 2]: the last byte kept */
    unsigned lead;
    while (k > 0 && ((unsigned char)text[k] & 0xC0u) == 0x80u) k--;
    lead = (unsigned char)text[k];
    want = lead >= 0xF0u ? 4 : lead >= 0xE0u ? 3 : lead >= 0xC0u ? 2 : 1;
    if (k + want > cap - 1) text[k] = '\0'; /* that character did not fit whole */
  }
  fprintf(stderr, "odeus-auth: %s\n", text);
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
        "       odeus-auth c CONFIG [--name NAME] [--with-secrets]\n"
        "\n"
        "Configure how users authenticate to an Odeus custom integration\n"
        "(PATCH /integrations/v1/{id}/auth). CONFIG is the request body as JSON, or - for stdin.\n"
        "\n"
        "  validate   check CONFIG locally; no network, no key needed\n"
        "  request    print the exact HTTP request, the key redacted; no network, no key needed\n"
        "  apply      send it; print the returned integration as one line of JSON\n"
        "  c          check CONFIG, then print C99 source (also C++11) defining\n"
        "             static const odeus_config NAME, for firmware to compile in:\n"
        "             odeus_write_body(&NAME, ...) writes the body `request` shows\n"
        "\n"
        "options:\n"
        "  --base-url URL       API base (default $ODEUS_BASE_URL, else https://api.odeus.ai);\n"
        "                       a dedicated deployment passes <deployment-url>/api/public\n"
        "  --api-key-file FILE  read the key from FILE (first line), - for stdin;\n"
        "                       default $ODEUS_API_KEY\n"
        "  --ca-file PEM        trust anchors for https (default: the system bundle)\n"
        "  --timeout SECONDS    connect, read and write timeout, 1 to 86400 (default 30)\n"
        "  --retries N          retries after 429, 502, 503, 504 or a failed connect,\n"
        "                       0 to 100 (default 2)\n"
        "  --insecure           skip certificate verification (prints a warning)\n"
        "  --name NAME          c: the config's name, a C identifier (default odeus_auth_config)\n"
        "  --with-secrets       c: allow oauthClient.clientSecret in the source (refused otherwise)\n"
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
  static const char *const with_value[] = { "--base-url", "--api-key-file", "--ca-file", "--timeout", "--retries",
                                            "--name" };
  static const char *const flags[] = { "--insecure", "--with-secrets" };
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
    for (k = 0; k < sizeof flags / sizeof flags[0]; k++)
      if (strlen(flags[k]) == n && strncmp(a, flags[k], n) == 0) break;
    if (k < sizeof flags / sizeof flags[0]) {
      if (a[n] == '=') {
        snprintf(line, sizeof line, "option '%s' takes no value", flags[k]);
        return usage_error(line);
      }
      if (k == 0) o->insecure = 1;
      else o->with_secrets = 1;
      continue;
    }
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
    case 4: if (!parse_number(value, 100, &o->retries)) return usage_error("--retries takes a number, 0 to 100");
            break;
    default: o->name = value; break;
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
  /* output: free until the config is valid, and large enough for a line
   * that quotes a key of the whole CONFIG */
  for (i = 0; i < pr.count && i < pr.capacity; i++)
    say_safe(output, odeus_problem_format(&problems[i], output, sizeof output), sizeof output);
  if (pr.count > pr.capacity) {
    complain("and %zu more problems (the first %u are listed)", pr.count - pr.capacity, PROBLEMS_MAX);
  }
  return EXIT_INVALID;
}

/* ---- the API key ------------------------------------------------------------ */

/* Where the key comes from, as the messages name it. */
static const char *key_source(const options *o)
{
  if (!o->api_key_file) return "$ODEUS_API_KEY";
  return strcmp(o->api_key_file, "-") == 0 ? "standard input" : o->api_key_file;
}

/* The first line of the key file (- : stdin), without its LF or CRLF; *n
 * its length, sizeof api_key or more when it does not fit (the buffer
 * takes one byte more than a key, for the CR of a longest key's CRLF);
 * *more: a line break followed it. Unbuffered, so that no stdio buffer we
 * cannot wipe ever holds the key. */
static int read_key_line(const options *o, size_t *n, int *more)
{
  int from_stdin = strcmp(o->api_key_file, "-") == 0;
  FILE *f = from_stdin ? stdin : fopen(o->api_key_file, "rb");
  int c, failed;
  if (!f) return file_error(o->api_key_file, errno);
  setvbuf(f, NULL, _IONBF, 0);
  *n = 0;
  *more = 0;
  errno = 0;
  while ((c = getc(f)) != EOF) {
    if (c == '\n') { *more = 1; break; }
    if (*n == sizeof api_key) { (*n)++; break; }
    api_key[(*n)++] = (char)c;
  }
  failed = ferror(f);
  if (!from_stdin) fclose(f);
  if (failed) return file_error(key_source(o), errno ? errno : EIO);
  if (*n > 0 && *n <= sizeof api_key && api_key[*n - 1] == '\r') (*n)--;
  return 0;
}

/* The key: --api-key-file (first line) or $ODEUS_API_KEY, whole: a key is
 * never cut or trimmed to fit, it is refused. Copied into our own buffer,
 * which is wiped before exit; the environment's copy is wiped too, so no
 * later dump of this process holds it. */
static int load_api_key(const options *o)
{
  size_t n = 0;
  int rc, more = 0;
  const char *from = key_source(o);
  char *env = getenv("ODEUS_API_KEY");
  if (!o->api_key_file && env) {
    n = strlen(env);
    if (n < sizeof api_key) memcpy(api_key, env, n);
    else n = sizeof api_key;
  }
  /* Wiped whichever key is used: a key unused is a secret all the same. */
  if (env) odeus_wipe(env, strlen(env));
  if (o->api_key_file && (rc = read_key_line(o, &n, &more)) != 0) return rc;
  if (n >= sizeof api_key) {
    odeus_wipe(api_key, sizeof api_key);
    complain("the API key in %s is longer than %u characters", from, (unsigned)(sizeof api_key - 1));
    return EXIT_USAGE;
  }
  api_key[n] = '\0';
  if (n == 0) {
    if (o->api_key_file)
      complain("%s: no API key: %s", from, more ? "its first line is empty" : "it is empty");
    else if (env)
      complain("no API key: ODEUS_API_KEY is empty");
    else
      complain("no API key: set ODEUS_API_KEY or pass --api-key-file FILE");
    return EXIT_USAGE;
  }
  if (odeus_validate_api_key(api_key, n) != ODEUS_OK) {
    complain("the API key in %s must be visible ASCII without spaces or line breaks", from);
    return EXIT_USAGE;
  }
  return 0;
}

/* ---- the base URL ----------------------------------------------------------- */

static int lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int isxdigit_ascii(char c)
{
  return (c >= '0' && c <= '9') || (lower((unsigned char)c) >= 'a' && lower((unsigned char)c) <= 'f');
}

static int starts_with_ci(const char *s, const char *prefix)
{
  for (; *prefix; s++, prefix++)
    if (lower((unsigned char)*s) != *prefix) return 0;
  return 1;
}

/* Why odeus_parse_base_url refused u, in words: the first fault, in the
 * order a URL is read. The library judges; this only explains. */
static const char *base_url_fault(const char *u, char *buf, size_t cap)
{
  static const char host_bytes[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.";
  size_t len = strlen(u), i, end, k, h;
  if (len == 0) return "it is empty";
  i = starts_with_ci(u, "https://") ? 8 : starts_with_ci(u, "http://") ? 7 : 0;
  if (!i) return "it must start with https:// or http://";
  end = i + strcspn(u + i, "/?#");
  if (memchr(u + i, '@', end - i)) return "a user name (user@) is not accepted";
  for (k = i; k < end; k++)
    if ((unsigned char)u[k] >= 0x80)
      return "the host is not ASCII: write an internationalised name in its xn-- (punycode) form";
  if (end == i || u[i] == ':') return "it has no host";
  if (u[i] == '[') {
    const char *close = memchr(u + i, ']', end - i);
    h = close ? (size_t)(close - u) + 1 : end;
  } else {
    h = i + strspn(u + i, host_bytes);
    if (h > end) h = end;
    if (h == i || u[i] == '.' || u[i] == '-') h = i;
  }
  if (h > i && h < end && u[h] == ':') {
    unsigned long port = 0;
    size_t d = h + 1;
    for (k = d; k < end && u[k] >= '0' && u[k] <= '9'; k++)
      if (port <= 65535) port = port * 10 + (unsigned long)(u[k] - '0');
    if (k == d || k < end) return "the port is not a number from 1 to 65535";
    if (port == 0 || port > 65535 || k - d > 6) {
      snprintf(buf, cap, "port %.*s is out of range (1 to 65535)", (int)(k - d), u + d);
      return buf;
    }
  } else if (h == i || h < end) {
    return u[i] == '[' ? "the host in brackets is not an IPv6 address"
                       : "the host is not a name (letters, digits, '-', '.') nor an IP address";
  }
  for (k = end; k < len; k++) {
    unsigned char c = (unsigned char)u[k];
    if (c == '?') return "a query (?...) is not accepted";
    if (c == '#') return "a fragment (#...) is not accepted";
    if (c == '%' && !(isxdigit_ascii(u[k + 1]) && isxdigit_ascii(u[k + 2]))) {
      snprintf(buf, cap, "the '%%' at byte %zu is not followed by two hex digits", k);
      return buf;
    }
    if (c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}[]", c)) {
      if (c > 0x20 && c < 0x7f) snprintf(buf, cap, "'%c' (byte %zu) is not allowed in a URL path: percent-encode it", c, k);
      else snprintf(buf, cap, "byte %zu (0x%02x) is not allowed in a URL path: percent-encode it", k, c);
      return buf;
    }
  }
  return u[i] == '[' ? "the host in brackets is not an IPv6 address"
                     : "it is not of the form http(s)://host[:port][/prefix]";
}

/* The base URL to use: --base-url, else $ODEUS_BASE_URL, else the
 * production one. Set but empty, either is a usage error: an empty
 * variable is a mistake in a script, never a wish for production. */
static int base_url_of(const options *o, odeus_url *u, const char **out)
{
  const char *env = getenv("ODEUS_BASE_URL");
  const char *url = o->base_url ? o->base_url : env ? env : ODEUS_DEFAULT_BASE_URL;
  if (!o->base_url && env && !*env)
    return usage_error("ODEUS_BASE_URL is set but empty: unset it, or set it to the API base URL");
  if (odeus_parse_base_url(url, strlen(url), u) != ODEUS_OK) {
    complain("invalid base URL '%s': %s", url, base_url_fault(url, line, sizeof line));
    return EXIT_USAGE;
  }
  *out = url;
  return 0;
}

/* The host of a parsed base URL is this machine: "localhost", 127.0.0.0/8,
 * ::1 (or ::ffff:127.x.y.z). A key sent there in cleartext stays on it. */
static int host_is_loopback(const odeus_url *u)
{
  char host[256];
  unsigned char a[16];
  size_t n = u->host.len;
  const char *h = u->host.ptr;
  if (n >= 2 && h[0] == '[') { h++; n -= 2; }
  if (n >= sizeof host) return 0;
  memcpy(host, h, n);
  host[n] = '\0';
  if (n == 9 && starts_with_ci(host, "localhost")) return 1;
  if (inet_pton(AF_INET, host, a) == 1) return a[0] == 127;
  if (inet_pton(AF_INET6, host, a) == 1) {
    static const unsigned char one[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    return memcmp(a, one, 16) == 0 || (memcmp(a, mapped, 12) == 0 && a[12] == 127);
  }
  return 0;
}

/* --api-key-file - and CONFIG - cannot both have stdin. */
static int check_stdin_use(const options *o, const char *config)
{
  if (o->api_key_file && strcmp(o->api_key_file, "-") == 0 && strcmp(config, "-") == 0)
    return usage_error("--api-key-file - and CONFIG - cannot both read standard input");
  return 0;
}

/* Everything but the config is checked before it: usage first. `request`
 * reads no key (it prints it redacted whatever it is); apply needs one. */
static int prepare(const options *o, odeus_request *rq, odeus_config *cfg, odeus_url *u, int key_required)
{
  int rc = check_stdin_use(o, o->operands[1]);
  if (rc) return rc;
  rc = base_url_of(o, u, &rq->base_url);
  if (rc) return rc;
  if (key_required && (rc = load_api_key(o)) != 0) return rc;
  rq->api_key = key_required ? api_key : "none"; /* request: shown as [REDACTED] */
  rq->integration_id = o->operands[0];
  rq->config = cfg;
  rq->problems = NULL; /* the config's are printed by load_config's check */
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
  int rc = check_stdin_use(o, o->operands[0]);
  if (rc) return rc;
  rc = load_config(o->operands[0], &cfg);
  if (rc == 0) printf("valid\n");
  return rc;
}

static int cmd_request(const options *o)
{
  odeus_request rq;
  odeus_config cfg;
  odeus_url u;
  size_t need = 0;
  int rc = prepare(o, &rq, &cfg, &u, 0);
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

/* --ca-file, before mbedTLS reads it: a file that cannot be opened, a
 * directory, or one without a PEM certificate is named with the reason
 * (mbedTLS would only give a code). The marker is searched in pieces, the
 * last bytes of each piece kept before the next. */
static int check_ca_file(const char *path)
{
  static const char marker[] = "-----BEGIN CERTIFICATE-----";
  const size_t keep = sizeof marker - 2;
  FILE *f = fopen(path, "rb");
  struct stat st;
  size_t have = 0, n;
  int found = 0, failed;
  if (!f) return file_error(path, errno);
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(f);
    return file_error(path, EISDIR);
  }
  errno = 0;
  while (!found && (n = fread(line + have, 1, sizeof line - 1 - have, f)) > 0) {
    have += n;
    line[have] = '\0';
    /* a NUL in the file would end strstr early: search after each */
    {
      size_t at = 0;
      while (at < have && !found) {
        found = strstr(line + at, marker) != NULL;
        at += strlen(line + at) + 1;
      }
    }
    if (have > keep) {
      memmove(line, line + have - keep, keep);
      have = keep;
    }
  }
  failed = ferror(f);
  fclose(f);
  if (failed) return file_error(path, errno ? errno : EIO);
  if (!found) {
    complain("%s: not a PEM file: it has no %s line", path, marker);
    return EXIT_USAGE;
  }
  return 0;
}

/* Why an apply failed, on one line (the library says it, with the server's
 * message made safe to print). Never the key: no message contains it. */
static void report_failure(odeus_result r, const odeus_client *c, const odeus_answer *a, const char *ca_file)
{
  size_t n = odeus_client_failure(c, r, a, line, sizeof line); /* safe to print as it is */
  if (r == ODEUS_ERR_CA && ca_file && c->io_error)
    complain("%s: a certificate in it cannot be read (mbedTLS -0x%04x)", ca_file, (unsigned)-c->io_error);
  else if (r == ODEUS_ERR_CA && ca_file)
    complain("%s: a certificate in it cannot be read", ca_file);
  else
    say_safe(line, n, sizeof line);
}

static int cmd_apply(const options *o)
{
  static odeus_client client;
  odeus_client_options opt;
  odeus_request rq;
  odeus_config cfg;
  odeus_answer ans;
  odeus_url u;
  odeus_result r;
  size_t need = 0;
  uint32_t timeout_ms = (uint32_t)o->timeout_s * 1000u;
  /* The deadline leaves every attempt its three timeouts (connect, write,
   * read) and every retry its longest wait (a Retry-After of 60 s), no
   * more: a server that keeps bytes coming is cut off there. In 64 bits,
   * held to what the client takes (about 49 days). */
  uint64_t deadline_ms = (uint64_t)(o->retries + 1) * 3u * timeout_ms +
                         (uint64_t)o->retries * ODEUS_RETRY_DEFAULT_AFTER_MAX_MS;
  int rc = prepare(o, &rq, &cfg, &u, 1);
  if (rc) return rc;
  /* Trust anchors only where there is TLS: over http:// none is read. */
  if (u.https && o->ca_file && (rc = check_ca_file(o->ca_file)) != 0) return rc;
  memset(&opt, 0, sizeof opt);
  opt.ca_file = u.https ? o->ca_file : NULL;
  opt.insecure_skip_verify = o->insecure;
  opt.connect_timeout_ms = timeout_ms;
  opt.io_timeout_ms = timeout_ms;
  opt.deadline_ms = deadline_ms < UINT32_MAX ? (uint32_t)deadline_ms : UINT32_MAX;
  opt.retry.attempts = (unsigned)o->retries + 1u;
  if (o->insecure && u.https)
    complain("WARNING: --insecure: the server's certificate is not checked; "
             "anyone on the network path can read the API key");
  else if (o->insecure)
    complain("note: --insecure does nothing over http://: there is no certificate to check");
  if (!u.https && !host_is_loopback(&u))
    complain("WARNING: the API key goes to %.*s over http://, in cleartext: "
             "anyone on the network path can read it; use https://", (int)u.host.len, u.host.ptr);
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
  if (r != ODEUS_OK) report_failure(r, &client, &ans, opt.ca_file);
  odeus_client_free(&client);
  return exit_code_of(r);
}

/* ---- c: the config as C source ------------------------------------------------
 * Positional initializers, in the order of the members of odeus_config,
 * odeus_auth_field, odeus_oauth_client and odeus_str (odeus_auth.h keeps
 * that layout), so the source is C99 and C++11 alike: no designated
 * initializers. Every string is a literal with escapes and its length in
 * bytes, so the bytes are exact: printable ASCII as itself (but \" \\ \?,
 * the last so that no "??=" becomes a trigraph), \n \t \r, every other
 * byte as a three-digit octal escape, which never takes the next character
 * in (a hex escape would). A string longer than the 4095 bytes a C99
 * compiler must accept in one literal is an array of character constants. */

#define C_LITERAL_MAX 4095u

static const char *const c_auth_types[] = { "", "NONE", "API_KEY", "SERVICE_ACCOUNT", "OAUTH", "OAUTH_DCR" };
static const char *const c_field_types[] = { "", "TEXT", "MULTI_LINE_TEXT", "PASSWORD", "NUMBER",
                                             "EMBEDDING_MODEL" };
static const char *const c_bools[] = { "ODEUS_BOOL_UNSET", "ODEUS_BOOL_FALSE", "ODEUS_BOOL_TRUE" };

/* The keywords of C99 and C++11: not a name the source can use. */
static int is_keyword(const char *s)
{
  static const char *const words[] = {
    "_Bool", "_Complex", "_Imaginary", "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor",
    "bool", "break", "case", "catch", "char", "char16_t", "char32_t", "class", "compl", "const", "const_cast",
    "constexpr", "continue", "decltype", "default", "delete", "do", "double", "dynamic_cast", "else", "enum",
    "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if", "inline", "int", "long",
    "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq",
    "private", "protected", "public", "register", "reinterpret_cast", "restrict", "return", "short", "signed",
    "sizeof", "static", "static_assert", "static_cast", "struct", "switch", "template", "this",
    "thread_local", "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using",
    "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq"
  };
  size_t i;
  for (i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strcmp(s, words[i]) == 0) return 1;
  return 0;
}

/* A C identifier: a letter or '_', then letters, digits and '_'. */
static int is_identifier(const char *s)
{
  static const char tail[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
  if (!*s || (*s >= '0' && *s <= '9') || s[strspn(s, tail)] != '\0') return 0;
  return !is_keyword(s);
}

/* A string's location, for the name of its array when it needs one. */
typedef struct c_where {
  const char *name;             /* the config's name */
  const char *member;           /* the C member name */
  size_t field;                 /* its field, or ODEUS_NO_INDEX */
} c_where;

static void put_array_name(const c_where *w)
{
  if (w->field != ODEUS_NO_INDEX) printf("%s_field%zu_%s", w->name, w->field, w->member);
  else printf("%s_%s", w->name, w->member);
}

/* The escape of byte c in a literal or a character constant (quote: the
 * quote that needs a backslash), at most 4 bytes and a NUL. */
static const char *c_escape(unsigned char c, char quote, char e[5])
{
  switch (c) {
  case '\n': return "\\n";
  case '\t': return "\\t";
  case '\r': return "\\r";
  case '\\': return "\\\\";
  case '?': return quote == '"' ? "\\?" : "?";
  default: break;
  }
  if (c == (unsigned char)quote) {
    e[0] = '\\';
    e[1] = quote;
    e[2] = '\0';
  } else if (c < 0x20 || c >= 0x7f) {
    snprintf(e, 5, "\\%03o", c);
  } else {
    e[0] = (char)c;
    e[1] = '\0';
  }
  return e;
}

/* A string literal of p[0..n), broken into adjacent literals after each \n
 * and about every 64 columns, the next ones indented by `indent`. */
static void put_literal(const char *p, size_t n, int indent)
{
  size_t i, col = 0;
  char e[5];
  putchar('"');
  for (i = 0; i < n; i++) {
    const char *t = c_escape((unsigned char)p[i], '"', e);
    fputs(t, stdout);
    col += strlen(t);
    if (i + 1 < n && (p[i] == '\n' || col >= 64)) {
      printf("\"\n%*s\"", indent, "");
      col = 0;
    }
  }
  putchar('"');
}

/* An odeus_str initializer: { NULL, 0 } when not set; { "...", len }; or,
 * past C_LITERAL_MAX, { its array, len }. */
static void put_str(const odeus_str *v, const c_where *w, int indent)
{
  if (!v->ptr) { fputs("{ NULL, 0 }", stdout); return; }
  if (v->len > C_LITERAL_MAX) {
    fputs("{ ", stdout);
    put_array_name(w);
    printf(", %zu }", v->len);
    return;
  }
  fputs("{ ", stdout);
  put_literal(v->ptr, v->len, indent + 2);
  printf(", %zu }", v->len);
}

/* The array of a string too long for one literal, before its first use. */
static void put_long_string(const odeus_str *v, const c_where *w)
{
  size_t i;
  char e[5];
  if (!v->ptr || v->len <= C_LITERAL_MAX) return;
  printf("/* %zu bytes: more than one C99 string literal need hold */\nstatic const char ", v->len);
  put_array_name(w);
  printf("[%zu] = {", v->len);
  for (i = 0; i < v->len; i++) {
    printf("%s'%s'", i % 12 ? ", " : i ? ",\n  " : "\n  ", c_escape((unsigned char)v->ptr[i], '\'', e));
  }
  fputs("\n};\n\n", stdout);
}

static const char *const c_field_members[] = { "slug", "label", "type", "description", "placeholder", "required" };
static const char *const c_oauth_members[] = {
  "scopes", "auth_url", "token_url", "client_id", "client_secret", "label", "authorization_code",
  "access_token_code", "refresh_token_code"
};
static const char *const c_oauth_keys[] = {
  "scopes", "authUrl", "tokenUrl", "clientId", "clientSecret", "label", "authorizationCode",
  "accessTokenCode", "refreshTokenCode"
};

static const odeus_str *oauth_member(const odeus_oauth_client *c, size_t i)
{
  const odeus_str *m[9];
  m[0] = &c->scopes; m[1] = &c->auth_url; m[2] = &c->token_url; m[3] = &c->client_id;
  m[4] = &c->client_secret; m[5] = &c->label; m[6] = &c->authorization_code;
  m[7] = &c->access_token_code; m[8] = &c->refresh_token_code;
  return m[i];
}

/* A file name fit for a comment: printable ASCII, no end of comment. */
static int fit_for_comment(const char *s)
{
  const char *p;
  for (p = s; *p; p++)
    if (*p < 0x20 || *p > 0x7e) return 0;
  return !strstr(s, "*/") && !strstr(s, "??");
}

static void put_source(const odeus_config *cfg, const char *name, const char *from)
{
  const odeus_oauth_client *oc = cfg->oauth_client;
  c_where w;
  size_t i, k;
  w.name = name;
  printf("/* %s: the config of\n"
         " *   %s\n"
         " * checked and written by `odeus-auth c` (odeus_auth %s). Positional\n"
         " * initializers in the order of the members of odeus_config,\n"
         " * odeus_auth_field and odeus_oauth_client in odeus_auth.h; every string\n"
         " * with its length in bytes. odeus_write_body(&%s, ...) writes\n"
         " * the body `odeus-auth request` shows for it. */\n",
         name, strcmp(from, "-") == 0 ? "standard input" : fit_for_comment(from) ? from : "the JSON given",
         ODEUS_AUTH_VERSION_STRING, name);
  if (oc && oc->client_secret.ptr)
    fputs("/* It holds oauthClient.clientSecret: keep it out of version control. */\n", stdout);
  fputs("#include \"odeus_auth.h\"\n\n", stdout);
  /* strings too long for a literal */
  w.field = ODEUS_NO_INDEX;
  w.member = "auth_test_code";
  put_long_string(&cfg->auth_test_code, &w);
  for (i = 0; cfg->fields && i < cfg->field_count; i++) {
    const odeus_auth_field *f = &cfg->fields[i];
    w.field = i;
    w.member = "slug"; put_long_string(&f->slug, &w);
    w.member = "label"; put_long_string(&f->label, &w);
    w.member = "description"; put_long_string(&f->description, &w);
    w.member = "placeholder"; put_long_string(&f->placeholder, &w);
  }
  w.field = ODEUS_NO_INDEX;
  for (k = 0; oc && k < 9; k++) {
    w.member = c_oauth_members[k];
    put_long_string(oauth_member(oc, k), &w);
  }
  /* authFields */
  if (cfg->fields && cfg->field_count == 0) {
    printf("/* authFields is [], an empty array: a pointer with no entries */\n"
           "static const odeus_auth_field %s_fields[1] = {\n"
           "  { { NULL, 0 }, { NULL, 0 }, ODEUS_FIELD_UNSET, { NULL, 0 }, { NULL, 0 }, ODEUS_BOOL_UNSET }\n"
           "};\n\n", name);
  } else if (cfg->fields) {
    printf("static const odeus_auth_field %s_fields[%zu] = {\n", name, cfg->field_count);
    for (i = 0; i < cfg->field_count; i++) {
      const odeus_auth_field *f = &cfg->fields[i];
      w.field = i;
      printf("  { /* authFields[%zu] */\n", i);
      w.member = "slug"; printf("    /* %s */ ", c_field_members[0]); put_str(&f->slug, &w, 15); fputs(",\n", stdout);
      w.member = "label"; printf("    /* %s */ ", c_field_members[1]); put_str(&f->label, &w, 16); fputs(",\n", stdout);
      printf("    /* type */ ODEUS_FIELD_%s,\n", c_field_types[f->type]);
      w.member = "description";
      printf("    /* %s */ ", c_field_members[3]); put_str(&f->description, &w, 22); fputs(",\n", stdout);
      w.member = "placeholder";
      printf("    /* %s */ ", c_field_members[4]); put_str(&f->placeholder, &w, 22); fputs(",\n", stdout);
      printf("    /* required */ %s\n  }%s\n", c_bools[f->required], i + 1 < cfg->field_count ? "," : "");
    }
    fputs("};\n\n", stdout);
  }
  /* oauthClient */
  if (oc) {
    w.field = ODEUS_NO_INDEX;
    printf("static const odeus_oauth_client %s_oauth_client = {\n", name);
    for (k = 0; k < 9; k++) {
      int indent = 2 + 6 + (int)strlen(c_oauth_keys[k]);
      w.member = c_oauth_members[k];
      printf("  /* %s */ ", c_oauth_keys[k]);
      put_str(oauth_member(oc, k), &w, indent);
      fputs(k < 8 ? ",\n" : "\n", stdout);
    }
    fputs("};\n\n", stdout);
  }
  w.field = ODEUS_NO_INDEX;
  w.member = "auth_test_code";
  printf("static const odeus_config %s = {\n"
         "  /* authType */ ODEUS_AUTH_%s,\n", name, c_auth_types[cfg->auth_type]);
  if (cfg->fields) printf("  /* authFields */ %s_fields, %zu,\n", name, cfg->field_count);
  else fputs("  /* authFields: absent */ NULL, 0,\n", stdout);
  fputs("  /* authTestCode */ ", stdout);
  put_str(&cfg->auth_test_code, &w, 20);
  fputs(",\n", stdout);
  if (oc) printf("  /* oauthClient */ &%s_oauth_client\n", name);
  else fputs("  /* oauthClient: absent */ NULL\n", stdout);
  fputs("};\n", stdout);
}

static int cmd_c(const options *o)
{
  odeus_config cfg;
  const char *name = o->name ? o->name : "odeus_auth_config";
  int rc;
  if (!is_identifier(name)) {
    snprintf(line, sizeof line, "--name takes a C identifier (letters, digits and '_', "
             "not a digit first, not a keyword): '%s'", name);
    return usage_error(line);
  }
  rc = check_stdin_use(o, o->operands[0]);
  if (rc) return rc;
  rc = load_config(o->operands[0], &cfg);
  if (rc == EXIT_USAGE) return rc;
  /* Found with the problems, reported with them. */
  if (cfg.oauth_client && cfg.oauth_client->client_secret.ptr && !o->with_secrets) {
    complain("oauthClient.clientSecret: a secret; it goes into the source only with --with-secrets");
    rc = EXIT_INVALID;
  }
  if (rc) return rc;
  put_source(&cfg, name, o->operands[0]);
  return 0;
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
  /* A reader that went away (| head) is output that could not be written:
   * exit 1, said on stderr, never a death by SIGPIPE. */
  signal(SIGPIPE, SIG_IGN);
  rc = parse_args(argc, argv, &o);
  if (rc) return rc;
  if (!o.command) return usage_error("missing command (validate, request, apply or c)");
  if (strcmp(o.command, "c") != 0 && (o.name || o.with_secrets))
    return usage_error(o.name ? "--name is an option of the c command only"
                              : "--with-secrets is an option of the c command only");
  if (strcmp(o.command, "validate") == 0 || strcmp(o.command, "c") == 0) {
    if (o.operand_count != 1) {
      snprintf(line, sizeof line, "%s takes one operand: CONFIG", o.command);
      return usage_error(line);
    }
    rc = o.command[0] == 'v' ? cmd_validate(&o) : cmd_c(&o);
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

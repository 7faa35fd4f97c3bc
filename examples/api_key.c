/* api_key.c: the documentation's API-key example, the README's quick start.
 *
 * It sets the auth configuration of one Odeus integration: users connect
 * with an API key (and, optionally, their own base URL), and a short
 * JavaScript test checks the key. Then it prints what the server stored.
 *
 * Build (from the repository root, with mbedTLS installed):
 *   cc -std=c99 -O2 -o api_key examples/api_key.c -lmbedtls -lmbedx509 -lmbedcrypto
 * Run:
 *   ODEUS_API_KEY=... ./api_key
 *
 * Environment:
 *   ODEUS_API_KEY         your Odeus API key (needs the INTEGRATION_API scope)
 *   ODEUS_BASE_URL        API base (https://api.odeus.ai); a dedicated
 *                         deployment uses <deployment-url>/api/public
 *   ODEUS_CA_FILE         trust anchors as PEM (the system bundle)
 *   ODEUS_INTEGRATION_ID  the integration (550e8400-e29b-41d4-a716-446655440000)
 *
 * Exit status: 0 when the server took the configuration (also when its
 * answer did not fit the storage below: the change is made), 1 otherwise. */

/* The implementation and the bundled POSIX + mbedTLS transport go into this
 * one file. The header comes before any system header: it asks the C
 * library for POSIX, which must happen before the first system include. */
#define ODEUS_AUTH_IMPLEMENTATION
#define ODEUS_AUTH_MBEDTLS
#include "../odeus_auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields a user fills in when connecting to the integration. The same
 * configuration as examples/api_key.json, line for line. */
static const odeus_auth_field fields[] = {
  { ODEUS_LIT("api_key"), ODEUS_LIT("API Key"), ODEUS_FIELD_PASSWORD,
    ODEUS_LIT("Found under Settings > API"), ODEUS_LIT("sk-..."), ODEUS_BOOL_TRUE },
  { ODEUS_LIT("base_url"), ODEUS_LIT("Base URL"), ODEUS_FIELD_TEXT,
    ODEUS_LIT("Your account's API base URL"), ODEUS_LIT("https://api.example.com"), ODEUS_BOOL_FALSE }
};

/* The body of the request: authType, authFields, authTestCode. No OAuth
 * client (only OAUTH and OAUTH_DCR may have one). */
static const odeus_config config = {
  ODEUS_AUTH_API_KEY, fields, sizeof fields / sizeof fields[0],
  ODEUS_LIT("const response = await fetch(secrets.base_url + '/me', {\n"
            "  headers: { 'Authorization': 'Bearer ' + secrets.api_key }\n"
            "});\n"
            "if (!response.ok) throw new Error('Invalid key');"),
  NULL
};

/* An environment variable, or def when it is unset or empty. */
static const char *env_or(const char *name, const char *def)
{
  const char *v = getenv(name);
  return v && *v ? v : def;
}

/* 1. Check every rule the server would check, before anything is sent. */
static int config_is_valid(void)
{
  odeus_problem items[16];
  odeus_problems problems = { items, sizeof items / sizeof items[0], 0 };
  char line[256];
  size_t i;
  if (odeus_validate_config(&config, &problems) == ODEUS_OK) return 1;
  for (i = 0; i < problems.count && i < problems.capacity; i++) {
    odeus_problem_format(&items[i], line, sizeof line);   /* "authFields[1].slug: ..." */
    fprintf(stderr, "api_key: %s\n", line);
  }
  if (problems.count > problems.capacity)                 /* counted, not stored */
    fprintf(stderr, "api_key: and %zu more problems\n", problems.count - problems.capacity);
  return 0;
}

int main(void)
{
  /* The client holds the connection, the mbedTLS contexts and a 2 KiB
   * window; the answer's storage holds every string the server may send
   * back (the fields sent, and an authTestCode of up to 3 KB). Static, so
   * that none of it is on the stack: main needs well under 1 KiB. */
  static odeus_client client;
  static odeus_answer_field answer_fields[8];   /* the fields the server returns */
  static char answer_strings[16384];            /* their strings, decoded */
  static char json[16384];
  char failure[512];
  const char *key = getenv("ODEUS_API_KEY");
  odeus_client_options options;
  odeus_request request;
  odeus_answer answer;
  size_t json_len = 0;
  odeus_result r;

  if (!config_is_valid()) return 1;

  /* 2. What to send, and where. Zero first: a member left out is "not set". */
  memset(&request, 0, sizeof request);
  request.base_url = env_or("ODEUS_BASE_URL", ODEUS_DEFAULT_BASE_URL);
  request.api_key = key;
  request.integration_id = env_or("ODEUS_INTEGRATION_ID", "550e8400-e29b-41d4-a716-446655440000");
  request.config = &config;
  if (!request.api_key) {
    fputs("api_key: set ODEUS_API_KEY to your Odeus API key\n", stderr);
    return 1;
  }

  /* 3. Where the answer goes: caller-owned storage, nothing allocated. */
  memset(&answer, 0, sizeof answer);
  answer.fields = answer_fields;
  answer.field_capacity = sizeof answer_fields / sizeof answer_fields[0];
  answer.strings = answer_strings;
  answer.strings_capacity = sizeof answer_strings;

  /* 4. Send it over TLS. Zero options mean defaults: certificates and host
   * name verified, 30 s timeouts, 3 attempts with backoff. */
  memset(&options, 0, sizeof options);
  options.ca_file = getenv("ODEUS_CA_FILE");   /* NULL: the system bundle */
  r = odeus_client_init(&client, &options);
  if (r == ODEUS_OK) r = odeus_client_apply(&client, &request, &answer);
  /* Why it failed, before the client is freed: the result, the server's
   * message (made safe to print) or the network's reason. */
  if (r != ODEUS_OK) odeus_client_failure(&client, r, &answer, failure, sizeof failure);
  odeus_client_free(&client);

  /* 5. Print what the server stored, as one line of JSON. A 200 whose
   * answer did not fit the storage still made the change. */
  if (r == ODEUS_OK && (r = odeus_write_answer(&answer, json, sizeof json, &json_len)) != ODEUS_OK)
    snprintf(failure, sizeof failure, "%s", odeus_result_text(r));
  if (r == ODEUS_ERR_ANSWER_CUT) {
    fprintf(stderr, "api_key: applied; printing the answer needs %zu bytes of storage\n",
            answer.strings_needed);
    return 0;
  }
  if (r != ODEUS_OK) {
    fprintf(stderr, "api_key: %s\n", failure);
    return 1;
  }
  printf("%.*s\n", (int)json_len, json);
  return 0;
}

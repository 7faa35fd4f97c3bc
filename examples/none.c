/* none.c: the integration needs no credentials at all.
 *
 * authType NONE with authFields sent as an explicit empty array: the server
 * deletes the fields it had (omitting authFields would keep them), and,
 * because NONE takes no OAuth client, any stored OAuth client too.
 *
 * Build:  cc -std=c99 -O2 -o none examples/none.c -lmbedtls -lmbedx509 -lmbedcrypto
 * Run:    ODEUS_API_KEY=... ./none
 * Environment and exit status: as examples/api_key.c. */
#define ODEUS_AUTH_IMPLEMENTATION
#define ODEUS_AUTH_MBEDTLS
#include "../odeus_auth.h"      /* before any system header (it asks for POSIX) */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* authFields: a non-NULL pointer with field_count 0 sends "authFields":[];
 * C has no empty arrays, so this one has a single unused element. */
static const odeus_auth_field no_fields[1];

static const odeus_config config = { ODEUS_AUTH_NONE, no_fields, 0, { NULL, 0 }, NULL };

static const char *env_or(const char *name, const char *def)
{
  const char *v = getenv(name);
  return v && *v ? v : def;
}

int main(void)
{
  static odeus_client client;           /* large: keep it off the stack */
  /* No fields, but the stored authTestCode stays (this body has none) and
   * comes back: up to 1000 characters, 3 KB of UTF-8. */
  static char answer_strings[4096];
  static char json[8192];
  char failure[512];
  const char *key = getenv("ODEUS_API_KEY");
  odeus_client_options options;
  odeus_request request;
  odeus_answer answer;
  size_t json_len = 0;
  odeus_result r;

  memset(&request, 0, sizeof request);
  request.base_url = env_or("ODEUS_BASE_URL", ODEUS_DEFAULT_BASE_URL);
  request.api_key = key;
  request.integration_id = env_or("ODEUS_INTEGRATION_ID", "550e8400-e29b-41d4-a716-446655440000");
  request.config = &config;
  if (!request.api_key) {
    fputs("none: set ODEUS_API_KEY to your Odeus API key\n", stderr);
    return 1;
  }

  /* No field storage: an answer with fields would be cut (and refused by
   * odeus_write_answer), which is right for a NONE integration. */
  memset(&answer, 0, sizeof answer);
  answer.strings = answer_strings;
  answer.strings_capacity = sizeof answer_strings;

  memset(&options, 0, sizeof options);
  options.ca_file = getenv("ODEUS_CA_FILE");
  r = odeus_client_init(&client, &options);
  if (r == ODEUS_OK) r = odeus_client_apply(&client, &request, &answer);
  if (r != ODEUS_OK) odeus_client_failure(&client, r, &answer, failure, sizeof failure);
  odeus_client_free(&client);

  if (r == ODEUS_OK && (r = odeus_write_answer(&answer, json, sizeof json, &json_len)) != ODEUS_OK)
    snprintf(failure, sizeof failure, "%s", odeus_result_text(r));
  if (r == ODEUS_ERR_ANSWER_CUT) {      /* a 200: the change is made */
    fprintf(stderr, "none: applied; printing the answer needs %zu bytes of storage\n",
            answer.strings_needed);
    return 0;
  }
  if (r != ODEUS_OK) {
    fprintf(stderr, "none: %s\n", failure);
    return 1;
  }
  printf("%.*s\n", (int)json_len, json);
  return 0;
}

/* oauth.c: users of the integration connect with OAuth (here GitHub's).
 *
 * The same configuration as examples/oauth.json. Before sending, it prints
 * the exact HTTP request with the API key and the client secret replaced by
 * [REDACTED] (what a log may safely hold), then sends it and prints what
 * the server stored. The server never returns clientId, clientSecret,
 * authUrl or tokenUrl: they are write-only.
 *
 * Build:  cc -std=c99 -O2 -o oauth examples/oauth.c -lmbedtls -lmbedx509 -lmbedcrypto
 * Run:    ODEUS_API_KEY=... OAUTH_CLIENT_SECRET=... ./oauth
 *
 * Environment: as examples/api_key.c (ODEUS_API_KEY, ODEUS_BASE_URL,
 * ODEUS_CA_FILE, ODEUS_INTEGRATION_ID), and OAUTH_CLIENT_SECRET, the
 * secret of your OAuth app (required: it replaces the stored one).
 *
 * Exit status: 0 when the server took the configuration (also when its
 * answer did not fit the storage: the change is made), 1 otherwise. */
#define ODEUS_AUTH_IMPLEMENTATION
#define ODEUS_AUTH_MBEDTLS
#include "../odeus_auth.h"      /* before any system header (it asks for POSIX) */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Any non-NULL pointer will do for an empty authFields; C has no empty
 * arrays, so this one has a single unused element. */
static const odeus_auth_field no_fields[1];

static const char *env_or(const char *name, const char *def)
{
  const char *v = getenv(name);
  return v && *v ? v : def;
}

/* Prints the request as it would be sent, secrets redacted. The writer
 * follows snprintf: it never writes past the buffer and says how much it
 * needs. */
static int print_redacted(const odeus_request *request)
{
  static char dump[8192];
  size_t len = 0;
  odeus_result r = odeus_write_request_redacted(request, dump, sizeof dump, &len);
  if (r != ODEUS_OK) {
    fprintf(stderr, "oauth: %s\n", odeus_result_text(r));
    return 0;
  }
  fputs("--- request (API key and client secret redacted) ---\n", stdout);
  fwrite(dump, 1, len, stdout);
  fputs("\n--- answer ---\n", stdout);
  return 1;
}

int main(void)
{
  static odeus_client client;           /* large: keep it off the stack */
  /* What comes back: the OAuth client sent (its codes up to 1000
   * characters each) and a stored authTestCode (this body has none): room
   * for 3 KB of UTF-8 each. Static, off the stack. */
  static odeus_answer_field answer_fields[4];
  static char answer_strings[16384];
  static char json[32768];
  char failure[512];
  const char *key = getenv("ODEUS_API_KEY"), *secret = getenv("OAUTH_CLIENT_SECRET");
  odeus_oauth_client oauth;
  odeus_config config;
  odeus_request request;
  odeus_client_options options;
  odeus_answer answer;
  size_t json_len = 0;
  odeus_result r;

  /* The client secret replaces the stored one: never send a placeholder. */
  if (!secret || !*secret) {
    fputs("oauth: set OAUTH_CLIENT_SECRET to your OAuth app's client secret\n", stderr);
    return 1;
  }

  /* The OAuth app users are sent to. Every member is optional; a zero one
   * is left out of the body. */
  memset(&oauth, 0, sizeof oauth);
  oauth.scopes = odeus_cstr("read:user repo");
  oauth.auth_url = odeus_cstr("https://github.com/login/oauth/authorize");
  oauth.token_url = odeus_cstr("https://github.com/login/oauth/access_token");
  oauth.client_id = odeus_cstr("Iv1.0123456789abcdef");
  oauth.client_secret = odeus_cstr(secret);
  oauth.label = odeus_cstr("Connect GitHub");

  /* OAUTH, no fields to fill in: a non-NULL pointer with count 0 sends
   * "authFields":[] (deleting any fields set before); NULL would leave
   * authFields out of the body and the stored fields as they are. */
  memset(&config, 0, sizeof config);
  config.auth_type = ODEUS_AUTH_OAUTH;
  config.fields = no_fields;
  config.field_count = 0;
  config.oauth_client = &oauth;

  memset(&request, 0, sizeof request);
  request.base_url = env_or("ODEUS_BASE_URL", ODEUS_DEFAULT_BASE_URL);
  request.api_key = key;
  request.integration_id = env_or("ODEUS_INTEGRATION_ID", "550e8400-e29b-41d4-a716-446655440000");
  request.config = &config;
  if (!request.api_key) {
    fputs("oauth: set ODEUS_API_KEY to your Odeus API key\n", stderr);
    return 1;
  }

  /* The redacted writer validates too: a bad config stops here. */
  if (!print_redacted(&request)) return 1;

  memset(&answer, 0, sizeof answer);
  answer.fields = answer_fields;
  answer.field_capacity = sizeof answer_fields / sizeof answer_fields[0];
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
    fprintf(stderr, "oauth: applied; printing the answer needs %zu bytes of storage\n",
            answer.strings_needed);
    return 0;
  }
  if (r != ODEUS_OK) {
    fprintf(stderr, "oauth: %s\n", failure);
    return 1;
  }
  printf("%.*s\n", (int)json_len, json);
  return 0;
}

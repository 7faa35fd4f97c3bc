/* The transport's consumer: the README's quick start without its two
 * defines (the odeus_auth::mbedtls target brings ODEUS_AUTH_MBEDTLS and the
 * compiled library). Applies an API-key config and prints the integration
 * the server returns, or one line saying why and exits 1. */
#include "odeus_auth.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
  static const odeus_auth_field fields[] = {
    { ODEUS_LIT("api_key"), ODEUS_LIT("API Key"), ODEUS_FIELD_PASSWORD,
      ODEUS_LIT("Found under Settings > API"), ODEUS_LIT("sk-..."), ODEUS_BOOL_TRUE }
  };
  static const odeus_config config = { ODEUS_AUTH_API_KEY, fields, 1, { NULL, 0 }, NULL };
  static odeus_answer_field got[8];
  static char strings[4096], json[8192];
  static odeus_client client;
  odeus_request request;
  odeus_answer answer = { 0 };
  odeus_client_options options = { 0 };
  char why[512];
  size_t n = 0;
  odeus_result r;

  memset(&request, 0, sizeof request);
  request.base_url = getenv("ODEUS_BASE_URL");
  request.api_key = getenv("ODEUS_API_KEY");
  request.integration_id = "550e8400-e29b-41d4-a716-446655440000";
  request.config = &config;
  answer.fields = got;
  answer.field_capacity = 8;
  answer.strings = strings;
  answer.strings_capacity = sizeof strings;
  options.ca_file = getenv("ODEUS_CA_FILE");

  r = odeus_client_init(&client, &options);
  if (r == ODEUS_OK) r = odeus_client_apply(&client, &request, &answer);
  if (r == ODEUS_OK) r = odeus_write_answer(&answer, json, sizeof json, &n);
  odeus_client_failure(&client, r, &answer, why, sizeof why);
  odeus_client_free(&client);
  if (r != ODEUS_OK) {
    fprintf(stderr, "%s\n", why);
    return 1;
  }
  printf("%.*s\n", (int)n, json);
  return 0;
}

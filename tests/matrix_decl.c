/* Compile matrix, translation unit 3 of 3: an application that sees only the
 * declarations (included twice) and calls the library built in
 * tests/matrix_impl.c, and the private copy of tests/matrix_static.c.
 * Exits 0 when every call answers as documented. Built by
 * tests/steps.d/20_matrix.sh, also as C++ against a C-compiled library. */
#include "odeus_auth.h"
#include "odeus_auth.h"
#include <string.h>

#ifndef MATRIX_NO_STATIC
#ifdef __cplusplus
extern "C" int matrix_static_check(void);
#endif
int matrix_static_check(void);
#endif

static int starts_with(const char *s, size_t len, const char *prefix)
{
  size_t n = strlen(prefix);
  return len >= n && memcmp(s, prefix, n) == 0;
}

int main(void)
{
  static const odeus_auth_field fields[] = {
    { ODEUS_LIT("api_key"), ODEUS_LIT("API Key"), ODEUS_FIELD_PASSWORD,
      { NULL, 0 }, { NULL, 0 }, ODEUS_BOOL_TRUE }
  };
  static const char id[] = "550e8400-e29b-41d4-a716-446655440000";
  odeus_config cfg;
  odeus_request req;
  char buf[512];
  size_t need = 0;
  int bad = 0;
  memset(&cfg, 0, sizeof cfg);
  cfg.auth_type = ODEUS_AUTH_API_KEY;
  cfg.fields = fields;
  cfg.field_count = 1;
  memset(&req, 0, sizeof req);
  req.base_url = NULL;
  req.api_key = "ody-example-key";
  req.integration_id = id;
  req.config = &cfg;
  if (strcmp(odeus_result_text(ODEUS_OK), "success") != 0) bad |= 1;
  if (odeus_validate_id(id, sizeof id - 1) != ODEUS_OK) bad |= 2;
  if (odeus_validate_config(&cfg, NULL) != ODEUS_OK) bad |= 4;
  if (odeus_write_head(&req, buf, sizeof buf, &need) != ODEUS_OK) bad |= 8;
  if (!starts_with(buf, need, "PATCH /integrations/v1/550e8400-e29b-41d4-a716-446655440000/auth HTTP/1.1\r\n"))
    bad |= 16;
#ifndef MATRIX_NO_STATIC
  if (matrix_static_check() != 0) bad |= 32;
#endif
  return bad;
}

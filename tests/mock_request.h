/* The API-key request that the heap probe and the lwIP benchmark send to the
 * mock server over TLS (tests/net_heap.c, tests/lwip/bench_lwip.c): one
 * field, the test key, https://localhost:PORT. */
#ifndef ODEUS_TEST_MOCK_REQUEST_H
#define ODEUS_TEST_MOCK_REQUEST_H
#include <stdio.h>
#include <string.h>

static const odeus_auth_field mock_key_fields[] = {
  { ODEUS_LIT("api_key"), ODEUS_LIT("API Key"), ODEUS_FIELD_PASSWORD, ODEUS_LIT("Found under Settings > API"),
    ODEUS_LIT("sk-..."), ODEUS_BOOL_TRUE }
};

/* cfg and req for the mock at port; base (64 bytes) holds the URL. */
static void mock_request(odeus_config *cfg, odeus_request *req, char *base, const char *port)
{
  snprintf(base, 64, "https://localhost:%s", port);
  memset(cfg, 0, sizeof *cfg);
  cfg->auth_type = ODEUS_AUTH_API_KEY;
  cfg->fields = mock_key_fields;
  cfg->field_count = 1;
  memset(req, 0, sizeof *req);
  req->base_url = base;
  req->api_key = "test-key";
  req->integration_id = "550e8400-e29b-41d4-a716-446655440000";
  req->config = cfg;
}
#endif

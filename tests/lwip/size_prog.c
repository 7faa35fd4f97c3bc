/* A program that applies through the client over a network of its own (a
 * stub: nothing is sent), linked statically against mbedTLS so that
 * tests/lwip/size.sh can weigh the part of mbedTLS the client pulls in. */
#define ODEUS_AUTH_IMPLEMENTATION
#define ODEUS_AUTH_MBEDTLS
#define ODEUS_AUTH_NO_POSIX
#include "odeus_auth.h"

static uint64_t clock_ms;
static odeus_result stub_open(void *ctx, const char *host, uint16_t port, uint64_t until, odeus_io *io, int *error)
{
  (void)ctx; (void)host; (void)port; (void)until; (void)io;
  *error = 0;
  return ODEUS_ERR_CONNECT;
}
static int stub_wait(void *ctx, int want, uint64_t until)
{
  (void)ctx; (void)want;
  clock_ms = until;
  return 0;
}
static void stub_close(void *ctx) { (void)ctx; }
static uint64_t stub_now(void *ctx) { (void)ctx; return clock_ms; }

int main(void)
{
  static const odeus_net net = { stub_open, stub_wait, stub_close, stub_now, NULL };
  static odeus_client c;
  odeus_config cfg;
  odeus_request req;
  odeus_client_options o;
  char why[128];
  odeus_result r;
  memset(&cfg, 0, sizeof cfg);
  cfg.auth_type = ODEUS_AUTH_NONE;
  memset(&req, 0, sizeof req);
  req.base_url = "https://192.0.2.10";
  req.api_key = "k";
  req.integration_id = "550e8400-e29b-41d4-a716-446655440000";
  req.config = &cfg;
  memset(&o, 0, sizeof o);
  o.net = &net;
  o.ca_pem = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";
  r = odeus_client_init(&c, &o);
  if (r == ODEUS_OK) r = odeus_client_apply(&c, &req, NULL);
  odeus_client_failure(&c, r, NULL, why, sizeof why);
  odeus_client_free(&c);
  return why[0] == 'x';
}

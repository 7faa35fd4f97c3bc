/* The heap of an apply: the library allocates nothing; mbedTLS allocates its
 * contexts and record buffers. Debian's mbedTLS has no
 * MBEDTLS_PLATFORM_MEMORY, so its calloc/free are counted by linking it
 * statically with -Wl,--wrap=calloc,--wrap=free (tests/steps.d/50_net.sh).
 * Prints the peak, which README's static-arena advice is sized from.
 *
 *   net_heap PORT     (the mock server over TLS, tests/certs/server.pem) */
#define _POSIX_C_SOURCE 200809L
#define ODEUS_AUTH_IMPLEMENTATION
#define ODEUS_AUTH_MBEDTLS
#include "odeus_auth.h"
#include "test.h"
#include <stdio.h>
#include <stdlib.h>

#include "heap_count.h"
#include "mock_request.h"

static odeus_answer_field fields[4];
static char strings[2048];

int main(int argc, char **argv)
{
  odeus_config cfg;
  odeus_request req;
  odeus_answer a;
  odeus_client c;
  odeus_client_options o;
  char base[64];
  size_t after_init, held, peak_first, peak_resumed;
  if (argc < 2) {
    fprintf(stderr, "usage: net_heap PORT\n");
    return 2;
  }
  mock_request(&cfg, &req, base, argv[1]);
  memset(&a, 0, sizeof a);
  a.fields = fields;
  a.field_capacity = 4;
  a.strings = strings;
  a.strings_capacity = sizeof strings;
  memset(&o, 0, sizeof o);
  o.ca_file = "tests/certs/ca.pem";

  /* init, then one apply on a new connection (a full handshake) */
  CHECK_EQ_INT(odeus_client_init(&c, &o), ODEUS_OK);
  after_init = heap_live;
  CHECK_EQ_INT(odeus_client_apply(&c, &req, &a), ODEUS_OK);
  peak_first = heap_peak;
  held = heap_live; /* the kept-alive connection */
  /* a new connection that resumes the session */
  odeus_client_close(&c);
  heap_peak = heap_live;
  CHECK_EQ_INT(odeus_client_apply(&c, &req, &a), ODEUS_OK);
  CHECK_EQ_INT(c.resumed, 1);
  peak_resumed = heap_peak;
  odeus_client_free(&c);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
  /* mbedTLS 3.x: PSA crypto is global, started by odeus_client_init and
   * left running for the program (other clients, its own use); the
   * program frees it at its end */
  fprintf(stderr, "PSA crypto's global state after odeus_client_free: %lu bytes\n", (unsigned long)heap_live);
  mbedtls_psa_crypto_free();
#endif
  CHECK_EQ_INT(heap_live, 0); /* everything mbedTLS took is back */
  CHECK(peak_first > 0 && peak_first < 128 * 1024);
  fprintf(stderr, "peak heap of one apply (mbedTLS' own; odeus_auth allocates nothing): %lu bytes "
          "(init %lu; full handshake peak %lu; resumed %lu; held by a kept-alive connection %lu; "
          "%lu blocks)\n",
          (unsigned long)peak_first, (unsigned long)after_init, (unsigned long)peak_first,
          (unsigned long)peak_resumed, (unsigned long)held, (unsigned long)heap_blocks);
  return TEST_END();
}

/* odeus_lwip.h - the odeus_auth client over lwIP's sockets API (NO_SYS=0).
 * Copy odeus_lwip.h and odeus_lwip.c into your firmware; README.md beside
 * them says how. MIT license, as odeus_auth.h. */
#ifndef ODEUS_LWIP_H
#define ODEUS_LWIP_H

#ifndef ODEUS_AUTH_MBEDTLS
#define ODEUS_AUTH_MBEDTLS /* the client and odeus_net */
#endif
#include "odeus_auth.h"
#include "lwip/ip_addr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One connection's state; zero it, then odeus_lwip_net() makes the
 * odeus_net to put in odeus_client_options.net. It must stay where it is
 * while the client uses it. */
typedef struct odeus_lwip {
  /* Looks a host name up (0 on success, the address in *addr), for a build
   * without LWIP_DNS or with its own resolver. NULL: lwip_getaddrinfo when
   * LWIP_DNS is on, else only IP literals are reached. */
  int (*resolve)(void *ctx, const char *host, ip_addr_t *addr);
  void *resolve_ctx;
  /* private */
  int fd;                  /* the socket, -1 when none */
  uint32_t last_ms, wraps; /* sys_now() made 64 bits wide */
} odeus_lwip;

void odeus_lwip_net(odeus_lwip *l, odeus_net *net);

#ifdef __cplusplus
}
#endif
#endif /* ODEUS_LWIP_H */

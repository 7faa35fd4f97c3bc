/* lwIP options of a small firmware that runs the odeus_auth client over
 * lwIP's sockets (NO_SYS=0, an RTOS), to compile examples/lwip/ for
 * Cortex-M4 (tests/lwip/size.sh) and to size its pools. Test code. */
#ifndef ODEUS_TEST_LWIPOPTS_H
#define ODEUS_TEST_LWIPOPTS_H
#define NO_SYS                    0
#define LWIP_SOCKET               1
#define LWIP_NETCONN              1
#define LWIP_COMPAT_SOCKETS       0
#define LWIP_SOCKET_POLL          1
#define LWIP_TCPIP_CORE_LOCKING   1
#define LWIP_IPV4                 1
#define LWIP_IPV6                 1
#define LWIP_DNS                  1
#define LWIP_TCP                  1
#define LWIP_UDP                  1
#define MEM_ALIGNMENT             4
#define MEM_SIZE                  (12 * 1024)  /* the heap of PBUF_RAM pbufs */
#define MEMP_NUM_TCP_PCB          2
#define MEMP_NUM_TCP_SEG          16
#define MEMP_NUM_NETCONN          4
#define PBUF_POOL_SIZE            8
#define TCP_MSS                   1460
#define TCP_WND                   (4 * TCP_MSS)
#define TCP_SND_BUF               (2 * TCP_MSS)
#define LWIP_ERRNO_STDINCLUDE     1
#endif

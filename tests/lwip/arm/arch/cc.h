/* lwIP's architecture header for a Cortex-M build with newlib (test code). */
#ifndef ODEUS_TEST_LWIP_CC_H
#define ODEUS_TEST_LWIP_CC_H
#include <sys/types.h>
#include <sys/time.h>
#include <limits.h>
#ifndef SSIZE_MAX
#define SSIZE_MAX INT_MAX
#endif
#define LWIP_TIMEVAL_PRIVATE 0
#define LWIP_NO_STDINT_H 0
#endif

/* The retry policy's hooks made exact for the client tests (tests/net_client.c
 * and tests/lwip/net_lwip.c): a sleep that records each wait instead of
 * waiting, and a random() of all ones, so full jitter waits the whole bound
 * and every delay is known. */
#ifndef ODEUS_TEST_FAKE_RETRY_H
#define ODEUS_TEST_FAKE_RETRY_H
#include <stdint.h>

static uint32_t slept[16];
static int n_slept;

static void fake_sleep(void *ctx, uint32_t ms)
{
  (void)ctx;
  if (n_slept < 16) slept[n_slept] = ms;
  n_slept++;
}

static uint32_t all_ones(void *ctx)
{
  (void)ctx;
  return 0xFFFFFFFFu;
}
#endif

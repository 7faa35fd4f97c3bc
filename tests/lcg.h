/* The tests' one pseudo-random step, for splits and generated inputs that
 * must be the same on every machine (so no rand()): the 32-bit linear
 * congruential generator of the C standard's example, its high 16 bits
 * returned. Shared by the fuzz targets. */
#ifndef ODEUS_TEST_LCG_H
#define ODEUS_TEST_LCG_H
#include <stdint.h>

static uint32_t test_lcg(uint32_t *state)
{
  *state = *state * 1103515245u + 12345u;
  return *state >> 16;
}

#endif

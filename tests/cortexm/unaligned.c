/* The board's alignment behaviour (tests/qemu.sh): one unaligned 32-bit
 * load. A Cortex-M4 reads the word (prints it, exit 0); the Cortex-M0 run
 * must fault (startup.c prints the fault, exit 70), or it would not catch
 * the unaligned accesses a Cortex-M0 cannot do. */
#include <stdint.h>
#include <stdio.h>

static uint32_t words[2] = { 0x11223344u, 0x55667788u };

int main(void)
{
  /* bytes 44 33 22 11 88 77 66 55: offset 1 reads 33 22 11 88 (the offset
   * goes through a volatile, or the compiler sees it and reads bytes) */
  unsigned char *volatile base = (unsigned char *)words;
  volatile uint32_t *p = (volatile uint32_t *)(void *)(base + 1);
  uint32_t v = *p;
  printf("unaligned load 0x%08lx\n", (unsigned long)v);
  return v == 0x88112233u ? 0 : 1;
}

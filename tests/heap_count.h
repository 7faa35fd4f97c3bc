/* Counting the heap of a program linked with -Wl,--wrap=calloc,--wrap=free
 * (mbedTLS allocates through calloc and free): every block carries its size
 * in a header, so free knows what it returns. heap_live is what is held
 * now, heap_peak the most held at once (a caller may lower it to heap_live
 * to measure a stretch), heap_blocks the blocks taken. Shared by
 * tests/net_heap.c and tests/lwip/bench_lwip.c. */
#ifndef ODEUS_TEST_HEAP_COUNT_H
#define ODEUS_TEST_HEAP_COUNT_H
#include <stddef.h>
#include <string.h>

void *__real_calloc(size_t n, size_t size);
void __real_free(void *p);
void *__wrap_calloc(size_t n, size_t size);
void __wrap_free(void *p);

#define HEAP_HEADER 16
static size_t heap_live, heap_peak, heap_blocks;

void *__wrap_calloc(size_t n, size_t size)
{
  unsigned char *p;
  size_t bytes;
  if (size && n > ((size_t)-1 - HEAP_HEADER) / size) return NULL;
  bytes = n * size;
  p = (unsigned char *)__real_calloc(1, bytes + HEAP_HEADER);
  if (!p) return NULL;
  memcpy(p, &bytes, sizeof bytes);
  heap_live += bytes;
  if (heap_live > heap_peak) heap_peak = heap_live;
  heap_blocks++;
  return p + HEAP_HEADER;
}

void __wrap_free(void *q)
{
  unsigned char *p;
  size_t bytes;
  if (!q) return;
  p = (unsigned char *)q - HEAP_HEADER;
  memcpy(&bytes, p, sizeof bytes);
  heap_live -= bytes;
  __real_free(p);
}
#endif

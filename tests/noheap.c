/* Linked into every unit test: any heap call aborts the test, proving the
 * library never allocates (the harness itself uses none either). */
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>
static void noheap_die(const char *what)
{
  static const char msg[] = "noheap: heap call: ";
  (void)!write(2, msg, sizeof msg - 1);
  (void)!write(2, what, __builtin_strlen(what));
  (void)!write(2, "\n", 1);
  _exit(99);
}
void *malloc(size_t n) { (void)n; noheap_die("malloc"); return NULL; }
void *calloc(size_t a, size_t b) { (void)a; (void)b; noheap_die("calloc"); return NULL; }
void *realloc(void *p, size_t n) { (void)p; (void)n; noheap_die("realloc"); return NULL; }
void free(void *p) { if (p) noheap_die("free"); }

/* stdio would allocate the stdout buffer on first use: give it a static one. */
#include <stdio.h>
static char noheap_stdout_buf[1 << 16];
__attribute__((constructor)) static void noheap_setup(void)
{
  setvbuf(stdout, noheap_stdout_buf, _IOFBF, sizeof noheap_stdout_buf);
}

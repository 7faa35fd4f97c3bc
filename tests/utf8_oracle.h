/* Strict UTF-8 (RFC 3629) by decoding: the tests' second opinion, written
 * differently from the library's table of lead bytes, so an expectation
 * never comes from the code under test. Shared by tests/unit_json.c and
 * tests/fuzz/fuzz_json.c. */
#ifndef ODEUS_TEST_UTF8_ORACLE_H
#define ODEUS_TEST_UTF8_ORACLE_H
#include <stddef.h>
#include <stdint.h>

static int utf8_ok(const void *text, size_t n)
{
  const unsigned char *s = (const unsigned char *)text;
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i], k, j;
    uint32_t cp;
    if (c < 0x80) {
      i++;
      continue;
    }
    if ((c & 0xE0) == 0xC0) { k = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { k = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { k = 3; cp = c & 0x07; }
    else return 0;
    if (n - i <= k) return 0;
    for (j = 1; j <= k; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + j] & 0x3Fu);
    }
    if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000)) return 0;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    i += k + 1;
  }
  return 1;
}

#endif

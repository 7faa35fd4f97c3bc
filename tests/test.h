/* Minimal test harness: each CHECK is one counted assertion. A test program
 * ends with TEST_END(), printing "RESULT <passed> <failed>" for the runner. */
#ifndef ODEUS_TEST_H
#define ODEUS_TEST_H
#include <stdio.h>
#include <string.h>

static int test_passed, test_failed;

#define CHECK(cond) do { if (cond) test_passed++; else { test_failed++; \
  fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_EQ_INT(a, b) do { long long va_ = (long long)(a), vb_ = (long long)(b); \
  if (va_ == vb_) test_passed++; else { test_failed++; \
  fprintf(stderr, "FAIL %s:%d: %s == %s (%lld != %lld)\n", __FILE__, __LINE__, #a, #b, va_, vb_); } } while (0)
#define CHECK_MEM(got, glen, want, wlen) do { size_t gl_ = (glen), wl_ = (wlen); \
  if (gl_ == wl_ && memcmp((got), (want), gl_) == 0) test_passed++; else { test_failed++; \
  fprintf(stderr, "FAIL %s:%d: bytes differ (got %zu, want %zu)\n--- got:\n%.*s\n--- want:\n%.*s\n", \
    __FILE__, __LINE__, gl_, wl_, (int)gl_, (const char *)(got), (int)wl_, (const char *)(want)); } } while (0)
#define CHECK_STR(got, want) CHECK_MEM((got), strlen(got), (want), strlen(want))
#define TEST_END() (printf("RESULT %d %d\n", test_passed, test_failed), test_failed ? 1 : 0)
#endif

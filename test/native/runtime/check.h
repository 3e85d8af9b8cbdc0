/* check.h: the assertions of the runtime's C tests. A failed check prints
 * where and what, then exits non-zero; nothing is ever only logged. */
#ifndef SY_TEST_CHECK_H
#define SY_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long long sy_test_checks;

#define CHECK(cond)                                                          \
  do {                                                                       \
    sy_test_checks++;                                                        \
    if (!(cond)) {                                                           \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                               \
    }                                                                        \
  } while (0)

#define CHECK_EQ(a, b)                                                            \
  do {                                                                            \
    long long sy_a_ = (long long)(a), sy_b_ = (long long)(b);                     \
    sy_test_checks++;                                                             \
    if (sy_a_ != sy_b_) {                                                         \
      fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%lld vs %lld)\n", __FILE__, \
              __LINE__, #a, #b, sy_a_, sy_b_);                                    \
      exit(1);                                                                    \
    }                                                                             \
  } while (0)

#define CHECK_STR(a, b)                                                          \
  do {                                                                           \
    const char *sy_a_ = (a), *sy_b_ = (b);                                       \
    sy_test_checks++;                                                            \
    if (strcmp(sy_a_, sy_b_) != 0) {                                             \
      fprintf(stderr, "%s:%d: CHECK_STR failed: %s\n  got:      \"%s\"\n  expected: \"%s\"\n", \
              __FILE__, __LINE__, #a, sy_a_, sy_b_);                             \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

/* OK(call): the call returned SY_OK */
#define OK(call) CHECK_EQ((call), 0)

/* iteration counts scale down under emulators and sanitizers:
 * SY_TEST_SCALE=10 divides them by 10 */
static inline long sy_test_scaled(long n) {
  const char *s = getenv("SY_TEST_SCALE");
  long div = s ? atol(s) : 1;
  if (div < 1) div = 1;
  long r = n / div;
  return r < 1 ? 1 : r;
}

#endif

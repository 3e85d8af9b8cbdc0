/*
 * shim_test.c: the freestanding test shim (libc/) checked on its own, so a
 * failure in the switcher or runtime tests on riscv32 is not the shim's:
 * printf conversions against literal expectations, the 64-bit divisions
 * against the identity n == q * d + r over random operands, malloc/realloc/
 * calloc, argv, getenv, and the TLS block (initialised and zeroed parts).
 *
 *   shim_test ARG1 ARG2   (with SHIM_TEST_ENV=freestanding in the environment)
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long checks;

#define CHECK(cond, ...)                                            \
  do {                                                              \
    checks++;                                                       \
    if (!(cond)) {                                                  \
      fprintf(stderr, "shim_test FAIL line %d: ", __LINE__);        \
      fprintf(stderr, __VA_ARGS__);                                 \
      fputc('\n', stderr);                                          \
      exit(1);                                                      \
    }                                                               \
  } while (0)

#define FORMATS(expected, ...)                                                          \
  do {                                                                                  \
    char buf_[128];                                                                     \
    int n_ = snprintf(buf_, sizeof buf_, __VA_ARGS__);                                  \
    CHECK(strcmp(buf_, expected) == 0 && n_ == (int)strlen(expected),                   \
          "snprintf(%s) gave \"%s\" (%d), expected \"%s\"", #__VA_ARGS__, buf_, n_, expected); \
  } while (0)

static uint64_t rng = 0x5eed;
static uint64_t next(void) { /* splitmix64 */
  uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static void test_printf(void) {
  FORMATS("-5|5|   42|42   |00042", "%d|%i|%5d|%-5d|%05d", -5, 5, 42, 42, 42);
  FORMATS("+7| 7|-0007", "%+d|% d|%05d", 7, 7, -7);
  FORMATS("4294967295|2147483647|-2147483648", "%u|%d|%d", UINT_MAX, INT_MAX, INT_MIN);
  FORMATS("-2147483648|2147483647", "%ld|%ld", LONG_MIN, LONG_MAX);
  FORMATS("-9223372036854775808|18446744073709551615", "%lld|%llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
  FORMATS("a152130b70f4ee08|0000000000abcdef|ABCDEF", "%llx|%016llx|%X", 0xa152130b70f4ee08ull, 0xabcdefull, 0xabcdef);
  FORMATS("0x1f|0|17|0a", "%#x|%#x|%o|%02x", 31, 0, 15, 10);
  FORMATS("0x1234|(nil)", "%p|%p", (void *)0x1234, (void *)0);
  const char *volatile nothing = NULL; /* volatile: GCC rejects a literal NULL for %s */
  FORMATS("abc|ab|  abc|abc  |(null)", "%s|%.2s|%5s|%-5s|%s", "abc", "abc", "abc", "abc", nothing);
  FORMATS("x|%|  y", "%c|%%|%3c", 'x', 'y');
  FORMATS("123|-4|  9", "%zu|%zd|%*d", (size_t)123, (ptrdiff_t)-4, 3, 9);
  /* a long long after an int: RV32 passes it in an aligned register pair */
  FORMATS("1 2 3", "%d %lld %d", 1, 2LL, 3);
  char small[4];
  int n = snprintf(small, sizeof small, "hello");
  CHECK(n == 5 && strcmp(small, "hel") == 0, "truncating snprintf gave \"%s\" (%d)", small, n);
}

static void test_division(void) {
  volatile uint64_t big = UINT64_MAX, ten = 10;
  CHECK(big / ten == 1844674407370955161ull && big % ten == 5, "UINT64_MAX / 10");
  volatile int64_t neg = -7, two = 2;
  CHECK(neg / two == -3 && neg % two == -1 && -neg / -two == -3 && -neg % -two == 1, "truncating signed division");
  for (int i = 0; i < 200000; i++) {
    uint64_t n = next(), d = next() >> (next() % 64); /* divisors of every width */
    if (i % 3 == 0) n >>= next() % 64;
    if (d == 0) d = 1;
    uint64_t q = n / d, r = n % d;
    CHECK(r < d && q * d + r == n && (q == 0 || q * d / q == d), "%llu / %llu gave %llu rem %llu",
          (unsigned long long)n, (unsigned long long)d, (unsigned long long)q, (unsigned long long)r);
    int64_t sn = (int64_t)n, sd = (int64_t)d * ((next() & 1) ? -1 : 1);
    if (sn == INT64_MIN) continue;
    int64_t sq = sn / sd, sr = sn % sd;
    CHECK(sq * sd + sr == sn && (sr == 0 || (sr < 0) == (sn < 0)) && (sr < 0 ? -sr : sr) < (sd < 0 ? -sd : sd),
          "%lld / %lld gave %lld rem %lld", (long long)sn, (long long)sd, (long long)sq, (long long)sr);
  }
}

static void test_malloc(void) {
  enum { N = 500 };
  static unsigned char *blocks[N];
  static size_t sizes[N];
  for (int round = 0; round < 4; round++) {
    for (int i = 0; i < N; i++) {
      sizes[i] = 1 + next() % 5000;
      blocks[i] = malloc(sizes[i]);
      CHECK(blocks[i] != NULL && (uintptr_t)blocks[i] % 16 == 0, "malloc(%zu) gave %p", sizes[i], (void *)blocks[i]);
      memset(blocks[i], i & 0xff, sizes[i]);
    }
    for (int i = 0; i < N; i += 2) {
      size_t grown = sizes[i] * 3;
      blocks[i] = realloc(blocks[i], grown);
      CHECK(blocks[i] != NULL, "realloc to %zu", grown);
      for (size_t b = 0; b < sizes[i]; b++) CHECK(blocks[i][b] == (i & 0xff), "realloc lost byte %zu of block %d", b, i);
      memset(blocks[i], i & 0xff, grown);
      sizes[i] = grown;
    }
    for (int i = 0; i < N; i++) {
      for (size_t b = 0; b < sizes[i]; b++) CHECK(blocks[i][b] == (i & 0xff), "block %d byte %zu overwritten", i, b);
      free(blocks[i]);
    }
  }
  unsigned char *z = malloc(4096);
  memset(z, 0xee, 4096);
  free(z);
  z = calloc(1024, 4);
  CHECK(z != NULL, "calloc");
  for (int b = 0; b < 4096; b++) CHECK(z[b] == 0, "calloc left byte %d at 0x%02x", b, z[b]);
  free(z);
  CHECK(calloc(SIZE_MAX / 2, 4) == NULL, "calloc overflow must fail");
  CHECK(malloc((size_t)1 << 30) == NULL, "a 1 GiB malloc must fail (the arena is smaller)");
}

static _Thread_local int tls_initialised = 42;
static _Thread_local long long tls_zeroed;

int main(int argc, char **argv) {
  CHECK(argc == 3 && strcmp(argv[1], "ARG1") == 0 && strcmp(argv[2], "ARG2") == 0 && argv[3] == NULL, "argv");
  const char *env = getenv("SHIM_TEST_ENV");
  CHECK(env && strcmp(env, "freestanding") == 0, "getenv gave %s", env ? env : "(null)");
  CHECK(getenv("SHIM_TEST_ENV_") == NULL && getenv("SHIM_TEST") == NULL, "getenv matches whole names only");
  CHECK(tls_initialised == 42 && tls_zeroed == 0, "TLS: %d %lld", tls_initialised, tls_zeroed);
  tls_zeroed = -1;
  CHECK(tls_zeroed == -1, "TLS write");
  test_printf();
  test_division();
  test_malloc();
  printf("shim_test ALL OK: %ld checks\n", checks);
  return 0;
}

/*
 * libgcc.c: the 64-bit division routines GCC calls on RV32 (the M extension
 * divides 32-bit values only). The compiler used for riscv32 is Debian's
 * riscv64-linux-gnu-gcc, whose libgcc is built for RV64 alone, so the shim
 * supplies the four it needs: restoring shift-subtract division.
 */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem) {
  if (d == 0) __builtin_trap(); /* as the hardware's 32-bit divide would be undefined in C */
  uint64_t q = 0, r = 0;
  if ((n >> 32) == 0 && (d >> 32) == 0) { /* the common case: one hardware divide */
    q = (uint32_t)n / (uint32_t)d;
    r = (uint32_t)n % (uint32_t)d;
  } else {
    for (int i = 63; i >= 0; i--) {
      r = (r << 1) | ((n >> i) & 1);
      if (r >= d) {
        r -= d;
        q |= (uint64_t)1 << i;
      }
    }
  }
  if (rem) *rem = r;
  return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d) { return __udivmoddi4(n, d, 0); }

uint64_t __umoddi3(uint64_t n, uint64_t d) {
  uint64_t r;
  __udivmoddi4(n, d, &r);
  return r;
}

/* C's truncating division: the quotient's sign is the operands' XOR, the remainder's the dividend's */
int64_t __divdi3(int64_t n, int64_t d) {
  uint64_t un = n < 0 ? -(uint64_t)n : (uint64_t)n, ud = d < 0 ? -(uint64_t)d : (uint64_t)d;
  uint64_t q = __udivmoddi4(un, ud, 0);
  return (int64_t)((n < 0) != (d < 0) ? -q : q);
}

int64_t __moddi3(int64_t n, int64_t d) {
  uint64_t un = n < 0 ? -(uint64_t)n : (uint64_t)n, ud = d < 0 ? -(uint64_t)d : (uint64_t)d, r;
  __udivmoddi4(un, ud, &r);
  return (int64_t)(n < 0 ? -r : r);
}

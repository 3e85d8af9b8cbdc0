/*
 * bench.c: switchyard's native micro-benchmarks and their baselines.
 *
 *   bench-native list                      one case name per line
 *   bench-native calibrate [ms]            {"tick_hz": ...}: cycle counter vs CLOCK_MONOTONIC_RAW
 *   bench-native run CASE --tick-hz HZ [--reps N] [--rep-ms MS]
 *                                          one JSON line: per-repetition ns/op
 *
 * Timing: the cycle counter (rdtsc on x86-64, cntvct_el0 on AArch64) read
 * around one long loop per repetition. The counter's frequency is measured
 * once, by `calibrate`, in a process that never switches; `run` gets it on
 * the command line and makes no clock_gettime call at all. (On this VM a
 * clock_gettime between two switch loops has been seen to slow the
 * jump-style switch 10x for the rest of the process.) The runner starts one
 * process per case, so no case inherits another's state.
 *
 * Each repetition runs the same iteration count, chosen once so that a
 * repetition lasts about --rep-ms; one untimed warm-up repetition precedes
 * them.
 *
 * Code placement (the switch cases, sy_switch and Boost alike): the cost of
 * a switch depends on where the call sites of the two sides sit in memory.
 * On this machine (AMD EPYC, in a VM) the original single layout of this
 * file measured sy_switch's round trip at 29 ns against Boost's 12.8; one
 * NOP before the coroutine's call made it 12.9 with data and instructions
 * unchanged, and shifting the coroutine's loop by 0..15 bytes gave ~12.5-14
 * ns in most placements and ~29 ns in some, with a period of 16 bytes: a
 * front-end prediction effect tied to code addresses, which decided the
 * old sy_switch vs Boost comparison (and a one-binary A/B with other
 * addresses showed parity). So every switch case builds its coroutine side
 * in PLACEMENTS copies, each shifted by 0, 1, ..., PLACEMENTS - 1 bytes of
 * NOPs before its switch call, gives every copy its own stacks and contexts
 * (a cache line each, as separately allocated coroutines have), runs all of
 * them in every repetition and reports their median; the note gives the
 * spread across placements.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "switchyard/context.h"
#ifndef SY_BENCH_NO_RUNTIME
#include "switchyard.h"
#endif

#define NOINLINE __attribute__((noinline))
#define CHECK(expr)                                                                   \
  do {                                                                                \
    long rc_ = (long)(expr);                                                          \
    if (rc_ < 0) {                                                                    \
      fprintf(stderr, "bench: %s failed (%ld) at %s:%d\n", #expr, rc_, __FILE__, __LINE__); \
      exit(2);                                                                        \
    }                                                                                 \
  } while (0)

/* ------------------------------------------------------------ the counter */

static inline uint64_t ticks(void) {
#if defined(__x86_64__)
  uint32_t lo, hi;
  __asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
  return ((uint64_t)hi << 32) | lo;
#elif defined(__aarch64__)
  uint64_t v;
  __asm__ volatile("isb\n\tmrs %0, cntvct_el0\n\tisb" : "=r"(v)::"memory");
  return v;
#else
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
#endif
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* only ever called by `calibrate`, a process that does nothing else */
static double calibrate(double ms) {
  double best = 0;
  /* three windows; keep the median estimate */
  double est[3];
  for (int k = 0; k < 3; k++) {
    double t0 = now_ns();
    uint64_t c0 = ticks();
    while (now_ns() - t0 < ms * 1e6 / 3) {
    }
    uint64_t c1 = ticks();
    double t1 = now_ns();
    est[k] = (double)(c1 - c0) / ((t1 - t0) / 1e9);
  }
  /* median of three */
  double a = est[0], b = est[1], c = est[2];
  best = a > b ? (b > c ? b : (a > c ? c : a)) : (a > c ? a : (b > c ? c : b));
  return best;
}

/* ------------------------------------------------------------ the harness */

static double g_tick_hz;
static int g_reps = 9;
static double g_rep_ms = 100;

/* A case body runs n iterations and returns the ticks its timed region took
 * (a case times itself, so that setup stays outside). */
typedef uint64_t (*case_fn)(uint64_t n);

static void print_reps(const char *name, const char *unit, const double *v, int n, uint64_t iters,
                       const char *note) {
  printf("{\"case\":\"%s\",\"unit\":\"%s\",\"iters\":%llu,\"reps\":[", name, unit,
         (unsigned long long)iters);
  for (int i = 0; i < n; i++) printf("%s%.4f", i ? "," : "", v[i]);
  printf("]");
  if (note) printf(",\"note\":\"%s\"", note);
  printf("}\n");
  fflush(stdout);
}

static __attribute__((unused)) void print_skip(const char *name, const char *why) {
  printf("{\"case\":\"%s\",\"skipped\":\"%s\"}\n", name, why);
  fflush(stdout);
}

/* ops: operations per iteration (e.g. 2 messages per ping-pong round) */
static void measure(const char *name, case_fn fn, double ops, uint64_t min_n, const char *note) {
  double target = g_rep_ms / 1e3 * g_tick_hz;
  uint64_t n = min_n ? min_n : 64;
  uint64_t t = fn(n);
  while ((double)t < target / 16) {
    n *= 4;
    t = fn(n);
  }
  double scaled = (double)n * target / (double)(t ? t : 1);
  n = scaled < (double)n ? n : (uint64_t)scaled;
  fn(n); /* warm-up repetition */
  double v[64];
  int reps = g_reps > 64 ? 64 : g_reps;
  for (int r = 0; r < reps; r++) {
    uint64_t dt = fn(n);
    v[r] = (double)dt / g_tick_hz * 1e9 / ((double)n * ops);
  }
  print_reps(name, "ns/op", v, reps, n, note);
}

static void *xalloc(size_t size) {
  void *p = NULL;
  if (posix_memalign(&p, 64, size) != 0) {
    fprintf(stderr, "bench: out of memory\n");
    exit(2);
  }
  memset(p, 0, size);
  return p;
}

#define STACK_SIZE (256 * 1024)

/* ------------------------------------------------------ code placements */

#define PLACEMENTS 16
#define FOR_PLACEMENTS(X) \
  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
/* s NOPs right before a coroutine's switch call: shifts its call site and
 * return address by s bytes */
#define NOPS(s) __asm__ volatile(".rept " #s "\n\tnop\n\t.endr")

/* A placed case body runs n iterations in placement k and returns ticks. */
typedef uint64_t (*placed_fn)(int k, uint64_t n);

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median_of(double *v, int n) {
  qsort(v, (size_t)n, sizeof v[0], cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Like measure(), over all placements: each repetition runs every placement
 * for n iterations and reports the median of their per-op times. */
static void measure_placed(const char *name, placed_fn fn, double ops, const char *note) {
  double target = g_rep_ms / 1e3 * g_tick_hz / PLACEMENTS; /* per placement */
  uint64_t n = 64;
  uint64_t t = fn(0, n);
  while ((double)t < target / 16) {
    n *= 4;
    t = fn(0, n);
  }
  double scaled = (double)n * target / (double)(t ? t : 1);
  n = scaled < (double)n ? n : (uint64_t)scaled;
  for (int k = 0; k < PLACEMENTS; k++) fn(k, n); /* warm-up repetition */
  double v[64], per[PLACEMENTS][64], row[PLACEMENTS];
  int reps = g_reps > 64 ? 64 : g_reps;
  for (int r = 0; r < reps; r++) {
    for (int k = 0; k < PLACEMENTS; k++) {
      per[k][r] = (double)fn(k, n) / g_tick_hz * 1e9 / ((double)n * ops);
      row[k] = per[k][r];
    }
    v[r] = median_of(row, PLACEMENTS);
  }
  /* spread across placements, each placement taken at its median over reps */
  double lo = 1e300, hi = 0, mid;
  int lo_k = 0, hi_k = 0, slow = 0;
  double each[PLACEMENTS];
  for (int k = 0; k < PLACEMENTS; k++) {
    double tmp[64];
    memcpy(tmp, per[k], sizeof(double) * (size_t)reps);
    each[k] = median_of(tmp, reps);
    if (each[k] < lo) lo = each[k], lo_k = k;
    if (each[k] > hi) hi = each[k], hi_k = k;
  }
  memcpy(row, each, sizeof each);
  mid = median_of(row, PLACEMENTS);
  for (int k = 0; k < PLACEMENTS; k++) slow += each[k] > 1.5 * mid;
  char full[512];
  snprintf(full, sizeof full,
           "%s; median of %d code placements (coroutine call site shifted 0..%d bytes): "
           "fastest %.2f ns (+%d), slowest %.2f ns (+%d), %d above 1.5x the median",
           note, PLACEMENTS, PLACEMENTS - 1, lo, lo_k, hi, hi_k, slow);
  print_reps(name, "ns/op", v, reps, n, full);
}

/* a context in a cache line of its own, as a separately allocated coroutine's */
static sy_context *new_context(void) { return xalloc(64 > sizeof(sy_context) ? 64 : sizeof(sy_context)); }

/* ------------------------------------------------ baseline: indirect call */

static NOINLINE uintptr_t plain_fn(uintptr_t x) {
  __asm__ volatile("" ::: "memory");
  return x + 1;
}
static uintptr_t (*volatile g_plain_ptr)(uintptr_t) = plain_fn;

static uint64_t case_indirect_call(uint64_t n) {
  uintptr_t (*f)(uintptr_t) = g_plain_ptr;
  uintptr_t acc = 0;
  uint64_t t0 = ticks();
  for (uint64_t i = 0; i < n; i++) {
    acc = f(acc);
    __asm__ volatile("" : "+r"(f)); /* reload-free, but the compiler may not devirtualize */
  }
  uint64_t t1 = ticks();
  if (acc != n) abort();
  return t1 - t0;
}

/* ------------------------------------------- "ordinary calls" per hop work */

/* A few nested, non-inlined calls and returns: what a real coroutine does
 * between two switches. Returns predicted by the return-stack buffer are
 * what a `ret`-into-another-stack switcher would spoil. */
static NOINLINE uintptr_t work3(uintptr_t x) {
  __asm__ volatile("" ::: "memory");
  return x * 2654435761u + 1;
}
static NOINLINE uintptr_t work2(uintptr_t x) { return work3(x) ^ work3(x >> 3); }
static NOINLINE uintptr_t work1(uintptr_t x) { return work2(x) + work2(x + 7); }
static NOINLINE uintptr_t work(uintptr_t x) { return work1(x) - work1(x ^ 0x55); }

static uint64_t case_calls_only(uint64_t n) {
  uintptr_t acc = 1;
  uint64_t t0 = ticks();
  for (uint64_t i = 0; i < n; i++) {
    acc = work(acc); /* the resumer's share */
    acc = work(acc); /* the coroutine's share */
  }
  uint64_t t1 = ticks();
  if (acc == 42) puts("");
  return t1 - t0;
}

/* -------------------------------------------------------- sy_switch cases */

/* The contexts of one placement. A coroutine gets their address with its
 * first switch (a handshake that returns to main at once) and keeps it in
 * registers, as Boost's code keeps its fcontext_t. */
typedef struct {
  sy_context *main, *a, *b;
} sy_place;
static sy_place sy_pl[PLACEMENTS];

/* round trip: main -> a -> main */
#define SY_RT_ENTRY(s)                                   \
  static NOINLINE void sy_rt_entry_##s(void *arg) {      \
    sy_place p = *(sy_place *)arg;                       \
    void *v = sy_switch(p.a, p.main, NULL);              \
    for (;;) {                                           \
      NOPS(s);                                           \
      v = sy_switch(p.a, p.main, v);                     \
    }                                                    \
  }
FOR_PLACEMENTS(SY_RT_ENTRY)

static uint64_t case_sy_roundtrip(int k, uint64_t n) {
  sy_context *m = sy_pl[k].main, *a = sy_pl[k].a;
  uint64_t t0 = ticks();
  for (uint64_t i = 0; i < n; i++) sy_switch(m, a, (void *)(uintptr_t)i);
  uint64_t t1 = ticks();
  return t1 - t0;
}

/* one-way: a ring main -> a -> b -> main, three switches per lap, each to a
 * context other than the one that switched last */
#define SY_RING(s)                                       \
  static NOINLINE void sy_ring_a_##s(void *arg) {        \
    sy_place p = *(sy_place *)arg;                       \
    void *v = sy_switch(p.a, p.main, NULL);              \
    for (;;) {                                           \
      NOPS(s);                                           \
      v = sy_switch(p.a, p.b, v);                        \
    }                                                    \
  }                                                      \
  static NOINLINE void sy_ring_b_##s(void *arg) {        \
    sy_place p = *(sy_place *)arg;                       \
    void *v = sy_switch(p.b, p.main, NULL);              \
    for (;;) {                                           \
      NOPS(s);                                           \
      v = sy_switch(p.b, p.main, v);                     \
    }                                                    \
  }
FOR_PLACEMENTS(SY_RING)

static uint64_t case_sy_oneway(int k, uint64_t n) {
  sy_context *m = sy_pl[k].main, *a = sy_pl[k].a;
  uint64_t t0 = ticks();
  for (uint64_t i = 0; i < n; i++) sy_switch(m, a, (void *)(uintptr_t)i);
  uint64_t t1 = ticks();
  return t1 - t0;
}

/* realistic: both sides make ordinary calls; the coroutine switches from
 * inside a nested call */
#define SY_CALLS(s)                                                        \
  static NOINLINE uintptr_t sy_calls_yield_##s(const sy_place *p, uintptr_t x) { \
    x = work(x);                                                           \
    NOPS(s);                                                               \
    return (uintptr_t)sy_switch(p->a, p->main, (void *)x);                 \
  }                                                                        \
  static NOINLINE void sy_calls_entry_##s(void *arg) {                     \
    sy_place p = *(sy_place *)arg;                                         \
    uintptr_t x = (uintptr_t)sy_switch(p.a, p.main, NULL);                 \
    for (;;) x = sy_calls_yield_##s(&p, x);                                \
  }
FOR_PLACEMENTS(SY_CALLS)

static uint64_t case_sy_roundtrip_calls(int k, uint64_t n) {
  sy_context *m = sy_pl[k].main, *a = sy_pl[k].a;
  uintptr_t acc = 1;
  uint64_t t0 = ticks();
  for (uint64_t i = 0; i < n; i++) {
    acc = work(acc);
    acc = (uintptr_t)sy_switch(m, a, (void *)acc);
  }
  uint64_t t1 = ticks();
  if (acc == 42) puts("");
  return t1 - t0;
}

#define SY_REF(prefix) prefix##0, prefix##1, prefix##2, prefix##3, prefix##4, prefix##5, prefix##6, prefix##7, \
    prefix##8, prefix##9, prefix##10, prefix##11, prefix##12, prefix##13, prefix##14, prefix##15
static void (*const sy_rt_entries[PLACEMENTS])(void *) = {SY_REF(sy_rt_entry_)};
static void (*const sy_ring_as[PLACEMENTS])(void *) = {SY_REF(sy_ring_a_)};
static void (*const sy_ring_bs[PLACEMENTS])(void *) = {SY_REF(sy_ring_b_)};
static void (*const sy_calls_entries[PLACEMENTS])(void *) = {SY_REF(sy_calls_entry_)};

/* every placement: its contexts and stacks, and the handshake into each
 * coroutine (the first switch hands it the placement's contexts) */
static void sy_setup(void (*const *a)(void *), void (*const *b)(void *)) {
  for (int k = 0; k < PLACEMENTS; k++) {
    sy_place *p = &sy_pl[k];
    p->main = new_context();
    p->a = new_context();
    sy_context_make(p->a, xalloc(STACK_SIZE), STACK_SIZE, a[k]);
    if (b) {
      p->b = new_context();
      sy_context_make(p->b, xalloc(STACK_SIZE), STACK_SIZE, b[k]);
    }
    sy_switch(p->main, p->a, p);
    if (b) sy_switch(p->main, p->b, p);
  }
}

/* ------------------------------------------------- baseline: swapcontext */

static ucontext_t uc_main, uc_a;

static void uc_entry(void) {
  for (;;) swapcontext(&uc_a, &uc_main);
}

static uint64_t case_swapcontext_roundtrip(uint64_t n) {
  uint64_t t0 = ticks();
  for (uint64_t i = 0; i < n; i++) swapcontext(&uc_main, &uc_a);
  uint64_t t1 = ticks();
  return t1 - t0;
}

static void uc_setup(void) {
  CHECK(getcontext(&uc_a));
  uc_a.uc_stack.ss_sp = xalloc(STACK_SIZE);
  uc_a.uc_stack.ss_size = STACK_SIZE;
  uc_a.uc_link = NULL;
  makecontext(&uc_a, uc_entry, 0);
}

/* ------------------------------------------ baseline: Boost.Context fcontext */

#ifdef SY_BENCH_BOOST
/* Boost.Context's documented low-level API (boost/context/detail/fcontext.hpp) */
typedef void *fcontext_t;
typedef struct transfer_t {
  fcontext_t fctx;
  void *data;
} transfer_t;
extern transfer_t jump_fcontext(fcontext_t const to, void *vp);
extern fcontext_t make_fcontext(void *sp, size_t size, void (*fn)(transfer_t));

static fcontext_t bx_make(void (*fn)(transfer_t)) {
  char *st = xalloc(STACK_SIZE);
  return make_fcontext(st + STACK_SIZE, STACK_SIZE, fn);
}

/* round trip: a coroutine per placement, its fcontext_t kept by main */
static fcontext_t bx_rt[PLACEMENTS];

#define BX_RT_ENTRY(s)                                     \
  static NOINLINE void bx_rt_entry_##s(transfer_t t) {     \
    for (;;) {                                             \
      NOPS(s);                                             \
      t = jump_fcontext(t.fctx, t.data);                   \
    }                                                      \
  }
FOR_PLACEMENTS(BX_RT_ENTRY)

static uint64_t case_boost_roundtrip(int k, uint64_t n) {
  fcontext_t a = bx_rt[k];
  uint64_t t0 = ticks();
  for (uint64_t i = 0; i < n; i++) a = jump_fcontext(a, (void *)(uintptr_t)i).fctx;
  uint64_t t1 = ticks();
  bx_rt[k] = a;
  return t1 - t0;
}

/* ring main -> a -> b -> main. fcontext hands the jumper's context to the
 * target, so each ring member records who it came from: a keeps main's
 * context for b, b keeps a's for main's next lap. */
typedef struct {
  fcontext_t a, b, main_from_b;
} bx_ring;
static bx_ring bx_rings[PLACEMENTS];

#define BX_RING(s)                                                         \
  static NOINLINE void bx_ring_a_##s(transfer_t t) {                       \
    bx_ring *r = t.data;                                                   \
    for (;;) {                                                             \
      NOPS(s);                                                             \
      r->main_from_b = t.fctx; /* main, suspended */                       \
      t = jump_fcontext(r->b, r); /* resumed by main's next lap */         \
    }                                                                      \
  }                                                                        \
  static NOINLINE void bx_ring_b_##s(transfer_t t) {                       \
    bx_ring *r = t.data;                                                   \
    for (;;) {                                                             \
      NOPS(s);                                                             \
      r->a = t.fctx; /* a, suspended */                                    \
      t = jump_fcontext(r->main_from_b, NULL);                             \
    }                                                                      \
  }
FOR_PLACEMENTS(BX_RING)

static uint64_t case_boost_oneway(int k, uint64_t n) {
  bx_ring *r = &bx_rings[k];
  uint64_t t0 = ticks();
  for (uint64_t i = 0; i < n; i++) {
    /* main -> a; a -> b; b -> main: this jump returns with t.fctx = b */
    transfer_t t = jump_fcontext(r->a, r);
    r->b = t.fctx;
  }
  uint64_t t1 = ticks();
  return t1 - t0;
}

#define BX_CALLS(s)                                                        \
  static NOINLINE uintptr_t bx_calls_yield_##s(transfer_t *t, uintptr_t x) { \
    x = work(x);                                                           \
    NOPS(s);                                                               \
    *t = jump_fcontext(t->fctx, (void *)x);                                \
    return (uintptr_t)t->data;                                             \
  }                                                                        \
  static NOINLINE void bx_calls_entry_##s(transfer_t t) {                  \
    uintptr_t x = (uintptr_t)t.data;                                       \
    for (;;) x = bx_calls_yield_##s(&t, x);                                \
  }
FOR_PLACEMENTS(BX_CALLS)

static uint64_t case_boost_roundtrip_calls(int k, uint64_t n) {
  fcontext_t a = bx_rt[k];
  uintptr_t acc = 1;
  uint64_t t0 = ticks();
  for (uint64_t i = 0; i < n; i++) {
    acc = work(acc);
    transfer_t t = jump_fcontext(a, (void *)acc);
    a = t.fctx;
    acc = (uintptr_t)t.data;
  }
  uint64_t t1 = ticks();
  bx_rt[k] = a;
  if (acc == 42) puts("");
  return t1 - t0;
}

static void (*const bx_rt_entries[PLACEMENTS])(transfer_t) = {SY_REF(bx_rt_entry_)};
static void (*const bx_ring_as[PLACEMENTS])(transfer_t) = {SY_REF(bx_ring_a_)};
static void (*const bx_ring_bs[PLACEMENTS])(transfer_t) = {SY_REF(bx_ring_b_)};
static void (*const bx_calls_entries[PLACEMENTS])(transfer_t) = {SY_REF(bx_calls_entry_)};

/* start-finish: make a context on a reused stack, run it, it jumps back */
static char *bx_stack;
static NOINLINE void bx_empty_entry(transfer_t t) {
  jump_fcontext(t.fctx, NULL);
  abort();
}
static uint64_t case_boost_make_finish(uint64_t n) {
  uint64_t t0 = ticks();
  for (uint64_t i = 0; i < n; i++) {
    fcontext_t c = make_fcontext(bx_stack + STACK_SIZE, STACK_SIZE, bx_empty_entry);
    jump_fcontext(c, NULL);
  }
  uint64_t t1 = ticks();
  return t1 - t0;
}

#endif

/* -------------------------------------------------------- runtime cases */

#ifndef SY_BENCH_NO_RUNTIME
static uint64_t g_n;
static sy_chan *g_c1, *g_c2;

static void *yield_body(void *arg) {
  (void)arg;
  for (uint64_t i = 0; i < g_n; i++) sy_yield(NULL, NULL);
  return NULL;
}

/* two coroutines yielding to each other through the scheduler: 2n hops */
static uint64_t case_sched_yield(uint64_t n) {
  sy_sched *s;
  CHECK(sy_sched_create(&s, 1));
  g_n = n;
  CHECK(sy_spawn(s, yield_body, NULL, NULL, NULL));
  CHECK(sy_spawn(s, yield_body, NULL, NULL, NULL));
  uint64_t t0 = ticks();
  CHECK(sy_sched_run(s));
  uint64_t t1 = ticks();
  CHECK(sy_sched_destroy(s));
  return t1 - t0;
}

static void *ping_body(void *arg) {
  (void)arg;
  sy_value v = 0;
  for (uint64_t i = 0; i < g_n; i++) {
    CHECK(sy_chan_send(g_c1, (sy_value)i));
    CHECK(sy_chan_recv(g_c2, &v));
  }
  return NULL;
}
static void *pong_body(void *arg) {
  (void)arg;
  sy_value v = 0;
  for (uint64_t i = 0; i < g_n; i++) {
    CHECK(sy_chan_recv(g_c1, &v));
    CHECK(sy_chan_send(g_c2, v + 1));
  }
  return NULL;
}

/* unbuffered ping-pong: 2n one-way messages */
static uint64_t case_chan_pingpong(uint64_t n) {
  sy_sched *s;
  CHECK(sy_sched_create(&s, 1));
  CHECK(sy_chan_create(&g_c1, 0));
  CHECK(sy_chan_create(&g_c2, 0));
  g_n = n;
  CHECK(sy_spawn(s, ping_body, NULL, NULL, NULL));
  CHECK(sy_spawn(s, pong_body, NULL, NULL, NULL));
  uint64_t t0 = ticks();
  CHECK(sy_sched_run(s));
  uint64_t t1 = ticks();
  CHECK(sy_sched_destroy(s));
  CHECK(sy_chan_destroy(g_c1));
  CHECK(sy_chan_destroy(g_c2));
  return t1 - t0;
}

#define BUFFERED_CAP 128
static void *producer_body(void *arg) {
  (void)arg;
  for (uint64_t i = 0; i < g_n; i++) CHECK(sy_chan_send(g_c1, (sy_value)i));
  CHECK(sy_chan_close(g_c1));
  return NULL;
}
static void *consumer_body(void *arg) {
  (void)arg;
  sy_value v, sum = 0;
  while (sy_chan_recv(g_c1, &v) == SY_OK) sum += v;
  *(sy_value *)arg = sum;
  return NULL;
}

static uint64_t case_chan_buffered(uint64_t n) {
  sy_sched *s;
  sy_value sum = 0;
  CHECK(sy_sched_create(&s, 1));
  CHECK(sy_chan_create(&g_c1, BUFFERED_CAP));
  g_n = n;
  CHECK(sy_spawn(s, producer_body, NULL, NULL, NULL));
  CHECK(sy_spawn(s, consumer_body, &sum, NULL, NULL));
  uint64_t t0 = ticks();
  CHECK(sy_sched_run(s));
  uint64_t t1 = ticks();
  CHECK(sy_sched_destroy(s));
  CHECK(sy_chan_destroy(g_c1));
  if (sum != (sy_value)(n * (n - 1) / 2)) {
    fprintf(stderr, "bench: buffered channel lost values\n");
    exit(2);
  }
  return t1 - t0;
}

static void *empty_body(void *arg) { return arg; }

/* spawn one empty coroutine, run the scheduler until it finished; n times.
 * Default attributes: 64 KiB guarded stack, from the pool after the first. */
static sy_sched *g_spawn_sched;
static uint64_t case_spawn_finish(uint64_t n) {
  sy_sched *s = g_spawn_sched;
  uint64_t t0 = ticks();
  for (uint64_t i = 0; i < n; i++) {
    sy_spawn(s, empty_body, NULL, NULL, NULL);
    sy_sched_run(s);
  }
  uint64_t t1 = ticks();
  return t1 - t0;
}

/* ---- memory: resident bytes per idle coroutine */

static long rss_pages(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long size = 0, rss = -1;
  if (!f) return -1;
  if (fscanf(f, "%ld %ld", &size, &rss) != 2) rss = -1;
  fclose(f);
  return rss;
}

static void *idle_body(void *arg) {
  sy_value v;
  sy_chan_recv((sy_chan *)arg, &v); /* parks until the scheduler is destroyed */
  return NULL;
}

/* count coroutines spawned, each blocked in recv on one channel; resident
 * bytes per coroutine = RSS growth / count. Pooling is off, so every
 * repetition maps fresh stacks and unmaps them at the end. */
static void case_memory(const char *name, int count, unsigned flags) {
  long page = sysconf(_SC_PAGESIZE);
  sy_stack_pool_set_limit(0);
  double v[64];
  int reps = g_reps > 64 ? 64 : g_reps;
  for (int r = -1; r < reps; r++) { /* r = -1: warm-up (malloc arenas, page tables) */
    sy_sched *s;
    sy_chan *ch;
    CHECK(sy_sched_create(&s, 1));
    CHECK(sy_chan_create(&ch, 0));
    long before = rss_pages();
    sy_coro_attr attr = {0, NULL, flags};
    for (int i = 0; i < count; i++) CHECK(sy_spawn(s, idle_body, ch, &attr, NULL));
    int rc = sy_sched_run(s);
    if (rc != SY_EDEADLOCK || sy_sched_blocked(s, NULL, 0) != (size_t)count) {
      fprintf(stderr, "bench: idle coroutines did not all block (rc %d)\n", rc);
      exit(2);
    }
    long after = rss_pages();
    if (r >= 0) v[r] = (double)(after - before) * (double)page / count;
    CHECK(sy_sched_destroy(s));
    CHECK(sy_chan_destroy(ch));
  }
  printf("{\"case\":\"%s\",\"unit\":\"bytes\",\"iters\":%d,\"reps\":[", name, count);
  for (int i = 0; i < reps; i++) printf("%s%.1f", i ? "," : "", v[i]);
  printf("],\"note\":\"%d coroutines blocked in recv, default %zu KiB %s stacks, page %ld B\"}\n", count,
         (size_t)SY_STACK_DEFAULT / 1024,
         (flags & SY_CORO_NOGUARD) ? "unguarded (canary)" : "guarded (100k would exceed vm.max_map_count)", page);
  fflush(stdout);
}
#endif

/* -------------------------------------------------------------- the table */

static const char *const CASES[] = {
    "native.indirect_call",
    "native.calls_only",
    "native.sy_switch.roundtrip",
    "native.sy_switch.oneway",
    "native.sy_switch.roundtrip_with_calls",
    "native.glibc.swapcontext.roundtrip",
    "native.boost.jump_fcontext.roundtrip",
    "native.boost.jump_fcontext.oneway",
    "native.boost.jump_fcontext.roundtrip_with_calls",
    "native.boost.make_fcontext.start_finish",
    "native.sched.yield_hop",
    "native.chan.unbuffered.oneway",
    "native.chan.buffered.throughput",
    "native.spawn_run_finish",
    "native.memory.idle_coroutine_rss",
    "native.memory.idle_coroutine_rss.guarded_30k",
};

static int run_case(const char *name) {
  if (!strcmp(name, "native.indirect_call")) {
    measure(name, case_indirect_call, 1, 0, "call through a function pointer + return");
  } else if (!strcmp(name, "native.calls_only")) {
    measure(name, case_calls_only, 1, 0, "the per-lap work of the *_with_calls cases, no switching");
  } else if (!strcmp(name, "native.sy_switch.roundtrip")) {
    sy_setup(sy_rt_entries, NULL);
    measure_placed(name, case_sy_roundtrip, 1, "main -> coroutine -> main");
  } else if (!strcmp(name, "native.sy_switch.oneway")) {
    sy_setup(sy_ring_as, sy_ring_bs);
    measure_placed(name, case_sy_oneway, 3, "ring of 3 contexts, per switch");
  } else if (!strcmp(name, "native.sy_switch.roundtrip_with_calls")) {
    sy_setup(sy_calls_entries, NULL);
    measure_placed(name, case_sy_roundtrip_calls, 1, "round trip; each side makes 7 nested calls per hop");
  } else if (!strcmp(name, "native.glibc.swapcontext.roundtrip")) {
    uc_setup();
    measure(name, case_swapcontext_roundtrip, 1, 0, "glibc swapcontext, two per round trip");
  } else if (!strncmp(name, "native.boost.", 13)) {
#ifdef SY_BENCH_BOOST
    if (!strcmp(name, "native.boost.jump_fcontext.roundtrip")) {
      for (int k = 0; k < PLACEMENTS; k++) bx_rt[k] = bx_make(bx_rt_entries[k]);
      measure_placed(name, case_boost_roundtrip, 1, "Boost.Context jump_fcontext, main -> coroutine -> main");
    } else if (!strcmp(name, "native.boost.jump_fcontext.oneway")) {
      for (int k = 0; k < PLACEMENTS; k++) {
        bx_rings[k].a = bx_make(bx_ring_as[k]);
        bx_rings[k].b = bx_make(bx_ring_bs[k]);
      }
      measure_placed(name, case_boost_oneway, 3, "ring of 3 contexts, per jump");
    } else if (!strcmp(name, "native.boost.jump_fcontext.roundtrip_with_calls")) {
      for (int k = 0; k < PLACEMENTS; k++) bx_rt[k] = bx_make(bx_calls_entries[k]);
      measure_placed(name, case_boost_roundtrip_calls, 1, "round trip; each side makes 7 nested calls per hop");
    } else if (!strcmp(name, "native.boost.make_fcontext.start_finish")) {
      bx_stack = xalloc(STACK_SIZE);
      measure(name, case_boost_make_finish, 1, 0, "make_fcontext on a reused stack + jump in + jump out (no allocation)");
    } else {
      return -1;
    }
#else
    print_skip(name, "libboost-context-dev not installed (apt-get install -y libboost-context-dev)");
#endif
  } else if (!strncmp(name, "native.sched.", 13) || !strncmp(name, "native.chan.", 12) ||
             !strcmp(name, "native.spawn_run_finish") || !strncmp(name, "native.memory.", 14)) {
#ifdef SY_BENCH_NO_RUNTIME
    print_skip(name, "the C runtime (native/src) did not build");
#else
    if (!strcmp(name, "native.sched.yield_hop")) {
      measure(name, case_sched_yield, 2, 0, "2 coroutines, sy_yield under sy_sched_run, per hop");
    } else if (!strcmp(name, "native.chan.unbuffered.oneway")) {
      measure(name, case_chan_pingpong, 2, 0, "ping-pong over 2 unbuffered channels, per one-way message");
    } else if (!strcmp(name, "native.chan.buffered.throughput")) {
      measure(name, case_chan_buffered, 1, 256, "producer -> consumer, capacity 128, per message");
    } else if (!strcmp(name, "native.spawn_run_finish")) {
      CHECK(sy_sched_create(&g_spawn_sched, 1));
      measure(name, case_spawn_finish, 1, 0, "sy_spawn + sy_sched_run of an empty body (pooled 64 KiB guarded stack)");
    } else if (!strcmp(name, "native.memory.idle_coroutine_rss")) {
      case_memory(name, 100000, SY_CORO_NOGUARD);
    } else if (!strcmp(name, "native.memory.idle_coroutine_rss.guarded_30k")) {
      case_memory(name, 30000, 0);
    } else {
      return -1;
    }
#endif
  } else {
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "list")) {
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) puts(CASES[i]);
    return 0;
  }
  if (argc >= 2 && !strcmp(argv[1], "calibrate")) {
    double ms = argc >= 3 ? atof(argv[2]) : 300;
    printf("{\"tick_hz\":%.0f}\n", calibrate(ms));
    return 0;
  }
  if (argc >= 3 && !strcmp(argv[1], "run")) {
    const char *name = argv[2];
    for (int i = 3; i + 1 < argc; i += 2) {
      if (!strcmp(argv[i], "--tick-hz")) g_tick_hz = atof(argv[i + 1]);
      else if (!strcmp(argv[i], "--reps")) g_reps = atoi(argv[i + 1]);
      else if (!strcmp(argv[i], "--rep-ms")) g_rep_ms = atof(argv[i + 1]);
    }
    if (g_tick_hz <= 0 || g_reps < 1 || g_rep_ms <= 0) {
      fprintf(stderr, "bench: run needs --tick-hz (from `calibrate`), --reps >= 1, --rep-ms > 0\n");
      return 2;
    }
    if (run_case(name) != 0) {
      fprintf(stderr, "bench: unknown case %s\n", name);
      return 2;
    }
    return 0;
  }
  fprintf(stderr, "usage: %s list | calibrate [ms] | run CASE --tick-hz HZ [--reps N] [--rep-ms MS]\n", argv[0]);
  return 2;
}

/*
 * overflow_test.c: the child side of the death tests. Each mode ends the
 * process in one specific way; the jest driver checks how (exit status,
 * signal, stderr report, and that no "AFTER" marker was printed).
 *
 *   overflow-sched   deep recursion in a scheduled coroutine: report + SIGABRT
 *   overflow-manual  the same in a hand-driven coroutine
 *   canary           an unguarded stack's canary gets overwritten: report + SIGABRT
 *   chain-siginfo    a fault that is not ours reaches the earlier SA_SIGINFO handler (exit 42)
 *   chain-plain      ... the earlier plain handler (exit 43)
 *   chain-default    ... no earlier handler: the default action, SIGSEGV
 *   wild-pointer     a bad pointer inside a coroutine (not its guard page): SIGSEGV
 */
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "switchyard.h"

static volatile long depth_limit = LONG_MAX; /* unbounded: the stack ends first (1L << 40 does not fit ILP32) */
static volatile long deepest;

__attribute__((noinline)) static long recurse(long n) {
  volatile char pad[512];
  pad[0] = (char)n;
  deepest = n;
  if (n >= depth_limit) return pad[0];
  return recurse(n + 1) + pad[0]; /* not a tail call */
}

static void *deep_body(void *arg) {
  (void)arg;
  printf("BEFORE\n");
  fflush(stdout);
  recurse(0);
  printf("AFTER-OVERFLOW\n"); /* must never appear */
  fflush(stdout);
  return NULL;
}

static void *canary_body(void *arg) {
  (void)arg;
  sy_coro *self = sy_self();
  /* the lowest word of the usable stack, where an overflow would land
   * first: the runtime notices at the next switch */
  char *top = (char *)self; /* the record sits near the top of the stack */
  char *low = top - (sy_coro_stack_size(self) - 4096);
  low = (char *)((uintptr_t)low & ~(uintptr_t)4095);
  memset(low, 0x41, 64);
  OK(sy_yield(NULL, NULL));
  printf("AFTER-OVERFLOW\n");
  return NULL;
}

static char *fault_page;

static void touch_fault_page(void) { *(volatile char *)fault_page = 1; }

static void prev_siginfo(int sig, siginfo_t *info, void *uc) {
  (void)uc;
  char msg[] = "previous SA_SIGINFO handler called\n";
  write(1, msg, sizeof msg - 1);
  _exit(sig == SIGSEGV && info->si_addr == fault_page ? 42 : 1);
}

static void prev_plain(int sig) {
  char msg[] = "previous plain handler called\n";
  write(1, msg, sizeof msg - 1);
  _exit(sig == SIGSEGV ? 43 : 1);
}

static void *finish_at_once(void *arg) { return arg; }

/* creating a coroutine installs the runtime's handler (after the test's) */
static void start_runtime(void) {
  sy_coro *co;
  OK(sy_coro_create(&co, finish_at_once, NULL, NULL));
  CHECK_EQ(sy_coro_resume(co, NULL, NULL), SY_CORO_FINISHED);
  OK(sy_coro_destroy(co));
}

static void *wild_body(void *arg) {
  (void)arg;
  touch_fault_page();
  printf("AFTER-FAULT\n");
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *mode = argc > 1 ? argv[1] : "";
  fault_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(fault_page != MAP_FAILED);
  sy_coro_attr deep = {.stack_size = 64 * 1024, .name = "deep-recursion"};

  if (!strcmp(mode, "overflow-sched")) {
    sy_sched *s;
    OK(sy_sched_create(&s, 1));
    OK(sy_spawn(s, finish_at_once, NULL, NULL, NULL)); /* so the victim's id is not 1 */
    OK(sy_spawn(s, deep_body, NULL, &deep, NULL));
    sy_sched_run(s);
  } else if (!strcmp(mode, "overflow-manual")) {
    sy_coro *co;
    OK(sy_coro_create(&co, deep_body, NULL, &deep));
    sy_coro_resume(co, NULL, NULL);
  } else if (!strcmp(mode, "canary")) {
    sy_sched *s;
    sy_coro_attr unguarded = {.stack_size = 16 * 1024, .name = "unguarded", .flags = SY_CORO_NOGUARD};
    OK(sy_sched_create(&s, 1));
    OK(sy_spawn(s, canary_body, NULL, &unguarded, NULL));
    sy_sched_run(s);
  } else if (!strcmp(mode, "chain-siginfo") || !strcmp(mode, "chain-plain")) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    if (!strcmp(mode, "chain-siginfo")) {
      sa.sa_sigaction = prev_siginfo;
      sa.sa_flags = SA_SIGINFO;
    } else {
      sa.sa_handler = prev_plain;
    }
    sigemptyset(&sa.sa_mask);
    CHECK_EQ(sigaction(SIGSEGV, &sa, NULL), 0);
    start_runtime();
    touch_fault_page();
  } else if (!strcmp(mode, "chain-default")) {
    start_runtime();
    touch_fault_page();
  } else if (!strcmp(mode, "wild-pointer")) {
    sy_coro *co;
    OK(sy_coro_create(&co, wild_body, NULL, NULL));
    sy_coro_resume(co, NULL, NULL);
  } else {
    fprintf(stderr, "unknown mode '%s'\n", mode);
    return 2;
  }
  printf("AFTER-%s\n", mode); /* reaching here is a failure */
  return 0;
}

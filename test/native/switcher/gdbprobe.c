/*
 * gdbprobe.c: a coroutine with a known call chain for the debugger test in
 * switcher.test.ts. gdb breaks in gdbprobe_marker twice: once on the first
 * entry (chain: marker <- level2 <- gdbprobe_entry <- sy_context_trampoline)
 * and once after the coroutine was suspended and resumed by sy_switch (same
 * chain, reached through a return from sy_switch). Neither backtrace may
 * reach main's stack.
 */
#include <stdio.h>
#include <stdlib.h>

#include "switchyard/context.h"

static sy_context main_ctx, co_ctx;
static char co_stack[128 * 1024] __attribute__((aligned(16)));
volatile int gdbprobe_sink;

__attribute__((noinline)) void gdbprobe_marker(int round) { gdbprobe_sink = round; }

__attribute__((noinline)) void gdbprobe_level2(int round) {
  gdbprobe_marker(round);
  gdbprobe_sink++;
}

static void gdbprobe_entry(void *value) {
  int round = (int)(long)value;
  for (;;) {
    gdbprobe_level2(round);
    round = (int)(long)sy_switch(&co_ctx, &main_ctx, (void *)(long)(round * 10));
  }
}

int main(void) {
  sy_context_make(&co_ctx, co_stack, sizeof co_stack, gdbprobe_entry);
  long a = (long)sy_switch(&main_ctx, &co_ctx, (void *)1L);
  long b = (long)sy_switch(&main_ctx, &co_ctx, (void *)2L);
  printf("gdbprobe done %ld %ld\n", a, b);
  return a == 10 && b == 20 ? 0 : 1;
}

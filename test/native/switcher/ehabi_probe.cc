/*
 * ehabi_probe.cc: C++ exceptions inside a coroutine on 32-bit Arm, where
 * they unwind through the EHABI tables (.ARM.exidx), not .eh_frame.
 *
 *   ehabi_probe           a coroutine throws and catches 1000 times, switching
 *                         to main after each; main throws and catches between
 *                         the switches too. Prints "ehabi OK ..." on success.
 *   ehabi_probe escape    the coroutine lets an exception escape its entry
 *                         function: unwinding reaches the trampoline, whose
 *                         EXIDX_CANTUNWIND entry ends the search, so the
 *                         runtime calls std::terminate (SIGABRT) instead of
 *                         walking off the coroutine's stack.
 */
#include <cstdio>
#include <cstring>
#include <stdexcept>

extern "C" {
#include "switchyard/context.h"
}

static sy_context main_ctx, co_ctx;
static char co_stack[256 * 1024] __attribute__((aligned(16)));
static bool escape;

__attribute__((noinline)) static void thrower(long n) {
  if (n >= 0) throw std::runtime_error("thrown inside a coroutine");
}

__attribute__((noinline)) static long catcher(long n) {
  try {
    thrower(n);
  } catch (const std::runtime_error &e) {
    return std::strcmp(e.what(), "thrown inside a coroutine") == 0 ? n + 1 : -1;
  }
  return -2;
}

static void entry(void *value) {
  long n = reinterpret_cast<long>(value);
  for (;;) {
    if (escape) thrower(n);
    n = reinterpret_cast<long>(sy_switch(&co_ctx, &main_ctx, reinterpret_cast<void *>(catcher(n))));
  }
}

int main(int argc, char **argv) {
  escape = argc > 1 && std::strcmp(argv[1], "escape") == 0;
  sy_context_make(&co_ctx, co_stack, sizeof co_stack, entry);
  long caught_in_main = 0;
  for (long i = 0; i < 1000; i++) {
    long got = reinterpret_cast<long>(sy_switch(&main_ctx, &co_ctx, reinterpret_cast<void *>(i)));
    if (got != i + 1) {
      std::fprintf(stderr, "ehabi FAIL: round %ld: the coroutine answered %ld\n", i, got);
      return 1;
    }
    try {
      thrower(i);
    } catch (const std::exception &) {
      caught_in_main++;
    }
  }
  std::printf("ehabi OK: 1000 exceptions caught inside the coroutine, %ld in main between switches\n", caught_in_main);
  return caught_in_main == 1000 ? 0 : 1;
}

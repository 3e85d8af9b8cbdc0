/*
 * win64_seh.cc: C++ exceptions and Windows unwinding inside coroutines made
 * by the generated x86-64 Windows switcher (built with mingw-w64 g++, whose
 * exceptions go through Windows' SEH dispatcher: RtlUnwindEx and the
 * .pdata/.xdata unwind codes).
 *
 *   win64_seh             run every check, print one summary line, exit 0
 *   win64_seh --uncaught  a coroutine throws and nobody catches: the
 *                         dispatcher's walk ends at the coroutine's
 *                         StackBase, where no top-level handler is, and the
 *                         process ends with the exception's code, as an
 *                         unhandled exception in a thread does (the test
 *                         checks Wine's report: unhandled, not "not in
 *                         stack limits")
 *
 * The dispatcher refuses frames outside the TEB's [StackLimit, StackBase],
 * so every throw here also proves that the switch swaps those fields.
 */
#include <windows.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

#include "switchyard/context.h"

extern "C" void sy_context_trampoline(void);

namespace {

constexpr size_t kStack = 256 * 1024;
constexpr int kRounds = 500;

sy_context main_ctx, a_ctx, b_ctx;
int destructors = 0;
int caught = 0;

[[noreturn]] void fail(const char *what) {
  std::fflush(stdout);
  std::fprintf(stderr, "win64-seh FAIL: %s\n", what);
  std::fflush(stderr);
  _exit(1);
}

char *new_stack() {
  auto *p = static_cast<char *>(VirtualAlloc(nullptr, kStack, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE));
  if (!p) fail("VirtualAlloc");
  return p;
}

struct Counted {
  ~Counted() { destructors++; }
};

// noinline so the throw passes real frames with unwind codes
__attribute__((noinline)) void thrower(int depth, int n) {
  Counted c;
  if (depth == 0) throw std::runtime_error("round " + std::to_string(n));
  thrower(depth - 1, n);
  __asm__ volatile("" ::: "memory");
}

/* ---- the unwind walk: what a debugger or the dispatcher sees from inside a coroutine ---- */

struct Walk {
  const void *functions[32];
  int frames;
  uint64_t last_rsp, last_rip, stack_base;
};

__attribute__((noinline)) Walk walk_from_here() {
  Walk w{};
  CONTEXT ctx;
  RtlCaptureContext(&ctx);
  __asm__ volatile("movq %%gs:0x08, %0" : "=r"(w.stack_base));  // NT_TIB StackBase
  while (ctx.Rip && w.frames < 32) {
    DWORD64 image = 0;
    PRUNTIME_FUNCTION fn = RtlLookupFunctionEntry(ctx.Rip, &image, nullptr);
    if (!fn) {  // a leaf: the return address is at rsp
      w.functions[w.frames++] = nullptr;
      ctx.Rip = *reinterpret_cast<DWORD64 *>(ctx.Rsp);
      ctx.Rsp += 8;
      continue;
    }
    w.functions[w.frames++] = reinterpret_cast<const void *>(image + fn->BeginAddress);
    void *handler_data;
    DWORD64 establisher;
    RtlVirtualUnwind(UNW_FLAG_NHANDLER, image, ctx.Rip, fn, &ctx, &handler_data, &establisher, nullptr);
  }
  w.last_rsp = ctx.Rsp;
  w.last_rip = ctx.Rip;
  return w;
}

Walk walked;

__attribute__((noinline)) void walk_level2() {
  walked = walk_from_here();
  __asm__ volatile("" ::: "memory");
}

/* ---- coroutines ---- */

void a_entry(void *value) {
  int n = static_cast<int>(reinterpret_cast<intptr_t>(value));
  walk_level2();
  for (;;) {
    // a try block left open across a switch: B throws and catches on its own
    // stack meanwhile, then this one throws into the still-open block
    try {
      sy_switch(&a_ctx, &b_ctx, reinterpret_cast<void *>(static_cast<intptr_t>(n)));
      thrower(3, n);
      fail("A: thrower returned");
    } catch (const std::runtime_error &e) {
      if (e.what() != "round " + std::to_string(n)) fail("A: caught the wrong exception");
      caught++;
    }
    n = static_cast<int>(reinterpret_cast<intptr_t>(sy_switch(&a_ctx, &main_ctx, reinterpret_cast<void *>(static_cast<intptr_t>(n)))));
  }
}

void b_entry(void *value) {
  int n = static_cast<int>(reinterpret_cast<intptr_t>(value));
  for (;;) {
    try {
      thrower(5, n);
    } catch (const std::exception &e) {
      if (e.what() != "round " + std::to_string(n)) fail("B: caught the wrong exception");
      caught++;
    }
    n = static_cast<int>(reinterpret_cast<intptr_t>(sy_switch(&b_ctx, &a_ctx, nullptr)));
  }
}

void uncaught_entry(void *) {
  thrower(2, -1);
  fail("uncaught: thrower returned");
}

const char *name_of(const void *f) {
  if (f == reinterpret_cast<const void *>(&walk_from_here)) return "walk_from_here";
  if (f == reinterpret_cast<const void *>(&walk_level2)) return "walk_level2";
  if (f == reinterpret_cast<const void *>(&a_entry)) return "a_entry";
  if (f == reinterpret_cast<const void *>(&sy_context_trampoline)) return "sy_context_trampoline";
  return f ? "?" : "(leaf)";
}

}  // namespace

int main(int argc, char **argv) {
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  if (argc > 1 && std::strcmp(argv[1], "--uncaught") == 0) {
    sy_context_make(&a_ctx, new_stack(), kStack, uncaught_entry);
    sy_switch(&main_ctx, &a_ctx, nullptr);
    fail("uncaught: came back to main");
  }

  sy_context_make(&a_ctx, new_stack(), kStack, a_entry);
  sy_context_make(&b_ctx, new_stack(), kStack, b_entry);
  int main_caught = 0;
  for (int n = 0; n < kRounds; n++) {
    // main → A → B (throws, catches) → A (throws into its open try) → main
    void *back = sy_switch(&main_ctx, &a_ctx, reinterpret_cast<void *>(static_cast<intptr_t>(n)));
    if (back != reinterpret_cast<void *>(static_cast<intptr_t>(n))) fail("main: wrong value back");
    try {  // and main's own stack still unwinds
      thrower(1, n);
    } catch (const std::runtime_error &) {
      main_caught++;
    }
  }
  if (caught != 2 * kRounds || main_caught != kRounds) fail("not every exception was caught where it was thrown");
  int expected_destructors = kRounds * ((3 + 1) + (5 + 1) + (1 + 1));
  if (destructors != expected_destructors) fail("destructors of unwound frames did not all run");

  // the walk from inside A: its own functions, then the trampoline, then a
  // null return address exactly at the coroutine's StackBase
  std::string chain;
  for (int i = 0; i < walked.frames; i++) chain += std::string(i ? " <- " : "") + name_of(walked.functions[i]);
  const char *expect = "walk_from_here <- walk_level2 <- a_entry <- sy_context_trampoline";
  if (chain != expect) {
    std::fprintf(stderr, "win64-seh FAIL: unwind walk inside a coroutine: %s (expected %s)\n", chain.c_str(), expect);
    return 1;
  }
  if (walked.last_rip != 0 || walked.last_rsp != walked.stack_base) {
    std::fprintf(stderr, "win64-seh FAIL: the walk ended at rip 0x%llx rsp 0x%llx, not at a null return address at StackBase 0x%llx\n",
                 (unsigned long long)walked.last_rip, (unsigned long long)walked.last_rsp, (unsigned long long)walked.stack_base);
    return 1;
  }
  std::printf("win64-seh OK: %d exceptions caught inside coroutines and %d in main, %d destructors run; unwind walk: %s, ends at StackBase\n",
              caught, main_caught, destructors, chain.c_str());
  return 0;
}

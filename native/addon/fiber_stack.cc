// fiber_stack.cc: fiber stacks from the C runtime's allocator
// (native/src/stack.c): slab stacks with guard regions where the kernel has
// them; elsewhere stacks with a guard page of their own up to a budget of
// kernel mappings, and unguarded slab stacks beyond it. See fiber_stack.h
// for what protects each.
#include "fiber_stack.h"

#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "switchyard.h"

namespace switchyard {

namespace {

// Fiber stacks with a guard page of their own mapped now, in the whole
// process (worker threads share the mapping limit).
std::atomic<size_t> g_guarded{0};

long ReadLongFile(const char* path, long fallback) {
  FILE* f = std::fopen(path, "r");
  if (f == nullptr) return fallback;
  long v = fallback;
  if (std::fscanf(f, "%ld", &v) != 1) v = fallback;
  std::fclose(f);
  return v;
}

long MaxMapCount() { return ReadLongFile("/proc/sys/vm/max_map_count", 65530); }

long MappingsInUse() {
  FILE* f = std::fopen("/proc/self/maps", "r");
  if (f == nullptr) return -1;
  long n = 0;
  char line[512];
  while (std::fgets(line, sizeof line, f) != nullptr)
    if (std::strchr(line, '\n') != nullptr) n++;
  std::fclose(f);
  return n;
}

size_t ComputeBudget() {
  const char* env = std::getenv("SWITCHYARD_GUARDED_STACKS");
  if (env != nullptr && *env != '\0') {
    char* end = nullptr;
    unsigned long long v = std::strtoull(env, &end, 10);
    if (end != nullptr && *end == '\0') return static_cast<size_t>(v);
  }
  long max = MaxMapCount();
  return max > 0 ? static_cast<size_t>(max) / 4 : 0;
}

// Why mapping a stack failed (mmap said ENOMEM): the mapping limit, the
// address-space limit, or memory itself. Only on the failure path: it
// reads /proc.
std::string DescribeFailure(size_t size) {
  std::string what = "could not allocate a " + std::to_string(size / 1024) + " KiB fiber stack: ";
  long max = MaxMapCount();
  long used = MappingsInUse();
  if (max > 0 && used >= 0 && used + 8 >= max) {
    return what + "the process has used up its kernel memory mappings (" + std::to_string(used) +
           " of vm.max_map_count " + std::to_string(max) + ")";
  }
  struct rlimit as;
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) {
    return what + "out of address space (mmap failed under RLIMIT_AS, `ulimit -v`, of " +
           std::to_string(static_cast<unsigned long long>(as.rlim_cur) >> 20) + " MiB)";
  }
  return what + "out of memory (mmap failed)";
}

bool ComputeGuardRegions() {
  const char* env = std::getenv("SWITCHYARD_GUARD_REGIONS");
  if (env != nullptr && std::strcmp(env, "0") == 0) {
    // only possible before the first slab; fiber stacks are its first users
    if (sy_stack_slab_set_guard_regions(0) != SY_OK) return sy_stack_slab_guarded() != 0;
    return false;
  }
  return sy_stack_slab_guarded() != 0;
}

}  // namespace

bool GuardRegions() {
  static const bool on = ComputeGuardRegions();
  return on;
}

size_t GuardedStackBudget() {
  static const size_t budget = ComputeBudget();
  return budget;
}

size_t GuardedStacksMapped() { return g_guarded.load(std::memory_order_relaxed); }

bool FiberStackAlloc(FiberStack* out, size_t size, std::string* why) {
  sy_stack s;
  if (GuardRegions()) {
    if (sy_stack_alloc_slab(&s, size) == SY_OK) {
      *out = FiberStack{s.base, s.size, true, true};
      return true;
    }
    *why = DescribeFailure(size);
    return false;
  }
  // Reserve a slot in the budget first, so that threads racing for the last
  // ones cannot overshoot it.
  if (g_guarded.fetch_add(1, std::memory_order_relaxed) < GuardedStackBudget()) {
    if (sy_stack_alloc(&s, size) == SY_OK) {
      *out = FiberStack{s.base, s.size, true, false};
      return true;
    }
    // The kernel refused even within the budget (other code holds many
    // mappings, or memory is short): an unguarded stack may still fit.
  }
  g_guarded.fetch_sub(1, std::memory_order_relaxed);
  if (sy_stack_alloc_slab(&s, size) == SY_OK) {
    *out = FiberStack{s.base, s.size, false, true};
    FiberStackArm(*out);
    return true;
  }
  *why = DescribeFailure(size);
  return false;
}

void FiberStackFree(FiberStack* stack) {
  if (stack->base == nullptr) return;
  sy_stack s{stack->base, stack->size};
  if (stack->slab) {
    sy_stack_free_slab(&s);
  } else {
    sy_stack_free(&s);
    g_guarded.fetch_sub(1, std::memory_order_relaxed);
  }
  *stack = FiberStack{};
}

void FiberStackArm(const FiberStack& s) {
  if (s.guarded) return;
  volatile uintptr_t* low = static_cast<volatile uintptr_t*>(s.base);
  if (*low != 0) *low = 0;  // a read alone leaves an untouched page unresident
}

void FiberStackOverflowAbort(const FiberStack& s) {
  std::fprintf(stderr,
               "switchyard: fiber stack overflow: native code ran past the low end of a %zu KiB fiber stack "
               "without a guard page (the word at %p was overwritten; see SWITCHYARD_GUARDED_STACKS); aborting\n",
               s.size / 1024, s.base);
  std::fflush(stderr);
  std::abort();
}

}  // namespace switchyard

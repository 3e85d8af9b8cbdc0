// fiber_stack.h: native stacks for fibers. A thin seam over the runtime's
// stack allocator (native/src/stack.c) so the addon has one place that
// decides where stacks come from, and how each is protected.
//
// Guard pages cost kernel mappings: a stack mapped on its own with a
// PROT_NONE guard page below it is two of them, and Linux caps a process at
// vm.max_map_count mappings (65530 by default), about 32k such stacks. So:
//   - where the kernel has lightweight guard regions (Linux 6.13+,
//     MADV_GUARD_INSTALL), every fiber stack is carved from a shared slab
//     (one mapping per up to 64 MiB of stacks) with a guard region below
//     it: all guarded, and 100,000 fibers take ~1,600 mappings;
//   - elsewhere the first GuardedStackBudget() stacks mapped at once get a
//     guard page of their own (a quarter of the limit by default, leaving
//     the rest to V8's heap and everything else in the process), and the
//     others come from slabs with an unused page below them, no guard.
// What protects each:
//   - every fiber: V8's own JS stack limit, kStackMargin (tls_backend.cc)
//     above the stack's low end, turns deep JS recursion into a RangeError
//     long before the end;
//   - guarded (a page or a region): native code that runs past the end
//     faults (SIGSEGV, the process dies as it would on a thread's stack);
//   - unguarded: native code that runs past the end writes into the unused
//     page below the stack and then into the stack below it. The lowest
//     word of the stack, which a fiber that stays inside its stack never
//     writes, is checked at each switch out of the fiber and when its body
//     ends, and the process aborts with a message naming the overflow if it
//     changed (it may have corrupted a neighbour by then). Checked by
//     reading it, never written: on most kernels an untouched page read
//     maps the shared zero page and costs no resident memory, where a
//     written canary would cost a page per fiber.
#ifndef SWITCHYARD_ADDON_FIBER_STACK_H
#define SWITCHYARD_ADDON_FIBER_STACK_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace switchyard {

struct FiberStack {
  void* base = nullptr;  // lowest usable address (a guard page or region, or an unused page, lies below)
  size_t size = 0;       // usable bytes from base upwards
  bool guarded = false;  // what lies below base faults when touched
  bool slab = false;     // carved from a shared slab (else a mapping of its own)
};

// A stack of `size` bytes (whole pages), chosen as above. False when none
// could be mapped; *why then says what ran out (memory mappings, address
// space under RLIMIT_AS, or memory).
bool FiberStackAlloc(FiberStack* out, size_t size, std::string* why);
void FiberStackFree(FiberStack* stack);

// Whether fiber stacks come from slabs with guard regions (the kernel has
// them, and SWITCHYARD_GUARD_REGIONS is not 0).
bool GuardRegions();
// Without guard regions: how many stacks with a guard page of their own may
// be mapped at once in this process: SWITCHYARD_GUARDED_STACKS if set
// (tests, tuning), else a quarter of vm.max_map_count.
size_t GuardedStackBudget();
// How many stacks with a guard page of their own are mapped now.
size_t GuardedStacksMapped();

// Unguarded stacks' overflow check (see above). A stack handed out again
// may have been written at its low end by an earlier fiber that went that
// deep without overflowing: FiberStackArm clears the word then.
inline bool FiberStackIntact(const FiberStack& s) {
  return s.guarded || *static_cast<const volatile uintptr_t*>(s.base) == 0;
}
void FiberStackArm(const FiberStack& s);
[[noreturn]] void FiberStackOverflowAbort(const FiberStack& s);

}  // namespace switchyard

#endif

// fiber_stack.cc: fiber stacks come from the C runtime's allocator
// (native/src/stack.c: mmap, guard page below base, per-thread pool).
#include "fiber_stack.h"

#include "switchyard.h"

namespace switchyard {

bool FiberStackAlloc(FiberStack* out, size_t size) {
  sy_stack s;
  if (sy_stack_alloc(&s, size) != SY_OK) return false;
  out->base = s.base;
  out->size = s.size;
  return true;
}

void FiberStackFree(FiberStack* stack) {
  if (stack->base == nullptr) return;
  sy_stack s{stack->base, stack->size};
  sy_stack_free(&s);
  stack->base = nullptr;
  stack->size = 0;
}

}  // namespace switchyard

// fiber_stack.h: native stacks for fibers. A thin seam over the runtime's
// stack allocator (sy_stack_alloc in native/src) so the addon has one place
// that decides where stacks come from.
#ifndef SWITCHYARD_ADDON_FIBER_STACK_H
#define SWITCHYARD_ADDON_FIBER_STACK_H

#include <cstddef>

namespace switchyard {

struct FiberStack {
  void* base = nullptr;  // lowest usable address (a guard page lies below)
  size_t size = 0;       // usable bytes from base upwards
};

bool FiberStackAlloc(FiberStack* out, size_t size);
void FiberStackFree(FiberStack* stack);

}  // namespace switchyard

#endif

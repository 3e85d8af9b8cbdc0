// cped_guard.h: keeps V8's "continuation preserved embedder data" (CPED) out
// of the scavenger's reach while fibers exist.
//
// Why: V8 12+ visits the isolate's single CPED slot once for the running
// thread and once more for every archived thread (Isolate::Iterate(v, thread)
// visits continuation_preserved_embedder_data_address(), the isolate's slot,
// not a per-thread copy). A suspended fiber is an archived V8 thread. The
// scavenger's root visitor is not idempotent: the second visit evacuates the
// already-copied object again and leaves a forwarding word where its map
// was, so every other reference to it now points at a broken object. CPED is
// a young object whenever AsyncLocalStorage is active on Node 24+ (its
// AsyncContextFrame lives there), so any scavenge with a fiber suspended
// corrupted the heap.
//
// The guard moves CPED into a strong global handle (visited exactly once)
// for the duration of each scavenge and puts it back afterwards. Mark-compact
// visits are idempotent (mark bits, forwarding checks) and need nothing.
#ifndef SWITCHYARD_ADDON_CPED_GUARD_H
#define SWITCHYARD_ADDON_CPED_GUARD_H

#include <v8.h>

namespace switchyard {

class CpedGuard {
 public:
  explicit CpedGuard(v8::Isolate* isolate);
  ~CpedGuard();
  CpedGuard(const CpedGuard&) = delete;
  CpedGuard& operator=(const CpedGuard&) = delete;

 private:
  static void Prologue(v8::Isolate* isolate, v8::GCType type, v8::GCCallbackFlags flags, void* data);
  static void Epilogue(v8::Isolate* isolate, v8::GCType type, v8::GCCallbackFlags flags, void* data);

  v8::Isolate* isolate_;
  v8::Global<v8::Value> stash_;
  bool stashed_ = false;
};

}  // namespace switchyard

#endif

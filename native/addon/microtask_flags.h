// microtask_flags.h: "has a microtask started on this V8 thread?", read from
// V8's own per-thread bookkeeping, for the yield check in fiber_core.cc.
//
// V8's HandleScopeImplementer keeps, per V8 thread, the stack of entered
// contexts and beside it one byte per entry: 1 where the entry is the
// context of a running microtask (promise reactions, queueMicrotask and
// thenable jobs enter one; only native callback microtasks do not). Every
// fiber is its own V8 thread, so that vector lists exactly the microtasks
// that started on the fiber and are still running: a few loads, where the
// API's way (the queues of the current and the entered context, asked on
// every resume and every yield) takes two handles and several calls into V8,
// about a sixth of a fiber round trip. V8 12 (Node 22) dropped the vector
// (a microtask's context is entered like any other), so there the probe
// finds nothing and the queues are asked.
//
// The vector's place is found by probe, never assumed: snapshots of the
// implementer's words are taken inside a plain Context::Scope and inside a
// microtask run on a private queue, and exactly one (data, capacity, size)
// triple must have grown by one entry in both, ending in 0 and 1
// respectively. Anything else: Discover() says why, and the caller keeps
// the API's way.
#ifndef SWITCHYARD_ADDON_MICROTASK_FLAGS_H
#define SWITCHYARD_ADDON_MICROTASK_FLAGS_H

#include <v8.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

namespace switchyard {

class MicrotaskFlags {
 public:
  // `hsi`: the isolate's HandleScopeImplementer, whose first `bytes` bytes
  // hold its vectors. The isolate is locked and entered by the calling
  // thread, inside a context (the probe runs a microtask in it).
  static std::unique_ptr<MicrotaskFlags> Discover(v8::Isolate* isolate, char* hsi, size_t bytes,
                                                  std::string* why);

  // Whether a microtask context is on the running V8 thread's stack of
  // entered contexts.
  bool InMicrotask() const {
    const uint8_t* flags;
    size_t n;
    std::memcpy(&flags, hsi_ + offset_, sizeof flags);
    std::memcpy(&n, hsi_ + offset_ + 2 * sizeof(void*), sizeof n);
    // A handful of entries: a plain loop (an early exit keeps it scalar).
    for (size_t i = 0; i < n; i++)
      if (flags[i] != 0) return true;
    return false;
  }

 private:
  MicrotaskFlags(char* hsi, size_t offset) : hsi_(hsi), offset_(offset) {}
  char* hsi_;
  size_t offset_;  // of the vector's data pointer; its size is two words on
};

}  // namespace switchyard

#endif

// tls_identity.h: V8's notion of "which thread am I" lives in C++ thread_local
// variables of the node executable. On Linux those live in the executable's
// static TLS block (module id 1), so a fiber can carry its own V8 thread
// identity by swapping the two slots that make it up on every switch: V8's
// thread id and its cached stack start. The rest of the block belongs to
// the OS thread and is shared by its fibers, as by any code on that thread.
//
// This module finds the block and those two slots at run time (never
// hard-coded offsets) and refuses to work if discovery is ambiguous.
#ifndef SWITCHYARD_ADDON_V8_HANDOFF_TLS_IDENTITY_H
#define SWITCHYARD_ADDON_V8_HANDOFF_TLS_IDENTITY_H

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace v8 {
class Isolate;
}

namespace switchyard {

// Upper bound for the block that discovery snapshots and compares.
constexpr size_t kMaxTlsBlock = 4096;

struct TlsLayout {
  size_t thread_id_offset = 0;   // int32 slot: V8 ThreadId (0 = not assigned yet)
  size_t stack_start_offset = 0; // pointer slot: cached v8::base::Stack::GetStackStart()
};
// Discovers the layout (once per process; `isolate` must be locked by the
// calling thread). Returns false and fills *error with a human-readable
// reason when the mechanism cannot be used safely.
bool TlsDiscover(v8::Isolate* isolate, std::string* error);
const TlsLayout& TlsGetLayout();

// The calling thread's live instance of the executable's TLS block.
uint8_t* TlsLiveBlock();

// A V8 thread identity: what a fiber carries while it is not running.
// Every other thread_local (V8's current isolate and per-thread data, which
// Isolate::Enter/Exit set and put back, caches of the OS thread id, Node's
// and the runtime's lazily built statics and destructor lists) describes
// the OS thread, and a private copy per fiber would only go stale.
struct TlsIdentity {
  int32_t thread_id = 0;     // 0: V8 assigns one on first use (never reused, so a carrier keeps its own)
  uintptr_t stack_start = 0; // the highest address of the identity's stack
};

inline TlsIdentity TlsReadIdentity(const uint8_t* live, const TlsLayout& layout) {
  TlsIdentity id;
  __builtin_memcpy(&id.thread_id, live + layout.thread_id_offset, sizeof id.thread_id);
  __builtin_memcpy(&id.stack_start, live + layout.stack_start_offset, sizeof id.stack_start);
  return id;
}
inline void TlsWriteIdentity(uint8_t* live, const TlsLayout& layout, const TlsIdentity& id) {
  __builtin_memcpy(live + layout.thread_id_offset, &id.thread_id, sizeof id.thread_id);
  __builtin_memcpy(live + layout.stack_start_offset, &id.stack_start, sizeof id.stack_start);
}


}  // namespace switchyard

#endif

// tls_identity.h: V8's notion of "which thread am I" lives in C++ thread_local
// variables of the node executable. On x64 Linux those live in the
// executable's static TLS block (module id 1), so a fiber can carry its own
// V8 thread identity by swapping the contents of that block on every switch.
//
// This module finds the block and the two slots that matter at run time
// (never hard-coded offsets) and refuses to work if discovery is ambiguous.
#ifndef SWITCHYARD_ADDON_TLS_IDENTITY_H
#define SWITCHYARD_ADDON_TLS_IDENTITY_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace v8 {
class Isolate;
}

namespace switchyard {

// Upper bound for the block we are willing to copy on every switch.
constexpr size_t kMaxTlsBlock = 4096;

struct TlsLayout {
  size_t size = 0;               // PT_TLS p_memsz of the executable
  size_t thread_id_offset = 0;   // int32 slot: V8 ThreadId (0 = not assigned yet)
  size_t stack_start_offset = 0; // pointer slot: cached v8::base::Stack::GetStackStart()
};

// Where the calling thread's current stack limit can be read. V8 >= 12
// (Node 24, 26) derives an isolate-wide "stack size" from the last
// SetStackLimit call (GetStackStart() - limit) and uses it to decide whether
// the current stack is the "central stack"; Node 26 CHECKs that when it
// throws a stack overflow. That value is not archived by Unlocker, so after
// every switch the incoming side must call SetStackLimit(its own limit)
// again, and the thread's own stack has a limit V8 chose. The words are
// found by probe inside the StackGuard (v8::internal::Internals::
// kIsolateStackGuardOffset / kStackGuardSize, public header constants):
// those that follow two SetStackLimit calls exactly.
struct StackLimitLayout {
  static constexpr int kMaxWords = 8;
  int count = 0;
  size_t offsets[kMaxWords] = {};  // byte offsets from the v8::Isolate*
};

// Probes the words (once per process; isolate locked by the calling thread,
// which must be running on its own thread stack). False + *error: refuse.
bool StackLimitDiscover(v8::Isolate* isolate, std::string* error);
// The calling thread's current JS stack limit (the real one, not an
// interrupt request marker).
uintptr_t StackLimitCurrent(v8::Isolate* isolate);

// Discovers the layout (once per process; `isolate` must be locked by the
// calling thread). Returns false and fills *error with a human-readable
// reason when the mechanism cannot be used safely.
bool TlsDiscover(v8::Isolate* isolate, std::string* error);
const TlsLayout& TlsGetLayout();

// The calling thread's live instance of the executable's TLS block.
uint8_t* TlsLiveBlock();

inline void TlsSave(uint8_t* live, uint8_t* dst, size_t n) {
  __builtin_memcpy(dst, live, n);
}
inline void TlsInstall(uint8_t* live, const uint8_t* src, size_t n) {
  __builtin_memcpy(live, src, n);
}

// Turns `block` (a copy of some running thread's block) into the identity of
// a fresh V8 thread whose stack starts (highest address) at stack_top.
// thread_id: 0 to let V8 assign a new id on first use, or an id previously
// assigned to this carrier (ids are never reused by V8, so we keep them).
void TlsPrepareIdentity(uint8_t* block, void* stack_top, int32_t thread_id);
int32_t TlsThreadId(const uint8_t* block);

}  // namespace switchyard

#endif

// handoff_ops.h: what the hand-off knows about the running V8: the
// functions it calls and the field offsets V8's own code uses, filled once
// per process by DiscoverHandoff from the executable's machine code.
#ifndef SWITCHYARD_ADDON_V8_HANDOFF_HANDOFF_OPS_H
#define SWITCHYARD_ADDON_V8_HANDOFF_HANDOFF_OPS_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "straight_copy.h"
#include "v8_symbols.h"

namespace switchyard {

// Process-wide: V8's functions and the field offsets its code uses.
struct HandoffOps {
  // ThreadManager
  void (*archive_thread)(void* tm) = nullptr;
  void (*restore_thread)(void* tm) = nullptr;  // returns bool; ignored
  void (*lock)(void* tm) = nullptr;
  void (*unlock)(void* tm) = nullptr;
  char* (*get_free_thread_state)(void* tm) = nullptr;
  // Isolate
  void* (*find_or_allocate_per_thread)(void* isolate) = nullptr;
  // archive / restore of each part, in V8's order
  char* (*hsi_archive)(void*, char*) = nullptr;
  char* (*hsi_restore)(void*, char*) = nullptr;
  char* (*isolate_archive)(void*, char*) = nullptr;
  char* (*isolate_restore)(void*, char*) = nullptr;
  char* (*reloc_archive)(void* isolate, char*) = nullptr;  // static, takes the isolate
  char* (*reloc_restore)(void* isolate, char*) = nullptr;
  char* (*sg_archive)(void*, char*) = nullptr;
  char* (*sg_restore)(void*, char*) = nullptr;
  char* (*debug_archive)(void*, char*) = nullptr;
  char* (*debug_restore)(void*, char*) = nullptr;
  char* (*regexp_archive)(void*, char*) = nullptr;
  char* (*regexp_restore)(void*, char*) = nullptr;
  char* (*boot_archive)(void*, char*) = nullptr;
  char* (*boot_restore)(void*, char*) = nullptr;
  // base::RecursiveMutex (the isolate's break_access_)
  void (*rmutex_lock)(void*) = nullptr;
  void (*rmutex_unlock)(void*) = nullptr;
  // Heap::SetStackStart, what Isolate::Enter does first (see
  // the Isolate::Enter patterns); nullptr: not matched, use Enter + Exit.
  void (*set_stack_start)(void* heap, void* start) = nullptr;
  // Or (V8 >= 13) Heap::SetStackStart(), which reads GetStackStart() itself.
  void (*set_stack_start_here)(void* heap) = nullptr;
  int32_t iso_heap = 0;

  // offsets (bytes)
  int32_t iso_tm = 0, iso_hsi = 0, iso_debug = 0, iso_regexp = 0, iso_boot = 0, iso_break_access = 0;
  int32_t iso_stack_guard = 0;
  int32_t tm_isolate = 0, tm_owner = 0;
  int32_t tm_free_anchor = 0, tm_in_use_anchor = 0;  // its ThreadState lists
  int32_t pt_state = 0;    // PerIsolateThreadData::thread_state_
  int32_t state_data = 0;  // ThreadState::data_ (id_ is at 0)
  size_t debug_size = 0;   // Debug::ArchiveSpacePerThread()

  // Where V8's HandleScopeImplementer and StackGuard archive functions are
  // known copies (see the HandleScopeImplementer and StackGuard patterns), the hand-off
  // copies the bytes itself: V8's versions reload fields they have just
  // stored with a different width (store-forwarding stalls, ~15% of a round
  // trip), the StackGuard ones take the execution-access lock again, and
  // both reset the live state, which the receiver's restore overwrites
  // anyway. 0: call V8's functions.
  int32_t hsi_size = 0;    // HandleScopeImplementer (what is archived)
  int32_t hsd_in_hsi = 0;  // its copy of the isolate's HandleScopeData, at its end
  int32_t hsd_size = 0;
  int32_t iso_hsd = 0;     // the isolate's HandleScopeData
  int32_t sg_size = 0;     // StackGuard::ThreadLocal, at StackGuard + 8
  // Where StackGuard::RequestInterrupt was recognized too: the offsets of
  // interrupt_scopes_ and interrupt_flags_ in the ThreadLocal, and a
  // hand-off between threads with neither takes no lock (see
  // V8Handoff::SwapStackLimits). 0: every hand-off takes the lock.
  int32_t sg_scopes = 0, sg_flags = 0;
  // Whether the ThreadLocal has C++ stack limits (real_climit_, climit_)
  // beside the JS ones; V8 13 and later keep only the JS ones and leave
  // those two words unused.
  bool sg_c_limits = true;
  // The other parts, where V8's archive and restore are straight copies
  // (straight_copy.h) that agree; size 0: call V8's. The Debug part only
  // needs its archive (its restore is V8's, and only when it changes).
  // RegExpStack's archive first makes the archived stack a dynamic one
  // (see the RegExp patterns): copied inline only when it already is.
  StraightCopy isolate_part, reloc_part, debug_part, regexp_part, boot_part;
  int32_t regexp_owns = 0;  // RegExpStack: the thread_local_.owns_memory_ byte
  // Which part sizes Archive and Restore are compiled for (see FixedSizes).
  enum class Sizes { kFound, kV8_11_3, kV8_12_4, kV8_13_6, kV8_14_6 } sizes = Sizes::kFound;
  // The V8 build whose ThreadManager code matched (for diagnostics).
  const char* v8_build = "";
};

constexpr int32_t kInvalidThreadId = -1;
// ThreadState and ThreadManager fields that the inlined list operations in
// V8's RestoreThread / EagerlyArchiveThread use (the patterns of each ISA
// contain them as literal bytes, so a match pins them): a ThreadState is
// {ThreadId id_; char* data_; ThreadState* next_, *previous_; ThreadManager*}.
constexpr int32_t kStateNext = 0x10;
constexpr int32_t kStatePrevious = 0x18;
constexpr int32_t kStateManager = 0x20;
constexpr size_t kMaxDebugArchive = 256;
// StackGuard::ThreadLocal's place in the StackGuard (its Isolate* first),
// pinned by the StackGuard patterns.
constexpr int32_t kStackGuardThreadLocal = 8;
// Its first four words: real_jslimit_, real_climit_, jslimit_, climit_
// (the C ones unused from V8 13 on: HandoffOps::sg_c_limits).
constexpr int32_t kRealJsLimit = 0, kRealCLimit = 8, kJsLimit = 0x10, kCLimit = 0x18;
constexpr int32_t kStackLimitsSize = 0x20;
constexpr uintptr_t kInterruptLimit = ~uintptr_t{1};  // StackGuard::kInterruptLimit on 64-bit

// The process's, filled once by V8Handoff::Create (v8_handoff.cc).
extern HandoffOps g_handoff;

// The functions and offsets the ThreadManager patterns pin, the same on
// every ISA: V8's functions by their keys in `symbols` (handoff_symbols.h),
// the offsets by their capture names (iso_tm, tm_isolate, ...).
void SetThreadManagerOps(const V8SymbolMap& symbols, const std::map<std::string, int32_t>& captures,
                         HandoffOps* ops);

// Fills *ops from the running executable's V8 (once per process). False,
// with *why saying what did not match, where the direct hand-off cannot be
// used; the fiber backend then keeps v8::Unlocker / v8::Locker. One
// implementation per ISA (discover_handoff_<isa>.cc), each the steps of
// discovery_steps.h with that ISA's patterns.
bool DiscoverHandoff(HandoffOps* ops, std::string* why);

}  // namespace switchyard

#endif

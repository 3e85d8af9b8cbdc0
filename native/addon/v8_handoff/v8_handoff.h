// v8_handoff.h: hands V8's per-thread state from one fiber to the next
// without v8::Unlocker + v8::Locker (see the class comment).
#ifndef SWITCHYARD_ADDON_V8_HANDOFF_V8_HANDOFF_H
#define SWITCHYARD_ADDON_V8_HANDOFF_V8_HANDOFF_H

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace v8 {
class Isolate;
}

namespace switchyard {

struct HandoffOps;

// Handing the isolate from one V8 "thread" (a fiber's identity) to another
// without v8::Unlocker + v8::Locker.
//
// Unlocker/Locker on every switch were about half of a fiber round trip:
// the Locker's ThreadManager::RestoreThread calls Debug::RestoreDebug, which
// opens a DebugScope (a stack walk to the first JS frame, two clock reads,
// interrupt postponement) on every restore although only a stepping
// debugger needs it, and each side also pays the big lock, the isolate's
// execution-access lock and two thread-table lookups under their mutexes.
//
// A V8Handoff does to V8's state what Unlocker + Locker do, with V8's own
// (exported) archive and restore functions, in V8's order, or with copies
// of its own where V8's functions were recognized as plain copies
// (straight_copy.h; an indirect call per part per switch was about a tenth
// of a round trip): the sender
// archives its per-thread state into a V8 ThreadState linked into the
// ThreadManager's in-use list (where the GC visits archived threads) and
// keeps the big lock; the receiver restores its own state from its
// ThreadState and becomes the lock's owner. Debug's part is restored only
// when it differs from the live one, and then through V8's RestoreDebug.
// V8 holds the execution-access lock (which StackGuard interrupt requests
// from other threads take) across its own archive + restore; the hand-off
// does too where either side has interrupt state, and otherwise swaps only
// the stack limits without it, leaving the interrupt state live
// (ArchiveStackGuard, SwapStackLimits). Such a hand-off is one step (Swap):
// the sender exchanges the receiver's archive with the live state.
//
// Needs internals that are not API: the exported symbols (official builds
// up to Node 22) and a few field offsets, all read from the running
// binary's machine code: V8's ThreadManager::RestoreThread,
// EagerlyArchiveThread and ~Unlocker must match a known x86-64 instruction
// sequence exactly (with the calls going to the exported functions), which
// pins the offsets V8 itself uses and the order of the archive parts; the
// values found are then checked against the live isolate. Anything else:
// Create() says why and the backend keeps Unlocker/Locker.
class V8Handoff {
 public:
  // `isolate` locked by the calling thread, on its own stack, running with
  // V8 thread id `thread_id`. nullptr and *why when not available here.
  static V8Handoff* Create(v8::Isolate* isolate, int32_t thread_id, std::string* why);

  // The calling V8 thread's PerIsolateThreadData (allocated if needed). It
  // stays valid until that thread's metadata is discarded, so callers cache
  // it per identity.
  void* PerThread();

  // Sender, before switching away: archive the running thread's state; the
  // big lock stays held. The receiver must call Restore(), and nothing but
  // the switch may run in between.
  void Archive(void* per_thread, int32_t thread_id);
  // Receiver, its identity installed: restore its state and own the lock.
  void Restore(void* per_thread, int32_t thread_id);

  // Both halves at once, by the sender before switching away, where that is
  // the same as Archive + Restore without the lock: the receiver (its
  // PerIsolateThreadData cached from an earlier Archive, so archived) has
  // no interrupt state in its archive, the sender is in no InterruptsScope,
  // every part is a plain copy, and Debug's parts are equal. Then the
  // receiver's archive and the live state trade places in the receiver's
  // ThreadState, which changes owner instead of moving between V8's lists.
  // Nothing runs on V8 until the receiver runs. False: nothing was done.
  bool Swap(void* sender_per_thread, int32_t sender_id, void* receiver_per_thread, int32_t receiver_id);

  // Points the heap's stack start (conservative stack scanning) at `start`,
  // as Isolate::Enter does for the calling thread's stack; only where
  // SetsStackStart() (Enter's code was matched).
  bool SetsStackStart() const;
  void SetStackStart(void* start);

  // The isolate's HandleScopeImplementer and how many of its first bytes
  // come before its copy of the HandleScopeData (its vectors are there); 0
  // where the layout was not matched.
  char* HandleScopeImplementer() const { return hsi_; }
  size_t HandleScopeImplementerHead() const;

  // v8::Unlocker's constructor and destructor, for hand-offs to and from a
  // v8::Locker (a fiber body's first entry and its end).
  void ArchiveAndUnlock();
  void LockAndRestore();

  // How the last tls backend created in this process hands V8 over: "v8"
  // (this class) or "locker: <why not>". For diagnostics and tests.
  static const std::string& Mode();
  // The parts of V8's per-thread state that Archive and Restore copy
  // themselves (V8's functions were recognized as copies), comma-separated;
  // the others go through V8's functions. For diagnostics and tests.
  static std::string InlineParts();
  // Whether StackGuard::RequestInterrupt was recognized, so that hand-offs
  // between threads without interrupt state take no lock; and how many
  // hand-offs in this process took it (all of them where not LockFree()).
  static bool LockFree();
  static uint64_t LockedHandoffs();
  // How many hand-offs in this process took two steps (Archive + Restore)
  // instead of one Swap.
  static uint64_t SplitHandoffs();
  static void SetMode(const std::string& mode);
  // SWITCHYARD_CHECK_SWAP=1 (tests): check each hand-off against V8's own
  // functions (here and in the backend's stack-size word).
  static bool CheckingSwaps();

 private:
  V8Handoff() = default;
  // Archive's and Restore's copies of the parts, for part sizes `Sizes`
  // (compile-time constants for the V8 builds matched, or as found).
  template <class Sizes>
  void ArchiveParts(char* to);
  template <class Sizes>
  void RestoreParts(char* from);
  template <class Sizes>
  char* ArchiveStackGuard(char* to);
  template <class Sizes>
  char* RestoreStackGuard(char* from);
  template <class Sizes>
  bool SwapParts(char* archive);
  template <class Sizes>
  bool SwapPartsChecked(char* archive);
  // The receiver's limits (in its archive `from`) into the live StackGuard.
  static void SwapStackLimits(char* live, const char* from, const HandoffOps& o);
  // Whether the sender must hand over under the execution-access lock: the
  // lock-free way is unknown here, or it is inside an InterruptsScope.
  bool SenderNeedsLock() const;
  char* isolate_ = nullptr;
  char* tm_ = nullptr;  // ThreadManager
  char* hsi_ = nullptr;
  char* stack_guard_ = nullptr;
  char* debug_ = nullptr;
  char* regexp_stack_ = nullptr;
  char* bootstrapper_ = nullptr;
  char* break_access_ = nullptr;
  // The sender's archived Debug part: what the live one holds until the
  // receiver's Restore (ArchiveDebug only copies).
  const char* sent_debug_ = nullptr;
  // Whether this hand-off holds the execution-access lock (from Archive,
  // or taken in Restore), and the sender's archived StackGuard part.
  bool locked_ = false;
  char* sent_stack_guard_ = nullptr;
  static std::atomic<uint64_t> locked_handoffs_;
  static std::atomic<uint64_t> split_handoffs_;
};

}  // namespace switchyard

#endif

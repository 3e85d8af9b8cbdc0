// v8_handoff.cc: V8Handoff (see v8_handoff.h): discovery once per
// process (handoff_ops.h), then Archive / Restore / Swap at each switch.
#include "v8_handoff.h"

#include <pthread.h>

#include <v8.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "handoff_ops.h"
#include "part_sizes.h"

namespace switchyard {

HandoffOps g_handoff;

namespace {

// Whether every Swap is checked against Archive + Restore (SWITCHYARD_CHECK_SWAP=1).
bool g_check_swap = false;
bool g_handoff_found = false;
std::string g_handoff_error;

template <typename T>
T& Field(char* base, int32_t offset) {
  return *reinterpret_cast<T*>(base + offset);
}

// Whether n bytes (a multiple of 8) at a and b are equal, word by word (a
// memcmp of a copy just made stalled on store forwarding); branch-free, and
// unrolled where n is a constant.
__attribute__((always_inline)) inline bool SameWords(const char* a, const char* b, size_t n) {
  uint64_t diff = 0;
  for (size_t i = 0; i < n; i += sizeof(uint64_t)) {
    uint64_t x, y;
    std::memcpy(&x, a + i, sizeof x);
    std::memcpy(&y, b + i, sizeof y);
    diff |= x ^ y;
  }
  return diff == 0;
}

// One part of a thread's V8 state to or from its archive: a copy of `size`
// bytes at `live` (skipping the archive's reset of the live state, which
// the receiver's restore overwrites), or with size 0 V8's function.
using PartFn = char* (*)(void*, char*);
template <class Sizes>
__attribute__((always_inline)) inline char* CopyOut(int32_t size, PartFn v8_archive, char* object,
                                                    const char* live, char* to) {
  if (!Sizes::kAllCopied && size == 0) return v8_archive(object, to);
  std::memcpy(to, live, static_cast<size_t>(size));
  return to + size;
}
template <class Sizes>
__attribute__((always_inline)) inline char* CopyIn(int32_t size, PartFn v8_restore, char* object, char* live,
                                                   char* from) {
  if (!Sizes::kAllCopied && size == 0) return v8_restore(object, from);
  std::memcpy(live, from, static_cast<size_t>(size));
  return from + size;
}

// Exchanges the Words at a + i and b + i, advancing i, while a whole Word
// is left before n (a and b never overlap).
template <class Word>
__attribute__((always_inline)) inline void SwapWords(char* a, char* b, size_t& i, size_t n) {
  for (; i + sizeof(Word) <= n; i += sizeof(Word)) {
    Word x, y;
    std::memcpy(&x, a + i, sizeof x);
    std::memcpy(&y, b + i, sizeof y);
    std::memcpy(a + i, &y, sizeof y);
    std::memcpy(b + i, &x, sizeof x);
  }
}

// Exchanges n bytes (a constant) at a and b, 16 at a time.
using Bytes16 = uint64_t __attribute__((vector_size(16)));
template <size_t n>
__attribute__((always_inline)) inline void SwapBytes(char* a, char* b) {
  static_assert(n % sizeof(uint32_t) == 0, "parts are whole 4-byte words");
  size_t i = 0;
  SwapWords<Bytes16>(a, b, i, n);
  SwapWords<uint64_t>(a, b, i, n);
  SwapWords<uint32_t>(a, b, i, n);
}

// ThreadState::Unlink and LinkInto, as V8 inlines them.
inline void Unlink(char* state) {
  char* next = Field<char*>(state, kStateNext);
  char* previous = Field<char*>(state, kStatePrevious);
  Field<char*>(next, kStatePrevious) = previous;
  Field<char*>(previous, kStateNext) = next;
}
inline void LinkAfter(char* anchor, char* state) {
  char* next = Field<char*>(anchor, kStateNext);
  Field<char*>(state, kStateNext) = next;
  Field<char*>(state, kStatePrevious) = anchor;
  Field<char*>(anchor, kStateNext) = state;
  Field<char*>(next, kStatePrevious) = state;
}

bool SetsStackStartFound(const HandoffOps& o) {
  return o.set_stack_start != nullptr || o.set_stack_start_here != nullptr;
}

}  // namespace

V8Handoff* V8Handoff::Create(v8::Isolate* isolate, int32_t thread_id, std::string* why) {
  static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  static bool done = false;
  pthread_mutex_lock(&mu);
  if (!done) {
    std::string err;
    g_handoff_found = DiscoverHandoff(&g_handoff, &err);
    if (g_handoff_found) ChooseSizes(&g_handoff);
    g_handoff_error = err;
    done = true;
  }
  pthread_mutex_unlock(&mu);
  if (!g_handoff_found) {
    *why = g_handoff_error;
    return nullptr;
  }
  const HandoffOps& o = g_handoff;
  char* iso = reinterpret_cast<char*>(isolate);
  // The offsets are V8's own; check them against this isolate anyway.
  char* tm = Field<char*>(iso, o.iso_tm);
  if (tm == nullptr || Field<char*>(tm, o.tm_isolate) != iso) {
    *why = "the ThreadManager found does not point back at the isolate";
    return nullptr;
  }
  // Its list anchors are ThreadStates that belong to it.
  for (int32_t anchor : {o.tm_free_anchor, o.tm_in_use_anchor}) {
    char* state = Field<char*>(tm, anchor);
    if (state == nullptr || Field<char*>(state, kStateManager) != tm) {
      *why = "the ThreadManager's thread-state lists found do not belong to it";
      return nullptr;
    }
  }
  if (Field<int32_t>(tm, o.tm_owner) != thread_id) {
    *why = "the ThreadManager's lock owner is not this thread";
    return nullptr;
  }
  char* hsi = Field<char*>(iso, o.iso_hsi);
  char* debug = Field<char*>(iso, o.iso_debug);
  char* regexp = Field<char*>(iso, o.iso_regexp);
  char* boot = Field<char*>(iso, o.iso_boot);
  if (hsi == nullptr || debug == nullptr || regexp == nullptr || boot == nullptr) {
    *why = "an isolate part found is null";
    return nullptr;
  }
  // HandleScopeImplementer and Bootstrapper start with their Isolate*.
  if (Field<char*>(hsi, 0) != iso || Field<char*>(boot, 0) != iso) {
    *why = "the handle-scope implementer or bootstrapper found is not this isolate's";
    return nullptr;
  }
  alignas(16) char probe[kMaxDebugArchive * 4];
  size_t debug_size = static_cast<size_t>(o.debug_archive(debug, probe) - probe);
  if (debug_size == 0 || debug_size > kMaxDebugArchive || debug_size % sizeof(uint64_t) != 0) {
    *why = "unexpected size of Debug's per-thread state: " + std::to_string(debug_size);
    return nullptr;
  }
  if (o.debug_part.size != 0 && static_cast<size_t>(o.debug_part.size) != debug_size) {
    *why = "Debug's archive copies another size than it returns";
    return nullptr;
  }
  if (g_handoff.debug_size == 0) g_handoff.debug_size = debug_size;
  g_check_swap = CheckingSwaps();
  if (const char* dbg = std::getenv("SWITCHYARD_DEBUG_HANDOFF"); dbg != nullptr && *dbg == '1') {
    std::fprintf(stderr,
                 "switchyard: V8 hand-off (%s): thread manager +%d, heap stack start %s, copied inline: %s "
                 "(part sizes %s: handle scopes %#x+%#x, isolate %#x, relocatable %#x, stack guard %#x, debug %#zx, "
                 "regexp stack %#x, bootstrapper %#x), stack guard %s\n",
                 o.v8_build, o.iso_tm, SetsStackStartFound(o) ? "set directly" : "through Isolate::Enter",
                 InlineParts().c_str(), o.sizes == HandoffOps::Sizes::kFound ? "as found" : "compiled in",
                 o.hsd_in_hsi, o.hsd_size, o.isolate_part.size, o.reloc_part.size, o.sg_size, debug_size,
                 o.regexp_part.size, o.boot_part.size,
                 LockFree() ? "lock-free where no interrupt state" : "under the lock");
  }
  auto* h = new V8Handoff();
  h->isolate_ = iso;
  h->tm_ = tm;
  h->hsi_ = hsi;
  h->stack_guard_ = iso + o.iso_stack_guard;
  h->debug_ = debug;
  h->regexp_stack_ = regexp;
  h->bootstrapper_ = boot;
  h->break_access_ = iso + o.iso_break_access;
  // PerIsolateThreadData starts with its Isolate* and ThreadId.
  char* pt = static_cast<char*>(h->PerThread());
  if (pt == nullptr || Field<char*>(pt, 0) != iso || Field<int32_t>(pt, 8) != thread_id ||
      Field<char*>(pt, o.pt_state) != nullptr) {
    delete h;
    *why = "this thread's PerIsolateThreadData does not look as expected";
    return nullptr;
  }
  return h;
}

void* V8Handoff::PerThread() { return g_handoff.find_or_allocate_per_thread(isolate_); }

std::string V8Handoff::InlineParts() {
  const HandoffOps& o = g_handoff;
  const std::pair<const char*, bool> parts[] = {
      {"handle scopes", o.hsi_size != 0},         {"isolate", o.isolate_part.size != 0},
      {"relocatable", o.reloc_part.size != 0},     {"stack guard", o.sg_size != 0},
      {"debug", o.debug_part.size != 0},           {"regexp stack", o.regexp_part.size != 0},
      {"bootstrapper", o.boot_part.size != 0},
  };
  std::string list;
  for (const auto& [name, copied] : parts) {
    if (!copied) continue;
    if (!list.empty()) list += ", ";
    list += name;
  }
  return list;
}

bool V8Handoff::LockFree() { return g_handoff.sg_flags != 0; }

bool V8Handoff::CheckingSwaps() {
  static const bool checking = [] {
    const char* check = std::getenv("SWITCHYARD_CHECK_SWAP");
    return check != nullptr && *check == '1';
  }();
  return checking;
}

std::atomic<uint64_t> V8Handoff::locked_handoffs_{0};
uint64_t V8Handoff::LockedHandoffs() { return locked_handoffs_.load(std::memory_order_relaxed); }

std::atomic<uint64_t> V8Handoff::split_handoffs_{0};
uint64_t V8Handoff::SplitHandoffs() { return split_handoffs_.load(std::memory_order_relaxed); }

size_t V8Handoff::HandleScopeImplementerHead() const { return static_cast<size_t>(g_handoff.hsd_in_hsi); }

bool V8Handoff::SetsStackStart() const { return SetsStackStartFound(g_handoff); }

void V8Handoff::SetStackStart(void* start) {
  if (g_handoff.set_stack_start != nullptr) {
    g_handoff.set_stack_start(isolate_ + g_handoff.iso_heap, start);
  } else {  // reads the start from the TLS slot, which holds `start`
    g_handoff.set_stack_start_here(isolate_ + g_handoff.iso_heap);
  }
}

bool V8Handoff::SenderNeedsLock() const {
  return g_handoff.sg_flags == 0 || Field<void*>(stack_guard_ + kStackGuardThreadLocal, g_handoff.sg_scopes) != nullptr;
}

void V8Handoff::Archive(void* per_thread, int32_t thread_id) {
  const HandoffOps& o = g_handoff;
  split_handoffs_.fetch_add(1, std::memory_order_relaxed);
  // ThreadManager::ArchiveThread without the lazy step, then
  // EagerlyArchiveThread (whose archive order is checked at discovery).
  char* free_anchor = Field<char*>(tm_, o.tm_free_anchor);
  char* state = Field<char*>(free_anchor, kStateNext);
  if (state == free_anchor) state = o.get_free_thread_state(tm_);  // a new one
  Unlink(state);
  Field<char*>(static_cast<char*>(per_thread), o.pt_state) = state;
  Field<int32_t>(state, 0) = thread_id;
  LinkAfter(Field<char*>(tm_, o.tm_in_use_anchor), state);
  // The execution-access lock, held until the receiver's Restore, only
  // where the sender is inside an InterruptsScope (see SwapStackLimits).
  locked_ = SenderNeedsLock();
  if (locked_) o.rmutex_lock(break_access_);
  char* to = Field<char*>(state, o.state_data);
  WithPartSizes(o.sizes, [&](auto sizes) { ArchiveParts<decltype(sizes)>(to); });
}

// EagerlyArchiveThread's parts, in its order.
template <class Sizes>
void V8Handoff::ArchiveParts(char* to) {
  const HandoffOps& o = g_handoff;
  const int32_t hsi_head = Sizes::HsiHead(o), hsd = Sizes::Hsd(o);
  if (!Sizes::kAllCopied && hsi_head == 0) {
    to = o.hsi_archive(hsi_, to);
  } else {  // the implementer, ending in a copy of the isolate's HandleScopeData
    std::memcpy(to, hsi_, static_cast<size_t>(hsi_head));
    std::memcpy(to + hsi_head, isolate_ + o.iso_hsd, static_cast<size_t>(hsd));
    to += hsi_head + hsd;
  }
  to = CopyOut<Sizes>(Sizes::Isolate(o), o.isolate_archive, isolate_, isolate_ + o.isolate_part.offset, to);
  to = CopyOut<Sizes>(Sizes::Reloc(o), o.reloc_archive, isolate_, isolate_ + o.reloc_part.offset, to);
  to = ArchiveStackGuard<Sizes>(to);
  sent_debug_ = to;
  to = CopyOut<Sizes>(Sizes::Debug(o), o.debug_archive, debug_, debug_ + o.debug_part.offset, to);
  // V8's archive turns a static RegExp stack into a dynamic one first
  const int32_t regexp = Sizes::RegExp(o) != 0 && regexp_stack_[o.regexp_owns] != 0 ? Sizes::RegExp(o) : 0;
  if (regexp == 0) {
    to = o.regexp_archive(regexp_stack_, to);
  } else {
    to = CopyOut<Sizes>(regexp, nullptr, regexp_stack_, regexp_stack_ + o.regexp_part.offset, to);
  }
  CopyOut<Sizes>(Sizes::Boot(o), o.boot_archive, bootstrapper_, bootstrapper_ + o.boot_part.offset, to);
}

void V8Handoff::Restore(void* per_thread, int32_t thread_id) {
  const HandoffOps& o = g_handoff;
  char* state = Field<char*>(static_cast<char*>(per_thread), o.pt_state);
  if (state == nullptr) {
    std::fprintf(stderr, "switchyard: fiber hand-off: no archived V8 state for thread %d\n", thread_id);
    std::abort();
  }
  char* from = Field<char*>(state, o.state_data);
  WithPartSizes(o.sizes, [&](auto sizes) { RestoreParts<decltype(sizes)>(from); });
  Field<char*>(static_cast<char*>(per_thread), o.pt_state) = nullptr;
  Field<int32_t>(state, 0) = kInvalidThreadId;
  Unlink(state);
  LinkAfter(Field<char*>(tm_, o.tm_free_anchor), state);
  // ThreadManager::Lock's bookkeeping (the lock itself never changed hands)
  reinterpret_cast<std::atomic<int32_t>*>(tm_ + o.tm_owner)->store(thread_id, std::memory_order_relaxed);
  if (locked_) {
    locked_handoffs_.fetch_add(1, std::memory_order_relaxed);
    o.rmutex_unlock(break_access_);
  }
}

// The StackGuard part. V8 archives a thread's whole ThreadLocal under the
// execution-access lock: its stack limits, and its interrupt state (flags
// requested by any thread, InterruptsScopes on its stack), which then waits
// in the archive until that thread runs again. Between two threads that
// have no InterruptsScope and nothing in their archive, the hand-off
// instead leaves the interrupt state live, so that an interrupt requested
// while one fiber runs is handled by whichever runs next (GC requests, code
// installs and TerminateExecution concern the isolate, not a fiber), and
// swaps only the limits, without the lock (SwapStackLimits). Otherwise,
// under the lock, V8's way.
namespace {

// Whether a StackGuard archive holds nothing but limits: each current limit
// its real one, and every byte after the limits zero (no InterruptsScope,
// no flag, nothing requested; and, since V8's own archive copies the
// ThreadLocal whole, no stale padding, so that what the hand-off writes for
// such a thread, ArchiveLimitsOnly, is exactly what V8's would).
bool NothingPending(char* archive, const HandoffOps& o) {
  uint64_t rest = 0;
  for (int32_t i = kStackLimitsSize; i + 8 <= o.sg_size; i += 8) rest |= Field<uint64_t>(archive, i);
  return rest == 0 && Field<uintptr_t>(archive, kJsLimit) == Field<uintptr_t>(archive, kRealJsLimit) &&
         (!o.sg_c_limits || Field<uintptr_t>(archive, kCLimit) == Field<uintptr_t>(archive, kRealCLimit));
}

// Writes what V8's archive holds for a thread with nothing pending whose
// live limit words were `live` (the first kStackLimitsSize bytes): the real
// limits, each current limit equal to its real one. Where V8 keeps no C
// limits (V8 >= 13), the two words between are copied as they are.
void ArchiveLimitsOnly(char* to, const char* live, int32_t size, bool c_limits) {
  const uintptr_t real_js = Field<uintptr_t>(const_cast<char*>(live), kRealJsLimit);
  const uintptr_t real_c = Field<uintptr_t>(const_cast<char*>(live), kRealCLimit);
  Field<uintptr_t>(to, kRealJsLimit) = real_js;
  Field<uintptr_t>(to, kRealCLimit) = real_c;
  Field<uintptr_t>(to, kJsLimit) = real_js;
  Field<uintptr_t>(to, kCLimit) = c_limits ? real_c : Field<uintptr_t>(const_cast<char*>(live), kCLimit);
  std::memset(to + kStackLimitsSize, 0, static_cast<size_t>(size - kStackLimitsSize));
}

}  // namespace

template <class Sizes>
char* V8Handoff::ArchiveStackGuard(char* to) {
  const HandoffOps& o = g_handoff;
  const int32_t size = Sizes::StackGuard(o);
  char* live = stack_guard_ + kStackGuardThreadLocal;
  sent_stack_guard_ = to;
  if (locked_) return CopyOut<Sizes>(size, o.sg_archive, stack_guard_, live, to);
  ArchiveLimitsOnly(to, live, size, o.sg_c_limits);
  return to + size;
}

template <class Sizes>
char* V8Handoff::RestoreStackGuard(char* from) {
  const HandoffOps& o = g_handoff;
  const int32_t size = Sizes::StackGuard(o);
  char* live = stack_guard_ + kStackGuardThreadLocal;
  if (!locked_) {
    if (NothingPending(from, o)) {
      SwapStackLimits(live, from, o);
      return from + size;
    }
    // The receiver was archived with interrupt state (by V8's Unlocker, or
    // from inside an InterruptsScope): V8's way after all, which first
    // archives the sender's live state as it stands under the lock.
    o.rmutex_lock(break_access_);
    locked_ = true;
    std::memcpy(sent_stack_guard_, live, static_cast<size_t>(size));
  }
  return CopyIn<Sizes>(size, o.sg_restore, stack_guard_, live, from);
}

// Installs the receiver's real limits and makes the current ones follow,
// keeping kInterruptLimit where an interrupt is pending. Another thread's
// RequestInterrupt (under the lock, which this does not take) first sets
// its flag and then stores kInterruptLimit to jslimit_ and climit_; if
// its jslimit_ store lands before our exchange, the exchange returns it
// and the interrupt limit goes back; if after, it stays. (The flag test
// alone sufficed on x86-64, whose stores become visible in order; on
// AArch64 the flag may still be invisible here when the limit is not.)
// Only this thread resets the limits (ClearInterrupt,
// FetchAndClearInterrupts, SetStackLimit: V8 and Node call them on the
// isolate's own thread), and only it changes scopes.
void V8Handoff::SwapStackLimits(char* live, const char* from, const HandoffOps& o) {
  const uintptr_t real_js = Field<uintptr_t>(const_cast<char*>(from), kRealJsLimit);
  const uintptr_t real_c = Field<uintptr_t>(const_cast<char*>(from), kRealCLimit);
  Field<uintptr_t>(live, kRealJsLimit) = real_js;
  Field<uintptr_t>(live, kRealCLimit) = real_c;
  auto* jslimit = reinterpret_cast<std::atomic<uintptr_t>*>(live + kJsLimit);
  auto* climit = reinterpret_cast<std::atomic<uintptr_t>*>(live + kCLimit);
  climit->store(o.sg_c_limits ? real_c : Field<uintptr_t>(const_cast<char*>(from), kCLimit), std::memory_order_relaxed);
  const uintptr_t was = jslimit->exchange(real_js, std::memory_order_seq_cst);
  if (was == kInterruptLimit ||
      __atomic_load_n(reinterpret_cast<int32_t*>(live + o.sg_flags), __ATOMIC_RELAXED) != 0) {
    jslimit->store(kInterruptLimit, std::memory_order_relaxed);
    if (o.sg_c_limits) climit->store(kInterruptLimit, std::memory_order_relaxed);
  }
}

template <class Sizes>
void V8Handoff::RestoreParts(char* from) {
  const HandoffOps& o = g_handoff;
  const int32_t hsi_head = Sizes::HsiHead(o), hsd = Sizes::Hsd(o);
  if (!Sizes::kAllCopied && hsi_head == 0) {
    from = o.hsi_restore(hsi_, from);
  } else {
    std::memcpy(hsi_, from, static_cast<size_t>(hsi_head + hsd));
    std::memcpy(isolate_ + o.iso_hsd, from + hsi_head, static_cast<size_t>(hsd));
    from += hsi_head + hsd;
  }
  from = CopyIn<Sizes>(Sizes::Isolate(o), o.isolate_restore, isolate_, isolate_ + o.isolate_part.offset, from);
  from = CopyIn<Sizes>(Sizes::Reloc(o), o.reloc_restore, isolate_, isolate_ + o.reloc_part.offset, from);
  from = RestoreStackGuard<Sizes>(from);
  // Debug: what RestoreDebug copies, plus a DebugScope for a stepping
  // debugger's one-shot breakpoints; when the copy would change nothing the
  // scope has nothing to do either. The live part is still the sender's,
  // which Archive copied to sent_debug_ (compared word by word: a memcmp of
  // a copy just made stalled on store forwarding).
  const size_t debug_size = Sizes::kAllCopied ? static_cast<size_t>(Sizes::Debug(o)) : o.debug_size;
  if (!SameWords(from, sent_debug_, debug_size)) {
    from = o.debug_restore(debug_, from);
  } else {
    from += debug_size;
  }
  from = CopyIn<Sizes>(Sizes::RegExp(o), o.regexp_restore, regexp_stack_, regexp_stack_ + o.regexp_part.offset, from);
  CopyIn<Sizes>(Sizes::Boot(o), o.boot_restore, bootstrapper_, bootstrapper_ + o.boot_part.offset, from);
}

bool V8Handoff::Swap(void* sender_per_thread, int32_t sender_id, void* receiver_per_thread, int32_t receiver_id) {
  const HandoffOps& o = g_handoff;
  char* state = Field<char*>(static_cast<char*>(receiver_per_thread), o.pt_state);
  if (state == nullptr) return false;
  char* archive = Field<char*>(state, o.state_data);
  bool done = false;
  WithPartSizes(o.sizes, [&](auto sizes) {
    if constexpr (decltype(sizes)::kAllCopied)
      done = g_check_swap ? SwapPartsChecked<decltype(sizes)>(archive) : SwapParts<decltype(sizes)>(archive);
  });
  if (!done) return false;
  Field<int32_t>(state, 0) = sender_id;
  Field<char*>(static_cast<char*>(receiver_per_thread), o.pt_state) = nullptr;
  Field<char*>(static_cast<char*>(sender_per_thread), o.pt_state) = state;
  reinterpret_cast<std::atomic<int32_t>*>(tm_ + o.tm_owner)->store(receiver_id, std::memory_order_relaxed);
  return true;
}


// SWITCHYARD_CHECK_SWAP=1 (tests): each swap is checked against what
// Archive + Restore would have done, with ArchiveParts as the oracle: the
// receiver's archive must now hold what Archive would have written for the
// live state before, and the live state be what the archive held (what
// Archive writes for it now equals the archive before), byte for byte.
template <class Sizes>
bool V8Handoff::SwapPartsChecked(char* archive) {
  constexpr size_t n = PartOffsets<Sizes>::kEnd;
  // V8's archive of a static RegExp stack is not a copy (Swap declines).
  if (regexp_stack_[g_handoff.regexp_owns] == 0) return SwapParts<Sizes>(archive);
  char live_before[n], archive_before[n], live_after[n];
  locked_ = false;
  ArchiveParts<Sizes>(live_before);
  std::memcpy(archive_before, archive, n);
  if (!SwapParts<Sizes>(archive)) {
    if (std::memcmp(archive, archive_before, n) == 0) return false;
    std::fprintf(stderr, "switchyard: SWITCHYARD_CHECK_SWAP: a declined swap changed the archive\n");
    std::abort();
  }
  ArchiveParts<Sizes>(live_after);
  sent_debug_ = nullptr;  // pointed into the oracle's buffers; only a split hand-off uses them
  sent_stack_guard_ = nullptr;
  for (size_t i = 0; i < n; i++) {
    if (archive[i] != live_before[i] || live_after[i] != archive_before[i]) {
      std::fprintf(stderr, "switchyard: SWITCHYARD_CHECK_SWAP: byte %zu of %zu: archive %s, live state %s\n", i, n,
                   archive[i] != live_before[i] ? "differs from Archive's" : "ok",
                   live_after[i] != archive_before[i] ? "differs from Restore's" : "ok");
      std::abort();
    }
  }
  return true;
}

// Swap's parts, for constant sizes: first whether it applies (nothing
// changed if not), then each part exchanged, in ArchiveParts' layout.
template <class Sizes>
__attribute__((always_inline)) inline bool V8Handoff::SwapParts(char* archive) {
  const HandoffOps& o = g_handoff;
  using At = PartOffsets<Sizes>;
  constexpr size_t hsi_head = At::kHsd, hsd = At::kIsolate - At::kHsd;
  char* live_sg = stack_guard_ + kStackGuardThreadLocal;
  char* sg = archive + At::kStackGuard;
  // Lock-free only (see ArchiveStackGuard and RestoreStackGuard), V8's
  // archive of the RegExp stack a copy only where it is already dynamic,
  // and Debug's restore nothing to do only where the parts are equal.
  if (SenderNeedsLock() || !NothingPending(sg, o)) return false;
  if (regexp_stack_[o.regexp_owns] == 0) return false;
  if (!SameWords(archive + At::kDebug, debug_ + o.debug_part.offset, At::kRegExp - At::kDebug)) return false;

  // The implementer, whose own HandleScopeData copy and the isolate's both
  // take the archived one, which takes the isolate's.
  SwapBytes<hsi_head>(hsi_, archive);
  char hsd_live[hsd];
  std::memcpy(hsd_live, isolate_ + o.iso_hsd, hsd);
  std::memcpy(isolate_ + o.iso_hsd, archive + hsi_head, hsd);
  std::memcpy(hsi_ + hsi_head, archive + hsi_head, hsd);
  std::memcpy(archive + hsi_head, hsd_live, hsd);
  SwapBytes<At::kReloc - At::kIsolate>(isolate_ + o.isolate_part.offset, archive + At::kIsolate);
  SwapBytes<At::kStackGuard - At::kReloc>(isolate_ + o.reloc_part.offset, archive + At::kReloc);
  // The StackGuard: the receiver's limits in, the sender's out as V8 would
  // archive them with nothing pending (the interrupt state stays live).
  char live_limits[kStackLimitsSize];
  std::memcpy(live_limits, live_sg, sizeof live_limits);
  SwapStackLimits(live_sg, sg, o);
  ArchiveLimitsOnly(sg, live_limits, Sizes::StackGuard(g_handoff), o.sg_c_limits);
  SwapBytes<At::kBoot - At::kRegExp>(regexp_stack_ + o.regexp_part.offset, archive + At::kRegExp);
  SwapBytes<At::kEnd - At::kBoot>(bootstrapper_ + o.boot_part.offset, archive + At::kBoot);
  return true;
}

namespace {
std::string g_handoff_mode;
}  // namespace

const std::string& V8Handoff::Mode() { return g_handoff_mode; }
void V8Handoff::SetMode(const std::string& mode) { g_handoff_mode = mode; }

void V8Handoff::ArchiveAndUnlock() {
  g_handoff.archive_thread(tm_);
  g_handoff.unlock(tm_);
}

void V8Handoff::LockAndRestore() {
  g_handoff.lock(tm_);
  g_handoff.restore_thread(tm_);
}

}  // namespace switchyard

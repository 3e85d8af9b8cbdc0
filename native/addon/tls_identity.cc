// tls_identity.cc: run-time discovery of the executable's static TLS block
// and of the V8 slots inside it (see tls_identity.h and ARCHITECTURE.md).
//
// Method: a helper thread snapshots its own (fresh) copy of the block, runs
// one V8 function whose only per-thread side effect is to fill the slot we
// are after, snapshots again and diffs. Exactly one word must change, and to
// the value the function returned; anything else is "ambiguous" and we
// refuse rather than guess.
#include "tls_identity.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <pthread.h>

#include <v8.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <type_traits>
#include <vector>

#include "straight_copy.h"

namespace switchyard {

namespace {

TlsLayout g_layout;
bool g_discovered = false;
std::string g_discovery_error;

struct BlockInfo {
  uint8_t* data = nullptr;
  size_t memsz = 0;
  bool found = false;
};

int FindExeTls(struct dl_phdr_info* info, size_t, void* arg) {
  auto* out = static_cast<BlockInfo*>(arg);
  if (info->dlpi_tls_modid != 1) return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    if (info->dlpi_phdr[i].p_type == PT_TLS) {
      out->memsz = info->dlpi_phdr[i].p_memsz;
      out->data = static_cast<uint8_t*>(info->dlpi_tls_data);
      out->found = true;
      return 1;
    }
  }
  return 0;
}

BlockInfo CurrentBlock() {
  BlockInfo b;
  dl_iterate_phdr(FindExeTls, &b);
  return b;
}

using GetThreadIdFn = int (*)();
using GetStackStartFn = void* (*)();

struct ProbeResult {
  std::string error;
  std::vector<uint8_t> before_id, after_id, after_stack;
  int thread_id = 0;  // as returned by GetCurrentThreadId (0: not exported)
  void* stack_start = nullptr;
  BlockInfo block;
};

struct ProbeArgs {
  v8::Isolate* isolate;
  GetThreadIdFn get_thread_id;  // optional (gone from V8's exports in Node 24)
  GetStackStartFn get_stack_start;
  ProbeResult result;
  // Second phase (the helper waits for the main thread's checks).
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
  int phase = 0;
  size_t id_off = 0;
  int32_t main_id = 0;
  bool locked_as_main = false, locked_as_self = true;
};

// Assigns the calling thread a V8 ThreadId. Locker::IsLocked compares the
// lock owner with ThreadId::Current(), which assigns a fresh id to a thread
// that has none: public API on every V8; the exported
// ThreadId::GetCurrentThreadId (Node <= 22) additionally tells us the value.
int AssignThreadId(ProbeArgs* args) {
  bool locked = v8::Locker::IsLocked(args->isolate);
  (void)locked;
  return args->get_thread_id != nullptr ? args->get_thread_id() : 0;
}

void* ProbeThread(void* p) {
  auto* args = static_cast<ProbeArgs*>(p);
  ProbeResult& r = args->result;
  BlockInfo b = CurrentBlock();
  r.block = b;
  if (!b.found || b.data == nullptr) {
    pthread_mutex_lock(&args->mu);
    r.error = "helper thread has no executable TLS block";
    args->phase = -1;
    pthread_cond_broadcast(&args->cv);
    pthread_mutex_unlock(&args->mu);
    return nullptr;
  }
  r.before_id.assign(b.data, b.data + b.memsz);
  r.thread_id = AssignThreadId(args);
  r.after_id.assign(b.data, b.data + b.memsz);
  r.stack_start = args->get_stack_start();
  r.after_stack.assign(b.data, b.data + b.memsz);

  // Phase 2: the main thread found a candidate slot. Confirm it is the id
  // V8 compares: with the main thread's id written there, this thread must
  // appear to hold the main thread's Locker; with its own id, not.
  pthread_mutex_lock(&args->mu);
  args->phase = 1;
  pthread_cond_broadcast(&args->cv);
  while (args->phase == 1) pthread_cond_wait(&args->cv, &args->mu);
  pthread_mutex_unlock(&args->mu);
  if (args->phase == 2) {
    int32_t own = 0;
    std::memcpy(&own, b.data + args->id_off, 4);
    std::memcpy(b.data + args->id_off, &args->main_id, 4);
    args->locked_as_main = v8::Locker::IsLocked(args->isolate);
    std::memcpy(b.data + args->id_off, &own, 4);
    args->locked_as_self = v8::Locker::IsLocked(args->isolate);
  }
  return nullptr;
}

void FinishProbe(ProbeArgs* args, pthread_t t, int phase) {
  pthread_mutex_lock(&args->mu);
  args->phase = phase;
  pthread_cond_broadcast(&args->cv);
  pthread_mutex_unlock(&args->mu);
  pthread_join(t, nullptr);
}

// Offsets of aligned words of width W that differ between a and b.
template <typename W>
std::vector<size_t> ChangedWords(const std::vector<uint8_t>& a,
                                 const std::vector<uint8_t>& b) {
  std::vector<size_t> out;
  for (size_t off = 0; off + sizeof(W) <= a.size(); off += sizeof(W)) {
    if (std::memcmp(&a[off], &b[off], sizeof(W)) != 0) out.push_back(off);
  }
  return out;
}

bool Discover(v8::Isolate* isolate, std::string* error) {
  BlockInfo main_block = CurrentBlock();
  if (!main_block.found || main_block.data == nullptr) {
    *error = "the node executable has no static TLS block (PT_TLS); "
             "is node linked as a shared library (libnode)?";
    return false;
  }
  if (main_block.memsz == 0 || main_block.memsz > kMaxTlsBlock) {
    *error = "the executable's TLS block is " + std::to_string(main_block.memsz) +
             " bytes; expected 1.." + std::to_string(kMaxTlsBlock);
    return false;
  }
  // GetStackStart is exported by official builds (V8_BASE_EXPORT);
  // ThreadId::GetCurrentThreadId only up to Node 22 (used as a cross-check).
  auto get_thread_id = reinterpret_cast<GetThreadIdFn>(
      dlsym(RTLD_DEFAULT, "_ZN2v88internal8ThreadId18GetCurrentThreadIdEv"));
  auto get_stack_start = reinterpret_cast<GetStackStartFn>(
      dlsym(RTLD_DEFAULT, "_ZN2v84base5Stack13GetStackStartEv"));
  if (get_stack_start == nullptr) {
    *error = "this node does not export v8::base::Stack::GetStackStart";
    return false;
  }
  if (!v8::Locker::IsLocked(isolate)) {
    *error = "the isolate is not locked by this thread (Node runs JS under a v8::Locker)";
    return false;
  }

  ProbeArgs args;
  args.isolate = isolate;
  args.get_thread_id = get_thread_id;
  args.get_stack_start = get_stack_start;
  pthread_t t;
  if (pthread_create(&t, nullptr, ProbeThread, &args) != 0) {
    *error = "could not start the TLS probe thread";
    return false;
  }
  // The helper either reaches phase 1 (snapshots taken) or fails (-1).
  pthread_mutex_lock(&args.mu);
  while (args.phase == 0) pthread_cond_wait(&args.cv, &args.mu);
  pthread_mutex_unlock(&args.mu);
  ProbeResult& r = args.result;
  if (!r.error.empty()) {
    pthread_join(t, nullptr);
    *error = r.error;
    return false;
  }
  auto fail = [&](const std::string& why) {
    FinishProbe(&args, t, 3);
    *error = why;
    return false;
  };

  // Thread id: exactly one aligned int32 goes 0 -> returned id.
  std::vector<size_t> id_changes = ChangedWords<int32_t>(r.before_id, r.after_id);
  if (id_changes.size() != 1)
    return fail("V8 thread-id slot is ambiguous: " + std::to_string(id_changes.size()) +
                " TLS words changed when assigning a thread id");
  size_t id_off = id_changes[0];
  int32_t before = 0, after = 0;
  std::memcpy(&before, &r.before_id[id_off], 4);
  std::memcpy(&after, &r.after_id[id_off], 4);
  if (before != 0 || after <= 0 || (get_thread_id != nullptr && after != r.thread_id))
    return fail("V8 thread-id slot did not go 0 -> id (" + std::to_string(before) + " -> " +
                std::to_string(after) + ", id " + std::to_string(r.thread_id) + ")");

  // Stack start: exactly one aligned pointer goes 0 -> returned stack start.
  std::vector<size_t> ss_changes = ChangedWords<uintptr_t>(r.after_id, r.after_stack);
  if (ss_changes.size() != 1)
    return fail("V8 stack-start slot is ambiguous: " + std::to_string(ss_changes.size()) +
                " TLS words changed when caching the stack start");
  size_t ss_off = ss_changes[0];
  uintptr_t ss_before = 0, ss_after = 0;
  std::memcpy(&ss_before, &r.after_id[ss_off], sizeof ss_before);
  std::memcpy(&ss_after, &r.after_stack[ss_off], sizeof ss_after);
  if (ss_before != 0 || ss_after != reinterpret_cast<uintptr_t>(r.stack_start))
    return fail("V8 stack-start slot did not go 0 -> stack start");
  if (ss_off < id_off + 4 && id_off < ss_off + sizeof(uintptr_t))
    return fail("V8 thread-id and stack-start slots overlap");

  // Cross-check on this (the main) thread: its id slot must hold the id V8
  // reports for it, and its stack-start slot (if cached) the stack start.
  int32_t live_id = 0;
  std::memcpy(&live_id, main_block.data + id_off, 4);
  if (live_id <= 0 || live_id == after)
    return fail("V8 thread-id slot holds " + std::to_string(live_id) +
                " on the main thread (helper thread: " + std::to_string(after) + ")");
  if (get_thread_id != nullptr && live_id != get_thread_id())
    return fail("V8 thread-id slot does not match on the main thread (" +
                std::to_string(live_id) + " vs " + std::to_string(get_thread_id()) + ")");
  void* my_stack = get_stack_start();
  uintptr_t live_ss = 0;
  std::memcpy(&live_ss, main_block.data + ss_off, sizeof live_ss);
  if (live_ss != reinterpret_cast<uintptr_t>(my_stack))
    return fail("V8 stack-start slot does not match on the main thread");

  // The slot must be what V8 compares with the Locker's owner.
  args.id_off = id_off;
  args.main_id = live_id;
  FinishProbe(&args, t, 2);
  if (!args.locked_as_main || args.locked_as_self) {
    *error = "V8 thread-id slot candidate failed the Locker check (as main: " +
             std::string(args.locked_as_main ? "locked" : "unlocked") + ", as itself: " +
             std::string(args.locked_as_self ? "locked" : "unlocked") + ")";
    return false;
  }

  g_layout.thread_id_offset = id_off;
  g_layout.stack_start_offset = ss_off;
  return true;
}

thread_local uint8_t* t_live_block = nullptr;

StackLimitLayout g_limits;
bool g_limits_discovered = false;
std::string g_limits_error;

uintptr_t ReadWord(v8::Isolate* isolate, size_t off) {
  uintptr_t v;
  std::memcpy(&v, reinterpret_cast<uint8_t*>(isolate) + off, sizeof v);
  return v;
}

bool DiscoverStackLimit(v8::Isolate* isolate, std::string* error) {
  using I = v8::internal::Internals;
  constexpr size_t kBegin = static_cast<size_t>(I::kIsolateStackGuardOffset);
  constexpr size_t kWords = static_cast<size_t>(I::kStackGuardSize) / sizeof(uintptr_t);
  static_assert(kWords <= 16, "unexpected StackGuard size");
  uintptr_t before[kWords], after1[kWords], after2[kWords];
  for (size_t i = 0; i < kWords; i++) before[i] = ReadWord(isolate, kBegin + i * sizeof(uintptr_t));
  // Two distinct plausible limits well below this frame (nothing runs on
  // this stack between the calls but this function).
  char here;
  uintptr_t sp = reinterpret_cast<uintptr_t>(&here);
  uintptr_t v1 = (sp - 256 * 1024) & ~uintptr_t{4095};
  uintptr_t v2 = v1 - 8192;
  isolate->SetStackLimit(v1);
  for (size_t i = 0; i < kWords; i++) after1[i] = ReadWord(isolate, kBegin + i * sizeof(uintptr_t));
  isolate->SetStackLimit(v2);
  for (size_t i = 0; i < kWords; i++) after2[i] = ReadWord(isolate, kBegin + i * sizeof(uintptr_t));

  StackLimitLayout layout;
  uintptr_t original = ~uintptr_t{0};
  for (size_t i = 0; i < kWords; i++) {
    if (after1[i] == v1 && after2[i] == v2) {
      layout.offsets[layout.count++] = kBegin + i * sizeof(uintptr_t);
      // jslimit/climit hold a huge marker while an interrupt is pending;
      // the real limits hold the address.
      if (before[i] < original) original = before[i];
    }
  }
  if (layout.count == 0) {
    // Nothing to restore from: leave the last probe value? No: we cannot
    // know the old limit, so put back a conservative one and refuse.
    isolate->SetStackLimit(v1);
    *error = "could not find the stack limit in V8's StackGuard";
    return false;
  }
  // The old limit must be a plausible address on this thread's stack,
  // below this frame and within a typical main-thread stack.
  if (!(original < sp && sp - original < 64u * 1024 * 1024)) {
    isolate->SetStackLimit(v1);
    *error = "the stack limit found in V8's StackGuard is implausible";
    return false;
  }
  isolate->SetStackLimit(original);
  g_limits = layout;
  return true;
}

// ------------------------------------------------------------ V8Handoff

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
  // kIsolateEnterStackStart); nullptr: not matched, use Enter + Exit.
  void (*set_stack_start)(void* heap, void* start) = nullptr;
  int32_t iso_heap = 0;

  // offsets (bytes)
  int32_t iso_tm = 0, iso_hsi = 0, iso_debug = 0, iso_regexp = 0, iso_boot = 0, iso_break_access = 0;
  int32_t iso_stack_guard = 0;
  int32_t tm_isolate = 0, tm_owner = 0;
  int32_t pt_state = 0;    // PerIsolateThreadData::thread_state_
  int32_t state_data = 0;  // ThreadState::data_ (id_ is at 0)
  size_t debug_size = 0;   // Debug::ArchiveSpacePerThread()

  // Where V8's HandleScopeImplementer and StackGuard archive functions are
  // known copies (see kHsiVariants, kStackGuardVariants), the hand-off
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
  // The other parts, where V8's archive and restore are straight copies
  // (straight_copy.h) that agree; size 0: call V8's. The Debug part only
  // needs its archive (its restore is V8's, and only when it changes).
  // RegExpStack's archive first makes the archived stack a dynamic one
  // (kRegExpArchiveTest): copied inline only when it already is.
  StraightCopy isolate_part, reloc_part, debug_part, regexp_part, boot_part;
  int32_t regexp_owns = 0;  // RegExpStack: the thread_local_.owns_memory_ byte
  // Which part sizes Archive and Restore are compiled for (see FixedSizes).
  enum class Sizes { kFound, kV8_11_3, kV8_12_4 } sizes = Sizes::kFound;
};

constexpr int32_t kInvalidThreadId = -1;
// ThreadState and ThreadManager fields that the inlined list operations in
// V8's RestoreThread / EagerlyArchiveThread use (the patterns below contain
// them as literal bytes, so a match pins them): a ThreadState is
// {ThreadId id_; char* data_; ThreadState* next_, *previous_; ThreadManager*}
// and the ThreadManager keeps the anchors of its free and in-use lists.
constexpr int32_t kStateNext = 0x10;
constexpr int32_t kStatePrevious = 0x18;
constexpr int32_t kTmFreeAnchor = 0x38;
constexpr int32_t kTmInUseAnchor = 0x40;
constexpr size_t kMaxDebugArchive = 256;
// StackGuard::ThreadLocal's place in the StackGuard (its Isolate* first),
// pinned by kStackGuardVariants below.
constexpr int32_t kStackGuardThreadLocal = 8;
// Its first four words: real_jslimit_, real_climit_, jslimit_, climit_.
constexpr int32_t kRealJsLimit = 0, kRealCLimit = 8, kJsLimit = 0x10, kCLimit = 0x18;
constexpr int32_t kStackLimitsSize = 0x20;
constexpr uintptr_t kInterruptLimit = ~uintptr_t{1};  // StackGuard::kInterruptLimit on 64-bit

HandoffOps g_handoff;
// Whether every Swap is checked against Archive + Restore (SWITCHYARD_CHECK_SWAP=1).
bool g_check_swap = false;
bool g_handoff_found = false;
std::string g_handoff_error;

#if defined(__x86_64__)

// A pattern is a list of tokens: "xx" (a literal byte), "{name:d8}" /
// "{name:d32}" (a displacement, captured; a name seen twice must match),
// "{name:rel}" (a rel32 call/jump that must go to symbol `name`; "*": any).
bool MatchCode(const uint8_t* code, const char* pattern,
               const std::map<std::string, const void*>& symbols,
               std::map<std::string, int32_t>* captures, std::string* why,
               const uint8_t** end = nullptr) {
  const uint8_t* p = code;
  // official builds have no CET landing pads; tolerate one anyway
  if (p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e && p[3] == 0xfa) p += 4;
  const char* t = pattern;
  while (*t != '\0') {
    if (*t == ' ' || *t == '\n') {
      t++;
      continue;
    }
    if (*t == '{') {
      const char* colon = std::strchr(t, ':');
      const char* close = std::strchr(t, '}');
      std::string name(t + 1, colon);
      std::string kind(colon + 1, close);
      t = close + 1;
      int32_t v = 0;
      if (kind == "d8") {
        v = static_cast<int8_t>(*p);
        p += 1;
      } else if (kind == "d32" || kind == "rel") {
        std::memcpy(&v, p, 4);
        p += 4;
      } else {
        *why = "bad pattern";
        return false;
      }
      if (kind == "rel") {
        if (name == "*") continue;
        auto it = symbols.find(name);
        if (it == symbols.end() || reinterpret_cast<const uint8_t*>(it->second) != p + v) {
          *why = "a call does not go to " + name;
          return false;
        }
        continue;
      }
      auto seen = captures->find(name);
      if (seen != captures->end() && seen->second != v) {
        *why = "inconsistent " + name;
        return false;
      }
      (*captures)[name] = v;
      continue;
    }
    unsigned byte = 0;
    if (std::sscanf(t, "%2x", &byte) != 1) {
      *why = "bad pattern";
      return false;
    }
    t += 2;
    if (*p != byte) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "byte %ld is %02x, expected %02x", static_cast<long>(p - code), *p, byte);
      *why = buf;
      return false;
    }
    p++;
  }
  if (end != nullptr) *end = p;
  return true;
}

// V8 11.3 (Node 20) and 12.4 (Node 22) as built by the Node project.
const char kRestoreThread[] = R"(
55 48 89 e5 41 55 41 54 53 48 89 fb 48 83 ec 18
e8 {*:rel}
3b 43 {lazy:d8}
0f 84 {*:rel}
48 8b 7b {tm_isolate:d8}
48 89 7d d8
48 81 c7 {iso_break_access:d32}
e8 {rmutex_lock:rel}
83 7b {lazy:d8} ff
0f 85 {*:rel}
48 8b 7b {tm_isolate:d8}
e8 {find_per_thread:rel}
49 89 c5 48 85 c0 0f 84 {*:rel}
4c 8b 60 {pt_state:d8}
4d 85 e4 0f 84 {*:rel}
48 8b 43 {tm_isolate:d8}
49 8b 74 24 {state_data:d8}
48 8b b8 {iso_hsi:d32}
e8 {hsi_restore:rel}
48 8b 7b {tm_isolate:d8} 48 89 c6
e8 {isolate_restore:rel}
48 8b 7b {tm_isolate:d8} 48 89 c6
e8 {reloc_restore:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8d 78 {iso_stack_guard:d8}
e8 {sg_restore:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_debug:d32}
e8 {debug_restore:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_regexp:d32}
e8 {regexp_restore:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_boot:d32}
e8 {boot_restore:rel}
49 c7 45 {pt_state:d8} 00 00 00 00
49 8b 54 24 10 49 8b 44 24 18
41 c7 04 24 ff ff ff ff
48 89 42 18 49 8b 54 24 10 48 89 50 10
49 8b 44 24 20 48 8b 40 38
f3 0f 7e 40 10 66 48 0f 6e c8 66 0f 6c c1 41 0f 11 44 24 10
4c 89 60 10 49 8b 44 24 10 4c 89 60 18
)";

const char kEagerlyArchiveThread[] = R"(
55 48 89 e5 53 48 89 fb 48 83 ec 08
48 8b 47 30 48 8b 50 20 48 8b 52 40 f3 0f 7e 42 10 66 48 0f 6e ca 66 0f 6c c1
0f 11 40 10 48 89 42 10 48 8b 50 10 48 89 42 18
48 8b 70 {state_data:d8}
48 8b 47 {tm_isolate:d8}
48 8b b8 {iso_hsi:d32}
e8 {hsi_archive:rel}
48 8b 7b {tm_isolate:d8} 48 89 c6
e8 {isolate_archive:rel}
48 8b 7b {tm_isolate:d8} 48 89 c6
e8 {reloc_archive:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8d 78 {iso_stack_guard:d8}
e8 {sg_archive:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_debug:d32}
e8 {debug_archive:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_regexp:d32}
e8 {regexp_archive:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_boot:d32}
e8 {boot_archive:rel}
c7 43 {lazy:d8} ff ff ff ff
)";

const char kUnlockerDestructor[] = R"(
55 48 89 e5 41 54 53 48 8b 07 48 89 fb
4c 8b a0 {iso_tm:d32}
4c 89 e7 e8 {mutex_lock:rel}
e8 {*:rel}
41 89 44 24 {tm_owner:d8}
48 8b 03 5b 41 5c 5d
48 8b b8 {iso_tm:d32}
e9 {restore_thread:rel}
)";

// Isolate::Enter begins by pointing the heap's stack start (conservative
// stack scanning) at the calling thread's stack, then, when the isolate is
// already entered on this thread (always so at a fiber switch), only counts
// the entry, which Exit takes back. A switch called Enter + Exit for the
// first part alone; where the code is this, the hand-off calls
// Heap::SetStackStart itself with the stack start from the TLS slot (what
// GetStackStart returns). Searched for within the first bytes of Enter
// (the prologue differs between V8 11.3 and 12.4).
const char kIsolateEnterStackStart[] = R"(
e8 {get_stack_start:rel}
48 8d bb {iso_heap:d32}
48 89 c6
e8 {set_stack_start:rel}
)";
constexpr int kIsolateEnterSearch = 48;

// HandleScopeImplementer::ArchiveThread / RestoreThread: copy the isolate's
// HandleScopeData into the implementer's copy at its end, the implementer
// to the archive, reset the live state / the reverse. Exact code, per V8.
struct HsiVariant {
  const char* archive;
  const char* restore;
  int32_t size, hsd_in_hsi, hsd_size;
};
const HsiVariant kHsiVariants[] = {
    {// V8 11.3 (Node 20)
     R"(48 8b 07 f3 0f 6f 1f 66 0f ef c0 f3 0f 6f 88 {iso_hsd:d32} 0f 11 4f 78 f3 0f 6f 90 {iso_hsd_16:d32}
        0f 11 97 88 00 00 00 0f 11 1e f3 0f 6f 67 10 0f 11 66 10 f3 0f 6f 6f 20 0f 11 6e 20
        f3 0f 6f 77 30 0f 11 76 30 f3 0f 6f 7f 40 0f 11 7e 40 f3 0f 6f 4f 50 0f 11 4e 50
        f3 0f 6f 57 60 0f 11 56 60 f3 0f 6f 5f 70 0f 11 5e 70 f3 0f 6f a7 80 00 00 00
        0f 11 a6 80 00 00 00 48 8b 97 90 00 00 00 48 89 96 90 00 00 00 48 c7 47 08 00 00 00 00
        48 c7 47 20 00 00 00 00 48 c7 47 38 00 00 00 00 48 c7 47 50 00 00 00 00 0f 11 47 10
        0f 11 47 28 0f 11 47 40 0f 11 47 58 0f 11 47 68 48 c7 80 {iso_hsd_16:d32} 00 00 00 00
        48 c7 80 {iso_hsd_24:d32} 00 00 00 00 0f 11 80 {iso_hsd:d32} 48 8d 86 98 00 00 00 c3)",
     R"(f3 0f 6f 06 0f 11 07 f3 0f 6f 4e 10 0f 11 4f 10 f3 0f 6f 56 20 0f 11 57 20
        f3 0f 6f 5e 30 0f 11 5f 30 f3 0f 6f 66 40 0f 11 67 40 f3 0f 6f 6e 50 0f 11 6f 50
        f3 0f 6f 76 60 0f 11 77 60 f3 0f 6f 7e 70 0f 11 7f 70 f3 0f 6f 86 80 00 00 00
        0f 11 87 80 00 00 00 48 8b 86 90 00 00 00 f3 0f 6f 4f 78 48 89 87 90 00 00 00
        48 8b 07 0f 11 88 {iso_hsd:d32} f3 0f 6f 97 88 00 00 00 0f 11 90 {iso_hsd_16:d32}
        48 8d 86 98 00 00 00 c3)",
     0x98, 0x78, 0x20},
    {// V8 12.4 (Node 22)
     R"(48 8b 07 f3 0f 6f 17 66 0f ef c0 f3 0f 6f 88 {iso_hsd:d32} 0f 11 4f 60 48 8b 90 {iso_hsd_16:d32}
        48 89 57 70 0f 11 16 f3 0f 6f 5f 10 0f 11 5e 10 f3 0f 6f 67 20 0f 11 66 20
        f3 0f 6f 6f 30 0f 11 6e 30 f3 0f 6f 77 40 0f 11 76 40 f3 0f 6f 7f 50 0f 11 7e 50
        f3 0f 6f 4f 60 0f 11 4e 60 48 8b 57 70 48 89 56 70 48 c7 47 08 00 00 00 00
        48 c7 47 20 00 00 00 00 48 c7 47 38 00 00 00 00 0f 11 47 10 0f 11 47 28 0f 11 47 40
        0f 11 47 50 48 c7 80 {iso_hsd_16:d32} 00 00 00 00 0f 11 80 {iso_hsd:d32} 48 8d 46 78 c3)",
     R"(f3 0f 6f 0e 0f 11 0f f3 0f 6f 56 10 0f 11 57 10 f3 0f 6f 5e 20 0f 11 5f 20
        f3 0f 6f 66 30 0f 11 67 30 f3 0f 6f 6e 40 0f 11 6f 40 f3 0f 6f 76 50 0f 11 77 50
        f3 0f 6f 46 60 0f 11 47 60 48 8b 46 70 48 89 47 70 48 8b 07 0f 11 80 {iso_hsd:d32}
        48 8b 57 70 48 89 90 {iso_hsd_16:d32} 48 8d 46 78 c3)",
     0x78, 0x60, 0x18},
};

// RegExpStack::ArchiveStack: when the live stack is the RegExpStack's static
// one (owns_memory_ 0), it first grows it into a dynamic one (archived
// stacks must not point into the RegExpStack); then a copy of its 0x30-byte
// ThreadLocal to the archive, and a reset to the static stack. Its restore
// is a straight copy. Matched: the owns_memory_ test, and the code it jumps
// to when set, through the ret (V8 11.3 and 12.4 compile it the same).
const char kRegExpArchiveTest[] = R"(
55 48 89 e5 41 57 41 56 41 55 41 54 49 89 f4 53 48 89 fb 48 83 ec 08
80 bf {regexp_owns:d32} 00 75 1c)";
constexpr int kRegExpArchiveCopyAt = 60;  // where that jne goes
const char kRegExpArchiveCopy[] = R"(
f3 0f 6f 83 {regexp_tl:d32} 48 8d 83 {regexp_tl:d32} 41 0f 11 04 24
f3 0f 6f 8b {regexp_tl_16:d32} 41 0f 11 4c 24 10
f3 0f 6f 93 {regexp_tl_32:d32} 41 0f 11 54 24 20
48 89 83 {r1:d32} 48 89 83 {r2:d32} 48 8d 83 {r3:d32} 48 89 83 {r4:d32}
49 8d 44 24 30 48 89 9b {regexp_tl:d32} 48 c7 83 {r5:d32} {r6:d32} c6 83 {regexp_owns:d32} 00
48 83 c4 08 5b 41 5c 41 5d 41 5e 41 5f 5d c3)";
constexpr int32_t kRegExpThreadLocalSize = 0x30;

// StackGuard::ArchiveStackGuard / RestoreStackGuard: under the isolate's
// execution-access lock, copy the ThreadLocal at StackGuard + 8 to the
// archive and reset it / copy it back.
//
// RequestInterrupt, what any thread calls to interrupt JS (GC, code install,
// TerminateExecution, API interrupts): under the same lock, unless an
// InterruptsScope intercepts the flag, it ORs the flag into
// interrupt_flags_ and then stores kInterruptLimit to jslimit_ and climit_
// (at ThreadLocal + 0x10 and + 0x18; the real limits are the two words
// before them, both the same on x64). `request` matches it up to that OR,
// and kRequestInterruptSetLimits the two stores, `request_set_at` bytes
// into the function (0: right after `request`).
struct StackGuardVariant {
  const char* archive;
  const char* restore;
  int32_t size;
  const char* request;
  int32_t request_set_at;
};
const char kRequestInterruptSetLimits[] = "48 c7 43 18 fe ff ff ff 48 c7 43 20 fe ff ff ff";
const StackGuardVariant kStackGuardVariants[] = {
    {// V8 11.3 (Node 20)
     R"(55 48 89 e5 41 55 41 54 49 89 f4 53 48 89 fb 48 83 ec 08 48 8b 07 4c 8d a8 {iso_break_access:d32}
        4c 89 ef e8 {rmutex_lock:rel} f3 0f 6f 4b 08 66 0f 6f 05 {*:rel} 4c 89 ef 41 0f 11 0c 24
        f3 0f 6f 53 18 41 0f 11 54 24 10 f3 0f 6f 5b 28 41 0f 11 5c 24 20 48 c7 43 28 00 00 00 00
        c7 43 30 00 00 00 00 0f 11 43 08 0f 11 43 18 e8 {rmutex_unlock:rel} 48 83 c4 08
        49 8d 44 24 30 5b 41 5c 41 5d 5d c3)",
     R"(55 48 89 e5 41 55 41 54 49 89 fc 53 48 89 f3 48 83 ec 08 48 8b 07 4c 8d a8 {iso_break_access:d32}
        4c 89 ef e8 {rmutex_lock:rel} f3 0f 6f 03 4c 89 ef 41 0f 11 44 24 08 f3 0f 6f 4b 10
        41 0f 11 4c 24 18 f3 0f 6f 53 20 41 0f 11 54 24 28 e8 {rmutex_unlock:rel} 48 83 c4 08
        48 8d 43 30 5b 41 5c 41 5d 5d c3)",
     0x30,
     R"(55 48 89 e5 41 55 41 89 f5 41 54 53 48 89 fb 48 83 ec 08 48 8b 07 4c 8d a0 {iso_break_access:d32}
        4c 89 e7 e8 {rmutex_lock:rel} 48 8b 7b {sg_scopes:d8} 48 85 ff 74 0c 44 89 ee e8 {*:rel}
        84 c0 75 23 44 09 6b {sg_flags:d8})",
     0},
    {// V8 12.4 (Node 22)
     R"(55 48 89 e5 41 55 41 54 49 89 f4 53 48 89 fb 48 83 ec 08 48 8b 07 4c 8d a8 {iso_break_access:d32}
        4c 89 ef e8 {rmutex_lock:rel} f3 0f 6f 4b 08 66 0f 6f 05 {*:rel} 4c 89 ef 41 0f 11 0c 24
        f3 0f 6f 53 18 41 0f 11 54 24 10 f3 0f 6f 5b 28 41 0f 11 5c 24 20 48 8b 43 38 49 89 44 24 30
        31 c0 66 89 43 28 c6 43 2a 00 48 c7 43 30 00 00 00 00 c7 43 38 00 00 00 00 0f 11 43 08
        0f 11 43 18 e8 {rmutex_unlock:rel} 48 83 c4 08 49 8d 44 24 38 5b 41 5c 41 5d 5d c3)",
     R"(55 48 89 e5 41 55 41 54 49 89 fc 53 48 89 f3 48 83 ec 08 48 8b 07 4c 8d a8 {iso_break_access:d32}
        4c 89 ef e8 {rmutex_lock:rel} f3 0f 6f 03 4c 89 ef 41 0f 11 44 24 08 f3 0f 6f 4b 10
        41 0f 11 4c 24 18 f3 0f 6f 53 20 41 0f 11 54 24 28 48 8b 53 30 49 89 54 24 38
        e8 {rmutex_unlock:rel} 48 83 c4 08 48 8d 43 38 5b 41 5c 41 5d 5d c3)",
     0x38,
     R"(55 48 89 e5 41 55 41 89 f5 41 54 53 48 89 fb 48 83 ec 18 48 8b 07 4c 8d a0 {iso_break_access:d32}
        4c 89 e7 e8 {rmutex_lock:rel} 48 8b 7b {sg_scopes:d8} 48 85 ff 74 0c 44 89 ee e8 {*:rel}
        84 c0 75 7b 44 09 6b {sg_flags:d8} 0f 85 8c 00 00 00)",
     0xd0},
};

// A part whose archive and restore are straight copies of the same bytes;
// size 0 otherwise.
StraightCopy StraightCopyPair(const uint8_t* archive, const uint8_t* restore) {
  StraightCopy a, r;
  std::string ignored;
  if (!MatchStraightCopy(archive, CopyDirection::kArchive, &a, &ignored) ||
      !MatchStraightCopy(restore, CopyDirection::kRestore, &r, &ignored) || a.offset != r.offset ||
      a.size != r.size)
    return StraightCopy{};
  return a;
}

bool DiscoverHandoff(std::string* why) {
  struct Sym {
    const char* key;
    const char* mangled;
  };
  const Sym syms[] = {
      {"archive_thread", "_ZN2v88internal13ThreadManager13ArchiveThreadEv"},
      {"restore_thread", "_ZN2v88internal13ThreadManager13RestoreThreadEv"},
      {"eagerly_archive", "_ZN2v88internal13ThreadManager20EagerlyArchiveThreadEv"},
      {"lock", "_ZN2v88internal13ThreadManager4LockEv"},
      {"unlock", "_ZN2v88internal13ThreadManager6UnlockEv"},
      {"get_free_thread_state", "_ZN2v88internal13ThreadManager18GetFreeThreadStateEv"},
      {"unlocker_dtor", "_ZN2v88UnlockerD2Ev"},
      {"find_per_thread", "_ZN2v88internal7Isolate30FindPerThreadDataForThisThreadEv"},
      {"find_or_allocate_per_thread", "_ZN2v88internal7Isolate40FindOrAllocatePerThreadDataForThisThreadEv"},
      {"hsi_archive", "_ZN2v88internal22HandleScopeImplementer13ArchiveThreadEPc"},
      {"hsi_restore", "_ZN2v88internal22HandleScopeImplementer13RestoreThreadEPc"},
      {"isolate_archive", "_ZN2v88internal7Isolate13ArchiveThreadEPc"},
      {"isolate_restore", "_ZN2v88internal7Isolate13RestoreThreadEPc"},
      {"reloc_archive", "_ZN2v88internal11Relocatable12ArchiveStateEPNS0_7IsolateEPc"},
      {"reloc_restore", "_ZN2v88internal11Relocatable12RestoreStateEPNS0_7IsolateEPc"},
      {"sg_archive", "_ZN2v88internal10StackGuard17ArchiveStackGuardEPc"},
      {"sg_restore", "_ZN2v88internal10StackGuard17RestoreStackGuardEPc"},
      {"debug_archive", "_ZN2v88internal5Debug12ArchiveDebugEPc"},
      {"debug_restore", "_ZN2v88internal5Debug12RestoreDebugEPc"},
      {"regexp_archive", "_ZN2v88internal11RegExpStack12ArchiveStackEPc"},
      {"regexp_restore", "_ZN2v88internal11RegExpStack12RestoreStackEPc"},
      {"boot_archive", "_ZN2v88internal12Bootstrapper12ArchiveStateEPc"},
      {"boot_restore", "_ZN2v88internal12Bootstrapper12RestoreStateEPc"},
      {"rmutex_lock", "_ZN2v84base14RecursiveMutex4LockEv"},
      {"rmutex_unlock", "_ZN2v84base14RecursiveMutex6UnlockEv"},
      {"mutex_lock", "_ZN2v84base5Mutex4LockEv"},
  };
  // optional (see kIsolateEnterStackStart)
  const Sym optional_syms[] = {
      {"isolate_enter", "_ZN2v88internal7Isolate5EnterEv"},
      {"get_stack_start", "_ZN2v84base5Stack13GetStackStartEv"},
      {"set_stack_start", "_ZN2v88internal4Heap13SetStackStartEPv"},
  };
  std::map<std::string, const void*> sym;
  for (const Sym& s : syms) {
    void* a = dlsym(RTLD_DEFAULT, s.mangled);
    if (a == nullptr) {
      *why = std::string("this node does not export ") + s.mangled;
      return false;
    }
    sym[s.key] = a;
  }
  std::map<std::string, int32_t> cap;
  std::string detail;
  if (!MatchCode(static_cast<const uint8_t*>(sym["restore_thread"]), kRestoreThread, sym, &cap, &detail)) {
    *why = "V8's ThreadManager::RestoreThread is not the code this was written for (" + detail + ")";
    return false;
  }
  if (!MatchCode(static_cast<const uint8_t*>(sym["eagerly_archive"]), kEagerlyArchiveThread, sym, &cap, &detail)) {
    *why = "V8's ThreadManager::EagerlyArchiveThread is not the code this was written for (" + detail + ")";
    return false;
  }
  if (!MatchCode(static_cast<const uint8_t*>(sym["unlocker_dtor"]), kUnlockerDestructor, sym, &cap, &detail)) {
    *why = "V8's Unlocker::~Unlocker is not the code this was written for (" + detail + ")";
    return false;
  }
  HandoffOps& o = g_handoff;
  auto fn = [&](const char* key, auto* out) { *out = reinterpret_cast<std::remove_pointer_t<decltype(out)>>(const_cast<void*>(sym[key])); };
  fn("archive_thread", &o.archive_thread);
  fn("restore_thread", &o.restore_thread);
  fn("lock", &o.lock);
  fn("unlock", &o.unlock);
  fn("get_free_thread_state", &o.get_free_thread_state);
  fn("find_or_allocate_per_thread", &o.find_or_allocate_per_thread);
  fn("hsi_archive", &o.hsi_archive);
  fn("hsi_restore", &o.hsi_restore);
  fn("isolate_archive", &o.isolate_archive);
  fn("isolate_restore", &o.isolate_restore);
  fn("reloc_archive", &o.reloc_archive);
  fn("reloc_restore", &o.reloc_restore);
  fn("sg_archive", &o.sg_archive);
  fn("sg_restore", &o.sg_restore);
  fn("debug_archive", &o.debug_archive);
  fn("debug_restore", &o.debug_restore);
  fn("regexp_archive", &o.regexp_archive);
  fn("regexp_restore", &o.regexp_restore);
  fn("boot_archive", &o.boot_archive);
  fn("boot_restore", &o.boot_restore);
  fn("rmutex_lock", &o.rmutex_lock);
  fn("rmutex_unlock", &o.rmutex_unlock);
  o.iso_tm = cap["iso_tm"];
  o.iso_hsi = cap["iso_hsi"];
  o.iso_debug = cap["iso_debug"];
  o.iso_regexp = cap["iso_regexp"];
  o.iso_boot = cap["iso_boot"];
  o.iso_break_access = cap["iso_break_access"];
  o.iso_stack_guard = cap["iso_stack_guard"];
  o.tm_isolate = cap["tm_isolate"];
  o.tm_owner = cap["tm_owner"];
  o.pt_state = cap["pt_state"];
  o.state_data = cap["state_data"];

  // Optional: our own copies of the HandleScopeImplementer and StackGuard
  // parts, where V8's functions are known straight copies.
  for (const HsiVariant& v : kHsiVariants) {
    std::map<std::string, int32_t> c;
    std::string ignored;
    if (MatchCode(static_cast<const uint8_t*>(sym["hsi_archive"]), v.archive, sym, &c, &ignored) &&
        MatchCode(static_cast<const uint8_t*>(sym["hsi_restore"]), v.restore, sym, &c, &ignored) &&
        c["iso_hsd_16"] == c["iso_hsd"] + 16 && (c.count("iso_hsd_24") == 0 || c["iso_hsd_24"] == c["iso_hsd"] + 24) &&
        v.hsd_in_hsi + v.hsd_size == v.size) {
      o.hsi_size = v.size;
      o.hsd_in_hsi = v.hsd_in_hsi;
      o.hsd_size = v.hsd_size;
      o.iso_hsd = c["iso_hsd"];
      break;
    }
  }
  bool have_enter = true;
  for (const Sym& s : optional_syms) {
    void* a = dlsym(RTLD_DEFAULT, s.mangled);
    have_enter = have_enter && a != nullptr;
    sym[s.key] = a;
  }
  // rbx holds `this` from the prologue's mov %rdi,%rbx on
  const uint8_t* enter = static_cast<const uint8_t*>(sym["isolate_enter"]);
  bool this_in_rbx = false;
  for (int i = 0; have_enter && i < kIsolateEnterSearch; i++) {
    std::map<std::string, int32_t> c;
    std::string ignored;
    if (i >= 3 && enter[i - 3] == 0x48 && enter[i - 2] == 0x89 && enter[i - 1] == 0xfb) this_in_rbx = true;
    if (this_in_rbx && MatchCode(enter + i, kIsolateEnterStackStart, sym, &c, &ignored)) {
      fn("set_stack_start", &o.set_stack_start);
      o.iso_heap = c["iso_heap"];
      break;
    }
  }
  for (const StackGuardVariant& v : kStackGuardVariants) {
    std::map<std::string, int32_t> c = {{"iso_break_access", o.iso_break_access}};
    std::string ignored;
    if (MatchCode(static_cast<const uint8_t*>(sym["sg_archive"]), v.archive, sym, &c, &ignored) &&
        MatchCode(static_cast<const uint8_t*>(sym["sg_restore"]), v.restore, sym, &c, &ignored)) {
      o.sg_size = v.size;
      // The captures are StackGuard offsets; the interrupt state must
      // follow the four limit words, which a lock-free hand-off swaps.
      const auto* request = static_cast<const uint8_t*>(
          dlsym(RTLD_DEFAULT, "_ZN2v88internal10StackGuard16RequestInterruptENS1_13InterruptFlagE"));
      const uint8_t* after_request = nullptr;
      if (request != nullptr && MatchCode(request, v.request, sym, &c, &ignored, &after_request) &&
          MatchCode(v.request_set_at != 0 ? request + v.request_set_at : after_request, kRequestInterruptSetLimits,
                    sym, &c, &ignored)) {
        const int32_t scopes = c["sg_scopes"] - kStackGuardThreadLocal;
        const int32_t flags = c["sg_flags"] - kStackGuardThreadLocal;
        if (scopes >= kStackLimitsSize && flags >= kStackLimitsSize && scopes + 8 <= v.size && flags + 4 <= v.size) {
          o.sg_scopes = scopes;
          o.sg_flags = flags;
        }
      }
      break;
    }
  }
  auto code = [&](const char* key) { return static_cast<const uint8_t*>(sym[key]); };
  o.isolate_part = StraightCopyPair(code("isolate_archive"), code("isolate_restore"));
  o.reloc_part = StraightCopyPair(code("reloc_archive"), code("reloc_restore"));
  o.boot_part = StraightCopyPair(code("boot_archive"), code("boot_restore"));
  StraightCopy debug;
  std::string ignored;
  if (MatchStraightCopy(code("debug_archive"), CopyDirection::kArchive, &debug, &ignored)) o.debug_part = debug;
  StraightCopy regexp;
  std::map<std::string, int32_t> c;
  if (MatchStraightCopy(code("regexp_restore"), CopyDirection::kRestore, &regexp, &ignored) &&
      regexp.size == kRegExpThreadLocalSize &&
      MatchCode(code("regexp_archive"), kRegExpArchiveTest, sym, &c, &ignored) &&
      MatchCode(code("regexp_archive") + kRegExpArchiveCopyAt, kRegExpArchiveCopy, sym, &c, &ignored) &&
      c["regexp_tl"] == regexp.offset && c["regexp_tl_16"] == regexp.offset + 16 &&
      c["regexp_tl_32"] == regexp.offset + 32 && c["regexp_owns"] >= regexp.offset &&
      c["regexp_owns"] < regexp.offset + regexp.size) {
    o.regexp_part = regexp;
    o.regexp_owns = c["regexp_owns"];
  }
  return true;
}

#else

bool DiscoverHandoff(std::string* why) {
  *why = "the direct V8 hand-off is only implemented for x86-64";
  return false;
}

#endif

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

// The sizes of the parts copied at every hand-off. Where V8's archive and
// restore of every part were recognized as copies and their sizes are those
// of a build listed here, they are compile-time constants, so that each copy
// compiles to a few moves (a memcpy call or a size dispatch per part cost
// more than V8's own functions). Otherwise (FoundSizes) they are read from
// HandoffOps, and a part that is not a copy goes through V8's function.
struct FoundSizes {
  static constexpr bool kAllCopied = false;
  static int32_t HsiHead(const HandoffOps& o) { return o.hsd_in_hsi; }  // 0: V8's
  static int32_t Hsd(const HandoffOps& o) { return o.hsd_size; }
  static int32_t Isolate(const HandoffOps& o) { return o.isolate_part.size; }
  static int32_t Reloc(const HandoffOps& o) { return o.reloc_part.size; }
  static int32_t StackGuard(const HandoffOps& o) { return o.sg_size; }
  static int32_t Debug(const HandoffOps& o) { return o.debug_part.size; }
  static int32_t RegExp(const HandoffOps& o) { return o.regexp_part.size; }
  static int32_t Boot(const HandoffOps& o) { return o.boot_part.size; }
};
template <int32_t kHsiHead, int32_t kHsd, int32_t kIsolate, int32_t kReloc, int32_t kStackGuard, int32_t kDebug,
          int32_t kRegExp, int32_t kBoot>
struct FixedSizes {
  static constexpr bool kAllCopied = true;
  static constexpr int32_t HsiHead(const HandoffOps&) { return kHsiHead; }
  static constexpr int32_t Hsd(const HandoffOps&) { return kHsd; }
  static constexpr int32_t Isolate(const HandoffOps&) { return kIsolate; }
  static constexpr int32_t Reloc(const HandoffOps&) { return kReloc; }
  static constexpr int32_t StackGuard(const HandoffOps&) { return kStackGuard; }
  static constexpr int32_t Debug(const HandoffOps&) { return kDebug; }
  static constexpr int32_t RegExp(const HandoffOps&) { return kRegExp; }
  static constexpr int32_t Boot(const HandoffOps&) { return kBoot; }
  static bool Match(const HandoffOps& o) {
    return o.hsd_in_hsi == kHsiHead && o.hsd_size == kHsd && o.isolate_part.size == kIsolate &&
           o.reloc_part.size == kReloc && o.sg_size == kStackGuard && o.debug_part.size == kDebug &&
           o.regexp_part.size == kRegExp && o.boot_part.size == kBoot;
  }
};
using SizesV8_11_3 = FixedSizes<0x78, 0x20, 0xc8, 0x8, 0x30, 0x58, 0x30, 0x4>;  // Node 20
using SizesV8_12_4 = FixedSizes<0x60, 0x18, 0xf0, 0x8, 0x38, 0x58, 0x30, 0x4>;  // Node 22

void ChooseSizes(HandoffOps* o) {
  if (SizesV8_11_3::Match(*o)) o->sizes = HandoffOps::Sizes::kV8_11_3;
  if (SizesV8_12_4::Match(*o)) o->sizes = HandoffOps::Sizes::kV8_12_4;
}

// Runs body(Sizes{}) with the size policy that `sizes` names: the one place
// that maps HandoffOps::Sizes to a policy, for Archive and Restore alike.
template <class Body>
__attribute__((always_inline)) inline void WithPartSizes(HandoffOps::Sizes sizes, Body&& body) {
  switch (sizes) {
    case HandoffOps::Sizes::kV8_11_3: return body(SizesV8_11_3{});
    case HandoffOps::Sizes::kV8_12_4: return body(SizesV8_12_4{});
    case HandoffOps::Sizes::kFound: return body(FoundSizes{});
  }
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

}  // namespace

V8Handoff* V8Handoff::Create(v8::Isolate* isolate, int32_t thread_id, std::string* why) {
  static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  static bool done = false;
  pthread_mutex_lock(&mu);
  if (!done) {
    std::string err;
    g_handoff_found = DiscoverHandoff(&err);
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
  if (const char* check = std::getenv("SWITCHYARD_CHECK_SWAP"); check != nullptr && *check == '1') g_check_swap = true;
  if (const char* dbg = std::getenv("SWITCHYARD_DEBUG_HANDOFF"); dbg != nullptr && *dbg == '1') {
    std::fprintf(stderr,
                 "switchyard: V8 hand-off: thread manager +%d, debug part %zu bytes, heap stack start %s, "
                 "copied inline: %s (sizes %s), stack guard %s\n",
                 o.iso_tm, debug_size, o.set_stack_start != nullptr ? "set directly" : "through Isolate::Enter",
                 InlineParts().c_str(),
                 o.sizes == HandoffOps::Sizes::kV8_11_3   ? "of V8 11.3, compiled in"
                 : o.sizes == HandoffOps::Sizes::kV8_12_4 ? "of V8 12.4, compiled in"
                                                          : "as found",
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

std::atomic<uint64_t> V8Handoff::locked_handoffs_{0};
uint64_t V8Handoff::LockedHandoffs() { return locked_handoffs_.load(std::memory_order_relaxed); }

std::atomic<uint64_t> V8Handoff::split_handoffs_{0};
uint64_t V8Handoff::SplitHandoffs() { return split_handoffs_.load(std::memory_order_relaxed); }

size_t V8Handoff::HandleScopeImplementerHead() const { return static_cast<size_t>(g_handoff.hsd_in_hsi); }

bool V8Handoff::SetsStackStart() const { return g_handoff.set_stack_start != nullptr; }

void V8Handoff::SetStackStart(void* start) { g_handoff.set_stack_start(isolate_ + g_handoff.iso_heap, start); }

bool V8Handoff::SenderNeedsLock() const {
  return g_handoff.sg_flags == 0 || Field<void*>(stack_guard_ + kStackGuardThreadLocal, g_handoff.sg_scopes) != nullptr;
}

void V8Handoff::Archive(void* per_thread, int32_t thread_id) {
  const HandoffOps& o = g_handoff;
  split_handoffs_.fetch_add(1, std::memory_order_relaxed);
  // ThreadManager::ArchiveThread without the lazy step, then
  // EagerlyArchiveThread (whose archive order is checked at discovery).
  char* free_anchor = Field<char*>(tm_, kTmFreeAnchor);
  char* state = Field<char*>(free_anchor, kStateNext);
  if (state == free_anchor) state = o.get_free_thread_state(tm_);  // a new one
  Unlink(state);
  Field<char*>(static_cast<char*>(per_thread), o.pt_state) = state;
  Field<int32_t>(state, 0) = thread_id;
  LinkAfter(Field<char*>(tm_, kTmInUseAnchor), state);
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
  LinkAfter(Field<char*>(tm_, kTmFreeAnchor), state);
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

// Whether a StackGuard archive holds nothing but limits: no InterruptsScope,
// no flag, and each current limit its real one.
bool NothingPending(char* archive, const HandoffOps& o) {
  return Field<void*>(archive, o.sg_scopes) == nullptr && Field<int32_t>(archive, o.sg_flags) == 0 &&
         Field<uintptr_t>(archive, kJsLimit) == Field<uintptr_t>(archive, kRealJsLimit) &&
         Field<uintptr_t>(archive, kCLimit) == Field<uintptr_t>(archive, kRealCLimit);
}

// Writes what V8's archive holds for a thread with nothing pending and
// these real limits.
void ArchiveLimitsOnly(char* to, uintptr_t real_js, uintptr_t real_c, int32_t size) {
  Field<uintptr_t>(to, kRealJsLimit) = real_js;
  Field<uintptr_t>(to, kRealCLimit) = real_c;
  Field<uintptr_t>(to, kJsLimit) = real_js;
  Field<uintptr_t>(to, kCLimit) = real_c;
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
  ArchiveLimitsOnly(to, Field<uintptr_t>(live, kRealJsLimit), Field<uintptr_t>(live, kRealCLimit), size);
  return to + size;
}

template <class Sizes>
char* V8Handoff::RestoreStackGuard(char* from) {
  const HandoffOps& o = g_handoff;
  const int32_t size = Sizes::StackGuard(o);
  char* live = stack_guard_ + kStackGuardThreadLocal;
  if (!locked_) {
    if (NothingPending(from, o)) {
      SwapStackLimits(live, Field<uintptr_t>(from, kRealJsLimit), Field<uintptr_t>(from, kRealCLimit), o.sg_flags);
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
// those stores land before ours, ours overwrite them, but then the flag
// is already visible to the load after the exchange (a full barrier), and
// the interrupt limit goes back. Only this thread resets the limits
// (ClearInterrupt, FetchAndClearInterrupts, SetStackLimit: V8 and Node
// call them on the isolate's own thread), and only it changes scopes.
void V8Handoff::SwapStackLimits(char* live, uintptr_t real_js, uintptr_t real_c, int32_t flags_at) {
  Field<uintptr_t>(live, kRealJsLimit) = real_js;
  Field<uintptr_t>(live, kRealCLimit) = real_c;
  auto* jslimit = reinterpret_cast<std::atomic<uintptr_t>*>(live + kJsLimit);
  auto* climit = reinterpret_cast<std::atomic<uintptr_t>*>(live + kCLimit);
  climit->store(real_c, std::memory_order_relaxed);
  jslimit->exchange(real_js, std::memory_order_seq_cst);
  if (__atomic_load_n(reinterpret_cast<int32_t*>(live + flags_at), __ATOMIC_RELAXED) != 0) {
    jslimit->store(kInterruptLimit, std::memory_order_relaxed);
    climit->store(kInterruptLimit, std::memory_order_relaxed);
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

namespace {

// Where each part starts in an archive (ArchiveParts' order), and its end,
// for constant part sizes.
template <class Sizes>
struct PartOffsets {
  static constexpr size_t kHsd = static_cast<size_t>(Sizes::HsiHead(g_handoff));
  static constexpr size_t kIsolate = kHsd + static_cast<size_t>(Sizes::Hsd(g_handoff));
  static constexpr size_t kReloc = kIsolate + static_cast<size_t>(Sizes::Isolate(g_handoff));
  static constexpr size_t kStackGuard = kReloc + static_cast<size_t>(Sizes::Reloc(g_handoff));
  static constexpr size_t kDebug = kStackGuard + static_cast<size_t>(Sizes::StackGuard(g_handoff));
  static constexpr size_t kRegExp = kDebug + static_cast<size_t>(Sizes::Debug(g_handoff));
  static constexpr size_t kBoot = kRegExp + static_cast<size_t>(Sizes::RegExp(g_handoff));
  static constexpr size_t kEnd = kBoot + static_cast<size_t>(Sizes::Boot(g_handoff));
};

}  // namespace

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
  const uintptr_t real_js = Field<uintptr_t>(live_sg, kRealJsLimit), real_c = Field<uintptr_t>(live_sg, kRealCLimit);
  SwapStackLimits(live_sg, Field<uintptr_t>(sg, kRealJsLimit), Field<uintptr_t>(sg, kRealCLimit), o.sg_flags);
  ArchiveLimitsOnly(sg, real_js, real_c, Sizes::StackGuard(g_handoff));
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

bool StackLimitDiscover(v8::Isolate* isolate, std::string* error) {
  static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  static bool done = false;
  pthread_mutex_lock(&mu);
  if (!done) {
    std::string err;
    g_limits_discovered = DiscoverStackLimit(isolate, &err);
    g_limits_error = err;
    done = true;
  }
  pthread_mutex_unlock(&mu);
  if (!g_limits_discovered && error != nullptr) *error = g_limits_error;
  return g_limits_discovered;
}

uintptr_t StackLimitCurrent(v8::Isolate* isolate) {
  uintptr_t limit = ~uintptr_t{0};
  for (int i = 0; i < g_limits.count; i++) {
    uintptr_t v = ReadWord(isolate, g_limits.offsets[i]);
    if (v < limit) limit = v;
  }
  return limit;
}

bool TlsDiscover(v8::Isolate* isolate, std::string* error) {
  // Once per process, by the first isolate's thread (later isolates, e.g.
  // worker threads, share the executable and its layout).
  static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  static bool done = false;
  pthread_mutex_lock(&mu);
  if (!done) {
    std::string err;
    g_discovered = Discover(isolate, &err);
    g_discovery_error = err;
    done = true;
  }
  pthread_mutex_unlock(&mu);
  if (!g_discovered && error != nullptr) *error = g_discovery_error;
  return g_discovered;
}

const TlsLayout& TlsGetLayout() { return g_layout; }

uint8_t* TlsLiveBlock() {
  if (t_live_block == nullptr) t_live_block = CurrentBlock().data;
  return t_live_block;
}

}  // namespace switchyard

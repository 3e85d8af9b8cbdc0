// tls_identity.cc: run-time discovery of the executable's static TLS block
// and of the V8 slots inside it (see tls_identity.h).
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

#include <cstring>
#include <vector>

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

}  // namespace

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

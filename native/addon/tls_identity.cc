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
  int thread_id = 0;
  void* stack_start = nullptr;
};

struct ProbeArgs {
  GetThreadIdFn get_thread_id;
  GetStackStartFn get_stack_start;
  ProbeResult result;
};

void* ProbeThread(void* p) {
  auto* args = static_cast<ProbeArgs*>(p);
  ProbeResult& r = args->result;
  BlockInfo b = CurrentBlock();
  if (!b.found || b.data == nullptr) {
    r.error = "helper thread has no executable TLS block";
    return nullptr;
  }
  r.before_id.assign(b.data, b.data + b.memsz);
  r.thread_id = args->get_thread_id();
  r.after_id.assign(b.data, b.data + b.memsz);
  r.stack_start = args->get_stack_start();
  r.after_stack.assign(b.data, b.data + b.memsz);
  return nullptr;
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

bool Discover(std::string* error) {
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
  // Both functions are exported by official node builds (they are V8_EXPORT).
  auto get_thread_id = reinterpret_cast<GetThreadIdFn>(
      dlsym(RTLD_DEFAULT, "_ZN2v88internal8ThreadId18GetCurrentThreadIdEv"));
  auto get_stack_start = reinterpret_cast<GetStackStartFn>(
      dlsym(RTLD_DEFAULT, "_ZN2v84base5Stack13GetStackStartEv"));
  if (get_thread_id == nullptr || get_stack_start == nullptr) {
    *error = "this node does not export v8::internal::ThreadId::"
             "GetCurrentThreadId / v8::base::Stack::GetStackStart";
    return false;
  }

  ProbeArgs args{get_thread_id, get_stack_start, {}};
  pthread_t t;
  if (pthread_create(&t, nullptr, ProbeThread, &args) != 0) {
    *error = "could not start the TLS probe thread";
    return false;
  }
  pthread_join(t, nullptr);
  ProbeResult& r = args.result;
  if (!r.error.empty()) {
    *error = r.error;
    return false;
  }

  // Thread id: exactly one aligned int32 goes 0 -> returned id.
  std::vector<size_t> id_changes = ChangedWords<int32_t>(r.before_id, r.after_id);
  if (id_changes.size() != 1) {
    *error = "V8 thread-id slot is ambiguous: " + std::to_string(id_changes.size()) +
             " TLS words changed when assigning a thread id";
    return false;
  }
  size_t id_off = id_changes[0];
  int32_t before = 0, after = 0;
  std::memcpy(&before, &r.before_id[id_off], 4);
  std::memcpy(&after, &r.after_id[id_off], 4);
  if (before != 0 || after != r.thread_id || after <= 0) {
    *error = "V8 thread-id slot did not go 0 -> id (" + std::to_string(before) +
             " -> " + std::to_string(after) + ", id " + std::to_string(r.thread_id) + ")";
    return false;
  }

  // Stack start: exactly one aligned pointer goes 0 -> returned stack start.
  std::vector<size_t> ss_changes = ChangedWords<uintptr_t>(r.after_id, r.after_stack);
  if (ss_changes.size() != 1) {
    *error = "V8 stack-start slot is ambiguous: " + std::to_string(ss_changes.size()) +
             " TLS words changed when caching the stack start";
    return false;
  }
  size_t ss_off = ss_changes[0];
  uintptr_t ss_before = 0, ss_after = 0;
  std::memcpy(&ss_before, &r.after_id[ss_off], sizeof ss_before);
  std::memcpy(&ss_after, &r.after_stack[ss_off], sizeof ss_after);
  if (ss_before != 0 || ss_after != reinterpret_cast<uintptr_t>(r.stack_start)) {
    *error = "V8 stack-start slot did not go 0 -> stack start";
    return false;
  }
  if (ss_off < id_off + 4 && id_off < ss_off + sizeof(uintptr_t)) {
    *error = "V8 thread-id and stack-start slots overlap";
    return false;
  }

  // Cross-check on this (the main) thread: its id slot must hold the id V8
  // reports for it, and its stack-start slot (if cached) the stack start.
  int32_t live_id = 0;
  std::memcpy(&live_id, main_block.data + id_off, 4);
  int my_id = get_thread_id();
  if (live_id != my_id) {
    *error = "V8 thread-id slot does not match on the main thread (" +
             std::to_string(live_id) + " vs " + std::to_string(my_id) + ")";
    return false;
  }
  void* my_stack = get_stack_start();
  uintptr_t live_ss = 0;
  std::memcpy(&live_ss, main_block.data + ss_off, sizeof live_ss);
  if (live_ss != reinterpret_cast<uintptr_t>(my_stack)) {
    *error = "V8 stack-start slot does not match on the main thread";
    return false;
  }

  g_layout.size = main_block.memsz;
  g_layout.thread_id_offset = id_off;
  g_layout.stack_start_offset = ss_off;
  return true;
}

thread_local uint8_t* t_live_block = nullptr;

}  // namespace

bool TlsDiscover(std::string* error) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, [] {
    std::string err;
    g_discovered = Discover(&err);
    g_discovery_error = err;
  });
  if (!g_discovered && error != nullptr) *error = g_discovery_error;
  return g_discovered;
}

const TlsLayout& TlsGetLayout() { return g_layout; }

uint8_t* TlsLiveBlock() {
  if (t_live_block == nullptr) t_live_block = CurrentBlock().data;
  return t_live_block;
}

void TlsPrepareIdentity(uint8_t* block, void* stack_top, int32_t thread_id) {
  std::memcpy(block + g_layout.thread_id_offset, &thread_id, sizeof thread_id);
  uintptr_t top = reinterpret_cast<uintptr_t>(stack_top);
  std::memcpy(block + g_layout.stack_start_offset, &top, sizeof top);
}

int32_t TlsThreadId(const uint8_t* block) {
  int32_t id;
  std::memcpy(&id, block + g_layout.thread_id_offset, sizeof id);
  return id;
}

}  // namespace switchyard

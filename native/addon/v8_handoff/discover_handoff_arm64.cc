// discover_handoff_arm64.cc: DiscoverHandoff on AArch64, as
// discover_handoff_x64.cc does it on x86-64: V8's functions come from the
// executable's symbols (v8_symbols.h); their code must match one V8 build's
// patterns (arm64_patterns.h) exactly, which pins the offsets V8 itself
// uses and the order of the archive parts. The optional parts (inline
// copies, lock-free stack limits, the heap's stack start) are matched
// separately and left to V8's functions where they differ.
// (SWITCHYARD_HANDOFF_ARM64_ON_HOST: compiled on another ISA by a tool that
// checks the tables against an arm64 node's code read from its file.)
#if defined(__aarch64__) || defined(SWITCHYARD_HANDOFF_ARM64_ON_HOST)

#include <map>
#include <string>
#include <type_traits>

#include "arm64_code_match.h"
#include "arm64_patterns.h"
#include "handoff_ops.h"
#include "handoff_symbols.h"

namespace switchyard {

namespace {

using Captures = std::map<std::string, int32_t>;

const uint32_t* Code(const V8SymbolMap& sym, const char* key) { return static_cast<const uint32_t*>(sym.at(key)); }

// The ThreadManager's code: the one V8 build whose three functions match.
const arm64::ThreadManagerVariant* MatchThreadManager(const V8SymbolMap& sym, Captures* cap, std::string* why) {
  std::string tried;
  for (const arm64::ThreadManagerVariant& v : arm64::kThreadManagerVariants) {
    Captures c;
    std::string detail;
    const char* failed = nullptr;
    if (!arm64::MatchCode(Code(sym, "restore_thread"), v.restore_thread, sym, &c, &detail))
      failed = "ThreadManager::RestoreThread";
    else if (!arm64::MatchCode(Code(sym, "eagerly_archive"), v.eagerly_archive_thread, sym, &c, &detail))
      failed = "ThreadManager::EagerlyArchiveThread";
    else if (!arm64::MatchCode(Code(sym, "unlocker_dtor"), v.unlocker_destructor, sym, &c, &detail))
      failed = "Unlocker::~Unlocker";
    if (failed == nullptr) {
      *cap = c;
      return &v;
    }
    if (!tried.empty()) tried += "; ";
    tried += std::string(v.v8_build) + ": " + failed + " differs (" + detail + ")";
  }
  *why = "V8's ThreadManager code is not that of any V8 build this was written for [" + tried + "]";
  return nullptr;
}

}  // namespace

bool DiscoverHandoff(HandoffOps* ops, std::string* why) {
  V8SymbolMap sym;
  if (!FindV8Symbols(kHandoffSymbols, std::size(kHandoffSymbols), true, &sym, why)) return false;
  FindV8Symbols(kOptionalHandoffSymbols, std::size(kOptionalHandoffSymbols), false, &sym, why);
  Captures cap;
  const arm64::ThreadManagerVariant* build = MatchThreadManager(sym, &cap, why);
  if (build == nullptr) return false;

  HandoffOps& o = *ops;
  o.v8_build = build->v8_build;
  auto fn = [&](const char* key, auto* out) {
    *out = reinterpret_cast<std::remove_pointer_t<decltype(out)>>(const_cast<void*>(sym.at(key)));
  };
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
  o.tm_free_anchor = cap["tm_free"];
  o.tm_in_use_anchor = cap["tm_in_use"];
  o.pt_state = cap["pt_state"];
  o.state_data = cap["state_data"];
  return true;
}

}  // namespace switchyard

#endif  // __aarch64__

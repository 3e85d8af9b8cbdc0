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

#include <dlfcn.h>

#include <map>
#include <string>

#include "arm64_code_match.h"
#include "arm64_patterns.h"
#include "handoff_ops.h"
#include "handoff_symbols.h"
#include "straight_copy_arm64.h"

namespace switchyard {

namespace {

using Captures = std::map<std::string, int32_t>;

const uint32_t* Code(const V8SymbolMap& sym, const char* key) { return static_cast<const uint32_t*>(sym.at(key)); }

// The memcpy V8's code calls (through the PLT).
const void* Memcpy() { return dlsym(RTLD_DEFAULT, "memcpy"); }

// A part whose archive and restore are straight copies of the same bytes;
// size 0 otherwise.
StraightCopy StraightCopyPair(const uint32_t* archive, const uint32_t* restore) {
  StraightCopy a, r;
  std::string ignored;
  if (!arm64::MatchStraightCopy(archive, CopyDirection::kArchive, &a, &ignored, Memcpy()) ||
      !arm64::MatchStraightCopy(restore, CopyDirection::kRestore, &r, &ignored, Memcpy()) || a.offset != r.offset ||
      a.size != r.size)
    return StraightCopy{};
  return a;
}

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

void MatchHandleScopeImplementer(const V8SymbolMap& sym, HandoffOps* o) {
  for (const arm64::HsiVariant& v : arm64::kHsiVariants) {
    Captures c;
    std::string ignored;
    if (arm64::MatchCode(Code(sym, "hsi_archive"), v.archive, sym, &c, &ignored) &&
        arm64::MatchCode(Code(sym, "hsi_restore"), v.restore, sym, &c, &ignored) &&
        c["iso_hsd_16"] == c["iso_hsd"] + 16 &&
        (c.count("iso_hsd_24") == 0 || c["iso_hsd_24"] == c["iso_hsd"] + 24) && v.hsd_in_hsi + v.hsd_size == v.size) {
      o->hsi_size = v.size;
      o->hsd_in_hsi = v.hsd_in_hsi;
      o->hsd_size = v.hsd_size;
      o->iso_hsd = c["iso_hsd"];
      return;
    }
  }
}

void MatchStackGuard(const V8SymbolMap& sym, HandoffOps* o) {
  for (const arm64::StackGuardVariant& v : arm64::kStackGuardVariants) {
    Captures c = {{"iso_break_access", o->iso_break_access}};
    std::string ignored;
    if (!arm64::MatchCode(Code(sym, "sg_archive"), v.archive, sym, &c, &ignored) ||
        !arm64::MatchCode(Code(sym, "sg_restore"), v.restore, sym, &c, &ignored))
      continue;
    o->sg_size = v.size;
    // The captures are StackGuard offsets; the interrupt state must
    // follow the four limit words, which a lock-free hand-off swaps.
    const uint32_t* request = Code(sym, "request_interrupt");
    if (request != nullptr && arm64::MatchCode(request, v.request, sym, &c, &ignored)) {
      const int32_t scopes = c["sg_scopes"] - kStackGuardThreadLocal;
      const int32_t flags = c["sg_flags"] - kStackGuardThreadLocal;
      if (scopes >= kStackLimitsSize && flags >= kStackLimitsSize && scopes + 8 <= v.size && flags + 4 <= v.size) {
        o->sg_scopes = scopes;
        o->sg_flags = flags;
        o->sg_c_limits = v.c_limits;
      }
    }
    return;
  }
}

void MatchRegExpStack(const V8SymbolMap& sym, HandoffOps* o) {
  StraightCopy regexp;
  std::string ignored;
  if (!arm64::MatchStraightCopy(Code(sym, "regexp_restore"), CopyDirection::kRestore, &regexp, &ignored, Memcpy()) ||
      regexp.size != arm64::kRegExpThreadLocalSize)
    return;
  for (const char* pattern : arm64::kRegExpArchiveVariants) {
    Captures c;
    if (arm64::MatchCode(Code(sym, "regexp_archive"), pattern, sym, &c, &ignored) && c["regexp_tl"] == regexp.offset &&
        (c.count("regexp_tl_16") == 0 || c["regexp_tl_16"] == regexp.offset + 16) &&
        c["regexp_tl_32"] == regexp.offset + 32 && c["regexp_owns"] >= regexp.offset &&
        c["regexp_owns"] < regexp.offset + regexp.size) {
      o->regexp_part = regexp;
      o->regexp_owns = c["regexp_owns"];
      return;
    }
  }
}

// Isolate::Enter's first part (arm64::kIsolateEnterVariants).
void MatchIsolateEnter(const V8SymbolMap& sym, HandoffOps* o) {
  if (sym.at("isolate_enter") == nullptr) return;
  for (const arm64::IsolateEnterVariant& v : arm64::kIsolateEnterVariants) {
    const char* setter = v.passes_start ? "set_stack_start" : "set_stack_start_here";
    Captures c;
    std::string ignored;
    if (sym.at(setter) == nullptr || !arm64::MatchCode(Code(sym, "isolate_enter"), v.pattern, sym, &c, &ignored))
      continue;
    if (v.passes_start)
      o->set_stack_start = reinterpret_cast<void (*)(void*, void*)>(const_cast<void*>(sym.at(setter)));
    else
      o->set_stack_start_here = reinterpret_cast<void (*)(void*)>(const_cast<void*>(sym.at(setter)));
    o->iso_heap = c["iso_heap"];
    return;
  }
}

}  // namespace

bool DiscoverHandoff(HandoffOps* ops, std::string* why) {
  V8SymbolMap sym;
  if (!FindV8Symbols(kHandoffSymbols, std::size(kHandoffSymbols), true, &sym, why)) return false;
  FindV8Symbols(kOptionalHandoffSymbols, std::size(kOptionalHandoffSymbols), false, &sym, why);
  sym["memcpy"] = Memcpy();  // what some patterns call (through the PLT)
  Captures cap;
  const arm64::ThreadManagerVariant* build = MatchThreadManager(sym, &cap, why);
  if (build == nullptr) return false;

  HandoffOps& o = *ops;
  o.v8_build = build->v8_build;
  SetThreadManagerOps(sym, cap, &o);

  // Optional: our own copies of the parts where V8's functions are known
  // straight copies, and the shortcuts.
  MatchHandleScopeImplementer(sym, &o);
  MatchIsolateEnter(sym, &o);
  MatchStackGuard(sym, &o);
  o.isolate_part = StraightCopyPair(Code(sym, "isolate_archive"), Code(sym, "isolate_restore"));
  o.reloc_part = StraightCopyPair(Code(sym, "reloc_archive"), Code(sym, "reloc_restore"));
  o.boot_part = StraightCopyPair(Code(sym, "boot_archive"), Code(sym, "boot_restore"));
  StraightCopy debug;
  std::string ignored;
  if (arm64::MatchStraightCopy(Code(sym, "debug_archive"), CopyDirection::kArchive, &debug, &ignored, Memcpy()))
    o.debug_part = debug;
  MatchRegExpStack(sym, &o);
  return true;
}

}  // namespace switchyard

#endif  // __aarch64__

// discovery_steps.h: the steps of DiscoverHandoff, written once for every
// ISA. V8's functions come from the executable's symbols (v8_symbols.h);
// their code must match one V8 build's patterns (<isa>_patterns.h) exactly,
// which pins the offsets V8 itself uses and the order of the archive parts.
// The optional parts (inline copies, lock-free stack limits, the heap's
// stack start) are matched separately and left to V8's functions where they
// differ.
//
// What differs per ISA comes in a traits struct (discover_handoff_<isa>.cc):
//   Unit                         one unit of machine code (x86-64: a byte;
//                                AArch64: a 32-bit instruction word)
//   ThreadManagers(), Hsis(), StackGuards(), RegExpArchives(),
//   kRegExpThreadLocalSize       the ISA's pattern tables
//   MatchCode, MatchStraightCopy the ISA's matchers (<isa>_code_match.h,
//                                straight_copy*.h)
//   MatchInterruptRequest(code, variant, symbols, captures)
//                                StackGuard::RequestInterrupt against the
//                                variant's pattern, capturing sg_scopes and
//                                sg_flags
//   MatchIsolateEnter(symbols, ops)  Isolate::Enter's first part: how V8
//                                sets the heap's stack start
//   AddSymbols(symbols)          what the ISA's patterns name besides V8's
//                                functions
#ifndef SWITCHYARD_ADDON_V8_HANDOFF_DISCOVERY_STEPS_H
#define SWITCHYARD_ADDON_V8_HANDOFF_DISCOVERY_STEPS_H

#include <dlfcn.h>

#include <iterator>
#include <map>
#include <string>

#include "handoff_ops.h"
#include "handoff_symbols.h"
#include "straight_copy.h"

namespace switchyard {
namespace discovery {

using Captures = std::map<std::string, int32_t>;

template <class Isa>
const typename Isa::Unit* Code(const V8SymbolMap& sym, const char* key) {
  return static_cast<const typename Isa::Unit*>(sym.at(key));
}

// The memcpy V8's code calls (through the PLT, for clang's large copies).
inline const void* Memcpy() { return dlsym(RTLD_DEFAULT, "memcpy"); }

// The symbol key of the function an Isolate::Enter variant calls to set
// the heap's stack start: with the start as an argument, or without.
inline const char* StackStartSetter(bool passes_start) {
  return passes_start ? "set_stack_start" : "set_stack_start_here";
}

// Records a matched Isolate::Enter variant: that setter, and the heap's
// offset in the isolate.
inline void SetIsolateEnterOps(const V8SymbolMap& sym, bool passes_start, Captures* c, HandoffOps* o) {
  const void* setter = sym.at(StackStartSetter(passes_start));
  if (passes_start)
    o->set_stack_start = reinterpret_cast<void (*)(void*, void*)>(const_cast<void*>(setter));
  else
    o->set_stack_start_here = reinterpret_cast<void (*)(void*)>(const_cast<void*>(setter));
  o->iso_heap = (*c)["iso_heap"];
}

// A part whose archive and restore are straight copies of the same bytes;
// size 0 otherwise.
template <class Isa>
StraightCopy StraightCopyPair(const typename Isa::Unit* archive, const typename Isa::Unit* restore) {
  StraightCopy a, r;
  std::string ignored;
  if (!Isa::MatchStraightCopy(archive, CopyDirection::kArchive, &a, &ignored, Memcpy()) ||
      !Isa::MatchStraightCopy(restore, CopyDirection::kRestore, &r, &ignored, Memcpy()) || a.offset != r.offset ||
      a.size != r.size)
    return StraightCopy{};
  return a;
}

// The ThreadManager's code: the one V8 build whose three functions match.
template <class Isa>
const typename Isa::ThreadManagerVariant* MatchThreadManager(const V8SymbolMap& sym, Captures* cap,
                                                             std::string* why) {
  std::string tried;
  for (const auto& v : Isa::ThreadManagers()) {
    Captures c;
    std::string detail;
    const char* failed = nullptr;
    if (!Isa::MatchCode(Code<Isa>(sym, "restore_thread"), v.restore_thread, sym, &c, &detail))
      failed = "ThreadManager::RestoreThread";
    else if (!Isa::MatchCode(Code<Isa>(sym, "eagerly_archive"), v.eagerly_archive_thread, sym, &c, &detail))
      failed = "ThreadManager::EagerlyArchiveThread";
    else if (!Isa::MatchCode(Code<Isa>(sym, "unlocker_dtor"), v.unlocker_destructor, sym, &c, &detail))
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

template <class Isa>
void MatchHandleScopeImplementer(const V8SymbolMap& sym, HandoffOps* o) {
  for (const auto& v : Isa::Hsis()) {
    Captures c;
    std::string ignored;
    if (Isa::MatchCode(Code<Isa>(sym, "hsi_archive"), v.archive, sym, &c, &ignored) &&
        Isa::MatchCode(Code<Isa>(sym, "hsi_restore"), v.restore, sym, &c, &ignored) &&
        c["iso_hsd_16"] == c["iso_hsd"] + 16 && (c.count("iso_hsd_24") == 0 || c["iso_hsd_24"] == c["iso_hsd"] + 24) &&
        v.hsd_in_hsi + v.hsd_size == v.size) {
      o->hsi_size = v.size;
      o->hsd_in_hsi = v.hsd_in_hsi;
      o->hsd_size = v.hsd_size;
      o->iso_hsd = c["iso_hsd"];
      return;
    }
  }
}

template <class Isa>
void MatchStackGuard(const V8SymbolMap& sym, HandoffOps* o) {
  for (const auto& v : Isa::StackGuards()) {
    Captures c = {{"iso_break_access", o->iso_break_access}};
    std::string ignored;
    if (!Isa::MatchCode(Code<Isa>(sym, "sg_archive"), v.archive, sym, &c, &ignored) ||
        !Isa::MatchCode(Code<Isa>(sym, "sg_restore"), v.restore, sym, &c, &ignored))
      continue;
    o->sg_size = v.size;
    // The captures are StackGuard offsets; the interrupt state must
    // follow the four limit words, which a lock-free hand-off swaps.
    const typename Isa::Unit* request = Code<Isa>(sym, "request_interrupt");
    if (request != nullptr && Isa::MatchInterruptRequest(request, v, sym, &c)) {
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

// The RegExp stack: restored by a straight copy of its thread-local part,
// archived by code that also names where it records whether the stack is
// its own (regexp_owns). A pattern that captures the second 16 bytes'
// offset (regexp_tl_16) must capture it where the copy says.
template <class Isa>
void MatchRegExpStack(const V8SymbolMap& sym, HandoffOps* o) {
  StraightCopy regexp;
  std::string ignored;
  if (!Isa::MatchStraightCopy(Code<Isa>(sym, "regexp_restore"), CopyDirection::kRestore, &regexp, &ignored,
                              Memcpy()) ||
      regexp.size != Isa::kRegExpThreadLocalSize)
    return;
  for (const char* pattern : Isa::RegExpArchives()) {
    Captures c;
    if (Isa::MatchCode(Code<Isa>(sym, "regexp_archive"), pattern, sym, &c, &ignored) &&
        c["regexp_tl"] == regexp.offset && (c.count("regexp_tl_16") == 0 || c["regexp_tl_16"] == regexp.offset + 16) &&
        c["regexp_tl_32"] == regexp.offset + 32 && c["regexp_owns"] >= regexp.offset &&
        c["regexp_owns"] < regexp.offset + regexp.size) {
      o->regexp_part = regexp;
      o->regexp_owns = c["regexp_owns"];
      return;
    }
  }
}

template <class Isa>
bool Discover(HandoffOps* ops, std::string* why) {
  V8SymbolMap sym;
  if (!FindV8Symbols(kHandoffSymbols, std::size(kHandoffSymbols), true, &sym, why)) return false;
  FindV8Symbols(kOptionalHandoffSymbols, std::size(kOptionalHandoffSymbols), false, &sym, why);
  Isa::AddSymbols(&sym);
  Captures cap;
  const auto* build = MatchThreadManager<Isa>(sym, &cap, why);
  if (build == nullptr) return false;

  HandoffOps& o = *ops;
  o.v8_build = build->v8_build;
  SetThreadManagerOps(sym, cap, &o);

  // Optional: our own copies of the parts where V8's functions are known
  // straight copies, and the shortcuts.
  MatchHandleScopeImplementer<Isa>(sym, &o);
  Isa::MatchIsolateEnter(sym, &o);
  MatchStackGuard<Isa>(sym, &o);
  o.isolate_part = StraightCopyPair<Isa>(Code<Isa>(sym, "isolate_archive"), Code<Isa>(sym, "isolate_restore"));
  o.reloc_part = StraightCopyPair<Isa>(Code<Isa>(sym, "reloc_archive"), Code<Isa>(sym, "reloc_restore"));
  o.boot_part = StraightCopyPair<Isa>(Code<Isa>(sym, "boot_archive"), Code<Isa>(sym, "boot_restore"));
  StraightCopy debug;
  std::string ignored;
  if (Isa::MatchStraightCopy(Code<Isa>(sym, "debug_archive"), CopyDirection::kArchive, &debug, &ignored, Memcpy()))
    o.debug_part = debug;
  MatchRegExpStack<Isa>(sym, &o);
  return true;
}

}  // namespace discovery
}  // namespace switchyard

#endif

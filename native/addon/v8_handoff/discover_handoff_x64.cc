// discover_handoff_x64.cc: DiscoverHandoff on x86-64: the steps of
// discovery_steps.h with x86-64's patterns (x64_patterns.h) and matchers.
#if defined(__x86_64__)

#include <map>
#include <string>

#include "discovery_steps.h"
#include "handoff_ops.h"
#include "straight_copy.h"
#include "x64_code_match.h"
#include "x64_patterns.h"

namespace switchyard {

namespace {

struct X64 {
  using Unit = uint8_t;
  using ThreadManagerVariant = x64::ThreadManagerVariant;
  static const auto& ThreadManagers() { return x64::kThreadManagerVariants; }
  static const auto& Hsis() { return x64::kHsiVariants; }
  static const auto& StackGuards() { return x64::kStackGuardVariants; }
  static const auto& RegExpArchives() { return x64::kRegExpArchiveVariants; }
  static constexpr int32_t kRegExpThreadLocalSize = x64::kRegExpThreadLocalSize;

  static bool MatchCode(const Unit* code, const char* pattern, const V8SymbolMap& sym, discovery::Captures* c,
                        std::string* why) {
    return switchyard::MatchCode(code, pattern, sym, c, why);
  }
  static bool MatchStraightCopy(const Unit* code, CopyDirection direction, StraightCopy* out, std::string* why,
                                const void* memcpy_address) {
    return switchyard::MatchStraightCopy(code, direction, out, why, memcpy_address);
  }

  // The request pattern, then the stores of the interrupt limit: at a
  // fixed distance from the function's start, or (request_set_at 0) right
  // after the request pattern.
  static bool MatchInterruptRequest(const Unit* request, const x64::StackGuardVariant& v, const V8SymbolMap& sym,
                                    discovery::Captures* c) {
    std::string ignored;
    const Unit* after_request = nullptr;
    return switchyard::MatchCode(request, v.request, sym, c, &ignored, &after_request) &&
           switchyard::MatchCode(v.request_set_at != 0 ? request + v.request_set_at : after_request,
                                 v.request_set_limits, sym, c, &ignored);
  }

  // Isolate::Enter's first part (x64::kIsolateEnterVariants), searched for
  // from where the prologue's mov %rdi,%rbx has put `this` in rbx.
  static void MatchIsolateEnter(const V8SymbolMap& sym, HandoffOps* o) {
    if (sym.at("isolate_enter") == nullptr) return;
    const Unit* enter = discovery::Code<X64>(sym, "isolate_enter");
    bool this_in_rbx = false;
    for (int i = 0; i < x64::kIsolateEnterSearch; i++) {
      if (i >= 3 && enter[i - 3] == 0x48 && enter[i - 2] == 0x89 && enter[i - 1] == 0xfb) this_in_rbx = true;
      if (!this_in_rbx) continue;
      for (const x64::IsolateEnterVariant& v : x64::kIsolateEnterVariants) {
        discovery::Captures c;
        std::string ignored;
        if (sym.at(discovery::StackStartSetter(v.passes_start)) == nullptr ||
            !switchyard::MatchCode(enter + i, v.pattern, sym, &c, &ignored))
          continue;
        discovery::SetIsolateEnterOps(sym, v.passes_start, &c, o);
        return;
      }
    }
  }

  // x86-64's patterns name V8's functions only (memcpy is passed to the
  // straight-copy matcher instead).
  static void AddSymbols(V8SymbolMap*) {}
};

}  // namespace

bool DiscoverHandoff(HandoffOps* ops, std::string* why) { return discovery::Discover<X64>(ops, why); }

}  // namespace switchyard

#endif  // __x86_64__

// discover_handoff_arm64.cc: DiscoverHandoff on AArch64: the steps of
// discovery_steps.h with AArch64's patterns (arm64_patterns.h) and matchers.
// (SWITCHYARD_HANDOFF_ARM64_ON_HOST: compiled on another ISA by a tool that
// checks the tables against an arm64 node's code read from its file.)
#if defined(__aarch64__) || defined(SWITCHYARD_HANDOFF_ARM64_ON_HOST)

#include <map>
#include <string>

#include "arm64_code_match.h"
#include "arm64_patterns.h"
#include "discovery_steps.h"
#include "handoff_ops.h"
#include "straight_copy_arm64.h"

namespace switchyard {

namespace {

struct Arm64 {
  using Unit = uint32_t;
  using ThreadManagerVariant = arm64::ThreadManagerVariant;
  static const auto& ThreadManagers() { return arm64::kThreadManagerVariants; }
  static const auto& Hsis() { return arm64::kHsiVariants; }
  static const auto& StackGuards() { return arm64::kStackGuardVariants; }
  static const auto& RegExpArchives() { return arm64::kRegExpArchiveVariants; }
  static constexpr int32_t kRegExpThreadLocalSize = arm64::kRegExpThreadLocalSize;

  static bool MatchCode(const Unit* code, const char* pattern, const V8SymbolMap& sym, discovery::Captures* c,
                        std::string* why) {
    return arm64::MatchCode(code, pattern, sym, c, why);
  }
  static bool MatchStraightCopy(const Unit* code, CopyDirection direction, StraightCopy* out, std::string* why,
                                const void* memcpy_address) {
    return arm64::MatchStraightCopy(code, direction, out, why, memcpy_address);
  }

  // One pattern covers the request and the stores of the interrupt limit.
  static bool MatchInterruptRequest(const Unit* request, const arm64::StackGuardVariant& v, const V8SymbolMap& sym,
                                    discovery::Captures* c) {
    std::string ignored;
    return arm64::MatchCode(request, v.request, sym, c, &ignored);
  }

  // Isolate::Enter's first part (arm64::kIsolateEnterVariants), from the
  // function's start.
  static void MatchIsolateEnter(const V8SymbolMap& sym, HandoffOps* o) {
    if (sym.at("isolate_enter") == nullptr) return;
    for (const arm64::IsolateEnterVariant& v : arm64::kIsolateEnterVariants) {
      discovery::Captures c;
      std::string ignored;
      if (sym.at(discovery::StackStartSetter(v.passes_start)) == nullptr ||
          !arm64::MatchCode(discovery::Code<Arm64>(sym, "isolate_enter"), v.pattern, sym, &c, &ignored))
        continue;
      discovery::SetIsolateEnterOps(sym, v.passes_start, &c, o);
      return;
    }
  }

  // Some AArch64 patterns call memcpy (through the PLT) by name.
  static void AddSymbols(V8SymbolMap* sym) { (*sym)["memcpy"] = discovery::Memcpy(); }
};

}  // namespace

bool DiscoverHandoff(HandoffOps* ops, std::string* why) { return discovery::Discover<Arm64>(ops, why); }

}  // namespace switchyard

#endif  // __aarch64__

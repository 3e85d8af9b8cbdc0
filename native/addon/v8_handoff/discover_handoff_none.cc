// discover_handoff_none.cc: DiscoverHandoff where no ISA has patterns.
#if !defined(__x86_64__) && !defined(__aarch64__)

#include "handoff_ops.h"

namespace switchyard {

bool DiscoverHandoff(HandoffOps*, std::string* why) {
  *why = "the direct V8 hand-off is only implemented for x86-64 and AArch64";
  return false;
}

}  // namespace switchyard

#endif

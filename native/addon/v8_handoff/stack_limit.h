// stack_limit.h: where V8 keeps the calling thread's JS stack limit, found
// by probing (see StackLimitLayout).
#ifndef SWITCHYARD_ADDON_V8_HANDOFF_STACK_LIMIT_H
#define SWITCHYARD_ADDON_V8_HANDOFF_STACK_LIMIT_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace v8 {
class Isolate;
}

namespace switchyard {

// Where the calling thread's current stack limit can be read. V8 >= 12
// (Node 24, 26) derives an isolate-wide "stack size" from the last
// SetStackLimit call (GetStackStart() - limit) and uses it to decide whether
// the current stack is the "central stack"; Node 26 CHECKs that when it
// throws a stack overflow. That value is not archived by Unlocker, so after
// every switch the incoming side must call SetStackLimit(its own limit)
// again, and the thread's own stack has a limit V8 chose. The words are
// found by probe inside the StackGuard (v8::internal::Internals::
// kIsolateStackGuardOffset / kStackGuardSize, public header constants):
// those that follow two SetStackLimit calls exactly.
struct StackLimitLayout {
  static constexpr int kMaxWords = 8;
  int count = 0;
  size_t offsets[kMaxWords] = {};  // byte offsets from the v8::Isolate*
};

// Probes the words (once per process; isolate locked by the calling thread,
// which must be running on its own thread stack). False + *error: refuse.
// Probes the stack-size word too (StackSizeWordOffset).
bool StackLimitDiscover(v8::Isolate* isolate, std::string* error);

// The isolate-wide "stack size" word above (V8 >= 13), as a byte offset
// from the v8::Isolate*, or 0 where the probe found none (it was not
// unique; V8 11 and 12 have none, and are not probed). A switch then restores the incoming stack's
// value of that word itself (one store) instead of calling SetStackLimit
// (the execution-access lock and the TLS stack-start lookup, about 330
// instructions). Found by probe in StackLimitDiscover: the one word in the
// isolate's first 128 KiB (within its mapping) that holds S - limit for one
// S after each of three SetStackLimit calls, S being a plausible start of
// this thread's stack.
size_t StackSizeWordOffset();
// The calling thread's current JS stack limit (the real one, not an
// interrupt request marker).
uintptr_t StackLimitCurrent(v8::Isolate* isolate);

}  // namespace switchyard

#endif

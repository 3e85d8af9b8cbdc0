// straight_copy_arm64.h: the AArch64 counterpart of straight_copy.h's
// MatchStraightCopy (which reads x86-64 code): recognizes V8 archive /
// restore functions that only move bytes between the object (x0) and the
// archive buffer (x1) and return x1 + N.
#ifndef SWITCHYARD_ADDON_V8_HANDOFF_STRAIGHT_COPY_ARM64_H
#define SWITCHYARD_ADDON_V8_HANDOFF_STRAIGHT_COPY_ARM64_H

#include <cstdint>
#include <string>

#include "arm64_code_match.h"
#include "straight_copy.h"

namespace switchyard {
namespace arm64 {

// Follows the function's instructions from `code` to its ret, tracking what
// each register holds (the object or the buffer plus a constant, a value
// loaded from one of them, zero), and accepts only: ldr/str (x, w, q
// registers; unsigned offset, unscaled, pre- and post-indexed), ldp/stp,
// add/sub of a constant, mov, movz/movk, movi #0, the frame's own stack
// traffic, and a call to memcpy (`memcpy_address`, directly or through a
// PLT entry) with constant operands. The stores must put into the buffer,
// once each, the bytes loaded from one contiguous block of the other side;
// an archive may also store zeros into the copied block (the reset), and
// x0 at the ret must be the buffer + the block's size.
bool MatchStraightCopy(const uint32_t* code, CopyDirection direction, StraightCopy* out, std::string* why,
                       const void* memcpy_address);

}  // namespace arm64
}  // namespace switchyard

#endif

// part_sizes.h: the sizes of the parts of V8's per-thread state that the
// hand-off copies itself, as compile-time constants per V8 build where
// discovery found exactly that build's sizes.
#ifndef SWITCHYARD_ADDON_V8_HANDOFF_PART_SIZES_H
#define SWITCHYARD_ADDON_V8_HANDOFF_PART_SIZES_H

#include <cstddef>
#include <cstdint>

#include "handoff_ops.h"

namespace switchyard {

// The sizes of the parts copied at every hand-off. Where V8's archive and
// restore of every part were recognized as copies and their sizes are those
// of a build listed here, they are compile-time constants, so that each copy
// compiles to a few moves (a memcpy call or a size dispatch per part cost
// more than V8's own functions). Otherwise (FoundSizes) they are read from
// HandoffOps, and a part that is not a copy goes through V8's function.
struct FoundSizes {
  static constexpr bool kAllCopied = false;
  static int32_t HsiHead(const HandoffOps& o) { return o.hsd_in_hsi; }  // 0: V8's
  static int32_t Hsd(const HandoffOps& o) { return o.hsd_size; }
  static int32_t Isolate(const HandoffOps& o) { return o.isolate_part.size; }
  static int32_t Reloc(const HandoffOps& o) { return o.reloc_part.size; }
  static int32_t StackGuard(const HandoffOps& o) { return o.sg_size; }
  static int32_t Debug(const HandoffOps& o) { return o.debug_part.size; }
  static int32_t RegExp(const HandoffOps& o) { return o.regexp_part.size; }
  static int32_t Boot(const HandoffOps& o) { return o.boot_part.size; }
};
template <int32_t kHsiHead, int32_t kHsd, int32_t kIsolate, int32_t kReloc, int32_t kStackGuard, int32_t kDebug,
          int32_t kRegExp, int32_t kBoot>
struct FixedSizes {
  static constexpr bool kAllCopied = true;
  static constexpr int32_t HsiHead(const HandoffOps&) { return kHsiHead; }
  static constexpr int32_t Hsd(const HandoffOps&) { return kHsd; }
  static constexpr int32_t Isolate(const HandoffOps&) { return kIsolate; }
  static constexpr int32_t Reloc(const HandoffOps&) { return kReloc; }
  static constexpr int32_t StackGuard(const HandoffOps&) { return kStackGuard; }
  static constexpr int32_t Debug(const HandoffOps&) { return kDebug; }
  static constexpr int32_t RegExp(const HandoffOps&) { return kRegExp; }
  static constexpr int32_t Boot(const HandoffOps&) { return kBoot; }
  static bool Match(const HandoffOps& o) {
    return o.hsd_in_hsi == kHsiHead && o.hsd_size == kHsd && o.isolate_part.size == kIsolate &&
           o.reloc_part.size == kReloc && o.sg_size == kStackGuard && o.debug_part.size == kDebug &&
           o.regexp_part.size == kRegExp && o.boot_part.size == kBoot;
  }
};
using SizesV8_11_3 = FixedSizes<0x78, 0x20, 0xc8, 0x8, 0x30, 0x58, 0x30, 0x4>;  // Node 20 (x64 and arm64 alike)
using SizesV8_12_4 = FixedSizes<0x60, 0x18, 0xf0, 0x8, 0x38, 0x58, 0x30, 0x4>;  // Node 22
using SizesV8_13_6 = FixedSizes<0x68, 0x18, 0xf0, 0x8, 0x38, 0x60, 0x30, 0x4>;  // Node 24
using SizesV8_14_6 = FixedSizes<0x68, 0x18, 0xe8, 0x8, 0x38, 0x60, 0x30, 0x4>;  // Node 26

inline void ChooseSizes(HandoffOps* o) {
  if (SizesV8_11_3::Match(*o)) o->sizes = HandoffOps::Sizes::kV8_11_3;
  if (SizesV8_12_4::Match(*o)) o->sizes = HandoffOps::Sizes::kV8_12_4;
  if (SizesV8_13_6::Match(*o)) o->sizes = HandoffOps::Sizes::kV8_13_6;
  if (SizesV8_14_6::Match(*o)) o->sizes = HandoffOps::Sizes::kV8_14_6;
}

// Runs body(Sizes{}) with the size policy that `sizes` names: the one place
// that maps HandoffOps::Sizes to a policy, for Archive and Restore alike.
template <class Body>
__attribute__((always_inline)) inline void WithPartSizes(HandoffOps::Sizes sizes, Body&& body) {
  switch (sizes) {
    case HandoffOps::Sizes::kV8_11_3: return body(SizesV8_11_3{});
    case HandoffOps::Sizes::kV8_12_4: return body(SizesV8_12_4{});
    case HandoffOps::Sizes::kV8_13_6: return body(SizesV8_13_6{});
    case HandoffOps::Sizes::kV8_14_6: return body(SizesV8_14_6{});
    case HandoffOps::Sizes::kFound: return body(FoundSizes{});
  }
}

// Where each part starts in an archive (ArchiveParts' order), and its end,
// for constant part sizes.
template <class Sizes>
struct PartOffsets {
  static constexpr size_t kHsd = static_cast<size_t>(Sizes::HsiHead(g_handoff));
  static constexpr size_t kIsolate = kHsd + static_cast<size_t>(Sizes::Hsd(g_handoff));
  static constexpr size_t kReloc = kIsolate + static_cast<size_t>(Sizes::Isolate(g_handoff));
  static constexpr size_t kStackGuard = kReloc + static_cast<size_t>(Sizes::Reloc(g_handoff));
  static constexpr size_t kDebug = kStackGuard + static_cast<size_t>(Sizes::StackGuard(g_handoff));
  static constexpr size_t kRegExp = kDebug + static_cast<size_t>(Sizes::Debug(g_handoff));
  static constexpr size_t kBoot = kRegExp + static_cast<size_t>(Sizes::RegExp(g_handoff));
  static constexpr size_t kEnd = kBoot + static_cast<size_t>(Sizes::Boot(g_handoff));
};

}  // namespace switchyard

#endif

// straight_copy.cc: see straight_copy.h.
#include "straight_copy.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace switchyard {

#if defined(__x86_64__)

namespace {

constexpr int kRsi = 6;  // ModRM register numbers
constexpr int kRdi = 7;
constexpr int kRax = 0;
constexpr int kMaxInstructions = 64;

// A memory operand [base + disp] with base rsi or rdi, from a ModRM byte
// (and its displacement) at p; nullptr when it is anything else.
const uint8_t* DecodeMemory(const uint8_t* p, int* reg, int* base, int32_t* disp) {
  const int mod = p[0] >> 6;
  *reg = (p[0] >> 3) & 7;
  *base = p[0] & 7;
  if (mod == 3 || (*base != kRsi && *base != kRdi)) return nullptr;  // a register, SIB, rip, ...
  p++;
  if (mod == 0) {
    *disp = 0;
  } else if (mod == 1) {
    *disp = static_cast<int8_t>(*p++);
  } else {
    std::memcpy(disp, p, 4);
    p += 4;
  }
  return p;
}

struct Held {  // what a register holds: `width` bytes loaded from [base + disp]
  int base = -1;
  int32_t disp = 0;
  int width = 0;
};

struct Move {
  int32_t object, buffer, width;
};

// Whether `target` is memcpy: the function itself, or a PLT entry (an
// optional endbr64, then jmp *slot(%rip), possibly bnd-prefixed) whose GOT
// slot holds it.
bool IsMemcpy(const uint8_t* target, const void* memcpy_address) {
  if (memcpy_address == nullptr) return false;
  if (target == memcpy_address) return true;
  const uint8_t* p = target;
  if (p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e && p[3] == 0xfa) p += 4;
  if (p[0] == 0xf2) p++;
  if (p[0] != 0xff || p[1] != 0x25) return false;
  int32_t disp;
  std::memcpy(&disp, p + 2, 4);
  const void* slot_value;
  std::memcpy(&slot_value, p + 6 + disp, sizeof slot_value);
  return slot_value == memcpy_address;
}

// clang's form of a copy of N bytes (N too big to inline): the buffer
// pointer kept in rbx, a call to memcpy, rbx + N returned.
//   archive: push %rbp; mov %rsp,%rbp; push %rbx; push %rax; mov %rsi,%rbx;
//            lea OFF(%rdi),%rsi; mov $N,%edx; mov %rbx,%rdi; call memcpy
//   restore: ... mov %rsi,%rbx; add $OFF,%rdi; mov $N,%edx; call memcpy
//   then:    add $N,%rbx; mov %rbx,%rax; add $8,%rsp; pop %rbx; pop %rbp; ret
bool MatchMemcpyCopy(const uint8_t* p, CopyDirection direction, const void* memcpy_address, StraightCopy* out) {
  static const uint8_t kHead[] = {0x55, 0x48, 0x89, 0xe5, 0x53, 0x50, 0x48, 0x89, 0xf3};
  static const uint8_t kTail[] = {0x48, 0x89, 0xd8, 0x48, 0x83, 0xc4, 0x08, 0x5b, 0x5d, 0xc3};
  if (std::memcmp(p, kHead, sizeof kHead) != 0) return false;
  p += sizeof kHead;
  int32_t offset, size, advance, rel;
  const bool archive = direction == CopyDirection::kArchive;
  if (archive ? !(p[0] == 0x48 && p[1] == 0x8d && p[2] == 0xb7) : !(p[0] == 0x48 && p[1] == 0x81 && p[2] == 0xc7))
    return false;
  std::memcpy(&offset, p + 3, 4);
  p += 7;
  if (p[0] != 0xba) return false;
  std::memcpy(&size, p + 1, 4);
  p += 5;
  if (archive) {
    if (!(p[0] == 0x48 && p[1] == 0x89 && p[2] == 0xdf)) return false;
    p += 3;
  }
  if (p[0] != 0xe8) return false;
  std::memcpy(&rel, p + 1, 4);
  p += 5;
  if (!IsMemcpy(p + rel, memcpy_address)) return false;
  if (!(p[0] == 0x48 && p[1] == 0x81 && p[2] == 0xc3)) return false;
  std::memcpy(&advance, p + 3, 4);
  p += 7;
  if (advance != size || size <= 0 || std::memcmp(p, kTail, sizeof kTail) != 0) return false;
  out->offset = offset;
  out->size = size;
  return true;
}

}  // namespace

bool MatchStraightCopy(const uint8_t* code, CopyDirection direction, StraightCopy* out, std::string* why,
                       const void* memcpy_address) {
  const int from = direction == CopyDirection::kArchive ? kRdi : kRsi;  // base loaded from
  const int to = from == kRdi ? kRsi : kRdi;                             // base stored to
  const uint8_t* p = code;
  if (p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e && p[3] == 0xfa) p += 4;  // endbr64
  if (MatchMemcpyCopy(p, direction, memcpy_address, out)) return true;
  // A frame pointer set up (clang's builds) must be torn down before the ret.
  const bool frame = p[0] == 0x55 && p[1] == 0x48 && p[2] == 0x89 && p[3] == 0xe5;
  if (frame) p += 4;
  Held xmm[8], gpr[8];
  std::vector<Move> moves;
  std::vector<Move> resets;  // stores of 0 into the object (archive)
  int32_t result = -1;       // lea N(%rsi),%rax: the returned pointer's advance
  for (int n = 0;; n++) {
    if (n == kMaxInstructions) {
      *why = "longer than a copy";
      return false;
    }
    if (frame && p[0] == 0x5d && p[1] == 0xc3) break;  // pop %rbp; ret
    if (p[0] == 0xc3) {
      if (frame) {
        *why = "a frame set up but not torn down";
        return false;
      }
      break;  // ret
    }
    int width = 0;
    bool load = false, is_xmm = false;
    if (p[0] == 0xf3 && p[1] == 0x0f && (p[2] == 0x6f || p[2] == 0x7f)) {  // movdqu
      width = 16, is_xmm = true, load = p[2] == 0x6f, p += 3;
    } else if (p[0] == 0x0f && (p[1] == 0x10 || p[1] == 0x11)) {  // movups
      width = 16, is_xmm = true, load = p[1] == 0x10, p += 2;
    } else if (p[0] == 0x48 && (p[1] == 0x8b || p[1] == 0x89)) {  // mov r64
      width = 8, load = p[1] == 0x8b, p += 2;
    } else if (p[0] == 0x8b || p[0] == 0x89) {  // mov r32
      width = 4, load = p[0] == 0x8b, p += 1;
    } else if (p[0] == 0x48 && p[1] == 0x8d) {  // lea
      int reg, base;
      int32_t disp;
      p = DecodeMemory(p + 2, &reg, &base, &disp);
      if (p == nullptr || reg != kRax || base != kRsi) {
        *why = "an lea other than N(%rsi),%rax";
        return false;
      }
      result = disp;
      gpr[kRax] = Held{};
      continue;
    } else if ((p[0] == 0x48 && p[1] == 0xc7) || p[0] == 0xc7) {  // mov $imm32
      const int w = p[0] == 0x48 ? 8 : 4;
      int reg, base;
      int32_t disp, imm;
      p = DecodeMemory(p + (w == 8 ? 2 : 1), &reg, &base, &disp);
      if (p == nullptr) {
        *why = "a constant store to an unexpected place";
        return false;
      }
      std::memcpy(&imm, p, 4);
      p += 4;
      if (direction != CopyDirection::kArchive || reg != 0 || base != kRdi || imm != 0) {
        *why = "a constant store other than a reset to 0";
        return false;
      }
      resets.push_back({disp, 0, w});
      continue;
    } else {
      *why = "an instruction that is not a copy";
      return false;
    }
    int reg, base;
    int32_t disp;
    p = DecodeMemory(p, &reg, &base, &disp);
    if (p == nullptr || (!is_xmm && (reg == 4 || reg == 5 || reg == kRsi || reg == kRdi))) {
      *why = "an operand other than a scratch register and [rdi/rsi + disp]";
      return false;
    }
    Held& r = is_xmm ? xmm[reg] : gpr[reg];
    if (load) {
      if (base != from) {
        *why = "a load from the wrong side";
        return false;
      }
      for (const Move& z : resets) {  // a reset before the copy would archive zeros
        if (disp < z.object + z.width && z.object < disp + width) {
          *why = "a load of bytes already reset";
          return false;
        }
      }
      r = Held{base, disp, width};
      if (!is_xmm && reg == kRax) result = -1;  // the returned value was overwritten
      continue;
    }
    if (base != to || r.base != from || r.width != width) {
      *why = "a store that is not of what was just loaded";
      return false;
    }
    const int32_t object = from == kRdi ? r.disp : disp;
    const int32_t buffer = from == kRdi ? disp : r.disp;
    moves.push_back({object, buffer, width});
  }
  if (moves.empty() || result <= 0) {
    *why = "no copy, or no N(%rsi) returned";
    return false;
  }
  // The buffer side is [0, result) exactly once, in the object at one offset.
  std::sort(moves.begin(), moves.end(), [](const Move& a, const Move& b) { return a.buffer < b.buffer; });
  const int32_t offset = moves[0].object - moves[0].buffer;
  int32_t next = 0;
  for (const Move& m : moves) {
    if (m.buffer != next || m.object - m.buffer != offset) {
      *why = "the moves are not one contiguous block";
      return false;
    }
    next += m.width;
  }
  if (next != result) {
    *why = "the returned pointer is not past the copied block";
    return false;
  }
  // A reset of the live state (only the copied bytes: the receiver's restore
  // overwrites them, so the hand-off may skip it).
  for (const Move& r : resets) {
    if (r.object < offset || r.object + r.width > offset + result) {
      *why = "a reset outside the copied block";
      return false;
    }
  }
  out->offset = offset;
  out->size = result;
  return true;
}

#else  // AArch64: arm64::MatchStraightCopy (straight_copy_arm64.h)

bool MatchStraightCopy(const uint8_t*, CopyDirection, StraightCopy*, std::string* why, const void*) {
  *why = "only x86-64 code is read";
  return false;
}

#endif

}  // namespace switchyard

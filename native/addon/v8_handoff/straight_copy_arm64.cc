// straight_copy_arm64.cc: see straight_copy_arm64.h.
#if defined(__aarch64__) || defined(SWITCHYARD_HANDOFF_ARM64_ON_HOST)

#include "straight_copy_arm64.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace switchyard {
namespace arm64 {

namespace {

constexpr int kMaxInstructions = 64;
constexpr int kSp = 31;  // as a base or add's operand; as a data register: xzr

// What a register holds.
struct Value {
  enum Kind { kUnknown, kObject, kBuffer, kConstant, kLoaded } kind = kUnknown;
  int32_t offset = 0;  // kObject / kBuffer: the pointer's offset; kConstant: the value
  Kind from = kUnknown;  // kLoaded: the side loaded from, at `offset`, `width` bytes
  int width = 0;
  bool IsZero() const { return kind == kConstant && offset == 0; }
};

struct Move {
  int32_t object, buffer;
  int width;
};

struct State {
  Value x[32];  // x[31]: sp (never tracked)
  Value v[32];
  std::vector<Move> moves;
  std::vector<Move> resets;  // zeros stored into the object (archive)
};

int32_t SignExtend(uint32_t raw, int bits) {
  return static_cast<int32_t>(raw << (32 - bits)) >> (32 - bits);
}

uint32_t Bits(uint32_t w, int lo, int n) { return (w >> lo) & ((1u << n) - 1); }

// A data register read: xzr / wzr is zero.
Value Read(const State& s, bool vector, int r) {
  if (!vector && r == 31) {
    Value zero;
    zero.kind = Value::kConstant;
    return zero;
  }
  return vector ? s.v[r] : s.x[r];
}

void Write(State* s, bool vector, int r, const Value& value) {
  if (vector) {
    s->v[r] = value;
  } else if (r != 31) {
    s->x[r] = value;
  }
}

// One access of `width` bytes at base register `base` + `offset`, to or from
// data register `rt`.
bool Access(State* s, CopyDirection direction, bool load, bool vector, int rt, int base, int32_t offset, int width,
            std::string* why) {
  if (base == kSp) {  // the frame's saves and restores
    if (load) Write(s, vector, rt, Value{});
    return true;
  }
  const Value& b = s->x[base];
  if (b.kind != Value::kObject && b.kind != Value::kBuffer) {
    *why = "an access through a register that is neither the object nor the buffer";
    return false;
  }
  const Value::Kind from = direction == CopyDirection::kArchive ? Value::kObject : Value::kBuffer;
  const int32_t at = b.offset + offset;
  if (load) {
    if (b.kind != from) {
      *why = "a load from the wrong side";
      return false;
    }
    for (const Move& z : s->resets) {  // a reset before the copy would archive zeros
      if (at < z.object + z.width && z.object < at + width) {
        *why = "a load of bytes already reset";
        return false;
      }
    }
    Value loaded;
    loaded.kind = Value::kLoaded;
    loaded.from = from;
    loaded.offset = at;
    loaded.width = width;
    Write(s, vector, rt, loaded);
    return true;
  }
  const Value v = Read(*s, vector, rt);
  if (v.IsZero()) {
    if (direction != CopyDirection::kArchive || b.kind != Value::kObject) {
      *why = "a store of zero other than a reset of the object";
      return false;
    }
    s->resets.push_back({at, 0, width});
    return true;
  }
  if (b.kind == from || v.kind != Value::kLoaded || v.width != width) {
    *why = "a store that is not of what was just loaded";
    return false;
  }
  const bool archive = direction == CopyDirection::kArchive;
  s->moves.push_back({archive ? v.offset : at, archive ? at : v.offset, width});
  return true;
}

// Loads and stores of one register: LDR/STR with an unsigned offset,
// LDUR/STUR, pre- and post-indexed, and with an unscaled register offset
// that holds a constant. 0: not one; -1: refused; 1: done.
int LoadStore(State* s, uint32_t w, CopyDirection direction, std::string* why) {
  const bool unsigned_offset = (w & 0x3b000000) == 0x39000000;
  const bool unscaled_or_indexed = (w & 0x3b200000) == 0x38000000 && Bits(w, 10, 2) != 2;
  const bool register_offset = (w & 0x3b20fc00) == 0x38206800;  // [xn, xm] (lsl #0)
  if (!unsigned_offset && !unscaled_or_indexed && !register_offset) return 0;
  const uint32_t size = Bits(w, 30, 2), opc = Bits(w, 22, 2);
  const bool vector = Bits(w, 26, 1) != 0;
  int width = 1 << size;
  bool load = false;
  if (!vector) {
    if (opc > 1 || size < 2) {  // signed loads, prefetches; bytes and halves
      *why = "a narrow or sign-extending access";
      return -1;
    }
    load = opc == 1;
  } else if (size == 0 && opc >= 2) {
    width = 16, load = opc == 3;
  } else if (size >= 2 && opc <= 1) {
    load = opc == 1;
  } else {
    *why = "a vector access of an unexpected size";
    return -1;
  }
  const int rt = static_cast<int>(Bits(w, 0, 5)), rn = static_cast<int>(Bits(w, 5, 5));
  if (register_offset) {
    const Value index = s->x[Bits(w, 16, 5)];
    if (index.kind != Value::kConstant || Bits(w, 16, 5) == 31) {
      *why = "a register offset that is not a constant";
      return -1;
    }
    return Access(s, direction, load, vector, rt, rn, index.offset, width, why) ? 1 : -1;
  }
  if (unsigned_offset) {
    return Access(s, direction, load, vector, rt, rn, static_cast<int32_t>(Bits(w, 10, 12)) * width, width, why) ? 1
                                                                                                                  : -1;
  }
  const int32_t imm9 = SignExtend(Bits(w, 12, 9), 9);
  const uint32_t mode = Bits(w, 10, 2);  // 0: unscaled, 1: post-index, 3: pre-index
  if (mode == 3 && rn != kSp) s->x[rn].offset += imm9;
  if (!Access(s, direction, load, vector, rt, rn, mode == 0 ? imm9 : 0, width, why)) return -1;
  if (mode == 1 && rn != kSp) {
    if (load && !vector && rt == rn) {
      *why = "a post-indexed load into its base";
      return -1;
    }
    s->x[rn].offset += imm9;
  }
  return 1;
}

// LDP / STP. 0: not one; -1: refused; 1: done.
int LoadStorePair(State* s, uint32_t w, CopyDirection direction, std::string* why) {
  if ((w & 0x3a000000) != 0x28000000) return 0;
  const uint32_t opc = Bits(w, 30, 2), mode = Bits(w, 23, 2);
  const bool vector = Bits(w, 26, 1) != 0, load = Bits(w, 22, 1) != 0;
  int width;
  if (!vector && (opc == 0 || opc == 2)) {
    width = opc == 0 ? 4 : 8;
  } else if (vector && opc <= 2) {
    width = 4 << opc;
  } else {
    *why = "an unexpected pair access";
    return -1;
  }
  const int rt = static_cast<int>(Bits(w, 0, 5)), rt2 = static_cast<int>(Bits(w, 10, 5));
  const int rn = static_cast<int>(Bits(w, 5, 5));
  const int32_t imm = SignExtend(Bits(w, 15, 7), 7) * width;
  if (mode == 3 && rn != kSp) s->x[rn].offset += imm;  // pre-index
  const int32_t at = mode == 1 || mode == 3 ? 0 : imm;
  if (!vector && load && rn != kSp && (rt == rn || rt2 == rn)) {
    *why = "a pair load into its base";
    return -1;
  }
  if (!Access(s, direction, load, vector, rt, rn, at, width, why) ||
      !Access(s, direction, load, vector, rt2, rn, at + width, width, why))
    return -1;
  if (mode == 1 && rn != kSp) s->x[rn].offset += imm;  // post-index
  return 1;
}

// add / sub (immediate, 64-bit), mov (register), movz / movk, movi #0.
// 0: not one; -1: refused; 1: done.
int Arithmetic(State* s, uint32_t w, std::string* why) {
  const int rd = static_cast<int>(Bits(w, 0, 5)), rn = static_cast<int>(Bits(w, 5, 5));
  if ((w & 0xbf000000) == 0x91000000 || (w & 0xbf000000) == 0x11000000) {  // add / sub #imm{, lsl #12}, 64 or 32
    if (Bits(w, 23, 1) != 0) {
      *why = "an add with a bad shift";
      return -1;
    }
    const bool is64 = Bits(w, 31, 1) != 0, subtract = Bits(w, 30, 1) != 0;
    const int32_t imm = static_cast<int32_t>(Bits(w, 10, 12)) << (Bits(w, 22, 1) != 0 ? 12 : 0);
    if (rd == kSp) {
      if (rn != kSp) {
        *why = "sp set from another register";
        return -1;
      }
      return 1;  // the frame
    }
    Value v;
    if (rn != kSp && is64 && (s->x[rn].kind == Value::kObject || s->x[rn].kind == Value::kBuffer)) {
      v = s->x[rn];
      v.offset += subtract ? -imm : imm;
    }
    s->x[rd] = v;
    return 1;
  }
  if ((w & 0x7fe0ffe0) == 0x2a0003e0) {  // mov xd / wd, xm / wm (orr with the zero register)
    const bool is64 = Bits(w, 31, 1) != 0;
    const int rm = static_cast<int>(Bits(w, 16, 5));
    const Value v = Read(*s, false, rm);
    Write(s, false, rd, is64 || v.kind == Value::kConstant ? v : Value{});
    return 1;
  }
  if ((w & 0x7f800000) == 0x52800000 || (w & 0x7f800000) == 0x72800000) {  // movz / movk
    const int shift = static_cast<int>(Bits(w, 21, 2)) * 16;
    const bool is64 = Bits(w, 31, 1) != 0;
    if (shift >= 32 || (!is64 && shift > 16)) {
      *why = "a constant too large";
      return -1;
    }
    const uint32_t imm = Bits(w, 5, 16) << shift;
    Value v;
    v.kind = Value::kConstant;
    if ((w & 0x7f800000) == 0x52800000) {
      v.offset = static_cast<int32_t>(imm);
    } else if (rd != 31 && s->x[rd].kind == Value::kConstant) {
      v.offset = static_cast<int32_t>((static_cast<uint32_t>(s->x[rd].offset) & ~(0xffffu << shift)) | imm);
    } else {
      v = Value{};
    }
    Write(s, false, rd, v);
    return 1;
  }
  if ((w & 0xffffffe0) == 0x4f000400 || (w & 0xffffffe0) == 0x6f00e400) {  // movi vd.4s / vd.2d, #0
    Value zero;
    zero.kind = Value::kConstant;
    s->v[rd] = zero;
    return 1;
  }
  return 0;
}

}  // namespace

bool MatchStraightCopy(const uint32_t* code, CopyDirection direction, StraightCopy* out, std::string* why,
                       const void* memcpy_address) {
  CodeRegion region;
  if (!FindCode(code, &region)) {
    *why = "not in a mapping of code";
    return false;
  }
  State s;
  s.x[0].kind = Value::kObject;
  s.x[1].kind = Value::kBuffer;
  const uint32_t* p = code;
  for (int n = 0;; n++, p++) {
    if (n == kMaxInstructions) {
      *why = "longer than a copy";
      return false;
    }
    if (reinterpret_cast<uintptr_t>(p + 1) > region.hi) {
      *why = "runs off the code";
      return false;
    }
    uint32_t w;
    std::memcpy(&w, p, 4);
    if (w == 0xd65f03c0) break;  // ret
    if (w == 0xd503201f) continue;  // nop
    int done = LoadStore(&s, w, direction, why);
    if (done == 0) done = LoadStorePair(&s, w, direction, why);
    if (done == 0) done = Arithmetic(&s, w, why);
    if (done < 0) return false;
    if (done > 0) continue;
    if ((w & 0xfc000000) == 0x94000000) {  // bl: memcpy(x0, x1, x2) only
      if (!CallsFunction(p + SignExtend(Bits(w, 0, 26), 26), memcpy_address)) {
        *why = "a call other than to memcpy";
        return false;
      }
      const Value to = s.x[0], from = s.x[1], size = s.x[2];
      const Value::Kind source = direction == CopyDirection::kArchive ? Value::kObject : Value::kBuffer;
      const Value::Kind dest = source == Value::kObject ? Value::kBuffer : Value::kObject;
      if (from.kind != source || to.kind != dest || size.kind != Value::kConstant || size.offset <= 0) {
        *why = "a memcpy other than of a constant size from one side to the other";
        return false;
      }
      const bool archive = direction == CopyDirection::kArchive;
      s.moves.push_back({archive ? from.offset : to.offset, archive ? to.offset : from.offset, size.offset});
      for (int r = 1; r <= 18; r++) s.x[r] = Value{};  // memcpy returns x0; the rest are the callee's
      s.x[30] = Value{};
      for (Value& v : s.v) v = Value{};
      continue;
    }
    *why = "an instruction that is not a copy";
    return false;
  }
  const Value result = s.x[0];
  if (s.moves.empty() || result.kind != Value::kBuffer || result.offset <= 0) {
    *why = "no copy, or not the buffer + N returned";
    return false;
  }
  // The buffer side is [0, N), from the object at one offset (gcc's copies
  // may store some bytes twice, always the same ones).
  std::sort(s.moves.begin(), s.moves.end(), [](const Move& a, const Move& b) { return a.buffer < b.buffer; });
  const int32_t offset = s.moves[0].object - s.moves[0].buffer;
  int32_t next = 0;
  for (const Move& m : s.moves) {
    if (m.buffer > next || m.object - m.buffer != offset) {
      *why = "the moves are not one contiguous block";
      return false;
    }
    next = std::max(next, m.buffer + m.width);
  }
  if (s.moves[0].buffer != 0 || next != result.offset) {
    *why = "the returned pointer is not past the copied block";
    return false;
  }
  for (const Move& r : s.resets) {
    if (r.object < offset || r.object + r.width > offset + result.offset) {
      *why = "a reset outside the copied block";
      return false;
    }
  }
  out->offset = offset;
  out->size = result.offset;
  return true;
}

}  // namespace arm64
}  // namespace switchyard

#endif

// arm64_code_match.cc: see arm64_code_match.h.
#include "arm64_code_match.h"

#include <link.h>

#include <cstdio>
#include <cstring>

namespace switchyard {
namespace arm64 {

namespace {

struct Field {
  const char* name;
  int lo, bits;  // the field's bits in the word
  bool is_signed;
  int32_t scale;
  enum Kind { kValue, kCall, kBranch, kAny } kind;
};

// The branch fields count words; their scale turns them into bytes.
constexpr Field kFields[] = {
    {"imm12", 10, 12, false, 1, Field::kValue},     {"imm12*4", 10, 12, false, 4, Field::kValue},
    {"imm12*8", 10, 12, false, 8, Field::kValue},   {"imm12*16", 10, 12, false, 16, Field::kValue},
    {"imm12<<12", 10, 12, false, 4096, Field::kValue}, {"imm16", 5, 16, false, 1, Field::kValue},
    {"imm16<<16", 5, 16, false, 65536, Field::kValue},
    {"imm9", 12, 9, true, 1, Field::kValue},
    {"imm7*8", 15, 7, true, 8, Field::kValue},      {"imm7*16", 15, 7, true, 16, Field::kValue},
    {"bl", 0, 26, true, 4, Field::kCall},           {"b", 0, 26, true, 4, Field::kBranch},
    {"imm19", 5, 19, true, 4, Field::kBranch},      {"imm14", 5, 14, true, 4, Field::kBranch},
    {"any", 0, 32, false, 1, Field::kAny},          {"sum", 0, 0, false, 1, Field::kValue},
};

const Field* FindField(const std::string& kind) {
  for (const Field& f : kFields)
    if (kind == f.name) return &f;
  return nullptr;
}

uint32_t FieldMask(const Field& f) { return f.bits == 32 ? ~0u : ((1u << f.bits) - 1) << f.lo; }  // sum: 0

int32_t FieldValue(const Field& f, uint32_t word) {
  uint32_t raw = (word & FieldMask(f)) >> f.lo;
  int32_t v = static_cast<int32_t>(raw);
  if (f.is_signed && f.bits > 0 && (raw >> (f.bits - 1)) != 0) v = static_cast<int32_t>(raw | ~((1u << f.bits) - 1));
  return v * f.scale;
}

bool Fail(std::string* why, const char* what, long index) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "instruction %ld: %s", index, what);
  *why = buf;
  return false;
}

}  // namespace

#if !defined(SWITCHYARD_HANDOFF_ARM64_ON_HOST)  // the host tool reads a file: its own
bool FindCode(const void* address, CodeRegion* region) {
  struct Search {
    uintptr_t address;
    CodeRegion* region;
    bool found;
  } search{reinterpret_cast<uintptr_t>(address), region, false};
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto* s = static_cast<Search*>(data);
        for (int i = 0; i < info->dlpi_phnum; i++) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0) continue;
          const uintptr_t lo = info->dlpi_addr + ph.p_vaddr, hi = lo + ph.p_memsz;
          if (s->address < lo || s->address >= hi) continue;
          s->region->lo = lo;
          s->region->hi = hi;
          s->found = true;
          return 1;
        }
        return 0;
      },
      &search);
  return search.found;
}
#endif

bool CallsFunction(const uint32_t* target, const void* function) {
  if (function == nullptr) return false;
  if (target == function) return true;
  CodeRegion region;  // a PLT entry is code, and the target of a call that matched no symbol may be anything
  const uintptr_t at = reinterpret_cast<uintptr_t>(target);
  if (!FindCode(target, &region) || at % 4 != 0 || at + 16 > region.hi) return false;
  uint32_t stub[4];
  std::memcpy(stub, target, sizeof stub);
  const uint32_t adrp = stub[0], ldr = stub[1], add = stub[2], br = stub[3];
  if ((adrp & 0x9f00001f) != 0x90000010 || (ldr & 0xffc003ff) != 0xf9400211 || (add & 0xffc003ff) != 0x91000210 ||
      br != 0xd61f0220)
    return false;
  const Field page_field{"", 0, 21, true, 4096, Field::kValue};
  const uint32_t immhi = (adrp >> 5) & 0x7ffff, immlo = (adrp >> 29) & 3;
  const int64_t page = static_cast<int64_t>(FieldValue(page_field, (immhi << 2) | immlo));
  const uintptr_t slot = (reinterpret_cast<uintptr_t>(target) & ~uintptr_t{0xfff}) + page + ((ldr >> 10) & 0xfff) * 8;
  const void* value = nullptr;
  std::memcpy(&value, reinterpret_cast<const void*>(slot), sizeof value);
  return value == function;
}

bool MatchCode(const uint32_t* code, const char* pattern, const V8SymbolMap& symbols,
               std::map<std::string, int32_t>* captures, std::string* why, const uint32_t** end) {
  const uint32_t* p = code;
  // Every word read must be in the executable's code (a pattern may follow
  // branches in code that is not what it expects).
  CodeRegion region;
  if (!FindCode(p, &region)) {
    *why = "not in a mapping of code";
    return false;
  }
  std::map<std::string, int32_t> partial;  // the `name+` sums not completed yet
  long index = 0;                          // instructions matched, for *why
  const char* t = pattern;
  while (*t != '\0') {
    if (*t == ' ' || *t == '\n') {
      t++;
      continue;
    }
    if (*t == ';') {
      while (*t != '\0' && *t != '\n') t++;
      continue;
    }
    unsigned expected = 0;
    int used = 0;
    if (std::sscanf(t, "%8x%n", &expected, &used) != 1 || used != 8) {
      *why = "bad pattern";
      return false;
    }
    t += 8;
    const uintptr_t at = reinterpret_cast<uintptr_t>(p);
    if (at % 4 != 0 || ((at < region.lo || at + 4 > region.hi) && (!FindCode(p, &region) || at + 4 > region.hi)))
      return Fail(why, "outside the code", index);
    uint32_t word = 0;
    std::memcpy(&word, p, 4);  // AArch64 Linux is little-endian, as the patterns are written
    uint32_t mask = ~0u;
    const Field* field = nullptr;
    std::string name, base;
    if (*t == '{') {
      const char* colon = std::strchr(t, ':');
      const char* close = std::strchr(t, '}');
      if (colon == nullptr || close == nullptr || colon > close) {
        *why = "bad pattern";
        return false;
      }
      name.assign(t + 1, colon);
      std::string kind(colon + 1, close);
      if (const size_t plus = kind.find('+'); plus != std::string::npos) {  // field+capture
        base = kind.substr(plus + 1);
        kind.resize(plus);
      }
      field = FindField(kind);
      if (field == nullptr) {
        *why = "bad pattern";
        return false;
      }
      t = close + 1;
      mask = ~FieldMask(*field);
    }
    if ((word & mask) != (expected & mask)) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "is %08x, expected %08x", word, expected);
      return Fail(why, buf, index);
    }
    const uint32_t* next = p + 1;
    if (field != nullptr) {
      const int32_t v = FieldValue(*field, word);
      switch (field->kind) {
        case Field::kAny:
          break;
        case Field::kCall:
        case Field::kBranch: {
          const uint8_t* target = reinterpret_cast<const uint8_t*>(p) + v;
          if (name == "*") break;
          if (name == ">" && field->kind == Field::kBranch) {
            next = reinterpret_cast<const uint32_t*>(target);
            break;
          }
          auto it = symbols.find(name);
          if (it == symbols.end() || !CallsFunction(reinterpret_cast<const uint32_t*>(target), it->second))
            return Fail(why, ("a call or jump does not go to " + name).c_str(), index);
          break;
        }
        case Field::kValue: {
          if (name == "*") break;  // not pinned
          if (!name.empty() && name.back() == '+') {
            partial[name.substr(0, name.size() - 1)] += v;
            break;
          }
          int32_t value = v;
          if (!base.empty()) {
            auto b = captures->find(base);
            if (b == captures->end()) return Fail(why, ("no " + base + " captured before").c_str(), index);
            value += b->second;
          }
          if (auto sum = partial.find(name); sum != partial.end()) {
            value += sum->second;
            partial.erase(sum);
          }
          auto seen = captures->find(name);
          if (seen != captures->end() && seen->second != value)
            return Fail(why, ("inconsistent " + name).c_str(), index);
          (*captures)[name] = value;
          break;
        }
      }
    }
    p = next;
    index++;
  }
  if (!partial.empty()) {
    *why = "bad pattern";
    return false;
  }
  if (end != nullptr) *end = p;
  return true;
}

}  // namespace arm64
}  // namespace switchyard

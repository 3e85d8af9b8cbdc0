// v8_symbols.cc: see v8_symbols.h.
#include "v8_symbols.h"

#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "../elf_symbols.h"

namespace switchyard {

namespace {

// SWITCHYARD_TEST_HANDOFF_CODE_MOVED=<key> (tests only): that symbol's code
// is read from a copy elsewhere, which is what V8 code the patterns were
// not written for looks like to them (its relative calls no longer go
// where they should), so that a test can watch the hand-off fall back.
bool MoveForTest(const V8Symbol* symbols, size_t count, V8SymbolMap* out) {
  const char* key = std::getenv("SWITCHYARD_TEST_HANDOFF_CODE_MOVED");
  if (key == nullptr) return true;
  for (size_t i = 0; i < count; i++) {
    auto it = out->find(symbols[i].key);
    if (std::strcmp(symbols[i].key, key) != 0 || it->second == nullptr) continue;
    constexpr size_t kCopied = 1024;
    static uint8_t copy[kCopied];
    std::memcpy(copy, it->second, kCopied);
    it->second = copy;
  }
  return true;
}

}  // namespace

void ExpectV8Symbols(const V8Symbol* symbols, size_t count) {
  std::vector<const char*> names;
  for (size_t i = 0; i < count; i++) names.push_back(symbols[i].mangled);
  ElfExpectSymbols(names.data(), names.size());
}

bool FindV8Symbols(const V8Symbol* symbols, size_t count, bool required, V8SymbolMap* out, std::string* why) {
  std::vector<const char*> missing_names;
  std::vector<size_t> missing;
  for (size_t i = 0; i < count; i++) {
    void* a = dlsym(RTLD_DEFAULT, symbols[i].mangled);
    (*out)[symbols[i].key] = a;
    if (a == nullptr) {
      missing.push_back(i);
      missing_names.push_back(symbols[i].mangled);
    }
  }
  if (missing.empty()) return MoveForTest(symbols, count, out);
  std::vector<uintptr_t> found(missing.size(), 0);
  std::string elf_error;
  const bool read = ElfFindSymbols(missing_names.data(), found.data(), missing.size(), &elf_error);
  for (size_t j = 0; j < missing.size(); j++) {
    (*out)[symbols[missing[j]].key] = reinterpret_cast<const void*>(found[j]);
    if (found[j] == 0 && required) {
      *why = std::string("this node has no symbol ") + missing_names[j] +
             (read ? " (neither exported nor in its symbol table)" : " (not exported; " + elf_error + ")");
      return false;
    }
  }
  return MoveForTest(symbols, count, out);
}

}  // namespace switchyard

// v8_symbols.h: addresses of V8's internal functions in the running node.
//
// Node up to 22 exports the ThreadManager and archive functions the
// hand-off needs from its dynamic symbol table; Node 24 and later do not,
// but official binaries keep their full ELF symbol table (elf_symbols.h),
// which names them all. A name is looked up in the dynamic table first
// (dlsym), then in the executable's .symtab.
#ifndef SWITCHYARD_ADDON_V8_HANDOFF_V8_SYMBOLS_H
#define SWITCHYARD_ADDON_V8_HANDOFF_V8_SYMBOLS_H

#include <map>
#include <string>

namespace switchyard {

struct V8Symbol {
  const char* key;      // the name patterns and the discovery use
  const char* mangled;  // the C++ symbol
};

using V8SymbolMap = std::map<std::string, const void*>;

// Adds each symbol's address to *out under its key. With `required`, false
// and *why naming the first symbol found nowhere; otherwise a missing one is
// stored as nullptr. (Tests: SWITCHYARD_TEST_HANDOFF_CODE_MOVED=<key> makes
// that symbol's code a copy elsewhere, which no pattern matches.)
bool FindV8Symbols(const V8Symbol* symbols, size_t count, bool required, V8SymbolMap* out, std::string* why);

// Announces symbols a later FindV8Symbols will ask for, so that where they
// are not exported one read of the executable's symbol table finds them
// all (elf_symbols.h).
void ExpectV8Symbols(const V8Symbol* symbols, size_t count);

}  // namespace switchyard

#endif

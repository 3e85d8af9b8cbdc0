// elf_symbols.h: addresses of functions and objects of the running
// executable that its dynamic symbol table does not export.
//
// Official Node binaries are not stripped: the ELF `.symtab` of the `node`
// executable names internal C++ functions (node::AsyncHooks's, V8's
// ThreadManager's) that dlsym cannot see. This reads that table once from
// /proc/self/exe (mapped read-only, only the pages of the two tables are
// touched) and answers lookups by mangled name.
//
// A pass over Node's table (about 185,000 names, 10 MB) costs several
// milliseconds, most of it in reading the names from memory. Every answer
// is kept, and names announced beforehand (ElfExpectSymbols) are looked up
// by the next pass too, so that the lookups of start-up and of the first
// fiber share one pass.
#ifndef SWITCHYARD_ADDON_ELF_SYMBOLS_H
#define SWITCHYARD_ADDON_ELF_SYMBOLS_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace switchyard {

// For each of `count` mangled names, its run-time address in the running
// executable (load bias applied), or 0 where the name is absent. False, with
// *error set, when the executable's symbol table cannot be read at all
// (stripped, not ELF, unreadable); then every address is 0.
bool ElfFindSymbols(const char* const* names, uintptr_t* addresses, size_t count, std::string* error);

// Announces names a later ElfFindSymbols will ask for: the next pass looks
// them up as well.
void ElfExpectSymbols(const char* const* names, size_t count);

}  // namespace switchyard

#endif

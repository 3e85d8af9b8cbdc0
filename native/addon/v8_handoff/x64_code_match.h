// x64_code_match.h: matches x86-64 machine code against a pattern that
// pins every byte, captures the displacements the code uses, and checks
// where its calls go. The hand-off's discovery reads V8's field offsets and
// call order this way (x64_patterns.h holds the patterns per V8 build).
#ifndef SWITCHYARD_ADDON_V8_HANDOFF_X64_CODE_MATCH_H
#define SWITCHYARD_ADDON_V8_HANDOFF_X64_CODE_MATCH_H

#include <cstdint>
#include <map>
#include <string>

#include "v8_symbols.h"

namespace switchyard {

// A pattern is a list of tokens: "xx" (a literal byte), "{name:d8}" /
// "{name:d32}" (a displacement, captured; a name seen twice must match),
// "{name:rel}" (a rel32 call/jump that must go to symbol `name`; "*": any;
// ">": a jump the match follows, going on at its target), "{*:rel8}" and
// "{>:rel8}" (the same for a short jump). A leading endbr64 in the code is
// skipped. On a match, *end (if given) is the first byte after the matched
// code; otherwise *why says where it differs.
bool MatchCode(const uint8_t* code, const char* pattern, const V8SymbolMap& symbols,
               std::map<std::string, int32_t>* captures, std::string* why, const uint8_t** end = nullptr);

}  // namespace switchyard

#endif

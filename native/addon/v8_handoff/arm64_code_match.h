// arm64_code_match.h: matches AArch64 machine code against a pattern that
// pins every instruction word but the fields it names, captures those
// fields (the immediates V8's code uses as field offsets), and checks where
// its calls go. The hand-off's discovery reads V8's field offsets and call
// order this way (arm64_patterns.h holds the patterns per V8 build); the
// x86-64 counterpart is x64_code_match.h.
#ifndef SWITCHYARD_ADDON_V8_HANDOFF_ARM64_CODE_MATCH_H
#define SWITCHYARD_ADDON_V8_HANDOFF_ARM64_CODE_MATCH_H

#include <cstdint>
#include <map>
#include <string>

#include "v8_symbols.h"

namespace switchyard {
namespace arm64 {

// A pattern is one instruction word per token, in order, as objdump prints
// it ("f9402a60"), each optionally followed by one hole "{name:field}" that
// takes that field out of the comparison. The tables write one instruction
// per line as adjacent string literals, with its disassembly in a C++
// comment (so that it costs no bytes in the binary); ";" also starts a
// comment to the end of the line. Fields:
//   imm12, imm12*4, imm12*8, imm12*16  bits 10..21 (ldr/str/add/sub unsigned
//                                      immediate), scaled as ldr/str scale it
//   imm12<<12                          the same in an `add ..., lsl #12`
//   imm16                              bits 5..20 (movz / movn's immediate)
//   imm16<<16                          the same in a `movk ..., lsl #16`
//   imm9                               bits 12..20, signed (ldur/stur, pre/post-index)
//   imm7*8, imm7*16                    bits 15..21, signed (ldp/stp), scaled
//   bl                                 bits 0..25, a call: `name` is the key of
//                                      the symbol it must go to (directly or
//                                      through a PLT entry), "*" any
//   b                                  bits 0..25, a branch (a tail call: `name`
//                                      as for bl)
//   imm19                              bits 5..23, b.cond / cbz / cbnz / ldr literal
//   imm14                              bits 5..18, tbz / tbnz
//   any                                the whole word
//   sum                                no bits: completes a `name+` sum that
//                                      the code adds with a register
//                                      (`ldr x0, [x10, x8]` after movz/movk x8)
// A captured value (imm*) is stored under `name`; a name seen again must
// have the same value. "{name:field+other}" adds the value captured earlier
// as `other` (a base the code keeps in a register: `mov x3, #0xe400` as
// {base:imm16}, then `ldp x6, x7, [x21, #-88]` as {name:imm7*8+base}). `name+` adds the field to a sum that the next plain
// `name` hole completes, for offsets the code builds in two instructions
// (`add x2, x2, #0x8, lsl #12` then `ldr x0, [x2, #25544]`). For the branch
// fields, name "*" ignores the target and ">" follows it: the match goes on
// at the branch's target. For the others, "*" leaves the field unpinned. On a match, *end (if given) is the first word
// after the matched code; otherwise *why says where it differs.
bool MatchCode(const uint32_t* code, const char* pattern, const V8SymbolMap& symbols,
               std::map<std::string, int32_t>* captures, std::string* why, const uint32_t** end = nullptr);

// The executable mapping (PT_LOAD with PF_X) that holds `address`, if any:
// the matcher reads only such memory, whatever a branch it follows or a
// call it checks points at.
struct CodeRegion {
  uintptr_t lo = 0, hi = 0;
};
bool FindCode(const void* address, CodeRegion* region);

// Whether a call to `target` is a call to `function`: the function itself,
// or a PLT entry (adrp x16; ldr x17, [x16, #slot]; add x16, ...; br x17)
// whose GOT slot holds it (the node executable binds at load: BIND_NOW).
bool CallsFunction(const uint32_t* target, const void* function);

}  // namespace arm64
}  // namespace switchyard

#endif

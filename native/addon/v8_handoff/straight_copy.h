// straight_copy.h: recognizes V8 archive / restore functions that do
// nothing but move bytes between the object and the archive buffer, so that
// the fiber hand-off (v8_handoff.cc) can do the same copy inline instead
// of an indirect call per part per switch.
//
// V8's per-thread parts are archived by functions of one shape:
//   char* Part::ArchiveX(char* to)   { MemCopy(to, &state_, N); [reset state_]; return to + N; }
//   char* Part::RestoreX(char* from) { MemCopy(&state_, from, N); return from + N; }
// which the compiler turns into a run of loads and stores between `this`
// (rdi) and the buffer (rsi), `lea N(%rsi),%rax` and `ret` (with a frame
// pointer set up and torn down in clang's builds). The matcher
// decodes exactly those instructions (16-, 8- and 4-byte moves, stores of 0
// to `this` in an archive) and refuses anything else, so that a V8 whose
// function does more than copy keeps being called.
#ifndef SWITCHYARD_ADDON_V8_HANDOFF_STRAIGHT_COPY_H
#define SWITCHYARD_ADDON_V8_HANDOFF_STRAIGHT_COPY_H

#include <cstdint>
#include <string>

namespace switchyard {

// A part that is copied as it is: `size` bytes at `offset` from the object
// (its `this`). size 0: not known to be a straight copy.
struct StraightCopy {
  int32_t offset = 0;
  int32_t size = 0;
};

enum class CopyDirection {
  kArchive,  // object -> buffer; stores of 0 into the copied bytes allowed (the reset)
  kRestore,  // buffer -> object
};

// x86-64 only (false elsewhere). `code`: the function's first byte. With
// `memcpy_address`, also clang's form of a large copy: a call to memcpy
// (directly or through the PLT) with constant operands.
bool MatchStraightCopy(const uint8_t* code, CopyDirection direction, StraightCopy* out, std::string* why,
                       const void* memcpy_address = nullptr);

}  // namespace switchyard

#endif

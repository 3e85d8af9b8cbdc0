// x64_patterns.h: V8's code as the Node project builds it for x86-64, one
// entry per V8 build, for the matcher (x64_code_match.h). Discovery
// (discover_handoff_x64.cc) tries each entry in turn; supporting a new V8
// build is a new entry here (and its part sizes in part_sizes.h), checked
// by test/fiber/handoff.test.ts on that Node.
#ifndef SWITCHYARD_ADDON_V8_HANDOFF_X64_PATTERNS_H
#define SWITCHYARD_ADDON_V8_HANDOFF_X64_PATTERNS_H

#include <cstdint>

namespace switchyard {
namespace x64 {

// ThreadManager::RestoreThread, EagerlyArchiveThread and v8::~Unlocker:
// their calls pin the archive order and the parts' functions, their
// operands the offsets of the ThreadManager and of each part in the
// isolate, the ThreadManager's list anchors, and the inlined ThreadState
// list operations (kStateNext ...).
struct ThreadManagerVariant {
  const char* v8_build;
  const char* restore_thread;
  const char* eagerly_archive_thread;
  const char* unlocker_destructor;
};

// V8 11.3 (Node 20) and 12.4 (Node 22), built by the Node project with gcc.
inline const char kRestoreThreadV8_11_3[] = R"(
55 48 89 e5 41 55 41 54 53 48 89 fb 48 83 ec 18
e8 {*:rel}
3b 43 {lazy:d8}
0f 84 {*:rel}
48 8b 7b {tm_isolate:d8}
48 89 7d d8
48 81 c7 {iso_break_access:d32}
e8 {rmutex_lock:rel}
83 7b {lazy:d8} ff
0f 85 {*:rel}
48 8b 7b {tm_isolate:d8}
e8 {find_per_thread:rel}
49 89 c5 48 85 c0 0f 84 {*:rel}
4c 8b 60 {pt_state:d8}
4d 85 e4 0f 84 {*:rel}
48 8b 43 {tm_isolate:d8}
49 8b 74 24 {state_data:d8}
48 8b b8 {iso_hsi:d32}
e8 {hsi_restore:rel}
48 8b 7b {tm_isolate:d8} 48 89 c6
e8 {isolate_restore:rel}
48 8b 7b {tm_isolate:d8} 48 89 c6
e8 {reloc_restore:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8d 78 {iso_stack_guard:d8}
e8 {sg_restore:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_debug:d32}
e8 {debug_restore:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_regexp:d32}
e8 {regexp_restore:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_boot:d32}
e8 {boot_restore:rel}
49 c7 45 {pt_state:d8} 00 00 00 00
49 8b 54 24 10 49 8b 44 24 18
41 c7 04 24 ff ff ff ff
48 89 42 18 49 8b 54 24 10 48 89 50 10
49 8b 44 24 20 48 8b 40 {tm_free:d8}
f3 0f 7e 40 10 66 48 0f 6e c8 66 0f 6c c1 41 0f 11 44 24 10
4c 89 60 10 49 8b 44 24 10 4c 89 60 18
)";

// V8 13.6 (Node 24): the same, but for one instruction before the
// Bootstrapper's restore.
inline const char kRestoreThreadV8_13_6[] = R"(
55 48 89 e5 41 55 41 54 53 48 89 fb 48 83 ec 18
e8 {*:rel}
3b 43 {lazy:d8}
0f 84 {*:rel}
48 8b 7b {tm_isolate:d8}
48 89 7d d8
48 81 c7 {iso_break_access:d32}
e8 {rmutex_lock:rel}
83 7b {lazy:d8} ff
0f 85 {*:rel}
48 8b 7b {tm_isolate:d8}
e8 {find_per_thread:rel}
49 89 c5 48 85 c0 0f 84 {*:rel}
4c 8b 60 {pt_state:d8}
4d 85 e4 0f 84 {*:rel}
48 8b 43 {tm_isolate:d8}
49 8b 74 24 {state_data:d8}
48 8b b8 {iso_hsi:d32}
e8 {hsi_restore:rel}
48 8b 7b {tm_isolate:d8} 48 89 c6
e8 {isolate_restore:rel}
48 8b 7b {tm_isolate:d8} 48 89 c6
e8 {reloc_restore:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8d 78 {iso_stack_guard:d8}
e8 {sg_restore:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_debug:d32}
e8 {debug_restore:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_regexp:d32}
e8 {regexp_restore:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
bb 01 00 00 00
48 8b b8 {iso_boot:d32}
e8 {boot_restore:rel}
49 c7 45 {pt_state:d8} 00 00 00 00
49 8b 54 24 10 49 8b 44 24 18
41 c7 04 24 ff ff ff ff
48 89 42 18 49 8b 54 24 10 48 89 50 10
49 8b 44 24 20 48 8b 40 {tm_free:d8}
f3 0f 7e 40 10 66 48 0f 6e c8 66 0f 6c c1 41 0f 11 44 24 10
4c 89 60 10 49 8b 44 24 10 4c 89 60 18
)";


inline const char kEagerlyArchiveThreadV8_11_3[] = R"(
55 48 89 e5 53 48 89 fb 48 83 ec 08
48 8b 47 {tm_lazy_state:d8} 48 8b 50 20 48 8b 52 {tm_in_use:d8} f3 0f 7e 42 10 66 48 0f 6e ca 66 0f 6c c1
0f 11 40 10 48 89 42 10 48 8b 50 10 48 89 42 18
48 8b 70 {state_data:d8}
48 8b 47 {tm_isolate:d8}
48 8b b8 {iso_hsi:d32}
e8 {hsi_archive:rel}
48 8b 7b {tm_isolate:d8} 48 89 c6
e8 {isolate_archive:rel}
48 8b 7b {tm_isolate:d8} 48 89 c6
e8 {reloc_archive:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8d 78 {iso_stack_guard:d8}
e8 {sg_archive:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_debug:d32}
e8 {debug_archive:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_regexp:d32}
e8 {regexp_archive:rel}
48 89 c6 48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_boot:d32}
e8 {boot_archive:rel}
c7 43 {lazy:d8} ff ff ff ff
)";

inline const char kUnlockerDestructorV8_11_3[] = R"(
55 48 89 e5 41 54 53 48 8b 07 48 89 fb
4c 8b a0 {iso_tm:d32}
4c 89 e7 e8 {mutex_lock:rel}
e8 {*:rel}
41 89 44 24 {tm_owner:d8}
48 8b 03 5b 41 5c 5d
48 8b b8 {iso_tm:d32}
e9 {restore_thread:rel}
)";

// V8 14.6 (Node 26), which the Node project builds with clang: the same
// function bodies in another compiler's code.
inline const char kRestoreThreadV8_14_6[] = R"(
55 48 89 e5 41 57 41 56 41 54 53 48 83 ec 10 48 89 fb
e8 {*:rel}
39 43 {lazy:d8}
75 {>:rel8}
4c 8b 73 {tm_isolate:d8}
4c 89 75 d8
49 8d be {iso_break_access:d32}
e8 {rmutex_lock:rel}
83 7b {lazy:d8} ff
0f 84 {>:rel}
48 8b 7b {tm_isolate:d8}
e8 {find_per_thread:rel}
48 85 c0 0f 84 {*:rel}
49 89 c7 4c 8b 60 {pt_state:d8}
4d 85 e4 0f 84 {*:rel}
49 8b 74 24 {state_data:d8}
48 8b 43 {tm_isolate:d8}
48 8b b8 {iso_hsi:d32}
e8 {hsi_restore:rel}
48 8b 7b {tm_isolate:d8} 48 89 c6
e8 {isolate_restore:rel}
48 8b 7b {tm_isolate:d8} 48 89 c6
e8 {reloc_restore:rel}
48 8b 7b {tm_isolate:d8} 48 83 c7 {iso_stack_guard:d8} 48 89 c6
e8 {sg_restore:rel}
48 8b 4b {tm_isolate:d8} 48 8b b9 {iso_debug:d32} 48 89 c6
e8 {debug_restore:rel}
48 8b 4b {tm_isolate:d8} 48 8b b9 {iso_regexp:d32} 48 89 c6
e8 {regexp_restore:rel}
48 8b 4b {tm_isolate:d8} 48 8b b9 {iso_boot:d32} 48 89 c6
e8 {boot_restore:rel}
49 c7 47 {pt_state:d8} 00 00 00 00
41 c7 04 24 ff ff ff ff
49 8b 44 24 10 49 8b 4c 24 18 48 89 48 18 49 8b 44 24 10 48 89 41 10
49 8b 44 24 20 48 8b 40 {tm_free:d8}
48 8b 48 10 49 89 4c 24 10 49 89 44 24 18 4c 89 60 10 49 8b 44 24 10 4c 89 60 18
)";

inline const char kEagerlyArchiveThreadV8_14_6[] = R"(
55 48 89 e5 53 50 48 89 fb
48 8b 47 {tm_lazy_state:d8} 48 8b 48 20 48 8b 49 {tm_in_use:d8}
48 8b 51 10 48 89 50 10 48 89 48 18 48 89 41 10 48 8b 48 10 48 89 41 18
48 8b 70 {state_data:d8}
48 8b 47 {tm_isolate:d8}
48 8b b8 {iso_hsi:d32}
e8 {hsi_archive:rel}
48 8b 7b {tm_isolate:d8} 48 89 c6
e8 {isolate_archive:rel}
48 8b 7b {tm_isolate:d8} 48 89 c6
e8 {reloc_archive:rel}
48 8b 7b {tm_isolate:d8} 48 83 c7 {iso_stack_guard:d8} 48 89 c6
e8 {sg_archive:rel}
48 8b 4b {tm_isolate:d8} 48 8b b9 {iso_debug:d32} 48 89 c6
e8 {debug_archive:rel}
48 8b 4b {tm_isolate:d8} 48 8b b9 {iso_regexp:d32} 48 89 c6
e8 {regexp_archive:rel}
48 8b 4b {tm_isolate:d8} 48 8b b9 {iso_boot:d32} 48 89 c6
e8 {boot_archive:rel}
c7 43 {lazy:d8} ff ff ff ff
48 c7 43 {tm_lazy_state:d8} 00 00 00 00
)";

inline const char kUnlockerDestructorV8_14_6[] = R"(
55 48 89 e5 41 56 53 48 89 fb 48 8b 07
4c 8b b0 {iso_tm:d32}
4c 89 f7 e8 {mutex_lock:rel}
e8 {*:rel}
41 89 46 {tm_owner:d8}
48 8b 03 48 8b b8 {iso_tm:d32}
5b 41 5e 5d
e9 {restore_thread:rel}
)";

inline const ThreadManagerVariant kThreadManagerVariants[] = {
    {"V8 11.3 (Node 20) / 12.4 (Node 22)", kRestoreThreadV8_11_3, kEagerlyArchiveThreadV8_11_3,
     kUnlockerDestructorV8_11_3},
    {"V8 13.6 (Node 24)", kRestoreThreadV8_13_6, kEagerlyArchiveThreadV8_11_3, kUnlockerDestructorV8_11_3},
    {"V8 14.6 (Node 26)", kRestoreThreadV8_14_6, kEagerlyArchiveThreadV8_14_6, kUnlockerDestructorV8_14_6},
};

// Isolate::Enter begins by pointing the heap's stack start (conservative
// stack scanning) at the calling thread's stack, then, when the isolate is
// already entered on this thread (always so at a fiber switch), only counts
// the entry, which Exit takes back. A switch called Enter + Exit for the
// first part alone; where the code is this, the hand-off calls
// Heap::SetStackStart itself: V8 11.3 and 12.4 pass it the stack start
// from the TLS slot (what GetStackStart returns), V8 13.6 and 14.6 call a
// Heap::SetStackStart() that reads it there itself. Searched for within
// the first bytes of Enter, from where `this` is in rbx on.
struct IsolateEnterVariant {
  const char* pattern;
  bool passes_start;  // calls set_stack_start(heap, start), else set_stack_start_here(heap)
};
inline const IsolateEnterVariant kIsolateEnterVariants[] = {
    {"e8 {get_stack_start:rel} 48 8d bb {iso_heap:d32} 48 89 c6 e8 {set_stack_start:rel}", true},  // 11.3, 12.4
    {"48 81 c7 {iso_heap:d32} 48 83 ec 28 64 4c 8b 24 25 {*:rel} e8 {set_stack_start_here:rel}", false},  // 13.6
    {"64 4c 8b 3c 25 {*:rel} 48 81 c7 {iso_heap:d32} e8 {set_stack_start_here:rel}", false},  // 14.6
};
inline constexpr int kIsolateEnterSearch = 48;

// HandleScopeImplementer::ArchiveThread / RestoreThread: copy the isolate's
// HandleScopeData into the implementer's copy at its end, the implementer
// to the archive, reset the live state / the reverse. Exact code, per V8.
struct HsiVariant {
  const char* archive;
  const char* restore;
  int32_t size, hsd_in_hsi, hsd_size;
};
inline const HsiVariant kHsiVariants[] = {
    {// V8 11.3 (Node 20)
     R"(48 8b 07 f3 0f 6f 1f 66 0f ef c0 f3 0f 6f 88 {iso_hsd:d32} 0f 11 4f 78 f3 0f 6f 90 {iso_hsd_16:d32}
        0f 11 97 88 00 00 00 0f 11 1e f3 0f 6f 67 10 0f 11 66 10 f3 0f 6f 6f 20 0f 11 6e 20
        f3 0f 6f 77 30 0f 11 76 30 f3 0f 6f 7f 40 0f 11 7e 40 f3 0f 6f 4f 50 0f 11 4e 50
        f3 0f 6f 57 60 0f 11 56 60 f3 0f 6f 5f 70 0f 11 5e 70 f3 0f 6f a7 80 00 00 00
        0f 11 a6 80 00 00 00 48 8b 97 90 00 00 00 48 89 96 90 00 00 00 48 c7 47 08 00 00 00 00
        48 c7 47 20 00 00 00 00 48 c7 47 38 00 00 00 00 48 c7 47 50 00 00 00 00 0f 11 47 10
        0f 11 47 28 0f 11 47 40 0f 11 47 58 0f 11 47 68 48 c7 80 {iso_hsd_16:d32} 00 00 00 00
        48 c7 80 {iso_hsd_24:d32} 00 00 00 00 0f 11 80 {iso_hsd:d32} 48 8d 86 98 00 00 00 c3)",
     R"(f3 0f 6f 06 0f 11 07 f3 0f 6f 4e 10 0f 11 4f 10 f3 0f 6f 56 20 0f 11 57 20
        f3 0f 6f 5e 30 0f 11 5f 30 f3 0f 6f 66 40 0f 11 67 40 f3 0f 6f 6e 50 0f 11 6f 50
        f3 0f 6f 76 60 0f 11 77 60 f3 0f 6f 7e 70 0f 11 7f 70 f3 0f 6f 86 80 00 00 00
        0f 11 87 80 00 00 00 48 8b 86 90 00 00 00 f3 0f 6f 4f 78 48 89 87 90 00 00 00
        48 8b 07 0f 11 88 {iso_hsd:d32} f3 0f 6f 97 88 00 00 00 0f 11 90 {iso_hsd_16:d32}
        48 8d 86 98 00 00 00 c3)",
     0x98, 0x78, 0x20},
    {// V8 12.4 (Node 22)
     R"(48 8b 07 f3 0f 6f 17 66 0f ef c0 f3 0f 6f 88 {iso_hsd:d32} 0f 11 4f 60 48 8b 90 {iso_hsd_16:d32}
        48 89 57 70 0f 11 16 f3 0f 6f 5f 10 0f 11 5e 10 f3 0f 6f 67 20 0f 11 66 20
        f3 0f 6f 6f 30 0f 11 6e 30 f3 0f 6f 77 40 0f 11 76 40 f3 0f 6f 7f 50 0f 11 7e 50
        f3 0f 6f 4f 60 0f 11 4e 60 48 8b 57 70 48 89 56 70 48 c7 47 08 00 00 00 00
        48 c7 47 20 00 00 00 00 48 c7 47 38 00 00 00 00 0f 11 47 10 0f 11 47 28 0f 11 47 40
        0f 11 47 50 48 c7 80 {iso_hsd_16:d32} 00 00 00 00 0f 11 80 {iso_hsd:d32} 48 8d 46 78 c3)",
     R"(f3 0f 6f 0e 0f 11 0f f3 0f 6f 56 10 0f 11 57 10 f3 0f 6f 5e 20 0f 11 5f 20
        f3 0f 6f 66 30 0f 11 67 30 f3 0f 6f 6e 40 0f 11 6f 40 f3 0f 6f 76 50 0f 11 77 50
        f3 0f 6f 46 60 0f 11 47 60 48 8b 46 70 48 89 47 70 48 8b 07 0f 11 80 {iso_hsd:d32}
        48 8b 57 70 48 89 90 {iso_hsd_16:d32} 48 8d 46 78 c3)",
     0x78, 0x60, 0x18},
    {// V8 13.6 (Node 24): also resets a flag byte of the implementer
     R"(48 8b 07 f3 0f 6f 17 66 0f ef c0 f3 0f 6f 88 {iso_hsd:d32} 0f 11 4f 68 48 8b 90 {iso_hsd_16:d32}
        48 89 57 78 0f 11 16 f3 0f 6f 5f 10 0f 11 5e 10 f3 0f 6f 67 20 0f 11 66 20
        f3 0f 6f 6f 30 0f 11 6e 30 f3 0f 6f 77 40 0f 11 76 40 f3 0f 6f 7f 50 0f 11 7e 50
        f3 0f 6f 4f 60 0f 11 4e 60 f3 0f 6f 57 70 0f 11 56 70 80 7f 60 00
        48 c7 47 08 00 00 00 00 48 c7 47 20 00 00 00 00 48 c7 47 38 00 00 00 00 48 c7 47 50 00 00 00 00
        0f 11 47 10 0f 11 47 28 0f 11 47 40 74 04 c6 47 60 00 48 c7 80 {iso_hsd_16:d32} 00 00 00 00
        66 0f ef c0 0f 11 80 {iso_hsd:d32} 48 8d 86 80 00 00 00 c3)",
     R"(f3 0f 6f 06 0f 11 07 f3 0f 6f 4e 10 48 8b 07 0f 11 4f 10 f3 0f 6f 56 20 0f 11 57 20
        f3 0f 6f 5e 30 0f 11 5f 30 f3 0f 6f 66 40 0f 11 67 40 f3 0f 6f 6e 50 0f 11 6f 50
        f3 0f 6f 76 60 0f 11 77 60 f3 0f 6f 7e 70 0f 11 7f 70 f3 0f 6f 47 68 0f 11 80 {iso_hsd:d32}
        48 8b 57 78 48 89 90 {iso_hsd_16:d32} 48 8d 86 80 00 00 00 c3)",
     0x80, 0x68, 0x18},
    {// V8 14.6 (Node 26, clang)
     R"(55 48 89 e5 48 8b 07 48 8b 88 {iso_hsd_16:d32} 48 89 4f 78 0f 10 80 {iso_hsd:d32} 0f 11 47 68
        0f 10 47 50 0f 11 46 50 0f 10 47 40 0f 11 46 40 0f 10 07 0f 10 4f 10 0f 10 57 20 0f 10 5f 30
        0f 11 5e 30 0f 11 56 20 0f 11 4e 10 0f 11 06 0f 10 47 70 0f 11 46 70 0f 10 47 60 0f 11 46 60
        c6 47 60 00 0f 57 c0 0f 11 47 18 0f 11 47 28 0f 11 47 38 0f 11 47 48 0f 11 47 08
        0f 11 80 {iso_hsd:d32} 48 c7 80 {iso_hsd_16:d32} 00 00 00 00 48 8d 86 80 00 00 00 5d c3)",
     R"(55 48 89 e5 0f 10 06 0f 10 4e 10 0f 10 56 20 0f 10 5e 30 0f 11 07 0f 10 46 70 0f 11 47 70
        0f 10 46 60 0f 11 47 60 0f 10 46 50 0f 11 47 50 0f 10 46 40 0f 11 47 40 0f 11 5f 30 0f 11 57 20
        0f 11 4f 10 48 8b 07 0f 10 46 68 48 8b 4e 78 48 89 88 {iso_hsd_16:d32} 0f 11 80 {iso_hsd:d32}
        48 8d 86 80 00 00 00 5d c3)",
     0x80, 0x68, 0x18},
};

// RegExpStack::ArchiveStack: when the live stack is the RegExpStack's static
// one (owns_memory_ 0), it first grows it into a dynamic one (archived
// stacks must not point into the RegExpStack); then a copy of its 0x30-byte
// ThreadLocal to the archive, and a reset to the static stack. Its restore
// is a straight copy. Matched: the owns_memory_ test, and the code its jump
// goes to when set, through the ret.
inline const char* const kRegExpArchiveVariants[] = {
    // V8 11.3, 12.4, 13.6 (gcc)
    R"(55 48 89 e5 41 57 41 56 41 55 41 54 49 89 f4 53 48 89 fb 48 83 ec 08
80 bf {regexp_owns:d32} 00 75 {>:rel8}
f3 0f 6f 83 {regexp_tl:d32} 48 8d 83 {regexp_tl:d32} 41 0f 11 04 24
f3 0f 6f 8b {regexp_tl_16:d32} 41 0f 11 4c 24 10
f3 0f 6f 93 {regexp_tl_32:d32} 41 0f 11 54 24 20
48 89 83 {r1:d32} 48 89 83 {r2:d32} 48 8d 83 {r3:d32} 48 89 83 {r4:d32}
49 8d 44 24 30 48 89 9b {regexp_tl:d32} 48 c7 83 {r5:d32} {r6:d32} c6 83 {regexp_owns:d32} 00
48 83 c4 08 5b 41 5c 41 5d 41 5e 41 5f 5d c3)",
    // V8 14.6 (clang)
    R"(55 48 89 e5 41 56 53 48 89 f3 49 89 fe 80 bf {regexp_owns:d32} 00 75 {>:rel8}
49 8d 86 {regexp_tl:d32} 41 0f 10 86 {regexp_tl:d32} 41 0f 10 8e {regexp_tl_16:d32} 41 0f 10 96 {regexp_tl_32:d32}
0f 11 53 20 0f 11 4b 10 0f 11 03
49 8d 8e {r3:d32} 4d 89 b6 {regexp_tl:d32} 49 89 86 {r1:d32} 49 c7 86 {r5:d32} {r6:d32} 49 89 86 {r2:d32}
49 89 8e {r4:d32} 41 c6 86 {regexp_owns:d32} 00
48 83 c3 30 48 89 d8 5b 41 5e 5d c3)",
};
inline constexpr int32_t kRegExpThreadLocalSize = 0x30;

// StackGuard::ArchiveStackGuard / RestoreStackGuard: under the isolate's
// execution-access lock, copy the ThreadLocal at StackGuard + 8 to the
// archive and reset it / copy it back.
//
// RequestInterrupt, what any thread calls to interrupt JS (GC, code install,
// TerminateExecution, API interrupts): under the same lock, unless an
// InterruptsScope intercepts the flag, it ORs the flag into
// interrupt_flags_ and then stores kInterruptLimit to jslimit_ and climit_
// (at ThreadLocal + 0x10 and + 0x18; the real limits are the two words
// before them, both the same on x64; from V8 13 on only jslimit_, the C
// limits are gone and their words unused). `request` matches it up to that
// OR, and `request_set_limits` the stores, `request_set_at` bytes into the
// function (0: where `request` ends, or its last jump goes).
struct StackGuardVariant {
  const char* archive;
  const char* restore;
  int32_t size;
  const char* request;
  int32_t request_set_at;
  const char* request_set_limits;
  bool c_limits;
};
inline const char kRequestInterruptSetLimits[] = "48 c7 43 18 fe ff ff ff 48 c7 43 20 fe ff ff ff";
inline const StackGuardVariant kStackGuardVariants[] = {
    {// V8 11.3 (Node 20)
     R"(55 48 89 e5 41 55 41 54 49 89 f4 53 48 89 fb 48 83 ec 08 48 8b 07 4c 8d a8 {iso_break_access:d32}
        4c 89 ef e8 {rmutex_lock:rel} f3 0f 6f 4b 08 66 0f 6f 05 {*:rel} 4c 89 ef 41 0f 11 0c 24
        f3 0f 6f 53 18 41 0f 11 54 24 10 f3 0f 6f 5b 28 41 0f 11 5c 24 20 48 c7 43 28 00 00 00 00
        c7 43 30 00 00 00 00 0f 11 43 08 0f 11 43 18 e8 {rmutex_unlock:rel} 48 83 c4 08
        49 8d 44 24 30 5b 41 5c 41 5d 5d c3)",
     R"(55 48 89 e5 41 55 41 54 49 89 fc 53 48 89 f3 48 83 ec 08 48 8b 07 4c 8d a8 {iso_break_access:d32}
        4c 89 ef e8 {rmutex_lock:rel} f3 0f 6f 03 4c 89 ef 41 0f 11 44 24 08 f3 0f 6f 4b 10
        41 0f 11 4c 24 18 f3 0f 6f 53 20 41 0f 11 54 24 28 e8 {rmutex_unlock:rel} 48 83 c4 08
        48 8d 43 30 5b 41 5c 41 5d 5d c3)",
     0x30,
     R"(55 48 89 e5 41 55 41 89 f5 41 54 53 48 89 fb 48 83 ec 08 48 8b 07 4c 8d a0 {iso_break_access:d32}
        4c 89 e7 e8 {rmutex_lock:rel} 48 8b 7b {sg_scopes:d8} 48 85 ff 74 0c 44 89 ee e8 {*:rel}
        84 c0 75 23 44 09 6b {sg_flags:d8})",
     0, kRequestInterruptSetLimits, true},
    {// V8 12.4 (Node 22)
     R"(55 48 89 e5 41 55 41 54 49 89 f4 53 48 89 fb 48 83 ec 08 48 8b 07 4c 8d a8 {iso_break_access:d32}
        4c 89 ef e8 {rmutex_lock:rel} f3 0f 6f 4b 08 66 0f 6f 05 {*:rel} 4c 89 ef 41 0f 11 0c 24
        f3 0f 6f 53 18 41 0f 11 54 24 10 f3 0f 6f 5b 28 41 0f 11 5c 24 20 48 8b 43 38 49 89 44 24 30
        31 c0 66 89 43 28 c6 43 2a 00 48 c7 43 30 00 00 00 00 c7 43 38 00 00 00 00 0f 11 43 08
        0f 11 43 18 e8 {rmutex_unlock:rel} 48 83 c4 08 49 8d 44 24 38 5b 41 5c 41 5d 5d c3)",
     R"(55 48 89 e5 41 55 41 54 49 89 fc 53 48 89 f3 48 83 ec 08 48 8b 07 4c 8d a8 {iso_break_access:d32}
        4c 89 ef e8 {rmutex_lock:rel} f3 0f 6f 03 4c 89 ef 41 0f 11 44 24 08 f3 0f 6f 4b 10
        41 0f 11 4c 24 18 f3 0f 6f 53 20 41 0f 11 54 24 28 48 8b 53 30 49 89 54 24 38
        e8 {rmutex_unlock:rel} 48 83 c4 08 48 8d 43 38 5b 41 5c 41 5d 5d c3)",
     0x38,
     R"(55 48 89 e5 41 55 41 89 f5 41 54 53 48 89 fb 48 83 ec 18 48 8b 07 4c 8d a0 {iso_break_access:d32}
        4c 89 e7 e8 {rmutex_lock:rel} 48 8b 7b {sg_scopes:d8} 48 85 ff 74 0c 44 89 ee e8 {*:rel}
        84 c0 75 7b 44 09 6b {sg_flags:d8} 0f 85 8c 00 00 00)",
     0xd0, kRequestInterruptSetLimits, true},
    {// V8 13.6 (Node 24)
     R"(55 48 89 e5 41 55 41 54 49 89 f4 53 48 89 fb 48 83 ec 08 48 8b 07 4c 8d a8 {iso_break_access:d32}
        4c 89 ef e8 {rmutex_lock:rel} f3 0f 6f 43 08 4c 89 ef 41 0f 11 04 24 f3 0f 6f 4b 18 41 0f 11 4c 24 10
        f3 0f 6f 53 28 41 0f 11 54 24 20 48 8b 43 38 49 89 44 24 30
        48 c7 43 08 f8 ff ff ff 48 c7 43 18 f8 ff ff ff 66 c7 43 28 00 00 c6 43 2a 00 48 c7 43 30 00 00 00 00
        c7 43 38 00 00 00 00 e8 {rmutex_unlock:rel} 48 83 c4 08 49 8d 44 24 38 5b 41 5c 41 5d 5d c3)",
     R"(55 48 89 e5 41 55 41 54 49 89 fc 53 48 89 f3 48 83 ec 08 48 8b 07 4c 8d a8 {iso_break_access:d32}
        4c 89 ef e8 {rmutex_lock:rel} f3 0f 6f 03 4c 89 ef 41 0f 11 44 24 08 f3 0f 6f 4b 10
        41 0f 11 4c 24 18 f3 0f 6f 53 20 41 0f 11 54 24 28 48 8b 53 30 49 89 54 24 38
        e8 {rmutex_unlock:rel} 48 83 c4 08 48 8d 43 38 5b 41 5c 41 5d 5d c3)",
     0x38,
     R"(55 48 89 e5 41 55 41 89 f5 41 54 53 48 89 fb 48 83 ec 18 48 8b 07 4c 8d a0 {iso_break_access:d32}
        4c 89 e7 e8 {rmutex_lock:rel} 48 8b 7b {sg_scopes:d8} 48 85 ff 74 0c 44 89 ee e8 {*:rel}
        84 c0 75 6e 44 09 6b {sg_flags:d8} 0f 85 {>:rel})",
     0, "48 c7 43 18 fe ff ff ff", false},
    {// V8 14.6 (Node 26, clang)
     R"(55 48 89 e5 41 57 41 56 53 50 48 89 f3 49 89 fe 41 bf {iso_break_access:d32} 4c 03 3f 4c 89 ff
        e8 {rmutex_lock:rel} 49 8b 46 38 48 89 43 30 41 0f 10 46 08 41 0f 10 4e 18 41 0f 10 56 28
        0f 11 53 20 0f 11 4b 10 0f 11 03 49 c7 46 08 f8 ff ff ff 49 c7 46 18 f8 ff ff ff
        66 41 c7 46 28 00 00 41 c6 46 2a 00 49 c7 46 30 00 00 00 00 41 c7 46 38 00 00 00 00
        48 83 c3 38 4c 89 ff e8 {rmutex_unlock:rel} 48 89 d8 48 83 c4 08 5b 41 5e 41 5f 5d c3)",
     R"(55 48 89 e5 41 57 41 56 53 50 48 89 f3 49 89 fe 41 bf {iso_break_access:d32} 4c 03 3f 4c 89 ff
        e8 {rmutex_lock:rel} 48 8b 43 30 49 89 46 38 0f 10 03 0f 10 4b 10 0f 10 53 20
        41 0f 11 56 28 41 0f 11 4e 18 41 0f 11 46 08 48 83 c3 38 4c 89 ff e8 {rmutex_unlock:rel}
        48 89 d8 48 83 c4 08 5b 41 5e 41 5f 5d c3)",
     0x38,
     R"(55 48 89 e5 41 57 41 56 53 50 41 89 f7 49 89 fe bb {iso_break_access:d32} 48 03 1f 48 89 df
        e8 {rmutex_lock:rel} 49 8b 7e {sg_scopes:d8} 48 85 ff 74 0c 44 89 fe e8 {*:rel} 84 c0 75 4d
        45 0b 7e {sg_flags:d8} 45 89 7e {sg_flags:d8})",
     0, "48 c7 c0 fe ff ff ff 75 04 49 8b 46 08 49 89 46 18", false},
};

}  // namespace x64
}  // namespace switchyard

#endif

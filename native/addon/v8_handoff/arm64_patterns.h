// arm64_patterns.h: V8's code as the Node project builds it for AArch64
// (linux-arm64), one entry per V8 build, for the matcher
// (arm64_code_match.h: one instruction word per line, the fields it
// captures or checks in braces, the disassembly after ";"). Discovery
// (discover_handoff_arm64.cc) tries each entry in turn; supporting a new V8
// build is a new entry here, checked by test/fiber/handoff.test.ts on that
// Node under qemu. The x86-64 tables (x64_patterns.h) say what each
// function does; these are the same functions in AArch64 code.
#ifndef SWITCHYARD_ADDON_V8_HANDOFF_ARM64_PATTERNS_H
#define SWITCHYARD_ADDON_V8_HANDOFF_ARM64_PATTERNS_H

#include <cstdint>

namespace switchyard {
namespace arm64 {

// ThreadManager::RestoreThread, EagerlyArchiveThread and v8::~Unlocker:
// their calls pin the archive order and the parts' functions, their
// immediates the offsets of the ThreadManager and of each part in the
// isolate (an offset above 32 KiB takes an `add ..., lsl #12` or a
// movz/movk first), the ThreadManager's list anchors, and the inlined
// ThreadState list operations (kStateNext ..., literal in the words).
struct ThreadManagerVariant {
  const char* v8_build;
  const char* restore_thread;
  const char* eagerly_archive_thread;
  const char* unlocker_destructor;
};

// V8 11.3 (Node 20), 12.4 (Node 22) and 13.6 (Node 24), built by the Node
// project with gcc: one shape, other offsets (captured). RestoreThread is
// matched from its start through the ThreadState's move to the free list.
inline const char kRestoreThreadGcc[] = R"(
a9bc7bfd                           ; stp x29, x30, [sp, #-64]!
910003fd                           ; mov x29, sp
a90153f3                           ; stp x19, x20, [sp, #16]
aa0003f3                           ; mov x19, x0
a9025bf5                           ; stp x21, x22, [sp, #32]
97fff8af{*:bl}                     ; bl ThreadId::GetCurrentThreadId
b9403661{lazy:imm12*4}             ; ldr w1, [x19, #52]
6b01001f                           ; cmp w0, w1
f9402a60{tm_isolate:imm12*8}       ; ldr x0, [x19, #80]
54000a80{*:imm19}                  ; b.eq +0x174
d29c3c02{iso_break_access:imm16}   ; mov x2, #0xe1e0
f9001fe0                           ; str x0, [sp, #56]
8b020000                           ; add x0, x0, x2
943d6d93{rmutex_lock:bl}           ; bl base::RecursiveMutex::Lock
b9403660{lazy:imm12*4}             ; ldr w0, [x19, #52]
3100041f                           ; cmn w0, #0x1
540007c1{*:imm19}                  ; b.ne +0x138
f9402a60{tm_isolate:imm12*8}       ; ldr x0, [x19, #80]
97ff862a{find_per_thread:bl}       ; bl Isolate::FindPerThreadDataForThisThread
aa0003f4                           ; mov x20, x0
b40007a0{*:imm19}                  ; cbz x0, +0x144
f9400c15{pt_state:imm12*8}         ; ldr x21, [x0, #24]
b4000775{*:imm19}                  ; cbz x21, +0x144
f9402a60{tm_isolate:imm12*8}       ; ldr x0, [x19, #80]
52800036                           ; mov w22, #0x1
f94006a1{state_data:imm12*8}       ; ldr x1, [x21, #8]
91402000{iso_hsi+:imm12<<12}       ; add x0, x0, #0x8, lsl #12
f971e400{iso_hsi:imm12*8}          ; ldr x0, [x0, #25544]
97fa2d58{hsi_restore:bl}           ; bl HandleScopeImplementer::RestoreThread
aa0003e1                           ; mov x1, x0
f9402a60{tm_isolate:imm12*8}       ; ldr x0, [x19, #80]
97ff963d{isolate_restore:bl}       ; bl Isolate::RestoreThread
aa0003e1                           ; mov x1, x0
f9402a60{tm_isolate:imm12*8}       ; ldr x0, [x19, #80]
940c1e22{reloc_restore:bl}         ; bl Relocatable::RestoreState
aa0003e1                           ; mov x1, x0
f9402a62{tm_isolate:imm12*8}       ; ldr x2, [x19, #80]
91002040{iso_stack_guard:imm12}    ; add x0, x2, #0x8
97fff3d6{sg_restore:bl}            ; bl StackGuard::RestoreStackGuard
aa0003e1                           ; mov x1, x0
f9402a62{tm_isolate:imm12*8}       ; ldr x2, [x19, #80]
91402042{iso_debug+:imm12<<12}     ; add x2, x2, #0x8, lsl #12
f9730440{iso_debug:imm12*8}        ; ldr x0, [x2, #26120]
97fe0dad{debug_restore:bl}         ; bl Debug::RestoreDebug
aa0003e1                           ; mov x1, x0
f9402a62{tm_isolate:imm12*8}       ; ldr x2, [x19, #80]
91402042{iso_regexp+:imm12<<12}    ; add x2, x2, #0x8, lsl #12
f9721840{iso_regexp:imm12*8}       ; ldr x0, [x2, #25648]
94110058{regexp_restore:bl}        ; bl RegExpStack::RestoreStack
aa0003e1                           ; mov x1, x0
f9402a62{tm_isolate:imm12*8}       ; ldr x2, [x19, #80]
91402042{iso_boot+:imm12<<12}      ; add x2, x2, #0x8, lsl #12
f970dc40{iso_boot:imm12*8}         ; ldr x0, [x2, #25016]
940535a3{boot_restore:bl}          ; bl Bootstrapper::RestoreState
f9000e9f{pt_state:imm12*8}         ; str xzr, [x20, #24]
12800000                           ; mov w0, #0xffffffff
b90002a0                           ; str w0, [x21]
f9400aa1                           ; ldr x1, [x21, #16]
f9400ea0                           ; ldr x0, [x21, #24]
f9000c20                           ; str x0, [x1, #24]
f9400aa1                           ; ldr x1, [x21, #16]
f9000801                           ; str x1, [x0, #16]
f94012a0                           ; ldr x0, [x21, #32]
f9402000{tm_free:imm12*8}          ; ldr x0, [x0, #64]
f9400801                           ; ldr x1, [x0, #16]
a90102a1                           ; stp x1, x0, [x21, #16]
f9000815                           ; str x21, [x0, #16]
f9400aa0                           ; ldr x0, [x21, #16]
f9000c15                           ; str x21, [x0, #24]
)";

inline const char kEagerlyArchiveThreadGcc[] = R"(
a9be7bfd                           ; stp x29, x30, [sp, #-32]!
910003fd                           ; mov x29, sp
f9000bf3                           ; str x19, [sp, #16]
aa0003f3                           ; mov x19, x0
f9401c00{tm_lazy_state:imm12*8}    ; ldr x0, [x0, #56]
f9401001                           ; ldr x1, [x0, #32]
f9402421{tm_in_use:imm12*8}        ; ldr x1, [x1, #72]
f9400822                           ; ldr x2, [x1, #16]
a9010402                           ; stp x2, x1, [x0, #16]
f9000820                           ; str x0, [x1, #16]
f9400801                           ; ldr x1, [x0, #16]
f9000c20                           ; str x0, [x1, #24]
f9402a62{tm_isolate:imm12*8}       ; ldr x2, [x19, #80]
f9400401{state_data:imm12*8}       ; ldr x1, [x0, #8]
91402040{iso_hsi+:imm12<<12}       ; add x0, x2, #0x8, lsl #12
f971e400{iso_hsi:imm12*8}          ; ldr x0, [x0, #25544]
97fa2d68{hsi_archive:bl}           ; bl HandleScopeImplementer::ArchiveThread
aa0003e1                           ; mov x1, x0
f9402a60{tm_isolate:imm12*8}       ; ldr x0, [x19, #80]
97ff966d{isolate_archive:bl}       ; bl Isolate::ArchiveThread
aa0003e1                           ; mov x1, x0
f9402a60{tm_isolate:imm12*8}       ; ldr x0, [x19, #80]
940c1e56{reloc_archive:bl}         ; bl Relocatable::ArchiveState
aa0003e1                           ; mov x1, x0
f9402a62{tm_isolate:imm12*8}       ; ldr x2, [x19, #80]
91002040{iso_stack_guard:imm12}    ; add x0, x2, #0x8
97fff3f2{sg_archive:bl}            ; bl StackGuard::ArchiveStackGuard
aa0003e1                           ; mov x1, x0
f9402a62{tm_isolate:imm12*8}       ; ldr x2, [x19, #80]
91402042{iso_debug+:imm12<<12}     ; add x2, x2, #0x8, lsl #12
f9730440{iso_debug:imm12*8}        ; ldr x0, [x2, #26120]
97fdea8d{debug_archive:bl}         ; bl Debug::ArchiveDebug
aa0003e1                           ; mov x1, x0
f9402a62{tm_isolate:imm12*8}       ; ldr x2, [x19, #80]
91402042{iso_regexp+:imm12<<12}    ; add x2, x2, #0x8, lsl #12
f9721840{iso_regexp:imm12*8}       ; ldr x0, [x2, #25648]
9410ffd4{regexp_archive:bl}        ; bl RegExpStack::ArchiveStack
aa0003e1                           ; mov x1, x0
f9402a62{tm_isolate:imm12*8}       ; ldr x2, [x19, #80]
91402042{iso_boot+:imm12<<12}      ; add x2, x2, #0x8, lsl #12
f970dc40{iso_boot:imm12*8}         ; ldr x0, [x2, #25016]
940535d7{boot_archive:bl}          ; bl Bootstrapper::ArchiveState
f9001e7f{tm_lazy_state:imm12*8}    ; str xzr, [x19, #56]
12800000                           ; mov w0, #0xffffffff
b9003660{lazy:imm12*4}             ; str w0, [x19, #52]
)";

inline const char kUnlockerDestructorGcc[] = R"(
a9be7bfd                           ; stp x29, x30, [sp, #-32]!
910003fd                           ; mov x29, sp
a90153f3                           ; stp x19, x20, [sp, #16]
aa0003f3                           ; mov x19, x0
f9400000                           ; ldr x0, [x0]
91402000{iso_tm+:imm12<<12}        ; add x0, x0, #0x8, lsl #12
f9720014{iso_tm:imm12*8}           ; ldr x20, [x0, #25600]
aa1403e0                           ; mov x0, x20
943d6cfc{mutex_lock:bl}            ; bl base::Mutex::Lock
9100c294{tm_owner:imm12}           ; add x20, x20, #0x30
97fff836{*:bl}                     ; bl ThreadId::GetCurrentThreadId
b9000280                           ; str w0, [x20]
f9400260                           ; ldr x0, [x19]
a94153f3                           ; ldp x19, x20, [sp, #16]
91402000{iso_tm+:imm12<<12}        ; add x0, x0, #0x8, lsl #12
a8c27bfd                           ; ldp x29, x30, [sp], #32
f9720000{iso_tm:imm12*8}           ; ldr x0, [x0, #25600]
17ffff7b{restore_thread:b}         ; b ThreadManager::RestoreThread
)";

// V8 14.6 (Node 26), which the Node project builds with clang. RestoreThread
// inlines EagerlyArchiveThread; the match follows the branches around it
// (and around the path of a thread that only re-locks) to the restore.
inline const char kRestoreThreadV8_14_6[] = R"(
d10103ff                           ; sub sp, sp, #0x40
a9017bfd                           ; stp x29, x30, [sp, #16]
a90257f6                           ; stp x22, x21, [sp, #32]
a9034ff4                           ; stp x20, x19, [sp, #48]
910043fd                           ; add x29, sp, #0x10
aa0003f3                           ; mov x19, x0
97fff9fd{*:bl}                     ; bl ThreadId::GetCurrentThreadId
b9400e68{lazy:imm12*4}             ; ldr w8, [x19, #12]
6b00011f                           ; cmp w8, w0
54000301{>:imm19}                  ; b.ne +0x84
f9401675{tm_isolate:imm12*8}       ; ldr x21, [x19, #40]
914042a8{iso_break_access+:imm12<<12} ; add x8, x21, #0x10, lsl #12
f90007f5                           ; str x21, [sp, #8]
91008100{iso_break_access:imm12}   ; add x0, x8, #0x20
94631742{rmutex_lock:bl}           ; bl base::RecursiveMutex::Lock
b9400e68{lazy:imm12*4}             ; ldr w8, [x19, #12]
3100051f                           ; cmn w8, #0x1
540005e0{>:imm19}                  ; b.eq +0x15c
f9401660{tm_isolate:imm12*8}       ; ldr x0, [x19, #40]
97ff6c66{find_per_thread:bl}       ; bl Isolate::FindPerThreadDataForThisThread
b40006e0{*:imm19}                  ; cbz x0, +0x240
f9400c16{pt_state:imm12*8}         ; ldr x22, [x0, #24]
aa0003f4                           ; mov x20, x0
b4000696{*:imm19}                  ; cbz x22, +0x240
f9401668{tm_isolate:imm12*8}       ; ldr x8, [x19, #40]
f94006c1{state_data:imm12*8}       ; ldr x1, [x22, #8]
91404109{iso_hsi+:imm12<<12}       ; add x9, x8, #0x10, lsl #12
f9405920{iso_hsi:imm12*8}          ; ldr x0, [x9, #176]
97f9dbd7{hsi_restore:bl}           ; bl HandleScopeImplementer::RestoreThread
f9401668{tm_isolate:imm12*8}       ; ldr x8, [x19, #40]
aa0003e1                           ; mov x1, x0
aa0803e0                           ; mov x0, x8
97ff9157{isolate_restore:bl}       ; bl Isolate::RestoreThread
f9401668{tm_isolate:imm12*8}       ; ldr x8, [x19, #40]
aa0003e1                           ; mov x1, x0
aa0803e0                           ; mov x0, x8
940efc8e{reloc_restore:bl}         ; bl Relocatable::RestoreState
f9401668{tm_isolate:imm12*8}       ; ldr x8, [x19, #40]
aa0003e1                           ; mov x1, x0
91002100{iso_stack_guard:imm12}    ; add x0, x8, #0x8
97fff5a5{sg_restore:bl}            ; bl StackGuard::RestoreStackGuard
f9401668{tm_isolate:imm12*8}       ; ldr x8, [x19, #40]
aa0003e1                           ; mov x1, x0
91404109{iso_debug+:imm12<<12}     ; add x9, x8, #0x10, lsl #12
f941ad28{iso_debug:imm12*8}        ; ldr x8, [x9, #856]
aa0803e0                           ; mov x0, x8
97fd7ef8{debug_restore:bl}         ; bl Debug::RestoreDebug
f9401668{tm_isolate:imm12*8}       ; ldr x8, [x19, #40]
aa0003e1                           ; mov x1, x0
91404109{iso_regexp+:imm12<<12}    ; add x9, x8, #0x10, lsl #12
f940c528{iso_regexp:imm12*8}       ; ldr x8, [x9, #392]
aa0803e0                           ; mov x0, x8
94136bdd{regexp_restore:bl}        ; bl RegExpStack::RestoreStack
f9401668{tm_isolate:imm12*8}       ; ldr x8, [x19, #40]
529fff09{iso_boot:imm16}           ; mov w9, #0xfff8
aa0003e1                           ; mov x1, x0
f8696908                           ; ldr x8, [x8, x9]
aa0803e0                           ; mov x0, x8
940604bd{boot_restore:bl}          ; bl Bootstrapper::RestoreState
f9000e9f{pt_state:imm12*8}         ; str xzr, [x20, #24]
12800008                           ; mov w8, #0xffffffff
52800033                           ; mov w19, #0x1
a94126ca                           ; ldp x10, x9, [x22, #16]
b90002c8                           ; str w8, [x22]
f9000d49                           ; str x9, [x10, #24]
f9400ac8                           ; ldr x8, [x22, #16]
f9000928                           ; str x8, [x9, #16]
f94012c8                           ; ldr x8, [x22, #32]
f9400d08{tm_free:imm12*8}          ; ldr x8, [x8, #24]
f9400909                           ; ldr x9, [x8, #16]
a90122c9                           ; stp x9, x8, [x22, #16]
f9000916                           ; str x22, [x8, #16]
f9400ac8                           ; ldr x8, [x22, #16]
f9000d16                           ; str x22, [x8, #24]
)";

inline const char kEagerlyArchiveThreadV8_14_6[] = R"(
a9be7bfd                           ; stp x29, x30, [sp, #-32]!
f9000bf3                           ; str x19, [sp, #16]
910003fd                           ; mov x29, sp
f9400809{tm_lazy_state:imm12*8}    ; ldr x9, [x0, #16]
52801608{iso_hsi+:imm16}           ; mov w8, #0xb0
aa0003f3                           ; mov x19, x0
72a00028{iso_hsi+:imm16<<16}       ; movk w8, #0x1, lsl #16
f940112a                           ; ldr x10, [x9, #32]
f940114a{tm_in_use:imm12*8}        ; ldr x10, [x10, #32]
f940094b                           ; ldr x11, [x10, #16]
a901292b                           ; stp x11, x10, [x9, #16]
f9000949                           ; str x9, [x10, #16]
f940092a                           ; ldr x10, [x9, #16]
f9000d49                           ; str x9, [x10, #24]
f940140a{tm_isolate:imm12*8}       ; ldr x10, [x0, #40]
f9400521{state_data:imm12*8}       ; ldr x1, [x9, #8]
f8686940{iso_hsi:sum}              ; ldr x0, [x10, x8]
97f9da7a{hsi_archive:bl}           ; bl HandleScopeImplementer::ArchiveThread
f9401668{tm_isolate:imm12*8}       ; ldr x8, [x19, #40]
aa0003e1                           ; mov x1, x0
aa0803e0                           ; mov x0, x8
97ff8ffd{isolate_archive:bl}       ; bl Isolate::ArchiveThread
f9401668{tm_isolate:imm12*8}       ; ldr x8, [x19, #40]
aa0003e1                           ; mov x1, x0
aa0803e0                           ; mov x0, x8
940efb4d{reloc_archive:bl}         ; bl Relocatable::ArchiveState
f9401668{tm_isolate:imm12*8}       ; ldr x8, [x19, #40]
aa0003e1                           ; mov x1, x0
91002100{iso_stack_guard:imm12}    ; add x0, x8, #0x8
97fff44b{sg_archive:bl}            ; bl StackGuard::ArchiveStackGuard
f9401668{tm_isolate:imm12*8}       ; ldr x8, [x19, #40]
aa0003e1                           ; mov x1, x0
91404109{iso_debug+:imm12<<12}     ; add x9, x8, #0x10, lsl #12
f941ad28{iso_debug:imm12*8}        ; ldr x8, [x9, #856]
aa0803e0                           ; mov x0, x8
97fd7dad{debug_archive:bl}         ; bl Debug::ArchiveDebug
f9401668{tm_isolate:imm12*8}       ; ldr x8, [x19, #40]
aa0003e1                           ; mov x1, x0
91404109{iso_regexp+:imm12<<12}    ; add x9, x8, #0x10, lsl #12
f940c528{iso_regexp:imm12*8}       ; ldr x8, [x9, #392]
aa0803e0                           ; mov x0, x8
94136a02{regexp_archive:bl}        ; bl RegExpStack::ArchiveStack
f9401668{tm_isolate:imm12*8}       ; ldr x8, [x19, #40]
529fff09{iso_boot:imm16}           ; mov w9, #0xfff8
aa0003e1                           ; mov x1, x0
f8696908                           ; ldr x8, [x8, x9]
aa0803e0                           ; mov x0, x8
9406037e{boot_archive:bl}          ; bl Bootstrapper::ArchiveState
12800008                           ; mov w8, #0xffffffff
b9000e68{lazy:imm12*4}             ; str w8, [x19, #12]
f9000a7f{tm_lazy_state:imm12*8}    ; str xzr, [x19, #16]
)";

inline const char kUnlockerDestructorV8_14_6[] = R"(
a9bd7bfd                           ; stp x29, x30, [sp, #-48]!
f9000bf5                           ; str x21, [sp, #16]
a9024ff4                           ; stp x20, x19, [sp, #32]
910003fd                           ; mov x29, sp
f9400008                           ; ldr x8, [x0]
52802915{iso_tm+:imm16}            ; mov w21, #0x148
aa0003f3                           ; mov x19, x0
72a00035{iso_tm+:imm16<<16}        ; movk w21, #0x1, lsl #16
f8756914{iso_tm:sum}               ; ldr x20, [x8, x21]
aa1403e0                           ; mov x0, x20
9463161b{mutex_lock:bl}            ; bl base::Mutex::Lock
97fff89f{*:bl}                     ; bl ThreadId::GetCurrentThreadId
b9000a80{tm_owner:imm12*4}         ; str w0, [x20, #8]
f9400268                           ; ldr x8, [x19]
f8756900                           ; ldr x0, [x8, x21]
a9424ff4                           ; ldp x20, x19, [sp, #32]
f9400bf5                           ; ldr x21, [sp, #16]
a8c37bfd                           ; ldp x29, x30, [sp], #48
17fffe95{restore_thread:b}         ; b ThreadManager::RestoreThread
)";

inline const ThreadManagerVariant kThreadManagerVariants[] = {
    {"V8 11.3 (Node 20) / 12.4 (Node 22) / 13.6 (Node 24), arm64", kRestoreThreadGcc, kEagerlyArchiveThreadGcc,
     kUnlockerDestructorGcc},
    {"V8 14.6 (Node 26), arm64", kRestoreThreadV8_14_6, kEagerlyArchiveThreadV8_14_6, kUnlockerDestructorV8_14_6},
};

}  // namespace arm64
}  // namespace switchyard

#endif

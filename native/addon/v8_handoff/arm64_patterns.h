// arm64_patterns.h: V8's code as the Node project builds it for AArch64
// (linux-arm64), one entry per V8 build, for the matcher
// (arm64_code_match.h: one instruction word per line, the fields it
// captures or checks in braces, the disassembly in the comment). Discovery
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
inline const char kRestoreThreadGcc[] =
    "a9bc7bfd "                              // stp x29, x30, [sp, #-64]!
    "910003fd "                              // mov x29, sp
    "a90153f3 "                              // stp x19, x20, [sp, #16]
    "aa0003f3 "                              // mov x19, x0
    "a9025bf5 "                              // stp x21, x22, [sp, #32]
    "97fff8af{*:bl} "                        // bl ThreadId::GetCurrentThreadId
    "b9403661{lazy:imm12*4} "                // ldr w1, [x19, #52]
    "6b01001f "                              // cmp w0, w1
    "f9402a60{tm_isolate:imm12*8} "          // ldr x0, [x19, #80]
    "54000a80{*:imm19} "                     // b.eq +0x174
    "d29c3c02{iso_break_access:imm16} "      // mov x2, #0xe1e0
    "f9001fe0 "                              // str x0, [sp, #56]
    "8b020000 "                              // add x0, x0, x2
    "943d6d93{rmutex_lock:bl} "              // bl base::RecursiveMutex::Lock
    "b9403660{lazy:imm12*4} "                // ldr w0, [x19, #52]
    "3100041f "                              // cmn w0, #0x1
    "540007c1{*:imm19} "                     // b.ne +0x138
    "f9402a60{tm_isolate:imm12*8} "          // ldr x0, [x19, #80]
    "97ff862a{find_per_thread:bl} "          // bl Isolate::FindPerThreadDataForThisThread
    "aa0003f4 "                              // mov x20, x0
    "b40007a0{*:imm19} "                     // cbz x0, +0x144
    "f9400c15{pt_state:imm12*8} "            // ldr x21, [x0, #24]
    "b4000775{*:imm19} "                     // cbz x21, +0x144
    "f9402a60{tm_isolate:imm12*8} "          // ldr x0, [x19, #80]
    "52800036 "                              // mov w22, #0x1
    "f94006a1{state_data:imm12*8} "          // ldr x1, [x21, #8]
    "91402000{iso_hsi+:imm12<<12} "          // add x0, x0, #0x8, lsl #12
    "f971e400{iso_hsi:imm12*8} "             // ldr x0, [x0, #25544]
    "97fa2d58{hsi_restore:bl} "              // bl HandleScopeImplementer::RestoreThread
    "aa0003e1 "                              // mov x1, x0
    "f9402a60{tm_isolate:imm12*8} "          // ldr x0, [x19, #80]
    "97ff963d{isolate_restore:bl} "          // bl Isolate::RestoreThread
    "aa0003e1 "                              // mov x1, x0
    "f9402a60{tm_isolate:imm12*8} "          // ldr x0, [x19, #80]
    "940c1e22{reloc_restore:bl} "            // bl Relocatable::RestoreState
    "aa0003e1 "                              // mov x1, x0
    "f9402a62{tm_isolate:imm12*8} "          // ldr x2, [x19, #80]
    "91002040{iso_stack_guard:imm12} "       // add x0, x2, #0x8
    "97fff3d6{sg_restore:bl} "               // bl StackGuard::RestoreStackGuard
    "aa0003e1 "                              // mov x1, x0
    "f9402a62{tm_isolate:imm12*8} "          // ldr x2, [x19, #80]
    "91402042{iso_debug+:imm12<<12} "        // add x2, x2, #0x8, lsl #12
    "f9730440{iso_debug:imm12*8} "           // ldr x0, [x2, #26120]
    "97fe0dad{debug_restore:bl} "            // bl Debug::RestoreDebug
    "aa0003e1 "                              // mov x1, x0
    "f9402a62{tm_isolate:imm12*8} "          // ldr x2, [x19, #80]
    "91402042{iso_regexp+:imm12<<12} "       // add x2, x2, #0x8, lsl #12
    "f9721840{iso_regexp:imm12*8} "          // ldr x0, [x2, #25648]
    "94110058{regexp_restore:bl} "           // bl RegExpStack::RestoreStack
    "aa0003e1 "                              // mov x1, x0
    "f9402a62{tm_isolate:imm12*8} "          // ldr x2, [x19, #80]
    "91402042{iso_boot+:imm12<<12} "         // add x2, x2, #0x8, lsl #12
    "f970dc40{iso_boot:imm12*8} "            // ldr x0, [x2, #25016]
    "940535a3{boot_restore:bl} "             // bl Bootstrapper::RestoreState
    "f9000e9f{pt_state:imm12*8} "            // str xzr, [x20, #24]
    "12800000 "                              // mov w0, #0xffffffff
    "b90002a0 "                              // str w0, [x21]
    "f9400aa1 "                              // ldr x1, [x21, #16]
    "f9400ea0 "                              // ldr x0, [x21, #24]
    "f9000c20 "                              // str x0, [x1, #24]
    "f9400aa1 "                              // ldr x1, [x21, #16]
    "f9000801 "                              // str x1, [x0, #16]
    "f94012a0 "                              // ldr x0, [x21, #32]
    "f9402000{tm_free:imm12*8} "             // ldr x0, [x0, #64]
    "f9400801 "                              // ldr x1, [x0, #16]
    "a90102a1 "                              // stp x1, x0, [x21, #16]
    "f9000815 "                              // str x21, [x0, #16]
    "f9400aa0 "                              // ldr x0, [x21, #16]
    "f9000c15";                              // str x21, [x0, #24]

inline const char kEagerlyArchiveThreadGcc[] =
    "a9be7bfd "                              // stp x29, x30, [sp, #-32]!
    "910003fd "                              // mov x29, sp
    "f9000bf3 "                              // str x19, [sp, #16]
    "aa0003f3 "                              // mov x19, x0
    "f9401c00{tm_lazy_state:imm12*8} "       // ldr x0, [x0, #56]
    "f9401001 "                              // ldr x1, [x0, #32]
    "f9402421{tm_in_use:imm12*8} "           // ldr x1, [x1, #72]
    "f9400822 "                              // ldr x2, [x1, #16]
    "a9010402 "                              // stp x2, x1, [x0, #16]
    "f9000820 "                              // str x0, [x1, #16]
    "f9400801 "                              // ldr x1, [x0, #16]
    "f9000c20 "                              // str x0, [x1, #24]
    "f9402a62{tm_isolate:imm12*8} "          // ldr x2, [x19, #80]
    "f9400401{state_data:imm12*8} "          // ldr x1, [x0, #8]
    "91402040{iso_hsi+:imm12<<12} "          // add x0, x2, #0x8, lsl #12
    "f971e400{iso_hsi:imm12*8} "             // ldr x0, [x0, #25544]
    "97fa2d68{hsi_archive:bl} "              // bl HandleScopeImplementer::ArchiveThread
    "aa0003e1 "                              // mov x1, x0
    "f9402a60{tm_isolate:imm12*8} "          // ldr x0, [x19, #80]
    "97ff966d{isolate_archive:bl} "          // bl Isolate::ArchiveThread
    "aa0003e1 "                              // mov x1, x0
    "f9402a60{tm_isolate:imm12*8} "          // ldr x0, [x19, #80]
    "940c1e56{reloc_archive:bl} "            // bl Relocatable::ArchiveState
    "aa0003e1 "                              // mov x1, x0
    "f9402a62{tm_isolate:imm12*8} "          // ldr x2, [x19, #80]
    "91002040{iso_stack_guard:imm12} "       // add x0, x2, #0x8
    "97fff3f2{sg_archive:bl} "               // bl StackGuard::ArchiveStackGuard
    "aa0003e1 "                              // mov x1, x0
    "f9402a62{tm_isolate:imm12*8} "          // ldr x2, [x19, #80]
    "91402042{iso_debug+:imm12<<12} "        // add x2, x2, #0x8, lsl #12
    "f9730440{iso_debug:imm12*8} "           // ldr x0, [x2, #26120]
    "97fdea8d{debug_archive:bl} "            // bl Debug::ArchiveDebug
    "aa0003e1 "                              // mov x1, x0
    "f9402a62{tm_isolate:imm12*8} "          // ldr x2, [x19, #80]
    "91402042{iso_regexp+:imm12<<12} "       // add x2, x2, #0x8, lsl #12
    "f9721840{iso_regexp:imm12*8} "          // ldr x0, [x2, #25648]
    "9410ffd4{regexp_archive:bl} "           // bl RegExpStack::ArchiveStack
    "aa0003e1 "                              // mov x1, x0
    "f9402a62{tm_isolate:imm12*8} "          // ldr x2, [x19, #80]
    "91402042{iso_boot+:imm12<<12} "         // add x2, x2, #0x8, lsl #12
    "f970dc40{iso_boot:imm12*8} "            // ldr x0, [x2, #25016]
    "940535d7{boot_archive:bl} "             // bl Bootstrapper::ArchiveState
    "f9001e7f{tm_lazy_state:imm12*8} "       // str xzr, [x19, #56]
    "12800000 "                              // mov w0, #0xffffffff
    "b9003660{lazy:imm12*4}";                // str w0, [x19, #52]

inline const char kUnlockerDestructorGcc[] =
    "a9be7bfd "                              // stp x29, x30, [sp, #-32]!
    "910003fd "                              // mov x29, sp
    "a90153f3 "                              // stp x19, x20, [sp, #16]
    "aa0003f3 "                              // mov x19, x0
    "f9400000 "                              // ldr x0, [x0]
    "91402000{iso_tm+:imm12<<12} "           // add x0, x0, #0x8, lsl #12
    "f9720014{iso_tm:imm12*8} "              // ldr x20, [x0, #25600]
    "aa1403e0 "                              // mov x0, x20
    "943d6cfc{mutex_lock:bl} "               // bl base::Mutex::Lock
    "9100c294{tm_owner:imm12} "              // add x20, x20, #0x30
    "97fff836{*:bl} "                        // bl ThreadId::GetCurrentThreadId
    "b9000280 "                              // str w0, [x20]
    "f9400260 "                              // ldr x0, [x19]
    "a94153f3 "                              // ldp x19, x20, [sp, #16]
    "91402000{iso_tm+:imm12<<12} "           // add x0, x0, #0x8, lsl #12
    "a8c27bfd "                              // ldp x29, x30, [sp], #32
    "f9720000{iso_tm:imm12*8} "              // ldr x0, [x0, #25600]
    "17ffff7b{restore_thread:b}";            // b ThreadManager::RestoreThread

// V8 14.6 (Node 26), which the Node project builds with clang. RestoreThread
// inlines EagerlyArchiveThread; the match follows the branches around it
// (and around the path of a thread that only re-locks) to the restore.
inline const char kRestoreThreadV8_14_6[] =
    "d10103ff "                              // sub sp, sp, #0x40
    "a9017bfd "                              // stp x29, x30, [sp, #16]
    "a90257f6 "                              // stp x22, x21, [sp, #32]
    "a9034ff4 "                              // stp x20, x19, [sp, #48]
    "910043fd "                              // add x29, sp, #0x10
    "aa0003f3 "                              // mov x19, x0
    "97fff9fd{*:bl} "                        // bl ThreadId::GetCurrentThreadId
    "b9400e68{lazy:imm12*4} "                // ldr w8, [x19, #12]
    "6b00011f "                              // cmp w8, w0
    "54000301{>:imm19} "                     // b.ne +0x84
    "f9401675{tm_isolate:imm12*8} "          // ldr x21, [x19, #40]
    "914042a8{iso_break_access+:imm12<<12} " // add x8, x21, #0x10, lsl #12
    "f90007f5 "                              // str x21, [sp, #8]
    "91008100{iso_break_access:imm12} "      // add x0, x8, #0x20
    "94631742{rmutex_lock:bl} "              // bl base::RecursiveMutex::Lock
    "b9400e68{lazy:imm12*4} "                // ldr w8, [x19, #12]
    "3100051f "                              // cmn w8, #0x1
    "540005e0{>:imm19} "                     // b.eq +0x15c
    "f9401660{tm_isolate:imm12*8} "          // ldr x0, [x19, #40]
    "97ff6c66{find_per_thread:bl} "          // bl Isolate::FindPerThreadDataForThisThread
    "b40006e0{*:imm19} "                     // cbz x0, +0x240
    "f9400c16{pt_state:imm12*8} "            // ldr x22, [x0, #24]
    "aa0003f4 "                              // mov x20, x0
    "b4000696{*:imm19} "                     // cbz x22, +0x240
    "f9401668{tm_isolate:imm12*8} "          // ldr x8, [x19, #40]
    "f94006c1{state_data:imm12*8} "          // ldr x1, [x22, #8]
    "91404109{iso_hsi+:imm12<<12} "          // add x9, x8, #0x10, lsl #12
    "f9405920{iso_hsi:imm12*8} "             // ldr x0, [x9, #176]
    "97f9dbd7{hsi_restore:bl} "              // bl HandleScopeImplementer::RestoreThread
    "f9401668{tm_isolate:imm12*8} "          // ldr x8, [x19, #40]
    "aa0003e1 "                              // mov x1, x0
    "aa0803e0 "                              // mov x0, x8
    "97ff9157{isolate_restore:bl} "          // bl Isolate::RestoreThread
    "f9401668{tm_isolate:imm12*8} "          // ldr x8, [x19, #40]
    "aa0003e1 "                              // mov x1, x0
    "aa0803e0 "                              // mov x0, x8
    "940efc8e{reloc_restore:bl} "            // bl Relocatable::RestoreState
    "f9401668{tm_isolate:imm12*8} "          // ldr x8, [x19, #40]
    "aa0003e1 "                              // mov x1, x0
    "91002100{iso_stack_guard:imm12} "       // add x0, x8, #0x8
    "97fff5a5{sg_restore:bl} "               // bl StackGuard::RestoreStackGuard
    "f9401668{tm_isolate:imm12*8} "          // ldr x8, [x19, #40]
    "aa0003e1 "                              // mov x1, x0
    "91404109{iso_debug+:imm12<<12} "        // add x9, x8, #0x10, lsl #12
    "f941ad28{iso_debug:imm12*8} "           // ldr x8, [x9, #856]
    "aa0803e0 "                              // mov x0, x8
    "97fd7ef8{debug_restore:bl} "            // bl Debug::RestoreDebug
    "f9401668{tm_isolate:imm12*8} "          // ldr x8, [x19, #40]
    "aa0003e1 "                              // mov x1, x0
    "91404109{iso_regexp+:imm12<<12} "       // add x9, x8, #0x10, lsl #12
    "f940c528{iso_regexp:imm12*8} "          // ldr x8, [x9, #392]
    "aa0803e0 "                              // mov x0, x8
    "94136bdd{regexp_restore:bl} "           // bl RegExpStack::RestoreStack
    "f9401668{tm_isolate:imm12*8} "          // ldr x8, [x19, #40]
    "529fff09{iso_boot:imm16} "              // mov w9, #0xfff8
    "aa0003e1 "                              // mov x1, x0
    "f8696908 "                              // ldr x8, [x8, x9]
    "aa0803e0 "                              // mov x0, x8
    "940604bd{boot_restore:bl} "             // bl Bootstrapper::RestoreState
    "f9000e9f{pt_state:imm12*8} "            // str xzr, [x20, #24]
    "12800008 "                              // mov w8, #0xffffffff
    "52800033 "                              // mov w19, #0x1
    "a94126ca "                              // ldp x10, x9, [x22, #16]
    "b90002c8 "                              // str w8, [x22]
    "f9000d49 "                              // str x9, [x10, #24]
    "f9400ac8 "                              // ldr x8, [x22, #16]
    "f9000928 "                              // str x8, [x9, #16]
    "f94012c8 "                              // ldr x8, [x22, #32]
    "f9400d08{tm_free:imm12*8} "             // ldr x8, [x8, #24]
    "f9400909 "                              // ldr x9, [x8, #16]
    "a90122c9 "                              // stp x9, x8, [x22, #16]
    "f9000916 "                              // str x22, [x8, #16]
    "f9400ac8 "                              // ldr x8, [x22, #16]
    "f9000d16";                              // str x22, [x8, #24]

inline const char kEagerlyArchiveThreadV8_14_6[] =
    "a9be7bfd "                              // stp x29, x30, [sp, #-32]!
    "f9000bf3 "                              // str x19, [sp, #16]
    "910003fd "                              // mov x29, sp
    "f9400809{tm_lazy_state:imm12*8} "       // ldr x9, [x0, #16]
    "52801608{iso_hsi+:imm16} "              // mov w8, #0xb0
    "aa0003f3 "                              // mov x19, x0
    "72a00028{iso_hsi+:imm16<<16} "          // movk w8, #0x1, lsl #16
    "f940112a "                              // ldr x10, [x9, #32]
    "f940114a{tm_in_use:imm12*8} "           // ldr x10, [x10, #32]
    "f940094b "                              // ldr x11, [x10, #16]
    "a901292b "                              // stp x11, x10, [x9, #16]
    "f9000949 "                              // str x9, [x10, #16]
    "f940092a "                              // ldr x10, [x9, #16]
    "f9000d49 "                              // str x9, [x10, #24]
    "f940140a{tm_isolate:imm12*8} "          // ldr x10, [x0, #40]
    "f9400521{state_data:imm12*8} "          // ldr x1, [x9, #8]
    "f8686940{iso_hsi:sum} "                 // ldr x0, [x10, x8]
    "97f9da7a{hsi_archive:bl} "              // bl HandleScopeImplementer::ArchiveThread
    "f9401668{tm_isolate:imm12*8} "          // ldr x8, [x19, #40]
    "aa0003e1 "                              // mov x1, x0
    "aa0803e0 "                              // mov x0, x8
    "97ff8ffd{isolate_archive:bl} "          // bl Isolate::ArchiveThread
    "f9401668{tm_isolate:imm12*8} "          // ldr x8, [x19, #40]
    "aa0003e1 "                              // mov x1, x0
    "aa0803e0 "                              // mov x0, x8
    "940efb4d{reloc_archive:bl} "            // bl Relocatable::ArchiveState
    "f9401668{tm_isolate:imm12*8} "          // ldr x8, [x19, #40]
    "aa0003e1 "                              // mov x1, x0
    "91002100{iso_stack_guard:imm12} "       // add x0, x8, #0x8
    "97fff44b{sg_archive:bl} "               // bl StackGuard::ArchiveStackGuard
    "f9401668{tm_isolate:imm12*8} "          // ldr x8, [x19, #40]
    "aa0003e1 "                              // mov x1, x0
    "91404109{iso_debug+:imm12<<12} "        // add x9, x8, #0x10, lsl #12
    "f941ad28{iso_debug:imm12*8} "           // ldr x8, [x9, #856]
    "aa0803e0 "                              // mov x0, x8
    "97fd7dad{debug_archive:bl} "            // bl Debug::ArchiveDebug
    "f9401668{tm_isolate:imm12*8} "          // ldr x8, [x19, #40]
    "aa0003e1 "                              // mov x1, x0
    "91404109{iso_regexp+:imm12<<12} "       // add x9, x8, #0x10, lsl #12
    "f940c528{iso_regexp:imm12*8} "          // ldr x8, [x9, #392]
    "aa0803e0 "                              // mov x0, x8
    "94136a02{regexp_archive:bl} "           // bl RegExpStack::ArchiveStack
    "f9401668{tm_isolate:imm12*8} "          // ldr x8, [x19, #40]
    "529fff09{iso_boot:imm16} "              // mov w9, #0xfff8
    "aa0003e1 "                              // mov x1, x0
    "f8696908 "                              // ldr x8, [x8, x9]
    "aa0803e0 "                              // mov x0, x8
    "9406037e{boot_archive:bl} "             // bl Bootstrapper::ArchiveState
    "12800008 "                              // mov w8, #0xffffffff
    "b9000e68{lazy:imm12*4} "                // str w8, [x19, #12]
    "f9000a7f{tm_lazy_state:imm12*8}";       // str xzr, [x19, #16]

inline const char kUnlockerDestructorV8_14_6[] =
    "a9bd7bfd "                              // stp x29, x30, [sp, #-48]!
    "f9000bf5 "                              // str x21, [sp, #16]
    "a9024ff4 "                              // stp x20, x19, [sp, #32]
    "910003fd "                              // mov x29, sp
    "f9400008 "                              // ldr x8, [x0]
    "52802915{iso_tm+:imm16} "               // mov w21, #0x148
    "aa0003f3 "                              // mov x19, x0
    "72a00035{iso_tm+:imm16<<16} "           // movk w21, #0x1, lsl #16
    "f8756914{iso_tm:sum} "                  // ldr x20, [x8, x21]
    "aa1403e0 "                              // mov x0, x20
    "9463161b{mutex_lock:bl} "               // bl base::Mutex::Lock
    "97fff89f{*:bl} "                        // bl ThreadId::GetCurrentThreadId
    "b9000a80{tm_owner:imm12*4} "            // str w0, [x20, #8]
    "f9400268 "                              // ldr x8, [x19]
    "f8756900 "                              // ldr x0, [x8, x21]
    "a9424ff4 "                              // ldp x20, x19, [sp, #32]
    "f9400bf5 "                              // ldr x21, [sp, #16]
    "a8c37bfd "                              // ldp x29, x30, [sp], #48
    "17fffe95{restore_thread:b}";            // b ThreadManager::RestoreThread

inline const ThreadManagerVariant kThreadManagerVariants[] = {
    {"V8 11.3 (Node 20) / 12.4 (Node 22) / 13.6 (Node 24), arm64", kRestoreThreadGcc, kEagerlyArchiveThreadGcc,
     kUnlockerDestructorGcc},
    {"V8 14.6 (Node 26), arm64", kRestoreThreadV8_14_6, kEagerlyArchiveThreadV8_14_6, kUnlockerDestructorV8_14_6},
};

// HandleScopeImplementer::ArchiveThread / RestoreThread: copy the isolate's
// HandleScopeData (at iso_hsd, read through the implementer's Isolate*)
// into the implementer's copy at its end, the implementer to the archive,
// reset the live state / the reverse. Exact code, per V8 build; the
// discovery checks that the words at iso_hsd_16 (and iso_hsd_24) are the
// data's next ones.
struct HsiVariant {
  const char* archive;
  const char* restore;
  int32_t size, hsd_in_hsi, hsd_size;
};
inline const HsiVariant kHsiVariants[] = {
    {// V8 11.3 (Node 20): the implementer copied with memcpy
     "a9bd7bfd "                              // stp x29, x30, [sp, #-48]!
     "aa0003e4 "                              // mov x4, x0
     "aa0103e3 "                              // mov x3, x1
     "910003fd "                              // mov x29, sp
     "a90153f3 "                              // stp x19, x20, [sp, #16]
     "aa0003e1 "                              // mov x1, x0
     "aa0003f3 "                              // mov x19, x0
     "a9025bf5 "                              // stp x21, x22, [sp, #32]
     "aa0303e0 "                              // mov x0, x3
     "d29c8003{hsd_base:imm16} "              // mov x3, #0xe400
     "f8478494 "                              // ldr x20, [x4], #120
     "d2801302 "                              // mov x2, #0x98
     "8b030295 "                              // add x21, x20, x3
     "91402294{hsd_hi:imm12<<12} "            // add x20, x20, #0x8, lsl #12
     "a97a9ea6{iso_hsd:imm7*8+hsd_base} "     // ldp x6, x7, [x21, #-88]
     "a9079e66 "                              // stp x6, x7, [x19, #120]
     "a97b9ea6{iso_hsd_16:imm7*8+hsd_base} "  // ldp x6, x7, [x21, #-72]
     "a9011c86 "                              // stp x6, x7, [x4, #16]
     "97f27e7a{memcpy:bl} "                   // bl memcpy
     "f900067f "                              // str xzr, [x19, #8]
     "4f000400 "                              // movi v0.4s, #0x0
     "f900127f "                              // str xzr, [x19, #32]
     "f9001e7f "                              // str xzr, [x19, #56]
     "91026000 "                              // add x0, x0, #0x98
     "f9002a7f "                              // str xzr, [x19, #80]
     "3d800660 "                              // str q0, [x19, #16]
     "3c828260 "                              // stur q0, [x19, #40]
     "3d801260 "                              // str q0, [x19, #64]
     "3c858260 "                              // stur q0, [x19, #88]
     "3c868260 "                              // stur q0, [x19, #104]
     "3c9a82a0{iso_hsd:imm9+hsd_base} "       // stur q0, [x21, #-88]
     "f931de9f{iso_hsd_16:imm12*8+hsd_hi} "   // str xzr, [x20, #25528]
     "f81c02bf{iso_hsd_24:imm9+hsd_base} "    // stur xzr, [x21, #-64]
     "a94153f3 "                              // ldp x19, x20, [sp, #16]
     "a9425bf5 "                              // ldp x21, x22, [sp, #32]
     "a8c37bfd "                              // ldp x29, x30, [sp], #48
     "d65f03c0",                              // ret
     "a9be7bfd "                              // stp x29, x30, [sp, #-32]!
     "d2801302 "                              // mov x2, #0x98
     "910003fd "                              // mov x29, sp
     "a90153f3 "                              // stp x19, x20, [sp, #16]
     "aa0003f3 "                              // mov x19, x0
     "aa0103f4 "                              // mov x20, x1
     "97f27e5a{memcpy:bl} "                   // bl memcpy
     "aa1303e2 "                              // mov x2, x19
     "d29c8003{hsd_base:imm16} "              // mov x3, #0xe400
     "a9479664 "                              // ldp x4, x5, [x19, #120]
     "91026280 "                              // add x0, x20, #0x98
     "f8478441 "                              // ldr x1, [x2], #120
     "8b030021 "                              // add x1, x1, x3
     "a93a9424{iso_hsd:imm7*8+hsd_base} "     // stp x4, x5, [x1, #-88]
     "a9410c42 "                              // ldp x2, x3, [x2, #16]
     "a93b8c22{iso_hsd_16:imm7*8+hsd_base} "  // stp x2, x3, [x1, #-72]
     "a94153f3 "                              // ldp x19, x20, [sp, #16]
     "a8c27bfd "                              // ldp x29, x30, [sp], #32
     "d65f03c0",                              // ret
     0x98, 0x78, 0x20},
    {// V8 12.4 (Node 22)
     "aa0003e4 "                              // mov x4, x0
     "aa0003e2 "                              // mov x2, x0
     "4f000400 "                              // movi v0.4s, #0x0
     "9101e020 "                              // add x0, x1, #0x78
     "f8460483 "                              // ldr x3, [x4], #96
     "91080065{iso_hsd:imm12} "               // add x5, x3, #0x200
     "a9401ca6 "                              // ldp x6, x7, [x5]
     "a9061c46 "                              // stp x6, x7, [x2, #96]
     "f9410865{iso_hsd_16:imm12*8} "          // ldr x5, [x3, #528]
     "f9000885 "                              // str x5, [x4, #16]
     "3dc00041 "                              // ldr q1, [x2]
     "3d800021 "                              // str q1, [x1]
     "3cc08041 "                              // ldur q1, [x2, #8]
     "3c808021 "                              // stur q1, [x1, #8]
     "3cc18041 "                              // ldur q1, [x2, #24]
     "3c818021 "                              // stur q1, [x1, #24]
     "3cc28041 "                              // ldur q1, [x2, #40]
     "3c828021 "                              // stur q1, [x1, #40]
     "3cc38041 "                              // ldur q1, [x2, #56]
     "3c838021 "                              // stur q1, [x1, #56]
     "3cc48041 "                              // ldur q1, [x2, #72]
     "3c848021 "                              // stur q1, [x1, #72]
     "3cc58041 "                              // ldur q1, [x2, #88]
     "3c858021 "                              // stur q1, [x1, #88]
     "3cc68041 "                              // ldur q1, [x2, #104]
     "3c868021 "                              // stur q1, [x1, #104]
     "f900045f "                              // str xzr, [x2, #8]
     "f900105f "                              // str xzr, [x2, #32]
     "f9001c5f "                              // str xzr, [x2, #56]
     "3d800440 "                              // str q0, [x2, #16]
     "3c828040 "                              // stur q0, [x2, #40]
     "ad020040 "                              // stp q0, q0, [x2, #64]
     "3d808060{iso_hsd:imm12*16} "            // str q0, [x3, #512]
     "f901087f{iso_hsd_16:imm12*8} "          // str xzr, [x3, #528]
     "d65f03c0",                              // ret
     "3dc00020 "                              // ldr q0, [x1]
     "aa0003e2 "                              // mov x2, x0
     "aa0003e3 "                              // mov x3, x0
     "9101e020 "                              // add x0, x1, #0x78
     "3d800040 "                              // str q0, [x2]
     "3cc08020 "                              // ldur q0, [x1, #8]
     "3c808040 "                              // stur q0, [x2, #8]
     "3cc18020 "                              // ldur q0, [x1, #24]
     "3c818040 "                              // stur q0, [x2, #24]
     "3cc28020 "                              // ldur q0, [x1, #40]
     "3c828040 "                              // stur q0, [x2, #40]
     "3cc38020 "                              // ldur q0, [x1, #56]
     "3c838040 "                              // stur q0, [x2, #56]
     "3cc48020 "                              // ldur q0, [x1, #72]
     "3c848040 "                              // stur q0, [x2, #72]
     "3cc58020 "                              // ldur q0, [x1, #88]
     "3c858040 "                              // stur q0, [x2, #88]
     "3cc68020 "                              // ldur q0, [x1, #104]
     "3c868040 "                              // stur q0, [x2, #104]
     "f8460461 "                              // ldr x1, [x3], #96
     "a9461444 "                              // ldp x4, x5, [x2, #96]
     "91080021{iso_hsd:imm12} "               // add x1, x1, #0x200
     "a9001424 "                              // stp x4, x5, [x1]
     "f9400862 "                              // ldr x2, [x3, #16]
     "f9000822 "                              // str x2, [x1, #16]
     "d65f03c0",                              // ret
     0x78, 0x60, 0x18},
    {// V8 13.6 (Node 24): also resets a flag byte of the implementer
     "4f000400 "                              // movi v0.4s, #0x0
     "aa0003e3 "                              // mov x3, x0
     "f8468462 "                              // ldr x2, [x3], #104
     "9108c044{iso_hsd:imm12} "               // add x4, x2, #0x230
     "a9401c86 "                              // ldp x6, x7, [x4]
     "a9069c06 "                              // stp x6, x7, [x0, #104]
     "f9412044{iso_hsd_16:imm12*8} "          // ldr x4, [x2, #576]
     "f9000864 "                              // str x4, [x3, #16]
     "3dc00001 "                              // ldr q1, [x0]
     "3d800021 "                              // str q1, [x1]
     "3dc00001 "                              // ldr q1, [x0]
     "3d800021 "                              // str q1, [x1]
     "3dc00401 "                              // ldr q1, [x0, #16]
     "3d800421 "                              // str q1, [x1, #16]
     "3dc00801 "                              // ldr q1, [x0, #32]
     "3d800821 "                              // str q1, [x1, #32]
     "3dc00c01 "                              // ldr q1, [x0, #48]
     "3d800c21 "                              // str q1, [x1, #48]
     "3dc01001 "                              // ldr q1, [x0, #64]
     "3d801021 "                              // str q1, [x1, #64]
     "3dc01401 "                              // ldr q1, [x0, #80]
     "3d801421 "                              // str q1, [x1, #80]
     "3dc01801 "                              // ldr q1, [x0, #96]
     "3d801821 "                              // str q1, [x1, #96]
     "3dc01c01 "                              // ldr q1, [x0, #112]
     "3d801c21 "                              // str q1, [x1, #112]
     "39418003 "                              // ldrb w3, [x0, #96]
     "f900041f "                              // str xzr, [x0, #8]
     "f900101f "                              // str xzr, [x0, #32]
     "f9001c1f "                              // str xzr, [x0, #56]
     "f900281f "                              // str xzr, [x0, #80]
     "3d800400 "                              // str q0, [x0, #16]
     "3c828000 "                              // stur q0, [x0, #40]
     "3d801000 "                              // str q0, [x0, #64]
     "34000043{*:imm19} "                     // cbz w3, +0x90
     "3901801f "                              // strb wzr, [x0, #96]
     "91020020 "                              // add x0, x1, #0x80
     "9108c041{iso_hsd:imm12} "               // add x1, x2, #0x230
     "f901205f{iso_hsd_16:imm12*8} "          // str xzr, [x2, #576]
     "a9007c3f "                              // stp xzr, xzr, [x1]
     "d65f03c0",                              // ret
     "3dc00020 "                              // ldr q0, [x1]
     "aa0003e2 "                              // mov x2, x0
     "91020020 "                              // add x0, x1, #0x80
     "3d800040 "                              // str q0, [x2]
     "3dc00020 "                              // ldr q0, [x1]
     "9e660003 "                              // fmov x3, d0
     "3d800040 "                              // str q0, [x2]
     "3dc00420 "                              // ldr q0, [x1, #16]
     "9108c063{iso_hsd:imm12} "               // add x3, x3, #0x230
     "3d800440 "                              // str q0, [x2, #16]
     "3dc00820 "                              // ldr q0, [x1, #32]
     "3d800840 "                              // str q0, [x2, #32]
     "3dc00c20 "                              // ldr q0, [x1, #48]
     "3d800c40 "                              // str q0, [x2, #48]
     "3dc01020 "                              // ldr q0, [x1, #64]
     "3d801040 "                              // str q0, [x2, #64]
     "3dc01420 "                              // ldr q0, [x1, #80]
     "3d801440 "                              // str q0, [x2, #80]
     "3dc01820 "                              // ldr q0, [x1, #96]
     "3d801840 "                              // str q0, [x2, #96]
     "3dc01c20 "                              // ldr q0, [x1, #112]
     "3d801c40 "                              // str q0, [x2, #112]
     "a9469444 "                              // ldp x4, x5, [x2, #104]
     "a9001464 "                              // stp x4, x5, [x3]
     "f9403c41 "                              // ldr x1, [x2, #120]
     "f9000861 "                              // str x1, [x3, #16]
     "d65f03c0",                              // ret
     0x80, 0x68, 0x18},
    {// V8 14.6 (Node 26, clang)
     "f9400008 "                              // ldr x8, [x0]
     "6f00e400 "                              // movi v0.2d, #0x0
     "3dc08d01{iso_hsd:imm12*16} "            // ldr q1, [x8, #560]
     "f9412109{iso_hsd_16:imm12*8} "          // ldr x9, [x8, #576]
     "3c868001 "                              // stur q1, [x0, #104]
     "3dc00001 "                              // ldr q1, [x0]
     "f9003c09 "                              // str x9, [x0, #120]
     "3d800021 "                              // str q1, [x1]
     "3dc00001 "                              // ldr q1, [x0]
     "3d800021 "                              // str q1, [x1]
     "3dc00401 "                              // ldr q1, [x0, #16]
     "3d800421 "                              // str q1, [x1, #16]
     "3dc00801 "                              // ldr q1, [x0, #32]
     "3d800821 "                              // str q1, [x1, #32]
     "3dc00c01 "                              // ldr q1, [x0, #48]
     "3d800c21 "                              // str q1, [x1, #48]
     "3dc01001 "                              // ldr q1, [x0, #64]
     "3d801021 "                              // str q1, [x1, #64]
     "3dc01401 "                              // ldr q1, [x0, #80]
     "3d801421 "                              // str q1, [x1, #80]
     "3dc01801 "                              // ldr q1, [x0, #96]
     "3d801821 "                              // str q1, [x1, #96]
     "3dc01c01 "                              // ldr q1, [x0, #112]
     "3d801c21 "                              // str q1, [x1, #112]
     "3901801f "                              // strb wzr, [x0, #96]
     "3c808000 "                              // stur q0, [x0, #8]
     "3c818000 "                              // stur q0, [x0, #24]
     "3c828000 "                              // stur q0, [x0, #40]
     "3c838000 "                              // stur q0, [x0, #56]
     "3c848000 "                              // stur q0, [x0, #72]
     "91020020 "                              // add x0, x1, #0x80
     "f901211f{iso_hsd_16:imm12*8} "          // str xzr, [x8, #576]
     "3d808d00{iso_hsd:imm12*16} "            // str q0, [x8, #560]
     "d65f03c0",                              // ret
     "3dc00020 "                              // ldr q0, [x1]
     "3d800000 "                              // str q0, [x0]
     "3dc00020 "                              // ldr q0, [x1]
     "3d800000 "                              // str q0, [x0]
     "9e660009 "                              // fmov x9, d0
     "3dc00421 "                              // ldr q1, [x1, #16]
     "3d800401 "                              // str q1, [x0, #16]
     "3dc00821 "                              // ldr q1, [x1, #32]
     "3d800801 "                              // str q1, [x0, #32]
     "3dc00c21 "                              // ldr q1, [x1, #48]
     "3d800c01 "                              // str q1, [x0, #48]
     "3dc01021 "                              // ldr q1, [x1, #64]
     "3d801001 "                              // str q1, [x0, #64]
     "3dc01421 "                              // ldr q1, [x1, #80]
     "3d801401 "                              // str q1, [x0, #80]
     "3dc01821 "                              // ldr q1, [x1, #96]
     "3d801801 "                              // str q1, [x0, #96]
     "3dc01c21 "                              // ldr q1, [x1, #112]
     "3d801c01 "                              // str q1, [x0, #112]
     "f9403c08 "                              // ldr x8, [x0, #120]
     "3cc68001 "                              // ldur q1, [x0, #104]
     "91020020 "                              // add x0, x1, #0x80
     "f9012128{iso_hsd_16:imm12*8} "          // str x8, [x9, #576]
     "3d808d21{iso_hsd:imm12*16} "            // str q1, [x9, #560]
     "d65f03c0",                              // ret
     0x80, 0x68, 0x18},
};

// StackGuard::ArchiveStackGuard / RestoreStackGuard: under the isolate's
// execution-access lock, copy the ThreadLocal at StackGuard + 8 to the
// archive and reset it / copy it back (the reset's constants, where loaded
// from the literal pool, are not pinned: the hand-off skips the reset).
//
// RequestInterrupt, what any thread calls to interrupt JS: under the same
// lock, unless an InterruptsScope intercepts the flag, it ORs the flag into
// interrupt_flags_ and then stores kInterruptLimit (-2) to jslimit_ and
// climit_ (StackGuard + 0x18, + 0x20; from V8 13 on only jslimit_, the C
// limits are gone). `request` matches it from its start through those
// stores, following the branch to them where the compiler put them apart.
struct StackGuardVariant {
  const char* archive;
  const char* restore;
  int32_t size;
  const char* request;
  bool c_limits;
};
inline const char kRestoreStackGuardV8_12_4[] =
     "a9bd7bfd "                              // stp x29, x30, [sp, #-48]!
     "910003fd "                              // mov x29, sp
     "a90153f3 "                              // stp x19, x20, [sp, #16]
     "aa0103f3 "                              // mov x19, x1
     "aa0003f4 "                              // mov x20, x0
     "f90013f5 "                              // str x21, [sp, #32]
     "f9400015 "                              // ldr x21, [x0]
     "d29d8200{iso_break_access:imm16} "      // mov x0, #0xec10
     "8b0002b5 "                              // add x21, x21, x0
     "aa1503e0 "                              // mov x0, x21
     "944eb3f6{rmutex_lock:bl} "              // bl base::RecursiveMutex::Lock
     "3dc00260 "                              // ldr q0, [x19]
     "aa1503e0 "                              // mov x0, x21
     "3c808280 "                              // stur q0, [x20, #8]
     "3cc08260 "                              // ldur q0, [x19, #8]
     "3d800680 "                              // str q0, [x20, #16]
     "3cc18260 "                              // ldur q0, [x19, #24]
     "3d800a80 "                              // str q0, [x20, #32]
     "3cc28260 "                              // ldur q0, [x19, #40]
     "3d800e80 "                              // str q0, [x20, #48]
     "944eb3f0{rmutex_unlock:bl} "            // bl base::RecursiveMutex::Unlock
     "9100e260 "                              // add x0, x19, #0x38
     "a94153f3 "                              // ldp x19, x20, [sp, #16]
     "f94013f5 "                              // ldr x21, [sp, #32]
     "a8c37bfd "                              // ldp x29, x30, [sp], #48
     "d65f03c0";                              // ret
inline const StackGuardVariant kStackGuardVariants[] = {
    {// V8 11.3 (Node 20)
     "a9bd7bfd "                              // stp x29, x30, [sp, #-48]!
     "910003fd "                              // mov x29, sp
     "a9025bf5 "                              // stp x21, x22, [sp, #32]
     "aa0003f5 "                              // mov x21, x0
     "a90153f3 "                              // stp x19, x20, [sp, #16]
     "aa0003f3 "                              // mov x19, x0
     "aa0103f4 "                              // mov x20, x1
     "f84086b6 "                              // ldr x22, [x21], #8
     "d29c3c00{iso_break_access:imm16} "      // mov x0, #0xe1e0
     "8b0002d6 "                              // add x22, x22, x0
     "aa1603e0 "                              // mov x0, x22
     "943d79b9{rmutex_lock:bl} "              // bl base::RecursiveMutex::Lock
     "a9408660 "                              // ldp x0, x1, [x19, #8]
     "a9000680 "                              // stp x0, x1, [x20]
     "a9410ea2 "                              // ldp x2, x3, [x21, #16]
     "a9010e82 "                              // stp x2, x3, [x20, #16]
     "f000cc21{*:any} "                       // adrp x1, 29c4000
     "a9420ea2 "                              // ldp x2, x3, [x21, #32]
     "a9020e82 "                              // stp x2, x3, [x20, #32]
     "aa1603e0 "                              // mov x0, x22
     "3dc3ec20{*:imm12*16} "                  // ldr q0, [x1, #4016]
     "f900167f "                              // str xzr, [x19, #40]
     "b900327f "                              // str wzr, [x19, #48]
     "3c808260 "                              // stur q0, [x19, #8]
     "3c818260 "                              // stur q0, [x19, #24]
     "943d79af{rmutex_unlock:bl} "            // bl base::RecursiveMutex::Unlock
     "9100c280 "                              // add x0, x20, #0x30
     "a94153f3 "                              // ldp x19, x20, [sp, #16]
     "a9425bf5 "                              // ldp x21, x22, [sp, #32]
     "a8c37bfd "                              // ldp x29, x30, [sp], #48
     "d65f03c0",                              // ret
     "a9bd7bfd "                              // stp x29, x30, [sp, #-48]!
     "910003fd "                              // mov x29, sp
     "a90153f3 "                              // stp x19, x20, [sp, #16]
     "aa0003f4 "                              // mov x20, x0
     "aa0103f3 "                              // mov x19, x1
     "a9025bf5 "                              // stp x21, x22, [sp, #32]
     "aa0003f6 "                              // mov x22, x0
     "d29c3c00{iso_break_access:imm16} "      // mov x0, #0xe1e0
     "f8408695 "                              // ldr x21, [x20], #8
     "8b0002b5 "                              // add x21, x21, x0
     "aa1503e0 "                              // mov x0, x21
     "943d7999{rmutex_lock:bl} "              // bl base::RecursiveMutex::Lock
     "a9400660 "                              // ldp x0, x1, [x19]
     "a90086c0 "                              // stp x0, x1, [x22, #8]
     "a9410e62 "                              // ldp x2, x3, [x19, #16]
     "a9010e82 "                              // stp x2, x3, [x20, #16]
     "aa1503e0 "                              // mov x0, x21
     "a9420e62 "                              // ldp x2, x3, [x19, #32]
     "a9020e82 "                              // stp x2, x3, [x20, #32]
     "943d7995{rmutex_unlock:bl} "            // bl base::RecursiveMutex::Unlock
     "9100c260 "                              // add x0, x19, #0x30
     "a94153f3 "                              // ldp x19, x20, [sp, #16]
     "a9425bf5 "                              // ldp x21, x22, [sp, #32]
     "a8c37bfd "                              // ldp x29, x30, [sp], #48
     "d65f03c0",                              // ret
     0x30,
     "a9bd7bfd "                              // stp x29, x30, [sp, #-48]!
     "d29c3c02{iso_break_access:imm16} "      // mov x2, #0xe1e0
     "910003fd "                              // mov x29, sp
     "a90153f3 "                              // stp x19, x20, [sp, #16]
     "aa0003f3 "                              // mov x19, x0
     "f90013f5 "                              // str x21, [sp, #32]
     "2a0103f5 "                              // mov w21, w1
     "f9400014 "                              // ldr x20, [x0]
     "8b020294 "                              // add x20, x20, x2
     "aa1403e0 "                              // mov x0, x20
     "943d7a56{rmutex_lock:bl} "              // bl base::RecursiveMutex::Lock
     "f9401660{sg_scopes:imm12*8} "           // ldr x0, [x19, #40]
     "b40000a0{*:imm19} "                     // cbz x0, +0x44
     "2a1503e1 "                              // mov w1, w21
     "97ff8032{*:bl} "                        // bl InterruptsScope::Intercept
     "72001c1f "                              // tst w0, #0xff
     "540001a1{*:imm19} "                     // b.ne +0x74
     "b9403261{sg_flags:imm12*4} "            // ldr w1, [x19, #48]
     "91006260 "                              // add x0, x19, #0x18
     "2a150035 "                              // orr w21, w1, w21
     "b9003275{sg_flags:imm12*4} "            // str w21, [x19, #48]
     "92800021 "                              // mov x1, #0xfffffffffffffffe
     "f9000001 "                              // str x1, [x0]
     "91008260 "                              // add x0, x19, #0x20
     "f9000001",                              // str x1, [x0]
     true},
    {// V8 12.4 (Node 22)
     "a9bd7bfd "                              // stp x29, x30, [sp, #-48]!
     "910003fd "                              // mov x29, sp
     "a90153f3 "                              // stp x19, x20, [sp, #16]
     "aa0003f3 "                              // mov x19, x0
     "aa0103f4 "                              // mov x20, x1
     "f90013f5 "                              // str x21, [sp, #32]
     "f9400015 "                              // ldr x21, [x0]
     "d29d8200{iso_break_access:imm16} "      // mov x0, #0xec10
     "8b0002b5 "                              // add x21, x21, x0
     "aa1503e0 "                              // mov x0, x21
     "944eb41a{rmutex_lock:bl} "              // bl base::RecursiveMutex::Lock
     "3cc08261 "                              // ldur q1, [x19, #8]
     "b00127a1{*:any} "                       // adrp x1, 3856000
     "aa1503e0 "                              // mov x0, x21
     "3dc1d820{*:imm12*16} "                  // ldr q0, [x1, #1888]
     "3d800281 "                              // str q1, [x20]
     "3dc00661 "                              // ldr q1, [x19, #16]
     "3c808281 "                              // stur q1, [x20, #8]
     "3dc00a61 "                              // ldr q1, [x19, #32]
     "3c818281 "                              // stur q1, [x20, #24]
     "3dc00e61 "                              // ldr q1, [x19, #48]
     "3c828281 "                              // stur q1, [x20, #40]
     "7900527f "                              // strh wzr, [x19, #40]
     "3900aa7f "                              // strb wzr, [x19, #42]
     "f9001a7f "                              // str xzr, [x19, #48]
     "b9003a7f "                              // str wzr, [x19, #56]
     "3c808260 "                              // stur q0, [x19, #8]
     "3c818260 "                              // stur q0, [x19, #24]
     "944eb40c{rmutex_unlock:bl} "            // bl base::RecursiveMutex::Unlock
     "9100e280 "                              // add x0, x20, #0x38
     "a94153f3 "                              // ldp x19, x20, [sp, #16]
     "f94013f5 "                              // ldr x21, [sp, #32]
     "a8c37bfd "                              // ldp x29, x30, [sp], #48
     "d65f03c0",                              // ret
     kRestoreStackGuardV8_12_4, 0x38,
     "a9bc7bfd "                              // stp x29, x30, [sp, #-64]!
     "910003fd "                              // mov x29, sp
     "a90153f3 "                              // stp x19, x20, [sp, #16]
     "aa0003f3 "                              // mov x19, x0
     "2a0103f4 "                              // mov w20, w1
     "f90013f5 "                              // str x21, [sp, #32]
     "f9400015 "                              // ldr x21, [x0]
     "d29d8200{iso_break_access:imm16} "      // mov x0, #0xec10
     "8b0002b5 "                              // add x21, x21, x0
     "aa1503e0 "                              // mov x0, x21
     "944eb53a{rmutex_lock:bl} "              // bl base::RecursiveMutex::Lock
     "f9401a60{sg_scopes:imm12*8} "           // ldr x0, [x19, #48]
     "b40000a0{*:imm19} "                     // cbz x0, +0x44
     "2a1403e1 "                              // mov w1, w20
     "97ff7de6{*:bl} "                        // bl InterruptsScope::Intercept
     "72001c1f "                              // tst w0, #0xff
     "54000521{*:imm19} "                     // b.ne +0xe4
     "b9403a61{sg_flags:imm12*4} "            // ldr w1, [x19, #56]
     "91006262 "                              // add x2, x19, #0x18
     "91008260 "                              // add x0, x19, #0x20
     "2a010281 "                              // orr w1, w20, w1
     "b9003a61{sg_flags:imm12*4} "            // str w1, [x19, #56]
     "35000501{>:imm19} "                     // cbnz w1, +0xf8
     "92800021 "                              // mov x1, #0xfffffffffffffffe
     "f9000041 "                              // str x1, [x2]
     "f9000001",                              // str x1, [x0]
     true},
    {// V8 13.6 (Node 24): the restore is 12.4's
     "a9bd7bfd "                              // stp x29, x30, [sp, #-48]!
     "910003fd "                              // mov x29, sp
     "a90153f3 "                              // stp x19, x20, [sp, #16]
     "aa0003f3 "                              // mov x19, x0
     "aa0103f4 "                              // mov x20, x1
     "f90013f5 "                              // str x21, [sp, #32]
     "f9400015 "                              // ldr x21, [x0]
     "d29f8c00{iso_break_access:imm16} "      // mov x0, #0xfc60
     "8b0002b5 "                              // add x21, x21, x0
     "aa1503e0 "                              // mov x0, x21
     "94594286{rmutex_lock:bl} "              // bl base::RecursiveMutex::Lock
     "3cc08260 "                              // ldur q0, [x19, #8]
     "928000e1 "                              // mov x1, #0xfffffffffffffff8
     "aa1503e0 "                              // mov x0, x21
     "3d800280 "                              // str q0, [x20]
     "3dc00660 "                              // ldr q0, [x19, #16]
     "3c808280 "                              // stur q0, [x20, #8]
     "3dc00a60 "                              // ldr q0, [x19, #32]
     "3c818280 "                              // stur q0, [x20, #24]
     "3dc00e60 "                              // ldr q0, [x19, #48]
     "3c828280 "                              // stur q0, [x20, #40]
     "f9000661 "                              // str x1, [x19, #8]
     "f9000e61 "                              // str x1, [x19, #24]
     "7900527f "                              // strh wzr, [x19, #40]
     "3900aa7f "                              // strb wzr, [x19, #42]
     "f9001a7f "                              // str xzr, [x19, #48]
     "b9003a7f "                              // str wzr, [x19, #56]
     "9459428d{rmutex_unlock:bl} "            // bl base::RecursiveMutex::Unlock
     "f94013f5 "                              // ldr x21, [sp, #32]
     "9100e280 "                              // add x0, x20, #0x38
     "a94153f3 "                              // ldp x19, x20, [sp, #16]
     "a8c37bfd "                              // ldp x29, x30, [sp], #48
     "d65f03c0",                              // ret
     kRestoreStackGuardV8_12_4, 0x38,
     "a9bc7bfd "                              // stp x29, x30, [sp, #-64]!
     "910003fd "                              // mov x29, sp
     "a90153f3 "                              // stp x19, x20, [sp, #16]
     "aa0003f3 "                              // mov x19, x0
     "2a0103f4 "                              // mov w20, w1
     "f90013f5 "                              // str x21, [sp, #32]
     "f9400015 "                              // ldr x21, [x0]
     "d29f8c00{iso_break_access:imm16} "      // mov x0, #0xfc60
     "8b0002b5 "                              // add x21, x21, x0
     "aa1503e0 "                              // mov x0, x21
     "94594396{rmutex_lock:bl} "              // bl base::RecursiveMutex::Lock
     "f9401a60{sg_scopes:imm12*8} "           // ldr x0, [x19, #48]
     "b40000a0{*:imm19} "                     // cbz x0, +0x44
     "2a1403e1 "                              // mov w1, w20
     "97ff6b2e{*:bl} "                        // bl InterruptsScope::Intercept
     "72001c1f "                              // tst w0, #0xff
     "540004e1{*:imm19} "                     // b.ne +0xdc
     "b9403a61{sg_flags:imm12*4} "            // ldr w1, [x19, #56]
     "91006260 "                              // add x0, x19, #0x18
     "2a010281 "                              // orr w1, w20, w1
     "b9003a61{sg_flags:imm12*4} "            // str w1, [x19, #56]
     "350004e1{>:imm19} "                     // cbnz w1, +0xf0
     "92800021 "                              // mov x1, #0xfffffffffffffffe
     "f9000001",                              // str x1, [x0]
     false},
    {// V8 14.6 (Node 26, clang): jslimit_ = flags ? kInterruptLimit : real_jslimit_
     "a9bd7bfd "                              // stp x29, x30, [sp, #-48]!
     "a90157f6 "                              // stp x22, x21, [sp, #16]
     "a9024ff4 "                              // stp x20, x19, [sp, #32]
     "910003fd "                              // mov x29, sp
     "f9400015 "                              // ldr x21, [x0]
     "52800416{iso_break_access+:imm16} "     // mov w22, #0x20
     "aa0003f4 "                              // mov x20, x0
     "72a00036{iso_break_access+:imm16<<16} " // movk w22, #0x1, lsl #16
     "aa0103f3 "                              // mov x19, x1
     "8b1602a0{iso_break_access:sum} "        // add x0, x21, x22
     "9463216c{rmutex_lock:bl} "              // bl base::RecursiveMutex::Lock
     "3cc08280 "                              // ldur q0, [x20, #8]
     "928000e8 "                              // mov x8, #0xfffffffffffffff8
     "8b1602a0 "                              // add x0, x21, x22
     "3d800260 "                              // str q0, [x19]
     "3dc00680 "                              // ldr q0, [x20, #16]
     "3c808260 "                              // stur q0, [x19, #8]
     "3dc00a80 "                              // ldr q0, [x20, #32]
     "3c818260 "                              // stur q0, [x19, #24]
     "3dc00e80 "                              // ldr q0, [x20, #48]
     "3c828260 "                              // stur q0, [x19, #40]
     "f9000688 "                              // str x8, [x20, #8]
     "f9000e88 "                              // str x8, [x20, #24]
     "7900529f "                              // strh wzr, [x20, #40]
     "3900aa9f "                              // strb wzr, [x20, #42]
     "f9001a9f "                              // str xzr, [x20, #48]
     "b9003a9f "                              // str wzr, [x20, #56]
     "94632173{rmutex_unlock:bl} "            // bl base::RecursiveMutex::Unlock
     "9100e260 "                              // add x0, x19, #0x38
     "a9424ff4 "                              // ldp x20, x19, [sp, #32]
     "a94157f6 "                              // ldp x22, x21, [sp, #16]
     "a8c37bfd "                              // ldp x29, x30, [sp], #48
     "d65f03c0",                              // ret
     "a9bd7bfd "                              // stp x29, x30, [sp, #-48]!
     "a90157f6 "                              // stp x22, x21, [sp, #16]
     "a9024ff4 "                              // stp x20, x19, [sp, #32]
     "910003fd "                              // mov x29, sp
     "f9400015 "                              // ldr x21, [x0]
     "52800416{iso_break_access+:imm16} "     // mov w22, #0x20
     "aa0003f4 "                              // mov x20, x0
     "72a00036{iso_break_access+:imm16<<16} " // movk w22, #0x1, lsl #16
     "aa0103f3 "                              // mov x19, x1
     "8b1602a0{iso_break_access:sum} "        // add x0, x21, x22
     "9463214b{rmutex_lock:bl} "              // bl base::RecursiveMutex::Lock
     "3dc00260 "                              // ldr q0, [x19]
     "8b1602a0 "                              // add x0, x21, x22
     "3c808280 "                              // stur q0, [x20, #8]
     "3cc08260 "                              // ldur q0, [x19, #8]
     "3d800680 "                              // str q0, [x20, #16]
     "3cc18260 "                              // ldur q0, [x19, #24]
     "3d800a80 "                              // str q0, [x20, #32]
     "3cc28260 "                              // ldur q0, [x19, #40]
     "3d800e80 "                              // str q0, [x20, #48]
     "94632159{rmutex_unlock:bl} "            // bl base::RecursiveMutex::Unlock
     "9100e260 "                              // add x0, x19, #0x38
     "a9424ff4 "                              // ldp x20, x19, [sp, #32]
     "a94157f6 "                              // ldp x22, x21, [sp, #16]
     "a8c37bfd "                              // ldp x29, x30, [sp], #48
     "d65f03c0",                              // ret
     0x38,
     "a9bd7bfd "                              // stp x29, x30, [sp, #-48]!
     "a90157f6 "                              // stp x22, x21, [sp, #16]
     "a9024ff4 "                              // stp x20, x19, [sp, #32]
     "910003fd "                              // mov x29, sp
     "f9400015 "                              // ldr x21, [x0]
     "52800416{iso_break_access+:imm16} "     // mov w22, #0x20
     "aa0003f3 "                              // mov x19, x0
     "72a00036{iso_break_access+:imm16<<16} " // movk w22, #0x1, lsl #16
     "2a0103f4 "                              // mov w20, w1
     "8b1602a0{iso_break_access:sum} "        // add x0, x21, x22
     "9463223b{rmutex_lock:bl} "              // bl base::RecursiveMutex::Lock
     "f9401a60{sg_scopes:imm12*8} "           // ldr x0, [x19, #48]
     "b4000080{*:imm19} "                     // cbz x0, +0x40
     "2a1403e1 "                              // mov w1, w20
     "97ff73bd{*:bl} "                        // bl InterruptsScope::Intercept
     "37000300{*:imm14} "                     // tbnz w0, #0, +0x9c
     "b9403a68{sg_flags:imm12*4} "            // ldr w8, [x19, #56]
     "f9400669 "                              // ldr x9, [x19, #8]
     "9280002a "                              // mov x10, #0xfffffffffffffffe
     "2a140108 "                              // orr w8, w8, w20
     "7100011f "                              // cmp w8, #0x0
     "b9003a68{sg_flags:imm12*4} "            // str w8, [x19, #56]
     "9a8a0129 "                              // csel x9, x9, x10, eq
     "5280082a "                              // mov w10, #0x41
     "6a0a011f "                              // tst w8, w10
     "5281ae6a "                              // mov w10, #0xd73
     "f9000e69",                              // str x9, [x19, #24]
     false},
};

// RegExpStack::ArchiveStack: when the live stack is the RegExpStack's static
// one (owns_memory_ 0), it first grows it into a dynamic one (archived
// stacks must not point into the RegExpStack); then a copy of its 0x30-byte
// ThreadLocal to the archive, and a reset to the static stack. Its restore
// is a straight copy. Matched: the owns_memory_ test, and the code its
// branch goes to when set (V8 14.6: where the growing path joins), through
// the ret.
inline const char* const kRegExpArchiveVariants[] = {
    // V8 11.3 (Node 20)
    "a9bc7bfd "                              // stp x29, x30, [sp, #-64]!
    "910003fd "                              // mov x29, sp
    "a90153f3 "                              // stp x19, x20, [sp, #16]
    "aa0003f3 "                              // mov x19, x0
    "aa0103f4 "                              // mov x20, x1
    "3948a000{regexp_owns:imm12} "           // ldrb w0, [x0, #552]
    "35000100{>:imm19} "                     // cbnz w0, +0x38
    "91080261{regexp_tl:imm12} "             // add x1, x19, #0x200
    "d2804003{*:imm16} "                     // mov x3, #0x200
    "91040262{*:imm12} "                     // add x2, x19, #0x100
    "9100c280 "                              // add x0, x20, #0x30
    "a9401424 "                              // ldp x4, x5, [x1]
    "a9001684 "                              // stp x4, x5, [x20]
    "a9411424 "                              // ldp x4, x5, [x1, #16]
    "a9011684 "                              // stp x4, x5, [x20, #16]
    "a9421424 "                              // ldp x4, x5, [x1, #32]
    "a9021684 "                              // stp x4, x5, [x20, #32]
    "91080264{regexp_tl:imm12} "             // add x4, x19, #0x200
    "3908a27f{regexp_owns:imm12} "           // strb wzr, [x19, #552]
    "a9000493 "                              // stp x19, x1, [x4]
    "a9010483 "                              // stp x3, x1, [x4, #16]
    "f9011262{regexp_tl_32:imm12*8} "        // str x2, [x19, #544]
    "a94153f3 "                              // ldp x19, x20, [sp, #16]
    "a8c47bfd "                              // ldp x29, x30, [sp], #64
    "d65f03c0",                              // ret
    // V8 12.4 (Node 22), 13.6 (Node 24)
    "a9bc7bfd "                              // stp x29, x30, [sp, #-64]!
    "910003fd "                              // mov x29, sp
    "a90153f3 "                              // stp x19, x20, [sp, #16]
    "aa0003f3 "                              // mov x19, x0
    "aa0103f4 "                              // mov x20, x1
    "3948a000{regexp_owns:imm12} "           // ldrb w0, [x0, #552]
    "35000100{>:imm19} "                     // cbnz w0, +0x38
    "3dc08260{regexp_tl:imm12*16} "          // ldr q0, [x19, #512]
    "91080264{regexp_tl:imm12} "             // add x4, x19, #0x200
    "91080261{regexp_tl:imm12} "             // add x1, x19, #0x200
    "d2804003{*:imm16} "                     // mov x3, #0x200
    "91040262{*:imm12} "                     // add x2, x19, #0x100
    "9100c280 "                              // add x0, x20, #0x30
    "3d800280 "                              // str q0, [x20]
    "3dc08260{regexp_tl:imm12*16} "          // ldr q0, [x19, #512]
    "3d800280 "                              // str q0, [x20]
    "3dc08660{regexp_tl_16:imm12*16} "       // ldr q0, [x19, #528]
    "3d800680 "                              // str q0, [x20, #16]
    "3dc08a60{regexp_tl_32:imm12*16} "       // ldr q0, [x19, #544]
    "3d800a80 "                              // str q0, [x20, #32]
    "3908a27f{regexp_owns:imm12} "           // strb wzr, [x19, #552]
    "a9000493 "                              // stp x19, x1, [x4]
    "a9010483 "                              // stp x3, x1, [x4, #16]
    "f9011262{regexp_tl_32:imm12*8} "        // str x2, [x19, #544]
    "a94153f3 "                              // ldp x19, x20, [sp, #16]
    "a8c47bfd "                              // ldp x29, x30, [sp], #64
    "d65f03c0",                              // ret
    // V8 14.6 (Node 26, clang)
    "a9be7bfd "                              // stp x29, x30, [sp, #-32]!
    "a9014ff4 "                              // stp x20, x19, [sp, #16]
    "910003fd "                              // mov x29, sp
    "3950a008{regexp_owns:imm12} "           // ldrb w8, [x0, #1064]
    "aa0003f3 "                              // mov x19, x0
    "aa0103f4 "                              // mov x20, x1
    "370000a8{>:imm14} "                     // tbnz w8, #0, +0x2c
    "3dc10260{regexp_tl:imm12*16} "          // ldr q0, [x19, #1024]
    "52808009{*:imm16} "                     // mov w9, #0x400
    "91100268{regexp_tl:imm12} "             // add x8, x19, #0x400
    "9100c280 "                              // add x0, x20, #0x30
    "3d800280 "                              // str q0, [x20]
    "3dc10260{regexp_tl:imm12*16} "          // ldr q0, [x19, #1024]
    "3d800280 "                              // str q0, [x20]
    "3dc10660{regexp_tl_16:imm12*16} "       // ldr q0, [x19, #1040]
    "3d800680 "                              // str q0, [x20, #16]
    "3dc10a60{regexp_tl_32:imm12*16} "       // ldr q0, [x19, #1056]
    "3d800a80 "                              // str q0, [x20, #32]
    "f9020a69{regexp_tl_16:imm12*8} "        // str x9, [x19, #1040]
    "91020269{*:imm12} "                     // add x9, x19, #0x80
    "f9020273{regexp_tl:imm12*8} "           // str x19, [x19, #1024]
    "f9020668{*:imm12*8} "                   // str x8, [x19, #1032]
    "f9020e68{*:imm12*8} "                   // str x8, [x19, #1048]
    "f9021269{regexp_tl_32:imm12*8} "        // str x9, [x19, #1056]
    "3910a27f{regexp_owns:imm12} "           // strb wzr, [x19, #1064]
    "a9414ff4 "                              // ldp x20, x19, [sp, #16]
    "a8c27bfd "                              // ldp x29, x30, [sp], #32
    "d65f03c0",                              // ret
};
inline constexpr int32_t kRegExpThreadLocalSize = 0x30;

// Isolate::Enter begins by pointing the heap's stack start (conservative
// stack scanning) at the calling thread's stack, then, when the isolate is
// already entered on this thread (always so at a fiber switch), only counts
// the entry, which Exit takes back. Where its code begins as here, the
// hand-off calls Heap::SetStackStart itself (see x64_patterns.h): V8 11.3
// and 12.4 pass it the stack start GetStackStart returns, 13.6 and 14.6
// call a Heap::SetStackStart() that reads it itself. Matched from the
// function's start (the TLS offsets of the entry stack are not pinned).
struct IsolateEnterVariant {
  const char* pattern;
  bool passes_start;  // calls set_stack_start(heap, start), else set_stack_start_here(heap)
};
inline const IsolateEnterVariant kIsolateEnterVariants[] = {
    {// V8 11.3 (Node 20)
     "a9bc7bfd "                              // stp x29, x30, [sp, #-64]!
     "910003fd "                              // mov x29, sp
     "a90153f3 "                              // stp x19, x20, [sp, #16]
     "d53bd054 "                              // mrs x20, tpidr_el0
     "91400281{*:imm12<<12} "                 // add x1, x20, #0x0, lsl #12
     "91030021{*:imm12} "                     // add x1, x1, #0xc0
     "a9025bf5 "                              // stp x21, x22, [sp, #32]
     "aa0003f3 "                              // mov x19, x0
     "f9001bf7 "                              // str x23, [sp, #48]
     "f9400036 "                              // ldr x22, [x1]
     "943dccf6{get_stack_start:bl} "          // bl base::Stack::GetStackStart
     "aa0003e1 "                              // mov x1, x0
     "d29a5800{iso_heap:imm16} "              // mov x0, #0xd2c0
     "8b000260 "                              // add x0, x19, x0
     "9402333a{set_stack_start:bl}",          // bl Heap::SetStackStart
     true},
    {// V8 12.4 (Node 22)
     "a9bb7bfd "                              // stp x29, x30, [sp, #-80]!
     "910003fd "                              // mov x29, sp
     "a90153f3 "                              // stp x19, x20, [sp, #16]
     "d53bd054 "                              // mrs x20, tpidr_el0
     "91400281{*:imm12<<12} "                 // add x1, x20, #0x0, lsl #12
     "9103a021{*:imm12} "                     // add x1, x1, #0xe8
     "a90363f7 "                              // stp x23, x24, [sp, #48]
     "aa0003f3 "                              // mov x19, x0
     "f9400037 "                              // ldr x23, [x1]
     "944f03f3{get_stack_start:bl} "          // bl base::Stack::GetStackStart
     "d29bd403{iso_heap:imm16} "              // mov x3, #0xdea0
     "aa0003e1 "                              // mov x1, x0
     "8b030260 "                              // add x0, x19, x3
     "940293cf{set_stack_start:bl}",          // bl Heap::SetStackStart
     true},
    {// V8 13.6 (Node 24)
     "a9ba7bfd "                              // stp x29, x30, [sp, #-96]!
     "d29dff03{iso_heap:imm16} "              // mov x3, #0xeff8
     "910003fd "                              // mov x29, sp
     "a9025bf5 "                              // stp x21, x22, [sp, #32]
     "d53bd055 "                              // mrs x21, tpidr_el0
     "914002a1{*:imm12<<12} "                 // add x1, x21, #0x0, lsl #12
     "91044021{*:imm12} "                     // add x1, x1, #0x110
     "a90153f3 "                              // stp x19, x20, [sp, #16]
     "aa0003f3 "                              // mov x19, x0
     "8b030000 "                              // add x0, x0, x3
     "a90363f7 "                              // stp x23, x24, [sp, #48]
     "f9400036 "                              // ldr x22, [x1]
     "9402eb2c{set_stack_start_here:bl}",     // bl Heap::SetStackStart
     false},
    {// V8 14.6 (Node 26, clang)
     "a9bb7bfd "                              // stp x29, x30, [sp, #-80]!
     "a90167fa "                              // stp x26, x25, [sp, #16]
     "a9025ff8 "                              // stp x24, x23, [sp, #32]
     "a90357f6 "                              // stp x22, x21, [sp, #48]
     "a9044ff4 "                              // stp x20, x19, [sp, #64]
     "910003fd "                              // mov x29, sp
     "d53bd056 "                              // mrs x22, tpidr_el0
     "aa0003f3 "                              // mov x19, x0
     "914002c8{*:imm12<<12} "                 // add x8, x22, #0x0, lsl #12
     "91046115{*:imm12} "                     // add x21, x8, #0x118
     "529ffc08{*:imm16} "                     // mov w8, #0xffe0
     "8b080017 "                              // add x23, x0, x8
     "529e7808{iso_heap:imm16} "              // mov w8, #0xf3c0
     "f94002b8 "                              // ldr x24, [x21]
     "8b080000 "                              // add x0, x0, x8
     "94033154{set_stack_start_here:bl}",     // bl Heap::SetStackStart
     false},
};

}  // namespace arm64
}  // namespace switchyard

#endif

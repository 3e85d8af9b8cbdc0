// handoff_symbols.h: the V8 functions the hand-off calls or reads the code
// of, by the keys its discovery and patterns use (the same on every ISA).
#ifndef SWITCHYARD_ADDON_V8_HANDOFF_HANDOFF_SYMBOLS_H
#define SWITCHYARD_ADDON_V8_HANDOFF_HANDOFF_SYMBOLS_H

#include "v8_symbols.h"

namespace switchyard {

inline const V8Symbol kHandoffSymbols[] = {
    {"archive_thread", "_ZN2v88internal13ThreadManager13ArchiveThreadEv"},
    {"restore_thread", "_ZN2v88internal13ThreadManager13RestoreThreadEv"},
    {"eagerly_archive", "_ZN2v88internal13ThreadManager20EagerlyArchiveThreadEv"},
    {"lock", "_ZN2v88internal13ThreadManager4LockEv"},
    {"unlock", "_ZN2v88internal13ThreadManager6UnlockEv"},
    {"get_free_thread_state", "_ZN2v88internal13ThreadManager18GetFreeThreadStateEv"},
    {"unlocker_dtor", "_ZN2v88UnlockerD2Ev"},
    {"find_per_thread", "_ZN2v88internal7Isolate30FindPerThreadDataForThisThreadEv"},
    {"find_or_allocate_per_thread", "_ZN2v88internal7Isolate40FindOrAllocatePerThreadDataForThisThreadEv"},
    {"hsi_archive", "_ZN2v88internal22HandleScopeImplementer13ArchiveThreadEPc"},
    {"hsi_restore", "_ZN2v88internal22HandleScopeImplementer13RestoreThreadEPc"},
    {"isolate_archive", "_ZN2v88internal7Isolate13ArchiveThreadEPc"},
    {"isolate_restore", "_ZN2v88internal7Isolate13RestoreThreadEPc"},
    {"reloc_archive", "_ZN2v88internal11Relocatable12ArchiveStateEPNS0_7IsolateEPc"},
    {"reloc_restore", "_ZN2v88internal11Relocatable12RestoreStateEPNS0_7IsolateEPc"},
    {"sg_archive", "_ZN2v88internal10StackGuard17ArchiveStackGuardEPc"},
    {"sg_restore", "_ZN2v88internal10StackGuard17RestoreStackGuardEPc"},
    {"debug_archive", "_ZN2v88internal5Debug12ArchiveDebugEPc"},
    {"debug_restore", "_ZN2v88internal5Debug12RestoreDebugEPc"},
    {"regexp_archive", "_ZN2v88internal11RegExpStack12ArchiveStackEPc"},
    {"regexp_restore", "_ZN2v88internal11RegExpStack12RestoreStackEPc"},
    {"boot_archive", "_ZN2v88internal12Bootstrapper12ArchiveStateEPc"},
    {"boot_restore", "_ZN2v88internal12Bootstrapper12RestoreStateEPc"},
    {"rmutex_lock", "_ZN2v84base14RecursiveMutex4LockEv"},
    {"rmutex_unlock", "_ZN2v84base14RecursiveMutex6UnlockEv"},
    {"mutex_lock", "_ZN2v84base5Mutex4LockEv"},
};

// Optional: where found and matched, the hand-off does less.
inline const V8Symbol kOptionalHandoffSymbols[] = {
    {"isolate_enter", "_ZN2v88internal7Isolate5EnterEv"},
    {"get_stack_start", "_ZN2v84base5Stack13GetStackStartEv"},
    {"set_stack_start", "_ZN2v88internal4Heap13SetStackStartEPv"},
    {"set_stack_start_here", "_ZN2v88internal4Heap13SetStackStartEv"},
    {"request_interrupt", "_ZN2v88internal10StackGuard16RequestInterruptENS1_13InterruptFlagE"},
};

}  // namespace switchyard

#endif

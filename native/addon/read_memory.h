// read_memory.h: reading memory whose extent is not known for sure (a V8 or
// Node object probed by content) without ever faulting.
#ifndef SWITCHYARD_ADDON_READ_MEMORY_H
#define SWITCHYARD_ADDON_READ_MEMORY_H

#include <cstddef>
#include <cstdint>

namespace switchyard {

// Copies [address, address + bytes) into `out` (bytes <= 64 KiB) through a
// pipe: the kernel (or qemu-user, which has no process_vm_readv) reports an
// unreadable page as EFAULT instead of faulting. False where any of it is
// unreadable.
bool ReadMemory(uintptr_t address, void* out, size_t bytes);

}  // namespace switchyard

#endif

// main.cc: runs the AArch64 hand-off discovery (discover_handoff_arm64.cc,
// with its pattern tables and straight-copy recognizer) on this machine,
// whatever its ISA, against an arm64 node executable read from its file,
// and prints what it finds. Built and run by scripts/arm64-handoff-check.js,
// which passes the symbol addresses (from nm) and memcpy's PLT entry.
//
//   main <node> <nm output> <memcpy@plt address, hex>
#define SWITCHYARD_HANDOFF_ARM64_ON_HOST 1

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "handoff_ops.h"
#include "v8_symbols.h"

namespace {
const uint8_t* g_file = nullptr;  // the executable's bytes
size_t g_size = 0;
uint64_t g_base = 0;              // the virtual address of its first byte
std::map<std::string, uint64_t> g_symbols;
void* g_memcpy_plt = nullptr;
const void* At(uint64_t address) { return g_file + (address - g_base); }
}  // namespace

// discover_handoff_arm64.cc asks dlsym for memcpy; the code read from the
// file calls it through its PLT entry, which is what it must find.
#define dlsym(handle, name) (g_memcpy_plt)
#include "arm64_code_match.cc"
#include "discover_handoff_arm64.cc"
#include "handoff_ops.cc"
#include "straight_copy_arm64.cc"
#undef dlsym

namespace switchyard {
HandoffOps g_handoff;
namespace arm64 {
// The matcher reads only code: here, the file's bytes.
bool FindCode(const void* address, CodeRegion* region) {
  const auto* a = static_cast<const uint8_t*>(address);
  if (a < g_file || a >= g_file + g_size) return false;
  region->lo = reinterpret_cast<uintptr_t>(g_file);
  region->hi = reinterpret_cast<uintptr_t>(g_file + g_size);
  return true;
}
}  // namespace arm64
bool FindV8Symbols(const V8Symbol* symbols, size_t count, bool required, V8SymbolMap* out, std::string* why) {
  for (size_t i = 0; i < count; i++) {
    auto it = g_symbols.find(symbols[i].mangled);
    (*out)[symbols[i].key] = it == g_symbols.end() ? nullptr : At(it->second);
    if (it == g_symbols.end() && required) {
      *why = std::string("no symbol ") + symbols[i].mangled;
      return false;
    }
  }
  return true;
}
}  // namespace switchyard

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <node> <nm output> <memcpy@plt address>\n", argv[0]);
    return 2;
  }
  const int fd = open(argv[1], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    std::perror(argv[1]);
    return 2;
  }
  g_size = static_cast<size_t>(st.st_size);
  g_file = static_cast<const uint8_t*>(mmap(nullptr, g_size, PROT_READ, MAP_PRIVATE, fd, 0));
  g_base = 0x400000;  // linux-arm64 node: its first PT_LOAD maps file offset 0 there
  std::ifstream nm(argv[2]);
  std::string line;
  while (std::getline(nm, line)) {
    std::istringstream in(line);
    std::string address, type, name;
    if (in >> address >> type >> name) g_symbols[name] = std::stoull(address, nullptr, 16);
  }
  g_memcpy_plt = const_cast<void*>(At(std::stoull(argv[3], nullptr, 16)));
  switchyard::HandoffOps o;
  std::string why;
  if (!switchyard::DiscoverHandoff(&o, &why)) {
    std::printf("locker: %s\n", why.c_str());
    return 1;
  }
  std::printf("direct: %s\n", o.v8_build);
  std::printf("  isolate: thread manager +%#x, handle scopes +%#x, debug +%#x, regexp stack +%#x, bootstrapper +%#x, "
              "execution access +%#x, stack guard +%#x, heap +%#x\n",
              o.iso_tm, o.iso_hsi, o.iso_debug, o.iso_regexp, o.iso_boot, o.iso_break_access, o.iso_stack_guard,
              o.iso_heap);
  std::printf("  thread manager: isolate +%#x, owner +%#x, free list +%#x, in-use list +%#x; per-thread state +%#x, "
              "state data +%#x\n",
              o.tm_isolate, o.tm_owner, o.tm_free_anchor, o.tm_in_use_anchor, o.pt_state, o.state_data);
  std::printf("  inline: handle scopes %#x (+%#x of %#x, data at isolate +%#x), isolate %#x@%#x, relocatable %#x@%#x, "
              "stack guard %#x, debug %#x@%#x, regexp stack %#x@%#x, bootstrapper %#x@%#x\n",
              o.hsi_size, o.hsd_in_hsi, o.hsd_size, o.iso_hsd, o.isolate_part.size, o.isolate_part.offset,
              o.reloc_part.size, o.reloc_part.offset, o.sg_size, o.debug_part.size, o.debug_part.offset,
              o.regexp_part.size, o.regexp_part.offset, o.boot_part.size, o.boot_part.offset);
  std::printf("  lock-free: %s (interrupt scopes +%#x, flags +%#x, C limits %s); heap stack start: %s\n",
              o.sg_flags != 0 ? "yes" : "no", o.sg_scopes, o.sg_flags, o.sg_c_limits ? "yes" : "no",
              o.set_stack_start != nullptr        ? "set with the start"
              : o.set_stack_start_here != nullptr ? "set"
                                                  : "through Isolate::Enter");
  return 0;
}

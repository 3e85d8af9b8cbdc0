// elf_symbols.cc: see elf_symbols.h.
#include "elf_symbols.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

namespace switchyard {

namespace {

#if UINTPTR_MAX == 0xffffffffffffffffu
using Ehdr = Elf64_Ehdr;
using Shdr = Elf64_Shdr;
using Sym = Elf64_Sym;
#else
using Ehdr = Elf32_Ehdr;
using Shdr = Elf32_Shdr;
using Sym = Elf32_Sym;
#endif

// The executable's load bias: 0 for a non-PIE executable (official Node
// builds), the mapping offset for a PIE one. The first object
// dl_iterate_phdr reports is the executable.
int FirstObjectBias(struct dl_phdr_info* info, size_t, void* out) {
  *static_cast<uintptr_t*>(out) = static_cast<uintptr_t>(info->dlpi_addr);
  return 1;
}

// A read-only mapping of a whole file, unmapped when it goes out of scope.
struct MappedFile {
  const uint8_t* data = nullptr;
  size_t size = 0;
  ~MappedFile() {
    if (data != nullptr) munmap(const_cast<uint8_t*>(data), size);
  }
};

bool MapFile(const char* path, MappedFile* out, std::string* error) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = std::string("cannot open ") + path;
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(sizeof(Ehdr))) {
    close(fd);
    *error = std::string(path) + " is too small to be an ELF file";
    return false;
  }
  void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED) {
    *error = std::string("cannot map ") + path;
    return false;
  }
  out->data = static_cast<const uint8_t*>(p);
  out->size = static_cast<size_t>(st.st_size);
  return true;
}

// Longer mangled names are never sought (V8's and Node's are under 200).
constexpr size_t kLongestName = 1024;

bool InFile(const MappedFile& f, uint64_t offset, uint64_t length) {
  return offset <= f.size && length <= f.size - offset;
}

// One pass over the table: the address of each of `names` (0: absent).
bool ScanSymbols(const std::vector<std::string>& names, std::vector<uintptr_t>* addresses, std::string* error) {
  const size_t count = names.size();
  addresses->assign(count, 0);
  MappedFile file;
  if (!MapFile("/proc/self/exe", &file, error)) return false;
  const auto* eh = reinterpret_cast<const Ehdr*>(file.data);
  if (std::memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_shentsize != sizeof(Shdr) ||
      !InFile(file, eh->e_shoff, uint64_t{eh->e_shnum} * sizeof(Shdr))) {
    *error = "the executable is not an ELF file of this word size";
    return false;
  }
  const auto* sections = reinterpret_cast<const Shdr*>(file.data + eh->e_shoff);
  const Shdr* symtab = nullptr;
  for (unsigned i = 0; i < eh->e_shnum; i++) {
    if (sections[i].sh_type == SHT_SYMTAB) symtab = &sections[i];
  }
  if (symtab == nullptr || symtab->sh_link >= eh->e_shnum) {
    *error = "the executable has no .symtab (stripped)";
    return false;
  }
  const Shdr* strtab = &sections[symtab->sh_link];
  if (!InFile(file, symtab->sh_offset, symtab->sh_size) || !InFile(file, strtab->sh_offset, strtab->sh_size)) {
    *error = "the executable's .symtab lies outside the file";
    return false;
  }
  uintptr_t bias = 0;
  dl_iterate_phdr(FirstObjectBias, &bias);

  const auto* syms = reinterpret_cast<const Sym*>(file.data + symtab->sh_offset);
  const size_t nsyms = symtab->sh_size / sizeof(Sym);
  const char* strings = reinterpret_cast<const char*>(file.data + strtab->sh_offset);
  const size_t strings_size = strtab->sh_size;
  // Node's table holds about 185,000 names, most of them sharing long
  // prefixes (_ZN2v88internal...) with the ones sought: comparing each with
  // every name sought cost tens of millions of instructions at start-up.
  // A name is compared only where its length is one of theirs.
  std::vector<bool> sought_length(kLongestName + 1, false);
  for (const std::string& n : names) {
    if (n.size() <= kLongestName) sought_length[n.size()] = true;
  }
  size_t left = count;
  for (size_t s = 0; s < nsyms && left > 0; s++) {
    const Sym& sym = syms[s];
    if (sym.st_value == 0 || sym.st_name >= strings_size || sym.st_shndx == SHN_UNDEF) continue;
    const char* name = strings + sym.st_name;
    const size_t length = strnlen(name, std::min(strings_size - sym.st_name, kLongestName + 1));
    if (length > kLongestName || !sought_length[length]) continue;
    for (size_t i = 0; i < count; i++) {
      if ((*addresses)[i] == 0 && names[i].size() == length && std::memcmp(name, names[i].data(), length) == 0) {
        (*addresses)[i] = bias + static_cast<uintptr_t>(sym.st_value);
        left--;
        break;
      }
    }
  }
  return true;
}

// What every scan so far found (0: absent), and the names announced for
// the next one. The executable does not change while it runs.
std::mutex g_mutex;
std::map<std::string, uintptr_t> g_scanned;
std::vector<std::string> g_expected;

}  // namespace

void ElfExpectSymbols(const char* const* names, size_t count) {
  std::lock_guard<std::mutex> lock(g_mutex);
  for (size_t i = 0; i < count; i++) {
    if (g_scanned.count(names[i]) == 0) g_expected.emplace_back(names[i]);
  }
}

bool ElfFindSymbols(const char* const* names, uintptr_t* addresses, size_t count, std::string* error) {
  std::lock_guard<std::mutex> lock(g_mutex);
  std::vector<std::string> scan;
  for (size_t i = 0; i < count; i++) {
    if (g_scanned.count(names[i]) == 0) scan.emplace_back(names[i]);
  }
  if (!scan.empty()) {
    for (const std::string& n : g_expected) {
      if (g_scanned.count(n) == 0 && std::find(scan.begin(), scan.end(), n) == scan.end()) scan.push_back(n);
    }
    std::vector<uintptr_t> found;
    if (!ScanSymbols(scan, &found, error)) {
      for (size_t i = 0; i < count; i++) addresses[i] = 0;
      return false;
    }
    for (size_t j = 0; j < scan.size(); j++) g_scanned[scan[j]] = found[j];
    g_expected.clear();
  }
  for (size_t i = 0; i < count; i++) addresses[i] = g_scanned[names[i]];
  return true;
}

}  // namespace switchyard

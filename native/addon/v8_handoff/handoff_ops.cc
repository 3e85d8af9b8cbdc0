// handoff_ops.cc: what every ISA's discovery fills in the same way.
#include "handoff_ops.h"

#include <type_traits>

namespace switchyard {

void SetThreadManagerOps(const V8SymbolMap& sym, const std::map<std::string, int32_t>& cap, HandoffOps* ops) {
  HandoffOps& o = *ops;
  auto at = [&](const char* name) {
    auto it = cap.find(name);
    return it != cap.end() ? it->second : 0;
  };
  auto fn = [&](const char* key, auto* out) {
    *out = reinterpret_cast<std::remove_pointer_t<decltype(out)>>(const_cast<void*>(sym.at(key)));
  };
  fn("archive_thread", &o.archive_thread);
  fn("restore_thread", &o.restore_thread);
  fn("lock", &o.lock);
  fn("unlock", &o.unlock);
  fn("get_free_thread_state", &o.get_free_thread_state);
  fn("find_or_allocate_per_thread", &o.find_or_allocate_per_thread);
  fn("hsi_archive", &o.hsi_archive);
  fn("hsi_restore", &o.hsi_restore);
  fn("isolate_archive", &o.isolate_archive);
  fn("isolate_restore", &o.isolate_restore);
  fn("reloc_archive", &o.reloc_archive);
  fn("reloc_restore", &o.reloc_restore);
  fn("sg_archive", &o.sg_archive);
  fn("sg_restore", &o.sg_restore);
  fn("debug_archive", &o.debug_archive);
  fn("debug_restore", &o.debug_restore);
  fn("regexp_archive", &o.regexp_archive);
  fn("regexp_restore", &o.regexp_restore);
  fn("boot_archive", &o.boot_archive);
  fn("boot_restore", &o.boot_restore);
  fn("rmutex_lock", &o.rmutex_lock);
  fn("rmutex_unlock", &o.rmutex_unlock);
  o.iso_tm = at("iso_tm");
  o.iso_hsi = at("iso_hsi");
  o.iso_debug = at("iso_debug");
  o.iso_regexp = at("iso_regexp");
  o.iso_boot = at("iso_boot");
  o.iso_break_access = at("iso_break_access");
  o.iso_stack_guard = at("iso_stack_guard");
  o.tm_isolate = at("tm_isolate");
  o.tm_owner = at("tm_owner");
  o.tm_free_anchor = at("tm_free");
  o.tm_in_use_anchor = at("tm_in_use");
  o.pt_state = at("pt_state");
  o.state_data = at("state_data");
}

}  // namespace switchyard

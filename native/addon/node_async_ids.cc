// node_async_ids.cc: see node_async_ids.h.
#include "node_async_ids.h"

#include <node.h>

#include <cstring>
#include <vector>

#include "elf_symbols.h"
#include "read_memory.h"

namespace switchyard {

namespace {

// How node::AsyncHooks::push_async_context(double async_id, double
// trigger_async_id, <resource>) takes the frame's resource, by the mangled
// name the executable has (the name encodes the signature).
enum class PushFlavor { kLocal, kLocalPointer, kVariant };
struct PushSymbol {
  const char* mangled;
  PushFlavor flavor;
};
constexpr PushSymbol kPushFlavors[] = {
    // Node 20: v8::Local<v8::Object>
    {"_ZN4node10AsyncHooks18push_async_contextEddN2v85LocalINS1_6ObjectEEE", PushFlavor::kLocal},
    // Node 22, 24: v8::Local<v8::Object>*
    {"_ZN4node10AsyncHooks18push_async_contextEddPN2v85LocalINS1_6ObjectEEE", PushFlavor::kLocalPointer},
    // Node 26: std::variant<v8::Local<v8::Object>*, v8::Global<v8::Object>*>
    {"_ZN4node10AsyncHooks18push_async_contextEddSt7variantIJPN2v85LocalINS2_6ObjectEEEPNS2_6GlobalIS4_EEEE",
     PushFlavor::kVariant},
};
constexpr size_t kFlavorCount = sizeof(kPushFlavors) / sizeof(kPushFlavors[0]);
constexpr const char* kPopName = "_ZN4node10AsyncHooks17pop_async_contextEd";  // bool (double)
constexpr const char* kVtableName = "_ZTVN4node10AsyncHooksE";

// std::variant of two pointers as the Itanium C++ ABI passes it by value (it
// is trivially copyable, 16 bytes): the pointer, then the index of the
// alternative, in two registers on x86-64 and AArch64. {nullptr, 0} is an
// empty variant's value: no resource.
struct VariantArgument {
  void* pointer;
  unsigned char index;
};
constexpr unsigned char kVariantGlobal = 1;  // v8::Global<v8::Object>*

using PushLocal = void (*)(void* hooks, double, double, void* local);
using PushLocalPointer = void (*)(void* hooks, double, double, v8::Local<v8::Object>* local);
using PushVariant = void (*)(void* hooks, double, double, VariantArgument resource);
using PopFunction = bool (*)(void* hooks, double);

struct ProcessSymbols {
  uintptr_t push[kFlavorCount] = {};
  uintptr_t pop = 0;
  uintptr_t vtable = 0;
  std::string error;
};

// The names looked up: each push flavor, then pop, then the vtable.
struct SymbolNames {
  const char* names[kFlavorCount + 2];
  SymbolNames() {
    for (size_t i = 0; i < kFlavorCount; i++) names[i] = kPushFlavors[i].mangled;
    names[kFlavorCount] = kPopName;
    names[kFlavorCount + 1] = kVtableName;
  }
};

// Read once per process (environments share the executable).
const ProcessSymbols& Symbols() {
  static const ProcessSymbols symbols = [] {
    ProcessSymbols s;
    const SymbolNames n;
    uintptr_t found[kFlavorCount + 2];
    if (!ElfFindSymbols(n.names, found, kFlavorCount + 2, &s.error)) return s;
    for (size_t i = 0; i < kFlavorCount; i++) s.push[i] = found[i];
    s.pop = found[kFlavorCount];
    s.vtable = found[kFlavorCount + 1];
    return s;
  }();
  return symbols;
}

// Where the word `value` is stored in [start, start + bytes), 0 if nowhere.
uintptr_t FindWord(uintptr_t start, size_t bytes, uintptr_t value) {
  constexpr size_t kChunk = 4096;
  uintptr_t buffer[kChunk / sizeof(uintptr_t)];
  for (size_t done = 0; done < bytes; done += kChunk) {
    if (!ReadMemory(start + done, buffer, kChunk)) return 0;
    for (size_t i = 0; i < kChunk / sizeof(uintptr_t); i++) {
      if (buffer[i] == value) return start + done + i * sizeof(uintptr_t);
    }
  }
  return 0;
}

// A handle whose slot address is stored at `member` (a v8::Global member of
// a Node object), as a Local; V8 is built without direct locals in every
// supported Node, so a Local and a Global are both one slot address.
template <class T>
v8::Local<T> HandleAt(const uintptr_t* member) {
  static_assert(sizeof(v8::Local<T>) == sizeof(uintptr_t), "a Local is one slot address");
  v8::Local<T> local;
  std::memcpy(static_cast<void*>(&local), member, sizeof(local));
  return local;
}

// node::Environment holds its AsyncHooks by value; the Environment object is
// a few KiB on every supported Node.
constexpr size_t kEnvironmentScanBytes = 64 * 1024;
// An AliasedBuffer: vtable pointer, isolate, element count, byte offset,
// buffer, JS array handle, snapshot index. The member after the ids' one is
// the JS array of resources.
constexpr int kWordsToScan = 64;
constexpr int kCountAfterIsolate = 1;
constexpr int kBufferAfterIsolate = 3;
constexpr int kJsArrayAfterIsolate = 4;
constexpr int kNextMemberAfterIsolate = 6;
constexpr uint64_t kIdFieldsCount = 4;  // execution id, trigger id, counter, default trigger id
// Ids no Node process hands out, for the probe.
constexpr double kProbeId = 9007199254740000.0;
constexpr double kProbeTrigger = 9007199254740001.0;

}  // namespace

void NodeAsyncIds::ExpectSymbols() {
  const SymbolNames n;
  ElfExpectSymbols(n.names, kFlavorCount + 2);
}

std::unique_ptr<NodeAsyncIds> NodeAsyncIds::Find(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                                 std::string* why) {
  const ProcessSymbols& s = Symbols();
  if (!s.error.empty()) {
    *why = s.error;
    return nullptr;
  }
  int flavor = -1;
  for (size_t i = 0; i < kFlavorCount; i++) {
    if (s.push[i] != 0) flavor = static_cast<int>(i);
  }
  if (flavor < 0 || s.pop == 0 || s.vtable == 0) {
    *why = "node::AsyncHooks's push_async_context, pop_async_context or vtable is not in the executable's symbol table";
    return nullptr;
  }
  node::Environment* env = node::GetCurrentEnvironment(context);
  if (env == nullptr) {
    *why = "no Node environment in this context";
    return nullptr;
  }
  // A polymorphic object's first word points two words into its vtable
  // (past the offset to top and the type info).
  uintptr_t at = FindWord(reinterpret_cast<uintptr_t>(env), kEnvironmentScanBytes, s.vtable + 2 * sizeof(void*));
  if (at == 0) {
    *why = "node::AsyncHooks not found inside node::Environment";
    return nullptr;
  }
  std::unique_ptr<NodeAsyncIds> ids(new NodeAsyncIds(isolate, reinterpret_cast<void*>(at), flavor, s.push[flavor], s.pop));
  if (!ids->FindFields(why)) return nullptr;
  return ids;
}

bool NodeAsyncIds::FindFields(std::string* why) {
  uintptr_t words[kWordsToScan];
  if (!ReadMemory(reinterpret_cast<uintptr_t>(hooks_), words, sizeof(words))) {
    *why = "node::AsyncHooks is not readable";
    return false;
  }
  const double execution = node::AsyncHooksGetExecutionAsyncId(isolate_);
  const double trigger = node::AsyncHooksGetTriggerAsyncId(isolate_);
  int ids_at = -1;
  std::vector<int> buffers;  // where each AliasedBuffer's isolate word is
  for (int i = 1; i + kNextMemberAfterIsolate < kWordsToScan; i++) {
    if (words[i] != reinterpret_cast<uintptr_t>(isolate_)) continue;
    buffers.push_back(i);
    double head[2];
    if (words[i + kCountAfterIsolate] == kIdFieldsCount &&
        ReadMemory(words[i + kBufferAfterIsolate], head, sizeof(head)) && head[0] == execution &&
        head[1] == trigger) {
      ids_at = i;
    }
  }
  if (ids_at < 0) {
    *why = "node::AsyncHooks's id fields not recognized";
    return false;
  }
  const uintptr_t* member = reinterpret_cast<const uintptr_t*>(hooks_);
  v8::HandleScope scope(isolate_);
  // A Local made from a member that holds a Global: the ids' own JS array
  // shows that this works before the resources' array is trusted.
  v8::Local<v8::Value> ids_array = HandleAt<v8::Value>(member + ids_at + kJsArrayAfterIsolate);
  v8::Local<v8::Value> resources = HandleAt<v8::Value>(member + ids_at + kNextMemberAfterIsolate);
  if (words[ids_at + kJsArrayAfterIsolate] == 0 || words[ids_at + kNextMemberAfterIsolate] == 0 ||
      !ids_array->IsFloat64Array() || ids_array.As<v8::Float64Array>()->Length() != kIdFieldsCount ||
      !resources->IsArray()) {
    *why = "node::AsyncHooks's array of resources not recognized";
    return false;
  }
  id_fields_ = reinterpret_cast<const double*>(words[ids_at + kBufferAfterIsolate]);
  js_resources_ = member + ids_at + kNextMemberAfterIsolate;

  // The stack length is the one counter of an unsigned-int buffer that a
  // push raises by one and the pop puts back; the push must also show as
  // the execution and trigger ids.
  AsyncFrame probe;
  probe.async_id = kProbeId;
  probe.trigger_id = kProbeTrigger;
  probe.resource.Reset(isolate_, v8::Object::New(isolate_));
  for (int at : buffers) {
    const uint64_t count = words[at + kCountAfterIsolate];
    if (at == ids_at || count == 0 || count > 64) continue;
    const auto* counters = reinterpret_cast<const uint32_t*>(words[at + kBufferAfterIsolate]);
    uint32_t before[64], during[64], after[64];
    if (!ReadMemory(reinterpret_cast<uintptr_t>(counters), before, count * sizeof(uint32_t))) continue;
    Push(&probe, true);
    const bool shows = ExecutionId() == kProbeId && TriggerId() == kProbeTrigger &&
                       node::AsyncHooksGetExecutionAsyncId(isolate_) == kProbeId;
    const bool read = ReadMemory(reinterpret_cast<uintptr_t>(counters), during, count * sizeof(uint32_t));
    Pop(kProbeId);
    if (!shows) {
      *why = "a frame pushed through node::AsyncHooks did not show in async_hooks";
      return false;
    }
    if (!read || !ReadMemory(reinterpret_cast<uintptr_t>(counters), after, count * sizeof(uint32_t))) continue;
    int raised = -1, changed = 0;
    for (uint64_t k = 0; k < count; k++) {
      if (during[k] != before[k]) {
        changed++;
        if (during[k] == before[k] + 1 && after[k] == before[k]) raised = static_cast<int>(k);
      }
    }
    if (changed == 1 && raised >= 0) {
      fields_ = counters;
      stack_length_index_ = raised;
    }
  }
  if (fields_ == nullptr || ExecutionId() != execution || TriggerId() != trigger) {
    *why = "node::AsyncHooks's stack length not recognized";
    return false;
  }
  return true;
}

void NodeAsyncIds::PushNative(AsyncFrame* frame) { Push(frame, true); }

void NodeAsyncIds::PushScript(v8::Local<v8::Context> context, AsyncFrame* frame) {
  const uint32_t offset = Depth();
  Push(frame, false);
  v8::Local<v8::Array> resources = HandleAt<v8::Array>(js_resources_);
  // Fails only while execution is being terminated; the frame is then never
  // popped by JS, so a missing entry harms nothing.
  resources->Set(context, offset, frame->resource.Get(isolate_)).FromMaybe(false);
}

v8::MaybeLocal<v8::Object> NodeAsyncIds::ScriptResource(v8::Local<v8::Context> context) const {
  const uint32_t depth = Depth();
  v8::Local<v8::Array> resources = HandleAt<v8::Array>(js_resources_);
  v8::Local<v8::Value> resource;
  if (depth == 0 || depth > resources->Length() || !resources->Get(context, depth - 1).ToLocal(&resource) ||
      !resource->IsObject()) {
    return {};
  }
  return resource.As<v8::Object>();
}

void NodeAsyncIds::Push(AsyncFrame* frame, bool with_resource) {
  const uintptr_t fn = push_;
  switch (kPushFlavors[push_flavor_].flavor) {
    case PushFlavor::kLocal: {
      // the Local by value is the handle slot's address (empty: none)
      void* slot = nullptr;
      if (with_resource) std::memcpy(&slot, static_cast<const void*>(&frame->resource), sizeof(slot));
      reinterpret_cast<PushLocal>(fn)(hooks_, frame->async_id, frame->trigger_id, slot);
      return;
    }
    case PushFlavor::kLocalPointer:
      frame->resource_alias = HandleAt<v8::Object>(reinterpret_cast<const uintptr_t*>(&frame->resource));
      reinterpret_cast<PushLocalPointer>(fn)(hooks_, frame->async_id, frame->trigger_id,
                                             with_resource ? &frame->resource_alias : nullptr);
      return;
    case PushFlavor::kVariant:
      reinterpret_cast<PushVariant>(fn)(hooks_, frame->async_id, frame->trigger_id,
                                        with_resource ? VariantArgument{&frame->resource, kVariantGlobal}
                                                      : VariantArgument{nullptr, 0});
      return;
  }
}

bool NodeAsyncIds::Pop(double async_id) { return reinterpret_cast<PopFunction>(pop_)(hooks_, async_id); }

}  // namespace switchyard

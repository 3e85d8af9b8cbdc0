// node_async_ids.h: Node's per-environment async-id stack (the one
// AsyncResource#runInAsyncScope and MakeCallback push and pop), reached
// through Node's internals, which export no way to pop an arbitrary frame.
//
// Found at run time, never hard-coded:
//   - node::AsyncHooks::push_async_context and pop_async_context by name in
//     the executable's .symtab (elf_symbols.h); the push signature differs
//     per major and the mangled name says which (kPushFlavors);
//   - the environment's AsyncHooks object by its vtable pointer inside the
//     node::Environment;
//   - inside it, by their contents: the AliasedBuffers (each starts with a
//     vtable pointer and the isolate) of the ids (execution and trigger id
//     as async_hooks reports them), of the fields (the one word that a
//     probe push raises by one is the stack length), and the JS array of
//     frame resources that follows the ids.
// Every piece is checked by a probe push and pop before it is used.
#ifndef SWITCHYARD_ADDON_NODE_ASYNC_IDS_H
#define SWITCHYARD_ADDON_NODE_ASYNC_IDS_H

#include <v8.h>

#include <cstdint>
#include <memory>
#include <string>

namespace switchyard {

// One frame of the stack.
struct AsyncFrame {
  double async_id = 0;
  double trigger_id = 0;
  v8::Global<v8::Object> resource;
  // The same handle as `resource`, as the Local that Node 22 and 24 take by
  // address (kept here so the address stays valid while the frame is pushed).
  v8::Local<v8::Object> resource_alias;
};

class NodeAsyncIds {
 public:
  // Announces the symbols Find will look up, so that the executable's
  // symbol table is read once for them and the V8 hand-off's (elf_symbols.h).
  static void ExpectSymbols();
  // nullptr, with *why, where any piece is missing or fails its probe.
  static std::unique_ptr<NodeAsyncIds> Find(v8::Isolate* isolate, v8::Local<v8::Context> context, std::string* why);

  double ExecutionId() const { return id_fields_[0]; }
  double TriggerId() const { return id_fields_[1]; }
  uint32_t Depth() const { return fields_[stack_length_index_]; }

  // Pushes `frame` the way MakeCallback does: Node keeps a reference to its
  // resource (which must stay alive until it is popped), and
  // async_hooks.executionAsyncResource() finds it there.
  void PushNative(AsyncFrame* frame);
  // Pushes `frame` the way AsyncResource#runInAsyncScope does: its resource
  // goes into the JS array of resources, so that the JS side pops it.
  void PushScript(v8::Local<v8::Context> context, AsyncFrame* frame);
  // The resource of the top frame where it was pushed the way
  // runInAsyncScope does; empty otherwise.
  v8::MaybeLocal<v8::Object> ScriptResource(v8::Local<v8::Context> context) const;
  // Pops the top frame, which must have `async_id` (Node's corrupted-stack
  // check). False when the stack is empty afterwards (or was already).
  bool Pop(double async_id);

 private:
  NodeAsyncIds(v8::Isolate* isolate, void* hooks, int push_flavor, uintptr_t push, uintptr_t pop)
      : isolate_(isolate), hooks_(hooks), push_flavor_(push_flavor), push_(push), pop_(pop) {}
  bool FindFields(std::string* why);
  void Push(AsyncFrame* frame, bool with_resource);

  v8::Isolate* isolate_;
  void* hooks_;  // the environment's node::AsyncHooks
  int push_flavor_;
  uintptr_t push_;  // node::AsyncHooks::push_async_context, of that flavor
  uintptr_t pop_;   // node::AsyncHooks::pop_async_context
  const double* id_fields_ = nullptr;      // [execution id, trigger id, ...]
  const uint32_t* fields_ = nullptr;       // counters, the stack length among them
  int stack_length_index_ = -1;
  const uintptr_t* js_resources_ = nullptr;  // the member holding the JS array's handle slot
};

}  // namespace switchyard

#endif

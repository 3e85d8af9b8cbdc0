// async_context.h: every fiber runs in its own async context, the way an
// AsyncResource's callbacks do.
//
// What a fiber carries:
//   - an async id of its own, with the creator's execution id as trigger
//     (node::EmitAsyncInit with a resource object of its own, so init hooks
//     run and, on Node 20/22, AsyncLocalStorage copies the creator's stores
//     onto that resource);
//   - V8's continuation-preserved embedder data (CPED), where Node 24+ keeps
//     AsyncLocalStorage's frame (and Node 22 with
//     --experimental-async-context-frame), as it was when the fiber was
//     created;
//   - the frames it pushed on Node's async-id stack itself (an
//     AsyncResource#runInAsyncScope around a yield), while it is suspended.
//
// Who does what at a switch:
//   - the fiber side, when it wakes (its body starts, or a yield or transfer
//     returns), installs its CPED and pushes its frames onto Node's async-id
//     stack: its own base frame, then those it had pushed itself;
//   - the fiber side, when it leaves (yields, transfers, its body ends),
//     keeps its CPED and pops every frame down to and including its base
//     frame, keeping those above it;
//   - the resumer keeps its own CPED across the resume and puts it back.
// So whoever runs finds the async-id stack and CPED it left, however the
// fibers interleave, and Node's corrupted-stack check never fires.
//
// Node's async-id stack is reached through its internals (node_async_ids.h);
// where that fails only the CPED part works, and Mode() says why.
#ifndef SWITCHYARD_ADDON_ASYNC_CONTEXT_H
#define SWITCHYARD_ADDON_ASYNC_CONTEXT_H

#include <v8.h>

#include <memory>
#include <string>
#include <vector>

#include "node_async_ids.h"

namespace switchyard {

// What V8 keeps in its continuation-preserved embedder data slot (V8 14
// deprecates the v8::Value accessors for v8::Data ones).
#if V8_MAJOR_VERSION >= 14
using CpedData = v8::Data;
#else
using CpedData = v8::Value;
#endif

// A fiber's async context (a member of FiberCore).
struct FiberAsyncContext {
  bool initialized = false;
  AsyncFrame base;                 // the fiber's own frame
  std::vector<AsyncFrame> pushed;  // frames above base while suspended, bottom first
  v8::Global<CpedData> cped;       // its continuation-preserved embedder data
};

class AsyncContextSwitch {
 public:
  // Nothing is looked up here: Node's async-id stack is found the first
  // time it is needed (the first fiber, or Mode()), so that loading the
  // addon costs nothing for it. That never fails: what is not available is
  // left out and named in Mode(). SWITCHYARD_ASYNC_IDS=off leaves the
  // async-id stack alone (tests).
  explicit AsyncContextSwitch(v8::Isolate* isolate) : isolate_(isolate) {}
  ~AsyncContextSwitch() = default;
  AsyncContextSwitch(const AsyncContextSwitch&) = delete;
  AsyncContextSwitch& operator=(const AsyncContextSwitch&) = delete;

  // "ids+cped", "ids" (V8 < 12 has no CPED), or "cped; ids: <why not>".
  const std::string& Mode() {
    Discover();
    return mode_;
  }
  bool SwitchesIds() const { return ids_ != nullptr; }

  // async_hooks.executionAsyncResource, to read the resource of a frame a
  // fiber pushed itself before popping it (lib/native.ts passes it in).
  void SetResourceReader(v8::Local<v8::Function> reader) { reader_.Reset(isolate_, reader); }

  // A new fiber takes the running code's context: a new async id, its CPED.
  void Init(FiberAsyncContext* fiber);
  // The fiber side of a switch: see the file comment. `ending`: the body is
  // over and its frames are dropped, not kept.
  void Enter(FiberAsyncContext* fiber);
  void Leave(FiberAsyncContext* fiber, bool ending);
  // The fiber is finished or gone: destroy hooks for its async id.
  void Destroy(FiberAsyncContext* fiber);

  // The resumer's side: its CPED, kept across the resume.
  v8::Local<CpedData> CurrentCped();
  void RestoreCped(v8::Local<CpedData> cped);

 private:
  // Finds Node's async-id stack for the environment of the current context, once.
  void Discover();
  v8::Local<v8::Object> TopResource();

  v8::Isolate* isolate_;
  std::unique_ptr<NodeAsyncIds> ids_;  // nullptr: async ids are not switched
  v8::Global<v8::Function> reader_;
  bool discovered_ = false;
  std::string mode_;
  v8::Global<v8::String> type_name_;  // of a fiber's async resource, for init hooks
};

}  // namespace switchyard

#endif

// async_context.cc: see async_context.h.
#include "async_context.h"

#include <node.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace switchyard {

namespace {

// V8's CPED slot (V8 < 12 has none: the accessors are never called there).
#if V8_MAJOR_VERSION >= 14
v8::Local<CpedData> GetCped(v8::Isolate* isolate) { return isolate->GetContinuationPreservedEmbedderDataV2(); }
void SetCped(v8::Isolate* isolate, v8::Local<CpedData> data) { isolate->SetContinuationPreservedEmbedderDataV2(data); }
#elif V8_MAJOR_VERSION >= 12
v8::Local<CpedData> GetCped(v8::Isolate* isolate) { return isolate->GetContinuationPreservedEmbedderData(); }
void SetCped(v8::Isolate* isolate, v8::Local<CpedData> data) { isolate->SetContinuationPreservedEmbedderData(data); }
#endif

// A fiber never owns more frames than this; past it Leave stops popping.
constexpr int kMaxFrames = 1 << 16;

}  // namespace

void AsyncContextSwitch::Discover() {
  if (discovered_) return;
  discovered_ = true;
  std::string why;
  const char* setting = std::getenv("SWITCHYARD_ASYNC_IDS");
  if (setting != nullptr && std::strcmp(setting, "off") == 0) {
    why = "SWITCHYARD_ASYNC_IDS=off";
  } else {
    v8::HandleScope scope(isolate_);
    ids_ = NodeAsyncIds::Find(isolate_, isolate_->GetCurrentContext(), &why);
  }
#if V8_MAJOR_VERSION >= 12
  mode_ = ids_ ? "ids+cped" : "cped; ids: " + why;
#else
  mode_ = ids_ ? "ids" : "none; ids: " + why;
#endif
}

// The resource of the top frame, which the fiber's code pushed: from the JS
// array of resources where runInAsyncScope put it, or else (a MakeCallback
// inside the fiber) through async_hooks.executionAsyncResource().
v8::Local<v8::Object> AsyncContextSwitch::TopResource() {
  v8::Local<v8::Context> context = isolate_->GetCurrentContext();
  v8::Local<v8::Object> pushed;
  if (ids_->ScriptResource(context).ToLocal(&pushed)) return pushed;
  if (!reader_.IsEmpty()) {
    v8::Local<v8::Value> resource;
    if (reader_.Get(isolate_)->Call(context, v8::Undefined(isolate_), 0, nullptr).ToLocal(&resource) &&
        resource->IsObject()) {
      return resource.As<v8::Object>();
    }
  }
  return v8::Object::New(isolate_);
}

void AsyncContextSwitch::Init(FiberAsyncContext* fiber) {
  Discover();
  v8::HandleScope scope(isolate_);
  if (ids_ != nullptr) {
    if (type_name_.IsEmpty()) type_name_.Reset(isolate_, v8::String::NewFromUtf8Literal(isolate_, "switchyard.Fiber"));
    v8::Local<v8::Object> resource = v8::Object::New(isolate_);
    // trigger -1: the running code's execution id, as for an AsyncResource
    node::async_context ids = node::EmitAsyncInit(isolate_, resource, type_name_.Get(isolate_), -1);
    fiber->base.async_id = ids.async_id;
    fiber->base.trigger_id = ids.trigger_async_id;
    fiber->base.resource.Reset(isolate_, resource);
  }
#if V8_MAJOR_VERSION >= 12
  fiber->cped.Reset(isolate_, GetCped(isolate_));
#endif
  fiber->initialized = true;
}

void AsyncContextSwitch::Enter(FiberAsyncContext* fiber) {
#if V8_MAJOR_VERSION >= 12
  SetCped(isolate_, fiber->cped.Get(isolate_));
#endif
  if (ids_ == nullptr || !fiber->initialized) return;
  // Its own frame as MakeCallback pushes one (popped by Leave); those its
  // code pushed as that code did (its runInAsyncScope pops them).
  ids_->PushNative(&fiber->base);
  if (fiber->pushed.empty()) return;
  v8::Local<v8::Context> context = isolate_->GetCurrentContext();
  for (AsyncFrame& frame : fiber->pushed) ids_->PushScript(context, &frame);
}

void AsyncContextSwitch::Leave(FiberAsyncContext* fiber, bool ending) {
#if V8_MAJOR_VERSION >= 12
  v8::Local<CpedData> cped = GetCped(isolate_);
  if (fiber->cped != cped) fiber->cped.Reset(isolate_, cped);
#endif
  if (ids_ == nullptr || !fiber->initialized) return;
  // Nearly always its own frame is on top: nothing else to keep.
  if (ids_->ExecutionId() == fiber->base.async_id) {
    ids_->Pop(fiber->base.async_id);
    if (!fiber->pushed.empty()) fiber->pushed.clear();
    return;
  }
  // Frames above the base one are the fiber's own (pushed by its code since
  // it woke): keep them, top first, unless the body is over.
  std::vector<AsyncFrame> above;
  for (int n = 0; n < kMaxFrames; n++) {
    const double id = ids_->ExecutionId();
    if (id == fiber->base.async_id) {
      ids_->Pop(id);
      break;
    }
    if (!ending) {
      above.emplace_back();
      AsyncFrame& frame = above.back();
      frame.async_id = id;
      frame.trigger_id = ids_->TriggerId();
      frame.resource.Reset(isolate_, TopResource());
    }
    if (!ids_->Pop(id)) break;  // the stack is empty: the base frame was not on it
  }
  std::reverse(above.begin(), above.end());
  fiber->pushed = std::move(above);
}

void AsyncContextSwitch::Destroy(FiberAsyncContext* fiber) {
  if (fiber->initialized && ids_ != nullptr) {
    node::EmitAsyncDestroy(isolate_, node::async_context{fiber->base.async_id, fiber->base.trigger_id});
  }
  fiber->base.resource.Reset();
  fiber->pushed.clear();
  fiber->cped.Reset();
  fiber->initialized = false;
}

v8::Local<CpedData> AsyncContextSwitch::CurrentCped() {
#if V8_MAJOR_VERSION >= 12
  return GetCped(isolate_);
#else
  return {};
#endif
}

void AsyncContextSwitch::RestoreCped(v8::Local<CpedData> cped) {
#if V8_MAJOR_VERSION >= 12
  SetCped(isolate_, cped);
#else
  (void)cped;
#endif
}

}  // namespace switchyard

// fiber_binding.cc: the JS surface of fibers (class NativeFiber, yield),
// thin wrappers over FiberRuntime.
//
// The class is a V8 FunctionTemplate, not a Napi::ObjectWrap: resume and
// yield are the hot path of every fiber switch, and ObjectWrap paid for
// napi_unwrap (a private-symbol property lookup through V8's runtime) plus
// N-API's callback wrapper on each call. Here the FiberCore hangs off an
// internal field and the callbacks are plain V8 ones. Lifetime stays with
// N-API (napi_add_finalizer): the same deferred finalizers as ObjectWrap,
// and every fiber is finalized when the environment is torn down.
//
// Errors are thrown with V8 directly: napi_throw inside a non-N-API callback
// would park the exception in the napi_env instead of throwing it.
#include <napi.h>

#include <string>

#include "addon_data.h"
#include "collected_fiber.h"
#include "fiber_core.h"
#include "v8_handoff/stack_limit.h"
#include "v8_handoff/tls_identity.h"
#include "v8_handoff/v8_handoff.h"
#include "v8_bridge.h"

namespace switchyard {

namespace {

struct BindingData;

// What resume, throw and yield hand their one shared callback (Hop), in
// internal field 0 of its data object (read inline, where a v8::External
// costs a call into V8 per hop).
struct HopData {
  BindingData* binding;
  FiberRuntime::Op op;
};

// Per environment; every callback reaches it through its v8::External data.
struct BindingData {
  napi_env env;
  AddonData* data;
  HopData hops[4];  // resume, throw, yield, transfer
};

class NativeFiber {
 public:
  NativeFiber(AddonData* data, FiberCore* core) : data_(data), core_(core) { data_->live_fibers++; }
  ~NativeFiber() {
    if (core_ != nullptr) {
      data_->runtime->Drop(core_);
      delete core_;
    }
    data_->live_fibers--;
    data_->MaybeDelete();
  }
  NativeFiber(const NativeFiber&) = delete;
  NativeFiber& operator=(const NativeFiber&) = delete;

  // N-API runs this after the GC collected the object, from a native
  // immediate on the event loop (or at environment teardown, for objects
  // still alive). A collected suspended fiber is unwound first
  // (collected_fiber.h); if a fiber is running, later.
  static void Finalize(napi_env env, void* p, void*) {
    auto* self = static_cast<NativeFiber*>(p);
    AddonData* data = self->data_;
    FiberCore* core = self->core_;
    if (core != nullptr && ShouldUnwindNow(env, data, core)) {
      DrainDeferred(env, data);
      UnwindCollected(env, data, core);
    } else if (core != nullptr && core->collected() && core->state() == FiberState::kSuspended &&
               !data->tearing_down && data->runtime->current() != nullptr) {
      data->deferred_unwinds.push_back(core);
      self->core_ = nullptr;
    }
    delete self;
  }

  static void DrainDeferred(napi_env env, AddonData* data) {
    while (!data->deferred_unwinds.empty()) {
      FiberCore* core = data->deferred_unwinds.back();
      data->deferred_unwinds.pop_back();
      if (ShouldUnwindNow(env, data, core)) UnwindCollected(env, data, core);
      data->runtime->Drop(core);
      delete core;
    }
  }

  AddonData* data() const { return data_; }
  FiberCore* core() const { return core_; }

 private:
  AddonData* data_;
  FiberCore* core_;
};

inline BindingData* Binding(const v8::FunctionCallbackInfo<v8::Value>& info) {
  return static_cast<BindingData*>(info.Data().As<v8::External>()->Value());
}

v8::Local<v8::String> Str(v8::Isolate* isolate, const char* s) {
  return v8::String::NewFromUtf8(isolate, s).ToLocalChecked();
}

// The typed error for `code`, from the JS error factory (lib/errors.ts).
void ThrowFailure(v8::Isolate* isolate, AddonData* data, FailureCode code, const char* message) {
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Value> args[2] = {Str(isolate, FailureCodeName(code)), Str(isolate, message)};
  if (!data->error_factory.IsEmpty()) {
    v8::Local<v8::Value> factory = ToV8(data->error_factory.Value());
    v8::Local<v8::Value> error;
    if (factory->IsFunction() &&
        factory.As<v8::Function>()->Call(context, v8::Undefined(isolate), 2, args).ToLocal(&error)) {
      isolate->ThrowException(error);
    }
    return;  // or the factory itself threw: that exception is pending
  }
  v8::Local<v8::Value> error = v8::Exception::Error(args[1].As<v8::String>());
  if (error->IsObject()) error.As<v8::Object>()->Set(context, Str(isolate, "code"), args[0]).FromMaybe(false);
  isolate->ThrowException(error);
}

// An Outcome as the callback's result: a return value, a rethrow of the
// original exception (same object, its own stack), or a typed error.
inline void Deliver(const v8::FunctionCallbackInfo<v8::Value>& info, AddonData* data,
                    const Outcome& outcome) {
  v8::Isolate* isolate = info.GetIsolate();
  switch (outcome.kind) {
    case Outcome::kValue:
      info.GetReturnValue().Set(outcome.value);
      return;
    case Outcome::kThrow:
      isolate->ThrowException(outcome.value);
      return;
    case Outcome::kFailure:
      ThrowFailure(isolate, data, outcome.failure, outcome.message);
      return;
    case Outcome::kTerminated:
      // Execution was terminated inside the fiber: keep terminating here.
      isolate->TerminateExecution();
      return;
  }
}

// The NativeFiber pointer lives in internal field 0. V8 14 (Node 26) tags
// embedder pointers with a type and has no untagged overload.
inline void* GetSlot(v8::Local<v8::Object> object) {
#if V8_MAJOR_VERSION >= 14
  return object->GetAlignedPointerFromInternalField(0, v8::kEmbedderDataTypeTagDefault);
#else
  return object->GetAlignedPointerFromInternalField(0);
#endif
}

inline void SetSlot(v8::Local<v8::Object> object, void* value) {
#if V8_MAJOR_VERSION >= 14
  object->SetAlignedPointerInInternalField(0, value, v8::kEmbedderDataTypeTagDefault);
#else
  object->SetAlignedPointerInInternalField(0, value);
#endif
}

inline NativeFiber* Self(const v8::FunctionCallbackInfo<v8::Value>& info) {
  return static_cast<NativeFiber*>(GetSlot(info.This()));
}

// resume, throw, yield and transfer: one callback and one call into the
// runtime, so that both sides of a fiber switch run the same code down to
// the stack switch (see FiberRuntime::Hop). `this` is the fiber switched
// into (resume, throw, transfer), checked by the methods' signature.
void Hop(const v8::FunctionCallbackInfo<v8::Value>& info) {
  const HopData* hop = static_cast<const HopData*>(GetSlot(info.Data().As<v8::Object>()));
  AddonData* data = hop->binding->data;
  FiberCore* core = nullptr;
  if (hop->op != FiberRuntime::Op::kYield) {
    NativeFiber* self = Self(info);
    if (self == nullptr) {
      ThrowFailure(info.GetIsolate(), data, FailureCode::kFiberState, "fiber was never constructed");
      return;
    }
    core = self->core();
  }
  v8::Local<v8::Value> value = info.Length() > 0 ? info[0] : v8::Undefined(info.GetIsolate()).As<v8::Value>();
  Deliver(info, data, data->runtime->Hop(hop->op, core, value));
}

// NativeFiber.current: the JS object of the running fiber; undefined on a
// thread's own stack, and while a collected fiber is being unwound. A native
// data property (an AccessorInfo): property loads call it through their
// inline cache in every tier, about as cheaply as a JS getter reading a
// variable; a getter function (or a function call) would be an API call,
// ~400 instructions until the caller is optimized.
void Current(v8::Local<v8::Name>, const v8::PropertyCallbackInfo<v8::Value>& info) {
  auto* b = static_cast<BindingData*>(info.Data().As<v8::External>()->Value());
  FiberCore* core = b->data->runtime->current();
  if (core != nullptr) info.GetReturnValue().Set(core->Object(info.GetIsolate()));
}

void State(const v8::FunctionCallbackInfo<v8::Value>& info) {
  NativeFiber* self = Self(info);
  int state = static_cast<int>(self == nullptr ? FiberState::kDone : self->core()->state());
  info.GetReturnValue().Set(state);
}

void StackSize(const v8::FunctionCallbackInfo<v8::Value>& info) {
  NativeFiber* self = Self(info);
  if (self == nullptr) return;  // undefined
  info.GetReturnValue().Set(static_cast<double>(self->core()->stack_size()));
}

void LockedHandoffs(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(static_cast<double>(V8Handoff::LockedHandoffs()));
}

void SplitHandoffs(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(static_cast<double>(V8Handoff::SplitHandoffs()));
}

// new NativeFiber(body: Function, stackSize?: number,
//                 collectedError?: () => unknown, onCollectedError?: (error) => void)
// The last two choose how the fiber is unwound if its object is collected
// while it is suspended (collected_fiber.cc); undefined: the defaults.
void Construct(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  BindingData* b = Binding(info);
  if (!info.IsConstructCall()) {
    isolate->ThrowException(v8::Exception::TypeError(Str(isolate, "Class constructor NativeFiber cannot be invoked without 'new'")));
    return;
  }
  SetSlot(info.This(), nullptr);
  if (info.Length() < 1 || !info[0]->IsFunction()) {
    isolate->ThrowException(v8::Exception::TypeError(Str(isolate, "Fiber body must be a function")));
    return;
  }
  size_t stack_size = kDefaultStackSize;
  if (info.Length() >= 2 && !info[1]->IsUndefined()) {
    if (!info[1]->IsNumber()) {
      isolate->ThrowException(v8::Exception::TypeError(Str(isolate, "stackSize must be a number")));
      return;
    }
    double requested = info[1].As<v8::Number>()->Value();
    if (!(requested >= static_cast<double>(kMinStackSize) && requested <= static_cast<double>(kMaxStackSize))) {
      std::string m = "stackSize must be between " + std::to_string(kMinStackSize) + " and " +
                      std::to_string(kMaxStackSize) + " bytes";
      isolate->ThrowException(v8::Exception::RangeError(Str(isolate, m.c_str())));
      return;
    }
    stack_size = (static_cast<size_t>(requested) + 4095) & ~static_cast<size_t>(4095);
  }
  for (int i = 2; i <= 3; i++) {
    if (info.Length() > i && !info[i]->IsUndefined() && !info[i]->IsFunction()) {
      isolate->ThrowException(v8::Exception::TypeError(Str(isolate, "the collected-fiber hooks must be functions")));
      return;
    }
  }
  FiberRuntime* runtime = b->data->runtime.get();
  auto* core = new FiberCore(runtime, isolate->GetCurrentContext(), info[0].As<v8::Function>(), stack_size);
  if (info.Length() > 2 && info[2]->IsFunction()) core->collected_error_hook.Reset(isolate, info[2].As<v8::Function>());
  if (info.Length() > 3 && info[3]->IsFunction()) core->collected_reaction_hook.Reset(isolate, info[3].As<v8::Function>());
  if (info.Length() > 4 && info[4]->IsNumber()) core->js_id = info[4].As<v8::Number>()->Value();
  core->SetObject(info.This());
  auto* self = new NativeFiber(b->data, core);
  if (napi_add_finalizer(b->env, FromV8(info.This()), self, NativeFiber::Finalize, nullptr, nullptr) != napi_ok) {
    delete self;
    isolate->ThrowException(v8::Exception::Error(Str(isolate, "could not attach the fiber's finalizer")));
    return;
  }
  SetSlot(info.This(), self);
}

void DeleteBindingData(void* arg) { delete static_cast<BindingData*>(arg); }

}  // namespace

void DefineNativeFiber(Napi::Env env, AddonData* data, Napi::Object exports) {
  v8::Isolate* isolate = data->runtime->isolate();
  v8::HandleScope scope(isolate);
  v8::Local<v8::Context> context = isolate->GetCurrentContext();

  auto* binding = new BindingData{env, data, {}};
  binding->hops[0] = {binding, FiberRuntime::Op::kResume};
  binding->hops[1] = {binding, FiberRuntime::Op::kThrow};
  binding->hops[2] = {binding, FiberRuntime::Op::kYield};
  binding->hops[3] = {binding, FiberRuntime::Op::kTransfer};
  napi_add_env_cleanup_hook(env, DeleteBindingData, binding);
  v8::Local<v8::External> ext = v8::External::New(isolate, binding);

  v8::Local<v8::FunctionTemplate> tpl = v8::FunctionTemplate::New(isolate, Construct, ext);
  tpl->SetClassName(Str(isolate, "NativeFiber"));
  tpl->InstanceTemplate()->SetInternalFieldCount(1);
  v8::Local<v8::Signature> sig = v8::Signature::New(isolate, tpl);
  auto method = [&](v8::FunctionCallback cb, int length, v8::Local<v8::Value> cb_data) {
    return v8::FunctionTemplate::New(isolate, cb, cb_data, sig, length, v8::ConstructorBehavior::kThrow);
  };
  v8::Local<v8::ObjectTemplate> hop_holder = v8::ObjectTemplate::New(isolate);
  hop_holder->SetInternalFieldCount(1);
  auto hop = [&](int i) {
    v8::Local<v8::Object> holder = hop_holder->NewInstance(isolate->GetCurrentContext()).ToLocalChecked();
    SetSlot(holder, &binding->hops[i]);
    return holder;
  };
  const auto fixed = static_cast<v8::PropertyAttribute>(v8::ReadOnly | v8::DontEnum | v8::DontDelete);
  const auto accessor = static_cast<v8::PropertyAttribute>(v8::DontEnum | v8::DontDelete);
  v8::Local<v8::ObjectTemplate> proto = tpl->PrototypeTemplate();
  proto->Set(Str(isolate, "resume"), method(Hop, 1, hop(0)), fixed);
  proto->Set(Str(isolate, "throw"), method(Hop, 1, hop(1)), fixed);
  proto->SetAccessorProperty(Str(isolate, "state"), method(State, 0, ext), {}, accessor);
  proto->SetAccessorProperty(Str(isolate, "stackSize"), method(StackSize, 0, ext), {}, accessor);
  // The scheduler's fiber-to-fiber switch: `next[transfer](value)`, called
  // by the running fiber. Keyed by a symbol the binding exports, so that it
  // is not part of the public class or the exported constructor
  // (lib/fiber.ts keeps Fiber.current right
  // around it). Only where the backend can transfer.
  if (data->runtime->CanTransfer()) {
    v8::Local<v8::Symbol> key = v8::Symbol::New(isolate, Str(isolate, "switchyard.transfer"));
    proto->Set(key, method(Hop, 1, hop(3)), fixed);
    exports.Set("transferKey", Napi::Value(env, FromV8(key)));
  }
  // The running fiber's id, one cell (FiberRuntime::SetCurrentIdCell).
  {
    v8::Local<v8::ArrayBuffer> cell = v8::ArrayBuffer::New(isolate, sizeof(double));
    data->runtime->SetCurrentIdCell(cell->GetBackingStore());
    exports.Set("currentFiberId", Napi::Value(env, FromV8(v8::Float64Array::New(cell, 0, 1))));
  }
  // Fiber.current, kept by the runtime: lib/fiber.ts holds no reference to
  // a fiber that could outlive its running (see collected_fiber.cc).
  tpl->SetNativeDataProperty(Str(isolate, "current"), Current, nullptr, ext,
                             static_cast<v8::PropertyAttribute>(v8::ReadOnly | v8::DontEnum | v8::DontDelete));
  // Fiber.yield's fast path (the `yield` export is the N-API one).
  tpl->Set(Str(isolate, "yield"),
           v8::FunctionTemplate::New(isolate, Hop, hop(2), {}, 1, v8::ConstructorBehavior::kThrow), fixed);

  // How the tls backend hands V8 over between fibers (diagnostics, tests).
  // With the direct hand-off, which parts of V8's thread state it copies
  // itself (V8Handoff::InlineParts).
  if (std::string(data->runtime->backend()->Name()) == "tls") {
    tpl->Set(Str(isolate, "handoff"), Str(isolate, V8Handoff::Mode().c_str()), fixed);
    if (V8Handoff::Mode() == "v8") {
      tpl->Set(Str(isolate, "handoffInline"), Str(isolate, V8Handoff::InlineParts().c_str()), fixed);
      // Whether hand-offs swap only the stack limits, without the
      // execution-access lock, where neither side has interrupt state; and
      // how many hand-offs in this process took the lock anyway, and how
      // many took two steps instead of one swap.
      tpl->Set(Str(isolate, "handoffLockFree"), v8::Boolean::New(isolate, V8Handoff::LockFree()), fixed);
      tpl->Set(Str(isolate, "lockedHandoffs"), v8::FunctionTemplate::New(isolate, LockedHandoffs), fixed);
      tpl->Set(Str(isolate, "splitHandoffs"), v8::FunctionTemplate::New(isolate, SplitHandoffs), fixed);
    }
  }
  // How a yield finds out that it is inside a microtask (see FiberRuntime):
  // "ring" (V8's queue objects read directly) or "queues" (the API).
  tpl->Set(Str(isolate, "microtaskCheck"), Str(isolate, data->runtime->MicrotaskCheck()), fixed);

  v8::Local<v8::Function> ctor = tpl->GetFunction(context).ToLocalChecked();
  Napi::Function fn(env, FromV8(ctor));
  data->fiber_constructor = Napi::Persistent(fn);
  exports.Set("NativeFiber", fn);
}

Napi::Value FiberYield(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData* data = AddonData::Get(env);
  v8::Local<v8::Value> value =
      info.Length() > 0 ? ToV8(info[0]) : v8::Undefined(data->runtime->isolate()).As<v8::Value>();
  return OutcomeToJs(env, data->runtime->Yield(value));
}

}  // namespace switchyard

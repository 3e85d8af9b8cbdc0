// fiber_binding.cc: the JS surface of fibers (class NativeFiber, yield),
// thin wrappers over FiberRuntime.
#include <napi.h>

#include "addon_data.h"
#include "fiber_core.h"
#include "v8_bridge.h"

namespace switchyard {

namespace {

class NativeFiber : public Napi::ObjectWrap<NativeFiber> {
 public:
  // new NativeFiber(body: Function, stackSize: number)
  NativeFiber(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeFiber>(info) {
    Napi::Env env = info.Env();
    data_ = AddonData::Get(env);
    data_->live_fibers++;
    if (info.Length() < 1 || !info[0].IsFunction()) {
      Napi::TypeError::New(env, "Fiber body must be a function").ThrowAsJavaScriptException();
      return;
    }
    size_t stack_size = kDefaultStackSize;
    if (info.Length() >= 2 && !info[1].IsUndefined()) {
      if (!info[1].IsNumber()) {
        Napi::TypeError::New(env, "stackSize must be a number").ThrowAsJavaScriptException();
        return;
      }
      double requested = info[1].As<Napi::Number>().DoubleValue();
      if (!(requested >= static_cast<double>(kMinStackSize) &&
            requested <= static_cast<double>(kMaxStackSize))) {
        Napi::RangeError::New(env, "stackSize must be between " + std::to_string(kMinStackSize) +
                                       " and " + std::to_string(kMaxStackSize) + " bytes")
            .ThrowAsJavaScriptException();
        return;
      }
      stack_size = (static_cast<size_t>(requested) + 4095) & ~static_cast<size_t>(4095);
    }
    v8::Isolate* isolate = data_->runtime->isolate();
    v8::Local<v8::Function> body = ToV8(info[0]).As<v8::Function>();
    core_ = new FiberCore(data_->runtime.get(), isolate->GetCurrentContext(), body, stack_size);
  }

  ~NativeFiber() override {
    if (core_ != nullptr) {
      data_->runtime->Drop(core_);
      delete core_;
    }
    data_->live_fibers--;
    data_->MaybeDelete();
  }

  Napi::Value Resume(const Napi::CallbackInfo& info) { return Transfer(info, InMode::kValue); }
  Napi::Value Throw(const Napi::CallbackInfo& info) { return Transfer(info, InMode::kThrow); }

  Napi::Value State(const Napi::CallbackInfo& info) {
    if (core_ == nullptr) return Napi::Number::New(info.Env(), static_cast<int>(FiberState::kDone));
    return Napi::Number::New(info.Env(), static_cast<int>(core_->state()));
  }

  Napi::Value StackSize(const Napi::CallbackInfo& info) {
    if (core_ == nullptr) return info.Env().Undefined();
    return Napi::Number::New(info.Env(), static_cast<double>(core_->stack_size()));
  }

 private:
  Napi::Value Transfer(const Napi::CallbackInfo& info, InMode mode) {
    Napi::Env env = info.Env();
    if (core_ == nullptr) {
      ThrowFailure(env, FailureCode::kFiberState, "fiber was never constructed");
      return env.Undefined();
    }
    v8::Local<v8::Value> value =
        info.Length() > 0 ? ToV8(info[0]) : v8::Undefined(data_->runtime->isolate()).As<v8::Value>();
    return OutcomeToJs(env, data_->runtime->Resume(core_, mode, value));
  }

  AddonData* data_ = nullptr;
  FiberCore* core_ = nullptr;
};

}  // namespace

Napi::Function DefineNativeFiber(Napi::Env env, AddonData* data) {
  Napi::Function ctor = NativeFiber::DefineClass(
      env, "NativeFiber",
      {
          NativeFiber::InstanceMethod<&NativeFiber::Resume>("resume"),
          NativeFiber::InstanceMethod<&NativeFiber::Throw>("throw"),
          NativeFiber::InstanceAccessor<&NativeFiber::State>("state"),
          NativeFiber::InstanceAccessor<&NativeFiber::StackSize>("stackSize"),
      });
  data->fiber_constructor = Napi::Persistent(ctor);
  return ctor;
}

Napi::Value FiberYield(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData* data = AddonData::Get(env);
  v8::Local<v8::Value> value =
      info.Length() > 0 ? ToV8(info[0]) : v8::Undefined(data->runtime->isolate()).As<v8::Value>();
  return OutcomeToJs(env, data->runtime->Yield(value));
}

}  // namespace switchyard

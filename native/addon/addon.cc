// addon.cc: module initialisation: picks the fiber backend
// (SWITCHYARD_FIBER_BACKEND=tls|threads) and exports the binding.
#include <napi.h>

#include <cstdlib>
#include <iterator>
#include <string>

#include "addon_data.h"
#include "backend.h"
#include "fiber_core.h"
#include "fiber_stack.h"
#include "node_async_ids.h"
#include "switchyard.h"
#include "v8_bridge.h"
#include "v8_handoff/handoff_symbols.h"
#include "v8_handoff/v8_symbols.h"

namespace switchyard {

void AddonData::MaybeDelete() {
  if (env_gone && live_fibers == 0) delete this;
}

void ThrowFailure(Napi::Env env, FailureCode code, const char* message) {
  AddonData* data = AddonData::Get(env);
  Napi::String js_code = Napi::String::New(env, FailureCodeName(code));
  Napi::String js_message = Napi::String::New(env, message);
  if (data != nullptr && !data->error_factory.IsEmpty()) {
    Napi::Value error = data->error_factory.Call({js_code, js_message});
    if (env.IsExceptionPending()) return;  // the factory itself threw
    Napi::Error(env, error).ThrowAsJavaScriptException();
    return;
  }
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", js_code);
  error.ThrowAsJavaScriptException();
}

Napi::Value OutcomeToJs(Napi::Env env, const Outcome& outcome) {
  switch (outcome.kind) {
    case Outcome::kValue:
      return Napi::Value(env, FromV8(outcome.value));
    case Outcome::kThrow:
      // The original exception object: its stack is the one captured where
      // it was created, inside or outside the fiber.
      napi_throw(env, FromV8(outcome.value));
      break;
    case Outcome::kFailure:
      ThrowFailure(env, outcome.failure, outcome.message);
      break;
    case Outcome::kTerminated:
      // Execution was terminated inside the fiber: keep terminating here.
      AddonData::Get(env)->runtime->isolate()->TerminateExecution();
      break;
  }
  return env.Undefined();
}

namespace {

Napi::Value SetErrorFactory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) {
    Napi::TypeError::New(env, "error factory must be a function").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  AddonData::Get(env)->error_factory = Napi::Persistent(info[0].As<Napi::Function>());
  return env.Undefined();
}

// setResourceReader(async_hooks.executionAsyncResource): how the fiber side
// reads the resource of a frame it pushed itself (async_context.h).
Napi::Value SetResourceReader(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) {
    Napi::TypeError::New(env, "setResourceReader takes a function").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  AddonData::Get(env)->runtime->async_context()->SetResourceReader(ToV8(info[0]).As<v8::Function>());
  return env.Undefined();
}

// asyncContext: how fibers keep their own async context (async_context.h).
Napi::Value AsyncContextMode(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), AddonData::Get(info.Env())->runtime->async_context()->Mode());
}

Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData* data = AddonData::Get(env);
  BackendStats s = data->runtime->backend()->Stats();
  Napi::Object out = Napi::Object::New(env);
  out.Set("pooled", static_cast<double>(s.pooled));
  out.Set("active", static_cast<double>(s.active));
  // collected and not yet unwound (the backend's parked carriers, at
  // teardown or of a fiber that kept yielding, are among them)
  out.Set("orphaned", static_cast<double>(data->runtime->orphaned()));
  out.Set("created", static_cast<double>(s.created));
  out.Set("liveFibers", static_cast<double>(data->live_fibers));
  out.Set("depth", static_cast<double>(data->runtime->depth()));
  return out;
}

// How fiber stacks are mapped and protected (fiber_stack.h), process-wide.
Napi::Value StackInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("guardRegions", GuardRegions());
  out.Set("guardedStackBudget", static_cast<double>(GuardRegions() ? 0 : GuardedStackBudget()));
  out.Set("ownGuardPages", static_cast<double>(GuardedStacksMapped()));
  out.Set("slabs", static_cast<double>(sy_stack_slab_count()));
  void* base;
  size_t size;
  bool guarded;
  if (AddonData::Get(env)->runtime->backend()->CurrentStack(&base, &size, &guarded)) {
    Napi::Object current = Napi::Object::New(env);
    current.Set("base", static_cast<double>(reinterpret_cast<uintptr_t>(base)));
    current.Set("size", static_cast<double>(size));
    current.Set("guarded", guarded);
    out.Set("current", current);
  }
  return out;
}

Napi::Value InFiber(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), AddonData::Get(info.Env())->runtime->current() != nullptr);
}

// The environment is going away (process or worker exit): from here on no
// collected fiber is unwound. Cleanup hooks run in reverse order of
// registration, so this one, added at load, runs before N-API's own (which
// finalizes the objects still alive, and this instance data).
void MarkTearingDown(void* arg) { static_cast<AddonData*>(arg)->tearing_down = true; }

void FinalizeAddonData(Napi::Env, AddonData* d) {
  d->tearing_down = true;
  for (FiberCore* core : d->deferred_unwinds) {
    d->runtime->Drop(core);
    delete core;
  }
  d->deferred_unwinds.clear();
  d->error_factory.Reset();
  d->fiber_constructor.Reset();
  d->cped_guard.reset();
  d->env_gone = true;
  d->MaybeDelete();
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // The symbol lookups of the V8 hand-off (below) and of the first fiber's
  // async ids share one read of the executable's symbol table.
  NodeAsyncIds::ExpectSymbols();
  ExpectV8Symbols(kHandoffSymbols, std::size(kHandoffSymbols));
  ExpectV8Symbols(kOptionalHandoffSymbols, std::size(kOptionalHandoffSymbols));

  const char* requested = std::getenv("SWITCHYARD_FIBER_BACKEND");
  bool by_default = requested == nullptr || *requested == '\0';
  std::string name = by_default ? "tls" : requested;

  std::unique_ptr<Backend> backend;
  std::string note;  // why the backend in use needs a word of caution
  if (name == "tls") {
    std::string error;
    // SWITCHYARD_TEST_TLS_UNAVAILABLE=1 lets tests exercise the fallback.
    const char* test_fail = std::getenv("SWITCHYARD_TEST_TLS_UNAVAILABLE");
    if (test_fail != nullptr && std::string(test_fail) == "1")
      error = "disabled by SWITCHYARD_TEST_TLS_UNAVAILABLE";
    else
      backend = CreateTlsBackend(v8::Isolate::GetCurrent(), &error);
    if (!backend && by_default) {
      std::string threads_error;
      backend = CreateThreadsBackend(v8::Isolate::GetCurrent(), &threads_error);
      if (backend) {
        note = "switchyard: the 'tls' fiber backend cannot run in this Node (" + error +
               "); using the slower thread-per-fiber backend 'threads'";
      } else {
        error += "; the 'threads' fallback failed too (" + threads_error + ")";
      }
    }
    if (!backend) {
      Napi::Error::New(env, "switchyard: the 'tls' fiber backend cannot run in this Node (" +
                                error + ")" +
                                (by_default ? "" : "; SWITCHYARD_FIBER_BACKEND=threads may work"))
          .ThrowAsJavaScriptException();
      return exports;
    }
  } else if (name == "threads") {
    std::string error;
    backend = CreateThreadsBackend(v8::Isolate::GetCurrent(), &error);
    if (!backend) {
      Napi::Error::New(env, "switchyard: the 'threads' fiber backend cannot run here (" + error + ")")
          .ThrowAsJavaScriptException();
      return exports;
    }
  } else {
    Napi::Error::New(env, "switchyard: unknown SWITCHYARD_FIBER_BACKEND '" + name +
                              "' (expected 'tls' or 'threads')")
        .ThrowAsJavaScriptException();
    return exports;
  }

  auto* data = new AddonData();
  data->runtime.reset(new FiberRuntime(v8::Isolate::GetCurrent(), std::move(backend)));
  data->cped_guard.reset(new CpedGuard(v8::Isolate::GetCurrent()));
  env.SetInstanceData<AddonData, FinalizeAddonData>(data);
  napi_add_env_cleanup_hook(env, MarkTearingDown, data);

  exports.Set("backend", Napi::String::New(env, data->runtime->backend()->Name()));
  if (!note.empty()) exports.Set("backendNote", Napi::String::New(env, note));
  DefineNativeFiber(env, data, exports);  // NativeFiber (and transferKey)
  exports.Set("yield", Napi::Function::New<FiberYield>(env, "yield"));
  exports.Set("setErrorFactory", Napi::Function::New<SetErrorFactory>(env, "setErrorFactory"));
  exports.Set("stats", Napi::Function::New<Stats>(env, "stats"));
  exports.Set("setResourceReader", Napi::Function::New<SetResourceReader>(env, "setResourceReader"));
  // an accessor: Node's async-id stack is looked up on first use, not at load
  exports.DefineProperty(Napi::PropertyDescriptor::Accessor<AsyncContextMode>("asyncContext", napi_enumerable));
  exports.Set("stackInfo", Napi::Function::New<StackInfo>(env, "stackInfo"));
  exports.Set("inFiber", Napi::Function::New<InFiber>(env, "inFiber"));
  exports.Set("defaultStackSize", Napi::Number::New(env, static_cast<double>(kDefaultStackSize)));
  exports.Set("minStackSize", Napi::Number::New(env, static_cast<double>(kMinStackSize)));
  exports.Set("maxStackSize", Napi::Number::New(env, static_cast<double>(kMaxStackSize)));
  return exports;
}

}  // namespace switchyard

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return switchyard::Init(env, exports);
}

NODE_API_MODULE(switchyard, InitModule)

// collected_fiber.cc: what happens to a suspended fiber whose Fiber object
// became unreachable.
//
// Nothing on a suspended fiber's stack or in the runtime holds its object
// strongly (FiberCore keeps it weakly; lib/fiber.ts keeps no reference in the
// body's frames), so user code that drops it lets the GC collect it. Its
// frames, stack and V8 thread state cannot just be freed: V8 still walks
// them, and the body's finally blocks have not run. So the NativeFiber's
// finalizer, which N-API defers from the GC to a native immediate on the
// event loop (a clean stack where JS may run, never inside a switch), throws
// an error in at the suspension point and runs the fiber until its body
// ends; the backend then recycles its carrier like any finished fiber's.
//
// The error is FiberCollectedError unless the fiber's owner chose another
// (collected_error_hook); yields while unwinding throw it again at once
// (FiberRuntime::Hop); the body ending with that error, or returning, is
// the normal end. Any other error is the owner's to handle
// (collected_reaction_hook) or, by default, reported as an uncaught
// exception, like an error thrown by a timer callback.
#include "collected_fiber.h"

#include "v8_bridge.h"

namespace switchyard {

namespace {

v8::Local<v8::String> Str(v8::Isolate* isolate, const char* s) {
  return v8::String::NewFromUtf8(isolate, s).ToLocalChecked();
}

// A typed error from lib/errors.ts (through the error factory), or a plain
// Error with a code when there is none.
v8::Local<v8::Value> TypedError(v8::Isolate* isolate, AddonData* data, const char* message) {
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Value> args[2] = {Str(isolate, FailureCodeName(FailureCode::kCollected)), Str(isolate, message)};
  if (!data->error_factory.IsEmpty()) {
    v8::Local<v8::Value> factory = ToV8(data->error_factory.Value());
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::Value> error;
    if (factory->IsFunction() &&
        factory.As<v8::Function>()->Call(context, v8::Undefined(isolate), 2, args).ToLocal(&error))
      return error;
  }
  v8::Local<v8::Value> error = v8::Exception::Error(args[1].As<v8::String>());
  error.As<v8::Object>()->Set(context, Str(isolate, "code"), args[0]).FromMaybe(false);
  return error;
}

// The error thrown in: what the owner's hook returns (or throws), else a
// FiberCollectedError.
v8::Local<v8::Value> UnwindError(v8::Isolate* isolate, AddonData* data, FiberCore* fiber) {
  if (fiber->collected_error_hook.IsEmpty())
    return TypedError(isolate, data, "the fiber was garbage collected while suspended; it is being unwound");
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Value> error;
  if (fiber->collected_error_hook.Get(isolate)->Call(context, v8::Undefined(isolate), 0, nullptr).ToLocal(&error))
    return error;
  if (try_catch.HasTerminated()) return v8::Undefined(isolate);
  return try_catch.Exception();
}

// Hands an error the unwinding produced to the owner's reaction hook, or
// reports it as an uncaught exception (so is an error the hook throws).
void Report(napi_env env, v8::Isolate* isolate, FiberCore* fiber, v8::Local<v8::Value> error) {
  if (!fiber->collected_reaction_hook.IsEmpty()) {
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::Value> result;
    if (fiber->collected_reaction_hook.Get(isolate)
            ->Call(isolate->GetCurrentContext(), v8::Undefined(isolate), 1, &error)
            .ToLocal(&result))
      return;
    if (try_catch.HasTerminated()) return;
    error = try_catch.Exception();
  }
  napi_fatal_exception(env, FromV8(error));
}

// Whether the environment is exiting: process._exiting, which Node sets
// before it emits 'exit' (in workers too). N-API runs the finalizers of
// objects collected in an 'exit' listener during the environment's cleanup,
// before any cleanup hook, and there N-API refuses to run JS (its calls
// fail with napi_pending_exception while none is pending): exiting too.
bool Exiting(napi_env env) {
  napi_value global, process, exiting;
  napi_valuetype type;
  if (napi_get_global(env, &global) != napi_ok || napi_get_named_property(env, global, "process", &process) != napi_ok)
    return true;  // N-API cannot run JS here
  if (napi_typeof(env, process, &type) != napi_ok || type != napi_object) return false;  // no process: not Node's exit
  bool value = false;
  if (napi_get_named_property(env, process, "_exiting", &exiting) != napi_ok) return true;
  return napi_get_value_bool(env, exiting, &value) == napi_ok && value;
}

}  // namespace

bool ShouldUnwindNow(napi_env env, AddonData* data, FiberCore* fiber) {
  FiberRuntime* runtime = data->runtime.get();
  return fiber->collected() && fiber->state() == FiberState::kSuspended && !data->tearing_down &&
         runtime->current() == nullptr && !runtime->isolate()->IsExecutionTerminating() && !Exiting(env);
}

void UnwindCollected(napi_env env, AddonData* data, FiberCore* fiber) {
  FiberRuntime* runtime = data->runtime.get();
  v8::Isolate* isolate = runtime->isolate();
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> context = fiber->context(isolate);
  v8::Context::Scope context_scope(context);

  v8::Local<v8::Value> error = UnwindError(isolate, data, fiber);
  if (isolate->IsExecutionTerminating()) return;  // the hook was terminated: leave the fiber suspended
  fiber->unwinding = true;
  fiber->unwind_error.Reset(isolate, error);
  Outcome outcome = runtime->Hop(FiberRuntime::Op::kThrow, fiber, error);
  fiber->unwind_error.Reset();

  if (fiber->state() != FiberState::kDone) {
    // It kept yielding past the bound: it really suspended this time. Its
    // stack stays mapped for good (FiberRuntime::Drop parks it) and it
    // stays counted as orphaned.
    Report(env, isolate, fiber,
           TypedError(isolate, data,
                      "a garbage-collected fiber kept calling Fiber.yield() while being unwound; "
                      "it is left suspended and its stack is not freed"));
    return;
  }
  runtime->ForgetOrphan();
  switch (outcome.kind) {
    case Outcome::kValue:
      return;  // the body caught the error and returned
    case Outcome::kThrow:
      if (!outcome.value->StrictEquals(error)) Report(env, isolate, fiber, outcome.value);
      return;
    case Outcome::kTerminated:
      isolate->TerminateExecution();  // terminated inside the fiber: keep terminating
      return;
    case Outcome::kFailure:
      return;  // a suspended fiber with its carrier bound is always switchable
  }
}

}  // namespace switchyard

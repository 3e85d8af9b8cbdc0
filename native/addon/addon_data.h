// addon_data.h: per-environment state of the addon (napi instance data).
#ifndef SWITCHYARD_ADDON_ADDON_DATA_H
#define SWITCHYARD_ADDON_ADDON_DATA_H

#include <napi.h>

#include <memory>
#include <vector>

#include "cped_guard.h"
#include "fiber_core.h"

namespace switchyard {

struct AddonData {
  std::unique_ptr<FiberRuntime> runtime;
  std::unique_ptr<CpedGuard> cped_guard;  // V8 12+: see cped_guard.h
  Napi::FunctionReference error_factory;  // (code, message) => Error, from lib/errors.ts
  Napi::FunctionReference fiber_constructor;
  // NativeFiber objects still alive; teardown order of napi finalizers is not
  // specified, so whichever of the env and the last fiber goes last frees.
  size_t live_fibers = 0;
  bool env_gone = false;
  // Set by the first environment cleanup hook: nothing is unwound any more
  // (fibers suspended at exit stay as they are).
  bool tearing_down = false;
  // Collected suspended fibers whose finalizer did not run on a clean stack
  // (a fiber was running): unwound by the next finalizer that does, or
  // parked at teardown (collected_fiber.h).
  std::vector<FiberCore*> deferred_unwinds;

  static AddonData* Get(Napi::Env env) { return env.GetInstanceData<AddonData>(); }
  void MaybeDelete();
};

// Throws the typed error for `code` (built by the JS error factory).
void ThrowFailure(Napi::Env env, FailureCode code, const char* message);

// Turns an Outcome into a return value or a pending exception.
Napi::Value OutcomeToJs(Napi::Env env, const Outcome& outcome);

void DefineNativeFiber(Napi::Env env, AddonData* data, Napi::Object exports);
Napi::Value FiberYield(const Napi::CallbackInfo& info);

}  // namespace switchyard

#endif

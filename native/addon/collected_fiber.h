// collected_fiber.h: unwinding a suspended fiber whose JS object was garbage
// collected (see collected_fiber.cc).
#ifndef SWITCHYARD_ADDON_COLLECTED_FIBER_H
#define SWITCHYARD_ADDON_COLLECTED_FIBER_H

#include <node_api.h>

#include "addon_data.h"
#include "fiber_core.h"

namespace switchyard {

// Whether `fiber`, whose NativeFiber is being finalized, is to be unwound
// here and now: its object was collected (not just finalized at teardown),
// it is suspended, the environment is not exiting (from the process's or
// worker's 'exit' event on: process._exiting), torn down or terminated, and
// no fiber is running (the finalizer is on the event loop's own stack, never
// inside a switch).
bool ShouldUnwindNow(napi_env env, AddonData* data, FiberCore* fiber);

// Throws the unwinding error in at the fiber's suspension point and runs it
// until its body ends (its finally blocks run; the carrier is released), and
// reports any other error the body throws. Needs a clean stack
// (ShouldUnwindNow).
void UnwindCollected(napi_env env, AddonData* data, FiberCore* fiber);

}  // namespace switchyard

#endif

// backend.h: how a fiber's body gets its own stack. The fiber state machine
// (fiber_core.*) is backend-independent; a backend only moves control
// between a resumer and a fiber. Two are planned:
//   tls      one native stack per fiber, V8 thread identity swapped through
//            the executable's static TLS block (tls_backend.cc)
//   threads  one OS thread per fiber with strict handoff, public V8 API only
//            (threads_backend.cc)
#ifndef SWITCHYARD_ADDON_BACKEND_H
#define SWITCHYARD_ADDON_BACKEND_H

#include <cstddef>
#include <memory>
#include <string>

namespace v8 {
class Isolate;
}

namespace switchyard {

class FiberCore;

struct BackendStats {
  size_t pooled = 0;    // idle execution resources kept for reuse
  size_t active = 0;    // resources bound to started, unfinished fibers
  size_t orphaned = 0;  // carriers parked for good: released while suspended (at teardown, or never unwound)
  size_t created = 0;   // resources ever created (V8 thread ids consumed)
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* Name() const = 0;

  // Resumer side, before the first switch into `fiber`: bind execution
  // resources to it. False: none could be allocated (nothing changed).
  virtual bool Prepare(FiberCore* fiber) = 0;

  // Resumer side, isolate locked: run `fiber` until it yields or ends. The
  // fiber's in_* fields are set; on return its out_* fields are.
  virtual void SwitchIn(FiberCore* fiber, FiberCore* unused) = 0;

  // Fiber side, isolate locked: give control back to the current resumer;
  // returns when some resumer switches in again. With `next` (only where
  // CanTransfer()): give control straight to that fiber instead (a
  // transfer: it is not running, and it takes over `fiber`'s resumer, so its
  // next yield goes where `fiber`'s would have gone); the resumer's stack is
  // not passed through.
  virtual void SwitchOut(FiberCore* fiber, FiberCore* next) = 0;
  virtual bool CanTransfer() const { return false; }

  // The fiber finished, or its JS object is gone. Resources of a finished
  // fiber are recycled; a suspended fiber's stack must stay mapped because
  // V8 keeps walking its archived frames during GC. (A suspended fiber whose
  // object was collected is unwound first, collected_fiber.cc, and so
  // released finished; only one torn down with its environment, or one that
  // refused to unwind, is released suspended.)
  virtual void Release(FiberCore* fiber) = 0;

  virtual BackendStats Stats() const = 0;

  // After Prepare returned false: what ran out, for the FiberResourceError
  // (valid until the next Prepare).
  virtual const char* ResourceError() const { return "could not allocate a stack for the fiber"; }

  // The running fiber's native stack, where this backend allocates it
  // (diagnostics: native.stackInfo().current). False on a thread's own stack.
  virtual bool CurrentStack(void** base, size_t* size, bool* guarded) const { return false; }

  // Environment teardown: free what is safe to free.
  virtual void Shutdown() = 0;
};

// Each returns nullptr and sets *error when the backend cannot run here.
std::unique_ptr<Backend> CreateTlsBackend(v8::Isolate* isolate, std::string* error);
std::unique_ptr<Backend> CreateThreadsBackend(v8::Isolate* isolate, std::string* error);

}  // namespace switchyard

#endif

// fiber_core.h: the backend-independent fiber: state machine, value and
// exception transfer in both directions, and the per-environment runtime
// that knows which fiber is running.
#ifndef SWITCHYARD_ADDON_FIBER_CORE_H
#define SWITCHYARD_ADDON_FIBER_CORE_H

#include <v8.h>

#include <cstddef>
#include <memory>

#include "async_context.h"
#include "backend.h"
#include "microtask_queues.h"

namespace switchyard {

constexpr size_t kDefaultStackSize = 1024 * 1024;
constexpr size_t kMinStackSize = 256 * 1024;
constexpr size_t kMaxStackSize = 1024 * 1024 * 1024;

enum class FiberState { kCreated = 0, kSuspended = 1, kRunning = 2, kDone = 3 };

// resumer -> fiber
enum class InMode { kValue, kThrow };
// fiber -> resumer
enum class OutMode { kYielded, kReturned, kThrew, kTerminated };

// Failures that become typed JS errors (codes shared with lib/errors.ts).
enum class FailureCode {
  kNone,
  kFiberState,        // ERR_FIBER_STATE
  kNotInFiber,        // ERR_NOT_IN_FIBER
  kYieldInMicrotask,  // ERR_YIELD_IN_MICROTASK
  kResources,         // ERR_FIBER_RESOURCES
  kCollected,         // ERR_FIBER_COLLECTED
};
const char* FailureCodeName(FailureCode code);

class FiberRuntime;

class FiberCore {
 public:
  FiberCore(FiberRuntime* runtime, v8::Local<v8::Context> context,
            v8::Local<v8::Function> body, size_t stack_size);
  ~FiberCore();
  FiberCore(const FiberCore&) = delete;
  FiberCore& operator=(const FiberCore&) = delete;

  FiberState state() const { return state_; }
  size_t stack_size() const { return stack_size_; }
  FiberRuntime* runtime() const { return runtime_; }
  v8::Local<v8::Context> context(v8::Isolate* isolate) const { return context_.Get(isolate); }

  // Called by the backend on the fiber's own stack, with the isolate locked
  // and the stack limit set: runs the body to completion and records the
  // outcome. All V8 scopes live inside this call.
  void RunBody();

  // Backend-private resources (a carrier for the tls backend).
  void* backend_data = nullptr;
  // The id lib/fiber.ts gave this fiber (0: none), mirrored while it runs
  // (FiberRuntime::CurrentIdCell).
  double js_id = 0;

  // The async context the body runs in (async_context.h).
  FiberAsyncContext async_context;

  // The JS object that owns this fiber (Fiber.current), held weakly: a
  // suspended fiber whose object becomes unreachable is collected and then
  // unwound (collected_fiber.cc). Empty once the object is gone.
  void SetObject(v8::Local<v8::Object> object);
  v8::Local<v8::Value> Object(v8::Isolate* isolate) const;
  bool collected() const { return collected_; }

  // Unwinding after collection (collected_fiber.cc): while set, a yield or
  // transfer of this fiber throws `unwind_error` again at once instead of
  // switching, at most kMaxUnwindRethrows times; then it really suspends and
  // the fiber is abandoned (its stack stays mapped for good).
  static constexpr int kMaxUnwindRethrows = 10000;
  bool unwinding = false;
  int unwind_rethrows = 0;
  v8::Global<v8::Value> unwind_error;
  // The owner's choice of the error thrown in (a function returning it) and
  // of what happens to any other error the body throws while being unwound
  // (a function called with it); empty: FiberCollectedError, and reported
  // as an uncaught exception.
  v8::Global<v8::Function> collected_error_hook;
  v8::Global<v8::Function> collected_reaction_hook;

  // Transfer slots. in_value/out_value (while yielded) are handles owned by
  // the other side's handle scope, which is archived, not destroyed, while
  // this side runs; the receiver copies them into its own scope at once.
  InMode in_mode = InMode::kValue;
  v8::Local<v8::Value> in_value;
  OutMode out_mode = OutMode::kYielded;
  v8::Local<v8::Value> out_value;
  v8::Global<v8::Value> final_value;  // return value or exception at the end

 private:
  friend class FiberRuntime;
  FiberRuntime* runtime_;
  v8::Global<v8::Context> context_;
  v8::Global<v8::Function> body_;
  size_t stack_size_;
  FiberState state_ = FiberState::kCreated;
  FiberCore* resumer_ = nullptr;  // fiber that resumed us (nullptr: thread's own stack)
  v8::Global<v8::Object> object_;  // weak
  bool collected_ = false;         // object_ was cleared by the GC
  static void OnCollected(const v8::WeakCallbackInfo<FiberCore>& info);

  // Microtask queues that were already running when we were resumed: a yield
  // is only legal if no other queue has started running since. With the
  // queue ring, running_count_ is how many ran (may exceed kMaxQueues).
  static constexpr int kMaxQueues = 3;
  v8::MicrotaskQueue* running_queues_[kMaxQueues] = {};
  int running_count_ = 0;
};

// The result of Resume/Yield in V8 terms; the binding turns it into a return
// value, a rethrow of the original exception, or a typed error.
struct Outcome {
  enum Kind { kValue, kThrow, kFailure, kTerminated } kind = kValue;
  v8::Local<v8::Value> value;
  FailureCode failure = FailureCode::kNone;
  const char* message = nullptr;

  static Outcome Value(v8::Local<v8::Value> v) { return {kValue, v, FailureCode::kNone, nullptr}; }
  static Outcome Throw(v8::Local<v8::Value> v) { return {kThrow, v, FailureCode::kNone, nullptr}; }
  static Outcome Fail(FailureCode c, const char* m) { return {kFailure, {}, c, m}; }
};

class FiberRuntime {
 public:
  FiberRuntime(v8::Isolate* isolate, std::unique_ptr<Backend> backend);
  ~FiberRuntime();

  v8::Isolate* isolate() const { return isolate_; }
  Backend* backend() const { return backend_.get(); }
  // How a yield inside a microtask is told apart: "ring" or "queues"
  // (NativeFiber.microtaskCheck).
  const char* MicrotaskCheck() const;
  FiberCore* current() const { return current_; }
  // Where the running fiber's js_id (0: none) is mirrored on every switch: a
  // Float64Array's cell that lib/ reads in one load to tell whether the
  // fiber it believes runs is the one running, instead of calling the
  // Fiber.current accessor (about 200 instructions from optimized code, two
  // per channel message). The store backs an ArrayBuffer the binding exports.
  void SetCurrentIdCell(std::shared_ptr<v8::BackingStore> store) {
    current_id_store_ = std::move(store);
    current_id_ = static_cast<double*>(current_id_store_->Data());
    *current_id_ = current_ != nullptr ? current_->js_id : 0;
  }
  size_t depth() const { return depth_; }
  AsyncContextSwitch* async_context() { return &async_; }

  // Fiber side: suspend the current fiber, handing `value` to its resumer.
  Outcome Yield(v8::Local<v8::Value> value);
  // Whether Hop(kTransfer) can work here (the backend CanTransfer()).
  bool CanTransfer() const;
  // All through one path (see fiber_core.cc): kResume/kThrow into `fiber`,
  // kYield out of the current one (`fiber` unused), kTransfer from the
  // current one into `fiber` (which takes over the current one's resumer).
  enum class Op { kResume, kThrow, kYield, kTransfer };
  Outcome Hop(Op op, FiberCore* fiber, v8::Local<v8::Value> value);
  // The JS object owning `fiber` is gone.
  void Drop(FiberCore* fiber);
  // Suspended fibers whose JS object was collected and that have not
  // finished unwinding (or were left suspended: at teardown, or a body that
  // kept yielding while being unwound).
  size_t orphaned() const { return orphaned_; }
  void ForgetOrphan() { orphaned_--; }
  void CountOrphan() { orphaned_++; }

 private:
  bool Bind(FiberCore* fiber);
  void Unbind(FiberCore* fiber);
  void RecordRunningQueues(FiberCore* fiber);
  bool NewQueueRunning(FiberCore* fiber);
  int CollectRunningQueues(v8::MicrotaskQueue** out);
  int RunningQueues(v8::MicrotaskQueue** out);
  v8::MicrotaskQueue* QueueOf(v8::Local<v8::Context> context);

  // The last context asked for its microtask queue (weak) and that queue: a
  // context's queue never changes, and resume/yield nearly always run in
  // the same context.
  v8::Global<v8::Context> queue_context_;
  v8::MicrotaskQueue* queue_of_context_ = nullptr;

  v8::Isolate* isolate_;
  std::unique_ptr<Backend> backend_;
  AsyncContextSwitch async_;
  // The yield check's way to tell the running microtask queues: the ring
  // where found (microtask_queues.h), else the API (the queues of the
  // current and the entered context).
  std::unique_ptr<MicrotaskQueueRing> ring_;
  FiberCore* current_ = nullptr;
  void SetCurrent(FiberCore* fiber) {
    current_ = fiber;
    *current_id_ = fiber != nullptr ? fiber->js_id : 0;
  }
  double no_id_cell_ = 0;
  double* current_id_ = &no_id_cell_;
  std::shared_ptr<v8::BackingStore> current_id_store_;
  size_t depth_ = 0;  // nesting of fibers on this thread
  size_t orphaned_ = 0;
};

}  // namespace switchyard

#endif

// fiber_core.cc: fiber lifecycle independent of how stacks are switched.
#include "fiber_core.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace switchyard {

const char* FailureCodeName(FailureCode code) {
  switch (code) {
    case FailureCode::kFiberState: return "ERR_FIBER_STATE";
    case FailureCode::kNotInFiber: return "ERR_NOT_IN_FIBER";
    case FailureCode::kYieldInMicrotask: return "ERR_YIELD_IN_MICROTASK";
    case FailureCode::kResources: return "ERR_FIBER_RESOURCES";
    case FailureCode::kCollected: return "ERR_FIBER_COLLECTED";
    case FailureCode::kNone: break;
  }
  return "ERR_FIBER";
}

FiberCore::FiberCore(FiberRuntime* runtime, v8::Local<v8::Context> context,
                     v8::Local<v8::Function> body, size_t stack_size)
    : runtime_(runtime),
      context_(runtime->isolate(), context),
      body_(runtime->isolate(), body),
      stack_size_(stack_size) {
  runtime->async_context()->Init(&async_context);
}

FiberCore::~FiberCore() {
  context_.Reset();
  body_.Reset();
  final_value.Reset();
  object_.Reset();
  unwind_error.Reset();
  collected_error_hook.Reset();
  collected_reaction_hook.Reset();
}

void FiberCore::SetObject(v8::Local<v8::Object> object) {
  object_.Reset(runtime_->isolate(), object);
  object_.SetWeak(this, OnCollected, v8::WeakCallbackType::kParameter);
}

v8::Local<v8::Value> FiberCore::Object(v8::Isolate* isolate) const {
  if (object_.IsEmpty()) return v8::Undefined(isolate);
  return object_.Get(isolate);
}

// First-pass weak callback, inside the GC: only notes the loss. A started,
// unfinished fiber is an orphan from now until it has been unwound (its
// NativeFiber's finalizer does that later, where JS may run).
void FiberCore::OnCollected(const v8::WeakCallbackInfo<FiberCore>& info) {
  FiberCore* fiber = info.GetParameter();
  fiber->object_.Reset();
  fiber->collected_ = true;
  if (fiber->state_ == FiberState::kSuspended) fiber->runtime_->CountOrphan();
}

void FiberCore::RunBody() {
  v8::Isolate* isolate = runtime_->isolate();
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> context = context_.Get(isolate);
  v8::Context::Scope context_scope(context);
  v8::TryCatch try_catch(isolate);
  runtime_->async_context()->Enter(&async_context);

  v8::Local<v8::Value> arg = v8::Local<v8::Value>::New(isolate, in_value);
  in_value.Clear();
  v8::Local<v8::Function> body = body_.Get(isolate);
  body_.Reset();  // the body may be collected while the fiber runs

  v8::MaybeLocal<v8::Value> result = body->Call(context, v8::Undefined(isolate), 1, &arg);
  runtime_->async_context()->Leave(&async_context, /*ending=*/true);
  if (!result.IsEmpty()) {
    out_mode = OutMode::kReturned;
    final_value.Reset(isolate, result.ToLocalChecked());
  } else if (try_catch.HasTerminated()) {
    out_mode = OutMode::kTerminated;
  } else {
    out_mode = OutMode::kThrew;
    final_value.Reset(isolate, try_catch.Exception());
  }
  out_value.Clear();
}

FiberRuntime::FiberRuntime(v8::Isolate* isolate, std::unique_ptr<Backend> backend)
    : isolate_(isolate),
      backend_(std::move(backend)),
      async_(isolate) {
  // SWITCHYARD_MICROTASK_CHECK=queues (tests) keeps the API's way.
  const char* check = std::getenv("SWITCHYARD_MICROTASK_CHECK");
  std::string why = "SWITCHYARD_MICROTASK_CHECK=queues";
  if (check == nullptr || std::strcmp(check, "queues") != 0) {
    v8::HandleScope scope(isolate);
    v8::Local<v8::Context> context = isolate->GetCurrentContext();
    ring_ = MicrotaskQueueRing::Discover(isolate, context.IsEmpty() ? nullptr : context->GetMicrotaskQueue(), &why);
  }
  if (const char* dbg = std::getenv("SWITCHYARD_DEBUG_HANDOFF"); dbg != nullptr && *dbg == '1') {
    if (ring_ != nullptr)
      std::fprintf(stderr, "switchyard: microtask queue ring: is-running flag at +0x%zx, link at +0x%zx\n",
                   ring_->flag_offset(), ring_->link_offset());
    else
      std::fprintf(stderr, "switchyard: microtask queue ring not used: %s\n", why.c_str());
  }
}

const char* FiberRuntime::MicrotaskCheck() const {
  return ring_ != nullptr ? "ring" : "queues";
}

FiberRuntime::~FiberRuntime() {
  queue_context_.Reset();
  if (backend_) backend_->Shutdown();
}

v8::MicrotaskQueue* FiberRuntime::QueueOf(v8::Local<v8::Context> context) {
  if (queue_context_ != context) {
    queue_of_context_ = context->GetMicrotaskQueue();
    queue_context_.Reset(isolate_, context);
    queue_context_.SetWeak();  // cleared when the context is collected
  }
  return queue_of_context_;
}

// The API's way, where the ring was not found: the queues running now among
// those that can matter (the current and the entered context's, the
// isolate's default one by its flag), at most kMaxQueues, in *out; returns
// how many. The isolate's default queue (the main context's in Node) has no
// MicrotaskQueue* we can ask for cheaply; its running flag is recorded under
// this sentinel, the same way at resume and at yield.
static v8::MicrotaskQueue* DefaultQueueSentinel(v8::Isolate* isolate) {
  return reinterpret_cast<v8::MicrotaskQueue*>(isolate);
}

int FiberRuntime::CollectRunningQueues(v8::MicrotaskQueue** out) {
  int n = 0;
  v8::Local<v8::Context> current = isolate_->GetCurrentContext();
  if (!current.IsEmpty()) {
    v8::MicrotaskQueue* q = QueueOf(current);
    if (q != nullptr && q->IsRunningMicrotasks()) out[n++] = q;
  }
  v8::Local<v8::Context> entered = isolate_->GetEnteredOrMicrotaskContext();
  if (!entered.IsEmpty() && entered != current) {
    v8::MicrotaskQueue* q = QueueOf(entered);
    if (q != nullptr && (n == 0 || out[0] != q) && q->IsRunningMicrotasks()) out[n++] = q;
  }
  if (v8::MicrotasksScope::IsRunningMicrotasks(isolate_)) out[n++] = DefaultQueueSentinel(isolate_);
  return n;
}

// How many queues run now (the first kMaxQueues of them in *out).
int FiberRuntime::RunningQueues(v8::MicrotaskQueue** out) {
  return ring_ != nullptr ? ring_->Running(out, FiberCore::kMaxQueues) : CollectRunningQueues(out);
}

void FiberRuntime::RecordRunningQueues(FiberCore* fiber) { fiber->running_count_ = RunningQueues(fiber->running_queues_); }

// A queue that ran at resume runs until its loop, suspended below the
// resumer, returns: any other running now started on this fiber.
bool FiberRuntime::NewQueueRunning(FiberCore* fiber) {
  v8::MicrotaskQueue* now[FiberCore::kMaxQueues];
  const int n = RunningQueues(now);
  if (n == 0) return false;  // nearly always
  if (n > fiber->running_count_) return true;
  const int recorded = std::min(fiber->running_count_, FiberCore::kMaxQueues);
  for (int i = 0; i < std::min(n, FiberCore::kMaxQueues); i++) {
    bool was = false;
    for (int j = 0; j < recorded; j++) was = was || fiber->running_queues_[j] == now[i];
    if (!was) return true;
  }
  return false;
}

Outcome FiberRuntime::Yield(v8::Local<v8::Value> value) { return Hop(Op::kYield, nullptr, value); }

bool FiberRuntime::CanTransfer() const { return backend_->CanTransfer(); }

// Why `fiber` cannot be switched into now (nullptr: it can).
static const char* NotSwitchable(const FiberCore* fiber, const FiberCore* current) {
  switch (fiber->state()) {
    case FiberState::kRunning:
      return fiber == current ? "a fiber cannot resume itself"
                              : "fiber is already running (it is resuming another fiber)";
    case FiberState::kDone:
      return "fiber has already finished";
    case FiberState::kCreated:
    case FiberState::kSuspended:
      break;
  }
  return nullptr;
}

// The GC is told what a started fiber costs outside the JS heap (its
// stack's resident pages and V8's per-thread data, about this much when
// idle): V8 sees only a few hundred bytes of JS objects per fiber, and a
// program that drops suspended fibers but allocates little would otherwise
// map tens of thousands of stacks before any GC collects (and unwinds) them.
constexpr int64_t kStartedFiberCost = 16 * 1024;

// Binds execution resources before a fiber's first switch-in: false if none
// could be had (nothing changed). Unbind gives them back (the fiber ended,
// or its object is gone).
bool FiberRuntime::Bind(FiberCore* fiber) {
  if (fiber->backend_data != nullptr) return true;
  if (!backend_->Prepare(fiber)) return false;
  isolate_->AdjustAmountOfExternalAllocatedMemory(kStartedFiberCost);
  return true;
}

void FiberRuntime::Unbind(FiberCore* fiber) {
  if (fiber->backend_data == nullptr) return;
  backend_->Release(fiber);
  isolate_->AdjustAmountOfExternalAllocatedMemory(-kStartedFiberCost);
}

// Resume, yield and transfer share this function and its one call into the
// backend (which reaches the stack switch through one call site as well):
// after a switch the CPU's return-address stack holds the other side's call
// chain, and when that chain is the same code the returns on the way back up
// are predicted instead of each missing.
Outcome FiberRuntime::Hop(Op op, FiberCore* fiber, v8::Local<v8::Value> value) {
  const bool in = op == Op::kResume || op == Op::kThrow;
  FiberCore* next = nullptr;  // a transfer's target
  if (in) {
    if (const char* why = NotSwitchable(fiber, current_)) return Outcome::Fail(FailureCode::kFiberState, why);
    if (fiber->state_ == FiberState::kCreated && op == Op::kThrow) {
      // Like generator.throw() before the first next(): the body never
      // runs, the fiber is finished and the error comes straight back.
      fiber->state_ = FiberState::kDone;
      fiber->body_.Reset();
      return Outcome::Throw(value);
    }
    if (!Bind(fiber)) return Outcome::Fail(FailureCode::kResources, backend_->ResourceError());

    fiber->in_mode = op == Op::kThrow ? InMode::kThrow : InMode::kValue;
    fiber->in_value = value;
    fiber->resumer_ = current_;
    RecordRunningQueues(fiber);
    SetCurrent(fiber);
    depth_++;
    fiber->state_ = FiberState::kRunning;
  } else {
    if (op == Op::kTransfer) next = fiber;
    fiber = current_;
    if (fiber == nullptr)
      return Outcome::Fail(FailureCode::kNotInFiber, next != nullptr ? "Fiber transfer called outside of a fiber"
                                                                     : "Fiber.yield() called outside of a fiber");
    // Being unwound after collection: no one is waiting for this yield; the
    // unwinding error comes back at once (bounded, see FiberCore).
    if (fiber->unwinding && fiber->unwind_rethrows < FiberCore::kMaxUnwindRethrows) {
      fiber->unwind_rethrows++;
      return Outcome::Throw(fiber->unwind_error.Get(isolate_));
    }
    if (next != nullptr) {
      if (!backend_->CanTransfer())
        return Outcome::Fail(FailureCode::kFiberState, "this backend cannot transfer between fibers");
      if (const char* why = NotSwitchable(next, fiber)) return Outcome::Fail(FailureCode::kFiberState, why);
    }
    if (NewQueueRunning(fiber))
      return Outcome::Fail(FailureCode::kYieldInMicrotask,
                           "Fiber.yield() called from a microtask that started inside the fiber; "
                           "suspending there would leave the microtask queue marked as running");
    if (next != nullptr) {
      if (!Bind(next)) return Outcome::Fail(FailureCode::kResources, backend_->ResourceError());
      // `next` takes this fiber's place under its resumer: same resumer, same
      // microtask queues running when it was resumed, same nesting depth.
      next->in_mode = InMode::kValue;
      next->in_value = value;
      next->resumer_ = fiber->resumer_;
      fiber->resumer_ = nullptr;
      // (the count may exceed the kMaxQueues recorded: the ring counts all)
      next->running_count_ = fiber->running_count_;
      for (int i = 0; i < std::min(fiber->running_count_, FiberCore::kMaxQueues); i++)
        next->running_queues_[i] = fiber->running_queues_[i];
      fiber->state_ = FiberState::kSuspended;
      next->state_ = FiberState::kRunning;
      SetCurrent(next);
    } else {
      fiber->out_mode = OutMode::kYielded;
      fiber->out_value = value;
    }
  }

  // The async context: the fiber side takes its own along (Leave here,
  // Enter once resumed); the resumer keeps its CPED across the resume.
  v8::Local<CpedData> resumer_cped;
  if (in) {
    resumer_cped = async_.CurrentCped();
  } else {
    async_.Leave(&fiber->async_context, /*ending=*/false);
  }

  (backend_.get()->*(in ? &Backend::SwitchIn : &Backend::SwitchOut))(fiber, next);

  // The value handed over is a handle in the other side's handle scope: that
  // side is suspended inside its own Hop, its scopes archived with it, and
  // the GC visits (and updates) archived handles. The binding reads it into
  // the return value or the exception before anything can switch again, so
  // it is used where it is instead of being copied into this scope.
  if (!in) {
    // Resumed (current_ == fiber again, set by the new resumer).
    async_.Enter(&fiber->async_context);
    v8::Local<v8::Value> v = fiber->in_value;
    fiber->in_value.Clear();
    return fiber->in_mode == InMode::kThrow ? Outcome::Throw(v) : Outcome::Value(v);
  }

  // Back from the fiber we resumed or, when it transferred, from the fiber
  // that took its place: the one that was running until now.
  async_.RestoreCped(resumer_cped);
  fiber = current_;
  depth_--;
  SetCurrent(fiber->resumer_);
  fiber->resumer_ = nullptr;

  switch (fiber->out_mode) {
    case OutMode::kYielded: {
      fiber->state_ = FiberState::kSuspended;
      v8::Local<v8::Value> v = fiber->out_value;
      fiber->out_value.Clear();
      return Outcome::Value(v);
    }
    case OutMode::kReturned:
    case OutMode::kThrew: {
      fiber->state_ = FiberState::kDone;
      async_.Destroy(&fiber->async_context);
      Unbind(fiber);
      v8::Local<v8::Value> v = fiber->final_value.Get(isolate_);
      fiber->final_value.Reset();
      return fiber->out_mode == OutMode::kReturned ? Outcome::Value(v) : Outcome::Throw(v);
    }
    case OutMode::kTerminated:
      fiber->state_ = FiberState::kDone;
      async_.Destroy(&fiber->async_context);
      Unbind(fiber);
      return Outcome{Outcome::kTerminated, {}, FailureCode::kNone, nullptr};
  }
  return Outcome::Value(v8::Undefined(isolate_));
}

void FiberRuntime::Drop(FiberCore* fiber) {
  Unbind(fiber);
}

}  // namespace switchyard

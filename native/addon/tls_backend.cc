// tls_backend.cc: fibers on their own native stacks in the same OS thread.
//
// V8 must see each fiber as a separate thread so that v8::Unlocker/Locker
// archive and restore the per-thread state (ThreadLocalTop, handle scopes,
// stack guard) and the GC walks the archived stacks. V8's thread identity is
// kept in thread_local variables of the executable, so each fiber carries its
// own thread id and stack start (v8_handoff/tls_identity.h), written into the
// executable's static TLS block around every switch. See ARCHITECTURE.md,
// "JavaScript fibers".
//
// A *carrier* is the reusable part of a fiber: stack, machine context, TLS
// identity (with the V8 thread id it was given; V8 never reuses ids, so
// carriers are pooled). Its entry function loops: run one fiber body, park.
//
// Handing V8 over at a switch: where V8's internals allow it (V8Handoff,
// v8_handoff/v8_handoff.h) the sender archives its V8 thread state and keeps the big
// lock, and the receiver restores its own; otherwise (and always into a
// body's first entry, which takes a v8::Locker, and out of a finished body,
// whose ~Locker gave the lock up) through v8::Unlocker / its destructor. The
// receiver does whatever the sender's way requires: the sender says which
// through the value sy_switch hands over (kWakeHeld / kWakeUnlocked).
// SWITCHYARD_FIBER_HANDOFF=locker forces Unlocker/Locker everywhere.
#include <v8.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "backend.h"
#include "fiber_core.h"
#include "fiber_stack.h"
#include "switchyard/context.h"
#include "v8_handoff/stack_limit.h"
#include "v8_handoff/tls_identity.h"
#include "v8_handoff/v8_handoff.h"

namespace switchyard {

namespace {

// Headroom between V8's JS stack limit and the end of the fiber stack, for
// the C++ frames (runtime functions, API callbacks, this file) that run
// below the last JS frame once the limit is hit.
constexpr size_t kStackMargin = 128 * 1024;
// Idle carriers kept for reuse.
constexpr size_t kPoolMax = 64;

class TlsBackend;

struct Carrier {
  TlsBackend* backend = nullptr;
  FiberStack stack;
  sy_context context;
  TlsIdentity identity;       // its V8 thread identity while it is not running (the id kept across reuse)
  bool fresh_identity = true;  // next switch in starts a body, which takes its own v8::Locker
  // Parked inside its v8::Locker with its V8 state archived, like a suspended
  // fiber (see CarrierMain): the next body's switch in is a direct hand-off.
  bool warm = false;
  bool quit = false;  // set before switching into a warm carrier to end its Locker
  FiberCore* fiber = nullptr;
  // V8's PerIsolateThreadData of the running body's identity (V8Handoff),
  // looked up once per body.
  void* per_thread = nullptr;
  // Set by every switch in: where to go back to, and whose identity to restore.
  sy_context* resumer_context = nullptr;
  TlsIdentity* resumer_identity = nullptr;
  Carrier* resumer_carrier = nullptr;  // nullptr: the thread's own stack
  // Its value of the isolate's stack-size word (V8 >= 13, see RestoreLimit),
  // taken once its Locker set its limit.
  uintptr_t stack_size_word = 0;
};

// What sy_switch hands the side it switches to: how V8 was handed over.
void* const kWakeUnlocked = reinterpret_cast<void*>(uintptr_t{1});  // lock released: lock + restore
void* const kWakeHeld = reinterpret_cast<void*>(uintptr_t{2});      // lock kept: V8Handoff::Restore
void* const kWakeSwapped = reinterpret_cast<void*>(uintptr_t{3});   // handed over whole: V8Handoff::Swap

// sy_switch, entered without pushing a return address onto the CPU's
// return-address stack: the resume address goes onto the stack by hand and
// the call is a jump. sy_switch resumes the other side with an indirect jump
// (never a `ret`), so a `call` here left one entry that no return consumed:
// every return after a switch was then predicted one frame off and missed,
// even with both sides in the same code. Same registers as a call: the
// arguments in rdi/rsi/rdx, the value back in rax, every caller-saved
// register clobbered; the 128 bytes below the stack pointer (the red zone)
// are stepped over before pushing.
inline void* SwitchStack(sy_context* from, sy_context* to, void* value) {
#if defined(__x86_64__) && defined(__linux__)
  void* result;
  __asm__ volatile(
      "sub $128, %%rsp\n\t"
      "lea 1f(%%rip), %%rax\n\t"
      "push %%rax\n\t"
      "jmp sy_switch@PLT\n"
      "1:\n\t"
      "add $128, %%rsp"
      : "=a"(result), "+D"(from), "+S"(to), "+d"(value)
      :
      : "rcx", "r8", "r9", "r10", "r11", "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
        "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
        "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
  return result;
#else
  return sy_switch(from, to, value);
#endif
}

// Room for a v8::Unlocker whose lifetime spans a switch.
struct UnlockerSlot {
  alignas(v8::Unlocker) unsigned char bytes[sizeof(v8::Unlocker)];
  v8::Unlocker* get() { return reinterpret_cast<v8::Unlocker*>(bytes); }
};

class TlsBackend final : public Backend {
 public:
  TlsBackend(v8::Isolate* isolate, V8Handoff* handoff)
      : isolate_(isolate), handoff_(handoff), live_(TlsLiveBlock()) {
    set_stack_start_ = handoff_ != nullptr && handoff_->SetsStackStart();
  }
  ~TlsBackend() override { Shutdown(); }

  const char* Name() const override { return "tls"; }

  bool Prepare(FiberCore* fiber) override {
    Carrier* c = Acquire(fiber->stack_size());
    if (c == nullptr) return false;
    c->fiber = fiber;
    c->fresh_identity = !c->warm;
    if (c->warm) warm_parked_--;
    c->identity.stack_start = reinterpret_cast<uintptr_t>(c->stack.base) + c->stack.size;
    fiber->backend_data = c;
    active_++;
    return true;
  }

  // SwitchIn and SwitchOut are one function (they only jump to it): with
  // FiberRuntime::Hop and the binding's one callback, both sides of a switch
  // then run the same code down to the stack switch, and SwitchStack enters
  // sy_switch without a return-stack entry, so after every switch the CPU's
  // return-address stack holds a chain that matches ours and the returns up
  // to the JS caller are predicted (about 30 ns of a round trip on this
  // machine; see SwitchStack).
  void SwitchIn(FiberCore* fiber, FiberCore*) override { Switch(fiber, nullptr, true); }
  void SwitchOut(FiberCore* fiber, FiberCore* next) override { Switch(fiber, next, false); }
  bool CanTransfer() const override { return true; }

  // in: the running side (a carrier or the thread's own stack) switches into
  // `fiber`'s carrier and becomes its resumer. Out: `fiber`'s carrier
  // switches to its resumer, or with `next` (a transfer) to next's carrier,
  // which takes over the resumer: where to go back to and whose identity to
  // restore then.
  __attribute__((noinline)) void Switch(FiberCore* fiber, FiberCore* next, bool in) {
    SwitchCarrier(static_cast<Carrier*>(fiber->backend_data),
                  next != nullptr ? static_cast<Carrier*>(next->backend_data) : nullptr, in);
  }

  __attribute__((always_inline)) void SwitchCarrier(Carrier* c, Carrier* next, bool in) {
    Carrier* self = in ? running_ : c;  // who runs now
    Carrier* target = in ? c : next;
    uint8_t* live = live_;
    // Switching in, the resumer keeps its identity and context in this
    // frame while the fiber runs; its stack limit (V8's default for a
    // thread's stack, or a carrier's) is re-applied after switching back
    // (see RestoreLimit).
    TlsIdentity resumer_identity;
    sy_context resumer_context;
    uintptr_t limit;
    if (in) {
      limit = LimitStateNow();
      c->resumer_context = &resumer_context;
      c->resumer_identity = &resumer_identity;
      c->resumer_carrier = self;
    } else {
      if (__builtin_expect(!FiberStackIntact(c->stack), 0)) FiberStackOverflowAbort(c->stack);
      limit = LimitStateOf(c);
      if (target != nullptr) {
        target->resumer_context = c->resumer_context;
        target->resumer_identity = c->resumer_identity;
        target->resumer_carrier = c->resumer_carrier;
      }
    }
    // A body's first entry takes its own v8::Locker: give the lock away.
    // Back to a resumer, which is always inside this function: keep it.
    const bool held = handoff_ != nullptr && (target == nullptr || !target->fresh_identity);
    Carrier* receiver = target != nullptr ? target : c->resumer_carrier;
    const TlsIdentity& receiver_identity = target != nullptr ? target->identity : *c->resumer_identity;
    UnlockerSlot unlocker;
    void* way = GiveAway(self, live, held, receiver, receiver_identity.thread_id, &unlocker);
    *(in ? &resumer_identity : &c->identity) = TlsReadIdentity(live, layout_);
    if (target != nullptr) target->fresh_identity = false;
    TlsWriteIdentity(live, layout_, receiver_identity);
    running_ = receiver;
    sy_context* from = in ? &resumer_context : &c->context;
    sy_context* to = target != nullptr ? &target->context : c->resumer_context;
    // A fresh carrier's entry (CarrierMain) takes its Carrier as argument.
    void* value = way != kWakeUnlocked ? way : target != nullptr ? static_cast<void*>(target) : kWakeUnlocked;
    void* wake = SwitchStack(from, to, value);  // one site: one resume address for both sides
    // Switched back to: the other side wrote our identity back.
    running_ = self;
    TakeBack(self, live, wake, &unlocker);
    PointHeapAtThisStack(live);
    RestoreLimit(limit);
  }

  // Re-points the heap's stack start (used by conservative stack scanning)
  // at the running stack after a switch: Isolate::Enter reads it from the
  // TLS stack-start slot, and where the hand-off knows Enter's code it sets
  // it from there itself.
  void PointHeapAtThisStack(const uint8_t* live) {
    void* start = nullptr;
    if (set_stack_start_) start = reinterpret_cast<void*>(TlsReadIdentity(live, layout_).stack_start);
    if (start != nullptr) {
      handoff_->SetStackStart(start);
    } else {  // or not cached on this thread yet: Enter finds it
      isolate_->Enter();
      isolate_->Exit();
    }
  }

  void Release(FiberCore* fiber) override {
    Carrier* c = static_cast<Carrier*>(fiber->backend_data);
    if (c == nullptr) return;
    fiber->backend_data = nullptr;
    active_--;
    if (c->fiber != nullptr) {
      // Still suspended inside a body: V8 holds archived state that points
      // into this stack. Keep it mapped and never run it again.
      c->fiber = nullptr;
      orphans_.push_back(c);
      return;
    }
    if (c->warm || pool_.size() < kPoolMax) {  // warm ones are few (CarrierMain)
      pool_.push_back(c);
    } else {
      Destroy(c);
    }
  }

  BackendStats Stats() const override {
    BackendStats s;
    s.pooled = pool_.size();
    s.active = active_;
    s.orphaned = orphans_.size();
    s.created = created_;
    return s;
  }

  const char* ResourceError() const override { return resource_error_.c_str(); }

  bool CurrentStack(void** base, size_t* size, bool* guarded) const override {
    if (running_ == nullptr) return false;
    *base = running_->stack.base;
    *size = running_->stack.size;
    *guarded = running_->stack.guarded;
    return true;
  }

  void Shutdown() override {
    // Parked carriers: a warm one first leaves its v8::Locker (switched in
    // to quit), then all are freed. Orphans and carriers of suspended
    // fibers stay mapped (the process or isolate is going away and V8 may
    // still look at their archived frames while tearing down).
    for (Carrier* c : pool_) {
      if (c->warm) {
        if (running_ != nullptr) continue;  // not from a fiber's stack: leave it mapped
        c->quit = true;
        SwitchCarrier(c, nullptr, true);
      }
      Destroy(c);
    }
    pool_.clear();
    warm_parked_ = 0;
  }

  // Runs on the carrier's stack: one fiber body after another. A body's
  // first entry takes a v8::Locker. Where V8 is handed over directly, the
  // carrier then keeps that Locker across bodies: a finished body parks the
  // carrier with its V8 state archived, as a yield would, and the next
  // body's switch in restores it (instead of ~Locker freeing this "thread"'s
  // V8 resources and the next Locker setting them up again, about half of a
  // fiber's spawn + run + finish). At most kPoolMax carriers park warm; the
  // others, and all without the direct hand-off, end their Locker after
  // each body.
  static void CarrierMain(void* arg) {
    Carrier* c = static_cast<Carrier*>(arg);
    TlsBackend* self = c->backend;
    for (;;) {
      self->RunBodies(c);
      // The Locker is gone and has freed this "thread"'s V8 resources.
      // Drop its per-thread metadata (the id stays ours for the next body).
      self->isolate_->DiscardThreadSpecificMetadata();
      c->per_thread = nullptr;
      uint8_t* live = TlsLiveBlock();
      c->identity = TlsReadIdentity(live, self->layout_);  // the id V8 gave it, for the next body
      c->fresh_identity = true;
      c->warm = false;
      c->fiber = nullptr;
      TlsWriteIdentity(live, self->layout_, *c->resumer_identity);
      self->running_ = c->resumer_carrier;
      // ~Locker released the lock.
      sy_switch(&c->context, c->resumer_context, kWakeUnlocked);
      // Switched in again with a new fiber.
    }
  }

 private:
  static uintptr_t CarrierLimit(const Carrier* c) {
    return reinterpret_cast<uintptr_t>(c->stack.base) + kStackMargin;
  }

  // Unlocker/Locker archive and restore the per-thread StackGuard, but V8
  // >= 13 also keeps an isolate-wide stack size computed by SetStackLimit
  // from the TLS stack start (GetStackStart() - limit); it decides whether
  // code runs on the "central stack", which V8 14 (Node 26) CHECKs when it
  // throws a stack overflow. Each stack's value of it never changes, so
  // where the probe found the word (StackSizeWordOffset) a switch stores the
  // incoming stack's value back, one store; elsewhere it sets the same limit
  // again, which recomputes it (the execution-access lock and the TLS
  // stack-start lookup, about 330 instructions a switch). V8 11 and 12
  // (Node 20 and 22) have no such field (12.4's SetStackLimit only sets the
  // per-thread limits, which the hand-off has just restored), so it is all
  // compiled out there. `state` comes from LimitStateNow / LimitStateOf.
#if V8_MAJOR_VERSION >= 13
  static constexpr bool kRestoreLimit = true;
#else
  static constexpr bool kRestoreLimit = false;
#endif
  void RestoreLimit(uintptr_t state) {
    if (!kRestoreLimit) return;
    if (stack_size_word_ == nullptr) {
      isolate_->SetStackLimit(state);
      return;
    }
    *stack_size_word_ = state;
    // SWITCHYARD_CHECK_SWAP=1: what SetStackLimit computes must be what was stored
    if (__builtin_expect(V8Handoff::CheckingSwaps(), 0)) CheckStackSizeWord();
  }
  // The running stack's limit state, to put back once switched back to.
  uintptr_t LimitStateNow() const {
    if (!kRestoreLimit) return 0;
    return stack_size_word_ != nullptr ? *stack_size_word_ : StackLimitCurrent(isolate_);
  }
  // Carrier c's, for when it is switched back to.
  uintptr_t LimitStateOf(const Carrier* c) const {
    if (!kRestoreLimit) return 0;
    return stack_size_word_ != nullptr ? c->stack_size_word : CarrierLimit(c);
  }
  void CheckStackSizeWord() {
    const uintptr_t stored = *stack_size_word_;
    isolate_->SetStackLimit(StackLimitCurrent(isolate_));
    if (*stack_size_word_ != stored) {
      std::fprintf(stderr,
                   "switchyard: SWITCHYARD_CHECK_SWAP: the stack-size word restored after a switch (%#lx) is not "
                   "what SetStackLimit computes (%#lx)\n",
                   static_cast<unsigned long>(stored), static_cast<unsigned long>(*stack_size_word_));
      std::abort();
    }
  }

  // The running V8 thread (carrier `self`, or the thread's own stack) hands
  // V8 over to `receiver` (nullptr: the thread's own stack) before a
  // switch, keeping the lock (V8Handoff), or releasing it; says which way
  // (a kWake value). Keeping it, where the receiver has archived before
  // (its per-thread data is cached), both halves at once if they can be.
  void* GiveAway(Carrier* self, uint8_t* live, bool held, Carrier* receiver, int32_t receiver_id,
                 UnlockerSlot* unlocker) {
    if (handoff_ == nullptr) {
      new (unlocker->bytes) v8::Unlocker(isolate_);
      return kWakeUnlocked;
    }
    if (!held) {
      handoff_->ArchiveAndUnlock();
      return kWakeUnlocked;
    }
    void* self_per_thread = PerThread(self);
    const int32_t self_id = ThreadId(live);
    void* receiver_per_thread = receiver != nullptr ? receiver->per_thread : native_per_thread_;
    if (receiver_per_thread != nullptr && handoff_->Swap(self_per_thread, self_id, receiver_per_thread, receiver_id))
      return kWakeSwapped;
    handoff_->Archive(self_per_thread, self_id);
    return kWakeHeld;
  }

  // ... and takes it back once switched to again, the way the sender chose.
  void TakeBack(Carrier* self, uint8_t* live, void* wake, UnlockerSlot* unlocker) {
    if (handoff_ == nullptr) {
      unlocker->get()->~Unlocker();
    } else if (wake == kWakeSwapped) {
      // nothing left to do
    } else if (wake == kWakeHeld) {
      handoff_->Restore(PerThread(self), ThreadId(live));
    } else {
      handoff_->LockAndRestore();
    }
  }

  int32_t ThreadId(const uint8_t* live) const { return TlsReadIdentity(live, layout_).thread_id; }

  // V8's per-thread data of the running identity (allocated on first use).
  void* PerThread(Carrier* self) {
    void** slot = self != nullptr ? &self->per_thread : &native_per_thread_;
    if (*slot == nullptr) *slot = handoff_->PerThread();
    return *slot;
  }

  // Bodies under one v8::Locker: until the carrier cannot park warm, or
  // is told to quit.
  void RunBodies(Carrier* c) {
    v8::Locker locker(isolate_);
    isolate_->SetStackLimit(CarrierLimit(c));
    if (stack_size_word_ != nullptr) c->stack_size_word = *stack_size_word_;
    isolate_->Enter();
    isolate_->Exit();
    for (;;) {
      c->fiber->RunBody();
      if (__builtin_expect(!FiberStackIntact(c->stack), 0)) FiberStackOverflowAbort(c->stack);
      if (handoff_ == nullptr || warm_parked_ >= kPoolMax) return;
      c->fiber = nullptr;
      c->warm = true;
      warm_parked_++;
      Park(c);
      if (c->quit) return;
    }
  }

  // A finished body's carrier back to its resumer with V8 handed over
  // directly, as at a yield; returns when switched in with the next body
  // (or to quit).
  __attribute__((noinline)) void Park(Carrier* c) {
    uint8_t* live = live_;
    Carrier* receiver = c->resumer_carrier;
    UnlockerSlot unlocker;
    void* way = GiveAway(c, live, true, receiver, c->resumer_identity->thread_id, &unlocker);
    c->identity = TlsReadIdentity(live, layout_);
    TlsWriteIdentity(live, layout_, *c->resumer_identity);
    running_ = receiver;
    void* wake = SwitchStack(&c->context, c->resumer_context, way);
    running_ = c;
    TakeBack(c, live, wake, &unlocker);
    PointHeapAtThisStack(live);
    RestoreLimit(LimitStateOf(c));
  }

  Carrier* Acquire(size_t stack_size) {
    for (size_t i = pool_.size(); i-- > 0;) {
      if (pool_[i]->stack.size == stack_size) {
        Carrier* c = pool_[i];
        pool_.erase(pool_.begin() + static_cast<long>(i));
        return c;
      }
    }
    Carrier* c = new (std::nothrow) Carrier();
    if (c == nullptr) {
      resource_error_ = "could not allocate a fiber carrier: out of memory";
      return nullptr;
    }
    c->backend = this;
    if (!FiberStackAlloc(&c->stack, stack_size, &resource_error_)) {
      delete c;
      return nullptr;
    }
    sy_context_make(&c->context, c->stack.base, c->stack.size, CarrierMain);
    created_++;
    return c;
  }

  void Destroy(Carrier* c) {
    FiberStackFree(&c->stack);
    delete c;
  }

  v8::Isolate* isolate_;
  std::unique_ptr<V8Handoff> handoff_;  // nullptr: Unlocker/Locker
  Carrier* running_ = nullptr;          // whose stack runs (nullptr: the thread's own)
  void* native_per_thread_ = nullptr;   // the thread's own PerIsolateThreadData
  uint8_t* live_;                       // this thread's instance of the TLS block
  TlsLayout layout_ = TlsGetLayout();   // where the identity slots are in it
  bool set_stack_start_ = false;  // V8Handoff::SetStackStart instead of Enter + Exit
  // The isolate's stack-size word (RestoreLimit), where the probe found it.
  uintptr_t* stack_size_word_ =
      kRestoreLimit && StackSizeWordOffset() != 0
          ? reinterpret_cast<uintptr_t*>(reinterpret_cast<char*>(isolate_) + StackSizeWordOffset())
          : nullptr;
  std::vector<Carrier*> pool_;
  std::vector<Carrier*> orphans_;
  size_t active_ = 0;
  size_t created_ = 0;
  size_t warm_parked_ = 0;  // carriers parked inside their Locker (CarrierMain)
  std::string resource_error_;  // why the last Prepare failed
};

}  // namespace

std::unique_ptr<Backend> CreateTlsBackend(v8::Isolate* isolate, std::string* error) {
  if (!TlsDiscover(isolate, error)) return nullptr;
  if (!StackLimitDiscover(isolate, error)) return nullptr;
  const char* dbg = std::getenv("SWITCHYARD_DEBUG_HANDOFF");
  const bool debug = dbg != nullptr && *dbg == '1';
  if (debug)
    std::fprintf(stderr, "switchyard: isolate stack-size word: %s\n",
                 StackSizeWordOffset() != 0 ? ("+" + std::to_string(StackSizeWordOffset())).c_str() : "none");
  if (TlsLiveBlock() == nullptr) {
    *error = "this thread has no instance of the executable's TLS block";
    return nullptr;
  }
  V8Handoff* handoff = nullptr;
  const char* mode = std::getenv("SWITCHYARD_FIBER_HANDOFF");
  std::string why = "SWITCHYARD_FIBER_HANDOFF=locker";
  if (mode == nullptr || std::string(mode) != "locker") {
    // unavailable: Unlocker/Locker, which is always correct
    handoff = V8Handoff::Create(isolate, TlsReadIdentity(TlsLiveBlock(), TlsGetLayout()).thread_id, &why);
  }
  V8Handoff::SetMode(handoff != nullptr ? "v8" : "locker: " + why);
  return std::unique_ptr<Backend>(new TlsBackend(isolate, handoff));
}

}  // namespace switchyard

// threads_backend.cc: the fallback backend, public V8 API only. Every fiber
// body runs on an OS thread of its own; V8 supports one isolate used by many
// threads through v8::Locker/v8::Unlocker, which archive and restore the
// per-thread state (ThreadLocalTop, handle scopes, stack guard) and let the
// GC walk the stacks of threads that gave the isolate away. See
// ARCHITECTURE.md, "JavaScript fibers".
//
// Strict handoff: exactly one of a resumer and its fiber runs at a time. The
// baton is one futex word per carrier that names whose turn it is; the side
// that gives up the isolate leaves it through v8::Unlocker *before* passing
// the baton, so the other side's v8::Locker never contends. A waiter may
// spin (adaptively, off by default: see kDefaultSpin for the measurements)
// and yields once before sleeping; a passer only makes the wake system call
// when the waiter has announced that it sleeps.
//
// Isolate entry: Isolate::Enter/Exit keep a per-isolate stack of entries,
// not a per-thread one, so an entry held across a handoff would end up
// interleaved with other threads' entries (and a fiber left suspended at
// exit would keep the isolate "in use" in Isolate::Dispose). A carrier
// thread therefore enters the isolate right after taking the lock and exits
// right before giving it away: the entry stack is the same at every handoff.
// A native thread (Node's main thread, a worker) keeps Node's own entry and
// does Enter();Exit() after re-locking, which re-points the heap's stack
// start (conservative stack scanning) at its own stack again.
//
// A *carrier* is one OS thread plus its baton; carriers are pooled (bounded)
// so a program that keeps creating fibers reuses threads, and with them V8
// thread ids. A suspended fiber whose JS object was collected is unwound
// (collected_fiber.cc): its thread is resumed, the body ends and the carrier
// is pooled like any other. Threads of suspended fibers released without
// that (at environment teardown, or a body that refused to unwind:
// "orphans") stay blocked on their baton for the rest of the process: their
// archived frames are still known to V8, so the stack must stay mapped. At
// process exit they are simply never woken (exit_group ends them).
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <v8.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "backend.h"
#include "fiber_core.h"

namespace switchyard {

namespace {

// Headroom between V8's JS stack limit and the low end of the thread's
// stack, for the C++ frames that run below the last JS frame once the limit
// is hit (same figure as the tls backend).
constexpr size_t kStackMargin = 128 * 1024;
// Idle carrier threads kept for reuse.
constexpr size_t kPoolMax = 64;
// Waiting for the baton: first an adaptive spin of up to `spin` polls with
// a `pause` (see WaitTurn), then `yields` sched_yield() calls, then a futex
// sleep. SWITCHYARD_THREADS_SPIN / SWITCHYARD_THREADS_YIELDS override them.
// Measured on the 2-core VM (round trip = resume + yield, medians of 5 runs
// of 20k): no spin, one yield: 5-5.5 us idle, 8-11 us with load ~12, with
// rare 40-90 us runs when the two threads sit on different, idle vCPUs (a
// futex wake then costs an idle-exit); spin 100000: 2 us when the threads
// happen to run on different vCPUs, but 9-10 us in most runs (both threads
// share one vCPU: the spin only delays the peer) and 60-1300 us under load.
// So the default does not spin; one sched_yield() lets a peer woken onto
// our vCPU run before we sleep (~15% better than sleeping at once).
constexpr uint32_t kDefaultSpin = 0;
constexpr uint32_t kSpinFloor = 64;
constexpr uint32_t kDefaultYields = 1;

// Baton word: whose turn it is, plus a flag set by a waiter that sleeps.
constexpr uint32_t kTurnResumer = 0;
constexpr uint32_t kTurnFiber = 1;
constexpr uint32_t kTurnExit = 2;  // the carrier thread must end (idle only)
constexpr uint32_t kTurnMask = 3;
constexpr uint32_t kSleeping = 4;

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#else
  asm volatile("" ::: "memory");
#endif
}

inline long Futex(std::atomic<uint32_t>* word, int op, uint32_t value) {
  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t), "futex word");
  return syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), op | FUTEX_PRIVATE_FLAG, value,
                 nullptr, nullptr, 0);
}

uint32_t NumberFromEnv(const char* name, uint32_t fallback) {
  const char* s = std::getenv(name);
  if (s == nullptr || *s == '\0') return fallback;
  char* end = nullptr;
  unsigned long v = std::strtoul(s, &end, 10);
  if (end == s) return fallback;
  return static_cast<uint32_t>(std::min<unsigned long>(v, 100000000UL));
}

class ThreadsBackend;

struct Carrier {
  ThreadsBackend* backend = nullptr;
  v8::Isolate* isolate = nullptr;
  pthread_t thread{};
  size_t stack_size = 0;       // requested (pthread_attr_setstacksize)
  uintptr_t stack_lo = 0;      // lowest usable address, read by the thread itself
  std::atomic<uint32_t> baton{kTurnResumer};
  uint32_t spin = kDefaultSpin;       // largest spin budget, in polls
  uint32_t budget[2] = {0, 0};        // current budgets: waiting as resumer, as fiber
  uint32_t yields = kDefaultYields;
  FiberCore* fiber = nullptr;  // bound fiber (nullptr while pooled or orphaned)
  bool in_body = false;        // a body started and has not finished
  bool discard_on_exit = true; // drop V8's per-thread data when the thread ends
};

// Waits until the baton names one of the turns in `want_mask` (bit per turn)
// and returns that turn.
// `budget` (nullptr: do not spin) adapts the spin to what it achieves: it
// doubles (up to c->spin) when the turn came while spinning and halves (down
// to kSpinFloor) when we had to sleep anyway. With idle CPUs both sides end
// up spinning and no hop needs a system call; when the CPUs are busy (the
// woken peer then usually lands on the spinner's own CPU, where spinning
// only delays it) it decays to a short probe.
uint32_t WaitTurn(Carrier* c, uint32_t want_mask, uint32_t* budget) {
  auto wanted = [want_mask](uint32_t v) { return ((1u << (v & kTurnMask)) & want_mask) != 0; };
  uint32_t v = c->baton.load(std::memory_order_acquire);
  if (budget != nullptr && c->spin != 0 && !wanted(v)) {
    uint32_t i = 0;
    for (; i < *budget && !wanted(v); i++) {
      CpuRelax();
      v = c->baton.load(std::memory_order_acquire);
    }
    uint32_t floor = std::min(kSpinFloor, c->spin);
    if (wanted(v))
      *budget = std::min(c->spin, std::max(floor, *budget * 2));
    else
      *budget = std::max(floor, *budget / 2);
  }
  for (uint32_t i = 0; i < c->yields && !wanted(v); i++) {
    sched_yield();
    v = c->baton.load(std::memory_order_acquire);
  }
  while (!wanted(v)) {
    // Announce the sleep; the passer then knows to wake us.
    if ((v & kSleeping) == 0 &&
        !c->baton.compare_exchange_weak(v, v | kSleeping, std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
      continue;  // v was reloaded
    }
    Futex(&c->baton, FUTEX_WAIT, v | kSleeping);
    v = c->baton.load(std::memory_order_acquire);
  }
  return v & kTurnMask;
}

// Returns true when the other side was awake (no wake-up was needed).
bool PassTurn(Carrier* c, uint32_t turn) {
  uint32_t old = c->baton.exchange(turn, std::memory_order_acq_rel);
  if ((old & kSleeping) == 0) return true;
  Futex(&c->baton, FUTEX_WAKE, 1);
  return false;
}

// The carrier whose thread this is (nullptr on native threads).
thread_local Carrier* tl_carrier = nullptr;

// V8 >= 12 keeps, next to the per-thread stack guard that Unlocker/Locker
// archive and restore, an isolate-wide stack size that SetStackLimit
// computes from the calling thread's stack start; V8 14 (Node 26) CHECKs on
// every throw that the thread is inside that range. After a carrier with a
// small stack ran, a throw deep in the main thread aborted the process. So
// each side sets its own limit again after every handoff. A native thread's
// limit is V8's (or Node's) choice and public API has no getter for it: it
// is measured once, below, by a JS recursion to the limit that records the
// deepest C++ callback frame (at most a few hundred bytes below the real
// limit, i.e. the thread gets that much more headroom).
int V8Major() { return std::atoi(v8::V8::GetVersion()); }

thread_local uintptr_t tl_probe_low = 0;

void ProbeRecord(const v8::FunctionCallbackInfo<v8::Value>&) {
  uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (here < tl_probe_low) tl_probe_low = here;
}

// The calling (native) thread's JS stack limit, approximately; 0 if the
// probe could not run.
uintptr_t ProbeStackLimit(v8::Isolate* isolate) {
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  if (context.IsEmpty()) return 0;
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Function> record;
  v8::Local<v8::Script> script;
  v8::Local<v8::Value> probe;
  const char* source =
      "(function (record) {"
      "  function down() { record(); down(); }"
      "  try { down(); } catch (e) { return e instanceof RangeError; }"
      "  return false;"
      "})";
  if (!v8::Function::New(context, ProbeRecord).ToLocal(&record) ||
      !v8::Script::Compile(context, v8::String::NewFromUtf8(isolate, source).ToLocalChecked())
           .ToLocal(&script) ||
      !script->Run(context).ToLocal(&probe) || !probe->IsFunction())
    return 0;
  tl_probe_low = ~uintptr_t{0};
  v8::Local<v8::Value> arg = record;
  v8::Local<v8::Value> overflowed;
  if (!probe.As<v8::Function>()->Call(context, v8::Undefined(isolate), 1, &arg).ToLocal(&overflowed) ||
      !overflowed->IsTrue() || tl_probe_low == ~uintptr_t{0})
    return 0;
  return tl_probe_low;
}

class ThreadsBackend final : public Backend {
 public:
  ThreadsBackend(v8::Isolate* isolate, uintptr_t native_limit)
      : isolate_(isolate),
        native_limit_(native_limit),
        spin_(NumberFromEnv("SWITCHYARD_THREADS_SPIN", kDefaultSpin)),
        yields_(NumberFromEnv("SWITCHYARD_THREADS_YIELDS", kDefaultYields)) {}
  ~ThreadsBackend() override { Shutdown(); }

  const char* Name() const override { return "threads"; }

  bool Prepare(FiberCore* fiber) override {
    Carrier* c = Acquire(fiber->stack_size());
    if (c == nullptr) return false;
    c->fiber = fiber;
    c->in_body = true;
    fiber->backend_data = c;
    active_++;
    return true;
  }

  void SwitchIn(FiberCore* fiber, FiberCore*) override {
    Carrier* c = static_cast<Carrier*>(fiber->backend_data);
    Carrier* self = tl_carrier;
    if (self != nullptr) isolate_->Exit();  // a fiber resuming a fiber
    {
      v8::Unlocker unlocker(isolate_);
      PassTurn(c, kTurnFiber);
      WaitTurn(c, 1u << kTurnResumer, &c->budget[0]);
    }
    isolate_->Enter();
    if (self == nullptr) {
      isolate_->Exit();  // only re-points the stack start
      if (native_limit_ != 0) isolate_->SetStackLimit(native_limit_);
    } else {
      SetCarrierLimit(self);
    }
  }

  // No transfers (CanTransfer() is false): the resumer waits on the baton
  // of the fiber it resumed, so a fiber taking over that resumer would have
  // to pass a baton it does not own. Not built; the scheduler then hops
  // through the resumer.
  void SwitchOut(FiberCore* fiber, FiberCore*) override {
    Carrier* c = static_cast<Carrier*>(fiber->backend_data);
    isolate_->Exit();
    {
      v8::Unlocker unlocker(isolate_);
      PassTurn(c, kTurnResumer);
      WaitTurn(c, 1u << kTurnFiber, &c->budget[1]);
    }
    isolate_->Enter();
    SetCarrierLimit(c);
  }

  void Release(FiberCore* fiber) override {
    Carrier* c = static_cast<Carrier*>(fiber->backend_data);
    if (c == nullptr) return;
    fiber->backend_data = nullptr;
    active_--;
    c->fiber = nullptr;
    if (c->in_body) {
      // Suspended inside a body: V8 holds archived state pointing into this
      // thread's stack. The thread stays blocked on its baton for good.
      orphans_.push_back(c);
      return;
    }
    if (pool_.size() < kPoolMax) {
      pool_.push_back(c);
    } else {
      Destroy(c, true);
    }
  }

  const char* ResourceError() const override { return resource_error_.c_str(); }

  BackendStats Stats() const override {
    BackendStats s;
    s.pooled = pool_.size();
    s.active = active_;
    s.orphaned = orphans_.size();
    s.created = created_;
    return s;
  }

  void Shutdown() override {
    // Idle threads hold no V8 state beyond their per-thread metadata: end
    // them and wait (the isolate is still alive here). Threads of suspended
    // fibers are detached and left blocked; their Carrier stays allocated
    // because they wait on its baton, and the process or the worker's
    // isolate is going away.
    for (Carrier* c : pool_) Destroy(c, true);
    pool_.clear();
    for (Carrier* c : orphans_) pthread_detach(c->thread);
    orphans_.clear();
  }

 private:
  static void* ThreadMain(void* arg) {
    Carrier* c = static_cast<Carrier*>(arg);
    tl_carrier = c;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void* addr = nullptr;
      size_t size = 0;
      if (pthread_attr_getstack(&attr, &addr, &size) == 0) c->stack_lo = reinterpret_cast<uintptr_t>(addr);
      pthread_attr_destroy(&attr);
    }
    for (;;) {
      uint32_t turn = WaitTurn(c, (1u << kTurnFiber) | (1u << kTurnExit), nullptr);
      if (turn == kTurnExit) break;
      RunOne(c);
      // ~Locker freed this thread's V8 resources; the outcome is in the
      // fiber's out_* fields. Hand back for good.
      c->in_body = false;
      PassTurn(c, kTurnResumer);
    }
    if (c->discard_on_exit) c->isolate->DiscardThreadSpecificMetadata();
    return nullptr;
  }

  // A new V8 thread gets a limit computed from --stack-size, which does not
  // fit this thread's stack: put it near the real end.
  static void SetCarrierLimit(Carrier* c) {
    if (c->stack_lo != 0) c->isolate->SetStackLimit(c->stack_lo + kStackMargin);
  }

  static void RunOne(Carrier* c) {
    v8::Isolate* isolate = c->isolate;
    v8::Locker locker(isolate);
    isolate->Enter();
    SetCarrierLimit(c);
    c->fiber->RunBody();
    isolate->Exit();
  }

  Carrier* Acquire(size_t stack_size) {
    for (size_t i = pool_.size(); i-- > 0;) {
      if (pool_[i]->stack_size == stack_size) {
        Carrier* c = pool_[i];
        pool_.erase(pool_.begin() + static_cast<long>(i));
        return c;
      }
    }
    Carrier* c = new Carrier();
    c->backend = this;
    c->isolate = isolate_;
    c->stack_size = stack_size;
    c->spin = spin_;
    c->budget[0] = c->budget[1] = spin_;
    c->yields = yields_;
    pthread_attr_t attr;
    int rc = pthread_attr_init(&attr);
    if (rc == 0) {
      rc = pthread_attr_setstacksize(&attr, stack_size);
      if (rc == 0) rc = pthread_create(&c->thread, &attr, ThreadMain, c);
      pthread_attr_destroy(&attr);
    }
    if (rc != 0) {
      delete c;
      // One OS thread per fiber: what runs out first is the kernel's thread
      // limits (RLIMIT_NPROC, kernel.threads-max), its mapping limit (each
      // thread stack is two mappings: about 32k threads under the default
      // vm.max_map_count), or memory.
      resource_error_ = "could not start an OS thread with a " + std::to_string(stack_size / 1024) +
                        " KiB stack for the fiber (threads backend, one thread per fiber): " +
                        std::string(std::strerror(rc)) +
                        "; limited by RLIMIT_NPROC (`ulimit -u`), kernel.threads-max, vm.max_map_count, "
                        "address space (RLIMIT_AS, `ulimit -v`) and memory";
      return nullptr;
    }
    created_++;
    return c;
  }

  // Only for idle carriers (parked on their baton, not in a body).
  void Destroy(Carrier* c, bool discard) {
    c->discard_on_exit = discard;
    PassTurn(c, kTurnExit);
    pthread_join(c->thread, nullptr);
    delete c;
  }

  v8::Isolate* isolate_;
  uintptr_t native_limit_;  // the resumer thread's own limit (V8 >= 12), or 0
  uint32_t spin_;
  uint32_t yields_;
  std::vector<Carrier*> pool_;
  std::vector<Carrier*> orphans_;
  size_t active_ = 0;
  size_t created_ = 0;
  std::string resource_error_;  // why the last Prepare failed
};

}  // namespace

std::unique_ptr<Backend> CreateThreadsBackend(v8::Isolate* isolate, std::string* error) {
  if (!v8::Locker::IsLocked(isolate)) {
    // Handing the isolate between threads needs the resumer's thread to
    // hold it through a v8::Locker (Node's main thread and workers do).
    *error = "the isolate is not held through a v8::Locker on this thread";
    return nullptr;
  }
  uintptr_t native_limit = 0;
  if (V8Major() >= 12) {
    native_limit = ProbeStackLimit(isolate);
    if (native_limit == 0) {
      *error = "could not measure this thread's JS stack limit";
      return nullptr;
    }
  }
  return std::unique_ptr<Backend>(new ThreadsBackend(isolate, native_limit));
}

}  // namespace switchyard

// microtask_queues.cc: the probe that finds V8's microtask queue ring and
// each queue's is-running flag (see microtask_queues.h).
#include "microtask_queues.h"

#include <cstdint>
#include <string>

#include "read_memory.h"

namespace switchyard {

namespace {

// How much of a queue object is read: the ring links and the flag lie well
// inside it (at +0x30 and +0x4c on V8 11 to 14, x64 and arm64, as of
// Node 20.0 to 26.12; SWITCHYARD_DEBUG_HANDOFF=1 prints
// where). Bytes past a smaller object would only add candidates, and the
// probe wants exactly one.
constexpr size_t kProbeBytes = 0x80;
constexpr size_t kWord = sizeof(void*);
// A walk longer than this is no ring (or a program with that many vm
// contexts of their own queue, which the API's way serves as well).
constexpr int kMaxRing = 4096;

struct Snapshot {
  uint8_t own[kProbeBytes];
  uint8_t main_queue[kProbeBytes];
};

struct Probe {
  const char* own;       // the private queue
  const char* main_queue;  // the default queue (the main context's)
  Snapshot inside;
  bool ran = false;
  bool read = false;
};

bool Take(const char* own, const char* main_queue, Snapshot* out) {
  return ReadMemory(reinterpret_cast<uintptr_t>(own), out->own, kProbeBytes) &&
         ReadMemory(reinterpret_cast<uintptr_t>(main_queue), out->main_queue, kProbeBytes);
}

void InsideMicrotask(void* data) {
  auto* p = static_cast<Probe*>(data);
  p->ran = true;
  p->read = Take(p->own, p->main_queue, &p->inside);
}

// Whether walking the words at `link` from `start` comes back to it, having
// passed `via`, within kMaxRing steps (each word read safely).
bool WalksRing(const char* start, const char* via, size_t link) {
  const char* q = start;
  bool passed = false;
  for (int i = 0; i < kMaxRing; i++) {
    uintptr_t next;
    if (!ReadMemory(reinterpret_cast<uintptr_t>(q) + link, &next, kWord) || next == 0) return false;
    q = reinterpret_cast<const char*>(next);
    passed = passed || q == via;
    if (q == start) return passed;
  }
  return false;
}

}  // namespace

std::unique_ptr<MicrotaskQueueRing> MicrotaskQueueRing::Discover(v8::Isolate* isolate,
                                                                 v8::MicrotaskQueue* default_queue,
                                                                 std::string* why) {
  if (default_queue == nullptr) {
    *why = "the main context has no microtask queue to start from";
    return nullptr;
  }
  std::unique_ptr<v8::MicrotaskQueue> queue = v8::MicrotaskQueue::New(isolate, v8::MicrotasksPolicy::kExplicit);
  Probe p{reinterpret_cast<const char*>(queue.get()), reinterpret_cast<const char*>(default_queue), {}, false, false};
  const uint8_t default_running = v8::MicrotasksScope::IsRunningMicrotasks(isolate) ? 1 : 0;
  Snapshot before, after;
  if (!Take(p.own, p.main_queue, &before)) {
    *why = "the queue objects could not be read";
    return nullptr;
  }
  // Suppressed but not running: V8 raises a suppression count as it runs a
  // queue, and that count must not pass for the flag.
  Snapshot suppressed;
  {
    v8::Isolate::SuppressMicrotaskExecutionScope suppress(isolate, queue.get());
    if (!Take(p.own, p.main_queue, &suppressed)) {
      *why = "the queue objects could not be read";
      return nullptr;
    }
  }
  queue->EnqueueMicrotask(isolate, InsideMicrotask, &p);
  queue->PerformCheckpoint(isolate);
  if (!p.ran || !p.read || !Take(p.own, p.main_queue, &after)) {
    *why = !p.ran ? "the probe's microtask did not run" : "the queue objects could not be read";
    return nullptr;
  }
  int candidates = 0;
  size_t running = 0;
  for (size_t k = 0; k < kProbeBytes; k++) {
    if (before.own[k] != 0 || suppressed.own[k] != 0 || p.inside.own[k] != 1 || after.own[k] != 0) continue;
    if (before.main_queue[k] != default_running || p.inside.main_queue[k] != default_running ||
        after.main_queue[k] != default_running)
      continue;
    running = k;
    candidates++;
  }
  if (candidates != 1) {
    *why = "a queue's is-running flag was found in " + std::to_string(candidates) + " places, not exactly one";
    return nullptr;
  }
  size_t next = 0;
  bool linked = false;
  for (size_t k = 0; k + kWord <= kProbeBytes && !linked; k += kWord) {
    if (WalksRing(p.main_queue, p.own, k) && WalksRing(p.own, p.main_queue, k)) {
      next = k;
      linked = true;
    }
  }
  if (!linked) {
    *why = "no word of a queue links the queues in a ring";
    return nullptr;
  }
  std::unique_ptr<MicrotaskQueueRing> ring(new MicrotaskQueueRing(p.main_queue, running, next));
  // The private queue is unlinked as it goes; the ring must then say what
  // the API says about the default queue and hold nothing else that runs.
  queue.reset();
  v8::MicrotaskQueue* now[2];
  const int n = ring->Running(now, 2);
  if (n != default_running || (n == 1 && now[0] != default_queue)) {
    *why = "the ring's running queues disagree with the API's";
    return nullptr;
  }
  return ring;
}

}  // namespace switchyard

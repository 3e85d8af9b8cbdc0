// microtask_queues.h: "which microtask queues are running now?", read from
// V8's own queue objects, for the yield check in fiber_core.cc.
//
// A yield inside a microtask that started on the fiber must be refused
// (suspending there would leave its queue marked as running). V8 links every
// MicrotaskQueue of an isolate in a ring that starts at the default one, and
// each has an is-running flag: the running queues are one walk of that ring,
// a load or two per queue (Node has one queue, plus one per vm context made
// with microtaskMode 'afterEvaluate'). The API's way asks the queues of the
// current and the entered context, two handles and several calls into V8 at
// every resume and every yield, and cannot see a microtask that entered
// another context before yielding.
//
// The flag's and the ring link's places are found by probe, never assumed: a
// private queue is made (V8 links it into the ring beside the default one,
// at its tail), bytes of
// it and of the default queue are read before, inside and after a microtask
// it runs, and while its execution is only suppressed, and exactly one byte
// must read 0, 1, 0 on the private queue (and 0 while suppressed) while the
// default queue's stays what the API says; a ring link must be a word
// whose walk from the default queue passes the private queue and comes back.
// Anything else: Discover() says why, and the caller keeps the API's way.
// The probe's one side effect: running the private queue ends with V8's
// ClearKeptObjects, so WeakRef targets kept alive by the job that loads the
// addon may be collected from then on, as after any microtask checkpoint.
//
// A walk costs a load or two per queue: O(queues) per resume and per yield,
// where the API's way was constant. Node's main context uses the isolate's
// default queue, the ring's start; an embedder whose main context has a
// queue of its own would start the walk there (it lives as long as that
// context, which outlives the fibers of its environment).
#ifndef SWITCHYARD_ADDON_MICROTASK_QUEUES_H
#define SWITCHYARD_ADDON_MICROTASK_QUEUES_H

#include <v8.h>

#include <cstddef>
#include <memory>
#include <string>

namespace switchyard {

class MicrotaskQueueRing {
 public:
  // `default_queue`: the isolate's default queue (the main context's). The
  // isolate is locked and entered by the calling thread.
  static std::unique_ptr<MicrotaskQueueRing> Discover(v8::Isolate* isolate, v8::MicrotaskQueue* default_queue,
                                                      std::string* why);

  // The queues running now, at most `max` in `out`; returns how many run
  // (which may be more than `max`).
  int Running(v8::MicrotaskQueue** out, int max) const {
    int n = 0;
    const char* q = default_;
    do {
      if (q[running_] != 0) {
        if (n < max) out[n] = reinterpret_cast<v8::MicrotaskQueue*>(const_cast<char*>(q));
        n++;
      }
      q = *reinterpret_cast<const char* const*>(q + next_);
    } while (q != default_);
    return n;
  }

  // Where the probe found them (diagnostics: SWITCHYARD_DEBUG_HANDOFF=1).
  size_t flag_offset() const { return running_; }
  size_t link_offset() const { return next_; }

 private:
  MicrotaskQueueRing(const char* default_queue, size_t running, size_t next)
      : default_(default_queue), running_(running), next_(next) {}
  const char* default_;
  size_t running_;  // offset of the is-running byte in a queue
  size_t next_;     // offset of a ring link (either direction walks all)
};

}  // namespace switchyard

#endif

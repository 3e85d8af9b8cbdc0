// microtask_flags.cc: the probe that finds V8's per-thread "entered context
// is a microtask's" vector (see microtask_flags.h).
#include "microtask_flags.h"

#include <vector>

namespace switchyard {

namespace {

constexpr size_t kWord = sizeof(void*);
constexpr uintptr_t kLowestMapped = 64 * 1024;

// A DetachableVector as V8 lays it out: {T* data_; size_t capacity_; size_t size_}.
struct VectorAt {
  const uint8_t* data;
  size_t capacity, size;
};

VectorAt ReadVector(const std::vector<uint8_t>& snapshot, size_t offset) {
  VectorAt v;
  std::memcpy(&v.data, snapshot.data() + offset, kWord);
  std::memcpy(&v.capacity, snapshot.data() + offset + kWord, kWord);
  std::memcpy(&v.size, snapshot.data() + offset + 2 * kWord, kWord);
  return v;
}

struct Probe {
  const char* hsi;
  size_t bytes;
  std::vector<uint8_t> in_scope, in_microtask;
  // The last flag of each candidate vector, read while that state was live
  // (the data may move when the vector grows, and the entry is popped after).
  std::vector<int> last_in_scope, last_in_microtask;
};

std::vector<uint8_t> Snapshot(const Probe& p) {
  return std::vector<uint8_t>(p.hsi, p.hsi + p.bytes);
}

// The last element's first byte of every word-aligned (data, capacity, size)
// candidate, or -1 where the words cannot be one.
std::vector<int> LastBytes(const std::vector<uint8_t>& snapshot) {
  std::vector<int> out;
  for (size_t off = 0; off + 3 * kWord <= snapshot.size(); off += kWord) {
    VectorAt v = ReadVector(snapshot, off);
    // A data word below the lowest address Linux maps (vm.mmap_min_addr,
    // 64 KiB by default) is some count, not a pointer: never read through it.
    bool plausible = reinterpret_cast<uintptr_t>(v.data) >= kLowestMapped && v.size > 0 &&
                     v.size <= v.capacity && v.capacity < (1u << 20);
    out.push_back(plausible ? v.data[v.size - 1] : -1);
  }
  return out;
}

void SnapshotInMicrotask(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* p = static_cast<Probe*>(info.Data().As<v8::External>()->Value());
  p->in_microtask = Snapshot(*p);
  p->last_in_microtask = LastBytes(p->in_microtask);
}

}  // namespace

std::unique_ptr<MicrotaskFlags> MicrotaskFlags::Discover(v8::Isolate* isolate, char* hsi, size_t bytes,
                                                         std::string* why) {
  v8::HandleScope scope(isolate);
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  if (context.IsEmpty() || hsi == nullptr || bytes < 3 * kWord) {
    *why = "no context or no handle-scope implementer to probe";
    return nullptr;
  }
  Probe p{hsi, bytes, {}, {}, {}, {}};
  std::vector<uint8_t> outside = Snapshot(p);
  {
    v8::Context::Scope entered(context);  // a plain entry: flag 0
    p.in_scope = Snapshot(p);
    p.last_in_scope = LastBytes(p.in_scope);
  }
  {
    // A microtask entry: flag 1. A private queue runs only this task.
    v8::Local<v8::Function> task;
    if (!v8::Function::New(context, SnapshotInMicrotask, v8::External::New(isolate, &p)).ToLocal(&task)) {
      *why = "could not create the probe's microtask";
      return nullptr;
    }
    std::unique_ptr<v8::MicrotaskQueue> queue = v8::MicrotaskQueue::New(isolate, v8::MicrotasksPolicy::kExplicit);
    queue->EnqueueMicrotask(isolate, task);
    queue->PerformCheckpoint(isolate);
  }
  if (p.in_microtask.empty()) {
    *why = "the probe's microtask did not run";
    return nullptr;
  }
  int found = -1, candidates = 0;
  for (size_t off = 0, i = 0; off + 3 * kWord <= bytes; off += kWord, i++) {
    size_t before = ReadVector(outside, off).size;
    if (ReadVector(p.in_scope, off).size != before + 1 || ReadVector(p.in_microtask, off).size != before + 1) continue;
    if (p.last_in_scope[i] != 0 || p.last_in_microtask[i] != 1) continue;
    found = static_cast<int>(off);
    candidates++;
  }
  if (candidates != 1) {
    *why = "the entered-context microtask flags were found in " + std::to_string(candidates) +
           " places, not exactly one";
    return nullptr;
  }
  std::unique_ptr<MicrotaskFlags> flags(new MicrotaskFlags(hsi, static_cast<size_t>(found)));
  if (flags->InMicrotask() && !v8::MicrotasksScope::IsRunningMicrotasks(isolate)) {
    // Not inside one now (a require() from a microtask would be): the bytes
    // read must say so.
    *why = "the entered-context microtask flags read as set outside any microtask";
    return nullptr;
  }
  return flags;
}

}  // namespace switchyard

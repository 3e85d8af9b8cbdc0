// stack_limit.cc: see stack_limit.h.
#include "stack_limit.h"

#include <pthread.h>

#include <v8.h>

#include <cstring>

namespace switchyard {

namespace {

StackLimitLayout g_limits;
bool g_limits_discovered = false;
std::string g_limits_error;

uintptr_t ReadWord(v8::Isolate* isolate, size_t off) {
  uintptr_t v;
  std::memcpy(&v, reinterpret_cast<uint8_t*>(isolate) + off, sizeof v);
  return v;
}

bool DiscoverStackLimit(v8::Isolate* isolate, std::string* error) {
  using I = v8::internal::Internals;
  constexpr size_t kBegin = static_cast<size_t>(I::kIsolateStackGuardOffset);
  constexpr size_t kWords = static_cast<size_t>(I::kStackGuardSize) / sizeof(uintptr_t);
  static_assert(kWords <= 16, "unexpected StackGuard size");
  uintptr_t before[kWords], after1[kWords], after2[kWords];
  for (size_t i = 0; i < kWords; i++) before[i] = ReadWord(isolate, kBegin + i * sizeof(uintptr_t));
  // Two distinct plausible limits well below this frame (nothing runs on
  // this stack between the calls but this function).
  char here;
  uintptr_t sp = reinterpret_cast<uintptr_t>(&here);
  uintptr_t v1 = (sp - 256 * 1024) & ~uintptr_t{4095};
  uintptr_t v2 = v1 - 8192;
  isolate->SetStackLimit(v1);
  for (size_t i = 0; i < kWords; i++) after1[i] = ReadWord(isolate, kBegin + i * sizeof(uintptr_t));
  isolate->SetStackLimit(v2);
  for (size_t i = 0; i < kWords; i++) after2[i] = ReadWord(isolate, kBegin + i * sizeof(uintptr_t));

  StackLimitLayout layout;
  uintptr_t original = ~uintptr_t{0};
  for (size_t i = 0; i < kWords; i++) {
    if (after1[i] == v1 && after2[i] == v2) {
      layout.offsets[layout.count++] = kBegin + i * sizeof(uintptr_t);
      // jslimit/climit hold a huge marker while an interrupt is pending;
      // the real limits hold the address.
      if (before[i] < original) original = before[i];
    }
  }
  if (layout.count == 0) {
    // Nothing to restore from: leave the last probe value? No: we cannot
    // know the old limit, so put back a conservative one and refuse.
    isolate->SetStackLimit(v1);
    *error = "could not find the stack limit in V8's StackGuard";
    return false;
  }
  // The old limit must be a plausible address on this thread's stack,
  // below this frame and within a typical main-thread stack.
  if (!(original < sp && sp - original < 64u * 1024 * 1024)) {
    isolate->SetStackLimit(v1);
    *error = "the stack limit found in V8's StackGuard is implausible";
    return false;
  }
  isolate->SetStackLimit(original);
  g_limits = layout;
  return true;
}

}  // namespace

bool StackLimitDiscover(v8::Isolate* isolate, std::string* error) {
  static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  static bool done = false;
  pthread_mutex_lock(&mu);
  if (!done) {
    std::string err;
    g_limits_discovered = DiscoverStackLimit(isolate, &err);
    g_limits_error = err;
    done = true;
  }
  pthread_mutex_unlock(&mu);
  if (!g_limits_discovered && error != nullptr) *error = g_limits_error;
  return g_limits_discovered;
}

uintptr_t StackLimitCurrent(v8::Isolate* isolate) {
  uintptr_t limit = ~uintptr_t{0};
  for (int i = 0; i < g_limits.count; i++) {
    uintptr_t v = ReadWord(isolate, g_limits.offsets[i]);
    if (v < limit) limit = v;
  }
  return limit;
}

}  // namespace switchyard

// stack_limit.cc: see stack_limit.h.
#include "stack_limit.h"

#include <pthread.h>

#include <v8.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

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

size_t g_stack_size_word = 0;

#if V8_MAJOR_VERSION >= 13
// The end of the readable mapping that holds `p` (0: none found), so that
// the stack-size probe never reads past the isolate's memory.
uintptr_t ReadableMappingEnd(uintptr_t p) {
  FILE* f = std::fopen("/proc/self/maps", "r");
  if (f == nullptr) return 0;
  uintptr_t end_found = 0;
  char line[512];
  while (std::fgets(line, sizeof line, f) != nullptr) {
    unsigned long lo = 0, hi = 0;
    char perms[8] = {};
    if (std::sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3) continue;
    if (lo <= p && p < hi && perms[0] == 'r') {
      end_found = hi;
      break;
    }
  }
  std::fclose(f);
  return end_found;
}
#endif

// See StackSizeWordOffset. `words[k]`: the window after SetStackLimit(limits[k]).
constexpr size_t kStackSizeWindow = 128 * 1024;

size_t FindStackSizeWord(const std::vector<uintptr_t>* words, const uintptr_t* limits, int n, uintptr_t sp) {
  size_t found = 0;
  int matches = 0;
  for (size_t i = 0; i < words[0].size(); i++) {
    const uintptr_t start = words[0][i] + limits[0];  // S, if this is the word
    bool all = start > sp && start - sp < 64u * 1024 * 1024;
    for (int k = 1; all && k < n; k++) all = words[k][i] + limits[k] == start;
    if (all) {
      found = i * sizeof(uintptr_t);
      matches++;
    }
  }
  return matches == 1 ? found : 0;
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
  uintptr_t v3 = v1 - 20480;
  // the stack-size word's window: the isolate's first 128 KiB, within its
  // mapping; none before V8 13, which has no such word (the probe would
  // read /proc/self/maps and copy 384 KiB at every start-up for nothing)
#if V8_MAJOR_VERSION >= 13
  const uintptr_t iso = reinterpret_cast<uintptr_t>(isolate);
  const uintptr_t mapping_end = ReadableMappingEnd(iso);
  const size_t window = mapping_end > iso ? std::min<size_t>(kStackSizeWindow, mapping_end - iso) : 0;
#else
  const size_t window = 0;
#endif
  // sized before the probe: no allocation between a SetStackLimit and its snapshot
  std::vector<uintptr_t> words[3];
  for (auto& w : words) w.resize(window / sizeof(uintptr_t));
  const uintptr_t limits[3] = {v1, v2, v3};
  auto snap = [&](std::vector<uintptr_t>* w) {
    if (!w->empty()) std::memcpy(w->data(), isolate, w->size() * sizeof(uintptr_t));
  };
  isolate->SetStackLimit(v1);
  for (size_t i = 0; i < kWords; i++) after1[i] = ReadWord(isolate, kBegin + i * sizeof(uintptr_t));
  snap(&words[0]);
  isolate->SetStackLimit(v2);
  for (size_t i = 0; i < kWords; i++) after2[i] = ReadWord(isolate, kBegin + i * sizeof(uintptr_t));
  snap(&words[1]);
  isolate->SetStackLimit(v3);
  snap(&words[2]);
  const size_t stack_size_word = FindStackSizeWord(words, limits, 3, sp);

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
  g_stack_size_word = stack_size_word;
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

size_t StackSizeWordOffset() { return g_stack_size_word; }

uintptr_t StackLimitCurrent(v8::Isolate* isolate) {
  uintptr_t limit = ~uintptr_t{0};
  for (int i = 0; i < g_limits.count; i++) {
    uintptr_t v = ReadWord(isolate, g_limits.offsets[i]);
    if (v < limit) limit = v;
  }
  return limit;
}

}  // namespace switchyard

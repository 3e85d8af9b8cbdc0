// cped_guard.cc: see cped_guard.h.
#include "cped_guard.h"

namespace switchyard {

// The isolate-level CPED API exists from V8 12 (Node 22); before that CPED
// lived on the native context, a heap object visited once, and needs no guard.
#if V8_MAJOR_VERSION >= 12
constexpr v8::GCType kGuardedTypes = v8::kGCTypeScavenge;

CpedGuard::CpedGuard(v8::Isolate* isolate) : isolate_(isolate) {
  isolate_->AddGCPrologueCallback(Prologue, this, kGuardedTypes);
  isolate_->AddGCEpilogueCallback(Epilogue, this, kGuardedTypes);
}

CpedGuard::~CpedGuard() {
  isolate_->RemoveGCPrologueCallback(Prologue, this);
  isolate_->RemoveGCEpilogueCallback(Epilogue, this);
  stash_.Reset();
}

void CpedGuard::Prologue(v8::Isolate* isolate, v8::GCType, v8::GCCallbackFlags, void* data) {
  auto* self = static_cast<CpedGuard*>(data);
  if (self->stashed_) return;
  v8::HandleScope scope(isolate);
  v8::Local<v8::Value> current = isolate->GetContinuationPreservedEmbedderData();
  if (!current->IsObject()) return;  // undefined and other immortal values move nowhere
  self->stash_.Reset(isolate, current);
  isolate->SetContinuationPreservedEmbedderData(v8::Undefined(isolate));
  self->stashed_ = true;
}

void CpedGuard::Epilogue(v8::Isolate* isolate, v8::GCType, v8::GCCallbackFlags, void* data) {
  auto* self = static_cast<CpedGuard*>(data);
  if (!self->stashed_) return;
  v8::HandleScope scope(isolate);
  isolate->SetContinuationPreservedEmbedderData(self->stash_.Get(isolate));
  self->stash_.Reset();
  self->stashed_ = false;
}
#else
CpedGuard::CpedGuard(v8::Isolate* isolate) : isolate_(isolate) {}
CpedGuard::~CpedGuard() {}
void CpedGuard::Prologue(v8::Isolate*, v8::GCType, v8::GCCallbackFlags, void*) {}
void CpedGuard::Epilogue(v8::Isolate*, v8::GCType, v8::GCCallbackFlags, void*) {}
#endif

}  // namespace switchyard

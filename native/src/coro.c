/*
 * coro.c: coroutines. The coroutine record lives at the top of its own
 * stack, so creating one costs one (usually pooled) stack and no malloc,
 * and an idle coroutine costs about one committed page.
 *
 * Two ways to drive one: by hand (sy_coro_create + sy_coro_resume, values
 * passed both ways through the switch), or by a scheduler (sy_spawn, see
 * sched.c), where yield means "let the others run".
 */
#include <string.h>

#include "internal.h"

#if SY_VALGRIND
#include <valgrind/valgrind.h>
#endif

#define SY_CANARY 0x5357594152444b43ull /* "SWYARDKC" */

_Thread_local sy_coro *sy__tl_current;
/* the thread's own stack, when it resumes a hand-driven coroutine */
static _Thread_local sy_exec tl_thread_exec;
static _Thread_local uint64_t tl_next_id = 1;

sy_coro *sy_self(void) { return sy__tl_current; }

static void finish_by_hand(sy_coro *co, void *result) __attribute__((noreturn));

/* first function on every coroutine stack; never returns */
static void coro_trampoline(void *first_value) {
  (void)first_value; /* entry gets the arg given at creation */
  sy__after_first_switch();
  sy_coro *co = sy__tl_current;
  void *result = co->entry(co->arg);
  if (co->sched) sy__sched_finish(co);
  finish_by_hand(co, result);
}

static void finish_by_hand(sy_coro *co, void *result) {
  sy__coro_check_canary(co);
  co->status = SY_CORO_FINISHED;
  sy__tl_current = co->resumer_coro;
  sy__switch(&co->exec, co->resumer, result, 1);
  __builtin_unreachable(); /* nobody resumes a finished coroutine */
}

void sy__coro_check_canary(sy_coro *co) {
  if (co->canary && *co->canary != SY_CANARY) sy__overflow_report(co, "canary overwritten");
}

int sy__coro_new(sy_coro **out, sy_entry_fn entry, void *arg, const sy_coro_attr *attr, sy_sched *s) {
  if (!out || !entry) return SY_EINVAL;
  size_t size = attr && attr->stack_size ? attr->stack_size : SY_STACK_DEFAULT;
  if (size < SY_STACK_MIN) return SY_EINVAL;
  int guarded = !(attr && (attr->flags & SY_CORO_NOGUARD));

  sy__overflow_install();
  sy_stack st;
  int rc = sy__stack_alloc(&st, size, guarded);
  if (rc) return rc;

  uintptr_t top = (uintptr_t)st.base + st.size;
  sy_coro *co = (sy_coro *)((top - sizeof(sy_coro)) & ~(uintptr_t)63);
  memset(co, 0, sizeof *co);
  co->stack = st;
  co->entry = entry;
  co->arg = arg;
  co->sched = s;
  co->status = SY_CORO_SUSPENDED;
  co->id = tl_next_id++;
  sy_list_init(&co->ready_link);
  sy_list_init(&co->all_link);
  sy__copy_name(co->name, attr ? attr->name : NULL);

  size_t usable = ((uintptr_t)co - (uintptr_t)st.base) & ~(size_t)63;
  sy_context_make(&co->exec.ctx, st.base, usable, coro_trampoline);
#if SY_ASAN
  co->exec.asan_lo = st.base;
  co->exec.asan_size = usable;
#endif
#if SY_VALGRIND
  co->valgrind_id = VALGRIND_STACK_REGISTER(st.base, (char *)st.base + st.size);
#endif
  if (!guarded) {
    co->canary = (uint64_t *)st.base;
    *co->canary = SY_CANARY;
  }
  *out = co;
  return SY_OK;
}

void sy__coro_release(sy_coro *co) {
  sy_stack st = co->stack;
  int guarded = co->canary == NULL;
#if SY_VALGRIND
  VALGRIND_STACK_DEREGISTER(co->valgrind_id);
#endif
  sy__stack_free(&st, guarded); /* co itself is gone after this */
}

int sy_coro_create(sy_coro **out, sy_entry_fn entry, void *arg, const sy_coro_attr *attr) {
  return sy__coro_new(out, entry, arg, attr, NULL);
}

int sy_coro_resume(sy_coro *co, void *value, void **out) {
  if (!co) return SY_EINVAL;
  if (co->sched) return SY_ESTATE; /* its scheduler resumes it */
  if (co->status != SY_CORO_SUSPENDED) return SY_ESTATE;
  sy_coro *me = sy__tl_current;
  co->resumer = me ? &me->exec : &tl_thread_exec;
  co->resumer_coro = me;
  co->status = SY_CORO_RUNNING;
  sy__tl_current = co;
  void *got = sy__switch(co->resumer, &co->exec, value, 0);
  /* back here after co yielded or finished; it set sy__tl_current to me */
  if (out) *out = got;
  return co->status;
}

int sy_yield(void *value, void **resumed_with) {
  sy_coro *self = sy__tl_current;
  if (!self) return SY_ENOTCORO;
  if (resumed_with) *resumed_with = NULL;
  if (self->sched) {
    sy__sched_yield(self);
    return SY_OK;
  }
  sy__coro_check_canary(self);
  self->status = SY_CORO_SUSPENDED;
  sy__tl_current = self->resumer_coro;
  void *got = sy__switch(&self->exec, self->resumer, value, 0);
  if (resumed_with) *resumed_with = got;
  return SY_OK;
}

int sy_coro_destroy(sy_coro *co) {
  if (!co) return SY_EINVAL;
  if (co->status == SY_CORO_RUNNING) return SY_ESTATE;
  if (co->sched) sy__sched_forget(co);
  sy__coro_release(co);
  return SY_OK;
}

int sy_coro_status(const sy_coro *co) { return co ? co->status : SY_EINVAL; }
uint64_t sy_coro_id(const sy_coro *co) { return co ? co->id : 0; }
const char *sy_coro_name(const sy_coro *co) { return co ? co->name : ""; }
size_t sy_coro_stack_size(const sy_coro *co) { return co ? co->stack.size : 0; }

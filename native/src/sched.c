/*
 * sched.c: the scheduler. A FIFO ready queue and nothing else decides who
 * runs next, so the same program runs in the same order every time.
 *
 * In sy_sched_run a coroutine that blocks or yields switches straight to
 * the next ready one (sy__switch_out in internal.h) instead of bouncing through the scheduler loop: a
 * channel hop between two coroutines is then one switch, not two. The
 * order is the same as a loop's. sy_sched_step always returns to its
 * caller after one coroutine.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

/* select's generator outside any scheduler */
static _Thread_local uint64_t tl_rng = 0x5357594152440001ull;

uint64_t *sy__rng(void) {
  sy_coro *co = sy__current();
  return co && co->sched ? &co->sched->rng : &tl_rng;
}

int sy_sched_create(sy_sched **out, uint64_t seed) {
  if (!out) return SY_EINVAL;
  sy_sched *s = calloc(1, sizeof *s);
  if (!s) return SY_ENOMEM;
  sy_list_init(&s->ready);
  sy_list_init(&s->all);
  s->rng = seed;
  *out = s;
  return SY_OK;
}

int sy_sched_destroy(sy_sched *s) {
  if (!s) return SY_EINVAL;
  if (s->mode != SY_MODE_IDLE) return SY_EBUSY;
  sy_link *l;
  while ((l = s->all.next) != &s->all) {
    sy_coro *co = SY_CONTAINER_OF(l, sy_coro, all_link);
    sy__sched_forget(co);
    sy__coro_release(co);
  }
  free(s);
  return SY_OK;
}

int sy_spawn(sy_sched *s, sy_entry_fn entry, void *arg, const sy_coro_attr *attr, sy_coro **out) {
  if (!s) return SY_EINVAL;
  sy_coro *co;
  int rc = sy__coro_new(&co, entry, arg, attr, s);
  if (rc) return rc;
  sy_list_push_back(&s->all, &co->all_link);
  s->live++;
  co->status = SY_CORO_READY;
  sy_list_push_back(&s->ready, &co->ready_link);
  s->nready++;
  if (out) *out = co;
  return SY_OK;
}

int sy__blocking_self(sy_coro **out) {
  sy_coro *co = sy__current();
  if (!co) return SY_ENOTCORO;
  if (!co->sched) return SY_ENOSCHED;
  *out = co;
  return SY_OK;
}

void sy__wake(sy_coro *co) {
  sy_sched *s = co->sched;
  co->wait.op = 0;
  co->wait.chan = NULL;
  co->wait.cases = NULL;
  co->wait.ncases = 0;
  co->wait.waiters = NULL;
  co->wait.nwaiters = 0;
  co->wait.waiters_on_heap = 0; /* the woken select frees them itself */
  co->status = SY_CORO_READY;
  sy_list_push_back(&s->ready, &co->ready_link);
  s->nready++;
}

void sy__sched_yield(sy_coro *self) {
  sy_sched *s = self->sched;
  self->status = SY_CORO_READY;
  sy_list_push_back(&s->ready, &self->ready_link);
  s->nready++;
  sy__switch_out(s, self, 0);
}

void sy__sched_finish(sy_coro *co) {
  sy_sched *s = co->sched;
  co->status = SY_CORO_FINISHED;
  sy_list_unlink(&co->all_link);
  s->live--;
  sy__set_zombie(co); /* freed by the context that runs next */
  sy__switch_out(s, co, 1);
  abort(); /* unreachable: nothing resumes a finished coroutine */
}

void sy__sched_forget(sy_coro *co) {
  sy_sched *s = co->sched;
  if (co->status == SY_CORO_READY) {
    sy_list_unlink(&co->ready_link);
    s->nready--;
  } else if (co->status == SY_CORO_BLOCKED) {
    sy__waiter_unlink_all(co);
  }
  if (sy_list_linked(&co->all_link)) {
    sy_list_unlink(&co->all_link);
    s->live--;
  }
  co->sched = NULL;
}

/* switches from the caller into co; returns when control comes back */
static void enter(sy_sched *s, sy_coro *co) {
  co->status = SY_CORO_RUNNING;
  sy__set_current(co);
  sy__switch(&s->root, &co->exec, NULL, 0);
}

static int owned_by_running_coroutine(const sy_sched *s) {
  sy_coro *cur = sy__current();
  return cur && cur->sched == s;
}

int sy_sched_run(sy_sched *s) {
  if (!s) return SY_EINVAL;
  if (s->mode != SY_MODE_IDLE || owned_by_running_coroutine(s)) return SY_EBUSY;
  s->caller = sy__current();
  s->mode = SY_MODE_RUN;
  sy_coro *co;
  while ((co = sy__pop_ready(s)) != NULL) enter(s, co);
  s->mode = SY_MODE_IDLE;
  sy__set_current(s->caller);
  return s->live ? SY_EDEADLOCK : SY_OK;
}

int sy_sched_step(sy_sched *s) {
  if (!s) return SY_EINVAL;
  if (s->mode != SY_MODE_IDLE || owned_by_running_coroutine(s)) return SY_EBUSY;
  sy_coro *co = sy__pop_ready(s);
  if (!co) return s->live ? SY_EDEADLOCK : 0;
  s->caller = sy__current();
  s->mode = SY_MODE_STEP;
  enter(s, co);
  s->mode = SY_MODE_IDLE;
  sy__set_current(s->caller);
  return 1;
}

size_t sy_sched_pending(const sy_sched *s) { return s ? s->live : 0; }
size_t sy_sched_runnable(const sy_sched *s) { return s ? s->nready : 0; }

sy_sched *sy_sched_current(void) {
  sy_coro *co = sy__current();
  return co ? co->sched : NULL;
}

size_t sy_sched_blocked(const sy_sched *s, sy_blocked *out, size_t max) {
  if (!s) return 0;
  size_t n = 0;
  for (const sy_link *l = s->all.next; l != &s->all; l = l->next) {
    sy_coro *co = SY_CONTAINER_OF(l, sy_coro, all_link);
    if (co->status != SY_CORO_BLOCKED) continue;
    if (out && n < max) {
      sy_blocked *b = &out[n];
      b->coro = co;
      b->id = co->id;
      b->name = co->name;
      b->op = co->wait.op;
      b->chan = co->wait.chan;
      b->cases = co->wait.cases;
      b->ncases = co->wait.ncases;
    }
    n++;
  }
  return n;
}

static size_t describe_chan(char *buf, size_t len, const sy_chan *ch) {
  if (!ch) return (size_t)snprintf(buf, len, "nil");
  if (ch->name[0]) return (size_t)snprintf(buf, len, "channel %llu \"%s\"", (unsigned long long)ch->id, ch->name);
  return (size_t)snprintf(buf, len, "channel %llu", (unsigned long long)ch->id);
}

size_t sy_blocked_format(const sy_blocked *b, char *buf, size_t len) {
  char dummy[1];
  if (!buf || !len) {
    buf = dummy;
    len = sizeof dummy;
  }
  size_t used = 0;
#define SY_REST (used < len ? buf + used : dummy), (used < len ? len - used : sizeof dummy)
  if (b->name && b->name[0])
    used += (size_t)snprintf(SY_REST, "coroutine %llu \"%s\" blocked in ", (unsigned long long)b->id, b->name);
  else
    used += (size_t)snprintf(SY_REST, "coroutine %llu blocked in ", (unsigned long long)b->id);
  if (b->op == SY_SEND || b->op == SY_RECV) {
    used += (size_t)snprintf(SY_REST, "%s on ", b->op == SY_SEND ? "send" : "recv");
    used += describe_chan(SY_REST, b->chan);
  } else {
    used += (size_t)snprintf(SY_REST, "select {");
    for (size_t i = 0; i < b->ncases; i++) {
      used += (size_t)snprintf(SY_REST, "%s%s ", i ? ", " : " ", b->cases[i].op == SY_SEND ? "send" : "recv");
      used += describe_chan(SY_REST, b->cases[i].chan);
    }
    used += (size_t)snprintf(SY_REST, " }");
  }
#undef SY_REST
  return used;
}

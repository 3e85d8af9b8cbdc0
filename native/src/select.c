/*
 * select.c: wait on several channel operations, complete exactly one.
 *
 * If some cases are ready, one of them is picked with the scheduler's
 * seeded generator (uniform among the ready ones, counted in case order),
 * so a program's choices are reproducible from its seed. Otherwise the
 * coroutine queues one waiter per case and parks; whoever completes one of
 * them unlinks the others (see take_waiter in chan.c).
 */
#include <stdlib.h>

#include "internal.h"

/* waiters for selects up to this size live on the coroutine's stack */
#define SY_SELECT_INLINE 8

static int case_ready(const sy_select_case *c) {
  if (!c->chan) return 0;
  return c->op == SY_SEND ? sy__chan_send_ready(c->chan) : sy__chan_recv_ready(c->chan);
}

int sy_select(sy_select_case *cases, size_t n, unsigned flags) {
  if (n && !cases) return SY_EINVAL;
  if (n > (size_t)INT32_MAX) return SY_EINVAL;
  size_t ready = 0;
  for (size_t i = 0; i < n; i++) {
    if (cases[i].op != SY_SEND && cases[i].op != SY_RECV) return SY_EINVAL;
    ready += (size_t)case_ready(&cases[i]);
  }

  if (ready) {
    size_t pick = ready > 1 ? sy__rng_below(sy__rng(), ready) : 0;
    for (size_t i = 0; i < n; i++) {
      if (!case_ready(&cases[i]) || pick--) continue;
      sy_select_case *c = &cases[i];
      c->result = c->op == SY_SEND ? sy__chan_send_now(c->chan, c->value) : sy__chan_recv_now(c->chan, &c->value);
      return (int)i;
    }
  }
  if (flags & SY_SELECT_DEFAULT) return SY_EAGAIN;

  sy_coro *self;
  int rc = sy__blocking_self(&self);
  if (rc) return rc;
  sy_waiter inline_waiters[SY_SELECT_INLINE];
  sy_waiter *w = inline_waiters;
  if (n > SY_SELECT_INLINE) {
    w = malloc(n * sizeof *w);
    if (!w) return SY_ENOMEM;
  }
  sy_select_wait sel = {.waiters = w, .n = n, .fired = 0};
  for (size_t i = 0; i < n; i++) {
    w[i] = (sy_waiter){.coro = self, .chan = cases[i].chan, .op = cases[i].op, .result = SY_OK,
                       .value = cases[i].value, .select = &sel, .index = i};
    sy_list_init(&w[i].link);
    if (cases[i].chan) sy_list_push_back(cases[i].op == SY_SEND ? &cases[i].chan->sendq : &cases[i].chan->recvq, &w[i].link);
  }
  self->wait.op = SY_SELECT;
  self->wait.cases = cases;
  self->wait.ncases = n;
  self->wait.waiters = w;
  self->wait.nwaiters = n;
  self->wait.waiters_on_heap = w != inline_waiters;
  sy__park(self);

  size_t i = sel.fired;
  cases[i].result = w[i].result;
  if (cases[i].op == SY_RECV) cases[i].value = w[i].value;
  if (w != inline_waiters) free(w);
  return (int)i;
}

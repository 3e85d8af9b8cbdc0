/*
 * chan.c: channels. A value moves straight from sender to receiver when one
 * of them is already waiting (the waiting side's record sits on its own
 * stack, linked into the channel's queue), otherwise through the ring
 * buffer, otherwise the caller parks. No allocation after sy_chan_create.
 *
 * Invariants: a buffered channel with values in its buffer has no blocked
 * receivers; one with free buffer slots has no blocked senders; a closed
 * channel has no blocked senders or receivers.
 */
#include <stdlib.h>

#include "internal.h"

static _Thread_local uint64_t tl_next_chan_id = 1;

int sy_chan_create(sy_chan **out, size_t capacity) {
  if (!out) return SY_EINVAL;
  if (capacity > (SIZE_MAX - sizeof(sy_chan)) / sizeof(sy_value)) return SY_EINVAL;
  sy_chan *ch = calloc(1, sizeof *ch + capacity * sizeof(sy_value));
  if (!ch) return SY_ENOMEM;
  sy_list_init(&ch->sendq);
  sy_list_init(&ch->recvq);
  ch->cap = capacity;
  ch->id = tl_next_chan_id++;
  *out = ch;
  return SY_OK;
}

int sy_chan_destroy(sy_chan *ch) {
  if (!ch) return SY_EINVAL;
  if (!sy_list_empty(&ch->sendq) || !sy_list_empty(&ch->recvq)) return SY_EBUSY;
  free(ch);
  return SY_OK;
}

int sy_chan_set_name(sy_chan *ch, const char *name) {
  if (!ch) return SY_EINVAL;
  sy__copy_name(ch->name, name);
  return SY_OK;
}

const char *sy_chan_name(const sy_chan *ch) { return ch ? ch->name : ""; }
uint64_t sy_chan_id(const sy_chan *ch) { return ch ? ch->id : 0; }
size_t sy_chan_len(const sy_chan *ch) { return ch ? ch->len : 0; }
size_t sy_chan_cap(const sy_chan *ch) { return ch ? ch->cap : 0; }
int sy_chan_is_closed(const sy_chan *ch) { return ch ? ch->closed : 0; }

/* Takes the first waiter off a queue. If it belongs to a select, that
 * select is decided now: its other cases leave their queues at once, so
 * no queue ever holds a stale waiter. */
static sy_waiter *take_waiter(sy_link *queue) {
  sy_link *l = sy_list_pop_front(queue);
  if (!l) return NULL;
  sy_waiter *w = SY_CONTAINER_OF(l, sy_waiter, link);
  sy_select_wait *sel = w->select;
  if (sel) {
    sel->fired = w->index;
    for (size_t i = 0; i < sel->n; i++)
      if (sy_list_linked(&sel->waiters[i].link)) sy_list_unlink(&sel->waiters[i].link);
  }
  return w;
}

static void complete(sy_waiter *w, int result) {
  w->result = result;
  sy__wake(w->coro);
}

void sy__waiter_unlink_all(sy_coro *co) {
  for (size_t i = 0; i < co->wait.nwaiters; i++)
    if (sy_list_linked(&co->wait.waiters[i].link)) sy_list_unlink(&co->wait.waiters[i].link);
  if (co->wait.waiters_on_heap) free(co->wait.waiters);
  co->wait.waiters_on_heap = 0;
  co->wait.waiters = NULL;
  co->wait.nwaiters = 0;
}

int sy__chan_send_ready(const sy_chan *ch) {
  return ch->closed || !sy_list_empty(&ch->recvq) || ch->len < ch->cap;
}

int sy__chan_recv_ready(const sy_chan *ch) {
  return ch->len > 0 || !sy_list_empty(&ch->sendq) || ch->closed;
}

int sy__chan_send_now(sy_chan *ch, sy_value value) {
  if (ch->closed) return SY_ECLOSED;
  sy_waiter *r = take_waiter(&ch->recvq);
  if (r) { /* rendezvous: the receiver has it now */
    r->value = value;
    complete(r, SY_OK);
    return SY_OK;
  }
  ch->buf[(ch->head + ch->len) % ch->cap] = value;
  ch->len++;
  return SY_OK;
}

int sy__chan_recv_now(sy_chan *ch, sy_value *out) {
  if (ch->len > 0) {
    *out = ch->buf[ch->head];
    ch->head = (ch->head + 1) % ch->cap;
    ch->len--;
    /* a slot opened: the first blocked sender's value takes it, in order */
    sy_waiter *s = take_waiter(&ch->sendq);
    if (s) {
      ch->buf[(ch->head + ch->len) % ch->cap] = s->value;
      ch->len++;
      complete(s, SY_OK);
    }
    return SY_OK;
  }
  sy_waiter *s = take_waiter(&ch->sendq);
  if (s) {
    *out = s->value;
    complete(s, SY_OK);
    return SY_OK;
  }
  *out = 0; /* closed and drained */
  return SY_ECLOSED;
}

/* The waiter record below lives on this coroutine's stack and is linked
 * into the channel's queue while it sleeps. That is the design (no malloc
 * per blocking operation), not a dangling pointer: whoever completes the
 * operation unlinks the record before waking us, and sy_coro_destroy
 * unlinks it too, so the queue never holds it after wait_on returns. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#define SY_END_DANGLING_OK _Pragma("GCC diagnostic pop")
#else
#define SY_END_DANGLING_OK
#endif

/* blocks the running coroutine on one queue of ch */
static inline __attribute__((always_inline)) int wait_on(sy_chan *ch, int op, sy_value *value) {
  sy_coro *self;
  int rc = sy__blocking_self(&self);
  if (rc) return rc;
  sy_waiter w = {.coro = self, .chan = ch, .op = op, .result = SY_OK, .value = *value};
  sy_list_init(&w.link);
  sy_list_push_back(op == SY_SEND ? &ch->sendq : &ch->recvq, &w.link);
  self->wait.op = op;
  self->wait.chan = ch;
  self->wait.waiters = &w;
  self->wait.nwaiters = 1;
  sy__park(self);
  *value = w.value;
  return w.result;
}

int sy_chan_send(sy_chan *ch, sy_value value) {
  if (!ch) return SY_EINVAL;
  if (sy__chan_send_ready(ch)) return sy__chan_send_now(ch, value);
  return wait_on(ch, SY_SEND, &value);
}

int sy_chan_recv(sy_chan *ch, sy_value *out) {
  if (!ch || !out) return SY_EINVAL;
  if (sy__chan_recv_ready(ch)) return sy__chan_recv_now(ch, out);
  *out = 0;
  return wait_on(ch, SY_RECV, out);
}

SY_END_DANGLING_OK

int sy_chan_try_send(sy_chan *ch, sy_value value) {
  if (!ch) return SY_EINVAL;
  return sy__chan_send_ready(ch) ? sy__chan_send_now(ch, value) : SY_EAGAIN;
}

int sy_chan_try_recv(sy_chan *ch, sy_value *out) {
  if (!ch || !out) return SY_EINVAL;
  return sy__chan_recv_ready(ch) ? sy__chan_recv_now(ch, out) : SY_EAGAIN;
}

int sy_chan_close(sy_chan *ch) {
  if (!ch) return SY_EINVAL;
  if (ch->closed) return SY_ECLOSED;
  ch->closed = 1;
  /* receivers can only be waiting when the buffer is empty: they get
   * "closed"; senders' values are not delivered */
  sy_waiter *w;
  while ((w = take_waiter(&ch->recvq)) != NULL) {
    w->value = 0;
    complete(w, SY_ECLOSED);
  }
  while ((w = take_waiter(&ch->sendq)) != NULL) complete(w, SY_ECLOSED);
  return SY_OK;
}

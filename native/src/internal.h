/*
 * internal.h: the runtime's private structures and the helpers its files
 * share. Nothing here is part of the public API.
 */
#ifndef SWITCHYARD_INTERNAL_H
#define SWITCHYARD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "switchyard.h"
#include "switchyard/context.h"

/* ---- tooling detection: ASan fiber annotations, valgrind stack registry */

#if defined(__SANITIZE_ADDRESS__)
#define SY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SY_ASAN 1
#endif
#endif
#ifndef SY_ASAN
#define SY_ASAN 0
#endif

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#define SY_VALGRIND 1
#endif
#endif
#ifndef SY_VALGRIND
#define SY_VALGRIND 0
#endif

#define SY_CONTAINER_OF(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* ---- intrusive circular doubly linked list: O(1) unlink, no allocation */

typedef struct sy_link {
  struct sy_link *prev, *next;
} sy_link;

static inline void sy_list_init(sy_link *l) { l->prev = l->next = l; }
static inline int sy_list_empty(const sy_link *head) { return head->next == head; }
/* a node that unlinked itself (or never was linked) points to itself */
static inline int sy_list_linked(const sy_link *n) { return n->next != n; }

static inline void sy_list_push_back(sy_link *head, sy_link *n) {
  n->prev = head->prev;
  n->next = head;
  head->prev->next = n;
  head->prev = n;
}

static inline void sy_list_unlink(sy_link *n) {
  n->prev->next = n->next;
  n->next->prev = n->prev;
  n->prev = n->next = n;
}

static inline sy_link *sy_list_pop_front(sy_link *head) {
  if (sy_list_empty(head)) return NULL;
  sy_link *n = head->next;
  sy_list_unlink(n);
  return n;
}

/* ---- execution contexts: a coroutine or the thread stack that drives one */

typedef struct sy_exec {
  sy_context ctx;
#if SY_ASAN
  /* ASan must know the stack each switch lands on; a thread's own stack
   * bounds are learned from the first switch away from it */
  const void *asan_lo;
  size_t asan_size;
  void *asan_fake_stack;
#endif
} sy_exec;

/* ASan builds: the context that performed the latest switch, read right after landing */
extern _Thread_local sy_exec *sy__tl_switch_from;
/* a finished coroutine whose stack the next context must release */
extern _Thread_local sy_coro *sy__tl_zombie;
/* what every landing does besides the bare switch (see switch.c) */
void sy__landed_slow(sy_exec *self);
/* must run first thing in a fresh coroutine (see coro.c) */
void sy__after_first_switch(void);
/* the next context to land frees this finished coroutine's stack */
static inline void sy__set_zombie(sy_coro *co) { sy__tl_zombie = co; }

#if SY_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

/* Switches from the running context `from` to `to`, handing `value`;
 * returns the value the switch back into `from` carried. `dying`: `from`
 * will never be resumed (lets ASan drop its fake stack).
 *
 * Inline on purpose: after a stack switch the CPU's return-address
 * predictor holds the other stack's return addresses, so every `ret`
 * between the switch and the caller's loop mispredicts. One wrapper level
 * fewer is one misprediction fewer per switch. */
static inline __attribute__((always_inline)) void *sy__switch(sy_exec *from, sy_exec *to, void *value, int dying) {
#if SY_ASAN
  __sanitizer_start_switch_fiber(dying ? NULL : &from->asan_fake_stack, to->asan_lo, to->asan_size);
  sy__tl_switch_from = from;
#else
  (void)dying;
#endif
  void *got = sy_switch(&from->ctx, &to->ctx, value);
#if SY_ASAN
  sy__landed_slow(from);
#else
  if (__builtin_expect(sy__tl_zombie != NULL, 0)) sy__landed_slow(from);
#endif
  return got;
}

/* ---- waiting: one record per blocked operation, on the waiter's stack */

struct sy_select_wait;

typedef struct sy_waiter {
  sy_link link;           /* in the channel's send or recv queue */
  sy_coro *coro;
  sy_chan *chan;
  int op;                 /* SY_SEND / SY_RECV */
  int result;             /* set by whoever completes the operation */
  sy_value value;         /* send: the value offered; recv: the value taken */
  struct sy_select_wait *select; /* non-NULL for a select's case */
  size_t index;           /* the case index within that select */
} sy_waiter;

/* a blocked select: its waiters, one per case, and which one fired */
typedef struct sy_select_wait {
  sy_waiter *waiters;
  size_t n;
  size_t fired;
} sy_select_wait;

/* ---- coroutines */

#define SY_NAME_MAX 32

struct sy_coro {
  sy_exec exec;
  sy_stack stack;        /* this struct lives at the top of the stack itself */
  uint64_t *canary;      /* unguarded stacks: word at the low end, else NULL */
  sy_entry_fn entry;
  void *arg;
  sy_sched *sched;       /* NULL: driven by sy_coro_resume */
  sy_exec *resumer;      /* hand-driven: whom to return to on yield/finish */
  sy_coro *resumer_coro; /* ... and the coroutine that was (NULL: thread) */
  sy_link ready_link;    /* in sched->ready while READY */
  sy_link all_link;      /* in sched->all while alive */
  int status;
  unsigned valgrind_id;
  uint64_t id;
  struct {
    int op;              /* 0, SY_SEND, SY_RECV or SY_SELECT */
    sy_chan *chan;
    const sy_select_case *cases;
    size_t ncases;
    sy_waiter *waiters;  /* the records to unlink if destroyed while blocked */
    size_t nwaiters;
    int waiters_on_heap; /* a big select's records: freed if destroyed */
  } wait;
  char name[SY_NAME_MAX];
};

/* the running coroutine of this thread (NULL on the thread's own stack) */
extern _Thread_local sy_coro *sy__tl_current;
static inline sy_coro *sy__current(void) { return sy__tl_current; }
static inline void sy__set_current(sy_coro *co) { sy__tl_current = co; }
/* creates a coroutine owned by s (NULL: hand-driven) */
int sy__coro_new(sy_coro **out, sy_entry_fn entry, void *arg, const sy_coro_attr *attr, sy_sched *s);
/* unmaps / pools its stack; co is gone afterwards */
void sy__coro_release(sy_coro *co);
/* aborts with a report if an unguarded stack's canary was overwritten */
void sy__coro_check_canary(sy_coro *co);

/* ---- scheduler */

enum { SY_MODE_IDLE = 0, SY_MODE_RUN = 1, SY_MODE_STEP = 2 };

struct sy_sched {
  sy_exec root;       /* the context that called run/step */
  sy_coro *caller;    /* the coroutine that called run/step, if any */
  sy_link ready;      /* FIFO of READY coroutines */
  sy_link all;        /* every live coroutine, in creation order */
  size_t live;
  size_t nready;
  uint64_t rng;
  int mode;
};

/* the running coroutine if it may block, else SY_ENOTCORO / SY_ENOSCHED */
int sy__blocking_self(sy_coro **out);
static inline sy_coro *sy__pop_ready(sy_sched *s) {
  sy_link *l = sy_list_pop_front(&s->ready);
  if (!l) return NULL;
  s->nready--;
  return SY_CONTAINER_OF(l, sy_coro, ready_link);
}

/* self stops running (it is READY, BLOCKED or FINISHED already): hand the
 * CPU to the next ready coroutine, or back to whoever called run/step.
 * Inline for the same reason as sy__switch: fewer returns after landing. */
static inline __attribute__((always_inline)) void sy__switch_out(sy_sched *s, sy_coro *self, int dying) {
  if (self->canary) sy__coro_check_canary(self);
  sy_coro *next = s->mode == SY_MODE_RUN ? sy__pop_ready(s) : NULL;
  if (next == self) { /* it yielded and nobody else is ready */
    self->status = SY_CORO_RUNNING;
    return;
  }
  sy_exec *to;
  if (next) {
    next->status = SY_CORO_RUNNING;
    sy__set_current(next);
    to = &next->exec;
  } else {
    sy__set_current(s->caller);
    to = &s->root;
  }
  sy__switch(&self->exec, to, NULL, dying);
}

/* blocks the running coroutine (its wait record already filled in) until
 * sy__wake; returns in the coroutine once it runs again */
static inline __attribute__((always_inline)) void sy__park(sy_coro *self) {
  self->status = SY_CORO_BLOCKED;
  sy__switch_out(self->sched, self, 0);
}
/* makes a blocked coroutine ready (back of the queue) */
void sy__wake(sy_coro *co);
/* the running scheduled coroutine goes to the back of the ready queue */
void sy__sched_yield(sy_coro *self);
/* a spawned coroutine's entry returned: frees it and runs the next one */
void sy__sched_finish(sy_coro *co) __attribute__((noreturn));
/* detaches a not-running coroutine from its scheduler and wait queues */
void sy__sched_forget(sy_coro *co);
/* the generator select uses in the current context */
uint64_t *sy__rng(void);

/* ---- channels, as select sees them */

struct sy_chan {
  sy_link sendq;      /* blocked senders (waiters), FIFO */
  sy_link recvq;      /* blocked receivers, FIFO */
  size_t cap, len, head;
  int closed;
  uint64_t id;
  char name[SY_NAME_MAX];
  sy_value buf[];     /* ring buffer of cap slots */
};

int sy__chan_send_ready(const sy_chan *ch);
int sy__chan_recv_ready(const sy_chan *ch);
/* complete an operation that is ready: SY_OK or SY_ECLOSED */
int sy__chan_send_now(sy_chan *ch, sy_value value);
int sy__chan_recv_now(sy_chan *ch, sy_value *out);
/* takes a waiter off a channel queue, also unlinking its select siblings */
void sy__waiter_unlink_all(sy_coro *co);

/* ---- stacks and overflow reporting */

int sy__stack_alloc(sy_stack *out, size_t size, int guarded);
void sy__stack_free(sy_stack *stack, int guarded);
size_t sy__guard_size(void);
/* installs the SIGSEGV/SIGBUS handler (once) and this thread's signal stack */
void sy__overflow_install(void);
void sy__overflow_report(const sy_coro *co, const char *how) __attribute__((noreturn));

/* ---- deterministic generator: splitmix64 */

static inline uint64_t sy__rng_next(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* uniform in [0, n) for small n (multiply-shift, no division) */
static inline size_t sy__rng_below(uint64_t *state, size_t n) {
  return (size_t)(((sy__rng_next(state) >> 32) * (uint64_t)n) >> 32);
}

void sy__copy_name(char dst[SY_NAME_MAX], const char *src);

#endif /* SWITCHYARD_INTERNAL_H */

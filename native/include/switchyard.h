/*
 * switchyard.h: the public C API of the switchyard runtime.
 *
 * Stackful coroutines on guarded, pooled stacks; a deterministic FIFO
 * scheduler; CSP channels (unbuffered and buffered) and select. One
 * scheduler per thread; nothing here is thread-safe, except that each thread
 * has its own current coroutine, stack pool and signal stack.
 *
 * Every call that can fail returns an int: 0 (SY_OK) or a positive result on
 * success, a negative SY_E* code on failure. sy_strerror() names the code.
 */
#ifndef SWITCHYARD_H
#define SWITCHYARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- errors */

enum {
  SY_OK = 0,
  SY_ENOMEM = -1,     /* malloc or mmap failed */
  SY_EINVAL = -2,     /* bad argument */
  SY_ECLOSED = -3,    /* the channel is closed */
  SY_EAGAIN = -4,     /* would block: a try-operation, or select's default case */
  SY_EDEADLOCK = -5,  /* nothing runnable, but coroutines are still blocked */
  SY_ESTATE = -6,     /* the coroutine is not in a state that allows this */
  SY_ENOTCORO = -7,   /* blocking operation outside any coroutine */
  SY_ENOSCHED = -8,   /* blocking operation in a coroutine that has no scheduler */
  SY_EBUSY = -9       /* still in use (channel with blocked coroutines, running scheduler) */
};

/* a static string naming the code ("SY_ECLOSED: channel closed"); never NULL */
const char *sy_strerror(int code);

/* ---------------------------------------------------------------- stacks */

/* A coroutine stack: usable region [base, base + size); below base lies an
 * inaccessible guard page (sy_stack_alloc; sy_stack_alloc_slab where the
 * kernel has guard regions) or a page nothing uses (sy_stack_alloc_slab
 * elsewhere). Pages are committed lazily. */
typedef struct sy_stack {
  void *base;
  size_t size;
} sy_stack;

/* size is rounded up to whole pages; a pooled stack of the same size is
 * reused when available. Returns 0 or an error code (out untouched then). */
int sy_stack_alloc(sy_stack *out, size_t size);
/* returns the stack to this thread's pool, or unmaps it when the pool for
 * its size is full; clears *stack */
void sy_stack_free(sy_stack *stack);
/* A stack carved from a shared mapping (a slab of up to 64 MiB of stacks,
 * at most 1024): each sy_stack_alloc stack costs the kernel two mappings
 * and vm.max_map_count (65530 by default) caps a process near 32k of them,
 * while slab stacks take one mapping per slab. The page below each is a
 * guard region where the kernel has them (Linux 6.13+ MADV_GUARD_INSTALL:
 * faults like a guard page without a mapping of its own;
 * sy_stack_slab_guarded() says), else just unused: an overflow does not
 * fault and the caller must detect it (a canary word at base, checked at
 * each switch, as SY_CORO_NOGUARD coroutines do). Pooled like guarded
 * stacks (separately); free with sy_stack_free_slab, from any thread. */
int sy_stack_alloc_slab(sy_stack *out, size_t size);
void sy_stack_free_slab(sy_stack *stack);
/* 1 if slab stacks get a guard region below them in this process (probed
 * once: the kernel's support), else 0 */
int sy_stack_slab_guarded(void);
/* enabled 0: never install guard regions (tests of the unguarded path);
 * 1: probe and use them. SY_EBUSY while any slab exists. */
int sy_stack_slab_set_guard_regions(int enabled);
/* how many slabs (kernel mappings) the process's slab stacks use now */
size_t sy_stack_slab_count(void);
/* the page size stacks are rounded to */
size_t sy_stack_page_size(void);
/* how many stacks of this (rounded) size this thread's pool holds */
size_t sy_stack_pool_count(size_t size);
/* unmaps every stack in this thread's pool (e.g. before a thread exits) */
void sy_stack_pool_drain(void);
/* bound on the bytes of stacks each size class of the pool may hold
 * (default 16 MiB, at least one stack per class); 0 disables pooling */
void sy_stack_pool_set_limit(size_t bytes_per_class);

/* ------------------------------------------------------------ coroutines */

typedef struct sy_coro sy_coro;
typedef struct sy_sched sy_sched;
typedef struct sy_chan sy_chan;

/* a coroutine body; its return value is the coroutine's result */
typedef void *(*sy_entry_fn)(void *arg);

#define SY_STACK_DEFAULT ((size_t)64 * 1024)
#define SY_STACK_MIN ((size_t)8 * 1024)

/* Stack without a guard page (sy_stack_alloc_slab): each guarded
 * stack costs the kernel two memory mappings, and vm.max_map_count (65530
 * by default on Linux) caps a process at ~32k guarded stacks. Unguarded
 * stacks share slab mappings; an overflow is then detected late, by a
 * canary word at the stack's low end checked whenever the coroutine
 * switches out (report + abort). */
#define SY_CORO_NOGUARD 1u

typedef struct sy_coro_attr {
  size_t stack_size; /* 0: SY_STACK_DEFAULT; at least SY_STACK_MIN */
  const char *name;  /* copied (up to 31 bytes); NULL: unnamed */
  unsigned flags;    /* SY_CORO_* */
} sy_coro_attr;

enum {
  SY_CORO_SUSPENDED = 0, /* created and not started, or yielded */
  SY_CORO_RUNNING = 1,   /* running, or resumed another coroutine that is */
  SY_CORO_READY = 2,     /* in its scheduler's ready queue */
  SY_CORO_BLOCKED = 3,   /* waiting on a channel operation or select */
  SY_CORO_FINISHED = 4   /* its entry returned */
};

/* A coroutine driven by hand with sy_coro_resume (no scheduler). entry(arg)
 * runs on the first resume (the value of that first resume is not used). */
int sy_coro_create(sy_coro **out, sy_entry_fn entry, void *arg, const sy_coro_attr *attr);
/* Runs co until it yields or returns. *out (may be NULL) receives the
 * yielded value or the entry's return value. Returns the new status
 * (SY_CORO_SUSPENDED or SY_CORO_FINISHED) or an error code. */
int sy_coro_resume(sy_coro *co, void *value, void **out);
/* Inside a hand-driven coroutine: hands value to the resumer and suspends;
 * *resumed_with (may be NULL) receives the next resume's value.
 * Inside a scheduled coroutine: goes to the back of the ready queue
 * (value unused, *resumed_with = NULL). SY_ENOTCORO outside coroutines. */
int sy_yield(void *value, void **resumed_with);
/* Frees a coroutine that is not running: suspended, ready, blocked (it is
 * taken off every wait queue) or finished. Its frames are discarded without
 * unwinding. Spawned coroutines free themselves when they finish: their
 * handles are valid only until then. */
int sy_coro_destroy(sy_coro *co);
int sy_coro_status(const sy_coro *co);
uint64_t sy_coro_id(const sy_coro *co);     /* unique per thread, from 1 */
const char *sy_coro_name(const sy_coro *co); /* "" when unnamed */
size_t sy_coro_stack_size(const sy_coro *co);
/* the running coroutine, NULL on a thread's own stack */
sy_coro *sy_self(void);

/* ------------------------------------------------------------- scheduler */

/* seed drives select's choice among several ready cases (splitmix64);
 * the same program with the same seed runs in the same order */
int sy_sched_create(sy_sched **out, uint64_t seed);
/* destroys the coroutines it still owns; SY_EBUSY while it is running */
int sy_sched_destroy(sy_sched *s);
/* adds a coroutine at the back of the ready queue; *out may be NULL */
int sy_spawn(sy_sched *s, sy_entry_fn entry, void *arg, const sy_coro_attr *attr, sy_coro **out);
/* runs until nothing is runnable: SY_OK when every coroutine finished,
 * SY_EDEADLOCK when some are still blocked (see sy_sched_blocked) */
int sy_sched_run(sy_sched *s);
/* runs the first ready coroutine until it yields, blocks or finishes:
 * 1 when it ran one, 0 when none is left, SY_EDEADLOCK when all remaining
 * ones are blocked */
int sy_sched_step(sy_sched *s);
size_t sy_sched_pending(const sy_sched *s);  /* spawned and not finished */
size_t sy_sched_runnable(const sy_sched *s); /* in the ready queue */
/* the scheduler of the running coroutine, NULL if none */
sy_sched *sy_sched_current(void);

enum { SY_SEND = 1, SY_RECV = 2, SY_SELECT = 3 };

/* what a blocked coroutine waits on */
typedef struct sy_blocked {
  sy_coro *coro;
  uint64_t id;
  const char *name;
  int op;          /* SY_SEND, SY_RECV or SY_SELECT */
  sy_chan *chan;   /* SY_SEND / SY_RECV: the channel; SY_SELECT: NULL */
  const struct sy_select_case *cases; /* SY_SELECT: its cases (valid while blocked) */
  size_t ncases;
} sy_blocked;

/* fills up to max entries (creation order), returns how many are blocked */
size_t sy_sched_blocked(const sy_sched *s, sy_blocked *out, size_t max);
/* one line, e.g. `coroutine 3 "worker" blocked in recv on channel 2 "jobs"`;
 * returns the length it needed (snprintf-like) */
size_t sy_blocked_format(const sy_blocked *b, char *buf, size_t len);

/* -------------------------------------------------------------- channels */

/* pointer-sized message slot: an integer, a pointer, a JS handle index */
typedef uintptr_t sy_value;

/* capacity 0: unbuffered (a send completes when a receiver takes it) */
int sy_chan_create(sy_chan **out, size_t capacity);
/* SY_EBUSY while coroutines are blocked on it */
int sy_chan_destroy(sy_chan *ch);
int sy_chan_set_name(sy_chan *ch, const char *name); /* copied, up to 31 bytes */
const char *sy_chan_name(const sy_chan *ch);
uint64_t sy_chan_id(const sy_chan *ch);               /* unique per thread, from 1 */
size_t sy_chan_len(const sy_chan *ch);
size_t sy_chan_cap(const sy_chan *ch);
int sy_chan_is_closed(const sy_chan *ch);

/* block until done; SY_ECLOSED when the channel is (or gets) closed */
int sy_chan_send(sy_chan *ch, sy_value value);
/* SY_ECLOSED once closed and drained (*out = 0) */
int sy_chan_recv(sy_chan *ch, sy_value *out);
/* never block: SY_EAGAIN instead; usable outside coroutines */
int sy_chan_try_send(sy_chan *ch, sy_value value);
int sy_chan_try_recv(sy_chan *ch, sy_value *out);
/* receivers drain the buffer, then see SY_ECLOSED; blocked senders get
 * SY_ECLOSED. Closing twice: SY_ECLOSED. */
int sy_chan_close(sy_chan *ch);

/* ---------------------------------------------------------------- select */

typedef struct sy_select_case {
  sy_chan *chan;  /* NULL: a case that is never ready */
  int op;         /* SY_SEND or SY_RECV */
  sy_value value; /* SY_SEND: the value to send; SY_RECV: the value received */
  int result;     /* set on the chosen case: SY_OK or SY_ECLOSED */
} sy_select_case;

#define SY_SELECT_DEFAULT 1u /* flag: take the default case if none is ready */

/* Completes exactly one case and returns its index; SY_EAGAIN when
 * SY_SELECT_DEFAULT is given and no case is ready. Among several ready
 * cases the choice is uniform and deterministic: the scheduler's seeded
 * generator picks one (a per-thread generator outside schedulers). */
int sy_select(sy_select_case *cases, size_t n, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif /* SWITCHYARD_H */

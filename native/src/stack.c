/*
 * stack.c: coroutine stacks, committed lazily by the kernel (so an 8 MiB JS
 * fiber stack costs what it uses). Two kinds:
 *
 * guarded    an mmap'd region of its own with a PROT_NONE guard page just
 *            below it, so an overflow faults instead of scribbling over a
 *            neighbour. That is two kernel mappings per stack, and Linux
 *            caps a process at vm.max_map_count mappings (65530 by default):
 *            about 32k guarded stacks.
 * slab       carved from slabs: one mapping holds many stacks (up to 64 MiB
 *            of them, at most 1024), each with a one-page gap below it, so
 *            100,000 stacks take a few thousand mappings at most. Where the
 *            kernel has lightweight guard regions (Linux 6.13+,
 *            MADV_GUARD_INSTALL: page-table markers that fault like
 *            PROT_NONE without splitting the mapping) each gap becomes one,
 *            and slab stacks are as guarded as the others
 *            (sy_stack_slab_guarded). Elsewhere nothing faults on
 *            overflow: the user checks a canary (coro.c puts one at the low
 *            end of an SY_CORO_NOGUARD stack), and the unused gap keeps a
 *            small overrun off the neighbour below. A slab is unmapped once
 *            none of its stacks is in use; a stack returned to a slab that
 *            lives on gives back all its pages but the top one.
 *
 * mmap + mprotect are two system calls and a TLB shootdown on unmap, so
 * freed stacks of either kind are kept in a small per-thread pool, one free
 * list per size class and kind, linked through a word at the top of each
 * pooled stack (no allocation). Slabs are shared by all threads (a stack may
 * be freed on another thread than the one that allocated it) behind a spin
 * lock, taken only when the pool has no stack to give or no room to keep one.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#if SY_ASAN
#include <sanitizer/asan_interface.h>
#endif

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif
#ifndef MAP_STACK
#define MAP_STACK 0
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102 /* Linux 6.13 uapi; older kernels say EINVAL */
#endif

#define POOL_CLASSES 8

typedef struct pool_class {
  size_t size;   /* usable bytes; 0: class unused */
  int guarded;
  size_t count;
  void *head;    /* base of the first pooled stack */
} pool_class;

static _Thread_local pool_class tl_pool[POOL_CLASSES];
static size_t g_pool_limit = (size_t)16 << 20;

size_t sy_stack_page_size(void) {
  static size_t page;
  if (!page) {
    long p = sysconf(_SC_PAGESIZE);
    page = p > 0 ? (size_t)p : 4096;
  }
  return page;
}

size_t sy__guard_size(void) { return sy_stack_page_size(); }

static size_t round_to_pages(size_t size) {
  size_t page = sy_stack_page_size();
  if (size > SIZE_MAX - page) return 0;
  return (size + page - 1) & ~(page - 1);
}

/* the free-list link of a pooled stack: its topmost word, which the
 * coroutine that used it certainly committed already */
static void **pool_link(void *base, size_t size) {
  return (void **)((char *)base + size - sizeof(void *));
}

static pool_class *pool_find(size_t size, int guarded) {
  for (int i = 0; i < POOL_CLASSES; i++)
    if (tl_pool[i].size == size && tl_pool[i].guarded == guarded) return &tl_pool[i];
  return NULL;
}

/* ---- slabs of stacks */

#define SLAB_BYTES ((size_t)64 << 20) /* stacks per slab: as many as fit, */
#define SLAB_MAX_SLOTS 1024u          /* at most this many, at least one */

typedef struct slab {
  char *map;               /* the mapping: slots * stride bytes */
  size_t stride;           /* gap page + stack */
  size_t size;             /* usable bytes of each stack */
  unsigned slots;          /* how many stacks it holds */
  unsigned carved;         /* slots handed out at least once (in address order) */
  unsigned used;           /* stacks in use (or in some thread's pool) */
  void *free_head;         /* base of a returned stack, linked through its top word */
  struct slab *prev_open;  /* slabs of this size with a slot left */
  struct slab *next_open;
  int open;                /* on that list */
} slab;

static char g_slab_lock;
/* guard regions in the gaps: -1 not known yet (probed on the first slab), 0 no, 1 yes */
static int g_slab_guards = -1;
static slab **g_slabs;     /* every slab, by address */
static size_t g_slab_count, g_slab_cap;
static slab *g_open;       /* slabs with a free slot, any size */

static void slab_lock(void) {
  while (__atomic_test_and_set(&g_slab_lock, __ATOMIC_ACQUIRE)) {
  }
}
static void slab_unlock(void) { __atomic_clear(&g_slab_lock, __ATOMIC_RELEASE); }

static void open_push(slab *sl) {
  sl->prev_open = NULL;
  sl->next_open = g_open;
  if (g_open) g_open->prev_open = sl;
  g_open = sl;
  sl->open = 1;
}

static void open_remove(slab *sl) {
  if (sl->prev_open) sl->prev_open->next_open = sl->next_open;
  else g_open = sl->next_open;
  if (sl->next_open) sl->next_open->prev_open = sl->prev_open;
  sl->open = 0;
}

/* index of the first slab whose mapping starts above p */
static size_t slab_upper(const void *p) {
  size_t lo = 0, hi = g_slab_count;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if ((const char *)g_slabs[mid]->map <= (const char *)p) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

static slab *slab_of(const void *base) {
  size_t i = slab_upper(base);
  if (i == 0) return NULL;
  slab *sl = g_slabs[i - 1];
  return (const char *)base < sl->map + (size_t)sl->slots * sl->stride ? sl : NULL;
}

static slab *slab_new(size_t size) {
  size_t page = sy_stack_page_size();
  if (size > SIZE_MAX - page) return NULL;
  size_t stride = size + page;
  size_t slots = SLAB_BYTES / stride;
  if (slots < 1) slots = 1;
  if (slots > SLAB_MAX_SLOTS) slots = SLAB_MAX_SLOTS;
  if (g_slab_count == g_slab_cap) {
    size_t cap = g_slab_cap ? g_slab_cap * 2 : 64;
    slab **grown = realloc(g_slabs, cap * sizeof *grown);
    if (!grown) return NULL;
    g_slabs = grown;
    g_slab_cap = cap;
  }
  slab *sl = calloc(1, sizeof *sl);
  if (!sl) return NULL;
  char *map = mmap(NULL, slots * stride, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (map == MAP_FAILED) {
    free(sl);
    return NULL;
  }
  if (g_slab_guards != 0) {
    int ok = 1;
    for (size_t i = 0; i < slots && ok; i++) ok = madvise(map + i * stride, page, MADV_GUARD_INSTALL) == 0;
    if (!ok && g_slab_guards == 1) { /* the kernel refused what it allowed before: out of memory */
      munmap(map, slots * stride);
      free(sl);
      return NULL;
    }
    g_slab_guards = ok;
  }
  sl->map = map;
  sl->stride = stride;
  sl->size = size;
  sl->slots = (unsigned)slots;
  size_t at = slab_upper(map);
  memmove(&g_slabs[at + 1], &g_slabs[at], (g_slab_count - at) * sizeof *g_slabs);
  g_slabs[at] = sl;
  g_slab_count++;
  open_push(sl);
  return sl;
}

static void *slab_take(size_t size) {
  slab_lock();
  slab *sl = g_open;
  while (sl && sl->size != size) sl = sl->next_open;
  if (!sl) sl = slab_new(size);
  void *base = NULL;
  if (sl) {
    if (sl->free_head) {
      base = sl->free_head;
      sl->free_head = *pool_link(base, size);
    } else {
      base = sl->map + (size_t)sl->carved++ * sl->stride + (sl->stride - size);
    }
    if (++sl->used == sl->slots) open_remove(sl);
  }
  slab_unlock();
  return base;
}

static void slab_give_back(void *base, size_t size) {
  /* its pages go back to the kernel (a stack that once ran deep would keep
   * them while the slab lives), all but the top one, which holds the
   * free-list link; outside the lock: the stack is still only ours */
  size_t page = sy_stack_page_size();
  if (size > page) madvise(base, size - page, MADV_DONTNEED);
  slab_lock();
  slab *sl = slab_of(base);
  if (!sl || sl->size != size) {
    slab_unlock();
    return; /* not ours: a caller bug; leaking beats unmapping a stranger */
  }
  if (--sl->used == 0) {
    if (sl->open) open_remove(sl);
    size_t at = slab_upper(sl->map) - 1;
    memmove(&g_slabs[at], &g_slabs[at + 1], (g_slab_count - at - 1) * sizeof *g_slabs);
    g_slab_count--;
    munmap(sl->map, (size_t)sl->slots * sl->stride);
    free(sl);
  } else {
    *pool_link(base, size) = sl->free_head;
    sl->free_head = base;
    if (!sl->open) open_push(sl);
  }
  slab_unlock();
}

int sy_stack_slab_guarded(void) {
  slab_lock();
  if (g_slab_guards < 0) { /* probe on a one-page scratch mapping */
    void *p = mmap(NULL, sy_stack_page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
      g_slab_guards = madvise(p, sy_stack_page_size(), MADV_GUARD_INSTALL) == 0;
      munmap(p, sy_stack_page_size());
    }
  }
  int on = g_slab_guards == 1;
  slab_unlock();
  return on;
}

int sy_stack_slab_set_guard_regions(int enabled) {
  slab_lock();
  int rc = g_slab_count ? SY_EBUSY : SY_OK;
  if (rc == SY_OK) g_slab_guards = enabled ? -1 : 0;
  slab_unlock();
  return rc;
}

size_t sy_stack_slab_count(void) {
  slab_lock();
  size_t n = g_slab_count;
  slab_unlock();
  return n;
}

static void unmap_stack(void *base, size_t size, int guarded) {
  if (!guarded) {
    slab_give_back(base, size);
    return;
  }
  munmap((char *)base - sy__guard_size(), size + sy__guard_size());
}

int sy__stack_alloc(sy_stack *out, size_t size, int guarded) {
  if (!out || size == 0) return SY_EINVAL;
  size = round_to_pages(size);
  if (size == 0) return SY_EINVAL;

  pool_class *pc = pool_find(size, guarded);
  if (pc && pc->count) {
    void *base = pc->head;
    pc->head = *pool_link(base, size);
    pc->count--;
    out->base = base;
    out->size = size;
    return SY_OK;
  }

  if (!guarded) {
    void *base = slab_take(size);
    if (!base) return SY_ENOMEM;
    out->base = base;
    out->size = size;
    return SY_OK;
  }
  size_t guard = sy__guard_size();
  if (size > SIZE_MAX - guard) return SY_EINVAL;
  char *p = mmap(NULL, size + guard, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (p == MAP_FAILED) return SY_ENOMEM;
  if (mprotect(p, guard, PROT_NONE) != 0) {
    munmap(p, size + guard);
    return SY_ENOMEM;
  }
  out->base = p + guard;
  out->size = size;
  return SY_OK;
}

void sy__stack_free(sy_stack *stack, int guarded) {
  if (!stack || !stack->base) return;
  void *base = stack->base;
  size_t size = stack->size;
  stack->base = NULL;
  stack->size = 0;
#if SY_ASAN
  /* frames abandoned on this stack (a coroutine destroyed while suspended)
   * leave poisoned redzones behind; the next user must start clean */
  __asan_unpoison_memory_region(base, size);
#endif

  size_t max = g_pool_limit ? g_pool_limit / size : 0;
  if (g_pool_limit && max == 0) max = 1;
  pool_class *pc = pool_find(size, guarded);
  if (!pc && max) {
    for (int i = 0; i < POOL_CLASSES && !pc; i++)
      if (tl_pool[i].count == 0) {
        pc = &tl_pool[i];
        pc->size = size;
        pc->guarded = guarded;
        pc->head = NULL;
      }
  }
  if (!pc || pc->count >= max) {
    unmap_stack(base, size, guarded);
    return;
  }
  *pool_link(base, size) = pc->head;
  pc->head = base;
  pc->count++;
}

int sy_stack_alloc(sy_stack *out, size_t size) { return sy__stack_alloc(out, size, 1); }

void sy_stack_free(sy_stack *stack) { sy__stack_free(stack, 1); }

int sy_stack_alloc_slab(sy_stack *out, size_t size) { return sy__stack_alloc(out, size, 0); }

void sy_stack_free_slab(sy_stack *stack) { sy__stack_free(stack, 0); }

size_t sy_stack_pool_count(size_t size) {
  pool_class *pc = pool_find(round_to_pages(size), 1);
  return pc ? pc->count : 0;
}

void sy_stack_pool_drain(void) {
  for (int i = 0; i < POOL_CLASSES; i++) {
    pool_class *pc = &tl_pool[i];
    while (pc->count) {
      void *base = pc->head;
      pc->head = *pool_link(base, pc->size);
      pc->count--;
      unmap_stack(base, pc->size, pc->guarded);
    }
    pc->size = 0;
    pc->head = NULL;
  }
}

void sy_stack_pool_set_limit(size_t bytes_per_class) {
  g_pool_limit = bytes_per_class;
  if (!bytes_per_class) sy_stack_pool_drain();
}

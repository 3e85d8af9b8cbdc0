/*
 * stack.c: coroutine stacks. Each one is an mmap'd region whose pages the
 * kernel commits only when touched (so an 8 MiB JS fiber stack costs what
 * it uses), with a PROT_NONE guard page just below it so an overflow faults
 * instead of scribbling over a neighbour. mmap + mprotect are two system
 * calls and a TLB shootdown on unmap, so freed stacks are kept in a small
 * per-thread pool, one free list per size class, linked through a word at
 * the top of each pooled stack (no allocation).
 */
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

static void unmap_stack(void *base, size_t size, int guarded) {
  size_t guard = guarded ? sy__guard_size() : 0;
  munmap((char *)base - guard, size + guard);
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

  size_t guard = guarded ? sy__guard_size() : 0;
  if (size > SIZE_MAX - guard) return SY_EINVAL;
  char *p = mmap(NULL, size + guard, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (p == MAP_FAILED) return SY_ENOMEM;
  if (guard && mprotect(p, guard, PROT_NONE) != 0) {
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

/*
 * alloc.c: malloc, calloc, realloc and free of the freestanding test shim,
 * from one static arena (no system call). Blocks are rounded up to a power
 * of two from 16 bytes and kept, once freed, on a free list per size; a
 * block never changes size, which wastes up to half of it and needs no
 * coalescing. Exhaustion returns NULL, as malloc does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BYTES ((size_t)48 << 20)
#define MIN_SHIFT 4
#define CLASSES 28 /* up to 2 GiB: more than the arena */
#define HEADER 16  /* keeps blocks 16-aligned, like glibc's malloc on 32-bit targets */

static unsigned char arena[ARENA_BYTES] __attribute__((aligned(16)));
static size_t used;
static void *free_list[CLASSES];

static int class_of(size_t size) {
  int c = 0;
  while (c < CLASSES && ((size_t)1 << (c + MIN_SHIFT)) < size) c++;
  return c;
}

static size_t *header_of(void *p) { return (size_t *)((unsigned char *)p - HEADER); }

void *malloc(size_t size) {
  int c = class_of(size ? size : 1);
  if (c >= CLASSES) return NULL;
  if (free_list[c]) {
    void *p = free_list[c];
    free_list[c] = *(void **)p;
    return p;
  }
  size_t bytes = HEADER + ((size_t)1 << (c + MIN_SHIFT));
  if (bytes > ARENA_BYTES - used) return NULL;
  unsigned char *block = arena + used;
  used += bytes;
  *(size_t *)block = (size_t)c;
  return block + HEADER;
}

void free(void *p) {
  if (!p) return;
  int c = (int)*header_of(p);
  *(void **)p = free_list[c];
  free_list[c] = p;
}

void *calloc(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) return NULL;
  void *p = malloc(n * size);
  if (p) memset(p, 0, n * size);
  return p;
}

void *realloc(void *p, size_t size) {
  if (!p) return malloc(size);
  size_t have = (size_t)1 << (*header_of(p) + MIN_SHIFT);
  if (size <= have) return p;
  void *q = malloc(size);
  if (!q) return NULL;
  memcpy(q, p, have);
  free(p);
  return q;
}

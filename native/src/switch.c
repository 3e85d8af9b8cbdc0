/*
 * switch.c: every context switch of the runtime goes through sy__switch,
 * so that the tools that track stacks hear about each one: AddressSanitizer
 * must be told which stack it lands on (or it reports false stack-buffer
 * overflows and loses its fake stacks), and a finished coroutine's stack can
 * only be freed once we are off it, by whichever context runs next.
 */
#include "internal.h"

#if SY_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

/* the context that performed the latest switch; read right after landing */
static _Thread_local sy_exec *tl_switch_from;
/* a finished coroutine whose stack the next context must release */
static _Thread_local sy_coro *tl_zombie;

void sy__set_zombie(sy_coro *co) { tl_zombie = co; }

/* runs in the context we just landed in, before anything else */
static void after_switch(sy_exec *self) {
#if SY_ASAN
  const void *from_lo;
  size_t from_size;
  __sanitizer_finish_switch_fiber(self ? self->asan_fake_stack : NULL, &from_lo, &from_size);
  /* this is how a thread's own stack bounds get known: they are what ASan
   * reports for the context that left it */
  if (tl_switch_from) {
    tl_switch_from->asan_lo = from_lo;
    tl_switch_from->asan_size = from_size;
  }
#else
  (void)self;
#endif
  tl_switch_from = NULL;
  if (tl_zombie) {
    sy_coro *z = tl_zombie;
    tl_zombie = NULL;
    sy__coro_release(z);
  }
}

void *sy__switch(sy_exec *from, sy_exec *to, void *value, int dying) {
#if SY_ASAN
  __sanitizer_start_switch_fiber(dying ? NULL : &from->asan_fake_stack, to->asan_lo, to->asan_size);
#else
  (void)dying;
#endif
  tl_switch_from = from;
  void *got = sy_switch(&from->ctx, &to->ctx, value);
  after_switch(from);
  return got;
}

void sy__after_first_switch(void) { after_switch(NULL); }

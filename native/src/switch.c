/*
 * switch.c: the part of a context switch that is not the bare register
 * swap (sy__switch in internal.h inlines the fast path). The tools that
 * track stacks must hear about each switch: AddressSanitizer must be told
 * which stack it lands on (or it reports false stack-buffer overflows and
 * loses its fake stacks). And a finished coroutine's stack can only be
 * freed once we are off it, by whichever context runs next.
 */
#include "internal.h"

_Thread_local sy_exec *sy__tl_switch_from;
_Thread_local sy_coro *sy__tl_zombie;

/* runs in the context we just landed in, before anything else */
void sy__landed_slow(sy_exec *self) {
#if SY_ASAN
  const void *from_lo;
  size_t from_size;
  __sanitizer_finish_switch_fiber(self ? self->asan_fake_stack : NULL, &from_lo, &from_size);
  /* this is how a thread's own stack bounds get known: they are what ASan
   * reports for the context that left it */
  if (sy__tl_switch_from) {
    sy__tl_switch_from->asan_lo = from_lo;
    sy__tl_switch_from->asan_size = from_size;
  }
#else
  (void)self;
#endif
  if (sy__tl_zombie) {
    sy_coro *z = sy__tl_zombie;
    sy__tl_zombie = NULL;
    sy__coro_release(z);
  }
}

void sy__after_first_switch(void) { sy__landed_slow(NULL); }

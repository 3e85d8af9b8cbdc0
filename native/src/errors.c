/* errors.c: names for the runtime's error codes. */
#include "internal.h"

const char *sy_strerror(int code) {
  switch (code) {
  case SY_OK: return "SY_OK: success";
  case SY_ENOMEM: return "SY_ENOMEM: out of memory";
  case SY_EINVAL: return "SY_EINVAL: invalid argument";
  case SY_ECLOSED: return "SY_ECLOSED: channel closed";
  case SY_EAGAIN: return "SY_EAGAIN: operation would block";
  case SY_EDEADLOCK: return "SY_EDEADLOCK: all remaining coroutines are blocked";
  case SY_ESTATE: return "SY_ESTATE: coroutine state does not allow this";
  case SY_ENOTCORO: return "SY_ENOTCORO: blocking operation outside a coroutine";
  case SY_ENOSCHED: return "SY_ENOSCHED: blocking operation in a coroutine without a scheduler";
  case SY_EBUSY: return "SY_EBUSY: still in use";
  default: return code > 0 ? "success" : "unknown switchyard error";
  }
}

/* names are copied into fixed buffers so callers need not keep them alive */
void sy__copy_name(char dst[SY_NAME_MAX], const char *src) {
  size_t i = 0;
  if (src)
    for (; i + 1 < SY_NAME_MAX && src[i]; i++) dst[i] = src[i];
  dst[i] = '\0';
}

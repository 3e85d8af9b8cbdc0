/* Minimal stand-in for the macOS SDK's <string.h> (see stdio.h here). */
#ifndef REGCHECK_APPLE_STUB_STRING_H
#define REGCHECK_APPLE_STUB_STRING_H
#include <stddef.h>
void *memset(void *s, int c, size_t n);
void *memcpy(void *restrict d, const void *restrict s, size_t n);
#endif

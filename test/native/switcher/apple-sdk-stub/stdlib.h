/* Minimal stand-in for the macOS SDK's <stdlib.h> (see stdio.h here). */
#ifndef REGCHECK_APPLE_STUB_STDLIB_H
#define REGCHECK_APPLE_STUB_STDLIB_H
#include <stddef.h>
void abort(void) __attribute__((noreturn));
#endif

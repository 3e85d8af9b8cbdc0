/* Minimal stand-in for the macOS SDK's <stdio.h>, only so that the generated
 * context_make_aarch64_apple.c can be compiled for arm64-apple-macos on a
 * Linux machine without an SDK (switcher.test.ts). Declarations follow the
 * macOS libc ABI: stderr is the global __stderrp. Never used to link. */
#ifndef REGCHECK_APPLE_STUB_STDIO_H
#define REGCHECK_APPLE_STUB_STDIO_H
#include <stddef.h>
typedef struct __sFILE FILE;
extern FILE *__stderrp;
#define stderr __stderrp
int fputs(const char *restrict s, FILE *restrict stream);
int fprintf(FILE *restrict stream, const char *restrict format, ...);
#endif

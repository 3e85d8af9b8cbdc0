/* stdio.h of the freestanding test shim: formatted output to stdout/stderr,
 * written straight to the file descriptor, and files opened for reading. */
#ifndef SY_FS_STDIO_H
#define SY_FS_STDIO_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sy_fs_file FILE;
extern FILE *const stdout;
extern FILE *const stderr;

#define EOF (-1)
#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vfprintf(FILE *f, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fputs(const char *s, FILE *f);
int puts(const char *s);
int fputc(int c, FILE *f);
int putchar(int c);
int fflush(FILE *f);
int setvbuf(FILE *f, char *buf, int mode, size_t size);
FILE *fopen(const char *path, const char *mode);
int fgetc(FILE *f);
int fclose(FILE *f);

#endif

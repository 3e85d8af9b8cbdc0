/*
 * stdio.c: printf and friends of the freestanding test shim. Output is
 * formatted into a buffer and written to the file descriptor at once, so
 * nothing is ever buffered across calls (fflush and setvbuf have nothing to
 * do). Conversions: d i u x X o c s p %, with flags - 0 + space #, width and
 * precision (numbers or *), lengths hh h l ll z t j. No floating point: the
 * programs built with this shim print none. Files open for reading only
 * (fopen "r", fgetc, fclose: enough to read /proc).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syscall.h"

struct sy_fs_file {
  int fd;
  /* read buffer of a file opened with fopen */
  size_t pos, len;
  unsigned char buf[512];
};

static struct sy_fs_file out_file = {.fd = 1}, err_file = {.fd = 2};
FILE *const stdout = &out_file;
FILE *const stderr = &err_file;

/* a bounded output buffer that still counts what would not fit (for snprintf's return value) */
typedef struct {
  char *buf;
  size_t cap;
  size_t len;
} sink;

static void put(sink *s, char c) {
  if (s->len + 1 < s->cap) s->buf[s->len] = c;
  s->len++;
}

static void put_n(sink *s, char c, int n) {
  while (n-- > 0) put(s, c);
}

typedef struct {
  int left, zero, plus, space, alt;
  int width, precision; /* -1: not given */
} spec;

static void put_padded(sink *s, const spec *sp, const char *prefix, const char *digits, int ndigits) {
  int nprefix = (int)strlen(prefix);
  int zeros = sp->precision > ndigits ? sp->precision - ndigits : 0;
  int body = nprefix + zeros + ndigits;
  int pad = sp->width > body ? sp->width - body : 0;
  if (sp->zero && !sp->left && sp->precision < 0) {
    zeros += pad;
    pad = 0;
  }
  if (!sp->left) put_n(s, ' ', pad);
  for (int i = 0; i < nprefix; i++) put(s, prefix[i]);
  put_n(s, '0', zeros);
  for (int i = 0; i < ndigits; i++) put(s, digits[i]);
  if (sp->left) put_n(s, ' ', pad);
}

static void put_number(sink *s, const spec *sp, uint64_t v, int negative, unsigned base, int upper, const char *prefix) {
  char digits[24];
  int n = 0;
  const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  if (!(v == 0 && sp->precision == 0)) {
    do {
      digits[n++] = set[v % base];
      v /= base;
    } while (v);
  }
  char rev[24];
  for (int i = 0; i < n; i++) rev[i] = digits[n - 1 - i];
  char pre[4] = {0};
  if (negative)
    pre[0] = '-';
  else if (sp->plus) pre[0] = '+';
  else if (sp->space) pre[0] = ' ';
  size_t at = strlen(pre);
  for (const char *p = prefix; *p && at < sizeof pre - 1; p++) pre[at++] = *p;
  put_padded(s, sp, pre, rev, n);
}

static void format(sink *s, const char *fmt, va_list ap) {
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      put(s, *fmt);
      continue;
    }
    spec sp = {0, 0, 0, 0, 0, 0, -1};
    for (;; fmt++) {
      char f = fmt[1];
      if (f == '-') sp.left = 1;
      else if (f == '0') sp.zero = 1;
      else if (f == '+') sp.plus = 1;
      else if (f == ' ') sp.space = 1;
      else if (f == '#') sp.alt = 1;
      else break;
    }
    fmt++;
    if (*fmt == '*') {
      sp.width = va_arg(ap, int);
      if (sp.width < 0) sp.left = 1, sp.width = -sp.width;
      fmt++;
    } else {
      while (*fmt >= '0' && *fmt <= '9') sp.width = sp.width * 10 + (*fmt++ - '0');
    }
    if (*fmt == '.') {
      fmt++;
      sp.precision = 0;
      if (*fmt == '*') {
        sp.precision = va_arg(ap, int);
        fmt++;
      } else {
        while (*fmt >= '0' && *fmt <= '9') sp.precision = sp.precision * 10 + (*fmt++ - '0');
      }
    }
    int longs = 0; /* 0 int, 1 long, 2 long long, 3 size_t/ptrdiff_t/intmax_t */
    while (*fmt == 'h' || *fmt == 'l' || *fmt == 'z' || *fmt == 't' || *fmt == 'j') {
      if (*fmt == 'l') longs++;
      else if (*fmt != 'h') longs = 3;
      fmt++;
    }
    char c = *fmt;
    if (!c) break;
    switch (c) {
      case 'd':
      case 'i': {
        int64_t v = longs == 2 ? va_arg(ap, long long) : longs == 3 ? (int64_t)va_arg(ap, intptr_t) : longs == 1 ? va_arg(ap, long) : va_arg(ap, int);
        put_number(s, &sp, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, 0, "");
        break;
      }
      case 'u':
      case 'x':
      case 'X':
      case 'o': {
        uint64_t v = longs == 2 ? va_arg(ap, unsigned long long) : longs == 3 ? (uint64_t)va_arg(ap, uintptr_t) : longs == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
        unsigned base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
        const char *prefix = sp.alt && v ? (c == 'x' ? "0x" : c == 'X' ? "0X" : c == 'o' ? "0" : "") : "";
        put_number(s, &sp, v, 0, base, c == 'X', prefix);
        break;
      }
      case 'p': {
        uintptr_t v = (uintptr_t)va_arg(ap, void *);
        if (!v) {
          put_padded(s, &sp, "", "(nil)", 5);
        } else {
          put_number(s, &sp, v, 0, 16, 0, "0x");
        }
        break;
      }
      case 'c': {
        char ch = (char)va_arg(ap, int);
        spec plain = sp;
        plain.precision = -1;
        plain.zero = 0;
        put_padded(s, &plain, "", &ch, 1);
        break;
      }
      case 's': {
        const char *str = va_arg(ap, const char *);
        if (!str) str = "(null)";
        int n = 0;
        while (str[n] && (sp.precision < 0 || n < sp.precision)) n++;
        spec plain = sp;
        plain.precision = -1;
        plain.zero = 0;
        put_padded(s, &plain, "", str, n);
        break;
      }
      case '%':
        put(s, '%');
        break;
      default: /* not supported: show it, so a test that needs it fails visibly */
        put(s, '%');
        put(s, c);
        break;
    }
  }
  if (s->cap) s->buf[s->len < s->cap ? s->len : s->cap - 1] = 0;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) {
  sink s = {buf, size, 0};
  format(&s, fmt, ap);
  return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

static int write_all(FILE *f, const char *p, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(f->fd, p + done, n - done);
    if (w <= 0) return EOF;
    done += (size_t)w;
  }
  return (int)n;
}

int vfprintf(FILE *f, const char *fmt, va_list ap) {
  char small[1024];
  va_list again;
  va_copy(again, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  int r;
  if ((size_t)n < sizeof small) {
    r = write_all(f, small, (size_t)n);
  } else { /* long output: format again into a buffer of the right size, on the stack */
    char big[n + 1];
    vsnprintf(big, sizeof big, fmt, again);
    r = write_all(f, big, (size_t)n);
  }
  va_end(again);
  return r;
}

int fprintf(FILE *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vfprintf(f, fmt, ap);
  va_end(ap);
  return n;
}

int printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vfprintf(stdout, fmt, ap);
  va_end(ap);
  return n;
}

int fputs(const char *s, FILE *f) { return write_all(f, s, strlen(s)) == EOF ? EOF : 0; }

int puts(const char *s) { return fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF ? EOF : 0; }

int fputc(int c, FILE *f) {
  char ch = (char)c;
  return write_all(f, &ch, 1) == EOF ? EOF : (unsigned char)ch;
}

int putchar(int c) { return fputc(c, stdout); }

int fflush(FILE *f) {
  (void)f;
  return 0;
}

int setvbuf(FILE *f, char *buf, int mode, size_t size) {
  (void)f, (void)buf, (void)mode, (void)size;
  return 0;
}

FILE *fopen(const char *path, const char *mode) {
  if (strcmp(mode, "r") != 0) return NULL; /* reading is all the shim offers */
  long fd = sy_fs_result(sy_fs_syscall6(SY_NR_OPENAT, SY_AT_FDCWD, (long)path, 0 /* O_RDONLY */, 0, 0, 0));
  if (fd < 0) return NULL;
  FILE *f = calloc(1, sizeof *f);
  if (!f) {
    sy_fs_syscall(SY_NR_CLOSE, fd, 0, 0);
    return NULL;
  }
  f->fd = (int)fd;
  return f;
}

int fgetc(FILE *f) {
  if (f->pos == f->len) {
    long n = sy_fs_result(sy_fs_syscall(SY_NR_READ, f->fd, f->buf, sizeof f->buf));
    if (n <= 0) return EOF;
    f->pos = 0;
    f->len = (size_t)n;
  }
  return f->buf[f->pos++];
}

int fclose(FILE *f) {
  int r = (int)sy_fs_result(sy_fs_syscall(SY_NR_CLOSE, f->fd, 0, 0));
  free(f);
  return r;
}

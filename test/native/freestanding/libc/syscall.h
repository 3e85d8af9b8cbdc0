/*
 * syscall.h: Linux system calls on RISC-V (number in a7, arguments in
 * a0-a5, result in a0; -4095..-1 is -errno). The numbers are the
 * asm-generic ones RV32 uses; mmap is mmap2 there (offset in 4 KiB units).
 */
#ifndef SY_FS_SYSCALL_H
#define SY_FS_SYSCALL_H

#define SY_NR_SIGALTSTACK 132
#define SY_NR_RT_SIGACTION 134
#define SY_NR_RT_SIGPROCMASK 135
#define SY_NR_OPENAT 56
#define SY_NR_CLOSE 57
#define SY_NR_READ 63
#define SY_NR_WRITE 64
#define SY_NR_EXIT_GROUP 94
#define SY_NR_TGKILL 131
#define SY_NR_GETPID 172
#define SY_NR_GETTID 178
#define SY_NR_MUNMAP 215
#define SY_NR_MMAP2 222
#define SY_NR_MPROTECT 226
#define SY_NR_MADVISE 233

static inline long sy_fs_syscall6(long n, long a, long b, long c, long d, long e, long f) {
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a3 __asm__("a3") = d;
  register long a4 __asm__("a4") = e;
  register long a5 __asm__("a5") = f;
  register long a7 __asm__("a7") = n;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7) : "memory");
  return a0;
}

#define sy_fs_syscall(n, a, b, c) sy_fs_syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

#define SY_AT_FDCWD (-100)

/* a raw result as libc returns it: -1 with errno set, or the value */
long sy_fs_result(long raw);

#endif

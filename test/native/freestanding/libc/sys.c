/*
 * sys.c: the POSIX calls the runtime and the tests use, each a raw Linux
 * system call (qemu-user forwards them to the host kernel), so guarded
 * stacks, signal handlers and the alternate signal stack behave as on a
 * libc-based target.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "syscall.h"

int sy_fs_errno;

long sy_fs_result(long raw) {
  if (raw < 0 && raw >= -4095) {
    errno = (int)-raw;
    return -1;
  }
  return raw;
}

ssize_t write(int fd, const void *buf, size_t n) { return (ssize_t)sy_fs_result(sy_fs_syscall(SY_NR_WRITE, fd, buf, n)); }

void _exit(int status) {
  for (;;) sy_fs_syscall(SY_NR_EXIT_GROUP, status, 0, 0);
}

long sysconf(int name) {
  if (name == _SC_PAGESIZE) return 4096;
  errno = EINVAL;
  return -1;
}

pid_t getpid(void) { return (pid_t)sy_fs_syscall(SY_NR_GETPID, 0, 0, 0); }

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset) {
  if (offset & 4095) {
    errno = EINVAL;
    return MAP_FAILED;
  }
  long r = sy_fs_syscall6(SY_NR_MMAP2, (long)addr, (long)len, prot, flags, fd, offset >> 12);
  return sy_fs_result(r) == -1 ? MAP_FAILED : (void *)r;
}

int munmap(void *addr, size_t len) { return (int)sy_fs_result(sy_fs_syscall(SY_NR_MUNMAP, addr, len, 0)); }
int mprotect(void *addr, size_t len, int prot) { return (int)sy_fs_result(sy_fs_syscall(SY_NR_MPROTECT, addr, len, prot)); }
int madvise(void *addr, size_t len, int advice) { return (int)sy_fs_result(sy_fs_syscall(SY_NR_MADVISE, addr, len, advice)); }

/* the kernel's struct sigaction on asm-generic targets without SA_RESTORER */
struct kernel_sigaction {
  void *handler;
  unsigned long flags;
  uint64_t mask;
};

int sigaction(int sig, const struct sigaction *sa, struct sigaction *old) {
  struct kernel_sigaction k, kold;
  if (sa) {
    k.handler = (sa->sa_flags & SA_SIGINFO) ? (void *)sa->sa_sigaction : (void *)sa->sa_handler;
    k.flags = sa->sa_flags;
    k.mask = sa->sa_mask.bits;
  }
  long r = sy_fs_syscall6(SY_NR_RT_SIGACTION, sig, sa ? (long)&k : 0, old ? (long)&kold : 0, sizeof(uint64_t), 0, 0);
  if (sy_fs_result(r) == -1) return -1;
  if (old) {
    memset(old, 0, sizeof *old);
    if (kold.flags & SA_SIGINFO) old->sa_sigaction = (void (*)(int, siginfo_t *, void *))kold.handler;
    else old->sa_handler = (sighandler_t)kold.handler;
    old->sa_flags = kold.flags;
    old->sa_mask.bits = kold.mask;
  }
  return 0;
}

int sigaltstack(const stack_t *ss, stack_t *old) { return (int)sy_fs_result(sy_fs_syscall(SY_NR_SIGALTSTACK, ss, old, 0)); }

int sigemptyset(sigset_t *set) {
  set->bits = 0;
  return 0;
}

int sigaddset(sigset_t *set, int sig) {
  set->bits |= (uint64_t)1 << (sig - 1);
  return 0;
}

int raise(int sig) {
  long pid = sy_fs_syscall(SY_NR_GETPID, 0, 0, 0);
  long tid = sy_fs_syscall(SY_NR_GETTID, 0, 0, 0);
  return (int)sy_fs_result(sy_fs_syscall(SY_NR_TGKILL, pid, tid, sig));
}

/* as libc's: SIGABRT with its default action, so the process dies of it */
void abort(void) {
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGABRT, &dfl, NULL);
  uint64_t unblock = (uint64_t)1 << (SIGABRT - 1);
  sy_fs_syscall6(SY_NR_RT_SIGPROCMASK, 1 /* SIG_UNBLOCK */, (long)&unblock, 0, sizeof unblock, 0, 0);
  raise(SIGABRT);
  _exit(127);
}

char *strsignal(int sig) {
  switch (sig) {
    case SIGILL: return "Illegal instruction";
    case SIGTRAP: return "Trace/breakpoint trap";
    case SIGABRT: return "Aborted";
    case SIGBUS: return "Bus error";
    case SIGFPE: return "Floating point exception";
    case SIGSEGV: return "Segmentation fault";
    default: return "Unknown signal";
  }
}

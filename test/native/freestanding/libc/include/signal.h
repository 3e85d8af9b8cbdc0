/* signal.h of the freestanding test shim: rt_sigaction and sigaltstack with
 * Linux's numbers (asm-generic, as RISC-V uses them; no SA_RESTORER there). */
#ifndef SY_FS_SIGNAL_H
#define SY_FS_SIGNAL_H

#include <stddef.h>
#include <stdint.h>

#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGSEGV 11

#define SA_SIGINFO 0x00000004
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000u

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048
#define SIGSTKSZ 8192

typedef void (*sighandler_t)(int);
#define SIG_DFL ((sighandler_t)0)
#define SIG_IGN ((sighandler_t)1)
#define SIG_ERR ((sighandler_t)-1)

/* the kernel's 64-signal set */
typedef struct {
  uint64_t bits;
} sigset_t;

/* the first fields of the kernel's siginfo (128 bytes); si_addr is the
 * faulting address for SIGSEGV/SIGBUS */
typedef struct {
  int si_signo;
  int si_errno;
  int si_code;
  union {
    void *si_addr;
    int pad_[29];
  };
} siginfo_t;

struct sigaction {
  union {
    sighandler_t sa_handler;
    void (*sa_sigaction)(int, siginfo_t *, void *);
  };
  sigset_t sa_mask;
  unsigned long sa_flags;
};

typedef struct {
  void *ss_sp;
  int ss_flags;
  size_t ss_size;
} stack_t;

int sigaction(int sig, const struct sigaction *sa, struct sigaction *old);
int sigaltstack(const stack_t *ss, stack_t *old);
int sigemptyset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int raise(int sig);

#endif

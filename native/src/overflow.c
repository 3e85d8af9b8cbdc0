/*
 * overflow.c: turning a coroutine stack overflow into a clear report.
 *
 * An overflow runs into the guard page below the stack and faults. The
 * handler cannot run on the overflowed stack, so it runs on a per-thread
 * alternate signal stack. If the fault address lies in the running
 * coroutine's guard page, it names the coroutine and its stack size on
 * stderr and aborts: continuing would mean running on corrupt state. Any
 * other fault belongs to someone else and goes to the handler that was
 * installed before ours, exactly as that handler asked to be called.
 *
 * Everything in the handler is async-signal-safe: write(2), abort(2), and
 * hand-rolled number formatting.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#define ALTSTACK_MIN ((size_t)64 * 1024)

static struct sigaction g_prev_segv, g_prev_bus;
static int g_installed; /* 0: no, 1: in progress, 2: done */
static _Thread_local int tl_altstack_ready;

/* ---- async-signal-safe message building */

typedef struct msgbuf {
  char text[256];
  size_t len;
} msgbuf;

static void put_str(msgbuf *m, const char *s) {
  while (*s && m->len < sizeof m->text - 1) m->text[m->len++] = *s++;
}

static void put_num(msgbuf *m, uint64_t v, unsigned base) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  if (base == 16) put_str(m, "0x");
  while (n) {
    char c[2] = {digits[--n], 0};
    put_str(m, c);
  }
}

static void write_all(const char *p, size_t n) {
  while (n) {
    ssize_t w = write(STDERR_FILENO, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= (size_t)w;
  }
}

static void report(const sy_coro *co, const char *how, const void *addr) {
  msgbuf m = {.len = 0};
  put_str(&m, "switchyard: stack overflow in coroutine ");
  put_num(&m, co->id, 10);
  if (co->name[0]) {
    put_str(&m, " \"");
    put_str(&m, co->name);
    put_str(&m, "\"");
  }
  put_str(&m, " (stack size ");
  put_num(&m, co->stack.size, 10);
  put_str(&m, " bytes): ");
  put_str(&m, how);
  if (addr) {
    put_str(&m, " at ");
    put_num(&m, (uintptr_t)addr, 16);
  }
  put_str(&m, "; aborting\n");
  write_all(m.text, m.len);
}

void sy__overflow_report(const sy_coro *co, const char *how) {
  report(co, how, NULL);
  abort();
}

/* ---- the handler */

static void chain(int sig, siginfo_t *info, void *uctx) {
  struct sigaction *prev = sig == SIGSEGV ? &g_prev_segv : &g_prev_bus;
  if (prev->sa_flags & SA_SIGINFO) {
    if (prev->sa_sigaction) prev->sa_sigaction(sig, info, uctx);
    return;
  }
  if (prev->sa_handler == SIG_IGN) {
    if (info->si_code <= 0) return; /* sent with kill(): ignoring is fine */
    /* a real fault cannot be ignored: it would fault again forever */
  } else if (prev->sa_handler != SIG_DFL) {
    prev->sa_handler(sig);
    return;
  }
  /* default action: uninstall ourselves and let the signal take the
   * process down the way it would have without us. A real fault simply
   * happens again when we return; a sent signal has to be raised again
   * (it stays pending until this handler returns). */
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, NULL);
  if (info->si_code <= 0) raise(sig);
}

static void on_fault(int sig, siginfo_t *info, void *uctx) {
  int saved_errno = errno;
  sy_coro *co = sy__current();
  if (co && !co->canary) { /* only guarded stacks have a guard page */
    uintptr_t addr = (uintptr_t)info->si_addr;
    uintptr_t base = (uintptr_t)co->stack.base;
    if (addr < base && addr >= base - sy__guard_size()) {
      report(co, "guard page hit", info->si_addr);
      abort();
    }
  }
  chain(sig, info, uctx);
  errno = saved_errno;
}

static void install_altstack(void) {
  stack_t cur;
  if (sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE) && cur.ss_size >= ALTSTACK_MIN) {
    tl_altstack_ready = 1; /* the thread already has one (e.g. the embedder's) */
    return;
  }
  size_t size = ALTSTACK_MIN;
#ifdef _SC_SIGSTKSZ
  long want = sysconf(_SC_SIGSTKSZ);
  if (want > 0 && (size_t)want * 4 > size) size = (size_t)want * 4;
#endif
  void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return; /* overflows then die without a report */
  stack_t ss = {.ss_sp = mem, .ss_size = size, .ss_flags = 0};
  if (sigaltstack(&ss, NULL) != 0) {
    munmap(mem, size);
    return;
  }
  tl_altstack_ready = 1;
}

static void install_handler(int sig, struct sigaction *prev) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, prev);
}

void sy__overflow_install(void) {
  if (!tl_altstack_ready) install_altstack();
  if (__atomic_load_n(&g_installed, __ATOMIC_ACQUIRE) == 2) return;
  int expected = 0;
  if (!__atomic_compare_exchange_n(&g_installed, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) return;
  install_handler(SIGSEGV, &g_prev_segv);
  install_handler(SIGBUS, &g_prev_bus);
  __atomic_store_n(&g_installed, 2, __ATOMIC_RELEASE);
}

/*
 * start.c: what a C library does before main: finds argv, the environment
 * and the ELF program headers (auxv), sets up the thread-local storage block
 * of the one thread (RISC-V TLS variant I: tp points at the block, which
 * starts with the PT_TLS image), calls main and exits with its status.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHNUM 5
#define PT_TLS 7

typedef struct {
  uint32_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
} elf32_phdr;

char **sy_fs_environ;

/* the main thread's TLS block (the runtime's and the tests' _Thread_local data) */
#define TLS_BYTES 4096
static unsigned char tls_block[TLS_BYTES] __attribute__((aligned(64)));

int main(int argc, char **argv);

static void die(const char *why) {
  write(2, why, strlen(why));
  _exit(127);
}

static void setup_tls(const elf32_phdr *ph, unsigned long n) {
  for (unsigned long i = 0; i < n; i++) {
    if (ph[i].p_type != PT_TLS) continue;
    if (ph[i].p_memsz > TLS_BYTES || ph[i].p_align > 64) die("sy_fs_start: the TLS segment does not fit the static block\n");
    memcpy(tls_block, (const void *)(uintptr_t)ph[i].p_vaddr, ph[i].p_filesz);
    memset(tls_block + ph[i].p_filesz, 0, ph[i].p_memsz - ph[i].p_filesz);
  }
  /* tp is the thread pointer the ABI reserves for the C library: this is that library */
  __asm__ volatile("mv tp, %0" : : "r"(tls_block) : "memory");
}

void sy_fs_start(long *initial) __attribute__((noreturn));
void sy_fs_start(long *initial) {
  int argc = (int)initial[0];
  char **argv = (char **)(initial + 1);
  char **envp = argv + argc + 1;
  char **p = envp;
  while (*p) p++;
  const unsigned long *aux = (const unsigned long *)(p + 1);
  const elf32_phdr *phdr = NULL;
  unsigned long phnum = 0;
  for (; aux[0] != AT_NULL; aux += 2) {
    if (aux[0] == AT_PHDR) phdr = (const elf32_phdr *)aux[1];
    if (aux[0] == AT_PHNUM) phnum = aux[1];
  }
  if (!phdr) die("sy_fs_start: no AT_PHDR in the auxiliary vector\n");
  sy_fs_environ = envp;
  setup_tls(phdr, phnum);
  exit(main(argc, argv));
}

void exit(int status) {
  fflush(stdout);
  fflush(stderr);
  _exit(status);
}

char *getenv(const char *name) {
  size_t n = strlen(name);
  for (char **e = sy_fs_environ; e && *e; e++)
    if (strncmp(*e, name, n) == 0 && (*e)[n] == '=') return *e + n + 1;
  return NULL;
}

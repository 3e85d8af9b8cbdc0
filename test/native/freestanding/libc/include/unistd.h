/* unistd.h of the freestanding test shim */
#ifndef SY_FS_UNISTD_H
#define SY_FS_UNISTD_H

#include <stddef.h>

typedef int ssize_t;
typedef int pid_t;

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

#define _SC_PAGESIZE 30
#define _SC_PAGE_SIZE _SC_PAGESIZE

ssize_t write(int fd, const void *buf, size_t n);
void _exit(int status) __attribute__((noreturn));
long sysconf(int name);
pid_t getpid(void);

#endif

/* errno.h of the freestanding test shim: Linux's numbers */
#ifndef SY_FS_ERRNO_H
#define SY_FS_ERRNO_H

extern int sy_fs_errno; /* the shim runs one thread */
#define errno sy_fs_errno

#define EPERM 1
#define ENOENT 2
#define EINTR 4
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EINVAL 22
#define ENOSYS 38

#endif

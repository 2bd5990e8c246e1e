/*
 * Error numbers returned (negated) by kernel interfaces: Linux's values,
 * the same ones include/uapi/lwk.h gives user space, so a -LWK_EINVAL from
 * pmem_alloc can go straight back through a syscall.
 */
#ifndef LWK_ERRNO_H
#define LWK_ERRNO_H

#define LWK_EPERM    1
#define LWK_ENOENT   2
#define LWK_ENOMEM  12
#define LWK_EFAULT  14
#define LWK_EBUSY   16
#define LWK_EEXIST  17
#define LWK_EINVAL  22
#define LWK_ENOSPC  28
#define LWK_ERANGE  34

#endif /* LWK_ERRNO_H */

/*
 * The Linux personality (kernel/syscall/linux*.c): what the Linux system
 * calls share, and the names the console uses for calls the kernel lacks.
 */
#ifndef LWK_LINUX_H
#define LWK_LINUX_H

#include <stdint.h>

/* "read" .. "set_mempolicy_home_node" by x86-64 number; "unknown" else. */
const char *linux_syscall_name(uint64_t nr);

/* PROT_* bits as LWK_VM_* region flags (mmap, mprotect). */
uint32_t linux_prot_vm(long prot);

/* Is fd one of the console descriptors 0, 1, 2, not closed? */
int linux_fd_open(long fd);

/* Linux errno values the Linux calls return besides uapi/lwk.h's. */
#define LINUX_EBADF    9
#define LINUX_EACCES  13
#define LINUX_ENOTTY  25
#define LINUX_ERANGE  34
#define LINUX_EMFILE  24

#endif /* LWK_LINUX_H */

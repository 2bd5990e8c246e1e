/*
 * Syscall dispatch (kernel/syscall/).  Handlers take the six argument
 * registers as longs and return a long (-errno on error).  The entry code
 * leaves struct syscall_frame just below the task's kernel stack top.
 * User memory is reached directly (the caller's aspace is loaded) after
 * user_ok() has checked every page is mapped for the access.
 */
#ifndef LWK_SYSCALL_H
#define LWK_SYSCALL_H

#include <stddef.h>
#include <stdint.h>
#include <uapi/lwk.h>

struct syscall_frame {
	uint64_t nr, r9, r8, r10, rdx, rsi, rdi, rflags, rip, rsp;
};

typedef long (*syscall_fn)(long, long, long, long, long, long);
extern syscall_fn syscall_table[LWK_SYSCALL_MAX];
extern int syscall_filter_on;       /* a trap(1) extension is attached */

void syscall_init(void);
long syscall_slow(struct syscall_frame *f);
long sys_enosys(long, long, long, long, long, long);

/* Argument checks: 1 if [p, p+len) is mapped for the access. */
int user_ok(uint64_t p, uint64_t len, int write);
int copy_from_user(void *dst, uint64_t src, size_t len);   /* 0 or -EFAULT */
int copy_to_user(uint64_t dst, const void *src, size_t len);
/* Copy a NUL-terminated string of at most max-1 chars; -EFAULT or -EINVAL (too long). */
int strncpy_from_user(char *dst, uint64_t src, size_t max);
int task_is_privileged(void);

/* The Nimble system calls (kernel/nimble/table.c; nimble_call and the
 * syscall filter: hooksite.c). */
long nxk_insert(uint64_t obj, uint64_t len, uint64_t err);
long nxk_remove(long handle);
long nxk_call(uint64_t a0, uint64_t a1, uint64_t buf, uint64_t blen, uint64_t aux, uint64_t alen);
long nxk_stats(long handle, uint64_t out);
/* The syscall-entry filter: 1 if an extension handled the call (result in *ret). */
int nxk_trap_filter(const struct syscall_frame *f, long *ret);

#endif /* LWK_SYSCALL_H */

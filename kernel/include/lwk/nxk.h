/*
 * The kernel's side of the Nimble engine (kernel/nimble/) as other
 * kernel code and the in-kernel tests use it; the system calls are in
 * lwk/syscall.h.
 */
#ifndef LWK_NXK_H
#define LWK_NXK_H

#include <stddef.h>
#include <stdint.h>
#include <nimble/nimble.h>

/* Insert an object in kernel memory for owner (0 = the PCT); the handle or
 * -errno.  The kernel's rules are decided on the verified object before it
 * is attached: a refused insert never runs. */
long nxk_insert_kernel(const void *obj, size_t len, uint32_t owner, int may_trust,
		       struct nx_error *err);
/* Remove handle if owner may (0 = any); 0 or -errno.  Its memory is freed
 * after a grace period (every other CPU has taken an interrupt since). */
long nxk_remove_kernel(long handle, uint32_t owner);
/* Free every removed extension whose grace period is over, kicking the
 * other CPUs and waiting up to a second; how many still wait. */
int nxk_reap_wait(void);
int nxk_reap_wait_ns(uint64_t ns);   /* the same, waiting at most ns */
/* The irq hook for vector: nonzero if an extension handled it. */
uint64_t nxk_irq(uint32_t vector, uint64_t count);

#endif /* LWK_NXK_H */

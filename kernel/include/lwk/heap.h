/*
 * The heap of an aspace (kernel/mm/heap.c): brk and anonymous
 * mmap/munmap over its region named "heap", in units of the region's page
 * size.  Arguments are the caller's (already checked to be user values);
 * each returns what the Linux call reports.
 */
#ifndef LWK_HEAP_H
#define LWK_HEAP_H

#include <stdint.h>

struct aspace;

/* Move the break to addr when it stays in [heap start, lowest mapping)
 * and its memory is there; the break after the call. */
uint64_t heap_brk(struct aspace *as, uint64_t addr);
/* len bytes (rounded up to pages), zeroed, in the highest free run of the
 * mmap area or just below it: 0 and *addr, or -LWK_ENOMEM. */
int heap_mmap(struct aspace *as, uint64_t len, uint64_t *addr);
/* Unmap [addr, addr+len) (len rounded up to pages): every page must be an
 * mmap mapping, else -LWK_EINVAL and nothing changes.  Touching it
 * afterwards faults; the pages serve later mmap and brk calls. */
int heap_munmap(struct aspace *as, uint64_t addr, uint64_t len);

#endif /* LWK_HEAP_H */

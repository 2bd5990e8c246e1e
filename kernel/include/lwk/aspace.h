/*
 * Address spaces (seed 002): a user half made of non-overlapping regions,
 * each bound to physical memory by the PCT before any task runs in it,
 * and the kernel half shared by every aspace.  No demand paging: a
 * user access outside a mapped region is the task's fault.
 *
 * aspace.c is portable: everything it needs from the machine (page-table
 * pages, phys<->virt, the UMEM check, the kernel's top-level table, the
 * lock) comes through the aspace_md_* functions below, which the kernel
 * implements in kernel/arch/x86_64/aspace.c and the host test in its
 * harness; its errors go through kerr (lwk/printk.h).
 */
#ifndef LWK_ASPACE_H
#define LWK_ASPACE_H

#include <stdint.h>
#include <stddef.h>

#define ASPACE_MAX          64   /* aspaces alive at once (static table) */
#define ASPACE_MAX_REGIONS  32   /* regions per aspace                   */
#define ASPACE_NAME         32
#define ASPACE_ENOSYS_BITS  512

/* Page-table entry bits (Intel SDM vol. 3, 4.5). */
#define PTE_P    0x001ull
#define PTE_W    0x002ull
#define PTE_U    0x004ull
#define PTE_PS   0x080ull
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

struct aspace_region {
	uint64_t start, end;      /* [start, end), aligned to pagesz   */
	uint64_t pagesz;          /* LWK_PAGE_4K or LWK_PAGE_2M        */
	uint32_t flags;           /* LWK_VM_*                          */
	uint32_t smartmap_src;    /* LWK_VM_SMARTMAP: the source aspace */
	char name[ASPACE_NAME];
};

struct aspace {
	uint32_t id;              /* 0 = free slot                     */
	uint32_t refs;            /* tasks + smartmaps using it        */
	uint32_t owner;           /* tid of the creator                */
	int dying;                /* destroy requested; freed at refs 0 */
	uint64_t serial;          /* 1, 2, ... never reused (an id may be) */
	uint64_t *pml4;           /* kernel-virtual top-level table    */
	uint64_t cr3;             /* its physical address              */
	/* The heap (kernel/mm/heap.c): the region named "heap", [brk_lo,
	 * heap_end); brk grows up from brk_lo, anonymous mmap lives in
	 * [mmap_lo, heap_end), where a page is mapped iff its leaf is present;
	 * mmap_holes counts the bytes of absent pages there.  All 0: no heap. */
	uint64_t brk_lo, brk, mmap_lo, heap_end, heap_pagesz, mmap_holes;
	/* System call numbers already reported as missing (syscall.c), one
	 * bit each; numbers from ASPACE_ENOSYS_BITS - 1 up share the last. */
	uint64_t enosys_seen[ASPACE_ENOSYS_BITS / 64];
	uint32_t clones;          /* Linux clone: CPUs are handed out in turn */
	uint64_t thread_cpus;     /* ... among these (bit c: CPU c); 0 = every CPU */
	uint32_t fds_closed;      /* Linux close: bit n, console descriptor n */
	int nregions;
	struct aspace_region region[ASPACE_MAX_REGIONS];
	char name[ASPACE_NAME];
};

int aspace_create(uint32_t id_request, const char *name, uint32_t owner, uint32_t *id);
int aspace_destroy(uint32_t id);
int aspace_add_region(uint32_t id, uint64_t start, uint64_t extent, uint32_t flags,
		      uint64_t pagesz, const char *name);
int aspace_map_pmem(uint32_t id, uint64_t paddr, uint64_t start, uint64_t extent);
int aspace_smartmap(uint32_t src, uint32_t dst, uint64_t start, uint64_t extent);

struct aspace *aspace_get(uint32_t id);   /* takes a reference, or NULL */
void aspace_put(struct aspace *as);
/* Physical address v maps to in as, or 0 (with *flags the leaf's bits). */
uint64_t aspace_translate(struct aspace *as, uint64_t v, uint64_t *pte);
/* Is [v, v+len) mapped user-accessible (and writable if write)? */
int aspace_user_ok(struct aspace *as, uint64_t v, uint64_t len, int write);
/* mprotect: the pages of [start, start+len) (len a multiple of 4 KiB)
 * get the access vm (LWK_VM_READ, _WRITE, _EXEC; 0 = none: the user bit
 * is cleared, so user accesses and aspace_user_ok fail; x86 reads
 * whatever it may write or execute), never more than their region allows
 * (-LWK_EACCES).  Every page must lie in a region that is not a SMARTMAP
 * and be present (-LWK_ENOMEM, Linux's answer for unmapped memory); a
 * range that splits a 2 MiB page is -LWK_EINVAL.  Nothing changes unless
 * all of it can; the caller flushes the TLBs (aspace_md_flush). */
int aspace_protect(struct aspace *as, uint64_t start, uint64_t len, uint32_t vm);
int aspace_count(void);                    /* live aspaces (tests)  */
/* Remove the region that is exactly [start, start+extent), unmapping it
 * (a SMARTMAP region drops its hold on the source): -LWK_ENOENT no such
 * aspace, -LWK_EINVAL no region with exactly those bounds. */
int aspace_del_region(uint32_t id, uint64_t start, uint64_t extent);
/* Does a leaf of any aspace still refer to a page of [pa, pa+len)?
 * Such memory must not be freed: it would reach two owners. */
int aspace_pmem_mapped(uint64_t pa, uint64_t len);
/* The leaf entry for v at pagesz in as, or NULL; present or not (an
 * entry whose present bit heap.c cleared keeps its address).  Only with
 * aspace_md_lock() held. */
uint64_t *aspace_leaf_locked(struct aspace *as, uint64_t v, uint64_t pagesz);

/* ---- supplied by the machine layer ---- */
void *aspace_md_page_alloc(void);          /* one zeroed 4 KiB page, or NULL */
void aspace_md_page_free(void *p);
uint64_t aspace_md_pa(const void *v);
void *aspace_md_va(uint64_t pa);
int aspace_md_umem_ok(uint64_t pa, uint64_t len); /* all inside allocated UMEM */
const uint64_t *aspace_md_kernel_pml4(void);
void aspace_md_lock(void);
void aspace_md_unlock(void);
/* Leaves of the aspace whose top-level table is at cr3 were cleared:
 * flush every CPU's TLB that may hold them.  Without the lock held (it
 * waits for other CPUs, which may be spinning on it). */
void aspace_md_flush(uint64_t cr3);

#endif /* LWK_ASPACE_H */

/*
 * The heap of an aspace: brk and anonymous mmap/munmap (Linux calls 12,
 * 9, 11) over the region named "heap", which the PCT maps before the
 * task starts.  No call here allocates physical memory: mapping and
 * unmapping only set and clear the present bit of the heap's own leaves,
 * which keep their physical address meanwhile, so a page returns to the
 * heap (not to pmem) and the PCT frees the whole heap when it frees the
 * application.
 *
 * Invariants (struct aspace, with aspace_md_lock() held):
 *  - brk_lo <= brk <= mmap_lo <= heap_end; mmap_lo is a multiple of the
 *    heap's page size;
 *  - in [mmap_lo, heap_end) a page is an mmap mapping iff its leaf is
 *    present, and mmap_lo is heap_end or the lowest mapped page;
 *  - mmap_holes is the size of the absent pages in [mmap_lo, heap_end);
 *  - [brk_lo, page-rounded brk) is present: brk makes pages present as
 *    it grows over them (munmap may have cleared them).
 * Pages are handed out zeroed.  Zeroing runs with the lock held, through
 * the task's own mapping (its aspace is the current one), so that no
 * other thread can unmap them under the kernel.
 */
#include <uapi/lwk.h>
#include <lwk/heap.h>
#include <lwk/aspace.h>
#include <lwk/string.h>

/* A heap page's leaf bits when it is handed out: the heap region is
 * readable and writable, not executable (aspace.c leaf_bits). */
#define HEAP_BITS (PTE_P | PTE_U | PTE_W | PTE_NX)

static uint64_t up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

/* The leaf of heap page v; NULL when the PCT never backed it. */
static uint64_t *page_leaf(struct aspace *as, uint64_t v)
{
	uint64_t *e = aspace_leaf_locked(as, v, as->heap_pagesz);
	return e && (*e & PTE_ADDR) ? e : NULL;
}

static int page_present(struct aspace *as, uint64_t v)
{
	uint64_t *e = page_leaf(as, v);
	return e && (*e & PTE_P);
}

/* Make [lo, hi) present; 0, or -LWK_ENOMEM (nothing changed) when a page
 * has no memory behind it. */
static int pages_present(struct aspace *as, uint64_t lo, uint64_t hi)
{
	for (uint64_t v = lo; v < hi; v += as->heap_pagesz)
		if (!page_leaf(as, v))
			return -LWK_ENOMEM;
	for (uint64_t v = lo; v < hi; v += as->heap_pagesz)
		*page_leaf(as, v) |= HEAP_BITS;   /* fresh memory: mprotect's changes end */
	return 0;
}

uint64_t heap_brk(struct aspace *as, uint64_t addr)
{
	aspace_md_lock();
	if (as->heap_end && addr >= as->brk_lo && addr <= as->mmap_lo) {
		uint64_t old = as->brk;
		/* the page holding the old break must still be writable to zero
		 * its tail: an mprotect of it stops brk from growing */
		if (addr > old && (old & (as->heap_pagesz - 1)) &&
		    !aspace_user_ok(as, old, 1, 1)) {
			/* keep the old break */
		} else if (addr <= old || !pages_present(as, up(old, as->heap_pagesz),
							    up(addr, as->heap_pagesz))) {
			if (addr > old)
				memset((void *)old, 0, addr - old);
			as->brk = addr;
		}
	}
	uint64_t brk = as->brk;
	aspace_md_unlock();
	return brk;
}

/* The highest run of size absent bytes inside [mmap_lo, heap_end), or 0. */
static uint64_t hole_find(struct aspace *as, uint64_t size)
{
	uint64_t run = 0;
	for (uint64_t v = as->heap_end; v > as->mmap_lo; ) {
		v -= as->heap_pagesz;
		run = page_present(as, v) ? 0 : run + as->heap_pagesz;
		if (run == size)
			return v;
	}
	return 0;
}

int heap_mmap(struct aspace *as, uint64_t len, uint64_t *addr)
{
	int rc = -LWK_ENOMEM;
	aspace_md_lock();
	uint64_t size = up(len, as->heap_pagesz ? as->heap_pagesz : LWK_PAGE_4K);
	uint64_t at = as->mmap_holes >= size ? hole_find(as, size) : 0;
	if (!as->heap_end || size < len) {
		/* no heap, or len so large its rounding wrapped: no room */
	} else if (at) {
		if (!(rc = pages_present(as, at, at + size)))
			as->mmap_holes -= size;
	} else if (as->mmap_lo - up(as->brk, as->heap_pagesz) >= size) {
		at = as->mmap_lo - size;
		if (!(rc = pages_present(as, at, as->mmap_lo)))
			as->mmap_lo = at;
	}
	if (!rc) {
		memset((void *)at, 0, size);
		*addr = at;
	}
	aspace_md_unlock();
	return rc;
}

/* Is [addr, addr+size) all mapped by mmap? */
static int range_mapped(struct aspace *as, uint64_t addr, uint64_t size)
{
	if (addr < as->mmap_lo || addr >= as->heap_end || size > as->heap_end - addr)
		return 0;
	for (uint64_t v = addr; v < addr + size; v += as->heap_pagesz)
		if (!page_present(as, v))
			return 0;
	return 1;
}

int heap_munmap(struct aspace *as, uint64_t addr, uint64_t len)
{
	int rc = -LWK_EINVAL;
	uint64_t cr3 = 0;
	aspace_md_lock();
	uint64_t ps = as->heap_pagesz, size = ps ? up(len, ps) : 0;
	if (ps && len && size >= len && !(addr & (ps - 1)) && range_mapped(as, addr, size)) {
		for (uint64_t v = addr; v < addr + size; v += ps)
			*page_leaf(as, v) &= ~PTE_P;
		as->mmap_holes += size;
		/* Holes at the bottom go back to the space brk and mmap share. */
		while (as->mmap_lo < as->heap_end && !page_present(as, as->mmap_lo)) {
			as->mmap_lo += ps;
			as->mmap_holes -= ps;
		}
		cr3 = as->cr3;
		rc = 0;
	}
	aspace_md_unlock();
	if (cr3)
		aspace_md_flush(cr3);
	return rc;
}

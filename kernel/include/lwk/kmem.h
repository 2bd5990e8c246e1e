/*
 * Kernel memory (Kitten, seed 002): a fixed pool, sized once at boot by
 * the kmem_size boot parameter (64 MiB by default), never grown, managed
 * by the buddy allocator.  Two ways to allocate:
 *   kmem_alloc/kmem_free        malloc-style; the block's order is kept
 *                               in a header, memory is zeroed
 *   kmem_get_pages/free_pages   2^order contiguous 4 KiB pages, aligned
 *                               to their size; the caller remembers the
 *                               order; memory is NOT zeroed
 * kernel/mm/kmem.c is portable: the host tests run it over a heap arena.
 */
#ifndef LWK_KMEM_H
#define LWK_KMEM_H

#include <stddef.h>
#include <stdint.h>

#define KMEM_PAGE_SHIFT  12
#define KMEM_MIN_ORDER   5     /* smallest block: 32 bytes            */
#define KMEM_MAX_ORDER   22    /* largest block: 4 MiB                */
#define KMEM_MAX_PAGE_ORDER (KMEM_MAX_ORDER - KMEM_PAGE_SHIFT)
#define KMEM_HDR_SIZE    16    /* kmem_alloc's header; keeps 16-byte alignment */

/*
 * Manage [base, base+size) (kernel virtual; base aligned to
 * 2^KMEM_MAX_ORDER).  The buddy bitmap is carved from the start of the
 * pool.  Returns 0 or -LWK_EINVAL.
 */
int kmem_init(void *base, size_t size);

void *kmem_alloc(size_t size);          /* NULL when exhausted or size 0 */
void kmem_free(const void *addr);       /* NULL is ignored; misuse panics */
void *kmem_get_pages(unsigned long order);
void kmem_free_pages(const void *addr, unsigned long order);

struct kmem_stats {
	uint64_t base, size;      /* the pool, kernel virtual */
	uint64_t meta;            /* bytes of allocator bitmap */
	uint64_t free;            /* bytes free now            */
	uint64_t in_use;          /* size - free               */
	uint64_t largest_free;    /* biggest block available   */
};
void kmem_get_stats(struct kmem_stats *st);
/* Is [addr, addr+len) inside the pool? */
int kmem_contains(const void *addr, size_t len);
/* Allocator self-check (tests): 0 or a line number. */
int kmem_check(void);

#endif /* LWK_KMEM_H */

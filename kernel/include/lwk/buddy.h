/*
 * A binary buddy allocator over one contiguous range of memory
 * (kernel/mm/buddy.c).  Blocks are 2^order bytes, min_order <= order <=
 * max_order, and a block of order k starts at an offset from the pool's
 * base that is a multiple of 2^k, so a pool whose base is aligned to
 * 2^max_order hands out naturally aligned blocks.
 *
 * State: one free list per order, threaded through the free blocks
 * themselves, and a bitmap with one bit per min-size block, set when a
 * free block starts there.  The bitmap is the only metadata (1 bit per
 * 2^min_order bytes) and is given by the caller, so the pool never
 * allocates.  The allocator is portable C: the kernel's kmem uses it and
 * the host tests run it under ASan/UBSan.  No locking: the caller's job.
 */
#ifndef LWK_BUDDY_H
#define LWK_BUDDY_H

#include <stddef.h>
#include <stdint.h>

#define BUDDY_MIN_ORDER_LIMIT 5    /* 32 bytes: room for a free-list node */
#define BUDDY_MAX_ORDERS      40

struct buddy_node {
	struct buddy_node *next, *prev;
	uint64_t order;                  /* checked against the list on use */
};

struct buddy_pool {
	uintptr_t base;                  /* offsets are relative to this */
	size_t size;                     /* bytes managed, from base     */
	unsigned min_order, max_order;
	uint8_t *freemap;                /* 1 bit per 2^min_order block  */
	size_t free_bytes;
	size_t nfree[BUDDY_MAX_ORDERS];  /* free blocks per order        */
	struct buddy_node free[BUDDY_MAX_ORDERS]; /* list heads          */
};

/* Bytes of bitmap a pool of size bytes needs. */
size_t buddy_meta_size(size_t size, unsigned min_order);
/*
 * Manage [base, base+size); every byte from base+reserved on starts free,
 * the first reserved bytes are never handed out (the kmem pool keeps its
 * bitmap there).  meta holds buddy_meta_size() bytes.  Returns 0, or
 * -LWK_EINVAL for orders out of range, a base not aligned to 2^min_order,
 * too little metadata, or reserved >= size.
 */
int buddy_init(struct buddy_pool *p, void *base, size_t size, size_t reserved,
	       unsigned min_order, unsigned max_order, void *meta, size_t meta_size);
/* A block of 2^order bytes, or NULL (order out of range, or no memory). */
void *buddy_alloc(struct buddy_pool *p, unsigned order);
/*
 * Give back a block.  Returns 0, or -LWK_EINVAL if addr is outside the
 * pool, not aligned to its order, the order is out of range, or the
 * block (or part of it) is already free: a double free is caught here,
 * not merged into a corrupt list.
 */
int buddy_free(struct buddy_pool *p, void *addr, unsigned order);
/* Smallest order whose block holds size bytes (>= min_order), or -1. */
int buddy_order_for(const struct buddy_pool *p, size_t size);
/* Internal consistency check for tests: 0 or the line of the failed check. */
int buddy_check(const struct buddy_pool *p);

#endif /* LWK_BUDDY_H */

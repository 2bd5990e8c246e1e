/*
 * The kmem pool: a buddy pool plus, for kmem_alloc, a 16-byte header in
 * front of each block recording its order.  The header's magic is the
 * order mixed with a constant, so a kmem_free of a pointer kmem_alloc did
 * not return (or of freed memory, whose header the free list overwrote)
 * panics with the address instead of corrupting the pool.
 */
#include <lwk/buddy.h>
#include <lwk/errno.h>
#include <lwk/kmem.h>
#include <lwk/panic.h>
#include <lwk/spinlock.h>
#include <lwk/string.h>

#define KMEM_MAGIC 0x6b6d656d00000000ull   /* "kmem" in the high half */
#define KMEM_POISON 0xdb                   /* fills freed blocks */
#define PAGE_SIZE  ((size_t)1 << KMEM_PAGE_SHIFT)

struct kmem_hdr {
	uint64_t magic;       /* KMEM_MAGIC | order */
	uint64_t size;        /* bytes requested     */
};

_Static_assert(sizeof(struct kmem_hdr) == KMEM_HDR_SIZE, "kmem header size");

static struct buddy_pool pool;
static struct spinlock kmem_lock = SPINLOCK_INIT;
static size_t meta_bytes;

int kmem_init(void *base, size_t size)
{
	size_t meta = buddy_meta_size(size, KMEM_MIN_ORDER);

	if (((uintptr_t)base & (((uintptr_t)1 << KMEM_MAX_ORDER) - 1)) != 0)
		return -LWK_EINVAL;
	/* The bitmap sits in the pool's first pages, which stay reserved. */
	meta_bytes = (meta + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	return buddy_init(&pool, base, size, meta_bytes, KMEM_MIN_ORDER, KMEM_MAX_ORDER,
			  base, meta);
}

static void *pool_alloc(unsigned order)
{
	unsigned long flags = spin_lock_irqsave(&kmem_lock);
	void *p = buddy_alloc(&pool, order);
	spin_unlock_irqrestore(&kmem_lock, flags);
	return p;
}

static int pool_free(const void *addr, unsigned order)
{
	unsigned long flags = spin_lock_irqsave(&kmem_lock);
	int err = buddy_free(&pool, (void *)(uintptr_t)addr, order);
	spin_unlock_irqrestore(&kmem_lock, flags);
	return err;
}

void *kmem_alloc(size_t size)
{
	struct kmem_hdr *h;
	int order;

	if (size == 0 || size > ((size_t)1 << KMEM_MAX_ORDER) - KMEM_HDR_SIZE)
		return NULL;
	order = buddy_order_for(&pool, size + KMEM_HDR_SIZE);
	h = order < 0 ? NULL : pool_alloc((unsigned)order);
	if (h == NULL)
		return NULL;
	h->magic = KMEM_MAGIC | (unsigned)order;
	h->size = size;
	memset(h + 1, 0, size);
	return h + 1;
}

void kmem_free(const void *addr)
{
	struct kmem_hdr *h;
	unsigned order;

	if (addr == NULL)
		return;
	h = (struct kmem_hdr *)((uintptr_t)addr - KMEM_HDR_SIZE);
	if (!kmem_contains(h, KMEM_HDR_SIZE) || ((uintptr_t)addr & (KMEM_HDR_SIZE - 1)))
		panic("kmem_free(%p): not a kmem address", addr);
	order = (unsigned)(h->magic & 0xff);
	if ((h->magic & ~0xffull) != KMEM_MAGIC || order < KMEM_MIN_ORDER || order > KMEM_MAX_ORDER)
		panic("kmem_free(%p): no kmem_alloc header (double free or bad pointer)", addr);
	h->magic = 0;
	/* Poisoned: a use after free reads non-canonical pointers and faults
	 * at once instead of corrupting what the block holds next. */
	memset(h + 1, KMEM_POISON, h->size);
	if (pool_free(h, order) != 0)
		panic("kmem_free(%p): block of order %u is not allocated (double free?)", addr, order);
}

void *kmem_get_pages(unsigned long order)
{
	if (order > KMEM_MAX_PAGE_ORDER)
		return NULL;
	return pool_alloc((unsigned)order + KMEM_PAGE_SHIFT);
}

void kmem_free_pages(const void *addr, unsigned long order)
{
	if (order > KMEM_MAX_PAGE_ORDER || pool_free(addr, (unsigned)order + KMEM_PAGE_SHIFT) != 0)
		panic("kmem_free_pages(%p, order %lu): not an allocated block of that order",
		      addr, order);
}

void kmem_get_stats(struct kmem_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&kmem_lock);
	int k;

	st->base = pool.base;
	st->size = pool.size;
	st->meta = meta_bytes;
	st->free = pool.free_bytes;
	st->in_use = pool.size - pool.free_bytes;
	st->largest_free = 0;
	for (k = (int)pool.max_order; k >= (int)pool.min_order; k--)
		if (pool.nfree[k]) {
			st->largest_free = (uint64_t)1 << k;
			break;
		}
	spin_unlock_irqrestore(&kmem_lock, flags);
}

int kmem_contains(const void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr;
	return a >= pool.base && len <= pool.size && a - pool.base <= pool.size - len;
}

int kmem_check(void)
{
	unsigned long flags = spin_lock_irqsave(&kmem_lock);
	int line = buddy_check(&pool);
	spin_unlock_irqrestore(&kmem_lock, flags);
	return line;
}

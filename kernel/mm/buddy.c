/*
 * Binary buddy allocator; see lwk/buddy.h for the representation.
 *
 * Invariants (buddy_check verifies them):
 *  - a block is on free list k iff its start bit is set in freemap and its
 *    node says order k;
 *  - free blocks never overlap, and two free buddies of the same order
 *    never coexist (freeing merges them);
 *  - free_bytes is the sum of the free blocks' sizes.
 */
#include <lwk/buddy.h>
#include <lwk/errno.h>

static size_t bit_of(const struct buddy_pool *p, uintptr_t off)
{
	return off >> p->min_order;
}

static int map_test(const struct buddy_pool *p, uintptr_t off)
{
	size_t b = bit_of(p, off);
	return (p->freemap[b / 8] >> (b % 8)) & 1;
}

static void map_set(struct buddy_pool *p, uintptr_t off, int on)
{
	size_t b = bit_of(p, off);
	if (on)
		p->freemap[b / 8] |= (uint8_t)(1u << (b % 8));
	else
		p->freemap[b / 8] &= (uint8_t)~(1u << (b % 8));
}

static struct buddy_node *node_at(const struct buddy_pool *p, uintptr_t off)
{
	return (struct buddy_node *)(p->base + off);
}

static void list_push(struct buddy_pool *p, uintptr_t off, unsigned order)
{
	struct buddy_node *n = node_at(p, off), *head = &p->free[order];
	n->order = order;
	n->prev = head;
	n->next = head->next;
	head->next->prev = n;
	head->next = n;
	map_set(p, off, 1);
	p->nfree[order]++;
	p->free_bytes += (size_t)1 << order;
}

static void list_remove(struct buddy_pool *p, uintptr_t off, unsigned order)
{
	struct buddy_node *n = node_at(p, off);
	n->prev->next = n->next;
	n->next->prev = n->prev;
	map_set(p, off, 0);
	p->nfree[order]--;
	p->free_bytes -= (size_t)1 << order;
}

size_t buddy_meta_size(size_t size, unsigned min_order)
{
	size_t blocks = size >> min_order;
	return (blocks + 7) / 8;
}

int buddy_init(struct buddy_pool *p, void *base, size_t size, size_t reserved,
	       unsigned min_order, unsigned max_order, void *meta, size_t meta_size)
{
	uintptr_t b = (uintptr_t)base, off;
	unsigned k;

	if (min_order < BUDDY_MIN_ORDER_LIMIT || max_order < min_order ||
	    max_order >= BUDDY_MAX_ORDERS || (b & (((uintptr_t)1 << min_order) - 1)) ||
	    meta == NULL || meta_size < buddy_meta_size(size, min_order) || reserved >= size)
		return -LWK_EINVAL;
	p->base = b;
	p->size = size & ~(((size_t)1 << min_order) - 1);
	p->min_order = min_order;
	p->max_order = max_order;
	p->freemap = meta;
	p->free_bytes = 0;
	for (k = 0; k < BUDDY_MAX_ORDERS; k++) {
		p->free[k].next = p->free[k].prev = &p->free[k];
		p->nfree[k] = 0;
	}
	for (off = 0; off < buddy_meta_size(size, min_order); off++)
		p->freemap[off] = 0;
	/* Cover the pool past reserved with the largest aligned blocks that fit. */
	off = (reserved + ((uintptr_t)1 << min_order) - 1) & ~(((uintptr_t)1 << min_order) - 1);
	for (; off < p->size; off += (uintptr_t)1 << k) {
		for (k = max_order; k > min_order; k--)
			if ((off & (((uintptr_t)1 << k) - 1)) == 0 && off + ((uintptr_t)1 << k) <= p->size)
				break;
		list_push(p, off, k);
	}
	return 0;
}

int buddy_order_for(const struct buddy_pool *p, size_t size)
{
	unsigned k = p->min_order;
	while (k <= p->max_order && ((size_t)1 << k) < size)
		k++;
	return k <= p->max_order ? (int)k : -1;
}

void *buddy_alloc(struct buddy_pool *p, unsigned order)
{
	unsigned k = order;
	uintptr_t off;

	if (order < p->min_order || order > p->max_order)
		return NULL;
	while (k <= p->max_order && p->free[k].next == &p->free[k])
		k++;
	if (k > p->max_order)
		return NULL;
	off = (uintptr_t)p->free[k].next - p->base;
	list_remove(p, off, k);
	/* Split: keep the lower half, free the upper half, down to order. */
	while (k > order) {
		k--;
		list_push(p, off + ((uintptr_t)1 << k), k);
	}
	return (void *)(p->base + off);
}

/* Is any part of [off, off + 2^order) inside a free block? */
static int overlaps_free(const struct buddy_pool *p, uintptr_t off, unsigned order)
{
	uintptr_t o, end = off + ((uintptr_t)1 << order);
	unsigned k;

	/* A free block containing off starts at off rounded down to its order. */
	for (k = order; k <= p->max_order; k++) {
		o = off & ~(((uintptr_t)1 << k) - 1);
		if (o < p->size && map_test(p, o) && node_at(p, o)->order >= k &&
		    o + ((uintptr_t)1 << node_at(p, o)->order) > off)
			return 1;
	}
	/* A free block starting inside the range. */
	for (o = off; o < end; o += (uintptr_t)1 << p->min_order)
		if (map_test(p, o))
			return 1;
	return 0;
}

int buddy_free(struct buddy_pool *p, void *addr, unsigned order)
{
	uintptr_t off = (uintptr_t)addr - p->base, buddy;

	if ((uintptr_t)addr < p->base || order < p->min_order || order > p->max_order ||
	    off >= p->size || (off & (((uintptr_t)1 << order) - 1)) ||
	    off + ((uintptr_t)1 << order) > p->size || overlaps_free(p, off, order))
		return -LWK_EINVAL;
	/* Merge with the buddy while it is free and whole at this order. */
	while (order < p->max_order) {
		buddy = off ^ ((uintptr_t)1 << order);
		if (buddy + ((uintptr_t)1 << order) > p->size || !map_test(p, buddy) ||
		    node_at(p, buddy)->order != order)
			break;
		list_remove(p, buddy, order);
		off &= ~((uintptr_t)1 << order);
		order++;
	}
	list_push(p, off, order);
	return 0;
}

int buddy_check(const struct buddy_pool *p)
{
	size_t bytes = 0, n, bits = 0, b;
	unsigned k;
	const struct buddy_node *x;
	uintptr_t off;

	for (k = 0; k < BUDDY_MAX_ORDERS; k++) {
		n = 0;
		for (x = p->free[k].next; x != &p->free[k]; x = x->next) {
			off = (uintptr_t)x - p->base;
			if (k < p->min_order || k > p->max_order || x->order != k)
				return __LINE__;
			if ((off & (((uintptr_t)1 << k) - 1)) || off + ((uintptr_t)1 << k) > p->size)
				return __LINE__;
			if (!map_test(p, off) || x->next->prev != x)
				return __LINE__;
			if (k < p->max_order) {
				uintptr_t bud = off ^ ((uintptr_t)1 << k);
				if (bud + ((uintptr_t)1 << k) <= p->size && map_test(p, bud) &&
				    node_at(p, bud)->order == k)
					return __LINE__;   /* unmerged buddies */
			}
			bytes += (size_t)1 << k;
			n++;
		}
		if (n != p->nfree[k])
			return __LINE__;
	}
	for (b = 0; b < (p->size >> p->min_order); b++)
		bits += (p->freemap[b / 8] >> (b % 8)) & 1;
	for (k = 0, n = 0; k < BUDDY_MAX_ORDERS; k++)
		n += p->nfree[k];
	if (bytes != p->free_bytes || bits != n)
		return __LINE__;
	return 0;
}

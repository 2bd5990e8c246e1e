/*
 * The buddy allocator on the host, under ASan/UBSan: every order, bad
 * frees, exhaustion with no overlap and no leak, full coalescing, and a
 * long random alloc/free run checked against a shadow map.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <lwk/buddy.h>
#include <lwk/errno.h>
#include "tap.h"

#define MINO 5
#define MAXO 16
#define POOL ((size_t)1 << 20)            /* 1 MiB: 16 max-order blocks */

static uint8_t *arena;
static uint8_t meta[POOL >> MINO >> 3];
static struct buddy_pool pool;
static uint16_t shadow[POOL >> MINO];     /* owner id + 1 of each 32-byte cell */

static void init(size_t size, size_t reserved)
{
	int err = buddy_init(&pool, arena, size, reserved, MINO, MAXO, meta, sizeof(meta));
	if (err)
		abort();
}

/* Claim the block's cells in the shadow map; 0 if one was already taken. */
static int shadow_claim(void *p, unsigned order, uint16_t id)
{
	size_t first = (size_t)((uint8_t *)p - arena) >> MINO, n = (size_t)1 << (order - MINO);
	for (size_t i = first; i < first + n; i++) {
		if (shadow[i])
			return 0;
		shadow[i] = id;
	}
	return 1;
}

static void shadow_release(void *p, unsigned order)
{
	size_t first = (size_t)((uint8_t *)p - arena) >> MINO, n = (size_t)1 << (order - MINO);
	memset(&shadow[first], 0, n * sizeof(shadow[0]));
}

static void test_init_errors(void)
{
	struct buddy_pool p;
	ok(buddy_init(&p, arena, POOL, 0, 4, MAXO, meta, sizeof(meta)) == -LWK_EINVAL,
	   "init: min order below 32 bytes rejected");
	ok(buddy_init(&p, arena, POOL, 0, MINO, MINO - 1, meta, sizeof(meta)) == -LWK_EINVAL,
	   "init: max order below min order rejected");
	ok(buddy_init(&p, arena, POOL, 0, MINO, BUDDY_MAX_ORDERS, meta, sizeof(meta)) == -LWK_EINVAL,
	   "init: max order past the table rejected");
	ok(buddy_init(&p, arena + 8, POOL - 64, 0, MINO, MAXO, meta, sizeof(meta)) == -LWK_EINVAL,
	   "init: base not aligned to the min block rejected");
	ok(buddy_init(&p, arena, POOL, 0, MINO, MAXO, meta, sizeof(meta) - 1) == -LWK_EINVAL,
	   "init: too little bitmap rejected");
	ok(buddy_init(&p, arena, POOL, POOL, MINO, MAXO, meta, sizeof(meta)) == -LWK_EINVAL,
	   "init: reserving the whole pool rejected");
}

static void test_every_order(void)
{
	int good = 1;

	init(POOL, 0);
	for (unsigned k = MINO; k <= MAXO; k++) {
		uint8_t *p = buddy_alloc(&pool, k);
		good &= p != NULL && ((p - arena) & (((uintptr_t)1 << k) - 1)) == 0 &&
			p + ((size_t)1 << k) <= arena + POOL;
		if (p) {
			memset(p, 0xa5, (size_t)1 << k);
			good &= buddy_check(&pool) == 0;
			good &= buddy_free(&pool, p, k) == 0;
		}
		good &= pool.free_bytes == POOL && buddy_check(&pool) == 0;
	}
	ok(good, "every order %d..%d: aligned, inside, freed back to a whole pool", MINO, MAXO);
	ok(buddy_alloc(&pool, MINO - 1) == NULL && buddy_alloc(&pool, MAXO + 1) == NULL,
	   "orders outside [min, max] give NULL");
	ok(buddy_order_for(&pool, 1) == MINO && buddy_order_for(&pool, 33) == MINO + 1 &&
	   buddy_order_for(&pool, (size_t)1 << MAXO) == MAXO &&
	   buddy_order_for(&pool, ((size_t)1 << MAXO) + 1) == -1, "order_for rounds up, -1 past max");
}

static void test_bad_frees(void)
{
	uint8_t *a, *b;

	init(POOL, 0);
	a = buddy_alloc(&pool, 8);
	b = buddy_alloc(&pool, 8);
	ok(buddy_free(&pool, a, 8) == 0, "free of an allocated block");
	ok(buddy_free(&pool, a, 8) == -LWK_EINVAL, "double free rejected");
	ok(buddy_free(&pool, b + 16, 8) == -LWK_EINVAL, "misaligned free rejected");
	ok(buddy_free(&pool, arena + POOL, 8) == -LWK_EINVAL, "free past the pool rejected");
	ok(buddy_free(&pool, arena - 4096, 8) == -LWK_EINVAL, "free before the pool rejected");
	ok(buddy_free(&pool, b, 4) == -LWK_EINVAL && buddy_free(&pool, b, MAXO + 1) == -LWK_EINVAL,
	   "free with an order out of range rejected");
	ok(buddy_free(&pool, (uint8_t *)a + 64, 6) == -LWK_EINVAL,
	   "free of a piece of a free block rejected");
	ok(buddy_free(&pool, b, 9) == -LWK_EINVAL,
	   "free with a larger order covering a free buddy rejected");
	ok(buddy_check(&pool) == 0, "pool consistent after rejected frees");
	ok(buddy_free(&pool, b, 8) == 0 && pool.free_bytes == POOL && buddy_check(&pool) == 0,
	   "after the last free the pool is whole again");
}

/* Allocate order k until NULL; check count, no overlap, contents; free in a shuffled order. */
static void test_exhaust(unsigned k, size_t size, size_t reserved)
{
	size_t blk = (size_t)1 << k, max = size >> k, n = 0, expect_free;
	/* Whole aligned blocks between the reserved prefix (in 32-byte cells) and the end. */
	size_t lo = ((reserved + 31) & ~(size_t)31), fit = ((size & ~(blk - 1)) - ((lo + blk - 1) & ~(blk - 1))) >> k;
	void **blocks = calloc(max + 1, sizeof(void *));
	int overlap = 0, content = 0, freed = 1;
	void *p;

	init(size, reserved);
	expect_free = pool.free_bytes;
	memset(shadow, 0, sizeof(shadow));
	while ((p = buddy_alloc(&pool, k)) != NULL && n <= max) {
		overlap |= !shadow_claim(p, k, (uint16_t)(n + 1));
		memset(p, (int)(n & 0xff), (size_t)1 << k);
		blocks[n++] = p;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < ((size_t)1 << k); j++)
			content |= ((uint8_t *)blocks[i])[j] != (uint8_t)(i & 0xff);
	ok(n == fit && pool.free_bytes == expect_free - (n << k),
	   "order %u in a %zu-byte pool (%zu reserved): exhausted after %zu blocks", k, size, reserved, n);
	ok(!overlap && !content, "order %u: no two blocks overlap, contents intact", k);
	for (size_t i = n; i > 1; i--) {          /* deterministic shuffle */
		size_t j = (i * 2654435761u) % i;
		void *t = blocks[i - 1];
		blocks[i - 1] = blocks[j];
		blocks[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		freed &= buddy_free(&pool, blocks[i], k) == 0;
	ok(freed && pool.free_bytes == expect_free && buddy_check(&pool) == 0,
	   "order %u: all freed, no leak (%zu bytes free)", k, (size_t)pool.free_bytes);
	free(blocks);
}

static void test_coalesce(void)
{
	size_t n = 0;

	init(POOL, 0);
	test_exhaust(MINO, POOL, 0);
	while (buddy_alloc(&pool, MAXO))
		n++;
	ok(n == POOL >> MAXO, "after freeing every smallest block, %zu max-order blocks exist again", n);
}

static void test_odd_size(void)
{
	size_t size = 3 * ((size_t)1 << MAXO) + 12 * 1024 + 96, reserved = 100;
	size_t usable = (size & ~(size_t)31) - 128;

	init(size, reserved);
	ok(pool.free_bytes == usable && buddy_check(&pool) == 0,
	   "odd pool size and reserved prefix: %zu bytes free, expected %zu", pool.free_bytes, usable);
	test_exhaust(MINO, size, reserved);
	test_exhaust(12, size, reserved);
}

/* Random orders, random frees, shadow-checked; a buddy_check every 500 steps. */
static void test_random(void)
{
	enum { SLOTS = 512, STEPS = 20000 };
	static void *ptr[SLOTS];
	static unsigned ord[SLOTS];
	uint32_t x = 12345;
	int overlap = 0, bad = 0, consistent = 1;

	init(POOL, 0);
	memset(shadow, 0, sizeof(shadow));
	memset(ptr, 0, sizeof(ptr));
	for (int step = 0; step < STEPS; step++) {
		x = x * 1103515245u + 12345u;
		unsigned s = (x >> 8) % SLOTS;
		if (ptr[s]) {
			shadow_release(ptr[s], ord[s]);
			bad |= buddy_free(&pool, ptr[s], ord[s]) != 0;
			ptr[s] = NULL;
		} else {
			ord[s] = MINO + (x >> 20) % 8;
			ptr[s] = buddy_alloc(&pool, ord[s]);
			if (ptr[s])
				overlap |= !shadow_claim(ptr[s], ord[s], (uint16_t)(s + 1));
		}
		if (step % 500 == 0)
			consistent &= buddy_check(&pool) == 0;
	}
	for (int s = 0; s < SLOTS; s++)
		if (ptr[s])
			bad |= buddy_free(&pool, ptr[s], ord[s]) != 0;
	ok(!overlap && !bad && consistent, "%d random alloc/free steps: no overlap, every free accepted, lists consistent", STEPS);
	ok(pool.free_bytes == POOL && buddy_check(&pool) == 0 && pool.nfree[MAXO] == POOL >> MAXO,
	   "after the random run the pool coalesced back to %zu max-order blocks", POOL >> MAXO);
}

int main(void)
{
	arena = aligned_alloc((size_t)1 << MAXO, POOL);
	test_init_errors();
	test_every_order();
	test_bad_frees();
	test_exhaust(MINO, POOL, 0);
	test_exhaust(12, POOL, 0);
	test_exhaust(MAXO, POOL, 0);
	test_exhaust(12, POOL, 4096 * 3);
	test_coalesce();
	test_odd_size();
	test_random();
	free(arena);
	return tap_done();
}

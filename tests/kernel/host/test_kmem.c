/*
 * kmem on the host over an aligned heap arena (the same code the kernel
 * runs over its pool): malloc-style and page-order allocation, every
 * page order, exhaustion, no overlap, no leak, and the misuse that must
 * panic (double free, foreign pointers, wrong order).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <lwk/kmem.h>
#include "host_shim.h"
#include "tap.h"

#define POOL ((size_t)16 << 20)

struct blk { uintptr_t start; size_t len; };

static int cmp_blk(const void *a, const void *b)
{
	const struct blk *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sorted by start, does any block run into the next? */
static int overlaps(struct blk *b, size_t n)
{
	qsort(b, n, sizeof(*b), cmp_blk);
	for (size_t i = 1; i < n; i++)
		if (b[i - 1].start + b[i - 1].len > b[i].start)
			return 1;
	return 0;
}

static uint64_t in_use(void)
{
	struct kmem_stats st;
	kmem_get_stats(&st);
	return st.in_use;
}

static void test_alloc_sizes(void)
{
	enum { N = 600 };
	static struct blk b[N];
	static void *p[N];
	uint64_t base = in_use();
	int aligned = 1, zeroed = 1, inside = 1;

	for (int i = 0; i < N; i++) {
		size_t size = 1 + (size_t)i * 37 % 9000;
		p[i] = kmem_alloc(size);
		if (!p[i])
			break;
		aligned &= ((uintptr_t)p[i] & 15) == 0;
		inside &= kmem_contains(p[i], size);
		for (size_t j = 0; j < size; j++)
			zeroed &= ((uint8_t *)p[i])[j] == 0;
		memset(p[i], 0xee, size);
		b[i] = (struct blk){ (uintptr_t)p[i], size };
	}
	ok(p[N - 1] != NULL, "%d kmem_alloc calls of 1..9000 bytes succeed", N);
	ok(aligned && inside && zeroed, "blocks are 16-byte aligned, inside the pool, zeroed");
	ok(!overlaps(b, N), "no two kmem_alloc blocks overlap");
	for (int i = 0; i < N; i++)
		kmem_free(p[i]);
	ok(in_use() == base && kmem_check() == 0, "all freed: kmem in use back to %llu bytes", (unsigned long long)base);
	ok(kmem_alloc(0) == NULL, "kmem_alloc(0) gives NULL");
	ok(kmem_alloc(((size_t)1 << KMEM_MAX_ORDER) - KMEM_HDR_SIZE + 1) == NULL,
	   "kmem_alloc larger than the biggest block gives NULL");
	void *big = kmem_alloc(((size_t)1 << KMEM_MAX_ORDER) - KMEM_HDR_SIZE);
	ok(big != NULL, "kmem_alloc of exactly the biggest block works");
	kmem_free(big);
	kmem_free(NULL);
	ok(in_use() == base, "kmem_free(NULL) is a no-op");
}

static void test_page_orders(void)
{
	uint64_t base = in_use();
	int good = 1;

	for (unsigned long k = 0; k <= KMEM_MAX_PAGE_ORDER; k++) {
		uint8_t *p = kmem_get_pages(k);
		size_t len = (size_t)4096 << k;
		good &= p != NULL && ((uintptr_t)p & (len - 1)) == 0 && kmem_contains(p, len);
		if (p) {
			memset(p, 0x5a, len);
			kmem_free_pages(p, k);
		}
	}
	ok(good, "every page order 0..%d: aligned to its size, inside the pool", KMEM_MAX_PAGE_ORDER);
	ok(in_use() == base, "page orders all freed: no leak");
	ok(kmem_get_pages(KMEM_MAX_PAGE_ORDER + 1) == NULL, "page order past the max gives NULL");
}

/* Exhaust with one page order, check the count and overlap, free, check no leak. */
static void test_exhaust(unsigned long k)
{
	size_t max = POOL >> (12 + k), n = 0;
	struct blk *b = calloc(max + 1, sizeof(*b));
	uint64_t base = in_use();
	struct kmem_stats st;
	void *p;

	kmem_get_stats(&st);
	while (n <= max && (p = kmem_get_pages(k)) != NULL)
		b[n++] = (struct blk){ (uintptr_t)p, (size_t)4096 << k };
	kmem_get_stats(&st);
	ok(st.free < ((size_t)4096 << k) && n > 0, "page order %lu: exhausted after %zu blocks, %llu bytes left",
	   k, n, (unsigned long long)st.free);
	ok(!overlaps(b, n), "page order %lu: no overlap among %zu blocks", k, n);
	for (size_t i = 0; i < n; i++)
		kmem_free_pages((void *)b[i].start, k);
	ok(in_use() == base && kmem_check() == 0, "page order %lu: all freed, no leak", k);
	free(b);
}

static void test_exhaust_small(void)
{
	size_t n = 0, cap = POOL / 64;
	void **p = calloc(cap, sizeof(*p));
	uint64_t base = in_use();

	while (n < cap && (p[n] = kmem_alloc(40)) != NULL)
		n++;
	ok(n > 0 && n < cap && kmem_alloc(1) == NULL, "kmem_alloc(40) exhausts the pool after %zu blocks", n);
	for (size_t i = 0; i < n; i += 2)
		kmem_free(p[i]);
	for (size_t i = 1; i < n; i += 2)
		kmem_free(p[i]);
	ok(in_use() == base && kmem_check() == 0, "after freeing them all, nothing leaked");
	free(p);
}

static void test_misuse(void)
{
	void *a = kmem_alloc(100), *pg = kmem_get_pages(2);
	static char outside[64];
	uint64_t base;

	kmem_free(a);
	base = in_use();
	ok(EXPECT_PANIC(kmem_free(a)) && strstr(shim_panic_msg, "kmem_free") != NULL,
	   "double kmem_free panics (%s)", shim_panic_msg);
	ok(EXPECT_PANIC(kmem_free(outside + 16)) && strstr(shim_panic_msg, "not a kmem address"),
	   "kmem_free of a non-kmem pointer panics (%s)", shim_panic_msg);
	ok(EXPECT_PANIC(kmem_free((char *)pg + 16)),
	   "kmem_free of a pointer kmem_alloc did not return panics (%s)", shim_panic_msg);
	ok(EXPECT_PANIC(kmem_free_pages(pg, 3)) && strstr(shim_panic_msg, "order 3"),
	   "kmem_free_pages with an order whose block covers free memory panics (%s)", shim_panic_msg);
	kmem_free_pages(pg, 2);
	ok(EXPECT_PANIC(kmem_free_pages(pg, 2)), "double kmem_free_pages panics (%s)", shim_panic_msg);
	ok(in_use() + (4096 << 2) == base && kmem_check() == 0, "the pool is consistent after the rejected frees");
}

int main(void)
{
	void *arena = aligned_alloc((size_t)1 << KMEM_MAX_ORDER, POOL);
	struct kmem_stats st;

	ok(kmem_init((char *)arena + 4096, POOL - 4096) != 0, "kmem_init refuses a misaligned pool");
	ok(kmem_init(arena, POOL) == 0, "kmem_init on a 16 MiB pool");
	kmem_get_stats(&st);
	ok(st.meta == 65536 && st.in_use == st.meta && st.free == POOL - st.meta,
	   "fresh pool: only the %llu-byte bitmap in use", (unsigned long long)st.meta);
	test_alloc_sizes();
	test_page_orders();
	for (unsigned long k = 0; k <= KMEM_MAX_PAGE_ORDER; k += 5)
		test_exhaust(k);
	test_exhaust(KMEM_MAX_PAGE_ORDER);
	test_exhaust_small();
	test_misuse();
	free(arena);
	return tap_done();
}

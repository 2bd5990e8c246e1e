/*
 * pmem and kmem on the live node: the map built at boot (kernel image,
 * modules, kmem pool, low memory), allocations through the direct map,
 * and the error answers on real data.
 */
#include <stdint.h>
#include <arch/page.h>
#include <lwk/bootinfo.h>
#include <lwk/errno.h>
#include <lwk/kmem.h>
#include <lwk/mem.h>
#include <lwk/params.h>
#include <lwk/pmem.h>
#include <lwk/string.h>
#include <lwk/ktest.h>

static int query_at(uint64_t pa, struct pmem_region *out)
{
	struct pmem_region q;

	pmem_region_init(&q);
	q.start = pa;
	q.end = pa + 1;
	return pmem_query(&q, out);
}

KTEST(pmem, kernel_image_is_kmem)
{
	struct pmem_region r;

	KT_ASSERT(query_at(virt_to_phys(_text), &r) == 0);
	KT_EQ(r.type, PMEM_TYPE_KMEM);
	KT_EXPECT(r.allocated);
	KT_EXPECT(strcmp(r.name, "kernel image") == 0);
	KT_ASSERT(query_at(virt_to_phys(_kernel_end) - 1, &r) == 0);
	KT_EXPECT(strcmp(r.name, "kernel image") == 0);
}

KTEST(pmem, kmem_pool_region_matches)
{
	struct pmem_region r, q;
	struct kmem_stats st;


	kmem_get_stats(&st);
	pmem_region_init(&q);
	pmem_region_set_name(&q, "kmem pool");
	KT_ASSERT(pmem_query(&q, &r) == 0);
	KT_EQ(r.type, PMEM_TYPE_KMEM);
	KT_EQ(r.start, kmem_pool_start);
	KT_EQ(r.end - r.start, kmem_size);
	KT_EQ(st.size, kmem_size);
	KT_EQ(st.base, (uint64_t)phys_to_virt(kmem_pool_start));
	KT_EQ(kmem_pool_start % (1u << KMEM_MAX_ORDER), 0);
}

KTEST(pmem, modules_and_low_memory)
{
	struct pmem_region r;

	KT_ASSERT(query_at(0, &r) == 0);
	KT_EQ(r.type, PMEM_TYPE_BOOTMEM);
	for (unsigned i = 0; i < bootinfo.nmodules; i++) {
		KT_ASSERT(query_at(bootinfo.module[i].start, &r) == 0);
		KT_EQ(r.type, PMEM_TYPE_MODULE);
		KT_EXPECT(r.allocated);
	}
}

KTEST(pmem, regions_never_overlap)
{
	struct pmem_region a, b;

	for (unsigned i = 0; pmem_get(i + 1, &b) == 0; i++) {
		KT_ASSERT(pmem_get(i, &a) == 0);
		KT_EXPECT(a.start < a.end && a.end <= b.start);
	}
}

KTEST(pmem, umem_alloc_write_free)
{
	struct pmem_region got, again;
	uint64_t *p;
	uint64_t umem = pmem_total(PMEM_TYPE_UMEM);

	KT_ASSERT(pmem_alloc_umem(2u << 20, 2u << 20, &got) == 0);
	KT_EQ(got.start % (2u << 20), 0);
	KT_EQ(got.end - got.start, 2u << 20);
	KT_EXPECT(got.allocated && got.type == PMEM_TYPE_UMEM);
	p = phys_to_virt(got.start);
	for (unsigned i = 0; i < (2u << 20) / 8; i += 512)
		p[i] = i * 3;
	for (unsigned i = 0; i < (2u << 20) / 8; i += 512)
		KT_ASSERT(p[i] == i * 3);
	KT_ASSERT(pmem_alloc_umem(2u << 20, 2u << 20, &again) == 0);
	KT_EXPECT(again.start >= got.end || again.end <= got.start);
	KT_EQ(pmem_free(got.start, got.end), 0);
	KT_EQ(pmem_free(again.start, again.end), 0);
	KT_EQ(pmem_total(PMEM_TYPE_UMEM), umem);
}

KTEST(pmem, errors_on_the_live_map)
{
	struct pmem_region r, got;

	pmem_region_init(&r);
	r.start = kmem_pool_start;
	r.end = kmem_pool_start + 4096;
	r.type_is_set = true;
	r.type = PMEM_TYPE_UMEM;
	KT_EQ(pmem_add(&r), -LWK_EEXIST);
	KT_EQ(pmem_alloc_umem(1ull << 40, 0, &got), -LWK_ENOMEM);
	KT_EQ(pmem_alloc_umem(4096 + 8, 0, &got), -LWK_EINVAL);
	pmem_region_init(&r);
	r.name_is_set = true;
	strlcpy(r.name, "no such region", sizeof(r.name));
	KT_EQ(pmem_query(&r, &got), -LWK_ENOENT);
}

KTEST(kmem, alloc_free_all_page_orders)
{
	struct kmem_stats before, after;

	kmem_get_stats(&before);
	for (unsigned long k = 0; k <= KMEM_MAX_PAGE_ORDER; k++) {
		uint8_t *p = kmem_get_pages(k);
		KT_ASSERT(p != NULL);
		KT_EQ((uint64_t)p % (4096ull << k), 0);
		KT_EXPECT(kmem_contains(p, 4096ul << k));
		memset(p, 0x77, 4096ul << k);
		kmem_free_pages(p, k);
	}
	kmem_get_stats(&after);
	KT_EQ(after.in_use, before.in_use);
	KT_EQ(kmem_check(), 0);
}

KTEST(kmem, alloc_is_zeroed_and_disjoint)
{
	uint8_t *a = kmem_alloc(1000), *b = kmem_alloc(1000);

	KT_ASSERT(a && b);
	for (int i = 0; i < 1000; i++)
		KT_ASSERT(a[i] == 0 && b[i] == 0);
	memset(a, 1, 1000);
	memset(b, 2, 1000);
	KT_EXPECT(a + 1000 <= b || b + 1000 <= a);
	KT_EQ(a[999], 1);
	kmem_free(a);
	kmem_free(b);
}

KTEST(kmem, exhaust_and_recover)
{
	enum { MAX = 64 };
	void *blocks[MAX];
	struct kmem_stats before, after;
	int n = 0;

	kmem_get_stats(&before);
	while (n < MAX && (blocks[n] = kmem_get_pages(KMEM_MAX_PAGE_ORDER)) != NULL)
		n++;
	KT_EXPECT(n < MAX);                   /* the pool ran out: it has a fixed size */
	KT_EQ(kmem_get_pages(KMEM_MAX_PAGE_ORDER), 0);
	while (n > 0)
		kmem_free_pages(blocks[--n], KMEM_MAX_PAGE_ORDER);
	kmem_get_stats(&after);
	KT_EQ(after.in_use, before.in_use);
}

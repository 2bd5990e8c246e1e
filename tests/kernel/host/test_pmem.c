/*
 * pmem on the host: add / update / query / alloc / free, their error
 * cases (overlap, misalignment, impossible requests, no match), merging
 * and splitting, and a map like a booted node's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <lwk/errno.h>
#include <lwk/pmem.h>
#include "host_shim.h"
#include "tap.h"

#define MiB (1ull << 20)

static struct pmem_region rgn(paddr_t s, paddr_t e, pmem_type_t t)
{
	struct pmem_region r;

	pmem_region_init(&r);
	r.start = s;
	r.end = e;
	r.type_is_set = true;
	r.type = t;
	return r;
}

static unsigned count(void)
{
	struct pmem_region r;
	unsigned n = 0;
	while (pmem_get(n, &r) == 0)
		n++;
	return n;
}

/* Regions sorted, non-overlapping, page aligned, all fields set. */
static int table_ok(void)
{
	struct pmem_region a, b;
	for (unsigned i = 0; pmem_get(i, &a) == 0; i++) {
		if (a.start >= a.end || (a.start | a.end) % PMEM_PAGE_SIZE ||
		    !a.type_is_set || !a.numa_node_is_set || !a.allocated_is_set || !a.name_is_set)
			return 0;
		if (pmem_get(i + 1, &b) == 0 && b.start < a.end)
			return 0;
	}
	return 1;
}

static void test_add(void)
{
	struct pmem_region r;

	pmem_reset();
	r = rgn(16 * MiB, 32 * MiB, PMEM_TYPE_UMEM);
	ok(pmem_add(&r) == 0, "add [16M, 32M) UMEM");
	r = rgn(20 * MiB, 24 * MiB, PMEM_TYPE_UMEM);
	ok(pmem_add(&r) == -LWK_EEXIST, "add inside an existing region: -EEXIST");
	r = rgn(8 * MiB, 17 * MiB, PMEM_TYPE_UMEM);
	ok(pmem_add(&r) == -LWK_EEXIST, "add overlapping the start: -EEXIST");
	r = rgn(31 * MiB, 40 * MiB, PMEM_TYPE_KMEM);
	ok(pmem_add(&r) == -LWK_EEXIST, "add overlapping the end: -EEXIST");
	r = rgn(0, 64 * MiB, PMEM_TYPE_UMEM);
	ok(pmem_add(&r) == -LWK_EEXIST, "add covering a region: -EEXIST");
	r = rgn(16 * MiB, 32 * MiB, PMEM_TYPE_UMEM);
	ok(pmem_add(&r) == -LWK_EEXIST, "add of the same region twice: -EEXIST");
	r = rgn(40 * MiB + 100, 48 * MiB, PMEM_TYPE_UMEM);
	ok(pmem_add(&r) == -LWK_EINVAL, "add with a misaligned start: -EINVAL");
	r = rgn(40 * MiB, 48 * MiB - 1, PMEM_TYPE_UMEM);
	ok(pmem_add(&r) == -LWK_EINVAL, "add with a misaligned end: -EINVAL");
	r = rgn(48 * MiB, 40 * MiB, PMEM_TYPE_UMEM);
	ok(pmem_add(&r) == -LWK_EINVAL, "add with end before start: -EINVAL");
	r = rgn(48 * MiB, 48 * MiB, PMEM_TYPE_UMEM);
	ok(pmem_add(&r) == -LWK_EINVAL, "add of an empty region: -EINVAL");
	r = rgn(40 * MiB, 48 * MiB, PMEM_TYPE_UMEM);
	r.type_is_set = false;
	ok(pmem_add(&r) == -LWK_EINVAL, "add without a type: -EINVAL");
	r = rgn(40 * MiB, 48 * MiB, (pmem_type_t)99);
	ok(pmem_add(&r) == -LWK_EINVAL, "add with an unknown type: -EINVAL");
	ok(count() == 1, "the failed adds left one region");
	r = rgn(32 * MiB, 40 * MiB, PMEM_TYPE_UMEM);
	ok(pmem_add(&r) == 0 && count() == 1, "an adjacent add with equal fields merges: [16M, 40M)");
	r = rgn(40 * MiB, 48 * MiB, PMEM_TYPE_BOOTMEM);
	ok(pmem_add(&r) == 0 && count() == 2 && table_ok(), "an adjacent add of another type stays separate");
}

static void test_full(void)
{
	struct pmem_region r;
	unsigned i;
	int err = 0;

	pmem_reset();
	for (i = 0; i < PMEM_MAX_REGIONS && !err; i++) {
		r = rgn(i * 2 * 4096ull, i * 2 * 4096ull + 4096, PMEM_TYPE_UMEM);
		err = pmem_add(&r);
	}
	r = rgn(1ull << 40, (1ull << 40) + 4096, PMEM_TYPE_UMEM);
	ok(err == 0 && pmem_add(&r) == -LWK_ENOSPC, "add to a full table (%d regions): -ENOSPC", PMEM_MAX_REGIONS);
	r = rgn(0, 4096, PMEM_TYPE_KMEM);
	ok(pmem_update(&r) == 0, "an update without a split still works in a full table");
}

static void test_update(void)
{
	struct pmem_region r, q, got;

	pmem_reset();
	r = rgn(0, 64 * MiB, PMEM_TYPE_UMEM);
	pmem_add(&r);
	r = rgn(96 * MiB, 128 * MiB, PMEM_TYPE_UMEM);
	pmem_add(&r);
	r = rgn(8 * MiB, 16 * MiB, PMEM_TYPE_KMEM);
	pmem_region_set_name(&r, "kmem pool");
	r.allocated_is_set = r.allocated = true;
	ok(pmem_update(&r) == 0 && count() == 4 && table_ok(), "update of a middle range splits one region into three");
	pmem_region_init(&q);
	q.name_is_set = true;
	strcpy(q.name, "kmem pool");
	ok(pmem_query(&q, &got) == 0 && got.start == 8 * MiB && got.end == 16 * MiB &&
	   got.type == PMEM_TYPE_KMEM && got.allocated, "query by name finds the updated range");
	r = rgn(60 * MiB, 100 * MiB, PMEM_TYPE_KMEM);
	ok(pmem_update(&r) == -LWK_ENOENT, "update across a hole: -ENOENT");
	r = rgn(200 * MiB, 204 * MiB, PMEM_TYPE_KMEM);
	ok(pmem_update(&r) == -LWK_ENOENT, "update of unknown memory: -ENOENT");
	r = rgn(8 * MiB + 1, 16 * MiB, PMEM_TYPE_KMEM);
	ok(pmem_update(&r) == -LWK_EINVAL, "update with a misaligned start: -EINVAL");
	ok(count() == 4, "failed updates changed nothing");
	r = rgn(8 * MiB, 16 * MiB, PMEM_TYPE_UMEM);
	pmem_region_set_name(&r, "");
	r.allocated_is_set = true;
	r.allocated = false;
	ok(pmem_update(&r) == 0 && count() == 2 && table_ok(), "updating it back merges the three into one");
	pmem_region_init(&r);
	r.start = 0;
	r.end = 4096;
	r.numa_node_is_set = true;
	r.numa_node = 3;
	ok(pmem_update(&r) == 0 && pmem_get(0, &got) == 0 && got.numa_node == 3 && got.end == 4096 &&
	   got.type == PMEM_TYPE_UMEM, "update of one field keeps the others");
}

static void test_query(void)
{
	struct pmem_region r, q, got;

	pmem_reset();
	r = rgn(0, 16 * MiB, PMEM_TYPE_BOOTMEM);
	pmem_add(&r);
	r = rgn(16 * MiB, 64 * MiB, PMEM_TYPE_UMEM);
	pmem_add(&r);
	q = rgn(0, 0, PMEM_TYPE_UMEM);
	ok(pmem_query(&q, &got) == 0 && got.start == 16 * MiB && got.end == 64 * MiB,
	   "query by type over all memory");
	q = rgn(20 * MiB, 30 * MiB, PMEM_TYPE_UMEM);
	ok(pmem_query(&q, &got) == 0 && got.start == 20 * MiB && got.end == 30 * MiB,
	   "the result is clipped to the query range");
	q = rgn(0, 0, PMEM_TYPE_KMEM);
	ok(pmem_query(&q, &got) == -LWK_ENOENT, "query matching no type: -ENOENT");
	q = rgn(64 * MiB, 128 * MiB, PMEM_TYPE_UMEM);
	ok(pmem_query(&q, &got) == -LWK_ENOENT, "query past all regions: -ENOENT");
	q = rgn(0, 0, PMEM_TYPE_UMEM);
	q.allocated_is_set = q.allocated = true;
	ok(pmem_query(&q, &got) == -LWK_ENOENT, "query for allocated UMEM when none is: -ENOENT");
	q = rgn(30 * MiB, 20 * MiB, PMEM_TYPE_UMEM);
	ok(pmem_query(&q, &got) == -LWK_EINVAL, "query with end before start: -EINVAL");
}

static void test_alloc(void)
{
	struct pmem_region r, c, got, a[64];
	uint64_t sum = 0;
	int n = 0, disjoint = 1, err;

	pmem_reset();
	r = rgn(0, 1 * MiB, PMEM_TYPE_BOOTMEM);
	pmem_add(&r);
	r = rgn(1 * MiB, 33 * MiB, PMEM_TYPE_UMEM);
	pmem_add(&r);
	ok(pmem_alloc_umem(0, 0, &got) == -LWK_EINVAL, "alloc of 0 bytes: -EINVAL");
	ok(pmem_alloc_umem(4096 + 1, 0, &got) == -LWK_EINVAL, "alloc of a size not a page multiple: -EINVAL");
	ok(pmem_alloc_umem(4096, 3 * 4096, &got) == -LWK_EINVAL, "alloc with a non-power-of-two alignment: -EINVAL");
	ok(pmem_alloc_umem(4096, 512, &got) == -LWK_EINVAL, "alloc aligned below a page: -EINVAL");
	ok(pmem_alloc_umem(64 * MiB, 0, &got) == -LWK_ENOMEM, "alloc larger than all UMEM: -ENOMEM");
	ok(pmem_alloc_umem(16 * MiB, 32 * MiB, &got) == -LWK_ENOMEM,
	   "alloc whose alignment leaves no room: -ENOMEM");
	c = rgn(0, 0, PMEM_TYPE_KMEM);
	ok(pmem_alloc(4096, 0, &c, &got) == -LWK_ENOMEM, "alloc of a type with no regions: -ENOMEM");
	ok(pmem_alloc_umem(4 * MiB, 4 * MiB, &got) == 0 && got.start == 4 * MiB && got.end == 8 * MiB &&
	   got.allocated && got.type == PMEM_TYPE_UMEM, "4M aligned to 4M lands at [4M, 8M)");
	c = rgn(16 * MiB, 20 * MiB, PMEM_TYPE_UMEM);
	ok(pmem_alloc(2 * MiB, 0, &c, &got) == 0 && got.start >= 16 * MiB && got.end <= 20 * MiB,
	   "alloc inside a constraint range stays in it");
	ok(pmem_alloc(4 * MiB, 0, &c, &got) == -LWK_ENOMEM, "alloc too big for what is left of the range: -ENOMEM");
	ok(pmem_free(4 * MiB, 8 * MiB) == 0 && pmem_free(16 * MiB, 18 * MiB) == 0 && count() == 2,
	   "freeing both merges UMEM back to one region");
	ok(pmem_free(4 * MiB, 8 * MiB) == -LWK_EINVAL, "freeing free memory: -EINVAL");
	ok(pmem_free(40 * MiB, 44 * MiB) == -LWK_ENOENT, "freeing unknown memory: -ENOENT");
	/* Exhaust: 1 MiB pieces until -ENOMEM; they are disjoint and add up. */
	while (n < 64 && (err = pmem_alloc_umem(1 * MiB, 0, &a[n])) == 0)
		sum += a[n].end - a[n].start, n++;
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			disjoint &= a[i].end <= a[j].start || a[j].end <= a[i].start;
	ok(err == -LWK_ENOMEM && sum == 32 * MiB && disjoint,
	   "UMEM exhausted after %d disjoint 1M allocations (%llu bytes)", n, (unsigned long long)sum);
	ok(table_ok(), "the table is well formed after %d allocations", n);
	for (int i = 0; i < n; i++)
		pmem_free(a[i].start, a[i].end);
	ok(count() == 2 && pmem_total(PMEM_TYPE_UMEM) == 32 * MiB, "all freed: back to two regions");
}

static char out[4096];
static int capture(const char *fmt, ...)
{
	va_list ap;
	size_t len = strlen(out);
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + len, sizeof(out) - len, fmt, ap);
	va_end(ap);
	return n;
}

static void test_print(void)
{
	struct pmem_region r;

	pmem_reset();
	r = rgn(0, 0x9f000, PMEM_TYPE_BOOTMEM);
	pmem_region_set_name(&r, "low memory");
	pmem_add(&r);
	r = rgn(0x100000, 0x8000000, PMEM_TYPE_UMEM);
	pmem_add(&r);
	out[0] = 0;
	pmem_print(capture);
	ok(strstr(out, "[0x0000000000000000, 0x000000000009f000) BOOTMEM numa_node=0 free      (low memory)") &&
	   strstr(out, "[0x0000000000100000, 0x0000000008000000) UMEM ") &&
	   strstr(out, "Total User-Level Managed Memory: 133169152 bytes"),
	   "the map prints like seed 002's");
}

int main(void)
{
	test_add();
	test_full();
	test_update();
	test_query();
	test_alloc();
	test_print();
	return tap_done();
}

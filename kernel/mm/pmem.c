/*
 * Physical memory regions (include/lwk/pmem.h).  The table is a static
 * array sorted by start address.  Invariants, checked by every operation
 * that changes the table and relied on by every lookup:
 *   - regions are page aligned, non-empty, sorted and never overlap;
 *   - every stored region has all four fields set (the *_is_set flags of
 *     stored regions are true), so stored regions compare field by field;
 *   - adjacent regions with equal fields are merged, so the map stays
 *     as short as the facts allow.
 * Portable: the host tests run it unchanged.
 */
#include <lwk/errno.h>
#include <lwk/pmem.h>
#include <lwk/spinlock.h>
#include <lwk/string.h>

static struct pmem_region table[PMEM_MAX_REGIONS];
static unsigned nregions;
static struct spinlock pmem_lock = SPINLOCK_INIT;

#define PAGE_MASK ((paddr_t)PMEM_PAGE_SIZE - 1)

void pmem_region_init(struct pmem_region *rgn)
{
	memset(rgn, 0, sizeof(*rgn));
}

void pmem_region_set_name(struct pmem_region *rgn, const char *name)
{
	strlcpy(rgn->name, name, sizeof(rgn->name));
	rgn->name_is_set = true;
}

const char *pmem_type_name(pmem_type_t type)
{
	switch (type) {
	case PMEM_TYPE_KMEM:    return "KMEM";
	case PMEM_TYPE_UMEM:    return "UMEM";
	case PMEM_TYPE_MODULE:  return "MODULE";
	case PMEM_TYPE_BOOTMEM: return "BOOTMEM";
	}
	return "?";
}

static bool type_valid(pmem_type_t t)
{
	return t >= PMEM_TYPE_KMEM && t <= PMEM_TYPE_BOOTMEM;
}

static bool page_range_ok(paddr_t start, paddr_t end)
{
	return start < end && (start & PAGE_MASK) == 0 && (end & PAGE_MASK) == 0;
}

/* The range a query or constraint covers: all of memory when both are 0. */
static bool query_range(const struct pmem_region *q, paddr_t *start, paddr_t *end)
{
	*start = q->start;
	*end = (q->start == 0 && q->end == 0) ? ~(paddr_t)0 : q->end;
	return *start < *end;
}

static bool same_fields(const struct pmem_region *a, const struct pmem_region *b)
{
	return a->type == b->type && a->numa_node == b->numa_node &&
	       a->allocated == b->allocated && strcmp(a->name, b->name) == 0;
}

static bool matches(const struct pmem_region *r, const struct pmem_region *q)
{
	return (!q->type_is_set || r->type == q->type) &&
	       (!q->numa_node_is_set || r->numa_node == q->numa_node) &&
	       (!q->allocated_is_set || r->allocated == q->allocated) &&
	       (!q->name_is_set || strncmp(r->name, q->name, PMEM_NAME_LEN) == 0);
}

static void table_insert(unsigned i, const struct pmem_region *r)
{
	memmove(&table[i + 1], &table[i], (nregions - i) * sizeof(table[0]));
	table[i] = *r;
	nregions++;
}

static void table_remove(unsigned i)
{
	memmove(&table[i], &table[i + 1], (nregions - i - 1) * sizeof(table[0]));
	nregions--;
}

static void table_merge(void)
{
	unsigned i = 0;

	while (i + 1 < nregions) {
		if (table[i].end == table[i + 1].start && same_fields(&table[i], &table[i + 1])) {
			table[i].end = table[i + 1].end;
			table_remove(i + 1);
		} else {
			i++;
		}
	}
}

/* Does addr fall strictly inside a region (so a boundary there splits it)? */
static unsigned needs_split(paddr_t addr)
{
	unsigned i;

	for (i = 0; i < nregions; i++)
		if (table[i].start < addr && addr < table[i].end)
			return 1;
	return 0;
}

/* Make a region boundary at addr (if addr is inside a region). */
static int table_split(paddr_t addr)
{
	unsigned i;
	struct pmem_region upper;

	for (i = 0; i < nregions; i++) {
		if (table[i].start < addr && addr < table[i].end) {
			if (nregions == PMEM_MAX_REGIONS)
				return -LWK_ENOSPC;
			upper = table[i];
			upper.start = addr;
			table[i].end = addr;
			table_insert(i + 1, &upper);
			return 0;
		}
	}
	return 0;
}

/* Is [start, end) covered by regions without a gap? */
static bool table_covers(paddr_t start, paddr_t end)
{
	paddr_t at = start;
	unsigned i;

	for (i = 0; i < nregions && at < end; i++) {
		if (table[i].end <= at)
			continue;
		if (table[i].start > at)
			return false;
		at = table[i].end;
	}
	return at >= end;
}

static int add_locked(const struct pmem_region *rgn)
{
	struct pmem_region r;
	unsigned i;

	if (!page_range_ok(rgn->start, rgn->end) || !rgn->type_is_set || !type_valid(rgn->type))
		return -LWK_EINVAL;
	for (i = 0; i < nregions; i++)
		if (table[i].start < rgn->end && rgn->start < table[i].end)
			return -LWK_EEXIST;
	if (nregions == PMEM_MAX_REGIONS)
		return -LWK_ENOSPC;
	pmem_region_init(&r);
	r.start = rgn->start;
	r.end = rgn->end;
	r.type = rgn->type;
	r.numa_node = rgn->numa_node_is_set ? rgn->numa_node : 0;
	r.allocated = rgn->allocated_is_set && rgn->allocated;
	if (rgn->name_is_set)
		strlcpy(r.name, rgn->name, sizeof(r.name));
	r.type_is_set = r.numa_node_is_set = r.allocated_is_set = r.name_is_set = true;
	for (i = 0; i < nregions && table[i].start < r.start; i++)
		;
	table_insert(i, &r);
	table_merge();
	return 0;
}

int pmem_add(const struct pmem_region *rgn)
{
	unsigned long flags = spin_lock_irqsave(&pmem_lock);
	int err = add_locked(rgn);
	spin_unlock_irqrestore(&pmem_lock, flags);
	return err;
}

static int update_locked(const struct pmem_region *u)
{
	unsigned i;
	int err;

	if (!page_range_ok(u->start, u->end) || (u->type_is_set && !type_valid(u->type)))
		return -LWK_EINVAL;
	if (!table_covers(u->start, u->end))
		return -LWK_ENOENT;
	/* Check for room for the splits before changing anything. */
	if (nregions + needs_split(u->start) + needs_split(u->end) > PMEM_MAX_REGIONS)
		return -LWK_ENOSPC;
	if ((err = table_split(u->start)) != 0 || (err = table_split(u->end)) != 0)
		return err;
	for (i = 0; i < nregions; i++) {
		if (table[i].start < u->start || table[i].end > u->end)
			continue;
		if (u->type_is_set)
			table[i].type = u->type;
		if (u->numa_node_is_set)
			table[i].numa_node = u->numa_node;
		if (u->allocated_is_set)
			table[i].allocated = u->allocated;
		if (u->name_is_set)
			strlcpy(table[i].name, u->name, sizeof(table[i].name));
	}
	table_merge();
	return 0;
}

int pmem_update(const struct pmem_region *update)
{
	unsigned long flags = spin_lock_irqsave(&pmem_lock);
	int err = update_locked(update);
	spin_unlock_irqrestore(&pmem_lock, flags);
	return err;
}

static int query_locked(const struct pmem_region *q, struct pmem_region *result)
{
	paddr_t start, end;
	unsigned i;

	if (!query_range(q, &start, &end))
		return -LWK_EINVAL;
	for (i = 0; i < nregions; i++) {
		if (table[i].end <= start || table[i].start >= end || !matches(&table[i], q))
			continue;
		*result = table[i];
		if (result->start < start)
			result->start = start;
		if (result->end > end)
			result->end = end;
		return 0;
	}
	return -LWK_ENOENT;
}

int pmem_query(const struct pmem_region *query, struct pmem_region *result)
{
	unsigned long flags = spin_lock_irqsave(&pmem_lock);
	int err = query_locked(query, result);
	spin_unlock_irqrestore(&pmem_lock, flags);
	return err;
}

static int alloc_locked(size_t size, size_t align, const struct pmem_region *c,
			struct pmem_region *result)
{
	struct pmem_region want = *c, mark;
	paddr_t lo, hi, at;
	unsigned i;
	int err;

	if (align == 0)
		align = PMEM_PAGE_SIZE;
	if (size == 0 || (size & PAGE_MASK) || (align & (align - 1)) || align < PMEM_PAGE_SIZE ||
	    !query_range(c, &lo, &hi))
		return -LWK_EINVAL;
	want.allocated_is_set = true;
	want.allocated = false;
	for (i = 0; i < nregions; i++) {
		const struct pmem_region *r = &table[i];
		if (r->end <= lo || r->start >= hi || !matches(r, &want))
			continue;
		at = (r->start > lo ? r->start : lo);
		at = (at + align - 1) & ~((paddr_t)align - 1);
		if (at < r->start || at + size < at || at + size > r->end || at + size > hi)
			continue;
		pmem_region_init(&mark);
		mark.start = at;
		mark.end = at + size;
		mark.allocated_is_set = mark.allocated = true;
		if ((err = update_locked(&mark)) != 0)
			return err;
		return query_locked(&mark, result);
	}
	return -LWK_ENOMEM;
}

int pmem_alloc(size_t size, size_t alignment, const struct pmem_region *constraint,
	       struct pmem_region *result)
{
	unsigned long flags = spin_lock_irqsave(&pmem_lock);
	int err = alloc_locked(size, alignment, constraint, result);
	spin_unlock_irqrestore(&pmem_lock, flags);
	return err;
}

int pmem_alloc_umem(size_t size, size_t alignment, struct pmem_region *result)
{
	struct pmem_region c;

	pmem_region_init(&c);
	c.type_is_set = true;
	c.type = PMEM_TYPE_UMEM;
	return pmem_alloc(size, alignment, &c, result);
}

static int free_locked(paddr_t start, paddr_t end)
{
	struct pmem_region u;
	unsigned i;

	if (!page_range_ok(start, end))
		return -LWK_EINVAL;
	if (!table_covers(start, end))
		return -LWK_ENOENT;
	for (i = 0; i < nregions; i++)
		if (table[i].start < end && start < table[i].end && !table[i].allocated)
			return -LWK_EINVAL;
	pmem_region_init(&u);
	u.start = start;
	u.end = end;
	u.allocated_is_set = true;
	u.allocated = false;
	return update_locked(&u);
}

int pmem_free(paddr_t start, paddr_t end)
{
	unsigned long flags = spin_lock_irqsave(&pmem_lock);
	int err = free_locked(start, end);
	spin_unlock_irqrestore(&pmem_lock, flags);
	return err;
}

int pmem_get(unsigned i, struct pmem_region *out)
{
	unsigned long flags = spin_lock_irqsave(&pmem_lock);
	int err = -LWK_ENOENT;

	if (i < nregions) {
		*out = table[i];
		err = 0;
	}
	spin_unlock_irqrestore(&pmem_lock, flags);
	return err;
}

uint64_t pmem_total(pmem_type_t type)
{
	struct pmem_region r;
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; pmem_get(i, &r) == 0; i++)
		if (r.type == type)
			sum += r.end - r.start;
	return sum;
}

void pmem_print(int (*print)(const char *fmt, ...))
{
	struct pmem_region r;
	unsigned i;

	print("Physical Memory Map:\n");
	for (i = 0; pmem_get(i, &r) == 0; i++)
		print("  [0x%016llx, 0x%016llx) %-7s numa_node=%u %-9s %s%s%s\n",
		      (unsigned long long)r.start, (unsigned long long)r.end,
		      pmem_type_name(r.type), (unsigned)r.numa_node,
		      r.allocated ? "allocated" : "free",
		      r.name[0] ? "(" : "", r.name, r.name[0] ? ")" : "");
	print("Total User-Level Managed Memory: %llu bytes\n",
	      (unsigned long long)pmem_total(PMEM_TYPE_UMEM));
}

void pmem_reset(void)
{
	unsigned long flags = spin_lock_irqsave(&pmem_lock);
	nregions = 0;
	spin_unlock_irqrestore(&pmem_lock, flags);
}

/*
 * Address spaces: regions, their page tables, SMARTMAP.
 *
 * Invariants:
 *  - the regions of an aspace never overlap, lie in [LWK_PAGE_4K,
 *    LWK_USER_TOP) and are aligned to their page size;
 *  - a leaf mapping exists only inside a region, with the region's page
 *    size and permissions, and only over UMEM the machine layer vouched for;
 *  - top-level entries 256..511 are the kernel's, copied at create time
 *    (the kernel's half never gains new top-level entries after boot);
 *  - a SMARTMAP region's top-level entries point at the source's
 *    page-directory-pointer tables, which stay allocated while the
 *    source holds the reference the destination took on it.
 * Every entry point takes aspace_md_lock(); errors say what and where
 * through kerr() and return a negative LWK_E* value.
 */
#include <uapi/lwk.h>
#include <lwk/aspace.h>
#include <lwk/printk.h>

static struct aspace aspaces[ASPACE_MAX];
static uint32_t next_id = 1;

#define SLOT_SHIFT 39
#define USER_SLOTS 256

static void name_copy(char *dst, const char *src)
{
	unsigned i = 0;
	if (src)
		for (; i < ASPACE_NAME - 1 && src[i]; i++)
			dst[i] = src[i];
	for (; i < ASPACE_NAME; i++)
		dst[i] = 0;
}

static int name_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static struct aspace *find_locked(uint32_t id)
{
	if (id == 0)
		return NULL;
	for (int i = 0; i < ASPACE_MAX; i++)
		if (aspaces[i].id == id)
			return &aspaces[i];
	return NULL;
}

static int id_free(uint32_t id) { return id != 0 && !find_locked(id); }

/* ---- page-table walking ---- */

static unsigned idx(uint64_t v, int level) { return (v >> (12 + 9 * level)) & 511; }

/* The table entry at `level` points to, allocating it if asked; NULL when
 * absent (and not allocated) or when the entry is a large-page leaf. */
static uint64_t *pt_next(uint64_t *table, unsigned i, int alloc)
{
	uint64_t e = table[i];
	if (e & PTE_P)
		return (e & PTE_PS) ? NULL : aspace_md_va(e & PTE_ADDR);
	if (!alloc)
		return NULL;
	void *p = aspace_md_page_alloc();
	if (!p)
		return NULL;
	table[i] = aspace_md_pa(p) | PTE_P | PTE_W | PTE_U;
	return p;
}

/* Pointer to the leaf entry for v at page size pagesz (level 0 for 4 KiB,
 * 1 for 2 MiB), or NULL. */
static uint64_t *leaf(struct aspace *as, uint64_t v, uint64_t pagesz, int alloc)
{
	int stop = pagesz == LWK_PAGE_2M ? 1 : 0;
	uint64_t *t = as->pml4;
	for (int level = 3; level > stop && t; level--)
		t = pt_next(t, idx(v, level), alloc);
	return t ? &t[idx(v, stop)] : NULL;
}

uint64_t *aspace_leaf_locked(struct aspace *as, uint64_t v, uint64_t pagesz)
{
	return leaf(as, v, pagesz, 0);
}

uint64_t aspace_translate(struct aspace *as, uint64_t v, uint64_t *pte)
{
	uint64_t *t = as->pml4;
	for (int level = 3; level >= 0; level--) {
		uint64_t e = t[idx(v, level)];
		if (!(e & PTE_P))
			return 0;
		if (level == 0 || (e & PTE_PS)) {
			uint64_t mask = (1ull << (12 + 9 * level)) - 1;
			if (pte)
				*pte = e;
			return ((e & PTE_ADDR) & ~mask) | (v & mask);
		}
		t = aspace_md_va(e & PTE_ADDR);
	}
	return 0;
}

/* Free the tables below entry e at `level` (3 = a PDPT pointer). */
static void pt_free(uint64_t e, int level)
{
	if (!(e & PTE_P) || (e & PTE_PS))
		return;
	uint64_t *t = aspace_md_va(e & PTE_ADDR);
	if (level > 1)
		for (int i = 0; i < 512; i++)
			pt_free(t[i], level - 1);
	aspace_md_page_free(t);
}

static int slot_is_smartmap(struct aspace *as, unsigned slot)
{
	uint64_t v = (uint64_t)slot << SLOT_SHIFT;
	for (int i = 0; i < as->nregions; i++) {
		struct aspace_region *r = &as->region[i];
		if ((r->flags & LWK_VM_SMARTMAP) && v >= r->start && v < r->end)
			return 1;
	}
	return 0;
}

static void put_locked(struct aspace *as);

static void free_locked(struct aspace *as)
{
	for (unsigned s = 0; s < USER_SLOTS; s++)
		if (!slot_is_smartmap(as, s))
			pt_free(as->pml4[s], 3);
	aspace_md_page_free(as->pml4);
	for (int i = 0; i < as->nregions; i++)
		if (as->region[i].flags & LWK_VM_SMARTMAP) {
			struct aspace *src = find_locked(as->region[i].smartmap_src);
			if (src)
				put_locked(src);
		}
	*as = (struct aspace){0};
}

static void put_locked(struct aspace *as)
{
	if (as->refs > 0)
		as->refs--;
	if (as->dying && as->refs == 0)
		free_locked(as);
}

/* ---- the API ---- */

int aspace_create(uint32_t id_request, const char *name, uint32_t owner, uint32_t *id)
{
	int rc = 0;
	aspace_md_lock();
	struct aspace *as = NULL;
	for (int i = 0; i < ASPACE_MAX && !as; i++)
		if (aspaces[i].id == 0)
			as = &aspaces[i];
	if (!as) {
		kerr("aspace_create: all %d aspaces in use", ASPACE_MAX);
		rc = -LWK_ENOMEM;
		goto out;
	}
	if (id_request && !id_free(id_request)) {
		kerr("aspace_create: id %u already in use", id_request);
		rc = -LWK_EEXIST;
		goto out;
	}
	uint64_t *pml4 = aspace_md_page_alloc();
	if (!pml4) {
		kerr("aspace_create: no kmem for the top-level page table");
		rc = -LWK_ENOMEM;
		goto out;
	}
	const uint64_t *k = aspace_md_kernel_pml4();
	for (int i = USER_SLOTS; i < 512; i++)
		pml4[i] = k[i];
	if (!id_request) {
		while (!id_free(next_id))
			next_id = next_id + 1 ? next_id + 1 : 1;
		id_request = next_id++;
	}
	static uint64_t serial;
	*as = (struct aspace){ .id = id_request, .owner = owner, .pml4 = pml4,
			       .cr3 = aspace_md_pa(pml4), .serial = ++serial };
	name_copy(as->name, name);
	*id = as->id;
out:
	aspace_md_unlock();
	return rc;
}

int aspace_destroy(uint32_t id)
{
	aspace_md_lock();
	struct aspace *as = find_locked(id);
	int rc = 0;
	if (!as || as->dying) {
		kerr("aspace_destroy: no aspace %u", id);
		rc = -LWK_ENOENT;
	} else {
		as->dying = 1;
		as->refs++;
		put_locked(as);
	}
	aspace_md_unlock();
	return rc;
}

struct aspace *aspace_get(uint32_t id)
{
	aspace_md_lock();
	struct aspace *as = find_locked(id);
	if (as && as->dying)
		as = NULL;
	if (as)
		as->refs++;
	aspace_md_unlock();
	return as;
}

void aspace_put(struct aspace *as)
{
	aspace_md_lock();
	put_locked(as);
	aspace_md_unlock();
}

int aspace_count(void)
{
	int n = 0;
	aspace_md_lock();
	for (int i = 0; i < ASPACE_MAX; i++)
		n += aspaces[i].id != 0;
	aspace_md_unlock();
	return n;
}

/* Check [start, start+extent) is a well-formed user range for pagesz. */
static int range_ok(const char *fn, uint64_t start, uint64_t extent, uint64_t pagesz)
{
	if (extent == 0) {
		kerr("%s: extent is 0", fn);
		return 0;
	}
	if ((start | extent) & (pagesz - 1)) {
		kerr("%s: start 0x%llx or extent 0x%llx not aligned to page size 0x%llx", fn,
		     (unsigned long long)start, (unsigned long long)extent,
		     (unsigned long long)pagesz);
		return 0;
	}
	if (start < LWK_PAGE_4K || start >= LWK_USER_TOP || extent > LWK_USER_TOP - start) {
		kerr("%s: [0x%llx, +0x%llx) is outside user space [0x1000, 0x%llx)", fn,
		     (unsigned long long)start, (unsigned long long)extent,
		     (unsigned long long)LWK_USER_TOP);
		return 0;
	}
	return 1;
}

static struct aspace_region *overlap(struct aspace *as, uint64_t start, uint64_t end)
{
	for (int i = 0; i < as->nregions; i++)
		if (start < as->region[i].end && as->region[i].start < end)
			return &as->region[i];
	return NULL;
}

static int region_add_locked(struct aspace *as, uint64_t start, uint64_t extent,
			     uint32_t flags, uint64_t pagesz, const char *name)
{
	struct aspace_region *o = overlap(as, start, start + extent);
	if (o) {
		kerr("aspace_add_region: [0x%llx, 0x%llx) overlaps region '%s' [0x%llx, 0x%llx) of aspace %u",
		     (unsigned long long)start, (unsigned long long)(start + extent), o->name,
		     (unsigned long long)o->start, (unsigned long long)o->end, as->id);
		return -LWK_EEXIST;
	}
	if (as->nregions == ASPACE_MAX_REGIONS) {
		kerr("aspace_add_region: aspace %u already has %d regions", as->id,
		     ASPACE_MAX_REGIONS);
		return -LWK_ENOMEM;
	}
	struct aspace_region *r = &as->region[as->nregions++];
	*r = (struct aspace_region){ .start = start, .end = start + extent,
				     .pagesz = pagesz, .flags = flags | LWK_VM_USER };
	name_copy(r->name, name);
	if (name_eq(r->name, "heap")) {
		as->brk_lo = as->brk = r->start;
		as->mmap_lo = as->heap_end = r->end;
		as->heap_pagesz = pagesz;
		as->mmap_holes = 0;
	}
	return 0;
}

int aspace_add_region(uint32_t id, uint64_t start, uint64_t extent, uint32_t flags,
		      uint64_t pagesz, const char *name)
{
	const uint32_t known = LWK_VM_READ | LWK_VM_WRITE | LWK_VM_EXEC | LWK_VM_USER;
	int rc = -LWK_EINVAL;
	aspace_md_lock();
	struct aspace *as = find_locked(id);
	if (!as || as->dying) {
		kerr("aspace_add_region: no aspace %u", id);
		rc = -LWK_ENOENT;
	} else if (pagesz != LWK_PAGE_4K && pagesz != LWK_PAGE_2M) {
		kerr("aspace_add_region: page size 0x%llx is neither 4 KiB nor 2 MiB",
		     (unsigned long long)pagesz);
	} else if ((flags & ~known) || !(flags & LWK_VM_READ)) {
		kerr("aspace_add_region: flags 0x%x: unknown bits or no LWK_VM_READ", flags);
	} else if (range_ok("aspace_add_region", start, extent, pagesz)) {
		rc = region_add_locked(as, start, extent, flags, pagesz, name);
	}
	aspace_md_unlock();
	return rc;
}

static struct aspace_region *region_holding(struct aspace *as, uint64_t start, uint64_t end)
{
	for (int i = 0; i < as->nregions; i++)
		if (start >= as->region[i].start && end <= as->region[i].end)
			return &as->region[i];
	return NULL;
}

static uint64_t leaf_bits(const struct aspace_region *r)
{
	uint64_t b = PTE_P | PTE_U;
	if (r->flags & LWK_VM_WRITE)
		b |= PTE_W;
	if (!(r->flags & LWK_VM_EXEC))
		b |= PTE_NX;
	if (r->pagesz == LWK_PAGE_2M)
		b |= PTE_PS;
	return b;
}

/* Is [start, start+len) all in regions of as that may get vm, with a
 * present leaf for each page, whole pages of their region? 0 or
 * -errno as aspace_protect says; with apply, also give them vm. */
static int protect_locked(struct aspace *as, uint64_t start, uint64_t len, uint32_t vm,
			  int apply)
{
	for (uint64_t v = start; v - start < len;) {
		const struct aspace_region *r = region_holding(as, v, v + 1);
		if (!r || (r->flags & LWK_VM_SMARTMAP))
			return -LWK_ENOMEM;
		if ((v & (r->pagesz - 1)) || len - (v - start) < r->pagesz)
			return -LWK_EINVAL;   /* part of a 2 MiB page */
		if (((vm & LWK_VM_WRITE) && !(r->flags & LWK_VM_WRITE)) ||
		    ((vm & LWK_VM_EXEC) && !(r->flags & LWK_VM_EXEC)))
			return -LWK_EACCES;
		uint64_t *e = leaf(as, v, r->pagesz, 0);
		if (!e || !(*e & PTE_P))
			return -LWK_ENOMEM;   /* munmap'd heap pages */
		if (apply) {
			uint64_t b = (vm ? PTE_U : 0) | (vm & LWK_VM_WRITE ? PTE_W : 0) |
				     (vm & LWK_VM_EXEC ? 0 : PTE_NX);
			*e = (*e & ~(PTE_U | PTE_W | PTE_NX)) | b;
		}
		v += r->pagesz;
	}
	return 0;
}

int aspace_protect(struct aspace *as, uint64_t start, uint64_t len, uint32_t vm)
{
	aspace_md_lock();
	int rc = protect_locked(as, start, len, vm, 0);
	if (!rc)
		protect_locked(as, start, len, vm, 1);
	aspace_md_unlock();
	return rc;
}

static int map_checked_locked(struct aspace *as, struct aspace_region *r, uint64_t paddr,
			      uint64_t start, uint64_t extent)
{
	for (uint64_t off = 0; off < extent; off += r->pagesz) {
		uint64_t *e = leaf(as, start + off, r->pagesz, 0);
		if (e && *e) {   /* present, or kept by munmap for the heap to reuse */
			kerr("aspace_map_pmem: 0x%llx in region '%s' is already mapped",
			     (unsigned long long)(start + off), r->name);
			return -LWK_EEXIST;
		}
	}
	uint64_t bits = leaf_bits(r);
	for (uint64_t off = 0; off < extent; off += r->pagesz) {
		uint64_t *e = leaf(as, start + off, r->pagesz, 1);
		if (!e) {
			for (uint64_t undo = 0; undo < off; undo += r->pagesz)
				*leaf(as, start + undo, r->pagesz, 0) = 0;
			kerr("aspace_map_pmem: no kmem for page tables at 0x%llx",
			     (unsigned long long)(start + off));
			return -LWK_ENOMEM;
		}
		*e = (paddr + off) | bits;
	}
	return 0;
}

int aspace_map_pmem(uint32_t id, uint64_t paddr, uint64_t start, uint64_t extent)
{
	int rc = -LWK_EINVAL;
	aspace_md_lock();
	struct aspace *as = find_locked(id);
	struct aspace_region *r;
	if (!as || as->dying) {
		kerr("aspace_map_pmem: no aspace %u", id);
		rc = -LWK_ENOENT;
	} else if (!range_ok("aspace_map_pmem", start, extent, LWK_PAGE_4K)) {
	} else if (!(r = region_holding(as, start, start + extent)) ||
		   (r->flags & LWK_VM_SMARTMAP)) {
		kerr("aspace_map_pmem: [0x%llx, 0x%llx) is not inside one region of aspace %u",
		     (unsigned long long)start, (unsigned long long)(start + extent), id);
	} else if (((paddr | start | extent) & (r->pagesz - 1))) {
		kerr("aspace_map_pmem: paddr 0x%llx, start or extent not aligned to region '%s' page size 0x%llx",
		     (unsigned long long)paddr, r->name, (unsigned long long)r->pagesz);
	} else if (paddr + extent < paddr || !aspace_md_umem_ok(paddr, extent)) {
		kerr("aspace_map_pmem: [0x%llx, +0x%llx) is not allocated user memory (UMEM)",
		     (unsigned long long)paddr, (unsigned long long)extent);
		rc = -LWK_EPERM;
	} else {
		rc = map_checked_locked(as, r, paddr, start, extent);
	}
	aspace_md_unlock();
	return rc;
}

int aspace_smartmap(uint32_t src_id, uint32_t dst_id, uint64_t start, uint64_t extent)
{
	int rc = -LWK_EINVAL;
	aspace_md_lock();
	struct aspace *src = find_locked(src_id), *dst = find_locked(dst_id);
	if (!src || src->dying || !dst || dst->dying) {
		kerr("aspace_smartmap: no aspace %u", (!src || src->dying) ? src_id : dst_id);
		rc = -LWK_ENOENT;
	} else if (src == dst) {
		kerr("aspace_smartmap: source and destination are both aspace %u", src_id);
	} else if (range_ok("aspace_smartmap", start, extent, LWK_SMARTMAP_SLOT)) {
		unsigned first = start >> SLOT_SHIFT, n = extent >> SLOT_SHIFT;
		/* Give the source a PDPT in each slot now, so that what it maps
		 * later shows through the shared tables. */
		for (unsigned i = 0; i < n; i++)
			if (!pt_next(src->pml4, i, 1)) {
				kerr("aspace_smartmap: no kmem for aspace %u's tables", src_id);
				rc = -LWK_ENOMEM;
				goto out;
			}
		rc = region_add_locked(dst, start, extent, LWK_VM_READ | LWK_VM_WRITE |
				       LWK_VM_SMARTMAP, LWK_SMARTMAP_SLOT, src->name);
		if (rc)
			goto out;
		dst->region[dst->nregions - 1].smartmap_src = src_id;
		for (unsigned i = 0; i < n; i++)
			dst->pml4[first + i] = src->pml4[i];
		src->refs++;
	}
out:
	aspace_md_unlock();
	return rc;
}

int aspace_user_ok(struct aspace *as, uint64_t v, uint64_t len, int write)
{
	if (len == 0)
		return 1;
	if (v >= LWK_USER_TOP || len > LWK_USER_TOP - v)
		return 0;
	uint64_t end = v + len;
	for (uint64_t p = v & ~(LWK_PAGE_4K - 1); p < end; p += LWK_PAGE_4K) {
		uint64_t e = 0;
		if (!aspace_translate(as, p, &e) || !(e & PTE_U) || (write && !(e & PTE_W)))
			return 0;
	}
	return 1;
}

/* ---- taking things apart ---- */

/* Clear every leaf of r (their tables stay until the aspace goes). */
static void region_unmap_locked(struct aspace *as, const struct aspace_region *r)
{
	if (r->flags & LWK_VM_SMARTMAP) {
		for (uint64_t v = r->start; v < r->end; v += LWK_SMARTMAP_SLOT)
			as->pml4[v >> SLOT_SHIFT] = 0;
		return;
	}
	for (uint64_t v = r->start; v < r->end; v += r->pagesz) {
		uint64_t *e = leaf(as, v, r->pagesz, 0);
		if (e)
			*e = 0;
	}
}

int aspace_del_region(uint32_t id, uint64_t start, uint64_t extent)
{
	int rc = -LWK_EINVAL;
	uint64_t cr3 = 0;
	aspace_md_lock();
	struct aspace *as = find_locked(id);
	int i = 0;
	if (!as || as->dying) {
		kerr("aspace_del_region: no aspace %u", id);
		rc = -LWK_ENOENT;
		goto out;
	}
	while (i < as->nregions && (as->region[i].start != start ||
				    as->region[i].end - as->region[i].start != extent))
		i++;
	if (i == as->nregions) {
		kerr("aspace_del_region: aspace %u has no region [0x%llx, +0x%llx)", id,
		     (unsigned long long)start, (unsigned long long)extent);
		goto out;
	}
	struct aspace_region r = as->region[i];
	region_unmap_locked(as, &r);
	if (r.start == as->brk_lo && as->heap_end == r.end)
		as->brk_lo = as->brk = as->mmap_lo = as->heap_end = as->heap_pagesz =
			as->mmap_holes = 0;
	for (as->nregions--; i < as->nregions; i++)
		as->region[i] = as->region[i + 1];
	if (r.flags & LWK_VM_SMARTMAP) {
		struct aspace *src = find_locked(r.smartmap_src);
		if (src)
			put_locked(src);
	}
	cr3 = as->cr3;
	rc = 0;
out:
	aspace_md_unlock();
	if (cr3)
		aspace_md_flush(cr3);
	return rc;
}

/* Does entry e at `level` (3 = a top-level entry, 0 = a 4 KiB leaf), or
 * any entry below it, refer to memory in [pa, end)?  A leaf counts even
 * with its present bit clear: the heap may make it present again. */
static int refers(uint64_t e, int level, uint64_t pa, uint64_t end)
{
	if (!e)
		return 0;
	if (level == 0 || (level == 1 && (e & PTE_PS))) {
		uint64_t size = level ? LWK_PAGE_2M : LWK_PAGE_4K, a = e & PTE_ADDR & ~(size - 1);
		return a < end && pa < a + size;
	}
	if (!(e & PTE_P))
		return 0;
	const uint64_t *t = aspace_md_va(e & PTE_ADDR);
	for (int i = 0; i < 512; i++)
		if (refers(t[i], level - 1, pa, end))
			return 1;
	return 0;
}

int aspace_pmem_mapped(uint64_t pa, uint64_t len)
{
	int found = 0;
	aspace_md_lock();
	/* Every live aspace, dying ones too (a SMARTMAP may still show them);
	 * SMARTMAP slots are skipped: they are their source's own tables. */
	for (int i = 0; i < ASPACE_MAX && !found; i++) {
		struct aspace *as = &aspaces[i];
		for (unsigned s = 0; as->id && s < USER_SLOTS && !found; s++)
			found = !slot_is_smartmap(as, s) && refers(as->pml4[s], 3, pa, pa + len);
	}
	aspace_md_unlock();
	return found;
}

/*
 * Host test of kernel/mm/aspace.c: regions, overlap and alignment errors,
 * 4 KiB and 2 MiB mappings, the UMEM rule, the shared kernel half,
 * SMARTMAP, user-pointer checks, that destroy frees every page-table
 * page, and taking apart: aspace_del_region and aspace_pmem_mapped.  The machine layer is simulated: "physical" addresses are host
 * addresses of pages from aligned_alloc; UMEM is a fixed fake range.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "uapi/lwk.h"
#include "lwk/aspace.h"
#include "tap.h"

#define UMEM_LO 0x40000000ull
#define UMEM_HI 0x80000000ull

static int pages_live;
static char last_err[256];
static uint64_t kpml4[512];

void *aspace_md_page_alloc(void)
{
	void *p = aligned_alloc(4096, 4096);
	if (p) {
		memset(p, 0, 4096);
		pages_live++;
	}
	return p;
}
void aspace_md_page_free(void *p) { free(p); pages_live--; }
uint64_t aspace_md_pa(const void *v) { return (uint64_t)(uintptr_t)v; }
void *aspace_md_va(uint64_t pa) { return (void *)(uintptr_t)pa; }
int aspace_md_umem_ok(uint64_t pa, uint64_t len) { return pa >= UMEM_LO && pa + len <= UMEM_HI; }
const uint64_t *aspace_md_kernel_pml4(void) { return kpml4; }
void aspace_md_lock(void) {}
void aspace_md_unlock(void) {}
static uint64_t flushed_cr3;
static int flushes;
void aspace_md_flush(uint64_t cr3) { flushed_cr3 = cr3; flushes++; }
void kerr(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_err, sizeof last_err, fmt, ap);
	va_end(ap);
}

/* ok(), and when it fails the last kerr() message. */
#define check(cond, ...) (ok(cond, __VA_ARGS__) || (printf("# last kerr: %s\n", last_err), 0))
static int err_has(const char *s) { return strstr(last_err, s) != NULL; }

#define RW (LWK_VM_READ | LWK_VM_WRITE)
#define RX (LWK_VM_READ | LWK_VM_EXEC)

static struct aspace *get(uint32_t id)
{
	struct aspace *as = aspace_get(id);
	aspace_put(as);
	return as;
}

static void test_regions(void)
{
	uint32_t id, id2;
	check(aspace_create(0, "app", 1, &id) == 0 && id != 0, "create gives an id");
	check(aspace_create(id, "dup", 1, &id2) == -LWK_EEXIST && err_has("already in use"),
	   "create with an id in use fails EEXIST");
	struct aspace *as = get(id);
	check(as && as->pml4[300] == kpml4[300] && as->pml4[511] == kpml4[511] && as->pml4[0] == 0,
	   "kernel half copied, user half empty");
	check(aspace_add_region(id, 0x400000, 0x10000, RX, LWK_PAGE_4K, "text") == 0, "add text");
	check(aspace_add_region(id, 0x408000, 0x1000, RW, LWK_PAGE_4K, "data") == -LWK_EEXIST &&
	   err_has("overlaps region 'text'"), "overlap is EEXIST naming the region");
	check(aspace_add_region(id, 0x3ff000, 0x2000, RW, LWK_PAGE_4K, "x") == -LWK_EEXIST,
	   "overlap at the start edge");
	check(aspace_add_region(id, 0x410000, 0x1000, RW, LWK_PAGE_4K, "data") == 0,
	   "adjacent region is fine");
	check(aspace_add_region(id, 0x500800, 0x1000, RW, LWK_PAGE_4K, "x") == -LWK_EINVAL &&
	   err_has("not aligned"), "misaligned start");
	check(aspace_add_region(id, 0x601000, 0x200000, RW, LWK_PAGE_2M, "x") == -LWK_EINVAL,
	   "2 MiB region at a 4 KiB boundary");
	check(aspace_add_region(id, 0x600000, 0x1000, RW, 0x3000, "x") == -LWK_EINVAL &&
	   err_has("neither"), "bad page size");
	check(aspace_add_region(id, 0, 0x1000, RW, LWK_PAGE_4K, "x") == -LWK_EINVAL &&
	   err_has("outside user space"), "region at address 0");
	check(aspace_add_region(id, LWK_USER_TOP - 0x1000, 0x2000, RW, LWK_PAGE_4K, "x") ==
	   -LWK_EINVAL, "region past the user top");
	check(aspace_add_region(id, 0x1000, 0xfffffffffffff000ull, RW, LWK_PAGE_4K, "x") ==
	   -LWK_EINVAL, "extent that wraps around");
	check(aspace_add_region(id, 0x600000, 0, RW, LWK_PAGE_4K, "x") == -LWK_EINVAL &&
	   err_has("extent is 0"), "empty region");
	check(aspace_add_region(id, 0x600000, 0x1000, LWK_VM_WRITE, LWK_PAGE_4K, "x") ==
	   -LWK_EINVAL && err_has("flags"), "region without READ");
	check(aspace_add_region(id, 0x600000, 0x1000, RW | LWK_VM_SMARTMAP, LWK_PAGE_4K, "x") ==
	   -LWK_EINVAL, "users cannot ask for SMARTMAP");
	check(aspace_add_region(999, 0x600000, 0x1000, RW, LWK_PAGE_4K, "x") == -LWK_ENOENT &&
	   err_has("no aspace 999"), "unknown aspace");
	check(aspace_destroy(id) == 0 && pages_live == 0 && aspace_count() == 0,
	   "destroy frees the top-level table");
}

static void test_mapping(void)
{
	uint32_t id;
	aspace_create(0, "m", 1, &id);
	struct aspace *as = get(id);
	aspace_add_region(id, 0x400000, 0x4000, RX, LWK_PAGE_4K, "text");
	aspace_add_region(id, 0x800000, 0x400000, RW, LWK_PAGE_2M, "heap");
	check(aspace_map_pmem(id, UMEM_LO, 0x500000, 0x1000) == -LWK_EINVAL &&
	   err_has("not inside one region"), "map outside any region");
	check(aspace_map_pmem(id, UMEM_LO, 0x402000, 0x4000) == -LWK_EINVAL,
	   "map running past the region's end");
	check(aspace_map_pmem(id, 0x1000, 0x400000, 0x1000) == -LWK_EPERM && err_has("UMEM"),
	   "map memory that is not UMEM");
	check(aspace_map_pmem(id, UMEM_LO + 0x1000, 0x800000, 0x200000) == -LWK_EINVAL &&
	   err_has("page size 0x200000"), "paddr misaligned for a 2 MiB region");
	check(aspace_map_pmem(id, UMEM_LO, 0x400000, 0x4000) == 0, "map text");
	uint64_t pte = 0;
	check(aspace_translate(as, 0x401234, &pte) == UMEM_LO + 0x1234 && (pte & PTE_U) &&
	   !(pte & PTE_W) && !(pte & PTE_NX), "text translates, user, read-only, executable");
	check(aspace_map_pmem(id, UMEM_LO + 0x8000, 0x401000, 0x1000) == -LWK_EEXIST &&
	   err_has("already mapped"), "double map is EEXIST");
	check(aspace_map_pmem(id, UMEM_LO + 0x200000, 0x800000, 0x400000) == 0, "map 2 MiB heap");
	check(aspace_translate(as, 0xa12345, &pte) == UMEM_LO + 0x412345 && (pte & PTE_PS) &&
	   (pte & PTE_W) && (pte & PTE_NX), "2 MiB page: large leaf, writable, no-exec");
	check(as->brk_lo == 0x800000 && as->mmap_lo == 0xc00000, "heap region sets brk and mmap bounds");
	check(aspace_user_ok(as, 0x400ff0, 0x20, 0) && !aspace_user_ok(as, 0x400ff0, 0x20, 1),
	   "user_ok: text readable, not writable");
	check(!aspace_user_ok(as, 0x403ff0, 0x20, 0), "user_ok: range running off a region");
	check(!aspace_user_ok(as, 0xfffffffffffffff0ull, 0x20, 0) &&
	   !aspace_user_ok(as, LWK_USER_TOP - 8, 16, 0), "user_ok: wrapping and kernel addresses");
	check(aspace_user_ok(as, 0x900000, 0x100000, 1), "user_ok: heap writable");
	check(aspace_translate(as, 0x404000, NULL) == 0, "nothing mapped past text");
	check(aspace_protect(as, 0x400000, 0x1000, LWK_VM_READ | LWK_VM_WRITE) == -LWK_EACCES,
	   "protect: writable text is more than the region allows: EACCES");
	check(aspace_protect(as, 0x800000, 0x1000, LWK_VM_READ) == -LWK_EINVAL,
	   "protect: part of a 2 MiB page: EINVAL");
	check(aspace_protect(as, 0x800000, 0x200000, LWK_VM_READ) == 0 &&
	   aspace_user_ok(as, 0x800000, 8, 0) && !aspace_user_ok(as, 0x800000, 8, 1) &&
	   aspace_user_ok(as, 0xa00000, 8, 1), "protect: one 2 MiB page read-only, its neighbour not");
	check(aspace_protect(as, 0x400000, 0x1000, 0) == 0 && !aspace_user_ok(as, 0x400000, 1, 0) &&
	   aspace_user_ok(as, 0x401000, 1, 0) &&
	   aspace_protect(as, 0x3ff000, 0x2000, LWK_VM_READ) == -LWK_ENOMEM &&
	   !aspace_user_ok(as, 0x400000, 1, 0),
	   "protect: no access; a range reaching outside the regions ENOMEM, nothing changed");
	aspace_destroy(id);
	check(pages_live == 0, "destroy frees every page-table page");
}

static void test_smartmap(void)
{
	uint32_t a, b;
	aspace_create(0, "a", 1, &a);
	aspace_create(0, "b", 1, &b);
	struct aspace *as_a = get(a), *as_b = get(b);
	aspace_add_region(a, 0x400000, 0x10000, RW, LWK_PAGE_4K, "data");
	aspace_map_pmem(a, UMEM_LO, 0x400000, 0x1000);
	check(aspace_smartmap(a, b, LWK_SMARTMAP_SLOT + 0x1000, LWK_SMARTMAP_SLOT) == -LWK_EINVAL,
	   "smartmap at an unaligned slot");
	check(aspace_smartmap(a, a, LWK_SMARTMAP_SLOT, LWK_SMARTMAP_SLOT) == -LWK_EINVAL,
	   "smartmap into itself");
	check(aspace_smartmap(a, b, LWK_SMARTMAP_SLOT, LWK_SMARTMAP_SLOT) == 0, "smartmap a into b");
	check(aspace_translate(as_b, LWK_SMARTMAP_SLOT + 0x400010, NULL) == UMEM_LO + 0x10,
	   "a's page seen through b");
	aspace_map_pmem(a, UMEM_LO + 0x5000, 0x401000, 0x1000);
	check(aspace_translate(as_b, LWK_SMARTMAP_SLOT + 0x401000, NULL) == UMEM_LO + 0x5000,
	   "a later mapping in a shows through b");
	check(aspace_smartmap(a, b, LWK_SMARTMAP_SLOT, LWK_SMARTMAP_SLOT) == -LWK_EEXIST,
	   "a second smartmap over the same slot overlaps");
	check(aspace_map_pmem(b, UMEM_LO, LWK_SMARTMAP_SLOT, 0x1000) == -LWK_EINVAL,
	   "map_pmem into a smartmap region is refused");
	check(aspace_destroy(a) == 0 && aspace_count() == 2 && as_a->id == a,
	   "destroying the source waits for the smartmap's reference");
	check(aspace_get(a) == NULL, "a dying aspace cannot be used");
	check(aspace_destroy(b) == 0 && aspace_count() == 0 && pages_live == 0,
	   "destroying the destination frees both, every page");
	(void)as_a;
}

static void test_limits(void)
{
	uint32_t ids[ASPACE_MAX], extra;
	int good = 1;
	for (int i = 0; i < ASPACE_MAX; i++)
		good &= aspace_create(0, "x", 1, &ids[i]) == 0;
	check(good && aspace_create(0, "x", 1, &extra) == -LWK_ENOMEM && err_has("in use"),
	   "the aspace table is full at ASPACE_MAX");
	for (int i = 0; i < ASPACE_MAX; i++)
		aspace_destroy(ids[i]);
	aspace_create(0, "r", 1, &extra);
	good = 1;
	for (int i = 0; i < ASPACE_MAX_REGIONS; i++)
		good &= aspace_add_region(extra, 0x100000ull * (i + 1), 0x1000, RW,
					  LWK_PAGE_4K, "r") == 0;
	check(good && aspace_add_region(extra, 0x10000000, 0x1000, RW, LWK_PAGE_4K, "r") ==
	   -LWK_ENOMEM, "regions per aspace are bounded");
	struct aspace *as = aspace_get(extra);
	check(aspace_destroy(extra) == 0 && aspace_count() == 1, "a task's reference keeps it alive");
	aspace_put(as);
	check(aspace_count() == 0 && pages_live == 0, "the last put frees it");
	check(aspace_destroy(extra) == -LWK_ENOENT, "destroying twice is ENOENT");
}

static void test_teardown(void)
{
	uint32_t a, b;
	aspace_create(0, "a", 1, &a);
	struct aspace *as = get(a);
	aspace_add_region(a, 0x400000, 0x4000, RX, LWK_PAGE_4K, "text");
	aspace_add_region(a, 0x800000, 0x400000, RW, LWK_PAGE_2M, "big");
	aspace_map_pmem(a, UMEM_LO, 0x400000, 0x4000);
	aspace_map_pmem(a, UMEM_LO + 0x200000, 0x800000, 0x400000);
	check(aspace_pmem_mapped(UMEM_LO, 0x1000) && aspace_pmem_mapped(UMEM_LO + 0x3000, 0x2000) &&
	   !aspace_pmem_mapped(UMEM_LO + 0x4000, 0x1000),
	   "pmem_mapped: the 4 KiB pages mapped, not the page after them");
	check(aspace_pmem_mapped(UMEM_LO + 0x5ff000, 0x1000) && !aspace_pmem_mapped(UMEM_LO + 0x600000, 0x1000),
	   "pmem_mapped: inside a 2 MiB page, not after the last");
	uint64_t *e = aspace_leaf_locked(as, 0x401000, LWK_PAGE_4K);
	*e &= ~PTE_P;     /* as heap.c's munmap does */
	check(aspace_translate(as, 0x401000, NULL) == 0 && aspace_pmem_mapped(UMEM_LO + 0x1000, 0x1000),
	   "a leaf with its present bit cleared still holds its memory");
	check(aspace_map_pmem(a, UMEM_LO + 0x10000, 0x401000, 0x1000) == -LWK_EEXIST,
	   "mapping over such a leaf is EEXIST");
	check(aspace_del_region(a, 0x400000, 0x2000) == -LWK_EINVAL && err_has("no region"),
	   "del_region with other bounds than the region's: EINVAL");
	check(aspace_del_region(999, 0x400000, 0x4000) == -LWK_ENOENT, "del_region of no aspace: ENOENT");
	flushes = 0;
	check(aspace_del_region(a, 0x400000, 0x4000) == 0 && as->nregions == 1 &&
	   aspace_translate(as, 0x400000, NULL) == 0 && !aspace_pmem_mapped(UMEM_LO, 0x4000) &&
	   flushes == 1 && flushed_cr3 == as->cr3,
	   "del_region unmaps every page, frees the slot and flushes the aspace's TLBs");
	check(aspace_add_region(a, 0x400000, 0x4000, RX, LWK_PAGE_4K, "text") == 0 &&
	   aspace_map_pmem(a, UMEM_LO, 0x400000, 0x4000) == 0, "the range can be added and mapped again");
	aspace_create(0, "b", 1, &b);
	check(aspace_smartmap(a, b, LWK_SMARTMAP_SLOT, LWK_SMARTMAP_SLOT) == 0 && aspace_destroy(a) == 0 &&
	   aspace_count() == 2 && aspace_pmem_mapped(UMEM_LO, 0x1000),
	   "a destroyed aspace another one SMARTMAPs keeps its memory mapped");
	check(aspace_del_region(b, LWK_SMARTMAP_SLOT, LWK_SMARTMAP_SLOT) == 0 && aspace_count() == 1 &&
	   !aspace_pmem_mapped(UMEM_LO, 0x800000) && get(b)->pml4[1] == 0,
	   "deleting the SMARTMAP region lets it go: its memory is no longer mapped");
	aspace_destroy(b);
	check(aspace_count() == 0 && pages_live == 0, "every page-table page freed");
}

int main(void)
{
	for (int i = 256; i < 512; i++)
		kpml4[i] = 0x1000ull * i | PTE_P;
	tap_plan(64);
	test_regions();
	test_mapping();
	test_smartmap();
	test_limits();
	test_teardown();
	return tap_done();
}

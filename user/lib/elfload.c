/*
 * Loading a static ELF64 executable into a new address space, with the
 * LWK calls only (seed 002): pmem_alloc for physical memory,
 * aspace_add_region + aspace_map_pmem to bind it, and aspace_smartmap so
 * the loader sees the new aspace's memory in its own (at slot * 512 GiB).
 * Everything the program uses lies in the first 512 GiB: text and data
 * where the ELF says, then the heap, then the stack, so one SMARTMAP slot
 * shows it all.  SMARTMAP shares the program's own page permissions, so
 * read-only segments are written through a second, writable mapping of
 * the same memory in the loader's aspace ("load" regions at STAGE).
 */
#include "ulib.h"

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PAGE 4096ull
#define STACK_SIZE (256ull << 10)
#define STAGE 0x600000000000ull      /* + slot * 8 GiB: the loader's staging views */

struct ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static uint64_t up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

/* A region [start, start+size) backed by fresh UMEM; *pa its memory. */
static long region(struct spawn *sp, uint64_t start, uint64_t size, uint32_t flags,
		   const char *name, uint64_t *pa)
{
	struct lwk_pmem_region r;
	long rc = pmem_alloc(size, PAGE, &r);
	if (rc) {
		printf("elf_spawn: pmem_alloc %s (%llu bytes): %s\n", name,
		       (unsigned long long)size, strerror(rc));
		return rc;
	}
	if ((rc = aspace_add_region(sp->aspace, start, size, flags, LWK_PAGE_4K, name)) ||
	    (rc = aspace_map_pmem(sp->aspace, r.start, start, size)))
		printf("elf_spawn: mapping %s at 0x%llx: %s\n", name, (unsigned long long)start,
		       strerror(rc));
	*pa = r.start;
	return rc;
}

/* A writable view of [pa, pa+size) in the caller's own aspace. */
static uint8_t *stage(unsigned slot, uint64_t lo, uint64_t pa, uint64_t size)
{
	uint64_t at = STAGE + slot * (8ull << 30) + lo;
	uint32_t self = (uint32_t)getpid();
	long rc = aspace_add_region(self, at, size, LWK_VM_READ | LWK_VM_WRITE, LWK_PAGE_4K, "load");
	if (!rc)
		rc = aspace_map_pmem(self, pa, at, size);
	if (rc) {
		printf("elf_spawn: staging view at 0x%llx: %s\n", (unsigned long long)at, strerror(rc));
		return NULL;
	}
	return (uint8_t *)at;
}

static long check(const uint8_t *img, size_t len, const struct ehdr **eh)
{
	const struct ehdr *h = (const void *)img;
	if (len < sizeof *h || memcmp(h->ident, "\x7f" "ELF", 4) || h->ident[4] != 2 ||
	    h->machine != 62 || h->type != 2 || h->phentsize != sizeof(struct phdr) ||
	    h->phoff > len || (uint64_t)h->phnum * sizeof(struct phdr) > len - h->phoff) {
		printf("elf_spawn: not a static x86-64 ELF64 executable\n");
		return -LWK_EINVAL;
	}
	*eh = h;
	return 0;
}

static long load_segments(struct spawn *sp, unsigned slot, const uint8_t *img, size_t len,
			  const struct ehdr *h, uint64_t *end)
{
	const struct phdr *ph = (const void *)(img + h->phoff);
	for (unsigned i = 0; i < h->phnum; i++) {
		const struct phdr *p = &ph[i];
		if (p->type != PT_LOAD)
			continue;
		uint64_t lo = p->vaddr & ~(PAGE - 1), hi = up(p->vaddr + p->memsz, PAGE);
		if (p->filesz > p->memsz || p->offset > len || p->filesz > len - p->offset ||
		    hi <= lo || hi > LWK_SMARTMAP_SLOT) {
			printf("elf_spawn: segment %u is malformed\n", i);
			return -LWK_EINVAL;
		}
		uint32_t fl = LWK_VM_READ | (p->flags & PF_W ? LWK_VM_WRITE : 0) |
			      (p->flags & PF_X ? LWK_VM_EXEC : 0);
		uint64_t pa;
		long rc = region(sp, lo, hi - lo, fl, p->flags & PF_X ? "text" : "data", &pa);
		if (rc)
			return rc;
		uint8_t *v = stage(slot, lo, pa, hi - lo);
		if (!v)
			return -LWK_ENOMEM;
		memset(v, 0, hi - lo);
		memcpy(v + (p->vaddr - lo), img + p->offset, p->filesz);
		if (hi > *end)
			*end = hi;
	}
	return 0;
}

long elf_spawn(const void *img, size_t len, const char *name, unsigned slot, uint32_t cpu,
	       int32_t prio, uint64_t arg0, uint64_t heap_size, struct spawn *sp)
{
	const struct ehdr *h;
	long rc = check(img, len, &h);
	if (rc)
		return rc;
	memset(sp, 0, sizeof *sp);
	if ((rc = aspace_create(name)) < 0) {
		printf("elf_spawn: aspace_create: %s\n", strerror(rc));
		return rc;
	}
	sp->aspace = (uint32_t)rc;
	sp->window = (uint8_t *)(slot * LWK_SMARTMAP_SLOT);
	if ((rc = aspace_smartmap(sp->aspace, (uint32_t)getpid(), slot * LWK_SMARTMAP_SLOT,
				  LWK_SMARTMAP_SLOT))) {
		printf("elf_spawn: smartmap into slot %u: %s\n", slot, strerror(rc));
		return rc;
	}
	uint64_t end = 0;
	if ((rc = load_segments(sp, slot, img, len, h, &end)))
		return rc;
	sp->heap = up(end, 2ull << 20) + (2ull << 20);
	sp->heap_size = up(heap_size, PAGE);
	sp->stack_top = up(sp->heap + sp->heap_size, 2ull << 20) + (2ull << 20) + STACK_SIZE;
	uint64_t pa;
	if ((rc = region(sp, sp->heap, sp->heap_size, LWK_VM_READ | LWK_VM_WRITE, "heap", &pa)) ||
	    (rc = region(sp, sp->stack_top - STACK_SIZE, STACK_SIZE, LWK_VM_READ | LWK_VM_WRITE,
			 "stack", &pa)))
		return rc;
	memset(sp->window + sp->stack_top - 64, 0, 64);   /* argc 0, argv NULL */
	struct lwk_start_state st = { .aspace_id = sp->aspace, .cpu_id = cpu,
				      .entry_point = h->entry, .stack_ptr = sp->stack_top - 32,
				      .use_args = 1, .arg = { arg0 }, .prio = prio };
	strncpy(st.task_name, name, sizeof st.task_name - 1);
	if ((rc = task_create(&st)) < 0) {
		printf("elf_spawn: task_create: %s\n", strerror(rc));
		return rc;
	}
	sp->tid = (uint32_t)rc;
	return 0;
}

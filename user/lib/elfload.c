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
#include <lwk/elf.h>
#include "ulib.h"

#define PAGE 4096ull
#define STACK_SIZE (256ull << 10)
#define ARGS_ROOM (64ull << 10)      /* of the stack, for argv, envp and auxv */
#define STAGE 0x600000000000ull      /* + slot * 8 GiB: the loader's staging views */

static uint64_t up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

/* A region [start, start+size) backed by fresh UMEM, recorded in sp. */
static long region(struct spawn *sp, uint64_t start, uint64_t size, uint32_t flags,
		   const char *name)
{
	struct lwk_pmem_region r;
	long rc = sp->nmem == SPAWN_MAX_MEM ? -LWK_ENOMEM : pmem_alloc(size, PAGE, &r);
	if (rc) {
		printf("elf_spawn: pmem_alloc %s (%llu bytes): %s\n", name,
		       (unsigned long long)size, strerror(rc));
		return rc;
	}
	sp->mem[sp->nmem].start = r.start;
	sp->mem[sp->nmem].end = r.end;
	sp->mem[sp->nmem++].stage = 0;
	if ((rc = aspace_add_region(sp->aspace, start, size, flags, LWK_PAGE_4K, name)) ||
	    (rc = aspace_map_pmem(sp->aspace, r.start, start, size)))
		printf("elf_spawn: mapping %s at 0x%llx: %s\n", name, (unsigned long long)start,
		       strerror(rc));
	return rc;
}

/* A writable view of the last allocation in the caller's own aspace. */
static uint8_t *stage(struct spawn *sp, unsigned slot, uint64_t lo)
{
	uint64_t at = STAGE + slot * (8ull << 30) + lo;
	uint64_t pa = sp->mem[sp->nmem - 1].start, size = sp->mem[sp->nmem - 1].end - pa;
	uint32_t self = (uint32_t)getpid();
	long rc = aspace_add_region(self, at, size, LWK_VM_READ | LWK_VM_WRITE, LWK_PAGE_4K, "load");
	if (!rc) {
		sp->mem[sp->nmem - 1].stage = at;   /* the region exists: spawn_free removes it */
		rc = aspace_map_pmem(self, pa, at, size);
	}
	if (rc) {
		printf("elf_spawn: staging view at 0x%llx: %s\n", (unsigned long long)at, strerror(rc));
		return NULL;
	}
	return (uint8_t *)at;
}

/* Every PT_LOAD segment of im in a region of its own, inside the first
 * SMARTMAP slot; *end is the highest page end. */
static long load_segments(struct spawn *sp, unsigned slot, const struct elf_image *im,
			  uint64_t *end)
{
	struct elf_segment seg;
	unsigned i = 0;
	int r;

	while ((r = elf_segment_next(im, &i, LWK_SMARTMAP_SLOT, &seg)) > 0) {
		uint64_t size = seg.hi - seg.lo;
		long rc = region(sp, seg.lo, size, seg.vm_flags,
				 seg.vm_flags & LWK_VM_EXEC ? "text" : "data");
		if (rc)
			return rc;
		uint8_t *v = stage(sp, slot, seg.lo);
		if (!v)
			return -LWK_ENOMEM;
		memset(v, 0, size);
		memcpy(v + (seg.vaddr - seg.lo), seg.data, seg.filesz);
		if (seg.hi > *end)
			*end = seg.hi;
	}
	if (r < 0) {
		printf("elf_spawn: segment %u is malformed\n", seg.index);
		return -LWK_EINVAL;
	}
	return 0;
}

/* Everything elf_spawn built after the aspace was made. */
static long spawn_build(struct spawn *sp, const struct elf_image *im, const char *name,
			unsigned slot, uint32_t cpu, int32_t prio, uint64_t arg0, uint64_t heap_size,
			const char *const *argv, const char *const *envp)
{
	long rc;
	if ((rc = aspace_smartmap(sp->aspace, (uint32_t)getpid(), slot * LWK_SMARTMAP_SLOT,
				  LWK_SMARTMAP_SLOT))) {
		printf("elf_spawn: smartmap into slot %u: %s\n", slot, strerror(rc));
		return rc;
	}
	sp->window = (uint8_t *)(slot * LWK_SMARTMAP_SLOT);
	uint64_t end = 0;
	if ((rc = load_segments(sp, slot, im, &end)))
		return rc;
	sp->heap = up(end, 2ull << 20) + (2ull << 20);
	sp->heap_size = up(heap_size, PAGE);
	sp->stack_top = up(sp->heap + sp->heap_size, 2ull << 20) + (2ull << 20) + STACK_SIZE;
	if ((rc = region(sp, sp->heap, sp->heap_size, LWK_VM_READ | LWK_VM_WRITE, "heap")) ||
	    (rc = region(sp, sp->stack_top - STACK_SIZE, STACK_SIZE, LWK_VM_READ | LWK_VM_WRITE,
			 "stack")))
		return rc;
	uint64_t rsp;
	if ((rc = initstack_build(sp->window, sp->stack_top, ARGS_ROOM, im, argv, envp, &rsp))) {
		printf("elf_spawn: %s: arguments and environment: %s\n", name, strerror(rc));
		return rc;
	}
	/* rdx 0: no function for atexit (what the ABI says rdx holds at entry) */
	sp->start = (struct lwk_start_state){ .aspace_id = sp->aspace, .cpu_id = cpu,
					      .entry_point = im->h->entry, .stack_ptr = rsp,
					      .use_args = 1, .arg = { arg0 }, .prio = prio };
	strncpy(sp->start.task_name, name, sizeof sp->start.task_name - 1);
	return 0;
}

long spawn_start(struct spawn *sp)
{
	long rc = task_create(&sp->start);
	if (rc < 0) {
		printf("elf_spawn: task_create: %s\n", strerror(rc));
		return rc;
	}
	sp->tid = (uint32_t)rc;
	return 0;
}

long elf_spawn(const void *img, size_t len, const char *name, unsigned slot, uint32_t cpu,
	       int32_t prio, uint64_t arg0, uint64_t heap_size, struct spawn *sp)
{
	const char *argv[] = { name, NULL }, *envp[] = { NULL };
	return elf_spawn_args(img, len, name, slot, cpu, prio, arg0, heap_size, argv, envp, sp);
}

long elf_spawn_args(const void *img, size_t len, const char *name, unsigned slot, uint32_t cpu,
		    int32_t prio, uint64_t arg0, uint64_t heap_size, const char *const *argv,
		    const char *const *envp, struct spawn *sp)
{
	long rc = elf_load_args(img, len, name, slot, cpu, prio, arg0, heap_size, argv, envp, sp);
	if (rc == 0 && (rc = spawn_start(sp)))
		spawn_free(sp);   /* no task started: nothing can be busy */
	return rc;
}

long elf_load_args(const void *img, size_t len, const char *name, unsigned slot, uint32_t cpu,
		   int32_t prio, uint64_t arg0, uint64_t heap_size, const char *const *argv,
		   const char *const *envp, struct spawn *sp)
{
	struct elf_image im;
	const char *bad = elf_check(img, len, &im);
	if (bad) {
		printf("elf_spawn: %s: %s\n", name, bad);
		return -LWK_EINVAL;
	}
	memset(sp, 0, sizeof *sp);
	long rc;
	if ((rc = aspace_create(name)) < 0) {
		printf("elf_spawn: aspace_create: %s\n", strerror(rc));
		return rc;
	}
	sp->aspace = (uint32_t)rc;
	rc = spawn_build(sp, &im, name, slot, cpu, prio, arg0, heap_size, argv, envp);
	if (rc)
		spawn_free(sp);   /* no task started: nothing can be busy */
	return rc;
}

/*
 * The order matters: the aspace goes first (refused while its tasks
 * run), then the caller's views, which keep the memory mapped, and the
 * memory last: the kernel frees no memory that an aspace still maps.
 */
long spawn_free(struct spawn *sp)
{
	uint32_t self = (uint32_t)getpid();
	long rc = sp->aspace ? aspace_destroy(sp->aspace) : 0, freed = 0;
	if (rc)
		return rc;
	sp->aspace = 0;
	if (sp->window && (rc = aspace_del_region(self, (uint64_t)sp->window, LWK_SMARTMAP_SLOT)))
		return rc;
	sp->window = NULL;
	for (; sp->nmem > 0; sp->nmem--) {
		uint64_t s = sp->mem[sp->nmem - 1].start, e = sp->mem[sp->nmem - 1].end;
		uint64_t *at = &sp->mem[sp->nmem - 1].stage;
		if (*at && (rc = aspace_del_region(self, *at, e - s)))
			return rc;
		*at = 0;
		if ((rc = pmem_free(s, e)))
			return rc;
		freed += (long)(e - s);
	}
	return freed;
}

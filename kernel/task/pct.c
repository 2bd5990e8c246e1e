/*
 * Starting the PCT: the GRUB module whose command line starts with "pct"
 * is a static ELF64 executable.  Each PT_LOAD segment becomes a region
 * backed by its own UMEM allocation; a heap (region "heap",
 * init_heap_size) and a stack (init_stack_size) are added, everything is
 * mapped, and the task starts privileged on CPU 0.  kmain then waits for
 * it: when the PCT ends, so does the node.
 */
#include <lwk/kcore.h>
#include <lwk/task.h>
#include <lwk/aspace.h>
#include <lwk/bootinfo.h>
#include <lwk/elf.h>
#include <lwk/params.h>
#include <lwk/pmem.h>
#include <lwk/printk.h>
#include <lwk/string.h>
#include <arch/page.h>

#define USER_STACK_TOP 0x00007ffffff00000ull

/* A region of size bytes at start, backed by fresh UMEM; returns the
 * kernel's view of that memory (zeroed) or NULL. */
static void *region_backed(uint32_t as, uint64_t start, uint64_t size, uint32_t flags,
			   const char *name)
{
	struct pmem_region r;
	if (pmem_alloc_umem(size, PAGE_SIZE, &r)) {
		printk("pct: no UMEM for %s (%llu bytes)\n", name, (unsigned long long)size);
		return NULL;
	}
	if (r.end > DIRECT_SIZE || aspace_add_region(as, start, size, flags, LWK_PAGE_4K, name) ||
	    aspace_map_pmem(as, r.start, start, size)) {
		printk("pct: cannot map %s at 0x%llx\n", name, (unsigned long long)start);
		pmem_free(r.start, r.end);
		return NULL;
	}
	void *k = phys_to_virt(r.start);
	memset(k, 0, size);
	return k;
}

/* Every PT_LOAD segment of im below limit in a region of its own;
 * *end is the highest page end. */
static int load_segments(uint32_t as, const struct elf_image *im, uint64_t limit, uint64_t *end)
{
	struct elf_segment seg;
	unsigned i = 0;
	int r;

	while ((r = elf_segment_next(im, &i, limit, &seg)) > 0) {
		uint8_t *k = region_backed(as, seg.lo, seg.hi - seg.lo, seg.vm_flags,
					   seg.vm_flags & LWK_VM_EXEC ? "text" : "data");
		if (!k)
			return -1;
		memcpy(k + (seg.vaddr - seg.lo), seg.data, seg.filesz);
		if (seg.hi > *end)
			*end = seg.hi;
	}
	if (r < 0)
		printk("pct: segment %u is malformed\n", seg.index);
	return r;
}

int kcore_run_pct(void)
{
	const struct boot_module *m = NULL;
	for (unsigned i = 0; i < bootinfo.nmodules && !m; i++)
		if (!strncmp(bootinfo.module[i].name, "pct", 3))
			m = &bootinfo.module[i];
	if (!m) {
		printk("pct: no GRUB module named pct\n");
		return -1;
	}
	const uint8_t *img = phys_to_virt(m->start);
	uint64_t size = m->end - m->start, end = 0;
	struct elf_image im;
	const char *bad = elf_check(img, size, &im);
	uint32_t as;
	if (bad) {
		printk("pct: module: %s\n", bad);
		return -1;
	}
	if (aspace_create(0, "pct", 0, &as))
		return -1;
	uint64_t hsz = (init_heap_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t ssz = (init_stack_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	int ok = load_segments(as, &im, USER_STACK_TOP - ssz, &end) == 0;
	uint64_t heap = (end + (4ull << 20)) & ~((2ull << 20) - 1);   /* a gap after the image */
	ok = ok && (!hsz || region_backed(as, heap, hsz, LWK_VM_READ | LWK_VM_WRITE, "heap"));
	ok = ok && region_backed(as, USER_STACK_TOP - ssz, ssz, LWK_VM_READ | LWK_VM_WRITE, "stack");
	if (!ok) {
		aspace_destroy(as);
		return -1;
	}
	struct lwk_start_state st = { .aspace_id = as, .cpu_id = 0, .entry_point = im.h->entry,
				      .stack_ptr = USER_STACK_TOP - 32 };
	strlcpy(st.task_name, "pct", sizeof st.task_name);
	struct task *t;
	int tid = task_create_user(&st, task_current()->tid, TASK_F_PRIVILEGED, &t);
	if (tid < 0)
		return -1;
	printk("pct: started task %d in aspace %u (entry 0x%llx)\n", tid, as,
	       (unsigned long long)im.h->entry);
	struct lwk_task_status s;
	task_join((uint32_t)tid, &s);
	aspace_destroy(as);
	printk("pct: ended: %s %d\n", s.kind == LWK_EXIT_NORMAL ? "exit status" : "fault vector",
	       s.code);
	return s.kind == LWK_EXIT_NORMAL && s.code == 0 ? 0 : -1;
}

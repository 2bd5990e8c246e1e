/*
 * Starting the PCT: the GRUB module whose command line starts with "pct"
 * is a static ELF64 executable.  Each PT_LOAD segment becomes a region
 * backed by its own UMEM allocation; a heap (region "heap",
 * init_heap_size) and a stack (init_stack_size) are added, everything is
 * mapped, and the task starts privileged on CPU 0.  kmain then waits for
 * it: when the PCT ends, its aspace is destroyed and its memory freed,
 * and so ends the node.
 *
 * The PCT's memory may lie anywhere in UMEM, also above the kernel's
 * direct map (4 GiB): the loader fills it through the PCT's own
 * addresses, with the PCT's aspace loaded (load_image).  pct_mem_above=
 * asks for memory at or above an address (default 0: the lowest free).
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
#include <arch/cpu.h>
#include <arch/page.h>

uint64_t pct_mem_above;
BOOT_PARAM_SIZE(pct_mem_above, pct_mem_above, 0, 1ull << 46);

#define USER_STACK_TOP 0x00007ffffff00000ull
#define PCT_MAX_MEM 16        /* allocations: segments, heap, stack */

/* What the PCT was given, to zero now and to free when it ends. */
static struct { uint64_t start, end, va; } mem[PCT_MAX_MEM];
static unsigned nmem;

/* A region of size bytes at start, backed by fresh UMEM (recorded in
 * mem[]); 0 or -1. */
static int region_backed(uint32_t as, uint64_t start, uint64_t size, uint32_t flags,
			 const char *name)
{
	struct pmem_region c, r;
	pmem_region_init(&c);
	c.type_is_set = true;
	c.type = PMEM_TYPE_UMEM;
	c.start = pct_mem_above;
	c.end = pct_mem_above ? ~0ull : 0;      /* both 0: anywhere */
	if (nmem == PCT_MAX_MEM || pmem_alloc(size, PAGE_SIZE, &c, &r)) {
		printk("pct: no UMEM for %s (%llu bytes)\n", name, (unsigned long long)size);
		return -1;
	}
	mem[nmem].start = r.start;
	mem[nmem].end = r.end;
	mem[nmem++].va = start;
	if (aspace_add_region(as, start, size, flags, LWK_PAGE_4K, name) ||
	    aspace_map_pmem(as, r.start, start, size)) {
		printk("pct: cannot map %s at 0x%llx\n", name, (unsigned long long)start);
		return -1;
	}
	return 0;
}

/* Every PT_LOAD segment of im below limit in a region of its own;
 * *end is the highest page end. */
static int map_segments(uint32_t as, const struct elf_image *im, uint64_t limit, uint64_t *end)
{
	struct elf_segment seg;
	unsigned i = 0;
	int r;

	while ((r = elf_segment_next(im, &i, limit, &seg)) > 0) {
		if (region_backed(as, seg.lo, seg.hi - seg.lo, seg.vm_flags,
				  seg.vm_flags & LWK_VM_EXEC ? "text" : "data"))
			return -1;
		if (seg.hi > *end)
			*end = seg.hi;
	}
	if (r < 0)
		printk("pct: segment %u is malformed\n", seg.index);
	return r;
}

/*
 * Zero every region and copy the segments in, through the PCT's own
 * mapping.  Interrupts stay off meanwhile: this kernel task has no
 * aspace, and a switch back to it would load the kernel's CR3.  Both
 * halves of the PCT's table are valid here (the kernel's is shared);
 * CR0.WP is cleared so that the kernel may write the read-only text.
 */
static void load_image(uint32_t id, const struct elf_image *im, uint64_t limit)
{
	struct aspace *as = aspace_get(id);
	struct elf_segment seg;
	unsigned i = 0;
	uint64_t flags = read_rflags(), cr3 = read_cr3(), cr0 = read_cr0();
	irq_disable();
	write_cr0(cr0 & ~CR0_WP);
	write_cr3(as->cr3);
	for (unsigned m = 0; m < nmem; m++)
		memset((void *)mem[m].va, 0, mem[m].end - mem[m].start);
	while (elf_segment_next(im, &i, limit, &seg) > 0)
		memcpy((void *)seg.vaddr, seg.data, seg.filesz);
	write_cr3(cr3);
	write_cr0(cr0);
	if (flags & RFLAGS_IF)
		irq_enable();
	aspace_put(as);
}

/* Destroy the PCT's aspace (its task has ended) and free its memory. */
static void pct_free(uint32_t as)
{
	uint64_t freed = 0;
	aspace_destroy(as);
	for (; nmem > 0; nmem--) {
		uint64_t s = mem[nmem - 1].start, e = mem[nmem - 1].end;
		if (aspace_pmem_mapped(s, e - s) || pmem_free(s, e))
			printk("pct: [0x%llx, 0x%llx) is still in use: not freed\n",
			       (unsigned long long)s, (unsigned long long)e);
		else
			freed += e - s;
	}
	printk("pct: aspace %u destroyed, %llu bytes of UMEM freed\n", as, (unsigned long long)freed);
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
	int ok = map_segments(as, &im, USER_STACK_TOP - ssz, &end) == 0;
	uint64_t heap = (end + (4ull << 20)) & ~((2ull << 20) - 1);   /* a gap after the image */
	ok = ok && (!hsz || !region_backed(as, heap, hsz, LWK_VM_READ | LWK_VM_WRITE, "heap"));
	ok = ok && !region_backed(as, USER_STACK_TOP - ssz, ssz, LWK_VM_READ | LWK_VM_WRITE, "stack");
	if (!ok) {
		pct_free(as);
		return -1;
	}
	load_image(as, &im, USER_STACK_TOP - ssz);
	printk("pct: %u UMEM allocations, the first at phys 0x%llx\n", nmem,
	       (unsigned long long)mem[0].start);
	struct lwk_start_state st = { .aspace_id = as, .cpu_id = 0, .entry_point = im.h->entry,
				      .stack_ptr = USER_STACK_TOP - 32 };
	strlcpy(st.task_name, "pct", sizeof st.task_name);
	struct task *t;
	int tid = task_create_user(&st, task_current()->tid, TASK_F_PRIVILEGED, &t);
	if (tid < 0) {
		pct_free(as);
		return -1;
	}
	printk("pct: started task %d in aspace %u (entry 0x%llx)\n", tid, as,
	       (unsigned long long)im.h->entry);
	struct lwk_task_status s;
	task_join((uint32_t)tid, &s);
	pct_free(as);
	printk("pct: ended: %s %d\n", s.kind == LWK_EXIT_NORMAL ? "exit status" : "fault vector",
	       s.code);
	return s.kind == LWK_EXIT_NORMAL && s.code == 0 ? 0 : -1;
}

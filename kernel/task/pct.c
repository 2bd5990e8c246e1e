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
#include <lwk/params.h>
#include <lwk/pmem.h>
#include <lwk/printk.h>
#include <lwk/string.h>
#include <arch/page.h>

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define USER_STACK_TOP 0x00007ffffff00000ull

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

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

static int elf_check(const uint8_t *img, uint64_t size, const struct elf64_ehdr **eh)
{
	const struct elf64_ehdr *h = (const void *)img;
	if (size < sizeof *h || memcmp(h->ident, "\x7f" "ELF", 4) || h->ident[4] != 2 ||
	    h->machine != 62 || h->type != 2) {
		printk("pct: module is not an x86-64 ELF64 executable\n");
		return -1;
	}
	if (h->phentsize != sizeof(struct elf64_phdr) || h->phoff > size ||
	    (uint64_t)h->phnum * sizeof(struct elf64_phdr) > size - h->phoff) {
		printk("pct: program headers outside the module\n");
		return -1;
	}
	*eh = h;
	return 0;
}

static int load_segments(uint32_t as, const uint8_t *img, uint64_t size,
			 const struct elf64_ehdr *h, uint64_t *end)
{
	const struct elf64_phdr *ph = (const void *)(img + h->phoff);
	for (unsigned i = 0; i < h->phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		if (p->type != PT_LOAD)
			continue;
		uint64_t lo = p->vaddr & ~(PAGE_SIZE - 1);
		uint64_t hi = (p->vaddr + p->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		if (p->filesz > p->memsz || p->offset > size || p->filesz > size - p->offset ||
		    hi <= lo) {
			printk("pct: segment %u is malformed\n", i);
			return -1;
		}
		uint32_t fl = LWK_VM_READ | (p->flags & PF_W ? LWK_VM_WRITE : 0) |
			      (p->flags & PF_X ? LWK_VM_EXEC : 0);
		uint8_t *k = region_backed(as, lo, hi - lo, fl, p->flags & PF_X ? "text" : "data");
		if (!k)
			return -1;
		memcpy(k + (p->vaddr - lo), img + p->offset, p->filesz);
		if (hi > *end)
			*end = hi;
	}
	return 0;
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
	const struct elf64_ehdr *h;
	uint32_t as;
	if (elf_check(img, size, &h) || aspace_create(0, "pct", 0, &as))
		return -1;
	uint64_t hsz = (init_heap_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t ssz = (init_stack_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	int ok = load_segments(as, img, size, h, &end) == 0;
	uint64_t heap = (end + (4ull << 20)) & ~((2ull << 20) - 1);   /* a gap after the image */
	ok = ok && (!hsz || region_backed(as, heap, hsz, LWK_VM_READ | LWK_VM_WRITE, "heap"));
	ok = ok && region_backed(as, USER_STACK_TOP - ssz, ssz, LWK_VM_READ | LWK_VM_WRITE, "stack");
	if (!ok) {
		aspace_destroy(as);
		return -1;
	}
	struct lwk_start_state st = { .aspace_id = as, .cpu_id = 0, .entry_point = h->entry,
				      .stack_ptr = USER_STACK_TOP - 32 };
	strlcpy(st.task_name, "pct", sizeof st.task_name);
	struct task *t;
	int tid = task_create_user(&st, task_current()->tid, TASK_F_PRIVILEGED, &t);
	if (tid < 0)
		return -1;
	printk("pct: started task %d in aspace %u (entry 0x%llx)\n", tid, as,
	       (unsigned long long)h->entry);
	struct lwk_task_status s;
	task_join((uint32_t)tid, &s);
	aspace_destroy(as);
	printk("pct: ended: %s %d\n", s.kind == LWK_EXIT_NORMAL ? "exit status" : "fault vector",
	       s.code);
	return s.kind == LWK_EXIT_NORMAL && s.code == 0 ? 0 : -1;
}

/*
 * The machine layer under kernel/mm/aspace.c (the aspace_md_* calls of
 * lwk/aspace.h): page-table pages from kmem (inside the direct map, so
 * below 4 GiB as the AP trampoline's CR3 needs), the UMEM rule from
 * pmem, the boot CPU's top-level table as the kernel half, one lock for
 * every aspace operation, and TLB flushes.
 */
#include <lwk/aspace.h>
#include <lwk/kmem.h>
#include <lwk/pmem.h>
#include <lwk/spinlock.h>
#include <lwk/smp.h>
#include <lwk/task.h>
#include <lwk/string.h>
#include <arch/cpu.h>
#include <arch/page.h>

static struct spinlock lock = SPINLOCK_INIT;
static unsigned long lock_flags;
static const uint64_t *kernel_pml4;

void *aspace_md_page_alloc(void)
{
	void *p = kmem_get_pages(0);
	if (p)
		memset(p, 0, PAGE_SIZE);
	return p;
}

void aspace_md_page_free(void *p) { kmem_free_pages(p, 0); }
uint64_t aspace_md_pa(const void *v) { return virt_to_phys(v); }
void *aspace_md_va(uint64_t pa) { return phys_to_virt(pa); }

/* Every page of [pa, pa+len) is allocated UMEM. */
int aspace_md_umem_ok(uint64_t pa, uint64_t len)
{
	struct pmem_region q, r;
	for (uint64_t p = pa; p < pa + len; p = r.end) {
		pmem_region_init(&q);
		q.start = p;
		q.end = pa + len;
		q.type_is_set = q.allocated_is_set = true;
		q.type = PMEM_TYPE_UMEM;
		q.allocated = true;
		if (pmem_query(&q, &r) || r.start != p)
			return 0;
	}
	return 1;
}

const uint64_t *aspace_md_kernel_pml4(void)
{
	if (!kernel_pml4)
		kernel_pml4 = phys_to_virt(read_cr3());
	return kernel_pml4;
}

void aspace_md_lock(void)
{
	unsigned long f = spin_lock_irqsave(&lock);
	lock_flags = f;
}

void aspace_md_unlock(void) { spin_unlock_irqrestore(&lock, lock_flags); }

/*
 * A CPU can hold stale entries of cr3 only while cr3 is loaded: loading
 * another CR3 (without PCIDs) drops every non-global entry, and user
 * pages are never global.  CR3 follows the current task (task.c), so
 * flush each CPU whose current task is in that aspace.  One that
 * switches to it after the check loads CR3 then, which flushes.
 */
void aspace_md_flush(uint64_t cr3)
{
	uint32_t mask = 0;
	for (unsigned i = 0; i < ncpus; i++) {
		struct task *t = __atomic_load_n(&cpus[i].current, __ATOMIC_ACQUIRE);
		struct aspace *as = t ? t->as : NULL;
		if (as && as->cr3 == cr3)
			mask |= 1u << i;
	}
	if (read_cr3() == cr3)
		mask |= 1u << this_cpu()->id;
	smp_tlb_flush(mask);
}

/*
 * The boot self-check: what `make run` runs when no ktest= is given.
 * Quick facts that must hold on every node after boot.
 */
#include <stdint.h>
#include <arch/page.h>
#include <arch/trap.h>
#include <lwk/bootinfo.h>
#include <lwk/kmem.h>
#include <lwk/ktest.h>
#include <lwk/mem.h>
#include <lwk/params.h>
#include <lwk/pmem.h>

KTEST(smoke, kmem_roundtrip)
{
	uint64_t *p = kmem_alloc(4096);

	KT_ASSERT(p != NULL);
	p[511] = 0xfeedface;
	KT_EQ(*(volatile uint64_t *)phys_to_virt(virt_to_phys(&p[511])), 0xfeedface);
	kmem_free(p);
	KT_EQ(kmem_check(), 0);
}

KTEST(smoke, memory_map)
{
	KT_EXPECT(bootinfo.nmmap > 0);
	KT_EQ(pmem_total(PMEM_TYPE_KMEM), kmem_size + (uint64_t)(_kernel_end - _kernel_start));
	KT_EXPECT(pmem_total(PMEM_TYPE_UMEM) > 0);
}

static int smoke_traps;

static void smoke_trap(struct trapframe *tf)
{
	smoke_traps += tf->vector == 0x82;
}

KTEST(smoke, trap_roundtrip)
{
	trap_handler_t old = trap_register(0x82, smoke_trap);

	__asm__ volatile("int $0x82" ::: "memory");
	trap_register(0x82, old);
	KT_EQ(smoke_traps, 1);
}

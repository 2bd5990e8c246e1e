/*
 * SMP bring-up and cross-CPU calls.  The number of CPUs is QEMU's
 * (fw_cfg item 0x05, FW_CFG_NB_CPUS); every other CPU is started with one
 * broadcast INIT-STARTUP-STARTUP and runs trampoline.S, which switches
 * to long mode on a temporary top-level table (the kernel's half plus an
 * identity map of the first 2 MiB for the trampoline itself) and enters
 * smp_ap_entry, which moves to the kernel's own table.  Waits spin with
 * PAUSE (ENVIRONMENT.md: -icount switches vCPUs only on PAUSE or HLT).
 */
#include <lwk/smp.h>
#include <lwk/apic.h>
#include <lwk/task.h>
#include <lwk/kmem.h>
#include <lwk/string.h>
#include <lwk/printk.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/page.h>
#include <arch/trap.h>

#define TRAMP_PA 0x8000
#define FWCFG_SEL 0x510
#define FWCFG_DATA 0x511
#define FWCFG_NB_CPUS 0x05

extern char trampoline_start[], trampoline_end[];
extern uint64_t tramp_cr3, tramp_entry, tramp_count, tramp_stacks[MAX_CPUS];

static volatile unsigned ap_online;
static uint64_t kernel_cr3;

static unsigned fwcfg_cpus(void)
{
	outw(FWCFG_SEL, FWCFG_NB_CPUS);
	unsigned lo = inb(FWCFG_DATA), hi = inb(FWCFG_DATA);
	unsigned n = lo | hi << 8;
	return n == 0 || n == 0xffff ? 1 : n;
}

static void xcall_irq(struct trapframe *tf)
{
	(void)tf;
	struct cpu *c = this_cpu();
	apic_eoi();
	c->xcall_fn(c->xcall_arg);
	__atomic_store_n(&c->xcall_done, 1, __ATOMIC_RELEASE);
}

/* Ask cpu to look at its run queue: at once on this CPU, else by IPI. */
void smp_kick(unsigned cpu)
{
	struct cpu *c = this_cpu();
	if (cpu == c->id)
		sched_kick_local(c);
	else
		apic_send_ipi(cpus[cpu].apic_id, VEC_KICK);
}

static void kick_irq(struct trapframe *tf)
{
	sched_kick_irq();
	if (tf->cs & 3)
		task_check_killed();   /* exit_group kicks a task out of user mode */
}

/*
 * TLB shootdown, usable with interrupts off (syscalls run so).  Each CPU
 * has a count of flush requests and of the last one it served; a sender
 * bumps the count, sends the IPI and waits for "served" to reach its
 * request, serving its own requests meanwhile, so two CPUs flushing
 * each other at once cannot wait on each other.  A flush reloads CR3,
 * which drops every non-global (every user) entry.
 */
static uint64_t tlb_req[MAX_CPUS], tlb_served[MAX_CPUS];

static void tlb_serve(struct cpu *c)
{
	uint64_t r = __atomic_load_n(&tlb_req[c->id], __ATOMIC_ACQUIRE);
	if (__atomic_load_n(&tlb_served[c->id], __ATOMIC_RELAXED) == r)
		return;
	write_cr3(read_cr3());
	__atomic_store_n(&tlb_served[c->id], r, __ATOMIC_RELEASE);
}

static void tlb_irq(struct trapframe *tf)
{
	(void)tf;
	apic_eoi();
	tlb_serve(this_cpu());
}

void smp_tlb_flush(uint32_t cpu_mask)
{
	struct cpu *me = this_cpu();
	uint64_t want[MAX_CPUS];
	if (cpu_mask & (1u << me->id))
		write_cr3(read_cr3());
	for (unsigned i = 0; i < ncpus; i++)
		if (i != me->id && (cpu_mask & (1u << i))) {
			want[i] = __atomic_add_fetch(&tlb_req[i], 1, __ATOMIC_ACQ_REL);
			apic_send_ipi(cpus[i].apic_id, VEC_TLB);
		}
	for (unsigned i = 0; i < ncpus; i++)
		if (i != me->id && (cpu_mask & (1u << i)))
			while ((int64_t)(__atomic_load_n(&tlb_served[i], __ATOMIC_ACQUIRE) - want[i]) < 0) {
				tlb_serve(me);
				cpu_pause();
			}
}

int smp_call(unsigned cpu, void (*fn)(void *), void *arg)
{
	if (cpu >= ncpus)
		return -1;
	struct cpu *c = &cpus[cpu];
	if (c == this_cpu()) {
		fn(arg);
		return 0;
	}
	spin_lock(&c->xcall_lock);
	c->xcall_fn = fn;
	c->xcall_arg = arg;
	c->xcall_done = 0;
	apic_send_ipi(c->apic_id, VEC_XCALL);
	while (!__atomic_load_n(&c->xcall_done, __ATOMIC_ACQUIRE))
		cpu_pause();
	spin_unlock(&c->xcall_lock);
	return 0;
}

void smp_ap_entry(unsigned id)
{
	struct cpu *c = &cpus[id];
	write_cr3(kernel_cr3);
	trap_load_idt();
	percpu_init(c, id);
	apic_init_ap();
	c->apic_id = apic_id();
	task_init_cpu(id);
	__atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&ap_online, 1, __ATOMIC_ACQ_REL);
	task_idle_loop();
}

/* The temporary table: the kernel's half and 0-2 MiB identity. */
static uint64_t *tramp_tables(void **pdpt, void **pd)
{
	uint64_t *pml4 = kmem_get_pages(0);
	*pdpt = kmem_get_pages(0);
	*pd = kmem_get_pages(0);
	if (!pml4 || !*pdpt || !*pd)
		return NULL;
	memcpy(pml4, phys_to_virt(kernel_cr3), PAGE_SIZE);
	memset(*pdpt, 0, PAGE_SIZE);
	memset(*pd, 0, PAGE_SIZE);
	((uint64_t *)*pd)[0] = 0x83;                           /* 2 MiB, P|W|PS */
	((uint64_t *)*pdpt)[0] = virt_to_phys(*pd) | 0x3;
	pml4[0] = virt_to_phys(*pdpt) | 0x3;
	return pml4;
}

unsigned smp_init(void)
{
	struct cpu *bsp = this_cpu();
	kernel_cr3 = read_cr3();
	bsp->apic_id = apic_id();
	bsp->online = 1;
	trap_register(VEC_XCALL, xcall_irq);
	trap_register(VEC_KICK, kick_irq);
	trap_register(VEC_TLB, tlb_irq);
	unsigned want = fwcfg_cpus();
	if (want > MAX_CPUS) {
		printk("smp: QEMU gives %u CPUs, using the first %u\n", want, MAX_CPUS);
		want = MAX_CPUS;
	}
	if (want == 1)
		return ncpus = 1;
	void *pdpt, *pd;
	uint64_t *pml4 = tramp_tables(&pdpt, &pd);
	void *stacks[MAX_CPUS] = {0};
	for (unsigned i = 0; pml4 && i + 1 < want; i++) {
		stacks[i] = kmem_get_pages(TASK_KSTACK_ORDER);
		tramp_stacks[i] = stacks[i] ? (uint64_t)stacks[i] + (PAGE_SIZE << TASK_KSTACK_ORDER) : 0;
		if (!stacks[i])
			pml4 = NULL;
	}
	if (!pml4) {
		printk("smp: no kmem for the trampoline; running on one CPU\n");
		return ncpus = 1;
	}
	tramp_cr3 = virt_to_phys(pml4);
	tramp_entry = (uint64_t)smp_ap_entry;
	tramp_count = 0;
	memcpy(phys_to_virt(TRAMP_PA), trampoline_start, trampoline_end - trampoline_start);
	apic_send_init_sipi_all(TRAMP_PA >> 12);
	uint64_t deadline = time_now_ns() + 1000000000ull;
	while (__atomic_load_n(&ap_online, __ATOMIC_ACQUIRE) < want - 1 && time_now_ns() < deadline)
		cpu_pause();
	ncpus = 1 + ap_online;
	/* APs are on the kernel's table now (they switch before counting in). */
	kmem_free_pages(pml4, 0);
	kmem_free_pages(pdpt, 0);
	kmem_free_pages(pd, 0);
	printk("smp: %u of %u CPUs online\n", ncpus, want);
	return ncpus;
}

/*
 * The IOAPIC with a real device behind it: the PIT's channel 0 (ISA IRQ
 * 0, which QEMU wires to IOAPIC input 2 and its MADT overrides to GSI 2)
 * at 1 kHz, routed to a vector and a CPU, must interrupt that CPU at that
 * rate; masked, it must not interrupt at all.  And ioapic_route's
 * argument checks, which must leave the entry as it was.
 * The legacy PICs are masked at boot (apic.c): only the IOAPIC delivers.
 */
#include <lwk/watchdog.h>
#include <stdint.h>
#include <lwk/acpi.h>
#include <lwk/apic.h>
#include <lwk/irq.h>
#include <lwk/ktest.h>
#include <lwk/printk.h>
#include <lwk/smp.h>
#include <uapi/lwk.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/trap.h>

#define PIT_GSI    2
#define PIT_VECTOR (VEC_IRQ_BASE + PIT_GSI)
#define PIT_HZ     1193182u
#define RATE_HZ    1000u

static volatile uint32_t hits, last_apic;

static void pit_irq(struct trapframe *tf)
{
	(void)tf;
	last_apic = apic_id();
	__atomic_add_fetch(&hits, 1, __ATOMIC_RELAXED);
	apic_eoi();
}

static int pit_vector_taken(void)
{
	static int taken;
	if (!taken)
		taken = irq_register(PIT_VECTOR, pit_irq, 0) == 0;
	return taken;
}

/* Channel 0, lobyte/hibyte, mode 2 (rate generator): one edge per period. */
static void pit_start(unsigned hz)
{
	uint16_t div = (uint16_t)(PIT_HZ / hz);
	outb(0x43, 0x34);
	outb(0x40, div & 0xff);
	outb(0x40, div >> 8);
}

/* Mode 0 with the longest count: at most one more edge, 55 ms later. */
static void pit_stop(void)
{
	outb(0x43, 0x30);
	outb(0x40, 0xff);
	outb(0x40, 0xff);
}

/* Let interrupts in on this CPU for ns (the target CPU, if another, is
 * idle with interrupts on).  The whole wait is one window: TCG takes
 * interrupts between translated blocks, not inside a short sti..cli. */
static void wait_ns(uint64_t ns)
{
	uint64_t end = time_now_ns() + ns;
	irq_enable();
	while (time_now_ns() < end)
		cpu_pause();
	irq_disable();
}

/* Route the PIT to cpu, count for 100 ms; then mask it and count again. */
static void pit_on_cpu(unsigned cpu)
{
	KT_ASSERT(pit_vector_taken());
	uint32_t dest = cpus[cpu].apic_id;
	watchdog_pause();                       /* the PIT is the watchdog's tick */
	hits = 0;
	last_apic = ~0u;
	pit_start(RATE_HZ);
	KT_EQ(ioapic_route(PIT_GSI, PIT_VECTOR, dest, 0, 1), 0);
	uint64_t t0 = time_now_ns();
	wait_ns(100000000);
	uint32_t n = hits;
	uint64_t ms = (time_now_ns() - t0) / 1000000;
	printk("# ioapic: %u PIT interrupts in %llu ms on apic %u\n", n, (unsigned long long)ms, dest);
	KT_EXPECT(n >= 10);                     /* it arrives ... */
	KT_EXPECT(n <= ms + 5);                 /* ... at no more than the PIT's 1 kHz */
	KT_EQ(last_apic, dest);                 /* on the CPU the entry names */
	KT_EQ(ioapic_route(PIT_GSI, PIT_VECTOR, dest, 0, 0), 0);
	wait_ns(2000000);                       /* one already in flight may land */
	n = hits;
	wait_ns(50000000);                      /* 50 PIT periods, masked */
	pit_stop();
	KT_EQ(hits, n);
	watchdog_resume();
}

KTEST(ioapic, pit_arrives_on_this_cpu_and_stops_when_masked)
{
	pit_on_cpu(this_cpu()->id);
}

/* With one CPU this is the boot CPU again; ktest-smp4 runs it with four. */
KTEST(ioapic, pit_arrives_on_the_last_cpu)
{
	pit_on_cpu(ncpus - 1);
}

KTEST(ioapic, route_rejects_bad_arguments_and_changes_nothing)
{
	uint8_t vec;
	uint32_t dest;
	int on;
	unsigned n = ioapic_inputs();
	KT_EXPECT(n >= 24);                     /* QEMU's IOAPIC: 24 inputs */
	watchdog_pause();
	KT_EQ(ioapic_route(PIT_GSI, 0x61, 3, 0, 0), 0);
	KT_EQ(ioapic_route_get(PIT_GSI, &vec, &dest, &on), 0);
	KT_EQ(vec, 0x61);
	KT_EQ(dest, 3);
	KT_EQ(on, 0);
	KT_EQ(ioapic_route(n, PIT_VECTOR, 0, 0, 1), -LWK_EINVAL);
	KT_EQ(ioapic_route(~0u, PIT_VECTOR, 0, 0, 1), -LWK_EINVAL);
	KT_EQ(ioapic_route(PIT_GSI, 14, 0, 0, 1), -LWK_EINVAL);     /* #PF's vector */
	KT_EQ(ioapic_route(PIT_GSI, PIT_VECTOR, 256, 0, 1), -LWK_EINVAL);
	KT_EQ(ioapic_route(PIT_GSI, PIT_VECTOR, 0, 1u << 8, 1), -LWK_EINVAL);   /* not a mode bit */
	KT_EQ(ioapic_route(PIT_GSI, PIT_VECTOR, 0, IOAPIC_NMI | IOAPIC_LEVEL, 1), -LWK_EINVAL);
	KT_EQ(ioapic_route_get(n, &vec, &dest, &on), -LWK_EINVAL);
	KT_EQ(ioapic_route_get(PIT_GSI, &vec, &dest, &on), 0);
	KT_EQ(vec, 0x61);                       /* the refused calls left it alone */
	KT_EQ(dest, 3);
	KT_EQ(on, 0);
	KT_EQ(ioapic_route(PIT_GSI, PIT_VECTOR, 0, 0, 0), 0);
	watchdog_resume();
}

/* The MADT as QEMU's firmware writes it: the IOAPIC at its usual address,
 * ISA IRQ 0 overridden to GSI 2 (the input the PIT tests above use) with
 * ISA's edge trigger, and the PCI link IRQs level-triggered, active high. */
KTEST(ioapic, madt_gives_the_ioapic_and_the_overrides)
{
	unsigned gsi = ~0u, mode = ~0u;
	KT_EQ(acpi_ioapic_phys(), 0xfec00000ull);
	KT_EQ(acpi_irq_gsi(0, 0, &gsi, &mode), 0);
	KT_EQ(gsi, PIT_GSI);
	KT_EQ(mode, 0);
	KT_EQ(acpi_irq_gsi(11, 1, &gsi, &mode), 0);
	KT_EQ(gsi, 11);
	KT_EQ(mode, IOAPIC_LEVEL);
	KT_EQ(acpi_irq_gsi(4, 0, &gsi, &mode), 0);      /* no override: itself, ISA's edge/high */
	KT_EQ(gsi, 4);
	KT_EQ(mode, 0);
	KT_EQ(acpi_irq_gsi(16, 1, &gsi, &mode), -1);
}

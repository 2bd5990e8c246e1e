/*
 * The IOAPIC at its default address 0xfec00000 (direct map): every input
 * masked at boot; drivers route the ones they use with ioapic_route().
 * Registers through the index/data window (82093AA datasheet, 3.1).
 *
 * Inputs are global system interrupts (GSIs) 0..inputs-1.  The kernel
 * does not read the ACPI MADT: on QEMU's machines, whose MADT overrides
 * ISA IRQ 0 (the PIT) to GSI 2 and leaves the other ISA IRQs at their
 * own numbers, a driver passes the GSI itself.
 */
#include <lwk/apic.h>
#include <lwk/spinlock.h>
#include <uapi/lwk.h>
#include <arch/page.h>

#define IOAPIC_PHYS 0xfec00000ull
#define IOREGSEL 0x00
#define IOWIN    0x10
#define IOAPICVER 0x01
#define IOREDTBL(n) (0x10 + 2 * (n))
#define RTE_MASKED (1u << 16)
#define RTE_VECTOR 0xffu

static volatile uint32_t *ioapic;
static unsigned nredir;
static struct spinlock lock = SPINLOCK_INIT;

static uint32_t rd(uint32_t reg) { ioapic[IOREGSEL / 4] = reg; return ioapic[IOWIN / 4]; }
static void wr(uint32_t reg, uint32_t v) { ioapic[IOREGSEL / 4] = reg; ioapic[IOWIN / 4] = v; }

void ioapic_init(void)
{
	ioapic = phys_to_virt(IOAPIC_PHYS);
	nredir = ((rd(IOAPICVER) >> 16) & 0xff) + 1;
	for (unsigned i = 0; i < nredir; i++) {
		wr(IOREDTBL(i), RTE_MASKED | (VEC_IRQ_BASE + i));
		wr(IOREDTBL(i) + 1, 0);
	}
}

unsigned ioapic_inputs(void) { return nredir; }

/* Fixed delivery, physical destination, edge, active high: ISA's kind. */
int ioapic_route(unsigned gsi, uint8_t vector, uint32_t apic_id, int on)
{
	if (gsi >= nredir || vector < 32 || apic_id > 0xff)
		return -LWK_EINVAL;   /* 0-31 are exceptions; xAPIC ids are 8 bits */
	unsigned long f = spin_lock_irqsave(&lock);
	wr(IOREDTBL(gsi), RTE_MASKED | vector);     /* masked while the entry is half written */
	wr(IOREDTBL(gsi) + 1, apic_id << 24);
	wr(IOREDTBL(gsi), (on ? 0 : RTE_MASKED) | vector);
	spin_unlock_irqrestore(&lock, f);
	return 0;
}

int ioapic_route_get(unsigned gsi, uint8_t *vector, uint32_t *apic_id, int *on)
{
	if (gsi >= nredir)
		return -LWK_EINVAL;
	unsigned long f = spin_lock_irqsave(&lock);
	uint32_t lo = rd(IOREDTBL(gsi)), hi = rd(IOREDTBL(gsi) + 1);
	spin_unlock_irqrestore(&lock, f);
	*vector = lo & RTE_VECTOR;
	*apic_id = hi >> 24;
	*on = !(lo & RTE_MASKED);
	return 0;
}

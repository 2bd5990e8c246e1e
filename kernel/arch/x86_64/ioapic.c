/*
 * The IOAPIC serving GSI 0, at the address the ACPI MADT gives (its
 * default 0xfec00000 without one), through the direct map: every input
 * masked at boot; drivers route the ones they use with ioapic_route().
 * Registers through the index/data window (82093AA datasheet, 3.1).
 *
 * Inputs are global system interrupts (GSIs) 0..inputs-1; a driver finds
 * its GSI and trigger mode with acpi_irq_gsi() (the MADT's overrides).
 */
#include <lwk/acpi.h>
#include <lwk/apic.h>
#include <lwk/printk.h>
#include <lwk/spinlock.h>
#include <uapi/lwk.h>
#include <arch/page.h>

#define IOAPIC_PHYS 0xfec00000ull
#define IOREGSEL 0x00
#define IOWIN    0x10
#define IOAPICVER 0x01
#define IOREDTBL(n) (0x10 + 2 * (n))
#define RTE_MASKED (1u << 16)
#define RTE_MODE   (IOAPIC_LEVEL | IOAPIC_LOW | IOAPIC_NMI)
#define RTE_VECTOR 0xffu

static volatile uint32_t *ioapic;
static unsigned nredir;
static struct spinlock lock = SPINLOCK_INIT;

static uint32_t rd(uint32_t reg) { ioapic[IOREGSEL / 4] = reg; return ioapic[IOWIN / 4]; }
static void wr(uint32_t reg, uint32_t v) { ioapic[IOREGSEL / 4] = reg; ioapic[IOWIN / 4] = v; }

void ioapic_init(void)
{
	uint64_t pa = acpi_ioapic_phys() ? acpi_ioapic_phys() : IOAPIC_PHYS;
	if (pa >= DIRECT_SIZE) {
		printk("ioapic: MADT address %#llx outside the direct map, using %#llx\n",
		       (unsigned long long)pa, IOAPIC_PHYS);
		pa = IOAPIC_PHYS;
	}
	ioapic = phys_to_virt(pa);
	nredir = ((rd(IOAPICVER) >> 16) & 0xff) + 1;
	for (unsigned i = 0; i < nredir; i++) {
		wr(IOREDTBL(i), RTE_MASKED | (VEC_IRQ_BASE + i));
		wr(IOREDTBL(i) + 1, 0);
	}
}

unsigned ioapic_inputs(void) { return nredir; }

/* Fixed delivery (or NMI), physical destination; mode's trigger and
 * polarity (0: edge, active high, ISA's kind). */
int ioapic_route(unsigned gsi, uint8_t vector, uint32_t apic_id, unsigned mode, int on)
{
	if (gsi >= nredir || vector < 32 || apic_id > 0xff || (mode & ~RTE_MODE) ||
	    (mode & IOAPIC_NMI && mode & IOAPIC_LEVEL))
		return -LWK_EINVAL;   /* 0-31 are exceptions; xAPIC ids are 8 bits */
	unsigned long f = spin_lock_irqsave(&lock);
	wr(IOREDTBL(gsi), RTE_MASKED | mode | vector);   /* masked while half written */
	wr(IOREDTBL(gsi) + 1, apic_id << 24);
	wr(IOREDTBL(gsi), (on ? 0 : RTE_MASKED) | mode | vector);
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

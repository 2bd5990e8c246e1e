/*
 * The IOAPIC at its default address 0xfec00000 (direct map): every input
 * masked at boot; drivers route the ones they use with ioapic_route().
 * Registers through the index/data window (82093AA datasheet, 3.1).
 */
#include <lwk/apic.h>
#include <lwk/spinlock.h>
#include <arch/page.h>

#define IOAPIC_PHYS 0xfec00000ull
#define IOREGSEL 0x00
#define IOWIN    0x10
#define IOAPICVER 0x01
#define IOREDTBL(n) (0x10 + 2 * (n))

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
		wr(IOREDTBL(i), 1u << 16 | (VEC_IRQ_BASE + i));
		wr(IOREDTBL(i) + 1, 0);
	}
}

int ioapic_route(unsigned gsi, uint8_t vector, uint32_t apic_id, int on)
{
	if (gsi >= nredir)
		return -1;
	unsigned long f = spin_lock_irqsave(&lock);
	wr(IOREDTBL(gsi) + 1, apic_id << 24);
	wr(IOREDTBL(gsi), (on ? 0 : 1u << 16) | vector);
	spin_unlock_irqrestore(&lock, f);
	return 0;
}

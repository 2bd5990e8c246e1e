/*
 * What the kernel needs of ACPI: the MADT ("APIC" table, ACPI 6.x 5.2.12)
 * for the IOAPIC's address and the interrupt source overrides that say
 * which GSI an ISA IRQ arrives on and with what trigger and polarity.
 *
 * The RSDP comes from GRUB (multiboot2 tags 14/15, copied into bootinfo)
 * or, failing that, from a scan of the BIOS area 0xE0000-0xFFFFF on 16
 * byte boundaries (ACPI 5.2.5.1).  The RSDT or XSDT lists the tables.
 * Every table is read through the direct map only after its address and
 * length were checked against it and its checksum verified: firmware
 * tables are input like any other.
 *
 * Not read: the DSDT's AML (_PRT), which is where PCI interrupt routing
 * really lives.  A PCI device's Interrupt Line (written by the firmware)
 * is treated as an ISA IRQ and mapped through the overrides; on QEMU's
 * i440fx the PCI link IRQs (5, 9, 10, 11) all have overrides saying
 * level-triggered, active high.  A line without an override gets the PCI
 * default, level and active low.
 */
#include <arch/page.h>
#include <lwk/acpi.h>
#include <lwk/apic.h>
#include <lwk/bootinfo.h>
#include <lwk/printk.h>
#include <lwk/string.h>

struct sdt_hdr {
	char sig[4];
	uint32_t len;
	uint8_t rev, sum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

struct rsdp {
	char sig[8];
	uint8_t sum;
	char oem[6];
	uint8_t rev;
	uint32_t rsdt;
	uint32_t len;           /* rev >= 2 from here on */
	uint64_t xsdt;
	uint8_t xsum, res[3];
} __attribute__((packed));

#define MADT_IOAPIC 1
#define MADT_ISO    2
#define MADT_FIRST  44          /* header, local APIC address, flags */
#define TABLE_MAX   (1u << 20)  /* no sane MADT, RSDT or XSDT is larger */
#define ISA_IRQS    16

static struct {
	int found;
	uint64_t ioapic_pa;
	unsigned ioapics;
	struct { uint8_t valid; uint32_t gsi; uint16_t flags; } iso[ISA_IRQS];
} madt;

static uint8_t sum8(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;
	while (n--)
		s += *b++;
	return s;
}

/* The table at pa if it lies in the direct map, is of sane length and
 * its checksum holds; else NULL. */
static const struct sdt_hdr *table_at(uint64_t pa)
{
	if (pa == 0 || pa >= DIRECT_SIZE - sizeof(struct sdt_hdr))
		return NULL;
	const struct sdt_hdr *h = phys_to_virt(pa);
	if (h->len < sizeof *h || h->len > TABLE_MAX || pa + h->len > DIRECT_SIZE)
		return NULL;
	return sum8(h, h->len) == 0 ? h : NULL;
}

static const struct rsdp *rsdp_scan(void)
{
	for (uint64_t pa = 0xe0000; pa < 0x100000; pa += 16) {
		const struct rsdp *r = phys_to_virt(pa);
		if (memcmp(r->sig, "RSD PTR ", 8) == 0 && sum8(r, 20) == 0)
			return r;
	}
	return NULL;
}

static const struct rsdp *rsdp_find(void)
{
	const struct rsdp *r = (const struct rsdp *)bootinfo.rsdp;
	if (bootinfo.rsdp_len >= 20 && memcmp(r->sig, "RSD PTR ", 8) == 0 && sum8(r, 20) == 0)
		return r;
	return rsdp_scan();
}

/* The table with signature sig listed by the XSDT (8-byte entries) or
 * the RSDT (4-byte entries). */
static const struct sdt_hdr *table_find(const struct rsdp *r, const char sig[4])
{
	int x = r->rev >= 2 && r->xsdt != 0;
	const struct sdt_hdr *root = table_at(x ? r->xsdt : r->rsdt);
	if (!root)
		return NULL;
	size_t esz = x ? 8 : 4, n = (root->len - sizeof *root) / esz;
	const uint8_t *e = (const uint8_t *)(root + 1);
	for (size_t i = 0; i < n; i++, e += esz) {
		uint64_t pa = 0;
		memcpy(&pa, e, esz);      /* little endian: the low bytes first */
		const struct sdt_hdr *t = table_at(pa);
		if (t && memcmp(t->sig, sig, 4) == 0)
			return t;
	}
	return NULL;
}

static void madt_entry(const uint8_t *e)
{
	if (e[0] == MADT_IOAPIC && e[1] >= 12) {
		uint32_t addr, base;
		memcpy(&addr, e + 4, 4);
		memcpy(&base, e + 8, 4);
		if (base == 0)            /* the one serving GSI 0.. */
			madt.ioapic_pa = addr;
		madt.ioapics++;
	} else if (e[0] == MADT_ISO && e[1] >= 10 && e[2] == 0 && e[3] < ISA_IRQS) {
		madt.iso[e[3]].valid = 1;
		memcpy(&madt.iso[e[3]].gsi, e + 4, 4);
		memcpy(&madt.iso[e[3]].flags, e + 8, 2);
	}
}

void acpi_init(void)
{
	const struct rsdp *r = rsdp_find();
	const struct sdt_hdr *m = r ? table_find(r, "APIC") : NULL;
	if (!m || m->len < MADT_FIRST) {
		printk("acpi: no %s: the IOAPIC at its default address, ISA IRQs as GSIs\n",
		       r ? "valid MADT" : "RSDP");
		return;
	}
	const uint8_t *p = (const uint8_t *)m + MADT_FIRST, *end = (const uint8_t *)m + m->len;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		madt_entry(p);
		p += p[1];
	}
	madt.found = 1;
	unsigned n = 0;
	for (unsigned i = 0; i < ISA_IRQS; i++)
		n += madt.iso[i].valid;
	printk("acpi: MADT rev %u: %u IOAPIC(s), GSI 0 at %#llx, %u ISA overrides\n", m->rev,
	       madt.ioapics, (unsigned long long)madt.ioapic_pa, n);
}

uint64_t acpi_ioapic_phys(void) { return madt.ioapic_pa; }

/* MPS INTI flags: polarity in bits 0-1, trigger in bits 2-3; 0 = the
 * bus's default, 1 = active high / edge, 3 = active low / level. */
static unsigned mode_of(uint16_t flags, unsigned dflt)
{
	unsigned pol = flags & 3, trig = (flags >> 2) & 3, mode = dflt;
	if (pol == 1)
		mode &= ~IOAPIC_LOW;
	else if (pol == 3)
		mode |= IOAPIC_LOW;
	if (trig == 1)
		mode &= ~IOAPIC_LEVEL;
	else if (trig == 3)
		mode |= IOAPIC_LEVEL;
	return mode;
}

int acpi_irq_gsi(unsigned irq, int pci, unsigned *gsi, unsigned *mode)
{
	unsigned dflt = pci ? IOAPIC_LEVEL | IOAPIC_LOW : 0;
	if (irq >= ISA_IRQS)
		return -1;
	*gsi = irq;
	*mode = dflt;
	if (madt.iso[irq].valid) {
		*gsi = madt.iso[irq].gsi;
		*mode = mode_of(madt.iso[irq].flags, dflt);
	}
	return 0;
}

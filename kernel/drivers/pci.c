/*
 * PCI configuration space, mechanism #1: write the function's address
 * to 0xCF8, read or write the dword at 0xCFC.  Only bus 0..7 are
 * scanned: QEMU puts the NIC on bus 0 and the scan stays short.
 */
#include <arch/io.h>
#include <lwk/pci.h>

#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc
#define PCI_BUSES 8

static uint32_t addr_of(const struct pci_dev *d, uint8_t off)
{
	return 0x80000000u | (uint32_t)d->bus << 16 | (uint32_t)d->dev << 11 |
	       (uint32_t)d->fn << 8 | (off & 0xfcu);
}

uint32_t pci_read32(const struct pci_dev *d, uint8_t off)
{
	outl(PCI_ADDR, addr_of(d, off));
	return inl(PCI_DATA);
}

void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v)
{
	outl(PCI_ADDR, addr_of(d, off));
	outl(PCI_DATA, v);
}

int pci_find(uint16_t vendor, uint16_t dev_lo, uint16_t dev_hi, struct pci_dev *out)
{
	for (unsigned bus = 0; bus < PCI_BUSES; bus++)
		for (unsigned dev = 0; dev < 32; dev++)
			for (unsigned fn = 0; fn < 8; fn++) {
				struct pci_dev d = { (uint8_t)bus, (uint8_t)dev, (uint8_t)fn, 0, 0 };
				uint32_t id = pci_read32(&d, 0);
				if ((id & 0xffff) == 0xffff)   /* no such function */
					continue;
				d.vendor = (uint16_t)id;
				d.device = (uint16_t)(id >> 16);
				if (d.vendor == vendor && d.device >= dev_lo && d.device <= dev_hi) {
					*out = d;
					return 0;
				}
			}
	return -1;
}

uint16_t pci_io_bar(const struct pci_dev *d, int n)
{
	uint32_t bar = pci_read32(d, (uint8_t)(0x10 + 4 * n));
	return (bar & 1) ? (uint16_t)(bar & ~3u) : 0;
}

void pci_enable(const struct pci_dev *d)
{
	uint32_t cmd = pci_read32(d, 0x04);
	pci_write32(d, 0x04, (cmd & 0xffff) | 0x1 | 0x4);   /* I/O space, bus master */
}

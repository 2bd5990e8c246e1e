/*
 * PCI configuration space through the legacy 0xCF8/0xCFC mechanism
 * (works on QEMU's i440fx and q35): kernel/drivers/pci.c.
 */
#ifndef LWK_PCI_H
#define LWK_PCI_H
#include <stdint.h>

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
};

uint32_t pci_read32(const struct pci_dev *d, uint8_t off);
void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v);
/* Find the first function with this vendor and one of the device ids in
 * [dev_lo, dev_hi]; 0 and *out filled, or -1. */
int pci_find(uint16_t vendor, uint16_t dev_lo, uint16_t dev_hi, struct pci_dev *out);
/* BAR n's I/O port base, or 0 if it is not an I/O BAR. */
uint16_t pci_io_bar(const struct pci_dev *d, int n);
/* Turn on I/O decoding and bus mastering (the device DMAs into our rings). */
void pci_enable(const struct pci_dev *d);

#endif /* LWK_PCI_H */

/*
 * The little of ACPI the kernel reads (kernel/arch/x86_64/acpi.c): the
 * MADT's IOAPIC address and its ISA interrupt source overrides.
 */
#ifndef LWK_ACPI_H
#define LWK_ACPI_H
#include <stdint.h>

void acpi_init(void);            /* find and check the MADT; prints a line */
/* The IOAPIC serving GSI 0, 0 if the MADT did not say. */
uint64_t acpi_ioapic_phys(void);
/* ISA IRQ (or a PCI device's Interrupt Line, pci = 1) -> the GSI it
 * arrives on and its IOAPIC_LEVEL / IOAPIC_LOW mode; -1 for irq >= 16. */
int acpi_irq_gsi(unsigned irq, int pci, unsigned *gsi, unsigned *mode);

#endif /* LWK_ACPI_H */

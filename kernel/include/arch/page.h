/*
 * The kernel's virtual layout (docs/boot.md):
 *   0xffffffff80000000 + pa   the kernel image (-mcmodel=kernel), which
 *                             the boot page tables map with the first GiB
 *   0xffff800000000000 + pa   the direct map of physical [0, 4 GiB),
 *                             2 MiB pages; kmem and page tables live here
 *   below 0x0000800000000000  user space (no identity map after boot)
 */
#ifndef ARCH_PAGE_H
#define ARCH_PAGE_H

#include <stdint.h>

#define PAGE_SHIFT     12
#define PAGE_SIZE      (1ul << PAGE_SHIFT)
#define KERNEL_VBASE   0xffffffff80000000ul
#define DIRECT_BASE    0xffff800000000000ul
#define DIRECT_SIZE    (4ul << 30)

static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(DIRECT_BASE + pa);
}

/* Works for direct-map and kernel-image addresses. */
static inline uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;
	return v >= KERNEL_VBASE ? v - KERNEL_VBASE : v - DIRECT_BASE;
}

/* The boot page tables (boot.S), for the paging code to take over. */
extern uint64_t boot_pml4[512];
/* Remove the boot identity map of low memory (early_mm.c). */
void boot_unmap_identity(void);

/* Linker-script symbols bounding the image (kernel.ld). */
extern char _kernel_start[], _text[], _etext[], _rodata[], _erodata[];
extern char _data[], _edata[], _bss[], _ebss[], _kernel_end[];

#endif /* ARCH_PAGE_H */

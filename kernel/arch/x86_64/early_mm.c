/*
 * The boot page tables after boot.S: only the identity map needs
 * undoing.  Once kmain runs at its high address, PML4[0] goes, so a null
 * or small-integer pointer faults instead of quietly reading low memory.
 * Whoever needs low memory mapped later (the AP trampoline) maps it
 * itself.
 */
#include <arch/cpu.h>
#include <arch/page.h>

void boot_unmap_identity(void)
{
	boot_pml4[0] = 0;
	write_cr3(read_cr3());    /* flush the TLB (no global pages yet) */
}

/* Interrupt-state save/restore, halting, powering the node off. */
#include <arch/cpu.h>
#include <arch/io.h>
#include <lwk/spinlock.h>

unsigned long arch_irq_save(void)
{
	unsigned long flags = read_rflags();
	irq_disable();
	return flags & RFLAGS_IF;
}

void arch_irq_restore(unsigned long flags)
{
	if (flags & RFLAGS_IF)
		irq_enable();
}

void arch_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/*
 * isa-debug-exit ends QEMU at once with status (how << 1) | 1.  Without
 * that device (real hardware, another emulator) the write does nothing
 * and the CPU halts instead.
 */
void arch_poweroff(enum node_exit how)
{
	outl(DEBUG_EXIT_PORT, how);
	arch_halt_forever();
}

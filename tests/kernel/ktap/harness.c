/*
 * Tests of the test harness itself: each ends the node the way a broken
 * kernel would, so the host harness (tests/kernel/harness_test.sh) can
 * prove it tells a panic, a triple fault, a hang and a failed test apart.
 * (ktest=fault: an unhandled page fault is a panic with a register dump.)
 * All are KTEST_MANUAL: they run only when named (ktest=panic, ...),
 * never under ktest=all.
 */
#include <stdint.h>
#include <arch/cpu.h>
#include <lwk/ktest.h>
#include <lwk/panic.h>
#include <lwk/printk.h>

KTEST_MANUAL(panic, deliberate)
{
	panic("ktest: deliberate panic");
}

/*
 * An IDT of limit 0: the breakpoint cannot be delivered (#GP), nor can
 * the #GP (#DF), nor the #DF: the CPU shuts down, and QEMU with
 * -no-reboot exits, logging "Triple fault".
 */
/* A page fault nobody handles: the register dump, then a panic. */
KTEST_MANUAL(fault, deliberate)
{
	uint64_t addr = 0x18;

	printk("# ktest: reading the unmapped address %#llx\n", (unsigned long long)addr);
	__asm__ volatile("movq (%0), %%rax" : : "r"(addr) : "rax", "memory");
}

KTEST_MANUAL(triple, deliberate)
{
	static const struct { uint16_t limit; uint64_t base; } __packed empty = { 0, 0 };

	printk("# ktest: loading an empty IDT and trapping\n");
	__asm__ volatile("lidt %0; int3" : : "m"(empty));
}

KTEST_MANUAL(hang, deliberate)
{
	printk("# ktest: hanging with interrupts off\n");
	arch_halt_forever();
}

/* make test KTEST_FAIL=1 adds this one: make test must then fail. */
KTEST_MANUAL(fail, deliberate)
{
	KT_EQ(1 + 1, 3);
}

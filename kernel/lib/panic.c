/*
 * panic: say why, show where (the stack and control registers, a
 * backtrace from the caller; a fatal trap has printed its full register
 * frame before calling here), end the node
 * with the panic status.  A panic while panicking (a fault in the dump,
 * another CPU panicking too) skips straight to the power-off, so panic
 * always terminates.  The message is written without the console lock:
 * the CPU that panicked might hold it.
 */
#include <stdarg.h>
#include <arch/cpu.h>
#include <arch/trap.h>
#include <lwk/kfmt.h>
#include <lwk/panic.h>
#include <lwk/printk.h>
#include <lwk/string.h>

static volatile int panicking;

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	irq_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		arch_poweroff(NODE_EXIT_PANIC);
	console_bust();
	va_start(ap, fmt);
	n = ksnprintf(buf, sizeof(buf), "\nPANIC: ");
	kvsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	console_write(buf, strlen(buf));
	console_write("\n", 1);
	printk("  rsp 0x%016llx  rbp 0x%016llx  rflags %#llx\n",
	       (unsigned long long)(uint64_t)__builtin_frame_address(0) + 16,
	       (unsigned long long)(uint64_t)__builtin_frame_address(0),
	       (unsigned long long)read_rflags());
	printk("  cr0 0x%016llx  cr2 0x%016llx  cr3 0x%016llx  cr4 0x%016llx\n",
	       (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
	       (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	backtrace_print((uint64_t)__builtin_frame_address(0));
	console_write("node: powering off (panic)\n", 27);
	arch_poweroff(NODE_EXIT_PANIC);
}

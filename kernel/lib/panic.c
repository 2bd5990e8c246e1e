/*
 * panic: say why, show where (a backtrace from the caller), end the node
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
	backtrace_print((uint64_t)__builtin_frame_address(0));
	console_write("node: powering off (panic)\n", 27);
	arch_poweroff(NODE_EXIT_PANIC);
}

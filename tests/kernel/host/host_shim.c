/* Host stand-ins for the kernel services the portable files call. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lwk/panic.h>
#include <lwk/printk.h>
#include <lwk/spinlock.h>
#include "host_shim.h"

jmp_buf shim_panic_jmp;
int shim_panic_armed;
char shim_panic_msg[256];
char shim_log[8192];
static size_t shim_log_len;

void shim_log_reset(void)
{
	shim_log_len = 0;
	shim_log[0] = 0;
}

unsigned long arch_irq_save(void)
{
	return 0;
}

void arch_irq_restore(unsigned long flags)
{
	(void)flags;
}

void console_write(const char *s, unsigned long n)
{
	size_t room = sizeof(shim_log) - 1 - shim_log_len;

	if (n > room)
		n = room;
	memcpy(shim_log + shim_log_len, s, n);
	shim_log_len += n;
	shim_log[shim_log_len] = 0;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(shim_panic_msg, sizeof(shim_panic_msg), fmt, ap);
	va_end(ap);
	if (shim_panic_armed)
		longjmp(shim_panic_jmp, 1);
	fprintf(stderr, "unexpected panic: %s\n", shim_panic_msg);
	abort();
}

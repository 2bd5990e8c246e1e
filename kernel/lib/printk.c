/*
 * printk: format into a stack buffer, then write the whole message under
 * the console lock with interrupts off, so messages from different CPUs
 * and from interrupt handlers never interleave mid-line.  Messages longer
 * than the buffer are cut and marked with "...".  After console_bust()
 * (a panic or fatal trap: this CPU may hold the lock) printk ignores it.
 */
#include <stdarg.h>
#include <lwk/kfmt.h>
#include <lwk/printk.h>
#include <lwk/spinlock.h>
#include <lwk/string.h>

#define PRINTK_MAX 512

static struct spinlock console_lock = SPINLOCK_INIT;
static volatile int console_busted;

void console_bust(void)
{
	console_busted = 1;
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[PRINTK_MAX];
	unsigned long flags;
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = strlen(buf);

	if (n >= (int)sizeof(buf))
		memcpy(buf + sizeof(buf) - 5, "...\n", 5), len = sizeof(buf) - 1;
	if (console_busted) {
		console_write(buf, len);
		return n;
	}
	flags = spin_lock_irqsave(&console_lock);
	console_write(buf, len);
	spin_unlock_irqrestore(&console_lock, flags);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void kerr(const char *fmt, ...)
{
	char buf[200];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	printk("error: %s\n", buf);
}

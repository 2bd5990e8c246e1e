/*
 * The kernel log: printk formats with kfmt and writes to every console
 * (the serial port).  Lines from different CPUs never interleave: the
 * whole message is written under one lock.
 */
#ifndef LWK_PRINTK_H
#define LWK_PRINTK_H

#include <stdarg.h>
#include <lwk/compiler.h>

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);
/* An error line: "error: " and what was wrong and where (the portable
 * mm code calls it too; the host tests supply their own). */
void kerr(const char *fmt, ...) __printf(1, 2);
/* Write raw bytes to the console (used by panic, which must not lock). */
void console_write(const char *s, unsigned long n);
/* From now on write without the lock: the dying CPU may hold it. */
void console_bust(void);

#endif /* LWK_PRINTK_H */

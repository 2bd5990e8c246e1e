/*
 * Formatted output into a buffer (lib/fmt.c), shared by the kernel
 * (printk, lwk/kfmt.h) and user space (printf, snprintf in libc-lite):
 * the subset of printf they use.  Conversions: %d %i %u %x %X %o %c %s
 * %p %%, length modifiers hh h l ll z t j, flags - 0 + space #, width and
 * precision (also as *).  Unknown conversions print as "%?" so a bad
 * format is visible instead of silently consuming arguments.  The names
 * are not C's so the host tests can compare it with the C library's.
 */
#ifndef LWK_FMT_H
#define LWK_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Like C's vsnprintf: returns the length the full output would have. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* LWK_FMT_H */

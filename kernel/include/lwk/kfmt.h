/*
 * Formatted output into a buffer (kernel/lib/kfmt.c): the subset of
 * printf the kernel uses.  Conversions: %d %i %u %x %X %o %c %s %p %%,
 * length modifiers hh h l ll z t j, flags - 0 + space #, width and
 * precision (also as *).  Unknown conversions print as "%?" so a bad
 * format is visible instead of silently consuming arguments.
 */
#ifndef LWK_KFMT_H
#define LWK_KFMT_H

#include <stdarg.h>
#include <stddef.h>
#include <lwk/compiler.h>

/* Like C's vsnprintf: returns the length the full output would have. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif /* LWK_KFMT_H */

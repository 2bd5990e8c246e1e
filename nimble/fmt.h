/* Freestanding message formatting (nimble/fmt.c). */
#ifndef NIMBLE_FMT_H
#define NIMBLE_FMT_H

#include <stdarg.h>
#include <stddef.h>

int nx_vfmt(char *buf, size_t size, const char *fmt, va_list ap);
int nx_fmt(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The engine core uses no libc string functions but memcpy/memset/memcmp. */
size_t nx_strlen(const char *s);
int nx_streq(const char *a, const char *b);

#endif /* NIMBLE_FMT_H */

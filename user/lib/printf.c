/*
 * Formatted output: C's names for the formatter the kernel uses too
 * (lib/fmt.c; lwk/fmt.h lists the conversions).  vsnprintf always
 * NUL-terminates (when size > 0) and returns the length the full output
 * would have had, as C says; printf writes at most 511 bytes to stdout.
 */
#include <lwk/fmt.h>
#include "ulib.h"

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return fmt_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	write(1, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
	return n;
}

const char *strerror(long err)
{
	switch (-err) {
	case 0: return "ok";
	case LWK_EPERM: return "EPERM";
	case LWK_ENOENT: return "ENOENT";
	case LWK_ESRCH: return "ESRCH";
	case LWK_E2BIG: return "E2BIG";
	case LWK_EAGAIN: return "EAGAIN";
	case LWK_ENOMEM: return "ENOMEM";
	case LWK_EFAULT: return "EFAULT";
	case LWK_EBUSY: return "EBUSY";
	case LWK_EEXIST: return "EEXIST";
	case LWK_EINVAL: return "EINVAL";
	case LWK_ENOSYS: return "ENOSYS";
	case LWK_ECHILD: return "ECHILD";
	case LWK_ETIMEDOUT: return "ETIMEDOUT";
	default: return "E?";
	}
}

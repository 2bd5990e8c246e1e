/*
 * A tiny vsnprintf for messages: the engine core is freestanding.
 * Conversions: %d %u %x %s %c %%, with an optional "ll" (64-bit) on d/u/x.
 * Output is always NUL-terminated and silently truncated.
 */
#include <stdarg.h>
#include "internal.h"
#include "fmt.h"

struct out { char *p, *end; };

static void put(struct out *o, char ch)
{
	if (o->p < o->end)
		*o->p++ = ch;
}

static void put_u(struct out *o, unsigned long long v, unsigned base)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		put(o, tmp[--n]);
}

int nx_vfmt(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, buf + size - 1 };
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		int ll = 0;
		fmt++;
		while (*fmt == 'l') {
			ll = 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd': {
			long long v = ll ? va_arg(ap, long long) : va_arg(ap, int);
			if (v < 0) {
				put(&o, '-');
				put_u(&o, 0ull - (unsigned long long)v, 10);
			} else {
				put_u(&o, (unsigned long long)v, 10);
			}
			break;
		}
		case 'u':
			put_u(&o, ll ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned), 10);
			break;
		case 'x':
			put_u(&o, ll ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned), 16);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			while (*s)
				put(&o, *s++);
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		default: /* a format bug: show it rather than guess */
			put(&o, '?');
			if (!*fmt)
				fmt--;
			break;
		}
	}
	*o.p = 0;
	return (int)(o.p - buf);
}

int nx_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = nx_vfmt(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

size_t nx_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int nx_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

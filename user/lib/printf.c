/*
 * Formatted output: %d %i %u %x %X %p %s %c %%, flags '-' and '0', a
 * width and a precision (digits or '*'), length modifiers l, ll, z.
 * vsnprintf always NUL-terminates (when size > 0) and returns the length
 * the full output would have had, as C says.
 */
#include "ulib.h"

struct out { char *buf; size_t size, len; };

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

/* Emit s[0..n) right- or left-justified in width, zero padding after the sign. */
static void field(struct out *o, const char *s, int n, int width, int left, int zero)
{
	int fill = width > n ? width - n : 0;
	if (!left && zero && n > 0 && s[0] == '-') {
		put(o, '-');
		s++, n--;
	}
	if (!left)
		pad(o, zero ? '0' : ' ', fill);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (left)
		pad(o, ' ', fill);
}

static int utoa(char *tmp, unsigned long long v, unsigned base, int upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char rev[24];
	int n = 0, k = 0;
	do {
		rev[n++] = dig[v % base];
		v /= base;
	} while (v);
	while (n)
		tmp[k++] = rev[--n];
	return k;
}

static int number(char *tmp, char conv, unsigned long long u, int is_signed)
{
	if (is_signed && (long long)u < 0) {
		tmp[0] = '-';
		return 1 + utoa(tmp + 1, -(unsigned long long)u, 10, 0);
	}
	if (conv == 'p') {
		tmp[0] = '0', tmp[1] = 'x';
		return 2 + utoa(tmp + 2, u, 16, 0);
	}
	return utoa(tmp, u, conv == 'x' || conv == 'X' ? 16 : 10, conv == 'X');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		int left = 0, zero = 0, width = 0, prec = -1, lng = 0;
		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++)
			*fmt == '-' ? (left = 1) : (zero = 1);
		if (*fmt == '*')
			width = va_arg(ap, int), fmt++;
		else
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		if (width < 0)
			left = 1, width = -width;
		if (*fmt == '.') {
			prec = 0;
			if (*++fmt == '*')
				prec = va_arg(ap, int), fmt++;
			else
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
		}
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;
		char tmp[32];
		char c = *fmt;
		if (c == 's') {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int n = 0;
			while (s[n] && (prec < 0 || n < prec))
				n++;
			field(&o, s, n, width, left, 0);
		} else if (c == 'c') {
			tmp[0] = (char)va_arg(ap, int);
			field(&o, tmp, 1, width, left, 0);
		} else if (c == 'd' || c == 'i' || c == 'u' || c == 'x' || c == 'X' || c == 'p') {
			int sgn = c == 'd' || c == 'i';
			unsigned long long u;
			if (c == 'p')
				u = (uintptr_t)va_arg(ap, void *);
			else if (lng)
				u = sgn ? (unsigned long long)va_arg(ap, long long) : va_arg(ap, unsigned long long);
			else
				u = sgn ? (unsigned long long)(long long)va_arg(ap, int) : va_arg(ap, unsigned);
			field(&o, tmp, number(tmp, c, u, sgn), width, left, zero && !left);
		} else if (c == '%') {
			put(&o, '%');
		} else {
			put(&o, '%');      /* unknown conversion: show it, do not guess */
			if (!c)
				break;
			put(&o, c);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
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

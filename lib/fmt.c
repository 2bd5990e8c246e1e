/*
 * fmt_vsnprintf: printf formatting into a bounded buffer (lwk/fmt.h),
 * the one formatter behind the kernel's printk and user space's printf.
 * Output goes through one sink that counts every byte but stores only
 * what fits, so the return value is the untruncated length, as in C.
 * Portable: the host tests compare it with the C library's snprintf.
 */
#include <stdint.h>
#include <lwk/fmt.h>
#include <lwk/string.h>

struct sink {
	char *buf;
	size_t size, len;
};

struct spec {
	int left, zero, plus, space, alt;
	int width, prec;          /* prec < 0: none */
	int lmod;                 /* 0 int, 1 long, 2 long long, 3 char, 4 short */
};

static void put(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void pad(struct sink *s, char c, int n)
{
	while (n-- > 0)
		put(s, c);
}

static void put_str(struct sink *s, const struct spec *sp, const char *str)
{
	size_t n, i;

	if (str == NULL)
		str = "(null)";
	n = strnlen(str, sp->prec >= 0 ? (size_t)sp->prec : (size_t)-1);
	if (!sp->left)
		pad(s, ' ', sp->width - (int)n);
	for (i = 0; i < n; i++)
		put(s, str[i]);
	if (sp->left)
		pad(s, ' ', sp->width - (int)n);
}

/* Digits of v in base (lower or upper case), least significant first. */
static int to_digits(uint64_t v, unsigned base, int upper, char *out)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		out[n++] = dig[v % base];
		v /= base;
	} while (v);
	return n;
}

static void put_num(struct sink *s, const struct spec *sp, uint64_t v, int neg,
		    unsigned base, int upper)
{
	char dig[24], prefix[3] = { 0 };
	int nd = 0, np = 0, zeros, total;

	if (!(v == 0 && sp->prec == 0))
		nd = to_digits(v, base, upper, dig);
	if (neg)
		prefix[np++] = '-';
	else if (sp->plus)
		prefix[np++] = '+';
	else if (sp->space)
		prefix[np++] = ' ';
	if (sp->alt && base == 16 && v != 0) {
		prefix[np++] = '0';
		prefix[np++] = upper ? 'X' : 'x';
	} else if (sp->alt && base == 8 && (nd == 0 || dig[nd - 1] != '0')) {
		dig[nd++] = '0';
	}
	zeros = sp->prec > nd ? sp->prec - nd : 0;
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > np + nd)
		zeros = sp->width - np - nd;
	total = np + zeros + nd;
	if (!sp->left)
		pad(s, ' ', sp->width - total);
	for (int i = 0; i < np; i++)
		put(s, prefix[i]);
	pad(s, '0', zeros);
	while (nd--)
		put(s, dig[nd]);
	if (sp->left)
		pad(s, ' ', sp->width - total);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-') sp->left = 1;
		else if (*f == '0') sp->zero = 1;
		else if (*f == '+') sp->plus = 1;
		else if (*f == ' ') sp->space = 1;
		else if (*f == '#') sp->alt = 1;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = 1;
			sp->width = -sp->width;
		}
		f++;
	}
	for (; *f >= '0' && *f <= '9'; f++)
		sp->width = sp->width * 10 + (*f - '0');
	if (*f == '.') {
		sp->prec = 0;
		if (*++f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		for (; *f >= '0' && *f <= '9'; f++)
			sp->prec = sp->prec * 10 + (*f - '0');
	}
	if (f[0] == 'h' && f[1] == 'h') { sp->lmod = 3; f += 2; }
	else if (*f == 'h') { sp->lmod = 4; f++; }
	else if (f[0] == 'l' && f[1] == 'l') { sp->lmod = 2; f += 2; }
	else if (*f == 'l' || *f == 'z' || *f == 't' || *f == 'j') { sp->lmod = 1; f++; }
	return f;
}

static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->lmod) {
	case 1: return va_arg(*ap, long);
	case 2: return va_arg(*ap, long long);
	case 3: return (signed char)va_arg(*ap, int);
	case 4: return (short)va_arg(*ap, int);
	}
	return va_arg(*ap, int);
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->lmod) {
	case 1: return va_arg(*ap, unsigned long);
	case 2: return va_arg(*ap, unsigned long long);
	case 3: return (unsigned char)va_arg(*ap, unsigned);
	case 4: return (unsigned short)va_arg(*ap, unsigned);
	}
	return va_arg(*ap, unsigned);
}

static void convert(struct sink *s, struct spec *sp, char conv, va_list *ap)
{
	int64_t v;
	char c;

	switch (conv) {
	case 'd': case 'i':
		v = arg_signed(sp, ap);
		put_num(s, sp, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0, 10, 0);
		break;
	case 'u': put_num(s, sp, arg_unsigned(sp, ap), 0, 10, 0); break;
	case 'x': put_num(s, sp, arg_unsigned(sp, ap), 0, 16, 0); break;
	case 'X': put_num(s, sp, arg_unsigned(sp, ap), 0, 16, 1); break;
	case 'o': put_num(s, sp, arg_unsigned(sp, ap), 0, 8, 0); break;
	case 'p':
		sp->alt = 1;
		put_num(s, sp, (uintptr_t)va_arg(*ap, void *), 0, 16, 0);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		if (!sp->left)
			pad(s, ' ', sp->width - 1);
		put(s, c);
		if (sp->left)
			pad(s, ' ', sp->width - 1);
		break;
	case 's': put_str(s, sp, va_arg(*ap, const char *)); break;
	case '%': put(s, '%'); break;
	default:  put(s, '%'); put(s, '?'); break;
	}
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { buf, size, 0 };
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&s, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &aq);
		if (*fmt == 0)
			break;
		convert(&s, &sp, *fmt++, &aq);
	}
	va_end(aq);
	if (size)
		buf[s.len < size ? s.len : size - 1] = 0;
	return (int)s.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

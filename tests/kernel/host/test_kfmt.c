/*
 * The shared formatter (lib/fmt.c, ksnprintf in the kernel) against the C library's snprintf on
 * the conversions the kernel uses, plus truncation and the return value.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <lwk/kfmt.h>
#include "tap.h"

#define SAME(fmt, ...)                                                          \
	do {                                                                    \
		char a_[128], b_[128];                                          \
		int na_ = ksnprintf(a_, sizeof(a_), fmt, __VA_ARGS__);          \
		int nb_ = snprintf(b_, sizeof(b_), fmt, __VA_ARGS__);           \
		ok(na_ == nb_ && strcmp(a_, b_) == 0, "%-14s -> \"%s\" (libc \"%s\")", fmt, a_, b_); \
	} while (0)

int main(void)
{
	const char *unknown = "%q";   /* not a literal: the compiler would reject it */
	char buf[8];
	int n;

	SAME("%d", 0);
	SAME("%d", -123);
	SAME("%i|%5d|%-5d|%05d", 42, 42, 42, -42);
	SAME("%+d % d", 7, 7);
	SAME("%u %x %X %o", 4000000000u, 0xbeefu, 0xbeefu, 8u);
	SAME("%#x %#o %#x", 255u, 8u, 0u);
	SAME("%ld %lu %lx", -1L, (unsigned long)UINT64_MAX, 0x123456789abcL);
	SAME("%lld %llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
	SAME("%zu %zx", (size_t)12345, (size_t)0xfff);
	SAME("%hhd %hu", (signed char)-1, (unsigned short)7000);
	SAME("%#018llx", 0x1000ull);
	SAME("0x%016llx", 0x9f000ull);
	SAME("%.3d %.0d|%5.2x", 5, 0, 0xau);
	SAME("%s|%8s|%-8s|%.2s", "abc", "abc", "abc", "abc");
	SAME("%*d|%-*d|%.*s", 6, 1, 6, 2, 3, "abcdef");
	SAME("%c%c%5c", 'a', 'b', 'c');
	SAME("%% %d%%", 100);
	SAME("%p", (void *)0x1234);
	SAME("%s", "");

	n = ksnprintf(buf, sizeof(buf), "%s", "0123456789");
	ok(n == 10 && strcmp(buf, "0123456") == 0, "truncation keeps 7 bytes and a NUL, returns the full length");
	n = ksnprintf(NULL, 0, "%d", 12345);
	ok(n == 5, "size 0 writes nothing and returns the length");
	n = ksnprintf(buf, sizeof(buf), unknown, 0);
	ok(strcmp(buf, "%?") == 0, "an unknown conversion prints %%? (got \"%s\")", buf);
	const char *volatile nothing = NULL;   /* hidden from the format checker */
	ksnprintf(buf, sizeof(buf), "%s", nothing);
	ok(strcmp(buf, "(null)") == 0, "a NULL string prints (null)");
	return tap_done();
}

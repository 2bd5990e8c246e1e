/*
 * strlcpy, apart from string.c because the host tests link it with the C
 * library, which has the rest of string.c but (glibc 2.36) no strlcpy.
 */
#include <lwk/string.h>

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t m = n < size - 1 ? n : size - 1;
		memcpy(dst, src, m);
		dst[m] = 0;
	}
	return n;
}

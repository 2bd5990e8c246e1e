/* Strings without the C library (str.h). */
#include "str.h"

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

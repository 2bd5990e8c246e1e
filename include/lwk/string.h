/*
 * String and memory functions (lib/string.c, lib/strlcpy.c), shared by
 * the kernel and user space.  The compiler may emit calls to
 * memcpy/memset/memmove/memcmp itself, so these names are the standard
 * ones.
 */
#ifndef LWK_STRING_H
#define LWK_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strncpy(char *dst, const char *src, size_t n);
/* Copy at most size-1 bytes and always terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif /* LWK_STRING_H */

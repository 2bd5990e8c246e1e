/* Strings without the C library (nimble/str.c): the engine core uses only
 * memcpy/memset/memcmp, and messages are formatted by lib/fmt.c. */
#ifndef NIMBLE_STR_H
#define NIMBLE_STR_H

#include <stddef.h>

size_t nx_strlen(const char *s);
int nx_streq(const char *a, const char *b);

#endif /* NIMBLE_STR_H */

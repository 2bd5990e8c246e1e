/* The tests' pseudo-random numbers: Marsaglia's xorshift64 (13, 7, 17),
 * reproducible from a seed on every host.  *s must not be 0. */
#ifndef TESTS_XORSHIFT_H
#define TESTS_XORSHIFT_H

#include <stdint.h>

static inline uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#endif /* TESTS_XORSHIFT_H */

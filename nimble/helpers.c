/*
 * Helpers whose meaning is the engine's, not the embedder's: they work
 * on segments, which only the engine knows.  The embedder lists them in
 * its nx_helper_impl table.
 */
#include <string.h>
#include "internal.h"
#include "str.h"

/* copy(dseg, doff, sseg, soff, len): both ranges checked; fault HELPER if not. */
uint64_t nx_helper_copy(struct nx_run *run, const uint64_t *a)
{
	uint8_t *src = nx_run_seg(run, a[2], a[3], a[4], 0);
	uint8_t *dst = nx_run_seg(run, a[0], a[1], a[4], 1);
	if (!src || !dst) {
		nx_run_fault(run, NX_FAULT_HELPER, 0);
		return 0;
	}
	/* Overlapping ranges copy as memmove would. */
	if (dst < src)
		for (uint64_t i = 0; i < a[4]; i++)
			dst[i] = src[i];
	else
		for (uint64_t i = a[4]; i > 0; i--)
			dst[i - 1] = src[i - 1];
	return 0;
}

uint64_t nx_helper_abort(struct nx_run *run, const uint64_t *a)
{
	nx_run_fault(run, NX_FAULT_ABORT, a[0]);
	return 0;
}

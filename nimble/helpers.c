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
	memmove(dst, src, a[4]);   /* the ranges may overlap */
	return 0;
}

/* vcombine(op, dseg, doff, sseg, soff, n): n i64 words combined in place,
 * natively: a collective's combine step costs one helper call instead of
 * an interpreted loop.  Words may be unaligned (memcpy loads them). */
uint64_t nx_helper_vcombine(struct nx_run *run, const uint64_t *a)
{
	uint64_t op = a[0], n = a[5];
	if (op > 2)
		return (uint64_t)-22;   /* EINVAL */
	uint8_t *dst = n <= UINT64_MAX / 8 ? nx_run_seg(run, a[1], a[2], n * 8, 1) : NULL;
	uint8_t *src = dst ? nx_run_seg(run, a[3], a[4], n * 8, 0) : NULL;
	if (!src) {
		nx_run_fault(run, NX_FAULT_HELPER, 0);
		return 0;
	}
	for (uint64_t i = 0; i < n; i++) {
		int64_t d, s;
		__builtin_memcpy(&d, dst + 8 * i, 8);   /* inline, even under -fno-builtin */
		__builtin_memcpy(&s, src + 8 * i, 8);
		d = op == 0 ? (int64_t)((uint64_t)d + (uint64_t)s) : op == 1 ? (s < d ? s : d) : (s > d ? s : d);
		__builtin_memcpy(dst + 8 * i, &d, 8);
	}
	return 0;
}

uint64_t nx_helper_abort(struct nx_run *run, const uint64_t *a)
{
	nx_run_fault(run, NX_FAULT_ABORT, a[0]);
	return 0;
}

/*
 * Helpers whose meaning is the engine's, not the embedder's: they work
 * on segments, which only the engine knows.  The embedder lists them in
 * its nx_helper_impl table.
 */
#include <string.h>
#include "internal.h"
#include "fmt.h"

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

/* Sizes of the CTX structs and their first writable byte, per hook. */
static const struct { uint32_t size, wr; } ctx_shape[NX_HOOK_COUNT] = {
	[NX_HOOK_IRQ]        = { sizeof(struct nx_ctx_irq),   NX_CTX_IRQ_WR },
	[NX_HOOK_TRAP]       = { sizeof(struct nx_ctx_trap),  NX_CTX_TRAP_WR },
	[NX_HOOK_SCHED_PICK] = { sizeof(struct nx_ctx_sched), NX_CTX_SCHED_WR },
	[NX_HOOK_NET_RX]     = { sizeof(struct nx_ctx_net),   NX_CTX_NET_WR },
};

/* Bit hook * NX_SEG_COUNT + s is set iff hooks.h lists an RW field on
 * buffer segment s of that hook: one constant, so nx_env_setup (once per
 * event) does not walk the field list. */
#define NX_RW_BIT(h, arr, name, s, off, type, count, stride, acc) \
	| ((acc) == NX_RW && (s) != NX_SEG_CTX ? 1ull << (NX_HOOK_##h * NX_SEG_COUNT + (s)) : 0)
static const uint64_t buf_rw_bits = 0 NX_CTX_FIELDS(NX_RW_BIT);
#undef NX_RW_BIT
_Static_assert(NX_HOOK_COUNT * NX_SEG_COUNT <= 64, "buf_rw_bits holds a bit per (hook, segment)");

static int buf_writable(unsigned hook, unsigned seg)
{
	return (buf_rw_bits >> (hook * NX_SEG_COUNT + seg)) & 1;
}

void nx_env_setup(struct nx_env *env, enum nx_hook_id hook, void *ctx,
		  void *buf0, uint64_t len0, void *buf1, uint64_t len1)
{
	unsigned h = (unsigned)hook < NX_HOOK_COUNT ? hook : NX_HOOK_NONE;
	env->seg[NX_SEG_CTX] = (struct nx_seg){ ctx, ctx ? ctx_shape[h].size : 0, ctx_shape[h].wr };
	env->seg[NX_SEG_BUF0] = (struct nx_seg){ buf0, len0, buf_writable(h, NX_SEG_BUF0) ? 0 : len0 };
	env->seg[NX_SEG_BUF1] = (struct nx_seg){ buf1, len1, buf_writable(h, NX_SEG_BUF1) ? 0 : len1 };
}

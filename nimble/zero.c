/*
 * Which registers must start at zero: the range a CALL cell zeroes and
 * the range an entry from the host zeroes.  The ISA starts a callee's
 * registers above its arguments at 0, and the reference interpreter
 * defines that zero everywhere it can be seen: read by the callee before
 * it writes the register, or read by a caller after the call (the
 * callee's frame overlaps the caller's registers above r[a], so a callee
 * path that returns without writing a register leaves the zero there).
 * A callee's register j needs the zero if
 *   U: some path from the entry reads j before writing it, or
 *   X and OBS: some path reaches a RET without writing j, and j is
 *      observable after the callee returns: r[a + j] is live after some
 *      CALL of it (live in the caller, or observable after the caller
 *      returns, recursively; an exported function's registers all are,
 *      XCALL callers are not analysed).
 * Registers are bit sets of 64 (frame offsets; "far" stands for offsets
 * 64 and up); a function with more registers, analyses that do not settle
 * within a few passes, or a failed allocation keep the full zeroing.
 * The CALL cell zeroes [lo, hi) of the needed set: c = lo, d = hi - lo.
 */
#include "translate.h"

enum { ZMAX_PASSES = 32, ZMAX_ROUNDS = 16 };

struct zfn {
	uint64_t need;      /* U, then U | (X & OBS)                */
	uint64_t entry;     /* U: what an entry from the host zeroes */
	uint64_t exitw;     /* X: maybe unwritten at some RET        */
	uint64_t obs;       /* observable after return               */
	int far, ok;        /* offsets >= 64 observable; analysed     */
};

/* U and X of f by a forward must-write analysis; st[k] holds, per
 * instruction k of f, the registers written on every path to it (~0 =
 * not reached yet). */
static int zero_forward(const struct nx_ext *e, const struct nx_fn *f, uint64_t *st, struct zfn *z)
{
	for (uint32_t k = 0; k < f->len; k++)
		st[k] = ~0ull;
	st[0] = nx_bits_below(f->nargs);
	uint8_t changed = 1;
	for (unsigned pass = 0; changed; pass++) {
		if (pass == ZMAX_PASSES)
			return 0;
		changed = 0;
		for (uint32_t k = 0; k < f->len; k++) {
			uint64_t use, def;
			uint32_t s[2];
			nx_insn_regs(e->code[f->start + k], &use, &def);
			unsigned n = nx_insn_succ(e, f->start + k, s);
			for (unsigned j = 0; j < n; j++) {
				uint64_t *t = &st[s[j] - f->start], v = *t & (st[k] | def);
				changed |= v != *t;
				*t = v;
			}
		}
	}
	/* An unreached instruction kept ~0 and adds nothing here. */
	for (uint32_t k = 0; k < f->len; k++) {
		uint64_t w = e->code[f->start + k], use, def;
		nx_insn_regs(w, &use, &def);
		z->need |= use & ~st[k];
		if (NX_INSN_OP(w) == NX_OP_RET)
			z->exitw |= ~(st[k] | 1);
	}
	uint64_t frame = nx_bits_below(f->nregs) & ~nx_bits_below(f->nargs);
	z->need &= frame;
	z->exitw &= frame;
	z->entry = z->need;
	return 1;
}

/* Backward liveness of f given what its own callers observe; adds to the
 * obs of every function f calls (*grew set if any changed).  Returns 0 if
 * it does not settle. */
static int zero_backward(const struct nx_ext *e, uint32_t fi, uint64_t *st, struct zfn *zf, int *grew)
{
	const struct nx_fn *f = &e->fn[fi];
	uint64_t *in = st + f->start;   /* f's part: kept for nx_fuse */
	if (!nx_live(e, f, zf[fi].obs, in))
		return 0;
	for (uint32_t k = 0; k < f->len; k++) {
		uint64_t w = e->code[f->start + k];
		if (NX_INSN_OP(w) != NX_OP_CALL)
			continue;
		unsigned a = NX_INSN_A(w);
		struct zfn *g = &zf[NX_INSN_IMM(w)];
		uint64_t out = k + 1 < f->len ? in[k + 1] : 0, obs = g->obs | out >> a;
		int far = g->far;
		if (zf[fi].far) {
			obs |= a ? ~0ull << (64 - a) : 0;
			far = 1;
		}
		*grew |= obs != g->obs || far != g->far;
		g->obs = obs;
		g->far = far;
	}
	return 1;
}

/* Sets need for every function; returns 0 to keep the full zeroing. */
static int zero_analyse(const struct nx_ext *e, struct zfn *zf, uint64_t *st)
{
	for (uint32_t fi = 0; fi < e->nfn; fi++)
		if (e->fn[fi].nregs > 64 || !zero_forward(e, &e->fn[fi], st + e->fn[fi].start, &zf[fi]))
			return 0;
	for (uint32_t k = 0; k < e->nexports; k++) {
		zf[e->exports[k].func].obs = ~0ull;
		zf[e->exports[k].func].far = 1;
	}
	for (unsigned round = 0; round < ZMAX_ROUNDS; round++) {
		int grew = 0;
		for (uint32_t fi = 0; fi < e->nfn; fi++)
			if (!zero_backward(e, fi, st, zf, &grew))
				return 0;
		if (!grew) {
			for (uint32_t fi = 0; fi < e->nfn; fi++)
				zf[fi].need |= zf[fi].exitw & zf[fi].obs;
			return 1;
		}
	}
	return 0;
}

/* [lo, lo + n) of the registers in need, for a CALL cell or an entry. */
static void need_range(uint64_t need, uint8_t *lo, uint8_t *n)
{
	unsigned l = need ? (unsigned)__builtin_ctzll(need) : 0;
	unsigned h = need ? 64 - (unsigned)__builtin_clzll(need) : 0;
	*lo = (uint8_t)l;
	*n = (uint8_t)(h - l);
}

/*
 * Give every CALL cell the range of its callee's registers to zero, and
 * every function the range an entry from the host (nx_run, nx_fire)
 * zeroes: the registers it reads before writing (U); after the run only
 * r[0], which RET writes, is seen.  Without the analysis both stay full.
 * st (one word per instruction, or NULL: no analysis) is the work array;
 * returns 1 when the analysis settled, st then holding every function's
 * liveness (live.c) under what its callers observe, for nx_fuse.
 */
int nx_zero_ranges(struct nx_ext *e, uint64_t *st)
{
	size_t zsize = e->nfn * sizeof(struct zfn);
	struct zfn *zf = nx_host_alloc(zsize);
	int known = 0;
	for (uint32_t fi = 0; fi < e->nfn; fi++) {
		struct nx_fn *f = &e->fn[fi];
		f->zlo = f->nargs;
		f->zn = (uint8_t)(f->nregs - f->nargs);
		f->obs = ~0ull;
	}
	if (zf && st) {
		for (uint32_t fi = 0; fi < e->nfn; fi++)
			zf[fi] = (struct zfn){ 0 };
		if ((known = zero_analyse(e, zf, st)) != 0) {
			for (uint32_t i = 0; i < e->ncode; i++)
				if (NX_INSN_OP(e->code[i]) == NX_OP_CALL)
					need_range(zf[NX_INSN_IMM(e->code[i])].need, &e->cells[i].c, &e->cells[i].d);
			for (uint32_t fi = 0; fi < e->nfn; fi++) {
				need_range(zf[fi].entry, &e->fn[fi].zlo, &e->fn[fi].zn);
				e->fn[fi].obs = zf[fi].obs;
			}
		}
	}
	if (zf)
		nx_host_free(zf, zsize);
	return known;
}

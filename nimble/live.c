/*
 * Register liveness over one function's instructions, for the translator:
 * zero.c asks which registers a caller observes, fuse.c which results a
 * pair may keep out of the frame.  Registers are bit sets of 64 (frame
 * offsets); callers analyse only functions with nregs <= 64.
 */
#include "translate.h"

enum { LIVE_MAX_PASSES = 32 };

uint64_t nx_bits_below(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* Registers instruction w reads and writes (a CALL's window above r[a]
 * may keep its old values: not a write).  The static inline versions are
 * what nx_live's passes run: out-of-line calls per instruction and pass
 * made translation 6% slower. */
static inline void insn_regs(uint64_t w, uint64_t *use, uint64_t *def)
{
	unsigned a = NX_INSN_A(w), b = NX_INSN_B(w), c = NX_INSN_C(w);
	enum nx_fmt fmt = nx_op_fmt(NX_INSN_OP(w));
	unsigned reads = nx_fmt_reads(fmt);
	*use = (reads & NX_FA ? 1ull << a : 0) | (reads & NX_FB ? 1ull << b : 0) |
	       (reads & NX_FC ? 1ull << c : 0);
	*def = nx_fmt_writes(fmt) & NX_FA ? 1ull << a : 0;
	if (nx_fmt_fields(fmt) & NX_FWIN)   /* the arguments r[a] .. r[a+c-1] */
		*use = nx_bits_below(a + c) & ~nx_bits_below(a);
}

void nx_insn_regs(uint64_t w, uint64_t *use, uint64_t *def)
{
	insn_regs(w, use, def);
}

/* Successors of instruction i: fall-through and branch target. */
static inline unsigned insn_succ(const struct nx_ext *e, uint32_t i, uint32_t s[2])
{
	uint64_t w = e->code[i];
	unsigned op = NX_INSN_OP(w), n = 0;
	if (op != NX_OP_JMP && op != NX_OP_RET)
		s[n++] = i + 1;
	if (nx_is_branch(w))
		s[n++] = (uint32_t)((int64_t)i + 1 + nx_branch_off(w));
	return n;
}

unsigned nx_insn_succ(const struct nx_ext *e, uint32_t i, uint32_t s[2])
{
	return insn_succ(e, i, s);
}

static inline uint64_t live_out(const struct nx_ext *e, const struct nx_fn *f, uint64_t obs,
				const uint64_t *in, uint32_t k)
{
	uint32_t s[2];
	if (NX_INSN_OP(e->code[f->start + k]) == NX_OP_RET)
		return obs;
	uint64_t out = 0;
	unsigned n = insn_succ(e, f->start + k, s);
	for (unsigned j = 0; j < n; j++)
		out |= in[s[j] - f->start];
	return out;
}

/*
 * in[k]: the registers live before instruction k of f, when a RET hands
 * its caller the registers in obs (RET writes r0 itself).  Returns 0 if
 * the analysis does not settle within a few passes.
 */
int nx_live(const struct nx_ext *e, const struct nx_fn *f, uint64_t obs, uint64_t *in)
{
	for (uint32_t k = 0; k < f->len; k++)
		in[k] = 0;
	uint8_t changed = 1;
	for (unsigned pass = 0; changed; pass++) {
		if (pass == LIVE_MAX_PASSES)
			return 0;
		changed = 0;
		for (uint32_t k = f->len; k-- > 0;) {
			uint64_t v = live_out(e, f, obs, in, k), use, def;
			insn_regs(e->code[f->start + k], &use, &def);
			if (NX_INSN_OP(e->code[f->start + k]) == NX_OP_RET)
				def = 1;
			v = use | (v & ~def);
			changed |= v != in[k];
			in[k] = v;
		}
	}
	return 1;
}

/* The registers live after instruction k, from in[] (nx_live). */
uint64_t nx_live_out(const struct nx_ext *e, const struct nx_fn *f, uint64_t obs, const uint64_t *in, uint32_t k)
{
	return live_out(e, f, obs, in, k);
}

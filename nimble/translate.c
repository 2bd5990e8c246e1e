/*
 * Translation of verified bytecode into direct-threaded code.
 *
 * Cell i is instruction i (see struct nx_cell): the handler address comes
 * from the handler set's label table, operands are decoded once here, a
 * branch's target becomes a cell pointer, a backward branch gets the
 * variant that burns fuel, a CALL carries its callee's first cell and
 * frame size, an HCALL its helper id.  Then fuse() replaces the handler
 * of the first cell of a recognised sequence with a superinstruction
 * (fusion never changes a later cell, which translate_one alone wrote).
 */
#include "internal.h"

static int32_t branch_off(uint64_t w)
{
	return nx_op_fmt(NX_INSN_OP(w)) == NX_F_BRI ? NX_INSN_OFF16(w) : NX_INSN_IMM(w);
}

static unsigned back_handler(unsigned op)
{
	switch (op) {
#define NX_ROW(name, fmt, e) case NX_OP_##name: return NX_H_##name##_B;
	NX_ISA(NX_ONLY_BRANCH)
#undef NX_ROW
	}
	return op;
}

static void translate_one(struct nx_ext *e, const void *const *lab, uint32_t i)
{
	uint64_t w = e->code[i];
	unsigned op = NX_INSN_OP(w);
	struct nx_cell *c = &e->cells[i];
	*c = (struct nx_cell){ .h = lab[op], .a = (uint8_t)NX_INSN_A(w), .b = (uint8_t)NX_INSN_B(w),
			       .c = (uint8_t)NX_INSN_C(w), .imm = NX_INSN_IMM(w) };
	switch (nx_op_fmt(op)) {
	case NX_F_J: case NX_F_BRR: case NX_F_BRI: {
		int32_t off = branch_off(w);
		c->x.t = &e->cells[(int64_t)i + 1 + off];
		if (off < 0)
			c->h = lab[back_handler(op)];
		break;
	}
	case NX_F_CALL:
		if (op == NX_OP_CALL) {
			const struct nx_fn *f = &e->fn[c->imm];
			c->x.t = &e->cells[f->start];
			c->b = f->nregs;
			c->c = f->nargs;
			c->d = (uint8_t)(f->nregs - f->nargs);
		} else if (op == NX_OP_HCALL) {
			c->x.f = e->helper[c->imm];
		} else {
			c->x.f = (uint32_t)c->imm;
		}
		break;
	default:
		break;
	}
}

/*
 * Superinstructions, chosen from what extc emits for loops over arrays:
 *   VSUM64      SHLI t,i,k; LD64 x,seg[t+K]; ADD acc,acc,x; ADDI i,i,1; JLTU i,n,->SHLI
 *   VADD64      SHLI t1,i,3; LD64 x,D[t1+K1]; [SHLI t2,i,3;] LD64 y,S[t2+K2]; ADD z,x,y;
 *               ST64 D[t1+K1],z; ADDI i,i,1; JLTU i,n,->SHLI
 *   SHLI_LD*    SHLI t,i,k; LD* d,seg[t+K]
 *   ADDI_J*_B   ADDI a,b,imm; JLTU/JLTS/JNE c,d,->backward
 *   ADDI_CALL   ADDI a,b,imm; CALL
 *   ADDI_JLTUI_B ADDI a,b,imm; JLTUI c,k,->backward
 *   ADD_LOOP    ADD a,b,c; ADDI i,i,J; JLTU i,n,->ADD
 *   MASKNE32    LD32 a,seg[b+K1]; AND d,a,v; LD32 t,seg[b+K2]; JNE d,t,->forward
 *               (MASKNE32_NA when b is not a or d, v is not a, d is not t)
 *   LDBE16/32   LD8 a,seg[b+K]; SHLI a,a,8(N-1); N-1 times: LD8 t,seg[b+K+j];
 *               [SHLI t,t,8(N-1-j);] OR a,a,t   (a big-endian field)
 *   ARGMAX_*    SHLI t,i,k; LDS32|LD64 p,seg[t+K]; JLES p,bp,+2; MOV bp,p;
 *               ADDI best,i,J; ADDI i,i,1; JLTU i,n,->SHLI
 * Only sequences inside one function are fused; cells after the first
 * keep their own handlers, so a branch into the middle still works.
 */
static int in_func(const struct nx_fn *f, uint32_t i, uint32_t n)
{
	return i + n <= f->start + f->len;
}

static int fuse_vsum(struct nx_ext *e, const struct nx_fn *f, uint32_t i, const void *const *lab)
{
	if (!in_func(f, i, 5))
		return 0;
	const uint64_t *w = &e->code[i];
	unsigned t = NX_INSN_A(w[0]), iv = NX_INSN_B(w[0]), x = NX_INSN_A(w[1]), acc = NX_INSN_A(w[2]);
	unsigned other = NX_INSN_B(w[2]) == acc ? NX_INSN_C(w[2]) : NX_INSN_B(w[2]), n = NX_INSN_B(w[4]);
	if (NX_INSN_OP(w[0]) != NX_OP_SHLI || NX_INSN_OP(w[1]) != NX_OP_LD64 || NX_INSN_B(w[1]) != t ||
	    NX_INSN_OP(w[2]) != NX_OP_ADD || (NX_INSN_B(w[2]) != acc && NX_INSN_C(w[2]) != acc) || other != x ||
	    w[3] != NX_INSN(NX_OP_ADDI, iv, iv, 0, 1) || NX_INSN_OP(w[4]) != NX_OP_JLTU ||
	    NX_INSN_A(w[4]) != iv || NX_INSN_IMM(w[4]) != -5)
		return 0;
	/* acc, i, n distinct; t and x none of them (x may equal t). */
	if (acc == iv || acc == n || iv == n || t == acc || t == iv || t == n || x == acc || x == iv || x == n)
		return 0;
	struct nx_cell *c = &e->cells[i];
	c->h = lab[NX_H_VSUM64];
	c->c = (uint8_t)NX_INSN_C(w[1]);
	c->d = (uint8_t)x;
	c->x.k = NX_INSN_IMM(w[1]);
	c->y.k = acc | n << 8;
	return 1;
}

/* VADD64 in its two shapes: a second SHLI for the source index, or not. */
static int fuse_vadd(struct nx_ext *e, const struct nx_fn *f, uint32_t i, const void *const *lab)
{
	const uint64_t *w = &e->code[i];
	unsigned two = in_func(f, i, 8) && NX_INSN_OP(w[2]) == NX_OP_SHLI, len = two ? 8 : 7;
	if (!in_func(f, i, len))
		return 0;
	const uint64_t *l = w + len - 7;   /* the shared tail: LD y; ADD; ST; ADDI; JLTU */
	unsigned iv = NX_INSN_B(w[0]), t1 = NX_INSN_A(w[0]), x = NX_INSN_A(w[1]);
	unsigned t2 = two ? NX_INSN_A(w[2]) : t1, y = NX_INSN_A(l[2]), z = NX_INSN_A(l[3]), n = NX_INSN_B(l[6]);
	unsigned D = NX_INSN_C(w[1]), S = NX_INSN_C(l[2]);
	int32_t K1 = NX_INSN_IMM(w[1]), K2 = NX_INSN_IMM(l[2]);
	if (w[0] != NX_INSN(NX_OP_SHLI, t1, iv, 0, 3) || w[1] != NX_INSN(NX_OP_LD64, x, t1, D, K1) ||
	    (two && w[2] != NX_INSN(NX_OP_SHLI, t2, iv, 0, 3)) || l[2] != NX_INSN(NX_OP_LD64, y, t2, S, K2) ||
	    (l[3] != NX_INSN(NX_OP_ADD, z, x, y, 0) && l[3] != NX_INSN(NX_OP_ADD, z, y, x, 0)) ||
	    l[4] != NX_INSN(NX_OP_ST64, z, t1, D, K1) || l[5] != NX_INSN(NX_OP_ADDI, iv, iv, 0, 1) ||
	    NX_INSN_OP(l[6]) != NX_OP_JLTU || NX_INSN_A(l[6]) != iv || NX_INSN_IMM(l[6]) != -(int32_t)len)
		return 0;
	/* i and n live across the loop; t1 until the store (t2 until the second
	 * load); x until the add. */
	unsigned tmp[] = { t1, t2, x, y, z };
	for (unsigned k = 0; k < 5; k++)
		if (tmp[k] == iv || tmp[k] == n)
			return 0;
	if (iv == n || t1 == x || t1 == y || t1 == z || (two && t1 == t2) || x == t2 || x == y)
		return 0;
	struct nx_cell *c = &e->cells[i];
	c->h = lab[NX_H_VADD64];
	c->c = (uint8_t)D;
	c->d = (uint8_t)x;
	c->x.k = (int64_t)((uint64_t)(uint32_t)K1 | (uint64_t)(uint32_t)K2 << 32);
	c->y.k = (int64_t)(n | t2 << 8 | y << 16 | z << 24 | (uint64_t)S << 32 | (uint64_t)len << 40);
	return 1;
}

/* Length of a big-endian N-byte assembly (N = 2 or 4) at i, or 0. */
static unsigned ldbe_len(const struct nx_ext *e, const struct nx_fn *f, uint32_t i, unsigned N)
{
	unsigned len = 3 * N - 2;
	if (!in_func(f, i, len))
		return 0;
	const uint64_t *w = &e->code[i];
	unsigned a = NX_INSN_A(w[0]), b = NX_INSN_B(w[0]), seg = NX_INSN_C(w[0]), t = NX_INSN_A(w[2]);
	int64_t K = NX_INSN_IMM(w[0]);
	if (NX_INSN_OP(w[0]) != NX_OP_LD8 || w[1] != NX_INSN(NX_OP_SHLI, a, a, 0, 8 * (N - 1)) ||
	    a == b || t == a || t == b || K + N - 1 > INT32_MAX)
		return 0;
	unsigned k = 2;
	for (unsigned j = 1; j < N; j++) {
		if (w[k++] != NX_INSN(NX_OP_LD8, t, b, seg, (int32_t)(K + j)))
			return 0;
		if (j < N - 1 && w[k++] != NX_INSN(NX_OP_SHLI, t, t, 0, 8 * (N - 1 - j)))
			return 0;
		if (w[k] != NX_INSN(NX_OP_OR, a, a, t, 0) && w[k] != NX_INSN(NX_OP_OR, a, t, a, 0))
			return 0;
		k++;
	}
	return len;
}

static int fuse_ldbe(struct nx_ext *e, const struct nx_fn *f, uint32_t i, const void *const *lab)
{
	unsigned h = ldbe_len(e, f, i, 4) ? NX_H_LDBE32 : ldbe_len(e, f, i, 2) ? NX_H_LDBE16 : 0;
	if (!h)
		return 0;
	e->cells[i].h = lab[h];
	e->cells[i].d = (uint8_t)NX_INSN_A(e->code[i + 2]);
	return 1;
}

/* The scheduler's argmax loop over a strided field (exec_body.h). */
static int fuse_argmax(struct nx_ext *e, const struct nx_fn *f, uint32_t i, const void *const *lab)
{
	if (!in_func(f, i, 7))
		return 0;
	const uint64_t *w = &e->code[i];
	unsigned t = NX_INSN_A(w[0]), iv = NX_INSN_B(w[0]), p = NX_INSN_A(w[1]), op1 = NX_INSN_OP(w[1]);
	unsigned bp = NX_INSN_B(w[2]), best = NX_INSN_A(w[4]), n = NX_INSN_B(w[6]);
	if (NX_INSN_OP(w[0]) != NX_OP_SHLI || (op1 != NX_OP_LDS32 && op1 != NX_OP_LD64) || NX_INSN_B(w[1]) != t ||
	    w[2] != NX_INSN(NX_OP_JLES, p, bp, 0, 2) || w[3] != NX_INSN(NX_OP_MOV, bp, p, 0, 0) ||
	    NX_INSN_OP(w[4]) != NX_OP_ADDI || NX_INSN_B(w[4]) != iv ||
	    w[5] != NX_INSN(NX_OP_ADDI, iv, iv, 0, 1) || w[6] != NX_INSN(NX_OP_JLTU, iv, n, 0, -7))
		return 0;
	/* i, n, bp, best live across the loop and are distinct; t and p are
	 * scratch (t may equal p: the load overwrites the index). */
	unsigned live[] = { iv, n, bp, best };
	for (unsigned a = 0; a < 4; a++) {
		for (unsigned b = a + 1; b < 4; b++)
			if (live[a] == live[b])
				return 0;
		if (live[a] == t || live[a] == p)
			return 0;
	}
	struct nx_cell *c = &e->cells[i];
	c->h = lab[op1 == NX_OP_LDS32 ? NX_H_ARGMAX_LDS32 : NX_H_ARGMAX_LD64];
	c->c = (uint8_t)NX_INSN_C(w[1]);
	c->d = (uint8_t)p;
	c->x.k = (int64_t)((uint64_t)(uint32_t)NX_INSN_IMM(w[1]) | (uint64_t)(uint32_t)NX_INSN_IMM(w[4]) << 32);
	c->y.k = bp | best << 8 | n << 16;
	return 1;
}

/* LD32 a,seg[b+K1]; AND d,a,v; LD32 t,seg[b+K2]; JNE d,t,->forward at i? */
static int maskne_at(const struct nx_ext *e, const struct nx_fn *f, uint32_t i)
{
	if (!in_func(f, i, 4))
		return 0;
	const uint64_t *w = &e->code[i];
	unsigned a = NX_INSN_A(w[0]), b = NX_INSN_B(w[0]), seg = NX_INSN_C(w[0]), d = NX_INSN_A(w[1]);
	unsigned p = NX_INSN_B(w[1]), q = NX_INSN_C(w[1]), t = NX_INSN_A(w[2]);
	unsigned ja = NX_INSN_A(w[3]), jb = NX_INSN_B(w[3]);
	return NX_INSN_OP(w[0]) == NX_OP_LD32 && NX_INSN_OP(w[1]) == NX_OP_AND && (p == a || q == a) &&
	       NX_INSN_OP(w[2]) == NX_OP_LD32 && NX_INSN_B(w[2]) == b && NX_INSN_C(w[2]) == seg &&
	       NX_INSN_OP(w[3]) == NX_OP_JNE && NX_INSN_IMM(w[3]) >= 0 &&
	       ((ja == d && jb == t) || (ja == t && jb == d));
}

static int fuse_maskne(struct nx_ext *e, const struct nx_fn *f, uint32_t i, const void *const *lab)
{
	if (!maskne_at(e, f, i))
		return 0;
	const uint64_t *w = &e->code[i];
	unsigned a = NX_INSN_A(w[0]), p = NX_INSN_B(w[1]), v = p == a ? NX_INSN_C(w[1]) : p;
	unsigned b = NX_INSN_B(w[0]), d = NX_INSN_A(w[1]), t = NX_INSN_A(w[2]);
	struct nx_cell *c = &e->cells[i];
	c->h = lab[b != a && b != d && v != a && d != t ? NX_H_MASKNE32_NA : NX_H_MASKNE32];
	c->d = (uint8_t)d;
	c->x.t = e->cells[i + 3].x.t;
	c->y.k = (int64_t)(v | t << 8 | (uint64_t)(uint32_t)NX_INSN_IMM(w[2]) << 32);
	return 1;
}

static int fuse_shli_ld(struct nx_ext *e, const struct nx_fn *f, uint32_t i, const void *const *lab)
{
	static const unsigned h[] = {
		[NX_OP_LD8] = NX_H_SHLI_LD8, [NX_OP_LD16] = NX_H_SHLI_LD16, [NX_OP_LD32] = NX_H_SHLI_LD32,
		[NX_OP_LD64] = NX_H_SHLI_LD64, [NX_OP_LDS8] = NX_H_SHLI_LDS8, [NX_OP_LDS16] = NX_H_SHLI_LDS16,
		[NX_OP_LDS32] = NX_H_SHLI_LDS32,
	};
	/* A SHLI feeding a MASKNE32 row test stays plain: fusing it with the
	 * load would skip the row test's fused cell (4 dispatches, not 2). */
	if (!in_func(f, i, 2) || maskne_at(e, f, i + 1))
		return 0;
	uint64_t w0 = e->code[i], w1 = e->code[i + 1];
	unsigned op1 = NX_INSN_OP(w1);
	if (NX_INSN_OP(w0) != NX_OP_SHLI || nx_op_fmt(op1) != NX_F_LD || NX_INSN_B(w1) != NX_INSN_A(w0))
		return 0;
	struct nx_cell *c = &e->cells[i];
	c->h = lab[h[op1]];
	c->c = (uint8_t)NX_INSN_C(w1);
	c->d = (uint8_t)NX_INSN_A(w1);
	c->x.k = NX_INSN_IMM(w1);
	return 1;
}

static int fuse_addi_j(struct nx_ext *e, const struct nx_fn *f, uint32_t i, const void *const *lab)
{
	if (!in_func(f, i, 2))
		return 0;
	uint64_t w0 = e->code[i], w1 = e->code[i + 1];
	unsigned op1 = NX_INSN_OP(w1);
	unsigned h = op1 == NX_OP_JLTU ? NX_H_ADDI_JLTU_B : op1 == NX_OP_JLTS ? NX_H_ADDI_JLTS_B
		   : op1 == NX_OP_JNE ? NX_H_ADDI_JNE_B : 0;
	if (NX_INSN_OP(w0) == NX_OP_ADDI && op1 == NX_OP_CALL) {
		e->cells[i].h = lab[NX_H_ADDI_CALL];
		return 1;
	}
	if (NX_INSN_OP(w0) == NX_OP_ADDI && op1 == NX_OP_JLTUI && NX_INSN_OFF16(w1) < 0) {
		struct nx_cell *c = &e->cells[i];
		c->h = lab[NX_H_ADDI_JLTUI_B];
		c->c = (uint8_t)NX_INSN_A(w1);
		c->y.k = NX_INSN_IMM(w1);
		c->x.t = e->cells[i + 1].x.t;
		return 1;
	}
	if (NX_INSN_OP(w0) != NX_OP_ADDI || !h || NX_INSN_IMM(w1) >= 0)
		return 0;
	struct nx_cell *c = &e->cells[i];
	c->h = lab[h];
	c->c = (uint8_t)NX_INSN_A(w1);
	c->d = (uint8_t)NX_INSN_B(w1);
	c->x.t = e->cells[i + 1].x.t;
	return 1;
}

static int fuse_add_loop(struct nx_ext *e, const struct nx_fn *f, uint32_t i, const void *const *lab)
{
	if (!in_func(f, i, 3))
		return 0;
	const uint64_t *w = &e->code[i];
	unsigned iv = NX_INSN_A(w[1]);
	if (NX_INSN_OP(w[0]) != NX_OP_ADD || NX_INSN_OP(w[1]) != NX_OP_ADDI || NX_INSN_B(w[1]) != iv ||
	    NX_INSN_OP(w[2]) != NX_OP_JLTU || NX_INSN_A(w[2]) != iv || NX_INSN_IMM(w[2]) != -3)
		return 0;
	unsigned a = NX_INSN_A(w[0]), n = NX_INSN_B(w[2]);
	uint64_t known = a != iv && a != n && iv != n && NX_INSN_IMM(w[1]) == 1;   /* trip count */
	struct nx_cell *c = &e->cells[i];
	c->h = lab[NX_H_ADD_LOOP];
	c->d = (uint8_t)iv;
	c->y.k = (int64_t)(n | known << 8 | (uint64_t)(uint32_t)NX_INSN_IMM(w[1]) << 32);
	return 1;
}

/* Longest idioms first: the first fuser that matches at i wins. */
static int (*const fusers[])(struct nx_ext *, const struct nx_fn *, uint32_t, const void *const *) = {
	fuse_argmax, fuse_ldbe, fuse_vsum, fuse_vadd, fuse_maskne, fuse_add_loop, fuse_shli_ld, fuse_addi_j,
};

static void fuse(struct nx_ext *e, const void *const *lab)
{
	for (uint32_t fi = 0; fi < e->nfn; fi++) {
		const struct nx_fn *f = &e->fn[fi];
		for (uint32_t i = f->start; i < f->start + f->len; i++)
			for (unsigned k = 0; k < sizeof fusers / sizeof fusers[0]; k++)
				if (fusers[k](e, f, i, lab))
					break;
	}
}

/*
 * Which registers a CALL must zero.  The ISA starts a callee's registers
 * above its arguments at 0, and the reference interpreter defines that
 * zero everywhere it can be seen: read by the callee before it writes the
 * register, or read by a caller after the call (the callee's frame
 * overlaps the caller's registers above r[a], so a callee path that
 * returns without writing a register leaves the zero there).  A callee's
 * register j needs the zero if
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
enum { ZMAX_PASSES = 32, ZMAX_ROUNDS = 16 };

struct zfn {
	uint64_t need;      /* U, then U | (X & OBS)                */
	uint64_t entry;     /* U: what an entry from the host zeroes */
	uint64_t exitw;     /* X: maybe unwritten at some RET        */
	uint64_t obs;       /* observable after return               */
	int far, ok;        /* offsets >= 64 observable; analysed     */
};

static uint64_t bits_below(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* Registers instruction w reads and writes (a CALL's window above r[a]
 * may keep its old values: not a write). */
static void insn_regs(uint64_t w, uint64_t *use, uint64_t *def)
{
	unsigned a = NX_INSN_A(w), b = NX_INSN_B(w), c = NX_INSN_C(w);
	enum nx_fmt fmt = nx_op_fmt(NX_INSN_OP(w));
	unsigned reads = nx_fmt_reads(fmt);
	*use = (reads & NX_FA ? 1ull << a : 0) | (reads & NX_FB ? 1ull << b : 0) |
	       (reads & NX_FC ? 1ull << c : 0);
	*def = nx_fmt_writes(fmt) & NX_FA ? 1ull << a : 0;
	if (nx_fmt_fields(fmt) & NX_FWIN)   /* the arguments r[a] .. r[a+c-1] */
		*use = bits_below(a + c) & ~bits_below(a);
}

/* Successors of instruction i of f: fall-through and branch target. */
static unsigned insn_succ(const struct nx_ext *e, uint32_t i, uint32_t s[2])
{
	uint64_t w = e->code[i];
	unsigned op = NX_INSN_OP(w), n = 0;
	enum nx_fmt fmt = nx_op_fmt(op);
	if (op != NX_OP_JMP && op != NX_OP_RET)
		s[n++] = i + 1;
	if (fmt == NX_F_J || fmt == NX_F_BRR || fmt == NX_F_BRI)
		s[n++] = (uint32_t)((int64_t)i + 1 + branch_off(w));
	return n;
}

/* U and X of f by a forward must-write analysis; st[] holds, per
 * instruction, the registers written on every path to it (~0 = not
 * reached yet). */
static int zero_forward(const struct nx_ext *e, const struct nx_fn *f, uint64_t *st, struct zfn *z)
{
	for (uint32_t k = 0; k < f->len; k++)
		st[k] = ~0ull;
	st[0] = bits_below(f->nargs);
	uint8_t changed = 1;
	for (unsigned pass = 0; changed; pass++) {
		if (pass == ZMAX_PASSES)
			return 0;
		changed = 0;
		for (uint32_t k = 0; k < f->len; k++) {
			uint64_t use, def;
			uint32_t s[2];
			insn_regs(e->code[f->start + k], &use, &def);
			unsigned n = insn_succ(e, f->start + k, s);
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
		insn_regs(w, &use, &def);
		z->need |= use & ~st[k];
		if (NX_INSN_OP(w) == NX_OP_RET)
			z->exitw |= ~(st[k] | 1);
	}
	uint64_t frame = bits_below(f->nregs) & ~bits_below(f->nargs);
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
	for (uint32_t k = 0; k < f->len; k++)
		st[k] = 0;
	uint8_t changed = 1;
	for (unsigned pass = 0; changed; pass++) {
		if (pass == ZMAX_PASSES)
			return 0;
		changed = 0;
		for (uint32_t k = f->len; k-- > 0;) {
			uint64_t w = e->code[f->start + k], use, def, out = 0;
			uint32_t s[2];
			insn_regs(w, &use, &def);
			unsigned n = insn_succ(e, f->start + k, s);
			for (unsigned j = 0; j < n; j++)
				out |= st[s[j] - f->start];
			if (NX_INSN_OP(w) == NX_OP_RET)
				out = zf[fi].obs, def = 1;
			uint64_t v = use | (out & ~def);
			changed |= v != st[k];
			st[k] = v;
		}
	}
	for (uint32_t k = 0; k < f->len; k++) {
		uint64_t w = e->code[f->start + k];
		if (NX_INSN_OP(w) != NX_OP_CALL)
			continue;
		unsigned a = NX_INSN_A(w);
		struct zfn *g = &zf[NX_INSN_IMM(w)];
		uint64_t out = k + 1 < f->len ? st[k + 1] : 0, obs = g->obs | out >> a;
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
		if (e->fn[fi].nregs > 64 || !zero_forward(e, &e->fn[fi], st, &zf[fi]))
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
 */
static void zero_ranges(struct nx_ext *e)
{
	size_t zsize = e->nfn * sizeof(struct zfn), ssize = e->ncode * sizeof(uint64_t);
	struct zfn *zf = nx_host_alloc(zsize);
	uint64_t *st = nx_host_alloc(ssize);
	for (uint32_t fi = 0; fi < e->nfn; fi++) {
		struct nx_fn *f = &e->fn[fi];
		f->zlo = f->nargs;
		f->zn = (uint8_t)(f->nregs - f->nargs);
	}
	if (zf && st) {
		for (uint32_t fi = 0; fi < e->nfn; fi++)
			zf[fi] = (struct zfn){ 0 };
		if (zero_analyse(e, zf, st)) {
			for (uint32_t i = 0; i < e->ncode; i++)
				if (NX_INSN_OP(e->code[i]) == NX_OP_CALL)
					need_range(zf[NX_INSN_IMM(e->code[i])].need, &e->cells[i].c, &e->cells[i].d);
			for (uint32_t fi = 0; fi < e->nfn; fi++)
				need_range(zf[fi].entry, &e->fn[fi].zlo, &e->fn[fi].zn);
		}
	}
	if (zf)
		nx_host_free(zf, zsize);
	if (st)
		nx_host_free(st, ssize);
}

void nx_translate(struct nx_ext *e, enum nx_set set)
{
	const void *const *lab = nx_labels(set);
	for (uint32_t i = 0; i < e->ncode; i++)
		translate_one(e, lab, i);
	zero_ranges(e);
	fuse(e, lab);
	e->cells[e->ncode] = (struct nx_cell){ .h = lab[NX_OP_RET] };
	e->set = set;
}

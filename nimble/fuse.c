/*
 * Superinstruction fusion over decoded cells: the first cell of a
 * recognised sequence gets a fused handler (enum nx_handler) and the
 * operands of the later instructions.  The sequences, chosen from what
 * extc emits for loops over arrays:
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
 * keep what decode.c wrote, so a branch into the middle still works.
 */
#include "translate.h"

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
	c->y.vsum = (struct nx_vsum_ops){ .acc = acc, .n = n };
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
	c->x.vadd = (struct nx_vadd_k){ .k1 = K1, .k2 = K2 };
	c->y.vadd = (struct nx_vadd_ops){ .n = n, .t2 = t2, .y = y, .z = z, .s = S, .len = len };
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
	c->x.argmax = (struct nx_argmax_k){ .k = NX_INSN_IMM(w[1]), .j = NX_INSN_IMM(w[4]) };
	c->y.argmax = (struct nx_argmax_ops){ .bp = bp, .best = best, .n = n };
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
	c->y.mask = (struct nx_mask_ops){ .v = v, .t = t, .k2 = NX_INSN_IMM(w[2]) };
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
	int known = a != iv && a != n && iv != n && NX_INSN_IMM(w[1]) == 1;   /* trip count */
	struct nx_cell *c = &e->cells[i];
	c->h = lab[NX_H_ADD_LOOP];
	c->d = (uint8_t)iv;
	c->y.loop = (struct nx_loop_ops){ .n = n, .known = known, .j = NX_INSN_IMM(w[1]) };
	return 1;
}

/* Longest idioms first: the first fuser that matches at i wins. */
static int (*const fusers[])(struct nx_ext *, const struct nx_fn *, uint32_t, const void *const *) = {
	fuse_argmax, fuse_ldbe, fuse_vsum, fuse_vadd, fuse_maskne, fuse_add_loop, fuse_shli_ld, fuse_addi_j,
};

/* The pairs of NX_PAIRS (internal.h), by opcodes. */
static const struct { uint8_t a, b; uint16_t h; } pairs[] = {
#define NX_PAIR_ROW(A, B) { NX_OP_##A, NX_OP_##B, NX_H_PAIR_##A##_##B },
	NX_PAIRS(NX_PAIR_ROW)
#undef NX_PAIR_ROW
};

/* Cell i has the handler decode.c gave it: no superinstruction starts there. */
static int plain(const struct nx_ext *e, uint32_t i, const void *const *lab)
{
	unsigned op = NX_INSN_OP(e->code[i]);
	return e->cells[i].h == lab[op] || e->cells[i].h == lab[nx_back_handler(op)];
}

/*
 * The variant of the pair A = wa, B = wb (internal.h), given the
 * registers live after B (~0 when not known): DA/DB/DC when B reads A's
 * result r[d] through that one operand and r[d] is dead after B, that is
 * not live there or overwritten by B itself (but not through the linked
 * operand, a: B's result would then stay out of the frame); else NONE.
 */
static unsigned pair_variant(uint64_t wa, uint64_t wb, uint64_t live_after)
{
	enum nx_fmt fa = nx_op_fmt(NX_INSN_OP(wa)), fb = nx_op_fmt(NX_INSN_OP(wb));
	if (!(nx_fmt_writes(fa) & NX_FA) || (nx_fmt_fields(fb) & NX_FWIN))
		return NX_PV_NONE;
	const unsigned d = NX_INSN_A(wa), reads = nx_fmt_reads(fb);
	const unsigned field[3] = { NX_INSN_A(wb), NX_INSN_B(wb), NX_INSN_C(wb) };
	const unsigned bit[3] = { NX_FA, NX_FB, NX_FC };
	unsigned n = 0, link = 0;
	for (unsigned k = 3; k-- > 0;)
		if ((reads & bit[k]) && field[k] == d) {
			n++;
			link = k;
		}
	if (!n)
		return NX_PV_NONE;
	int b_writes_d = (nx_fmt_writes(fb) & NX_FA) && field[0] == d;
	int dead = n == 1 && !(b_writes_d && link == 0) &&
		   (b_writes_d || (d < 64 && !(live_after >> d & 1)));
	return dead ? NX_PV_DA + link : NX_PV_NONE;
}

/* After the superinstructions: a pair where both cells are still plain.
 * The pair handler runs the second instruction from its own cell, which
 * stays as decoded.  in[k] is the liveness of f's instruction k (live.c), or in is NULL. */
static void fuse_pairs(struct nx_ext *e, const struct nx_fn *f, const void *const *lab, const uint64_t *in)
{
	for (uint32_t i = f->start; i + 1 < f->start + f->len; i++) {
		if (!plain(e, i, lab) || !plain(e, i + 1, lab))
			continue;
		unsigned a = NX_INSN_OP(e->code[i]), b = NX_INSN_OP(e->code[i + 1]);
		for (unsigned k = 0; k < sizeof pairs / sizeof pairs[0]; k++)
			if (pairs[k].a == a && pairs[k].b == b) {
				uint64_t live = in ? nx_live_out(e, f, f->obs, in, i + 1 - f->start) : ~0ull;
				e->cells[i].h = lab[pairs[k].h + pair_variant(e->code[i], e->code[i + 1], live)];
				break;
			}
	}
}

/* Every function, every instruction: the first fuser that matches wins;
 * then the pairs. */
void nx_fuse(struct nx_ext *e, const void *const *lab, const uint64_t *live)
{
	for (uint32_t fi = 0; fi < e->nfn; fi++) {
		const struct nx_fn *f = &e->fn[fi];
		for (uint32_t i = f->start; i < f->start + f->len; i++)
			for (unsigned k = 0; k < sizeof fusers / sizeof fusers[0]; k++)
				if (fusers[k](e, f, i, lab))
					break;
		fuse_pairs(e, f, lab, live ? live + f->start : NULL);
	}
}

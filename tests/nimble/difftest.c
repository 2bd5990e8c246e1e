/*
 * Differential test: random valid programs run in the checked, counting
 * and unchecked handler sets and in the reference interpreter; all must
 * agree on the result, the fault (kind and instruction), the memory
 * left behind and (counting vs ref) the number of VM instructions.
 *
 *   difftest [PROGRAMS [SEED]]      default 100000 programs, seed 1
 *
 * The unchecked set runs only programs whose checked run did not fault
 * on a protection check (OOB, RO, FUEL): trusted code that would do
 * those is the inserter's bug, not a defined behaviour to compare.
 * The generator mixes random instructions with the idioms extc emits
 * (counted loops, compare-and-branch, load-and-accumulate) so the
 * superinstructions the translator fuses are exercised, including their
 * faults in the middle.
 */
#include "xorshift.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include "common.h"
#include "tap.h"

static uint64_t rng;

static uint64_t rnd(void) { return xorshift64(&rng); }

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static int32_t small_imm(void)
{
	switch (below(6)) {
	case 0: return (int32_t)rnd();
	case 1: return -(int32_t)below(16);
	default: return (int32_t)below(40);
	}
}

enum { DATA_LEN = 64, CTX_LEN = 80, BUF0_LEN = 48, BUF1_LEN = 24 };

struct gen {
	struct nxb *b;
	unsigned nregs, nfn, fi;
	uint32_t start;   /* first insn of the current function */
	unsigned len;     /* its planned length */
};

static unsigned reg(struct gen *g) { return below(g->nregs); }

/* A branch offset to anywhere in the current function (i = insn index). */
static int32_t target(struct gen *g, uint32_t i)
{
	uint32_t t = g->start + below(g->len);
	return (int32_t)t - (int32_t)i - 1;
}

/* A random instruction of opcode op at index i, or 0 when op is not one
 * to generate (a RET most of the time, XCALL, ...). */
static uint64_t insn_of(struct gen *g, uint32_t i, unsigned op)
{
	enum nx_fmt fmt = nx_op_fmt(op);
	unsigned a = reg(g), b = reg(g), c = reg(g);
	int32_t k = small_imm();
	switch (fmt) {
	case NX_F_RR:  return NX_INSN(op, a, b, 0, 0);
	case NX_F_RI: case NX_F_RMI: return NX_INSN(op, a, 0, 0, k);
	case NX_F_RRR: return NX_INSN(op, a, b, c, 0);
	case NX_F_RRI:
		if (!k && nx_op_class(op) == NX_K_DIVI)
			k = 3;
		return NX_INSN(op, a, b, 0, k);
	case NX_F_LD: case NX_F_ST:
		return NX_INSN(op, a, b, below(NX_SEG_COUNT), (int32_t)below(72) - 4);
	case NX_F_J:   return NX_INSN(op, 0, 0, 0, target(g, i));
	case NX_F_BRR: return NX_INSN(op, a, b, 0, target(g, i));
	case NX_F_BRI: {
		int32_t off = target(g, i);
		return NX_INSN(op, a, (unsigned)off & 0xff, ((unsigned)off >> 8) & 0xff, k);
	}
	case NX_F_CALL:
		if (op == NX_OP_CALL) {
			unsigned f = below(g->nfn), n = f == 0 ? 2 : 1;
			if (a + n > g->nregs)
				a = g->nregs - n;
			return NX_INSN(op, a, 0, n, f);
		}
		if (op == NX_OP_HCALL)   /* import 0 = trace(v): harmless */
			return NX_INSN(op, a, 0, 1, 0);
		return 0;
	case NX_F_R:
		if (below(4))
			return 0;   /* keep functions long enough to do something */
		return NX_INSN(op, a, 0, 0, 0);
	case NX_F_NONE: case NX_F_COUNT:
		return 0;
	}
	return 0;
}

static uint64_t rand_insn(struct gen *g, uint32_t i)
{
	for (;;) {
		uint64_t w = insn_of(g, i, below(NX_OP_COUNT));
		if (w)
			return w;
	}
}

/* The pairs the translator fuses (NX_PAIRS, internal.h). */
static const unsigned pairs[][2] = {
#define PAIR_ROW(A, B) { NX_OP_##A, NX_OP_##B },
	NX_PAIRS(PAIR_ROW)
#undef PAIR_ROW
};

/*
 * Idioms: a counted loop accumulating a segment (the vector-sum shape),
 * a compare + conditional branch, a load feeding an add, a pair of
 * NX_PAIRS.  Registers and
 * bounds are random so some of them fault.  Returns instructions emitted.
 */
static unsigned idiom(struct gen *g, uint32_t i, unsigned room)
{
	unsigned acc = reg(g), idx = reg(g), n = reg(g), t = reg(g);
	unsigned seg = below(NX_SEG_COUNT);
	switch (below(9)) {
	case 8: {
		/* a pair the translator fuses, with random operands: the second
		 * may fault, branch back or forward */
		if (room < 2)
			return 0;
		const unsigned *pr = pairs[below(sizeof pairs / sizeof pairs[0])];
		uint64_t w1, w2;
		while (!(w1 = insn_of(g, i, pr[0])))
			;
		while (!(w2 = insn_of(g, i + 1, pr[1])))
			;
		/* often B reads A's result, so the linked and dead variants run */
		unsigned reads = nx_fmt_reads(nx_op_fmt(pr[1])), f = below(3);
		if (below(3) && (reads & (1u << f)))
			w2 = (w2 & ~(0xffull << (8 + 8 * f))) | (uint64_t)NX_INSN_A(w1) << (8 + 8 * f);
		nxb_emit(g->b, w1);
		nxb_emit(g->b, w2);
		return 2;
	}
	case 7: {
		/* a big-endian field from bytes (2 or 4): LD8; SHLI; {LD8; [SHLI;] OR} */
		unsigned N = below(2) ? 4 : 2, a = acc, base = idx;
		if (room < 3 * N - 1)
			return 0;
		if (g->nregs >= 3 && below(4)) {   /* distinct a, t, base: it fuses */
			a = below(g->nregs);
			t = (a + 1 + below(g->nregs - 1)) % g->nregs;
			do
				base = below(g->nregs);
			while (base == a || base == t);
		}
		int32_t K = (int32_t)below(40) - 2;
		nxb_emit(g->b, I_RI(MOVI, base, (int32_t)below(48)));
		nxb_emit(g->b, I_MEM(LD8, a, base, seg, K));
		nxb_emit(g->b, I_RRI(SHLI, a, a, 8 * ((int32_t)N - 1)));
		for (unsigned j = 1; j < N; j++) {
			nxb_emit(g->b, I_MEM(LD8, t, base, seg, K + (int32_t)j));
			if (j < N - 1)
				nxb_emit(g->b, I_RRI(SHLI, t, t, 8 * (int32_t)(N - 1 - j)));
			nxb_emit(g->b, below(2) ? I_RRR(OR, a, a, t) : I_RRR(OR, a, t, a));
		}
		return 3 * N - 1;
	}
	case 6: {
		if (room < 10)
			return 0;
		/* the scheduler's argmax over a strided field: distinct live
		 * registers (so it fuses) unless the frame is small or by chance */
		unsigned best = reg(g), bp = reg(g), p = below(3) ? reg(g) : t;
		if (g->nregs >= 6 && below(4)) {
			unsigned perm[16];
			for (unsigned k = 0; k < g->nregs; k++)
				perm[k] = k;
			for (unsigned k = 0; k < 5; k++) {
				unsigned j = k + below(g->nregs - k), x = perm[k];
				perm[k] = perm[j];
				perm[j] = x;
			}
			idx = perm[0], n = perm[1], bp = perm[2], best = perm[3], t = perm[4];
			p = below(2) ? t : perm[5 + below(g->nregs - 5)];
		}
		int wide = below(2);
		nxb_emit(g->b, I_RI(MOVI, idx, (int32_t)below(3)));
		nxb_emit(g->b, I_RI(MOVI, n, (int32_t)below(10)));
		nxb_emit(g->b, I_RI(MOVI, bp, below(2) ? INT32_MIN : (int32_t)rnd()));
		nxb_emit(g->b, I_RRI(SHLI, t, idx, (int32_t)below(5)));
		nxb_emit(g->b, NX_INSN(wide ? NX_OP_LD64 : NX_OP_LDS32, p, t, seg, (int32_t)below(12) - 2));
		nxb_emit(g->b, I_BRR(JLES, p, bp, 2));
		nxb_emit(g->b, I_RR(MOV, bp, p));
		nxb_emit(g->b, I_RRI(ADDI, best, idx, small_imm()));
		nxb_emit(g->b, I_RRI(ADDI, idx, idx, 1));
		nxb_emit(g->b, I_BRR(JLTU, idx, n, -7));
		return 10;
	}
	case 5:
		if (room < 4)
			return 0;
		/* idx = 0; loop: acc += idx; idx += 1; if idx < k goto loop (JLTUI
		 * tail), or if idx < n with n in a register (ADD_LOOP); the
		 * registers alias by chance */
		nxb_emit(g->b, I_RI(MOVI, idx, 0));
		nxb_emit(g->b, below(2) ? I_RRR(ADD, acc, acc, idx) : I_RRR(ADD, acc, n, idx));
		nxb_emit(g->b, I_RRI(ADDI, idx, idx, below(4) ? 1 : small_imm()));
		nxb_emit(g->b, below(2) ? I_BRI(JLTUI, idx, (int32_t)below(12), -3) : I_BRR(JLTU, idx, n, -3));
		return 4;
	case 4: {
		if (room < 6)
			return 0;
		/* a masked compare of a table row: LD32; AND; LD32; JNE forward,
		 * its base from a MOVI or a SHLI (extc's row index) */
		unsigned t2 = below(3) ? reg(g) : t;
		int shifted = below(2);
		nxb_emit(g->b, I_RI(MOVI, idx, (int32_t)below(8) * 4));
		if (shifted)
			nxb_emit(g->b, I_RRI(SHLI, idx, idx, (int32_t)below(3)));
		nxb_emit(g->b, NX_INSN(NX_OP_LD32, t, idx, seg, (int32_t)below(8) * 4));
		nxb_emit(g->b, below(2) ? I_RRR(AND, acc, n, t) : I_RRR(AND, acc, t, n));
		nxb_emit(g->b, NX_INSN(NX_OP_LD32, t2, idx, seg, (int32_t)below(8) * 4));
		int32_t off = target(g, i + 4 + shifted);
		if (off < 0)
			off = 0;
		nxb_emit(g->b, below(2) ? I_BRR(JNE, acc, t2, off) : I_BRR(JNE, t2, acc, off));
		return 5 + (unsigned)shifted;
	}
	case 3: {
		if (room < 10)
			return 0;
		/* dst[i] += src[i]: the element-wise add loop */
		unsigned t2 = reg(g), y = reg(g), z = below(2) ? t : reg(g), src = below(NX_SEG_COUNT);
		nxb_emit(g->b, I_RI(MOVI, idx, 0));
		nxb_emit(g->b, I_RI(MOVI, n, (int32_t)below(8)));
		nxb_emit(g->b, I_RRI(SHLI, t, idx, 3));
		nxb_emit(g->b, I_MEM(LD64, acc, t, seg, (int32_t)below(3) * 8));
		int two = below(2);   /* extc shares the index register, or not */
		if (two)
			nxb_emit(g->b, I_RRI(SHLI, t2, idx, 3));
		nxb_emit(g->b, I_MEM(LD64, y, two ? t2 : t, src, (int32_t)below(3) * 8));
		nxb_emit(g->b, below(2) ? I_RRR(ADD, z, acc, y) : I_RRR(ADD, z, y, acc));
		nxb_emit(g->b, I_MEM(ST64, z, t, seg, (int32_t)below(2) * 8));
		nxb_emit(g->b, I_RRI(ADDI, idx, idx, 1));
		nxb_emit(g->b, I_BRR(JLTU, idx, n, two ? -8 : -7));
		return two ? 10 : 9;
	}
	case 0:
		if (room < 6)
			return 0;
		/* idx = 0; loop: t = seg[idx*8]; acc += t; idx += 1; if idx < n goto loop */
		nxb_emit(g->b, I_RI(MOVI, idx, 0));
		nxb_emit(g->b, I_RI(MOVI, n, (int32_t)below(10)));
		nxb_emit(g->b, I_RRI(SHLI, t, idx, 3));
		nxb_emit(g->b, NX_INSN(below(2) ? NX_OP_LD64 : NX_OP_LD32, t, t, seg, (int32_t)below(3) * 8));
		nxb_emit(g->b, I_RRR(ADD, acc, acc, t));
		nxb_emit(g->b, I_RRI(ADDI, idx, idx, 1));
		nxb_emit(g->b, below(2) ? I_BRR(JLTU, idx, n, -5) : I_BRI(JLTSI, idx, (int32_t)below(10), -5));
		return 7;
	case 1:
		if (room < 2)
			return 0;
		nxb_emit(g->b, I_RRR(SLTS, t, acc, n));
		{
			int32_t off = target(g, i + 1);
			nxb_emit(g->b, NX_INSN(NX_OP_JNEI, t, (unsigned)off & 0xff, ((unsigned)off >> 8) & 0xff, 0));
		}
		return 2;
	default:
		if (room < 2)
			return 0;
		nxb_emit(g->b, NX_INSN(NX_OP_LD64, t, idx, seg, (int32_t)below(48)));
		nxb_emit(g->b, I_RRR(ADD, acc, acc, t));
		return 2;
	}
}

static void gen_func(struct gen *g, unsigned fi)
{
	char name[16];
	snprintf(name, sizeof name, "f%u", fi);
	g->fi = fi;
	g->len = 4 + below(36);
	g->start = nxb_here(g->b);
	nxb_func(g->b, name, g->nregs, fi == 0 ? 2 : 1);
	for (unsigned k = 0; k + 1 < g->len;) {
		uint32_t i = g->start + k;
		unsigned n = below(4) == 0 ? idiom(g, i, g->len - 1 - k) : 0;
		if (!n) {
			nxb_emit(g->b, rand_insn(g, i));
			n = 1;
		}
		k += n;
	}
	nxb_emit(g->b, I_RET(reg(g)));
}

/*
 * One program.  The verifier rejects DATA accesses whose address it can
 * compute (a MOVI'd base register): such a program is regenerated and
 * counted in *static_oob; any other refusal is a generator bug.
 */
static struct nx_ext *gen_program(uint32_t *hook, long *static_oob)
{
	for (;;) {
		struct gen g = { .b = nxb_new("diff", NX_TRUST_UNTRUSTED), .nregs = 3 + below(10), .nfn = 1 + below(3) };
		uint8_t init[DATA_LEN];
		for (unsigned i = 0; i < DATA_LEN; i++)
			init[i] = (uint8_t)rnd();
		nxb_data(g.b, init, DATA_LEN, DATA_LEN);
		nxb_helper(g.b, "trace", 1);
		for (unsigned f = 0; f < g.nfn; f++)
			gen_func(&g, f);
		*hook = below(2) ? NX_HOOK_TRAP : NX_HOOK_NET_RX;
		struct nx_error err;
		struct nx_ext *e = ins(g.b, 1, 0, &err);
		if (e)
			return e;
		if (!strstr(err.msg, "outside the data segment")) {
			printf("# generator bug: %s\n", err.msg);
			return NULL;
		}
		++*static_oob;
	}
}

struct world {
	uint8_t data[DATA_LEN], ctx[CTX_LEN], buf0[BUF0_LEN], buf1[BUF1_LEN];
};

static void world_init(struct world *w, const struct nx_ext *e, uint64_t seed)
{
	memcpy(w->data, e->data, DATA_LEN);
	for (unsigned i = 0; i < CTX_LEN; i++)
		w->ctx[i] = (uint8_t)(seed >> (i % 8 * 8)) ^ (uint8_t)i;
	for (unsigned i = 0; i < BUF0_LEN; i++)
		w->buf0[i] = (uint8_t)(i * 37 + seed);
	for (unsigned i = 0; i < BUF1_LEN; i++)
		w->buf1[i] = (uint8_t)(i * 11 + (seed >> 8));
}

/* Run one mode from the initial world; the final world is left in out. */
static void run_world(struct nx_ext *e, int mode, uint32_t hook, const struct world *init,
		      struct world *out, const uint64_t *args, struct nx_result *res)
{
	*out = *init;
	memcpy(e->data, init->data, DATA_LEN);
	struct nx_env env = { .fuel = 300 };
	nx_env_setup(&env, hook, out->ctx, out->buf0, BUF0_LEN, out->buf1, BUF1_LEN);
	run_mode(e, mode, 0, &env, args, 2, res);
	memcpy(out->data, e->data, DATA_LEN);
}

static int protection_fault(enum nx_fault f)
{
	return f == NX_FAULT_OOB_LOAD || f == NX_FAULT_OOB_STORE || f == NX_FAULT_RO_STORE || f == NX_FAULT_FUEL;
}

#define NPAIRS (sizeof pairs / sizeof pairs[0])
static long pair_cells[NPAIRS];   /* cells fused as each pair, over all programs */
static long variant_cells[NX_PV_COUNT];   /* and as each variant */

/* How many cells of e use each superinstruction (checked set). */
static void count_fused(const struct nx_ext *e, long *vsum, long *vadd, long *shli_ld, long *addi_j, long *mask,
			long *shli_mask, long *argmax32, long *argmax64, long *be16, long *be32,
			long *add_loop, long *add_known, long *mask_na)
{
	const void *const *lab = nx_labels(NX_SET_CHECKED);
	for (uint32_t i = 0; i < e->ncode; i++) {
		const void *h = e->cells[i].h;
		*vsum += h == lab[NX_H_VSUM64];
		*vadd += h == lab[NX_H_VADD64];
		for (unsigned k = NX_H_SHLI_LD8; k <= NX_H_SHLI_LDS32; k++)
			*shli_ld += h == lab[k];
		for (unsigned k = NX_H_ADDI_JLTU_B; k <= NX_H_ADDI_JNE_B; k++)
			*addi_j += h == lab[k];
		*addi_j += h == lab[NX_H_ADDI_CALL] || h == lab[NX_H_ADDI_JLTUI_B];
		*mask += h == lab[NX_H_MASKNE32];
		*mask_na += h == lab[NX_H_MASKNE32_NA];
		*shli_mask += (h == lab[NX_H_MASKNE32] || h == lab[NX_H_MASKNE32_NA]) && i > 0 &&
			      e->cells[i - 1].h == lab[NX_OP_SHLI];
		*argmax32 += h == lab[NX_H_ARGMAX_LDS32];
		*argmax64 += h == lab[NX_H_ARGMAX_LD64];
		*be16 += h == lab[NX_H_LDBE16];
		*be32 += h == lab[NX_H_LDBE32];
		*add_loop += h == lab[NX_H_ADD_LOOP];
		*add_known += h == lab[NX_H_ADD_LOOP] && e->cells[i].y.loop.known;
		for (unsigned k = 0; k < NPAIRS; k++)
			for (unsigned v = 0; v < NX_PV_COUNT; v++)
				if (h == lab[NX_H_PAIR_FIRST + k * NX_PV_COUNT + v]) {
					pair_cells[k]++;
					variant_cells[v]++;
				}
	}
}

int main(int argc, char **argv)
{
	long nprog = argc > 1 ? atol(argv[1]) : 100000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
	rng = seed * 0x9e3779b97f4a7c15ull | 1;
	setvbuf(stdout, NULL, _IOLBF, 0);   /* diagnostics survive a crash */
	nx_host_trace = 0;
	long static_oob = 0, bad_checked = 0, bad_unchecked = 0, bad_count = 0, gen_fail = 0, unchecked_runs = 0;
	long vsum = 0, vadd = 0, shli_ld = 0, addi_j = 0, mask = 0, shli_mask = 0, argmax32 = 0, argmax64 = 0;
	long be16 = 0, be32 = 0, add_loop = 0, add_known = 0, mask_na = 0;
	uint64_t seen = 0, total_insns = 0;
	tap_plan(9);
	for (long p = 0; p < nprog; p++) {
		uint32_t hook;
		struct nx_ext *e = gen_program(&hook, &static_oob);
		if (!e) {
			gen_fail++;
			continue;
		}
		count_fused(e, &vsum, &vadd, &shli_ld, &addi_j, &mask, &shli_mask, &argmax32, &argmax64, &be16, &be32, &add_loop, &add_known, &mask_na);
		struct world init, w[NMODES];
		world_init(&init, e, rnd());
		uint64_t args[2] = { rnd() % 16, rnd() };
		struct nx_result r[NMODES];
		uint64_t n0 = e->st.insns;
		run_world(e, 1, hook, &init, &w[1], args, &r[1]);
		run_world(e, 2, hook, &init, &w[2], args, &r[2]);
		uint64_t ncount = e->st.insns - n0;
		n0 = e->st.insns;
		run_world(e, 3, hook, &init, &w[3], args, &r[3]);
		uint64_t nref = e->st.insns - n0;
		total_insns += nref;
		seen |= 1ull << r[3].fault;
		int agree = same_result(&r[1], &r[3]) && same_result(&r[2], &r[3]) &&
			    !memcmp(&w[1], &w[3], sizeof w[1]) && !memcmp(&w[2], &w[3], sizeof w[2]);
		if (!agree && bad_checked++ < 5)
			printf("# program %ld (seed %llu): checked %s@%u=%lld counting %s@%u=%lld ref %s@%u=%lld%s\n",
			       p, (unsigned long long)seed, nx_fault_name(r[1].fault), r[1].insn, (long long)r[1].value,
			       nx_fault_name(r[2].fault), r[2].insn, (long long)r[2].value,
			       nx_fault_name(r[3].fault), r[3].insn, (long long)r[3].value,
			       same_result(&r[1], &r[3]) ? " (memory differs)" : "");
		if (ncount != nref && bad_count++ < 5)
			printf("# program %ld: counting set %llu insns, ref %llu\n", p,
			       (unsigned long long)ncount, (unsigned long long)nref);
		/* Unchecked code trusts the program: run it only where the checked
		 * sets showed the program is well-behaved. */
		if (agree && !protection_fault(r[3].fault)) {
			unchecked_runs++;
			run_world(e, 0, hook, &init, &w[0], args, &r[0]);
			if ((!same_result(&r[0], &r[3]) || memcmp(&w[0], &w[3], sizeof w[0])) && bad_unchecked++ < 5)
				printf("# program %ld: unchecked %s@%u=%lld, ref %s@%u=%lld\n", p,
				       nx_fault_name(r[0].fault), r[0].insn, (long long)r[0].value,
				       nx_fault_name(r[3].fault), r[3].insn, (long long)r[3].value);
		}
		nx_remove(e);
	}
	ok(gen_fail == 0 && static_oob > 0, "the generator's %ld programs pass the verifier (%ld refused; "
	   "%ld regenerated for a statically known out-of-bounds data access)", nprog, gen_fail, static_oob);
	ok(bad_checked == 0, "checked and counting sets agree with ref on result, fault and memory (%ld differ)", bad_checked);
	ok(bad_count == 0, "counting set counts exactly the ref's VM instructions (%ld differ; %llu in all)",
	   bad_count, (unsigned long long)total_insns);
	ok(bad_unchecked == 0, "unchecked set agrees with ref on %ld programs without protection faults (%ld differ)",
	   unchecked_runs, bad_unchecked);
	uint64_t want = 1ull << NX_FAULT_NONE | 1ull << NX_FAULT_OOB_LOAD | 1ull << NX_FAULT_OOB_STORE |
			1ull << NX_FAULT_RO_STORE | 1ull << NX_FAULT_DIV_ZERO | 1ull << NX_FAULT_FUEL |
			1ull << NX_FAULT_STACK;
	ok(nprog < 1000 || (seen & want) == want, "programs reach every outcome: none, OOB, RO, DIV_ZERO, FUEL, STACK (mask %#llx)",
	   (unsigned long long)seen);
	ok(nprog < 1000 || (vsum > 10 && vadd > 10 && shli_ld > 10 && addi_j > 10 && mask > 10 && shli_mask > 10 &&
			    argmax32 > 10 && argmax64 > 10 && be16 > 10 && be32 > 10 && add_loop > 10 && add_known > 10 &&
			    mask_na > 10),
	   "superinstructions were fused and compared: VSUM64 %ld, VADD64 %ld, SHLI_LD* %ld, "
	   "ADDI_J*_B and ADDI_CALL %ld, MASKNE32 %ld, MASKNE32_NA %ld (%ld after a plain SHLI), "
	   "ARGMAX_LDS32 %ld, ARGMAX_LD64 %ld, LDBE16 %ld, LDBE32 %ld, ADD_LOOP %ld (%ld with a known trip count) cells", vsum, vadd,
	   shli_ld, addi_j, mask, mask_na, shli_mask, argmax32, argmax64, be16, be32, add_loop, add_known);
	long fewest = LONG_MAX;
	unsigned which = 0;
	for (unsigned k = 0; k < NPAIRS; k++)
		if (pair_cells[k] < fewest) {
			fewest = pair_cells[k];
			which = k;
		}
	ok(nprog < 1000 || fewest > 10, "every pair (NX_PAIRS, %u) was fused and compared: the fewest, %s %s, in %ld cells",
	   (unsigned)NPAIRS, nx_op_name(pairs[which][0]), nx_op_name(pairs[which][1]), fewest);
	long vfew = LONG_MAX;
	for (unsigned v = 0; v < NX_PV_COUNT; v++)
		vfew = variant_cells[v] < vfew ? variant_cells[v] : vfew;
	ok(nprog < 1000 || vfew > 10, "every pair variant was fused and compared (cells): none %ld; "
	   "B reads A's result, dead after B, as a %ld, b %ld, c %ld",
	   variant_cells[NX_PV_NONE], variant_cells[NX_PV_DA], variant_cells[NX_PV_DB], variant_cells[NX_PV_DC]);
	nx_run_cache_drain();
	ok(nx_host_bytes == 0, "no engine memory left (%zu bytes)", nx_host_bytes);
	return tap_done();
}

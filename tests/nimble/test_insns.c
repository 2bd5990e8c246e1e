/*
 * Every instruction in every handler set (unchecked, checked, counting)
 * and in the reference interpreter, against a C model written here: the
 * four engines must produce the model's value or fault on every operand
 * pair of a set of edge values.  extc's constant folding (nx_isa_eval,
 * from the same table expressions as the handlers) must agree too.
 */
#include <stdio.h>
#include "common.h"
#include "tap.h"

static const uint64_t vals[] = {
	0, 1, 2, 3, 7, (uint64_t)-1, (uint64_t)-2, (uint64_t)-7, 63, 64, 65, 0x7fffffff, 0x80000000u,
	0xffffffffu, 0x123456789abcdefull, 0x8000000000000000ull, 0x7fffffffffffffffull,
};
#define NV (sizeof vals / sizeof vals[0])
static const int32_t imms[] = { 0, 1, -1, 2, 7, -7, 63, 64, 0x7fffffff, INT32_MIN, 12345 };
#define NI (sizeof imms / sizeof imms[0])

/* The model: r[a] = op(x, y) (y = r[c] or the sign-extended imm); -1 = DIV_ZERO. */
static int model(unsigned op, uint64_t x, uint64_t y, uint64_t *out)
{
	int64_t sx = (int64_t)x, sy = (int64_t)y;
	switch (op) {
	case NX_OP_ADD: case NX_OP_ADDI: *out = x + y; return 0;
	case NX_OP_SUB: *out = x - y; return 0;
	case NX_OP_MUL: case NX_OP_MULI: *out = x * y; return 0;
	case NX_OP_DIVU: case NX_OP_DIVUI: if (!y) return -1; *out = x / y; return 0;
	case NX_OP_MODU: case NX_OP_MODUI: if (!y) return -1; *out = x % y; return 0;
	case NX_OP_DIVS: case NX_OP_DIVSI:
		if (!y) return -1;
		*out = (sx == INT64_MIN && sy == -1) ? x : (uint64_t)(sx / sy);
		return 0;
	case NX_OP_MODS: case NX_OP_MODSI:
		if (!y) return -1;
		*out = (sx == INT64_MIN && sy == -1) ? 0 : (uint64_t)(sx % sy);
		return 0;
	case NX_OP_AND: case NX_OP_ANDI: *out = x & y; return 0;
	case NX_OP_OR: case NX_OP_ORI: *out = x | y; return 0;
	case NX_OP_XOR: case NX_OP_XORI: *out = x ^ y; return 0;
	case NX_OP_SHL: case NX_OP_SHLI: *out = x << (y % 64); return 0;
	case NX_OP_SHR: case NX_OP_SHRI: *out = x >> (y % 64); return 0;
	case NX_OP_SAR: case NX_OP_SARI: *out = sx < 0 ? ~(~x >> (y % 64)) : x >> (y % 64); return 0;
	case NX_OP_SEQ: case NX_OP_SEQI: *out = x == y; return 0;
	case NX_OP_SNE: case NX_OP_SNEI: *out = x != y; return 0;
	case NX_OP_SLTU: case NX_OP_SLTUI: *out = x < y; return 0;
	case NX_OP_SLTS: case NX_OP_SLTSI: *out = sx < sy; return 0;
	case NX_OP_SLEU: *out = x <= y; return 0;
	case NX_OP_SLES: *out = sx <= sy; return 0;
	case NX_OP_SGTUI: *out = x > y; return 0;
	case NX_OP_SGTSI: *out = sx > sy; return 0;
	case NX_OP_MOV: *out = x; return 0;
	case NX_OP_NEG: *out = 0 - x; return 0;
	case NX_OP_NOT: *out = ~x; return 0;
	case NX_OP_MOVI: *out = y; return 0;
	case NX_OP_MOVHI: *out = (x & 0xffffffffu) | (y << 32); return 0;
	/* branches: 1 = taken */
	case NX_OP_JMP: *out = 1; return 0;
	case NX_OP_JEQ: case NX_OP_JEQI: *out = x == y; return 0;
	case NX_OP_JNE: case NX_OP_JNEI: *out = x != y; return 0;
	case NX_OP_JLTU: case NX_OP_JLTUI: *out = x < y; return 0;
	case NX_OP_JLTS: case NX_OP_JLTSI: *out = sx < sy; return 0;
	case NX_OP_JLEU: *out = x <= y; return 0;
	case NX_OP_JLES: *out = sx <= sy; return 0;
	case NX_OP_JGTUI: *out = x > y; return 0;
	case NX_OP_JGTSI: *out = sx > sy; return 0;
	}
	return -2;
}

/* Run f(x, y) in all four modes; all must match the model. */
static int check_all(struct nx_ext *e, uint32_t f, unsigned op, uint64_t x, uint64_t y, uint64_t model_y,
		     unsigned fault_insn, char *why, size_t whylen)
{
	uint64_t want = 0, args[2] = { x, y };
	int m = model(op, x, model_y, &want);
	struct nx_env env = { 0 };
	for (int mode = 0; mode < NMODES; mode++) {
		struct nx_result res;
		run_mode(e, mode, f, &env, args, e->fn[f].nargs, &res);
		int bad = m == -1 ? (res.fault != NX_FAULT_DIV_ZERO || res.insn != fault_insn)
				  : (res.fault != NX_FAULT_NONE || res.value != want);
		if (bad) {
			snprintf(why, whylen, "%s x=%#llx y=%#llx: %s got %#llx fault %s, model %#llx%s",
				 nx_op_name(op), (unsigned long long)x, (unsigned long long)model_y,
				 mode_name[mode], (unsigned long long)res.value, nx_fault_name(res.fault),
				 (unsigned long long)want, m == -1 ? " DIV_ZERO" : "");
			return 0;
		}
	}
	return 1;
}

static int is_div_imm(unsigned op)
{
	return nx_op_class(op) == NX_K_DIVI;
}

/* What extc folds op(x, y) to must be the model's value: x is r[a] (and
 * r[b] of an ALU instruction), y the other operand wherever it comes from. */
static int check_fold(unsigned op, uint64_t x, uint64_t y, char *why, size_t whylen)
{
	uint64_t want = 0, got = 0;
	int m = model(op, x, y, &want);
	uint64_t b = nx_op_class(op) == NX_K_BRANCH ? y : x;
	int folded = nx_isa_eval(op, x, b, y, y, &got);
	if (m == -1 ? folded : (!folded || got != want)) {
		snprintf(why, whylen, "%s x=%#llx y=%#llx: folding gives %s%#llx, model %#llx%s",
			 nx_op_name(op), (unsigned long long)x, (unsigned long long)y,
			 folded ? "" : "nothing ", (unsigned long long)got, (unsigned long long)want,
			 m == -1 ? " DIV_ZERO" : "");
		return 0;
	}
	return 1;
}

static void func_name(struct nxb *b, unsigned i, unsigned nregs, unsigned nargs)
{
	char nm[16];
	snprintf(nm, sizeof nm, "f%u", i);
	nxb_func(b, nm, nregs, nargs);
}

/* ALU formats: one function per immediate (or one for register forms). */
static int test_alu(unsigned op, char *why, size_t whylen)
{
	enum nx_fmt fmt = nx_op_fmt(op);
	unsigned nf = fmt == NX_F_RRR || fmt == NX_F_RR ? 1 : NI;
	struct nxb *b = nxb_new("alu", NX_TRUST_UNTRUSTED);
	int32_t k[NI];
	for (unsigned i = 0; i < nf; i++) {
		k[i] = is_div_imm(op) && imms[i] == 0 ? 3 : imms[i]; /* imm 0: test_verify */
		func_name(b, i, 3, 2);
		if (fmt == NX_F_RI || fmt == NX_F_RMI)
			nxb_emit(b, I_RR(MOV, 2, 0));
		nxb_emit(b, fmt == NX_F_RR ? NX_INSN(op, 2, 0, 0, 0) : fmt == NX_F_RRR ? NX_INSN(op, 2, 0, 1, 0)
			 : fmt == NX_F_RRI ? NX_INSN(op, 2, 0, 0, k[i]) : NX_INSN(op, 2, 0, 0, k[i]));
		nxb_emit(b, I_RET(2));
	}
	struct nx_error err;
	struct nx_ext *e = ins(b, 1, 0, &err);
	if (!e) {
		snprintf(why, whylen, "%s: insert refused: %s", nx_op_name(op), err.msg);
		return 0;
	}
	int ok = 1;
	for (unsigned f = 0; f < nf && ok; f++)
		for (unsigned i = 0; i < NV && ok; i++)
			for (unsigned j = 0; j < NV && ok; j++) {
				uint64_t y = nf == 1 ? vals[j] : (uint64_t)(int64_t)k[f];
				ok = check_all(e, f, op, vals[i], vals[j], y, e->fn[f].start, why, whylen) &&
				     check_fold(op, vals[i], y, why, whylen);
			}
	nx_remove(e);
	return ok;
}

/* Branches, forward and backward: the function returns 1 iff taken. */
static int test_branch(unsigned op, char *why, size_t whylen)
{
	enum nx_fmt fmt = nx_op_fmt(op);
	unsigned nf = fmt == NX_F_BRI ? NI : 1;
	struct nxb *b = nxb_new("br", NX_TRUST_UNTRUSTED);
	for (unsigned i = 0; i < nf; i++) {
		int32_t k = imms[i];
		/* forward: 0 Jcc ->3; 1 MOVI r2,0; 2 RET; 3 MOVI r2,1; 4 RET */
		func_name(b, 2 * i, 3, 2);
		nxb_emit(b, fmt == NX_F_J ? I_J(2) : fmt == NX_F_BRR ? NX_INSN(op, 0, 1, 0, 2) : NX_INSN(op, 0, 2, 0, k));
		nxb_emit(b, I_RI(MOVI, 2, 0));
		nxb_emit(b, I_RET(2));
		nxb_emit(b, I_RI(MOVI, 2, 1));
		nxb_emit(b, I_RET(2));
		/* backward: 0 JMP ->3; 1 MOVI r2,1; 2 RET; 3 Jcc ->1; 4 MOVI r2,0; 5 RET */
		func_name(b, 2 * i + 1, 3, 2);
		nxb_emit(b, I_J(2));
		nxb_emit(b, I_RI(MOVI, 2, 1));
		nxb_emit(b, I_RET(2));
		nxb_emit(b, fmt == NX_F_J ? I_J(-3) : fmt == NX_F_BRR ? NX_INSN(op, 0, 1, 0, -3)
			 : NX_INSN(op, 0, 0xfd, 0xff, k));
		nxb_emit(b, I_RI(MOVI, 2, 0));
		nxb_emit(b, I_RET(2));
	}
	struct nx_error err;
	struct nx_ext *e = ins(b, 1, 0, &err);
	if (!e) {
		snprintf(why, whylen, "%s: insert refused: %s", nx_op_name(op), err.msg);
		return 0;
	}
	int ok = 1;
	for (unsigned f = 0; f < 2 * nf && ok; f++)
		for (unsigned i = 0; i < NV && ok; i++)
			for (unsigned j = 0; j < NV && ok; j++) {
				uint64_t y = fmt == NX_F_BRI ? (uint64_t)(int64_t)imms[f / 2] : vals[j];
				ok = check_all(e, f, op, vals[i], vals[j], y, 0, why, whylen) &&
				     check_fold(op, vals[i], y, why, whylen);
			}
	nx_remove(e);
	return ok;
}

/*
 * Memory: every load and store, on each segment, at offsets around both
 * ends, through the base register and the immediate.  The checked sets
 * and ref must fault exactly where the model says; the unchecked set is
 * run only where the access is valid.
 */
static uint8_t data_init[16], ctxmem[sizeof(struct nx_ctx_trap)], buf0[10];


static void mem_reset(struct nx_ext *e)
{
	for (unsigned i = 0; i < sizeof data_init; i++)
		data_init[i] = (uint8_t)(0x81 + 7 * i);
	memcpy(e->data, data_init, sizeof data_init);
	for (unsigned i = 0; i < sizeof ctxmem; i++)
		ctxmem[i] = (uint8_t)(0xf0 ^ i);
	for (unsigned i = 0; i < sizeof buf0; i++)
		buf0[i] = (uint8_t)(0x10 + i);
}

static int test_mem(unsigned op, char *why, size_t whylen)
{
	static const int32_t offs[] = { -8, -1, 0, 1, 2, 3, 4, 6, 7, 8, 9, 12, 15, 16, 70, 72, 73, 79, 80, 1000 };
	int store = op >= NX_OP_ST8;
	unsigned w = nx_op_width(op);
	struct nxb *b = nxb_new("mem", NX_TRUST_UNTRUSTED);
	nxb_data(b, data_init, 16, 16);
	for (unsigned seg = 0; seg < NX_SEG_COUNT; seg++) {
		func_name(b, 2 * seg, 3, 2);      /* address in the register */
		nxb_emit(b, NX_INSN(op, store ? 1 : 2, 0, seg, 0));
		nxb_emit(b, I_RET(store ? 1 : 2));
		func_name(b, 2 * seg + 1, 3, 2);  /* register - 1, imm + 1 */
		nxb_emit(b, I_RRI(ADDI, 0, 0, -1));
		nxb_emit(b, NX_INSN(op, store ? 1 : 2, 0, seg, 1));
		nxb_emit(b, I_RET(store ? 1 : 2));
	}
	struct nx_error err;
	struct nx_ext *e = ins(b, 1, 0, &err);
	if (!e) {
		snprintf(why, whylen, "%s: insert refused: %s", nx_op_name(op), err.msg);
		return 0;
	}
	uint8_t *base[NX_SEG_COUNT] = { e->data, ctxmem, buf0, NULL };
	uint64_t len[NX_SEG_COUNT] = { 16, sizeof ctxmem, sizeof buf0, 0 }, wr[NX_SEG_COUNT] = { 0, 72, 0, 0 };
	for (unsigned f = 0; f < 2 * NX_SEG_COUNT; f++)
		for (unsigned o = 0; o < sizeof offs / sizeof offs[0]; o++)
			for (int mode = 0; mode < NMODES; mode++) {
				unsigned seg = f / 2;
				uint64_t off = (uint64_t)(int64_t)offs[o], sval = 0x1122334455667788ull;
				int fits = off < len[seg] && len[seg] - off >= w;
				enum nx_fault want = !fits ? (store ? NX_FAULT_OOB_STORE : NX_FAULT_OOB_LOAD)
					: store && off < wr[seg] ? NX_FAULT_RO_STORE : NX_FAULT_NONE;
				if (mode == 0 && want)
					continue;
				mem_reset(e);
				uint8_t model[96];
				memcpy(model, base[seg] ? base[seg] : model, len[seg]);
				uint64_t wantv = 0;
				if (!want && store)
					memcpy(model + off, &sval, w);
				if (!want && !store) {
					memcpy(&wantv, base[seg] + off, w);
					if (op >= NX_OP_LDS8 && w < 8 && (wantv >> (8 * w - 1)) & 1)
						wantv |= ~0ull << (8 * w);
				}
				struct nx_env env = { 0 };
				nx_env_setup(&env, NX_HOOK_TRAP, ctxmem, buf0, sizeof buf0, NULL, 0);
				uint64_t args[2] = { off, sval };
				struct nx_result res;
				run_mode(e, mode, f, &env, args, 2, &res);
				int ok = res.fault == want && (want || store || res.value == wantv) &&
					 (!want || res.insn == e->fn[f].start + f % 2) &&
					 (!len[seg] || !memcmp(model, base[seg], len[seg]));
				if (!ok) {
					snprintf(why, whylen, "%s seg %u off %lld (%s): fault %s value %#llx, want %s %#llx",
						 nx_op_name(op), seg, (long long)off, mode_name[mode],
						 nx_fault_name(res.fault), (unsigned long long)res.value,
						 nx_fault_name(want), (unsigned long long)wantv);
					nx_remove(e);
					return 0;
				}
			}
	nx_remove(e);
	return 1;
}

int main(void)
{
	tap_plan(NX_OP_COUNT - 4 + 1);
	for (unsigned op = 0; op < NX_OP_COUNT; op++) {
		char why[256] = "";
		enum nx_class k = nx_op_class(op);
		int ok;
		if (k == NX_K_CALL || k == NX_K_RET)
			continue;   /* CALL, HCALL, XCALL, RET: test_calls */
		if (k == NX_K_LOAD || k == NX_K_STORE)
			ok = test_mem(op, why, sizeof why);
		else if (k == NX_K_BRANCH)
			ok = test_branch(op, why, sizeof why);
		else
			ok = test_alu(op, why, sizeof why);
		ok(ok, "%s agrees with the C model in unchecked, checked, counting, ref%s%s%s",
		   nx_op_name(op), k == NX_K_LOAD || k == NX_K_STORE ? "" : " and folding",
		   ok ? "" : ": ", why);
	}
	nx_run_cache_drain();
	ok(nx_host_bytes == 0 && nx_host_blocks == 0, "no engine memory left (%zu bytes, %zu blocks)",
	   nx_host_bytes, nx_host_blocks);
	return tap_done();
}

/*
 * The optimiser (-O1, extc's default): passes over one function's
 * instructions, run by gen_function once the generator has emitted them
 * and resolved its labels.  Every pass keeps what the program computes
 * and where it faults:
 *
 *   thread   a branch to a JMP goes where the JMP goes; a JMP to a RET
 *            is that RET; "Jcc L; JMP M; L:" is "J!cc M"; a branch to
 *            the next instruction is nothing; a JMP to "Jcc X; RET" (or
 *            "Jcc X; JMP M") is a copy of those two, so a loop tested at
 *            its top runs one branch per iteration
 *   reach    instructions no path reaches are dropped
 *   number   value numbering in each extended block: an ALU result, a
 *            division or a load computed again is taken from the register
 *            that still holds it; a store to a segment and every call
 *            forget that segment's loads, and a 64-bit store's value is
 *            what a load from its address gives; registers never written
 *            hold 0; an operand reads the register that has held its
 *            value longest, so copies die
 *   dead     an ALU result no path reads is dropped; loads, stores,
 *            divisions by a register, calls and branches always stay, so
 *            -O1 faults exactly where -O0 does (at the first of two equal
 *            loads, which -O0 reaches first too)
 *
 * Passes mark instructions dead; compact() deletes them.  While they run,
 * branch targets are instruction indexes (tgt[]) and each instruction
 * carries its source line; finish() encodes the offsets and rebuilds the
 * function's line entries.
 */
#include <stdlib.h>
#include <string.h>
#include "extc.h"

#define MAX_ROUNDS 4      /* the passes feed each other; this settles it */
#define MAX_KEYS   256    /* values one block remembers (bounds the work) */
#define NREG       256

struct opt {
	struct obj *o;
	uint64_t *code;       /* the function's instructions, in o->code   */
	int n;
	int nregs;            /* the function's frame: r0 .. r(nregs-1)     */
	int *tgt;             /* branch target (index), or -1              */
	int *line;            /* source line of each instruction           */
	uint8_t *dead;
	uint8_t zero[NREG];   /* never written, not an argument: always 0   */
};

/* --- instructions -------------------------------------------------------- */

static unsigned op_of(uint64_t w) { return NX_INSN_OP(w); }

static int is_branch(unsigned op)
{
	unsigned f = nx_op_fmt(op);
	return f == NX_F_J || f == NX_F_BRR || f == NX_F_BRI;
}

/* Control does not go on to the next instruction. */
static int no_fallthrough(unsigned op)
{
	return op == NX_OP_JMP || op == NX_OP_RET;
}

/* Zeroed memory, or extc's out-of-memory exit (extc_realloc). */
static void *zalloc(size_t n)
{
	return memset(extc_realloc(NULL, n ? n : 1), 0, n);
}

/* Registers as sets of 256 bits. */
struct regs { uint64_t w[NREG / 64]; };

static void regs_add(struct regs *s, unsigned r) { s->w[r >> 6] |= 1ull << (r & 63); }
static int regs_has(const struct regs *s, unsigned r) { return s->w[r >> 6] >> (r & 63) & 1; }

/* What instruction w reads and writes.  A CALL or XCALL clobbers every
 * register from its window up (the callee's frame), an HCALL only r[a]. */
static void effects(uint64_t w, struct regs *use, struct regs *def)
{
	unsigned op = op_of(w), f = nx_op_fmt(op), a = NX_INSN_A(w);
	memset(use, 0, sizeof *use);
	memset(def, 0, sizeof *def);
	if (f == NX_F_CALL) {
		for (unsigned i = 0; i < NX_INSN_C(w) && a + i < NREG; i++)
			regs_add(use, a + i);
		for (unsigned r = a; r < (op == NX_OP_HCALL ? a + 1 : NREG); r++)
			regs_add(def, r);
		return;
	}
	unsigned rd = nx_fmt_reads(f);
	if (rd & NX_FA) regs_add(use, a);
	if (rd & NX_FB) regs_add(use, NX_INSN_B(w));
	if (rd & NX_FC) regs_add(use, NX_INSN_C(w));
	if (nx_fmt_writes(f) & NX_FA)
		regs_add(def, a);
}

/* Dropped when its result is unread: no effect but r[a], and no fault. */
static int removable(unsigned op)
{
	unsigned k = nx_op_class(op);
	return k == NX_K_ALU || k == NX_K_DIVI;
}

/* The branch that is taken exactly when w's is not, into *w; 0 if none
 * fits the immediate (a <u 0 has no JGTUI form, and so on). */
static int negate(uint64_t *w)
{
	unsigned op = op_of(*w), a = NX_INSN_A(*w), b = NX_INSN_B(*w), t;
	int32_t k = NX_INSN_IMM(*w);
	switch (op) {
	case NX_OP_JEQ:  op = NX_OP_JNE; break;
	case NX_OP_JNE:  op = NX_OP_JEQ; break;
	case NX_OP_JLTU: op = NX_OP_JLEU; t = a; a = b; b = t; break;   /* a < b  <=> !(b <= a) */
	case NX_OP_JLEU: op = NX_OP_JLTU; t = a; a = b; b = t; break;
	case NX_OP_JLTS: op = NX_OP_JLES; t = a; a = b; b = t; break;
	case NX_OP_JLES: op = NX_OP_JLTS; t = a; a = b; b = t; break;
	case NX_OP_JEQI: op = NX_OP_JNEI; break;
	case NX_OP_JNEI: op = NX_OP_JEQI; break;
	case NX_OP_JLTUI:                 /* !(a <u k) <=> a >u k - 1, k != 0 */
		if (k == 0 || k == INT32_MIN) return 0;
		op = NX_OP_JGTUI; k--; break;
	case NX_OP_JGTUI:                 /* !(a >u k) <=> a <u k + 1, k != ~0 */
		if (k == -1 || k == INT32_MAX) return 0;
		op = NX_OP_JLTUI; k++; break;
	case NX_OP_JLTSI:
		if (k == INT32_MIN) return 0;
		op = NX_OP_JGTSI; k--; break;
	case NX_OP_JGTSI:
		if (k == INT32_MAX) return 0;
		op = NX_OP_JLTSI; k++; break;
	default:
		return 0;
	}
	/* BRR keeps c = 0 and imm = the offset (re-encoded by finish());
	 * BRI keeps its offset in b and c. */
	if (nx_op_fmt(op) == NX_F_BRI)
		*w = NX_INSN(op, a, NX_INSN_B(*w), NX_INSN_C(*w), k);
	else
		*w = NX_INSN(op, a, b, 0, 0);
	return 1;
}

/* --- deleting instructions ----------------------------------------------- */

/* Delete the dead instructions; a branch to one goes to the next kept. */
static int compact(struct opt *p)
{
	int *map = zalloc(((size_t)p->n + 1) * sizeof *map), k = 0;
	for (int i = 0; i < p->n; i++) {
		map[i] = k;
		k += !p->dead[i];
	}
	map[p->n] = k;
	int changed = k != p->n;
	for (int i = 0; i < p->n; i++) {
		if (p->dead[i])
			continue;
		int j = map[i];
		p->code[j] = p->code[i];
		p->tgt[j] = p->tgt[i] >= 0 ? map[p->tgt[i]] : -1;
		p->line[j] = p->line[i];
	}
	p->n = k;
	memset(p->dead, 0, (size_t)k);
	free(map);
	return changed;
}

/* --- thread: branches to branches ---------------------------------------- */

static int thread(struct opt *p)
{
	int changed = 0;
	for (int i = 0; i < p->n; i++) {
		unsigned op = op_of(p->code[i]);
		if (!is_branch(op))
			continue;
		int t = p->tgt[i];
		for (int hops = 0; hops < 8 && op_of(p->code[t]) == NX_OP_JMP && p->tgt[t] != t; hops++)
			t = p->tgt[t];
		if (t != p->tgt[i]) {
			p->tgt[i] = t;
			changed = 1;
		}
		if (op == NX_OP_JMP && op_of(p->code[t]) == NX_OP_RET) {
			p->code[i] = p->code[t];   /* the registers are the same there */
			p->tgt[i] = -1;
			changed = 1;
		} else if (t == i + 1) {
			p->dead[i] = 1;            /* goes where it would fall */
			changed = 1;
		}
	}
	return compact(p) | changed;
}

/* "Jcc L; JMP M; L:" -> "J!cc M" when nothing else jumps to the JMP. */
static int invert(struct opt *p)
{
	uint8_t *targeted = zalloc((size_t)p->n + 1);
	for (int i = 0; i < p->n; i++)
		if (p->tgt[i] >= 0)
			targeted[p->tgt[i]] = 1;
	int changed = 0;
	for (int i = 0; i + 2 < p->n + 1; i++) {
		unsigned op = op_of(p->code[i]);
		if (!is_branch(op) || op == NX_OP_JMP || p->tgt[i] != i + 2 || p->dead[i])
			continue;
		if (op_of(p->code[i + 1]) != NX_OP_JMP || targeted[i + 1] || !negate(&p->code[i]))
			continue;
		p->tgt[i] = p->tgt[i + 1];
		p->dead[i + 1] = 1;
		changed = 1;
	}
	free(targeted);
	return compact(p) | changed;
}

/*
 * "JMP L" where L is "Jcc X" followed by a RET or a JMP M: the JMP becomes
 * "Jcc X" and that RET or "JMP M".  A loop whose test is at its top
 * ("for (;;) { if (c) break; ... }", the generator's while loops with a
 * body that jumps back) then runs one branch per iteration instead of two.
 */
static void insert_after(struct opt *p, int i, uint64_t w, int t)
{
	struct obj *o = p->o;
	int start = (int)(p->code - o->code);
	if (o->ncode + 1 > o->capcode) {
		o->capcode = o->capcode ? 2 * o->capcode : 64;
		o->code = extc_realloc(o->code, (size_t)o->capcode * sizeof *o->code);
		p->code = o->code + start;
	}
	p->tgt = extc_realloc(p->tgt, ((size_t)p->n + 2) * sizeof *p->tgt);
	p->line = extc_realloc(p->line, ((size_t)p->n + 2) * sizeof *p->line);
	p->dead = extc_realloc(p->dead, (size_t)p->n + 2);
	size_t tail = (size_t)(p->n - i - 1);
	memmove(p->code + i + 2, p->code + i + 1, tail * sizeof *p->code);
	memmove(p->tgt + i + 2, p->tgt + i + 1, tail * sizeof *p->tgt);
	memmove(p->line + i + 2, p->line + i + 1, tail * sizeof *p->line);
	p->n++;
	o->ncode++;
	for (int k = 0; k < p->n; k++)
		if (p->tgt[k] > i)
			p->tgt[k]++;
	p->code[i + 1] = w;
	p->tgt[i + 1] = t > i ? t + 1 : t;
	p->line[i + 1] = p->line[i];
	p->dead[p->n - 1] = 0;
}

static int rotate(struct opt *p)
{
	int changed = 0;
	for (int i = 0; i < p->n && p->n < NX_MAX_FUNC_INSNS; i++) {
		if (op_of(p->code[i]) != NX_OP_JMP)
			continue;
		int t = p->tgt[i];
		unsigned top = op_of(p->code[t]);
		if (!is_branch(top) || top == NX_OP_JMP || t + 1 >= p->n || t == i)
			continue;
		unsigned next = op_of(p->code[t + 1]);
		if (next != NX_OP_JMP && next != NX_OP_RET)
			continue;
		uint64_t then = p->code[t + 1];
		int then_t = p->tgt[t + 1];
		p->code[i] = p->code[t];
		p->tgt[i] = p->tgt[t];
		insert_after(p, i, then, then_t);
		changed = 1;
		i++;
	}
	return changed;
}

/* --- reach: drop what no path runs --------------------------------------- */

static int reach(struct opt *p)
{
	uint8_t *seen = zalloc((size_t)p->n);
	int *stack = zalloc((size_t)p->n * sizeof *stack), sp = 0;
	seen[0] = 1;
	stack[sp++] = 0;
	while (sp) {
		int i = stack[--sp];
		int next[2] = { -1, p->tgt[i] };
		if (!no_fallthrough(op_of(p->code[i])) && i + 1 < p->n)
			next[0] = i + 1;
		for (int k = 0; k < 2; k++)
			if (next[k] >= 0 && !seen[next[k]]) {
				seen[next[k]] = 1;
				stack[sp++] = next[k];
			}
	}
	for (int i = 0; i < p->n; i++)
		p->dead[i] = !seen[i];
	free(seen);
	free(stack);
	return compact(p);
}

/* --- basic blocks --------------------------------------------------------- */

/* lead[i]: instruction i starts a basic block. */
static uint8_t *leaders(struct opt *p)
{
	uint8_t *lead = zalloc((size_t)p->n + 1);
	lead[0] = 1;
	for (int i = 0; i < p->n; i++) {
		unsigned op = op_of(p->code[i]);
		if (p->tgt[i] >= 0)
			lead[p->tgt[i]] = 1;
		if (is_branch(op) || op == NX_OP_RET)
			lead[i + 1] = 1;
	}
	return lead;
}

/* --- number: local value numbering ---------------------------------------- */

struct key { unsigned op; int seg; int x, y; int32_t imm; int vn; };

struct lvn {
	int val[NREG];        /* value number each register holds            */
	int born[NREG];       /* when it got it (-1: before the block)       */
	struct key keys[MAX_KEYS];
	int nkeys, next, vzero;
	int nregs;            /* holders are registers of the frame          */
};

static int commutative_op(unsigned op)
{
	return op == NX_OP_ADD || op == NX_OP_MUL || op == NX_OP_AND || op == NX_OP_OR ||
	       op == NX_OP_XOR || op == NX_OP_SEQ || op == NX_OP_SNE;
}

static int lvn_find(struct lvn *v, const struct key *k)
{
	for (int i = 0; i < v->nkeys; i++) {
		const struct key *e = &v->keys[i];
		if (e->op == k->op && e->seg == k->seg && e->x == k->x && e->y == k->y && e->imm == k->imm)
			return e->vn;
	}
	return -1;
}

static void lvn_add(struct lvn *v, struct key k, int vn)
{
	if (v->nkeys == MAX_KEYS)
		return;
	k.vn = vn;
	v->keys[v->nkeys++] = k;
}

/* A store or a call: loads of segment seg (-1: every segment) may now
 * give other values. */
static void lvn_forget(struct lvn *v, int seg)
{
	int j = 0;
	for (int i = 0; i < v->nkeys; i++)
		if (v->keys[i].seg < 0 || (seg >= 0 && v->keys[i].seg != seg))
			v->keys[j++] = v->keys[i];
	v->nkeys = j;
}

/* Registers never written hold 0 everywhere.  (So does every register
 * at the entry, but a MOVI 0 there is cheaper than the engine zeroing a
 * register the code would then read before writing: zero.c.) */
static void lvn_block_start(struct lvn *v, const struct opt *p)
{
	v->nkeys = 0;
	v->vzero = v->next++;
	lvn_add(v, (struct key){ NX_OP_MOVI, -1, 0, 0, 0, 0 }, v->vzero);
	for (int r = 0; r < NREG; r++) {
		v->val[r] = p->zero[r] ? v->vzero : v->next++;
		v->born[r] = -1;
	}
}

/* The register that has held value vn longest, or -1. */
static int lvn_holder(const struct lvn *v, int vn)
{
	int best = -1;
	for (int r = 0; r < v->nregs; r++)
		if (v->val[r] == vn && (best < 0 || v->born[r] < v->born[best]))
			best = r;
	return best;
}

static void lvn_set(struct lvn *v, unsigned r, int vn, int at)
{
	if (v->val[r] != vn)
		v->born[r] = at;
	v->val[r] = vn;
}

/* Operands read the longest holder of their value (not an RMI's a, which
 * is also written, nor a call's window, which is positional). */
static int lvn_operands(struct lvn *v, uint64_t *w)
{
	unsigned op = op_of(*w), f = nx_op_fmt(op), rd = nx_fmt_reads(f);
	unsigned a = NX_INSN_A(*w), b = NX_INSN_B(*w), c = NX_INSN_C(*w);
	if (f == NX_F_CALL || f == NX_F_RMI)
		return 0;
	int h;
	if ((rd & NX_FA) && (h = lvn_holder(v, v->val[a])) >= 0) a = (unsigned)h;
	if ((rd & NX_FB) && (h = lvn_holder(v, v->val[b])) >= 0) b = (unsigned)h;
	if ((rd & NX_FC) && (h = lvn_holder(v, v->val[c])) >= 0) c = (unsigned)h;
	uint64_t nw = (*w & ~0xffffff00ull) | (uint64_t)a << 8 | (uint64_t)b << 16 | (uint64_t)c << 24;
	int changed = nw != *w;
	*w = nw;
	return changed;
}

/* Value-number instruction i; 1 if it was rewritten or dropped. */
static int lvn_insn(struct opt *p, struct lvn *v, int i)
{
	uint64_t *w = &p->code[i];
	int changed = lvn_operands(v, w);
	unsigned op = op_of(*w), f = nx_op_fmt(op), k = nx_op_class(op);
	unsigned a = NX_INSN_A(*w), b = NX_INSN_B(*w), c = NX_INSN_C(*w);
	struct key key = { op, -1, 0, 0, NX_INSN_IMM(*w), 0 };
	switch (k) {
	case NX_K_ALU: case NX_K_DIV: case NX_K_DIVI:
		if (op == NX_OP_MOV) {
			if (v->val[a] == v->val[b]) {
				p->dead[i] = 1;    /* a holds it already */
				return 1;
			}
			lvn_set(v, a, v->val[b], i);
			return changed;
		}
		if (f == NX_F_RMI) key.x = v->val[a];
		if (nx_fmt_reads(f) & NX_FB) key.x = v->val[b];
		if (nx_fmt_reads(f) & NX_FC) key.y = v->val[c];
		if (commutative_op(op) && key.x > key.y) {
			int t = key.x; key.x = key.y; key.y = t;
		}
		break;
	case NX_K_LOAD:
		key.seg = (int)c;
		key.x = v->val[b];
		break;
	case NX_K_STORE:
		lvn_forget(v, (int)c);
		if (op == NX_OP_ST64)
			lvn_add(v, (struct key){ NX_OP_LD64, (int)c, v->val[b], 0, key.imm, 0 }, v->val[a]);
		return changed;
	case NX_K_CALL:
		lvn_forget(v, -1);
		for (unsigned r = a; r < (op == NX_OP_HCALL ? a + 1 : NREG); r++)
			lvn_set(v, r, v->next++, i);
		return changed;
	default:                      /* branches, RET */
		return changed;
	}
	int vn = lvn_find(v, &key);
	if (vn < 0) {
		vn = v->next++;
		lvn_add(v, key, vn);
		lvn_set(v, a, vn, i);
		return changed;
	}
	int h = lvn_holder(v, vn);
	if (h == (int)a) {
		p->dead[i] = 1;               /* recomputes what a holds */
		return 1;
	}
	/* A constant stays a MOVI (no cheaper than a MOV); its uses already
	 * read the older register, so it dies if nothing after the block reads it. */
	if (h >= 0 && op != NX_OP_MOVI) {
		*w = NX_INSN(NX_OP_MOV, a, (unsigned)h, 0, 0);
		changed = 1;
	}
	lvn_set(v, a, vn, i);
	return changed;
}

/* Numbering runs over extended blocks: what a conditional branch falls
 * into, when nothing else jumps there, starts with what was known before
 * the branch (a branch changes no register and no memory). */
static int number(struct opt *p)
{
	struct lvn *v = zalloc(sizeof *v);
	v->nregs = p->nregs;
	uint8_t *entered = zalloc((size_t)p->n + 1);
	for (int i = 0; i < p->n; i++)
		if (p->tgt[i] >= 0)
			entered[p->tgt[i]] = 1;
	int changed = 0;
	for (int i = 0; i < p->n; i++) {
		if (i == 0 || entered[i] || no_fallthrough(op_of(p->code[i - 1])))
			lvn_block_start(v, p);
		changed |= lvn_insn(p, v, i);
	}
	free(entered);
	free(v);
	return compact(p) | changed;
}

/* --- dead: liveness over the blocks --------------------------------------- */

/* What is live after instruction last, which ends its block: the live-in
 * of its successors (the next block if control falls there, the target). */
static struct regs live_out(const struct opt *p, const struct regs *in, const int *bl,
			    int last, int has_next)
{
	struct regs live = { { 0 } };
	if (!no_fallthrough(op_of(p->code[last])) && has_next)
		live = in[bl[last] + 1];
	if (p->tgt[last] >= 0)
		for (int k = 0; k < NREG / 64; k++)
			live.w[k] |= in[bl[p->tgt[last]]].w[k];
	return live;
}

/* Live before w, from live after it. */
static void live_before(struct regs *live, uint64_t w)
{
	struct regs use, def;
	effects(w, &use, &def);
	for (int k = 0; k < NREG / 64; k++)
		live->w[k] = (live->w[k] & ~def.w[k]) | use.w[k];
}

static int dead(struct opt *p)
{
	uint8_t *lead = leaders(p);
	int *bl = zalloc(((size_t)p->n + 1) * sizeof *bl), nb = 0;
	int *start = zalloc(((size_t)p->n + 1) * sizeof *start);
	for (int i = 0; i < p->n; i++) {
		if (lead[i])
			start[nb++] = i;
		bl[i] = nb - 1;
	}
	start[nb] = p->n;
	struct regs *in = zalloc((size_t)nb * sizeof *in);
	/* live-in of every block, to a fixed point (walking blocks backwards
	 * settles loops in a few sweeps) */
	for (int again = 1; again;) {
		again = 0;
		for (int b = nb - 1; b >= 0; b--) {
			struct regs live = live_out(p, in, bl, start[b + 1] - 1, b + 1 < nb);
			for (int i = start[b + 1] - 1; i >= start[b]; i--)
				live_before(&live, p->code[i]);
			if (memcmp(&live, &in[b], sizeof live)) {
				in[b] = live;
				again = 1;
			}
		}
	}
	int changed = 0;
	for (int b = 0; b < nb; b++) {
		struct regs live = live_out(p, in, bl, start[b + 1] - 1, b + 1 < nb);
		for (int i = start[b + 1] - 1; i >= start[b]; i--) {
			if (removable(op_of(p->code[i])) && !regs_has(&live, NX_INSN_A(p->code[i]))) {
				p->dead[i] = 1;
				changed = 1;
				continue;
			}
			live_before(&live, p->code[i]);
		}
	}
	free(in);
	free(start);
	free(bl);
	free(lead);
	return compact(p) | changed;
}

/* --- in and out ----------------------------------------------------------- */

static void load(struct opt *p, int start, int n)
{
	struct obj *o = p->o;
	p->code = o->code + start;
	p->n = n;
	p->tgt = zalloc(((size_t)n + 1) * sizeof *p->tgt);
	p->line = zalloc(((size_t)n + 1) * sizeof *p->line);
	p->dead = zalloc((size_t)n + 1);
	struct regs use, def, written = { { 0 } };
	int li = 0, cur = 0;
	for (int i = 0; i < n; i++) {
		uint64_t w = p->code[i];
		unsigned f = nx_op_fmt(op_of(w));
		p->tgt[i] = -1;
		if (f == NX_F_J || f == NX_F_BRR || f == NX_F_BRI)
			p->tgt[i] = i + 1 + NX_INSN_BRANCH_OFF(w, nx_fmt_fields(f));
		while (li < o->nlines && o->lines[li].insn <= (uint32_t)(start + i))
			cur = (int)o->lines[li++].line;
		p->line[i] = cur;
		effects(w, &use, &def);
		for (int k = 0; k < NREG / 64; k++)
			written.w[k] |= def.w[k];
	}
	for (int r = 0; r < p->nregs; r++)
		p->zero[r] = !regs_has(&written, (unsigned)r);
}

/* Encode the branch offsets; the function's line entries from its lines. */
static void finish(struct opt *p, int start)
{
	struct obj *o = p->o;
	for (int i = 0; i < p->n; i++) {
		if (p->tgt[i] < 0)
			continue;
		uint64_t w = p->code[i];
		int32_t off = p->tgt[i] - (i + 1);
		if (nx_op_fmt(op_of(w)) == NX_F_BRI)
			w = (w & ~0xffff0000ull) | (uint64_t)(uint16_t)off << 16;
		else
			w = (w & 0xffffffffull) | (uint64_t)(uint32_t)off << 32;
		p->code[i] = w;
	}
	int keep = 0;
	while (keep < o->nlines && o->lines[keep].insn < (uint32_t)start)
		keep++;
	o->nlines = keep;
	for (int i = 0; i < p->n; i++) {
		if (o->nlines > keep && o->lines[o->nlines - 1].line == (uint32_t)p->line[i])
			continue;
		if (o->nlines == o->caplines) {
			o->caplines = o->caplines ? 2 * o->caplines : 64;
			o->lines = extc_realloc(o->lines, (size_t)o->caplines * sizeof *o->lines);
		}
		o->lines[o->nlines++] = (struct nx_line){ (uint32_t)(start + i), (uint32_t)p->line[i] };
	}
	o->ncode = start + p->n;
	free(p->tgt);
	free(p->line);
	free(p->dead);
}

int opt_function(struct extc *c, int start, int n, int nregs, const struct sym *f)
{
	struct opt p = { .o = &c->obj, .nregs = nregs };
	load(&p, start, n);
	for (int r = 0; r < f->nparams; r++)
		p.zero[r] = 0;
	for (int round = 0; round < MAX_ROUNDS; round++) {
		int changed = thread(&p);
		changed |= invert(&p);
		changed |= rotate(&p);
		changed |= reach(&p);
		changed |= number(&p);
		changed |= dead(&p);
		if (!changed)
			break;
	}
	finish(&p, start);
	return p.n;
}

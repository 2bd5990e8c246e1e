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
 *            Constants fold: an operation on known values is a MOVI of the
 *            result, a known operand selects the immediate form, x + 0 and
 *            the like are copies, a branch on known values is a JMP or
 *            nothing
 *   hoist    an ALU result of a loop whose operands the loop does not
 *            write moves before the loop (loops entered only at the top)
 *   dead     an ALU result no path reads is dropped; loads, stores,
 *            divisions by a register, calls and branches always stay, so
 *            -O1 faults exactly where -O0 does (at the first of two equal
 *            loads, which -O0 reaches first too)
 *
 * Before them, inline: a CALL of a short function that cannot fault or
 * call becomes that function's code (its registers moved up to the
 * call's window).  Around them, in a function without CALL or XCALL
 * (whose windows make register numbers positional): split, first, gives
 * every web its own register, so a value outlives the reuse of the
 * generator's temporaries and number() can find it; color, last, gives
 * registers never live at once one number again (greedy, preferring the
 * number of an operand that dies at the definition) and drops the copies
 * that became "MOV r, r".
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
	int nfuncs;           /* of the program (o->funcs)                  */
	int *tgt;             /* branch target (index), or -1              */
	int *line;            /* source line of each instruction           */
	uint8_t *dead;
	uint8_t zero[NREG];   /* never written, not an argument: always 0   */
	uint8_t konst[NREG];  /* constant wherever read: constants()        */
	uint64_t kval[NREG];
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

/* The register fields of w (NX_FA, NX_FB, NX_FC) and their values. */
static unsigned reg_field(uint64_t w, unsigned f)
{
	return f == NX_FA ? NX_INSN_A(w) : f == NX_FB ? NX_INSN_B(w) : NX_INSN_C(w);
}

static uint64_t set_reg_field(uint64_t w, unsigned f, unsigned r)
{
	unsigned shift = f == NX_FA ? 8 : f == NX_FB ? 16 : 24;
	return (w & ~(0xffull << shift)) | (uint64_t)r << shift;
}

static int writes_a(uint64_t w) { return nx_fmt_writes(nx_op_fmt(op_of(w))) & NX_FA; }

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
/* Instruction i becomes the m instructions w[] (targets t[]: absolute
 * indexes after the change, or -1; source lines ln[]).  Branches to i go
 * to the first of them. */
static void splice(struct opt *p, int i, const uint64_t *w, const int *t, const int *ln, int m)
{
	struct obj *o = p->o;
	int start = (int)(p->code - o->code), more = m - 1;
	if (o->ncode + more > o->capcode) {
		while (o->capcode < o->ncode + more)
			o->capcode = o->capcode ? 2 * o->capcode : 64;
		o->code = extc_realloc(o->code, (size_t)o->capcode * sizeof *o->code);
		p->code = o->code + start;
	}
	size_t n = (size_t)(p->n + more) + 1;
	p->tgt = extc_realloc(p->tgt, n * sizeof *p->tgt);
	p->line = extc_realloc(p->line, n * sizeof *p->line);
	p->dead = extc_realloc(p->dead, n);
	for (int k = 0; k < p->n; k++)
		if (p->tgt[k] > i)
			p->tgt[k] += more;
	size_t tail = (size_t)(p->n - i - 1);
	memmove(p->code + i + m, p->code + i + 1, tail * sizeof *p->code);
	memmove(p->tgt + i + m, p->tgt + i + 1, tail * sizeof *p->tgt);
	memmove(p->line + i + m, p->line + i + 1, tail * sizeof *p->line);
	memcpy(p->code + i, w, (size_t)m * sizeof *w);
	memcpy(p->tgt + i, t, (size_t)m * sizeof *t);
	memcpy(p->line + i, ln, (size_t)m * sizeof *ln);
	p->n += more;
	o->ncode += more;
	memset(p->dead, 0, n);
}

static void insert_after(struct opt *p, int i, uint64_t w, int t)
{
	uint64_t ws[2] = { p->code[i], w };
	int ts[2] = { p->tgt[i] > i ? p->tgt[i] + 1 : p->tgt[i], t > i ? t + 1 : t };
	int ln[2] = { p->line[i], p->line[i] };
	splice(p, i, ws, ts, ln, 2);
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

/* --- liveness over the blocks ------------------------------------------- */

struct live {
	int nb;               /* basic blocks                               */
	int *bl;              /* block of each instruction                  */
	int *start;           /* first instruction of each block, then n    */
	struct regs *in;      /* registers live at each block's start       */
};

/* What is live after instruction last, which ends its block: the live-in
 * of its successors (the next block if control falls there, the target). */
static struct regs live_out(const struct opt *p, const struct live *L, int last)
{
	struct regs live = { { 0 } };
	if (!no_fallthrough(op_of(p->code[last])) && L->bl[last] + 1 < L->nb)
		live = L->in[L->bl[last] + 1];
	if (p->tgt[last] >= 0)
		for (int k = 0; k < NREG / 64; k++)
			live.w[k] |= L->in[L->bl[p->tgt[last]]].w[k];
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

/* Live-in of every block, to a fixed point (walking the blocks backwards
 * settles loops in a few sweeps). */
static void live_in(struct opt *p, struct live *L)
{
	uint8_t *lead = leaders(p);
	L->bl = zalloc(((size_t)p->n + 1) * sizeof *L->bl);
	L->start = zalloc(((size_t)p->n + 1) * sizeof *L->start);
	L->nb = 0;
	for (int i = 0; i < p->n; i++) {
		if (lead[i])
			L->start[L->nb++] = i;
		L->bl[i] = L->nb - 1;
	}
	L->start[L->nb] = p->n;
	free(lead);
	L->in = zalloc((size_t)L->nb * sizeof *L->in);
	for (int again = 1; again;) {
		again = 0;
		for (int b = L->nb - 1; b >= 0; b--) {
			struct regs live = live_out(p, L, L->start[b + 1] - 1);
			for (int i = L->start[b + 1] - 1; i >= L->start[b]; i--)
				live_before(&live, p->code[i]);
			if (memcmp(&live, &L->in[b], sizeof live)) {
				L->in[b] = live;
				again = 1;
			}
		}
	}
}

static void live_free(struct live *L)
{
	free(L->in);
	free(L->start);
	free(L->bl);
}

/*
 * Registers that hold one constant wherever they are read: every write is
 * "MOVI r, k" with the same k, and no path reads r before a write (r is not
 * live at the entry).  Known for folding, but never a holder of another
 * register's value: where nothing reads r, r may not be written yet.
 */
static void constants(struct opt *p)
{
	struct live L;
	live_in(p, &L);
	uint8_t bad[NREG] = { 0 }, seen[NREG] = { 0 };
	struct regs use, def;
	for (int i = 0; i < p->n; i++) {
		uint64_t w = p->code[i];
		effects(w, &use, &def);
		for (int r = 0; r < p->nregs; r++) {
			if (!regs_has(&def, (unsigned)r))
				continue;
			uint64_t k = (uint64_t)(int64_t)NX_INSN_IMM(w);
			if (op_of(w) != NX_OP_MOVI || (seen[r] && p->kval[r] != k))
				bad[r] = 1;
			seen[r] = 1;
			p->kval[r] = k;
		}
	}
	for (int r = 0; r < p->nregs; r++)
		p->konst[r] = seen[r] && !bad[r] && !regs_has(&L.in[0], (unsigned)r);
	live_free(&L);
}

/* --- number: local value numbering ---------------------------------------- */

struct key { unsigned op; int seg; int x, y; int32_t imm; int vn; };

struct lvn {
	int val[NREG];        /* value number each register holds            */
	int born[NREG];       /* when it got it (-1: before the block)       */
	struct key keys[MAX_KEYS];
	int nkeys, next, vzero;
	int nregs;            /* holders are registers of the frame          */
	uint8_t known[NREG];  /* the register holds the constant kval[r]     */
	uint64_t kval[NREG];
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
		v->known[r] = p->zero[r] || p->konst[r];
		v->kval[r] = p->konst[r] ? p->kval[r] : 0;
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

/* --- constants: folding inside number ---------------------------------- */

/* The immediate form of a register-register operation, or -1.  swapped:
 * the constant is the left operand (b), so a < k becomes k > ... */
static int imm_form(unsigned op, int swapped)
{
	switch (op) {
	case NX_OP_ADD:  return NX_OP_ADDI;
	case NX_OP_MUL:  return NX_OP_MULI;
	case NX_OP_AND:  return NX_OP_ANDI;
	case NX_OP_OR:   return NX_OP_ORI;
	case NX_OP_XOR:  return NX_OP_XORI;
	case NX_OP_SEQ:  return NX_OP_SEQI;
	case NX_OP_SNE:  return NX_OP_SNEI;
	case NX_OP_SLTU: return swapped ? NX_OP_SGTUI : NX_OP_SLTUI;
	case NX_OP_SLTS: return swapped ? NX_OP_SGTSI : NX_OP_SLTSI;
	}
	if (swapped)
		return -1;
	switch (op) {
	case NX_OP_SHL:  return NX_OP_SHLI;
	case NX_OP_SHR:  return NX_OP_SHRI;
	case NX_OP_SAR:  return NX_OP_SARI;
	case NX_OP_DIVU: return NX_OP_DIVUI;
	case NX_OP_DIVS: return NX_OP_DIVSI;
	case NX_OP_MODU: return NX_OP_MODUI;
	case NX_OP_MODS: return NX_OP_MODSI;
	}
	return -1;
}

/* An immediate operation that gives its operand back: a copy. */
static int identity(unsigned op, int32_t k)
{
	switch (op) {
	case NX_OP_ADDI: case NX_OP_ORI: case NX_OP_XORI: return k == 0;
	case NX_OP_SHLI: case NX_OP_SHRI: case NX_OP_SARI: return (k & 63) == 0;
	case NX_OP_MULI: case NX_OP_DIVUI: case NX_OP_DIVSI: return k == 1;
	case NX_OP_ANDI: return k == -1;
	}
	return 0;
}

/*
 * Fold the ALU, DIV or DIVI instruction *w over the constants the block
 * knows: all operands known, it is a MOVI of its result (when that fits
 * an immediate; *kv gets the result, *known = 1, in any case); a known
 * right operand (or left, of a commutative or mirrored compare) makes it
 * the immediate form (SUB by k: ADDI -k; a divisor must not be 0); an
 * immediate form that gives its operand back is a MOV.  1 if rewritten.
 */
static int fold(const struct lvn *v, uint64_t *w, int *known, uint64_t *kv)
{
	unsigned op = op_of(*w), f = nx_op_fmt(op), rd = nx_fmt_reads(f);
	unsigned a = NX_INSN_A(*w), b = NX_INSN_B(*w), c = NX_INSN_C(*w);
	int32_t imm = NX_INSN_IMM(*w);
	*known = (!(rd & NX_FA) || v->known[a]) && (!(rd & NX_FB) || v->known[b]) &&
		 (!(rd & NX_FC) || v->known[c]) &&
		 nx_isa_eval(op, v->kval[a], v->kval[b], v->kval[c], (uint64_t)(int64_t)imm, kv);
	if (*known) {
		if (op == NX_OP_MOVI || !fits32(*kv))
			return 0;
		*w = NX_INSN(NX_OP_MOVI, a, 0, 0, (int32_t)*kv);
		return 1;
	}
	if (f == NX_F_RRR) {
		int swapped = !v->known[c], nop = imm_form(op, swapped);
		unsigned r = swapped ? c : b;
		uint64_t k = swapped ? v->kval[b] : v->kval[c];
		if (op == NX_OP_SUB && !swapped) {
			nop = NX_OP_ADDI;
			k = 0 - k;
		}
		if (nop < 0 || !v->known[swapped ? b : c] || !fits32(k) ||
		    (nx_op_class((unsigned)nop) == NX_K_DIVI && k == 0))
			return 0;
		*w = NX_INSN((unsigned)nop, a, r, 0, (int32_t)k);
		if (identity((unsigned)nop, (int32_t)k))
			*w = NX_INSN(NX_OP_MOV, a, r, 0, 0);
		return 1;
	}
	if (f == NX_F_RRI && identity(op, imm)) {
		*w = NX_INSN(NX_OP_MOV, a, b, 0, 0);
		return 1;
	}
	return 0;
}

/* A conditional branch over known constants: taken, a JMP; not taken,
 * nothing.  Else one known operand of a register compare becomes the
 * immediate form.  1 if rewritten (or marked dead). */
static int fold_branch(struct opt *p, const struct lvn *v, int i)
{
	uint64_t *w = &p->code[i];
	unsigned op = op_of(*w), f = nx_op_fmt(op), a = NX_INSN_A(*w), b = NX_INSN_B(*w);
	uint64_t taken;
	if (op == NX_OP_JMP || (f != NX_F_BRR && f != NX_F_BRI))
		return 0;
	int32_t k = f == NX_F_BRI ? NX_INSN_IMM(*w) : 0;
	if (v->known[a] && (f == NX_F_BRI || v->known[b]) &&
	    nx_isa_eval(op, v->kval[a], v->kval[b], 0, (uint64_t)(int64_t)k, &taken)) {
		if (taken)
			*w = NX_INSN(NX_OP_JMP, 0, 0, 0, 0);
		else
			p->dead[i] = 1;
		return 1;
	}
	if (f != NX_F_BRR)
		return 0;
	static const struct { unsigned rr, right, left; } forms[] = {
		/* register form, immediate form with b known, with a known */
		{ NX_OP_JEQ,  NX_OP_JEQI,  NX_OP_JEQI },
		{ NX_OP_JNE,  NX_OP_JNEI,  NX_OP_JNEI },
		{ NX_OP_JLTU, NX_OP_JLTUI, NX_OP_JGTUI },   /* k < b <=> b > k */
		{ NX_OP_JLTS, NX_OP_JLTSI, NX_OP_JGTSI },
	};
	/* a <= k is a < k + 1; k <= b is b > k - 1 (not past the ends) */
	if (op == NX_OP_JLEU || op == NX_OP_JLES) {
		int s = op == NX_OP_JLES;
		uint64_t kb = v->kval[b] + 1, ka = v->kval[a] - 1;
		if (v->known[b] && fits32(kb) && (s ? (int64_t)kb > (int64_t)v->kval[b] : kb != 0))
			*w = NX_INSN(s ? NX_OP_JLTSI : NX_OP_JLTUI, a, 0, 0, (int32_t)kb);
		else if (v->known[a] && fits32(ka) && (s ? (int64_t)ka < (int64_t)v->kval[a] : v->kval[a] != 0))
			*w = NX_INSN(s ? NX_OP_JGTSI : NX_OP_JGTUI, b, 0, 0, (int32_t)ka);
		else
			return 0;
		return 1;
	}
	for (unsigned j = 0; j < sizeof forms / sizeof forms[0]; j++) {
		if (forms[j].rr != op)
			continue;
		if (v->known[b] && fits32(v->kval[b]))
			*w = NX_INSN(forms[j].right, a, 0, 0, (int32_t)v->kval[b]);
		else if (v->known[a] && fits32(v->kval[a]))
			*w = NX_INSN(forms[j].left, b, 0, 0, (int32_t)v->kval[a]);
		else
			return 0;
		return 1;
	}
	return 0;
}

/* Value-number instruction i; 1 if it was rewritten or dropped. */
static int lvn_insn(struct opt *p, struct lvn *v, int i)
{
	uint64_t *w = &p->code[i];
	int changed = lvn_operands(v, w);
	int known = 0;
	uint64_t kv = 0;
	unsigned k = nx_op_class(op_of(*w));
	if (k == NX_K_ALU || k == NX_K_DIV || k == NX_K_DIVI)
		changed |= fold(v, w, &known, &kv);
	else if (k == NX_K_BRANCH && fold_branch(p, v, i))
		return 1;
	unsigned op = op_of(*w), f = nx_op_fmt(op);
	unsigned a = NX_INSN_A(*w), b = NX_INSN_B(*w), c = NX_INSN_C(*w);
	struct key key = { op, -1, 0, 0, NX_INSN_IMM(*w), 0 };
	k = nx_op_class(op);
	if (nx_fmt_writes(f) & NX_FA) {
		v->known[a] = (uint8_t)known;   /* a MOV copies b's below */
		v->kval[a] = kv;
	}
	switch (k) {
	case NX_K_ALU: case NX_K_DIV: case NX_K_DIVI:
		if (op == NX_OP_MOV) {
			v->known[a] = v->known[b];
			v->kval[a] = v->kval[b];
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
		for (unsigned r = a; r < (op == NX_OP_HCALL ? a + 1 : NREG); r++) {
			lvn_set(v, r, v->next++, i);
			v->known[r] = 0;
		}
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
	constants(p);
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

/* --- dead: results nobody reads ----------------------------------------- */

static int dead(struct opt *p)
{
	struct live L;
	live_in(p, &L);
	int changed = 0;
	for (int b = 0; b < L.nb; b++) {
		struct regs live = live_out(p, &L, L.start[b + 1] - 1);
		for (int i = L.start[b + 1] - 1; i >= L.start[b]; i--) {
			if (removable(op_of(p->code[i])) && !regs_has(&live, NX_INSN_A(p->code[i]))) {
				p->dead[i] = 1;
				changed = 1;
				continue;
			}
			live_before(&live, p->code[i]);
		}
	}
	live_free(&L);
	return compact(p) | changed;
}

/* --- inline: calls of small functions that cannot fault ------------------- */

#define INLINE_MAX 32     /* instructions of a function inlined */

/* Function fi may replace a call of it: generated already (before the
 * caller), short, and nothing in it can fault or call, so a fault never
 * names a function it is not in. */
static int inlinable(const struct opt *p, uint32_t fi, int caller_start)
{
	if (fi >= (uint32_t)p->nfuncs)
		return 0;
	const struct nx_func *f = &p->o->funcs[fi];
	if (!f->len || f->len > INLINE_MAX || (int)f->start >= caller_start)
		return 0;
	for (uint32_t k = 0; k < f->len; k++) {
		unsigned c = nx_op_class(op_of(p->o->code[f->start + k]));
		if (c != NX_K_ALU && c != NX_K_DIVI && c != NX_K_BRANCH && c != NX_K_RET)
			return 0;
	}
	return 1;
}

/* The source line of instruction k of the object (its line entries). */
static int line_of(const struct obj *o, uint32_t k)
{
	int line = 0;
	for (int e = 0; e < o->nlines && o->lines[e].insn <= k; e++)
		line = (int)o->lines[e].line;
	return line;
}

/*
 * CALL a, f becomes f's code with every register moved up by a: the
 * callee's frame starts at the caller's r[a] (isa.h), so its arguments
 * are where they were and "RET x" is "MOV a, a + x" and a jump past the
 * code.  The callee's other registers start at 0 in a call, so a MOVI 0
 * sets each first (dead() drops those written before they are read).
 */
static int inline_call(struct opt *p, int i)
{
	uint64_t cw = p->code[i];
	unsigned a = NX_INSN_A(cw);
	const struct nx_func *f = &p->o->funcs[NX_INSN_IMM(cw)];
	if (a + f->nregs > NX_MAX_REGS || p->n + 3 * (int)f->len + f->nregs > NX_MAX_FUNC_INSNS)
		return 0;
	int cap = f->nregs + 2 * (int)f->len, m = 0, pos[INLINE_MAX + 1];
	uint64_t *w = zalloc((size_t)cap * sizeof *w);
	int *t = zalloc((size_t)cap * sizeof *t), *ln = zalloc((size_t)cap * sizeof *ln);
	for (unsigned r = f->nargs; r < f->nregs; r++, m++) {
		w[m] = NX_INSN(NX_OP_MOVI, a + r, 0, 0, 0);
		t[m] = -1;
		ln[m] = p->line[i];
	}
	int end = m;                 /* where each lands, then the end */
	for (uint32_t k = 0; k < f->len; k++) {
		uint64_t x = p->o->code[f->start + k];
		pos[k] = end;
		end += op_of(x) != NX_OP_RET ? 1 : (NX_INSN_A(x) != 0) + (k + 1 < f->len);
	}
	end += i;
	for (uint32_t k = 0; k < f->len; k++) {
		uint64_t x = p->o->code[f->start + k];
		unsigned op = op_of(x), fmt = nx_op_fmt(op);
		int line = line_of(p->o, f->start + k);
		if (op == NX_OP_RET) {
			if (NX_INSN_A(x) != 0)
				w[m] = NX_INSN(NX_OP_MOV, a, a + NX_INSN_A(x), 0, 0), t[m] = -1, ln[m++] = line;
			if (k + 1 < f->len)
				w[m] = NX_INSN(NX_OP_JMP, 0, 0, 0, 0), t[m] = end, ln[m++] = line;
			continue;
		}
		unsigned regs = nx_fmt_reads(fmt) | nx_fmt_writes(fmt);
		for (unsigned b = NX_FA; b <= NX_FC; b <<= 1)
			if (regs & b)
				x = set_reg_field(x, b, reg_field(x, b) + a);
		t[m] = -1;
		if (is_branch(op))
			t[m] = i + pos[k + 1 + NX_INSN_BRANCH_OFF(x, nx_fmt_fields(fmt))];
		w[m] = x;
		ln[m++] = line;
	}
	splice(p, i, w, t, ln, m);
	if ((int)(a + f->nregs) > p->nregs)
		p->nregs = (int)(a + f->nregs);
	free(w);
	free(t);
	free(ln);
	return m;
}

static void inline_calls(struct opt *p)
{
	int start = (int)(p->code - p->o->code);
	for (int i = 0; i < p->n; i++)
		if (op_of(p->code[i]) == NX_OP_CALL && inlinable(p, (uint32_t)NX_INSN_IMM(p->code[i]), start)) {
			int m = inline_call(p, i);
			if (m)
				i += m - 1;
		}
}

/* --- hoist: loop-invariant results ---------------------------------------- */

/*
 * A loop is a back edge j -> t (t <= j, the last branch back to t) whose
 * range [t, j] is entered only by falling into t: no branch from outside
 * lands in it.  Its preheader is then the point between t - 1 and t.
 */
static int loop_entered_at_top(const struct opt *p, int t, int j)
{
	if (t == 0 || no_fallthrough(op_of(p->code[t - 1])))
		return 0;
	for (int k = 0; k < p->n; k++)
		if ((k < t || k > j) && p->tgt[k] >= t && p->tgt[k] <= j)
			return 0;
	return 1;
}

/*
 * The ALU results of loop [t, j] whose operands no instruction of the loop
 * writes move to its preheader, in order (so a chain of them moves
 * together), when the loop writes their register nowhere else and the
 * register is not live at the loop's top.  Then no read in the loop, nor
 * after an exit, can see an earlier value: every path from the top to it
 * passes the (same-valued) write.  ALU operations cannot fault, so
 * computing one where the loop might not have is harmless.  Returns how
 * many moved.
 */
static int hoist_loop(struct opt *p, int t, int j)
{
	struct live L;
	live_in(p, &L);
	struct regs at_top = L.in[L.bl[t]];
	live_free(&L);
	int writes[NREG] = { 0 }, *moved = zalloc((size_t)(j - t + 1) * sizeof *moved), nm = 0;
	struct regs use, def;
	for (int i = t; i <= j; i++) {
		effects(p->code[i], &use, &def);
		for (int r = 0; r < NREG; r++)
			writes[r] += regs_has(&def, (unsigned)r);
	}
	for (int i = t; i <= j; i++) {
		uint64_t w = p->code[i];
		unsigned d = NX_INSN_A(w);
		int wide = op_of(w) == NX_OP_MOVI && i < j && op_of(p->code[i + 1]) == NX_OP_MOVHI &&
			   NX_INSN_A(p->code[i + 1]) == d;   /* a 64-bit constant moves whole */
		if (!removable(op_of(w)) || writes[d] != 1 + wide || regs_has(&at_top, d))
			continue;
		effects(w, &use, &def);
		int invariant = 1;
		for (int r = 0; r < NREG && invariant; r++)
			invariant = !regs_has(&use, (unsigned)r) || !writes[r];
		if (!invariant)
			continue;
		writes[d] = 0;
		moved[nm++] = i;
		if (wide)
			moved[nm++] = ++i;
	}
	for (int k = 0; k < nm; k++) {
		insert_after(p, t - 1 + k, p->code[moved[k] + k], -1);
		p->line[t + k] = p->line[moved[k] + k + 1];
	}
	for (int k = 0; k < nm; k++)
		p->dead[moved[k] + nm] = 1;
	free(moved);
	return nm;
}

static int hoist(struct opt *p)
{
	int changed = 0;
	for (int j = 0; j < p->n; j++) {
		int t = p->tgt[j], last = 1;
		if (t < 0 || t > j)
			continue;
		for (int k = j + 1; k < p->n && last; k++)
			last = p->tgt[k] != t;
		if (!last || !loop_entered_at_top(p, t, j))
			continue;
		int nm = hoist_loop(p, t, j);
		if (nm) {
			compact(p);
			changed = 1;
			j = t - 1 + nm;   /* compact undid the shift; rescan from the preheader */
		}
	}
	return changed;
}

/* --- split and color: registers by web ----------------------------------- */

/* A CALL or XCALL: its window makes register numbers positional well
 * beyond the arguments, so such functions keep the generator's numbers. */
static int has_frame_call(const struct opt *p)
{
	for (int i = 0; i < p->n; i++)
		if (op_of(p->code[i]) == NX_OP_CALL || op_of(p->code[i]) == NX_OP_XCALL)
			return 1;
	return 0;
}

/* Registers whose number matters: the parameters and every HCALL window. */
static void positional(const struct opt *p, int nparams, uint8_t *fixed)
{
	memset(fixed, 0, NREG);
	for (int r = 0; r < nparams; r++)
		fixed[r] = 1;
	for (int i = 0; i < p->n; i++) {
		uint64_t w = p->code[i];
		if (nx_op_fmt(op_of(w)) != NX_F_CALL)
			continue;
		unsigned a = NX_INSN_A(w), c = NX_INSN_C(w);
		for (unsigned r = a; r < a + (c ? c : 1) && r < NREG; r++)
			fixed[r] = 1;
	}
}

static int uf_find(int *up, int x)
{
	while (up[x] != x)
		x = up[x] = up[up[x]];
	return x;
}

/*
 * Reaching definitions, as bits over definition ids: instruction i that
 * writes a register is id i, and "r as it was at the entry" (a parameter,
 * or 0) is id n + r.  reach_insn() steps one instruction: kills, adds.
 */
struct rdefs {
	int words;            /* per bit set                                 */
	uint64_t *of;         /* of[r]: the ids that define register r       */
	uint64_t *in;         /* in[b]: the ids reaching block b's start      */
};

static void rd_bit(uint64_t *s, int id) { s[id >> 6] |= 1ull << (id & 63); }

static void reach_insn(const struct opt *p, const struct rdefs *R, uint64_t *cur, int i)
{
	if (!writes_a(p->code[i]))
		return;
	const uint64_t *kill = R->of + (size_t)NX_INSN_A(p->code[i]) * R->words;
	for (int k = 0; k < R->words; k++)
		cur[k] &= ~kill[k];
	rd_bit(cur, i);
}

static void reaching(const struct opt *p, const struct live *L, struct rdefs *R)
{
	int n = p->n, W = R->words = (n + p->nregs + 63) / 64;
	R->of = zalloc((size_t)p->nregs * W * sizeof *R->of);
	R->in = zalloc((size_t)L->nb * W * sizeof *R->in);
	uint64_t *cur = zalloc((size_t)W * sizeof *cur);
	for (int r = 0; r < p->nregs; r++) {
		rd_bit(R->of + (size_t)r * W, n + r);
		rd_bit(R->in, n + r);
	}
	for (int i = 0; i < n; i++)
		if (writes_a(p->code[i]))
			rd_bit(R->of + (size_t)NX_INSN_A(p->code[i]) * W, i);
	for (int again = 1; again;) {
		again = 0;
		for (int b = 0; b < L->nb; b++) {
			int last = L->start[b + 1] - 1, succ[2], ns = 0;
			memcpy(cur, R->in + (size_t)b * W, (size_t)W * sizeof *cur);
			for (int i = L->start[b]; i <= last; i++)
				reach_insn(p, R, cur, i);
			if (!no_fallthrough(op_of(p->code[last])) && b + 1 < L->nb)
				succ[ns++] = b + 1;
			if (p->tgt[last] >= 0)
				succ[ns++] = L->bl[p->tgt[last]];
			for (int s = 0; s < ns; s++) {
				uint64_t *in = R->in + (size_t)succ[s] * W;
				for (int k = 0; k < W; k++)
					if (cur[k] & ~in[k]) {
						in[k] |= cur[k];
						again = 1;
					}
			}
		}
	}
	free(cur);
}

/*
 * split: the generator reuses a few temporaries for everything, so a
 * value is lost as soon as its register is taken for the next one, and
 * number() cannot find it again.  Each web (the definitions that reach a
 * common use, joined) gets a register of its own, up to NX_MAX_REGS;
 * color() packs them back once the other passes have run.  A web that
 * includes the entry value (a parameter, or a read of 0) and the webs of
 * positional registers keep their number.
 */
static void split(struct opt *p, int nparams)
{
	if (has_frame_call(p))
		return;
	struct live L;
	struct rdefs R;
	live_in(p, &L);
	reaching(p, &L, &R);
	int n = p->n, ids = n + p->nregs, W = R.words;
	int *up = zalloc((size_t)ids * sizeof *up), *use = zalloc((size_t)n * 3 * sizeof *use);
	uint64_t *cur = zalloc((size_t)W * sizeof *cur);
	for (int d = 0; d < ids; d++)
		up[d] = d;
	for (int b = 0; b < L.nb; b++) {
		memcpy(cur, R.in + (size_t)b * W, (size_t)W * sizeof *cur);
		for (int i = L.start[b]; i < L.start[b + 1]; i++) {
			uint64_t w = p->code[i];
			unsigned rd = nx_fmt_reads(nx_op_fmt(op_of(w)));
			for (int k = 0; k < 3; k++) {
				unsigned f = 1u << k;
				use[3 * i + k] = -1;
				if (!(rd & f))
					continue;
				const uint64_t *of = R.of + (size_t)reg_field(w, f) * W;
				for (int x = 0; x < W; x++)
					for (uint64_t m = cur[x] & of[x]; m; m &= m - 1) {
						int d = x * 64 + __builtin_ctzll(m);
						if (use[3 * i + k] < 0)
							use[3 * i + k] = d;
						up[uf_find(up, d)] = uf_find(up, use[3 * i + k]);
					}
			}
			if ((rd & NX_FA) && writes_a(w))   /* RMI: one field, one web */
				up[uf_find(up, i)] = uf_find(up, use[3 * i]);
			reach_insn(p, &R, cur, i);
		}
	}
	/* A web keeps its number if it holds the entry value or is
	 * positional; of a register's other webs the first keeps it too. */
	uint8_t fixed[NREG], taken[NREG] = { 0 };
	positional(p, nparams, fixed);
	int *reg = zalloc((size_t)ids * sizeof *reg), next = p->nregs;
	for (int d = 0; d < ids; d++)
		reg[d] = -1;
	for (int r = 0; r < p->nregs; r++) {
		reg[uf_find(up, n + r)] = r;
		taken[r] = fixed[r];
	}
	for (int i = 0; i < n; i++) {
		if (!writes_a(p->code[i]))
			continue;
		int root = uf_find(up, i);
		unsigned r = NX_INSN_A(p->code[i]);
		if (reg[root] >= 0)
			continue;
		if (fixed[r] || !taken[r])
			reg[root] = (int)r, taken[r] = 1;
		else if (next < NX_MAX_REGS)
			reg[root] = next++;
		else
			reg[root] = (int)r;
	}
	for (int i = 0; i < n; i++) {
		uint64_t w = p->code[i];
		for (int k = 0; k < 3; k++)
			if (use[3 * i + k] >= 0)
				w = set_reg_field(w, 1u << k, (unsigned)reg[uf_find(up, use[3 * i + k])]);
		if (writes_a(w))
			w = set_reg_field(w, NX_FA, (unsigned)reg[uf_find(up, i)]);
		p->code[i] = w;
	}
	for (int r = p->nregs; r < next; r++)
		p->zero[r] = 0;
	p->nregs = next;
	free(reg);
	free(cur);
	free(use);
	free(up);
	free(R.of);
	free(R.in);
	live_free(&L);
}

/*
 * color: registers that are never live at once share a number (greedy,
 * in the order of their first definition; the lowest free number unless
 * a hint below fits).  Parameters, HCALL windows and registers live at
 * the entry (read as 0 before a write) keep theirs, and a register read
 * as 0 shares its number with none, so it holds 0 in the whole function
 * (absolute addresses stay "seg[rZ + K]" throughout, as extc -S shows).
 * A MOV's source does not conflict with its destination, so the two may
 * share and the copy vanish.  A result takes, where it can, the number of
 * an operand that dies at its first definition, b before c (x = x op y,
 * the shape the generator emits and fuse.c's idioms match).
 */
static void color(struct opt *p, int nparams)
{
	if (has_frame_call(p))
		return;
	static uint64_t conflict[NREG][NREG / 64];
	memset(conflict, 0, sizeof conflict);
	int hint[NREG][2];    /* operands b, c dying at r's first definition */
	memset(hint, -1, sizeof hint);
	struct live L;
	live_in(p, &L);
	uint8_t fixed[NREG];
	positional(p, nparams, fixed);
	struct regs busy0 = { { 0 } };   /* numbers no other register takes */
	for (int r = 0; r < p->nregs; r++)
		if (regs_has(&L.in[0], (unsigned)r)) {
			fixed[r] = 1;
			if (r >= nparams)
				regs_add(&busy0, (unsigned)r);
		}
	for (int b = 0; b < L.nb; b++) {
		struct regs live = live_out(p, &L, L.start[b + 1] - 1);
		for (int i = L.start[b + 1] - 1; i >= L.start[b]; i--) {
			uint64_t w = p->code[i];
			if (writes_a(w)) {
				unsigned d = NX_INSN_A(w);
				for (int r = 0; r < p->nregs; r++)
					if (regs_has(&live, (unsigned)r) && (unsigned)r != d &&
					    !(op_of(w) == NX_OP_MOV && (unsigned)r == NX_INSN_B(w))) {
						conflict[d][r >> 6] |= 1ull << (r & 63);
						conflict[r][d >> 6] |= 1ull << (d & 63);
					}
				unsigned rd = nx_fmt_reads(nx_op_fmt(op_of(w)));
				for (int k = 0; k < 2; k++) {   /* walking back: the first def wins */
					unsigned f = k ? NX_FC : NX_FB, q = reg_field(w, f);
					hint[d][k] = (rd & f) && q != d && !regs_has(&live, q) ? (int)q : -1;
				}
			}
			live_before(&live, w);
		}
	}
	live_free(&L);
	/* The others in the order of their first definition, so a chain of
	 * results meets its operands' numbers already given. */
	int to[NREG], order[NREG], norder = 0, top = nparams ? nparams : 1;   /* nregs >= 1 */
	uint8_t queued[NREG] = { 0 };
	for (int r = 0; r < p->nregs; r++) {
		to[r] = fixed[r] ? r : -1;
		if (fixed[r] && r + 1 > top)
			top = r + 1;
	}
	for (int i = 0; i < p->n; i++) {
		unsigned d = NX_INSN_A(p->code[i]);
		if (writes_a(p->code[i]) && to[d] < 0 && !queued[d])
			queued[d] = 1, order[norder++] = (int)d;
	}
	for (int k = 0; k < norder; k++) {
		int r = order[k];
		struct regs busy = busy0;
		for (int q = 0; q < p->nregs; q++)
			if (to[q] >= 0 && (conflict[r][q >> 6] >> (q & 63) & 1))
				regs_add(&busy, (unsigned)to[q]);
		for (int k = 0; k < 2 && to[r] < 0; k++) {
			int q = hint[r][k];
			if (q >= 0 && to[q] >= 0 && !regs_has(&busy, (unsigned)to[q]))
				to[r] = to[q];
		}
		for (int c = 0; to[r] < 0; c++)
			if (!regs_has(&busy, (unsigned)c))
				to[r] = c;
		if (to[r] + 1 > top)
			top = to[r] + 1;
	}
	for (int i = 0; i < p->n; i++) {
		uint64_t w = p->code[i];
		unsigned f = nx_op_fmt(op_of(w)), rd = nx_fmt_reads(f) | nx_fmt_writes(f);
		for (int k = 0; k < 3; k++)
			if (rd & (1u << k))
				w = set_reg_field(w, 1u << k, (unsigned)to[reg_field(w, 1u << k)]);
		p->code[i] = w;
		p->dead[i] = op_of(w) == NX_OP_MOV && NX_INSN_A(w) == NX_INSN_B(w);
	}
	p->nregs = top;
	compact(p);
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

int opt_function(struct extc *c, int start, int n, int *nregs, const struct sym *f)
{
	struct opt p = { .o = &c->obj, .nregs = *nregs, .nfuncs = (int)c->nfuncs };
	load(&p, start, n);
	for (int r = 0; r < f->nparams; r++)
		p.zero[r] = 0;
	inline_calls(&p);
	split(&p, f->nparams);
	for (int round = 0; round < MAX_ROUNDS; round++) {
		int changed = thread(&p);
		changed |= invert(&p);
		changed |= rotate(&p);
		changed |= reach(&p);
		changed |= number(&p);
		changed |= dead(&p);
		changed |= hoist(&p);
		if (!changed)
			break;
	}
	color(&p, f->nparams);
	*nregs = p.nregs;
	finish(&p, start);
	return p.n;
}

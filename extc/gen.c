/*
 * The code generator: checked trees -> instructions of include/nimble/isa.h.
 *
 * Register allocation (per function):
 *   r0 .. r(nargs-1)    parameters (where the caller puts them)
 *   r(nargs)            always 0: the base of absolute addresses
 *   next nhoist regs    read-only context fields used inside loops,
 *                       loaded once at entry (they cannot change in a run)
 *   next nkhoist regs   64-bit constants (MOVI + MOVHI) used inside loops,
 *                       built once at entry
 *   then                locals, one register per scope slot
 *   then                temporaries, a stack above the live locals
 * Calls put their arguments at the top of that stack (the callee's window
 * starts there), so every live value sits below the window and survives.
 *
 * Invariant of gen_into(e, dst): all of e's operands are read before dst
 * is written, so dst may be a register e reads (x = x + 1).
 */
#include <stdlib.h>
#include <string.h>
#include "extc.h"

#define MAX_LOOPS 64
#define MAX_HOIST 16   /* context fields kept in registers per function */
#define MAX_KHOIST 8   /* 64-bit constants kept in registers per function */

struct loop { int brk, cont; };

/* A scaled index (local * stride) computed once for a whole statement. */
#define MAX_ICACHE 4
struct icache { struct local *loc; uint32_t stride; int reg, count; };

struct gen {
	struct extc *c;
	struct sym *fn;
	int start;               /* first instruction of the function      */
	int zero;                /* the zero register                      */
	int localbase;           /* register of the first non-param slot   */
	int top, maxreg;
	int hoist[64];           /* ctx field -> register + 1, 0 = not hoisted */
	int uses[64];            /* (64 > the fields in NX_CTX_FIELDS)       */
	int nhoist;
	uint64_t kval[MAX_KHOIST]; /* constants built once, in kreg[]          */
	int kreg[MAX_KHOIST], nkhoist;
	int *labels, nlabels, caplabels;
	struct { int insn, label; } *fix;
	int nfix, capfix;
	struct icache ic[MAX_ICACHE];
	int nic;
	struct loop loops[MAX_LOOPS];
	int nloops;
	int lastline, last_label_at;
	uint32_t *linestart;
	int nlinestarts;
};

static void grow(void **p, int *cap, int need, size_t elem)
{
	if (need <= *cap)
		return;
	int n = *cap ? *cap * 2 : 64;
	while (n < need)
		n *= 2;
	void *q = extc_realloc(*p, (size_t)n * elem);
	*p = q;
	*cap = n;
}

static int pc(struct gen *g)
{
	return g->c->obj.ncode;
}

static void emit(struct gen *g, int op, int a, int b, int cc, int32_t imm)
{
	struct obj *o = &g->c->obj;
	grow((void **)&o->code, &o->capcode, o->ncode + 1, sizeof *o->code);
	o->code[o->ncode++] = NX_INSN(op, a & 0xff, b & 0xff, cc & 0xff, imm);
}

static void use_reg(struct gen *g, int r)
{
	if (r > g->maxreg)
		g->maxreg = r;
}

static int tmp(struct gen *g)
{
	int r = g->top++;
	use_reg(g, r);
	return r;
}

/* A register holding 0: the zero register, or a temporary set to 0. */
static int zero_value(struct gen *g)
{
	if (g->zero >= 0)
		return g->zero;
	int r = tmp(g);
	emit(g, NX_OP_MOVI, r, 0, 0, 0);
	return r;
}

static int new_label(struct gen *g)
{
	grow((void **)&g->labels, &g->caplabels, g->nlabels + 1, sizeof *g->labels);
	g->labels[g->nlabels] = -1;
	return g->nlabels++;
}

static void place(struct gen *g, int l)
{
	g->labels[l] = pc(g);
	g->last_label_at = pc(g);
}

/* A branch to label l; the offset is patched in resolve_labels(). */
static void emit_branch(struct gen *g, int op, int a, int b, int32_t imm, int l)
{
	grow((void **)&g->fix, &g->capfix, g->nfix + 1, sizeof *g->fix);
	g->fix[g->nfix].insn = pc(g);
	g->fix[g->nfix++].label = l;
	emit(g, op, a, b, 0, imm);
}

static void resolve_labels(struct gen *g)
{
	uint64_t *code = g->c->obj.code;
	for (int i = 0; i < g->nfix; i++) {
		int at = g->fix[i].insn;
		int off = g->labels[g->fix[i].label] - (at + 1);
		uint64_t w = code[at];
		int op = NX_INSN_OP(w);
		if (op >= NX_OP_JEQI && op <= NX_OP_JGTSI)
			w = (w & ~0xffff0000ull) | (uint64_t)(uint16_t)off << 16;
		else
			w = (w & 0xffffffffull) | (uint64_t)(uint32_t)off << 32;
		code[at] = w;
	}
	g->nfix = 0;
}

/* Source line of offset pos, by binary search over line starts. */
static int line_of(struct gen *g, uint32_t pos)
{
	int lo = 0, hi = g->nlinestarts - 1;
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		if (g->linestart[mid] <= pos)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo + 1;
}

static void mark_line(struct gen *g, uint32_t pos)
{
	struct obj *o = &g->c->obj;
	int line = line_of(g, pos);
	if (line == g->lastline)
		return;
	g->lastline = line;
	if (o->nlines && o->lines[o->nlines - 1].insn == (uint32_t)pc(g)) {
		o->lines[o->nlines - 1].line = (uint32_t)line;
		return;
	}
	grow((void **)&o->lines, &o->caplines, o->nlines + 1, sizeof *o->lines);
	o->lines[o->nlines++] = (struct nx_line){ (uint32_t)pc(g), (uint32_t)line };
}


static int log2_exact(uint64_t v)
{
	if (!v || (v & (v - 1)))
		return -1;
	int k = 0;
	while (v >>= 1)
		k++;
	return k;
}

static void load_const(struct gen *g, int dst, uint64_t v)
{
	emit(g, NX_OP_MOVI, dst, 0, 0, (int32_t)(uint32_t)v);
	if (!fits32(v))
		emit(g, NX_OP_MOVHI, dst, 0, 0, (int32_t)(uint32_t)(v >> 32));
}

static int load_op(int type)
{
	static const int ops[] = { NX_OP_LD8, NX_OP_LD16, NX_OP_LD32, NX_OP_LD64,
				   NX_OP_LDS8, NX_OP_LDS16, NX_OP_LDS32, NX_OP_LD64 };
	return ops[type];
}

static int store_op(int type)
{
	static const int ops[] = { NX_OP_ST8, NX_OP_ST16, NX_OP_ST32, NX_OP_ST64 };
	return ops[type & 3];
}

/* Does every value of type `from` (as held in a register) fit `to`? */
static int type_fits(int from, int to)
{
	int fs = type_size(from), ts = type_size(to);
	if (ts == 8)
		return 1;
	if (from == to)
		return 1;
	if (type_signed(from))
		return type_signed(to) && fs <= ts;
	return fs < ts || (fs == ts && !type_signed(to));
}

/* Is e's value already in the range of type `to`? */
static int value_fits(struct expr *e, int to)
{
	if (e->kind == E_NUM)
		return type_convert(e->val, to) == e->val;
	return type_fits(e->type, to);
}

/* dst = src converted to the narrow type `to` (C truncation). */
static void convert_reg(struct gen *g, int dst, int src, int to)
{
	int bits = type_size(to) * 8;
	if (bits == 64) {
		if (dst != src)
			emit(g, NX_OP_MOV, dst, src, 0, 0);
	} else if (!type_signed(to) && bits < 32) {
		emit(g, NX_OP_ANDI, dst, src, 0, (int32_t)((1u << bits) - 1));
	} else {
		emit(g, NX_OP_SHLI, dst, src, 0, 64 - bits);
		emit(g, type_signed(to) ? NX_OP_SARI : NX_OP_SHRI, dst, dst, 0, 64 - bits);
	}
}

static void gen_into(struct gen *g, struct expr *e, int dst);
static void gen_branch(struct gen *g, struct expr *e, int jump_if, int label);

static int local_reg(struct gen *g, struct local *l)
{
	if (l->slot < g->fn->nparams)
		return l->slot;
	return g->localbase + l->slot - g->fn->nparams;
}

/* The register a hoisted 64-bit constant lives in (-1 until hoist_load
 * built it), or -1. */
static int khoisted(struct gen *g, uint64_t v)
{
	for (int i = 0; i < g->nkhoist; i++)
		if (g->kval[i] == v)
			return g->kreg[i];
	return -1;
}

static int khoist_has(struct gen *g, uint64_t v)
{
	for (int i = 0; i < g->nkhoist; i++)
		if (g->kval[i] == v)
			return 1;
	return 0;
}

/* Register already holding e's value without code, or -1. */
static int known_reg(struct gen *g, struct expr *e)
{
	switch (e->kind) {
	case E_LOCAL: return local_reg(g, e->loc);
	case E_REG:   return (int)e->val;
	case E_NUM:   return e->val ? khoisted(g, e->val) : g->zero;   /* -1: not in one */
	case E_CTX:   return !e->rec && g->hoist[e->field] ? g->hoist[e->field] - 1 : -1;
	case E_CAST:  return value_fits(e->a, e->type) ? known_reg(g, e->a) : -1;
	default:      return -1;
	}
}

static int gen_call(struct gen *g, struct expr *e);
static int gen_arith(struct gen *g, struct expr *e, int dst);
static int is_compare(int op);

/* A register holding e's value: a named one, or a new temporary. */
static int gen_reg(struct gen *g, struct expr *e)
{
	int r = known_reg(g, e);
	if (r >= 0)
		return r;
	if (e->kind == E_CALL || e->kind == E_HCALL || e->kind == E_XCALL)
		return gen_call(g, e);
	if (e->kind == E_BIN && !is_compare(e->op))
		return gen_arith(g, e, -1);
	r = tmp(g);
	gen_into(g, e, r);
	return r;
}

/*
 * a[i + K] (or a[i - K], a[K + i]) at -O1: the element is at i * stride
 * with K * stride added to the displacement when that fits, so a[i] and
 * a[i + 1] scale one i (value numbering shares it).  Addresses wrap
 * modulo 2^64 like the arithmetic, so both forms name the same byte;
 * binary operators are 64-bit, so i + K is never truncated first.
 */
static struct expr *split_offset(struct gen *g, struct expr *index, uint32_t stride, int64_t *d)
{
	while (g->c->opt && index->kind == E_BIN && (index->op == K_PLUS || index->op == K_MINUS)) {
		struct expr *k = index->b, *i = index->a;
		if (index->op == K_PLUS && i->kind == E_NUM) {
			k = index->a;
			i = index->b;
		}
		if (k->kind != E_NUM)
			break;
		uint64_t add = k->val * stride;
		if (index->op == K_MINUS)
			add = 0 - add;
		int64_t nd = *d + (int64_t)add;
		if ((int64_t)add < INT32_MIN || (int64_t)add > INT32_MAX || nd < INT32_MIN || nd > INT32_MAX)
			break;
		*d = nd;
		index = i;
	}
	return index;
}

/* Base register and displacement of an element at `off + index * stride`. */
static int gen_address(struct gen *g, struct expr *index, uint32_t off, uint32_t stride,
		       int32_t *disp)
{
	if (!index) {
		*disp = (int32_t)off;
		return g->zero;
	}
	if (index->kind == E_NUM && index->val <= (uint64_t)(INT32_MAX - off) / stride) {
		*disp = (int32_t)(off + index->val * stride);
		return g->zero;
	}
	int64_t d = off;
	index = split_offset(g, index, stride, &d);
	int ri = gen_reg(g, index), k = log2_exact(stride);
	*disp = (int32_t)d;
	if (k == 0)
		return ri;
	for (int i = 0; i < g->nic; i++)
		if (index->kind == E_LOCAL && g->ic[i].loc == index->loc && g->ic[i].stride == stride)
			return g->ic[i].reg;
	int t = tmp(g);
	if (k > 0)
		emit(g, NX_OP_SHLI, t, ri, 0, k);
	else
		emit(g, NX_OP_MULI, t, ri, 0, (int32_t)stride);
	return t;
}

/* Where an lvalue or a memory operand lives. */
struct place { int seg, base, type; int32_t disp; };

static struct place mem_place(struct gen *g, struct expr *e)
{
	struct place p;
	if (e->kind == E_CTX) {
		const struct ctx_field *f = &extc_ctx_fields[e->field];
		p.seg = f->seg;
		p.type = f->type;
		p.base = gen_address(g, e->rec ? e->a : NULL, f->off, f->stride, &p.disp);
	} else {
		p.seg = NX_SEG_DATA;
		p.type = e->sym->type;
		p.base = gen_address(g, e->kind == E_INDEX ? e->a : NULL, e->sym->offset,
				     (uint32_t)type_size(e->sym->type), &p.disp);
	}
	return p;
}

static int gen_call(struct gen *g, struct expr *e)
{
	int a = g->top, save;
	struct obj *o = &g->c->obj;
	use_reg(g, a);
	for (int i = 0; i < e->nargs; i++) {
		g->top = a + i + 1;
		use_reg(g, a + i);
		gen_into(g, e->args[i], a + i);
	}
	save = a + 1;
	if (e->kind == E_CALL) {
		emit(g, NX_OP_CALL, a, 0, e->nargs, e->sym->index);
	} else if (e->kind == E_XCALL) {
		emit(g, NX_OP_XCALL, a, 0, e->nargs, e->sym->index);
	} else {
		int h = e->field;
		if (!o->helper_idx[h]) {
			o->helper_order[o->nhelpers] = h;
			o->helper_idx[h] = ++o->nhelpers;
		}
		emit(g, NX_OP_HCALL, a, 0, e->nargs, o->helper_idx[h] - 1);
	}
	g->top = save;
	return a;
}

/*
 * Statement-wide cache of scaled indexes: a[i] + b[i] or t[i].x + t[i].y
 * scale i once.  Sound because within one statement no local changes
 * before its last read (assignment is the statement's final step, and
 * calls cannot touch the caller's registers below their window).
 */
static void icache_scan(struct gen *g, struct icache *cand, int *n, struct expr *e)
{
	if (!e)
		return;
	struct expr *ix = e->kind == E_INDEX ? e->a : e->kind == E_CTX && e->rec ? e->a : NULL;
	if (ix && ix->kind == E_LOCAL) {
		uint32_t stride = e->kind == E_INDEX ? (uint32_t)type_size(e->sym->type) :
				  extc_ctx_fields[e->field].stride;
		int i;
		for (i = 0; i < *n; i++)
			if (cand[i].loc == ix->loc && cand[i].stride == stride)
				break;
		if (i == *n && *n < 16)
			cand[(*n)++] = (struct icache){ ix->loc, stride, -1, 0 };
		if (i < 16 && stride > 1)
			cand[i].count++;
	}
	icache_scan(g, cand, n, e->a);
	icache_scan(g, cand, n, e->b);
	icache_scan(g, cand, n, e->c);
	for (int i = 0; i < e->nargs; i++)
		icache_scan(g, cand, n, e->args[i]);
}

/* Compute the indexes used twice or more in e1, e2 into fresh registers. */
static void icache_begin(struct gen *g, struct expr *e1, struct expr *e2)
{
	struct icache cand[16];
	int n = 0;
	icache_scan(g, cand, &n, e1);
	icache_scan(g, cand, &n, e2);
	g->nic = 0;
	for (int i = 0; i < n && g->nic < MAX_ICACHE; i++) {
		if (cand[i].count < 2)
			continue;
		int r = tmp(g), k = log2_exact(cand[i].stride), ri = local_reg(g, cand[i].loc);
		if (k > 0)
			emit(g, NX_OP_SHLI, r, ri, 0, k);
		else
			emit(g, NX_OP_MULI, r, ri, 0, (int32_t)cand[i].stride);
		cand[i].reg = r;
		g->ic[g->nic++] = cand[i];
	}
}

/*
 * The register-form instruction of binary operator op (K_*) on unsigned
 * or signed operands; *swap: the operands go the other way round (a > b
 * is SLT b, a).  The code generator emits it and the checker folds
 * constants with it (nx_isa_eval), so both mean the same.
 */
int extc_binop_insn(int op, int uns, int *swap)
{
	*swap = op == K_GT || op == K_GE;
	switch (op) {
	case K_PLUS:    return NX_OP_ADD;
	case K_MINUS:   return NX_OP_SUB;
	case K_STAR:    return NX_OP_MUL;
	case K_SLASH:   return uns ? NX_OP_DIVU : NX_OP_DIVS;
	case K_PERCENT: return uns ? NX_OP_MODU : NX_OP_MODS;
	case K_AMP:     return NX_OP_AND;
	case K_PIPE:    return NX_OP_OR;
	case K_CARET:   return NX_OP_XOR;
	case K_SHL:     return NX_OP_SHL;
	case K_SHR:     return uns ? NX_OP_SHR : NX_OP_SAR;
	case K_EQ:      return NX_OP_SEQ;
	case K_NE:      return NX_OP_SNE;
	case K_LT: case K_GT: return uns ? NX_OP_SLTU : NX_OP_SLTS;
	default:        return uns ? NX_OP_SLEU : NX_OP_SLES;   /* K_LE, K_GE */
	}
}

/* Opcodes of an arithmetic operator: register form, immediate form (-1: none). */
static void arith_ops(int op, int uns, int *rr, int *ri)
{
	static const int imm_form[NX_OP_COUNT] = {
		[NX_OP_ADD] = NX_OP_ADDI, [NX_OP_SUB] = -1, [NX_OP_MUL] = NX_OP_MULI,
		[NX_OP_DIVU] = NX_OP_DIVUI, [NX_OP_DIVS] = NX_OP_DIVSI, [NX_OP_MODU] = NX_OP_MODUI,
		[NX_OP_MODS] = NX_OP_MODSI, [NX_OP_AND] = NX_OP_ANDI, [NX_OP_OR] = NX_OP_ORI,
		[NX_OP_XOR] = NX_OP_XORI, [NX_OP_SHL] = NX_OP_SHLI, [NX_OP_SHR] = NX_OP_SHRI,
		[NX_OP_SAR] = NX_OP_SARI,
	};
	int swap;
	*rr = extc_binop_insn(op, uns, &swap);
	*ri = imm_form[*rr];
}

static int commutative(int op)
{
	return op == K_PLUS || op == K_STAR || op == K_AMP || op == K_PIPE || op == K_CARET;
}

/* Strength reduction with a constant right operand: x*2^k, x/2^k, x%2^k (unsigned). */
static int reduce_const(int *op, uint64_t *v, int uns)
{
	int k = log2_exact(*v);
	if (k < 0)
		return 0;
	if (*op == K_STAR) {
		*op = K_SHL;
		*v = (uint64_t)k;
		return 1;
	}
	if (uns && *op == K_SLASH) {
		*op = K_SHR;
		*v = (uint64_t)k;
		return 1;
	}
	if (uns && *op == K_PERCENT && fits32(*v - 1)) {
		*op = K_AMP;
		*v -= 1;
		return 1;
	}
	return 0;
}

static int is_identity(int op, uint64_t v)
{
	return (v == 0 && (op == K_PLUS || op == K_MINUS || op == K_PIPE || op == K_CARET ||
			   op == K_SHL || op == K_SHR)) ||
	       (v == 1 && (op == K_STAR || op == K_SLASH));
}

/* Is e's value known to be >= 0 as a signed number? */
static int nonneg(struct expr *e)
{
	if (e->kind == E_NUM)
		return (int64_t)e->val >= 0;
	return e->type == NX_T_U8 || e->type == NX_T_U16 || e->type == NX_T_U32;
}

/*
 * Result register for an operation whose operands are in ra and rb: dst if
 * the caller named one, else the first operand temporary allocated above
 * `save` (the operands are dead once read), else a new temporary.  The
 * temporaries above the result are released.
 */
static int result_reg(struct gen *g, int dst, int save, int ra, int rb)
{
	if (dst >= 0)
		return dst;
	dst = ra >= save ? ra : rb >= save ? rb : tmp(g);
	g->top = dst + 1;
	return dst;
}

/* e (arithmetic) into dst, or into a register of its choice if dst < 0;
 * returns the register. */
static int gen_arith(struct gen *g, struct expr *e, int dst)
{
	struct expr *a = e->a, *b = e->b;
	int op = e->op, uns = e->type == NX_T_U64, rr, ri, save = g->top;
	/* signed and unsigned agree on non-negative operands, and unsigned
	 * division by a power of two is a shift */
	if (nonneg(a) && nonneg(b))
		uns = 1;
	if (a->kind == E_NUM && commutative(op)) {
		struct expr *t = a;
		a = b;
		b = t;
	}
	if (b->kind == E_NUM) {
		uint64_t v = b->val;
		int ra = gen_reg(g, a);
		if (is_identity(op, v)) {
			if (dst < 0)
				return ra;
			if (ra != dst)
				emit(g, NX_OP_MOV, dst, ra, 0, 0);
			return dst;
		}
		if (op == K_MINUS && fits32(-v)) {
			op = K_PLUS;
			v = -v;
		}
		reduce_const(&op, &v, uns);
		arith_ops(op, uns, &rr, &ri);
		if (ri >= 0 && fits32(v)) {
			dst = result_reg(g, dst, save, ra, -1);
			emit(g, ri, dst, ra, 0, (int32_t)v);
			return dst;
		}
		int rb = gen_reg(g, b);
		dst = result_reg(g, dst, save, ra, rb);
		emit(g, rr, dst, ra, rb, 0);
		return dst;
	}
	if (a->kind == E_NUM && a->val == 0 && op == K_MINUS) {
		int rb = gen_reg(g, b);
		dst = result_reg(g, dst, save, -1, rb);
		emit(g, NX_OP_NEG, dst, rb, 0, 0);
		return dst;
	}
	arith_ops(op, uns, &rr, &ri);
	int ra = gen_reg(g, a), rb = gen_reg(g, b);
	dst = result_reg(g, dst, save, ra, rb);
	emit(g, rr, dst, ra, rb, 0);
	return dst;
}

static int cmp_unsigned(struct expr *e)
{
	return e->a->type == NX_T_U64 || e->b->type == NX_T_U64;
}

static int mirror(int op)
{
	switch (op) {
	case K_LT: return K_GT;
	case K_GT: return K_LT;
	case K_LE: return K_GE;
	case K_GE: return K_LE;
	default:   return op;
	}
}

static int negate(int op)
{
	switch (op) {
	case K_LT: return K_GE;
	case K_GE: return K_LT;
	case K_GT: return K_LE;
	case K_LE: return K_GT;
	case K_EQ: return K_NE;
	default:   return K_EQ;
	}
}

/*
 * Comparison with a constant in immediate form: only ==, !=, < and > exist,
 * so x <= v becomes x < v+1 and x >= v becomes x > v-1 when that does not
 * wrap.  Returns 0 if no immediate form fits.
 */
static int cmp_imm(int *op, uint64_t *v, int uns)
{
	if (*op == K_LE || *op == K_GE) {
		int up = *op == K_LE;
		uint64_t lim = uns ? (up ? UINT64_MAX : 0) : (up ? (uint64_t)INT64_MAX : (uint64_t)INT64_MIN);
		if (*v == lim)
			return 0;
		*v += up ? 1 : (uint64_t)-1;
		*op = up ? K_LT : K_GT;
	}
	return fits32(*v);
}

/* A comparison with a constant on the left is the mirrored one with it on
 * the right, where the immediate instruction forms can take it. */
static void constant_right(struct expr **a, struct expr **b, int *op)
{
	if ((*a)->kind == E_NUM) {
		struct expr *t = *a;
		*a = *b;
		*b = t;
		*op = mirror(*op);
	}
}

static void gen_compare(struct gen *g, struct expr *e, int dst)
{
	struct expr *a = e->a, *b = e->b;
	int op = e->op, uns = cmp_unsigned(e);
	constant_right(&a, &b, &op);
	uint64_t v = b->kind == E_NUM ? b->val : 0;
	if (b->kind == E_NUM && cmp_imm(&op, &v, uns)) {
		static const int si[] = { NX_OP_SLTSI, NX_OP_SGTSI }, ui[] = { NX_OP_SLTUI, NX_OP_SGTUI };
		int ra = gen_reg(g, a), o;
		if (op == K_EQ || op == K_NE)
			o = op == K_EQ ? NX_OP_SEQI : NX_OP_SNEI;
		else
			o = (uns ? ui : si)[op == K_GT];
		emit(g, o, dst, ra, 0, (int32_t)v);
		return;
	}
	int ra = gen_reg(g, a), rb = gen_reg(g, b), swap;
	int o = extc_binop_insn(op, uns, &swap);
	emit(g, o, dst, swap ? rb : ra, swap ? ra : rb, 0);
}

static int is_compare(int op)
{
	return op >= K_LT && op <= K_NE;
}

/* dst = 1 if e holds, else 0, through branches (&&, ||). */
static void gen_bool(struct gen *g, struct expr *e, int dst)
{
	int lf = new_label(g), lend = new_label(g);
	gen_branch(g, e, 0, lf);
	emit(g, NX_OP_MOVI, dst, 0, 0, 1);
	emit_branch(g, NX_OP_JMP, 0, 0, 0, lend);
	place(g, lf);
	emit(g, NX_OP_MOVI, dst, 0, 0, 0);
	place(g, lend);
}

static void gen_cond_expr(struct gen *g, struct expr *e, int dst)
{
	int le = new_label(g), lend = new_label(g);
	gen_branch(g, e->a, 0, le);
	gen_into(g, e->b, dst);
	emit_branch(g, NX_OP_JMP, 0, 0, 0, lend);
	place(g, le);
	gen_into(g, e->c, dst);
	place(g, lend);
}

static void gen_into(struct gen *g, struct expr *e, int dst)
{
	int save = g->top, r = known_reg(g, e);
	struct place p;
	if (r >= 0 && (e->kind != E_NUM || !fits32(e->val))) {   /* not 0: a hoisted constant */
		if (r != dst)
			emit(g, NX_OP_MOV, dst, r, 0, 0);
		return;
	}
	switch (e->kind) {
	case E_NUM:
		load_const(g, dst, e->val);
		break;
	case E_GLOBAL: case E_INDEX: case E_CTX:
		p = mem_place(g, e);
		emit(g, load_op(p.type), dst, p.base, p.seg, p.disp);
		break;
	case E_CALL: case E_HCALL: case E_XCALL:
		r = gen_call(g, e);
		if (r != dst)
			emit(g, NX_OP_MOV, dst, r, 0, 0);
		break;
	case E_UN:
		r = gen_reg(g, e->a);
		if (e->op == K_PLUS && r != dst)
			emit(g, NX_OP_MOV, dst, r, 0, 0);
		else if (e->op != K_PLUS)
			emit(g, e->op == K_MINUS ? NX_OP_NEG : e->op == K_TILDE ? NX_OP_NOT : NX_OP_SEQI,
			     dst, r, 0, 0);
		break;
	case E_BIN:
		if (is_compare(e->op))
			gen_compare(g, e, dst);
		else
			gen_arith(g, e, dst);
		break;
	case E_AND: case E_OR:
		gen_bool(g, e, dst);
		break;
	case E_COND:
		gen_cond_expr(g, e, dst);
		break;
	case E_CAST:
		gen_into(g, e->a, dst);
		if (!value_fits(e->a, e->type))
			convert_reg(g, dst, dst, e->type);
		break;
	}
	g->top = save;
}

/* Branch to label if e's truth equals jump_if. */
static void gen_jcmp(struct gen *g, struct expr *e, int jump_if, int label)
{
	struct expr *a = e->a, *b = e->b;
	int op = jump_if ? e->op : negate(e->op), uns = cmp_unsigned(e);
	constant_right(&a, &b, &op);
	uint64_t v = b->kind == E_NUM ? b->val : 0;
	if (b->kind == E_NUM && cmp_imm(&op, &v, uns)) {
		int o;
		switch (op) {
		case K_EQ: o = NX_OP_JEQI; break;
		case K_NE: o = NX_OP_JNEI; break;
		case K_LT: o = uns ? NX_OP_JLTUI : NX_OP_JLTSI; break;
		default:   o = uns ? NX_OP_JGTUI : NX_OP_JGTSI; break;
		}
		emit_branch(g, o, gen_reg(g, a), 0, (int32_t)v, label);
		return;
	}
	int ra = gen_reg(g, a), rb = gen_reg(g, b), t;
	switch (op) {
	case K_EQ: emit_branch(g, NX_OP_JEQ, ra, rb, 0, label); break;
	case K_NE: emit_branch(g, NX_OP_JNE, ra, rb, 0, label); break;
	case K_GT: t = ra; ra = rb; rb = t; /* fall through */
	case K_LT: emit_branch(g, uns ? NX_OP_JLTU : NX_OP_JLTS, ra, rb, 0, label); break;
	case K_GE: t = ra; ra = rb; rb = t; /* fall through */
	default:   emit_branch(g, uns ? NX_OP_JLEU : NX_OP_JLES, ra, rb, 0, label); break;
	}
}

static void gen_branch(struct gen *g, struct expr *e, int jump_if, int label)
{
	int save = g->top;
	if (e->kind == E_NUM) {
		if ((e->val != 0) == jump_if)
			emit_branch(g, NX_OP_JMP, 0, 0, 0, label);
	} else if (e->kind == E_UN && e->op == K_BANG) {
		gen_branch(g, e->a, !jump_if, label);
	} else if (e->kind == E_AND || e->kind == E_OR) {
		/* jump when the whole is jump_if: for &&-true / ||-false both sides decide */
		int both = (e->kind == E_AND) == jump_if;
		if (both) {
			int skip = new_label(g);
			gen_branch(g, e->a, !jump_if, skip);
			gen_branch(g, e->b, jump_if, label);
			place(g, skip);
		} else {
			gen_branch(g, e->a, jump_if, label);
			gen_branch(g, e->b, jump_if, label);
		}
	} else if (e->kind == E_BIN && is_compare(e->op)) {
		gen_jcmp(g, e, jump_if, label);
	} else {
		emit_branch(g, jump_if ? NX_OP_JNEI : NX_OP_JEQI, gen_reg(g, e), 0, 0, label);
	}
	g->top = save;
}

/* --- statements --------------------------------------------------------- */

static void gen_stmt(struct gen *g, struct stmt *s);

static int assign_op(int op)
{
	switch (op) {
	case K_ADDEQ: return K_PLUS;
	case K_SUBEQ: return K_MINUS;
	case K_MULEQ: return K_STAR;
	case K_DIVEQ: return K_SLASH;
	case K_MODEQ: return K_PERCENT;
	case K_ANDEQ: return K_AMP;
	case K_OREQ:  return K_PIPE;
	case K_XOREQ: return K_CARET;
	case K_SHLEQ: return K_SHL;
	default:      return K_SHR;
	}
}

/* The value to store: e itself, or `cur op e` for a compound assignment. */
static struct expr *assign_value(struct stmt *s, struct expr *cur, struct expr *bin)
{
	if (s->op == K_ASSIGN)
		return s->e;
	memset(bin, 0, sizeof *bin);
	bin->kind = E_BIN;
	bin->op = assign_op(s->op);
	bin->a = cur;
	bin->b = s->e;
	bin->type = cur->type == NX_T_U64 || s->e->type == NX_T_U64 ? NX_T_U64 : NX_T_I64;
	return bin;
}

static void gen_assign_local(struct gen *g, struct stmt *s)
{
	struct expr bin, *v = assign_value(s, s->lv, &bin);
	int r = local_reg(g, s->lv->loc), t = s->lv->loc->type;
	gen_into(g, v, r);
	if (!value_fits(v, t))
		convert_reg(g, r, r, t);
}

static void gen_assign_mem(struct gen *g, struct stmt *s)
{
	struct place p = mem_place(g, s->lv);
	int r;
	if (s->op == K_ASSIGN) {
		r = gen_reg(g, s->e);
	} else {
		struct expr cur = { .kind = E_REG, .type = p.type }, bin;
		r = tmp(g);
		cur.val = (uint64_t)r;
		emit(g, load_op(p.type), r, p.base, p.seg, p.disp);
		gen_into(g, assign_value(s, &cur, &bin), r);
	}
	emit(g, store_op(p.type), r, p.base, p.seg, p.disp);
}

static void gen_decl(struct gen *g, struct stmt *s)
{
	int r = local_reg(g, s->loc);
	use_reg(g, r);
	g->top = r + 1;
	icache_begin(g, s->e, NULL);
	if (!g->nic)
		g->top = r;      /* a call's result can then land right in r */
	if (s->e) {
		gen_into(g, s->e, r);
		if (!value_fits(s->e, s->loc->type))
			convert_reg(g, r, r, s->loc->type);
	} else {
		emit(g, NX_OP_MOVI, r, 0, 0, 0);
	}
	g->top = r + 1;
	g->nic = 0;
}

static int ends_flow(struct stmt *s)
{
	while (s && s->kind == S_BLOCK) {
		struct stmt *last = s->body;
		while (last && last->next)
			last = last->next;
		s = last;
	}
	return s && (s->kind == S_RETURN || s->kind == S_BREAK || s->kind == S_CONTINUE);
}

static void gen_if(struct gen *g, struct stmt *s)
{
	int lelse = new_label(g), lend = new_label(g), save = g->top;
	icache_begin(g, s->e, NULL);
	gen_branch(g, s->e, 0, lelse);
	g->nic = 0;
	g->top = save;
	gen_stmt(g, s->body);
	if (s->els && !ends_flow(s->body))
		emit_branch(g, NX_OP_JMP, 0, 0, 0, lend);
	place(g, lelse);
	if (s->els)
		gen_stmt(g, s->els);
	place(g, lend);
}

/*
 * for (v = C1; v OP C2; ...): the first test is decided at compile time.
 */
static int entry_known_true(struct stmt *s)
{
	struct stmt *in = s->init;
	struct expr *c = s->e, *iv;
	if (!in || c->kind != E_BIN || !is_compare(c->op) || c->a->kind != E_LOCAL ||
	    c->b->kind != E_NUM)
		return 0;
	if (in->kind == S_DECL && in->loc == c->a->loc)
		iv = in->e;
	else if (in->kind == S_ASSIGN && in->op == K_ASSIGN && in->lv->kind == E_LOCAL &&
		 in->lv->loc == c->a->loc)
		iv = in->e;
	else
		return 0;
	if (!iv || iv->kind != E_NUM || !value_fits(iv, c->a->loc->type))
		return 0;
	uint64_t a = iv->val, b = c->b->val;
	int64_t sa = (int64_t)a, sb = (int64_t)b;
	int uns = cmp_unsigned(c);
	switch (c->op) {
	case K_LT: return uns ? a < b : sa < sb;
	case K_LE: return uns ? a <= b : sa <= sb;
	case K_GT: return uns ? a > b : sa > sb;
	case K_GE: return uns ? a >= b : sa >= sb;
	case K_EQ: return a == b;
	default:   return a != b;
	}
}

/*
 * Loops are rotated: the test sits at the bottom, so one iteration costs
 * one conditional backward branch; a copy of the test guards entry.
 */
static void gen_loop(struct gen *g, struct stmt *s)
{
	int save = g->top, ltop = new_label(g), lcont = new_label(g), lend = new_label(g);
	if (s->init)
		gen_stmt(g, s->init);
	int inner = g->top;     /* above the loop variable declared in init */
	if (s->e && !entry_known_true(s)) {
		icache_begin(g, s->e, NULL);
		gen_branch(g, s->e, 0, lend);
		g->nic = 0;
		g->top = inner;
	}
	place(g, ltop);
	if (g->nloops == MAX_LOOPS) {
		extc_error(g->c, s->pos, "loops nested more than %d deep", MAX_LOOPS);
		return;
	}
	g->loops[g->nloops++] = (struct loop){ lend, lcont };
	gen_stmt(g, s->body);
	g->nloops--;
	place(g, lcont);
	if (s->step)
		gen_stmt(g, s->step);
	if (s->e) {
		icache_begin(g, s->e, NULL);
		gen_branch(g, s->e, 1, ltop);
		g->nic = 0;
		g->top = inner;
	} else
		emit_branch(g, NX_OP_JMP, 0, 0, 0, ltop);
	place(g, lend);
	g->top = save;
}

static void gen_return(struct gen *g, struct stmt *s)
{
	int save = g->top;
	emit(g, NX_OP_RET, s->e ? gen_reg(g, s->e) : zero_value(g), 0, 0, 0);
	g->top = save;
}

static void gen_stmt(struct gen *g, struct stmt *s)
{
	int save = g->top;
	if (s->kind != S_BLOCK)
		mark_line(g, s->pos);
	switch (s->kind) {
	case S_BLOCK:
		for (struct stmt *t = s->body; t; t = t->next)
			gen_stmt(g, t);
		g->top = save;
		return;
	case S_DECL:
		gen_decl(g, s);
		return;
	case S_ASSIGN:
		icache_begin(g, s->lv, s->e);
		if (s->lv->kind == E_LOCAL)
			gen_assign_local(g, s);
		else
			gen_assign_mem(g, s);
		break;
	case S_EXPR:
		icache_begin(g, s->e, NULL);
		gen_reg(g, s->e);
		break;
	case S_IF:
		gen_if(g, s);
		break;
	case S_WHILE:
	case S_FOR:
		gen_loop(g, s);
		break;
	case S_BREAK:
	case S_CONTINUE:
		emit_branch(g, NX_OP_JMP, 0, 0, 0, s->kind == S_BREAK ?
			    g->loops[g->nloops - 1].brk : g->loops[g->nloops - 1].cont);
		break;
	case S_RETURN:
		icache_begin(g, s->e, NULL);
		gen_return(g, s);
		break;
	}
	g->nic = 0;
	g->top = save;
}

/* --- keeping read-only context fields in registers ---------------------- */

/*
 * A read-only scalar context field cannot change during a run, so one load
 * at entry can serve every use.  Worth it when the field is used inside a
 * loop or more than once: uses[] counts a use in a loop as two.
 */
static void hoist_expr(struct gen *g, struct expr *e, int weight)
{
	if (!e)
		return;
	if (e->kind == E_CTX && !e->rec && !extc_ctx_fields[e->field].rw)
		g->uses[e->field] += weight;
	/* A constant that takes MOVI + MOVHI, inside a loop: build it once. */
	if (g->c->opt && e->kind == E_NUM && weight == 2 && !fits32(e->val) &&
	    !khoist_has(g, e->val) && g->nkhoist < MAX_KHOIST) {
		g->kval[g->nkhoist] = e->val;
		g->kreg[g->nkhoist++] = -1;
	}
	hoist_expr(g, e->a, weight);
	hoist_expr(g, e->b, weight);
	hoist_expr(g, e->c, weight);
	for (int i = 0; i < e->nargs; i++)
		hoist_expr(g, e->args[i], weight);
}

static void hoist_stmt(struct gen *g, struct stmt *s, int inloop)
{
	if (!s)
		return;
	if (s->kind == S_BLOCK) {
		for (struct stmt *t = s->body; t; t = t->next)
			hoist_stmt(g, t, inloop);
		return;
	}
	int loop = inloop || s->kind == S_WHILE || s->kind == S_FOR;
	hoist_expr(g, s->e, loop ? 2 : 1);
	hoist_expr(g, s->lv, inloop ? 2 : 1);
	hoist_stmt(g, s->init, inloop);
	hoist_stmt(g, s->body, loop);
	hoist_stmt(g, s->els, inloop);
	hoist_stmt(g, s->step, loop);
}

static void hoist_choose(struct gen *g)
{
	for (int i = 0; i < extc_nctx_fields && g->nhoist < MAX_HOIST; i++)
		if (g->uses[i] >= 2)
			g->hoist[i] = ++g->nhoist;   /* numbered now, registers later */
}

/* Load the hoisted fields and build the hoisted constants at entry;
 * hoist[] becomes register + 1, kreg[] the constants' registers. */
static void hoist_load(struct gen *g)
{
	int base = (g->zero >= 0 ? g->zero + 1 : g->fn->nparams) + g->nhoist;
	for (int i = 0; i < g->nkhoist; i++) {
		use_reg(g, base + i);
		load_const(g, base + i, g->kval[i]);
		g->kreg[i] = base + i;
	}
	for (int i = 0; i < extc_nctx_fields; i++) {
		if (!g->hoist[i])
			continue;
		const struct ctx_field *f = &extc_ctx_fields[i];
		int r = g->zero + g->hoist[i];
		use_reg(g, r);
		emit(g, load_op(f->type), r, g->zero, f->seg, (int32_t)f->off);
		g->hoist[i] = r + 1;
	}
}

/* Does the code address memory (globals, context, buffers)? */
static int mem_expr(struct expr *e)
{
	if (!e)
		return 0;
	if (e->kind == E_GLOBAL || e->kind == E_INDEX || e->kind == E_CTX)
		return 1;
	for (int i = 0; i < e->nargs; i++)
		if (mem_expr(e->args[i]))
			return 1;
	return mem_expr(e->a) || mem_expr(e->b) || mem_expr(e->c);
}

static int mem_stmt(struct stmt *s)
{
	for (; s; s = s->next)
		if (mem_expr(s->e) || mem_expr(s->lv) || mem_stmt(s->body) || mem_stmt(s->els) ||
		    mem_stmt(s->init) || mem_stmt(s->step))
			return 1;
	return 0;
}

static void gen_function(struct gen *g, struct sym *f)
{
	struct obj *o = &g->c->obj;
	g->fn = f;
	g->start = pc(g);
	/* the zero register only where memory is addressed; a register less
	 * is a register the engine need not clear on every call */
	g->zero = mem_stmt(f->body) ? f->nparams : -1;
	g->nhoist = g->nkhoist = 0;
	g->nlabels = g->nfix = g->nloops = 0;
	g->lastline = 0;
	g->last_label_at = -1;
	memset(g->hoist, 0, sizeof g->hoist);
	memset(g->uses, 0, sizeof g->uses);
	g->maxreg = g->zero >= 0 ? g->zero : f->nparams - 1;
	hoist_stmt(g, f->body, 0);      /* constants in any function, fields in hooks */
	if (f->hook != NX_HOOK_NONE)
		hoist_choose(g);
	g->localbase = (g->zero >= 0 ? g->zero + 1 : f->nparams) + g->nhoist + g->nkhoist;
	g->top = g->localbase;
	mark_line(g, f->pos);
	hoist_load(g);
	gen_stmt(g, f->body);
	int n = pc(g) - g->start;
	if (!n || NX_INSN_OP(o->code[pc(g) - 1]) != NX_OP_RET || g->last_label_at == pc(g))
		emit(g, NX_OP_RET, zero_value(g), 0, 0, 0);
	resolve_labels(g);
	n = pc(g) - g->start;
	if (g->c->opt && g->maxreg < NX_MAX_REGS) {
		int nregs = g->maxreg + 1;
		n = opt_function(g->c, g->start, n, &nregs, f);
		g->maxreg = nregs - 1;
	}
	if (g->maxreg >= NX_MAX_REGS)
		extc_error(g->c, f->pos, "function '%s' needs %d registers (at most %d): "
			   "too many locals or too deeply nested expressions", f->name,
			   g->maxreg + 1, NX_MAX_REGS);
	if (n > NX_MAX_FUNC_INSNS)
		extc_error(g->c, f->pos, "function '%s' is too long (%d instructions, at most %d)",
			   f->name, n, NX_MAX_FUNC_INSNS);
	o->funcs[f->index] = (struct nx_func){ 0, (uint32_t)g->start, (uint32_t)n,
		(uint8_t)(g->maxreg + 1), (uint8_t)f->nparams, 0 };
}

void gen_program(struct extc *c)
{
	struct gen g = { .c = c };
	int cap = 0;
	grow((void **)&g.linestart, &cap, 1, sizeof *g.linestart);
	g.linestart[g.nlinestarts++] = 0;
	for (uint32_t i = 0; i < c->srclen; i++)
		if (c->src[i] == '\n') {
			grow((void **)&g.linestart, &cap, g.nlinestarts + 1, sizeof *g.linestart);
			g.linestart[g.nlinestarts++] = i + 1;
		}
	c->obj.funcs = calloc((size_t)c->nfuncs, sizeof *c->obj.funcs);
	if (!c->obj.funcs) {
		fputs("extc: out of memory\n", stderr);
		abort();
	}
	for (struct sym *s = c->syms; s; s = s->next)
		if (s->kind == SYM_FUNC)
			gen_function(&g, s);
	if (c->verbose)
		fprintf(stderr, "%s: %d functions, %d instructions, %u bytes of data\n",
			c->file, c->nfuncs, c->obj.ncode, c->datasize);
	free(g.labels);
	free(g.fix);
	free(g.linestart);
}

/*
 * The verifier: after it accepts an extension, the translator and both
 * handler sets may assume, for every instruction of every function:
 *   - the opcode exists and every field the format does not use is 0;
 *   - every register named is < the function's nregs, and a call's
 *     argument window r[a]..r[a+c-1] lies inside the frame;
 *   - every branch target lies inside the same function, and the last
 *     instruction is RET or JMP (control never falls off the end);
 *   - CALL names an existing function with exactly c arguments, HCALL a
 *     helper import with c arguments, XCALL an extension import with c;
 *   - DIV*I / MOD*I never divide by 0;
 *   - a memory segment number is < NX_SEG_COUNT, and a DATA access whose
 *     address is known statically (a MOVI'd register in the same basic
 *     block) lies inside the data segment.
 * Every instruction of CODE belongs to some function.
 * And for the object: hook entries exist, take no arguments and name a
 * valid hook and argument; every helper is allowed for the extension's
 * trust and for every hook from which its call site can be reached.
 * What the verifier cannot know (dynamic addresses, fuel, recursion depth)
 * the checked handler set enforces at run time.
 */
#include <string.h>
#include "internal.h"
#include "str.h"

struct vctx {
	struct nx_ext *e;
	struct nx_error *err;
	uint32_t fi;            /* function being checked */
	const struct nx_fn *f;
};

#define VERR(v, i, ...) nx_errf((v)->err, NX_EINVAL, (int32_t)(v)->fi, (int32_t)(i), __VA_ARGS__)

static int check_reg(struct vctx *v, uint32_t i, const char *field, unsigned r)
{
	if (r >= v->f->nregs)
		return VERR(v, i, "register %s=%u >= nregs %u of function '%s'", field, r, v->f->nregs,
			    nx_str(v->e, v->f->name));
	return 0;
}

static int check_target(struct vctx *v, uint32_t i, int64_t off)
{
	int64_t t = (int64_t)i + 1 + off;
	if (t < v->f->start || t >= (int64_t)v->f->start + v->f->len)
		return VERR(v, i, "jump target %lld outside function '%s' [%u, %u)", (long long)t,
			    nx_str(v->e, v->f->name), v->f->start, v->f->start + v->f->len);
	return 0;
}

static int check_call(struct vctx *v, uint32_t i, unsigned op, unsigned a, unsigned c, uint32_t idx)
{
	if (a + c > v->f->nregs || (c == 0 && a >= v->f->nregs))
		return VERR(v, i, "%s argument window r%u..r%u outside the frame (nregs %u)",
			    nx_op_name(op), a, a + c - 1, v->f->nregs);
	if (c > NX_MAX_ARGS)
		return VERR(v, i, "%s with %u arguments (at most %d)", nx_op_name(op), c, NX_MAX_ARGS);
	struct nx_ext *e = v->e;
	if (op == NX_OP_CALL) {
		if (idx >= e->nfn)
			return VERR(v, i, "CALL to function %u, the object has %u", idx, e->nfn);
		if (e->fn[idx].nargs != c)
			return VERR(v, i, "CALL passes %u arguments, '%s' takes %u", c,
				    nx_str(e, e->fn[idx].name), e->fn[idx].nargs);
	} else if (op == NX_OP_HCALL) {
		if (idx >= e->nhelpers)
			return VERR(v, i, "HCALL to helper import %u, the object has %u", idx, e->nhelpers);
		if (nx_helper_nargs(e->helper[idx]) != c)
			return VERR(v, i, "HCALL passes %u arguments, helper '%s' takes %u", c,
				    nx_helper_name(e->helper[idx]), nx_helper_nargs(e->helper[idx]));
	} else {
		if (idx >= e->nximp)
			return VERR(v, i, "XCALL to extension import %u, the object has %u", idx, e->nximp);
		if (e->ximp_fn[idx] != c)
			return VERR(v, i, "XCALL passes %u arguments, the import declares %u", c, e->ximp_fn[idx]);
	}
	return 0;
}

/* Basic-block-local constants: what MOVI put in a register, if still valid. */
struct konst {
	uint8_t known[NX_MAX_REGS + 1];
	int64_t val[NX_MAX_REGS + 1];
};

static int check_mem(struct vctx *v, uint32_t i, unsigned op, unsigned b, unsigned seg, int32_t imm,
		     const struct konst *k)
{
	if (seg >= NX_SEG_COUNT)
		return VERR(v, i, "%s names segment %u (only 0..%d exist)", nx_op_name(op), seg, NX_SEG_COUNT - 1);
	if (seg == NX_SEG_DATA && k->known[b]) {
		int64_t addr = k->val[b] + imm;
		if (addr < 0 || (uint64_t)addr + nx_op_width(op) > v->e->data_len)
			return VERR(v, i, "%s at data offset %lld outside the data segment (%u bytes)",
				    nx_op_name(op), (long long)addr, v->e->data_len);
	}
	return 0;
}

/* Registers named by the fields in `regs` (NX_FA/FB/FC) must be in the
 * frame.  Fields not named count as register 0, which every frame has
 * (load.c: nregs >= 1), so the common case is one compare. */
static int check_regs(struct vctx *v, uint32_t i, unsigned regs, unsigned a, unsigned b, unsigned c)
{
	unsigned ra = regs & NX_FA ? a : 0, rb = regs & NX_FB ? b : 0, rc = regs & NX_FC ? c : 0;
	unsigned hi = ra > rb ? ra : rb;
	if ((hi > rc ? hi : rc) < v->f->nregs)
		return 0;
	return check_reg(v, i, "a", ra) ?: check_reg(v, i, "b", rb) ?: check_reg(v, i, "c", rc);
}

/* One instruction, by what its format's fields are (isa.h NX_FORMATS). */
static int check_insn(struct vctx *v, uint32_t i, struct konst *k)
{
	uint64_t w = v->e->code[i];
	unsigned op = NX_INSN_OP(w), a = NX_INSN_A(w), b = NX_INSN_B(w), c = NX_INSN_C(w);
	int32_t imm = NX_INSN_IMM(w);
	if (op >= NX_OP_COUNT)
		return VERR(v, i, "unknown opcode %u", op);
	enum nx_fmt fmt = nx_op_fmt(op);
	unsigned fields = nx_fmt_fields(fmt);
	if (w & ~nx_fmt_mask(fmt))
		return VERR(v, i, "%s has non-zero unused fields", nx_op_name(op));
	if (nx_op_class(op) == NX_K_DIVI && imm == 0)
		return VERR(v, i, "%s by the constant 0", nx_op_name(op));
	if (fields & NX_FWIN)
		return check_call(v, i, op, a, c, (uint32_t)imm);
	int rc = check_regs(v, i, nx_fmt_reads(fmt) | nx_fmt_writes(fmt), a, b, c);
	if (!rc && (fields & NX_FSEG))
		rc = check_mem(v, i, op, b, c, imm, k);
	if (!rc && (fields & (NX_FOFF | NX_FOFF16)))
		rc = check_target(v, i, NX_INSN_BRANCH_OFF(w, fields));
	return rc;
}

/* Mark the instructions branches land on: constants die there. */
static void mark_targets(const struct nx_ext *e, const struct nx_fn *f, uint8_t *is_target)
{
	for (uint32_t i = f->start; i < f->start + f->len; i++) {
		uint64_t w = e->code[i];
		unsigned fields = nx_fmt_fields(nx_op_fmt(NX_INSN_OP(w)));   /* 0 for a bad opcode */
		int64_t t = (int64_t)i + 1 + NX_INSN_BRANCH_OFF(w, fields);
		if ((fields & (NX_FOFF | NX_FOFF16)) && t >= f->start && t < (int64_t)f->start + f->len)
			is_target[t - f->start] = 1;
	}
}

/* Track MOVI constants; any other write to a register forgets it. */
static void track_konst(uint64_t w, struct konst *k)
{
	unsigned op = NX_INSN_OP(w), a = NX_INSN_A(w);
	enum nx_fmt fmt = nx_op_fmt(op);
	if (nx_fmt_fields(fmt) & NX_FWIN) {
		/* a call clobbers r[a] and (CALL/XCALL) everything above */
		memset(k->known + a, 0, sizeof k->known - a);
	} else if (nx_fmt_writes(fmt) & NX_FA) {
		k->known[a] = op == NX_OP_MOVI;
		k->val[a] = NX_INSN_IMM(w);
	}
}

static int check_func(struct vctx *v, struct konst *k, uint8_t *is_target)
{
	const struct nx_fn *f = v->f;
	memset(is_target, 0, f->len);
	mark_targets(v->e, f, is_target);
	memset(k->known, 0, sizeof k->known);
	for (uint32_t i = f->start; i < f->start + f->len; i++) {
		if (is_target[i - f->start])
			memset(k->known, 0, sizeof k->known);
		int rc = check_insn(v, i, k);
		if (rc)
			return rc;
		track_konst(v->e->code[i], k);
	}
	unsigned last = NX_INSN_OP(v->e->code[f->start + f->len - 1]);
	if (last != NX_OP_RET && last != NX_OP_JMP)
		return VERR(v, f->start + f->len - 1, "function '%s' ends with %s: control falls off the end",
			    nx_str(v->e, f->name), nx_op_name(last));
	return 0;
}

static int check_hooks(struct nx_ext *e, struct nx_error *err)
{
	for (uint32_t i = 0; i < e->nhooks; i++) {
		const struct nx_hook *h = &e->hooks[i];
		if (h->hook == NX_HOOK_NONE || h->hook >= NX_HOOK_COUNT)
			return nx_errf(err, NX_EINVAL, -1, -1, "hook entry %u: unknown hook %u", i, h->hook);
		if (h->func >= e->nfn)
			return nx_errf(err, NX_EINVAL, -1, -1, "hook entry %u: function %u does not exist", i, h->func);
		if (e->fn[h->func].nargs)
			return nx_errf(err, NX_EINVAL, (int32_t)h->func, -1, "hook entry %u: '%s' takes %u arguments, a hook entry takes none",
				       i, nx_str(e, e->fn[h->func].name), e->fn[h->func].nargs);
		uint32_t maxarg = h->hook == NX_HOOK_IRQ ? 255 : h->hook == NX_HOOK_TRAP ? NX_TRAP_SYSCALL : 0;
		if (h->arg > maxarg)
			return nx_errf(err, NX_EINVAL, -1, -1, "hook entry %u: argument %u for hook %s (at most %u)",
				       i, h->arg, nx_hook_name((enum nx_hook_id)h->hook), maxarg);
		for (uint32_t j = 0; j < i; j++)
			if (e->hooks[j].hook == h->hook && e->hooks[j].arg == h->arg)
				return nx_errf(err, NX_EINVAL, -1, -1, "hook entry %u: %s(%u) attached twice",
					       i, nx_hook_name((enum nx_hook_id)h->hook), h->arg);
	}
	return 0;
}

/*
 * Which hooks can reach each function: hook entries seed their hook's
 * bit, exports (callable from any extension on any hook) seed all bits,
 * and CALL edges propagate to a fixpoint.  Runs after check_ranges, so
 * walking each function's range visits every instruction once.  Then each HCALL's helper must
 * allow every hook bit of its function, and trusted-only helpers need a
 * trusted extension.
 */
static int check_helpers(struct nx_ext *e, uint32_t *reach, struct nx_error *err)
{
	for (uint32_t h = 0; h < e->nhelpers; h++)
		if ((nx_helper_flags(e->helper[h]) & NX_HF_TRUSTED) && e->trust != NX_TRUST_TRUSTED)
			return nx_errf(err, NX_EPERM, -1, -1, "helper '%s' is for trusted extensions only",
				       nx_helper_name(e->helper[h]));
	for (uint32_t i = 0; i < e->nhooks; i++)
		reach[e->hooks[i].func] |= 1u << e->hooks[i].hook;
	for (uint32_t i = 0; i < e->nexports; i++)
		reach[e->exports[i].func] |= ~0u;
	for (int changed = 1; changed;) {
		changed = 0;
		for (uint32_t f = 0; f < e->nfn; f++)
			for (uint32_t i = e->fn[f].start; i < e->fn[f].start + e->fn[f].len; i++) {
				uint64_t w = e->code[i];
				if (NX_INSN_OP(w) != NX_OP_CALL)
					continue;
				uint32_t callee = (uint32_t)NX_INSN_IMM(w), old = reach[callee];
				reach[callee] |= reach[f];
				changed |= reach[callee] != old;
			}
	}
	for (uint32_t f = 0; f < e->nfn; f++)
		for (uint32_t i = e->fn[f].start; i < e->fn[f].start + e->fn[f].len; i++) {
			uint64_t w = e->code[i];
			if (NX_INSN_OP(w) != NX_OP_HCALL)
				continue;
			unsigned id = e->helper[NX_INSN_IMM(w)], allowed = nx_helper_hooks(id);
			if (allowed && (reach[f] & ~allowed & ~1u))
				return nx_errf(err, NX_EPERM, (int32_t)f, (int32_t)i,
					       "helper '%s' may not be called from hook %s", nx_helper_name(id),
					       reach[f] == ~0u ? "(any, via an export)" :
					       nx_hook_name((enum nx_hook_id)__builtin_ctz(reach[f] & ~allowed & ~1u)));
		}
	return 0;
}

/*
 * The functions' ranges tile CODE: an instruction outside every function
 * would be unverified code, and one inside two would be verified against
 * two frames while the translator, the zeroing analysis and fault reports
 * give it one (nx_func_of: the first).  Ranges lie inside CODE (load.c),
 * so pairwise disjoint ranges whose lengths add up to ncode cover it.
 * Objects with many functions mark instructions instead of comparing pairs.
 */
static int overlap_of(const struct nx_ext *e, uint32_t f, uint32_t *g, uint8_t *in)
{
	const struct nx_fn *a = &e->fn[f];
	if (in) {
		for (uint32_t i = a->start; i < a->start + a->len; i++)
			if (in[i]++) {
				*g = (uint32_t)nx_func_of(e, i);
				return 1;
			}
		return 0;
	}
	for (*g = 0; *g < f; (*g)++) {
		const struct nx_fn *b = &e->fn[*g];
		if (a->start < b->start + b->len && b->start < a->start + a->len)
			return 1;
	}
	return 0;
}

static int check_ranges(struct nx_ext *e, struct nx_error *err)
{
	uint8_t *in = NULL;
	if (e->nfn > 64 && !(in = nx_host_alloc(e->ncode)))
		return nx_errf(err, NX_ENOMEM, -1, -1, "out of memory verifying");
	if (in)
		memset(in, 0, e->ncode);
	uint64_t total = 0;
	uint32_t g;
	int rc = 0;
	for (uint32_t f = 0; !rc && f < e->nfn; f++) {
		total += e->fn[f].len;
		if (overlap_of(e, f, &g, in))
			rc = nx_errf(err, NX_EINVAL, (int32_t)f, (int32_t)e->fn[f].start,
				     "functions '%s' and '%s' overlap", nx_str(e, e->fn[g].name),
				     nx_str(e, e->fn[f].name));
	}
	for (uint32_t i = 0; !rc && total != e->ncode && i < e->ncode; i++)
		if (nx_func_of(e, i) < 0)
			rc = nx_errf(err, NX_EINVAL, -1, (int32_t)i, "instruction belongs to no function");
	if (in)
		nx_host_free(in, e->ncode);
	return rc;
}

int nx_verify(struct nx_ext *e, struct nx_error *err)
{
	struct vctx v = { .e = e, .err = err };
	/* One allocation, most aligned first: the constants, the reach
	 * words, the target marks. */
	size_t size = sizeof(struct konst) + e->nfn * sizeof(uint32_t) + NX_MAX_FUNC_INSNS;
	struct konst *k = nx_host_alloc(size);
	uint32_t *reach = (uint32_t *)(k + 1);
	uint8_t *is_target = (uint8_t *)(reach + e->nfn);
	int rc = 0;
	if (!k)
		return nx_errf(err, NX_ENOMEM, -1, -1, "out of memory verifying");
	for (uint32_t f = 0; !rc && f < e->nfn; f++) {
		v.fi = f;
		v.f = &e->fn[f];
		rc = check_func(&v, k, is_target);
	}
	if (!rc)
		rc = check_ranges(e, err);
	if (!rc)
		rc = check_hooks(e, err);
	if (!rc) {
		memset(reach, 0, e->nfn * sizeof *reach);
		rc = check_helpers(e, reach, err);
	}
	nx_host_free(k, size);
	return rc;
}

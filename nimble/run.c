/*
 * Running an extension: the run state (register stack, call records,
 * per-run segment limits), entering a function, extension-to-extension
 * calls, and the helpers' view of a run.  A fault never leaves the
 * engine: it ends the run and is reported in struct nx_result.
 */
#include <string.h>
#include "run.h"
#include <lwk/fmt.h>

/*
 * The deep stacks of a run that calls are big, so they are not on the
 * caller's stack: a few are cached in slots taken and returned with
 * atomic exchanges (runs may be concurrent), the rest come from the host.
 */
#define NX_MEM_CACHE 4
static struct nx_run_mem *mem_cache[NX_MEM_CACHE];

static struct nx_run_mem *mem_get(void)
{
	for (unsigned i = 0; i < NX_MEM_CACHE; i++) {
		struct nx_run_mem *m = __atomic_exchange_n(&mem_cache[i], NULL, __ATOMIC_ACQUIRE);
		if (m)
			return m;
	}
	return nx_host_alloc(sizeof(struct nx_run_mem));
}

static void mem_put(struct nx_run_mem *m)
{
	for (unsigned i = 0; i < NX_MEM_CACHE; i++) {
		struct nx_run_mem *none = NULL;
		if (__atomic_compare_exchange_n(&mem_cache[i], &none, m, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
			return;
	}
	nx_host_free(m, sizeof *m);
}

/* Free the cached deep stacks (tests: so leak accounting ends at zero). */
void nx_run_cache_drain(void)
{
	for (unsigned i = 0; i < NX_MEM_CACHE; i++) {
		struct nx_run_mem *m = __atomic_exchange_n(&mem_cache[i], NULL, __ATOMIC_ACQUIRE);
		if (m)
			nx_host_free(m, sizeof *m);
	}
}

/* Small: the function makes no calls and its registers fit the C stack. */
void nx_mark_small(struct nx_ext *e)
{
	for (uint32_t i = 0; i < e->nfn; i++) {
		struct nx_fn *f = &e->fn[i];
		int calls = 0;
		for (uint32_t k = f->start; k < f->start + f->len; k++) {
			unsigned op = NX_INSN_OP(e->code[k]);
			calls |= op == NX_OP_CALL || op == NX_OP_XCALL;
		}
		f->small = !calls && f->nregs <= NX_SMALL_REGS;
	}
}

static inline uint64_t sat_sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static inline uint8_t *seg_base(const struct nx_run *rs, unsigned s)
{
	return s == NX_SEG_DATA ? rs->ext->data : rs->env->seg[s].base;
}

/*
 * The segments of a run, from env and the running extension (DATA is its
 * own; env->seg[NX_SEG_DATA] is never read):
 *   lim:  off < lim  <=> [off, off + w) fits (a store also needs off >= wr)
 */
static inline void seg_bounds(const struct nx_run *rs, unsigned s, uint64_t *len, uint64_t *wr)
{
	if (s == NX_SEG_DATA) {
		*len = rs->ext->data ? rs->ext->data_len : 0;
		*wr = 0;
		return;
	}
	const struct nx_seg *g = &rs->env->seg[s];
	*len = g->base ? g->len : 0;
	*wr = g->wr_lo < *len ? g->wr_lo : *len;
}

static inline void seg_limits(struct nx_run *rs, unsigned s)
{
	uint64_t len, wr;
	seg_bounds(rs, s, &len, &wr);
	rs->len[s] = len;
	rs->wr[s] = wr;
	rs->lim[0][s] = len;
	rs->lim[1][s] = sat_sub(len, 1);
	rs->lim[2][s] = sat_sub(len, 3);
	rs->lim[3][s] = sat_sub(len, 7);
}

/* Segment s of a run: its base and, when checked, its limits. */
static inline void seg_add(struct nx_run *rs, unsigned s, unsigned need_base, unsigned need_lim)
{
	if (need_base & (1u << s))
		rs->base[s] = seg_base(rs, s);
	if (need_lim & (1u << s))
		seg_limits(rs, s);
}

/* Make base[] valid for the segments in mask and, when checked, their
 * limits too (at an entry, or an XCALL into code naming other segments).
 * Unrolled per segment: it is most of the entry of a run that reads its
 * context. */
void nx_segs_add(struct nx_run *rs, unsigned mask, int checked)
{
	unsigned nb = mask & ~rs->bases, nl = checked ? mask & ~rs->limits : 0;
	rs->bases |= nb;
	rs->limits |= nl;
	seg_add(rs, NX_SEG_DATA, nb, nl);
	seg_add(rs, NX_SEG_CTX, nb, nl);
	seg_add(rs, NX_SEG_BUF0, nb, nl);
	seg_add(rs, NX_SEG_BUF1, nb, nl);
}

/* DATA is the running extension's own (rs->ext already switched). */
static inline void seg_data(struct nx_run *rs)
{
	rs->base[NX_SEG_DATA] = rs->ext->data;
	rs->bases |= 1u << NX_SEG_DATA;
	if (rs->limits & (1u << NX_SEG_DATA))
		seg_limits(rs, NX_SEG_DATA);
}

static inline void run_deep(struct nx_run *rs, struct nx_run_mem *mem)
{
	rs->fp = mem->frames;
	rs->fend = mem->frames + NX_MAX_DEPTH;
	rs->stack_end = mem->stack + NX_STACK_SLOTS;
	rs->xdepth = 0;
	rs->bases = rs->limits = 0;
}

/* The reference interpreter reads len[] and wr[] of every segment in
 * every set. */
void nx_run_setup(struct nx_run *rs, struct nx_run_mem *mem, struct nx_ext *ext, struct nx_env *env)
{
	run_deep(rs, mem);
	nx_run_begin(rs, ext, env);
	rs->insns = 0;
	rs->depth = 0;
	rs->code = 0;
	nx_segs_add(rs, (1u << NX_SEG_COUNT) - 1, 1);
}

/* After a fault: the fault counters and where (the run's end, run.h). */
void nx_stats_fault(struct nx_ext *ext, enum nx_fault f, uint32_t func, uint32_t insn)
{
	uint64_t n = __atomic_add_fetch(&ext->st.faults, 1, __ATOMIC_RELAXED);
	if (n <= NX_FAULT_REPORTS || n % NX_FAULT_REPORT_EVERY == 0) {   /* a cold path */
		char line[128], full[160];
		nx_fault_text(ext, f, func, insn, line, sizeof line);
		fmt_snprintf(full, sizeof full, "%s (extension %s, owner %u, fault %llu)", line,
			     ext->name, ext->owner, (unsigned long long)n);
		nx_host_report(full);
	}
	if (f == NX_FAULT_FUEL)
		__atomic_fetch_add(&ext->st.aborted_fuel, 1, __ATOMIC_RELAXED);
	ext->st.last_fault = f;
	ext->st.last_func = func;
	ext->st.last_insn = insn;
}

void nx_fault_where(const struct nx_run *rs, uint32_t *func, uint32_t *insn)
{
	*insn = (uint32_t)(rs->fault_cell - rs->fault_ext->cells);
	*func = (uint32_t)nx_func_of(rs->fault_ext, *insn);
}

/* The end of a run: its result and counters (fault details only after a
 * fault; the abort code only for ABORT, the one fault that sets it). */
static inline int run_done(struct nx_run *rs, struct nx_ext *ext, int rc, const uint64_t *r,
			   uint64_t *value, struct nx_result *res)
{
	uint32_t func = 0, insn = 0;
	if (__builtin_expect(rc != 0, 0))
		nx_fault_where(rs, &func, &insn);
	*value = rc ? 0 : r[0];
	if (res)
		*res = (struct nx_result){ .value = *value, .fault = (enum nx_fault)rc, .func = func, .insn = insn,
					   .abort_code = rc == NX_FAULT_ABORT ? rs->code : 0 };
	nx_stats_add(ext, rs->insns, (enum nx_fault)rc, func, insn);
	return rc;
}

/* A deep run: the function calls, so it needs the call records and the
 * register stack of an nx_run_mem.  Out of line: hook entries are mostly
 * small, and this keeps their inlined path free of it. */
static __attribute__((noinline))
int run_deep_fn(struct nx_ext *ext, const struct nx_fn *f, struct nx_env *env,
		const uint64_t *args, uint64_t *value, struct nx_result *res)
{
	struct nx_run_mem *mem = mem_get();
	if (!mem) {
		nx_ext_leave(ext);
		return -NX_ENOMEM;
	}
	struct nx_run rs;
	run_deep(&rs, mem);
	nx_run_begin(&rs, ext, env);
	rs.insns = 0;
	nx_regs_init(mem->stack, f, args);
	rs.pc = &ext->cells[f->start];
	rs.r = mem->stack;
	int rc = nx_exec_resume(ext->set, &rs);
	rc = run_done(&rs, ext, rc, mem->stack, value, res);
	mem_put(mem);
	nx_ext_leave(ext);
	return rc;
}

/*
 * Run function f of ext, whose arguments the caller has checked (nx_run
 * from the API; the hook paths of nx_fire_all, whose entries the verifier
 * made argument-free: args NULL).  Returns -errno if it could not start,
 * else the fault kind (NX_FAULT_NONE: *value is the return value); res,
 * when not NULL, gets the whole result.  A hook's solo attachment does not
 * come here: its exec function runs it whole (exec_body.h).
 */
static inline __attribute__((always_inline))
int run_fn(struct nx_ext *ext, const struct nx_fn *f, struct nx_env *env,
	   const uint64_t *args, uint64_t *value, struct nx_result *res)
{
	if (nx_ext_enter(ext))
		return -NX_ENOENT;
	if (!f->small)
		return run_deep_fn(ext, f, env, args, value, res);
	struct nx_run rs;
	uint64_t r[NX_SMALL_REGS];
	rs.fp = NULL;
	nx_run_begin(&rs, ext, env);
	rs.insns = 0;
	nx_regs_init(r, f, args);
	rs.pc = &ext->cells[f->start];
	rs.r = r;
	int rc = nx_exec_resume(ext->set, &rs);
	rc = run_done(&rs, ext, rc, r, value, res);
	nx_ext_leave(ext);
	return rc;
}

int nx_run(struct nx_ext *ext, uint32_t func, struct nx_env *env,
	   const uint64_t *args, unsigned nargs, struct nx_result *res)
{
	*res = (struct nx_result){ 0 };
	if (!ext || func >= ext->nfn || nargs != ext->fn[func].nargs || !env)
		return -NX_EINVAL;
	uint64_t v;
	int rc = run_fn(ext, &ext->fn[func], env, args, &v, res);
	return rc < 0 ? rc : 0;
}

/*
 * nx_fire (nimble.h) ran a hook's solo attachment itself; this runs a
 * chain, deep entry functions, or a caller that wants the last result
 * (*last, when given, is filled by each run; one that could not start,
 * removed meanwhile or without memory, leaves it as it was).  A small
 * entry without a result runs whole in its exec function.
 */
uint64_t nx_fire_all(enum nx_hook_id hook, uint32_t arg, struct nx_env *env, struct nx_result *last)
{
	if (last)
		*last = (struct nx_result){ 0 };   /* stores, not a memset call (kernel: rep stosb) */
	for (struct nx_attach *a = nx_hook_first(hook); a; a = __atomic_load_n(&a->next, __ATOMIC_ACQUIRE)) {
		if (a->solo.arg != arg || __atomic_load_n(&a->ejected, __ATOMIC_RELAXED))
			continue;
		uint64_t v;
		if (a->solo.run && !last) {
			v = a->solo.run(&a->solo, env, NULL);
		} else {
			/* Hook entries take no arguments (verify.c). */
			int rc = run_fn(a->ext, a->fn, env, NULL, &v, last);
			if (rc > 0 && a->ext->st.faults >= NX_EJECT_FAULTS)
				nx_attach_eject(a);
			if (rc)
				v = NX_RET_DEFAULT;
		}
		if (v != NX_RET_DEFAULT)
			return v;
	}
	return NX_RET_DEFAULT;
}

/*
 * XCALL: run callee's function func with its frame at r (the caller's
 * argument window), in the callee's own handler set and with the callee's
 * data segment; the other segments (the hook's) stay.  Returns 0 or the
 * fault kind; the callee's own counters record its fault.  The caller
 * stored its next free call record in rs->fp.
 */
int nx_run_xcall(struct nx_run *rs, struct nx_ext *callee, uint32_t func, uint64_t *r)
{
	if (!callee || nx_ext_enter(callee))
		return NX_FAULT_XCALL;
	const struct nx_fn *f = &callee->fn[func];
	if (rs->xdepth == NX_MAX_XDEPTH || r + f->nregs > rs->stack_end) {
		nx_ext_leave(callee);
		return NX_FAULT_STACK;
	}
	for (unsigned i = f->nargs; i < f->nregs; i++)
		r[i] = 0;
	struct nx_ext *caller = rs->ext;
	uint64_t insns0 = rs->insns;
	rs->ext = callee;
	rs->xdepth++;
	seg_data(rs);
	nx_segs_add(rs, callee->segs, callee->set != NX_SET_UNCHECKED);
	rs->pc = &callee->cells[f->start];
	rs->r = r;
	int rc = nx_exec_resume(callee->set, rs);
	uint32_t ffunc = 0, finsn = 0;
	if (rc)
		nx_fault_where(rs, &ffunc, &finsn);
	nx_stats_add(callee, rs->insns - insns0, (enum nx_fault)rc, ffunc, finsn);
	rs->xdepth--;
	rs->ext = caller;
	seg_data(rs);
	nx_ext_leave(callee);
	return rc;
}

uint64_t nx_call_helper(struct nx_run *rs, unsigned id, uint64_t *args)
{
	nx_helper_fn fn = nx_helper_impl[id];
	if (!fn) {
		rs->fault = NX_FAULT_HELPER;
		return 0;
	}
	return fn(rs, args);
}

void nx_ext_set_mode(struct nx_ext *ext, enum nx_set set)
{
	nx_translate(ext, set);
	nx_attach_retarget(ext);
}

/* ---- the helpers' view of a run ---- */

struct nx_env *nx_run_env(struct nx_run *run) { return run->env; }
uint32_t nx_run_owner(struct nx_run *run) { return run->env->owner; }

void nx_run_fault(struct nx_run *run, enum nx_fault fault, uint64_t code)
{
	run->fault = fault;
	run->code = code;
}

/* Bytes [off, off + len) of segment seg as the running extension sees it, or NULL. */
uint8_t *nx_run_seg(struct nx_run *run, uint64_t seg, uint64_t off, uint64_t len, int write)
{
	if (seg >= NX_SEG_COUNT)
		return NULL;
	uint64_t slen, wr;
	seg_bounds(run, (unsigned)seg, &slen, &wr);
	if (off > slen || len > slen - off || (write && off < wr))
		return NULL;
	return seg_base(run, (unsigned)seg) + off;
}

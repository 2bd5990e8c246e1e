/*
 * Running an extension: the run state (register stack, call records,
 * per-run segment limits), entering a function, extension-to-extension
 * calls, and the helpers' view of a run.  A fault never leaves the
 * engine: it ends the run and is reported in struct nx_result.
 */
#include <string.h>
#include "internal.h"

/*
 * Run states are big (the register stack), so they are not on the
 * caller's stack: a few are cached in slots taken and returned with
 * atomic exchanges (runs may be concurrent), the rest come from the host.
 */
#define NX_RUN_CACHE 4
static struct nx_run *run_cache[NX_RUN_CACHE];

static struct nx_run *run_get(void)
{
	for (unsigned i = 0; i < NX_RUN_CACHE; i++) {
		struct nx_run *rs = __atomic_exchange_n(&run_cache[i], NULL, __ATOMIC_ACQUIRE);
		if (rs)
			return rs;
	}
	return nx_host_alloc(sizeof(struct nx_run));
}

static void run_put(struct nx_run *rs)
{
	for (unsigned i = 0; i < NX_RUN_CACHE; i++) {
		struct nx_run *none = NULL;
		if (__atomic_compare_exchange_n(&run_cache[i], &none, rs, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
			return;
	}
	nx_host_free(rs, sizeof *rs);
}

/* Free the cached run states (tests: so leak accounting ends at zero). */
void nx_run_cache_drain(void)
{
	for (unsigned i = 0; i < NX_RUN_CACHE; i++) {
		struct nx_run *rs = __atomic_exchange_n(&run_cache[i], NULL, __ATOMIC_ACQUIRE);
		if (rs)
			nx_host_free(rs, sizeof *rs);
	}
}

static inline uint64_t sat_sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/*
 * The segments of a run.  base[] is always set; len[], wr[] and the
 * limits the checked handlers compare with only for the segments in
 * rs->limits: a checked set's entry computes them for the segments its
 * code loads from or stores to (ext->segs), an unchecked run's for none,
 * and helpers ask seg_bounds.
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

/* Make the limits of the segments in mask valid (at a checked entry, or an
 * XCALL into checked code); unrolled: it is most of a checked entry. */
static void limits_add(struct nx_run *rs, unsigned mask)
{
	unsigned need = mask & ~rs->limits;
	rs->limits |= mask;
	if (need & (1u << NX_SEG_DATA))
		seg_limits(rs, NX_SEG_DATA);
	if (need & (1u << NX_SEG_CTX))
		seg_limits(rs, NX_SEG_CTX);
	if (need & (1u << NX_SEG_BUF0))
		seg_limits(rs, NX_SEG_BUF0);
	if (need & (1u << NX_SEG_BUF1))
		seg_limits(rs, NX_SEG_BUF1);
}

/* DATA is the running extension's own (rs->ext already switched). */
static inline void seg_data(struct nx_run *rs)
{
	rs->base[NX_SEG_DATA] = rs->ext->data;
	if (rs->limits & (1u << NX_SEG_DATA))
		seg_limits(rs, NX_SEG_DATA);
}

/*
 * Everything a run's entry must set, and nothing more: the fault place
 * (fault_cell, fault_ext) is written by whoever raises a fault, the
 * register stack only where the entry frame lies (regs_init), bounds
 * only for a checked set and the segments its code reaches.
 * env->seg[NX_SEG_DATA] is not read: DATA is the extension's own.
 */
static inline void run_setup(struct nx_run *rs, struct nx_ext *ext, struct nx_env *env)
{
	rs->env = env;
	rs->ext = ext;
	rs->fuel = env->fuel ? env->fuel : NX_FUEL_DEFAULT;
	rs->insns = 0;
	rs->fault = NX_FAULT_NONE;
	rs->code = 0;
	rs->depth = rs->xdepth = 0;
	rs->stack_end = rs->stack + NX_STACK_SLOTS;
	rs->base[NX_SEG_DATA] = ext->data;
	rs->base[NX_SEG_CTX] = env->seg[NX_SEG_CTX].base;
	rs->base[NX_SEG_BUF0] = env->seg[NX_SEG_BUF0].base;
	rs->base[NX_SEG_BUF1] = env->seg[NX_SEG_BUF1].base;
	rs->limits = 0;
	if (ext->set != NX_SET_UNCHECKED)
		limits_add(rs, ext->segs);
}

/* The reference interpreter reads len[] and wr[] of every segment in
 * every set. */
void nx_run_setup(struct nx_run *rs, struct nx_ext *ext, struct nx_env *env)
{
	run_setup(rs, ext, env);
	limits_add(rs, (1u << NX_SEG_COUNT) - 1);
}

/* Counters: runs may be concurrent (one extension on several CPUs' hooks),
 * so adds are atomic but relaxed; VM instructions are counted only by the
 * counting set, so the other sets skip that add. */
static void stats_fault(struct nx_ext *ext, enum nx_fault f, uint32_t func, uint32_t insn)
{
	__atomic_fetch_add(&ext->st.faults, 1, __ATOMIC_RELAXED);
	if (f == NX_FAULT_FUEL)
		__atomic_fetch_add(&ext->st.aborted_fuel, 1, __ATOMIC_RELAXED);
	ext->st.last_fault = f;
	ext->st.last_func = func;
	ext->st.last_insn = insn;
}

/* Inline: a run without a fault pays one relaxed add. */
static inline void stats_add(struct nx_ext *ext, uint64_t insns, enum nx_fault f, uint32_t func, uint32_t insn)
{
	__atomic_fetch_add(&ext->st.runs, 1, __ATOMIC_RELAXED);
	if (insns)
		__atomic_fetch_add(&ext->st.insns, insns, __ATOMIC_RELAXED);
	if (f != NX_FAULT_NONE)
		stats_fault(ext, f, func, insn);
}

/* A run holds the extension: remove() sees inflight and refuses. */
static int ext_enter(struct nx_ext *ext)
{
	__atomic_fetch_add(&ext->inflight, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&ext->dying, __ATOMIC_SEQ_CST)) {
		__atomic_fetch_sub(&ext->inflight, 1, __ATOMIC_SEQ_CST);
		return -NX_ENOENT;
	}
	return 0;
}

static void ext_leave(struct nx_ext *ext)
{
	__atomic_fetch_sub(&ext->inflight, 1, __ATOMIC_SEQ_CST);
}

static void fault_where(const struct nx_run *rs, uint32_t *func, uint32_t *insn)
{
	*insn = (uint32_t)(rs->fault_cell - rs->fault_ext->cells);
	*func = (uint32_t)nx_func_of(rs->fault_ext, *insn);
}

/* The entry frame: arguments, then zeroes (inline: frames are small and a
 * memset/memcpy call would cost more than the stores; the empty asm keeps
 * compilers from making one). */
static void regs_init(uint64_t *r, const struct nx_fn *f, const uint64_t *args)
{
	unsigned i = 0;
	for (; i < f->nargs; i++)
		r[i] = args[i];
	for (; i < f->nregs; i++) {
		r[i] = 0;
		__asm__("" : "+r"(i));
	}
}

/*
 * Run function f of ext, whose arguments the caller has checked (nx_run
 * from the API; nx_fire for hook entries, which the verifier made
 * argument-free).  res is written once, at the end.
 */
int nx_run_fn(struct nx_ext *ext, const struct nx_fn *f, struct nx_env *env,
	      const uint64_t *args, struct nx_result *res)
{
	if (ext_enter(ext))
		return -NX_ENOENT;
	struct nx_run *rs = run_get();
	if (!rs) {
		ext_leave(ext);
		return -NX_ENOMEM;
	}
	run_setup(rs, ext, env);
	regs_init(rs->stack, f, args);
	int rc = nx_exec_set[ext->set](rs, &ext->cells[f->start], rs->stack, NULL);
	uint32_t func = 0, insn = 0;
	if (rc)
		fault_where(rs, &func, &insn);
	*res = (struct nx_result){ .value = rc ? 0 : rs->stack[0], .fault = (enum nx_fault)rc,
				   .func = func, .insn = insn, .abort_code = rs->code };
	stats_add(ext, rs->insns, res->fault, func, insn);
	run_put(rs);
	ext_leave(ext);
	return 0;
}

int nx_run(struct nx_ext *ext, uint32_t func, struct nx_env *env,
	   const uint64_t *args, unsigned nargs, struct nx_result *res)
{
	*res = (struct nx_result){ 0 };
	if (!ext || func >= ext->nfn || nargs != ext->fn[func].nargs || !env)
		return -NX_EINVAL;
	return nx_run_fn(ext, &ext->fn[func], env, args, res);
}

/*
 * XCALL: run callee's function func with its frame at r (the caller's
 * argument window), in the callee's own handler set and with the callee's
 * data segment; the other segments (the hook's) stay.  Returns 0 or the
 * fault kind; the callee's own counters record its fault.
 */
int nx_run_xcall(struct nx_run *rs, struct nx_ext *callee, uint32_t func, uint64_t *r)
{
	if (!callee || ext_enter(callee))
		return NX_FAULT_XCALL;
	const struct nx_fn *f = &callee->fn[func];
	if (rs->xdepth == NX_MAX_XDEPTH || r + f->nregs > rs->stack_end) {
		ext_leave(callee);
		return NX_FAULT_STACK;
	}
	for (unsigned i = f->nargs; i < f->nregs; i++)
		r[i] = 0;
	struct nx_ext *caller = rs->ext;
	uint64_t insns0 = rs->insns;
	if (callee->set != NX_SET_UNCHECKED)
		limits_add(rs, callee->segs);
	rs->ext = callee;
	rs->xdepth++;
	seg_data(rs);
	int rc = nx_exec_set[callee->set](rs, &callee->cells[f->start], r, NULL);
	uint32_t ffunc = 0, finsn = 0;
	if (rc)
		fault_where(rs, &ffunc, &finsn);
	stats_add(callee, rs->insns - insns0, (enum nx_fault)rc, ffunc, finsn);
	rs->xdepth--;
	rs->ext = caller;
	seg_data(rs);
	ext_leave(callee);
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
	return run->base[seg] + off;
}

/*
 * The inline pieces of a run's entry and end, shared by run.c and the
 * exec functions: a small hook run is entered by the exec function itself
 * (exec_body.h, "hook entry"), so that a hook's empty extension costs one
 * frame, not two.
 */
#ifndef NIMBLE_RUN_H
#define NIMBLE_RUN_H

#include "internal.h"

/* Always inlined: the exec functions are large enough that the compiler's
 * growth limits would otherwise call these out of line on every hook run
 * (seen: nx_hook_end, +20 host instructions per checked entry). */
#define NX_RUN_INLINE static inline __attribute__((always_inline))

/* run.c, out of line: segment set-up, fault counters, fault place. */
void nx_segs_add(struct nx_run *rs, unsigned mask, int checked);
void nx_stats_fault(struct nx_ext *ext, enum nx_fault f, uint32_t func, uint32_t insn);
void nx_fault_where(const struct nx_run *rs, uint32_t *func, uint32_t *insn);

/* Resume run rs in handler set `set` at rs->pc with frame rs->r (an entry
 * from nx_run, an XCALL's callee): 0 or the fault kind.  A hook's small
 * entry is not a resume: solo->run(solo, env, NULL) runs it whole. */
static inline int nx_exec_resume(enum nx_set set, struct nx_run *rs)
{
	return (int)nx_exec_set[set](NULL, NULL, rs);
}

/* A run holds the extension: remove() sees inflight and refuses.  Nonzero
 * if the extension is being removed (the run must not start). */
NX_RUN_INLINE int nx_ext_enter(struct nx_ext *ext)
{
	__atomic_fetch_add(&ext->inflight, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&ext->dying, __ATOMIC_SEQ_CST)) {
		__atomic_fetch_sub(&ext->inflight, 1, __ATOMIC_SEQ_CST);
		return -NX_ENOENT;
	}
	return 0;
}

NX_RUN_INLINE void nx_ext_leave(struct nx_ext *ext)
{
	__atomic_fetch_sub(&ext->inflight, 1, __ATOMIC_SEQ_CST);
}

/* A run's fuel from its env: 0 asks for the default; kept <= INT64_MAX
 * so the handlers' signed count works. */
NX_RUN_INLINE int64_t nx_run_fuel(const struct nx_env *env)
{
	uint64_t fuel = env->fuel ? env->fuel : NX_FUEL_DEFAULT;
	return fuel > INT64_MAX ? INT64_MAX : (int64_t)fuel;
}

/* The segments ext's code names: their bases and, for a checked set,
 * their limits. */
NX_RUN_INLINE void nx_run_segs(struct nx_run *rs, const struct nx_ext *ext)
{
	rs->bases = rs->limits = 0;
	nx_segs_add(rs, ext->segs, ext->set != NX_SET_UNCHECKED);
}

/*
 * Everything a run's entry must set, and nothing more: the fault place
 * (fault_cell, fault_ext) and the abort code are written by whoever raises
 * a fault, segments only those the code names; a deep run's call records,
 * register stack and XCALL depth by run_deep (run.c; a small run makes no
 * calls and has rs->fp NULL); rs->insns by a caller that counts.
 */
static inline void nx_run_begin(struct nx_run *rs, struct nx_ext *ext, struct nx_env *env)
{
	rs->env = env;
	rs->ext = ext;
	rs->fuel = nx_run_fuel(env);
	rs->fault = NX_FAULT_NONE;
	if (ext->segs)
		nx_run_segs(rs, ext);
}

/* The entry frame: the arguments, and zeroes where the function may read
 * a register before writing it (zero.c; inline stores, not a
 * memset/memcpy call, which would cost more for frames this small; the
 * empty asm keeps compilers from making one). */
NX_RUN_INLINE void nx_regs_zero(uint64_t *r, unsigned lo, unsigned n)
{
	for (unsigned i = lo; n; i++, n--) {
		r[i] = 0;
		__asm__("" : "+r"(i));
	}
}

static inline void nx_regs_init(uint64_t *r, const struct nx_fn *f, const uint64_t *args)
{
	for (unsigned i = 0; args && i < f->nargs; i++)
		r[i] = args[i];
	nx_regs_zero(r, f->zlo, f->zn);
}

/* Counters: runs may be concurrent (one extension on several CPUs' hooks),
 * so adds are atomic but relaxed; VM instructions are counted only by the
 * counting set.  A run without a fault pays one relaxed add. */
NX_RUN_INLINE void nx_stats_add(struct nx_ext *ext, uint64_t insns, enum nx_fault f, uint32_t func, uint32_t insn)
{
	__atomic_fetch_add(&ext->st.runs, 1, __ATOMIC_RELAXED);
	if (insns)
		__atomic_fetch_add(&ext->st.insns, insns, __ATOMIC_RELAXED);
	if (__builtin_expect(f != NX_FAULT_NONE, 0))
		nx_stats_fault(ext, f, func, insn);
}

/* The end of a hook run: counters (insns: what a counting set counted),
 * ejection after repeated faults, and the hook's answer (the default after
 * a fault). */
NX_RUN_INLINE uint64_t nx_hook_end(struct nx_attach *a, struct nx_run *rs, int rc, uint64_t value,
				   uint64_t insns)
{
	struct nx_ext *ext = a->ext;
	uint32_t func = 0, insn = 0;
	if (__builtin_expect(rc != 0, 0))
		nx_fault_where(rs, &func, &insn);
	nx_stats_add(ext, insns, (enum nx_fault)rc, func, insn);
	if (__builtin_expect(rc != 0, 0)) {
		if (ext->st.faults >= NX_EJECT_FAULTS)
			nx_attach_eject(a);
		value = NX_RET_DEFAULT;
	}
	nx_ext_leave(ext);
	return value;
}

#endif /* NIMBLE_RUN_H */

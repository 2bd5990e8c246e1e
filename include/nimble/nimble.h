/*
 * The Nimble engine's public API: what the kernel, the host runner
 * (nxrun), the tests and the benchmarks call.  Implemented in nimble/,
 * freestanding C that builds both into the kernel and into libnimble.a.
 *
 * The embedder (kernel or host) supplies three things, declared at the
 * bottom: memory (nx_host_alloc/free), the helper implementations
 * (nx_helper_impl) and a console line for traces (nx_host_print).
 *
 * Concurrency: insert/remove/attach must be serialised by the embedder
 * (the kernel holds its nimble lock); runs may proceed concurrently on
 * several CPUs.  Remove fails with NX_EBUSY while a run is in flight.
 */
#ifndef NIMBLE_NIMBLE_H
#define NIMBLE_NIMBLE_H

#include <stddef.h>
#include <stdint.h>
#include "isa.h"
#include "nx.h"
#include "hooks.h"
#include "helpers.h"
#include "names.h"   /* names for messages and tools */

/* Error codes (negative returns). */
#define NX_EINVAL  22   /* malformed object or argument              */
#define NX_ENOMEM  12   /* out of memory                             */
#define NX_EPERM    1   /* trust or ownership violation              */
#define NX_EEXIST  17   /* name already inserted                     */
#define NX_ENOENT   2   /* no such extension / function / export     */
#define NX_EBUSY   16   /* run in flight                             */

/* One memory segment of a run: bytes [0, len); stores only in [wr_lo, len). */
struct nx_seg {
	uint8_t *base;
	uint64_t len;
	uint64_t wr_lo;
};

/* What the embedder lends one run.  seg[NX_SEG_DATA] is not read: a run's DATA
 * segment is always the running extension's own data. */
struct nx_env {
	struct nx_seg seg[NX_SEG_COUNT];
	void *host;        /* embedder's cookie for helpers (task, cpu, ...)   */
	uint32_t owner;    /* application on whose behalf the event runs       */
	uint64_t fuel;     /* checked set: budget of backward branches + calls; 0 = engine default */
};

/* How a run ended. */
struct nx_result {
	uint64_t value;        /* the entry function's return value           */
	enum nx_fault fault;   /* NX_FAULT_NONE on success                    */
	uint32_t func;         /* where the fault happened: function index    */
	uint32_t insn;         /*   and instruction index inside the object   */
	uint64_t abort_code;   /* argument of abort()                         */
};

/* Why an insert was refused: names the instruction (or -1) and the reason. */
struct nx_error {
	int code;              /* NX_E*                                       */
	int32_t func;          /* function index or -1                        */
	int32_t insn;          /* instruction index in CODE or -1             */
	char msg[160];         /* "insn 12: jump target 40 outside function"  */
};

/* Counters an owner may read. */
struct nx_stats {
	uint64_t runs, faults, aborted_fuel;
	uint64_t insns;            /* executed VM instructions where counted */
	enum nx_fault last_fault;
	uint32_t last_func, last_insn;
};

struct nx_ext;   /* an inserted extension (opaque) */
struct nx_run;   /* one run in progress, handed to helpers (opaque) */

typedef uint64_t (*nx_helper_fn)(struct nx_run *run, const uint64_t *args);

/* Insert: load, verify, translate, then attach.  owner 0 = the kernel/PCT.
 * may_trust is the embedder's word that the inserter is privileged; an
 * object asking for trust without it is refused with NX_EPERM.  nx_insert
 * is nx_prepare then nx_commit. */
int nx_insert(const void *obj, size_t len, uint32_t owner, int may_trust,
	      struct nx_ext **out, struct nx_error *err);
/*
 * The same in two steps, for an embedder with a policy of its own (the
 * kernel: one owner per hook) that must be decided on the verified object
 * before anything can run it.  nx_prepare loads, verifies and translates:
 * the extension it gives is attached to no hook and in no registry, so
 * nothing can fire, find or XCALL it.  Then exactly one of: nx_commit
 * checks the name and resolves the XCALL imports against the registry as
 * it is, and attaches the hooks (on a refusal it frees ext); nx_discard
 * frees it.  The steps are serialised with insert and remove.
 */
int nx_prepare(const void *obj, size_t len, uint32_t owner, int may_trust,
	       struct nx_ext **out, struct nx_error *err);
int nx_commit(struct nx_ext *ext, struct nx_error *err);
void nx_discard(struct nx_ext *ext);
/* Remove: detach from every hook and free; NX_EBUSY while a run is in flight.
 * In two steps for an embedder whose fires may overlap a remove: nx_unlink
 * takes ext out of the registry, its hooks and its importers (lookups,
 * fires and XCALLs that start later do not see it), and nx_free frees it
 * and its attachments once no run or fire that started before the unlink
 * can still be going (the embedder knows when: the kernel waits until
 * every other CPU has taken an interrupt, as it runs with interrupts off). */
int nx_remove(struct nx_ext *ext);
void nx_unlink(struct nx_ext *ext);
void nx_free(struct nx_ext *ext);
struct nx_ext *nx_lookup(const char *name);

const char *nx_ext_name(const struct nx_ext *ext);
enum nx_trust nx_ext_trust(const struct nx_ext *ext);
uint32_t nx_ext_owner(const struct nx_ext *ext);
/* The hooks it declares (verified): bit 1 << hook for each; and whether it
 * declares (hook, arg).  Valid from nx_prepare on. */
uint32_t nx_ext_hooks(const struct nx_ext *ext);
int nx_ext_attaches(const struct nx_ext *ext, enum nx_hook_id hook, uint32_t arg);
int nx_ext_func(const struct nx_ext *ext, const char *name);   /* index or -NX_ENOENT */
void nx_ext_stats(const struct nx_ext *ext, struct nx_stats *st);
/* Where a fault was, for people: "file.ext:LINE: fault OOB_LOAD in f" from
 * the object's SOURCE and LINES sections (the extension's name and "?"
 * without them).  Writes at most size bytes, NUL-terminated. */
void nx_fault_text(const struct nx_ext *ext, enum nx_fault f, uint32_t func, uint32_t insn,
		   char *buf, size_t size);
/* Faults of one extension the engine reports through nx_host_print: the
 * first NX_FAULT_REPORTS, then every NX_FAULT_REPORT_EVERY-th. */
#define NX_FAULT_REPORTS      3
#define NX_FAULT_REPORT_EVERY 1000

/* Run function func of ext.  Never faults the caller: the outcome is in res. */
int nx_run(struct nx_ext *ext, uint32_t func, struct nx_env *env,
	   const uint64_t *args, unsigned nargs, struct nx_result *res);

/* Hooks: attach the object's declared hooks (done by nx_insert), and fire.
 * nx_fire runs the extensions attached to (hook, arg) in order (prio, then
 * insertion); the first non-default return wins and is returned; faulting
 * extensions count as default and are ejected after NX_EJECT_FAULTS faults.
 * last (may be NULL) gets the result of the last extension that ran. */
#define NX_EJECT_FAULTS 8
uint64_t nx_fire_all(enum nx_hook_id hook, uint32_t arg, struct nx_env *env, struct nx_result *last);

/*
 * The common case, inline at a hook site: a hook whose only attachment
 * is a small entry function (no calls) runs it with one call into the
 * interpreter.  The registry publishes such an attachment in
 * nx_hook_solo[hook] (its head is this struct); nx_fire_all does the
 * rest (chains, deep functions, results).
 */
struct nx_solo;
typedef uint64_t nx_solo_fn(struct nx_solo *solo, struct nx_env *env, struct nx_run *rs);
struct nx_solo {
	uint32_t arg;           /* the hook argument it is attached to     */
	nx_solo_fn *run;        /* runs it, returns the hook's answer      */
};
extern struct nx_solo *nx_hook_solo[NX_HOOK_COUNT];

static inline uint64_t nx_fire(enum nx_hook_id hook, uint32_t arg, struct nx_env *env,
			       struct nx_result *last)
{
	if (!last && (unsigned)hook < NX_HOOK_COUNT) {
		struct nx_solo *s = __atomic_load_n(&nx_hook_solo[hook], __ATOMIC_ACQUIRE);
		if (s && s->arg == arg)
			return s->run(s, env, NULL);
	}
	return nx_fire_all(hook, arg, env, last);
}
int nx_hook_attached(enum nx_hook_id hook, uint32_t arg);   /* count */
/* Nonzero while anything (any arg) is attached to hook: one load and one
 * test a hook site makes before it builds a context for nx_fire. */
extern uint32_t nx_hooks_armed;
static inline int nx_hook_armed(enum nx_hook_id hook)
{
	return (__atomic_load_n(&nx_hooks_armed, __ATOMIC_RELAXED) & (1u << hook)) != 0;
}
/* Nonzero if an extension attached to hook can touch segment seg (a load
 * or store names it, or a helper or XCALL may): a hook site may skip
 * filling a buffer no attached extension can see, and lend it empty. */
extern uint8_t nx_hook_reach[NX_HOOK_COUNT];
static inline unsigned nx_hook_reaches(enum nx_hook_id hook, unsigned seg)
{
	return __atomic_load_n(&nx_hook_reach[hook], __ATOMIC_RELAXED) & (1u << seg);
}

/* Helpers' view of the run. */
struct nx_env *nx_run_env(struct nx_run *run);
uint32_t nx_run_owner(struct nx_run *run);
void nx_run_fault(struct nx_run *run, enum nx_fault fault, uint64_t code);
/* Bytes [off, off+len) of segment seg as the running extension sees it
 * (DATA = its own data), or NULL if outside it (or read-only for write). */
uint8_t *nx_run_seg(struct nx_run *run, uint64_t seg, uint64_t off, uint64_t len, int write);
/* Helpers the engine implements for every embedder (put them in nx_helper_impl). */
uint64_t nx_helper_copy(struct nx_run *run, const uint64_t *args);
uint64_t nx_helper_abort(struct nx_run *run, const uint64_t *args);
uint64_t nx_helper_vcombine(struct nx_run *run, const uint64_t *args);

/* Bit hook * NX_SEG_COUNT + s is set iff hooks.h lists an RW field on
 * buffer segment s of that hook. */
#define NX_RW_BIT_(h, arr, name, s, off, type, count, stride, acc) \
	| ((acc) == NX_RW && (s) != NX_SEG_CTX ? 1ull << (NX_HOOK_##h * NX_SEG_COUNT + (s)) : 0)
#define NX_BUF_RW_BITS (0 NX_CTX_FIELDS(NX_RW_BIT_))
_Static_assert(NX_HOOK_COUNT * NX_SEG_COUNT <= 64, "NX_BUF_RW_BITS holds a bit per (hook, segment)");

/* Lend buf0/buf1 (byte lengths len0/len1) to the runs of one event of
 * hook: writable where hooks.h lists an RW field on them, else read-only.
 * Inline: with a constant hook this folds to the stores. */
static inline void nx_env_bufs(struct nx_env *env, enum nx_hook_id hook,
			       void *buf0, uint64_t len0, void *buf1, uint64_t len1)
{
	unsigned h = (unsigned)hook < NX_HOOK_COUNT ? (unsigned)hook : NX_HOOK_NONE;
	int rw0 = (NX_BUF_RW_BITS >> (h * NX_SEG_COUNT + NX_SEG_BUF0)) & 1;
	int rw1 = (NX_BUF_RW_BITS >> (h * NX_SEG_COUNT + NX_SEG_BUF1)) & 1;
	env->seg[NX_SEG_BUF0] = (struct nx_seg){ (uint8_t *)buf0, len0, rw0 ? 0 : len0 };
	env->seg[NX_SEG_BUF1] = (struct nx_seg){ (uint8_t *)buf1, len1, rw1 ? 0 : len1 };
}

/* Fill env's segments for one event of hook: ctx (the hook's CTX struct,
 * read-only below its first writable field) and the buffers. */
static inline void nx_env_setup(struct nx_env *env, enum nx_hook_id hook, void *ctx,
				void *buf0, uint64_t len0, void *buf1, uint64_t len1)
{
	uint64_t size = 0, wr = 0;
	switch (hook) {
	case NX_HOOK_IRQ:        size = sizeof(struct nx_ctx_irq);   wr = NX_CTX_IRQ_WR;   break;
	case NX_HOOK_TRAP:       size = sizeof(struct nx_ctx_trap);  wr = NX_CTX_TRAP_WR;  break;
	case NX_HOOK_SCHED_PICK: size = sizeof(struct nx_ctx_sched); wr = NX_CTX_SCHED_WR; break;
	case NX_HOOK_NET_RX:     size = sizeof(struct nx_ctx_net);   wr = NX_CTX_NET_WR;   break;
	default: break;
	}
	env->seg[NX_SEG_CTX] = (struct nx_seg){ (uint8_t *)ctx, ctx ? size : 0, wr };
	nx_env_bufs(env, hook, buf0, len0, buf1, len1);
}

/*
 * The runaway stop (docs/engine.md, "Runaway stop"): an embedder that
 * interrupts a CPU asks nx_watch_target(ip): 0 if ip is not inside a
 * handler set, else the address of that set's watch handler.  Moving the
 * instruction pointer there from one of the set's dispatch jumps (the
 * indirect jmps of its code, before they execute) calls
 * nx_host_watch(run, first) between two VM instructions; a 1 ends the run
 * with NX_FAULT_TIME.  first: the run was not seen there before.
 */
uintptr_t nx_watch_target(uintptr_t ip);
/* Whether the instruction at ip is one of those dispatch jumps. */
int nx_watch_dispatch(uintptr_t ip);

/* ---- supplied by the embedder ---- */
int nx_host_watch(const void *run, int first);
void *nx_host_alloc(size_t size);
void nx_host_free(void *p, size_t size);
void nx_host_print(const char *line);
/* An extension's fault, as nx_fault_text words it (rate-limited by the
 * engine): the kernel's console; the host's stderr while tracing. */
void nx_host_report(const char *line);
extern const nx_helper_fn nx_helper_impl[NX_HELPER_COUNT];

#endif /* NIMBLE_NIMBLE_H */

/*
 * Calls, the registry and hostile extensions: CALL/RET register windows
 * and recursion, HCALL, XCALL across extensions and trust levels, hook
 * order and ejection, insert in two steps (prepare, then commit or
 * discard), counters, remove while in flight, insert/remove
 * cycles without leaks, and each hostile behaviour aborted with the
 * right fault in every handler set that runs it.
 */
#include <stdio.h>
#include "common.h"
#include "tap.h"

static struct nx_env env0;


/* Run in the four modes; all must give value (or fault at insn). */
static int all_modes(struct nx_ext *e, uint32_t f, const uint64_t *args, unsigned n,
		     enum nx_fault fault, uint64_t value, int32_t insn, int skip_unchecked)
{
	struct nx_env env = env0;
	for (int m = skip_unchecked; m < NMODES; m++) {
		struct nx_result r;
		run_mode(e, m, f, &env, args, n, &r);
		if (r.fault != fault || (fault ? (int32_t)r.insn != insn : r.value != value)) {
			printf("# %s: fault %s at %u value %lld\n", mode_name[m], nx_fault_name(r.fault), r.insn,
			       (long long)r.value);
			return 0;
		}
	}
	return 1;
}

/* VM instructions fib(n) executes: 2 for n < 2, else 7 + both calls. */
static uint64_t fib_insns(uint64_t n)
{
	return n < 2 ? 2 : 7 + fib_insns(n - 1) + fib_insns(n - 2);
}

static void test_fib(void)
{
	struct nxb *b = nxb_new("fib", NX_TRUST_UNTRUSTED);
	nxb_fib(b);
	struct nx_ext *e = ins(b, 1, 0, NULL);
	uint64_t n = 20;
	ok(e && all_modes(e, 0, &n, 1, 0, 6765, 0, 0), "recursive fib(20) = 6765 in every mode");
	struct nx_result r1, r2;
	nx_ext_set_mode(e, NX_SET_COUNTING);
	uint64_t before = e->st.insns;
	nx_run(e, 0, &env0, &n, 1, &r1);
	uint64_t counted = e->st.insns - before;
	before = e->st.insns;
	nx_run_ref(e, 0, &env0, &n, 1, &r2);
	ok(counted == e->st.insns - before && counted == fib_insns(20),
	   "counting set and ref count the same VM instructions (%llu)", (unsigned long long)counted);
	nx_remove(e);
}

/* CALL window: registers below a survive, the result lands in r[a]. */
static void test_window(void)
{
	struct nxb *b = nxb_new("win", NX_TRUST_UNTRUSTED);
	nxb_func(b, "main", 6, 0);
	nxb_emit(b, I_RI(MOVI, 0, 100));
	nxb_emit(b, I_RI(MOVI, 1, 20));
	nxb_emit(b, I_RI(MOVI, 2, 3));
	nxb_emit(b, I_RI(MOVI, 3, 4));
	nxb_emit(b, I_CALL(CALL, 2, 1, 2));      /* r2 = mul(r2, r3) clobbering from r2 */
	nxb_emit(b, I_RRR(ADD, 0, 0, 1));
	nxb_emit(b, I_RRR(ADD, 0, 0, 2));
	nxb_emit(b, I_RET(0));
	nxb_func(b, "mul", 8, 2);                /* uses more registers than the caller's window */
	nxb_emit(b, I_RI(MOVI, 7, 1000));
	nxb_emit(b, I_RRR(MUL, 0, 0, 1));
	nxb_emit(b, I_RET(0));
	struct nx_ext *e = ins(b, 1, 0, NULL);
	ok(e && all_modes(e, 0, NULL, 0, 0, 132, 0, 0), "CALL window: r0, r1 preserved, result in r[a]");
	nx_remove(e);
}

/*
 * A CALL zeroes only the callee registers whose zero can be seen
 * (zero.c): those read before written, and those a return path
 * leaves unwritten while a caller (or its caller) reads them later.
 */
static void test_zeroing(void)
{
	/* main(6 regs): r2 = 5, r3 = 6, r4 = 77; r1 = leafy(r1) (frame from r1);
	 * return r2 + r3 + r4 + r1.  leafy(3 regs, 1 arg) returns r0 at once
	 * when r0 == 0, else writes r1, r2 first: its zeros reach main's
	 * r2, r3 on the first path only.  deep(2 regs, 1 arg) calls leafy at
	 * its r1, whose r2 is deep's offset 3 = main's r4 (beyond deep's frame). */
	struct nxb *b = nxb_new("zero", NX_TRUST_UNTRUSTED);
	nxb_func(b, "main", 6, 1);
	nxb_emit(b, I_RR(MOV, 1, 0));
	nxb_emit(b, I_RI(MOVI, 2, 5));
	nxb_emit(b, I_RI(MOVI, 3, 6));
	nxb_emit(b, I_RI(MOVI, 4, 77));
	nxb_emit(b, I_CALL(CALL, 1, 1, 1));      /* 4: leafy */
	nxb_emit(b, I_RRR(ADD, 0, 1, 2));
	nxb_emit(b, I_RRR(ADD, 0, 0, 3));
	nxb_emit(b, I_RRR(ADD, 0, 0, 4));
	nxb_emit(b, I_RET(0));
	nxb_func(b, "leafy", 3, 1);              /* 9 */
	nxb_emit(b, I_BRI(JNEI, 0, 0, 1));
	nxb_emit(b, I_RET(0));
	nxb_emit(b, I_RI(MOVI, 1, 1000));
	nxb_emit(b, I_RI(MOVI, 2, 2000));
	nxb_emit(b, I_RET(0));
	nxb_func(b, "deep", 2, 1);               /* 14 */
	nxb_emit(b, I_CALL(CALL, 1, 1, 1));
	nxb_emit(b, I_RET(0));
	nxb_func(b, "main2", 6, 0);              /* 16: r4 = 77; deep(0) at r2 */
	nxb_emit(b, I_RI(MOVI, 4, 77));
	nxb_emit(b, I_RI(MOVI, 2, 0));
	nxb_emit(b, I_CALL(CALL, 2, 2, 1));
	nxb_emit(b, I_RET(4));
	nxb_func(b, "reader", 3, 0);             /* 20: reads r1 before writing it */
	nxb_emit(b, I_RRI(ADDI, 0, 1, 9));
	nxb_emit(b, I_RET(0));
	nxb_func(b, "main3", 4, 0);              /* 22: r2 = 55; reader() at r1 */
	nxb_emit(b, I_RI(MOVI, 2, 55));
	nxb_emit(b, I_CALL(CALL, 1, 4, 0));
	nxb_emit(b, I_RET(1));
	struct nx_ext *e = ins(b, 1, 0, NULL);
	uint64_t zero = 0, one = 1;
	ok(e && all_modes(e, 0, &zero, 1, 0, 77, 0, 0), "a callee's early return leaves zeros the caller reads");
	ok(e && all_modes(e, 0, &one, 1, 0, 3000 + 77 + 1, 0, 0), "the other path overwrites them");
	ok(e && all_modes(e, 3, NULL, 0, 0, 0, 0, 0), "a zero two calls down, beyond the middle frame, reaches main");
	ok(e && all_modes(e, 5, NULL, 0, 0, 9, 0, 0), "a register read before written starts at 0");
	nx_remove(e);
	/* fib's CALLs zero nothing: r1, r2 are written before read and no
	 * caller reads them after a call */
	b = nxb_new("fibz", NX_TRUST_UNTRUSTED);
	nxb_fib(b);
	e = ins(b, 1, 0, NULL);
	unsigned calls = 0, zeroing = 0;
	for (uint32_t i = 0; e && i < e->ncode; i++)
		if (NX_INSN_OP(e->code[i]) == NX_OP_CALL) {
			calls++;
			zeroing += e->cells[i].d != 0;
		}
	ok(calls == 2 && zeroing == 0, "fib's %u CALLs zero no registers (%u do)", calls, zeroing);
	nx_remove(e);
}

/* Hostile: infinite loop, recursion, OOB, division by zero. */
static void test_hostile(void)
{
	struct nxb *b = nxb_new("evil", NX_TRUST_UNTRUSTED);
	nxb_data(b, NULL, 0, 64);
	nxb_func(b, "spin", 1, 0);               /* 0: while (1); */
	nxb_emit(b, I_J(-1));
	uint32_t rec = nxb_func(b, "rec", 2, 0); /* 1: return rec() + 1 */
	nxb_emit(b, I_CALL(CALL, 0, rec, 0));
	nxb_emit(b, I_RET(0));
	nxb_func(b, "oobld", 2, 1);              /* 3: data[r0 * 8] */
	nxb_emit(b, I_RRI(SHLI, 1, 0, 3));
	nxb_emit(b, I_MEM(LD64, 0, 1, NX_SEG_DATA, 0));
	nxb_emit(b, I_RET(0));
	nxb_func(b, "oobst", 2, 1);              /* 6: data[r0] = r0 */
	nxb_emit(b, I_MEM(ST8, 0, 0, NX_SEG_DATA, 0));
	nxb_emit(b, I_RET(0));
	nxb_func(b, "div", 3, 2);                /* 8: r0 / r1 */
	nxb_emit(b, I_RRR(DIVS, 2, 0, 1));
	nxb_emit(b, I_RET(2));
	uint32_t wide = nxb_func(b, "wide", 255, 0); /* 10: frames of 255 registers */
	nxb_emit(b, I_CALL(CALL, 200, wide, 0));
	nxb_emit(b, I_RET(200));
	nxb_func(b, "ctxst", 2, 0);              /* 12: store into read-only ctx */
	nxb_emit(b, I_MEM(ST32, 0, 0, NX_SEG_CTX, 4));
	nxb_emit(b, I_RET(0));
	struct nx_ext *e = ins(b, 1, 0, NULL);
	uint64_t a;
	ok(e && all_modes(e, 0, NULL, 0, NX_FAULT_FUEL, 0, 0, 1), "infinite loop: FUEL at the backward jump");
	ok(all_modes(e, 1, NULL, 0, NX_FAULT_STACK, 0, 1, 0), "unbounded recursion: STACK in every set (call depth)");
	ok(all_modes(e, 5, NULL, 0, NX_FAULT_STACK, 0, 10, 0), "wide recursion: STACK when the register stack is full");
	a = 8;
	ok(all_modes(e, 2, &a, 1, NX_FAULT_OOB_LOAD, 0, 4, 1), "load past the data segment: OOB_LOAD");
	a = (uint64_t)-1;
	ok(all_modes(e, 2, &a, 1, NX_FAULT_OOB_LOAD, 0, 4, 1), "load before the data segment: OOB_LOAD");
	a = 64;
	ok(all_modes(e, 3, &a, 1, NX_FAULT_OOB_STORE, 0, 6, 1), "store past the data segment: OOB_STORE");
	a = 63;
	ok(all_modes(e, 3, &a, 1, 0, 63, 0, 0) && e->data[63] == 63, "store at the last data byte works");
	uint64_t d[2] = { 5, 0 };
	ok(all_modes(e, 4, d, 2, NX_FAULT_DIV_ZERO, 0, 8, 0), "division by zero: DIV_ZERO in every set");
	struct nx_ctx_sched ctx = { 0 };
	nx_env_setup(&env0, NX_HOOK_SCHED_PICK, &ctx, NULL, 0, NULL, 0);
	ok(all_modes(e, 6, NULL, 0, NX_FAULT_RO_STORE, 0, 12, 1) && ctx.ntasks == 0,
	   "store into read-only ctx.ntasks: RO_STORE, nothing written");
	memset(&env0, 0, sizeof env0);
	struct nx_stats st;
	nx_ext_stats(e, &st);   /* threaded runs only: the ref interpreter keeps no fault counts */
	ok(st.faults == 19 && st.aborted_fuel == 2 && st.last_fault == NX_FAULT_RO_STORE && st.last_insn == 12,
	   "counters: %llu faults, %llu out of fuel, last %s at %u", (unsigned long long)st.faults,
	   (unsigned long long)st.aborted_fuel, nx_fault_name(st.last_fault), st.last_insn);
	env0.fuel = 10;
	struct nx_result r;
	nx_run(e, 0, &env0, NULL, 0, &r);
	ok(r.fault == NX_FAULT_FUEL && e->st.aborted_fuel == 3, "fuel from the environment bounds the run");
	env0.fuel = 0;
	nx_remove(e);
}

/* Helpers: trace returns its argument, abort ends the run, copy is bounded. */
static void test_helpers(void)
{
	struct nxb *b = nxb_new("help", NX_TRUST_UNTRUSTED);
	nxb_data(b, "abcdefgh", 8, 16);
	uint32_t tr = nxb_helper(b, "trace", 1), ab = nxb_helper(b, "abort", 1), cp = nxb_helper(b, "copy", 5);
	nxb_func(b, "t", 2, 1);
	nxb_emit(b, I_CALL(HCALL, 0, tr, 1));
	nxb_emit(b, I_RRI(ADDI, 0, 0, 1));
	nxb_emit(b, I_RET(0));
	nxb_func(b, "a", 2, 1);
	nxb_emit(b, I_CALL(HCALL, 0, ab, 1));
	nxb_emit(b, I_RET(0));
	nxb_func(b, "c", 5, 3);                   /* copy(data, r0, data, r1, r2) */
	nxb_emit(b, I_RR(MOV, 4, 2));
	nxb_emit(b, I_RR(MOV, 3, 1));
	nxb_emit(b, I_RR(MOV, 1, 0));
	nxb_emit(b, I_RI(MOVI, 0, 0));
	nxb_emit(b, I_RI(MOVI, 2, 0));
	nxb_emit(b, I_CALL(HCALL, 0, cp, 5));
	nxb_emit(b, I_RET(0));
	struct nx_ext *e = ins(b, 1, 0, NULL);
	nx_host_trace = 0;
	uint64_t a = 41;
	ok(e && all_modes(e, 0, &a, 1, 0, 42, 0, 0), "HCALL trace returns its argument");
	struct nx_result r;
	a = 77;
	nx_run(e, 1, &env0, &a, 1, &r);
	ok(r.fault == NX_FAULT_ABORT && r.abort_code == 77 && r.insn == 3, "abort(77): fault ABORT, code 77, at insn 3");
	uint64_t c[3] = { 8, 0, 8 };
	ok(all_modes(e, 2, c, 3, 0, 0, 0, 0) && !memcmp(e->data + 8, "abcdefgh", 8), "copy inside the data segment");
	uint64_t c2[3] = { 9, 0, 8 };
	ok(all_modes(e, 2, c2, 3, NX_FAULT_HELPER, 0, 10, 0), "copy past the segment: fault HELPER at the HCALL");
	nx_host_trace = 1;
	nx_remove(e);
}

/*
 * XCALL: provider P (untrusted, owner 7) exports inc(x) = x + data counter++;
 * Q (untrusted, owner 7) and T (trusted) import it.  P's counter lives in
 * P's data; an out-of-bounds export faults at the caller's XCALL.
 */
static void test_xcall(void)
{
	struct nxb *b = nxb_new("prov", NX_TRUST_UNTRUSTED);
	nxb_data(b, NULL, 0, 8);
	uint32_t inc = nxb_func(b, "inc", 3, 1);
	nxb_emit(b, I_MEM(LD64, 1, 2, NX_SEG_DATA, 0));
	nxb_emit(b, I_RRI(ADDI, 1, 1, 1));
	nxb_emit(b, I_MEM(ST64, 1, 2, NX_SEG_DATA, 0));
	nxb_emit(b, I_RRR(ADD, 0, 0, 1));
	nxb_emit(b, I_RET(0));
	uint32_t bad = nxb_func(b, "bad", 2, 0);
	nxb_emit(b, I_MEM(LD64, 0, 1, NX_SEG_DATA, 100));
	nxb_emit(b, I_RET(0));
	nxb_export(b, "inc", inc);
	nxb_export(b, "bad", bad);
	struct nx_ext *p = ins(b, 7, 0, NULL);

	b = nxb_new("user", NX_TRUST_UNTRUSTED);
	nxb_data(b, NULL, 0, 8);
	uint32_t xi = nxb_ximport(b, "prov", "inc", 1);
	nxb_func(b, "main", 4, 1);
	nxb_emit(b, I_RR(MOV, 2, 0));
	nxb_emit(b, I_CALL(XCALL, 2, xi, 1));
	nxb_emit(b, I_RET(2));
	struct nx_ext *q = ins(b, 7, 0, NULL);

	b = nxb_new("trusted", NX_TRUST_TRUSTED);
	uint32_t xb = nxb_ximport(b, "prov", "bad", 0);
	nxb_func(b, "main", 2, 0);
	nxb_emit(b, I_RI(MOVI, 0, 5));
	nxb_emit(b, I_CALL(XCALL, 1, xb, 0));
	nxb_emit(b, I_RET(0));
	struct nx_ext *t = ins(b, 0, 1, NULL);
	ok(p && q && t, "provider, same-owner importer and trusted importer inserted");

	uint64_t a = 100;
	struct nx_result r;
	int ok = 1;
	for (int m = 0; m < NMODES; m++) {
		run_mode(q, m, 0, &env0, &a, 1, &r);
		ok &= r.fault == 0 && r.value == 100 + (uint64_t)m + 1;
	}
	uint64_t pc;
	memcpy(&pc, p->data, 8);
	uint64_t qc;
	memcpy(&qc, q->data, 8);
	ok(ok && pc == 4 && qc == 0, "XCALL runs the export with the provider's data (counter %llu), caller's data untouched",
	   (unsigned long long)pc);
	nx_run(t, 0, &env0, NULL, 0, &r);
	ok(r.fault == NX_FAULT_OOB_LOAD && r.insn == 1 && p->st.faults == 1 && t->st.faults == 1,
	   "trusted caller of an untrusted export: callee runs checked, OOB_LOAD at the caller's XCALL");
	nx_run_ref(t, 0, &env0, NULL, 0, &r);
	ok(r.fault == NX_FAULT_OOB_LOAD && r.insn == 1, "ref interpreter agrees on the XCALL fault");
	ok(nx_remove(p) == 0, "a provider can be removed while importers remain");
	nx_run(q, 0, &env0, &a, 1, &r);
	ok(r.fault == NX_FAULT_XCALL && r.insn == 1, "XCALL to a removed provider faults XCALL");
	nx_remove(q);
	nx_remove(t);
}

/* Hooks: prio order, first non-default wins, faulting extensions ejected. */
static struct nx_ext *hook_ext(const char *name, unsigned prio, int32_t ret, int fault)
{
	struct nxb *b = nxb_new(name, NX_TRUST_UNTRUSTED);
	nxb_data(b, NULL, 0, 8);
	uint32_t f = nxb_func(b, "pick", 2, 0);
	nxb_emit(b, I_MEM(LD64, 0, 1, NX_SEG_DATA, 0));   /* data counter++ */
	nxb_emit(b, I_RRI(ADDI, 0, 0, 1));
	nxb_emit(b, I_MEM(ST64, 0, 1, NX_SEG_DATA, 0));
	nxb_emit(b, I_RI(MOVI, 0, ret));
	nxb_emit(b, fault ? I_RRI(DIVUI, 0, 0, 1) : I_RR(MOV, 0, 0));
	nxb_emit(b, fault ? I_RRR(DIVU, 0, 0, 1) : I_RR(MOV, 0, 0));
	nxb_emit(b, I_RET(0));
	nxb_hook(b, NX_HOOK_SCHED_PICK, 0, f, prio);
	return ins(b, 3, 0, NULL);
}

static uint64_t runs_of(struct nx_ext *e)
{
	uint64_t c;
	memcpy(&c, e->data, 8);
	return c;
}

static void test_hooks(void)
{
	struct nx_ext *late = hook_ext("late", 5, 2, 0), *dflt = hook_ext("dflt", 1, 0, 0),
		      *bad = hook_ext("bad", 0, 9, 1), *early = hook_ext("early", 3, 1, 0);
	ok(nx_hook_attached(NX_HOOK_SCHED_PICK, 0) == 4, "four extensions attached to sched_pick");
	struct nx_result last;
	uint64_t v = nx_fire(NX_HOOK_SCHED_PICK, 0, &env0, &last);
	ok(v == 1 && runs_of(bad) == 1 && runs_of(dflt) == 1 && runs_of(early) == 1 && runs_of(late) == 0,
	   "fire: prio order bad(0) dflt(1) early(3); early's non-default return wins; late not run");
	for (int i = 0; i < NX_EJECT_FAULTS; i++)
		nx_fire(NX_HOOK_SCHED_PICK, 0, &env0, &last);
	ok(runs_of(bad) == NX_EJECT_FAULTS && nx_hook_attached(NX_HOOK_SCHED_PICK, 0) == 3,
	   "a faulting extension is ejected after %d faults", NX_EJECT_FAULTS);
	nx_remove(early);
	v = nx_fire(NX_HOOK_SCHED_PICK, 0, &env0, &last);
	ok(v == 2 && runs_of(late) == 1, "after removing early, late decides");
	__atomic_fetch_add(&dflt->inflight, 1, __ATOMIC_SEQ_CST);
	ok(nx_remove(dflt) == -NX_EBUSY && nx_lookup("dflt") == dflt, "remove refuses while a run is in flight");
	__atomic_fetch_sub(&dflt->inflight, 1, __ATOMIC_SEQ_CST);
	ok(nx_remove(dflt) == 0 && !nx_lookup("dflt"), "remove succeeds once no run is in flight");
	nx_remove(late);
	nx_remove(bad);
	ok(nx_hook_attached(NX_HOOK_SCHED_PICK, 0) == 0 && nx_fire(NX_HOOK_SCHED_PICK, 0, &env0, &last) == 0,
	   "no extension: fire returns the default");
}

/* Insert in two steps: a prepared extension is on no hook and in no
 * registry until nx_commit; nx_discard frees it without a trace. */
static uint8_t *two_step_obj(const char *name, size_t *len)
{
	struct nxb *b = nxb_new(name, NX_TRUST_UNTRUSTED);
	uint32_t f = nxb_func(b, "filter", 1, 0);
	nxb_emit(b, I_RI(MOVI, 0, 1));
	nxb_emit(b, I_RET(0));
	nxb_hook(b, NX_HOOK_TRAP, NX_TRAP_SYSCALL, f, 0);
	nxb_hook(b, NX_HOOK_IRQ, 0x81, f, 0);
	uint8_t *obj = nxb_finish(b, len);
	nxb_free(b);
	return obj;
}

static void test_two_step(void)
{
	size_t b0 = nx_host_bytes, len;
	uint8_t *obj = two_step_obj("two", &len);
	struct nx_ext *e = NULL, *dup = NULL;
	struct nx_error err;
	ok(nx_prepare(obj, len, 1, 0, &e, &err) == 0 && !nx_hook_armed(NX_HOOK_TRAP) &&
	   !nx_hook_armed(NX_HOOK_IRQ) && !nx_lookup("two"),
	   "a prepared extension is attached to no hook and not registered");
	ok(nx_ext_hooks(e) == ((1u << NX_HOOK_TRAP) | (1u << NX_HOOK_IRQ)) &&
	   nx_ext_attaches(e, NX_HOOK_TRAP, NX_TRAP_SYSCALL) && !nx_ext_attaches(e, NX_HOOK_TRAP, NX_TRAP_CALL),
	   "its hooks are read from the verified object");
	nx_discard(e);
	ok(nx_host_bytes == b0, "a discarded extension leaves nothing (%zu bytes)", nx_host_bytes - b0);
	ok(nx_prepare(obj, len, 1, 0, &e, &err) == 0 && nx_commit(e, &err) == 0 &&
	   nx_fire(NX_HOOK_TRAP, NX_TRAP_SYSCALL, &env0, NULL) == 1 && nx_lookup("two") == e,
	   "committed, it fires and is registered");
	ok(nx_prepare(obj, len, 1, 0, &dup, &err) == 0 && nx_commit(dup, &err) == -NX_EEXIST &&
	   nx_hook_attached(NX_HOOK_TRAP, NX_TRAP_SYSCALL) == 1,
	   "a commit under a taken name is refused and attaches nothing");
	nx_remove(e);
	free(obj);
	ok(nx_host_bytes == b0, "the refused commit freed what it was given (%zu bytes)", nx_host_bytes - b0);
}

static void test_cycles(void)
{
	nx_run_cache_drain();
	size_t b0 = nx_host_bytes;
	int ok = 1;
	for (int i = 0; i < 500 && ok; i++) {
		struct nxb *b = nxb_new("cyc", NX_TRUST_UNTRUSTED);
		nxb_data(b, "x", 1, 4096);
		nxb_fib(b);
		nxb_export(b, "fib", 0);
		nxb_hook(b, NX_HOOK_TRAP, 0, 1, 0);
		nxb_func(b, "h", 3, 0);
		nxb_emit(b, I_RI(MOVI, 1, 10));
		nxb_emit(b, I_CALL(CALL, 1, 0, 1));
		nxb_emit(b, I_RET(1));
		struct nx_ext *e = ins(b, 1, 0, NULL);
		struct nx_result r;
		ok = e && nx_fire(NX_HOOK_TRAP, 0, &env0, &r) == 55 && nx_remove(e) == 0;
	}
	nx_run_cache_drain();
	ok(ok && nx_host_bytes == b0, "500 insert/fire/remove cycles leak nothing (%zu bytes)", nx_host_bytes - b0);
}

/*
 * Superinstructions on the code extc emits for "for (i < n) s += buf[i]":
 * the fused loop must give the sum, and when the range runs off the
 * buffer or the fuel runs out mid-loop, fault where the plain code would
 * with the same registers (the function returns them through a store).
 */
static void test_supers(void)
{
	struct nxb *b = nxb_new("vsum", NX_TRUST_UNTRUSTED);
	nxb_func(b, "sum", 6, 1);                    /* sum(n) over buf0 */
	nxb_emit(b, I_RI(MOVI, 2, 0));               /* 0 */
	nxb_emit(b, I_RI(MOVI, 3, 0));               /* 1 */
	nxb_emit(b, I_BRR(JLEU, 0, 3, 5));           /* 2 -> 8 */
	nxb_emit(b, I_RRI(SHLI, 5, 3, 3));           /* 3 */
	nxb_emit(b, I_MEM(LD64, 4, 5, NX_SEG_BUF0, 0)); /* 4 */
	nxb_emit(b, I_RRR(ADD, 2, 2, 4));            /* 5 */
	nxb_emit(b, I_RRI(ADDI, 3, 3, 1));           /* 6 */
	nxb_emit(b, I_BRR(JLTU, 3, 0, -5));          /* 7 -> 3 */
	nxb_emit(b, I_RET(2));                       /* 8 */
	struct nx_ext *e = ins(b, 1, 0, NULL);
	int fused = e && e->cells[3].h == nx_labels(NX_SET_CHECKED)[NX_H_VSUM64];
	int64_t v[100];
	for (int i = 0; i < 100; i++)
		v[i] = i * 3 - 50;
	nx_env_setup(&env0, NX_HOOK_TRAP, NULL, v, sizeof v, NULL, 0);
	uint64_t n = 100;
	ok(fused && all_modes(e, 0, &n, 1, 0, 100 * 99 / 2 * 3 - 5000, 0, 0),
	   "fused vector sum of 100 int64 = %d in every mode", 100 * 99 / 2 * 3 - 5000);
	n = 101;
	ok(all_modes(e, 0, &n, 1, NX_FAULT_OOB_LOAD, 0, 4, 1), "fused vector sum past the buffer: OOB_LOAD at the LD64 (insn 4)");
	env0.fuel = 50;
	struct nx_result r[NMODES];
	uint64_t insns[NMODES];
	for (int m = 1; m < NMODES; m++) {
		uint64_t i0 = e->st.insns;
		run_mode(e, m, 0, &env0, &n, 1, &r[m]);
		insns[m] = e->st.insns - i0;
	}
	ok(r[1].fault == NX_FAULT_FUEL && r[1].insn == 7 && same_result(&r[2], &r[3]) && same_result(&r[1], &r[3]) &&
	   insns[2] == insns[3] && insns[3] == 3 + 51 * 5,
	   "fused loop out of fuel: FUEL at the JLTU (insn 7) after the same %llu instructions", (unsigned long long)insns[3]);
	memset(&env0, 0, sizeof env0);
	nx_remove(e);
}

/* The element-wise add loop extc emits for "dst[i] += src[i]", with a
 * second index register (two) or one shared by both loads. */
static struct nx_ext *vadd_ext(unsigned dseg, unsigned sseg, int32_t k2, int two)
{
	struct nxb *b = nxb_new("vadd", NX_TRUST_UNTRUSTED);
	unsigned t2 = two ? 6 : 3;
	nxb_func(b, "add", 7, 1);                    /* add(n) */
	nxb_emit(b, I_RI(MOVI, 2, 0));               /* 0 */
	nxb_emit(b, I_BRR(JLEU, 0, 2, two ? 8 : 7)); /* 1 -> past the loop */
	nxb_emit(b, I_RRI(SHLI, 3, 2, 3));           /* 2: the loop */
	nxb_emit(b, I_MEM(LD64, 4, 3, dseg, 0));     /* 3 */
	if (two)
		nxb_emit(b, I_RRI(SHLI, 6, 2, 3));
	nxb_emit(b, I_MEM(LD64, 5, t2, sseg, k2));
	nxb_emit(b, I_RRR(ADD, 4, 4, 5));
	nxb_emit(b, I_MEM(ST64, 4, 3, dseg, 0));     /* 7 (two) or 6 */
	nxb_emit(b, I_RRI(ADDI, 2, 2, 1));
	nxb_emit(b, I_BRR(JLTU, 2, 0, two ? -8 : -7));
	nxb_emit(b, I_RRR(ADD, 0, 4, 5));            /* x + y of the last element */
	nxb_emit(b, I_RET(0));
	return ins(b, 1, 0, NULL);
}

/* Run add(n) in every mode from the same vectors; all must agree with ref. */
static int vadd_agrees(struct nx_ext *e, enum nx_hook_id hook, uint64_t n, enum nx_fault want, uint32_t at)
{
	int64_t d[NMODES][40], s0[40];
	struct nx_result r[NMODES];
	for (int m = 0; m < NMODES; m++) {
		for (int i = 0; i < 40; i++)
			d[m][i] = i * 1000 + m * 0, s0[i] = 7 - i;
		if (m == 0 && want)
			continue;
		int64_t s[40];
		memcpy(s, s0, sizeof s);
		struct nx_env env = { 0 };
		nx_env_setup(&env, hook, NULL, s, sizeof s, d[m], sizeof d[m]);
		run_mode(e, m, 0, &env, &n, 1, &r[m]);
		if (r[m].fault != want || (want && r[m].insn != at))
			return 0;
	}
	for (int m = want ? 1 : 0; m < 3; m++)
		if (!same_result(&r[m], &r[3]) || memcmp(d[m], d[3], sizeof d[m]))
			return 0;
	return 1;
}

static void test_vadd(void)
{
	for (int two = 1; two >= 0; two--) {
		const char *shape = two ? "two index registers" : "one index register";
		struct nx_ext *e = vadd_ext(NX_SEG_BUF1, NX_SEG_BUF0, 0, two);
		int fused = e && e->cells[2].h == nx_labels(NX_SET_CHECKED)[NX_H_VADD64];
		ok(fused && vadd_agrees(e, NX_HOOK_TRAP, 40, 0, 0),
		   "fused dst[i] += src[i] (%s) over 40 int64 agrees in every mode", shape);
		ok(vadd_agrees(e, NX_HOOK_TRAP, 41, NX_FAULT_OOB_LOAD, 3), "fused add past the buffers (%s): OOB_LOAD at insn 3", shape);
		nx_remove(e);
		e = vadd_ext(NX_SEG_BUF0, NX_SEG_BUF1, 0, two);
		ok(e && vadd_agrees(e, NX_HOOK_NET_RX, 5, NX_FAULT_RO_STORE, two ? 7 : 6),
		   "fused add into the read-only frame (%s): RO_STORE at the ST64", shape);
		nx_remove(e);
		e = vadd_ext(NX_SEG_BUF1, NX_SEG_BUF1, 8, two);
		ok(e && e->cells[2].h == nx_labels(NX_SET_CHECKED)[NX_H_VADD64] && vadd_agrees(e, NX_HOOK_TRAP, 39, 0, 0),
		   "fused add with overlapping source and destination (%s) behaves as the plain loop", shape);
		nx_remove(e);
	}
}

/* The packet matcher's masked compare: LD32; AND; LD32; JNE, fused. */
static void test_maskne(void)
{
	struct nxb *b = nxb_new("mask", NX_TRUST_UNTRUSTED);
	uint8_t d[12] = { 0xff, 0, 0, 0, 5, 0, 0, 0, 9, 0, 0, 0 };
	nxb_data(b, d, 12, 12);
	nxb_func(b, "f", 6, 2);                      /* f(v, row): (v & m[row]) != k[row] ? 2 : 1 */
	nxb_emit(b, NX_INSN(NX_OP_LD32, 2, 1, NX_SEG_DATA, 0));
	nxb_emit(b, I_RRR(AND, 3, 0, 2));
	nxb_emit(b, NX_INSN(NX_OP_LD32, 4, 1, NX_SEG_DATA, 4));
	nxb_emit(b, I_BRR(JNE, 3, 4, 2));
	nxb_emit(b, I_RI(MOVI, 5, 1));
	nxb_emit(b, I_RET(5));
	nxb_emit(b, I_RI(MOVI, 5, 2));
	nxb_emit(b, I_RET(5));
	struct nx_ext *e = ins(b, 1, 0, NULL);
	/* distinct registers: the variant that keeps values in locals */
	int fused = e && e->cells[0].h == nx_labels(NX_SET_CHECKED)[NX_H_MASKNE32_NA];
	uint64_t a[2] = { 0x105, 0 }, c[2] = { 0x106, 0 }, o[2] = { 5, 5 };
	ok(fused && all_modes(e, 0, a, 2, 0, 1, 0, 0) && all_modes(e, 0, c, 2, 0, 2, 0, 0),
	   "fused masked compare: match falls through, mismatch branches, in every mode");
	ok(all_modes(e, 0, o, 2, NX_FAULT_OOB_LOAD, 0, 2, 1), "fused masked compare: a fault in the second load is at insn 2");
	nx_remove(e);
}

int main(void)
{
	tap_plan(57);
	test_fib();
	test_window();
	test_zeroing();
	test_hostile();
	test_helpers();
	test_xcall();
	test_hooks();
	test_two_step();
	test_supers();
	test_vadd();
	test_maskne();
	test_cycles();
	nx_run_cache_drain();
	ok(nx_host_bytes == 0 && nx_host_blocks == 0, "no engine memory left (%zu bytes)", nx_host_bytes);
	return tap_done();
}

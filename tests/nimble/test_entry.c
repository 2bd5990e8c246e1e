/*
 * Entering a run, as run.c and registry.c cut its cost: a checked run
 * computes segment limits only for the segments its code reaches (an
 * XCALL adds the callee's), helpers see a segment's bounds in every set
 * without those limits, env->seg[NX_SEG_DATA] is never read, and each
 * hook has its own attachment list.  Each case is built so that the
 * shortcut done wrong gives a different answer: a cached run state
 * still holds the limits of an earlier, bigger segment.  A function that
 * makes no calls runs "small" (registers on the C stack, no deep stacks),
 * and an entry zeroes only the registers read before written: a run
 * follows one that left other values in the same stack slots.
 */
#include <stdio.h>
#include "common.h"
#include "tap.h"

static uint8_t big[4096];

/* An env lending CTX (8 bytes) and BUF0 (len bytes of big), both writable. */
static struct nx_env env_with(uint64_t *ctx, uint64_t len)
{
	struct nx_env env = { 0 };
	env.seg[NX_SEG_CTX] = (struct nx_seg){ (uint8_t *)ctx, 8, 0 };
	env.seg[NX_SEG_BUF0] = (struct nx_seg){ big, len, 0 };
	return env;
}

/* peek(x) = BUF0[x] as u64, in a provider; a caller that touches only CTX
 * XCALLs it.  Stale BUF0 limits (4096 bytes) must not survive into a run
 * lending 16. */
static void test_xcall_limits(void)
{
	struct nxb *b = nxb_new("segprov", NX_TRUST_UNTRUSTED);
	uint32_t peek = nxb_func(b, "peek", 2, 1);
	nxb_emit(b, I_MEM(LD64, 0, 0, NX_SEG_BUF0, 0));
	nxb_emit(b, I_RET(0));
	nxb_export(b, "peek", peek);
	struct nx_ext *p = ins(b, 9, 0, NULL);

	b = nxb_new("segusr", NX_TRUST_UNTRUSTED);
	uint32_t xi = nxb_ximport(b, "segprov", "peek", 1);
	nxb_func(b, "main", 3, 1);
	nxb_emit(b, I_MEM(LD64, 1, 2, NX_SEG_CTX, 0));
	nxb_emit(b, I_RR(MOV, 2, 0));
	nxb_emit(b, I_CALL(XCALL, 2, xi, 1));
	nxb_emit(b, I_RET(2));
	struct nx_ext *q = ins(b, 9, 0, NULL);
	ok(p && q, "provider reading BUF0 and caller reading only CTX inserted");
	if (!p || !q)
		return;

	uint64_t ctx = 0, x = 4000;
	memset(big, 0, sizeof big);
	big[8] = 0x5a;
	struct nx_env wide = env_with(&ctx, sizeof big), narrow = env_with(&ctx, 16);
	struct nx_result r;
	nx_run(p, 0, &wide, &x, 1, &r);
	ok(r.fault == NX_FAULT_NONE, "peek(4000) with 4096 bytes of BUF0 runs (the cached run state holds wide limits)");
	x = 8;
	nx_run(q, 0, &narrow, &x, 1, &r);
	ok(r.fault == NX_FAULT_NONE && r.value == 0x5a, "XCALL peek(8) with 16 bytes of BUF0 reads them (value %#llx)",
	   (unsigned long long)r.value);
	nx_run(p, 0, &wide, (uint64_t[]){ 4000 }, 1, &r);
	x = 9;
	nx_run(q, 0, &narrow, &x, 1, &r);
	ok(r.fault == NX_FAULT_OOB_LOAD && r.insn == 2, "XCALL peek(9) past 16 bytes: OOB_LOAD at the caller's XCALL (%s at %u)",
	   nx_fault_name(r.fault), r.insn);
	nx_run_ref(q, 0, &narrow, &x, 1, &r);
	ok(r.fault == NX_FAULT_OOB_LOAD && r.insn == 2, "the reference interpreter agrees");
	nx_run(p, 0, &wide, (uint64_t[]){ 4000 }, 1, &r);
	nx_run(p, 0, &narrow, &x, 1, &r);
	ok(r.fault == NX_FAULT_OOB_LOAD && r.insn == 0, "peek(9) entered directly with 16 bytes: OOB_LOAD at insn 0");
	nx_remove(q);
	nx_remove(p);
}

/* copy(DATA, 0, BUF0, x, 8) in a trusted (unchecked) extension: the helper
 * sees BUF0's bounds although an unchecked entry computes no limits; and
 * a junk env->seg[NX_SEG_DATA] is ignored. */
static void test_helper_bounds(void)
{
	struct nxb *b = nxb_new("segcopy", NX_TRUST_TRUSTED);
	nxb_data(b, NULL, 0, 8);
	uint32_t cp = nxb_helper(b, "copy", 5);
	nxb_func(b, "c", 5, 1);
	nxb_emit(b, I_RR(MOV, 3, 0));
	nxb_emit(b, I_RI(MOVI, 0, NX_SEG_DATA));
	nxb_emit(b, I_RI(MOVI, 1, 0));
	nxb_emit(b, I_RI(MOVI, 2, NX_SEG_BUF0));
	nxb_emit(b, I_RI(MOVI, 4, 8));
	nxb_emit(b, I_CALL(HCALL, 0, cp, 5));
	nxb_emit(b, I_MEM(LD64, 0, 1, NX_SEG_DATA, 0));
	nxb_emit(b, I_RET(0));
	struct nx_ext *e = ins(b, 0, 1, NULL);
	ok(e != NULL, "trusted extension copying BUF0 into its data inserted");
	if (!e)
		return;
	uint64_t ctx = 0, x = 8, junk[4] = { 0 };
	memset(big, 0, sizeof big);
	big[8] = 0x77;
	struct nx_env narrow = env_with(&ctx, 16);
	narrow.seg[NX_SEG_DATA] = (struct nx_seg){ (uint8_t *)junk, 1, 1 };
	struct nx_result r;
	nx_run(e, 0, &narrow, &x, 1, &r);
	ok(r.fault == NX_FAULT_NONE && r.value == 0x77 && junk[0] == 0,
	   "unchecked copy inside 16 bytes of BUF0 lands in the extension's own data, not env's");
	x = 9;
	nx_run(e, 0, &narrow, &x, 1, &r);
	ok(r.fault == NX_FAULT_HELPER && r.insn == 5, "unchecked copy past 16 bytes of BUF0: fault HELPER at the HCALL");
	nx_remove(e);
}

/* One attachment list per hook: counts and fires never mix hooks. */
static void test_hook_lists(void)
{
	struct nx_result last = { .value = 99, .fault = NX_FAULT_FUEL };
	struct nx_env env = { 0 };
	ok(nx_fire(NX_HOOK_TRAP, 0, &env, &last) == NX_RET_DEFAULT && last.value == 0 && last.fault == NX_FAULT_NONE,
	   "firing a hook with nothing attached returns the default and clears *last");
	struct nxb *b = nxb_new("hk_trap", NX_TRUST_UNTRUSTED);
	uint32_t f = nxb_func(b, "t", 1, 0);
	nxb_emit(b, I_RI(MOVI, 0, 7));
	nxb_emit(b, I_RET(0));
	nxb_hook(b, NX_HOOK_TRAP, 0, f, 0);
	struct nx_ext *t = ins(b, 1, 0, NULL);
	b = nxb_new("hk_irq", NX_TRUST_UNTRUSTED);
	f = nxb_func(b, "i", 1, 0);
	nxb_emit(b, I_RI(MOVI, 0, 3));
	nxb_emit(b, I_RET(0));
	nxb_hook(b, NX_HOOK_IRQ, 40, f, 0);
	struct nx_ext *i = ins(b, 1, 0, NULL);
	ok(t && i && nx_hook_attached(NX_HOOK_TRAP, 0) == 1 && nx_hook_attached(NX_HOOK_IRQ, 40) == 1 &&
	   nx_hook_attached(NX_HOOK_IRQ, 41) == 0 && nx_hook_attached(NX_HOOK_SCHED_PICK, 0) == 0 &&
	   nx_hook_attached((enum nx_hook_id)NX_HOOK_COUNT, 0) == 0,
	   "attachment counts are per (hook, arg); an unknown hook has none");
	ok(nx_hooks_armed == (1u << NX_HOOK_TRAP | 1u << NX_HOOK_IRQ) && nx_hook_armed(NX_HOOK_IRQ) &&
	   !nx_hook_armed(NX_HOOK_SCHED_PICK), "armed bits: trap and irq (%#x)", nx_hooks_armed);
	ok(nx_fire(NX_HOOK_TRAP, 0, &env, NULL) == 7, "a fire without a result pointer returns the value");
	ok(nx_fire(NX_HOOK_TRAP, 0, &env, &last) == 7 && nx_fire(NX_HOOK_IRQ, 40, &env, &last) == 3 &&
	   nx_fire(NX_HOOK_IRQ, 41, &env, &last) == NX_RET_DEFAULT &&
	   nx_fire((enum nx_hook_id)NX_HOOK_COUNT, 0, &env, &last) == NX_RET_DEFAULT,
	   "each hook fires its own extensions only");
	nx_remove(t);
	ok(nx_hook_attached(NX_HOOK_TRAP, 0) == 0 && nx_hook_attached(NX_HOOK_IRQ, 40) == 1,
	   "removing one extension detaches it from its hook alone");
	nx_remove(i);
	ok(nx_hooks_armed == 0, "nothing attached: no hook armed (%#x)", nx_hooks_armed);
}

/* f0: r1 = 5, r2 = 6, return 1; f1: return r1 + r2 (both start at 0);
 * f2 calls f0 (deep); f3 has 20 registers and returns r19 + 1 (deep). */
static void test_small_entry(void)
{
	struct nxb *b = nxb_new("small", NX_TRUST_UNTRUSTED);
	nxb_func(b, "dirty", 3, 0);
	nxb_emit(b, I_RI(MOVI, 1, 5));
	nxb_emit(b, I_RI(MOVI, 2, 6));
	nxb_emit(b, I_RI(MOVI, 0, 1));
	nxb_emit(b, I_RET(0));
	nxb_func(b, "sum", 3, 0);
	nxb_emit(b, I_RRR(ADD, 0, 1, 2));
	nxb_emit(b, I_RET(0));
	nxb_func(b, "caller", 2, 0);
	nxb_emit(b, I_CALL(CALL, 1, 0, 0));
	nxb_emit(b, I_RET(1));
	nxb_func(b, "wide", 20, 0);
	nxb_emit(b, I_RRI(ADDI, 0, 19, 1));
	nxb_emit(b, I_RET(0));
	struct nx_ext *e = ins(b, 1, 0, NULL);
	ok(e != NULL, "four functions inserted");
	if (!e)
		return;
	ok(e->fn[0].small && e->fn[1].small && !e->fn[2].small && !e->fn[3].small,
	   "small: the two without calls and <= %d registers; not the caller nor the 20-register one",
	   NX_SMALL_REGS);
	ok(e->fn[0].zn == 0 && e->fn[1].zlo == 1 && e->fn[1].zn == 2 && e->fn[3].zlo == 19 && e->fn[3].zn == 1,
	   "entry zeroing: none for dirty, r1..r2 for sum, r19 for wide (%u+%u, %u+%u, %u+%u)",
	   e->fn[0].zlo, e->fn[0].zn, e->fn[1].zlo, e->fn[1].zn, e->fn[3].zlo, e->fn[3].zn);
	struct nx_env env = { 0 };
	struct nx_result r0, r1, r2, r3;
	for (int set = NX_SET_UNCHECKED; set < NX_SET_COUNT; set++) {
		nx_ext_set_mode(e, (enum nx_set)set);
		nx_run(e, 0, &env, NULL, 0, &r0);
		nx_run(e, 1, &env, NULL, 0, &r1);
		nx_run(e, 2, &env, NULL, 0, &r2);
		nx_run(e, 3, &env, NULL, 0, &r3);
		ok(r0.value == 1 && r1.value == 0 && r1.fault == NX_FAULT_NONE && r2.value == 1 && r3.value == 1,
		   "%s: sum after dirty is 0 (%llu), the deep caller and the wide one run (%llu, %llu)",
		   mode_name[set], (unsigned long long)r1.value, (unsigned long long)r2.value,
		   (unsigned long long)r3.value);
	}
	nx_remove(e);
}

/*
 * A fire without a result runs a small hook function inside its exec
 * function (exec_body.h's hook entry) and tail-calls the hook's only
 * attachment.  Each case answers differently when that path is wrong: the
 * ctx value read, the fault default, the counters, ejection, the chain
 * order, a deep attachment in the chain, an extension being removed.
 */
static void test_fire_hook_entry(void)
{
	uint64_t ctx[2] = { 40, 0 };
	struct nx_env env = { 0 };
	env.seg[NX_SEG_CTX] = (struct nx_seg){ (uint8_t *)ctx, 16, 0 };

	/* irq(7), prio 1: return ctx[0] + 2 (or fault DIV_ZERO when ctx[1] != 0) */
	struct nxb *b = nxb_new("he_small", NX_TRUST_UNTRUSTED);
	uint32_t f = nxb_func(b, "h", 3, 0);
	nxb_emit(b, I_MEM(LD64, 0, 1, NX_SEG_CTX, 0));
	nxb_emit(b, I_MEM(LD64, 2, 1, NX_SEG_CTX, 8));
	nxb_emit(b, I_BRI(JEQI, 2, 0, 1));
	nxb_emit(b, I_RRR(DIVU, 0, 0, 1));
	nxb_emit(b, I_RRI(ADDI, 0, 0, 2));
	nxb_emit(b, I_RET(0));
	nxb_hook(b, NX_HOOK_IRQ, 7, f, 1);
	struct nx_ext *e = ins(b, 1, 0, NULL);
	ok(e && e->fn[0].small, "a small irq(7) extension reading CTX inserted");
	if (!e)
		return;
	struct nx_stats st;
	for (int set = NX_SET_UNCHECKED; set < NX_SET_COUNT; set++) {
		nx_ext_set_mode(e, (enum nx_set)set);
		nx_ext_stats(e, &st);
		uint64_t runs = st.runs, insns = st.insns, v = nx_fire(NX_HOOK_IRQ, 7, &env, NULL);
		nx_ext_stats(e, &st);
		ok(v == 42 && st.runs == runs + 1 && st.insns - insns == (set == NX_SET_COUNTING ? 5 : 0) &&
		   e->inflight == 0 && nx_fire(NX_HOOK_IRQ, 8, &env, NULL) == NX_RET_DEFAULT,
		   "%s: the only attachment answers 42, counted once (%llu insns), irq(8) is not it",
		   mode_name[set], (unsigned long long)(st.insns - insns));
	}
	/* irq(7), prio 0: a deep one (it CALLs) answering the default first */
	b = nxb_new("he_deep", NX_TRUST_UNTRUSTED);
	f = nxb_func(b, "d", 2, 0);
	nxb_emit(b, I_CALL(CALL, 1, 1, 0));
	nxb_emit(b, I_RI(MOVI, 0, 0));
	nxb_emit(b, I_RET(0));
	nxb_func(b, "z", 1, 0);
	nxb_emit(b, I_RI(MOVI, 0, 5));
	nxb_emit(b, I_RET(0));
	nxb_hook(b, NX_HOOK_IRQ, 7, f, 0);
	struct nx_ext *d = ins(b, 1, 0, NULL);
	nx_ext_stats(d, &st);
	uint64_t druns = st.runs;
	ok(d && !d->fn[0].small && nx_fire(NX_HOOK_IRQ, 7, &env, NULL) == 42 &&
	   (nx_ext_stats(d, &st), st.runs == druns + 1),
	   "a chain: the deep default-answering one runs first, then the small one answers");
	e->dying = 1;   /* as nx_remove sets it while it looks at inflight */
	ok(nx_fire(NX_HOOK_IRQ, 7, &env, NULL) == NX_RET_DEFAULT && e->inflight == 0,
	   "an extension being removed does not run: the default, inflight back to 0");
	e->dying = 0;
	nx_remove(d);

	ctx[1] = 1;
	nx_ext_stats(e, &st);
	uint64_t faults = st.faults;
	int defaults = 0;
	for (int i = 0; i < NX_EJECT_FAULTS; i++)
		defaults += nx_fire(NX_HOOK_IRQ, 7, &env, NULL) == NX_RET_DEFAULT;
	nx_ext_stats(e, &st);
	ok(defaults == NX_EJECT_FAULTS && st.faults == faults + NX_EJECT_FAULTS &&
	   st.last_fault == NX_FAULT_DIV_ZERO && st.last_insn == 3 && e->inflight == 0,
	   "a fault answers the default and is counted with its place (%s at %u)",
	   nx_fault_name(st.last_fault), st.last_insn);
	ctx[1] = 0;
	ok(nx_hook_attached(NX_HOOK_IRQ, 7) == 0 && nx_fire(NX_HOOK_IRQ, 7, &env, NULL) == NX_RET_DEFAULT,
	   "after %d faults it is ejected: no longer fired although it would answer", NX_EJECT_FAULTS);
	nx_remove(e);
}

/* What a hook's extensions can reach: the segments their loads and stores
 * name, all of them with a segment-taking helper; recomputed on removal. */
static void test_hook_reach(void)
{
	struct nxb *b = nxb_new("rc_ctx", NX_TRUST_UNTRUSTED);
	uint32_t f = nxb_func(b, "p", 2, 0);
	nxb_emit(b, I_MEM(LD32, 0, 1, NX_SEG_CTX, 0));
	nxb_emit(b, I_RET(0));
	nxb_hook(b, NX_HOOK_SCHED_PICK, 0, f, 0);
	struct nx_ext *c = ins(b, 1, 0, NULL);
	ok(c && nx_hook_reach[NX_HOOK_SCHED_PICK] == 1u << NX_SEG_CTX &&
	   nx_hook_reaches(NX_HOOK_SCHED_PICK, NX_SEG_CTX) && !nx_hook_reaches(NX_HOOK_SCHED_PICK, NX_SEG_BUF0),
	   "a policy loading only from CTX reaches CTX (%#x)", nx_hook_reach[NX_HOOK_SCHED_PICK]);
	b = nxb_new("rc_copy", NX_TRUST_UNTRUSTED);
	nxb_data(b, NULL, 0, 8);
	uint32_t cp = nxb_helper(b, "copy", 5);
	f = nxb_func(b, "p", 5, 0);
	nxb_emit(b, I_CALL(HCALL, 0, cp, 5));
	nxb_emit(b, I_RET(0));
	nxb_hook(b, NX_HOOK_SCHED_PICK, 0, f, 1);
	struct nx_ext *k = ins(b, 1, 0, NULL);
	ok(k && nx_hook_reach[NX_HOOK_SCHED_PICK] == (1u << NX_SEG_COUNT) - 1,
	   "one importing copy (segment numbers at run time) reaches every segment (%#x)",
	   nx_hook_reach[NX_HOOK_SCHED_PICK]);
	nx_remove(k);
	ok(nx_hook_reach[NX_HOOK_SCHED_PICK] == 1u << NX_SEG_CTX, "removed, the hook reaches CTX again (%#x)",
	   nx_hook_reach[NX_HOOK_SCHED_PICK]);
	nx_remove(c);
	ok(nx_hook_reach[NX_HOOK_SCHED_PICK] == 0 && !nx_hook_armed(NX_HOOK_SCHED_PICK),
	   "nothing attached: nothing reached, not armed");
}

/* Remove in two steps: after nx_unlink nothing new finds the extension
 * but its memory (and its attachment, which a fire may hold) stays until
 * nx_free; ASan would flag a read of freed memory here. */
static void test_unlink_free(void)
{
	struct nxb *b = nxb_new("two_step", NX_TRUST_UNTRUSTED);
	uint32_t f = nxb_func(b, "t", 1, 0);
	nxb_emit(b, I_RI(MOVI, 0, 9));
	nxb_emit(b, I_RET(0));
	nxb_hook(b, NX_HOOK_TRAP, NX_TRAP_SYSCALL, f, 0);
	size_t bytes0 = nx_host_bytes;
	struct nx_ext *e = ins(b, 1, 0, NULL);
	struct nx_env env = { 0 };
	struct nx_solo *solo = nx_hook_solo[NX_HOOK_TRAP];
	ok(e && solo && nx_fire(NX_HOOK_TRAP, NX_TRAP_SYSCALL, &env, NULL) == 9, "inserted: its solo attachment answers 9");
	if (!e)
		return;
	e->inflight = 1;   /* as if a run were going on another CPU */
	ok(nx_remove(e) == -NX_EBUSY, "nx_remove refuses while a run is in flight");
	size_t bytes1 = nx_host_bytes;
	nx_unlink(e);
	ok(nx_lookup("two_step") == NULL && nx_hook_solo[NX_HOOK_TRAP] == NULL && !nx_hook_armed(NX_HOOK_TRAP) &&
	   nx_fire(NX_HOOK_TRAP, NX_TRAP_SYSCALL, &env, NULL) == NX_RET_DEFAULT,
	   "nx_unlink, even with a run in flight: not found, not armed, a fire gets the default");
	ok(nx_host_bytes == bytes1 && solo->arg == NX_TRAP_SYSCALL && e->dying == 1,
	   "its memory stays: a stale attachment still reads its arg, the extension is marked dying");
	e->inflight = 0;
	nx_free(e);
	ok(nx_host_bytes == bytes0, "nx_free gives back all of it (%zu bytes over)", nx_host_bytes - bytes0);
}

int main(void)
{
	tap_plan(40);
	test_xcall_limits();
	test_helper_bounds();
	test_hook_lists();
	test_small_entry();
	test_fire_hook_entry();
	test_hook_reach();
	test_unlink_free();
	nx_run_cache_drain();
	ok(nx_host_bytes == 0 && nx_host_blocks == 0, "no engine memory left (%zu bytes)", nx_host_bytes);
	return tap_done();
}

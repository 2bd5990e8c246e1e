/*
 * The ONE definition of every instruction's handler, expanded by exec.c
 * once per handler set (Linux bpf/core.c and Lua lvm.c style).  Before
 * including, exec.c defines
 *   NX_EXEC_NAME  the function to generate
 *   NX_EXEC_SET   the enum nx_set it is: it stores its label table in
 *                 exec_labels[NX_EXEC_SET] (exec.c) when asked to
 *   NX_CHECKED    1: bounds-check memory, burn fuel on backward branches
 *                 and calls (the untrusted set); 0: both expand to nothing
 *   NX_COUNTING   1: count executed VM instructions into rs->insns
 *
 * Threaded code: pc points at a cell (struct nx_cell); a cell's h is the
 * address of its handler below, its operands are pre-decoded, so
 * dispatching is one indirect jump ("goto *pc->h") and no handler decodes
 * an opcode.  r is the current frame (the function's registers) in the
 * run's register stack.
 *
 * Invariants the verifier guarantees and the handlers rely on: register
 * fields are < nregs of the running function, branch targets are cells
 * of the same function, call windows fit the frame, DIV*I never divides
 * by 0.  Division by a register and register-stack overflow are checked
 * in both sets: they are semantics, not protection.
 */

#if NX_CHECKED
#define CHK(cond, f)    do { if (__builtin_expect(!(cond), 0)) FAULT(f); } while (0)
#define CHK_AT(cond, f, k) do { if (__builtin_expect(!(cond), 0)) { pc += (k); FAULT(f); } } while (0)
/* fuel is a signed local so the test is one dec and one sign branch. */
#define FUEL_TICK       FUEL_TICK_AT(0)
#define FUEL_TICK_AT(k) do { if (__builtin_expect(--fuel < 0, 0)) { fuel = 0; pc += (k); FAULT(NX_FAULT_FUEL); } } while (0)
#else
#define CHK(cond, f)    do { } while (0)
#define CHK_AT(cond, f, k) do { } while (0)
#define FUEL_TICK       do { } while (0)
#define FUEL_TICK_AT(k) do { } while (0)
#endif
#if NX_COUNTING
#define CNT(n)          (rs->insns += (n))
#else
#define CNT(n)          ((void)0)
#endif

#define DISPATCH        goto *pc->h
#define NEXT            do { pc++; DISPATCH; } while (0)
#define SKIP(n)         do { pc += (n); DISPATCH; } while (0)
#define FAULT(f)        do { rc = (f); goto fault; } while (0)

#define RA  r[pc->a]
#define RB  r[pc->b]
#define RC  r[pc->c]
#define IMM ((int64_t)pc->imm)
#define S(x) ((int64_t)(x))

/*
 * Each instruction's body, expanded from its NX_ISA row (isa.h): what the
 * instruction in cell `cur` does, without the dispatch.  It returns 0 or
 * the fault it raises; a BRANCH row's, whether the branch is taken.  One
 * function per row and handler set, always inlined: a plain handler runs
 * its body on pc, a pair handler (NX_PAIRS, internal.h) one body on pc and
 * the next on pc + 1, so both come from the one definition.  A body gets
 * its registers as pointers, pa, pb, pc_ (&r[a], &r[b], &r[c] for a plain
 * handler; a pair may pass where its first body left a result instead);
 * an expression reads va, vb, vc (*pa, *pb, *pc_) and vi (the immediate);
 * LOAD and STORE rows name the memory type, and off < lim[log2 width][seg]
 * <=> the access fits the segment (run.c).
 */
#define BODY(name)         BODY_(name, NX_EXEC_SET)
#define BODY_(name, set)   BODY__(name, set)
#define BODY__(name, set)  nx_body_##name##_##set
#define va (*pa)
#define vb (*pb)
#define vc (*pc_)
#define vi ((uint64_t)(int64_t)cur->imm)
#define NX_LG(T) (sizeof(T) == 8 ? 3 : sizeof(T) == 4 ? 2 : sizeof(T) == 2 ? 1 : 0)
#define B_ALU(e)    va = (e); return 0;
#define B_DIV(e)    if (__builtin_expect(!vc, 0)) return NX_FAULT_DIV_ZERO; va = (e); return 0;
#define B_DIVI(e)   B_ALU(e)      /* the verifier refused imm == 0 */
#define B_LOAD(T) { \
	uint64_t off = vb + vi; \
	if (NX_CHECKED && __builtin_expect(!(off < rs->lim[NX_LG(nx_##T##u)][cur->c]), 0)) \
		return NX_FAULT_OOB_LOAD; \
	va = (uint64_t)(int64_t)*(const nx_##T##u *)(rs->base[cur->c] + off); \
	return 0; }
#define B_STORE(T) { \
	uint64_t off = vb + vi; \
	if (NX_CHECKED && __builtin_expect(!(off < rs->lim[NX_LG(nx_##T##u)][cur->c]), 0)) \
		return NX_FAULT_OOB_STORE; \
	if (NX_CHECKED && __builtin_expect(!(off >= rs->wr[cur->c]), 0)) \
		return NX_FAULT_RO_STORE; \
	*(nx_##T##u *)(rs->base[cur->c] + off) = (nx_##T##u)va; \
	return 0; }
#define B_BRANCH(e) return (e) != 0;
#define NX_BODY_FN(name, fmt, cls, e) NX_BODY_FN_##cls(name, B_##cls(e))
#define NX_BODY_FN_ALU(name, body)    NX_BODY_DEF(name, body)
#define NX_BODY_FN_DIV(name, body)    NX_BODY_DEF(name, body)
#define NX_BODY_FN_DIVI(name, body)   NX_BODY_DEF(name, body)
#define NX_BODY_FN_LOAD(name, body)   NX_BODY_DEF(name, body)
#define NX_BODY_FN_STORE(name, body)  NX_BODY_DEF(name, body)
#define NX_BODY_FN_BRANCH(name, body) NX_BODY_DEF(name, body)
#define NX_BODY_FN_CALL(name, body)   /* written by hand in the function */
#define NX_BODY_FN_RET(name, body)
#define B_CALL(e)
#define B_RET(e)
#define NX_BODY_DEF(name, body) \
	static inline __attribute__((always_inline)) \
	int BODY(name)(uint64_t *pa, const uint64_t *pb, const uint64_t *pc_, \
		       const struct nx_cell *cur, struct nx_run *rs) \
	{ (void)pa; (void)pb; (void)pc_; (void)cur; (void)rs; CNT(1); body }
NX_ISA(NX_BODY_FN)
#undef va
#undef vb
#undef vc
#undef vi

/*
 * Superinstructions.  A fused cell keeps the first instruction's own
 * operands in a, b, imm (so it can fall back to that instruction's plain
 * handler) and carries the rest in c, d, x, y (the members internal.h
 * lays out beside NX_SUPERS, which fuse.c fills).  A fault inside the
 * sequence moves pc to the instruction that faults, so it is reported
 * exactly where the unfused code would report it, with the same state.
 */
#define RCC r[pc->c]
#define RDD r[pc->d]
/* ADDI a, b, imm; J<cc> c, d -> x.t (backward): a loop's increment and test. */
#define ADDI_JB(name, cond) \
	L_##name: CNT(2); RA = RB + (uint64_t)IMM; \
	if (cond) { FUEL_TICK_AT(1); pc = pc->x.t; DISPATCH; } SKIP(2);
/* SHLI a, b, imm; LD d, seg c[a + x.k]: an indexed load. */
#define SHLI_LOAD(name, T, lg) \
	L_##name: { CNT(2); RA = RB << (IMM & 63); \
	uint64_t off = RA + (uint64_t)pc->x.k; \
	CHK_AT(off < rs->lim[lg][pc->c], NX_FAULT_OOB_LOAD, 1); \
	RDD = (uint64_t)(int64_t)*(const T *)(rs->base[pc->c] + off); SKIP(2); }

__attribute__((section("nx_exec")))   /* nx_watch_target's range (exec.c) */
uint64_t NX_EXEC_NAME(struct nx_solo *const solo, struct nx_env *env, struct nx_run *rs)
{
	struct nx_attach *const hook = (struct nx_attach *)solo;   /* its head */
	const struct nx_cell *pc;
	uint64_t *r;
	static const void *const tbl[NX_H_COUNT] = {
#define NX_L_OP(name, fmt, cls, e) [NX_OP_##name] = &&L_##name,
		NX_ISA(NX_L_OP)
#undef NX_L_OP
#define NX_ROW(name, fmt, e) [NX_H_##name##_B] = &&L_##name##_B,
		NX_ISA(NX_ONLY_BRANCH)
#undef NX_ROW
#define NX_L_SUPER(name) [NX_H_##name] = &&L_##name,
		NX_SUPERS(NX_L_SUPER)
#undef NX_L_SUPER
#define NX_L_PAIR_V(A, B, V) [NX_H_PAIR_##A##_##B + V] = &&L_PAIR_##A##_##B##_##V,
#define NX_L_PAIR(A, B) NX_PV_EACH(NX_L_PAIR_V, A, B)
		NX_PAIRS(NX_L_PAIR)
#undef NX_L_PAIR
#undef NX_L_PAIR_V
		[NX_H_WATCH] = &&L_WATCH,
	};
	struct nx_run hook_rs;
	uint64_t hook_r[NX_SMALL_REGS];
	int64_t fuel;
	/* The three ways in (internal.h): a hook entry, a resume, labels. */
	if (hook) {
		/* Hook entry, exec(solo, env, NULL) from nx_fire: the run state
		 * and the registers of a small function live in this frame, so
		 * the whole run of an empty extension is this one call (run.h has
		 * the pieces).  It makes no calls: no call records (fp NULL); its
		 * fuel stays here. */
		struct nx_ext *ext = hook->ext;
		if (nx_ext_enter(ext))
			return NX_RET_DEFAULT;
		rs = &hook_rs;
		rs->env = env;
		rs->ext = ext;
		rs->fault = NX_FAULT_NONE;
		rs->fp = NULL;
		fuel = NX_CHECKED ? nx_run_fuel(env) : 0;   /* unchecked: never read */
#if NX_COUNTING
		rs->insns = 0;
#endif
		r = hook_r;
		if (hook->prep) {   /* segments to set up, registers to zero */
			if (ext->segs)
				nx_run_segs(rs, ext);
			nx_regs_zero(r, hook->zlo, hook->zn);
		}
		pc = hook->entry;
	} else if (rs) {
		/* Resume, exec(NULL, NULL, rs) from nx_exec_resume: run rs from
		 * rs->pc with frame rs->r (an entry from nx_run, an XCALL). */
		fuel = rs->fuel;
		pc = rs->pc;
		r = rs->r;
	} else {
		/* Labels, exec(NULL, NULL, NULL) from nx_labels, once: publish
		 * this set's handler addresses, which exist only in here. */
		__atomic_store_n(&exec_labels[NX_EXEC_SET], tbl, __ATOMIC_RELEASE);
		return 0;
	}
	/* Call records in locals: fp is the next free one.  rs->fp stays this
	 * invocation's first (an XCALL restores it), so RET at it leaves. */
	struct nx_frame_rec *fp = rs->fp;
	int rc;
	(void)fuel;
	DISPATCH;

	/*
	 * The plain instructions: each runs its body (above) on pc.  A body
	 * that faults leaves pc at its cell, where the fault is reported.
	 * CALL and RET are written below.
	 */
#define OPS(cell) &r[(cell)->a], &r[(cell)->b], &r[(cell)->c], (cell)
#define H_ALU(name, e)    L_##name: (void)BODY(name)(OPS(pc), rs); NEXT;
#define H_DIV(name, e)    L_##name: if (__builtin_expect((rc = BODY(name)(OPS(pc), rs)) != 0, 0)) goto fault; NEXT;
#define H_DIVI(name, e)   H_ALU(name, e)
#define H_LOAD(name, T)   H_DIV(name, T)
#define H_STORE(name, T)  H_DIV(name, T)
	/* Both variants of a branch: forward (free) and backward (costs fuel). */
#define H_BRANCH(name, e) \
	L_##name:     if (BODY(name)(OPS(pc), rs)) { pc = pc->x.t; DISPATCH; } NEXT; \
	L_##name##_B: if (BODY(name)(OPS(pc), rs)) { FUEL_TICK; pc = pc->x.t; DISPATCH; } NEXT;
#define H_CALL(name, e)
#define H_RET(name, e)
#define H_ROW(name, fmt, cls, e) H_##cls(name, e)
	NX_ISA(H_ROW)
#undef H_ROW

	/*
	 * Pairs (NX_PAIRS, fuse.c): A on pc, then B on pc + 1, one dispatch,
	 * in each variant V (enum nx_pair_variant, internal.h).  A writes its
	 * result through d: r[a], or for a DEAD variant a local that B reads
	 * and the frame never sees (a fault ends the run, frames and all, so
	 * none needs it then).  A fault in B is reported at B's cell; a branch
	 * B that goes back costs fuel as its plain backward handler does.
	 * A variant linking an operand B does not read is never chosen (fuse.c)
	 * and only jumps to the plain variant, so its code is not compiled.
	 */
#define PV_DEAD(V)    ((V) != NX_PV_NONE)
#define PV_LINK(V, f) ((V) == NX_PV_DA + (f))
#define PV_LINKS(B, V) ((V) == NX_PV_NONE || (NX_READS_OF_##B >> ((V) - NX_PV_DA) & 1))
#define H_PAIR_V(A, B, V) \
	L_PAIR_##A##_##B##_##V: if (!PV_LINKS(B, V)) goto L_PAIR_##A##_##B##_0; { \
	uint64_t t_ = RA, *d = PV_DEAD(V) ? &t_ : &RA;   /* A may read r[a] */ \
	const struct nx_cell *n = pc + 1; \
	if (__builtin_expect((rc = BODY(A)(d, &RB, &RC, pc, rs)) != 0, 0)) \
		goto fault; \
	uint64_t *na = PV_LINK(V, 0) ? d : &r[n->a]; \
	const uint64_t *nb = PV_LINK(V, 1) ? d : &r[n->b], *nc = PV_LINK(V, 2) ? d : &r[n->c]; \
	if (NX_CLASS_OF_##B == (int)NX_K_BRANCH) { \
		if (BODY(B)(na, nb, nc, n, rs)) { \
			if (n->x.t <= n) \
				FUEL_TICK_AT(1); \
			pc = n->x.t; \
			DISPATCH; \
		} \
	} else if (__builtin_expect((rc = BODY(B)(na, nb, nc, n, rs)) != 0, 0)) { \
		pc++; \
		goto fault; \
	} \
	SKIP(2); }
#define H_PAIR(A, B) NX_PV_EACH(H_PAIR_V, A, B)
	NX_PAIRS(H_PAIR)
#undef H_PAIR
#undef H_PAIR_V
#undef PV_DEAD
#undef PV_LINK
#undef PV_LINKS

	/* CALL: x.t = callee's first cell, b = its nregs, [c, c + d) the registers to zero. */
L_CALL: {
	uint64_t *nr = r + pc->a;
	CNT(1);
	FUEL_TICK;
	if (nr + pc->b > rs->stack_end || fp == rs->fend)
		FAULT(NX_FAULT_STACK);
	/* The callee's registers [c, c + d) start at 0: those above its
	 * arguments that it may read before writing or that a caller may see
	 * (zero.c; often none).  Stores one by one, no memset call; the
	 * empty asm keeps compilers from making one. */
	for (unsigned nz = pc->d; nz; nz--) {
		nr[pc->c + nz - 1] = 0;
		__asm__("" : "+r"(nz));
	}
	*fp++ = (struct nx_frame_rec){ pc + 1, r };
	r = nr;
	pc = pc->x.t;
	DISPATCH;
}
	/* HCALL: x.f = helper id; arguments r[a].. ; the result lands in r[a]. */
L_HCALL: {
	CNT(1);
	uint64_t v = nx_call_helper(rs, pc->x.f, &RA);
	if (__builtin_expect(rs->fault != NX_FAULT_NONE, 0) && rs->fault != NX_RUN_WATCHED)
		FAULT(rs->fault);
	RA = v;
	NEXT;
}
	/* XCALL: x.f = import index; run.c switches extension and handler set. */
L_XCALL: {
	CNT(1);
	FUEL_TICK;
	rs->fuel = fuel;
	struct nx_frame_rec *first = rs->fp;
	rs->fp = fp;
	int xrc = nx_run_xcall(rs, rs->ext->ximp[pc->x.f], rs->ext->ximp_fn[pc->x.f], &RA);
	rs->fp = first;
	fuel = rs->fuel;
	if (xrc)
		FAULT(xrc);
	NEXT;
}
L_RET: {
	uint64_t v = RA;
	CNT(1);
	r[0] = v;
	if (fp == rs->fp) {
		if (hook)
			return nx_hook_end(hook, rs, 0, v, NX_COUNTING ? rs->insns : 0);
		rs->fuel = fuel;   /* an XCALL's caller goes on with it */
		return 0;
	}
	fp--;
	pc = fp->ret;
	r = fp->r;
	DISPATCH;
}

	/*
	 * The runaway stop (docs/engine.md): the embedder's watchdog moved a
	 * dispatch ("goto *pc->h", about to run cell pc) here, so this is
	 * between two VM instructions with no helper running.  Every indirect
	 * jump of this function may come here (its address is in tbl), so the
	 * compiler keeps pc, r, fuel and fp where this code finds them.  The
	 * first visit of a run marks it (its entry wrote NX_FAULT_NONE); the
	 * embedder ends a marked run it has seen for longer than its budget.
	 */
L_WATCH: {
	int first = rs->fault != NX_RUN_WATCHED;
	rs->fault = NX_RUN_WATCHED;
	if (nx_host_watch(rs, first))
		FAULT(NX_FAULT_TIME);
	DISPATCH;
}

	/* ---- superinstructions (fuse.c fuses them) ---- */
	/* ADDI then CALL (an argument computed into the window): the CALL's own
	 * cell follows, so only the dispatch between them is saved. */
L_ADDI_CALL: CNT(1); RA = RB + (uint64_t)IMM; pc++; goto L_CALL;
	ADDI_JB(ADDI_JLTU_B, RCC < RDD)
	ADDI_JB(ADDI_JLTS_B, S(RCC) < S(RDD))
	ADDI_JB(ADDI_JNE_B,  RCC != RDD)
	/*
	 * A one-statement loop "do { a = b + c; i += J; } while (i < n)"
	 * (ADD a,b,c; ADDI i,i,J; JLTU i,n -> the ADD) runs in the cell:
	 * d = i, y.loop (n, known, J).  Registers go through r[] every
	 * iteration, so any aliasing among a, b, c, i, n behaves as in the
	 * plain code; a FUEL fault is at the JLTU.  known: a is neither i nor
	 * n, i is not n and J = 1, so the taken branches are i + 1 < n ?
	 * n - (i + 1) : 0 (wrapping i + 1, as the plain code) and the checked
	 * set charges them at once when the fuel suffices.
	 */
L_ADD_LOOP: {
	uint64_t step = (uint64_t)(int64_t)pc->y.loop.j;
	uint64_t *ri = &RDD, *rn = &r[pc->y.loop.n];
#if NX_CHECKED
	uint64_t i1 = *ri + 1, taken = i1 < *rn ? *rn - i1 : 0;
	if (pc->y.loop.known && (uint64_t)fuel >= taken) {
		fuel -= (int64_t)taken;
		for (;;) {
			CNT(3);
			RA = RB + RC;
			*ri += 1;
			if (!(*ri < *rn))
				SKIP(3);
		}
	}
#endif
	for (;;) {
		CNT(3);
		RA = RB + RC;
		*ri += step;
		if (!(*ri < *rn))
			SKIP(3);
		FUEL_TICK_AT(2);
	}
}
	/* ADDI a, b, imm; JLTUI c, y.k -> x.t (backward). */
L_ADDI_JLTUI_B: CNT(2); RA = RB + (uint64_t)IMM;
	if (RCC < (uint64_t)pc->y.k) { FUEL_TICK_AT(1); pc = pc->x.t; DISPATCH; } SKIP(2);

	/*
	 * A masked compare against a table row (the packet matcher's rules):
	 * LD32 a, c[b + imm]; AND d, a, v; LD32 t, c[b + K]; JNE d, t -> x.t
	 * (forward), y.mask (v, t, K).  Every value is read back from the
	 * registers after each write, so aliasing registers behave as in the
	 * plain sequence; a fault is reported at the load that makes it.
	 */
L_MASKNE32: {
	uint64_t off = RB + (uint64_t)IMM;
	CNT(1);
	CHK(off < rs->lim[2][pc->c], NX_FAULT_OOB_LOAD);
	RA = *(const nx_u32u *)(rs->base[pc->c] + off);
	RDD = RA & r[pc->y.mask.v];
	off = RB + (uint64_t)(int64_t)pc->y.mask.k2;
	CNT(2);
	CHK_AT(off < rs->lim[2][pc->c], NX_FAULT_OOB_LOAD, 2);
	r[pc->y.mask.t] = *(const nx_u32u *)(rs->base[pc->c] + off);
	CNT(1);
	if (RDD != r[pc->y.mask.t]) {
		pc = pc->x.t;
		DISPATCH;
	}
	SKIP(4);
}
	/*
	 * A big-endian field assembled byte by byte (the packet matcher's
	 * addresses and ports): LD8 a,seg[b+K]; SHLI a,a,8(N-1); then for
	 * j = 1..N-1: LD8 t,seg[b+K+j]; [SHLI t,t,8(N-1-j);] OR a,a,t
	 * (N = 2: 4 instructions, N = 4: 10).  a = a, b = b, imm = K, c = seg
	 * (the first LD8's own operands), d = t.  The checked set checks the
	 * N bytes as one access; if they do not all fit it falls back to the
	 * plain LD8, so the fault comes from the load that makes it.
	 */
#define LDBE(name, N, lg, len) \
L_##name: { \
	uint64_t off = RB + (uint64_t)IMM; \
	if (NX_CHECKED && off >= rs->lim[lg][pc->c]) \
		goto L_LD8; \
	CNT(len); \
	const uint8_t *p = rs->base[pc->c] + off; \
	uint64_t v = 0; \
	for (unsigned j = 0; j < (N); j++) \
		v = v << 8 | p[j]; \
	RDD = p[(N) - 1]; \
	RA = v; \
	SKIP(len); }
	LDBE(LDBE16, 2, 1, 4)
	LDBE(LDBE32, 4, 2, 10)
	/*
	 * MASKNE32 when the registers do not interfere (b is neither a nor d,
	 * v is not a, d is not t): the base, the mask and both loaded values
	 * stay in locals instead of being read back from r[].  Writes keep the
	 * plain order (a, d, then t) and a and d are written before the second
	 * load can fault.
	 */
L_MASKNE32_NA: {
	uint64_t base = RB, off = base + (uint64_t)IMM;
	CNT(1);
	CHK(off < rs->lim[2][pc->c], NX_FAULT_OOB_LOAD);
	const uint8_t *seg = rs->base[pc->c];
	uint64_t l1 = *(const nx_u32u *)(seg + off), x = l1 & r[pc->y.mask.v];
	RA = l1;
	RDD = x;
	off = base + (uint64_t)(int64_t)pc->y.mask.k2;
	CNT(2);
	CHK_AT(off < rs->lim[2][pc->c], NX_FAULT_OOB_LOAD, 2);
	uint64_t l2 = *(const nx_u32u *)(seg + off);
	r[pc->y.mask.t] = l2;
	CNT(1);
	if (x != l2) {
		pc = pc->x.t;
		DISPATCH;
	}
	SKIP(4);
}
	SHLI_LOAD(SHLI_LD8,   nx_u8u, 0)
	SHLI_LOAD(SHLI_LD16,  nx_u16u, 1)
	SHLI_LOAD(SHLI_LD32,  nx_u32u, 2)
	SHLI_LOAD(SHLI_LD64,  nx_u64u, 3)
	SHLI_LOAD(SHLI_LDS8,  nx_i8u, 0)
	SHLI_LOAD(SHLI_LDS16, nx_i16u, 1)
	SHLI_LOAD(SHLI_LDS32, nx_i32u, 2)

	/*
	 * The whole loop "do { t = i << k; x = M64[seg, t + K]; acc += x; i++; }
	 * while (i < n)" in one cell:  a = t, b = i, imm = k, c = seg, d = x,
	 * x.k = K, y.vsum (acc, n).  The checked set checks the whole range
	 * and the fuel once; when the loop would fault (or i >= n, or the range
	 * is too big to reason about cheaply) it falls back to the plain
	 * instructions, which fault at the right place.  Both sets step a byte
	 * offset by 1 << k up to one past the last element: with n <= 2^32
	 * and k <= 16 (LOOP_UNUSUAL otherwise) the span stays below 2^48, so
	 * the offsets are distinct modulo 2^64 and the loop runs exactly
	 * n - i times even where unchecked offsets wrap.
	 */
#define LOOP_UNUSUAL(n, k) ((n) > (1ull << 32) || (k) > 16)
L_VSUM64: {
	uint64_t i = RB, n = r[pc->y.vsum.n];
	unsigned k = (unsigned)IMM & 63;
	uint64_t K = (uint64_t)pc->x.k, first = (i << k) + K, last = ((n - 1) << k) + K;
	if (i >= n || LOOP_UNUSUAL(n, k))
		goto L_SHLI;
	uint64_t m = n - i;
#if NX_CHECKED
	if (first > last || last >= rs->lim[3][pc->c] || (uint64_t)fuel < m - 1)
		goto L_SHLI;
	fuel -= (int64_t)(m - 1);
#endif
	CNT(5 * m);
	const uint8_t *seg = rs->base[pc->c];
	uint64_t sum = r[pc->y.vsum.acc], stride = 1ull << k, off = first, j = m;
	/* two elements a step: half the loop overhead of the plain loop */
	for (; j >= 2; j -= 2, off += 2 * stride)
		sum += *(const nx_u64u *)(seg + off) + *(const nx_u64u *)(seg + off + stride);
	if (j)
		sum += *(const nx_u64u *)(seg + off);
	RA = last - K;
	RDD = *(const nx_u64u *)(seg + last);
	RB = n;
	r[pc->y.vsum.acc] = sum;
	SKIP(5);
}

	/*
	 * The whole loop "do { t1 = i << 3; x = M64[D, t1 + K1]; [t2 = i << 3;]
	 * y = M64[S, t2 + K2]; z = x + y; M64[D, t1 + K1] = z; i++; } while (i < n)"
	 * (dst[i] += src[i]; 8 instructions, or 7 when one index register
	 * serves both loads: t2 = t1) in one cell: a = t1, b = i, imm = 3,
	 * c = D, d = x, x.vadd (K1, K2), y.vadd (n, t2, y, z, S, length).
	 * Elements are processed in order, so overlapping ranges behave as the
	 * plain code does.  Fallback and checks as for VSUM64.
	 */
L_VADD64: {
	uint64_t i = RB, n = r[pc->y.vadd.n];
	unsigned ss = pc->y.vadd.s;
	if (i >= n || LOOP_UNUSUAL(n, 3))
		goto L_SHLI;
	uint64_t m = n - i;
	uint64_t K1 = (uint64_t)(int64_t)pc->x.vadd.k1;
	uint64_t K2 = (uint64_t)(int64_t)pc->x.vadd.k2;
	uint64_t d0 = (i << 3) + K1, s0 = (i << 3) + K2;
#if NX_CHECKED
	uint64_t d1 = ((n - 1) << 3) + K1, s1 = ((n - 1) << 3) + K2;
	if (d0 > d1 || s0 > s1 || d0 < rs->wr[pc->c] || d1 >= rs->lim[3][pc->c] ||
	    s1 >= rs->lim[3][ss] || (uint64_t)fuel < m - 1)
		goto L_SHLI;
	fuel -= (int64_t)(m - 1);
#endif
	unsigned len = pc->y.vadd.len;
	CNT(len * m);
	/* dst and src point past the pairs; j runs from -(their bytes) up to
	 * 0, so the loop needs no bound register (the checked function has
	 * none to spare: a spilled bound cost a reload a step) */
	uint64_t pairs = (m & ~1ull) << 3;
	uint8_t *dst = rs->base[pc->c] + d0 + pairs;
	const uint8_t *src = rs->base[ss] + s0 + pairs;
	uint64_t xv = 0, yv = 0, zv = 0;
	/* two elements a step, each loaded after the previous store (the
	 * segments may overlap) */
	for (int64_t j = -(int64_t)pairs; j != 0; j += 16) {
		xv = *(nx_u64u *)(dst + j);
		yv = *(const nx_u64u *)(src + j);
		*(nx_u64u *)(dst + j) = xv + yv;
		xv = *(nx_u64u *)(dst + j + 8);
		yv = *(const nx_u64u *)(src + j + 8);
		zv = xv + yv;
		*(nx_u64u *)(dst + j + 8) = zv;
	}
	if (m & 1) {
		xv = *(nx_u64u *)dst;
		yv = *(const nx_u64u *)src;
		zv = xv + yv;
		*(nx_u64u *)dst = zv;
	}
	RA = (n - 1) << 3;
	RDD = xv;
	r[pc->y.vadd.t2] = (n - 1) << 3;
	r[pc->y.vadd.y] = yv;
	r[pc->y.vadd.z] = zv;
	RB = n;
	SKIP(len);
}

	/*
	 * The scheduler's pick loop "do { t = i << k; p = M[seg, t + K];
	 * if (s(p) > s(bp)) { bp = p; best = i + J; } i++; } while (i < n)"
	 * (SHLI; LD; JLES p,bp,+2; MOV bp,p; ADDI best,i,J; ADDI i,i,1;
	 * JLTU i,n,-7) in one cell: a = t, b = i, imm = k, c = seg, d = p,
	 * x.argmax (K, J), y.argmax (bp, best, n).  Checks and fallback as
	 * for VSUM64; the VM count is 5 per element plus 2 per new maximum,
	 * the fuel one per taken JLTU.
	 */
#define ARGMAX(name, T, lg) \
L_##name: { \
	uint64_t i = RB, n = r[pc->y.argmax.n]; \
	unsigned k = (unsigned)IMM & 63; \
	uint64_t K = (uint64_t)(int64_t)pc->x.argmax.k; \
	uint64_t J = (uint64_t)(int64_t)pc->x.argmax.j; \
	uint64_t m = n - i, first = (i << k) + K, last = ((n - 1) << k) + K; \
	if (i >= n || LOOP_UNUSUAL(n, k)) \
		goto L_SHLI; \
	ARGMAX_CHECK(lg) \
	const uint8_t *seg = rs->base[pc->c]; \
	uint64_t bp = r[pc->y.argmax.bp], bo = 0, ups = 0, stride = 1ull << k; \
	(void)m; \
	for (uint64_t off = first, stop = last + stride; off != stop; off += stride) { \
		uint64_t v = (uint64_t)(int64_t)*(const T *)(seg + off); \
		if (S(v) > S(bp)) { \
			bp = v; \
			bo = off; \
			ups++; \
		} \
	} \
	CNT(5 * m + 2 * ups); \
	if (ups) \
		r[pc->y.argmax.best] = i + ((bo - first) >> k) + J; \
	RA = last - K; \
	RDD = (uint64_t)(int64_t)*(const T *)(seg + last); \
	r[pc->y.argmax.bp] = bp; \
	RB = n; \
	SKIP(7); }
#if NX_CHECKED
#define ARGMAX_CHECK(lg) \
	if (first > last || last >= rs->lim[lg][pc->c] || (uint64_t)fuel < m - 1) \
		goto L_SHLI; \
	fuel -= (int64_t)(m - 1);
#else
#define ARGMAX_CHECK(lg)
#endif
	ARGMAX(ARGMAX_LDS32, nx_i32u, 2)
	ARGMAX(ARGMAX_LD64,  nx_u64u, 3)

fault:
	rs->fuel = fuel;
	rs->fault = (enum nx_fault)rc;
	rs->fault_cell = pc;
	rs->fault_ext = rs->ext;
	return hook ? nx_hook_end(hook, rs, rc, 0, NX_COUNTING ? rs->insns : 0) : (uint64_t)rc;
}

#undef CHK
#undef CHK_AT
#undef FUEL_TICK_AT
#undef RCC
#undef RDD
#undef ADDI_JB
#undef SHLI_LOAD
#undef ARGMAX
#undef ARGMAX_CHECK
#undef LOOP_UNUSUAL
#undef LDBE
#undef FUEL_TICK
#undef CNT
#undef DISPATCH
#undef NEXT
#undef SKIP
#undef FAULT
#undef RA
#undef RB
#undef RC
#undef IMM
#undef S
#undef BODY
#undef BODY_
#undef BODY__
#undef B_ALU
#undef B_DIV
#undef B_DIVI
#undef B_LOAD
#undef B_STORE
#undef B_BRANCH
#undef B_CALL
#undef B_RET
#undef NX_BODY_FN
#undef NX_BODY_FN_ALU
#undef NX_BODY_FN_DIV
#undef NX_BODY_FN_DIVI
#undef NX_BODY_FN_LOAD
#undef NX_BODY_FN_STORE
#undef NX_BODY_FN_BRANCH
#undef NX_BODY_FN_CALL
#undef NX_BODY_FN_RET
#undef NX_BODY_DEF
#undef H_ALU
#undef OPS
#undef H_DIV
#undef H_DIVI
#undef H_LOAD
#undef H_STORE
#undef H_BRANCH
#undef H_CALL
#undef H_RET
#undef NX_LG

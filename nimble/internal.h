/*
 * Engine internals shared by the loader, verifier, translator, the
 * threaded and reference interpreters and the registry.  Not for
 * embedders; tests and benchmarks may use the entry points at the bottom.
 */
#ifndef NIMBLE_INTERNAL_H
#define NIMBLE_INTERNAL_H

#include <nimble/nimble.h>

#define NX_FUEL_DEFAULT  1000000u /* backward branches + calls per run      */
#define NX_MAX_DEPTH     256      /* CALL nesting of one run (fault STACK)   */
#define NX_MAX_XDEPTH    8        /* XCALL nesting of one run (fault STACK)  */
#define NX_MAX_DATA      (1u << 20) /* data segment bytes                    */

/* Handler sets: which translation an extension's cells use. */
enum nx_set {
	NX_SET_UNCHECKED, /* trusted: no bounds checks, no fuel            */
	NX_SET_CHECKED,   /* untrusted: bounds, fuel                       */
	NX_SET_COUNTING,  /* checked, and counts executed VM instructions  */
	NX_SET_COUNT
};

/*
 * Handlers beyond the one-per-opcode ones (whose index is the opcode):
 * the backward-branch variant of each BRANCH-class instruction (it alone
 * costs fuel), and the superinstructions the translator fuses
 * (fuse.c lists the patterns; exec_body.h defines them next to the
 * plain instructions).
 *
 * NX_ISA(NX_ONLY_BRANCH) expands NX_ROW(name, fmt, expr) for each BRANCH
 * row of the table: define NX_ROW first.
 */
#define NX_ONLY_BRANCH(name, fmt, cls, e) NX_IS_BRANCH_##cls(NX_ROW(name, fmt, e))
#define NX_IS_BRANCH_BRANCH(x) x
#define NX_IS_BRANCH_ALU(x)
#define NX_IS_BRANCH_DIV(x)
#define NX_IS_BRANCH_DIVI(x)
#define NX_IS_BRANCH_LOAD(x)
#define NX_IS_BRANCH_STORE(x)
#define NX_IS_BRANCH_CALL(x)
#define NX_IS_BRANCH_RET(x)
#define NX_SUPERS(X) \
	X(ADDI_JLTU_B) X(ADDI_JLTS_B) X(ADDI_JNE_B) X(ADDI_JLTUI_B) X(MASKNE32) \
	X(SHLI_LD8) X(SHLI_LD16) X(SHLI_LD32) X(SHLI_LD64) X(SHLI_LDS8) X(SHLI_LDS16) X(SHLI_LDS32) \
	X(VSUM64) X(VADD64) X(ADDI_CALL) X(ARGMAX_LDS32) X(ARGMAX_LD64) \
	X(LDBE16) X(LDBE32) X(ADD_LOOP) X(MASKNE32_NA)

/*
 * Pairs: two plain instructions that often run one after the other, in one
 * handler with one dispatch (exec_body.h runs each instruction's body, the
 * same code its plain handler runs; fuse.c fuses a pair where both cells
 * are plain).  Chosen from dynamic pair counts over half A of the corpus
 * (fnv1a crc32 hprobe heap wfq lpm matvec; bench/pairs.sh, docs/engine.md):
 * every pair of at least 1.2% there, in that order, but those a
 * superinstruction above fuses already (SHLI LD64, ADDI JLTUI back).  A: not a
 * branch, call or return; B: not a call or return.
 *
 * Each pair has NX_PV_COUNT handlers, by how B reads A's result r[A.a]
 * (fuse.c picks one from the operands and live.c):
 *   NONE      A stores its result, B reads all its registers from the frame;
 *   DA/DB/DC  B's operand a/b/c is A's result and r[A.a] is dead after B
 *             (B reads it through that operand only): A's result stays in
 *             a host register, never stored nor reloaded (a fault ends
 *             the run: no one reads the frame after one).
 */
#define NX_PAIRS(X) \
	X(LD64, JLEU) X(ADD, SHLI) X(ANDI, JEQI) X(LD8, XOR) X(ADD, LD8) X(XOR, MUL) \
	X(MUL, ADDI) X(ADDI, JLTU) X(LD64, SHLI) X(LD64, JNE) X(SHRI, SHLI) X(XOR, JMP) \
	X(SHRI, XOR) X(SHRI, ADDI) X(LD64, MOVI) X(MUL, ADD) X(LD64, JNEI) X(SHR, ANDI) \
	X(MULI, SHR) X(ANDI, ADD) X(MOVI, MOVHI) X(MUL, SHRI) X(MOVHI, MUL) X(SHLI, ADD) \
	X(MULI, SHLI) X(LD64, JEQI) X(ADDI, JGTSI) X(LD64, MUL) X(LD64, ADD) X(ADD, ADDI) \
	X(ADDI, LD64)

enum nx_pair_variant { NX_PV_NONE, NX_PV_DA, NX_PV_DB, NX_PV_DC, NX_PV_COUNT };
/* X(A, B, V) for each variant V of pair A B (the labels and handlers of exec_body.h). */
#define NX_PV_EACH(X, A, B) X(A, B, 0) X(A, B, 1) X(A, B, 2) X(A, B, 3)
_Static_assert(NX_PV_COUNT == 4, "NX_PV_EACH names each variant");

/* Each opcode's class and the registers it reads (NX_FA/FB/FC) as
 * constants: a pair handler asks whether B branches, and has no link
 * variant for an operand B does not read. */
enum {
#define NX_FREADS_ROW(name, fields, reads, writes, ops, doc) NX_FREADS_##name = (reads),
	NX_FORMATS(NX_FREADS_ROW)
#undef NX_FREADS_ROW
};
enum {
#define NX_CLASS_OF_ROW(name, fmt, cls, e) NX_CLASS_OF_##name = NX_K_##cls, NX_READS_OF_##name = NX_FREADS_##fmt,
	NX_ISA(NX_CLASS_OF_ROW)
#undef NX_CLASS_OF_ROW
};

enum nx_handler {
	NX_H_LAST_OP = NX_OP_COUNT - 1,
#define NX_ROW(name, fmt, e) NX_H_##name##_B,
	NX_ISA(NX_ONLY_BRANCH)
#undef NX_ROW
#define NX_H_SUPER(name) NX_H_##name,
	NX_SUPERS(NX_H_SUPER)
#undef NX_H_SUPER
#define NX_H_PAIR(A, B) NX_H_PAIR_##A##_##B, NX_H_PAIR_##A##_##B##_END = NX_H_PAIR_##A##_##B + NX_PV_COUNT - 1,
	NX_PAIRS(NX_H_PAIR)
#undef NX_H_PAIR
	NX_H_WATCH,     /* no cell's: where the watchdog moves a dispatch */
	NX_H_COUNT
};
/* The pairs' handlers are consecutive, just before NX_H_WATCH: pair k's
 * variant v is NX_H_PAIR_FIRST + k * NX_PV_COUNT + v. */
#define NX_PAIR_ONE(A, B) + 1
enum { NX_NPAIRS = 0 NX_PAIRS(NX_PAIR_ONE), NX_H_PAIR_FIRST = NX_H_WATCH - NX_NPAIRS * NX_PV_COUNT };
#undef NX_PAIR_ONE


/*
 * The operands a superinstruction's cell carries for the later
 * instructions of its sequence, laid out once here: fuse.c packs them,
 * exec_body.h unpacks them, both through these members of the cell's x
 * and y.  The first instruction's own operands stay in a, b and imm (so
 * a fused handler can fall back to that instruction's plain one); c and
 * d hold one more register or segment each (exec_body.h says which).
 *   VSUM64      x.k = the load's K      y.vsum (acc, n)
 *   VADD64      x.vadd (K1, K2)         y.vadd (n, t2, y, z, S, len)
 *   ARGMAX_*    x.argmax (K, J)         y.argmax (bp, best, n)
 *   MASKNE32*   x.t = the JNE's target  y.mask (v, t, K2)
 *   ADD_LOOP                            y.loop (n, known, J)
 *   SHLI_LD*    x.k = the load's K
 *   ADDI_J*_B   x.t = the branch's target (ADDI_JLTUI_B: y.k = its constant)
 */
struct nx_vsum_ops   { uint8_t acc, n; };
struct nx_vadd_k     { int32_t k1, k2; };        /* dst[i] at D + K1, src[i] at S + K2 */
struct nx_vadd_ops   { uint8_t n, t2, y, z, s, len; };   /* s: S's segment; len: 7 or 8 */
struct nx_argmax_k   { int32_t k, j; };          /* the field at K, best = i + J */
struct nx_argmax_ops { uint8_t bp, best, n; };
struct nx_mask_ops   { uint8_t v, t; int32_t k2; };      /* t's load at K2 */
struct nx_loop_ops   { uint8_t n, known; int32_t j; };   /* known: a trip count */

/*
 * One cell of direct-threaded code.  Cell i translates instruction i of
 * CODE (so a cell's index is its instruction's index); a superinstruction
 * lives in the cell of its first instruction and jumps past the rest,
 * whose own cells stay valid for branches into the middle.
 */
struct nx_cell {
	const void *h;          /* handler address (labels-as-values)        */
	uint8_t a, b, c, d;     /* registers / segment, pre-decoded          */
	int32_t imm;            /* sign-extended immediate                   */
	union {
		int64_t k;            /* second immediate (fused ops)        */
		const struct nx_cell *t; /* branch target cell               */
		uint32_t f;           /* callee function / import index      */
		struct nx_vadd_k vadd;
		struct nx_argmax_k argmax;
	} x;
	union {                 /* further operands of superinstructions     */
		int64_t k;
		struct nx_vsum_ops vsum;
		struct nx_vadd_ops vadd;
		struct nx_argmax_ops argmax;
		struct nx_mask_ops mask;
		struct nx_loop_ops loop;
	} y;
};
_Static_assert(sizeof(struct nx_cell) == 32, "a cell is 32 bytes (docs/engine.md)");

/* A function as the engine keeps it. */
struct nx_fn {
	uint32_t name;          /* STRTAB offset                              */
	uint32_t start, len;    /* instruction range in CODE                  */
	uint8_t nregs, nargs;
	uint8_t small;          /* no CALL/XCALL, nregs <= NX_SMALL_REGS (run.c) */
	uint8_t zlo, zn;        /* an entry zeroes r[zlo .. zlo + zn) (zero.c)     */
	uint64_t obs;           /* registers a caller may read after its RET
	                         * (zero.c; all when not analysed)            */
};

/* An inserted extension. */
struct nx_ext {
	struct nx_ext *next;    /* registry list                              */
	struct nx_attach *att;  /* its hook attachments (sibling chain)       */
	char name[NX_NAME_MAX + 1];
	char source[NX_SOURCE_MAX + 1];   /* SOURCE, or "" */
	enum nx_trust trust;
	uint32_t owner;
	enum nx_set set;        /* which handler set the cells use            */

	char *strtab;  uint32_t strtab_len;
	struct nx_fn *fn;       uint32_t nfn;
	uint64_t *code;         uint32_t ncode;  /* kept for ref + retranslation */
	struct nx_cell *cells;  /* ncode + 1 (a final sentinel)               */
	uint8_t *data;          uint32_t data_len;
	struct nx_hook *hooks;  uint32_t nhooks;
	struct nx_export *exports; uint32_t nexports;
	uint8_t *helper;        uint32_t nhelpers;  /* HCALL imm -> helper id */
	struct nx_ext **ximp;   uint32_t nximp;     /* XCALL imm -> provider  */
	uint32_t *ximp_fn;      /* XCALL imm -> provider's function           */
	uint32_t *ximp_name;    /* XCALL imm -> STRTAB offsets (ext, export)  */
	struct nx_line *lines;  uint32_t nlines;

	uint8_t segs;           /* bit s: a load/store names segment s, so a
	                         * checked run needs its limits (registry.c) */
	uint8_t reach;          /* bit s: a run may touch segment s at all
	                         * (segs, or every one if it imports a helper
	                         * taking segment numbers or makes XCALLs) */
	int inflight;           /* runs in progress (atomic)                  */
	int dying;              /* remove in progress (atomic)                */
	struct nx_stats st;
	size_t bytes;           /* everything this extension allocated        */
};

/* One run.  struct nx_run is the per-run state and lives on the entering
 * caller's C stack; a function that calls (CALL, XCALL) also needs the
 * deep stacks of struct nx_run_mem, which are big and so cached (run.c).
 * A "small" function (struct nx_fn.small: no CALL or XCALL, at most
 * NX_SMALL_REGS registers) runs with its registers on the C stack and no
 * nx_run_mem: most hook entries are small, and their entry is then free of
 * atomics and of 37 KB of memory.  */
#define NX_SMALL_REGS 16

struct nx_frame_rec {
	const struct nx_cell *ret;   /* where the caller continues           */
	uint64_t *r;                 /* the caller's frame                   */
};

struct nx_run_mem {
	struct nx_frame_rec frames[NX_MAX_DEPTH];
	uint64_t stack[NX_STACK_SLOTS];
};

/* rs->fault of a run the watchdog has seen (L_WATCH, exec_body.h): no
 * fault kind, so the first visit can tell a new run from a seen one. */
#define NX_RUN_WATCHED NX_FAULT_COUNT

struct nx_run {
	struct nx_env *env;
	struct nx_ext *ext;          /* extension currently executing        */
	int64_t fuel;                /* 0 .. INT64_MAX                       */
	enum nx_fault fault;         /* set by a helper or at a fault; or
	                                NX_RUN_WATCHED (the watchdog saw it) */
	uint64_t code;               /* abort code (valid with a fault)      */
	uint64_t insns;              /* counting set only                    */
	const struct nx_cell *fault_cell;
	struct nx_ext *fault_ext;
	const struct nx_cell *pc;    /* where exec(NULL, NULL, rs) starts     */
	uint64_t *r;                 /*   and the frame it starts with        */
	/* Call records: fp is where the running exec invocation's begin (its
	 * RET there leaves; an XCALL sets it for the callee and restores it;
	 * NULL in a small run, which makes no calls), fend their end;
	 * stack_end bounds the register stack (both unused in a small run). */
	struct nx_frame_rec *fp, *fend;
	uint64_t *stack_end;
	unsigned depth;              /* reference interpreter's CALL depth    */
	unsigned xdepth;             /* XCALL nesting                        */
	/* Segments: base[s] is valid for s in `bases` (the segments the code
	 * loads from or stores to: ext->segs); len, wr and lim for s in
	 * `limits` (a checked set's segments).  Helpers do not use them: they
	 * ask env and ext (nx_run_seg). */
	unsigned bases, limits;
	uint8_t *base[NX_SEG_COUNT];
	uint64_t len[NX_SEG_COUNT];
	/* Indexed [log2 width][segment] so a handler's constant width and the
	 * cell's segment make one scaled address: off < lim[w][s] <=> 1 << w
	 * bytes at off fit; a store also needs off >= wr[s]. */
	uint64_t lim[4][NX_SEG_COUNT];
	uint64_t wr[NX_SEG_COUNT];
};

/*
 * exec.c: the threaded interpreters, one function per handler set, of
 * type nx_solo_fn (nimble.h).  Every handler is a label inside it, so
 * each way in is a call of it; the arguments tell which:
 *   hook entry  exec(solo, env, NULL), as solo->run from nx_fire and
 *               nx_fire_all: runs hook attachment solo's entry function,
 *               which must be small, from entry to end (one frame for the
 *               whole run); returns the hook's answer, the default after
 *               a fault or if the extension is going away
 *   resume      exec(NULL, NULL, rs), as nx_exec_resume(set, rs) (run.h):
 *               continues run rs at rs->pc with frame rs->r; returns 0 or
 *               the fault kind
 *   labels      exec(NULL, NULL, NULL), once, from nx_labels(set) (the
 *               translator's way to the set's handler addresses, indexed
 *               by enum nx_handler): stores them for nx_labels
 */
typedef nx_solo_fn nx_exec_fn;

/* One attachment of a hook: the registry keeps one list per hook, in
 * firing order (registry.c); nx_fire (run.c) walks it. */
struct nx_attach {
	struct nx_solo solo;    /* first: arg, and run for a small entry  */
	struct nx_attach *next;
	struct nx_attach *sibling; /* the extension's other attachments  */
	struct nx_ext *ext;
	const struct nx_fn *fn;  /* the hook's entry in ext                */
	const struct nx_cell *entry; /* its first cell (cells are rewritten
	                         * in place by a retranslation)           */
	uint8_t zlo, zn;        /* the entry's zero range (nx_fn's)        */
	uint8_t prep;           /* segments to set up or registers to zero */
	uint32_t hook, prio;
	uint64_t seq;
	int ejected;            /* atomic: too many faults, skipped by fire */
};
extern struct nx_attach *nx_attached[NX_HOOK_COUNT];
void nx_attach_retarget(struct nx_ext *e);   /* after a retranslation */
void nx_attach_eject(struct nx_attach *a);

/* The first attachment of hook, or NULL (also for a hook id out of range). */
static inline struct nx_attach *nx_hook_first(enum nx_hook_id hook)
{
	if ((unsigned)hook >= NX_HOOK_COUNT)
		return NULL;
	return __atomic_load_n(&nx_attached[hook], __ATOMIC_ACQUIRE);
}

/* load.c: parse and verify an object into a fresh, unregistered ext. */
int nx_load(const void *obj, size_t len, struct nx_ext **out, struct nx_error *err);
void nx_ext_free(struct nx_ext *ext);
void *nx_alloc_zero(struct nx_ext *ext, size_t size);
const char *nx_str(const struct nx_ext *ext, uint32_t off);
int nx_errf(struct nx_error *err, int code, int32_t func, int32_t insn, const char *fmt, ...);
int32_t nx_func_of(const struct nx_ext *ext, uint32_t insn);

/* verify.c: every instruction of every function; hook/helper rules. */
int nx_verify(struct nx_ext *ext, struct nx_error *err);

/* translate.c: (re)build ext->cells for a handler set (decode.c, zero.c,
 * fuse.c; translate.h). */
void nx_translate(struct nx_ext *ext, enum nx_set set);

nx_exec_fn nx_exec_unchecked, nx_exec_checked, nx_exec_counting;
extern nx_exec_fn *const nx_exec_set[NX_SET_COUNT];
const void *const *nx_labels(enum nx_set set);

/* run.c */
/* A run state for the reference interpreter: every segment's limits, the
 * deep stacks in mem. */
void nx_run_setup(struct nx_run *rs, struct nx_run_mem *mem, struct nx_ext *ext, struct nx_env *env);
/* Mark the small functions of ext (at insert). */
void nx_mark_small(struct nx_ext *ext);
int nx_run_xcall(struct nx_run *rs, struct nx_ext *callee, uint32_t func, uint64_t *r);
uint64_t nx_call_helper(struct nx_run *rs, unsigned id, uint64_t *args);
void nx_run_cache_drain(void);   /* free cached run states (leak checks) */
/* The switch-dispatch reference interpreter: same contract as nx_run. */
int nx_run_ref(struct nx_ext *ext, uint32_t func, struct nx_env *env,
	       const uint64_t *args, unsigned nargs, struct nx_result *res);
/* When set (benchmarks), the reference interpreter counts executed
 * instruction pairs here: [first][second], the second reached by falling
 * through from the first (bench/pairs.sh chooses superinstructions). */
extern uint64_t (*nx_ref_pairs)[NX_OP_COUNT];
/* Retranslate an extension for another handler set (tests, bench: compare
 * checked and unchecked on identical code; counting for nxrun). */
void nx_ext_set_mode(struct nx_ext *ext, enum nx_set set);


#endif /* NIMBLE_INTERNAL_H */

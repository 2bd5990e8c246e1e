/*
 * Nimble, through libnimble.a, in one of four modes:
 *   unchecked  the object inserted as trusted: direct-threaded code with
 *              the unchecked handler set (nx_insert + nx_run)
 *   checked    the object inserted as untrusted: the checked set
 *   ref        the switch-dispatch reference interpreter (nx_run_ref)
 *   count      the counting set (nx_ext_set_mode); also prints "vminsns N", the VM
 *              instructions the run executed
 * The workloads are the .ext files in bench/workloads, compiled by extc; the trust
 * each object asks for is set in its header before the insert, so every
 * mode runs the very same bytecode.  libnimble.a brings the host embedding
 * (memory, console, helpers).  Per-call workloads fire one run per
 * call with the hook's context filled in, as the kernel does.  Untrusted
 * runs get an unlimited fuel budget: the loops here are long on purpose.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "internal.h"   /* nx_run_ref, nx_ext_set_mode, nx_load, nx_verify,
                           nx_translate: the engine's bench entry points */

const char *const sys_name = "nimble";
const int sys_has_mode = 1;

/* M_PAIRS: the reference interpreter, counting executed instruction
 * pairs (nx_ref_pairs), printed at exit for bench/pairs.sh. */
enum mode { M_UNCHECKED, M_CHECKED, M_REF, M_COUNT, M_PAIRS };
static enum mode mode;
static int by_ref;            /* M_REF, M_PAIRS: runs go to nx_run_ref */

/* One workload object, loaded on first use. */
struct obj {
	const char *file;       /* under BENCH_NX_DIR                       */
	void *bytes;
	size_t len;
	struct nx_ext *ext;
	uint32_t func;          /* the hook's entry function "run"          */
	enum nx_hook_id hook;   /* the hook "run" is attached to (argument 0) */
};

static struct obj o_loop = { .file = "loop.nx" }, o_fib = { .file = "fib.nx" },
	o_sched = { .file = "sched.nx" }, o_packet = { .file = "packet.nx" },
	o_sum = { .file = "sum.nx" }, o_vadd = { .file = "vadd.nx" }, o_entry = { .file = "entry.nx" };
static struct obj *const all_objs[] = { &o_loop, &o_fib, &o_sched, &o_packet, &o_sum,
					&o_vadd, &o_entry };
#define NOBJS (sizeof all_objs / sizeof all_objs[0])

static struct nx_env env;
static union { struct nx_ctx_trap trap; struct nx_ctx_sched sched; struct nx_ctx_net net; } ctx;
static int64_t y[BENCH_VLEN];

static int obj_read(struct obj *o)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", BENCH_NX_DIR, o->file);
	FILE *f = fopen(path, "rb");
	if (!f) {
		bench_fail("cannot open %s", path);
		return -1;
	}
	o->bytes = malloc(NX_MAX_OBJECT);
	o->len = o->bytes ? fread(o->bytes, 1, NX_MAX_OBJECT, f) : 0;
	fclose(f);
	if (o->len < sizeof(struct nx_header)) {
		bench_fail("%s: not an .nx object", path);
		return -1;
	}
	/* The mode decides the trust asked for (the header is ours to set). */
	((struct nx_header *)o->bytes)->trust =
		mode == M_UNCHECKED ? NX_TRUST_TRUSTED : NX_TRUST_UNTRUSTED;
	return 0;
}

static int obj_insert(struct obj *o, struct nx_ext **out)
{
	struct nx_error err;
	int rc = nx_insert(o->bytes, o->len, 0, 1, out, &err);
	if (rc < 0)
		bench_fail("%s: insert refused: %s", o->file, err.msg);
	return rc;
}

/* Insert o once; 0 or -1. */
static int obj_load(struct obj *o)
{
	if (o->ext)
		return 0;
	if (!o->bytes && obj_read(o) != 0)
		return -1;
	if (obj_insert(o, &o->ext) < 0)
		return -1;
	int f = nx_ext_func(o->ext, "run");
	if (f < 0) {
		bench_fail("%s has no function run", o->file);
		return -1;
	}
	o->func = (uint32_t)f;
	o->hook = (enum nx_hook_id)__builtin_ctz(nx_ext_hooks(o->ext) | 1u << NX_HOOK_COUNT);
	if (mode == M_COUNT)
		nx_ext_set_mode(o->ext, NX_SET_COUNTING);
	return 0;
}

static void seg_set(int s, void *base, uint64_t len, uint64_t wr_lo)
{
	env.seg[s] = (struct nx_seg){ base, len, wr_lo };
}

/* A fresh event: a zeroed CTX of len bytes, writable from wr_lo, no
 * buffers, on behalf of application 1. */
static void env_reset(void *c, uint64_t len, uint64_t wr_lo)
{
	memset(&env, 0, sizeof env);
	env.fuel = UINT64_MAX;   /* no run here is long enough to stop */
	memset(&ctx, 0, sizeof ctx);
	seg_set(NX_SEG_CTX, c, len, wr_lo);
	env.owner = 1;
}

/* One run of o's entry in the current mode, the way a node runs it on an
 * event: nx_fire on its hook (the reference interpreter: nx_run_ref).
 * Returns the result, or exits on a fault (a benchmark that faults
 * measures nothing): the extension's fault counter is one load. */
static inline __attribute__((always_inline)) uint64_t fire(struct obj *o)
{
	struct nx_result res;
	if (!by_ref) {
		uint64_t v = nx_fire(o->hook, 0, &env, NULL);
		if (__builtin_expect(o->ext->st.faults != 0, 0)) {
			bench_fail("%s: run faulted: %s at insn %u", o->file,
				   nx_fault_name(o->ext->st.last_fault), o->ext->st.last_insn);
			exit(1);
		}
		return v;
	}
	int rc = nx_run_ref(o->ext, o->func, &env, NULL, 0, &res);
	if (rc < 0 || res.fault != NX_FAULT_NONE) {
		bench_fail("%s: run failed (%d): fault %s at insn %u", o->file, rc,
			   nx_fault_name(res.fault), res.insn);
		exit(1);
	}
	return res.value;
}

/* Count mode: report the VM instructions executed since the mark. */
static uint64_t vm_mark(struct obj *o)
{
	struct nx_stats st;
	nx_ext_stats(o->ext, &st);
	return st.insns;
}

static void vm_report(struct obj *o, uint64_t mark)
{
	if (mode == M_COUNT)
		printf("vminsns %llu\n", (unsigned long long)(vm_mark(o) - mark));
}

/* ---- trap workloads: loop, fib, sum, vadd, entry ---- */

static uint64_t trap_setup(struct obj *o, uint64_t per)
{
	if (obj_load(o) != 0)
		return 0;
	env_reset(&ctx.trap, sizeof ctx.trap, NX_CTX_TRAP_WR);
	seg_set(NX_SEG_BUF0, bench_x, sizeof bench_x, 0);
	seg_set(NX_SEG_BUF1, y, sizeof y, 0);
	ctx.trap.buf_len = sizeof bench_x;
	ctx.trap.aux_len = sizeof y;
	memcpy(y, bench_y0, sizeof y);
	return per;
}

/* n runs with ctx.arg[0] = arg; the sum of the results. */
static uint64_t trap_runs(struct obj *o, uint64_t n, uint64_t arg)
{
	uint64_t s = 0, mark = vm_mark(o);
	ctx.trap.arg[0] = arg;
	for (uint64_t i = 0; i < n; i++)
		s += fire(o);
	vm_report(o, mark);
	return s;
}

static uint64_t loop_setup(void) { return trap_setup(&o_loop, 1); }
static uint64_t loop_run(uint64_t n) { return trap_runs(&o_loop, 1, n); }
static uint64_t fib_setup(void) { return trap_setup(&o_fib, bench_fib_calls(BENCH_FIB_ARG)); }
static uint64_t fib_run(uint64_t n) { return trap_runs(&o_fib, n, BENCH_FIB_ARG); }
static uint64_t sum_setup(void) { return trap_setup(&o_sum, BENCH_VLEN); }
static uint64_t sum_run(uint64_t n) { return trap_runs(&o_sum, n, 0); }
static uint64_t vadd_setup(void) { return trap_setup(&o_vadd, BENCH_VLEN); }
static uint64_t entry_setup(void) { return trap_setup(&o_entry, 1); }
static uint64_t entry_run(uint64_t n) { return trap_runs(&o_entry, n, 0) + n; }

static uint64_t vadd_run(uint64_t n)
{
	uint64_t s = 0;
	trap_runs(&o_vadd, n, 0);
	for (int i = 0; i < BENCH_VLEN; i++)
		s += (uint64_t)y[i];
	return s;
}

/* ---- sched_pick: BUF0 = struct nx_task_view[ntasks] ---- */

static uint64_t sched_setup(void)
{
	if (obj_load(&o_sched) != 0)
		return 0;
	env_reset(&ctx.sched, sizeof ctx.sched, NX_CTX_SCHED_WR);
	return 1;
}

static uint64_t sched_run(uint64_t n, uint32_t ntasks)
{
	uint64_t s = 0, mark = vm_mark(&o_sched);
	uint64_t len = ntasks * sizeof(struct nx_task_view);
	seg_set(NX_SEG_BUF0, bench_tasks, len, len);
	ctx.sched.ntasks = ntasks;
	for (uint64_t i = 0; i < n; i++)
		s += fire(&o_sched);
	vm_report(&o_sched, mark);
	return s;
}
static uint64_t sched8_run(uint64_t n) { return sched_run(n, 8); }
static uint64_t sched64_run(uint64_t n) { return sched_run(n, 64); }
static uint64_t sched1024_run(uint64_t n) { return sched_run(n, 1024); }

/* ---- net_rx: BUF0 = the frame, read-only ---- */

static uint64_t packet_setup(void)
{
	if (obj_load(&o_packet) != 0)
		return 0;
	env_reset(&ctx.net, sizeof ctx.net, NX_CTX_NET_WR);
	ctx.net.len = BENCH_FRAME_LEN;
	return 1;
}

static uint64_t packet_run(uint64_t n)
{
	uint64_t s = 0, mark = vm_mark(&o_packet);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t f = i % BENCH_NFRAMES;
		seg_set(NX_SEG_BUF0, bench_frames[f], BENCH_FRAME_LEN, BENCH_FRAME_LEN);
		s += fire(&o_packet) * (f + 1);
	}
	vm_report(&o_packet, mark);
	return s;
}

/* ---- the corpus: one hook call per operation (bench.h, BENCH_CORPUS) ----
 * TRAP kinds: BUF0 = the workload's input, read-only, ctx.arg[0] = i,
 * ctx.arg[1] = its key; FRAME: BUF0 = frame i % BENCH_NFRAMES; SCHED: the
 * view of the first BENCH_CTASKS tasks, ctx.now = i. */

#define CORPUS_OBJ(name) { .file = "corpus/" #name ".nx" },
static struct obj corpus_objs[] = { BENCH_CORPUS(CORPUS_OBJ) };
static const char *const corpus_names[] = {
#define CORPUS_NAME(name) #name,
	BENCH_CORPUS(CORPUS_NAME)
};
static const struct corpus_work *corpus_cur;
static struct obj *corpus_obj;

static uint64_t corpus_setup(void)
{
	corpus_cur = corpus_find(bench_work_name);
	corpus_obj = NULL;
	for (size_t k = 0; corpus_cur && k < sizeof corpus_names / sizeof *corpus_names; k++)
		if (strcmp(corpus_names[k], corpus_cur->name) == 0)
			corpus_obj = &corpus_objs[k];
	if (!corpus_obj) {
		bench_fail("not a corpus workload");
		return 0;
	}
	if (obj_load(corpus_obj) != 0)
		return 0;
	if (corpus_cur->kind == CORPUS_SCHED) {
		uint64_t len = BENCH_CTASKS * sizeof(struct nx_task_view);
		env_reset(&ctx.sched, sizeof ctx.sched, NX_CTX_SCHED_WR);
		seg_set(NX_SEG_BUF0, bench_tasks, len, len);
		ctx.sched.ntasks = BENCH_CTASKS;
		return 1;
	}
	env_reset(&ctx.trap, sizeof ctx.trap, NX_CTX_TRAP_WR);
	if (corpus_cur->kind == CORPUS_TRAP) {
		/* The input is the caller's, read-only: writable from its end. */
		seg_set(NX_SEG_BUF0, (void *)corpus_cur->in, corpus_cur->in_len, corpus_cur->in_len);
		ctx.trap.buf_len = (uint32_t)corpus_cur->in_len;
	} else {
		ctx.trap.buf_len = BENCH_FRAME_LEN;
	}
	return 1;
}

static uint64_t corpus_run(uint64_t n)
{
	uint64_t s = 0, mark = vm_mark(corpus_obj);
	for (uint64_t i = 0; i < n; i++) {
		if (corpus_cur->kind == CORPUS_SCHED) {
			ctx.sched.now = i;
		} else {
			if (corpus_cur->kind == CORPUS_FRAME)
				seg_set(NX_SEG_BUF0, bench_frames[i % BENCH_NFRAMES],
					BENCH_FRAME_LEN, BENCH_FRAME_LEN);
			ctx.trap.arg[0] = i;
			ctx.trap.arg[1] = corpus_key(corpus_cur, i);
		}
		s += fire(corpus_obj);
	}
	vm_report(corpus_obj, mark);
	return s;
}

/* ---- insert cost: per bytecode instruction of all the objects ----
 * insert     nx_insert + nx_remove: load, verify, translate, attach
 * verify     nx_verify alone, on objects loaded (nx_load) in setup
 * translate  nx_translate alone into this mode's handler set */

/* Instructions in o's CODE section; 0 (after saying why) if the section
 * table is not inside the file or there is no CODE. */
static uint64_t code_count(const struct obj *o)
{
	const struct nx_header *h = o->bytes;
	const struct nx_section *s = (const struct nx_section *)((const uint8_t *)o->bytes + h->sect_off);
	if (h->sect_off > o->len || h->nsect > (o->len - h->sect_off) / sizeof *s) {
		bench_fail("%s: section table outside the file", o->file);
		return 0;
	}
	for (uint32_t i = 0; i < h->nsect; i++)
		if (s[i].kind == NX_SECT_CODE)
			return s[i].count;
	bench_fail("%s: no CODE section", o->file);
	return 0;
}

/* Operations: the bytecode instructions of all the objects. */
static uint64_t insert_setup(void)
{
	uint64_t insns = 0;
	for (size_t i = 0; i < NOBJS; i++) {
		if (!all_objs[i]->bytes && obj_read(all_objs[i]) != 0)
			return 0;
		uint64_t c = code_count(all_objs[i]);
		if (!c)
			return 0;
		insns += c;
	}
	return insns;
}

static struct nx_ext *loaded[NOBJS];

static uint64_t loaded_setup(void)
{
	uint64_t insns = insert_setup();
	for (size_t i = 0; insns && i < NOBJS; i++) {
		struct nx_error err;
		if (!loaded[i] && nx_load(all_objs[i]->bytes, all_objs[i]->len, &loaded[i], &err)) {
			bench_fail("%s: load refused: %s", all_objs[i]->file, err.msg);
			return 0;
		}
	}
	return insns;
}

static uint64_t verify_run(uint64_t n)
{
	uint64_t s = 0;
	for (uint64_t i = 0; i < n; i++)
		for (size_t k = 0; k < NOBJS; k++) {
			struct nx_error err;
			if (nx_verify(loaded[k], &err) != 0) {
				bench_fail("%s: verifier refused: %s", all_objs[k]->file, err.msg);
				exit(1);
			}
			s++;
		}
	return s;
}

static uint64_t translate_run(uint64_t n)
{
	enum nx_set set = mode == M_UNCHECKED ? NX_SET_UNCHECKED : NX_SET_CHECKED;
	uint64_t s = 0;
	for (uint64_t i = 0; i < n; i++)
		for (size_t k = 0; k < NOBJS; k++) {
			nx_translate(loaded[k], set);
			s += loaded[k]->ncode;
		}
	return s;
}

static uint64_t insert_run(uint64_t n)
{
	uint64_t s = 0;
	for (uint64_t i = 0; i < n; i++)
		for (size_t k = 0; k < NOBJS; k++) {
			struct nx_ext *e;
			if (obj_insert(all_objs[k], &e) < 0 || nx_remove(e) != 0)
				exit(1);
			s++;
		}
	return s;
}

/* Insert costs first: the ref and count modes run the table from
 * NINSERT on (they run the same inserted code, so their insert rows would
 * measure nothing new). */
#define NINSERT 3
static const struct bench_work works[] = {
	{ "insert", insert_setup, insert_run },
	{ "verify", loaded_setup, verify_run },
	{ "translate", loaded_setup, translate_run },
	{ "loop", loop_setup, loop_run },
	{ "fib", fib_setup, fib_run },
	{ "sched8", sched_setup, sched8_run },
	{ "sched64", sched_setup, sched64_run },
	{ "sched1024", sched_setup, sched1024_run },
	{ "packet", packet_setup, packet_run },
	{ "sum", sum_setup, sum_run },
	{ "vadd", vadd_setup, vadd_run },
	{ "entry", entry_setup, entry_run },
#define CORPUS_WORK(name) { #name, corpus_setup, corpus_run },
	BENCH_CORPUS(CORPUS_WORK)
	{ NULL, NULL, NULL },
};

const struct bench_work *sys_works = works;

static uint64_t pairs[NX_OP_COUNT][NX_OP_COUNT];

static void pairs_print(void)
{
	for (unsigned i = 0; i < NX_OP_COUNT; i++)
		for (unsigned j = 0; j < NX_OP_COUNT; j++)
			if (pairs[i][j])
				printf("pair %s %s %llu\n", nx_op_name(i), nx_op_name(j),
				       (unsigned long long)pairs[i][j]);
}

int sys_init(const char *m)
{
	static const char *const names[] = { "unchecked", "checked", "ref", "count", "pairs" };
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(m, names[i]) == 0) {
			mode = (enum mode)i;
			if (mode == M_REF || mode == M_COUNT || mode == M_PAIRS)
				sys_works = works + NINSERT;
			by_ref = mode == M_REF || mode == M_PAIRS;
			if (mode == M_PAIRS) {
				nx_ref_pairs = pairs;
				atexit(pairs_print);
			}
			return 0;
		}
	fprintf(stderr, "bench-nimble: unknown mode '%s' (unchecked, checked, ref, count, pairs)\n", m);
	return -1;
}

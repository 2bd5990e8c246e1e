/*
 * The benchmark harness: one small program per system under test, all
 * with the same command line and output, so that bench/run.sh can time
 * and count every system the same way.
 *
 *   bench-SYS [MODE] WORKLOAD N RUNS
 *
 * runs WORKLOAD once untimed (its result is the one printed and checked
 * against native C), then RUNS more times, each timed with
 * CLOCK_MONOTONIC around N operations only; setup is never timed.
 * Output, one item a line:
 *   result <u64 checksum>      the same for every system at the same N
 *   ops <count>                operations in one run (N times the unit)
 *   ns <nanoseconds>           one line per timed run (N operations)
 * Exit status: 0 ok, 3 the system does not have this workload, 1 error
 * (with a message on stderr naming the system and workload), 64 usage.
 *
 * The data every system works on comes from data.c (deterministic), so
 * the checksums agree only if each system computes the same answers.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>
#include "nimble/hooks.h"

/* Workload sizes. */
#define BENCH_NTASKS_MAX 1024   /* scheduler pick: N = 8, 64 or 1024     */
#define BENCH_NRULES     16     /* packet match: K rules                 */
#define BENCH_NFRAMES    64     /* distinct frames, used round robin     */
#define BENCH_FRAME_LEN  64     /* bytes per frame                       */
#define BENCH_VLEN       4096   /* reduction: int64 elements per vector  */

/* Frame layout (Ethernet II, IPv4 without options, TCP/UDP ports). */
#define BENCH_OFF_PROTO 23
#define BENCH_OFF_SRC   26
#define BENCH_OFF_DST   30
#define BENCH_OFF_SPORT 34
#define BENCH_OFF_DPORT 36

/* A packet rule: field & mask == value for all five fields
 * (src, dst, sport, dport, proto).  The first matching rule wins. */
struct bench_rule {
	uint32_t val[5];
	uint32_t mask[5];
};

extern const struct bench_rule bench_rules[BENCH_NRULES];
extern struct nx_task_view bench_tasks[BENCH_NTASKS_MAX];
extern uint8_t bench_frames[BENCH_NFRAMES][BENCH_FRAME_LEN];
extern int64_t bench_x[BENCH_VLEN], bench_y0[BENCH_VLEN];

/* Fill the tables above; idempotent. */
void data_init(void);
/* The reference answers, in plain C, used by data_check (tests of the
 * data itself) and by native C. */
uint64_t data_pick(const struct nx_task_view *t, uint64_t n);
uint64_t data_match(const uint8_t *frame);

/*
 * One workload of one system.  run performs n units of work and returns
 * the checksum; setup prepares one run (it may reset state, e.g. the
 * vector that vadd accumulates into) and returns the operations in one
 * unit (1 for a per-call workload, BENCH_VLEN for a vector pass, the calls
 * of one fib(BENCH_FIB_ARG)), or 0 after bench_fail.  Names: loop fib
 * sched8 sched64 sched1024 packet sum vadd entry insert, and the corpus
 * (BENCH_CORPUS below).
 */
struct bench_work {
	const char *name;
	uint64_t (*setup)(void);
	uint64_t (*run)(uint64_t n);
};

/* Provided by each system: its workloads (ending with a null name), its
 * one-time initialisation from the mode argument (NULL if none given),
 * and whether it takes a mode argument. */
extern const struct bench_work *sys_works;
extern const char *const sys_name;
extern const int sys_has_mode;
int sys_init(const char *mode);

/*
 * The corpus (bench/README.md, "Corpus"): general extensions as an author
 * would write them, one hook call per operation.  Call i gets
 * ctx.arg[0] = i and ctx.arg[1] = keys[i % BENCH_NCKEYS] (trap kinds), or
 * ctx.now = i (sched kind, 64 tasks); stateful ones reset on call 0, so
 * every run of n calls repeats the first.  The names, in order:
 */
#define BENCH_CORPUS(X) X(fnv1a) X(murmur) X(crc32) X(bsearch) X(hprobe) X(isort) \
	X(heap) X(edf) X(wfq) X(tbf) X(lpm) X(bits) X(matvec) X(psearch)

#define BENCH_CWORDS  1024      /* random 64-bit words                   */
#define BENCH_CBYTES  4096      /* bytes 'a'..'d': patterns recur        */
#define BENCH_CSORTED 1024      /* ascending keys for bsearch            */
#define BENCH_HSLOTS  1024      /* linear-probing table, 0 = empty slot  */
#define BENCH_HKEYS   640       /* keys in it                            */
#define BENCH_NPFX    32        /* prefixes in the LPM trie              */
#define BENCH_TRIE_MAX (BENCH_NPFX * 24 + 1)   /* nodes: 3 words each    */
#define BENCH_NQ16    (64 + 512)  /* Q16: an 8x8 matrix, then 64 vectors */
#define BENCH_NCKEYS  64        /* per-call keys                         */
#define BENCH_CTASKS  64        /* sched kind: tasks in the view         */

extern uint64_t bench_words[BENCH_CWORDS], bench_sorted[BENCH_CSORTED];
extern uint64_t bench_htab[BENCH_HSLOTS], bench_trie[3 * BENCH_TRIE_MAX];
extern uint8_t bench_bytes[BENCH_CBYTES];
extern int64_t bench_q16[BENCH_NQ16];

/* Where a corpus workload's call gets its input: TRAP, BUF0 = in (read
 * only); FRAME, BUF0 = bench_frames[i % BENCH_NFRAMES]; SCHED, the
 * sched_pick view of the first BENCH_CTASKS tasks. */
enum corpus_kind { CORPUS_TRAP, CORPUS_FRAME, CORPUS_SCHED };
struct corpus_work {
	const char *name;
	enum corpus_kind kind;
	const void *in;
	size_t in_len;
	const uint64_t *keys;   /* ctx.arg[1] per call, or NULL for 0 */
};
/* The corpus workload called name, or NULL. */
const struct corpus_work *corpus_find(const char *name);
/* The key of call i. */
uint64_t corpus_key(const struct corpus_work *c, uint64_t i);
/* The workload being run (its name on the command line). */
extern const char *bench_work_name;

/* Fib argument and checksum helpers shared by the drivers. */
#define BENCH_FIB_ARG 20
uint64_t bench_fib_calls(uint64_t n);   /* calls made by fib(n) */
uint64_t bench_fib(uint64_t n);         /* the value, iteratively */
void bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* BENCH_H */

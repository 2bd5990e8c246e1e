/*
 * Native C, compiled -O2 without vectorisation: the scalar physical
 * limit every interpreter is compared with.  Per-call workloads go
 * through a volatile function pointer, as a kernel calls a hook, which
 * also keeps the compiler from hoisting a call out of the timing loop;
 * the counted loop hides its sum behind an empty asm so that the compiler
 * cannot replace the loop with its closed form.
 */
#include <string.h>
#include "bench.h"
#include "corpus_native.h"

const char *const sys_name = "native";
const int sys_has_mode = 0;
static int64_t y[BENCH_VLEN];

int sys_init(const char *mode)
{
	(void)mode;
	return 0;
}

static uint64_t one(void) { return 1; }
static uint64_t fib_unit(void) { return bench_fib_calls(BENCH_FIB_ARG); }
static uint64_t vec_unit(void) { return BENCH_VLEN; }

static uint64_t loop_run(uint64_t n)
{
	uint64_t s = 0;
	for (uint64_t i = 0; i < n; i++) {
		s += i;
		__asm__ volatile("" : "+r"(s));
	}
	return s;
}

static uint64_t fib(uint64_t n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
static uint64_t (*volatile fib_fn)(uint64_t) = fib;

static uint64_t fib_run(uint64_t n)
{
	uint64_t s = 0;
	for (uint64_t i = 0; i < n; i++)
		s += fib_fn(BENCH_FIB_ARG);
	return s;
}

static uint64_t (*volatile pick_fn)(const struct nx_task_view *, uint64_t) = data_pick;

static uint64_t sched_run(uint64_t n, uint64_t ntasks)
{
	uint64_t s = 0;
	for (uint64_t i = 0; i < n; i++)
		s += pick_fn(bench_tasks, ntasks);
	return s;
}
static uint64_t sched8_run(uint64_t n) { return sched_run(n, 8); }
static uint64_t sched64_run(uint64_t n) { return sched_run(n, 64); }
static uint64_t sched1024_run(uint64_t n) { return sched_run(n, 1024); }

static uint64_t (*volatile match_fn)(const uint8_t *) = data_match;

/* Checksum of the packet workload in every system: sum of
 * result * (frame index + 1) over calls, frames taken round robin. */
static uint64_t packet_run(uint64_t n)
{
	uint64_t s = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t f = i % BENCH_NFRAMES;
		s += match_fn(bench_frames[f]) * (f + 1);
	}
	return s;
}

static int64_t vec_sum(const int64_t *x, uint64_t len)
{
	int64_t s = 0;
	for (uint64_t i = 0; i < len; i++)
		s += x[i];
	return s;
}
static int64_t (*volatile sum_fn)(const int64_t *, uint64_t) = vec_sum;

static uint64_t sum_run(uint64_t n)
{
	uint64_t s = 0;
	for (uint64_t i = 0; i < n; i++)
		s += (uint64_t)sum_fn(bench_x, BENCH_VLEN);
	return s;
}

static void vec_add(int64_t *dst, const int64_t *src, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		dst[i] += src[i];
}
static void (*volatile add_fn)(int64_t *, const int64_t *, uint64_t) = vec_add;

static uint64_t vadd_setup(void)
{
	memcpy(y, bench_y0, sizeof y);
	return BENCH_VLEN;
}

/* Checksum of vadd in every system: the sum of the accumulated vector. */
static uint64_t vadd_run(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		add_fn(y, bench_x, BENCH_VLEN);
	return (uint64_t)vec_sum(y, BENCH_VLEN);
}

static uint64_t empty(void) { return 0; }
static uint64_t (*volatile empty_fn)(void) = empty;

static uint64_t entry_run(uint64_t n)
{
	uint64_t s = 0;
	for (uint64_t i = 0; i < n; i++)
		s += empty_fn();
	return s + n;
}

/* The corpus: call i of the workload named on the command line, through
 * a volatile pointer as a kernel calls a hook; the sum of the answers. */
struct corpus_fn {
	const char *name;
	uint64_t (*fn)(uint64_t i, uint64_t key);
};
#define CN_ENTRY(name) { #name, cn_##name },
static const struct corpus_fn corpus_fns[] = { BENCH_CORPUS(CN_ENTRY) { NULL, NULL } };
static const struct corpus_work *corpus_cur;
static uint64_t (*volatile corpus_fn)(uint64_t, uint64_t);

static uint64_t corpus_setup(void)
{
	corpus_cur = corpus_find(bench_work_name);
	for (const struct corpus_fn *c = corpus_fns; corpus_cur && c->name; c++)
		if (strcmp(c->name, corpus_cur->name) == 0) {
			corpus_fn = c->fn;
			return 1;
		}
	bench_fail("not a corpus workload");
	return 0;
}

static uint64_t corpus_run(uint64_t n)
{
	uint64_t s = 0;
	for (uint64_t i = 0; i < n; i++)
		s += corpus_fn(i, corpus_key(corpus_cur, i));
	return s;
}

#define CORPUS_WORK(name) { #name, corpus_setup, corpus_run },
static const struct bench_work works[] = {
	{ "loop", one, loop_run },
	{ "fib", fib_unit, fib_run },
	{ "sched8", one, sched8_run },
	{ "sched64", one, sched64_run },
	{ "sched1024", one, sched1024_run },
	{ "packet", one, packet_run },
	{ "sum", vec_unit, sum_run },
	{ "vadd", vadd_setup, vadd_run },
	{ "entry", one, entry_run },
	BENCH_CORPUS(CORPUS_WORK)
	{ NULL, NULL, NULL },
};

const struct bench_work *sys_works = works;

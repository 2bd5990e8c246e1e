/*
 * Kernel-path costs in guest instructions.  Runs as the PCT of the bench
 * ISO under QEMU -icount shift=0, where rdtsc advances by one per guest
 * instruction on every CPU together (ENVIRONMENT.md): each figure is
 * (count over N operations - count of the same loop doing nothing) / N,
 * measured while every other CPU halts.  Prints one line per figure:
 *   bench <name> <instructions per operation> (goal <n>)
 */
#include "ulib.h"

#define N 2000

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static uint8_t *modbuf;

static long insert(const char *name)
{
	struct lwk_nx_error err;
	long len = module_find(name, &modbuf);
	long h = len > 0 ? nx_insert(modbuf, len, &err) : len;
	if (h < 0)
		printf("kbench: cannot insert %s: %s\n", name, strerror(h));
	return h;
}

static void report(const char *name, int64_t per_op, long goal)
{
	printf("bench %-28s %6lld insns/op  (goal <= %ld)%s\n", name, (long long)per_op, goal,
	       per_op <= goal ? "" : "  ABOVE GOAL");
}

/* ---- the loops ---- */

static uint64_t loop_empty(void)
{
	uint64_t t0 = rdtsc();
	for (int i = 0; i < N; i++)
		__asm__ volatile("" ::: "memory");
	return rdtsc() - t0;
}

static uint64_t loop_getpid(void)
{
	uint64_t t0 = rdtsc();
	for (int i = 0; i < N; i++)
		syscall0(SYS_getpid);
	return rdtsc() - t0;
}

static uint64_t loop_nimble_call(void)
{
	uint64_t t0 = rdtsc();
	for (int i = 0; i < N; i++)
		nimble_call(0, 0, NULL, 0, NULL, 0);
	return rdtsc() - t0;
}

static uint64_t loop_yield(void)
{
	uint64_t t0 = rdtsc();
	for (int i = 0; i < N; i++)
		sched_yield();
	return rdtsc() - t0;
}

static uint64_t loop_migrate(void)
{
	uint64_t t0 = rdtsc();
	for (int i = 0; i < N; i++) {
		task_switch_cpus(1);
		task_switch_cpus(0);
	}
	return rdtsc() - t0;
}

static volatile int partner_stop;

static void partner(uint64_t arg)
{
	(void)arg;
	while (!partner_stop)
		sched_yield();
	thread_exit(0);
}

static long thread(void (*fn)(uint64_t), uint32_t cpu)
{
	uint8_t *stack = mmap_anon(16384);
	struct lwk_start_state st = { .aspace_id = (uint32_t)getpid(), .cpu_id = cpu,
				      .entry_point = (uint64_t)fn,
				      .stack_ptr = ((uint64_t)(stack + 16384) & ~15ull) - 8 };
	return task_create(&st);
}

/* Yields with a partner on the same CPU: each yield is one switch there
 * and one back, so per switch = (loop - empty) / (2 N). */
static int64_t switch_cost(void)
{
	partner_stop = 0;
	thread(partner, 0);
	sched_yield();
	uint64_t t = loop_yield();
	partner_stop = 1;
	struct lwk_task_status st;
	task_wait(&st);
	return (int64_t)(t - loop_empty()) / (2 * N);
}

/* A fixed amount of work in chunks; the spread of the chunks' counts is
 * what interrupts added (0 when nothing interrupted the task). */
static void no_interruption(void)
{
	uint64_t min = ~0ull, max = 0;
	for (int c = 0; c < 200; c++) {
		uint64_t t0 = rdtsc();
		for (volatile int i = 0; i < 5000; i++)
			;
		uint64_t d = rdtsc() - t0;
		min = d < min ? d : min;
		max = d > max ? d : max;
	}
	printf("bench %-28s %6llu insns spread over 200 chunks of %llu (goal 0)\n",
	       "one task, infinite quantum", (unsigned long long)(max - min),
	       (unsigned long long)min);
}

/* The runaway stop's NMI tick (lwk/watchdog.h), on while an extension is
 * inserted: what it takes from a task that runs no extension, as extra
 * instructions per million (about a millisecond here: the clock counts
 * every CPU's instructions).  The same chunks as above, many more. */
static void watchdog_noise(void)
{
	long h = insert("trap_empty.nx");
	uint64_t min = ~0ull, sum = 0;
	enum { CHUNKS = 2000 };
	for (int c = 0; c < CHUNKS; c++) {
		uint64_t t0 = rdtsc();
		for (volatile int i = 0; i < 5000; i++)
			;
		uint64_t d = rdtsc() - t0;
		min = d < min ? d : min;
		sum += d;
	}
	nx_remove(h);
	printf("bench %-28s %6llu insns per million while an extension is inserted\n",
	       "watchdog tick, no run", (unsigned long long)((sum - CHUNKS * min) * 1000000 / sum));
}

int main(void)
{
	loop_empty();   /* warm up */
	uint64_t empty = loop_empty();
	report("null syscall (getpid)", (int64_t)(loop_getpid() - empty) / N, 110);
	int64_t sw = switch_cost();
	report("yield switch, one CPU", sw, 700);
	if (cpu_count() > 1)
		report("migration round trip", (int64_t)(loop_migrate() - loop_empty()) / N, 9000);
	long h = insert("sched_empty.nx");
	int64_t sw_ext = switch_cost();
	nx_remove(h);
	report("empty ext on sched_pick", sw_ext - sw, 100);
	/* Not a goal: a policy that reads the task view also pays for it
	 * (the kernel builds ctx.tasks only for such policies). */
	h = insert("sched_view.nx");
	int64_t sw_view = switch_cost();
	nx_remove(h);
	printf("bench %-28s %6lld insns/op  (%d tasks in the view)\n", "view-reading ext on sched_pick",
	       (long long)(sw_view - sw), 2);
	uint64_t none = loop_nimble_call();
	h = insert("trap_empty.nx");
	uint64_t with = loop_nimble_call();
	nx_remove(h);
	report("empty ext on trap (nimble_call)", (int64_t)(with - none) / N, 100);
	no_interruption();
	watchdog_noise();
	return 0;
}

/*
 * The demo application: shows that an untrusted scheduler extension it
 * inserts decides the order in which its tasks run.
 *
 * Three worker tasks with priorities 1, 5 and 3 share CPU 1.  Each takes
 * ROUNDS turns: it writes its priority into a shared log and yields.  The
 * same run is done twice — first with the kernel's round robin, then with
 * ext-examples/prio_sched.nx (handed over by the PCT) inserted — and the
 * two logs are printed side by side.  Under round robin the priorities
 * interleave; under the extension the higher priority finishes first.
 */
#include "ulib.h"
#include <uapi/pct_abi.h>

#define NWORK 3
#define ROUNDS 5
#define WORK_CPU 1

static const int32_t prio[NWORK] = { 1, 5, 3 };
static volatile uint32_t go, ready, started;
static volatile uint32_t nlog;
static char logbuf[NWORK * ROUNDS + 1];

static void worker(uint64_t p)
{
	__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
	while (!go)                    /* blocked, so no picks happen before go */
		futex_wait(&go, 0);
	/* Wake-ups arrive one by one: wait until all three are runnable, then
	 * give the scheduler one more decision before the first round. */
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	while (started < NWORK)
		sched_yield();
	sched_yield();
	for (int r = 0; r < ROUNDS; r++) {
		logbuf[__atomic_fetch_add(&nlog, 1, __ATOMIC_SEQ_CST)] = (char)('0' + p);
		sched_yield();
	}
	thread_exit(0);
}

static long start_worker(int i, uint32_t cpu)
{
	uint8_t *stack = mmap_anon(16384);
	if (!stack)
		return -LWK_ENOMEM;
	struct lwk_start_state st = { .aspace_id = (uint32_t)getpid(), .cpu_id = cpu,
				      .entry_point = (uint64_t)worker,
				      .stack_ptr = ((uint64_t)(stack + 16384) & ~15ull) - 8,
				      .use_args = 1, .arg = { (uint64_t)prio[i] }, .prio = prio[i] };
	strncpy(st.task_name, "worker", sizeof st.task_name);
	return task_create(&st);
}

/* One run: start the workers, release them together, collect the log. */
static int run(const char *label, uint32_t cpu)
{
	go = ready = started = nlog = 0;
	memset(logbuf, 0, sizeof logbuf);
	for (int i = 0; i < NWORK; i++)
		if (start_worker(i, cpu) < 0) {
			printf("demo: cannot start worker %d\n", i);
			return -1;
		}
	while (ready < NWORK)
		sched_yield();
	go = 1;
	futex_wake(&go, NWORK);
	for (int i = 0; i < NWORK; i++) {
		struct lwk_task_status st;
		if (task_wait(&st) || st.kind != LWK_EXIT_NORMAL) {
			printf("demo: a worker failed (kind %u, code %d)\n", st.kind, st.code);
			return -1;
		}
	}
	printf("demo: %-26s run order by priority: %s\n", label, logbuf);
	return 0;
}

static const struct pct_object *object(const struct pct_objects *tab, const char *name)
{
	for (uint64_t i = 0; i < tab->count && i < PCT_MAX_OBJECTS; i++)
		if (!strcmp(tab->obj[i].name, name))
			return &tab->obj[i];
	return NULL;
}

/* 1 if the log runs every higher priority's rounds before any lower one's. */
static int strictly_by_priority(void)
{
	for (int i = 1; i < NWORK * ROUNDS; i++)
		if (logbuf[i] > logbuf[i - 1])
			return 0;
	return 1;
}

int main(int argc, char **argv, uint64_t arg0)
{
	(void)argc, (void)argv;
	uint8_t *heap = (uint8_t *)brk(0);
	const struct pct_objects *tab = (const void *)heap;
	if (arg0 != PCT_ARG_APP) {
		printf("demo: not started by the PCT\n");
		return 2;
	}
	uint32_t cpu = cpu_count() > WORK_CPU ? WORK_CPU : 0;
	printf("demo: pid %ld; workers with priorities 1, 5, 3 on CPU %u, %d rounds each\n",
	       getpid(), cpu, ROUNDS);
	if (run("round robin (no extension):", cpu))
		return 1;
	const struct pct_object *o = object(tab, "prio_sched.nx");
	if (!o) {
		printf("demo: the PCT gave us no prio_sched.nx\n");
		return 1;
	}
	struct lwk_nx_error err;
	long h = nx_insert(heap + o->offset, o->len, &err);
	if (h < 0) {
		printf("demo: nx_insert prio_sched: %s: %s\n", strerror(h), err.msg);
		return 1;
	}
	printf("demo: inserted untrusted extension prio_sched (handle %ld)\n", h);
	if (run("prio_sched extension:", cpu))
		return 1;
	int ordered = strictly_by_priority();
	struct lwk_nx_stats st;
	nx_stats(h, &st);
	printf("demo: prio_sched ran %llu times, %llu faults; order %s\n",
	       (unsigned long long)st.runs, (unsigned long long)st.faults,
	       ordered ? "is highest priority first: the extension decided it"
		       : "is NOT by priority");
	nx_remove(h);
	return ordered && st.runs > 0 ? 0 : 1;
}

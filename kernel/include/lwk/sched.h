/*
 * The scheduler's policy core (kernel/task/sched.c): per-CPU run queues,
 * round robin with a configurable quantum, the sched_pick hook and its
 * starvation watchdog.  Portable: the machine side (switching stacks in
 * kernel/task/task.c; the one-shot timer, its interrupt and the kick IPI
 * in kernel/task/timer.c; the clock) is elsewhere; the host test drives
 * this file directly.
 *
 * Invariants: a task is on its CPU's run queue iff it is RUNNABLE and not
 * the CPU's current task; the idle task is never on a queue.  The caller
 * holds the run queue's lock (interrupts off).
 */
#ifndef LWK_SCHED_H
#define LWK_SCHED_H

#include <stdint.h>
#include <nimble/nimble.h>

#define SCHED_VIEW_MAX 64         /* tasks an extension sees per pick   */
#define SCHED_QUANTUM_NS 10000000ull  /* default quantum: 10 ms          */
#define SCHED_WATCHDOG_NS 200000000ull /* runnable this long unpicked under an extension: eject it */

struct task;

struct runq {
	struct task *head, *tail;  /* FIFO of runnable tasks, not the current one */
	uint32_t nr;
	uint32_t cpu;
	uint64_t quantum_ns;       /* the default quantum (boot parameter) */
	/* counters, readable by tests and the boot log */
	uint64_t picks, ext_picks, ext_bad, ejections;
	/* What a sched_pick extension sees, prepared by runq_init: a pick
	 * fills in the fields that change (one CPU picks at a time). */
	struct nx_ctx_sched ctx;
	struct nx_env env;
	struct nx_task_view view[SCHED_VIEW_MAX];
	struct task *viewed[SCHED_VIEW_MAX];
};

void runq_init(struct runq *rq, uint32_t cpu, uint64_t quantum_ns);
void runq_add(struct runq *rq, struct task *t);        /* at the tail */
void runq_remove(struct runq *rq, struct task *t);

/*
 * Choose the next task for rq's CPU and take it off the queue, or NULL
 * (run idle).  cur is the task giving up the CPU (already re-queued by the
 * caller if still runnable), now the clock.  *quantum gets the time it may
 * run: NX_QUANTUM_INFINITE means no timer at all.
 */
struct task *sched_pick_next(struct runq *rq, struct task *cur, uint64_t now,
			     uint64_t *quantum);

/* The application whose tasks sched_pick extensions see (0 = every
 * task): an untrusted policy sees and picks its owner's tasks only.  Set
 * by kernel/nimble/table.c as extensions come and go. */
extern uint32_t sched_view_owner;

/* How long a runnable task may wait unpicked under a sched_pick extension
 * before the CPU's extensions are ejected (the starvation watchdog), and
 * the longest quantum a pick may give while others wait.  At least
 * SCHED_WATCHDOG_NS; sched_starve_outlast() raises it above the longest a
 * single run can last, so one run the runaway stop ends (TIME) is that
 * run's fault alone and does not also eject the policy as starving. */
extern uint64_t sched_starve_ns;
void sched_starve_outlast(uint64_t run_max_ns);

/* Supplied by kernel/nimble/table.c: eject every sched_pick extension of cpu;
 * returns how many were removed. */
int sched_eject_extensions(uint32_t cpu, const char *why);

#endif /* LWK_SCHED_H */

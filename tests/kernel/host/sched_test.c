/*
 * Host test of kernel/task/sched.c: round robin, the tickless quantum,
 * the sched_pick hook's view and checked answers, and the starvation
 * watchdog.  nx_fire_all is a programmable double here, so each answer an
 * extension can give (good, default, out of range, starving) is forced;
 * the real engine is exercised by the in-kernel hook tests.
 */
#include <stdio.h>
#include <string.h>
#include <lwk/sched.h>
#include <lwk/task.h>
#include "tap.h"

/* Extensions on the hook: nx_hooks_armed is what sched.c reads (nimble.h). */
uint32_t nx_hooks_armed;
#define attached (*(volatile uint32_t *)&nx_hooks_armed)   /* 1 << NX_HOOK_SCHED_PICK or 0 */
#define ON (1u << NX_HOOK_SCHED_PICK)
/* Which segments the attached extensions reach: BUF0 (the view) or not. */
uint8_t nx_hook_reach[NX_HOOK_COUNT];
static uint64_t seen_buf0_len;
static uint64_t answer;       /* what the "extension" returns */
static uint64_t want_quantum; /* what it writes into ctx.quantum */
static struct nx_ctx_sched seen_ctx;
static struct nx_task_view seen_view[SCHED_VIEW_MAX];
static int ejected;

/* nx_fire (inline) finds no solo attachment here and asks nx_fire_all. */
struct nx_solo *nx_hook_solo[NX_HOOK_COUNT];
uint64_t nx_fire_all(enum nx_hook_id hook, uint32_t arg, struct nx_env *env, struct nx_result *last)
{
	(void)hook, (void)arg, (void)last;
	struct nx_ctx_sched *ctx = (void *)env->seg[NX_SEG_CTX].base;
	seen_ctx = *ctx;
	seen_buf0_len = env->seg[NX_SEG_BUF0].len;
	memset(seen_view, 0, sizeof seen_view);
	memcpy(seen_view, env->seg[NX_SEG_BUF0].base, env->seg[NX_SEG_BUF0].len);
	if (env->seg[NX_SEG_CTX].wr_lo != NX_CTX_SCHED_WR ||
	    env->seg[NX_SEG_BUF0].wr_lo != env->seg[NX_SEG_BUF0].len)
		return 0;    /* segments must be read-only as hooks.h says */
	ctx->quantum = want_quantum;
	return answer;
}

int sched_eject_extensions(uint32_t cpu, const char *why)
{
	(void)why;
	if (cpu != 1 || !attached)
		return 0;
	ejected++;
	attached = 0;
	return 1;
}


static struct task tasks[4];
static struct runq rq;

static void setup(uint64_t now)
{
	nx_hook_reach[NX_HOOK_SCHED_PICK] = 1u << NX_SEG_BUF0;
	runq_init(&rq, 1, 1000);
	for (int i = 0; i < 3; i++) {
		tasks[i] = (struct task){ .tid = 10 + i, .prio = i * 5, .owner = 7,
					  .ready_since = now, .runtime = 100 * i };
		runq_add(&rq, &tasks[i]);
	}
}

static void test_round_robin(void)
{
	uint64_t q = 0;
	setup(0);
	attached = 0;
	struct task *a = sched_pick_next(&rq, NULL, 0, &q);
	ok(a == &tasks[0] && q == 1000 && rq.nr == 2, "round robin takes the head, default quantum");
	runq_add(&rq, a);
	ok(sched_pick_next(&rq, a, 1, &q) == &tasks[1], "then the next one");
	ok(rq.head == &tasks[2] && rq.tail == &tasks[0], "the previous task went to the tail");
	runq_remove(&rq, &tasks[0]);
	ok(rq.tail == &tasks[2] && rq.nr == 1 && tasks[2].rq_next == NULL, "remove the tail");
	ok(sched_pick_next(&rq, NULL, 2, &q) == &tasks[2] && q == NX_QUANTUM_INFINITE,
	   "the last runnable task gets an infinite quantum (no timer)");
	ok(sched_pick_next(&rq, NULL, 3, &q) == NULL && rq.picks == 4, "empty queue: idle");
}

static void test_extension(void)
{
	uint64_t q = 0;
	setup(50);
	attached = ON, answer = 3, want_quantum = 777;
	struct task *t = sched_pick_next(&rq, &tasks[3], 90, &q);
	ok(t == &tasks[2] && q == 777 && rq.ext_picks == 1, "the extension's choice and quantum");
	ok(seen_ctx.cpu == 1 && seen_ctx.ntasks == 3 && seen_ctx.now == 90 &&
	   seen_ctx.current == tasks[3].tid, "ctx: cpu, ntasks, now, current");
	ok(seen_view[1].tid == 11 && seen_view[1].prio == 5 && seen_view[1].owner == 7 &&
	   seen_view[1].waited == 40 && seen_view[1].runtime == 100, "the task view");
	runq_add(&rq, t);
	answer = 4;   /* one past the 3 tasks it was shown */
	ok(sched_pick_next(&rq, NULL, 91, &q) == &tasks[0] && rq.ext_bad == 1,
	   "an index out of range falls back to round robin and is counted");
	answer = 0;
	ok(sched_pick_next(&rq, NULL, 92, &q) == &tasks[1] && q == 1000, "a default answer");
	setup(0);
	attached = ON, answer = 1, want_quantum = NX_QUANTUM_INFINITE;
	sched_pick_next(&rq, NULL, 0, &q);
	ok(q == SCHED_WATCHDOG_NS, "an infinite quantum is capped while others wait");
}

static void test_watchdog(void)
{
	uint64_t q = 0;
	setup(0);
	attached = ON, answer = 1, want_quantum = 0, ejected = 0;
	uint64_t now = 0;
	int ext_runs = 0;
	/* The "extension" always picks the head, and the picked task is
	 * requeued at the head: tasks 1 and 2 never run. */
	for (int i = 0; i < 50 && attached; i++) {
		struct task *t = sched_pick_next(&rq, NULL, now, &q);
		ext_runs += t == &tasks[0];
		t->rq_next = rq.head;
		rq.head = t;
		if (!rq.tail)
			rq.tail = t;
		rq.nr++;
		now += SCHED_WATCHDOG_NS / 8;
	}
	ok(ejected == 1 && rq.ejections == 1 && ext_runs >= 8,
	   "a starving policy is ejected after the watchdog period");
	struct task *t = sched_pick_next(&rq, NULL, now, &q);
	ok(t == &tasks[0] && q == 1000 && attached == 0, "after ejection: round robin again");
	setup(0);
	attached = ON, answer = 2;
	sched_pick_next(&rq, NULL, SCHED_WATCHDOG_NS - 1, &q);
	ok(attached == ON, "no ejection before the limit");
	/* A runaway-stop budget whose longest run outlasts the period raises it. */
	sched_starve_outlast(3 * SCHED_WATCHDOG_NS);
	setup(0);
	attached = ON, answer = 2, want_quantum = NX_QUANTUM_INFINITE;
	sched_pick_next(&rq, NULL, 2 * SCHED_WATCHDOG_NS, &q);
	ok(attached == ON && q == 3 * SCHED_WATCHDOG_NS,
	   "a longer run budget raises the period: no ejection at twice the default, quantum capped at the new period");
	sched_pick_next(&rq, NULL, 3 * SCHED_WATCHDOG_NS + 1, &q);
	ok(attached == 0, "ejection past the raised period");
	sched_starve_outlast(1);
	ok(sched_starve_ns == SCHED_WATCHDOG_NS, "a short budget leaves the default period");
}

static void test_owner_view(void)
{
	uint64_t q = 0;
	setup(0);
	tasks[1].owner = 9;
	attached = ON, answer = 2, want_quantum = 0;
	sched_view_owner = 7;
	struct task *t = sched_pick_next(&rq, NULL, 1, &q);
	ok(seen_ctx.ntasks == 2 && seen_view[0].tid == 10 && seen_view[1].tid == 12,
	   "an untrusted policy sees only its owner's tasks");
	ok(t == &tasks[2], "its index refers to that filtered view");
	sched_view_owner = 0;
	attached = 0;
}

/* Extensions that cannot read the view (no load names BUF0): it is lent
 * empty and not built, and an answer still picks the right task. */
static void test_no_view(void)
{
	uint64_t q = 0;
	setup(0);
	nx_hook_reach[NX_HOOK_SCHED_PICK] = 1u << NX_SEG_CTX;
	attached = ON, answer = 2, want_quantum = 0;
	struct task *t = sched_pick_next(&rq, NULL, 1, &q);
	ok(seen_ctx.ntasks == 3 && seen_buf0_len == 0 && seen_view[0].tid == 0 && t == &tasks[1],
	   "no view built: ntasks 3, BUF0 lent empty, answer 2 picks the second task");
	setup(0);
	nx_hook_reach[NX_HOOK_SCHED_PICK] = 0;
	tasks[1].owner = 9;
	sched_view_owner = 7;
	attached = ON, answer = 2;
	t = sched_pick_next(&rq, NULL, 1, &q);
	ok(seen_ctx.ntasks == 2 && seen_buf0_len == 0 && t == &tasks[2],
	   "no view, an owner's policy: it counts and picks among its owner's tasks only");
	answer = 3;
	ok(sched_pick_next(&rq, NULL, 2, &q) == &tasks[0] && rq.ext_bad == 1,
	   "no view: an index past the owner's tasks is refused");
	sched_view_owner = 0;
	attached = 0;
}

int main(void)
{
	tap_plan(23);
	test_round_robin();
	test_extension();
	test_watchdog();
	test_owner_view();
	test_no_view();
	return tap_done();
}

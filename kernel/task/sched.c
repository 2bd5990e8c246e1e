/*
 * Scheduling policy: which runnable task a CPU runs next, and for how
 * long.  Round robin by default; a sched_pick extension may choose
 * instead.  The hook fires with argument 0 on every CPU (nx.h: hook
 * arguments are irq vectors, else 0); ctx.cpu says which CPU asks.  Its answer is
 * checked: an index outside the view it was given, or a fault, means the
 * default choice.  A starvation watchdog ejects the CPU's extensions when
 * a runnable task has waited longer than sched_starve_ns, so a bad
 * policy degrades to round robin instead of stalling the node.
 *
 * Tickless: when nothing else is runnable the quantum is infinite and the
 * caller arms no timer.  While an extension is attached and others wait,
 * the quantum is capped at the watchdog period so the watchdog gets to run.
 */
#include <lwk/sched.h>
#include <lwk/task.h>

uint64_t sched_starve_ns = SCHED_WATCHDOG_NS;

void sched_starve_outlast(uint64_t run_max_ns)
{
	sched_starve_ns = run_max_ns > SCHED_WATCHDOG_NS ? run_max_ns : SCHED_WATCHDOG_NS;
}

void runq_init(struct runq *rq, uint32_t cpu, uint64_t quantum_ns)
{
	*rq = (struct runq){ .cpu = cpu, .quantum_ns = quantum_ns ? quantum_ns : SCHED_QUANTUM_NS };
	rq->ctx.cpu = cpu;
	rq->env.host = rq;
	nx_env_setup(&rq->env, NX_HOOK_SCHED_PICK, &rq->ctx, rq->view, 0, NULL, 0);
}

void runq_add(struct runq *rq, struct task *t)
{
	t->rq_next = NULL;
	if (rq->tail)
		rq->tail->rq_next = t;
	else
		rq->head = t;
	rq->tail = t;
	rq->nr++;
}

void runq_remove(struct runq *rq, struct task *t)
{
	struct task **pp = &rq->head, *prev = NULL;
	while (*pp && *pp != t)
		prev = *pp, pp = &(*pp)->rq_next;
	if (!*pp)
		return;
	*pp = t->rq_next;
	if (rq->tail == t)
		rq->tail = prev;
	t->rq_next = NULL;
	rq->nr--;
}

/* How long t has been runnable.  The clocks of two CPUs may differ by a
 * little (a task queued by another CPU), so this saturates at 0. */
static uint64_t waited(const struct task *t, uint64_t now)
{
	return now > t->ready_since ? now - t->ready_since : 0;
}

uint32_t sched_view_owner;

/*
 * The tasks an extension may pick: the first SCHED_VIEW_MAX queued ones
 * (of sched_view_owner, when set), index i in ctx.tasks for the i-th.
 * Their view (ctx.tasks, BUF0) is built only when an attached extension
 * can read it (nx_hook_reaches): it is most of an empty policy's cost,
 * ~20 instructions a task.  Without it the pick finds its task by
 * walking the queue, and only when the extension picks one.
 */
static int visible(const struct task *t, uint32_t owner)
{
	return !owner || t->owner == owner;
}

static uint32_t view_fill(struct runq *rq, uint64_t now)
{
	uint32_t n = 0, owner = sched_view_owner;
	for (struct task *t = rq->head; t && n < SCHED_VIEW_MAX; t = t->rq_next) {
		if (!visible(t, owner))
			continue;
		rq->viewed[n] = t;
		rq->view[n] = (struct nx_task_view){
			.tid = t->tid, .prio = t->prio, .owner = t->owner, .flags = t->flags,
			.runtime = t->runtime, .waited = waited(t, now) };
		n++;
	}
	return n;
}

static uint32_t view_count(const struct runq *rq)
{
	uint32_t n = 0, owner = sched_view_owner;
	if (!owner)
		return rq->nr < SCHED_VIEW_MAX ? rq->nr : SCHED_VIEW_MAX;
	for (const struct task *t = rq->head; t && n < SCHED_VIEW_MAX; t = t->rq_next)
		n += visible(t, owner);
	return n;
}

/* The i-th task of the view (i < the count it was built with). */
static struct task *view_task(struct runq *rq, uint32_t i, unsigned built)
{
	if (built)
		return rq->viewed[i];
	uint32_t owner = sched_view_owner;
	struct task *t = rq->head;
	for (;; t = t->rq_next)
		if (visible(t, owner) && i-- == 0)
			return t;
}

/* The extension's choice, or NULL for the default. */
static struct task *pick_extension(struct runq *rq, struct task *cur, uint64_t now,
				   uint64_t *quantum)
{
	unsigned built = nx_hook_reaches(NX_HOOK_SCHED_PICK, NX_SEG_BUF0);
	uint32_t n = built ? view_fill(rq, now) : view_count(rq);
	struct nx_ctx_sched *ctx = &rq->ctx;
	ctx->ntasks = n;
	ctx->now = now;
	ctx->current = cur ? cur->tid : 0;
	ctx->quantum = NX_QUANTUM_DEFAULT;
	/* Helpers act for the application whose policy this is (task_wake:
	 * its tasks only); left 0, an application's extension acted as the
	 * PCT and could wake any task. */
	rq->env.owner = sched_view_owner;
	/* The view is read-only: its first writable byte is its end.  Not
	 * built, it is lent empty (as runq_init left it and a built pick
	 * leaves it). */
	struct nx_seg *view = &rq->env.seg[NX_SEG_BUF0];
	if (built)
		view->len = view->wr_lo = n * sizeof(struct nx_task_view);
	uint64_t r = nx_fire(NX_HOOK_SCHED_PICK, 0, &rq->env, NULL);
	if (built)
		view->len = view->wr_lo = 0;
	if (r == NX_RET_DEFAULT)
		return NULL;
	if (r > n) {
		rq->ext_bad++;
		return NULL;
	}
	rq->ext_picks++;
	*quantum = ctx->quantum;
	return view_task(rq, (uint32_t)r - 1, built);
}

/* 1 if a queued task has waited past the watchdog period: then every
 * sched_pick extension is ejected.  The head has waited longest: every
 * runq_add stamps ready_since just before it appends, and a pick removes
 * from anywhere without reordering the rest. */
static int watchdog(struct runq *rq, uint64_t now)
{
	/* Signed: a head queued by a CPU whose clock is a little ahead has
	 * waited "negative" time, which is not starving. */
	if (!rq->head || (int64_t)(now - rq->head->ready_since) <= (int64_t)sched_starve_ns)
		return 0;
	rq->ejections += sched_eject_extensions(rq->cpu, "a runnable task starved");
	return 1;
}

struct task *sched_pick_next(struct runq *rq, struct task *cur, uint64_t now,
			     uint64_t *quantum)
{
	int ext = rq->nr && nx_hook_armed(NX_HOOK_SCHED_PICK) && !watchdog(rq, now);
	rq->picks++;
	uint64_t q = NX_QUANTUM_DEFAULT;
	struct task *t = ext ? pick_extension(rq, cur, now, &q) : NULL;
	if (!t)
		t = rq->head;
	if (!t)
		return NULL;
	runq_remove(rq, t);
	if (q == NX_QUANTUM_DEFAULT)
		q = rq->quantum_ns;
	if (rq->nr == 0)
		q = NX_QUANTUM_INFINITE;   /* nobody else to run: no timer at all */
	else if (ext && q > sched_starve_ns)
		q = sched_starve_ns;     /* others wait: let the watchdog look */
	t->quantum = *quantum = q;
	return t;
}

/*
 * The kernel's implementations of the helpers (include/nimble/helpers.h)
 * in nx_helper_impl.  The engine checks arities and trust before a run
 * (outb, inb and kmem_used are trusted-only); what depends on the owner
 * is checked here: task_wake acts on the owner's tasks only, and never
 * from sched_pick (EBUSY), net_send sends only from the owner's
 * endpoints (0 = the PCT: any).
 */
#include <nimble/nimble.h>
#include <uapi/lwk.h>
#include <lwk/task.h>
#include <lwk/smp.h>
#include <lwk/apic.h>
#include <lwk/kmem.h>
#include <lwk/printk.h>
#include <lwk/net.h>
#include <arch/io.h>

static uint64_t trace_budget = 1000;   /* traces printed before going quiet */

static uint64_t h_trace(struct nx_run *run, const uint64_t *a)
{
	if (trace_budget) {
		trace_budget--;
		printk("nimble: trace %lld (owner %u, cpu %u)\n", (long long)a[0],
		       nx_run_owner(run), this_cpu()->id);
	}
	return a[0];
}

static uint64_t h_now(struct nx_run *r, const uint64_t *a) { (void)r, (void)a; return time_now_ns(); }
static uint64_t h_cpu(struct nx_run *r, const uint64_t *a) { (void)r, (void)a; return this_cpu()->id; }
static uint64_t h_rank(struct nx_run *r, const uint64_t *a) { (void)r, (void)a; return net_rank; }
static uint64_t h_nnodes(struct nx_run *r, const uint64_t *a) { (void)r, (void)a; return net_nodes; }

static uint64_t h_task_wake(struct nx_run *run, const uint64_t *a)
{
	/* A sched_pick run is inside schedule(), holding its CPU's run-queue
	 * lock, which task_wake takes: for a task of this CPU it would spin
	 * on its own lock, for another CPU's it could cross that CPU's pick
	 * waking one of ours.  Refused: the CPU would hang. */
	if (nx_run_env(run) == &this_cpu()->rq.env)
		return (uint64_t)-LWK_EBUSY;
	struct task *t = task_lookup((uint32_t)a[0]);
	uint32_t owner = nx_run_owner(run);
	if (!t || (owner && t->owner != owner))
		return (uint64_t)-LWK_ESRCH;
	task_wake(t);
	return 0;
}

/* net_send(node, endpoint, seg, off, len): the bytes must lie in one of
 * the run's segments; the message layer checks that the owner owns the
 * endpoint here (the job's endpoints have the same ids on every node). */
static uint64_t h_net_send(struct nx_run *r, const uint64_t *a)
{
	const uint8_t *p = a[4] <= LWK_NET_PAYLOAD_MAX ? nx_run_seg(r, a[2], a[3], a[4], 0) : NULL;
	if (!p)
		return (uint64_t)-LWK_EINVAL;
	return (uint64_t)net_send_kernel(nx_run_owner(r), a[0], a[1], p, a[4], 0);
}

static uint64_t h_outb(struct nx_run *r, const uint64_t *a)
{
	(void)r;
	outb((uint16_t)a[0], (uint8_t)a[1]);
	return 0;
}

static uint64_t h_inb(struct nx_run *r, const uint64_t *a) { (void)r; return inb((uint16_t)a[0]); }

static uint64_t h_kmem_used(struct nx_run *r, const uint64_t *a)
{
	(void)r, (void)a;
	struct kmem_stats st;
	kmem_get_stats(&st);
	return st.in_use;
}

const nx_helper_fn nx_helper_impl[NX_HELPER_COUNT] = {
	[NX_HELPER_TRACE] = h_trace,       [NX_HELPER_ABORT] = nx_helper_abort,
	[NX_HELPER_NOW] = h_now,           [NX_HELPER_CPU] = h_cpu,
	[NX_HELPER_RANK] = h_rank,         [NX_HELPER_NNODES] = h_nnodes,
	[NX_HELPER_TASK_WAKE] = h_task_wake, [NX_HELPER_COPY] = nx_helper_copy,
	[NX_HELPER_NET_SEND] = h_net_send, [NX_HELPER_OUTB] = h_outb,
	[NX_HELPER_INB] = h_inb,           [NX_HELPER_KMEM_USED] = h_kmem_used,
	[NX_HELPER_VCOMBINE] = nx_helper_vcombine,
};

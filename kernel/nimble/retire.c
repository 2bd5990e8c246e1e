/*
 * Removing: a grace period before the free.  A fire on another CPU may
 * have loaded an attachment of an extension just before nx_unlink took
 * it off its hook, so its memory is freed (nx_free) only after every
 * other online CPU has taken an interrupt since the unlink: the kernel
 * runs with interrupts off, so such a CPU has finished every fire that
 * could still see it.  A remove kicks the other CPUs so that tickless
 * ones answer soon; retired extensions are reaped under nimble_lock at
 * every insert and remove, every millisecond after a remove until none
 * waits (nxk_reap_later), and by nxk_reap_wait.
 */
#include <uapi/lwk.h>
#include <lwk/smp.h>
#include <lwk/task.h>
#include <lwk/apic.h>
#include <lwk/nxk.h>
#include <arch/cpu.h>
#include "nxk_internal.h"

#define NXK_RETIRED 128   /* twice the table (table.c): removes rarely wait for room */

struct retired {
	struct nx_ext *ext;
	uint32_t cpu;               /* the CPU that unlinked it           */
	uint64_t seen[MAX_CPUS];    /* every CPU's irqs_taken just after   */
};
static struct retired retired[NXK_RETIRED];

static int grace_over(const struct retired *r)
{
	for (unsigned i = 0; i < ncpus; i++)
		if (i != r->cpu && __atomic_load_n(&cpus[i].irqs_taken, __ATOMIC_RELAXED) == r->seen[i])
			return 0;
	return 1;
}

int nxk_reap_locked(void)
{
	int waiting = 0;
	for (int i = 0; i < NXK_RETIRED; i++) {
		if (!retired[i].ext)
			continue;
		if (grace_over(&retired[i])) {
			nx_free(retired[i].ext);
			retired[i].ext = NULL;
		} else {
			waiting++;
		}
	}
	return waiting;
}

static void kick_others(void)
{
	for (unsigned i = 0; i < ncpus; i++)
		if (i != this_cpu()->id)
			smp_kick(i);
}

/* A run in flight on another CPU is covered by the grace period too. */
long nxk_retire_locked(struct nx_ext *ext)
{
	nxk_reap_locked();
	struct retired *r = NULL;
	for (int i = 0; i < NXK_RETIRED && !r; i++)
		if (!retired[i].ext)
			r = &retired[i];
	if (!r)
		return -LWK_EBUSY;
	nx_unlink(ext);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* the unlink, then the snapshot */
	for (unsigned i = 0; i < ncpus; i++)
		r->seen[i] = __atomic_load_n(&cpus[i].irqs_taken, __ATOMIC_RELAXED);
	r->cpu = this_cpu()->id;
	r->ext = ext;
	kick_others();
	return 0;
}

/*
 * After a remove, look again every millisecond until every retired
 * extension is reaped: their memory goes back soon, and the runaway stop's
 * tick, kept on while one of them may still run, stops (table.c).  Armed
 * without nimble_lock held: ktimer_arm takes a CPU's lock, which schedule()
 * holds when it takes nimble_lock (sched_eject_extensions).
 */
static void reap_tick(struct ktimer *k)
{
	spin_lock(&nimble_lock);        /* a timer interrupt: interrupts are off */
	int waiting = nxk_watch_locked();
	spin_unlock(&nimble_lock);
	if (waiting)
		ktimer_arm(k, k->cpu, time_now_ns() + 1000000);
}

static struct ktimer reap_timer = { .fn = reap_tick };

void nxk_reap_later(void)
{
	ktimer_arm(&reap_timer, this_cpu()->id, time_now_ns() + 1000000);
}

int nxk_reap_wait(void) { return nxk_reap_wait_ns(1000000000ull); }

int nxk_reap_wait_ns(uint64_t ns)
{
	uint64_t end = time_now_ns() + ns;
	for (;;) {
		unsigned long f = spin_lock_irqsave(&nimble_lock);
		int waiting = nxk_watch_locked();   /* reaps, then the tick on or off */
		spin_unlock_irqrestore(&nimble_lock, f);
		if (!waiting || time_now_ns() > end)
			return waiting;
		kick_others();
		cpu_pause();
	}
}

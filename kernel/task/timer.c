/*
 * A CPU's one-shot timer and what it serves: the end of the running
 * task's quantum, the first sleeper's deadline and the first kernel
 * timer's.  Its interrupt wakes due sleepers, runs due kernel timers and
 * ends the quantum; the kick IPI makes a CPU look again at its timer and
 * run queue.
 *
 * Tickless: the timer is armed for the earliest of the three, and not at
 * all when none is set (a task alone on its CPU takes no interrupts).
 * Everything here runs with interrupts off and takes cpu->lock, which
 * guards the sleeper list, the kernel-timer list and quantum_end.
 *
 * Not in sched.c: that file is the portable policy the host test
 * (tests/kcore/sched_test) compiles alone; this is its machine side.
 */
#include <lwk/task.h>
#include <lwk/smp.h>
#include <lwk/apic.h>

void sched_timer_rearm(struct cpu *c, uint64_t now)
{
	uint64_t d = c->quantum_end;
	if (c->sleepers && c->sleepers->wake_at < d)
		d = c->sleepers->wake_at;
	if (c->timers && c->timers->at < d)
		d = c->timers->at;
	apic_timer_oneshot(d == ~0ull ? 0 : d > now + 1000 ? d - now : 1000);
}

void sched_kick_local(struct cpu *c)
{
	if (c->current == c->idle)
		return;   /* the idle loop looks at the queue after every interrupt */
	spin_lock(&c->lock);
	uint64_t now = time_now_ns();
	if (c->quantum_end == ~0ull && c->rq.nr) {
		c->quantum_end = now + c->rq.quantum_ns;
		sched_timer_rearm(c, now);
	}
	spin_unlock(&c->lock);
}

/* The kick IPI: a task was queued here, or a kernel timer armed from
 * another CPU now leads the list (ktimer_arm). */
void sched_kick_irq(void)
{
	struct cpu *c = this_cpu();
	apic_eoi();
	if (c->timers) {
		spin_lock(&c->lock);
		sched_timer_rearm(c, time_now_ns());
		spin_unlock(&c->lock);
	}
	sched_kick_local(c);
}

/* Take the sleepers due at now off c's list: a list through sleep_next
 * (c->lock held). */
static struct task *sleepers_due_locked(struct cpu *c, uint64_t now)
{
	struct task *due = NULL;
	while (c->sleepers && c->sleepers->wake_at <= now) {
		struct task *t = c->sleepers;
		c->sleepers = t->sleep_next;
		t->sleep_next = due;
		due = t;
	}
	return due;
}

/* Take the kernel timers due at now off c's list, in deadline order
 * (c->lock held). */
static struct ktimer *timers_due_locked(struct cpu *c, uint64_t now)
{
	struct ktimer *fire = NULL, **tail = &fire;
	while (c->timers && c->timers->at <= now) {
		struct ktimer *k = c->timers;
		c->timers = k->next;
		k->armed = 0;
		*tail = k;
		tail = &k->next;
	}
	*tail = NULL;
	return fire;
}

void sched_timer_irq(void)
{
	struct cpu *c = this_cpu();
	apic_eoi();
	c->timer_irqs++;
	uint64_t now = time_now_ns();
	spin_lock(&c->lock);
	struct task *due = sleepers_due_locked(c, now);
	struct ktimer *fire = timers_due_locked(c, now);
	spin_unlock(&c->lock);
	while (due) {
		struct task *t = due;
		due = t->sleep_next;
		t->sleep_next = NULL;
		task_wake(t);
	}
	while (fire) {            /* in deadline order; fn may re-arm k */
		struct ktimer *k = fire;
		fire = k->next;
		k->next = NULL;
		k->fn(k);
	}
	if (now >= c->quantum_end && c->current != c->idle)
		schedule();
	else {
		spin_lock(&c->lock);
		sched_timer_rearm(c, now);
		spin_unlock(&c->lock);
	}
}

static void ktimer_unlink_locked(struct ktimer *k)
{
	for (struct ktimer **pp = &cpus[k->cpu].timers; *pp; pp = &(*pp)->next)
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	k->armed = 0;
}

void ktimer_cancel(struct ktimer *k)
{
	struct cpu *c = &cpus[k->cpu];
	unsigned long f = spin_lock_irqsave(&c->lock);
	if (k->armed)
		ktimer_unlink_locked(k);
	spin_unlock_irqrestore(&c->lock, f);
}

void ktimer_arm(struct ktimer *k, unsigned cpu, uint64_t at_ns)
{
	ktimer_cancel(k);
	struct cpu *c = &cpus[cpu];
	unsigned long f = spin_lock_irqsave(&c->lock);
	k->cpu = cpu;
	k->at = at_ns;
	k->armed = 1;
	struct ktimer **pp = &c->timers;
	while (*pp && (*pp)->at <= at_ns)
		pp = &(*pp)->next;
	k->next = *pp;
	*pp = k;
	int first = c->timers == k;
	if (first && cpu == this_cpu()->id)
		sched_timer_rearm(c, time_now_ns());
	spin_unlock_irqrestore(&c->lock, f);
	if (first && cpu != this_cpu()->id)
		smp_kick(cpu);
}

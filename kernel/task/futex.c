/*
 * Futexes: a task sleeps on a user address until another wakes it.  The
 * key is (aspace, address), so threads of one aspace meet and different
 * applications never do.  Waiters hang on one of FUTEX_BUCKETS lists;
 * the check of *uaddr and the enqueue happen under the bucket lock, and
 * a waker takes the same lock, so no wake-up is lost between them.  A
 * timed wait is also on its CPU's sleeper list; whichever of the timer
 * and futex_wake comes first wakes it, and it takes itself off the other.
 */
#include <lwk/task.h>
#include <lwk/aspace.h>
#include <lwk/spinlock.h>
#include <lwk/syscall.h>

#define FUTEX_BUCKETS 64

static struct bucket {
	struct spinlock lock;
	struct task *head;
} buckets[FUTEX_BUCKETS];

static struct bucket *bucket_of(struct aspace *as, uint64_t uaddr)
{
	uint64_t h = (uaddr >> 2) ^ ((uint64_t)as >> 6);
	return &buckets[(h ^ (h >> 17)) % FUTEX_BUCKETS];
}

int futex_wait(uint64_t uaddr, uint32_t val, uint64_t timeout_ns)
{
	struct task *t = task_current();
	if ((uaddr & 3) || !user_ok(uaddr, 4, 0))
		return -LWK_EFAULT;
	struct bucket *b = bucket_of(t->as, uaddr);
	unsigned long f = spin_lock_irqsave(&b->lock);
	if (*(volatile uint32_t *)uaddr != val) {
		spin_unlock_irqrestore(&b->lock, f);
		return -LWK_EAGAIN;
	}
	t->wait_key = uaddr;
	t->wait_next = b->head;
	b->head = t;
	if (timeout_ns)
		task_sleep_until(t, timeout_ns);
	t->state = TASK_BLOCKED;
	spin_unlock_irqrestore(&b->lock, f);
	schedule();
	if (timeout_ns)
		task_sleep_cancel(t);
	/* futex_wake takes us off the bucket and clears wait_key; if it is
	 * still set, the timeout (or exit_group) woke us. */
	f = spin_lock_irqsave(&b->lock);
	int woken = t->wait_key == 0;
	for (struct task **pp = &b->head; !woken && *pp; pp = &(*pp)->wait_next)
		if (*pp == t) {
			*pp = t->wait_next;
			break;
		}
	t->wait_key = 0;
	spin_unlock_irqrestore(&b->lock, f);
	return woken ? 0 : t->killed ? -LWK_EINTR : -LWK_ETIMEDOUT;
}

int futex_wake(uint64_t uaddr, uint32_t n)
{
	struct task *me = task_current();
	if ((uaddr & 3) || !user_ok(uaddr, 4, 0))
		return -LWK_EFAULT;
	struct bucket *b = bucket_of(me->as, uaddr);
	int woken = 0;
	unsigned long f = spin_lock_irqsave(&b->lock);
	for (struct task **pp = &b->head; *pp && (uint32_t)woken < n;) {
		struct task *t = *pp;
		if (t->wait_key == uaddr && t->as == me->as) {
			*pp = t->wait_next;
			t->wait_next = NULL;
			t->wait_key = 0;
			task_wake(t);
			woken++;
		} else {
			pp = &t->wait_next;
		}
	}
	spin_unlock_irqrestore(&b->lock, f);
	return woken;
}

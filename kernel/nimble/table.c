/*
 * The table of inserted extensions and their owners; the insert, remove
 * and stats system calls; the scheduler watchdog's ejection.
 *
 * Ownership: an extension inserted by an application is owned by its
 * aspace (pid) and may be removed, read and called only by tasks of that
 * aspace; one inserted by the PCT has owner 0 and may be trusted.  The
 * engine is told may_trust only for the PCT, so an application asking
 * for trust is refused by nx_prepare with EPERM.
 *
 * An insert is decided on the verified object before anything can run
 * it: nx_prepare gives an extension attached to no hook, the kernel's
 * rules (room in the table, one application per sched_pick and net_rx)
 * read its hooks, and only then nx_commit attaches it, or nx_discard
 * frees it.  A refused insert is never attached, so no event runs it.
 */
#include <nimble/nimble.h>
#include <uapi/lwk.h>
#include <lwk/watchdog.h>
#include <lwk/syscall.h>
#include <lwk/sched.h>
#include <lwk/task.h>
#include <lwk/kfmt.h>
#include <lwk/kmem.h>
#include <lwk/printk.h>
#include <lwk/string.h>
#include <lwk/nxk.h>
#include <lwk/net.h>
#include "nxk_internal.h"

#define NXK_MAX 64

struct nxk_entry {
	struct nx_ext *ext;
	uint32_t owner;      /* aspace id, 0 = PCT / kernel       */
	uint32_t hooks;      /* 1 << hook for each hook it attaches */
	int trap_filter;     /* attaches trap(NX_TRAP_SYSCALL)      */
};

static struct nxk_entry table[NXK_MAX];
struct spinlock nimble_lock = SPINLOCK_INIT;
uint32_t nxk_irq_owner;

/* The runaway stop ticks while extensions are inserted, and while retired
 * ones wait for their grace period: one of those may still be running,
 * and one that runs away holds its CPU (and their reaping) until stopped. */
int nxk_watch_locked(void)
{
	int waiting = nxk_reap_locked(), any = waiting > 0;
	for (int i = 0; i < NXK_MAX && !any; i++)
		any = table[i].ext != NULL;
	watchdog_arm(any);
	return waiting;
}

/* Recompute what the hooks' fast checks read: whether a syscall filter
 * exists, whose tasks sched_pick extensions see, whose endpoints net_rx
 * extensions may see, and on whose behalf irq extensions run. */
static void filter_update_locked(void)
{
	int on = 0;
	uint32_t owner = 0, net_owner = 0, irq_owner = 0;
	for (int i = 0; i < NXK_MAX; i++) {
		on |= table[i].ext && table[i].trap_filter;
		if (table[i].ext && (table[i].hooks & (1u << NX_HOOK_SCHED_PICK)) && table[i].owner)
			owner = table[i].owner;
		if (table[i].ext && (table[i].hooks & (1u << NX_HOOK_NET_RX)) && table[i].owner)
			net_owner = table[i].owner;
		if (table[i].ext && (table[i].hooks & (1u << NX_HOOK_IRQ)) && table[i].owner)
			irq_owner = irq_owner && irq_owner != table[i].owner ? NXK_OWNER_NOBODY
									     : table[i].owner;
	}
	syscall_filter_on = on;
	sched_view_owner = owner;
	net_rx_owner = net_owner;
	__atomic_store_n(&nxk_irq_owner, irq_owner, __ATOMIC_RELAXED);
	nxk_watch_locked();
}

int nxk_filters_owner(uint32_t owner)
{
	int mine = 0;
	for (int i = 0; i < NXK_MAX; i++)
		mine |= table[i].ext && table[i].trap_filter &&
			(table[i].owner == 0 || table[i].owner == owner);
	return mine;
}

/* The owner of an untrusted extension on hook other than `owner`, or 0. */
static uint32_t hook_owner_other_locked(enum nx_hook_id hook, uint32_t owner)
{
	for (int i = 0; i < NXK_MAX; i++)
		if (table[i].ext && (table[i].hooks & (1u << hook)) &&
		    table[i].owner && table[i].owner != owner)
			return table[i].owner;
	return 0;
}

static uint32_t caller_owner(void)
{
	return task_is_privileged() ? 0 : task_current()->pid;
}

/* The kernel's rules for entry e (its extension prepared, not attached)
 * going into slot (-1: the table is full): 0, or -errno with err->msg. */
static long refuse_locked(const struct nxk_entry *e, int slot, struct nx_error *err)
{
	/* One application's policy schedules the node's CPUs at a time; net_rx
	 * runs on every arriving frame: one application's at a time too, and
	 * the message layer runs it only for that owner's endpoints. */
	uint32_t other = (e->hooks & (1u << NX_HOOK_SCHED_PICK)) && e->owner ?
			 hook_owner_other_locked(NX_HOOK_SCHED_PICK, e->owner) : 0;
	uint32_t net_other = (e->hooks & (1u << NX_HOOK_NET_RX)) && e->owner ?
			     hook_owner_other_locked(NX_HOOK_NET_RX, e->owner) : 0;
	if (slot < 0) {
		strlcpy(err->msg, "the kernel's table of extensions is full", sizeof err->msg);
		return -LWK_ENOMEM;
	}
	if (other || net_other) {
		ksnprintf(err->msg, sizeof err->msg, "application %u's %s extension is already inserted",
			  other ? other : net_other, other ? "scheduler" : "net_rx");
		return -LWK_EBUSY;
	}
	return 0;
}

/* Decide on a prepared extension, then attach or free it: the handle or -errno. */
static long admit_locked(struct nx_ext *ext, uint32_t owner, struct nx_error *err)
{
	struct nxk_entry e = { .ext = ext, .owner = owner, .hooks = nx_ext_hooks(ext),
			       .trap_filter = nx_ext_attaches(ext, NX_HOOK_TRAP, NX_TRAP_SYSCALL) };
	int slot = -1;
	for (int i = 0; i < NXK_MAX && slot < 0; i++)
		if (!table[i].ext)
			slot = i;
	long rc = refuse_locked(&e, slot, err);
	if (rc) {
		nx_discard(ext);
		return rc;
	}
	if ((rc = nx_commit(ext, err)) != 0)
		return rc;
	table[slot] = e;
	filter_update_locked();
	return slot + 1;
}

long nxk_insert_kernel(const void *obj, size_t len, uint32_t owner, int may_trust,
		       struct nx_error *err)
{
	unsigned long f = spin_lock_irqsave(&nimble_lock);
	nxk_irq_events_prepare_locked();
	nxk_reap_locked();              /* free what finished its grace period */
	struct nx_ext *ext;
	long rc = nx_prepare(obj, len, owner, may_trust, &ext, err);
	if (rc == 0)
		rc = admit_locked(ext, owner, err);
	spin_unlock_irqrestore(&nimble_lock, f);
	return rc;
}

/* The entry behind a handle if the caller may use it, else NULL. */
static struct nxk_entry *entry_of(long handle, uint32_t owner)
{
	if (handle < 1 || handle > NXK_MAX)
		return NULL;
	struct nxk_entry *e = &table[handle - 1];
	return e->ext && (owner == 0 || e->owner == owner) ? e : NULL;
}

long nxk_remove_kernel(long handle, uint32_t owner)
{
	unsigned long f = spin_lock_irqsave(&nimble_lock);
	struct nxk_entry *e = entry_of(handle, owner);
	long rc = -LWK_ENOENT;
	if (e && (rc = nxk_retire_locked(e->ext)) == 0) {
		*e = (struct nxk_entry){0};
		filter_update_locked();
	}
	spin_unlock_irqrestore(&nimble_lock, f);
	/* The kicked CPUs end the grace period within microseconds, unless
	 * one is inside a run (the runaway stop bounds it): then a timer
	 * reaps.  Either way the watchdog's tick stops once nothing is left. */
	if (rc == 0 && nxk_reap_wait_ns(1000000))
		nxk_reap_later();
	return rc;
}

long nxk_insert(uint64_t obj, uint64_t len, uint64_t uerr)
{
	struct nx_error err = { .func = -1, .insn = -1 };
	struct lwk_nx_error uerr_out;
	if (len == 0 || len > NX_MAX_OBJECT)
		return -LWK_EINVAL;
	if (!user_ok(obj, len, 0) || (uerr && !user_ok(uerr, sizeof uerr_out, 1)))
		return -LWK_EFAULT;
	void *buf = kmem_alloc(len);
	if (!buf)
		return -LWK_ENOMEM;
	memcpy(buf, (const void *)obj, len);
	long rc = nxk_insert_kernel(buf, len, caller_owner(), task_is_privileged(), &err);
	kmem_free(buf);
	if (rc < 0 && uerr) {
		uerr_out = (struct lwk_nx_error){ .code = err.code, .func = err.func, .insn = err.insn };
		strlcpy(uerr_out.msg, err.msg, sizeof uerr_out.msg);
		memcpy((void *)uerr, &uerr_out, sizeof uerr_out);
	}
	return rc;
}

long nxk_remove(long handle)
{
	return nxk_remove_kernel(handle, caller_owner());
}

long nxk_stats(long handle, uint64_t out)
{
	struct nx_stats st;
	struct lwk_nx_stats u;
	if (!user_ok(out, sizeof u, 1))
		return -LWK_EFAULT;
	unsigned long f = spin_lock_irqsave(&nimble_lock);
	struct nxk_entry *e = entry_of(handle, caller_owner());
	if (e)
		nx_ext_stats(e->ext, &st);
	spin_unlock_irqrestore(&nimble_lock, f);
	if (!e)
		return -LWK_ENOENT;
	u = (struct lwk_nx_stats){ .runs = st.runs, .faults = st.faults,
				   .aborted_fuel = st.aborted_fuel, .insns = st.insns,
				   .last_fault = st.last_fault, .last_func = st.last_func,
				   .last_insn = st.last_insn, .attached = e->hooks };
	memcpy((void *)out, &u, sizeof u);
	return 0;
}

/* The scheduler's watchdog (sched.c): remove every sched_pick extension.
 * Called from schedule() with the run queue's lock held, so it takes
 * nimble_lock without saving flags (interrupts are already off). */
int sched_eject_extensions(uint32_t cpu, const char *why)
{
	int n = 0;
	spin_lock(&nimble_lock);
	for (int i = 0; i < NXK_MAX; i++) {
		struct nxk_entry *e = &table[i];
		if (!e->ext || !(e->hooks & (1u << NX_HOOK_SCHED_PICK)))
			continue;
		printk("nimble: cpu %u: ejecting scheduler extension '%s' (owner %u): %s\n", cpu,
		       nx_ext_name(e->ext), e->owner, why);
		if (nxk_retire_locked(e->ext) == 0) {
			*e = (struct nxk_entry){0};
			n++;
		}
	}
	filter_update_locked();
	spin_unlock(&nimble_lock);
	return n;
}

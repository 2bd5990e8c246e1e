/*
 * The kernel as the Nimble engine's embedder: memory from kmem, traces
 * on the console, the helper implementations, the insert/remove/call
 * syscalls, and the table of inserted extensions with their owners.
 *
 * Ownership: an extension inserted by an application is owned by its
 * aspace (pid) and may be removed, read and called only by tasks of that
 * aspace; one inserted by the PCT has owner 0 and may be trusted.  The
 * engine is told may_trust only for the PCT, so an application asking
 * for trust is refused by nx_insert with EPERM.  nimble_lock serialises
 * insert and remove, as nimble.h requires.
 */
#include <nimble/nimble.h>
#include <lwk/syscall.h>
#include <lwk/sched.h>
#include <lwk/task.h>
#include <lwk/smp.h>
#include <lwk/apic.h>
#include <lwk/kfmt.h>
#include <lwk/kmem.h>
#include <lwk/printk.h>
#include <lwk/string.h>
#include <lwk/spinlock.h>
#include <lwk/nxk.h>
#include <arch/io.h>
#include <arch/cpu.h>
#include <lwk/net.h>

#define NXK_MAX 64

struct nxk_entry {
	struct nx_ext *ext;
	uint32_t owner;      /* aspace id, 0 = PCT / kernel       */
	uint32_t hooks;      /* 1 << hook for each hook it attaches */
	int trap_filter;     /* attaches trap(NX_TRAP_SYSCALL)      */
};

static struct nxk_entry table[NXK_MAX];
static struct spinlock nimble_lock = SPINLOCK_INIT;
static uint64_t trace_budget = 1000;   /* traces printed before going quiet */

/* ---- embedder hooks ---- */

void *nx_host_alloc(size_t size) { return kmem_alloc(size); }
void nx_host_free(void *p, size_t size) { (void)size; kmem_free(p); }
void nx_host_print(const char *line) { printk("nimble: %s\n", line); }
void nx_host_report(const char *line) { printk("nimble: %s\n", line); }

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

/* ---- the table ---- */

/* The hooks an object declares, read from its HOOKS section (nx.h).  It
 * runs before the engine verifies the object (policy is decided before
 * anything is attached), so it trusts no offset or count: a malformed
 * object yields what it yields, and nx_insert then refuses it. */
static void hooks_of(const uint8_t *obj, size_t len, struct nxk_entry *e)
{
	const struct nx_header *h = (const void *)obj;
	if (len < sizeof *h || h->sect_off > len ||
	    (uint64_t)h->nsect * sizeof(struct nx_section) > len - h->sect_off)
		return;
	for (uint32_t i = 0; i < h->nsect; i++) {
		const struct nx_section *s = (const void *)(obj + h->sect_off + i * sizeof(*s));
		if (s->kind != NX_SECT_HOOKS || s->off > len ||
		    (uint64_t)s->count * sizeof(struct nx_hook) > len - s->off)
			continue;
		const struct nx_hook *hk = (const void *)(obj + s->off);
		for (uint32_t j = 0; j < s->count; j++) {
			if (hk[j].hook >= NX_HOOK_COUNT)
				continue;
			e->hooks |= 1u << hk[j].hook;
			e->trap_filter |= hk[j].hook == NX_HOOK_TRAP && hk[j].arg == NX_TRAP_SYSCALL;
		}
	}
}

/* Recompute what the hooks' fast checks read: whether a syscall filter
 * exists, whose tasks sched_pick extensions see, and whose endpoints
 * net_rx extensions may see. */
static void filter_update_locked(void)
{
	int on = 0;
	uint32_t owner = 0, net_owner = 0;
	for (int i = 0; i < NXK_MAX; i++) {
		on |= table[i].ext && table[i].trap_filter;
		if (table[i].ext && (table[i].hooks & (1u << NX_HOOK_SCHED_PICK)) && table[i].owner)
			owner = table[i].owner;
		if (table[i].ext && (table[i].hooks & (1u << NX_HOOK_NET_RX)) && table[i].owner)
			net_owner = table[i].owner;
	}
	syscall_filter_on = on;
	sched_view_owner = owner;
	net_rx_owner = net_owner;
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

/*
 * Removing: a grace period before the free.  A fire on another CPU may
 * have loaded an attachment of an extension just before nx_unlink took
 * it off its hook, so its memory is freed (nx_free) only after every
 * other online CPU has taken an interrupt since the unlink: the kernel
 * runs with interrupts off, so such a CPU has finished every fire that
 * could still see it.  A remove kicks the other CPUs so that tickless
 * ones answer soon; retired extensions are reaped under nimble_lock at
 * every insert and remove (and by nxk_reap_wait).
 */
#define NXK_RETIRED (2 * NXK_MAX)

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

/* Free the retired extensions whose grace period is over; how many wait. */
static int reap_locked(void)
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

/* Take ext out of the engine and retire it: 0, or -EBUSY while too many
 * removed extensions still wait for their grace period (try again).  A
 * run in flight on another CPU is covered by the grace period too. */
static long remove_locked(struct nx_ext *ext)
{
	reap_locked();
	struct retired *r = NULL;
	for (int i = 0; i < NXK_RETIRED && !r; i++)
		if (!retired[i].ext)
			r = &retired[i];
	if (!r)
		return -LWK_EBUSY;
	nx_unlink(ext);
	uint32_t me = this_cpu()->id;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* the unlink, then the snapshot */
	for (unsigned i = 0; i < ncpus; i++)
		r->seen[i] = __atomic_load_n(&cpus[i].irqs_taken, __ATOMIC_RELAXED);
	r->cpu = me;
	r->ext = ext;
	for (unsigned i = 0; i < ncpus; i++)
		if (i != me)
			smp_kick(i);
	return 0;
}

int nxk_reap_wait(void)
{
	uint64_t end = time_now_ns() + 1000000000ull;
	for (;;) {
		unsigned long f = spin_lock_irqsave(&nimble_lock);
		int waiting = reap_locked();
		spin_unlock_irqrestore(&nimble_lock, f);
		if (!waiting || time_now_ns() > end)
			return waiting;
		for (unsigned i = 0; i < ncpus; i++)
			if (i != this_cpu()->id)
				smp_kick(i);
		cpu_pause();
	}
}

static void irq_events_prepare_locked(void);   /* the irq hook's contexts, below */

/* Insert an object already in kernel memory; the handle (slot + 1) or -errno. */
long nxk_insert_kernel(const void *obj, size_t len, uint32_t owner, int may_trust,
		       struct nx_error *err)
{
	unsigned long f = spin_lock_irqsave(&nimble_lock);
	irq_events_prepare_locked();
	reap_locked();                  /* free what finished its grace period */
	int slot = -1;
	for (int i = 0; i < NXK_MAX && slot < 0; i++)
		if (!table[i].ext)
			slot = i;
	long rc = -LWK_ENOMEM;
	/* Policy first, from the hooks the object names: a refused insert is
	 * never attached, so no event can run it even once. */
	struct nxk_entry e = { .owner = owner };
	hooks_of(obj, len, &e);
	/* One application's policy schedules the node's CPUs at a time; net_rx
	 * runs on every arriving frame: one application's at a time too, and
	 * the message layer runs it only for that owner's endpoints. */
	uint32_t other = (e.hooks & (1u << NX_HOOK_SCHED_PICK)) && owner ?
			 hook_owner_other_locked(NX_HOOK_SCHED_PICK, owner) : 0;
	uint32_t net_other = (e.hooks & (1u << NX_HOOK_NET_RX)) && owner ?
			     hook_owner_other_locked(NX_HOOK_NET_RX, owner) : 0;
	if (slot < 0) {
		strlcpy(err->msg, "the kernel's table of extensions is full", sizeof err->msg);
	} else if (other || net_other) {
		ksnprintf(err->msg, sizeof err->msg, "application %u's %s extension is already inserted",
			  other ? other : net_other, other ? "scheduler" : "net_rx");
		rc = -LWK_EBUSY;
	} else if ((rc = nx_insert(obj, len, owner, may_trust, &e.ext, err)) == 0) {
		table[slot] = e;
		filter_update_locked();
		rc = slot + 1;
	}
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
	if (e && (rc = remove_locked(e->ext)) == 0) {
		*e = (struct nxk_entry){0};
		filter_update_locked();
	}
	spin_unlock_irqrestore(&nimble_lock, f);
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

/* ---- the trap hook ---- */

/*
 * The task's prepared context (task.c): a task makes one system call at a
 * time and a run never blocks, so the syscall filter and nimble_call
 * share it.  This fills what changes per call: the caller's identity and
 * owner (set after creation), the call, and the lent buffers.
 */
static inline __attribute__((always_inline))
struct nx_ctx_trap *trap_ctx(struct task *t, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			     uint64_t a3, uint64_t a4, uint64_t a5,
			     void *buf, uint64_t blen, void *aux, uint64_t alen)
{
	struct nx_ctx_trap *ctx = &t->nx_trap_ctx;
	ctx->nr = nr;
	ctx->arg[0] = a0, ctx->arg[1] = a1, ctx->arg[2] = a2;   /* stores, not a loop */
	ctx->arg[3] = a3, ctx->arg[4] = a4, ctx->arg[5] = a5;
	ctx->pid = t->pid;
	ctx->tid = t->tid;
	ctx->buf_len = (uint32_t)blen;
	ctx->aux_len = (uint32_t)alen;
	ctx->ret = 0;
	struct nx_env *env = &t->nx_trap_env;
	env->owner = t->owner;
	nx_env_bufs(env, NX_HOOK_TRAP, buf, blen, aux, alen);
	return ctx;
}

/* nimble_call(a0, a1, buf, buf_len, aux, aux_len): the buffers are lent
 * to the extension in place (checked writable user memory). */
long nxk_call(uint64_t a0, uint64_t a1, uint64_t buf, uint64_t blen, uint64_t aux, uint64_t alen)
{
	if (blen > NX_MAX_OBJECT || alen > NX_MAX_OBJECT)
		return -LWK_EINVAL;
	if ((blen && !user_ok(buf, blen, 1)) || (alen && !user_ok(aux, alen, 1)))
		return -LWK_EFAULT;
	/* Nothing attached: no context to build (one bit to look at). */
	if (!nx_hook_armed(NX_HOOK_TRAP))
		return -LWK_ENOSYS;
	struct task *t = this_cpu()->current;
	struct nx_ctx_trap *ctx = trap_ctx(t, SYS_nimble_call, a0, a1, buf, blen, aux, alen,
					   (void *)buf, blen, (void *)aux, alen);
	if (nx_fire(NX_HOOK_TRAP, NX_TRAP_CALL, &t->nx_trap_env, NULL) == NX_RET_DEFAULT)
		return -LWK_ENOSYS;
	return ctx->ret;
}

int nxk_trap_filter(const struct syscall_frame *f, long *ret)
{
	struct task *t = task_current();
	int mine = 0;
	for (int i = 0; i < NXK_MAX; i++)
		mine |= table[i].ext && table[i].trap_filter &&
			(table[i].owner == 0 || table[i].owner == t->owner);
	if (!mine || !t->as)
		return 0;
	struct nx_ctx_trap *ctx = trap_ctx(t, f->nr, f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9,
					   NULL, 0, NULL, 0);
	if (nx_fire(NX_HOOK_TRAP, NX_TRAP_SYSCALL, &t->nx_trap_env, NULL) == NX_RET_DEFAULT)
		return 0;
	*ret = ctx->ret;
	return 1;
}

/* ---- the irq hook ---- */

/*
 * An interrupt's context lives in its CPU's struct cpu and is prepared
 * before the first extension is inserted (so before the irq hook can be
 * armed): interrupts arrive through interrupt gates (IF clear) and
 * irq_common does not set it, so one CPU handles one at a time, and an
 * event writes only the fields that change.
 */
static int irq_events_ready;

static void irq_events_prepare_locked(void)
{
	for (uint32_t i = 0; i < MAX_CPUS && !irq_events_ready; i++) {
		cpus[i].nx_irq_ctx.cpu = i;
		nx_env_setup(&cpus[i].nx_irq_env, NX_HOOK_IRQ, &cpus[i].nx_irq_ctx, NULL, 0, NULL, 0);
	}
	irq_events_ready = 1;
}

/* Nonzero if an extension handled the interrupt (the kernel handler is
 * skipped): the hook's answer. */
uint64_t nxk_irq(uint32_t vector, uint64_t count)
{
	if (!nx_hook_armed(NX_HOOK_IRQ))
		return NX_RET_DEFAULT;
	struct cpu *c = this_cpu();
	c->nx_irq_ctx.vector = vector;
	c->nx_irq_ctx.count = count;
	return nx_fire(NX_HOOK_IRQ, vector, &c->nx_irq_env, NULL);
}

/* ---- the scheduler's watchdog ---- */

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
		if (remove_locked(e->ext) == 0) {
			*e = (struct nxk_entry){0};
			n++;
		}
	}
	filter_update_locked();
	spin_unlock(&nimble_lock);
	return n;
}

/*
 * Tasks: creation, the context switch around the scheduling policy
 * (sched.c), blocking and wake-up, migration, sleeping, exit and reaping.
 * The timer interrupt, the kick IPI and kernel timers are in timer.c.
 *
 * The kernel is not preemptible: it runs with interrupts off, and the
 * timer can only interrupt user code or the idle loop.  Locks:
 *  - cpu->lock guards that CPU's run queue, sleeper list and `current`;
 *    schedule() holds it across switch_stacks and the task switched to
 *    releases it (finish_switch), so no CPU can pick a task whose stack
 *    is still in use;
 *  - tasks_lock guards the task list and parent/child exit status.
 * A task leaving its CPU for good (exit, migration) is handed to the next
 * task's finish_switch, which runs once its stack is no longer in use.
 */
#include <lwk/task.h>
#include <lwk/sched.h>
#include <lwk/smp.h>
#include <lwk/apic.h>
#include <lwk/aspace.h>
#include <lwk/kmem.h>
#include <lwk/string.h>
#include <lwk/printk.h>
#include <lwk/panic.h>
#include <lwk/syscall.h>
#include <arch/cpu.h>
#include <arch/page.h>
#include <lwk/params.h>
#include <lwk/net.h>

/* Boot parameter: the round-robin quantum. */
uint64_t sched_quantum_ms = 10;
BOOT_PARAM_UINT(sched_quantum_ms, sched_quantum_ms, 1, 10000);

struct user_start { uint64_t rip, rsp, a[TASK_START_REGS]; };

_Static_assert(__builtin_offsetof(struct task, killed) == 0, "syscall_entry.S: TASK_KILLED");
_Static_assert(sizeof(struct user_start) == 9 * 8, "syscall_entry.S: user_iret's offsets");

void switch_stacks(uint64_t *save_ksp, uint64_t next_ksp);
void task_start(void);
void user_iret(const struct user_start *u) __attribute__((noreturn));

static struct spinlock tasks_lock = SPINLOCK_INIT;
static struct task *all_tasks;
static uint32_t next_tid = 1;
static uint64_t kernel_cr3;
/* Per CPU: the task that just left it for good (exit or migration). */
static struct task *leaving[MAX_CPUS];

#define WAIT_CHILD 1   /* wait_key of a task in task_wait_child */

struct task *task_current(void) { return this_cpu()->current; }

uint64_t task_kstack_top(const struct task *t)
{
	return (uint64_t)t->kstack + (PAGE_SIZE << TASK_KSTACK_ORDER);
}

static void name_set(struct task *t, const char *name)
{
	strlcpy(t->name, name ? name : "", sizeof t->name);
}

/* ---- creation ---- */

static struct task *task_alloc(const char *name, unsigned cpu, void (*body)(void *), void *arg)
{
	struct task *t = kmem_alloc(sizeof *t);
	if (!t)
		return NULL;
	t->kstack = kmem_get_pages(TASK_KSTACK_ORDER);
	if (!t->kstack) {
		kmem_free(t);
		return NULL;
	}
	/* The frame switch_stacks pops: r15 r14 r13 r12 rbx rbp, then ret. */
	uint64_t *sp = (uint64_t *)task_kstack_top(t);
	*--sp = 0;                   /* keeps rsp % 16 == 8 at body entry */
	*--sp = (uint64_t)task_start;
	*--sp = 0;                   /* rbp */
	*--sp = 0;                   /* rbx */
	*--sp = (uint64_t)body;      /* r12 */
	*--sp = (uint64_t)arg;       /* r13 */
	*--sp = 0;                   /* r14 */
	*--sp = 0;                   /* r15 */
	t->ksp = (uint64_t)sp;
	t->cpu = cpu;
	t->state = TASK_RUNNABLE;
	name_set(t, name);
	t->nx_trap_env.host = t;
	t->nx_trap_env.fuel = 0;
	nx_env_setup(&t->nx_trap_env, NX_HOOK_TRAP, &t->nx_trap_ctx, NULL, 0, NULL, 0);
	unsigned long f = spin_lock_irqsave(&tasks_lock);
	t->tid = next_tid++;
	t->all_next = all_tasks;
	all_tasks = t;
	spin_unlock_irqrestore(&tasks_lock, f);
	return t;
}

static void enqueue(struct task *t)
{
	struct cpu *c = &cpus[t->cpu];
	unsigned long f = spin_lock_irqsave(&c->lock);
	t->ready_since = time_now_ns();
	runq_add(&c->rq, t);
	spin_unlock_irqrestore(&c->lock, f);
	smp_kick(t->cpu);
}

struct task *kthread_create(const char *name, void (*fn)(void *), void *arg, unsigned cpu)
{
	if (cpu >= ncpus)
		return NULL;
	struct task *t = task_alloc(name, cpu, fn, arg);
	if (!t)
		return NULL;
	t->flags = TASK_F_KERNEL;
	struct task *cur = task_current();
	t->parent = cur ? cur->tid : 0;
	enqueue(t);
	return t;
}

/* Body of a user task's first run: drop to ring 3. */
static void user_body(void *arg)
{
	struct task *t = arg;
	struct user_start u = { t->entry, t->ustack, { 0 } };
	memcpy(u.a, t->start_arg, sizeof u.a);
	task_check_killed();   /* its aspace's exit_group came before its first run */
	user_iret(&u);
}

int task_create_user(const struct lwk_start_state *st, uint32_t parent, uint32_t flags,
		     struct task **out)
{
	return task_create_clone(st, parent, flags, NULL, out);
}

int task_create_clone(const struct lwk_start_state *st, uint32_t parent, uint32_t flags,
		      const struct task_clone *cl, struct task **out)
{
	if (st->cpu_id >= ncpus) {
		kerr("task_create: cpu_id %u, but only %u CPUs are online", st->cpu_id, ncpus);
		return -LWK_EINVAL;
	}
	if (st->task_id) {
		kerr("task_create: task_id must be 0 (ids are chosen by the kernel)");
		return -LWK_EINVAL;
	}
	struct aspace *as = aspace_get(st->aspace_id);
	if (!as) {
		kerr("task_create: no aspace %u", st->aspace_id);
		return -LWK_ENOENT;
	}
	uint64_t pte = 0;
	if (!aspace_translate(as, st->entry_point, &pte) || !(pte & PTE_U) || (pte & PTE_NX)) {
		kerr("task_create: entry_point 0x%llx is not mapped executable in aspace %u",
		     (unsigned long long)st->entry_point, st->aspace_id);
		aspace_put(as);
		return -LWK_EINVAL;
	}
	if ((st->stack_ptr & 7) || !aspace_user_ok(as, st->stack_ptr - 16, 16, 1)) {
		kerr("task_create: stack_ptr 0x%llx is not an 8-byte aligned top of writable memory",
		     (unsigned long long)st->stack_ptr);
		aspace_put(as);
		return -LWK_EINVAL;
	}
	struct task *t = task_alloc(st->task_name, st->cpu_id, user_body, NULL);
	if (!t) {
		aspace_put(as);
		kerr("task_create: no kmem for a task");
		return -LWK_ENOMEM;
	}
	/* The x87 and SSE state after FNINIT and at reset: every exception
	 * masked (FCW 0x37f, MXCSR 0x1f80). */
	uint16_t fcw = 0x37f;
	uint32_t mxcsr = 0x1f80;
	memcpy(t->fpu, &fcw, sizeof fcw);
	memcpy(t->fpu + 24, &mxcsr, sizeof mxcsr);
	/* user_body gets the task itself as its argument (r13 slot). */
	((uint64_t *)t->ksp)[2] = (uint64_t)t;
	t->as = as;
	t->pid = as->id;
	t->owner = as->id;
	t->parent = parent;
	t->flags = flags & TASK_F_PRIVILEGED;
	t->prio = st->prio;
	t->entry = st->entry_point;
	t->ustack = st->stack_ptr;
	for (int i = 0; i < 4; i++)
		t->start_arg[i] = st->use_args ? st->arg[i] : 0;
	if (cl) {   /* before enqueue: another CPU may run it at once */
		memcpy(&t->start_arg[4], cl->r8_r9_r10, sizeof cl->r8_r9_r10);
		t->fs_base = cl->fs_base;
		t->clear_child_tid = cl->clear_child_tid;
		t->sigmask = cl->sigmask;
		uint32_t tid = t->tid;   /* same aspace, loaded: the caller checked both */
		for (int i = 0; i < 2; i++)
			if (cl->set_tid[i])
				copy_to_user(cl->set_tid[i], &tid, sizeof tid);
	}
	if (out)
		*out = t;
	enqueue(t);
	return (int)t->tid;
}

struct task *task_lookup(uint32_t tid)
{
	unsigned long f = spin_lock_irqsave(&tasks_lock);
	struct task *t = all_tasks;
	while (t && (t->tid != tid || t->state == TASK_EXITED))
		t = t->all_next;
	spin_unlock_irqrestore(&tasks_lock, f);
	return t;
}

int task_count_in(uint32_t aspace_id)
{
	int n = 0;
	unsigned long f = spin_lock_irqsave(&tasks_lock);
	for (struct task *t = all_tasks; t; t = t->all_next)
		n += t->as && t->pid == aspace_id;   /* as is dropped when its stack is */
	spin_unlock_irqrestore(&tasks_lock, f);
	return n;
}

int task_live_count(void)
{
	int n = 0;
	unsigned long f = spin_lock_irqsave(&tasks_lock);
	for (struct task *t = all_tasks; t; t = t->all_next)
		n++;
	spin_unlock_irqrestore(&tasks_lock, f);
	return n;
}

/* ---- switching ---- */

/* Unlink and free an exited task whose stack is gone; tasks_lock held. */
static void reap_locked(struct task *t, struct lwk_task_status *out)
{
	if (out)
		*out = t->status;
	struct task **pp = &all_tasks;
	while (*pp != t)
		pp = &(*pp)->all_next;
	*pp = t->all_next;
	kmem_free(t);
}

/* Wake the parent if it waits for a child; 0 if it no longer exists.
 * tasks_lock held. */
static int wake_parent_locked(struct task *t)
{
	for (struct task *p = all_tasks; p; p = p->all_next) {
		if (p->tid != t->parent || p->state == TASK_EXITED)
			continue;
		if (p->state == TASK_BLOCKED && p->wait_key == WAIT_CHILD) {
			p->wait_key = 0;
			task_wake(p);
		}
		return 1;
	}
	return 0;
}

/* Runs on the new task's stack with c->lock held by the switcher. */
static void finish_switch(struct cpu *c)
{
	struct task *gone = leaving[c->id];
	leaving[c->id] = NULL;
	spin_unlock(&c->lock);
	if (!gone)
		return;
	if (gone->state == TASK_RUNNABLE) {     /* migration: now safe to run there */
		enqueue(gone);
		return;
	}
	kmem_free_pages(gone->kstack, TASK_KSTACK_ORDER);
	if (gone->as)
		aspace_put(gone->as);
	unsigned long f = spin_lock_irqsave(&tasks_lock);
	gone->kstack = NULL;
	gone->as = NULL;
	if (!wake_parent_locked(gone))
		reap_locked(gone, NULL);    /* nobody will wait for it */
	spin_unlock_irqrestore(&tasks_lock, f);
}

void task_first_run(void)
{
	finish_switch(this_cpu());
}

void schedule(void)
{
	struct cpu *c = this_cpu();
	struct task *prev = c->current;
	spin_lock(&c->lock);
	uint64_t now = time_now_ns();
	prev->runtime += now - prev->ran_at;
	if (prev->state == TASK_RUNNABLE && prev->cpu == c->id && !(prev->flags & TASK_F_IDLE)) {
		prev->ready_since = now;
		runq_add(&c->rq, prev);
	} else if (prev->state == TASK_EXITED || prev->cpu != c->id) {
		leaving[c->id] = prev;
	}
	uint64_t q = NX_QUANTUM_INFINITE;
	struct task *next = sched_pick_next(&c->rq, prev, now, &q);
	if (!next)
		next = c->idle;
	c->quantum_end = q == NX_QUANTUM_INFINITE || next == c->idle ? ~0ull : now + q;
	sched_timer_rearm(c, now);
	if (next == prev) {
		spin_unlock(&c->lock);
		return;
	}
	next->ran_at = now;
	c->current = next;
	c->switches++;
	if (next->kstack)
		percpu_set_kernel_stack(c, task_kstack_top(next));
	uint64_t cr3 = next->as ? next->as->cr3 : kernel_cr3;
	if (cr3 != read_cr3())
		write_cr3(cr3);
	if (prev->as)
		fxsave(prev->fpu);
	if (next->as) {
		wrmsr(MSR_FS_BASE, next->fs_base);
		fxrstor(next->fpu);
	}
	switch_stacks(&prev->ksp, next->ksp);
	finish_switch(this_cpu());
}

/* A yield is often a spin-wait in disguise (nothing else to run here, the
 * awaited task on another CPU): PAUSE lets QEMU -icount run the other
 * vCPUs (ENVIRONMENT.md) and is a spin hint on hardware. */
void task_yield(void)
{
	schedule();
	cpu_pause();
}

void task_wake(struct task *t)
{
	struct cpu *c = &cpus[t->cpu];
	unsigned long f = spin_lock_irqsave(&c->lock);
	int queued = 0;
	if (t->state == TASK_BLOCKED) {
		t->state = TASK_RUNNABLE;
		/* Still on its CPU's stack (between blocking and schedule())?
		 * Then schedule() will requeue it itself. */
		if (c->current != t) {
			t->ready_since = time_now_ns();
			runq_add(&c->rq, t);
			queued = 1;
		}
	}
	spin_unlock_irqrestore(&c->lock, f);
	if (queued)
		smp_kick(t->cpu);
}

int task_switch_cpus(unsigned cpu)
{
	struct task *t = task_current();
	if (cpu >= ncpus) {
		kerr("task_switch_cpus: cpu %u, but only %u CPUs are online", cpu, ncpus);
		return -LWK_EINVAL;
	}
	if (cpu == t->cpu)
		return 0;
	t->cpu = cpu;   /* schedule() hands it to finish_switch, which queues it there */
	schedule();
	return 0;
}

/* Put the calling task on its CPU's sleeper list until now + ns (the
 * caller then blocks); the timer wakes it at the deadline. */
void task_sleep_until(struct task *t, uint64_t ns)
{
	struct cpu *c = &cpus[t->cpu];
	unsigned long f = spin_lock_irqsave(&c->lock);
	t->wake_at = time_now_ns() + ns;
	struct task **pp = &c->sleepers;
	while (*pp && (*pp)->wake_at <= t->wake_at)
		pp = &(*pp)->sleep_next;
	t->sleep_next = *pp;
	*pp = t;
	spin_unlock_irqrestore(&c->lock, f);
}

/* Take t off its CPU's sleeper list if it is still there (woken early). */
void task_sleep_cancel(struct task *t)
{
	struct cpu *c = &cpus[t->cpu];
	unsigned long f = spin_lock_irqsave(&c->lock);
	for (struct task **pp = &c->sleepers; *pp; pp = &(*pp)->sleep_next)
		if (*pp == t) {
			*pp = t->sleep_next;
			break;
		}
	spin_unlock_irqrestore(&c->lock, f);
}

int task_sleep_ns(uint64_t ns)
{
	struct task *t = task_current();
	task_sleep_until(t, ns);
	t->state = TASK_BLOCKED;
	schedule();
	if (t->killed) {       /* woken early by exit_group */
		task_sleep_cancel(t);
		return -LWK_EINTR;
	}
	return 0;
}

/* ---- exit and reaping ---- */


static void exit_with(uint32_t kind, int code, uint64_t rip, uint64_t addr)
{
	struct task *t = task_current();
	unsigned long f = spin_lock_irqsave(&tasks_lock);
	t->status = (struct lwk_task_status){ .tid = t->tid, .aspace_id = t->pid, .kind = kind,
					      .code = code, .rip = rip, .addr = addr };
	t->state = TASK_EXITED;
	int last = t->as != NULL;     /* the application's last task ends */
	for (struct task *o = all_tasks; o && last; o = o->all_next)
		last = o == t || o->pid != t->pid || o->state == TASK_EXITED;
	spin_unlock_irqrestore(&tasks_lock, f);
	if (last)
		net_release(t->pid);  /* its endpoints close now, not at the next frame */
	schedule();   /* finish_switch frees the stack and tells the parent */
	panic("task %u ran after exit", t->tid);
}

void task_exit(int code)
{
	exit_with(LWK_EXIT_NORMAL, code, 0, 0);
	__builtin_unreachable();
}

void task_fault_exit(int vector, uint64_t rip, uint64_t addr)
{
	struct task *t = task_current();
	printk("task %u (%s): fault vector %d at rip 0x%llx addr 0x%llx: task ended\n", t->tid,
	       t->name, vector, (unsigned long long)rip, (unsigned long long)addr);
	exit_with(LWK_EXIT_FAULT, vector, rip, addr);
	__builtin_unreachable();
}

void task_check_killed(void)
{
	struct task *t = task_current();
	if (t->killed)
		exit_with(LWK_EXIT_KILLED, t->killed - 1, 0, 0);
}

/*
 * Mark every other task of the aspace; blocked ones are woken so that
 * they leave their wait (futex, sleep, task_wait each notice `killed`),
 * running ones are kicked out of user mode by an IPI.  Each ends on its
 * way back to user mode.
 */
void task_exit_group(int code)
{
	struct task *me = task_current();
	unsigned long f = spin_lock_irqsave(&tasks_lock);
	for (struct task *t = all_tasks; t; t = t->all_next) {
		if (t == me || !me->as || t->as != me->as || t->state == TASK_EXITED)
			continue;
		t->killed = (code & 0xff) + 1;
		if (t->state == TASK_BLOCKED)
			task_wake(t);
		else if (cpus[t->cpu].current == t)
			smp_kick(t->cpu);
	}
	spin_unlock_irqrestore(&tasks_lock, f);
	task_exit(code);
}

/* Find an exited child matching tid (0 = any) whose stack was freed. */
static int wait_for(uint32_t tid, struct lwk_task_status *out)
{
	struct task *me = task_current();
	for (;;) {
		unsigned long f = spin_lock_irqsave(&tasks_lock);
		int children = 0;
		for (struct task *t = all_tasks; t; t = t->all_next) {
			if (t->parent != me->tid || (tid && t->tid != tid))
				continue;
			children++;
			if (t->state == TASK_EXITED && !t->kstack) {
				reap_locked(t, out);
				spin_unlock_irqrestore(&tasks_lock, f);
				return 0;
			}
		}
		if (!children) {
			spin_unlock_irqrestore(&tasks_lock, f);
			return -LWK_ECHILD;
		}
		me->wait_key = WAIT_CHILD;
		me->state = TASK_BLOCKED;
		spin_unlock_irqrestore(&tasks_lock, f);
		schedule();
		if (me->killed)
			return -LWK_EINTR;
	}
}

int task_wait_child(struct lwk_task_status *out) { return wait_for(0, out); }
int task_join(uint32_t tid, struct lwk_task_status *out) { return wait_for(tid, out); }

/* ---- per-CPU start ---- */

static struct task ap_idle[MAX_CPUS];
static struct task boot_task;

static void idle_body(void *arg)
{
	(void)arg;
	task_idle_loop();
}

/*
 * The boot CPU keeps running kmain as an ordinary kernel task (which may
 * block, e.g. in tests) and gets a separate idle task; an application
 * processor's boot context becomes its idle task, on the trampoline stack.
 */
void task_init_cpu(unsigned cpu)
{
	struct cpu *c = &cpus[cpu];
	if (!kernel_cr3)
		kernel_cr3 = read_cr3();
	runq_init(&c->rq, cpu, sched_quantum_ms * 1000000ull);
	c->quantum_end = ~0ull;
	struct task *idle;
	if (cpu == 0) {
		idle = task_alloc("idle0", 0, idle_body, NULL);
		if (!idle)
			panic("no kmem for the idle task");
		boot_task.flags = TASK_F_KERNEL;
		boot_task.state = TASK_RUNNABLE;
		name_set(&boot_task, "kmain");
		unsigned long f = spin_lock_irqsave(&tasks_lock);
		boot_task.tid = next_tid++;
		boot_task.all_next = all_tasks;
		all_tasks = &boot_task;
		spin_unlock_irqrestore(&tasks_lock, f);
		c->current = &boot_task;
	} else {
		idle = &ap_idle[cpu];
		name_set(idle, "idle");
		c->current = idle;
	}
	idle->flags = TASK_F_IDLE | TASK_F_KERNEL;
	idle->cpu = cpu;
	idle->state = TASK_RUNNABLE;
	c->idle = idle;
}

void task_idle_loop(void)
{
	struct cpu *c = this_cpu();
	for (;;) {
		irq_disable();
		if (c->rq.nr) {
			schedule();
			continue;
		}
		__asm__ volatile("sti; hlt" ::: "memory");
	}
}

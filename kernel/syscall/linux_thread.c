/*
 * Linux threads (what glibc's and musl's pthread_create, pthread_join and
 * thread exit ask for): clone of a thread into the caller's aspace, the
 * signal mask and actions that C libraries set around it, madvise on a
 * dead thread's stack, getcpu, and signals to oneself (abort, raise).
 * No handler is kept, so a signal takes its default action: nothing, or
 * the end of the application.
 * Numbers and semantics from Linux x86-64.
 */
#include <lwk/syscall.h>
#include <lwk/linux.h>
#include <lwk/task.h>
#include <lwk/aspace.h>
#include <lwk/smp.h>
#include <lwk/printk.h>
#include <lwk/string.h>

#define CLONE_VM             0x00000100
#define CLONE_FS             0x00000200
#define CLONE_FILES          0x00000400
#define CLONE_SIGHAND        0x00000800
#define CLONE_THREAD         0x00010000
#define CLONE_SYSVSEM        0x00040000
#define CLONE_SETTLS         0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED       0x00400000
#define CLONE_CHILD_SETTID   0x01000000
#define CLONE_SIGNAL         0x000000ff   /* exit signal: none for a thread */
#define CLONE_A_THREAD (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD)
#define CLONE_ALLOWED (CLONE_A_THREAD | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_SETTLS | \
		       CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | \
		       CLONE_CHILD_SETTID | CLONE_SIGNAL)

#define SIGKILL 9
#define SIGSTOP 19
#define SIG_UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

/* A tid address must be writable now, so that the child's start cannot
 * fail half-way. */
static int tid_ptr_ok(long flags, long bit, long p)
{
	return !(flags & bit) || ((p & 3) == 0 && user_ok(p, 4, 1));
}

/*
 * A thread of the caller's application: same aspace, started where the
 * caller returns to (rax 0) on newsp, with its argument registers and
 * r8-r10 (rbx, rbp, r12-r15 are zero: glibc's and musl's clone keep
 * nothing there).  It runs on the next CPU in turn after the caller's
 * among those the PCT allows (thread_cpu),
 * and, like the first task, reports its end to the PCT.  A process
 * (anything without CLONE_VM, CLONE_SIGHAND and CLONE_THREAD): ENOSYS.
 */
/* The next CPU in turn after the caller's among those the PCT allows the
 * application's threads (aspace_set_cpus; all when it set none). */
static uint32_t thread_cpu(const struct task *me, uint32_t turn)
{
	uint64_t allowed = me->as->thread_cpus;
	for (uint32_t k = 0; k < ncpus; k++) {
		uint32_t c = (me->cpu + 1 + turn + k) % ncpus;
		if (!allowed || ((allowed >> c) & 1))
			return c;
	}
	return me->cpu;
}

long sys_clone(long flags, long newsp, long ptid, long ctid, long tls)
{
	struct task *me = task_current();
	if ((flags & CLONE_A_THREAD) != CLONE_A_THREAD || (flags & ~(long)CLONE_ALLOWED))
		return -LWK_ENOSYS;
	if (!newsp || (newsp & 7))
		return -LWK_EINVAL;   /* a thread on its parent's stack cannot work */
	if ((flags & CLONE_SETTLS) && (uint64_t)tls >= LWK_USER_TOP)
		return -LWK_EPERM;
	if (!tid_ptr_ok(flags, CLONE_PARENT_SETTID, ptid) || !tid_ptr_ok(flags, CLONE_CHILD_SETTID, ctid) ||
	    ((flags & CLONE_CHILD_CLEARTID) && (ctid & 3)))
		return -LWK_EFAULT;

	const struct syscall_frame *f =
		(const void *)(task_kstack_top(me) - sizeof(struct syscall_frame));
	uint32_t turn = __atomic_fetch_add(&me->as->clones, 1, __ATOMIC_RELAXED);
	struct lwk_start_state st = {
		.aspace_id = me->pid, .cpu_id = thread_cpu(me, turn),
		.stack_ptr = (uint64_t)newsp, .entry_point = f->rip, .use_args = 1,
		.arg = { f->rdi, f->rsi, f->rdx, f->rip }, .prio = me->prio,
	};
	strlcpy(st.task_name, me->name, sizeof st.task_name);
	struct task_clone cl = {
		.r8_r9_r10 = { f->r8, f->r9, f->r10 },
		.fs_base = flags & CLONE_SETTLS ? (uint64_t)tls : me->fs_base,
		.clear_child_tid = flags & CLONE_CHILD_CLEARTID ? (uint64_t)ctid : 0,
		.sigmask = me->sigmask,
		.set_tid = { flags & CLONE_PARENT_SETTID ? (uint64_t)ptid : 0,
			     flags & CLONE_CHILD_SETTID ? (uint64_t)ctid : 0 },
	};
	int tid = task_create_clone(&st, me->parent, 0, &cl, NULL);
	if (tid < 0)
		return tid;
	printk("linux: %s (task %u): clone: thread (task %d) on CPU %u\n", me->as->name, me->tid,
	       tid, st.cpu_id);
	return tid;
}

/* clone3 is left to clone: glibc tries it first and falls back on ENOSYS. */
long sys_clone3(void) { return -LWK_ENOSYS; }

static void signal_end(long sig) __attribute__((noreturn));

long sys_rt_sigprocmask(long how, long set, long old, long size)
{
	struct task *t = task_current();
	uint64_t m = 0, prev = t->sigmask;
	if (size != 8)
		return -LWK_EINVAL;
	if (set) {
		if (how < 0 || how > 2)   /* SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK */
			return -LWK_EINVAL;
		if (copy_from_user(&m, set, sizeof m))
			return -LWK_EFAULT;
	}
	if (old && copy_to_user(old, &prev, sizeof prev))
		return -LWK_EFAULT;
	if (set)
		t->sigmask = (how == 0 ? prev | m : how == 1 ? prev & ~m : m) & ~SIG_UNBLOCKABLE;
	uint64_t now = t->sigpending & ~t->sigmask;
	if (now)   /* a signal sent while blocked (signal_self) takes effect */
		signal_end(__builtin_ctzll(now) + 1);
	return 0;
}

/* The kernel's struct sigaction on x86-64. */
struct linux_sigaction { uint64_t handler, flags, restorer, mask; };

/* Checked and accepted, stored nowhere: no handler ever runs (a signal
 * takes its default action, signal_self); the old action reads SIG_DFL. */
long sys_rt_sigaction(long sig, long act, long old, long size)
{
	struct linux_sigaction a;
	if (size != 8 || sig < 1 || sig > 64 || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return -LWK_EINVAL;
	if (act && copy_from_user(&a, act, sizeof a))
		return -LWK_EFAULT;
	memset(&a, 0, sizeof a);
	return old ? copy_to_user(old, &a, sizeof a) : 0;
}

#define MADV_DONTNEED 4
#define MADV_FREE 8

/* Hints are accepted; MADV_DONTNEED gives what Linux gives for private
 * anonymous memory: zeros on the next read (the pages stay mapped). */
long sys_madvise(long addr, long len, long advice)
{
	struct task *t = task_current();
	uint64_t a = (uint64_t)addr, n = ((uint64_t)len + LWK_PAGE_4K - 1) & ~(LWK_PAGE_4K - 1);
	if ((a & (LWK_PAGE_4K - 1)) || len < 0)
		return -LWK_EINVAL;
	if (!(advice >= 0 && advice <= MADV_DONTNEED) && advice != MADV_FREE &&
	    !(advice >= 10 && advice <= 17))   /* DONTFORK .. DODUMP */
		return -LWK_EINVAL;
	if (n == 0)
		return 0;
	if (a >= LWK_USER_TOP || n > LWK_USER_TOP - a || !aspace_user_ok(t->as, a, n, 0))
		return -LWK_ENOMEM;
	if (advice == MADV_DONTNEED) {
		if (!aspace_user_ok(t->as, a, n, 1))
			return -LWK_EINVAL;   /* text or read-only data: not anonymous memory */
		memset((void *)a, 0, n);
	}
	return 0;
}

/* A node has one NUMA node; a task stays on its CPU unless it moves. */
long sys_getcpu(long cpu, long node)
{
	uint32_t c = task_current()->cpu, zero = 0;
	if (cpu && copy_to_user(cpu, &c, sizeof c))
		return -LWK_EFAULT;
	return node ? copy_to_user(node, &zero, sizeof zero) : 0;
}

#define SIGCHLD 17
#define SIGCONT 18
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGWINCH 28

static void signal_end(long sig)
{
	struct task *t = task_current();
	printk("linux: %s (task %u): signal %ld ends the application (status %ld)\n",
	       t->as->name, t->tid, sig, 128 + sig);
	task_exit_group((int)(128 + sig));
}

/*
 * A signal to the caller's own application.  No handler ever runs (none
 * is kept, see rt_sigaction), so the default action is what happens: the
 * ones Linux ignores by default, and the stop signals (a node has no job
 * control), change nothing, nor does a signal the caller blocks (it would
 * stay pending); any other ends the application like exit_group with
 * status 128 + sig, what a shell reports for a process a signal killed
 * (abort() ends with 134), with a line on the console.
 */
static long signal_self(long sig)
{
	struct task *t = task_current();
	if (sig < 0 || sig > 64)
		return -LWK_EINVAL;
	if (sig == 0 || sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH ||
	    sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
		return 0;
	if (sig != SIGKILL && (t->sigmask & (1ull << (sig - 1)))) {
		t->sigpending |= 1ull << (sig - 1);   /* until rt_sigprocmask unblocks it */
		return 0;
	}
	signal_end(sig);
}

/* Is tid a live task of the caller's aspace? */
static int tid_ours(long tid)
{
	struct task *t = tid > 0 ? task_lookup((uint32_t)tid) : NULL;
	return t && t->pid == task_current()->pid;
}

/* pid 0 (our group) and -1 (every process we may signal) reach only
 * ourselves: a node's applications cannot signal each other. */
long sys_kill(long pid, long sig)
{
	if (pid != 0 && pid != -1 && (uint64_t)pid != task_current()->pid)
		return -LWK_ESRCH;
	return signal_self(sig);
}

long sys_tkill(long tid, long sig)
{
	return tid_ours(tid) ? signal_self(sig) : -LWK_ESRCH;
}

long sys_tgkill(long tgid, long tid, long sig)
{
	if ((uint64_t)tgid != task_current()->pid || !tid_ours(tid))
		return -LWK_ESRCH;
	return signal_self(sig);
}

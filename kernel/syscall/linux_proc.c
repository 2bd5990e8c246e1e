/*
 * The Linux calls about a process and its memory that static C libraries
 * make at start-up (glibc 2.36, musl 1.2): thread bookkeeping, limits,
 * identity, names, protections and random bytes.  Every application
 * runs as root (uid and gid 0, as the auxiliary vector says), with the
 * stack and heap regions the PCT gave it.  Numbers and semantics from
 * Linux x86-64; where a call is narrower, docs/syscalls.md says how.
 */
#include <lwk/syscall.h>
#include <lwk/linux.h>
#include <lwk/task.h>
#include <lwk/aspace.h>
#include <lwk/apic.h>
#include <lwk/string.h>

#define RLIM_NLIMITS 16
#define RLIMIT_STACK 3
#define RLIM_INFINITY (~0ull)
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define COMM_LEN 16              /* Linux's task name, NUL included */
#define GRND_FLAGS 7             /* GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE */
#define GETRANDOM_MAX 33554431   /* what Linux returns at most per call */

/* The address glibc and musl hand over for CLONE_CHILD_CLEARTID-style
 * clearing; a task that exits with it set stores 0 there and wakes one
 * futex waiter (sys_exit), as a joining pthread expects. */
long sys_set_tid_address(long tidptr)
{
	struct task *t = task_current();
	t->clear_child_tid = (uint64_t)tidptr;
	return t->tid;
}

/* The list is recorded but never walked: a node's tasks do not die
 * holding locks another process waits on (there are no processes that
 * share memory but not an aspace). */
long sys_set_robust_list(long head, long len)
{
	if (len != 24)   /* sizeof(struct robust_list_head) */
		return -LWK_EINVAL;
	task_current()->robust_list = (uint64_t)head;
	return 0;
}

/* Restartable sequences are not offered: C libraries fall back. */
long sys_rseq(void) { return -LWK_ENOSYS; }

/* The stack region's size for RLIMIT_STACK, unlimited for the rest;
 * limits cannot be changed (EPERM, as for an unprivileged raise). */
long sys_prlimit64(long pid, long res, long new, long old)
{
	struct task *t = task_current();
	if (pid != 0 && (uint64_t)pid != t->pid && (uint64_t)pid != t->tid)
		return -LWK_ESRCH;
	if (res < 0 || res >= RLIM_NLIMITS)
		return -LWK_EINVAL;
	if (new)
		return -LWK_EPERM;
	uint64_t lim[2] = { RLIM_INFINITY, RLIM_INFINITY };
	for (int i = 0; res == RLIMIT_STACK && t->as && i < t->as->nregions; i++)
		if (!strcmp(t->as->region[i].name, "stack"))
			lim[0] = lim[1] = t->as->region[i].end - t->as->region[i].start;
	return old ? copy_to_user(old, lim, sizeof lim) : 0;
}

long sys_getrlimit(long res, long old)
{
	if (!old)
		return -LWK_EFAULT;
	return sys_prlimit64(0, res, 0, old);
}

long sys_getuid(void) { return 0; }

long sys_prctl(long op, long arg)
{
	struct task *t = task_current();
	char name[COMM_LEN];
	switch (op) {
	case PR_SET_NAME: {
		long rc = strncpy_from_user(name, arg, sizeof name);
		if (rc == -LWK_EFAULT)
			return rc;
		strlcpy(t->name, name, sizeof t->name);   /* longer names are cut, as on Linux */
		return 0;
	}
	case PR_GET_NAME:
		strlcpy(name, t->name, sizeof name);
		return copy_to_user(arg, name, sizeof name);
	default:
		return -LWK_EINVAL;
	}
}

/* PROT_READ, PROT_WRITE, PROT_EXEC as region flags. */
uint32_t linux_prot_vm(long prot)
{
	return (prot & LWK_PROT_READ ? LWK_VM_READ : 0) | (prot & LWK_PROT_WRITE ? LWK_VM_WRITE : 0) |
	       (prot & LWK_PROT_EXEC ? LWK_VM_EXEC : 0);
}

/* The pages get prot, within what their region allows (EACCES: e.g.
 * writing text, executing the heap); aspace_protect says the rest. */
long sys_mprotect(long addr, long len, long prot)
{
	struct task *t = task_current();
	uint64_t a = (uint64_t)addr, n = ((uint64_t)len + LWK_PAGE_4K - 1) & ~(LWK_PAGE_4K - 1);
	if ((a & (LWK_PAGE_4K - 1)) || len < 0 || (prot & ~(long)7))
		return -LWK_EINVAL;
	if (n == 0)
		return 0;
	if (a >= LWK_USER_TOP || n > LWK_USER_TOP - a)
		return -LWK_ENOMEM;
	int rc = aspace_protect(t->as, a, n, linux_prot_vm(prot));
	if (!rc)
		aspace_md_flush(t->as->cr3);   /* every CPU running the aspace */
	return rc;
}

/* Not cryptographic: the time stamp counter and the time since boot
 * through splitmix64, enough for hash seeds and malloc's randomisation. */
static uint64_t random_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

long sys_getrandom(long buf, long len, long flags)
{
	if (flags & ~(long)GRND_FLAGS)
		return -LWK_EINVAL;
	if (len < 0)
		return -LWK_EFAULT;
	if (len > GETRANDOM_MAX)
		len = GETRANDOM_MAX;
	if (!user_ok(buf, len, 1))
		return -LWK_EFAULT;
	uint64_t s = rdtsc() ^ (time_now_ns() << 17) ^ task_current()->tid;
	for (long i = 0; i < len; i += 8) {
		uint64_t r = random_next(&s);
		memcpy((uint8_t *)buf + i, &r, len - i < 8 ? len - i : 8);
	}
	return len;
}

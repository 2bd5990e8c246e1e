/*
 * The Linux calls a static program needs (numbers and semantics from
 * Linux x86-64).  brk, mmap and munmap work in the aspace's region named
 * "heap", mapped by the PCT before the task starts (kernel/mm/heap.c):
 * brk grows up from its bottom, anonymous mmap takes pages at its top,
 * and neither allocates physical memory.
 */
#include <lwk/syscall.h>
#include <lwk/task.h>
#include <lwk/aspace.h>
#include <lwk/heap.h>
#include <lwk/apic.h>
#include <lwk/printk.h>
#include <lwk/linux.h>
#include <lwk/smp.h>
#include <lwk/string.h>
#include <arch/cpu.h>

#define EBADF 9
#define WRITE_MAX (1u << 20)

long sys_write(long fd, long buf, long len)
{
	if ((fd != 1 && fd != 2) || !linux_fd_open(fd))
		return -EBADF;
	if (len < 0 || len > WRITE_MAX)
		return -LWK_EINVAL;
	if (!user_ok(buf, len, 0))
		return -LWK_EFAULT;
	console_write((const char *)buf, len);
	return len;
}

/* A thread that gave set_tid_address (or clone CLONE_CHILD_CLEARTID) an
 * address has 0 stored there and one futex waiter woken as it ends:
 * that is how pthread_join learns of it.  A bad address is ignored, as
 * Linux does. */
long sys_exit(long code)
{
	struct task *t = task_current();
	uint32_t zero = 0;
	if (t->clear_child_tid && !copy_to_user(t->clear_child_tid, &zero, sizeof zero))
		futex_wake(t->clear_child_tid, 1);
	task_exit((int)(code & 0xff));   /* a Linux exit status has 8 bits */
}

long sys_exit_group(long code)
{
	task_exit_group((int)(code & 0xff));
}

long sys_getpid(void) { return task_current()->pid; }

/* The pid (aspace) of the task that started us: the PCT for an
 * application and its threads; 0 once it is gone. */
long sys_getppid(void)
{
	struct task *p = task_lookup(task_current()->parent);
	return p ? p->pid : 0;
}
long sys_gettid(void) { return task_current()->tid; }

long sys_brk(long addr)
{
	return (long)heap_brk(task_current()->as, (uint64_t)addr);
}

long sys_mmap(long addr, long len, long prot, long flags, long fd, long off)
{
	uint64_t at;
	(void)fd;   /* ignored for anonymous memory, as Linux does (glibc passes it as an int) */
	if (!(flags & LWK_MAP_ANONYMOUS) || (flags & LWK_MAP_FIXED) || off || addr)
		return -LWK_EINVAL;    /* only fresh anonymous memory, placed by us */
	if (len <= 0 || (prot & ~(long)7))
		return -LWK_EINVAL;
	if (prot & LWK_PROT_EXEC)
		return -LWK_EACCES;   /* the heap is never executable */
	struct aspace *as = task_current()->as;
	int rc = heap_mmap(as, (uint64_t)len, &at);
	if (rc)
		return rc;
	if (prot != (LWK_PROT_READ | LWK_PROT_WRITE)) {
		/* handed out read-write and zeroed; now as asked (a fresh
		 * mapping of whole heap pages: aspace_protect cannot fail) */
		aspace_protect(as, at, (len + as->heap_pagesz - 1) & ~(as->heap_pagesz - 1),
			       linux_prot_vm(prot));
		aspace_md_flush(as->cr3);
	}
	return (long)at;
}

/* Linux's EINVAL for a misaligned address, len 0 and a range beyond user
 * space; stricter than Linux, also for a range that is not wholly
 * mmap'd memory (text, stack, brk, or pages already unmapped). */
long sys_munmap(long addr, long len)
{
	uint64_t a = (uint64_t)addr, n = (uint64_t)len;
	if ((a & (LWK_PAGE_4K - 1)) || n == 0 || a >= LWK_USER_TOP || n > LWK_USER_TOP - a)
		return -LWK_EINVAL;
	return heap_munmap(task_current()->as, a, n);
}

long sys_clock_gettime(long clk, long ts)
{
	if (clk != 0 && clk != 1)
		return -LWK_EINVAL;    /* CLOCK_REALTIME and CLOCK_MONOTONIC: time since boot */
	uint64_t ns = time_now_ns();
	struct lwk_timespec t = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull) };
	return copy_to_user(ts, &t, sizeof t);
}

/* Relative or (TIMER_ABSTIME) absolute on clocks 0 and 1, both the time
 * since boot; never interrupted, so rem is never written. */
long sys_clock_nanosleep(long clk, long flags, long req, long rem)
{
	struct lwk_timespec t;
	(void)rem;
	if (clk != 0 && clk != 1)
		return -LWK_EINVAL;
	if (copy_from_user(&t, req, sizeof t))
		return -LWK_EFAULT;
	if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= 1000000000)
		return -LWK_EINVAL;
	uint64_t ns = (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec, now = time_now_ns();
	if (flags & 1)   /* TIMER_ABSTIME */
		ns = ns > now ? ns - now : 0;
	if (ns)
		task_sleep_ns(ns);
	return 0;
}

/* Seconds since boot (CLOCK_REALTIME is the time since boot here). */
long sys_time(long out)
{
	int64_t s = (int64_t)(time_now_ns() / 1000000000ull);
	if (out && copy_to_user(out, &s, sizeof s))
		return -LWK_EFAULT;
	return s;
}

long sys_gettimeofday(long tv, long tz)
{
	uint64_t ns = time_now_ns();
	int64_t v[2] = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull / 1000) };
	int32_t zone[2] = { 0, 0 };   /* UTC, no DST */
	if (tv && copy_to_user(tv, v, sizeof v))
		return -LWK_EFAULT;
	return tz ? copy_to_user(tz, zone, sizeof zone) : 0;
}

long sys_nanosleep(long req, long rem)
{
	struct lwk_timespec t;
	if (copy_from_user(&t, req, sizeof t))
		return -LWK_EFAULT;
	if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= 1000000000)
		return -LWK_EINVAL;
	if (rem && !user_ok(rem, sizeof t, 1))
		return -LWK_EFAULT;
	task_sleep_ns((uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec);
	return 0;
}

long sys_sched_yield(void)
{
	task_yield();
	return 0;
}

long sys_sched_getaffinity(long pid, long len, long mask)
{
	struct task *t = task_current();
	if (pid != 0 && (uint64_t)pid != t->tid)
		return -LWK_ESRCH;
	if (len < 8 || (len & 7))
		return -LWK_EINVAL;
	uint64_t bits = 1ull << t->cpu;   /* a task is bound to its CPU */
	if (!user_ok(mask, len, 1))
		return -LWK_EFAULT;
	memset((void *)mask, 0, len);
	memcpy((void *)mask, &bits, sizeof bits);
	return 8;
}

/* A task runs on one CPU: it stays if the mask holds that CPU, else it
 * moves to the mask's lowest online CPU (no online CPU: EINVAL).  Only
 * the caller can be moved (another task: EPERM); words of the mask past
 * the first (CPUs 64 and up) are not read. */
long sys_sched_setaffinity(long pid, long len, long mask)
{
	struct task *t = task_current();
	uint64_t bits = 0;
	if (pid != 0 && (uint64_t)pid != t->tid)
		return task_lookup((uint32_t)pid) ? -LWK_EPERM : -LWK_ESRCH;
	if (len < 8)
		return -LWK_EINVAL;
	if (copy_from_user(&bits, mask, sizeof bits))
		return -LWK_EFAULT;
	if (ncpus < 64)
		bits &= (1ull << ncpus) - 1;
	if (!bits)
		return -LWK_EINVAL;
	if (bits & (1ull << t->cpu))
		return 0;
	return task_switch_cpus((unsigned)__builtin_ctzll(bits));
}

long sys_uname(long buf)
{
	static const struct lwk_utsname u = { "Nimble LWK", "node", "0.1", "kcore", "x86_64", "" };
	return copy_to_user(buf, &u, sizeof u);
}

#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* A timeout as a relative time in ns for futex_wait (0: none; at least 1
 * when given); absolute ones are on our one clock, the time since boot
 * (clock_gettime's CLOCK_REALTIME and CLOCK_MONOTONIC alike). */
static long futex_timeout(long timeout, int absolute, uint64_t *ns)
{
	struct lwk_timespec t = { 0, 0 };
	*ns = 0;
	if (!timeout)
		return 0;
	if (copy_from_user(&t, timeout, sizeof t))
		return -LWK_EFAULT;
	if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= 1000000000)
		return -LWK_EINVAL;
	uint64_t v = (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec, now = time_now_ns();
	if (absolute)
		v = v > now ? v - now : 0;
	*ns = v ? v : 1;
	return 0;
}

/* The bitset ops with FUTEX_BITSET_MATCH_ANY are plain waits and wakes
 * (glibc waits with FUTEX_WAIT_BITSET and an absolute timeout); other
 * bitsets are not kept apart: ENOSYS. */
long sys_futex(long uaddr, long op, long val, long timeout, long uaddr2, long val3)
{
	uint64_t ns;
	long rc, cmd = op & ~(long)(LWK_FUTEX_PRIVATE | FUTEX_CLOCK_REALTIME);
	(void)uaddr2;
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET && cmd != LWK_FUTEX_WAIT)
		return -LWK_ENOSYS;   /* Linux's answer for the clock flag elsewhere */
	if (cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAKE_BITSET) {
		if ((uint32_t)val3 == 0)
			return -LWK_EINVAL;
		if ((uint32_t)val3 != FUTEX_BITSET_MATCH_ANY)
			return -LWK_ENOSYS;
	}
	switch (cmd) {
	case LWK_FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if ((rc = futex_timeout(timeout, cmd == FUTEX_WAIT_BITSET, &ns)))
			return rc;
		return futex_wait(uaddr, (uint32_t)val, ns);
	case LWK_FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, (uint32_t)val);
	default:
		return -LWK_ENOSYS;
	}
}

long sys_arch_prctl(long code, long addr)
{
	struct task *t = task_current();
	switch (code) {
	case LWK_ARCH_SET_FS:
		if ((uint64_t)addr >= LWK_USER_TOP)
			return -LWK_EPERM;
		t->fs_base = addr;
		wrmsr(MSR_FS_BASE, addr);
		return 0;
	case LWK_ARCH_GET_FS:
		return copy_to_user(addr, &t->fs_base, sizeof t->fs_base);
	default:
		return -LWK_EINVAL;
	}
}

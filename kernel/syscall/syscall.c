/*
 * The syscall table and the slow path.  The table is filled at compile
 * time with designated initialisers; syscall_init() points the empty
 * slots at sys_enosys, so the entry code never checks for NULL.  The
 * fast path (syscall_entry.S) indexes it directly; syscall_slow handles
 * out-of-range numbers and the trap-hook syscall filter.
 */
#include <lwk/syscall.h>
#include <lwk/task.h>
#include <lwk/smp.h>
#include <lwk/aspace.h>
#include <lwk/string.h>
#include <lwk/printk.h>
#include <lwk/linux.h>

/* Handlers declare only the arguments they use.  Calling them through the
 * six-argument type is what the entry code does anyway: in the SysV ABI
 * extra register arguments are simply ignored by the callee. */
#define S(nr, fn) [nr] = (syscall_fn)(void (*)(void))fn

long sys_write(long, long, long);
long sys_exit(long);
long sys_exit_group(long);
long sys_getpid(void);
long sys_gettid(void);
long sys_brk(long);
long sys_mmap(long, long, long, long, long, long);
long sys_munmap(long, long);
long sys_clock_gettime(long, long);
long sys_nanosleep(long, long);
long sys_sched_yield(void);
long sys_sched_getaffinity(long, long, long);
long sys_sched_setaffinity(long, long, long);
long sys_uname(long);
long sys_futex(long, long, long, long, long, long);
long sys_arch_prctl(long, long);
long sys_read(long, long, long);
long sys_writev(long, long, long);
long sys_ioctl(long, long, long);
long sys_fstat(long, long);
long sys_newfstatat(long, long, long, long);
long sys_stat(long, long);
long sys_open(long, long, long);
long sys_openat(long, long, long, long);
long sys_readlink(long, long, long);
long sys_readlinkat(long, long, long, long);
long sys_access(long, long);
long sys_set_tid_address(long);
long sys_set_robust_list(long, long);
long sys_rseq(void);
long sys_prlimit64(long, long, long, long);
long sys_getrlimit(long, long);
long sys_getuid(void);
long sys_prctl(long, long);
long sys_mprotect(long, long, long);
long sys_getrandom(long, long, long);
long sys_clone(long, long, long, long, long);
long sys_clone3(void);
long sys_rt_sigprocmask(long, long, long, long);
long sys_rt_sigaction(long, long, long, long);
long sys_madvise(long, long, long);
long sys_getcpu(long, long);
long sys_close(long);
long sys_fcntl(long, long, long);
long sys_getcwd(long, long);
long sys_getppid(void);
long sys_clock_nanosleep(long, long, long, long);
long sys_time(long);
long sys_gettimeofday(long, long);
long sys_kill(long, long);
long sys_tkill(long, long);
long sys_tgkill(long, long, long);
long sys_pmem_alloc(long, long, long);
long sys_pmem_query(long, long);
long sys_aspace_create(long);
long sys_aspace_destroy(long);
long sys_aspace_add_region(long, long, long, long, long, long);
long sys_aspace_map_pmem(long, long, long, long);
long sys_aspace_smartmap(long, long, long, long);
long sys_task_create(long);
long sys_task_switch_cpus(long);
long sys_task_wait(long);
long sys_module_get(long, long, long, long);
long sys_task_setprio(long, long);
long sys_module_args(long, long, long);
long sys_aspace_set_cpus(long, long);
long sys_cpu_irqs(long);
long sys_cpu_count(void);
long sys_pmem_free(long, long);
long sys_aspace_del_region(long, long, long);
long sys_net_open(long, long, long);
long sys_net_send(long, long, long, long, long);
long sys_net_recv(long, long, long, long, long);
long sys_net_info(long);
long sys_net_flush(long);
long sys_net_close(long);

int syscall_filter_on;

/* A call the kernel lacks: one console line per aspace and number, so a
 * program's missing calls are seen without flooding the console. */
static long enosys_report(uint64_t nr)
{
	struct task *t = task_current();
	struct aspace *as = t->as;
	unsigned bit = nr < ASPACE_ENOSYS_BITS ? (unsigned)nr : ASPACE_ENOSYS_BITS - 1;
	uint64_t m = 1ull << (bit % 64);
	if (as && !(__atomic_fetch_or(&as->enosys_seen[bit / 64], m, __ATOMIC_RELAXED) & m))
		printk("linux: %s (task %u): system call %lu (%s) is not implemented: ENOSYS\n",
		       as->name, t->tid, (unsigned long)nr, linux_syscall_name(nr));
	return -LWK_ENOSYS;
}

/* Every empty slot of the table: the entry code left the frame, and the
 * number in it, just below the kernel stack's top. */
long sys_enosys(long a, long b, long c, long d, long e, long f)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)f;
	const struct syscall_frame *fr =
		(const void *)(task_kstack_top(task_current()) - sizeof(struct syscall_frame));
	return enosys_report(fr->nr);
}

syscall_fn syscall_table[LWK_SYSCALL_MAX] = {
	S(SYS_write, sys_write),
	S(SYS_mmap, sys_mmap),
	S(SYS_munmap, sys_munmap),
	S(SYS_brk, sys_brk),
	S(SYS_sched_yield, sys_sched_yield),
	S(SYS_nanosleep, sys_nanosleep),
	S(SYS_getpid, sys_getpid),
	S(SYS_exit, sys_exit),
	S(SYS_uname, sys_uname),
	S(SYS_arch_prctl, sys_arch_prctl),
	S(SYS_gettid, sys_gettid),
	S(SYS_futex, sys_futex),
	S(SYS_sched_getaffinity, sys_sched_getaffinity),
	S(SYS_sched_setaffinity, sys_sched_setaffinity),
	S(SYS_clock_gettime, sys_clock_gettime),
	S(SYS_exit_group, sys_exit_group),
	S(SYS_read, sys_read),
	S(SYS_writev, sys_writev),
	S(SYS_ioctl, sys_ioctl),
	S(SYS_fstat, sys_fstat),
	S(SYS_newfstatat, sys_newfstatat),
	S(SYS_stat, sys_stat),
	S(SYS_lstat, sys_stat),
	S(SYS_open, sys_open),
	S(SYS_openat, sys_openat),
	S(SYS_readlink, sys_readlink),
	S(SYS_readlinkat, sys_readlinkat),
	S(SYS_access, sys_access),
	S(SYS_set_tid_address, sys_set_tid_address),
	S(SYS_set_robust_list, sys_set_robust_list),
	S(SYS_rseq, sys_rseq),
	S(SYS_prlimit64, sys_prlimit64),
	S(SYS_getrlimit, sys_getrlimit),
	S(SYS_getuid, sys_getuid),
	S(SYS_getgid, sys_getuid),
	S(SYS_geteuid, sys_getuid),
	S(SYS_getegid, sys_getuid),
	S(SYS_prctl, sys_prctl),
	S(SYS_mprotect, sys_mprotect),
	S(SYS_getrandom, sys_getrandom),
	S(SYS_clone, sys_clone),
	S(SYS_clone3, sys_clone3),
	S(SYS_rt_sigprocmask, sys_rt_sigprocmask),
	S(SYS_rt_sigaction, sys_rt_sigaction),
	S(SYS_madvise, sys_madvise),
	S(SYS_getcpu, sys_getcpu),
	S(SYS_close, sys_close),
	S(SYS_fcntl, sys_fcntl),
	S(SYS_getcwd, sys_getcwd),
	S(SYS_getppid, sys_getppid),
	S(SYS_clock_nanosleep, sys_clock_nanosleep),
	S(SYS_time, sys_time),
	S(SYS_gettimeofday, sys_gettimeofday),
	S(SYS_kill, sys_kill),
	S(SYS_tkill, sys_tkill),
	S(SYS_tgkill, sys_tgkill),
	S(SYS_pmem_alloc, sys_pmem_alloc),
	S(SYS_pmem_query, sys_pmem_query),
	S(SYS_aspace_create, sys_aspace_create),
	S(SYS_aspace_destroy, sys_aspace_destroy),
	S(SYS_aspace_add_region, sys_aspace_add_region),
	S(SYS_aspace_map_pmem, sys_aspace_map_pmem),
	S(SYS_aspace_smartmap, sys_aspace_smartmap),
	S(SYS_task_create, sys_task_create),
	S(SYS_task_switch_cpus, sys_task_switch_cpus),
	S(SYS_task_wait, sys_task_wait),
	S(SYS_module_get, sys_module_get),
	S(SYS_task_setprio, sys_task_setprio),
	S(SYS_cpu_count, sys_cpu_count),
	S(SYS_pmem_free, sys_pmem_free),
	S(SYS_aspace_del_region, sys_aspace_del_region),
	S(SYS_module_args, sys_module_args),
	S(SYS_aspace_set_cpus, sys_aspace_set_cpus),
	S(SYS_cpu_irqs, sys_cpu_irqs),
	S(SYS_nx_insert, nxk_insert),
	S(SYS_nx_remove, nxk_remove),
	S(SYS_nimble_call, nxk_call),
	S(SYS_nx_stats, nxk_stats),
	S(SYS_net_open, sys_net_open),
	S(SYS_net_send, sys_net_send),
	S(SYS_net_recv, sys_net_recv),
	S(SYS_net_info, sys_net_info),
	S(SYS_net_flush, sys_net_flush),
	S(SYS_net_close, sys_net_close),
};

void syscall_init(void)
{
	for (unsigned i = 0; i < LWK_SYSCALL_MAX; i++)
		if (!syscall_table[i])
			syscall_table[i] = sys_enosys;
}

long syscall_slow(struct syscall_frame *f)
{
	long ret;
	if (syscall_filter_on && nxk_trap_filter(f, &ret))
		return ret;
	if (f->nr >= LWK_SYSCALL_MAX)
		return enosys_report(f->nr);
	return syscall_table[f->nr](f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
}

/* ---- user memory ---- */

int user_ok(uint64_t p, uint64_t len, int write)
{
	struct task *t = task_current();
	return t->as && aspace_user_ok(t->as, p, len, write);
}

int copy_from_user(void *dst, uint64_t src, size_t len)
{
	if (!user_ok(src, len, 0))
		return -LWK_EFAULT;
	memcpy(dst, (const void *)src, len);
	return 0;
}

int copy_to_user(uint64_t dst, const void *src, size_t len)
{
	if (!user_ok(dst, len, 1))
		return -LWK_EFAULT;
	memcpy((void *)dst, src, len);
	return 0;
}

int strncpy_from_user(char *dst, uint64_t src, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (!user_ok(src + i, 1, 0))
			return -LWK_EFAULT;
		dst[i] = *(const char *)(src + i);
		if (!dst[i])
			return 0;
	}
	dst[max - 1] = 0;
	return -LWK_EINVAL;
}

int task_is_privileged(void)
{
	return (task_current()->flags & TASK_F_PRIVILEGED) != 0;
}

/* Syscall wrappers: Linux x86-64 convention (include/uapi/lwk.h). */
#include "ulib.h"

long syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

long write(int fd, const void *buf, size_t len) { return syscall3(SYS_write, fd, (long)buf, len); }

_Noreturn void exit(int code)
{
	for (;;)
		syscall1(SYS_exit_group, code);
}

_Noreturn void thread_exit(int code)
{
	for (;;)
		syscall1(SYS_exit, code);
}

long getpid(void) { return syscall0(SYS_getpid); }
long gettid(void) { return syscall0(SYS_gettid); }
long sched_yield(void) { return syscall0(SYS_sched_yield); }
long brk(void *addr) { return syscall1(SYS_brk, (long)addr); }

void *mmap_anon(size_t len)
{
	long r = syscall6(SYS_mmap, 0, len, LWK_PROT_READ | LWK_PROT_WRITE,
			  LWK_MAP_PRIVATE | LWK_MAP_ANONYMOUS, -1, 0);
	return r < 0 && r > -4096 ? NULL : (void *)r;
}

long munmap(void *addr, size_t len) { return syscall2(SYS_munmap, (long)addr, len); }

long clock_gettime_ns(uint64_t *ns)
{
	struct lwk_timespec ts;
	long r = syscall2(SYS_clock_gettime, 1 /* CLOCK_MONOTONIC */, (long)&ts);
	if (r == 0)
		*ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	return r;
}

long nanosleep_ns(uint64_t ns)
{
	struct lwk_timespec ts = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull) };
	return syscall2(SYS_nanosleep, (long)&ts, 0);
}

long futex_wait(volatile uint32_t *addr, uint32_t val)
{
	return syscall4(SYS_futex, (long)addr, LWK_FUTEX_WAIT, val, 0);
}

long futex_wake(volatile uint32_t *addr, uint32_t n)
{
	return syscall3(SYS_futex, (long)addr, LWK_FUTEX_WAKE, n);
}

long pmem_alloc(uint64_t size, uint64_t align, struct lwk_pmem_region *out)
{
	return syscall3(SYS_pmem_alloc, size, align, (long)out);
}

long pmem_free(uint64_t start, uint64_t end) { return syscall2(SYS_pmem_free, start, end); }

long pmem_query(const struct lwk_pmem_region *query, struct lwk_pmem_region *out)
{
	return syscall2(SYS_pmem_query, (long)query, (long)out);
}

long pmem_umem_free(void)
{
	struct lwk_pmem_region q = { .end = ~0ull, .type = LWK_PMEM_UMEM }, r;
	long sum = 0, rc;
	while ((rc = pmem_query(&q, &r)) == 0) {
		sum += r.allocated ? 0 : (long)(r.end - r.start);
		q.start = r.end;
	}
	return rc == -LWK_ENOENT ? sum : rc;
}

long aspace_create(const char *name) { return syscall1(SYS_aspace_create, (long)name); }
long aspace_destroy(uint32_t id) { return syscall1(SYS_aspace_destroy, id); }

long aspace_add_region(uint32_t id, uint64_t start, uint64_t extent, uint32_t flags,
		       uint64_t pagesz, const char *name)
{
	return syscall6(SYS_aspace_add_region, id, start, extent, flags, pagesz, (long)name);
}

long aspace_map_pmem(uint32_t id, uint64_t paddr, uint64_t start, uint64_t extent)
{
	return syscall4(SYS_aspace_map_pmem, id, paddr, start, extent);
}

long aspace_smartmap(uint32_t src, uint32_t dst, uint64_t start, uint64_t extent)
{
	return syscall4(SYS_aspace_smartmap, src, dst, start, extent);
}

long aspace_del_region(uint32_t id, uint64_t start, uint64_t extent)
{
	return syscall3(SYS_aspace_del_region, id, start, extent);
}

long task_create(const struct lwk_start_state *st) { return syscall1(SYS_task_create, (long)st); }
long task_switch_cpus(uint32_t cpu) { return syscall1(SYS_task_switch_cpus, cpu); }
long task_wait(struct lwk_task_status *st) { return syscall1(SYS_task_wait, (long)st); }
long task_setprio(uint32_t tid, int32_t prio) { return syscall2(SYS_task_setprio, tid, prio); }

long module_get(uint32_t index, void *buf, size_t len, char name[64])
{
	return syscall4(SYS_module_get, index, (long)buf, len, (long)name);
}

long module_args(uint32_t index, char *buf, size_t len)
{
	return syscall3(SYS_module_args, index, (long)buf, len);
}

long cpu_count(void) { return syscall0(SYS_cpu_count); }

long nx_insert(const void *obj, size_t len, struct lwk_nx_error *err)
{
	return syscall3(SYS_nx_insert, (long)obj, len, (long)err);
}

long nx_remove(long handle) { return syscall1(SYS_nx_remove, handle); }

long nimble_call(long a0, long a1, void *buf, size_t buf_len, void *aux, size_t aux_len)
{
	return syscall6(SYS_nimble_call, a0, a1, (long)buf, buf_len, (long)aux, aux_len);
}

long nx_stats(long handle, struct lwk_nx_stats *st)
{
	return syscall2(SYS_nx_stats, handle, (long)st);
}

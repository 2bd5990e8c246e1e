/*
 * The LWK calls (seed 002): pmem, aspace, task_create, task_switch_cpus,
 * plus task_wait and module_get for the PCT, and the calls that take an
 * application apart again (aspace_del_region, pmem_free).  Building address spaces
 * and handing out physical memory is the PCT's job: those calls refuse
 * unprivileged callers with EPERM.  An application may create tasks
 * (threads) in its own aspace only.
 */
#include <lwk/syscall.h>
#include <lwk/task.h>
#include <lwk/aspace.h>
#include <lwk/smp.h>
#include <lwk/bootinfo.h>
#include <lwk/printk.h>
#include <lwk/string.h>
#include <lwk/pmem.h>
#include <arch/page.h>

static int need_pct(const char *call)
{
	if (task_is_privileged())
		return 0;
	kerr("%s: only the PCT may call it (task %u)", call, task_current()->tid);
	return -LWK_EPERM;
}

static void region_out(const struct pmem_region *r, struct lwk_pmem_region *u)
{
	memset(u, 0, sizeof *u);
	u->start = r->start;
	u->end = r->end;
	u->type = r->type;
	u->allocated = r->allocated;
	strlcpy(u->name, r->name, sizeof u->name);
}

long sys_pmem_alloc(long size, long align, long out)
{
	struct pmem_region r;
	struct lwk_pmem_region u;
	int rc = need_pct("pmem_alloc");
	if (rc)
		return rc;
	if (!user_ok(out, sizeof u, 1))
		return -LWK_EFAULT;
	rc = pmem_alloc_umem(size, align, &r);
	if (rc)
		return rc;
	region_out(&r, &u);
	return copy_to_user(out, &u, sizeof u);
}

long sys_pmem_query(long query, long out)
{
	struct lwk_pmem_region uq, uo;
	struct pmem_region q, r;
	int rc = need_pct("pmem_query");
	if (rc)
		return rc;
	if (copy_from_user(&uq, query, sizeof uq) || !user_ok(out, sizeof uo, 1))
		return -LWK_EFAULT;
	pmem_region_init(&q);
	q.start = uq.start;
	q.end = uq.end;
	if (uq.type) {
		q.type_is_set = true;
		q.type = uq.type;
	}
	rc = pmem_query(&q, &r);
	if (rc)
		return rc;
	region_out(&r, &uo);
	return copy_to_user(out, &uo, sizeof uo);
}

long sys_aspace_create(long name)
{
	char buf[ASPACE_NAME];
	uint32_t id;
	int rc = need_pct("aspace_create");
	if (rc)
		return rc;
	if ((rc = strncpy_from_user(buf, name, sizeof buf)))
		return rc;
	rc = aspace_create(0, buf, task_current()->tid, &id);
	return rc ? rc : (long)id;
}

/* Kitten's rule: an aspace that tasks still run in is not destroyed
 * (EBUSY).  A SMARTMAP of it elsewhere only delays the freeing. */
long sys_aspace_destroy(long id)
{
	int rc = need_pct("aspace_destroy");
	if (rc)
		return rc;
	if (id <= 0 || id > UINT32_MAX) {
		kerr("aspace_destroy: no aspace %ld", id);
		return -LWK_ENOENT;
	}
	if (task_count_in((uint32_t)id)) {
		kerr("aspace_destroy: aspace %ld still has %d tasks", id, task_count_in((uint32_t)id));
		return -LWK_EBUSY;
	}
	return aspace_destroy((uint32_t)id);
}

long sys_aspace_del_region(long id, long start, long extent)
{
	int rc = need_pct("aspace_del_region");
	return rc ? rc : aspace_del_region(id, start, extent);
}

/*
 * Only allocated UMEM goes back (never the kernel's memory, a module or
 * firmware), and only once no aspace maps it: freed memory reaches the
 * next application, which must not share it with the last.
 */
/* The PCT's placement policy for an application's threads (Puma's CPU
 * modes): Linux clone puts each new thread on the next of these CPUs in
 * turn.  A mask naming no online CPU is refused. */
long sys_aspace_set_cpus(long id, long mask)
{
	int rc = need_pct("aspace_set_cpus");
	if (rc)
		return rc;
	uint64_t online = ncpus >= 64 ? ~0ull : (1ull << ncpus) - 1;
	if (((uint64_t)mask & online) == 0 || ((uint64_t)mask & ~online)) {
		kerr("aspace_set_cpus: mask 0x%llx, but CPUs 0..%u are online",
		     (unsigned long long)mask, ncpus - 1);
		return -LWK_EINVAL;
	}
	struct aspace *as = id > 0 && id <= UINT32_MAX ? aspace_get((uint32_t)id) : NULL;
	if (!as) {
		kerr("aspace_set_cpus: no aspace %ld", id);
		return -LWK_ENOENT;
	}
	as->thread_cpus = (uint64_t)mask;
	aspace_put(as);
	return 0;
}

long sys_pmem_free(long start, long end)
{
	uint64_t s = (uint64_t)start, e = (uint64_t)end;
	int rc = need_pct("pmem_free");
	if (rc)
		return rc;
	if (s >= e || ((s | e) & (PMEM_PAGE_SIZE - 1))) {
		kerr("pmem_free: [0x%llx, 0x%llx) is not a page-aligned range",
		     (unsigned long long)s, (unsigned long long)e);
		return -LWK_EINVAL;
	}
	if (!aspace_md_umem_ok(s, e - s)) {
		kerr("pmem_free: [0x%llx, 0x%llx) is not all allocated UMEM",
		     (unsigned long long)s, (unsigned long long)e);
		return -LWK_EINVAL;
	}
	if (aspace_pmem_mapped(s, e - s)) {
		kerr("pmem_free: [0x%llx, 0x%llx) is still mapped in an aspace",
		     (unsigned long long)s, (unsigned long long)e);
		return -LWK_EBUSY;
	}
	return pmem_free(s, e);
}

long sys_aspace_add_region(long id, long start, long extent, long flags, long pagesz, long name)
{
	char buf[ASPACE_NAME];
	int rc = need_pct("aspace_add_region");
	if (rc)
		return rc;
	if ((rc = strncpy_from_user(buf, name, sizeof buf)))
		return rc;
	return aspace_add_region(id, start, extent, flags, pagesz, buf);
}

long sys_aspace_map_pmem(long id, long paddr, long start, long extent)
{
	int rc = need_pct("aspace_map_pmem");
	return rc ? rc : aspace_map_pmem(id, paddr, start, extent);
}

long sys_aspace_smartmap(long src, long dst, long start, long extent)
{
	int rc = need_pct("aspace_smartmap");
	return rc ? rc : aspace_smartmap(src, dst, start, extent);
}

long sys_task_create(long ust)
{
	struct lwk_start_state st;
	struct task *me = task_current();
	if (copy_from_user(&st, ust, sizeof st))
		return -LWK_EFAULT;
	st.task_name[sizeof st.task_name - 1] = 0;
	if (!task_is_privileged() && st.aspace_id != me->pid) {
		kerr("task_create: aspace_id %u is not the caller's own (%u)", st.aspace_id, me->pid);
		return -LWK_EPERM;
	}
	return task_create_user(&st, me->tid, 0, NULL);
}

long sys_task_switch_cpus(long cpu)
{
	return cpu < 0 ? -LWK_EINVAL : task_switch_cpus((unsigned)cpu);
}

long sys_task_wait(long out)
{
	struct lwk_task_status st;
	if (out && !user_ok(out, sizeof st, 1))
		return -LWK_EFAULT;
	int rc = task_wait_child(&st);
	if (rc)
		return rc;
	return out ? copy_to_user(out, &st, sizeof st) : 0;
}

long sys_module_get(long index, long buf, long len, long name)
{
	int rc = need_pct("module_get");
	if (rc)
		return rc;
	if (index < 0 || (unsigned long)index >= bootinfo.nmodules)
		return -LWK_ENOENT;
	const struct boot_module *m = &bootinfo.module[index];
	uint64_t size = m->end - m->start;
	if (name && copy_to_user(name, m->name, sizeof m->name))
		return -LWK_EFAULT;
	if (buf) {
		if ((uint64_t)len < size)
			return -LWK_EINVAL;
		if (copy_to_user(buf, phys_to_virt(m->start), size))
			return -LWK_EFAULT;
	}
	return (long)size;
}

/* The module's command line after its name (bootinfo.h), NUL-terminated
 * into buf; returns its length without the NUL (buf NULL: length only). */
long sys_module_args(long index, long buf, long len)
{
	int rc = need_pct("module_args");
	if (rc)
		return rc;
	if (index < 0 || (unsigned long)index >= bootinfo.nmodules)
		return -LWK_ENOENT;
	const char *a = bootinfo.module[index].args;
	size_t n = strlen(a);
	if (buf) {
		if (len < 0 || (size_t)len <= n)
			return -LWK_EINVAL;
		if (copy_to_user(buf, a, n + 1))
			return -LWK_EFAULT;
	}
	return (long)n;
}

long sys_task_setprio(long tid, long prio)
{
	struct task *t = task_lookup(tid);
	if (!t)
		return -LWK_ESRCH;
	if (!task_is_privileged() && t->pid != task_current()->pid)
		return -LWK_EPERM;
	t->prio = (int32_t)prio;
	return 0;
}

long sys_cpu_count(void) { return ncpus; }

/* How many interrupts (any vector >= 32) a CPU has taken: the noise an
 * application on it sees (Puma's message-coprocessor mode: none). */
long sys_cpu_irqs(long cpu)
{
	if (cpu < 0 || (uint64_t)cpu >= ncpus)
		return -LWK_EINVAL;
	return (long)__atomic_load_n(&cpus[cpu].irqs_taken, __ATOMIC_RELAXED);
}

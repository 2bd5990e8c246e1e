/*
 * User-space tests of the kernel core, run as the PCT (privileged) of the
 * kernel test ISO: every syscall's error paths with bad arguments, user
 * faults contained to their task, futex between threads, migration from
 * user space, the heap (mmap/munmap give memory back), the LWK and Nimble
 * calls, taking an aspace apart and freeing its memory, and an
 * unprivileged application (this same program, started again by
 * elf_spawn with arg0 = CHILD) that must be refused the PCT's calls and
 * trusted extensions.  TAP on the
 * console; exit status 0 when every test passed.
 */
#include "ulib.h"
#include "utap.h"

#define CHILD 0xc41dull
#define CHILD_GROUP 0xc41eull

static uint8_t *modbuf;

/* ---- threads in our own aspace ---- */

static uint8_t *last_stack;   /* the last thread's stack (16 KiB), to munmap after it ended */

static long thread(void (*fn)(uint64_t), uint64_t arg, uint32_t cpu)
{
	uint8_t *stack = last_stack = mmap_anon(16384);
	if (!stack)
		return -LWK_ENOMEM;
	struct lwk_start_state st = { .aspace_id = (uint32_t)getpid(), .cpu_id = cpu,
				      .entry_point = (uint64_t)fn,
				      .stack_ptr = (uint64_t)(stack + 16384 - 8),
				      .use_args = 1, .arg = { arg } };
	/* rsp % 16 == 8 at a function's entry, as after a call */
	st.stack_ptr &= ~15ull;
	st.stack_ptr -= 8;
	strncpy(st.task_name, "thread", sizeof st.task_name);
	return task_create(&st);
}

static struct lwk_task_status wait_one(void)
{
	struct lwk_task_status s;
	memset(&s, 0xff, sizeof s);
	task_wait(&s);
	return s;
}

enum { F_NULL, F_UD, F_DE, F_BP, F_GP, F_TEXT_WRITE, F_KERNEL_READ, F_COUNT };

static void faulter(uint64_t what)
{
	volatile uint64_t zero = 0;
	switch (what) {
	case F_NULL: (void)*(volatile int *)zero; break;
	case F_UD: __asm__ volatile("ud2"); break;
	case F_DE: __asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx" ::: "eax", "ecx", "edx"); break;
	case F_BP: __asm__ volatile("int3"); break;
	case F_GP: __asm__ volatile("cli"); break;
	case F_TEXT_WRITE: *(volatile uint8_t *)(uint64_t)faulter = 0; break;
	case F_KERNEL_READ: (void)*(volatile int *)0xffffffff80100000ull; break;
	}
	thread_exit(99);   /* reached only if the fault did not happen */
}

static void test_faults(void)
{
	static const struct { int vec; const char *name; } want[F_COUNT] = {
		{ 14, "null dereference is #PF" }, { 6, "ud2 is #UD" }, { 0, "divide by zero is #DE" },
		{ 3, "int3 is #BP (its gate is open to ring 3)" }, { 13, "cli in ring 3 is #GP" },
		{ 14, "writing our own text is #PF" }, { 14, "reading kernel memory is #PF" },
	};
	for (int i = 0; i < F_COUNT; i++) {
		long tid = thread(faulter, i, 0);
		struct lwk_task_status s = wait_one();
		ok(tid > 0 && s.tid == (uint32_t)tid && s.kind == LWK_EXIT_FAULT && s.code == want[i].vec,
		   "%s", want[i].name);
	}
	ok(getpid() > 0, "the faulting threads did not take the PCT with them");
}

static volatile uint32_t fword;

static void futex_waiter(uint64_t arg)
{
	(void)arg;
	while (fword == 0)
		futex_wait(&fword, 0);
	thread_exit((int)fword);
}

static void test_futex(void)
{
	ok(futex_wait((uint32_t *)8, 0) == -LWK_EFAULT, "futex on an unmapped address: EFAULT");
	ok(futex_wait((uint32_t *)((uint64_t)&fword + 1), 0) == -LWK_EFAULT,
	   "futex on an unaligned address: EFAULT");
	ok(futex_wait(&fword, 1) == -LWK_EAGAIN, "futex_wait on a changed value: EAGAIN");
	ok(syscall6(SYS_futex, (long)&fword, 6, 0, 0, 0, 0) == -LWK_ENOSYS, "futex op 6 (LOCK_PI): ENOSYS");
	uint32_t fv = fword;
	struct lwk_timespec past = { 0, 1 };
	ok(syscall6(SYS_futex, (long)&fword, 9 | 128, fv + 1, 0, 0, -1) == -LWK_EAGAIN &&
	   syscall6(SYS_futex, (long)&fword, 9, fv, 0, 0, 0) == -LWK_EINVAL &&
	   syscall6(SYS_futex, (long)&fword, 9, fv, 0, 0, 1) == -LWK_ENOSYS &&
	   syscall6(SYS_futex, (long)&fword, 9 | 256, fv, (long)&past, 0, 0xffffffff) == -LWK_ETIMEDOUT,
	   "FUTEX_WAIT_BITSET: changed value EAGAIN, bitset 0 EINVAL, others than all ENOSYS, past deadline ETIMEDOUT");
	struct lwk_timespec ts = { 0, 2000000 };
	uint64_t t0, t1;
	clock_gettime_ns(&t0);
	long r = syscall4(SYS_futex, (long)&fword, LWK_FUTEX_WAIT, fword, (long)&ts);
	clock_gettime_ns(&t1);
	ok(r == -LWK_ETIMEDOUT && t1 - t0 >= 2000000, "futex_wait with a 2 ms timeout: ETIMEDOUT after 2 ms");
	ok(syscall4(SYS_futex, (long)&fword, LWK_FUTEX_WAIT, fword, 8) == -LWK_EFAULT,
	   "futex_wait with a bad timeout pointer: EFAULT");
	ts.tv_nsec = -1;
	ok(syscall4(SYS_futex, (long)&fword, LWK_FUTEX_WAIT, fword, (long)&ts) == -LWK_EINVAL,
	   "futex_wait with a negative timeout: EINVAL");
	fword = 0;
	long tid = thread(futex_waiter, 0, 0);
	for (int i = 0; i < 10; i++)
		sched_yield();          /* let it block */
	fword = 7;
	long woken = futex_wake(&fword, 1);
	struct lwk_task_status s = wait_one();
	ok(tid > 0 && woken <= 1 && s.tid == (uint32_t)tid && s.kind == LWK_EXIT_NORMAL &&
	   s.code == 7, "futex: a blocked thread is woken and sees the new value");
}

static volatile uint32_t where[3];

static void hop(uint64_t to)
{
	uint64_t mask = 0;
	syscall3(SYS_sched_getaffinity, 0, 8, (long)&mask);
	where[0] = (uint32_t)mask;
	task_switch_cpus((uint32_t)to);
	syscall3(SYS_sched_getaffinity, 0, 8, (long)&mask);
	where[1] = (uint32_t)mask;
	task_switch_cpus(0);
	syscall3(SYS_sched_getaffinity, 0, 8, (long)&mask);
	where[2] = (uint32_t)mask;
	thread_exit(0);
}

/* Holds v in xmm0 across 200 sched_yields to a task doing the same with
 * another value on the same CPU, all in one asm block so that nothing
 * else touches xmm0: the kernel must keep each task's SSE registers. */
static void sse_keeper(uint64_t v)
{
	uint64_t got;
	__asm__ volatile("movq %[v], %%xmm0\n"
			 "mov $200, %%r12d\n"
			 "1: mov %[yield], %%eax\n"
			 "syscall\n"
			 "dec %%r12d\n"
			 "jnz 1b\n"
			 "movq %%xmm0, %[got]\n"
			 : [got] "=r"(got)
			 : [v] "r"(v), [yield] "i"(SYS_sched_yield)
			 : "rax", "rcx", "r11", "r12", "xmm0", "memory");
	thread_exit(got == v ? 0 : 1);
}

static void test_sse(void)
{
	uint32_t cpu = cpu_count() > 1 ? 1 : 0;
	long a = thread(sse_keeper, 0x1111111111111111ull, cpu);
	uint8_t *sa = last_stack;
	long b = thread(sse_keeper, 0x2222222222222222ull, cpu);
	int good = 0;
	for (int i = 0; i < 2; i++) {
		struct lwk_task_status s = wait_one();
		good += (s.tid == a || s.tid == b) && s.kind == LWK_EXIT_NORMAL && s.code == 0;
	}
	munmap(sa, 16384);
	munmap(last_stack, 16384);
	ok(a > 0 && b > 0 && good == 2, "two tasks on one CPU keep their own xmm0 across 200 switches");
}

/* sched_setaffinity moves the caller to its mask's lowest CPU, or keeps it. */
static void test_affinity(void)
{
	uint64_t to1 = 2, both = 3, none = 0, got = 0;
	if (cpu_count() < 2)
		return;
	ok(syscall3(SYS_sched_setaffinity, 0, 8, (long)&to1) == 0 &&
	   syscall3(SYS_sched_getaffinity, 0, 8, (long)&got) == 8 && got == 2 &&
	   syscall3(SYS_sched_setaffinity, 0, 8, (long)&both) == 0 &&
	   syscall3(SYS_sched_getaffinity, 0, 8, (long)&got) == 8 && got == 2,
	   "sched_setaffinity {1} moves us to CPU 1; {0, 1} keeps us there");
	ok(syscall3(SYS_sched_setaffinity, 0, 8, (long)&none) == -LWK_EINVAL &&
	   syscall3(SYS_sched_setaffinity, 999999, 8, (long)&both) == -LWK_ESRCH &&
	   syscall3(SYS_sched_setaffinity, 0, 8, 8) == -LWK_EFAULT,
	   "sched_setaffinity: no CPU EINVAL, no such task ESRCH, bad mask EFAULT");
	task_switch_cpus(0);
}

static void test_tasks(void)
{
	struct lwk_start_state st = { .aspace_id = (uint32_t)getpid(), .cpu_id = 0,
				      .entry_point = (uint64_t)hop, .stack_ptr = 0x1000 };
	ok(task_create(NULL) == -LWK_EFAULT, "task_create(NULL): EFAULT");
	st.cpu_id = 99;
	ok(task_create(&st) == -LWK_EINVAL, "task_create on cpu 99: EINVAL");
	st.cpu_id = 0;
	st.aspace_id = 999;
	ok(task_create(&st) == -LWK_ENOENT, "task_create in aspace 999: ENOENT");
	st.aspace_id = (uint32_t)getpid();
	ok(task_create(&st) == -LWK_EINVAL, "task_create with an unmapped stack: EINVAL");
	uint8_t *stk = mmap_anon(8192);
	st.stack_ptr = (uint64_t)stk + 8192;
	st.entry_point = (uint64_t)stk;
	ok(task_create(&st) == -LWK_EINVAL, "task_create entering non-executable memory: EINVAL");
	ok(task_switch_cpus(99) == -LWK_EINVAL && task_switch_cpus((uint32_t)-1) == -LWK_EINVAL,
	   "task_switch_cpus to a missing CPU: EINVAL");
	ok(task_wait((void *)8) == -LWK_EFAULT, "task_wait into a bad pointer: EFAULT");
	long ncpu = cpu_count();
	if (ncpu > 1) {
		long tid = thread(hop, 1, 0);
		struct lwk_task_status s = wait_one();
		ok(tid > 0 && s.code == 0 && where[0] == 1 && where[1] == 2 && where[2] == 1,
		   "a user task migrates to CPU 1 and back");
	} else {
		ok(1, "a user task migrates (one CPU: skipped) # SKIP");
	}
	ok(task_setprio(999999, 1) == -LWK_ESRCH, "task_setprio of no task: ESRCH");
	ok(task_wait(NULL) == -LWK_ECHILD, "task_wait with no children: ECHILD");
}

/* ---- Linux calls ---- */

static void test_linux(void)
{
	ok(getpid() > 0 && gettid() > 0, "getpid and gettid");
	ok(write(1, (void *)16, 4) == -LWK_EFAULT, "write from an unmapped buffer: EFAULT");
	ok(write(5, "x", 1) == -9, "write to fd 5: EBADF");
	ok(syscall3(SYS_write, 1, (long)"x", -1) == -LWK_EINVAL, "write of a negative length: EINVAL");
	ok(write(1, (void *)0xffff800000000000ull, 4) == -LWK_EFAULT, "write from kernel memory: EFAULT");
	long b = brk(0);
	ok(b > 0 && brk((void *)(b + 8192)) == b + 8192, "brk grows");
	ok(brk((void *)1) == b + 8192 && brk((void *)-4096L) == b + 8192,
	   "brk outside the heap leaves the break");
	ok(syscall6(SYS_mmap, 0, 4096, 3, LWK_MAP_PRIVATE, 3, 0) == -LWK_EINVAL,
	   "mmap of a file: EINVAL");
	ok(syscall6(SYS_mmap, 0x500000, 4096, 3, 0x32, -1, 0) == -LWK_EINVAL, "mmap MAP_FIXED: EINVAL");
	ok(syscall6(SYS_mmap, 0, 1ull << 40, 3, 0x22, -1, 0) == -LWK_EINVAL ||
	   syscall6(SYS_mmap, 0, 1ull << 40, 3, 0x22, -1, 0) == -LWK_ENOMEM, "mmap of 1 TiB fails");
	ok(syscall6(SYS_mmap, 0, 0, 3, 0x22, -1, 0) == -LWK_EINVAL, "mmap of 0 bytes: EINVAL");
	ok(munmap((void *)0x1001, 4096) == -LWK_EINVAL, "munmap of an unaligned address: EINVAL");
	struct lwk_timespec ts;
	ok(syscall2(SYS_clock_gettime, 7, (long)&ts) == -LWK_EINVAL, "clock_gettime clock 7: EINVAL");
	ok(syscall2(SYS_clock_gettime, 1, 8) == -LWK_EFAULT, "clock_gettime into a bad pointer: EFAULT");
	ok(syscall2(SYS_nanosleep, 8, 0) == -LWK_EFAULT, "nanosleep from a bad pointer: EFAULT");
	ts.tv_sec = 0, ts.tv_nsec = 2000000000;
	ok(syscall2(SYS_nanosleep, (long)&ts, 0) == -LWK_EINVAL, "nanosleep of 2e9 ns: EINVAL");
	uint64_t t0, t1;
	clock_gettime_ns(&t0);
	nanosleep_ns(1000000);
	clock_gettime_ns(&t1);
	ok(t1 - t0 >= 1000000, "nanosleep(1 ms) sleeps at least 1 ms");
	uint64_t mask[2];
	ok(syscall3(SYS_sched_getaffinity, 0, 4, (long)mask) == -LWK_EINVAL,
	   "sched_getaffinity with 4 bytes: EINVAL");
	ok(syscall3(SYS_sched_getaffinity, 0, 8, 8) == -LWK_EFAULT,
	   "sched_getaffinity into a bad pointer: EFAULT");
	ok(syscall3(SYS_sched_getaffinity, 12345, 8, (long)mask) == -LWK_ESRCH,
	   "sched_getaffinity of another task: ESRCH");
	ok(syscall3(SYS_sched_getaffinity, 0, 16, (long)mask) == 8 && mask[0] == 1 && mask[1] == 0,
	   "sched_getaffinity: bound to CPU 0");
	struct lwk_utsname u;
	ok(syscall1(SYS_uname, (long)&u) == 0 && !strcmp(u.sysname, "Nimble LWK"), "uname");
	ok(syscall1(SYS_uname, 8) == -LWK_EFAULT, "uname into a bad pointer: EFAULT");
	static uint64_t tls[2] = { 0x1234 };
	uint64_t fs = 0, got = 0;
	ok(syscall2(SYS_arch_prctl, LWK_ARCH_SET_FS, (long)0xffff800000000000ull) == -LWK_EPERM,
	   "arch_prctl SET_FS to a kernel address: EPERM");
	ok(syscall2(SYS_arch_prctl, LWK_ARCH_SET_FS, (long)tls) == 0 &&
	   syscall2(SYS_arch_prctl, LWK_ARCH_GET_FS, (long)&fs) == 0 && fs == (uint64_t)tls,
	   "arch_prctl SET_FS / GET_FS");
	__asm__ volatile("movq %%fs:0, %0" : "=r"(got));
	ok(got == 0x1234, "the FS base is live");
	ok(syscall2(SYS_arch_prctl, 0x9999, 0) == -LWK_EINVAL, "arch_prctl code 0x9999: EINVAL");
	ok(syscall0(400) == -LWK_ENOSYS && syscall0(100000) == -LWK_ENOSYS && syscall0(-1) == -LWK_ENOSYS,
	   "unknown syscall numbers: ENOSYS");
	ok(sched_yield() == 0, "sched_yield");
}

/* ---- the heap: munmap gives memory back ---- */

#define PG 4096ull

static uint64_t page_up(uint64_t v) { return (v + PG - 1) & ~(PG - 1); }
static uint32_t rnd_state = 12345;
static uint32_t rnd(uint32_t n) { rnd_state = rnd_state * 1103515245u + 12345u; return (rnd_state >> 16) % n; }

static void fill(uint8_t *p, uint64_t len, uint8_t v) { memset(p, v, len); }
static int holds(const uint8_t *p, uint64_t len, uint8_t v)
{
	for (uint64_t i = 0; i < len; i += 512)
		if (p[i] != v || p[len - 1] != v)
			return 0;
	return 1;
}

/* The largest mmap the heap can give now: the mmap area is [mmap_lo,
 * heap end), brk lies below it; a fresh page lands just below mmap_lo
 * when the area has no holes. */
static uint64_t heap_room(uint64_t *lowest)
{
	uint8_t *p = mmap_anon(PG);
	uint64_t room = p ? (uint64_t)p + PG - page_up(brk(0)) : 0;
	if (p)
		munmap(p, PG);
	*lowest = page_up(brk(0));
	return room;
}

/* 8 live mappings of 1..40 pages, each filled with its own byte; every
 * round unmaps some (whole, or a prefix then the rest, or a suffix then
 * the rest), checks the others kept their bytes, and maps new ones. */
static int churn(int rounds)
{
	struct { uint8_t *p; uint64_t len; } m[8] = {{0}};
	int good = 1;
	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < 8; i++) {
			if (m[i].p && rnd(3) == 0) {
				uint64_t len = page_up(m[i].len), cut = (1 + rnd((uint32_t)(len / PG))) * PG;
				if (cut < len && rnd(2))      /* prefix, then the rest */
					good &= munmap(m[i].p, cut) == 0 && munmap(m[i].p + cut, len - cut) == 0;
				else if (cut < len)           /* suffix, then the rest */
					good &= munmap(m[i].p + len - cut, cut) == 0 && munmap(m[i].p, len - cut) == 0;
				else
					good &= munmap(m[i].p, m[i].len) == 0;
				m[i].p = NULL;
			}
			if (!m[i].p) {
				m[i].len = (1 + rnd(40)) * PG - rnd(100);
				m[i].p = mmap_anon(m[i].len);
				good &= m[i].p && holds(m[i].p, m[i].len, 0);   /* zeroed */
				if (m[i].p)
					fill(m[i].p, m[i].len, (uint8_t)(i + 1));
			}
		}
		for (int i = 0; i < 8; i++)
			good &= !m[i].p || holds(m[i].p, m[i].len, (uint8_t)(i + 1));
	}
	for (int i = 7; i >= 0; i--)     /* the rest, in an order of its own */
		if (m[(i * 3) % 8].p)
			good &= munmap(m[(i * 3) % 8].p, m[(i * 3) % 8].len) == 0;
	return good;
}

static volatile uint32_t touch_state;

/* Read *p, say so, wait for the word to become 2, read *p again. */
static void toucher(uint64_t p)
{
	(void)*(volatile uint8_t *)p;
	touch_state = 1;
	while (touch_state != 2)
		__asm__ volatile("pause");
	(void)*(volatile uint8_t *)p;
	thread_exit(0);     /* only if the second read did not fault */
}

static void test_heap_faults(void)
{
	uint8_t *p = mmap_anon(3 * PG);
	fill(p, 3 * PG, 7);
	ok(munmap(p + PG, PG) == 0 && holds(p, PG, 7) && holds(p + 2 * PG, PG, 7),
	   "munmap of a mapping's middle page keeps its neighbours");
	long tid = thread(toucher, (uint64_t)(p + PG), 0);
	struct lwk_task_status s = wait_one();
	munmap(last_stack, 16384);
	ok(tid > 0 && s.kind == LWK_EXIT_FAULT && s.code == 14 && s.addr == (uint64_t)(p + PG),
	   "touching the unmapped page faults the task at that address");
	uint32_t cpu = cpu_count() > 1 ? 1 : 0;
	touch_state = 0;
	tid = thread(toucher, (uint64_t)p, cpu);
	while (touch_state != 1)
		sched_yield();
	ok(munmap(p, PG) == 0, "munmap while another CPU's thread has the page in its TLB");
	touch_state = 2;
	s = wait_one();
	munmap(last_stack, 16384);
	ok(tid > 0 && s.kind == LWK_EXIT_FAULT && s.code == 14 && s.addr == (uint64_t)p,
	   "that thread faults on its next touch: its CPU's TLB was flushed");
	munmap(p + 2 * PG, PG);
}

static void byte_writer(uint64_t p) { *(volatile uint8_t *)p = 1; thread_exit(0); }
static void byte_reader(uint64_t p) { (void)*(volatile uint8_t *)p; thread_exit(0); }

/* Run fn(p) in a thread: 1 if it page-faulted at p (want_fault) or
 * ended normally (!want_fault). */
static int touch_ends(void (*fn)(uint64_t), uint8_t *p, int want_fault)
{
	long tid = thread(fn, (uint64_t)p, 0);
	struct lwk_task_status s = wait_one();
	munmap(last_stack, 16384);
	if (tid <= 0 || s.tid != (uint32_t)tid)
		return 0;
	return want_fault ? s.kind == LWK_EXIT_FAULT && s.code == 14 && s.addr == (uint64_t)p
			  : s.kind == LWK_EXIT_NORMAL && s.code == 0;
}

static long mprotect(void *p, uint64_t len, long prot)
{
	return syscall3(SYS_mprotect, (long)p, (long)len, prot);
}

static void test_mprotect(void)
{
	uint8_t *p = mmap_anon(2 * PG);
	fill(p, 2 * PG, 5);
	ok(mprotect(p, PG, LWK_PROT_READ) == 0 && holds(p, PG, 5) && touch_ends(byte_writer, p, 1) &&
	   touch_ends(byte_writer, p + PG, 0), "mprotect PROT_READ: a write faults, the next page stays writable");
	ok(mprotect(p, PG, 0) == 0 && touch_ends(byte_reader, p, 1) &&
	   syscall3(SYS_write, 1, (long)p, 1) == -LWK_EFAULT,
	   "PROT_NONE: a read faults and the kernel refuses the page too (EFAULT)");
	ok(mprotect(p, PG, LWK_PROT_READ | LWK_PROT_WRITE) == 0 && touch_ends(byte_writer, p, 0),
	   "back to read-write");
	ok(mprotect((void *)((uint64_t)test_mprotect & ~(PG - 1)), PG, 7) == -LWK_EACCES &&
	   mprotect(p, PG, LWK_PROT_READ | LWK_PROT_EXEC) == -LWK_EACCES,
	   "more than the region allows (writable text, executable heap): EACCES");
	ok(mprotect(p + 1, PG, 1) == -LWK_EINVAL && mprotect(p, PG, 8) == -LWK_EINVAL,
	   "unaligned address, unknown prot bits: EINVAL");
	ok(munmap(p + PG, PG) == 0 && mprotect(p, 2 * PG, 1) == -LWK_ENOMEM &&
	   touch_ends(byte_writer, p, 0), "a range with an unmapped page: ENOMEM, nothing changed");
	ok(mprotect(p, PG, 0) == 0 && munmap(p, PG) == 0 && mmap_anon(2 * PG) == p &&
	   holds(p, 2 * PG, 0) && touch_ends(byte_writer, p, 0),
	   "a PROT_NONE page munmap'd and mmap'd again is read-write, zeroed");
	munmap(p, 2 * PG);
	uint8_t *q = (uint8_t *)syscall6(SYS_mmap, 0, PG, 0, LWK_MAP_PRIVATE | LWK_MAP_ANONYMOUS, -1, 0);
	ok((uint64_t)q < LWK_USER_TOP && touch_ends(byte_reader, q, 1) &&
	   syscall6(SYS_mmap, 0, PG, 7, 0x22, -1, 0) == -LWK_EACCES,
	   "mmap PROT_NONE gives a page a read faults on; PROT_EXEC: EACCES");
	munmap(q, PG);
}

static void test_heap(void)
{
	uint64_t lowest, lowest2;
	uint64_t room = heap_room(&lowest);
	long umem = pmem_umem_free();
	ok(room >= (1ull << 20), "the heap has room for mappings");
	uint8_t *all = mmap_anon(room);
	ok(all && (uint64_t)all == lowest && holds(all, room, 0) && mmap_anon(PG) == NULL,
	   "one mmap takes all the room, zeroed; then there is none");
	ok(munmap(all, room) == 0, "munmap of all of it");
	ok(munmap(all, room) == -LWK_EINVAL, "munmap of it again: EINVAL");
	uint8_t *a = mmap_anon(3 * PG), *b = mmap_anon(PG);
	fill(a, 3 * PG, 1);
	ok(munmap(a, 3 * PG) == 0 && mmap_anon(2 * PG) == a + PG && holds(a + PG, 2 * PG, 0),
	   "a hole above another mapping is reused, zeroed");
	munmap(a + PG, 2 * PG);
	ok(munmap(b, 2 * PG) == -LWK_EINVAL && munmap(b, PG) == 0,
	   "munmap of a range with an unmapped page: EINVAL; then of the mapping");
	ok(munmap(b, 0) == -LWK_EINVAL, "munmap of 0 bytes: EINVAL");
	ok(munmap((void *)((uint64_t)test_heap & ~(PG - 1)), PG) == -LWK_EINVAL,
	   "munmap of our text: EINVAL");
	ok(munmap((void *)((uint64_t)&lowest & ~(PG - 1)), PG) == -LWK_EINVAL,
	   "munmap of our stack: EINVAL");
	ok(munmap((void *)lowest, PG) == -LWK_EINVAL, "munmap of memory brk may use: EINVAL");
	ok(munmap((void *)0xffff800000000000ull, PG) == -LWK_EINVAL &&
	   syscall2(SYS_munmap, (long)lowest, -4096) == -LWK_EINVAL,
	   "munmap of kernel memory or of a length that wraps: EINVAL");
	ok(churn(300), "300 rounds of mmap/munmap of 1-40 pages in mixed orders, prefixes, suffixes");
	test_heap_faults();
	ok(heap_room(&lowest2) == room && lowest2 == lowest, "afterwards the heap has all its room again");
	uint64_t b0 = brk(0);
	ok(brk((void *)(lowest + room)) == (long)(lowest + room) &&
	   (((volatile uint8_t *)lowest)[room - 1] = 5) == 5 && brk((void *)b0) == (long)b0,
	   "brk grows over the unmapped pages, which are usable again");
	ok(pmem_umem_free() == umem, "mmap and munmap never changed free UMEM");
}

/* ---- LWK calls ---- */

static void test_lwk(void)
{
	struct lwk_pmem_region r;
	ok(pmem_alloc(4096, 4096, (void *)8) == -LWK_EFAULT, "pmem_alloc into a bad pointer: EFAULT");
	ok(pmem_alloc(100, 4096, &r) == -LWK_EINVAL, "pmem_alloc of 100 bytes: EINVAL");
	ok(pmem_alloc(1ull << 40, 4096, &r) == -LWK_ENOMEM, "pmem_alloc of 1 TiB: ENOMEM");
	ok(pmem_alloc(8192, 4096, &r) == 0 && r.type == LWK_PMEM_UMEM && r.end - r.start == 8192 &&
	   r.allocated, "pmem_alloc of UMEM");
	ok(aspace_create((const char *)8) == -LWK_EFAULT, "aspace_create with a bad name: EFAULT");
	long as = aspace_create("scratch");
	ok(as > 0, "aspace_create");
	ok(aspace_add_region(as, 0x400000, 0x4000, LWK_VM_READ, LWK_PAGE_4K, "a") == 0 &&
	   aspace_add_region(as, 0x402000, 0x4000, LWK_VM_READ, LWK_PAGE_4K, "b") == -LWK_EEXIST,
	   "overlapping regions: EEXIST");
	ok(aspace_add_region(as, 0x600000, 0x1000, LWK_VM_READ, LWK_PAGE_2M, "c") == -LWK_EINVAL,
	   "a 2 MiB region of 4 KiB: EINVAL");
	ok(aspace_map_pmem(as, 0x100000, 0x400000, 0x1000) == -LWK_EPERM,
	   "mapping the kernel image: EPERM");
	ok(aspace_map_pmem(as, r.start, 0x800000, 0x1000) == -LWK_EINVAL,
	   "mapping outside every region: EINVAL");
	ok(aspace_map_pmem(as, r.start, 0x400000, 0x2000) == 0 &&
	   aspace_map_pmem(as, r.start, 0x401000, 0x1000) == -LWK_EEXIST, "map, then map again: EEXIST");
	ok(aspace_smartmap(as, as, LWK_SMARTMAP_SLOT, LWK_SMARTMAP_SLOT) == -LWK_EINVAL,
	   "smartmap into itself: EINVAL");
	ok(aspace_set_cpus(as, 0) == -LWK_EINVAL && aspace_set_cpus(as, 1ull << 63) == -LWK_EINVAL &&
	   aspace_set_cpus(999, 1) == -LWK_ENOENT && aspace_set_cpus(as, 1) == 0,
	   "aspace_set_cpus: no CPU or an offline one EINVAL, aspace 999 ENOENT, CPU 0 fine");
	ok(pmem_free(r.start, r.end) == -LWK_EBUSY, "pmem_free of memory an aspace maps: EBUSY");
	ok(aspace_destroy(as) == 0 && aspace_destroy(as) == -LWK_ENOENT, "destroy, then again: ENOENT");
	ok(aspace_add_region(as, 0x400000, 0x1000, LWK_VM_READ, LWK_PAGE_4K, "x") == -LWK_ENOENT,
	   "a destroyed aspace is gone");
	ok(pmem_free(r.start, r.end) == 0, "its memory can be freed now");
	char name[64];
	ok(module_get(999, NULL, 0, name) == -LWK_ENOENT, "module_get of module 999: ENOENT");
	ok(module_get(0, (void *)8, 1 << 20, name) == -LWK_EFAULT, "module_get into a bad buffer: EFAULT");
	char args[8];
	long alen = module_args(0, NULL, 0);
	ok(module_args(999, NULL, 0) == -LWK_ENOENT && alen >= 0 &&
	   module_args(0, args, (size_t)alen) == -LWK_EINVAL &&
	   (alen >= (long)sizeof args || (module_args(0, args, sizeof args) == alen &&
					  strlen(args) == (size_t)alen)),
	   "module_args: ENOENT past the last, EINVAL with no room for the NUL, the line otherwise");
}

/* Is [start, end) one free UMEM region, as pmem_query sees it? */
static int pmem_is_free(uint64_t start, uint64_t end)
{
	struct lwk_pmem_region q = { .start = start, .end = end, .type = LWK_PMEM_UMEM }, r;
	return pmem_query(&q, &r) == 0 && r.start == start && r.end == end && !r.allocated;
}

static void reader(uint64_t p)
{
	(void)*(volatile uint8_t *)p;
	thread_exit(0);
}

/* Create, map, destroy, free: the memory is back, and every wrong step
 * is refused. */
static void test_teardown(void)
{
	struct lwk_pmem_region r;
	long umem = pmem_umem_free(), self = getpid();
	ok(pmem_alloc(0x10000, 4096, &r) == 0 && pmem_umem_free() == umem - 0x10000 &&
	   !pmem_is_free(r.start, r.end), "pmem_alloc of 64 KiB: free UMEM shrinks by that");
	long as = aspace_create("teardown");
	ok(as > 0 && aspace_add_region(as, 0x400000, 0x10000, LWK_VM_READ | LWK_VM_WRITE, LWK_PAGE_4K, "d") == 0 &&
	   aspace_map_pmem(as, r.start, 0x400000, 0x10000) == 0 &&
	   aspace_smartmap(as, self, 5 * LWK_SMARTMAP_SLOT, LWK_SMARTMAP_SLOT) == 0,
	   "an aspace maps it, and we see it through a SMARTMAP window");
	uint8_t *win = (uint8_t *)(5 * LWK_SMARTMAP_SLOT + 0x400000);
	win[0] = 0x5a;
	ok(aspace_destroy(self) == -LWK_EBUSY, "aspace_destroy of an aspace with a live task (ours): EBUSY");
	ok(aspace_destroy(0) == -LWK_ENOENT && aspace_destroy(999999) == -LWK_ENOENT &&
	   aspace_destroy((uint32_t)-1) == -LWK_ENOENT, "aspace_destroy of ids 0, 999999, 2^32-1: ENOENT");
	ok(pmem_free(r.start, r.end) == -LWK_EBUSY, "pmem_free while mapped: EBUSY");
	ok(aspace_destroy(as) == 0 && win[0] == 0x5a && pmem_free(r.start, r.end) == -LWK_EBUSY,
	   "destroyed, but our window still shows it: pmem_free still EBUSY");
	ok(aspace_del_region(self, 5 * LWK_SMARTMAP_SLOT, 0x1000) == -LWK_EINVAL &&
	   aspace_del_region(999999, 5 * LWK_SMARTMAP_SLOT, LWK_SMARTMAP_SLOT) == -LWK_ENOENT,
	   "aspace_del_region with wrong bounds: EINVAL; of no aspace: ENOENT");
	ok(aspace_del_region(self, 5 * LWK_SMARTMAP_SLOT, LWK_SMARTMAP_SLOT) == 0,
	   "aspace_del_region removes the window");
	long tid = thread(reader, (uint64_t)win, 0);
	struct lwk_task_status s = wait_one();
	munmap(last_stack, 16384);
	ok(tid > 0 && s.kind == LWK_EXIT_FAULT && s.code == 14 && s.addr == (uint64_t)win,
	   "reading through the removed window faults");
	ok(pmem_free(r.start, r.end) == 0 && pmem_is_free(r.start, r.end) && pmem_umem_free() == umem,
	   "pmem_free: pmem_query shows it free, free UMEM is back where it was");
	ok(pmem_free(r.start, r.end) == -LWK_EINVAL, "pmem_free of free memory: EINVAL");
	ok(pmem_free(r.start + 1, r.end) == -LWK_EINVAL && pmem_free(r.end, r.start) == -LWK_EINVAL,
	   "pmem_free of a misaligned or empty range: EINVAL");
	ok(pmem_free(0x100000, 0x101000) == -LWK_EINVAL, "pmem_free of the kernel image (KMEM): EINVAL");
	ok(pmem_free(r.start, r.start + (1ull << 40)) == -LWK_EINVAL,
	   "pmem_free of a range beyond memory: EINVAL");
}

/* ---- Nimble calls ---- */

static void test_nimble(void)
{
	struct lwk_nx_error err;
	struct lwk_nx_stats st;
	uint8_t buf[16] = {0};
	long len = module_find("trap_sum.nx", &modbuf);
	ok(len > 0, "the trap_sum module is on the ISO");
	ok(nx_insert((void *)8, 100, &err) == -LWK_EFAULT, "nx_insert from a bad pointer: EFAULT");
	ok(nx_insert(modbuf, 0, &err) == -LWK_EINVAL, "nx_insert of 0 bytes: EINVAL");
	ok(nx_insert(modbuf, 1ull << 30, &err) == -LWK_EINVAL, "nx_insert of 1 GiB: EINVAL");
	static uint8_t junk[64] = "not an extension";
	memset(&err, 0, sizeof err);
	ok(nx_insert(junk, sizeof junk, &err) < 0 && err.msg[0], "nx_insert of junk says why");
	printf("# nx_insert of junk: %s\n", err.msg);
	ok(nimble_call(2, 3, buf, 16, NULL, 0) == -LWK_ENOSYS, "nimble_call with no extension: ENOSYS");
	long h = nx_insert(modbuf, len, &err);
	ok(h > 0, "nx_insert of trap_sum");
	ok(nimble_call(2, 3, buf, 16, NULL, 0) == 5 && buf[0] == 42,
	   "nimble_call runs it: 2 + 3, and it wrote our buffer");
	ok(nimble_call(2, 3, (void *)8, 16, NULL, 0) == -LWK_EFAULT, "nimble_call with a bad buffer: EFAULT");
	ok(nx_stats(h, &st) == 0 && st.runs == 1 && st.faults == 0, "nx_stats counts the run");
	ok(nx_stats(h, (void *)8) == -LWK_EFAULT && nx_stats(77, &st) == -LWK_ENOENT,
	   "nx_stats errors: EFAULT, ENOENT");
	ok(nx_remove(h) == 0 && nx_remove(h) == -LWK_ENOENT, "nx_remove, then again: ENOENT");
	ok(nimble_call(2, 3, buf, 16, NULL, 0) == -LWK_ENOSYS, "removed: ENOSYS again");
	len = module_find("trap_fault.nx", &modbuf);
	h = nx_insert(modbuf, len, &err);
	ok(h > 0 && nimble_call(1, 1, buf, 16, NULL, 0) == -LWK_ENOSYS &&
	   nx_stats(h, &st) == 0 && st.faults == 1 && st.last_fault != 0,
	   "a faulting trap extension: default result, fault counted and readable");
	nx_remove(h);
	len = module_find("getpid_filter.nx", &modbuf);
	long pid = getpid();
	h = nx_insert(modbuf, len, &err);
	ok(h > 0 && getpid() == 4242 && gettid() != 4242, "a syscall-entry filter answers getpid");
	nx_remove(h);
	ok(getpid() == pid, "filter removed: the real getpid");
}

/* ---- an unprivileged application ---- */

enum { C_PMEM = 1, C_ASPACE = 2, C_TRUSTED = 4, C_UNTRUSTED = 8, C_MODULE = 16, C_OTHERS = 32,
       C_TEARDOWN = 64 };

/* The heap starts with the two objects' lengths; the objects follow at
 * +4096 (trusted_nop) and +8192 (trap_sum). */
static int child_main(const uint64_t *heap)
{
	uint64_t obj = (uint64_t)heap + 4096;
	struct lwk_pmem_region r;
	struct lwk_nx_error err;
	struct lwk_start_state st = { .aspace_id = 1, .entry_point = 0x400000, .stack_ptr = 0x1000 };
	int bits = 0;
	bits |= pmem_alloc(4096, 4096, &r) == -LWK_EPERM ? C_PMEM : 0;
	bits |= aspace_create("x") == -LWK_EPERM ? C_ASPACE : 0;
	bits |= nx_insert((void *)obj, heap[0], &err) == -LWK_EPERM ? C_TRUSTED : 0;
	long h = nx_insert((void *)(obj + 4096), heap[1], &err);
	bits |= h > 0 && nimble_call(1, 2, NULL, 0, NULL, 0) == 3 && nx_remove(h) == 0 ? C_UNTRUSTED : 0;
	bits |= module_get(0, NULL, 0, NULL) == -LWK_EPERM ? C_MODULE : 0;
	bits |= task_create(&st) == -LWK_EPERM ? C_OTHERS : 0;
	bits |= pmem_free(0x4000000, 0x4001000) == -LWK_EPERM && aspace_destroy(1) == -LWK_EPERM &&
		aspace_del_region(1, 0x400000, 0x1000) == -LWK_EPERM ? C_TEARDOWN : 0;
	return bits;
}

static void test_child(void)
{
	long len = module_find("pct", &modbuf);
	uint8_t *self = modbuf;
	ok(len > 0, "our own image is module pct");
	long umem = pmem_umem_free();
	struct spawn sp;
	ok(elf_spawn(self, len, "child", 1, 0, 0, CHILD, 1 << 20, &sp) == 0, "elf_spawn a child application");
	/* Hand it the two objects through its heap (we see it via SMARTMAP). */
	uint8_t *heap = sp.window + sp.heap;
	long tl = module_find("trusted_nop.nx", &modbuf);
	memcpy(heap + 4096, modbuf, tl);
	long sl = module_find("trap_sum.nx", &modbuf);
	memcpy(heap + 8192, modbuf, sl);
	((uint64_t *)heap)[0] = tl;
	((uint64_t *)heap)[1] = sl;
	ok(tl > 0 && sl > 0 && tl <= 4096 && sl <= 4096, "objects copied into the child's heap");
	struct lwk_task_status s = wait_one();
	ok(s.tid == sp.tid && s.kind == LWK_EXIT_NORMAL, "the child ran and exited");
	printf("# child result bits 0x%x\n", s.code);
	ok(s.code & C_PMEM, "unprivileged pmem_alloc: EPERM");
	ok(s.code & C_ASPACE, "unprivileged aspace_create: EPERM");
	ok(s.code & C_TRUSTED, "an application inserting a trusted extension: EPERM");
	ok(s.code & C_UNTRUSTED, "an application inserts, calls and removes an untrusted one");
	ok(s.code & C_MODULE, "unprivileged module_get: EPERM");
	ok(s.code & C_OTHERS, "task_create in someone else's aspace: EPERM");
	ok(s.code & C_TEARDOWN, "unprivileged pmem_free, aspace_destroy, aspace_del_region: EPERM");
	long freed = spawn_free(&sp);
	ok(freed > (1 << 20) && pmem_umem_free() == umem,
	   "spawn_free of the ended child returns all its memory");
	printf("# spawn_free: %ld bytes\n", freed);
}

/* ---- exit_group ---- */

static volatile uint32_t never;

static void block_forever(uint64_t arg)
{
	(void)arg;
	for (;;)
		futex_wait(&never, 0);
}

static void spin_forever(uint64_t arg)
{
	(void)arg;
	for (;;)
		__asm__ volatile("pause");
}

static void sleep_long(uint64_t arg)
{
	(void)arg;
	nanosleep_ns(10000000000ull);
	thread_exit(1);
}

/* Three tasks that would never end by themselves, then exit_group(5);
 * their tids go to heap[16..18] for the PCT to check. */
static int child_group(uint64_t *heap)
{
	uint32_t cpu = cpu_count() > 1 ? 1 : 0;
	heap[16] = (uint64_t)thread(block_forever, 0, 0);
	heap[17] = (uint64_t)thread(spin_forever, 0, cpu);
	heap[18] = (uint64_t)thread(sleep_long, 0, 0);
	for (int i = 0; i < 20; i++)
		sched_yield();
	exit(5);
}

static void test_exit_group(void)
{
	long len = module_find("pct", &modbuf);
	long umem = pmem_umem_free();
	struct spawn sp;
	ok(elf_spawn(modbuf, len, "group", 2, 0, 0, CHILD_GROUP, 1 << 20, &sp) == 0,
	   "elf_spawn an application for exit_group");
	ok(spawn_free(&sp) == -LWK_EBUSY && sp.aspace && sp.nmem > 0,
	   "spawn_free while its tasks run: EBUSY, nothing taken apart");
	struct lwk_task_status s = wait_one();
	ok(s.tid == sp.tid && s.kind == LWK_EXIT_NORMAL && s.code == 5, "its main task exit_group(5)s");
	const uint64_t *tids = (const uint64_t *)(sp.window + sp.heap) + 16;
	int gone = 0;
	uint64_t t0 = 0, now = 0;
	clock_gettime_ns(&t0);
	/* Bounded wait (5 s) for the other CPU to act on the kick. */
	for (now = t0; gone < 3 && now - t0 < 5000000000ull; clock_gettime_ns(&now)) {
		gone = 0;
		for (int j = 0; j < 3; j++)
			gone += (long)tids[j] > 0 && task_setprio((uint32_t)tids[j], 0) == -LWK_ESRCH;
		nanosleep_ns(1000000);
	}
	for (int j = 0; j < 3; j++)
		if (task_setprio((uint32_t)tids[j], 0) != -LWK_ESRCH)
			printf("# task %ld still exists\n", (long)tids[j]);
	ok(gone == 3, "exit_group ended a futex-blocked, a spinning (other CPU) and a sleeping task");
	long freed = -LWK_EBUSY;
	for (int i = 0; i < 1000 && freed == -LWK_EBUSY; i++)   /* its tasks' stacks go last */
		if ((freed = spawn_free(&sp)) == -LWK_EBUSY)
			nanosleep_ns(1000000);
	ok(freed > 0 && pmem_umem_free() == umem, "then spawn_free returns all its memory");
}

int main(int argc, char **argv, uint64_t arg0)
{
	(void)argc, (void)argv;
	if (arg0 == CHILD) {
		/* Our heap holds the objects at its bottom; find it with brk. */
		return child_main((const uint64_t *)brk(0));
	}
	if (arg0 == CHILD_GROUP)
		return child_group((uint64_t *)brk(0));
	test_heap();      /* first: it measures the heap before anyone else maps */
	test_linux();
	test_futex();
	test_faults();
	test_tasks();
	test_sse();
	test_affinity();
	test_mprotect();
	test_lwk();
	test_teardown();
	test_nimble();
	test_child();
	test_exit_group();
	printf("# %d of %d failed\n", tap_failed, tap_n);
	return tap_done();
}

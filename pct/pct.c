/*
 * The PCT: the first user task and the node's policy maker (seed 000).
 * It reads the job (the module "job" tools/yod writes: the CPU mode and
 * the node's trusted extensions), inserts the trusted extensions, loads
 * each application (a GRUB module named app*, its argv and envp on the
 * module's command line), hands it the extension objects on the ISO (the
 * .nx modules) through its heap, starts it on the CPU its mode says,
 * reports how every task of it ended, and then takes it apart: its
 * aspace destroyed and its memory back in the free UMEM (spawn_free), so
 * that free UMEM ends where it began; last it removes the trusted
 * extensions.  The node powers off when the PCT returns.
 *
 * The steps are separate functions so that policy (more CPU modes), a
 * name server and fault handling can grow in their own places:
 * job_read() and app_place() decide placement, pct_serve() is the loop
 * that will also answer requests.
 */
#include "ulib.h"
#include <uapi/pct_abi.h>

#define MAX_APPS 8

struct app {
	char name[64];
	struct spawn sp;
	int tasks_alive;
};

#define FREE_TRIES 1000   /* x 1 ms: its other tasks' way out (exit_group) */

static struct app apps[MAX_APPS];
static int napps;

/* A module by index into fresh memory (munmap it after use); its size
 * or -errno. */
static long module_load(uint32_t i, uint8_t **buf, char name[64])
{
	long sz = module_get(i, NULL, 0, name);
	if (sz <= 0)
		return sz;
	*buf = mmap_anon(sz);
	return *buf ? module_get(i, *buf, sz, name) : -LWK_ENOMEM;
}

static void module_unload(uint8_t *buf, long sz) { munmap(buf, (size_t)sz); }

/* Copy every .nx module into the application's heap (pct_abi.h). */
static void hand_objects(struct app *a)
{
	struct pct_objects *tab = (void *)(a->sp.window + a->sp.heap);
	uint64_t off = PCT_OBJ_FIRST;
	char name[64];
	uint8_t *buf;
	long sz;
	tab->count = 0;
	for (uint32_t i = 0; (sz = module_get(i, NULL, 0, name)) >= 0; i++) {
		size_t nl = strlen(name);
		if (nl < 4 || strcmp(name + nl - 3, ".nx") || tab->count == PCT_MAX_OBJECTS ||
		    off + sz > a->sp.heap_size || module_load(i, &buf, name) != sz)
			continue;
		struct pct_object *o = &tab->obj[tab->count++];
		strncpy(o->name, name, sizeof o->name - 1);
		o->offset = off;
		o->len = sz;
		memcpy(a->sp.window + a->sp.heap + off, buf, sz);
		module_unload(buf, sz);
		off = (off + sz + 4095) & ~4095ull;
	}
}

/*
 * The job (tools/yod writes it as the module "job": words mode=MODE and
 * trusted=NAME.nx): Puma's CPU mode, which places the application, and
 * the node's trusted extensions, which the PCT inserts before the
 * applications start and removes after they end.  No job module: heater,
 * no extensions.
 */
#define JOB_TRUSTED 8
static struct {
	char words[512];
	const char *mode;
	const char *trusted[JOB_TRUSTED];
	long handle[JOB_TRUSTED];
	int ntrusted;
} job = { .mode = "heater" };

static const char *const modes[] = { "heater", "message-coprocessor", "compute-coprocessor",
				      "virtual-node" };

static int job_read(void)
{
	char name[64];
	for (uint32_t i = 0; module_get(i, NULL, 0, name) >= 0; i++) {
		if (strcmp(name, "job") || module_args(i, job.words, sizeof job.words) < 0)
			continue;
		for (char *w = job.words, *end; *w; w = end) {
			while (*w == ' ')
				w++;
			for (end = w; *end && *end != ' '; end++)
				;
			if (*end)
				*end++ = 0;
			if (!strncmp(w, "mode=", 5))
				job.mode = w + 5;
			else if (!strncmp(w, "trusted=", 8) && job.ntrusted < JOB_TRUSTED)
				job.trusted[job.ntrusted++] = w + 8;
			else if (*w) {
				printf("pct: job: '%s' is neither mode=MODE nor trusted=NAME.nx\n", w);
				return -1;
			}
		}
	}
	for (unsigned m = 0; m < sizeof modes / sizeof modes[0]; m++)
		if (!strcmp(job.mode, modes[m]))
			return 0;
	printf("pct: job: unknown mode '%s' (heater, message-coprocessor, compute-coprocessor, "
	       "virtual-node)\n", job.mode);
	return -1;
}

/*
 * Where an application runs (Puma's CPU modes; CPU 0 is the system CPU:
 * the kernel, the NIC's interrupts, net_irq_cpu, and the node's
 * extensions run there), as its first task's CPU and the CPUs its
 * threads may be put on (aspace_set_cpus):
 *   heater               CPU 0; its threads too
 *   message-coprocessor  CPU 1, alone (tickless: a task alone takes no
 *                        timer interrupt); its threads too
 *   compute-coprocessor  CPU 0; its second thread on CPU 1 (clone hands
 *                        CPUs out in turn from the next one)
 *   virtual-node         two processes: the first on CPU 0, the second
 *                        on CPU 1, each with its threads
 * With one CPU everything runs on CPU 0.
 */
struct place { uint32_t cpu; uint64_t threads; };

static int instances(void) { return strcmp(job.mode, "virtual-node") ? 1 : 2; }

static struct place app_place(int instance)
{
	if (cpu_count() < 2)
		return (struct place){ 0, 1 };
	if (!strcmp(job.mode, "message-coprocessor") || instance == 1)
		return (struct place){ 1, 2 };
	if (!strcmp(job.mode, "compute-coprocessor"))
		return (struct place){ 0, 3 };
	return (struct place){ 0, 1 };
}

/* The job's trusted extensions: inserted by the PCT, so trusted if they
 * ask for it; the node's policy for every application. */
static int trusted_insert(void)
{
	for (int i = 0; i < job.ntrusted; i++) {
		uint8_t *buf;
		struct lwk_nx_error err;
		long sz = module_find(job.trusted[i], &buf);
		long h = sz > 0 ? nx_insert(buf, (size_t)sz, &err) : sz;
		if (sz > 0)
			module_unload(buf, sz);
		if (h < 0) {
			printf("pct: trusted extension %s refused: %s%s%s\n", job.trusted[i], strerror(h),
			       sz > 0 ? ": " : "", sz > 0 ? err.msg : "");
			return -1;
		}
		job.handle[i] = h;
		printf("pct: inserted trusted extension %s (handle %ld)\n", job.trusted[i], h);
	}
	return 0;
}

static void trusted_remove(void)
{
	for (int i = 0; i < job.ntrusted; i++) {
		struct lwk_nx_stats st;
		if (job.handle[i] <= 0)
			continue;
		long rc = nx_stats(job.handle[i], &st);
		printf("pct: removed trusted extension %s: %llu runs, %llu faults\n", job.trusted[i],
		       rc ? 0ull : (unsigned long long)st.runs, rc ? 0ull : (unsigned long long)st.faults);
		nx_remove(job.handle[i]);
	}
}

/* Load, hand the objects to, place and start instance inst of the
 * application in module i (placement: app_place; the application may move
 * its own tasks later, task_switch_cpus). */
static void app_start(uint32_t i, const char *name, long sz, int inst)
{
	struct app *a = &apps[napps];
	struct place pl = app_place(inst);
	uint8_t *img;
	char got[64];
	if (module_load(i, &img, got) != sz) {
		printf("pct: cannot read module %s\n", name);
		return;
	}
	strncpy(a->name, name, sizeof a->name - 1);
	char line[512];
	const char *argv[64], *envp[64];
	long rc = module_argv(i, name, line, sizeof line, argv, 64, envp, 64);
	if (!rc)
		rc = elf_load_args(img, sz, name, (unsigned)(napps + 1), pl.cpu, 0, PCT_ARG_APP,
				   4ull << 20, argv, envp, &a->sp);
	module_unload(img, sz);
	if (rc == 0 && (rc = aspace_set_cpus(a->sp.aspace, pl.threads)) < 0)
		spawn_free(&a->sp);
	if (rc == 0) {
		hand_objects(a);   /* before it runs: it reads them first thing */
		if ((rc = spawn_start(&a->sp)))
			spawn_free(&a->sp);
	}
	if (rc) {
		printf("pct: %s did not start: %s\n", name, strerror(rc));
		return;
	}
	a->tasks_alive = 1;
	printf("pct: started %s: aspace %u, task %u on CPU %u, threads on CPUs 0x%llx (mode %s)\n",
	       name, a->sp.aspace, a->sp.tid, pl.cpu, (unsigned long long)pl.threads, job.mode);
	napps++;
}

static int apps_load(void)
{
	char name[64];
	long sz;
	if (cpu_count() < 2 && strcmp(job.mode, "heater"))
		printf("pct: mode %s wants 2 CPUs, the node has 1: everything runs on CPU 0\n", job.mode);
	for (uint32_t i = 0; (sz = module_get(i, NULL, 0, name)) >= 0; i++) {
		if (strncmp(name, "app", 3))
			continue;
		for (int inst = 0; inst < instances() && napps < MAX_APPS; inst++)
			app_start(i, name, sz, inst);
	}
	return napps;
}

/* Take an ended application apart; its other tasks may still be on
 * their way out (EBUSY): wait for them, boundedly. */
static int app_free(struct app *a)
{
	long rc = -LWK_EBUSY;
	uint32_t as = a->sp.aspace;
	for (int i = 0; i < FREE_TRIES && rc == -LWK_EBUSY; i++)
		if ((rc = spawn_free(&a->sp)) == -LWK_EBUSY)
			nanosleep_ns(1000000);
	if (rc < 0) {
		printf("pct: %s: cannot free aspace %u: %s\n", a->name, as, strerror(rc));
		return 1;
	}
	printf("pct: %s: aspace %u destroyed, %ld bytes of UMEM returned\n", a->name, as, rc);
	return 0;
}

/* An application's fault, for people: the vector's mnemonic and name. */
static const char *vector_name(int v)
{
	static const char *const n[] = {
		"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
		"#BR bound range exceeded", "#UD invalid opcode", "#NM device not available",
		"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
		"#NP segment not present", "#SS stack fault", "#GP general protection",
		"#PF page fault", "vector 15", "#MF x87 error", "#AC alignment check",
		"#MC machine check", "#XM SIMD error",
	};
	return v >= 0 && v < (int)(sizeof n / sizeof n[0]) ? n[v] : "an unknown vector";
}

/* This node's rank in the job (0 without a network). */
static uint32_t node_rank(void)
{
	struct lwk_net_info ni;
	return syscall1(SYS_net_info, (long)&ni) == 0 ? ni.rank : 0;
}

/* Report each end of an application's first task and free it; done
 * when all ended. */
static int pct_serve(void)
{
	int bad = 0, left = napps;
	while (left > 0) {
		struct lwk_task_status st;
		long rc = task_wait(&st);
		if (rc) {
			printf("pct: task_wait: %s\n", strerror(rc));
			return 1;
		}
		for (int i = 0; i < napps; i++) {
			struct app *a = &apps[i];
			if (a->sp.tid != st.tid)
				continue;
			if (st.kind == LWK_EXIT_FAULT)
				printf("pct: rank %u: %s faulted: %s at 0x%llx (addr 0x%llx)\n", node_rank(),
				       a->name, vector_name(st.code), (unsigned long long)st.rip,
				       (unsigned long long)st.addr);
			else
				printf("pct: %s (task %u) exited with status %d\n", a->name, st.tid, st.code);
			bad += st.kind != LWK_EXIT_NORMAL || st.code != 0;
			bad += app_free(a);
			a->tasks_alive = 0;
			left--;
		}
	}
	return bad;
}

int main(void)
{
	printf("pct: node has %ld CPUs\n", cpu_count());
	long umem = pmem_umem_free();
	if (job_read() || trusted_insert())
		return 1;
	if (apps_load() == 0) {
		printf("pct: no application modules (app*)\n");
		return 1;
	}
	int bad = pct_serve();
	trusted_remove();
	long after = pmem_umem_free();
	printf("pct: free UMEM: %ld bytes before the applications, %ld after\n", umem, after);
	bad += after != umem;
	struct lwk_net_info ni;
	if (syscall1(SYS_net_info, (long)&ni) == 0) {   /* endpoints go with their application */
		printf("pct: network: %llu endpoints open, %llu closed\n", (unsigned long long)ni.open,
		       (unsigned long long)ni.closed);
		bad += ni.open != 0;
	}
	printf("pct: all applications ended, %d with errors\n", bad);
	return bad ? 1 : 0;
}

/*
 * Hostile extensions on a booted node (docs/boot.md, "Tests"): run as the
 * PCT of both nodes of a 2-node cluster (tests/kernel/hostile.sh), which
 * run the same table in step so that each one's frames exercise the
 * other's net_rx and irq hooks.
 *
 * Each row of `cases` inserts one misbehaving extension (tests/kernel/
 * hostile/) on one hook, fires the hook the way the node would, and
 * asserts (1) the fault its owner reads back with nx_stats, (2) that the
 * hook site fell back to the kernel's default (the default scheduler ran
 * the tasks, getpid gave the real pid, the NIC's handler took its
 * interrupts, the frames reached the endpoint), and (3) that the node
 * still schedules afterwards (a new task runs and exits).  Untrusted rows
 * are inserted by an application (this program started again by
 * elf_spawn with arg0 = CHILD, unprivileged); trusted rows by the PCT.
 * The hostile objects hold a `mode` word (and an `arg`) that the test
 * replaces in its copy before the insert, so one object per hook carries
 * every misbehaviour; a trusted row is the same object with its header's
 * trust flipped.
 *
 * Then: an untrusted trap extension is ejected after NX_EJECT_FAULTS
 * faults; helpers on another owner's task or endpoint are refused; a
 * helper the hook does not allow is refused by the kernel's verifier; and
 * inserting 1 MiB extensions until kmem runs out ends in ENOMEM, after
 * which removing them returns kmem to exactly where it began (read with
 * the trusted-only helper kmem_used, through a PCT extension).
 * TAP on the console; exit status 0 when every test passed.
 */
#include "ulib.h"
#include "utap.h"
#include "lwknet.h"
#include <uapi/pct_abi.h>
#include <nimble/nx.h>
#include <nimble/isa.h>
#include <nimble/hooks.h>

#define CHILD 0x4057ull
#define EJECT_FAULTS 8            /* NX_EJECT_FAULTS (include/nimble/nimble.h) */
#define MODE_MARK 0x45444f4d45444f4dull
#define ARG_MARK  0x47524147524741ull
#define EP_CHILD   6              /* the application's endpoint          */
#define EP_PCT     7              /* the PCT's, for the trusted rows      */
#define EP_FOREIGN 5              /* the PCT's, named by the application  */
#define PINGS 4                   /* frames each way per net/irq case     */
#define WAIT_NS 5000000000ull

enum hook { H_SCHED, H_TRAP, H_IRQ, H_NET };
enum mode { M_SPIN = 1, M_REC, M_MUTUAL, M_OOB_LOAD, M_OOB_STORE, M_DIV0, M_BAD_INDEX,
	    M_BAD_TID, M_HELPER, M_WAKE_OWN, M_XCALL = 100 };
enum { UNTRUSTED, TRUSTED };

static const char *const hook_name[] = { "sched_pick", "trap", "irq", "net_rx" };
static const char *const hook_obj[] = { "h_sched.nx", "h_trap.nx", "h_irq.nx", "h_net.nx" };
static const char *const xcall_obj[] = { "h_sched_x.nx", "h_trap_x.nx", "h_irq_x.nx", "h_net_x.nx" };

/*
 * The table: hook, what the extension does, who inserts it, its mode and
 * the fault its owner must read back ("NONE": it does not fault, and the
 * hook site must refuse its answer, or the helper answer -errno).  A
 * fault name this build does not know fails its row.  Trusted code is
 * unchecked: no OOB or fuel rows; its infinite loops end only by the
 * runaway stop (TIME, lwk/watchdog.h).  An untrusted loop ends by fuel
 * or by the runaway stop, whichever comes first ("FUEL|TIME": under TCG
 * 10^6 fuel usually takes longer than the 4 ms budget).
 */
struct hcase {
	enum hook hook;
	const char *what;
	int trust;
	int mode;
	const char *fault;
};

static const struct hcase cases[] = {
	{ H_SCHED, "infinite loop", UNTRUSTED, M_SPIN, "FUEL|TIME" },
	{ H_SCHED, "deep recursion", UNTRUSTED, M_REC, "STACK" },
	{ H_SCHED, "mutual recursion", UNTRUSTED, M_MUTUAL, "STACK" },
	{ H_SCHED, "index from ctx.ntasks, load", UNTRUSTED, M_OOB_LOAD, "OOB_LOAD" },
	{ H_SCHED, "index from ctx.ntasks, store", UNTRUSTED, M_OOB_STORE, "OOB_STORE" },
	{ H_SCHED, "division by zero", UNTRUSTED, M_DIV0, "DIV_ZERO" },
	{ H_SCHED, "picks ntasks+1 (no such task)", UNTRUSTED, M_BAD_INDEX, "NONE" },
	{ H_SCHED, "picks the PCT's task id", UNTRUSTED, M_BAD_TID, "NONE" },
	{ H_SCHED, "task_wake of the PCT's task", UNTRUSTED, M_HELPER, "NONE" },
	{ H_SCHED, "task_wake of its own blocked task", UNTRUSTED, M_WAKE_OWN, "NONE" },
	{ H_SCHED, "import removed in use", UNTRUSTED, M_XCALL, "XCALL" },
	{ H_TRAP, "infinite loop", UNTRUSTED, M_SPIN, "FUEL|TIME" },
	{ H_TRAP, "deep recursion", UNTRUSTED, M_REC, "STACK" },
	{ H_TRAP, "mutual recursion", UNTRUSTED, M_MUTUAL, "STACK" },
	{ H_TRAP, "index from ctx.buf_len, load", UNTRUSTED, M_OOB_LOAD, "OOB_LOAD" },
	{ H_TRAP, "index from ctx.buf_len, store", UNTRUSTED, M_OOB_STORE, "OOB_STORE" },
	{ H_TRAP, "division by zero", UNTRUSTED, M_DIV0, "DIV_ZERO" },
	{ H_TRAP, "import removed in use", UNTRUSTED, M_XCALL, "XCALL" },
	{ H_IRQ, "infinite loop", UNTRUSTED, M_SPIN, "FUEL|TIME" },
	{ H_IRQ, "deep recursion", UNTRUSTED, M_REC, "STACK" },
	{ H_IRQ, "mutual recursion", UNTRUSTED, M_MUTUAL, "STACK" },
	{ H_IRQ, "index from ctx.vector, load", UNTRUSTED, M_OOB_LOAD, "OOB_LOAD" },
	{ H_IRQ, "index from ctx.count, store", UNTRUSTED, M_OOB_STORE, "OOB_STORE" },
	{ H_IRQ, "division by zero", UNTRUSTED, M_DIV0, "DIV_ZERO" },
	{ H_IRQ, "task_wake of the PCT's task", UNTRUSTED, M_HELPER, "NONE" },
	{ H_IRQ, "import removed in use", UNTRUSTED, M_XCALL, "XCALL" },
	{ H_NET, "infinite loop", UNTRUSTED, M_SPIN, "FUEL|TIME" },
	{ H_NET, "deep recursion", UNTRUSTED, M_REC, "STACK" },
	{ H_NET, "mutual recursion", UNTRUSTED, M_MUTUAL, "STACK" },
	{ H_NET, "index from ctx.len, load", UNTRUSTED, M_OOB_LOAD, "OOB_LOAD" },
	{ H_NET, "index from ctx.mem_len, store", UNTRUSTED, M_OOB_STORE, "OOB_STORE" },
	{ H_NET, "division by zero", UNTRUSTED, M_DIV0, "DIV_ZERO" },
	{ H_NET, "net_send from the PCT's endpoint", UNTRUSTED, M_HELPER, "NONE" },
	{ H_NET, "import removed in use", UNTRUSTED, M_XCALL, "XCALL" },
	{ H_SCHED, "deep recursion", TRUSTED, M_REC, "STACK" },
	{ H_SCHED, "mutual recursion", TRUSTED, M_MUTUAL, "STACK" },
	{ H_SCHED, "division by zero", TRUSTED, M_DIV0, "DIV_ZERO" },
	{ H_SCHED, "picks ntasks+1 (no such task)", TRUSTED, M_BAD_INDEX, "NONE" },
	{ H_SCHED, "import removed in use", TRUSTED, M_XCALL, "XCALL" },
	{ H_TRAP, "deep recursion", TRUSTED, M_REC, "STACK" },
	{ H_TRAP, "mutual recursion", TRUSTED, M_MUTUAL, "STACK" },
	{ H_TRAP, "division by zero", TRUSTED, M_DIV0, "DIV_ZERO" },
	{ H_TRAP, "import removed in use", TRUSTED, M_XCALL, "XCALL" },
	{ H_IRQ, "deep recursion", TRUSTED, M_REC, "STACK" },
	{ H_IRQ, "mutual recursion", TRUSTED, M_MUTUAL, "STACK" },
	{ H_IRQ, "division by zero", TRUSTED, M_DIV0, "DIV_ZERO" },
	{ H_IRQ, "import removed in use", TRUSTED, M_XCALL, "XCALL" },
	{ H_NET, "deep recursion", TRUSTED, M_REC, "STACK" },
	{ H_NET, "mutual recursion", TRUSTED, M_MUTUAL, "STACK" },
	{ H_NET, "division by zero", TRUSTED, M_DIV0, "DIV_ZERO" },
	{ H_NET, "import removed in use", TRUSTED, M_XCALL, "XCALL" },
	/* No fuel in the unchecked set: only the runaway stop ends these. */
	{ H_SCHED, "infinite loop", TRUSTED, M_SPIN, "TIME" },
	{ H_TRAP, "infinite loop", TRUSTED, M_SPIN, "TIME" },
	{ H_IRQ, "infinite loop", TRUSTED, M_SPIN, "TIME" },
	{ H_NET, "infinite loop", TRUSTED, M_SPIN, "TIME" },
};
#define NCASES (sizeof cases / sizeof cases[0])

/* What the PCT and its application share, in the application's heap
 * after the table of objects (pct_abi.h). */
struct shared {
	uint32_t pct_tid, peer;
	int tap_n, tap_failed;     /* TAP numbering continues across both */
};
#define SHARED_OFF 3072

static const char *const objects[] = {
	"h_sched.nx", "h_trap.nx", "h_irq.nx", "h_net.nx", "h_prov.nx", "h_sched_x.nx",
	"h_trap_x.nx", "h_irq_x.nx", "h_net_x.nx", "h_help.nx", "h_irq_send.nx",
};

static long self, real_pid;   /* our aspace, and getpid with no filter */
static uint32_t pct_tid;      /* the PCT's first task: another owner's, to the application */
static uint32_t peer, ncpu_run;
static struct shared *shared;
static uint8_t objbuf[16384];
static uint8_t ep_mem[3][4096] __attribute__((aligned(4096)));

/* ---- objects ---- */

/* got is one of want's '|'-separated names. */
static int fault_is(const char *got, const char *want)
{
	size_t n = strlen(got);
	for (const char *w = want; *w; w++) {
		if (!strncmp(w, got, n) && (w[n] == 0 || w[n] == '|'))
			return 1;
		while (*w && *w != '|')
			w++;
		if (!*w)
			break;
	}
	return 0;
}

static const char *fault_name(uint32_t f)
{
	static const char *const names[] = {
#define NAME(n, d) #n,
		NX_FAULTS(NAME)
#undef NAME
	};
	return f < sizeof names / sizeof names[0] ? names[f] : "?";
}

/* The object NAME: handed by the PCT (application) or a module (PCT,
 * which keeps only the last one found). */
static long object(const char *name, const uint8_t **obj)
{
	static uint8_t *mod;
	static long mod_len;
	size_t len;
	if (shared) {
		*obj = pct_object(name, &len);
		return *obj ? (long)len : -LWK_ENOENT;
	}
	if (mod_len > 0)
		munmap(mod, mod_len);
	mod_len = module_find(name, &mod);
	*obj = mod;
	return mod_len;
}

static const uint8_t *find(const uint8_t *p, long len, const char *s)
{
	long n = (long)strlen(s);
	for (long i = 0; i + n <= len; i++)
		if (!memcmp(p + i, s, n))
			return p + i;
	return NULL;
}

/* Replace the first 8-byte word `mark` of obj with v. */
static int patch_u64(uint8_t *obj, long len, uint64_t mark, uint64_t v)
{
	for (long i = 0; i + 8 <= len; i++)
		if (!memcmp(obj + i, &mark, 8)) {
			memcpy(obj + i, &v, 8);
			return 1;
		}
	return 0;
}

/* Copy NAME into objbuf with its mode and argument set, trusted if asked. */
static long prepare(const char *name, int mode, uint64_t arg, int trust)
{
	const uint8_t *o;
	long len = object(name, &o);
	if (len <= 0 || len > (long)sizeof objbuf)
		return -LWK_ENOENT;
	memcpy(objbuf, o, len);
	patch_u64(objbuf, len, MODE_MARK, (uint64_t)mode);
	patch_u64(objbuf, len, ARG_MARK, arg);
	if (trust == TRUSTED)
		((struct nx_header *)objbuf)->trust = NX_TRUST_TRUSTED;
	return len;
}

static long insert(const char *name, int mode, uint64_t arg, int trust)
{
	struct lwk_nx_error err = { .msg = "" };
	long len = prepare(name, mode, arg, trust);
	long h = len > 0 ? nx_insert(objbuf, len, &err) : len;
	if (h <= 0)
		printf("# insert of %s: %ld: %s\n", name, h, err.msg);
	return h;
}

/* ---- tasks ---- */

static void exiter(uint64_t code)
{
	for (int i = 0; i < 30; i++)
		sched_yield();
	thread_exit((int)code);
}

static long thread(void (*fn)(uint64_t), uint64_t arg, uint32_t cpu, uint8_t **stack)
{
	*stack = mmap_anon(16384);
	if (!*stack)
		return -LWK_ENOMEM;
	struct lwk_start_state st = { .aspace_id = (uint32_t)self, .cpu_id = cpu,
				      .entry_point = (uint64_t)fn,
				      .stack_ptr = ((uint64_t)(*stack + 16384) & ~15ull) - 8,
				      .use_args = 1, .arg = { arg } };
	strncpy(st.task_name, "hostile", sizeof st.task_name);
	return task_create(&st);
}

/* n tasks, each yielding 30 times on CPU cpu, then exiting with 40 + i:
 * 1 if every one ran to its end. */
static int run_tasks(int n, uint32_t cpu)
{
	uint8_t *stacks[4];
	long tid[4];
	int good = 0;
	for (int i = 0; i < n; i++)
		tid[i] = thread(exiter, 40 + i, cpu, &stacks[i]);
	for (int i = 0; i < n; i++) {
		struct lwk_task_status s;
		memset(&s, 0xff, sizeof s);
		if (task_wait(&s) != 0)
			continue;
		for (int j = 0; j < n; j++)
			good += s.tid == (uint32_t)tid[j] && s.kind == LWK_EXIT_NORMAL && s.code == 40 + j;
	}
	for (int i = 0; i < n; i++)
		munmap(stacks[i], 16384);
	return good == n;
}

/* ---- frames: both nodes run the same steps, so each exchange pairs up */

static uint64_t sent_seq, recv_seq;

/* k messages each way on endpoint ep: how many came back in order. */
static int exchange(uint32_t ep, int k)
{
	int good = 0;
	for (int i = 0; i < k; i++) {
		uint64_t out = sent_seq++, in = ~0ull;
		struct lwk_net_msg m;
		if (net_send(peer, ep, &out, sizeof out, 1) != 0)
			continue;
		long n = net_recv(ep, &in, sizeof in, &m, WAIT_NS);
		good += n == sizeof in && in == recv_seq && m.src == peer;
		recv_seq++;
	}
	return good;
}

/* ---- one case ---- */

/* Fire the hook as the node would; 1 if the kernel's default was seen. */
static int fire(const struct hcase *c, uint32_t ep, const char **what)
{
	static char line[128];
	struct lwk_net_info a = net_info_now(), b;
	int good;
	switch (c->hook) {
	case H_SCHED:
		/* Waking our own blocked task: from the picks of the CPU it
		 * blocked on (the application's main task: CPU 0). */
		*what = "the default scheduler ran both tasks to their end";
		return run_tasks(2, c->mode == M_WAKE_OWN ? 0 : ncpu_run);
	case H_TRAP:
		*what = "getpid gave the real pid";
		return getpid() == real_pid;
	case H_IRQ:
		good = exchange(ep, PINGS);
		b = net_info_now();
		*what = "the NIC's handler took its interrupts: every frame arrived";
		return good == PINGS && b.irq_mode && b.irqs > a.irqs;
	case H_NET:
		good = exchange(ep, PINGS);
		b = net_info_now();
		snprintf(line, sizeof line, "every frame was delivered to the endpoint "
			 "(%d of %d in order; delivered +%llu, hook faults +%llu)", good, PINGS,
			 (unsigned long long)(b.delivered - a.delivered),
			 (unsigned long long)(b.hook_faults - a.hook_faults));
		*what = line;
		/* net_recv got them: delivered.  (The peer's first may have
		 * been delivered before a was read.) */
		return good == PINGS && (!strcmp(c->fault, "NONE") || b.hook_faults > a.hook_faults);
	}
	return 0;
}

/* XCALL rows: the importer works through h_prov, then h_prov is removed
 * while the importer stays attached (and fires, on the other CPU or the
 * network). */
static int remove_provider(const struct hcase *c, long hp, uint32_t ep)
{
	int works = 1;
	if (c->hook == H_TRAP)
		works = getpid() == 4242;          /* h_prov.twice(2121) */
	if (c->hook == H_IRQ || c->hook == H_NET)
		works = exchange(ep, 1) == 1;
	return works && nx_remove(hp) == 0;
}

static void run_case(const struct hcase *c)
{
	char name[96];
	struct lwk_nx_stats st;
	int net = c->hook == H_IRQ || c->hook == H_NET;
	uint32_t ep = c->trust == TRUSTED ? EP_PCT : EP_CHILD;
	uint64_t arg = c->mode == M_HELPER && c->hook == H_NET ? EP_FOREIGN :
		       c->mode == M_WAKE_OWN ? (uint64_t)gettid() : pct_tid;
	snprintf(name, sizeof name, "%s, %s, %s", hook_name[c->hook], c->what,
		 c->trust == TRUSTED ? "trusted" : "untrusted");
	long hp = c->mode == M_XCALL ? insert("h_prov.nx", 0, 0, UNTRUSTED) : 0;
	long h = insert(c->mode == M_XCALL ? xcall_obj[c->hook] : hook_obj[c->hook], c->mode, arg,
			c->trust);
	if (net)                       /* both nodes have it inserted from here on */
		exchange(ep, 1);
	if (c->mode == M_XCALL)
		ok(hp > 0 && h > 0 && remove_provider(c, hp, ep),
		   "%s: the import answered, then its provider was removed", name);
	const char *what = "";
	int dflt = fire(c, ep, &what);
	memset(&st, 0, sizeof st);
	long rc = h > 0 ? nx_stats(h, &st) : h;
	int none = !strcmp(c->fault, "NONE");
	/* A run the runaway stop ends is counted when the stop lands: up to
	 * two watchdog ticks after the tasks above ran on the other CPUs, and
	 * later still when TCG's host is busy.  Wait for it (at most 2 s). */
	for (int ms = 0; !none && rc == 0 && st.runs == 0 && ms < 2000; ms++) {
		nanosleep_ns(1000000);
		rc = nx_stats(h, &st);
	}
	ok(rc == 0 && fault_is(fault_name(st.last_fault), c->fault) && st.runs > 0 &&
	   (none ? st.faults == 0 : st.faults > 0),
	   "%s: reads back fault %s (got %s, %llu faults in %llu runs)", name, c->fault,
	   fault_name(st.last_fault), (unsigned long long)st.faults, (unsigned long long)st.runs);
	ok(dflt, "%s: default in effect: %s", name, what);
	ok(h > 0 && nx_remove(h) == 0 && run_tasks(1, ncpu_run), "%s: removed; a new task runs and exits",
	   name);
}

/* ---- the application's extra rows ---- */

/* An untrusted trap extension faulting on every getpid is ejected after
 * NX_EJECT_FAULTS faults: it stops running, getpid stays right. */
static void eject_check(void)
{
	long h = insert("h_trap.nx", M_DIV0, 0, UNTRUSTED);
	int right = 0;
	for (int i = 0; i < EJECT_FAULTS + 4; i++)
		right += getpid() == real_pid;
	struct lwk_nx_stats st;
	memset(&st, 0, sizeof st);
	long rc = h > 0 ? nx_stats(h, &st) : h;
	ok(rc == 0 && st.runs == EJECT_FAULTS && st.faults == EJECT_FAULTS && right == EJECT_FAULTS + 4,
	   "trap: ejected after %d faults: %d getpids all real, the extension ran %llu times",
	   EJECT_FAULTS, EJECT_FAULTS + 4, (unsigned long long)st.runs);
	nx_remove(h);
}

/* Helpers on what another owner has: the kernel's helpers answer -errno
 * (no fault), which the extension hands back in ctx.ret. */
static void helper_rows(void)
{
	long h = insert("h_help.nx", 0, 0, UNTRUSTED);
	ok(h > 0 && nimble_call(1, shared->pct_tid, NULL, 0, NULL, 0) == -LWK_ESRCH,
	   "helper task_wake of the PCT's task: refused with -ESRCH");
	ok(h > 0 && nimble_call(2 + 256 * (long)peer, EP_FOREIGN, NULL, 0, NULL, 0) == -LWK_EPERM,
	   "helper net_send from the PCT's endpoint: refused with -EPERM");
	struct lwk_nx_stats st;
	ok(h > 0 && nx_stats(h, &st) == 0 && st.faults == 0 && st.runs == 2 && nx_remove(h) == 0,
	   "the refused helpers did not fault the extension");
	/* extc refuses net_send outside trap and net_rx; the object is built
	 * on trap(0) and moved to irq(0x50) here: the kernel must refuse. */
	struct lwk_nx_error err = { .msg = "" };
	long len = prepare("h_irq_send.nx", 0, 0, UNTRUSTED);
	const struct nx_header *hd = (const void *)objbuf;
	struct nx_section *s = (void *)(objbuf + hd->sect_off);
	int moved = 0;
	for (uint32_t i = 0; len > 0 && i < hd->nsect; i++)
		if (s[i].kind == NX_SECT_HOOKS && s[i].count == 1) {
			struct nx_hook *hk = (void *)(objbuf + s[i].off);
			hk->hook = NX_HOOK_IRQ;
			hk->arg = LWK_VEC_NIC;
			moved = 1;
		}
	h = moved ? nx_insert(objbuf, len, &err) : -1;
	ok(moved && h < 0 && find((const uint8_t *)err.msg, sizeof err.msg, "net_send"),
	   "net_send from an irq hook: the kernel's verifier refuses the insert (%ld: %s)", h, err.msg);
	if (h > 0)
		nx_remove(h);
}

static int child_main(uint8_t *heap)
{
	shared = (struct shared *)(heap + SHARED_OFF);
	tap_n = shared->tap_n;
	peer = shared->peer;
	pct_tid = shared->pct_tid;
	net_open(EP_CHILD, ep_mem[0], sizeof ep_mem[0]);
	for (unsigned i = 0; i < NCASES; i++)
		if (cases[i].trust == UNTRUSTED)
			run_case(&cases[i]);
	eject_check();
	helper_rows();
	shared->tap_n = tap_n;
	shared->tap_failed = tap_failed;
	return 0;
}

/* ---- the PCT ---- */

/* Start the application with the objects in its heap; take its results. */
static void run_application(void)
{
	uint8_t *img;
	long len = module_find("pct", &img);
	struct spawn sp;
	static const char *const argv[] = { "hostile", NULL }, *const envp[] = { NULL };
	int loaded = len > 0 && elf_load_args(img, len, "hostile", 1, 0, 0, CHILD, 1 << 20, argv,
					      envp, &sp) == 0;
	ok(loaded, "elf_load_args the hostile application");
	if (!loaded)
		return;
	uint8_t *heap = sp.window + sp.heap;
	struct pct_objects *tab = (struct pct_objects *)heap;
	uint64_t off = PCT_OBJ_FIRST;
	tab->count = 0;
	for (unsigned i = 0; i < sizeof objects / sizeof objects[0]; i++) {
		const uint8_t *o;
		long n = object(objects[i], &o);
		if (n <= 0)
			continue;
		struct pct_object *e = &tab->obj[tab->count++];
		strlcpy(e->name, objects[i], sizeof e->name);
		e->offset = off;
		e->len = n;
		memcpy(heap + off, o, n);
		off += (n + 4095) & ~4095ull;
	}
	struct shared *sh = (struct shared *)(heap + SHARED_OFF);
	*sh = (struct shared){ .pct_tid = pct_tid, .peer = peer, .tap_n = tap_n };
	struct lwk_task_status s;
	memset(&s, 0xff, sizeof s);
	ok(spawn_start(&sp) == 0 && task_wait(&s) == 0, "the application started and ended");
	tap_n = sh->tap_n;
	tap_failed += sh->tap_failed;
	ok(s.tid == sp.tid && s.kind == LWK_EXIT_NORMAL && s.code == 0,
	   "the application ran every untrusted row and exited (kind %u code %d)", s.kind, s.code);
	long freed = -LWK_EBUSY;
	for (int i = 0; i < 1000 && freed == -LWK_EBUSY; i++)
		if ((freed = spawn_free(&sp)) == -LWK_EBUSY)
			nanosleep_ns(1000000);
	ok(freed > 0, "spawn_free of the application");
}

/* Free what removed extensions left for their grace period: a junk
 * insert reaps before it fails. */
static void settle(void)
{
	static uint8_t junk[64] = "not an extension";
	struct lwk_nx_error err;
	nanosleep_ns(20000000);
	nx_insert(junk, sizeof junk, &err);
}

/* 1 MiB extensions under new names until kmem runs out; then all removed. */
static void kmem_exhaustion(void)
{
	long hp = insert("h_kprobe.nx", 0, 0, TRUSTED);
	settle();
	long before = hp > 0 ? nimble_call(0, 0, NULL, 0, NULL, 0) : -1;
	long h[64], rc = 0;
	struct lwk_nx_error err = { .msg = "" };
	int n = 0;
	while (n < 64) {
		long len = prepare("h_kbig.nx", 0, 0, UNTRUSTED);
		char want[] = "h_kbig_aa";
		uint8_t *p = len > 0 ? (uint8_t *)find(objbuf, len, want) : NULL;
		if (!p)
			break;
		p[7] = (uint8_t)('a' + n / 26), p[8] = (uint8_t)('a' + n % 26);
		if ((rc = nx_insert(objbuf, len, &err)) <= 0)
			break;
		h[n++] = rc;
	}
	ok(rc == -LWK_ENOMEM && n > 4 && n < 62 && err.msg[0],
	   "inserting 1 MiB extensions: kmem ran out after %d with ENOMEM (%ld: %s)", n, rc, err.msg);
	long mid = hp > 0 ? nimble_call(0, 0, NULL, 0, NULL, 0) : -1;
	int removed = 0;
	for (int i = 0; i < n; i++)
		removed += nx_remove(h[i]) == 0;
	settle();
	long after = hp > 0 ? nimble_call(0, 0, NULL, 0, NULL, 0) : -1;
	printf("# kmem in use: %ld before, %ld full, %ld after\n", before, mid, after);
	ok(before > 0 && removed == n && after == before,
	   "removing all %d returns kmem to exactly where it began", n);
	ok(hp > 0 && nx_remove(hp) == 0 && run_tasks(2, ncpu_run), "the node still schedules");
}

int main(int argc, char **argv, uint64_t arg0)
{
	(void)argc, (void)argv;
	self = getpid();
	real_pid = self;
	ncpu_run = cpu_count() > 1 ? 1 : 0;
	if (arg0 == CHILD)
		return child_main((uint8_t *)brk(0));
	pct_tid = (uint32_t)gettid();
	struct lwk_net_info ni = net_info_now();
	if (ni.nnodes != 2) {
		printf("1..0 # SKIP needs a 2-node cluster (nnodes %u)\n", ni.nnodes);
		return 1;
	}
	peer = ni.rank ^ 1;
	ok(net_open(EP_PCT, ep_mem[1], sizeof ep_mem[1]) == 0 &&
	   net_open(EP_FOREIGN, ep_mem[2], sizeof ep_mem[2]) == 0, "the PCT's endpoints are open");
	run_application();
	for (unsigned i = 0; i < NCASES; i++)
		if (cases[i].trust == TRUSTED)
			run_case(&cases[i]);
	kmem_exhaustion();
	printf("# %d of %d failed\n", tap_failed, tap_n);
	return tap_done();
}

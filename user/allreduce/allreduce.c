/*
 * The allreduce application (one per node, started by the PCT): the sum
 * of int64 vectors over all nodes, ITERS times, done two ways on the
 * same cluster — by the user task with plain messages (endpoint 1), and
 * by ext-examples/allreduce.nx combining in the kernel (endpoint 2) —
 * then both results are checked and the message counts, user wake-ups,
 * rounds and the time ratio printed.  Before that it checks the network
 * calls' argument validation, and after it that a faulting net_rx
 * extension leaves delivery to the kernel (endpoint 3).
 *
 * Output is TAP-like ("ok N - ...", "not ok N - ..."), one block per
 * node; the exit status is 0 only if every check passed.
 */
#include "ulib.h"
#include "utap.h"
#include <uapi/pct_abi.h>
#include <nimble/isa.h>      /* NX_FAULT_* */
#include "lwknet.h"

#define K        16              /* elements per vector        */
#define ITERS    32              /* allreduces per mode        */
#define RMAX     4               /* up to 16 nodes             */
#define EP_PLAIN 1
#define EP_OFF   2
#define EP_FAULT 3
#define WAIT_NS  (10ull * 1000 * 1000 * 1000)

/* Endpoint 2's memory: the layout ext-examples/allreduce.ext documents. */
#define OUT  8
#define IN   (OUT + K + 1)
#define RES  (IN + ITERS * K)
#define GOT  (RES + ITERS * K)
#define SLOT (GOT + ITERS)
#define OFF_WORDS (SLOT + ITERS * RMAX * (K + 1))

static int64_t off_mem[OFF_WORDS] __attribute__((aligned(4096)));
static int64_t plain_mem[8] __attribute__((aligned(64)));
static int64_t fault_mem[8] __attribute__((aligned(64)));
/* Plain allreduces 0..ITERS-1 are timed; ITERS is a warm-up that absorbs
 * the nodes' boot skew, ITERS + 1 a barrier before the offload's timing. */
#define WARMUP  ITERS
#define BARRIER (ITERS + 1)
static int64_t plain_res[ITERS + 2][K];
static int64_t stash[ITERS + 2][RMAX][K];
static uint8_t have[ITERS + 2][RMAX];

static uint32_t rank, nnodes, rounds;

static void check(int good, const char *what, long got)
{
	ok(good, "node %u: %s (got %ld)", rank, what, got);
}

static int64_t input(uint32_t r, int it, int j)
{
	int64_t v = (int64_t)(r + 1) * 1000 + it * 10 + j;
	return (r & 1) ? -v : v;
}

static int64_t expected(int it, int j)
{
	int64_t s = 0;
	for (uint32_t r = 0; r < nnodes; r++)
		s += input(r, it, j);
	return s;
}

static uint64_t now_ns(void)
{
	uint64_t t = 0;
	clock_gettime_ns(&t);
	return t;
}

/* Bad arguments are refused with the documented error, nothing sent. */
static void check_args(void)
{
	static int64_t buf[4];
	check(net_open(LWK_NET_EP_MAX, plain_mem, 64) == -LWK_EINVAL, "net_open: endpoint out of range", 0);
	check(net_open(5, (void *)16, 64) == -LWK_EFAULT, "net_open: unmapped memory", 0);
	check(net_open(5, (void *)0xffff800000000000ull, 64) == -LWK_EFAULT, "net_open: kernel memory", 0);
	check(net_open(5, (uint8_t *)plain_mem + 1, 8) == -LWK_EINVAL, "net_open: misaligned memory", 0);
	check(net_open(5, plain_mem, 0) == -LWK_EINVAL, "net_open: zero length", 0);
	check(net_send(rank, EP_PLAIN, buf, 8, 0) == -LWK_EINVAL, "net_send: to itself", 0);
	check(net_send(nnodes + 3, EP_PLAIN, buf, 8, 0) == -LWK_EINVAL, "net_send: no such node", 0);
	check(net_send(rank ^ 1, EP_PLAIN, buf, LWK_NET_PAYLOAD_MAX + 1, 0) == -LWK_EINVAL,
	      "net_send: too long", 0);
	check(net_send(rank ^ 1, EP_PLAIN, (void *)16, 8, 0) == -LWK_EFAULT, "net_send: bad buffer", 0);
	check(net_send(rank ^ 1, 9, buf, 8, 0) == -LWK_EPERM, "net_send: endpoint not ours", 0);
	check(net_recv(9, buf, 8, NULL, 0) == -LWK_EPERM, "net_recv: endpoint not ours", 0);
	check(net_recv(EP_PLAIN, (void *)16, 8, NULL, 0) == -LWK_EFAULT, "net_recv: bad buffer", 0);
	check(net_open(4, fault_mem, sizeof fault_mem) == 0, "endpoint 4 opened (no one sends to it)", 0);
	check(net_recv(4, buf, 8, NULL, 0) == -LWK_EAGAIN, "net_recv: nothing there, no wait", 0);
	check(net_info(NULL) == -LWK_EFAULT, "net_info: bad pointer", 0);
}

/* Wait until the contribution for (it, r) is stashed; others are stashed
 * as they come (a partner of a later round may be ahead of us). */
static int plain_wait(int it, uint32_t r)
{
	int64_t msg[K + 1];
	struct lwk_net_msg m;
	while (!have[it][r]) {
		long n = net_recv(EP_PLAIN, msg, sizeof msg, &m, WAIT_NS);
		if (n != (long)sizeof msg) {
			struct lwk_net_info i = net_info_now();
			printf("allreduce: node %u: plain recv: %s (len %ld); rx data %llu, acks %llu, "
			       "not for us %llu, echoes %llu, malformed %llu, no endpoint %llu\n", rank,
			       n < 0 ? strerror(n) : "wrong length", n, (unsigned long long)i.rx_data,
			       (unsigned long long)i.rx_ack, (unsigned long long)i.not_for_us,
			       (unsigned long long)i.echoes, (unsigned long long)i.malformed,
			       (unsigned long long)i.no_endpoint);
			return -1;
		}
		int64_t i = msg[0] / 16, rr = msg[0] % 16;
		if (i < 0 || i > BARRIER || rr < 0 || rr >= rounds) {
			printf("allreduce: node %u: plain recv: bad tag %lld\n", rank, (long long)msg[0]);
			return -1;
		}
		memcpy(stash[i][rr], msg + 1, sizeof stash[i][rr]);
		have[i][rr] = 1;
	}
	return 0;
}

/* Recursive doubling by the user task: one wake-up per round. */
static int plain_allreduce(int it)
{
	int64_t msg[K + 1];
	for (int j = 0; j < K; j++)
		plain_res[it][j] = input(rank, it, j);
	for (uint32_t r = 0; r < rounds; r++) {
		msg[0] = it * 16 + r;
		memcpy(msg + 1, plain_res[it], sizeof plain_res[it]);
		long rc = net_send(rank ^ (1u << r), EP_PLAIN, msg, sizeof msg, 0);
		if (rc < 0 || plain_wait(it, r) < 0) {
			printf("allreduce: node %u: plain round %u: %s\n", rank, r, strerror(rc));
			return -1;
		}
		for (int j = 0; j < K; j++)
			plain_res[it][j] += stash[it][r][j];
	}
	return 0;
}

static const struct pct_object *object(const struct pct_objects *tab, const char *name)
{
	for (uint64_t i = 0; i < tab->count && i < PCT_MAX_OBJECTS; i++)
		if (!strcmp(tab->obj[i].name, name))
			return &tab->obj[i];
	return NULL;
}

static long insert(const uint8_t *heap, const struct pct_objects *tab, const char *name)
{
	const struct pct_object *o = object(tab, name);
	struct lwk_nx_error err;
	if (!o) {
		printf("allreduce: the PCT gave us no %s (%llu objects:", name,
		       (unsigned long long)tab->count);
		for (uint64_t i = 0; i < tab->count && i < PCT_MAX_OBJECTS; i++)
			printf(" %s", tab->obj[i].name);
		printf(")\n");
		return -LWK_ENOENT;
	}
	long h = nx_insert(heap + o->offset, o->len, &err);
	if (h < 0)
		printf("allreduce: nx_insert %s: %s: %s\n", name, strerror(h), err.msg);
	return h;
}

/* The offload, set up: fill endpoint 2's memory, insert the extension,
 * open the endpoint (in that order: a contribution arriving from a node
 * already running finds the extension in place; before the open it is not
 * acknowledged and comes again).  The handle or -errno. */
static long offload_prepare(const uint8_t *heap, const struct pct_objects *tab)
{
	off_mem[0] = K;
	off_mem[1] = rounds;
	off_mem[2] = ITERS;
	for (int it = 0; it < ITERS; it++)
		for (int j = 0; j < K; j++)
			off_mem[IN + it * K + j] = input(rank, it, j);
	memcpy(off_mem + OUT + 1, off_mem + IN, K * sizeof(int64_t));
	long h = insert(heap, tab, "allreduce.nx");
	if (h < 0)
		return h;
	long rc = net_open(EP_OFF, off_mem, sizeof off_mem);
	if (rc < 0) {
		nx_remove(h);
		return rc;
	}
	return h;
}

/* The offload, run: send round 0 of the first allreduce; the extension
 * does the rest.  Round 0 carries this node's input, copied from IN, not
 * the accumulator: with interrupt-driven receive the partner's round 0
 * may already have been combined into the accumulator (and round 1 sent)
 * before this call.  Returns the user wake-ups, or -errno. */
static long offload_go(void)
{
	long rc, wakeups = 0;
	int64_t first[K + 1];
	first[0] = 0;                        /* tag: iteration 0, round 0 */
	memcpy(first + 1, off_mem + IN, K * sizeof(int64_t));
	if ((rc = net_send(rank ^ 1, EP_OFF, first, sizeof first, 0)) < 0)
		return rc;
	while (off_mem[6] < ITERS) {
		int64_t msg[K + 1];
		if ((rc = net_recv(EP_OFF, msg, sizeof msg, NULL, WAIT_NS)) < 0)
			return rc;
		wakeups++;
	}
	return wakeups;
}

/*
 * Extensions that fail in the NIC's interrupt: net_fault.nx faults and
 * net_spin.nx loops until fuel or the runaway stop ends it on every frame
 * for endpoint 3, so each of
 * PINGS messages is delivered to the user as if no extension were there;
 * irq_fault.nx divides by zero on every NIC interrupt and must be ejected
 * after NX_EJECT_FAULTS faults, the network going on meanwhile.
 */
#define PINGS 12
static void fault_test(const uint8_t *heap, const struct pct_objects *tab, int irq_mode)
{
	long h = insert(heap, tab, "net_fault.nx");
	long hs = insert(heap, tab, "net_spin.nx");
	long hi = insert(heap, tab, "irq_fault.nx");
	check(h > 0 && hs > 0 && hi > 0, "faulting net_rx and irq extensions inserted", h);
	check(net_open(EP_FAULT, fault_mem, sizeof fault_mem) == 0, "endpoint 3 opened", 0);
	int good = 0;
	for (int i = 0; i < PINGS; i++) {
		int64_t out[2] = { 0xfa17 + i, rank }, in[2] = { 0, 0 };
		struct lwk_net_msg m;
		if (net_send(rank ^ 1, EP_FAULT, out, sizeof out, 7) != 0)
			break;
		long n = net_recv(EP_FAULT, in, sizeof in, &m, WAIT_NS);
		good += n == sizeof in && in[0] == 0xfa17 + i && in[1] == (rank ^ 1) &&
			m.src == (rank ^ 1) && m.type == 7;
	}
	check(good == PINGS, "failing extensions: every message delivered by default", good);
	struct lwk_nx_stats st, ss, si;
	long rc = h > 0 ? nx_stats(h, &st) : h;
	check(rc == 0 && st.faults >= 1, "the net_rx fault was counted", rc == 0 ? (long)st.faults : rc);
	/* Fuel or the runaway stop's budget, whichever it reaches first:
	 * under TCG the budget (nx_budget_us) usually comes first. */
	rc = hs > 0 ? nx_stats(hs, &ss) : hs;
	check(rc == 0 && ss.faults >= 1 &&
	      (ss.last_fault == NX_FAULT_FUEL || ss.last_fault == NX_FAULT_TIME),
	      "the spinning net_rx extension was stopped (FUEL or TIME)", rc == 0 ? (long)ss.faults : rc);
	if (rc == 0)
		printf("allreduce: node %u: net_spin stopped %llu times: %llu out of fuel, the rest TIME\n",
		       rank, (unsigned long long)ss.faults, (unsigned long long)ss.aborted_fuel);
	rc = hi > 0 ? nx_stats(hi, &si) : hi;
	if (irq_mode)
		/* Under an interrupt storm most frames are drained by the timer:
		 * fewer than 8 NIC interrupts (even none) may land while this runs. */
		check(rc == 0 && si.runs <= 8 && si.faults == si.runs,
		      "irq extension faulting in every NIC interrupt: each run a fault, ejected by 8",
		      rc ? rc : (long)si.runs);
	else
		check(rc == 0 && si.runs == 0, "polled: the irq extension never ran", rc ? rc : (long)si.runs);
	if (h > 0)
		nx_remove(h);
	if (hs > 0)
		nx_remove(hs);
	if (hi > 0)
		nx_remove(hi);
}

/*
 * ext-examples/irq_count.nx, inserted at the start, on this ordinary node:
 * in interrupt mode it must have seen NIC interrupts (no more than the
 * kernel took since), filed each but the last in its histogram, and
 * counted the DATA frames of our endpoints; polled, no interrupt at all.
 */
static void irq_count_check(long h, const struct lwk_net_info *before)
{
	int64_t c[8];
	memset(c, 0, sizeof c);
	/* The counts first: every interrupt the extension saw has then been
	 * counted by the kernel too (its handler ran to the end). */
	long rc = h > 0 ? nimble_call(0, 0, c, sizeof c, NULL, 0) : h;
	struct lwk_net_info now = net_info_now();
	uint64_t irqs = now.irqs - before->irqs;
	int64_t filed = c[2] + c[3] + c[4] + c[5] + c[6];
	check(rc == 0 && c[1] > 0, "irq_count: the frames of our endpoints counted", rc ? rc : c[1]);
	if (now.irq_mode) {
		/* None at all only if the kernel took none either (a storm's
		 * backlog drained by the timer throughout). */
		check((c[0] > 0 || irqs == 0) && (uint64_t)c[0] <= irqs, "irq_count: saw the NIC's interrupts",
		      (long)c[0]);
		check(filed == (c[0] > 0 ? c[0] - 1 : 0), "irq_count: every interrupt but the last filed",
		      (long)filed);
	} else {
		check(c[0] == 0, "irq_count: polled: no NIC interrupt", (long)c[0]);
	}
	printf("allreduce: node %u: irq_count: %lld NIC interrupts (kernel: %llu), %lld frames; "
	       "interrupts bringing 0/1/2/3/4+ frames: %lld %lld %lld %lld %lld, at most %lld\n",
	       rank, (long long)c[0], (unsigned long long)irqs, (long long)c[1], (long long)c[2],
	       (long long)c[3], (long long)c[4], (long long)c[5], (long long)c[6], (long long)c[7]);
	if (h > 0)
		nx_remove(h);
}

static unsigned long long mean(uint64_t sum, uint64_t n) { return n ? sum / n : 0; }

/*
 * PINGS round trips with the partner on endpoint 1 while the empty irq
 * extension is on the NIC's vector: the first interrupts ever taken with
 * an irq extension attached (irq_cost_*[1] in net_info).
 */
static void irq_empty_phase(const uint8_t *heap, const struct pct_objects *tab)
{
	long h = insert(heap, tab, "irq_empty.nx");
	int good = 0;
	for (int i = 0; i < PINGS && h > 0; i++) {
		int64_t out = 0xe0 + i, in = 0;
		good += net_send(rank ^ 1, EP_PLAIN, &out, 8, 9) == 0 &&
			net_recv(EP_PLAIN, &in, 8, NULL, WAIT_NS) == 8 && in == 0xe0 + i;
	}
	check(h > 0 && good == PINGS, "empty irq extension: ping-pong", good);
	if (h > 0)
		nx_remove(h);
}

/* The per-hop critical path (docs/net.md) of the plain and the offloaded
 * allreduce, and what a NIC interrupt costs (with nothing on the NIC's
 * vector, and with irq_empty.nx: e is taken right after irq_empty_phase):
 * TSC ticks, which are guest instructions under QEMU -icount shift=0
 * (make netbench). */
static void print_costs(const struct lwk_net_info *e)
{
	printf("allreduce: node %u: hop (NIC interrupt to next doorbell): plain n %llu min %llu "
	       "mean %llu, offload n %llu min %llu mean %llu\n", rank,
	       (unsigned long long)e->hop_n[EP_PLAIN], (unsigned long long)e->hop_min[EP_PLAIN],
	       mean(e->hop_sum[EP_PLAIN], e->hop_n[EP_PLAIN]),
	       (unsigned long long)e->hop_n[EP_OFF], (unsigned long long)e->hop_min[EP_OFF],
	       mean(e->hop_sum[EP_OFF], e->hop_n[EP_OFF]));
	printf("allreduce: node %u: NIC interrupt (irq_common to EOI): no extension n %llu min %llu "
	       "mean %llu, empty irq extension n %llu min %llu mean %llu\n", rank,
	       (unsigned long long)e->irq_cost_n[0], (unsigned long long)e->irq_cost_min[0],
	       mean(e->irq_cost_sum[0], e->irq_cost_n[0]),
	       (unsigned long long)e->irq_cost_n[1], (unsigned long long)e->irq_cost_min[1],
	       mean(e->irq_cost_sum[1], e->irq_cost_n[1]));
}

/*
 * Compute first, in STORM_CHUNKS chunks, and report what the NIC did
 * meanwhile.  Under tests/net/inject's flood (cluster_test.sh's storm run)
 * the kernel must bound its work per interrupt (drains cut at the budget
 * and finished by its timer) and this loop still finish; the chunk times
 * show how much of the CPU the application kept.
 */
#define STORM_CHUNKS 20
#define STORM_ITERS  (2 * 1000 * 1000)
static void compute_under_storm(void)
{
	struct lwk_net_info a = net_info_now();
	uint64_t t0 = now_ns(), slowest = 0;
	volatile uint64_t x = 0;
	for (int c = 0; c < STORM_CHUNKS; c++) {
		uint64_t c0 = now_ns();
		for (uint64_t i = 0; i < STORM_ITERS; i++)
			x += i;
		uint64_t d = now_ns() - c0;
		slowest = d > slowest ? d : slowest;
	}
	(void)x;
	struct lwk_net_info b = net_info_now();
	printf("allreduce: node %u: compute: %d chunks in %llu us, slowest %llu us; meanwhile %llu NIC "
	       "interrupts, %llu frames drained in them and %llu by the timer, %llu drains cut at "
	       "the budget\n", rank, STORM_CHUNKS,
	       (unsigned long long)((now_ns() - t0) / 1000), (unsigned long long)(slowest / 1000),
	       (unsigned long long)(b.irqs - a.irqs), (unsigned long long)(b.irq_frames - a.irq_frames),
	       (unsigned long long)(b.timer_frames - a.timer_frames),
	       (unsigned long long)(b.rx_deferred - a.rx_deferred));
}

int main(int argc, char **argv, uint64_t arg0)
{
	(void)argc, (void)argv;
	uint8_t *heap = (uint8_t *)brk(0);
	const struct pct_objects *tab = (const void *)heap;
	struct lwk_net_info i0 = net_info_now();
	if (arg0 != PCT_ARG_APP || net_info(&i0) < 0) {
		printf("allreduce: not started by the PCT, or no network\n");
		return 2;
	}
	rank = i0.rank;
	nnodes = i0.nnodes;
	while ((1u << rounds) < nnodes)
		rounds++;
	if (nnodes < 2 || (1u << rounds) != nnodes || rounds > RMAX) {
		printf("allreduce: needs a power of two 2..16 nodes, have %u\n", nnodes);
		return 2;
	}
	printf("allreduce: node %u of %u, %u rounds, %d x %d int64 per allreduce\n", rank, nnodes,
	       rounds, ITERS, K);
	compute_under_storm();
	check(net_open(EP_PLAIN, plain_mem, sizeof plain_mem) == 0, "endpoint 1 opened", 0);
	check_args();

	int bad = plain_allreduce(WARMUP);
	struct lwk_net_info a = net_info_now();
	uint64_t t0 = now_ns();
	for (int it = 0; it < ITERS && !bad; it++)
		bad = plain_allreduce(it);
	uint64_t t_plain = now_ns() - t0;
	struct lwk_net_info b = net_info_now();
	int ok = !bad;
	for (int it = 0; it < ITERS; it++)
		for (int j = 0; j < K; j++)
			ok &= plain_res[it][j] == expected(it, j);
	check(ok, "plain allreduce: every sum correct", bad);

	/* A barrier first, so that the timing starts together on every node.
	 * Insert, open and send may then be interleaved with arrivals in any
	 * way: round 0 is sent from a copy of the input (offload_go). */
	check(plain_allreduce(BARRIER) == 0, "barrier before the offload", 0);
	struct lwk_net_info b2 = net_info_now();
	uint64_t t1 = now_ns();
	long h = offload_prepare(heap, tab);
	long wake = h > 0 ? offload_go() : h;
	uint64_t t_off = now_ns() - t1;
	struct lwk_net_info c = net_info_now();
	ok = h > 0 && wake > 0;
	for (int it = 0; it < ITERS; it++)
		for (int j = 0; j < K; j++)
			ok &= off_mem[RES + it * K + j] == expected(it, j);
	check(ok, "offload allreduce: every sum correct", h);
	check(off_mem[5] == ITERS * rounds - 1 && off_mem[7] == 0,
	      "offload: the extension sent every other round's message", (long)off_mem[5]);
	check(wake >= 1 && wake <= ITERS, "offload: at most one user wake-up per allreduce", wake);
	printf("allreduce: node %u: plain: %llu messages sent, %llu user wake-ups, %u rounds x %d\n",
	       rank, (unsigned long long)(b.tx_data - a.tx_data),
	       (unsigned long long)(b.user_wakeups - a.user_wakeups), rounds, ITERS);
	printf("allreduce: node %u: offload: %llu messages sent (%lld by the extension), "
	       "%ld user wake-ups, %u rounds x %d\n", rank, (unsigned long long)(c.tx_data - b2.tx_data),
	       (long long)off_mem[5], wake, rounds, ITERS);
	printf("allreduce: node %u: time plain/offload = %llu.%02llu (retransmits: plain %llu, "
	       "offload %llu)\n", rank, (unsigned long long)(t_plain / (t_off ? t_off : 1)),
	       (unsigned long long)(t_plain * 100 / (t_off ? t_off : 1) % 100),
	       (unsigned long long)(b.retransmits - a.retransmits),
	       (unsigned long long)(c.retransmits - b2.retransmits));
	if (h > 0)
		nx_remove(h);

	irq_empty_phase(heap, tab);
	struct lwk_net_info costs = net_info_now();
	/* irq_count watches the fault test's traffic: inserted after the
	 * offload, so that make netbench's hops do not include it. */
	struct lwk_net_info i_ins = net_info_now();
	long h_irq = insert(heap, tab, "irq_count.nx");
	check(h_irq > 0, "irq_count extension inserted", h_irq);
	fault_test(heap, tab, (int)i_ins.irq_mode);
	irq_count_check(h_irq, &i_ins);
	long fl = net_flush(500ull * 1000 * 1000);
	check(fl == 0, "flush: every message acknowledged", fl);
	int64_t b1;
	check(net_close(EP_FAULT) == 0, "endpoint 3 closed", 0);
	check(net_close(EP_FAULT) == -LWK_EPERM && net_recv(EP_FAULT, &b1, 8, NULL, 0) == -LWK_EPERM &&
	      net_close(LWK_NET_EP_MAX) == -LWK_EINVAL, "closed: not ours any more; bad id EINVAL", 0);
	/* Endpoints 1 and 2 stay open: the kernel closes them when we end
	 * (the PCT checks none is left open). */
	struct lwk_net_info e = net_info_now();
	printf("allreduce: node %u: totals: data tx %llu rx %llu, acks tx %llu rx %llu, retransmits %llu, "
	       "dup %llu, out of order %llu, no endpoint %llu, full %llu, echoes %llu, malformed %llu, "
	       "consumed by extensions %llu, extension faults %llu, injected drops %llu\n", rank,
	       (unsigned long long)e.tx_data, (unsigned long long)e.rx_data,
	       (unsigned long long)e.tx_ack, (unsigned long long)e.rx_ack,
	       (unsigned long long)e.retransmits, (unsigned long long)e.dup,
	       (unsigned long long)e.out_of_order, (unsigned long long)e.no_endpoint,
	       (unsigned long long)e.ep_full, (unsigned long long)e.echoes,
	       (unsigned long long)e.malformed, (unsigned long long)e.hook_consumed,
	       (unsigned long long)e.hook_faults, (unsigned long long)e.injected_drops);
	printf("allreduce: node %u: receive %s: %llu NIC interrupts, %llu frames in them, "
	       "%llu drains cut at the budget, %llu timer runs draining %llu frames\n", rank,
	       e.irq_mode ? "interrupt-driven" : "polled", (unsigned long long)e.irqs,
	       (unsigned long long)e.irq_frames, (unsigned long long)e.rx_deferred,
	       (unsigned long long)e.timer_runs, (unsigned long long)e.timer_frames);
	print_costs(&costs);
	printf("allreduce: node %u: %d checks, %d failed\n", rank, tap_n, tap_failed);
	return tap_failed ? 1 : 0;
}

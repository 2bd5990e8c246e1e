/*
 * The collectives application (one per node, started by the PCT): barrier
 * (dissemination), broadcast (binomial tree, the root rotating) and
 * allreduce (sum, min, max; recursive doubling with the fold-in for
 * non-powers of two) over any node count 1..16, each run NI times by the
 * user task on plain messages (endpoints 6, 7, 8) and NI times offloaded
 * to ext-examples/coll_*.nx, which combine in the kernel on arrival
 * (endpoints 3, 4, 5).  Every result is checked on every node against its
 * closed form, the barriers against what a barrier means (endpoint 10),
 * and each offload woke the user at most once per instance.  Then the
 * overlap phase: an allreduce started, a compute loop of COLL_LOOP
 * iterations, then the wait for the result, timed in rdtsc cycles,
 * user-level (endpoint 8) and offloaded (endpoint 9).
 *
 * Output is TAP-like ("ok N - ...", "not ok N - ..."), and per collective
 * and mode one line for scripts:
 *   coll: node R: barrier offload: 24 instances, 2 rounds, 48 msgs sent
 *         (24 by the kernel), 24 user wake-ups, 51234 us, OK
 *   coll: node R: overlap allreduce offload: loop L iters, wait W tsc
 * The exit status is 0 only if every check passed.
 *
 * Progress: the network advances only inside the net calls today (polled
 * receive) and may advance on interrupts later; nothing here waits for
 * progress outside a net call, and every wait is for a state, not a time.
 */
#include "ulib.h"
#include "utap.h"
#include <uapi/pct_abi.h>
#include "lwknet.h"

#define NI       24                 /* instances per collective and mode     */
#define K        127                /* int64 per vector: + the tag = 1024 B  */
#define RMAX     6                  /* allreduce rounds: lg 4 + fold in, out */
#define BMAX     (NI + 12)          /* user barriers: NI + the phase syncs   */
#define EP_BAR   3
#define EP_BC    4
#define EP_AR    5
#define EP_UBAR  6
#define EP_UBC   7
#define EP_UAR   8
#define EP_OVL   9
#define EP_CHK   10                 /* the barrier's meaning, checked        */
#define POLL_NS  (100ull * 1000 * 1000)          /* one wait; then re-check */
#define GIVEUP_NS (60ull * 1000 * 1000 * 1000)   /* one instance, at most   */
#define PCT_TRIES 1000                           /* yields, for the objects */
#define COLL_SKEW 300000ull                      /* a laggard's loop        */
#define BAR_LAG_NS (10ull * 1000 * 1000)         /* a barrier's laggard     */
#ifndef COLL_LOOP
#define COLL_LOOP 20000000ull
#endif

#define V(a, i) (((volatile int64_t *)(a))[i])   /* shared with the kernel */

static uint32_t me, n, p, lg, nextra, brounds;

/* ---- the endpoint memories: the layouts in the extensions' headers */

/* coll_barrier.ext */
#define B_ENT  4
#define B_SENT 5
#define B_WOKE 7
#define B_GOT  9
#define B_SM   (B_GOT + NI)
static int64_t bar_mem[B_SM + NI] __attribute__((aligned(4096)));

/* coll_bcast.ext */
#define C_SENT 4
#define C_ERRS 5
#define C_RES  8
#define C_GOT  (C_RES + NI * (K + 1))
static int64_t bc_mem[C_GOT + NI] __attribute__((aligned(4096)));

/* coll_allreduce.ext, for ni allreduces */
#define A_CUR  4
#define A_STEP 5
#define A_SENT 6
#define A_ERRS 7
#define A_OUT  8
#define A_OPS  (A_OUT + K + 1)
#define A_IN(ni)   (A_OPS + (ni))
#define A_RES(ni)  (A_IN(ni) + (ni) * (K + 1))
#define A_GOT(ni)  (A_RES(ni) + (ni) * K)
#define A_SLOT(ni) (A_GOT(ni) + (ni))
#define A_WORDS(ni) (A_SLOT(ni) + (ni) * RMAX * K)
static int64_t ar_mem[A_WORDS(NI)] __attribute__((aligned(4096)));
static int64_t ovl_mem[A_WORDS(1)] __attribute__((aligned(4096)));

/* ---- the user-level versions' stashes: messages kept by tag until used */
static uint8_t ubar_have[BMAX][RMAX];
static int64_t ubc_row[NI][K + 1];
static uint8_t ubc_have[NI];
static int64_t uar_v[NI + 1][RMAX][K];
static uint8_t uar_have[NI + 1][RMAX];

/* Per phase: messages sent by the user task, user wake-ups. */
static long usent, uwakes;

static void check(int good, const char *what, long got)
{
	ok(good, "node %u: %s (got %ld)", me, what, got);
}

static uint64_t now_ns(void)
{
	uint64_t t = 0;
	clock_gettime_ns(&t);
	return t;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* ---- closed forms */

static int op_of(int it) { return it % 3; }          /* 0 sum, 1 min, 2 max */
static uint32_t root_of(int it) { return (uint32_t)it % n; }

static int64_t input(uint32_t r, int it, int j)
{
	int64_t v = (int64_t)(r + 1) * 100003 + it * 1013 + j * 7;
	return ((r + (uint32_t)j) & 1) ? -v : v;
}

static int64_t expected(int it, int j)
{
	int64_t a = input(0, it, j);
	for (uint32_t r = 1; r < n; r++) {
		int64_t v = input(r, it, j);
		a = op_of(it) == 0 ? a + v : op_of(it) == 1 ? (v < a ? v : a) : (v > a ? v : a);
	}
	return a;
}

static int64_t bdata(int it, int j) { return (int64_t)(root_of(it) + 1) * 7777 - it * 31 + j * j; }

static void combine(int64_t *acc, const int64_t *v, int op)
{
	for (int j = 0; j < K; j++)
		acc[j] = op == 0 ? acc[j] + v[j] : op == 1 ? (v[j] < acc[j] ? v[j] : acc[j])
			: (v[j] > acc[j] ? v[j] : acc[j]);
}

static uint32_t highbit(uint32_t v)
{
	uint32_t b = 1;
	while (b * 2 <= v)
		b *= 2;
	return b;
}

/* ---- sending and receiving */

static int send_msg(uint32_t node, uint32_t ep, const void *buf, size_t len)
{
	long rc = net_send(node, ep, buf, len, 0);
	if (rc < 0) {
		printf("coll: node %u: send to %u ep %u: %s\n", me, node, ep, strerror(rc));
		return -1;
	}
	usent++;
	return 0;
}

/* Keep a user-level message by its tag; -1 if it makes no sense. */
static int stash(uint32_t ep, const int64_t *msg, long len)
{
	int64_t it = msg[0] / 16, r = msg[0] % 16;
	if (msg[0] < 0)
		return -1;
	if (ep == EP_UBAR && len == 8 && it < BMAX && r < RMAX)
		return ubar_have[it][r] = 1, 0;
	if (ep == EP_UBC && len == (K + 1) * 8 && it < NI && r == root_of((int)it)) {
		memcpy(ubc_row[it], msg, sizeof ubc_row[it]);
		return ubc_have[it] = 1, 0;
	}
	if (ep == EP_UAR && len == (K + 1) * 8 && it <= NI && r < RMAX) {
		memcpy(uar_v[it][r], msg + 1, sizeof uar_v[it][r]);
		return uar_have[it][r] = 1, 0;
	}
	return -1;
}

/* Wait until *flag is set, stashing every message on ep as it comes (a
 * later round or instance may come first). */
static int user_wait(uint32_t ep, volatile uint8_t *flag)
{
	uint64_t t0 = now_ns();
	while (!*flag) {
		int64_t msg[K + 1];
		long len = net_recv(ep, msg, sizeof msg, NULL, POLL_NS);
		if (len == -LWK_ETIMEDOUT && now_ns() - t0 < GIVEUP_NS)
			continue;
		if (len > 0)
			uwakes++;
		if (len < 8 || stash(ep, msg, len) < 0) {
			printf("coll: node %u: ep %u: recv %s (len %ld, tag %lld)\n", me, ep,
			       len < 0 ? strerror(len) : "unexpected", len, len >= 8 ? (long long)msg[0] : -1ll);
			return -1;
		}
	}
	return 0;
}

/* Wait on an offload endpoint until done() holds: each delivered message
 * is a wake-up (the extension delivers the one that completes); done() is
 * read again after every return, also after a timeout. */
static int off_wait(uint32_t ep, int (*done)(int), int it)
{
	uint64_t t0 = now_ns();
	while (!done(it)) {
		int64_t msg[K + 1];
		long len = net_recv(ep, msg, sizeof msg, NULL, POLL_NS);
		if (len >= 0) {
			uwakes++;
		} else if (len != -LWK_ETIMEDOUT || now_ns() - t0 >= GIVEUP_NS) {
			printf("coll: node %u: ep %u: waiting for instance %d: %s\n", me, ep, it,
			       strerror(len));
			return -1;
		}
	}
	return 0;
}

/* Take the messages delivered for instances that completed before we
 * waited for them (a broadcast arriving early; a completion seen in the
 * memory first): the queue (8) must not fill, or it would hold back the
 * extension's next frame and, go-back-N being per peer, every later frame
 * from its sender. */
static void off_drain(uint32_t ep)
{
	int64_t msg[K + 1];
	while (net_recv(ep, msg, sizeof msg, NULL, 0) >= 0)
		uwakes++;
}

/* ---- barrier: dissemination, brounds = ceil(log2 n) rounds */

static int ubarrier(int it)
{
	for (uint32_t r = 0; r < brounds; r++) {
		int64_t tag = it * 16 + r;
		if (send_msg((me + (1u << r)) % n, EP_UBAR, &tag, 8) < 0 ||
		    user_wait(EP_UBAR, &ubar_have[it][r]) < 0)
			return -1;
	}
	return 0;
}

static uint32_t prefix(int64_t got)
{
	uint32_t r = 0;
	while (r < brounds && ((got >> r) & 1))
		r++;
	return r;
}

/* What the extension does on an arrival, for rounds that came before the
 * user entered: send every round the rounds in allow, once (a duplicate,
 * if the extension sends it at the same moment, is harmless). */
static int bar_catch_up(int it)
{
	uint32_t pr = prefix(V(bar_mem, B_GOT + it));
	for (uint32_t s = 1; s <= pr && s < brounds; s++) {
		if (V(bar_mem, B_SM + it) & (1 << s))
			continue;
		V(bar_mem, B_SM + it) |= 1 << s;
		int64_t tag = it * 16 + s;
		if (send_msg((me + (1u << s)) % n, EP_BAR, &tag, 8) < 0)
			return -1;
	}
	return 0;
}

static int bar_done(int it)
{
	if (bar_catch_up(it) < 0)
		return 1;        /* the send failed, said so: stop waiting */
	return prefix(V(bar_mem, B_GOT + it)) == brounds;
}

/* Enter: ent first (the extension's gate), then round 0, then what the
 * rounds already in allow; then wait for the last round. */
static int obarrier(int it)
{
	if (brounds == 0)
		return 0;
	V(bar_mem, B_ENT) = it + 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	V(bar_mem, B_SM + it) |= 1;
	int64_t tag = it * 16;
	if (send_msg((me + 1) % n, EP_BAR, &tag, 8) < 0)
		return -1;
	if (off_wait(EP_BAR, bar_done, it) < 0)
		return -1;
	return prefix(V(bar_mem, B_GOT + it)) == brounds ? 0 : -1;
}

/* ---- broadcast: binomial tree from root_of(it), ceil(log2 n) rounds */

static int bc_forward(int it, const int64_t *row, uint32_t ep)
{
	uint32_t root = root_of(it), v = (me + n - root) % n;
	for (uint32_t b = v ? highbit(v) * 2 : 1; v + b < n; b *= 2)
		if (send_msg((root + v + b) % n, ep, row, (K + 1) * 8) < 0)
			return -1;
	return 0;
}

static int bc_check(int it, const int64_t *row)
{
	int ok = row[0] == it * 16 + (int64_t)root_of(it);
	for (int j = 0; j < K; j++)
		ok &= row[j + 1] == bdata(it, j);
	return ok;
}

static void bc_fill(int it, int64_t *row)
{
	row[0] = it * 16 + root_of(it);
	for (int j = 0; j < K; j++)
		row[j + 1] = bdata(it, j);
}

static int ubcast(int it)
{
	if (root_of(it) == me)
		bc_fill(it, ubc_row[it]);
	else if (user_wait(EP_UBC, &ubc_have[it]) < 0)
		return -1;
	if (bc_forward(it, ubc_row[it], EP_UBC) < 0)
		return -1;
	return bc_check(it, ubc_row[it]) ? 0 : -1;
}

static int bc_done(int it) { return V(bc_mem, C_GOT + it) != 0; }

static int obcast(int it)
{
	int64_t *row = bc_mem + C_RES + it * (K + 1);
	if (root_of(it) == me) {
		bc_fill(it, row);          /* the extension never writes our own row */
		V(bc_mem, C_GOT + it) = 1;
		if (bc_forward(it, row, EP_BC) < 0)
			return -1;
	} else if (off_wait(EP_BC, bc_done, it) < 0) {
		return -1;
	}
	off_drain(EP_BC);
	return bc_check(it, row) ? 0 : -1;
}

/* ---- allreduce: recursive doubling, fold-in for the nextra = n - p
 * ranks p.. (round 0 in, round lg + 1 out): lg or lg + 2 rounds */

static int64_t uacc[K + 1];

/* Send what needs only this node's input: an extra rank's round 0, or a
 * rank without an extra its round 1.  Also the offload's first message. */
static int ar_start(int it, uint32_t ep, int64_t *row)
{
	if (n == 1)
		return 0;
	if (me >= p) {
		row[0] = it * 16;
		return send_msg(me - p, ep, row, (K + 1) * 8);
	}
	if (me >= nextra) {
		row[0] = it * 16 + 1;
		return send_msg(me ^ 1, ep, row, (K + 1) * 8);
	}
	return 0;
}

static int uar_round(int it, uint32_t r, int op)
{
	if (user_wait(EP_UAR, &uar_have[it][r]) < 0)
		return -1;
	combine(uacc + 1, uar_v[it][r], op);
	return 0;
}

/* The rest, after ar_start(it, EP_UAR, uacc) with uacc = the input. */
static int uar_finish(int it, int64_t *res)
{
	int op = op_of(it);
	if (me >= p) {
		if (user_wait(EP_UAR, &uar_have[it][lg + 1]) < 0)
			return -1;
		memcpy(res, uar_v[it][lg + 1], K * 8);
		return 0;
	}
	if (me < nextra && uar_round(it, 0, op) < 0)
		return -1;
	for (uint32_t r = 1; r <= lg; r++) {
		/* round 1 of a rank without an extra went out in ar_start */
		uacc[0] = it * 16 + r;
		if ((r > 1 || me < nextra) && send_msg(me ^ (1u << (r - 1)), EP_UAR, uacc, sizeof uacc) < 0)
			return -1;
		if (uar_round(it, r, op) < 0)
			return -1;
	}
	uacc[0] = it * 16 + lg + 1;
	if (me < nextra && send_msg(me + p, EP_UAR, uacc, sizeof uacc) < 0)
		return -1;
	memcpy(res, uacc + 1, K * 8);
	return 0;
}

static int ar_check(int it, const volatile int64_t *res)
{
	int ok = 1;
	for (int j = 0; j < K; j++)
		ok &= res[j] == expected(it, j);
	return ok;
}

static int uallreduce(int it)
{
	int64_t res[K];
	for (int j = 0; j < K; j++)
		uacc[j + 1] = input(me, it, j);
	if (ar_start(it, EP_UAR, uacc) < 0 || uar_finish(it, res) < 0)
		return -1;
	return ar_check(it, res) ? 0 : -1;
}

/* The layout of coll_allreduce.ext for ni allreduces: header, ops, inputs,
 * the accumulator at input 0, step at this node's first round. */
static void ar_prepare(int64_t *m, int ni, int it0)
{
	m[0] = me, m[1] = n, m[2] = K, m[3] = ni;
	m[A_STEP] = me >= p ? lg + 1 : me < nextra ? 0 : 1;
	for (int i = 0; i < ni; i++) {
		m[A_OPS + i] = op_of(it0 + i);
		for (int j = 0; j < K; j++)
			m[A_IN(ni) + i * (K + 1) + 1 + j] = input(me, it0 + i, j);
	}
	memcpy(m + A_OUT + 1, m + A_IN(ni) + 1, K * 8);
}

static int64_t *ar_cur_mem;    /* the memory ar_done looks at */
static int ar_done(int it) { return V(ar_cur_mem, A_CUR) > it; }

/* Offloaded instance it of memory m (ni allreduces): send the first
 * message, wait for the extension to complete it. */
static int oar_start(int64_t *m, int ni, uint32_t ep, int it)
{
	ar_cur_mem = m;
	if (n == 1) {         /* no extension runs: the result is the input */
		memcpy(m + A_RES(ni) + it * K, m + A_IN(ni) + it * (K + 1) + 1, K * 8);
		V(m, A_CUR) = it + 1;
		return 0;
	}
	return ar_start(it, ep, m + A_IN(ni) + it * (K + 1));
}

static int oar_finish(int64_t *m, int ni, uint32_t ep, int it, int check_it)
{
	if (off_wait(ep, ar_done, it) < 0)
		return -1;
	return ar_check(check_it, m + A_RES(ni) + it * K) ? 0 : -1;
}

static int oallreduce(int it)
{
	if (oar_start(ar_mem, NI, EP_AR, it) < 0)
		return -1;
	return oar_finish(ar_mem, NI, EP_AR, it, it);
}

/* ---- phases */

static void compute(uint64_t iters)
{
	for (volatile uint64_t i = 0; i < iters; i++)
		;
}

/*
 * What a barrier means, checked: no node leaves barrier it before every
 * node entered it.  Node L = it mod n lags before barrier it: it stays in
 * net calls on EP_CHK for BAR_LAG_NS (so its extensions run, as they would
 * for an application busy with other messages); the nodes it sends to in
 * the barrier, L + 2^r, tell it there when they leave.  A note that one
 * left barrier it (or a later one, same mode) before L entered is a broken
 * barrier.  Sound whatever the timing; the lag makes an early exit likely
 * to show.  Only brounds <= 4 notes per barrier: a note waits in L's queue
 * (8 messages) until L enters a barrier, and a full queue would stall
 * every later frame from that peer, whatever its endpoint (go-back-N per
 * peer: seen with n - 1 = 10 notes on 11 nodes, a deadlock).
 */
static long early_leaves, leave_notes;

static void bar_take_note(int64_t note, int mode, int it)
{
	leave_notes++;
	early_leaves += note / 1000 == mode && note % 1000 >= it;
}

static void bar_enter_check(int mode, int it)
{
	int64_t note;
	uint64_t t0 = now_ns(), lag = root_of(it) == me && n > 1 ? BAR_LAG_NS : 0;
	do {
		long rc = net_recv(EP_CHK, &note, sizeof note, NULL, lag ? lag / 4 : 0);
		if (rc == sizeof note)
			bar_take_note(note, mode, it);
		else if (rc != -LWK_ETIMEDOUT)
			break;   /* EAGAIN: nothing (more) there */
	} while (now_ns() - t0 < lag || lag == 0);
}

/* Does this node note its leaving barrier it to the laggard? */
static int bar_noter(int it)
{
	for (uint32_t r = 0; r < brounds; r++)
		if ((root_of(it) + (1u << r)) % n == me)
			return 1;
	return 0;
}

static int bar_leave_note(int mode, int it, int rc)
{
	int64_t note = mode * 1000 + it;
	if (rc == 0 && bar_noter(it))
		rc = (int)net_send(root_of(it), EP_CHK, &note, sizeof note, 0);
	return rc < 0 ? -1 : 0;
}

static int ubar_checked(int it)
{
	bar_enter_check(1, it);
	return bar_leave_note(1, it, ubarrier(it));
}

static int obar_checked(int it)
{
	bar_enter_check(2, it);
	return bar_leave_note(2, it, obarrier(it));
}

/* Take every note still to come (brounds per barrier this node lagged
 * before, both modes): none may stay unacknowledged at the flush. */
static void bar_notes_all(void)
{
	long want = 0;
	for (int it = 0; it < NI; it++)
		want += root_of(it) == me ? 2 * brounds : 0;
	uint64_t t0 = now_ns();
	while (leave_notes < want && now_ns() - t0 < GIVEUP_NS) {
		int64_t note;
		if (net_recv(EP_CHK, &note, sizeof note, NULL, POLL_NS) == sizeof note)
			leave_notes++;
	}
	check(leave_notes == want, "barriers: every leave note came", leave_notes);
}

/* The per-hop critical path of each collective (docs/net.md, make
 * netbench): from the NIC interrupt that delivered a message to the
 * doorbell of the next one sent for that endpoint, through the woken user
 * task (user) or from the extension in the interrupt (offload); TSC ticks,
 * guest instructions under -icount.  n counts the hops seen. */
static void print_hops(const struct lwk_net_info *e)
{
	static const struct { const char *name; uint32_t user, off; } c[] = {
		{ "barrier", EP_UBAR, EP_BAR }, { "broadcast", EP_UBC, EP_BC },
		{ "allreduce", EP_UAR, EP_AR },
	};
	for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
		uint32_t u = c[i].user, o = c[i].off;
		printf("coll: node %u: hop %s: user n %llu min %llu mean %llu, offload n %llu min %llu "
		       "mean %llu\n", me, c[i].name, (unsigned long long)e->hop_n[u],
		       (unsigned long long)e->hop_min[u],
		       (unsigned long long)(e->hop_n[u] ? e->hop_sum[u] / e->hop_n[u] : 0),
		       (unsigned long long)e->hop_n[o], (unsigned long long)e->hop_min[o],
		       (unsigned long long)(e->hop_n[o] ? e->hop_sum[o] / e->hop_n[o] : 0));
	}
}

static int sync_no = NI;     /* user barriers between phases: NI.. */

static int phase_sync(void)
{
	int rc = ubarrier(sync_no++);
	check(rc == 0, "phase barrier", sync_no - 1);
	return rc;
}

/* Run NI instances of one collective in one mode; one summary line.
 * Before instance it, node it mod n computes a while without a net call:
 * the others run ahead, so its later rounds and next instance arrive
 * early, and together, whatever the host's timing.
 * kernel_sent: the extension's count, all of it (it may forward for this
 * collective before the phase starts here: its endpoint is open).
 * drain: an offload endpoint whose completions may have come after we saw
 * them done (on an interrupt, say); left there, with other endpoints read
 * in later phases, they would only fill its queue (see bar_enter_check). */
static void run(const char *name, const char *mode, int (*one)(int), uint32_t rounds,
		const volatile int64_t *kernel_sent, uint32_t drain)
{
	char what[64];
	int bad = -1;
	usent = uwakes = 0;
	uint64_t t0 = now_ns();
	for (int it = 0; it < NI; it++) {
		if ((uint32_t)it % n == me)
			compute(COLL_SKEW);
		if (one(it) < 0) {
			bad = it;
			break;
		}
	}
	if (drain)
		off_drain(drain);
	uint64_t us = (now_ns() - t0) / 1000;
	long ks = kernel_sent ? *kernel_sent : 0;
	snprintf(what, sizeof what, "%s %s: every instance correct", name, mode);
	check(bad < 0, what, bad);
	if (kernel_sent) {   /* the point of the offload: one wake-up per instance, at most */
		snprintf(what, sizeof what, "%s %s: at most %d user wake-ups", name, mode, NI);
		check(uwakes <= NI, what, uwakes);
	}
	printf("coll: node %u: %s %s: %d instances, %u rounds, %ld msgs sent (%ld by the kernel), "
	       "%ld user wake-ups, %llu us, %s\n", me, name, mode, NI, rounds, usent + ks, ks, uwakes,
	       (unsigned long long)us, bad < 0 ? "OK" : "FAILED");
}

/* Start, compute, wait: the tsc cycles spent waiting after the loop. */
static void overlap(void)
{
	int64_t res[K];
	uint64_t w_user = 0, w_off = 0;
	phase_sync();
	for (int j = 0; j < K; j++)
		uacc[j + 1] = input(me, NI, j);
	int rc = ar_start(NI, EP_UAR, uacc);
	uint64_t l0 = rdtsc();
	compute(COLL_LOOP);
	uint64_t t0 = rdtsc(), loop = t0 - l0;
	rc = rc < 0 ? rc : uar_finish(NI, res);
	w_user = rdtsc() - t0;
	check(rc == 0 && ar_check(NI, res), "overlap allreduce user: correct", rc);

	/* The offload's own endpoint, opened before the barrier: after it
	 * every node's is open, so no first message waits for an open (it
	 * would be retried only when its sender next polls). */
	ar_prepare(ovl_mem, 1, NI);
	rc = (int)net_open(EP_OVL, ovl_mem, sizeof ovl_mem);
	phase_sync();
	rc = rc < 0 ? rc : oar_start(ovl_mem, 1, EP_OVL, 0);
	compute(COLL_LOOP);
	t0 = rdtsc();
	rc = rc < 0 ? rc : oar_finish(ovl_mem, 1, EP_OVL, 0, NI);
	w_off = rdtsc() - t0;
	check(rc == 0, "overlap allreduce offload: correct", rc);
	printf("coll: node %u: overlap allreduce user: loop %llu iters, wait %llu tsc\n", me,
	       (unsigned long long)COLL_LOOP, (unsigned long long)w_user);
	printf("coll: node %u: overlap loop: %llu tsc\n", me, (unsigned long long)loop);
	printf("coll: node %u: overlap allreduce offload: loop %llu iters, wait %llu tsc\n", me,
	       (unsigned long long)COLL_LOOP, (unsigned long long)w_off);
}

/* ---- setup */

static const struct pct_object *object(const volatile struct pct_objects *tab, const char *name)
{
	for (uint64_t i = 0; i < tab->count && i < PCT_MAX_OBJECTS; i++)
		if (!strcmp((const char *)tab->obj[i].name, name))
			return (const struct pct_object *)&tab->obj[i];
	return NULL;
}

/*
 * The PCT starts us (elf_spawn) before it copies the objects into our
 * heap (hand_objects), and on one CPU it may be preempted in between: seen
 * on 8-node clusters.  So wait, yielding to it, until the object is listed,
 * and retry an insert that fails, as on an object still being copied.
 */
static long insert(const uint8_t *heap, const struct pct_objects *tab, const char *name)
{
	struct lwk_nx_error err;
	long h = -LWK_ENOENT;
	for (int tries = 0; tries < PCT_TRIES; tries++, sched_yield()) {
		const struct pct_object *o = object(tab, name);
		if (o && (h = nx_insert(heap + o->offset, o->len, &err)) >= 0)
			return h;
	}
	if (h == -LWK_ENOENT)
		printf("coll: the PCT gave us no %s\n", name);
	else
		printf("coll: nx_insert %s: %s: %s\n", name, strerror(h), err.msg);
	return h;
}

/* Every memory filled, every extension inserted, then every endpoint but
 * the overlap's opened: all before the first send, so that whatever
 * arrives finds its extension and a consistent memory. */
static int setup(const uint8_t *heap, const struct pct_objects *tab)
{
	bar_mem[0] = me, bar_mem[1] = n, bar_mem[2] = brounds, bar_mem[3] = NI;
	bc_mem[0] = me, bc_mem[1] = n, bc_mem[2] = K, bc_mem[3] = NI;
	ar_prepare(ar_mem, NI, 0);
	static const char *const objs[] = { "coll_barrier.nx", "coll_bcast.nx", "coll_allreduce.nx" };
	for (int i = 0; i < 3; i++)
		if (insert(heap, tab, objs[i]) < 0)
			return -1;
	static const struct { uint32_t ep; void *mem; size_t len; } eps[] = {
		{ EP_BAR, bar_mem, sizeof bar_mem }, { EP_BC, bc_mem, sizeof bc_mem },
		{ EP_AR, ar_mem, sizeof ar_mem }, { EP_UBAR, NULL, 0 }, { EP_UBC, NULL, 0 },
		{ EP_UAR, NULL, 0 }, { EP_CHK, NULL, 0 },
	};
	static int64_t umem[8] __attribute__((aligned(64)));
	for (int i = 0; i < 7; i++) {
		long rc = net_open(eps[i].ep, eps[i].mem ? eps[i].mem : umem,
				   eps[i].mem ? eps[i].len : sizeof umem);
		if (rc < 0) {
			printf("coll: net_open %u: %s\n", eps[i].ep, strerror(rc));
			return -1;
		}
	}
	return 0;
}

static void geometry(void)
{
	p = highbit(n);
	while ((1u << lg) < p)
		lg++;
	nextra = n - p;
	while ((1u << brounds) < n)
		brounds++;
}

int main(int argc, char **argv, uint64_t arg0)
{
	(void)argc, (void)argv;
	const uint8_t *heap = (const uint8_t *)brk(0);
	struct lwk_net_info i0;
	memset(&i0, 0, sizeof i0);
	if (arg0 != PCT_ARG_APP || net_info(&i0) < 0 || i0.nnodes < 1 || i0.nnodes > 16) {
		printf("coll: not started by the PCT, or no network\n");
		return 2;
	}
	me = i0.rank;
	n = i0.nnodes;
	geometry();
	printf("coll: node %u of %u: barrier %u rounds, allreduce p %u + %u extra (%u rounds), "
	       "%d instances of %d int64\n", me, n, brounds, p, nextra, nextra ? lg + 2 : lg, NI, K);
	check(setup(heap, (const void *)heap) == 0, "extensions inserted, endpoints opened", 0);
	if (tap_failed)
		return 1;

	check(ubarrier(sync_no++) == 0, "warm-up barrier", 0);
	run("barrier", "user", ubar_checked, brounds, NULL, 0);
	phase_sync();
	run("barrier", "offload", obar_checked, brounds, &bar_mem[B_SENT], EP_BAR);
	bar_notes_all();
	check(early_leaves == 0, "barriers: no node left one before the laggard entered it",
	      early_leaves);
	printf("coll: node %u: barrier check: %ld leave notes taken, %ld early\n", me, leave_notes,
	       early_leaves);
	phase_sync();
	run("broadcast", "user", ubcast, brounds, NULL, 0);
	phase_sync();
	run("broadcast", "offload", obcast, brounds, &bc_mem[C_SENT], EP_BC);
	phase_sync();
	run("allreduce", "user", uallreduce, nextra ? lg + 2 : lg, NULL, 0);
	phase_sync();
	run("allreduce", "offload", oallreduce, nextra ? lg + 2 : lg, &ar_mem[A_SENT], EP_AR);
	check(V(bar_mem, 6) == 0 && V(bc_mem, C_ERRS) == 0 && V(ar_mem, A_ERRS) == 0 &&
	      V(ovl_mem, A_ERRS) == 0, "no failed net_send in the extensions", 0);
	overlap();
	check(V(ovl_mem, A_ERRS) == 0, "no failed net_send in the overlap", 0);

	long fl = net_flush(500ull * 1000 * 1000);
	check(fl == 0, "flush: every message acknowledged", fl);
	struct lwk_net_info e;
	memset(&e, 0, sizeof e);
	net_info(&e);
	printf("coll: node %u: totals: data tx %llu rx %llu, retransmits %llu, no endpoint %llu, "
	       "full %llu, consumed by extensions %llu, extension faults %llu, injected drops %llu\n",
	       me, (unsigned long long)e.tx_data, (unsigned long long)e.rx_data,
	       (unsigned long long)e.retransmits, (unsigned long long)e.no_endpoint,
	       (unsigned long long)e.ep_full, (unsigned long long)e.hook_consumed,
	       (unsigned long long)e.hook_faults, (unsigned long long)e.injected_drops);
	check(e.hook_faults == 0, "no extension faulted", (long)e.hook_faults);
	print_hops(&e);
	printf("coll: node %u: %d checks, %d failed\n", me, tap_n, tap_failed);
	return tap_failed ? 1 : 0;
}

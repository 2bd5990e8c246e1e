/*
 * The message layer: reliable, in-order delivery of small messages
 * (<= NET_PAYLOAD_MAX bytes) between the nodes of one job, over the one
 * NIC (drivers/virtio_net.c), to user endpoints.
 *
 * Reliability is go-back-N per peer: every DATA frame to a peer takes
 * the next sequence number and stays in that peer's window (NET_WIN
 * frames) until an ACK covers it; a receiver accepts only the number it
 * expects next and answers every DATA frame with a cumulative ACK ("all
 * below n arrived").  If nothing is acknowledged for NET_RTO_NS the
 * whole window is sent again; after NET_RETRY_MAX rounds the peer is
 * declared unreachable and its window dropped (counted, printed).
 * A frame is acknowledged only once it was consumed by an extension or
 * queued on its endpoint: one that finds no endpoint or a full queue is
 * dropped unacknowledged, so the sender retries it.
 *
 * The source rank in the header is set by the sending kernel, never by
 * a user.  Our own frames come back from the multicast segment: those
 * (source MAC = ours) are dropped first.
 *
 * Two ways to receive, chosen at boot (net_poll=1 for the second):
 *  - interrupts (the default): the NIC's interrupt, on CPU net_irq_cpu,
 *    drains the used ring, acknowledges, runs net_rx extensions and wakes
 *    blocked receivers, whatever the CPUs are doing; a kernel timer on the
 *    same CPU retransmits and finishes drains the per-interrupt budget
 *    cut short (so a storm of frames cannot hold the CPU: its task runs
 *    between two budgets);
 *  - polled: the send, receive and flush calls poll the NIC and check the
 *    retransmission timers; nothing happens between calls.
 * net_lock serialises everything; lock_cpu records its holder so that
 * net_send called by a net_rx extension (which runs under it) does not
 * take it again.
 */
#include <arch/page.h>
#include <arch/cpu.h>
#include <lwk/apic.h>
#include <lwk/aspace.h>
#include <lwk/irq.h>
#include <lwk/kmem.h>
#include <lwk/params.h>
#include <lwk/printk.h>
#include <lwk/smp.h>
#include <lwk/spinlock.h>
#include <lwk/string.h>
#include <lwk/syscall.h>
#include <lwk/task.h>
#include <nimble/nimble.h>
#include <lwk/virtio_net.h>
#include "frame.h"
#include <lwk/net.h>

uint64_t net_rank, net_nodes = 1;
uint32_t net_rx_owner;
BOOT_PARAM_UINT(rank, net_rank, 0, NET_NODES_MAX - 1);
BOOT_PARAM_UINT(nnodes, net_nodes, 1, NET_NODES_MAX);
/* Testing the recovery: drop every net_drop-th arriving frame (0 = none),
 * and each arriving frame with probability net_loss percent, from a
 * generator seeded with net_seed + rank (so each node loses others). */
static uint64_t net_drop, net_loss, net_seed = 1;
BOOT_PARAM_UINT(net_drop, net_drop, 0, 1000000);
BOOT_PARAM_UINT(net_loss, net_loss, 0, 100);
BOOT_PARAM_UINT(net_seed, net_seed, 0, ~0ull);
/* Receive by polling from the net calls instead of the NIC's interrupt,
 * and the CPU that takes that interrupt (until the PCT sets policy). */
static uint64_t net_poll, net_irq_cpu;
BOOT_PARAM_UINT(net_poll, net_poll, 0, 1);
BOOT_PARAM_UINT(net_irq_cpu, net_irq_cpu, 0, MAX_CPUS - 1);

#define NET_WIN       16
#define NET_EP_SLOTS  8
#define NET_RTO_NS    (10ull * 1000 * 1000)
#define NET_RETRY_MAX 2000                     /* 20 s of silence */
#define NET_FLUSH_MAX (30ull * 1000 * 1000 * 1000)
#define NET_RX_BUDGET 32                       /* frames per interrupt or timer run */
#define NET_BACKLOG_NS (50ull * 1000)          /* the CPU's own work runs meanwhile */
#define NET_WAIT_NS   (50ull * 1000)           /* a full window is looked at again */

struct txslot { uint16_t len; uint8_t frame[NET_FRAME_MAX]; };

struct peer {
	uint32_t next_seq;   /* number of the next DATA frame to it          */
	uint32_t acked;      /* every frame below this one was acknowledged  */
	uint32_t expect;     /* next DATA number we accept from it           */
	uint32_t retries;
	uint64_t sent_at;    /* last (re)transmission of the window          */
	struct txslot win[NET_WIN];   /* frame n in win[n % NET_WIN]         */
};

struct msg { uint32_t src, type, len; uint8_t data[NET_PAYLOAD_MAX]; };

struct endpoint {
	uint32_t owner;      /* aspace id; 0 = closed                        */
	uint64_t serial;     /* and that aspace's serial: ids are reused     */
	uint32_t mem_len;
	uint8_t *mem;        /* kernel view (direct map) of the user memory  */
	uint32_t head, count;
	struct task *waiter;   /* blocked in net_recv (interrupt mode)       */
	struct msg q[NET_EP_SLOTS];
};

static struct peer *peers;            /* [NET_NODES_MAX], from kmem */
static struct endpoint *eps;          /* [LWK_NET_EP_MAX]            */
static struct spinlock net_lock = SPINLOCK_INIT;
static volatile int lock_cpu = -1;
static struct lwk_net_info st;
static uint64_t last_rx_ns;
static int irq_mode;                  /* the NIC's interrupt is routed to us */
static int backlog;                   /* a drain stopped at its budget       */
static struct ktimer net_timer;       /* retransmission and backlog          */
static uint64_t hop_start;            /* irq_tsc of the last delivery; 0 none */

static unsigned long net_lock_take(void)
{
	unsigned long f = spin_lock_irqsave(&net_lock);
	lock_cpu = (int)this_cpu()->id;
	return f;
}

static void net_lock_give(unsigned long f)
{
	lock_cpu = -1;
	spin_unlock_irqrestore(&net_lock, f);
}

static void node_mac(uint32_t node, uint8_t mac[6])
{
	static const uint8_t base[5] = { 0x52, 0x54, 0x00, 0x00, 0x00 };
	memcpy(mac, base, 5);
	mac[5] = (uint8_t)(node + 1);
}

static void hdr_init(struct net_hdr *h, uint8_t kind, uint32_t dst)
{
	*h = (struct net_hdr){ .kind = kind, .src = (uint16_t)net_rank, .dst = (uint16_t)dst };
	node_mac(dst, h->dst_mac);
	memcpy(h->src_mac, vnet_mac(), 6);
}

static void send_ack(uint32_t node)
{
	struct net_hdr h;
	uint8_t f[NET_ETH_LEN + NET_HDR_LEN];
	hdr_init(&h, NET_ACK, node);
	h.seq = peers[node].expect;
	vnet_send(f, net_frame_build(f, &h, NULL));
	st.tx_ack++;
}

/* A DATA frame's doorbell was just rung for ep: if a delivery started a
 * hop, it ends here (the per-hop critical path of docs/net.md).  A hop
 * starts when a net_rx extension is run on a frame (the offload sends
 * from it) or when a queued frame wakes a task blocked in net_recv. */
static void hop_end(uint32_t ep)
{
	if (!hop_start)
		return;
	uint64_t d = rdtsc() - hop_start;
	hop_start = 0;
	if (!st.hop_n[ep] || d < st.hop_min[ep])
		st.hop_min[ep] = d;
	st.hop_n[ep]++;
	st.hop_sum[ep] += d;
}

/* Keep the kernel timer armed (interrupt mode) for the earliest
 * retransmission and for a backlog; it only ever fires early, never
 * late, so moving windows need not re-arm it. */
static void timer_update_locked(uint64_t now)
{
	if (!irq_mode)
		return;
	uint64_t at = backlog ? now + NET_BACKLOG_NS : ~0ull;
	for (uint32_t n = 0; n < net_nodes; n++)
		if (peers[n].acked != peers[n].next_seq && peers[n].sent_at + NET_RTO_NS < at)
			at = peers[n].sent_at + NET_RTO_NS;
	if (at != ~0ull && (!net_timer.armed || at < net_timer.at))
		ktimer_arm(&net_timer, (unsigned)net_irq_cpu, at);
}

static long send_locked(uint32_t node, uint32_t ep, const void *buf, uint32_t len, uint32_t type)
{
	struct peer *p = &peers[node];
	if (p->next_seq - p->acked >= NET_WIN)
		return -LWK_EAGAIN;
	struct net_hdr h;
	hdr_init(&h, NET_DATA, node);
	h.endpoint = (uint16_t)ep;
	h.len = (uint16_t)len;
	h.type = type;
	h.seq = p->next_seq;
	struct txslot *s = &p->win[p->next_seq % NET_WIN];
	s->len = (uint16_t)net_frame_build(s->frame, &h, buf);
	int start = p->next_seq == p->acked;  /* the window's timer starts now */
	if (start)
		p->sent_at = time_now_ns(), p->retries = 0;
	p->next_seq++;
	vnet_send(s->frame, s->len);
	hop_end(ep);
	st.tx_data++;
	if (start)
		timer_update_locked(p->sent_at);
	return 0;
}

/* Go back N: resend a peer's whole window when it has been silent too long. */
static void retransmit_check(uint64_t now)
{
	for (uint32_t n = 0; n < net_nodes; n++) {
		struct peer *p = &peers[n];
		if (p->acked == p->next_seq || now - p->sent_at < NET_RTO_NS)
			continue;
		if (++p->retries > NET_RETRY_MAX) {
			printk("net: node %u unreachable: dropping %u unacknowledged frames\n", n,
			       p->next_seq - p->acked);
			p->acked = p->next_seq;
			continue;
		}
		for (uint32_t s = p->acked; s != p->next_seq; s++) {
			vnet_send(p->win[s % NET_WIN].frame, p->win[s % NET_WIN].len);
			st.retransmits++;
		}
		p->sent_at = now;
	}
}

/* Close e: its queue is dropped, a task blocked on it woken (it finds
 * the endpoint gone).  Its memory is not written again. */
static void ep_close(struct endpoint *e)
{
	if (e->waiter)
		task_wake(e->waiter);
	*e = (struct endpoint){0};
}

/* Whether e's application is still the one that opened it (net_open's
 * check; endpoints are also closed when their application ends, by
 * net_release): the aspace must exist, not be dying, and have the serial
 * it had then, as ids are reused. */
static int ep_alive(struct endpoint *e)
{
	struct aspace *as = e->owner ? aspace_get(e->owner) : NULL;
	int alive = as && !as->dying && as->serial == e->serial;
	if (as)
		aspace_put(as);
	if (!alive && e->owner)
		ep_close(e);
	return alive;
}

/* Hand a DATA payload to its endpoint: the net_rx extensions first, then
 * the queue.  1 if taken (acknowledge it), 0 if the sender must retry. */
static int deliver(const struct net_hdr *h, const uint8_t *payload)
{
	struct endpoint *e = h->endpoint < LWK_NET_EP_MAX ? &eps[h->endpoint] : NULL;
	/* An open endpoint's application is alive: its last task's exit
	 * closes it (net_release), so no aspace lookup per frame. */
	if (!e || !e->owner) {
		st.no_endpoint++;
		return 0;
	}
	if (e->count == NET_EP_SLOTS) {
		st.ep_full++;
		return 0;
	}
	/* Extensions see only their owner's endpoints (trusted ones, any). */
	uint32_t xo = __atomic_load_n(&net_rx_owner, __ATOMIC_RELAXED);
	if ((xo == 0 || xo == e->owner) && nx_hook_attached(NX_HOOK_NET_RX, 0)) {
		struct nx_ctx_net ctx = { .len = h->len, .src = h->src, .endpoint = h->endpoint,
					  .type = h->type, .mem_len = e->mem_len };
		struct nx_env env = { .host = NULL, .owner = e->owner };
		struct nx_result res;
		nx_env_setup(&env, NX_HOOK_NET_RX, &ctx, (void *)payload, h->len, e->mem, e->mem_len);
		hop_start = irq_mode ? this_cpu()->irq_tsc : rdtsc();
		uint64_t r = nx_fire(NX_HOOK_NET_RX, 0, &env, &res);
		hop_start = 0;             /* a hop only if the extension sent */
		st.hook_faults += res.fault != NX_FAULT_NONE;
		if (r != NX_RET_DEFAULT) {
			st.hook_consumed++;
			return 1;
		}
	}
	struct msg *m = &e->q[(e->head + e->count) % NET_EP_SLOTS];
	m->src = h->src;
	m->type = h->type;
	m->len = h->len;
	memcpy(m->data, payload, h->len);
	e->count++;
	st.delivered++;
	if (e->waiter) {            /* a user-level hop starts: wake, switch, return */
		hop_start = irq_mode ? this_cpu()->irq_tsc : rdtsc();
		task_wake(e->waiter);
		e->waiter = NULL;
	}
	return 1;
}

static void rx_data(const struct net_hdr *h, const uint8_t *payload)
{
	struct peer *p = &peers[h->src];
	st.rx_data++;
	last_rx_ns = time_now_ns();
	if ((int32_t)(h->seq - p->expect) < 0) {
		st.dup++;                   /* our ACK was lost: say it again */
	} else if (h->seq != p->expect) {
		st.out_of_order++;          /* an earlier one was lost: it will come again */
	} else if (deliver(h, payload)) {
		p->expect++;
	} else {
		return;                     /* not taken: no ACK, the sender retries */
	}
	send_ack(h->src);
}

static void rx_ack(const struct net_hdr *h)
{
	struct peer *p = &peers[h->src];
	st.rx_ack++;
	/* Only an ACK inside (acked, next_seq] moves the window. */
	if ((int32_t)(h->seq - p->acked) > 0 && (int32_t)(p->next_seq - h->seq) >= 0) {
		p->acked = h->seq;
		p->retries = 0;
		p->sent_at = time_now_ns();
	}
}

/* Testing: is this arriving frame to be dropped?  xorshift64 for the
 * random loss: cheap, and the same sequence for the same seed. */
static int injected_drop(void)
{
	static uint64_t arrived, x;
	if (!x)
		x = (net_seed + net_rank) * 0x9e3779b97f4a7c15ull | 1;
	arrived++;
	if (net_loss) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (x % 100 < net_loss)
			return 1;
	}
	return net_drop && arrived % net_drop == 0;
}

static void rx_frame(const uint8_t *f, size_t len, void *arg)
{
	(void)arg;
	if (injected_drop()) {
		st.injected_drops++;
		return;
	}
	struct net_hdr h;
	const uint8_t *payload;
	enum net_err err = net_frame_parse(f, len, &h, &payload);
	if (err != NET_OK) {
		st.malformed += err != NET_E_ETHERTYPE;
		st.not_for_us += err == NET_E_ETHERTYPE;
	} else if (memcmp(h.src_mac, vnet_mac(), 6) == 0) {
		st.echoes++;
	} else if (h.dst != net_rank || h.src >= net_nodes || h.src == net_rank) {
		st.not_for_us++;
	} else if (h.kind == NET_ACK) {
		rx_ack(&h);
	} else {
		rx_data(&h, payload);
	}
}

/* Polled mode: everything that arrived, and the retransmission timers. */
static void poll_locked(void)
{
	if (irq_mode)
		return;
	vnet_poll(rx_frame, NULL, 1 << 16);
	retransmit_check(time_now_ns());
}

/*
 * Interrupt mode: drain at most NET_RX_BUDGET frames with the device's rx
 * interrupts off (a burst costs one interrupt).  If the ring is empty,
 * interrupts go back on and the ring is looked at once more (a frame
 * that came in between raised none).  If the budget ran out, the rest
 * waits for the timer, NET_BACKLOG_NS away, and interrupts stay off.
 */
static int drain_locked(void)
{
	int n = 0;
	vnet_rx_interrupts(0);
	for (;;) {
		n += vnet_poll(rx_frame, NULL, NET_RX_BUDGET - n);
		if (n >= NET_RX_BUDGET && vnet_rx_pending()) {
			backlog = 1;
			st.rx_deferred++;
			break;
		}
		backlog = 0;
		vnet_rx_interrupts(1);
		if (!vnet_rx_pending())
			break;
		vnet_rx_interrupts(0);
	}
	uint64_t now = time_now_ns();
	retransmit_check(now);
	timer_update_locked(now);
	return n;
}

static void net_irq(struct trapframe *tf)
{
	(void)tf;
	vnet_irq_ack();                   /* the line drops before the EOI */
	unsigned long f = net_lock_take();
	st.irqs++;
	st.irq_frames += (uint64_t)drain_locked();
	int x = nx_hook_attached(NX_HOOK_IRQ, VEC_NIC) != 0;
	uint64_t d = rdtsc() - this_cpu()->irq_tsc;
	if (!st.irq_cost_n[x] || d < st.irq_cost_min[x])
		st.irq_cost_min[x] = d;
	st.irq_cost_n[x]++;
	st.irq_cost_sum[x] += d;
	net_lock_give(f);
	apic_eoi();
}

static void net_timer_fn(struct ktimer *k)
{
	(void)k;
	unsigned long f = net_lock_take();
	st.timer_runs++;
	st.timer_frames += (uint64_t)drain_locked();
	net_lock_give(f);
}

static void irq_setup(void)
{
	if (net_poll) {
		printk("net: receive polled from the net calls (net_poll=1)\n");
		return;
	}
	if (net_irq_cpu >= ncpus) {
		printk("net: net_irq_cpu=%llu but %u CPUs are online: using CPU 0\n",
		       (unsigned long long)net_irq_cpu, ncpus);
		net_irq_cpu = 0;
	}
	net_timer.fn = net_timer_fn;
	int v = vnet_irq_route(cpus[net_irq_cpu].apic_id, net_irq);
	if (v < 0) {
		printk("net: no NIC interrupt: receive polled from the net calls\n");
		return;
	}
	irq_mode = 1;
	st.irq_mode = 1;
	st.irq_vector = (uint32_t)v;
	unsigned long f = net_lock_take();
	drain_locked();                   /* turns rx interrupts on */
	net_lock_give(f);
	printk("net: receive interrupt-driven on CPU %llu\n", (unsigned long long)net_irq_cpu);
}

void net_init(void)
{
	if (vnet_init() != 0)
		return;
	peers = kmem_alloc(sizeof *peers * NET_NODES_MAX);
	eps = kmem_alloc(sizeof *eps * LWK_NET_EP_MAX);
	if (!peers || !eps) {
		printk("net: no kmem for the message layer\n");
		return;
	}
	printk("net: rank %llu of %llu nodes\n", (unsigned long long)net_rank,
	       (unsigned long long)net_nodes);
	irq_setup();
}

static int net_up(void) { return eps != NULL; }

/* The endpoint ep if the caller's application owns it, else NULL. */
static struct endpoint *ep_mine(uint64_t ep, uint32_t owner)
{
	if (!net_up() || ep >= LWK_NET_EP_MAX || !eps[ep].owner)
		return NULL;
	return owner == 0 || eps[ep].owner == owner ? &eps[ep] : NULL;
}

long net_send_kernel(uint32_t owner, uint64_t node, uint64_t ep, const void *buf, uint64_t len,
		     uint32_t type)
{
	if (!net_up())
		return -LWK_ENOSYS;
	if (node >= net_nodes || node == net_rank || len > NET_PAYLOAD_MAX)
		return -LWK_EINVAL;
	int nested = lock_cpu == (int)this_cpu()->id;
	unsigned long f = nested ? 0 : net_lock_take();
	long rc = ep_mine(ep, owner) ? send_locked((uint32_t)node, (uint32_t)ep, buf, (uint32_t)len, type)
				     : -LWK_EPERM;
	if (!nested)
		net_lock_give(f);
	return rc;
}

/* ---- syscalls: every argument is checked before use ---- */

/* Let the network make progress for a while: in interrupt mode sleep
 * (the CPU takes interrupts meanwhile; the kernel itself runs with them
 * off), polled poll once and yield.  Nonzero if the task is being ended. */
static int wait_a_little(uint64_t ns)
{
	if (irq_mode)
		return task_sleep_ns(ns) != 0;
	unsigned long f = net_lock_take();
	poll_locked();
	net_lock_give(f);
	task_yield();
	return task_current()->killed != 0;
}

long sys_net_open(long ep, long mem, long len)
{
	struct task *t = task_current();
	if (!net_up())
		return -LWK_ENOSYS;
	if ((uint64_t)ep >= LWK_NET_EP_MAX || len <= 0 || len > (1l << 20) || (mem & 7))
		return -LWK_EINVAL;
	if (!user_ok((uint64_t)mem, (uint64_t)len, 1))
		return -LWK_EFAULT;
	/* The layer writes the memory from any context: it must be one
	 * physically contiguous range the direct map covers. */
	uint64_t pa = aspace_translate(t->as, (uint64_t)mem, NULL);
	for (uint64_t off = 0; off < (uint64_t)len; off += PAGE_SIZE - ((mem + off) & (PAGE_SIZE - 1)))
		if (!pa || aspace_translate(t->as, (uint64_t)mem + off, NULL) != pa + off)
			return -LWK_EINVAL;
	if (pa + (uint64_t)len > DIRECT_SIZE)
		return -LWK_EINVAL;
	unsigned long f = net_lock_take();
	struct endpoint *e = &eps[ep];
	long rc = 0;
	if (e->owner && e->owner != t->pid && ep_alive(e)) {
		rc = -LWK_EBUSY;
	} else {
		*e = (struct endpoint){ .owner = t->pid, .serial = t->as->serial,
					.mem_len = (uint32_t)len, .mem = phys_to_virt(pa) };
	}
	net_lock_give(f);
	return rc;
}

long sys_net_send(long node, long ep, long buf, long len, long type)
{
	uint8_t tmp[NET_PAYLOAD_MAX];
	if ((uint64_t)len > NET_PAYLOAD_MAX || (uint64_t)type > 0xffffffffu)
		return -LWK_EINVAL;
	if (copy_from_user(tmp, (uint64_t)buf, (size_t)len))
		return -LWK_EFAULT;
	for (;;) {
		long rc = net_send_kernel(task_current()->pid, (uint64_t)node, (uint64_t)ep, tmp,
					  (uint64_t)len, (uint32_t)type);
		if (rc != -LWK_EAGAIN)
			return rc;
		if (wait_a_little(NET_WAIT_NS))      /* window full: wait for ACKs */
			return -LWK_EINTR;
	}
}

long sys_net_recv(long ep, long buf, long len, long umsg, long timeout_ns)
{
	struct endpoint *e;
	struct task *t = task_current();
	if (!net_up())
		return -LWK_ENOSYS;
	if (len < 0 || len > NET_PAYLOAD_MAX || timeout_ns < 0)
		return -LWK_EINVAL;
	if (!user_ok((uint64_t)buf, (uint64_t)len, 1) ||
	    (umsg && !user_ok((uint64_t)umsg, sizeof(struct lwk_net_msg), 1)))
		return -LWK_EFAULT;
	uint64_t deadline = time_now_ns() + (uint64_t)timeout_ns;
	for (;;) {
		unsigned long f = net_lock_take();
		if (!(e = ep_mine((uint64_t)ep, t->pid)) || e->owner != t->pid) {
			net_lock_give(f);
			return -LWK_EPERM;
		}
		poll_locked();
		if (e->count) {
			struct msg *m = &e->q[e->head];
			uint32_t n = m->len < (uint32_t)len ? m->len : (uint32_t)len;
			memcpy((void *)buf, m->data, n);
			if (umsg)
				*(struct lwk_net_msg *)umsg = (struct lwk_net_msg){
					.src = m->src, .type = m->type, .len = m->len };
			e->head = (e->head + 1) % NET_EP_SLOTS;
			e->count--;
			st.user_wakeups++;
			net_lock_give(f);
			return m->len;
		}
		uint64_t now = time_now_ns();
		if (now >= deadline) {
			net_lock_give(f);
			return timeout_ns ? -LWK_ETIMEDOUT : -LWK_EAGAIN;
		}
		if (!irq_mode) {
			net_lock_give(f);
			task_yield();
			continue;
		}
		/* Block until deliver() wakes us or the deadline passes; the
		 * state is set under net_lock, which deliver() takes too. */
		e->waiter = t;
		task_sleep_until(t, deadline - now);
		t->state = TASK_BLOCKED;
		net_lock_give(f);
		schedule();
		task_sleep_cancel(t);
		f = net_lock_take();
		if (e->waiter == t)
			e->waiter = NULL;
		net_lock_give(f);
		if (t->killed)
			return -LWK_EINTR;
	}
}

long sys_net_close(long ep)
{
	uint32_t pid = task_current()->pid;
	if (!net_up())
		return -LWK_ENOSYS;
	if ((uint64_t)ep >= LWK_NET_EP_MAX)
		return -LWK_EINVAL;
	unsigned long f = net_lock_take();
	struct endpoint *e = ep_mine((uint64_t)ep, pid);
	long rc = e && e->owner == pid ? 0 : -LWK_EPERM;
	if (rc == 0) {
		ep_close(e);
		st.closed++;
	}
	net_lock_give(f);
	return rc;
}

void net_release(uint32_t owner)
{
	if (!net_up() || owner == 0)
		return;
	unsigned long f = net_lock_take();
	for (uint32_t i = 0; i < LWK_NET_EP_MAX; i++)
		if (eps[i].owner == owner) {
			ep_close(&eps[i]);
			st.closed++;
		}
	net_lock_give(f);
}

long sys_net_info(long out)
{
	struct lwk_net_info i;
	if (!user_ok((uint64_t)out, sizeof i, 1))
		return -LWK_EFAULT;
	unsigned long f = net_lock_take();
	i = st;
	for (uint32_t e = 0; eps && e < LWK_NET_EP_MAX; e++)
		i.open += eps[e].owner != 0;
	net_lock_give(f);
	i.rank = (uint32_t)net_rank;
	i.nnodes = (uint32_t)net_nodes;
	memcpy((void *)out, &i, sizeof i);
	return net_up() ? 0 : -LWK_ENOSYS;
}

/* Until every frame we sent is acknowledged and no DATA arrived for
 * quiet_ns: peers whose last frames we must still acknowledge get the
 * chance before this node powers off. */
long sys_net_flush(long quiet_ns)
{
	if (!net_up())
		return -LWK_ENOSYS;
	if (quiet_ns < 0 || (uint64_t)quiet_ns > NET_FLUSH_MAX)
		return -LWK_EINVAL;
	uint64_t start = time_now_ns();
	for (;;) {
		unsigned long f = net_lock_take();
		poll_locked();
		int pending = 0;
		for (uint32_t n = 0; n < net_nodes; n++)
			pending |= peers[n].acked != peers[n].next_seq;
		uint64_t now = time_now_ns();
		net_lock_give(f);
		if (!pending && now - last_rx_ns >= (uint64_t)quiet_ns && now - start >= (uint64_t)quiet_ns)
			return 0;
		if (now - start > NET_FLUSH_MAX)
			return -LWK_ETIMEDOUT;
		if (wait_a_little(1000 * 1000))
			return -LWK_EINTR;
	}
}

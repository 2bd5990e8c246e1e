/*
 * Legacy virtio-net (virtio 1.x spec, section 4.1.4.8 "Legacy Interfaces:
 * A Note on PCI Device Layout" and 2.6 "Split Virtqueues"): the device's
 * registers are in I/O BAR0; each queue is one physically contiguous
 * area (descriptors, then the available ring, then at the next 4 KiB the
 * used ring) whose page frame number is written to QUEUE_ADDRESS.
 *
 * Queue 0 receives, queue 1 transmits.  Every descriptor owns one 2 KiB
 * buffer for its whole life (descriptor i <-> buffer i), so no free list
 * is needed: rx descriptors are posted once and reposted after use; tx
 * uses descriptors round robin and a slot is free again once the device
 * has returned it in the used ring.  Each buffer starts with the 10-byte
 * legacy virtio_net_hdr (no features negotiated beyond MAC: no offloads,
 * no mergeable buffers), all zero on transmit.
 *
 * Receive is interrupt-driven or polled, as the message layer chooses.
 * Interrupts: the legacy INTx line, whose GSI and trigger mode come from
 * the PCI Interrupt Line register mapped through the ACPI MADT
 * (acpi_irq_gsi), routed by the IOAPIC to the CPU asked for.  Reading
 * the ISR register acknowledges it (the line drops).  Moderation is the
 * split ring's VRING_AVAIL_F_NO_INTERRUPT (virtio 1.x 2.6.7): the
 * message layer turns rx interrupts off while it drains the used ring
 * and on again when it is empty, so a burst costs one interrupt.  Tx
 * completions never interrupt: vnet_send reclaims slots itself.
 */
#include <arch/io.h>
#include <arch/page.h>
#include <arch/cpu.h>
#include <lwk/acpi.h>
#include <lwk/apic.h>
#include <lwk/kmem.h>
#include <lwk/printk.h>
#include <lwk/string.h>
#include <lwk/pci.h>
#include <lwk/virtio_net.h>

/* Legacy register offsets in BAR0 */
#define VIO_DEV_FEATURES   0x00
#define VIO_DRV_FEATURES   0x04
#define VIO_QUEUE_PFN      0x08
#define VIO_QUEUE_SIZE     0x0c
#define VIO_QUEUE_SEL      0x0e
#define VIO_QUEUE_NOTIFY   0x10
#define VIO_STATUS         0x12
#define VIO_ISR            0x13
#define VIO_NET_MAC        0x14    /* device config without MSI-X */

#define ST_ACK     1
#define ST_DRIVER  2
#define ST_DRV_OK  4
#define ST_FAILED  128

#define F_NET_MAC  (1u << 5)

#define DESC_F_WRITE 2
#define AVAIL_F_NO_INTERRUPT 1

#define HDR_LEN 10                 /* legacy virtio_net_hdr, no mrg_rxbuf */
#define BUF_SIZE 2048
#define QMAX 1024                  /* largest queue we can lay out */

struct vq_desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct vq_used_elem { uint32_t id, len; };

struct vq {
	uint16_t size, index;
	struct vq_desc *desc;
	volatile uint16_t *avail;      /* flags, idx, ring[size], used_event */
	volatile uint16_t *used_hdr;   /* flags, idx */
	volatile struct vq_used_elem *used;
	uint16_t last_used;            /* used entries consumed so far */
	uint16_t next_avail;           /* avail entries published so far */
	uint8_t *bufs;                 /* size * BUF_SIZE */
	unsigned long ring_order, buf_order;
};

#define PCI_INTERRUPT_LINE 0x3c

static struct {
	uint16_t io;
	int up;
	struct pci_dev pci;
	uint8_t mac[6];
	struct vq rx, tx;
	struct vnet_stats st;
} nic;

static unsigned long order_for(size_t bytes)
{
	unsigned long o = 0;
	while ((PAGE_SIZE << o) < bytes)
		o++;
	return o;
}

static size_t align_page(size_t v) { return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

/* Lay out queue q as the legacy interface fixes it and hand it to the device. */
static int vq_setup(struct vq *q, uint16_t index)
{
	outw(nic.io + VIO_QUEUE_SEL, index);
	uint16_t size = inw(nic.io + VIO_QUEUE_SIZE);
	if (size == 0 || size > QMAX || (size & (size - 1))) {
		printk("virtio-net: queue %u has unusable size %u\n", index, size);
		return -1;
	}
	size_t avail_end = 16u * size + 6 + 2u * size;
	size_t total = align_page(avail_end) + align_page(6 + 8u * size);
	q->size = size;
	q->index = index;
	q->ring_order = order_for(total);
	q->buf_order = order_for((size_t)size * BUF_SIZE);
	uint8_t *ring = kmem_get_pages(q->ring_order);
	q->bufs = kmem_get_pages(q->buf_order);
	if (!ring || !q->bufs) {
		printk("virtio-net: no kmem for queue %u\n", index);
		return -1;
	}
	memset(ring, 0, PAGE_SIZE << q->ring_order);
	q->desc = (struct vq_desc *)ring;
	q->avail = (volatile uint16_t *)(ring + 16u * size);
	q->used_hdr = (volatile uint16_t *)(ring + align_page(avail_end));
	q->used = (volatile struct vq_used_elem *)(ring + align_page(avail_end) + 4);
	for (uint16_t i = 0; i < size; i++)
		q->desc[i] = (struct vq_desc){ .addr = virt_to_phys(q->bufs + (size_t)i * BUF_SIZE) };
	q->avail[0] = AVAIL_F_NO_INTERRUPT;   /* until vnet_rx_interrupts(1) */
	outl(nic.io + VIO_QUEUE_PFN, (uint32_t)(virt_to_phys(ring) >> PAGE_SHIFT));
	return 0;
}

/* Publish descriptor id in the available ring (the device sees it after
 * the index store; x86 keeps stores in order, the fence keeps the
 * compiler from reordering). */
static void vq_publish(struct vq *q, uint16_t id)
{
	q->avail[2 + (q->next_avail % q->size)] = id;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->next_avail++;
	q->avail[1] = q->next_avail;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void rx_post(uint16_t id)
{
	struct vq_desc *d = &nic.rx.desc[id];
	d->len = BUF_SIZE;
	d->flags = DESC_F_WRITE;
	vq_publish(&nic.rx, id);
}

int vnet_init(void)
{
	struct pci_dev d;
	/* 0x1000 is the transitional network device; 0x1041 is modern-only. */
	if (pci_find(0x1af4, 0x1000, 0x1000, &d) != 0) {
		printk("virtio-net: no NIC (virtio-net-pci, transitional)\n");
		return -1;
	}
	pci_enable(&d);
	nic.pci = d;
	nic.io = pci_io_bar(&d, 0);
	if (!nic.io) {
		printk("virtio-net: BAR0 is not an I/O BAR\n");
		return -1;
	}
	outb(nic.io + VIO_STATUS, 0);                          /* reset */
	outb(nic.io + VIO_STATUS, ST_ACK);
	outb(nic.io + VIO_STATUS, ST_ACK | ST_DRIVER);
	uint32_t feat = inl(nic.io + VIO_DEV_FEATURES);
	outl(nic.io + VIO_DRV_FEATURES, feat & F_NET_MAC);
	if (vq_setup(&nic.rx, 0) || vq_setup(&nic.tx, 1)) {
		outb(nic.io + VIO_STATUS, ST_FAILED);
		return -1;
	}
	for (int i = 0; i < 6; i++)
		nic.mac[i] = inb(nic.io + VIO_NET_MAC + i);
	for (uint16_t i = 0; i < nic.rx.size; i++)
		rx_post(i);
	outb(nic.io + VIO_STATUS, ST_ACK | ST_DRIVER | ST_DRV_OK);
	outw(nic.io + VIO_QUEUE_NOTIFY, 0);
	nic.up = 1;
	nic.st.rx_qsize = nic.rx.size;
	nic.st.tx_qsize = nic.tx.size;
	nic.st.io_base = nic.io;
	printk("virtio-net: %02x:%02x:%02x:%02x:%02x:%02x at pci %u:%u.%u io %#x, "
	       "queues rx %u tx %u\n", nic.mac[0], nic.mac[1], nic.mac[2], nic.mac[3],
	       nic.mac[4], nic.mac[5], d.bus, d.dev, d.fn, nic.io, nic.rx.size, nic.tx.size);
	return 0;
}

const uint8_t *vnet_mac(void) { return nic.mac; }

/* Descriptors the device has handed back on the tx queue become free. */
static void tx_reclaim(void)
{
	struct vq *q = &nic.tx;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	q->last_used = q->used_hdr[1];
}

int vnet_send(const void *frame, size_t len)
{
	struct vq *q = &nic.tx;
	if (!nic.up || len > VNET_FRAME_MAX)
		return -1;
	/* In flight = published - returned; wait (bounded) for a free slot. */
	for (unsigned spin = 0; (uint16_t)(q->next_avail - q->last_used) >= q->size; spin++) {
		if (spin == 1000000) {
			nic.st.tx_full++;
			return -1;
		}
		cpu_pause();
		tx_reclaim();
	}
	uint16_t id = q->next_avail % q->size;
	uint8_t *buf = q->bufs + (size_t)id * BUF_SIZE;
	memset(buf, 0, HDR_LEN);
	memcpy(buf + HDR_LEN, frame, len);
	q->desc[id].len = (uint32_t)(HDR_LEN + len);
	q->desc[id].flags = 0;
	vq_publish(q, id);
	outw(nic.io + VIO_QUEUE_NOTIFY, 1);
	nic.st.tx++;
	tx_reclaim();
	return 0;
}

int vnet_irq_route(uint32_t apic_id, irq_handler_t h)
{
	unsigned line = pci_read32(&nic.pci, PCI_INTERRUPT_LINE) & 0xff, gsi, mode;
	if (!nic.up || acpi_irq_gsi(line, 1, &gsi, &mode) != 0 || gsi >= ioapic_inputs()) {
		printk("virtio-net: interrupt line %u has no usable IOAPIC input\n", line);
		return -1;
	}
	unsigned vector = VEC_NIC;   /* fixed: extensions name it (hook irq(0x50)) */
	if (irq_register(vector, h, IRQ_F_DRIVER) != 0 ||
	    ioapic_route(gsi, (uint8_t)vector, apic_id, mode, 1) != 0) {
		printk("virtio-net: vector %#x for GSI %u is taken\n", vector, gsi);
		return -1;
	}
	printk("virtio-net: interrupt line %u -> GSI %u (%s, active %s) -> vector %#x on APIC %u\n",
	       line, gsi, mode & IOAPIC_LEVEL ? "level" : "edge", mode & IOAPIC_LOW ? "low" : "high",
	       vector, apic_id);
	return (int)vector;
}

unsigned vnet_irq_ack(void) { return inb(nic.io + VIO_ISR); }

void vnet_rx_interrupts(int on)
{
	nic.rx.avail[0] = on ? 0 : AVAIL_F_NO_INTERRUPT;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* before the caller looks again */
}

int vnet_rx_pending(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return nic.up && nic.rx.last_used != nic.rx.used_hdr[1];
}

int vnet_poll(void (*fn)(const uint8_t *frame, size_t len, void *arg), void *arg, int budget)
{
	struct vq *q = &nic.rx;
	int n = 0;
	if (!nic.up)
		return 0;
	while (n < budget) {
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (q->last_used == q->used_hdr[1])
			break;
		struct vq_used_elem e = q->used[q->last_used % q->size];
		q->last_used++;
		if (e.id >= q->size || e.len < HDR_LEN || e.len > BUF_SIZE) {
			nic.st.rx_bad++;                 /* the device misbehaved */
		} else {
			nic.st.rx++;
			fn(q->bufs + (size_t)e.id * BUF_SIZE + HDR_LEN, e.len - HDR_LEN, arg);
		}
		if (e.id < q->size)
			rx_post((uint16_t)e.id);
		n++;
	}
	if (n)
		outw(nic.io + VIO_QUEUE_NOTIFY, 0);
	return n;
}


/*
 * Legacy (transitional) virtio-net PCI driver (kernel/drivers/virtio_net.c):
 * one NIC, interrupt-driven or polled.  Callers serialise every call (kernel/net/net.c holds
 * net_lock), except vnet_irq_ack.
 */
#ifndef LWK_VIRTIO_NET_H
#define LWK_VIRTIO_NET_H
#include <stddef.h>
#include <stdint.h>
#include <lwk/irq.h>

#define VNET_FRAME_MAX 1514          /* Ethernet frame without FCS */

struct vnet_stats {
	uint64_t rx, tx, rx_bad, tx_full;
	uint32_t rx_qsize, tx_qsize;
	uint16_t io_base, pad;
};

int vnet_init(void);                 /* 0, or -1 when no NIC (printed) */
const uint8_t *vnet_mac(void);       /* 6 bytes */
/* Queue one frame (copied); 0, or -1 if too long or the ring stays full. */
int vnet_send(const void *frame, size_t len);
/* Hand up to budget received frames to fn, reposting their buffers; the count. */
int vnet_poll(void (*fn)(const uint8_t *frame, size_t len, void *arg), void *arg, int budget);
int vnet_rx_pending(void);           /* frames wait in the used ring */
/* Route the NIC's interrupt to apic_id as handler h (IRQ_F_DRIVER): the
 * vector, or -1 (printed).  rx interrupts stay off until vnet_rx_interrupts. */
int vnet_irq_route(uint32_t apic_id, irq_handler_t h);
unsigned vnet_irq_ack(void);         /* read ISR: the line drops; its bits */
void vnet_rx_interrupts(int on);     /* the device may interrupt for rx */

#endif /* LWK_VIRTIO_NET_H */

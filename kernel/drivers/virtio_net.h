/*
 * Legacy (transitional) virtio-net PCI driver: one NIC, polled.
 * Callers serialise every call (kernel/net/net.c holds net_lock).
 */
#ifndef DRIVERS_VIRTIO_NET_H
#define DRIVERS_VIRTIO_NET_H
#include <stddef.h>
#include <stdint.h>

#define VNET_FRAME_MAX 1514          /* Ethernet frame without FCS */

struct vnet_stats {
	uint64_t rx, tx, rx_bad, tx_full;
	uint32_t rx_qsize, tx_qsize;
	uint16_t io_base, pad;
};

int vnet_init(void);                 /* 0, or -1 when no NIC (printed) */
int vnet_present(void);
const uint8_t *vnet_mac(void);       /* 6 bytes */
/* Queue one frame (copied); 0, or -1 if too long or the ring stays full. */
int vnet_send(const void *frame, size_t len);
/* Hand every received frame to fn and repost its buffer; the count. */
int vnet_poll(void (*fn)(const uint8_t *frame, size_t len, void *arg), void *arg);
void vnet_get_stats(struct vnet_stats *st);

#endif /* DRIVERS_VIRTIO_NET_H */

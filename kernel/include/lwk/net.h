/*
 * The kernel's message layer (net.c): reliable, in-order frames between
 * the nodes of one job over the NIC, user endpoints, the net_rx hook.
 */
#ifndef LWK_NET_H
#define LWK_NET_H
#include <stdint.h>

#define NET_NODES_MAX 16

extern uint64_t net_rank, net_nodes;
/* The application whose untrusted net_rx extensions are inserted (0: only
 * trusted ones, or none); kept by kernel/nimble/table.c. */
extern uint32_t net_rx_owner;

void net_init(void);    /* after kcore_init: kmem, tasks */
/* Send len bytes to endpoint ep of node on behalf of owner (0 = the
 * kernel/PCT: any endpoint; else the owner must own endpoint ep here).
 * Callable from a net_rx extension (net_lock already held). 0 or -errno. */
long net_send_kernel(uint32_t owner, uint64_t node, uint64_t ep, const void *buf, uint64_t len,
		     uint32_t type);

long sys_net_open(long ep, long mem, long len);
long sys_net_send(long node, long ep, long buf, long len, long type);
long sys_net_recv(long ep, long buf, long len, long msg, long timeout_ns);
long sys_net_info(long out);
long sys_net_flush(long quiet_ns);
long sys_net_close(long ep);
/* The application (aspace id) ended: close its endpoints now. */
void net_release(uint32_t owner);

#endif /* LWK_NET_H */

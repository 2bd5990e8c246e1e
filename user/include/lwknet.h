/*
 * Wrappers for the network calls of include/uapi/lwk.h (docs/net.md).
 * Each returns what the kernel returned: >= 0, or -errno.
 */
#ifndef LWKNET_H
#define LWKNET_H
#include "ulib.h"

static inline long net_open(uint32_t ep, void *mem, size_t len)
{
	return syscall3(SYS_net_open, ep, (long)mem, (long)len);
}

static inline long net_send(uint32_t node, uint32_t ep, const void *buf, size_t len, uint32_t type)
{
	return syscall6(SYS_net_send, node, ep, (long)buf, (long)len, type, 0);
}

static inline long net_recv(uint32_t ep, void *buf, size_t len, struct lwk_net_msg *m,
			    uint64_t timeout_ns)
{
	return syscall6(SYS_net_recv, ep, (long)buf, (long)len, (long)m, (long)timeout_ns, 0);
}

static inline long net_info(struct lwk_net_info *out) { return syscall1(SYS_net_info, (long)out); }
/* The counters now; all zero if the call fails. */
static inline struct lwk_net_info net_info_now(void)
{
	struct lwk_net_info i;
	memset(&i, 0, sizeof i);
	net_info(&i);
	return i;
}
static inline long net_flush(uint64_t quiet_ns) { return syscall1(SYS_net_flush, (long)quiet_ns); }
static inline long net_close(uint32_t ep) { return syscall1(SYS_net_close, ep); }

#endif /* LWKNET_H */

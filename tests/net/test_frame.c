/*
 * Host test of the frame parser and builder (kernel/net/frame.c): a
 * built frame parses back to the same header and payload; short,
 * foreign, corrupted and oversized frames are refused with the right
 * reason and never read outside the buffer (ASan/UBSan build).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "frame.h"
#include "tap.h"


static size_t build(uint8_t *f, uint16_t len)
{
	uint8_t payload[NET_PAYLOAD_MAX];
	for (int i = 0; i < NET_PAYLOAD_MAX; i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	struct net_hdr h = { .dst_mac = { 0x52, 0x54, 0, 0, 0, 2 },
			     .src_mac = { 0x52, 0x54, 0, 0, 0, 1 },
			     .kind = NET_DATA, .src = 3, .dst = 1, .endpoint = 2, .len = len,
			     .type = 0xdeadbeef, .seq = 0x01020304 };
	return net_frame_build(f, &h, payload);
}

/* Parse exactly len bytes copied into a heap block of that size, so that
 * ASan catches any read past the end. */
static enum net_err parse_exact(const uint8_t *f, size_t len, struct net_hdr *h,
				const uint8_t **p, uint8_t **copy)
{
	*copy = malloc(len ? len : 1);
	memcpy(*copy, f, len);
	return net_frame_parse(*copy, len, h, p);
}

int main(void)
{
	uint8_t f[NET_FRAME_MAX + 64];
	struct net_hdr h;
	const uint8_t *p;
	uint8_t *c;

	tap_plan(14);
	size_t n = build(f, 100);
	ok(n == NET_ETH_LEN + NET_HDR_LEN + 100, "built length is headers + payload");
	ok(parse_exact(f, n, &h, &p, &c) == NET_OK && h.kind == NET_DATA && h.src == 3 &&
	   h.dst == 1 && h.endpoint == 2 && h.len == 100 && h.type == 0xdeadbeef &&
	   h.seq == 0x01020304 && h.src_mac[5] == 1 && h.dst_mac[5] == 2,
	   "round trip: every header field");
	ok(p == c + NET_ETH_LEN + NET_HDR_LEN && p[0] == 3 && p[99] == (uint8_t)(99 * 7 + 3),
	   "round trip: payload in place");
	free(c);
	memset(f + n, 0, 20);
	ok(parse_exact(f, n + 20, &h, &p, &c) == NET_OK && h.len == 100, "Ethernet padding after the payload is accepted");
	free(c);
	ok(parse_exact(f, n - 1, &h, &p, &c) == NET_E_LEN, "payload cut short: len");
	free(c);
	ok(parse_exact(f, NET_ETH_LEN + NET_HDR_LEN - 1, &h, &p, &c) == NET_E_SHORT, "header cut short: short");
	free(c);
	ok(parse_exact(f, 0, &h, &p, &c) == NET_E_SHORT, "empty frame: short");
	free(c);
	f[12] = 0x08;
	ok(parse_exact(f, n, &h, &p, &c) == NET_E_ETHERTYPE, "IPv4 ethertype: not ours");
	free(c);
	build(f, 100);
	f[NET_ETH_LEN] ^= 1;
	ok(parse_exact(f, n, &h, &p, &c) == NET_E_MAGIC, "bad magic");
	free(c);
	build(f, 100);
	f[NET_ETH_LEN + 2] = 9;
	ok(parse_exact(f, n, &h, &p, &c) == NET_E_VERSION, "bad version");
	free(c);
	build(f, 100);
	f[NET_ETH_LEN + 3] = 0;
	ok(parse_exact(f, n, &h, &p, &c) == NET_E_KIND, "bad kind");
	free(c);
	n = build(f, NET_PAYLOAD_MAX);
	f[NET_ETH_LEN + 10] = (NET_PAYLOAD_MAX + 1) & 0xff;
	f[NET_ETH_LEN + 11] = (NET_PAYLOAD_MAX + 1) >> 8;
	ok(parse_exact(f, n + 1, &h, &p, &c) == NET_E_LEN, "payload over the maximum: len");
	free(c);
	build(f, 0);
	f[NET_ETH_LEN + 3] = NET_ACK;
	f[NET_ETH_LEN + 10] = 4;
	ok(parse_exact(f, NET_ETH_LEN + NET_HDR_LEN + 4, &h, &p, &c) == NET_E_LEN, "ACK with a payload: len");
	free(c);
	ok(strcmp(net_err_name(NET_E_KIND), "kind") == 0 && strcmp(net_err_name(NET_E_COUNT), "?") == 0,
	   "reason names");
	return tap_done();
}

/*
 * Frame parser and builder (frame.h).  The parser reads only within
 * [frame, frame + len) and trusts nothing in the frame: every length is
 * checked before it is used.
 */
#include "frame.h"

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }

enum net_err net_frame_parse(const uint8_t *f, size_t len, struct net_hdr *h,
			     const uint8_t **payload)
{
	if (len < NET_ETH_LEN + NET_HDR_LEN)
		return NET_E_SHORT;
	if ((f[12] << 8 | f[13]) != NET_ETHERTYPE)
		return NET_E_ETHERTYPE;
	const uint8_t *p = f + NET_ETH_LEN;
	if (get16(p) != NET_MAGIC)
		return NET_E_MAGIC;
	if (p[2] != NET_VERSION)
		return NET_E_VERSION;
	if (p[3] != NET_DATA && p[3] != NET_ACK)
		return NET_E_KIND;
	for (int i = 0; i < 6; i++) {
		h->dst_mac[i] = f[i];
		h->src_mac[i] = f[6 + i];
	}
	h->kind = p[3];
	h->src = get16(p + 4);
	h->dst = get16(p + 6);
	h->endpoint = get16(p + 8);
	h->len = get16(p + 10);
	h->type = get32(p + 12);
	h->seq = get32(p + 16);
	if (h->len > NET_PAYLOAD_MAX || h->len > len - NET_ETH_LEN - NET_HDR_LEN ||
	    (h->kind == NET_ACK && h->len != 0))
		return NET_E_LEN;
	*payload = p + NET_HDR_LEN;
	return NET_OK;
}

size_t net_frame_build(uint8_t *out, const struct net_hdr *h, const void *payload)
{
	const uint8_t *src = payload;
	for (int i = 0; i < 6; i++) {
		out[i] = h->dst_mac[i];
		out[6 + i] = h->src_mac[i];
	}
	out[12] = NET_ETHERTYPE >> 8;
	out[13] = NET_ETHERTYPE & 0xff;
	uint8_t *p = out + NET_ETH_LEN;
	put16(p, NET_MAGIC);
	p[2] = NET_VERSION;
	p[3] = h->kind;
	put16(p + 4, h->src);
	put16(p + 6, h->dst);
	put16(p + 8, h->endpoint);
	put16(p + 10, h->len);
	put32(p + 12, h->type);
	put32(p + 16, h->seq);
	__builtin_memcpy(p + NET_HDR_LEN, src, h->len);   /* memcpy: the kernel's or libc's */
	return NET_ETH_LEN + NET_HDR_LEN + h->len;
}

const char *net_err_name(enum net_err e)
{
	static const char *const names[NET_E_COUNT] = {
		"ok", "short", "ethertype", "magic", "version", "kind", "len",
	};
	return (unsigned)e < NET_E_COUNT ? names[e] : "?";
}

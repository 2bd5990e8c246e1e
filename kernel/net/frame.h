/*
 * The wire format of the message layer: an Ethernet header, then a
 * 20-byte header, then the payload.  Portable C with no kernel headers:
 * the host fuzzer (tests/net/fuzz_frame.c) builds it too.
 *
 *   eth:  dst mac[6] src mac[6] ethertype 0x88b5 (big endian)
 *   hdr:  u16 magic 'N''X' | u8 version 1 | u8 kind | u16 src rank |
 *         u16 dst rank | u16 endpoint | u16 payload len | u32 type | u32 seq
 *         (little endian)
 * A frame may be longer than header + len (Ethernet padding); never shorter.
 */
#ifndef NET_FRAME_H
#define NET_FRAME_H
#include <stddef.h>
#include <stdint.h>

#define NET_ETHERTYPE   0x88b5
#define NET_ETH_LEN     14
#define NET_HDR_LEN     20
#define NET_PAYLOAD_MAX 1024
#define NET_FRAME_MAX   (NET_ETH_LEN + NET_HDR_LEN + NET_PAYLOAD_MAX)
#define NET_MAGIC       0x584e          /* "NX" little endian */
#define NET_VERSION     1

enum net_kind { NET_DATA = 1, NET_ACK = 2 };

struct net_hdr {
	uint8_t dst_mac[6], src_mac[6];
	uint8_t kind;
	uint16_t src, dst, endpoint, len;
	uint32_t type, seq;      /* DATA: this frame's number; ACK: all below it arrived */
};

/* Why a frame was dropped (index into the layer's drop counters). */
enum net_err {
	NET_OK = 0,
	NET_E_SHORT,        /* shorter than the two headers        */
	NET_E_ETHERTYPE,    /* not ours (not counted as malformed)  */
	NET_E_MAGIC,
	NET_E_VERSION,
	NET_E_KIND,
	NET_E_LEN,          /* payload len beyond the frame or max  */
	NET_E_COUNT
};

/* Parse; on NET_OK *payload points into frame. */
enum net_err net_frame_parse(const uint8_t *frame, size_t len, struct net_hdr *h,
			     const uint8_t **payload);
/* Build into out (>= NET_ETH_LEN + NET_HDR_LEN + h->len bytes); the length. */
size_t net_frame_build(uint8_t *out, const struct net_hdr *h, const void *payload);
const char *net_err_name(enum net_err e);

#endif /* NET_FRAME_H */

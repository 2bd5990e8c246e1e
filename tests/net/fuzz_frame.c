/*
 * libFuzzer target: the frame parser must accept or refuse any bytes
 * without reading outside them; an accepted frame must describe a
 * payload inside the input, and building it again must give the same
 * header bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_hdr h;
	const uint8_t *p;
	if (net_frame_parse(data, size, &h, &p) != NET_OK)
		return 0;
	if (p != data + NET_ETH_LEN + NET_HDR_LEN || h.len > NET_PAYLOAD_MAX ||
	    (size_t)(p - data) + h.len > size)
		abort();
	uint8_t out[NET_FRAME_MAX];
	size_t n = net_frame_build(out, &h, p);
	if (n != NET_ETH_LEN + NET_HDR_LEN + h.len || memcmp(out, data, n) != 0)
		abort();
	return 0;
}

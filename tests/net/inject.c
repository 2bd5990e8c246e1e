/*
 * Puts hostile frames on a cluster's segment (run by tools/cluster.sh -x
 * inside the cluster's network namespace): every 20 ms one of each kind —
 * random bytes of random length, too short, our ethertype with a bad
 * magic, version or kind, a payload length beyond the frame, an oversized
 * length, an ACK with a payload, and well-formed frames from a rank not in
 * the job — for the given number of seconds.  The nodes must drop and
 * count them and still pass.  QEMU's socket netdev carries one Ethernet
 * frame per UDP datagram to the multicast group.
 *
 * With "flood", instead: an interrupt storm.  For SECONDS, RATE frames a
 * millisecond (default 40), well-formed DATA frames to node d (0..NODES-1)
 * from its partner d ^ 1 with a sequence number far ahead of any real one:
 * each is parsed, counted out of order and answered with an ACK, as a
 * peer sending as fast as it can would make a node do.
 *
 *   inject GROUP PORT SECONDS
 *   inject GROUP PORT SECONDS flood NODES [RATE]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "frame.h"

static int sock;
static struct sockaddr_in to;
static unsigned long sent;

static void put(const uint8_t *f, size_t len)
{
	if (sendto(sock, f, len, 0, (struct sockaddr *)&to, sizeof to) == (ssize_t)len)
		sent++;
}

static size_t valid(uint8_t *f, uint8_t kind, uint16_t src, uint16_t len)
{
	static const uint8_t payload[NET_PAYLOAD_MAX];
	struct net_hdr h = { .dst_mac = { 0x52, 0x54, 0, 0, 0, 1 },
			     .src_mac = { 0x52, 0x54, 0, 0, 0, 0x99 },
			     .kind = kind, .src = src, .dst = 0, .endpoint = 2, .len = len };
	return net_frame_build(f, &h, payload);
}

static void burst(void)
{
	uint8_t f[1600];
	size_t n = (size_t)(rand() % 1514) + 1;
	for (size_t i = 0; i < n; i++)
		f[i] = (uint8_t)rand();
	put(f, n);                                     /* random bytes */
	n = valid(f, NET_DATA, 0, 8);
	put(f, NET_ETH_LEN + 3);                       /* too short */
	f[NET_ETH_LEN] ^= 0xff;
	put(f, n);                                     /* bad magic */
	n = valid(f, NET_DATA, 1, 8);
	f[NET_ETH_LEN + 2] = 7;
	put(f, n);                                     /* bad version */
	n = valid(f, NET_DATA, 1, 8);
	f[NET_ETH_LEN + 3] = 9;
	put(f, n);                                     /* bad kind */
	n = valid(f, NET_DATA, 1, 64);
	put(f, n - 10);                                /* payload beyond the frame */
	n = valid(f, NET_DATA, 1, 0);
	f[NET_ETH_LEN + 10] = 0xff;
	f[NET_ETH_LEN + 11] = 0xff;
	put(f, n);                                     /* 65535-byte payload */
	n = valid(f, NET_ACK, 1, 0);
	f[NET_ETH_LEN + 10] = 4;
	put(f, n + 4);                                 /* ACK with a payload */
	put(f, valid(f, NET_DATA, 200, 16));           /* rank not in the job */
}

/* One millisecond's worth of the storm. */
static void flood(unsigned nodes, unsigned rate)
{
	static uint32_t seq = 1u << 30;
	uint8_t f[NET_ETH_LEN + NET_HDR_LEN + 64];
	static const uint8_t payload[64];
	for (unsigned i = 0; i < rate; i++) {
		uint16_t d = (uint16_t)(i % nodes);
		struct net_hdr h = { .dst_mac = { 0x52, 0x54, 0, 0, 0, (uint8_t)(d + 1) },
				     .src_mac = { 0x52, 0x54, 0, 0, 0, 0x98 },
				     .kind = NET_DATA, .src = d ^ 1, .dst = d, .endpoint = 2,
				     .len = sizeof payload, .seq = seq++ };
		put(f, net_frame_build(f, &h, payload));
	}
}

int main(int argc, char **argv)
{
	int storm = argc >= 6 && !strcmp(argv[4], "flood");
	if (argc != 4 && !(storm && argc <= 7)) {
		fprintf(stderr, "usage: %s GROUP PORT SECONDS [flood NODES [RATE]]\n", argv[0]);
		return 2;
	}
	sock = socket(AF_INET, SOCK_DGRAM, 0);
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)atoi(argv[2]));
	if (sock < 0 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "inject: bad group '%s' or no socket\n", argv[1]);
		return 2;
	}
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	if (setsockopt(sock, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof lo) < 0) {
		perror("inject: IP_MULTICAST_IF");
		return 2;
	}
	if (storm) {
		unsigned nodes = (unsigned)atoi(argv[5]), rate = argc == 7 ? (unsigned)atoi(argv[6]) : 40;
		if (nodes < 2 || nodes > 16 || rate == 0) {
			fprintf(stderr, "inject: flood wants 2..16 nodes and a rate above 0\n");
			return 2;
		}
		struct timespec ms = { 0, 1000 * 1000 };
		for (long t = 0; t < atol(argv[3]) * 1000; t++) {
			flood(nodes, rate);
			nanosleep(&ms, NULL);
		}
		printf("inject: %lu storm frames sent\n", sent);
		return 0;
	}
	srand(12345);
	long rounds = atol(argv[3]) * 50;
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	for (long r = 0; r < rounds; r++) {
		burst();
		nanosleep(&tick, NULL);
	}
	printf("inject: %lu hostile frames sent\n", sent);
	return 0;
}

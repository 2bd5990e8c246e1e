/*
 * Classic BPF through libpcap's bpf_filter (the BSD filter interpreter),
 * for the packet workload and the entry cost.  The filter program is
 * assembled here from the rule table, as tcpdump's compiler would emit
 * it without its optimiser: per rule, per field the rule constrains, load
 * the field (absolute, big-endian), mask it unless the mask is full, and
 * compare; a mismatch jumps to the next rule, the end of a rule returns
 * its index + 1, and the end of the program returns 0.
 */
#define _DEFAULT_SOURCE /* libpcap's headers use the BSD u_int types */
#include <pcap/pcap.h>
#include "bench.h"

const char *const sys_name = "bpf";
const int sys_has_mode = 0;

#define PROG_MAX 256
static struct bpf_insn prog[PROG_MAX];
static unsigned prog_len;

static const struct { uint16_t size; uint32_t off, full; } field[5] = {
	{ BPF_W, BENCH_OFF_SRC, 0xffffffff },
	{ BPF_W, BENCH_OFF_DST, 0xffffffff },
	{ BPF_H, BENCH_OFF_SPORT, 0xffff },
	{ BPF_H, BENCH_OFF_DPORT, 0xffff },
	{ BPF_B, BENCH_OFF_PROTO, 0xff },
};

static void emit(uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	prog[prog_len++] = (struct bpf_insn){ code, jt, jf, k };
}

/* One rule's block; its compares' false branches are patched to the
 * first instruction after the block's ret. */
static void rule_emit(const struct bench_rule *r, unsigned k)
{
	unsigned jeq[5], nj = 0;
	for (int f = 0; f < 5; f++) {
		if (r->mask[f] == 0)
			continue;
		emit(BPF_LD | field[f].size | BPF_ABS, 0, 0, field[f].off);
		if (r->mask[f] != field[f].full)
			emit(BPF_ALU | BPF_AND | BPF_K, 0, 0, r->mask[f]);
		jeq[nj++] = prog_len;
		emit(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, r->val[f]);
	}
	emit(BPF_RET | BPF_K, 0, 0, k + 1);
	for (unsigned j = 0; j < nj; j++)
		prog[jeq[j]].jf = (uint8_t)(prog_len - jeq[j] - 1);
}

static int prog_build(void)
{
	prog_len = 0;
	for (unsigned k = 0; k < BENCH_NRULES; k++)
		rule_emit(&bench_rules[k], k);
	emit(BPF_RET | BPF_K, 0, 0, 0);
	if (!bpf_validate(prog, (int)prog_len)) {
		bench_fail("libpcap refuses the assembled filter (%u insns)", prog_len);
		return -1;
	}
	return 0;
}

int sys_init(const char *mode)
{
	(void)mode;
	data_init();
	return prog_build();
}

static uint64_t one(void) { return 1; }

static uint64_t packet_run(uint64_t n)
{
	uint64_t s = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t f = i % BENCH_NFRAMES;
		s += bpf_filter(prog, bench_frames[f], BENCH_FRAME_LEN, BENCH_FRAME_LEN) * (f + 1);
	}
	return s;
}

/* The empty filter: "ret #0". */
static uint64_t entry_run(uint64_t n)
{
	static const struct bpf_insn empty[1] = { { BPF_RET | BPF_K, 0, 0, 0 } };
	uint64_t s = 0;
	for (uint64_t i = 0; i < n; i++)
		s += bpf_filter(empty, bench_frames[0], BENCH_FRAME_LEN, BENCH_FRAME_LEN);
	return s + n;
}

static const struct bench_work works[] = {
	{ "packet", one, packet_run },
	{ "entry", one, entry_run },
	{ NULL, NULL, NULL },
};

const struct bench_work *sys_works = works;

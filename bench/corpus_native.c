/*
 * The corpus in native C (bench/README.md, "Corpus"): each function is one
 * hook call of the workload of the same name in bench/workloads/corpus,
 * written as plainly, on the same data (data.c), with the same answer.
 * Call i gets i and its key (ctx.arg[0] and ctx.arg[1] of the extension);
 * the sched kinds see the first BENCH_CTASKS tasks with now = i.
 */
#include "bench.h"
#include "corpus_native.h"

/* FNV-1a over a 256-byte window of the text. */
uint64_t cn_fnv1a(uint64_t i, uint64_t key)
{
	(void)key;
	const uint8_t *p = bench_bytes + (i % 16) * 256;
	uint64_t h = 0xcbf29ce484222325ull;
	for (int k = 0; k < 256; k++) {
		h ^= p[k];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* murmur3's 64-bit finaliser. */
static uint64_t fmix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return k;
}

/* Mixing of 64 words, combined in order. */
uint64_t cn_murmur(uint64_t i, uint64_t key)
{
	(void)key;
	const uint64_t *w = bench_words + (i % 16) * 64;
	uint64_t h = 0;
	for (int k = 0; k < 64; k++)
		h = h * 31 + fmix(w[k]);
	return h;
}

/* Bitwise CRC-32 (reflected, 0xedb88320) of a 64-byte window. */
uint64_t cn_crc32(uint64_t i, uint64_t key)
{
	(void)key;
	const uint8_t *p = bench_bytes + (i % 64) * 64;
	uint64_t crc = 0xffffffff;
	for (int k = 0; k < 64; k++) {
		crc ^= p[k];
		for (int b = 0; b < 8; b++) {
			if (crc & 1)
				crc = (crc >> 1) ^ 0xedb88320;
			else
				crc >>= 1;
		}
	}
	return crc ^ 0xffffffff;
}

/* Lower bound of key among the sorted keys, plus 2048 if found. */
uint64_t cn_bsearch(uint64_t i, uint64_t key)
{
	(void)i;
	uint64_t lo = 0, hi = BENCH_CSORTED;
	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;
		if (bench_sorted[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo + (lo < BENCH_CSORTED && bench_sorted[lo] == key ? 2048 : 0);
}

/* Slot + 1 of key in the linear-probing table, 0 if absent. */
uint64_t cn_hprobe(uint64_t i, uint64_t key)
{
	(void)i;
	uint64_t h = (key * 0x9e3779b97f4a7c15ull) >> 54;
	for (;;) {
		if (bench_htab[h] == key)
			return h + 1;
		if (bench_htab[h] == 0)
			return 0;
		h = (h + 1) & (BENCH_HSLOTS - 1);
	}
}

/* Insertion sort of 32 words; the sorted words weighted by position. */
uint64_t cn_isort(uint64_t i, uint64_t key)
{
	(void)key;
	uint64_t a[32];
	const uint64_t *w = bench_words + (i % 32) * 32;
	for (int k = 0; k < 32; k++) {
		uint64_t v = w[k];
		int j = k;
		while (j > 0 && a[j - 1] > v) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
	uint64_t s = 0;
	for (int k = 0; k < 32; k++)
		s += a[k] * (uint64_t)(k + 1);
	return s;
}

/* A binary min-heap: push 32 words, pop them all; hash of the order. */
uint64_t cn_heap(uint64_t i, uint64_t key)
{
	(void)key;
	uint64_t h[32];
	uint64_t n = 0, s = 0;
	const uint64_t *w = bench_words + (i % 32) * 32;
	for (int k = 0; k < 32; k++) {
		uint64_t c = n++;
		while (c > 0 && h[(c - 1) / 2] > w[k]) {
			h[c] = h[(c - 1) / 2];
			c = (c - 1) / 2;
		}
		h[c] = w[k];
	}
	while (n > 0) {
		s = s * 31 + h[0];
		uint64_t v = h[--n], c = 0;
		for (;;) {
			uint64_t l = 2 * c + 1;
			if (l >= n)
				break;
			if (l + 1 < n && h[l + 1] < h[l])
				l++;
			if (h[l] >= v)
				break;
			h[c] = h[l];
			c = l;
		}
		h[c] = v;
	}
	return s;
}

/* Earliest deadline (runtime / 65536: 16 classes, many ties), then the
 * higher priority, then the first: index + 1. */
uint64_t cn_edf(uint64_t i, uint64_t key)
{
	(void)i, (void)key;
	uint64_t best = 0, bd = UINT64_MAX;
	int64_t bp = INT64_MIN;
	for (uint64_t k = 0; k < BENCH_CTASKS; k++) {
		uint64_t d = bench_tasks[k].runtime / 65536;
		int64_t p = bench_tasks[k].prio;
		if (d < bd || (d == bd && p > bp)) {
			bd = d;
			bp = p;
			best = k + 1;
		}
	}
	return best;
}

/* Weighted fair queueing: weight prio + 1001, the task with the smallest
 * virtual finish time runs (the first on ties) and its finish time
 * advances by 2^20 / weight; reset at now 0.  Index + 1 plus the virtual
 * time's low bits, so the clock is checked too. */
#define WFQ_SCALE (1 << 20)
uint64_t cn_wfq(uint64_t i, uint64_t key)
{
	(void)key;
	static uint64_t fin[BENCH_CTASKS], vtime;
	if (i == 0) {
		for (int k = 0; k < BENCH_CTASKS; k++)
			fin[k] = WFQ_SCALE / (uint64_t)(bench_tasks[k].prio + 1001);
		vtime = 0;
	}
	uint64_t best = 0;
	for (uint64_t k = 1; k < BENCH_CTASKS; k++)
		if (fin[k] < fin[best])
			best = k;
	vtime = fin[best];
	fin[best] += WFQ_SCALE / (uint64_t)(bench_tasks[best].prio + 1001);
	return best + 1 + (vtime & 0xff) * 256;
}

/* Parse Ethernet + IPv4 (+ ports), then a token bucket per flow (16
 * buckets by source and port): 2 bytes a tick, burst 256, a frame of
 * total length L passes if L tokens remain.  Bucket * 4 + 1 (pass) or 2
 * (drop); 0 for a frame that is not IPv4; reset at tick 0. */
uint64_t cn_tbf(uint64_t i, uint64_t key)
{
	(void)key;
	static uint64_t tokens[16], last[16];
	const uint8_t *f = bench_frames[i % BENCH_NFRAMES];
	if (i == 0)
		for (int b = 0; b < 16; b++) {
			tokens[b] = 256;
			last[b] = 0;
		}
	if ((f[12] << 8 | f[13]) != 0x0800 || f[14] >> 4 != 4)
		return 0;
	uint64_t l4 = 14 + (uint64_t)(f[14] & 15) * 4;
	uint64_t len = (uint64_t)f[16] << 8 | f[17];
	uint64_t src = (uint64_t)f[26] << 24 | (uint64_t)f[27] << 16 | (uint64_t)f[28] << 8 | f[29];
	uint64_t dport = (uint64_t)f[l4 + 2] << 8 | f[l4 + 3];
	uint64_t b = (src ^ src >> 16 ^ dport) & 15;
	tokens[b] += (i - last[b]) * 2;
	if (tokens[b] > 256)
		tokens[b] = 256;
	last[b] = i;
	if (tokens[b] < len)
		return b * 4 + 2;
	tokens[b] -= len;
	return b * 4 + 1;
}

/* Longest-prefix match of the 32-bit address key in the trie: the next
 * hop of the deepest prefix on its path, 0 if none. */
uint64_t cn_lpm(uint64_t i, uint64_t key)
{
	(void)i;
	uint64_t n = 0, hop = 0;
	for (int b = 31; b >= 0; b--) {
		n = bench_trie[3 * n + (key >> b & 1)];
		if (n == 0)
			break;
		if (bench_trie[3 * n + 2])
			hop = bench_trie[3 * n + 2];
	}
	return hop;
}

/* Popcount (clear the lowest set bit) and bit reversal (bit by bit) of 8
 * words. */
uint64_t cn_bits(uint64_t i, uint64_t key)
{
	(void)key;
	const uint64_t *w = bench_words + (i % 128) * 8;
	uint64_t s = 0;
	for (int k = 0; k < 8; k++) {
		uint64_t x = w[k], c = 0, r = 0;
		while (x) {
			x &= x - 1;
			c++;
		}
		x = w[k];
		for (int b = 0; b < 64; b++) {
			r = r << 1 | (x & 1);
			x >>= 1;
		}
		s = s * 31 + r + c;
	}
	return s;
}

/* y = M v in Q16 (8x8 matrix, one of 64 vectors); sum of y[r] * (r + 1). */
uint64_t cn_matvec(uint64_t i, uint64_t key)
{
	(void)key;
	const int64_t *m = bench_q16, *v = bench_q16 + 64 + (i % 64) * 8;
	int64_t s = 0;
	for (int r = 0; r < 8; r++) {
		int64_t y = 0;
		for (int c = 0; c < 8; c++)
			y += m[r * 8 + c] * v[c];
		s += (y >> 16) * (r + 1);
	}
	return (uint64_t)s;
}

/* Occurrences of the 4-byte pattern key (little-endian) in a 256-byte
 * window, naively; plus 65536 * (first position + 1). */
uint64_t cn_psearch(uint64_t i, uint64_t key)
{
	const uint8_t *p = bench_bytes + (i % 16) * 256;
	uint64_t count = 0, first = 0;
	for (int k = 0; k + 4 <= 256; k++) {
		int j = 0;
		while (j < 4 && p[k + j] == (key >> (8 * j) & 0xff))
			j++;
		if (j == 4) {
			if (count == 0)
				first = (uint64_t)k + 1;
			count++;
		}
	}
	return count + first * 65536;
}

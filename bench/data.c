/*
 * The data every system works on, generated deterministically (a fixed
 * xorshift64 seed) so that all systems see the same tasks, frames and
 * vectors, and the reference answers in plain C.
 */
#include <string.h>
#include "bench.h"

/* Sixteen firewall-like rules: value and mask of (src, dst, sport, dport,
 * proto).  A zero mask is a wildcard.  The Nimble workload
 * (workloads/packet.ext) carries the same table as literals. */
const struct bench_rule bench_rules[BENCH_NRULES] = {
	{ { 0x0a000000, 0, 0, 22, 6 },             { 0xff000000, 0, 0, 0xffff, 0xff } },
	{ { 0x0a010000, 0xc0a80000, 0, 80, 6 },    { 0xffff0000, 0xffff0000, 0, 0xffff, 0xff } },
	{ { 0, 0xc0a80100, 0, 443, 6 },            { 0, 0xffffff00, 0, 0xffff, 0xff } },
	{ { 0xac100000, 0, 53, 0, 17 },            { 0xfff00000, 0, 0xffff, 0, 0xff } },
	{ { 0, 0, 0, 53, 17 },                     { 0, 0, 0, 0xffff, 0xff } },
	{ { 0x0a020304, 0x0a090909, 0, 0, 0 },     { 0xffffffff, 0xffffffff, 0, 0, 0 } },
	{ { 0, 0xe0000000, 0, 0, 17 },             { 0, 0xf0000000, 0, 0, 0xff } },
	{ { 0xc0a80000, 0x0a000000, 0x0400, 0, 6 },{ 0xffff0000, 0xff000000, 0xfc00, 0, 0xff } },
	{ { 0, 0, 0, 8080, 6 },                    { 0, 0, 0, 0xffff, 0xff } },
	{ { 0x64400000, 0, 0, 0, 0 },              { 0xffc00000, 0, 0, 0, 0 } },
	{ { 0, 0x08080808, 0, 853, 6 },            { 0, 0xffffffff, 0, 0xffff, 0xff } },
	{ { 0x0a0a0000, 0x0a140000, 0, 2049, 6 },  { 0xffff0000, 0xffff0000, 0, 0xffff, 0xff } },
	{ { 0, 0, 123, 123, 17 },                  { 0, 0, 0xffff, 0xffff, 0xff } },
	{ { 0xc6336400, 0, 0, 0, 6 },              { 0xffffff00, 0, 0, 0xff00, 0xff } },
	{ { 0, 0xcb007100, 0, 0, 1 },              { 0, 0xffffff00, 0, 0, 0xff } },
	{ { 0x0a000000, 0x0a000000, 0, 0, 17 },    { 0xff000000, 0xff000000, 0, 0, 0xff } },
};

struct nx_task_view bench_tasks[BENCH_NTASKS_MAX];
uint8_t bench_frames[BENCH_NFRAMES][BENCH_FRAME_LEN];
int64_t bench_x[BENCH_VLEN], bench_y0[BENCH_VLEN];
uint64_t bench_words[BENCH_CWORDS], bench_sorted[BENCH_CSORTED];
uint64_t bench_htab[BENCH_HSLOTS], bench_trie[3 * BENCH_TRIE_MAX];
uint8_t bench_bytes[BENCH_CBYTES];
int64_t bench_q16[BENCH_NQ16];
static uint64_t keys_bsearch[BENCH_NCKEYS], keys_hprobe[BENCH_NCKEYS],
	keys_lpm[BENCH_NCKEYS], keys_psearch[BENCH_NCKEYS];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static void put_be(uint8_t *p, uint32_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* A frame whose 5-tuple is tup: Ethernet II (IPv4), IPv4 header with
 * IHL 5, then the two ports. */
static void frame_build(uint8_t *f, const uint32_t tup[5])
{
	memset(f, 0, BENCH_FRAME_LEN);
	put_be(f + 12, 0x0800, 2);
	f[14] = 0x45;
	put_be(f + 16, BENCH_FRAME_LEN - 14, 2);
	f[22] = 64;
	f[BENCH_OFF_PROTO] = (uint8_t)tup[4];
	put_be(f + BENCH_OFF_SRC, tup[0], 4);
	put_be(f + BENCH_OFF_DST, tup[1], 4);
	put_be(f + BENCH_OFF_SPORT, tup[2], 2);
	put_be(f + BENCH_OFF_DPORT, tup[3], 2);
}

/* Three frames in four are aimed at a random rule (fields the rule does
 * not mask are random); the rest are random tuples, which mostly match
 * nothing and so scan all sixteen rules. */
static void frames_init(void)
{
	static const uint32_t width[5] = { 0xffffffff, 0xffffffff, 0xffff, 0xffff, 0xff };
	for (int i = 0; i < BENCH_NFRAMES; i++) {
		uint32_t tup[5];
		int aim = rng_next() % 4 != 0;
		const struct bench_rule *r = &bench_rules[rng_next() % BENCH_NRULES];
		for (int f = 0; f < 5; f++) {
			uint32_t v = (uint32_t)rng_next() & width[f];
			tup[f] = aim ? (r->val[f] & r->mask[f]) | (v & ~r->mask[f]) : v;
		}
		frame_build(bench_frames[i], tup);
	}
}

/* The slot where key lives or would go: Fibonacci hashing, linear probing
 * (workloads/corpus/hprobe.ext probes the same way). */
static uint64_t htab_slot(uint64_t key)
{
	uint64_t h = (key * 0x9e3779b97f4a7c15ull) >> 54;
	while (bench_htab[h] != 0 && bench_htab[h] != key)
		h = (h + 1) & (BENCH_HSLOTS - 1);
	return h;
}

/* A binary trie, 3 words a node (child 0, child 1, next hop; node 0 the
 * root, so child 0 means none), of BENCH_NPFX prefixes of 8..24 bits;
 * prefix k has next hop k + 1.  Returns one prefix's address and length
 * per k in pfx/plen, to aim lookups at. */
static void trie_init(uint32_t pfx[BENCH_NPFX], int plen[BENCH_NPFX])
{
	uint64_t nodes = 1;
	for (int k = 0; k < BENCH_NPFX; k++) {
		pfx[k] = (uint32_t)rng_next();
		plen[k] = 8 + (int)(rng_next() % 17);
		uint64_t n = 0;
		for (int b = 0; b < plen[k]; b++) {
			uint64_t *child = &bench_trie[3 * n + (pfx[k] >> (31 - b) & 1)];
			if (!*child)
				*child = nodes++;
			n = *child;
		}
		bench_trie[3 * n + 2] = (uint64_t)k + 1;
	}
}

/* The corpus data and per-call keys: half the keys hit (present keys,
 * addresses inside a prefix, patterns taken from the text), half are
 * random. */
static void corpus_init(void)
{
	for (int i = 0; i < BENCH_CWORDS; i++)
		bench_words[i] = rng_next();
	for (int i = 0; i < BENCH_CBYTES; i++)
		bench_bytes[i] = (uint8_t)('a' + rng_next() % 4);
	for (int i = 0; i < BENCH_CSORTED; i++)
		bench_sorted[i] = (i ? bench_sorted[i - 1] : 0) + 1 + rng_next() % 16;
	for (int i = 0; i < BENCH_HKEYS; i++) {
		uint64_t key = rng_next() | 1;
		bench_htab[htab_slot(key)] = key;
	}
	for (int i = 0; i < BENCH_NQ16; i++)
		bench_q16[i] = (int64_t)(rng_next() % (2 << 16)) - (1 << 16);
	uint32_t pfx[BENCH_NPFX];
	int plen[BENCH_NPFX];
	trie_init(pfx, plen);
	for (int i = 0; i < BENCH_NCKEYS; i++) {
		int hit = i % 2 == 0;
		uint64_t r = rng_next();
		keys_bsearch[i] = hit ? bench_sorted[r % BENCH_CSORTED] : r % (bench_sorted[BENCH_CSORTED - 1] + 8);
		uint64_t slot = r % BENCH_HSLOTS;
		while (!bench_htab[slot])
			slot = (slot + 1) & (BENCH_HSLOTS - 1);
		keys_hprobe[i] = hit ? bench_htab[slot] : r | 1;
		int k = (int)(r % BENCH_NPFX);
		uint32_t low = (uint32_t)rng_next() & (0xffffffffu >> plen[k]);
		keys_lpm[i] = hit ? (pfx[k] & ~(0xffffffffu >> plen[k])) | low : (uint32_t)r;
		const uint8_t *p = &bench_bytes[r % (BENCH_CBYTES - 4)];
		keys_psearch[i] = hit ? (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
			(uint64_t)p[3] << 24 : 0x61616161u + (r & 0x03030303u);
	}
}

void data_init(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	for (int i = 0; i < BENCH_NTASKS_MAX; i++) {
		struct nx_task_view *t = &bench_tasks[i];
		t->tid = (uint32_t)i + 1;
		t->prio = (int32_t)(rng_next() % 2001) - 1000;
		t->owner = 1;
		t->flags = 0;
		t->runtime = rng_next() % 1000000;
		t->waited = rng_next() % 1000000;
	}
	frames_init();
	for (int i = 0; i < BENCH_VLEN; i++) {
		bench_x[i] = (int64_t)(rng_next() % (1u << 20));
		bench_y0[i] = (int64_t)(rng_next() % (1u << 20));
	}
	corpus_init();
}

static const struct corpus_work corpus[] = {
	{ "fnv1a", CORPUS_TRAP, bench_bytes, sizeof bench_bytes, NULL },
	{ "murmur", CORPUS_TRAP, bench_words, sizeof bench_words, NULL },
	{ "crc32", CORPUS_TRAP, bench_bytes, sizeof bench_bytes, NULL },
	{ "bsearch", CORPUS_TRAP, bench_sorted, sizeof bench_sorted, keys_bsearch },
	{ "hprobe", CORPUS_TRAP, bench_htab, sizeof bench_htab, keys_hprobe },
	{ "isort", CORPUS_TRAP, bench_words, sizeof bench_words, NULL },
	{ "heap", CORPUS_TRAP, bench_words, sizeof bench_words, NULL },
	{ "edf", CORPUS_SCHED, NULL, 0, NULL },
	{ "wfq", CORPUS_SCHED, NULL, 0, NULL },
	{ "tbf", CORPUS_FRAME, NULL, 0, NULL },
	{ "lpm", CORPUS_TRAP, bench_trie, sizeof bench_trie, keys_lpm },
	{ "bits", CORPUS_TRAP, bench_words, sizeof bench_words, NULL },
	{ "matvec", CORPUS_TRAP, bench_q16, sizeof bench_q16, NULL },
	{ "psearch", CORPUS_TRAP, bench_bytes, sizeof bench_bytes, keys_psearch },
	{ NULL, CORPUS_TRAP, NULL, 0, NULL },
};

const struct corpus_work *corpus_find(const char *name)
{
	for (const struct corpus_work *c = corpus; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

uint64_t corpus_key(const struct corpus_work *c, uint64_t i)
{
	return c->keys ? c->keys[i % BENCH_NCKEYS] : 0;
}

/* Index + 1 of the task of highest priority among the first n, the first
 * one on ties; 0 if n is 0.  As in the sched_pick hook's context, every
 * task of the view is runnable (docs/language.md, ctx.ntasks). */
uint64_t data_pick(const struct nx_task_view *t, uint64_t n)
{
	uint64_t best = 0;
	int32_t bp = INT32_MIN;
	for (uint64_t i = 0; i < n; i++)
		if (t[i].prio > bp) {
			bp = t[i].prio;
			best = i + 1;
		}
	return best;
}

static uint32_t get_be(const uint8_t *p, int bytes)
{
	uint32_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

/* Index + 1 of the first rule the frame's 5-tuple matches; 0 if none. */
uint64_t data_match(const uint8_t *f)
{
	uint32_t tup[5] = {
		get_be(f + BENCH_OFF_SRC, 4), get_be(f + BENCH_OFF_DST, 4),
		get_be(f + BENCH_OFF_SPORT, 2), get_be(f + BENCH_OFF_DPORT, 2),
		f[BENCH_OFF_PROTO],
	};
	for (int k = 0; k < BENCH_NRULES; k++) {
		const struct bench_rule *r = &bench_rules[k];
		int f5 = 0;
		while (f5 < 5 && (tup[f5] & r->mask[f5]) == r->val[f5])
			f5++;
		if (f5 == 5)
			return (uint64_t)k + 1;
	}
	return 0;
}

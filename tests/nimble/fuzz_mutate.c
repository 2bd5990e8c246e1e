/*
 * The structure-aware mutator of fuzz_nx_struct (linked with fuzz_nx.c):
 * instead of flipping bytes anywhere, which leaves ~99% of mutants dead at
 * the header, it changes one thing an object means and keeps the rest
 * consistent: a field of one instruction word (opcode, a register, the
 * immediate, a branch offset kept inside the function), a function's
 * start, length, nregs or nargs, a hook, export or import entry, the data
 * segment's size, or a copy of one instruction over another.  The header
 * and the section table are left alone, so the mutant reaches the
 * verifier and, when it passes, the handlers.  Inputs that are not an
 * object (or are too broken to walk) get libFuzzer's own mutations.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <nimble/nx.h>
#include <nimble/isa.h>
#include <nimble/hooks.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

static uint64_t rng;

static uint32_t below(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

/* A small change of v: +-1..4, a boundary, or anything. */
static uint32_t nudge(uint32_t v, uint32_t limit)
{
	switch (below(4)) {
	case 0:  return v + 1 + below(4);
	case 1:  return v - 1 - below(4);
	case 2:  return below(2) ? limit : limit - 1;
	default: return below(limit + 2);
	}
}

/* The body of section kind k as elem-byte entries, or NULL. */
static uint8_t *section(uint8_t *obj, size_t size, unsigned kind, size_t elem, uint32_t *n)
{
	const struct nx_header *h = (const void *)obj;
	*n = 0;
	if (h->sect_off > size || (uint64_t)h->nsect * sizeof(struct nx_section) > size - h->sect_off)
		return NULL;
	for (uint32_t i = 0; i < h->nsect; i++) {
		struct nx_section s;
		memcpy(&s, obj + h->sect_off + i * sizeof s, sizeof s);
		if (s.kind != kind || s.off > size || s.size > size - s.off)
			continue;
		*n = elem ? s.size / (uint32_t)elem : s.size;
		return *n ? obj + s.off : NULL;
	}
	return NULL;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* One field of instruction word i (functions f, nf give the branch range). */
static void mutate_insn(uint8_t *code, uint32_t ncode, uint32_t i)
{
	uint64_t w;
	memcpy(&w, code + 8 * i, 8);
	unsigned op = NX_INSN_OP(w), a = NX_INSN_A(w), b = NX_INSN_B(w), c = NX_INSN_C(w);
	int32_t imm = NX_INSN_IMM(w);
	switch (below(7)) {
	case 0: op = below(NX_OP_COUNT + 2); break;
	case 1: a = nudge(a, 16) & 0xff; break;
	case 2: b = nudge(b, 16) & 0xff; break;
	case 3: c = nudge(c, NX_SEG_COUNT) & 0xff; break;
	case 4: imm = (int32_t)nudge((uint32_t)imm, 64); break;
	case 5: imm = (int32_t)below(2 * ncode + 2) - (int32_t)ncode - 1; break;   /* a branch anywhere */
	default: {                                   /* copy another instruction here */
		memcpy(&w, code + 8 * below(ncode), 8);
		memcpy(code + 8 * i, &w, 8);
		return;
	}
	}
	w = NX_INSN(op, a, b, c, imm);
	memcpy(code + 8 * i, &w, 8);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	const struct nx_header *h = (const void *)data;
	uint32_t ncode, nfn, nhk, nex, nim, nxi;
	uint8_t *code = NULL;
	if (size >= sizeof *h && h->magic == NX_MAGIC)
		code = section(data, size, NX_SECT_CODE, 8, &ncode);
	if (!code || below(16) == 0)
		return LLVMFuzzerMutate(data, size, max_size);
	uint8_t *fn = section(data, size, NX_SECT_FUNCS, sizeof(struct nx_func), &nfn);
	uint8_t *hk = section(data, size, NX_SECT_HOOKS, sizeof(struct nx_hook), &nhk);
	uint8_t *ex = section(data, size, NX_SECT_EXPORTS, sizeof(struct nx_export), &nex);
	uint8_t *im = section(data, size, NX_SECT_HELPERS, sizeof(struct nx_import), &nim);
	uint8_t *xi = section(data, size, NX_SECT_XIMPORTS, sizeof(struct nx_ximport), &nxi);
	for (unsigned k = 1 + below(3); k; k--) {
		unsigned what = below(10);
		if (what < 5) {
			mutate_insn(code, ncode, below(ncode));
		} else if (what < 7 && fn) {
			uint8_t *f = fn + sizeof(struct nx_func) * below(nfn);
			switch (below(4)) {
			case 0: put32(f + 4, nudge(get32(f + 4), ncode)); break;                /* start */
			case 1: put32(f + 8, nudge(get32(f + 8), ncode)); break;                /* len   */
			case 2: f[12] = (uint8_t)nudge(f[12], NX_MAX_REGS); break;             /* nregs */
			default: f[13] = (uint8_t)nudge(f[13], NX_MAX_ARGS); break;            /* nargs */
			}
		} else if (what == 7 && hk) {
			uint8_t *e = hk + sizeof(struct nx_hook) * below(nhk);
			unsigned field = below(4);
			put32(e + 4 * field, nudge(get32(e + 4 * field), field == 0 ? NX_HOOK_COUNT : nfn));
		} else if (what == 8 && (ex || im)) {
			if (ex)
				put32(ex + 8 * below(nex) + 4, nudge(get32(ex + 4), nfn));         /* export's func */
			if (im)
				put32(im + 8 * below(nim) + 4, nudge(get32(im + 4), NX_MAX_ARGS));  /* helper nargs */
		} else if (xi) {
			put32(xi + 16 * below(nxi) + 8, nudge(get32(xi + 8), NX_MAX_ARGS));
		} else {
			mutate_insn(code, ncode, below(ncode));
		}
	}
	return size;
}

/*
 * The translator's steps, which translate.c runs in this order over a
 * verified extension:
 *   decode.c  instruction words to cells, one each (cell i = instruction i)
 *   zero.c    the registers a CALL or an entry from the host must zero
 *             (with live.c, the register liveness both it and fuse.c use)
 *   fuse.c    superinstructions over the decoded cells
 * lab is the handler set's label table (nx_labels), indexed by enum
 * nx_handler.
 */
#ifndef NIMBLE_TRANSLATE_H
#define NIMBLE_TRANSLATE_H

#include "internal.h"

/* A branch's offset, in instructions from the next one (where its
 * format keeps it: NX_FORMATS). */
static inline int32_t nx_branch_off(uint64_t w)
{
	return NX_INSN_BRANCH_OFF(w, nx_fmt_fields(nx_op_fmt(NX_INSN_OP(w))));
}

/* Whether instruction w branches (its format has a branch offset). */
static inline int nx_is_branch(uint64_t w)
{
	return (nx_fmt_fields(nx_op_fmt(NX_INSN_OP(w))) & (NX_FOFF | NX_FOFF16)) != 0;
}

/* The handler of a BRANCH-class op when it jumps back (it costs fuel);
 * op itself for any other. */
static inline unsigned nx_back_handler(unsigned op)
{
	switch (op) {
#define NX_ROW(name, fmt, e) case NX_OP_##name: return NX_H_##name##_B;
	NX_ISA(NX_ONLY_BRANCH)
#undef NX_ROW
	}
	return op;
}

/* live.c: bit sets of registers 0..63; nx_live analyses f (nregs <= 64)
 * when a RET hands its caller obs, into in[k] = live before insn k. */
uint64_t nx_bits_below(unsigned n);
void nx_insn_regs(uint64_t w, uint64_t *use, uint64_t *def);
unsigned nx_insn_succ(const struct nx_ext *e, uint32_t i, uint32_t s[2]);
int nx_live(const struct nx_ext *e, const struct nx_fn *f, uint64_t obs, uint64_t *in);
uint64_t nx_live_out(const struct nx_ext *e, const struct nx_fn *f, uint64_t obs, const uint64_t *in, uint32_t k);

void nx_decode(struct nx_ext *e, const void *const *lab);
/* nx_zero_ranges returns 1 when the analysis settled: then live[i] (one
 * word per instruction i; live may be NULL: no analysis) holds every
 * function's liveness, which nx_fuse uses for the pair variants (NULL:
 * none). */
int nx_zero_ranges(struct nx_ext *e, uint64_t *live);
void nx_fuse(struct nx_ext *e, const void *const *lab, const uint64_t *live);

#endif /* NIMBLE_TRANSLATE_H */

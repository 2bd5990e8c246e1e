/*
 * Translation of verified bytecode into direct-threaded code.
 *
 * Cell i is instruction i (see struct nx_cell): the handler address comes
 * from the handler set's label table, operands are decoded once here, a
 * branch's target becomes a cell pointer, a backward branch gets the
 * variant that burns fuel, a CALL carries its callee's first cell and
 * frame size, an HCALL its helper id.  Then fuse() replaces the handler
 * of the first cell of a recognised sequence with a superinstruction.
 */
#include "internal.h"

static int32_t branch_off(uint64_t w)
{
	return nx_op_fmt(NX_INSN_OP(w)) == NX_F_BRI ? NX_INSN_OFF16(w) : NX_INSN_IMM(w);
}

static unsigned back_handler(unsigned op)
{
	switch (op) {
#define NX_BACK_CASE(name) case NX_OP_##name: return NX_H_##name##_B;
	NX_BRANCHES(NX_BACK_CASE)
#undef NX_BACK_CASE
	}
	return op;
}

static void translate_one(struct nx_ext *e, const void *const *lab, uint32_t i)
{
	uint64_t w = e->code[i];
	unsigned op = NX_INSN_OP(w);
	struct nx_cell *c = &e->cells[i];
	*c = (struct nx_cell){ .h = lab[op], .a = (uint8_t)NX_INSN_A(w), .b = (uint8_t)NX_INSN_B(w),
			       .c = (uint8_t)NX_INSN_C(w), .imm = NX_INSN_IMM(w) };
	switch (nx_op_fmt(op)) {
	case NX_F_J: case NX_F_BRR: case NX_F_BRI: {
		int32_t off = branch_off(w);
		c->x.t = &e->cells[(int64_t)i + 1 + off];
		if (off < 0)
			c->h = lab[back_handler(op)];
		break;
	}
	case NX_F_CALL:
		if (op == NX_OP_CALL) {
			const struct nx_fn *f = &e->fn[c->imm];
			c->x.t = &e->cells[f->start];
			c->b = f->nregs;
			c->c = f->nargs;
		} else if (op == NX_OP_HCALL) {
			c->x.f = e->helper[c->imm];
		} else {
			c->x.f = (uint32_t)c->imm;
		}
		break;
	default:
		break;
	}
}

void nx_translate(struct nx_ext *e, enum nx_set set)
{
	const void *const *lab = nx_labels(set);
	for (uint32_t i = 0; i < e->ncode; i++)
		translate_one(e, lab, i);
	e->cells[e->ncode] = (struct nx_cell){ .h = lab[NX_OP_RET] };
	e->set = set;
}

/*
 * Decoding: every instruction of CODE into its cell (struct nx_cell).
 * Cell i is instruction i: the handler address comes from the handler
 * set's label table, operands are decoded once here, a branch's target
 * becomes a cell pointer, a backward branch gets the variant that burns
 * fuel, a CALL carries its callee's first cell and frame size (zero.c
 * narrows the range it zeroes), an HCALL its helper id.
 */
#include "translate.h"

static void decode_one(struct nx_ext *e, const void *const *lab, uint32_t i)
{
	uint64_t w = e->code[i];
	unsigned op = NX_INSN_OP(w);
	struct nx_cell *c = &e->cells[i];
	*c = (struct nx_cell){ .h = lab[op], .a = (uint8_t)NX_INSN_A(w), .b = (uint8_t)NX_INSN_B(w),
			       .c = (uint8_t)NX_INSN_C(w), .imm = NX_INSN_IMM(w) };
	switch (nx_op_fmt(op)) {
	case NX_F_J: case NX_F_BRR: case NX_F_BRI: {
		int32_t off = nx_branch_off(w);
		c->x.t = &e->cells[(int64_t)i + 1 + off];
		if (off < 0)
			c->h = lab[nx_back_handler(op)];
		break;
	}
	case NX_F_CALL:
		if (op == NX_OP_CALL) {
			const struct nx_fn *f = &e->fn[c->imm];
			c->x.t = &e->cells[f->start];
			c->b = f->nregs;
			c->c = f->nargs;
			c->d = (uint8_t)(f->nregs - f->nargs);
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

/* Every cell of CODE, plus the final sentinel (a RET past the end). */
void nx_decode(struct nx_ext *e, const void *const *lab)
{
	for (uint32_t i = 0; i < e->ncode; i++)
		decode_one(e, lab, i);
	e->cells[e->ncode] = (struct nx_cell){ .h = lab[NX_OP_RET] };
}

/*
 * nx_isa_eval (include/nimble/names.h): an instruction's value computed
 * from its expression in the NX_ISA table, the same text the threaded
 * handlers expand, so extc's constant folding can never disagree with
 * what the engine does.
 */
#include <nimble/names.h>

/* One case per class that computes a value; the others evaluate nothing. */
#define EVAL_ALU(name, e)    case NX_OP_##name: *out = (uint64_t)(e); return 1;
#define EVAL_DIV(name, e)    case NX_OP_##name: if (!vc) return 0; *out = (uint64_t)(e); return 1;
#define EVAL_DIVI(name, e)   case NX_OP_##name: if (!vi) return 0; *out = (uint64_t)(e); return 1;
#define EVAL_BRANCH(name, e) case NX_OP_##name: *out = (uint64_t)(e); return 1;
#define EVAL_LOAD(name, e)
#define EVAL_STORE(name, e)
#define EVAL_CALL(name, e)
#define EVAL_RET(name, e)
#define EVAL(name, fmt, cls, e) EVAL_##cls(name, e)

int nx_isa_eval(unsigned op, uint64_t va, uint64_t vb, uint64_t vc, uint64_t vi, uint64_t *out)
{
	(void)va, (void)vb, (void)vc, (void)vi;
	switch (op) {
	NX_ISA(EVAL)
	default:
		return 0;
	}
}

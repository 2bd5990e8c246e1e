/*
 * Built only by tests/nimble/isa-row.sh, in a scratch copy of the tree
 * whose NX_ISA table has one more row:  X(DUMMY, RRR, ALU, vb * 3 + vc)
 * (and ref.c its line).  Nothing else was edited, so what passes here was
 * picked up from the row alone: the handlers of every set, constant
 * folding, the verifier's register checks.  The object it writes to
 * argv[1] is disassembled by the script.
 */
#include <stdio.h>
#include "common.h"
#include "tap.h"

/* DUMMY r2, r0, r1; RET r2 -- or, with bad_reg, a register outside the frame. */
static struct nxb *object(int bad_reg)
{
	struct nxb *b = nxb_new("dummy", NX_TRUST_UNTRUSTED);
	nxb_func(b, "f", 3, 2);
	nxb_emit(b, I_RRR(DUMMY, 2, 0, bad_reg ? 9 : 1));
	nxb_emit(b, I_RET(2));
	return b;
}

int main(int argc, char **argv)
{
	tap_plan(3);
	const uint64_t x = 7, y = 0xffffffffffffff05ull, want = x * 3 + y;
	struct nx_error err;
	struct nx_ext *e = ins(object(0), 1, 0, &err);
	int good = e != NULL;
	for (int mode = 0; good && mode < NMODES; mode++) {
		struct nx_result res;
		struct nx_env env = { 0 };
		uint64_t args[2] = { x, y };
		run_mode(e, mode, 0, &env, args, 2, &res);
		good = res.fault == NX_FAULT_NONE && res.value == want;
		if (!good)
			printf("# %s: %#llx fault %s\n", mode_name[mode], (unsigned long long)res.value,
			       nx_fault_name(res.fault));
	}
	ok(good, "DUMMY runs as r[b] * 3 + r[c] in the unchecked, checked, counting sets and ref%s%s",
	   e ? "" : ": refused: ", e ? "" : err.msg);
	if (e)
		nx_remove(e);
	uint64_t folded = 0;
	ok(nx_isa_eval(NX_OP_DUMMY, 0, x, y, 0, &folded) && folded == want,
	   "constant folding (nx_isa_eval) gives %#llx", (unsigned long long)folded);
	e = ins(object(1), 1, 0, &err);
	ok(!e && strstr(err.msg, "register c=9"), "the verifier checks its registers by format RRR: %s",
	   e ? "accepted" : err.msg);
	size_t len;
	struct nxb *b = object(0);
	uint8_t *obj = nxb_finish(b, &len);
	FILE *f = argc > 1 ? fopen(argv[1], "wb") : NULL;
	if (!f || fwrite(obj, 1, len, f) != len || fclose(f))
		return 1;
	free(obj);
	nxb_free(b);
	return tap_done();
}

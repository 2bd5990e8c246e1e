/* Shared by the engine tests: insert a builder's object, run in every set. */
#ifndef NX_TEST_COMMON_H
#define NX_TEST_COMMON_H

#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "host.h"
#include "nxbuild.h"

/* Insert b's object (freeing b); NULL and err filled on refusal. */
static inline struct nx_ext *ins(struct nxb *b, uint32_t owner, int may_trust, struct nx_error *err)
{
	size_t len;
	uint8_t *obj = nxb_finish(b, &len);
	struct nx_ext *e = NULL;
	struct nx_error tmp;
	if (nx_insert(obj, len, owner, may_trust, &e, err ? err : &tmp))
		e = NULL;
	free(obj);
	nxb_free(b);
	return e;
}

/* The three threaded sets and the reference interpreter (mode 3). */
#define NMODES 4
static const char *const mode_name[NMODES] = { "unchecked", "checked", "counting", "ref" };

static inline void run_mode(struct nx_ext *e, int mode, uint32_t func, struct nx_env *env,
			    const uint64_t *args, unsigned nargs, struct nx_result *res)
{
	if (mode == 3) {
		nx_run_ref(e, func, env, args, nargs, res);
		return;
	}
	nx_ext_set_mode(e, (enum nx_set)mode);
	nx_run(e, func, env, args, nargs, res);
}

static inline int same_result(const struct nx_result *a, const struct nx_result *b)
{
	return a->fault == b->fault && (a->fault ? a->insn == b->insn : a->value == b->value);
}

#endif

/*
 * Translation of verified bytecode into direct-threaded code for one
 * handler set: decode every instruction into its cell, narrow the
 * zeroing of CALLs and entries, then fuse superinstructions (which reads
 * the decoded cells and changes only the first cell of a sequence).
 * translate.h says which file does each step.
 */
#include "translate.h"

void nx_translate(struct nx_ext *e, enum nx_set set)
{
	const void *const *lab = nx_labels(set);
	size_t size = e->ncode * sizeof(uint64_t);
	uint64_t *live = nx_host_alloc(size);   /* NULL: no analysis (full zeroing, plain pairs) */
	nx_decode(e, lab);
	int known = nx_zero_ranges(e, live);
	nx_fuse(e, lab, known ? live : NULL);
	if (live)
		nx_host_free(live, size);
	e->set = set;
}

/*
 * What the PCT hands an application it starts: arg0 = PCT_ARG_APP, and
 * at the bottom of its heap (brk(0)) a table of the extension objects
 * on the node, each copied into the heap after the table.
 */
#ifndef PCT_ABI_H
#define PCT_ABI_H

#include <stdint.h>

#define PCT_ARG_APP     0x50435441ull   /* "PCTA" */
#define PCT_MAX_OBJECTS 32
#define PCT_OBJ_FIRST   4096            /* first object's offset in the heap */

struct pct_object {
	char name[48];
	uint64_t offset;      /* from the heap's start */
	uint64_t len;
};

struct pct_objects {
	uint64_t count;
	struct pct_object obj[PCT_MAX_OBJECTS];
};

#endif /* PCT_ABI_H */

/*
 * libFuzzer target over extc's front end and back end: any input must
 * compile or be rejected with diagnostics, without a crash, hang or
 * sanitizer report.  And what extc accepts, the engine must accept: every
 * object it produces is disassembled and inserted through nx_insert (the
 * kernel's loader and verifier); a refusal is a compiler bug and aborts.
 * Objects that import other extensions cannot resolve here and are only
 * checked up to the import.  The raw input also goes to the disassembler,
 * which must reject or print any bytes.  Every input compiles at -O1 and
 * at -O0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "extc.h"
#include "nimble/nimble.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void compile_and_insert(struct extc *c, const uint8_t *data, size_t size, int flags, FILE *null)
{
	extc_compile(c, "fuzz.ext", (const char *)data, size, flags);
	if (!c->errors) {
		struct nx_ext *e;
		struct nx_error err;
		if (nx_disasm(null, c->out, c->outlen, "fuzz.nx"))
			abort();
		if (nx_insert(c->out, c->outlen, 0, 1, &e, &err) == 0) {
			if (nx_remove(e))
				abort();
		} else if (!c->nximports) {
			fprintf(stderr, "extc %s produced an object the engine refuses: %s\n",
				flags & EXTC_O0 ? "-O0" : "-O1", err.msg);
			abort();
		}
	}
	extc_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct extc c;
	if (!null)
		null = fopen("/dev/null", "w");
	uint8_t *copy = malloc(size ? size : 1);   /* aligned, as a file read is */
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	nx_disasm(null, copy, size, "raw");
	free(copy);
	/* Both optimisation levels: the optimiser's output must be as
	 * acceptable to the engine as the generator's. */
	for (int flags = 0; flags <= EXTC_O0; flags += EXTC_O0)
		compile_and_insert(&c, data, size, flags, null);
	return 0;
}

/*
 * The compiler as a library function: source text in, .nx bytes (c->out)
 * and diagnostics (c->diag) out.  Each phase runs only if the previous
 * ones found no error, so later phases may assume a well-formed program.
 */
#include <stdlib.h>
#include <string.h>
#include "extc.h"

int extc_compile(struct extc *c, const char *file, const char *src, size_t len,
		 int flags)
{
	memset(c, 0, sizeof *c);
	c->file = file;
	c->verbose = !!(flags & EXTC_VERBOSE);
	c->opt = !(flags & EXTC_O0);
	if (len > NX_MAX_OBJECT * 4) {
		c->src = "";
		extc_error(c, 0, "source file too large (%zu bytes)", len);
		extc_diag_sort(c);
		return c->errors;
	}
	c->src = extc_strndup(c, src, len);
	c->srclen = (uint32_t)len;
	c->symtail = &c->syms;
	lex_all(c);
	parse_program(c);
	if (!c->errors)
		check_program(c);
	if (!c->errors)
		gen_program(c);
	if (!c->errors)
		emit_object(c);
	extc_diag_sort(c);
	return c->errors;
}

void extc_free(struct extc *c)
{
	extc_arena_free(c);
	free(c->toks);
	free(c->diag);
	free(c->ents);
	free(c->obj.code);
	free(c->obj.funcs);
	free(c->obj.lines);
	free(c->out);
	memset(c, 0, sizeof *c);
}

/* The test object builder (see nxbuild.h).  Aborts on misuse: tests only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nxbuild.h"

struct vec { uint8_t *p; size_t len, cap; };

struct nxb {
	struct vec str, funcs, code, hooks, exports, helpers, ximports, lines, data;
	uint32_t data_full, name;
	enum nx_trust trust;
	int have_data;
	long cur;   /* current function or -1 */
};

static void *vec_add(struct vec *v, const void *p, size_t n)
{
	if (v->len + n > v->cap) {
		v->cap = (v->len + n) * 2 + 64;
		v->p = realloc(v->p, v->cap);
		if (!v->p)
			abort();
	}
	void *at = v->p + v->len;
	if (p)
		memcpy(at, p, n);
	else
		memset(at, 0, n);
	v->len += n;
	return at;
}

static uint32_t str_add(struct nxb *b, const char *s)
{
	uint32_t off = (uint32_t)b->str.len;
	vec_add(&b->str, s, strlen(s) + 1);
	return off;
}

struct nxb *nxb_new(const char *name, enum nx_trust trust)
{
	struct nxb *b = calloc(1, sizeof *b);
	vec_add(&b->str, "", 1);
	b->name = str_add(b, name);
	b->trust = trust;
	b->cur = -1;
	return b;
}

void nxb_free(struct nxb *b)
{
	struct vec *v[] = { &b->str, &b->funcs, &b->code, &b->hooks, &b->exports, &b->helpers,
			    &b->ximports, &b->lines, &b->data };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		free(v[i]->p);
	free(b);
}

uint32_t nxb_func(struct nxb *b, const char *name, unsigned nregs, unsigned nargs)
{
	struct nx_func f = { str_add(b, name), (uint32_t)(b->code.len / 8), 0, (uint8_t)nregs, (uint8_t)nargs, 0 };
	vec_add(&b->funcs, &f, sizeof f);
	b->cur = (long)(b->funcs.len / sizeof f) - 1;
	return (uint32_t)b->cur;
}

uint32_t nxb_here(const struct nxb *b)
{
	return (uint32_t)(b->code.len / 8);
}

uint32_t nxb_emit(struct nxb *b, uint64_t insn)
{
	if (b->cur < 0)
		abort();
	uint32_t at = nxb_here(b);
	vec_add(&b->code, &insn, 8);
	((struct nx_func *)b->funcs.p)[b->cur].len++;
	return at;
}

void nxb_patch(struct nxb *b, uint32_t at, uint64_t insn)
{
	memcpy(b->code.p + 8 * (size_t)at, &insn, 8);
}

void nxb_hook(struct nxb *b, unsigned hook, unsigned arg, uint32_t func, unsigned prio)
{
	struct nx_hook h = { hook, arg, func, prio };
	vec_add(&b->hooks, &h, sizeof h);
}

void nxb_export(struct nxb *b, const char *name, uint32_t func)
{
	struct nx_export x = { str_add(b, name), func };
	vec_add(&b->exports, &x, sizeof x);
}

uint32_t nxb_helper(struct nxb *b, const char *name, unsigned nargs)
{
	struct nx_import im = { str_add(b, name), nargs };
	vec_add(&b->helpers, &im, sizeof im);
	return (uint32_t)(b->helpers.len / sizeof im - 1);
}

uint32_t nxb_ximport(struct nxb *b, const char *ext, const char *name, unsigned nargs)
{
	struct nx_ximport x = { str_add(b, ext), str_add(b, name), nargs, 0 };
	vec_add(&b->ximports, &x, sizeof x);
	return (uint32_t)(b->ximports.len / sizeof x - 1);
}

void nxb_data(struct nxb *b, const void *init, uint32_t init_len, uint32_t full_size)
{
	b->data.len = 0;
	if (init_len)
		vec_add(&b->data, init, init_len);
	b->data_full = full_size;
	b->have_data = 1;
}

void nxb_line(struct nxb *b, uint32_t insn, uint32_t line)
{
	struct nx_line l = { insn, line };
	vec_add(&b->lines, &l, sizeof l);
}

static void add_section(struct vec *out, struct vec *tab, uint32_t kind, const struct vec *body,
			uint32_t count)
{
	while (out->len % 8)
		vec_add(out, NULL, 1);
	struct nx_section s = { kind, (uint32_t)out->len, (uint32_t)body->len, count };
	vec_add(tab, &s, sizeof s);
	if (body->len)
		vec_add(out, body->p, body->len);
}

uint8_t *nxb_finish(struct nxb *b, size_t *len)
{
	struct vec out = { 0 }, tab = { 0 };
	vec_add(&out, NULL, sizeof(struct nx_header));
	add_section(&out, &tab, NX_SECT_STRTAB, &b->str, (uint32_t)b->str.len);
	add_section(&out, &tab, NX_SECT_FUNCS, &b->funcs, (uint32_t)(b->funcs.len / sizeof(struct nx_func)));
	add_section(&out, &tab, NX_SECT_CODE, &b->code, (uint32_t)(b->code.len / 8));
	if (b->have_data)
		add_section(&out, &tab, NX_SECT_DATA, &b->data, b->data_full);
	if (b->hooks.len)
		add_section(&out, &tab, NX_SECT_HOOKS, &b->hooks, (uint32_t)(b->hooks.len / sizeof(struct nx_hook)));
	if (b->exports.len)
		add_section(&out, &tab, NX_SECT_EXPORTS, &b->exports, (uint32_t)(b->exports.len / sizeof(struct nx_export)));
	if (b->helpers.len)
		add_section(&out, &tab, NX_SECT_HELPERS, &b->helpers, (uint32_t)(b->helpers.len / sizeof(struct nx_import)));
	if (b->ximports.len)
		add_section(&out, &tab, NX_SECT_XIMPORTS, &b->ximports, (uint32_t)(b->ximports.len / sizeof(struct nx_ximport)));
	if (b->lines.len)
		add_section(&out, &tab, NX_SECT_LINES, &b->lines, (uint32_t)(b->lines.len / sizeof(struct nx_line)));
	while (out.len % 8)
		vec_add(&out, NULL, 1);
	uint32_t sect_off = (uint32_t)out.len;
	vec_add(&out, tab.p, tab.len);
	struct nx_header h = { NX_MAGIC, NX_VERSION_MAJOR, NX_VERSION_MINOR, (uint32_t)out.len, b->trust,
			       b->name, (uint32_t)(tab.len / sizeof(struct nx_section)), sect_off, 0 };
	memcpy(out.p, &h, sizeof h);
	free(tab.p);
	*len = out.len;
	return out.p;
}

uint32_t nxb_fib(struct nxb *b)
{
	uint32_t fib = nxb_func(b, "fib", 4, 1);
	nxb_emit(b, I_BRI(JLTUI, 0, 2, 6));
	nxb_emit(b, I_RRI(ADDI, 1, 0, -1));
	nxb_emit(b, I_CALL(CALL, 1, fib, 1));
	nxb_emit(b, I_RRI(ADDI, 2, 0, -2));
	nxb_emit(b, I_CALL(CALL, 2, fib, 1));
	nxb_emit(b, I_RRR(ADD, 0, 1, 2));
	nxb_emit(b, I_RET(0));
	nxb_emit(b, I_RET(0));
	return fib;
}

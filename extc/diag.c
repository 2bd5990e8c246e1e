/*
 * Arena allocation and diagnostics for one compilation.
 *
 * Allocation failure is fatal for the host process (extc is a short-lived
 * compiler), but everything else reports through the diagnostic buffer:
 * no error path exits, so the fuzzer can call the front end repeatedly.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "extc.h"

struct arena_blk {
	struct arena_blk *next;
	max_align_t data[];
};

void *extc_realloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!q) {
		fputs("extc: out of memory\n", stderr);
		abort();
	}
	return q;
}

void *extc_alloc(struct extc *c, size_t n)
{
	struct arena_blk *b = memset(extc_realloc(NULL, sizeof *b + n), 0, sizeof *b + n);
	b->next = c->arena;
	c->arena = b;
	return b->data;
}

char *extc_strndup(struct extc *c, const char *s, size_t n)
{
	char *p = extc_alloc(c, n + 1);
	memcpy(p, s, n);
	return p;
}

void extc_arena_free(struct extc *c)
{
	while (c->arena) {
		struct arena_blk *n = c->arena->next;
		free(c->arena);
		c->arena = n;
	}
}

static void diag_append(struct extc *c, const char *s, size_t n)
{
	if (c->ndiag + n + 1 > c->capdiag) {
		size_t cap = (c->capdiag + n + 1) * 2;
		char *d = extc_realloc(c->diag, cap);
		c->diag = d;
		c->capdiag = cap;
	}
	memcpy(c->diag + c->ndiag, s, n);
	c->ndiag += n;
	c->diag[c->ndiag] = 0;
}

static void diag_printf(struct extc *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	diag_append(c, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* file:line:col: kind: message, then the source line and a caret. */
static void diag_vreport(struct extc *c, uint32_t pos, const char *kind,
			 const char *fmt, va_list ap)
{
	char msg[400];
	uint32_t ls = 0, line = 1, i;
	if (pos > c->srclen)
		pos = c->srclen;
	for (i = 0; i < pos; i++)
		if (c->src[i] == '\n') {
			line++;
			ls = i + 1;
		}
	uint32_t le = pos;
	while (le < c->srclen && c->src[le] != '\n')
		le++;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (c->nents == c->capents) {
		int cap = c->capents ? c->capents * 2 : 32;
		struct diag_ent *e = extc_realloc(c->ents, (size_t)cap * sizeof *e);
		c->ents = e;
		c->capents = cap;
	}
	c->ents[c->nents++] = (struct diag_ent){ pos, c->ndiag, 0 };
	diag_printf(c, "%s:%u:%u: %s: %s\n", c->file, line, pos - ls + 1, kind, msg);
	/* The source line; control bytes shown as spaces so the caret lines up. */
	diag_append(c, " ", 1);
	for (i = ls; i < le; i++) {
		char ch = c->src[i];
		if (ch != '\t' && ((unsigned char)ch < 32 || ch == 127))
			ch = ' ';
		diag_append(c, &ch, 1);
	}
	diag_append(c, "\n ", 2);
	for (i = ls; i < pos; i++)
		diag_append(c, c->src[i] == '\t' ? "\t" : " ", 1);
	diag_append(c, "^\n", 2);
	c->ents[c->nents - 1].len = c->ndiag - c->ents[c->nents - 1].off;
}

static int ent_cmp(const void *a, const void *b)
{
	const struct diag_ent *x = a, *y = b;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;   /* stable: emission order */
}

/* Reorder the messages by source position and say if some were dropped. */
void extc_diag_sort(struct extc *c)
{
	char *text = c->nents > 1 ? malloc(c->ndiag + 1) : NULL;
	if (c->nents > 1 && !text) {
		fputs("extc: out of memory\n", stderr);
		abort();
	}
	if (text) {
		qsort(c->ents, (size_t)c->nents, sizeof *c->ents, ent_cmp);
		size_t n = 0;
		for (int i = 0; i < c->nents; i++) {
			memcpy(text + n, c->diag + c->ents[i].off, c->ents[i].len);
			n += c->ents[i].len;
		}
		text[n] = 0;
		free(c->diag);
		c->diag = text;
		c->ndiag = n;
		c->capdiag = c->ndiag + 1;
	}
	c->nents = 0;
	if (c->errors > EXTC_MAX_ERRORS)
		diag_printf(c, "%s: %d more errors not shown\n", c->file,
			    c->errors - EXTC_MAX_ERRORS);
}

void extc_error(struct extc *c, uint32_t pos, const char *fmt, ...)
{
	va_list ap;
	c->errors++;
	if (c->errors > EXTC_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	diag_vreport(c, pos, "error", fmt, ap);
	va_end(ap);
}

void extc_note(struct extc *c, uint32_t pos, const char *fmt, ...)
{
	va_list ap;
	if (!c->verbose)
		return;
	va_start(ap, fmt);
	diag_vreport(c, pos, "note", fmt, ap);
	va_end(ap);
}

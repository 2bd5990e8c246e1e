/*
 * The .nx writer (include/nimble/nx.h): header, section table, then the
 * section bodies, each 8-byte aligned, in a fixed order.
 */
#include <stdlib.h>
#include <string.h>
#include "extc.h"

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void buf_put(struct buf *b, const void *d, size_t n)
{
	if (!n)
		return;
	if (b->len + n > b->cap) {
		size_t cap = (b->cap + n) * 2;
		uint8_t *p = extc_realloc(b->p, cap);
		b->p = p;
		b->cap = cap;
	}
	if (d)
		memcpy(b->p + b->len, d, n);
	else
		memset(b->p + b->len, 0, n);
	b->len += n;
}

static void buf_align(struct buf *b)
{
	static const uint8_t zero[8];
	if (b->len & 7)
		buf_put(b, zero, 8 - (b->len & 7));
}

/* Offset of name in the string table (appended; offset 0 is ""). */
static uint32_t str(struct buf *strtab, const char *s)
{
	if (!*s)
		return 0;
	uint32_t off = (uint32_t)strtab->len;
	buf_put(strtab, s, strlen(s) + 1);
	return off;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Initial bytes of the data segment (little-endian, as the engine reads). */
static void build_data(struct extc *c, uint8_t *data)
{
	for (struct sym *s = c->syms; s; s = s->next) {
		if (s->kind != SYM_GLOBAL)
			continue;
		int sz = type_size(s->type);
		if (s->init)
			put_le(data + s->offset, s->init->val, sz);
		for (int i = 0; i < s->ninits && (uint32_t)i < s->count; i++)
			put_le(data + s->offset + (uint32_t)i * (uint32_t)sz, s->inits[i]->val, sz);
	}
}

struct sect {
	uint32_t kind, count;
	struct buf body;
};

void emit_object(struct extc *c)
{
	struct sect sec[NX_SECT_KIND_MAX + 1];
	struct buf strtab = { 0 }, out = { 0 };
	struct obj *o = &c->obj;
	memset(sec, 0, sizeof sec);
	buf_put(&strtab, "", 1);
	uint32_t extname = str(&strtab, c->extname);

	for (struct sym *s = c->syms; s; s = s->next) {
		if (s->kind == SYM_FUNC) {
			o->funcs[s->index].name = str(&strtab, s->name);
			if (s->exported) {
				struct nx_export x = { o->funcs[s->index].name, (uint32_t)s->index };
				buf_put(&sec[NX_SECT_EXPORTS].body, &x, sizeof x);
				sec[NX_SECT_EXPORTS].count++;
			}
			if (s->hook != NX_HOOK_NONE) {
				struct nx_hook h = { (uint32_t)s->hook, s->hook_arg, (uint32_t)s->index,
						     s->hook_prio };
				buf_put(&sec[NX_SECT_HOOKS].body, &h, sizeof h);
				sec[NX_SECT_HOOKS].count++;
			}
		} else if (s->kind == SYM_IMPORT) {
			struct nx_ximport x = { str(&strtab, s->ext), str(&strtab, s->name),
						(uint32_t)s->nparams, 0 };
			buf_put(&sec[NX_SECT_XIMPORTS].body, &x, sizeof x);
			sec[NX_SECT_XIMPORTS].count++;
		}
	}
	for (int i = 0; i < o->nhelpers; i++) {
		int h = o->helper_order[i];
		struct nx_import im = { str(&strtab, nx_helper_name((unsigned)h)),
					nx_helper_nargs((unsigned)h) };
		buf_put(&sec[NX_SECT_HELPERS].body, &im, sizeof im);
		sec[NX_SECT_HELPERS].count++;
	}
	buf_put(&sec[NX_SECT_FUNCS].body, o->funcs, (size_t)c->nfuncs * sizeof *o->funcs);
	sec[NX_SECT_FUNCS].count = (uint32_t)c->nfuncs;
	buf_put(&sec[NX_SECT_CODE].body, o->code, (size_t)o->ncode * sizeof *o->code);
	sec[NX_SECT_CODE].count = (uint32_t)o->ncode;
	if (c->datasize) {
		/* the body stops after the last non-zero byte; the rest is zero */
		uint8_t *data = calloc(1, c->datasize);
		if (!data) {
			fputs("extc: out of memory\n", stderr);
			abort();
		}
		build_data(c, data);
		size_t n = c->datasize;
		while (n && !data[n - 1])
			n--;
		buf_put(&sec[NX_SECT_DATA].body, data, n);
		sec[NX_SECT_DATA].count = c->datasize;
		free(data);
	}
	buf_put(&sec[NX_SECT_LINES].body, o->lines, (size_t)o->nlines * sizeof *o->lines);
	sec[NX_SECT_LINES].count = (uint32_t)o->nlines;
	/* SOURCE: the file's last path component, printable, cut to fit. */
	const char *base = c->file ? c->file : "";
	for (const char *p = base; *p; p++)
		if (*p == '/')
			base = p + 1;
	size_t bl = 0;
	while (base[bl] >= 0x20 && base[bl] <= 0x7e && bl < NX_SOURCE_MAX)
		bl++;
	buf_put(&sec[NX_SECT_SOURCE].body, base, bl);
	sec[NX_SECT_SOURCE].count = (uint32_t)bl;
	sec[NX_SECT_STRTAB].body = strtab;
	sec[NX_SECT_STRTAB].count = (uint32_t)strtab.len;

	/* Which sections go out: the required ones, and the others if not empty. */
	int kinds[NX_SECT_KIND_MAX], n = 0;
	for (int k = 1; k <= NX_SECT_KIND_MAX; k++) {
		sec[k].kind = (uint32_t)k;
		if (k == NX_SECT_STRTAB || k == NX_SECT_FUNCS || k == NX_SECT_CODE || sec[k].count)
			kinds[n++] = k;
	}
	struct nx_header hdr = { NX_MAGIC, NX_VERSION_MAJOR, NX_VERSION_MINOR, 0,
				 (uint32_t)c->trust, extname, (uint32_t)n, sizeof hdr, 0 };
	buf_put(&out, &hdr, sizeof hdr);
	buf_put(&out, NULL, (size_t)n * sizeof(struct nx_section));
	for (int i = 0; i < n; i++) {
		struct sect *s = &sec[kinds[i]];
		buf_align(&out);
		struct nx_section d = { s->kind, (uint32_t)out.len, (uint32_t)s->body.len, s->count };
		memcpy(out.p + sizeof hdr + (size_t)i * sizeof d, &d, sizeof d);
		buf_put(&out, s->body.p, s->body.len);
	}
	buf_align(&out);
	for (int k = 1; k <= NX_SECT_KIND_MAX; k++)
		free(sec[k].body.p);
	if (out.len > NX_MAX_OBJECT) {
		extc_error(c, 0, "object would be %zu bytes (at most %u)", out.len, NX_MAX_OBJECT);
		free(out.p);
		return;
	}
	put_le(out.p + 8, out.len, 4);
	c->out = out.p;
	c->outlen = out.len;
}

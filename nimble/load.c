/*
 * The .nx loader: checks the object's structure (header, section table,
 * names, tables) and copies it into a fresh struct nx_ext.  It trusts
 * nothing in the object: every offset and size is checked against the
 * object before it is used, in 64-bit arithmetic so no sum can wrap.
 * Instructions are checked afterwards by nx_verify (verify.c).
 */
#include <string.h>
#include "internal.h"
#include "str.h"
#include <lwk/fmt.h>

int nx_errf(struct nx_error *err, int code, int32_t func, int32_t insn, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		int n = 0;
		err->code = code;
		err->func = func;
		err->insn = insn;
		if (insn >= 0)
			n = fmt_snprintf(err->msg, sizeof err->msg, "insn %d: ", insn);
		if (n >= (int)sizeof err->msg)
			n = (int)sizeof err->msg - 1;
		va_start(ap, fmt);
		fmt_vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -code;
}

/* Allocations of an extension are zeroed and counted in ext->bytes. */
void *nx_alloc_zero(struct nx_ext *ext, size_t size)
{
	void *p = nx_host_alloc(size ? size : 1);
	if (p) {
		memset(p, 0, size ? size : 1);
		ext->bytes += size ? size : 1;
	}
	return p;
}

static void free_sized(void *p, size_t size)
{
	if (p)
		nx_host_free(p, size ? size : 1);
}

void nx_ext_free(struct nx_ext *e)
{
	if (!e)
		return;
	free_sized(e->strtab, e->strtab_len);
	free_sized(e->fn, e->nfn * sizeof *e->fn);
	free_sized(e->code, e->ncode * sizeof *e->code);
	free_sized(e->cells, (e->ncode + 1) * sizeof *e->cells);
	free_sized(e->data, e->data_len);
	free_sized(e->hooks, e->nhooks * sizeof *e->hooks);
	free_sized(e->exports, e->nexports * sizeof *e->exports);
	free_sized(e->helper, e->nhelpers);
	free_sized(e->ximp, e->nximp * sizeof *e->ximp);
	free_sized(e->ximp_fn, e->nximp * sizeof *e->ximp_fn);
	free_sized(e->ximp_name, e->nximp * 2 * sizeof *e->ximp_name);
	free_sized(e->lines, e->nlines * sizeof *e->lines);
	nx_host_free(e, sizeof *e);
}

const char *nx_str(const struct nx_ext *ext, uint32_t off)
{
	return ext->strtab + off;
}

int32_t nx_func_of(const struct nx_ext *ext, uint32_t insn)
{
	for (uint32_t i = 0; i < ext->nfn; i++)
		if (insn - ext->fn[i].start < ext->fn[i].len)
			return (int32_t)i;
	return -1;
}

/* ---- the section table ---- */

static const char *const sect_names[] = {
	"", "STRTAB", "FUNCS", "CODE", "DATA", "HOOKS", "EXPORTS", "HELPERS", "XIMPORTS", "LINES",
	"SOURCE",
};

/* Entry size of each table section; 1 = a byte section (STRTAB, DATA). */
static const uint32_t sect_entsize[] = {
	0, 1, sizeof(struct nx_func), 8, 1, sizeof(struct nx_hook), sizeof(struct nx_export),
	sizeof(struct nx_import), sizeof(struct nx_ximport), sizeof(struct nx_line), 1,
};

struct view {
	const uint8_t *obj;
	uint64_t len;
	const struct nx_section *s[NX_SECT_KIND_MAX + 1];  /* by kind, or NULL */
	struct nx_section copy[NX_SECT_KIND_MAX + 1];
};

static int check_header(struct view *v, const struct nx_header *h, struct nx_error *err)
{
	if (v->len < sizeof *h)
		return nx_errf(err, NX_EINVAL, -1, -1, "header: object is %llu bytes, shorter than the 32-byte header",
			       (unsigned long long)v->len);
	if (h->magic != NX_MAGIC)
		return nx_errf(err, NX_EINVAL, -1, -1, "header: bad magic 0x%x", h->magic);
	if (h->version_major != NX_VERSION_MAJOR)
		return nx_errf(err, NX_EINVAL, -1, -1, "header: version %u.%u, this loader reads %u.x",
			       h->version_major, h->version_minor, NX_VERSION_MAJOR);
	if (h->file_size != v->len)
		return nx_errf(err, NX_EINVAL, -1, -1, "header: file_size %u but the object is %llu bytes",
			       h->file_size, (unsigned long long)v->len);
	if (h->trust > NX_TRUST_TRUSTED)
		return nx_errf(err, NX_EINVAL, -1, -1, "header: trust %u is neither 0 nor 1", h->trust);
	if (h->flags)
		return nx_errf(err, NX_EINVAL, -1, -1, "header: flags 0x%x, must be 0", h->flags);
	if (h->sect_off % 8 || (uint64_t)h->sect_off < sizeof *h ||
	    (uint64_t)h->sect_off + (uint64_t)h->nsect * sizeof(struct nx_section) > v->len)
		return nx_errf(err, NX_EINVAL, -1, -1, "header: section table (offset %u, %u entries) outside the object",
			       h->sect_off, h->nsect);
	return 0;
}

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static int check_sections(struct view *v, const struct nx_header *h, struct nx_error *err)
{
	uint64_t toff = h->sect_off, tlen = (uint64_t)h->nsect * sizeof(struct nx_section);
	for (uint32_t i = 0; i < h->nsect; i++) {
		struct nx_section s;
		memcpy(&s, v->obj + toff + i * sizeof s, sizeof s);
		if (s.kind < 1 || s.kind > NX_SECT_KIND_MAX)
			return nx_errf(err, NX_EINVAL, -1, -1, "section %u: unknown kind %u", i, s.kind);
		const char *nm = sect_names[s.kind];
		if (v->s[s.kind])
			return nx_errf(err, NX_EINVAL, -1, -1, "section %u: duplicate %s section", i, nm);
		if (s.off % 8)
			return nx_errf(err, NX_EINVAL, -1, -1, "section %s: offset %u not 8-byte aligned", nm, s.off);
		if ((uint64_t)s.off + s.size > v->len)
			return nx_errf(err, NX_EINVAL, -1, -1, "section %s: [%u, +%u) outside the %llu-byte object",
				       nm, s.off, s.size, (unsigned long long)v->len);
		if (overlaps(s.off, s.size, 0, sizeof *h) || overlaps(s.off, s.size, toff, tlen))
			return nx_errf(err, NX_EINVAL, -1, -1, "section %s overlaps the header or section table", nm);
		for (unsigned k = 1; k <= NX_SECT_KIND_MAX; k++)
			if (v->s[k] && overlaps(s.off, s.size, v->s[k]->off, v->s[k]->size))
				return nx_errf(err, NX_EINVAL, -1, -1, "section %s overlaps section %s", nm, sect_names[k]);
		if (s.kind == NX_SECT_DATA ? s.count < s.size
		    : sect_entsize[s.kind] != 1 && (uint64_t)s.count * sect_entsize[s.kind] != s.size)
			return nx_errf(err, NX_EINVAL, -1, -1, "section %s: size %u does not match count %u",
				       nm, s.size, s.count);
		v->copy[s.kind] = s;
		v->s[s.kind] = &v->copy[s.kind];
	}
	if (!v->s[NX_SECT_STRTAB] || !v->s[NX_SECT_FUNCS] || !v->s[NX_SECT_CODE])
		return nx_errf(err, NX_EINVAL, -1, -1, "object lacks a required section (%s)",
			       !v->s[NX_SECT_STRTAB] ? "STRTAB" : !v->s[NX_SECT_FUNCS] ? "FUNCS" : "CODE");
	return 0;
}

/* Copy a table section into a fresh allocation; *n gets its count. */
static int copy_table(struct nx_ext *e, struct view *v, unsigned kind, void **dst, uint32_t *n)
{
	const struct nx_section *s = v->s[kind];
	*n = s ? s->count : 0;
	if (!s)
		return 0;
	*dst = nx_alloc_zero(e, s->size);
	if (!*dst)
		return -NX_ENOMEM;
	memcpy(*dst, v->obj + s->off, s->size);
	return 0;
}

/* A name: an offset inside STRTAB (which ends in NUL), at most max chars. */
static int check_name(const struct nx_ext *e, uint32_t off, int nonempty, const char *what,
		      uint32_t idx, struct nx_error *err)
{
	if (off >= e->strtab_len)
		return nx_errf(err, NX_EINVAL, -1, -1, "%s %u: name offset %u outside STRTAB (%u bytes)",
			       what, idx, off, e->strtab_len);
	size_t n = nx_strlen(e->strtab + off);
	if (n > NX_NAME_MAX || (nonempty && n == 0))
		return nx_errf(err, NX_EINVAL, -1, -1, "%s %u: name of %u chars (must be 1..%d)",
			       what, idx, (unsigned)n, NX_NAME_MAX);
	return 0;
}

static int load_strtab(struct nx_ext *e, struct view *v, struct nx_error *err)
{
	const struct nx_section *s = v->s[NX_SECT_STRTAB];
	if (s->size == 0 || v->obj[s->off] != 0 || v->obj[s->off + s->size - 1] != 0)
		return nx_errf(err, NX_EINVAL, -1, -1, "section STRTAB: must start and end with NUL");
	e->strtab = nx_alloc_zero(e, s->size);
	if (!e->strtab)
		return -NX_ENOMEM;
	memcpy(e->strtab, v->obj + s->off, s->size);
	e->strtab_len = s->size;
	return 0;
}

static int load_funcs(struct nx_ext *e, struct view *v, struct nx_error *err)
{
	const struct nx_section *s = v->s[NX_SECT_FUNCS];
	if (s->count == 0)
		return nx_errf(err, NX_EINVAL, -1, -1, "section FUNCS: no functions");
	e->fn = nx_alloc_zero(e, s->count * sizeof *e->fn);
	if (!e->fn)
		return -NX_ENOMEM;
	e->nfn = s->count;
	for (uint32_t i = 0; i < s->count; i++) {
		struct nx_func f;
		memcpy(&f, v->obj + s->off + i * sizeof f, sizeof f);
		int rc = check_name(e, f.name, 1, "function", i, err);
		if (rc)
			return rc;
		for (uint32_t j = 0; j < i; j++)
			if (nx_streq(nx_str(e, e->fn[j].name), nx_str(e, f.name)))
				return nx_errf(err, NX_EINVAL, (int32_t)i, -1, "function %u: duplicate name '%s'",
					       i, nx_str(e, f.name));
		if (f.len == 0 || f.len > NX_MAX_FUNC_INSNS || (uint64_t)f.start + f.len > e->ncode)
			return nx_errf(err, NX_EINVAL, (int32_t)i, -1,
				       "function %u '%s': code [%u, +%u) outside CODE (%u insns) or empty",
				       i, nx_str(e, f.name), f.start, f.len, e->ncode);
		if (f.nregs < 1 || f.nargs > NX_MAX_ARGS || f.nargs > f.nregs)
			return nx_errf(err, NX_EINVAL, (int32_t)i, -1,
				       "function %u '%s': nregs %u / nargs %u invalid (1 <= nregs, nargs <= min(nregs, %d))",
				       i, nx_str(e, f.name), f.nregs, f.nargs, NX_MAX_ARGS);
		if (f.flags)
			return nx_errf(err, NX_EINVAL, (int32_t)i, -1, "function %u: flags 0x%x, must be 0", i, f.flags);
		e->fn[i] = (struct nx_fn){ .name = f.name, .start = f.start, .len = f.len,
					   .nregs = f.nregs, .nargs = f.nargs };
	}
	return 0;
}

static int load_data(struct nx_ext *e, struct view *v, struct nx_error *err)
{
	const struct nx_section *s = v->s[NX_SECT_DATA];
	uint32_t size = s ? s->count : 0;
	if (size > NX_MAX_DATA)
		return nx_errf(err, NX_EINVAL, -1, -1, "section DATA: %u bytes, more than %u", size, NX_MAX_DATA);
	e->data = nx_alloc_zero(e, size);
	if (!e->data)
		return -NX_ENOMEM;
	e->data_len = size;
	if (s)
		memcpy(e->data, v->obj + s->off, s->size);
	return 0;
}

static int check_tables(struct nx_ext *e, struct nx_error *err)
{
	for (uint32_t i = 0; i < e->nexports; i++) {
		int rc = check_name(e, e->exports[i].name, 1, "export", i, err);
		if (rc)
			return rc;
		if (e->exports[i].func >= e->nfn)
			return nx_errf(err, NX_EINVAL, -1, -1, "export %u '%s': function %u does not exist",
				       i, nx_str(e, e->exports[i].name), e->exports[i].func);
		for (uint32_t j = 0; j < i; j++)
			if (nx_streq(nx_str(e, e->exports[j].name), nx_str(e, e->exports[i].name)))
				return nx_errf(err, NX_EINVAL, -1, -1, "export %u: duplicate name '%s'",
					       i, nx_str(e, e->exports[i].name));
	}
	for (uint32_t i = 0; i < e->nlines; i++)
		if (e->lines[i].insn >= e->ncode || (i && e->lines[i].insn < e->lines[i - 1].insn))
			return nx_errf(err, NX_EINVAL, -1, -1, "line entry %u: insn %u unsorted or outside CODE",
				       i, e->lines[i].insn);
	return 0;
}

/* Helper imports: names resolved to helper ids (the trust/hook rules are verify.c's). */
static int load_helpers(struct nx_ext *e, struct view *v, struct nx_error *err)
{
	const struct nx_section *s = v->s[NX_SECT_HELPERS];
	if (!s)
		return 0;
	e->helper = nx_alloc_zero(e, s->count);
	if (!e->helper)
		return -NX_ENOMEM;
	e->nhelpers = s->count;
	for (uint32_t i = 0; i < s->count; i++) {
		struct nx_import im;
		memcpy(&im, v->obj + s->off + i * sizeof im, sizeof im);
		int rc = check_name(e, im.name, 1, "helper import", i, err);
		if (rc)
			return rc;
		unsigned id = 0;
		while (id < NX_HELPER_COUNT && !nx_streq(nx_helper_name(id), nx_str(e, im.name)))
			id++;
		if (id == NX_HELPER_COUNT)
			return nx_errf(err, NX_ENOENT, -1, -1, "helper import %u: unknown helper '%s'",
				       i, nx_str(e, im.name));
		e->helper[i] = (uint8_t)id;
		if (im.nargs != nx_helper_nargs(id))
			return nx_errf(err, NX_EINVAL, -1, -1, "helper import %u '%s': %u arguments, the helper takes %u",
				       i, nx_helper_name(id), im.nargs, nx_helper_nargs(id));
	}
	return 0;
}

static int load_ximports(struct nx_ext *e, struct view *v, struct nx_error *err)
{
	const struct nx_section *s = v->s[NX_SECT_XIMPORTS];
	if (!s)
		return 0;
	e->nximp = s->count;
	e->ximp = nx_alloc_zero(e, s->count * sizeof *e->ximp);
	e->ximp_fn = nx_alloc_zero(e, s->count * sizeof *e->ximp_fn);
	e->ximp_name = nx_alloc_zero(e, s->count * 2 * sizeof *e->ximp_name);
	if (!e->ximp || !e->ximp_fn || !e->ximp_name)
		return -NX_ENOMEM;
	for (uint32_t i = 0; i < s->count; i++) {
		struct nx_ximport x;
		memcpy(&x, v->obj + s->off + i * sizeof x, sizeof x);
		int rc = check_name(e, x.ext, 1, "extension import", i, err);
		if (!rc)
			rc = check_name(e, x.name, 1, "extension import", i, err);
		if (rc)
			return rc;
		if (x.flags || x.nargs > NX_MAX_ARGS)
			return nx_errf(err, NX_EINVAL, -1, -1, "extension import %u: flags 0x%x / nargs %u invalid",
				       i, x.flags, x.nargs);
		e->ximp_name[2 * i] = x.ext;
		e->ximp_name[2 * i + 1] = x.name;
		e->ximp_fn[i] = x.nargs;   /* nargs until resolved (registry.c) */
	}
	return 0;
}

/* SOURCE: the file name fault reports give, printable and short. */
static int load_source(struct nx_ext *e, struct view *v, struct nx_error *err)
{
	const struct nx_section *s = v->s[NX_SECT_SOURCE];
	if (!s)
		return 0;
	if (s->count == 0 || s->count > NX_SOURCE_MAX || s->size != s->count)
		return nx_errf(err, NX_EINVAL, -1, -1, "SOURCE: %u bytes (1..%d)", s->count, NX_SOURCE_MAX);
	for (uint32_t i = 0; i < s->count; i++)
		if (v->obj[s->off + i] < 0x20 || v->obj[s->off + i] > 0x7e)
			return nx_errf(err, NX_EINVAL, -1, -1, "SOURCE: byte %u (0x%02x) is not printable ASCII",
				       i, v->obj[s->off + i]);
	memcpy(e->source, v->obj + s->off, s->count);
	e->source[s->count] = 0;
	return 0;
}

static int load_all(struct nx_ext *e, struct view *v, const struct nx_header *h,
		    struct nx_error *err)
{
	int rc = check_header(v, h, err);
	if (!rc)
		rc = check_sections(v, h, err);
	if (!rc)
		rc = load_strtab(e, v, err);
	if (!rc)
		rc = check_name(e, h->name, 1, "header", 0, err);
	if (rc)
		return rc;
	memcpy(e->name, nx_str(e, h->name), nx_strlen(nx_str(e, h->name)) + 1);
	e->trust = h->trust;
	if ((rc = load_source(e, v, err)))
		return rc;
	if ((rc = copy_table(e, v, NX_SECT_CODE, (void **)&e->code, &e->ncode)) ||
	    (rc = load_funcs(e, v, err)) || (rc = load_data(e, v, err)) ||
	    (rc = copy_table(e, v, NX_SECT_HOOKS, (void **)&e->hooks, &e->nhooks)) ||
	    (rc = copy_table(e, v, NX_SECT_EXPORTS, (void **)&e->exports, &e->nexports)) ||
	    (rc = copy_table(e, v, NX_SECT_LINES, (void **)&e->lines, &e->nlines)) ||
	    (rc = check_tables(e, err)) || (rc = load_helpers(e, v, err)) ||
	    (rc = load_ximports(e, v, err)))
		return rc == -NX_ENOMEM ? nx_errf(err, NX_ENOMEM, -1, -1, "out of memory loading the object") : rc;
	e->cells = nx_alloc_zero(e, (e->ncode + 1) * sizeof *e->cells);
	if (!e->cells)
		return nx_errf(err, NX_ENOMEM, -1, -1, "out of memory for threaded code");
	return 0;
}

int nx_load(const void *obj, size_t len, struct nx_ext **out, struct nx_error *err)
{
	*out = NULL;
	if (!obj || len > NX_MAX_OBJECT)
		return nx_errf(err, NX_EINVAL, -1, -1, "object of %llu bytes (at most %u)",
			       (unsigned long long)len, NX_MAX_OBJECT);
	if (len < sizeof(struct nx_header))
		return nx_errf(err, NX_EINVAL, -1, -1, "header: object is %llu bytes, shorter than the 32-byte header",
			       (unsigned long long)len);
	struct nx_ext *e = nx_host_alloc(sizeof *e);
	if (!e)
		return nx_errf(err, NX_ENOMEM, -1, -1, "out of memory");
	memset(e, 0, sizeof *e);
	e->bytes = sizeof *e;
	/* An aligned copy of the header: the object may sit at any address. */
	struct nx_header h;
	memcpy(&h, obj, sizeof h);
	struct view v = { .obj = obj, .len = len };
	int rc = load_all(e, &v, &h, err);
	if (rc) {
		nx_ext_free(e);
		return rc;
	}
	*out = e;
	return 0;
}

/*
 * The disassembler: an .nx object -> text.  It trusts nothing in the
 * file: every offset and index is checked against the buffer before use,
 * and bad parts are reported instead of printed.
 */
#include <string.h>
#include "extc.h"

struct nxfile {
	const uint8_t *buf;
	size_t len;
	const struct nx_section *sect[NX_SECT_KIND_MAX + 1];
};

/* Body of a section as an array of `elem`-byte entries, or NULL. */
static const void *body(struct nxfile *f, int kind, uint32_t elem, uint32_t *count)
{
	const struct nx_section *s = f->sect[kind];
	*count = 0;
	if (!s)
		return NULL;
	*count = elem ? s->size / elem : s->size;
	return f->buf + s->off;
}

static const char *name_at(struct nxfile *f, uint32_t off)
{
	uint32_t n;
	const char *st = body(f, NX_SECT_STRTAB, 0, &n);
	if (!st || off >= n || !memchr(st + off, 0, n - off))
		return "<bad name>";
	return st + off;
}

static int load(FILE *out, struct nxfile *f, const char *name)
{
	struct nx_header h;
	if (f->len < sizeof h) {
		fprintf(stderr, "%s: too short for an .nx header (%zu bytes)\n", name, f->len);
		return -1;
	}
	memcpy(&h, f->buf, sizeof h);
	if (h.magic != NX_MAGIC || h.version_major != NX_VERSION_MAJOR) {
		fprintf(stderr, "%s: not an .nx version %d object (bad magic or version)\n", name,
			NX_VERSION_MAJOR);
		return -1;
	}
	if (h.sect_off > f->len || h.nsect > (f->len - h.sect_off) / sizeof(struct nx_section) ||
	    h.sect_off % 4) {
		fprintf(stderr, "%s: section table outside the file\n", name);
		return -1;
	}
	const struct nx_section *st = (const void *)(f->buf + h.sect_off);
	for (uint32_t i = 0; i < h.nsect; i++) {
		if (st[i].kind < 1 || st[i].kind > NX_SECT_KIND_MAX || f->sect[st[i].kind] ||
		    st[i].off > f->len || st[i].size > f->len - st[i].off || st[i].off % 8) {
			fprintf(stderr, "%s: section %u (kind %u) is bad, duplicate or outside the file\n",
				name, i, st[i].kind);
			return -1;
		}
		f->sect[st[i].kind] = &st[i];
	}
	fprintf(out, "%s: .nx %u.%u, %zu bytes, extension '%s', %s\n", name, h.version_major,
		h.version_minor, f->len, f->sect[NX_SECT_STRTAB] ? name_at(f, h.name) : "?",
		h.trust == NX_TRUST_TRUSTED ? "trusted" : h.trust == NX_TRUST_UNTRUSTED ?
		"untrusted" : "bad trust value");
	for (uint32_t i = 0; i < h.nsect; i++)
		fprintf(out, "  section kind %u: offset %u, %u bytes, count %u\n", st[i].kind,
			st[i].off, st[i].size, st[i].count);
	return 0;
}

static void print_tables(FILE *out, struct nxfile *f)
{
	uint32_t n, i;
	const struct nx_hook *hk = body(f, NX_SECT_HOOKS, sizeof *hk, &n);
	const struct nx_func *fn;
	uint32_t nf;
	fn = body(f, NX_SECT_FUNCS, sizeof *fn, &nf);
	for (i = 0; i < n; i++)
		fprintf(out, "hook %s(%u) prio %u -> function %u (%s)\n",
			hk[i].hook < NX_HOOK_COUNT ? nx_hook_name((enum nx_hook_id)hk[i].hook) : "<bad hook>",
			hk[i].arg, hk[i].prio, hk[i].func,
			hk[i].func < nf ? name_at(f, fn[hk[i].func].name) : "<bad index>");
	const struct nx_export *ex = body(f, NX_SECT_EXPORTS, sizeof *ex, &n);
	for (i = 0; i < n; i++)
		fprintf(out, "export %s -> function %u\n", name_at(f, ex[i].name), ex[i].func);
	const struct nx_import *im = body(f, NX_SECT_HELPERS, sizeof *im, &n);
	for (i = 0; i < n; i++)
		fprintf(out, "helper %u: %s/%u\n", i, name_at(f, im[i].name), im[i].nargs);
	const struct nx_ximport *xi = body(f, NX_SECT_XIMPORTS, sizeof *xi, &n);
	for (i = 0; i < n; i++)
		fprintf(out, "ximport %u: %s.%s/%u\n", i, name_at(f, xi[i].ext),
			name_at(f, xi[i].name), xi[i].nargs);
	const uint8_t *d = body(f, NX_SECT_DATA, 0, &n);
	if (f->sect[NX_SECT_DATA]) {
		fprintf(out, "data: %u bytes (%u initialised)\n", f->sect[NX_SECT_DATA]->count, n);
		for (i = 0; i < n; i++)
			fprintf(out, "%s%02x%s", i % 16 ? " " : "  ", d[i],
				i % 16 == 15 || i + 1 == n ? "\n" : "");
	}
}

/* The callee an instruction's index names: a function, helper or extension import. */
static void print_callee(FILE *out, struct nxfile *f, unsigned op, uint32_t idx)
{
	uint32_t n;
	const struct nx_func *fn;
	const struct nx_import *im;
	const struct nx_ximport *xi;
	if (op == NX_OP_CALL && (fn = body(f, NX_SECT_FUNCS, sizeof *fn, &n)) && idx < n)
		fprintf(out, "\t; %s", name_at(f, fn[idx].name));
	if (op == NX_OP_HCALL && (im = body(f, NX_SECT_HELPERS, sizeof *im, &n)) && idx < n)
		fprintf(out, "\t; %s", name_at(f, im[idx].name));
	if (op == NX_OP_XCALL && (xi = body(f, NX_SECT_XIMPORTS, sizeof *xi, &n)) && idx < n)
		fprintf(out, "\t; %s.%s", name_at(f, xi[idx].ext), name_at(f, xi[idx].name));
}

/*
 * Operands as the format's template (isa.h NX_FORMATS) spells them:
 * ra/rb/rc a register, imm the immediate, seg the segment, off/off16 the
 * branch target, fn the callee index, n the argument count.
 */
static void print_operands(FILE *out, struct nxfile *f, uint64_t w, uint32_t at)
{
	unsigned op = NX_INSN_OP(w);
	const char *t = nx_fmt_operands(nx_op_fmt(op));
	while (*t) {
		size_t len = strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789");
		if (!len) {
			fputc(*t++, out);
			continue;
		}
		if (len == 2 && t[0] == 'r' && t[1] >= 'a' && t[1] <= 'c')
			fprintf(out, "r%u", t[1] == 'a' ? NX_INSN_A(w) : t[1] == 'b' ? NX_INSN_B(w) : NX_INSN_C(w));
		else if (len == 3 && !strncmp(t, "imm", 3))
			fprintf(out, "%d", NX_INSN_IMM(w));
		else if (len == 3 && !strncmp(t, "seg", 3))
			fprintf(out, "%s", nx_seg_name(NX_INSN_C(w)));
		else if (len == 3 && !strncmp(t, "off", 3))
			fprintf(out, "-> %lld", (long long)at + 1 + NX_INSN_IMM(w));
		else if (len == 5 && !strncmp(t, "off16", 5))
			fprintf(out, "-> %lld", (long long)at + 1 + NX_INSN_OFF16(w));
		else if (len == 2 && !strncmp(t, "fn", 2))
			fprintf(out, "%d", NX_INSN_IMM(w));
		else if (len == 1 && t[0] == 'n')
			fprintf(out, "%u", NX_INSN_C(w));
		else
			fprintf(out, "%.*s", (int)len, t);
		t += len;
	}
	if (nx_op_class(op) == NX_K_CALL)
		print_callee(out, f, op, (uint32_t)NX_INSN_IMM(w));
}

/* Source line of instruction i from LINES (0 if unknown). */
static uint32_t line_of(struct nxfile *f, uint32_t i)
{
	uint32_t n, line = 0;
	const struct nx_line *l = body(f, NX_SECT_LINES, sizeof *l, &n);
	for (uint32_t k = 0; k < n && l[k].insn <= i; k++)
		line = l[k].line;
	return line;
}

static void print_code(FILE *out, struct nxfile *f)
{
	uint32_t nf, nc;
	const struct nx_func *fn = body(f, NX_SECT_FUNCS, sizeof *fn, &nf);
	const uint64_t *code = body(f, NX_SECT_CODE, 8, &nc);
	for (uint32_t k = 0; k < nf; k++) {
		fprintf(out, "\nfunction %u %s: insns %u..%u, %u regs, %u args\n", k,
			name_at(f, fn[k].name), fn[k].start, fn[k].start + fn[k].len - 1,
			fn[k].nregs, fn[k].nargs);
		uint32_t lastline = 0;
		for (uint32_t i = fn[k].start; i - fn[k].start < fn[k].len; i++) {
			if (i >= nc) {
				fprintf(out, "  <code range outside CODE>\n");
				break;
			}
			uint64_t w;
			memcpy(&w, code + i, 8);
			uint32_t line = line_of(f, i);
			if (line != lastline)
				fprintf(out, "  ; line %u\n", line);
			lastline = line;
			unsigned op = NX_INSN_OP(w);
			if (op >= NX_OP_COUNT) {
				fprintf(out, "  %5u  <bad opcode %u>\n", i, op);
				continue;
			}
			fprintf(out, "  %5u  %-6s ", i, nx_op_name(op));
			print_operands(out, f, w, i);
			fputc('\n', out);
		}
	}
}

int nx_disasm(FILE *out, const uint8_t *buf, size_t len, const char *name)
{
	struct nxfile f = { buf, len, { 0 } };
	if (load(out, &f, name))
		return -1;
	print_tables(out, &f);
	print_code(out, &f);
	return 0;
}

/*
 * The name library (nimble/names.c, nimble/fold.c): names and properties
 * read from the shared tables (isa.h, hooks.h, helpers.h), linked by the
 * engine, the kernel, extc and gendoc alike, so no tool keeps a copy of a
 * table.  Every lookup takes any number and answers "?" (or 0) for one out
 * of range, so a tool may pass what it read from an untrusted object.
 */
#ifndef NIMBLE_NAMES_H
#define NIMBLE_NAMES_H

#include <stdint.h>
#include "isa.h"
#include "hooks.h"
#include "helpers.h"

/*
 * Instructions (NX_ISA) and operand formats (NX_FORMATS).  The properties
 * the verifier and translator ask per instruction are inline reads of the
 * tables (names.c defines them), so asking costs what a hand-written
 * switch did.
 */
struct nx_op_info { const char *name, *expr; unsigned char fmt, cls, width; };
struct nx_fmt_info {
	const char *name, *operands, *doc;
	unsigned char fields, reads, writes;
};
extern const struct nx_op_info nx_op_table[NX_OP_COUNT];
extern const struct nx_fmt_info nx_fmt_table[NX_F_COUNT];

const char *nx_op_name(unsigned op);
const char *nx_op_expr(unsigned op);       /* the expression column, as text */
static inline enum nx_fmt nx_op_fmt(unsigned op)        /* NX_F_NONE out of range */
{
	return op < NX_OP_COUNT ? (enum nx_fmt)nx_op_table[op].fmt : NX_F_NONE;
}
static inline enum nx_class nx_op_class(unsigned op)    /* NX_K_COUNT out of range */
{
	return op < NX_OP_COUNT ? (enum nx_class)nx_op_table[op].cls : NX_K_COUNT;
}
static inline unsigned nx_op_width(unsigned op)         /* bytes a LOAD or STORE moves, else 0 */
{
	return op < NX_OP_COUNT ? nx_op_table[op].width : 0;
}

const char *nx_fmt_name(unsigned fmt);
const char *nx_fmt_operands(unsigned fmt); /* "ra, rb, rc" ...            */
const char *nx_fmt_doc(unsigned fmt);
static inline unsigned nx_fmt_fields(unsigned fmt)      /* NX_FA .. NX_FWIN */
{
	return fmt < NX_F_COUNT ? nx_fmt_table[fmt].fields : 0;
}
static inline unsigned nx_fmt_reads(unsigned fmt)       /* NX_FA/FB/FC */
{
	return fmt < NX_F_COUNT ? nx_fmt_table[fmt].reads : 0;
}
static inline unsigned nx_fmt_writes(unsigned fmt)
{
	return fmt < NX_F_COUNT ? nx_fmt_table[fmt].writes : 0;
}
/* The instruction-word bits a format uses. */
static inline uint64_t nx_fmt_mask(unsigned fmt)
{
	unsigned u = nx_fmt_fields(fmt);
	return 0xffull | (u & NX_FA ? 0xff00ull : 0) | (u & NX_FB ? 0xff0000ull : 0) |
	       (u & NX_FC ? 0xff000000ull : 0) | (u & NX_FI ? 0xffffffff00000000ull : 0);
}
const char *nx_class_name(unsigned k);
const char *nx_class_doc(unsigned k);

/* Segments, faults, hooks, the context fields' types. */
const char *nx_seg_name(unsigned seg);
const char *nx_seg_doc(unsigned seg);
const char *nx_fault_name(enum nx_fault f);
const char *nx_fault_doc(enum nx_fault f);
const char *nx_hook_name(enum nx_hook_id h);
enum nx_hook_id nx_hook_by_name(const char *name);   /* NX_HOOK_NONE if unknown */
const char *nx_type_name(unsigned type);   /* "u8" .. "i64" */

/* Helpers (NX_HELPERS). */
const char *nx_helper_name(unsigned id);
int nx_helper_by_name(const char *name);   /* id, or -1 */
unsigned nx_helper_nargs(unsigned id);
unsigned nx_helper_flags(unsigned id);
unsigned nx_helper_hooks(unsigned id);     /* 0 = any hook */
enum nx_helper_ret nx_helper_ret(unsigned id);
const char *nx_helper_doc(unsigned id);

/*
 * fold.c: what an ALU, DIV, DIVI or BRANCH instruction computes from its
 * operands' values (va, vb, vc = r[a], r[b], r[c]; vi = the immediate,
 * sign-extended), from the table's expression column: 1 and *out, or 0
 * for another class or a zero divisor.  extc folds constants with it.
 */
int nx_isa_eval(unsigned op, uint64_t va, uint64_t vb, uint64_t vc, uint64_t vi, uint64_t *out);

#endif /* NIMBLE_NAMES_H */

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

/* Instructions (NX_ISA). */
const char *nx_op_name(unsigned op);
enum nx_fmt nx_op_fmt(unsigned op);        /* NX_F_NONE out of range      */
enum nx_class nx_op_class(unsigned op);    /* NX_K_COUNT out of range     */
const char *nx_op_expr(unsigned op);       /* the expression column, as text */
unsigned nx_op_width(unsigned op);         /* bytes a LOAD or STORE moves, else 0 */

/* Operand formats (NX_FORMATS) and classes (NX_CLASSES). */
const char *nx_fmt_name(unsigned fmt);
unsigned nx_fmt_fields(unsigned fmt);      /* NX_FA .. NX_FWIN            */
unsigned nx_fmt_reads(unsigned fmt);       /* NX_FA/FB/FC                 */
unsigned nx_fmt_writes(unsigned fmt);
const char *nx_fmt_operands(unsigned fmt); /* "ra, rb, rc" ...            */
const char *nx_fmt_doc(unsigned fmt);
uint64_t nx_fmt_mask(unsigned fmt);        /* the instruction-word bits it uses */
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

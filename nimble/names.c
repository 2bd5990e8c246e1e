/*
 * The name library (include/nimble/names.h): the shared tables as data.
 * Only this file and fold.c expand the tables for names and properties;
 * everything else asks here.
 */
#include <nimble/names.h>
#include "str.h"

#define NX_COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The memory types of LOAD and STORE rows, for their width. */
typedef uint8_t nx_mem_u8;   typedef uint16_t nx_mem_u16;
typedef uint32_t nx_mem_u32; typedef uint64_t nx_mem_u64;
typedef int8_t nx_mem_i8;    typedef int16_t nx_mem_i16;   typedef int32_t nx_mem_i32;
#define WIDTH_LOAD(T)   sizeof(nx_mem_##T)
#define WIDTH_STORE(T)  sizeof(nx_mem_##T)
#define WIDTH_ALU(e)    0
#define WIDTH_DIV(e)    0
#define WIDTH_DIVI(e)   0
#define WIDTH_BRANCH(e) 0
#define WIDTH_CALL(e)   0
#define WIDTH_RET(e)    0

const struct nx_op_info nx_op_table[NX_OP_COUNT] = {
#define X(name, fmt, cls, expr) { #name, #expr, NX_F_##fmt, NX_K_##cls, WIDTH_##cls(expr) },
	NX_ISA(X)
#undef X
};

const struct nx_fmt_info nx_fmt_table[NX_F_COUNT] = {
#define X(name, fields, reads, writes, operands, doc) { #name, operands, doc, fields, reads, writes },
	NX_FORMATS(X)
#undef X
};

static const char *const classes[][2] = {
#define X(name, doc) { #name, doc },
	NX_CLASSES(X)
#undef X
};

static const char *const segs[][2] = {
#define X(name, str, doc) { str, doc },
	NX_SEGS(X)
#undef X
};

static const char *const faults[][2] = {
#define X(name, doc) { #name, doc },
	NX_FAULTS(X)
#undef X
};

static const char *const hooks[] = {
	"none",
#define X(name, str, when, ret) str,
	NX_HOOKS(X)
#undef X
};

static const char *const types[] = {
#define X(name, str) str,
	NX_TYPES(X)
#undef X
};

static const struct {
	const char *name, *doc;
	unsigned char ret, nargs, flags;
	unsigned hooks;
} helpers[] = {
#define X(name, str, ret, nargs, flags, hooks, doc) { str, doc, NX_HR_##ret, nargs, flags, hooks },
	NX_HELPERS(X)
#undef X
};

const char *nx_op_name(unsigned op) { return op < NX_OP_COUNT ? nx_op_table[op].name : "?"; }
const char *nx_op_expr(unsigned op) { return op < NX_OP_COUNT ? nx_op_table[op].expr : "?"; }

const char *nx_fmt_name(unsigned f) { return f < NX_F_COUNT ? nx_fmt_table[f].name : "?"; }
const char *nx_fmt_operands(unsigned f) { return f < NX_F_COUNT ? nx_fmt_table[f].operands : "?"; }
const char *nx_fmt_doc(unsigned f) { return f < NX_F_COUNT ? nx_fmt_table[f].doc : "?"; }


const char *nx_class_name(unsigned k) { return k < NX_K_COUNT ? classes[k][0] : "?"; }
const char *nx_class_doc(unsigned k) { return k < NX_K_COUNT ? classes[k][1] : "?"; }
const char *nx_seg_name(unsigned s) { return s < NX_SEG_COUNT ? segs[s][0] : "seg?"; }
const char *nx_seg_doc(unsigned s) { return s < NX_SEG_COUNT ? segs[s][1] : "?"; }
const char *nx_fault_name(enum nx_fault f) { return (unsigned)f < NX_FAULT_COUNT ? faults[f][0] : "?"; }
const char *nx_fault_doc(enum nx_fault f) { return (unsigned)f < NX_FAULT_COUNT ? faults[f][1] : "?"; }
const char *nx_hook_name(enum nx_hook_id h) { return (unsigned)h < NX_HOOK_COUNT ? hooks[h] : "?"; }

const char *nx_type_name(unsigned t) { return t < NX_T_COUNT ? types[t] : "?"; }

enum nx_hook_id nx_hook_by_name(const char *name)
{
	for (unsigned h = 1; h < NX_HOOK_COUNT; h++)
		if (nx_streq(hooks[h], name))
			return (enum nx_hook_id)h;
	return NX_HOOK_NONE;
}

int nx_helper_by_name(const char *name)
{
	for (unsigned id = 0; id < NX_HELPER_COUNT; id++)
		if (nx_streq(helpers[id].name, name))
			return (int)id;
	return -1;
}

const char *nx_helper_name(unsigned id) { return id < NX_HELPER_COUNT ? helpers[id].name : "?"; }
unsigned nx_helper_nargs(unsigned id) { return id < NX_HELPER_COUNT ? helpers[id].nargs : 0; }
unsigned nx_helper_flags(unsigned id) { return id < NX_HELPER_COUNT ? helpers[id].flags : 0; }
unsigned nx_helper_hooks(unsigned id) { return id < NX_HELPER_COUNT ? helpers[id].hooks : 0; }
enum nx_helper_ret nx_helper_ret(unsigned id)
{
	return id < NX_HELPER_COUNT ? (enum nx_helper_ret)helpers[id].ret : NX_HR_VOID;
}
const char *nx_helper_doc(unsigned id) { return id < NX_HELPER_COUNT ? helpers[id].doc : "?"; }

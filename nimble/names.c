/*
 * Names and properties from the shared tables (isa.h, hooks.h,
 * helpers.h), for messages, tools and the verifier.
 */
#include "internal.h"
#include "str.h"

static const char *const op_names[] = {
#define X(name, fmt, sem) #name,
	NX_ISA(X)
#undef X
};

static const unsigned char op_fmts[] = {
#define X(name, fmt, sem) fmt,
	NX_ISA(X)
#undef X
};

static const char *const fault_names[] = {
#define X(name, desc) #name,
	NX_FAULTS(X)
#undef X
};

static const char *const hook_names[] = {
	"none",
#define X(name, str, when, ret) str,
	NX_HOOKS(X)
#undef X
};

static const struct { const char *name; unsigned nargs, flags, hooks; } helpers[] = {
#define X(name, str, nargs, flags, hooks, doc) { str, nargs, flags, hooks },
	NX_HELPERS(X)
#undef X
};

const char *nx_op_name(unsigned op)
{
	return op < NX_OP_COUNT ? op_names[op] : "?";
}

enum nx_fmt nx_op_fmt(unsigned op)
{
	return (enum nx_fmt)op_fmts[op];
}

const char *nx_fault_name(enum nx_fault f)
{
	return (unsigned)f < NX_FAULT_COUNT ? fault_names[f] : "?";
}

const char *nx_hook_name(enum nx_hook_id h)
{
	return (unsigned)h < NX_HOOK_COUNT ? hook_names[h] : "?";
}

enum nx_hook_id nx_hook_by_name(const char *name)
{
	for (unsigned h = 1; h < NX_HOOK_COUNT; h++)
		if (nx_streq(hook_names[h], name))
			return (enum nx_hook_id)h;
	return NX_HOOK_NONE;
}

const char *nx_helper_name(unsigned id) { return helpers[id].name; }
unsigned nx_helper_nargs(unsigned id) { return helpers[id].nargs; }
unsigned nx_helper_flags(unsigned id) { return helpers[id].flags; }
unsigned nx_helper_hooks(unsigned id) { return helpers[id].hooks; }

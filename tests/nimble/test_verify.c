/*
 * Every refusal of nx_insert (loader, verifier, registry) has a malformed
 * object here, and each must be refused with the right code, the right
 * instruction index and a message naming the problem.  A final check:
 * no refusal leaks memory.
 */
#include <stdio.h>
#include "common.h"
#include "tap.h"

/* A function "main" (r0 = 1; return r0) attached to sched_pick. */
static void std_main(struct nxb *b)
{
	uint32_t f = nxb_func(b, "main", 4, 0);
	nxb_emit(b, I_RI(MOVI, 0, 1));
	nxb_emit(b, I_RET(0));
	nxb_hook(b, NX_HOOK_SCHED_PICK, 0, f, 0);
}

/* Main with one extra instruction (at index 1) before the return. */
static void with_insn(struct nxb *b, uint64_t insn)
{
	uint32_t f = nxb_func(b, "main", 4, 0);
	nxb_emit(b, I_RI(MOVI, 0, 1));
	nxb_emit(b, insn);
	nxb_emit(b, I_RET(0));
	nxb_hook(b, NX_HOOK_SCHED_PICK, 0, f, 0);
}

static struct nx_section *sect(uint8_t *obj, unsigned kind)
{
	struct nx_header *h = (struct nx_header *)obj;
	struct nx_section *s = (struct nx_section *)(obj + h->sect_off);
	for (unsigned i = 0; i < h->nsect; i++)
		if (s[i].kind == kind)
			return &s[i];
	return NULL;
}
#define HDR ((struct nx_header *)obj)

/* ---- builder cases ---- */
#define B(name) static void name(struct nxb *b)
B(b_ok)            { std_main(b); }
B(b_unknown_op)    { with_insn(b, NX_INSN(NX_OP_COUNT, 0, 0, 0, 0)); }
B(b_unused)        { with_insn(b, NX_INSN(NX_OP_MOV, 1, 2, 3, 0)); }
B(b_reg)           { with_insn(b, I_RRR(ADD, 0, 1, 4)); }
B(b_target)        { with_insn(b, I_J(5)); }
B(b_target_back)   { with_insn(b, I_BRI(JEQI, 0, 0, -3)); }
B(b_falloff)       { uint32_t f = nxb_func(b, "main", 4, 0); nxb_emit(b, I_RI(MOVI, 0, 1));
		     nxb_emit(b, I_BRI(JEQI, 0, 0, -2)); nxb_hook(b, NX_HOOK_SCHED_PICK, 0, f, 0); }
B(b_call_fn)       { with_insn(b, I_CALL(CALL, 1, 7, 0)); }
B(b_call_arity)    { std_main(b); nxb_func(b, "g", 2, 2); nxb_emit(b, I_RET(0));
		     nxb_func(b, "h", 4, 0); nxb_emit(b, I_CALL(CALL, 1, 1, 1)); nxb_emit(b, I_RET(0)); }
B(b_call_window)   { std_main(b); nxb_func(b, "g", 2, 2); nxb_emit(b, I_RET(0));
		     nxb_func(b, "h", 4, 0); nxb_emit(b, I_CALL(CALL, 3, 1, 2)); nxb_emit(b, I_RET(0)); }
B(b_hcall_idx)     { with_insn(b, I_CALL(HCALL, 1, 0, 1)); }
B(b_hcall_arity)   { nxb_helper(b, "trace", 1); with_insn(b, I_CALL(HCALL, 1, 0, 2)); }
B(b_xcall_idx)     { with_insn(b, I_CALL(XCALL, 1, 0, 0)); }
B(b_divui0)        { with_insn(b, I_RRI(DIVUI, 1, 0, 0)); }
B(b_divsi0)        { with_insn(b, I_RRI(DIVSI, 1, 0, 0)); }
B(b_modui0)        { with_insn(b, I_RRI(MODUI, 1, 0, 0)); }
B(b_modsi0)        { with_insn(b, I_RRI(MODSI, 1, 0, 0)); }
B(b_seg)           { with_insn(b, I_MEM(LD64, 1, 0, 4, 0)); }
B(b_data_static)   { nxb_data(b, NULL, 0, 16); uint32_t f = nxb_func(b, "main", 4, 0);
		     nxb_emit(b, I_RI(MOVI, 1, 8)); nxb_emit(b, I_MEM(LD64, 0, 1, 0, 4));
		     nxb_emit(b, I_RET(0)); nxb_hook(b, NX_HOOK_SCHED_PICK, 0, f, 0); }
B(b_data_static_neg) { nxb_data(b, NULL, 0, 16); uint32_t f = nxb_func(b, "main", 4, 0);
		     nxb_emit(b, I_RI(MOVI, 1, 0)); nxb_emit(b, I_MEM(ST8, 0, 1, 0, -1));
		     nxb_emit(b, I_RET(0)); nxb_hook(b, NX_HOOK_SCHED_PICK, 0, f, 0); }
B(b_hook_unknown)  { std_main(b); nxb_hook(b, 9, 0, 0, 0); }
B(b_hook_func)     { std_main(b); nxb_hook(b, NX_HOOK_TRAP, 0, 3, 0); }
B(b_hook_args)     { std_main(b); uint32_t g = nxb_func(b, "g", 2, 1); nxb_emit(b, I_RET(0));
		     nxb_hook(b, NX_HOOK_TRAP, 0, g, 0); }
B(b_hook_arg)      { std_main(b); nxb_hook(b, NX_HOOK_TRAP, 2, 0, 0); }
B(b_hook_twice)    { std_main(b); nxb_hook(b, NX_HOOK_SCHED_PICK, 0, 0, 1); }
B(b_priv_helper)   { nxb_helper(b, "outb", 2); std_main(b); }
B(b_unknown_helper){ nxb_helper(b, "reboot", 0); std_main(b); }
B(b_helper_nargs)  { nxb_helper(b, "trace", 3); std_main(b); }
B(b_helper_hook)   { nxb_helper(b, "net_send", 5); uint32_t f = nxb_func(b, "main", 8, 0);
		     nxb_emit(b, I_CALL(HCALL, 0, 0, 5)); nxb_emit(b, I_RET(0));
		     nxb_hook(b, NX_HOOK_SCHED_PICK, 0, f, 0); }
B(b_helper_export) { nxb_helper(b, "net_send", 5); std_main(b); uint32_t g = nxb_func(b, "g", 8, 0);
		     nxb_emit(b, I_CALL(HCALL, 0, 0, 5)); nxb_emit(b, I_RET(0)); nxb_export(b, "g", g); }
B(b_dup_func)      { std_main(b); nxb_func(b, "main", 1, 0); nxb_emit(b, I_RET(0)); }
B(b_nregs0)        { std_main(b); nxb_func(b, "g", 0, 0); nxb_emit(b, I_RET(0)); }
B(b_nargs)         { std_main(b); nxb_func(b, "g", 2, 3); nxb_emit(b, I_RET(0)); }
B(b_export_func)   { std_main(b); nxb_export(b, "x", 5); }
B(b_export_dup)    { std_main(b); nxb_export(b, "x", 0); nxb_export(b, "x", 0); }
B(b_lines)         { std_main(b); nxb_line(b, 1, 2); nxb_line(b, 0, 1); }
B(b_data_big)      { std_main(b); nxb_data(b, NULL, 0, NX_MAX_DATA + 1); }
B(b_ximp_missing)  { nxb_ximport(b, "nosuch", "f", 0); std_main(b); }
B(b_two_funcs)     { std_main(b); nxb_func(b, "g", 1, 0); nxb_emit(b, I_RET(0)); }
B(b_many_funcs)    { std_main(b); for (unsigned i = 0; i < 65; i++) { char nm[16]; snprintf(nm, sizeof nm, "g%u", i);
		     nxb_func(b, nm, 1, 0); nxb_emit(b, I_RET(0)); } }
B(b_func_name)     { nxb_func(b, "a_name_that_is_longer_than_31_chars", 1, 0); nxb_emit(b, I_RET(0)); }

/* ---- raw cases: corrupt the bytes of the valid object ---- */
#define R(name) static void name(uint8_t *obj, size_t *len)
R(r_short)         { (void)obj; *len = 20; }
R(r_magic)         { (void)len; HDR->magic ^= 1; }
R(r_major)         { (void)len; HDR->version_major = 2; }
R(r_size)          { (void)len; HDR->file_size += 8; }
R(r_trust)         { (void)len; HDR->trust = 7; }
R(r_flags)         { (void)len; HDR->flags = 1; }
R(r_table)         { (void)len; HDR->nsect = 1000; }
R(r_kind)          { (void)len; sect(obj, NX_SECT_HOOKS)->kind = 12; }
R(r_dup)           { (void)len; sect(obj, NX_SECT_HOOKS)->kind = NX_SECT_CODE; }
R(r_align)         { (void)len; sect(obj, NX_SECT_CODE)->off += 4; }
R(r_outside)       { (void)len; sect(obj, NX_SECT_CODE)->off = 1u << 30; }
R(r_over_hdr)      { (void)len; sect(obj, NX_SECT_CODE)->off = 8; }
R(r_overlap)       { (void)len; sect(obj, NX_SECT_CODE)->off = sect(obj, NX_SECT_FUNCS)->off; }
R(r_count)         { (void)len; sect(obj, NX_SECT_FUNCS)->count = 2; }
R(r_missing)       { (void)len; sect(obj, NX_SECT_CODE)->kind = NX_SECT_LINES; }
R(r_strtab)        { (void)len; obj[sect(obj, NX_SECT_STRTAB)->off] = 'x'; }
R(r_strtab_end)    { (void)len; struct nx_section *s = sect(obj, NX_SECT_STRTAB); obj[s->off + s->size - 1] = 'x'; }
R(r_name)          { (void)len; HDR->name = 5000; }
R(r_name_empty)    { (void)len; HDR->name = 0; }
R(r_nofuncs)       { (void)len; struct nx_section *s = sect(obj, NX_SECT_FUNCS); s->count = 0; s->size = 0; }
R(r_func_range)    { (void)len; ((struct nx_func *)(obj + sect(obj, NX_SECT_FUNCS)->off))->len = 9; }
R(r_func_empty)    { (void)len; ((struct nx_func *)(obj + sect(obj, NX_SECT_FUNCS)->off))->len = 0; }
R(r_func_flags)    { (void)len; ((struct nx_func *)(obj + sect(obj, NX_SECT_FUNCS)->off))->flags = 1; }
R(r_func_name)     { (void)len; ((struct nx_func *)(obj + sect(obj, NX_SECT_FUNCS)->off))->name = 999; }
R(r_gap)           { (void)len; ((struct nx_func *)(obj + sect(obj, NX_SECT_FUNCS)->off))->start = 1;
		     ((struct nx_func *)(obj + sect(obj, NX_SECT_FUNCS)->off))->len = 1; }
R(r_fn_overlap)    { (void)len; ((struct nx_func *)(obj + sect(obj, NX_SECT_FUNCS)->off))[1].start = 1; }
R(r_fn_overlap_65) { (void)len; ((struct nx_func *)(obj + sect(obj, NX_SECT_FUNCS)->off))[65].start = 1; }
R(r_toobig)        { (void)obj; *len = NX_MAX_OBJECT + 1; }

struct vcase {
	const char *what;
	void (*build)(struct nxb *);
	void (*raw)(uint8_t *, size_t *);
	int may_trust, trust, code;
	int32_t insn;
	const char *msg;   /* must appear in err.msg */
};

static const struct vcase cases[] = {
	{ "a valid object is accepted", b_ok, NULL, 0, 0, 0, -1, "" },
	{ "object shorter than the header", b_ok, r_short, 0, 0, NX_EINVAL, -1, "shorter than the 32-byte header" },
	{ "object larger than NX_MAX_OBJECT", b_ok, r_toobig, 0, 0, NX_EINVAL, -1, "at most" },
	{ "bad magic", b_ok, r_magic, 0, 0, NX_EINVAL, -1, "bad magic" },
	{ "bad major version", b_ok, r_major, 0, 0, NX_EINVAL, -1, "version 2." },
	{ "file_size mismatch", b_ok, r_size, 0, 0, NX_EINVAL, -1, "file_size" },
	{ "trust neither 0 nor 1", b_ok, r_trust, 0, 0, NX_EINVAL, -1, "trust 7" },
	{ "header flags", b_ok, r_flags, 0, 0, NX_EINVAL, -1, "flags 0x1" },
	{ "section table outside the object", b_ok, r_table, 0, 0, NX_EINVAL, -1, "section table" },
	{ "unknown section kind", b_ok, r_kind, 0, 0, NX_EINVAL, -1, "unknown kind 12" },
	{ "duplicate section", b_ok, r_dup, 0, 0, NX_EINVAL, -1, "duplicate CODE" },
	{ "unaligned section", b_ok, r_align, 0, 0, NX_EINVAL, -1, "not 8-byte aligned" },
	{ "section outside the object", b_ok, r_outside, 0, 0, NX_EINVAL, -1, "outside the" },
	{ "section over the header", b_ok, r_over_hdr, 0, 0, NX_EINVAL, -1, "overlaps the header" },
	{ "overlapping sections", b_ok, r_overlap, 0, 0, NX_EINVAL, -1, "overlaps section" },
	{ "size/count mismatch", b_ok, r_count, 0, 0, NX_EINVAL, -1, "does not match count" },
	{ "missing CODE", b_ok, r_missing, 0, 0, NX_EINVAL, -1, "required section (CODE)" },
	{ "STRTAB not starting with NUL", b_ok, r_strtab, 0, 0, NX_EINVAL, -1, "STRTAB" },
	{ "STRTAB not NUL-terminated", b_ok, r_strtab_end, 0, 0, NX_EINVAL, -1, "STRTAB" },
	{ "name offset outside STRTAB", b_ok, r_name, 0, 0, NX_EINVAL, -1, "outside STRTAB" },
	{ "empty extension name", b_ok, r_name_empty, 0, 0, NX_EINVAL, -1, "name of 0 chars" },
	{ "no functions", b_ok, r_nofuncs, 0, 0, NX_EINVAL, -1, "no functions" },
	{ "function code outside CODE", b_ok, r_func_range, 0, 0, NX_EINVAL, -1, "outside CODE" },
	{ "empty function", b_ok, r_func_empty, 0, 0, NX_EINVAL, -1, "or empty" },
	{ "function flags", b_ok, r_func_flags, 0, 0, NX_EINVAL, -1, "flags 0x1" },
	{ "function name outside STRTAB", b_ok, r_func_name, 0, 0, NX_EINVAL, -1, "function 0: name offset 999" },
	{ "function name too long", b_func_name, NULL, 0, 0, NX_EINVAL, -1, "name of 35 chars" },
	{ "duplicate function name", b_dup_func, NULL, 0, 0, NX_EINVAL, -1, "duplicate name 'main'" },
	{ "nregs 0", b_nregs0, NULL, 0, 0, NX_EINVAL, -1, "nregs 0" },
	{ "nargs > nregs", b_nargs, NULL, 0, 0, NX_EINVAL, -1, "nargs 3" },
	{ "DATA larger than the limit", b_data_big, NULL, 0, 0, NX_EINVAL, -1, "section DATA" },
	{ "export of a missing function", b_export_func, NULL, 0, 0, NX_EINVAL, -1, "function 5 does not exist" },
	{ "duplicate export", b_export_dup, NULL, 0, 0, NX_EINVAL, -1, "duplicate name 'x'" },
	{ "unsorted LINES", b_lines, NULL, 0, 0, NX_EINVAL, -1, "line entry 1" },
	{ "unknown helper", b_unknown_helper, NULL, 0, 0, NX_ENOENT, -1, "unknown helper 'reboot'" },
	{ "helper import with wrong nargs", b_helper_nargs, NULL, 0, 0, NX_EINVAL, -1, "3 arguments, the helper takes 1" },
	{ "instruction outside every function", b_ok, r_gap, 0, 0, NX_EINVAL, 0, "insn 0: instruction belongs to no function" },
	{ "overlapping functions", b_two_funcs, r_fn_overlap, 0, 0, NX_EINVAL, 1,
	  "insn 1: functions 'main' and 'g' overlap" },
	{ "overlapping functions among 66", b_many_funcs, r_fn_overlap_65, 0, 0, NX_EINVAL, 1,
	  "insn 1: functions 'main' and 'g64' overlap" },
	{ "unknown opcode", b_unknown_op, NULL, 0, 0, NX_EINVAL, 1, "insn 1: unknown opcode 70" },
	{ "non-zero unused field", b_unused, NULL, 0, 0, NX_EINVAL, 1, "insn 1: MOV has non-zero unused fields" },
	{ "register >= nregs", b_reg, NULL, 0, 0, NX_EINVAL, 1, "insn 1: register c=4 >= nregs 4" },
	{ "jump past the function", b_target, NULL, 0, 0, NX_EINVAL, 1, "insn 1: jump target 7 outside" },
	{ "jump before the function", b_target_back, NULL, 0, 0, NX_EINVAL, 1, "insn 1: jump target -1 outside" },
	{ "falling off the end", b_falloff, NULL, 0, 0, NX_EINVAL, 1, "insn 1: function 'main' ends with JEQI" },
	{ "CALL to a missing function", b_call_fn, NULL, 0, 0, NX_EINVAL, 1, "insn 1: CALL to function 7" },
	{ "CALL arity", b_call_arity, NULL, 0, 0, NX_EINVAL, 3, "insn 3: CALL passes 1 arguments, 'g' takes 2" },
	{ "CALL window outside the frame", b_call_window, NULL, 0, 0, NX_EINVAL, 3, "insn 3: CALL argument window r3..r4" },
	{ "HCALL to a missing import", b_hcall_idx, NULL, 0, 0, NX_EINVAL, 1, "insn 1: HCALL to helper import 0" },
	{ "HCALL arity", b_hcall_arity, NULL, 0, 0, NX_EINVAL, 1, "insn 1: HCALL passes 2 arguments" },
	{ "XCALL to a missing import", b_xcall_idx, NULL, 0, 0, NX_EINVAL, 1, "insn 1: XCALL to extension import 0" },
	{ "DIVUI by 0", b_divui0, NULL, 0, 0, NX_EINVAL, 1, "insn 1: DIVUI by the constant 0" },
	{ "DIVSI by 0", b_divsi0, NULL, 0, 0, NX_EINVAL, 1, "insn 1: DIVSI by the constant 0" },
	{ "MODUI by 0", b_modui0, NULL, 0, 0, NX_EINVAL, 1, "insn 1: MODUI by the constant 0" },
	{ "MODSI by 0", b_modsi0, NULL, 0, 0, NX_EINVAL, 1, "insn 1: MODSI by the constant 0" },
	{ "segment number", b_seg, NULL, 0, 0, NX_EINVAL, 1, "insn 1: LD64 names segment 4" },
	{ "static data offset past the end", b_data_static, NULL, 0, 0, NX_EINVAL, 1, "insn 1: LD64 at data offset 12 outside" },
	{ "static data offset below 0", b_data_static_neg, NULL, 0, 0, NX_EINVAL, 1, "insn 1: ST8 at data offset -1 outside" },
	{ "unknown hook", b_hook_unknown, NULL, 0, 0, NX_EINVAL, -1, "unknown hook 9" },
	{ "hook on a missing function", b_hook_func, NULL, 0, 0, NX_EINVAL, -1, "function 3 does not exist" },
	{ "hook entry with arguments", b_hook_args, NULL, 0, 0, NX_EINVAL, -1, "takes 1 arguments" },
	{ "hook argument out of range", b_hook_arg, NULL, 0, 0, NX_EINVAL, -1, "argument 2 for hook trap" },
	{ "hook attached twice", b_hook_twice, NULL, 0, 0, NX_EINVAL, -1, "attached twice" },
	{ "privileged helper from untrusted code", b_priv_helper, NULL, 0, 0, NX_EPERM, -1, "'outb' is for trusted" },
	{ "helper not allowed on the hook", b_helper_hook, NULL, 0, 0, NX_EPERM, 0, "insn 0: helper 'net_send' may not be called from hook sched_pick" },
	{ "hook-limited helper in an export", b_helper_export, NULL, 0, 0, NX_EPERM, 2, "via an export" },
	{ "trusted object from an unprivileged inserter", b_ok, NULL, 0, 1, NX_EPERM, -1, "asks for trust" },
	{ "privileged helper from trusted code is accepted", b_priv_helper, NULL, 1, 1, 0, -1, "" },
	{ "import of an extension not inserted", b_ximp_missing, NULL, 0, 0, NX_ENOENT, -1, "'nosuch' is not inserted" },
};
#define NCASES (int)(sizeof cases / sizeof cases[0])

static void run_case(const struct vcase *c)
{
	struct nxb *b = nxb_new("v", c->trust ? NX_TRUST_TRUSTED : NX_TRUST_UNTRUSTED);
	c->build(b);
	size_t len;
	uint8_t *obj = nxb_finish(b, &len);
	nxb_free(b);
	obj = realloc(obj, len + 64);
	if (c->raw)
		c->raw(obj, &len);
	struct nx_ext *e = NULL;
	struct nx_error err = { 0 };
	int rc = nx_insert(obj, len, 1, c->may_trust, &e, &err);
	free(obj);
	int ok = c->code ? rc == -c->code && !e && err.code == c->code && err.insn == c->insn && strstr(err.msg, c->msg)
			 : rc == 0 && e;
	ok(ok, "%s: %s", c->what, rc ? err.msg : "accepted");
	if (!ok)
		printf("# rc %d code %d insn %d\n", rc, err.code, err.insn);
	if (e)
		nx_remove(e);
}

/* Registry refusals: duplicate name, imports across owners and trust. */
static void registry_cases(void)
{
	struct nx_error err;
	struct nxb *b = nxb_new("prov", NX_TRUST_UNTRUSTED);
	uint32_t f = nxb_func(b, "add", 3, 2);
	nxb_emit(b, I_RRR(ADD, 0, 0, 1));
	nxb_emit(b, I_RET(0));
	nxb_export(b, "add", f);
	struct nx_ext *prov = ins(b, 7, 0, &err);

	b = nxb_new("prov", NX_TRUST_UNTRUSTED);
	std_main(b);
	ok(!ins(b, 7, 0, &err) && err.code == NX_EEXIST && strstr(err.msg, "'prov' is already inserted"),
	   "a second extension with the same name: %s", err.msg);

	b = nxb_new("imp", NX_TRUST_UNTRUSTED);
	nxb_ximport(b, "prov", "sub", 2);
	std_main(b);
	ok(!ins(b, 7, 0, &err) && err.code == NX_ENOENT && strstr(err.msg, "'prov' exports no 'sub'"),
	   "import of a missing export: %s", err.msg);

	b = nxb_new("imp", NX_TRUST_UNTRUSTED);
	nxb_ximport(b, "prov", "add", 3);
	std_main(b);
	ok(!ins(b, 7, 0, &err) && err.code == NX_EINVAL && strstr(err.msg, "takes 2 arguments, the import says 3"),
	   "import with the wrong arity: %s", err.msg);

	b = nxb_new("imp", NX_TRUST_UNTRUSTED);
	nxb_ximport(b, "prov", "add", 2);
	std_main(b);
	ok(!ins(b, 8, 0, &err) && err.code == NX_EPERM && strstr(err.msg, "belongs to another owner"),
	   "untrusted import of another owner's untrusted export: %s", err.msg);

	b = nxb_new("imp", NX_TRUST_TRUSTED);
	nxb_ximport(b, "prov", "add", 2);
	std_main(b);
	struct nx_ext *t = ins(b, 0, 1, &err);
	ok(t != NULL, "trusted import of an untrusted export is accepted");
	if (t)
		nx_remove(t);
	nx_remove(prov);
}

int main(void)
{
	tap_plan(NCASES + 6);
	for (int i = 0; i < NCASES; i++)
		run_case(&cases[i]);
	registry_cases();
	nx_run_cache_drain();
	ok(nx_host_bytes == 0 && nx_host_blocks == 0, "refusals leak nothing (%zu bytes, %zu blocks)",
	   nx_host_bytes, nx_host_blocks);
	return tap_done();
}

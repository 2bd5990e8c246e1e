/*
 * Semantic checks: names and scopes, types, constant folding, context
 * fields, helper signatures and trust, and the data-segment layout.
 *
 * After check_program() without errors every expression is resolved
 * (no E_NAME left), typed, and constant subexpressions are
 * folded into E_NUM; every local has a slot; the generator may assume
 * all of it.
 */
#include <string.h>
#include "extc.h"

const struct ctx_field extc_ctx_fields[] = {
#define CTX_FIELD(h, arr, nm, seg, off, ty, cnt, str, acc) \
	{ NX_HOOK_##h, arr, nm, seg, off, ty, cnt, str, acc },
	NX_CTX_FIELDS(CTX_FIELD)
#undef CTX_FIELD
};
const int extc_nctx_fields = sizeof extc_ctx_fields / sizeof extc_ctx_fields[0];

int type_size(int t)
{
	static const int sz[] = { 1, 2, 4, 8, 1, 2, 4, 8, 0 };
	return sz[t];
}

int type_signed(int t)
{
	return t >= NX_T_I8 && t <= NX_T_I64;
}

/* v converted to type t: truncated and re-extended as in C. */
uint64_t type_convert(uint64_t v, int t)
{
	int bits = type_size(t) * 8;
	if (bits == 64)
		return v;
	v &= (1ull << bits) - 1;
	if (type_signed(t) && (v >> (bits - 1)))
		v |= ~0ull << bits;
	return v;
}

/* A call's type: what the helper's table row says it returns. */
static int helper_type(int h)
{
	switch (nx_helper_ret((unsigned)h)) {
	case NX_HR_U64: return NX_T_U64;
	case NX_HR_I64: return NX_T_I64;
	default:        return T_VOID;
	}
}

/* The top-level names live in a hash table so that big inputs stay linear. */
static unsigned name_hash(const char *s)
{
	unsigned h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % EXTC_HASH;
}

static struct sym *lookup(struct extc *c, const char *key)
{
	for (struct sym *s = c->htab[name_hash(key)]; s; s = s->hnext)
		if (!strcmp(s->key, key))
			return s;
	return NULL;
}

static struct sym *find_sym(struct extc *c, const char *name)
{
	return lookup(c, name);
}

/* An import's key "ext.name" cannot clash with an identifier. */
static const char *import_key(struct extc *c, const char *ext, const char *name)
{
	size_t n = strlen(ext), m = strlen(name);
	char *key = extc_alloc(c, n + m + 2);
	memcpy(key, ext, n);
	key[n] = '.';
	memcpy(key + n + 1, name, m + 1);
	return key;
}

static struct sym *find_import(struct extc *c, const char *ext, const char *name)
{
	return lookup(c, import_key(c, ext, name));
}

static struct local *find_local(struct extc *c, const char *name)
{
	for (int i = c->nscope - 1; i >= 0; i--)
		if (!strcmp(c->scope[i]->name, name))
			return c->scope[i];
	return NULL;
}

static void scope_push(struct extc *c, struct local *l)
{
	if (c->nscope == EXTC_MAX_LOCALS) {
		extc_error(c, l->pos, "more than %d parameters and locals in '%s'",
			   EXTC_MAX_LOCALS, c->curfn->name);
		return;
	}
	if (c->nscope == c->capscope) {
		int cap = c->capscope ? c->capscope * 2 : 64;
		struct local **s = extc_alloc(c, (size_t)cap * sizeof *s);
		if (c->nscope)
			memcpy(s, c->scope, (size_t)c->nscope * sizeof *s);
		c->scope = s;
		c->capscope = cap;
	}
	l->slot = c->nscope;
	c->scope[c->nscope++] = l;
	if (c->nscope > c->curfn->nslots)
		c->curfn->nslots = c->nscope;
}

static struct expr *num(struct extc *c, struct expr *at, uint64_t v, int type)
{
	struct expr *e = extc_alloc(c, sizeof *e);
	e->kind = E_NUM;
	e->pos = at->pos;
	e->val = v;
	e->type = type;
	return e;
}

static struct expr *check_expr(struct extc *c, struct expr *e);

/* An expression used for its value: a call to a void function is not one. */
static struct expr *check_value(struct extc *c, struct expr *e)
{
	e = check_expr(c, e);
	if (e->type == T_VOID) {
		extc_error(c, e->pos, "'%s' returns no value", e->name ? e->name : "call");
		e->type = NX_T_I64;
	}
	return e;
}

static struct expr *check_name(struct extc *c, struct expr *e)
{
	struct local *l = find_local(c, e->name);
	if (l) {
		e->kind = E_LOCAL;
		e->loc = l;
		e->type = l->type;
		return e;
	}
	struct sym *s = find_sym(c, e->name);
	if (!s) {
		if (nx_helper_by_name(e->name) >= 0)
			extc_error(c, e->pos, "helper '%s' used without a call", e->name);
		else
			extc_error(c, e->pos, "unknown name '%s'", e->name);
		return num(c, e, 0, NX_T_I64);
	}
	if (s->kind == SYM_CONST && !s->ready) {
		extc_error(c, e->pos, "constant '%s' is used before its definition", e->name);
		return num(c, e, 0, NX_T_I64);
	}
	if (s->kind == SYM_CONST)
		return num(c, e, s->val, s->type);
	if (s->kind == SYM_FUNC) {
		extc_error(c, e->pos, "function '%s' used as a value (call it)", e->name);
		return num(c, e, 0, NX_T_I64);
	}
	if (s->count) {
		extc_error(c, e->pos, "array '%s' used without an index", e->name);
		return num(c, e, 0, NX_T_I64);
	}
	e->kind = E_GLOBAL;
	e->sym = s;
	e->type = s->type;
	return e;
}

static struct expr *check_index(struct extc *c, struct expr *e)
{
	struct sym *s = find_sym(c, e->name);
	e->a = check_value(c, e->a);
	if (!s || s->kind != SYM_GLOBAL || !s->count) {
		if (!s && !find_local(c, e->name))
			extc_error(c, e->pos, "unknown array '%s'", e->name);
		else
			extc_error(c, e->pos, "'%s' is not an array", e->name);
		return num(c, e, 0, NX_T_I64);
	}
	if (e->a->kind == E_NUM && e->a->val >= s->count)
		extc_error(c, e->a->pos, "index %lld is outside array '%s' of %u elements",
			   (long long)e->a->val, s->name, s->count);
	e->sym = s;
	e->type = s->type;
	return e;
}

static int find_field(struct extc *c, struct expr *e)
{
	const char *arr = e->name2 ? e->name : "";
	const char *name = e->name2 ? e->name2 : e->name;
	for (int i = 0; i < extc_nctx_fields; i++) {
		const struct ctx_field *f = &extc_ctx_fields[i];
		if (f->hook == c->curfn->hook && !strcmp(f->array, arr) && !strcmp(f->name, name))
			return i;
	}
	return -1;
}

static int is_record_array(struct extc *c, const char *name)
{
	for (int i = 0; i < extc_nctx_fields; i++)
		if (extc_ctx_fields[i].hook == c->curfn->hook &&
		    !strcmp(extc_ctx_fields[i].array, name))
			return 1;
	return 0;
}

static struct expr *check_ctx(struct extc *c, struct expr *e)
{
	if (e->a)
		e->a = check_value(c, e->a);
	if (c->curfn->hook == NX_HOOK_NONE) {
		extc_error(c, e->pos, "'ctx' is only available in hook functions ('%s' is not one)",
			   c->curfn->name);
		return num(c, e, 0, NX_T_I64);
	}
	int i = find_field(c, e);
	const char *hn = nx_hook_name(c->curfn->hook);
	if (i < 0) {
		if (!e->name2 && is_record_array(c, e->name))
			extc_error(c, e->pos2, "context field '%s' is an array of records: use ctx.%s[i].FIELD",
				   e->name, e->name);
		else if (e->name2 && is_record_array(c, e->name))
			extc_error(c, e->pos2, "record ctx.%s[i] of hook %s has no field '%s'",
				   e->name, hn, e->name2);
		else
			extc_error(c, e->pos2, "hook %s has no context field '%s'", hn, e->name);
		return num(c, e, 0, NX_T_I64);
	}
	const struct ctx_field *f = &extc_ctx_fields[i];
	int indexed = f->count != 0 || f->array[0];
	if (indexed && !e->rec) {
		extc_error(c, e->pos2, "context field '%s' is an array: index it", e->name);
		return num(c, e, 0, NX_T_I64);
	}
	if (!indexed && e->rec) {
		extc_error(c, e->pos2, "context field '%s' is not an array", e->name);
		return num(c, e, 0, NX_T_I64);
	}
	if (e->rec && f->count != NX_DYN && e->a->kind == E_NUM && e->a->val >= f->count)
		extc_error(c, e->a->pos, "index %lld is outside ctx.%s of %u elements",
			   (long long)e->a->val, f->name, f->count);
	e->field = i;
	e->type = f->type;
	return e;
}

static void check_args(struct extc *c, struct expr *e, int want, const char *what)
{
	for (int i = 0; i < e->nargs; i++)
		e->args[i] = check_value(c, e->args[i]);
	if (e->nargs != want)
		extc_error(c, e->pos, "%s '%s' takes %d argument%s, %d given", what,
			   e->name2 ? e->name2 : e->name, want, want == 1 ? "" : "s", e->nargs);
}

static void check_helper_use(struct extc *c, struct expr *e, int h)
{
	unsigned hooks = nx_helper_hooks((unsigned)h);
	if ((nx_helper_flags((unsigned)h) & NX_HF_TRUSTED) && c->trust != NX_TRUST_TRUSTED)
		extc_error(c, e->pos, "helper '%s' is only for trusted extensions ('%s' is untrusted)",
			   nx_helper_name((unsigned)h), c->extname);
	if (hooks && !(c->curfn->hook != NX_HOOK_NONE && (hooks & (1u << c->curfn->hook)))) {
		char list[64] = "";
		for (int k = 1; k < NX_HOOK_COUNT; k++)
			if (hooks & (1u << k)) {
				if (list[0])
					strcat(list, ", ");
				strcat(list, nx_hook_name(k));
			}
		extc_error(c, e->pos, "helper '%s' may only be called from the entry of hooks: %s",
			   nx_helper_name((unsigned)h), list);
	}
}

static struct expr *check_call(struct extc *c, struct expr *e)
{
	int h = nx_helper_by_name(e->name);
	if (h >= 0) {
		e->kind = E_HCALL;
		e->field = h;
		e->type = helper_type(h);
		check_args(c, e, (int)nx_helper_nargs((unsigned)h), "helper");
		check_helper_use(c, e, h);
		return e;
	}
	struct sym *s = find_sym(c, e->name);
	if (!s || s->kind != SYM_FUNC) {
		for (int i = 0; i < e->nargs; i++)
			e->args[i] = check_expr(c, e->args[i]);
		if (s || find_local(c, e->name))
			extc_error(c, e->pos, "'%s' is not a function", e->name);
		else
			extc_error(c, e->pos, "unknown function '%s'", e->name);
		return num(c, e, 0, NX_T_I64);
	}
	/* a hook entry reads its hook's context: only that hook's code runs with it */
	if (s->hook != NX_HOOK_NONE && s->hook != c->curfn->hook)
		extc_error(c, e->pos, "'%s' is the entry of hook %s and reads its context: "
			   "only code of that hook may call it", s->name, nx_hook_name(s->hook));
	e->sym = s;
	e->type = s->type;
	check_args(c, e, s->nparams, "function");
	return e;
}

static struct expr *check_xcall(struct extc *c, struct expr *e)
{
	struct sym *s = find_import(c, e->name, e->name2);
	if (!s) {
		for (int i = 0; i < e->nargs; i++)
			e->args[i] = check_expr(c, e->args[i]);
		extc_error(c, e->pos, "no import declares '%s.%s' (add: import TYPE %s.%s(...);)",
			   e->name, e->name2, e->name, e->name2);
		return num(c, e, 0, NX_T_I64);
	}
	e->sym = s;
	e->type = s->type;
	check_args(c, e, s->nparams, "imported function");
	return e;
}

static int arith_type(int a, int b)
{
	return a == NX_T_U64 || b == NX_T_U64 ? NX_T_U64 : NX_T_I64;
}

/* -x, ~x and !x folded with NEG, NOT and SEQI x, 0. */
static struct expr *fold_unary(struct extc *c, struct expr *e)
{
	uint64_t v = e->a->val, out = v;
	switch (e->op) {
	case K_MINUS: nx_isa_eval(NX_OP_NEG, 0, v, 0, 0, &out); return num(c, e, out, e->type);
	case K_TILDE: nx_isa_eval(NX_OP_NOT, 0, v, 0, 0, &out); return num(c, e, out, e->type);
	case K_BANG:  nx_isa_eval(NX_OP_SEQI, 0, v, 0, 0, &out); return num(c, e, out, NX_T_I64);
	default:      return num(c, e, v, e->type);
	}
}

static struct expr *check_unary(struct extc *c, struct expr *e)
{
	e->a = check_value(c, e->a);
	e->type = e->op == K_BANG ? NX_T_I64 : arith_type(e->a->type, e->a->type);
	if (e->a->kind == E_NUM)
		return fold_unary(c, e);
	if (e->op == K_PLUS)
		return e->a;
	return e;
}

/* Fold a binary operator on constants with the instruction the generator
 * emits for it; division by zero is the caller's. */
static uint64_t fold_binop(int op, uint64_t a, uint64_t b, int uns)
{
	int swap, insn = extc_binop_insn(op, uns, &swap);
	uint64_t v = 0;
	nx_isa_eval((unsigned)insn, 0, swap ? b : a, swap ? a : b, 0, &v);
	return v;
}

static int is_compare(int op)
{
	return op >= K_LT && op <= K_NE;
}

static struct expr *check_binary(struct extc *c, struct expr *e)
{
	e->a = check_value(c, e->a);
	e->b = check_value(c, e->b);
	int t = arith_type(e->a->type, e->b->type);
	e->type = is_compare(e->op) ? NX_T_I64 : t;
	if ((e->op == K_SLASH || e->op == K_PERCENT) && e->b->kind == E_NUM && e->b->val == 0) {
		extc_error(c, e->b->pos, "division by zero");
		return num(c, e, 0, e->type);
	}
	if (e->a->kind == E_NUM && e->b->kind == E_NUM)
		return num(c, e, fold_binop(e->op, e->a->val, e->b->val, t == NX_T_U64), e->type);
	return e;
}

/* && and ||: fold when the left side decides or both sides are constant. */
static struct expr *check_logic(struct extc *c, struct expr *e)
{
	e->a = check_value(c, e->a);
	e->b = check_value(c, e->b);
	e->type = NX_T_I64;
	if (e->a->kind != E_NUM)
		return e;
	int l = e->a->val != 0;
	if (e->kind == E_AND && !l)
		return num(c, e, 0, NX_T_I64);
	if (e->kind == E_OR && l)
		return num(c, e, 1, NX_T_I64);
	if (e->b->kind == E_NUM)
		return num(c, e, e->b->val != 0, NX_T_I64);
	return e;
}

static struct expr *check_cond(struct extc *c, struct expr *e)
{
	e->a = check_value(c, e->a);
	e->b = check_value(c, e->b);
	e->c = check_value(c, e->c);
	e->type = e->b->type == e->c->type ? e->b->type : arith_type(e->b->type, e->c->type);
	if (e->a->kind == E_NUM) {
		struct expr *r = e->a->val ? e->b : e->c;
		if (r->kind == E_NUM)
			return num(c, e, r->val, e->type);
	}
	return e;
}

static struct expr *check_cast(struct extc *c, struct expr *e)
{
	if (e->type == T_VOID) {
		extc_error(c, e->pos, "cannot cast to void");
		e->type = NX_T_I64;
	}
	e->a = check_value(c, e->a);
	if (e->a->kind == E_NUM)
		return num(c, e, type_convert(e->a->val, e->type), e->type);
	return e;
}

static struct expr *check_expr(struct extc *c, struct expr *e)
{
	switch (e->kind) {
	case E_NUM:   return e;
	case E_NAME:  return check_name(c, e);
	case E_INDEX: return check_index(c, e);
	case E_CTX:   return check_ctx(c, e);
	case E_CALL:  return check_call(c, e);
	case E_XCALL: return check_xcall(c, e);
	case E_UN:    return check_unary(c, e);
	case E_BIN:   return check_binary(c, e);
	case E_AND:
	case E_OR:    return check_logic(c, e);
	case E_COND:  return check_cond(c, e);
	case E_CAST:  return check_cast(c, e);
	default:      return e;
	}
}

/* A constant expression at top level (no function context). */
static int const_value(struct extc *c, struct expr *e, uint64_t *v, int *type)
{
	struct sym fake = { .name = "(top level)" };
	struct sym *save = c->curfn;
	int errs = c->errors;
	c->curfn = &fake;
	e = check_value(c, e);
	c->curfn = save;
	if (c->errors != errs)
		return 0;
	if (e->kind != E_NUM) {
		extc_error(c, e->pos, "expression is not constant");
		return 0;
	}
	*v = e->val;
	if (type)
		*type = e->type;
	return 1;
}

/* --- statements --------------------------------------------------------- */

static void check_stmt(struct extc *c, struct stmt *s);
static void check_body(struct extc *c, struct stmt *b);

static void check_lvalue(struct extc *c, struct stmt *s)
{
	struct expr *lv = s->lv;
	if (lv->kind == E_NAME) {
		struct local *l = find_local(c, lv->name);
		struct sym *g = l ? NULL : find_sym(c, lv->name);
		if (g && g->kind == SYM_CONST) {
			extc_error(c, lv->pos, "cannot assign to constant '%s'", lv->name);
			return;
		}
		if (g && g->kind == SYM_FUNC) {
			extc_error(c, lv->pos, "cannot assign to function '%s'", lv->name);
			return;
		}
	} else if (lv->kind == E_CTX) {
		s->lv = check_expr(c, lv);
		if (s->lv->kind == E_CTX && !extc_ctx_fields[s->lv->field].rw)
			extc_error(c, lv->pos2, "cannot assign to read-only context field '%s'",
				   extc_ctx_fields[s->lv->field].name);
		return;
	} else if (lv->kind != E_INDEX) {
		extc_error(c, lv->pos, "cannot assign to this expression");
		s->lv = check_expr(c, lv);
		return;
	}
	s->lv = check_expr(c, lv);
}

static void check_assign(struct extc *c, struct stmt *s)
{
	if (s->op == K_INC || s->op == K_DEC) {
		struct expr one = { .kind = E_NUM, .pos = s->pos, .val = 1, .type = NX_T_I64 };
		s->op = s->op == K_INC ? K_ADDEQ : K_SUBEQ;
		s->e = extc_alloc(c, sizeof *s->e);
		*s->e = one;
	}
	check_lvalue(c, s);
	s->e = check_value(c, s->e);
	if ((s->op == K_DIVEQ || s->op == K_MODEQ) && s->e->kind == E_NUM && !s->e->val)
		extc_error(c, s->e->pos, "division by zero");
}

static void check_decl(struct extc *c, struct stmt *s, int mark)
{
	if (s->e)
		s->e = check_value(c, s->e);
	for (int i = mark; i < c->nscope; i++)
		if (!strcmp(c->scope[i]->name, s->loc->name))
			extc_error(c, s->loc->pos, "'%s' is already declared in this block", s->loc->name);
	if (s->loc->type == T_VOID)
		s->loc->type = NX_T_I64;
	scope_push(c, s->loc);
}

/* Is local l assigned anywhere in statement s? */
static int assigns(struct stmt *s, struct local *l)
{
	for (; s; s = s->next) {
		if (s->kind == S_ASSIGN && s->lv->kind == E_LOCAL && s->lv->loc == l)
			return 1;
		if ((s->body && assigns(s->body, l)) || (s->els && assigns(s->els, l)) ||
		    (s->init && assigns(s->init, l)) || (s->step && assigns(s->step, l)))
			return 1;
		if (s->kind != S_BLOCK)
			return 0;
	}
	return 0;
}

/* for (v = A; v < B; v += C) with constants and v untouched in the body. */
static void loop_bound(struct extc *c, struct stmt *s)
{
	struct stmt *in = s->init, *st = s->step;
	struct expr *cond = s->e;
	if (!in || !cond || !st || cond->kind != E_BIN || cond->a->kind != E_LOCAL ||
	    cond->b->kind != E_NUM || st->kind != S_ASSIGN || st->lv->kind != E_LOCAL ||
	    st->e->kind != E_NUM || (st->op != K_ADDEQ && st->op != K_SUBEQ))
		return;
	struct local *v = cond->a->loc;
	struct expr *iv = in->kind == S_DECL ? in->e : in->kind == S_ASSIGN && in->op == K_ASSIGN &&
		in->lv->kind == E_LOCAL && in->lv->loc == v ? in->e : NULL;
	if ((in->kind == S_DECL && in->loc != v) || !iv || iv->kind != E_NUM ||
	    st->lv->loc != v || s->body == NULL || assigns(s->body, v))
		return;
	int64_t a = (int64_t)iv->val, b = (int64_t)cond->b->val;
	/* signed arithmetic below: an i64 variable, or u64 with both ends >= 0 */
	if (v->type != NX_T_I64 && !(v->type == NX_T_U64 && a >= 0 && b >= 0))
		return;
	int64_t step = (int64_t)st->e->val;
	if (st->op == K_SUBEQ)
		step = -step;
	if (cond->op == K_LE || cond->op == K_GE)
		b += cond->op == K_LE ? 1 : -1;
	if (step > 0 && (cond->op == K_LT || cond->op == K_LE) && b < INT64_MAX / 2 && a > INT64_MIN / 2)
		s->bound = a < b ? (uint64_t)((b - a + step - 1) / step) : 0;
	else if (step < 0 && (cond->op == K_GT || cond->op == K_GE) && b > INT64_MIN / 2 && a < INT64_MAX / 2)
		s->bound = a > b ? (uint64_t)((a - b - step - 1) / -step) : 0;
	else
		return;
	extc_note(c, s->pos, "loop runs at most %llu times", (unsigned long long)s->bound);
}

static void check_for(struct extc *c, struct stmt *s)
{
	int mark = c->nscope;
	if (s->init && s->init->kind == S_DECL)
		check_decl(c, s->init, mark);
	else if (s->init)
		check_stmt(c, s->init);
	if (s->e)
		s->e = check_value(c, s->e);
	if (s->step)
		check_stmt(c, s->step);
	c->loopdepth++;
	check_stmt(c, s->body);
	c->loopdepth--;
	loop_bound(c, s);
	c->nscope = mark;
}

static void check_return(struct extc *c, struct stmt *s)
{
	struct sym *f = c->curfn;
	if (s->e)
		s->e = check_value(c, s->e);
	if (f->type == T_VOID && s->e)
		extc_error(c, s->pos, "void function '%s' returns a value", f->name);
	else if (f->type != T_VOID && !s->e)
		extc_error(c, s->pos, "function '%s' must return a value", f->name);
}

static void check_stmt(struct extc *c, struct stmt *s)
{
	switch (s->kind) {
	case S_BLOCK:
		check_body(c, s);
		break;
	case S_DECL:
		/* a declaration directly as an if/loop body: its own scope */
		check_decl(c, s, c->nscope);
		break;
	case S_ASSIGN:
		check_assign(c, s);
		break;
	case S_EXPR:
		s->e = check_expr(c, s->e);
		if (s->e->kind != E_CALL && s->e->kind != E_HCALL && s->e->kind != E_XCALL &&
		    !(s->e->kind == E_NUM && c->errors))
			extc_error(c, s->e->pos, "statement has no effect (only calls and assignments are statements)");
		break;
	case S_IF:
		s->e = check_value(c, s->e);
		check_stmt(c, s->body);
		if (s->els)
			check_stmt(c, s->els);
		break;
	case S_WHILE:
		s->e = check_value(c, s->e);
		c->loopdepth++;
		check_stmt(c, s->body);
		c->loopdepth--;
		break;
	case S_FOR:
		check_for(c, s);
		break;
	case S_BREAK:
	case S_CONTINUE:
		if (!c->loopdepth)
			extc_error(c, s->pos, "'%s' outside a loop", s->kind == S_BREAK ? "break" : "continue");
		break;
	case S_RETURN:
		check_return(c, s);
		break;
	}
}

/* Block-level declarations need the block's mark: walk blocks here. */
static void check_body(struct extc *c, struct stmt *b)
{
	int mark = c->nscope;
	for (struct stmt *t = b->body; t; t = t->next) {
		if (t->kind == S_DECL)
			check_decl(c, t, mark);
		else if (t->kind == S_BLOCK)
			check_body(c, t);
		else
			check_stmt(c, t);
	}
	c->nscope = mark;
}

/* --- top level ---------------------------------------------------------- */

static void check_hook(struct extc *c, struct sym *f)
{
	uint64_t v;
	const char *hn = nx_hook_name(f->hook);
	if (f->hook_prio_e && const_value(c, f->hook_prio_e, &v, NULL)) {
		if (v > UINT32_MAX)
			extc_error(c, f->hook_prio_e->pos, "hook priority %llu out of range", (unsigned long long)v);
		f->hook_prio = (uint32_t)v;
	}
	if (f->hook_arg_e && const_value(c, f->hook_arg_e, &v, NULL)) {
		if ((f->hook == NX_HOOK_IRQ && v > 255) || (f->hook == NX_HOOK_TRAP && v > 1) ||
		    (f->hook != NX_HOOK_IRQ && f->hook != NX_HOOK_TRAP && v))
			extc_error(c, f->hook_arg_e->pos, "hook %s does not take argument %llu", hn,
				   (unsigned long long)v);
		f->hook_arg = (uint32_t)v;
	} else if (!f->hook_arg_e && f->hook == NX_HOOK_IRQ) {
		extc_error(c, f->hook_pos, "hook irq needs a vector: hook irq(VECTOR)");
	}
	if (f->type == T_VOID)
		extc_error(c, f->pos, "hook entry '%s' must return a value (0 = default)", f->name);
	if (f->nparams)
		extc_error(c, f->params[0]->pos, "hook entry '%s' takes no parameters (it reads ctx)",
			   f->name);
	for (struct sym *g = c->syms; g != f; g = g->next)
		if (g->kind == SYM_FUNC && g->hook == f->hook && g->hook_arg == f->hook_arg)
			extc_error(c, f->hook_pos, "hook %s(%u) is already handled by '%s'", hn,
				   f->hook_arg, g->name);
}

static void check_function(struct extc *c, struct sym *f)
{
	c->curfn = f;
	c->nscope = 0;
	c->loopdepth = 0;
	for (int i = 0; i < f->nparams; i++) {
		for (int j = 0; j < i; j++)
			if (!strcmp(f->params[j]->name, f->params[i]->name))
				extc_error(c, f->params[i]->pos, "duplicate parameter '%s'",
					   f->params[i]->name);
		scope_push(c, f->params[i]);
	}
	if (f->hook != NX_HOOK_NONE)
		check_hook(c, f);
	if (f->body)
		check_body(c, f->body);
	c->curfn = NULL;
}

static int align_up(uint32_t v, uint32_t a)
{
	return (int)((v + a - 1) & ~(a - 1));
}

static void check_global(struct extc *c, struct sym *g)
{
	uint64_t v;
	int size = type_size(g->type);
	if (g->count_e && const_value(c, g->count_e, &v, NULL)) {
		if (v == 0 || v > NX_MAX_OBJECT / 8)
			extc_error(c, g->count_e->pos, "array '%s' has %lld elements (1..%u allowed)",
				   g->name, (long long)v, NX_MAX_OBJECT / 8);
		else
			g->count = (uint32_t)v;
	}
	if (g->inits && (uint32_t)g->ninits > g->count && g->count)
		extc_error(c, g->inits[g->count]->pos, "too many initialisers for '%s' (%u elements)",
			   g->name, g->count);
	for (int i = 0; i < g->ninits; i++)
		if (const_value(c, g->inits[i], &v, NULL))
			g->inits[i] = num(c, g->inits[i], v, g->type);
	if (g->init && const_value(c, g->init, &v, NULL))
		g->init = num(c, g->init, v, g->type);
	if (size == 0)
		return;
	g->offset = (uint32_t)align_up(c->datasize, (uint32_t)size);
	uint64_t end = g->offset + (uint64_t)size * (g->count ? g->count : 1);
	if (end > NX_MAX_OBJECT)
		extc_error(c, g->pos, "data segment too large with '%s' (%llu bytes)", g->name,
			   (unsigned long long)end);
	else
		c->datasize = (uint32_t)end;
}

static void check_names(struct extc *c, struct sym *s)
{
	if (!*s->name)
		return;
	if (nx_helper_by_name(s->name) >= 0 && s->kind != SYM_IMPORT)
		extc_error(c, s->pos, "'%s' is the name of a kernel helper", s->name);
	if (s->kind == SYM_FUNC || s->kind == SYM_IMPORT) {
		if (strlen(s->name) > NX_NAME_MAX || (s->ext && strlen(s->ext) > NX_NAME_MAX))
			extc_error(c, s->pos, "name '%s' longer than %d characters", s->name, NX_NAME_MAX);
	}
	if (s->kind == SYM_IMPORT) {
		if (find_import(c, s->ext, s->name)) {
			extc_error(c, s->pos, "'%s.%s' is imported twice", s->ext, s->name);
			return;
		}
		s->key = import_key(c, s->ext, s->name);
	} else if (find_sym(c, s->name)) {
		extc_error(c, s->pos, "'%s' is already declared", s->name);
		return;
	} else {
		s->key = s->name;
	}
	unsigned h = name_hash(s->key);
	s->hnext = c->htab[h];
	c->htab[h] = s;
}

void check_program(struct extc *c)
{
	struct sym *s;
	c->htab = extc_alloc(c, EXTC_HASH * sizeof *c->htab);
	for (s = c->syms; s; s = s->next) {
		check_names(c, s);
		if (s->kind == SYM_FUNC)
			s->index = c->nfuncs++;
		else if (s->kind == SYM_IMPORT)
			s->index = c->nximports++;
	}
	/* in order: a constant sees the constants before it (ready), not itself */
	for (s = c->syms; s; s = s->next)
		if (s->kind == SYM_CONST) {
			if (!const_value(c, s->init, &s->val, &s->type))
				s->val = 0;
			s->ready = 1;
		}
	for (s = c->syms; s; s = s->next)
		if (s->kind == SYM_GLOBAL)
			check_global(c, s);
	if (!c->nfuncs)
		extc_error(c, c->extpos, "extension '%s' declares no function", c->extname ? c->extname : "");
	for (s = c->syms; s; s = s->next)
		if (s->kind == SYM_FUNC)
			check_function(c, s);
}

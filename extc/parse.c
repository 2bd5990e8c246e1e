/*
 * The parser: tokens -> symbols (c->syms) with statement and expression
 * trees.  Recursive descent; expressions by precedence climbing.
 *
 * Error recovery is panic mode: the first error in a statement or
 * declaration sets c->panic, which silences further parser errors until
 * the parser resynchronises at a ';' or '}' (statements) or at the start
 * of the next declaration (top level).  Every loop consumes at least one
 * token per iteration or stops at end of file, so parsing always ends.
 */
#include <string.h>
#include "extc.h"

static struct token *peek(struct extc *c)
{
	return &c->toks[c->tp];
}

static int at(struct extc *c, int kind)
{
	return c->toks[c->tp].kind == kind;
}

static struct token *next(struct extc *c)
{
	struct token *t = &c->toks[c->tp];
	if (t->kind != K_EOF)
		c->tp++;
	return t;
}

static int accept(struct extc *c, int kind)
{
	if (!at(c, kind))
		return 0;
	next(c);
	return 1;
}

static void syntax_error(struct extc *c, const char *what)
{
	struct token *t = peek(c);
	if (c->panic)
		return;
	c->panic = 1;
	if (t->kind == K_EOF)
		extc_error(c, t->off, "expected %s before end of file", what);
	else
		extc_error(c, t->off, "expected %s before '%.*s'", what,
			   (int)(t->len > 30 ? 30 : t->len), c->src + t->off);
}

static int expect(struct extc *c, int kind)
{
	if (accept(c, kind))
		return 1;
	syntax_error(c, tok_name(kind));
	return 0;
}

static const char *tok_text(struct extc *c, struct token *t)
{
	return extc_strndup(c, c->src + t->off, t->len);
}

/* An identifier, or "" after reporting the error. */
static const char *ident(struct extc *c, uint32_t *pos)
{
	struct token *t = peek(c);
	*pos = t->off;
	if (t->kind != K_ID) {
		syntax_error(c, "identifier");
		return "";
	}
	next(c);
	return tok_text(c, t);
}

static int is_type(int k)
{
	return k >= K_VOID && k <= K_I64;
}

/* K_U8.. -> enum nx_type; K_VOID -> T_VOID. */
static int type_of(int k)
{
	static const int map[] = { T_VOID, NX_T_U8, NX_T_U16, NX_T_U32, NX_T_U64,
				   NX_T_I8, NX_T_I16, NX_T_I32, NX_T_I64 };
	return map[k - K_VOID];
}

static struct expr *new_expr(struct extc *c, int kind, uint32_t pos)
{
	struct expr *e = extc_alloc(c, sizeof *e);
	e->kind = kind;
	e->pos = pos;
	e->type = NX_T_I64;
	return e;
}

static struct stmt *new_stmt(struct extc *c, int kind, uint32_t pos)
{
	struct stmt *s = extc_alloc(c, sizeof *s);
	s->kind = kind;
	s->pos = pos;
	return s;
}

static struct expr *parse_expr(struct extc *c);
static struct expr *parse_unary(struct extc *c);

static int too_deep(struct extc *c, uint32_t pos)
{
	if (c->depth < EXTC_MAX_DEPTH)
		return 0;
	if (!c->panic)
		extc_error(c, pos, "nesting too deep (more than %d levels)", EXTC_MAX_DEPTH);
	c->panic = 1;
	return 1;
}

/* '(' args ')' after a callee name. */
static void parse_args(struct extc *c, struct expr *e)
{
	struct expr *args[NX_MAX_ARGS + 1];
	int n = 0;
	expect(c, K_LP);
	if (!at(c, K_RP)) {
		do {
			struct expr *a = parse_expr(c);
			if (n <= NX_MAX_ARGS)
				args[n] = a;
			n++;
		} while (accept(c, K_COMMA) && !c->panic);
	}
	expect(c, K_RP);
	if (n > NX_MAX_ARGS) {
		extc_error(c, e->pos, "too many arguments in call (at most %d)", NX_MAX_ARGS);
		n = NX_MAX_ARGS;
	}
	e->nargs = n;
	e->args = extc_alloc(c, (size_t)(n + 1) * sizeof *e->args);
	memcpy(e->args, args, (size_t)n * sizeof *args);
}

/* ctx.f, ctx.f[i], ctx.a[i].f */
static struct expr *parse_ctx(struct extc *c, uint32_t pos)
{
	struct expr *e = new_expr(c, E_CTX, pos);
	expect(c, K_DOT);
	e->name = ident(c, &e->pos2);
	if (accept(c, K_LB)) {
		e->a = parse_expr(c);
		e->rec = 1;
		expect(c, K_RB);
		if (accept(c, K_DOT))
			e->name2 = ident(c, &e->pos2);
	}
	return e;
}

static struct expr *parse_primary(struct extc *c)
{
	struct token *t = peek(c);
	struct expr *e;
	switch (t->kind) {
	case K_NUM:
		next(c);
		e = new_expr(c, E_NUM, t->off);
		e->val = t->val;
		e->type = t->val > INT64_MAX ? NX_T_U64 : NX_T_I64;
		return e;
	case K_CTX:
		next(c);
		return parse_ctx(c, t->off);
	case K_LP:
		next(c);
		e = parse_expr(c);
		expect(c, K_RP);
		return e;
	case K_ID:
		next(c);
		e = new_expr(c, E_NAME, t->off);
		e->name = tok_text(c, t);
		if (at(c, K_LP)) {
			e->kind = E_CALL;
			parse_args(c, e);
		} else if (accept(c, K_DOT)) {
			e->kind = E_XCALL;
			e->name2 = ident(c, &e->pos2);
			parse_args(c, e);
		} else if (accept(c, K_LB)) {
			e->kind = E_INDEX;
			e->a = parse_expr(c);
			expect(c, K_RB);
		}
		return e;
	default:
		syntax_error(c, "expression");
		if (t->kind != K_SEMI && t->kind != K_RC && t->kind != K_RP)
			next(c);
		return new_expr(c, E_NUM, t->off);
	}
}

static struct expr *parse_unary(struct extc *c)
{
	struct token *t = peek(c);
	struct expr *e;
	if (too_deep(c, t->off))
		return new_expr(c, E_NUM, t->off);
	c->depth++;
	switch (t->kind) {
	case K_MINUS: case K_PLUS: case K_BANG: case K_TILDE:
		next(c);
		e = new_expr(c, E_UN, t->off);
		e->op = t->kind;
		e->a = parse_unary(c);
		break;
	case K_LP:
		if (is_type(c->toks[c->tp + 1].kind)) {
			next(c);
			e = new_expr(c, E_CAST, t->off);
			e->type = type_of(next(c)->kind);
			expect(c, K_RP);
			e->a = parse_unary(c);
			break;
		}
		/* fall through */
	default:
		e = parse_primary(c);
	}
	c->depth--;
	return e;
}

/* Binding power of a binary operator, 0 if the token is not one. */
static int binprec(int k)
{
	switch (k) {
	case K_STAR: case K_SLASH: case K_PERCENT: return 10;
	case K_PLUS: case K_MINUS: return 9;
	case K_SHL: case K_SHR: return 8;
	case K_LT: case K_LE: case K_GT: case K_GE: return 7;
	case K_EQ: case K_NE: return 6;
	case K_AMP: return 5;
	case K_CARET: return 4;
	case K_PIPE: return 3;
	case K_ANDAND: return 2;
	case K_OROR: return 1;
	default: return 0;
	}
}

/* Each operator of a chain nests the tree one level deeper (a+b+c is
 * (a+b)+c), so it counts against the nesting limit like a parenthesis:
 * the checker and generator recurse along it. */
static struct expr *parse_binary(struct extc *c, int minprec)
{
	struct expr *l = parse_unary(c);
	int depth = c->depth;
	for (;;) {
		struct token *t = peek(c);
		int p = binprec(t->kind);
		if (!p || p < minprec || c->panic || too_deep(c, t->off)) {
			c->depth = depth;
			return l;
		}
		c->depth++;
		next(c);
		struct expr *e = new_expr(c, t->kind == K_ANDAND ? E_AND :
					  t->kind == K_OROR ? E_OR : E_BIN, t->off);
		e->op = t->kind;
		e->a = l;
		e->b = parse_binary(c, p + 1);
		l = e;
	}
}

static struct expr *parse_expr(struct extc *c)
{
	uint32_t pos = peek(c)->off;
	if (too_deep(c, pos))
		return new_expr(c, E_NUM, pos);
	c->depth++;
	struct expr *e = parse_binary(c, 1);
	if (at(c, K_QUEST)) {
		struct expr *q = new_expr(c, E_COND, next(c)->off);
		q->a = e;
		q->b = parse_expr(c);
		expect(c, K_COLON);
		q->c = parse_expr(c);
		e = q;
	}
	c->depth--;
	return e;
}

static struct stmt *parse_stmt(struct extc *c);

static struct local *new_local(struct extc *c, int type)
{
	struct local *l = extc_alloc(c, sizeof *l);
	l->type = type;
	l->name = ident(c, &l->pos);
	return l;
}

/* A declaration of a local: TYPE name [= expr] (no ';'). */
static struct stmt *parse_decl(struct extc *c)
{
	struct token *t = next(c);
	struct stmt *s = new_stmt(c, S_DECL, t->off);
	int type = type_of(t->kind);
	s->loc = new_local(c, type);
	if (type == T_VOID && !c->panic)
		extc_error(c, t->off, "local '%s' cannot have type void", s->loc->name);
	if (accept(c, K_ASSIGN))
		s->e = parse_expr(c);
	return s;
}

static int is_assign_op(int k)
{
	return k == K_ASSIGN || (k >= K_ADDEQ && k <= K_SHREQ);
}

/* Assignment, ++/--, or a call evaluated for its effect (no ';'). */
static struct stmt *parse_simple(struct extc *c)
{
	struct token *t = peek(c);
	struct stmt *s = new_stmt(c, S_ASSIGN, t->off);
	if (t->kind == K_INC || t->kind == K_DEC) {
		next(c);
		s->op = t->kind;
		s->lv = parse_unary(c);
		return s;
	}
	struct expr *e = parse_expr(c);
	t = peek(c);
	if (is_assign_op(t->kind)) {
		next(c);
		s->op = t->kind;
		s->lv = e;
		s->pos = t->off;
		s->e = parse_expr(c);
	} else if (t->kind == K_INC || t->kind == K_DEC) {
		next(c);
		s->op = t->kind;
		s->lv = e;
	} else {
		s->kind = S_EXPR;
		s->e = e;
	}
	return s;
}

/* Skip the rest of a broken statement: to just after a ';' or a braced
 * group, or to the '}' that closes the enclosing block (statement resync). */
static void sync_stmt(struct extc *c)
{
	int depth = 0, last = c->tp ? c->toks[c->tp - 1].kind : K_EOF;
	if (last == K_SEMI || last == K_RC) {   /* the statement did end */
		c->panic = 0;
		return;
	}
	while (!at(c, K_EOF) && !(depth == 0 && at(c, K_RC))) {
		int k = next(c)->kind;
		if (k == K_LC)
			depth++;
		else if (k == K_RC && --depth == 0)
			break;
		else if (k == K_SEMI && depth == 0)
			break;
	}
	c->panic = 0;
}

static struct stmt *parse_block(struct extc *c)
{
	struct stmt *b = new_stmt(c, S_BLOCK, peek(c)->off), **tail = &b->body;
	if (!expect(c, K_LC))
		return b;
	while (!at(c, K_RC) && !at(c, K_EOF)) {
		int tp = c->tp;
		*tail = parse_stmt(c);
		tail = &(*tail)->next;
		if (c->panic)
			sync_stmt(c);
		if (c->tp == tp)        /* a stray token: skip it, always progress */
			next(c);
	}
	expect(c, K_RC);
	return b;
}

static struct stmt *parse_cond_body(struct extc *c, struct stmt *s)
{
	expect(c, K_LP);
	s->e = parse_expr(c);
	expect(c, K_RP);
	s->body = parse_stmt(c);
	return s;
}

static struct stmt *parse_for(struct extc *c, struct stmt *s)
{
	expect(c, K_LP);
	if (is_type(peek(c)->kind))
		s->init = parse_decl(c);
	else if (!at(c, K_SEMI))
		s->init = parse_simple(c);
	expect(c, K_SEMI);
	if (!at(c, K_SEMI))
		s->e = parse_expr(c);
	expect(c, K_SEMI);
	if (!at(c, K_RP))
		s->step = parse_simple(c);
	expect(c, K_RP);
	s->body = parse_stmt(c);
	return s;
}

static struct stmt *parse_stmt_inner(struct extc *c, struct token *t)
{
	struct stmt *s;
	switch (t->kind) {
	case K_LC:
		return parse_block(c);
	case K_IF:
		next(c);
		s = parse_cond_body(c, new_stmt(c, S_IF, t->off));
		if (accept(c, K_ELSE))
			s->els = parse_stmt(c);
		return s;
	case K_WHILE:
		next(c);
		return parse_cond_body(c, new_stmt(c, S_WHILE, t->off));
	case K_FOR:
		next(c);
		return parse_for(c, new_stmt(c, S_FOR, t->off));
	case K_BREAK: case K_CONTINUE:
		next(c);
		s = new_stmt(c, t->kind == K_BREAK ? S_BREAK : S_CONTINUE, t->off);
		break;
	case K_RETURN:
		next(c);
		s = new_stmt(c, S_RETURN, t->off);
		if (!at(c, K_SEMI))
			s->e = parse_expr(c);
		break;
	case K_SEMI:
		return next(c), new_stmt(c, S_BLOCK, t->off);
	default:
		s = is_type(t->kind) ? parse_decl(c) : parse_simple(c);
	}
	expect(c, K_SEMI);
	return s;
}

static struct stmt *parse_stmt(struct extc *c)
{
	struct token *t = peek(c);
	if (too_deep(c, t->off))
		return new_stmt(c, S_BLOCK, t->off);
	c->depth++;
	struct stmt *s = parse_stmt_inner(c, t);
	c->depth--;
	return s;
}

static struct sym *new_sym(struct extc *c, int kind, int type)
{
	struct sym *s = extc_alloc(c, sizeof *s);
	s->kind = kind;
	s->type = type;
	s->hook = NX_HOOK_NONE;
	*c->symtail = s;
	c->symtail = &s->next;
	return s;
}

/* '(' TYPE name, ... ')' */
static void parse_params(struct extc *c, struct sym *f)
{
	struct local *ps[NX_MAX_ARGS + 1];
	int n = 0;
	expect(c, K_LP);
	if (!at(c, K_RP) && !(at(c, K_VOID) && c->toks[c->tp + 1].kind == K_RP)) {
		do {
			struct token *t = peek(c);
			if (!is_type(t->kind) || t->kind == K_VOID) {
				syntax_error(c, "parameter type");
				break;
			}
			next(c);
			struct local *l = new_local(c, type_of(t->kind));
			if (n == NX_MAX_ARGS)
				extc_error(c, l->pos, "too many parameters (at most %d)", NX_MAX_ARGS);
			if (n < NX_MAX_ARGS)
				ps[n++] = l;
		} while (accept(c, K_COMMA) && !c->panic);
	} else {
		accept(c, K_VOID);
	}
	expect(c, K_RP);
	f->nparams = n;
	f->params = extc_alloc(c, (size_t)(n + 1) * sizeof *ps);
	memcpy(f->params, ps, (size_t)n * sizeof *ps);
}

/* hook NAME [(ARG)] [prio N] -- the function follows. */
static void parse_hook_head(struct extc *c, struct sym *f)
{
	uint32_t pos;
	const char *name = ident(c, &pos);
	f->hook_pos = pos;
	f->hook = nx_hook_by_name(name);
	if (f->hook == NX_HOOK_NONE && *name) {
		char list[80] = "";
		for (unsigned h = 1; h < NX_HOOK_COUNT; h++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", h > 1 ? ", " : "",
				 nx_hook_name((enum nx_hook_id)h));
		extc_error(c, pos, "unknown hook '%s' (%s)", name, list);
	}
	if (accept(c, K_LP)) {
		f->hook_arg_e = parse_expr(c);
		expect(c, K_RP);
	}
	/* `prio` is not a keyword: it is also a context field name */
	struct token *t = peek(c);
	if (t->kind == K_ID && t->len == 4 && !memcmp(c->src + t->off, "prio", 4)) {
		next(c);
		f->hook_prio_e = parse_unary(c);
	}
}

/* TYPE name ... after the type: a function or a global. */
static void parse_typed_decl(struct extc *c, struct sym *proto)
{
	struct token *tt = next(c);
	int type = type_of(tt->kind);
	uint32_t pos;
	const char *name = ident(c, &pos);
	if (at(c, K_LP) || proto) {
		struct sym *f = proto ? proto : new_sym(c, SYM_FUNC, type);
		f->type = type;
		f->name = name;
		f->pos = pos;
		parse_params(c, f);
		f->body = parse_block(c);
		return;
	}
	struct sym *g = new_sym(c, SYM_GLOBAL, type);
	g->name = name;
	g->pos = pos;
	if (type == T_VOID)
		extc_error(c, tt->off, "global '%s' cannot have type void", name);
	if (accept(c, K_LB)) {
		g->count_e = parse_expr(c);
		expect(c, K_RB);
	}
	if (accept(c, K_ASSIGN)) {
		if (accept(c, K_LC)) {
			struct expr *tmp[4096];
			int n = 0;
			if (!at(c, K_RC)) {
				do {
					struct expr *e = parse_expr(c);
					if (n == 4096)
						extc_error(c, e->pos, "more than 4096 initialisers");
					if (n < 4096)
						tmp[n++] = e;
				} while (accept(c, K_COMMA) && !at(c, K_RC) && !c->panic);
			}
			expect(c, K_RC);
			g->ninits = n;
			g->inits = extc_alloc(c, (size_t)(n + 1) * sizeof *tmp);
			memcpy(g->inits, tmp, (size_t)n * sizeof *tmp);
			if (!g->count_e)
				extc_error(c, pos, "'%s' has an initialiser list but is not an array", name);
		} else {
			g->init = parse_expr(c);
			if (g->count_e)
				extc_error(c, g->init->pos, "array '%s' needs an initialiser list { ... }", name);
		}
	}
	expect(c, K_SEMI);
}

static void parse_import(struct extc *c)
{
	struct token *tt = peek(c);
	if (!is_type(tt->kind)) {
		syntax_error(c, "return type");
		return;
	}
	next(c);
	struct sym *f = new_sym(c, SYM_IMPORT, type_of(tt->kind));
	f->ext = ident(c, &f->pos);
	expect(c, K_DOT);
	f->name = ident(c, &f->pos);
	parse_params(c, f);
	expect(c, K_SEMI);
}

static void parse_top(struct extc *c)
{
	struct token *t = peek(c);
	struct sym *f;
	switch (t->kind) {
	case K_CONST:
		next(c);
		f = new_sym(c, SYM_CONST, NX_T_I64);
		f->name = ident(c, &f->pos);
		expect(c, K_ASSIGN);
		f->init = parse_expr(c);
		expect(c, K_SEMI);
		return;
	case K_IMPORT:
		next(c);
		parse_import(c);
		return;
	case K_EXPORT:
	case K_HOOK:
		next(c);
		f = new_sym(c, SYM_FUNC, NX_T_I64);
		f->exported = t->kind == K_EXPORT;
		if (t->kind == K_HOOK)
			parse_hook_head(c, f);
		if (!is_type(peek(c)->kind)) {
			syntax_error(c, "return type");
			return;
		}
		parse_typed_decl(c, f);
		return;
	case K_EXTENSION:
		next(c);
		extc_error(c, t->off, "the extension is declared twice (or not first)");
		return;
	default:
		if (is_type(t->kind)) {
			parse_typed_decl(c, NULL);
			return;
		}
		syntax_error(c, "a declaration");
	}
}

static int starts_top(int k)
{
	return k == K_CONST || k == K_IMPORT || k == K_EXPORT || k == K_HOOK || is_type(k);
}

/* Skip past the end of the broken declaration: a ';' or '}' at brace
 * depth 0 followed by the start of a declaration (top-level resync). */
static void sync_top(struct extc *c)
{
	int depth = 0;
	while (!at(c, K_EOF)) {
		int k = next(c)->kind;
		if (k == K_LC)
			depth++;
		else if (k == K_RC && depth > 0)
			depth--;
		if (depth == 0 && (k == K_SEMI || k == K_RC) && starts_top(peek(c)->kind))
			break;
	}
	c->panic = 0;
}

static void parse_extension(struct extc *c)
{
	struct token *t = peek(c);
	if (!accept(c, K_EXTENSION)) {
		extc_error(c, t->off, "the file must start with 'extension NAME trusted|untrusted;'");
		return;
	}
	uint32_t pos;
	c->extname = ident(c, &pos);
	c->extpos = pos;
	c->have_ext = 1;
	if (strlen(c->extname) > NX_NAME_MAX)
		extc_error(c, pos, "extension name longer than %d characters", NX_NAME_MAX);
	if (accept(c, K_TRUSTED))
		c->trust = NX_TRUST_TRUSTED;
	else if (accept(c, K_UNTRUSTED))
		c->trust = NX_TRUST_UNTRUSTED;
	else
		syntax_error(c, "'trusted' or 'untrusted'");
	expect(c, K_SEMI);
	c->panic = 0;
}

void parse_program(struct extc *c)
{
	parse_extension(c);
	while (!at(c, K_EOF)) {
		int tp = c->tp;
		parse_top(c);
		if (c->panic || c->tp == tp)
			sync_top(c);
	}
}

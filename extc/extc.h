/*
 * extc internals: the front end (lexer, parser, checker), the code
 * generator and the .nx writer, shared by the extc command, the
 * disassembler and the fuzz target.
 *
 * Ownership: every allocation of one compilation comes from its arena
 * (struct extc) and is freed by extc_free(), so error paths never leak
 * and never exit(): the front end is a library function.
 */
#ifndef EXTC_H
#define EXTC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "nimble/isa.h"
#include "nimble/nx.h"
#include "nimble/hooks.h"
#include "nimble/helpers.h"
#include "nimble/names.h"

#define EXTC_MAX_ERRORS 20   /* stop reporting after this many         */
#define EXTC_MAX_DEPTH  500  /* nesting of expressions and statements   */
#define EXTC_MAX_LOCALS 250  /* parameters and locals live at once      */
#define EXTC_HASH       4096 /* buckets of the top-level name table     */
#define T_VOID NX_T_COUNT             /* enum nx_type plus "no value"             */

enum tok {
	K_EOF, K_ID, K_NUM,
	/* keywords */
	K_EXTENSION, K_TRUSTED, K_UNTRUSTED, K_CONST, K_IMPORT, K_EXPORT,
	K_HOOK, K_VOID, K_U8, K_U16, K_U32, K_U64, K_I8, K_I16,
	K_I32, K_I64, K_IF, K_ELSE, K_WHILE, K_FOR, K_BREAK, K_CONTINUE,
	K_RETURN, K_CTX,
	/* punctuation */
	K_LP, K_RP, K_LB, K_RB, K_LC, K_RC, K_SEMI, K_COMMA, K_DOT, K_QUEST,
	K_COLON, K_ASSIGN, K_ADDEQ, K_SUBEQ, K_MULEQ, K_DIVEQ, K_MODEQ,
	K_ANDEQ, K_OREQ, K_XOREQ, K_SHLEQ, K_SHREQ, K_INC, K_DEC,
	K_PLUS, K_MINUS, K_STAR, K_SLASH, K_PERCENT, K_AMP, K_PIPE, K_CARET,
	K_TILDE, K_BANG, K_SHL, K_SHR, K_LT, K_LE, K_GT, K_GE, K_EQ, K_NE,
	K_ANDAND, K_OROR,
};

struct token {
	int kind;
	uint32_t off;        /* byte offset in the source               */
	uint32_t len;
	uint64_t val;        /* K_NUM                                    */
};

enum ekind {
	E_NUM, E_LOCAL, E_GLOBAL, E_INDEX, E_CTX, E_CALL, E_HCALL, E_XCALL,
	E_UN, E_BIN, E_AND, E_OR, E_COND, E_CAST, E_REG,
	E_NAME,              /* unresolved: the parser's identifier      */
};

struct local;
struct sym;

struct expr {
	int kind;
	int op;              /* K_* operator for E_UN / E_BIN           */
	uint32_t pos;        /* source offset for diagnostics            */
	int type;            /* enum nx_type or T_VOID, set by the checker */
	uint64_t val;        /* E_NUM value; E_REG register              */
	struct expr *a, *b, *c;   /* operands; E_INDEX/E_CTX: a = index  */
	struct expr **args;
	int nargs;
	const char *name, *name2; /* identifiers as parsed (NUL-terminated) */
	uint32_t pos2;       /* position of name2                        */
	struct local *loc;   /* E_LOCAL                                  */
	struct sym *sym;     /* E_GLOBAL, E_INDEX, E_CALL, E_XCALL       */
	int field;           /* E_CTX: index into the context field table; E_HCALL: helper */
	int rec;             /* E_CTX: index given (ctx.f[i] or ctx.a[i].f) */
};

enum skind {
	S_BLOCK, S_DECL, S_ASSIGN, S_EXPR, S_IF, S_WHILE, S_FOR,
	S_BREAK, S_CONTINUE, S_RETURN,
};

struct stmt {
	int kind;
	uint32_t pos;
	struct stmt *next;        /* S_BLOCK list                        */
	struct stmt *body, *els;  /* block, then/else, loop body         */
	struct stmt *init, *step; /* S_FOR                               */
	struct expr *e;           /* condition, value, initialiser       */
	struct expr *lv;          /* S_ASSIGN target                     */
	int op;                   /* S_ASSIGN: K_ASSIGN, K_ADDEQ, K_INC...*/
	struct local *loc;        /* S_DECL                              */
	uint64_t bound;           /* S_FOR: iterations when bounded, else 0 */
};

struct local {
	const char *name;
	int type;
	uint32_t pos;
	int slot;                 /* 0.. in declaration depth order; params first */
};

enum symkind { SYM_CONST, SYM_GLOBAL, SYM_FUNC, SYM_IMPORT };

struct sym {
	int kind;
	const char *name;
	const char *ext;          /* SYM_IMPORT: providing extension     */
	uint32_t pos;
	int type;                 /* const/global type; function result  */
	/* SYM_CONST */
	uint64_t val;
	struct expr *init;        /* const or scalar global initialiser  */
	/* SYM_GLOBAL */
	uint32_t count;           /* 0 = scalar                           */
	uint32_t offset;          /* in the data segment                  */
	struct expr **inits;      /* array initialiser                    */
	int ninits;
	struct expr *count_e;
	/* SYM_FUNC and SYM_IMPORT */
	struct local **params;
	int nparams;
	struct stmt *body;
	int exported;
	int hook;                 /* enum nx_hook_id, NX_HOOK_NONE if plain */
	uint32_t hook_arg, hook_prio;
	struct expr *hook_arg_e, *hook_prio_e;
	uint32_t hook_pos;
	int index;                /* FUNCS or XIMPORTS index             */
	int ready;                /* SYM_CONST: value known              */
	const char *key;          /* name, or "ext.name" for an import   */
	struct sym *hnext;        /* hash chain                          */
	int nslots;               /* locals+params, max depth (checker)  */
	struct sym *next;
};

/* One context field of NX_CTX_FIELDS. */
struct ctx_field {
	int hook;
	const char *array, *name;
	int seg;
	uint32_t off;
	int type;
	uint32_t count, stride;
	int rw;
};
extern const struct ctx_field extc_ctx_fields[];
extern const int extc_nctx_fields;


/* The compiled object being built. */
struct obj {
	uint64_t *code;
	int ncode, capcode;
	struct nx_func *funcs;
	struct nx_line *lines;
	int nlines, caplines;
	int helper_idx[NX_HELPER_COUNT]; /* HELPERS table index + 1, 0 = unused */
	int helper_order[NX_HELPER_COUNT];
	int nhelpers;
};

struct arena_blk;

struct extc {
	const char *file;
	const char *src;          /* NUL-terminated copy                 */
	uint32_t srclen;
	struct token *toks;
	int ntoks, captoks, tp;   /* tp: parser position                 */
	struct arena_blk *arena;
	/* diagnostics, collected as text, one entry per message; printed
	 * sorted by position (the lexer runs before the parser) */
	char *diag;
	size_t ndiag, capdiag;
	struct diag_ent { uint32_t pos; size_t off, len; } *ents;
	int nents, capents;
	int errors, verbose, depth;
	int opt;                  /* optimisation level: 0 or 1 (EXTC_O0)  */
	int panic;                /* parser: suppress errors until resync */
	/* the program */
	const char *extname;
	uint32_t extpos;
	int trust;
	int have_ext;
	struct sym *syms, **symtail;
	struct sym **htab;        /* EXTC_HASH buckets of top-level names */
	int nfuncs, nximports;
	uint32_t datasize;
	struct obj obj;
	/* the checker's state */
	struct sym *curfn;
	struct local **scope;
	int nscope, capscope, loopdepth;
	/* output */
	uint8_t *out;
	size_t outlen;
};

/* extc.c: the library entry point. */
#define EXTC_VERBOSE 1        /* notes and code size on stderr        */
#define EXTC_O0      2        /* no optimisation (opt.c, hoisting)    */
int extc_compile(struct extc *c, const char *file, const char *src, size_t len, int flags);
void extc_free(struct extc *c);

/* diag.c */
void *extc_alloc(struct extc *c, size_t n);
/* realloc, or the message "extc: out of memory" and abort: the compiler's
 * growing arrays (code, labels, diagnostics, the object) have no way back. */
void *extc_realloc(void *p, size_t n);
char *extc_strndup(struct extc *c, const char *s, size_t n);
void extc_error(struct extc *c, uint32_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void extc_note(struct extc *c, uint32_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void extc_arena_free(struct extc *c);
void extc_diag_sort(struct extc *c);

/* lex.re */
void lex_all(struct extc *c);
const char *tok_name(int kind);

/* parse.c */
void parse_program(struct extc *c);

/* check.c */
void check_program(struct extc *c);
int type_size(int t);
int type_signed(int t);
uint64_t type_convert(uint64_t v, int t);

/* gen.c */
void gen_program(struct extc *c);

/* opt.c: optimise the function f whose n instructions start at start
 * (the last ones emitted) and use registers below nregs; returns how
 * many instructions are left. */
int opt_function(struct extc *c, int start, int n, int *nregs, const struct sym *f);

/* emit.c */
void emit_object(struct extc *c);

/* dis.c: print an object; returns 0, or -1 with a message on stderr. */
int nx_disasm(FILE *out, const uint8_t *buf, size_t len, const char *name);

/* v as a signed 64-bit value fits an instruction's 32-bit immediate
 * (gen.c, opt.c). */
static inline int fits32(uint64_t v)
{
	return (int64_t)v >= INT32_MIN && (int64_t)v <= INT32_MAX;
}

/* gen.c: the instruction of a binary operator (K_*), shared with folding. */
int extc_binop_insn(int op, int uns, int *swap);

#endif /* EXTC_H */

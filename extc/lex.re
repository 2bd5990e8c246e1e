/*
 * The lexer (re2c): source text -> c->toks, ending with one K_EOF.
 *
 * The source copy is NUL-terminated; a NUL before the end is an invalid
 * character.  Every rule consumes at least one byte, so lexing ends.
 */
#include <stdlib.h>
#include <string.h>
#include "extc.h"

static void tok_push(struct extc *c, int kind, uint32_t off, uint32_t len, uint64_t val)
{
	if (c->ntoks == c->captoks) {
		int cap = c->captoks ? c->captoks * 2 : 256;
		struct token *t = realloc(c->toks, (size_t)cap * sizeof *t);
		if (!t) {
			fputs("extc: out of memory\n", stderr);
			abort();
		}
		c->toks = t;
		c->captoks = cap;
	}
	c->toks[c->ntoks++] = (struct token){ kind, off, len, val };
}

static const struct { const char *s; int k; } keywords[] = {
	{"extension", K_EXTENSION}, {"trusted", K_TRUSTED}, {"untrusted", K_UNTRUSTED},
	{"const", K_CONST}, {"import", K_IMPORT}, {"export", K_EXPORT},
	{"hook", K_HOOK}, {"void", K_VOID},
	{"u8", K_U8}, {"u16", K_U16}, {"u32", K_U32}, {"u64", K_U64},
	{"i8", K_I8}, {"i16", K_I16}, {"i32", K_I32}, {"i64", K_I64},
	{"if", K_IF}, {"else", K_ELSE}, {"while", K_WHILE}, {"for", K_FOR},
	{"break", K_BREAK}, {"continue", K_CONTINUE}, {"return", K_RETURN},
	{"ctx", K_CTX},
};

static int keyword(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
		if (strlen(keywords[i].s) == n && !memcmp(keywords[i].s, s, n))
			return keywords[i].k;
	return K_ID;
}

/* Value of a literal in base 2, 10 or 16; *ovf set when it needs > 64 bits. */
static uint64_t lit_value(const unsigned char *s, const unsigned char *e, int base, int *ovf)
{
	uint64_t v = 0;
	for (; s < e; s++) {
		unsigned d = *s <= '9' ? (unsigned)(*s - '0') : (unsigned)((*s | 32) - 'a' + 10);
		if (v > (UINT64_MAX - d) / (uint64_t)base)
			*ovf = 1;
		v = v * (uint64_t)base + d;
	}
	return v;
}

static int hexval(unsigned char ch)
{
	return ch <= '9' ? ch - '0' : (ch | 32) - 'a' + 10;
}

/* 'x', '\n', '\x41' -> value; the lexer matched the shape already. */
static uint64_t char_value(const unsigned char *s)
{
	if (s[1] != '\\')
		return (unsigned char)s[1];
	switch (s[2]) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case '0': return 0;
	case 'x': return (uint64_t)(hexval(s[3]) * 16 + hexval(s[4]));
	default:  return (unsigned char)s[2];
	}
}

void lex_all(struct extc *c)
{
	const unsigned char *base = (const unsigned char *)c->src;
	const unsigned char *p = base, *end = base + c->srclen, *mark = p;
	for (;;) {
		const unsigned char *t = p;
		uint32_t off = (uint32_t)(t - base);
		int ovf = 0;
/* not do-while: continue must reach the for loop */
#define TOK(k) { tok_push(c, (k), off, (uint32_t)(p - t), 0); continue; }
		/*!re2c
		re2c:define:YYCTYPE = "unsigned char";
		re2c:define:YYCURSOR = p;
		re2c:yyfill:enable = 0;
		re2c:define:YYMARKER = mark;

		"\x00" {
			if (t >= end) {
				tok_push(c, K_EOF, (uint32_t)(end - base), 0, 0);
				return;
			}
			extc_error(c, off, "invalid character NUL in source");
			continue;
		}
		[ \t\r\n\f\v]+ { continue; }
		"//" [^\n\x00]* { continue; }
		"/*" ([^*\x00] | "*"+ [^*/\x00])* "*"+ "/" { continue; }
		"/*" {
			extc_error(c, off, "unterminated comment");
			tok_push(c, K_EOF, (uint32_t)(end - base), 0, 0);
			return;
		}
		[A-Za-z_][A-Za-z0-9_]* {
			tok_push(c, keyword((const char *)t, (size_t)(p - t)), off, (uint32_t)(p - t), 0);
			continue;
		}
		"0" [xX] [0-9a-fA-F]+ {
			uint64_t v = lit_value(t + 2, p, 16, &ovf);
			if (ovf)
				extc_error(c, off, "integer literal does not fit in 64 bits");
			tok_push(c, K_NUM, off, (uint32_t)(p - t), v);
			continue;
		}
		"0" [bB] [01]+ {
			uint64_t v = lit_value(t + 2, p, 2, &ovf);
			if (ovf)
				extc_error(c, off, "integer literal does not fit in 64 bits");
			tok_push(c, K_NUM, off, (uint32_t)(p - t), v);
			continue;
		}
		[0-9]+ {
			uint64_t v = lit_value(t, p, 10, &ovf);
			if (ovf)
				extc_error(c, off, "integer literal does not fit in 64 bits");
			tok_push(c, K_NUM, off, (uint32_t)(p - t), v);
			continue;
		}
		[0-9]+ [A-Za-z_][A-Za-z0-9_]* {
			extc_error(c, off, "invalid integer literal '%.*s'", (int)(p - t > 40 ? 40 : p - t), (const char *)t);
			tok_push(c, K_NUM, off, (uint32_t)(p - t), 0);
			continue;
		}
		"'" ([^'\\\n\x00] | "\\" [ntr0\\'"] | "\\x" [0-9a-fA-F]{2}) "'" {
			tok_push(c, K_NUM, off, (uint32_t)(p - t), char_value(t));
			continue;
		}
		"'" [^'\n\x00]* "'"? {
			extc_error(c, off, "invalid character literal");
			tok_push(c, K_NUM, off, (uint32_t)(p - t), 0);
			continue;
		}
		"(" { TOK(K_LP) }   ")" { TOK(K_RP) }
		"[" { TOK(K_LB) }   "]" { TOK(K_RB) }
		"{" { TOK(K_LC) }   "}" { TOK(K_RC) }
		";" { TOK(K_SEMI) } "," { TOK(K_COMMA) }
		"." { TOK(K_DOT) }  "?" { TOK(K_QUEST) } ":" { TOK(K_COLON) }
		"=" { TOK(K_ASSIGN) }
		"+=" { TOK(K_ADDEQ) } "-=" { TOK(K_SUBEQ) } "*=" { TOK(K_MULEQ) }
		"/=" { TOK(K_DIVEQ) } "%=" { TOK(K_MODEQ) } "&=" { TOK(K_ANDEQ) }
		"|=" { TOK(K_OREQ) }  "^=" { TOK(K_XOREQ) }
		"<<=" { TOK(K_SHLEQ) } ">>=" { TOK(K_SHREQ) }
		"++" { TOK(K_INC) } "--" { TOK(K_DEC) }
		"+" { TOK(K_PLUS) } "-" { TOK(K_MINUS) } "*" { TOK(K_STAR) }
		"/" { TOK(K_SLASH) } "%" { TOK(K_PERCENT) }
		"&" { TOK(K_AMP) } "|" { TOK(K_PIPE) } "^" { TOK(K_CARET) }
		"~" { TOK(K_TILDE) } "!" { TOK(K_BANG) }
		"<<" { TOK(K_SHL) } ">>" { TOK(K_SHR) }
		"<" { TOK(K_LT) } "<=" { TOK(K_LE) } ">" { TOK(K_GT) } ">=" { TOK(K_GE) }
		"==" { TOK(K_EQ) } "!=" { TOK(K_NE) }
		"&&" { TOK(K_ANDAND) } "||" { TOK(K_OROR) }
		* {
			unsigned char ch = (unsigned char)*t;
			if (ch >= 32 && ch < 127)
				extc_error(c, off, "invalid character '%c'", ch);
			else
				extc_error(c, off, "invalid byte 0x%02x in source", ch);
			continue;
		}
		*/
#undef TOK
	}
}

const char *tok_name(int kind)
{
	static const char *const names[] = {
		[K_EOF] = "end of file", [K_ID] = "identifier", [K_NUM] = "number",
		[K_EXTENSION] = "'extension'", [K_TRUSTED] = "'trusted'",
		[K_UNTRUSTED] = "'untrusted'", [K_CONST] = "'const'",
		[K_IMPORT] = "'import'", [K_EXPORT] = "'export'", [K_HOOK] = "'hook'",
		[K_VOID] = "'void'", [K_U8] = "'u8'",
		[K_U16] = "'u16'", [K_U32] = "'u32'", [K_U64] = "'u64'", [K_I8] = "'i8'",
		[K_I16] = "'i16'", [K_I32] = "'i32'", [K_I64] = "'i64'", [K_IF] = "'if'",
		[K_ELSE] = "'else'", [K_WHILE] = "'while'", [K_FOR] = "'for'",
		[K_BREAK] = "'break'", [K_CONTINUE] = "'continue'",
		[K_RETURN] = "'return'", [K_CTX] = "'ctx'",
		[K_LP] = "'('", [K_RP] = "')'", [K_LB] = "'['", [K_RB] = "']'",
		[K_LC] = "'{'", [K_RC] = "'}'", [K_SEMI] = "';'", [K_COMMA] = "','",
		[K_DOT] = "'.'", [K_QUEST] = "'?'", [K_COLON] = "':'",
		[K_ASSIGN] = "'='", [K_ADDEQ] = "'+='", [K_SUBEQ] = "'-='",
		[K_MULEQ] = "'*='", [K_DIVEQ] = "'/='", [K_MODEQ] = "'%='",
		[K_ANDEQ] = "'&='", [K_OREQ] = "'|='", [K_XOREQ] = "'^='",
		[K_SHLEQ] = "'<<='", [K_SHREQ] = "'>>='", [K_INC] = "'++'",
		[K_DEC] = "'--'", [K_PLUS] = "'+'", [K_MINUS] = "'-'", [K_STAR] = "'*'",
		[K_SLASH] = "'/'", [K_PERCENT] = "'%'", [K_AMP] = "'&'",
		[K_PIPE] = "'|'", [K_CARET] = "'^'", [K_TILDE] = "'~'", [K_BANG] = "'!'",
		[K_SHL] = "'<<'", [K_SHR] = "'>>'", [K_LT] = "'<'", [K_LE] = "'<='",
		[K_GT] = "'>'", [K_GE] = "'>='", [K_EQ] = "'=='", [K_NE] = "'!='",
		[K_ANDAND] = "'&&'", [K_OROR] = "'||'",
	};
	return kind >= 0 && kind <= K_OROR && names[kind] ? names[kind] : "token";
}

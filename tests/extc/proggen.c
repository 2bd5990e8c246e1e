/*
 * Random programs for the optimiser's differential test (optdiff.sh):
 * functions of locals, globals, arrays, loops, branches, break and
 * continue, calls and casts, written as an extension author would.  The
 * values are not computed here: optdiff.sh runs each program built with
 * extc -O0 and -O1 and the two must agree on the result, or on the fault
 * and its source line.  Arrays are indexed with masks (in bounds) and
 * with i + K (sometimes one off an array's end, into a neighbour or out
 * of the segment), and some divisors may be 0, so faults happen too.
 *
 *   proggen SEED > file.ext      the entry is "main(x, y)"
 */
#include "xorshift.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NFUNCS   4
#define MAXVARS  12

static uint64_t rng;
static int nvars, depth, loops, func;   /* locals are v0 .. v(nvars-1) */
static int loopvar[8], nloopvars;

static unsigned below(unsigned n) { return (unsigned)(xorshift64(&rng) % n); }

static void constant(void)
{
	static const char *const special[] = {
		"0", "1", "2", "3", "7", "15", "255", "0x7fffffff", "0xffffffff",
		"0x100000001b3", "0xffffffffffffffff", "0x8000000000000000",
	};
	if (below(3))
		printf("%u", below(20));
	else
		printf("%s", special[below(sizeof special / sizeof *special)]);
}

static void expr(int d);

/* An index: masked into the array, or a loop variable plus a small K. */
static void index_expr(int d)
{
	if (nloopvars && below(2)) {
		int k = (int)below(4) - 1;
		printf("k%d", loopvar[below((unsigned)nloopvars)]);
		if (k)
			printf(" %c %d", k < 0 ? '-' : '+', abs(k));
		return;
	}
	printf("((");
	expr(d + 1);
	printf(") & 7)");
}

static void leaf(int d)
{
	switch (below(7)) {
	case 0: constant(); break;
	case 1: printf("x"); break;
	case 2: printf("y"); break;
	case 3: printf("g%u", below(2)); break;
	case 4: printf("a["); index_expr(d); printf("]"); break;
	case 5: printf("b["); index_expr(d); printf("]"); break;
	default:
		if (nvars)
			printf("v%u", below((unsigned)nvars));
		else
			printf("x");
	}
}

static void expr(int d)
{
	static const char *const ops[] = {
		"+", "-", "*", "&", "|", "^", "<<", ">>", "/", "%",
		"<", "<=", ">", ">=", "==", "!=", "&&", "||",
	};
	if (d > 3 || below(3) == 0) {
		leaf(d);
		return;
	}
	switch (below(10)) {
	case 0:
		printf("(u32)(");
		expr(d + 1);
		printf(")");
		return;
	case 1:
		printf("(i64)(u8)(");
		expr(d + 1);
		printf(")");
		return;
	case 2:
		printf("(");
		expr(d + 1);
		printf(" ? ");
		expr(d + 1);
		printf(" : ");
		expr(d + 1);
		printf(")");
		return;
	case 3:
		if (func > 0) {
			printf("f%u(", below((unsigned)func));
			expr(d + 1);
			printf(", ");
			expr(d + 1);
			printf(")");
			return;
		}
		break;
	}
	const char *op = ops[below(sizeof ops / sizeof *ops)];
	printf("(");
	expr(d + 1);
	printf(" %s ", op);
	if ((op[0] == '/' || op[0] == '%') && below(40)) {
		printf("(");
		expr(d + 1);
		printf(" | 1)");
	} else if (op[0] == '/' || op[0] == '%') {
		printf(below(2) ? "y" : "g1");   /* may be 0: never a constant 0 */
	} else {
		expr(d + 1);
	}
	printf(")");
}

static void indent(void)
{
	for (int i = 0; i <= depth; i++)
		printf("    ");
}

static void stmts(int n);

static void stmt(void)
{
	indent();
	switch (below(12)) {
	case 0: case 1:
		if (nvars < MAXVARS) {
			printf("u64 v%d = ", nvars);
			expr(0);
			printf(";\n");
			nvars++;
			return;
		}
		/* fall through */
	case 2:
		if (nvars) {
			static const char *const as[] = { "=", "+=", "-=", "^=", "|=", "*=" };
			printf("v%u %s ", below((unsigned)nvars), as[below(6)]);
			expr(0);
			printf(";\n");
			return;
		}
		/* fall through */
	case 3:
		printf("g%u = ", below(2));
		expr(0);
		printf(";\n");
		return;
	case 4:
		printf("%c[", below(2) ? 'a' : 'b');
		index_expr(0);
		printf("] = ");
		expr(0);
		printf(";\n");
		return;
	case 5: case 6:
		if (depth < 3) {
			printf("if (");
			expr(0);
			printf(") {\n");
			int save = nvars;
			depth++;
			stmts(1 + (int)below(3));
			depth--;
			nvars = save;
			indent();
			if (below(2)) {
				printf("} else {\n");
				depth++;
				stmts(1 + (int)below(2));
				depth--;
				nvars = save;
				indent();
			}
			printf("}\n");
			return;
		}
		break;
	case 7: case 8:
		if (depth < 3 && nloopvars < 3) {
			int v = loops++;
			printf("for (u64 k%d = 0; k%d < %u; k%d++) {\n", v, v, 1 + below(6), v);
			int save = nvars;
			loopvar[nloopvars++] = v;
			depth++;
			stmts(1 + (int)below(4));
			depth--;
			nloopvars--;
			nvars = save;
			indent();
			printf("}\n");
			return;
		}
		break;
	case 9:
		if (nloopvars) {
			printf("if (");
			expr(1);
			printf(") %s;\n", below(2) ? "break" : "continue");
			return;
		}
		break;
	}
	printf("g0 += ");
	expr(1);
	printf(";\n");
}

static void stmts(int n)
{
	for (int i = 0; i < n; i++)
		stmt();
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: proggen SEED > file.ext\n");
		return 64;
	}
	rng = strtoull(argv[1], NULL, 0) * 0x9e3779b97f4a7c15ull + 1;
	printf("// generated by tests/extc/proggen %s\nextension prog untrusted;\n\n", argv[1]);
	printf("u64 g0;\nu64 a[8];\nu32 b[8];\nu64 g1;\n\n");
	for (func = 0; func < NFUNCS; func++) {
		nvars = nloopvars = depth = loops = 0;
		if (func == NFUNCS - 1)
			printf("i64 main(u64 x, u64 y) {\n");
		else
			printf("i64 f%d(u64 x, u64 y) {\n", func);
		stmts(3 + (int)below(6));
		indent();
		printf("return (i64)(");
		expr(0);
		printf(");\n}\n\n");
		if (func == NFUNCS - 1)
			break;
	}
	printf("hook trap(0) i64 run() {\n    return 0;\n}\n");
	return 0;
}

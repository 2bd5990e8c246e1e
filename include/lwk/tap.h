/*
 * TAP output (tools/runtests.sh reads it), written once for both sides:
 * host tests include it through tests/include/tap.h (the C library's
 * stdio), programs linked against user/lib through user/include/utap.h
 * (libc-lite).  Either declares printf and vsnprintf before this file.
 *
 *   tap_plan(n)          "1..n" first, when the count is known up front
 *   ok(cond, fmt, ...)   "ok N - what" or "not ok N - what" (printf format),
 *                        and on failure "# failed at file:line: cond";
 *                        returns cond as 0 or 1
 *   return tap_done();   from main: "1..N" at the end if no plan came
 *                        first, and the exit status: 1 if any test failed
 */
#ifndef LWK_TAP_H
#define LWK_TAP_H

#include <stdarg.h>

static int tap_n, tap_failed, tap_planned;

static inline void tap_plan(int n)
{
	printf("1..%d\n", n);
	tap_planned = 1;
}

__attribute__((format(printf, 5, 6)))
static inline int tap_ok(int cond, const char *expr, const char *file, int line, const char *fmt, ...)
{
	char what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	printf("%sok %d - %s\n", cond ? "" : "not ", ++tap_n, what);
	if (!cond) {
		tap_failed++;
		printf("# failed at %s:%d: %s\n", file, line, expr);
	}
	return cond;
}
#define ok(cond, ...) tap_ok(!!(cond), #cond, __FILE__, __LINE__, __VA_ARGS__)

static inline int tap_done(void)
{
	if (!tap_planned)
		printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* LWK_TAP_H */

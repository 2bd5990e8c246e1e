/*
 * TAP for host test programs (tools/runtests.sh reads it), the one
 * definition every host test includes:
 *
 *   tap_plan(n)          "1..n" first, when the count is known up front
 *   ok(cond, fmt, ...)   "ok N - what" or "not ok N - what" (printf format),
 *                        and on failure "# failed at file:line: cond";
 *                        returns cond as 0 or 1
 *   return tap_done();   from main: "1..N" at the end if no plan came
 *                        first, and the exit status: 1 if any test failed
 *
 * user/include/utap.h is the same for programs linked against user/lib.
 */
#ifndef TESTS_TAP_H
#define TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed, tap_planned;

static inline void tap_plan(int n)
{
	printf("1..%d\n", n);
	tap_planned = 1;
}

__attribute__((format(printf, 5, 6)))
static inline int tap_ok(int cond, const char *expr, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
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

#endif /* TESTS_TAP_H */

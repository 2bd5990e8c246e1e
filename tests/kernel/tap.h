/*
 * Minimal TAP for the kernel's host tests: ok(cond, fmt...) prints one
 * numbered line; tap_done() prints the plan at the end (TAP allows a
 * trailing plan) and returns the exit status.
 */
#ifndef TESTS_KERNEL_TAP_H
#define TESTS_KERNEL_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3))) static int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

static int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* TESTS_KERNEL_TAP_H */

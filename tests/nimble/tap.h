/* Minimal TAP output for the engine's host tests. */
#ifndef TAP_H
#define TAP_H

#include <stdio.h>

static int tap_n, tap_failed;

#define TAP_PLAN(n) printf("1..%d\n", (n))
#define OK(cond, ...) do { \
	int ok_ = !!(cond); tap_n++; tap_failed += !ok_; \
	printf("%sok %d - ", ok_ ? "" : "not ", tap_n); printf(__VA_ARGS__); printf("\n"); \
	if (!ok_) printf("# failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
} while (0)

#endif

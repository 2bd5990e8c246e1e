/*
 * panic(): the kernel found a state it cannot continue from.  Prints the
 * reason and a backtrace, then powers the node off with the panic status
 * (arch/exit.h) so the host harness can tell a panic from a failure.
 * Host unit tests supply their own panic() that returns to the test.
 */
#ifndef LWK_PANIC_H
#define LWK_PANIC_H

#include <lwk/compiler.h>

void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

#define BUG_ON(cond) \
	do { if (cond) panic("BUG: %s at %s:%d", #cond, __FILE__, __LINE__); } while (0)

#endif /* LWK_PANIC_H */

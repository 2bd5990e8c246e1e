/*
 * What the portable kernel files (buddy, kmem, pmem, params, kfmt) need
 * from the kernel, supplied on the host: a console that captures what
 * the kernel's own printk (kernel/lib/printk.c, linked in) writes,
 * interrupt state as a no-op, and a panic() that returns to the test
 * through EXPECT_PANIC instead of stopping the process.
 */
#ifndef TESTS_KERNEL_HOST_SHIM_H
#define TESTS_KERNEL_HOST_SHIM_H

#include <setjmp.h>

extern jmp_buf shim_panic_jmp;
extern int shim_panic_armed;
extern char shim_panic_msg[256];
extern char shim_log[8192];         /* everything printk wrote since the last reset */
void shim_log_reset(void);

/* Evaluate stmt; true if it panicked (the message is in shim_panic_msg). */
#define EXPECT_PANIC(stmt)                                                   \
	({                                                                   \
		volatile int panicked_ = 0;                                        \
		shim_panic_msg[0] = 0;                                       \
		shim_panic_armed = 1;                                        \
		if (setjmp(shim_panic_jmp) == 0) {                           \
			stmt;                                                \
		} else {                                                     \
			panicked_ = 1;                                       \
		}                                                            \
		shim_panic_armed = 0;                                        \
		panicked_;                                                   \
	})

#endif /* TESTS_KERNEL_HOST_SHIM_H */

/*
 * In-kernel tests (tests/kernel/ktap/ktest.c), KTAP on the serial console.
 * Anyone adds tests in their own file:
 *
 *     #include <lwk/ktest.h>
 *     KTEST(pmem, add_overlap)
 *     {
 *             KT_EXPECT(pmem_add(&r) == -LWK_EEXIST);
 *             KT_ASSERT(p != NULL);          (fails and returns)
 *             KT_EQ(x, 42);                  (prints both values)
 *     }
 *
 * The boot parameter ktest= selects what runs: a comma-separated list of
 * "all", suite names and suite.test names (ktest=all, ktest=pmem,
 * ktest=pmem.add_overlap,kmem).  "all" runs every test except the
 * KTEST_MANUAL ones, which run only when their suite or name is given
 * (ktest=panic: the harness's own tests, which end the node on purpose).
 * The selected tests run in one boot at the end of kmain; the node then
 * powers off with pass or fail (isa-debug-exit).  A test that panics or
 * hangs ends the run: the host harness reports which.
 */
#ifndef LWK_KTEST_H
#define LWK_KTEST_H

#include <lwk/compiler.h>

struct ktest {
	const char *suite, *name;
	void (*fn)(void);
	int manual;
};

#define KTEST_(suite, name, manual)                                                   \
	static void ktest_fn_##suite##_##name(void);                                  \
	static const struct ktest ktest_##suite##_##name                              \
	__used __section("ktests") __aligned(8) =                                     \
		{ #suite, #name, ktest_fn_##suite##_##name, manual };                 \
	static void ktest_fn_##suite##_##name(void)

#define KTEST(suite, name)        KTEST_(suite, name, 0)
#define KTEST_MANUAL(suite, name) KTEST_(suite, name, 1)

void ktest_fail(const char *file, int line, const char *fmt, ...) __printf(3, 4);

#define KT_EXPECT(cond) \
	do { if (!(cond)) ktest_fail(__FILE__, __LINE__, "expected %s", #cond); } while (0)
#define KT_ASSERT(cond) \
	do { if (!(cond)) { ktest_fail(__FILE__, __LINE__, "assertion %s", #cond); return; } } while (0)
#define KT_EQ(a, b)                                                                   \
	do {                                                                          \
		long long a_ = (long long)(a), b_ = (long long)(b);                   \
		if (a_ != b_)                                                         \
			ktest_fail(__FILE__, __LINE__, "%s == %s: %lld (%#llx) != %lld (%#llx)", \
				   #a, #b, a_, (unsigned long long)a_, b_, (unsigned long long)b_); \
	} while (0)

/*
 * If ktest= was given, run the selection and power the node off (pass
 * when every test passed); otherwise return at once.
 */
void ktest_boot(void);
/*
 * The boot self-check: run one suite without KTAP (a PCT's own TAP may
 * follow on the console), print one summary line, return the failures.
 */
int ktest_selfcheck(const char *suite);

#endif /* LWK_KTEST_H */

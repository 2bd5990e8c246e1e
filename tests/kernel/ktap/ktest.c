/*
 * The kernel test runner (lwk/ktest.h).  Tests are entries of the
 * "ktests" section; a run prints
 *     KTAP version 1
 *     1..N
 *     # FAIL file:line: what      (for each failed check)
 *     ok|not ok <i> <suite>.<name>
 *     # ktest: P passed, F failed
 *     # ktest: end
 * and the host harness (tests/kernel/ktest.sh) takes the last line as
 * proof the run finished rather than died.
 */
#include <stdarg.h>
#include <arch/cpu.h>
#include <lwk/kfmt.h>
#include <lwk/ktest.h>
#include <lwk/params.h>
#include <lwk/printk.h>
#include <lwk/string.h>

extern const struct ktest __start_ktests[], __stop_ktests[];

static char ktest_selection[256];
static int current_failed;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("# FAIL %s:%d: %s\n", file, line, msg);
	current_failed = 1;
}

/* Does one selection item (len bytes at item) pick test t? */
static int item_selects(const char *item, size_t len, const struct ktest *t)
{
	size_t sl = strlen(t->suite);

	if (len == 3 && strncmp(item, "all", 3) == 0)
		return !t->manual;
	if (len == sl && strncmp(item, t->suite, sl) == 0)
		return 1;
	return len == sl + 1 + strlen(t->name) && strncmp(item, t->suite, sl) == 0 &&
	       item[sl] == '.' && strncmp(item + sl + 1, t->name, len - sl - 1) == 0;
}

static int selected(const char *sel, const struct ktest *t)
{
	const char *item = sel, *comma;
	size_t len;

	for (;;) {
		comma = strchr(item, ',');
		len = comma ? (size_t)(comma - item) : strlen(item);
		if (item_selects(item, len, t))
			return 1;
		if (!comma)
			return 0;
		item = comma + 1;
	}
}

/* ktest=: every item must name something, so a typo is not a silent pass. */
static const char *ktest_param(const char *val)
{
	const char *item = val, *comma;
	const struct ktest *t;
	size_t len;
	int found;

	if (strlen(val) >= sizeof(ktest_selection))
		return "selection too long";
	for (;;) {
		comma = strchr(item, ',');
		len = comma ? (size_t)(comma - item) : strlen(item);
		for (found = 0, t = __start_ktests; t < __stop_ktests && !found; t++)
			found = item_selects(item, len, t);
		if (!found && !(len == 3 && strncmp(item, "all", 3) == 0))
			return "no kernel test or suite of that name";
		if (!comma)
			break;
		item = comma + 1;
	}
	strlcpy(ktest_selection, val, sizeof(ktest_selection));
	return NULL;
}
BOOT_PARAM_FUNC(ktest, ktest_param);

/* Run the selection; KTAP unless quiet (then only failures are printed). */
static int ktest_run(const char *sel, int quiet)
{
	const struct ktest *t;
	int n = 0, i = 0, failed = 0;

	for (t = __start_ktests; t < __stop_ktests; t++)
		n += selected(sel, t);
	if (!quiet)
		printk("KTAP version 1\n1..%d\n", n);
	for (t = __start_ktests; t < __stop_ktests; t++) {
		if (!selected(sel, t))
			continue;
		current_failed = 0;
		if (!quiet)
			printk("# running %s.%s\n", t->suite, t->name);
		t->fn();
		failed += current_failed;
		i++;
		if (!quiet)
			printk("%s %d %s.%s\n", current_failed ? "not ok" : "ok", i, t->suite, t->name);
		else if (current_failed)
			printk("self-check: %s.%s FAILED\n", t->suite, t->name);
	}
	printk("%s: %d passed, %d failed\n", quiet ? "self-check" : "# ktest", n - failed, failed);
	return failed;
}

int ktest_selfcheck(const char *suite)
{
	return ktest_run(suite, 1);
}

void ktest_boot(void)
{
	int failed;

	if (ktest_selection[0] == 0)
		return;
	failed = ktest_run(ktest_selection, 0);
	printk("# ktest: end\n");
	arch_poweroff(failed ? NODE_EXIT_FAIL : NODE_EXIT_PASS);
}

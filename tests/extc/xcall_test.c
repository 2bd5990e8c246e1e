/*
 * XCALL end to end: two extensions compiled by extc, one exporting and one
 * importing, inserted through nx_insert and run through nx_run, untrusted
 * and trusted.  TAP.
 *
 *   xcall_test LIB.nx USER.nx LIB-TRUSTED.nx USER-TRUSTED.nx
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nimble/nimble.h"
#include "tap.h"


static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	static char buf[2][1 << 16];
	static int which;
	char *b = buf[which++ & 1];
	if (!f)
		return NULL;
	*len = fread(b, 1, sizeof buf[0], f);
	fclose(f);
	return b;
}

/* Insert lib and user with the given trust, run user's entry(6, 7). */
static void round_trip(const char *lib, const char *user, int trusted, const char *mode)
{
	char what[160];
	size_t ll, ul;
	void *lo = slurp(lib, &ll), *uo = slurp(user, &ul);
	struct nx_ext *le = NULL, *ue = NULL;
	struct nx_error err;
	snprintf(what, sizeof what, "%s: importer without its exporter is refused", mode);
	ok(uo && nx_insert(uo, ul, 1, trusted, &ue, &err) == -NX_ENOENT, "%s", what);
	snprintf(what, sizeof what, "%s: exporter and importer insert", mode);
	int good = lo && nx_insert(lo, ll, 1, trusted, &le, &err) == 0;
	good = good && nx_insert(uo, ul, 1, trusted, &ue, &err) == 0;
	ok(good, "%s", what);
	if (!good) {
		printf("# %s\n", err.msg);
		return;
	}
	struct nx_trap_ctx_buf { struct nx_ctx_trap c; } ctx;
	struct nx_env env;
	struct nx_result res;
	uint64_t args[2] = { 6, 7 };
	memset(&ctx, 0, sizeof ctx);
	memset(&env, 0, sizeof env);
	nx_env_setup(&env, NX_HOOK_TRAP, &ctx.c, NULL, 0, NULL, 0);
	int f = nx_ext_func(ue, "entry");
	nx_run(ue, (uint32_t)f, &env, args, 2, &res);
	/* 6*7+5 = 47; (13*1+5)*100 = 1800; ncalls() runs before the third
	 * call (left to right): 2 * 10000; 0*0 + base 0; 1000 - 1000 */
	snprintf(what, sizeof what, "%s: entry(6, 7) = 21847 through three exports", mode);
	ok(f >= 0 && res.fault == NX_FAULT_NONE && res.value == 21847, "%s", what);
	if (res.value != 21847)
		printf("# value %lld fault %s\n", (long long)res.value, nx_fault_name(res.fault));
	ok(nx_remove(ue) == 0 && nx_remove(le) == 0, "both removed");
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: xcall_test LIB.nx USER.nx LIB-T.nx USER-T.nx\n");
		return 64;
	}
	tap_plan(8);
	round_trip(argv[1], argv[2], 0, "untrusted");
	round_trip(argv[3], argv[4], 1, "trusted");
	return tap_done();
}

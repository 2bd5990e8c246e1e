/*
 * The PCT of the Linux-binary test (tests/linux/run.sh): it runs every
 * application module (app*) alone, one after the other, with the argv
 * and envp of its module command line, and frames each run on the
 * console so that the script can cut out exactly what it printed:
 *
 *   @@begin NAME
 *   ...the application's bytes...
 *   @@end NAME exit CODE          (or: fault VECTOR at RIP addr ADDR)
 *
 * "@@end" always starts a line of its own: the runner writes a newline
 * before it, which run.sh removes again.
 */
#include "ulib.h"

#define HEAP (32ull << 20)

static int run_one(uint32_t i, const char *name, const uint8_t *img, long sz)
{
	char line[512];
	const char *argv[64], *envp[64];
	struct spawn sp;
	struct lwk_task_status st;
	long rc = module_argv(i, name, line, sizeof line, argv, 64, envp, 64);
	printf("@@begin %s\n", name);
	if (!rc)
		rc = elf_spawn_args(img, (size_t)sz, name, 1, 0, 0, 0, HEAP, argv, envp, &sp);
	if (rc) {
		printf("\n@@end %s not started: %s\n", name, strerror(rc));
		return 1;
	}
	/* Its other tasks (if any) are ended by exit_group; the first one's
	 * end is the application's. */
	do
		rc = task_wait(&st);
	while (!rc && st.tid != sp.tid);
	if (rc) {
		printf("\n@@end %s task_wait: %s\n", name, strerror(rc));
		return 1;
	}
	if (st.kind == LWK_EXIT_NORMAL)
		printf("\n@@end %s exit %d\n", name, st.code);
	else
		printf("\n@@end %s fault %d at 0x%llx addr 0x%llx\n", name, st.code,
		       (unsigned long long)st.rip, (unsigned long long)st.addr);
	for (int tries = 0; (rc = spawn_free(&sp)) == -LWK_EBUSY && tries < 1000; tries++)
		nanosleep_ns(1000000);
	if (rc < 0)
		printf("@@runner: %s: cannot free its aspace: %s\n", name, strerror(rc));
	return rc < 0;
}

int main(void)
{
	char name[64];
	long sz;
	int bad = 0;
	for (uint32_t i = 0; (sz = module_get(i, NULL, 0, name)) >= 0; i++) {
		if (strncmp(name, "app", 3))
			continue;
		uint8_t *img = mmap_anon((size_t)sz);
		if (!img || module_get(i, img, (size_t)sz, name) != sz) {
			printf("@@runner: cannot read module %s\n", name);
			return 1;
		}
		bad += run_one(i, name, img, sz);
		munmap(img, (size_t)sz);
	}
	printf("@@runner: done\n");
	return bad ? 1 : 0;
}

/* GRUB modules by name (the PCT's and the test programs' way to find an
 * extension or an executable the boot loader brought along). */
#include "ulib.h"

long module_find(const char *want, uint8_t **buf)
{
	char name[64];

	for (uint32_t i = 0;; i++) {
		long sz = module_get(i, NULL, 0, name);
		if (sz < 0)
			return sz;
		if (!strcmp(name, want)) {
			*buf = mmap_anon(sz);
			return *buf ? module_get(i, *buf, sz, name) : -LWK_ENOMEM;
		}
	}
}

/* Module i's argv and envp from its command line (module_args, split by
 * initstack_split into line); no argv words: argv is { name }. */
int module_argv(uint32_t i, const char *name, char *line, size_t len, const char **argv,
		size_t nargv, const char **envp, size_t nenv)
{
	long rc = module_args(i, line, len);
	if (rc < 0)
		return (int)rc;
	if ((rc = initstack_split(line, argv, nargv, envp, nenv)) < 0)
		return (int)rc;
	if (rc == 0) {
		argv[0] = name;
		argv[1] = NULL;
	}
	return 0;
}

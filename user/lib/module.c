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

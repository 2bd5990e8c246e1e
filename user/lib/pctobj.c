/* The extension objects the PCT handed this application (include/uapi/
 * pct_abi.h): a table at the bottom of the heap, each object after it. */
#include "ulib.h"
#include <uapi/pct_abi.h>

const void *pct_object(const char *name, size_t *len)
{
	const uint8_t *heap = (const uint8_t *)brk(0);
	const struct pct_objects *tab = (const void *)heap;
	for (uint64_t i = 0; i < tab->count && i < PCT_MAX_OBJECTS; i++)
		if (!strcmp(tab->obj[i].name, name)) {
			*len = tab->obj[i].len;
			return heap + tab->obj[i].offset;
		}
	return NULL;
}

long nx_insert_named(const char *name, struct lwk_nx_error *err)
{
	size_t len;
	const void *obj = pct_object(name, &len);
	if (!obj) {
		memset(err, 0, sizeof *err);
		strlcpy(err->msg, "the PCT handed no object of that name", sizeof err->msg);
		return -LWK_ENOENT;
	}
	return nx_insert(obj, len, err);
}

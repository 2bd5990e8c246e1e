/*
 * The kernel as the Nimble engine's embedder (nimble.h, "supplied by the
 * embedder"): the engine's memory comes from kmem and its lines go to the
 * console.  The helpers are in helpers.c.
 */
#include <nimble/nimble.h>
#include <lwk/kmem.h>
#include <lwk/printk.h>

void *nx_host_alloc(size_t size) { return kmem_alloc(size); }
void nx_host_free(void *p, size_t size) { (void)size; kmem_free(p); }
void nx_host_print(const char *line) { printk("nimble: %s\n", line); }
void nx_host_report(const char *line) { printk("nimble: %s\n", line); }

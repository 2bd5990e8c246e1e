/*
 * The kernel as the Nimble engine's embedder (nimble.h, "supplied by the
 * embedder"): the engine's memory comes from kmem and its lines go to the
 * console.  The helpers are in helpers.c.
 */
#include <nimble/nimble.h>
#include <lwk/kmem.h>
#include <lwk/printk.h>
#include <lwk/smp.h>
#include <lwk/apic.h>
#include <lwk/watchdog.h>

void *nx_host_alloc(size_t size) { return kmem_alloc(size); }
void nx_host_free(void *p, size_t size) { (void)size; kmem_free(p); }
void nx_host_print(const char *line) { printk("nimble: %s\n", line); }
void nx_host_report(const char *line) { printk("nimble: %s\n", line); }

/* The watch handler's question (lwk/watchdog.h): has the watchdog seen
 * this run on this CPU for the budget?  A run it has not seen (first, or
 * another run marked since) is marked now.  The NMI reads watch.run and
 * since without a lock: a torn view only makes it step once more. */
int nx_host_watch(const void *run, int first)
{
	struct cpu *c = this_cpu();
	uint64_t now = time_now_ns();
	if (first || c->watch.run != run) {
		c->watch.run = run;
		c->watch.since = now;
		return 0;
	}
	return watchdog_budget_ns && now - c->watch.since >= watchdog_budget_ns;
}

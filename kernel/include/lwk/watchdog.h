/*
 * The runaway stop: a run of an extension, trusted or not, on any hook,
 * that lasts longer than the budget is ended with the TIME fault.  It adds
 * nothing to a run: a periodic NMI on every CPU looks at where the CPU
 * is; inside a handler set it single-steps to the set's next dispatch and
 * sends it to the set's watch handler (nimble/exec_body.h, L_WATCH), which
 * asks nx_host_watch (kernel/nimble/embed.c) whether this run was seen
 * before and for how long.  docs/engine.md, "Runaway stop", says why
 * this is safe.
 */
#ifndef LWK_WATCHDOG_H
#define LWK_WATCHDOG_H

#include <stdint.h>

/* The budget of one run (ns): boot parameter nx_budget_us (0 = no
 * watchdog).  A run shorter than the budget is never stopped; one longer
 * than 3 budgets always is (docs/engine.md). */
extern uint64_t watchdog_budget_ns;

/* Set up the NMI tick for every CPU online (after smp_init). */
void watchdog_init(void);
/* The tick runs only while extensions are inserted (kernel/nimble/table.c):
 * a node without any takes no NMI. */
void watchdog_arm(int on);
int watchdog_ticking(void);
/* The tick is PIT channel 0 on its ISA input: lend them to someone else
 * (the ioapic tests) and take them back. */
void watchdog_pause(void);
void watchdog_resume(void);

#endif /* LWK_WATCHDOG_H */

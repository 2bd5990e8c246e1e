/*
 * Bringing the kernel core up, in dependency order, and starting the
 * PCT.  kmain calls kcore_init() once kmem works and kcore_run() at the
 * end; both run on the boot CPU as the kernel task "kmain".
 */
#include <lwk/kcore.h>
#include <lwk/acpi.h>
#include <lwk/apic.h>
#include <lwk/irq.h>
#include <lwk/smp.h>
#include <lwk/syscall.h>
#include <lwk/task.h>
#include <lwk/watchdog.h>
#include <lwk/printk.h>

void kcore_init(void)
{
	percpu_init(&cpus[0], 0);     /* GDT, TSS, GS, syscall MSRs          */
	syscall_init();
	apic_init_bsp();              /* clock and timer calibrated          */
	acpi_init();                  /* the MADT: IOAPIC address, overrides */
	ioapic_init();                /* every device input masked           */
	irq_init();                   /* user faults end tasks; timer        */
	task_init_cpu(0);             /* kmain becomes a task; idle0 exists  */
	smp_init();                   /* the other CPUs idle on their queues */
	watchdog_init();              /* NMI tick: runaway extension runs end */
	/* A run lasts at most 3 budgets (lwk/watchdog.h); 4 leave TCG's
	 * slack before a stopped run's wait counts as starvation. */
	sched_starve_outlast(4 * watchdog_budget_ns);
}

/*
 * Interrupt vectors above the exceptions, and user-mode exceptions.
 *
 * Device and test vectors go through irq_common, which fires the Nimble
 * irq hook for the vector first: an extension returning 1 has handled
 * it and the kernel's handler is skipped (the EOI is still sent) —
 * except on a vector registered IRQ_F_DRIVER, whose handler always runs
 * (the NIC's: it must acknowledge a level-triggered line and keep the
 * message layer going; an extension there observes).  The timer and the
 * IPIs are the kernel's own and never hookable: the scheduler and
 * cross-CPU calls must not depend on an extension.
 *
 * A CPU exception in user mode ends the task that caused it and is
 * reported to its parent (task_wait); the node goes on.  In the kernel it
 * is fatal: trap_fatal dumps the registers and panics.
 */
#include <lwk/apic.h>
#include <lwk/irq.h>
#include <lwk/task.h>
#include <lwk/smp.h>
#include <lwk/nxk.h>
#include <arch/cpu.h>
#include <arch/trap.h>

static irq_handler_t handlers[T_NVECTORS];
static uint8_t flags[T_NVECTORS];
static uint64_t counts[T_NVECTORS];

static void irq_common(struct trapframe *tf)
{
	unsigned v = tf->vector;
	this_cpu()->irq_tsc = rdtsc();     /* where a device event's paths start */
	uint64_t n = __atomic_add_fetch(&counts[v], 1, __ATOMIC_RELAXED);
	if (nxk_irq(v, n) && !(flags[v] & IRQ_F_DRIVER)) {
		apic_eoi();
		return;
	}
	handlers[v](tf);
}

int irq_register(unsigned vector, irq_handler_t h, unsigned f)
{
	if (vector < 32 || vector >= T_NVECTORS || handlers[vector])
		return -1;
	handlers[vector] = h;
	flags[vector] = (uint8_t)f;
	trap_register(vector, irq_common);
	return 0;
}

uint64_t irq_count(unsigned vector)
{
	return vector < T_NVECTORS ? __atomic_load_n(&counts[vector], __ATOMIC_RELAXED) : 0;
}

static void timer_irq(struct trapframe *tf)
{
	sched_timer_irq();
	if (tf->cs & 3)
		task_check_killed();
}

static void exception(struct trapframe *tf)
{
	if ((tf->cs & 3) == 0)
		trap_fatal(tf, "exception in the kernel");
	uint64_t addr = tf->vector == T_PF ? read_cr2() : tf->rip;
	task_fault_exit((int)tf->vector, tf->rip, addr);
}

static void spurious(struct trapframe *tf) { (void)tf; }

void irq_init(void)
{
	static const unsigned user_faults[] = { T_DE, T_DB, T_BP, T_OF, T_BR, T_UD, T_NM,
						T_TS, T_NP, T_SS, T_GP, T_PF, T_MF, T_AC, T_XM };
	for (unsigned i = 0; i < sizeof user_faults / sizeof user_faults[0]; i++)
		trap_register(user_faults[i], exception);
	trap_register(VEC_TIMER, timer_irq);
	trap_register(VEC_SPURIOUS, spurious);
}

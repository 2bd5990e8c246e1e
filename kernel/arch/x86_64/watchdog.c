/*
 * The runaway stop's machine side (lwk/watchdog.h; docs/engine.md,
 * "Runaway stop").  PIT channel 0 ticks every half budget; the IOAPIC
 * delivers each tick as an NMI to every CPU, so it arrives with
 * interrupts off too (an irq hook, net_rx in its interrupt, sched_pick
 * under the run-queue lock).  On a CPU inside a handler set the NMI sets
 * TF; #DB then steps the CPU, one instruction at a time, to the set's
 * next dispatch -- an indirect jmp, which in a handler set is always
 * "goto *pc->h" (nimble/nimble.mk builds it without jump tables) -- and
 * sends it to the set's watch handler instead.  A call out of the set (a
 * helper) is not stepped: breakpoint 0 waits at its return address.
 *
 * The NMI runs on its own stack (IST 1): it can arrive anywhere, even at
 * the first instruction of syscall_entry, still on the user's stack with
 * the user's GS.  It looks at nothing but the interrupted address until
 * that address is inside a handler set, where GS is the kernel's.
 */
#include <lwk/watchdog.h>
#include <lwk/acpi.h>
#include <lwk/apic.h>
#include <lwk/params.h>
#include <lwk/printk.h>
#include <lwk/smp.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/trap.h>
#include <nimble/nimble.h>

static uint64_t budget_us = 4000;
BOOT_PARAM_UINT(nx_budget_us, budget_us, 0, 10000000);
uint64_t watchdog_budget_ns;

#define RFLAGS_TF  (1ull << 8)
#define DR7_L0     (1ull << 0)     /* breakpoint 0 on instruction fetch */
#define DR7_FIXED  (1ull << 10)
#define DR6_B0     (1ull << 0)
#define STEPS_MAX  4096            /* then give up until the next tick */
#define PIT_HZ     1193182ull

static uint8_t nmi_stacks[MAX_CPUS][4096] __attribute__((aligned(16)));
static trap_handler_t db_other;    /* #DB that is not ours: a user task's */

static void step_stop(struct cpu *c, struct trapframe *tf)
{
	tf->rflags &= ~RFLAGS_TF;
	write_dr7(DR7_FIXED);
	c->watch.stepping = 0;
}

static void watch_nmi(struct trapframe *tf)
{
	uintptr_t target = nx_watch_target(tf->rip);
	if (!target)
		return;                 /* not in a handler set: nothing to look at */
	struct cpu *c = this_cpu();
	uint64_t now = time_now_ns() | 1;
	if (c->watch.stepping) {
		if (now - c->watch.stepping < watchdog_budget_ns)
			return;         /* stepping, or waiting for a helper */
		step_stop(c, tf);       /* a breakpoint that never came: again */
	}
	if (c->watch.run && now - c->watch.since < watchdog_budget_ns)
		return;                 /* a run marked lately: look after the budget */
	c->watch.stepping = now;
	c->watch.steps = STEPS_MAX;
	tf->rflags |= RFLAGS_TF;
}

static void watch_db(struct trapframe *tf)
{
	struct cpu *c;
	if ((tf->cs & 3) || !(c = this_cpu())->watch.stepping) {
		db_other(tf);
		return;
	}
	if (read_dr6() & DR6_B0) {      /* back from a helper: step on */
		write_dr7(DR7_FIXED);
		tf->rflags |= RFLAGS_TF;
	}
	write_dr6(0);
	uintptr_t target = nx_watch_target(tf->rip);
	if (!target) {
		/* Out of the set.  After a call, its return address is on top of
		 * the stack: wait there.  Otherwise the run has ended. */
		uint64_t ret = *(const uint64_t *)tf->rsp;
		step_stop(c, tf);
		if (nx_watch_target(ret)) {
			c->watch.stepping = time_now_ns() | 1;
			write_dr0(ret);
			write_dr7(DR7_FIXED | DR7_L0);
		}
		return;
	}
	if (nx_watch_dispatch(tf->rip)) {
		tf->rip = target;       /* the dispatch goes to the watch handler */
		step_stop(c, tf);
		return;
	}
	if (--c->watch.steps == 0)
		step_stop(c, tf);
}

/* PIT channel 0, mode 2 (rate generator), every period_ns (at most 54 ms). */
static void pit_start(uint64_t period_ns)
{
	uint64_t div = period_ns * PIT_HZ / 1000000000ull;
	div = div < 2 ? 2 : div > 0xffff ? 0xffff : div;
	outb(0x43, 0x34);
	outb(0x40, (uint8_t)div);
	outb(0x40, (uint8_t)(div >> 8));
}

static unsigned pit_gsi, pit_mode;
static int armed, lent;     /* extensions exist; the PIT is lent out */

/* The tick on while armed and not lent; 0 or -errno. */
static int tick(void)
{
	int on = armed && !lent;
	uint64_t period = watchdog_budget_ns / 2 < 100000 ? 100000 : watchdog_budget_ns / 2;
	if (on)
		pit_start(period);
	return ioapic_route(pit_gsi, 0xff, 0xff, IOAPIC_NMI | (pit_mode & IOAPIC_LOW), on);
}

void watchdog_init(void)
{
	if (!budget_us) {
		printk("watchdog: off (nx_budget_us=0): a runaway trusted extension holds its CPU\n");
		return;
	}
	if (acpi_irq_gsi(0, 0, &pit_gsi, &pit_mode) < 0)
		pit_gsi = 2, pit_mode = 0;
	for (unsigned i = 0; i < MAX_CPUS; i++)
		cpus[i].tss.ist[0] = (uint64_t)(nmi_stacks[i] + sizeof nmi_stacks[i]);
	trap_set_ist(T_NMI, 1);
	trap_register(T_NMI, watch_nmi);
	db_other = trap_register(T_DB, watch_db);
	watchdog_budget_ns = budget_us * 1000;
	if (tick() < 0) {
		printk("watchdog: cannot route the PIT (GSI %u) as an NMI: off\n", pit_gsi);
		watchdog_budget_ns = 0;
		return;
	}
	printk("watchdog: run budget %llu us; while extensions are inserted, NMI to every CPU "
	       "every %llu us (PIT, GSI %u)\n", (unsigned long long)budget_us,
	       (unsigned long long)(watchdog_budget_ns / 2000), pit_gsi);
}

/* The callers serialize these: nimble_lock (arm), the ktest runner (lend). */
void watchdog_arm(int on)
{
	if (watchdog_budget_ns && armed != !!on) {
		armed = !!on;
		tick();
	}
}

int watchdog_ticking(void)
{
	uint8_t vec;
	uint32_t dest;
	int on = 0;
	ioapic_route_get(pit_gsi, &vec, &dest, &on);
	return watchdog_budget_ns && on;
}

void watchdog_pause(void)
{
	lent = 1;
	if (watchdog_budget_ns)
		tick();
}

void watchdog_resume(void)
{
	lent = 0;
	if (watchdog_budget_ns)
		tick();
}

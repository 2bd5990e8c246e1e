/*
 * Per-CPU data.  GS base points at the running CPU's struct cpu while in
 * the kernel (user GS is swapped in with swapgs), so this_cpu() is one
 * load.  The first fields are read by assembly (syscall_entry.S,
 * switch.S) at the offsets given by the CPU_* constants below; a
 * _Static_assert in percpu.c keeps them honest.
 */
#ifndef LWK_SMP_H
#define LWK_SMP_H

#define MAX_CPUS 16

#define CPU_SELF        0
#define CPU_KERNEL_RSP  8    /* top of the current task's kernel stack */
#define CPU_USER_RSP   16    /* scratch: user rsp during syscall entry */
#define CPU_CURRENT    24

#define GDT_KCODE 0x08
#define GDT_KDATA 0x10
#define GDT_UDATA 0x1b
#define GDT_UCODE 0x23
#define GDT_TSS   0x28

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <lwk/spinlock.h>
#include <lwk/sched.h>

struct tss {
	uint32_t rsv0;
	uint64_t rsp[3];
	uint64_t rsv1;
	uint64_t ist[7];
	uint64_t rsv2;
	uint16_t rsv3, iomap_base;
} __attribute__((packed));

struct cpu {
	struct cpu *self;
	uint64_t kernel_rsp;
	uint64_t user_rsp;
	struct task *current;
	uint32_t id, apic_id;
	volatile int online;
	struct task *idle;
	struct spinlock lock;          /* guards rq and the sleep list */
	struct runq rq;
	struct task *sleepers;         /* nanosleep, by deadline */
	struct ktimer *timers;         /* kernel timers, by deadline */
	uint64_t irq_tsc;              /* rdtsc at the entry of the last device interrupt */
	uint64_t timer_irqs;           /* LAPIC timer interrupts taken */
	/* Interrupts taken (any vector >= 32).  The kernel runs with interrupts
	 * off, so each one is a moment this CPU is in no kernel code path that
	 * started before it: a grace period for freeing what those paths may
	 * have seen (kernel/nimble/retire.c). */
	uint64_t irqs_taken;
	uint64_t switches;
	uint64_t quantum_end;          /* when the running task's quantum ends; ~0 = never */
	/* cross-CPU call: one at a time per target (caller holds xcall_lock) */
	struct spinlock xcall_lock;
	void (*volatile xcall_fn)(void *);
	void *volatile xcall_arg;
	volatile int xcall_done;
	uint64_t gdt[7];
	struct tss tss;
	/* The irq hook's context, prepared once (kernel/nimble/hooksite.c). */
	struct nx_ctx_irq nx_irq_ctx;
	struct nx_env nx_irq_env;
	/* The runaway stop (lwk/watchdog.h): the run last marked on this CPU
	 * and since when (ns); while single-stepping to a dispatch, since
	 * when (0: not stepping) and the steps left. */
	struct {
		const void *run;
		uint64_t since;
		uint64_t stepping;
		uint32_t steps;
	} watch;
} __attribute__((aligned(64)));

extern struct cpu cpus[MAX_CPUS];
extern unsigned ncpus;             /* CPUs online */

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* Set up this CPU's GDT, TSS, GS base and syscall MSRs. */
void percpu_init(struct cpu *c, uint32_t id);
void percpu_set_kernel_stack(struct cpu *c, uint64_t top);

/* Start every other CPU QEMU gives; returns the number online. */
unsigned smp_init(void);
/* Run fn(arg) on cpu and wait for it to finish (fn runs in interrupt context). */
int smp_call(unsigned cpu, void (*fn)(void *), void *arg);
/* Flush the user TLB entries of every CPU in cpu_mask (bit i = CPU i),
 * this one included, and wait until they are gone; fine with interrupts
 * off. */
void smp_tlb_flush(uint32_t cpu_mask);
/* Ask cpu to reschedule (a task was queued there). */
void smp_kick(unsigned cpu);

#endif /* __ASSEMBLER__ */
#endif /* LWK_SMP_H */

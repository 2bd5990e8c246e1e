/*
 * Tasks (seed 002): every context of execution is a task in an aspace;
 * threads are tasks sharing one.  A task is one kmem block: this struct
 * followed by nothing else; its kernel stack is a separate 16 KiB block.
 */
#ifndef LWK_TASK_H
#define LWK_TASK_H

#include <stdint.h>
#include <uapi/lwk.h>
#include <nimble/nimble.h>

enum task_state { TASK_RUNNABLE, TASK_BLOCKED, TASK_EXITED };

#define TASK_F_IDLE       0x1u   /* a CPU's idle task                    */
#define TASK_F_KERNEL     0x2u   /* kernel thread: no user half          */
#define TASK_F_PRIVILEGED 0x4u   /* the PCT: may insert trusted extensions */

#define TASK_NAME 32
#define TASK_KSTACK_ORDER 2      /* 16 KiB kernel stacks */

struct aspace;

#define TASK_START_REGS 7        /* user_iret loads rdi rsi rdx rcx r8 r9 r10 */

struct task {
	volatile int32_t killed;  /* exit_group: end with this code + 1 (0 = alive);
	                           * first field: the syscall exit path tests it */
	uint32_t tid;
	uint32_t pid;             /* the aspace id: Linux getpid()       */
	uint32_t parent;          /* tid to which task_wait reports      */
	uint32_t flags;           /* TASK_F_*                            */
	enum task_state state;
	uint32_t cpu;             /* the CPU whose run queue it is on    */
	int32_t prio;             /* seen by sched_pick extensions       */
	uint32_t owner;           /* application (aspace id) it belongs to */
	char name[TASK_NAME];

	uint64_t runtime;         /* ns spent running                    */
	uint64_t ready_since;     /* when it last became runnable        */
	uint64_t ran_at;          /* when it was last switched in        */
	uint64_t quantum;         /* granted by the last pick            */
	struct task *rq_next;     /* run queue link                      */

	/* machine state */
	uint64_t ksp;             /* saved kernel stack pointer          */
	void *kstack;             /* base of the kernel stack            */
	uint64_t fs_base;
	/* A user task's x87/SSE registers while another runs (the kernel
	 * itself uses none: -mno-sse), saved and restored at each switch. */
	uint8_t fpu[512] __attribute__((aligned(16)));
	struct aspace *as;
	uint64_t entry, ustack;   /* first user rip and rsp              */
	uint64_t start_arg[TASK_START_REGS]; /* rdi rsi rdx rcx r8 r9 r10 at the first entry */

	/* blocking */
	struct task *wait_next;   /* futex bucket link                   */
	uint64_t wait_key;        /* futex: user address; 0 otherwise    */
	struct task *sleep_next;  /* the CPU's sleeper list, by wake_at  */
	uint64_t wake_at;         /* nanosleep / futex timeout deadline  */

	/* Linux thread bookkeeping (set_tid_address, set_robust_list, signals) */
	uint64_t clear_child_tid; /* user address zeroed and woken at exit */
	uint64_t robust_list;
	uint64_t sigmask;         /* rt_sigprocmask's                    */
	uint64_t sigpending;      /* sent while blocked (linux_thread.c) */

	/* exit */
	struct lwk_task_status status;
	struct task *all_next;    /* the global task list                */

	/* The trap hook's context for this task's system calls, prepared at
	 * creation (kernel/nimble/hooksite.c fills what changes per call). */
	struct nx_ctx_trap nx_trap_ctx;
	struct nx_env nx_trap_env;
};

struct spinlock;

/* The task running on this CPU. */
struct task *task_current(void);
/* A user task from a seed-002 start state; flags TASK_F_PRIVILEGED for the PCT. */
int task_create_user(const struct lwk_start_state *st, uint32_t parent, uint32_t flags,
		     struct task **out);
/* What a Linux clone child starts with besides task_create_user's state:
 * r8, r9 and r10 (musl's clone keeps the function in r9), its TLS base,
 * its clear-tid address and signal mask, all set before it can run, and
 * up to two user addresses (CLONE_PARENT_SETTID, CLONE_CHILD_SETTID) of
 * the caller's aspace that get its tid first, as on Linux. */
struct task_clone {
	uint64_t r8_r9_r10[3];
	uint64_t fs_base, clear_child_tid, sigmask;
	uint64_t set_tid[2];
};
int task_create_clone(const struct lwk_start_state *st, uint32_t parent, uint32_t flags,
		      const struct task_clone *cl, struct task **out);
/* A kernel thread running fn(arg) on cpu; it ends by returning. */
struct task *kthread_create(const char *name, void (*fn)(void *), void *arg, unsigned cpu);
struct task *task_lookup(uint32_t tid);   /* NULL if gone; no reference taken */

void schedule(void);                      /* give up the CPU (state decides requeue) */
void task_yield(void);
/* Block: caller set state TASK_BLOCKED under the lock guarding the wait
 * condition and released it; returns when woken. */
void task_wake(struct task *t);           /* BLOCKED -> RUNNABLE on its CPU */
int task_switch_cpus(unsigned cpu);       /* migrate the calling task */
int task_sleep_ns(uint64_t ns);
void task_sleep_until(struct task *t, uint64_t ns);  /* arm a wake-up in ns */
void task_sleep_cancel(struct task *t);              /* disarm it if pending */
/*
 * Kernel timers: fn(k) runs in the timer interrupt of CPU k->cpu (with
 * interrupts off, no lock held) once time_now_ns() >= k->at.  A timer is
 * on at most one list; arming an armed timer moves it.  Arming another
 * CPU's timer ahead of its deadline kicks that CPU to re-arm its APIC.
 */
struct ktimer {
	uint64_t at;
	void (*fn)(struct ktimer *k);
	struct ktimer *next;
	uint32_t cpu;
	int armed;
};
void ktimer_arm(struct ktimer *k, unsigned cpu, uint64_t at_ns);
void ktimer_cancel(struct ktimer *k);
void task_exit(int code) __attribute__((noreturn));
/* exit_group: end every other task of the caller's aspace with code (each
 * ends at its next return towards user mode), then the caller. */
void task_exit_group(int code) __attribute__((noreturn));
/* On the way back to user mode: end the task if exit_group asked for it. */
void task_check_killed(void);
void task_fault_exit(int vector, uint64_t rip, uint64_t addr) __attribute__((noreturn));
/* Wait for a child of the caller to end: its status, freeing it. */
int task_wait_child(struct lwk_task_status *out);
/* Wait for the task tid (a kthread of the caller) to end, and free it. */
int task_join(uint32_t tid, struct lwk_task_status *out);

/* Per-CPU start: make the boot context this CPU's idle task, then idle. */
void task_init_cpu(unsigned cpu);
void task_idle_loop(void) __attribute__((noreturn));

uint64_t task_kstack_top(const struct task *t);
int task_live_count(void);                /* tasks not yet reaped */
int task_count_in(uint32_t aspace_id);    /* tasks still holding that aspace */

/* The scheduler's machine side (kernel/task/timer.c). */
struct cpu;
void sched_timer_irq(void);               /* the LAPIC timer vector */
void sched_kick_irq(void);                /* the reschedule IPI */
/* Arm c's one-shot timer for the earliest of its quantum's end, its first
 * sleeper and its first kernel timer (none: disarm).  c->lock held. */
void sched_timer_rearm(struct cpu *c, uint64_t now);
/* On c itself, a task was queued: if the running task has no timer (it
 * was alone), give it a quantum now. */
void sched_kick_local(struct cpu *c);

/* Futexes: key is (aspace, user address).  timeout_ns 0 = none;
 * ETIMEDOUT, EAGAIN, EFAULT, EINTR (exit_group). */
int futex_wait(uint64_t uaddr, uint32_t val, uint64_t timeout_ns);
int futex_wake(uint64_t uaddr, uint32_t n);

#endif /* LWK_TASK_H */

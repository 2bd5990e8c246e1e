/*
 * Interrupts and exceptions.  Every one of the 256 vectors enters through
 * an entry point in vectors.S that saves the registers into a struct trapframe
 * on the current stack and calls trap_dispatch().  A subsystem takes a
 * vector with trap_register(); a vector nobody took is fatal: an
 * exception prints its name, error code and a register dump and panics,
 * and so does an unexpected interrupt.  The entry points swapgs when the trap
 * came from user mode (CPL 3) and again on the way back.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <stdint.h>
#include <lwk/compiler.h>

/* Pushed by vectors.S: the order is the reverse of the pushes. */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;      /* error is 0 for vectors without one */
	uint64_t rip, cs, rflags, rsp, ss;   /* the CPU's interrupt frame */
};

#define T_DE  0   /* divide error          */
#define T_DB  1
#define T_NMI 2
#define T_BP  3
#define T_OF  4
#define T_BR  5
#define T_UD  6   /* invalid opcode        */
#define T_NM  7
#define T_DF  8   /* double fault          */
#define T_TS  10
#define T_NP  11
#define T_SS  12
#define T_GP  13  /* general protection    */
#define T_PF  14  /* page fault            */
#define T_MF  16
#define T_AC  17
#define T_MC  18
#define T_XM  19
#define T_NVECTORS 256

typedef void (*trap_handler_t)(struct trapframe *tf);

void trap_init(void);          /* build and load the IDT on this CPU     */
void trap_load_idt(void);      /* load the (shared) IDT on another CPU    */
/* Take a vector; returns the previous handler (NULL if none). */
trap_handler_t trap_register(unsigned vector, trap_handler_t h);
/* Deliver vector on stack ist (1..7) of the TSS of the CPU it arrives at. */
void trap_set_ist(unsigned vector, unsigned ist);
void trap_dispatch(struct trapframe *tf);
/* Dump tf with a reason and panic: for handlers that give up. */
void trap_fatal(const struct trapframe *tf, const char *reason) __noreturn;
void trap_dump(const struct trapframe *tf);
const char *trap_name(unsigned vector);
/* Print a frame-pointer backtrace starting at rbp. */
void backtrace_print(uint64_t rbp);

#endif /* ARCH_TRAP_H */

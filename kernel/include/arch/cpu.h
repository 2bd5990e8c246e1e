/* Control registers, MSRs, halting and powering the node off. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdint.h>
#include <lwk/compiler.h>

#define MSR_EFER     0xc0000080u
#define MSR_FS_BASE  0xc0000100u
#define MSR_GS_BASE  0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u

#define RFLAGS_IF    0x200ul

/*
 * How the node ends.  isa-debug-exit (port 0xf4) makes QEMU exit with
 * status (v << 1) | 1, so these become 33, 35 and 37; tools/node.sh maps
 * them back to pass / fail / panic.  A value of 0 would give status 1,
 * which QEMU also uses for its own errors: never used.
 */
enum node_exit {
	NODE_EXIT_PASS  = 0x10,
	NODE_EXIT_FAIL  = 0x11,
	NODE_EXIT_PANIC = 0x12,
};
#define DEBUG_EXIT_PORT 0xf4

void arch_poweroff(enum node_exit how) __noreturn;
void arch_halt_forever(void) __noreturn;   /* interrupts off, hlt loop */

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
#define CR0_WP (1ul << 16)   /* supervisor writes honour read-only pages */
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
/* Debug registers: breakpoint 0's address, the status, the control. */
static inline void write_dr0(uint64_t v) { __asm__ volatile("mov %0, %%dr0" : : "r"(v)); }
static inline uint64_t read_dr6(void) { uint64_t v; __asm__ volatile("mov %%dr6, %0" : "=r"(v)); return v; }
static inline void write_dr6(uint64_t v) { __asm__ volatile("mov %0, %%dr6" : : "r"(v)); }
static inline void write_dr7(uint64_t v) { __asm__ volatile("mov %0, %%dr7" : : "r"(v)); }

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t read_rflags(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

static inline void irq_enable(void)  { __asm__ volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void cpu_pause(void)   { __asm__ volatile("pause"); }
/* x87 and SSE state to and from a 512-byte, 16-byte aligned area. */
static inline void fxsave(void *area)  { __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory"); }
static inline void fxrstor(const void *area) { __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory"); }

#endif /* ARCH_CPU_H */

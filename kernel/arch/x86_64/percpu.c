/*
 * Per-CPU descriptors: each CPU gets its own GDT (so its own TSS, whose
 * rsp0 is the running task's kernel stack) and the MSRs for
 * syscall/sysret.  GDT layout is fixed by SYSRET, which loads
 * SS = STAR[63:48] + 8 and CS = STAR[63:48] + 16:
 *   0x08 kernel code, 0x10 kernel data, 0x18 user data, 0x20 user code,
 *   0x28 the TSS (two slots).
 */
#include <stddef.h>
#include <lwk/smp.h>
#include <lwk/string.h>
#include <arch/cpu.h>

struct cpu cpus[MAX_CPUS];
unsigned ncpus = 1;

_Static_assert(offsetof(struct cpu, self) == CPU_SELF, "CPU_SELF");
_Static_assert(offsetof(struct cpu, kernel_rsp) == CPU_KERNEL_RSP, "CPU_KERNEL_RSP");
_Static_assert(offsetof(struct cpu, user_rsp) == CPU_USER_RSP, "CPU_USER_RSP");
_Static_assert(offsetof(struct cpu, current) == CPU_CURRENT, "CPU_CURRENT");

#define MSR_STAR  0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u
#define EFER_SCE  (1ull << 0)
#define EFER_NXE  (1ull << 11)

extern char syscall_entry[];

/* Long-mode descriptors: present, DPL, type (code: execute/read, L=1;
 * data: read/write); base and limit are ignored. */
#define SEG_KCODE 0x00209a0000000000ull
#define SEG_KDATA 0x0000920000000000ull
#define SEG_UDATA 0x0000f20000000000ull
#define SEG_UCODE 0x0020fa0000000000ull

static void gdt_build(struct cpu *c)
{
	uint64_t base = (uint64_t)&c->tss, limit = sizeof c->tss - 1;
	c->gdt[0] = 0;
	c->gdt[1] = SEG_KCODE;
	c->gdt[2] = SEG_KDATA;
	c->gdt[3] = SEG_UDATA;
	c->gdt[4] = SEG_UCODE;
	c->gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		    ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
	c->gdt[6] = base >> 32;
	c->tss.iomap_base = sizeof c->tss;  /* no I/O bitmap: user port I/O faults */
}

static void gdt_load(struct cpu *c)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) d =
		{ sizeof c->gdt - 1, (uint64_t)c->gdt };
	__asm__ volatile(
		"lgdt %0\n\t"
		"movw %w1, %%ds\n\tmovw %w1, %%es\n\tmovw %w1, %%ss\n\t"
		"xorl %%eax, %%eax\n\tmovw %%ax, %%fs\n\tmovw %%ax, %%gs\n\t"
		"pushq %2\n\tleaq 1f(%%rip), %%rax\n\tpushq %%rax\n\tlretq\n1:\n\t"
		"ltr %w3"
		: : "m"(d), "r"(GDT_KDATA), "i"(GDT_KCODE), "r"(GDT_TSS) : "rax", "memory");
}

void percpu_init(struct cpu *c, uint32_t id)
{
	c->self = c;
	c->id = id;
	gdt_build(c);
	gdt_load(c);
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
	wrmsr(MSR_STAR, ((uint64_t)(GDT_UDATA - 8) << 48) | ((uint64_t)GDT_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/* Clear IF, DF, TF and AC on entry: the kernel runs with interrupts off. */
	wrmsr(MSR_FMASK, 0x200 | 0x400 | 0x100 | 0x40000);
}

void percpu_set_kernel_stack(struct cpu *c, uint64_t top)
{
	c->kernel_rsp = top;
	c->tss.rsp[0] = top;
}

/*
 * Trap entry and exit: a handler sees the right vector and frame, the
 * interrupted code resumes with its registers intact, and exceptions
 * (#UD, #PF on the unmapped null page, #DE) reach registered handlers
 * with the CPU's error information.
 */
#include <stdint.h>
#include <arch/cpu.h>
#include <arch/trap.h>
#include <lwk/ktest.h>

static struct trapframe seen;
static uint64_t seen_cr2, resume_at;
static int hits;

static void record(struct trapframe *tf)
{
	seen = *tf;
	hits++;
}

static void record_and_resume(struct trapframe *tf)
{
	record(tf);
	if (tf->vector == T_PF)
		seen_cr2 = read_cr2();
	tf->rip = resume_at;
}

KTEST(trap, int_vector_and_registers)
{
	trap_handler_t old = trap_register(0x80, record);
	uint64_t rbx = 0x1111222233334444ull, r12 = 0x5555666677778888ull;

	hits = 0;
	__asm__ volatile("int $0x80" : "+b"(rbx), "+r"(r12) : : "memory");
	trap_register(0x80, old);
	KT_EQ(hits, 1);
	KT_EQ(seen.vector, 0x80);
	KT_EQ(seen.error, 0);
	KT_EQ(seen.cs, 0x08);
	KT_EQ(seen.rbx, 0x1111222233334444ull);
	KT_EQ(rbx, 0x1111222233334444ull);
	KT_EQ(r12, 0x5555666677778888ull);
}

KTEST(trap, every_vector_reaches_its_handler)
{
	trap_handler_t old[3];
	static const unsigned vecs[3] = { 32, 0xa5, 255 };

	for (int i = 0; i < 3; i++)
		old[i] = trap_register(vecs[i], record);
	hits = 0;
	__asm__ volatile("int $32" ::: "memory");
	KT_EQ(seen.vector, 32);
	__asm__ volatile("int $0xa5" ::: "memory");
	KT_EQ(seen.vector, 0xa5);
	__asm__ volatile("int $255" ::: "memory");
	KT_EQ(seen.vector, 255);
	KT_EQ(hits, 3);
	for (int i = 0; i < 3; i++)
		trap_register(vecs[i], old[i]);
}

KTEST(trap, invalid_opcode)
{
	trap_handler_t old = trap_register(T_UD, record_and_resume);

	hits = 0;
	__asm__ volatile("leaq 1f(%%rip), %%rax; movq %%rax, %0; ud2; 1:"
			 : "=m"(resume_at) : : "rax", "memory");
	trap_register(T_UD, old);
	KT_EQ(hits, 1);
	KT_EQ(seen.vector, T_UD);
}

KTEST(trap, null_page_faults)
{
	trap_handler_t old = trap_register(T_PF, record_and_resume);
	uint64_t addr = 0x10;

	hits = 0;
	__asm__ volatile("leaq 1f(%%rip), %%rax; movq %%rax, %0; movq (%1), %%rax; 1:"
			 : "=m"(resume_at) : "r"(addr) : "rax", "memory");
	trap_register(T_PF, old);
	KT_EQ(hits, 1);
	KT_EQ(seen.vector, T_PF);
	KT_EQ(seen_cr2, 0x10);
	KT_EQ(seen.error & 7, 0);          /* not present, read, kernel mode */
}

KTEST(trap, divide_error)
{
	trap_handler_t old = trap_register(T_DE, record_and_resume);
	uint64_t zero = 0;

	hits = 0;
	__asm__ volatile("leaq 1f(%%rip), %%rax; movq %%rax, %0; xorl %%edx, %%edx; movl $1, %%eax;"
			 "divq %1; 1:"
			 : "=m"(resume_at) : "r"(zero) : "rax", "rdx", "memory");
	trap_register(T_DE, old);
	KT_EQ(hits, 1);
	KT_EQ(seen.vector, T_DE);
}

KTEST(trap, interrupts_off_in_handlers)
{
	trap_handler_t old = trap_register(0x81, record);

	__asm__ volatile("int $0x81" ::: "memory");
	trap_register(0x81, old);
	/* The frame holds the interrupted rflags; the gate cleared IF for the handler. */
	KT_EXPECT((read_rflags() & RFLAGS_IF) == 0);
	KT_EQ(seen.ss & 3, 0);
}

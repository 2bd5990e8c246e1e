/*
 * The IDT and trap dispatch (arch/trap.h).  One IDT serves every CPU; all
 * 256 gates are interrupt gates (IF cleared on entry) at DPL 0: user code
 * enters through SYSCALL, never INT -- except int3 and into (#BP, #OF),
 * which are DPL 3 so that a debugger's breakpoint in ring 3 arrives as
 * what it is, as on Linux, instead of as #GP.  handlers[] is written only during
 * init, before the vector can fire, so dispatch reads it without a lock.
 */
#include <stddef.h>
#include <stdint.h>
#include <arch/cpu.h>
#include <arch/page.h>
#include <arch/trap.h>
#include <lwk/panic.h>
#include <lwk/printk.h>
#include <lwk/smp.h>

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, attr;            /* attr 0x8e: present, DPL 0, interrupt gate */
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __packed;

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

extern char trap_entries[];         /* vectors.S: 16 bytes per vector */
static struct idt_gate idt[T_NVECTORS] __aligned(16);
static trap_handler_t handlers[T_NVECTORS];

static void gate_set(unsigned v, uint64_t addr, unsigned ist)
{
	idt[v].off_lo = (uint16_t)addr;
	idt[v].sel = 0x08;
	idt[v].ist = (uint8_t)ist;
	idt[v].attr = 0x8e;
	idt[v].off_mid = (uint16_t)(addr >> 16);
	idt[v].off_hi = (uint32_t)(addr >> 32);
	idt[v].zero = 0;
}

void trap_load_idt(void)
{
	struct idt_ptr p = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}

void trap_init(void)
{
	unsigned v;

	for (v = 0; v < T_NVECTORS; v++)
		gate_set(v, (uint64_t)(trap_entries + 16 * v), 0);
	idt[T_BP].attr = idt[T_OF].attr = 0xee;   /* present, DPL 3, interrupt gate */
	trap_load_idt();
}

trap_handler_t trap_register(unsigned vector, trap_handler_t h)
{
	trap_handler_t old;

	BUG_ON(vector >= T_NVECTORS);
	old = handlers[vector];
	handlers[vector] = h;
	return old;
}

void trap_set_ist(unsigned vector, unsigned ist)
{
	BUG_ON(vector >= T_NVECTORS || ist > 7);
	idt[vector].ist = (uint8_t)ist;
}

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization",
	"#CP control protection", "reserved 22", "reserved 23", "reserved 24",
	"reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

const char *trap_name(unsigned vector)
{
	return vector < 32 ? exc_names[vector] : "interrupt";
}

void trap_dispatch(struct trapframe *tf)
{
	trap_handler_t h = tf->vector < T_NVECTORS ? handlers[tf->vector] : NULL;

	if (tf->vector >= 32)   /* read by other CPUs (relaxed), written here only */
		__atomic_store_n(&this_cpu()->irqs_taken, this_cpu()->irqs_taken + 1, __ATOMIC_RELAXED);

	if (h) {
		h(tf);
		return;
	}
	trap_fatal(tf, tf->vector < 32 ? "unexpected exception" : "unexpected interrupt");
}

void trap_dump(const struct trapframe *tf)
{
	printk("  vector %llu (%s), error code %#llx%s\n",
	       (unsigned long long)tf->vector, trap_name((unsigned)tf->vector),
	       (unsigned long long)tf->error, (tf->cs & 3) ? ", from user mode" : "");
	if (tf->vector == T_PF)
		printk("  page fault address (cr2) 0x%016llx: %s %s, %s\n",
		       (unsigned long long)read_cr2(),
		       (tf->error & 1) ? "protection violation" : "not present",
		       (tf->error & 16) ? "on fetch" : (tf->error & 2) ? "on write" : "on read",
		       (tf->error & 4) ? "user" : "kernel");
	printk("  rip 0x%016llx  cs %#llx  rflags %#llx\n", (unsigned long long)tf->rip,
	       (unsigned long long)tf->cs, (unsigned long long)tf->rflags);
	printk("  rsp 0x%016llx  ss %#llx\n", (unsigned long long)tf->rsp,
	       (unsigned long long)tf->ss);
	printk("  rax 0x%016llx  rbx 0x%016llx  rcx 0x%016llx\n", (unsigned long long)tf->rax,
	       (unsigned long long)tf->rbx, (unsigned long long)tf->rcx);
	printk("  rdx 0x%016llx  rsi 0x%016llx  rdi 0x%016llx\n", (unsigned long long)tf->rdx,
	       (unsigned long long)tf->rsi, (unsigned long long)tf->rdi);
	printk("  rbp 0x%016llx  r8  0x%016llx  r9  0x%016llx\n", (unsigned long long)tf->rbp,
	       (unsigned long long)tf->r8, (unsigned long long)tf->r9);
	printk("  r10 0x%016llx  r11 0x%016llx  r12 0x%016llx\n", (unsigned long long)tf->r10,
	       (unsigned long long)tf->r11, (unsigned long long)tf->r12);
	printk("  r13 0x%016llx  r14 0x%016llx  r15 0x%016llx\n", (unsigned long long)tf->r13,
	       (unsigned long long)tf->r14, (unsigned long long)tf->r15);
	printk("  cr0 0x%016llx  cr3 0x%016llx  cr4 0x%016llx\n", (unsigned long long)read_cr0(),
	       (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

void trap_fatal(const struct trapframe *tf, const char *reason)
{
	console_bust();
	printk("\nFATAL TRAP: %s: %s at rip %#llx\n", reason, trap_name((unsigned)tf->vector),
	       (unsigned long long)tf->rip);
	trap_dump(tf);
	if ((tf->cs & 3) == 0)
		backtrace_print(tf->rbp);
	panic("%s %llu (%s)", reason, (unsigned long long)tf->vector,
	      trap_name((unsigned)tf->vector));
}

/*
 * Walk saved frame pointers (the kernel is built with them).  Stop at a
 * misaligned frame, one outside the mapped kernel halves, or after 16
 * frames, so a corrupt stack cannot make the dump itself fault.
 */
void backtrace_print(uint64_t rbp)
{
	int depth;

	printk("  backtrace:");
	for (depth = 0; depth < 16; depth++) {
		if ((rbp & 7) || !(rbp >= KERNEL_VBASE + 0x100000 ||
				   (rbp >= DIRECT_BASE && rbp < DIRECT_BASE + DIRECT_SIZE - 16)))
			break;
		uint64_t *frame = (uint64_t *)rbp;
		printk(" %#llx", (unsigned long long)frame[1]);
		rbp = frame[0];
	}
	printk("\n");
}

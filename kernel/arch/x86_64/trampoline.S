/*
 * Application-processor start (SDM vol. 3, 8.4 and 9.9): a STARTUP IPI
 * enters here in real mode at TRAMP_PA.  smp.c copies this blob there and
 * fills the four slots at its end; all addresses are computed relative to
 * TRAMP_PA because the code runs at a different address than it was
 * linked at.  Every AP takes a distinct index with one locked xadd and
 * the stack whose top is at that index, so all of them may run the blob
 * at once (the STARTUP IPI is broadcast).
 */
#define TRAMP_PA 0x8000
#define REL(x) ((x) - trampoline_start + TRAMP_PA)

	.data                           /* smp.c writes the slots before copying */
	.globl trampoline_start, trampoline_end
	.globl tramp_cr3, tramp_entry, tramp_count, tramp_stacks
	.code16
trampoline_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl REL(tramp_gdtr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $REL(tramp32)

	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $0x620, %eax                /* PAE, OSFXSR, OSXMMEXCPT: as boot.S, user code may use SSE */
	movl %eax, %cr4
	movl REL(tramp_cr3), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx          /* EFER: LME and NXE */
	rdmsr
	orl $0x900, %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80000000, %eax           /* PG */
	movl %eax, %cr0
	ljmpl $0x18, $REL(tramp64)

	.code64
tramp64:
	movl $1, %eax
	lock xaddl %eax, REL(tramp_count)
	movq REL(tramp_stacks)(, %rax, 8), %rsp
	leal 1(%rax), %edi              /* cpu index: the BSP is 0 */
	movq REL(tramp_entry), %rax
	jmpq *%rax

	.align 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff        /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: 32-bit data */
	.quad 0x00209a0000000000        /* 0x18: 64-bit code */
tramp_gdtr:
	.word 31
	.long REL(tramp_gdt)
	.align 8
tramp_cr3:    .quad 0               /* below 4 GiB: loaded in 32-bit mode */
tramp_entry:  .quad 0               /* void smp_ap_entry(unsigned cpu)    */
tramp_count:  .quad 0
tramp_stacks: .fill 16, 8, 0        /* MAX_CPUS stack tops, by index - 1  */
trampoline_end:

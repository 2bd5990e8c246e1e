/*
 * Boot: GRUB (multiboot2) enters _start in 32-bit protected mode with
 * paging off, eax = magic, ebx = physical address of the boot info.
 * We check for long mode, build the boot page tables, enable PAE, long
 * mode and paging, and jump to the higher half, where kmain(magic, info)
 * runs on the boot stack.  Boot page tables (docs/boot.md):
 *   PML4[0]   -> pdpt_low   identity map of [0, 4 GiB), for this file
 *                           only; kmain removes it once it is running high
 *   PML4[256] -> pdpt_low   the direct map at 0xffff800000000000
 *   PML4[511] -> pdpt_high  [510] -> the first GiB at 0xffffffff80000000
 * pdpt_low points at four page directories of 2 MiB pages.
 * This code runs at its physical address (section .boot.*); everything
 * else is linked high, so its addresses here are taken minus KERNEL_VBASE.
 */
#define KERNEL_VBASE 0xffffffff80000000
#define PHYS(x) ((x) - KERNEL_VBASE)
#define MB2_MAGIC 0xe85250d6
#define MB2_LOADER_MAGIC 0x36d76289
#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4
#define NODE_EXIT_PANIC 0x12

	.section .multiboot, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long 0                            /* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_MAGIC + (mb2_header_end - mb2_header))
	.balign 8                          /* entry address tag: start at _start */
	.short 3, 0
	.long 12
	.long _start
	.balign 8                          /* end tag */
	.short 0, 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	mov %eax, %edi                     /* kmain's arguments, zero-extended */
	mov %ebx, %esi

	/* Zero .bss (page tables and stacks live there). */
	mov $PHYS(_bss), %ebx
	mov $PHYS(_ebss), %ecx
	sub %ebx, %ecx
	shr $2, %ecx
	xor %eax, %eax
	push %edi
	mov %ebx, %edi
	rep stosl
	pop %edi
	mov $PHYS(boot_stack_top), %esp

	cmp $MB2_LOADER_MAGIC, %edi
	jne no_multiboot
	mov $0x80000000, %eax              /* CPUID: long mode (and NX)? */
	cpuid
	cmp $0x80000001, %eax
	jb no_long_mode
	mov $0x80000001, %eax
	cpuid
	test $(1 << 29), %edx
	jz no_long_mode
	mov %edx, %ebp                     /* keep: bit 20 = NX */

	/* Page directories: 2048 entries of 2 MiB, present + writable + PS. */
	mov $PHYS(boot_pd), %ebx
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax
	mov %eax, (%ebx, %ecx, 8)
	mov %ecx, %eax
	shr $11, %eax                      /* bits 32+ of i * 2 MiB */
	mov %eax, 4(%ebx, %ecx, 8)
	inc %ecx
	cmp $2048, %ecx
	jne 1b
	/* pdpt_low[0..3] -> the four directories. */
	mov $PHYS(boot_pdpt_low), %ebx
	mov $PHYS(boot_pd) + 3, %eax
	xor %ecx, %ecx
2:	mov %eax, (%ebx, %ecx, 8)
	add $4096, %eax
	inc %ecx
	cmp $4, %ecx
	jne 2b
	mov $PHYS(boot_pdpt_high), %ebx
	movl $PHYS(boot_pd) + 3, 510 * 8(%ebx)
	mov $PHYS(boot_pml4), %ebx
	movl $PHYS(boot_pdpt_low) + 3, (%ebx)
	movl $PHYS(boot_pdpt_low) + 3, 256 * 8(%ebx)
	movl $PHYS(boot_pdpt_high) + 3, 511 * 8(%ebx)

	/* CR4: PAE, OSFXSR, OSXMMEXCPT (user code may use SSE). */
	mov %cr4, %eax
	or $((1 << 5) | (1 << 9) | (1 << 10)), %eax
	mov %eax, %cr4
	mov $PHYS(boot_pml4), %eax
	mov %eax, %cr3
	/* EFER: long mode enable, and no-execute enable if the CPU has NX. */
	mov $0xc0000080, %ecx
	rdmsr
	or $(1 << 8), %eax
	test $(1 << 20), %ebp
	jz 3f
	or $(1 << 11), %eax
3:	wrmsr
	/* CR0: paging, write protect, monitor coprocessor; no emulation. */
	mov %cr0, %eax
	or $((1 << 31) | (1 << 16) | (1 << 1) | 1), %eax
	and $~(1 << 2), %eax
	mov %eax, %cr0
	lgdt gdtr32
	ljmp $0x08, $long_low

/* Print the string at esi on COM1, then end QEMU with the panic status. */
boot_fail:
	mov $COM1, %dx
4:	lodsb
	test %al, %al
	jz 5f
	out %al, %dx
	jmp 4b
5:	mov $DEBUG_EXIT_PORT, %dx
	mov $NODE_EXIT_PANIC, %eax
	out %eax, %dx
6:	hlt
	jmp 6b
no_multiboot:
	mov $msg_no_mb2, %esi
	jmp boot_fail
no_long_mode:
	mov $msg_no_lm, %esi
	jmp boot_fail

	.code64
long_low:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs
	movabs $long_high, %rax
	jmp *%rax

	.section .boot.data, "a"
	.balign 8
gdtr32:
	.short boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)
msg_no_mb2:
	.asciz "boot: PANIC: not started by a multiboot2 loader\n"
msg_no_lm:
	.asciz "boot: PANIC: this CPU has no long mode (x86-64)\n"

	.text
long_high:
	movabs $boot_stack_top, %rsp
	lgdt gdtr64                        /* GDT by its high address from now on */
	xor %ebp, %ebp                     /* end of the backtrace chain */
	call kmain
7:	cli
	hlt
	jmp 7b

	.data
	.balign 16
/*
 * The GDT: kernel code/data, then user data/code in the order SYSRET
 * expects (STAR base 0x10: SS = 0x18|3, CS = 0x20|3), then two free
 * slots for a TSS descriptor (the task code installs it).
 */
	.globl boot_gdt
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff           /* 0x08 kernel code, 64-bit */
	.quad 0x00cf92000000ffff           /* 0x10 kernel data         */
	.quad 0x00cff2000000ffff           /* 0x18 user data (DPL 3)   */
	.quad 0x00affa000000ffff           /* 0x20 user code, 64-bit   */
	.quad 0, 0                         /* 0x28 TSS (16 bytes)      */
	.quad 0
boot_gdt_end:
	.balign 16
	.globl gdtr64
gdtr64:
	.short boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.bss
	.balign 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4 * 4096
	.globl boot_stack, boot_stack_top
boot_stack:	.skip 16384
boot_stack_top:

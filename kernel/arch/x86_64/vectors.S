/*
 * Entry points for all 256 vectors.  Each pushes a zero error code when
 * the CPU does not push one (so every frame has the same shape), then
 * its vector number, and jumps to trap_common, which saves the general
 * registers into a struct trapframe (arch/trap.h) and calls
 * trap_dispatch(tf).  The CPU pushes an error code for vectors 8, 10-14, 17, 21, 29, 30.
 */
	.text
	.balign 16
	.globl trap_common
trap_common:
	testb $3, 24(%rsp)                 /* CS of the interrupted code */
	jz 1f
	swapgs
1:	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	mov %rsp, %rdi
	call trap_dispatch
	.globl trap_return
trap_return:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	testb $3, 24(%rsp)
	jz 2f
	swapgs
2:	add $16, %rsp                      /* vector and error code */
	iretq

/*
 * The entry points: exactly 16 bytes each, so vector n's is trap_entries +
 * 16 * n (trap.c relies on this).  They are spelled as bytes so that no
 * assembler can pick a shorter encoding and shift the ones after:
 * push imm8 (6a ib) or push imm32 (68 id), jmp rel32 (e9 cd), int3 fill.
 */
	.balign 16
	.globl trap_entries
trap_entries:
	.set vec, 0
	.rept 256
	.set len, 5
	.if !(vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30)
	.byte 0x6a, 0                      /* pushq $0: no error code */
	.set len, len + 2
	.endif
	.if vec < 128
	.byte 0x6a, vec                    /* pushq $vec */
	.set len, len + 2
	.else
	.byte 0x68
	.long vec
	.set len, len + 5
	.endif
	.byte 0xe9                         /* jmp trap_common */
	.long trap_common - (. + 4)
	.fill 16 - len, 1, 0xcc
	.set vec, vec + 1
	.endr

/*
 * syscall/sysret entry (Linux x86-64 convention: number in rax, arguments
 * in rdi rsi rdx r10 r8 r9, result in rax; every other register but rcx
 * and r11 is preserved).  FMASK cleared IF: the whole syscall runs with
 * interrupts off; a task that blocks switches stacks inside the kernel.
 *
 * The frame below the kernel stack's top is struct syscall_frame
 * (lwk/syscall.h): nr, r9, r8, r10, rdx, rsi, rdi, rflags, rip, rsp.
 * The fast path calls syscall_table[nr] directly with the arguments still
 * in place (r10 moved to rcx); when a trap-hook filter is attached, or the
 * number is out of range, it goes through syscall_slow(frame) in C.  On
 * the way out a task that exit_group ended is not returned to.
 */
#include <lwk/smp.h>
#include <uapi/lwk.h>

#define TASK_KILLED 0   /* offsetof(struct task, killed): asserted in task.c */

	.text
	.globl syscall_entry
	.type syscall_entry, @function
syscall_entry:
	swapgs
	movq %rsp, %gs:CPU_USER_RSP
	movq %gs:CPU_KERNEL_RSP, %rsp
	pushq %gs:CPU_USER_RSP
	pushq %rcx
	pushq %r11
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %r10
	pushq %r8
	pushq %r9
	pushq %rax
	cmpl $0, syscall_filter_on(%rip)
	jne 1f
	cmpq $LWK_SYSCALL_MAX, %rax
	jae 1f
	movq %r10, %rcx
	call *syscall_table(, %rax, 8)
	jmp syscall_return
1:	movq %rsp, %rdi
	call syscall_slow

	.globl syscall_return
syscall_return:
	movq %gs:CPU_CURRENT, %rcx
	cmpl $0, TASK_KILLED(%rcx)      /* exit_group of another task of ours */
	jne 2f
	addq $8, %rsp
	popq %r9
	popq %r8
	popq %r10
	popq %rdx
	popq %rsi
	popq %rdi
	popq %r11
	popq %rcx
	swapgs
	popq %rsp
	sysretq
2:	call task_check_killed          /* does not return */
	ud2
	.size syscall_entry, . - syscall_entry

/*
 * void user_iret(const struct user_start *u): enter ring 3 for the first
 * time at u->rip with u->rsp and the seven start registers in rdi, rsi,
 * rdx, rcx, r8, r9, r10 (task_create_user gives r8-r10 zero, a clone
 * child its parent's); every other register zero.  Interrupts are
 * enabled by the popped rflags.
 */
	.globl user_iret
	.type user_iret, @function
user_iret:
	movq %rdi, %rax
	pushq $GDT_UDATA
	pushq 8(%rax)
	pushq $0x202
	pushq $GDT_UCODE
	pushq 0(%rax)
	movq 16(%rax), %rdi
	movq 24(%rax), %rsi
	movq 32(%rax), %rdx
	movq 40(%rax), %rcx
	movq 48(%rax), %r8
	movq 56(%rax), %r9
	movq 64(%rax), %r10
	xorl %eax, %eax
	xorl %ebx, %ebx
	xorl %ebp, %ebp
	xorl %r11d, %r11d
	xorl %r12d, %r12d
	xorl %r13d, %r13d
	xorl %r14d, %r14d
	xorl %r15d, %r15d
	swapgs
	iretq
	.size user_iret, . - user_iret

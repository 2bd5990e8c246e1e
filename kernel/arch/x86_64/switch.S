/*
 * Context switch between kernel stacks.  Only the callee-saved registers
 * need saving: switch_stacks is an ordinary call as far as the C caller
 * knows.  A new task's stack is built by task.c to look as if it had
 * called switch_stacks from task_start with r12 = body and r13 = argument;
 * a body that returns ends its task.
 */
	.text
/* void switch_stacks(uint64_t *save_ksp, uint64_t next_ksp) */
	.globl switch_stacks
	.type switch_stacks, @function
switch_stacks:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size switch_stacks, . - switch_stacks

	.globl task_start
	.type task_start, @function
task_start:
	call task_first_run
	movq %r13, %rdi
	call *%r12
	xorl %edi, %edi         /* a kernel thread's body returned: exit 0 */
	call task_exit
	ud2
	.size task_start, . - task_start

/*
 * Process entry.  The kernel (or Linux, for host tests) enters at _start
 * with rsp 16-byte aligned pointing at argc.  A task started by
 * task_create with use_args gets its arguments in rdi..rcx instead and
 * enters its own entry point, not this one.
 */
	.text
	.globl _start
_start:
	xor %ebp, %ebp
	mov (%rsp), %rdi        /* argc */
	lea 8(%rsp), %rsi       /* argv */
	and $-16, %rsp
	call main
	mov %eax, %edi
	call exit
	ud2

/*
 * Process entry.  The kernel (or Linux, for host tests) enters at _start
 * with rsp 16-byte aligned pointing at argc.  main gets (argc, argv,
 * arg0), where arg0 is what rdi held at entry: start_state.arg[0] for a
 * program started by elf_spawn (0 under Linux).
 */
	.text
	.globl _start
_start:
	xor %ebp, %ebp
	mov %rdi, %rdx          /* arg0 */
	mov (%rsp), %rdi        /* argc */
	lea 8(%rsp), %rsi       /* argv */
	and $-16, %rsp
	call main
	mov %eax, %edi
	call exit
	ud2

/*
 * start.S: the process entry point of the freestanding test programs. The
 * kernel (qemu-user) starts _start with sp at argc, argv..., envp..., auxv.
 * Nothing here sets gp: the programs are linked with --no-relax, so no code
 * addresses data through it.
 */
	.text
	.globl	_start
	.type	_start, %function
	.p2align 2
_start:
	.cfi_startproc
	.cfi_undefined ra                  /* the first frame: unwinding stops here */
	mv	a0, sp                      /* the initial stack: argc, argv, envp, auxv */
	andi	sp, sp, -16
	call	sy_fs_start                 /* never returns */
	unimp
	.cfi_endproc
	.size	_start, .-_start

	.section .note.GNU-stack, "", %progbits

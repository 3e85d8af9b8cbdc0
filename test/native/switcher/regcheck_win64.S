/*
 * regcheck_win64.S: register-preservation probe around sy_switch for the
 * Microsoft x64 calling convention (see regcheck.h for the citations).
 *
 * void *regcheck_switch(sy_context *from, sy_context *to,
 *                       const struct regcheck_in *in, void *value,
 *                       struct regcheck_out *out);
 *   rcx = from, rdx = to, r8 = in, r9 = value, out on the stack (fifth
 *   argument: 40(%rsp) at entry, above the caller's 32-byte home area)
 *
 * It is itself ABI-conformant: it saves the caller's rbx rbp rdi rsi
 * r12-r15, xmm6-xmm15, MXCSR and x87 control word and restores them before
 * returning, and calls sy_switch with rsp 16-byte aligned and a 32-byte home
 * area. (No unwind codes: no exception ever passes through this helper.)
 *
 * void regcheck_entry_stub(void *value);
 *   entry function for sy_context_make: records the stack pointer and the FP
 *   control registers exactly as the switcher's trampoline delivered them,
 *   spills its four argument registers into its home area (as a compiler
 *   may: the 32 bytes above the return address belong to the callee),
 *   resets the FP control registers to the power-on defaults, and calls
 *   regcheck_entry_c(value) on a re-aligned stack (it never returns).
 */
#include "regcheck.h"

/* frame below the eight pushes (rsp % 16 == 0 after it) */
#define F_HOME 0     /* home area for sy_switch */
#define F_XMM 32     /* caller's xmm6-xmm15 */
#define F_OUT 192
#define F_MXCSR 200
#define F_FPUCW 204
#define F_SIZE 216
#define ARG5 (F_SIZE + 64 + 40) /* out: past the frame, the pushes, the return address and the caller's home area */

	.text
	.globl	regcheck_switch
	.def	regcheck_switch; .scl 2; .type 32; .endef
	.p2align 4
regcheck_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%rdi
	pushq	%rsi
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$F_SIZE, %rsp
	movups	%xmm6, F_XMM+0(%rsp)
	movups	%xmm7, F_XMM+16(%rsp)
	movups	%xmm8, F_XMM+32(%rsp)
	movups	%xmm9, F_XMM+48(%rsp)
	movups	%xmm10, F_XMM+64(%rsp)
	movups	%xmm11, F_XMM+80(%rsp)
	movups	%xmm12, F_XMM+96(%rsp)
	movups	%xmm13, F_XMM+112(%rsp)
	movups	%xmm14, F_XMM+128(%rsp)
	movups	%xmm15, F_XMM+144(%rsp)

	movq	ARG5(%rsp), %rax            /* out */
	movq	%rax, F_OUT(%rsp)
	stmxcsr	F_MXCSR(%rsp)
	fnstcw	F_FPUCW(%rsp)

	/* FP control pattern, then read back what the hardware holds */
	ldmxcsr	RC_IN_FPCTL(%r8)
	fnclex
	fldcw	RC_IN_FPCTL+8(%r8)
	movq	$0, RC_OUT_FPCTL_PRE(%rax)
	stmxcsr	RC_OUT_FPCTL_PRE(%rax)
	movq	$0, RC_OUT_FPCTL_PRE+8(%rax)
	fnstcw	RC_OUT_FPCTL_PRE+8(%rax)
	movq	%rsp, RC_OUT_SP_BEFORE(%rax)

	/* sentinels into every callee-saved GPR and xmm6-xmm15; order = GPR_NAMES / FPR_NAMES */
	movq	RC_IN_GPR+0(%r8), %rbx
	movq	RC_IN_GPR+8(%r8), %rbp
	movq	RC_IN_GPR+16(%r8), %rdi
	movq	RC_IN_GPR+24(%r8), %rsi
	movq	RC_IN_GPR+32(%r8), %r12
	movq	RC_IN_GPR+40(%r8), %r13
	movq	RC_IN_GPR+48(%r8), %r14
	movq	RC_IN_GPR+56(%r8), %r15
	movups	RC_IN_FPR+0(%r8), %xmm6
	movups	RC_IN_FPR+16(%r8), %xmm7
	movups	RC_IN_FPR+32(%r8), %xmm8
	movups	RC_IN_FPR+48(%r8), %xmm9
	movups	RC_IN_FPR+64(%r8), %xmm10
	movups	RC_IN_FPR+80(%r8), %xmm11
	movups	RC_IN_FPR+96(%r8), %xmm12
	movups	RC_IN_FPR+112(%r8), %xmm13
	movups	RC_IN_FPR+128(%r8), %xmm14
	movups	RC_IN_FPR+144(%r8), %xmm15

	movq	%r9, %r8                    /* value: third argument (rcx, rdx are from, to already) */
	call	sy_switch

	/* Record first, into a static landing area (rip-relative): if the
	 * switcher broke %rsp, the stack slot holding `out` is not trusted. */
	leaq	regcheck_landing(%rip), %r11
	movq	%rsp, RC_OUT_SP_AFTER(%r11)
	movq	%rbx, RC_OUT_GPR+0(%r11)
	movq	%rbp, RC_OUT_GPR+8(%r11)
	movq	%rdi, RC_OUT_GPR+16(%r11)
	movq	%rsi, RC_OUT_GPR+24(%r11)
	movq	%r12, RC_OUT_GPR+32(%r11)
	movq	%r13, RC_OUT_GPR+40(%r11)
	movq	%r14, RC_OUT_GPR+48(%r11)
	movq	%r15, RC_OUT_GPR+56(%r11)
	movups	%xmm6, RC_OUT_FPR+0(%r11)
	movups	%xmm7, RC_OUT_FPR+16(%r11)
	movups	%xmm8, RC_OUT_FPR+32(%r11)
	movups	%xmm9, RC_OUT_FPR+48(%r11)
	movups	%xmm10, RC_OUT_FPR+64(%r11)
	movups	%xmm11, RC_OUT_FPR+80(%r11)
	movups	%xmm12, RC_OUT_FPR+96(%r11)
	movups	%xmm13, RC_OUT_FPR+112(%r11)
	movups	%xmm14, RC_OUT_FPR+128(%r11)
	movups	%xmm15, RC_OUT_FPR+144(%r11)
	movq	$0, RC_OUT_FPCTL_POST(%r11)
	stmxcsr	RC_OUT_FPCTL_POST(%r11)
	movq	$0, RC_OUT_FPCTL_POST+8(%r11)
	fnstcw	RC_OUT_FPCTL_POST+8(%r11)
	movq	%rax, RC_OUT_RET(%r11)

	/* copy the landing record into *out (sp_before and fpctl_pre are there already) */
	movq	F_OUT(%rsp), %r8
	movq	$RC_OUT_FPCTL_PRE/8, %rcx         /* gpr and fpr: 8-byte words, copied downwards */
1:	movq	-8(%r11,%rcx,8), %rdx
	movq	%rdx, -8(%r8,%rcx,8)
	loop	1b
	movq	RC_OUT_FPCTL_POST(%r11), %rdx
	movq	%rdx, RC_OUT_FPCTL_POST(%r8)
	movq	RC_OUT_FPCTL_POST+8(%r11), %rdx
	movq	%rdx, RC_OUT_FPCTL_POST+8(%r8)
	movq	RC_OUT_SP_AFTER(%r11), %rdx
	movq	%rdx, RC_OUT_SP_AFTER(%r8)
	movq	%rax, RC_OUT_RET(%r8)

	/* give the caller back its own FP control state and registers */
	ldmxcsr	F_MXCSR(%rsp)
	fnclex
	fldcw	F_FPUCW(%rsp)
	movups	F_XMM+0(%rsp), %xmm6
	movups	F_XMM+16(%rsp), %xmm7
	movups	F_XMM+32(%rsp), %xmm8
	movups	F_XMM+48(%rsp), %xmm9
	movups	F_XMM+64(%rsp), %xmm10
	movups	F_XMM+80(%rsp), %xmm11
	movups	F_XMM+96(%rsp), %xmm12
	movups	F_XMM+112(%rsp), %xmm13
	movups	F_XMM+128(%rsp), %xmm14
	movups	F_XMM+144(%rsp), %xmm15
	addq	$F_SIZE, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rsi
	popq	%rdi
	popq	%rbx
	popq	%rbp
	ret

	.globl	regcheck_entry_stub
	.def	regcheck_entry_stub; .scl 2; .type 32; .endef
	.p2align 4
regcheck_entry_stub:
	movq	%rsp, regcheck_entry_sp(%rip)
	movq	$0, regcheck_entry_fpctl(%rip)
	stmxcsr	regcheck_entry_fpctl(%rip)
	movq	$0, regcheck_entry_fpctl+8(%rip)
	fnstcw	regcheck_entry_fpctl+8(%rip)
	/* the home area is the callee's to write: a trampoline that did not
	 * reserve it lets these stores land above the stack (the ring phase's
	 * canaries and regcheck_entry_c's bounds check see that) */
	movq	%rcx, 8(%rsp)
	movq	%rdx, 16(%rsp)
	movq	%r8, 24(%rsp)
	movq	%r9, 32(%rsp)
	/* power-on defaults: the C code must not run with a test pattern */
	movl	$0x1f80, regcheck_entry_scratch(%rip)
	ldmxcsr	regcheck_entry_scratch(%rip)
	movl	$0x027f, regcheck_entry_scratch(%rip) /* Windows' default x87 CW: 53-bit precision */
	fnclex
	fldcw	regcheck_entry_scratch(%rip)
	/* call C on a re-aligned stack with a home area, so that even a
	 * misaligned entry is reported by regcheck_entry_c (which checks the
	 * recorded value) instead of crashing; entry never returns */
	andq	$-16, %rsp
	subq	$32, %rsp
	call	regcheck_entry_c
	ud2

	.lcomm	regcheck_entry_scratch, 4, 4

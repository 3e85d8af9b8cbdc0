/*
 * regcheck_x86_64.S: register-preservation probe around sy_switch for the
 * System V x86-64 ABI (see regcheck.h for the ABI citations).
 *
 * void *regcheck_switch(sy_context *from, sy_context *to,
 *                       const struct regcheck_in *in, void *value,
 *                       struct regcheck_out *out);
 *   rdi = from, rsi = to, rdx = in, rcx = value, r8 = out
 *
 * It is itself ABI-conformant: it saves the caller's rbx rbp r12-r15, MXCSR
 * and x87 control word and restores them before returning.
 *
 * void regcheck_entry_stub(void *value);
 *   entry function for sy_context_make: records the stack pointer and the FP
 *   control registers exactly as the switcher's trampoline delivered them,
 *   resets the FP control registers to the power-on defaults, and calls
 *   regcheck_entry_c(value) on a re-aligned stack (it never returns).
 */
#include "regcheck.h"

#if defined(__CET__) && (__CET__ & 1)
#define ENDBR endbr64
#else
#define ENDBR
#endif

/* frame below the six pushes: 0 = out, 8 = caller MXCSR, 16 = caller x87 CW */
#define F_OUT 0
#define F_MXCSR 8
#define F_FPUCW 16
#define F_SIZE 24

	.text
	.globl	regcheck_switch
	.type	regcheck_switch, @function
	.p2align 4
regcheck_switch:
	.cfi_startproc
	ENDBR
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	pushq	%rbx
	.cfi_def_cfa_offset 24
	.cfi_offset %rbx, -24
	pushq	%r12
	.cfi_def_cfa_offset 32
	.cfi_offset %r12, -32
	pushq	%r13
	.cfi_def_cfa_offset 40
	.cfi_offset %r13, -40
	pushq	%r14
	.cfi_def_cfa_offset 48
	.cfi_offset %r14, -48
	pushq	%r15
	.cfi_def_cfa_offset 56
	.cfi_offset %r15, -56
	subq	$F_SIZE, %rsp               /* rsp % 16 == 0 now: ready to call */
	.cfi_def_cfa_offset 80

	movq	%r8, F_OUT(%rsp)
	stmxcsr	F_MXCSR(%rsp)
	fnstcw	F_FPUCW(%rsp)

	/* FP control pattern, then read back what the hardware holds */
	ldmxcsr	RC_IN_FPCTL(%rdx)
	fnclex
	fldcw	RC_IN_FPCTL+8(%rdx)
	movq	$0, RC_OUT_FPCTL_PRE(%r8)
	stmxcsr	RC_OUT_FPCTL_PRE(%r8)
	movq	$0, RC_OUT_FPCTL_PRE+8(%r8)
	fnstcw	RC_OUT_FPCTL_PRE+8(%r8)
	movq	%rsp, RC_OUT_SP_BEFORE(%r8)

	/* sentinels into every callee-saved GPR; order = RC_GPR_NAMES */
	movq	RC_IN_GPR+0(%rdx), %rbx
	movq	RC_IN_GPR+8(%rdx), %rbp
	movq	RC_IN_GPR+16(%rdx), %r12
	movq	RC_IN_GPR+24(%rdx), %r13
	movq	RC_IN_GPR+32(%rdx), %r14
	movq	RC_IN_GPR+40(%rdx), %r15

	movq	%rcx, %rdx                  /* value: third argument */
	call	sy_switch@PLT

	/* Record first, into a static landing area (rip-relative): if the
	 * switcher broke %rsp, the stack slot holding `out` is not trusted. */
	leaq	regcheck_landing(%rip), %r11
	movq	%rsp, RC_OUT_SP_AFTER(%r11)
	movq	%rbx, RC_OUT_GPR+0(%r11)
	movq	%rbp, RC_OUT_GPR+8(%r11)
	movq	%r12, RC_OUT_GPR+16(%r11)
	movq	%r13, RC_OUT_GPR+24(%r11)
	movq	%r14, RC_OUT_GPR+32(%r11)
	movq	%r15, RC_OUT_GPR+40(%r11)
	movq	$0, RC_OUT_FPCTL_POST(%r11)
	stmxcsr	RC_OUT_FPCTL_POST(%r11)
	movq	$0, RC_OUT_FPCTL_POST+8(%r11)
	fnstcw	RC_OUT_FPCTL_POST+8(%r11)
	movq	%rax, RC_OUT_RET(%r11)

	/* copy the landing record into *out */
	movq	F_OUT(%rsp), %r8
	movq	RC_OUT_SP_AFTER(%r11), %rcx
	movq	%rcx, RC_OUT_SP_AFTER(%r8)
	movq	RC_OUT_FPCTL_POST(%r11), %rcx
	movq	%rcx, RC_OUT_FPCTL_POST(%r8)
	movq	RC_OUT_FPCTL_POST+8(%r11), %rcx
	movq	%rcx, RC_OUT_FPCTL_POST+8(%r8)
	movq	%rax, RC_OUT_RET(%r8)
	movq	%rbx, RC_OUT_GPR+0(%r8)
	movq	%rbp, RC_OUT_GPR+8(%r8)
	movq	%r12, RC_OUT_GPR+16(%r8)
	movq	%r13, RC_OUT_GPR+24(%r8)
	movq	%r14, RC_OUT_GPR+32(%r8)
	movq	%r15, RC_OUT_GPR+40(%r8)

	/* give the caller back its own FP control state and registers */
	ldmxcsr	F_MXCSR(%rsp)
	fnclex
	fldcw	F_FPUCW(%rsp)
	addq	$F_SIZE, %rsp
	.cfi_def_cfa_offset 56
	popq	%r15
	.cfi_def_cfa_offset 48
	popq	%r14
	.cfi_def_cfa_offset 40
	popq	%r13
	.cfi_def_cfa_offset 32
	popq	%r12
	.cfi_def_cfa_offset 24
	popq	%rbx
	.cfi_def_cfa_offset 16
	popq	%rbp
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size	regcheck_switch, .-regcheck_switch

	.globl	regcheck_entry_stub
	.type	regcheck_entry_stub, @function
	.p2align 4
regcheck_entry_stub:
	.cfi_startproc
	ENDBR
	movq	%rsp, regcheck_entry_sp(%rip)
	movq	$0, regcheck_entry_fpctl(%rip)
	stmxcsr	regcheck_entry_fpctl(%rip)
	movq	$0, regcheck_entry_fpctl+8(%rip)
	fnstcw	regcheck_entry_fpctl+8(%rip)
	/* power-on defaults: the C code must not run with a test pattern */
	movl	$0x1f80, regcheck_entry_scratch(%rip)
	ldmxcsr	regcheck_entry_scratch(%rip)
	movl	$0x037f, regcheck_entry_scratch(%rip)
	fnclex
	fldcw	regcheck_entry_scratch(%rip)
	/* call C on a re-aligned stack so that even a misaligned entry is
	 * reported by regcheck_entry_c (which checks the recorded value) instead
	 * of crashing in an aligned SSE spill; entry never returns */
	andq	$-16, %rsp
	call	regcheck_entry_c
	ud2
	.cfi_endproc
	.size	regcheck_entry_stub, .-regcheck_entry_stub

	.local	regcheck_entry_scratch
	.comm	regcheck_entry_scratch, 4, 4

#if defined(__CET__)
	/* GNU property note: this object is IBT/SHSTK compatible (endbr64 at
	 * every indirect-branch target, no stack tricks). */
	.section .note.gnu.property, "a"
	.p2align 3
	.long	4                /* name size */
	.long	16               /* descriptor size */
	.long	5                /* NT_GNU_PROPERTY_TYPE_0 */
	.asciz	"GNU"
	.long	0xc0000002       /* GNU_PROPERTY_X86_FEATURE_1_AND */
	.long	4
	.long	__CET__ & 3      /* bit 0 IBT, bit 1 SHSTK */
	.p2align 3
#endif

	.section .note.GNU-stack, "", @progbits

/*
 * regcheck_s390x.S: register-preservation probe around sy_switch for the
 * s390x ELF ABI (big-endian). See regcheck.h for the ABI citations.
 *
 * void *regcheck_switch(sy_context *from, sy_context *to,
 *                       const struct regcheck_in *in, void *value,
 *                       struct regcheck_out *out);
 *   r2 = from, r3 = to, r4 = in, r5 = value, r6 = out
 *
 * It is itself ABI-conformant: r6-r15 go to the register save area the
 * caller provides at 48(r15), f8-f15 and the FPC to its own frame, which
 * starts with a back chain and a 160-byte save area for its own callee.
 * The FPC is 32 bits: it sits in the low (big-endian: second) word of each
 * 64-bit fpctl slot.
 *
 * void regcheck_entry_stub(void *value);
 *   entry function for sy_context_make: records r15 and the FPC exactly as
 *   the switcher's trampoline delivered them, resets the FPC to 0 (the
 *   Linux default), and calls regcheck_entry_c(value) on a re-aligned stack.
 */
#include "regcheck.h"

/* frame: 0..159 save area for sy_switch (0: back chain), 160..223 f8-f15,
 * 224 caller FPC, 232 out */
#define F_FPR 160
#define F_FPC 224
#define F_OUT 232
#define F_SIZE 240

	.text
	.globl	regcheck_switch
	.type	regcheck_switch, @function
	.p2align 3
regcheck_switch:
	.cfi_startproc
	stmg	%r6, %r15, 48(%r15)
	.cfi_offset %r6, -112
	.cfi_offset %r7, -104
	.cfi_offset %r8, -96
	.cfi_offset %r9, -88
	.cfi_offset %r10, -80
	.cfi_offset %r11, -72
	.cfi_offset %r12, -64
	.cfi_offset %r13, -56
	.cfi_offset %r14, -48
	.cfi_offset %r15, -40
	lgr	%r1, %r15
	aghi	%r15, -F_SIZE
	.cfi_adjust_cfa_offset F_SIZE
	stg	%r1, 0(%r15)
	std	%f8, F_FPR + 0(%r15)
	std	%f9, F_FPR + 8(%r15)
	std	%f10, F_FPR + 16(%r15)
	std	%f11, F_FPR + 24(%r15)
	std	%f12, F_FPR + 32(%r15)
	std	%f13, F_FPR + 40(%r15)
	std	%f14, F_FPR + 48(%r15)
	std	%f15, F_FPR + 56(%r15)
	stfpc	F_FPC(%r15)
	stg	%r6, F_OUT(%r15)

	/* FPC pattern, then read back what the hardware holds */
	lfpc	RC_IN_FPCTL + 4(%r4)
	lghi	%r0, 0
	st	%r0, RC_OUT_FPCTL_PRE(%r6)
	stfpc	RC_OUT_FPCTL_PRE + 4(%r6)
	stg	%r15, RC_OUT_SP_BEFORE(%r6)

	/* sentinels; order = GPR_NAMES / FPR_NAMES in regcheck.c */
	ld	%f8, RC_IN_FPR + 0(%r4)
	ld	%f9, RC_IN_FPR + 8(%r4)
	ld	%f10, RC_IN_FPR + 16(%r4)
	ld	%f11, RC_IN_FPR + 24(%r4)
	ld	%f12, RC_IN_FPR + 32(%r4)
	ld	%f13, RC_IN_FPR + 40(%r4)
	ld	%f14, RC_IN_FPR + 48(%r4)
	ld	%f15, RC_IN_FPR + 56(%r4)
	lmg	%r6, %r13, RC_IN_GPR(%r4)

	lgr	%r4, %r5                    /* value: third argument */
	brasl	%r14, sy_switch

	/* Record first, into a static landing area: if the switcher broke r15,
	 * the frame holding out is not trusted. */
	larl	%r1, regcheck_landing
	stg	%r15, RC_OUT_SP_AFTER(%r1)
	stmg	%r6, %r13, RC_OUT_GPR(%r1)
	std	%f8, RC_OUT_FPR + 0(%r1)
	std	%f9, RC_OUT_FPR + 8(%r1)
	std	%f10, RC_OUT_FPR + 16(%r1)
	std	%f11, RC_OUT_FPR + 24(%r1)
	std	%f12, RC_OUT_FPR + 32(%r1)
	std	%f13, RC_OUT_FPR + 40(%r1)
	std	%f14, RC_OUT_FPR + 48(%r1)
	std	%f15, RC_OUT_FPR + 56(%r1)
	lghi	%r0, 0
	st	%r0, RC_OUT_FPCTL_POST(%r1)
	stfpc	RC_OUT_FPCTL_POST + 4(%r1)
	stg	%r2, RC_OUT_RET(%r1)

	/* copy the landing record into *out (not sp_before or fpctl_pre: set above) */
	lg	%r6, F_OUT(%r15)
	mvc	RC_OUT_GPR(256, %r6), RC_OUT_GPR(%r1)
	mvc	RC_OUT_GPR + 256(256, %r6), RC_OUT_GPR + 256(%r1)
	mvc	RC_OUT_GPR + 512(RC_OUT_FPCTL_PRE - 512, %r6), RC_OUT_GPR + 512(%r1)
	mvc	RC_OUT_FPCTL_POST(RC_OUT_SP_BEFORE - RC_OUT_FPCTL_POST, %r6), RC_OUT_FPCTL_POST(%r1)
	mvc	RC_OUT_SP_AFTER(8, %r6), RC_OUT_SP_AFTER(%r1)
	stg	%r2, RC_OUT_RET(%r6)

	/* give the caller back its FPC and registers */
	lfpc	F_FPC(%r15)
	ld	%f8, F_FPR + 0(%r15)
	ld	%f9, F_FPR + 8(%r15)
	ld	%f10, F_FPR + 16(%r15)
	ld	%f11, F_FPR + 24(%r15)
	ld	%f12, F_FPR + 32(%r15)
	ld	%f13, F_FPR + 40(%r15)
	ld	%f14, F_FPR + 48(%r15)
	ld	%f15, F_FPR + 56(%r15)
	lmg	%r6, %r15, F_SIZE + 48(%r15)
	.cfi_adjust_cfa_offset -F_SIZE
	br	%r14
	.cfi_endproc
	.size	regcheck_switch, .-regcheck_switch

	.globl	regcheck_entry_stub
	.type	regcheck_entry_stub, @function
	.p2align 3
regcheck_entry_stub:
	.cfi_startproc
	larl	%r1, regcheck_entry_sp
	stg	%r15, 0(%r1)
	larl	%r1, regcheck_entry_fpctl
	lghi	%r0, 0
	st	%r0, 0(%r1)
	stfpc	4(%r1)
	sfpc	%r0                         /* the Linux default FPC: 0 */
	/* re-align so that a misaligned entry is reported, not a fault, and
	 * give regcheck_entry_c its register save area with a zero back chain */
	nill	%r15, 0xfff8
	aghi	%r15, -160
	xc	0(8, %r15), 0(%r15)
	brasl	%r14, regcheck_entry_c
	.word	0
	.cfi_endproc
	.size	regcheck_entry_stub, .-regcheck_entry_stub

	.section .note.GNU-stack, "", @progbits

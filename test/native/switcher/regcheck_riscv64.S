/*
 * regcheck_riscv64.S: register-preservation probe around sy_switch for the
 * RISC-V lp64d ABI. See regcheck.h for the psABI citations.
 *
 * void *regcheck_switch(sy_context *from, sy_context *to,
 *                       const struct regcheck_in *in, void *value,
 *                       struct regcheck_out *out);
 *   a0 = from, a1 = to, a2 = in, a3 = value, a4 = out
 *
 * It is itself psABI-conformant: it saves the caller's ra, s0-s11,
 * fs0-fs11 and frm and restores them before returning.
 *
 * void regcheck_entry_stub(void *value);
 *   entry function for sy_context_make: records sp and frm exactly as the
 *   switcher's trampoline delivered them, resets frm to RNE, and calls
 *   regcheck_entry_c(value) on a re-aligned stack.
 */
#include "regcheck.h"

/* frame (224 bytes): 0..95 s0-s11, 96..191 fs0-fs11, 192 caller frm,
 * 200 out, 216 ra */
#define F_FRM 192
#define F_OUT 200
#define F_RA 216
#define F_SIZE 224

	.text
	.globl	regcheck_switch
	.type	regcheck_switch, @function
	.p2align 2
regcheck_switch:
	.cfi_startproc
	addi	sp, sp, -F_SIZE
	.cfi_def_cfa_offset F_SIZE
	sd	ra, F_RA(sp)
	.cfi_offset ra, F_RA - F_SIZE
	sd	s0, 0(sp)
	sd	s1, 8(sp)
	sd	s2, 16(sp)
	sd	s3, 24(sp)
	sd	s4, 32(sp)
	sd	s5, 40(sp)
	sd	s6, 48(sp)
	sd	s7, 56(sp)
	sd	s8, 64(sp)
	sd	s9, 72(sp)
	sd	s10, 80(sp)
	sd	s11, 88(sp)
	.cfi_offset s0, 0 - F_SIZE
	.cfi_offset s1, 8 - F_SIZE
	.cfi_offset s2, 16 - F_SIZE
	.cfi_offset s3, 24 - F_SIZE
	.cfi_offset s4, 32 - F_SIZE
	.cfi_offset s5, 40 - F_SIZE
	.cfi_offset s6, 48 - F_SIZE
	.cfi_offset s7, 56 - F_SIZE
	.cfi_offset s8, 64 - F_SIZE
	.cfi_offset s9, 72 - F_SIZE
	.cfi_offset s10, 80 - F_SIZE
	.cfi_offset s11, 88 - F_SIZE
	fsd	fs0, 96(sp)
	fsd	fs1, 104(sp)
	fsd	fs2, 112(sp)
	fsd	fs3, 120(sp)
	fsd	fs4, 128(sp)
	fsd	fs5, 136(sp)
	fsd	fs6, 144(sp)
	fsd	fs7, 152(sp)
	fsd	fs8, 160(sp)
	fsd	fs9, 168(sp)
	fsd	fs10, 176(sp)
	fsd	fs11, 184(sp)
	frrm	t0
	sd	t0, F_FRM(sp)
	sd	a4, F_OUT(sp)

	/* frm pattern, then read back what the hardware holds */
	ld	t0, RC_IN_FPCTL(a2)
	fsrm	t0
	frrm	t0
	sd	t0, RC_OUT_FPCTL_PRE(a4)
	sd	zero, RC_OUT_FPCTL_PRE + 8(a4)
	sd	sp, RC_OUT_SP_BEFORE(a4)

	/* sentinels; order = GPR_NAMES / FPR_NAMES in regcheck.c */
	ld	s0, RC_IN_GPR + 0(a2)
	ld	s1, RC_IN_GPR + 8(a2)
	ld	s2, RC_IN_GPR + 16(a2)
	ld	s3, RC_IN_GPR + 24(a2)
	ld	s4, RC_IN_GPR + 32(a2)
	ld	s5, RC_IN_GPR + 40(a2)
	ld	s6, RC_IN_GPR + 48(a2)
	ld	s7, RC_IN_GPR + 56(a2)
	ld	s8, RC_IN_GPR + 64(a2)
	ld	s9, RC_IN_GPR + 72(a2)
	ld	s10, RC_IN_GPR + 80(a2)
	ld	s11, RC_IN_GPR + 88(a2)
	fld	fs0, RC_IN_FPR + 0(a2)
	fld	fs1, RC_IN_FPR + 8(a2)
	fld	fs2, RC_IN_FPR + 16(a2)
	fld	fs3, RC_IN_FPR + 24(a2)
	fld	fs4, RC_IN_FPR + 32(a2)
	fld	fs5, RC_IN_FPR + 40(a2)
	fld	fs6, RC_IN_FPR + 48(a2)
	fld	fs7, RC_IN_FPR + 56(a2)
	fld	fs8, RC_IN_FPR + 64(a2)
	fld	fs9, RC_IN_FPR + 72(a2)
	fld	fs10, RC_IN_FPR + 80(a2)
	fld	fs11, RC_IN_FPR + 88(a2)

	mv	a2, a3                      /* value: third argument */
	call	sy_switch

	/* Record first, into a static landing area: if the switcher broke sp,
	 * the frame holding `out` is not trusted. */
	lla	t0, regcheck_landing
	sd	sp, RC_OUT_SP_AFTER(t0)
	sd	s0, RC_OUT_GPR + 0(t0)
	sd	s1, RC_OUT_GPR + 8(t0)
	sd	s2, RC_OUT_GPR + 16(t0)
	sd	s3, RC_OUT_GPR + 24(t0)
	sd	s4, RC_OUT_GPR + 32(t0)
	sd	s5, RC_OUT_GPR + 40(t0)
	sd	s6, RC_OUT_GPR + 48(t0)
	sd	s7, RC_OUT_GPR + 56(t0)
	sd	s8, RC_OUT_GPR + 64(t0)
	sd	s9, RC_OUT_GPR + 72(t0)
	sd	s10, RC_OUT_GPR + 80(t0)
	sd	s11, RC_OUT_GPR + 88(t0)
	fsd	fs0, RC_OUT_FPR + 0(t0)
	fsd	fs1, RC_OUT_FPR + 8(t0)
	fsd	fs2, RC_OUT_FPR + 16(t0)
	fsd	fs3, RC_OUT_FPR + 24(t0)
	fsd	fs4, RC_OUT_FPR + 32(t0)
	fsd	fs5, RC_OUT_FPR + 40(t0)
	fsd	fs6, RC_OUT_FPR + 48(t0)
	fsd	fs7, RC_OUT_FPR + 56(t0)
	fsd	fs8, RC_OUT_FPR + 64(t0)
	fsd	fs9, RC_OUT_FPR + 72(t0)
	fsd	fs10, RC_OUT_FPR + 80(t0)
	fsd	fs11, RC_OUT_FPR + 88(t0)
	frrm	t1
	sd	t1, RC_OUT_FPCTL_POST(t0)
	sd	zero, RC_OUT_FPCTL_POST + 8(t0)
	sd	a0, RC_OUT_RET(t0)

	/* copy the landing record into *out */
	ld	a4, F_OUT(sp)
	ld	t1, RC_OUT_SP_AFTER(t0)
	sd	t1, RC_OUT_SP_AFTER(a4)
	ld	t1, RC_OUT_FPCTL_POST(t0)
	sd	t1, RC_OUT_FPCTL_POST(a4)
	sd	zero, RC_OUT_FPCTL_POST + 8(a4)
	sd	a0, RC_OUT_RET(a4)
	li	t2, RC_OUT_FPCTL_PRE        /* gpr[0..11] and fpr[0..11]: 24 words */
	mv	t3, t0
	mv	t4, a4
1:	ld	t1, 0(t3)
	sd	t1, 0(t4)
	addi	t3, t3, 8
	addi	t4, t4, 8
	addi	t2, t2, -8
	bnez	t2, 1b

	/* give the caller back its frm and registers */
	ld	t0, F_FRM(sp)
	fsrm	t0
	fld	fs0, 96(sp)
	fld	fs1, 104(sp)
	fld	fs2, 112(sp)
	fld	fs3, 120(sp)
	fld	fs4, 128(sp)
	fld	fs5, 136(sp)
	fld	fs6, 144(sp)
	fld	fs7, 152(sp)
	fld	fs8, 160(sp)
	fld	fs9, 168(sp)
	fld	fs10, 176(sp)
	fld	fs11, 184(sp)
	ld	s0, 0(sp)
	ld	s1, 8(sp)
	ld	s2, 16(sp)
	ld	s3, 24(sp)
	ld	s4, 32(sp)
	ld	s5, 40(sp)
	ld	s6, 48(sp)
	ld	s7, 56(sp)
	ld	s8, 64(sp)
	ld	s9, 72(sp)
	ld	s10, 80(sp)
	ld	s11, 88(sp)
	ld	ra, F_RA(sp)
	addi	sp, sp, F_SIZE
	.cfi_def_cfa_offset 0
	ret
	.cfi_endproc
	.size	regcheck_switch, .-regcheck_switch

	.globl	regcheck_entry_stub
	.type	regcheck_entry_stub, @function
	.p2align 2
regcheck_entry_stub:
	.cfi_startproc
	lla	t0, regcheck_entry_sp
	sd	sp, 0(t0)
	frrm	t1
	lla	t0, regcheck_entry_fpctl
	sd	t1, 0(t0)
	sd	zero, 8(t0)
	fsrm	zero
	/* re-align so that a misaligned entry is reported, not a fault */
	andi	sp, sp, -16
	call	regcheck_entry_c
	ebreak
	.cfi_endproc
	.size	regcheck_entry_stub, .-regcheck_entry_stub

	.section .note.GNU-stack, "", @progbits

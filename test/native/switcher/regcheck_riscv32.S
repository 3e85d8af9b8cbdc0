/*
 * regcheck_riscv32.S: register-preservation probe around sy_switch for the
 * RISC-V ilp32d ABI (RV32 with the D extension). See regcheck.h for the
 * psABI citations.
 *
 * void *regcheck_switch(sy_context *from, sy_context *to,
 *                       const struct regcheck_in *in, void *value,
 *                       struct regcheck_out *out);
 *   a0 = from, a1 = to, a2 = in, a3 = value, a4 = out
 *
 * The in/out records hold 64-bit words: an integer register (32 bits) is
 * read from and written to the low word of its slot (little-endian), and
 * the high word written back is zero. fs0-fs11 are 64 bits wide (FLEN = 64)
 * and move whole with fld/fsd.
 *
 * It is itself psABI-conformant: it saves the caller's ra, s0-s11, fs0-fs11
 * and frm and restores them before returning.
 *
 * void regcheck_entry_stub(void *value);
 *   entry function for sy_context_make: records sp and frm exactly as the
 *   switcher's trampoline delivered them, resets frm to RNE, and calls
 *   regcheck_entry_c(value) on a re-aligned stack.
 */
#include "regcheck.h"

/* frame (160 bytes): 0..47 s0-s11, 48 ra, 52 caller frm, 56 out, 64..159 fs0-fs11 */
#define F_RA 48
#define F_FRM 52
#define F_OUT 56
#define F_FS 64
#define F_SIZE 160

	.text
	.globl	regcheck_switch
	.type	regcheck_switch, @function
	.p2align 2
regcheck_switch:
	.cfi_startproc
	addi	sp, sp, -F_SIZE
	.cfi_def_cfa_offset F_SIZE
	sw	ra, F_RA(sp)
	.cfi_offset ra, F_RA - F_SIZE
	sw	s0, 0(sp)
	sw	s1, 4(sp)
	sw	s2, 8(sp)
	sw	s3, 12(sp)
	sw	s4, 16(sp)
	sw	s5, 20(sp)
	sw	s6, 24(sp)
	sw	s7, 28(sp)
	sw	s8, 32(sp)
	sw	s9, 36(sp)
	sw	s10, 40(sp)
	sw	s11, 44(sp)
	.cfi_offset s0, 0 - F_SIZE
	.cfi_offset s1, 4 - F_SIZE
	.cfi_offset s2, 8 - F_SIZE
	.cfi_offset s3, 12 - F_SIZE
	.cfi_offset s4, 16 - F_SIZE
	.cfi_offset s5, 20 - F_SIZE
	.cfi_offset s6, 24 - F_SIZE
	.cfi_offset s7, 28 - F_SIZE
	.cfi_offset s8, 32 - F_SIZE
	.cfi_offset s9, 36 - F_SIZE
	.cfi_offset s10, 40 - F_SIZE
	.cfi_offset s11, 44 - F_SIZE
	fsd	fs0, F_FS + 0(sp)
	fsd	fs1, F_FS + 8(sp)
	fsd	fs2, F_FS + 16(sp)
	fsd	fs3, F_FS + 24(sp)
	fsd	fs4, F_FS + 32(sp)
	fsd	fs5, F_FS + 40(sp)
	fsd	fs6, F_FS + 48(sp)
	fsd	fs7, F_FS + 56(sp)
	fsd	fs8, F_FS + 64(sp)
	fsd	fs9, F_FS + 72(sp)
	fsd	fs10, F_FS + 80(sp)
	fsd	fs11, F_FS + 88(sp)
	frrm	t0
	sw	t0, F_FRM(sp)
	sw	a4, F_OUT(sp)

	/* frm pattern, then read back what the hardware holds */
	lw	t0, RC_IN_FPCTL(a2)
	fsrm	t0
	frrm	t0
	sw	t0, RC_OUT_FPCTL_PRE(a4)
	sw	zero, RC_OUT_FPCTL_PRE + 4(a4)
	sw	zero, RC_OUT_FPCTL_PRE + 8(a4)
	sw	zero, RC_OUT_FPCTL_PRE + 12(a4)
	sw	sp, RC_OUT_SP_BEFORE(a4)
	sw	zero, RC_OUT_SP_BEFORE + 4(a4)

	/* sentinels (low words); order = GPR_NAMES / FPR_NAMES in regcheck.c */
	lw	s0, RC_IN_GPR + 0(a2)
	lw	s1, RC_IN_GPR + 8(a2)
	lw	s2, RC_IN_GPR + 16(a2)
	lw	s3, RC_IN_GPR + 24(a2)
	lw	s4, RC_IN_GPR + 32(a2)
	lw	s5, RC_IN_GPR + 40(a2)
	lw	s6, RC_IN_GPR + 48(a2)
	lw	s7, RC_IN_GPR + 56(a2)
	lw	s8, RC_IN_GPR + 64(a2)
	lw	s9, RC_IN_GPR + 72(a2)
	lw	s10, RC_IN_GPR + 80(a2)
	lw	s11, RC_IN_GPR + 88(a2)
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
	sw	sp, RC_OUT_SP_AFTER(t0)
	sw	zero, RC_OUT_SP_AFTER + 4(t0)
	sw	s0, RC_OUT_GPR + 0(t0)
	sw	zero, RC_OUT_GPR + 4(t0)
	sw	s1, RC_OUT_GPR + 8(t0)
	sw	zero, RC_OUT_GPR + 12(t0)
	sw	s2, RC_OUT_GPR + 16(t0)
	sw	zero, RC_OUT_GPR + 20(t0)
	sw	s3, RC_OUT_GPR + 24(t0)
	sw	zero, RC_OUT_GPR + 28(t0)
	sw	s4, RC_OUT_GPR + 32(t0)
	sw	zero, RC_OUT_GPR + 36(t0)
	sw	s5, RC_OUT_GPR + 40(t0)
	sw	zero, RC_OUT_GPR + 44(t0)
	sw	s6, RC_OUT_GPR + 48(t0)
	sw	zero, RC_OUT_GPR + 52(t0)
	sw	s7, RC_OUT_GPR + 56(t0)
	sw	zero, RC_OUT_GPR + 60(t0)
	sw	s8, RC_OUT_GPR + 64(t0)
	sw	zero, RC_OUT_GPR + 68(t0)
	sw	s9, RC_OUT_GPR + 72(t0)
	sw	zero, RC_OUT_GPR + 76(t0)
	sw	s10, RC_OUT_GPR + 80(t0)
	sw	zero, RC_OUT_GPR + 84(t0)
	sw	s11, RC_OUT_GPR + 88(t0)
	sw	zero, RC_OUT_GPR + 92(t0)
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
	sw	t1, RC_OUT_FPCTL_POST(t0)
	sw	zero, RC_OUT_FPCTL_POST + 4(t0)
	sw	zero, RC_OUT_FPCTL_POST + 8(t0)
	sw	zero, RC_OUT_FPCTL_POST + 12(t0)
	sw	a0, RC_OUT_RET(t0)
	sw	zero, RC_OUT_RET + 4(t0)

	/* copy the landing record into *out */
	lw	a4, F_OUT(sp)
	lw	t1, RC_OUT_SP_AFTER(t0)
	sw	t1, RC_OUT_SP_AFTER(a4)
	sw	zero, RC_OUT_SP_AFTER + 4(a4)
	lw	t1, RC_OUT_FPCTL_POST(t0)
	sw	t1, RC_OUT_FPCTL_POST(a4)
	sw	zero, RC_OUT_FPCTL_POST + 4(a4)
	sw	zero, RC_OUT_FPCTL_POST + 8(a4)
	sw	zero, RC_OUT_FPCTL_POST + 12(a4)
	sw	a0, RC_OUT_RET(a4)
	sw	zero, RC_OUT_RET + 4(a4)
	li	t2, RC_OUT_FPCTL_PRE        /* gpr[] and fpr[]: every word before fpctl_pre */
	mv	t3, t0
	mv	t4, a4
1:	lw	t1, 0(t3)
	sw	t1, 0(t4)
	addi	t3, t3, 4
	addi	t4, t4, 4
	addi	t2, t2, -4
	bnez	t2, 1b

	/* give the caller back its frm and registers */
	lw	t0, F_FRM(sp)
	fsrm	t0
	fld	fs0, F_FS + 0(sp)
	fld	fs1, F_FS + 8(sp)
	fld	fs2, F_FS + 16(sp)
	fld	fs3, F_FS + 24(sp)
	fld	fs4, F_FS + 32(sp)
	fld	fs5, F_FS + 40(sp)
	fld	fs6, F_FS + 48(sp)
	fld	fs7, F_FS + 56(sp)
	fld	fs8, F_FS + 64(sp)
	fld	fs9, F_FS + 72(sp)
	fld	fs10, F_FS + 80(sp)
	fld	fs11, F_FS + 88(sp)
	lw	s0, 0(sp)
	lw	s1, 4(sp)
	lw	s2, 8(sp)
	lw	s3, 12(sp)
	lw	s4, 16(sp)
	lw	s5, 20(sp)
	lw	s6, 24(sp)
	lw	s7, 28(sp)
	lw	s8, 32(sp)
	lw	s9, 36(sp)
	lw	s10, 40(sp)
	lw	s11, 44(sp)
	lw	ra, F_RA(sp)
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
	sw	sp, 0(t0)
	sw	zero, 4(t0)
	frrm	t1
	lla	t0, regcheck_entry_fpctl
	sw	t1, 0(t0)
	sw	zero, 4(t0)
	fsrm	zero
	/* re-align so that a misaligned entry is reported, not a fault */
	andi	sp, sp, -16
	call	regcheck_entry_c
	ebreak
	.cfi_endproc
	.size	regcheck_entry_stub, .-regcheck_entry_stub

	.section .note.GNU-stack, "", @progbits

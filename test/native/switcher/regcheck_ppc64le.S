/*
 * regcheck_ppc64le.S: register-preservation probe around sy_switch for the
 * 64-bit Power ELFv2 ABI (little-endian). See regcheck.h for the ABI
 * citations; register numbers are written bare, as GCC does.
 *
 * void *regcheck_switch(sy_context *from, sy_context *to,
 *                       const struct regcheck_in *in, void *value,
 *                       struct regcheck_out *out);
 *   r3 = from, r4 = to, r5 = in, r6 = value, r7 = out
 *
 * It is itself ELFv2-conformant: it saves the caller's LR (in the caller's
 * frame), r2, r14-r31, f14-f31, v20-v31, CR, FPSCR and VSCR and restores
 * them before returning. r2 carries a sentinel across sy_switch, so after
 * the switch the landing area is addressed PC-relative, not through the TOC.
 *
 * VSCR is moved through a 16-aligned staging quadword: in little-endian
 * mode stvx/lvx keep the word that mfvscr/mtvscr use at its lowest address.
 *
 * void regcheck_entry_stub(void *value);
 *   entry function for sy_context_make, entered through its global entry
 *   point: records r12 (must be this function's address), r1, FPSCR, VSCR
 *   and CR exactly as the switcher's trampoline delivered them, resets FPSCR
 *   to 0 and VSCR to NJ (the Linux defaults), and calls regcheck_entry_c
 *   on a re-aligned stack.
 */
#include "regcheck.h"

/* frame: 0 back chain, 8 CR, 16 LR, 24 TOC (the ELFv2 header for our
 * callee), 32..175 r14-r31, 176..319 f14-f31, 320..511 v20-v31, 512 r2,
 * 520 out, 528 caller FPSCR, 544 VSCR staging, 560 caller VSCR, 576 caller CR */
#define F_GPR 32
#define F_FPR 176
#define F_VR 320
#define F_TOC 512
#define F_OUT 520
#define F_FPSCR 528
#define F_VTMP 544
#define F_VSCR 560
#define F_CR 576
#define F_SIZE 592

	.abiversion 2
	.text
	.globl	regcheck_switch
	.type	regcheck_switch, @function
	.p2align 4
regcheck_switch:
	addis	2, 12, (.TOC.-regcheck_switch)@ha
	addi	2, 2, (.TOC.-regcheck_switch)@l
	.localentry regcheck_switch, .-regcheck_switch
	.cfi_startproc
	mflr	0
	std	0, 16(1)
	stdu	1, -F_SIZE(1)
	.cfi_def_cfa_offset F_SIZE
	.cfi_offset lr, 16
	std	14, F_GPR + 0(1)
	std	15, F_GPR + 8(1)
	std	16, F_GPR + 16(1)
	std	17, F_GPR + 24(1)
	std	18, F_GPR + 32(1)
	std	19, F_GPR + 40(1)
	std	20, F_GPR + 48(1)
	std	21, F_GPR + 56(1)
	std	22, F_GPR + 64(1)
	std	23, F_GPR + 72(1)
	std	24, F_GPR + 80(1)
	std	25, F_GPR + 88(1)
	std	26, F_GPR + 96(1)
	std	27, F_GPR + 104(1)
	std	28, F_GPR + 112(1)
	std	29, F_GPR + 120(1)
	std	30, F_GPR + 128(1)
	std	31, F_GPR + 136(1)
	stfd	14, F_FPR + 0(1)
	stfd	15, F_FPR + 8(1)
	stfd	16, F_FPR + 16(1)
	stfd	17, F_FPR + 24(1)
	stfd	18, F_FPR + 32(1)
	stfd	19, F_FPR + 40(1)
	stfd	20, F_FPR + 48(1)
	stfd	21, F_FPR + 56(1)
	stfd	22, F_FPR + 64(1)
	stfd	23, F_FPR + 72(1)
	stfd	24, F_FPR + 80(1)
	stfd	25, F_FPR + 88(1)
	stfd	26, F_FPR + 96(1)
	stfd	27, F_FPR + 104(1)
	stfd	28, F_FPR + 112(1)
	stfd	29, F_FPR + 120(1)
	stfd	30, F_FPR + 128(1)
	stfd	31, F_FPR + 136(1)
	li	11, F_VR + 0
	stvx	20, 1, 11
	li	11, F_VR + 16
	stvx	21, 1, 11
	li	11, F_VR + 32
	stvx	22, 1, 11
	li	11, F_VR + 48
	stvx	23, 1, 11
	li	11, F_VR + 64
	stvx	24, 1, 11
	li	11, F_VR + 80
	stvx	25, 1, 11
	li	11, F_VR + 96
	stvx	26, 1, 11
	li	11, F_VR + 112
	stvx	27, 1, 11
	li	11, F_VR + 128
	stvx	28, 1, 11
	li	11, F_VR + 144
	stvx	29, 1, 11
	li	11, F_VR + 160
	stvx	30, 1, 11
	li	11, F_VR + 176
	stvx	31, 1, 11
	std	2, F_TOC(1)
	std	7, F_OUT(1)
	mffs	0
	stfd	0, F_FPSCR(1)
	mfvscr	0
	li	11, F_VSCR
	stvx	0, 1, 11
	mfcr	0
	std	0, F_CR(1)

	/* FPSCR pattern (both words; status bits clear), read back */
	lfd	0, RC_IN_FPCTL(5)
	mtfsf	0xff, 0, 0, 0
	mtfsf	0xff, 0, 0, 1
	mffs	0
	stfd	0, RC_OUT_FPCTL_PRE(7)
	/* VSCR pattern through the staging quadword, read back */
	li	0, 0
	std	0, F_VTMP(1)
	std	0, F_VTMP + 8(1)
	lwz	0, RC_IN_FPCTL + 8(5)
	stw	0, F_VTMP(1)
	li	11, F_VTMP
	lvx	0, 1, 11
	mtvscr	0
	mfvscr	0
	stvx	0, 1, 11
	lwz	0, F_VTMP(1)
	std	0, RC_OUT_FPCTL_PRE + 8(7)
	/* CR pattern (all eight fields), read back */
	ld	0, RC_IN_FPCTL + 16(5)
	mtcrf	0xff, 0
	mfcr	0
	std	0, RC_OUT_FPCTL_PRE + 16(7)
	std	1, RC_OUT_SP_BEFORE(7)

	/* sentinels; order = GPR_NAMES / FPR_NAMES in regcheck.c; r2 last */
	ld	14, RC_IN_GPR + 8(5)
	ld	15, RC_IN_GPR + 16(5)
	ld	16, RC_IN_GPR + 24(5)
	ld	17, RC_IN_GPR + 32(5)
	ld	18, RC_IN_GPR + 40(5)
	ld	19, RC_IN_GPR + 48(5)
	ld	20, RC_IN_GPR + 56(5)
	ld	21, RC_IN_GPR + 64(5)
	ld	22, RC_IN_GPR + 72(5)
	ld	23, RC_IN_GPR + 80(5)
	ld	24, RC_IN_GPR + 88(5)
	ld	25, RC_IN_GPR + 96(5)
	ld	26, RC_IN_GPR + 104(5)
	ld	27, RC_IN_GPR + 112(5)
	ld	28, RC_IN_GPR + 120(5)
	ld	29, RC_IN_GPR + 128(5)
	ld	30, RC_IN_GPR + 136(5)
	ld	31, RC_IN_GPR + 144(5)
	lfd	14, RC_IN_FPR + 0(5)
	lfd	15, RC_IN_FPR + 8(5)
	lfd	16, RC_IN_FPR + 16(5)
	lfd	17, RC_IN_FPR + 24(5)
	lfd	18, RC_IN_FPR + 32(5)
	lfd	19, RC_IN_FPR + 40(5)
	lfd	20, RC_IN_FPR + 48(5)
	lfd	21, RC_IN_FPR + 56(5)
	lfd	22, RC_IN_FPR + 64(5)
	lfd	23, RC_IN_FPR + 72(5)
	lfd	24, RC_IN_FPR + 80(5)
	lfd	25, RC_IN_FPR + 88(5)
	lfd	26, RC_IN_FPR + 96(5)
	lfd	27, RC_IN_FPR + 104(5)
	lfd	28, RC_IN_FPR + 112(5)
	lfd	29, RC_IN_FPR + 120(5)
	lfd	30, RC_IN_FPR + 128(5)
	lfd	31, RC_IN_FPR + 136(5)
	li	11, RC_IN_FPR + 144
	lvx	20, 5, 11
	li	11, RC_IN_FPR + 160
	lvx	21, 5, 11
	li	11, RC_IN_FPR + 176
	lvx	22, 5, 11
	li	11, RC_IN_FPR + 192
	lvx	23, 5, 11
	li	11, RC_IN_FPR + 208
	lvx	24, 5, 11
	li	11, RC_IN_FPR + 224
	lvx	25, 5, 11
	li	11, RC_IN_FPR + 240
	lvx	26, 5, 11
	li	11, RC_IN_FPR + 256
	lvx	27, 5, 11
	li	11, RC_IN_FPR + 272
	lvx	28, 5, 11
	li	11, RC_IN_FPR + 288
	lvx	29, 5, 11
	li	11, RC_IN_FPR + 304
	lvx	30, 5, 11
	li	11, RC_IN_FPR + 320
	lvx	31, 5, 11
	ld	2, RC_IN_GPR + 0(5)

	mr	5, 6                        /* value: third argument */
	bl	sy_switch
	nop

	/* Record first, into a static landing area (PC-relative: r2 holds a
	 * sentinel): if the switcher broke r1, the frame holding out is not trusted. */
	bcl	20, 31, 1f
1:	mflr	12
	addis	12, 12, (regcheck_landing - 1b)@ha
	addi	12, 12, (regcheck_landing - 1b)@l
	std	1, RC_OUT_SP_AFTER(12)
	std	2, RC_OUT_GPR + 0(12)
	std	14, RC_OUT_GPR + 8(12)
	std	15, RC_OUT_GPR + 16(12)
	std	16, RC_OUT_GPR + 24(12)
	std	17, RC_OUT_GPR + 32(12)
	std	18, RC_OUT_GPR + 40(12)
	std	19, RC_OUT_GPR + 48(12)
	std	20, RC_OUT_GPR + 56(12)
	std	21, RC_OUT_GPR + 64(12)
	std	22, RC_OUT_GPR + 72(12)
	std	23, RC_OUT_GPR + 80(12)
	std	24, RC_OUT_GPR + 88(12)
	std	25, RC_OUT_GPR + 96(12)
	std	26, RC_OUT_GPR + 104(12)
	std	27, RC_OUT_GPR + 112(12)
	std	28, RC_OUT_GPR + 120(12)
	std	29, RC_OUT_GPR + 128(12)
	std	30, RC_OUT_GPR + 136(12)
	std	31, RC_OUT_GPR + 144(12)
	stfd	14, RC_OUT_FPR + 0(12)
	stfd	15, RC_OUT_FPR + 8(12)
	stfd	16, RC_OUT_FPR + 16(12)
	stfd	17, RC_OUT_FPR + 24(12)
	stfd	18, RC_OUT_FPR + 32(12)
	stfd	19, RC_OUT_FPR + 40(12)
	stfd	20, RC_OUT_FPR + 48(12)
	stfd	21, RC_OUT_FPR + 56(12)
	stfd	22, RC_OUT_FPR + 64(12)
	stfd	23, RC_OUT_FPR + 72(12)
	stfd	24, RC_OUT_FPR + 80(12)
	stfd	25, RC_OUT_FPR + 88(12)
	stfd	26, RC_OUT_FPR + 96(12)
	stfd	27, RC_OUT_FPR + 104(12)
	stfd	28, RC_OUT_FPR + 112(12)
	stfd	29, RC_OUT_FPR + 120(12)
	stfd	30, RC_OUT_FPR + 128(12)
	stfd	31, RC_OUT_FPR + 136(12)
	li	11, RC_OUT_FPR + 144
	stvx	20, 12, 11
	li	11, RC_OUT_FPR + 160
	stvx	21, 12, 11
	li	11, RC_OUT_FPR + 176
	stvx	22, 12, 11
	li	11, RC_OUT_FPR + 192
	stvx	23, 12, 11
	li	11, RC_OUT_FPR + 208
	stvx	24, 12, 11
	li	11, RC_OUT_FPR + 224
	stvx	25, 12, 11
	li	11, RC_OUT_FPR + 240
	stvx	26, 12, 11
	li	11, RC_OUT_FPR + 256
	stvx	27, 12, 11
	li	11, RC_OUT_FPR + 272
	stvx	28, 12, 11
	li	11, RC_OUT_FPR + 288
	stvx	29, 12, 11
	li	11, RC_OUT_FPR + 304
	stvx	30, 12, 11
	li	11, RC_OUT_FPR + 320
	stvx	31, 12, 11
	mfvscr	0                           /* staged in fpctl_post[0..1] (16-aligned) */
	li	11, RC_OUT_FPCTL_POST
	stvx	0, 12, 11
	lwz	0, RC_OUT_FPCTL_POST(12)
	std	0, RC_OUT_FPCTL_POST + 8(12)
	mffs	0
	stfd	0, RC_OUT_FPCTL_POST(12)
	mfcr	0
	std	0, RC_OUT_FPCTL_POST + 16(12)
	li	0, 0
	std	0, RC_OUT_FPCTL_POST + 24(12)
	std	3, RC_OUT_RET(12)

	/* copy the landing record into *out (not sp_before or fpctl_pre: set above) */
	ld	2, F_TOC(1)
	ld	7, F_OUT(1)
	li	9, 0
2:	ldx	10, 12, 9                   /* gpr[] and fpr[] */
	stdx	10, 7, 9
	addi	9, 9, 8
	cmpldi	9, RC_OUT_FPCTL_PRE
	blt	2b
	li	9, RC_OUT_FPCTL_POST
3:	ldx	10, 12, 9                   /* fpctl_post[] */
	stdx	10, 7, 9
	addi	9, 9, 8
	cmpldi	9, RC_OUT_SP_BEFORE
	blt	3b
	ld	10, RC_OUT_SP_AFTER(12)
	std	10, RC_OUT_SP_AFTER(7)
	std	3, RC_OUT_RET(7)

	/* give the caller back its control state and registers */
	lfd	0, F_FPSCR(1)
	mtfsf	0xff, 0, 0, 0
	mtfsf	0xff, 0, 0, 1
	li	11, F_VSCR
	lvx	0, 1, 11
	mtvscr	0
	ld	0, F_CR(1)
	mtcrf	0xff, 0
	ld	14, F_GPR + 0(1)
	ld	15, F_GPR + 8(1)
	ld	16, F_GPR + 16(1)
	ld	17, F_GPR + 24(1)
	ld	18, F_GPR + 32(1)
	ld	19, F_GPR + 40(1)
	ld	20, F_GPR + 48(1)
	ld	21, F_GPR + 56(1)
	ld	22, F_GPR + 64(1)
	ld	23, F_GPR + 72(1)
	ld	24, F_GPR + 80(1)
	ld	25, F_GPR + 88(1)
	ld	26, F_GPR + 96(1)
	ld	27, F_GPR + 104(1)
	ld	28, F_GPR + 112(1)
	ld	29, F_GPR + 120(1)
	ld	30, F_GPR + 128(1)
	ld	31, F_GPR + 136(1)
	lfd	14, F_FPR + 0(1)
	lfd	15, F_FPR + 8(1)
	lfd	16, F_FPR + 16(1)
	lfd	17, F_FPR + 24(1)
	lfd	18, F_FPR + 32(1)
	lfd	19, F_FPR + 40(1)
	lfd	20, F_FPR + 48(1)
	lfd	21, F_FPR + 56(1)
	lfd	22, F_FPR + 64(1)
	lfd	23, F_FPR + 72(1)
	lfd	24, F_FPR + 80(1)
	lfd	25, F_FPR + 88(1)
	lfd	26, F_FPR + 96(1)
	lfd	27, F_FPR + 104(1)
	lfd	28, F_FPR + 112(1)
	lfd	29, F_FPR + 120(1)
	lfd	30, F_FPR + 128(1)
	lfd	31, F_FPR + 136(1)
	li	11, F_VR + 0
	lvx	20, 1, 11
	li	11, F_VR + 16
	lvx	21, 1, 11
	li	11, F_VR + 32
	lvx	22, 1, 11
	li	11, F_VR + 48
	lvx	23, 1, 11
	li	11, F_VR + 64
	lvx	24, 1, 11
	li	11, F_VR + 80
	lvx	25, 1, 11
	li	11, F_VR + 96
	lvx	26, 1, 11
	li	11, F_VR + 112
	lvx	27, 1, 11
	li	11, F_VR + 128
	lvx	28, 1, 11
	li	11, F_VR + 144
	lvx	29, 1, 11
	li	11, F_VR + 160
	lvx	30, 1, 11
	li	11, F_VR + 176
	lvx	31, 1, 11
	addi	1, 1, F_SIZE
	.cfi_def_cfa_offset 0
	ld	0, 16(1)
	mtlr	0
	blr
	.cfi_endproc
	.size	regcheck_switch, .-regcheck_switch

	.globl	regcheck_entry_stub
	.type	regcheck_entry_stub, @function
	.p2align 4
regcheck_entry_stub:
	addis	2, 12, (.TOC.-regcheck_entry_stub)@ha
	addi	2, 2, (.TOC.-regcheck_entry_stub)@l
	.localentry regcheck_entry_stub, .-regcheck_entry_stub
	.cfi_startproc
	addis	9, 2, regcheck_entry_r12@toc@ha
	std	12, regcheck_entry_r12@toc@l(9)
	addis	9, 2, regcheck_entry_sp@toc@ha
	std	1, regcheck_entry_sp@toc@l(9)
	addis	9, 2, regcheck_entry_fpctl@toc@ha
	addi	9, 9, regcheck_entry_fpctl@toc@l
	mffs	0
	stfd	0, 0(9)
	addi	10, 1, -64                  /* a 16-aligned staging quadword in the protected zone */
	rldicr	10, 10, 0, 59
	mfvscr	0
	stvx	0, 0, 10
	lwz	0, 0(10)
	std	0, 8(9)
	mfcr	0
	std	0, 16(9)
	li	0, 0
	std	0, 24(9)
	/* Linux defaults: FPSCR 0, VSCR NJ */
	std	0, 0(10)
	std	0, 8(10)
	lfd	0, 0(10)
	mtfsf	0xff, 0, 0, 0
	mtfsf	0xff, 0, 0, 1
	lis	0, 1
	stw	0, 0(10)
	lvx	0, 0, 10
	mtvscr	0
	/* re-align so that a misaligned entry is reported, not a fault */
	rldicr	1, 1, 0, 59
	stdu	1, -32(1)
	bl	regcheck_entry_c
	nop
	trap
	.cfi_endproc
	.size	regcheck_entry_stub, .-regcheck_entry_stub

	.section .note.GNU-stack, "", @progbits

/*
 * regcheck_mips64el.S: register-preservation probe around sy_switch for the
 * MIPS64 n64 ABI, little-endian (see regcheck.h for the ABI citations).
 *
 * void *regcheck_switch(sy_context *from, sy_context *to,
 *                       const struct regcheck_in *in, void *value,
 *                       struct regcheck_out *out);
 *   $4 = from, $5 = to, $6 = in, $7 = value, $8 = out
 *
 * It is itself ABI-conformant: it saves the caller's $16-$23, $28, $30,
 * $31, $f24-$f31 and FCSR in its own frame and restores them. The whole
 * file is `.set noreorder`: every delay slot is written out.
 *
 * After sy_switch returns nothing on the stack is trusted until the result
 * is recorded: this module's gp is recomputed from $31 (the return address,
 * a known label) and the static landing area is found through the GOT.
 *
 * void regcheck_entry_stub(void *value);
 *   entry function for sy_context_make: records $29, $25 (t9, which a PIC
 *   call must set to the callee's address) and FCSR exactly as the
 *   switcher's trampoline delivered them, resets FCSR to 0 (the Linux
 *   default), and calls regcheck_entry_c(value) on a re-aligned stack.
 *   Its own gp comes from a bal, not from $25, so a wrong $25 is reported.
 */
#include "regcheck.h"

/* frame: 0..56 $16-$23, 64 $28, 72 $30, 80 $31, 88..144 $f24-$f31,
 * 152 caller FCSR, 160 out */
#define F_GPR 0
#define F_GP 64
#define F_FP 72
#define F_RA 80
#define F_FPR 88
#define F_FCSR 152
#define F_OUT 160
#define F_SIZE 176

	.abicalls
	.set	noreorder
	.text
	.globl	regcheck_switch
	.type	regcheck_switch, @function
	.p2align 3
regcheck_switch:
	.cfi_startproc
	daddiu	$29, $29, -F_SIZE
	.cfi_def_cfa_offset F_SIZE
	sd	$16, F_GPR+0($29)
	sd	$17, F_GPR+8($29)
	sd	$18, F_GPR+16($29)
	sd	$19, F_GPR+24($29)
	sd	$20, F_GPR+32($29)
	sd	$21, F_GPR+40($29)
	sd	$22, F_GPR+48($29)
	sd	$23, F_GPR+56($29)
	sd	$28, F_GP($29)
	sd	$30, F_FP($29)
	sd	$31, F_RA($29)
	.cfi_offset $31, F_RA - F_SIZE
	sdc1	$f24, F_FPR+0($29)
	sdc1	$f25, F_FPR+8($29)
	sdc1	$f26, F_FPR+16($29)
	sdc1	$f27, F_FPR+24($29)
	sdc1	$f28, F_FPR+32($29)
	sdc1	$f29, F_FPR+40($29)
	sdc1	$f30, F_FPR+48($29)
	sdc1	$f31, F_FPR+56($29)
	cfc1	$12, $31
	sw	$12, F_FCSR($29)
	sd	$8, F_OUT($29)

	/* FCSR pattern, then read back what the hardware holds */
	lw	$12, RC_IN_FPCTL($6)
	ctc1	$12, $31
	cfc1	$13, $31
	sw	$13, RC_OUT_FPCTL_PRE($8)
	sd	$29, RC_OUT_SP_BEFORE($8)

	/* sy_switch's address while gp is still this module's */
	ld	$25, %call16(sy_switch)($28)

	/* sentinels; order = GPR_NAMES / FPR_NAMES in regcheck.c */
	ldc1	$f24, RC_IN_FPR+0($6)
	ldc1	$f25, RC_IN_FPR+8($6)
	ldc1	$f26, RC_IN_FPR+16($6)
	ldc1	$f27, RC_IN_FPR+24($6)
	ldc1	$f28, RC_IN_FPR+32($6)
	ldc1	$f29, RC_IN_FPR+40($6)
	ldc1	$f30, RC_IN_FPR+48($6)
	ldc1	$f31, RC_IN_FPR+56($6)
	ld	$16, RC_IN_GPR+0($6)
	ld	$17, RC_IN_GPR+8($6)
	ld	$18, RC_IN_GPR+16($6)
	ld	$19, RC_IN_GPR+24($6)
	ld	$20, RC_IN_GPR+32($6)
	ld	$21, RC_IN_GPR+40($6)
	ld	$22, RC_IN_GPR+48($6)
	ld	$23, RC_IN_GPR+56($6)
	ld	$28, RC_IN_GPR+64($6)
	ld	$30, RC_IN_GPR+72($6)

	move	$6, $7                      /* value: third argument */
	jalr	$25
	nop
.Lreturned:
	/* this module's gp from $31 (= .Lreturned), into $12: $28 holds a sentinel */
	lui	$12, %hi(%neg(%gp_rel(.Lreturned)))
	daddu	$12, $12, $31
	daddiu	$12, $12, %lo(%neg(%gp_rel(.Lreturned)))
	ld	$13, %got_disp(regcheck_landing)($12)
	sd	$29, RC_OUT_SP_AFTER($13)
	sd	$16, RC_OUT_GPR+0($13)
	sd	$17, RC_OUT_GPR+8($13)
	sd	$18, RC_OUT_GPR+16($13)
	sd	$19, RC_OUT_GPR+24($13)
	sd	$20, RC_OUT_GPR+32($13)
	sd	$21, RC_OUT_GPR+40($13)
	sd	$22, RC_OUT_GPR+48($13)
	sd	$23, RC_OUT_GPR+56($13)
	sd	$28, RC_OUT_GPR+64($13)
	sd	$30, RC_OUT_GPR+72($13)
	sdc1	$f24, RC_OUT_FPR+0($13)
	sdc1	$f25, RC_OUT_FPR+8($13)
	sdc1	$f26, RC_OUT_FPR+16($13)
	sdc1	$f27, RC_OUT_FPR+24($13)
	sdc1	$f28, RC_OUT_FPR+32($13)
	sdc1	$f29, RC_OUT_FPR+40($13)
	sdc1	$f30, RC_OUT_FPR+48($13)
	sdc1	$f31, RC_OUT_FPR+56($13)
	cfc1	$14, $31
	sw	$14, RC_OUT_FPCTL_POST($13)
	sw	$0, RC_OUT_FPCTL_POST+4($13)
	sd	$2, RC_OUT_RET($13)

	/* copy the landing record into *out (not sp_before or fpctl_pre: set above) */
	ld	$8, F_OUT($29)
	daddiu	$14, $13, RC_OUT_GPR
	daddiu	$15, $8, RC_OUT_GPR
	daddiu	$24, $13, RC_OUT_FPCTL_PRE
1:	ld	$9, 0($14)
	sd	$9, 0($15)
	daddiu	$14, $14, 8
	bne	$14, $24, 1b
	daddiu	$15, $15, 8                 /* delay slot */
	ld	$9, RC_OUT_FPCTL_POST($13)
	sd	$9, RC_OUT_FPCTL_POST($8)
	ld	$9, RC_OUT_SP_AFTER($13)
	sd	$9, RC_OUT_SP_AFTER($8)
	sd	$2, RC_OUT_RET($8)

	/* give the caller back its FCSR and registers */
	lw	$12, F_FCSR($29)
	ctc1	$12, $31
	ldc1	$f24, F_FPR+0($29)
	ldc1	$f25, F_FPR+8($29)
	ldc1	$f26, F_FPR+16($29)
	ldc1	$f27, F_FPR+24($29)
	ldc1	$f28, F_FPR+32($29)
	ldc1	$f29, F_FPR+40($29)
	ldc1	$f30, F_FPR+48($29)
	ldc1	$f31, F_FPR+56($29)
	ld	$16, F_GPR+0($29)
	ld	$17, F_GPR+8($29)
	ld	$18, F_GPR+16($29)
	ld	$19, F_GPR+24($29)
	ld	$20, F_GPR+32($29)
	ld	$21, F_GPR+40($29)
	ld	$22, F_GPR+48($29)
	ld	$23, F_GPR+56($29)
	ld	$28, F_GP($29)
	ld	$30, F_FP($29)
	ld	$31, F_RA($29)
	jr	$31
	daddiu	$29, $29, F_SIZE            /* delay slot */
	.cfi_endproc
	.size	regcheck_switch, .-regcheck_switch

	.globl	regcheck_entry_stub
	.type	regcheck_entry_stub, @function
	.p2align 3
regcheck_entry_stub:
	.cfi_startproc
	move	$14, $25                    /* t9 as the trampoline delivered it */
	bal	.Lstub_pc
	nop
.Lstub_pc:
	lui	$28, %hi(%neg(%gp_rel(.Lstub_pc)))
	daddu	$28, $28, $31
	daddiu	$28, $28, %lo(%neg(%gp_rel(.Lstub_pc)))
	ld	$12, %got_disp(regcheck_entry_sp)($28)
	sd	$29, 0($12)
	ld	$12, %got_disp(regcheck_entry_t9)($28)
	sd	$14, 0($12)
	ld	$12, %got_disp(regcheck_entry_fpctl)($28)
	cfc1	$13, $31
	sw	$13, 0($12)
	sw	$0, 4($12)
	ctc1	$0, $31                     /* the Linux default FCSR: 0 */
	/* re-align so that a misaligned entry is reported, not a fault */
	li	$12, -16
	and	$29, $29, $12
	ld	$25, %call16(regcheck_entry_c)($28)
	jalr	$25
	nop
	break
	.cfi_endproc
	.size	regcheck_entry_stub, .-regcheck_entry_stub

	.section .note.GNU-stack, "", @progbits

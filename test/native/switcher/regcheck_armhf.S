/*
 * regcheck_armhf.S: register-preservation probe around sy_switch for the
 * AAPCS32 VFP (armhf) ABI (see regcheck.h for the ABI citations).
 *
 * void *regcheck_switch(sy_context *from, sy_context *to,
 *                       const struct regcheck_in *in, void *value,
 *                       struct regcheck_out *out);
 *   r0 = from, r1 = to, r2 = in, r3 = value, [sp] = out at entry
 *
 * regcheck_switch is assembled in whatever instruction set the build asks
 * for (-marm or -mthumb, both run by the tests): it is the caller whose
 * state sy_switch must hand back, so both kinds of caller are exercised.
 * It is itself AAPCS-conformant: it saves the caller's r4-r11, lr, d8-d15
 * and FPSCR and restores them before returning. 32-bit values sit in the low
 * (little-endian: first) word of each 64-bit slot of the in/out records;
 * the high words stay zero.
 *
 * Data is reached PC-relative (movw/movt of the distance to the label, add
 * pc): ARM reads pc as the instruction's address + 8, Thumb as + 4.
 *
 * void regcheck_entry_stub_a32(void *value);  (ARM code)
 * void regcheck_entry_stub_t32(void *value);  (Thumb code)
 *   entry functions for sy_context_make, one per instruction set, whatever
 *   the build's mode: the trampoline must enter each in its own state (a
 *   Thumb function's pointer has bit 0 set). Each records sp, FPSCR and
 *   which stub ran exactly as the trampoline delivered them, resets FPSCR
 *   to 0 (the Linux default), and calls regcheck_entry_c(value) on a
 *   re-aligned stack (it never returns).
 */
#include "regcheck.h"

#if defined(__thumb__)
#define PC_AHEAD 4
#else
#define PC_AHEAD 8
#endif

/* r = the address of sym; `here` labels the add that reads pc (ahead = 8 in ARM code, 4 in Thumb) */
.macro ADDRESS r, sym, here, ahead
	movw	\r, #:lower16:(\sym - (\here + \ahead))
	movt	\r, #:upper16:(\sym - (\here + \ahead))
\here:	add	\r, pc
.endm

/* frame below push {r4-r11, lr} (36) and vpush {d8-d15} (64): 0 = caller
 * FPSCR, 4 = out; 12 bytes keep sp 8-aligned at the call (36 + 64 + 12 = 112) */
#define F_FPSCR 0
#define F_OUT 4
#define F_SIZE 12
#define A_OUT (F_SIZE + 64 + 36) /* the fifth argument, at the caller's sp */

	.syntax unified
	.text
	.globl	regcheck_switch
	.type	regcheck_switch, %function
	.p2align 2
regcheck_switch:
	.cfi_startproc
	push	{r4-r11, lr}
	.cfi_def_cfa_offset 36
	.cfi_offset r4, -36
	.cfi_offset r5, -32
	.cfi_offset r6, -28
	.cfi_offset r7, -24
	.cfi_offset r8, -20
	.cfi_offset r9, -16
	.cfi_offset r10, -12
	.cfi_offset r11, -8
	.cfi_offset lr, -4
	vpush	{d8-d15}
	.cfi_def_cfa_offset 100
	sub	sp, sp, #F_SIZE
	.cfi_def_cfa_offset 112
	vmrs	r12, fpscr
	str	r12, [sp, #F_FPSCR]
	ldr	lr, [sp, #A_OUT]
	str	lr, [sp, #F_OUT]

	/* FPSCR pattern, then read back what the hardware holds */
	ldr	r12, [r2, #RC_IN_FPCTL]
	vmsr	fpscr, r12
	vmrs	r12, fpscr
	str	r12, [lr, #RC_OUT_FPCTL_PRE]
	mov	r12, sp
	str	r12, [lr, #RC_OUT_SP_BEFORE]

	/* sentinels; order = GPR_NAMES / FPR_NAMES in regcheck.c */
	add	r12, r2, #RC_IN_FPR
	vldm	r12, {d8-d15}
	ldr	r4, [r2, #RC_IN_GPR + 0]
	ldr	r5, [r2, #RC_IN_GPR + 8]
	ldr	r6, [r2, #RC_IN_GPR + 16]
	ldr	r7, [r2, #RC_IN_GPR + 24]
	ldr	r8, [r2, #RC_IN_GPR + 32]
	ldr	r9, [r2, #RC_IN_GPR + 40]
	ldr	r10, [r2, #RC_IN_GPR + 48]
	ldr	r11, [r2, #RC_IN_GPR + 56]

	mov	r2, r3                      /* value: third argument */
	bl	sy_switch

	/* Record first, into a static landing area: if the switcher broke sp,
	 * the frame holding `out` is not trusted. */
	ADDRESS	r12, regcheck_landing, .Lpc_landing, PC_AHEAD
	mov	r1, sp
	str	r1, [r12, #RC_OUT_SP_AFTER]
	str	r4, [r12, #RC_OUT_GPR + 0]
	str	r5, [r12, #RC_OUT_GPR + 8]
	str	r6, [r12, #RC_OUT_GPR + 16]
	str	r7, [r12, #RC_OUT_GPR + 24]
	str	r8, [r12, #RC_OUT_GPR + 32]
	str	r9, [r12, #RC_OUT_GPR + 40]
	str	r10, [r12, #RC_OUT_GPR + 48]
	str	r11, [r12, #RC_OUT_GPR + 56]
	add	r1, r12, #RC_OUT_FPR
	vstm	r1, {d8-d15}
	vmrs	r1, fpscr
	str	r1, [r12, #RC_OUT_FPCTL_POST]
	str	r0, [r12, #RC_OUT_RET]

	/* copy the landing record into *out (not sp_before or fpctl_pre: set above) */
	ldr	lr, [sp, #F_OUT]
	mov	r1, #0
1:	ldr	r2, [r12, r1]
	str	r2, [lr, r1]
	add	r1, r1, #4
	cmp	r1, #RC_OUT_FPCTL_PRE
	bne	1b
	ldr	r2, [r12, #RC_OUT_FPCTL_POST]
	str	r2, [lr, #RC_OUT_FPCTL_POST]
	ldr	r2, [r12, #RC_OUT_SP_AFTER]
	str	r2, [lr, #RC_OUT_SP_AFTER]
	str	r0, [lr, #RC_OUT_RET]

	/* give the caller back its FPSCR and registers */
	ldr	r12, [sp, #F_FPSCR]
	vmsr	fpscr, r12
	add	sp, sp, #F_SIZE
	.cfi_def_cfa_offset 100
	vpop	{d8-d15}
	.cfi_def_cfa_offset 36
	pop	{r4-r11, pc}               /* interworking return to an ARM or Thumb caller */
	.cfi_endproc
	.size	regcheck_switch, .-regcheck_switch

/* one entry stub; \ahead is how far ahead pc reads in its instruction set, \tag which stub it is */
.macro ENTRY_STUB name, ahead, tag
	.globl	\name
	.type	\name, %function
	.p2align 2
\name:
	.cfi_startproc
	mov	r4, r0                      /* value */
	mov	r5, sp
	ADDRESS	r12, regcheck_entry_sp, .Lpc_sp_\tag, \ahead
	str	r5, [r12]
	mov	r5, #0
	str	r5, [r12, #4]
	ADDRESS	r12, regcheck_entry_fpctl, .Lpc_fpctl_\tag, \ahead
	vmrs	r5, fpscr
	str	r5, [r12]
	mov	r5, #0
	str	r5, [r12, #4]
	vmsr	fpscr, r5                   /* the Linux default FPSCR: 0 */
	ADDRESS	r12, regcheck_entry_stub_ran, .Lpc_ran_\tag, \ahead
	mov	r5, #\tag
	str	r5, [r12]
	/* re-align so that a misaligned entry is reported, not a fault */
	mov	r5, sp
	bic	r5, r5, #7
	mov	sp, r5
	mov	r0, r4
	bl	regcheck_entry_c
	udf	#0
	.cfi_endproc
	.size	\name, .-\name
.endm

	.arm
	ENTRY_STUB regcheck_entry_stub_a32, 8, 32

	.thumb
	.thumb_func
	ENTRY_STUB regcheck_entry_stub_t32, 4, 16

	.section .note.GNU-stack, "", %progbits

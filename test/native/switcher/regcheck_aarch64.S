/*
 * regcheck_aarch64.S: register-preservation probe around sy_switch for
 * AAPCS64 (ELF). See regcheck.h for the ABI citations.
 *
 * void *regcheck_switch(sy_context *from, sy_context *to,
 *                       const struct regcheck_in *in, void *value,
 *                       struct regcheck_out *out);
 *   x0 = from, x1 = to, x2 = in, x3 = value, x4 = out
 *
 * It is itself AAPCS64-conformant: it saves the caller's x19-x29, x30,
 * d8-d15 and FPCR and restores them before returning.
 *
 * void regcheck_entry_stub(void *value);
 *   entry function for sy_context_make: records SP and FPCR exactly as the
 *   switcher's trampoline delivered them, resets FPCR to 0 (the Linux
 *   default), and calls regcheck_entry_c(value) on a re-aligned stack.
 *
 * Landing pads use the hint-space encodings (bti c = hint #34) so the file
 * assembles with any -march; the object carries the BTI+PAC property note
 * so linking it does not drop the generated switcher's BTI marking.
 */
#include "regcheck.h"

#define BTI_C hint #34

/* frame (176 bytes): 0 x29/x30, 16..95 x19-x28, 96..159 d8-d15,
 * 160 caller FPCR, 168 out */
#define F_FPCR 160
#define F_OUT 168
#define F_SIZE 176

	.text
	.globl	regcheck_switch
	.type	regcheck_switch, %function
	.p2align 2
regcheck_switch:
	.cfi_startproc
	BTI_C
	stp	x29, x30, [sp, #-F_SIZE]!
	.cfi_def_cfa_offset F_SIZE
	.cfi_offset x29, -F_SIZE
	.cfi_offset x30, -(F_SIZE - 8)
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	.cfi_offset x19, -(F_SIZE - 16)
	.cfi_offset x20, -(F_SIZE - 24)
	.cfi_offset x21, -(F_SIZE - 32)
	.cfi_offset x22, -(F_SIZE - 40)
	.cfi_offset x23, -(F_SIZE - 48)
	.cfi_offset x24, -(F_SIZE - 56)
	.cfi_offset x25, -(F_SIZE - 64)
	.cfi_offset x26, -(F_SIZE - 72)
	.cfi_offset x27, -(F_SIZE - 80)
	.cfi_offset x28, -(F_SIZE - 88)
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	mrs	x9, fpcr
	str	x9, [sp, #F_FPCR]
	str	x4, [sp, #F_OUT]

	/* FPCR pattern, then read back what the hardware holds */
	ldr	x9, [x2, #RC_IN_FPCTL]
	msr	fpcr, x9
	mrs	x9, fpcr
	str	x9, [x4, #RC_OUT_FPCTL_PRE]
	str	xzr, [x4, #RC_OUT_FPCTL_PRE + 8]
	mov	x9, sp
	str	x9, [x4, #RC_OUT_SP_BEFORE]

	/* sentinels; order = GPR_NAMES / FPR_NAMES in regcheck.c.  x29 too:
	 * the CFA above is SP-based, so clobbering the frame pointer is fine. */
	ldp	x19, x20, [x2, #RC_IN_GPR + 0]
	ldp	x21, x22, [x2, #RC_IN_GPR + 16]
	ldp	x23, x24, [x2, #RC_IN_GPR + 32]
	ldp	x25, x26, [x2, #RC_IN_GPR + 48]
	ldp	x27, x28, [x2, #RC_IN_GPR + 64]
	ldr	x29, [x2, #RC_IN_GPR + 80]
	ldp	d8, d9, [x2, #RC_IN_FPR + 0]
	ldp	d10, d11, [x2, #RC_IN_FPR + 16]
	ldp	d12, d13, [x2, #RC_IN_FPR + 32]
	ldp	d14, d15, [x2, #RC_IN_FPR + 48]

	mov	x2, x3                      /* value: third argument */
	bl	sy_switch

	/* Record first, into a static landing area: if the switcher broke SP,
	 * the frame holding `out` is not trusted. */
	adrp	x9, regcheck_landing
	add	x9, x9, :lo12:regcheck_landing
	mov	x10, sp
	str	x10, [x9, #RC_OUT_SP_AFTER]
	stp	x19, x20, [x9, #RC_OUT_GPR + 0]
	stp	x21, x22, [x9, #RC_OUT_GPR + 16]
	stp	x23, x24, [x9, #RC_OUT_GPR + 32]
	stp	x25, x26, [x9, #RC_OUT_GPR + 48]
	stp	x27, x28, [x9, #RC_OUT_GPR + 64]
	str	x29, [x9, #RC_OUT_GPR + 80]
	stp	d8, d9, [x9, #RC_OUT_FPR + 0]
	stp	d10, d11, [x9, #RC_OUT_FPR + 16]
	stp	d12, d13, [x9, #RC_OUT_FPR + 32]
	stp	d14, d15, [x9, #RC_OUT_FPR + 48]
	mrs	x10, fpcr
	str	x10, [x9, #RC_OUT_FPCTL_POST]
	str	xzr, [x9, #RC_OUT_FPCTL_POST + 8]
	str	x0, [x9, #RC_OUT_RET]

	/* copy the landing record into *out */
	ldr	x4, [sp, #F_OUT]
	ldr	x10, [x9, #RC_OUT_SP_AFTER]
	str	x10, [x4, #RC_OUT_SP_AFTER]
	ldr	x10, [x9, #RC_OUT_FPCTL_POST]   /* fpctl_post[0..1]: beyond ldp/stp's reach */
	ldr	x11, [x9, #RC_OUT_FPCTL_POST + 8]
	str	x10, [x4, #RC_OUT_FPCTL_POST]
	str	x11, [x4, #RC_OUT_FPCTL_POST + 8]
	str	x0, [x4, #RC_OUT_RET]
	mov	x12, #0
1:	ldr	x10, [x9, x12]              /* gpr[0..11] and fpr[0..11]: 24 words */
	str	x10, [x4, x12]
	add	x12, x12, #8
	cmp	x12, #RC_OUT_FPCTL_PRE
	b.lo	1b

	/* give the caller back its FPCR and registers */
	ldr	x9, [sp, #F_FPCR]
	msr	fpcr, x9
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #F_SIZE
	.cfi_def_cfa_offset 0
	ret
	.cfi_endproc
	.size	regcheck_switch, .-regcheck_switch

	.globl	regcheck_entry_stub
	.type	regcheck_entry_stub, %function
	.p2align 2
regcheck_entry_stub:
	.cfi_startproc
	BTI_C
	mov	x9, sp
	adrp	x10, regcheck_entry_sp
	str	x9, [x10, :lo12:regcheck_entry_sp]
	mrs	x9, fpcr
	adrp	x10, regcheck_entry_fpctl
	add	x10, x10, :lo12:regcheck_entry_fpctl
	str	x9, [x10]
	msr	fpcr, xzr
	/* re-align so that a misaligned entry is reported, not a fault */
	mov	x9, sp
	and	x9, x9, #~15
	mov	sp, x9
	bl	regcheck_entry_c
	brk	#0x1
	.cfi_endproc
	.size	regcheck_entry_stub, .-regcheck_entry_stub

	/* GNU property note: BTI (bit 0) and PAC (bit 1) compatible */
	.section .note.gnu.property, "a"
	.p2align 3
	.long	4
	.long	16
	.long	5                /* NT_GNU_PROPERTY_TYPE_0 */
	.asciz	"GNU"
	.long	0xc0000000       /* GNU_PROPERTY_AARCH64_FEATURE_1_AND */
	.long	4
	.long	3
	.long	0

	.section .note.GNU-stack, "", %progbits

/*
 * regcheck_i386.S: register-preservation probe around sy_switch for the
 * i386 System V ABI (see regcheck.h for the ABI citations).
 *
 * void *regcheck_switch(sy_context *from, sy_context *to,
 *                       const struct regcheck_in *in, void *value,
 *                       struct regcheck_out *out);
 *   every argument on the stack: 4(%esp) = from ... 20(%esp) = out at entry
 *
 * It is itself ABI-conformant: it saves the caller's ebx esi edi ebp, the
 * x87 control word and (with SSE) MXCSR, and restores them before
 * returning. 32-bit values sit in the low (little-endian: first) word of
 * each 64-bit slot of the in/out records; regcheck.c zeroes the high words.
 * The FP control slots are fpctl[0] = MXCSR, fpctl[1] = x87 CW when the
 * file is compiled with SSE (__SSE__), and fpctl[0] = x87 CW without.
 *
 * The landing area and the entry records are addressed absolutely: the
 * harness links statically (no PIE), and ebx holds a sentinel, not a GOT.
 *
 * void regcheck_entry_stub(void *value);
 *   entry function for sy_context_make: records esp and the FP control
 *   registers exactly as the switcher's trampoline delivered them, resets
 *   the FP control registers to the power-on defaults, and calls
 *   regcheck_entry_c(value) on a re-aligned stack (it never returns).
 */
#include "regcheck.h"

#if defined(__CET__) && (__CET__ & 1)
#define ENDBR endbr32
#else
#define ENDBR
#endif

#if defined(__SSE__)
#define X87 8 /* fpctl[1] */
#else
#define X87 0 /* fpctl[0]: there is no MXCSR */
#endif

/* frame below the four pushes: 0, 4, 8 = sy_switch's arguments,
 * 12 = out, 16 = caller MXCSR, 20 = caller x87 CW; 28 bytes keep the call
 * 16-aligned (entry esp % 16 == 12, minus 16 for the pushes, minus 28) */
#define F_OUT 12
#define F_MXCSR 16
#define F_FPUCW 20
#define F_SIZE 28
/* the caller's arguments, above F_SIZE, four pushes and the return address */
#define A_FROM (F_SIZE + 20)
#define A_TO (F_SIZE + 24)
#define A_IN (F_SIZE + 28)
#define A_VALUE (F_SIZE + 32)
#define A_OUT (F_SIZE + 36)

	.text
	.globl	regcheck_switch
	.type	regcheck_switch, @function
	.p2align 4
regcheck_switch:
	.cfi_startproc
	ENDBR
	pushl	%ebp
	.cfi_def_cfa_offset 8
	.cfi_offset %ebp, -8
	pushl	%ebx
	.cfi_def_cfa_offset 12
	.cfi_offset %ebx, -12
	pushl	%esi
	.cfi_def_cfa_offset 16
	.cfi_offset %esi, -16
	pushl	%edi
	.cfi_def_cfa_offset 20
	.cfi_offset %edi, -20
	subl	$F_SIZE, %esp
	.cfi_def_cfa_offset 48

	movl	A_OUT(%esp), %ecx
	movl	%ecx, F_OUT(%esp)
	movl	A_IN(%esp), %edx
#if defined(__SSE__)
	stmxcsr	F_MXCSR(%esp)
#endif
	fnstcw	F_FPUCW(%esp)

	/* FP control pattern, then read back what the hardware holds */
#if defined(__SSE__)
	ldmxcsr	RC_IN_FPCTL(%edx)
	stmxcsr	RC_OUT_FPCTL_PRE(%ecx)
#endif
	fnclex
	fldcw	RC_IN_FPCTL+X87(%edx)
	fnstcw	RC_OUT_FPCTL_PRE+X87(%ecx)
	movl	%esp, RC_OUT_SP_BEFORE(%ecx)

	/* sy_switch(from, to, value) */
	movl	A_FROM(%esp), %eax
	movl	%eax, 0(%esp)
	movl	A_TO(%esp), %eax
	movl	%eax, 4(%esp)
	movl	A_VALUE(%esp), %eax
	movl	%eax, 8(%esp)

	/* sentinels into every callee-saved GPR; order = GPR_NAMES */
	movl	RC_IN_GPR+0(%edx), %ebx
	movl	RC_IN_GPR+8(%edx), %esi
	movl	RC_IN_GPR+16(%edx), %edi
	movl	RC_IN_GPR+24(%edx), %ebp

	call	sy_switch

	/* Record first, into the static landing area: if the switcher broke
	 * %esp, the stack slot holding `out` is not trusted. */
	movl	%esp, regcheck_landing+RC_OUT_SP_AFTER
	movl	%ebx, regcheck_landing+RC_OUT_GPR+0
	movl	%esi, regcheck_landing+RC_OUT_GPR+8
	movl	%edi, regcheck_landing+RC_OUT_GPR+16
	movl	%ebp, regcheck_landing+RC_OUT_GPR+24
#if defined(__SSE__)
	stmxcsr	regcheck_landing+RC_OUT_FPCTL_POST
#endif
	fnstcw	regcheck_landing+RC_OUT_FPCTL_POST+X87
	movl	%eax, regcheck_landing+RC_OUT_RET

	/* copy the landing record into *out (its high words stay 0) */
	movl	F_OUT(%esp), %ecx
	movl	regcheck_landing+RC_OUT_SP_AFTER, %edx
	movl	%edx, RC_OUT_SP_AFTER(%ecx)
	movl	regcheck_landing+RC_OUT_FPCTL_POST, %edx
	movl	%edx, RC_OUT_FPCTL_POST(%ecx)
	movl	regcheck_landing+RC_OUT_FPCTL_POST+8, %edx
	movl	%edx, RC_OUT_FPCTL_POST+8(%ecx)
	movl	%eax, RC_OUT_RET(%ecx)
	movl	%ebx, RC_OUT_GPR+0(%ecx)
	movl	%esi, RC_OUT_GPR+8(%ecx)
	movl	%edi, RC_OUT_GPR+16(%ecx)
	movl	%ebp, RC_OUT_GPR+24(%ecx)

	/* give the caller back its own FP control state and registers */
#if defined(__SSE__)
	ldmxcsr	F_MXCSR(%esp)
#endif
	fnclex
	fldcw	F_FPUCW(%esp)
	addl	$F_SIZE, %esp
	.cfi_def_cfa_offset 20
	popl	%edi
	.cfi_def_cfa_offset 16
	popl	%esi
	.cfi_def_cfa_offset 12
	popl	%ebx
	.cfi_def_cfa_offset 8
	popl	%ebp
	.cfi_def_cfa_offset 4
	ret
	.cfi_endproc
	.size	regcheck_switch, .-regcheck_switch

	.globl	regcheck_entry_stub
	.type	regcheck_entry_stub, @function
	.p2align 4
regcheck_entry_stub:
	.cfi_startproc
	ENDBR
	movl	%esp, regcheck_entry_sp
#if defined(__SSE__)
	stmxcsr	regcheck_entry_fpctl
#endif
	fnstcw	regcheck_entry_fpctl+X87
	/* power-on defaults: the C code must not run with a test pattern */
#if defined(__SSE__)
	movl	$0x1f80, regcheck_entry_scratch
	ldmxcsr	regcheck_entry_scratch
#endif
	movl	$0x037f, regcheck_entry_scratch
	fnclex
	fldcw	regcheck_entry_scratch
	/* call C on a re-aligned stack so that even a misaligned entry is
	 * reported by regcheck_entry_c (which checks the recorded value);
	 * entry never returns */
	movl	4(%esp), %eax
	andl	$-16, %esp
	subl	$12, %esp
	pushl	%eax
	call	regcheck_entry_c
	ud2
	.cfi_endproc
	.size	regcheck_entry_stub, .-regcheck_entry_stub

	.local	regcheck_entry_scratch
	.comm	regcheck_entry_scratch, 4, 4

#if defined(__CET__)
	/* GNU property note: this object is IBT/SHSTK compatible */
	.section .note.gnu.property, "a"
	.p2align 2
	.long	4                /* name size */
	.long	12               /* descriptor size */
	.long	5                /* NT_GNU_PROPERTY_TYPE_0 */
	.asciz	"GNU"
	.long	0xc0000002       /* GNU_PROPERTY_X86_FEATURE_1_AND */
	.long	4
	.long	__CET__ & 3      /* bit 0 IBT, bit 1 SHSTK */
	.p2align 2
#endif

	.section .note.GNU-stack, "", @progbits

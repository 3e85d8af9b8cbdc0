/*
 * regcheck.h: the data shared between regcheck.c and the per-ISA assembly
 * helpers regcheck_<isa>.S. Offsets are fixed numbers because the assembly
 * uses them directly; regcheck.c static-asserts them.
 *
 * The register lists below are written from the ABI documents, NOT from the
 * switchyard generator's specs, so a register that a spec forgets makes this
 * harness fail:
 *
 *  x86-64  System V AMD64 psABI (x86-64 psABI 1.0), section 3.2.1
 *          "Registers", figure 3.4 "Register Usage": %rbx, %rbp, %r12-%r15
 *          are preserved across function calls (plus %rsp). "The control bits
 *          of the MXCSR register are callee-saved (preserved across calls),
 *          while the status bits are caller-saved. The x87 status word
 *          register is caller-saved, whereas the x87 control word is
 *          callee-saved." Section 3.2.2 "The Stack Frame": (%rsp + 8) is a
 *          multiple of 16 when control is transferred to a function entry
 *          point.
 *  AArch64 AAPCS64 (Procedure Call Standard for the Arm 64-bit Architecture),
 *          section 6.1.1 "General-purpose Registers": a subroutine must
 *          preserve r19-r29 and SP (r18 is the platform register, not
 *          checked); section 6.1.2 "SIMD and Floating-Point Registers":
 *          v8-v15 must be preserved, only their bottom 64 bits (d8-d15);
 *          the FPCR paragraph of the same chapter: the FPCR mode fields
 *          RMode (bits 22-23), FZ (24), DN (25), AHP (26) are global state
 *          of the thread, which a context switch keeps per context
 *          (switchyard's contract); "The Stack" (6.4.5): SP mod 16 = 0 at
 *          every public interface.
 *  RISC-V  RISC-V ELF psABI, "Procedure Calling Convention", "Integer
 *          Register Convention": s0-s11 (and sp) are preserved across calls,
 *          ra is not (it is checked implicitly: the switch must come back);
 *          "Floating-point Register Convention": fs0-fs11 are preserved
 *          when FLEN >= the ABI's FP width (lp64d: 64-bit, so all 64 bits);
 *          fcsr has thread storage duration (C11 7.6), so a context keeps
 *          its rounding mode frm (fflags deliberately not checked);
 *          "the stack pointer shall be aligned to a 128-bit boundary upon
 *          procedure entry".
 */
#ifndef REGCHECK_H
#define REGCHECK_H

#define RC_MAX_GPR 12
#define RC_MAX_FPR 12
#define RC_MAX_FPCTL 2

/* struct regcheck_in */
#define RC_IN_GPR 0      /* uint64_t gpr[12]: sentinels, in the order of RC_GPR_NAMES */
#define RC_IN_FPR 96     /* uint64_t fpr[12]: bit patterns for the FP callee-saved regs */
#define RC_IN_FPCTL 192  /* uint64_t fpctl[2]: FP control pattern to set before the switch */
#define RC_IN_SIZE 208

/* struct regcheck_out */
#define RC_OUT_GPR 0          /* uint64_t gpr[12] after sy_switch returned */
#define RC_OUT_FPR 96         /* uint64_t fpr[12] after sy_switch returned */
#define RC_OUT_FPCTL_PRE 192  /* uint64_t fpctl_pre[2]: read back right after setting the pattern */
#define RC_OUT_FPCTL_POST 208 /* uint64_t fpctl_post[2]: read after sy_switch returned */
#define RC_OUT_SP_BEFORE 224  /* stack pointer at the call to sy_switch */
#define RC_OUT_SP_AFTER 232   /* stack pointer right after sy_switch returned */
#define RC_OUT_RET 240        /* sy_switch's return value */
#define RC_OUT_SIZE 248

#ifndef __ASSEMBLER__
#include <stdint.h>

struct regcheck_in {
  uint64_t gpr[RC_MAX_GPR];
  uint64_t fpr[RC_MAX_FPR];
  uint64_t fpctl[RC_MAX_FPCTL];
};

struct regcheck_out {
  uint64_t gpr[RC_MAX_GPR];
  uint64_t fpr[RC_MAX_FPR];
  uint64_t fpctl_pre[RC_MAX_FPCTL];
  uint64_t fpctl_post[RC_MAX_FPCTL];
  uint64_t sp_before;
  uint64_t sp_after;
  uint64_t ret;
};

#endif
#endif

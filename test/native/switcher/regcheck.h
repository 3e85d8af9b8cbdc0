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
 *  ppc64le 64-Bit ELF V2 ABI Specification (OpenPOWER), section 2.2.1.1
 *          "Register Roles": r1 (stack pointer), r2 (TOC pointer), r14-r31,
 *          CR2-CR4, f14-f31 and v20-v31 are nonvolatile (r13 is the thread
 *          pointer, not checked); the "limited-access" FPSCR fields (RN
 *          rounding, DRN decimal rounding, the VE OE UE ZE XE enables, NI)
 *          and VSCR[NJ] are preserved across calls, the status bits are not.
 *          2.2.2 "The Stack Frame": r1 is quadword aligned at every call.
 *          2.3.2.1: a function called through a pointer is entered at its
 *          global entry point with r12 holding that address (checked too).
 *  s390x   ELF ABI s390x Supplement, section 1.2.2 "Register Usage": r6-r13
 *          and r15 (stack pointer) are preserved, r14 (return address) is
 *          not; f8-f15 are preserved (as 64-bit values). The supplement is
 *          silent on the FPC: switchyard keeps its mode fields (IEEE masks
 *          byte 0, DFP rounding bits 25-27, BFP rounding bits 29-31) per
 *          context like the other ABIs' FP control. "The Stack Frame": r15
 *          is 8-byte aligned.
 *  i386    System V Intel386 psABI 1.1, section 2.2.2 "Registers", table
 *          2.3 "Register Usage": %ebx, %esi, %edi, %ebp (and %esp) belong to
 *          the calling function, which the callee must preserve; "The
 *          control bits of the MXCSR register are callee-saved (preserved
 *          across calls), while the status bits are caller-saved. The x87
 *          status word register is caller-saved, whereas the x87 control word
 *          is callee-saved." MXCSR exists only with SSE: checked when the
 *          harness is compiled with __SSE__. Section 2.2.2 "The Stack
 *          Frame": "the value (%esp + 4) is always a multiple of 16 when
 *          control is transferred to the function entry point".
 *  mips64el MIPSpro N32 ABI Handbook, chapter 2, table 2-1 (the n64 column,
 *          which the Linux n64 ABI follows): $16-$23, $28 (gp), $29 (sp),
 *          $30 are callee-saved, $31 holds the return address; with 64-bit
 *          FP registers $f24-$f31 are callee-saved (odd and even). MIPS ELF
 *          supplement, "Function Calling Sequence": a position-independent
 *          call goes through $25, which holds the callee's address at its
 *          entry (checked too). FCSR: its modes RM (bits 0-1), Enables
 *          (7-11) and FS (24) are kept per context (switchyard's contract;
 *          the ABI leaves the FCSR unspecified), Flags/Cause/FCC are not.
 *          The stack pointer is 16-byte aligned.
 *  win64   Microsoft "x64 calling convention", "Caller/callee saved
 *          registers": rbx, rbp, rdi, rsi, rsp, r12-r15 and xmm6-xmm15 are
 *          nonvolatile (xmm6-xmm15 in full: all 128 bits); "x64 ABI
 *          conventions", "MXCSR" and "x87 FPU": MXCSR bits 6-15 and the x87
 *          control word are nonvolatile, the status bits volatile; "Stack
 *          allocation": rsp is 16-byte aligned at a call, and the caller
 *          provides 32 bytes of home area above the return address. The TEB
 *          (NT_TIB StackBase gs:0x08, StackLimit gs:0x10; DeallocationStack
 *          gs:0x1478) must describe the stack that runs: checked after every
 *          switch and at a coroutine's entry.
 *  armhf   Procedure Call Standard for the Arm Architecture (AAPCS32),
 *          "Core registers": r4-r8, r10, r11 and sp must be preserved, and
 *          r9 where the platform does not reserve it (Linux does not); r12
 *          (IP) may be corrupted by veneers. "VFP register usage
 *          conventions": s16-s31 (= d8-d15) must be preserved, d16-d31 need
 *          not (and do not exist on VFPv3-D16); in the FPSCR the exception
 *          trap enables (bits 8-12, 15), the rounding mode (22-23) and FZ
 *          (24) are changed only by functions documented to, the condition
 *          and cumulative exception flags are not preserved. DN (25) and AHP
 *          (26) are modes too: switchyard keeps them per context as on
 *          AArch64. "The Stack": sp is 8-byte aligned at public interfaces.
 *          Callers and callees may be ARM or Thumb code (interworking):
 *          the harness runs built both ways, with entry functions of both.
 *  RISC-V  RISC-V ELF psABI, "Procedure Calling Convention", "Integer
 *          Register Convention": s0-s11 (and sp) are preserved across calls,
 *          ra is not (it is checked implicitly: the switch must come back);
 *          "Floating-point Register Convention": fs0-fs11 are preserved
 *          when FLEN >= the ABI's FP width (lp64d: 64-bit, so all 64 bits);
 *          fcsr has thread storage duration (C11 7.6), so a context keeps
 *          its rounding mode frm (fflags deliberately not checked);
 *          "the stack pointer shall be aligned to a 128-bit boundary upon
 *          procedure entry".
 *  RV32    the same psABI chapters for ilp32d: s0-s11 are 32 bits wide;
 *          fs0-fs11 are preserved because FLEN (64, the D extension) is at
 *          least the ABI's FP width (64 under ilp32d), so all 64 bits of each
 *          are checked, not only a float's 32; frm as above; the 128-bit
 *          stack alignment holds for ILP32 too.
 */
#ifndef REGCHECK_H
#define REGCHECK_H

#define RC_MAX_GPR 20
#define RC_MAX_FPR 48 /* 64-bit units: a 128-bit vector register takes two */
#define RC_MAX_FPCTL 4

/* struct regcheck_in (16-aligned: vector sentinels are loaded with lvx) */
#define RC_IN_GPR 0      /* uint64_t gpr[20]: sentinels, in the order of GPR_NAMES */
#define RC_IN_FPR 160    /* uint64_t fpr[48]: bit patterns for the FP/vector callee-saved regs */
#define RC_IN_FPCTL 544  /* uint64_t fpctl[4]: FP control pattern to set before the switch */
#define RC_IN_SIZE 576

/* struct regcheck_out (16-aligned) */
#define RC_OUT_GPR 0          /* uint64_t gpr[20] after sy_switch returned */
#define RC_OUT_FPR 160        /* uint64_t fpr[48] after sy_switch returned */
#define RC_OUT_FPCTL_PRE 544  /* uint64_t fpctl_pre[4]: read back right after setting the pattern */
#define RC_OUT_FPCTL_POST 576 /* uint64_t fpctl_post[4]: read after sy_switch returned */
#define RC_OUT_SP_BEFORE 608  /* stack pointer at the call to sy_switch */
#define RC_OUT_SP_AFTER 616   /* stack pointer right after sy_switch returned */
#define RC_OUT_RET 624        /* sy_switch's return value */
#define RC_OUT_SIZE 640

#ifndef __ASSEMBLER__
#include <stdint.h>

struct regcheck_in {
  uint64_t gpr[RC_MAX_GPR];
  uint64_t fpr[RC_MAX_FPR];
  uint64_t fpctl[RC_MAX_FPCTL];
} __attribute__((aligned(16)));

struct regcheck_out {
  uint64_t gpr[RC_MAX_GPR];
  uint64_t fpr[RC_MAX_FPR];
  uint64_t fpctl_pre[RC_MAX_FPCTL];
  uint64_t fpctl_post[RC_MAX_FPCTL];
  uint64_t sp_before;
  uint64_t sp_after;
  uint64_t ret;
  uint64_t unused;
} __attribute__((aligned(16)));

#endif
#endif

/*
 * regcheck.c: independent, run-time proof that the generated sy_switch
 * preserves everything the ABI says a call must preserve.
 *
 *   regcheck                 run all phases, print one summary line, exit 0
 *   regcheck --entry-returns make a coroutine whose entry returns; the
 *                            switcher's trampoline must abort with a message
 *
 * Phases:
 *   pingpong  main <-> one coroutine, PINGPONG_ROUNDS round trips
 *   ring      main -> c1 -> c2 -> c3 -> main (coroutines switch directly to
 *             each other, each resumed by a different context), RING_LAPS laps
 *
 * Before every switch the switching side loads each callee-saved register
 * with its own sentinel (derived from a seed unique to side, phase and
 * iteration) and sets the FP control registers to a pattern from the same
 * seed (regcheck_<isa>.S). When the switch comes back, every register must
 * hold its sentinel again, the FP control fields must match, the stack
 * pointer must be the one at the call, and the returned value must be the
 * one the resuming side sent (counters encoded in the value).
 *
 * The register lists are from the ABI documents (see regcheck.h), not from
 * the generator's specs.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(_WIN32)
#include <windows.h>
#else
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "switchyard/context.h"
#include "regcheck.h"

_Static_assert(__builtin_offsetof(struct regcheck_in, fpr) == RC_IN_FPR, "in.fpr");
_Static_assert(__builtin_offsetof(struct regcheck_in, fpctl) == RC_IN_FPCTL, "in.fpctl");
_Static_assert(sizeof(struct regcheck_in) == RC_IN_SIZE, "in size");
_Static_assert(__builtin_offsetof(struct regcheck_out, fpr) == RC_OUT_FPR, "out.fpr");
_Static_assert(__builtin_offsetof(struct regcheck_out, fpctl_pre) == RC_OUT_FPCTL_PRE, "out.pre");
_Static_assert(__builtin_offsetof(struct regcheck_out, fpctl_post) == RC_OUT_FPCTL_POST, "out.post");
_Static_assert(__builtin_offsetof(struct regcheck_out, sp_before) == RC_OUT_SP_BEFORE, "out.spb");
_Static_assert(__builtin_offsetof(struct regcheck_out, sp_after) == RC_OUT_SP_AFTER, "out.spa");
_Static_assert(__builtin_offsetof(struct regcheck_out, ret) == RC_OUT_RET, "out.ret");
_Static_assert(sizeof(struct regcheck_out) == RC_OUT_SIZE, "out size");

/* ---- per-ABI register sets (from the ABI documents, see regcheck.h) ---- */

#if defined(__x86_64__) && defined(_WIN64)
#define ISA "win64"
/* Microsoft x64 calling convention, "Caller/callee saved registers": rbx,
 * rbp, rdi, rsi, r12-r15 nonvolatile (rsp: checked separately) */
static const char *const GPR_NAMES[] = {"rbx", "rbp", "rdi", "rsi", "r12", "r13", "r14", "r15"};
/* xmm6-xmm15 nonvolatile in full: each as the two quadwords of its memory image */
static const char *const FPR_NAMES[] = {
    "xmm6[lo]",  "xmm6[hi]",  "xmm7[lo]",  "xmm7[hi]",  "xmm8[lo]",  "xmm8[hi]",  "xmm9[lo]",
    "xmm9[hi]",  "xmm10[lo]", "xmm10[hi]", "xmm11[lo]", "xmm11[hi]", "xmm12[lo]", "xmm12[hi]",
    "xmm13[lo]", "xmm13[hi]", "xmm14[lo]", "xmm14[hi]", "xmm15[lo]", "xmm15[hi]"};
#define N_FPR 20
/* "x64 floating-point and SSE state": MXCSR bits 6-15 and the x87 control word nonvolatile */
static const char *const FPCTL_NAMES[] = {"mxcsr", "x87_cw"};
static uint64_t FPCTL_MASK[] = {0xffc0, 0x1f3f};
#define N_FPCTL 2
#define ENTRY_SP_MOD16 8 /* "Stack allocation": 16-aligned at the call, so rsp % 16 == 8 at entry */
#define HOME_AREA 32     /* the 32 bytes above the return address belong to the callee */
#elif defined(__x86_64__)
#define ISA "x86_64"
/* psABI 3.2.1, figure 3.4: callee-saved GPRs */
static const char *const GPR_NAMES[] = {"rbx", "rbp", "r12", "r13", "r14", "r15"};
static const char *const *const FPR_NAMES = NULL; /* no callee-saved xmm on SysV */
#define N_FPR 0
static const char *const FPCTL_NAMES[] = {"mxcsr", "x87_cw"};
/* MXCSR control bits 6-15 (DAZ, masks IM..PM, RC, FZ); x87 CW masks 0-5,
 * PC 8-9, RC 10-11, X 12 */
static uint64_t FPCTL_MASK[] = {0xffc0, 0x1f3f};
#define N_FPCTL 2
#define ENTRY_SP_MOD16 8 /* psABI 3.2.2: (%rsp + 8) % 16 == 0 at function entry */
#elif defined(__aarch64__)
#define ISA "aarch64"
/* AAPCS64 6.1.1: r19-r29 preserved (r18 platform register: not checked) */
static const char *const GPR_NAMES[] = {"x19", "x20", "x21", "x22", "x23", "x24",
                                        "x25", "x26", "x27", "x28", "x29"};
/* AAPCS64 6.1.2: bottom 64 bits of v8-v15 */
static const char *const FPR_NAMES[] = {"d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15"};
#define N_FPR 8
static const char *const FPCTL_NAMES[] = {"fpcr"};
/* FPCR RMode 22-23, FZ 24, DN 25, AHP 26 */
static uint64_t FPCTL_MASK[] = {0x07c00000};
#define N_FPCTL 1
#define ENTRY_SP_MOD16 0 /* AAPCS64 6.4.5: SP mod 16 == 0 */
#elif defined(__riscv) && __riscv_xlen == 64
#define ISA "riscv64"
/* RISC-V psABI, Integer Register Convention: s0-s11 preserved */
static const char *const GPR_NAMES[] = {"s0", "s1", "s2", "s3", "s4", "s5",
                                        "s6", "s7", "s8", "s9", "s10", "s11"};
/* Floating-point Register Convention (lp64d): fs0-fs11 preserved, 64 bits */
static const char *const FPR_NAMES[] = {"fs0", "fs1", "fs2", "fs3", "fs4",  "fs5",
                                        "fs6", "fs7", "fs8", "fs9", "fs10", "fs11"};
#define N_FPR 12
static const char *const FPCTL_NAMES[] = {"frm"};
static uint64_t FPCTL_MASK[] = {0x7};
#define N_FPCTL 1
#define ENTRY_SP_MOD16 0 /* psABI: sp 128-bit aligned on procedure entry */
#elif defined(__riscv) && __riscv_xlen == 32 && defined(__riscv_float_abi_double)
#define ISA "riscv32"
/* RISC-V psABI, Integer Register Convention: s0-s11 preserved (32-bit under ilp32d) */
static const char *const GPR_NAMES[] = {"s0", "s1", "s2", "s3", "s4", "s5",
                                        "s6", "s7", "s8", "s9", "s10", "s11"};
/* Floating-point Register Convention (ilp32d, FLEN = 64): fs0-fs11 preserved, all 64 bits */
static const char *const FPR_NAMES[] = {"fs0", "fs1", "fs2", "fs3", "fs4",  "fs5",
                                        "fs6", "fs7", "fs8", "fs9", "fs10", "fs11"};
#define N_FPR 12
static const char *const FPCTL_NAMES[] = {"frm"};
static uint64_t FPCTL_MASK[] = {0x7};
#define N_FPCTL 1
#define ENTRY_SP_MOD16 0 /* psABI: sp 128-bit aligned on procedure entry, ILP32 too */
#elif defined(__powerpc64__) && defined(_CALL_ELF) && _CALL_ELF == 2
#define ISA "ppc64le"
/* ELFv2 2.2.1.1: r2 (TOC) and r14-r31 nonvolatile (r13 thread pointer: not checked) */
static const char *const GPR_NAMES[] = {"r2",  "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22",
                                        "r23", "r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31"};
/* f14-f31 (64-bit), then v20-v31 in full, each as the two doublewords of its
 * little-endian memory image (bytes 0-7, bytes 8-15) */
static const char *const FPR_NAMES[] = {
    "f14",     "f15",     "f16",     "f17",     "f18",     "f19",     "f20",     "f21",     "f22",
    "f23",     "f24",     "f25",     "f26",     "f27",     "f28",     "f29",     "f30",     "f31",
    "v20[lo]", "v20[hi]", "v21[lo]", "v21[hi]", "v22[lo]", "v22[hi]", "v23[lo]", "v23[hi]", "v24[lo]",
    "v24[hi]", "v25[lo]", "v25[hi]", "v26[lo]", "v26[hi]", "v27[lo]", "v27[hi]", "v28[lo]", "v28[hi]",
    "v29[lo]", "v29[hi]", "v30[lo]", "v30[hi]", "v31[lo]", "v31[hi]"};
#define N_FPR 42
/* limited-access state: FPSCR RN (bits 62-63), NI, XE ZE UE OE VE (low byte)
 * and DRN (bits 29-31, value bits 32-34); VSCR[NJ]; and the nonvolatile CR
 * fields CR2-CR4 (bits 40-51, mask 0x00fff000 of the 32-bit CR) */
static const char *const FPCTL_NAMES[] = {"fpscr", "vscr", "cr"};
static uint64_t FPCTL_MASK[] = {0x7000000ffull, 0x10000, 0x00fff000};
#define N_FPCTL 3
#define ENTRY_SP_ALIGN 16
#define ENTRY_SP_MOD16 0 /* ELFv2 2.2.2: quadword-aligned stack pointer */
#elif defined(__s390x__)
#define ISA "s390x"
/* s390x supplement 1.2.2: r6-r13 preserved (r15 = sp: checked separately) */
static const char *const GPR_NAMES[] = {"r6", "r7", "r8", "r9", "r10", "r11", "r12", "r13"};
static const char *const FPR_NAMES[] = {"f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15"};
#define N_FPR 8
/* FPC: IEEE masks (bits 0-4), DFP rounding (25-27), BFP rounding (29-31) */
static const char *const FPCTL_NAMES[] = {"fpc"};
static uint64_t FPCTL_MASK[] = {0xf8000077};
#define N_FPCTL 1
#define ENTRY_SP_ALIGN 8
#define ENTRY_SP_MOD16 0 /* supplement 1.2.2.2: 8-byte aligned stack pointer */
#elif defined(__i386__)
#define ISA "i386"
/* i386 psABI 2.2.2, table 2.3: ebx, esi, edi, ebp preserved (esp: checked separately) */
static const char *const GPR_NAMES[] = {"ebx", "esi", "edi", "ebp"};
static const char *const *const FPR_NAMES = NULL; /* no callee-saved FP registers */
#define N_FPR 0
#if defined(__SSE__)
/* MXCSR control bits 6-15; x87 CW masks 0-5, PC 8-9, RC 10-11, X 12 */
static const char *const FPCTL_NAMES[] = {"mxcsr", "x87_cw"};
static uint64_t FPCTL_MASK[] = {0xffc0, 0x1f3f};
#define N_FPCTL 2
#else
/* no SSE in this build: the x87 control word alone (regcheck_i386.S puts it in fpctl[0]) */
static const char *const FPCTL_NAMES[] = {"x87_cw"};
static uint64_t FPCTL_MASK[] = {0x1f3f};
#define N_FPCTL 1
#endif
#define ENTRY_SP_MOD16 12 /* psABI 2.2.2: (%esp + 4) % 16 == 0 at function entry */
#elif defined(__mips__) && defined(_MIPS_SIM) && _MIPS_SIM == _ABI64
#define ISA "mips64el"
/* N32/n64 handbook table 2-1: $16-$23, $28 (gp), $30 preserved ($29 = sp: checked separately) */
static const char *const GPR_NAMES[] = {"$16", "$17", "$18", "$19", "$20", "$21", "$22", "$23", "$28", "$30"};
/* n64 with 64-bit FP registers: $f24-$f31 */
static const char *const FPR_NAMES[] = {"$f24", "$f25", "$f26", "$f27", "$f28", "$f29", "$f30", "$f31"};
#define N_FPR 8
/* FCSR RM (0-1), Enables (7-11), FS (24) */
static const char *const FPCTL_NAMES[] = {"fcsr"};
static uint64_t FPCTL_MASK[] = {0x01000f83};
#define N_FPCTL 1
#define ENTRY_SP_MOD16 0 /* 16-byte aligned stack pointer */
#elif defined(__arm__) && defined(__ARM_PCS_VFP)
#if defined(__thumb__)
#define ISA "armhf" /* built as Thumb-2 code, the compiler's default */
#else
#define ISA "armhf-arm" /* built as ARM code (-marm) */
#endif
/* AAPCS32 "Core registers": r4-r11 preserved (r9 is a variable register on Linux; sp: checked separately) */
static const char *const GPR_NAMES[] = {"r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11"};
/* "VFP register usage conventions": s16-s31 = d8-d15 preserved (d16-d31 are not, and may not exist) */
static const char *const FPR_NAMES[] = {"d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15"};
#define N_FPR 8
/* FPSCR exception enables IOE..IXE (8-12) and IDE (15), RMode (22-23), FZ (24);
 * DN (25) and AHP (26) are modes too, kept per context like AArch64's FPCR */
static const char *const FPCTL_NAMES[] = {"fpscr"};
static uint64_t FPCTL_MASK[] = {0x07c09f00};
#define N_FPCTL 1
#define ENTRY_SP_ALIGN 8
#define ENTRY_SP_MOD16 0 /* AAPCS32 "The Stack": sp 8-byte aligned at public interfaces */
#else
#error "regcheck: unsupported ISA"
#endif
#ifndef ENTRY_SP_ALIGN
#define ENTRY_SP_ALIGN 16
#endif

/* Where the switch must carry the current FP exception flags into the
 * resumed context instead of bringing back its stale ones (the status bits
 * are caller-saved): the flags after a switch returns are the ones the side
 * that resumed it had set. Checked where switchyard promises it. */
#if defined(__mips__)
#define CARRIED_FPCTL 0
#define CARRIED_MASK 0x7cull /* FCSR Flags, bits 2-6 */
#elif defined(__i386__) && defined(__SSE__)
#define CARRIED_FPCTL 0
#define CARRIED_MASK 0x3full /* MXCSR exception flags, bits 0-5 */
#elif defined(__arm__)
#define CARRIED_FPCTL 0
#define CARRIED_MASK 0x9full /* FPSCR cumulative exception flags IOC DZC OFC UFC IXC (0-4), IDC (7) */
#endif

#define N_GPR (sizeof GPR_NAMES / sizeof GPR_NAMES[0])
_Static_assert(N_GPR <= RC_MAX_GPR, "too many GPRs");

/* ---- the assembly side ---- */

/* COFF has no symbol visibility (GCC warns that it ignores the attribute) */
#if defined(_WIN32)
#define HIDDEN
#else
#define HIDDEN __attribute__((visibility("hidden")))
#endif

void *regcheck_switch(sy_context *from, sy_context *to, const struct regcheck_in *in, void *value,
                      struct regcheck_out *out);
#if defined(__arm__)
/* one entry stub per instruction set (regcheck_armhf.S); entry_stub() picks one per coroutine */
void regcheck_entry_stub_a32(void *value);
void regcheck_entry_stub_t32(void *value);
#else
void regcheck_entry_stub(void *value);
#endif
void regcheck_entry_c(void *value);

HIDDEN struct regcheck_out regcheck_landing;
HIDDEN uint64_t regcheck_entry_sp;
HIDDEN uint64_t regcheck_entry_fpctl[RC_MAX_FPCTL];
/* ppc64le: r12 as the entry stub saw it (ELFv2: the global entry point's own address) */
HIDDEN uint64_t regcheck_entry_r12;
/* mips64el: $25 (t9) as the entry stub saw it (a PIC call: the callee's own address) */
HIDDEN uint64_t regcheck_entry_t9;
/* armhf: which entry stub ran (32 = the ARM one, 16 = the Thumb one) */
HIDDEN uint32_t regcheck_entry_stub_ran;

/* ---- state ---- */

#define PINGPONG_ROUNDS 10000
#define RING_COROS 3
#define RING_LAPS 3000
#define STACK_SIZE (256 * 1024)
#define MAX_CTX (RING_COROS + 1)

enum phase { PHASE_PINGPONG = 1, PHASE_RING = 2 };

static struct {
  enum phase phase;
  int ncoros;      /* coroutines in this phase; participants are 0 (main) .. ncoros */
  long rounds;     /* how many sends main makes */
  sy_context ctx[MAX_CTX];
  char *stack_lo[MAX_CTX];   /* stack_base given to sy_context_make */
  size_t stack_size[MAX_CTX];
  long step[MAX_CTX];  /* sends made so far by each participant */
  int entered[MAX_CTX];
  long checks;         /* switch returns verified */
  const char *where;   /* for the crash handler */
  long where_iter;
  int where_side;
} S;

static uint64_t entry_fpctl_seen[RC_MAX_FPCTL];
static int entry_fpctl_recorded;

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...) {
  va_list ap;
  fflush(stdout);
  fprintf(stderr, "regcheck " ISA " FAIL: ");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fflush(stderr);
  _exit(1);
}

static uint64_t mix64(uint64_t x) { /* splitmix64 finaliser */
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* value carried by participant `side`'s n-th send: recognisable, never NULL
 * (tag 0x59 in the top byte, the phase, the sender, the send's number) */
#if UINTPTR_MAX > 0xffffffffu
#define TOKEN_TAG(v) ((v) >> 56)
#define TOKEN_SIDE(v) ((int)(((v) >> 40) & 0xff))
static void *token(int side, long n) {
  return (void *)(uintptr_t)(0x5900000000000000ull | ((uint64_t)S.phase << 48) | ((uint64_t)side << 40) |
                             (uint64_t)n);
}
#else /* 32-bit pointers: 4 bits of phase, 4 of sender, 16 of send number */
#define TOKEN_TAG(v) ((v) >> 24)
#define TOKEN_SIDE(v) ((int)(((v) >> 16) & 0xf))
_Static_assert(PINGPONG_ROUNDS < 0x10000 && RING_LAPS < 0x10000, "send numbers fit 16 bits");
static void *token(int side, long n) {
  return (void *)(uintptr_t)(0x59000000u | ((uint32_t)S.phase << 20) | ((uint32_t)side << 16) | (uint32_t)n);
}
#endif

#if defined(__x86_64__) || (defined(__i386__) && defined(__SSE__))
static uint64_t mxcsr_writable = 0xffbf; /* refined from FXSAVE's MXCSR_MASK */
static void probe_fp_masks(void) {
  static unsigned char area[512] __attribute__((aligned(16)));
  uint32_t m;
  __asm__ volatile("fxsave %0" : "=m"(area));
  memcpy(&m, area + 28, 4);
  if (m) mxcsr_writable = m;
}
#elif defined(__arm__)
/* VFP implementations without trapping make the trap enables RAZ/WI (so
 * does qemu): the harness sets only the control bits that stick */
static uint64_t fpscr_writable;
static void probe_fp_masks(void) {
  uint32_t old, seen;
  __asm__ volatile("vmrs %0, fpscr" : "=r"(old));
  __asm__ volatile("vmsr fpscr, %0" ::"r"((uint32_t)FPCTL_MASK[0]));
  __asm__ volatile("vmrs %0, fpscr" : "=r"(seen));
  __asm__ volatile("vmsr fpscr, %0" ::"r"(old));
  fpscr_writable = seen & FPCTL_MASK[0];
}
#else
static void probe_fp_masks(void) {}
#endif

static void make_in(struct regcheck_in *in, int side, long iter) {
  uint64_t seed = mix64(((uint64_t)S.phase << 56) ^ ((uint64_t)side << 48) ^ (uint64_t)iter);
  memset(in, 0, sizeof *in);
  for (unsigned i = 0; i < N_GPR; i++) in->gpr[i] = mix64(seed + 0x100 + i);
#if defined(__i386__) || defined(__arm__) || (defined(__riscv) && __riscv_xlen == 32)
  for (unsigned i = 0; i < N_GPR; i++) in->gpr[i] &= 0xffffffffu; /* 32-bit registers */
#endif
  for (int i = 0; i < N_FPR; i++) in->fpr[i] = mix64(seed + 0x200 + i);
  uint64_t r = mix64(seed + 0x300);
#if defined(__x86_64__)
  /* MXCSR: status flags clear, control bits 6-15 from the seed (System V and Win64 alike) */
  in->fpctl[0] = (r & 0xffc0) & mxcsr_writable;
  /* x87 CW: masks 0-5, PC from {single, double, extended}, RC 10-11; bit 6
   * reads back as 1 on current CPUs and is kept */
  static const uint64_t pc[3] = {0x000, 0x200, 0x300};
  in->fpctl[1] = 0x0040 | ((r >> 16) & 0x3f) | pc[(r >> 24) % 3] | ((r >> 28) & 0xc00);
#elif defined(__i386__)
  /* as on x86-64; without SSE the x87 CW is fpctl[0] */
  static const uint64_t pc[3] = {0x000, 0x200, 0x300};
  uint64_t cw = 0x0040 | ((r >> 16) & 0x3f) | pc[(r >> 24) % 3] | ((r >> 28) & 0xc00);
#if defined(__SSE__)
  in->fpctl[0] = ((r & 0xffc0) & mxcsr_writable) | ((r >> 40) & CARRIED_MASK);
  in->fpctl[1] = cw;
#else
  in->fpctl[0] = cw;
#endif
#elif defined(__mips__)
  /* FCSR: a rounding mode, enables, FS and flags from the seed; cause clear */
  in->fpctl[0] = r & (FPCTL_MASK[0] | CARRIED_MASK);
#elif defined(__aarch64__)
  in->fpctl[0] = r & FPCTL_MASK[0];
#elif defined(__arm__)
  /* FPSCR: the control bits this FPU keeps (fpscr_writable) and exception flags from the seed */
  in->fpctl[0] = (r & FPCTL_MASK[0] & fpscr_writable) | ((r >> 32) & CARRIED_MASK);
#elif defined(__powerpc64__)
  /* FPSCR: status bits clear, every control bit of the low byte and DRN from the seed */
  in->fpctl[0] = (r & 0xff) | (((r >> 8) & 7) << 32);
  /* VSCR: NJ and SAT from the seed (SAT is status: not compared) */
  in->fpctl[1] = (r >> 12) & 0x10001;
  /* CR: all eight fields from the seed (only CR2-CR4 are compared) */
  in->fpctl[2] = (r >> 32) & 0xffffffff;
#elif defined(__s390x__)
  /* FPC: IEEE masks, a DFP rounding mode, a valid BFP rounding mode (4-6 are invalid) */
  static const uint64_t brm[5] = {0, 1, 2, 3, 7};
  in->fpctl[0] = (r & 0xf8000000) | (((r >> 8) & 7) << 4) | brm[(r >> 16) % 5];
#else
  in->fpctl[0] = r % 5; /* RNE RTZ RDN RUP RMM; 5-7 are reserved/invalid in frm */
#endif
  /* the sentinels of one switch must all differ (they do unless mix64 collides) */
  for (unsigned i = 0; i < N_GPR; i++)
    for (unsigned j = i + 1; j < N_GPR; j++)
      if (in->gpr[i] == in->gpr[j]) fail("internal: sentinel collision");
}

static const char *phase_name(void) { return S.phase == PHASE_PINGPONG ? "pingpong" : "ring"; }

#if defined(_WIN64)
/* The TEB's stack description (NT_TIB StackBase, StackLimit; DeallocationStack),
 * read straight from gs: it must describe the stack that is running. */
struct teb_stack {
  uint64_t base, limit, dealloc;
};
static struct teb_stack main_teb;
static uint64_t teb_read(uint64_t offset) {
  uint64_t v;
  __asm__ volatile("movq %%gs:(%1), %0" : "=r"(v) : "r"(offset));
  return v;
}
static struct teb_stack teb_now(void) {
  struct teb_stack t = {teb_read(0x08), teb_read(0x10), teb_read(0x1478)};
  return t;
}
/* on main's stack: main's own values; on coroutine c's: inside its stack region, around sp */
static void check_teb(int side, uint64_t sp, const char *when) {
  struct teb_stack t = teb_now();
  const char *who = side == 0 ? "main" : "coroutine";
  if (side == 0) {
    if (t.base != main_teb.base || t.limit != main_teb.limit || t.dealloc != main_teb.dealloc)
      fail("phase %s %s %s: TEB StackBase/StackLimit/DeallocationStack 0x%llx/0x%llx/0x%llx, expected main's "
           "0x%llx/0x%llx/0x%llx",
           phase_name(), who, when, (unsigned long long)t.base, (unsigned long long)t.limit,
           (unsigned long long)t.dealloc, (unsigned long long)main_teb.base, (unsigned long long)main_teb.limit,
           (unsigned long long)main_teb.dealloc);
    return;
  }
  uint64_t lo = (uintptr_t)S.stack_lo[side], hi = lo + S.stack_size[side];
  if (!(lo <= t.dealloc && t.dealloc <= t.limit && t.limit < sp && sp < t.base && t.base <= hi))
    fail("phase %s %s#%d %s: TEB StackBase 0x%llx StackLimit 0x%llx DeallocationStack 0x%llx do not describe its "
         "stack [0x%llx, 0x%llx) around sp 0x%llx",
         phase_name(), who, side, when, (unsigned long long)t.base, (unsigned long long)t.limit,
         (unsigned long long)t.dealloc, (unsigned long long)lo, (unsigned long long)hi, (unsigned long long)sp);
}
#endif

#if defined(__arm__)
/* Coroutines alternate between an ARM and a Thumb entry function (the
 * pingpong one is Thumb, the ring's are ARM, Thumb, ARM), whatever mode
 * this file was built in: the trampoline's blx must follow bit 0. */
static unsigned entry_stub_mode(int c) { return (c + (int)S.phase) % 2 ? 32 : 16; }
static const char *stub_mode_name(unsigned mode) { return mode == 32 ? "ARM" : mode == 16 ? "Thumb" : "(no)"; }
static void (*entry_stub(int c))(void *) {
  return entry_stub_mode(c) == 32 ? regcheck_entry_stub_a32 : regcheck_entry_stub_t32;
}
#else
static void (*entry_stub(int c))(void *) {
  (void)c;
  return regcheck_entry_stub;
}
#endif

static void check_out(const struct regcheck_in *in, const struct regcheck_out *out, int side, long iter,
                      void *expect_value, const struct regcheck_in *resumer) {
  const char *who = side == 0 ? "main" : "coroutine";
#ifdef CARRIED_FPCTL
  if ((out->fpctl_pre[CARRIED_FPCTL] & CARRIED_MASK) != (in->fpctl[CARRIED_FPCTL] & CARRIED_MASK))
    fail("internal: %s flags pattern 0x%llx did not take (read back 0x%llx)", FPCTL_NAMES[CARRIED_FPCTL],
         (unsigned long long)in->fpctl[CARRIED_FPCTL], (unsigned long long)out->fpctl_pre[CARRIED_FPCTL]);
  if ((out->fpctl_post[CARRIED_FPCTL] & CARRIED_MASK) != (resumer->fpctl[CARRIED_FPCTL] & CARRIED_MASK))
    fail("phase %s %s#%d iter %ld: register %s status flags (mask 0x%llx): expected the resuming side's 0x%llx got "
         "0x%llx (stale status came back)",
         phase_name(), who, side, iter, FPCTL_NAMES[CARRIED_FPCTL], (unsigned long long)CARRIED_MASK,
         (unsigned long long)(resumer->fpctl[CARRIED_FPCTL] & CARRIED_MASK),
         (unsigned long long)(out->fpctl_post[CARRIED_FPCTL] & CARRIED_MASK));
#else
  (void)resumer;
#endif
  if (out->sp_after != out->sp_before)
    fail("phase %s %s#%d iter %ld: register sp: expected 0x%016llx got 0x%016llx (stack pointer not restored)",
         phase_name(), who, side, iter, (unsigned long long)out->sp_before, (unsigned long long)out->sp_after);
  for (unsigned i = 0; i < N_GPR; i++)
    if (out->gpr[i] != in->gpr[i])
      fail("phase %s %s#%d iter %ld: register %s: expected 0x%016llx got 0x%016llx", phase_name(), who, side,
           iter, GPR_NAMES[i], (unsigned long long)in->gpr[i], (unsigned long long)out->gpr[i]);
  for (int i = 0; i < N_FPR; i++)
    if (out->fpr[i] != in->fpr[i])
      fail("phase %s %s#%d iter %ld: register %s: expected 0x%016llx got 0x%016llx", phase_name(), who, side,
           iter, FPR_NAMES[i], (unsigned long long)in->fpr[i], (unsigned long long)out->fpr[i]);
  for (unsigned i = 0; i < N_FPCTL; i++) {
    uint64_t m = FPCTL_MASK[i];
    if ((out->fpctl_pre[i] & m) != (in->fpctl[i] & m))
      fail("internal: %s pattern 0x%llx did not take (read back 0x%llx)", FPCTL_NAMES[i],
           (unsigned long long)in->fpctl[i], (unsigned long long)out->fpctl_pre[i]);
    if ((out->fpctl_post[i] & m) != (out->fpctl_pre[i] & m))
      fail("phase %s %s#%d iter %ld: register %s (control bits mask 0x%llx): expected 0x%llx got 0x%llx", phase_name(),
           who, side, iter, FPCTL_NAMES[i], (unsigned long long)m, (unsigned long long)(out->fpctl_pre[i] & m),
           (unsigned long long)(out->fpctl_post[i] & m));
  }
  if ((void *)(uintptr_t)out->ret != expect_value)
    fail("phase %s %s#%d iter %ld: value returned by sy_switch: expected %p got %p", phase_name(), who, side, iter,
         expect_value, (void *)(uintptr_t)out->ret);
  S.checks++;
}

/* one send by participant `side`; returns when someone switches back */
static void hop(int side) {
  struct regcheck_in in;
  struct regcheck_out out;
  long n = S.step[side];
  int next = (side + 1) % (S.ncoros + 1);
  int prev = (side + S.ncoros) % (S.ncoros + 1);
  make_in(&in, side, n);
  memset(&out, 0, sizeof out);
  S.where = "switch";
  S.where_side = side;
  S.where_iter = n;
  S.step[side] = n + 1;
  regcheck_switch(&S.ctx[side], &S.ctx[next], &in, token(side, n), &out);
  S.where = "after switch";
  S.where_side = side;
  S.where_iter = n;
  /* Resumed by prev. Main's send n is answered by the last coroutine's send
   * n; a coroutine's send n is answered by prev's send n + 1 (prev's send 0
   * is the one that entered it). */
  long expect_prev_n = side == 0 ? n : n + 1;
  struct regcheck_in resumer; /* what the resuming side loaded before its switch */
  make_in(&resumer, prev, expect_prev_n);
  check_out(&in, &out, side, n, token(prev, expect_prev_n), &resumer);
#if defined(_WIN64)
  check_teb(side, out.sp_after, "after a switch");
#endif
  if (S.step[prev] - 1 != expect_prev_n)
    fail("phase %s side %d iter %ld: resumed by send %ld of side %d, expected send %ld (lost or repeated switch)",
         phase_name(), side, n, S.step[prev] - 1, prev, expect_prev_n);
}

void regcheck_entry_c(void *value) {
  uint64_t sp = regcheck_entry_sp;
  uintptr_t v = (uintptr_t)value;
  int sender = TOKEN_SIDE(v);
  int me = sender + 1;
  if (TOKEN_TAG(v) != 0x59 || me < 1 || me > S.ncoros)
    fail("phase %s: entry function received value %p, not a value any context sent", phase_name(), value);
  if (value != token(sender, 0))
    fail("phase %s: coroutine#%d entry value: expected %p got %p", phase_name(), me, token(sender, 0), value);
  if (S.entered[me]) fail("phase %s: coroutine#%d entry function called twice", phase_name(), me);
  S.entered[me] = 1;
  if (sp % ENTRY_SP_ALIGN != ENTRY_SP_MOD16)
    fail("phase %s: coroutine#%d entry: stack pointer 0x%llx %% %d == %llu, ABI requires %d at function entry",
         phase_name(), me, (unsigned long long)sp, ENTRY_SP_ALIGN, (unsigned long long)(sp % ENTRY_SP_ALIGN),
         ENTRY_SP_MOD16);
#if defined(__powerpc64__)
  if (regcheck_entry_r12 != (uintptr_t)regcheck_entry_stub)
    fail("phase %s: coroutine#%d entry: r12 0x%llx is not the entry function's global entry point %p", phase_name(),
         me, (unsigned long long)regcheck_entry_r12, (void *)regcheck_entry_stub);
#endif
#if defined(__arm__)
  if (regcheck_entry_stub_ran != entry_stub_mode(me))
    fail("phase %s: coroutine#%d entry: the %s entry stub ran, expected the %s one", phase_name(), me,
         stub_mode_name(regcheck_entry_stub_ran), stub_mode_name(entry_stub_mode(me)));
#endif
#if defined(__mips__)
  if (regcheck_entry_t9 != (uintptr_t)regcheck_entry_stub)
    fail("phase %s: coroutine#%d entry: $25 (t9) 0x%llx is not the entry function's address %p", phase_name(), me,
         (unsigned long long)regcheck_entry_t9, (void *)regcheck_entry_stub);
#endif
  uint64_t lo = (uintptr_t)S.stack_lo[me], hi = lo + S.stack_size[me];
#if defined(HOME_AREA)
  if (sp + 8 + HOME_AREA > hi)
    fail("phase %s: coroutine#%d entry: the %d-byte home area above the return address at 0x%llx ends past its stack "
         "top 0x%llx",
         phase_name(), me, HOME_AREA, (unsigned long long)sp, (unsigned long long)hi);
#endif
#if defined(_WIN64)
  check_teb(me, sp, "at entry");
  if (sp + 8 + HOME_AREA > teb_now().base)
    fail("phase %s: coroutine#%d entry: the home area above sp 0x%llx ends past TEB StackBase 0x%llx", phase_name(), me,
         (unsigned long long)sp, (unsigned long long)teb_now().base);
#endif
  if (sp < lo || sp > hi)
    fail("phase %s: coroutine#%d entry: stack pointer 0x%llx outside its stack [0x%llx, 0x%llx)", phase_name(),
         me, (unsigned long long)sp, (unsigned long long)lo, (unsigned long long)hi);
  if (hi - sp > 1024)
    fail("phase %s: coroutine#%d entry: stack pointer 0x%llx is %llu bytes below the stack top (wasted or wrong end)",
         phase_name(), me, (unsigned long long)sp, (unsigned long long)(hi - sp));
  if (!entry_fpctl_recorded) {
    memcpy(entry_fpctl_seen, regcheck_entry_fpctl, sizeof entry_fpctl_seen);
    entry_fpctl_recorded = 1;
  }
  for (;;) hop(me);
}

#define CANARY 64
/* the bytes right above a ring coroutine's region and below its base are
 * still 0xa5 (the region's own bytes may be anything) */
static void check_canaries(int c, const char *when) {
  if (S.phase != PHASE_RING) return;
  const unsigned char *hi = (const unsigned char *)S.stack_lo[c] + S.stack_size[c];
  for (int i = 0; i < CANARY; i++)
    if (hi[i] != 0xa5)
      fail("phase %s: coroutine#%d %s: byte %d above the end of its stack region [%p, %p) was written (0x%02x)",
           phase_name(), c, when, i, (void *)S.stack_lo[c], (const void *)hi, hi[i]);
  const unsigned char *lo = (const unsigned char *)S.stack_lo[c];
  for (int i = 1; i <= 3; i++)
    if (lo[-i] != 0xa5)
      fail("phase %s: coroutine#%d %s: byte %d below its stack base %p was written (0x%02x)", phase_name(), c, when,
           i, (const void *)lo, lo[-i]);
}

static char *alloc_stack(void) {
  /* guard page below the stack so an overflow faults instead of corrupting */
#if defined(_WIN32)
  size_t page = 4096;
  DWORD old;
  char *p = VirtualAlloc(NULL, STACK_SIZE + page, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  if (!p) fail("VirtualAlloc");
  if (!VirtualProtect(p, page, PAGE_NOACCESS, &old)) fail("VirtualProtect");
  return p + page;
#else
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  char *p = mmap(NULL, STACK_SIZE + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) fail("mmap");
  if (mprotect(p, page, PROT_NONE)) fail("mprotect");
  return p + page;
#endif
}

static void run_phase(enum phase ph, int ncoros, long rounds) {
  memset(S.ctx, 0, sizeof S.ctx);
  memset(S.step, 0, sizeof S.step);
  memset(S.entered, 0, sizeof S.entered);
  S.phase = ph;
  S.ncoros = ncoros;
  S.rounds = rounds;
  for (int c = 1; c <= ncoros; c++) {
    char *mem = alloc_stack();
    /* poison the stack so an uninitialised read on it is visible */
    memset(mem, 0xa5, STACK_SIZE);
    if (ph == PHASE_PINGPONG) {
      S.stack_lo[c] = mem;
      S.stack_size[c] = STACK_SIZE;
    } else {
      /* ring: an odd base and an odd size, with CANARY poisoned bytes kept
       * above the region: sy_context_make must align inside the region and
       * write nothing outside [stack_base, stack_base + stack_size) */
      S.stack_lo[c] = mem + 3 + 8 * c;
      S.stack_size[c] = STACK_SIZE - CANARY - 3 - 8 * c - (size_t)(5 + 2 * c);
    }
    sy_context_make(&S.ctx[c], S.stack_lo[c], S.stack_size[c], entry_stub(c));
    check_canaries(c, "after sy_context_make");
  }
  for (long i = 0; i < rounds; i++) hop(0);
  for (int c = 1; c <= ncoros; c++) {
    if (!S.entered[c]) fail("phase %s: coroutine#%d never entered", phase_name(), c);
    check_canaries(c, "at the end of the phase");
  }
  /* the suspended coroutines are simply abandoned, which the contract allows */
}

#if defined(_WIN32)
/* a vectored handler runs before any frame walk, so it reports even when the stack is garbage */
static LONG WINAPI on_fatal(EXCEPTION_POINTERS *info) {
  DWORD code = info->ExceptionRecord->ExceptionCode;
  if (code == 0x406d1388 || code == 0x40010006 || code == 0x4001000a) return EXCEPTION_CONTINUE_SEARCH; /* debugger notes */
  fprintf(stderr,
          "regcheck " ISA " FAIL: exception 0x%08lx at %p in phase %s, side %d, iter %ld, at %s; sp right after the "
          "last switch returned = 0x%llx\n",
          (unsigned long)code, info->ExceptionRecord->ExceptionAddress, phase_name(), S.where_side, S.where_iter,
          S.where ? S.where : "setup", (unsigned long long)regcheck_landing.sp_after);
  fflush(stderr);
  _exit(2);
}

static void install_crash_handler(void) { AddVectoredExceptionHandler(1, on_fatal); }
#else
static void on_fatal(int sig) {
  char buf[256];
  int n = snprintf(buf, sizeof buf,
                   "regcheck " ISA " FAIL: fatal signal %d (%s) in phase %s, side %d, iter %ld, at %s; sp right "
                   "after the last switch returned = 0x%llx\n",
                   sig, strsignal(sig), phase_name(), S.where_side, S.where_iter, S.where ? S.where : "setup",
                   (unsigned long long)regcheck_landing.sp_after);
  if (n > 0) (void)!write(2, buf, (size_t)n);
  _exit(2);
}

static void install_crash_handler(void) {
  static char altstack[64 * 1024];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_fatal;
  sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
  int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
}
#endif

/* --entry-returns: the trampoline must catch an entry function that returns */
static sy_context er_main, er_co;
static void returning_entry(void *value) {
  fprintf(stderr, "regcheck: entry function returning now (value %p)\n", value);
  fflush(stderr);
}

static int entry_returns(void) {
  char *stack = alloc_stack();
  sy_context_make(&er_co, stack, STACK_SIZE, returning_entry);
  sy_switch(&er_main, &er_co, (void *)0x1234);
  printf("regcheck " ISA " FAIL: a returning entry function came back to main instead of aborting\n");
  return 1;
}

int main(int argc, char **argv) {
#if defined(_WIN32)
  setvbuf(stdout, NULL, _IONBF, 0); /* the Microsoft CRT has no line buffering (_IOLBF is full buffering there) */
#else
  setvbuf(stdout, NULL, _IOLBF, 0);
#endif
  if (argc > 1 && strcmp(argv[1], "--entry-returns") == 0) return entry_returns();
  install_crash_handler();
  probe_fp_masks();
#if defined(_WIN64)
  main_teb = teb_now();
#endif

  run_phase(PHASE_PINGPONG, 1, PINGPONG_ROUNDS);
  long pp_checks = S.checks;
  S.checks = 0;
  run_phase(PHASE_RING, RING_COROS, RING_LAPS);

  printf("regcheck %s OK: pingpong %ld switches checked, ring(%d) %ld switches checked; %u gpr + %u fpr + %u fp-control "
         "registers, sp, values; entry sp %% %d == %d\n",
         ISA, pp_checks, RING_COROS, S.checks, (unsigned)N_GPR, (unsigned)N_FPR, (unsigned)N_FPCTL, ENTRY_SP_ALIGN,
         ENTRY_SP_MOD16);
  printf("regcheck %s info: FP control as a fresh context's entry saw it:", ISA);
  for (unsigned i = 0; i < N_FPCTL; i++) printf(" %s=0x%llx", FPCTL_NAMES[i], (unsigned long long)entry_fpctl_seen[i]);
  printf("\n");
  return 0;
}

import { defineAbi } from './schema';

const GPRS = ['r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11'] as const;
const FPRS = ['d8', 'd9', 'd10', 'd11', 'd12', 'd13', 'd14', 'd15'] as const;

/**
 * 32-bit Arm, AAPCS with the VFP variant (armhf: Linux, ELF). r4-r11 and
 * sp are preserved (r9 is an ordinary variable register on Linux; r7 is
 * Thumb code's frame pointer, r11 ARM code's); the return address arrives
 * in lr and is saved in the frame like a register. Of the VFP registers
 * only d8-d15 are preserved: d16-d31 are caller-saved and do not exist on
 * VFPv3-D16 cores, so the switch never names them. The FPSCR's control
 * fields (rounding mode, FZ, DN, AHP, trap enables) are kept per coroutine;
 * its condition flags, cumulative exception flags and QC are not. Callers
 * and entry functions may be ARM or Thumb code: the switch returns with
 * `bx lr` and calls entry with `blx`, which follow bit 0 of the address.
 * Stacks are 8-byte aligned at public interfaces.
 */
export default defineAbi({
  id: 'armhf-aapcs-vfp',
  isa: 'arm',
  title: 'Arm AAPCS32, VFP hard float (armhf, ELF)',
  references: [
    'Procedure Call Standard for the Arm Architecture (AAPCS32), "Core registers": r4-r8, r10, r11 and sp preserved; r9 too where the platform does not reserve it (Linux); r12 (IP) may be corrupted by veneers',
    'AAPCS32, "VFP register usage conventions": s16-s31 (d8-d15) preserved, d16-d31 not; FPSCR exception-control bits (8-12, 15), rounding mode (22-23) and flush-to-zero (24) change only through functions documented to; status bits are not preserved',
    'AAPCS32, "The Stack": sp 8-byte aligned at every public interface',
    'ELF for the Arm Architecture / Exception Handling ABI (EHABI): .ARM.exidx entries, EXIDX_CANTUNWIND',
  ],
  pointerBytes: 4,
  objectFormat: { kind: 'elf', symbolPrefix: '' },
  // the switcher is ARM (A32) code: M-profile cores, which run only Thumb, get no switcher
  cTargetCondition: 'defined(__arm__) && defined(__ARM_PCS_VFP) && defined(__ARM_ARCH_ISA_ARM) && defined(__ELF__)',
  registers: {
    stackPointer: 'sp',
    framePointer: 'r11',
    returnAddress: { in: 'register', register: 'lr' },
    arguments: ['r0', 'r1', 'r2', 'r3'],
    result: 'r0',
    reserved: [],
    scratch: ['r0', 'r1', 'r2', 'r3', 'r12'],
  },
  calleeSaved: {
    general: [...GPRS],
    float: FPRS.map((register) => ({ register, bytes: 8 as const })),
    control: [{ register: 'fpscr', bytes: 4, note: 'FPSCR rounding mode, FZ, DN, AHP and trap enables (written back by mask: the current condition and cumulative exception flags stay)' }],
  },
  stack: { alignment: 8, redZone: 0 },
  frame: {
    size: 104,
    slots: [
      ...([...GPRS, 'lr'] as const).map((register, i) => ({ kind: 'general' as const, register, offset: 4 * i })),
      { kind: 'control', register: 'fpscr', offset: 36, bytes: 4 },
      ...FPRS.map((register, i) => ({ kind: 'float' as const, register, offset: 40 + 8 * i, bytes: 8 as const })),
    ],
  },
  entryRegister: 'r4',
  hardening: [],
});

import { defineAbi } from './schema';

const GPRS = ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11'] as const;
const FPRS = ['fs0', 'fs1', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11'] as const;

/**
 * RISC-V 32 with the ILP32D ABI (RV32 with the D extension: FLEN = 64).
 * Integer registers and pointers are 32 bits, but the callee-saved fs0-fs11
 * hold doubles, so all 64 bits of each are preserved. ra arrives in a
 * register and is saved in the frame. As on RV64, fcsr has thread storage
 * duration: the dynamic rounding mode (frm) is kept per coroutine, the
 * accrued flags (fflags) are not. gp and tp are never touched. The stack is
 * 16-byte aligned (the psABI's 128-bit alignment holds for ILP32 too).
 */
export default defineAbi({
  id: 'riscv32-ilp32d',
  isa: 'riscv32',
  title: 'RISC-V 32 ILP32D (ELF)',
  references: [
    'RISC-V ELF psABI, Integer Register Convention (s0-s11 and sp preserved; gp and tp unallocatable)',
    'RISC-V ELF psABI, Floating-point Register Convention (fs0-fs11 preserved when FLEN >= the ABI FP width: 64 bits under ILP32D; fcsr has thread storage duration)',
    'RISC-V ELF psABI, Procedure Calling Convention (the stack pointer is 128-bit aligned on procedure entry, ILP32 included)',
  ],
  pointerBytes: 4,
  objectFormat: { kind: 'elf', symbolPrefix: '' },
  cTargetCondition: 'defined(__riscv) && __riscv_xlen == 32 && defined(__riscv_float_abi_double)',
  registers: {
    stackPointer: 'sp',
    framePointer: 's0',
    returnAddress: { in: 'register', register: 'ra' },
    arguments: ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'],
    result: 'a0',
    reserved: ['gp', 'tp'],
    scratch: ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 'a3', 'a4', 'a5'],
  },
  calleeSaved: {
    general: [...GPRS],
    float: FPRS.map((register) => ({ register, bytes: 8 as const })),
    control: [{ register: 'frm', bytes: 4, note: 'dynamic rounding mode (frm); accrued flags (fflags) are not preserved' }],
  },
  stack: { alignment: 16, redZone: 0 },
  frame: {
    // 4-byte integer slots first, frm in the word that brings the FP slots to an 8-byte boundary
    size: 160,
    slots: [
      ...(['ra', ...GPRS] as const).map((register, i) => ({ kind: 'general' as const, register, offset: 4 * i })),
      { kind: 'control', register: 'frm', offset: 52, bytes: 4 },
      ...FPRS.map((register, i) => ({ kind: 'float' as const, register, offset: 56 + 8 * i, bytes: 8 as const })),
      { kind: 'padding', offset: 152, bytes: 8 },
    ],
  },
  entryRegister: 's1',
  hardening: [],
});

import { defineAbi } from './schema';

/**
 * RISC-V 64 with the LP64D ABI (hardware double-precision float). ra arrives
 * in a register. The psABI gives fcsr thread storage duration; like x86's
 * MXCSR control bits, the dynamic rounding mode (frm) is kept per coroutine
 * while the accrued exception flags (fflags) are not.
 */
export default defineAbi({
  id: 'riscv64-lp64d',
  isa: 'riscv64',
  title: 'RISC-V 64 LP64D (ELF)',
  references: [
    'RISC-V ELF psABI, Integer Register Convention (s0-s11 and sp preserved; gp and tp unallocatable)',
    'RISC-V ELF psABI, Floating-point Register Convention (fs0-fs11 preserved under LP64D; fcsr has thread storage duration)',
  ],
  pointerBytes: 8,
  objectFormat: { kind: 'elf', symbolPrefix: '' },
  cTargetCondition: 'defined(__riscv) && __riscv_xlen == 64 && defined(__riscv_float_abi_double)',
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
    general: ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11'],
    float: [
      { register: 'fs0', bytes: 8 }, { register: 'fs1', bytes: 8 }, { register: 'fs2', bytes: 8 }, { register: 'fs3', bytes: 8 },
      { register: 'fs4', bytes: 8 }, { register: 'fs5', bytes: 8 }, { register: 'fs6', bytes: 8 }, { register: 'fs7', bytes: 8 },
      { register: 'fs8', bytes: 8 }, { register: 'fs9', bytes: 8 }, { register: 'fs10', bytes: 8 }, { register: 'fs11', bytes: 8 },
    ],
    control: [{ register: 'frm', bytes: 8, note: 'dynamic rounding mode (frm); accrued flags (fflags) are not preserved' }],
  },
  stack: { alignment: 16, redZone: 0 },
  frame: {
    size: 208,
    slots: [
      { kind: 'general', register: 'ra', offset: 0 },
      { kind: 'general', register: 's0', offset: 8 },
      { kind: 'general', register: 's1', offset: 16 },
      { kind: 'general', register: 's2', offset: 24 },
      { kind: 'general', register: 's3', offset: 32 },
      { kind: 'general', register: 's4', offset: 40 },
      { kind: 'general', register: 's5', offset: 48 },
      { kind: 'general', register: 's6', offset: 56 },
      { kind: 'general', register: 's7', offset: 64 },
      { kind: 'general', register: 's8', offset: 72 },
      { kind: 'general', register: 's9', offset: 80 },
      { kind: 'general', register: 's10', offset: 88 },
      { kind: 'general', register: 's11', offset: 96 },
      { kind: 'float', register: 'fs0', offset: 104, bytes: 8 },
      { kind: 'float', register: 'fs1', offset: 112, bytes: 8 },
      { kind: 'float', register: 'fs2', offset: 120, bytes: 8 },
      { kind: 'float', register: 'fs3', offset: 128, bytes: 8 },
      { kind: 'float', register: 'fs4', offset: 136, bytes: 8 },
      { kind: 'float', register: 'fs5', offset: 144, bytes: 8 },
      { kind: 'float', register: 'fs6', offset: 152, bytes: 8 },
      { kind: 'float', register: 'fs7', offset: 160, bytes: 8 },
      { kind: 'float', register: 'fs8', offset: 168, bytes: 8 },
      { kind: 'float', register: 'fs9', offset: 176, bytes: 8 },
      { kind: 'float', register: 'fs10', offset: 184, bytes: 8 },
      { kind: 'float', register: 'fs11', offset: 192, bytes: 8 },
      { kind: 'control', register: 'frm', offset: 200, bytes: 8 },
    ],
  },
  entryRegister: 's1',
  hardening: [],
});

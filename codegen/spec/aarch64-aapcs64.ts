import { defineAbi } from './schema';

/**
 * AArch64 AAPCS64 on ELF (Linux). The return address arrives in x30, so it is
 * saved in the frame like a register. Only the low 64 bits of v8-v15 (d8-d15)
 * are callee-saved. FPCR's mode bits are kept per coroutine, as OpenBSD's
 * setjmp does, so fesetround in one coroutine does not leak into another.
 * 176 bytes keeps sp 16-byte aligned (the hardware faults otherwise).
 */
export default defineAbi({
  id: 'aarch64-aapcs64',
  isa: 'aarch64',
  title: 'AArch64 AAPCS64 (ELF)',
  references: [
    'Procedure Call Standard for the Arm 64-bit Architecture (AAPCS64), §6.1.1 (x19-x28 callee-saved, x29 frame pointer, x30 link register, x18 platform register)',
    'AAPCS64 §6.1.2 (v8-v15: bottom 64 bits callee-saved)',
    'ELF for the Arm 64-bit Architecture, GNU_PROPERTY_AARCH64_FEATURE_1_AND (BTI, PAC)',
  ],
  pointerBytes: 8,
  objectFormat: { kind: 'elf', symbolPrefix: '' },
  cTargetCondition: 'defined(__aarch64__) && defined(__ELF__)',
  registers: {
    stackPointer: 'sp',
    framePointer: 'x29',
    returnAddress: { in: 'register', register: 'x30' },
    arguments: ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7'],
    result: 'x0',
    reserved: [],
    scratch: ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x9', 'x10', 'x11', 'x12', 'x13', 'x14', 'x15', 'x16', 'x17'],
  },
  calleeSaved: {
    general: ['x19', 'x20', 'x21', 'x22', 'x23', 'x24', 'x25', 'x26', 'x27', 'x28', 'x29'],
    float: [
      { register: 'd8', bytes: 8 }, { register: 'd9', bytes: 8 }, { register: 'd10', bytes: 8 }, { register: 'd11', bytes: 8 },
      { register: 'd12', bytes: 8 }, { register: 'd13', bytes: 8 }, { register: 'd14', bytes: 8 }, { register: 'd15', bytes: 8 },
    ],
    control: [{ register: 'fpcr', bytes: 8, note: 'FPCR mode bits (RMode, FZ, DN, AHP): each coroutine keeps its own FP environment' }],
  },
  stack: { alignment: 16, redZone: 0 },
  frame: {
    size: 176,
    slots: [
      { kind: 'general', register: 'x19', offset: 0 },
      { kind: 'general', register: 'x20', offset: 8 },
      { kind: 'general', register: 'x21', offset: 16 },
      { kind: 'general', register: 'x22', offset: 24 },
      { kind: 'general', register: 'x23', offset: 32 },
      { kind: 'general', register: 'x24', offset: 40 },
      { kind: 'general', register: 'x25', offset: 48 },
      { kind: 'general', register: 'x26', offset: 56 },
      { kind: 'general', register: 'x27', offset: 64 },
      { kind: 'general', register: 'x28', offset: 72 },
      { kind: 'general', register: 'x29', offset: 80 },
      { kind: 'general', register: 'x30', offset: 88 },
      { kind: 'float', register: 'd8', offset: 96, bytes: 8 },
      { kind: 'float', register: 'd9', offset: 104, bytes: 8 },
      { kind: 'float', register: 'd10', offset: 112, bytes: 8 },
      { kind: 'float', register: 'd11', offset: 120, bytes: 8 },
      { kind: 'float', register: 'd12', offset: 128, bytes: 8 },
      { kind: 'float', register: 'd13', offset: 136, bytes: 8 },
      { kind: 'float', register: 'd14', offset: 144, bytes: 8 },
      { kind: 'float', register: 'd15', offset: 152, bytes: 8 },
      { kind: 'control', register: 'fpcr', offset: 160, bytes: 8 },
      { kind: 'padding', offset: 168, bytes: 8 },
    ],
  },
  entryRegister: 'x19',
  hardening: [{ kind: 'aarch64-bti' }, { kind: 'aarch64-pac', key: 'a' }],
});

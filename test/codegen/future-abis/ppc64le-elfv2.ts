import { defineAbi } from './schema';

/** POWER ELFv2 (ppc64le): r14-r31, f14-f31, v20-v31, CR2-CR4 (the whole CR is saved), VRSAVE, FPSCR; LR holds the return address. */
export default defineAbi({
  id: 'ppc64le-elfv2',
  isa: 'ppc64le',
  title: 'POWER ELFv2 (ppc64le)',
  references: ['64-Bit ELF V2 ABI Specification, Power Architecture, §2.2.1 Register Roles'],
  pointerBytes: 8,
  objectFormat: { kind: 'elf', symbolPrefix: '' },
  cTargetCondition: 'defined(__powerpc64__) && defined(_CALL_ELF) && _CALL_ELF == 2',
  registers: {
    stackPointer: 'r1',
    framePointer: 'r31',
    returnAddress: { in: 'register', register: 'lr' },
    arguments: ['r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10'],
    result: 'r3',
    reserved: ['r13'],
    scratch: ['r0', 'r11', 'r12'],
  },
  calleeSaved: {
    general: ['r2', 'r14', 'r15', 'r16', 'r17', 'r18', 'r19', 'r20', 'r21', 'r22', 'r23', 'r24', 'r25', 'r26', 'r27', 'r28', 'r29', 'r30', 'r31'],
    float: [
      ...(['f14', 'f15', 'f16', 'f17', 'f18', 'f19', 'f20', 'f21', 'f22', 'f23', 'f24', 'f25', 'f26', 'f27', 'f28', 'f29', 'f30', 'f31'] as const).map((register) => ({ register, bytes: 8 as const })),
      ...(['v20', 'v21', 'v22', 'v23', 'v24', 'v25', 'v26', 'v27', 'v28', 'v29', 'v30', 'v31'] as const).map((register) => ({ register, bytes: 16 as const })),
    ],
    control: [
      { register: 'cr', bytes: 4, note: 'CR fields 2-4 (saved as the whole CR)' },
      { register: 'vrsave', bytes: 4, note: 'VRSAVE' },
      { register: 'fpscr', bytes: 8, note: 'FPSCR rounding and enable bits' },
    ],
  },
  stack: { alignment: 16, redZone: 288 },
  frame: {
    size: 528,
    slots: [
      ...(['v20', 'v21', 'v22', 'v23', 'v24', 'v25', 'v26', 'v27', 'v28', 'v29', 'v30', 'v31'] as const).map((register, i) => ({ kind: 'float' as const, register, offset: 16 * i, bytes: 16 as const })),
      ...(['f14', 'f15', 'f16', 'f17', 'f18', 'f19', 'f20', 'f21', 'f22', 'f23', 'f24', 'f25', 'f26', 'f27', 'f28', 'f29', 'f30', 'f31'] as const).map((register, i) => ({ kind: 'float' as const, register, offset: 192 + 8 * i, bytes: 8 as const })),
      ...(['r2', 'r14', 'r15', 'r16', 'r17', 'r18', 'r19', 'r20', 'r21', 'r22', 'r23', 'r24', 'r25', 'r26', 'r27', 'r28', 'r29', 'r30', 'r31'] as const).map((register, i) => ({ kind: 'general' as const, register, offset: 336 + 8 * i })),
      { kind: 'general', register: 'lr', offset: 488 },
      { kind: 'control', register: 'cr', offset: 496, bytes: 4 },
      { kind: 'control', register: 'vrsave', offset: 500, bytes: 4 },
      { kind: 'control', register: 'fpscr', offset: 504, bytes: 8 },
      { kind: 'padding', offset: 512, bytes: 16 },
    ],
  },
  entryRegister: 'r14',
  hardening: [],
});

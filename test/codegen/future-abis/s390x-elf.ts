import { defineAbi } from './schema';

/** s390x ELF: r6-r13 and f8-f15 preserved, r14 holds the return address, r15 is the stack pointer, FPC modes preserved. */
export default defineAbi({
  id: 's390x-elf',
  isa: 's390x',
  title: 'IBM Z s390x (ELF)',
  references: ['ELF Application Binary Interface s390x Supplement, Register usage'],
  pointerBytes: 8,
  objectFormat: { kind: 'elf', symbolPrefix: '' },
  cTargetCondition: 'defined(__s390x__)',
  registers: {
    stackPointer: 'r15',
    framePointer: 'r11',
    returnAddress: { in: 'register', register: 'r14' },
    arguments: ['r2', 'r3', 'r4', 'r5', 'r6'],
    result: 'r2',
    reserved: [],
    scratch: ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'],
  },
  calleeSaved: {
    general: ['r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13'],
    float: (['f8', 'f9', 'f10', 'f11', 'f12', 'f13', 'f14', 'f15'] as const).map((register) => ({ register, bytes: 8 as const })),
    control: [{ register: 'fpc', bytes: 4, note: 'FPC modes (exception flags and DXC are volatile)' }],
  },
  stack: { alignment: 8, redZone: 0 },
  frame: {
    size: 144,
    slots: [
      ...(['r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14'] as const).map((register, i) => ({ kind: 'general' as const, register, offset: 8 * i })),
      ...(['f8', 'f9', 'f10', 'f11', 'f12', 'f13', 'f14', 'f15'] as const).map((register, i) => ({ kind: 'float' as const, register, offset: 72 + 8 * i, bytes: 8 as const })),
      { kind: 'control', register: 'fpc', offset: 136, bytes: 4 },
      { kind: 'padding', offset: 140, bytes: 4 },
    ],
  },
  entryRegister: 'r7',
  hardening: [],
});

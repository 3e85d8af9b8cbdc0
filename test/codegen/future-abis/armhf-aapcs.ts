import { defineAbi } from './schema';

/** 32-bit Arm, AAPCS with VFP (armhf): r4-r11 and d8-d15 preserved, lr holds the return address, 8-byte stack alignment. */
export default defineAbi({
  id: 'armhf-aapcs',
  isa: 'arm',
  title: 'Arm AAPCS, hard float (armhf)',
  references: ['Procedure Call Standard for the Arm Architecture (AAPCS32), §6.1'],
  pointerBytes: 4,
  objectFormat: { kind: 'elf', symbolPrefix: '' },
  cTargetCondition: 'defined(__arm__) && defined(__ARM_PCS_VFP)',
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
    general: ['r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11'],
    float: (['d8', 'd9', 'd10', 'd11', 'd12', 'd13', 'd14', 'd15'] as const).map((register) => ({ register, bytes: 8 as const })),
    control: [{ register: 'fpscr', bytes: 4, note: 'FPSCR mode bits' }],
  },
  stack: { alignment: 8, redZone: 0 },
  frame: {
    size: 112,
    slots: [
      ...(['r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'lr'] as const).map((register, i) => ({ kind: 'general' as const, register, offset: 4 * i })),
      { kind: 'padding', offset: 36, bytes: 4 },
      ...(['d8', 'd9', 'd10', 'd11', 'd12', 'd13', 'd14', 'd15'] as const).map((register, i) => ({ kind: 'float' as const, register, offset: 40 + 8 * i, bytes: 8 as const })),
      { kind: 'control', register: 'fpscr', offset: 104, bytes: 4 },
      { kind: 'padding', offset: 108, bytes: 4 },
    ],
  },
  entryRegister: 'r4',
  hardening: [],
});

import { defineAbi } from './schema';

const GPRS = ['r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13'] as const;
const FPRS = ['f8', 'f9', 'f10', 'f11', 'f12', 'f13', 'f14', 'f15'] as const;

/**
 * s390x (IBM Z) ELF, Linux. r6-r13 and r15 (the stack pointer) are preserved;
 * r14 holds the return address and is saved in the frame like a register.
 * f8-f15 are preserved as 64-bit values (the vector registers they overlay
 * are not). The ABI says nothing about the FPC; its mode fields (IEEE masks
 * and the BFP/DFP rounding modes) are kept per coroutine like other ABIs'
 * FP control state, its flags and DXC are not. Every caller provides a
 * 160-byte register save area at 0(r15), so a new context starts with one,
 * with a zero back chain. Access registers a0/a1 (the thread pointer) are
 * never touched.
 */
export default defineAbi({
  id: 's390x-elf',
  isa: 's390x',
  title: 'IBM Z s390x (ELF)',
  references: [
    'ELF Application Binary Interface s390x Supplement, §1.2.2 Register Usage (r6-r13, r15 and f8-f15 preserved; r14 return address)',
    'ELF ABI s390x Supplement, §1.2.2.2 The Stack Frame (8-byte alignment, 160-byte register save area, back chain at 0(r15))',
    'z/Architecture Principles of Operation, Floating-Point-Control (FPC) Register',
  ],
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
    general: [...GPRS],
    float: FPRS.map((register) => ({ register, bytes: 8 as const })),
    control: [{ register: 'fpc', bytes: 4, note: 'FPC IEEE masks and BFP/DFP rounding modes (its flags and DXC travel with it; the ABI leaves the FPC unspecified)' }],
  },
  stack: { alignment: 8, redZone: 0 },
  frame: {
    size: 144,
    slots: [
      ...([...GPRS, 'r14'] as const).map((register, i) => ({ kind: 'general' as const, register, offset: 8 * i })),
      ...FPRS.map((register, i) => ({ kind: 'float' as const, register, offset: 72 + 8 * i, bytes: 8 as const })),
      { kind: 'control', register: 'fpc', offset: 136, bytes: 4 },
      { kind: 'padding', offset: 140, bytes: 4 },
    ],
  },
  entryRegister: 'r7',
  hardening: [],
});

import { defineAbi } from './schema';

const FPRS = ['f14', 'f15', 'f16', 'f17', 'f18', 'f19', 'f20', 'f21', 'f22', 'f23', 'f24', 'f25', 'f26', 'f27', 'f28', 'f29', 'f30', 'f31'] as const;
const VRS = ['v20', 'v21', 'v22', 'v23', 'v24', 'v25', 'v26', 'v27', 'v28', 'v29', 'v30', 'v31'] as const;
const GPRS = ['r2', 'r14', 'r15', 'r16', 'r17', 'r18', 'r19', 'r20', 'r21', 'r22', 'r23', 'r24', 'r25', 'r26', 'r27', 'r28', 'r29', 'r30', 'r31'] as const;

/**
 * 64-bit Power ELFv2 (ppc64le Linux). The return address arrives in LR and is
 * saved in the frame like a register. r2 (the TOC pointer) is saved too: a
 * coroutine suspended in one module may be resumed from another whose TOC
 * differs. CR2-CR4 are the non-volatile condition-register fields (the whole
 * CR is read, only those three fields are written back). v20-v31 are kept in
 * full, in 16-aligned slots (lvx/stvx ignore the low four address bits).
 * FPSCR's and VSCR's "limited-access" control fields are kept per coroutine;
 * their status bits are not. VRSAVE is left alone: ELFv2 reserves it and
 * nothing on Linux reads it. r13 is the thread pointer.
 */
export default defineAbi({
  id: 'ppc64le-elfv2',
  isa: 'ppc64le',
  title: 'Power ELFv2 (ppc64le)',
  references: [
    '64-Bit ELF V2 ABI Specification, Power Architecture, §2.2.1.1 Register Roles (r1, r2, r14-r31, CR2-CR4, f14-f31, v20-v31 non-volatile; r13 thread pointer)',
    'ELFv2 ABI §2.2.1.1, limited-access bits: FPSCR rounding modes and exception enables (RN, DRN, VE OE UE ZE XE, NI), VSCR[NJ]',
    'ELFv2 ABI §2.2.2 The Stack Frame (quadword alignment, back chain, LR save doubleword at 16(r1), TOC save at 24(r1))',
    'ELFv2 ABI §2.3.2.1 Function Calls (a call through a pointer enters the global entry point with r12 = its address)',
  ],
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
    general: [...GPRS, 'cr'],
    float: [...FPRS.map((register) => ({ register, bytes: 8 as const })), ...VRS.map((register) => ({ register, bytes: 16 as const }))],
    control: [
      { register: 'fpscr', bytes: 8, note: 'FPSCR control fields RN, NI, XE ZE UE OE VE and DRN (written back by field mask); the exception status bits are not preserved' },
      { register: 'vscr', bytes: 4, note: 'VSCR (its NJ non-Java mode bit is limited-access; SAT travels with it)' },
    ],
  },
  stack: { alignment: 16, redZone: 288 },
  frame: {
    size: 528,
    slots: [
      ...VRS.map((register, i) => ({ kind: 'float' as const, register, offset: 16 * i, bytes: 16 as const })),
      { kind: 'control', register: 'vscr', offset: 192, bytes: 4 },
      { kind: 'padding', offset: 196, bytes: 4 },
      { kind: 'control', register: 'fpscr', offset: 200, bytes: 8 },
      ...FPRS.map((register, i) => ({ kind: 'float' as const, register, offset: 208 + 8 * i, bytes: 8 as const })),
      ...GPRS.map((register, i) => ({ kind: 'general' as const, register, offset: 352 + 8 * i })),
      { kind: 'general', register: 'lr', offset: 504 },
      { kind: 'general', register: 'cr', offset: 512 },
      { kind: 'padding', offset: 520, bytes: 8 },
    ],
  },
  entryRegister: 'r14',
  hardening: [],
});

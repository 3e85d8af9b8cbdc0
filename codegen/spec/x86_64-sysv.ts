import { defineAbi } from './schema';

/**
 * x86-64 System V (Linux, BSDs; ELF). The return address is on the stack, so
 * the frame holds only what the callee must preserve: six general registers
 * and the FP control state. 56 bytes + the 8-byte return address keeps the
 * suspended stack pointer 16-byte aligned.
 */
export default defineAbi({
  id: 'x86_64-sysv',
  isa: 'x86_64',
  title: 'x86-64 System V (ELF)',
  references: [
    'System V AMD64 psABI 1.0, §3.2.1 Registers (Figure 3.4: rbx, rbp, r12-r15 callee-saved; MXCSR control bits and x87 control word callee-saved)',
    'Intel CET: endbr64 landing pads and the GNU_PROPERTY_X86_FEATURE_1_AND note',
  ],
  pointerBytes: 8,
  objectFormat: { kind: 'elf', symbolPrefix: '' },
  cTargetCondition: 'defined(__x86_64__) && defined(__ELF__)',
  registers: {
    stackPointer: 'rsp',
    framePointer: 'rbp',
    returnAddress: { in: 'stack' },
    arguments: ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9'],
    result: 'rax',
    reserved: [],
    scratch: ['rax', 'rcx', 'rdx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11'],
  },
  calleeSaved: {
    general: ['rbx', 'rbp', 'r12', 'r13', 'r14', 'r15'],
    float: [],
    control: [
      { register: 'mxcsr', bytes: 4, note: 'MXCSR control bits (rounding, FTZ/DAZ, exception masks); the status flags travel along' },
      { register: 'x87cw', bytes: 2, note: 'x87 control word (precision and rounding control)' },
    ],
  },
  stack: { alignment: 16, redZone: 128 },
  frame: {
    size: 56,
    slots: [
      { kind: 'control', register: 'mxcsr', offset: 0, bytes: 4 },
      { kind: 'control', register: 'x87cw', offset: 4, bytes: 2 },
      { kind: 'padding', offset: 6, bytes: 2 },
      { kind: 'general', register: 'r12', offset: 8 },
      { kind: 'general', register: 'r13', offset: 16 },
      { kind: 'general', register: 'r14', offset: 24 },
      { kind: 'general', register: 'r15', offset: 32 },
      { kind: 'general', register: 'rbx', offset: 40 },
      { kind: 'general', register: 'rbp', offset: 48 },
    ],
  },
  entryRegister: 'rbx',
  hardening: [{ kind: 'x86-ibt' }],
});

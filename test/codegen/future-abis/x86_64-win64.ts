import { defineAbi } from './schema';

/**
 * x86-64 Windows (COFF): rdi and rsi are callee-saved too, as are xmm6-xmm15
 * (all 16 bytes), and the TIB's stack fields must follow the stack.
 */
export default defineAbi({
  id: 'x86_64-win64',
  isa: 'x86_64',
  title: 'x86-64 Windows (COFF)',
  references: ['Microsoft x64 calling convention: callee-saved registers', 'NT_TIB: StackBase gs:0x08, StackLimit gs:0x10, DeallocationStack gs:0x1478'],
  pointerBytes: 8,
  objectFormat: { kind: 'coff', symbolPrefix: '' },
  cTargetCondition: 'defined(_WIN64)',
  registers: {
    stackPointer: 'rsp',
    framePointer: 'rbp',
    returnAddress: { in: 'stack' },
    arguments: ['rcx', 'rdx', 'r8', 'r9'],
    result: 'rax',
    reserved: [],
    scratch: ['rax', 'rcx', 'rdx', 'r8', 'r9', 'r10', 'r11'],
  },
  calleeSaved: {
    general: ['rbx', 'rbp', 'rdi', 'rsi', 'r12', 'r13', 'r14', 'r15'],
    float: (['xmm6', 'xmm7', 'xmm8', 'xmm9', 'xmm10', 'xmm11', 'xmm12', 'xmm13', 'xmm14', 'xmm15'] as const).map((register) => ({ register, bytes: 16 as const })),
    control: [
      { register: 'mxcsr', bytes: 4, note: 'MXCSR control bits' },
      { register: 'x87cw', bytes: 2, note: 'x87 control word' },
    ],
  },
  stack: { alignment: 16, redZone: 0 },
  frame: {
    size: 264,
    slots: [
      ...(['xmm6', 'xmm7', 'xmm8', 'xmm9', 'xmm10', 'xmm11', 'xmm12', 'xmm13', 'xmm14', 'xmm15'] as const).map((register, i) => ({ kind: 'float' as const, register, offset: 16 * i, bytes: 16 as const })),
      ...(['rbx', 'rbp', 'rdi', 'rsi', 'r12', 'r13', 'r14', 'r15'] as const).map((register, i) => ({ kind: 'general' as const, register, offset: 160 + 8 * i })),
      { kind: 'control', register: 'mxcsr', offset: 224, bytes: 4 },
      { kind: 'control', register: 'x87cw', offset: 228, bytes: 2 },
      { kind: 'padding', offset: 230, bytes: 2 },
      { kind: 'thread-field', name: 'StackBase', segment: 'gs', segmentOffset: 0x08, offset: 232, bytes: 8 },
      { kind: 'thread-field', name: 'StackLimit', segment: 'gs', segmentOffset: 0x10, offset: 240, bytes: 8 },
      { kind: 'thread-field', name: 'DeallocationStack', segment: 'gs', segmentOffset: 0x1478, offset: 248, bytes: 8 },
      { kind: 'padding', offset: 256, bytes: 8 },
    ],
  },
  entryRegister: 'rbx',
  hardening: [],
});

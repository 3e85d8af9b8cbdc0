import { defineAbi } from './schema';

/**
 * x86-64 Windows (PE/COFF; MSVC, mingw-w64, clang). Beyond System V's set,
 * rdi and rsi are callee-saved, and so are xmm6-xmm15 in full (16 bytes
 * each). The arguments come in rcx, rdx, r8. The frame also carries the
 * three TEB fields that describe the running thread's stack (StackBase,
 * StackLimit, DeallocationStack): Windows' exception dispatcher refuses
 * frames outside [StackLimit, StackBase], so a coroutine that throws needs
 * them to describe its own stack while it runs. NT_TIB's ExceptionList
 * follows the stack too: Windows x64 does not use it, but Wine's dispatcher
 * walks it (its own handler frames) and would run the suspended stack's
 * handlers for an exception thrown in a coroutine. 264 bytes + the 8-byte
 * return address keep the suspended stack pointer 16-byte aligned, and the
 * xmm slots 16-byte aligned (SEH's save-xmm128 codes require it).
 */
export default defineAbi({
  id: 'x86_64-win64',
  isa: 'x86_64',
  title: 'x86-64 Windows (PE/COFF)',
  references: [
    'Microsoft x64 calling convention, "Caller/callee saved registers" (rbx, rbp, rdi, rsi, rsp, r12-r15 and xmm6-xmm15 nonvolatile) and "Stack allocation" (16-byte aligned at calls, 32-byte home area)',
    'Microsoft x64 ABI conventions, "x64 floating-point and SSE state": MXCSR bits 6-15 and the x87 control word nonvolatile',
    'Microsoft "x64 exception handling": UNWIND_INFO codes (.seh_* directives) for sy_switch and the trampoline',
    'NT_TIB / TEB (mingw-w64 winnt.h, Wine and ReactOS headers): ExceptionList gs:0x00, StackBase gs:0x08, StackLimit gs:0x10, DeallocationStack gs:0x1478',
  ],
  pointerBytes: 8,
  objectFormat: { kind: 'coff', symbolPrefix: '' },
  cTargetCondition: 'defined(__x86_64__) && defined(_WIN64)',
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
      { register: 'mxcsr', bytes: 4, note: 'MXCSR control bits (rounding, FTZ/DAZ, exception masks); the status flags travel along' },
      { register: 'x87cw', bytes: 2, note: 'x87 control word (precision and rounding control)' },
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
      // a new context's stack is [stack_base, aligned top): the whole range is committed memory
      { kind: 'thread-field', name: 'StackBase', segment: 'gs', segmentOffset: 0x08, offset: 232, bytes: 8, initial: 'stack-top' },
      { kind: 'thread-field', name: 'StackLimit', segment: 'gs', segmentOffset: 0x10, offset: 240, bytes: 8, initial: 'stack-base' },
      { kind: 'thread-field', name: 'DeallocationStack', segment: 'gs', segmentOffset: 0x1478, offset: 248, bytes: 8, initial: 'stack-base' },
      // Wine's x64 exception dispatcher still walks this list of its own handler frames, comparing
      // their addresses with rsp; a coroutine starts with the list empty (Windows x64 ignores it)
      { kind: 'thread-field', name: 'ExceptionList', segment: 'gs', segmentOffset: 0x00, offset: 256, bytes: 8, initial: 'all-ones' },
    ],
  },
  entryRegister: 'rbx',
  hardening: [],
});

import { defineAbi } from './schema';

/**
 * i386 System V (Linux; ELF). Every argument is on the stack, above the
 * return address the call pushed; sy_switch loads its three into scratch
 * registers first and returns the value in eax. ebx, esi, edi and ebp are
 * preserved; gs (the thread pointer) is never touched. The x87 control word
 * is always kept. MXCSR exists only on CPUs with SSE, which the i686 baseline
 * does not assume: the switch keeps its control bits when the file is
 * compiled with SSE enabled (`__SSE__`, e.g. -msse or -march=pentium4 and
 * later) and leaves its slot unused otherwise, so one frame layout serves
 * both builds. Stacks are 16-byte aligned at calls, as GCC and the current
 * psABI require: 28 bytes + the 4-byte return address keep that.
 */
export default defineAbi({
  id: 'i386-sysv',
  isa: 'i386',
  title: 'i386 System V (ELF)',
  references: [
    'System V Intel386 psABI 1.1, §2.2.2 Registers (Table 2.3: ebx, esi, edi, ebp, esp callee-saved; MXCSR control bits and the x87 control word callee-saved; DF clear at calls)',
    'System V Intel386 psABI 1.1, §2.2.2 The Stack Frame ((%esp + 4) is a multiple of 16 at function entry; arguments on the stack, the return value in eax)',
    'Intel CET: endbr32 landing pads and the GNU_PROPERTY_X86_FEATURE_1_AND note',
  ],
  pointerBytes: 4,
  objectFormat: { kind: 'elf', symbolPrefix: '' },
  cTargetCondition: 'defined(__i386__) && defined(__ELF__)',
  registers: {
    stackPointer: 'esp',
    framePointer: 'ebp',
    returnAddress: { in: 'stack' },
    arguments: ['ecx', 'edx', 'eax'],
    argumentsOnStack: true,
    result: 'eax',
    reserved: [],
    scratch: ['eax', 'ecx', 'edx'],
  },
  calleeSaved: {
    general: ['ebx', 'esi', 'edi', 'ebp'],
    float: [],
    control: [
      { register: 'mxcsr', bytes: 4, note: 'MXCSR control bits (rounding, FTZ/DAZ, exception masks) when compiled with SSE (__SSE__), written back by mask so the current status flags stay' },
      { register: 'x87cw', bytes: 2, note: 'x87 control word (precision and rounding control), always' },
    ],
  },
  stack: { alignment: 16, redZone: 0 },
  frame: {
    size: 28,
    slots: [
      { kind: 'control', register: 'mxcsr', offset: 0, bytes: 4 },
      { kind: 'control', register: 'x87cw', offset: 4, bytes: 2 },
      { kind: 'padding', offset: 6, bytes: 2 },
      { kind: 'general', register: 'ebx', offset: 8 },
      { kind: 'general', register: 'esi', offset: 12 },
      { kind: 'general', register: 'edi', offset: 16 },
      { kind: 'general', register: 'ebp', offset: 20 },
      { kind: 'padding', offset: 24, bytes: 4 },
    ],
  },
  entryRegister: 'ebx',
  hardening: [{ kind: 'x86-ibt' }],
});

import { defineAbi } from './schema';

const GPRS = ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 'gp', 's8'] as const;
const FPRS = ['f24', 'f25', 'f26', 'f27', 'f28', 'f29', 'f30', 'f31'] as const;

/**
 * MIPS64 little-endian, n64 (Linux, ELF). s0-s7 ($16-$23), s8 ($30, the
 * frame pointer) and gp ($28) are preserved: PIC code restores gp after
 * every call, so a coroutine suspended in one module and resumed from
 * another must get its own GOT pointer back. The return address arrives in
 * ra ($31) and is saved in the frame like a register. With 64-bit FP
 * registers (FR=1, n64) $f24-$f31 are preserved, odd and even. The FCSR's
 * control fields (rounding mode, exception enables, FS) are kept per
 * coroutine; its flags, cause bits and condition codes are not. A function
 * called through a pointer is entered with t9 ($25) = its address, from
 * which PIC code computes its own gp.
 */
export default defineAbi({
  id: 'mips64el-n64',
  isa: 'mips64el',
  title: 'MIPS64 n64, little-endian (ELF)',
  references: [
    'MIPSpro N32 ABI Handbook, ch. 2 "Calling Convention Implementations", Table 2-1 (n64: $16-$23, $28 gp, $29 sp, $30 callee-saved; $f24-$f31 callee-saved; $31 return address)',
    'MIPS ELF ABI supplement (SYSV ABI MIPS), "Function Calling Sequence": position-independent calls through $25 (t9), which the callee uses to set up gp',
    'MIPS64 Architecture for Programmers Vol. I-A, FCSR: RM (bits 0-1), Enables (7-11), FS (24) are modes; Flags (2-6), Cause (12-17) and FCC are status',
  ],
  pointerBytes: 8,
  objectFormat: { kind: 'elf', symbolPrefix: '' },
  cTargetCondition: 'defined(__mips__) && defined(_MIPS_SIM) && _MIPS_SIM == _ABI64 && defined(__MIPSEL__)',
  registers: {
    stackPointer: 'sp',
    framePointer: 's8',
    returnAddress: { in: 'register', register: 'ra' },
    arguments: ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'],
    result: 'v0',
    reserved: ['k0', 'k1'],
    scratch: ['v0', 'v1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 't0', 't1', 't2', 't3', 't8', 't9'],
  },
  calleeSaved: {
    general: [...GPRS],
    float: FPRS.map((register) => ({ register, bytes: 8 as const })),
    control: [{ register: 'fcsr', bytes: 4, note: 'FCSR rounding mode, exception enables and FS (written back by mask: the current flags and condition codes stay, cause bits are cleared)' }],
  },
  stack: { alignment: 16, redZone: 0 },
  frame: {
    size: 160,
    slots: [
      ...([...GPRS, 'ra'] as const).map((register, i) => ({ kind: 'general' as const, register, offset: 8 * i })),
      ...FPRS.map((register, i) => ({ kind: 'float' as const, register, offset: 88 + 8 * i, bytes: 8 as const })),
      { kind: 'control', register: 'fcsr', offset: 152, bytes: 4 },
      { kind: 'padding', offset: 156, bytes: 4 },
    ],
  },
  entryRegister: 's0',
  hardening: [],
});

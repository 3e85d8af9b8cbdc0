/**
 * The register-layout schema: everything the generator needs to know about
 * one ABI to emit its context switch. A spec file per ABI (beside this one)
 * default-exports `defineAbi({...})`.
 *
 * Register names are typed per instruction set, so a misspelt or foreign
 * register is a compile error that `switchyard gen` reports before it
 * generates anything. Soundness rules the type system cannot express
 * (every callee-saved register saved exactly once, offsets aligned, ...)
 * are checked by codegen/src/validate.ts.
 *
 * The switch saves state in a *frame* pushed on the suspended stack; the
 * `sy_context` only holds that stack's pointer. `frame.slots` is the layout,
 * offsets counted up from the stack pointer after the frame is allocated.
 */

type Range<N extends number, Acc extends number[] = []> = Acc['length'] extends N ? Acc[number] : Range<N, [...Acc, Acc['length']]>;

/** Instruction sets the schema can describe (an ISA emitter may or may not exist yet). */
export type Isa = 'x86_64' | 'aarch64' | 'riscv64' | 'riscv32' | 'ppc64le' | 's390x' | 'arm' | 'i386' | 'mips64el';

/** Register names per instruction set, as the assembler spells them. */
export interface IsaRegisters {
  x86_64: {
    general: 'rax' | 'rbx' | 'rcx' | 'rdx' | 'rsi' | 'rdi' | 'rbp' | 'rsp' | `r${8 | 9 | 10 | 11 | 12 | 13 | 14 | 15}`;
    float: `xmm${Range<16>}`;
    control: 'mxcsr' | 'x87cw';
  };
  aarch64: {
    general: `x${Range<31>}` | 'sp';
    float: `d${Range<32>}` | `q${Range<32>}`;
    control: 'fpcr';
  };
  riscv64: {
    general: 'ra' | 'sp' | 'gp' | 'tp' | `t${Range<7>}` | `s${Range<12>}` | `a${Range<8>}`;
    float: `ft${Range<12>}` | `fs${Range<12>}` | `fa${Range<8>}`;
    control: 'frm' | 'fcsr';
  };
  /** RV32: the same ABI names as RV64; only the integer registers' width (XLEN) differs */
  riscv32: IsaRegisters['riscv64'];
  ppc64le: {
    /** cr: the condition register, kept in a general (doubleword) slot; only its non-volatile fields are restored */
    general: `r${Range<32>}` | 'lr' | 'cr';
    float: `f${Range<32>}` | `v${Range<32>}`;
    control: 'fpscr' | 'vscr' | 'vrsave';
  };
  s390x: {
    general: `r${Range<16>}`;
    float: `f${Range<16>}`;
    control: 'fpc';
  };
  arm: {
    general: `r${Range<13>}` | 'sp' | 'lr' | 'pc';
    float: `d${Range<32>}`;
    control: 'fpscr';
  };
  i386: {
    general: 'eax' | 'ebx' | 'ecx' | 'edx' | 'esi' | 'edi' | 'ebp' | 'esp';
    float: never;
    control: 'mxcsr' | 'x87cw';
  };
  /** MIPS64 little-endian, n64 register names (a4-a7 are $8-$11, t0-t3 are $12-$15; s8 is the frame pointer $30) */
  mips64el: {
    general: 'at' | 'v0' | 'v1' | `a${Range<8>}` | `t${0 | 1 | 2 | 3 | 8 | 9}` | `s${Range<9>}` | 'gp' | 'sp' | 'ra' | 'k0' | 'k1';
    float: `f${Range<32>}`;
    control: 'fcsr';
  };
}

export type GeneralRegister<I extends Isa> = IsaRegisters[I]['general'];
export type FloatRegister<I extends Isa> = IsaRegisters[I]['float'];
export type ControlRegister<I extends Isa> = IsaRegisters[I]['control'];

/** How one object-file format spells symbols and sections. */
export type ObjectFormat =
  | { kind: 'elf'; symbolPrefix: '' }
  | { kind: 'macho'; symbolPrefix: '_' }
  | { kind: 'coff'; symbolPrefix: '' | '_' };

/** Where a function's return address lives when it is called. */
export type ReturnAddress<I extends Isa> =
  | { in: 'stack' }
  | { in: 'register'; register: GeneralRegister<I> };

/** Hardening features; each names the ISA it belongs to so a spec cannot mix them up. */
export type Hardening<I extends Isa> = I extends 'x86_64' | 'i386'
  ? { kind: 'x86-ibt' } | { kind: 'x86-shstk' }
  : I extends 'aarch64'
    ? { kind: 'aarch64-bti' } | { kind: 'aarch64-pac'; key: 'a' | 'b' }
    : I extends 'riscv64' | 'riscv32'
      ? { kind: 'riscv-zicfilp' } | { kind: 'riscv-zicfiss' }
      : never;

/** One saved thing in the switch frame. Offsets are bytes from the frame's lowest address. */
export type FrameSlot<I extends Isa> =
  | { kind: 'general'; register: GeneralRegister<I>; offset: number }
  | { kind: 'float'; register: FloatRegister<I>; offset: number; bytes: 8 | 16 }
  | { kind: 'control'; register: ControlRegister<I>; offset: number; bytes: 2 | 4 | 8 }
  /**
   * a field of the OS thread block that must follow the stack (Win64 TIB StackBase, StackLimit, ...):
   * the switch saves the suspended context's value and writes the resumed one's; a new context
   * starts with `initial`: the aligned top of its stack, the stack_base it was given, or all
   * bits set (NT's end-of-list marker)
   */
  | { kind: 'thread-field'; name: string; segment: 'fs' | 'gs'; segmentOffset: number; offset: number; bytes: 4 | 8; initial: 'stack-top' | 'stack-base' | 'all-ones' }
  | { kind: 'padding'; offset: number; bytes: number };

/** A callee-saved floating-point or vector register and how many of its bytes the ABI preserves. */
export interface SavedFloat<I extends Isa> {
  register: FloatRegister<I>;
  bytes: 8 | 16;
}

/** FP control state the ABI makes callee-saved, and which part of it. */
export interface SavedControl<I extends Isa> {
  register: ControlRegister<I>;
  bytes: 2 | 4 | 8;
  /** what is preserved and why, for the generated header comment */
  note: string;
}

export interface AbiSpec<I extends Isa = Isa> {
  /** the ABI's name in file names and on the CLI, e.g. 'x86_64-sysv' */
  id: string;
  isa: I;
  title: string;
  /** the ABI documents the layout follows (cited in generated files) */
  references: string[];
  pointerBytes: 4 | 8;
  objectFormat: ObjectFormat;
  /** C preprocessor condition that selects this ABI in switchyard/context.h */
  cTargetCondition: string;
  registers: {
    stackPointer: GeneralRegister<I>;
    framePointer: GeneralRegister<I> | null;
    returnAddress: ReturnAddress<I>;
    /**
     * integer argument registers in order; the switch uses the first three.
     * With argumentsOnStack (i386 cdecl), the scratch registers the switch
     * loads its three stacked arguments into.
     */
    arguments: GeneralRegister<I>[];
    /** the caller passes every argument on the stack, above the return address (i386 System V) */
    argumentsOnStack?: true;
    result: GeneralRegister<I>;
    /** registers the platform reserves: the switcher must never read or write them */
    reserved: GeneralRegister<I>[];
    /** caller-saved registers the switcher may use as temporaries */
    scratch: GeneralRegister<I>[];
  };
  calleeSaved: {
    general: GeneralRegister<I>[];
    float: SavedFloat<I>[];
    control: SavedControl<I>[];
  };
  stack: {
    /** alignment of the stack pointer at a call site, in bytes */
    alignment: 8 | 16;
    /** bytes below the stack pointer a leaf may use without moving it (0 when none) */
    redZone: number;
  };
  frame: {
    size: number;
    slots: FrameSlot<I>[];
  };
  /** the callee-saved register that carries the entry function into the trampoline of a new context */
  entryRegister: GeneralRegister<I>;
  hardening: Hardening<I>[];
}

/** Identity helper that makes the compiler check a spec against its ISA's register names. */
export function defineAbi<I extends Isa>(spec: AbiSpec<I>): AbiSpec<I> {
  return spec;
}

/**
 * How ELF, Mach-O and COFF spell sections, symbol types, visibility, unwind
 * information and the non-executable-stack marker.
 */
import type { ObjectFormat } from '../../spec/schema';
import type { AsmWriter } from '../asm-writer';

export interface FunctionSymbol {
  symbol: string;
  /** visible only inside the linked binary (the trampoline, the abort reporter) */
  hidden: boolean;
  alignLog2: number;
}

/**
 * How unwinders learn a function's frame: DWARF CFI (.cfi_*, ELF and
 * Mach-O) or Windows x64 unwind codes (.seh_*, which gas turns into
 * .pdata/.xdata; COFF).
 */
export type UnwindInfo = 'cfi' | 'seh';

export interface ObjectSyntax {
  unwind: UnwindInfo;
  text(w: AsmWriter): void;
  functionStart(w: AsmWriter, f: FunctionSymbol): void;
  /** opens the function's unwind description (after its label) */
  unwindStart(w: AsmWriter, f: FunctionSymbol): void;
  unwindEnd(w: AsmWriter): void;
  functionEnd(w: AsmWriter, f: FunctionSymbol): void;
  /** section directives that end the file (ELF: the non-executable stack note) */
  end(w: AsmWriter): void;
}

const cfi = {
  unwind: 'cfi' as const,
  unwindStart: (w: AsmWriter) => void w.op('.cfi_startproc'),
  unwindEnd: (w: AsmWriter) => void w.op('.cfi_endproc'),
};

const elf: ObjectSyntax = {
  ...cfi,
  text: (w) => void w.op('.text'),
  functionStart(w, f) {
    w.op(`.globl ${f.symbol}`);
    if (f.hidden) w.op(`.hidden ${f.symbol}`);
    w.op(`.type ${f.symbol}, %function`).op(`.p2align ${f.alignLog2}`).label(f.symbol);
  },
  functionEnd: (w, f) => void w.op(`.size ${f.symbol}, .-${f.symbol}`),
  end: (w) => void w.op('.section .note.GNU-stack, "", %progbits', 'the stack stays non-executable'),
};

const macho: ObjectSyntax = {
  ...cfi,
  text: (w) => void w.op('.section __TEXT,__text,regular,pure_instructions'),
  functionStart(w, f) {
    w.op(`.globl ${f.symbol}`);
    if (f.hidden) w.op(`.private_extern ${f.symbol}`);
    w.op(`.p2align ${f.alignLog2}`).label(f.symbol);
  },
  functionEnd: () => undefined,
  end: () => undefined,
};

/**
 * PE/COFF has no hidden visibility: the trampoline stays an ordinary
 * external symbol (a DLL exports it only if asked to, or when it relies on
 * ld's export-everything default). The stack is never executable on
 * Windows, so there is no marker to write.
 */
const coff: ObjectSyntax = {
  unwind: 'seh',
  text: (w) => void w.op('.text'),
  functionStart(w, f) {
    w.op(`.globl ${f.symbol}`)
      .op(`.def ${f.symbol}; .scl 2; .type 32; .endef`, 'an external function symbol')
      .op(`.p2align ${f.alignLog2}`)
      .label(f.symbol);
  },
  unwindStart: (w, f) => void w.op(`.seh_proc ${f.symbol}`, 'unwind codes for .pdata/.xdata'),
  unwindEnd: (w) => void w.op('.seh_endproc'),
  functionEnd: () => undefined,
  end: () => undefined,
};

/** the object formats with a syntax below */
export const SUPPORTED_FORMATS: ReadonlyArray<ObjectFormat['kind']> = ['elf', 'macho', 'coff'];

export function objectSyntax(format: ObjectFormat): ObjectSyntax {
  switch (format.kind) {
    case 'elf':
      return elf;
    case 'macho':
      return macho;
    case 'coff':
      return coff;
  }
}

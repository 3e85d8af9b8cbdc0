/** How ELF and Mach-O spell sections, symbol types, visibility and the non-executable-stack marker. */
import type { ObjectFormat } from '../../spec/schema';
import type { AsmWriter } from '../asm-writer';

export interface FunctionSymbol {
  symbol: string;
  /** visible only inside the linked binary (the trampoline, the abort reporter) */
  hidden: boolean;
  alignLog2: number;
}

export interface ObjectSyntax {
  text(w: AsmWriter): void;
  functionStart(w: AsmWriter, f: FunctionSymbol): void;
  functionEnd(w: AsmWriter, f: FunctionSymbol): void;
  /** section directives that end the file (ELF: the non-executable stack note) */
  end(w: AsmWriter): void;
}

const elf: ObjectSyntax = {
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
  text: (w) => void w.op('.section __TEXT,__text,regular,pure_instructions'),
  functionStart(w, f) {
    w.op(`.globl ${f.symbol}`);
    if (f.hidden) w.op(`.private_extern ${f.symbol}`);
    w.op(`.p2align ${f.alignLog2}`).label(f.symbol);
  },
  functionEnd: () => undefined,
  end: () => undefined,
};

/** the object formats with a syntax below */
export const SUPPORTED_FORMATS: ReadonlyArray<ObjectFormat['kind']> = ['elf', 'macho'];

export function objectSyntax(format: ObjectFormat): ObjectSyntax {
  switch (format.kind) {
    case 'elf':
      return elf;
    case 'macho':
      return macho;
    case 'coff':
      throw new Error('unreachable: COFF (generate() refuses it first)');
  }
}

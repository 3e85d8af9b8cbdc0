/**
 * context_<abi>.S: sy_switch and the entry trampoline, composed from the
 * ISA emitter's primitives, with a header comment that carries the layout
 * table and the ABI rules the code follows.
 */
import { AsmWriter } from '../asm-writer';
import type { SwitchPlan } from '../isa/isa-emitter';
import { emitterFor, generatedFileNames, provenance } from '../plan';
import { returnAddressBytesOnStack, slotBytes } from '../validate';
import { objectSyntax } from './object-format';
import type { FunctionSymbol } from './object-format';

export const SWITCH = 'sy_switch';
export const TRAMPOLINE = 'sy_context_trampoline';
export const ENTRY_RETURNED = 'sy_context_entry_returned';

export function layoutTable(plan: SwitchPlan): string[] {
  const { spec } = plan;
  const rows = spec.frame.slots
    .slice()
    .sort((a, b) => a.offset - b.offset)
    .map((s) => {
      const what = s.kind === 'padding' ? '(padding)' : s.kind === 'thread-field' ? `${s.segment}:0x${s.segmentOffset.toString(16)} ${s.name}` : s.register;
      return `${String(s.offset).padStart(6)}  ${String(slotBytes(spec, s)).padStart(4)}  ${what}`;
    });
  const ra = returnAddressBytesOnStack(spec);
  if (ra) rows.push(`${String(spec.frame.size).padStart(6)}  ${String(ra).padStart(4)}  return address (pushed by the call)`);
  return ['offset  size  saved', ...rows];
}

function headerComment(plan: SwitchPlan, source: string, rules: string[]): string[] {
  const { spec } = plan;
  const [from, to, value] = spec.registers.arguments;
  const body = [
    `${generatedFileNames(spec).assembly}: the context switch for ${spec.title}.`,
    provenance(source),
    '',
    'void *sy_switch(sy_context *from, sy_context *to, void *value);',
    spec.registers.argumentsOnStack
      ? `  from, to and value on the stack (loaded into ${from}, ${to}, ${value}); the value comes back in ${spec.registers.result}`
      : `  from in ${from}, to in ${to}, value in ${value}; the value comes back in ${spec.registers.result}`,
    '  in the resumed context. Saves this context\'s callee-saved state in a frame on',
    '  its own stack, stores the stack pointer in from->sp, and resumes *to.',
    `${TRAMPOLINE}: where a new context starts (see sy_context_make); it calls`,
    `  entry(value) with entry taken from ${spec.entryRegister}, and aborts if entry returns.`,
    '',
    'ABI rules followed:',
    `  callee-saved general registers: ${spec.calleeSaved.general.join(' ')}`,
    ...(spec.calleeSaved.float.length
      ? [...new Set(spec.calleeSaved.float.map((f) => f.bytes))].map(
          (bytes) => `  callee-saved FP/SIMD registers: ${spec.calleeSaved.float.filter((f) => f.bytes === bytes).map((f) => f.register).join(' ')} (${bytes} bytes each)`,
        )
      : []),
    ...spec.calleeSaved.control.map((c) => `  FP control: ${c.note}`),
    `  stack: ${spec.stack.alignment}-byte aligned at calls; the frame${returnAddressBytesOnStack(spec) ? ' plus the return address' : ''} keeps that alignment`,
    ...rules.map((r) => `  ${r}`),
    plan.unwind === 'cfi'
      ? '  Every switch keeps CFI valid, so debuggers unwind through it on either stack.'
      : '  SEH unwind codes (.pdata/.xdata) describe both functions, so Windows unwinds through them.',
    '',
    'References:',
    ...spec.references.map((r) => `  ${r}`),
    '',
    'Frame on a suspended stack (from->sp points at offset 0):',
    ...layoutTable(plan).map((l) => `  ${l}`),
  ];
  return ['/*', ...body.map((l) => (l ? ` * ${l}` : ' *')), ' */'];
}

export function emitAssembly(plan: SwitchPlan, source: string): string {
  const isa = emitterFor(plan.spec);
  const syntax = objectSyntax(plan.spec.objectFormat);
  const w = new AsmWriter();
  w.raw(...headerComment(plan, source, isa.rules(plan))).blank();
  isa.preamble?.(plan, w);
  syntax.text(w);
  w.blank();

  /**
   * One pair of hooks frames each function's unwind description: the object
   * format's (CFI .cfi_startproc/.cfi_endproc, or COFF's .seh_proc/.seh_endproc)
   * nested inside the ISA's own tables where it has them (Arm EHABI's
   * .fnstart ... .cantunwind/.fnend).
   */
  const openFunction = (f: FunctionSymbol): void => {
    syntax.functionStart(w, f);
    isa.functionUnwindStart?.(w);
    syntax.unwindStart(w, f);
  };
  const closeFunction = (f: FunctionSymbol): void => {
    syntax.unwindEnd(w);
    isa.functionUnwindEnd?.(w);
    syntax.functionEnd(w, f);
    w.blank();
  };

  const sw = { symbol: plan.symbol(SWITCH), hidden: false, alignLog2: isa.functionAlignLog2 };
  openFunction(sw);
  isa.switchEntry(plan, w);
  isa.allocateFrame(plan, w);
  w.note('save this context');
  isa.storeFrame(plan, w);
  isa.saveStackPointer(plan, w);
  w.note('switch stacks and restore the other context');
  isa.loadStackPointer(plan, w);
  isa.loadFrame(plan, w);
  isa.freeFrame(plan, w);
  isa.passValue(plan, w);
  isa.resume(plan, w);
  closeFunction(sw);

  const tr = { symbol: plan.symbol(TRAMPOLINE), hidden: true, alignLog2: isa.functionAlignLog2 };
  openFunction(tr);
  isa.trampoline(plan, w, plan.symbol(ENTRY_RETURNED));
  closeFunction(tr);

  if (plan.spec.objectFormat.kind === 'elf') {
    isa.propertyNote(plan, w);
  }
  syntax.end(w);
  return w.toString();
}

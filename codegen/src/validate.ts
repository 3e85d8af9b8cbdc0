/**
 * Soundness rules for an ABI spec that the type system cannot express.
 * Each problem names the ABI and the place in the spec.
 */
import type { AbiSpec, FrameSlot, Isa } from '../spec/schema';
import { SpecProblem, SpecValidationError } from './errors';

/** Bytes the return address takes above the frame (the call pushed it) or 0 when it lives in a register. */
export function returnAddressBytesOnStack(spec: AbiSpec): number {
  return spec.registers.returnAddress.in === 'stack' ? spec.pointerBytes : 0;
}

/** The register a slot saves, or null for padding and thread fields. */
export function slotRegister(slot: FrameSlot<Isa>): string | null {
  return slot.kind === 'general' || slot.kind === 'float' || slot.kind === 'control' ? slot.register : null;
}

export function slotBytes(spec: AbiSpec, slot: FrameSlot<Isa>): number {
  return slot.kind === 'general' ? spec.pointerBytes : slot.bytes;
}

const HARDENING_ISA: Record<string, Isa[]> = {
  'x86-ibt': ['x86_64', 'i386'],
  'x86-shstk': ['x86_64', 'i386'],
  'aarch64-bti': ['aarch64'],
  'aarch64-pac': ['aarch64'],
  'riscv-zicfilp': ['riscv64', 'riscv32'],
  'riscv-zicfiss': ['riscv64', 'riscv32'],
};

export function validateSpec(spec: AbiSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const problem = (where: string, message: string) => problems.push({ abi: spec.id, where, message });
  const { frame, registers, calleeSaved } = spec;
  const reserved = new Set<string>(registers.reserved);

  if (!/^[a-z0-9_]+(-[a-z0-9_]+)*$/.test(spec.id)) problem('id', `'${spec.id}' must be lower-case words joined by '-'`);
  if (registers.arguments.length < 3) problem('registers.arguments', 'the switch takes three arguments (from, to, value); list at least three registers');

  // every slot: aligned, inside the frame, not overlapping another
  const covered: (number | undefined)[] = Array.from({ length: Math.max(frame.size, 0) }, () => undefined);
  frame.slots.forEach((slot, i) => {
    const where = `frame.slots[${i}]`;
    const bytes = slotBytes(spec, slot);
    const name = slotRegister(slot) ?? slot.kind;
    if (slot.kind !== 'padding' && slot.offset % bytes !== 0) {
      problem(where, `${name} at offset ${slot.offset} is misaligned: a ${bytes}-byte slot needs an offset that is a multiple of ${bytes}`);
    }
    if (slot.offset < 0 || slot.offset + bytes > frame.size) {
      problem(where, `${name} at offset ${slot.offset} (${bytes} bytes) lies outside the ${frame.size}-byte frame`);
      return;
    }
    for (let b = slot.offset; b < slot.offset + bytes; b++) {
      const other = covered[b];
      if (other !== undefined) {
        problem(where, `${name} at offset ${slot.offset} overlaps frame.slots[${other}]`);
        return;
      }
      covered[b] = i;
    }
  });
  const holes = covered.reduce<number[]>((acc, v, b) => (v === undefined ? [...acc, b] : acc), []);
  if (holes.length > 0 && frame.size > 0) problem('frame.slots', `bytes ${describeRuns(holes)} of the frame are not covered by any slot (declare padding explicitly)`);

  // the frame plus a stacked return address must keep the stack pointer aligned
  const pushed = frame.size + returnAddressBytesOnStack(spec);
  if (pushed % spec.stack.alignment !== 0) {
    problem('frame.size', `the save area (${frame.size} bytes${pushed !== frame.size ? ` + ${pushed - frame.size}-byte return address` : ''}) breaks the ${spec.stack.alignment}-byte stack alignment`);
  }

  // callee-saved registers: each saved exactly once, with enough bytes
  const savedCount = new Map<string, number[]>();
  frame.slots.forEach((slot, i) => {
    const reg = slotRegister(slot);
    if (reg) savedCount.set(reg, [...(savedCount.get(reg) ?? []), i]);
  });
  const expectSavedOnce = (reg: string, what: string) => {
    const at = savedCount.get(reg) ?? [];
    if (at.length === 0) problem('frame.slots', `${what} ${reg} is missing from the save area`);
    if (at.length > 1) problem('frame.slots', `${what} ${reg} is saved ${at.length} times (slots ${at.join(', ')})`);
  };
  const general = new Set<string>(calleeSaved.general);
  for (const reg of calleeSaved.general) expectSavedOnce(reg, 'callee-saved register');
  for (const f of calleeSaved.float) {
    expectSavedOnce(f.register, 'callee-saved FP register');
    const slot = frame.slots.find((s) => s.kind === 'float' && s.register === f.register);
    if (slot && slot.kind === 'float' && slot.bytes < f.bytes) problem('frame.slots', `${f.register} needs ${f.bytes} bytes but its slot has ${slot.bytes}`);
  }
  for (const c of calleeSaved.control) expectSavedOnce(c.register, 'FP control register');
  if (registers.returnAddress.in === 'register') expectSavedOnce(registers.returnAddress.register, 'return-address register');
  if (new Set(calleeSaved.general).size !== calleeSaved.general.length) problem('calleeSaved.general', 'lists a register twice');

  // nothing saved that the ABI does not ask for (it would hide a wrong list)
  const allowed = new Set<string>([...general, ...calleeSaved.float.map((f) => f.register), ...calleeSaved.control.map((c) => c.register)]);
  if (registers.returnAddress.in === 'register') allowed.add(registers.returnAddress.register);
  frame.slots.forEach((slot, i) => {
    const reg = slotRegister(slot);
    if (reg && !allowed.has(reg)) problem(`frame.slots[${i}]`, `${reg} is saved but is not callee-saved in this spec`);
  });
  if (savedCount.has(registers.stackPointer)) problem('frame.slots', `the stack pointer ${registers.stackPointer} is kept in sy_context, not in the frame`);

  // reserved registers are never touched
  frame.slots.forEach((slot, i) => {
    const reg = slotRegister(slot);
    if (reg && reserved.has(reg)) problem(`frame.slots[${i}]`, `${reg} is reserved by the platform and must not be used`);
  });
  for (const list of ['arguments', 'scratch'] as const) {
    registers[list].forEach((reg, i) => {
      if (reserved.has(reg)) problem(`registers.${list}[${i}]`, `${reg} is reserved by the platform and must not be used`);
    });
  }
  if (registers.argumentsOnStack) {
    registers.arguments.slice(0, 3).forEach((reg, i) => {
      if (!registers.scratch.includes(reg)) problem(`registers.arguments[${i}]`, `${reg} receives a stacked argument, so it must be a scratch register`);
    });
  }
  registers.scratch.forEach((reg, i) => {
    if (general.has(reg)) problem(`registers.scratch[${i}]`, `${reg} is callee-saved and cannot be a scratch register`);
  });
  if (reserved.has(spec.entryRegister)) problem('entryRegister', `${spec.entryRegister} is reserved by the platform and must not be used`);
  if (!general.has(spec.entryRegister)) problem('entryRegister', `${spec.entryRegister} must be callee-saved so that the frame carries it into the trampoline`);
  if (spec.entryRegister === registers.framePointer) problem('entryRegister', `${spec.entryRegister} is the frame pointer, which a new context must start with zeroed`);

  spec.hardening.forEach((h, i) => {
    if (!HARDENING_ISA[h.kind]?.includes(spec.isa)) problem(`hardening[${i}]`, `${h.kind} does not apply to ${spec.isa}`);
  });
  return problems;
}

/** Throws one SpecValidationError listing every problem of every spec. */
export function assertValidSpecs(specs: AbiSpec[]): void {
  const problems = specs.flatMap(validateSpec);
  const ids = specs.map((s) => s.id);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) problems.push({ abi: id, where: 'id', message: 'two spec files use this id' });
  });
  if (problems.length > 0) throw new SpecValidationError(problems);
}

function describeRuns(bytes: number[]): string {
  const runs: string[] = [];
  let start = bytes[0];
  for (let i = 1; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] !== bytes[i - 1] + 1) {
      const end = bytes[i - 1];
      runs.push(start === end ? `${start}` : `${start}-${end}`);
      start = bytes[i];
    }
  }
  return runs.join(', ');
}

/** x86-64 (AT&T syntax): the return address is on the stack; resume with pop + jmp. */
import type { AsmWriter } from '../asm-writer';
import { gnuPropertyNote, IsaEmitter, SavedSlot, SwitchPlan } from './isa-emitter';

const GNU_PROPERTY_X86_FEATURE_1_AND = 0xc0000002;
const IBT = 1;
const SHSTK = 2;

const r = (name: string) => `%${name}`;
const at = (offset: number) => `${offset}(%rsp)`;

function store(w: AsmWriter, slot: SavedSlot): void {
  switch (slot.kind) {
    case 'general':
      w.op(`movq ${r(slot.register)}, ${at(slot.offset)}`).op(`.cfi_rel_offset ${r(slot.register)}, ${slot.offset}`);
      return;
    case 'float':
      w.op(`movups ${r(slot.register)}, ${at(slot.offset)}`).op(`.cfi_rel_offset ${r(slot.register)}, ${slot.offset}`);
      return;
    case 'control':
      if (slot.register === 'mxcsr') w.op(`stmxcsr ${at(slot.offset)}`, 'SSE control/status');
      else w.op(`fnstcw ${at(slot.offset)}`, 'x87 control word');
      return;
    case 'thread-field':
      throw new Error(`unreachable: thread-field slot ${slot.name} (generate() refuses it first)`);
  }
}

function load(w: AsmWriter, slot: SavedSlot): void {
  switch (slot.kind) {
    case 'general':
      w.op(`movq ${at(slot.offset)}, ${r(slot.register)}`);
      return;
    case 'float':
      w.op(`movups ${at(slot.offset)}, ${r(slot.register)}`);
      return;
    case 'control':
      if (slot.register === 'mxcsr') w.op(`ldmxcsr ${at(slot.offset)}`);
      else w.op(`fldcw ${at(slot.offset)}`);
      return;
    case 'thread-field':
      throw new Error(`unreachable: thread-field slot ${slot.name} (generate() refuses it first)`);
  }
}

export const x86_64: IsaEmitter = {
  isa: 'x86_64',
  slotKinds: ['general', 'float', 'control'],
  functionAlignLog2: 4,

  rules: (plan) => [
    'The call into sy_switch pushed the return address; the frame sits just below it.',
    'Resuming pops that address and jumps to it instead of `ret`: a `ret` into another',
    'stack always misses the return-stack predictor, an indirect jmp is predicted.',
    ...(plan.has('x86-ibt')
      ? ['IBT: endbr64 opens sy_switch and the trampoline; the resume jump is `notrack`', 'because a return address carries no endbr64 (as GCC does for jump tables).']
      : []),
    ...(plan.has('x86-shstk')
      ? []
      : ['SHSTK is not claimed: every context would need its own shadow stack, so a binary', 'linking this object correctly loses SHSTK (the linker ANDs the property).']),
  ],

  switchEntry(plan, w) {
    if (plan.has('x86-ibt')) w.op('endbr64', 'IBT landing pad: sy_switch may be reached by an indirect call');
  },
  allocateFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`subq $${size}, %rsp`, 'room for the frame below the return address').op(`.cfi_adjust_cfa_offset ${size}`);
  },
  storeFrame(plan, w) {
    plan.slots.forEach((slot) => store(w, slot));
  },
  saveStackPointer(plan, w) {
    w.op(`movq %rsp, (${r(plan.from)})`, 'from->sp: this context is now suspended');
  },
  loadStackPointer(plan, w) {
    w.op(`movq (${r(plan.to)}), %rsp`, 'to->sp: now on the resumed stack, whose frame has the same layout');
  },
  loadFrame(plan, w) {
    plan.slots.forEach((slot) => load(w, slot));
  },
  freeFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`addq $${size}, %rsp`).op(`.cfi_adjust_cfa_offset -${size}`);
  },
  passValue(plan, w) {
    w.op(`movq ${r(plan.value)}, ${r(plan.result)}`, 'the value travels as the return value');
  },
  resume(plan, w) {
    const target = plan.temps[0];
    w.op(`popq ${r(target)}`, 'the resumed context\'s return address')
      .op('.cfi_adjust_cfa_offset -8')
      .op(`.cfi_register %rip, ${r(target)}`)
      .op(`${plan.has('x86-ibt') ? 'notrack ' : ''}jmp *${r(target)}`, 'predicted, unlike a ret into another stack');
  },
  trampoline(plan, w, entryReturned) {
    w.op('.cfi_undefined %rip', 'the first frame of a coroutine: unwinding stops here');
    if (plan.has('x86-ibt')) w.op('endbr64');
    w.op(`movq ${r(plan.result)}, ${r(plan.spec.registers.arguments[0])}`, 'the first switch\'s value is entry\'s argument')
      .op(`call *${r(plan.spec.entryRegister)}`, 'entry(value); the stack is 16-byte aligned here')
      .op(`call ${entryReturned}`, 'entry returned: report and abort')
      .op('ud2');
  },
  propertyNote(plan, w) {
    const bits = (plan.has('x86-ibt') ? IBT : 0) | (plan.has('x86-shstk') ? SHSTK : 0);
    if (bits) gnuPropertyNote(w, 8, GNU_PROPERTY_X86_FEATURE_1_AND, bits, [bits & IBT && 'IBT', bits & SHSTK && 'SHSTK'].filter(Boolean).join(' | '));
  },
  captureControlC(register, lvalue) {
    return register === 'mxcsr' ? `__asm__ volatile("stmxcsr %0" : "=m"(${lvalue}));` : `__asm__ volatile("fnstcw %0" : "=m"(${lvalue}));`;
  },
  prepareReturnAddressC: () => [],
};

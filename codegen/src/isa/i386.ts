/**
 * i386 (AT&T syntax), System V: every argument is on the stack and the
 * return address was pushed by the call. The switch loads its arguments
 * into scratch registers, pushes its frame below the return address, and
 * resumes with pop + jmp like the x86-64 emitter.
 *
 * MXCSR exists only with SSE, which the i686 baseline lacks: its save and
 * restore are assembled only when the file is compiled with `__SSE__`
 * (the .S goes through the C preprocessor), and sy_context_make captures it
 * under the same condition. The frame keeps the slot either way, so the
 * layout does not depend on compiler flags.
 */
import type { AsmWriter } from '../asm-writer';
import { gnuPropertyNote, IsaEmitter, SavedSlot, SwitchPlan } from './isa-emitter';

const GNU_PROPERTY_X86_FEATURE_1_AND = 0xc0000002;
const IBT = 1;
const SHSTK = 2;
/** MXCSR bits 0-5: the exception status flags (everything above them up to bit 15 is control) */
const MXCSR_FLAGS = 0x3f;

const r = (name: string) => `%${name}`;
const at = (offset: number) => `${offset}(%esp)`;
const IF_SSE = '#if defined(__SSE__)';
const END_IF = '#endif';

function store(w: AsmWriter, slot: SavedSlot): void {
  switch (slot.kind) {
    case 'general':
      w.op(`movl ${r(slot.register)}, ${at(slot.offset)}`).op(`.cfi_rel_offset ${r(slot.register)}, ${slot.offset}`);
      return;
    case 'control':
      if (slot.register === 'mxcsr') w.raw(IF_SSE).op(`stmxcsr ${at(slot.offset)}`, 'SSE control/status').raw(END_IF);
      else w.op(`fnstcw ${at(slot.offset)}`, 'x87 control word');
      return;
    case 'float':
    case 'thread-field':
      throw new Error(`unreachable: ${slot.kind} slot on i386 (emitterFor() refuses it first)`);
  }
}

/** the registers loadFrame may clobber: from and to are dead once the stack pointers moved */
function loadTemps(plan: SwitchPlan): [string, string] {
  return [plan.from, plan.to];
}

function load(plan: SwitchPlan, w: AsmWriter, slot: SavedSlot): void {
  switch (slot.kind) {
    case 'general':
      w.op(`movl ${at(slot.offset)}, ${r(slot.register)}`);
      return;
    case 'control':
      if (slot.register === 'mxcsr') {
        const [saved, current] = loadTemps(plan);
        w.raw(IF_SSE)
          .op(`movl ${at(slot.offset)}, ${r(saved)}`)
          .op(`andl $0x${(0xffff & ~MXCSR_FLAGS).toString(16)}, ${r(saved)}`, 'the resumed context\'s control bits')
          .op(`stmxcsr ${at(slot.offset)}`, 'the slot is free once read')
          .op(`movl ${at(slot.offset)}, ${r(current)}`)
          .op(`andl $0x${MXCSR_FLAGS.toString(16)}, ${r(current)}`, 'the status flags as they are now')
          .op(`orl ${r(current)}, ${r(saved)}`)
          .op(`movl ${r(saved)}, ${at(slot.offset)}`)
          .op(`ldmxcsr ${at(slot.offset)}`)
          .raw(END_IF);
      } else {
        w.op(`fldcw ${at(slot.offset)}`);
      }
      return;
    case 'float':
    case 'thread-field':
      throw new Error(`unreachable: ${slot.kind} slot on i386 (emitterFor() refuses it first)`);
  }
}

export const i386: IsaEmitter = {
  isa: 'i386',
  slotKinds: ['general', 'control'],
  functionAlignLog2: 4,

  rules: (plan) => [
    'sy_switch\'s arguments are on the stack above the return address; it loads them into',
    `  ${plan.from}, ${plan.to} and ${plan.value} before pushing its frame.`,
    'The call into sy_switch pushed the return address; the frame sits just below it.',
    'Resuming pops that address and jumps to it instead of `ret`: a `ret` into another',
    '  stack always misses the return-stack predictor, an indirect jmp is predicted.',
    'MXCSR is saved and restored only when compiled with SSE (`#if defined(__SSE__)`): the',
    '  i686 baseline has no SSE; the slot stays in the frame either way. Its control bits are',
    '  written back by mask, so the current exception status flags stay.',
    'A new context calls entry with its argument pushed and esp 16-byte aligned at the call.',
    ...(plan.has('x86-ibt')
      ? ['IBT: endbr32 opens sy_switch and the trampoline; the resume jump is `notrack`', '  because a return address carries no endbr32 (as GCC does for jump tables).']
      : []),
    ...(plan.has('x86-shstk')
      ? []
      : ['SHSTK is not claimed: every context would need its own shadow stack, so a binary', '  linking this object correctly loses SHSTK (the linker ANDs the property).']),
    'Never touched: gs (the thread pointer). DF is clear at every call and stays so.',
  ],

  switchEntry(plan, w) {
    if (plan.has('x86-ibt')) w.op('endbr32', 'IBT landing pad: sy_switch may be reached by an indirect call');
    w.op(`movl 4(%esp), ${r(plan.from)}`, 'from')
      .op(`movl 8(%esp), ${r(plan.to)}`, 'to')
      .op(`movl 12(%esp), ${r(plan.value)}`, 'value');
  },
  allocateFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`subl $${size}, %esp`, 'room for the frame below the return address').op(`.cfi_adjust_cfa_offset ${size}`);
  },
  storeFrame(plan, w) {
    plan.slots.forEach((slot) => store(w, slot));
  },
  saveStackPointer(plan, w) {
    w.op(`movl %esp, (${r(plan.from)})`, 'from->sp: this context is now suspended');
  },
  loadStackPointer(plan, w) {
    w.op(`movl (${r(plan.to)}), %esp`, 'to->sp: now on the resumed stack, whose frame has the same layout');
  },
  loadFrame(plan, w) {
    plan.slots.forEach((slot) => load(plan, w, slot));
  },
  freeFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`addl $${size}, %esp`).op(`.cfi_adjust_cfa_offset -${size}`);
  },
  passValue(plan, w) {
    if (plan.value !== plan.result) w.op(`movl ${r(plan.value)}, ${r(plan.result)}`, 'the value travels as the return value');
    else w.note(`the value is already in ${plan.result}, where it travels as the return value`);
  },
  resume(plan, w) {
    const target = plan.from;
    w.op(`popl ${r(target)}`, 'the resumed context\'s return address (from is dead)')
      .op('.cfi_adjust_cfa_offset -4')
      .op(`.cfi_register %eip, ${r(target)}`)
      .op(`${plan.has('x86-ibt') ? 'notrack ' : ''}jmp *${r(target)}`, 'predicted, unlike a ret into another stack');
  },
  trampoline(plan, w, entryReturned) {
    w.op('.cfi_undefined %eip', 'the first frame of a coroutine: unwinding stops here');
    if (plan.has('x86-ibt')) w.op('endbr32');
    w.op('subl $12, %esp', 'esp is 16-aligned here: 12 + the pushed argument keep it so at the call')
      .op('.cfi_adjust_cfa_offset 12')
      .op(`pushl ${r(plan.result)}`, 'the first switch\'s value is entry\'s argument')
      .op('.cfi_adjust_cfa_offset 4')
      .op(`call *${r(plan.spec.entryRegister)}`, 'entry(value)')
      .op(`call ${entryReturned}`, 'entry returned: report and abort')
      .op('ud2');
  },
  propertyNote(plan, w) {
    const bits = (plan.has('x86-ibt') ? IBT : 0) | (plan.has('x86-shstk') ? SHSTK : 0);
    if (bits) gnuPropertyNote(w, 4, GNU_PROPERTY_X86_FEATURE_1_AND, bits, [bits & IBT && 'IBT', bits & SHSTK && 'SHSTK'].filter(Boolean).join(' | '));
  },
  captureControlC(register, lvalue) {
    if (register === 'mxcsr') return `${IF_SSE} /* without SSE there is no MXCSR: the slot stays 0 and unused */\n\t__asm__ volatile("stmxcsr %0" : "=m"(${lvalue}));\n${END_IF}`;
    return `__asm__ volatile("fnstcw %0" : "=m"(${lvalue}));`;
  },
  prepareReturnAddressC: () => [],
};

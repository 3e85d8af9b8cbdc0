/** x86-64 (AT&T syntax): the return address is on the stack; resume with pop + jmp. */
import type { AsmWriter } from '../asm-writer';
import { gnuPropertyNote, IsaEmitter, SavedSlot, SwitchPlan } from './isa-emitter';

const GNU_PROPERTY_X86_FEATURE_1_AND = 0xc0000002;
const IBT = 1;
const SHSTK = 2;

const r = (name: string) => `%${name}`;
const at = (offset: number) => `${offset}(%rsp)`;
const segment = (slot: Extract<SavedSlot, { kind: 'thread-field' }>) => `%${slot.segment}:0x${slot.segmentOffset.toString(16)}`;
const mov = (bytes: number) => (bytes === 8 ? 'movq' : 'movl');
const sized = (reg: string, bytes: number) => (bytes === 8 ? r(reg) : /^r\d+$/.test(reg) ? `%${reg}d` : `%e${reg.slice(1)}`);

/** the unwind directive that describes one register save, in the plan's unwind format */
function describeSave(plan: SwitchPlan, w: AsmWriter, slot: Extract<SavedSlot, { kind: 'general' | 'float' }>): void {
  if (plan.unwind === 'cfi') w.op(`.cfi_rel_offset ${r(slot.register)}, ${slot.offset}`);
  else w.op(`${slot.kind === 'float' ? '.seh_savexmm' : '.seh_savereg'} ${r(slot.register)}, ${slot.offset}`);
}

function store(plan: SwitchPlan, w: AsmWriter, slot: SavedSlot): void {
  switch (slot.kind) {
    case 'general':
      w.op(`movq ${r(slot.register)}, ${at(slot.offset)}`);
      describeSave(plan, w, slot);
      return;
    case 'float':
      w.op(`movups ${r(slot.register)}, ${at(slot.offset)}`);
      describeSave(plan, w, slot);
      return;
    case 'control':
      if (slot.register === 'mxcsr') w.op(`stmxcsr ${at(slot.offset)}`, 'SSE control/status');
      else w.op(`fnstcw ${at(slot.offset)}`, 'x87 control word');
      return;
    case 'thread-field': {
      const t = sized(plan.temps[0], slot.bytes);
      w.op(`${mov(slot.bytes)} ${segment(slot)}, ${t}`, `this stack's ${slot.name}`).op(`${mov(slot.bytes)} ${t}, ${at(slot.offset)}`);
      return;
    }
  }
}

function load(plan: SwitchPlan, w: AsmWriter, slot: SavedSlot): void {
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
    case 'thread-field': {
      const t = sized(plan.temps[0], slot.bytes);
      w.op(`${mov(slot.bytes)} ${at(slot.offset)}, ${t}`).op(`${mov(slot.bytes)} ${t}, ${segment(slot)}`, `${slot.name} now describes the resumed stack`);
      return;
    }
  }
}

/**
 * Win64 new contexts: the trampoline starts with rsp = top - 16 (the first
 * switch popped its address from top - 24). Its unwind codes describe a
 * 40-byte allocation: the 32-byte home area it reserves for entry plus the
 * 8-byte slot that held its own address, so an unwinder finds a null
 * return address at top - 8 and stops with rsp = top = StackBase, where
 * the Windows and Wine exception dispatchers end their walk.
 */
const WIN64_TOP_RESERVE = 16;
const WIN64_HOME_AREA = 32;

export const x86_64: IsaEmitter = {
  isa: 'x86_64',
  slotKinds: ['general', 'float', 'control', 'thread-field'],
  functionAlignLog2: 4,

  rules: (plan) => [
    'The call into sy_switch pushed the return address; the frame sits just below it.',
    'Resuming pops that address and jumps to it instead of `ret`: a `ret` into another',
    'stack always misses the return-stack predictor, an indirect jmp is predicted.',
    ...(plan.has('x86-ibt')
      ? ['IBT: endbr64 opens sy_switch and the trampoline; the resume jump is `notrack`', 'because a return address carries no endbr64 (as GCC does for jump tables).']
      : []),
    ...(plan.has('x86-shstk') || plan.unwind === 'seh'
      ? []
      : ['SHSTK is not claimed: every context would need its own shadow stack, so a binary', 'linking this object correctly loses SHSTK (the linker ANDs the property).']),
    ...(plan.unwind === 'seh'
      ? [
          'No red zone and a 32-byte home area: the trampoline reserves it above entry\'s return',
          'address, so entry starts with rsp % 16 == 8 like any function.',
          'The thread-field slots keep the TEB\'s stack description (read by the exception',
          'dispatcher, GetCurrentThreadStackLimits, __chkstk) equal to the running stack.',
          'Unwind codes: sy_switch\'s prologue saves are described for both stacks (same frame',
          'layout); the last three instructions (after `addq`) are not, as in any function that',
          'leaves by an indirect jump. A new context\'s stack ends with a null return address',
          'at StackBase - 8, where unwinding stops.',
          'CET shadow stacks (/CETCOMPAT) are not supported: the resume jump bypasses them.',
        ]
      : []),
  ],

  switchEntry(plan, w) {
    if (plan.has('x86-ibt')) w.op('endbr64', 'IBT landing pad: sy_switch may be reached by an indirect call');
  },
  allocateFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`subq $${size}, %rsp`, 'room for the frame below the return address');
    w.op(plan.unwind === 'cfi' ? `.cfi_adjust_cfa_offset ${size}` : `.seh_stackalloc ${size}`);
  },
  storeFrame(plan, w) {
    if (plan.unwind === 'cfi') {
      plan.slots.forEach((slot) => store(plan, w, slot));
      return;
    }
    // the register saves are the prologue the unwind codes describe; the rest is body
    const described = (s: SavedSlot) => s.kind === 'general' || s.kind === 'float';
    plan.slots.filter(described).forEach((slot) => store(plan, w, slot));
    w.op('.seh_endprologue');
    plan.slots.filter((s) => !described(s)).forEach((slot) => store(plan, w, slot));
  },
  saveStackPointer(plan, w) {
    w.op(`movq %rsp, (${r(plan.from)})`, 'from->sp: this context is now suspended');
  },
  loadStackPointer(plan, w) {
    w.op(`movq (${r(plan.to)}), %rsp`, 'to->sp: now on the resumed stack, whose frame has the same layout');
  },
  loadFrame(plan, w) {
    plan.slots.forEach((slot) => load(plan, w, slot));
  },
  freeFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`addq $${size}, %rsp`);
    if (plan.unwind === 'cfi') w.op(`.cfi_adjust_cfa_offset -${size}`);
  },
  passValue(plan, w) {
    w.op(`movq ${r(plan.value)}, ${r(plan.result)}`, 'the value travels as the return value');
  },
  resume(plan, w) {
    const target = plan.temps[0];
    w.op(`popq ${r(target)}`, 'the resumed context\'s return address');
    if (plan.unwind === 'cfi') w.op('.cfi_adjust_cfa_offset -8').op(`.cfi_register %rip, ${r(target)}`);
    w.op(`${plan.has('x86-ibt') ? 'notrack ' : ''}jmp *${r(target)}`, 'predicted, unlike a ret into another stack');
  },
  trampoline(plan, w, entryReturned) {
    if (plan.unwind === 'cfi') w.op('.cfi_undefined %rip', 'the first frame of a coroutine: unwinding stops here');
    if (plan.has('x86-ibt')) w.op('endbr64');
    if (plan.unwind === 'seh') {
      w.op(`subq $${WIN64_HOME_AREA}, %rsp`, 'the home area entry may spill its register arguments to')
        .op(`.seh_stackalloc ${WIN64_HOME_AREA + 8}`, 'and the slot that held this address: a null return address is next')
        .op('.seh_endprologue');
    }
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
  newContextTopReserve: (plan) => (plan.unwind === 'seh' ? WIN64_TOP_RESERVE : 0),
};

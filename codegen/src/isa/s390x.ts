/**
 * s390x (z/Architecture), ELF: the return address is in r14 and saved in the
 * frame; resume is `br %r14`. Runs of consecutive GPR slots are stored and
 * loaded with one stmg/lmg, as compilers do.
 */
import type { AsmWriter } from '../asm-writer';
import { IsaEmitter, SavedSlot, SwitchPlan } from './isa-emitter';

/** every caller provides this much at 0(r15) for its callee's register saves */
const REGISTER_SAVE_AREA = 160;

const at = (offset: number) => `${offset}(%r15)`;
const gprNumber = (reg: string) => Number(reg.slice(1));

/** consecutive general slots holding consecutive registers, for stmg/lmg */
function runs(slots: SavedSlot[]): SavedSlot[][] {
  const groups: SavedSlot[][] = [];
  for (const slot of slots) {
    const last = groups[groups.length - 1];
    const prev = last?.[last.length - 1];
    if (
      prev && slot.kind === 'general' && prev.kind === 'general' &&
      slot.offset === prev.offset + 8 && gprNumber(slot.register) === gprNumber(prev.register) + 1
    ) {
      last.push(slot);
    } else {
      groups.push([slot]);
    }
  }
  return groups;
}

function store(w: AsmWriter, group: SavedSlot[]): void {
  const [a] = group;
  const b = group[group.length - 1];
  switch (a.kind) {
    case 'general':
      if (b.kind !== 'general') throw new Error('unreachable: a run mixes kinds');
      w.op(group.length > 1 ? `stmg %${a.register}, %${b.register}, ${at(a.offset)}` : `stg %${a.register}, ${at(a.offset)}`);
      for (const s of group) if (s.kind === 'general') w.op(`.cfi_rel_offset %${s.register}, ${s.offset}`);
      return;
    case 'float':
      w.op(`std %${a.register}, ${at(a.offset)}`).op(`.cfi_rel_offset %${a.register}, ${a.offset}`);
      return;
    case 'control':
      w.op(`stfpc ${at(a.offset)}`, 'FP control register');
      return;
    case 'thread-field':
      throw new Error(`unreachable: thread-field slot ${a.name} (generate() refuses it first)`);
  }
}

function load(w: AsmWriter, group: SavedSlot[]): void {
  const [a] = group;
  const b = group[group.length - 1];
  switch (a.kind) {
    case 'general':
      if (b.kind !== 'general') throw new Error('unreachable: a run mixes kinds');
      w.op(group.length > 1 ? `lmg %${a.register}, %${b.register}, ${at(a.offset)}` : `lg %${a.register}, ${at(a.offset)}`);
      return;
    case 'float':
      w.op(`ld %${a.register}, ${at(a.offset)}`);
      return;
    case 'control':
      w.op(`lfpc ${at(a.offset)}`);
      return;
    case 'thread-field':
      throw new Error(`unreachable: thread-field slot ${a.name} (generate() refuses it first)`);
  }
}

export const s390x: IsaEmitter = {
  isa: 's390x',
  slotKinds: ['general', 'float', 'control'],
  functionAlignLog2: 3,

  rules: () => [
    'The return address arrives in r14 and is saved in the frame like a register; resume is `br %r14`.',
    'The CFA is r15 + 160 at entry (the caller\'s register save area), as the s390x CFI defines it.',
    'The switch frame is pushed below the caller\'s save area, which sy_switch leaves untouched.',
    `A new context calls entry from a ${REGISTER_SAVE_AREA}-byte register save area whose back chain is 0.`,
    'Never touched: the access registers a0/a1 (thread pointer) and the vector registers\' upper halves.',
  ],

  switchEntry() {
    /* no landing pads on z/Architecture */
  },
  allocateFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`aghi %r15, -${size}`).op(`.cfi_adjust_cfa_offset ${size}`);
  },
  storeFrame(plan, w) {
    runs(plan.slots).forEach((group) => store(w, group));
  },
  saveStackPointer(plan, w) {
    w.op(`stg %r15, 0(%${plan.from})`, 'from->sp: this context is now suspended');
  },
  loadStackPointer(plan, w) {
    w.op(`lg %r15, 0(%${plan.to})`, 'to->sp: now on the resumed stack, whose frame has the same layout');
  },
  loadFrame(plan, w) {
    runs(plan.slots).forEach((group) => load(w, group));
  },
  freeFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`aghi %r15, ${size}`).op(`.cfi_adjust_cfa_offset -${size}`);
  },
  passValue(plan, w) {
    w.op(`lgr %${plan.result}, %${plan.value}`, 'the value travels as the return value');
  },
  resume(plan, w) {
    const ra = plan.spec.registers.returnAddress;
    w.op(`br %${ra.in === 'register' ? ra.register : 'r14'}`, 'into the resumed context');
  },
  trampoline(plan, w, entryReturned) {
    const arg0 = plan.spec.registers.arguments[0];
    w.op('.cfi_undefined %r14', 'the first frame of a coroutine: unwinding stops here')
      .op(`aghi %r15, -${REGISTER_SAVE_AREA}`, 'the register save area every callee may use')
      .op(`.cfi_adjust_cfa_offset ${REGISTER_SAVE_AREA}`)
      .op('xc 0(8,%r15), 0(%r15)', 'back chain 0: stack walkers stop here too');
    if (plan.result !== arg0) w.op(`lgr %${arg0}, %${plan.result}`);
    w.op(`basr %r14, %${plan.spec.entryRegister}`, 'entry(value): r2 already holds the value')
      .op(`brasl %r14, ${entryReturned}`, 'entry returned: report and abort')
      .op('.word 0', 'an invalid opcode: never reached');
  },
  propertyNote() {
    /* z/Architecture has no GNU property features */
  },
  captureControlC(register, lvalue) {
    if (register === 'fpc') return `{ uint32_t v; __asm__ volatile("stfpc %0" : "=Q"(v)); ${lvalue} = v; }`;
    throw new Error(`unreachable: no C capture for ${register}`);
  },
  prepareReturnAddressC: () => [],
};

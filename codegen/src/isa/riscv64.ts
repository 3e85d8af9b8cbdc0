/** RISC-V 64: the return address is in ra and saved in the frame; resume is `ret`. */
import type { AsmWriter } from '../asm-writer';
import { IsaEmitter, SavedSlot, SwitchPlan } from './isa-emitter';

function store(w: AsmWriter, slot: SavedSlot, tmp: string): void {
  switch (slot.kind) {
    case 'general':
      w.op(`sd ${slot.register}, ${slot.offset}(sp)`).op(`.cfi_rel_offset ${slot.register}, ${slot.offset}`);
      return;
    case 'float':
      w.op(`fsd ${slot.register}, ${slot.offset}(sp)`).op(`.cfi_rel_offset ${slot.register}, ${slot.offset}`);
      return;
    case 'control':
      w.op(slot.register === 'frm' ? `frrm ${tmp}` : `frcsr ${tmp}`).op(`sd ${tmp}, ${slot.offset}(sp)`);
      return;
    case 'thread-field':
      throw new Error(`unreachable: thread-field slot ${slot.name} (generate() refuses it first)`);
  }
}

function load(w: AsmWriter, slot: SavedSlot, tmp: string): void {
  switch (slot.kind) {
    case 'general':
      w.op(`ld ${slot.register}, ${slot.offset}(sp)`);
      return;
    case 'float':
      w.op(`fld ${slot.register}, ${slot.offset}(sp)`);
      return;
    case 'control':
      w.op(`ld ${tmp}, ${slot.offset}(sp)`).op(slot.register === 'frm' ? `fsrm ${tmp}` : `fscsr ${tmp}`);
      return;
    case 'thread-field':
      throw new Error(`unreachable: thread-field slot ${slot.name} (generate() refuses it first)`);
  }
}

export const riscv64: IsaEmitter = {
  isa: 'riscv64',
  slotKinds: ['general', 'float', 'control'],
  functionAlignLog2: 2,

  rules: (plan) => [
    'The return address arrives in ra and is saved in the frame like a register; resume is `ret`.',
    `Never touched: ${plan.spec.registers.reserved.join(', ')} (global and thread pointer are unallocatable).`,
  ],

  switchEntry(plan, w) {
    if (plan.has('riscv-zicfilp')) w.op('lpad 0', 'Zicfilp landing pad');
  },
  allocateFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`addi sp, sp, -${size}`).op(`.cfi_adjust_cfa_offset ${size}`);
  },
  storeFrame(plan, w) {
    plan.slots.forEach((slot) => store(w, slot, plan.temps[0]));
  },
  saveStackPointer(plan, w) {
    w.op(`sd sp, 0(${plan.from})`, 'from->sp: this context is now suspended');
  },
  loadStackPointer(plan, w) {
    w.op(`ld sp, 0(${plan.to})`, 'to->sp: now on the resumed stack, whose frame has the same layout');
  },
  loadFrame(plan, w) {
    plan.slots.forEach((slot) => load(w, slot, plan.temps[0]));
  },
  freeFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`addi sp, sp, ${size}`).op(`.cfi_adjust_cfa_offset -${size}`);
  },
  passValue(plan, w) {
    w.op(`mv ${plan.result}, ${plan.value}`, 'the value travels as the return value');
  },
  resume(_plan, w) {
    w.op('ret', 'into the resumed context');
  },
  trampoline(plan, w, entryReturned) {
    w.op('.cfi_undefined ra', 'the first frame of a coroutine: unwinding stops here');
    if (plan.result !== plan.spec.registers.arguments[0]) w.op(`mv ${plan.spec.registers.arguments[0]}, ${plan.result}`);
    w.op(`jalr ${plan.spec.entryRegister}`, 'entry(value): a0 already holds the value')
      .op(`call ${entryReturned}`, 'entry returned: report and abort')
      .op('unimp');
  },
  propertyNote() {
    /* no RISC-V CFI extension is enabled by the spec yet */
  },
  captureControlC(register, lvalue) {
    return `{ uint64_t v; __asm__ volatile("${register === 'frm' ? 'frrm' : 'frcsr'} %0" : "=r"(v)); ${lvalue} = v; }`;
  },
  prepareReturnAddressC: () => [],
};

/**
 * RISC-V, RV64 and RV32: the return address is in ra and saved in the frame;
 * resume is `ret`. One emitter for both widths: only the integer registers'
 * width (XLEN) changes the code, through the load/store of general slots and
 * of the stack pointer. FP registers are as wide as the FP ABI says (FLEN),
 * not XLEN: under ilp32d the callee-saved fs0-fs11 hold doubles, so RV32
 * still saves them whole with fsd/fld.
 */
import type { Isa } from '../../spec/schema';
import type { AsmWriter } from '../asm-writer';
import { IsaEmitter, SavedSlot } from './isa-emitter';

type Xlen = 32 | 64;

/** integer store/load of `bytes` bytes */
const storeOf = (bytes: number) => (bytes === 8 ? 'sd' : 'sw');
const loadOf = (bytes: number) => (bytes === 8 ? 'ld' : 'lw');

function store(w: AsmWriter, slot: SavedSlot, tmp: string, xlenBytes: number): void {
  switch (slot.kind) {
    case 'general':
      w.op(`${storeOf(xlenBytes)} ${slot.register}, ${slot.offset}(sp)`).op(`.cfi_rel_offset ${slot.register}, ${slot.offset}`);
      return;
    case 'float':
      w.op(`fsd ${slot.register}, ${slot.offset}(sp)`).op(`.cfi_rel_offset ${slot.register}, ${slot.offset}`);
      return;
    case 'control':
      w.op(slot.register === 'frm' ? `frrm ${tmp}` : `frcsr ${tmp}`).op(`${storeOf(slot.bytes)} ${tmp}, ${slot.offset}(sp)`);
      return;
    case 'thread-field':
      throw new Error(`unreachable: thread-field slot ${slot.name} (generate() refuses it first)`);
  }
}

function load(w: AsmWriter, slot: SavedSlot, tmp: string, xlenBytes: number): void {
  switch (slot.kind) {
    case 'general':
      w.op(`${loadOf(xlenBytes)} ${slot.register}, ${slot.offset}(sp)`);
      return;
    case 'float':
      w.op(`fld ${slot.register}, ${slot.offset}(sp)`);
      return;
    case 'control':
      w.op(`${loadOf(slot.bytes)} ${tmp}, ${slot.offset}(sp)`).op(slot.register === 'frm' ? `fsrm ${tmp}` : `fscsr ${tmp}`);
      return;
    case 'thread-field':
      throw new Error(`unreachable: thread-field slot ${slot.name} (generate() refuses it first)`);
  }
}

function riscv(xlen: Xlen): IsaEmitter {
  const xlenBytes = xlen / 8;
  const isa: Isa = xlen === 64 ? 'riscv64' : 'riscv32';
  return {
    isa,
    slotKinds: ['general', 'float', 'control'],
    functionAlignLog2: 2,

    rules: (plan) => [
      'The return address arrives in ra and is saved in the frame like a register; resume is `ret`.',
      `Never touched: ${plan.spec.registers.reserved.join(', ')} (global and thread pointer are unallocatable).`,
      ...(xlen === 32
        ? [
            'Integer registers are 32 bits (sw/lw); fs0-fs11 are saved whole with fsd/fld, because',
            '  with the D extension they hold 64-bit doubles the ABI preserves.',
          ]
        : []),
    ],

    switchEntry(plan, w) {
      if (plan.has('riscv-zicfilp')) w.op('lpad 0', 'Zicfilp landing pad');
    },
    allocateFrame(plan, w) {
      const size = plan.spec.frame.size;
      w.op(`addi sp, sp, -${size}`).op(`.cfi_adjust_cfa_offset ${size}`);
    },
    storeFrame(plan, w) {
      plan.slots.forEach((slot) => store(w, slot, plan.temps[0], xlenBytes));
    },
    saveStackPointer(plan, w) {
      w.op(`${storeOf(xlenBytes)} sp, 0(${plan.from})`, 'from->sp: this context is now suspended');
    },
    loadStackPointer(plan, w) {
      w.op(`${loadOf(xlenBytes)} sp, 0(${plan.to})`, 'to->sp: now on the resumed stack, whose frame has the same layout');
    },
    loadFrame(plan, w) {
      plan.slots.forEach((slot) => load(w, slot, plan.temps[0], xlenBytes));
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
      // frrm/frcsr write an XLEN-wide integer register
      return `{ uint${xlen}_t v; __asm__ volatile("${register === 'frm' ? 'frrm' : 'frcsr'} %0" : "=r"(v)); ${lvalue} = v; }`;
    },
    prepareReturnAddressC: () => [],
  };
}

export const riscv64 = riscv(64);
export const riscv32 = riscv(32);

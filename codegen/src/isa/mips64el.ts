/**
 * MIPS64 little-endian, n64: the return address arrives in ra and is saved
 * in the frame like a register; resume is `jr ra`.
 *
 * Branch delay slots: the file is assembled in gas's default `reorder`
 * mode, so the assembler fills every delay slot (with a nop, or an earlier
 * independent instruction it may move there); no instruction is written
 * into a delay slot by hand, and nothing here depends on what the slot holds.
 */
import type { AsmWriter } from '../asm-writer';
import { IsaEmitter, SavedSlot, SwitchPlan } from './isa-emitter';

/** FCSR fields a coroutine keeps: RM (bits 0-1), Enables (7-11), FS (24) */
const FCSR_MODES = 0x01000f83;
/** FCSR Cause (bits 12-17): cleared on restore, since a cause bit whose enable is set traps at once */
const FCSR_CAUSE = 0x0003f000;
const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

const r = (name: string) => `$${name}`;
const at = (offset: number) => `${offset}($sp)`;
/** gas's MIPS CFI directives take no $f names: FP register n is DWARF register 32 + n */
const dwarfFloat = (reg: string) => 32 + Number(reg.slice(1));

function temps(plan: SwitchPlan): [string, string, string] {
  if (plan.temps.length < 3) throw new Error(`unreachable: ${plan.spec.id} needs three scratch registers besides the arguments`);
  return [plan.temps[0], plan.temps[1], plan.temps[2]];
}

function store(plan: SwitchPlan, w: AsmWriter, slot: SavedSlot): void {
  switch (slot.kind) {
    case 'general':
      w.op(`sd ${r(slot.register)}, ${at(slot.offset)}`).op(`.cfi_rel_offset ${r(slot.register)}, ${slot.offset}`);
      return;
    case 'float':
      w.op(`sdc1 ${r(slot.register)}, ${at(slot.offset)}`).op(`.cfi_rel_offset ${dwarfFloat(slot.register)}, ${slot.offset}`, `DWARF number of ${slot.register}`);
      return;
    case 'control': {
      const [t] = temps(plan);
      w.op(`cfc1 ${r(t)}, $31`, 'FCSR').op(`sw ${r(t)}, ${at(slot.offset)}`);
      return;
    }
    case 'thread-field':
      throw new Error(`unreachable: thread-field slot ${slot.name} (generate() refuses it first)`);
  }
}

function load(plan: SwitchPlan, w: AsmWriter, slot: SavedSlot): void {
  switch (slot.kind) {
    case 'general':
      w.op(`ld ${r(slot.register)}, ${at(slot.offset)}`);
      return;
    case 'float':
      w.op(`ldc1 ${r(slot.register)}, ${at(slot.offset)}`);
      return;
    case 'control': {
      const [saved, current, mask] = temps(plan);
      w.op(`lw ${r(saved)}, ${at(slot.offset)}`)
        .op(`li ${r(mask)}, ${hex(FCSR_MODES)}`, 'RM, Enables, FS')
        .op(`and ${r(saved)}, ${r(saved)}, ${r(mask)}`, 'the resumed context\'s modes')
        .op(`cfc1 ${r(current)}, $31`)
        .op(`li ${r(mask)}, ${hex(~(FCSR_MODES | FCSR_CAUSE))}`, 'flags, condition codes, NaN/abs modes')
        .op(`and ${r(current)}, ${r(current)}, ${r(mask)}`, 'as they are now; cause bits cleared')
        .op(`or ${r(saved)}, ${r(saved)}, ${r(current)}`)
        .op(`ctc1 ${r(saved)}, $31`);
      return;
    }
    case 'thread-field':
      throw new Error(`unreachable: thread-field slot ${slot.name} (generate() refuses it first)`);
  }
}

export const mips64el: IsaEmitter = {
  isa: 'mips64el',
  slotKinds: ['general', 'float', 'control'],
  functionAlignLog2: 3,

  rules: (plan) => [
    'The return address arrives in ra ($31) and is saved in the frame like a register; resume is `jr $ra`.',
    'gp ($28) is saved like s0-s8: the resumed code may live in another module with another GOT.',
    'FCSR is written back by mask: the resumed context\'s RM, Enables and FS with the current flags',
    '  and condition codes; cause bits are cleared (one whose enable is set would trap on ctc1).',
    'Delay slots: assembled in gas\'s default `reorder` mode, so the assembler fills every branch',
    '  delay slot; no instruction is placed in one by hand.',
    'A new context computes the trampoline\'s own gp from ra (= the trampoline\'s address when the',
    '  first switch resumes it), then calls entry through t9 ($25) = entry, as PIC callees expect:',
    '  entry derives its gp from t9. The trampoline\'s gp reaches the abort reporter through the GOT,',
    '  so the file must be assembled as abicalls code (-mabicalls, the Linux default).',
    `Never touched: ${plan.spec.registers.reserved.join(', ')} (kernel).`,
  ],

  switchEntry() {
    /* no landing pads on MIPS */
  },
  allocateFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`daddiu $sp, $sp, -${size}`).op(`.cfi_adjust_cfa_offset ${size}`);
  },
  storeFrame(plan, w) {
    plan.slots.forEach((slot) => store(plan, w, slot));
  },
  saveStackPointer(plan, w) {
    w.op(`sd $sp, 0(${r(plan.from)})`, 'from->sp: this context is now suspended');
  },
  loadStackPointer(plan, w) {
    w.op(`ld $sp, 0(${r(plan.to)})`, 'to->sp: now on the resumed stack, whose frame has the same layout');
  },
  loadFrame(plan, w) {
    plan.slots.forEach((slot) => load(plan, w, slot));
  },
  freeFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`daddiu $sp, $sp, ${size}`).op(`.cfi_adjust_cfa_offset -${size}`);
  },
  passValue(plan, w) {
    w.op(`move ${r(plan.result)}, ${r(plan.value)}`, 'the value travels as the return value');
  },
  resume(_plan, w) {
    w.op('jr $ra', 'into the resumed context');
  },
  trampoline(plan, w, entryReturned) {
    const self = plan.symbol('sy_context_trampoline');
    const arg0 = plan.spec.registers.arguments[0];
    w.op('.cfi_undefined $ra', 'the first frame of a coroutine: unwinding stops here')
      .note('ra = this function\'s address (the first switch resumed here with jr $ra): this module\'s gp')
      .op(`lui $gp, %hi(%neg(%gp_rel(${self})))`)
      .op('daddu $gp, $gp, $ra')
      .op(`daddiu $gp, $gp, %lo(%neg(%gp_rel(${self})))`)
      .op(`move ${r(arg0)}, ${r(plan.result)}`, 'the first switch\'s value is entry\'s argument')
      .op(`move $t9, ${r(plan.spec.entryRegister)}`, 'PIC calling convention: t9 = the callee\'s address')
      .op('jalr $t9', 'entry(value)')
      .op(`ld $t9, %got_disp(${entryReturned})($gp)`, 'entry returned (gp survived it: callee-saved)')
      .op('jalr $t9', 'report and abort')
      .op('break', 'never reached');
  },
  propertyNote() {
    /* MIPS has no GNU property features */
  },
  captureControlC(register, lvalue) {
    if (register === 'fcsr') return `{ uint32_t v; __asm__ volatile("cfc1 %0, $31" : "=r"(v)); ${lvalue} = v; }`;
    throw new Error(`unreachable: no C capture for ${register}`);
  },
  prepareReturnAddressC: () => [],
};

/**
 * 64-bit Power, little-endian, ELFv2: the return address is in LR and saved
 * in the frame; resume is `blr`. Vector slots are 16-aligned (lvx/stvx drop
 * the low four address bits) and addressed through an index register.
 */
import type { AsmWriter } from '../asm-writer';
import { IsaEmitter, SavedSlot, SwitchPlan } from './isa-emitter';

/** the CR fields ELFv2 makes non-volatile, as an mtcrf field mask (CR0 is the 0x80 bit) */
const CR2_TO_CR4 = 0x38;

const at = (offset: number) => `${offset}(%r1)`;

function vectorOffset(slot: SavedSlot & { offset: number }, what: string): number {
  if (slot.offset % 16 !== 0) throw new Error(`unreachable: ${what} at offset ${slot.offset} is not 16-aligned (lvx/stvx ignore the low four address bits)`);
  return slot.offset;
}

/** the two temporaries the switch uses: a GPR for moves to and from SPRs, one for vector indexes */
function temps(plan: SwitchPlan): { gpr: string; index: string } {
  const usable = plan.temps.filter((t) => t !== 'r0');
  if (!plan.temps.includes('r0') || usable.length === 0) throw new Error(`unreachable: ${plan.spec.id} needs r0 and one more scratch register`);
  return { gpr: 'r0', index: usable[0] };
}

function store(w: AsmWriter, slot: SavedSlot, t: { gpr: string; index: string }): void {
  switch (slot.kind) {
    case 'general':
      if (slot.register === 'lr') {
        w.op(`mflr %${t.gpr}`).op(`std %${t.gpr}, ${at(slot.offset)}`).op(`.cfi_rel_offset lr, ${slot.offset}`);
      } else if (slot.register === 'cr') {
        w.op(`mfcr %${t.gpr}`, 'the whole CR; only CR2-CR4 are restored')
          .op(`std %${t.gpr}, ${at(slot.offset)}`)
          .op(`.cfi_rel_offset cr2, ${slot.offset}`)
          .op(`.cfi_rel_offset cr3, ${slot.offset}`)
          .op(`.cfi_rel_offset cr4, ${slot.offset}`);
      } else {
        w.op(`std %${slot.register}, ${at(slot.offset)}`).op(`.cfi_rel_offset ${slot.register}, ${slot.offset}`);
      }
      return;
    case 'float':
      if (slot.bytes === 16) {
        w.op(`li %${t.index}, ${vectorOffset(slot, slot.register)}`).op(`stvx %${slot.register}, %r1, %${t.index}`).op(`.cfi_rel_offset ${slot.register}, ${slot.offset}`);
      } else {
        w.op(`stfd %${slot.register}, ${at(slot.offset)}`).op(`.cfi_rel_offset ${slot.register}, ${slot.offset}`);
      }
      return;
    case 'control':
      if (slot.register === 'fpscr') {
        w.op('mffs %f0', 'f0 is volatile').op(`stfd %f0, ${at(slot.offset)}`);
      } else if (slot.register === 'vscr') {
        w.op('mfvscr %v0', 'VSCR lands in the word that stvewx stores at a 16-aligned address')
          .op(`li %${t.index}, ${vectorOffset(slot, 'vscr')}`)
          .op(`stvewx %v0, %r1, %${t.index}`);
      } else {
        throw new Error(`unreachable: ${slot.register} is not saved by this emitter`);
      }
      return;
    case 'thread-field':
      throw new Error(`unreachable: thread-field slot ${slot.name} (generate() refuses it first)`);
  }
}

function load(w: AsmWriter, slot: SavedSlot, t: { gpr: string; index: string }): void {
  switch (slot.kind) {
    case 'general':
      if (slot.register === 'lr') w.op(`ld %${t.gpr}, ${at(slot.offset)}`).op(`mtlr %${t.gpr}`);
      else if (slot.register === 'cr') w.op(`ld %${t.gpr}, ${at(slot.offset)}`).op(`mtcrf 0x${CR2_TO_CR4.toString(16)}, %${t.gpr}`, 'CR2-CR4 only: the other fields are volatile');
      else w.op(`ld %${slot.register}, ${at(slot.offset)}`);
      return;
    case 'float':
      if (slot.bytes === 16) w.op(`li %${t.index}, ${vectorOffset(slot, slot.register)}`).op(`lvx %${slot.register}, %r1, %${t.index}`);
      else w.op(`lfd %${slot.register}, ${at(slot.offset)}`);
      return;
    case 'control':
      if (slot.register === 'fpscr') {
        w.op(`lfd %f0, ${at(slot.offset)}`)
          .op('mtfsf 0x03, %f0', 'low-word fields 6-7: VE OE UE ZE XE NI RN; the status bits stay')
          .op('mtfsf 0x01, %f0, 0, 1', 'field 7 of the upper word: DRN');
      } else if (slot.register === 'vscr') {
        w.op(`li %${t.index}, ${vectorOffset(slot, 'vscr')}`).op(`lvewx %v0, %r1, %${t.index}`).op('mtvscr %v0');
      } else {
        throw new Error(`unreachable: ${slot.register} is not restored by this emitter`);
      }
      return;
    case 'thread-field':
      throw new Error(`unreachable: thread-field slot ${slot.name} (generate() refuses it first)`);
  }
}

export const ppc64le: IsaEmitter = {
  isa: 'ppc64le',
  slotKinds: ['general', 'float', 'control'],
  functionAlignLog2: 4,

  rules: (plan) => [
    'The return address arrives in LR and is saved in the frame like a register; resume is `blr`.',
    'r2 (TOC) is saved like the other GPRs: the resumed code may live in another module.',
    'CR is read whole and written back with `mtcrf 0x38` (CR2-CR4): the other fields are volatile.',
    'FPSCR is written back by field mask, so the resumed context keeps its modes and the current',
    '  exception status bits are not replaced by stale ones.',
    'The frame is below r1 without a back chain word: nothing walks a suspended or switching stack.',
    'A new context enters entry through its global entry point (r12 = entry, `bctrl`) from a',
    '  32-byte frame with a zero back chain, which also holds entry\'s LR and TOC save slots.',
    `Never touched: ${plan.spec.registers.reserved.join(', ')} (thread pointer) and VRSAVE (reserved by ELFv2).`,
  ],

  preamble(_plan, w) {
    w.op('.abiversion 2', 'ELFv2: marks the object like every compiler-generated one');
  },
  switchEntry() {
    /* no landing pads on Power */
  },
  allocateFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`addi %r1, %r1, -${size}`).op(`.cfi_adjust_cfa_offset ${size}`);
  },
  storeFrame(plan, w) {
    const t = temps(plan);
    plan.slots.forEach((slot) => store(w, slot, t));
  },
  saveStackPointer(plan, w) {
    w.op(`std %r1, 0(%${plan.from})`, 'from->sp: this context is now suspended');
  },
  loadStackPointer(plan, w) {
    w.op(`ld %r1, 0(%${plan.to})`, 'to->sp: now on the resumed stack, whose frame has the same layout');
  },
  loadFrame(plan, w) {
    const t = temps(plan);
    plan.slots.forEach((slot) => load(w, slot, t));
  },
  freeFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`addi %r1, %r1, ${size}`).op(`.cfi_adjust_cfa_offset -${size}`);
  },
  passValue(plan, w) {
    w.op(`mr %${plan.result}, %${plan.value}`, 'the value travels as the return value');
  },
  resume(_plan, w) {
    w.op('blr', 'into the resumed context');
  },
  trampoline(plan, w, entryReturned) {
    const arg0 = plan.spec.registers.arguments[0];
    w.op('.cfi_undefined lr', 'the first frame of a coroutine: unwinding stops here')
      .op('li %r0, 0')
      .op('stdu %r0, -32(%r1)', 'a minimal frame whose back chain is 0: stack walkers stop here too')
      .op('.cfi_adjust_cfa_offset 32');
    if (plan.result !== arg0) w.op(`mr %${arg0}, %${plan.result}`);
    w.op(`mr %r12, %${plan.spec.entryRegister}`, 'a call through a pointer enters the global entry point with r12 = its address')
      .op('mtctr %r12')
      .op('bctrl', 'entry(value): r3 already holds the value')
      .note('entry returned: set up this module\'s TOC (entry may have changed r2) and report')
      .op('bcl 20, 31, 1f', 'the form of bcl that keeps the link stack balanced')
      .label('1')
      .op('mflr %r12')
      .op('addis %r2, %r12, (.TOC.-1b)@ha')
      .op('addi %r2, %r2, (.TOC.-1b)@l')
      .op(`bl ${entryReturned}`)
      .op('nop')
      .op('trap');
  },
  propertyNote() {
    /* Power has no GNU property features */
  },
  captureControlC(register, lvalue) {
    if (register === 'fpscr') return `{ double v; __asm__ volatile("mffs %0" : "=f"(v)); memcpy(&${lvalue}, &v, sizeof v); }`;
    if (register === 'vscr') {
      // stvx of a little-endian vector puts VSCR's word at the lowest address, as stvewx does in the switch
      return `{ uint32_t v[4] __attribute__((aligned(16))); __asm__ volatile("mfvscr %%v0\\n\\tstvx %%v0, 0, %1" : "=m"(v) : "r"(v) : "v0"); ${lvalue} = v[0]; }`;
    }
    throw new Error(`unreachable: no C capture for ${register}`);
  },
  prepareReturnAddressC: () => [],
};

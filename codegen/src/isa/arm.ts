/**
 * 32-bit Arm (AAPCS32, VFP), ELF. The switcher is ARM (A32) code in unified
 * syntax, whatever mode its callers were compiled in: interworking is
 * carried by the branches. The linker turns a Thumb caller's `bl sy_switch`
 * into `blx`; resume is `bx lr`, which returns to ARM or Thumb code as bit 0
 * of the saved lr says; the trampoline calls entry with `blx`, so an entry
 * pointer with bit 0 set (a Thumb function) runs as Thumb.
 *
 * Runs of general slots at consecutive words with ascending register numbers
 * are stored and loaded with one stm/ldm, runs of consecutive d registers
 * with one vstm/vldm, as compilers do. d16-d31 are never named: VFPv3-D16
 * cores have none.
 *
 * C++ on Arm unwinds through the EHABI tables (.ARM.exidx), not .eh_frame:
 * both functions get an EXIDX_CANTUNWIND entry (the trampoline is where a
 * coroutine's stack ends; nothing can throw inside sy_switch, and without an
 * entry of its own it would be covered by whatever function precedes it in
 * the table). The CFI goes to .debug_frame, as GCC does on Arm, for debuggers.
 */
import type { AsmWriter } from '../asm-writer';
import { IsaEmitter, SavedSlot, SwitchPlan } from './isa-emitter';

/**
 * FPSCR fields a coroutine keeps: IOE DZE OFE UFE IXE (bits 8-12), IDE (15),
 * RMode (22-23), FZ (24), DN (25), AHP (26). Not kept: NZCV (28-31), QC (27),
 * the cumulative exception flags (0-4, 7), and Len/Stride (16-21, zero at
 * every public interface anyway).
 */
export const FPSCR_MODES = 0x07c09f00;
const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

const at = (offset: number) => `[sp, #${offset}]`;
const regNumber = (reg: string) => (reg === 'lr' ? 14 : Number(reg.slice(1)));

type Run = { kind: 'general' | 'float'; slots: SavedSlot[] } | { kind: 'control'; slots: [SavedSlot] };

/** consecutive slots that one stm/ldm (general) or vstm/vldm (float) can move */
function runs(slots: SavedSlot[]): Run[] {
  const groups: Run[] = [];
  for (const slot of slots) {
    const last = groups[groups.length - 1];
    const prev = last?.slots[last.slots.length - 1];
    const extends_ =
      prev && last.kind === slot.kind &&
      ((slot.kind === 'general' && slot.offset === prev.offset + 4 && regNumber(slot.register) > regNumber((prev as typeof slot).register)) ||
        (slot.kind === 'float' && slot.offset === prev.offset + 8 && regNumber(slot.register) === regNumber((prev as typeof slot).register) + 1));
    if (extends_) last.slots.push(slot);
    else if (slot.kind === 'control') groups.push({ kind: 'control', slots: [slot] });
    else if (slot.kind === 'general' || slot.kind === 'float') groups.push({ kind: slot.kind, slots: [slot] });
    else throw new Error(`unreachable: ${slot.kind} slot on arm (emitterFor() refuses it first)`);
  }
  return groups;
}

const regOf = (slot: SavedSlot) => (slot.kind === 'general' || slot.kind === 'float' || slot.kind === 'control' ? slot.register : slot.name);

/** the register list of a run: {r4-r11, lr} style ranges are left to the reader; every register is named */
const list = (run: Run) => `{${run.slots.map(regOf).join(', ')}}`;

/** the base register a multiple transfer at `offset` uses: sp itself at 0, else the address in r12 (IP) */
function base(w: AsmWriter, offset: number): string {
  if (offset === 0) return 'sp';
  w.op(`add r12, sp, #${offset}`);
  return 'r12';
}

function temps(plan: SwitchPlan): [string, string, string] {
  // r12 and r3 are free scratch; `to` is dead once sp has been loaded from it
  if (plan.temps.length < 2) throw new Error(`unreachable: ${plan.spec.id} needs two scratch registers besides the arguments`);
  return [plan.temps[0], plan.temps[1], plan.to];
}

function store(plan: SwitchPlan, w: AsmWriter, run: Run): void {
  const [first] = run.slots;
  switch (run.kind) {
    case 'general':
      if (run.slots.length > 1) w.op(`stm ${base(w, first.offset)}, ${list(run)}`);
      else w.op(`str ${regOf(first)}, ${at(first.offset)}`);
      break;
    case 'float':
      if (run.slots.length > 1) w.op(`vstm ${base(w, first.offset)}, ${list(run)}`);
      else w.op(`vstr ${regOf(first)}, ${at(first.offset)}`);
      break;
    case 'control': {
      const [t] = temps(plan);
      w.op(`vmrs ${t}, fpscr`).op(`str ${t}, ${at(first.offset)}`);
      return;
    }
  }
  for (const s of run.slots) w.op(`.cfi_rel_offset ${regOf(s)}, ${s.offset}`);
}

function load(plan: SwitchPlan, w: AsmWriter, run: Run): void {
  const [first] = run.slots;
  switch (run.kind) {
    case 'general':
      w.op(run.slots.length > 1 ? `ldm ${base(w, first.offset)}, ${list(run)}` : `ldr ${regOf(first)}, ${at(first.offset)}`);
      return;
    case 'float':
      w.op(run.slots.length > 1 ? `vldm ${base(w, first.offset)}, ${list(run)}` : `vldr ${regOf(first)}, ${at(first.offset)}`);
      return;
    case 'control': {
      const [saved, current, mask] = temps(plan);
      w.op(`ldr ${saved}, ${at(first.offset)}`, 'the resumed context\'s FPSCR')
        .op(`vmrs ${current}, fpscr`, 'the FPSCR as it is now')
        .op(`movw ${mask}, #${hex(FPSCR_MODES & 0xffff)}`)
        .op(`movt ${mask}, #${hex(FPSCR_MODES >>> 16)}`, 'trap enables, RMode, FZ, DN, AHP')
        .op(`eor ${saved}, ${saved}, ${current}`)
        .op(`ands ${saved}, ${saved}, ${mask}`, 'the control bits that differ')
        .op(`eorne ${current}, ${current}, ${saved}`, 'current flags with the resumed control bits')
        .op(`vmsrne fpscr, ${current}`, 'written only when they differ (a VMSR to FPSCR may serialize)');
      return;
    }
  }
}

export const arm: IsaEmitter = {
  isa: 'arm',
  slotKinds: ['general', 'float', 'control'],
  functionAlignLog2: 2,

  preamble(_plan, w) {
    w.op('.syntax unified')
      .op('.arm', 'A32 code, callable from ARM and Thumb code alike')
      .op('.cfi_sections .debug_frame', 'CFI for debuggers; the EHABI tables serve C++ unwinding');
  },
  rules: (plan) => [
    'The return address arrives in lr and is saved in the frame like a register; resume is `bx lr`,',
    '  which returns in ARM or Thumb state as bit 0 of the saved lr says.',
    'The file is ARM (A32) code; Thumb callers reach it through the linker\'s bl -> blx rewrite.',
    'A new context calls entry with `blx`: an entry pointer with bit 0 set runs as Thumb code.',
    'd16-d31 are never named (VFPv3-D16 cores have none); they are caller-saved anyway.',
    `FPSCR is written back by mask ${hex(FPSCR_MODES)}: the resumed context's trap enables, RMode, FZ, DN`,
    '  and AHP with the current condition and cumulative exception flags; the VMSR is skipped when',
    '  the control bits already agree.',
    'Both functions carry an EHABI EXIDX_CANTUNWIND entry (.fnstart/.cantunwind/.fnend): C++ on Arm',
    '  unwinds through .ARM.exidx, and the trampoline is where a coroutine\'s stack ends.',
    `r12 (IP) is the only scratch register used besides the arguments${plan.spec.registers.reserved.length ? `; never touched: ${plan.spec.registers.reserved.join(', ')}` : ''}.`,
  ],
  functionUnwindStart(w) {
    w.op('.fnstart');
  },
  functionUnwindEnd(w) {
    w.op('.cantunwind', 'EHABI: unwinding stops here').op('.fnend');
  },

  switchEntry() {
    /* no landing pads on Arm A32 (BTI is an AArch64 and M-profile feature) */
  },
  allocateFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`sub sp, sp, #${size}`).op(`.cfi_adjust_cfa_offset ${size}`);
  },
  storeFrame(plan, w) {
    runs(plan.slots).forEach((run) => store(plan, w, run));
  },
  saveStackPointer(plan, w) {
    w.op(`str sp, [${plan.from}]`, 'from->sp: this context is now suspended');
  },
  loadStackPointer(plan, w) {
    w.op(`ldr sp, [${plan.to}]`, 'to->sp: now on the resumed stack, whose frame has the same layout');
  },
  loadFrame(plan, w) {
    runs(plan.slots).forEach((run) => load(plan, w, run));
  },
  freeFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`add sp, sp, #${size}`).op(`.cfi_adjust_cfa_offset -${size}`);
  },
  passValue(plan, w) {
    w.op(`mov ${plan.result}, ${plan.value}`, 'the value travels as the return value');
  },
  resume(_plan, w) {
    w.op('bx lr', 'into the resumed context, in its own instruction set');
  },
  trampoline(plan, w, entryReturned) {
    const arg0 = plan.spec.registers.arguments[0];
    w.op('.cfi_undefined lr', 'the first frame of a coroutine: unwinding stops here');
    if (arg0 !== plan.result) w.op(`mov ${arg0}, ${plan.result}`, 'the first switch\'s value is entry\'s argument');
    else w.note(`the first switch's value, already in ${arg0}, is entry's argument`);
    w.op(`blx ${plan.spec.entryRegister}`, 'entry(value), in ARM or Thumb state by bit 0')
      .op(`bl ${entryReturned}`, 'entry returned: report and abort')
      .op('udf #0', 'never reached');
  },
  propertyNote() {
    /* no GNU property features for A32 */
  },
  captureControlC(register, lvalue) {
    if (register === 'fpscr') return `{ uint32_t v; __asm__ volatile("vmrs %0, fpscr" : "=r"(v)); ${lvalue} = v; }`;
    throw new Error(`unreachable: no C capture for ${register}`);
  },
  prepareReturnAddressC: () => [],
};

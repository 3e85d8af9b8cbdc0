/** AArch64: the return address is in x30 and saved in the frame; pairs of slots use stp/ldp. */
import type { AsmWriter } from '../asm-writer';
import { gnuPropertyNote, IsaEmitter, SavedSlot, SwitchPlan } from './isa-emitter';

const GNU_PROPERTY_AARCH64_FEATURE_1_AND = 0xc0000000;
const BTI = 1;
const PAC = 2;

/** Adjacent 8-byte slots of the same register class share one stp/ldp. */
function pairs(slots: SavedSlot[]): SavedSlot[][] {
  const groups: SavedSlot[][] = [];
  for (let i = 0; i < slots.length; i++) {
    const a = slots[i];
    const b = slots[i + 1];
    const pairable = (s: SavedSlot) => (s.kind === 'general' || (s.kind === 'float' && s.bytes === 8));
    if (b && pairable(a) && pairable(b) && a.kind === b.kind && b.offset === a.offset + 8 && a.offset <= 504) {
      groups.push([a, b]);
      i++;
    } else {
      groups.push([a]);
    }
  }
  return groups;
}

const name = (slot: SavedSlot) => (slot.kind === 'general' || slot.kind === 'float' || slot.kind === 'control' ? slot.register : slot.name);

export const aarch64: IsaEmitter = {
  isa: 'aarch64',
  slotKinds: ['general', 'float', 'control'],
  functionAlignLog2: 4,

  rules: (plan) => [
    'The return address arrives in x30 and is saved in the frame like a register; resume is `ret`.',
    'sp must stay 16-byte aligned at every access, so the frame size is a multiple of 16.',
    'FPCR is written only when it differs: writing it can stall the pipeline.',
    ...(plan.spec.registers.reserved.length ? [`Never touched: ${plan.spec.registers.reserved.join(', ')} (reserved by the platform).`] : []),
    ...(plan.has('aarch64-bti') ? ['BTI: `bti c` opens sy_switch (hint space: a no-op on older cores).'] : []),
    ...(plan.has('aarch64-pac')
      ? ['PAC: x30 is signed with paciasp (modifier: sp at entry) before it is saved and', 'authenticated after it is reloaded; new contexts get a return address signed the same way.']
      : []),
  ],

  switchEntry(plan, w) {
    if (plan.has('aarch64-bti')) w.op('hint #34', 'bti c: landing pad for indirect calls');
    if (plan.has('aarch64-pac')) w.op('hint #25', 'paciasp: sign x30 against sp').op('.cfi_negate_ra_state');
  },
  allocateFrame(plan, w) {
    const size = plan.spec.frame.size;
    w.op(`sub sp, sp, #${size}`).op(`.cfi_def_cfa_offset ${size}`);
  },
  storeFrame(plan, w) {
    const tmp = plan.temps[0];
    for (const group of pairs(plan.slots)) {
      const [a, b] = group;
      if (a.kind === 'control') {
        w.op(`mrs ${tmp}, ${a.register}`).op(`str ${tmp}, [sp, #${a.offset}]`);
      } else if (b) {
        w.op(`stp ${name(a)}, ${name(b)}, [sp, #${a.offset}]`).op(`.cfi_rel_offset ${name(a)}, ${a.offset}`).op(`.cfi_rel_offset ${name(b)}, ${b.offset}`);
      } else {
        w.op(`str ${name(a)}, [sp, #${a.offset}]`).op(`.cfi_rel_offset ${name(a)}, ${a.offset}`);
      }
    }
  },
  saveStackPointer(plan, w) {
    const tmp = plan.temps[0];
    w.op(`mov ${tmp}, sp`).op(`str ${tmp}, [${plan.from}]`, 'from->sp: this context is now suspended');
  },
  loadStackPointer(plan, w) {
    const tmp = plan.temps[0];
    w.op(`ldr ${tmp}, [${plan.to}]`).op(`mov sp, ${tmp}`, 'to->sp: now on the resumed stack, whose frame has the same layout');
  },
  loadFrame(plan, w) {
    const [tmp, current] = plan.temps;
    let skip = 0;
    for (const group of pairs(plan.slots)) {
      const [a, b] = group;
      if (a.kind === 'control') {
        const label = `${++skip}`;
        w.op(`ldr ${tmp}, [sp, #${a.offset}]`)
          .op(`mrs ${current}, ${a.register}`)
          .op(`cmp ${tmp}, ${current}`)
          .op(`b.eq ${label}f`, `${a.register} unchanged: skip the costly write`)
          .op(`msr ${a.register}, ${tmp}`)
          .raw(`${label}:`);
      } else if (b) {
        w.op(`ldp ${name(a)}, ${name(b)}, [sp, #${a.offset}]`);
      } else {
        w.op(`ldr ${name(a)}, [sp, #${a.offset}]`);
      }
    }
  },
  freeFrame(plan, w) {
    w.op(`add sp, sp, #${plan.spec.frame.size}`).op('.cfi_def_cfa_offset 0');
  },
  passValue(plan, w) {
    if (plan.value !== plan.result) w.op(`mov ${plan.result}, ${plan.value}`, 'the value travels as the return value');
  },
  resume(plan, w) {
    if (plan.has('aarch64-pac')) w.op('hint #29', 'autiasp: authenticate the reloaded x30').op('.cfi_negate_ra_state');
    w.op('ret', 'into the resumed context');
  },
  trampoline(plan, w, entryReturned) {
    w.op('.cfi_undefined x30', 'the first frame of a coroutine: unwinding stops here');
    if (plan.result !== plan.spec.registers.arguments[0]) w.op(`mov ${plan.spec.registers.arguments[0]}, ${plan.result}`);
    w.op(`blr ${plan.spec.entryRegister}`, 'entry(value): x0 already holds the value')
      .op(`bl ${entryReturned}`, 'entry returned: report and abort')
      .op('brk #0x3e8');
  },
  propertyNote(plan, w) {
    const bits = (plan.has('aarch64-bti') ? BTI : 0) | (plan.has('aarch64-pac') ? PAC : 0);
    if (bits) gnuPropertyNote(w, 8, GNU_PROPERTY_AARCH64_FEATURE_1_AND, bits, [bits & BTI && 'BTI', bits & PAC && 'PAC'].filter(Boolean).join(' | '));
  },
  captureControlC(register, lvalue) {
    return `{ uint64_t v; __asm__ volatile("mrs %0, ${register}" : "=r"(v)); ${lvalue} = v; }`;
  },
  prepareReturnAddressC(plan, ra, sp) {
    if (!plan.has('aarch64-pac')) return [];
    return [
      '{',
      '\t/* sign it as paciasp would at sp = the frame\'s top (pacia1716 is a hint: a no-op without PAC) */',
      `\tregister uintptr_t x17 __asm__("x17") = ${ra};`,
      `\tregister uintptr_t x16 __asm__("x16") = ${sp};`,
      '\t__asm__("hint #8" : "+r"(x17) : "r"(x16));',
      `\t${ra} = x17;`,
      '}',
    ];
  },
};

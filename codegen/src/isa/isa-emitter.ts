/**
 * What an instruction set contributes to the generated switch: the handful
 * of primitives below. The order in which they run, the frame, the layout
 * table and the object-file details are shared (emit/assembly.ts), so a new
 * architecture is a spec file plus one of these.
 */
import type { AbiSpec, FrameSlot, Isa } from '../../spec/schema';
import type { AsmWriter } from '../asm-writer';
import type { UnwindInfo } from '../emit/object-format';

export type SavedSlot = Exclude<FrameSlot<Isa>, { kind: 'padding' }>;

/** Everything an emitter needs about the switch it is writing. */
export interface SwitchPlan {
  spec: AbiSpec;
  /** saved slots in offset order (padding dropped) */
  slots: SavedSlot[];
  /** registers holding sy_switch's arguments and its result */
  from: string;
  to: string;
  value: string;
  result: string;
  /** caller-saved registers the emitter may clobber: never an argument, the result or a reserved register */
  temps: string[];
  has(hardening: string): boolean;
  /** how the object format describes frames to unwinders: CFI directives or Windows x64 unwind codes */
  unwind: UnwindInfo;
  /** a symbol as the object format spells it (Mach-O adds '_') */
  symbol(name: string): string;
}

export interface IsaEmitter {
  isa: Isa;
  /** the frame slot kinds this emitter can save and restore */
  slotKinds: ReadonlyArray<SavedSlot['kind']>;
  /** log2 of the function alignment */
  functionAlignLog2: number;
  /** file-level directives before the first function (e.g. Power's `.abiversion`), if any */
  preamble?(plan: SwitchPlan, w: AsmWriter): void;
  /** directives around the object format's unwind description of each function (Arm EHABI's .fnstart before it, .cantunwind .fnend after it), if any */
  functionUnwindStart?(w: AsmWriter): void;
  functionUnwindEnd?(w: AsmWriter): void;
  /** lines for the header comment: the ISA-specific rules this emitter follows */
  rules(plan: SwitchPlan): string[];
  /** first instructions of sy_switch: landing pads, return-address signing, loading stacked arguments */
  switchEntry(plan: SwitchPlan, w: AsmWriter): void;
  allocateFrame(plan: SwitchPlan, w: AsmWriter): void;
  /** store every slot (with its CFI) */
  storeFrame(plan: SwitchPlan, w: AsmWriter): void;
  /** *from = stack pointer */
  saveStackPointer(plan: SwitchPlan, w: AsmWriter): void;
  /** stack pointer = *to */
  loadStackPointer(plan: SwitchPlan, w: AsmWriter): void;
  loadFrame(plan: SwitchPlan, w: AsmWriter): void;
  freeFrame(plan: SwitchPlan, w: AsmWriter): void;
  /** result register = value */
  passValue(plan: SwitchPlan, w: AsmWriter): void;
  /** continue in the resumed context */
  resume(plan: SwitchPlan, w: AsmWriter): void;
  /** the trampoline's body after .cfi_startproc: end unwinding, call entry(value), report a return */
  trampoline(plan: SwitchPlan, w: AsmWriter, entryReturned: string): void;
  /**
   * bytes sy_context_make leaves (zeroed) between the aligned top of a new
   * context's stack and the trampoline's return-address slot, for an
   * unwinder's end marker (Win64: a null return address at StackBase - 8);
   * 0 when absent
   */
  newContextTopReserve?(plan: SwitchPlan): number;
  /** the ELF GNU property note for the spec's hardening features, if any */
  propertyNote(plan: SwitchPlan, w: AsmWriter): void;
  /** C statement that stores the current value of an FP control register into `lvalue` (for new contexts) */
  captureControlC(register: string, lvalue: string): string;
  /** C statements that turn `ra` into what the switch's resume expects when the stack pointer is `sp` (e.g. PAC signing) */
  prepareReturnAddressC(plan: SwitchPlan, ra: string, sp: string): string[];
}

/** Writes an ELF .note.gnu.property with one AND-type feature word. */
export function gnuPropertyNote(w: AsmWriter, pointerBytes: number, type: number, bits: number, what: string): void {
  const align = pointerBytes === 8 ? 3 : 2;
  w.op('.section .note.gnu.property, "a"', 'properties the linker ANDs across all objects')
    .op(`.p2align ${align}`)
    .op('.long 4', 'name size: "GNU\\0"')
    .op(`.long ${pointerBytes === 8 ? 16 : 12}`, 'descriptor size')
    .op('.long 5', 'NT_GNU_PROPERTY_TYPE_0')
    .op('.asciz "GNU"')
    .op(`.long 0x${type.toString(16)}`, 'feature_1_and')
    .op('.long 4', 'pr_datasz')
    .op(`.long 0x${bits.toString(16)}`, what)
    .op(`.p2align ${align}`);
}

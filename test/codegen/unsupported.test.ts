/**
 * Generation refuses, with a typed error that says what is missing, a spec
 * no emitter can produce: one whose ISA has no emitter, or one with a frame
 * slot kind its ISA's emitter does not implement. Every ISA and object format
 * the schema knows has an emitter now, so these specs are shipped ones bent
 * by hand (the draft specs that used to exercise this were promoted).
 */
import { UnsupportedFeatureError, UnsupportedIsaError } from '../../codegen/src/errors';
import { generateAbi } from '../../codegen/src/generate';
import { validateSpec } from '../../codegen/src/validate';
import { loadedSpec } from './spec-fixtures';

test('a spec whose ISA has no emitter is refused, naming the ISA', () => {
  const orphan = loadedSpec('x86_64-sysv');
  orphan.spec.isa = 'loongarch64' as never;
  expect(() => generateAbi(orphan)).toThrow(UnsupportedIsaError);
  expect(() => generateAbi(orphan)).toThrow("ABI 'x86_64-sysv' uses ISA 'loongarch64', which has no emitter yet");
});

test('a thread-field slot on an ISA whose emitter has none is refused, naming the slot kind and the ISA', () => {
  // i386 on Windows would keep the TIB's StackBase (fs:0x04) like Win64 keeps
  // the TEB's; the i386 emitter does not implement thread fields
  const win32 = loadedSpec('i386-sysv');
  const slots = win32.spec.frame.slots;
  const pad = slots.findIndex((s) => s.kind === 'padding' && s.bytes === 4 && s.offset % 4 === 0);
  expect(pad).toBeGreaterThanOrEqual(0);
  slots[pad] = { kind: 'thread-field', name: 'StackBase', segment: 'fs', segmentOffset: 0x04, offset: slots[pad].offset, bytes: 4, initial: 'stack-top' };
  expect(validateSpec(win32.spec)).toEqual([]); // a sound layout: the refusal is the emitter's
  expect(() => generateAbi(win32)).toThrow(UnsupportedFeatureError);
  expect(() => generateAbi(win32)).toThrow("ABI 'i386-sysv' needs thread-field frame slots on i386");
});

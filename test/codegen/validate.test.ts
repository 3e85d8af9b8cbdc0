import type { AbiSpec } from '../../codegen/spec/schema';
import { SpecValidationError } from '../../codegen/src/errors';
import { assertValidSpecs, validateSpec } from '../../codegen/src/validate';
import { spec, specIds } from './spec-fixtures';

const messages = (s: AbiSpec) => validateSpec(s).map((p) => `${p.where}: ${p.message}`);

describe('validator', () => {
  test.each(specIds)('accepts the shipped spec %s', (id) => {
    expect(validateSpec(spec(id))).toEqual([]);
  });

  test('rejects a callee-saved register missing from the save area', () => {
    const s = spec('x86_64-sysv');
    s.frame.slots = s.frame.slots.map((slot) => (slot.kind === 'general' && slot.register === 'r13' ? { kind: 'padding', offset: slot.offset, bytes: 8 } : slot));
    expect(messages(s)).toContain('frame.slots: callee-saved register r13 is missing from the save area');
  });

  test('rejects a register saved twice', () => {
    const s = spec('x86_64-sysv');
    s.frame.slots = s.frame.slots.map((slot) => (slot.kind === 'general' && slot.register === 'r13' ? { ...slot, register: 'r12' } : slot));
    expect(messages(s)).toEqual(expect.arrayContaining(['frame.slots: callee-saved register r12 is saved 2 times (slots 3, 4)', 'frame.slots: callee-saved register r13 is missing from the save area']));
  });

  test('rejects a misaligned offset', () => {
    const s = spec('aarch64-aapcs64');
    const d8 = s.frame.slots.findIndex((slot) => slot.kind === 'float' && slot.register === 'd8');
    s.frame.slots[d8] = { ...s.frame.slots[d8], offset: 100 } as (typeof s.frame.slots)[number];
    expect(messages(s).join('\n')).toMatch(/frame\.slots\[12\]: d8 at offset 100 is misaligned: a 8-byte slot needs an offset that is a multiple of 8/);
  });

  test('rejects overlapping slots and uncovered bytes', () => {
    const s = spec('riscv64-lp64d');
    s.frame.slots[1] = { kind: 'general', register: 's0', offset: 0 };
    const text = messages(s).join('\n');
    expect(text).toMatch(/s0 at offset 0 overlaps frame\.slots\[0\]/);
    expect(text).toMatch(/bytes 8-15 of the frame are not covered by any slot/);
  });

  test('rejects a save area whose size breaks stack alignment', () => {
    const s = spec('x86_64-sysv');
    s.frame.size = 64;
    s.frame.slots.push({ kind: 'padding', offset: 56, bytes: 8 });
    expect(messages(s)).toContain('frame.size: the save area (64 bytes + 8-byte return address) breaks the 16-byte stack alignment');
    const a = spec('aarch64-aapcs64');
    a.frame.size = 168;
    a.frame.slots = a.frame.slots.filter((slot) => slot.kind !== 'padding');
    expect(messages(a)).toContain('frame.size: the save area (168 bytes) breaks the 16-byte stack alignment');
  });

  test('rejects a reserved register used (Apple x18)', () => {
    const s = spec('aarch64-apple');
    s.calleeSaved.general.push('x18');
    s.frame.size = 192;
    s.frame.slots.push({ kind: 'general', register: 'x18', offset: 176 }, { kind: 'padding', offset: 184, bytes: 8 });
    expect(messages(s)).toContain('frame.slots[22]: x18 is reserved by the platform and must not be used');
    const t = spec('aarch64-apple');
    t.registers.scratch.push('x18');
    expect(messages(t).join('\n')).toMatch(/registers\.scratch\[\d+\]: x18 is reserved by the platform/);
  });

  test('rejects a slot for a register the ABI does not make callee-saved', () => {
    const s = spec('x86_64-sysv');
    s.frame.slots = s.frame.slots.map((slot) => (slot.kind === 'padding' ? slot : slot.kind === 'general' && slot.register === 'rbp' ? { ...slot, register: 'r10' } : slot));
    expect(messages(s)).toEqual(expect.arrayContaining(['frame.slots[8]: r10 is saved but is not callee-saved in this spec']));
  });

  test('rejects an entry register that is not callee-saved, and hardening for another ISA', () => {
    const s = spec('riscv64-lp64d');
    s.entryRegister = 't0';
    (s.hardening as unknown[]).push({ kind: 'x86-ibt' });
    const text = messages(s).join('\n');
    expect(text).toMatch(/entryRegister: t0 must be callee-saved/);
    expect(text).toMatch(/hardening\[0\]: x86-ibt does not apply to riscv64/);
  });

  test('rejects a stacked argument loaded into a register the switch may not clobber', () => {
    const s = spec('i386-sysv');
    s.registers.arguments = ['ecx', 'esi', 'eax'];
    expect(messages(s)).toContain('registers.arguments[1]: esi receives a stacked argument, so it must be a scratch register');
  });

  test('assertValidSpecs throws one typed error naming every problem and duplicate ids', () => {
    const a = spec('x86_64-sysv');
    const b = spec('x86_64-sysv');
    b.frame.size = 60;
    let caught: unknown;
    try {
      assertValidSpecs([a, b]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SpecValidationError);
    const err = caught as SpecValidationError;
    expect(err.problems.map((p) => p.message)).toEqual(expect.arrayContaining(['two spec files use this id']));
    expect(err.message).toMatch(/x86_64-sysv: frame\.size: the save area \(60 bytes/);
  });
});

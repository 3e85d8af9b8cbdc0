/**
 * The schema must not be painted into a corner: ABIs that have no emitter yet
 * (Win64 with its TIB stack fields) are
 * expressible, type-check, validate, and are refused by generation with a
 * typed error that says what is missing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UnsupportedFeatureError, UnsupportedIsaError } from '../../codegen/src/errors';
import { generateAbi } from '../../codegen/src/generate';
import { loadSpecs } from '../../codegen/src/load-specs';
import { validateSpec } from '../../codegen/src/validate';
import { specDirWith } from './cli-helpers';

const fixtures = path.join(__dirname, 'future-abis');
const dir = specDirWith(Object.fromEntries(fs.readdirSync(fixtures).map((f) => [f, fs.readFileSync(path.join(fixtures, f), 'utf8')])));
const loaded = loadSpecs(dir);
const byId = (id: string) => loaded.find((l) => l.spec.id === id)!;

test('the future ABIs type-check and load', () => {
  expect(loaded.map((l) => l.spec.id).sort()).toEqual(['x86_64-win64']);
});

test.each(['x86_64-win64'])('%s is a sound layout', (id) => {
  expect(validateSpec(byId(id).spec)).toEqual([]);
});

test('generating Win64 is refused: COFF output and TIB fields are not implemented', () => {
  expect(() => generateAbi(byId('x86_64-win64'))).toThrow(UnsupportedFeatureError);
  expect(() => generateAbi(byId('x86_64-win64'))).toThrow("ABI 'x86_64-win64' needs COFF object output");
  const asElf = { ...byId('x86_64-win64'), spec: { ...byId('x86_64-win64').spec, objectFormat: { kind: 'elf' as const, symbolPrefix: '' as const } } };
  expect(() => generateAbi(asElf)).toThrow('needs thread-field frame slots on x86_64');
});

test('a spec whose ISA has no emitter is refused, naming the ISA (every ISA the schema knows has one now)', () => {
  const orphan = { ...byId('x86_64-win64'), spec: { ...byId('x86_64-win64').spec, isa: 'loongarch64' as never } };
  expect(() => generateAbi(orphan)).toThrow(UnsupportedIsaError);
  expect(() => generateAbi(orphan)).toThrow("ISA 'loongarch64', which has no emitter yet");
});

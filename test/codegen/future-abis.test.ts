/**
 * The schema must not be painted into a corner: ABIs that have no emitter yet
 * (armhf) are
 * expressible, type-check, validate, and are refused by generation with a
 * typed error that says what is missing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UnsupportedIsaError } from '../../codegen/src/errors';
import { generateAbi } from '../../codegen/src/generate';
import { loadSpecs } from '../../codegen/src/load-specs';
import { validateSpec } from '../../codegen/src/validate';
import { specDirWith } from './cli-helpers';

const fixtures = path.join(__dirname, 'future-abis');
const dir = specDirWith(Object.fromEntries(fs.readdirSync(fixtures).map((f) => [f, fs.readFileSync(path.join(fixtures, f), 'utf8')])));
const loaded = loadSpecs(dir);
const byId = (id: string) => loaded.find((l) => l.spec.id === id)!;

test('the future ABIs type-check and load', () => {
  expect(loaded.map((l) => l.spec.id).sort()).toEqual(['armhf-aapcs']);
});

test.each(['armhf-aapcs'])('%s is a sound layout', (id) => {
  expect(validateSpec(byId(id).spec)).toEqual([]);
});

test.each([
  ['armhf-aapcs', "ISA 'arm', which has no emitter yet"],
])('generating %s is refused: no ISA emitter', (id, message) => {
  expect(() => generateAbi(byId(id))).toThrow(UnsupportedIsaError);
  expect(() => generateAbi(byId(id))).toThrow(message);
});


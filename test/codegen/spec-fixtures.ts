/** Loads the real specs once and offers deep copies to break in tests. */
import type { AbiSpec } from '../../codegen/spec/schema';
import { loadSpecs } from '../../codegen/src/load-specs';

const loaded = loadSpecs();

export const specIds = loaded.map((l) => l.spec.id);

export function spec(id: string): AbiSpec {
  const found = loaded.find((l) => l.spec.id === id);
  if (!found) throw new Error(`no spec ${id}`);
  return structuredClone(found.spec);
}

export function loadedSpec(id: string) {
  const found = loaded.find((l) => l.spec.id === id);
  if (!found) throw new Error(`no spec ${id}`);
  return { spec: structuredClone(found.spec), source: found.source };
}

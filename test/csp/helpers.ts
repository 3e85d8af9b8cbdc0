/**
 * Helpers for CSP tests. They import lib/ directly (ts-jest compiles it) but
 * need the native addon: `npx node-gyp rebuild` in the package root, or a
 * prebuild for this Node (what test:node / test:arm64 load, PREBUILDS_ONLY=1).
 */
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const ADDON = path.join(ROOT, 'build', 'Release', 'switchyard.node');

export function assertBuilt(): void {
  try {
    // whatever node-gyp-build would load: build/Release, or the prebuild for this Node
    require('node-gyp-build').path(ROOT);
  } catch {
    throw new Error(
      `CSP tests need the native addon: missing ${path.relative(ROOT, ADDON)} (or a prebuild for this Node). Run \`npx node-gyp rebuild\`.`,
    );
  }
}

/** One full event-loop turn (a macrotask), so scheduler batches can run. */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** The error `fn` throws (fails the test if it returns). */
export function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw, but the call returned');
}

/**
 * One `Fiber` class and one `Future` class per process, whichever copy of
 * the compat layer (or of switchyard) loads first, so that two installs in
 * one dependency tree see the same `Fiber.current` and accept each other's
 * futures. fibers keeps its class on `process.fiberLib`; the same slot is
 * used here, which also lets an old `fibers/future.js` (which asks its
 * `fibers.js`, which returns `process.fiberLib`) run on this class.
 */
import type { FibersFiberConstructor } from './fiber-class';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace NodeJS {
    interface Process {
      /** the process's `fibers` Fiber class (set by fibers, or by switchyard/fibers) */
      fiberLib?: FibersFiberConstructor;
    }
  }
}

const FUTURE_KEY = Symbol.for('switchyard.fibers-compat.Future');

/** The process's Fiber class, made (loading switchyard's addon) only if no copy made it before. */
export function sharedFiberClass(): FibersFiberConstructor {
  if (process.fiberLib === undefined) {
    // required here, not imported: a later copy must not load its own addon
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { createFiberClass } = require('./fiber-class') as typeof import('./fiber-class');
    process.fiberLib = createFiberClass();
  }
  return process.fiberLib;
}

/** The process's Future class: the one registered first, or `make()`'s. */
export function sharedFutureClass<T>(make: () => T): T {
  const slots = process as unknown as Record<symbol, T | undefined>;
  const existing = slots[FUTURE_KEY];
  if (existing !== undefined) return existing;
  const made = make();
  Object.defineProperty(process, FUTURE_KEY, { value: made, configurable: true });
  return made;
}

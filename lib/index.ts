/** switchyard's JavaScript API. */
export { Fiber } from './fiber';
export type { FiberOptions, FiberState } from './fiber';
export {
  FiberError,
  FiberStateError,
  NotInFiberError,
  YieldInMicrotaskError,
  FiberResourceError,
  FiberCollectedError,
} from './errors';

import { native, NativeStats } from './native';

/** The active fiber backend ('tls' or 'threads'); set with SWITCHYARD_FIBER_BACKEND. */
export const fiberBackend: 'tls' | 'threads' = native.backend;

/** A caution about the backend in use (a fallback to 'threads', or experimental Node 24+), or undefined. */
export const fiberBackendNote: string | undefined = native.backendNote;

/** Counters of the native fiber resources, for tests and diagnostics. */
export function fiberStats(): NativeStats {
  return native.stats();
}
export type { NativeStats as FiberStats } from './native';

// Opt-in: errors escaping a fiber show where it was resumed from, up the chain.
export { setLongStackTraces, longStackTracesEnabled } from './long-stack-traces';

// Scheduler, channels, select, sleep and wait: CSP on top of fibers.
export * from './csp';

// For other addons' build files, like node-addon-api: `require('switchyard').include` / `.gyp`.
// (`switchyard/dist/lib/native-dependency` gives the same without loading this addon.)
export { include, includeDirs, gyp, cmakeDir } from './native-dependency';

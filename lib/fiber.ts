/**
 * Fibers: JavaScript functions running on their own native stack that can
 * suspend with `Fiber.yield()` from any call depth, and be resumed later
 * with a value (or an exception) delivered at the yield point.
 *
 * ```ts
 * const f = new Fiber<number, string>((first) => {
 *   const second = Fiber.yield<number>(`got ${first}`); // suspends here
 *   return `then ${second}`;
 * });
 * f.resume(1); // 'got 1'
 * f.resume(2); // 'then 2'; f.done === true
 * ```
 */
import { FiberStateError } from './errors';
import { native, NativeFiber, NativeFiberState } from './native';

export type FiberState = 'created' | 'suspended' | 'running' | 'done';

const STATE_NAMES: readonly FiberState[] = ['created', 'suspended', 'running', 'done'];

// Fiber extends the addon's class, so that resume() and throw() are the
// native methods themselves, with no JS frame around them (the round trip's
// hot path); so are the statics Fiber.yield and Fiber.current. The native
// `state` getter (a number) stays reachable for `done` and `state`, which
// Fiber redefines.
type NativeFiberClass = new (
  body: (value: unknown) => unknown,
  stackSize?: number,
  collectedError?: () => unknown,
  onCollectedError?: (error: unknown) => void,
  id?: number,
) => object;
const NativeFiberBase = native.NativeFiber as unknown as NativeFiberClass;
const nativeState = Object.getOwnPropertyDescriptor(native.NativeFiber.prototype, 'state')!.get! as (
  this: unknown,
) => NativeFiberState;

/**
 * Internal (the fibers-compatible layer): the key of a `FiberOptions` entry
 * that chooses how the fiber is unwound if its object is garbage collected
 * while it is suspended (README, "Dropped fibers"). Neither hook may
 * reference the fiber: the fiber keeps its hooks alive, and a fiber
 * reachable from its own hooks is never collected.
 */
export const collectedFiberHooks: unique symbol = Symbol('switchyard.collectedFiberHooks');

/** Internal: see `collectedFiberHooks`. Both called on a clean stack (the
 * event loop's), with `this` undefined. */
export interface CollectedFiberHooks {
  /** Returns the error thrown in at the suspension point (and again at
   * every yield while unwinding); what it throws is used instead. Default:
   * `new FiberCollectedError()`. */
  error?: () => unknown;
  /** Gets any other error the body throws while being unwound, and the
   * FiberCollectedError saying it kept yielding (see README). Default: the
   * error is reported as an uncaught exception; so is an error this hook
   * throws. */
  onError?: (error: unknown) => void;
}

export interface FiberOptions {
  /** Native stack size in bytes (default 1 MiB, 256 KiB to 1 GiB). JS
   * recursion that gets near the end throws RangeError inside the fiber. */
  stackSize?: number;
  /** @internal see `collectedFiberHooks` */
  [collectedFiberHooks]?: CollectedFiberHooks;
}

const transferKey = native.transferKey;

/** The running fiber's id (0: none), kept by the addon; see isRunning(). */
const currentFiberId = native.currentFiberId;
/** Ids for currentFiberId: 1, 2, 3... (0 is no fiber). */
let nextFiberId = 1;
const fiberId: unique symbol = Symbol('switchyard.fiberId');

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Fiber<TIn = unknown, TOut = unknown> {
  /**
   * Runs the fiber until it yields or returns and gives back that value. The
   * first call starts the body with `value`; later calls make the pending
   * `Fiber.yield()` return `value`. An exception escaping the body comes out
   * of here unchanged (same object, original stack).
   * @throws FiberStateError if the fiber is running or done.
   */
  resume(value?: TIn): TOut;

  /**
   * Resumes the fiber by throwing `error` at its pending `Fiber.yield()`,
   * where the body can catch it. On a fiber that never started, the body is
   * skipped, the fiber is done and `error` is thrown straight back.
   */
  throw(error: unknown): TOut;

  /** The fiber's native stack size in bytes. */
  readonly stackSize: number;
}

/**
 * A fiber that is resumed with values of type `TIn` and yields (and finally
 * returns) values of type `TOut`. The body receives the first resume value.
 *
 * `Fiber.current` is kept by the addon, which knows which fiber runs; it
 * holds each Fiber object weakly, and nothing in this module refers to a
 * fiber from the fiber's own stack. So a suspended fiber that user code
 * drops can be garbage collected (and is then unwound: README, "Dropped
 * fibers"); a body that refers to its own Fiber keeps it alive.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Fiber<TIn = unknown, TOut = unknown> extends NativeFiberBase {
  constructor(body: (first: TIn) => TOut, options: FiberOptions = {}) {
    if (typeof body !== 'function') {
      throw new TypeError(`Fiber body must be a function, got ${body === null ? 'null' : typeof body}`);
    }
    const { stackSize } = options;
    if (stackSize !== undefined) {
      if (typeof stackSize !== 'number' || !Number.isFinite(stackSize)) {
        throw new TypeError('stackSize must be a finite number of bytes');
      }
      if (stackSize < native.minStackSize || stackSize > native.maxStackSize) {
        throw new RangeError(`stackSize must be between ${native.minStackSize} and ${native.maxStackSize} bytes`);
      }
    }
    const hooks = options[collectedFiberHooks];
    if (hooks !== undefined) {
      for (const key of ['error', 'onError'] as const) {
        if (hooks[key] !== undefined && typeof hooks[key] !== 'function') {
          throw new TypeError(`collected-fiber hook '${key}' must be a function`);
        }
      }
    }
    // The body itself, not a wrapper closing over this Fiber: the wrapper's
    // frame would stay on the fiber's stack, a GC root while suspended.
    const id = nextFiberId++;
    super(body as (value: unknown) => unknown, stackSize, hooks?.error, hooks?.onError, id);
    this[fiberId] = id;
  }

  /** @internal see isRunning() */
  declare readonly [fiberId]: number;

  /** True once the body has returned or thrown. */
  get done(): boolean {
    return nativeState.call(this) === NativeFiberState.Done;
  }

  get state(): FiberState {
    return STATE_NAMES[nativeState.call(this)];
  }

  /**
   * Suspends the running fiber, handing `value` to whoever resumed it, and
   * returns the value of the next `resume()` (or throws what `throw()` sent).
   * The addon's own function (inherited from its class).
   * @throws NotInFiberError outside a fiber.
   * @throws YieldInMicrotaskError inside a microtask that began in the fiber.
   * @throws FiberCollectedError (or the error its owner chose) while the
   *   fiber is being unwound after its object was garbage collected.
   */
  declare static readonly yield: <TResume = unknown, TYield = unknown>(value?: TYield) => TResume;

  /**
   * The fiber whose body is running now, or undefined on a thread's own
   * stack (and while a garbage-collected fiber is being unwound: its object
   * is gone). The addon's own property (inherited from its class).
   */
  declare static readonly current: Fiber<unknown, unknown> | undefined;

  /** Which native mechanism runs fibers: 'tls' (own stacks) or 'threads'. */
  static get backend(): 'tls' | 'threads' {
    return native.backend;
  }
}

/**
 * Whether this backend can switch from one fiber straight into another
 * (transfer()); the tls backend can, the threads backend cannot.
 */
export const canTransfer = transferKey !== undefined;

/**
 * Suspends the running fiber and runs `next` (created or suspended, not
 * running) in its place: `next` gets `value` (as its first resume value or
 * from its pending yield), and takes over the running fiber's resumer, so
 * that its next yield, return or throw comes out of the resume() that
 * started the running fiber. Returns what the running fiber is resumed
 * with later. Internal: the scheduler's hop between two of its fibers,
 * which then does not pass through the resumer's stack; a resumer that is
 * not prepared to get another fiber's result back must never see one.
 * @throws NotInFiberError outside a fiber; FiberStateError if `next` is
 *   running or done, or the backend cannot transfer (canTransfer).
 */
export function transfer<R = unknown>(next: Fiber<any, any>, value?: unknown): R {
  if (transferKey === undefined) throw new FiberStateError(`the ${native.backend} backend cannot transfer between fibers`);
  const method = (next as unknown as Record<symbol, (value: unknown) => R>)[transferKey];
  // outside a fiber the addon throws NotInFiberError
  return method.call(next, value);
}

/**
 * Whether `fiber` is the one running now: one load from the addon's
 * running-fiber cell, where Fiber.current is a call into the addon (the
 * scheduler asks at every channel operation).
 */
export function isRunning(fiber: Fiber<any, any>): boolean {
  return currentFiberId[0] === fiber[fiberId];
}

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
import { FiberStateError, NotInFiberError } from './errors';
import { native, NativeFiber, NativeFiberState } from './native';

export type FiberState = 'created' | 'suspended' | 'running' | 'done';

// The addon's exports object is in dictionary mode; a local binding keeps
// the property lookup off the yield path. NativeFiber.yield is a plain V8
// callback; the N-API export is the fallback for older binaries.
const nativeYield = native.NativeFiber.yield ?? native.yield;

const STATE_NAMES: readonly FiberState[] = ['created', 'suspended', 'running', 'done'];

// Fiber extends the addon's class, so that resume() and throw() are the
// native methods themselves, with no JS frame around them (the round trip's
// hot path). The native `state` getter (a number) stays reachable for
// `done` and `state`, which Fiber redefines.
type NativeFiberClass = new (body: (value: unknown) => unknown, stackSize?: number) => object;
const NativeFiberBase = native.NativeFiber as unknown as NativeFiberClass;
const nativeState = Object.getOwnPropertyDescriptor(native.NativeFiber.prototype, 'state')!.get! as (
  this: unknown,
) => NativeFiberState;

export interface FiberOptions {
  /** Native stack size in bytes (default 1 MiB, 256 KiB to 1 GiB). JS
   * recursion that gets near the end throws RangeError inside the fiber. */
  stackSize?: number;
}

// The methods Fiber inherits from the native class, typed.
// The fiber whose body is running now (Fiber.current). A module variable:
// as a static private field of the class it cost ~190 more instructions per
// round trip (callgrind), this ~15.
let current: Fiber<any, any> | undefined = undefined;

// Set by the class's static block, where Fiber's private fields are in reach.
let switchAway: (self: Fiber<any, any>, fn: (value: unknown) => unknown, receiver: unknown, value: unknown) => unknown;
const transferKey = native.transferKey;

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
 * `Fiber.current` is kept by the fiber's side of each switch, as resume()
 * has no JS of its own: whenever a fiber gets control (its body starts, a
 * `Fiber.yield()` or transfer() returns or throws) it notes who was current,
 * its resumer, and becomes current; whenever it gives control away (it
 * yields or transfers, its body ends) its resumer is current again.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Fiber<TIn = unknown, TOut = unknown> extends NativeFiberBase {
  /** who was current when this fiber last got control */
  #resumer: Fiber<any, any> | undefined = undefined;

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
    // runs only once the constructor is done (on the first resume)
    const run = (first: unknown): unknown => {
      this.#resumer = current;
      current = this;
      try {
        return body(first as TIn);
      } finally {
        current = this.#resumer;
      }
    };
    super(run, stackSize);
  }

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
   * @throws NotInFiberError outside a fiber.
   * @throws YieldInMicrotaskError inside a microtask that began in the fiber.
   */
  static yield<TResume = unknown, TYield = unknown>(value?: TYield): TResume {
    const self = current;
    if (self === undefined) return nativeYield(value) as TResume; // not in a Fiber: the addon says why
    return switchAway(self, nativeYield, undefined, value) as TResume;
  }

  static {
    // Fiber.yield and transfer(): the running fiber `self` gives control
    // away through `fn` and gets it back. Whoever runs next finds self's
    // resumer as `current` (the fiber a transfer switches into takes it
    // over); whoever switches back in has made `current` self's new resumer.
    switchAway = (self, fn, receiver, value) => {
      current = self.#resumer;
      let result: unknown;
      try {
        result = fn.call(receiver, value);
      } catch (error) {
        // thrown in by throw(), or refused (nothing switched)
        self.#resumer = current;
        current = self;
        throw error;
      }
      self.#resumer = current;
      current = self;
      return result;
    };
  }

  /** The fiber whose body is running now, or undefined on a thread's own stack. */
  static get current(): Fiber<unknown, unknown> | undefined {
    return current;
  }

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
  const self = current;
  if (self === undefined) throw new NotInFiberError('transfer() called outside of a fiber');
  if (transferKey === undefined) throw new FiberStateError(`the ${native.backend} backend cannot transfer between fibers`);
  const method = (next as unknown as Record<symbol, (value: unknown) => unknown>)[transferKey];
  return switchAway(self, method, next, value) as R;
}

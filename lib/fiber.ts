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
import { native, NativeFiber, NativeFiberState } from './native';

export type FiberState = 'created' | 'suspended' | 'running' | 'done';

// The addon's exports object is in dictionary mode; a local binding keeps
// the property lookup off the yield path. NativeFiber.yield is a plain V8
// callback; the N-API export is the fallback for older binaries.
const nativeYield = native.NativeFiber.yield ?? native.yield;

const STATE_NAMES: readonly FiberState[] = ['created', 'suspended', 'running', 'done'];

export interface FiberOptions {
  /** Native stack size in bytes (default 1 MiB, 256 KiB to 1 GiB). JS
   * recursion that gets near the end throws RangeError inside the fiber. */
  stackSize?: number;
}

/**
 * A fiber that is resumed with values of type `TIn` and yields (and finally
 * returns) values of type `TOut`. The body receives the first resume value.
 */
export class Fiber<TIn = unknown, TOut = unknown> {
  static #current: Fiber<any, any> | undefined = undefined;

  readonly #native: NativeFiber;

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
    this.#native = new native.NativeFiber(body as (value: unknown) => unknown, stackSize);
  }

  /**
   * Runs the fiber until it yields or returns and gives back that value. The
   * first call starts the body with `value`; later calls make the pending
   * `Fiber.yield()` return `value`. An exception escaping the body comes out
   * of here unchanged (same object, original stack).
   * @throws FiberStateError if the fiber is running or done.
   */
  resume(value?: TIn): TOut {
    const previous = Fiber.#current;
    Fiber.#current = this;
    try {
      return this.#native.resume(value) as TOut;
    } finally {
      Fiber.#current = previous;
    }
  }

  /**
   * Resumes the fiber by throwing `error` at its pending `Fiber.yield()`,
   * where the body can catch it. On a fiber that never started, the body is
   * skipped, the fiber is done and `error` is thrown straight back.
   */
  throw(error: unknown): TOut {
    const previous = Fiber.#current;
    Fiber.#current = this;
    try {
      return this.#native.throw(error) as TOut;
    } finally {
      Fiber.#current = previous;
    }
  }

  /** True once the body has returned or thrown. */
  get done(): boolean {
    return this.#native.state === NativeFiberState.Done;
  }

  get state(): FiberState {
    return STATE_NAMES[this.#native.state];
  }

  get stackSize(): number {
    return this.#native.stackSize;
  }

  /**
   * Suspends the running fiber, handing `value` to whoever resumed it, and
   * returns the value of the next `resume()` (or throws what `throw()` sent).
   * @throws NotInFiberError outside a fiber.
   * @throws YieldInMicrotaskError inside a microtask that began in the fiber.
   */
  static yield<TResume = unknown, TYield = unknown>(value?: TYield): TResume {
    return nativeYield(value) as TResume;
  }

  /** The fiber whose body is running now, or undefined on a thread's own stack. */
  static get current(): Fiber<unknown, unknown> | undefined {
    return Fiber.#current;
  }

  /** Which native mechanism runs fibers: 'tls' (own stacks) or 'threads'. */
  static get backend(): 'tls' | 'threads' {
    return native.backend;
  }
}

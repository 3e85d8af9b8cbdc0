/**
 * The `fibers` 5.x `Fiber` class, built on switchyard's `Fiber` (lib/fiber.ts).
 *
 * A fibers `Fiber` is restartable: when its function finishes it goes back to
 * its initial state and the next `run()` starts the function again. A core
 * `Fiber` runs its body once, so each start here takes a new core fiber (a
 * `Carrier`); the native stack and V8 identity under it come from the
 * addon's pool either way.
 *
 * The names of things and the error messages are the ones fibers uses, so
 * code that matches on them keeps working.
 */
import { AsyncLocalStorage } from 'async_hooks';
import { collectedFiberHooks, CollectedFiberHooks, Fiber as CoreFiber } from '../fiber';
import { native } from '../native';

/** A fiber as the `fibers` package defines it. */
export interface FibersFiber {
  /**
   * Starts the fiber's function (passing `value` only if given) or resumes
   * its pending `Fiber.yield()` with `value`. Returns what the fiber yields
   * next, or what its function returns; its exceptions come out of here.
   */
  run(value?: unknown): any;
  /** Throws `error` at the pending `Fiber.yield()`; what the fiber does next comes back as from run(). */
  throwInto(error?: unknown): any;
  /**
   * Unwinds a suspended fiber: its pending yield, and every later one, throws
   * `Error('This Fiber is a zombie')` until the function ends. Returns the
   * function's return value (undefined if the zombie error escaped it).
   */
  reset(): any;
  /** True from the first run() until the function returns or throws. */
  readonly started: boolean;
}

/** The `Fiber` export of the `fibers` package: callable with or without `new`. */
export interface FibersFiberConstructor {
  new (fn: (value?: any) => any): FibersFiber;
  (fn: (value?: any) => any): FibersFiber;
  readonly prototype: FibersFiber;
  /** Suspends the running fiber; run() returns `value`, and this returns what the next run() passes. */
  yield(value?: unknown): any;
  /** The running fiber, or undefined on the main stack (and inside switchyard fibers not made by this class). */
  readonly current: FibersFiber | undefined;
  /**
   * Finished stacks kept for reuse, as in fibers (default 120). Stored and
   * reported for compatibility; switchyard pools its carriers itself.
   */
  poolSize: number;
  /** Native fiber stacks (carriers) allocated so far in this process; a pooled one reused is not counted again. */
  readonly fibersCreated: number;
}

const DEFAULT_POOL_SIZE = 120;
const ZOMBIE_MESSAGE = 'This Fiber is a zombie';

// What fibers does with a suspended fiber that was garbage collected: its
// pending yield (and every later one, at once) throws the zombie error, so
// its finally blocks run; any other error escaping then ends the process.
// Shared by every fiber: hooks must not reference the fiber they unwind.
const UNWIND_AS_FIBERS: CollectedFiberHooks = {
  error: () => new Error(ZOMBIE_MESSAGE),
  onError: (error: unknown) => {
    const detail = error instanceof Error && error.stack ? error.stack : String(error);
    process.stderr.write(
      `An exception was thrown from a Fiber which was being garbage collected; ` +
        `like fibers, the process exits:\n${detail}\n`,
    );
    process.exit(1);
  },
};

// The core fiber under one start of a compat fiber; `owner` lets
// Fiber.current map the running core fiber back to the compat one.
class Carrier extends CoreFiber<unknown, unknown> {
  readonly owner: FiberImpl;

  constructor(owner: FiberImpl, body: (first: unknown) => unknown) {
    super(body, { [collectedFiberHooks]: UNWIND_AS_FIBERS });
    this.owner = owner;
  }
}

function runningCompatFiber(): FiberImpl | undefined {
  const core = CoreFiber.current;
  return core instanceof Carrier ? core.owner : undefined;
}

// Inside a fiber whose object is gone: a collected fiber being unwound (the
// core keeps Fiber.current for every fiber whose object is alive).
function unwindingCollectedFiber(): boolean {
  return CoreFiber.current === undefined && native.inFiber();
}

let poolSize = DEFAULT_POOL_SIZE;

// The implementation. Its state is in private fields, so a fiber object has
// no own enumerable properties (code in the wild keys its own data on
// fibers, and some fiber pools delete every own key when recycling one).
class FiberImpl implements FibersFiber {
  readonly #fn: (value?: unknown) => unknown;
  /** runs a function in the async context current when Fiber(fn) was called */
  readonly #context: <R>(fn: () => R) => R;
  /** the core fiber of the current start; undefined while not started */
  #core: Carrier | undefined = undefined;
  /** set while reset() unwinds: every yield throws it at once */
  #zombie: Error | undefined = undefined;

  constructor(fn: (value?: unknown) => unknown) {
    this.#fn = fn;
    this.#context = AsyncLocalStorage.snapshot();
  }

  static isFiber(value: unknown): value is FiberImpl {
    return typeof value === 'object' && value !== null && #fn in value;
  }

  run(value?: unknown): unknown {
    const self = brand(this, 'run');
    let core = self.#core;
    if (core !== undefined && core.state === 'running') throw new Error('This Fiber is already running');
    if (arguments.length > 1) throw new TypeError('run() expects 1 or no arguments');
    if (core === undefined) core = self.#start(arguments.length === 1);
    try {
      return core.resume(value);
    } finally {
      self.#settle(core);
    }
  }

  throwInto(error?: unknown): unknown {
    const self = brand(this, 'throwInto');
    const core = self.#core;
    if (core === undefined || core.state !== 'suspended') throw new Error('This Fiber is not yielding');
    if (arguments.length > 1) throw new TypeError('throwInto() expects 1 or no arguments');
    try {
      return core.throw(error);
    } finally {
      self.#settle(core);
    }
  }

  reset(): unknown {
    const self = brand(this, 'reset');
    const core = self.#core;
    if (core === undefined) return undefined;
    if (core.state !== 'suspended') throw new Error('This Fiber is not yielding');
    if (arguments.length > 0) throw new TypeError('reset() expects no arguments');
    const zombie = new Error(ZOMBIE_MESSAGE);
    self.#zombie = zombie;
    try {
      return core.throw(zombie);
    } catch (error) {
      if (error === zombie) return undefined;
      throw error;
    } finally {
      // Only a yield through the core API (not this class's) can stop the
      // unwinding early; the fiber then stays a zombie.
      if (core.done) self.#zombie = undefined;
      self.#settle(core);
    }
  }

  get started(): boolean {
    // fibers answers undefined for an object that is not a fiber (Fiber.prototype)
    if (!FiberImpl.isFiber(this)) return undefined as unknown as boolean;
    return this.#core !== undefined;
  }

  static yield(value?: unknown): unknown {
    // The fiber object is looked at in a helper, so that no frame of the
    // suspended stack refers to it: a fiber nobody else refers to can then
    // be collected while it is suspended (fibers unwinds such fibers).
    if (arguments.length > 1) throw new TypeError('yield() expects 1 or no arguments');
    // a collected fiber being unwound: the core throws the zombie error again
    if (unwindingCollectedFiber()) return CoreFiber.yield(value);
    const zombie = FiberImpl.#zombieOfRunning();
    if (zombie !== undefined) throw zombie;
    return CoreFiber.yield(value);
  }

  static #zombieOfRunning(): Error | undefined {
    const self = runningCompatFiber();
    if (self === undefined) throw new Error('yield() called with no fiber running');
    return self.#zombie;
  }

  static get current(): FiberImpl | undefined {
    return runningCompatFiber();
  }

  // A new start: the function runs with `this` = the global object, and gets
  // the first run()'s argument only if run() was given one.
  #start(passValue: boolean): Carrier {
    const body = bodyCalling(this.#fn, passValue);
    // every start runs in the context of Fiber(fn), as a callback bound to it
    const core = this.#context(() => new Carrier(this, body));
    this.#core = core;
    return core;
  }

  // After a switch back: a finished start (or one that never got a stack)
  // returns the fiber to its initial state.
  #settle(core: Carrier): void {
    const state = core.state;
    if ((state === 'done' || state === 'created') && this.#core === core) this.#core = undefined;
  }
}

// The core fiber's body. Made out here, where `this` is not in scope: a
// closure made next to one that uses `this` shares its context, and the
// body's frame stays on the suspended stack, so the fiber object would stay
// reachable from its own stack and never be collected.
function bodyCalling(fn: (value?: unknown) => unknown, passValue: boolean): (first: unknown) => unknown {
  return passValue ? (first: unknown) => fn.call(globalThis, first) : () => fn.call(globalThis);
}

function brand(value: unknown, method: string): FiberImpl {
  if (!FiberImpl.isFiber(value)) throw new TypeError(`Fiber.prototype.${method} called on an object that is not a Fiber`);
  return value;
}

/** Builds the `Fiber` function: the class, also callable without `new`. */
export function createFiberClass(): FibersFiberConstructor {
  // A plain function, so that calling it without `new` works (a class
  // cannot be called); it constructs FiberImpl with the caller's new.target,
  // so subclasses of Fiber get their own prototype.
  const Fiber = function Fiber(this: unknown, fn: unknown): FibersFiber {
    if (arguments.length !== 1) throw new TypeError('Fiber expects 1 argument');
    if (typeof fn !== 'function') throw new TypeError('Fiber expects a function');
    return Reflect.construct(FiberImpl, [fn], new.target ?? Fiber) as FibersFiber;
  } as unknown as FibersFiberConstructor;
  Object.defineProperty(Fiber, 'prototype', { value: FiberImpl.prototype, writable: false });
  Object.defineProperty(FiberImpl.prototype, 'constructor', { value: Fiber, writable: true, configurable: true });
  Object.defineProperties(Fiber, {
    yield: { value: FiberImpl.yield, writable: true, configurable: true },
    current: { get: () => runningCompatFiber(), configurable: true },
    poolSize: {
      get: () => poolSize,
      set: (value: unknown) => {
        poolSize = Number(value);
      },
      configurable: true,
    },
    fibersCreated: { get: () => native.stats().created, configurable: true },
  });
  return Fiber;
}

/**
 * The `fibers/future` 5.x `Future`: a value that arrives later, which a fiber
 * can wait for without blocking the event loop, plus `fn.future()` (run a
 * function in its own fiber and get a future for its result).
 *
 * Resolution is synchronous: return()/throw() call every pending callback
 * before they return; an exception from one of those callbacks does not stop
 * the others, it is rethrown on the next tick (as an uncaught exception).
 */
import { sharedFiberClass } from './shared';
import { spliceStacks } from './spliced-stack';
import { wrapNodeStyle } from './future-wrap';

const Fiber = sharedFiberClass();

/** A node-style callback: `(error)` on failure, `(undefined, value)` on success. */
export type Errback<T> = (error: unknown, value?: T) => void;

// A pending resolve(): an errback, or (two-argument form) a future to throw
// an error to and a callback for the value.
type Listener<T> = Errback<T> | { readonly onError: Future<any>; readonly onValue: (value: T) => void };

declare global {
  interface Function {
    /**
     * switchyard/future (fibers): a function that runs this one in a new
     * fiber (on the next tick, or in the fiber that waits for it first) and
     * returns a future for its result; `detach`: detach() that future.
     */
    future(detach?: boolean): (...args: any[]) => Future<any>;
  }
}

export class Future<T = any> {
  #resolved = false;
  #failed = false;
  #value: T | undefined = undefined;
  #error: unknown = undefined;
  #listeners: Listener<T>[] | undefined = undefined;

  /** Future.wrap: what the wrapped function itself returned. */
  declare _?: unknown;

  /**
   * Runs each function in its own fiber. One function: a future for its
   * result. Several: a future for the array of their results, or for an
   * error one of them threw (the last to fail), resolved once all are done.
   */
  static task(...fns: Array<(...args: any[]) => any>): Future<any> {
    if (fns.length === 1) return new FiberFuture(fns[0], undefined, []);
    const all = new Future<unknown[]>();
    const values = new Array<unknown>(fns.length);
    let pending = fns.length;
    let failure: unknown = undefined;
    fns.forEach((fn, i) => {
      new FiberFuture(fn, undefined, []).resolve((error, value) => {
        if (error) failure = error;
        values[i] = value;
        if (--pending === 0) {
          if (failure) all.throw(failure);
          else all.return(values);
        }
      });
    });
    return all;
  }

  /**
   * Node-style callback APIs as future-returning ones (see future-wrap.ts):
   * `Future.wrap(fs.readFile)(path).wait()`, or
   * `Future.wrap(fs).readFileFuture(path).wait()` (`suffix` names the
   * wrapped methods; `multi`: the callback gives several values, as an array).
   */
  static wrap(fnOrObject: unknown, multi?: boolean, suffix?: string): any {
    return wrapNodeStyle(fnOrObject, multi, suffix, () => new Future());
  }

  /**
   * Suspends the running fiber until every future given (alone or in arrays)
   * is resolved. Does not throw their errors: get() or wait() on each does.
   * An unstarted `fn.future()` future among them runs right here, in this
   * fiber, instead of in a fiber of its own.
   */
  static wait(...futures: unknown[]): void {
    const pending: Future<unknown>[] = [];
    let runHere: FiberFuture<unknown> | undefined = undefined;
    const add = (arg: unknown): void => {
      if (!(arg instanceof Future)) throw new Error(`${String(arg)} is not a future`);
      if (arg.isResolved()) return;
      if (runHere === undefined && arg instanceof FiberFuture && !arg.started) runHere = arg;
      else pending.push(arg);
    };
    for (const arg of futures) {
      if (Array.isArray(arg)) arg.forEach(add);
      else add(arg);
    }
    const fiber = Fiber.current;
    if (fiber === undefined) throw new Error("Can't wait without a fiber");
    let count = pending.length + (runHere === undefined ? 0 : 1);
    const arrived = (): void => {
      if (--count === 0) fiber.run();
    };
    for (const future of pending) future.resolve(arrived);
    if (runHere !== undefined) {
      (runHere as FiberFuture<unknown>).runInCurrentFiber();
      --count;
    }
    if (count > 0) Fiber.yield();
  }

  /** A future that settles as `promise` does. */
  static fromPromise<T>(promise: PromiseLike<T>): Future<T> {
    const future = new Future<T>();
    promise.then(
      (value) => future.return(value),
      (error) => future.throw(error),
    );
    return future;
  }

  /**
   * The value, or throws the error (its stack spliced with this call's, see
   * spliced-stack.ts).
   * @throws Error('Future must resolve before value is ready') if unresolved.
   */
  get(): T {
    if (!this.#resolved) throw new Error('Future must resolve before value is ready');
    if (this.#failed) {
      spliceStacks(this.#error, Future.prototype.get);
      throw this.#error;
    }
    return this.#value as T;
  }

  /** Resolves with `value`, calling every pending callback now. */
  return(value?: T): void {
    if (this.#resolved) throw new Error('Future resolved more than once');
    this.#value = value;
    this.#resolved = true;
    this.#notify();
  }

  /** Fails with `error` (which must be truthy), calling every pending callback now. */
  throw(error: unknown): void {
    if (this.#resolved) throw new Error('Future resolved more than once');
    if (!error) throw new Error('Must throw non-empty error');
    this.#error = error;
    this.#failed = true;
    this.#resolved = true;
    this.#notify();
  }

  /**
   * Rethrows this future's error, if it fails, as an uncaught exception:
   * for a task whose result nobody reads but whose failure must not be lost.
   */
  detach(): void {
    this.resolve((error) => {
      if (error) throw error;
    });
  }

  isResolved(): boolean {
    return this.#resolved;
  }

  /** A node-style callback that resolves this future. */
  resolver(): Errback<T> {
    return (error, value) => {
      if (error) this.throw(error);
      else this.return(value);
    };
  }

  /**
   * Calls `errback(error)` or `errback(undefined, value)` once resolved (now,
   * if it is). Two arguments: on failure `onError.throw(error)`, on success
   * `onValue(value)`.
   */
  resolve(errback: Errback<T>): this;
  resolve(onError: Future<any>, onValue: (value: T) => void): this;
  resolve(first: Errback<T> | Future<any>, onValue?: (value: T) => void): this {
    const listener: Listener<T> = onValue ? { onError: first as Future<any>, onValue } : (first as Errback<T>);
    if (this.#resolved) this.#deliver(listener);
    else (this.#listeners ??= []).push(listener);
    return this;
  }

  /** Calls `callback(value)` if this future succeeds; ignores a failure. */
  resolveSuccess(callback: (value: T) => void): this {
    return this.resolve((error, value) => {
      if (!error) callback(value as T);
    });
  }

  /** Resolves `target` the way this future resolves. */
  proxy(target: Future<T>): void {
    this.resolve((error, value) => {
      if (error) target.throw(error);
      else target.return(value);
    });
  }

  /** Fails `targets` (a future or an array of them) if this future fails. */
  proxyErrors(targets: Future<any> | Future<any>[]): this {
    return this.resolve((error) => {
      if (!error) return;
      for (const target of Array.isArray(targets) ? targets : [targets]) target.throw(error);
    });
  }

  /** A promise that settles as this future does. */
  promise(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.resolve((error, value) => {
        if (error) reject(error);
        else resolve(value as T);
      });
    });
  }

  /** Waits (in a fiber) for this future, then get(): its value, or throws its error. */
  wait(): T {
    if (!this.#resolved) Future.wait(this);
    return this.get();
  }

  #deliver(listener: Listener<T>): void {
    if (typeof listener === 'function') {
      if (this.#failed) listener(this.#error);
      else listener(undefined, this.#value);
    } else if (this.#failed) {
      listener.onError.throw(this.#error);
    } else {
      listener.onValue(this.#value as T);
    }
  }

  #notify(): void {
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners === undefined) return;
    for (const listener of listeners) {
      try {
        this.#deliver(listener);
      } catch (error) {
        process.nextTick(() => {
          throw error;
        });
      }
    }
  }
}

/**
 * The future of one call of `fn.future()(...)`: on the next tick the call
 * runs in a new fiber, unless a fiber waiting for it ran it first.
 */
class FiberFuture<T> extends Future<T> {
  readonly #fn: (...args: unknown[]) => T;
  readonly #context: unknown;
  readonly #args: unknown[];
  #started = false;

  constructor(fn: (...args: any[]) => T, context: unknown, args: ArrayLike<unknown>) {
    super();
    this.#fn = fn;
    this.#context = context;
    this.#args = Array.from(args);
    process.nextTick(() => {
      if (this.#started) return;
      Fiber(() => this.runInCurrentFiber()).run();
    });
  }

  get started(): boolean {
    return this.#started;
  }

  /** Runs the call on the running fiber's stack and resolves this future with its outcome. */
  runInCurrentFiber(): void {
    this.#started = true;
    let value: T;
    try {
      value = this.#fn.apply(this.#context, this.#args);
    } catch (error) {
      this.throw(error);
      return;
    }
    this.return(value);
  }
}

/** Installs `Function.prototype.future` (non-enumerable). Once per process. */
export function installFunctionFuture(): void {
  Object.defineProperty(Function.prototype, 'future', {
    value: function future(this: (...args: any[]) => any, detach?: boolean) {
      const fn = this;
      const call = function (this: unknown, ...args: unknown[]): Future<any> {
        const result = new FiberFuture(fn, this, args);
        if (detach) result.detach();
        return result;
      };
      call.toString = () => `<<Future ${String(fn)}.future()>>`;
      return call;
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

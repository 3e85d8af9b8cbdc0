/**
 * Future.wrap: node-style callback APIs (last argument `(err, value)`) as
 * functions that return futures.
 */

/** What wrap needs of a future: a resolver callback and the `_` slot. */
export interface WrapTarget {
  resolver(): (error: unknown, value?: unknown) => void;
  _?: unknown;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/**
 * `target` a function: a function that calls it with a callback appended and
 * returns a future for the callback's result (`multi`: the array of every
 * value after `err`); what `target` itself returns is kept on `future._`.
 * Its own methods are reachable through the wrapper's prototype, each also
 * wrapped as `<name><suffix>` (modules like `request` are functions with
 * methods). `target` an object: an object inheriting from it with
 * `<name><suffix>` added for every enumerable method (own or inherited).
 * `methodsOnly`: wrapping a function's methods; do not look for methods of
 * methods.
 */
export function wrapNodeStyle(
  target: unknown,
  multi: boolean | undefined,
  suffix: string | undefined,
  makeFuture: () => WrapTarget,
  methodsOnly = false,
): any {
  const tail = suffix === undefined ? 'Future' : suffix;
  if (typeof target === 'object') {
    const wrapped = Object.create(target) as Record<string, unknown>;
    for (const key in target) {
      const member = wrapped[key];
      if (typeof member === 'function') wrapped[key + tail] = wrapNodeStyle(member, multi, suffix, makeFuture, methodsOnly);
    }
    return wrapped;
  }
  if (typeof target !== 'function') return undefined;
  const fn = target as AnyFunction;
  const wrapper = function (this: unknown, ...args: unknown[]) {
    const future = makeFuture();
    const settle = future.resolver();
    args.push(multi ? (error: unknown, ...values: unknown[]) => settle(error, values) : settle);
    future._ = fn.apply(this, args);
    return future;
  };
  if (!methodsOnly) {
    const methods = Object.create(fn) as Record<string, unknown>;
    for (const key in fn) {
      const member = (fn as unknown as Record<string, unknown>)[key];
      if (Object.prototype.hasOwnProperty.call(fn, key) && typeof member === 'function') methods[key] = member;
    }
    Object.setPrototypeOf(wrapper, wrapNodeStyle(methods, multi, suffix, makeFuture, true));
  }
  return wrapper;
}

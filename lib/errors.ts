/**
 * Typed errors of the fiber API. The native addon does not know these
 * classes: it asks `makeNativeError(code, message)` (registered at load) to
 * build the error it throws, so JS code can use `instanceof`.
 */

/** Base class of every error switchyard's fibers raise themselves. */
export class FiberError extends Error {
  /** A stable machine-readable code, e.g. `ERR_FIBER_STATE`. */
  readonly code: string;

  constructor(message: string, code = 'ERR_FIBER') {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Resuming a fiber that is running (on the stack of resumers) or finished. */
export class FiberStateError extends FiberError {
  constructor(message: string) {
    super(message, 'ERR_FIBER_STATE');
  }
}

/** `Fiber.yield()` called while no fiber is running. */
export class NotInFiberError extends FiberError {
  constructor(message = 'Fiber.yield() called outside of a fiber') {
    super(message, 'ERR_NOT_IN_FIBER');
  }
}

/**
 * `Fiber.yield()` called from a microtask that began running inside the
 * fiber. The microtask queue is not per fiber: suspending there would leave
 * it marked as running and stall every later microtask.
 */
export class YieldInMicrotaskError extends FiberError {
  constructor(message: string) {
    super(message, 'ERR_YIELD_IN_MICROTASK');
  }
}

/** No stack (or other native resource) could be allocated for a fiber. */
export class FiberResourceError extends FiberError {
  constructor(message: string) {
    super(message, 'ERR_FIBER_RESOURCES');
  }
}

/**
 * Thrown at the suspension point of a suspended fiber whose `Fiber` object
 * was garbage collected, so that its `finally` blocks run before its stack
 * is freed; a `Fiber.yield()` while it unwinds throws the same error again
 * at once (README, "Dropped fibers").
 */
export class FiberCollectedError extends FiberError {
  constructor(message = 'the fiber was garbage collected while suspended; it is being unwound') {
    super(message, 'ERR_FIBER_COLLECTED');
  }
}

/** Builds the typed error for a code raised by the native addon. */
export function makeNativeError(code: string, message: string): Error {
  switch (code) {
    case 'ERR_FIBER_STATE':
      return new FiberStateError(message);
    case 'ERR_NOT_IN_FIBER':
      return new NotInFiberError(message);
    case 'ERR_YIELD_IN_MICROTASK':
      return new YieldInMicrotaskError(message);
    case 'ERR_FIBER_RESOURCES':
      return new FiberResourceError(message);
    case 'ERR_FIBER_COLLECTED':
      return new FiberCollectedError(message);
    default:
      return new FiberError(message, code);
  }
}

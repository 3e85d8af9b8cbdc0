/**
 * sleep() and wait(): park only the calling fiber on a timer or a promise.
 * The event loop keeps running meanwhile, other fibers keep being
 * scheduled, and a sleeping or waiting fiber never counts as deadlocked.
 * A timer's wake-up enqueues the fiber for a later macrotask's batch; a
 * promise's resumes it from the promise's reaction, where an await
 * continuation would run, while the last batch's budget lasts (see WakeFrom
 * in scheduler.ts).
 */
import { currentTask } from './scheduler';
import type { ParkReason, Task, WaitReactions } from './scheduler';

const SLEEPING: ParkReason = Object.freeze({ kind: 'sleeping' });
const WAITING: ParkReason = Object.freeze({ kind: 'waiting' });

/** Largest delay setTimeout honours (it silently turns bigger ones into 1 ms). */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Suspends the calling fiber for `ms` milliseconds (setTimeout semantics).
 * @throws TypeError / RangeError for a non-number or out-of-range delay.
 * @throws NotInFiberError outside a scheduler fiber.
 */
export function sleep(ms: number): void {
  if (typeof ms !== 'number') throw new TypeError(`sleep() needs a number of milliseconds, got ${typeof ms}`);
  if (!(ms >= 0 && ms <= MAX_DELAY_MS)) {
    throw new RangeError(`sleep() delay must be between 0 and ${MAX_DELAY_MS} ms, got ${ms}`);
  }
  const task = currentTask('sleep()', 'outside fibers use `await new Promise((r) => setTimeout(r, ms))`');
  // woken from a later macrotask: sleep(0) lets the loop's other phases run
  const timer = setTimeout(() => task.wake(undefined, 'macrotask'), ms);
  task.suspend(SLEEPING, clearTimeout, timer);
}

/** A rejection carried as a wake value: private, so no promise fulfils with one. */
class Rejection {
  constructor(readonly error: unknown) {}
}

/**
 * The reactions wait() registers on its promises: one set per task, reused
 * by each of its waits, so that a wait allocates no closures. A wait that is
 * given up (its fiber cancelled, or unable to suspend) kills its set, so
 * that its promise's late reaction wakes nobody; the next wait makes a new
 * one. A live set has at most one reaction pending: its task's one wait.
 */
function reactionsFor(task: Task): WaitReactions {
  let dead = false;
  return {
    fulfil: (value) => {
      if (!dead) task.wake(value, 'own-callback');
    },
    reject: (error) => {
      if (!dead) task.wake(new Rejection(error), 'own-callback');
    },
    abandon: () => {
      dead = true;
      task.waitReactions = undefined;
    },
  };
}

/**
 * Suspends the calling fiber until `promise` settles; returns its value or
 * throws its reason. A non-promise value is returned after one turn.
 * @throws NotInFiberError outside a scheduler fiber (use `await` there).
 */
export function wait<T>(promise: PromiseLike<T> | T): T {
  const task = currentTask('wait()', 'outside fibers use `await`');
  const reactions = (task.waitReactions ??= reactionsFor(task));
  Promise.resolve(promise).then(reactions.fulfil, reactions.reject);
  const settled = task.suspend<unknown>(WAITING, reactions.abandon);
  if (settled instanceof Rejection) throw settled.error;
  return settled as T;
}

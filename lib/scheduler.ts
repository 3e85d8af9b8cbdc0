/**
 * A cooperative scheduler for fibers, living inside Node's event loop.
 *
 * - Spawned fibers go to a FIFO ready queue. A batch runs from a macrotask
 *   (setImmediate) and runs ready fibers one after another until the queue
 *   is empty or the batch's budget is spent, then returns to the event loop
 *   so timers, I/O and promise callbacks run. Fibers woken while that budget
 *   lasts run in a batch within the same budget: a fiber in wait() from
 *   its promise's own reaction, where an await continuation would run (no
 *   user code is on the stack there), other wake-ups from a nextTick so
 *   that fibers never run inside a user's call. The batch loop resumes the
 *   first; a fiber that parks while others are ready switches straight
 *   into the next one (a transfer, on the tls backend), which then gives
 *   control back to the loop in its place. Once the budget is spent,
 *   wake-ups wait for a later macrotask, so fibers waiting on settled
 *   promises in a loop still let the event loop turn.
 * - A fiber leaves the CPU only by parking in a CSP call (channel op,
 *   select, sleep, wait, yieldNow) or by a bare Fiber.yield(), which counts
 *   as yieldNow(). Nothing else reorders the queue, so the same program
 *   gives the same interleaving every time.
 * - Deadlock: a scheduler whose unfinished fibers are all blocked on
 *   channels, while no fiber in any scheduler is ready, running, sleeping
 *   or waiting on a promise, can never progress: after `deadlockGraceMs`
 *   (default 0: the next macrotask) without a wake-up, run() rejects with a
 *   DeadlockError naming each blocked fiber and what it waits on.
 * - Failure: the first error escaping a spawned fiber stops the scheduler:
 *   run() rejects with SpawnedFiberError (cause = the error), and every other
 *   fiber is cancelled (FiberCancelledError thrown at its blocking point so
 *   its `finally` blocks run); fibers that never started are dropped.
 */
import { performance } from 'perf_hooks';
import { canTransfer, Fiber, isRunning, transfer } from './fiber';
import { Fifo } from './csp-queues';
import {
  BlockedFiberReport,
  ChannelLabel,
  DeadlockError,
  describeChannel,
  describeFiber,
  FiberCancelledError,
  notInFiber,
  SpawnedFiberError,
} from './csp-errors';

export type SpawnedFiberState = 'ready' | 'running' | 'blocked' | 'sleeping' | 'waiting' | 'done' | 'failed' | 'cancelled';

/** What a parked fiber waits on: drives deadlock detection and reports. */
export type ParkReason =
  | { kind: 'blocked'; op: 'send' | 'recv' | 'select'; channels: readonly { channel: ChannelLabel; op: 'send' | 'recv' }[] }
  | { kind: 'sleeping' }
  | { kind: 'waiting' }
  | { kind: 'yield' };

/** wait()'s promise reactions for one task (timing.ts), reused by each of its waits. */
export interface WaitReactions {
  fulfil(value: unknown): void;
  reject(error: unknown): void;
  /** the wait is given up: its reaction, if it still comes, wakes nobody */
  abandon(): void;
}

/** The caller's view of a spawned fiber. */
export interface SpawnedFiber<T = unknown> {
  /** 1, 2, 3... in spawn order, per scheduler */
  readonly id: number;
  readonly name: string | undefined;
  readonly state: SpawnedFiberState;
  /** the body's return value once state is 'done' */
  readonly result: T | undefined;
  readonly scheduler: Scheduler;
}

export interface SchedulerOptions {
  /** Shown in DeadlockError messages. */
  name?: string;
  /** Seeds the PRNG that picks among several ready select cases (default 1). */
  seed?: number;
  /**
   * How long everything must stay stuck before run() rejects with a
   * DeadlockError (default 0 = the next macrotask). Raise it when fibers
   * wait on channels that plain async code (not a fiber, not wait()) will
   * only feed after a timer or I/O.
   */
  deadlockGraceMs?: number;
  /** Default native stack size of spawned fibers (see FiberOptions). */
  stackSize?: number;
  /**
   * Longest a batch keeps the event loop busy, in ms (default 10). Checked
   * when fibers park and when something other than a timer wakes one
   * (while those come microseconds apart, at every 8th), so a fiber
   * computing between two parks runs past it.
   */
  batchBudgetMs?: number;
}

export interface SpawnOptions {
  name?: string;
  stackSize?: number;
}

/**
 * Where the code that wakes a fiber runs, which decides where the batch that
 * resumes it may run (Scheduler._enqueue):
 * - 'anywhere': user code (a channel op from async code, say) that must not
 *   have fibers run inside its call: a nextTick while the last batch's
 *   budget window is open (give or take 7 wake-ups: #windowOpen), else a
 *   later macrotask;
 * - 'macrotask': a later macrotask always (sleep: the loop's other phases
 *   get their turn, as setTimeout promises);
 * - 'own-callback': a promise reaction of our own with nothing of the
 *   user's on the stack (wait()): the batch runs right there when none is
 *   pending and the window is open, as an async function's continuation
 *   would, saving the nextTick's round through Node's tick queue.
 */
export type WakeFrom = 'anywhere' | 'macrotask' | 'own-callback';

/** What a parked fiber yields to the scheduler loop; any other yield is a bare Fiber.yield(). */
const PARKED = Symbol('switchyard.parked');
/** The resume value that makes a parked fiber throw FiberCancelledError. */
const CANCEL = Symbol('switchyard.cancel');

/** Counts every wake-up anywhere: a deadlock verdict is void if it moved. */
let progressEpoch = 0;
/** Schedulers with unfinished fibers: deadlock needs all of them idle. */
const liveSchedulers = new Set<Scheduler>();
/** Maps the running Fiber back to its task so CSP calls know who is calling. */
const taskOfFiber = new WeakMap<Fiber<unknown, unknown>, Task>();
/** The task whose fiber runs now, in any scheduler (batches never nest). */
let runningTask: Task | undefined;

/** The task of fiber `f`: nearly always the running one, found without the WeakMap. */
function taskOf(f: Fiber<unknown, unknown>): Task | undefined {
  const t = runningTask;
  return t !== undefined && t.fiber === f ? t : taskOfFiber.get(f);
}

/** A spawned fiber's bookkeeping. Internal: callers see it as SpawnedFiber. */
export class Task<T = unknown> implements SpawnedFiber<T> {
  state: SpawnedFiberState = 'ready';
  result: T | undefined = undefined;
  /** dropped once finished so the stack can be pooled */
  fiber: Fiber<unknown, unknown> | undefined;
  started = false;
  /** value the next resume hands to the parked call */
  wakeValue: unknown = undefined;
  park: ParkReason | undefined = undefined;
  /** undoes the park's registrations (channel waiters, timer) on cancel: undo(undoArg) */
  undo: ((arg: any) => void) | undefined = undefined;
  undoArg: unknown = undefined;
  cancelled = false;
  cancelCause: unknown = undefined;
  waitReactions: WaitReactions | undefined = undefined;

  constructor(
    readonly id: number,
    readonly name: string | undefined,
    readonly scheduler: Scheduler,
  ) {}

  describe(): string {
    return describeFiber(this.id, this.name);
  }

  cancelError(): FiberCancelledError {
    return new FiberCancelledError(this.id, this.name, this.cancelCause);
  }

  /**
   * Parks the calling fiber (which must be this task's, running) until
   * wake() or a cancel; returns the wake value. `undo(undoArg)` is run if
   * the fiber is cancelled instead, or if it could not suspend at all (a
   * function and its argument rather than a closure: a blocking call then
   * allocates none).
   */
  suspend<R>(reason: ParkReason, undo: (() => void) | undefined): R;
  suspend<R, A>(reason: ParkReason, undo: (arg: A) => void, undoArg: A): R;
  suspend<R, A>(reason: ParkReason, undo: ((arg?: A) => void) | undefined, undoArg?: A): R {
    this.park = reason;
    this.undo = undo;
    this.undoArg = undoArg;
    this.state = reason.kind === 'yield' ? 'ready' : reason.kind;
    if (reason.kind === 'sleeping' || reason.kind === 'waiting') this.scheduler._external++;
    let value: unknown;
    try {
      value = this.scheduler._leave(this);
    } catch (err) {
      // e.g. YieldInMicrotaskError: we never left, so take the park back
      if (reason.kind === 'sleeping' || reason.kind === 'waiting') this.scheduler._external--;
      this.state = 'running';
      this.park = this.undo = this.undoArg = undefined;
      undo?.(undoArg);
      throw err;
    }
    if (value === CANCEL) throw this.cancelError();
    return value as R;
  }

  /**
   * Makes a parked task ready with `value`; false if it was not parked
   * (stale wake). `how` says where its batch may run (see WakeFrom).
   */
  wake(value: unknown, how: WakeFrom = 'anywhere'): boolean {
    const s = this.state;
    if (s !== 'blocked' && s !== 'sleeping' && s !== 'waiting') return false;
    if (s !== 'blocked') this.scheduler._external--;
    this.state = 'ready';
    this.wakeValue = value;
    this.park = this.undo = this.undoArg = undefined;
    progressEpoch++;
    this.scheduler._enqueue(this, how);
    return true;
  }
}

/** Hops or wake-ups since the last clock reading that took less than this count as short (#withinBudget, #windowOpen). */
const SHORT_HOPS_MS = 0.02;
/** How many checks after such a reading skip the clock (#readClock): a budget is overrun by this many at most. */
const SKIPPED_READINGS = 7;

const YIELD: ParkReason = Object.freeze({ kind: 'yield' });

/** A small seeded PRNG (xorshift32): deterministic select choices per seed. */
function makeRng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 0x9e3779b9; // xorshift needs a nonzero state
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

interface Round {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
  observed: boolean;
}

export class Scheduler {
  readonly name: string | undefined;
  readonly seed: number;
  readonly deadlockGraceMs: number;
  readonly #stackSize: number | undefined;
  readonly #budgetMs: number;
  readonly #ready = new Fifo<Task>();
  /** unfinished tasks in spawn order (deadlock reports, cancellation) */
  readonly #live = new Set<Task>();
  readonly #choose: (n: number) => number;
  #nextId = 1;
  /** the task whose fiber runs now (kept by whoever switches into one) */
  #running: Task | undefined;
  /** performance.now() at which the running batch ends; 0 between batches */
  #deadline = 0;
  /** end of the budget window the last macrotask batch opened (#runBatch) */
  #windowEnd = 0;
  /** when a transfer or a wake-up last read the clock, and how many of each may skip it (#withinBudget, #windowOpen) */
  #lastClockRead = 0;
  #uncheckedHops = 0;
  #uncheckedWakes = 0;
  #batchScheduled = false;
  #verdictPending = false;
  #stopping = false;
  #round: Round | undefined;
  /** a failure nobody called run() for: the next run() reports it */
  #unobserved: unknown = undefined;
  /** @internal parked fibers a timer or promise will wake (sleeping + waiting) */
  _external = 0;

  constructor(options: SchedulerOptions = {}) {
    const { name, seed = 1, deadlockGraceMs = 0, stackSize, batchBudgetMs = 10 } = options;
    if (name !== undefined && typeof name !== 'string') throw new TypeError('Scheduler name must be a string');
    if (!Number.isInteger(seed)) throw new TypeError(`Scheduler seed must be an integer, got ${String(seed)}`);
    if (typeof deadlockGraceMs !== 'number' || !(deadlockGraceMs >= 0) || !Number.isFinite(deadlockGraceMs)) {
      throw new RangeError(`deadlockGraceMs must be a finite number >= 0, got ${String(deadlockGraceMs)}`);
    }
    if (typeof batchBudgetMs !== 'number' || !(batchBudgetMs > 0)) {
      throw new RangeError(`batchBudgetMs must be a number > 0, got ${String(batchBudgetMs)}`);
    }
    this.name = name;
    this.seed = seed;
    this.deadlockGraceMs = deadlockGraceMs;
    this.#stackSize = stackSize;
    this.#budgetMs = batchBudgetMs;
    this.#choose = makeRng(seed);
  }

  /** The scheduler of the fiber running now, if it was spawned by one. */
  static get current(): Scheduler | undefined {
    const f = Fiber.current;
    return f ? taskOf(f)?.scheduler : undefined;
  }

  /**
   * Starts `fn` in a new fiber. It runs from the next batch (a later
   * macrotask), never synchronously; works from inside fibers too.
   * @throws TypeError if `fn` is not a (non-async) function.
   */
  spawn<T>(fn: () => T, options: SpawnOptions = {}): SpawnedFiber<T> {
    if (typeof fn !== 'function') {
      throw new TypeError(`spawn() needs a function, got ${fn === null ? 'null' : typeof fn}`);
    }
    if ((fn as { constructor?: { name?: string } }).constructor?.name === 'AsyncFunction') {
      throw new TypeError(
        'spawn() needs a synchronous function: an async function would leave its fiber at the first await; ' +
          'block with recv()/wait() instead of await',
      );
    }
    const { name, stackSize = this.#stackSize } = options;
    if (name !== undefined && typeof name !== 'string') throw new TypeError('fiber name must be a string');
    const task = new Task<T>(this.#nextId++, name, this);
    if (this.#stopping) {
      // spawned by a fiber being cancelled: it would be cancelled at once
      task.state = 'cancelled';
      return task;
    }
    const fiber = new Fiber<unknown, unknown>(() => fn(), stackSize === undefined ? {} : { stackSize });
    task.fiber = fiber;
    taskOfFiber.set(fiber, task as Task);
    if (!this.#round) this.#startRound();
    this.#live.add(task as Task);
    this._enqueue(task as Task, 'macrotask'); // spawned fibers start from a later macrotask
    return task;
  }

  /**
   * Resolves once every spawned fiber has finished (at once if none is
   * unfinished). Rejects with SpawnedFiberError when a fiber throws, or
   * DeadlockError; a failure of an earlier round that no run() observed is
   * reported by the next run() call.
   */
  run(): Promise<void> {
    if (this.#round) {
      this.#round.observed = true;
      return this.#round.promise;
    }
    if (this.#unobserved !== undefined) {
      const e = this.#unobserved;
      this.#unobserved = undefined;
      return Promise.reject(e);
    }
    return Promise.resolve();
  }

  /** Number of unfinished fibers. */
  get size(): number {
    return this.#live.size;
  }

  /** @internal an integer in [0, n) from the seeded PRNG (select's choice) */
  _choose(n: number): number {
    return n <= 1 ? 0 : this.#choose(n);
  }

  /**
   * @internal Puts a task at the tail of the ready queue and makes sure a
   * batch will run. While the last macrotask batch's budget window is open
   * (typically a promise settling right after that batch), the batch runs
   * here for an 'own-callback' wake-up and as a nextTick for the others;
   * otherwise, or for a 'macrotask' wake-up, from a later macrotask
   * (setImmediate). With a batch already due the task just joins its queue.
   */
  _enqueue(task: Task, from: WakeFrom = 'anywhere'): void {
    this.#ready.push(task);
    if (this.#batchScheduled) return;
    this.#batchScheduled = true;
    if (from === 'macrotask' || !this.#windowOpen()) setImmediate(() => this.#runBatch(false));
    // a batch runs no other batch: a reaction that runs inside one waits for the next
    else if (from === 'own-callback' && runningTask === undefined) this.#runBatch(true, this.#lastClockRead);
    else process.nextTick(() => this.#runBatch(true));
  }

  /**
   * Whether the last macrotask batch's budget window is still open, for a
   * wake-up. Reading the clock costs about a tenth of a wait() on a settled
   * promise, so, as in #withinBudget, after a reading that finds the window
   * open and the last reading less than SHORT_HOPS_MS ago (wake-ups coming
   * fast, a fiber waiting in a loop) the next 7 wake-ups count as inside
   * without one. Such credit left over when the wake-ups stop is spent by
   * later ones, whenever they come: each then starts a batch as if the
   * window were open (run from its reaction or a nextTick rather than a
   * macrotask), which runs that one fiber and reads the clock before any
   * other. The window is thus overrun by at most 7 one-fiber batches.
   */
  #windowOpen(): boolean {
    if (this.#uncheckedWakes > 0) {
      this.#uncheckedWakes--;
      return true;
    }
    const credit = this.#readClock();
    const open = this.#lastClockRead < this.#windowEnd;
    this.#uncheckedWakes = open ? credit : 0;
    return open;
  }

  #startRound(): void {
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // run() may be called after the failure (or never): never an unhandled rejection here
    promise.catch(() => undefined);
    this.#round = { promise, resolve, reject, observed: false };
    liveSchedulers.add(this);
  }

  /**
   * A batch from a macrotask opens a budget window; batches run from a
   * nextTick or a reaction (`inWindow`) share it, so that the event loop gets its turn
   * once the window is spent however the batches came. `now`: the clock,
   * when the caller has read it (or its last reading, when a wake-up
   * skipped it: #windowOpen). The clock is read again only
   * between two fibers: a batch of one (a fiber woken by its promise) reads
   * it once in all.
   */
  #runBatch(inWindow: boolean, now = performance.now()): void {
    // #batchScheduled stays true while the batch runs, so fibers made ready
    // meanwhile do not queue a second batch
    this.#lastClockRead = now;
    if (!inWindow) this.#windowEnd = now + this.#budgetMs;
    const deadline = (this.#deadline = this.#windowEnd);
    this.#uncheckedHops = 0;
    while (this.#ready.length > 0) {
      this.#resume(this.#ready.shift()!);
      if (this.#ready.length > 0 && performance.now() > deadline) break;
    }
    this.#deadline = this.#uncheckedHops = 0;
    if (this.#ready.length > 0) {
      setImmediate(() => this.#runBatch(false));
    } else {
      this.#batchScheduled = false;
      // checkForDeadlocks does nothing while any scheduler is busy, this one included
      if (!this._busy()) checkForDeadlocks();
    }
  }

  #resume(task: Task, value: unknown = task.wakeValue): void {
    const fiber = task.fiber;
    if (!fiber || isOver(task)) return; // finished or cancelled while queued
    this.#begin(task);
    let out: unknown;
    try {
      out = fiber.resume(value);
    } catch (err) {
      const back = this.#gotBack();
      // a cancelled fiber's own error is dropped: the round already failed
      if (value === CANCEL) this.#finish(back, 'failed');
      else this.#fail(new SpawnedFiberError(back.id, back.name, err), back);
      return;
    }
    const back = this.#gotBack();
    if (out !== PARKED && back.fiber!.done) {
      back.result = out;
      this.#finish(back, back.cancelled ? 'cancelled' : 'done');
    } else if (value === CANCEL) {
      // it caught the cancellation and suspended again: abandon it
      this.#finish(back, 'cancelled');
    } else if (out !== PARKED || back.park?.kind === 'yield') {
      // yieldNow(), or a bare Fiber.yield(): back to the tail of the queue
      back.state = 'ready';
      back.park = undefined;
      this._enqueue(back);
    }
    // otherwise it parked on a channel, timer or promise: its waker re-enqueues it
  }

  /** Marks `task` running: its fiber is about to be switched into. */
  #begin(task: Task): void {
    task.wakeValue = undefined;
    task.state = 'running';
    task.started = true;
    this.#running = runningTask = task;
  }

  /**
   * The task whose fiber just gave control back to #resume: the one it
   * resumed or, when fibers transferred, the last one switched into.
   */
  #gotBack(): Task {
    const back = this.#running!;
    this.#running = runningTask = undefined;
    return back;
  }

  /**
   * Whether a transfer may go on with the batch. Reading the clock costs
   * about a tenth of a hop between two fibers over a channel, so after a
   * reading that finds the hops since the previous one short (under 20 µs
   * in all) the next 7 hops skip it; otherwise every hop reads it. A batch
   * can overrun its budget by those 7 hops at most.
   */
  #withinBudget(): boolean {
    if (this.#uncheckedHops > 0) {
      this.#uncheckedHops--;
      return true;
    }
    this.#uncheckedHops = this.#readClock();
    return this.#lastClockRead <= this.#deadline;
  }

  /**
   * Reads the clock into #lastClockRead. Returns how many of the next
   * checks may skip it (#withinBudget, #windowOpen): SKIPPED_READINGS
   * when the last reading is less than SHORT_HOPS_MS old, else none.
   */
  #readClock(): number {
    const now = performance.now();
    const credit = now - this.#lastClockRead < SHORT_HOPS_MS ? SKIPPED_READINGS : 0;
    this.#lastClockRead = now;
    return credit;
  }

  /**
   * @internal The running `task` parks (its state and park are set). While
   * the batch has budget left, the next ready task runs in its place,
   * switched into straight from this fiber (transfer() in fiber.ts: no hop
   * through the main stack); otherwise the fiber yields to the batch loop.
   * Either way ready tasks run in the same order. Returns the wake value.
   */
  _leave(task: Task): unknown {
    if (!canTransfer || this.#stopping || this.#ready.length === 0 || !this.#withinBudget()) {
      return Fiber.yield(PARKED);
    }
    let next: Task | undefined;
    while ((next = this.#ready.shift()) !== undefined && (!next.fiber || isOver(next))) {
      // finished or cancelled while queued: skipped, as #resume does
    }
    if (next === undefined) return Fiber.yield(PARKED);
    const yielding = task.park?.kind === 'yield';
    const value = next.wakeValue;
    const started = next.started;
    if (yielding) {
      // yieldNow(): queued behind every ready task, as #resume does
      task.park = undefined;
      this.#ready.push(task);
    }
    this.#begin(next);
    try {
      return transfer(next.fiber!, value);
    } catch (err) {
      if (this.#running === next) {
        // refused (e.g. inside a microtask): nothing switched, undo it all
        this.#running = runningTask = task;
        next.state = 'ready';
        next.wakeValue = value;
        next.started = started;
        if (yielding) this.#ready.pop();
        this.#ready.unshift(next);
      }
      throw err;
    }
  }

  #finish(task: Task, state: SpawnedFiberState): void {
    task.state = state;
    if (task.fiber) taskOfFiber.delete(task.fiber);
    task.fiber = undefined;
    task.park = task.undo = task.undoArg = undefined;
    this.#live.delete(task);
    if (this.#live.size === 0 && !this.#stopping && this.#round) {
      const round = this.#round;
      this.#round = undefined;
      this.#uncheckedWakes = 0; // no clock credit outlives its round
      liveSchedulers.delete(this);
      round.resolve();
    }
  }

  /**
   * Stops the round: `culprit` (the fiber that threw) is finished first —
   * with #stopping set, so its exit cannot count as "all fibers done" —
   * then every other fiber is cancelled and run() rejects with `error`.
   */
  #fail(error: unknown, culprit?: Task): void {
    const round = this.#round;
    if (!round || this.#stopping) {
      // only the first failure counts
      if (culprit) this.#finish(culprit, 'failed');
      return;
    }
    this.#stopping = true;
    if (culprit) this.#finish(culprit, 'failed');
    for (const task of [...this.#live]) {
      task.cancelled = true;
      task.cancelCause = error;
      if (!task.started) {
        this.#finish(task, 'cancelled');
        continue;
      }
      if (task.state === 'sleeping' || task.state === 'waiting') this._external--;
      const { undo, undoArg } = task;
      task.park = task.undo = task.undoArg = undefined;
      undo?.(undoArg);
      this.#resume(task, CANCEL);
    }
    this.#ready.clear();
    this.#live.clear();
    this._external = 0;
    this.#stopping = false;
    this.#round = undefined;
    this.#uncheckedWakes = 0;
    liveSchedulers.delete(this);
    if (!round.observed) {
      this.#unobserved = error;
      process.emitWarning(
        `switchyard: a scheduler stopped and nobody awaits its run(): ${error instanceof Error ? error.message : String(error)}`,
        { code: 'SWITCHYARD_UNOBSERVED_FAILURE' },
      );
    }
    round.reject(error);
    progressEpoch++;
    checkForDeadlocks();
  }

  /** @internal true while fibers of this scheduler can still move without outside help */
  _busy(): boolean {
    return this.#ready.length > 0 || this.#running !== undefined || this._external > 0 || this.#batchScheduled;
  }

  /** @internal live fibers that are blocked on channels */
  _blocked(): Task[] {
    return [...this.#live].filter((t) => t.state === 'blocked');
  }

  /** @internal schedules a deadlock verdict; it is void if anything wakes meanwhile */
  _suspectDeadlock(): void {
    if (this.#verdictPending) return;
    this.#verdictPending = true;
    const epoch = progressEpoch;
    const verdict = (): void => {
      this.#verdictPending = false;
      if (epoch !== progressEpoch || anySchedulerBusy()) return;
      const blocked = this._blocked();
      if (blocked.length === 0) return;
      this.#fail(new DeadlockError(this.name, blocked.map(reportBlocked)));
    };
    if (this.deadlockGraceMs > 0) setTimeout(verdict, this.deadlockGraceMs);
    else setImmediate(verdict);
  }
}

function isOver(task: Task): boolean {
  return task.state === 'done' || task.state === 'failed' || task.state === 'cancelled';
}

function reportBlocked(task: Task): BlockedFiberReport {
  const park = task.park as Extract<ParkReason, { kind: 'blocked' }>;
  const channels = park.channels.map(({ channel, op }) => ({ id: channel.id, name: channel.name, op }));
  const where =
    park.op === 'select'
      ? `select on [${park.channels.map(({ channel, op }) => `${op} ${describeChannel(channel)}`).join(', ')}]`
      : `${park.op} on ${describeChannel(park.channels[0].channel)}`;
  return { fiberId: task.id, fiberName: task.name, op: park.op, channels, description: `${task.describe()} blocked in ${where}` };
}

function anySchedulerBusy(): boolean {
  for (const s of liveSchedulers) if (s._busy()) return true;
  return false;
}

/** Run after every batch: if nothing anywhere can move, suspect the schedulers holding blocked fibers. */
function checkForDeadlocks(): void {
  if (anySchedulerBusy()) return;
  for (const s of liveSchedulers) if (s._blocked().length > 0) s._suspectDeadlock();
}

/**
 * The task of the scheduler fiber running now, for a blocking CSP call.
 * @throws NotInFiberError outside a fiber or in a fiber no Scheduler spawned.
 * @throws FiberCancelledError if this fiber's scheduler has stopped.
 */
export function currentTask(op: string, hint: string): Task {
  const task = currentTaskOrUndefined();
  if (!task) throw Fiber.current ? notInFiber(op, hint, 'in a Fiber that no Scheduler spawned') : notInFiber(op, hint);
  if (task.cancelled) throw task.cancelError();
  return task;
}

/** The task running now, or undefined (for calls that work anywhere). */
export function currentTaskOrUndefined(): Task | undefined {
  // nearly always the running task's own fiber; else (a plain Fiber it
  // resumed, say) ask the addon
  const task = runningTask;
  if (task !== undefined && task.fiber !== undefined && isRunning(task.fiber)) return task;
  const f = Fiber.current;
  return f ? taskOf(f) : undefined;
}

/** Lets every other ready fiber run once before the calling fiber continues. */
export function yieldNow(): void {
  currentTask('yieldNow()', 'outside fibers use `await new Promise(setImmediate)`').suspend(YIELD, undefined);
}

let defaultScheduler: Scheduler | undefined;

/** The scheduler behind the top-level spawn() and run(). */
export function getDefaultScheduler(): Scheduler {
  return (defaultScheduler ??= new Scheduler({ name: 'default' }));
}

/** spawn() on the default scheduler. */
export function spawn<T>(fn: () => T, options?: SpawnOptions): SpawnedFiber<T> {
  return getDefaultScheduler().spawn(fn, options);
}

/** run() of the default scheduler. */
export function run(): Promise<void> {
  return getDefaultScheduler().run();
}

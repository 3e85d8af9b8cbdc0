/**
 * Channels: typed FIFO pipes between fibers, and between fibers and plain
 * async code.
 *
 * - capacity 0 (default) is a rendezvous: a send completes only once a
 *   receiver has taken the value. capacity N buffers up to N values.
 * - Blocking calls (send, recv, recvOrDone, for-of) park the calling fiber
 *   and need a fiber spawned by a Scheduler; the *Async calls return
 *   promises and work anywhere; try* calls never block and work anywhere.
 * - close(): receivers first drain what is buffered, then see "closed"
 *   (recv() throws ChannelClosedError, recvOrDone() gives { ok: false },
 *   iteration ends). Sending on a closed channel, and senders still blocked
 *   when it closes, get ChannelClosedError. Closing twice is an error too.
 * - Waiters are served strictly in arrival order, fibers and async callers
 *   alike, so a fiber and an async function can talk both ways.
 */
import { ChannelClosedError, ChannelLabel } from './csp-errors';
import { Fifo, WaitList, WaitNode } from './csp-queues';
import { currentTask } from './scheduler';
import type { ParkReason, Task } from './scheduler';

/** What a blocking receive gives: ok is false once the channel is closed and drained. */
export type RecvResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly value: undefined };

/** tryRecv(): ok is false if nothing was there; closed tells whether anything can still come. */
export type TryRecvResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly value: undefined; readonly closed: boolean };

/** A select case that receives from `channel`; make one with `ch.recvCase()`. */
export interface RecvCase<T> {
  readonly kind: 'recv';
  readonly channel: Channel<T>;
}

/** A select case that sends `value` on `channel`; make one with `ch.sendCase(value)`. */
export interface SendCase<T> {
  readonly kind: 'send';
  readonly channel: Channel<T>;
  readonly value: T;
}

export type SelectCase<T = unknown> = RecvCase<T> | SendCase<T>;

/** @internal a blocked sender: a fiber, an async caller or a select case */
export interface SendWaiter<T> {
  readonly value: T;
  /** a receiver took the value */
  delivered(): void;
  /** the channel closed first */
  closed(): void;
}

/** @internal a blocked receiver */
export interface RecvWaiter<T> {
  received(value: T): void;
  closed(): void;
}

export interface ChannelOptions {
  /** Shown in DeadlockError and ChannelClosedError messages. */
  name?: string;
}

/** Largest capacity: beyond this a "buffer" is a memory leak waiting to happen. */
export const MAX_CHANNEL_CAPACITY = 2 ** 30;

let nextChannelId = 1;

const SENT = Symbol('sent');
const CLOSED = Symbol('closed');
const CLOSED_AND_DRAINED: RecvResult<never> = Object.freeze({ ok: false, value: undefined });
/** What a blocked fiber receiver is woken with once the channel is closed and drained (any other wake value is the value). */
const DRAINED = Symbol('drained');
/** #take() found no value. */
const NOTHING = Symbol('nothing');
// tryRecv()'s two "nothing there" answers, shared (the results are read-only)
const NOTHING_YET: TryRecvResult<never> = Object.freeze({ ok: false, value: undefined, closed: false });
const NOTHING_EVER: TryRecvResult<never> = Object.freeze({ ok: false, value: undefined, closed: true });

// A fiber blocked in send() or recv(): one object per blocking call (the
// methods live on the prototype), woken with what the call returns.
class FiberSender<T> implements SendWaiter<T> {
  constructor(
    readonly value: T,
    readonly task: Task,
  ) {}
  delivered(): void {
    this.task.wake(SENT);
  }
  closed(): void {
    this.task.wake(CLOSED);
  }
}

class FiberReceiver<T> implements RecvWaiter<T> {
  constructor(readonly task: Task) {}
  received(value: T): void {
    this.task.wake(value);
  }
  closed(): void {
    this.task.wake(DRAINED);
  }
}

export class Channel<T> implements ChannelLabel, Iterable<T>, AsyncIterable<T> {
  /** process-wide, in creation order */
  readonly id: number;
  readonly name: string | undefined;
  readonly capacity: number;
  readonly #buffer = new Fifo<T>();
  readonly #senders = new WaitList<SendWaiter<T>>();
  readonly #receivers = new WaitList<RecvWaiter<T>>();
  #closed = false;
  // what a fiber blocked in send() / recv() reports (deadlocks): made once
  #sendPark: ParkReason | undefined;
  #recvPark: ParkReason | undefined;

  /**
   * @throws TypeError if capacity is not a number.
   * @throws RangeError if capacity is not an integer in [0, 2^30].
   */
  constructor(capacity = 0, options: ChannelOptions = {}) {
    if (typeof capacity !== 'number') {
      throw new TypeError(`Channel capacity must be a number, got ${capacity === null ? 'null' : typeof capacity}`);
    }
    if (!Number.isInteger(capacity) || capacity < 0 || capacity > MAX_CHANNEL_CAPACITY) {
      throw new RangeError(
        `Channel capacity must be an integer from 0 (unbuffered) to ${MAX_CHANNEL_CAPACITY}, got ${capacity}`,
      );
    }
    const { name } = options;
    if (name !== undefined && typeof name !== 'string') throw new TypeError('Channel name must be a string');
    this.capacity = capacity;
    this.name = name;
    this.id = nextChannelId++;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Values buffered now (always 0 for an unbuffered channel). */
  get length(): number {
    return this.#buffer.length;
  }

  // ---- fiber calls: block the calling fiber --------------------------------

  /**
   * Sends `value`, blocking the fiber until a receiver takes it (unbuffered)
   * or there is room in the buffer.
   * @throws ChannelClosedError if the channel is or becomes closed.
   * @throws NotInFiberError outside a scheduler fiber (use sendAsync there).
   */
  send(value: T): void {
    const task = currentTask('Channel.send()', 'from async code use `await ch.sendAsync(value)`, or trySend()');
    if (this.trySend(value)) return;
    const node = this._addSender(new FiberSender(value, task));
    const outcome = task.suspend<typeof SENT | typeof CLOSED, WaitNode<unknown>>(
      (this.#sendPark ??= blockedOn(this, 'send')),
      withdraw,
      node,
    );
    if (outcome === CLOSED) throw new ChannelClosedError(this, 'channel closed while a send was blocked on it');
  }

  /**
   * Receives the next value, blocking the fiber until there is one.
   * @throws ChannelClosedError once the channel is closed and drained.
   * @throws NotInFiberError outside a scheduler fiber (use recvAsync there).
   */
  recv(): T {
    const v = this.#recvBlocking('Channel.recv()');
    if (v === DRAINED) throw new ChannelClosedError(this, 'recv on a closed and drained channel');
    return v;
  }

  /** Like recv() but reports "closed and drained" as `{ ok: false }` instead of throwing. */
  recvOrDone(): RecvResult<T> {
    const v = this.#recvBlocking('Channel.recvOrDone()');
    return v === DRAINED ? CLOSED_AND_DRAINED : { ok: true, value: v };
  }

  /** `for (const v of ch)` inside a fiber: ends once the channel is closed and drained. */
  [Symbol.iterator](): Iterator<T> {
    // check now, not at the first next(), so the mistake points at the loop
    currentTask('for (... of channel)', 'from async code use `for await (const v of ch)`');
    return {
      next: (): IteratorResult<T> => {
        const v = this.#recvBlocking('for (... of channel)');
        return v === DRAINED ? { done: true, value: undefined } : { done: false, value: v };
      },
    };
  }

  /** The next value, or DRAINED once the channel is closed and drained (no result object per value). */
  #recvBlocking(op: string): T | typeof DRAINED {
    const task = currentTask(op, 'from async code use `await ch.recvAsync()`, or tryRecv()');
    const now = this.#take();
    if (now !== NOTHING) return now;
    if (this.#closed) return DRAINED;
    const node = this._addReceiver(new FiberReceiver<T>(task));
    return task.suspend<T | typeof DRAINED, WaitNode<unknown>>(
      (this.#recvPark ??= blockedOn(this, 'recv')),
      withdraw,
      node,
    );
  }

  // ---- calls that never block: usable anywhere -----------------------------

  /**
   * Sends if a receiver is waiting or the buffer has room; returns false
   * (sending nothing) otherwise.
   * @throws ChannelClosedError if the channel is closed.
   */
  trySend(value: T): boolean {
    if (this.#closed) throw new ChannelClosedError(this, 'send on a closed channel');
    const receiver = this.#receivers.shift();
    if (receiver) {
      receiver.received(value);
      return true;
    }
    if (this.#buffer.length < this.capacity) {
      this.#buffer.push(value);
      return true;
    }
    return false;
  }

  /** Receives if a value is buffered or a sender is waiting. */
  tryRecv(): TryRecvResult<T> {
    const v = this.#take();
    if (v !== NOTHING) return { ok: true, value: v };
    return this.#closed ? NOTHING_EVER : NOTHING_YET;
  }

  /** tryRecv()'s work: a value, or NOTHING (no result object per value). */
  #take(): T | typeof NOTHING {
    if (this.#buffer.length > 0) {
      const value = this.#buffer.shift() as T;
      // a slot opened: the oldest blocked sender's value moves into it
      const sender = this.#senders.shift();
      if (sender) {
        this.#buffer.push(sender.value);
        sender.delivered();
      }
      return value;
    }
    const sender = this.#senders.shift();
    if (sender) {
      sender.delivered();
      return sender.value;
    }
    return NOTHING;
  }

  /**
   * Closes the channel: blocked receivers see "closed" (buffered values
   * stay for later receivers to drain), blocked senders get
   * ChannelClosedError. Works anywhere.
   * @throws ChannelClosedError if it was already closed.
   */
  close(): void {
    if (this.#closed) throw new ChannelClosedError(this, 'close of a closed channel');
    this.#closed = true;
    for (let r = this.#receivers.shift(); r; r = this.#receivers.shift()) r.closed();
    for (let s = this.#senders.shift(); s; s = this.#senders.shift()) s.closed();
  }

  // ---- async calls: promises, usable anywhere ------------------------------

  /**
   * Resolves once the value is taken by a receiver or buffered. Rejects with
   * ChannelClosedError if the channel is or becomes closed first.
   */
  sendAsync(value: T): Promise<void> {
    try {
      if (this.trySend(value)) return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<void>((resolve, reject) => {
      this._addSender({
        value,
        delivered: () => resolve(),
        closed: () => reject(new ChannelClosedError(this, 'channel closed while a send was blocked on it')),
      });
    });
  }

  /** Resolves with the next value; rejects with ChannelClosedError once closed and drained. */
  async recvAsync(): Promise<T> {
    const r = await this.recvOrDoneAsync();
    if (!r.ok) throw new ChannelClosedError(this, 'recv on a closed and drained channel');
    return r.value;
  }

  /** Resolves with the next value, or `{ ok: false }` once closed and drained. */
  recvOrDoneAsync(): Promise<RecvResult<T>> {
    const now = this.tryRecv();
    if (now.ok) return Promise.resolve(now);
    if (now.closed) return Promise.resolve({ ok: false, value: undefined });
    return new Promise<RecvResult<T>>((resolve) => {
      this._addReceiver({
        received: (value) => resolve({ ok: true, value }),
        closed: () => resolve({ ok: false, value: undefined }),
      });
    });
  }

  /** `for await (const v of ch)` anywhere: ends once the channel is closed and drained. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: async (): Promise<IteratorResult<T>> => {
        const r = await this.recvOrDoneAsync();
        return r.ok ? { done: false, value: r.value } : { done: true, value: undefined };
      },
    };
  }

  // ---- select ---------------------------------------------------------------

  recvCase(): RecvCase<T> {
    return { kind: 'recv', channel: this };
  }

  sendCase(value: T): SendCase<T> {
    return { kind: 'send', channel: this, value };
  }

  /** @internal would a receive complete now (a value, a sender, or closed)? */
  _canRecv(): boolean {
    return this.#buffer.length > 0 || this.#senders.size > 0 || this.#closed;
  }

  /** @internal would a send complete (or throw because closed) now? */
  _canSend(): boolean {
    return this.#closed || this.#receivers.size > 0 || this.#buffer.length < this.capacity;
  }

  /** @internal queues a blocked sender; the caller must have tried trySend first */
  _addSender(waiter: SendWaiter<T>): WaitNode<unknown> {
    return this.#senders.push(waiter) as WaitNode<unknown>;
  }

  /** @internal queues a blocked receiver; the caller must have tried tryRecv first */
  _addReceiver(waiter: RecvWaiter<T>): WaitNode<unknown> {
    return this.#receivers.push(waiter) as WaitNode<unknown>;
  }

  toString(): string {
    return this.name === undefined ? `Channel(${this.id})` : `Channel(${this.id} ${JSON.stringify(this.name)})`;
  }
}

/** A cancelled blocking call's undo: withdraws its waiter (harmless if already taken). */
function withdraw(node: WaitNode<unknown>): void {
  node.list?.remove(node);
}

function blockedOn(channel: ChannelLabel, op: 'send' | 'recv'): ParkReason {
  return Object.freeze({ kind: 'blocked', op, channels: Object.freeze([Object.freeze({ channel, op })]) });
}

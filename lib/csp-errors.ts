/**
 * Typed errors of the CSP layer (scheduler, channels, select, sleep/wait).
 * They extend FiberError so one `instanceof FiberError` catches everything
 * switchyard raises, and each has a stable `.code`. Blocking calls made
 * outside a scheduler fiber raise the fiber API's own NotInFiberError.
 */
import { FiberError, NotInFiberError } from './errors';

/** How the CSP layer names a channel in messages: `channel 2 "jobs"`. */
export interface ChannelLabel {
  readonly id: number;
  readonly name: string | undefined;
}

export function describeChannel(ch: ChannelLabel): string {
  return ch.name === undefined ? `channel ${ch.id}` : `channel ${ch.id} ${JSON.stringify(ch.name)}`;
}

/** How the CSP layer names a fiber in messages: `fiber 3 "worker"`. */
export function describeFiber(id: number, name: string | undefined): string {
  return name === undefined ? `fiber ${id}` : `fiber ${id} ${JSON.stringify(name)}`;
}

/**
 * Sending on a closed channel (also senders still blocked when it closes),
 * `recv()` on a closed and drained channel, or closing it twice.
 */
export class ChannelClosedError extends FiberError {
  readonly channelId: number;
  readonly channelName: string | undefined;

  constructor(channel: ChannelLabel, message: string) {
    super(`${message} (${describeChannel(channel)})`, 'ERR_CHANNEL_CLOSED');
    this.channelId = channel.id;
    this.channelName = channel.name;
  }
}

/** One fiber that a DeadlockError found blocked forever. */
export interface BlockedFiberReport {
  readonly fiberId: number;
  readonly fiberName: string | undefined;
  /** the blocking operation */
  readonly op: 'send' | 'recv' | 'select';
  /** the channels it waits on (select: one entry per case, in case order) */
  readonly channels: readonly { readonly id: number; readonly name: string | undefined; readonly op: 'send' | 'recv' }[];
  /** e.g. `fiber 3 "worker" blocked in recv on channel 2 "jobs"` */
  readonly description: string;
}

/**
 * Every unfinished fiber is blocked on a channel and nothing can wake them:
 * no fiber is ready, sleeping or waiting on a promise (in any scheduler).
 */
export class DeadlockError extends FiberError {
  readonly blocked: readonly BlockedFiberReport[];
  readonly schedulerName: string | undefined;

  constructor(schedulerName: string | undefined, blocked: readonly BlockedFiberReport[]) {
    const where = schedulerName === undefined ? 'scheduler' : `scheduler ${JSON.stringify(schedulerName)}`;
    const count = blocked.length === 1 ? '1 fiber is' : `${blocked.length} fibers are`;
    super(
      `deadlock in ${where}: ${count} blocked forever: ${blocked.map((b) => b.description).join('; ')}`,
      'ERR_DEADLOCK',
    );
    this.blocked = blocked;
    this.schedulerName = schedulerName;
  }
}

/**
 * A spawned fiber threw. `scheduler.run()` rejects with this (the first one
 * only); the original error is `.cause`.
 */
export class SpawnedFiberError extends FiberError {
  readonly fiberId: number;
  readonly fiberName: string | undefined;

  constructor(fiberId: number, fiberName: string | undefined, cause: unknown) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`${describeFiber(fiberId, fiberName)} threw ${reason}`, 'ERR_SPAWNED_FIBER');
    this.fiberId = fiberId;
    this.fiberName = fiberName;
    (this as { cause?: unknown }).cause = cause;
  }
}

/**
 * Thrown at the blocking point of every other fiber when its scheduler stops
 * (after a fiber threw or after a deadlock), so `finally` blocks run and
 * stacks are released. `.cause` is the error that stopped the scheduler.
 * Any later blocking call in that fiber throws it again at once.
 */
export class FiberCancelledError extends FiberError {
  constructor(fiberId: number, fiberName: string | undefined, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${describeFiber(fiberId, fiberName)} was cancelled: ${reason}`, 'ERR_FIBER_CANCELLED');
    (this as { cause?: unknown }).cause = cause;
  }
}

/** A blocking CSP call made where it cannot suspend: names the call and the way out. */
export function notInFiber(op: string, hint: string, reason = 'outside of a fiber'): NotInFiberError {
  return new NotInFiberError(
    `${op} blocks and must be called inside a fiber spawned by a Scheduler (called ${reason}); ${hint}`,
  );
}

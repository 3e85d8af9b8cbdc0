/**
 * select(): wait on several channel operations, complete exactly one.
 *
 * ```ts
 * const r = select([jobs.recvCase(), results.sendCase(x)]);
 * if (r.index === 0 && r.ok) handle(r.value);
 * const maybe = select([jobs.recvCase()], { default: true }); // never blocks
 * if (maybe.kind === 'default') idle();
 * ```
 *
 * If several cases can complete at once, the scheduler's seeded PRNG picks
 * one (so a busy channel cannot starve the others, yet a given seed always
 * picks the same way). If none can, the fiber parks with a waiter on every
 * channel; the first channel to serve one withdraws all the others. A recv
 * case on a closed, drained channel fires with `ok: false`; a send case on
 * a closed channel throws ChannelClosedError, as Channel.send() would.
 */
import { Channel, RecvCase, SelectCase, SendCase } from './channel';
import { ChannelClosedError } from './csp-errors';
import { WaitNode } from './csp-queues';
import { currentTask, currentTaskOrUndefined, getDefaultScheduler } from './scheduler';

/** A fired recv case: like recvOrDone(), plus which case it was. */
export type SelectRecvResult<I extends number, T> =
  | { readonly index: I; readonly kind: 'recv'; readonly ok: true; readonly value: T }
  | { readonly index: I; readonly kind: 'recv'; readonly ok: false; readonly value: undefined };

export interface SelectSendResult<I extends number> {
  readonly index: I;
  readonly kind: 'send';
}

/** select(cases, { default: true }) when no case could complete. */
export interface SelectDefaultResult {
  readonly index: -1;
  readonly kind: 'default';
}

type IndexOf<K> = K extends `${infer N extends number}` ? N : number;

/** The result of one case; distributes over a union of cases (a plain array's element type). */
type CaseResult<Case, I extends number> =
  Case extends RecvCase<infer T> ? SelectRecvResult<I, T> : Case extends SendCase<any> ? SelectSendResult<I> : never;

/**
 * One result variant per case, so `r.index === 0` narrows `r.value` to case
 * 0's type for a tuple of cases; for a plain array, a union over its cases.
 */
export type SelectResult<C extends readonly SelectCase<any>[]> = {
  [K in keyof C]: CaseResult<C[K], IndexOf<K>>;
}[number];

export interface SelectOptions {
  /** true: return { kind: 'default' } instead of blocking (also allowed outside fibers). */
  default?: boolean;
}

type AnyResult = SelectRecvResult<number, unknown> | SelectSendResult<number>;

/** A send case's channel closed while the select was parked. */
const SEND_CLOSED = Symbol('send case closed');

/**
 * Completes one of `cases`, blocking the fiber until one can.
 * @throws NotInFiberError outside a scheduler fiber, unless `default` is set.
 * @throws ChannelClosedError if the chosen case sends on a closed channel.
 * @throws TypeError for something that is not a case; RangeError for no cases without default.
 */
export function select<const C extends readonly SelectCase<any>[]>(cases: C): SelectResult<C>;
export function select<const C extends readonly SelectCase<any>[]>(
  cases: C,
  options: SelectOptions,
): SelectResult<C> | SelectDefaultResult;
export function select(cases: readonly SelectCase<unknown>[], options: SelectOptions = {}): AnyResult | SelectDefaultResult {
  if (!Array.isArray(cases)) throw new TypeError('select() takes an array of cases (ch.recvCase(), ch.sendCase(v))');
  cases.forEach(checkCase);
  const nonBlocking = options.default === true;
  if (cases.length === 0 && !nonBlocking) {
    throw new RangeError('select() with no cases and no default would block forever');
  }
  const task = nonBlocking
    ? currentTaskOrUndefined()
    : currentTask('select()', 'from async code await recvAsync()/sendAsync(), or pass { default: true }');

  const ready: number[] = [];
  cases.forEach((c, i) => {
    if (c.kind === 'recv' ? c.channel._canRecv() : c.channel._canSend()) ready.push(i);
  });
  if (ready.length > 0) {
    const scheduler = task?.scheduler ?? getDefaultScheduler();
    const index = ready[scheduler._choose(ready.length)];
    return complete(cases[index], index);
  }
  if (nonBlocking) return { index: -1, kind: 'default' };

  // Nothing ready: one waiter per case; the first to fire withdraws the rest.
  const me = task!;
  const nodes: WaitNode<unknown>[] = [];
  let fired = false;
  const fire = (result: AnyResult | { index: number; kind: typeof SEND_CLOSED }): void => {
    if (fired) return;
    fired = true;
    for (const node of nodes) node.list?.remove(node);
    me.wake(result);
  };
  cases.forEach((c, index) => {
    if (c.kind === 'recv') {
      nodes.push(
        c.channel._addReceiver({
          received: (value: unknown) => fire({ index, kind: 'recv', ok: true, value }),
          closed: () => fire({ index, kind: 'recv', ok: false, value: undefined }),
        }),
      );
    } else {
      nodes.push(
        c.channel._addSender({
          value: c.value,
          delivered: () => fire({ index, kind: 'send' }),
          closed: () => fire({ index, kind: SEND_CLOSED }),
        }),
      );
    }
  });
  const result = me.suspend<AnyResult | { index: number; kind: typeof SEND_CLOSED }>(
    { kind: 'blocked', op: 'select', channels: cases.map((c) => ({ channel: c.channel, op: c.kind })) },
    () => {
      for (const node of nodes) node.list?.remove(node);
    },
  );
  if (result.kind === SEND_CLOSED) {
    throw new ChannelClosedError(cases[result.index].channel, `select case ${result.index}: channel closed while a send was blocked on it`);
  }
  return result;
}

function checkCase(c: unknown, i: number): void {
  const ok =
    typeof c === 'object' &&
    c !== null &&
    ((c as SelectCase).kind === 'recv' || (c as SelectCase).kind === 'send') &&
    (c as SelectCase).channel instanceof Channel;
  if (!ok) throw new TypeError(`select() case ${i} is not a case: make one with ch.recvCase() or ch.sendCase(value)`);
}

/** Runs a case known to be ready; it cannot block. */
function complete(c: SelectCase<unknown>, index: number): AnyResult {
  if (c.kind === 'send') {
    if (!c.channel.trySend(c.value)) throw new Error('switchyard: select send case was ready but could not send');
    return { index, kind: 'send' };
  }
  const r = c.channel.tryRecv();
  return r.ok ? { index, kind: 'recv', ok: true, value: r.value } : { index, kind: 'recv', ok: false, value: undefined };
}

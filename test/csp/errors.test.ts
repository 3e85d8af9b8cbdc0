/** Bad use gets a typed error with a clear message, never a crash or a hang. */
import * as vm from 'vm';
import {
  Channel,
  ChannelClosedError,
  MAX_CHANNEL_CAPACITY,
  Scheduler,
  select,
  sleep,
  spawn,
  wait,
  yieldNow,
} from '../../lib/csp';
import { Fiber } from '../../lib/fiber';
import { FiberError, NotInFiberError, YieldInMicrotaskError } from '../../lib/errors';
import { assertBuilt, thrown } from './helpers';

beforeAll(assertBuilt);

describe('bad use', () => {
  const ch = new Channel<number>(0, { name: 'c' });
  const blockingCalls: [string, () => unknown, RegExp][] = [
    ['send', () => ch.send(1), /^Channel\.send\(\) blocks .* \(called outside of a fiber\); from async code use `await ch\.sendAsync/],
    ['recv', () => ch.recv(), /^Channel\.recv\(\) blocks .*recvAsync/],
    ['recvOrDone', () => ch.recvOrDone(), /^Channel\.recvOrDone\(\) blocks/],
    ['for-of', () => [...ch], /^for \(\.\.\. of channel\) blocks .*for await/],
    ['select', () => select([ch.recvCase()]), /^select\(\) blocks .*default: true/],
    ['sleep', () => sleep(1), /^sleep\(\) blocks .*setTimeout/],
    ['wait', () => wait(Promise.resolve(1)), /^wait\(\) blocks .*use `await`/],
    ['yieldNow', () => yieldNow(), /^yieldNow\(\) blocks/],
  ];

  test.each(blockingCalls)('%s outside a fiber: NotInFiberError', (_name, call, message) => {
    const e = thrown(call);
    expect(e).toBeInstanceOf(NotInFiberError);
    expect(e).toBeInstanceOf(FiberError);
    expect(e.code).toBe('ERR_NOT_IN_FIBER');
    expect(e.message).toMatch(message);
  });

  test('blocking calls inside a plain Fiber (not spawned by a Scheduler): NotInFiberError saying so', () => {
    const f = new Fiber(() => blockingCalls.map(([, call]) => thrown(call)));
    const errors = f.resume() as Error[];
    for (const e of errors) {
      expect(e).toBeInstanceOf(NotInFiberError);
      expect(e.message).toContain('in a Fiber that no Scheduler spawned');
    }
    // and nothing was left registered on the channel
    expect(ch.trySend(1)).toBe(false);
  });

  test('blocking calls inside a plain Fiber that a scheduler fiber resumed: NotInFiberError, and the scheduler fiber goes on', async () => {
    // The scheduler knows which of its fibers runs; a plain Fiber resumed
    // inside it runs in its place and must not be taken for it.
    const s = new Scheduler();
    const out: { errors?: Error[]; after?: number } = {};
    const c = new Channel<number>(1);
    s.spawn(() => {
      const inner = new Fiber(() => blockingCalls.map(([, call]) => thrown(call)));
      out.errors = inner.resume() as Error[];
      c.send(7);
      out.after = c.recv();
    });
    await s.run();
    expect(out.errors).toHaveLength(blockingCalls.length);
    for (const e of out.errors!) {
      expect(e).toBeInstanceOf(NotInFiberError);
      expect(e.message).toContain('in a Fiber that no Scheduler spawned');
    }
    expect(out.after).toBe(7);
  });

  test('blocking calls inside a microtask of a scheduler fiber cannot hang the fiber', async () => {
    // A promise callback never runs inside the fiber (microtasks drain on the
    // main stack), so the call is simply "outside of a fiber".
    const s = new Scheduler();
    let inMicrotask: unknown;
    s.spawn(() => {
      void Promise.resolve().then(() => {
        inMicrotask = thrown(() => ch.recv());
      });
    });
    await s.run();
    expect(inMicrotask).toBeInstanceOf(NotInFiberError);
  });

  test('a blocking call in a microtask that runs inside the fiber is refused while others are ready; the queue is kept', async () => {
    // A vm context with microtaskMode 'afterEvaluate' drains its own queue
    // synchronously, inside the fiber: parking there is refused (the switch
    // to the next ready fiber must not happen), and everything is put back.
    const s = new Scheduler();
    const c = new Channel<string>(0, { name: 'c' });
    const log: string[] = [];
    const out: { error?: unknown; after?: boolean } = {};
    s.spawn(() => {
      const ctx = vm.createContext({ c, out, yieldNow }, { microtaskMode: 'afterEvaluate' });
      vm.runInContext('Promise.resolve().then(() => { try { c.recv(); out.after = true } catch (e) { out.error = e } })', ctx);
      log.push('a after refusal');
      yieldNow();
      log.push('a again');
      log.push(`a got ${c.recv()}`);
    });
    s.spawn(() => log.push('b'));
    s.spawn(() => {
      log.push('c');
      c.send('from c');
    });
    await s.run();
    expect(out.error).toBeInstanceOf(YieldInMicrotaskError);
    expect(out.after).toBeUndefined();
    expect(log).toEqual(['a after refusal', 'b', 'c', 'a again', 'a got from c']);
    expect(c.trySend('x')).toBe(false); // no receiver was left behind
  });

  test('a wait() refused in a microtask that runs inside the fiber: its promise settling later wakes nobody', async () => {
    // wait() reuses one set of promise reactions per fiber; a refused wait
    // must kill its set, or its promise's late reaction would wake the
    // fiber's next wait with the wrong value.
    const s = new Scheduler();
    let settleFirst!: (v: string) => void;
    const first = new Promise<string>((r) => (settleFirst = r));
    const out: { error?: unknown; second?: string } = {};
    s.spawn(() => {
      const ctx = vm.createContext({ wait, first, out }, { microtaskMode: 'afterEvaluate' });
      vm.runInContext('Promise.resolve().then(() => { try { wait(first) } catch (e) { out.error = e } })', ctx);
      setImmediate(() => settleFirst('first, settled late'));
      // settled two loop turns on, always after `first` (a timer could come first under qemu)
      out.second = wait(new Promise<string>((r) => setImmediate(() => setImmediate(() => r('second')))));
    });
    await s.run();
    expect(out.error).toBeInstanceOf(YieldInMicrotaskError);
    expect(out.second).toBe('second');
  });

  test('capacity: TypeError for non-numbers, RangeError for negative / fractional / huge', () => {
    expect(() => new Channel('3' as unknown as number)).toThrow(TypeError);
    expect(() => new Channel(null as unknown as number)).toThrow('Channel capacity must be a number, got null');
    for (const bad of [-1, 1.5, NaN, Infinity, MAX_CHANNEL_CAPACITY + 1]) {
      expect(() => new Channel(bad)).toThrow(RangeError);
    }
    expect(() => new Channel(-1)).toThrow(`Channel capacity must be an integer from 0 (unbuffered) to ${MAX_CHANNEL_CAPACITY}, got -1`);
    expect(new Channel(MAX_CHANNEL_CAPACITY).capacity).toBe(MAX_CHANNEL_CAPACITY);
    expect(() => new Channel(0, { name: 5 as unknown as string })).toThrow(TypeError);
  });

  test('spawn of a non-function, or of an async function: TypeError', () => {
    const s = new Scheduler();
    for (const bad of [undefined, null, 42, 'fn', {}]) {
      expect(() => s.spawn(bad as unknown as () => void)).toThrow(TypeError);
    }
    expect(() => spawn(null as unknown as () => void)).toThrow('spawn() needs a function, got null');
    expect(() => s.spawn(async () => 1)).toThrow(/synchronous function/);
    expect(() => s.spawn(() => 1, { name: 3 as unknown as string })).toThrow(TypeError);
    expect(s.size).toBe(0);
  });

  test('bad scheduler options: TypeError / RangeError', () => {
    expect(() => new Scheduler({ seed: 1.5 })).toThrow(TypeError);
    expect(() => new Scheduler({ deadlockGraceMs: -1 })).toThrow(RangeError);
    expect(() => new Scheduler({ batchBudgetMs: 0 })).toThrow(RangeError);
    expect(() => new Scheduler({ name: 1 as unknown as string })).toThrow(TypeError);
  });

  test('closed channels: send / trySend / close again throw ChannelClosedError with the channel named', () => {
    const c = new Channel<number>(2, { name: 'done' });
    c.close();
    const e = thrown(() => c.trySend(1));
    expect(e).toBeInstanceOf(ChannelClosedError);
    expect(e.message).toBe(`send on a closed channel (channel ${c.id} "done")`);
    expect(e.channelId).toBe(c.id);
    expect(e.channelName).toBe('done');
    expect(() => c.close()).toThrow(`close of a closed channel (channel ${c.id} "done")`);
  });

  test('an error thrown by a spawned fiber never crashes the process: run() rejects', async () => {
    const s = new Scheduler();
    s.spawn(() => {
      throw 'a string, not an Error';
    });
    await expect(s.run()).rejects.toMatchObject({
      name: 'SpawnedFiberError',
      message: 'fiber 1 threw a string, not an Error',
      cause: 'a string, not an Error',
    });
  });
});

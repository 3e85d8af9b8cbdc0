/** The scheduler: FIFO order, determinism, event-loop batches, deadlock, failure policy. */
import {
  Channel,
  DeadlockError,
  FiberCancelledError,
  Scheduler,
  SpawnedFiberError,
  getDefaultScheduler,
  run,
  select,
  sleep,
  spawn,
  yieldNow,
} from '../../lib/csp';
import { Fiber } from '../../lib/fiber';
import { FiberError } from '../../lib/errors';
import { assertBuilt, delay, macrotask, rejection } from './helpers';

beforeAll(assertBuilt);

/** A small program mixing spawns from fibers, buffered/unbuffered channels, select and yields. */
async function tracedProgram(seed: number): Promise<string[]> {
  const s = new Scheduler({ seed });
  const trace: string[] = [];
  const work = new Channel<number>(2, { name: 'work' });
  const out = new Channel<string>(0, { name: 'out' });
  const quit = new Channel<void>();
  s.spawn(() => {
    for (let i = 0; i < 6; i++) {
      work.send(i);
      trace.push(`P sent ${i}`);
    }
    work.close();
    trace.push('P closed');
  }, { name: 'producer' });
  for (const w of ['W1', 'W2']) {
    s.spawn(() => {
      s.spawn(() => trace.push(`${w}'s helper ran`));
      for (const j of work) {
        trace.push(`${w} took ${j}`);
        if (j % 2) yieldNow();
        out.send(`${w}:${j}`);
      }
      trace.push(`${w} done`);
      quit.send();
    }, { name: w });
  }
  s.spawn(() => {
    let quits = 0;
    while (quits < 2) {
      const r = select([out.recvCase(), quit.recvCase()]);
      if (r.index === 0) trace.push(`C got ${r.value}`);
      else quits++;
    }
    trace.push('C done');
  }, { name: 'collector' });
  await s.run();
  return trace;
}

describe('scheduler', () => {
  test('the same program gives the identical trace twice (and with the same seed)', async () => {
    const first = await tracedProgram(3);
    const second = await tracedProgram(3);
    expect(second).toEqual(first);
    expect(first.filter((l) => l.startsWith('C got')).length).toBe(6);
  });

  test('a small program has exactly the expected FIFO interleaving', async () => {
    const s = new Scheduler();
    const trace: string[] = [];
    const ch = new Channel<number>();
    s.spawn(() => {
      trace.push('A1');
      ch.send(1); // parks: nobody receives yet
      trace.push('A2');
      yieldNow();
      trace.push('A3');
    });
    s.spawn(() => {
      trace.push('B1');
      s.spawn(() => trace.push('D1')); // spawned from a fiber: queued behind C
      yieldNow();
      trace.push(`B2 got ${ch.recv()}`); // takes A's value, A becomes ready
      trace.push('B3');
    });
    s.spawn(() => {
      trace.push('C1');
      yieldNow();
      trace.push('C2');
    });
    await s.run();
    expect(trace).toEqual(['A1', 'B1', 'C1', 'D1', 'B2 got 1', 'B3', 'C2', 'A2', 'A3']);
  });

  test('fibers run in batches from macrotasks: timers and immediates run between batches', async () => {
    const s = new Scheduler({ batchBudgetMs: 2 });
    let ticks = 0;
    const interval = setInterval(() => ticks++, 1);
    let rounds = 0;
    s.spawn(() => {
      // 40 rounds of 1 ms busy work split by yields (a count, not a time
      // window, so a slow machine cannot shrink it): with a 2 ms batch budget
      // the loop gets a turn about every other round; without those turns
      // the interval could not tick at all
      for (let i = 0; i < 40; i++) {
        const until = Date.now() + 1;
        while (Date.now() < until);
        rounds++;
        yieldNow();
      }
    });
    let syncAfterSpawn = true;
    s.spawn(() => {
      // spawn never runs a fiber synchronously
      expect(syncAfterSpawn).toBe(false);
    });
    syncAfterSpawn = false;
    await s.run();
    clearInterval(interval);
    expect(rounds).toBe(40);
    expect(ticks).toBeGreaterThan(5); // ~1 per batch (~20 batches); loose because CI machines are loaded
  });

  test('fibers switching straight into each other still end the batch on budget', async () => {
    // Two busy fibers hand over to each other (no trip through the batch
    // loop while both are ready): the budget must still end batches, so
    // the interval ticks between them.
    const s = new Scheduler({ batchBudgetMs: 2 });
    let ticks = 0;
    const interval = setInterval(() => ticks++, 1);
    const order: string[] = [];
    for (const name of ['a', 'b']) {
      s.spawn(() => {
        for (let i = 0; i < 20; i++) {
          const until = Date.now() + 1;
          while (Date.now() < until);
          order.push(name);
          yieldNow();
        }
      });
    }
    await s.run();
    clearInterval(interval);
    expect(order).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 'a' : 'b')));
    expect(ticks).toBeGreaterThan(5); // ~1 per batch (~20 batches); loose because CI machines are loaded
  });

  test('run() with nothing spawned resolves; the scheduler is reusable after a round', async () => {
    const s = new Scheduler();
    await s.run();
    const h = s.spawn(() => 'first');
    await s.run();
    expect(h.state).toBe('done');
    expect(h.result).toBe('first');
    const h2 = s.spawn(() => 'second');
    expect(h2.id).toBe(2);
    expect(h2.state).toBe('ready');
    await s.run();
    expect(h2.result).toBe('second');
    expect(s.size).toBe(0);
  });

  test('top-level spawn() and run() use the default scheduler', async () => {
    const ch = new Channel<number>();
    let got = 0;
    spawn(() => ch.send(5));
    spawn(() => (got = ch.recv()));
    expect(getDefaultScheduler().size).toBe(2);
    await run();
    expect(got).toBe(5);
  });

  test('a bare Fiber.yield() inside a spawned fiber acts like yieldNow()', async () => {
    const s = new Scheduler();
    const trace: string[] = [];
    s.spawn(() => {
      trace.push('A1');
      const back = Fiber.yield('ignored');
      trace.push(`A2 ${String(back)}`);
    });
    s.spawn(() => trace.push('B'));
    await s.run();
    expect(trace).toEqual(['A1', 'B', 'A2 undefined']);
  });

  describe('deadlock', () => {
    test('DeadlockError names every blocked fiber and channel; blocked fibers are cancelled', async () => {
      const s = new Scheduler({ name: 'pipeline' });
      const jobs = new Channel<number>(0, { name: 'jobs' });
      const results = new Channel<number>(1, { name: 'results' });
      const anon = new Channel<number>();
      const finallyRan: string[] = [];
      s.spawn(() => 'finishes');
      s.spawn(() => {
        try {
          jobs.recv();
        } finally {
          finallyRan.push('worker');
        }
      }, { name: 'worker' });
      s.spawn(() => {
        results.send(1);
        results.send(2); // full
      }, { name: 'writer' });
      s.spawn(() => {
        select([anon.recvCase()]);
      });
      s.spawn(() => {
        // worker is parked on jobs by now, so the send case completes and wakes it
        select([anon.recvCase(), jobs.sendCase(3)]);
      }, { name: 'sel' });
      const err = await rejection(s.run());
      expect(err).toBeInstanceOf(DeadlockError);
      expect(err).toBeInstanceOf(FiberError);
      expect(err.code).toBe('ERR_DEADLOCK');
      expect(err.message).toBe(
        'deadlock in scheduler "pipeline": 2 fibers are blocked forever: ' +
          `fiber 3 "writer" blocked in send on channel ${results.id} "results"; ` +
          `fiber 4 blocked in select on [recv channel ${anon.id}]`,
      );
      expect(err.blocked.map((b: any) => [b.fiberId, b.fiberName, b.op])).toEqual([
        [3, 'writer', 'send'],
        [4, undefined, 'select'],
      ]);
      expect(finallyRan).toEqual(['worker']); // it got sel's value and finished normally
      expect(s.size).toBe(0);
    });

    test('the message format for a recv: fiber N "name" blocked in recv on channel M "name"', async () => {
      const s = new Scheduler();
      const jobs = new Channel<number>(0, { name: 'jobs' });
      const log: string[] = [];
      s.spawn(() => {
        try {
          jobs.recv();
        } catch (e) {
          log.push(`${(e as Error).name}: ${(e as Error).message}`);
          // any further blocking call throws the same way at once
          try {
            jobs.recv();
          } catch (e2) {
            log.push((e2 as Error).name);
          }
          throw e;
        }
      }, { name: 'worker' });
      const err = await rejection(s.run());
      const expected = `fiber 1 "worker" blocked in recv on channel ${jobs.id} "jobs"`;
      expect(err.message).toBe(`deadlock in scheduler: 1 fiber is blocked forever: ${expected}`);
      expect(err.blocked[0].description).toBe(expected);
      expect(err.blocked[0].channels).toEqual([{ id: jobs.id, name: 'jobs', op: 'recv' }]);
      expect(log).toEqual([`FiberCancelledError: fiber 1 "worker" was cancelled: ${err.message}`, 'FiberCancelledError']);
    });

    test('sleeping or promise-waiting fibers are not deadlocked: the loop runs until they wake', async () => {
      const s = new Scheduler();
      const ch = new Channel<string>();
      s.spawn(() => ch.recv(), { name: 'blocked for 30 ms' });
      s.spawn(() => {
        sleep(30);
        ch.send('late');
      });
      await s.run();
    });

    test('no false deadlock while another scheduler is still working', async () => {
      const a = new Scheduler({ name: 'a' });
      const b = new Scheduler({ name: 'b' });
      const ch = new Channel<number>();
      a.spawn(() => ch.recv());
      b.spawn(() => {
        sleep(20);
        ch.send(1);
      });
      await Promise.all([a.run(), b.run()]);
    });

    test('deadlockGraceMs lets plain async code feed a blocked fiber later', async () => {
      // default grace 0: the verdict comes at the next macrotask, so a send
      // from plain async code after it is too late. (The send is made after
      // the verdict rather than on a timer: under qemu the first batch can
      // take longer than any short timer, which would then win the race.)
      const strict = new Scheduler();
      const ch1 = new Channel<number>();
      strict.spawn(() => ch1.recv());
      expect(await rejection(strict.run())).toBeInstanceOf(DeadlockError);
      await macrotask();
      expect(ch1.trySend(1)).toBe(false); // the cancelled fiber's waiter was withdrawn
      // with a grace period the same program completes
      const lenient = new Scheduler({ deadlockGraceMs: 500 });
      const ch2 = new Channel<number>();
      let got = 0;
      lenient.spawn(() => (got = ch2.recv()));
      const late2 = delay(30).then(() => ch2.sendAsync(7));
      await lenient.run();
      await late2;
      expect(got).toBe(7);
    });
  });

  describe('a fiber that throws', () => {
    test('run() rejects with SpawnedFiberError (cause = the error); other fibers are cancelled, unstarted ones dropped', async () => {
      const s = new Scheduler();
      const ch = new Channel<number>();
      const log: string[] = [];
      const boom = new Error('boom');
      const parked = s.spawn(() => {
        try {
          ch.recv();
        } catch (e) {
          log.push(`parked: ${(e as Error).name}`);
          expect((e as FiberCancelledError).cause).toBeInstanceOf(SpawnedFiberError);
        }
      });
      const failing = s.spawn(() => {
        log.push('failing runs');
        throw boom;
      }, { name: 'bad' });
      const neverStarted = s.spawn(() => log.push('never runs'));
      const err = await rejection(s.run());
      expect(err).toBeInstanceOf(SpawnedFiberError);
      expect(err.code).toBe('ERR_SPAWNED_FIBER');
      expect(err.message).toBe('fiber 2 "bad" threw Error: boom');
      expect(err.cause).toBe(boom);
      expect(err.fiberId).toBe(2);
      expect(log).toEqual(['failing runs', 'parked: FiberCancelledError']);
      expect([parked.state, failing.state, neverStarted.state]).toEqual(['cancelled', 'failed', 'cancelled']);
      // the scheduler can run a new round afterwards
      const again = s.spawn(() => 'ok');
      await s.run();
      expect(again.result).toBe('ok');
    });

    test('only the first error counts; a failure nobody awaited is reported by the next run()', async () => {
      const s = new Scheduler();
      const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        s.spawn(() => {
          throw new Error('first');
        });
        s.spawn(() => {
          throw new Error('second'); // never starts: the round stopped
        });
        await macrotask(); // the round fails in its first batch, before anyone calls run()
        expect(warn).toHaveBeenCalledTimes(1);
        expect(String(warn.mock.calls[0][0])).toContain('fiber 1 threw Error: first');
        const err = await rejection(s.run());
        expect(err.cause.message).toBe('first');
        await s.run(); // reported once only
      } finally {
        warn.mockRestore();
      }
    });
  });
});

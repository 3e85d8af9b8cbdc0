/** sleep() and wait(): only the calling fiber parks; timers, I/O and other fibers keep going. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Channel, Scheduler, sleep, wait, yieldNow } from '../../lib/csp';
import { assertBuilt, delay } from './helpers';

beforeAll(assertBuilt);

describe('sleep', () => {
  test('a sleeping fiber lets timers fire and other fibers run; wakes after roughly ms', async () => {
    const s = new Scheduler();
    let ticks = 0;
    const interval = setInterval(() => ticks++, 5);
    const log: string[] = [];
    let slept = 0;
    let ticksWhileAsleep = 0;
    s.spawn(() => {
      const t0 = Date.now();
      const before = ticks;
      sleep(60);
      slept = Date.now() - t0;
      ticksWhileAsleep = ticks - before;
      log.push('sleeper woke');
    });
    s.spawn(() => {
      for (let i = 0; i < 3; i++) {
        log.push(`busy ${i}`);
        yieldNow();
      }
    });
    await s.run();
    clearInterval(interval);
    // the busy fiber runs in the batch where the sleeper parks; whether its
    // later steps beat the 60 ms timer depends on the machine (under qemu
    // on a loaded machine they did not), so only the first is ordered
    expect(log[0]).toBe('busy 0');
    expect([...log].sort()).toEqual(['busy 0', 'busy 1', 'busy 2', 'sleeper woke']);
    expect(slept).toBeGreaterThanOrEqual(55); // timers may fire a ms early by Date.now()
    expect(ticksWhileAsleep).toBeGreaterThanOrEqual(1); // intervals coalesce on a loaded machine
  });

  test('sleepers wake in deadline order; sleep(0) still yields to the loop', async () => {
    // Deadlines are taken when each sleep() starts: on a slow machine (or
    // under emulation) fibers start sleeping at visibly different times, so
    // the order to expect is that of the deadlines, not of the delays.
    const s = new Scheduler({ batchBudgetMs: 60_000 });
    const woke: { ms: number; deadline: number }[] = [];
    for (const ms of [300, 100, 200, 0]) {
      s.spawn(() => {
        const deadline = performance.now() + ms;
        sleep(ms);
        woke.push({ ms, deadline });
      });
    }
    let immediateRan = false;
    s.spawn(() => {
      setImmediate(() => (immediateRan = true));
      const deadline = performance.now();
      sleep(0);
      woke.push({ ms: immediateRan ? -1 : -2, deadline });
    });
    await s.run();
    expect(woke.map((w) => w.ms).sort((a, b) => a - b)).toEqual([-1, 0, 100, 200, 300]);
    // timers have 1 ms granularity: deadlines closer than that may swap
    for (let i = 1; i < woke.length; i++) expect(woke[i].deadline).toBeGreaterThan(woke[i - 1].deadline - 1);
  });

  test('bad delays: TypeError / RangeError', async () => {
    const s = new Scheduler();
    const errors: unknown[] = [];
    s.spawn(() => {
      for (const bad of ['5', -1, NaN, Infinity, 2 ** 31]) {
        try {
          sleep(bad as number);
        } catch (e) {
          errors.push((e as Error).name);
        }
      }
    });
    await s.run();
    expect(errors).toEqual(['TypeError', 'RangeError', 'RangeError', 'RangeError', 'RangeError']);
  });

  test('a sleeper cancelled by another fiber failing has its timer cleared', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const s = new Scheduler();
    let sleeping = 0;
    s.spawn(() => sleep(3_600_000));
    s.spawn(() => {
      sleeping = timers() - before;
      throw new Error('boom');
    });
    await expect(s.run()).rejects.toThrow('boom');
    expect(sleeping).toBe(1); // the hour-long timer was there while it slept
    expect(timers()).toBe(before); // and went with the cancellation
  });
});

describe('wait', () => {
  test('a tight loop of waits on settled promises (wake-ups microseconds apart) still lets the event loop turn', async () => {
    // Wake-ups this close together skip most clock readings (every 8th
    // reads it): the budget must still end each window.
    const s = new Scheduler({ batchBudgetMs: 1 });
    let turns = 0;
    let done = false;
    const tick = (): void => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    let turnsDuringLoop = 0;
    s.spawn(() => {
      const first = turns;
      // 50,000 waits: well over 1 ms anywhere (about 12 ms here, x64)
      for (let i = 0; i < 50_000; i++) if (wait(Promise.resolve(i)) !== i) throw new Error('wrong value');
      turnsDuringLoop = turns - first;
    });
    await s.run();
    done = true;
    expect(turnsDuringLoop).toBeGreaterThanOrEqual(2);
  });

  test('waits on settled promises resume from their reaction, never inside a user callback, yet the event loop still gets its turns', async () => {
    // A fiber woken by a promise runs again from that promise's reaction,
    // as an await continuation would, not a whole loop turn later, and
    // never inside the user's promise callback; but those batches share
    // their macrotask batch's budget, so a long stream of such waits still
    // lets timers run (where an async function awaiting in a loop would
    // hold the loop forever).
    const s = new Scheduler({ batchBudgetMs: 2 });
    let ticks = 0;
    const interval = setInterval(() => ticks++, 1);
    let waits = 0;
    let insideCallback = false;
    const order: string[] = [];
    s.spawn(() => {
      // 200 waits with 0.2 ms of work before each (a count, not a time
      // window, so a slow machine cannot shrink it): 40 ms, ~20 windows
      for (let i = 0; i < 200; i++) {
        const busyUntil = performance.now() + 0.2;
        while (performance.now() < busyUntil);
        const p = Promise.resolve(waits).then((v) => {
          insideCallback = true;
          queueMicrotask(() => (insideCallback = false));
          return v;
        });
        if (wait(p) !== waits) throw new Error('wrong value');
        if (insideCallback) throw new Error('resumed inside the promise callback chain');
        waits++;
      }
    });
    await s.run();
    clearInterval(interval);
    expect(waits).toBe(200);
    expect(ticks).toBeGreaterThan(5); // ~1 per 2 ms window; loose for loaded machines

    // within the window, a woken fiber runs before a macrotask queued earlier
    const s2 = new Scheduler({ batchBudgetMs: 60_000 });
    s2.spawn(() => {
      setImmediate(() => order.push('immediate'));
      wait(Promise.resolve());
      order.push('woken');
    });
    await s2.run();
    await new Promise(setImmediate);
    expect(order).toEqual(['woken', 'immediate']);
  });

  test('a woken fiber continues where an await continuation would: in the same microtask checkpoint, in reaction order', async () => {
    const s = new Scheduler({ batchBudgetMs: 60_000 });
    const order: string[] = [];
    let resolve!: (v: number) => void;
    const p = new Promise<number>((r) => (resolve = r));
    s.spawn(() => {
      order.push(`fiber got ${wait(p)}`);
    });
    await new Promise(setImmediate); // the fiber's batch ran first: it waits on p now
    const awaiting = (async () => {
      order.push(`async got ${await p}`);
    })();
    setImmediate(() => {
      process.nextTick(() => order.push('nextTick'));
      resolve(1);
      void Promise.resolve().then(() => order.push('microtask queued after the resolve'));
      setImmediate(() => order.push('next macrotask'));
    });
    await s.run();
    await awaiting;
    await new Promise(setImmediate);
    await new Promise(setImmediate);
    expect(order).toEqual([
      'nextTick',
      'fiber got 1',
      'async got 1',
      'microtask queued after the resolve',
      'next macrotask',
    ]);
  });

  test('resolved, rejected and slow promises, while a setInterval ticks and fs I/O completes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-csp-'));
    const file = path.join(dir, 'data.txt');
    const s = new Scheduler();
    let ticks = 0;
    const interval = setInterval(() => ticks++, 2);
    const out: Record<string, unknown> = {};
    let ioDone = false;
    // plain async I/O running at the same time as the waiting fibers
    const io = (async () => {
      await fs.promises.writeFile(file, 'x'.repeat(100_000));
      const text = await fs.promises.readFile(file, 'utf8');
      ioDone = text.length === 100_000;
    })();
    s.spawn(() => {
      out.resolved = wait(Promise.resolve(41)) + 1;
      out.plainValue = wait(7);
      try {
        wait(Promise.reject(new TypeError('nope')));
      } catch (e) {
        out.rejected = `${(e as Error).name}: ${(e as Error).message}`;
      }
      const before = ticks;
      out.slow = wait(delay(50).then(() => 'slow done'));
      out.ticksDuringSlow = ticks - before;
      // a fiber can wait on real I/O too
      out.read = wait(fs.promises.readFile(__filename, 'utf8')).includes('wait(');
    });
    let otherRuns = 0;
    s.spawn(() => {
      for (let i = 0; i < 10; i++) {
        otherRuns++;
        sleep(1);
      }
    });
    await s.run();
    await io;
    clearInterval(interval);
    fs.rmSync(dir, { recursive: true });
    expect(out.resolved).toBe(42);
    expect(out.plainValue).toBe(7);
    expect(out.rejected).toBe('TypeError: nope');
    expect(out.slow).toBe('slow done');
    expect(out.ticksDuringSlow as number).toBeGreaterThanOrEqual(1);
    expect(out.read).toBe(true);
    expect(otherRuns).toBe(10);
    expect(ioDone).toBe(true);
  });

  test('a fiber waiting on a promise is not deadlocked, even with others blocked on channels', async () => {
    const s = new Scheduler();
    const ch = new Channel<string>();
    let got = '';
    s.spawn(() => (got = ch.recv()));
    s.spawn(() => ch.send(wait(delay(40).then(() => 'from the promise'))));
    await s.run();
    expect(got).toBe('from the promise');
  });

  test('thenables work; a late settlement of a cancelled wait is ignored', async () => {
    const s = new Scheduler();
    let value: unknown;
    s.spawn(() => {
      const thenable = { then: (res: (v: string) => void) => void setTimeout(() => res('thenable'), 5) };
      value = wait(thenable as unknown as PromiseLike<string>);
    });
    await s.run();
    expect(value).toBe('thenable');

    // a fiber parked in wait() is cancelled when another fiber fails; the promise settles later
    const s2 = new Scheduler();
    let resolveLate!: (v: string) => void;
    const late = new Promise<string>((r) => (resolveLate = r));
    const log: string[] = [];
    s2.spawn(() => {
      try {
        wait(late);
        log.push('returned?!');
      } catch (e) {
        log.push((e as Error).name);
      }
    });
    s2.spawn(() => {
      sleep(5);
      throw new Error('fail');
    });
    await expect(s2.run()).rejects.toThrow('threw Error: fail');
    resolveLate('too late');
    await delay(5);
    expect(log).toEqual(['FiberCancelledError']);
  });
});

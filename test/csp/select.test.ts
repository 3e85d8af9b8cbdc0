/** select(): blocking, default, closed cases, seeded choice, withdrawal of losing cases. */
import { Channel, ChannelClosedError, Scheduler, select, yieldNow } from '../../lib/csp';
import { assertBuilt } from './helpers';

beforeAll(assertBuilt);

describe('select', () => {
  test('blocks until one case can complete; reports which and the value', async () => {
    const s = new Scheduler();
    const a = new Channel<number>();
    const b = new Channel<string>();
    const got: unknown[] = [];
    s.spawn(() => {
      for (let i = 0; i < 2; i++) {
        const r = select([a.recvCase(), b.recvCase()]);
        if (r.index === 0 && r.ok) {
          const n: number = r.value; // typed by case
          got.push(['a', n]);
        } else if (r.index === 1 && r.ok) {
          const str: string = r.value;
          got.push(['b', str]);
        }
      }
    });
    s.spawn(() => {
      yieldNow();
      b.send('hello');
      a.send(42);
    });
    await s.run();
    expect(got).toEqual([
      ['b', 'hello'],
      ['a', 42],
    ]);
  });

  test('a parked select withdraws its losing cases (they never consume a value)', async () => {
    const s = new Scheduler();
    const a = new Channel<number>();
    const b = new Channel<number>();
    const log: string[] = [];
    s.spawn(() => {
      const r = select([a.recvCase(), b.recvCase()]);
      log.push(`select got case ${r.index}`);
    });
    s.spawn(() => {
      yieldNow();
      a.send(1);
      // b's waiter from the select must be gone: trySend finds no receiver
      log.push(`trySend on b: ${b.trySend(2)}`);
    });
    await s.run();
    expect(log).toEqual(['trySend on b: false', 'select got case 0']);
  });

  test('send cases: completes the one with a receiver', async () => {
    const s = new Scheduler();
    const out1 = new Channel<string>();
    const out2 = new Channel<string>();
    const got: string[] = [];
    s.spawn(() => {
      const r = select([out1.sendCase('one'), out2.sendCase('two')]);
      got.push(`sent via case ${r.index} (${r.kind})`);
    });
    s.spawn(() => got.push(out2.recv()));
    await s.run();
    expect(got).toEqual(['two', 'sent via case 1 (send)']);
  });

  test('default: never blocks, inside or outside fibers', async () => {
    const ch = new Channel<number>(1);
    expect(select([ch.recvCase()], { default: true })).toEqual({ index: -1, kind: 'default' });
    expect(select([ch.sendCase(5)], { default: true })).toEqual({ index: 0, kind: 'send' });
    expect(select([ch.sendCase(6)], { default: true })).toEqual({ index: -1, kind: 'default' }); // full
    expect(select([ch.recvCase()], { default: true })).toEqual({ index: 0, kind: 'recv', ok: true, value: 5 });
    expect(select([], { default: true })).toEqual({ index: -1, kind: 'default' });
    const s = new Scheduler();
    const log: string[] = [];
    s.spawn(() => {
      let spins = 0;
      for (;;) {
        const r = select([ch.recvCase()], { default: true });
        if (r.kind === 'default') {
          spins++;
          yieldNow();
        } else {
          log.push(`got ${r.ok ? r.value : 'closed'} after ${spins} spins`);
          return;
        }
      }
    });
    s.spawn(() => {
      yieldNow();
      yieldNow();
      ch.send(9); // A spun once before B's first turn, then once per B yield
    });
    await s.run();
    expect(log).toEqual(['got 9 after 3 spins']);
  });

  test('closed channels: a recv case fires with ok false; a send case throws', async () => {
    const s = new Scheduler();
    const closed = new Channel<number>();
    closed.close();
    const never = new Channel<number>();
    const seen: unknown[] = [];
    s.spawn(() => {
      seen.push(select([never.recvCase(), closed.recvCase()]));
      try {
        select([closed.sendCase(1)]);
      } catch (e) {
        seen.push(e instanceof ChannelClosedError);
      }
    });
    // a select parked on a send case whose channel is closed meanwhile
    const later = new Channel<number>();
    s.spawn(() => {
      try {
        select([later.sendCase(1), never.recvCase()]);
      } catch (e) {
        seen.push((e as Error).message);
      }
    });
    s.spawn(() => later.close());
    await s.run();
    expect(seen).toEqual([
      { index: 1, kind: 'recv', ok: false, value: undefined },
      true,
      `select case 0: channel closed while a send was blocked on it (channel ${later.id})`,
    ]);
  });

  /** Which case wins, over 300 selects with both cases always ready. */
  async function choices(seed: number): Promise<number[]> {
    const s = new Scheduler({ seed });
    const a = new Channel<string>(1000);
    const b = new Channel<string>(1000);
    for (let i = 0; i < 300; i++) {
      a.trySend('a');
      b.trySend('b');
    }
    const picks: number[] = [];
    s.spawn(() => {
      for (let i = 0; i < 300; i++) picks.push(select([a.recvCase(), b.recvCase()]).index);
    });
    await s.run();
    return picks;
  }

  test('choice among ready cases is seeded: same seed, same picks; both cases get picked', async () => {
    const one = await choices(7);
    expect(await choices(7)).toEqual(one);
    const other = await choices(8);
    expect(other).not.toEqual(one);
    const zeros = one.filter((i) => i === 0).length;
    expect(zeros).toBeGreaterThan(100); // no starvation of either case
    expect(zeros).toBeLessThan(200);
  });

  test('bad cases are TypeErrors; no cases without default is a RangeError', () => {
    const ch = new Channel<number>();
    expect(() => select([{ kind: 'recv', channel: {} } as any])).toThrow(TypeError);
    expect(() => select([ch.recvCase(), 42 as any])).toThrow(/case 1 is not a case/);
    expect(() => select('x' as any)).toThrow(TypeError);
    expect(() => select([])).toThrow(RangeError);
  });
});

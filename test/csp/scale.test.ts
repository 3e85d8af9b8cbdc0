/** Many fibers parked on channels at once, then released. */
import { Channel, DeadlockError, Scheduler, select } from '../../lib/csp';
import { fiberStats } from '../../lib';
import { assertBuilt, macrotask, rejection } from './helpers';

beforeAll(assertBuilt);

describe('scale', () => {
  test('10,000 fibers blocked on one channel, then released; all finish', async () => {
    const N = 10_000;
    const s = new Scheduler();
    const gate = new Channel<number>(0, { name: 'gate' });
    const done = new Channel<number>(N);
    let parked = 0;
    for (let i = 0; i < N; i++) {
      s.spawn(() => {
        parked++;
        const v = gate.recv();
        done.send(v + i);
      });
    }
    const running = s.run();
    while (parked < N) await macrotask();
    expect(s.size).toBe(N);
    expect(fiberStats().active).toBeGreaterThanOrEqual(N);
    // release them from plain async code: each sendAsync hands to the oldest receiver
    const sends: Promise<void>[] = [];
    for (let i = 0; i < N; i++) sends.push(gate.sendAsync(1));
    await Promise.all(sends);
    await running;
    expect(done.length).toBe(N);
    let sum = 0;
    for (let r = done.tryRecv(); r.ok; r = done.tryRecv()) sum += r.value;
    expect(sum).toBe(N + (N * (N - 1)) / 2);
    expect(s.size).toBe(0);
  });

  test('10,000 fibers in a chain of unbuffered channels (each passes the value on)', async () => {
    const N = 10_000;
    const s = new Scheduler();
    const first = new Channel<number>();
    let prev = first;
    for (let i = 0; i < N; i++) {
      const from = prev;
      const to = new Channel<number>();
      s.spawn(() => to.send(from.recv() + 1));
      prev = to;
    }
    const last = prev;
    let result = 0;
    s.spawn(() => {
      first.send(0);
      result = last.recv();
    });
    await s.run();
    expect(result).toBe(N);
  });

  test('10,000 fibers parked in select, released by closing one channel', async () => {
    const N = 10_000;
    const s = new Scheduler();
    const never = new Channel<number>();
    const stop = new Channel<void>();
    let released = 0;
    for (let i = 0; i < N; i++) {
      s.spawn(() => {
        const r = select([never.recvCase(), stop.recvCase()]);
        if (r.index === 1 && !r.ok) released++;
      });
    }
    s.spawn(() => stop.close());
    await s.run();
    expect(released).toBe(N);
    // their waiters on `never` were withdrawn, not leaked
    expect(never.trySend(1)).toBe(false);
  });

  test('a deadlock among 10,000 fibers is reported (and they are all cancelled)', async () => {
    const N = 10_000;
    const s = new Scheduler();
    const ch = new Channel<number>();
    for (let i = 0; i < N; i++) s.spawn(() => ch.recv());
    const err = await rejection(s.run());
    expect(err).toBeInstanceOf(DeadlockError);
    expect(err.blocked.length).toBe(N);
    expect(s.size).toBe(0);
  });
});

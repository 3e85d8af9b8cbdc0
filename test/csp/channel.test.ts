/** Channels between fibers: rendezvous, buffering, close, iteration, fan-in/out. */
import { Channel, ChannelClosedError, Scheduler, yieldNow } from '../../lib/csp';
import { FiberError } from '../../lib/errors';
import { assertBuilt, rejection } from './helpers';

beforeAll(assertBuilt);

describe('channels between fibers', () => {
  test('ping-pong between two fibers, in strict alternation', async () => {
    const s = new Scheduler();
    const ping = new Channel<number>(0, { name: 'ping' });
    const pong = new Channel<number>(0, { name: 'pong' });
    const log: string[] = [];
    s.spawn(() => {
      for (let i = 0; i < 5; i++) {
        ping.send(i);
        log.push(`A got ${pong.recv()}`);
      }
      ping.close();
    });
    s.spawn(() => {
      for (const v of ping) {
        log.push(`B got ${v}`);
        pong.send(v * 10);
      }
      log.push('B done');
    });
    await s.run();
    expect(log).toEqual([
      'B got 0', 'A got 0',
      'B got 1', 'A got 10',
      'B got 2', 'A got 20',
      'B got 3', 'A got 30',
      'B got 4', 'A got 40',
      'B done',
    ]);
  });

  test('unbuffered send completes only when a receiver takes the value', async () => {
    const s = new Scheduler();
    const ch = new Channel<string>();
    const log: string[] = [];
    s.spawn(() => {
      log.push('send start');
      ch.send('x');
      log.push('send done');
    });
    s.spawn(() => {
      for (let i = 0; i < 3; i++) {
        log.push(`other ${i}`);
        yieldNow();
      }
      log.push(`recv ${ch.recv()}`);
    });
    await s.run();
    // the sender stays blocked through the receiver's three yields
    expect(log).toEqual(['send start', 'other 0', 'other 1', 'other 2', 'recv x', 'send done']);
  });

  test('producer/consumer: every value arrives once, in order; any JS value travels by identity', async () => {
    const s = new Scheduler();
    const ch = new Channel<{ n: number }>(3);
    const sent: { n: number }[] = [];
    const got: { n: number }[] = [];
    s.spawn(() => {
      for (let n = 0; n < 100; n++) {
        const v = { n };
        sent.push(v);
        ch.send(v);
      }
      ch.close();
    });
    s.spawn(() => {
      for (const v of ch) got.push(v);
    });
    await s.run();
    expect(got.length).toBe(100);
    got.forEach((v, i) => expect(v).toBe(sent[i]));
    const odd = new Channel<unknown>(4);
    const values = [undefined, null, Symbol('s'), () => 1];
    for (const v of values) expect(odd.trySend(v)).toBe(true);
    for (const v of values) expect(odd.tryRecv()).toEqual({ ok: true, value: v });
  });

  test('buffered channel: FIFO order, sender blocks only when full', async () => {
    const s = new Scheduler();
    const ch = new Channel<number>(2);
    const log: string[] = [];
    s.spawn(() => {
      for (let i = 1; i <= 4; i++) {
        ch.send(i);
        log.push(`sent ${i} (len ${ch.length})`);
      }
      ch.close();
    });
    s.spawn(() => {
      log.push('receiver starts');
      for (const v of ch) log.push(`recv ${v}`);
    });
    await s.run();
    expect(log).toEqual([
      'sent 1 (len 1)',
      'sent 2 (len 2)',
      'receiver starts', // the sender blocked on 3: the buffer was full
      'recv 1', // frees a slot: 3 moves into the buffer, the sender is woken (queued)
      'recv 2',
      'recv 3',
      'sent 3 (len 0)', // the receiver parked on the empty buffer, so the sender runs
      'sent 4 (len 0)', // handed straight to the parked receiver, never buffered
      'recv 4',
    ]);
  });

  test('fan-out to 4 workers and fan-in of their results', async () => {
    const s = new Scheduler();
    const jobs = new Channel<number>(0, { name: 'jobs' });
    const results = new Channel<[number, number]>(0, { name: 'results' });
    const done = new Channel<void>();
    const W = 4;
    const N = 200;
    for (let w = 0; w < W; w++) {
      s.spawn(() => {
        for (const j of jobs) results.send([w, j * j]);
        done.send();
      }, { name: `worker ${w}` });
    }
    s.spawn(() => {
      for (let j = 0; j < N; j++) jobs.send(j);
      jobs.close();
    });
    s.spawn(() => {
      for (let w = 0; w < W; w++) done.recv();
      results.close();
    });
    const squares: number[] = [];
    const perWorker = new Array(W).fill(0);
    s.spawn(() => {
      for (const [w, sq] of results) {
        squares.push(sq);
        perWorker[w]++;
      }
    });
    await s.run();
    expect(squares.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, j) => j * j));
    // the FIFO scheduler spreads the work: every worker did some
    for (const n of perWorker) expect(n).toBeGreaterThan(0);
  });

  test('close: receivers drain the buffer, then recv throws and recvOrDone reports done', async () => {
    const s = new Scheduler();
    const ch = new Channel<number>(3, { name: 'c' });
    ch.trySend(1);
    ch.trySend(2);
    ch.close();
    expect(ch.closed).toBe(true);
    const seen: unknown[] = [];
    s.spawn(() => {
      seen.push(ch.recv());
      seen.push(ch.recvOrDone());
      seen.push(ch.recvOrDone());
      try {
        ch.recv();
      } catch (e) {
        seen.push(e);
      }
    });
    await s.run();
    expect(seen.slice(0, 3)).toEqual([1, { ok: true, value: 2 }, { ok: false, value: undefined }]);
    const err = seen[3] as ChannelClosedError;
    expect(err).toBeInstanceOf(ChannelClosedError);
    expect(err).toBeInstanceOf(FiberError);
    expect(err.code).toBe('ERR_CHANNEL_CLOSED');
    expect(err.message).toBe(`recv on a closed and drained channel (channel ${ch.id} "c")`);
    expect(ch.tryRecv()).toEqual({ ok: false, value: undefined, closed: true });
  });

  test('close wakes blocked receivers (done) and blocked senders (ChannelClosedError)', async () => {
    const s = new Scheduler();
    const rx = new Channel<number>();
    const tx = new Channel<number>(1);
    const log: string[] = [];
    for (const name of ['r1', 'r2']) {
      s.spawn(() => {
        const r = rx.recvOrDone();
        log.push(`${name} ${r.ok ? r.value : 'closed'}`);
      });
    }
    s.spawn(() => {
      tx.send(1); // buffered
      try {
        tx.send(2); // blocks: full
        log.push('sent 2 ?!');
      } catch (e) {
        log.push(`sender: ${(e as Error).name} ${(e as Error).message}`);
      }
    });
    s.spawn(() => {
      yieldNow(); // let everyone park first
      rx.close();
      tx.close();
      log.push('closed both');
    });
    await s.run();
    expect(log).toEqual([
      'closed both',
      'r1 closed',
      'r2 closed',
      `sender: ChannelClosedError channel closed while a send was blocked on it (channel ${tx.id})`,
    ]);
    // the buffered value is still there to drain
    expect(tx.tryRecv()).toEqual({ ok: true, value: 1 });
  });

  test('send on a closed channel, and closing twice, are ChannelClosedErrors (fiber and async)', async () => {
    const s = new Scheduler();
    const ch = new Channel<number>(1);
    ch.close();
    let inFiber: unknown;
    s.spawn(() => {
      try {
        ch.send(1);
      } catch (e) {
        inFiber = e;
      }
    });
    await s.run();
    expect(inFiber).toBeInstanceOf(ChannelClosedError);
    expect((inFiber as Error).message).toMatch(/^send on a closed channel/);
    expect(() => ch.trySend(1)).toThrow(ChannelClosedError);
    expect(() => ch.close()).toThrow(/close of a closed channel/);
    expect(await rejection(ch.sendAsync(1))).toBeInstanceOf(ChannelClosedError);
    expect(await rejection(ch.recvAsync())).toBeInstanceOf(ChannelClosedError);
  });

  test('for-of stops cleanly at close, also with break', async () => {
    const s = new Scheduler();
    const ch = new Channel<number>(10);
    for (let i = 0; i < 5; i++) ch.trySend(i);
    const firstTwo: number[] = [];
    const rest: number[] = [];
    s.spawn(() => {
      for (const v of ch) {
        firstTwo.push(v);
        if (firstTwo.length === 2) break;
      }
      ch.close();
      for (const v of ch) rest.push(v);
    });
    await s.run();
    expect(firstTwo).toEqual([0, 1]);
    expect(rest).toEqual([2, 3, 4]);
  });
});

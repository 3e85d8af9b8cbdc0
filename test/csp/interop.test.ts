/** Channels between fibers and plain async code, both directions; for await and for of. */
import { Channel, Scheduler, sleep, wait } from '../../lib/csp';
import { assertBuilt, delay, macrotask } from './helpers';

beforeAll(assertBuilt);

describe('fiber <-> async interop', () => {
  test('an async sender pends until a fiber receives; then its promise resolves', async () => {
    const ch = new Channel<string>(0, { name: 'handoff' });
    let settled = false;
    const sending = ch.sendAsync('hi').then(() => (settled = true));
    await macrotask();
    expect(settled).toBe(false); // a pending promise, not a fiber
    const s = new Scheduler();
    let got = '';
    s.spawn(() => {
      sleep(10);
      got = ch.recv();
    });
    await s.run();
    await sending;
    expect(got).toBe('hi');
    expect(settled).toBe(true);
  });

  test('a fiber blocked in recv is woken when an async function sends', async () => {
    const ch = new Channel<number>();
    const s = new Scheduler();
    const got: number[] = [];
    s.spawn(() => {
      got.push(ch.recv());
      got.push(ch.recv());
    });
    const running = s.run();
    await macrotask(); // the fiber has parked by now
    await ch.sendAsync(1); // resolves once the fiber took it
    await ch.sendAsync(2);
    await running;
    expect(got).toEqual([1, 2]);
  });

  test('a fiber blocked in send is released by an async receiver', async () => {
    const ch = new Channel<number>();
    const s = new Scheduler();
    const log: string[] = [];
    s.spawn(() => {
      for (let i = 0; i < 3; i++) {
        ch.send(i);
        log.push(`fiber sent ${i}`);
      }
      ch.close();
    });
    const running = s.run();
    await macrotask();
    for await (const v of ch) log.push(`async got ${v}`);
    await running;
    expect(log.filter((l) => l.startsWith('async'))).toEqual(['async got 0', 'async got 1', 'async got 2']);
    expect(log.filter((l) => l.startsWith('fiber'))).toEqual(['fiber sent 0', 'fiber sent 1', 'fiber sent 2']);
  });

  test('request/response: async client, fiber server, over two channels', async () => {
    const requests = new Channel<{ n: number; reply: Channel<number> }>(0, { name: 'requests' });
    const s = new Scheduler();
    s.spawn(() => {
      for (const req of requests) {
        sleep(1); // a fiber may block however it likes between messages
        req.reply.send(req.n * 2);
      }
    }, { name: 'server' });
    const running = s.run();
    const answers: number[] = [];
    for (let n = 1; n <= 5; n++) {
      const reply = new Channel<number>();
      await requests.sendAsync({ n, reply });
      answers.push(await reply.recvAsync());
    }
    requests.close();
    await running;
    expect(answers).toEqual([2, 4, 6, 8, 10]);
  });

  test('buffered: async producer and fiber consumer, with for await on the way back', async () => {
    const up = new Channel<number>(4);
    const down = new Channel<number>(4);
    const s = new Scheduler();
    s.spawn(() => {
      for (const v of up) down.send(v + 100);
      down.close();
    });
    const running = s.run();
    const producer = (async () => {
      for (let i = 0; i < 20; i++) await up.sendAsync(i);
      up.close();
    })();
    const got: number[] = [];
    for await (const v of down) got.push(v);
    await producer;
    await running;
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i + 100));
  });

  test('recvOrDoneAsync and recvAsync at close; async receivers waiting at close', async () => {
    const ch = new Channel<number>(1);
    const pending = [ch.recvOrDoneAsync(), ch.recvAsync().catch((e: Error) => e.name)];
    ch.close();
    expect(await Promise.all(pending)).toEqual([{ ok: false, value: undefined }, 'ChannelClosedError']);
  });

  test('an async sender blocked at close rejects with ChannelClosedError', async () => {
    const ch = new Channel<number>();
    const p = ch.sendAsync(1);
    ch.close();
    await expect(p).rejects.toMatchObject({ name: 'ChannelClosedError', code: 'ERR_CHANNEL_CLOSED' });
  });

  test('a fiber can use the async API through wait()', async () => {
    const ch = new Channel<number>();
    const s = new Scheduler();
    let got = 0;
    s.spawn(() => {
      got = wait(ch.recvAsync());
    });
    const running = s.run();
    await delay(5);
    await ch.sendAsync(9);
    await running;
    expect(got).toBe(9);
  });
});

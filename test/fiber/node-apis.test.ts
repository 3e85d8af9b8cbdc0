/** Node's own APIs called from inside fibers, with yields between calls. */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { Fiber } from '../../lib';

describe('Node APIs inside fibers', () => {
  test('fs.readFileSync / writeFileSync', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-fiber-'));
    const file = path.join(dir, 'data.txt');
    const f = new Fiber(() => {
      fs.writeFileSync(file, 'hello from a fiber');
      Fiber.yield('written');
      const text = fs.readFileSync(file, 'utf8');
      Fiber.yield(text);
      return fs.readdirSync(dir);
    });
    expect(f.resume()).toBe('written');
    expect(f.resume()).toBe('hello from a fiber');
    expect(f.resume()).toEqual(['data.txt']);
    fs.rmSync(dir, { recursive: true });
  });

  test('zlib.gzipSync / gunzipSync round trip', () => {
    const input = Buffer.from('switchyard '.repeat(10_000));
    const f = new Fiber(() => {
      const packed = zlib.gzipSync(input);
      const unpacked = Fiber.yield<Buffer>(packed);
      return zlib.gunzipSync(unpacked);
    });
    const packed = f.resume() as Buffer;
    expect(packed.length).toBeLessThan(input.length);
    expect((f.resume(packed) as Buffer).equals(input)).toBe(true);
  });

  test('crypto.createHash, randomBytes, pbkdf2Sync', () => {
    const f = new Fiber(() => {
      const h = crypto.createHash('sha256');
      for (let i = 0; i < 10; i++) {
        h.update(String(i));
        Fiber.yield(i);
      }
      const rnd = crypto.randomBytes(32);
      const key = crypto.pbkdf2Sync('pw', 'salt', 1000, 32, 'sha256');
      return [h.digest('hex'), rnd.length, key.toString('hex')];
    });
    let r: unknown = f.resume();
    while (!f.done) r = f.resume();
    const expected = crypto.createHash('sha256').update('0123456789').digest('hex');
    const key = crypto.pbkdf2Sync('pw', 'salt', 1000, 32, 'sha256').toString('hex');
    expect(r).toEqual([expected, 32, key]);
  });

  test('many fibers doing Node calls interleaved', () => {
    const fibers = Array.from({ length: 100 }, (_, i) =>
      new Fiber(() => {
        const a = zlib.deflateSync(Buffer.alloc(1000, i));
        Fiber.yield();
        const b = crypto.createHash('md5').update(a).digest('hex');
        Fiber.yield();
        return zlib.inflateSync(a).length + b.length;
      }),
    );
    for (let round = 0; round < 3; round++) for (const f of fibers) f.resume();
    expect(fibers.every((f) => f.done)).toBe(true);
  });

  test('a fiber resumed from timers and setImmediate callbacks', async () => {
    const f = new Fiber(() => {
      let n = 0;
      for (;;) n += Fiber.yield<number>(n);
    });
    f.resume(0);
    await new Promise<void>((resolve) => setTimeout(() => (f.resume(1), resolve()), 5));
    await new Promise<void>((resolve) => setImmediate(() => (f.resume(2), resolve())));
    expect(f.resume(3)).toBe(6);
  });
});

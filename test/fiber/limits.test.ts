/** Edges of the mechanism: stack overflow, exit with suspended fibers, backend selection. */
import * as vm from 'vm';
import { Fiber } from '../../lib';
import { DEFAULT_BACKEND, describeChild, runFixture } from './helpers';

describe('Fiber limits', () => {
  test('unbounded JS recursion in a fiber is a RangeError, catchable inside', () => {
    const f = new Fiber(() => {
      const recurse = (n: number): number => recurse(n + 1) + 1;
      try {
        recurse(0);
        return 'no error';
      } catch (e) {
        return e instanceof RangeError ? 'RangeError' : String(e);
      }
    });
    expect(f.resume()).toBe('RangeError');
  });

  test('an uncaught stack overflow in a fiber comes out of resume as RangeError', () => {
    const f = new Fiber(() => {
      const recurse = (n: number): number => recurse(n + 1) + 1;
      return recurse(0);
    });
    expect(() => f.resume()).toThrow(RangeError);
    expect(f.done).toBe(true);
    // and fibers keep working afterwards, on a reused carrier
    expect(new Fiber(() => Fiber.yield(1)).resume()).toBe(1);
  });

  test('stack overflow on a small stack and through native frames', () => {
    const f = new Fiber(
      () => {
        const viaNative = (n: number): number => [n].map((x) => viaNative(x + 1))[0];
        try {
          viaNative(0);
        } catch (e) {
          return e instanceof RangeError;
        }
        return false;
      },
      { stackSize: 256 * 1024 },
    );
    expect(f.resume()).toBe(true);
  });

  test('a vm timeout (TerminateExecution from a watchdog thread) inside a fiber', () => {
    const f = new Fiber(() => {
      try {
        vm.runInNewContext('for (;;);', {}, { timeout: 50 });
      } catch (e) {
        Fiber.yield((e as Error).message);
      }
      return 'after';
    });
    expect(f.resume()).toMatch(/timed out/);
    expect(f.resume()).toBe('after');
    const g = new Fiber(() => vm.runInNewContext('for (;;);', {}, { timeout: 50 }));
    expect(() => g.resume()).toThrow(/timed out/);
    expect(new Fiber(() => 'still fine').resume()).toBe('still fine');
  });

  test('heap snapshots inside a fiber and with fibers suspended', () => {
    const r = runFixture('heap-snapshot.js');
    if (r.status !== 0) throw new Error(describeChild(r));
    expect(r.json).toEqual({ ok: true });
  });

  test('the process exits cleanly (code 0) with fibers left suspended', () => {
    for (const flags of [[], ['--expose-gc']]) {
      const r = runFixture('exit-suspended.js', flags);
      if (r.status !== 0) throw new Error(describeChild(r));
      expect(r.json).toEqual({ ok: true, suspended: 101 });
    }
  });

  test('process.exit() inside a fiber exits with that code, exit handlers run', () => {
    const r = runFixture('exit-in-fiber.js');
    if (r.status !== 3) throw new Error(describeChild(r));
    expect(r.json).toEqual({ exitHandler: true, code: 3, inFiber: true });
  });

  test('fibers in worker threads; terminating a worker while a fiber runs', () => {
    const r = runFixture('workers.js');
    if (r.status !== 0) throw new Error(describeChild(r));
    expect(r.json).toEqual({ sums: [505000, 505000], exits: [0, 0], terminated: 1, mainSum: 505000 });
  });

  test('SWITCHYARD_FIBER_BACKEND selects the backend; unset gives the default for this Node', () => {
    const tls = runFixture('backend-env.js', [], { SWITCHYARD_FIBER_BACKEND: 'tls' });
    expect(tls.json).toEqual({ loaded: true, backend: 'tls' });
    const threads = runFixture('backend-env.js', [], { SWITCHYARD_FIBER_BACKEND: 'threads' });
    expect(threads.json).toEqual({ loaded: true, backend: 'threads' });
    const unset = runFixture('backend-env.js', [], { SWITCHYARD_FIBER_BACKEND: '' });
    expect(unset.json).toEqual({ loaded: true, backend: DEFAULT_BACKEND });
    const bogus = runFixture('backend-env.js', [], { SWITCHYARD_FIBER_BACKEND: 'bogus' });
    expect(bogus.json.loaded).toBe(false);
    expect(bogus.json.message).toMatch(/unknown SWITCHYARD_FIBER_BACKEND 'bogus'/);
  });
});

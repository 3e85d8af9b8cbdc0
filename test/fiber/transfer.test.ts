/**
 * transfer(): the scheduler's fiber-to-fiber switch (internal, lib/fiber.ts).
 * The fiber switched into takes over the running fiber's resumer, so what it
 * yields, returns or throws comes out of the resume() that started the
 * first one. These check the states, the values both ways, Fiber.current,
 * refusals that must leave everything as it was, and a long randomized ring
 * of transfers checked against a model, with GC running in between.
 */
import * as vm from 'vm';
import { Fiber, FiberStateError, NotInFiberError, YieldInMicrotaskError } from '../../lib';
import { canTransfer, transfer } from '../../lib/fiber';
import { native } from '../../lib/native';

const gc = (globalThis as { gc?: () => void }).gc;

if (!canTransfer) {
  test(`the ${native.backend} backend refuses transfer() with a FiberStateError`, () => {
    const b = new Fiber(() => 'b');
    const a = new Fiber(() => {
      try {
        transfer(b, 1);
      } catch (e) {
        return e;
      }
      return 'transferred';
    });
    const e = a.resume() as Error;
    expect(e).toBeInstanceOf(FiberStateError);
    expect(e.message).toContain(`${native.backend} backend cannot transfer`);
    expect(b.state).toBe('created');
  });
} else {
  describe('transfer()', () => {
    test('into a new fiber: it gets the value, and its yield comes out of the first fiber’s resume()', () => {
      const seen: unknown[] = [];
      const b: Fiber<unknown, unknown> = new Fiber((first) => {
        seen.push(['b starts', first, Fiber.current === b]);
        const again = Fiber.yield('from b');
        seen.push(['b again', again, Fiber.current === b]);
        return 'b done';
      });
      const a: Fiber<unknown, unknown> = new Fiber(() => {
        const back = transfer(b, 'to b');
        seen.push(['a back', back, Fiber.current === a]);
        return 'a done';
      });
      expect(a.resume()).toBe('from b');
      expect(Fiber.current).toBeUndefined();
      expect([a.state, b.state]).toEqual(['suspended', 'suspended']);
      // b returns: its result comes out of b's own resume
      expect(b.resume('b resumed')).toBe('b done');
      expect(b.done).toBe(true);
      // a is still parked in transfer(): a resume wakes it there
      expect(a.resume('a resumed')).toBe('a done');
      expect(a.done).toBe(true);
      expect(seen).toEqual([
        ['b starts', 'to b', true],
        ['b again', 'b resumed', true],
        ['a back', 'a resumed', true],
      ]);
      expect(native.stats().depth).toBe(0);
    });

    test('into a suspended fiber: its pending yield returns the value', () => {
      const b = new Fiber<unknown, unknown>(() => `b got ${String(Fiber.yield('b parked'))}`);
      expect(b.resume()).toBe('b parked');
      const a = new Fiber(() => transfer(b, 'hello'));
      expect(a.resume()).toBe('b got hello');
      expect(b.done).toBe(true);
      expect(a.state).toBe('suspended');
      expect(a.resume('late')).toBe('late');
    });

    test('a body ending after a transfer: its return value or exception comes out of the first resume()', () => {
      const b = new Fiber(() => 'b returned');
      const a = new Fiber(() => transfer(b));
      expect(a.resume()).toBe('b returned');
      expect(b.done).toBe(true);

      const boom = new Error('b threw');
      const c = new Fiber(() => {
        throw boom;
      });
      const d = new Fiber(() => transfer(c));
      let caught: unknown;
      try {
        d.resume();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBe(boom);
      expect(c.done).toBe(true);
      expect(d.state).toBe('suspended');
      // a finished transfer target gave its stack back; the parked one still runs
      expect(d.resume('d again')).toBe('d again');
    });

    test('throw() into a fiber parked in transfer(): the error comes out of transfer()', () => {
      const b = new Fiber(() => Fiber.yield('b'));
      const a: Fiber<unknown, unknown> = new Fiber((): unknown => {
        try {
          transfer(b);
        } catch (e) {
          return [(e as Error).message, Fiber.current === a];
        }
        return 'not thrown';
      });
      expect(a.resume()).toBe('b');
      expect(a.throw(new Error('into a'))).toEqual(['into a', true]);
    });

    test('nested: a fiber resumed by a fiber transfers; the value comes back to that fiber, not the thread', () => {
      const y = new Fiber(() => Fiber.yield('from y'));
      const x = new Fiber(() => transfer(y, 'x to y'));
      const outer: Fiber<unknown, unknown> = new Fiber(() => {
        const got = x.resume();
        return [got, Fiber.current === outer, native.stats().depth];
      });
      expect(outer.resume()).toEqual(['from y', true, 1]);
      expect([x.state, y.state, outer.state]).toEqual(['suspended', 'suspended', 'done']);
      expect(native.stats().depth).toBe(0);
    });

    test('refusals change nothing: outside a fiber, to itself, to a running resumer, to a finished fiber', () => {
      const done = new Fiber(() => 1);
      done.resume();
      expect(() => transfer(done)).toThrow(NotInFiberError);

      const results: unknown[] = [];
      const inner: Fiber<unknown, unknown> = new Fiber(() => {
        for (const target of [inner, outer, done]) {
          try {
            transfer(target, 'x');
            results.push('switched');
          } catch (e) {
            results.push([(e as Error).constructor.name, (e as Error).message, Fiber.current === inner]);
          }
        }
        return 'inner still running';
      });
      const outer: Fiber<unknown, unknown> = new Fiber(() => inner.resume());
      expect(outer.resume()).toBe('inner still running');
      expect(results).toEqual([
        ['FiberStateError', 'a fiber cannot resume itself', true],
        ['FiberStateError', 'fiber is already running (it is resuming another fiber)', true],
        ['FiberStateError', 'fiber has already finished', true],
      ]);
      expect([inner.done, outer.done]).toEqual([true, true]);
    });

    test('refused inside a microtask that started in the fiber (YieldInMicrotaskError); the target is untouched', () => {
      const b = new Fiber(() => 'b ran');
      const a: Fiber<unknown, unknown> = new Fiber((): unknown => {
        const out: { error?: unknown; after?: boolean } = {};
        const ctx = vm.createContext({ transfer, b, out }, { microtaskMode: 'afterEvaluate' });
        vm.runInContext('Promise.resolve().then(() => { try { transfer(b); out.after = true } catch (e) { out.error = e } })', ctx);
        return [out, Fiber.current === a];
      });
      const [out, stillA] = a.resume() as [{ error?: unknown; after?: boolean }, boolean];
      expect(out.error).toBeInstanceOf(YieldInMicrotaskError);
      expect(out.after).toBeUndefined();
      expect(stillA).toBe(true);
      expect(b.state).toBe('created');
      expect(b.resume()).toBe('b ran');
    });

    test('inside five nested microtask queues: the target inherits the whole record, may yield back, and is refused inside a sixth', () => {
      // Five vm contexts with queues of their own, each running the next from
      // its microtask: five queues run when `a` is resumed, more than the
      // record keeps (kMaxQueues), and the transfer hands the count over.
      const ctxs = Array.from({ length: 5 }, () => vm.createContext({}, { microtaskMode: 'afterEvaluate' }));
      const nest = (i: number, inner: () => void): void => {
        if (i === ctxs.length) return inner();
        ctxs[i].next = () => nest(i + 1, inner);
        vm.runInContext('Promise.resolve().then(() => next())', ctxs[i]);
      };
      const got: unknown[] = [];
      nest(0, () => {
        const b = new Fiber<unknown, unknown>((first) => {
          // a yield inside a microtask of a sixth queue, started on this fiber
          const out: { code?: string } = {};
          const sixth = vm.createContext({ Fiber, out }, { microtaskMode: 'afterEvaluate' });
          vm.runInContext('Promise.resolve().then(() => { try { Fiber.yield(1) } catch (e) { out.code = e.code } })', sixth);
          return `b ${String(first)}, ${String(out.code)}, then ${String(Fiber.yield('b yielded'))}`;
        });
        const a = new Fiber(() => transfer(b, 'started'));
        got.push(a.resume(), b.resume('resumed'));
      });
      expect(got).toEqual(['b yielded', 'b started, ERR_YIELD_IN_MICROTASK, then resumed']);
    });

    test('randomized ring of transfers and yields, checked against a model, with GC in between', () => {
      // N fibers; each step the running fiber either transfers to a random
      // other parked fiber or yields to the thread, which then resumes a
      // random parked one. Every value handed over is checked on arrival.
      const N = 8;
      const STEPS = 3000;
      let seed = 12345;
      const rand = (n: number): number => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return (seed >>> 8) % n;
      };
      const errors: string[] = [];
      const expectIn = new Map<number, number>(); // fiber index -> value it must receive next
      let step = 0;
      const fibers: Fiber<number, number>[] = [];
      for (let i = 0; i < N; i++) {
        fibers.push(
          new Fiber<number, number>((first) => {
            let got = first;
            for (;;) {
              if (got !== expectIn.get(i)) errors.push(`fiber ${i} got ${got}, expected ${expectIn.get(i)}`);
              if (Fiber.current !== fibers[i]) errors.push(`fiber ${i}: Fiber.current is wrong`);
              if (step >= STEPS) return -i;
              step++;
              if (rand(3) > 0) {
                const j = (i + 1 + rand(N - 1)) % N;
                const v = step * 100 + j;
                expectIn.set(j, v);
                expectIn.set(i, -1); // set again by whoever wakes us
                got = transfer(fibers[j], v);
              } else {
                got = Fiber.yield(i);
              }
              if (step % 500 === 0 && gc) gc();
            }
          }),
        );
      }
      expectIn.set(0, 7);
      fibers[0].resume(7);
      for (;;) {
        const parked = fibers.filter((f) => !f.done);
        if (parked.length === 0) break;
        const k = fibers.indexOf(parked[rand(parked.length)]);
        const v = 1e7 + step;
        expectIn.set(k, v);
        fibers[k].resume(v);
      }
      expect(errors).toEqual([]);
      expect(fibers.every((f) => f.done)).toBe(true);
      expect(native.stats().depth).toBe(0);
    });
  });
}

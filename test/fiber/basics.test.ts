/** Fiber semantics: values both ways, depth, nesting, exceptions, state. */
import { Fiber, FiberStateError, fiberBackend } from '../../lib';
import { DEFAULT_BACKEND } from './helpers';

describe('Fiber basics', () => {
  test('the default backend (tls) is active unless another is requested', () => {
    const expected = process.env.SWITCHYARD_FIBER_BACKEND || DEFAULT_BACKEND;
    expect(fiberBackend).toBe(expected);
    expect(Fiber.backend).toBe(expected);
  });

  test('resume/yield pass values both ways', () => {
    const seen: unknown[] = [];
    const f = new Fiber<number, string>((first) => {
      seen.push(first);
      const second = Fiber.yield<number>(`a${first}`);
      seen.push(second);
      const third = Fiber.yield<number>(`b${second}`);
      seen.push(third);
      return `end${third}`;
    });
    expect(f.state).toBe('created');
    expect(f.resume(1)).toBe('a1');
    expect(f.state).toBe('suspended');
    expect(f.resume(2)).toBe('b2');
    expect(f.done).toBe(false);
    expect(f.resume(3)).toBe('end3');
    expect(f.done).toBe(true);
    expect(f.state).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
  });

  test('objects cross the switch by identity; undefined when nothing is passed', () => {
    const sent = { a: 1 };
    let got: unknown;
    const f = new Fiber((x) => {
      got = x;
      const back = Fiber.yield(sent);
      return [back, Fiber.yield()];
    });
    const y = f.resume(sent);
    expect(got).toBe(sent);
    expect(y).toBe(sent);
    f.resume();
    expect(f.resume('last')).toEqual([undefined, 'last']);
  });

  test('yield from 1,000 frames deep, several times', () => {
    function deep(n: number): number {
      if (n === 0) return Fiber.yield<number>('bottom');
      return deep(n - 1) + 1;
    }
    const f = new Fiber(() => {
      let total = 0;
      for (let i = 0; i < 3; i++) total += deep(1000);
      return total;
    });
    expect(f.resume()).toBe('bottom');
    expect(f.resume(0)).toBe('bottom');
    expect(f.resume(0)).toBe('bottom');
    expect(f.resume(0)).toBe(3000);
  });

  test('yield through native frames (Array#map, JSON.parse reviver, sort)', () => {
    const f = new Fiber(() => {
      const mapped = [1, 2, 3].map((x) => Fiber.yield<number>(x) * 10);
      const parsed = JSON.parse('{"a":1,"b":2}', (k, v) => (k === 'b' ? Fiber.yield('reviver') : v));
      const sorted = [3, 1, 2].sort((a, b) => (Fiber.yield('cmp'), a - b));
      return { mapped, parsed, sorted };
    });
    expect(f.resume()).toBe(1);
    expect(f.resume(1)).toBe(2);
    expect(f.resume(2)).toBe(3);
    expect(f.resume(3)).toBe('reviver');
    let r: any = f.resume('B');
    while (r === 'cmp') r = f.resume();
    expect(r).toEqual({ mapped: [10, 20, 30], parsed: { a: 1, b: 'B' }, sorted: [1, 2, 3] });
  });

  test('nested fibers: a fiber resumes another; current tracks the running one', () => {
    const log: string[] = [];
    const inner = new Fiber<number, number>((x) => {
      expect(Fiber.current).toBe(inner);
      log.push(`inner start ${x}`);
      const y = Fiber.yield<number>(x * 2);
      log.push(`inner got ${y}`);
      return y + 1;
    });
    const outer = new Fiber<number, number>((x) => {
      expect(Fiber.current).toBe(outer);
      const a = inner.resume(x);
      expect(Fiber.current).toBe(outer);
      log.push(`outer got ${a}`);
      const b = Fiber.yield<number>(a); // outer suspends while inner is suspended
      const c = inner.resume(b);
      return c;
    });
    expect(Fiber.current).toBeUndefined();
    expect(outer.resume(5)).toBe(10);
    expect(Fiber.current).toBeUndefined();
    expect(outer.resume(7)).toBe(8);
    expect(inner.done && outer.done).toBe(true);
    expect(log).toEqual(['inner start 5', 'outer got 10', 'inner got 7']);
  });

  test('a suspended inner fiber can be resumed later by the main stack', () => {
    const inner = new Fiber(() => Fiber.yield('i1') + '!');
    const outer = new Fiber(() => inner.resume());
    expect(outer.resume()).toBe('i1');
    expect(outer.done).toBe(true);
    expect(inner.resume('x')).toBe('x!');
  });

  test('deep nesting: 50 fibers each resuming the next', () => {
    const fibers: Fiber<number, number>[] = [];
    for (let i = 0; i < 50; i++) {
      fibers.push(
        new Fiber<number, number>((x) => {
          const next = fibers[i + 1];
          const v = next ? next.resume(x + 1) : Fiber.yield<number>(x);
          return v + 1;
        }),
      );
    }
    // the innermost yields 49 to its resumer; each of the 49 outer ones adds 1 as it returns
    expect(fibers[0].resume(0)).toBe(98);
    expect(fibers.slice(0, 49).every((f) => f.done)).toBe(true);
    expect(fibers[49].state).toBe('suspended');
    expect(fibers[49].resume(100)).toBe(101);
  });

  test('try/catch/finally across yields', () => {
    const log: string[] = [];
    const f = new Fiber(() => {
      try {
        try {
          Fiber.yield('in try');
          throw new Error('thrown after a yield');
        } finally {
          log.push('inner finally');
          Fiber.yield('in finally');
        }
      } catch (e) {
        log.push(`caught ${(e as Error).message}`);
        Fiber.yield('in catch');
      } finally {
        log.push('outer finally');
      }
      return 'done';
    });
    expect(f.resume()).toBe('in try');
    expect(f.resume()).toBe('in finally');
    expect(f.resume()).toBe('in catch');
    expect(f.resume()).toBe('done');
    expect(log).toEqual(['inner finally', 'caught thrown after a yield', 'outer finally']);
  });

  test('an exception in the body comes out of resume with its original stack', () => {
    function throwsInside(): never {
      throw new TypeError('from inside');
    }
    let inside: unknown;
    const f = new Fiber(() => {
      Fiber.yield(1);
      try {
        throwsInside();
      } catch (e) {
        inside = e;
        throw e;
      }
    });
    f.resume();
    let outside: unknown;
    try {
      f.resume();
    } catch (e) {
      outside = e;
    }
    expect(outside).toBe(inside);
    expect(outside).toBeInstanceOf(TypeError);
    expect((outside as Error).stack).toContain('throwsInside');
    expect(f.done).toBe(true);
  });

  test('non-Error values thrown out of a fiber keep their identity', () => {
    const token = { reason: 'custom' };
    const f = new Fiber(() => {
      throw token;
    });
    expect(() => f.resume()).toThrow();
    try {
      new Fiber(() => {
        throw token;
      }).resume();
    } catch (e) {
      expect(e).toBe(token);
    }
  });

  test('fiber.throw(err) is catchable at the yield point', () => {
    const err = new Error('sent in');
    const f = new Fiber(() => {
      try {
        Fiber.yield('waiting');
        return 'not reached';
      } catch (e) {
        expect(e).toBe(err);
        return Fiber.yield('caught') + ' after';
      }
    });
    expect(f.resume()).toBe('waiting');
    expect(f.throw(err)).toBe('caught');
    expect(f.resume('resumed')).toBe('resumed after');
  });

  test('fiber.throw(err) not caught inside comes back out, the fiber is done', () => {
    const err = new Error('uncaught inside');
    const f = new Fiber(() => {
      Fiber.yield();
    });
    f.resume();
    expect(() => f.throw(err)).toThrow(err);
    expect(f.done).toBe(true);
  });

  test('fiber.throw on a fiber that never started: body skipped, error thrown back', () => {
    let ran = false;
    const f = new Fiber(() => {
      ran = true;
    });
    const err = new Error('early');
    expect(() => f.throw(err)).toThrow(err);
    expect(ran).toBe(false);
    expect(f.done).toBe(true);
  });

  test('fibers created inside fibers, finishing in any order', () => {
    const f = new Fiber(() => {
      const kids = [0, 1, 2].map((i) => new Fiber<number, number>((x) => Fiber.yield<number>(i) + x));
      const first = kids.map((k) => k.resume(0));
      const ends = [kids[2].resume(10), kids[0].resume(20), kids[1].resume(30)];
      return [...first, ...ends];
    });
    expect(f.resume()).toEqual([0, 1, 2, 10, 20, 30]);
  });

  test('stack size option', () => {
    const f = new Fiber(() => 1, { stackSize: 300 * 1024 });
    expect(f.stackSize).toBeGreaterThanOrEqual(300 * 1024);
    expect(new Fiber(() => 1).stackSize).toBe(1024 * 1024);
    expect(f.resume()).toBe(1);
    expect(() => new Fiber(() => 1, { stackSize: 1024 })).toThrow(RangeError);
  });

  test('resuming a finished fiber is a FiberStateError', () => {
    const f = new Fiber(() => 1);
    f.resume();
    expect(() => f.resume()).toThrow(FiberStateError);
    try {
      f.resume();
    } catch (e) {
      expect((e as FiberStateError).code).toBe('ERR_FIBER_STATE');
    }
  });
});

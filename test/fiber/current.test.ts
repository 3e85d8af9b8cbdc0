/**
 * Fiber.current and resume() without a JS wrapper: Fiber extends the addon's
 * NativeFiber, so resume()/throw() are the native methods, and the fiber's
 * own side of each switch (body start and end, Fiber.yield) keeps
 * Fiber.current. These cover the paths that side has to get right.
 */
import * as vm from 'vm';
import { Fiber } from '../../lib';
import { native } from '../../lib/native';

describe('Fiber.current, kept by the fiber side', () => {
  test('resume() and throw() are the native methods themselves', () => {
    expect(Fiber.prototype.resume).toBe(native.NativeFiber.prototype.resume);
    expect(Fiber.prototype.throw).toBe(native.NativeFiber.prototype.throw);
    const f = new Fiber(() => 1);
    expect(f).toBeInstanceOf(native.NativeFiber);
    expect(f.resume()).toBe(1);
  });

  test('throw() into a suspended fiber: current while it handles the error, its resumer after', () => {
    const seen: unknown[] = [];
    const f: Fiber<unknown, string> = new Fiber(() => {
      try {
        Fiber.yield('first');
      } catch (e) {
        seen.push(Fiber.current === f, (e as Error).message);
        Fiber.yield('caught');
      }
      seen.push(Fiber.current === f);
      return 'end';
    });
    expect(f.resume()).toBe('first');
    expect(Fiber.current).toBeUndefined();
    expect(f.throw(new Error('boom'))).toBe('caught');
    expect(Fiber.current).toBeUndefined();
    expect(f.resume()).toBe('end');
    expect(Fiber.current).toBeUndefined();
    expect(seen).toEqual([true, 'boom', true]);
  });

  test('a body that throws, and one that never catches a throw(), leave its resumer current', () => {
    const outer: Fiber<unknown, string> = new Fiber(() => {
      const thrower = new Fiber(() => {
        throw new Error('from the body');
      });
      expect(() => thrower.resume()).toThrow('from the body');
      expect(Fiber.current).toBe(outer);
      const uncaught = new Fiber(() => Fiber.yield(1));
      uncaught.resume();
      expect(() => uncaught.throw(new Error('not caught'))).toThrow('not caught');
      expect(Fiber.current).toBe(outer);
      return 'ok';
    });
    expect(outer.resume()).toBe('ok');
    expect(Fiber.current).toBeUndefined();
  });

  test('a fiber resumed by different resumers returns control, and current, to each', () => {
    const inner: Fiber<unknown, unknown> = new Fiber(() => {
      for (;;) Fiber.yield(Fiber.current === inner);
    });
    const a: Fiber<unknown, unknown> = new Fiber(() => {
      const r = inner.resume();
      return [r, Fiber.current === a];
    });
    expect(a.resume()).toEqual([true, true]); // inner starts under a
    expect(inner.resume()).toBe(true); // then is resumed from the thread's own stack
    expect(Fiber.current).toBeUndefined();
    const b: Fiber<unknown, unknown> = new Fiber(() => [inner.resume(), Fiber.current === b]);
    expect(b.resume()).toEqual([true, true]);
    expect(Fiber.current).toBeUndefined();
  });

  test('a refused yield leaves the fiber current', () => {
    // a vm context with its own queue runs the microtask inside the fiber (as in errors.test.ts)
    const f: Fiber<unknown, unknown> = new Fiber(() => {
      const out: unknown[] = [];
      const ctx = vm.createContext({ Fiber, out, isF: () => Fiber.current === f }, { microtaskMode: 'afterEvaluate' });
      vm.runInContext('Promise.resolve().then(() => { try { Fiber.yield(1) } catch (e) { out.push(e.code, isF()) } })', ctx);
      out.push(Fiber.current === f);
      return out;
    });
    expect(f.resume()).toEqual(['ERR_YIELD_IN_MICROTASK', true, true]);
    expect(Fiber.current).toBeUndefined();
  });
});

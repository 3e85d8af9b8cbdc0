/**
 * switchyard/fibers: the `fibers` 5.x Fiber API and its semantics, as fibers'
 * README and source define them (fibers' own suite runs in
 * fibers-suite.test.ts; these cover what it does not).
 */
import { AsyncLocalStorage } from 'async_hooks';
import { spawnSync } from 'child_process';
import fc from 'fast-check';
import * as path from 'path';
import { Fiber as CoreFiber } from '../../lib';
import Fiber = require('../../lib/fibers-compat/fibers');
import { assertBuilt, ROOT } from './helpers';

const ZOMBIE = 'This Fiber is a zombie';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
  return 'no error';
}

describe('Fiber(fn)', () => {
  test('works with and without new; the result is a Fiber either way', () => {
    const a = Fiber(() => 1);
    const b = new Fiber(() => 2);
    expect(a).toBeInstanceOf(Fiber);
    expect(b).toBeInstanceOf(Fiber);
    expect([a.run(), b.run()]).toEqual([1, 2]);
  });

  test('anything but exactly one function is a TypeError', () => {
    const call = Fiber as unknown as (...args: unknown[]) => unknown;
    expect(message(() => call())).toBe('TypeError: Fiber expects 1 argument');
    expect(message(() => call(() => 1, () => 2))).toBe('TypeError: Fiber expects 1 argument');
    expect(message(() => call(42))).toBe('TypeError: Fiber expects a function');
    expect(message(() => new (Fiber as any)({}))).toBe('TypeError: Fiber expects a function');
  });

  test('a fiber object has no own properties, so code may key its own data on it', () => {
    const f = Fiber(() => Fiber.yield());
    expect(Object.keys(f)).toEqual([]);
    f.run();
    expect(Object.getOwnPropertyNames(f)).toEqual([]);
    (f as any).mine = 1;
    expect(Object.keys(f)).toEqual(['mine']);
    f.run();
  });

  test('fn runs with this = the global object, strict or not', () => {
    let sloppy: unknown;
    let strict: unknown;
    Fiber(function (this: unknown) {
      sloppy = this;
    }).run();
    Fiber(function (this: unknown) {
      'use strict';
      strict = this;
    }).run();
    expect(sloppy).toBe(globalThis);
    expect(strict).toBe(globalThis);
  });

  test("the first run(v) passes v to fn only if it was given one", () => {
    const counts: number[] = [];
    const f = Fiber(function (...args: unknown[]) {
      counts.push(args.length);
    });
    f.run();
    f.run(undefined);
    f.run(7);
    expect(counts).toEqual([0, 1, 1]);
  });

  test('can be subclassed', () => {
    class Named extends Fiber {
      constructor(readonly label: string, fn: () => unknown) {
        super(fn);
      }
    }
    const n = new Named('x', () => Fiber.current);
    expect(n).toBeInstanceOf(Named);
    expect(n.label).toBe('x');
    expect(n.run()).toBe(n);
  });

  test('methods called on something that is not a fiber throw a TypeError', () => {
    expect(message(() => Fiber.prototype.run.call(null))).toMatch(/^TypeError: Fiber.prototype.run called on/);
    expect(message(() => Fiber.prototype.throwInto.call({}, 1))).toMatch(/^TypeError/);
    expect(message(() => Fiber.prototype.reset.call(undefined))).toMatch(/^TypeError/);
    expect(Fiber.prototype.started).toBeUndefined();
  });
});

describe('run, yield and the life of a fiber', () => {
  test('values travel both ways; the return value ends it', () => {
    const f = Fiber((start: number) => {
      let total = start;
      for (;;) {
        const add = Fiber.yield(total) as number;
        if (add === 0) return `total ${total}`;
        total += add;
      }
    });
    expect(f.run(1)).toBe(1);
    expect(f.run(2)).toBe(3);
    expect(f.run(3)).toBe(6);
    expect(f.run(0)).toBe('total 6');
  });

  test('a finished fiber is back in its initial state and run() starts fn again', () => {
    let starts = 0;
    const f = Fiber(() => {
      starts++;
      Fiber.yield('mid');
      return 'end';
    });
    expect(f.started).toBe(false);
    expect(f.run()).toBe('mid');
    expect(f.started).toBe(true);
    expect(f.run()).toBe('end');
    expect(f.started).toBe(false);
    expect(f.run()).toBe('mid');
    expect(starts).toBe(2);
    expect(f.run()).toBe('end');
  });

  test("fn's exception comes out of run() and also leaves the fiber restartable", () => {
    let n = 0;
    const boom = new Error('boom');
    const f = Fiber(() => {
      if (n++ === 0) throw boom;
      return 'second';
    });
    expect(() => f.run()).toThrow(boom);
    expect(f.started).toBe(false);
    expect(f.run()).toBe('second');
  });

  test("run() on a running fiber: 'This Fiber is already running', from itself or from a fiber it runs", () => {
    const self = Fiber(() => message(() => Fiber.current!.run()));
    expect(self.run()).toBe('Error: This Fiber is already running');
    const outer = Fiber(() => Fiber(() => message(() => outer.run())).run());
    expect(outer.run()).toBe('Error: This Fiber is already running');
  });

  test('run() and yield() take at most one argument', () => {
    const f = Fiber(() => message(() => (Fiber.yield as any)(1, 2)));
    expect(message(() => (f.run as any)(1, 2))).toBe('TypeError: run() expects 1 or no arguments');
    expect(f.run()).toBe('TypeError: yield() expects 1 or no arguments');
  });

  test("Fiber.yield() outside a fiber: 'yield() called with no fiber running'", () => {
    expect(message(() => Fiber.yield())).toBe('Error: yield() called with no fiber running');
  });

  test('Fiber.current: undefined on the main stack, the running fiber (the same object) inside, nested ones restore it', () => {
    expect(Fiber.current).toBeUndefined();
    const seen: unknown[] = [];
    const outer = Fiber(() => {
      seen.push(Fiber.current === outer);
      const inner = Fiber(() => {
        seen.push(Fiber.current === inner);
        Fiber.yield();
        seen.push(Fiber.current === inner);
      });
      inner.run();
      seen.push(Fiber.current === outer);
      Fiber.yield();
      inner.run();
      seen.push(Fiber.current === outer);
    });
    outer.run();
    expect(Fiber.current).toBeUndefined();
    outer.run();
    expect(seen).toEqual([true, true, true, true, true]);
  });

  test("inside a switchyard Fiber not made by this class, Fiber.current is undefined and Fiber.yield refuses", () => {
    const core = new CoreFiber(() => [Fiber.current, message(() => Fiber.yield())]);
    expect(core.resume()).toEqual([undefined, 'Error: yield() called with no fiber running']);
    // and a compat fiber inside a core one is current as usual
    const inCore = new CoreFiber(() => {
      const f = Fiber(() => Fiber.current === f);
      return f.run();
    });
    expect(inCore.resume()).toBe(true);
  });
});

describe('async context', () => {
  test('every start runs in the context of Fiber(fn), whoever calls run(); the caller keeps its own', () => {
    const als = new AsyncLocalStorage<string>();
    const fiber = als.run('at Fiber(fn)', () =>
      Fiber(() => {
        const first = als.getStore();
        als.enterWith('changed inside');
        Fiber.yield(first);
        return als.getStore();
      }),
    );
    const seen = als.run('caller', () => [fiber.run(), als.getStore(), fiber.run(), als.getStore()]);
    expect(seen).toEqual(['at Fiber(fn)', 'caller', 'changed inside', 'caller']);
    // a finished fiber starts again in the same context
    expect(als.run('another caller', () => fiber.run())).toBe('at Fiber(fn)');
    fiber.reset();
  });
});

describe('throwInto', () => {
  test("only into a yielding fiber: 'This Fiber is not yielding'", () => {
    const f = Fiber(() => message(() => f.throwInto(new Error('x'))));
    expect(message(() => f.throwInto(new Error('x')))).toBe('Error: This Fiber is not yielding');
    expect(f.run()).toBe('Error: This Fiber is not yielding');
  });

  test('the pending yield throws it; what the fiber does next comes back; an uncaught one comes back out', () => {
    const err = new Error('stop');
    const f = Fiber(() => {
      try {
        Fiber.yield('waiting');
      } catch (e) {
        Fiber.yield(`caught ${(e as Error).message}`);
      }
      Fiber.yield('again');
    });
    f.run();
    expect(f.throwInto(err)).toBe('caught stop');
    expect(f.run()).toBe('again');
    expect(() => f.throwInto(err)).toThrow(err);
    expect(f.started).toBe(false);
  });

  test('throwInto() with no argument throws undefined at the yield', () => {
    const f = Fiber(() => {
      try {
        Fiber.yield();
      } catch (e) {
        return ['caught', e];
      }
      return 'not thrown';
    });
    f.run();
    expect(f.throwInto()).toEqual(['caught', undefined]);
  });
});

describe('reset (zombie unwinding)', () => {
  test('a fiber never started: undefined, nothing happens', () => {
    let ran = false;
    const f = Fiber(() => {
      ran = true;
    });
    expect(f.reset()).toBeUndefined();
    expect(ran).toBe(false);
    expect(f.started).toBe(false);
  });

  test("a running fiber cannot be reset: 'This Fiber is not yielding'", () => {
    const f = Fiber(() => message(() => f.reset()));
    expect(f.run()).toBe('Error: This Fiber is not yielding');
  });

  test('the yield throws the zombie error; finally blocks run; the escaping zombie error makes reset() return undefined', () => {
    const log: string[] = [];
    const f = Fiber(() => {
      try {
        Fiber.yield();
      } catch (e) {
        log.push((e as Error).message);
        throw e;
      } finally {
        log.push('finally');
      }
    });
    f.run();
    expect(f.reset()).toBeUndefined();
    expect(log).toEqual([ZOMBIE, 'finally']);
    expect(f.started).toBe(false);
  });

  test('every later yield throws the same error at once, without switching; fn\'s return value is reset()\'s', () => {
    const errors = new Set<unknown>();
    let yields = 0;
    const f = Fiber(() => {
      for (let i = 0; i < 100; i++) {
        try {
          yields++;
          Fiber.yield(i);
        } catch (e) {
          errors.add(e);
        }
      }
      return 'unwound';
    });
    expect(f.run()).toBe(0);
    expect(f.reset()).toBe('unwound');
    expect(yields).toBe(100);
    expect(errors.size).toBe(1);
    expect((([...errors][0]) as Error).message).toBe(ZOMBIE);
    // not a zombie any more: it runs again normally
    expect(f.run()).toBe(0);
    expect(f.run()).toBe(1);
  });

  test('another error escaping while unwinding comes out of reset()', () => {
    const other = new Error('other');
    const f = Fiber(() => {
      try {
        Fiber.yield();
      } finally {
        // eslint-disable-next-line no-unsafe-finally
        throw other;
      }
    });
    f.run();
    expect(() => f.reset()).toThrow(other);
    expect(f.started).toBe(false);
  });

  test('a fiber being unwound can still run other fibers, which yield normally', () => {
    const inner = Fiber(() => {
      Fiber.yield('inner yielded');
      return 'inner done';
    });
    const f = Fiber(() => {
      try {
        Fiber.yield();
      } catch {
        return [inner.run(), inner.run()];
      }
      return 'no';
    });
    f.run();
    expect(f.reset()).toEqual(['inner yielded', 'inner done']);
  });
});

describe('garbage collection, as fibers does it', () => {
  const compat = path.join(ROOT, 'dist', 'lib', 'fibers-compat', 'fibers.js');
  const runGc = (body: string) =>
    spawnSync(process.execPath, ['--expose-gc', '-e', `const Fiber = require(${JSON.stringify(compat)});\n${body}`], {
      encoding: 'utf8',
      timeout: process.env.SWITCHYARD_EMULATED_NODE ? 600_000 : 60_000,
    });

  test('a dropped suspended fiber is unwound: its pending yield and every later one throw the zombie error, its finally blocks run', () => {
    assertBuilt();
    const r = runGc(`
      const seen = [];
      for (let i = 0; i < 50; i++) {
        Fiber(function () {
          try {
            Fiber.yield();
          } catch (e) {
            seen.push(e.message);
            try { Fiber.yield(); } catch (again) { seen.push(again.message); }
          } finally {
            seen.push('finally');
          }
        }).run();
      }
      gc();
      const done = () => seen.filter((s) => s === 'finally').length === 50;
      (function wait(n) {
        if (done() || n === 0) {
          const { fiberStats } = require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'index.js'))});
          console.log(JSON.stringify({ seen: [...new Set(seen)], count: seen.length, stats: fiberStats() }));
        } else { gc(); setTimeout(() => wait(n - 1), 10); }
      })(500);
    `);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.seen).toEqual([ZOMBIE, 'finally']);
    expect(out.count).toBe(150);
    expect(out.stats).toMatchObject({ active: 0, orphaned: 0 });
  });

  test('another error escaping a fiber being unwound ends the process with status 1 and says why', () => {
    assertBuilt();
    const r = runGc(`
      Fiber(function () {
        try { Fiber.yield(); } finally { throw new Error('thrown from finally'); }
      }).run();
      gc();
      // the second gc() collects the fiber; its unwind runs as a native
      // immediate in the next check phase, so two turns later the process
      // must have ended (counted in loop turns, not on a timer)
      setImmediate(() => { gc(); setImmediate(() => setImmediate(() => console.log('still running'))); });
    `);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('An exception was thrown from a Fiber which was being garbage collected');
    expect(r.stderr).toContain('thrown from finally');
  });
});

describe('statics and the shared class', () => {
  test('poolSize is 120 by default and settable; fibersCreated counts native stacks allocated', () => {
    expect(Fiber.poolSize).toBe(120);
    Fiber.poolSize = 100;
    expect(Fiber.poolSize).toBe(100);
    Fiber.poolSize = 120;
    const before = Fiber.fibersCreated;
    expect(typeof before).toBe('number');
    // many fibers suspended at once need stacks of their own
    const fibers = Array.from({ length: 80 }, () => Fiber(() => Fiber.yield()));
    for (const f of fibers) f.run();
    for (const f of fibers) f.run();
    expect(Fiber.fibersCreated).toBeGreaterThan(before);
  });

  test('the class is process.fiberLib, and every copy of the module returns it', () => {
    assertBuilt();
    const script = `
      const a = require(${JSON.stringify(path.join(ROOT, 'dist/lib/fibers-compat/fibers.js'))});
      const sameAsLib = process.fiberLib === a;
      for (const k of Object.keys(require.cache)) delete require.cache[k];
      const b = require(${JSON.stringify(path.join(ROOT, 'dist/lib/fibers-compat/fibers.js'))});
      const F1 = require(${JSON.stringify(path.join(ROOT, 'dist/lib/fibers-compat/future.js'))});
      for (const k of Object.keys(require.cache)) delete require.cache[k];
      const F2 = require(${JSON.stringify(path.join(ROOT, 'dist/lib/fibers-compat/future.js'))});
      let seen;
      a(() => { seen = b.current; }).run();
      console.log(JSON.stringify([sameAsLib, a === b, F1 === F2, seen !== undefined]));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([true, true, true, true]);
  });
});

describe('against a model (fast-check)', () => {
  // A body that yields `n` times (i, the number of yields so far), records
  // what each yield returned or threw (it catches everything), and returns
  // 'done'. Random run / throwInto / reset sequences are checked against
  // what fibers' semantics predict.
  type Op = { kind: 'run'; value: number } | { kind: 'throwInto'; value: number } | { kind: 'reset' };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('run' as const), value: fc.integer({ min: 0, max: 99 }) }),
    fc.record({ kind: fc.constant('throwInto' as const), value: fc.integer({ min: 0, max: 99 }) }),
    fc.constant({ kind: 'reset' as const }),
  );

  test('run / throwInto / reset sequences match the model', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.array(op, { maxLength: 30 }), (n, ops) => {
        const seen: string[] = [];
        const f = Fiber(() => {
          for (let i = 0; i < n; i++) {
            try {
              seen.push(`got ${Fiber.yield(i)}`);
            } catch (e) {
              seen.push(`caught ${e instanceof Error ? e.message : String(e)}`);
            }
          }
          return 'done';
        });
        const model = { started: false, i: 0, seen: [] as string[] };
        // the model's answer for resuming a started fiber after recording `entry`
        const advance = (entry: string): unknown => {
          model.seen.push(entry);
          model.i++;
          if (model.i < n) return model.i;
          model.started = false;
          return 'done';
        };
        for (const o of ops) {
          let actual: unknown;
          try {
            actual = o.kind === 'run' ? f.run(o.value) : o.kind === 'throwInto' ? f.throwInto(o.value) : f.reset();
          } catch (e) {
            actual = `threw ${(e as Error).message}`;
          }
          let expected: unknown;
          if (o.kind === 'run') {
            if (!model.started) {
              model.started = true;
              model.i = 0;
              expected = n > 0 ? 0 : ((model.started = false), 'done');
            } else expected = advance(`got ${o.value}`);
          } else if (o.kind === 'throwInto') {
            expected = model.started ? advance(`caught ${o.value}`) : 'threw This Fiber is not yielding';
          } else if (!model.started) {
            expected = undefined;
          } else {
            while (model.started) advance(`caught ${ZOMBIE}`);
            expected = 'done';
          }
          expect(actual).toEqual(expected);
          expect(f.started).toBe(model.started);
        }
        expect(seen).toEqual(model.seen);
        if (f.started) f.reset();
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * switchyard/future: the `fibers/future` 5.x Future API (fibers' README and
 * future.js define the semantics; fibers-suite.test.ts runs its own tests).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import Fiber = require('../../lib/fibers-compat/fibers');
import Future = require('../../lib/fibers-compat/future');
import { assertBuilt, ROOT } from './helpers';

/** Runs `body` in a fiber and resolves with what it returns (or rejects with what it throws). */
function inFiber<T>(body: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    Fiber(() => {
      try {
        resolve(body());
      } catch (e) {
        reject(e);
      }
    }).run();
  });
}

function sleep<T>(ms: number, value?: T): Future<T> {
  const f = new Future<T>();
  setTimeout(() => f.return(value), ms);
  return f;
}

/** Runs a script in a fresh node with the built compat layer as `Fiber` and `Future`. */
function runScript(script: string): { stdout: string; stderr: string; status: number | null } {
  assertBuilt();
  const prelude = `const Fiber = require(${JSON.stringify(path.join(ROOT, 'dist/lib/fibers-compat/fibers.js'))});
    const Future = require(${JSON.stringify(path.join(ROOT, 'dist/lib/fibers-compat/future.js'))});`;
  const r = spawnSync(process.execPath, ['-e', prelude + script], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('resolving and reading a future', () => {
  test('return() then get(); isResolved()', () => {
    const f = new Future<number>();
    expect(f.isResolved()).toBe(false);
    expect(() => f.get()).toThrow('Future must resolve before value is ready');
    f.return(5);
    expect(f.isResolved()).toBe(true);
    expect(f.get()).toBe(5);
  });

  test('resolving twice throws; throw() needs a truthy error', () => {
    const f = new Future();
    f.return(1);
    expect(() => f.return(2)).toThrow('Future resolved more than once');
    expect(() => f.throw(new Error('x'))).toThrow('Future resolved more than once');
    const g = new Future();
    expect(() => g.throw(undefined)).toThrow('Must throw non-empty error');
    expect(g.isResolved()).toBe(false);
    g.throw(new Error('x'));
    expect(() => g.throw(new Error('y'))).toThrow('Future resolved more than once');
  });

  test("get() rethrows the same error with get()'s frames and the original ones spliced into its stack", () => {
    const f = new Future();
    function makeTheError(): Error {
      return new Error('far away');
    }
    const err = makeTheError();
    f.throw(err);
    function readItHere(): unknown {
      return f.get();
    }
    let caught: unknown;
    try {
      readItHere();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(err);
    const lines = err.stack!.split('\n');
    expect(lines[0]).toBe('Error: far away');
    const sep = lines.indexOf('    - - - - -');
    expect(sep).toBeGreaterThan(1);
    expect(lines.slice(1, sep).join('\n')).toMatch(/readItHere/);
    expect(lines.slice(1, sep).join('\n')).not.toMatch(/makeTheError/);
    expect(lines.slice(sep + 1).join('\n')).toMatch(/makeTheError/);
    // read again from elsewhere: still one splice, of the newest get()
    function readItAgain(): unknown {
      return f.get();
    }
    expect(readItAgain).toThrow(err);
    const again = err.stack!.split('\n');
    expect(again.filter((l) => l === '    - - - - -')).toHaveLength(1);
    expect(again.join('\n')).toMatch(/readItAgain/);
    // and the stack can still be assigned
    err.stack = 'replaced';
    expect(err.stack).toBe('replaced');
  });

  test('non-Error failures are rethrown as they are', () => {
    const f = new Future();
    f.throw('a string');
    expect(() => f.get()).toThrow('a string');
    const frozen = Object.freeze(new Error('frozen'));
    const g = new Future();
    g.throw(frozen);
    expect(() => g.get()).toThrow(frozen);
  });
});

describe('callbacks', () => {
  test('resolve(errback): called at once when resolved, or synchronously by return()/throw()', () => {
    const calls: unknown[][] = [];
    const f = new Future<number>();
    expect(f.resolve((...args) => calls.push(args))).toBe(f);
    expect(calls).toEqual([]);
    f.return(3);
    expect(calls).toEqual([[undefined, 3]]);
    f.resolve((...args) => calls.push(args));
    expect(calls).toEqual([[undefined, 3], [undefined, 3]]);
    const err = new Error('e');
    const g = new Future();
    g.resolve((...args) => calls.push(args));
    g.throw(err);
    expect(calls[2]).toEqual([err]);
  });

  test('resolve(future, callback): errors go to the future, values to the callback', () => {
    const sink = new Future();
    const values: unknown[] = [];
    const ok = new Future<number>();
    ok.resolve(sink, (v) => values.push(v));
    ok.return(1);
    expect(values).toEqual([1]);
    expect(sink.isResolved()).toBe(false);
    const bad = new Future();
    const err = new Error('to sink');
    bad.resolve(sink, (v) => values.push(v));
    bad.throw(err);
    expect(() => sink.get()).toThrow(err);
    expect(values).toEqual([1]);
  });

  test('resolver(), resolveSuccess(), proxy(), proxyErrors()', () => {
    const f = new Future<string>();
    f.resolver()(null, 'v');
    expect(f.get()).toBe('v');
    const g = new Future();
    const err = new Error('r');
    g.resolver()(err);
    expect(() => g.get()).toThrow(err);

    const got: unknown[] = [];
    f.resolveSuccess((v) => got.push(v));
    g.resolveSuccess((v) => got.push(v));
    expect(got).toEqual(['v']);

    const target = new Future<string>();
    f.proxy(target);
    expect(target.get()).toBe('v');

    const a = new Future();
    const b = new Future();
    g.proxyErrors([a, b]);
    expect(() => a.get()).toThrow(err);
    expect(() => b.get()).toThrow(err);
    const c = new Future();
    f.proxyErrors(c);
    expect(c.isResolved()).toBe(false);
  });

  test("a callback's exception does not stop the others and is rethrown on the next tick", () => {
    const r = runScript(`
      process.on('uncaughtException', (e) => console.log('uncaught', e.message));
      const f = new Future();
      const order = [];
      f.resolve(() => { order.push('first'); throw new Error('from callback'); });
      f.resolve(() => order.push('second'));
      f.return(1);
      console.log(order.join(','), 'returned');
    `);
    expect(r).toEqual({ stdout: 'first,second returned\nuncaught from callback\n', stderr: '', status: 0 });
  });

  test('detach(): a failure becomes an uncaught exception; success is ignored', () => {
    const r = runScript(`
      process.on('uncaughtException', (e) => console.log('uncaught', e.message));
      const ok = new Future(); ok.detach(); ok.return(1);
      const bad = new Future(); bad.detach(); bad.throw(new Error('lost?'));
      console.log('after');
    `);
    expect(r).toEqual({ stdout: 'after\nuncaught lost?\n', stderr: '', status: 0 });
  });
});

describe('waiting in a fiber', () => {
  test('wait() returns the value, or throws the error, without blocking the event loop', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const out = await inFiber(() => {
        const v = sleep(30, 'slept').wait();
        const err = new Error('late');
        const failing = new Future();
        setTimeout(() => failing.throw(err), 5);
        let caught: unknown;
        try {
          failing.wait();
        } catch (e) {
          caught = e;
        }
        return [v, caught === err];
      });
      expect(out).toEqual(['slept', true]);
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
  });

  test('Future.wait(...) takes futures and arrays of them, skips resolved ones and never throws their errors', async () => {
    const out = await inFiber(() => {
      const failed = new Future();
      failed.throw(new Error('ignored by wait'));
      const later = new Future();
      setTimeout(() => later.throw(new Error('also ignored')), 5);
      const a = sleep(10, 'a');
      const b = sleep(1, 'b');
      Future.wait(a, [b, failed], later);
      return [a.get(), b.get(), later.isResolved()];
    });
    expect(out).toEqual(['a', 'b', true]);
  });

  test("Future.wait outside a fiber, or on something that is not a future, throws", () => {
    expect(() => Future.wait(new Future())).toThrow("Can't wait without a fiber");
    expect(() => Future.wait(42 as any)).toThrow('42 is not a future');
    expect(() => Future.wait([new Future(), 'x'] as any)).toThrow('x is not a future');
  });

  test('fromPromise() and promise()', async () => {
    const out = await inFiber(() => {
      const v = Future.fromPromise(Promise.resolve(7)).wait();
      let caught: unknown;
      try {
        Future.fromPromise(Promise.reject(new Error('rejected'))).wait();
      } catch (e) {
        caught = (e as Error).message;
      }
      return [v, caught];
    });
    expect(out).toEqual([7, 'rejected']);
    const f = new Future<number>();
    setTimeout(() => f.return(9), 1);
    await expect(f.promise()).resolves.toBe(9);
    const g = new Future();
    g.throw(new Error('no'));
    await expect(g.promise()).rejects.toThrow('no');
  });
});

describe('fn.future(), Future.task', () => {
  test('Function.prototype.future is there, not enumerable', () => {
    expect(typeof (() => 1).future).toBe('function');
    expect(Object.keys(Function.prototype)).not.toContain('future');
  });

  test('fn.future()(...args) runs fn with its this and args in a new fiber on the next tick', async () => {
    const seen: unknown[] = [];
    const obj = {
      base: 10,
      add: function (this: { base: number }, a: number, b: number) {
        seen.push(Fiber.current !== undefined);
        return this.base + a + b;
      }.future(),
    };
    const f = obj.add(1, 2);
    expect(seen).toEqual([]);
    expect(f.isResolved()).toBe(false);
    await f.promise().then((v) => expect(v).toBe(13));
    expect(seen).toEqual([true]);
  });

  test("a fiber waiting for an unstarted fn.future() result runs it itself, in its own fiber", async () => {
    const out = await inFiber(() => {
      const waiter = Fiber.current;
      const ranIn = function () {
        return Fiber.current === waiter;
      }.future()();
      return ranIn.wait();
    });
    expect(out).toBe(true);
  });

  test('a throwing fn fails its future; detach (fn.future(true)) makes that uncaught', () => {
    const r = runScript(`
      process.on('uncaughtException', (e) => console.log('uncaught', e.message));
      const f = function () { throw new Error('inside'); }.future()();
      f.resolve((err) => console.log('errback', err.message));
      (function () { throw new Error('detached'); }).future(true)();
    `);
    expect(r).toEqual({ stdout: 'errback inside\nuncaught detached\n', stderr: '', status: 0 });
  });

  test('Future.task: one function, or several (all results, or an error)', async () => {
    await expect(Future.task(() => sleep(2, 'one').wait()).promise()).resolves.toBe('one');
    await expect(
      Future.task(
        () => sleep(5, 'a').wait(),
        () => 'b',
      ).promise(),
    ).resolves.toEqual(['a', 'b']);
    await expect(
      Future.task(
        () => 'fine',
        () => {
          throw new Error('task failed');
        },
      ).promise(),
    ).rejects.toThrow('task failed');
  });
});

describe('Future.wrap', () => {
  // a node-style API: callback last, (err, value...)
  function addLater(a: number, b: number, cb: (err: Error | null, sum?: number, note?: string) => void): string {
    setTimeout(() => (a < 0 ? cb(new Error('negative')) : cb(null, a + b, 'extra')), 1);
    return 'handle';
  }

  test("a function: returns a future for the callback's value; the function's own return value is on future._", async () => {
    const add = Future.wrap(addLater);
    const out = await inFiber(() => {
      const f = add(2, 3);
      const handle = f._;
      let caught: unknown;
      try {
        add(-1, 0).wait();
      } catch (e) {
        caught = (e as Error).message;
      }
      return [f.wait(), handle, caught];
    });
    expect(out).toEqual([5, 'handle', 'negative']);
  });

  test('multi: the callback values after err, as an array', async () => {
    const add = Future.wrap(addLater, true);
    expect(await inFiber(() => add(1, 1).wait())).toEqual([2, 'extra']);
  });

  test("an object: an object inheriting from it with <name>Future (or <name><suffix>) methods", async () => {
    const api = {
      factor: 3,
      times(this: { factor: number }, n: number, cb: (err: null, v: number) => void) {
        setTimeout(() => cb(null, n * this.factor), 1);
      },
    };
    const wrapped = Future.wrap(api);
    const suffixed = Future.wrap(api, false, 'Sync');
    expect(Object.getPrototypeOf(wrapped)).toBe(api);
    expect(wrapped.times).toBe(api.times);
    expect(await inFiber(() => [wrapped.timesFuture(2).wait(), suffixed.timesSync(4).wait()])).toEqual([6, 12]);
  });

  test("a function with methods (like `request`): they stay reachable, each also wrapped", async () => {
    const request = Object.assign(
      (url: string, cb: (err: null, body: string) => void) => setTimeout(() => cb(null, `GET ${url}`), 1),
      { post: (url: string, cb: (err: null, body: string) => void) => setTimeout(() => cb(null, `POST ${url}`), 1) },
    );
    const wrapped = Future.wrap(request);
    expect(wrapped.post).toBe(request.post);
    expect(await inFiber(() => [wrapped('/a').wait(), wrapped.postFuture('/b').wait()])).toEqual(['GET /a', 'POST /b']);
  });

  test("fs, the README's example", async () => {
    const fs = Future.wrap(require('fs'));
    const out = await inFiber(() => fs.readFileFuture(path.join(ROOT, 'package.json'), 'utf8').wait());
    expect(JSON.parse(out).name).toBe('switchyard');
  });
});

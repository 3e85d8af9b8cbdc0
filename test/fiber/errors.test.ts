/** Misuse is reported with typed errors, never a crash. */
import * as vm from 'vm';
import {
  Fiber,
  FiberError,
  FiberStateError,
  NotInFiberError,
  YieldInMicrotaskError,
} from '../../lib';
import { native } from '../../lib/native';
import { describeChild, runFixture } from './helpers';

const major = Number(process.versions.node.split('.')[0]);

// Runs `run` on a fiber, giving it `attempt`, a Fiber.yield that records the
// error code it is refused with: returns that code and whether the fiber
// then finished (a yield that was let through leaves it suspended).
function yieldInside(run: (attempt: () => void) => void): [string | undefined, boolean] {
  const f = new Fiber(() => {
    let code: string | undefined;
    run(() => {
      try {
        Fiber.yield('escaped');
      } catch (e) {
        code = (e as FiberError).code;
      }
    });
    return code;
  });
  const code = f.resume() as string | undefined;
  return [code, f.done];
}

describe('Fiber errors', () => {
  test('a non-function body is a TypeError', () => {
    for (const bad of [undefined, null, 42, 'code', {}]) {
      expect(() => new Fiber(bad as any)).toThrow(TypeError);
    }
  });

  test('Fiber.yield outside a fiber is a NotInFiberError', () => {
    expect(() => Fiber.yield(1)).toThrow(NotInFiberError);
    try {
      Fiber.yield();
    } catch (e) {
      expect(e).toBeInstanceOf(FiberError);
      expect((e as FiberError).code).toBe('ERR_NOT_IN_FIBER');
      expect((e as Error).name).toBe('NotInFiberError');
    }
  });

  test('a fiber resuming itself is a FiberStateError, catchable inside', () => {
    const f: Fiber = new Fiber(() => {
      try {
        f.resume();
        return 'no error';
      } catch (e) {
        return e instanceof FiberStateError ? 'state error' : String(e);
      }
    });
    expect(f.resume()).toBe('state error');
  });

  test('resuming a fiber that is resuming another is a FiberStateError', () => {
    let outer!: Fiber;
    const inner = new Fiber(() => {
      try {
        outer.resume();
        return 'no error';
      } catch (e) {
        return e instanceof FiberStateError ? 'state error' : String(e);
      }
    });
    outer = new Fiber(() => inner.resume());
    expect(outer.resume()).toBe('state error');
  });

  test('resuming or throwing into a finished fiber is a FiberStateError', () => {
    const f = new Fiber(() => 'x');
    f.resume();
    expect(() => f.resume()).toThrow(FiberStateError);
    expect(() => f.throw(new Error('late'))).toThrow(FiberStateError);
    const g = new Fiber(() => {
      throw new Error('died');
    });
    expect(() => g.resume()).toThrow('died');
    expect(() => g.resume()).toThrow(FiberStateError);
  });

  test('yield inside a microtask that started in the fiber is a YieldInMicrotaskError', () => {
    // A vm context with microtaskMode 'afterEvaluate' runs its own microtask
    // queue synchronously, so the microtask runs inside the fiber.
    const f = new Fiber(() => {
      const out: { error?: unknown; after?: boolean } = {};
      const ctx = vm.createContext({ Fiber, out }, { microtaskMode: 'afterEvaluate' });
      vm.runInContext(
        'Promise.resolve().then(() => { try { Fiber.yield(1); out.after = true } catch (e) { out.error = e } })',
        ctx,
      );
      return out;
    });
    const out = f.resume() as { error?: unknown; after?: boolean };
    expect(f.done).toBe(true);
    expect(out.after).toBeUndefined();
    expect(out.error).toBeInstanceOf(YieldInMicrotaskError);
    expect((out.error as FiberError).code).toBe('ERR_YIELD_IN_MICROTASK');
  });

  test('yield inside a microtask of the default queue run inside the fiber is refused', () => {
    const r = runFixture('yield-in-default-queue.js');
    expect(r.stderr).toBe('');
    expect(r.json).toEqual({ code: 'ERR_YIELD_IN_MICROTASK', done: true });
  });

  test('yield inside a microtask that called into another context is refused too', () => {
    // The microtask (from the vm context's own queue) enters a second context
    // and yields there. Asking the queues of the current and the entered
    // context cannot see it (both are the second context's, whose queue is
    // idle); V8's queue ring can.
    if (native.NativeFiber.microtaskCheck !== 'ring') return;
    const other = vm.createContext({});
    expect(
      yieldInside((attempt) => {
        const ctx = vm.createContext({ attempt, other, vm }, { microtaskMode: 'afterEvaluate' });
        vm.runInContext('Promise.resolve().then(() => vm.runInContext("attempt()", Object.assign(other, { attempt })))', ctx);
      }),
    ).toEqual(['ERR_YIELD_IN_MICROTASK', true]);
  });

  // The check reads V8's ring of microtask queues on every Node this was
  // written for; forced onto the API's way (the queues of the current and
  // the entered context), it gives the same verdicts in these cases.
  test.each([
    ['the queue ring', {}, 'ring'],
    ['the queue ring with 128 more queues, half of them dropped before a gc()', { MICROTASK_QUEUES: '128' }, 'ring'],
    ['the API (SWITCHYARD_MICROTASK_CHECK=queues)', { SWITCHYARD_MICROTASK_CHECK: 'queues' }, 'queues'],
  ])('the yield check through %s', (_how, env, check) => {
    const r = runFixture('microtask-check.js', ['--expose-gc'], env);
    if (r.status !== 0) throw new Error(describeChild(r));
    const written = ['x64', 'arm64'].includes(process.arch) && [20, 22, 24, 26].includes(major);
    expect(r.json).toEqual({
      check: written || check === 'queues' ? check : r.json.check,
      defaultQueue: 'ERR_YIELD_IN_MICROTASK',
      vmQueue: 'ERR_YIELD_IN_MICROTASK',
      resumedFromVmMicrotask: ['from the context', 'again!'],
      resumedFromMicrotask: ['from fiber', 'again!'],
    });
  });

  test('a fiber resumed from a vm context\'s microtask may yield from code in that context', () => {
    const log: unknown[] = [];
    const ctx = vm.createContext({ log, Fiber }, { microtaskMode: 'afterEvaluate' });
    const f = new Fiber(() => vm.runInContext('Fiber.yield("from the context") + "!"', ctx));
    ctx.f = f;
    vm.runInContext('Promise.resolve().then(() => log.push(f.resume()))', ctx);
    expect(log).toEqual(['from the context']);
    expect(f.resume('again')).toBe('again!');
  });

  test('a fiber resumed from a microtask may yield back to it', async () => {
    const result = await Promise.resolve().then(() => {
      const f = new Fiber(() => Fiber.yield('from fiber') + '!');
      const first = f.resume();
      return [first, f.resume('again')];
    });
    expect(result).toEqual(['from fiber', 'again!']);
  });

  test('fibers work across await boundaries of the resumer', async () => {
    const f = new Fiber<number, number>((x) => {
      let sum = x;
      for (;;) sum += Fiber.yield<number>(sum);
    });
    let v = f.resume(1);
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      v = f.resume(i);
    }
    expect(v).toBe(11);
  });
});

/**
 * V8 interrupts and fiber hops. Where the direct hand-off recognized V8's
 * StackGuard::RequestInterrupt, a hop swaps only the stack limits and takes
 * no lock, so an interrupt another thread requests can land in the middle of
 * a switch; it must be handled all the same. These run on every backend:
 * the expectations are the same, only the counts of locked hand-offs are
 * specific to the lock-free hand-off.
 */
import { describeChild, runFixture } from './helpers';
import { Fiber } from '../../lib';
import { native } from '../../lib/native';

const lockFree = native.NativeFiber.handoffLockFree === true;
// Known limit: where hops go through v8::Unlocker/Locker (the threads
// backend, or the tls backend where the direct hand-off is unavailable) a vm
// timeout that lands while fibers hop is sometimes never delivered, and the
// script runs on: on Node 24 and 26 in 8 of 17 runs of this case (12
// timeouts each); on Node 20 with the threads backend in a few runs in a
// hundred (it hung CI runs too). worker.terminate() and heap snapshots were
// not affected. The direct hand-off delivered every one (Node 20 to 26, 10
// runs of 12 each on 24 and 26), so the case runs there. See the README's
// limits.
const vmTimeoutDelivered = native.NativeFiber.handoff === 'v8';

describe('interrupts while fibers hop', () => {
  test('workers hopping without end are terminated (worker.terminate) every time', () => {
    const r = runFixture('interrupts.js', [], { SCENARIO: 'terminate', ROUNDS: '10' });
    if (r.status !== 0) throw new Error(describeChild(r));
    expect(r.json).toEqual({ exits: Array(10).fill(1), stillWorks: 42 });
  });

  (vmTimeoutDelivered ? test : test.skip)("vm's timeout stops a script that hops without end, wherever it lands", () => {
    const r = runFixture('interrupts.js', [], { SCENARIO: 'vm-timeout', ROUNDS: '12' });
    if (r.status !== 0) throw new Error(describeChild(r));
    expect(r.json).toEqual({ codes: Array(12).fill('ERR_SCRIPT_EXECUTION_TIMEOUT'), stillWorks: 42 });
  });

  test('heap snapshots of a worker that hops without end (each asked for by an interrupt)', () => {
    const r = runFixture('interrupts.js', [], { SCENARIO: 'heap-snapshot', ROUNDS: '4' });
    if (r.status !== 0) throw new Error(describeChild(r));
    expect(r.json).toEqual({ snapshots: 4, allNonEmpty: true, stillWorks: 42 });
  });

  // A debugger pause's handler runs inside V8's InterruptsScope: hand-offs
  // from there go V8's way, under the lock (two per round trip), and are
  // lock-free again after the pause.
  test('hops from a debugger pause, and after it', () => {
    const r = runFixture('interrupts.js', [], { SCENARIO: 'debugger' });
    if (r.status !== 0) throw new Error(describeChild(r));
    type Probe = { sum: number; locked: number; overflow: string[] };
    const { paused, after, stillWorks } = r.json as { paused: Probe; after: Probe; stillWorks: number };
    for (const p of [paused, after]) {
      expect(p.sum).toBe(5050);
      expect(p.overflow).toEqual(['RangeError', 'RangeError']);
    }
    expect(stillWorks).toBe(42);
    if (lockFree) {
      expect(paused.locked).toBe(200);
      expect(after.locked).toBe(0);
    }
  });

  test('in this process, plain hops take no lock and one step where the hand-off is lock-free', () => {
    if (!lockFree) return;
    const f = new Fiber((x: number) => { for (;;) x = Fiber.yield(x + 1) as number; });
    f.resume(0); // a body's first entry takes its own Locker; the way back, two steps
    const locked = native.NativeFiber.lockedHandoffs!();
    const split = native.NativeFiber.splitHandoffs!();
    let sum = 0;
    for (let i = 0; i < 1000; i++) sum += f.resume(i) as number;
    expect(sum).toBe(500500);
    expect(native.NativeFiber.lockedHandoffs!() - locked).toBe(0);
    expect(native.NativeFiber.splitHandoffs!() - split).toBe(0);
  });
});

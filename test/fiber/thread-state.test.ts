/**
 * Each fiber is its own V8 thread: at every switch the hand-off archives the
 * running fiber's per-thread V8 state (handle scopes, the isolate's
 * thread-local top with its try/catch handlers and pending exception, the
 * RegExp backtracking stack, ...) and restores the other's, by copies of
 * its own where V8's functions were recognized as copies (handoff.test.ts
 * says which), or swaps the two in one step. These drive that state hard
 * from several fibers at once in random interleavings
 * (fixtures/thread-state-work.js) and check every fiber's results against
 * running the same body alone: interleaving must change nothing.
 */
import fc from 'fast-check';
import { Fiber } from '../../lib';
import { native } from '../../lib/native';
import { describeChild, runFixture } from './helpers';
import { alone, deep, deepInput, interleave } from './fixtures/thread-state-work';

const gc = (globalThis as { gc?: () => void }).gc;

describe('per-fiber V8 thread state across switches', () => {
  const nFibers = 5;
  const model = Array.from({ length: nFibers }, (_, id) => alone(id));

  test('the model itself is non-trivial', () => {
    expect(model[0].yielded).toContain(400 * 2 + 1);  // id 0 matches
    expect(model[1].yielded[0]).toBe(-1);  // id 1 does not
    expect(model[2].result).toContain('x2! 12! 345! 6789!');
  });

  test('random interleavings of RegExp, replace callbacks and try/catch/finally match each fiber alone', () => {
    const schedules = fc.array(fc.nat({ max: nFibers - 1 }), { minLength: 1, maxLength: 200 });
    fc.assert(
      fc.property(schedules, fc.boolean(), (schedule, withGc) => {
        const { yielded, results } = interleave(Fiber, nFibers, schedule, (step) => {
          // The main stack uses the same machinery in between.
          expect(deep.exec(deepInput(1000, 'c'))?.[0].length).toBe(2001);
          try {
            throw new Error('main');
          } catch (e) {
            expect((e as Error).message).toBe('main');
          }
          if (withGc && gc && step % 17 === 0) gc();
        });
        for (let id = 0; id < nFibers; id++) {
          expect(yielded[id]).toEqual(model[id].yielded);
          expect(results[id]).toBe(model[id].result);
        }
      }),
      { numRuns: 40 },
    );
  });

  // Where the hand-off swaps the receiver's archive with the live state in
  // one step, SWITCHYARD_CHECK_SWAP=1 checks every swap byte for byte
  // against what the two-step archive + restore would have done (and aborts
  // on a difference). The same interleavings, in a child with the check on.
  test('every one-step hand-off equals archive + restore, byte for byte (SWITCHYARD_CHECK_SWAP)', () => {
    const r = runFixture('thread-state.js', ['--expose-gc'], { SWITCHYARD_CHECK_SWAP: '1', SCHEDULES: '30' });
    if (r.status !== 0) throw new Error(describeChild(r));
    expect(r.json.mismatches).toEqual([]);
    expect(r.json.hops).toBeGreaterThan(1000);
    if (native.NativeFiber.handoffLockFree === true) {
      // Most were swaps. Two steps where a fiber leaves with V8's static
      // RegExp stack (after each RegExp, V8 goes back to it), which only
      // V8's archive can make dynamic; and a fiber's first entry and exit,
      // which take and release a Locker.
      expect(r.json.split).toBeLessThan(r.json.hops / 2);
    }
  });
});
